/*
 * config_errors.c - located configuration errors: collect, sort, print.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

void config_errors_add(struct config_errors *e, const char *file, unsigned line,
                       unsigned column, const char *field, const char *fmt, ...)
{
	if (e->n >= CONFIG_ERRORS_MAX) {
		e->dropped++;
		return;
	}
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		struct config_error *v = realloc(e->v, cap * sizeof(*v));
		if (!v) {
			e->dropped++;
			return;
		}
		e->v = v;
		e->cap = cap;
	}
	struct config_error *err = &e->v[e->n++];
	copy(err->file, sizeof(err->file), file);
	copy(err->field, sizeof(err->field), field);
	err->line = line;
	err->column = column;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

void config_errors_free(struct config_errors *e)
{
	if (!e)
		return;
	free(e->v);
	memset(e, 0, sizeof(*e));
}

void config_errors_print(const struct config_errors *e, FILE *f)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct config_error *err = &e->v[i];
		fprintf(f, "%s:", err->file);
		if (err->line)
			fprintf(f, "%u:%u:", err->line, err->column);
		if (err->field[0])
			fprintf(f, " %s:", err->field);
		fprintf(f, " %s\n", err->message);
	}
	if (e->dropped)
		fprintf(f, "... and %zu more error%s\n", e->dropped,
		        e->dropped == 1 ? "" : "s");
}
