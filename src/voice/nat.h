/*
 * nat.h - phones behind home routers (nat.c): symmetric RTP with a rule
 * against hijacking, dialogs reached through the router, keep-alives.
 */
#ifndef VOICE_NAT_H
#define VOICE_NAT_H

#include <stdbool.h>
#include <stddef.h>

#include <re.h>

struct binding;
struct leg;
struct leg_security;
struct voice_phone;

/**
 * Should an RTP packet from src be heard on leg? Latches the leg's
 * remote address to the first acceptable source after an offer/answer;
 * counts what it refuses in leg->rtp_foreign.
 */
bool nat_rtp_accept(struct leg *leg, const struct sa *src);
/** Does the binding's Contact differ from where its REGISTER came from? */
bool nat_binding_behind(const struct binding *b);
/** The route to a binding: its source address and transport. EINVAL if
 * it does not fit. */
int nat_route(const struct binding *b, char *route, size_t size);
/** The Record-Route headers an INVITE to b carries ("" when b is not
 * behind NAT), so that the dialog's requests follow the REGISTER's path.
 * EINVAL if they do not fit. */
int nat_record_route(const struct binding *b, char *buf, size_t size);
/**
 * How to dial binding b: the route (its source), the Record-Route
 * headers, and the leg's security (SRTP offered over TLS unless the
 * agent's policy says off; required by the policy). Returns 0, EPROTO
 * when the policy requires SRTP and b is not over TLS (no keys may be
 * sent), EINVAL when something does not fit.
 */
int nat_binding_dial(const struct binding *b, char *route, size_t rsize,
                     char *headers, size_t hsize, struct leg_security *sec);
/** The security of a caller's leg from its INVITE: keys if over TLS; a
 * phone (NULL: a trunk) brings its agent's policy and latching rule. */
void nat_caller_security(struct leg_security *sec, const struct sip_msg *msg,
                         const struct voice_phone *phone);
/** A Contact read as the INVITE's source while its dialog is made. */
struct nat_contact {
	const struct sip_hdr *hdr; /* the Contact changed, or NULL */
	struct pl val;             /* what it said */
	char buf[160];             /* what it says meanwhile */
};
/**
 * If msg (an INVITE from a phone) names a Contact elsewhere than where it
 * came from, make its Contact say the source until nat_contact_restore(),
 * so that the dialog made meanwhile reaches the phone through its router.
 */
void nat_contact_fix(struct nat_contact *nc, const struct sip_msg *msg);
/** Put the Contact back as it was. */
void nat_contact_restore(struct nat_contact *nc);
/** OPTIONS every sip.nat_keepalive to a UDP binding behind NAT (no-op
 * otherwise or when already running). */
void nat_keepalive_start(struct binding *b);
/** Stop them (the binding goes). */
void nat_keepalive_stop(struct binding *b);

#endif
