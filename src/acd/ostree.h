/*
 * ostree.h - an order-statistic AVL tree of intrusive nodes.
 *
 * Holds the contacts waiting in a pool, ordered by their key (priority,
 * virtual start time, sequence). Besides the first node it answers "how
 * many nodes come before this key" in O(log n), which is a waiting
 * contact's position. A binary heap was rejected here: it finds the first
 * contact as fast but cannot count the contacts ahead without a scan.
 * Keys must be unique (the last field is a sequence number).
 */
#ifndef ACD_OSTREE_H
#define ACD_OSTREE_H

#include <stddef.h>
#include <stdint.h>

#define OST_KEYS 3

struct ost_node {
	struct ost_node *left, *right;
	int64_t key[OST_KEYS];
	uint32_t size;
	int8_t height; /* 0 when not in a tree */
};

struct ost {
	struct ost_node *root;
	struct ost_node *first; /* kept, so that the first is one load */
};

void ost_insert(struct ost *t, struct ost_node *node);
/** Remove a node that is in t (found by its key). */
void ost_remove(struct ost *t, struct ost_node *node);
static inline struct ost_node *ost_first(const struct ost *t)
{
	return t->first;
}
/** Number of nodes whose key is smaller than key. */
size_t ost_rank(const struct ost *t, const int64_t key[OST_KEYS]);
/** Fill v with up to max nodes in order; returns how many. */
size_t ost_collect(const struct ost *t, struct ost_node **v, size_t max);

static inline size_t ost_count(const struct ost *t)
{
	return t->root ? t->root->size : 0;
}

static inline int ost_contains(const struct ost_node *node)
{
	return node->height != 0;
}

#endif
