/*
 * voice_int.h - internals of the voice channel, shared by the files of src/voice/.
 */
#ifndef VOICE_INT_H
#define VOICE_INT_H

#include <re.h>

struct config_trunk;
struct txq;

#include "voice/digest.h"
#include "voice/vtimer.h"
#include "voice/voice.h"

#define VOICE_TICK_SLOTS 4 /* the calls in four groups, 5 ms apart */

/** A phone identity with its registered bindings. */
struct phone {
	struct le he;       /* in voice->phones, by user */
	struct le he_agent; /* in voice->phones_by_agent */
	struct voice *v;
	struct voice_phone p;
	struct list bindings;
	uint64_t gen; /* reload generation that last listed it */
};

/** One registered contact of a phone (a softphone, a desk phone). */
struct binding {
	struct le le; /* in phone->bindings */
	struct phone *phone;
	char uri[256];
	char callid[128];
	uint32_t cseq;
	struct sa src; /* where the REGISTER came from (NAT) */
	struct sa dst; /* where it arrived: our address for this phone */
	enum sip_transp tp;
	struct vtimer ka_tmr;       /* OPTIONS keep-alives (nat.c) */
	struct sip_request *ka_req; /* the one in flight */
	uint64_t expires_at;        /* tmr_jiffies() ms */
	struct vtimer tmr;
};

struct voice {
	struct voice_params p;
	struct config_hold *hold; /* the current configuration */
	const struct config *cfg; /* its content */
	struct acd *acd;
	struct sip *sip;
	struct sip_lsnr *lsnr;
	struct sipsess_sock *sess_sock;
	struct digest *digest;
	struct throttle *throttle;
	struct hash *phones; /* struct phone by user */
	struct hash *phones_by_agent;
	struct hash *calls;    /* struct call by engine contact id */
	struct hash *consults; /* attended transfers to queues (consultq.c) */
	struct consultq *consult_entering; /* in acd_contact_add() now */
	struct list call_list;
	struct list tick_calls[VOICE_TICK_SLOTS]; /* the calls by tick slot */
	struct list moh;                          /* shared music streams */
	struct media_clip *ringback;
	struct call *entering; /* in acd_contact_add() right now */
	struct media_prompts *prompts;
	char emergency[64][2 * 64]; /* "tenant/flow" in emergency mode */
	unsigned nemergency;
	struct sa media_addr;
	struct voice_stats st;
	struct tmr tick;   /* the media tick, one slot of the calls at a time */
	struct txq *txq;   /* the tick's packets, sent in batches */
	struct vtimers vt; /* registrations, announcements, menus */
	uint64_t tick_next;
	unsigned tick_slot;
};

/* sip.c */
/** The source address of msg as text, for nonces and throttling. */
const char *voice_src(const struct sip_msg *msg, char *buf, size_t size);
struct config;
/** The directory name next to the store's file (voicemail, recordings):
 * name alone when the store's path has no directory. */
void voice_store_dir(const struct config *cfg, const char *name, char *buf,
                     size_t size);
/** Authenticate msg; on success fill user. Replies itself otherwise
 * (401/407 challenge, 403) and returns false. */
bool voice_auth(struct voice *v, const struct sip_msg *msg, bool proxy,
                char *user, size_t usize);

/** The trunk that authenticates as user (inbound digest), or NULL. */
const struct config_trunk *voice_trunk_by_user(const struct voice *v,
                                               const char *user);
/** The address RTP sockets bind to. */
void voice_media_addr(const struct voice *v, struct sa *sa);

/** The channel buffered something of its own in the store: the
 * owner commits it soon (voice_params.stored). */
static inline void voice_stored(const struct voice *v)
{
	if (v->p.stored && v->p.store)
		v->p.stored(v->p.record_arg);
}

/* registrar.c */
void registrar_handle(struct voice *v, const struct sip_msg *msg);
struct phone *phone_find(const struct voice *v, const char *user);
struct phone *phone_of_agent(const struct voice *v, uint32_t agent);
int phones_load(struct voice *v, const struct voice_phone *phones, size_t n);
/** Bring the phones in line with a new list: update, add, remove. */
int phones_reload(struct voice *v, const struct voice_phone *phones, size_t n);
void phones_flush(struct voice *v);
/** Start OPTIONS keep-alives where due (after a reload turned them on). */
void phones_keepalive(struct voice *v);

#endif
