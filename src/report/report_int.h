/*
 * report_int.h - the report's internals, shared by src/report/ only.
 */
#ifndef CENTRALINO_REPORT_INT_H
#define CENTRALINO_REPORT_INT_H

#include "report/report.h"

/*
 * A hash map from byte strings to pointers, open addressing with linear
 * probing; nothing is ever removed (a report lives for one pass).
 */
struct rmap {
	struct rmap_slot *slots;
	size_t cap, n;
};

/** The value under key (len bytes), NULL when absent. */
void *rmap_get(const struct rmap *m, const void *key, size_t len);
/** Put value under key (copied); replaces. Returns 0 or ENOMEM. */
int rmap_put(struct rmap *m, const void *key, size_t len, void *value);
/** Call f on every value, in no order. */
void rmap_each(const struct rmap *m, void (*f)(void *value, void *arg),
               void *arg);
/** Free the map (not the values). */
void rmap_free(struct rmap *m);

/** Copy of s ("" for NULL), or NULL when out of memory. */
char *report_strdup(const char *s);

#endif
