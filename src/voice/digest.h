/*
 * digest.h - SIP digest authentication, server side (RFC 3261 section 22,
 * RFC 2617 with MD5), and throttling of addresses that keep failing.
 *
 * Nonces are stateless: the issue time and an HMAC over it, the realm and
 * the client's address, under a secret drawn at start. A nonce is valid
 * for DIGEST_NONCE_TTL; an older one that is otherwise genuine is "stale",
 * so the phone retries without asking its user again.
 */
#ifndef VOICE_DIGEST_H
#define VOICE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIGEST_NONCE_TTL_MS 300000
#define DIGEST_NONCE_LEN    48 /* 16 hex digits of time + 32 of HMAC */

struct digest;

enum digest_result {
	DIGEST_OK = 0,
	DIGEST_MISSING,  /* no credentials for this realm: challenge */
	DIGEST_STALE,    /* genuine but old nonce: challenge, stale=true */
	DIGEST_REFUSED,  /* wrong user, password, nonce or uri */
	DIGEST_MALFORMED /* unparsable header */
};

/** The password of user, or NULL; the same reply for any unknown user. */
typedef const char *(digest_password_h)(const char *user, void *arg);

int digest_alloc(struct digest **dp, const char *realm,
                 digest_password_h *passh, void *arg);
void digest_free(struct digest *d);

/** Make a nonce for a client at addr (text form) at time now_ms. */
void digest_nonce(const struct digest *d, const char *addr, uint64_t now_ms,
                  char nonce[DIGEST_NONCE_LEN + 1]);

/**
 * Verify an Authorization (or Proxy-Authorization) header value for
 * method, from addr, at now_ms. On DIGEST_OK, user receives the user
 * name (NUL-terminated, truncated to usize). Unknown users are refused
 * after the same work as wrong passwords, so that timing tells nothing.
 */
enum digest_result digest_verify(const struct digest *d, const char *hval,
                                 size_t hlen, const char *method,
                                 const char *addr, uint64_t now_ms, char *user,
                                 size_t usize);

/** Write a challenge header value ("Digest realm=...") into buf. */
int digest_challenge(const struct digest *d, const char *addr, uint64_t now_ms,
                     bool stale, char *buf, size_t size);

/* ---- throttling ---- */

struct throttle;

int throttle_alloc(struct throttle **tp, unsigned max_failures,
                   uint64_t window_ms, uint64_t block_ms);
void throttle_free(struct throttle *t);
/** True while addr is blocked after too many failures. */
bool throttle_blocked(struct throttle *t, const char *addr, uint64_t now_ms);
/** Count one failure of addr; returns true if it is now blocked. */
bool throttle_fail(struct throttle *t, const char *addr, uint64_t now_ms);
/** A success clears addr's failures. */
void throttle_clear(struct throttle *t, const char *addr);

#endif
