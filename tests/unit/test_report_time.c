/*
 * test_report_time.c - the times a report is asked for, as vectors:
 * what each accepted text means, and what each refused one is told.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "report/report.h"

static const struct {
	const char *text;
	int64_t ms;
} good[] = {
    {"0", 0},
    {"1795424400000", 1795424400000},
    {"1970-01-01", 0},
    {"2026-11-23", 1795392000000},
    {"2026-11-23T09:00Z", 1795424400000},
    {"2026-11-23T09:00:00Z", 1795424400000},
    {"2026-11-23T09:00:00.250Z", 1795424400250},
    {"2026-11-23 09:00Z", 1795424400000},
    {"2026-11-23T10:00+01:00", 1795424400000},
    {"2026-11-23T03:30-05:30", 1795424400000},
    {"2024-02-29", 1709164800000}, /* a leap day */
    {"2000-03-01T00:00Z", 951868800000},
};

static const struct {
	const char *text, *why;
} bad[] = {
    {"", "empty"},
    {"12x", "expected Unix ms"},
    {"99999999999999999999", "too large"},
    {"2026-1-23", "expected a date YYYY-MM-DD"},
    {"2026-13-01", "no such date"},
    {"2026-02-29", "no such date"},
    {"1969-12-31", "no such date"},
    {"2026-11-23T09:00", "a time needs its zone"},
    {"2026-11-23T9:00Z", "expected HH:MM after 'T'"},
    {"2026-11-23T24:00Z", "out of range"},
    {"2026-11-23T09:00:5Z", "expected seconds SS"},
    {"2026-11-23T09:00:00.5Z", "expected milliseconds"},
    {"2026-11-23T09:00+1", "expected a zone +HH:MM"},
    {"2026-11-23T09:00Zjunk", "expected 'Z' or +HH:MM"},
    {"2026-11-23x", "expected 'T' and a time"},
};

static void test_report_time_parse_good(void **state)
{
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t ms = -1;

		if (report_time_parse(good[i].text, &ms, err, sizeof(err)))
			fail_msg("%s: %s", good[i].text, err);
		if (ms != good[i].ms)
			fail_msg("%s: %lld, not %lld", good[i].text,
			         (long long)ms, (long long)good[i].ms);
	}
}

static void test_report_time_parse_bad(void **state)
{
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ms = 7;

		err[0] = '\0';
		assert_int_equal(
		    report_time_parse(bad[i].text, &ms, err, sizeof(err)),
		    EINVAL);
		if (!strstr(err, bad[i].why))
			fail_msg("%s: '%s' does not say '%s'", bad[i].text, err,
			         bad[i].why);
		assert_int_equal(ms, 7); /* untouched */
	}
}

static void test_report_time_format(void **state)
{
	char buf[32];

	(void)state;
	report_time_format(1795424400000, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-23T09:00:00Z");
	report_time_format(951868799999, buf, sizeof(buf));
	assert_string_equal(buf, "2000-02-29T23:59:59Z");
	report_time_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_time_parse_good),
	    cmocka_unit_test(test_report_time_parse_bad),
	    cmocka_unit_test(test_report_time_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
