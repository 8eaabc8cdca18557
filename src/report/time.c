/*
 * time.c - the times a report is asked for: Unix ms or ISO 8601.
 *
 * A parser of what people type: every refusal says what was expected.
 * Rejected: strptime(), which accepts what the locale allows, ignores
 * zones and cannot say which part is wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report/report_int.h"

/* Exactly n digits at *sp, advanced; -1 when not. */
static int digits(const char **sp, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*sp)[i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*sp += n;
	return v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
	                           31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

static int fail(char *err, size_t size, const char *s, const char *why)
{
	if (err && size)
		snprintf(err, size, "'%.40s' is not a time: %s", s, why);
	return EINVAL;
}

static int unix_ms(const char *s, int64_t *msp, char *err, size_t size)
{
	int64_t v = 0;

	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return fail(err, size, s,
			            "expected Unix ms (digits) or "
			            "YYYY-MM-DD[THH:MM[:SS[.mmm]](Z|+HH:MM)]");
		if (v > (INT64_MAX - 9) / 10)
			return fail(err, size, s, "too large");
		v = v * 10 + (*p - '0');
	}
	*msp = v;
	return 0;
}

/* "HH:MM[:SS[.mmm]]" into ms of the day. */
static int clock_part(const char **pp, const char *s, int64_t *msp, char *err,
                      size_t size)
{
	int h = digits(pp, 2), mi = -1, sec = 0, ms = 0;

	if (h >= 0 && **pp == ':' && (++*pp, 1))
		mi = digits(pp, 2);
	if (h < 0 || mi < 0)
		return fail(err, size, s, "expected HH:MM after 'T'");
	if (**pp == ':') {
		++*pp;
		if ((sec = digits(pp, 2)) < 0)
			return fail(err, size, s, "expected seconds SS");
		if (**pp == '.') {
			++*pp;
			if ((ms = digits(pp, 3)) < 0)
				return fail(err, size, s,
				            "expected milliseconds .mmm");
		}
	}
	if (h > 23 || mi > 59 || sec > 59)
		return fail(err, size, s,
		            "hour, minute or second out of range");
	*msp = ((h * 60 + mi) * 60 + sec) * 1000LL + ms;
	return 0;
}

/* "Z" or "+HH:MM" / "-HH:MM" into the offset from UTC, ms. */
static int zone_part(const char *p, const char *s, int64_t *offp, char *err,
                     size_t size)
{
	int sign = *p == '-' ? -1 : 1, h, m = -1;

	if (!strcmp(p, "Z")) {
		*offp = 0;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return fail(err, size, s,
		            *p ? "expected 'Z' or +HH:MM after the time"
		               : "a time needs its zone: 'Z' or +HH:MM");
	p++;
	h = digits(&p, 2);
	if (h >= 0 && *p == ':' && (++p, 1))
		m = digits(&p, 2);
	if (h < 0 || m < 0 || *p || h > 23 || m > 59)
		return fail(err, size, s, "expected a zone +HH:MM");
	*offp = sign * (h * 60 + m) * 60000LL;
	return 0;
}

int report_time_parse(const char *s, int64_t *msp, char *err, size_t size)
{
	const char *p = s;
	int64_t day_ms = 0, off = 0;
	int y, m = -1, d = -1, e;

	if (!s || !*s)
		return fail(err, size, s ? s : "", "empty");
	if (!strchr(s, '-'))
		return unix_ms(s, msp, err, size);
	y = digits(&p, 4);
	if (y >= 0 && *p == '-' && (++p, 1))
		m = digits(&p, 2);
	if (m >= 0 && *p == '-' && (++p, 1))
		d = digits(&p, 2);
	if (y < 0 || m < 0 || d < 0)
		return fail(err, size, s, "expected a date YYYY-MM-DD");
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return fail(err, size, s, "no such date (from 1970 on)");
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if ((e = clock_part(&p, s, &day_ms, err, size)) ||
		    (e = zone_part(p, s, &off, err, size)))
			return e;
	} else if (*p) {
		return fail(err, size, s,
		            "expected 'T' and a time after the date");
	}
	*msp = days_from_civil(y, m, d) * 86400000LL + day_ms - off;
	return 0;
}

void report_time_format(int64_t ms, char *buf, size_t size)
{
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t rest = ms - days * 86400000;
	/* civil_from_days */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;
	int64_t yy = yoe + era * 400 + (mm <= 2);

	snprintf(buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
	         (long long)yy, (long long)mm, (long long)dd,
	         (long long)(rest / 3600000), (long long)(rest / 60000 % 60),
	         (long long)(rest / 1000 % 60));
}
