/*
 * srtp.c - SDES-keyed SRTP on a leg (see srtp.h).
 */
#include <errno.h>
#include <string.h>

#include "voice/leg.h"
#include "voice/srtp.h"
#include "voice/voice.h"

#define LAYER_SRTP  20 /* below anything else on the RTP socket */
#define KEY_SALT    30 /* AES_CM_128: 16 bytes of key, 14 of salt */
#define KEY_B64     40
#define TAG_MAX     10
#define PAYLOAD_MAX 160

struct leg_srtp {
	struct udp_helper *uh;
	struct srtp *tx, *rx;
	uint8_t lkey[KEY_SALT]; /* ours, as offered or answered */
	char tag[TAG_MAX];      /* the a=crypto tag agreed */
	enum srtp_suite suite;
	uint64_t auth_failures;
};

static void srtp_destructor(void *arg)
{
	struct leg_srtp *s = arg;

	mem_deref(s->uh);
	mem_deref(s->tx);
	mem_deref(s->rx);
	memset(s->lkey, 0, sizeof(s->lkey)); /* no key left in freed memory */
}

static const struct {
	const char *name;
	enum srtp_suite suite;
} suites[] = {
    {"AES_CM_128_HMAC_SHA1_80", SRTP_AES_CM_128_HMAC_SHA1_80},
    {"AES_CM_128_HMAC_SHA1_32", SRTP_AES_CM_128_HMAC_SHA1_32},
};

static int suite_of(const struct pl *name, enum srtp_suite *suite)
{
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (!pl_strcmp(name, suites[i].name)) {
			*suite = suites[i].suite;
			return 0;
		}
	}
	return ENOTSUP;
}

static const char *suite_name(enum srtp_suite suite)
{
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (suites[i].suite == suite)
			return suites[i].name;
	}
	return "?";
}

static int state_get(struct leg *leg, struct leg_srtp **sp)
{
	struct leg_srtp *s = leg->srtp;

	if (!s) {
		s = mem_zalloc(sizeof(*s), srtp_destructor);
		if (!s)
			return ENOMEM;
		rand_bytes(s->lkey, sizeof(s->lkey));
		leg->srtp = s;
	}
	*sp = s;
	return 0;
}

static int crypto_lattr(struct leg *leg, const char *tag, enum srtp_suite suite)
{
	struct leg_srtp *s = leg->srtp;
	char b64[KEY_B64 + 4];
	size_t n = sizeof(b64);
	int err = base64_encode(s->lkey, sizeof(s->lkey), b64, &n);

	if (err)
		return err;
	b64[n] = '\0';
	err = sdp_media_set_lattr(leg->sdpm, true, "crypto", "%s %s inline:%s",
	                          tag, suite_name(suite), b64);
	memset(b64, 0, sizeof(b64));
	return err;
}

int leg_srtp_offer(struct leg *leg)
{
	struct leg_srtp *s;
	int err = state_get(leg, &s);

	if (err)
		return err;
	s->suite = SRTP_AES_CM_128_HMAC_SHA1_80;
	strcpy(s->tag, "1");
	return crypto_lattr(leg, s->tag, s->suite);
}

/* One remote a=crypto: "TAG SUITE inline:KEY[|lifetime][|MKI] ..." */
struct remote_crypto {
	struct pl tag;
	enum srtp_suite suite;
	uint8_t key[KEY_SALT];
	bool found;
};

static bool crypto_h(const char *name, const char *value, void *arg)
{
	struct remote_crypto *rc = arg;
	struct pl tag, suite, key;
	size_t n = sizeof(rc->key);

	(void)name;
	if (!value ||
	    re_regex(value, strlen(value), "[0-9]+[ ]+[^ ]+[ ]+inline:[^|& ]+",
	             &tag, NULL, &suite, NULL, &key))
		return false;
	if (tag.l >= TAG_MAX || suite_of(&suite, &rc->suite) ||
	    base64_decode(key.p, key.l, rc->key, &n) || n != KEY_SALT)
		return false;
	rc->tag = tag;
	rc->found = true;
	return true; /* the first usable one, in the peer's order */
}

static int contexts_start(struct leg *leg, const uint8_t rkey[KEY_SALT]);

int leg_srtp_negotiate(struct leg *leg, bool answering)
{
	struct remote_crypto rc = {.found = false};
	bool savp = !strcmp(sdp_media_proto(leg->sdpm), sdp_proto_rtpsavp);
	struct leg_srtp *s;
	int err;

	if (leg->sec.keys_ok)
		sdp_media_rattr_apply(leg->sdpm, "crypto", crypto_h, &rc);
	if (!rc.found) {
		memset(&rc, 0, sizeof(rc));
		/* plain RTP: refused where SRTP is required, and RTP/SAVP
		 * cannot be answered without keys */
		if (leg->sec.srtp_required || savp)
			return EPROTO;
		if (leg->srtp)
			sdp_media_del_lattr(leg->sdpm, "crypto");
		leg->srtp = mem_deref(leg->srtp);
		return 0;
	}
	err = state_get(leg, &s);
	if (!err && !answering &&
	    (pl_strcmp(&rc.tag, s->tag) || rc.suite != s->suite))
		err = EPROTO; /* not the crypto we offered */
	if (!err && answering) {
		pl_strcpy(&rc.tag, s->tag, sizeof(s->tag));
		s->suite = rc.suite;
		err = crypto_lattr(leg, s->tag, s->suite);
	}
	if (!err)
		err = contexts_start(leg, rc.key);
	memset(rc.key, 0, sizeof(rc.key));
	return err;
}

static bool send_h(int *err, struct sa *dst, struct mbuf *mb, void *arg)
{
	struct leg_srtp *s = arg;
	size_t start = mb->pos;

	(void)dst;
	if (mbuf_get_left(mb) < RTP_HEADER_SIZE)
		return false;
	*err = srtp_encrypt(s->tx, mb);
	mb->pos = start;
	return *err != 0; /* a packet that cannot be protected stays home */
}

static bool recv_h(struct sa *src, struct mbuf *mb, void *arg)
{
	struct leg_srtp *s = arg;
	size_t start = mb->pos;

	(void)src;
	if (mbuf_get_left(mb) < RTP_HEADER_SIZE || srtp_decrypt(s->rx, mb)) {
		s->auth_failures++;
		return true; /* dropped: not from the holder of the key */
	}
	mb->pos = start;
	return false;
}

static int contexts_start(struct leg *leg, const uint8_t rkey[KEY_SALT])
{
	struct leg_srtp *s = leg->srtp;
	int err;

	s->tx = mem_deref(s->tx);
	s->rx = mem_deref(s->rx);
	err = srtp_alloc(&s->tx, s->suite, s->lkey, sizeof(s->lkey), 0);
	if (!err)
		err = srtp_alloc(&s->rx, s->suite, rkey, KEY_SALT, 0);
	if (!err && !s->uh)
		err = udp_register_helper(&s->uh, rtp_sock(leg->rtp),
		                          LAYER_SRTP, send_h, recv_h, s);
	return err;
}

bool leg_srtp_active(const struct leg *leg)
{
	return leg->srtp && leg->srtp->tx;
}

int leg_srtp_send(struct leg *leg, bool marker, uint8_t pt, uint32_t ts,
                  const uint8_t *payload, size_t len)
{
	struct mbuf *mb;
	int err;

	if (len > PAYLOAD_MAX)
		return EINVAL;
	mb = mbuf_alloc(RTP_HEADER_SIZE + PAYLOAD_MAX + 16);
	if (!mb)
		return ENOMEM;
	mb->pos = mb->end = RTP_HEADER_SIZE;
	err = mbuf_write_mem(mb, payload, len);
	mb->pos = RTP_HEADER_SIZE;
	if (!err)
		err =
		    rtp_send(leg->rtp, &leg->raddr, false, marker, pt, ts, mb);
	mem_deref(mb);
	return err;
}

uint64_t leg_srtp_auth_failures(const struct leg *leg)
{
	return leg->srtp ? leg->srtp->auth_failures : 0;
}

const char *leg_srtp_suite(const struct leg *leg)
{
	return leg_srtp_active(leg) ? suite_name(leg->srtp->suite) : "none";
}

bool srtp_offer_allowed(const struct sip_msg *msg,
                        const struct voice_phone *phone)
{
	const char *body = (const char *)mbuf_buf(msg->mb);
	size_t len = mbuf_get_left(msg->mb);

	if (!phone || phone->srtp != VOICE_SRTP_REQUIRED)
		return true;
	return msg->tp == SIP_TRANSP_TLS &&
	       !re_regex(body, len, "m=audio [0-9]+ RTP/SAVP", NULL) &&
	       !re_regex(body, len, "a=crypto:", NULL);
}
