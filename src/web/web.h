/*
 * web.h - the REST API and /metrics, served by the daemon on libre's
 * event loop: users sign in with a password (argon2id), get a bearer
 * token, and see and change only their tenants' queues, agents and flows,
 * as far as their role allows. See docs/api.md and docs/openapi.yaml.
 */
#ifndef CENTRALINO_WEB_H
#define CENTRALINO_WEB_H

struct acd;
struct acd_event;
struct config;
struct desk;
struct email;
struct store;
struct voice;
struct web;

/** Reload the configuration; 0 when the new one is in force. */
typedef int(web_reload_h)(void *arg);

/** What the web side works with; every pointer is borrowed. */
struct web_env {
	const char *listen;       /* "127.0.0.1:8080", "[::1]:8080"; NULL or
	                             "": no socket (tests) */
	struct acd *acd;          /* required */
	struct voice *voice;      /* NULL: no voice channel (emergency 409) */
	struct desk *desk;        /* NULL: no contacts routes (409) */
	uint64_t agent_grace_ms;  /* an agent's desktop gone this long: its
	                             chats go back to queue; 0: 30 s */
	struct store *store;      /* NULL: no journal to read */
	const char *certificate;  /* PEM key + chain: HTTPS; NULL or "": HTTP */
	struct email *email;      /* NULL: e-mail answers 409 */
	struct members *members;  /* NULL: agents cannot be moved (409) */
	const struct config *cfg; /* users, tenants, queues, agents, flows */
	web_reload_h *reload;     /* POST /api/v1/reload; NULL: 409 */
	void *reload_arg;
	const char *pages; /* folder of the pages (docs/pages.md); NULL or
	                      "": none, a missing one is logged */
};

/**
 * Start serving HTTP on env->listen. env->acd, env->voice and env->cfg
 * must outlive the web object (or be replaced with web_config()). Returns
 * 0, EINVAL (no engine or configuration, a bad address), ENOMEM, or an
 * errno from the network (EADDRINUSE); *wp is untouched on error.
 */
int web_alloc(struct web **wp, const struct web_env *env);
/**
 * Use cfg from now on (after a reload; may be called from inside the
 * reload callback). Signed-in users keep their tokens; a user removed
 * from cfg gets 401 on the next request, a changed role or tenant list
 * applies at once.
 */
void web_config(struct web *w, const struct config *cfg);
/**
 * An engine event, for the WebSocket feed (GET /api/v1/events): kept in
 * a ring and pushed to the subscribers who may see it. Call it from the
 * engine's event handler, for every event. NULL w is accepted.
 */
void web_engine_event(struct web *w, const struct acd_event *ev);
/** The folder the pages are served from (resolved), or NULL: none. */
const char *web_pages(const struct web *w);
/** Stop listening, forget every token and free. NULL is accepted. */
void web_free(struct web *w);

#endif
