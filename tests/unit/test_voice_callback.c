/*
 * test_voice_callback.c - when a callback's customer is dialled again:
 * the retry policy and the customer's window, as a table of "attempts
 * made, now, window's end, expected due time (0: give up)".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/config.h"
#include "voice/callback.h"

#define MIN 60000LL
#define T0  1795500000000LL /* a Unix time, ms */

struct retry_vector {
	const char *name;
	unsigned attempts; /* made, the failed one included */
	int64_t not_after; /* 0: no window */
	int64_t due;       /* expected; 0: give up */
};

static void test_retry_policy(void **state)
{
	static const struct config_callback cb = {
	    .attempts = 3, .retry_after = 5 * MIN, .ring = 30000};
	static const struct retry_vector v[] = {
	    {"first busy, no window", 1, 0, T0 + 5 * MIN},
	    {"second busy, no window", 2, 0, T0 + 5 * MIN},
	    {"third: attempts spent", 3, 0, 0},
	    {"beyond the attempts", 7, 0, 0},
	    {"window ends later", 1, T0 + 60 * MIN, T0 + 5 * MIN},
	    {"window ends before the retry", 1, T0 + 4 * MIN, 0},
	    {"window ends exactly then", 1, T0 + 5 * MIN, 0},
	    {"window already over", 1, T0 - MIN, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int64_t due =
		    voice_callback_next(&cb, v[i].attempts, T0, v[i].not_after);
		if (due != v[i].due)
			fail_msg("%s: due %lld, expected %lld", v[i].name,
			         (long long)due, (long long)v[i].due);
	}
}

static void test_single_attempt(void **state)
{
	static const struct config_callback once = {
	    .attempts = 1, .retry_after = MIN, .ring = 30000};

	(void)state;
	assert_int_equal(voice_callback_next(&once, 1, T0, 0), 0);
	assert_int_equal(voice_callback_next(NULL, 1, T0, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_retry_policy),
	    cmocka_unit_test(test_single_attempt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
