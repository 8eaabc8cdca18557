/*
 * auth.c - signing in: argon2id password checks, bearer tokens kept in
 * memory with an expiry, and the throttling of addresses that fail.
 *
 * A token is 256 random bits, sent as 64 hex digits; the daemon keeps
 * them in a hash keyed by their first bytes (already random) and compares
 * the whole token in constant time. A restart signs everybody out: tokens
 * are not stored, by choice, until the store exists (issue 5, sessions).
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
	char user[CONFIG_NAME_MAX];
	uint64_t expires; /* ms */
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
	hash_unlink(&s->le);
	sodium_memzero(s->token, sizeof(s->token));
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
	return sodium_memcmp(s->token, arg, WEB_TOKEN_BYTES) == 0;
}

static void session_drop(struct web *w, struct web_session *s)
{
	mem_deref(s);
	w->nsessions--;
}

/* The token of "Authorization: Bearer HEX"; false when there is none. */
static bool bearer_token(const struct http_msg *msg, uint8_t *token)
{
	const struct http_hdr *h = http_msg_hdr(msg, HTTP_HDR_AUTHORIZATION);
	static const char scheme[] = "bearer ";
	const size_t n = sizeof(scheme) - 1;
	size_t len = 0;

	if (!h || h->val.l != n + WEB_TOKEN_HEX ||
	    strncasecmp(h->val.p, scheme, n) != 0)
		return false;
	return sodium_hex2bin(token, WEB_TOKEN_BYTES, h->val.p + n,
	                      WEB_TOKEN_HEX, NULL, &len, NULL) == 0 &&
	       len == WEB_TOKEN_BYTES;
}

const struct config_user *web_session_user(struct web *w,
                                           const struct http_msg *msg)
{
	uint8_t token[WEB_TOKEN_BYTES];
	const struct config_user *u;
	struct web_session *s;
	struct le *le;

	if (!bearer_token(msg, token))
		return NULL;
	le = hash_lookup(w->sessions, token_key(token), token_cmp, token);
	sodium_memzero(token, sizeof(token));
	if (!le)
		return NULL;
	s = le->data;
	u = config_user_find(w->cfg, s->user);
	if (!u || s->expires <= web_now(w)) {
		session_drop(w, s);
		return NULL;
	}
	return u;
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
static int session_new(struct web *w, const char *user, char *hex)
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
	snprintf(s->user, sizeof(s->user), "%s", user);
	s->expires = web_now(w) + WEB_SESSION_TTL;
	hash_append(w->sessions, token_key(s->token), &s->le, s);
	w->nsessions++;
	sodium_bin2hex(hex, WEB_TOKEN_HEX + 1, s->token, sizeof(s->token));
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
static bool password_ok(const struct config *cfg, const struct config_user *u,
                        const char *password)
{
	const char *hash =
	    u ? u->password_hash
	      : (cfg->nusers ? cfg->users[0].password_hash : NULL);
	bool ok = hash && crypto_pwhash_str_verify(hash, password,
	                                           strlen(password)) == 0;
	return ok && u;
}

static void login_reply(struct web *w, const struct config_user *u,
                        struct web_reply *r)
{
	char hex[WEB_TOKEN_HEX + 1];
	int err = session_new(w, u->name, hex);
	if (err) {
		web_reply_error(r, 429, "too-many-sessions",
		                "too many signed-in sessions; try later");
		r->retry_after = 60;
		return;
	}
	web_reply_json(r, 200,
	               json_pack("{s:s,s:s,s:I,s:s}", "token", hex,
	                         "token_type", "Bearer", "expires_in",
	                         (json_int_t)(WEB_SESSION_TTL / 1000), "role",
	                         config_role_name(u->role)));
	sodium_memzero(hex, sizeof(hex));
	log_event(LOG_INFO, "http.login", "user=%s role=%s", u->name,
	          config_role_name(u->role));
}

void web_api_login(struct web *w, struct web_call *call, struct web_reply *r)
{
	static const char *const keys[] = {"user", "password", NULL};
	const char *name, *password;
	const struct config_user *u;
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
	                      &password))
		goto out;
	u = config_user_find(w->cfg, name);
	if (!password_ok(w->cfg, u, password)) {
		throttle_fail(w, key);
		log_event(LOG_WARN, "http.login-failed", "address=%s", key);
		web_reply_error(r, 401, "bad-credentials",
		                "the user or the password is wrong");
		goto out;
	}
	throttle_clear(w, key);
	login_reply(w, u, r);
out:
	json_decref(obj);
}
