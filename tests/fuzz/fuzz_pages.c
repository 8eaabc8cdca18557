/*
 * fuzz_pages.c - libFuzzer target: the request paths of the pages
 * (web_page_path() in src/web/pages.c). Whatever the input, a path that
 * is accepted names a file inside the folder: only letters, digits, '.',
 * '-', '_' and '/', no empty segment, no segment starting with '.', so
 * no ".." and no hidden file; and its type lookup does not crash.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/web_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool allowed(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
	       ch == '_' || ch == '/';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char rel[256];
	struct pl path = {(const char *)data, size};
	size_t n;

	if (web_page_path(&path, rel, sizeof(rel)))
		return 0;
	n = strlen(rel);
	if (!n || rel[0] == '/' || rel[n - 1] == '/')
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!allowed(rel[i]))
			abort();
		if ((i == 0 || rel[i - 1] == '/') &&
		    (rel[i] == '.' || rel[i] == '/'))
			abort();
	}
	(void)web_page_type(rel);
	return 0;
}
