/*
 * config_calendar.c - opening-hours calendars: weekly hours, holidays,
 * a time zone; and whether a calendar is open at an instant.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/config_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* In week order, Monday first; tm_wday of week day k is (k + 1) % 7. */
static const char *const week[] = {"mon", "tue", "wed", "thu",
                                   "fri", "sat", "sun"};

/* A zone name is a path under the zoneinfo directory: no "..", no leading
 * '/', only the characters zone names use; the file must exist there when
 * the directory does (a machine without tzdata cannot check). */
bool ctimezone_ok(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char file[512];
	struct stat st;
	if (!tz[0] || tz[0] == '/' || strstr(tz, "..") ||
	    strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	               "0123456789/_+-") != strlen(tz))
		return false;
	if (!dir || !dir[0])
		dir = "/usr/share/zoneinfo";
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return true;
	snprintf(file, sizeof(file), "%s/%s", dir, tz);
	return !stat(file, &st) && S_ISREG(st.st_mode);
}

static int week_day(const char *s, size_t len)
{
	for (int k = 0; k < 7; k++) {
		if (len == 3 && !memcmp(s, week[k], 3))
			return k;
	}
	return -1;
}

/* "HH:MM" at s into minutes; HH 00..24, MM 00..59, 24 only as 24:00. */
static int minutes(const char *s)
{
	for (int i = 0; i < 5; i++) {
		if (i == 2 ? s[i] != ':' : (s[i] < '0' || s[i] > '9'))
			return -1;
	}
	int h = (s[0] - '0') * 10 + s[1] - '0',
	    m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 24 || m > 59 || (h == 24 && m))
		return -1;
	return h * 60 + m;
}

/* "HH:MM-HH:MM" into r; reported when bad. */
static bool range_parse(struct cctx *c, const struct cnode *v, const char *path,
                        struct config_time_range *r)
{
	char show[48];
	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	cshow(show, sizeof(show), v->str, v->len);
	int a = -1, b = -1;
	if (v->len == 11 && v->str[5] == '-') {
		a = minutes(v->str);
		b = minutes(v->str + 6);
	}
	if (a < 0 || b < 0) {
		cerr(c, v, path,
		     "bad hours '%s'; expected HH:MM-HH:MM, e.g. 08:00-20:00",
		     show);
		return false;
	}
	if (a >= b) {
		cerr(c, v, path, "hours '%s' end before they start", show);
		return false;
	}
	*r = (struct config_time_range){(uint16_t)a, (uint16_t)b};
	return true;
}

/* "mon" or "mon-fri" into first..last (week order); reported when bad. */
bool cparse_days(struct cctx *c, const struct cnode *key, const char *path,
                 int *first, int *last)
{
	char show[48];
	const char *dash = memchr(key->str, '-', key->len);
	*first =
	    week_day(key->str, dash ? (size_t)(dash - key->str) : key->len);
	*last =
	    dash ? week_day(dash + 1, key->len - (size_t)(dash - key->str) - 1)
	         : *first;
	if (*first < 0 || *last < 0 || *last < *first) {
		cerr(c, key, path,
		     "bad days '%s'; expected mon..sun or a range like "
		     "mon-fri",
		     cshow(show, sizeof(show), key->str, key->len));
		return false;
	}
	return true;
}

/* One day's value (a range or a list) into the days first..last. */
static void day_hours(struct cctx *c, struct config_calendar *cal,
                      const struct cnode *v, const char *path, int first,
                      int last)
{
	struct config_time_range r[CONFIG_RANGES_MAX];
	unsigned n = 0;
	char ipath[128];
	if (v->type == CNODE_SEQ) {
		for (size_t i = 0; i < v->n; i++) {
			cpath_index(ipath, sizeof(ipath), path, i);
			if (i == CONFIG_RANGES_MAX) {
				cerr(c, v->kids[i], ipath,
				     "more than %d ranges a day",
				     CONFIG_RANGES_MAX);
				break;
			}
			n += range_parse(c, v->kids[i], ipath, &r[n]);
		}
	} else {
		n += range_parse(c, v, path, &r[0]);
	}
	for (int k = first; k <= last; k++) {
		int wday = (k + 1) % 7;
		memcpy(cal->days[wday].v, r, n * sizeof(r[0]));
		cal->days[wday].n = n;
	}
}

static bool cal_hours(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	struct config_calendar *cal = obj;
	unsigned line[7] = {0};
	char kpath[128];
	int first, last;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct cnode *key = v->kids[i];
		if (!cmap_key(c, v, i, path, kpath, sizeof(kpath)) ||
		    !cparse_days(c, key, kpath, &first, &last))
			continue;
		bool twice = false;
		for (int k = first; k <= last && !twice; k++) {
			if (line[k]) {
				cerr(c, key, kpath,
				     "%s already has hours (line %u)", week[k],
				     line[k]);
				twice = true;
			}
			line[k] = key->line;
		}
		if (!twice)
			day_hours(c, cal, v->kids[i + 1], kpath, first, last);
	}
	return true;
}

bool cparse_date(struct cctx *c, const struct cnode *v, const char *path,
                 void *item)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	struct config_date *d = item;
	char show[48];
	int y, m, dd, used = 0;
	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	cshow(show, sizeof(show), v->str, v->len);
	bool ok = v->len == 10;
	for (size_t i = 0; ok && i < 10; i++)
		ok = (i == 4 || i == 7)
		         ? v->str[i] == '-'
		         : (v->str[i] >= '0' && v->str[i] <= '9');
	ok = ok && sscanf(v->str, "%4d-%2d-%2d%n", &y, &m, &dd, &used) == 3 &&
	     used == 10 && y >= 1970 && m >= 1 && m <= 12 && dd >= 1;
	if (ok) {
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		ok = dd <= mdays[m - 1] + (m == 2 && leap);
	}
	if (!ok) {
		cerr(c, v, path,
		     "bad date '%s'; expected YYYY-MM-DD, a real day", show);
		return false;
	}
	*d = (struct config_date){y, m, dd, cnode_loc(v)};
	return true;
}

static bool cal_holidays(struct cctx *c, const struct cnode *v,
                         const char *path, void *obj)
{
	struct config_calendar *cal = obj;
	if (v->type == CNODE_SEQ && !v->n)
		return true;
	return clist_parse(c, v, path, sizeof(*cal->holidays),
	                   (void **)&cal->holidays, &cal->nholidays,
	                   cparse_date);
}

static bool cal_name(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_calendar *cal = obj;
	cal->name_loc = cnode_loc(v);
	return cparse_name(c, v, path, cal->name, sizeof(cal->name));
}

static bool cal_tenant(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	struct config_calendar *cal = obj;
	cal->tenant.loc = cnode_loc(v);
	return cparse_name(c, v, path, cal->tenant.name,
	                   sizeof(cal->tenant.name));
}

static bool cal_timezone(struct cctx *c, const struct cnode *v,
                         const char *path, void *obj)
{
	struct config_calendar *cal = obj;
	if (!cparse_name(c, v, path, cal->timezone, sizeof(cal->timezone)))
		return false;
	if (ctimezone_ok(cal->timezone))
		return true;
	cerr(c, v, path, "unknown time zone '%s'", cal->timezone);
	cal->timezone[0] = '\0';
	return false;
}

static bool calendar_parse(struct cctx *c, const struct cnode *v,
                           const char *path, void *item)
{
	static const struct cfield fields[] = {
	    {"name", cal_name, true},          {"tenant", cal_tenant, true},
	    {"timezone", cal_timezone, false}, {"hours", cal_hours, false},
	    {"holidays", cal_holidays, false},
	};
	struct config_calendar *cal = item;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cal->loc = cnode_loc(v);
	cal->tenant.index = SIZE_MAX;
	cfields_parse(c, v, path, fields, COUNT(fields), cal);
	return true;
}

bool config_calendars_section(struct cctx *c, const struct cnode *v,
                              const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->calendars),
	                   (void **)&cfg->calendars, &cfg->ncalendars,
	                   calendar_parse);
}

/* Local time is zone tz's ("" UTC) until tz_leave(): TZ is set for the
 * call, the one it had kept in saved (*hadp: it had one). */
static void tz_enter(const char *tz, char saved[256], bool *hadp)
{
	const char *old = getenv("TZ");

	*hadp = old != NULL;
	saved[0] = '\0';
	if (*hadp)
		snprintf(saved, 256, "%s", old);
	setenv("TZ", tz[0] ? tz : "UTC", 1);
	tzset();
}

static void tz_leave(const char saved[256], bool had)
{
	if (had)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
}

/* now in zone tz into *tm. Sets TZ for the call: not thread-safe. */
bool config_local_time(const char *tz, time_t now, struct tm *tm)
{
	char saved[256];
	bool had, ok;

	tz_enter(tz, saved, &had);
	ok = localtime_r(&now, tm) != NULL;
	tz_leave(saved, had);
	return ok;
}

time_t config_local_mktime(const char *tz, struct tm *tm)
{
	char saved[256];
	bool had;
	time_t t;

	tz_enter(tz, saved, &had);
	t = mktime(tm);
	tz_leave(saved, had);
	return t;
}

bool config_calendar_open(const struct config_calendar *cal, time_t now)
{
	struct tm tm;
	if (!cal || !config_local_time(cal->timezone, now, &tm))
		return false;
	for (size_t i = 0; i < cal->nholidays; i++) {
		const struct config_date *d = &cal->holidays[i];
		if (d->year == tm.tm_year + 1900 && d->month == tm.tm_mon + 1 &&
		    d->day == tm.tm_mday)
			return false;
	}
	int minute = tm.tm_hour * 60 + tm.tm_min;
	if (tm.tm_wday < 0 || tm.tm_wday > 6)
		return false;
	for (unsigned i = 0; i < cal->days[tm.tm_wday].n; i++) {
		const struct config_time_range *r = &cal->days[tm.tm_wday].v[i];
		if (minute >= r->start && minute < r->end)
			return true;
	}
	return false;
}
