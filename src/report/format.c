/*
 * format.c - a report as JSON, CSV (RFC 4180) or a table for people.
 *
 * Durations go out in seconds with up to millisecond decimals, ratios as
 * fractions (JSON, CSV) or percentages (table); a figure whose
 * denominator is zero is null in JSON and empty in CSV.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

static json_t *seconds(int64_t ms)
{
	return json_real((double)ms / 1000);
}

static json_t *real_or_null(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

static double per(int64_t ms, uint64_t n)
{
	return n ? (double)ms / 1000 / (double)n : NAN;
}

static void put(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v);
}

static void put_head(json_t *o, const char *tenant, const char *name_key,
                     const char *name, int64_t start)
{
	char iso[32];

	report_time_format(start, iso, sizeof(iso));
	put(o, "tenant", json_string(tenant));
	put(o, name_key, json_string(name));
	put(o, "start", json_string(iso));
	put(o, "start_ms", json_integer(start));
}

static json_t *queue_json(const struct report_queue_row *q)
{
	json_t *o = json_object();

	put_head(o, q->tenant, "queue", q->queue, q->start_ms);
	put(o, "offered", json_integer((json_int_t)q->offered));
	put(o, "answered", json_integer((json_int_t)q->answered));
	put(o, "answered_in_sl", json_integer((json_int_t)q->answered_in_sl));
	put(o, "abandoned", json_integer((json_int_t)q->abandoned));
	put(o, "abandoned_short", json_integer((json_int_t)q->abandoned_short));
	put(o, "fallback", json_integer((json_int_t)q->fallback));
	put(o, "unresolved", json_integer((json_int_t)q->unresolved));
	put(o, "handled", json_integer((json_int_t)q->handled));
	put(o, "transferred", json_integer((json_int_t)q->transferred));
	put(o, "offers", json_integer((json_int_t)q->offers));
	put(o, "offers_missed", json_integer((json_int_t)q->offers_missed));
	put(o, "callback_retries",
	    json_integer((json_int_t)q->callback_retries));
	put(o, "callback_failed", json_integer((json_int_t)q->callback_failed));
	put(o, "service_level", real_or_null(report_service_level(q)));
	put(o, "abandon_rate", real_or_null(report_abandon_rate(q)));
	put(o, "asa_s", real_or_null(report_asa(q)));
	put(o, "avg_talk_s", real_or_null(per(q->talk_ms, q->handled)));
	put(o, "avg_hold_s", real_or_null(per(q->hold_ms, q->handled)));
	put(o, "avg_wrapup_s", real_or_null(per(q->wrapup_ms, q->handled)));
	put(o, "aht_s", real_or_null(report_aht(q)));
	put(o, "longest_wait_s", seconds(q->longest_wait_ms));
	return o;
}

static json_t *agent_json(const struct report_agent_row *a)
{
	json_t *o = json_object(), *nr = json_object();
	const int64_t *t = a->state_ms;

	put_head(o, a->tenant, "agent", a->agent, a->start_ms);
	put(o, "logged_in_s", seconds(report_logged_in(a)));
	put(o, "ready_s", seconds(t[ACD_AGENT_READY]));
	put(o, "offered_s", seconds(t[ACD_AGENT_RESERVED]));
	put(o, "talking_s", seconds(t[ACD_AGENT_BUSY]));
	put(o, "wrapup_s", seconds(t[ACD_AGENT_WRAPUP]));
	put(o, "not_ready_s", seconds(t[ACD_AGENT_NOT_READY]));
	for (size_t i = 0; i < a->nreasons; i++)
		put(nr, a->reasons[i].reason, seconds(a->reasons[i].ms));
	put(o, "not_ready", nr);
	put(o, "occupancy", real_or_null(report_occupancy(a)));
	put(o, "offers", json_integer((json_int_t)a->offers));
	put(o, "answered", json_integer((json_int_t)a->answered));
	put(o, "missed", json_integer((json_int_t)a->missed));
	put(o, "handled", json_integer((json_int_t)a->handled));
	return o;
}

json_t *report_json(const struct report *r)
{
	json_t *o = json_object(), *rows = json_array();
	char iso[32];

	report_time_format(r->p.from_ms, iso, sizeof(iso));
	put(o, "from", json_string(iso));
	report_time_format(r->p.to_ms, iso, sizeof(iso));
	put(o, "to", json_string(iso));
	put(o, "from_ms", json_integer(r->p.from_ms));
	put(o, "to_ms", json_integer(r->p.to_ms));
	put(o, "interval_minutes", json_integer(r->p.interval_min));
	put(o, "sl_threshold_s", seconds(r->p.sl_threshold_ms));
	put(o, "short_abandon_s", seconds(r->p.short_abandon_ms));
	if (r->p.agents) {
		for (size_t i = 0; i < r->nagents; i++)
			json_array_append_new(rows, agent_json(&r->agents[i]));
		put(o, "agents", rows);
	} else {
		json_t *disp = json_array();
		for (size_t i = 0; i < r->nqueues; i++)
			json_array_append_new(rows, queue_json(&r->queues[i]));
		put(o, "queues", rows);
		for (size_t i = 0; i < r->ndispositions; i++) {
			const struct report_disposition *d =
			    &r->dispositions[i];
			report_time_format(d->start_ms, iso, sizeof(iso));
			json_array_append_new(
			    disp,
			    json_pack("{s:s,s:s,s:s,s:I,s:s,s:I}", "tenant",
			              d->tenant, "queue", d->queue, "start",
			              iso, "start_ms", (json_int_t)d->start_ms,
			              "disposition", d->code, "contacts",
			              (json_int_t)d->contacts));
		}
		put(o, "dispositions", disp);
	}
	return o;
}

/* ---- CSV ------------------------------------------------------------------ */

/* One field, quoted when it holds a comma, a quote or a line end. */
static void csv_text(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

/* A field and what follows it: a comma, or the record's CRLF. */
static void csv_field(FILE *f, const char *s, bool last)
{
	csv_text(f, s);
	fputs(last ? "\r\n" : ",", f);
}

/* ms as seconds: "12", "12.5", "0.005". */
static void secs_text(int64_t ms, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%lld.%03lld", (long long)(ms / 1000),
	                 (long long)(ms % 1000));

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

static void csv_secs(FILE *f, int64_t ms, bool last)
{
	char buf[32];

	secs_text(ms, buf, sizeof(buf));
	csv_field(f, buf, last);
}

static void csv_real(FILE *f, double x, bool last)
{
	char buf[32] = "";

	if (isfinite(x))
		snprintf(buf, sizeof(buf), "%.4f", x);
	csv_field(f, buf, last);
}

static void csv_count(FILE *f, uint64_t n, bool last)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
	csv_field(f, buf, last);
}

static void csv_head(FILE *f, const char *tenant, const char *name,
                     int64_t start)
{
	char iso[32];

	report_time_format(start, iso, sizeof(iso));
	csv_field(f, iso, false);
	csv_field(f, tenant, false);
	csv_field(f, name, false);
}

static void csv_queues(const struct report *r, FILE *f)
{
	fputs("start,tenant,queue,offered,answered,answered_in_sl,abandoned,"
	      "abandoned_short,fallback,unresolved,handled,transferred,offers,"
	      "offers_missed,service_level,abandon_rate,asa_s,avg_talk_s,"
	      "avg_hold_s,avg_wrapup_s,aht_s,longest_wait_s,callback_retries,"
	      "callback_failed\r\n",
	      f);
	for (size_t i = 0; i < r->nqueues; i++) {
		const struct report_queue_row *q = &r->queues[i];

		csv_head(f, q->tenant, q->queue, q->start_ms);
		csv_count(f, q->offered, false);
		csv_count(f, q->answered, false);
		csv_count(f, q->answered_in_sl, false);
		csv_count(f, q->abandoned, false);
		csv_count(f, q->abandoned_short, false);
		csv_count(f, q->fallback, false);
		csv_count(f, q->unresolved, false);
		csv_count(f, q->handled, false);
		csv_count(f, q->transferred, false);
		csv_count(f, q->offers, false);
		csv_count(f, q->offers_missed, false);
		csv_real(f, report_service_level(q), false);
		csv_real(f, report_abandon_rate(q), false);
		csv_real(f, report_asa(q), false);
		csv_real(f, per(q->talk_ms, q->handled), false);
		csv_real(f, per(q->hold_ms, q->handled), false);
		csv_real(f, per(q->wrapup_ms, q->handled), false);
		csv_real(f, report_aht(q), false);
		csv_secs(f, q->longest_wait_ms, false);
		csv_count(f, q->callback_retries, false);
		csv_count(f, q->callback_failed, true);
	}
}

/* Every not-ready reason of the report, sorted: one column each. */
static int reasons_union(const struct report *r, const char ***vp, size_t *np)
{
	const char **v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < r->nagents; i++) {
		for (size_t j = 0; j < r->agents[i].nreasons; j++) {
			const char *s = r->agents[i].reasons[j].reason;
			size_t k = 0;
			const char **w;

			while (k < n && strcmp(v[k], s) < 0)
				k++;
			if (k < n && !strcmp(v[k], s))
				continue;
			w = realloc(v, (n + 1) * sizeof(*v));
			if (!w) {
				free(v);
				return ENOMEM;
			}
			v = w;
			memmove(v + k + 1, v + k, (n - k) * sizeof(*v));
			v[k] = s;
			n++;
		}
	}
	*vp = v;
	*np = n;
	return 0;
}

static int64_t reason_ms(const struct report_agent_row *a, const char *s)
{
	for (size_t i = 0; i < a->nreasons; i++) {
		if (!strcmp(a->reasons[i].reason, s))
			return a->reasons[i].ms;
	}
	return 0;
}

static void csv_agent(const struct report_agent_row *a, const char **reasons,
                      size_t nreasons, FILE *f)
{
	const int64_t *t = a->state_ms;

	csv_head(f, a->tenant, a->agent, a->start_ms);
	csv_secs(f, report_logged_in(a), false);
	csv_secs(f, t[ACD_AGENT_READY], false);
	csv_secs(f, t[ACD_AGENT_RESERVED], false);
	csv_secs(f, t[ACD_AGENT_BUSY], false);
	csv_secs(f, t[ACD_AGENT_WRAPUP], false);
	csv_secs(f, t[ACD_AGENT_NOT_READY], false);
	csv_real(f, report_occupancy(a), false);
	csv_count(f, a->offers, false);
	csv_count(f, a->answered, false);
	csv_count(f, a->missed, false);
	csv_count(f, a->handled, nreasons == 0);
	for (size_t k = 0; k < nreasons; k++)
		csv_secs(f, reason_ms(a, reasons[k]), k + 1 == nreasons);
}

static int csv_agents(const struct report *r, FILE *f)
{
	const char **reasons;
	size_t n;
	char col[300];

	if (reasons_union(r, &reasons, &n))
		return ENOMEM;
	fputs("start,tenant,agent,logged_in_s,ready_s,offered_s,talking_s,"
	      "wrapup_s,not_ready_s,occupancy,offers,answered,missed,handled",
	      f);
	for (size_t k = 0; k < n; k++) {
		snprintf(col, sizeof(col), "not_ready_%s_s", reasons[k]);
		fputc(',', f);
		csv_text(f, col);
	}
	fputs("\r\n", f);
	for (size_t i = 0; i < r->nagents; i++)
		csv_agent(&r->agents[i], reasons, n, f);
	free(reasons);
	return 0;
}

int report_csv(const struct report *r, FILE *f)
{
	int err = 0;

	if (r->p.agents)
		err = csv_agents(r, f);
	else
		csv_queues(r, f);
	if (!err && (fflush(f) || ferror(f)))
		err = EIO;
	return err;
}

/* ---- table ---------------------------------------------------------------- */

static const char *pct(double x, char *buf, size_t size)
{
	if (isfinite(x))
		snprintf(buf, size, "%.1f%%", 100 * x);
	else
		snprintf(buf, size, "-");
	return buf;
}

static const char *sec1(double x, char *buf, size_t size)
{
	if (isfinite(x))
		snprintf(buf, size, "%.1f", x);
	else
		snprintf(buf, size, "-");
	return buf;
}

/* "HH:MM" of an interval's start, with the date when it changes. */
static const char *when(int64_t start, char *buf, size_t size)
{
	char iso[32];

	report_time_format(start, iso, sizeof(iso));
	snprintf(buf, size, "%.10s %.5s", iso, iso + 11);
	return buf;
}

static void table_queues(const struct report *r, FILE *f)
{
	char a[16], b[16], c[16], d[16], w[32], name[64];

	fprintf(f, "%-16s %-20s %7s %8s %9s %6s %7s %7s %7s %7s %8s\n",
	        "start (UTC)", "tenant/queue", "offered", "answered",
	        "abandoned", "short", "sl", "asa_s", "aht_s", "talk_s",
	        "longest");
	for (size_t i = 0; i < r->nqueues; i++) {
		const struct report_queue_row *q = &r->queues[i];

		snprintf(name, sizeof(name), "%s/%s", q->tenant, q->queue);
		fprintf(f,
		        "%-16s %-20s %7llu %8llu %9llu %6llu %7s %7s %7s %7s "
		        "%8.1f\n",
		        when(q->start_ms, w, sizeof(w)), name,
		        (unsigned long long)q->offered,
		        (unsigned long long)q->answered,
		        (unsigned long long)q->abandoned,
		        (unsigned long long)q->abandoned_short,
		        pct(report_service_level(q), a, sizeof(a)),
		        sec1(report_asa(q), b, sizeof(b)),
		        sec1(report_aht(q), c, sizeof(c)),
		        sec1(per(q->talk_ms, q->handled), d, sizeof(d)),
		        (double)q->longest_wait_ms / 1000);
	}
}

static void table_agents(const struct report *r, FILE *f)
{
	char w[32], name[64], occ[16];

	fprintf(f, "%-16s %-20s %9s %8s %8s %8s %8s %9s %6s %6s %7s  %s\n",
	        "start (UTC)", "tenant/agent", "logged_in", "ready", "offered",
	        "talking", "wrapup", "not_ready", "occ", "offers", "handled",
	        "not ready by reason (s)");
	for (size_t i = 0; i < r->nagents; i++) {
		const struct report_agent_row *g = &r->agents[i];
		const int64_t *t = g->state_ms;

		snprintf(name, sizeof(name), "%s/%s", g->tenant, g->agent);
		fprintf(f,
		        "%-16s %-20s %9.1f %8.1f %8.1f %8.1f %8.1f %9.1f %6s "
		        "%6llu %7llu ",
		        when(g->start_ms, w, sizeof(w)), name,
		        (double)report_logged_in(g) / 1000,
		        (double)t[ACD_AGENT_READY] / 1000,
		        (double)t[ACD_AGENT_RESERVED] / 1000,
		        (double)t[ACD_AGENT_BUSY] / 1000,
		        (double)t[ACD_AGENT_WRAPUP] / 1000,
		        (double)t[ACD_AGENT_NOT_READY] / 1000,
		        pct(report_occupancy(g), occ, sizeof(occ)),
		        (unsigned long long)g->offers,
		        (unsigned long long)g->handled);
		for (size_t k = 0; k < g->nreasons; k++)
			fprintf(f, " %s=%.1f", g->reasons[k].reason,
			        (double)g->reasons[k].ms / 1000);
		fputc('\n', f);
	}
}

int report_table(const struct report *r, FILE *f)
{
	char from[32], to[32];

	report_time_format(r->p.from_ms, from, sizeof(from));
	report_time_format(r->p.to_ms, to, sizeof(to));
	fprintf(f, "%s report %s to %s, %u-minute intervals",
	        r->p.agents ? "agent" : "queue", from, to, r->p.interval_min);
	if (!r->p.agents)
		fprintf(f,
		        ", service level within %.1f s, short abandons "
		        "under %.1f s",
		        (double)r->p.sl_threshold_ms / 1000,
		        (double)r->p.short_abandon_ms / 1000);
	fputs("\n\n", f);
	if (r->p.agents)
		table_agents(r, f);
	else
		table_queues(r, f);
	if ((r->p.agents ? r->nagents : r->nqueues) == 0)
		fputs("(no activity in the range)\n", f);
	if (!r->p.agents && r->ndispositions)
		fputs("\ndispositions (by the interval the contact ended in)\n",
		      f);
	for (size_t i = 0; !r->p.agents && i < r->ndispositions; i++) {
		const struct report_disposition *d = &r->dispositions[i];
		char start[32];
		report_time_format(d->start_ms, start, sizeof(start));
		fprintf(f, "%-16s %s/%s %-20s %llu\n", start, d->tenant,
		        d->queue, d->code, (unsigned long long)d->contacts);
	}
	return fflush(f) || ferror(f) ? EIO : 0;
}
