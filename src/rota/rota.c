/*
 * rota.c - resolving a rota's duty for a day.
 */
#define _DEFAULT_SOURCE /* timegm */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rota/rota.h"
#include "store/store.h"

const char *rota_source_name(enum rota_source s)
{
	return s == ROTA_OVERRIDE ? "override"
	       : s == ROTA_FILE   ? "file"
	                          : "week";
}

bool rota_date_ok(const char *date)
{
	int y, m, d, used = 0;
	struct tm tm = {0};
	time_t t;

	if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
	    sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 ||
	    used != 10 || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	t = timegm(&tm);
	/* a day that does not exist rolls over into the next month */
	return t != (time_t)-1 && gmtime_r(&t, &tm) && tm.tm_mday == d;
}

bool rota_duty_parse(const struct config_rota *r, const char *names,
                     struct config_duty *d)
{
	char buf[CONFIG_ROTA_CHAIN * CONFIG_NAME_MAX], *save = NULL;

	d->n = 0;
	if (!names || strlen(names) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", names);
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		int who = config_rota_person(r, t);
		if (who < 0 || d->n == CONFIG_ROTA_CHAIN)
			return false;
		d->who[d->n++] = (uint8_t)who;
	}
	return d->n > 0;
}

struct found {
	const struct config_rota *r;
	struct rota_day *d;
};

static int override_h(const char *date, const char *duty, const char *user,
                      int64_t wall_ms, void *arg)
{
	struct found *f = arg;
	struct config_duty d;

	(void)date, (void)wall_ms;
	/* an override naming somebody the file no longer has is ignored */
	if (!rota_duty_parse(f->r, duty, &d))
		return 0;
	f->d->duty = d;
	f->d->source = ROTA_OVERRIDE;
	snprintf(f->d->changed_by, sizeof(f->d->changed_by), "%s",
	         user ? user : "");
	return 0;
}

static void chain_add(struct rota_day *d, const struct config_duty *add)
{
	for (unsigned i = 0; i < add->n; i++) {
		bool seen = false;
		for (unsigned k = 0; k < d->nchain; k++)
			seen |= d->chain[k] == add->who[i];
		if (!seen && d->nchain < sizeof(d->chain))
			d->chain[d->nchain++] = add->who[i];
	}
}

/* The duty of the local day tm (normalised) into d. */
static int resolve(const struct config_rota *r, struct store *s,
                   const struct tm *tm, struct rota_day *d)
{
	int err = 0;

	memset(d, 0, sizeof(*d));
	strftime(d->date, sizeof(d->date), "%Y-%m-%d", tm);
	d->wday = tm->tm_wday;
	d->duty = r->week[tm->tm_wday];
	d->source = ROTA_WEEK;
	for (size_t i = 0; i < r->noverrides; i++) {
		const struct config_date *o = &r->overrides[i].date;
		if (o->year == tm->tm_year + 1900 &&
		    o->month == tm->tm_mon + 1 && o->day == tm->tm_mday) {
			d->duty = r->overrides[i].duty;
			d->source = ROTA_FILE;
		}
	}
	if (s) {
		struct found f = {r, d};
		err = store_rota_overrides(s, r->tenant.name, r->name, d->date,
		                           d->date, override_h, &f);
	}
	chain_add(d, &d->duty);
	chain_add(d, &r->escalation);
	return err;
}

/* tm's date moved by offset days, by calendar arithmetic, normalised. */
static void move(struct tm *tm, int offset)
{
	time_t t;

	tm->tm_mday += offset;
	tm->tm_hour = 12;
	tm->tm_min = tm->tm_sec = 0;
	tm->tm_isdst = 0;
	t = timegm(tm);
	gmtime_r(&t, tm);
}

int rota_day(const struct config_rota *r, struct store *s, time_t now,
             int offset, struct rota_day *d)
{
	struct tm tm;

	if (!config_local_time(r->timezone, now, &tm))
		gmtime_r(&now, &tm);
	move(&tm, offset);
	return resolve(r, s, &tm, d);
}

int rota_date(const struct config_rota *r, struct store *s, const char *date,
              struct rota_day *d)
{
	struct tm tm = {0};

	if (!rota_date_ok(date))
		return EINVAL;
	sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	move(&tm, 0);
	return resolve(r, s, &tm, d);
}
