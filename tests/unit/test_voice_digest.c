/*
 * test_voice_digest.c - digest verification and throttling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "voice/digest.h"

static const char *password_of(const char *user, void *arg)
{
	(void)arg;
	return strcmp(user, "agent1") ? NULL : "demo";
}

static void hex(const uint8_t md[16], char out[33])
{
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* What a phone sends: the RFC 2617 computation with qop=auth. */
static void authorization(char *buf, size_t size, const char *user,
                          const char *pass, const char *realm,
                          const char *nonce, const char *method,
                          const char *uri)
{
	uint8_t md[16];
	char ha1[33], ha2[33], resp[33];

	md5_printf(md, "%s:%s:%s", user, realm, pass);
	hex(md, ha1);
	md5_printf(md, "%s:%s", method, uri);
	hex(md, ha2);
	md5_printf(md, "%s:%s:00000001:abcdef:auth:%s", ha1, nonce, ha2);
	hex(md, resp);
	snprintf(buf, size,
	         "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
	         "uri=\"%s\", response=\"%s\", algorithm=MD5, qop=auth, "
	         "nc=00000001, cnonce=\"abcdef\"",
	         user, realm, nonce, uri, resp);
}

static enum digest_result verify(struct digest *d, const char *h,
                                 const char *addr, uint64_t now, char *user)
{
	return digest_verify(d, h, strlen(h), "REGISTER", addr, now, user, 64);
}

static void test_digest_accepts_and_refuses(void **state)
{
	struct digest *d;
	char nonce[DIGEST_NONCE_LEN + 1], h[512], user[64] = "";
	const char *uri = "sip:127.0.0.1";

	(void)state;
	assert_int_equal(digest_alloc(&d, "centralino", password_of, NULL), 0);
	digest_nonce(d, "10.0.0.1", 1000000, nonce);

	authorization(h, sizeof(h), "agent1", "demo", "centralino", nonce,
	              "REGISTER", uri);
	assert_int_equal(verify(d, h, "10.0.0.1", 1000500, user), DIGEST_OK);
	assert_string_equal(user, "agent1");
	/* the nonce is bound to the address it was given to */
	assert_int_equal(verify(d, h, "10.0.0.2", 1000500, user),
	                 DIGEST_REFUSED);
	/* old: stale, so the phone retries with a fresh nonce */
	assert_int_equal(
	    verify(d, h, "10.0.0.1", 1000000 + DIGEST_NONCE_TTL_MS + 1, user),
	    DIGEST_STALE);
	/* wrong password and unknown user look the same */
	authorization(h, sizeof(h), "agent1", "nope", "centralino", nonce,
	              "REGISTER", uri);
	assert_int_equal(verify(d, h, "10.0.0.1", 1000500, user),
	                 DIGEST_REFUSED);
	authorization(h, sizeof(h), "mallory", "demo", "centralino", nonce,
	              "REGISTER", uri);
	assert_int_equal(verify(d, h, "10.0.0.1", 1000500, user),
	                 DIGEST_REFUSED);
	/* a nonce we never issued */
	authorization(h, sizeof(h), "agent1", "demo", "centralino",
	              "00000000000f4240deadbeefdeadbeefdeadbeefdeadbeef",
	              "REGISTER", uri);
	assert_int_equal(verify(d, h, "10.0.0.1", 1000500, user),
	                 DIGEST_REFUSED);
	/* another realm's credentials: challenge for ours */
	authorization(h, sizeof(h), "agent1", "demo", "elsewhere", nonce,
	              "REGISTER", uri);
	assert_int_equal(verify(d, h, "10.0.0.1", 1000500, user),
	                 DIGEST_MISSING);
	assert_int_equal(
	    verify(d, "Basic Zm9vOmJhcg==", "10.0.0.1", 1000500, user),
	    DIGEST_MALFORMED);
	assert_int_equal(
	    digest_verify(d, "", 0, "REGISTER", "10.0.0.1", 0, user, 64),
	    DIGEST_MISSING);
	digest_free(d);
}

static void test_digest_challenge_text(void **state)
{
	struct digest *d;
	char buf[256];

	(void)state;
	assert_int_equal(digest_alloc(&d, "centralino", password_of, NULL), 0);
	assert_int_equal(
	    digest_challenge(d, "1.2.3.4", 5, true, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "realm=\"centralino\""));
	assert_non_null(strstr(buf, "qop=\"auth\""));
	assert_non_null(strstr(buf, "stale=true"));
	assert_int_equal(digest_challenge(d, "1.2.3.4", 5, false, buf, 20),
	                 ENOSPC);
	digest_free(d);
}

static void test_throttle_blocks_and_forgives(void **state)
{
	struct throttle *t;

	(void)state;
	assert_int_equal(throttle_alloc(&t, 3, 60000, 300000), 0);
	assert_false(throttle_fail(t, "1.1.1.1", 0));
	assert_false(throttle_fail(t, "1.1.1.1", 1000));
	assert_true(throttle_fail(t, "1.1.1.1", 2000));
	assert_true(throttle_blocked(t, "1.1.1.1", 2000 + 299999));
	assert_false(throttle_blocked(t, "1.1.1.1", 2000 + 300000));
	assert_false(throttle_blocked(t, "2.2.2.2", 3000));
	/* failures spread beyond the window do not add up */
	assert_false(throttle_fail(t, "3.3.3.3", 0));
	assert_false(throttle_fail(t, "3.3.3.3", 30000));
	assert_false(throttle_fail(t, "3.3.3.3", 100000));
	assert_false(throttle_fail(t, "3.3.3.3", 110000));
	/* a success forgets */
	throttle_clear(t, "3.3.3.3");
	assert_false(throttle_fail(t, "3.3.3.3", 120000));
	/* an address longer than what is kept is still one address */
	char longaddr[200];

	memset(longaddr, '7', sizeof(longaddr) - 1);
	longaddr[sizeof(longaddr) - 1] = '\0';
	assert_false(throttle_fail(t, longaddr, 0));
	assert_false(throttle_fail(t, longaddr, 1));
	assert_true(throttle_fail(t, longaddr, 2));
	assert_true(throttle_blocked(t, longaddr, 3));
	throttle_clear(t, longaddr);
	assert_false(throttle_blocked(t, longaddr, 4));
	throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_digest_accepts_and_refuses),
	    cmocka_unit_test(test_digest_challenge_text),
	    cmocka_unit_test(test_throttle_blocks_and_forgives),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
