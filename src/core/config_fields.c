/*
 * config_fields.c - the schema's vocabulary: typed scalars, field paths,
 * mappings walked against a table of known fields, located errors.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_int.h"

#define FIELDS_MAX 32

static void vcerr(struct cctx *c, struct config_loc loc, const char *path,
                  const char *fmt, va_list ap)
{
	char msg[256];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	config_errors_add(c->errs, c->file, loc.line, loc.column, path, "%s",
	                  msg);
}

void cerr_at(struct cctx *c, struct config_loc loc, const char *path,
             const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vcerr(c, loc, path, fmt, ap);
	va_end(ap);
}

void cerr(struct cctx *c, const struct cnode *n, const char *path,
          const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vcerr(c, cnode_loc(n), path, fmt, ap);
	va_end(ap);
}

struct config_loc cnode_loc(const struct cnode *n)
{
	return n ? (struct config_loc){n->line, n->column}
	         : (struct config_loc){1, 1};
}

const char *cshow(char *buf, size_t size, const char *s, size_t len)
{
	size_t i, max = size > 4 ? size - 4 : 0;
	for (i = 0; i < len && i < max; i++) {
		unsigned char ch = (unsigned char)s[i];
		buf[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	if (i < len && size >= 4) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	if (size)
		buf[i < size ? i : size - 1] = '\0';
	return buf;
}

const char *cpath_key(char *buf, size_t size, const char *path, const char *key)
{
	snprintf(buf, size, "%s%s%s", path, path[0] ? "." : "", key);
	return buf;
}

const char *cpath_index(char *buf, size_t size, const char *path, size_t i)
{
	snprintf(buf, size, "%s[%zu]", path, i);
	return buf;
}

bool cnode_is_null(const struct cnode *n)
{
	if (!n || n->type != CNODE_SCALAR || !n->plain)
		return false;
	return !n->len || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
	       !strcmp(n->str, "Null") || !strcmp(n->str, "NULL");
}

static const char *type_name(enum cnode_type t)
{
	switch (t) {
	case CNODE_MAP:
		return "a mapping (key: value)";
	case CNODE_SEQ:
		return "a list";
	default:
		return "a value";
	}
}

bool cexpect(struct cctx *c, const struct cnode *n, const char *path,
             enum cnode_type type)
{
	char show[48];
	if (n->type == type)
		return true;
	if (n->type == CNODE_BAD)
		return false;
	if (cnode_is_null(n))
		cerr(c, n, path, "expected %s, found nothing", type_name(type));
	else if (n->type == CNODE_SCALAR)
		cerr(c, n, path, "expected %s, found '%s'", type_name(type),
		     cshow(show, sizeof(show), n->str, n->len));
	else
		cerr(c, n, path, "expected %s, found %s", type_name(type),
		     type_name(n->type));
	return false;
}

bool cparse_name(struct cctx *c, const struct cnode *n, const char *path,
                 char *dst, size_t size)
{
	if (!cexpect(c, n, path, CNODE_SCALAR))
		return false;
	if (cnode_is_null(n) || !n->len) {
		cerr(c, n, path, "must not be empty");
		return false;
	}
	if (n->len >= size) {
		cerr(c, n, path, "longer than %zu characters", size - 1);
		return false;
	}
	for (size_t i = 0; i < n->len; i++) {
		unsigned char ch = (unsigned char)n->str[i];
		if (ch < 0x20 || ch == 0x7f) {
			cerr(c, n, path, "contains a control character");
			return false;
		}
	}
	memcpy(dst, n->str, n->len + 1);
	return true;
}

/* Digits only, no sign; false on overflow past max. */
static bool digits(const char *s, size_t len, long long max, long long *v)
{
	long long x = 0;
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		if (x > (max - (s[i] - '0')) / 10)
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

bool cparse_duration(struct cctx *c, const struct cnode *n, const char *path,
                     acd_time_t max_ms, acd_time_t *dst)
{
	static const struct {
		const char *suffix;
		long long ms;
	} units[] = {{"ms", 1},
	             {"s", 1000},
	             {"m", 60000},
	             {"h", 3600000},
	             {"d", 86400000}};
	char show[48];
	if (!cexpect(c, n, path, CNODE_SCALAR))
		return false;
	size_t len = strlen(n->str);
	long long unit = 1000, v = 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t sl = strlen(units[i].suffix);
		if (len > sl && !strcmp(n->str + len - sl, units[i].suffix) &&
		    isdigit((unsigned char)n->str[len - sl - 1])) {
			unit = units[i].ms;
			len -= sl;
			break;
		}
	}
	if (strlen(n->str) != n->len || !digits(n->str, len, INT32_MAX, &v)) {
		cerr(c, n, path,
		     "bad duration '%s'; expected e.g. 500ms, 20s, 10m, 1h, "
		     "7d or whole seconds",
		     cshow(show, sizeof(show), n->str, n->len));
		return false;
	}
	if (v > max_ms / unit) {
		cerr(c, n, path, "duration '%s' is longer than %lld s",
		     cshow(show, sizeof(show), n->str, n->len),
		     (long long)(max_ms / 1000));
		return false;
	}
	*dst = v * unit;
	return true;
}

bool cparse_int(struct cctx *c, const struct cnode *n, const char *path,
                long long min, long long max, long long *dst)
{
	char show[48];
	if (!cexpect(c, n, path, CNODE_SCALAR))
		return false;
	bool neg = n->len && n->str[0] == '-';
	size_t skip = (n->len && (n->str[0] == '-' || n->str[0] == '+'));
	long long v;
	if (!digits(n->str + skip, n->len - skip, INT64_MAX / 2, &v)) {
		cerr(c, n, path, "expected an integer, found '%s'",
		     cshow(show, sizeof(show), n->str, n->len));
		return false;
	}
	v = neg ? -v : v;
	if (v < min || v > max) {
		cerr(c, n, path, "%lld is out of range %lld..%lld", v, min,
		     max);
		return false;
	}
	*dst = v;
	return true;
}

bool cparse_bool(struct cctx *c, const struct cnode *n, const char *path,
                 bool *dst)
{
	char show[48];
	if (!cexpect(c, n, path, CNODE_SCALAR))
		return false;
	if (!strcmp(n->str, "true") || !strcmp(n->str, "yes")) {
		*dst = true;
		return true;
	}
	if (!strcmp(n->str, "false") || !strcmp(n->str, "no")) {
		*dst = false;
		return true;
	}
	cerr(c, n, path, "expected true or false, found '%s'",
	     cshow(show, sizeof(show), n->str, n->len));
	return false;
}

static void unknown_key(struct cctx *c, const struct cnode *key,
                        const char *path, const struct cfield *fields,
                        size_t nfields)
{
	char show[48], known[200] = "", fpath[128];
	size_t used = 0;
	for (size_t i = 0; i < nfields && used < sizeof(known); i++)
		used += (size_t)snprintf(known + used, sizeof(known) - used,
		                         "%s%s", i ? ", " : "", fields[i].key);
	cshow(show, sizeof(show), key->str, key->len);
	cerr(c, key, cpath_key(fpath, sizeof(fpath), path, show),
	     "unknown field '%s'; expected one of %s", show, known);
}

/* A key seen earlier in the same mapping? Reported at the later one. */
static bool duplicate_key(struct cctx *c, const struct cnode *map, size_t i,
                          const char *path)
{
	const struct cnode *key = map->kids[i];
	char show[48], fpath[128];
	for (size_t j = 0; j < i; j += 2) {
		const struct cnode *prev = map->kids[j];
		if (prev->type == CNODE_SCALAR && prev->len == key->len &&
		    !memcmp(prev->str, key->str, key->len)) {
			cshow(show, sizeof(show), key->str, key->len);
			cerr(c, key,
			     cpath_key(fpath, sizeof(fpath), path, show),
			     "duplicate key '%s' (first at line %u)", show,
			     prev->line);
			return true;
		}
	}
	return false;
}

/* Find the field of key, or report it; -1 when unknown or unusable. */
static int field_of(struct cctx *c, const struct cnode *map, size_t i,
                    const char *path, const struct cfield *fields,
                    size_t nfields)
{
	const struct cnode *key = map->kids[i];
	if (key->type != CNODE_SCALAR) {
		if (key->type != CNODE_BAD)
			cerr(c, key, path, "a key must be a plain name");
		return -1;
	}
	if (duplicate_key(c, map, i, path))
		return -1;
	for (size_t f = 0; f < nfields; f++) {
		if (strlen(fields[f].key) == key->len &&
		    !strcmp(fields[f].key, key->str))
			return (int)f;
	}
	unknown_key(c, key, path, fields, nfields);
	return -1;
}

void cfields_parse(struct cctx *c, const struct cnode *map, const char *path,
                   const struct cfield *fields, size_t nfields, void *obj)
{
	bool seen[FIELDS_MAX] = {false};
	char fpath[128];
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		int f = field_of(c, map, i, path, fields, nfields);
		if (f < 0)
			continue;
		seen[f] = true;
		cpath_key(fpath, sizeof(fpath), path, fields[f].key);
		fields[f].parse(c, map->kids[i + 1], fpath, obj);
	}
	for (size_t f = 0; f < nfields && f < FIELDS_MAX; f++) {
		if (fields[f].required && !seen[f])
			cerr(c, map,
			     cpath_key(fpath, sizeof(fpath), path,
			               fields[f].key),
			     "required field '%s' is missing", fields[f].key);
	}
}

bool cmap_key(struct cctx *c, const struct cnode *map, size_t i,
              const char *path, char *fpath, size_t size)
{
	const struct cnode *key = map->kids[i];
	char show[48];
	if (key->type != CNODE_SCALAR) {
		if (key->type != CNODE_BAD)
			cerr(c, key, path, "a key must be a plain name");
		return false;
	}
	if (duplicate_key(c, map, i, path))
		return false;
	cpath_key(fpath, size, path,
	          cshow(show, sizeof(show), key->str, key->len));
	return true;
}

bool clist_parse(struct cctx *c, const struct cnode *v, const char *path,
                 size_t size, void **arrp, size_t *np, citem_h *item)
{
	char ipath[128];
	if (!cexpect(c, v, path, CNODE_SEQ) || !v->n)
		return false;
	unsigned char *arr = calloc(v->n, size);
	if (!arr) {
		c->nomem = true;
		return false;
	}
	*arrp = arr;
	for (size_t i = 0; i < v->n; i++) {
		cpath_index(ipath, sizeof(ipath), path, i);
		if (item(c, v->kids[i], ipath, arr + *np * size))
			(*np)++;
	}
	return true;
}

size_t cerrors(const struct cctx *c)
{
	return c->errs->n + c->errs->dropped;
}

const char *cpathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap); /* a long path is cut, by design */
	va_end(ap);
	return buf;
}
