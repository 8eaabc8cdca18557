/*
 * call.c - a call's life: the INVITE from a trunk, the flow, the queue,
 * the agents' phones ringing, the bridge, the hang-up.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "media/media.h"
#include "core/config.h"
#include "voice/call.h"
#include "voice/callback.h"
#include "voice/callrec.h"
#include "voice/consultq.h"
#include "voice/flow.h"
#include "voice/monitor.h"
#include "voice/nat.h"
#include "voice/oncall.h"
#include "voice/srtp.h"
#include "voice/tap.h"
#include "voice/txq.h"
#include "voice/voice_int.h"
#include "voice/xferkeys.h"

#define TICK_MS    20
#define TICK_SLOTS VOICE_TICK_SLOTS
#define SLOT_MS    (TICK_MS / TICK_SLOTS)
#define TXQ_BATCH  512 /* packets per io_uring_enter at most */

/* A call's slot, for life: a Fibonacci hash of its address, taken once
 * when the call is made; the tick walks only its slot's list. */
static unsigned call_slot(const struct call *call)
{
	uint32_t h = (uint32_t)((uintptr_t)call >> 4) * 2654435769u;

	return (unsigned)(((uint64_t)h * TICK_SLOTS) >> 32);
}

/* ---- lookup ------------------------------------------------------------ */

static bool contact_cmp(struct le *le, void *arg)
{
	const struct call *call = le->data;

	return call->contact == *(const uint64_t *)arg;
}

struct call *call_by_contact(const struct voice *v, uint64_t contact)
{
	struct le *le =
	    hash_lookup(v->calls, (uint32_t)contact, contact_cmp, &contact);

	return le ? le->data : NULL;
}

struct call *call_talking(struct voice *v, uint64_t contact, int *errp)
{
	struct call *call = v ? call_by_contact(v, contact) : NULL;

	*errp = ENOENT;
	if (!call)
		return NULL;
	*errp = EPROTO;
	if (call->state != CALL_BRIDGED || !call->agent ||
	    acd_contact_state(v->acd, contact) != ACD_CONTACT_CONNECTED)
		return NULL;
	*errp = 0;
	return call;
}

/* ---- agent legs ------------------------------------------------------ */

static void agent_leg_destructor(void *arg)
{
	struct agent_leg *al = arg;

	list_unlink(&al->le);
	if (al->call && al->call->consult == al)
		al->call->consult = NULL;
	mem_deref(al->screen);
	/* freeing the session sends CANCEL, or BYE once answered */
	al->leg.sess = mem_deref(al->leg.sess);
	leg_media_close(&al->leg);
}

static bool agent_still_ringing(const struct call *call, uint32_t agent)
{
	for (struct le *le = call->ringing.head; le; le = le->next) {
		const struct agent_leg *al = le->data;

		if (al->agent == agent)
			return true;
	}
	return false;
}

static void caller_dtmf(struct leg *leg, char key, void *arg);

static void bridge(struct call *call, struct agent_leg *al)
{
	list_unlink(&al->le);
	list_flush(&call->ringing); /* the other forks: CANCEL */
	call->agent = al;
	call->state = CALL_BRIDGED;
	vtimer_cancel(&call->v->vt, &call->announce);
	flow_stop(call);
	call->v->st.bridged++;
	if (call->announcing) /* the recording's announcement goes on */
		return;       /* the tick bridges at its end */
	leg_bridge(&call->caller, &al->leg);
	if (call->recorded)
		(void)callrec_start(call);
}

/* The recording's announcement has played: a caller already answered
 * by an agent is bridged now, and recorded from the first word. */
static void announced(struct call *call)
{
	call->announcing = false;
	if (call->state != CALL_BRIDGED || !call->agent)
		return;
	leg_bridge(&call->caller, &call->agent->leg);
	(void)callrec_start(call);
}

void call_bridge_leg(struct call *call, struct agent_leg *al)
{
	bridge(call, al);
}

static void agent_answered(struct agent_leg *al)
{
	struct call *call = al->call;
	struct voice *v = call->v;
	int err;

	if (al->agent == ACD_NONE) { /* a forwarded call: no engine offer */
		bridge(call, al);
		log_event(LOG_INFO, "call.forwarded", "from=%s number=%s",
		          call->from, call->number);
		return;
	}
	if (al->direct) { /* transferred to this agent: no engine offer */
		bridge(call, al);
		log_event(LOG_INFO, "call.bridged",
		          "contact=%" PRIu64 " agent=%s transfer=direct",
		          call->contact, acd_agent_name(v->acd, al->agent));
		return;
	}
	err = acd_offer_accept(v->acd, call->contact, al->agent);

	if (err) { /* another phone or agent won: this one hangs up */
		log_event(LOG_INFO, "call.answer-too-late",
		          "contact=%" PRIu64 " agent=%s", call->contact,
		          acd_agent_name(v->acd, al->agent));
		mem_deref(al);
		return;
	}
	if (call->callback) { /* the agent first, now the customer */
		callback_agent_answered(call, al);
		return;
	}
	bridge(call, al);
	acd_contact_connected(v->acd, call->contact);
	log_event(LOG_INFO, "call.bridged", "contact=%" PRIu64 " agent=%s",
	          call->contact, acd_agent_name(v->acd, al->agent));
}

static int agent_answer_h(const struct sip_msg *msg, void *arg)
{
	struct agent_leg *al = arg;
	int err = leg_sdp_take_answer(&al->leg, msg->mb);

	if (err && al->leg.sec.srtp_required) /* libre sends ACK, then BYE */
		log_event(LOG_WARN, "call.media-refused",
		          "contact=%" PRIu64 " agent=%s reason=srtp-required "
		          "answer=plain",
		          al->call->contact,
		          acd_agent_name(al->call->v->acd, al->agent));
	else if (!err && leg_srtp_active(&al->leg))
		log_event(LOG_INFO, "call.media-secured",
		          "contact=%" PRIu64 " agent=%s srtp=%s",
		          al->call->contact,
		          acd_agent_name(al->call->v->acd, al->agent),
		          leg_srtp_suite(&al->leg));
	return err;
}

static void agent_estab_h(const struct sip_msg *msg, void *arg)
{
	struct agent_leg *al = arg;

	(void)msg;
	al->answered = true;
	if (al->monitor) /* a supervisor's phone */
		monitor_answered(al);
	else if (al->consult) /* an attended transfer's target: to the agent */
		call_consult_answered(al);
	else if (al->person) /* a rota's person: screened first */
		oncall_answered(al);
	else
		agent_answered(al);
}

static void agent_close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct agent_leg *al = arg;
	struct call *call = al->call;
	struct voice *v = call->v;
	uint32_t agent = al->agent;
	bool direct = al->direct;

	(void)err;
	(void)msg;
	if (al->monitor) { /* the supervisor left */
		monitor_leg_closed(al);
		return;
	}
	if (al->consult) { /* the consulted party left: back to the caller */
		call_consult_ended(al);
		return;
	}
	if (call->agent == al) { /* the agent hung up: the call is over */
		al->leg.sess = mem_deref(al->leg.sess);
		if (xferkeys_hangup(al))
			return; /* unless it completed a consultation */
		call_hangup(call, "agent-hangup");
		return;
	}
	al->leg.sess = mem_deref(al->leg.sess);
	if (al->person) { /* a rota's person: the next one */
		oncall_leg_closed(al, msg);
		return;
	}
	mem_deref(al);
	if (agent == ACD_NONE) { /* the forward failed */
		flow_forward_failed(call);
		return;
	}
	if (direct) { /* nobody of a transfer's target answered */
		if (!agent_still_ringing(call, agent))
			flow_forward_failed(call);
		return;
	}
	/* every phone of this agent refused or failed: the offer fails */
	if (!agent_still_ringing(call, agent) && call->state == CALL_QUEUED)
		acd_offer_reject(v->acd, call->contact, agent);
}

/* A key from an agent's phone: a transfer's feature code, its target. */
static void agent_dtmf(struct leg *leg, char key, void *arg)
{
	(void)leg;
	xferkeys_key(arg, key);
}

/* The key of a SIP INFO (application/dtmf-relay "Signal=5"), or 0. */
static char info_key(const struct sip_msg *msg)
{
	struct pl sig;

	if (re_regex((const char *)mbuf_buf(msg->mb), mbuf_get_left(msg->mb),
	             "Signal=[ ]*[0-9*#A-D]1", NULL, &sig))
		return 0;
	return sig.p[0];
}

/* SIP INFO keys from an agent's phone (application/dtmf-relay). */
static void agent_info_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	char key = info_key(msg);

	sip_reply(sip, msg, 200, "OK"); /* before a transfer's BYE */
	if (key)
		xferkeys_key(arg, key);
}

/* The agent's phone transfers the call itself (blind, RFC 3515). */
static void agent_refer_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	call_refer(arg, sip, msg);
}

static int agent_offer_h(struct mbuf **descp, const struct sip_msg *msg,
                         void *arg)
{
	struct agent_leg *al = arg;

	return leg_sdp_answer(&al->leg, msg->mb, descp);
}

/* Where and how to send an outgoing INVITE. */
struct dial {
	char uri[256];
	char route[96];    /* "" when none */
	char headers[320]; /* Record-Route to a phone behind NAT */
	const struct config_trunk *trunk; /* its credentials; NULL none */
	struct leg_security sec;          /* keys over TLS, SRTP policy */
};

int call_trunk_auth(char **user, char **pass, const char *realm, void *arg)
{
	const struct config_trunk *t = arg;
	int err;

	(void)realm;
	if (!t || !t->out_username[0])
		return EACCES;
	err = str_dup(user, t->out_username);
	if (!err)
		err = str_dup(pass, t->out_password);
	return err;
}

static int leg_dial(struct call *call, uint32_t agent, const struct dial *d,
                    struct agent_leg **alp)
{
	struct voice *v = call->v;
	struct agent_leg *al = mem_zalloc(sizeof(*al), agent_leg_destructor);
	struct mbuf *offer = NULL;
	char from_uri[160];
	const char *routev[1] = {d->route};
	int err;

	if (!al)
		return ENOMEM;
	al->call = call;
	al->agent = agent;
	list_append(&call->ringing, &al->le, al);
	al->leg.sec = d->sec;
	err = leg_media_open(&al->leg, v, agent_dtmf, al);
	if (!err)
		err = leg_sdp_offer(&al->leg, &offer);
	if (d->trunk && d->trunk->out_from[0])
		re_snprintf(from_uri, sizeof(from_uri), "%s",
		            d->trunk->out_from);
	else
		re_snprintf(from_uri, sizeof(from_uri), "sip:%s@%s",
		            call->from[0] ? call->from : "anonymous",
		            v->p.realm);
	if (!err)
		err = sipsess_connect(
		    &al->leg.sess, v->sess_sock, d->uri,
		    call->display[0] ? call->display : call->from, from_uri,
		    "centralino", routev, d->route[0] ? 1 : 0,
		    "application/sdp", offer, call_trunk_auth, (void *)d->trunk,
		    false, agent_offer_h, agent_answer_h, NULL, agent_estab_h,
		    agent_info_h, agent_refer_h, agent_close_h, al,
		    "%sAllow: INVITE, ACK, BYE, CANCEL, INFO, REFER, "
		    "NOTIFY\r\n",
		    d->headers);
	mem_deref(offer);
	if (err)
		mem_deref(al);
	else if (alp)
		*alp = al;
	return err;
}

/* A registered phone, reached where it registered from (NAT). */
int call_dial_binding(struct call *call, uint32_t agent,
                      const struct binding *b, struct agent_leg **alp)
{
	struct dial d = {.trunk = NULL};
	int err;

	snprintf(d.uri, sizeof(d.uri), "%s", b->uri);
	err = nat_binding_dial(b, d.route, sizeof(d.route), d.headers,
	                       sizeof(d.headers), &d.sec);
	if (err == EPROTO) /* SRTP required: no keys over UDP or TCP */
		log_event(LOG_WARN, "call.media-refused",
		          "contact=%" PRIu64 " agent=%s reason=srtp-required "
		          "transport=%s",
		          call->contact, acd_agent_name(call->v->acd, agent),
		          sip_transp_name(b->tp));
	return err ? err : leg_dial(call, agent, &d, alp);
}

const struct config_trunk *call_trunk_out(const struct call *call)
{
	const struct config *cfg = call->cfg;
	const char *name = acd_tenant_name(call->v->acd, call->tenant);

	for (size_t i = 0; cfg && name && i < cfg->ntrunks; i++) {
		const struct config_trunk *t = &cfg->trunks[i];

		if (t->outbound &&
		    !strcmp(cfg->tenants[t->tenant.index].name, name))
			return t;
	}
	return NULL;
}

/*
 * An outside number through the tenant's outbound trunk. Toll-fraud
 * protection: the number must match dialing.allow, checked here at the
 * moment of dialling whatever the caller of this function checked.
 */
int call_dial_outside(struct call *call, uint32_t agent, const char *number)
{
	return call_dial_outside_leg(call, agent, number, NULL);
}

int call_outside_uri(const struct call *call, const char *number, char *uri,
                     size_t size, const struct config_trunk **tp)
{
	const struct config_trunk *t;
	const char *host;

	if (!call->cfg || !config_dial_allowed(call->cfg, number)) {
		log_event(LOG_WARN, "dial.refused",
		          "number=%s reason=not-in-allow-list contact=%" PRIu64,
		          number, call->contact);
		return EPERM;
	}
	t = call_trunk_out(call);
	if (!t) {
		log_event(LOG_WARN, "dial.refused",
		          "number=%s reason=no-outbound-trunk", number);
		return ENOENT;
	}
	host = strchr(t->uri, ':'); /* sip:host:port -> host:port */
	host = host ? host + 1 : t->uri;
	if (strchr(host, '@'))
		host = strchr(host, '@') + 1;
	if (re_snprintf(uri, size, "%s:%s@%s",
	                strncmp(t->uri, "sips:", 5) ? "sip" : "sips", number,
	                host) < 0)
		return EINVAL;
	*tp = t;
	log_event(LOG_INFO, "dial.outside", "number=%s trunk=%s", number,
	          t->name);
	return 0;
}

int call_dial_outside_leg(struct call *call, uint32_t agent, const char *number,
                          struct agent_leg **alp)
{
	struct dial d = {.route = ""};
	int err =
	    call_outside_uri(call, number, d.uri, sizeof(d.uri), &d.trunk);

	return err ? err : leg_dial(call, agent, &d, alp);
}

unsigned call_ring_bindings(struct call *call, uint32_t agent,
                            const struct phone *ph,
                            void (*each)(struct agent_leg *al, void *arg),
                            void *arg)
{
	unsigned rung = 0;

	for (struct le *le = ph ? ph->bindings.head : NULL; le; le = le->next) {
		struct agent_leg *al = NULL;

		if (call_dial_binding(call, agent, le->data, &al))
			continue;
		if (each)
			each(al, arg);
		rung++;
	}
	return rung;
}

void call_ring_agent(struct call *call, uint32_t agent)
{
	struct voice *v = call->v;
	struct phone *ph = phone_of_agent(v, agent);
	unsigned rung = call_ring_bindings(call, agent, ph, NULL, NULL);

	/* no phone registered: the agent's mobile, if they have one */
	if (ph && !rung && ph->p.outside[0])
		rung += call_dial_outside(call, agent, ph->p.outside) == 0;
	log_event(rung ? LOG_INFO : LOG_WARN,
	          rung ? "call.ringing" : "call.agent-unreachable",
	          "contact=%" PRIu64 " agent=%s phones=%u", call->contact,
	          acd_agent_name(v->acd, agent), rung);
	if (!rung)
		acd_offer_reject(v->acd, call->contact, agent);
}

static void ringing_direct(struct agent_leg *al, void *arg)
{
	(void)arg;
	al->direct = true;
}

int call_ring_direct(struct call *call, uint32_t agent)
{
	struct voice *v = call->v;
	unsigned rung = call_ring_bindings(
	    call, agent, phone_of_agent(v, agent), ringing_direct, NULL);

	log_event(rung ? LOG_INFO : LOG_WARN,
	          rung ? "call.ringing" : "call.agent-unreachable",
	          "contact=%" PRIu64 " agent=%s phones=%u transfer=direct",
	          call->contact, acd_agent_name(v->acd, agent), rung);
	if (!rung)
		return EBUSY;
	call->direct = true;
	call->direct_agent = agent;
	/* not offered anything else while the transfer rings and talks */
	acd_agent_presence(v->acd, agent, ACD_PRESENCE_NOT_READY, "transfer");
	return 0;
}

void call_stop_agent(struct call *call, uint32_t agent)
{
	struct le *le = call->ringing.head;

	while (le) {
		struct agent_leg *al = le->data;

		le = le->next;
		if (al->agent == agent)
			mem_deref(al);
	}
}

/* ---- the caller ------------------------------------------------------ */

static void call_destructor(void *arg)
{
	struct call *call = arg;
	struct voice *v = call->v;

	vtimer_cancel(&call->v->vt, &call->announce);
	xferkeys_stop(call);
	consultq_stop(call, "call-ended");
	vtimer_cancel(&call->v->vt, &call->ring);
	monitor_end(call, "call-ended");
	callrec_stop(call);
	tap_detach(call);
	list_unlink(&call->le);
	list_unlink(&call->tick_le);
	hash_unlink(&call->he);
	list_flush(&call->ringing);
	mem_deref(call->consult);
	if (call->agent) {
		v->st.bridged--;
		mem_deref(call->agent);
	}
	flow_stop(call);
	/* a transfer's target took no other contact meanwhile: now it may */
	if (call->direct &&
	    acd_agent_state(v->acd, call->direct_agent) == ACD_AGENT_NOT_READY)
		acd_agent_presence(v->acd, call->direct_agent,
		                   ACD_PRESENCE_READY, NULL);
	mem_deref(call->oncall);
	call_moh_put(call->moh);
	call->player = mem_deref(call->player);
	call->caller.sess = mem_deref(call->caller.sess);
	leg_media_close(&call->caller);
	config_hold_unref(call->hold);
	v->st.calls--;
}

/* Tell the engine the caller is gone, as it stood. */
static void contact_close(struct call *call, const char *reason)
{
	struct acd *acd = call->v->acd;

	if (!call->contact || call->callback_kept || call->callback_done)
		return; /* a callback keeps its place after the caller left */
	if (call->callback && call->state != CALL_BRIDGED) {
		callback_unreached(call, reason); /* not talking yet */
		return;
	}
	switch (acd_contact_state(acd, call->contact)) {
	case ACD_CONTACT_WAITING:
	case ACD_CONTACT_OFFERED:
	case ACD_CONTACT_SCHEDULED:
		acd_contact_abandon(acd, call->contact);
		break;
	case ACD_CONTACT_CONNECTED:
		acd_contact_end(acd, call->contact);
		break;
	default:
		break;
	}
}

/* The call's record: to the log, and to the channel's owner (the store). */
static void call_record(struct call *call, const char *reason)
{
	struct voice *v = call->v;
	const struct leg *ag = call->agent ? &call->agent->leg : NULL;
	struct voice_cdr cdr = {
	    .contact = call->contact,
	    .tenant = acd_tenant_name(v->acd, call->tenant),
	    .caller = call->from,
	    .number = call->number,
	    .agent = !call->agent ? NULL
	             : call->agent->person
	                 ? call->agent->person
	                 : acd_agent_name(v->acd, call->agent->agent),
	    .reason = reason,
	    .seconds = (tmr_jiffies() - call->started) / 1000,
	    .caller_rtp_rx = call->caller.rx,
	    .caller_rtp_tx = call->caller.tx,
	    .agent_rtp_rx = ag ? ag->rx : 0,
	    .agent_rtp_tx = ag ? ag->tx : 0,
	};

	log_event(LOG_INFO, "call.ended",
	          "contact=%" PRIu64 " from=%s number=%s reason=%s "
	          "seconds=%llu caller_rtp_rx=%llu caller_rtp_tx=%llu "
	          "agent_rtp_rx=%llu agent_rtp_tx=%llu agent=%s",
	          cdr.contact, cdr.caller, cdr.number, reason,
	          (unsigned long long)cdr.seconds,
	          (unsigned long long)cdr.caller_rtp_rx,
	          (unsigned long long)cdr.caller_rtp_tx,
	          (unsigned long long)cdr.agent_rtp_rx,
	          (unsigned long long)cdr.agent_rtp_tx,
	          cdr.agent ? cdr.agent : "-");
	if (v->p.cdrh)
		v->p.cdrh(&cdr, v->p.cdr_arg);
}

void call_hangup(struct call *call, const char *reason)
{
	monitor_end(call, "call-ended");
	callrec_stop(call); /* its row before the call's */
	call_record(call, reason);
	contact_close(call, reason);
	mem_deref(call);
}

static void caller_close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	(void)err;
	(void)msg;
	call->caller.sess = mem_deref(call->caller.sess);
	call_hangup(call, "caller-hangup");
}

static void caller_estab_h(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	(void)msg;
	if (call->established)
		return;
	call->established = true;
	flow_start(call);
}

static void caller_dtmf(struct leg *leg, char key, void *arg)
{
	struct call *call = arg;

	(void)leg;
	if (call->state == CALL_FLOW)
		flow_dtmf(call, key);
	else if (call->state == CALL_QUEUED)
		flow_queued_key(call, key);
}

static int caller_offer_h(struct mbuf **descp, const struct sip_msg *msg,
                          void *arg)
{
	struct call *call = arg;

	return leg_sdp_answer(&call->caller, msg->mb, descp);
}

static void caller_info_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	char key = info_key(msg);

	if (key)
		caller_dtmf(&call->caller, key, call);
	sip_reply(sip, msg, 200, "OK");
}

/* 503 with Retry-After beyond capacity: refuse cleanly, never collapse. */
static bool over_capacity(struct voice *v, const struct sip_msg *msg)
{
	if (v->st.calls < v->p.max_calls)
		return false;
	v->st.calls_refused++;
	sip_replyf(v->sip, msg, 503, "Service Unavailable",
	           "Retry-After: %u\r\nContent-Length: 0\r\n\r\n",
	           v->p.retry_after_s);
	return true;
}

/* 503 while the store cannot record: a call taken now could not be
 * accounted for (journal, record), so it is refused until the store is
 * back, as a chat or an app request is. */
static bool store_down(struct voice *v, const struct sip_msg *msg)
{
	if (!v->p.can_record || v->p.can_record(v->p.record_arg))
		return false;
	v->st.calls_refused++;
	log_event(LOG_WARN, "call.refused", "reason=store-unavailable");
	sip_replyf(v->sip, msg, 503, "Service Unavailable",
	           "Retry-After: %u\r\nContent-Length: 0\r\n\r\n",
	           v->p.retry_after_s);
	return true;
}

static int caller_accept(struct call *call, const struct sip_msg *msg,
                         const struct voice_phone *phone)
{
	struct voice *v = call->v;
	struct mbuf *answer = NULL;
	struct nat_contact nc = {.hdr = NULL};
	int err;

	nat_caller_security(&call->caller.sec, msg, phone);
	err = leg_media_open(&call->caller, v, caller_dtmf, call);
	if (!err)
		err = leg_sdp_answer(&call->caller, msg->mb, &answer);
	if (err) {
		if (call->caller.sec.srtp_required)
			log_event(LOG_WARN, "call.media-refused",
			          "user=%s reason=srtp-required offer=plain "
			          "status=488",
			          phone->user);
		sip_reply(v->sip, msg, 488, "Not Acceptable Here");
		return err;
	}
	if (leg_srtp_active(&call->caller))
		log_event(LOG_INFO, "call.media-secured",
		          "from=%s number=%s srtp=%s", call->from, call->number,
		          leg_srtp_suite(&call->caller));
	if (phone) /* behind a router: our BYE must reach it */
		nat_contact_fix(&nc, msg);
	err = sipsess_accept(&call->caller.sess, v->sess_sock, msg, 200, "OK",
	                     "centralino", "application/sdp", answer, NULL,
	                     NULL, false, caller_offer_h, NULL, caller_estab_h,
	                     caller_info_h, NULL, caller_close_h, call,
	                     "Allow: INVITE, ACK, BYE, CANCEL, INFO\r\n");
	nat_contact_restore(&nc);
	mem_deref(answer);
	if (err)
		sip_reply(v->sip, msg, 500, "Server Error");
	return err;
}

struct call *call_new(struct voice *v, uint32_t tenant)
{
	struct call *call = mem_zalloc(sizeof(*call), call_destructor);

	if (!call)
		return NULL;
	call->v = v;
	call->hold = config_hold_ref(v->hold);
	call->cfg = v->cfg;
	call->started = tmr_jiffies();
	call->tenant = tenant;
	list_init(&call->ringing);
	list_append(&v->call_list, &call->le, call);
	list_append(&v->tick_calls[call_slot(call)], &call->tick_le, call);
	v->st.calls++;
	v->st.calls_total++;
	return call;
}

void call_incoming(const struct sip_msg *msg, void *arg)
{
	struct voice *v = arg;
	struct call *call;
	const struct flow_route *route;

	if (over_capacity(v, msg) || store_down(v, msg))
		return;
	route = flow_route(v, msg);
	if (!route) /* flow_route replied: 403, 404 or a challenge */
		return;
	/* a feature code: the agent's own tenant */
	call = call_new(v, route->say ? ACD_NONE : route->tenant);
	if (!call) {
		sip_reply(v->sip, msg, 500, "Server Error");
		return;
	}
	pl_strcpy(&msg->from.uri.user, call->from, sizeof(call->from));
	pl_strcpy(&msg->uri.user, call->number, sizeof(call->number));
	if (flow_attach(call, route)) {
		sip_reply(v->sip, msg, 500, "Server Error");
		mem_deref(call);
		return;
	}
	if (caller_accept(call, msg, route->phone)) { /* it replied */
		mem_deref(call);
		return;
	}
	log_event(LOG_INFO, "call.incoming", "from=%s number=%s tenant=%s",
	          call->from, call->number,
	          acd_tenant_name(v->acd, call->tenant));
}

/* ---- queue ----------------------------------------------------------- */

static void announce_h(void *arg);
static void call_adopt(struct call *call, uint64_t contact);

int call_enqueue(struct call *call, const struct acd_contact_params *p,
                 unsigned announce_s)
{
	struct voice *v = call->v;
	struct acd_contact_params q = *p;
	int err;

	q.user = call;
	call->state = CALL_QUEUED;
	call->queue = p->queue;
	/* the engine's first events arrive before acd_contact_add returns:
	 * voice_engine_event() adopts the contact for the call entering */
	v->entering = call;
	err = acd_contact_add(v->acd, &q, &call->contact);
	v->entering = NULL;
	if (err)
		return err;
	call_adopt(call, call->contact);
	if (announce_s)
		vtimer_start(&v->vt, &call->announce, announce_s * 1000ULL,
		             announce_h, call);
	return 0;
}

static void announce_h(void *arg)
{
	struct call *call = arg;

	flow_announce(call);
}

void call_announce_in(struct call *call, uint64_t ms)
{
	vtimer_start(&call->v->vt, &call->announce, ms, announce_h, call);
}

/* ---- media tick ------------------------------------------------------ */

/*
 * Music on hold is shared: every caller holding on the same clip hears
 * the same stream, as Asterisk's music classes do, so a frame of music is
 * mixed and encoded once per tick for all of them; a caller hears their
 * own audio (prompts, announcements) only while their player has some.
 */
struct moh {
	struct le le; /* in voice->moh */
	struct media_clip *clip;
	size_t pos;
	unsigned listeners;
	bool encoded;
	uint8_t law[2][LEG_FRAME]; /* PCMU, PCMA */
};

static void moh_destructor(void *arg)
{
	struct moh *m = arg;

	list_unlink(&m->le);
	mem_deref(m->clip);
}

/* Hold the shared stream of clip; NULL when out of memory. */
struct moh *call_moh_get(struct voice *v, struct media_clip *clip)
{
	struct moh *m;

	for (struct le *le = v->moh.head; le; le = le->next) {
		m = le->data;
		if (m->clip == clip) {
			m->listeners++;
			return mem_ref(m);
		}
	}
	m = mem_zalloc(sizeof(*m), moh_destructor);
	if (!m)
		return NULL;
	m->clip = mem_ref(clip);
	m->listeners = 1;
	list_append(&v->moh, &m->le, m);
	return m;
}

void call_moh_put(struct moh *m)
{
	if (!m)
		return;
	m->listeners--;
	mem_deref(m);
}

static void moh_advance(struct voice *v)
{
	for (struct le *le = v->moh.head; le; le = le->next) {
		struct moh *m = le->data;

		m->encoded = false;
		if (m->clip->count)
			m->pos = (m->pos + LEG_FRAME) % m->clip->count;
	}
}

static const uint8_t *moh_frame(struct moh *m, int pt)
{
	if (!m->encoded) {
		int16_t pcm[LEG_FRAME];
		const struct media_clip *c = m->clip;

		for (size_t i = 0; i < LEG_FRAME; i++)
			pcm[i] =
			    c->count ? c->samples[(m->pos + i) % c->count] : 0;
		media_ulaw_encode(m->law[0], pcm, LEG_FRAME);
		media_alaw_encode(m->law[1], pcm, LEG_FRAME);
		m->encoded = true;
	}
	return m->law[pt == 0 ? 0 : 1];
}

static void call_media_frame(struct call *call)
{
	int16_t pcm[LEG_FRAME];

	if (!media_player_busy(call->player) && call->moh) {
		leg_send_payload(&call->caller,
		                 moh_frame(call->moh, call->caller.pt));
		return;
	}
	media_player_frame(call->player, pcm);
	leg_send_pcm(&call->caller, pcm);
}

/* The frames of one slot's calls, sent in one batch. */
static void tick_slot(struct voice *v, unsigned slot)
{
	if (slot == 0)
		moh_advance(v); /* the next 20 ms of music, for every slot */
	for (struct le *le = v->tick_calls[slot].head; le;) {
		struct call *call = le->data;

		le = le->next; /* the call may end below */
		if (call->oncall && call->state == CALL_FORWARDING)
			oncall_media(call); /* screening prompts */
		/* a callback: the agent hears the prompt, then ringing */
		if (call->callback && call->state == CALL_DIALING) {
			callback_media(call);
			continue;
		}
		if (call->announcing && !media_player_busy(call->player))
			announced(call);
		if (call->tap && call->state == CALL_BRIDGED && call->agent &&
		    !call->announcing)
			tap_tick(call); /* recorder, supervisor */
		if ((call->state == CALL_BRIDGED && !call->held &&
		     !call->announcing) ||
		    !call->player || !call->established)
			continue;
		call_media_frame(call);
		if ((call->held || call->announcing) && call->agent)
			call_silence(&call->agent->leg);
		if (call->state == CALL_CLOSING &&
		    !media_player_busy(call->player))
			flow_finished(call);
	}
	txq_flush(v->txq);
}

/*
 * One timer for every call, corrected for drift: a timer per call would
 * cost thousands of timers for nothing. It fires every 5 ms for one slot
 * (a quarter) of the calls, so that a tick's work and its burst of
 * packets are a quarter of the whole: at 2,000 callers one burst of
 * 2,000 sends took about 10 ms of CPU, long enough for the scheduler to
 * cut it on a busy machine and for the last calls' packets to leave late.
 * A late tick sends the frames that are due (up to 100 ms of them), so a
 * busy loop delays audio a little instead of losing it; beyond that it
 * skips ahead.
 */
static void tick_h(void *arg)
{
	struct voice *v = arg;
	uint64_t now = tmr_jiffies();
	unsigned steps = 0;

	while (v->tick_next <= now && steps++ < 5 * TICK_SLOTS) {
		tick_slot(v, v->tick_slot);
		v->tick_slot = (v->tick_slot + 1) % TICK_SLOTS;
		v->tick_next += SLOT_MS;
	}
	if (v->tick_next <= now)
		v->tick_next = now + SLOT_MS;
	now = tmr_jiffies(); /* the work took time: aim at the next slot */
	tmr_start(&v->tick, v->tick_next > now ? v->tick_next - now : 0, tick_h,
	          v);
}

int call_media_start(struct voice *v)
{
	int err = txq_alloc(&v->txq, TXQ_BATCH, false);

	if (err)
		return err;
	v->tick_slot = 0;
	v->tick_next = tmr_jiffies() + SLOT_MS;
	tmr_start(&v->tick, SLOT_MS, tick_h, v);
	return 0;
}

void call_media_stop(struct voice *v)
{
	tmr_cancel(&v->tick);
	v->txq = mem_deref(v->txq);
}

void calls_flush(struct voice *v)
{
	struct le *le = v->call_list.head;

	while (le) {
		struct call *call = le->data;

		le = le->next;
		call_hangup(call, "shutdown");
	}
}

/* ---- engine events --------------------------------------------------- */

static void call_adopt(struct call *call, uint64_t contact)
{
	if (call->he.list || call->state != CALL_QUEUED)
		return;
	call->contact = contact;
	hash_append(call->v->calls, (uint32_t)contact, &call->he, call);
}

void voice_engine_event(struct voice *v, const struct acd_event *ev)
{
	struct call *call;

	if (ev->channel == ACD_CH_CALLBACK && callback_engine_event(v, ev))
		return; /* calling a callback back (callback.c) */
	/* a call's events; a callback called back is one once its customer
	 * answered (a transfer to a queue offers it again) */
	if (ev->channel != ACD_CH_VOICE &&
	    ev->type != ACD_EV_CALLBACK_SCHEDULED &&
	    !call_by_contact(v, ev->contact))
		return;
	if (v->entering && ev->user == v->entering)
		call_adopt(v->entering, ev->contact);
	if (ev->channel == ACD_CH_VOICE && consultq_engine_event(v, ev))
		return; /* an attended transfer's consultation of a queue */
	call = call_by_contact(v, ev->contact);
	if (!call)
		return;
	switch (ev->type) {
	case ACD_EV_CONTACT_OFFERED:
		call_ring_agent(call, ev->agent);
		break;
	case ACD_EV_OFFER_TIMEOUT:
	case ACD_EV_OFFER_WITHDRAWN:
		if (!call->agent || call->agent->agent != ev->agent)
			call_stop_agent(call, ev->agent);
		break;
	case ACD_EV_CONTACT_FALLBACK:
		if (ev->fallback->action != ACD_ACTION_CALLBACK)
			hash_unlink(&call->he);
		flow_fallback(call, ev->fallback, ev->queue);
		break;
	case ACD_EV_CALLBACK_SCHEDULED:
		/* the engine keeps the place; the caller may hang up */
		call->callback_kept = true;
		hash_unlink(&call->he);
		flow_callback_scheduled(call);
		break;
	default:
		break;
	}
}
