/*
 * metrics.c - GET /metrics in Prometheus' text format (version 0.0.4):
 * queues, agents by state, the voice channel's counters and the replies
 * of this HTTP server. Every tenant's figures: only for the operator
 * (loopback without a token, or an administrator's token).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voice/voice.h"
#include "web/web_int.h"

struct family {
	const char *name, *type, *help;
};

/* A label value escaped as the format wants: \\, \" and \n. */
static int label_print(struct re_printf *pf, const char *s)
{
	int err = 0;
	for (; *s && !err; s++) {
		if (*s == '\\' || *s == '"')
			err = re_hprintf(pf, "\\%c", *s);
		else if (*s == '\n')
			err = re_hprintf(pf, "\\n");
		else
			err = re_hprintf(pf, "%c", *s);
	}
	return err;
}

static int head(struct mbuf *mb, const struct family *f)
{
	return mbuf_printf(mb, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help,
	                   f->name, f->type);
}

static const struct family queue_families[] = {
    {"centralino_queue_waiting", "gauge", "Contacts waiting now."},
    {"centralino_queue_oldest_wait_seconds", "gauge",
     "Wait of the oldest waiting contact."},
    {"centralino_queue_offered_total", "counter",
     "Contacts that entered the queue."},
    {"centralino_queue_answered_total", "counter", "Contacts answered."},
    {"centralino_queue_abandoned_total", "counter",
     "Contacts abandoned (short abandons excluded)."},
    {"centralino_queue_service_level", "gauge",
     "Answered within the service level over answered plus abandoned."},
};

static double queue_value(const struct acd_queue_stats *st, size_t k)
{
	switch (k) {
	case 0:
		return st->waiting;
	case 1:
		return st->oldest_wait / 1000.0;
	case 2:
		return (double)st->offered;
	case 3:
		return (double)st->answered;
	case 4:
		return (double)st->abandoned;
	default:
		return isfinite(st->service_level) ? st->service_level : 0;
	}
}

static int queues_print(const struct web *w, struct mbuf *mb)
{
	const struct config *cfg = w->cfg;
	int err = 0;
	for (size_t k = 0; k < ARRAY_SIZE(queue_families) && !err; k++) {
		err = head(mb, &queue_families[k]);
		for (size_t i = 0; i < cfg->nqueues && !err; i++) {
			const struct config_queue *q = &cfg->queues[i];
			uint32_t t = acd_tenant_find(w->acd, q->tenant.name);
			uint32_t id = acd_queue_find(w->acd, t, q->name);
			struct acd_queue_stats st;
			char num[32];
			if (t == ACD_NONE || id == ACD_NONE ||
			    acd_queue_stats(w->acd, id, &st))
				continue;
			/* %.15g: counters stay exact up to 10^15. */
			snprintf(num, sizeof(num), "%.15g",
			         queue_value(&st, k));
			err = mbuf_printf(
			    mb, "%s{tenant=\"%H\",queue=\"%H\"} %s\n",
			    queue_families[k].name, label_print, q->tenant.name,
			    label_print, q->name, num);
		}
	}
	return err;
}

static const struct family agents_family = {"centralino_agents", "gauge",
                                            "Agents by state, per tenant."};

static int agents_print(const struct web *w, struct mbuf *mb)
{
	const struct config *cfg = w->cfg;
	size_t n = cfg->ntenants * ACD_AGENT_STATE_COUNT;
	unsigned *count = calloc(n ? n : 1, sizeof(*count));
	int err;

	if (!count)
		return ENOMEM;
	for (size_t i = 0; i < cfg->nagents; i++) {
		const struct config_agent *a = &cfg->agents[i];
		uint32_t t = acd_tenant_find(w->acd, a->tenant.name);
		uint32_t id = acd_agent_find(w->acd, t, a->name);
		if (t == ACD_NONE || id == ACD_NONE ||
		    a->tenant.index >= cfg->ntenants)
			continue;
		count[a->tenant.index * ACD_AGENT_STATE_COUNT +
		      acd_agent_state(w->acd, id)]++;
	}
	err = head(mb, &agents_family);
	for (size_t i = 0; i < n && !err; i++) {
		err = mbuf_printf(
		    mb, "centralino_agents{tenant=\"%H\",state=\"%s\"} %u\n",
		    label_print, cfg->tenants[i / ACD_AGENT_STATE_COUNT].name,
		    acd_agent_state_name(i % ACD_AGENT_STATE_COUNT), count[i]);
	}
	free(count);
	return err;
}

static int sample(struct mbuf *mb, const char *name, const char *type,
                  const char *help, uint64_t value)
{
	return mbuf_printf(mb, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name,
	                   help, name, type, name, (unsigned long long)value);
}

static int voice_print(const struct web *w, struct mbuf *mb)
{
	struct voice_stats st;
	int err = 0;
	if (!w->voice)
		return 0;
	voice_stats(w->voice, &st);
	err |= sample(mb, "centralino_voice_calls", "gauge", "Calls up now.",
	              st.calls);
	err |= sample(mb, "centralino_voice_bridged_calls", "gauge",
	              "Calls talking to an agent now.", st.bridged);
	err |= sample(mb, "centralino_voice_registrations", "gauge",
	              "Phone bindings.", st.registrations);
	err |= sample(mb, "centralino_voice_calls_total", "counter",
	              "Calls accepted.", st.calls_total);
	err |= sample(mb, "centralino_voice_calls_refused_total", "counter",
	              "Calls refused (capacity, routing).", st.calls_refused);
	err |= sample(mb, "centralino_voice_auth_failures_total", "counter",
	              "Failed SIP digest authentications.", st.auth_failures);
	err |= sample(mb, "centralino_voice_rtp_received_packets_total",
	              "counter", "RTP packets received.", st.rtp_rx);
	err |= sample(mb, "centralino_voice_rtp_sent_packets_total", "counter",
	              "RTP packets sent.", st.rtp_tx);
	return err;
}

static int http_print(const struct web *w, struct mbuf *mb)
{
	int err = mbuf_printf(mb, "# HELP centralino_http_responses_total "
	                          "HTTP responses by status class.\n"
	                          "# TYPE centralino_http_responses_total "
	                          "counter\n");
	for (unsigned c = 1; c <= 5 && !err; c++)
		err = mbuf_printf(
		    mb,
		    "centralino_http_responses_total{code=\"%uxx\"} "
		    "%llu\n",
		    c, (unsigned long long)w->replies[c]);
	return err;
}

void web_api_metrics(struct web *w, struct web_call *call, struct web_reply *r)
{
	struct mbuf *mb = mbuf_alloc(4096);
	int err = mb ? 0 : ENOMEM;

	if (!err)
		err = queues_print(w, mb);
	if (!err)
		err = agents_print(w, mb);
	if (!err)
		err = voice_print(w, mb);
	if (!err)
		err = http_print(w, mb);
	if (!err)
		err = web_ws_metrics(w, mb);
	if (!err)
		err = web_hooks_metrics(w, mb);
	if (!err)
		err = web_lag_metrics(w, mb);
	if (err) {
		mem_deref(mb);
		web_reply_error(r, 500, "internal", "out of memory");
		return;
	}
	mb->pos = 0;
	mem_deref(r->body);
	r->body = mb;
	r->status = 200;
	r->ctype = "text/plain; version=0.0.4; charset=utf-8";
}
