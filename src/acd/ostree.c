/*
 * ostree.c - order-statistic AVL tree (see ostree.h).
 *
 * Recursive insert and remove: the depth is at most 1.44 log2(n), about 30
 * for a million contacts, so the stack is not a concern.
 */
#include <stdbool.h>

#include "ostree.h"

static int cmp(const int64_t *a, const int64_t *b)
{
	for (int i = 0; i < OST_KEYS; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	}
	return 0;
}

static int height(const struct ost_node *n)
{
	return n ? n->height : 0;
}

static uint32_t size(const struct ost_node *n)
{
	return n ? n->size : 0;
}

static void fix(struct ost_node *n)
{
	int hl = height(n->left), hr = height(n->right);

	n->height = (int8_t)(1 + (hl > hr ? hl : hr));
	n->size = 1 + size(n->left) + size(n->right);
}

static struct ost_node *rotate_right(struct ost_node *y)
{
	struct ost_node *x = y->left;

	y->left = x->right;
	x->right = y;
	fix(y);
	fix(x);
	return x;
}

static struct ost_node *rotate_left(struct ost_node *x)
{
	struct ost_node *y = x->right;

	x->right = y->left;
	y->left = x;
	fix(x);
	fix(y);
	return y;
}

static struct ost_node *balance(struct ost_node *n)
{
	int b;

	fix(n);
	b = height(n->left) - height(n->right);
	if (b > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (b < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	return n;
}

static struct ost_node *insert(struct ost_node *n, struct ost_node *x)
{
	if (!n) {
		x->left = x->right = NULL;
		x->height = 1;
		x->size = 1;
		return x;
	}
	if (cmp(x->key, n->key) < 0)
		n->left = insert(n->left, x);
	else
		n->right = insert(n->right, x);
	return balance(n);
}

static struct ost_node *remove_min(struct ost_node *n, struct ost_node **minp)
{
	if (!n->left) {
		*minp = n;
		return n->right;
	}
	n->left = remove_min(n->left, minp);
	return balance(n);
}

static struct ost_node *remove_key(struct ost_node *n, const int64_t *key)
{
	struct ost_node *l, *r, *m;
	int c;

	if (!n)
		return NULL;
	c = cmp(key, n->key);
	if (c < 0) {
		n->left = remove_key(n->left, key);
		return balance(n);
	}
	if (c > 0) {
		n->right = remove_key(n->right, key);
		return balance(n);
	}
	l = n->left;
	r = n->right;
	n->left = n->right = NULL;
	n->height = 0;
	if (!r)
		return l;
	r = remove_min(r, &m);
	m->left = l;
	m->right = r;
	return balance(m);
}

static struct ost_node *leftmost(struct ost_node *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

void ost_insert(struct ost *t, struct ost_node *node)
{
	t->root = insert(t->root, node);
	if (!t->first || cmp(node->key, t->first->key) < 0)
		t->first = node;
}

void ost_remove(struct ost *t, struct ost_node *node)
{
	t->root = remove_key(t->root, node->key);
	node->height = 0;
	if (t->first == node)
		t->first = leftmost(t->root);
}

size_t ost_rank(const struct ost *t, const int64_t key[OST_KEYS])
{
	const struct ost_node *n = t->root;
	size_t rank = 0;

	while (n) {
		if (cmp(key, n->key) <= 0) {
			n = n->left;
		} else {
			rank += size(n->left) + 1;
			n = n->right;
		}
	}
	return rank;
}

static size_t collect(const struct ost_node *n, struct ost_node **v, size_t i,
                      size_t max)
{
	if (!n || i >= max)
		return i;
	i = collect(n->left, v, i, max);
	if (i < max)
		v[i++] = (struct ost_node *)n;
	return collect(n->right, v, i, max);
}

size_t ost_collect(const struct ost *t, struct ost_node **v, size_t max)
{
	return collect(t->root, v, 0, max);
}
