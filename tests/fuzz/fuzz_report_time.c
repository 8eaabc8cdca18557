/*
 * fuzz_report_time.c - libFuzzer target: any bytes as the --from / --to
 * of `centralino report`, through report_time_parse().
 *
 * Besides "no crash, no hang" it checks the parser's contract: a refusal
 * leaves the time untouched and says why, starting with the quoted
 * input; an accepted time formats (report_time_format()) to a text that
 * parses back to the same second.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

#define INPUT_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(int64_t ms)
{
	char iso[32], err[160];
	int64_t back = -1;

	if (ms < 0 || ms >= 253402300800000LL) /* before 1970, after 9999 */
		return;
	report_time_format(ms, iso, sizeof(iso));
	if (report_time_parse(iso, &back, err, sizeof(err)) ||
	    back != ms - ms % 1000)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[INPUT_MAX + 1], err[160];
	int64_t ms = 42;
	int rc;

	if (size > INPUT_MAX)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	rc = report_time_parse(text, &ms, err, sizeof(err));
	if (rc) {
		if (rc != EINVAL || ms != 42 || err[0] != '\'')
			abort();
		return 0;
	}
	round_trip(ms);
	return 0;
}
