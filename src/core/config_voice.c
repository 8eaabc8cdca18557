/*
 * config_voice.c - the daemon's own sections: sip (listeners, capacity,
 * media ports, registration and authentication limits), http, store,
 * retention and prompts; their defaults, and freeing every voice section.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_int.h"

#define COUNT(a)     (sizeof(a) / sizeof((a)[0]))
#define DAY_MS       (24LL * 3600 * 1000)
#define CALLS_MAX    1000000
#define AUTH_MAX     1000
#define RTP_PORT_MIN 1024

void config_voice_defaults(struct config *cfg)
{
	struct config_sip *sip = &cfg->sip;
	snprintf(sip->realm, sizeof(sip->realm), "centralino");
	sip->max_calls = 2000;
	sip->retry_after = 30000;
	sip->rtp_min = 10000;
	sip->rtp_max = 20000;
	sip->reg_min = 60000;
	sip->reg_max = 3600000;
	sip->reg_default = 600000;
	sip->auth_max = 5;
	sip->auth_window = 60000;
	sip->auth_block = 300000;
	sip->nat_keepalive = 25000;
	snprintf(cfg->store_path, sizeof(cfg->store_path), "var/centralino.db");
	snprintf(cfg->http_pages, sizeof(cfg->http_pages), "web");
	snprintf(cfg->prompts_cache, sizeof(cfg->prompts_cache), "var/prompts");
	snprintf(cfg->features.ready, CONFIG_CODE_MAX, "*71");
	snprintf(cfg->features.not_ready, CONFIG_CODE_MAX, "*72");
	snprintf(cfg->features.logout, CONFIG_CODE_MAX, "*73");
	/* Asterisk's features.conf defaults, which agents may know */
	snprintf(cfg->features.blind_transfer, CONFIG_CODE_MAX, "#1");
	snprintf(cfg->features.attended_transfer, CONFIG_CODE_MAX, "*2");
	snprintf(cfg->features.transfer_cancel, CONFIG_CODE_MAX, "*1");
}

/* A duration in 1 ms .. a day; 0 refused unless zero_ok. */
static bool duration(struct cctx *c, const struct cnode *v, const char *path,
                     bool zero_ok, acd_time_t *dst)
{
	acd_time_t t;
	if (!cparse_duration(c, v, path, DAY_MS, &t))
		return false;
	if (!t && !zero_ok) {
		cerr(c, v, path, "must be longer than 0");
		return false;
	}
	*dst = t;
	return true;
}

static bool l_transport(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	return cparse_transport(c, v, path,
	                        &((struct config_sip_listen *)obj)->transport);
}

static bool l_address(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	return cparse_hostport(c, v, path,
	                       &((struct config_sip_listen *)obj)->address);
}

static bool l_certificate(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	struct config_sip_listen *l = obj;
	return cparse_name(c, v, path, l->certificate, sizeof(l->certificate));
}

/* tls needs a certificate, the others have none; no listener twice. */
static void listen_check(struct cctx *c, const struct config_sip *sip,
                         const struct config_sip_listen *l, const char *path)
{
	char fpath[128];
	if (l->transport == CONFIG_TLS && !l->certificate[0])
		cerr_at(c, l->loc,
		        cpath_key(fpath, sizeof(fpath), path, "certificate"),
		        "tls needs a certificate (a PEM file)");
	if (l->transport != CONFIG_TLS && l->certificate[0])
		cerr_at(c, l->loc,
		        cpath_key(fpath, sizeof(fpath), path, "certificate"),
		        "a certificate is only used with tls");
	for (const struct config_sip_listen *p = sip->listen; p < l; p++) {
		if (p->transport == l->transport &&
		    !strcmp(p->address.host, l->address.host) &&
		    p->address.port == l->address.port) {
			cerr_at(
			    c, l->address.loc,
			    cpath_key(fpath, sizeof(fpath), path, "address"),
			    "listener '%s' given twice (first at line %u)",
			    l->address.text, p->address.loc.line);
			return;
		}
	}
}

static bool sip_listen(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	static const struct cfield fields[] = {
	    {"transport", l_transport, false},
	    {"address", l_address, true},
	    {"certificate", l_certificate, false},
	};
	struct config_sip *sip = obj;
	char ipath[128];
	if (!cexpect(c, v, path, CNODE_SEQ))
		return false;
	if (!v->n)
		cerr(c, v, path, "at least one listener is needed");
	for (size_t i = 0; i < v->n; i++) {
		struct config_sip_listen *l = &sip->listen[sip->nlisten];
		cpath_index(ipath, sizeof(ipath), path, i);
		if (i == CONFIG_LISTEN_MAX) {
			cerr(c, v->kids[i], ipath, "more than %d listeners",
			     CONFIG_LISTEN_MAX);
			break;
		}
		if (!cexpect(c, v->kids[i], ipath, CNODE_MAP))
			continue;
		size_t before = cerrors(c);
		memset(l, 0, sizeof(*l));
		l->loc = cnode_loc(v->kids[i]);
		cfields_parse(c, v->kids[i], ipath, fields, COUNT(fields), l);
		if (cerrors(c) == before)
			listen_check(c, sip, l, ipath);
		sip->nlisten++;
	}
	return true;
}

static bool sip_realm(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	struct config_sip *sip = obj;
	return cparse_name(c, v, path, sip->realm, sizeof(sip->realm));
}

static bool sip_max_calls(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	long long n;
	if (!cparse_int(c, v, path, 1, CALLS_MAX, &n))
		return false;
	((struct config_sip *)obj)->max_calls = (unsigned)n;
	return true;
}

static bool sip_retry_after(struct cctx *c, const struct cnode *v,
                            const char *path, void *obj)
{
	return duration(c, v, path, false,
	                &((struct config_sip *)obj)->retry_after);
}

/* "10000-20000": RTP on even ports (RTCP next to it), above 1023. */
static bool sip_rtp_ports(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	struct config_sip *sip = obj;
	char show[48];
	unsigned lo = 0, hi = 0;
	int used = 0;
	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	cshow(show, sizeof(show), v->str, v->len);
	if (strlen(v->str) != v->len ||
	    sscanf(v->str, "%5u-%5u%n", &lo, &hi, &used) != 2 ||
	    (size_t)used != v->len || v->str[0] == '-' || v->str[0] == '+') {
		cerr(c, v, path,
		     "bad port range '%s'; expected e.g. 10000-20000", show);
		return false;
	}
	if (lo < RTP_PORT_MIN || hi > 65535 || lo >= hi || lo % 2) {
		cerr(c, v, path,
		     "bad port range '%s'; the first port even, %d..65535, "
		     "below the last",
		     show, RTP_PORT_MIN);
		return false;
	}
	sip->rtp_min = (uint16_t)lo;
	sip->rtp_max = (uint16_t)hi;
	return true;
}

static bool sip_media_address(struct cctx *c, const struct cnode *v,
                              const char *path, void *obj)
{
	struct config_sip *sip = obj;
	return cparse_ip(c, v, path, sip->media_address,
	                 sizeof(sip->media_address));
}

static bool reg_min(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	return duration(c, v, path, false,
	                &((struct config_sip *)obj)->reg_min);
}

static bool reg_max(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	return duration(c, v, path, false,
	                &((struct config_sip *)obj)->reg_max);
}

static bool reg_default(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	return duration(c, v, path, false,
	                &((struct config_sip *)obj)->reg_default);
}

static bool sip_register_expiry(struct cctx *c, const struct cnode *v,
                                const char *path, void *obj)
{
	static const struct cfield fields[] = {
	    {"min", reg_min, false},
	    {"max", reg_max, false},
	    {"default", reg_default, false},
	};
	struct config_sip *sip = obj;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	size_t before = cerrors(c);
	cfields_parse(c, v, path, fields, COUNT(fields), sip);
	if (cerrors(c) == before && (sip->reg_min > sip->reg_default ||
	                             sip->reg_default > sip->reg_max)) {
		cerr(c, v, path, "expected min <= default <= max");
		return false;
	}
	return true;
}

static bool auth_max(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	long long n;
	if (!cparse_int(c, v, path, 1, AUTH_MAX, &n))
		return false;
	((struct config_sip *)obj)->auth_max = (unsigned)n;
	return true;
}

static bool auth_window(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	return duration(c, v, path, false,
	                &((struct config_sip *)obj)->auth_window);
}

static bool auth_block(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return duration(c, v, path, false,
	                &((struct config_sip *)obj)->auth_block);
}

static bool sip_auth_failures(struct cctx *c, const struct cnode *v,
                              const char *path, void *obj)
{
	static const struct cfield fields[] = {
	    {"max", auth_max, false},
	    {"window", auth_window, false},
	    {"block", auth_block, false},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields), obj);
	return true;
}

/* OPTIONS to UDP phones behind NAT; 0 turns them off. */
static bool sip_nat_keepalive(struct cctx *c, const struct cnode *v,
                              const char *path, void *obj)
{
	acd_time_t t;
	if (!duration(c, v, path, true, &t))
		return false;
	if (t && t < 1000) {
		cerr(c, v, path, "expected 0 (off) or at least 1s");
		return false;
	}
	((struct config_sip *)obj)->nat_keepalive = t;
	return true;
}

bool config_sip_section(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	static const struct cfield fields[] = {
	    {"listen", sip_listen, true},
	    {"realm", sip_realm, false},
	    {"max_calls", sip_max_calls, false},
	    {"retry_after", sip_retry_after, false},
	    {"rtp_ports", sip_rtp_ports, false},
	    {"media_address", sip_media_address, false},
	    {"register_expiry", sip_register_expiry, false},
	    {"auth_failures", sip_auth_failures, false},
	    {"nat_keepalive", sip_nat_keepalive, false},
	};
	struct config *cfg = obj;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfg->sip.loc = cnode_loc(v);
	cfields_parse(c, v, path, fields, COUNT(fields), &cfg->sip);
	return true;
}

static bool http_listen(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	struct config *cfg = obj;
	return cparse_hostport(c, v, path, &cfg->http_listen);
}

/* The folder of the pages (docs/pages.md), relative to the working
 * directory like the store's path. */
static bool http_pages(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	struct config *cfg = obj;
	return cparse_name(c, v, path, cfg->http_pages, CONFIG_PATH_MAX);
}

static bool http_certificate(struct cctx *c, const struct cnode *v,
                             const char *path, void *obj)
{
	struct config *cfg = obj;
	return cparse_name(c, v, path, cfg->http_certificate, CONFIG_PATH_MAX);
}

static bool http_agent_grace(struct cctx *c, const struct cnode *v,
                             const char *path, void *obj)
{
	struct config *cfg = obj;
	return cparse_duration(c, v, path, 3600 * 1000, &cfg->http_agent_grace);
}

bool config_http_section(struct cctx *c, const struct cnode *v,
                         const char *path, void *obj)
{
	static const struct cfield fields[] = {
	    {"listen", http_listen, true},
	    {"pages", http_pages, false},
	    {"certificate", http_certificate, false},
	    {"agent_grace", http_agent_grace, false},
	};
	struct config *cfg = obj;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields), cfg);
	return true;
}

static bool store_path(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	struct config *cfg = obj;
	return cparse_name(c, v, path, cfg->store_path, CONFIG_PATH_MAX);
}

static bool store_durability(struct cctx *c, const struct cnode *v,
                             const char *path, void *obj)
{
	struct config *cfg = obj;
	char show[48];

	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	if (!strcmp(v->str, "normal") || !strcmp(v->str, "full")) {
		cfg->store_full = !strcmp(v->str, "full");
		return true;
	}
	cerr(c, v, path, "expected normal or full, found '%s'",
	     cshow(show, sizeof(show), v->str, v->len));
	return false;
}

bool config_store_section(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	static const struct cfield fields[] = {
	    {"path", store_path, false},
	    {"durability", store_durability, false},
	};
	struct config *cfg = obj;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields), cfg);
	return true;
}

/* Shorter would anonymise contacts before the day's reports are made. */
#define RETENTION_MIN_MS (3600000LL)           /* 1h */
#define RETENTION_MAX_MS (3650LL * 86400000LL) /* ten years */

static bool retention_personal_data(struct cctx *c, const struct cnode *v,
                                    const char *path, void *obj)
{
	acd_time_t *ms = obj, d;
	char show[48];

	if (!cparse_duration(c, v, path, RETENTION_MAX_MS, &d))
		return false;
	if (d < RETENTION_MIN_MS) {
		cerr(c, v, path,
		     "'%s' is shorter than 1h; ended contacts must outlive "
		     "the day's reports",
		     cshow(show, sizeof(show), v->str, v->len));
		return false;
	}
	*ms = d;
	return true;
}

/* retention: {personal_data: 90d}: see docs/store.md. */
bool config_retention_section(struct cctx *c, const struct cnode *v,
                              const char *path, void *obj)
{
	static const struct cfield fields[] = {
	    {"personal_data", retention_personal_data, true},
	};
	struct config *cfg = obj;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields),
	              &cfg->retention_personal_ms);
	return true;
}

static bool prompts_cache(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	struct config *cfg = obj;
	return cparse_name(c, v, path, cfg->prompts_cache,
	                   sizeof(cfg->prompts_cache));
}

/* {NAME: PATH, ...}; names are unique by the mapping's own check. */
static bool prompts_music(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	struct config *cfg = obj;
	char kpath[128];
	if (!cexpect(c, v, path, CNODE_MAP) || !v->n)
		return false;
	cfg->prompts_music = calloc(v->n / 2, sizeof(*cfg->prompts_music));
	if (!cfg->prompts_music) {
		c->nomem = true;
		return false;
	}
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		struct config_music *m =
		    &cfg->prompts_music[cfg->nprompts_music];
		if (!cmap_key(c, v, i, path, kpath, sizeof(kpath)))
			continue;
		m->loc = cnode_loc(v->kids[i]);
		bool ok =
		    cparse_name(c, v->kids[i], kpath, m->name, sizeof(m->name));
		ok &= cparse_name(c, v->kids[i + 1], kpath, m->path,
		                  sizeof(m->path));
		if (ok)
			cfg->nprompts_music++;
	}
	return true;
}

bool config_prompts_section(struct cctx *c, const struct cnode *v,
                            const char *path, void *obj)
{
	static const struct cfield fields[] = {
	    {"cache", prompts_cache, false},
	    {"music", prompts_music, false},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields), obj);
	return true;
}

void config_voice_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->ntrunks; i++)
		free(cfg->trunks[i].from);
	for (size_t i = 0; i < cfg->ncalendars; i++)
		free(cfg->calendars[i].holidays);
	for (size_t i = 0; i < cfg->nflows; i++) {
		struct config_flow *f = &cfg->flows[i];
		for (size_t j = 0; j < f->nnodes; j++)
			free(f->nodes[j].actions);
		free(f->nodes);
	}
	free(cfg->prompts_music);
	free(cfg->dial_allow);
	free(cfg->trunks);
	free(cfg->numbers);
	free(cfg->calendars);
	free(cfg->flows);
}
