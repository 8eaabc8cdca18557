/*
 * forecast.c - a day's forecast in CSV, its staffing table.
 *
 * The CSV is small (a day is 48 rows), so rows go into one growing array;
 * a line is split in place into its three fields rather than copied.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "centralino/wfm.h"

#define LINE_MAX_LEN 1024

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* HH:MM[:SS], returns the rest or NULL. */
static const char *clock_time(const char *s)
{
	if (!digits(s, 2) || s[2] != ':' || !digits(s + 3, 2))
		return NULL;
	if (atoi(s) > 24 || atoi(s + 3) > 59)
		return NULL;
	s += 5;
	if (s[0] == ':' && digits(s + 1, 2))
		s += 3;
	if (s[0] == '.') /* fractional seconds */
		for (s++; isdigit((unsigned char)*s); s++)
			;
	return s;
}

/* "08:00", "08:00:00" or "2024-05-06T08:00[:00][Z|+02:00]". */
static bool interval_start_ok(const char *s)
{
	bool iso = false;

	if (digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
	    digits(s + 8, 2) && (s[10] == 'T' || s[10] == ' ')) {
		s += 11;
		iso = true;
	}
	s = clock_time(s);
	if (!s)
		return false;
	if (iso && (*s == 'Z'))
		s++;
	else if (iso && (*s == '+' || *s == '-'))
		s = clock_time(s + 1);
	return s && *s == '\0';
}

static bool number(const char *s, double *x)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*x = strtod(s, &end);
	return !errno && *end == '\0' && isfinite(*x);
}

static int bad(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf && errlen) {
		va_start(ap, fmt);
		vsnprintf(errbuf, errlen, fmt, ap);
		va_end(ap);
	}
	return EBADMSG;
}

/* Split "a,b,c" in place; returns the number of fields (max 4 seen). */
static int split(char *line, char *field[4])
{
	int n = 0;

	for (char *p = line;; p++) {
		if (n < 4)
			field[n] = p;
		n++;
		p = strchr(p, ',');
		if (!p)
			return n;
		*p = '\0';
	}
}

/*
 * Parse one data line into *iv. Returns 0, ENOENT for a header line (a
 * non-number where the volume goes) or EBADMSG with a message.
 */
static int parse_row(char *line, struct wfm_interval *iv, char *errbuf,
                     size_t errlen)
{
	char *field[4];
	int n = split(line, field);
	char *start;

	if (n != 3)
		return bad(errbuf, errlen,
		           "expected 3 fields (start,volume,aht), got %d", n);
	start = trim(field[0]);
	if (!number(trim(field[1]), &iv->volume) && !interval_start_ok(start))
		return ENOENT;
	if (!interval_start_ok(start) || strlen(start) >= sizeof(iv->start))
		return bad(errbuf, errlen,
		           "bad interval start '%s' (want HH:MM or ISO time)",
		           start);
	strcpy(iv->start, start);
	if (!number(trim(field[1]), &iv->volume) || iv->volume < 0.0)
		return bad(errbuf, errlen, "bad volume '%s'", trim(field[1]));
	if (!number(trim(field[2]), &iv->aht) || iv->aht <= 0.0)
		return bad(errbuf, errlen,
		           "bad handle time '%s' (seconds, > 0)",
		           trim(field[2]));
	return 0;
}

static int append(struct wfm_forecast *fc, size_t *cap,
                  const struct wfm_interval *iv)
{
	if (fc->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		void *p = realloc(fc->intervals, ncap * sizeof(*iv));

		if (!p)
			return ENOMEM;
		fc->intervals = p;
		*cap = ncap;
	}
	fc->intervals[fc->count++] = *iv;
	return 0;
}

/* One line of the file: skip (blank, comment), the header, or a row. */
static int read_line(struct wfm_forecast *fc, size_t *cap, char *buf,
                     bool *startedp, char *errbuf, size_t errlen)
{
	struct wfm_interval iv;
	char *line = trim(buf);
	int err;

	memset(&iv, 0, sizeof(iv));
	if (!*line || *line == '#')
		return 0;
	err = parse_row(line, &iv, errbuf, errlen);
	if (err == ENOENT && !*startedp) {
		*startedp = true;
		return 0; /* the header */
	}
	if (err == ENOENT)
		return bad(errbuf, errlen,
		           "bad volume (a header is only allowed before the "
		           "first row)");
	if (err)
		return err;
	*startedp = true;
	return append(fc, cap, &iv);
}

int wfm_forecast_read(FILE *f, double interval_s, struct wfm_forecast *fc,
                      size_t *linep, char *errbuf, size_t errlen)
{
	char buf[LINE_MAX_LEN];
	size_t lineno = 0, cap = 0;
	bool started = false; /* a header or a row was read */
	int err = 0;

	*fc = (struct wfm_forecast){.interval_s = interval_s};
	if (!isfinite(interval_s) || interval_s <= 0.0)
		return EINVAL;
	while (fgets(buf, sizeof(buf), f)) {
		lineno++;
		if (!strchr(buf, '\n') && !feof(f)) {
			err = bad(errbuf, errlen, "line too long");
			goto out;
		}
		err = read_line(fc, &cap, buf, &started, errbuf, errlen);
		if (err)
			goto out;
	}
	if (ferror(f))
		err = EIO;
	else if (!fc->count) {
		bad(errbuf, errlen, "no rows");
		err = ENODATA;
	}
out:
	if (linep)
		*linep = lineno;
	if (err)
		wfm_forecast_reset(fc);
	fc->interval_s = interval_s;
	return err;
}

void wfm_forecast_reset(struct wfm_forecast *fc)
{
	free(fc->intervals);
	fc->intervals = NULL;
	fc->count = 0;
}

int wfm_forecast_staff(struct wfm_forecast *fc, double threshold,
                       double patience, double target_sl, double max_occupancy,
                       double shrinkage, size_t *badp)
{
	for (size_t i = 0; i < fc->count; i++) {
		struct wfm_interval *iv = &fc->intervals[i];
		double lambda = iv->volume / fc->interval_s;
		int err;

		err =
		    wfm_staffing_agents(lambda, iv->aht, threshold, patience,
		                        target_sl, max_occupancy, &iv->agents);
		if (!err)
			err = wfm_staffing_scheduled(iv->agents, shrinkage,
			                             &iv->scheduled);
		if (!err)
			err = wfm_erlang_figures(iv->agents, lambda, iv->aht,
			                         threshold, patience,
			                         &iv->figures);
		if (err) {
			if (badp)
				*badp = i;
			return err;
		}
	}
	return 0;
}
