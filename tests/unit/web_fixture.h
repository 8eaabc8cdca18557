/*
 * web_fixture.h - a web object without a socket over a small two-tenant
 * configuration, and requests written as HTTP text: what the web unit
 * tests share.
 */
#ifndef TESTS_WEB_FIXTURE_H
#define TESTS_WEB_FIXTURE_H

#include <sodium.h>

#include "web/web_int.h"

struct wfx {
	struct config *cfg;
	struct acd *acd;
	struct web *web;
	acd_time_t now;
	int reloads, reload_err;
	struct sa loopback, remote;
};

/* Two tenants; users of each role. Hashes use libsodium's minimum cost
 * so that the tests stay fast; the daemon takes whatever the file has. */
static const char wfx_yaml[] =
    "tenants: [{name: demo}, {name: other}]\n"
    "queues:\n"
    "  - {name: info, tenant: demo}\n"
    "  - {name: sales, tenant: other}\n"
    "agents:\n"
    "  - {name: agent1, tenant: demo, queues: [info]}\n"
    "  - {name: agent2, tenant: demo, queues: [info]}\n"
    "  - {name: agent9, tenant: other, queues: [sales]}\n"
    "flows:\n"
    "  - name: hotline\n"
    "    tenant: demo\n"
    "    start: main\n"
    "    nodes: {main: [hangup]}\n"
    "users:\n"
    "  - {name: admin, password_hash: \"%s\", role: administrator,\n"
    "     tenants: [demo, other]}\n"
    "  - {name: sup, password_hash: \"%s\", role: supervisor,\n"
    "     tenants: [demo]}\n"
    "  - {name: maria, password_hash: \"%s\", role: agent,\n"
    "     tenants: [demo], agent: agent1}\n";

static acd_time_t wfx_clock(void *arg)
{
	return ((struct wfx *)arg)->now;
}

static void wfx_event(const struct acd_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

static int wfx_reload(void *arg)
{
	struct wfx *f = arg;
	f->reloads++;
	return f->reload_err;
}

static void wfx_hash(char *out, const char *password)
{
	assert_int_equal(crypto_pwhash_str(out, password, strlen(password),
	                                   crypto_pwhash_OPSLIMIT_MIN,
	                                   crypto_pwhash_MEMLIMIT_MIN),
	                 0);
}

static int wfx_setup(void **state)
{
	static char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES],
	    h3[crypto_pwhash_STRBYTES];
	struct config_errors errs = {0};
	struct wfx *f = calloc(1, sizeof(*f));
	char yaml[4096];
	struct web_env env = {0};

	assert_non_null(f);
	assert_true(sodium_init() >= 0);
	wfx_hash(h1, "admin-pw");
	wfx_hash(h2, "sup-pw");
	wfx_hash(h3, "maria-pw");
	snprintf(yaml, sizeof(yaml), wfx_yaml, h1, h2, h3);
	assert_int_equal(
	    config_parse(yaml, strlen(yaml), "web.yaml", &f->cfg, &errs), 0);
	assert_int_equal(acd_alloc(&f->acd, wfx_clock, wfx_event, f, 1), 0);
	assert_int_equal(config_apply(f->cfg, f->acd, &errs), 0);
	env.acd = f->acd;
	env.cfg = f->cfg;
	env.reload = wfx_reload;
	env.reload_arg = f;
	assert_int_equal(web_alloc(&f->web, &env), 0);
	f->web->now_ms = 1000;
	assert_int_equal(sa_set_str(&f->loopback, "127.0.0.1", 40000), 0);
	assert_int_equal(sa_set_str(&f->remote, "192.0.2.7", 40000), 0);
	*state = f;
	return 0;
}

static int wfx_teardown(void **state)
{
	struct wfx *f = *state;
	web_free(f->web);
	acd_free(f->acd);
	config_free(f->cfg);
	free(f);
	return 0;
}

/* Send text (a whole request) from peer; r is filled (reset first). */
static void wfx_send(struct wfx *f, const struct sa *peer, const char *text,
                     struct web_reply *r)
{
	struct mbuf *mb = mbuf_alloc(strlen(text) + 1);
	struct http_msg *msg = NULL;
	web_reply_reset(r);
	assert_non_null(mb);
	assert_int_equal(mbuf_write_str(mb, text), 0);
	mb->pos = 0;
	assert_int_equal(http_msg_decode(&msg, mb, true), 0);
	web_dispatch(f->web, msg, peer, r);
	mem_deref(msg);
	mem_deref(mb);
}

/* METHOD path with an optional token and JSON body. */
static void wfx_call(struct wfx *f, const char *method, const char *path,
                     const char *token, const char *body, struct web_reply *r)
{
	char text[8192], auth[128] = "";
	if (token)
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n",
		         token);
	snprintf(text, sizeof(text),
	         "%s %s HTTP/1.1\r\nHost: x\r\n%sContent-Length: %zu\r\n\r\n%s",
	         method, path, auth, body ? strlen(body) : 0, body ? body : "");
	wfx_send(f, &f->remote, text, r);
}

/* The reply's body as JSON (the caller's); fails the test if it is not. */
static json_t *wfx_json(const struct web_reply *r)
{
	json_t *j;
	assert_non_null(r->body);
	j = json_loadb((const char *)r->body->buf, r->body->end, 0, NULL);
	assert_non_null(j);
	return j;
}

/* The error code of an error reply. */
static void wfx_expect_error(const struct web_reply *r, uint16_t status,
                             const char *code)
{
	json_t *j = wfx_json(r);
	assert_int_equal(r->status, status);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(j, "error"), "code")),
	                    code);
	json_decref(j);
}

/* Sign in; the token into token (65 bytes). */
static void wfx_login(struct wfx *f, const char *user, const char *password,
                      char *token)
{
	struct web_reply r = {0};
	char body[256];
	json_t *j;
	snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}",
	         user, password);
	wfx_call(f, "POST", "/api/v1/login", NULL, body, &r);
	assert_int_equal(r.status, 200);
	j = wfx_json(&r);
	assert_int_equal(strlen(json_string_value(json_object_get(j, "token"))),
	                 WEB_TOKEN_HEX);
	strcpy(token, json_string_value(json_object_get(j, "token")));
	json_decref(j);
	web_reply_reset(&r);
}

/* METHOD path with extra header lines (each ending in "\r\n", may be
 * NULL) and an optional body, from peer. */
static inline void wfx_request(struct wfx *f, const struct sa *peer,
                               const char *method, const char *path,
                               const char *headers, const char *body,
                               struct web_reply *r)
{
	char text[8192];
	snprintf(text, sizeof(text),
	         "%s %s HTTP/1.1\r\nHost: x\r\n%sContent-Length: "
	         "%zu\r\n\r\n%s",
	         method, path, headers ? headers : "", body ? strlen(body) : 0,
	         body ? body : "");
	wfx_send(f, peer, text, r);
}

/* A string field of a JSON reply into out (size bytes); "" if absent. */
static inline void wfx_field(const struct web_reply *r, const char *key,
                             char *out, size_t size)
{
	json_t *j = wfx_json(r);
	const char *v = json_string_value(json_object_get(j, key));
	snprintf(out, size, "%s", v ? v : "");
	json_decref(j);
}

/* Sign in for a cookie session: the cookie's value into cookie and the
 * CSRF token into csrf (65 bytes each). */
static inline void wfx_login_cookie(struct wfx *f, const char *user,
                                    const char *password, char *cookie,
                                    char *csrf)
{
	struct web_reply r = {0};
	char body[256];
	const char *eq;
	snprintf(body, sizeof(body),
	         "{\"user\":\"%s\",\"password\":\"%s\","
	         "\"session\":\"cookie\"}",
	         user, password);
	wfx_call(f, "POST", "/api/v1/login", NULL, body, &r);
	assert_int_equal(r.status, 200);
	wfx_field(&r, "csrf_token", csrf, WEB_TOKEN_HEX + 1);
	assert_int_equal(strlen(csrf), WEB_TOKEN_HEX);
	eq = strchr(r.set_cookie, '=');
	assert_non_null(eq);
	assert_int_equal(strcspn(eq + 1, ";"), WEB_TOKEN_HEX);
	memcpy(cookie, eq + 1, WEB_TOKEN_HEX);
	cookie[WEB_TOKEN_HEX] = '\0';
	web_reply_reset(&r);
}

#endif
