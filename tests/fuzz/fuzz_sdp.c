/*
 * fuzz_sdp.c - libFuzzer target: what we make of a peer's SDP
 * (src/voice/leg.c negotiated(), srtp.c's a=crypto and the SRTP policy):
 * the codec and telephone-event chosen, the remote address, the SDES key
 * parsed and the SRTP contexts started, or a refusal.
 *
 * The first byte is the plan: bit 0 the SDP is an answer to our offer
 * (else an offer we answer), bit 1 the signalling is TLS (keys may
 * travel), bit 2 we offer SRTP, bit 3 the agent's policy requires SRTP,
 * bit 4 a key handler (in-band keys when the peer has no events). The
 * rest is the SDP. A leg is opened on loopback and closed for each input,
 * as for a call; nothing may crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "voice/leg.h"
#include "voice/voice_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct voice *voice_once(void)
{
	static struct voice v;
	static bool ready;

	if (!ready) {
		if (libre_init())
			abort();
		sa_set_str(&v.media_addr, "127.0.0.1", 0);
		v.p.rtp_min = 40000;
		v.p.rtp_max = 50000;
		ready = true;
	}
	return &v;
}

static void key_h(struct leg *leg, char key, void *arg)
{
	(void)leg;
	(void)key;
	(void)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct voice *v = voice_once();
	struct leg leg;
	struct mbuf *mb, *out = NULL;
	uint8_t plan;

	if (!size)
		return 0;
	plan = data[0];
	memset(&leg, 0, sizeof(leg));
	leg.sec.keys_ok = plan & 2;
	leg.sec.offer_srtp = (plan & 4) && (plan & 2);
	leg.sec.srtp_required = plan & 8;
	if (leg_media_open(&leg, v, (plan & 16) ? key_h : NULL, NULL))
		return 0; /* no port free: nothing to judge */
	mb = mbuf_alloc(size);
	if (!mb)
		abort();
	(void)mbuf_write_mem(mb, data + 1, size - 1);
	mb->pos = 0;
	if (plan & 1) {
		if (!leg_sdp_offer(&leg, &out))
			(void)leg_sdp_take_answer(&leg, mb);
	} else {
		(void)leg_sdp_answer(&leg, mb, &out);
	}
	mem_deref(out);
	mem_deref(mb);
	leg_media_close(&leg);
	return 0;
}
