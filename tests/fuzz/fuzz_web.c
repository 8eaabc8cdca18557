/*
 * fuzz_web.c - libFuzzer target: the REST API's request handling that is
 * ours (src/web/): routing, path parameters, tokens, JSON bodies, every
 * route handler (contacts too, on a desk without a store), after libre's
 * http_msg_decode() of the bytes.
 *
 * The first byte picks what the rest is:
 *   0: a whole HTTP request, as a client would send it;
 *   1: "METHOD PATH" up to the first '\n', then a body: sent with a valid
 *      administrator's token and a matching Content-Length, so that the
 *      handlers behind the token and their JSON parsing are reached;
 *   2: the same with an agent's token (roles and their refusals).
 * The web object lives across inputs over a small two-tenant
 * configuration; nothing may crash or leak.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "desk/desk.h"
#include "web/web_int.h"

#define INPUT_MAX (80u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	struct config *cfg;
	struct acd *acd;
	struct desk *desk; /* contacts, without a store */
	struct web *web;
	struct sa peer;
	char admin[WEB_TOKEN_HEX + 1], agent[WEB_TOKEN_HEX + 1];
} fx;

static const char yaml[] =
    "tenants: [{name: demo}, {name: other}]\n"
    "queues: [{name: info, tenant: demo}, {name: sales, tenant: other}]\n"
    "agents:\n"
    "  - {name: agent1, tenant: demo, queues: [info]}\n"
    "  - {name: agent9, tenant: other, queues: [sales]}\n"
    "flows: [{name: hotline, tenant: demo, start: main,\n"
    "         nodes: {main: [hangup]}}]\n"
    "users:\n"
    "  - {name: admin, password_hash: \"%s\", role: administrator,\n"
    "     tenants: [demo]}\n"
    "  - {name: maria, password_hash: \"%s\", role: agent,\n"
    "     tenants: [demo], agent: agent1}\n";

static acd_time_t fixed_clock(void *arg)
{
	(void)arg;
	return 1000;
}

static void to_desk(const struct acd_event *ev, void *arg)
{
	(void)arg;
	if (fx.desk)
		desk_engine_event(fx.desk, ev);
}

static int reload_ok(void *arg)
{
	(void)arg;
	return 0;
}

/* Dispatch len bytes of request text; the reply is dropped. */
static void dispatch(const uint8_t *text, size_t len, struct web_reply *r)
{
	struct mbuf *mb = mbuf_alloc(len + 1);
	struct http_msg *msg = NULL;
	memset(r, 0, sizeof(*r));
	if (!mb || mbuf_write_mem(mb, text, len))
		goto out;
	mb->pos = 0;
	if (http_msg_decode(&msg, mb, true))
		goto out;
	/* As libre's server does: the body ends at Content-Length. */
	if (mbuf_get_left(mb) > msg->clen)
		mb->end = mb->pos + msg->clen;
	web_dispatch(fx.web, msg, &fx.peer, r);
out:
	mem_deref(msg);
	mem_deref(mb);
}

static void login(const char *user, char *token)
{
	char text[256];
	struct web_reply r;
	int n = snprintf(text, sizeof(text),
	                 "POST /api/v1/login HTTP/1.1\r\nContent-Length: "
	                 "%zu\r\n\r\n{\"user\":\"%s\",\"password\":\"pw\"}",
	                 strlen(user) + 27, user);
	dispatch((const uint8_t *)text, (size_t)n, &r);
	if (r.status != 200 || !r.body)
		abort();
	/* {"token":"HEX",...}: the token starts after 10 bytes. */
	memcpy(token, r.body->buf + 10, WEB_TOKEN_HEX);
	token[WEB_TOKEN_HEX] = '\0';
	web_reply_reset(&r);
}

static void setup(void)
{
	char h[2][crypto_pwhash_STRBYTES], text[2048];
	struct config_errors errs = {0};
	struct web_env env = {0};

	if (sodium_init() < 0)
		abort();
	for (int i = 0; i < 2; i++) {
		if (crypto_pwhash_str(h[i], "pw", 2, crypto_pwhash_OPSLIMIT_MIN,
		                      crypto_pwhash_MEMLIMIT_MIN))
			abort();
	}
	snprintf(text, sizeof(text), yaml, h[0], h[1]);
	if (config_parse(text, strlen(text), "fuzz.yaml", &fx.cfg, &errs) ||
	    acd_alloc(&fx.acd, fixed_clock, to_desk, NULL, 1) ||
	    config_apply(fx.cfg, fx.acd, &errs))
		abort();
	if (desk_alloc(&fx.desk, &(struct desk_params){.acd = fx.acd}))
		abort();
	env.acd = fx.acd;
	env.desk = fx.desk;
	env.cfg = fx.cfg;
	env.reload = reload_ok;
	if (web_alloc(&fx.web, &env) || sa_set_str(&fx.peer, "::1", 40000))
		abort();
	login("admin", fx.admin);
	login("maria", fx.agent);
}

/* Mode 1 and 2: the request line and body from data, a token added. */
static void signed_request(const uint8_t *data, size_t size, const char *token)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t line = nl ? (size_t)(nl - data) : size;
	size_t body = nl ? size - line - 1 : 0;
	char head[512];
	struct web_reply r;
	uint8_t *text;
	int n;

	if (line > 200)
		return;
	n = snprintf(head, sizeof(head),
	             "%.*s HTTP/1.1\r\nAuthorization: Bearer %s\r\n"
	             "Content-Length: %zu\r\n\r\n",
	             (int)line, (const char *)data, token, body);
	text = malloc((size_t)n + body);
	if (!text)
		return;
	memcpy(text, head, (size_t)n);
	if (body)
		memcpy(text + n, nl + 1, body);
	dispatch(text, (size_t)n + body, &r);
	web_reply_reset(&r);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_reply r;
	if (!fx.web)
		setup();
	if (size < 1 || size > INPUT_MAX)
		return 0;
	switch (data[0] % 3) {
	case 0:
		dispatch(data + 1, size - 1, &r);
		web_reply_reset(&r);
		break;
	case 1:
		signed_request(data + 1, size - 1, fx.admin);
		break;
	default:
		signed_request(data + 1, size - 1, fx.agent);
		break;
	}
	return 0;
}
