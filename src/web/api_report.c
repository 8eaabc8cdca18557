/*
 * api_report.c - GET /api/v1/reports/queues: the queue report of
 * src/report/ over the daemon's store, as JSON (docs/reports.md).
 *
 * The report is computed on the event loop, so a request covers at most
 * one day; longer ranges belong to `centralino report`, which reads the
 * store in its own process. Rows of tenants the user may not see are
 * left out.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "store/store.h"
#include "web/web_int.h"

#define RANGE_MAX_MS (24 * 3600 * 1000LL)

struct report_query {
	char from[64], to[64], interval[8], sl[16], short_abandon[16];
	char format[8]; /* "" or "json": JSON; "csv" */
	char tenant[CONFIG_NAME_MAX], queue[CONFIG_NAME_MAX];
};

/* The buffer of parameter name (len bytes), or NULL: not ours. */
static char *slot(struct report_query *q, const char *name, size_t len,
                  size_t *size)
{
	static const struct {
		const char *name;
		size_t off, size;
	} keys[] = {
#define KEY(n, f)                             \
	{n, offsetof(struct report_query, f), \
	 sizeof(((struct report_query *)0)->f)}
	    KEY("from", from),
	    KEY("to", to),
	    KEY("interval", interval),
	    KEY("sl_threshold", sl),
	    KEY("short_abandon", short_abandon),
	    KEY("tenant", tenant),
	    KEY("queue", queue),
	    KEY("format", format),
#undef KEY
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i].name) == len &&
		    !memcmp(keys[i].name, name, len)) {
			*size = keys[i].size;
			return (char *)q + keys[i].off;
		}
	}
	return NULL;
}

/* Split "?a=b&c=d" into q; false after a 400 naming the parameter.
 * Parameters of other names are not ours to judge. */
static bool query_parse(const struct pl *prm, struct report_query *q,
                        struct web_reply *r)
{
	struct pl rest = *prm;

	if (rest.l && rest.p[0] == '?')
		pl_advance(&rest, 1);
	while (rest.l) {
		const char *amp = memchr(rest.p, '&', rest.l);
		struct pl pair = {rest.p,
		                  amp ? (size_t)(amp - rest.p) : rest.l};
		const char *eq = memchr(pair.p, '=', pair.l);
		size_t size, nlen = eq ? (size_t)(eq - pair.p) : pair.l;
		char *dst = slot(q, pair.p, nlen, &size);
		struct pl value = {eq ? eq + 1 : "",
		                   eq ? pair.l - nlen - 1 : 0};

		pl_advance(&rest, amp ? pair.l + 1 : pair.l);
		if (dst && !web_segment_decode(&value, dst, size)) {
			web_reply_error(r, 400, "bad-query",
			                "query parameter '%.*s' is empty, too "
			                "long or not text",
			                (int)nlen, pair.p);
			return false;
		}
	}
	return true;
}

/* Seconds in [0, 86400] of parameter name; 0 or a 400. */
static int seconds(const char *name, const char *text, int64_t dflt,
                   int64_t *msp, struct web_reply *r)
{
	char *end;
	double s;

	if (!*text) {
		*msp = dflt;
		return 0;
	}
	s = strtod(text, &end);
	if (*end || !isfinite(s) || s < 0 || s > 86400) {
		web_reply_error(r, 400, "bad-query",
		                "query '%s' must be seconds from 0 to 86400",
		                name);
		return EINVAL;
	}
	*msp = llround(s * 1000);
	return 0;
}

static int time_value(const char *name, const char *text, int64_t *msp,
                      struct web_reply *r)
{
	char err[160];

	if (!*text) {
		web_reply_error(r, 400, "bad-query", "query '%s' is required",
		                name);
		return EINVAL;
	}
	if (report_time_parse(text, msp, err, sizeof(err))) {
		web_reply_error(r, 400, "bad-query", "query '%s': %s", name,
		                err);
		return EINVAL;
	}
	return 0;
}

/* The report's parameters from the query; 0 or after a 400. */
static int params(const struct report_query *q, struct report_params *p,
                  struct web_reply *r)
{
	int err = time_value("from", q->from, &p->from_ms, r);

	if (!err)
		err = time_value("to", q->to, &p->to_ms, r);
	if (!err &&
	    (p->to_ms <= p->from_ms || p->to_ms - p->from_ms > RANGE_MAX_MS)) {
		web_reply_error(r, 400, "bad-query",
		                "'from' must be before 'to', at most one day "
		                "apart (longer: centralino report)");
		err = EINVAL;
	}
	p->interval_min = !*q->interval ? 15 : (unsigned)atoi(q->interval);
	if (!err && (strspn(q->interval, "0123456789") != strlen(q->interval) ||
	             (p->interval_min != 15 && p->interval_min != 30 &&
	              p->interval_min != 60))) {
		web_reply_error(r, 400, "bad-query",
		                "query 'interval' must be 15, 30 or 60");
		err = EINVAL;
	}
	if (!err)
		err =
		    seconds("sl_threshold", q->sl, REPORT_SL_THRESHOLD_DEFAULT,
		            &p->sl_threshold_ms, r);
	if (!err)
		err = seconds("short_abandon", q->short_abandon,
		              REPORT_SHORT_ABANDON_DEFAULT,
		              &p->short_abandon_ms, r);
	p->tenant = *q->tenant ? q->tenant : NULL;
	p->queue = *q->queue ? q->queue : NULL;
	return err;
}

/* Drop the rows of tenants user may not see from the JSON report. */
static void visible_only(const struct web *w, const struct config_user *u,
                         json_t *rows)
{
	for (size_t i = json_array_size(rows); i-- > 0;) {
		const char *t = json_string_value(
		    json_object_get(json_array_get(rows, i), "tenant"));

		if (!t || !web_user_tenant(w->cfg, u, t))
			json_array_remove(rows, i);
	}
}

/* The CSV of one tenant's report appended to mb, its header line only
 * when first; 0 or an errno after a 503 in r. */
static int csv_tenant(struct web *w, struct report_params *p,
                      const char *tenant, bool first, struct mbuf *mb,
                      struct web_reply *r)
{
	struct report *rep = NULL;
	char err[600], *text = NULL;
	size_t len = 0;
	FILE *f;
	int e;

	p->tenant = tenant;
	e = report_compute(w->store, p, &rep, err, sizeof(err));
	if (e) {
		web_reply_error(r, 503, "store-unavailable", "%s", err);
		return e;
	}
	f = open_memstream(&text, &len);
	e = f ? report_csv(rep, f) : ENOMEM;
	if (f && fclose(f))
		e = EIO;
	report_free(rep);
	if (!e) {
		const char *body = text;
		if (!first) /* the header once, at the top */
			body = strchr(text, '\n') ? strchr(text, '\n') + 1 : "";
		e = mbuf_write_str(mb, body);
	}
	free(text);
	if (e)
		web_reply_error(r, 500, "internal",
		                "the CSV could not be made");
	return e;
}

/*
 * format=csv: RFC 4180, a header line, the rows of the user's tenants
 * only (one report per tenant the user may see, or the one asked for).
 */
static void csv_answer(struct web *w, const struct web_call *call,
                       struct report_params *p, struct web_reply *r)
{
	const struct config_user *u = call->user;
	struct mbuf *mb = mbuf_alloc(4096);
	bool first = true;

	if (!mb) {
		web_reply_error(r, 500, "internal", "out of memory");
		return;
	}
	if (p->tenant) {
		if (csv_tenant(w, p, p->tenant, true, mb, r))
			goto fail;
	} else {
		for (unsigned i = 0; i < u->ntenants; i++, first = false)
			if (csv_tenant(w, p, u->tenants[i].name, first, mb, r))
				goto fail;
	}
	mb->pos = 0;
	mem_deref(r->body);
	r->body = mb;
	r->status = 200;
	r->ctype = "text/csv; charset=utf-8";
	return;
fail:
	mem_deref(mb);
}

/* The queue report, or with agents the agent report, of the query. */
static void report_answer(struct web *w, struct web_call *call,
                          struct web_reply *r, bool agents)
{
	struct report_query q = {0};
	struct report_params p = {.agents = agents};
	struct report *rep = NULL;
	char err[600];
	json_t *j;

	if (!query_parse(&call->msg->prm, &q, r) || params(&q, &p, r))
		return;
	if (p.tenant && !web_user_tenant(w->cfg, call->user, p.tenant)) {
		web_reply_error(r, 404, "not-found", "no tenant '%s'",
		                p.tenant);
		return;
	}
	if (!w->store) {
		web_reply_error(r, 409, "no-store",
		                "this daemon keeps no journal");
		return;
	}
	(void)store_flush(w->store); /* up to this moment; failures: later */
	if (!strcmp(q.format, "csv")) {
		csv_answer(w, call, &p, r);
		return;
	}
	if (*q.format && strcmp(q.format, "json")) {
		web_reply_error(r, 400, "bad-query",
		                "query 'format' must be json or csv");
		return;
	}
	if (report_compute(w->store, &p, &rep, err, sizeof(err))) {
		web_reply_error(r, 503, "store-unavailable", "%s", err);
		return;
	}
	j = report_json(rep);
	report_free(rep);
	visible_only(w, call->user, json_object_get(j, "queues"));
	visible_only(w, call->user, json_object_get(j, "agents"));
	visible_only(w, call->user, json_object_get(j, "dispositions"));
	web_reply_json(r, 200, j);
}

void web_api_report_queues(struct web *w, struct web_call *call,
                           struct web_reply *r)
{
	report_answer(w, call, r, false);
}

/* The agents' time by state, not ready by reason, and contacts. */
void web_api_report_agents(struct web *w, struct web_call *call,
                           struct web_reply *r)
{
	report_answer(w, call, r, true);
}
