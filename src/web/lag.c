/*
 * lag.c - how late the event loop runs, for /metrics.
 *
 * Everything (SIP, the 20 ms audio of every call, the API) runs on one
 * loop: a handler that holds it delays the next packet of every call. A
 * timer due every 50 ms records how late it fires into a histogram, so
 * an operator (and the web benchmark) sees the loop's health directly:
 * a lag over 20 ms is a late audio packet.
 */
#include <string.h>

#include "web/web_int.h"

#define LAG_EVERY_MS 50

static const uint64_t bounds[WEB_LAG_BUCKETS] = {1, 5, 10, 20, 50, 100};

static void lag_h(void *arg)
{
	struct web *w = arg;
	uint64_t now = tmr_jiffies();
	uint64_t lag = now > w->lag.due ? now - w->lag.due : 0;
	unsigned i = 0;

	while (i < WEB_LAG_BUCKETS && lag > bounds[i])
		i++;
	w->lag.count[i]++; /* [WEB_LAG_BUCKETS]: beyond the last bound */
	w->lag.sum_ms += lag;
	if (lag > w->lag.max_ms)
		w->lag.max_ms = lag;
	w->lag.due = now + LAG_EVERY_MS;
	tmr_start(&w->lag.tmr, LAG_EVERY_MS, lag_h, w);
}

void web_lag_start(struct web *w)
{
	tmr_init(&w->lag.tmr);
	w->lag.due = tmr_jiffies() + LAG_EVERY_MS;
	tmr_start(&w->lag.tmr, LAG_EVERY_MS, lag_h, w);
}

void web_lag_stop(struct web *w)
{
	tmr_cancel(&w->lag.tmr);
}

int web_lag_metrics(const struct web *w, struct mbuf *mb)
{
	uint64_t cum = 0, n = 0;
	int err;

	for (unsigned i = 0; i <= WEB_LAG_BUCKETS; i++)
		n += w->lag.count[i];
	err = mbuf_printf(mb,
	                  "# HELP centralino_loop_lag_seconds How late a timer "
	                  "due every 50 ms fires: the delay the event loop "
	                  "adds to every call's audio.\n"
	                  "# TYPE centralino_loop_lag_seconds histogram\n");
	for (unsigned i = 0; i < WEB_LAG_BUCKETS; i++) {
		cum += w->lag.count[i];
		err |= mbuf_printf(
		    mb,
		    "centralino_loop_lag_seconds_bucket{le=\"%.3f\"}"
		    " %llu\n",
		    (double)bounds[i] / 1000, (unsigned long long)cum);
	}
	err |= mbuf_printf(
	    mb,
	    "centralino_loop_lag_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "centralino_loop_lag_seconds_sum %.3f\n"
	    "centralino_loop_lag_seconds_count %llu\n"
	    "# HELP centralino_loop_lag_max_seconds The longest lag seen.\n"
	    "# TYPE centralino_loop_lag_max_seconds gauge\n"
	    "centralino_loop_lag_max_seconds %.3f\n",
	    (unsigned long long)n, (double)w->lag.sum_ms / 1000,
	    (unsigned long long)n, (double)w->lag.max_ms / 1000);
	return err;
}
