/*
 * auth.c - signing in: argon2id password checks, bearer tokens kept in
 * memory with an expiry, and the throttling of addresses that fail.
 *
 * A token is 256 random bits, sent as 64 hex digits; the daemon keeps
 * them in a hash keyed by their first bytes (already random) and compares
 * the whole token in constant time. A restart signs everybody out: tokens
 * are not stored, by choice, until the store exists (issue 5, sessions).
 *
 * A browser asks for a cookie session instead: the same 256-bit token,
 * but in an HttpOnly cookie that page scripts cannot read, with a second
 * random token for CSRF that the page sends back in X-CSRF-Token on every
 * request that changes something. A cookie is never accepted as a bearer
 * token nor the other way round, so a token that leaked from one kind of
 * client cannot be replayed as the other.
 */
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/log.h"
#include "web/web_int.h"

#define PASSWORD_MAX 1024 /* bytes; argon2id hashes any length, we do not */

struct web_session {
	struct le le;
	uint8_t token[WEB_TOKEN_BYTES];
	uint8_t csrf[WEB_TOKEN_BYTES]; /* cookie sessions */
	bool cookie;
	char user[CONFIG_NAME_MAX];
	uint64_t expires; /* ms */
	struct list subs; /* struct web_sub: its WebSockets */
};

/* What a lookup wants: the token and the kind of session. */
struct session_key {
	const uint8_t *token;
	bool cookie;
};

uint64_t web_now(const struct web *w)
{
	return w->now_ms ? w->now_ms : tmr_jiffies();
}

static uint32_t token_key(const uint8_t *token)
{
	uint32_t key;
	memcpy(&key, token, sizeof(key));
	return key;
}

static void session_destructor(void *arg)
{
	struct web_session *s = arg;
	struct le *le = s->subs.head;
	/* A WebSocket lives no longer than the session that opened it. */
	while (le) {
		struct web_sub *sub = le->data;
		le = le->next;
		web_sub_session_ended(sub);
	}
	hash_unlink(&s->le);
	sodium_memzero(s->token, sizeof(s->token));
	sodium_memzero(s->csrf, sizeof(s->csrf));
}

int web_sessions_init(struct web *w)
{
	if (sodium_init() < 0)
		return ENOSYS;
	return hash_alloc(&w->sessions, 1024);
}

void web_sessions_flush(struct web *w)
{
	hash_flush(w->sessions);
	w->nsessions = 0;
}

static bool token_cmp(struct le *le, void *arg)
{
	const struct web_session *s = le->data;
	const struct session_key *k = arg;
	return sodium_memcmp(s->token, k->token, WEB_TOKEN_BYTES) == 0 &&
	       s->cookie == k->cookie;
}

static void session_drop(struct web *w, struct web_session *s)
{
	mem_deref(s);
	w->nsessions--;
}

/* 64 hex digits into WEB_TOKEN_BYTES; false for anything else. */
static bool token_decode(const struct pl *hex, uint8_t *token)
{
	size_t len = 0;
	return hex->l == WEB_TOKEN_HEX &&
	       sodium_hex2bin(token, WEB_TOKEN_BYTES, hex->p, WEB_TOKEN_HEX,
	                      NULL, &len, NULL) == 0 &&
	       len == WEB_TOKEN_BYTES;
}

/* The token of "Authorization: Bearer HEX"; false when there is none. */
static bool bearer_token(const struct http_hdr *h, uint8_t *token)
{
	static const char scheme[] = "bearer ";
	const size_t n = sizeof(scheme) - 1;
	struct pl hex;

	if (h->val.l != n + WEB_TOKEN_HEX ||
	    strncasecmp(h->val.p, scheme, n) != 0)
		return false;
	hex.p = h->val.p + n;
	hex.l = WEB_TOKEN_HEX;
	return token_decode(&hex, token);
}

static bool ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

static void trim(struct pl *pl)
{
	while (pl->l && ows(pl->p[0])) {
		pl->p++;
		pl->l--;
	}
	while (pl->l && ows(pl->p[pl->l - 1]))
		pl->l--;
}

int web_cookie_parse(const struct pl *hdr, const char *name, struct pl *valp)
{
	size_t i = 0, pairs = 0, nlen = strlen(name);
	bool found = false;

	if (!hdr || hdr->l > WEB_COOKIE_MAX)
		return EBADMSG;
	while (i < hdr->l) {
		struct pl pair = {hdr->p + i, 0}, key, val;
		const char *eq;
		while (i < hdr->l && hdr->p[i] != ';')
			i++;
		pair.l = (size_t)(hdr->p + i - pair.p);
		i++; /* the ';' */
		trim(&pair);
		if (!pair.l)
			continue;
		if (++pairs > WEB_COOKIES_MAX)
			return EBADMSG;
		eq = memchr(pair.p, '=', pair.l);
		if (!eq)
			continue; /* not a pair: ignored, as browsers do */
		key.p = pair.p;
		key.l = (size_t)(eq - pair.p);
		val.p = eq + 1;
		val.l = pair.l - key.l - 1;
		trim(&key);
		trim(&val);
		if (val.l >= 2 && val.p[0] == '"' && val.p[val.l - 1] == '"') {
			val.p++;
			val.l -= 2;
		}
		if (key.l != nlen || memcmp(key.p, name, nlen))
			continue;
		if (found)
			return EBADMSG;
		*valp = val;
		found = true;
	}
	return found ? 0 : ENOENT;
}

struct cookie_search {
	struct pl val;
	int err; /* ENOENT until found once */
};

static bool cookie_header(const struct http_hdr *h, void *arg)
{
	struct cookie_search *cs = arg;
	struct pl val;
	int err = web_cookie_parse(&h->val, WEB_COOKIE_NAME, &val);
	if (err == ENOENT)
		return false;
	if (err || !cs->err) {
		cs->err = EBADMSG; /* malformed, or named in two headers */
		return true;
	}
	cs->err = 0;
	cs->val = val;
	return false;
}

/* The token of the session cookie; false when there is none or the
 * Cookie headers are too long, malformed or ambiguous. */
static bool cookie_token(const struct http_msg *msg, uint8_t *token)
{
	struct cookie_search cs = {PL_INIT, ENOENT};
	(void)http_msg_xhdr_apply(msg, true, "Cookie", cookie_header, &cs);
	return !cs.err && token_decode(&cs.val, token);
}

/* May this method change something? Then a cookie needs the CSRF token. */
static bool method_safe(const struct http_msg *msg)
{
	return !pl_strcmp(&msg->met, "GET") || !pl_strcmp(&msg->met, "HEAD");
}

static bool csrf_ok(const struct http_msg *msg, const struct web_session *s)
{
	const struct http_hdr *h = http_msg_xhdr(msg, "X-CSRF-Token");
	uint8_t csrf[WEB_TOKEN_BYTES];
	bool ok;
	if (!h || !token_decode(&h->val, csrf))
		return false;
	ok = sodium_memcmp(csrf, s->csrf, sizeof(csrf)) == 0;
	sodium_memzero(csrf, sizeof(csrf));
	return ok;
}

static struct web_session *session_find(struct web *w, const uint8_t *token,
                                        bool cookie)
{
	struct session_key k = {token, cookie};
	struct le *le =
	    hash_lookup(w->sessions, token_key(token), token_cmp, &k);
	return le ? le->data : NULL;
}

int web_authenticate(struct web *w, struct web_call *call)
{
	const struct http_hdr *auth =
	    http_msg_hdr(call->msg, HTTP_HDR_AUTHORIZATION);
	uint8_t token[WEB_TOKEN_BYTES];
	const struct config_user *u;
	struct web_session *s = NULL;
	bool cookie = false, have;

	/* A request with an Authorization header is judged by it alone:
	 * a bad token is not rescued by a cookie. */
	if (auth)
		have = bearer_token(auth, token);
	else
		have = cookie = cookie_token(call->msg, token);
	if (have)
		s = session_find(w, token, cookie);
	sodium_memzero(token, sizeof(token));
	if (!s)
		return ENOENT;
	u = config_user_find(w->cfg, s->user);
	if (!u || s->expires <= web_now(w)) {
		session_drop(w, s);
		return ENOENT;
	}
	if (cookie && !method_safe(call->msg) && !csrf_ok(call->msg, s))
		return EPERM;
	call->user = u;
	call->session = s;
	call->cookie = cookie;
	return 0;
}

void web_session_end(struct web *w, struct web_session *s)
{
	if (s)
		session_drop(w, s);
}

bool web_session_alive(const struct web *w, const struct web_session *s)
{
	return s && s->expires > web_now(w) &&
	       config_user_find(w->cfg, s->user);
}

void web_session_attach(struct web_session *s, struct le *le, void *sub)
{
	list_append(&s->subs, le, sub);
}

bool web_user_tenant(const struct config *cfg, const struct config_user *u,
                     const char *tenant)
{
	(void)cfg;
	for (unsigned i = 0; u && i < u->ntenants; i++) {
		if (!strcmp(u->tenants[i].name, tenant))
			return true;
	}
	return false;
}

static bool expired_apply(struct le *le, void *arg)
{
	struct web *w = arg;
	struct web_session *s = le->data;
	if (s->expires <= web_now(w))
		session_drop(w, s);
	return false;
}

/* A new session for user; its token in hex (NUL-terminated) in hex. */
static int session_new(struct web *w, const char *user, bool cookie,
                       struct web_session **sp, char *hex)
{
	struct web_session *s;
	if (w->nsessions >= WEB_SESSIONS_MAX)
		(void)hash_apply(w->sessions, expired_apply, w);
	if (w->nsessions >= WEB_SESSIONS_MAX)
		return ENOSPC;
	s = mem_zalloc(sizeof(*s), session_destructor);
	if (!s)
		return ENOMEM;
	randombytes_buf(s->token, sizeof(s->token));
	randombytes_buf(s->csrf, sizeof(s->csrf));
	s->cookie = cookie;
	snprintf(s->user, sizeof(s->user), "%s", user);
	s->expires = web_now(w) + WEB_SESSION_TTL;
	hash_append(w->sessions, token_key(s->token), &s->le, s);
	w->nsessions++;
	sodium_bin2hex(hex, WEB_TOKEN_HEX + 1, s->token, sizeof(s->token));
	*sp = s;
	return 0;
}

/* The throttling key of an address: IPv4 as is, IPv6 by its /64, since
 * one host holds a whole /64 and would otherwise fail without end. */
static void throttle_key(const struct sa *peer, char *key, size_t size)
{
	uint8_t a6[16];
	if (!peer || !sa_isset(peer, SA_ADDR)) {
		snprintf(key, size, "-");
	} else if (sa_af(peer) == AF_INET6) {
		sa_in6(peer, a6);
		snprintf(key, size, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64",
		         a6[0], a6[1], a6[2], a6[3], a6[4], a6[5], a6[6],
		         a6[7]);
	} else {
		(void)re_snprintf(key, size, "%j", peer);
	}
}

static struct web_throttle *throttle_find(struct web *w, const char *key)
{
	for (size_t i = 0; i < WEB_THROTTLE_N; i++) {
		if (!strcmp(w->throttle[i].addr, key))
			return &w->throttle[i];
	}
	return NULL;
}

/* A slot for key: a free one, else the one least worth keeping (blocked
 * slots last, then the oldest window). */
static struct web_throttle *throttle_slot(struct web *w, const char *key)
{
	struct web_throttle *t = throttle_find(w, key), *best = NULL;
	uint64_t now = web_now(w);
	if (t)
		return t;
	for (size_t i = 0; i < WEB_THROTTLE_N; i++) {
		struct web_throttle *c = &w->throttle[i];
		bool c_blocked = c->blocked_until > now;
		if (!c->addr[0]) {
			best = c;
			break;
		}
		if (!best || (best->blocked_until > now && !c_blocked) ||
		    ((best->blocked_until > now) == c_blocked &&
		     c->window_start < best->window_start))
			best = c;
	}
	memset(best, 0, sizeof(*best));
	snprintf(best->addr, sizeof(best->addr), "%s", key);
	best->window_start = now;
	return best;
}

/* Seconds the address must still wait, 0 when it may try. */
static unsigned throttle_wait(struct web *w, const char *key)
{
	const struct web_throttle *t = throttle_find(w, key);
	uint64_t now = web_now(w);
	if (!t || t->blocked_until <= now)
		return 0;
	return (unsigned)((t->blocked_until - now + 999) / 1000);
}

static void throttle_fail(struct web *w, const char *key)
{
	struct web_throttle *t = throttle_slot(w, key);
	uint64_t now = web_now(w);
	if (now - t->window_start >= WEB_THROTTLE_WIN) {
		t->window_start = now;
		t->failures = 0;
	}
	if (++t->failures >= WEB_THROTTLE_MAX) {
		t->blocked_until = now + WEB_THROTTLE_BLK;
		t->failures = 0;
		log_event(LOG_WARN, "http.login-throttled", "address=%s", key);
	}
}

static void throttle_clear(struct web *w, const char *key)
{
	struct web_throttle *t = throttle_find(w, key);
	if (t)
		memset(t, 0, sizeof(*t));
}

/*
 * The password check. An unknown user costs the same argon2id work as a
 * known one (verified against another user's hash and refused), so the
 * answer's timing does not tell which user names exist.
 */
static const char *check_hash(const struct config *cfg,
                              const struct config_user *u)
{
	return u ? u->password_hash
	         : (cfg->nusers ? cfg->users[0].password_hash : NULL);
}

static bool password_ok(const struct config *cfg, const struct config_user *u,
                        const char *password)
{
	const char *hash = check_hash(cfg, u);
	bool ok = hash && crypto_pwhash_str_verify(hash, password,
	                                           strlen(password)) == 0;
	return ok && u;
}

/* "centralino_session=VALUE; ...": set with the session's life, or
 * cleared (value "" and Max-Age=0). */
static void cookie_set(const struct web *w, struct web_reply *r,
                       const char *value, uint64_t max_age)
{
	snprintf(r->set_cookie, sizeof(r->set_cookie),
	         "%s=%s; Path=/; Max-Age=%llu; HttpOnly; SameSite=Strict%s",
	         WEB_COOKIE_NAME, value, (unsigned long long)max_age,
	         w->secure ? "; Secure" : "");
}

static void login_reply(struct web *w, const struct config_user *u, bool cookie,
                        struct web_reply *r)
{
	char hex[WEB_TOKEN_HEX + 1], csrf[WEB_TOKEN_HEX + 1];
	struct web_session *s = NULL;
	const uint64_t ttl = WEB_SESSION_TTL / 1000;
	int err = session_new(w, u->name, cookie, &s, hex);
	if (err) {
		web_reply_error(r, 429, "too-many-sessions",
		                "too many signed-in sessions; try later");
		r->retry_after = 60;
		return;
	}
	if (cookie) {
		/* The token goes only into the HttpOnly cookie: a script
		 * that the page runs never sees it. */
		sodium_bin2hex(csrf, sizeof(csrf), s->csrf, sizeof(s->csrf));
		cookie_set(w, r, hex, ttl);
		web_reply_json(r, 200,
		               json_pack("{s:s,s:s,s:I,s:s}", "token_type",
		                         "cookie", "csrf_token", csrf,
		                         "expires_in", (json_int_t)ttl, "role",
		                         config_role_name(u->role)));
		sodium_memzero(csrf, sizeof(csrf));
	} else {
		web_reply_json(r, 200,
		               json_pack("{s:s,s:s,s:I,s:s}", "token", hex,
		                         "token_type", "Bearer", "expires_in",
		                         (json_int_t)ttl, "role",
		                         config_role_name(u->role)));
	}
	sodium_memzero(hex, sizeof(hex));
	log_event(LOG_INFO, "http.login", "user=%s role=%s session=%s", u->name,
	          config_role_name(u->role), cookie ? "cookie" : "bearer");
}

/* The "session" field: "bearer" (the default) or "cookie". */
static bool session_kind(struct web_reply *r, json_t *obj, bool *cookie)
{
	const char *kind;
	if (!web_field_string(r, obj, "session", false, 16, &kind))
		return false;
	*cookie = kind && !strcmp(kind, "cookie");
	if (kind && !*cookie && strcmp(kind, "bearer")) {
		web_reply_error(r, 400, "bad-field",
		                "field 'session' must be bearer or cookie");
		return false;
	}
	return true;
}

void web_api_login(struct web *w, struct web_call *call, struct web_reply *r)
{
	static const char *const keys[] = {"user", "password", "session", NULL};
	const char *name, *password;
	const struct config_user *u;
	bool cookie = false;
	char key[64];
	json_t *obj;

	throttle_key(call->peer, key, sizeof(key));
	r->retry_after = throttle_wait(w, key);
	if (r->retry_after) {
		web_reply_error(r, 429, "throttled",
		                "too many failed logins from this address");
		return;
	}
	obj = web_body_object(call, r, keys);
	if (!obj)
		return;
	if (!web_field_string(r, obj, "user", true, CONFIG_NAME_MAX, &name) ||
	    !web_field_string(r, obj, "password", true, PASSWORD_MAX,
	                      &password) ||
	    !session_kind(r, obj, &cookie))
		goto out;
	u = config_user_find(w->cfg, name);
	if (w->verifier) /* off the loop; answered by web_login_finish() */
		(void)web_verify_submit(w, name, check_hash(w->cfg, u),
		                        password, cookie, key, r);
	else
		web_login_finish(w, name, password_ok(w->cfg, u, password),
		                 cookie, key, r);
out:
	json_decref(obj);
}

void web_login_finish(struct web *w, const char *user, bool ok, bool cookie,
                      const char *key, struct web_reply *r)
{
	/* found again: a reload may have removed the user meanwhile */
	const struct config_user *u = config_user_find(w->cfg, user);

	if (!ok || !u) {
		throttle_fail(w, key);
		log_event(LOG_WARN, "http.login-failed", "address=%s", key);
		web_reply_error(r, 401, "bad-credentials",
		                "the user or the password is wrong");
		return;
	}
	throttle_clear(w, key);
	login_reply(w, u, cookie, r);
}

void web_api_logout(struct web *w, struct web_call *call, struct web_reply *r)
{
	log_event(LOG_INFO, "http.logout", "user=%s session=%s",
	          call->user->name, call->cookie ? "cookie" : "bearer");
	if (call->cookie)
		cookie_set(w, r, "", 0);
	web_session_end(w, call->session);
	call->session = NULL;
	call->user = NULL;
	web_reply_json(r, 200, json_pack("{s:b}", "signed_out", 1));
}

void web_api_session(struct web *w, struct web_call *call, struct web_reply *r)
{
	const struct config_user *u = call->user;
	const struct web_session *s = call->session;
	char csrf[WEB_TOKEN_HEX + 1];
	json_t *tenants = json_array(), *obj;

	for (unsigned i = 0; tenants && i < u->ntenants; i++)
		json_array_append_new(tenants, json_string(u->tenants[i].name));
	obj = json_pack("{s:s,s:s,s:o,s:s,s:I}", "user", u->name, "role",
	                config_role_name(u->role), "tenants", tenants,
	                "token_type", s->cookie ? "cookie" : "Bearer",
	                "expires_in",
	                (json_int_t)((s->expires - web_now(w)) / 1000));
	if (obj && u->agent.name[0])
		json_object_set_new(obj, "agent", json_string(u->agent.name));
	if (obj && s->cookie) {
		/* A page that was reloaded gets its CSRF token back. */
		sodium_bin2hex(csrf, sizeof(csrf), s->csrf, sizeof(s->csrf));
		json_object_set_new(obj, "csrf_token", json_string(csrf));
		sodium_memzero(csrf, sizeof(csrf));
	}
	web_reply_json(r, 200, obj);
}
