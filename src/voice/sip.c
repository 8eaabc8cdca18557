/*
 * sip.c - the voice channel's SIP stack: transports, the request
 * dispatcher, authentication of requests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "media/media.h"
#include "voice/call.h"
#include "voice/voice_int.h"

void voice_params_init(struct voice_params *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->realm, sizeof(p->realm), "centralino");
	p->max_calls = 2000;
	p->retry_after_s = 30;
	p->rtp_min = 10000;
	p->rtp_max = 20000;
	p->reg_min_s = 60;
	p->reg_max_s = 3600;
	p->reg_default_s = 600;
	p->auth_max_failures = 5;
	p->auth_window_s = 60;
	p->auth_block_s = 300;
	p->nat_keepalive_s = 25;
}

const char *voice_src(const struct sip_msg *msg, char *buf, size_t size)
{
	re_snprintf(buf, size, "%j", &msg->src);
	return buf;
}

void voice_store_dir(const struct config *cfg, const char *name, char *buf,
                     size_t size)
{
	const char *slash = strrchr(cfg->store_path, '/');
	int n = slash ? (int)(slash - cfg->store_path) : 0;

	if (n)
		snprintf(buf, size, "%.*s/%s", n, cfg->store_path, name);
	else
		snprintf(buf, size, "%s", name);
}

static void challenge(struct voice *v, const struct sip_msg *msg, bool proxy,
                      const char *src, bool stale)
{
	char chall[256];

	if (digest_challenge(v->digest, src, tmr_jiffies(), stale, chall,
	                     sizeof(chall)))
		return;
	sip_replyf(v->sip, msg, proxy ? 407 : 401,
	           proxy ? "Proxy Authentication Required" : "Unauthorized",
	           "%s: %s\r\nContent-Length: 0\r\n\r\n",
	           proxy ? "Proxy-Authenticate" : "WWW-Authenticate", chall);
}

bool voice_auth(struct voice *v, const struct sip_msg *msg, bool proxy,
                char *user, size_t usize)
{
	const struct sip_hdr *h = sip_msg_hdr(
	    msg, proxy ? SIP_HDR_PROXY_AUTHORIZATION : SIP_HDR_AUTHORIZATION);
	char src[64], met[16];
	uint64_t now = tmr_jiffies();
	enum digest_result r;

	voice_src(msg, src, sizeof(src));
	if (throttle_blocked(v->throttle, src, now)) {
		sip_reply(v->sip, msg, 403, "Forbidden");
		return false;
	}
	pl_strcpy(&msg->met, met, sizeof(met));
	r = h ? digest_verify(v->digest, h->val.p, h->val.l, met, src, now,
	                      user, usize)
	      : DIGEST_MISSING;
	switch (r) {
	case DIGEST_OK:
		throttle_clear(v->throttle, src);
		return true;
	case DIGEST_MISSING:
	case DIGEST_STALE:
		challenge(v, msg, proxy, src, r == DIGEST_STALE);
		return false;
	default:
		v->st.auth_failures++;
		if (throttle_fail(v->throttle, src, now))
			log_event(LOG_WARN, "sip.auth-blocked",
			          "src=%s for_s=%u", src, v->p.auth_block_s);
		else
			log_event(LOG_INFO, "sip.auth-failed", "src=%s", src);
		/* one answer for a wrong user and a wrong password */
		sip_reply(v->sip, msg, 403, "Forbidden");
		return false;
	}
}

static bool on_request(const struct sip_msg *msg, void *arg)
{
	struct voice *v = arg;

	if (!pl_strcmp(&msg->met, "REGISTER")) {
		registrar_handle(v, msg);
		return true;
	}
	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		sip_replyf(v->sip, msg, 200, "OK",
		           "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, "
		           "REGISTER, INFO\r\nAccept: application/sdp\r\n"
		           "Content-Length: 0\r\n\r\n");
		return true;
	}
	return false; /* INVITE and in-dialog requests: the sessions */
}

static const char *password_of(const char *user, void *arg)
{
	struct voice *v = arg;
	struct phone *ph = phone_find(v, user);
	const struct config_trunk *t;

	if (ph)
		return ph->p.password;
	t = voice_trunk_by_user(v, user);
	return t ? t->in_password : NULL;
}

const struct config_trunk *voice_trunk_by_user(const struct voice *v,
                                               const char *user)
{
	for (size_t i = 0; v->cfg && i < v->cfg->ntrunks; i++) {
		const struct config_trunk *t = &v->cfg->trunks[i];

		if (t->inbound && t->in_username[0] &&
		    !strcmp(t->in_username, user))
			return t;
	}
	return NULL;
}

static int transport_add(struct voice *v, const struct voice_listen *l)
{
	struct sa addr;
	struct tls *tls = NULL;
	int err;

	err = sa_decode(&addr, l->address, strlen(l->address));
	if (err) {
		log_event(LOG_ERROR, "sip.listen-bad-address", "address=%s",
		          l->address);
		return EINVAL;
	}
	switch (l->transport) {
	case VOICE_UDP:
		err = sip_transp_add(v->sip, SIP_TRANSP_UDP, &addr);
		break;
	case VOICE_TCP:
		err = sip_transp_add(v->sip, SIP_TRANSP_TCP, &addr);
		break;
	case VOICE_TLS:
		err = tls_alloc(&tls, TLS_METHOD_SSLV23, l->certificate, NULL);
		if (!err)
			err =
			    sip_transp_add(v->sip, SIP_TRANSP_TLS, &addr, tls);
		mem_deref(tls);
		break;
	}
	log_event(err ? LOG_ERROR : LOG_INFO,
	          err ? "sip.listen-failed" : "sip.listening",
	          "transport=%s address=%s%s%s",
	          l->transport == VOICE_UDP   ? "udp"
	          : l->transport == VOICE_TCP ? "tcp"
	                                      : "tls",
	          l->address, err ? " error=" : "", err ? strerror(err) : "");
	return err;
}

static int stack_start(struct voice *v)
{
	/* hash sizes: at 500 calls/s some 60,000 transactions linger (32 s
	 * timers); libre scans one bucket's list per message */
	int err = sip_alloc(&v->sip, NULL, 32768, 32768, 4096,
	                    "Centralino/" CENTRALINO_VERSION, NULL, NULL);

	if (err)
		return err;
	for (unsigned i = 0; i < v->p.nlisten && !err; i++)
		err = transport_add(v, &v->p.listen[i]);
	if (!err)
		err = sip_listen(&v->lsnr, v->sip, true, on_request, v);
	if (!err)
		err = sipsess_listen(&v->sess_sock, v->sip, 16384,
		                     call_incoming, v);
	return err;
}

void voice_media_addr(const struct voice *v, struct sa *sa)
{
	*sa = v->media_addr;
	sa_set_port(sa, 0);
}

static int emergency_find(const struct voice *v, const char *key)
{
	for (unsigned i = 0; i < v->nemergency; i++) {
		if (!strcmp(v->emergency[i], key))
			return (int)i;
	}
	return -1;
}

bool voice_emergency_on(const struct voice *v, const char *tenant,
                        const char *flow)
{
	char key[sizeof(v->emergency[0])];

	snprintf(key, sizeof(key), "%s/%s", tenant, flow);
	return emergency_find(v, key) >= 0;
}

static bool flow_exists(const struct config *cfg, const char *tenant,
                        const char *flow)
{
	for (size_t i = 0; cfg && i < cfg->nflows; i++) {
		const struct config_flow *f = &cfg->flows[i];

		if (!strcmp(f->name, flow) &&
		    !strcmp(cfg->tenants[f->tenant.index].name, tenant))
			return true;
	}
	return false;
}

/* Kept by name, so that a reload keeps the switch where it was. */
int voice_emergency_set(struct voice *v, const char *tenant, const char *flow,
                        bool on)
{
	char key[sizeof(v->emergency[0])];
	int i;

	if (!flow_exists(v->cfg, tenant, flow))
		return ENOENT;
	snprintf(key, sizeof(key), "%s/%s", tenant, flow);
	i = emergency_find(v, key);
	if (on && i < 0) {
		if (v->nemergency ==
		    sizeof(v->emergency) / sizeof(v->emergency[0]))
			return ENOSPC;
		snprintf(v->emergency[v->nemergency++], sizeof(key), "%s", key);
	} else if (!on && i >= 0) {
		memcpy(v->emergency[i], v->emergency[--v->nemergency],
		       sizeof(key));
	}
	log_event(LOG_WARN, "flow.emergency-switched",
	          "tenant=%s flow=%s emergency=%s", tenant, flow,
	          on ? "on" : "off");
	return 0;
}

static int media_setup(struct voice *v)
{
	int err = sa_set_str(
	    &v->media_addr,
	    v->p.media_address[0] ? v->p.media_address : "127.0.0.1", 0);

	if (err)
		return EINVAL;
	return media_prompts_alloc(&v->prompts, v->p.prompts_cache[0]
	                                            ? v->p.prompts_cache
	                                            : "var/prompts");
}

int voice_alloc(struct voice **vp, const struct voice_params *p,
                struct config_hold *hold, struct acd *acd)
{
	struct voice *v;
	int err;

	if (!vp || !p || !acd || !p->nlisten)
		return EINVAL;
	v = mem_zalloc(sizeof(*v), NULL);
	if (!v)
		return ENOMEM;
	v->p = *p;
	v->p.phones = NULL;
	v->hold = config_hold_ref(hold);
	v->cfg = config_hold_cfg(hold);
	v->acd = acd;
	list_init(&v->call_list);
	for (size_t i = 0; i < VOICE_TICK_SLOTS; i++)
		list_init(&v->tick_calls[i]);
	list_init(&v->moh);
	vtimers_init(&v->vt);
	err = hash_alloc(&v->phones, 4096);
	if (!err)
		err = hash_alloc(&v->phones_by_agent, 4096);
	if (!err)
		err = hash_alloc(&v->calls, 16384);
	if (!err)
		err = hash_alloc(&v->consults, 256);
	if (!err)
		err = digest_alloc(&v->digest, p->realm, password_of, v);
	if (!err)
		err = throttle_alloc(&v->throttle, p->auth_max_failures,
		                     p->auth_window_s * 1000ULL,
		                     p->auth_block_s * 1000ULL);
	if (!err)
		err = media_setup(v);
	if (!err)
		err = phones_load(v, p->phones, p->nphones);
	if (!err)
		err = stack_start(v);
	if (!err)
		err = call_media_start(v);
	if (err) {
		voice_free(v);
		return err;
	}
	*vp = v;
	return 0;
}

void voice_free(struct voice *v)
{
	if (!v)
		return;
	calls_flush(v);
	call_media_stop(v);
	v->sess_sock = mem_deref(v->sess_sock);
	v->lsnr = mem_deref(v->lsnr);
	phones_flush(v);
	vtimers_close(&v->vt);
	if (v->sip)
		sip_close(v->sip, true);
	v->sip = mem_deref(v->sip);
	digest_free(v->digest);
	mem_deref(v->prompts);
	mem_deref(v->ringback);
	config_hold_unref(v->hold);
	throttle_free(v->throttle);
	mem_deref(v->phones);
	mem_deref(v->phones_by_agent);
	mem_deref(v->calls);
	mem_deref(v->consults);
	mem_deref(v);
}

int voice_reload(struct voice *v, const struct voice_params *p,
                 struct config_hold *hold)
{
	int err;

	if (strcmp(p->realm, v->p.realm) || p->nlisten != v->p.nlisten ||
	    memcmp(p->listen, v->p.listen, p->nlisten * sizeof(p->listen[0])))
		log_event(LOG_WARN, "config.reload-partial",
		          "what=sip.listen,sip.realm note=\"take effect at the "
		          "next start\"");
	err = phones_reload(v, p->phones, p->nphones);
	v->p.max_calls = p->max_calls;
	v->p.retry_after_s = p->retry_after_s;
	v->p.reg_min_s = p->reg_min_s;
	v->p.reg_max_s = p->reg_max_s;
	v->p.reg_default_s = p->reg_default_s;
	v->p.nat_keepalive_s = p->nat_keepalive_s;
	phones_keepalive(v); /* if they were off, phones behind NAT get them */
	config_hold_unref(v->hold);
	v->hold = config_hold_ref(hold);
	v->cfg = config_hold_cfg(hold);
	return err;
}

void voice_stats(const struct voice *v, struct voice_stats *st)
{
	*st = v->st;
}
