/*
 * api_rota.c - the on-call rotas: who is on duty now and on the days to
 * come, and the run-time overrides a department secretary makes (a
 * swap, a sick day), applied at once, kept in the store and audited.
 *
 * Everybody of the tenant sees who is on call; the people's numbers (a
 * doctor's own mobile) only supervisors and administrators; overrides
 * are theirs to make.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "rota/rota.h"
#include "store/store.h"
#include "web/web_int.h"

#define ROTA_DAYS_MAX 62 /* days one answer covers */

static json_t *people_json(const struct config_rota *r, const uint8_t *who,
                           unsigned n, bool numbers)
{
	json_t *list = json_array();

	for (unsigned i = 0; list && i < n; i++) {
		const struct config_rota_person *p = &r->people[who[i]];
		json_t *j = json_pack("{s:s}", "name", p->name);
		if (j && numbers)
			json_object_set_new(j, "number",
			                    json_string(p->number));
		json_array_append_new(list, j);
	}
	return list;
}

static json_t *day_json(const struct config_rota *r, const struct rota_day *d,
                        bool numbers)
{
	static const char *const days[] = {"sun", "mon", "tue", "wed",
	                                   "thu", "fri", "sat"};
	json_t *j = json_pack(
	    "{s:s,s:s,s:o,s:o,s:s}", "date", d->date, "weekday", days[d->wday],
	    "duty", people_json(r, d->duty.who, d->duty.n, numbers), "calls",
	    people_json(r, d->chain, d->nchain, numbers), "source",
	    rota_source_name(d->source));

	if (j && d->source == ROTA_OVERRIDE)
		json_object_set_new(j, "changed_by",
		                    json_string(d->changed_by));
	return j;
}

static bool staff(const struct config_user *u)
{
	return u->role != CONFIG_ROLE_AGENT;
}

/* One day of rota r, or NULL after a 503 in r (the store failed). */
static json_t *day_of(struct web *w, const struct config_rota *r, int offset,
                      bool numbers, struct web_reply *rep)
{
	struct rota_day d;

	if (rota_day(r, w->store, time(NULL), offset, &d)) {
		rep->retry_after = 5;
		web_reply_error(rep, 503, "store-unavailable",
		                "the rota's overrides cannot be read now");
		return NULL;
	}
	return day_json(r, &d, numbers);
}

/* GET /api/v1/rotas: the rotas of the user's tenants, today and tomorrow. */
void web_api_rotas(struct web *w, struct web_call *call, struct web_reply *r)
{
	json_t *list = json_array();
	bool numbers = staff(call->user);

	for (size_t i = 0; list && i < w->cfg->nrotas; i++) {
		const struct config_rota *ro = &w->cfg->rotas[i];
		json_t *today, *tomorrow;

		if (!web_user_tenant(w->cfg, call->user, ro->tenant.name))
			continue;
		today = day_of(w, ro, 0, numbers, r);
		tomorrow = today ? day_of(w, ro, 1, numbers, r) : NULL;
		if (!tomorrow) {
			json_decref(today);
			json_decref(list);
			return;
		}
		json_array_append_new(
		    list,
		    json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "tenant",
		              ro->tenant.name, "name", ro->name, "timezone",
		              ro->timezone, "ring",
		              ro->simultaneous ? "simultaneous" : "sequential",
		              "today", today, "tomorrow", tomorrow));
	}
	web_reply_json(r, 200, json_pack("{s:o}", "rotas", list));
}

/* The rota of the call's {tenant}/{name} the user may see; NULL: 404. */
static const struct config_rota *
rota_of_call(struct web *w, const struct web_call *call, struct web_reply *r)
{
	for (size_t i = 0; i < w->cfg->nrotas; i++) {
		const struct config_rota *ro = &w->cfg->rotas[i];
		if (!strcmp(ro->tenant.name, call->params[0]) &&
		    !strcmp(ro->name, call->params[1]) &&
		    web_user_tenant(w->cfg, call->user, ro->tenant.name))
			return ro;
	}
	web_reply_error(r, 404, "not-found", "no rota '%s' in tenant '%s'",
	                call->params[1], call->params[0]);
	return NULL;
}

/* "days" of the query: 1..ROTA_DAYS_MAX, default 14; false after a 400. */
static bool days_param(const struct web_call *call, struct web_reply *r,
                       int *daysp)
{
	const struct pl *q = &call->msg->prm;
	const char *p = q->p, *end = q->p + q->l;
	long n = -1;

	*daysp = 14;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if (*p == '?')
			p++;
		if (stop - p > 5 && !memcmp(p, "days=", 5)) {
			n = 0;
			for (p += 5; p < stop && n <= ROTA_DAYS_MAX; p++)
				n = *p >= '0' && *p <= '9' ? n * 10 + (*p - '0')
				                           : ROTA_DAYS_MAX + 1;
		}
		p = amp ? amp + 1 : end;
	}
	if (n < 0)
		return true;
	if (n >= 1 && n <= ROTA_DAYS_MAX) {
		*daysp = (int)n;
		return true;
	}
	web_reply_error(r, 400, "bad-field", "parameter 'days' must be 1 to %d",
	                ROTA_DAYS_MAX);
	return false;
}

static json_t *everybody(const struct config_rota *ro, bool numbers)
{
	uint8_t all[CONFIG_ROTA_PEOPLE];

	for (unsigned i = 0; i < ro->npeople; i++)
		all[i] = (uint8_t)i;
	return people_json(ro, all, ro->npeople, numbers);
}

/* GET /api/v1/rotas/{tenant}/{name}?days=N: the days to come. */
void web_api_rota(struct web *w, struct web_call *call, struct web_reply *r)
{
	const struct config_rota *ro = rota_of_call(w, call, r);
	bool numbers = staff(call->user);
	json_t *days;
	int n;

	if (!ro || !days_param(call, r, &n))
		return;
	days = json_array();
	for (int i = 0; days && i < n; i++) {
		json_t *d = day_of(w, ro, i, numbers, r);
		if (!d) {
			json_decref(days);
			return;
		}
		json_array_append_new(days, d);
	}
	web_reply_json(r, 200,
	               json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "tenant",
	                         ro->tenant.name, "name", ro->name, "timezone",
	                         ro->timezone, "people", everybody(ro, numbers),
	                         "escalation",
	                         people_json(ro, ro->escalation.who,
	                                     ro->escalation.n, numbers),
	                         "days", days));
}

/* The override's date: a real day, not before today in the rota's zone. */
static bool date_param(struct web *w, const struct config_rota *ro,
                       const char *date, struct web_reply *r)
{
	struct rota_day today;

	(void)rota_day(ro, NULL, time(NULL), 0, &today);
	(void)w;
	if (!rota_date_ok(date)) {
		web_reply_error(r, 400, "bad-field",
		                "the date '%s' must be a day as YYYY-MM-DD",
		                date);
		return false;
	}
	if (strcmp(date, today.date) < 0) {
		web_reply_error(r, 400, "bad-field",
		                "the date %s is past (today is %s in %s)", date,
		                today.date, ro->timezone);
		return false;
	}
	return true;
}

/* "duty": [NAME, ...] into "a,b"; false after a 400. */
static bool duty_body(const struct config_rota *ro, json_t *obj, char *buf,
                      size_t size, struct web_reply *r)
{
	json_t *v = json_object_get(obj, "duty"), *name;
	struct config_duty d;
	size_t i, n = 0;

	if (!json_is_array(v) || !json_array_size(v) ||
	    json_array_size(v) > CONFIG_ROTA_CHAIN) {
		web_reply_error(r, 400, "bad-field",
		                "field 'duty' must list 1 to %d of the rota's "
		                "people",
		                CONFIG_ROTA_CHAIN);
		return false;
	}
	buf[0] = '\0';
	json_array_foreach(v, i, name)
	{
		const char *s = json_string_value(name);
		if (!s || config_rota_person(ro, s) < 0 ||
		    strchr(s, ',') != NULL) {
			web_reply_error(
			    r, 400, "bad-field",
			    "field 'duty': '%.64s' is not one of the "
			    "rota's people",
			    s ? s : "?");
			return false;
		}
		n += (size_t)snprintf(buf + n, size > n ? size - n : 0, "%s%s",
		                      i ? "," : "", s);
	}
	return n < size && rota_duty_parse(ro, buf, &d);
}

/* The day as it now stands (200), or a 503. */
static void override_answer(struct web *w, const struct config_rota *ro,
                            const char *date, struct web_reply *r)
{
	struct rota_day d;

	if (rota_date(ro, w->store, date, &d)) {
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the rota's overrides cannot be read now");
		return;
	}
	web_reply_json(r, 200, day_json(ro, &d, true));
}

/* PUT /api/v1/rotas/{tenant}/{name}/overrides/{date} {"duty": [...]} */
void web_api_rota_override_set(struct web *w, struct web_call *call,
                               struct web_reply *r)
{
	static const char *const keys[] = {"duty", NULL};
	const struct config_rota *ro = rota_of_call(w, call, r);
	char duty[CONFIG_ROTA_CHAIN * CONFIG_NAME_MAX];
	json_t *obj;
	int err;

	if (!ro || !date_param(w, ro, call->params[2], r))
		return;
	if (!w->store) {
		web_reply_error(r, 409, "no-store",
		                "overrides are kept in the store; this daemon "
		                "has none");
		return;
	}
	obj = web_body_object(call, r, keys);
	if (!obj)
		return;
	if (!duty_body(ro, obj, duty, sizeof(duty), r))
		goto out;
	err = store_rota_override(w->store, ro->tenant.name, ro->name,
	                          call->params[2], duty, call->user->name);
	if (err) {
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the override could not be recorded: %s",
		                strerror(err));
		goto out;
	}
	log_event(LOG_INFO, "rota.override-set",
	          "tenant=%s rota=%s date=%s duty=%s user=%s", ro->tenant.name,
	          ro->name, call->params[2], duty, call->user->name);
	override_answer(w, ro, call->params[2], r);
out:
	json_decref(obj);
}

/* DELETE .../overrides/{date}: back to the file's duty. */
void web_api_rota_override_clear(struct web *w, struct web_call *call,
                                 struct web_reply *r)
{
	const struct config_rota *ro = rota_of_call(w, call, r);
	int err;

	if (!ro || !date_param(w, ro, call->params[2], r))
		return;
	if (!w->store) {
		web_reply_error(r, 409, "no-store",
		                "overrides are kept in the store; this daemon "
		                "has none");
		return;
	}
	err = store_rota_override(w->store, ro->tenant.name, ro->name,
	                          call->params[2], NULL, call->user->name);
	if (err) {
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the override could not be removed: %s",
		                strerror(err));
		return;
	}
	log_event(LOG_INFO, "rota.override-cleared",
	          "tenant=%s rota=%s date=%s user=%s", ro->tenant.name,
	          ro->name, call->params[2], call->user->name);
	override_answer(w, ro, call->params[2], r);
}
