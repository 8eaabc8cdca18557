/*
 * rules.c - what the headers of a mail decide: no automatic answer to a
 * machine (RFC 3834's Auto-Submitted, Precedence, mailing lists, bounces,
 * vacation replies), our own mail coming back, the reference of a
 * conversation in a subject, the language, the configured routing rules.
 * Pure functions over struct email_mail: the unit tests and the fuzzer
 * call them without a mail server.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "email/email_int.h"

/* Is needle in hay, ignoring ASCII case? An empty needle always is. */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return true;
	for (; hay && *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

/* The first token of v, lowercased, into buf. */
static const char *token(const char *v, char *buf, size_t size)
{
	size_t i = 0;

	while (v && isspace((unsigned char)*v))
		v++;
	while (v && *v && !isspace((unsigned char)*v) && *v != ';' &&
	       i + 1 < size)
		buf[i++] = (char)tolower((unsigned char)*v++);
	buf[i] = '\0';
	return buf;
}

/* Return-Path: <> (a delivery report) or the mailer daemon's address. */
static bool bounce(const struct email_mail *m)
{
	char rp[8];

	if (m->return_path) {
		const char *p = m->return_path;

		while (isspace((unsigned char)*p))
			p++;
		token(p, rp, sizeof(rp));
		if (!strcmp(rp, "<>") || !*p)
			return true;
	}
	if (m->content_type && !strcasecmp(m->content_type, "multipart/report"))
		return true;
	return m->from && (!strncasecmp(m->from, "mailer-daemon@", 14) ||
	                   !strncasecmp(m->from, "postmaster@", 11));
}

const char *email_automatic(const struct email_mail *m)
{
	char t[32];

	if (m->auto_submitted &&
	    strcmp(token(m->auto_submitted, t, sizeof(t)), "no"))
		return "auto-submitted";
	if (m->precedence) {
		token(m->precedence, t, sizeof(t));
		if (!strcmp(t, "bulk") || !strcmp(t, "list") ||
		    !strcmp(t, "junk") || !strcmp(t, "auto_reply"))
			return "precedence";
	}
	if (m->list_id)
		return "mailing-list";
	if (bounce(m))
		return "bounce";
	if (m->x_autoreply)
		return "auto-reply";
	return NULL;
}

bool email_is_loop(const struct email_mail *m, const char *own_address)
{
	if (m->x_loop)
		return true;
	return own_address && *own_address && m->from &&
	       !strcasecmp(m->from, own_address);
}

uint64_t email_subject_ref(const char *subject)
{
	const char *p = subject;

	while (p && (p = strstr(p, "[#"))) {
		uint64_t key = 0;
		const char *d = p + 2;
		size_t n = 0;

		while (isdigit((unsigned char)d[n]) && n < 19)
			key = key * 10 + (uint64_t)(d[n++] - '0');
		if (n && d[n] == ']' && key)
			return key;
		p += 2;
	}
	return 0;
}

/* Common short words of each language, as whole words. */
static const struct {
	const char *lang;
	const char *words[12];
} stopwords[] = {
    {"it",
     {"il", "che", "di", "per", "non", "sono", "della", "buongiorno", "grazie",
      "mio", "vorrei", "una"}},
    {"es",
     {"el", "que", "de", "por", "para", "los", "las", "hola", "gracias",
      "quiero", "mi", "una"}},
    {"en",
     {"the", "and", "is", "to", "for", "you", "my", "hello", "thanks", "would",
      "please", "with"}},
    {"fr",
     {"le", "les", "est", "pour", "vous", "bonjour", "merci", "je", "une",
      "avec", "des", "mon"}},
    {"de",
     {"der", "die", "und", "ist", "nicht", "ich", "sie", "danke", "mit",
      "hallo", "bitte", "mein"}},
};

#define NLANG (sizeof(stopwords) / sizeof(stopwords[0]))

/* Count each language's words in the first few KiB of text. */
static const char *guess(const char *text)
{
	unsigned score[NLANG] = {0}, best = 0;
	const char *p = text, *end = text + strnlen(text, 8192);
	size_t pick = NLANG;

	while (p < end) {
		char w[16];
		size_t n = 0;

		while (p < end && !isalpha((unsigned char)*p))
			p++;
		while (p < end && isalpha((unsigned char)*p)) {
			if (n + 1 < sizeof(w))
				w[n] = (char)tolower((unsigned char)*p);
			n++;
			p++;
		}
		if (!n || n >= sizeof(w))
			continue;
		w[n] = '\0';
		for (size_t l = 0; l < NLANG; l++)
			for (size_t k = 0; k < 12; k++)
				if (!strcmp(w, stopwords[l].words[k]))
					score[l]++;
	}
	for (size_t l = 0; l < NLANG; l++)
		if (score[l] > best) {
			best = score[l];
			pick = l;
		}
	return best >= 2 ? stopwords[pick].lang : NULL;
}

const char *email_language(const char *content_language, const char *text)
{
	char t[8];

	if (content_language) {
		const char *p = content_language;
		size_t i = 0;

		while (isspace((unsigned char)*p))
			p++;
		while (isalpha((unsigned char)p[i]) && i < 3)
			i++;
		if (i == 2) {
			t[0] = (char)tolower((unsigned char)p[0]);
			t[1] = (char)tolower((unsigned char)p[1]);
			t[2] = '\0';
			for (size_t l = 0; l < NLANG; l++)
				if (!strcmp(t, stopwords[l].lang))
					return stopwords[l].lang;
		}
	}
	return text ? guess(text) : NULL;
}

bool email_rule_match(const struct config_email_rule *r,
                      const struct email_mail *m, const char *language)
{
	if (r->from[0] && !(m->from && contains(m->from, r->from)))
		return false;
	if (r->subject[0] && !(m->subject && contains(m->subject, r->subject)))
		return false;
	if (r->language[0] && !(language && !strcasecmp(language, r->language)))
		return false;
	return true;
}

int email_reply_subject(const char *subject, uint64_t key, char *buf,
                        size_t size)
{
	char ref[32];
	const char *s = subject ? subject : "";
	bool re = !strncasecmp(s, "re:", 3);
	int n;

	snprintf(ref, sizeof(ref), "[#%llu]", (unsigned long long)key);
	n = snprintf(buf, size, "%s%s%s%s", re ? "" : "Re: ", s,
	             strstr(s, ref) ? "" : (*s ? " " : ""),
	             strstr(s, ref) ? "" : ref);
	return n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0;
}
