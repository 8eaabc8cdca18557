/*
 * config_agent.c - the schema of one agent: login, skills, capacity per
 * channel and queue memberships. Names are resolved later.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_int.h"

#define CAPACITY_MAX   50
#define PRIORITY_LIMIT 1000
#define COUNT(a)       (sizeof(a) / sizeof((a)[0]))

static bool a_name(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_agent *a = obj;
	a->name_loc = cnode_loc(v);
	return cparse_name(c, v, path, a->name, sizeof(a->name));
}

static bool a_tenant(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_agent *a = obj;
	a->tenant.loc = cnode_loc(v);
	return cparse_name(c, v, path, a->tenant.name, sizeof(a->tenant.name));
}

/* Kept as given for the SIP registrar; never echoed in a message. */
static bool a_password(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	struct config_agent *a = obj;
	if (v->type != CNODE_SCALAR || cnode_is_null(v)) {
		if (v->type != CNODE_BAD)
			cerr(c, v, path, "expected a password (a value)");
		return false;
	}
	if (v->len >= sizeof(a->password) || strlen(v->str) != v->len) {
		cerr(c, v, path,
		     "a password is at most %zu characters, without NUL",
		     sizeof(a->password) - 1);
		return false;
	}
	memcpy(a->password, v->str, v->len + 1);
	return true;
}

/* A mobile reached through an outbound trunk; the allow-list is checked
 * once dialing is known (config_vresolve.c). */
static bool a_outside(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	struct config_agent *a = obj;
	a->outside_loc = cnode_loc(v);
	return cparse_number(c, v, path, a->outside, sizeof(a->outside));
}

/* Digits that reach the agent by a transfer from a phone's keys. */
static bool a_extension(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	struct config_agent *a = obj;
	char show[48];

	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	a->extension_loc = cnode_loc(v);
	if (!v->len || v->len >= sizeof(a->extension) ||
	    strspn(v->str, "0123456789") != v->len) {
		cerr(c, v, path, "bad extension '%s'; 1 to %zu digits",
		     cshow(show, sizeof(show), v->str, v->len),
		     sizeof(a->extension) - 1);
		return false;
	}
	memcpy(a->extension, v->str, v->len + 1);
	return true;
}

static bool a_static(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	return cparse_bool(c, v, path,
	                   &((struct config_agent *)obj)->static_member);
}

/* "required", "optional" (and "off" where off_ok). */
static bool need_parse(struct cctx *c, const struct cnode *v, const char *path,
                       bool off_ok, enum config_need *dst)
{
	char show[32];
	if (v->type != CNODE_SCALAR || cnode_is_null(v)) {
		if (v->type != CNODE_BAD)
			cerr(c, v, path, "expected required or optional%s",
			     off_ok ? " or off" : "");
		return false;
	}
	if (!strcmp(v->str, "required"))
		*dst = CONFIG_NEED_REQUIRED;
	else if (!strcmp(v->str, "optional"))
		*dst = CONFIG_NEED_OPTIONAL;
	else if (off_ok && !strcmp(v->str, "off"))
		*dst = CONFIG_NEED_OFF;
	else {
		cerr(c, v, path,
		     "unknown value '%s'; expected required or "
		     "optional%s",
		     cshow(show, sizeof(show), v->str, v->len),
		     off_ok ? " or off" : "");
		return false;
	}
	return true;
}

static bool s_tls(struct cctx *c, const struct cnode *v, const char *path,
                  void *obj)
{
	return need_parse(c, v, path, false,
	                  &((struct config_agent *)obj)->tls);
}

static bool s_srtp(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	return need_parse(c, v, path, true,
	                  &((struct config_agent *)obj)->srtp);
}

/* security: {tls: required, srtp: required} for home workers. */
static bool a_security(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	static const struct cfield fields[] = {
	    {"tls", s_tls, false},
	    {"srtp", s_srtp, false},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields), obj);
	return true;
}

static bool a_call_shares(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	return cparse_bool(c, v, path,
	                   &((struct config_agent *)obj)->call_shares);
}

static bool a_skills(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_agent *a = obj;
	char kpath[128];
	long long prof;
	if (!cexpect(c, v, path, CNODE_MAP) || !v->n)
		return false;
	a->skills = calloc(v->n / 2, sizeof(*a->skills));
	if (!a->skills) {
		c->nomem = true;
		return false;
	}
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		struct config_agent_skill *s = &a->skills[a->nskills];
		if (!cmap_key(c, v, i, path, kpath, sizeof(kpath)))
			continue;
		s->skill.index = SIZE_MAX;
		s->skill.loc = cnode_loc(v->kids[i]);
		bool ok = cparse_name(c, v->kids[i], kpath, s->skill.name,
		                      sizeof(s->skill.name));
		ok &= cparse_int(c, v->kids[i + 1], kpath, 1,
		                 ACD_PROFICIENCY_MAX, &prof);
		if (!ok)
			continue;
		s->proficiency = (unsigned)prof;
		a->nskills++;
	}
	return true;
}

static int channel_of(struct cctx *c, const struct cnode *key, const char *path)
{
	char show[48];
	int ch = acd_channel_parse(key->str);
	if (ch == ACD_CH_CALLBACK) {
		cerr(c, key, path,
		     "callbacks use the voice capacity; set voice instead");
		return -1;
	}
	if (ch < 0 || strlen(key->str) != key->len) {
		cerr(c, key, path,
		     "unknown channel '%s'; expected one of voice, chat, "
		     "email, voicemail, app",
		     cshow(show, sizeof(show), key->str, key->len));
		return -1;
	}
	return ch;
}

static bool a_capacity(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	struct config_agent *a = obj;
	char kpath[128];
	long long n;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		if (!cmap_key(c, v, i, path, kpath, sizeof(kpath)))
			continue;
		int ch = channel_of(c, v->kids[i], kpath);
		if (ch >= 0 &&
		    cparse_int(c, v->kids[i + 1], kpath, 0, CAPACITY_MAX, &n))
			a->capacity[ch] = (unsigned)n;
	}
	a->capacity[ACD_CH_CALLBACK] = a->capacity[ACD_CH_VOICE];
	return true;
}

static bool member_add(struct cctx *c, struct config_agent *a,
                       const struct cnode *name, const struct cnode *prio,
                       const char *path)
{
	struct config_member *m = &a->queues[a->nqueues];
	long long x = 0;
	m->queue.index = SIZE_MAX;
	m->queue.loc = cnode_loc(name);
	bool ok =
	    cparse_name(c, name, path, m->queue.name, sizeof(m->queue.name));
	if (prio)
		ok &= cparse_int(c, prio, path, -PRIORITY_LIMIT, PRIORITY_LIMIT,
		                 &x);
	if (!ok)
		return false;
	m->priority = (int)x;
	a->nqueues++;
	return true;
}

/* {queue: priority, ...} or [queue, ...] with priority 0. */
static bool a_queues(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_agent *a = obj;
	char kpath[128];
	if (v->type != CNODE_SEQ && !cexpect(c, v, path, CNODE_MAP))
		return false;
	if (!v->n)
		return true;
	a->queues = calloc(v->n, sizeof(*a->queues));
	if (!a->queues) {
		c->nomem = true;
		return false;
	}
	if (v->type == CNODE_SEQ) {
		for (size_t i = 0; i < v->n; i++)
			member_add(c, a, v->kids[i], NULL,
			           cpath_index(kpath, sizeof(kpath), path, i));
		return true;
	}
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		if (cmap_key(c, v, i, path, kpath, sizeof(kpath)))
			member_add(c, a, v->kids[i], v->kids[i + 1], kpath);
	}
	return true;
}

bool config_agent_parse(struct cctx *c, const struct cnode *v, const char *path,
                        void *item)
{
	static const struct cfield fields[] = {
	    {"name", a_name, true},
	    {"tenant", a_tenant, true},
	    {"password", a_password, false},
	    {"skills", a_skills, false},
	    {"capacity", a_capacity, false},
	    {"call_shares", a_call_shares, false},
	    {"queues", a_queues, false},
	    {"outside", a_outside, false},
	    {"extension", a_extension, false},
	    {"static", a_static, false},
	    {"security", a_security, false},
	};
	struct config_agent *a = item;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	memset(a, 0, sizeof(*a));
	a->loc = cnode_loc(v);
	a->tenant.index = SIZE_MAX;
	for (int ch = 0; ch < ACD_CH_COUNT; ch++)
		a->capacity[ch] = 1;
	cfields_parse(c, v, path, fields, COUNT(fields), a);
	return true;
}
