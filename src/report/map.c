/*
 * map.c - the small hash map of the report pass (see report_int.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

struct rmap_slot {
	uint64_t hash;
	char *key; /* NULL: empty */
	size_t len;
	void *value;
};

static uint64_t fnv1a(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static struct rmap_slot *find(const struct rmap *m, uint64_t h, const void *key,
                              size_t len)
{
	size_t i = (size_t)h & (m->cap - 1);

	for (;; i = (i + 1) & (m->cap - 1)) {
		struct rmap_slot *sl = &m->slots[i];

		if (!sl->key || (sl->hash == h && sl->len == len &&
		                 !memcmp(sl->key, key, len)))
			return sl;
	}
}

void *rmap_get(const struct rmap *m, const void *key, size_t len)
{
	struct rmap_slot *sl;

	if (!m->cap)
		return NULL;
	sl = find(m, fnv1a(key, len), key, len);
	return sl->key ? sl->value : NULL;
}

/* Double the table (keeps the load under one half). */
static int grow(struct rmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct rmap_slot *old = m->slots, *slots = calloc(cap, sizeof(*slots));
	size_t oldcap = m->cap;

	if (!slots)
		return ENOMEM;
	m->slots = slots;
	m->cap = cap;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].key)
			*find(m, old[i].hash, old[i].key, old[i].len) = old[i];
	}
	free(old);
	return 0;
}

int rmap_put(struct rmap *m, const void *key, size_t len, void *value)
{
	uint64_t h = fnv1a(key, len);
	struct rmap_slot *sl;

	if ((m->n + 1) * 2 > m->cap && grow(m))
		return ENOMEM;
	sl = find(m, h, key, len);
	if (!sl->key) {
		sl->key = malloc(len ? len : 1);
		if (!sl->key)
			return ENOMEM;
		memcpy(sl->key, key, len);
		sl->len = len;
		sl->hash = h;
		m->n++;
	}
	sl->value = value;
	return 0;
}

void rmap_each(const struct rmap *m, void (*f)(void *value, void *arg),
               void *arg)
{
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i].key)
			f(m->slots[i].value, arg);
	}
}

void rmap_free(struct rmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	*m = (struct rmap){0};
}

char *report_strdup(const char *s)
{
	size_t n = s ? strlen(s) + 1 : 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s ? s : "", n);
	return d;
}
