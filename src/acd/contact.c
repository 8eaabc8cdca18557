/*
 * contact.c - a contact's life: arrival, escalation, fallbacks, callbacks,
 * abandonment, and the end of its conversation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acd_int.h"

static bool is_live(const struct contact *c)
{
	return c->channel == ACD_CH_VOICE || c->channel == ACD_CH_CHAT;
}

static void queue_list_add(struct queue *q, struct contact *c)
{
	c->qprev = q->last;
	c->qnext = NULL;
	if (q->last)
		q->last->qnext = c;
	else
		q->first = c;
	q->last = c;
	c->in_queue = true;
	q->in_queue++;
	if (is_live(c))
		q->live_waiting++;
}

static void queue_list_del(struct contact *c)
{
	struct queue *q = c->queue;

	if (!c->in_queue)
		return;
	if (c->qprev)
		c->qprev->qnext = c->qnext;
	else
		q->first = c->qnext;
	if (c->qnext)
		c->qnext->qprev = c->qprev;
	else
		q->last = c->qprev;
	c->qprev = c->qnext = NULL;
	c->in_queue = false;
	q->in_queue--;
	if (is_live(c))
		q->live_waiting--;
}

void contact_enter_pool(struct acd *acd, struct contact *c)
{
	(void)acd;
	if (ost_contains(&c->on))
		return;
	contact_key(c);
	ost_insert(&c->pool->contacts, &c->on);
}

void contact_leave_pool(struct acd *acd, struct contact *c)
{
	if (c->reserved)
		prefer_unreserve(acd, c);
	else if (ost_contains(&c->on))
		ost_remove(&c->pool->contacts, &c->on);
}

void contact_place(struct acd *acd, struct contact *c)
{
	contact_enter_pool(acd, c);
	if (c->pool->logged_in == 0)
		contact_nobody(acd, c);
	else
		contact_route(acd, c);
}

void contact_leave_queue(struct acd *acd, struct contact *c)
{
	contact_leave_pool(acd, c);
	queue_list_del(c);
	timer_stop(acd, &c->step_t);
	timer_stop(acd, &c->wait_t);
	if (c->preferred)
		prefer_drop(acd, c);
}

void contact_free(struct acd *acd, struct contact *c)
{
	contact_leave_queue(acd, c);
	if (c->wrapup)
		c->wrapup->contact = NULL;
	idmap_del(&acd->contacts, c->id);
	free(c->attributes);
	free(c);
}

void contacts_free_all(struct acd *acd)
{
	for (size_t i = 0; i < acd->nqueues; i++) {
		struct queue *q = acd->queues[i];

		while (q->first)
			queue_list_del(q->first);
	}
	for (size_t i = 0; acd->contacts.slots && i <= acd->contacts.mask;
	     i++) {
		struct contact *c = acd->contacts.slots[i].value;

		if (!c)
			continue;
		while (c->offers) {
			struct offer *o = c->offers;

			c->offers = o->next;
			member_release(o->member);
			free(o);
		}
		member_release(c->member);
		free(contact_pref(acd, c));
		free(c->attributes);
		free(c);
	}
}

/* The contact leaves without an answer (fallback, abandonment). */
static void contact_finish(struct acd *acd, struct contact *c)
{
	contact_leave_queue(acd, c);
	c->state = ACD_CONTACT_ENDED;
	offer_withdraw_all(acd, c, "contact-left");
	contact_free(acd, c);
}

/* ---- escalation ------------------------------------------------------ */

static void req_sort(struct pool_sig *s)
{
	for (unsigned i = 1; i < s->nreqs; i++) {
		struct acd_skill_req r = s->reqs[i];
		unsigned j = i;

		for (; j > 0 && s->reqs[j - 1].skill > r.skill; j--)
			s->reqs[j] = s->reqs[j - 1];
		s->reqs[j] = r;
	}
	/* merge duplicates, keeping the stricter minimum */
	unsigned n = 0;

	for (unsigned i = 0; i < s->nreqs; i++) {
		if (n && s->reqs[n - 1].skill == s->reqs[i].skill) {
			if (s->reqs[i].min_proficiency >
			    s->reqs[n - 1].min_proficiency)
				s->reqs[n - 1] = s->reqs[i];
			continue;
		}
		s->reqs[n++] = s->reqs[i];
	}
	s->nreqs = (uint8_t)n;
}

static void step_replace_skill(struct pool_sig *s, const struct acd_step *st)
{
	for (unsigned i = 0; i < s->nreqs; i++) {
		if (s->reqs[i].skill != st->skill_from)
			continue;
		if (st->skill_to != ACD_NONE) {
			s->reqs[i].skill = st->skill_to;
		} else {
			s->reqs[i] = s->reqs[--s->nreqs];
		}
		req_sort(s);
		return;
	}
}

/* Apply the next step's changes to the contact; false if none is left. */
static bool step_apply(const struct acd *acd, struct contact *c)
{
	const struct queue *q = c->queue;
	const struct acd_step *st;
	struct pool_sig *s = &c->sig;

	if (c->step >= q->p.nsteps)
		return false;
	st = &q->p.steps[c->step++];
	c->priority += st->priority_add;
	if (st->min_proficiency) {
		for (unsigned i = 0; i < s->nreqs; i++) {
			if (s->reqs[i].min_proficiency > st->min_proficiency)
				s->reqs[i].min_proficiency =
				    st->min_proficiency;
		}
	}
	if (st->skill_from != ACD_NONE)
		step_replace_skill(s, st);
	if (st->overflow_queue != ACD_NONE &&
	    st->overflow_queue < acd->nqueues &&
	    s->nqueues < ACD_MAX_POOL_QUEUES) {
		bool present = false;

		for (unsigned i = 0; i < s->nqueues; i++)
			present |= s->queues[i] == st->overflow_queue;
		if (!present)
			s->queues[s->nqueues++] = st->overflow_queue;
	}
	return true;
}

static void step_fire(struct acd *acd, struct timer *t);

static void step_arm(struct acd *acd, struct contact *c)
{
	const struct queue *q = c->queue;

	if (c->step < q->p.nsteps)
		timer_start(acd, &c->step_t,
		            c->entered + q->p.steps[c->step].after, step_fire);
	else
		timer_stop(acd, &c->step_t);
}

/* Move a contact to the pool of its (changed) requirement. A reserved
 * one stays with its agent while the agent may serve the new pool. */
static void contact_move(struct acd *acd, struct contact *c, struct pool *p)
{
	bool waiting = ost_contains(&c->on);
	struct pool *old = c->pool;

	if (c->reserved) {
		c->pool = p;
		if (pm_find(contact_pref(acd, c)->agent, p))
			return;
		c->pool = old;
	}
	contact_leave_pool(acd, c);
	if (c->preferred)
		prefer_drop(acd, c);
	c->pool = p;
	if (waiting)
		contact_enter_pool(acd, c);
}

/*
 * Apply one step (when force), then skip every step whose pool has nobody
 * logged in; then route the contact or give it the "nobody" fallback.
 */
static void contact_escalate(struct acd *acd, struct contact *c, bool force)
{
	unsigned before = c->step;
	struct pool *p = c->pool;

	if (force && step_apply(acd, c))
		p = pool_get(acd, &c->sig);
	while (p && p->logged_in == 0 && step_apply(acd, c))
		p = pool_get(acd, &c->sig);
	if (!p) /* out of memory: stay where it is */
		p = c->pool;
	if (c->step != before) {
		struct acd_event *ev;

		contact_move(acd, c, p);
		ev = acd_event_contact(acd, ACD_EV_CONTACT_ESCALATED, c);
		ev->decision.step = c->step;
		ev->reason = force ? "step-due" : "nobody-logged-in";
		step_arm(acd, c);
	}
	if (c->state != ACD_CONTACT_WAITING || c->reserved)
		return;
	if (c->pool->logged_in == 0)
		contact_fallback(acd, c, ACD_FALLBACK_NOBODY);
	else
		contact_route(acd, c);
}

static void step_fire(struct acd *acd, struct timer *t)
{
	struct contact *c =
	    (struct contact *)((char *)t - offsetof(struct contact, step_t));

	contact_escalate(acd, c, true);
}

void contact_nobody(struct acd *acd, struct contact *c)
{
	contact_escalate(acd, c, false);
}

/* ---- fallbacks and callbacks ---------------------------------------- */

static void to_callback(struct acd *acd, struct contact *c)
{
	if (c->in_queue && is_live(c))
		c->queue->live_waiting--;
	c->channel = ACD_CH_CALLBACK;
	timer_stop(acd, &c->wait_t);
	acd_event_contact(acd, ACD_EV_CALLBACK_SCHEDULED, c);
}

static void contact_start(struct acd *acd, struct contact *c);

void contact_fallback(struct acd *acd, struct contact *c,
                      enum acd_fallback_cause cause)
{
	static const struct acd_fallback hangup = {ACD_ACTION_HANGUP, ""};
	const struct acd_fallback *fb = &c->queue->p.fallback[cause];
	struct acd_event *ev;

	if (cause == ACD_FALLBACK_NOBODY && !is_live(c))
		return; /* e-mails, voicemails, callbacks wait for someone */
	if (fb->action == ACD_ACTION_NONE) {
		if (cause != ACD_FALLBACK_QUEUE_FULL)
			return; /* keep waiting */
		fb = &hangup;
	}
	if (fb->action == ACD_ACTION_CALLBACK && c->channel == ACD_CH_CALLBACK)
		return; /* a callback already waits for its agent */
	ev = acd_event_contact(acd, ACD_EV_CONTACT_FALLBACK, c);
	ev->cause = cause;
	ev->fallback = fb;
	ev->reason = acd_fallback_cause_name(cause);
	if (fb->action != ACD_ACTION_CALLBACK) {
		contact_finish(acd, c);
		return;
	}
	to_callback(acd, c);
	if (c->state == ACD_CONTACT_SCHEDULED) /* refused at the door */
		contact_start(acd, c);
}

static void max_wait_fire(struct acd *acd, struct timer *t)
{
	struct contact *c =
	    (struct contact *)((char *)t - offsetof(struct contact, wait_t));

	if (c->state == ACD_CONTACT_OFFERED)
		c->fallback_pending = true;
	else if (c->state == ACD_CONTACT_WAITING)
		contact_fallback(acd, c, ACD_FALLBACK_MAX_WAIT);
}

static void contact_start(struct acd *acd, struct contact *c)
{
	const struct queue *q = c->queue;

	c->state = ACD_CONTACT_WAITING;
	step_arm(acd, c);
	if (is_live(c) && q->p.max_wait > 0)
		timer_start(acd, &c->wait_t, c->entered + q->p.max_wait,
		            max_wait_fire);
	if (c->preferred && prefer_place(acd, c))
		return;
	contact_place(acd, c);
}

static void callback_due(struct acd *acd, struct timer *t)
{
	struct contact *c =
	    (struct contact *)((char *)t - offsetof(struct contact, wait_t));

	contact_start(acd, c);
}

int acd_contact_callback(struct acd *acd, uint64_t contact,
                         acd_time_t not_before)
{
	struct contact *c = contact_get(acd, contact);

	if (!c)
		return ENOENT;
	if (c->state != ACD_CONTACT_WAITING)
		return EPROTO;
	acd_enter(acd);
	to_callback(acd, c);
	if (not_before > acd_now(acd)) {
		contact_leave_pool(acd, c);
		c->state = ACD_CONTACT_SCHEDULED;
		timer_start(acd, &c->wait_t, not_before, callback_due);
	}
	acd_leave(acd);
	return 0;
}

/* ---- arrival --------------------------------------------------------- */

/* Enter the queue: refused when full, scheduled, or started at once. */
static void contact_admit(struct acd *acd, struct contact *c,
                          acd_time_t not_before)
{
	struct queue *q = c->queue;
	bool requeued = c->requeued;

	c->requeued = false;
	q->st.offered++;
	queue_list_add(q, c);
	acd_event_contact(acd, ACD_EV_CONTACT_QUEUED, c);
	if (is_live(c) && q->p.max_waiting && !requeued &&
	    q->live_waiting > q->p.max_waiting)
		contact_fallback(acd, c, ACD_FALLBACK_QUEUE_FULL);
	else if (not_before > acd_now(acd))
		timer_start(acd, &c->wait_t, not_before, callback_due);
	else
		contact_start(acd, c);
}

static int contact_params_check(const struct acd *acd,
                                const struct acd_contact_params *p)
{
	if ((unsigned)p->channel >= ACD_CH_COUNT || p->nreqs > ACD_MAX_REQS)
		return EINVAL;
	for (unsigned i = 0; i < p->nreqs; i++) {
		if (p->reqs[i].skill >= acd->nskills ||
		    p->reqs[i].min_proficiency < 1 ||
		    p->reqs[i].min_proficiency > ACD_PROFICIENCY_MAX)
			return EINVAL;
	}
	if (p->priority < -1000000 || p->priority > 1000000)
		return EINVAL;
	if (p->preferred_wait < 0 ||
	    (p->preferred_wait > 0 &&
	     acd_agent_tenant(acd, p->preferred_agent) !=
	         acd_queue_tenant(acd, p->queue)))
		return EINVAL; /* no such agent, or another tenant's */
	return 0;
}

static struct contact *contact_new(struct acd *acd, struct queue *q,
                                   const struct acd_contact_params *p)
{
	struct contact *c = calloc(1, sizeof(*c));
	acd_time_t now = acd_now(acd);

	if (!c)
		return NULL;
	if (p->attributes && !(c->attributes = strdup(p->attributes))) {
		free(c);
		return NULL;
	}
	c->id = ++acd->next_contact;
	c->channel = p->channel;
	c->state = ACD_CONTACT_SCHEDULED;
	c->queue = q;
	c->priority = p->priority;
	c->arrival = c->entered = now;
	c->vstart = p->virtual_start ? p->virtual_start : now;
	c->held_since = -1;
	c->user = p->user;
	c->step_t.hn.pos = c->wait_t.hn.pos = HEAP_ABSENT;
	c->sig.cls = (uint8_t)acd_class_of(p->channel);
	c->sig.nqueues = 1;
	c->sig.queues[0] = q->id;
	c->sig.nreqs = (uint8_t)p->nreqs;
	memcpy(c->sig.reqs, p->reqs, p->nreqs * sizeof(p->reqs[0]));
	req_sort(&c->sig);
	return c;
}

int acd_contact_add(struct acd *acd, const struct acd_contact_params *p,
                    uint64_t *idp)
{
	struct queue *q;
	struct contact *c;
	int err;

	if (!p)
		return EINVAL;
	q = queue_get(acd, p->queue);
	if (!q)
		return ENOENT;
	err = contact_params_check(acd, p);
	if (err)
		return err;
	c = contact_new(acd, q, p);
	if (!c)
		return ENOMEM;
	c->pool = pool_get(acd, &c->sig);
	if (!c->pool || idmap_put(&acd->contacts, c->id, c)) {
		free(c->attributes);
		free(c);
		return ENOMEM;
	}
	if (p->preferred_wait > 0 &&
	    prefer_new(acd, c, acd->agents[p->preferred_agent],
	               c->entered + p->preferred_wait)) {
		idmap_del(&acd->contacts, c->id);
		free(c->attributes);
		free(c);
		return ENOMEM;
	}
	if (idp)
		*idp = c->id;
	acd_enter(acd);
	contact_admit(acd, c, p->not_before);
	acd_leave(acd);
	return 0;
}

void contact_restart(struct acd *acd, struct contact *c, struct queue *q,
                     int priority)
{
	contact_restart_at(acd, c, q, priority, acd_now(acd), 0);
}

void contact_restart_at(struct acd *acd, struct contact *c, struct queue *q,
                        int priority, acd_time_t vstart, acd_time_t not_before)
{
	struct pool *p;

	c->queue = q;
	c->priority = priority;
	c->entered = acd_now(acd);
	c->vstart = vstart;
	c->step = 0;
	c->held_since = -1;
	c->held_total = 0;
	c->state = ACD_CONTACT_SCHEDULED;
	c->sig.nqueues = 1;
	c->sig.queues[0] = q->id;
	p = pool_get(acd, &c->sig);
	if (!p) { /* out of memory: the contact cannot be placed */
		contact_fallback(acd, c, ACD_FALLBACK_QUEUE_FULL);
		return;
	}
	c->pool = p;
	contact_admit(acd, c, not_before);
}

int acd_contact_abandon(struct acd *acd, uint64_t contact)
{
	struct contact *c = contact_get(acd, contact);

	if (!c)
		return ENOENT;
	if (c->state > ACD_CONTACT_OFFERED)
		return EPROTO;
	acd_enter(acd);
	acd_event_contact(acd, ACD_EV_CONTACT_ABANDONED, c);
	stats_abandoned(c->queue, c->channel, acd_now(acd) - c->entered);
	contact_finish(acd, c);
	acd_leave(acd);
	return 0;
}

enum acd_contact_state acd_contact_state(const struct acd *acd,
                                         uint64_t contact)
{
	struct contact *c = contact_get(acd, contact);

	return c ? c->state : ACD_CONTACT_ENDED;
}

const char *acd_contact_attributes(const struct acd *acd, uint64_t contact)
{
	struct contact *c = contact_get(acd, contact);

	return c ? c->attributes : NULL;
}
