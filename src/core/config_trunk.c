/*
 * config_trunk.c - SIP trunks (how a provider's calls are recognised and
 * how we place calls through it) and the numbers dialled into us.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_int.h"

#define COUNT(a)  (sizeof(a) / sizeof((a)[0]))
#define CALLS_MAX 1000000

/* A sip: or sips: URI: the scheme, then something without spaces. */
static bool uri_parse(struct cctx *c, const struct cnode *v, const char *path,
                      char *dst, size_t size)
{
	char show[48];
	if (!cparse_name(c, v, path, dst, size))
		return false;
	size_t skip = !strncmp(dst, "sip:", 4)    ? 4
	              : !strncmp(dst, "sips:", 5) ? 5
	                                          : 0;
	if (skip && dst[skip] && !strpbrk(dst, " \t<>\""))
		return true;
	cerr(c, v, path, "bad URI '%s'; expected sip:HOST[:PORT] or sips:...",
	     cshow(show, sizeof(show), v->str, v->len));
	dst[0] = '\0';
	return false;
}

static bool from_item(struct cctx *c, const struct cnode *v, const char *path,
                      void *item)
{
	return cparse_cidr(c, v, path, item);
}

static bool in_from(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	struct config_trunk *t = obj;
	if (v->type == CNODE_SEQ && !v->n) {
		cerr(c, v, path, "an empty list; leave it out instead");
		return false;
	}
	if (v->type == CNODE_SCALAR && !cnode_is_null(v)) {
		t->from = calloc(1, sizeof(*t->from));
		if (!t->from) {
			c->nomem = true;
			return false;
		}
		t->nfrom = cparse_cidr(c, v, path, t->from);
		return true;
	}
	return clist_parse(c, v, path, sizeof(*t->from), (void **)&t->from,
	                   &t->nfrom, from_item);
}

static bool in_username(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	struct config_trunk *t = obj;
	return cparse_name(c, v, path, t->in_username, sizeof(t->in_username));
}

static bool in_password(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	struct config_trunk *t = obj;
	return cparse_secret(c, v, path, t->in_password,
	                     sizeof(t->in_password));
}

/* Credentials come in pairs: a user without a password is a mistake. */
static void pair_check(struct cctx *c, const struct cnode *v, const char *path,
                       const char *user, const char *password)
{
	char fpath[128];
	if (user[0] && !password[0])
		cerr(c, v, cpath_key(fpath, sizeof(fpath), path, "password"),
		     "username needs a password");
	else if (!user[0] && password[0])
		cerr(c, v, cpath_key(fpath, sizeof(fpath), path, "username"),
		     "password needs a username");
}

static bool t_inbound(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	static const struct cfield fields[] = {
	    {"from", in_from, false},
	    {"username", in_username, false},
	    {"password", in_password, false},
	};
	struct config_trunk *t = obj;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	t->inbound = true;
	size_t before = cerrors(c);
	cfields_parse(c, v, path, fields, COUNT(fields), t);
	if (cerrors(c) != before)
		return true;
	if (!t->nfrom && !t->in_username[0])
		cerr(c, v, path,
		     "inbound needs from (addresses) or username (digest)");
	pair_check(c, v, path, t->in_username, t->in_password);
	return true;
}

static bool out_uri(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	struct config_trunk *t = obj;
	return uri_parse(c, v, path, t->uri, sizeof(t->uri));
}

static bool out_transport(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	return cparse_transport(c, v, path,
	                        &((struct config_trunk *)obj)->transport);
}

static bool out_username(struct cctx *c, const struct cnode *v,
                         const char *path, void *obj)
{
	struct config_trunk *t = obj;
	return cparse_name(c, v, path, t->out_username,
	                   sizeof(t->out_username));
}

static bool out_password(struct cctx *c, const struct cnode *v,
                         const char *path, void *obj)
{
	struct config_trunk *t = obj;
	return cparse_secret(c, v, path, t->out_password,
	                     sizeof(t->out_password));
}

static bool out_from(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_trunk *t = obj;
	return uri_parse(c, v, path, t->out_from, sizeof(t->out_from));
}

static bool t_outbound(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	static const struct cfield fields[] = {
	    {"uri", out_uri, true},
	    {"transport", out_transport, false},
	    {"username", out_username, false},
	    {"password", out_password, false},
	    {"from", out_from, false},
	};
	struct config_trunk *t = obj;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	t->outbound = true;
	size_t before = cerrors(c);
	cfields_parse(c, v, path, fields, COUNT(fields), t);
	if (cerrors(c) == before)
		pair_check(c, v, path, t->out_username, t->out_password);
	return true;
}

static bool t_name(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_trunk *t = obj;
	t->name_loc = cnode_loc(v);
	return cparse_name(c, v, path, t->name, sizeof(t->name));
}

static bool t_tenant(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_trunk *t = obj;
	t->tenant.loc = cnode_loc(v);
	return cparse_name(c, v, path, t->tenant.name, sizeof(t->tenant.name));
}

static bool t_max_calls(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	long long n;
	if (!cparse_int(c, v, path, 1, CALLS_MAX, &n))
		return false;
	((struct config_trunk *)obj)->max_calls = (unsigned)n;
	return true;
}

static bool trunk_parse(struct cctx *c, const struct cnode *v, const char *path,
                        void *item)
{
	static const struct cfield fields[] = {
	    {"name", t_name, true},
	    {"tenant", t_tenant, true},
	    {"inbound", t_inbound, false},
	    {"outbound", t_outbound, false},
	    {"max_calls", t_max_calls, false},
	};
	struct config_trunk *t = item;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	t->loc = cnode_loc(v);
	t->tenant.index = SIZE_MAX;
	size_t before = cerrors(c);
	cfields_parse(c, v, path, fields, COUNT(fields), t);
	if (cerrors(c) == before && !t->inbound && !t->outbound)
		cerr(c, v, path, "a trunk needs inbound, outbound or both");
	return true; /* kept even when wrong: t->from is freed with it */
}

bool config_trunks_section(struct cctx *c, const struct cnode *v,
                           const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->trunks),
	                   (void **)&cfg->trunks, &cfg->ntrunks, trunk_parse);
}

static bool n_number(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_number *n = obj;
	n->number_loc = cnode_loc(v);
	return cparse_number(c, v, path, n->number, sizeof(n->number));
}

static bool n_tenant(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_number *n = obj;
	n->tenant.loc = cnode_loc(v);
	return cparse_name(c, v, path, n->tenant.name, sizeof(n->tenant.name));
}

static bool n_flow(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_number *n = obj;
	n->flow.loc = cnode_loc(v);
	return cparse_name(c, v, path, n->flow.name, sizeof(n->flow.name));
}

static bool n_rota(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_number *n = obj;
	return cparse_name(c, v, path, n->rota, sizeof(n->rota));
}

static bool number_parse(struct cctx *c, const struct cnode *v,
                         const char *path, void *item)
{
	static const struct cfield fields[] = {
	    {"number", n_number, true},
	    {"tenant", n_tenant, true},
	    {"flow", n_flow, false},
	    {"rota", n_rota, false},
	};
	struct config_number *n = item;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	memset(n, 0, sizeof(*n)); /* a refused item's slot is reused */
	n->loc = cnode_loc(v);
	n->tenant.index = SIZE_MAX;
	n->flow.index = SIZE_MAX;
	size_t before = cerrors(c);
	cfields_parse(c, v, path, fields, COUNT(fields), n);
	if (cerrors(c) == before && !n->flow.name[0] == !n->rota[0]) {
		cerr(c, v, path, "give exactly one of flow and rota");
		return false;
	}
	return cerrors(c) == before;
}

bool config_numbers_section(struct cctx *c, const struct cnode *v,
                            const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->numbers),
	                   (void **)&cfg->numbers, &cfg->nnumbers,
	                   number_parse);
}
