/*
 * router.c - from a decoded HTTP request to a route handler: path
 * matching with {tenant}/{name} parameters, the body limit, the bearer
 * token and the role. No socket here: web.c, the unit tests and the
 * fuzzer all call web_dispatch().
 */
#include <stdio.h>
#include <string.h>

#include "web/web_int.h"

#define SEGMENTS_MAX 8

enum access {
	OPEN = 0, /* no token (login) */
	METRICS,  /* no token from loopback, else an administrator's */
	SIGNED,   /* a token; role at least min_role */
};

struct route {
	const char *method;
	const char *path[SEGMENTS_MAX]; /* "*" is a parameter; NULL ends */
	enum access access;
	enum config_role min_role;
	web_route_h *handler;
};

#define AGENT CONFIG_ROLE_AGENT
#define SUPER CONFIG_ROLE_SUPERVISOR
#define ADMIN CONFIG_ROLE_ADMINISTRATOR

static const struct route routes[] = {
    {"POST", {"api", "v1", "login"}, OPEN, AGENT, web_api_login},
    {"POST", {"api", "v1", "logout"}, SIGNED, AGENT, web_api_logout},
    {"GET", {"api", "v1", "session"}, SIGNED, AGENT, web_api_session},
    {"GET", {"api", "v1", "events"}, SIGNED, AGENT, web_api_events},
    {"GET", {"api", "v1", "queues"}, SIGNED, AGENT, web_api_queues},
    {"GET", {"api", "v1", "queues", "*", "*"}, SIGNED, AGENT, web_api_queue},
    {"GET", {"api", "v1", "agents"}, SIGNED, AGENT, web_api_agents},
    {"GET",
     {"api", "v1", "reports", "agents"},
     SIGNED,
     SUPER,
     web_api_report_agents},
    {"GET",
     {"api", "v1", "reports", "queues"},
     SIGNED,
     SUPER,
     web_api_report_queues},
    {"PUT",
     {"api", "v1", "agents", "*", "*", "state"},
     SIGNED,
     AGENT,
     web_api_agent_state},
    {"PUT",
     {"api", "v1", "agents", "*", "*", "queues", "*"},
     SIGNED,
     SUPER,
     web_api_agent_queue_put},
    {"DELETE",
     {"api", "v1", "agents", "*", "*", "queues", "*"},
     SIGNED,
     SUPER,
     web_api_agent_queue_delete},
    {"POST",
     {"api", "v1", "flows", "*", "*", "emergency"},
     SIGNED,
     SUPER,
     web_api_emergency},
    {"GET", {"api", "v1", "contacts"}, SIGNED, AGENT, web_api_contacts},
    {"POST", {"api", "v1", "contacts"}, SIGNED, AGENT, web_api_contact_create},
    {"GET", {"api", "v1", "contacts", "*"}, SIGNED, AGENT, web_api_contact},
    {"DELETE",
     {"api", "v1", "contacts", "*"},
     SIGNED,
     AGENT,
     web_api_contact_withdraw},
    {"GET",
     {"api", "v1", "contacts", "*", "journal"},
     SIGNED,
     AGENT,
     web_api_contact_journal},
    {"GET",
     {"api", "v1", "contacts", "*", "history"},
     SIGNED,
     AGENT,
     web_api_contact_history},
    {"POST",
     {"api", "v1", "contacts", "*", "accept"},
     SIGNED,
     AGENT,
     web_api_contact_accept},
    {"POST",
     {"api", "v1", "contacts", "*", "reject"},
     SIGNED,
     AGENT,
     web_api_contact_reject},
    {"POST",
     {"api", "v1", "contacts", "*", "finish"},
     SIGNED,
     AGENT,
     web_api_contact_finish},
    {"POST",
     {"api", "v1", "contacts", "*", "wrapup-done"},
     SIGNED,
     AGENT,
     web_api_contact_wrapup_done},
    {"POST",
     {"api", "v1", "contacts", "*", "hold"},
     SIGNED,
     AGENT,
     web_api_call_hold},
    {"POST",
     {"api", "v1", "contacts", "*", "resume"},
     SIGNED,
     AGENT,
     web_api_call_resume},
    {"POST",
     {"api", "v1", "contacts", "*", "hangup"},
     SIGNED,
     AGENT,
     web_api_call_hangup},
    {"POST",
     {"api", "v1", "contacts", "*", "transfer"},
     SIGNED,
     AGENT,
     web_api_call_transfer},
    {"POST",
     {"api", "v1", "contacts", "*", "transfer", "complete"},
     SIGNED,
     AGENT,
     web_api_call_transfer_complete},
    {"POST",
     {"api", "v1", "contacts", "*", "transfer", "cancel"},
     SIGNED,
     AGENT,
     web_api_call_transfer_cancel},
    {"POST",
     {"api", "v1", "contacts", "*", "supervise"},
     SIGNED,
     SUPER,
     web_api_call_supervise},
    {"POST",
     {"api", "v1", "contacts", "*", "supervise", "mode"},
     SIGNED,
     SUPER,
     web_api_call_supervise_mode},
    {"POST",
     {"api", "v1", "contacts", "*", "supervise", "stop"},
     SIGNED,
     SUPER,
     web_api_call_supervise_stop},
    {"GET",
     {"api", "v1", "contacts", "*", "recordings"},
     SIGNED,
     SUPER,
     web_api_contact_recordings},
    {"GET",
     {"api", "v1", "contacts", "*", "recordings", "*"},
     SIGNED,
     SUPER,
     web_api_contact_recording},
    {"GET",
     {"api", "v1", "contacts", "*", "messages"},
     SIGNED,
     AGENT,
     web_api_contact_messages},
    {"POST",
     {"api", "v1", "contacts", "*", "messages"},
     SIGNED,
     AGENT,
     web_api_contact_write},
    {"POST",
     {"api", "v1", "contacts", "*", "typing"},
     SIGNED,
     AGENT,
     web_api_contact_typing},
    {"POST",
     {"api", "v1", "contacts", "*", "reply"},
     SIGNED,
     AGENT,
     web_api_contact_reply},
    /* the web chat's visitors: no sign-in, the chat's own token */
    {"POST", {"api", "v1", "chats"}, OPEN, AGENT, web_api_chat_open},
    {"GET", {"api", "v1", "chats", "*"}, OPEN, AGENT, web_api_chat_read},
    {"DELETE", {"api", "v1", "chats", "*"}, OPEN, AGENT, web_api_chat_leave},
    {"POST",
     {"api", "v1", "chats", "*", "messages"},
     OPEN,
     AGENT,
     web_api_chat_write},
    {"POST",
     {"api", "v1", "chats", "*", "transcript"},
     OPEN,
     AGENT,
     web_api_chat_transcript},
    {"POST",
     {"api", "v1", "chats", "*", "typing"},
     OPEN,
     AGENT,
     web_api_chat_typing},
    {"GET", {"api", "v1", "rotas"}, SIGNED, AGENT, web_api_rotas},
    {"GET", {"api", "v1", "rotas", "*", "*"}, SIGNED, AGENT, web_api_rota},
    {"PUT",
     {"api", "v1", "rotas", "*", "*", "overrides", "*"},
     SIGNED,
     SUPER,
     web_api_rota_override_set},
    {"DELETE",
     {"api", "v1", "rotas", "*", "*", "overrides", "*"},
     SIGNED,
     SUPER,
     web_api_rota_override_clear},
    {"GET", {"api", "v1", "tenants"}, SIGNED, AGENT, web_api_tenants},
    {"GET", {"api", "v1", "skills"}, SIGNED, AGENT, web_api_skills},
    {"GET", {"api", "v1", "flows"}, SIGNED, AGENT, web_api_flows},
    {"GET", {"api", "v1", "users"}, SIGNED, ADMIN, web_api_users},
    {"GET", {"api", "v1", "audit"}, SIGNED, SUPER, web_api_audit},
    {"POST", {"api", "v1", "reload"}, SIGNED, ADMIN, web_api_reload},
    {"GET", {"metrics"}, METRICS, ADMIN, web_api_metrics},
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

size_t web_route_count(void)
{
	return NROUTES;
}

const char *web_route_at(size_t i, char *path, size_t size)
{
	size_t n = 0;

	if (i >= NROUTES || !size)
		return NULL;
	path[0] = '\0';
	for (size_t k = 0; k < SEGMENTS_MAX && routes[i].path[k] && n < size;
	     k++) {
		const char *seg = routes[i].path[k];
		n += (size_t)snprintf(path + n, size - n, "/%s",
		                      strcmp(seg, "*") ? seg : "{}");
	}
	return routes[i].method;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

bool web_segment_decode(const struct pl *seg, char *dst, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < seg->l; i++) {
		int ch = (unsigned char)seg->p[i];
		if (ch == '%') {
			int hi, lo;
			if (i + 2 >= seg->l)
				return false;
			hi = hexval(seg->p[i + 1]);
			lo = hexval(seg->p[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			ch = hi * 16 + lo;
			i += 2;
		}
		if (ch < 0x20 || ch == 0x7f || ch == '/' || n + 1 >= size)
			return false;
		dst[n++] = (char)ch;
	}
	if (n == 0)
		return false;
	dst[n] = '\0';
	return true;
}

/* Split "/a/b/c" into segments; false for a path that is not absolute,
 * has an empty segment (a trailing or double slash) or too many. */
static bool path_split(const struct pl *path, struct pl *segs, size_t *np)
{
	size_t n = 0, i = 1;
	if (path->l < 2 || path->p[0] != '/')
		return false;
	while (i <= path->l) {
		size_t start = i;
		while (i < path->l && path->p[i] != '/')
			i++;
		if (i == start || n == SEGMENTS_MAX)
			return false;
		segs[n].p = path->p + start;
		segs[n].l = i - start;
		n++;
		i++;
	}
	*np = n;
	return true;
}

/* Does route rt's path match? Parameters are decoded into call. An
 * undecodable parameter does not match: a name that cannot exist. */
static bool path_match(const struct route *rt, const struct pl *segs, size_t n,
                       struct web_call *call)
{
	size_t k = 0;
	for (size_t i = 0; i < SEGMENTS_MAX; i++) {
		const char *want = rt->path[i];
		if (!want)
			return i == n;
		if (i >= n)
			return false;
		if (!strcmp(want, "*")) {
			if (k == WEB_PARAMS_MAX ||
			    !web_segment_decode(&segs[i], call->params[k],
			                        sizeof(call->params[k])))
				return false;
			k++;
		} else if (pl_strcmp(&segs[i], want)) {
			return false;
		}
	}
	return n == SEGMENTS_MAX;
}

/* The route for the request, or NULL after a 404 or 405 in r. */
static const struct route *route_find(const struct http_msg *msg,
                                      struct web_call *call,
                                      struct web_reply *r)
{
	struct pl segs[SEGMENTS_MAX];
	size_t n = 0;
	bool path_known = false;

	if (path_split(&msg->path, segs, &n)) {
		for (size_t i = 0; i < NROUTES; i++) {
			if (!path_match(&routes[i], segs, n, call))
				continue;
			if (!pl_strcmp(&msg->met, routes[i].method))
				return &routes[i];
			path_known = true;
			/* Each path has one method today. */
			r->allow = routes[i].method;
		}
	}
	if (path_known)
		web_reply_error(r, 405, "method-not-allowed",
		                "this path accepts %s only", r->allow);
	else
		web_reply_error(r, 404, "not-found", "no such path");
	return NULL;
}

/* Token and role of a signed route; false after a 401 or 403 in r. */
static bool access_check(struct web *w, const struct route *rt,
                         struct web_call *call, struct web_reply *r)
{
	int err;
	if (rt->access == OPEN)
		return true;
	err = web_authenticate(w, call);
	if (rt->access == METRICS && err == ENOENT && call->peer &&
	    sa_is_loopback(call->peer))
		return true;
	if (err == EPERM) {
		web_reply_error(r, 403, "csrf",
		                "a request signed by the session cookie needs "
		                "the header X-CSRF-Token from the login");
		return false;
	}
	if (err) {
		r->www_authenticate = true;
		web_reply_error(r, 401, "unauthenticated",
		                "send 'Authorization: Bearer TOKEN' with a "
		                "token from POST /api/v1/login");
		return false;
	}
	if (call->user->role < rt->min_role) {
		web_reply_error(r, 403, "forbidden",
		                "this needs the role %s; user '%s' is %s",
		                config_role_name(rt->min_role),
		                call->user->name,
		                config_role_name(call->user->role));
		return false;
	}
	return true;
}

/* Is the path the web chat's (/api/v1/chats...)? Its answers may be read
 * by a visitor's page on any site (docs/pages.md). */
static bool chat_path(const struct pl *path)
{
	static const char chats[] = "/api/v1/chats";
	const size_t n = sizeof(chats) - 1;
	return path->l >= n && !memcmp(path->p, chats, n) &&
	       (path->l == n || path->p[n] == '/');
}

void web_dispatch(struct web *w, const struct http_msg *msg,
                  const struct sa *peer, struct web_reply *r)
{
	struct web_call call;
	const struct route *rt;

	memset(&call, 0, sizeof(call));
	call.msg = msg;
	call.peer = peer;
	if (web_pages_serve(w, msg, r))
		goto out;
	r->cors = chat_path(&msg->path);
	if (r->cors && !pl_strcmp(&msg->met, "OPTIONS")) {
		/* a CORS preflight: the headers say it all */
		r->status = 200;
		r->ctype = "text/plain";
		goto out;
	}
	rt = route_find(msg, &call, r);
	if (!rt)
		goto out;
	/* libre's server leaves a request's body in _mb, from pos, with end
	 * cut at Content-Length (msg->mb is the client side's). */
	if (msg->_mb)
		call.body_len = mbuf_get_left(msg->_mb);
	if (call.body_len > msg->clen)
		call.body_len = msg->clen;
	if (msg->clen > WEB_BODY_MAX || call.body_len > WEB_BODY_MAX) {
		web_reply_error(r, 413, "too-large",
		                "the body is over %u bytes", WEB_BODY_MAX);
		goto out;
	}
	call.body = call.body_len ? mbuf_buf(msg->_mb) : NULL;
	if (access_check(w, rt, &call, r))
		rt->handler(w, &call, r);
out:
	if (r->status >= 100 && r->status < 600)
		w->replies[r->status / 100]++;
}
