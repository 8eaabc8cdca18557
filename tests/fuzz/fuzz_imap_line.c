/*
 * fuzz_imap_line.c - libFuzzer target: the IMAP server lines that IDLE
 * reads (email_imap_line() in src/email/imap_line.c). The input is cut
 * into lines at LF as the IDLE connection cuts them; each is read as a
 * slice (a copy of exactly its bytes, so ASan sees any read past it).
 * Whatever the bytes: no crash, a known kind, an EXISTS only from a
 * "*" line, our tag's end only from a line that starts with it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "email/email_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const char *p, size_t len)
{
	struct email_imap_line l;
	char *copy = malloc(len ? len : 1);

	if (!copy)
		return;
	memcpy(copy, p, len);
	if (email_imap_line(copy, len, "i3", &l))
		abort();
	if (l.kind > EMAIL_IMAP_TAGGED)
		abort();
	if (l.kind == EMAIL_IMAP_EXISTS && memchr(copy, '*', len) == NULL)
		abort();
	if (l.kind == EMAIL_IMAP_TAGGED) {
		size_t k = 0;

		while (k < len && copy[k] == ' ')
			k++;
		if (len - k < 2 || copy[k] != 'i' || copy[k + 1] != '3')
			abort();
	}
	if (l.literal && copy[len - 1] != '}')
		abort();
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t start = 0;

	for (size_t i = 0; i <= size; i++)
		if (i == size || p[i] == '\n') {
			size_t len = i - start;

			if (len && p[start + len - 1] == '\r')
				len--;
			one(p + start, len);
			start = i + 1;
		}
	return 0;
}
