/*
 * imap_line.c - the few IMAP server lines that IDLE needs, read from a
 * slice of the input (no copy). This is all the IMAP we parse ourselves:
 * libcurl does the login, TLS and every other command; the IDLE
 * connection only has to tell a continuation ("+ idling"), a mailbox that
 * grew ("* 12 EXISTS"), the capabilities ("* CAPABILITY ... IDLE"), the
 * server leaving ("* BYE") and the end of its own commands ("i3 OK").
 * A line that announces a literal ("... {42}") says how many bytes to
 * skip before the next line. Anything else is OTHER and ignored.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "email/email_int.h"

/* The next atom of p[0..len) from *at: its start and length (0 at the
 * end); *at moves past it and the space after it. */
static size_t atom(const char *p, size_t len, size_t *at, const char **start)
{
	size_t i = *at, n;

	while (i < len && p[i] == ' ')
		i++;
	*start = p + i;
	for (n = 0; i + n < len && p[i + n] != ' '; n++)
		;
	*at = i + n;
	return n;
}

static bool same(const char *a, size_t n, const char *word)
{
	return n == strlen(word) && !strncasecmp(a, word, n);
}

/* A number of at most 10 digits that fits in 32 bits. */
static bool number(const char *a, size_t n, uint32_t *v)
{
	uint64_t x = 0;

	if (!n || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)a[i]))
			return false;
		x = x * 10 + (uint64_t)(a[i] - '0');
	}
	if (x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* "{123}" or "{123+}" at the end of the line: 123. */
static size_t literal(const char *p, size_t len)
{
	size_t i;
	uint32_t v;

	if (len < 3 || p[len - 1] != '}')
		return 0;
	i = len - 1;
	if (p[i - 1] == '+')
		i--;
	for (size_t k = i; k-- > 0;)
		if (p[k] == '{')
			return number(p + k + 1, i - (k + 1), &v) ? v : 0;
		else if (!isdigit((unsigned char)p[k]))
			return 0;
	return 0;
}

static void untagged(const char *p, size_t len, size_t at,
                     struct email_imap_line *out)
{
	const char *a, *b;
	size_t n = atom(p, len, &at, &a), m;
	uint32_t v;

	if (same(a, n, "BYE")) {
		out->kind = EMAIL_IMAP_BYE;
	} else if (same(a, n, "CAPABILITY")) {
		out->kind = EMAIL_IMAP_CAPABILITY;
		while ((m = atom(p, len, &at, &b)))
			if (same(b, m, "IDLE"))
				out->idle = true;
	} else if (number(a, n, &v)) {
		m = atom(p, len, &at, &b);
		if (same(b, m, "EXISTS")) {
			out->kind = EMAIL_IMAP_EXISTS;
			out->number = v;
		}
	}
}

int email_imap_line(const char *p, size_t len, const char *tag,
                    struct email_imap_line *out)
{
	const char *a;
	size_t at = 0, n;

	memset(out, 0, sizeof(*out));
	if (!p || !tag)
		return EINVAL;
	out->literal = literal(p, len);
	n = atom(p, len, &at, &a);
	if (!n)
		return 0;
	if (a[0] == '+') { /* "+ idling", or a bare "+" */
		out->kind = EMAIL_IMAP_CONTINUE;
	} else if (same(a, n, "*")) {
		untagged(p, len, at, out);
	} else if (n == strlen(tag) && !strncmp(a, tag, n)) {
		out->kind = EMAIL_IMAP_TAGGED;
		n = atom(p, len, &at, &a);
		out->ok = same(a, n, "OK");
	}
	return 0;
}
