/*
 * flow.c - the IVR interpreter (see flow.h).
 *
 * A flow is a set of named nodes, each a list of actions; a call runs one
 * action after another. Prompts are queued on the call's player and play
 * in order, so a run of actions does not wait for them, except a menu
 * (its timeout starts once its prompt has played) and a hang-up (the last
 * words are heard first).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"
#include "desk/desk.h"
#include "media/media.h"
#include "voice/call.h"
#include "voice/flow.h"
#include "voice/oncall.h"
#include "voice/record.h"
#include "voice/srtp.h"
#include "voice/voice_int.h"

#define FLOW_MAX_STEPS 256 /* actions run without waiting, at most */

struct flow_run {
	struct call *call;
	const struct config_flow *flow;
	size_t node, action;
	const struct config_action *menu; /* the menu waiting for a key */
	unsigned tries;
	struct vtimer tmr;
	char typed; /* a key pressed before its menu was reached */
	enum config_language lang;
	struct acd_contact_params params;
	char attributes[128];
	const char *say;    /* no flow: say this and hang up */
	struct record *rec; /* a voicemail being recorded */
	uint32_t vm_queue;
	acd_time_t vm_max;
};

static const char *lang_of(const struct flow_run *fr)
{
	const char *s = config_language_name(fr->lang);

	return *s ? s : "en";
}

static void flow_destructor(void *arg)
{
	struct flow_run *fr = arg;

	vtimer_cancel(&fr->call->v->vt, &fr->tmr);
}

/* ---- routing an INVITE --------------------------------------------- */

static const struct config_trunk *trunk_of(struct voice *v,
                                           const struct sip_msg *msg)
{
	char ip[64];

	sa_ntop(&msg->src, ip, sizeof(ip));
	return config_trunk_match(v->cfg, ip);
}

static const char *const feature_words[3][3] = {
    {"Pronto.", "Listo.", "Ready."},
    {"Non pronto.", "No disponible.", "Not ready."},
    {"Disconnesso.", "Desconectado.", "Logged out."},
};

/* An agent dialled a feature code from their phone: ready, not ready,
 * log out. Anything else from a phone is refused. */
static const struct flow_route *feature_code(struct voice *v,
                                             const struct sip_msg *msg,
                                             const char *user,
                                             struct flow_route *route)
{
	const struct config_features *fc = &v->cfg->features;
	const char *codes[3] = {fc->ready, fc->not_ready, fc->logout};
	static const enum acd_presence presence[3] = {
	    ACD_PRESENCE_READY, ACD_PRESENCE_NOT_READY, ACD_PRESENCE_OFFLINE};
	struct phone *ph = phone_find(v, user);

	if (ph && !srtp_offer_allowed(msg, &ph->p)) { /* before any effect */
		log_event(LOG_WARN, "call.media-refused",
		          "user=%s reason=srtp-required offer=plain status=488",
		          user);
		sip_reply(v->sip, msg, 488, "Not Acceptable Here");
		return NULL;
	}
	for (int i = 0; ph && i < 3; i++) {
		if (!codes[i][0] || pl_strcmp(&msg->uri.user, codes[i]))
			continue;
		acd_agent_presence(v->acd, ph->p.agent, presence[i],
		                   i == 1 ? "phone" : NULL);
		log_event(LOG_INFO, "sip.feature-code", "user=%s code=%s", user,
		          codes[i]);
		memset(route, 0, sizeof(*route));
		route->flow = SIZE_MAX;
		route->say = feature_words[i][2]; /* prompts in English */
		route->rota = NULL;
		route->phone = &ph->p;
		return route;
	}
	sip_reply(v->sip, msg, 403, "Forbidden");
	return NULL;
}

const struct flow_route *flow_route(struct voice *v, const struct sip_msg *msg)
{
	static struct flow_route route;
	const struct config_trunk *trunk = NULL;
	const struct config_number *num;
	char number[64], user[128];

	if (!v->cfg)
		return NULL;
	if (!trunk_of(v, msg)) {
		/* not a trunk's address: a trunk's credentials, or an agent's
		 * phone, must prove who it is */
		if (!voice_auth(v, msg, true, user, sizeof(user)))
			return NULL;
		trunk =
		    phone_find(v, user) ? NULL : voice_trunk_by_user(v, user);
		if (!trunk)
			return feature_code(v, msg, user, &route);
	}
	route.say = NULL;
	route.phone = NULL;
	pl_strcpy(&msg->uri.user, number, sizeof(number));
	num = config_number_find(v->cfg, number);
	/* a trunk known by its credentials reaches its own tenant only */
	if (num && trunk && trunk->tenant.index != num->tenant.index)
		num = NULL;
	route.rota =
	    num && num->rota[0]
	        ? config_rota_find(v->cfg, num->tenant.index, num->rota)
	        : NULL;
	if (!num || (num->flow.index == SIZE_MAX && !route.rota)) {
		v->st.calls_refused++;
		sip_reply(v->sip, msg, 404, "Not Found");
		return NULL;
	}
	route.tenant =
	    acd_tenant_find(v->acd, v->cfg->tenants[num->tenant.index].name);
	route.flow = route.rota ? SIZE_MAX : num->flow.index;
	route.number = (size_t)(num - v->cfg->numbers);
	return &route;
}

int flow_attach(struct call *call, const struct flow_route *route)
{
	struct flow_run *fr = mem_zalloc(sizeof(*fr), flow_destructor);
	int err;

	if (!fr)
		return ENOMEM;
	fr->call = call;
	fr->say = route->say;
	if (route->flow != SIZE_MAX) {
		fr->flow = &call->cfg->flows[route->flow];
		fr->node = fr->flow->start.index;
		fr->lang = fr->flow->language;
	}
	fr->params.channel = ACD_CH_VOICE;
	call->flow = fr;
	err = media_player_alloc(&call->player);
	if (!err && route->rota) {
		fr->lang = route->rota->language;
		err = oncall_alloc(call, route->rota);
	}
	return err;
}

/* ---- prompts ------------------------------------------------------- */

static int say(struct flow_run *fr, const struct config_prompt *p)
{
	struct voice *v = fr->call->v;
	struct media_clip *clip = NULL;
	int err;

	if (!p->given)
		return 0;
	if (p->is_file) {
		err = media_prompts_file(v->prompts, &clip, p->text);
	} else {
		const char *lang = p->language != CONFIG_LANG_NONE
		                       ? config_language_name(p->language)
		                       : lang_of(fr);

		err = media_prompts_text(v->prompts, &clip, p->text, lang);
	}
	if (!err)
		err = media_player_play(fr->call->player, clip);
	mem_deref(clip);
	if (err)
		log_event(LOG_WARN, "flow.prompt-failed", "flow=%s error=%s",
		          fr->flow ? fr->flow->name : "-", strerror(err));
	return err;
}

static void say_text(struct flow_run *fr, const char *text)
{
	struct config_prompt p = {.given = true};

	snprintf(p.text, sizeof(p.text), "%s", text);
	say(fr, &p);
}

/* ---- running -------------------------------------------------------- */

static void run(struct flow_run *fr);

static void jump(struct flow_run *fr, size_t node)
{
	fr->node = node;
	fr->action = 0;
	fr->menu = NULL;
}

static void closing(struct call *call)
{
	call->state = CALL_CLOSING;
}

static void menu_timeout(void *arg);

/* The menu's prompt has played: now the caller has timeout to answer. */
static void menu_wait(void *arg)
{
	struct flow_run *fr = arg;

	if (media_player_busy(fr->call->player)) {
		vtimer_start(&fr->call->v->vt, &fr->tmr, 100, menu_wait, fr);
		return;
	}
	vtimer_start(&fr->call->v->vt, &fr->tmr, (uint64_t)fr->menu->timeout,
	             menu_timeout, fr);
}

static void menu_prompt(struct flow_run *fr)
{
	say(fr, &fr->menu->prompt);
	vtimer_start(&fr->call->v->vt, &fr->tmr, 100, menu_wait, fr);
}

static void menu_give_up(struct flow_run *fr)
{
	const struct config_action *m = fr->menu;

	if (m->node.index != SIZE_MAX) {
		jump(fr, m->node.index);
		run(fr);
	} else {
		fr->menu = NULL;
		closing(fr->call);
	}
}

static void menu_timeout(void *arg)
{
	struct flow_run *fr = arg;

	if (++fr->tries > fr->menu->retries) {
		menu_give_up(fr);
		return;
	}
	menu_prompt(fr);
}

static void menu_key(struct flow_run *fr, char key)
{
	const struct config_action *m = fr->menu;

	vtimer_cancel(&fr->call->v->vt, &fr->tmr);
	for (unsigned i = 0; i < m->noptions; i++) {
		if (m->options[i].key != key)
			continue;
		media_player_interrupt(fr->call->player);
		snprintf(fr->attributes + strlen(fr->attributes),
		         sizeof(fr->attributes) - strlen(fr->attributes),
		         "%smenu=%c", fr->attributes[0] ? ";" : "", key);
		log_event(LOG_INFO, "flow.menu-choice",
		          "flow=%s node=%s key=%c", fr->flow->name,
		          fr->flow->nodes[fr->node].name, key);
		jump(fr, m->options[i].node.index);
		run(fr);
		return;
	}
	media_player_interrupt(fr->call->player);
	say(fr, &m->invalid);
	if (++fr->tries > m->retries) {
		menu_give_up(fr);
		return;
	}
	menu_prompt(fr);
}

static void set_contact(struct flow_run *fr, const struct config_action *a)
{
	const struct config *cfg = fr->call->cfg;
	struct acd *acd = fr->call->v->acd;

	for (unsigned i = 0; i < a->nskills; i++) {
		struct acd_skill_req *r = NULL;
		uint32_t skill = acd_skill_find(
		    acd, cfg->skills[a->skills[i].skill.index].name);

		for (unsigned j = 0; j < fr->params.nreqs && !r; j++) {
			if (fr->params.reqs[j].skill == skill)
				r = &fr->params.reqs[j];
		}
		if (!r && fr->params.nreqs < ACD_MAX_REQS)
			r = &fr->params.reqs[fr->params.nreqs++];
		if (r) {
			r->skill = skill;
			r->min_proficiency =
			    (uint8_t)a->skills[i].min_proficiency;
		}
	}
	if (a->has_priority)
		fr->params.priority = a->priority;
	if (a->language != CONFIG_LANG_NONE)
		fr->lang = a->language;
}

static void music_start(struct flow_run *fr, const struct config_action *a)
{
	struct call *call = fr->call;
	struct voice *v = call->v;
	struct media_clip *clip = NULL;
	int err = ENOENT;

	if (a->music.index != SIZE_MAX)
		err = media_prompts_file(
		    v->prompts, &clip,
		    call->cfg->prompts_music[a->music.index].path);
	if (err && !v->ringback) /* no music: ringing, not silence */
		media_tone_clip(&v->ringback, MEDIA_TONE_RINGBACK);
	call_moh_put(call->moh);
	call->moh = call_moh_get(v, err ? v->ringback : clip);
	mem_deref(clip);
}

static void music_stop(struct call *call)
{
	call_moh_put(call->moh);
	call->moh = NULL;
}

static const char *words(const struct flow_run *fr, const char *const v[3]);

const char *flow_recorded_words(const char *lang)
{
	static const char *const recorded_words[] = {
	    "Questa chiamata viene registrata.",
	    "Esta llamada está siendo grabada.",
	    "This call is recorded.",
	};

	return recorded_words[!strcmp(lang, "it")   ? 0
	                      : !strcmp(lang, "es") ? 1
	                                            : 2];
}

/* A queue that records: the caller hears so before anything else, and
 * the bridge to an agent waits until they have (call.c). */
static void record_announce(struct flow_run *fr, const struct config_queue *q)
{
	struct call *call = fr->call;

	if (!q->record || call->recorded)
		return;
	if (q->record_announce.given)
		say(fr, &q->record_announce);
	else
		say_text(fr, flow_recorded_words(lang_of(fr)));
	call->recorded = true;
	call->announcing = media_player_busy(call->player);
}

static bool enqueue(struct flow_run *fr, const struct config_action *a)
{
	struct call *call = fr->call;
	const struct config *cfg = call->cfg;
	uint32_t queue = acd_queue_find(call->v->acd, call->tenant,
	                                cfg->queues[a->queue.index].name);
	int err;

	snprintf(fr->attributes + strlen(fr->attributes),
	         sizeof(fr->attributes) - strlen(fr->attributes),
	         "%slang=%s;from=%s", fr->attributes[0] ? ";" : "", lang_of(fr),
	         call->from);
	fr->params.queue = queue;
	fr->params.attributes = fr->attributes;
	record_announce(fr, &cfg->queues[a->queue.index]);
	music_start(fr, a);
	err = call_enqueue(call, &fr->params, (unsigned)(a->announce / 1000));
	if (err) {
		log_event(LOG_ERROR, "flow.enqueue-failed", "queue=%s error=%s",
		          cfg->queues[a->queue.index].name, strerror(err));
		closing(call);
		return false;
	}
	return true;
}

/* ---- voicemail ----------------------------------------------------- */

static const char *const vm_intro[] = {
    "Lasci un messaggio dopo il segnale acustico. Al termine prema "
    "cancelletto o riattacchi.",
    "Deje su mensaje después de la señal. Al terminar pulse almohadilla "
    "o cuelgue.",
    "Please leave a message after the tone. When you are done, press the "
    "hash key or hang up.",
};

static const char *const vm_thanks[] = {
    "Grazie, il suo messaggio è stato registrato. Arrivederci.",
    "Gracias, su mensaje ha sido grabado. Adiós.",
    "Thank you, your message has been recorded. Goodbye.",
};

/* s as the inside of a JSON string: quotes, backslashes and controls
 * escaped (a caller id is the caller's to choose). */
static const char *json_text(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 7 < size; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			n += (size_t)snprintf(buf + n, size - n, "\\%c", ch);
		else if (ch < 0x20)
			n += (size_t)snprintf(buf + n, size - n, "\\u%04x", ch);
		else
			buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * The message becomes a contact: through the desk, which stores it before
 * anything else (a message left is never lost) and offers it to agents'
 * desktops; without one, straight to the engine.
 */
static void vm_contact(struct voice *v, const struct acd_contact_params *p,
                       const char *file, const char *from, unsigned secs,
                       uint64_t *idp)
{
	struct desk_request rq = {.channel = ACD_CH_VOICEMAIL,
	                          .queue = p->queue,
	                          .priority = p->priority,
	                          .nreqs = p->nreqs,
	                          .attributes = p->attributes};
	char payload[1024], f[512], c[256];
	int err;

	if (!v->p.desk) {
		(void)acd_contact_add(v->acd, p, idp);
		return;
	}
	memcpy(rq.reqs, p->reqs, sizeof(rq.reqs));
	snprintf(payload, sizeof(payload),
	         "{\"file\":\"%s\",\"from\":\"%s\",\"seconds\":%u}",
	         json_text(file, f, sizeof(f)), json_text(from, c, sizeof(c)),
	         secs);
	rq.payload = payload;
	err = desk_create(v->p.desk, &rq, idp);
	if (err)
		log_event(LOG_ERROR, "flow.voicemail-unstored",
		          "from=%s file=%s error=%s", from, file,
		          strerror(err));
}

/* The recording ends: a message of a second or more becomes a contact. */
static void vm_end(struct flow_run *fr, bool hungup)
{
	struct call *call = fr->call;
	struct voice *v = call->v;
	struct record *r = fr->rec;
	struct acd_contact_params p = {.channel = ACD_CH_VOICEMAIL};
	char attrs[640];
	unsigned secs;
	uint64_t id = 0;

	fr->rec = NULL;
	call->caller.pcmh = NULL;
	vtimer_cancel(&fr->call->v->vt, &fr->tmr);
	secs = record_seconds(r);
	if (secs >= 1) {
		snprintf(attrs, sizeof(attrs), "file=%s;from=%s;seconds=%u",
		         record_path(r), call->from, secs);
		p.queue = fr->vm_queue;
		p.attributes = attrs;
		p.priority = fr->params.priority;
		memcpy(p.reqs, fr->params.reqs, sizeof(p.reqs));
		p.nreqs = fr->params.nreqs;
		vm_contact(v, &p, record_path(r), call->from, secs, &id);
	}
	log_event(LOG_INFO, "flow.voicemail",
	          "from=%s seconds=%u contact=%" PRIu64 " queue=%s", call->from,
	          secs, id, acd_queue_name(v->acd, fr->vm_queue));
	record_close(r, secs < 1);
	if (!hungup) {
		say_text(fr, words(fr, vm_thanks));
		closing(call);
	}
}

static void vm_full_later(void *arg)
{
	struct flow_run *fr = arg;

	if (fr->rec)
		vm_end(fr, false);
}

/* From inside the recorder: finish on the next loop turn, not here. */
static void vm_full(void *arg)
{
	struct flow_run *fr = arg;

	vtimer_start(&fr->call->v->vt, &fr->tmr, 0, vm_full_later, fr);
}

/* The intro and the beep have played: record. */
static void vm_record(void *arg)
{
	struct flow_run *fr = arg;
	struct call *call = fr->call;
	char dir[300];
	int err;

	if (media_player_busy(call->player)) {
		vtimer_start(&fr->call->v->vt, &fr->tmr, 100, vm_record, fr);
		return;
	}
	voice_store_dir(call->cfg, "voicemail", dir, sizeof(dir));
	err = record_open(&fr->rec, dir,
	                  acd_tenant_name(call->v->acd, call->tenant),
	                  (uint64_t)fr->vm_max, vm_full, fr);
	if (err) {
		log_event(LOG_ERROR, "flow.voicemail-failed", "dir=%s error=%s",
		          dir, strerror(err));
		closing(call);
		return;
	}
	call->caller.pcm_arg = fr->rec;
	call->caller.pcmh = record_pcm;
}

static void vm_begin(struct flow_run *fr, uint32_t queue, acd_time_t max)
{
	struct media_clip *beep = NULL;

	fr->vm_queue = queue;
	fr->vm_max = max > 0 ? max : 120000;
	fr->call->state = CALL_FLOW;
	music_stop(fr->call);
	say_text(fr, words(fr, vm_intro));
	if (!media_tone_clip(&beep, MEDIA_TONE_BEEP))
		media_player_play(fr->call->player, beep);
	mem_deref(beep);
	vtimer_start(&fr->call->v->vt, &fr->tmr, 100, vm_record, fr);
}

/* ---- forwarding ------------------------------------------------------ */

static const char *const fwd_failed[] = {
    "Non è stato possibile completare la chiamata. Arrivederci.",
    "No ha sido posible completar la llamada. Adiós.",
    "The call could not be completed. Goodbye.",
};

static void forward(struct flow_run *fr, const char *number)
{
	struct call *call = fr->call;
	struct config_action ring = {.type = CONFIG_ACT_QUEUE};

	call->state = CALL_FORWARDING;
	ring.music.index = SIZE_MAX; /* ringing while the number rings */
	music_start(fr, &ring);
	if (call_dial_outside(call, ACD_NONE, number))
		flow_forward_failed(call);
}

void flow_forward_failed(struct call *call)
{
	struct flow_run *fr = call->flow;

	if (fr) {
		music_stop(call);
		say_text(fr, words(fr, fwd_failed));
	}
	closing(call);
}

static bool emergency_on(const struct flow_run *fr)
{
	const struct voice *v = fr->call->v;

	return fr->flow &&
	       voice_emergency_on(
	           v, fr->call->cfg->tenants[fr->flow->tenant.index].name,
	           fr->flow->name);
}

/* Run one action; false when the call now waits (menu, queue, end). */
static bool step(struct flow_run *fr, const struct config_action *a)
{
	const struct config *cfg = fr->call->cfg;

	switch (a->type) {
	case CONFIG_ACT_HOURS:
		if (!config_calendar_open(&cfg->calendars[a->calendar.index],
		                          time(NULL))) {
			jump(fr, a->node.index);
			return true;
		}
		break;
	case CONFIG_ACT_PLAY:
		say(fr, &a->prompt);
		break;
	case CONFIG_ACT_MENU:
		fr->menu = a;
		fr->tries = 0;
		if (fr->typed) {
			char key = fr->typed;

			fr->typed = 0;
			menu_key(fr, key);
			return false;
		}
		menu_prompt(fr);
		return false;
	case CONFIG_ACT_SET:
		set_contact(fr, a);
		break;
	case CONFIG_ACT_QUEUE:
		enqueue(fr, a);
		return false;
	case CONFIG_ACT_GOTO:
		jump(fr, a->node.index);
		return true;
	case CONFIG_ACT_FORWARD:
		forward(fr, a->number);
		return false;
	case CONFIG_ACT_VOICEMAIL:
		vm_begin(fr,
		         acd_queue_find(fr->call->v->acd, fr->call->tenant,
		                        cfg->queues[a->queue.index].name),
		         a->max);
		return false;
	default: /* hangup; forward arrives with outbound trunks */
		log_event(a->type == CONFIG_ACT_HANGUP ? LOG_DEBUG : LOG_WARN,
		          "flow.hangup", "flow=%s action=%d", fr->flow->name,
		          (int)a->type);
		closing(fr->call);
		return false;
	}
	fr->action++;
	return true;
}

static void run(struct flow_run *fr)
{
	for (int n = 0; n < FLOW_MAX_STEPS; n++) {
		const struct config_node *node = &fr->flow->nodes[fr->node];

		if (fr->action >= node->nactions) { /* fell off the end */
			closing(fr->call);
			return;
		}
		if (!step(fr, &node->actions[fr->action]))
			return;
	}
	log_event(LOG_ERROR, "flow.loop", "flow=%s node=%s", fr->flow->name,
	          fr->flow->nodes[fr->node].name);
	closing(fr->call);
}

static void emergency_run(struct flow_run *fr)
{
	const struct config_flow *f = fr->flow;
	struct config_action q = {.type = CONFIG_ACT_QUEUE};

	log_event(LOG_INFO, "flow.emergency", "flow=%s", f->name);
	say(fr, &f->emergency_message);
	if (f->emergency_queue.index == SIZE_MAX) {
		closing(fr->call);
		return;
	}
	q.queue = f->emergency_queue;
	q.music.index = SIZE_MAX;
	q.announce = 45000;
	enqueue(fr, &q);
}

void flow_start(struct call *call)
{
	struct flow_run *fr = call->flow;

	if (!fr)
		return;
	if (call->oncall) {
		oncall_start(call);
		return;
	}
	if (!fr->flow) {
		say_text(fr, fr->say);
		closing(call);
		return;
	}
	if (emergency_on(fr))
		emergency_run(fr);
	else
		run(fr);
}

void flow_dtmf(struct call *call, char key)
{
	struct flow_run *fr = call->flow;

	if (!fr)
		return;
	if (fr->rec) {
		if (key == '#')
			vm_end(fr, false);
		return;
	}
	if (fr->menu)
		menu_key(fr, key);
	else
		fr->typed = key; /* type-ahead for the next menu */
}

void flow_stop(struct call *call)
{
	if (call->flow && call->flow->rec)
		vm_end(call->flow, true); /* hung up while recording */
	if (call->flow)
		vtimer_cancel(&call->v->vt, &call->flow->tmr);
	call->flow = mem_deref(call->flow);
}

/* ---- waiting and leaving --------------------------------------------- */

static const char *words(const struct flow_run *fr, const char *const v[3]);

static const char *const callback_offer_words[] = {
    "Per essere richiamato senza perdere il suo posto, prema %c.",
    "Para que le llamemos sin perder su turno, pulse %c.",
    "To be called back without losing your place, press %c.",
};

void flow_announce(struct call *call)
{
	struct flow_run *fr = call->flow;
	const struct config_action *a;
	char text[256];
	acd_time_t ewt;
	unsigned pos;

	if (!fr || call->state != CALL_QUEUED)
		return;
	if (!acd_contact_ewt(call->v->acd, call->contact, &ewt, &pos) &&
	    !media_announce_text(text, sizeof(text), lang_of(fr), pos,
	                         ewt < 0 ? -1 : (long)(ewt / 1000)))
		say_text(fr, text);
	a = &fr->flow->nodes[fr->node].actions[fr->action];
	if (a->type == CONFIG_ACT_QUEUE && a->callback_key) {
		/* the key that keeps their place: told with the position */
		snprintf(text, sizeof(text), words(fr, callback_offer_words),
		         a->callback_key);
		say_text(fr, text);
	}
	if (a->type == CONFIG_ACT_QUEUE && a->announce > 0)
		call_announce_in(call, (uint64_t)a->announce);
}

static const char *const callback_words[] = {
    "Grazie. La richiameremo appena un operatore sarà libero, senza "
    "perdere il suo posto.",
    "Gracias. Le llamaremos en cuanto un agente esté libre, sin perder "
    "su turno.",
    "Thank you. We will call you back as soon as an agent is free, "
    "keeping your place in line.",
};

static const char *words(const struct flow_run *fr, const char *const v[3])
{
	return fr->lang == CONFIG_LANG_IT   ? v[0]
	       : fr->lang == CONFIG_LANG_ES ? v[1]
	                                    : v[2];
}

void flow_fallback(struct call *call, const struct acd_fallback *fb,
                   uint32_t queue)
{
	struct flow_run *fr = call->flow;
	size_t node;

	vtimer_cancel(&call->v->vt, &call->announce);
	if (!fr) {
		closing(call);
		return;
	}
	if (fb->action == ACD_ACTION_CALLBACK)
		return;    /* flow_callback_scheduled() follows */
	call->contact = 0; /* the engine has let the contact go */
	music_stop(call);
	switch (fb->action) {
	case ACD_ACTION_MESSAGE:
		node = config_node_find(fr->flow, fb->target);
		call->state = CALL_FLOW;
		if (node != SIZE_MAX) { /* the target names a node */
			jump(fr, node);
			run(fr);
			return;
		}
		if (fb->target[0])
			say_text(fr, fb->target);
		break;
	case ACD_ACTION_VOICEMAIL:
		vm_begin(fr, queue, 0);
		return;
	case ACD_ACTION_FORWARD:
		forward(fr, fb->target);
		return;
	default:
		break;
	}
	closing(call);
}

void flow_queued_key(struct call *call, char key)
{
	struct flow_run *fr = call->flow;
	const struct config_action *a;
	int err;

	if (!fr || !fr->flow || call->state != CALL_QUEUED)
		return;
	a = &fr->flow->nodes[fr->node].actions[fr->action];
	if (a->type != CONFIG_ACT_QUEUE || !a->callback_key ||
	    a->callback_key != key)
		return;
	/* CALLBACK_SCHEDULED follows: flow_callback_scheduled() */
	err = acd_contact_callback(call->v->acd, call->contact, 0);
	log_event(err ? LOG_WARN : LOG_INFO, "flow.callback-key",
	          "contact=%" PRIu64 " from=%s key=%c%s%s", call->contact,
	          call->from, key, err ? " error=" : "",
	          err ? strerror(err) : "");
}

void flow_callback_scheduled(struct call *call)
{
	struct flow_run *fr = call->flow;

	vtimer_cancel(&call->v->vt, &call->announce);
	if (fr) {
		music_stop(call);
		say_text(fr, words(fr, callback_words));
	}
	closing(call);
}

void flow_message(struct call *call, const char *text)
{
	if (call->flow)
		say_text(call->flow, text);
	closing(call);
}

void flow_voicemail(struct call *call, uint32_t queue)
{
	if (!call->flow) {
		closing(call);
		return;
	}
	vm_begin(call->flow, queue, 0);
}

void flow_finished(struct call *call)
{
	call_hangup(call, "flow-ended");
}
