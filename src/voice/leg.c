/*
 * leg.c - SDP and RTP of one side of a call (see leg.h).
 */
#include <errno.h>
#include <string.h>

#include "media/media.h"
#include "voice/leg.h"
#include "voice/nat.h"
#include "voice/srtp.h"
#include "voice/txq.h"
#include "voice/voice_int.h"

static void leg_dtmf(struct leg *leg, int code)
{
	int key = telev_code2digit(code);

	if (key > 0 && leg->dtmfh)
		leg->dtmfh(leg, (char)key, leg->arg);
}

/* G.711 both ways between the two laws, through linear. */
static void transcode(struct mbuf *mb, int from, int to)
{
	uint8_t *p = mbuf_buf(mb);
	size_t n = mbuf_get_left(mb);

	if (from == to)
		return;
	for (size_t i = 0; i < n; i++) {
		int16_t s = from == 0 ? media_ulaw_to_linear(p[i])
		                      : media_alaw_to_linear(p[i]);

		p[i] =
		    to == 0 ? media_linear_to_ulaw(s) : media_linear_to_alaw(s);
	}
}

static void relay(struct leg *leg, const struct rtp_header *hdr,
                  struct mbuf *mb)
{
	struct leg *peer = leg->peer;

	if (!peer->rtp || !sa_isset(&peer->raddr, SA_ALL))
		return;
	if (hdr->pt == leg->pt) {
		transcode(mb, leg->pt, peer->pt);
		rtp_send(peer->rtp, &peer->raddr, false, hdr->m, peer->pt,
		         hdr->ts, mb);
		peer->tx++;
		leg->v->st.rtp_tx++;
	} else if (leg->te_pt >= 0 && hdr->pt == leg->te_pt &&
	           peer->te_pt >= 0) {
		rtp_send(peer->rtp, &peer->raddr, false, hdr->m, peer->te_pt,
		         hdr->ts, mb);
	}
}

/* Decode received G.711 for in-band keys and for a recorder. */
static void listen_audio(struct leg *leg, struct mbuf *mb)
{
	int16_t pcm[480];
	size_t n = mbuf_get_left(mb);
	const uint8_t *p = mbuf_buf(mb);

	if (n > 480)
		n = 480;
	for (size_t i = 0; i < n; i++)
		pcm[i] = leg->pt == 0 ? media_ulaw_to_linear(p[i])
		                      : media_alaw_to_linear(p[i]);
	if (leg->inband)
		media_dtmf_rx_feed(leg->inband, pcm, n);
	if (leg->pcmh)
		leg->pcmh(pcm, n, leg->pcm_arg);
}

static void on_rtp(const struct sa *src, const struct rtp_header *hdr,
                   struct mbuf *mb, void *arg)
{
	struct leg *leg = arg;

	if (!nat_rtp_accept(leg, src)) /* symmetric RTP, not hijacked */
		return;
	leg->rx++;
	leg->v->st.rtp_rx++;
	if (leg->te_pt >= 0 && hdr->pt == leg->te_pt && leg->telev) {
		int event;
		bool end;

		if (!telev_recv(leg->telev, mb, &event, &end) && end)
			leg_dtmf(leg, event);
		if (leg->peer)
			relay(leg, hdr, mb);
		return;
	}
	if (hdr->pt == leg->pt && (leg->inband || leg->pcmh))
		listen_audio(leg, mb);
	if (leg->peer)
		relay(leg, hdr, mb);
}

static void inband_key(char digit, void *arg)
{
	struct leg *leg = arg;

	if (leg->dtmfh)
		leg->dtmfh(leg, digit, leg->arg);
}

int leg_media_open(struct leg *leg, struct voice *v, leg_dtmf_h *dtmfh,
                   void *arg)
{
	struct sa laddr;
	int err;

	leg->v = v;
	leg->pt = -1;
	leg->te_pt = -1;
	leg->dtmfh = dtmfh;
	leg->arg = arg;
	leg->ts = rand_u32();
	voice_media_addr(v, &laddr);
	err = rtp_listen(&leg->rtp, IPPROTO_UDP, &laddr, v->p.rtp_min,
	                 v->p.rtp_max, false, on_rtp, NULL, leg);
	if (!err)
		err = sdp_session_alloc(&leg->sdp, &laddr);
	if (!err)
		err = sdp_media_add(
		    &leg->sdpm, leg->sdp, "audio", sa_port(rtp_local(leg->rtp)),
		    leg->sec.offer_srtp ? sdp_proto_rtpsavp : sdp_proto_rtpavp);
	/* either is answered (srtp.c decides), and either answer taken */
	if (!err)
		err = sdp_media_set_alt_protos(leg->sdpm, 2, sdp_proto_rtpavp,
		                               sdp_proto_rtpsavp);
	if (!err && leg->sec.offer_srtp)
		err = leg_srtp_offer(leg);
	if (!err)
		err = sdp_format_add(NULL, leg->sdpm, false, "0", "PCMU", 8000,
		                     1, NULL, NULL, NULL, false, NULL);
	if (!err)
		err = sdp_format_add(NULL, leg->sdpm, false, "8", "PCMA", 8000,
		                     1, NULL, NULL, NULL, false, NULL);
	if (!err)
		err =
		    sdp_format_add(NULL, leg->sdpm, false, "101", telev_rtpfmt,
		                   8000, 1, NULL, NULL, NULL, false, "0-15");
	if (!err)
		err = telev_alloc(&leg->telev, 20);
	if (err)
		leg_media_close(leg);
	return err;
}

void leg_media_close(struct leg *leg)
{
	if (leg->peer && leg->peer->peer == leg)
		leg->peer->peer = NULL;
	leg->peer = NULL;
	/* the SRTP helper leaves the socket before the socket goes */
	leg->srtp = mem_deref(leg->srtp);
	leg->rtp = mem_deref(leg->rtp);
	leg->sdpm = NULL;
	leg->sdp = mem_deref(leg->sdp);
	leg->telev = mem_deref(leg->telev);
	leg->inband = mem_deref(leg->inband);
	leg->pcmh = NULL;
}

/* After an offer/answer: the codec, the events, the remote address. */
static void inband_key(char digit, void *arg);

static int negotiated(struct leg *leg, bool answering)
{
	const struct sdp_format *fmt = sdp_media_rformat(leg->sdpm, NULL);
	const struct sdp_format *te =
	    sdp_media_rformat(leg->sdpm, telev_rtpfmt);

	if (!fmt || (fmt->pt != 0 && fmt->pt != 8))
		return EPROTO;
	if (leg_srtp_negotiate(leg, answering))
		return EPROTO; /* plain RTP where SRTP is required, or no keys */
	leg->pt = fmt->pt;
	leg->te_pt = te ? te->pt : -1;
	/* a phone without telephone-events sends its keys as tones */
	if (leg->te_pt < 0 && leg->dtmfh && !leg->inband)
		media_dtmf_rx_alloc(&leg->inband, inband_key, leg);
	/* a new offer/answer: latch again on the first packet (nat.c) */
	leg->latched = false;
	leg->raddr = *sdp_media_raddr(leg->sdpm);
	return 0;
}

int leg_sdp_answer(struct leg *leg, struct mbuf *offer, struct mbuf **answerp)
{
	int err = sdp_decode(leg->sdp, offer, true);

	if (!err)
		err = negotiated(leg, true);
	if (!err)
		err = sdp_encode(answerp, leg->sdp, false);
	return err;
}

int leg_sdp_offer(struct leg *leg, struct mbuf **offerp)
{
	return sdp_encode(offerp, leg->sdp, true);
}

int leg_sdp_take_answer(struct leg *leg, struct mbuf *answer)
{
	int err = sdp_decode(leg->sdp, answer, false);

	return err ? err : negotiated(leg, false);
}

void leg_send_payload(struct leg *leg, const uint8_t payload[LEG_FRAME])
{
	if (leg->pt < 0 || !sa_isset(&leg->raddr, SA_ALL) || !leg->rtp)
		return;
	if (leg_srtp_active(leg)) /* encrypted by its helper: one by one */
		leg_srtp_send(leg, leg->marker, (uint8_t)leg->pt, leg->ts,
		              payload, LEG_FRAME);
	else
		txq_rtp(leg->v->txq, leg->rtp, &leg->raddr, leg->marker,
		        (uint8_t)leg->pt, leg->ts, payload, LEG_FRAME);
	leg->marker = false;
	leg->ts += LEG_FRAME;
	leg->tx++;
	leg->v->st.rtp_tx++;
}

void leg_send_pcm(struct leg *leg, const int16_t pcm[LEG_FRAME])
{
	uint8_t payload[LEG_FRAME];

	if (leg->pt == 0)
		media_ulaw_encode(payload, pcm, LEG_FRAME);
	else
		media_alaw_encode(payload, pcm, LEG_FRAME);
	leg_send_payload(leg, payload);
}

void leg_bridge(struct leg *a, struct leg *b)
{
	a->peer = b;
	if (b)
		b->peer = a;
}
