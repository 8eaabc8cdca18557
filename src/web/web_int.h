/*
 * web_int.h - internals of the web side: the request dispatcher (no
 * sockets, so tests and the fuzzer drive it), replies, JSON bodies,
 * sessions and login throttling, and the route handlers.
 */
#ifndef CENTRALINO_WEB_INT_H
#define CENTRALINO_WEB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
/* Not <re.h>: its re_json.h clashes with jansson's names. */
#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>
#include <re_mbuf.h>
#include <re_list.h>
#include <re_hash.h>
#include <re_sa.h>
#include <re_tmr.h>
#include <re_msg.h>
#include <re_http.h>

#include "core/config.h"
#include "web/web.h"

#define WEB_BODY_MAX     (64 * 1024) /* larger bodies get 413 */
#define WEB_TOKEN_BYTES  32          /* 256 random bits */
#define WEB_TOKEN_HEX    (2 * WEB_TOKEN_BYTES)
#define WEB_SESSION_TTL  (12ULL * 3600 * 1000) /* ms */
#define WEB_SESSIONS_MAX 10000
#define WEB_THROTTLE_MAX 5      /* failed logins per window ... */
#define WEB_THROTTLE_WIN 60000  /* ... of this many ms ... */
#define WEB_THROTTLE_BLK 300000 /* ... block the address this long */
#define WEB_THROTTLE_N   256    /* addresses remembered */
#define WEB_PARAMS_MAX   3      /* {tenant}/{name}/{date} */
#define WEB_COOKIE_NAME  "centralino_session"
#define WEB_COOKIE_MAX   4096         /* a longer Cookie header is not read */
#define WEB_COOKIES_MAX  64           /* pairs read from one request */
#define WEB_FEED_MAX     65536        /* events the WebSocket can replay */
#define WEB_EPOCH_HEX    16           /* the feed's epoch: 64 random bits */
#define WEB_VIEW_QUEUES  64           /* queues of an agent user's view */
#define WEB_WS_PING_MS   25000        /* keep-alive pings */
#define WEB_WS_CHECK_MS  10000        /* sessions of open sockets checked */
#define WEB_WS_TXQ_LOW   (64 * 1024)  /* sending pauses above this ... */
#define WEB_WS_TXQ_MAX   (256 * 1024) /* ... and never queues beyond */
#define WEB_WS_STALL_MS  30000 /* paused this long: the client is dropped */
#define WEB_WS_PUMP_MAX  4096  /* events looked at per turn */

/** One address that failed to sign in (IPv6 counted by its /64). */
struct web_throttle {
	char addr[64]; /* "" free */
	unsigned failures;
	uint64_t window_start, blocked_until; /* ms, tmr_jiffies() */
};

struct web_feed;
struct websock;

/** The WebSocket side's counters, for /metrics. */
struct web_ws_stats {
	uint64_t opened, messages, resets, dropped_slow, closed_session;
};

#define WEB_CHAT_RATE_N 256 /* addresses that opened chats, remembered */

/** Chats an address opened in its current window. */
struct web_rate {
	char addr[64]; /* "" free */
	uint64_t window_start;
	unsigned count;
};

#define WEB_LAG_BUCKETS 6 /* 1, 5, 10, 20, 50, 100 ms, then beyond */

/** The event loop's lateness (lag.c). */
struct web_lag {
	struct tmr tmr;
	uint64_t due; /* tmr_jiffies() the timer is due at */
	uint64_t count[WEB_LAG_BUCKETS + 1];
	uint64_t sum_ms, max_ms;
};

struct web {
	struct http_sock *sock;
	struct websock *websock; /* NULL without a listener (tests) */
	struct web_feed *feed;
	struct list subs;  /* struct web_sub: open WebSockets */
	struct list hooks; /* struct web_hook: the configured webhooks */
	struct list gone;  /* struct web_gone: agents whose desktop left */
	uint64_t agent_grace_ms; /* before their chats go back to queue */
	bool closing;            /* being freed: nobody is "gone" any more */
	struct web_lag lag;      /* measured once listening */
	struct web_verifier
	    *verifier;             /* passwords off the loop; NULL: inline */
	struct http_cli *http_cli; /* their requests; NULL without any */
	struct dnsc *dnsc;
	struct tmr check_tmr;
	struct web_ws_stats ws;
	struct acd *acd;
	struct desk *desk; /* NULL: contacts answer 409 */
	struct web_rate chat_rate[WEB_CHAT_RATE_N];
	struct store *store; /* NULL: no journal to read */
	struct voice *voice;
	struct email *email;     /* NULL: e-mail answers 409 */
	struct members *members; /* NULL: agents are not moved (409) */
	const struct config *cfg;
	web_reload_h *reload;
	void *reload_arg;
	struct web_today *days; /* each tenant's day (today.c) */
	size_t ndays;
	struct tmr today_tmr;
	struct hash *typing; /* struct typing, by chat key (typing.c) */
	size_t ntyping;
	struct hash *sessions; /* struct web_session, by token */
	size_t nsessions;
	struct web_throttle throttle[WEB_THROTTLE_N];
	uint64_t replies[6];         /* by status class: 1xx..5xx in [1..5] */
	uint64_t now_ms;             /* tests: when non-zero, the clock */
	bool secure;                 /* served over TLS: cookies get "Secure" */
	char pages[CONFIG_PATH_MAX]; /* the pages' folder, resolved; "" none */
};

struct web_session;

/** What GET /api/v1/events hands to web.c with a 101: the subscriber. */
struct web_upgrade {
	struct web_session *session; /* borrowed for the request only */
	char user[CONFIG_NAME_MAX];
	bool resume; /* a resume token was given: */
	char epoch[WEB_EPOCH_HEX + 1];
	uint64_t seq;
};

/** An answer being built: status, body and a few headers. */
struct web_reply {
	uint16_t status;
	const char *ctype;          /* "application/json" unless metrics */
	struct mbuf *body;          /* owned; NULL: empty */
	unsigned retry_after;       /* seconds; 429 */
	const char *allow;          /* 405: the methods of the path */
	bool www_authenticate;      /* 401 */
	char set_cookie[192];       /* a Set-Cookie value; "" none */
	struct web_upgrade upgrade; /* 101 */
	const char *cache_control;  /* NULL: "no-store" */
	char location[288];         /* 301, 302: where to; "" none */
	char etag[64];              /* pages: their ETag; "" none */
	bool page;                  /* a page: its security headers */
	struct web_login *deferred; /* a sign-in answered later (verify.c) */
	bool cors;                  /* the web chat's: any origin may read */
};

/** One request after routing and authentication. */
struct web_call {
	const struct http_msg *msg;
	const struct sa *peer;          /* may be NULL (fuzzer) */
	const struct config_user *user; /* NULL on unauthenticated routes */
	struct web_session *session;    /* the user's session, same */
	bool cookie;                    /* signed by the session cookie */
	char params[WEB_PARAMS_MAX][CONFIG_NAME_MAX]; /* decoded segments */
	const uint8_t *body;
	size_t body_len;
};

typedef void(web_route_h)(struct web *w, struct web_call *call,
                          struct web_reply *r);

/* ---- router.c ---- */

/**
 * Answer one decoded request: route it, enforce the body limit, the
 * token, the role, then run its handler. r must be zeroed; its body is
 * the caller's to free with web_reply_reset(). peer may be NULL (treated
 * as not loopback).
 */
void web_dispatch(struct web *w, const struct http_msg *msg,
                  const struct sa *peer, struct web_reply *r);
/** Routes in the table (for the test that holds them to the OpenAPI). */
size_t web_route_count(void);
/** Route i's method, and its path with "{}" for each parameter
 * ("/api/v1/contacts/{}/accept") in path; NULL past the end. */
const char *web_route_at(size_t i, char *path, size_t size);
/** Percent-decode one path segment into dst; false when it does not fit,
 * is empty, or decodes to a control character or '/'. */
bool web_segment_decode(const struct pl *seg, char *dst, size_t size);

/* ---- reply.c ---- */

/** Free the body and zero r. */
void web_reply_reset(struct web_reply *r);
/** Status and a JSON body (json is consumed, may be NULL: ENOMEM 500). */
void web_reply_json(struct web_reply *r, uint16_t status, json_t *json);
/** {"error": {"code": code, "message": printf(fmt)}} with status. */
void web_reply_error(struct web_reply *r, uint16_t status, const char *code,
                     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** The reason phrase of a status we send ("OK", "Not Found"). */
const char *web_reason(uint16_t status);
/**
 * Parse the call's body as a JSON object whose keys are all in keys
 * (NULL-terminated). Returns the object (the caller's), or NULL after a
 * 400 naming the problem (or the unknown field) was put in r.
 */
json_t *web_body_object(const struct web_call *call, struct web_reply *r,
                        const char *const *keys);
/**
 * A string field of obj, 1..max-1 bytes without NUL: *valp borrows it (NULL
 * when absent and not required). Returns false after a 400 naming key.
 */
bool web_field_string(struct web_reply *r, json_t *obj, const char *key,
                      bool required, size_t max, const char **valp);
/** A boolean field of obj into *valp (left as it was when absent and not
 * required). Returns false after a 400 naming key. */
bool web_field_bool(struct web_reply *r, json_t *obj, const char *key,
                    bool required, bool *valp);
/** The contact key of the request's {id} (its first parameter): 1 to 19
 * digits, no leading zero; 0 when it is not one. */
uint64_t web_key_param(const struct web_call *call);

/* ---- auth.c ---- */

/** The clock of sessions and throttling, ms. */
uint64_t web_now(const struct web *w);
/** Create the session table. ENOMEM. */
int web_sessions_init(struct web *w);
/** Forget every session. */
void web_sessions_flush(struct web *w);
/**
 * Who sends the call: the "Authorization: Bearer" token if the request
 * has that header, else the session cookie, which must come with a
 * matching X-CSRF-Token for every method but GET and HEAD. Sets
 * call->user, ->session and ->cookie. Returns 0; ENOENT when nobody is
 * signed in (no, unknown or expired credentials, user no longer
 * configured: the session is dropped); EPERM when the CSRF token is
 * missing or wrong.
 */
int web_authenticate(struct web *w, struct web_call *call);
/**
 * Find the cookie called name in one Cookie header value (RFC 6265:
 * "a=1; b=2"). *valp borrows hdr. Returns 0; ENOENT when absent; EBADMSG
 * when hdr is over WEB_COOKIE_MAX, has over WEB_COOKIES_MAX pairs, or
 * names the cookie twice (ambiguous: another site's tossed cookie).
 */
int web_cookie_parse(const struct pl *hdr, const char *name, struct pl *valp);
/** End a session: its WebSockets close, its token stops working. */
void web_session_end(struct web *w, struct web_session *s);
/** Is s still valid: not expired, its user still configured? */
bool web_session_alive(const struct web *w, const struct web_session *s);
/** Link a WebSocket to its session (le's data is the subscriber). */
void web_session_attach(struct web_session *s, struct le *le, void *sub);
/** Is user allowed to see tenant (by name)? */
bool web_user_tenant(const struct config *cfg, const struct config_user *u,
                     const char *tenant);
web_route_h web_api_login, web_api_logout, web_api_session;

/* ---- feed.c ---- */

/** One event of the feed: its JSON, and the ids that decide who sees it. */
struct web_feed_entry {
	uint64_t seq;
	uint32_t tenant, queue, agent; /* engine ids; ACD_NONE: none */
	char *full;                    /* the whole event */
	char *figures; /* events of a queue: its figures alone; else NULL */
	size_t full_len, figures_len;
};

/** What one user may see of the feed (built from the configuration). */
struct web_view {
	bool all; /* supervisors and administrators: all of their tenants */
	uint32_t tenants[CONFIG_USER_TENANTS];
	unsigned ntenants;
	uint32_t agent; /* agent users: their agent, its events in full ... */
	uint32_t queues[WEB_VIEW_QUEUES]; /* ... and their queues' figures */
	size_t nqueues;
};

/** A feed of cap events with a new random epoch. EINVAL, ENOMEM. */
int web_feed_alloc(struct web_feed **fp, size_t cap);
/**
 * Serialise ev (names, not ids) as the next event; the oldest one goes
 * when the ring is full. wall_ms is the time shown to clients. Returns 0
 * or ENOMEM (the event is not in the feed, its number not used).
 */
int web_feed_append(struct web_feed *f, const struct acd *acd,
                    const struct acd_event *ev, int64_t wall_ms);
/** A message stored in a chat, as the feed tells it (not its body). */
struct web_chat_note {
	uint32_t tenant, queue, agent; /* engine ids; agent: ACD_NONE */
	uint64_t contact, key;         /* the engine's id, the contact's key */
	uint64_t message;              /* its seq in the conversation */
	const char *sender;            /* "visitor" or "agent" */
	bool typing; /* a "chat-typing" event: sender types (no message) */
};
/**
 * A "chat-message" event: seen by the tenant's supervisors and
 * administrators and by the agent the chat is offered to or handled by.
 * Returns 0 or ENOMEM, as web_feed_append().
 */
int web_feed_append_chat(struct web_feed *f, const struct acd *acd,
                         const struct web_chat_note *n, int64_t wall_ms);
/** The event numbered seq, or NULL when it is gone or not yet there. */
const struct web_feed_entry *web_feed_at(const struct web_feed *f,
                                         uint64_t seq);
const char *web_feed_epoch(const struct web_feed *f);
/** The newest event's seq (0: none yet), the oldest one still held. */
uint64_t web_feed_last(const struct web_feed *f);
uint64_t web_feed_first(const struct web_feed *f);
size_t web_feed_bytes(const struct web_feed *f);
/** The view of user u, with the engine's ids of today. */
void web_view_build(struct web_view *v, const struct web *w,
                    const struct config_user *u);
/** The message of e that v may see (borrowed, with its length in *lenp):
 * the whole event, the queue's figures alone, or NULL: nothing. */
const char *web_view_message(const struct web_view *v,
                             const struct web_feed_entry *e, size_t *lenp);

/* ---- ws.c ---- */

/** Where a subscriber's messages go: a WebSocket, or a test's buffer. */
typedef int(web_sink_send_h)(const char *text, size_t len, void *arg);
typedef size_t(web_sink_backlog_h)(void *arg); /* bytes not yet sent */
typedef void(web_sink_close_h)(uint16_t code, const char *reason, void *arg);
struct web_sink {
	web_sink_send_h *sendh;
	web_sink_backlog_h *backlogh;
	web_sink_close_h *closeh;
	void *arg;
};

struct web_sub;

/**
 * A subscriber for the 101 that GET /api/v1/events answered, linked to
 * w and its session; it sends nothing before web_sub_start(). Returns 0,
 * ENOENT (the user is gone) or ENOMEM. Freed by mem_deref() or when it
 * closes.
 */
int web_sub_alloc(struct web_sub **subp, struct web *w,
                  const struct web_upgrade *up);
/** Send the hello (or the reset) and what the subscriber resumes. */
void web_sub_start(struct web_sub *sub, const struct web_sink *sink);
/** Close with a WebSocket status code and free the subscriber. */
void web_sub_close(struct web_sub *sub, uint16_t code, const char *reason);
/** Its session ended (logout, expiry, user removed): close it. */
void web_sub_session_ended(struct web_sub *sub);
/** Messages sent to the subscriber so far. */
uint64_t web_sub_sent(const struct web_sub *sub);
/** New events are in the feed: every subscriber sends what it may. */
void web_subs_notify(struct web *w);
/** The configuration changed: views rebuilt, removed users closed. */
void web_subs_config(struct web *w);
/** Close the subscribers whose session ended or expired (a timer runs it
 * every WEB_WS_CHECK_MS), and look again at those paused. */
void web_subs_check(struct web *w);
/**
 * The "resume=EPOCH:SEQ" parameter of a query string ("?a=b&resume=..."
 * or without the '?'; percent-encoding allowed) into up; other
 * parameters are ignored. Returns 0 (up->resume tells whether there was
 * one) or EINVAL: malformed, or given twice.
 */
int web_resume_parse(const struct pl *query, struct web_upgrade *up);
/** Accept the WebSocket of a 101 on conn. An errno when it failed (the
 * caller answers the request). */
int web_ws_accept(struct web *w, struct http_conn *conn,
                  const struct http_msg *msg, const struct web_upgrade *up);
/** Prometheus lines of the WebSocket side and the feed. */
int web_ws_metrics(const struct web *w, struct mbuf *mb);
web_route_h web_api_events;

/* ---- pages.c: the browser pages (docs/pages.md) ---- */

/**
 * The file a page's request path names, relative to the pages' folder,
 * into rel: "/agent/" is "agent/index.html". Percent-escapes are decoded;
 * only segments of letters, digits, '.', '-' and '_' pass, none empty or
 * starting with '.', so no "..", no hidden file, no encoded '/', '\' or
 * NUL. Returns 0, EINVAL (refused) or ENAMETOOLONG (rel too small).
 */
int web_page_path(const struct pl *path, char *rel, size_t size);
/** The Content-Type of a file by its extension; NULL: not served. */
const char *web_page_type(const char *rel);
/** Serve the pages of dir (NULL or "": none). Returns 0, or ENOENT and
 * ENAMETOOLONG (logged; no pages are served). */
int web_pages_open(struct web *w, const char *dir);
/**
 * Answer a request for a page: true when r holds the answer (a file, a
 * redirect, 404 or 405); false for the API's paths, or with no pages.
 */
bool web_pages_serve(struct web *w, const struct http_msg *msg,
                     struct web_reply *r);

/* ---- api_contact.c ---- */
web_route_h web_api_contacts, web_api_contact, web_api_contact_create,
    web_api_contact_journal, web_api_contact_accept, web_api_contact_reject,
    web_api_contact_finish, web_api_contact_wrapup_done,
    web_api_contact_withdraw;

struct desk_contact;
/**
 * The contact of the request's first parameter as JSON (the caller's),
 * live (*livep) or from the store, when the user's tenants hold it;
 * NULL after a 404 in r: another tenant's answers as one that never was.
 */
json_t *web_contact_lookup(struct web *w, const struct web_call *call,
                           struct web_reply *r,
                           const struct desk_contact **livep);
/** Unix ms as "2026-01-02T03:04:05.678Z", null when 0 or less. */
json_t *web_time_json(int64_t ms);
/** The answer of an act on contact key: it as it is now, live or ended
 * (the store flushed first: an end the client heard of stays). */
void web_contact_reply(struct web *w, struct web_reply *r, uint64_t key);

/* ---- api_call.c: the controls of a live call ---- */
struct desk_contact;
web_route_h web_api_call_hold, web_api_call_resume, web_api_call_hangup,
    web_api_call_transfer, web_api_call_transfer_complete,
    web_api_call_transfer_cancel, web_api_call_supervise,
    web_api_call_supervise_mode, web_api_call_supervise_stop;
/** Add the "call" object of a live phone call to its contact's JSON. */
void web_call_json(const struct web *w, const struct desk_contact *c,
                   json_t *j);

/* ---- api_record.c: call recordings ---- */
web_route_h web_api_contact_recordings, web_api_contact_recording;

/* ---- api_email.c: answering e-mails ---- */
web_route_h web_api_contact_reply;

/* ---- verify.c: passwords checked on a worker thread ---- */
struct web_login;
/** Start the worker (the daemon, with a listener). 0 or an errno. */
int web_verify_start(struct web *w);
/** Stop it; logins not answered yet are dropped with their connections. */
void web_verify_stop(struct web *w);
/**
 * Queue the check of password against hash (an unknown user's is another
 * user's: the same work, and web_login_finish() refuses it) for user;
 * r->deferred is set. False after a 429 (too many waiting) or a 500 in r.
 */
bool web_verify_submit(struct web *w, const char *user, const char *hash,
                       const char *password, bool cookie, const char *key,
                       struct web_reply *r);
/** The connection a deferred sign-in answers on (referenced). */
void web_verify_attach(struct web_login *l, struct http_conn *conn);
/** Send a reply built by the dispatcher on conn (web.c). */
void web_reply_send(struct http_conn *conn, const struct web_reply *r);
/**
 * After the check: a session and 200 for a user still configured and a
 * right password, else 401 and a failure counted against the address
 * (key). r must be zeroed.
 */
void web_login_finish(struct web *w, const char *user, bool ok, bool cookie,
                      const char *key, struct web_reply *r);

/* ---- admin.c ---- */
/** Write an administrative act in the audit log (committed at once;
 * without a store, nothing). */
void web_audit(struct web *w, const char *user, const char *tenant,
               const char *action, const char *object, const char *detail);

/* ---- api_info.c: what the configuration holds, and the audit log ---- */
web_route_h web_api_tenants, web_api_skills, web_api_flows, web_api_users,
    web_api_audit;

/* ---- presence.c: an agent whose desktop went away ---- */
/** The agent's socket opened: a pending "gone" is cancelled. */
void web_presence_joined(struct web *w, uint32_t agent);
/** A socket of agent closed: if it was the last, the grace starts. */
void web_presence_left(struct web *w, uint32_t agent);
void web_presence_free(struct web *w);
/** The agent of a subscriber (agent users), else ACD_NONE. */
uint32_t web_sub_agent(const struct web_sub *sub);

/* ---- lag.c: the loop's lateness ---- */
void web_lag_start(struct web *w);
void web_lag_stop(struct web *w);
int web_lag_metrics(const struct web *w, struct mbuf *mb);

/* ---- webhook.c ---- */
struct web_feed_entry;
/** (Re)build the webhooks from w->cfg, keeping the queues of those whose
 * name and URL stay. ENOMEM. */
int web_hooks_config(struct web *w);
/** Queue event e (of type) for every webhook of its tenant asking. */
void web_hooks_event(struct web *w, const struct web_feed_entry *e,
                     enum acd_event_type type);
void web_hooks_free(struct web *w);
int web_hooks_metrics(const struct web *w, struct mbuf *mb);

/* ---- api_rota.c ---- */
web_route_h web_api_rotas, web_api_rota, web_api_rota_override_set,
    web_api_rota_override_clear;

/* ---- api_chat.c ---- */
web_route_h web_api_chat_open, web_api_chat_read, web_api_chat_write,
    web_api_chat_leave, web_api_contact_messages, web_api_contact_write,
    web_api_chat_typing, web_api_contact_typing, web_api_contact_history,
    web_api_chat_transcript;

/** Is a an address a mail may be sent to (no header tricks)? */
bool web_email_valid(const char *a);

/* ---- today.c: the queues' counters start again at local midnight ---- */
struct web_today {
	char tenant[CONFIG_NAME_MAX], timezone[CONFIG_NAME_MAX];
	int64_t since_ms; /* the counters run since then (Unix ms) */
	int64_t next_ms;  /* the next local midnight */
};
/** Each tenant's day from w->cfg, at now_ms (0: the clock); tenants
 * kept keep their day. Arms the midnight timer once listening. ENOMEM. */
int web_today_config(struct web *w, int64_t now_ms);
/** Start the day of every tenant whose midnight is at or before now_ms:
 * its queues' counters are reset. */
void web_today_tick(struct web *w, int64_t now_ms);
void web_today_stop(struct web *w);
/** Since when tenant's counters run (Unix ms; 0: unknown tenant). */
int64_t web_today_since(const struct web *w, const char *tenant);
json_t *web_today_since_json(const struct web *w, const char *tenant);

/* ---- typing.c: "is typing…" in a web chat ---- */
int web_typing_init(struct web *w);
void web_typing_flush(struct web *w);
/** The agent of chat key types now: told to the visitor for 6 s. */
int web_typing_agent(struct web *w, uint64_t key);
bool web_typing_agent_now(const struct web *w, uint64_t key);
/** The visitor of chat key types: true when the agent is to be told
 * (at most once every 2 s per chat). */
bool web_typing_visitor(struct web *w, uint64_t key);
/** May chat key mail its transcript now (3 a chat, one a minute)? 0 and
 * counted, EAGAIN (too soon), EDQUOT (no more), ENOMEM. */
int web_transcript_allowed(struct web *w, uint64_t key);

/* ---- api_report.c: the reports (docs/reports.md) ---- */
web_route_h web_api_report_queues, web_api_report_agents;

/* ---- api.c and metrics.c: the routes ---- */
web_route_h web_api_agent_queue_put, web_api_agent_queue_delete;
/** An agent as the API shows it: state, skills, queues (api_member.c). */
json_t *web_agent_json(const struct web *w, const struct config_agent *a,
                       uint32_t id);
/** The engine id of configured agent a, ACD_NONE when unknown. */
uint32_t web_agent_id(const struct web *w, const struct config_agent *a);
/** The index of the configured agent of the call's {tenant}/{name} that
 * the user may see, or SIZE_MAX after a 404 in r. */
size_t web_agent_of_call(const struct web *w, const struct web_call *call,
                         struct web_reply *r);
web_route_h web_api_queues, web_api_queue, web_api_agents, web_api_agent_state,
    web_api_emergency, web_api_reload, web_api_metrics;

#endif
