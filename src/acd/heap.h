/*
 * heap.h - an indexed binary min-heap of intrusive nodes.
 *
 * Each node carries its own key (four integers compared in order) and its
 * position, so that removing or re-keying any node costs O(log n) without
 * a search. Used for the engine's timers and for the agents available in
 * a pool, ordered by the queue's strategy.
 */
#ifndef ACD_HEAP_H
#define ACD_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_KEYS   4
#define HEAP_ABSENT SIZE_MAX

struct heap_node {
	int64_t key[HEAP_KEYS];
	size_t pos; /* HEAP_ABSENT when not in a heap */
};

struct heap {
	struct heap_node **v;
	size_t n, cap;
};

void heap_init(struct heap *h);
/** Release the array; the nodes stay the caller's. */
void heap_reset(struct heap *h);
/** Insert a node that is in no heap. Returns 0 or ENOMEM. */
int heap_push(struct heap *h, struct heap_node *node);
/** Remove a node from the heap it is in (no-op if absent). */
void heap_remove(struct heap *h, struct heap_node *node);

static inline struct heap_node *heap_top(const struct heap *h)
{
	return h->n ? h->v[0] : NULL;
}

static inline int heap_contains(const struct heap_node *node)
{
	return node->pos != HEAP_ABSENT;
}

#endif
