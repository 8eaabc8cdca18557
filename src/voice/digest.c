/*
 * digest.c - SIP digest authentication and failure throttling
 * (see digest.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "voice/digest.h"

struct digest {
	char realm[64];
	uint8_t secret[32];
	digest_password_h *passh;
	void *arg;
};

int digest_alloc(struct digest **dp, const char *realm,
                 digest_password_h *passh, void *arg)
{
	struct digest *d;

	if (!dp || !realm || !passh || strlen(realm) >= sizeof(d->realm))
		return EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	snprintf(d->realm, sizeof(d->realm), "%s", realm);
	rand_bytes(d->secret, sizeof(d->secret));
	d->passh = passh;
	d->arg = arg;
	*dp = d;
	return 0;
}

void digest_free(struct digest *d)
{
	if (d)
		memset(d->secret, 0, sizeof(d->secret));
	free(d);
}

static void nonce_mac(const struct digest *d, const char *addr, uint64_t t,
                      char hex[33])
{
	char data[160];
	uint8_t mac[16];
	int n = snprintf(data, sizeof(data), "%016" PRIx64 ":%s:%s", t,
	                 d->realm, addr ? addr : "");

	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(data)) /* what fits is what is signed */
		n = sizeof(data) - 1;

	hmac_sha1(d->secret, sizeof(d->secret), (const uint8_t *)data,
	          (size_t)n, mac, sizeof(mac));
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
}

void digest_nonce(const struct digest *d, const char *addr, uint64_t now_ms,
                  char nonce[DIGEST_NONCE_LEN + 1])
{
	char mac[33];

	nonce_mac(d, addr, now_ms, mac);
	snprintf(nonce, DIGEST_NONCE_LEN + 1, "%016" PRIx64 "%s", now_ms, mac);
}

/* 0 valid, DIGEST_STALE old but genuine, DIGEST_REFUSED forged. */
static enum digest_result nonce_check(const struct digest *d,
                                      const struct pl *nonce, const char *addr,
                                      uint64_t now_ms)
{
	char mac[33];
	uint64_t t = 0;

	if (nonce->l != DIGEST_NONCE_LEN)
		return DIGEST_REFUSED;
	for (size_t i = 0; i < 16; i++) {
		char c = nonce->p[i];
		int v = (c >= '0' && c <= '9')   ? c - '0'
		        : (c >= 'a' && c <= 'f') ? c - 'a' + 10
		                                 : -1;

		if (v < 0)
			return DIGEST_REFUSED;
		t = t << 4 | (uint64_t)v;
	}
	nonce_mac(d, addr, t, mac);
	if (memcmp(mac, nonce->p + 16, 32))
		return DIGEST_REFUSED;
	if (t > now_ms || now_ms - t > DIGEST_NONCE_TTL_MS)
		return DIGEST_STALE;
	return DIGEST_OK;
}

int digest_challenge(const struct digest *d, const char *addr, uint64_t now_ms,
                     bool stale, char *buf, size_t size)
{
	char nonce[DIGEST_NONCE_LEN + 1];
	int n;

	digest_nonce(d, addr, now_ms, nonce);
	n = snprintf(buf, size,
	             "Digest realm=\"%s\", nonce=\"%s\", algorithm=MD5, "
	             "qop=\"auth\"%s",
	             d->realm, nonce, stale ? ", stale=true" : "");
	return n < 0 || (size_t)n >= size ? ENOSPC : 0;
}

static bool pl_is(const struct pl *pl, const char *s)
{
	return pl->l == strlen(s) && !memcmp(pl->p, s, pl->l);
}

enum digest_result digest_verify(const struct digest *d, const char *hval,
                                 size_t hlen, const char *method,
                                 const char *addr, uint64_t now_ms, char *user,
                                 size_t usize)
{
	struct httpauth_digest_resp resp;
	struct pl hv = {hval, hlen}, met = {method, strlen(method)};
	char name[128];
	const char *password;
	uint8_t ha1[16];
	enum digest_result nr;
	bool ok;

	if (!hval || !hlen)
		return DIGEST_MISSING;
	if (httpauth_digest_response_decode(&resp, &hv))
		return DIGEST_MALFORMED;
	if (!pl_is(&resp.realm, d->realm))
		return DIGEST_MISSING;
	if (resp.username.l == 0 || resp.username.l >= sizeof(name))
		return DIGEST_REFUSED;
	pl_strcpy(&resp.username, name, sizeof(name));
	nr = nonce_check(d, &resp.nonce, addr, now_ms);
	if (nr == DIGEST_REFUSED)
		return DIGEST_REFUSED;
	password = d->passh(name, d->arg);
	/* same work for unknown users: hash a password nobody has */
	md5_printf(ha1, "%s:%s:%s", name, d->realm,
	           password ? password : "\x01unknown-user\x01");
	ok = httpauth_digest_response_auth(&resp, &met, ha1) == 0 && password;
	if (!ok)
		return DIGEST_REFUSED;
	if (nr == DIGEST_STALE)
		return DIGEST_STALE;
	if (user && usize)
		snprintf(user, usize, "%s", name);
	return DIGEST_OK;
}

/* ---- throttling -------------------------------------------------------- */

#define THROTTLE_BUCKETS 4096
#define THROTTLE_MAX     65536

struct strike {
	struct strike *next;
	uint64_t window_start, blocked_until;
	unsigned failures;
	char addr[64];
};

struct throttle {
	struct strike *buckets[THROTTLE_BUCKETS];
	size_t n;
	unsigned max_failures;
	uint64_t window_ms, block_ms;
};

int throttle_alloc(struct throttle **tp, unsigned max_failures,
                   uint64_t window_ms, uint64_t block_ms)
{
	struct throttle *t = calloc(1, sizeof(*t));

	if (!t)
		return ENOMEM;
	t->max_failures = max_failures ? max_failures : 5;
	t->window_ms = window_ms;
	t->block_ms = block_ms;
	*tp = t;
	return 0;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < THROTTLE_BUCKETS; i++) {
		struct strike *s = t->buckets[i];

		while (s) {
			struct strike *next = s->next;

			free(s);
			s = next;
		}
	}
	free(t);
}

/* Addresses are kept to 63 characters: look them up the same way. */
static struct strike **slot(struct throttle *t, const char *addr)
{
	char key[64];
	uint32_t h = 2166136261u;
	struct strike **pp;

	snprintf(key, sizeof(key), "%s", addr);
	for (const char *p = key; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (pp = &t->buckets[h % THROTTLE_BUCKETS]; *pp; pp = &(*pp)->next) {
		if (!strcmp((*pp)->addr, key))
			break;
	}
	return pp;
}

/* Forget addresses whose window and block are over. */
static void sweep(struct throttle *t, uint64_t now_ms)
{
	for (size_t i = 0; i < THROTTLE_BUCKETS; i++) {
		struct strike **pp = &t->buckets[i];

		while (*pp) {
			struct strike *s = *pp;

			if (now_ms >= s->blocked_until &&
			    now_ms - s->window_start > t->window_ms) {
				*pp = s->next;
				free(s);
				t->n--;
			} else {
				pp = &s->next;
			}
		}
	}
}

bool throttle_blocked(struct throttle *t, const char *addr, uint64_t now_ms)
{
	struct strike *s = *slot(t, addr);

	return s && now_ms < s->blocked_until;
}

bool throttle_fail(struct throttle *t, const char *addr, uint64_t now_ms)
{
	struct strike **pp = slot(t, addr), *s = *pp;

	if (!s) {
		if (t->n >= THROTTLE_MAX)
			sweep(t, now_ms);
		s = calloc(1, sizeof(*s));
		if (!s)
			return false;
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->window_start = now_ms;
		*slot(t, addr) = s;
		t->n++;
	}
	if (now_ms - s->window_start > t->window_ms) {
		s->window_start = now_ms;
		s->failures = 0;
	}
	if (++s->failures >= t->max_failures) {
		s->blocked_until = now_ms + t->block_ms;
		s->failures = 0;
		s->window_start = now_ms;
	}
	return now_ms < s->blocked_until;
}

void throttle_clear(struct throttle *t, const char *addr)
{
	struct strike **pp = slot(t, addr), *s = *pp;

	if (!s)
		return;
	*pp = s->next;
	free(s);
	t->n--;
}
