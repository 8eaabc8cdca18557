/*
 * config.c - load and parse a configuration: the file, the document's
 * sections, tenants and skills. Queues, agents and the voice channel's
 * sections have their own files.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_email.h"
#include "core/config_int.h"
#include "core/config_users.h"

#define CONFIG_FILE_MAX (16u << 20) /* larger is surely not a config */

static bool tenant_name(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	struct config_tenant *t = obj;
	t->name_loc = cnode_loc(v);
	return cparse_name(c, v, path, t->name, sizeof(t->name));
}

static bool tenant_timezone(struct cctx *c, const struct cnode *v,
                            const char *path, void *obj)
{
	struct config_tenant *t = obj;
	if (!cparse_name(c, v, path, t->timezone, sizeof(t->timezone)))
		return false;
	if (ctimezone_ok(t->timezone))
		return true;
	cerr(c, v, path, "unknown time zone '%s'", t->timezone);
	snprintf(t->timezone, sizeof(t->timezone), "UTC");
	return false;
}

static bool tenant_parse(struct cctx *c, const struct cnode *v,
                         const char *path, void *item)
{
	static const struct cfield fields[] = {
	    {"name", tenant_name, true},
	    {"timezone", tenant_timezone, false},
	};
	struct config_tenant *t = item;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	t->loc = cnode_loc(v);
	snprintf(t->timezone, sizeof(t->timezone), "UTC");
	cfields_parse(c, v, path, fields, sizeof(fields) / sizeof(fields[0]),
	              t);
	return true;
}

static bool skill_parse(struct cctx *c, const struct cnode *v, const char *path,
                        void *item)
{
	struct config_skill *s = item;
	s->loc = cnode_loc(v);
	return cparse_name(c, v, path, s->name, sizeof(s->name));
}

static bool section_tenants(struct cctx *c, const struct cnode *v,
                            const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->tenants),
	                   (void **)&cfg->tenants, &cfg->ntenants,
	                   tenant_parse);
}

static bool section_skills(struct cctx *c, const struct cnode *v,
                           const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->skills),
	                   (void **)&cfg->skills, &cfg->nskills, skill_parse);
}

static bool section_queues(struct cctx *c, const struct cnode *v,
                           const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->queues),
	                   (void **)&cfg->queues, &cfg->nqueues,
	                   config_queue_parse);
}

static bool section_agents(struct cctx *c, const struct cnode *v,
                           const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->agents),
	                   (void **)&cfg->agents, &cfg->nagents,
	                   config_agent_parse);
}

void config_parse_root(struct cctx *c, const struct cnode *root,
                       struct config *cfg)
{
	static const struct cfield sections[] = {
	    {"tenants", section_tenants, false},
	    {"skills", section_skills, false},
	    {"queues", section_queues, false},
	    {"agents", section_agents, false},
	    {"sip", config_sip_section, false},
	    {"http", config_http_section, false},
	    {"store", config_store_section, false},
	    {"prompts", config_prompts_section, false},
	    {"dialing", config_dialing_section, false},
	    {"trunks", config_trunks_section, false},
	    {"numbers", config_numbers_section, false},
	    {"calendars", config_calendars_section, false},
	    {"features", config_features_section, false},
	    {"flows", config_flows_section, false},
	    {"users", config_users_section, false},
	    {"retention", config_retention_section, false},
	    {"webhooks", config_webhooks_section, false},
	    {"email", config_email_section, false},
	    {"rotas", config_rotas_section, false},
	};
	if (!root || cnode_is_null(root)) {
		cerr(c, root, "",
		     "the configuration is empty; expected a mapping with "
		     "tenants, skills, queues and agents");
		return;
	}
	if (!cexpect(c, root, "", CNODE_MAP))
		return;
	cfields_parse(c, root, "", sections,
	              sizeof(sections) / sizeof(sections[0]), cfg);
}

/* Errors in line order: stable insertion sort of the ones added here. */
static void sort_errors(struct config_errors *e, size_t first)
{
	for (size_t i = first + 1; i < e->n; i++) {
		struct config_error tmp = e->v[i];
		size_t j = i;
		while (j > first && (e->v[j - 1].line > tmp.line ||
		                     (e->v[j - 1].line == tmp.line &&
		                      e->v[j - 1].column > tmp.column))) {
			e->v[j] = e->v[j - 1];
			j--;
		}
		e->v[j] = tmp;
	}
}

int config_parse(const char *buf, size_t len, const char *name,
                 struct config **cfgp, struct config_errors *errs)
{
	struct cctx c = {.file = name, .errs = errs};
	size_t first = errs->n, before = cerrors(&c);
	struct cnode *root = NULL;
	struct config *cfg = calloc(1, sizeof(*cfg));
	int err;

	if (!cfg)
		return ENOMEM;
	snprintf(cfg->file, sizeof(cfg->file), "%s", name);
	config_voice_defaults(cfg);
	err = cnode_parse(&c, buf, len, &root);
	if (!err) {
		config_parse_root(&c, root, cfg);
		if (!c.nomem)
			config_resolve(&c, cfg);
		if (!c.nomem)
			config_users_resolve(&c, cfg);
		if (!c.nomem)
			config_email_resolve(&c, cfg);
	}
	if (!err && c.nomem)
		err = ENOMEM;
	if (!err && cerrors(&c) != before)
		err = EINVAL;
	sort_errors(errs, first);
	cnode_free(root);
	if (err) {
		config_free(cfg);
		return err;
	}
	*cfgp = cfg;
	return 0;
}

/* Read the whole file into a new buffer; errors name the file. */
static int read_file(const char *path, char **bufp, size_t *lenp,
                     struct config_errors *errs)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	int err = 0;

	if (!f) {
		err = errno ? errno : EIO;
		config_errors_add(errs, path, 0, 0, "", "cannot open: %s",
		                  strerror(err));
		return err;
	}
	buf = malloc(CONFIG_FILE_MAX + 1);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	len = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
	if (ferror(f)) {
		err = EIO;
		config_errors_add(errs, path, 0, 0, "", "cannot read the file");
	} else if (len > CONFIG_FILE_MAX) {
		err = EFBIG;
		config_errors_add(errs, path, 0, 0, "",
		                  "larger than %u MiB; is it a configuration?",
		                  CONFIG_FILE_MAX >> 20);
	}
out:
	fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int config_load(const char *path, struct config **cfgp,
                struct config_errors *errs)
{
	char *buf = NULL;
	size_t len = 0;
	int err = read_file(path, &buf, &len, errs);
	if (err)
		return err;
	err = config_parse(buf, len, path, cfgp, errs);
	free(buf);
	return err;
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nagents; i++) {
		free(cfg->agents[i].skills);
		free(cfg->agents[i].queues);
	}
	free(cfg->tenants);
	free(cfg->skills);
	free(cfg->queues);
	free(cfg->agents);
	config_voice_free(cfg);
	free(cfg->users);
	free(cfg->webhooks);
	config_email_free(cfg->email);
	for (size_t i = 0; i < cfg->nrotas; i++)
		free(cfg->rotas[i].overrides);
	free(cfg->rotas);
	free(cfg);
}
