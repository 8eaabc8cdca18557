/*
 * registrar.c - agents' phones register here with digest authentication
 * (RFC 3261 section 10): several contacts per phone, each with its own
 * expiry. A static queue member is ready while a phone is registered.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "voice/nat.h"
#include "voice/voice_int.h"

static bool phone_cmp(struct le *le, void *arg)
{
	const struct phone *ph = le->data;

	return !strcmp(ph->p.user, arg);
}

struct phone *phone_find(const struct voice *v, const char *user)
{
	struct le *le = hash_lookup(v->phones, hash_joaat_str(user), phone_cmp,
	                            (void *)user);

	return le ? le->data : NULL;
}

static bool phone_agent_cmp(struct le *le, void *arg)
{
	const struct phone *ph = le->data;

	return ph->p.agent == *(const uint32_t *)arg;
}

struct phone *phone_of_agent(const struct voice *v, uint32_t agent)
{
	struct le *le =
	    hash_lookup(v->phones_by_agent, agent, phone_agent_cmp, &agent);

	return le ? le->data : NULL;
}

static void binding_destructor(void *arg)
{
	struct binding *b = arg;

	vtimer_cancel(&b->phone->v->vt, &b->tmr);
	nat_keepalive_stop(b);
	list_unlink(&b->le);
}

static void phone_destructor(void *arg)
{
	struct phone *ph = arg;

	list_flush(&ph->bindings);
	hash_unlink(&ph->he);
	hash_unlink(&ph->he_agent);
}

int phones_load(struct voice *v, const struct voice_phone *phones, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct phone *ph = mem_zalloc(sizeof(*ph), phone_destructor);

		if (!ph)
			return ENOMEM;
		ph->v = v;
		ph->p = phones[i];
		list_init(&ph->bindings);
		hash_append(v->phones, hash_joaat_str(ph->p.user), &ph->he, ph);
		hash_append(v->phones_by_agent, ph->p.agent, &ph->he_agent, ph);
	}
	return 0;
}

static void phone_presence(struct phone *ph);
static bool count_bindings(struct le *le, void *arg);

struct prune {
	struct list dead;
	uint64_t gen;
};

static bool phone_stale(struct le *le, void *arg)
{
	struct phone *ph = le->data;
	struct prune *pr = arg;

	if (ph->gen != pr->gen) {
		hash_unlink(&ph->he);
		list_append(&pr->dead, &ph->he, ph);
	}
	return false;
}

/* A reload made TLS required: registrations over UDP or TCP go now, not
 * at their expiry (the counter is recounted by phones_reload). */
static void bindings_drop_plain(struct phone *ph)
{
	struct le *le = ph->bindings.head;

	while (le) {
		struct binding *b = le->data;

		le = le->next;
		if (b->tp == SIP_TRANSP_TLS)
			continue;
		log_event(LOG_WARN, "sip.registration-dropped",
		          "user=%s contact=%s reason=tls-required", ph->p.user,
		          b->uri);
		mem_deref(b);
	}
}

static int phone_update(struct voice *v, const struct voice_phone *np,
                        uint64_t gen)
{
	struct phone *ph = phone_find(v, np->user);
	bool was_static;

	if (!ph) {
		int err = phones_load(v, np, 1);

		ph = phone_find(v, np->user);
		if (ph)
			ph->gen = gen;
		return err;
	}
	ph->gen = gen;
	was_static = ph->p.static_member;
	if (ph->p.agent != np->agent) {
		hash_unlink(&ph->he_agent);
		hash_append(v->phones_by_agent, np->agent, &ph->he_agent, ph);
	}
	ph->p = *np;
	if (ph->p.tls_required)
		bindings_drop_plain(ph);
	if ((ph->p.static_member && !was_static) || ph->p.tls_required)
		phone_presence(ph);
	return 0;
}

int phones_reload(struct voice *v, const struct voice_phone *phones, size_t n)
{
	static uint64_t generation;
	struct prune pr = {.gen = ++generation};
	int err = 0;

	list_init(&pr.dead);
	for (size_t i = 0; i < n; i++)
		err |= phone_update(v, &phones[i], pr.gen);
	/* phones no longer configured: their registrations go with them */
	hash_apply(v->phones, phone_stale, &pr);
	v->st.registrations = 0;
	list_flush(&pr.dead);
	hash_apply(v->phones, count_bindings, v);
	return err ? ENOMEM : 0;
}

static bool phone_keepalive(struct le *le, void *arg)
{
	const struct phone *ph = le->data;

	(void)arg;
	for (struct le *bl = ph->bindings.head; bl; bl = bl->next)
		nat_keepalive_start(bl->data);
	return false;
}

void phones_keepalive(struct voice *v)
{
	hash_apply(v->phones, phone_keepalive, NULL);
}

void phones_flush(struct voice *v)
{
	hash_flush(v->phones);
}

static bool count_bindings(struct le *le, void *arg)
{
	const struct phone *ph = le->data;
	struct voice *v = arg;

	v->st.registrations += list_count(&ph->bindings);
	return false;
}

/* A static member follows its phone: ready while registered. */
static void phone_presence(struct phone *ph)
{
	struct voice *v = ph->v;
	bool registered = !list_isempty(&ph->bindings);

	if (!ph->p.static_member)
		return;
	if (registered &&
	    acd_agent_state(v->acd, ph->p.agent) == ACD_AGENT_OFFLINE)
		acd_agent_presence(v->acd, ph->p.agent, ACD_PRESENCE_READY,
		                   NULL);
	else if (!registered)
		acd_agent_presence(v->acd, ph->p.agent, ACD_PRESENCE_OFFLINE,
		                   NULL);
}

static void binding_expired(void *arg)
{
	struct binding *b = arg;
	struct phone *ph = b->phone;

	log_event(LOG_INFO, "sip.registration-expired", "user=%s contact=%s",
	          ph->p.user, b->uri);
	ph->v->st.registrations--;
	mem_deref(b);
	phone_presence(ph);
}

static struct binding *binding_find(struct phone *ph, const struct pl *uri)
{
	for (struct le *le = ph->bindings.head; le; le = le->next) {
		struct binding *b = le->data;

		if (!pl_strcmp(uri, b->uri))
			return b;
	}
	return NULL;
}

struct reg_ctx {
	struct voice *v;
	struct phone *ph;
	const struct sip_msg *msg;
	uint32_t expires; /* the Expires header, or the default */
	bool star;
	int err; /* first problem, as a SIP status */
};

static uint32_t contact_expires(const struct reg_ctx *r,
                                const struct sip_addr *addr)
{
	struct pl val;

	if (!msg_param_decode(&addr->params, "expires", &val))
		return pl_u32(&val);
	return r->expires;
}

/* Where the phone is reached: the REGISTER's source and connection. */
static void binding_update(struct binding *b, const struct sip_msg *msg)
{
	pl_strcpy(&msg->callid, b->callid, sizeof(b->callid));
	b->cseq = msg->cseq.num;
	b->src = msg->src;
	b->dst = msg->dst;
	b->tp = msg->tp;
	nat_keepalive_start(b);
}

static void binding_set(struct reg_ctx *r, const struct sip_addr *addr,
                        uint32_t expires)
{
	struct voice *v = r->v;
	struct binding *b = binding_find(r->ph, &addr->auri);
	char src[64];

	if (!expires) {
		if (b) {
			v->st.registrations--;
			mem_deref(b);
		}
		return;
	}
	if (!b) {
		b = mem_zalloc(sizeof(*b), binding_destructor);
		if (!b) {
			r->err = 500;
			return;
		}
		b->phone = r->ph;
		pl_strcpy(&addr->auri, b->uri, sizeof(b->uri));
		list_append(&r->ph->bindings, &b->le, b);
		v->st.registrations++;
		binding_update(b, r->msg);
		re_snprintf(src, sizeof(src), "%J", &b->src);
		log_event(LOG_INFO, "sip.registered",
		          "user=%s contact=%s transport=%s source=%s nat=%s",
		          r->ph->p.user, b->uri, sip_transp_name(b->tp), src,
		          nat_binding_behind(b) ? "yes" : "no");
	} else {
		binding_update(b, r->msg);
	}
	b->expires_at = tmr_jiffies() + expires * 1000ULL;
	vtimer_start(&v->vt, &b->tmr, expires * 1000ULL, binding_expired, b);
}

static bool on_contact(const struct sip_hdr *hdr, const struct sip_msg *msg,
                       void *arg)
{
	struct reg_ctx *r = arg;
	struct sip_addr addr;
	uint32_t expires;

	(void)msg;
	if (!pl_strcmp(&hdr->val, "*")) {
		r->star = true;
		return false;
	}
	if (sip_addr_decode(&addr, &hdr->val)) {
		r->err = 400;
		return true;
	}
	expires = contact_expires(r, &addr);
	if (expires && expires < r->v->p.reg_min_s) {
		r->err = 423;
		return true;
	}
	if (expires > r->v->p.reg_max_s)
		expires = r->v->p.reg_max_s;
	binding_set(r, &addr, expires);
	return r->err != 0;
}

static void reply_ok(struct voice *v, const struct sip_msg *msg,
                     struct phone *ph)
{
	struct mbuf *mb = mbuf_alloc(512);
	uint64_t now = tmr_jiffies();

	if (!mb)
		return;
	for (struct le *le = ph->bindings.head; le; le = le->next) {
		const struct binding *b = le->data;

		mbuf_printf(mb, "Contact: <%s>;expires=%llu\r\n", b->uri,
		            (unsigned long long)(b->expires_at - now + 999) /
		                1000);
	}
	mbuf_write_u8(mb, 0);
	sip_replyf(v->sip, msg, 200, "OK", "%sContent-Length: 0\r\n\r\n",
	           (const char *)mb->buf);
	mem_deref(mb);
}

void registrar_handle(struct voice *v, const struct sip_msg *msg)
{
	struct reg_ctx r = {.v = v, .msg = msg};
	char user[128], to_user[128];

	if (!voice_auth(v, msg, false, user, sizeof(user)))
		return;
	pl_strcpy(&msg->to.uri.user, to_user, sizeof(to_user));
	r.ph = phone_find(v, user);
	/* a phone registers itself only: the same 403 as a wrong password */
	if (!r.ph || strcmp(user, to_user)) {
		sip_reply(v->sip, msg, 403, "Forbidden");
		return;
	}
	/* a home worker's policy: signalling (and so SRTP keys) over TLS */
	if (r.ph->p.tls_required && msg->tp != SIP_TRANSP_TLS) {
		log_event(LOG_WARN, "sip.register-refused",
		          "user=%s reason=tls-required transport=%s src=%s",
		          user, sip_transp_name(msg->tp),
		          voice_src(msg, to_user, sizeof(to_user)));
		sip_reply(v->sip, msg, 403, "TLS Required");
		return;
	}
	r.expires = pl_isset(&msg->expires) ? pl_u32(&msg->expires)
	                                    : v->p.reg_default_s;
	sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, on_contact, &r);
	if (r.star && r.expires == 0) {
		v->st.registrations -= list_count(&r.ph->bindings);
		list_flush(&r.ph->bindings);
	}
	if (r.err == 423) {
		sip_replyf(v->sip, msg, 423, "Interval Too Brief",
		           "Min-Expires: %u\r\nContent-Length: 0\r\n\r\n",
		           v->p.reg_min_s);
	} else if (r.err) {
		sip_reply(v->sip, msg, (uint16_t)r.err,
		          r.err == 400 ? "Bad Request" : "Server Error");
	} else {
		reply_ok(v, msg, r.ph);
	}
	phone_presence(r.ph);
}
