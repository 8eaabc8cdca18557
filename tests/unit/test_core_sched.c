/*
 * test_core_sched.c - worker threads go back to the normal policy when
 * the daemon runs at real-time priority, and the loop's thread keeps it.
 * Skipped where the process may not take a real-time policy (not root).
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/sched.h"

static void *worker(void *arg)
{
	struct sched_param p;
	int *policy = arg;

	sched_worker_normal();
	pthread_getschedparam(pthread_self(), policy, &p);
	return NULL;
}

static int worker_policy(void)
{
	pthread_t t;
	int policy = -1;

	assert_int_equal(pthread_create(&t, NULL, worker, &policy), 0);
	pthread_join(t, NULL);
	return policy;
}

static void test_worker_leaves_realtime(void **state)
{
	struct sched_param rt = {.sched_priority = 1};
	struct sched_param p;
	int policy;

	(void)state;
	if (pthread_setschedparam(pthread_self(), SCHED_RR, &rt))
		skip(); /* no real-time policy allowed here */
	assert_int_equal(worker_policy(), SCHED_OTHER);
	pthread_getschedparam(pthread_self(), &policy, &p);
	assert_int_equal(policy, SCHED_RR); /* the loop's thread keeps it */
}

/* Back to normal, whatever the test found. */
static int normal_again(void **state)
{
	struct sched_param none = {0};

	(void)state;
	pthread_setschedparam(pthread_self(), SCHED_OTHER, &none);
	return 0;
}

static void test_worker_normal_stays_normal(void **state)
{
	(void)state;
	assert_int_equal(worker_policy(), SCHED_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_worker_leaves_realtime,
	                              normal_again),
	    cmocka_unit_test(test_worker_normal_stays_normal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
