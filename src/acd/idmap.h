/*
 * idmap.h - open-addressing hash map from 64-bit keys to pointers.
 *
 * Contacts by id, and names by their 64-bit hash. Robin Hood linear
 * probing with backward-shift deletion: no tombstones, and lookups stay
 * short however many contacts come and go.
 */
#ifndef ACD_IDMAP_H
#define ACD_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct idmap_slot {
	uint64_t key;
	void *value; /* NULL: empty slot */
};

struct idmap {
	struct idmap_slot *slots;
	size_t n, mask;
};

void idmap_init(struct idmap *m);
void idmap_reset(struct idmap *m);
/** Insert or replace; value must not be NULL. Returns 0 or ENOMEM. */
int idmap_put(struct idmap *m, uint64_t key, void *value);
void *idmap_get(const struct idmap *m, uint64_t key);
/** Remove key if present. */
void idmap_del(struct idmap *m, uint64_t key);

/** FNV-1a over a string, continuing from h (start with IDMAP_FNV_SEED). */
uint64_t idmap_hash_str(uint64_t h, const char *s);
#define IDMAP_FNV_SEED 0xcbf29ce484222325ULL

#endif
