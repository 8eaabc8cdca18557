/*
 * presence.c - an agent whose desktop went away.
 *
 * An agent on the desktop holds chats through its events WebSocket. When
 * the agent's last socket closes (the laptop slept, the network dropped,
 * the browser closed) and does not come back within the grace period,
 * the agent is set not ready ("disconnected") and every chat it was
 * talking in goes back to its queue at its place, for the next agent:
 * the visitor is not left talking to nobody. A desktop that reconnects
 * within the grace (a blip, a reload) keeps its chats.
 */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "desk/desk.h"
#include "web/web_int.h"

/* An agent whose last socket closed, waiting out the grace. */
struct web_gone {
	struct le le; /* in w->gone */
	struct web *w;
	uint32_t agent;
	struct tmr tmr;
};

static struct web_gone *gone_find(const struct web *w, uint32_t agent)
{
	for (struct le *le = w->gone.head; le; le = le->next) {
		struct web_gone *g = le->data;
		if (g->agent == agent)
			return g;
	}
	return NULL;
}

static void gone_free(struct web_gone *g)
{
	tmr_cancel(&g->tmr);
	list_unlink(&g->le);
	free(g);
}

static void grace_over(void *arg)
{
	struct web_gone *g = arg;
	struct web *w = g->w;
	uint32_t agent = g->agent;
	size_t n;

	gone_free(g);
	n = w->desk ? desk_agent_gone(w->desk, agent, "disconnected") : 0;
	log_event(LOG_WARN, "agent.desktop-gone", "agent=%s requeued=%zu",
	          acd_agent_name(w->acd, agent), n);
}

void web_presence_joined(struct web *w, uint32_t agent)
{
	struct web_gone *g = agent == ACD_NONE ? NULL : gone_find(w, agent);

	if (!g)
		return;
	gone_free(g);
	log_event(LOG_INFO, "agent.desktop-back", "agent=%s",
	          acd_agent_name(w->acd, agent));
}

void web_presence_left(struct web *w, uint32_t agent)
{
	struct web_gone *g;

	if (w->closing || agent == ACD_NONE || !w->desk || gone_find(w, agent))
		return;
	for (struct le *le = w->subs.head; le; le = le->next) {
		const struct web_sub *s = le->data;
		if (web_sub_agent(s) == agent)
			return; /* another desktop of the agent is still open */
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return;
	g->w = w;
	g->agent = agent;
	tmr_init(&g->tmr);
	list_append(&w->gone, &g->le, g);
	tmr_start(&g->tmr, w->agent_grace_ms, grace_over, g);
}

void web_presence_free(struct web *w)
{
	while (w->gone.head)
		gone_free(w->gone.head->data);
}
