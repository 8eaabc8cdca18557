/*
 * nat.c - phones behind home routers: where their RTP may come from
 * (symmetric RTP with a rule against hijacking), how their dialogs are
 * reached through the router, and the keep-alives that hold the router's
 * mapping open. See docs/voice.md, "Home workers".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "voice/leg.h"
#include "voice/nat.h"
#include "voice/voice_int.h"

/*
 * Symmetric RTP: the first packet after an offer/answer fixes where the
 * leg's audio goes (its source, which a router rewrote), and from then on
 * only that source is heard until the next offer/answer. Where the
 * signalling peer is known (a phone), the first packet must come from its
 * host or from the address its SDP named: a stranger who guesses the
 * port before the phone speaks cannot take the call's audio. An SRTP
 * leg's packets are authenticated before they get here.
 */
bool nat_rtp_accept(struct leg *leg, const struct sa *src)
{
	const struct sa *sdp;

	if (leg->latched) {
		if (sa_cmp(src, &leg->raddr, SA_ALL))
			return true;
		leg->rtp_foreign++;
		return false;
	}
	if (sa_isset(&leg->sec.sig, SA_ADDR) &&
	    !sa_cmp(src, &leg->sec.sig, SA_ADDR)) {
		sdp = leg->sdpm ? sdp_media_raddr(leg->sdpm) : NULL;
		if (!sdp || !sa_cmp(src, sdp, SA_ADDR)) {
			leg->rtp_foreign++;
			return false;
		}
	}
	leg->raddr = *src;
	leg->latched = true;
	return true;
}

/* Is a Contact URI elsewhere than the source its request came from? */
static bool uri_behind(const struct uri *uri, const struct sa *src,
                       enum sip_transp tp)
{
	struct sa contact;

	if (sa_set(&contact, &uri->host,
	           uri->port ? uri->port : sip_transp_port(tp, 0)))
		return true; /* a host name: reach it where it came from */
	if (tp == SIP_TRANSP_UDP)
		return !sa_cmp(&contact, src, SA_ALL);
	/* TCP and TLS phones name their own port: the address tells */
	return !sa_cmp(&contact, src, SA_ADDR);
}

bool nat_binding_behind(const struct binding *b)
{
	struct uri uri;
	struct pl pl;

	pl_set_str(&pl, b->uri);
	return uri_decode(&uri, &pl) || uri_behind(&uri, &b->src, b->tp);
}

static const char *transport_param(enum sip_transp tp)
{
	return tp == SIP_TRANSP_TLS   ? ";transport=tls"
	       : tp == SIP_TRANSP_TCP ? ";transport=tcp"
	                              : "";
}

int nat_route(const struct binding *b, char *route, size_t size)
{
	return re_snprintf(route, size, "sip:%J;lr%s", &b->src,
	                   transport_param(b->tp)) < 0
	           ? EINVAL
	           : 0;
}

/*
 * libre takes a dialog's route set from the answer's Record-Route, else
 * the phone's Contact, which behind a router is a private address. So
 * an INVITE to a phone behind NAT carries two Record-Routes, which the
 * phone copies into its 200 (RFC 3261 12.1.1): the phone's route set
 * starts with ours (it sends its BYE to the address it registered to),
 * ours (reversed) with its public address, where the ACK, BYE and
 * NOTIFY must go. A phone ignores Route headers naming itself (RFC 3261
 * 16.4 applies to proxies). The alternative, rewriting the Contact of
 * the 200, needs a hook that libre 1.1 does not have.
 */
int nat_record_route(const struct binding *b, char *buf, size_t size)
{
	if (!nat_binding_behind(b)) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	return re_snprintf(buf, size,
	                   "Record-Route: <sip:%J;lr%s>\r\n"
	                   "Record-Route: <sip:%J;lr%s>\r\n",
	                   &b->dst, transport_param(b->tp), &b->src,
	                   transport_param(b->tp)) < 0
	           ? EINVAL
	           : 0;
}

int nat_binding_dial(const struct binding *b, char *route, size_t rsize,
                     char *headers, size_t hsize, struct leg_security *sec)
{
	const struct voice_phone *p = &b->phone->p;

	memset(sec, 0, sizeof(*sec));
	sec->keys_ok = b->tp == SIP_TRANSP_TLS;
	sec->srtp_required = p->srtp == VOICE_SRTP_REQUIRED;
	sec->offer_srtp = sec->keys_ok && p->srtp != VOICE_SRTP_OFF;
	sec->sig = b->src;
	if (sec->srtp_required && !sec->keys_ok)
		return EPROTO;
	if (nat_route(b, route, rsize) || nat_record_route(b, headers, hsize))
		return EINVAL;
	return 0;
}

void nat_caller_security(struct leg_security *sec, const struct sip_msg *msg,
                         const struct voice_phone *phone)
{
	memset(sec, 0, sizeof(*sec));
	sec->keys_ok = msg->tp == SIP_TRANSP_TLS;
	if (!phone)
		return; /* a trunk: its media may come from elsewhere */
	sec->srtp_required = phone->srtp == VOICE_SRTP_REQUIRED;
	sec->sig = msg->src;
}

/*
 * A phone behind a router calls us (a feature code): libre makes the
 * dialog's remote target from the INVITE's Contact, a private address
 * the BYE would never reach, and the phone sends no Record-Route. So
 * while the dialog is made, the Contact reads as where the INVITE came
 * from ("fix_nated_contact", as Kamailio calls it). The alternative, a
 * route set given to the server dialog, is not in libre 1.1's API.
 */
void nat_contact_fix(struct nat_contact *nc, const struct sip_msg *msg)
{
	/* the message is the handler's to read, and ours for this call:
	 * its header list was allocated writable by libre */
	struct sip_hdr *h = (struct sip_hdr *)sip_msg_hdr(msg, SIP_HDR_CONTACT);
	struct sip_addr addr;
	int n;

	nc->hdr = NULL;
	if (!h || sip_addr_decode(&addr, &h->val) ||
	    !uri_behind(&addr.uri, &msg->src, msg->tp))
		return;
	n = re_snprintf(nc->buf, sizeof(nc->buf), "<sip:%r@%J%s>",
	                &addr.uri.user, &msg->src, transport_param(msg->tp));
	if (n <= 0 || (size_t)n >= sizeof(nc->buf))
		return;
	nc->hdr = h;
	nc->val = h->val;
	h->val.p = nc->buf;
	h->val.l = (size_t)n;
}

void nat_contact_restore(struct nat_contact *nc)
{
	if (nc->hdr)
		((struct sip_hdr *)nc->hdr)->val = nc->val;
	nc->hdr = NULL;
}

/* ---- keep-alives ------------------------------------------------------ */

static void keepalive_h(void *arg);

static void keepalive_resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct binding *b = arg;

	b->ka_req = NULL;
	if (err || !msg || msg->scode >= 300)
		log_event(LOG_INFO, "sip.keepalive-failed",
		          "user=%s contact=%s status=%u%s%s", b->phone->p.user,
		          b->uri, msg ? msg->scode : 0, err ? " error=" : "",
		          err ? strerror(err) : "");
	else
		log_event(LOG_DEBUG, "sip.keepalive", "user=%s status=%u",
		          b->phone->p.user, msg->scode);
}

static void keepalive_send(struct binding *b)
{
	struct voice *v = b->phone->v;
	char route[96];
	struct uri ruri;
	struct pl pl;

	if (b->ka_req || nat_route(b, route, sizeof(route)))
		return; /* the last one is still out: one at a time */
	pl_set_str(&pl, route);
	if (uri_decode(&ruri, &pl))
		return;
	sip_requestf(&b->ka_req, v->sip, true, "OPTIONS", b->uri, &ruri, NULL,
	             NULL, keepalive_resp_h, b,
	             "Max-Forwards: 70\r\n"
	             "To: <%s>\r\n"
	             "From: <sip:keepalive@%s>;tag=%016llx\r\n"
	             "Call-ID: %016llx@keepalive\r\n"
	             "CSeq: 1 OPTIONS\r\n"
	             "Content-Length: 0\r\n\r\n",
	             b->uri, v->p.realm, rand_u64(), rand_u64());
}

static void keepalive_h(void *arg)
{
	struct binding *b = arg;
	struct voice *v = b->phone->v;

	if (!v->p.nat_keepalive_s) /* a reload turned them off */
		return;
	keepalive_send(b);
	vtimer_start(&v->vt, &b->ka_tmr, v->p.nat_keepalive_s * 1000ULL,
	             keepalive_h, b);
}

void nat_keepalive_start(struct binding *b)
{
	struct voice *v = b->phone->v;

	/* TCP and TLS phones hold their connection with CRLF pings, which
	 * libre answers; UDP phones behind a router get OPTIONS from us */
	if (!v->p.nat_keepalive_s || b->tp != SIP_TRANSP_UDP ||
	    !nat_binding_behind(b) || vtimer_running(&b->ka_tmr))
		return;
	vtimer_start(&v->vt, &b->ka_tmr, v->p.nat_keepalive_s * 1000ULL,
	             keepalive_h, b);
}

void nat_keepalive_stop(struct binding *b)
{
	vtimer_cancel(&b->phone->v->vt, &b->ka_tmr);
	b->ka_req = mem_deref(b->ka_req);
}
