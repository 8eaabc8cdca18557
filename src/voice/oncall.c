/*
 * oncall.c - a rota's number answered (see oncall.h).
 *
 * The caller hears ringing while the people the rota calls today
 * (rota_day(): those on duty, then the escalation chain) are dialled
 * through the tenant's outbound trunk, where call_dial_outside() holds
 * them to dialing.allow: one after another for ring_time each, or (ring:
 * simultaneous) those on duty all at once, then the escalation one by
 * one. A person who answers is screened: they hear "call from the ...
 * line, press 1 to accept" and only a 1 within screen_time bridges them
 * to the caller. A mobile's voicemail presses nothing, so it is hung up
 * and the next person is called, as is anybody who presses another key
 * or hangs up. When nobody accepted: the rota's voicemail, or a message.
 *
 * Rejected: treating the 200 OK as the answer (a voicemail answers too)
 * and detecting a voicemail by its audio (guesswork that a silent
 * person defeats); a key is the one proof that a person took the call.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"
#include "media/media.h"
#include "rota/rota.h"
#include "voice/call.h"
#include "voice/flow.h"
#include "voice/oncall.h"
#include "voice/voice_int.h"

struct oncall {
	struct call *call;
	const struct config_rota *rota; /* in the call's configuration */
	struct rota_day day;
	unsigned next;       /* position in day.chain of the next to call */
	unsigned tried;      /* people dialled */
	struct vtimer ring;  /* the current round's ring_time */
	struct vtimer later; /* the next round, out of SIP's handlers */
};

/* A person who answered, being screened: owned by their agent leg. */
struct screen {
	struct voice *v;
	struct agent_leg *al;
	struct media_player *player;
	struct vtimer tmr; /* screen_time, then the key's outcome */
	char key;          /* the key pressed; 0 none yet */
};

static const char *const screen_words[] = {
    "Chiamata dalla linea %s. Prema 1 per accettare.",
    "Llamada de la línea %s. Pulse 1 para aceptar.",
    "Call from the %s line. Press 1 to accept.",
};

static const char *const exhausted_words[] = {
    ("Nessuno ha potuto rispondere alla sua chiamata. Riprovi più tardi. "
     "Arrivederci."),
    "Nadie ha podido atender su llamada. Inténtelo más tarde. Adiós.",
    "Nobody could take your call. Please try again later. Goodbye.",
};

static const char *words(const struct config_rota *r, const char *const w[3])
{
	return r->language == CONFIG_LANG_IT   ? w[0]
	       : r->language == CONFIG_LANG_ES ? w[1]
	                                       : w[2];
}

static const char *lang(const struct config_rota *r)
{
	return r->language == CONFIG_LANG_NONE
	           ? "en"
	           : config_language_name(r->language);
}

static void oncall_destructor(void *arg)
{
	struct oncall *oc = arg;
	struct voice *v = oc->call->v;

	vtimer_cancel(&v->vt, &oc->ring);
	vtimer_cancel(&v->vt, &oc->later);
}

int oncall_alloc(struct call *call, const struct config_rota *r)
{
	struct oncall *oc = mem_zalloc(sizeof(*oc), oncall_destructor);

	if (!oc)
		return ENOMEM;
	oc->call = call;
	oc->rota = r;
	call->oncall = oc;
	return 0;
}

static void screen_destructor(void *arg)
{
	struct screen *s = arg;

	vtimer_cancel(&s->v->vt, &s->tmr);
	mem_deref(s->player);
}

/* ---- rounds ---------------------------------------------------------- */

static void round_next(struct oncall *oc);

static void later_h(void *arg)
{
	struct oncall *oc = arg;

	if (oc->call->state == CALL_FORWARDING &&
	    list_isempty(&oc->call->ringing))
		round_next(oc);
}

/* A leg is gone: when none of the round is left, the next round (on the
 * next turn of the loop, never inside a SIP or RTP handler). */
static void round_check(struct oncall *oc)
{
	struct voice *v = oc->call->v;

	if (!list_isempty(&oc->call->ringing))
		return;
	vtimer_cancel(&v->vt, &oc->ring);
	vtimer_start(&v->vt, &oc->later, 0, later_h, oc);
}

/* Those of today's chain who are on duty (the chain's first entries). */
static unsigned on_duty(const struct oncall *oc)
{
	unsigned k = 0;

	for (; k < oc->day.nchain; k++) {
		bool duty = false;

		for (unsigned i = 0; i < oc->day.duty.n; i++)
			duty |= oc->day.duty.who[i] == oc->day.chain[k];
		if (!duty)
			break;
	}
	return k;
}

static void screen_key(struct leg *leg, char key, void *arg);

/* Dial one person; false when they cannot be reached at all. */
static bool dial_person(struct oncall *oc, unsigned who)
{
	const struct config_rota_person *p = &oc->rota->people[who];
	struct agent_leg *al = NULL;
	int err;

	oc->tried++;
	log_event(LOG_INFO, "rota.calling", "rota=%s person=%s number=%s",
	          oc->rota->name, p->name, p->number);
	err = call_dial_outside_leg(oc->call, ACD_NONE, p->number, &al);
	if (err) {
		log_event(LOG_WARN, "rota.unreachable",
		          "rota=%s person=%s error=%s", oc->rota->name, p->name,
		          strerror(err));
		return false;
	}
	al->person = p->name;
	/* set before the answer's SDP: a phone without RFC 4733 gets an
	 * in-band detector */
	al->leg.dtmfh = screen_key;
	return true;
}

static void exhausted(struct oncall *oc)
{
	struct call *call = oc->call;
	const struct config_rota *r = oc->rota;

	log_event(LOG_INFO, "rota.exhausted",
	          "rota=%s tried=%u from=%s fallback=%s", r->name, oc->tried,
	          call->from,
	          r->voicemail.index != SIZE_MAX ? "voicemail" : "message");
	call_moh_put(call->moh);
	call->moh = NULL;
	if (r->voicemail.index != SIZE_MAX)
		flow_voicemail(
		    call,
		    acd_queue_find(call->v->acd, call->tenant,
		                   call->cfg->queues[r->voicemail.index].name));
	else
		flow_message(call, words(r, exhausted_words));
}

static void ring_timeout(void *arg);

/* Call the next person (or, the first time with ring: simultaneous,
 * everybody on duty); nobody left: the fallback. */
static void round_next(struct oncall *oc)
{
	struct voice *v = oc->call->v;
	unsigned dialled = 0;

	while (!dialled && oc->next < oc->day.nchain) {
		unsigned n = 1;

		if (oc->rota->simultaneous && oc->next == 0 && on_duty(oc))
			n = on_duty(oc);
		for (unsigned i = 0; i < n && oc->next < oc->day.nchain; i++)
			dialled += dial_person(oc, oc->day.chain[oc->next++]);
	}
	if (!dialled) {
		exhausted(oc);
		return;
	}
	vtimer_start(&v->vt, &oc->ring, (uint64_t)oc->rota->ring_time,
	             ring_timeout, oc);
}

/* ring_time is over: the phones still ringing stop; those answered go
 * on being screened. */
static void ring_timeout(void *arg)
{
	struct oncall *oc = arg;
	struct le *le = oc->call->ringing.head;

	while (le) {
		struct agent_leg *al = le->data;

		le = le->next;
		if (al->answered)
			continue;
		log_event(LOG_INFO, "rota.no-answer", "rota=%s person=%s",
		          oc->rota->name, al->person);
		mem_deref(al); /* CANCEL */
	}
	round_check(oc);
}

void oncall_start(struct call *call)
{
	struct oncall *oc = call->oncall;
	struct voice *v = call->v;
	int err;

	err = rota_day(oc->rota, v->p.store, time(NULL), 0, &oc->day);
	if (err)
		log_event(LOG_WARN, "rota.store-failed",
		          "rota=%s error=%s note=\"the file's duty applies\"",
		          oc->rota->name, strerror(err));
	log_event(LOG_INFO, "rota.call",
	          "rota=%s tenant=%s from=%s date=%s source=%s people=%u",
	          oc->rota->name, acd_tenant_name(v->acd, call->tenant),
	          call->from, oc->day.date, rota_source_name(oc->day.source),
	          oc->day.nchain);
	call->state = CALL_FORWARDING;
	if (!v->ringback) /* the caller hears ringing meanwhile */
		media_tone_clip(&v->ringback, MEDIA_TONE_RINGBACK);
	call->moh = call_moh_get(v, v->ringback);
	round_next(oc);
}

/* ---- screening ------------------------------------------------------- */

static void drop(struct agent_leg *al)
{
	struct oncall *oc = al->call->oncall;

	mem_deref(al); /* BYE */
	round_check(oc);
}

static void screen_timeout(void *arg)
{
	struct screen *s = arg;
	struct agent_leg *al = s->al;

	log_event(LOG_INFO, "rota.screen-timeout", "rota=%s person=%s",
	          al->call->oncall->rota->name, al->person);
	drop(al);
}

static void accept_person(struct agent_leg *al)
{
	struct call *call = al->call;
	struct oncall *oc = call->oncall;

	log_event(LOG_INFO, "rota.screen-accepted", "rota=%s person=%s",
	          oc->rota->name, al->person);
	al->leg.dtmfh = NULL;
	al->screen = mem_deref(al->screen);
	vtimer_cancel(&call->v->vt, &oc->ring);
	call_moh_put(call->moh);
	call->moh = NULL;
	call_bridge_leg(call, al); /* the others ringing: CANCEL */
	log_event(LOG_INFO, "rota.bridged", "rota=%s person=%s from=%s",
	          oc->rota->name, al->person, call->from);
}

/* A key's outcome, out of the RTP handler that heard it. */
static void screen_outcome(void *arg)
{
	struct screen *s = arg;
	struct agent_leg *al = s->al;

	if (s->key == '1') {
		accept_person(al);
		return;
	}
	log_event(LOG_INFO, "rota.screen-refused", "rota=%s person=%s key=%c",
	          al->call->oncall->rota->name, al->person, s->key);
	drop(al);
}

static void screen_key(struct leg *leg, char key, void *arg)
{
	struct agent_leg *al = arg;
	struct screen *s = al->screen;

	if (!s || s->key) /* before the answer, or already decided */
		return;
	s->key = key;
	leg->dtmfh = NULL;
	vtimer_start(&s->v->vt, &s->tmr, 0, screen_outcome, s);
}

void oncall_answered(struct agent_leg *al)
{
	struct call *call = al->call;
	struct oncall *oc = call->oncall;
	struct voice *v = call->v;
	struct media_clip *clip = NULL;
	struct screen *s;
	char text[256];

	if (call->state != CALL_FORWARDING || al->screen) {
		mem_deref(al); /* too late: bridged or given up */
		return;
	}
	s = mem_zalloc(sizeof(*s), screen_destructor);
	if (!s || media_player_alloc(&s->player)) {
		mem_deref(s);
		drop(al);
		return;
	}
	s->v = v;
	s->al = al;
	al->screen = s;
	snprintf(text, sizeof(text), words(oc->rota, screen_words),
	         oc->rota->name);
	if (!media_prompts_text(v->prompts, &clip, text, lang(oc->rota))) {
		media_player_play(s->player, clip); /* said twice */
		media_player_play(s->player, clip);
	}
	mem_deref(clip);
	vtimer_start(&v->vt, &s->tmr, (uint64_t)oc->rota->screen_time,
	             screen_timeout, s);
	log_event(LOG_INFO, "rota.screening", "rota=%s person=%s",
	          oc->rota->name, al->person);
}

void oncall_leg_closed(struct agent_leg *al, const struct sip_msg *msg)
{
	struct oncall *oc = al->call->oncall;

	log_event(
	    LOG_INFO, al->answered ? "rota.screen-refused" : "rota.no-answer",
	    "rota=%s person=%s reason=%s status=%u", oc->rota->name, al->person,
	    al->answered ? "hangup" : "refused", msg ? msg->scode : 0);
	drop(al);
}

void oncall_media(struct call *call)
{
	int16_t pcm[LEG_FRAME];

	for (struct le *le = call->ringing.head; le; le = le->next) {
		struct agent_leg *al = le->data;

		if (!al->screen || !al->answered)
			continue;
		media_player_frame(al->screen->player, pcm);
		leg_send_pcm(&al->leg, pcm);
	}
}
