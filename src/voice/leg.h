/*
 * leg.h - one side of a call: its SIP session, its SDP, its RTP socket.
 *
 * Audio is G.711 (PCMU or PCMA, chosen from the peer's offer in that
 * order of preference) with RFC 4733 telephone-events for keys. The
 * remote RTP address latches to the first packet's source after each
 * offer/answer (symmetric RTP, nat.c), so phones behind NAT are heard
 * and reached; SRTP with SDES keys where the signalling is TLS (srtp.c).
 */
#ifndef VOICE_LEG_H
#define VOICE_LEG_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

struct voice;
struct leg;
struct media_dtmf_rx;

#define LEG_FRAME 160 /* samples in 20 ms at 8 kHz */

/** Called for each key pressed (RFC 4733 or in-band), once per press. */
typedef void(leg_dtmf_h)(struct leg *leg, char key, void *arg);
/** Called with the leg's received audio, decoded to 16-bit linear. */
typedef void(leg_pcm_h)(const int16_t *pcm, size_t n, void *arg);

/** What a leg may and must do for privacy and NAT; set before the SDP. */
struct leg_security {
	bool keys_ok;       /* signalling over TLS: SDES keys may travel */
	bool offer_srtp;    /* our offer is RTP/SAVP with a=crypto */
	bool srtp_required; /* the agent's policy: plain RTP is refused */
	struct sa sig;      /* the signalling peer; unset: latch from anyone */
};

struct leg_srtp;

struct leg {
	struct voice *v;
	struct sipsess *sess;
	struct sdp_session *sdp;
	struct sdp_media *sdpm;
	struct rtp_sock *rtp;
	struct sa raddr;
	int pt;    /* 0 PCMU, 8 PCMA; -1 before negotiation */
	int te_pt; /* telephone-event payload type, -1 when none */
	uint32_t ts;
	bool latched;
	bool marker;
	struct telev *telev;
	struct leg *peer; /* bridged to: RTP is relayed */
	leg_dtmf_h *dtmfh;
	void *arg;
	struct leg_security sec;
	struct leg_srtp *srtp;        /* SRTP keys and contexts, or NULL */
	uint64_t rtp_foreign;         /* dropped: not from the latched peer */
	struct media_dtmf_rx *inband; /* when the peer has no RFC 4733 */
	leg_pcm_h *pcmh;              /* a recorder listening */
	void *pcm_arg;
	uint64_t rx, tx;
};

/** Open the RTP socket and the SDP session of a leg. Returns an errno. */
int leg_media_open(struct leg *leg, struct voice *v, leg_dtmf_h *dtmfh,
                   void *arg);
/** Close socket and session; the SIP session is the caller's. */
void leg_media_close(struct leg *leg);
/** Answer an SDP offer (body of msg); *answerp is the caller's. */
int leg_sdp_answer(struct leg *leg, struct mbuf *offer, struct mbuf **answerp);
/** Make an SDP offer. */
int leg_sdp_offer(struct leg *leg, struct mbuf **offerp);
/** Take the SDP answer to our offer. */
int leg_sdp_take_answer(struct leg *leg, struct mbuf *answer);
/** Send 20 ms already encoded in the leg's G.711 law: queued in the
 * channel's txq, which the media tick flushes (the tick is the only
 * sender of generated audio; relayed audio goes out at once). */
void leg_send_payload(struct leg *leg, const uint8_t payload[LEG_FRAME]);
/** Send 20 ms of 16-bit linear audio, encoded for the leg. */
void leg_send_pcm(struct leg *leg, const int16_t pcm[LEG_FRAME]);
/** Relay media between two legs (NULL unbridges a's side only). */
void leg_bridge(struct leg *a, struct leg *b);

#endif
