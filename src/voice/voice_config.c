/*
 * voice_config.c - the voice channel's parameters from the configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "voice/voice.h"

static void listen_copy(struct voice_listen *l,
                        const struct config_sip_listen *c)
{
	l->transport = c->transport == CONFIG_TCP   ? VOICE_TCP
	               : c->transport == CONFIG_TLS ? VOICE_TLS
	                                            : VOICE_UDP;
	snprintf(l->address, sizeof(l->address), "%s", c->address.text);
	snprintf(l->certificate, sizeof(l->certificate), "%s", c->certificate);
}

/* An agent's SIP user: its name, or name@tenant where two tenants share
 * the name, so that one login never reaches another tenant's agent. */
static void phone_user(const struct config *cfg, size_t i, char *buf,
                       size_t size)
{
	const struct config_agent *a = &cfg->agents[i];
	bool shared = false;

	for (size_t j = 0; j < cfg->nagents && !shared; j++)
		shared = j != i && !strcmp(cfg->agents[j].name, a->name);
	if (shared)
		snprintf(buf, size, "%s@%s", a->name,
		         cfg->tenants[a->tenant.index].name);
	else
		snprintf(buf, size, "%s", a->name);
}

static size_t phones_fill(struct voice_phone *v, const struct config *cfg,
                          const struct acd *acd)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->nagents; i++) {
		const struct config_agent *a = &cfg->agents[i];
		uint32_t tenant =
		    acd_tenant_find(acd, cfg->tenants[a->tenant.index].name);
		uint32_t id = acd_agent_find(acd, tenant, a->name);

		if ((!a->password[0] && !a->outside[0]) || id == ACD_NONE)
			continue; /* neither a phone login nor a mobile */
		v[n].agent = id;
		phone_user(cfg, i, v[n].user, sizeof(v[n].user));
		snprintf(v[n].password, sizeof(v[n].password), "%s",
		         a->password);
		v[n].static_member = a->static_member;
		snprintf(v[n].outside, sizeof(v[n].outside), "%s", a->outside);
		v[n].tls_required = a->tls == CONFIG_NEED_REQUIRED;
		v[n].srtp = a->srtp == CONFIG_NEED_REQUIRED
		                ? VOICE_SRTP_REQUIRED
		            : a->srtp == CONFIG_NEED_OFF ? VOICE_SRTP_OFF
		                                         : VOICE_SRTP_OPTIONAL;
		n++;
	}
	return n;
}

bool voice_params_from_config(struct voice_params *p, const struct config *cfg,
                              const struct acd *acd)
{
	const struct config_sip *s = &cfg->sip;

	voice_params_init(p);
	if (!s->nlisten)
		return false;
	snprintf(p->realm, sizeof(p->realm), "%s", s->realm);
	snprintf(p->media_address, sizeof(p->media_address), "%s",
	         s->media_address[0] ? s->media_address
	                             : s->listen[0].address.host);
	snprintf(p->prompts_cache, sizeof(p->prompts_cache), "%s",
	         cfg->prompts_cache);
	for (unsigned i = 0; i < s->nlisten && i < 8; i++)
		listen_copy(&p->listen[p->nlisten++], &s->listen[i]);
	p->max_calls = s->max_calls;
	p->retry_after_s = (unsigned)(s->retry_after / 1000);
	p->rtp_min = s->rtp_min;
	p->rtp_max = s->rtp_max;
	p->reg_min_s = (uint32_t)(s->reg_min / 1000);
	p->reg_max_s = (uint32_t)(s->reg_max / 1000);
	p->reg_default_s = (uint32_t)(s->reg_default / 1000);
	p->auth_max_failures = s->auth_max;
	p->auth_window_s = (uint32_t)(s->auth_window / 1000);
	p->auth_block_s = (uint32_t)(s->auth_block / 1000);
	p->nat_keepalive_s = (uint32_t)(s->nat_keepalive / 1000);
	p->phones = calloc(cfg->nagents ? cfg->nagents : 1, sizeof(*p->phones));
	if (p->phones)
		p->nphones = phones_fill(p->phones, cfg, acd);
	return true;
}
