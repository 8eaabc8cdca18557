/*
 * consultq.c - an attended transfer to a queue (see consultq.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "voice/call.h"
#include "voice/consultq.h"
#include "voice/voice_int.h"

struct consultq {
	struct le he; /* in voice->consults, by the consultation's contact */
	struct call *call;
	uint64_t contact;    /* the consultation's engine contact; 0 yet */
	uint32_t queue;      /* where it waits */
	struct list ringing; /* the offered agent's phones */
	bool connected;      /* an agent answered: call->consult is theirs */
};

static bool contact_cmp(struct le *le, void *arg)
{
	const struct consultq *cq = le->data;

	return cq->contact == *(const uint64_t *)arg;
}

static struct consultq *by_contact(const struct voice *v, uint64_t contact)
{
	struct le *le =
	    hash_lookup(v->consults, (uint32_t)contact, contact_cmp, &contact);

	return le ? le->data : NULL;
}

static void adopt(struct consultq *cq, uint64_t contact)
{
	if (cq->he.list)
		return;
	cq->contact = contact;
	hash_append(cq->call->v->consults, (uint32_t)contact, &cq->he, cq);
}

static void consultq_destructor(void *arg)
{
	struct consultq *cq = arg;

	hash_unlink(&cq->he);
	list_flush(&cq->ringing); /* CANCEL */
}

int consultq_start(struct call *call, uint32_t queue, int priority)
{
	struct voice *v = call->v;
	struct acd_contact_params p = {
	    .channel = ACD_CH_VOICE, .queue = queue, .priority = priority};
	struct consultq *cq = mem_zalloc(sizeof(*cq), consultq_destructor);
	char attrs[64];
	uint64_t contact = 0;
	int err;

	if (!cq)
		return ENOMEM;
	cq->call = call;
	cq->queue = queue;
	list_init(&cq->ringing);
	snprintf(attrs, sizeof(attrs), "consult=%" PRIu64, call->contact);
	p.attributes = attrs;
	p.user = cq;
	call->consult_q = cq; /* the first offer may come at once */
	v->consult_entering = cq;
	err = acd_contact_add(v->acd, &p, &contact);
	v->consult_entering = NULL;
	if (err) {
		call->consult_q = NULL;
		mem_deref(cq);
		return err;
	}
	adopt(cq, contact);
	log_event(LOG_INFO, "call.consult",
	          "contact=%" PRIu64
	          " agent=%s target=queue:%s consultation=%" PRIu64,
	          call->contact, acd_agent_name(v->acd, call->agent->agent),
	          acd_queue_name(v->acd, queue), contact);
	return 0;
}

static void ringing_consult(struct agent_leg *al, void *arg)
{
	struct consultq *cq = arg;

	list_unlink(&al->le); /* not the call's forks */
	list_append(&cq->ringing, &al->le, al);
	al->consult = true;
}

/* The engine offers the consultation to agent: their phones ring. */
static void ring(struct consultq *cq, uint32_t agent)
{
	struct call *call = cq->call;
	unsigned rung = call_ring_bindings(
	    call, agent, phone_of_agent(call->v, agent), ringing_consult, cq);

	log_event(rung ? LOG_INFO : LOG_WARN,
	          rung ? "call.consult-ringing" : "call.agent-unreachable",
	          "contact=%" PRIu64 " consultation=%" PRIu64
	          " agent=%s phones=%u",
	          call->contact, cq->contact,
	          acd_agent_name(call->v->acd, agent), rung);
	if (!rung)
		acd_offer_reject(call->v->acd, cq->contact, agent);
}

static void stop_ringing(struct consultq *cq, uint32_t agent)
{
	for (struct le *le = cq->ringing.head; le;) {
		struct agent_leg *al = le->data;

		le = le->next;
		if (al->agent == agent)
			mem_deref(al);
	}
}

/* Nobody will answer (the queue's fallback): the agent has the caller
 * back, as after a cancel. */
static void gave_up(struct consultq *cq, const char *why)
{
	struct call *call = cq->call;

	log_event(LOG_INFO, "call.consult-ended",
	          "contact=%" PRIu64 " answered=no reason=%s", call->contact,
	          why);
	call->consult_q = NULL;
	mem_deref(cq);
	(void)voice_call_hold(call->v, call->contact, false);
}

bool consultq_engine_event(struct voice *v, const struct acd_event *ev)
{
	struct consultq *cq;

	if (v->consult_entering && ev->user == v->consult_entering)
		adopt(v->consult_entering, ev->contact);
	cq = by_contact(v, ev->contact);
	if (!cq)
		return false;
	switch (ev->type) {
	case ACD_EV_CONTACT_OFFERED:
		ring(cq, ev->agent);
		break;
	case ACD_EV_OFFER_TIMEOUT:
	case ACD_EV_OFFER_WITHDRAWN:
		if (!cq->connected)
			stop_ringing(cq, ev->agent);
		break;
	case ACD_EV_CONTACT_FALLBACK:
		hash_unlink(&cq->he); /* the engine is done with it */
		gave_up(cq, "fallback");
		break;
	default:
		break;
	}
	return true;
}

bool consultq_answered(struct agent_leg *al)
{
	struct call *call = al->call;
	struct consultq *cq = call->consult_q;
	struct voice *v = call->v;

	if (!cq || cq->connected ||
	    acd_offer_accept(v->acd, cq->contact, al->agent)) {
		log_event(LOG_INFO, "call.answer-too-late",
		          "contact=%" PRIu64 " agent=%s consultation=yes",
		          call->contact, acd_agent_name(v->acd, al->agent));
		mem_deref(al);
		return false;
	}
	list_unlink(&al->le);
	list_flush(&cq->ringing); /* the agent's other phones */
	acd_contact_connected(v->acd, cq->contact);
	cq->connected = true;
	call->consult = al;
	return true;
}

bool consultq_leg_closed(struct agent_leg *al)
{
	struct call *call = al->call;
	struct consultq *cq = call->consult_q;
	uint32_t agent = al->agent;
	bool still = false;

	if (!cq)
		return false;
	if (call->consult == al) { /* the consulted agent hung up */
		log_event(LOG_INFO, "call.consult-ended",
		          "contact=%" PRIu64 " answered=yes", call->contact);
		mem_deref(al);
		consultq_stop(call, "consult-ended");
		return true; /* the caller stays held with the agent */
	}
	mem_deref(al); /* declined or failed */
	for (struct le *le = cq->ringing.head; le; le = le->next)
		still |= ((struct agent_leg *)le->data)->agent == agent;
	if (!still && !cq->connected)
		acd_offer_reject(call->v->acd, cq->contact, agent);
	return true;
}

void consultq_complete(struct call *call)
{
	struct consultq *cq = call->consult_q;
	struct voice *v = call->v;

	if (!cq)
		return;
	hash_unlink(&call->he);
	call->contact = cq->contact;
	call->queue = cq->queue;
	hash_append(v->calls, (uint32_t)call->contact, &call->he, call);
	call->consult_q = NULL;
	mem_deref(cq); /* unhashed; its contact goes on as the call's */
}

void consultq_stop(struct call *call, const char *why)
{
	struct consultq *cq = call->consult_q;
	struct acd *acd = call->v->acd;

	if (!cq)
		return;
	call->consult_q = NULL;
	if (cq->connected) /* no wrap-up for a consultation that went */
		(void)acd_contact_end_reason(acd, cq->contact, why);
	else if (cq->contact)
		(void)acd_contact_abandon(acd, cq->contact);
	mem_deref(cq);
}

const char *consultq_state(const struct call *call)
{
	const struct consultq *cq = call->consult_q;

	if (!cq || cq->connected)
		return NULL;
	return cq->ringing.head ? "ringing" : "queued";
}
