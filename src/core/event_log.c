/*
 * event_log.c - engine events as key=value lines (see event_log.h).
 */
#include <inttypes.h>
#include <stdio.h>

#include "core/event_log.h"
#include "core/log.h"

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void log_offer(const struct acd *acd, const struct acd_event *ev,
                      const char *tenant)
{
	const struct acd_decision *d = &ev->decision;

	log_event(LOG_INFO, acd_event_name(ev->type),
	          "tenant=%s contact=%" PRIu64 " queue=%s agent=%s channel=%s "
	          "wait_ms=%" PRId64 " strategy=%s step=%u candidates=%u "
	          "waiting=%u by=%s%s",
	          tenant, ev->contact, or_dash(acd_queue_name(acd, ev->queue)),
	          or_dash(acd_agent_name(acd, ev->agent)),
	          acd_channel_name(ev->channel), ev->wait,
	          acd_strategy_name(d->strategy), d->step, d->candidates,
	          d->waiting,
	          d->agent_first ? "agent-freed" : "contact-arrived",
	          d->preferred ? " reason=preferred-agent" : "");
}

void event_log(const struct acd *acd, const struct acd_event *ev)
{
	const char *tenant = or_dash(acd_tenant_name(acd, ev->tenant));

	if (ev->type == ACD_EV_AGENT_STATE) {
		log_event(LOG_DEBUG, "agent-state",
		          "tenant=%s agent=%s state=%s from=%s%s%s", tenant,
		          or_dash(acd_agent_name(acd, ev->agent)),
		          acd_agent_state_name(ev->agent_state),
		          acd_agent_state_name(ev->agent_prev),
		          ev->reason ? " reason=" : "",
		          ev->reason ? ev->reason : "");
		return;
	}
	if (ev->type == ACD_EV_CONTACT_OFFERED) {
		log_offer(acd, ev, tenant);
		return;
	}
	log_event(LOG_INFO, acd_event_name(ev->type),
	          "tenant=%s contact=%" PRIu64 " queue=%s agent=%s channel=%s "
	          "wait_ms=%" PRId64 "%s%s%s%s",
	          tenant, ev->contact, or_dash(acd_queue_name(acd, ev->queue)),
	          or_dash(acd_agent_name(acd, ev->agent)),
	          acd_channel_name(ev->channel), ev->wait,
	          ev->reason ? " reason=" : "", ev->reason ? ev->reason : "",
	          ev->fallback ? " action=" : "",
	          ev->fallback ? acd_fallback_action_name(ev->fallback->action)
	                       : "");
}
