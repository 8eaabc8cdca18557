/*
 * config_webhook.c - the webhooks section: per tenant, an HTTP(S) URL
 * that receives the tenant's engine events as signed JSON POSTs, retried
 * with backoff (src/web/webhook.c delivers them; docs/api.md).
 */
#include <string.h>

#include "core/config_users.h"

#define WEBHOOK_SECRET_MIN 16

static bool h_name(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_webhook *h = obj;
	h->name_loc = cnode_loc(v);
	return cparse_name(c, v, path, h->name, sizeof(h->name));
}

static bool h_tenant(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_webhook *h = obj;
	h->tenant.loc = cnode_loc(v);
	return cparse_name(c, v, path, h->tenant.name, sizeof(h->tenant.name));
}

/* http://HOST[:PORT]/PATH or https://...: printable, no spaces. */
static bool h_url(struct cctx *c, const struct cnode *v, const char *path,
                  void *obj)
{
	struct config_webhook *h = obj;
	char show[64];
	bool ok;

	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	ok =
	    v->len < sizeof(h->url) && strlen(v->str) == v->len &&
	    (!strncmp(v->str, "http://", 7) || !strncmp(v->str, "https://", 8));
	for (size_t i = 0; ok && i < v->len; i++)
		ok = v->str[i] > ' ' && v->str[i] < 0x7f;
	if (ok && strlen(strstr(v->str, "//") + 2) == 0)
		ok = false;
	if (!ok) {
		cerr(
		    c, v, path,
		    "expected an http:// or https:// URL without spaces, under "
		    "%zu characters; found '%s'",
		    sizeof(h->url), cshow(show, sizeof(show), v->str, v->len));
		return false;
	}
	memcpy(h->url, v->str, v->len + 1);
	return true;
}

/* The secret signs every delivery; it is never echoed. */
static bool h_secret(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_webhook *h = obj;

	if (v->type != CNODE_SCALAR || v->len < WEBHOOK_SECRET_MIN ||
	    v->len >= sizeof(h->secret) || strlen(v->str) != v->len) {
		if (v->type != CNODE_BAD)
			cerr(c, v, path,
			     "expected a secret of %d to %zu characters (it "
			     "signs each delivery; see docs/api.md)",
			     WEBHOOK_SECRET_MIN, sizeof(h->secret) - 1);
		return false;
	}
	memcpy(h->secret, v->str, v->len + 1);
	return true;
}

static bool h_events(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_webhook *h = obj;
	char ipath[160], show[48];

	if (!cexpect(c, v, path, CNODE_SEQ))
		return false;
	h->events = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct cnode *e = v->kids[i];
		int t = -1;

		cpath_index(ipath, sizeof(ipath), path, i);
		if (!cexpect(c, e, ipath, CNODE_SCALAR))
			continue;
		for (int k = 0; k < ACD_EV_COUNT && t < 0; k++)
			if (!strcmp(e->str,
			            acd_event_name((enum acd_event_type)k)))
				t = k;
		if (t < 0)
			cerr(
			    c, e, ipath,
			    "unknown event '%s'; expected an engine event such "
			    "as contact-queued, contact-offered, "
			    "contact-completed, contact-abandoned or "
			    "agent-state",
			    cshow(show, sizeof(show), e->str, e->len));
		else
			h->events |= 1ULL << t;
	}
	return true;
}

static bool h_retry_first(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	return cparse_duration(c, v, path, 3600 * 1000,
	                       &((struct config_webhook *)obj)->retry_first);
}

static bool h_retry_max(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	return cparse_duration(c, v, path, 24 * 3600 * 1000,
	                       &((struct config_webhook *)obj)->retry_max);
}

static bool h_attempts(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	long long n;

	if (!cparse_int(c, v, path, 1, 100, &n))
		return false;
	((struct config_webhook *)obj)->attempts = (unsigned)n;
	return true;
}

static bool webhook_parse(struct cctx *c, const struct cnode *v,
                          const char *path, void *item)
{
	static const struct cfield fields[] = {
	    {"name", h_name, true},
	    {"tenant", h_tenant, true},
	    {"url", h_url, true},
	    {"secret", h_secret, true},
	    {"events", h_events, false},
	    {"retry_first", h_retry_first, false},
	    {"retry_max", h_retry_max, false},
	    {"attempts", h_attempts, false},
	};
	struct config_webhook *h = item;
	size_t before = cerrors(c);

	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	h->loc = cnode_loc(v);
	h->tenant.index = SIZE_MAX;
	h->events = ~0ULL;
	h->retry_first = 1000;
	h->retry_max = 300 * 1000;
	h->attempts = 10;
	cfields_parse(c, v, path, fields, sizeof(fields) / sizeof(*fields), h);
	if (cerrors(c) == before && h->retry_max < h->retry_first)
		cerr(c, v, path, "retry_max is shorter than retry_first");
	return cerrors(c) == before;
}

bool config_webhooks_section(struct cctx *c, const struct cnode *v,
                             const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->webhooks),
	                   (void **)&cfg->webhooks, &cfg->nwebhooks,
	                   webhook_parse);
}

void config_webhooks_resolve(struct cctx *c, struct config *cfg)
{
	char path[64], fpath[96];

	for (size_t i = 0; i < cfg->nwebhooks; i++) {
		struct config_webhook *h = &cfg->webhooks[i];

		cpath_index(path, sizeof(path), "webhooks", i);
		for (size_t t = 0; t < cfg->ntenants; t++)
			if (!strcmp(cfg->tenants[t].name, h->tenant.name))
				h->tenant.index = t;
		if (h->tenant.index == SIZE_MAX)
			cerr_at(c, h->tenant.loc,
			        cpath_key(fpath, sizeof(fpath), path, "tenant"),
			        "unknown tenant '%s'", h->tenant.name);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(cfg->webhooks[k].name, h->name))
				cerr_at(c, h->name_loc, path,
				        "webhook '%s' defined twice (line %u)",
				        h->name,
				        cfg->webhooks[k].name_loc.line);
	}
}
