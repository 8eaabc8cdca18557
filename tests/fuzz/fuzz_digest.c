/*
 * fuzz_digest.c - libFuzzer target: SIP digest verification and the
 * failure throttle (src/voice/digest.h).
 *
 * The first byte picks what the rest is:
 *   0: a whole Authorization header value for digest_verify();
 *   1: the nonce, inside an otherwise well-formed header, so that
 *      nonce_check() sees arbitrary bytes of the right length and more;
 *   2: whatever follows a genuine nonce (uri, response, qop, nc, cnonce),
 *      so that the response check runs; the next byte ages the nonce,
 *      fresh or stale;
 *   3: a script for the throttle: records of one operation byte and an
 *      address up to '\n' (any bytes, any length).
 * Realm "centralino", one user (alice), a fixed client address. Nothing
 * may crash or leak, and a DIGEST_OK needs alice's password, which no
 * header here is built with.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voice/digest.h"

#define INPUT_MAX (16u * 1024)
#define REALM     "centralino"
#define ADDR      "192.0.2.1:5060"
#define NOW_MS    UINT64_C(1700000000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *password_of(const char *user, void *arg)
{
	(void)arg;
	return strcmp(user, "alice") ? NULL : "wonderland";
}

/* prefix + data + suffix, in one exact-size heap buffer (no NUL), so
 * that ASan sees any read past the header's end. */
static void verify(const struct digest *d, const char *prefix,
                   const uint8_t *data, size_t size, const char *suffix,
                   uint64_t now_ms)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), len = pl + size + sl;
	char *h = malloc(len ? len : 1), user[64] = "";

	if (!h)
		abort();
	memcpy(h, prefix, pl);
	if (size)
		memcpy(h + pl, data, size);
	memcpy(h + pl + size, suffix, sl);
	if (digest_verify(d, h, len, "REGISTER", ADDR, now_ms, user,
	                  sizeof(user)) == DIGEST_OK)
		abort();
	free(h);
}

static void digest_run(unsigned mode, const uint8_t *data, size_t size)
{
	char nonce[DIGEST_NONCE_LEN + 1], prefix[160], chall[256];
	struct digest *d;
	uint64_t age;

	if (digest_alloc(&d, REALM, password_of, NULL))
		abort();
	switch (mode) {
	case 0:
		verify(d, "", data, size, "", NOW_MS);
		break;
	case 1:
		verify(d,
		       "Digest username=\"alice\", realm=\"" REALM
		       "\", nonce=\"",
		       data, size,
		       "\", uri=\"sip:" REALM "\", response=\""
		       "0123456789abcdef0123456789abcdef\", algorithm=MD5, "
		       "qop=auth, nc=00000001, cnonce=\"abcdef\"",
		       NOW_MS);
		break;
	default:
		age = size ? (uint64_t)data[0] * 5000 : 0; /* 0..21 min */
		digest_nonce(d, ADDR, NOW_MS - age, nonce);
		snprintf(prefix, sizeof(prefix),
		         "Digest username=\"alice\", realm=\"" REALM
		         "\", nonce=\"%s\", ",
		         nonce);
		verify(d, prefix, data + !!size, size - !!size, "", NOW_MS);
		if (digest_challenge(d, ADDR, NOW_MS, age > 300000, chall,
		                     sizeof(chall)))
			abort();
		break;
	}
	digest_free(d);
}

/* Operation byte: low two bits fail / blocked / clear / fail, the rest
 * advances the clock by that many seconds. */
static void throttle_run(const uint8_t *data, size_t size)
{
	struct throttle *t;
	uint64_t now = NOW_MS;
	char addr[256];

	if (throttle_alloc(&t, 3, 60000, 300000))
		abort();
	for (size_t i = 0; i < size;) {
		uint8_t op = data[i++];
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : size - i;
		size_t c = n < sizeof(addr) - 1 ? n : sizeof(addr) - 1;

		memcpy(addr, data + i, c);
		addr[c] = '\0';
		i += n + (nl != NULL);
		now += (uint64_t)(op >> 2) * 1000;
		switch (op & 3) {
		case 1:
			throttle_blocked(t, addr, now);
			break;
		case 2:
			throttle_clear(t, addr);
			break;
		default:
			/* Known limit: addresses of 64 bytes or more are
			 * stored truncated and never found again (reported);
			 * drop the length test once that is fixed. */
			if (throttle_fail(t, addr, now) && strlen(addr) < 64 &&
			    !throttle_blocked(t, addr, now))
				abort();
			break;
		}
	}
	throttle_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size || size > INPUT_MAX)
		return -1;
	if (data[0] % 4 == 3)
		throttle_run(data + 1, size - 1);
	else
		digest_run(data[0] % 4, data + 1, size - 1);
	return 0;
}
