/*
 * today.c - the queues' live counters are today's: each tenant's queues
 * start again at midnight in the tenant's time zone.
 *
 * The engine counts offered, answered, abandoned and the service level
 * since a queue was created or reset (acd_queue_stats_reset()); a
 * wallboard wants today's. One libre timer fires at the next local
 * midnight of any tenant and resets that tenant's queues; the API then
 * says since when the counters run ("since"): midnight, or the daemon's
 * start when it started later that day (the exact figures of the whole
 * day are the report's, from the journal: docs/reports.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "web/web_int.h"

static int64_t wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first local midnight in zone tz after now_ms (Unix ms). Local
 * time as config_local_time() reads it: the loop's thread only. */
static int64_t next_midnight(const char *tz, int64_t now_ms)
{
	time_t now = (time_t)(now_ms / 1000), t = (time_t)-1;
	struct tm tm;

	if (config_local_time(tz, now, &tm)) {
		tm.tm_mday++;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		t = config_local_mktime(tz, &tm);
	}
	return t == (time_t)-1 ? now_ms + 86400000 : (int64_t)t * 1000;
}

static struct web_today *tenant_day(struct web *w, const char *tenant)
{
	for (size_t i = 0; i < w->ndays; i++)
		if (!strcmp(w->days[i].tenant, tenant))
			return &w->days[i];
	return NULL;
}

/* Reset the queues of tenant t: its new day starts at start_ms. */
static void day_start(struct web *w, struct web_today *d, int64_t start_ms)
{
	uint32_t tenant = acd_tenant_find(w->acd, d->tenant);
	size_t n = 0;

	for (size_t i = 0; tenant != ACD_NONE && i < w->cfg->nqueues; i++) {
		const struct config_queue *q = &w->cfg->queues[i];
		uint32_t id;

		if (strcmp(q->tenant.name, d->tenant))
			continue;
		id = acd_queue_find(w->acd, tenant, q->name);
		if (id != ACD_NONE && !acd_queue_stats_reset(w->acd, id))
			n++;
	}
	d->since_ms = start_ms;
	log_event(LOG_INFO, "queues.day-started", "tenant=%s queues=%zu",
	          d->tenant, n);
}

static void today_arm(struct web *w);

static void today_h(void *arg)
{
	struct web *w = arg;

	web_today_tick(w, wall_now());
	today_arm(w);
}

/* The timer at the nearest tenant's midnight (at most a day away). */
static void today_arm(struct web *w)
{
	int64_t now = wall_now(), next = now + 86400000;

	for (size_t i = 0; i < w->ndays; i++)
		if (w->days[i].next_ms < next)
			next = w->days[i].next_ms;
	tmr_start(&w->today_tmr, (uint64_t)(next > now ? next - now : 0) + 10,
	          today_h, w);
}

void web_today_tick(struct web *w, int64_t now_ms)
{
	for (size_t i = 0; i < w->ndays; i++) {
		struct web_today *d = &w->days[i];

		if (now_ms < d->next_ms)
			continue;
		day_start(w, d, d->next_ms);
		d->next_ms = next_midnight(d->timezone, now_ms);
	}
}

int web_today_config(struct web *w, int64_t now_ms)
{
	struct web_today *days;
	size_t n = w->cfg->ntenants;

	if (!now_ms)
		now_ms = wall_now();
	days = calloc(n ? n : 1, sizeof(*days));
	if (!days)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct config_tenant *t = &w->cfg->tenants[i];
		const struct web_today *old = tenant_day(w, t->name);

		snprintf(days[i].tenant, sizeof(days[i].tenant), "%s", t->name);
		snprintf(days[i].timezone, sizeof(days[i].timezone), "%s",
		         t->timezone);
		/* a tenant kept keeps its day; a new one counts from now */
		days[i].since_ms = old ? old->since_ms : now_ms;
		days[i].next_ms = next_midnight(t->timezone, now_ms);
	}
	free(w->days);
	w->days = days;
	w->ndays = n;
	if (w->sock) /* listening: the real clock drives it */
		today_arm(w);
	return 0;
}

void web_today_stop(struct web *w)
{
	tmr_cancel(&w->today_tmr);
	free(w->days);
	w->days = NULL;
	w->ndays = 0;
}

int64_t web_today_since(const struct web *w, const char *tenant)
{
	for (size_t i = 0; i < w->ndays; i++)
		if (!strcmp(w->days[i].tenant, tenant))
			return w->days[i].since_ms;
	return 0;
}

json_t *web_today_since_json(const struct web *w, const char *tenant)
{
	int64_t ms = web_today_since(w, tenant);
	time_t t = (time_t)(ms / 1000);
	char buf[32];
	struct tm tm;

	if (ms <= 0 || !gmtime_r(&t, &tm))
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}
