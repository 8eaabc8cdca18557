/*
 * test_web_session.c - browser sessions: the cookie set at login, its
 * attributes, CSRF on every method but GET and HEAD, logout, the cookie
 * parser's vectors, and that cookies and bearer tokens never stand in for
 * each other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web_fixture.h"

#define HEX_MAX (WEB_TOKEN_HEX + 1)

/* "Cookie: centralino_session=C\r\n" plus an optional CSRF header. */
static const char *cookie_headers(char *buf, size_t size, const char *cookie,
                                  const char *csrf)
{
	int n = snprintf(buf, size, "Cookie: theme=dark; %s=%s; lang=it\r\n",
	                 WEB_COOKIE_NAME, cookie);
	if (csrf)
		snprintf(buf + n, size - (size_t)n, "X-CSRF-Token: %s\r\n",
		         csrf);
	return buf;
}

static void test_login_cookie(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char cookie[HEX_MAX], csrf[HEX_MAX], token[HEX_MAX];

	wfx_login_cookie(f, "sup", "sup-pw", cookie, csrf);
	/* The bearer token is not in the body: only in the HttpOnly
	 * cookie, out of reach of the page's scripts. */
	wfx_call(f, "POST", "/api/v1/login", NULL,
	         "{\"user\":\"sup\",\"password\":\"sup-pw\","
	         "\"session\":\"cookie\"}",
	         &r);
	wfx_field(&r, "token", token, sizeof(token));
	assert_string_equal(token, "");
	wfx_field(&r, "token_type", token, sizeof(token));
	assert_string_equal(token, "cookie");
	assert_non_null(strstr(r.set_cookie, "; Path=/"));
	assert_non_null(strstr(r.set_cookie, "; HttpOnly"));
	assert_non_null(strstr(r.set_cookie, "; SameSite=Strict"));
	assert_non_null(strstr(r.set_cookie, "; Max-Age=43200"));
	assert_null(strstr(r.set_cookie, "Secure"));
	f->web->secure = true;
	wfx_call(f, "POST", "/api/v1/login", NULL,
	         "{\"user\":\"sup\",\"password\":\"sup-pw\","
	         "\"session\":\"cookie\"}",
	         &r);
	assert_non_null(strstr(r.set_cookie, "; Secure"));
	/* A bearer login sets no cookie. */
	wfx_call(f, "POST", "/api/v1/login", NULL,
	         "{\"user\":\"sup\",\"password\":\"sup-pw\","
	         "\"session\":\"bearer\"}",
	         &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.set_cookie, "");
	wfx_call(f, "POST", "/api/v1/login", NULL,
	         "{\"user\":\"sup\",\"password\":\"sup-pw\","
	         "\"session\":\"jar\"}",
	         &r);
	wfx_expect_error(&r, 400, "bad-field");
	assert_non_null(strstr((char *)r.body->buf, "'session'"));
	web_reply_reset(&r);
}

/* The cookie signs GETs; a cookie is no bearer token and the reverse. */
static void test_cookie_is_not_bearer(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char cookie[HEX_MAX], csrf[HEX_MAX], token[HEX_MAX], h[512];

	wfx_login_cookie(f, "sup", "sup-pw", cookie, csrf);
	wfx_login(f, "sup", "sup-pw", token);
	wfx_request(f, &f->remote, "GET", "/api/v1/queues",
	            cookie_headers(h, sizeof(h), cookie, NULL), NULL, &r);
	assert_int_equal(r.status, 200);
	wfx_call(f, "GET", "/api/v1/queues", cookie, NULL, &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	wfx_request(f, &f->remote, "GET", "/api/v1/queues",
	            cookie_headers(h, sizeof(h), token, NULL), NULL, &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	/* A bad Authorization header is not rescued by a good cookie. */
	snprintf(h, sizeof(h),
	         "Authorization: Bearer nonsense\r\nCookie: %s=%s\r\n",
	         WEB_COOKIE_NAME, cookie);
	wfx_request(f, &f->remote, "GET", "/api/v1/queues", h, NULL, &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	/* Two cookies of that name: ambiguous, so nobody. */
	snprintf(h, sizeof(h), "Cookie: %s=%s\r\nCookie: %s=%s\r\n",
	         WEB_COOKIE_NAME, cookie, WEB_COOKIE_NAME, cookie);
	wfx_request(f, &f->remote, "GET", "/api/v1/queues", h, NULL, &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	/* Expiry applies to cookies too. */
	f->web->now_ms += WEB_SESSION_TTL;
	wfx_request(f, &f->remote, "GET", "/api/v1/queues",
	            cookie_headers(h, sizeof(h), cookie, NULL), NULL, &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	web_reply_reset(&r);
}

static void test_csrf(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char cookie[HEX_MAX], csrf[HEX_MAX], other[HEX_MAX], token[HEX_MAX],
	    h[512];
	static const char path[] = "/api/v1/agents/demo/agent2/state";
	static const char body[] = "{\"state\":\"ready\"}";

	wfx_login_cookie(f, "sup", "sup-pw", cookie, csrf);
	wfx_login_cookie(f, "sup", "sup-pw", other, token);
	wfx_request(f, &f->remote, "PUT", path,
	            cookie_headers(h, sizeof(h), cookie, NULL), body, &r);
	wfx_expect_error(&r, 403, "csrf");
	/* The CSRF token of another session of the same user. */
	wfx_request(f, &f->remote, "PUT", path,
	            cookie_headers(h, sizeof(h), cookie, token), body, &r);
	wfx_expect_error(&r, 403, "csrf");
	wfx_request(f, &f->remote, "PUT", path,
	            cookie_headers(h, sizeof(h), cookie, "abc"), body, &r);
	wfx_expect_error(&r, 403, "csrf");
	wfx_request(f, &f->remote, "PUT", path,
	            cookie_headers(h, sizeof(h), cookie, csrf), body, &r);
	assert_int_equal(r.status, 200);
	/* Bearer clients need none. */
	wfx_login(f, "sup", "sup-pw", token);
	wfx_call(f, "PUT", path, token, "{\"state\":\"not-ready\"}", &r);
	assert_int_equal(r.status, 200);
	/* POST with no body and no token: still refused before the route. */
	wfx_login_cookie(f, "admin", "admin-pw", cookie, csrf);
	wfx_request(f, &f->remote, "POST", "/api/v1/reload",
	            cookie_headers(h, sizeof(h), cookie, NULL), NULL, &r);
	wfx_expect_error(&r, 403, "csrf");
	assert_int_equal(f->reloads, 0);
	web_reply_reset(&r);
}

static void test_logout(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char cookie[HEX_MAX], csrf[HEX_MAX], token[HEX_MAX], h[512];
	size_t before;

	wfx_login_cookie(f, "maria", "maria-pw", cookie, csrf);
	before = f->web->nsessions;
	/* A forged cross-site logout has no CSRF token. */
	wfx_request(f, &f->remote, "POST", "/api/v1/logout",
	            cookie_headers(h, sizeof(h), cookie, NULL), NULL, &r);
	wfx_expect_error(&r, 403, "csrf");
	wfx_request(f, &f->remote, "POST", "/api/v1/logout",
	            cookie_headers(h, sizeof(h), cookie, csrf), NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.set_cookie, WEB_COOKIE_NAME "=;"));
	assert_non_null(strstr(r.set_cookie, "Max-Age=0"));
	assert_int_equal(f->web->nsessions, before - 1);
	wfx_request(f, &f->remote, "GET", "/api/v1/agents",
	            cookie_headers(h, sizeof(h), cookie, NULL), NULL, &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	wfx_login(f, "maria", "maria-pw", token);
	wfx_call(f, "POST", "/api/v1/logout", token, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.set_cookie, "");
	wfx_call(f, "GET", "/api/v1/agents", token, NULL, &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	web_reply_reset(&r);
}

/* GET /api/v1/session: who I am, and the CSRF token after a reload. */
static void test_session_route(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char cookie[HEX_MAX], csrf[HEX_MAX], got[HEX_MAX], h[512];

	wfx_login_cookie(f, "maria", "maria-pw", cookie, csrf);
	wfx_request(f, &f->remote, "GET", "/api/v1/session",
	            cookie_headers(h, sizeof(h), cookie, NULL), NULL, &r);
	assert_int_equal(r.status, 200);
	wfx_field(&r, "csrf_token", got, sizeof(got));
	assert_string_equal(got, csrf);
	wfx_field(&r, "agent", got, sizeof(got));
	assert_string_equal(got, "agent1");
	wfx_field(&r, "role", got, sizeof(got));
	assert_string_equal(got, "agent");
	wfx_login(f, "sup", "sup-pw", cookie);
	wfx_call(f, "GET", "/api/v1/session", cookie, NULL, &r);
	assert_int_equal(r.status, 200);
	wfx_field(&r, "csrf_token", got, sizeof(got));
	assert_string_equal(got, "");
	wfx_field(&r, "token_type", got, sizeof(got));
	assert_string_equal(got, "Bearer");
	web_reply_reset(&r);
}

struct cookie_vector {
	const char *header;
	int err;
	const char *value;
};

static void test_cookie_parse(void **state)
{
	static const struct cookie_vector v[] = {
	    {"centralino_session=abc", 0, "abc"},
	    {"a=1; centralino_session=abc; b=2", 0, "abc"},
	    {"a=1;centralino_session=abc;b=2", 0, "abc"},
	    {"  centralino_session = abc  ;", 0, "abc"},
	    {"centralino_session=\"abc\"", 0, "abc"},
	    {"centralino_session=", 0, ""},
	    {"centralino_session=a=b", 0, "a=b"},
	    {"noequals; centralino_session=x", 0, "x"},
	    {"", ENOENT, NULL},
	    {";;; ;", ENOENT, NULL},
	    {"centralino_sessionx=1; xcentralino_session=2", ENOENT, NULL},
	    {"Centralino_Session=1", ENOENT, NULL},
	    {"=abc", ENOENT, NULL},
	    {"centralino_session=1; centralino_session=2", EBADMSG, NULL},
	    {"\"", ENOENT, NULL},
	};
	char big[WEB_COOKIE_MAX + 2], many[WEB_COOKIES_MAX * 5 + 40];
	struct pl hdr, val;
	size_t n = 0;
	(void)state;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		pl_set_str(&hdr, v[i].header);
		val.p = NULL;
		val.l = 0;
		assert_int_equal(web_cookie_parse(&hdr, WEB_COOKIE_NAME, &val),
		                 v[i].err);
		if (v[i].value)
			assert_int_equal(pl_strcmp(&val, v[i].value), 0);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "centralino_session=", 19);
	pl_set_str(&hdr, big);
	assert_int_equal(web_cookie_parse(&hdr, WEB_COOKIE_NAME, &val),
	                 EBADMSG);
	hdr.l = WEB_COOKIE_MAX;
	assert_int_equal(web_cookie_parse(&hdr, WEB_COOKIE_NAME, &val), 0);
	for (int i = 0; i < WEB_COOKIES_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "x=1;");
	snprintf(many + n, sizeof(many) - n, "centralino_session=y");
	pl_set_str(&hdr, many);
	assert_int_equal(web_cookie_parse(&hdr, WEB_COOKIE_NAME, &val),
	                 EBADMSG);
	pl_set_str(&hdr, many + 4);
	assert_int_equal(web_cookie_parse(&hdr, WEB_COOKIE_NAME, &val), 0);
	assert_int_equal(pl_strcmp(&val, "y"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_login_cookie, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_cookie_is_not_bearer,
	                                    wfx_setup, wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_csrf, wfx_setup, wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_logout, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_session_route, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test(test_cookie_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
