/*
 * config_rota.c - the rotas section: on-call rotas for a published number
 * (a hospital department, a volunteer line): its people and their
 * mobiles, who is on duty by day of the week, dated exceptions, and the
 * escalation chain. Run-time overrides (a swap, a sick day) live in the
 * store and are made through the API (src/rota/, docs/rotas.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_users.h"

static bool r_name(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_rota *r = obj;
	r->name_loc = cnode_loc(v);
	return cparse_name(c, v, path, r->name, sizeof(r->name));
}

static bool r_tenant(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_rota *r = obj;
	r->tenant.loc = cnode_loc(v);
	return cparse_name(c, v, path, r->tenant.name, sizeof(r->tenant.name));
}

static bool r_timezone(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	struct config_rota *r = obj;
	if (!cparse_name(c, v, path, r->timezone, sizeof(r->timezone)))
		return false;
	if (ctimezone_ok(r->timezone))
		return true;
	cerr(c, v, path, "unknown time zone '%s'", r->timezone);
	r->timezone[0] = '\0';
	return false;
}

/* A number as dialled: digits, '+' first, at least 3 digits. */
static bool number_ok(const char *s)
{
	size_t digits = 0;

	if (*s == '+')
		s++;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		digits++;
	}
	return digits >= 3;
}

static bool p_name(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_rota_person *p = obj;
	p->loc = cnode_loc(v);
	return cparse_name(c, v, path, p->name, sizeof(p->name));
}

static bool p_number(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_rota_person *p = obj;
	char show[48];

	if (!cparse_name(c, v, path, p->number, sizeof(p->number)))
		return false;
	if (number_ok(p->number))
		return true;
	cerr(c, v, path, "bad number '%s'; expected digits, '+' first",
	     cshow(show, sizeof(show), v->str, v->len));
	return false;
}

static bool r_people(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	static const struct cfield fields[] = {
	    {"name", p_name, true},
	    {"number", p_number, true},
	};
	struct config_rota *r = obj;
	char ipath[160];

	if (!cexpect(c, v, path, CNODE_SEQ))
		return false;
	for (size_t i = 0; i < v->n; i++) {
		struct config_rota_person *p = &r->people[r->npeople];
		size_t before = cerrors(c);

		cpath_index(ipath, sizeof(ipath), path, i);
		if (r->npeople == CONFIG_ROTA_PEOPLE) {
			cerr(c, v->kids[i], ipath, "more than %d people",
			     CONFIG_ROTA_PEOPLE);
			break;
		}
		if (!cexpect(c, v->kids[i], ipath, CNODE_MAP))
			continue;
		memset(p, 0, sizeof(*p));
		cfields_parse(c, v->kids[i], ipath, fields,
		              sizeof(fields) / sizeof(*fields), p);
		if (cerrors(c) != before)
			continue;
		if (config_rota_person(r, p->name) >= 0)
			cerr(c, v->kids[i], ipath, "person '%s' listed twice",
			     p->name);
		else
			r->npeople++;
	}
	return true;
}

/*
 * [NAME, ...] of the rota's people into d. People are parsed first: the
 * schema walks keys in the file's order, so a duty before people is
 * checked once people are known (see rota_parse()).
 */
static bool duty_parse(struct cctx *c, const struct config_rota *r,
                       const struct cnode *v, const char *path,
                       struct config_duty *d)
{
	char ipath[160], name[CONFIG_NAME_MAX];

	d->n = 0;
	if (!cexpect(c, v, path, CNODE_SEQ))
		return false;
	for (size_t i = 0; i < v->n; i++) {
		int who;

		cpath_index(ipath, sizeof(ipath), path, i);
		if (d->n == CONFIG_ROTA_CHAIN) {
			cerr(c, v->kids[i], ipath, "more than %d people",
			     CONFIG_ROTA_CHAIN);
			break;
		}
		if (!cparse_name(c, v->kids[i], ipath, name, sizeof(name)))
			continue;
		who = config_rota_person(r, name);
		if (who < 0) {
			cerr(c, v->kids[i], ipath,
			     "'%s' is not one of the rota's people", name);
			continue;
		}
		d->who[d->n++] = (uint8_t)who;
	}
	return true;
}

/* duty: {mon-fri: [..], sat: [..]}: each day at most once. */
static bool week_parse(struct cctx *c, struct config_rota *r,
                       const struct cnode *v, const char *path)
{
	bool seen[7] = {false};
	char kpath[160];

	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		int first, last;
		struct config_duty d;

		if (!cmap_key(c, v, i, path, kpath, sizeof(kpath)) ||
		    !cparse_days(c, v->kids[i], kpath, &first, &last) ||
		    !duty_parse(c, r, v->kids[i + 1], kpath, &d))
			continue;
		for (int k = first; k <= last; k++) {
			int wday = (k + 1) % 7;
			if (seen[wday])
				cerr(c, v->kids[i], kpath,
				     "a day is given twice");
			seen[wday] = true;
			r->week[wday] = d;
		}
	}
	return true;
}

static bool override_parse(struct cctx *c, struct config_rota *r,
                           const struct cnode *v, const char *path,
                           struct config_rota_override *o)
{
	char fpath[160];
	const struct cnode *date = NULL, *duty = NULL;

	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct cnode *k = v->kids[i];
		if (k->type == CNODE_SCALAR && !strcmp(k->str, "date"))
			date = v->kids[i + 1];
		else if (k->type == CNODE_SCALAR && !strcmp(k->str, "duty"))
			duty = v->kids[i + 1];
		else
			cerr(c, k, path,
			     "unknown field; expected one of date, duty");
	}
	if (!date || !duty) {
		cerr(c, v, path, "an override needs a date and a duty");
		return false;
	}
	return cparse_date(c, date,
	                   cpath_key(fpath, sizeof(fpath), path, "date"),
	                   &o->date) &&
	       duty_parse(c, r, duty,
	                  cpath_key(fpath, sizeof(fpath), path, "duty"),
	                  &o->duty);
}

static bool overrides_parse(struct cctx *c, struct config_rota *r,
                            const struct cnode *v, const char *path)
{
	char ipath[160];

	if (!cexpect(c, v, path, CNODE_SEQ))
		return false;
	r->overrides = calloc(v->n ? v->n : 1, sizeof(*r->overrides));
	if (!r->overrides) {
		c->nomem = true;
		return false;
	}
	for (size_t i = 0; i < v->n; i++) {
		struct config_rota_override *o = &r->overrides[r->noverrides];
		cpath_index(ipath, sizeof(ipath), path, i);
		if (override_parse(c, r, v->kids[i], ipath, o))
			r->noverrides++;
	}
	return true;
}

static bool r_ring(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_rota *r = obj;

	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	if (!strcmp(v->str, "sequential") || !strcmp(v->str, "simultaneous")) {
		r->simultaneous = !strcmp(v->str, "simultaneous");
		return true;
	}
	cerr(c, v, path, "expected sequential or simultaneous");
	return false;
}

static bool r_ring_time(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	return cparse_duration(c, v, path, 120 * 1000,
	                       &((struct config_rota *)obj)->ring_time);
}

static bool r_screen_time(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	return cparse_duration(c, v, path, 60 * 1000,
	                       &((struct config_rota *)obj)->screen_time);
}

static bool r_language(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return cparse_language(c, v, path,
	                       &((struct config_rota *)obj)->language);
}

static bool vm_queue(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_ref *q = obj;

	q->loc = cnode_loc(v);
	return cparse_name(c, v, path, q->name, sizeof(q->name));
}

/* voicemail: {queue: Q}: when nobody accepts, the caller records a
 * message that becomes a voicemail contact of Q. */
static bool r_voicemail(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	static const struct cfield fields[] = {{"queue", vm_queue, true}};

	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, 1,
	              &((struct config_rota *)obj)->voicemail);
	return true;
}

/* Fields that name people wait until people are read. */
static bool r_later(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	(void)c, (void)v, (void)path, (void)obj;
	return true;
}

static bool rota_parse(struct cctx *c, const struct cnode *v, const char *path,
                       void *item)
{
	static const struct cfield fields[] = {
	    {"name", r_name, true},
	    {"tenant", r_tenant, true},
	    {"timezone", r_timezone, false},
	    {"people", r_people, true},
	    {"duty", r_later, true},
	    {"escalation", r_later, false},
	    {"overrides", r_later, false},
	    {"ring", r_ring, false},
	    {"ring_time", r_ring_time, false},
	    {"screen_time", r_screen_time, false},
	    {"language", r_language, false},
	    {"voicemail", r_voicemail, false},
	};
	struct config_rota *r = item;
	size_t before = cerrors(c);
	char fpath[160];

	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	r->loc = cnode_loc(v);
	r->tenant.index = SIZE_MAX;
	r->ring_time = 20000;
	r->screen_time = 10000;
	r->voicemail.index = SIZE_MAX;
	cfields_parse(c, v, path, fields, sizeof(fields) / sizeof(*fields), r);
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct cnode *k = v->kids[i], *val = v->kids[i + 1];
		if (k->type != CNODE_SCALAR)
			continue;
		cpath_key(fpath, sizeof(fpath), path, k->str);
		if (!strcmp(k->str, "duty"))
			week_parse(c, r, val, fpath);
		else if (!strcmp(k->str, "escalation"))
			duty_parse(c, r, val, fpath, &r->escalation);
		else if (!strcmp(k->str, "overrides"))
			overrides_parse(c, r, val, fpath);
	}
	return cerrors(c) == before;
}

bool config_rotas_section(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->rotas),
	                   (void **)&cfg->rotas, &cfg->nrotas, rota_parse);
}

/* The voicemail queue, in the rota's tenant. */
static void rota_vm_resolve(struct cctx *c, const struct config *cfg,
                            struct config_rota *r, const char *path)
{
	char fpath[160];

	if (!r->voicemail.name[0])
		return;
	for (size_t q = 0; q < cfg->nqueues; q++)
		if (cfg->queues[q].tenant.index == r->tenant.index &&
		    !strcmp(cfg->queues[q].name, r->voicemail.name))
			r->voicemail.index = q;
	if (r->voicemail.index == SIZE_MAX)
		cerr_at(
		    c, r->voicemail.loc,
		    cpath_key(fpath, sizeof(fpath), path, "voicemail.queue"),
		    "no queue '%s' in tenant '%s'", r->voicemail.name,
		    r->tenant.name);
}

/* Tenants, time zones, numbers against the allow-list, duplicates, and
 * the numbers section's rota references. */
void config_rotas_resolve(struct cctx *c, struct config *cfg)
{
	char path[64], fpath[160];

	for (size_t i = 0; i < cfg->nrotas; i++) {
		struct config_rota *r = &cfg->rotas[i];

		cpath_index(path, sizeof(path), "rotas", i);
		for (size_t t = 0; t < cfg->ntenants; t++)
			if (!strcmp(cfg->tenants[t].name, r->tenant.name))
				r->tenant.index = t;
		if (r->tenant.index == SIZE_MAX) {
			cerr_at(c, r->tenant.loc,
			        cpath_key(fpath, sizeof(fpath), path, "tenant"),
			        "unknown tenant '%s'", r->tenant.name);
			continue;
		}
		if (!r->timezone[0])
			snprintf(r->timezone, sizeof(r->timezone), "%s",
			         cfg->tenants[r->tenant.index].timezone);
		rota_vm_resolve(c, cfg, r, path);
		for (unsigned p = 0; p < r->npeople; p++)
			if (!config_dial_allowed(cfg, r->people[p].number))
				cerr_at(
				    c, r->people[p].loc,
				    cpathf(fpath, sizeof(fpath),
				           "%s.people[%u].number", path, p),
				    "number %s is not allowed by "
				    "dialing.allow: it could never be called",
				    r->people[p].number);
		for (size_t k = 0; k < i; k++)
			if (cfg->rotas[k].tenant.index == r->tenant.index &&
			    !strcmp(cfg->rotas[k].name, r->name))
				cerr_at(
				    c, r->name_loc, path,
				    "rota '%s' defined twice in tenant '%s'",
				    r->name, r->tenant.name);
	}
	for (size_t i = 0; i < cfg->nnumbers; i++) {
		const struct config_number *n = &cfg->numbers[i];
		if (n->rota[0] && n->tenant.index != SIZE_MAX &&
		    !config_rota_find(cfg, n->tenant.index, n->rota))
			cerr_at(c, n->loc,
			        cpath_index(path, sizeof(path), "numbers", i),
			        "number %s: no rota '%s' in tenant '%s'",
			        n->number, n->rota, n->tenant.name);
	}
}

const struct config_rota *config_rota_find(const struct config *cfg,
                                           size_t tenant, const char *name)
{
	for (size_t i = 0; i < cfg->nrotas; i++)
		if (cfg->rotas[i].tenant.index == tenant &&
		    !strcmp(cfg->rotas[i].name, name))
			return &cfg->rotas[i];
	return NULL;
}

int config_rota_person(const struct config_rota *r, const char *name)
{
	for (unsigned i = 0; i < r->npeople; i++)
		if (!strcmp(r->people[i].name, name))
			return (int)i;
	return -1;
}
