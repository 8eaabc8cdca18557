/*
 * explain.c - the routing explanation of one contact: its journal rows
 * in order, each as a sentence, the offers with the decision that made
 * them ("offered to agent3 by longest-idle among 4 candidates ...").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report/report_int.h"

static const char * or (const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

static double secs(acd_time_t ms)
{
	return (double)ms / 1000;
}

/* Why the strategy chose this agent, from the decision's metric. */
static void strategy_why(const struct store_journal_entry *e, char *buf,
                         size_t size)
{
	const char *s = or (e->strategy, "?");

	if (!strcmp(s, "longest-idle"))
		snprintf(buf, size, "idle %.1f s, the longest",
		         secs(e->time - e->metric));
	else if (!strcmp(s, "fewest-contacts"))
		snprintf(buf, size, "%lld contacts handled, the fewest",
		         (long long)e->metric);
	else if (!strcmp(s, "least-talk-time"))
		snprintf(buf, size, "%.1f s of talk, the least",
		         secs(e->metric));
	else if (!strcmp(s, "round-robin"))
		snprintf(buf, size, "next in the rotation");
	else if (!strcmp(s, "linear"))
		snprintf(buf, size, "first in the configured order");
	else if (!strcmp(s, "best-skill"))
		snprintf(buf, size, "proficiency %lld, the highest",
		         (long long)-e->metric);
	else if (!strcmp(s, "random"))
		snprintf(buf, size, "picked at random");
	else if (!strcmp(s, "ring-all"))
		snprintf(buf, size, "rung with every candidate at once");
	else
		snprintf(buf, size, "metric %lld", (long long)e->metric);
}

static void offered(const struct store_journal_entry *e, char *buf, size_t size)
{
	char why[96], step[48] = "";

	if (e->step)
		snprintf(step, sizeof(step), ", after escalation step %u",
		         e->step);
	if (e->reason && !strcmp(e->reason, "preferred-agent")) {
		snprintf(buf, size,
		         "offered to %s, its preferred agent (who handled "
		         "the conversation before), %s (waited %.1f s%s)",
		         or (e->agent, "?"),
		         e->agent_first ? "as soon as they were free"
		                        : "free when it arrived",
		         secs(e->wait), step);
		return;
	}
	if (e->agent_first) {
		snprintf(buf, size,
		         "offered to %s, who became free and took the first "
		         "in line of %u waiting contact%s it could serve "
		         "(%s; waited %.1f s%s)",
		         or (e->agent, "?"), e->waiting,
		         e->waiting == 1 ? "" : "s", or (e->strategy, "?"),
		         secs(e->wait), step);
		return;
	}
	strategy_why(e, why, sizeof(why));
	snprintf(buf, size,
	         "offered to %s by %s among %u candidate%s (%s; waited "
	         "%.1f s%s)",
	         or (e->agent, "?"), or (e->strategy, "?"), e->candidates,
	         e->candidates == 1 ? "" : "s", why, secs(e->wait), step);
}

static void fallback(const struct store_journal_entry *e, char *buf,
                     size_t size)
{
	snprintf(buf, size, "fallback on %s: %s%s%s after %.1f s",
	         or (e->fallback_cause, "?"), or (e->fallback_action, "?"),
	         e->fallback_target ? " " : "", or (e->fallback_target, ""),
	         secs(e->wait));
}

void report_explain_line(const struct store_journal_entry *e, char *buf,
                         size_t size)
{
	const char *t = or (e->type, "?"), *a = or (e->agent, "?");

	if (!strcmp(t, "contact-queued"))
		snprintf(buf, size, "queued in %s (tenant %s, %s)",
		         or (e->queue, "?"), or (e->tenant, "?"),
		         or (e->channel, "?"));
	else if (!strcmp(t, "contact-offered"))
		offered(e, buf, size);
	else if (!strcmp(t, "offer-accepted"))
		snprintf(buf, size, "%s answered after %.1f s in line", a,
		         secs(e->wait));
	else if (!strcmp(t, "offer-rejected"))
		snprintf(buf, size,
		         "%s rejected the offer: back in line at "
		         "its place",
		         a);
	else if (!strcmp(t, "offer-timeout"))
		snprintf(buf, size,
		         "%s did not answer in time: back in line "
		         "at its place",
		         a);
	else if (!strcmp(t, "offer-withdrawn"))
		snprintf(buf, size, "offer to %s withdrawn (%s)", a,
		         or (e->reason, "no reason"));
	else if (!strcmp(t, "contact-connected"))
		snprintf(buf, size, "connected with %s: talk starts", a);
	else if (!strcmp(t, "contact-held"))
		snprintf(buf, size, "put on hold by %s", a);
	else if (!strcmp(t, "contact-resumed"))
		snprintf(buf, size, "taken off hold by %s", a);
	else if (!strcmp(t, "contact-transferred"))
		snprintf(buf, size, "transferred by %s to queue %s", a,
		         or (e->reason, "?"));
	else if (!strcmp(t, "contact-wrapup"))
		snprintf(buf, size, "conversation over: %s in wrap-up", a);
	else if (!strcmp(t, "contact-completed"))
		snprintf(buf, size, "completed by %s", a);
	else if (!strcmp(t, "contact-abandoned"))
		snprintf(buf, size, "the customer left after %.1f s in line",
		         secs(e->wait));
	else if (e->reason && !strncmp(e->reason, "preferred-", 10) &&
	         !strcmp(t, "contact-escalated"))
		snprintf(buf, size,
		         "no longer reserved for %s (%s): in line for every "
		         "agent, at its place",
		         a, e->reason);
	else if (!strcmp(t, "contact-escalated"))
		snprintf(buf, size, "escalation step %u applied (%s)", e->step,
		         or (e->reason, "?"));
	else if (!strcmp(t, "contact-fallback"))
		fallback(e, buf, size);
	else if (!strcmp(t, "callback-scheduled"))
		snprintf(buf, size, "became a callback that keeps its place");
	else
		snprintf(buf, size, "%s", t);
}

struct explain {
	report_line_h *h;
	void *arg;
	bool any;
};

static int explain_row(const struct store_journal_entry *e, void *arg)
{
	struct explain *x = arg;
	char line[512];

	x->any = true;
	report_explain_line(e, line, sizeof(line));
	return x->h(e, line, x->arg);
}

int report_explain(struct store *s, uint64_t run, uint64_t contact,
                   report_line_h *h, void *arg)
{
	struct explain x = {.h = h, .arg = arg};
	int err;

	if (!s || !h || !run || !contact)
		return EINVAL;
	err = store_journal_read(s, run, contact, explain_row, &x);
	return !err && !x.any ? ENOENT : err;
}
