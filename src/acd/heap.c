/*
 * heap.c - indexed binary min-heap (see heap.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "heap.h"

static bool less(const struct heap_node *a, const struct heap_node *b)
{
	for (int i = 0; i < HEAP_KEYS; i++) {
		if (a->key[i] != b->key[i])
			return a->key[i] < b->key[i];
	}
	return false;
}

static void place(struct heap *h, size_t i, struct heap_node *node)
{
	h->v[i] = node;
	node->pos = i;
}

static void sift_up(struct heap *h, size_t i)
{
	struct heap_node *node = h->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!less(node, h->v[parent]))
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, node);
}

static void sift_down(struct heap *h, size_t i)
{
	struct heap_node *node = h->v[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= h->n)
			break;
		if (child + 1 < h->n && less(h->v[child + 1], h->v[child]))
			child++;
		if (!less(h->v[child], node))
			break;
		place(h, i, h->v[child]);
		i = child;
	}
	place(h, i, node);
}

void heap_init(struct heap *h)
{
	h->v = NULL;
	h->n = h->cap = 0;
}

void heap_reset(struct heap *h)
{
	for (size_t i = 0; i < h->n; i++)
		h->v[i]->pos = HEAP_ABSENT;
	free(h->v);
	heap_init(h);
}

int heap_push(struct heap *h, struct heap_node *node)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		struct heap_node **v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	place(h, h->n++, node);
	sift_up(h, node->pos);
	return 0;
}

void heap_remove(struct heap *h, struct heap_node *node)
{
	size_t i = node->pos;

	if (i == HEAP_ABSENT)
		return;
	node->pos = HEAP_ABSENT;
	if (--h->n == i)
		return;
	place(h, i, h->v[h->n]);
	if (i > 0 && less(h->v[i], h->v[(i - 1) / 2]))
		sift_up(h, i);
	else
		sift_down(h, i);
}
