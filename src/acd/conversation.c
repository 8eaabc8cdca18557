/*
 * conversation.c - a connected contact: hold, end, wrap-up, transfer,
 * back to its queue at its place.
 *
 * Wrap-up is an object of its own that holds one of the agent's slots,
 * because after a transfer the agent wraps up while the contact goes on
 * in another queue.
 */
#include <errno.h>
#include <stdlib.h>

#include "acd_int.h"

/* Talk time so far, holds excluded; credited to the member's figures. */
static void talk_account(struct acd *acd, struct contact *c)
{
	acd_time_t now = acd_now(acd);
	acd_time_t held = c->held_total;
	struct member *m = c->member;

	if (c->held_since >= 0)
		held += now - c->held_since;
	if (m && !m->removed)
		m->talk += now - c->connected_at - held;
	member_release(m); /* the agent is done with this contact */
	c->member = NULL;
}

static void agent_freed(struct acd *acd, struct agent *a)
{
	a->idle_since = acd_now(acd);
	agent_state_update(acd, a);
	agent_route(acd, a);
}

static void wrapup_end(struct acd *acd, struct wrapup *w)
{
	struct agent *a = w->agent;
	struct wrapup **pp;

	for (pp = &a->wrapups; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	timer_stop(acd, &w->t);
	a->wrapping[w->cls]--;
	if (w->contact) {
		struct contact *c = w->contact;
		struct acd_event *ev =
		    acd_event_contact(acd, ACD_EV_CONTACT_COMPLETED, c);

		ev->agent = a->id;
		ev->reason = c->end_reason;
		stats_completed(c->queue, w->cls,
		                acd_now(acd) - c->connected_at);
		c->wrapup = NULL;
		contact_free(acd, c);
	}
	free(w);
	agent_freed(acd, a);
}

static void wrapup_fire(struct acd *acd, struct timer *t)
{
	wrapup_end(acd, (struct wrapup *)t);
}

static int wrapup_start(struct acd *acd, struct contact *c, bool detached)
{
	struct wrapup *w = calloc(1, sizeof(*w));
	struct agent *a = c->agent;

	if (!w)
		return ENOMEM;
	w->t.hn.pos = HEAP_ABSENT;
	w->agent = a;
	w->contact = detached ? NULL : c;
	w->contact_id = c->id;
	w->queue = c->queue->id;
	w->cls = (uint8_t)acd_class_of(c->channel);
	w->next = a->wrapups;
	a->wrapups = w;
	a->wrapping[w->cls]++;
	if (!detached)
		c->wrapup = w;
	timer_start(acd, &w->t, acd_now(acd) + c->queue->p.wrapup, wrapup_fire);
	return 0;
}

int acd_contact_connected(struct acd *acd, uint64_t contact)
{
	struct contact *c = contact_get(acd, contact);

	if (!c)
		return ENOENT;
	if (c->state != ACD_CONTACT_CONNECTED || c->held_total ||
	    c->held_since >= 0)
		return EPROTO;
	acd_enter(acd);
	c->connected_at = acd_now(acd);
	acd_event_contact(acd, ACD_EV_CONTACT_CONNECTED, c)->agent =
	    c->agent->id;
	acd_leave(acd);
	return 0;
}

int acd_contact_hold(struct acd *acd, uint64_t contact, bool hold)
{
	struct contact *c = contact_get(acd, contact);
	acd_time_t now = acd_now(acd);

	if (!c)
		return ENOENT;
	if (c->state != ACD_CONTACT_CONNECTED || hold == (c->held_since >= 0))
		return EPROTO;
	acd_enter(acd);
	if (hold) {
		c->held_since = now;
	} else {
		c->held_total += now - c->held_since;
		c->held_since = -1;
	}
	acd_event_contact(
	    acd, hold ? ACD_EV_CONTACT_HELD : ACD_EV_CONTACT_RESUMED, c)
	    ->agent = c->agent->id;
	acd_leave(acd);
	return 0;
}

int acd_contact_end(struct acd *acd, uint64_t contact)
{
	return acd_contact_end_reason(acd, contact, NULL);
}

int acd_contact_end_reason(struct acd *acd, uint64_t contact,
                           const char *reason)
{
	struct contact *c = contact_get(acd, contact);
	struct agent *a;
	enum acd_class cls;
	struct acd_event *ev;

	if (!c)
		return ENOENT;
	if (c->state != ACD_CONTACT_CONNECTED)
		return EPROTO;
	acd_enter(acd);
	a = c->agent;
	cls = acd_class_of(c->channel);
	talk_account(acd, c);
	a->active[cls]--;
	c->end_reason = reason;
	/* a channel's own ending (nobody reached) leaves nothing to wrap up */
	if (!reason && c->queue->p.wrapup > 0 && !wrapup_start(acd, c, false)) {
		c->state = ACD_CONTACT_WRAPUP;
		acd_event_contact(acd, ACD_EV_CONTACT_WRAPUP, c)->agent = a->id;
		agent_state_update(acd, a);
		agent_route(acd, a);
	} else {
		ev = acd_event_contact(acd, ACD_EV_CONTACT_COMPLETED, c);
		ev->agent = a->id;
		ev->reason = reason;
		stats_completed(c->queue, cls, acd_now(acd) - c->connected_at);
		contact_free(acd, c);
		agent_freed(acd, a);
	}
	acd_leave(acd);
	return 0;
}

int acd_contact_wrapup_done(struct acd *acd, uint64_t contact)
{
	struct contact *c = contact_get(acd, contact);

	if (!c)
		return ENOENT;
	if (!c->wrapup)
		return EPROTO;
	acd_enter(acd);
	wrapup_end(acd, c->wrapup);
	acd_leave(acd);
	return 0;
}

int acd_contact_transfer(struct acd *acd, uint64_t contact, uint32_t queue,
                         int priority)
{
	struct contact *c = contact_get(acd, contact);
	struct queue *q = queue_get(acd, queue);
	struct agent *a;
	enum acd_class cls;
	struct acd_event *ev;

	if (!c || !q)
		return ENOENT;
	if (c->state != ACD_CONTACT_CONNECTED)
		return EPROTO;
	if (q->tenant != c->queue->tenant)
		return EPERM;
	acd_enter(acd);
	a = c->agent;
	cls = acd_class_of(c->channel);
	talk_account(acd, c);
	a->active[cls]--;
	ev = acd_event_contact(acd, ACD_EV_CONTACT_TRANSFERRED, c);
	ev->agent = a->id;
	ev->reason = q->name;
	stats_completed(c->queue, cls, acd_now(acd) - c->connected_at);
	if (c->queue->p.wrapup > 0)
		wrapup_start(acd, c, true);
	c->agent = NULL;
	contact_restart(acd, c, q, priority);
	agent_freed(acd, a);
	acd_leave(acd);
	return 0;
}

int acd_contact_requeue(struct acd *acd, uint64_t contact, const char *reason)
{
	struct contact *c = contact_get(acd, contact);
	struct agent *a;
	struct acd_event *ev;

	if (!c)
		return ENOENT;
	if (c->state != ACD_CONTACT_CONNECTED)
		return EPROTO;
	acd_enter(acd);
	a = c->agent;
	talk_account(acd, c);
	a->active[acd_class_of(c->channel)]--;
	ev = acd_event_contact(acd, ACD_EV_CONTACT_TRANSFERRED, c);
	ev->agent = a->id;
	ev->reason = reason ? reason : "requeued";
	c->agent = NULL;
	/* no wrap-up, nothing completed: the conversation goes on with the
	 * next agent, and the contact waits where it waited before */
	c->requeued = true; /* contact_admit() reads and clears it */
	contact_restart_at(acd, c, c->queue, c->priority, c->vstart, 0);
	agent_freed(acd, a);
	acd_leave(acd);
	return 0;
}

int acd_contact_retry(struct acd *acd, uint64_t contact, acd_time_t not_before,
                      const char *reason)
{
	struct contact *c = contact_get(acd, contact);
	struct agent *a;
	struct acd_event *ev;

	if (!c)
		return ENOENT;
	if (c->state != ACD_CONTACT_CONNECTED || c->channel != ACD_CH_CALLBACK)
		return EPROTO;
	acd_enter(acd);
	a = c->agent;
	talk_account(acd, c);
	a->active[acd_class_of(c->channel)]--;
	ev = acd_event_contact(acd, ACD_EV_CALLBACK_SCHEDULED, c);
	ev->agent = a->id;
	ev->reason = reason ? reason : "retry";
	c->agent = NULL;
	/* no wrap-up, nothing completed: the customer was not reached, and
	 * the callback waits where it waited, due again from not_before */
	c->requeued = true; /* contact_admit() reads and clears it */
	contact_restart_at(acd, c, c->queue, c->priority, c->vstart,
	                   not_before);
	agent_freed(acd, a);
	acd_leave(acd);
	return 0;
}
