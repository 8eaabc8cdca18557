/*
 * desk.h - the contacts that are not live calls, and the ledger of all.
 *
 * The desk hosts chats, app requests, callback requests and voicemails:
 * it hands them to the engine, carries the agent's actions on them
 * (accept, reject, finish, wrap-up) and keeps them in the store, so that
 * one whose creation was acknowledged is never lost: after a crash or a
 * restart desk_recover() puts every unfinished one back in its queue at
 * its original place (its virtual start, in wall time across runs).
 *
 * It is also the ledger of every contact the engine routes, calls
 * included: each is saved when it enters a queue and ended with its
 * outcome, so that a call cut by a crash is closed as "interrupted" at
 * the next start, with its times.
 *
 * Contacts are known to the outside by their key, their number for life
 * (the store's), not by the engine's id, which changes at every run.
 */
#ifndef CENTRALINO_DESK_H
#define CENTRALINO_DESK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <centralino/acd.h>

struct desk;
struct store;

/** Unix ms; tests inject their own. */
typedef int64_t(desk_clock_h)(void *arg);

struct desk_params {
	struct acd *acd;     /* required */
	struct store *store; /* NULL: nothing kept (tests, simulations) */
	desk_clock_h *wall;  /* NULL: the real clock */
	void *wall_arg;
};

/** A contact the desk keeps, as the API shows it. Strings are owned. */
struct desk_contact {
	uint64_t key;     /* its number for life */
	uint64_t contact; /* the engine's id in this run */
	enum acd_channel channel;
	uint32_t tenant, queue;
	uint32_t agent; /* offered to or talking with; ACD_NONE */
	int priority;
	int64_t created_ms, virtual_start_ms, not_before_ms; /* Unix ms */
	char *skills;      /* "skill:level,..." or NULL */
	char *attributes;  /* "key=value;..." or NULL */
	char *payload;     /* the channel's data, JSON text, or NULL */
	char *secret;      /* a visitor's token hash (chats), or NULL */
	uint64_t last_seq; /* of its conversation's last message; 0: unknown */
	/* its preferred agent while the preference lasts (ACD_NONE: none):
	 * kept until owner_until_ms, across restarts (in its attributes) */
	uint32_t owner;
	int64_t owner_until_ms;
	unsigned attempts; /* a callback's customer dialled so far (kept) */
	bool hosted;       /* the desk's own (not a call) */
	bool recovered;    /* put back by desk_recover() */
};

/** What an app, a web page or the voice channel asks for. */
struct desk_request {
	enum acd_channel channel; /* chat, app, callback, voicemail, e-mail */
	uint32_t queue;
	int priority;
	struct acd_skill_req reqs[ACD_MAX_REQS];
	unsigned nreqs;
	int64_t not_before_ms;  /* Unix ms; 0: at once (callback windows) */
	const char *attributes; /* may be NULL */
	const char *payload;    /* JSON text, may be NULL */
	const char *secret;     /* hash of a visitor's token, may be NULL */
	/* last-agent routing: offered first to this agent, waiting up to
	 * preferred_wait_ms for them (0: no preference), counted from when
	 * the contact is due (now, or a callback's not_before); kept across
	 * a restart until then (docs/routing.md) */
	uint32_t preferred_agent;
	int64_t preferred_wait_ms;
};

int desk_alloc(struct desk **dp, const struct desk_params *p);
void desk_free(struct desk *d);

/**
 * Create a contact and hand it to the engine. With a store, the contact
 * is committed before this returns 0: an acknowledged contact survives a
 * crash. Returns 0 and *keyp; EINVAL (a live call's channel, a bad
 * field), ENOENT (no such queue), ENOMEM; EIO or ENOSPC when the store
 * cannot record it (the contact is withdrawn: refuse it to the client).
 */
int desk_create(struct desk *d, const struct desk_request *rq, uint64_t *keyp);

/** Every engine event, after the engine call that raised it. */
void desk_engine_event(struct desk *d, const struct acd_event *ev);

/**
 * Put back every contact the store holds open from earlier runs: the
 * desk's own in their queues at their place, calls closed as
 * "interrupted" when they were last heard of. A contact whose queue or
 * skill no longer exists stays open in the store for a later start and
 * is counted in *orphansp. Returns 0 or the store's errno.
 */
int desk_recover(struct desk *d, size_t *recoveredp, size_t *orphansp);

/** The live contact key, or NULL (ended, or never). */
const struct desk_contact *desk_find(const struct desk *d, uint64_t key);

/** The live contact the engine knows as contact in this run, or NULL. */
const struct desk_contact *desk_by_contact(const struct desk *d,
                                           uint64_t contact);

/**
 * A callback's customer was dialled and not reached (busy, no answer, a
 * failure): the attempt is counted (kept in its attributes, "attempts=N",
 * so that a restart knows it), its agent freed, and it goes back to its
 * queue at its place, due at not_before_ms (Unix ms) and saved so
 * (acd_contact_retry()). Returns 0, ENOENT (no such live contact),
 * EPROTO (not a connected callback), ENOMEM.
 */
int desk_callback_retry(struct desk *d, uint64_t contact, int64_t not_before_ms,
                        const char *reason);
/** Count an attempt of a callback that ends now (the last one). */
void desk_callback_attempted(struct desk *d, uint64_t contact);

/** Visit every live contact in the order of their keys. */
typedef void(desk_contact_h)(const struct desk_contact *c, void *arg);
void desk_each(const struct desk *d, desk_contact_h *h, void *arg);

/* The agent's actions on a hosted contact. Each returns 0; ENOENT (no
 * such live contact), EPERM (not this agent's), ESTALE (the offer is no
 * longer out), EPROTO (the wrong state for it). */
int desk_accept(struct desk *d, uint64_t key, uint32_t agent);
int desk_reject(struct desk *d, uint64_t key, uint32_t agent);
/** The conversation is over: wrap-up, if the queue has one. */
int desk_finish(struct desk *d, uint64_t key, uint32_t agent);
/** The wrap-up is done, before its timer (a phone call's too). */
int desk_wrapup_done(struct desk *d, uint64_t key, uint32_t agent);
/**
 * Record what the agent noted for contact key (live or just ended): a
 * disposition code and notes, either NULL. Returns 0, or ENOSPC/ENOMEM
 * when the store cannot take it.
 */
int desk_record(struct desk *d, uint64_t key, const char *disposition,
                const char *notes);
/**
 * The agent's desktop is gone: the agent is set not ready with reason,
 * and every chat it was talking in goes back to its queue at its place
 * (acd_contact_requeue()). Returns how many went back.
 */
size_t desk_agent_gone(struct desk *d, uint32_t agent, const char *reason);
/** The customer withdrew (closed the chat, cancelled the request). */
int desk_withdraw(struct desk *d, uint64_t key);

/**
 * Add a message to contact key's conversation (a chat, or an e-mail's
 * follow-ups and answers), committed before this returns 0 with its seq.
 * The visitor ("visitor", agent ACD_NONE) may write while the contact
 * waits or is connected; an agent ("agent") only while connected with
 * it. client_id is the sender's own id: sent again (after a network
 * blip) it gives the first seq and *dupp true, and is not stored twice.
 * Returns 0; ENOENT (no such live chat or e-mail), EPERM (not this
 * agent's, or not connected), EINVAL, ENOSYS (no store), EIO or ENOSPC
 * (the store cannot record: nothing was taken).
 */
int desk_message(struct desk *d, uint64_t key, const char *sender,
                 uint32_t agent, const char *client_id, const char *body,
                 uint64_t *seqp, bool *dupp);

struct desk_stats {
	size_t live;          /* contacts in the engine now, calls included */
	uint64_t created;     /* by desk_create() */
	uint64_t refused;     /* the store could not record them */
	uint64_t recovered;   /* put back at start */
	uint64_t interrupted; /* calls closed at start */
};
void desk_stats(const struct desk *d, struct desk_stats *st);

#endif
