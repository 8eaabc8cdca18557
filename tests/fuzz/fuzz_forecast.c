/*
 * fuzz_forecast.c - libFuzzer target: any bytes as a forecast CSV,
 * through wfm_forecast_read(); a forecast that reads, and is small enough
 * to staff quickly, is also staffed and drawn (wfm_forecast_staff(),
 * wfm_forecast_svg()) into memory.
 *
 * Besides "no crash, no hang, no leak" it checks the reader's contract:
 * on success at least one row, every row's start non-empty and
 * terminated, volume >= 0 and aht > 0, both finite; on failure an empty
 * forecast and a message.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centralino/wfm.h"

#define INPUT_MAX  (64u * 1024)
#define INTERVAL_S 1800.0
/* Staffing searches agent counts one by one: keep it quick. */
#define STAFF_ROWS_MAX 48
#define STAFF_LOAD_MAX 200.0 /* erlangs */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void rows_check(const struct wfm_forecast *fc)
{
	if (!fc->count || !fc->intervals)
		abort();
	for (size_t i = 0; i < fc->count; i++) {
		const struct wfm_interval *iv = &fc->intervals[i];

		if (!iv->start[0] ||
		    !memchr(iv->start, '\0', sizeof(iv->start)))
			abort();
		if (!isfinite(iv->volume) || iv->volume < 0 ||
		    !isfinite(iv->aht) || !(iv->aht > 0))
			abort();
	}
}

static bool staffable(const struct wfm_forecast *fc)
{
	if (fc->count > STAFF_ROWS_MAX)
		return false;
	for (size_t i = 0; i < fc->count; i++) {
		const struct wfm_interval *iv = &fc->intervals[i];

		if (!(iv->volume * iv->aht / fc->interval_s <= STAFF_LOAD_MAX))
			return false;
	}
	return true;
}

static void staff_and_draw(struct wfm_forecast *fc)
{
	char *svg = NULL;
	size_t len = 0, bad;
	FILE *out;

	if (wfm_forecast_staff(fc, 20, 0, 0.8, 0.9, 0.3, &bad))
		return;
	out = open_memstream(&svg, &len);
	if (!out)
		abort();
	wfm_forecast_svg(out, fc, "fuzz");
	fclose(out);
	free(svg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wfm_forecast fc;
	char errbuf[160] = "";
	size_t line = 0;
	FILE *f;
	int err;

	if (size > INPUT_MAX)
		return -1;
	/* fmemopen() refuses an empty buffer on older C libraries */
	f = fmemopen(size ? (void *)data : (void *)"", size ? size : 1, "r");
	if (!f)
		abort();
	if (!size)
		fgetc(f); /* consume the NUL, so the stream is empty */
	err = wfm_forecast_read(f, INTERVAL_S, &fc, &line, errbuf,
	                        sizeof(errbuf));
	fclose(f);
	if (err) {
		if (fc.count || fc.intervals || (err == EBADMSG && !errbuf[0]))
			abort();
		return 0;
	}
	rows_check(&fc);
	if (staffable(&fc))
		staff_and_draw(&fc);
	wfm_forecast_reset(&fc);
	return 0;
}
