/*
 * test_acd_structures.c - the engine's containers against simple models:
 * the id map, the indexed heap, the order-statistic tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "acd/heap.h"
#include "acd/idmap.h"
#include "acd/ostree.h"

#define N 20000

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_idmap_model(void **state)
{
	static uint64_t keys[N];
	static bool present[N];
	struct idmap m;

	(void)state;
	idmap_init(&m);
	for (size_t i = 0; i < N; i++) /* sequential ids and scattered ones */
		keys[i] = i % 2 ? 1000 + i : rnd();
	for (int round = 0; round < 200000; round++) {
		size_t i = rnd() % N;

		if (rnd() % 3) {
			assert_int_equal(idmap_put(&m, keys[i], &keys[i]), 0);
			present[i] = true;
		} else {
			idmap_del(&m, keys[i]);
			present[i] = false;
		}
		if (round % 1000 == 0) {
			size_t n = 0;

			for (size_t k = 0; k < N; k++) {
				void *v = idmap_get(&m, keys[k]);

				assert_ptr_equal(v,
				                 present[k] ? &keys[k] : NULL);
				n += present[k];
			}
			assert_int_equal(m.n, n);
		}
	}
	idmap_reset(&m);
}

static void test_heap_model(void **state)
{
	static struct heap_node nodes[2000];
	struct heap h;

	(void)state;
	heap_init(&h);
	for (size_t i = 0; i < 2000; i++)
		nodes[i].pos = HEAP_ABSENT;
	for (int round = 0; round < 100000; round++) {
		struct heap_node *n = &nodes[rnd() % 2000];

		if (heap_contains(n)) {
			heap_remove(&h, n);
		} else {
			n->key[0] = (int64_t)(rnd() % 50);
			n->key[1] = (int64_t)(rnd() % 50);
			heap_push(&h, n);
		}
		if (round % 500 == 0 && h.n) {
			struct heap_node *top = heap_top(&h);

			for (size_t i = 0; i < 2000; i++) {
				if (!heap_contains(&nodes[i]))
					continue;
				assert_false(nodes[i].key[0] < top->key[0] ||
				             (nodes[i].key[0] == top->key[0] &&
				              nodes[i].key[1] < top->key[1]));
				assert_ptr_equal(h.v[nodes[i].pos], &nodes[i]);
			}
		}
	}
	heap_reset(&h);
}

static void test_ostree_rank_and_order(void **state)
{
	static struct ost_node nodes[3000];
	struct ost t = {NULL, NULL};
	struct ost_node *v[3000];

	(void)state;
	for (int round = 0; round < 60000; round++) {
		size_t i = rnd() % 3000;
		struct ost_node *n = &nodes[i];

		if (ost_contains(n)) {
			ost_remove(&t, n);
		} else {
			n->key[0] = (int64_t)(rnd() % 5);
			n->key[1] = (int64_t)(rnd() % 1000);
			n->key[2] = (int64_t)i; /* unique */
			ost_insert(&t, n);
		}
		if (round % 997)
			continue;
		size_t count = ost_collect(&t, v, 3000);

		assert_int_equal(count, ost_count(&t));
		for (size_t k = 0; k < count; k++) {
			assert_int_equal(ost_rank(&t, v[k]->key), k);
			if (k)
				assert_true(
				    (v[k - 1]->key[0] < v[k]->key[0] ||
				     (v[k - 1]->key[0] == v[k]->key[0] &&
				      (v[k - 1]->key[1] < v[k]->key[1] ||
				       (v[k - 1]->key[1] == v[k]->key[1] &&
				        v[k - 1]->key[2] < v[k]->key[2])))));
		}
		if (count)
			assert_ptr_equal(ost_first(&t), v[0]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_idmap_model),
	    cmocka_unit_test(test_heap_model),
	    cmocka_unit_test(test_ostree_rank_and_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
