/*
 * idmap.c - hash map of 64-bit keys (see idmap.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "idmap.h"

/*
 * Keys are either contact ids, handed out in sequence, or 64-bit FNV
 * hashes of names. Ids go by blocks of 16: a block lands at a mixed
 * place and its ids in neighbouring slots, so contacts created together
 * share cache lines, while blocks are scattered so that runs of ids do
 * not merge into one long probe cluster as the live ids move on (which
 * plain identity placement does once ids pass the table's size).
 */
static size_t slot_of(uint64_t key, size_t mask)
{
	uint64_t block = key >> 4;

	block ^= block >> 33;
	block *= 0xff51afd7ed558ccdULL;
	block ^= block >> 33;
	return (size_t)(block << 4 | (key & 15)) & mask;
}

void idmap_init(struct idmap *m)
{
	m->slots = NULL;
	m->n = 0;
	m->mask = 0;
}

void idmap_reset(struct idmap *m)
{
	free(m->slots);
	idmap_init(m);
}

static int grow(struct idmap *m)
{
	size_t cap = m->slots ? (m->mask + 1) * 2 : 64;
	struct idmap_slot *old = m->slots;
	size_t oldcap = m->slots ? m->mask + 1 : 0;

	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return ENOMEM;
	}
	m->mask = cap - 1;
	m->n = 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].value)
			idmap_put(m, old[i].key, old[i].value);
	}
	free(old);
	return 0;
}

static size_t distance(const struct idmap *m, size_t i)
{
	return (i - slot_of(m->slots[i].key, m->mask)) & m->mask;
}

/*
 * Robin Hood linear probing: an entry never sits farther from its home
 * slot than the one it would pass, so a lookup stops as soon as it is
 * farther than the entry it meets, and a deletion shifts back only up to
 * the first entry at home. Plain linear probing had to shift a whole
 * run, and sequential ids make one run of every live contact.
 */
int idmap_put(struct idmap *m, uint64_t key, void *value)
{
	struct idmap_slot cur = {key, value};
	size_t i, d = 0;

	if (!m->slots || (m->n + 1) * 4 > (m->mask + 1) * 3) {
		int err = grow(m);

		if (err)
			return err;
	}
	if (idmap_get(m, key)) {
		for (i = slot_of(key, m->mask);
		     m->slots[i].key != key || !m->slots[i].value;
		     i = (i + 1) & m->mask)
			;
		m->slots[i].value = value;
		return 0;
	}
	for (i = slot_of(key, m->mask);; i = (i + 1) & m->mask, d++) {
		struct idmap_slot tmp;
		size_t ed;

		if (!m->slots[i].value) {
			m->slots[i] = cur;
			m->n++;
			return 0;
		}
		ed = distance(m, i);
		if (ed < d) { /* take the place of the richer entry */
			tmp = m->slots[i];
			m->slots[i] = cur;
			cur = tmp;
			d = ed;
		}
	}
}

static size_t find(const struct idmap *m, uint64_t key)
{
	size_t i, d = 0;

	if (!m->slots)
		return SIZE_MAX;
	for (i = slot_of(key, m->mask); m->slots[i].value;
	     i = (i + 1) & m->mask, d++) {
		if (m->slots[i].key == key)
			return i;
		if (distance(m, i) < d)
			break;
	}
	return SIZE_MAX;
}

void *idmap_get(const struct idmap *m, uint64_t key)
{
	size_t i = find(m, key);

	return i == SIZE_MAX ? NULL : m->slots[i].value;
}

void idmap_del(struct idmap *m, uint64_t key)
{
	size_t i = find(m, key), j;

	if (i == SIZE_MAX)
		return;
	for (j = (i + 1) & m->mask; m->slots[j].value && distance(m, j) > 0;
	     j = (j + 1) & m->mask) {
		m->slots[i] = m->slots[j];
		i = j;
	}
	m->slots[i].value = NULL;
	m->n--;
}

uint64_t idmap_hash_str(uint64_t h, const char *s)
{
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	/* Separate fields so ("ab","c") and ("a","bc") differ. */
	h ^= 0xff;
	h *= 0x100000001b3ULL;
	return h;
}
