/*
 * srtp.h - SRTP with SDES keys (RFC 3711, RFC 4568 a=crypto) on a leg.
 *
 * The keys travel in the SDP, so they are exchanged only when the leg's
 * signalling is TLS (leg->sec.keys_ok); a=crypto seen over UDP or TCP is
 * ignored, never answered. Packets are protected by a libre UDP helper
 * on the leg's RTP socket: what leaves through udp_send (rtp_send) is
 * encrypted, what arrives is authenticated and decrypted before the
 * leg's RTP handler sees it, and a packet that fails is dropped (so it
 * cannot latch the leg's remote address either). Keys are never logged.
 */
#ifndef VOICE_SRTP_H
#define VOICE_SRTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct leg;
struct mbuf;
struct sip_msg;
struct voice_phone;

/** A leg's SRTP state; freed with mem_deref. */
struct leg_srtp;

/**
 * Before an offer: add our a=crypto (a fresh master key) to the leg's
 * SDP, whose media was opened as RTP/SAVP (leg->sec.offer_srtp).
 * Returns 0 or an errno.
 */
int leg_srtp_offer(struct leg *leg);

/**
 * After the remote SDP was decoded (offer or answer, answering tells):
 * start SRTP when the remote side gave a usable a=crypto and keys may be
 * exchanged; when answering, add our own a=crypto with the same tag and
 * suite. Returns 0; EPROTO when the leg must be refused: SRTP required
 * and not agreed, RTP/SAVP asked where keys may not travel, or an
 * answer without the crypto we offered on RTP/SAVP.
 */
int leg_srtp_negotiate(struct leg *leg, bool answering);

/** Is media on this leg protected? */
bool leg_srtp_active(const struct leg *leg);

/**
 * Send 20 ms of payload on an SRTP leg: through rtp_send, so that the
 * helper encrypts it (the media tick's batches bypass udp_send). Returns
 * 0 or an errno.
 */
int leg_srtp_send(struct leg *leg, bool marker, uint8_t pt, uint32_t ts,
                  const uint8_t *payload, size_t len);

/** The suite agreed ("AES_CM_128_HMAC_SHA1_80"), "none" without SRTP. */
const char *leg_srtp_suite(const struct leg *leg);

/** Packets dropped for a failed authentication, for call records. */
uint64_t leg_srtp_auth_failures(const struct leg *leg);

/**
 * Could the offer in msg, from phone, be taken under its agent's
 * policy? A first look (TLS, RTP/SAVP, a=crypto) made before anything is
 * done for the call, such as a feature code's change of state; the
 * offer/answer still decides. True for a phone without srtp: required.
 */
bool srtp_offer_allowed(const struct sip_msg *msg,
                        const struct voice_phone *phone);

#endif
