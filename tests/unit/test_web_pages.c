/*
 * test_web_pages.c - the pages' file server (src/web/pages.c): the path
 * checks as vectors (traversal, encodings, hidden files, NUL), content
 * types, and whole requests through web_dispatch() on a folder made
 * here: a file with its headers, the index of a folder, "/" and a folder
 * without its slash redirected, 304 on the ETag, a symbolic link out of
 * the folder refused, the API's paths untouched, and the web chat's
 * CORS answers. Then what the desktop is told of a chat's new message:
 * the "chat-message" event, its JSON (never the text) and who sees it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "web_fixture.h"

struct path_case {
	const char *path;
	int err;
	const char *rel; /* when err is 0 */
};

static const struct path_case path_cases[] = {
    {"/", 0, "index.html"},
    {"/agent/", 0, "agent/index.html"},
    {"/agent/app.js", 0, "agent/app.js"},
    {"/chat/widget.js", 0, "chat/widget.js"},
    {"/i18n/it.json", 0, "i18n/it.json"},
    {"/a%2Djs/x_y-z.1.css", 0, "a-js/x_y-z.1.css"}, /* %2D is '-' */
    {"/agent/../etc/passwd", EINVAL, NULL},
    {"/..", EINVAL, NULL},
    {"/../", EINVAL, NULL},
    {"/agent/..", EINVAL, NULL},
    {"/%2e%2e/etc/passwd", EINVAL, NULL},
    {"/%2E%2E%2Fetc%2Fpasswd", EINVAL, NULL},
    {"/agent%2f..%2f..%2fetc", EINVAL, NULL},
    {"/agent%2Fapp.js", EINVAL, NULL}, /* an encoded slash */
    {"/agent%5capp.js", EINVAL, NULL}, /* an encoded backslash */
    {"/agent\\app.js", EINVAL, NULL},
    {"/agent/app.js%00.png", EINVAL, NULL},
    {"/.git/config", EINVAL, NULL}, /* hidden: never served */
    {"/agent/.htpasswd", EINVAL, NULL},
    {"/./agent/", EINVAL, NULL},
    {"//etc/passwd", EINVAL, NULL},
    {"/agent//app.js", EINVAL, NULL},
    {"/a b.html", EINVAL, NULL},
    {"/a%20b.html", EINVAL, NULL},
    {"/%", EINVAL, NULL},
    {"/%4", EINVAL, NULL},
    {"/%zz", EINVAL, NULL},
    {"/x%41", 0, "xA"},
    {"/caf%C3%A9.html", EINVAL, NULL}, /* letters of ASCII only */
    {"agent/", EINVAL, NULL},          /* not absolute */
    {"", EINVAL, NULL},
};

static void test_path_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]);
	     i++) {
		const struct path_case *c = &path_cases[i];
		struct pl path;
		char rel[64];
		int err;

		pl_set_str(&path, c->path);
		err = web_page_path(&path, rel, sizeof(rel));
		if (err != c->err)
			fail_msg("path '%s': %d, not %d", c->path, err, c->err);
		if (!err)
			assert_string_equal(rel, c->rel);
	}
}

static void test_path_too_long(void **state)
{
	char rel[16];
	struct pl path;

	(void)state;
	pl_set_str(&path, "/0123456789abcdef");
	assert_int_equal(web_page_path(&path, rel, sizeof(rel)), ENAMETOOLONG);
	pl_set_str(&path, "/0123/");
	assert_int_equal(web_page_path(&path, rel, sizeof(rel)), 0);
	assert_string_equal(rel, "0123/index.html");
	pl_set_str(&path, "/01234/");
	assert_int_equal(web_page_path(&path, rel, sizeof(rel)), ENAMETOOLONG);
}

static void test_types(void **state)
{
	(void)state;
	assert_string_equal(web_page_type("a/index.html"),
	                    "text/html; charset=utf-8");
	assert_string_equal(web_page_type("a/app.js"),
	                    "text/javascript; charset=utf-8");
	assert_string_equal(web_page_type("a.css"), "text/css; charset=utf-8");
	assert_string_equal(web_page_type("i18n/es.json"),
	                    "application/json; charset=utf-8");
	assert_null(web_page_type("a/README"));
	assert_null(web_page_type("a.b/README"));
	assert_null(web_page_type("server.c"));
	assert_null(web_page_type("x.sh"));
}

/* ---- whole requests on a folder of our own ---------------------------- */

struct pfx {
	struct wfx *f;
	char dir[64], outside[64];
};

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int pfx_setup(void **state)
{
	struct pfx *p = calloc(1, sizeof(*p));
	char path[256];

	assert_non_null(p);
	wfx_setup((void **)&p->f);
	snprintf(p->dir, sizeof(p->dir), "/tmp/pages-XXXXXX");
	snprintf(p->outside, sizeof(p->outside), "/tmp/outside-XXXXXX");
	assert_non_null(mkdtemp(p->dir));
	assert_non_null(mkdtemp(p->outside));
	snprintf(path, sizeof(path), "%s/agent", p->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/agent/index.html", p->dir);
	write_file(path, "<!doctype html><title>desk</title>");
	snprintf(path, sizeof(path), "%s/agent/app.js", p->dir);
	write_file(path, "console.log(1);\n");
	snprintf(path, sizeof(path), "%s/agent/notes.md", p->dir);
	write_file(path, "not a type we serve");
	snprintf(path, sizeof(path), "%s/secret.txt", p->outside);
	write_file(path, "secret");
	snprintf(path, sizeof(path), "%s/agent/leak.txt", p->dir);
	{
		char target[256];
		snprintf(target, sizeof(target), "%s/secret.txt", p->outside);
		assert_int_equal(symlink(target, path), 0);
	}
	assert_int_equal(web_pages_open(p->f->web, p->dir), 0);
	*state = p;
	return 0;
}

static int pfx_teardown(void **state)
{
	struct pfx *p = *state;
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", p->dir, p->outside);
	assert_int_equal(system(cmd), 0);
	wfx_teardown((void **)&p->f);
	free(p);
	return 0;
}

static void get(struct pfx *p, const char *path, const char *headers,
                struct web_reply *r)
{
	wfx_request(p->f, &p->f->remote, "GET", path, headers, NULL, r);
}

static bool body_is(const struct web_reply *r, const char *text)
{
	return r->body && r->body->end == strlen(text) &&
	       !memcmp(r->body->buf, text, r->body->end);
}

static void test_serve_file(void **state)
{
	struct pfx *p = *state;
	struct web_reply r = {0};
	char etag[64], inm[128];

	get(p, "/agent/app.js", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "text/javascript; charset=utf-8");
	assert_true(body_is(&r, "console.log(1);\n"));
	assert_true(r.page); /* the policy headers */
	assert_string_equal(r.cache_control, "no-cache");
	assert_false(r.cors);
	assert_true(strlen(r.etag) > 2);
	snprintf(etag, sizeof(etag), "%s", r.etag);
	snprintf(inm, sizeof(inm), "If-None-Match: %s\r\n", etag);
	get(p, "/agent/app.js", inm, &r);
	assert_int_equal(r.status, 304);
	assert_null(r.body);
	assert_string_equal(r.etag, etag);
	get(p, "/agent/app.js", "If-None-Match: \"other\"\r\n", &r);
	assert_int_equal(r.status, 200);
	get(p, "/agent/", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "text/html; charset=utf-8");
	assert_true(body_is(&r, "<!doctype html><title>desk</title>"));
	web_reply_reset(&r);
}

static void test_redirects(void **state)
{
	struct pfx *p = *state;
	struct web_reply r = {0};

	get(p, "/", NULL, &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(r.location, "/agent/");
	get(p, "/agent", NULL, &r);
	assert_int_equal(r.status, 301);
	assert_string_equal(r.location, "/agent/");
	web_reply_reset(&r);
}

static void test_refused(void **state)
{
	static const char *const paths[] = {
	    "/agent/notes.md",        /* a type we do not serve */
	    "/agent/leak.txt",        /* a link out of the folder */
	    "/agent/missing.js",      /* not there */
	    "/agent/../agent/app.js", /* traversal, even to a real file */
	    "/agent%2Fapp.js",        /* an encoded slash */
	    "/%2e%2e/outside/x.txt",  /* encoded dots */
	    "/agent/app.js%00.html",  /* NUL */
	    "/agent/.app.js",         /* hidden */
	    "/nothing/",              /* no index */
	};
	struct pfx *p = *state;
	struct web_reply r = {0};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		get(p, paths[i], NULL, &r);
		if (r.status != 404)
			fail_msg("%s: %u, not 404", paths[i], r.status);
		assert_false(r.page);
		assert_false(body_is(&r, "secret"));
	}
	wfx_request(p->f, &p->f->remote, "POST", "/agent/app.js", NULL, "x",
	            &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(r.allow, "GET");
	web_reply_reset(&r);
}

/* The API keeps its own answers: pages never shadow it. */
static void test_api_untouched(void **state)
{
	struct pfx *p = *state;
	struct web_reply r = {0};
	char token[WEB_TOKEN_HEX + 1];

	get(p, "/api/v1/queues", NULL, &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	assert_false(r.page);
	wfx_login(p->f, "admin", "admin-pw", token);
	wfx_call(p->f, "GET", "/api/v1/queues", token, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_null(r.cache_control); /* the API's "no-store" */
	assert_false(r.page);
	get(p, "/api/v1/nothing", NULL, &r);
	wfx_expect_error(&r, 404, "not-found");
	wfx_request(p->f, &p->f->loopback, "GET", "/metrics", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_false(r.page);
	web_reply_reset(&r);
}

/* The web chat's routes answer any origin, with no cookie involved; the
 * rest of the API does not. */
static void test_cors(void **state)
{
	struct pfx *p = *state;
	struct web_reply r = {0};

	wfx_request(p->f, &p->f->remote, "OPTIONS", "/api/v1/chats",
	            "Origin: https://example.org\r\n"
	            "Access-Control-Request-Method: POST\r\n",
	            NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(r.cors);
	wfx_request(p->f, &p->f->remote, "OPTIONS", "/api/v1/chats/7/messages",
	            NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(r.cors);
	/* an error of a chat route is readable too (the widget shows it) */
	wfx_request(p->f, &p->f->remote, "GET", "/api/v1/chats/7", NULL, NULL,
	            &r);
	assert_true(r.cors);
	assert_true(r.status >= 400);
	wfx_request(p->f, &p->f->remote, "OPTIONS", "/api/v1/queues", NULL,
	            NULL, &r);
	assert_false(r.cors);
	assert_int_equal(r.status, 405);
	wfx_request(p->f, &p->f->remote, "OPTIONS", "/api/v1/chatsX", NULL,
	            NULL, &r);
	assert_false(r.cors);
	get(p, "/api/v1/queues", NULL, &r);
	assert_false(r.cors);
	web_reply_reset(&r);
}

/* Without a folder nothing is served; a missing one is not fatal. */
static void test_no_pages(void **state)
{
	struct pfx *p = *state;
	struct web_reply r = {0};

	assert_int_equal(web_pages_open(p->f->web, "/nonexistent/pages"),
	                 ENOENT);
	get(p, "/agent/app.js", NULL, &r);
	wfx_expect_error(&r, 404, "not-found");
	get(p, "/", NULL, &r);
	assert_int_equal(r.status, 404);
	assert_int_equal(web_pages_open(p->f->web, NULL), 0);
	web_reply_reset(&r);
}

/* ---- the chat-message event ------------------------------------------ */

static const char *str(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static json_int_t num(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static void view_of(struct wfx *f, const char *user, struct web_view *v)
{
	const struct config_user *u = config_user_find(f->cfg, user);
	assert_non_null(u);
	web_view_build(v, f->web, u);
}

static void test_chat_message(void **state)
{
	struct wfx *f = *state;
	struct web_feed *feed = NULL;
	uint32_t demo = acd_tenant_find(f->acd, "demo");
	struct web_chat_note n = {
	    .tenant = demo,
	    .queue = acd_queue_find(f->acd, demo, "info"),
	    .agent = acd_agent_find(f->acd, demo, "agent1"),
	    .contact = 3,
	    .key = 41,
	    .message = 7,
	    .sender = "visitor",
	};
	struct web_view admin, sup, maria;
	const struct web_feed_entry *e;
	size_t len;
	const char *text;
	json_t *j;

	assert_int_equal(web_feed_alloc(&feed, 8), 0);
	assert_int_equal(web_feed_append_chat(feed, f->acd, &n, 1234), 0);
	e = web_feed_at(feed, 1);
	assert_non_null(e);
	j = json_loadb(e->full, e->full_len, 0, NULL);
	assert_non_null(j);
	assert_string_equal(str(j, "type"), "chat-message");
	assert_int_equal(num(j, "seq"), 1);
	assert_int_equal(num(j, "ts"), 1234);
	assert_string_equal(str(j, "tenant"), "demo");
	assert_string_equal(str(j, "queue"), "info");
	assert_string_equal(str(j, "agent"), "agent1");
	assert_int_equal(num(j, "contact"), 3);
	assert_int_equal(num(j, "key"), 41);
	assert_int_equal(num(j, "message"), 7);
	assert_string_equal(str(j, "sender"), "visitor");
	assert_null(json_object_get(j, "body"));
	json_decref(j);

	view_of(f, "admin", &admin);
	view_of(f, "sup", &sup);
	view_of(f, "maria", &maria);
	assert_non_null(web_view_message(&admin, e, &len));
	assert_non_null(web_view_message(&sup, e, &len));
	text = web_view_message(&maria, e, &len);
	assert_non_null(text);
	assert_int_equal(len, e->full_len); /* in full, not figures */

	/* agent2's chat: maria, a colleague in the same queue, sees nothing */
	n.agent = acd_agent_find(f->acd, demo, "agent2");
	n.message = 8;
	assert_int_equal(web_feed_append_chat(feed, f->acd, &n, 1235), 0);
	e = web_feed_at(feed, 2);
	assert_null(web_view_message(&maria, e, &len));
	assert_non_null(web_view_message(&sup, e, &len));

	/* a waiting chat (no agent yet): supervisors only */
	n.agent = ACD_NONE;
	assert_int_equal(web_feed_append_chat(feed, f->acd, &n, 1236), 0);
	e = web_feed_at(feed, 3);
	j = json_loadb(e->full, e->full_len, 0, NULL);
	assert_null(json_object_get(j, "agent"));
	json_decref(j);
	assert_null(web_view_message(&maria, e, &len));
	assert_non_null(web_view_message(&sup, e, &len));

	/* another tenant's chat: not the demo supervisor's */
	n.tenant = acd_tenant_find(f->acd, "other");
	n.queue = acd_queue_find(f->acd, n.tenant, "sales");
	n.agent = acd_agent_find(f->acd, n.tenant, "agent9");
	assert_int_equal(web_feed_append_chat(feed, f->acd, &n, 1237), 0);
	e = web_feed_at(feed, 4);
	assert_null(web_view_message(&sup, e, &len));
	assert_null(web_view_message(&maria, e, &len));
	assert_non_null(web_view_message(&admin, e, &len));
	assert_int_equal(web_feed_last(feed), 4);
	mem_deref(feed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path_vectors),
	    cmocka_unit_test(test_path_too_long),
	    cmocka_unit_test(test_types),
	    cmocka_unit_test_setup_teardown(test_serve_file, pfx_setup,
	                                    pfx_teardown),
	    cmocka_unit_test_setup_teardown(test_redirects, pfx_setup,
	                                    pfx_teardown),
	    cmocka_unit_test_setup_teardown(test_refused, pfx_setup,
	                                    pfx_teardown),
	    cmocka_unit_test_setup_teardown(test_api_untouched, pfx_setup,
	                                    pfx_teardown),
	    cmocka_unit_test_setup_teardown(test_cors, pfx_setup, pfx_teardown),
	    cmocka_unit_test_setup_teardown(test_no_pages, pfx_setup,
	                                    pfx_teardown),
	    cmocka_unit_test_setup_teardown(test_chat_message, wfx_setup,
	                                    wfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
