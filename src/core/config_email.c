/*
 * config_email.c - the email section: mailboxes read over IMAP into
 * queues, the SMTP server answers go through, the tenant's address, and
 * routing rules on the sender, the subject and the language
 * (src/email/ reads it; docs/email.md, docs/configuration.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_email.h"
#include "core/config_int.h"

#define EMAIL_POLL_DEFAULT_MS    5000
#define EMAIL_MESSAGE_DEFAULT    (25u << 20)
#define EMAIL_ATTACHMENT_DEFAULT (10u << 20)
#define EMAIL_LAST_AGENT_DEFAULT (10 * 60 * 1000)
#define EMAIL_LAST_AGENT_MAX     (24 * 3600 * 1000)

/* A scalar of printable characters that fits size, into dst. */
static bool text(struct cctx *c, const struct cnode *v, const char *path,
                 char *dst, size_t size, const char *what)
{
	bool ok = v->type == CNODE_SCALAR && v->len < size &&
	          strlen(v->str) == v->len;

	for (size_t i = 0; ok && i < v->len; i++)
		ok = (unsigned char)v->str[i] >= ' ' && v->str[i] != 0x7f;
	if (!ok) {
		if (v->type != CNODE_BAD)
			cerr(c, v, path, "expected %s, under %zu characters",
			     what, size);
		return false;
	}
	memcpy(dst, v->str, v->len + 1);
	return true;
}

/* scheme://host...: one of the two schemes, no spaces. */
static bool url(struct cctx *c, const struct cnode *v, const char *path,
                char *dst, size_t size, const char *plain, const char *tls)
{
	char show[64];
	size_t lp = strlen(plain), lt = strlen(tls);

	if (!text(c, v, path, dst, size, "a URL"))
		return false;
	if ((!strncmp(dst, plain, lp) && dst[lp]) ||
	    (!strncmp(dst, tls, lt) && dst[lt])) {
		if (!strchr(dst, ' '))
			return true;
	}
	cerr(c, v, path,
	     "expected a %sHOST[:PORT]/... or %s... URL; found '%s'", tls,
	     plain, cshow(show, sizeof(show), v->str, v->len));
	dst[0] = '\0';
	return false;
}

#define MB(obj) ((struct config_mailbox *)(obj))

static bool m_name(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	MB(obj)->name_loc = cnode_loc(v);
	return cparse_name(c, v, path, MB(obj)->name, sizeof(MB(obj)->name));
}

static bool m_tenant(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	MB(obj)->tenant.loc = cnode_loc(v);
	return cparse_name(c, v, path, MB(obj)->tenant.name, CONFIG_NAME_MAX);
}

static bool m_queue(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	MB(obj)->queue.loc = cnode_loc(v);
	return cparse_name(c, v, path, MB(obj)->queue.name, CONFIG_NAME_MAX);
}

static bool m_imap(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	return url(c, v, path, MB(obj)->imap, CONFIG_URL_MAX, "imap://",
	           "imaps://");
}

static bool m_smtp(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	return url(c, v, path, MB(obj)->smtp, CONFIG_URL_MAX, "smtp://",
	           "smtps://");
}

static bool m_user(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	return text(c, v, path, MB(obj)->user, sizeof(MB(obj)->user),
	            "a user name");
}

static bool m_password(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return cparse_secret(c, v, path, MB(obj)->password, CONFIG_SECRET_MAX);
}

static bool m_smtp_user(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	return text(c, v, path, MB(obj)->smtp_user, sizeof(MB(obj)->smtp_user),
	            "a user name");
}

static bool m_smtp_password(struct cctx *c, const struct cnode *v,
                            const char *path, void *obj)
{
	return cparse_secret(c, v, path, MB(obj)->smtp_password,
	                     CONFIG_SECRET_MAX);
}

static bool m_tls_ca(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	return text(c, v, path, MB(obj)->tls_ca, sizeof(MB(obj)->tls_ca),
	            "a file");
}

/* local@domain, printable, no spaces nor angle brackets. */
static bool m_address(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	char *a = MB(obj)->address, show[64];
	const char *at;

	if (!text(c, v, path, a, CONFIG_EMAIL_TEXT_MAX, "an e-mail address"))
		return false;
	at = strchr(a, '@');
	if (at && at != a && at[1] && !strchr(at + 1, '@') &&
	    !strpbrk(a, " <>\"(),;:"))
		return true;
	cerr(c, v, path,
	     "expected an address like help@example.org; found '%s'",
	     cshow(show, sizeof(show), v->str, v->len));
	a[0] = '\0';
	return false;
}

static bool m_display(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	return text(c, v, path, MB(obj)->display, CONFIG_EMAIL_TEXT_MAX,
	            "a display name");
}

static bool m_acknowledge(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	return cparse_bool(c, v, path, &MB(obj)->acknowledge);
}

static bool m_last_agent_wait(struct cctx *c, const struct cnode *v,
                              const char *path, void *obj)
{
	return cparse_duration(c, v, path, EMAIL_LAST_AGENT_MAX,
	                       &MB(obj)->last_agent_wait);
}

#define RULE(obj) ((struct config_email_rule *)(obj))

static bool r_from(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	return text(c, v, path, RULE(obj)->from, CONFIG_EMAIL_TEXT_MAX,
	            "a part of an address");
}

static bool r_subject(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	return text(c, v, path, RULE(obj)->subject, CONFIG_EMAIL_TEXT_MAX,
	            "a part of a subject");
}

static bool r_language(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return text(c, v, path, RULE(obj)->language,
	            sizeof(RULE(obj)->language), "a language code (it, es)");
}

static bool r_priority(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	long long n;

	if (!cparse_int(c, v, path, -100, 100, &n))
		return false;
	RULE(obj)->priority = (int)n;
	return true;
}

static bool r_skills(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_email_rule *r = obj;
	char fpath[160];
	long long level;

	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		if (!cmap_key(c, v, i, path, fpath, sizeof(fpath)))
			continue;
		if (r->nskills == CONFIG_EMAIL_RULE_SKILLS) {
			cerr(c, v->kids[i], fpath, "at most %d skills a rule",
			     CONFIG_EMAIL_RULE_SKILLS);
			return false;
		}
		if (!cparse_int(c, v->kids[i + 1], fpath, 1, 5, &level))
			continue;
		struct config_email_skill *s = &r->skills[r->nskills++];
		snprintf(s->name, sizeof(s->name), "%s", v->kids[i]->str);
		s->level = (unsigned)level;
	}
	return true;
}

static bool rule_parse(struct cctx *c, const struct cnode *v, const char *path,
                       void *item)
{
	static const struct cfield fields[] = {
	    {"from", r_from, false},         {"subject", r_subject, false},
	    {"language", r_language, false}, {"priority", r_priority, false},
	    {"skills", r_skills, false},
	};
	struct config_email_rule *r = item;
	size_t before = cerrors(c);

	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	r->loc = cnode_loc(v);
	cfields_parse(c, v, path, fields, sizeof(fields) / sizeof(*fields), r);
	return cerrors(c) == before;
}

static bool m_rules(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	return clist_parse(c, v, path, sizeof(*MB(obj)->rules),
	                   (void **)&MB(obj)->rules, &MB(obj)->nrules,
	                   rule_parse);
}

static bool mailbox_parse(struct cctx *c, const struct cnode *v,
                          const char *path, void *item)
{
	static const struct cfield fields[] = {
	    {"name", m_name, true},
	    {"tenant", m_tenant, true},
	    {"queue", m_queue, true},
	    {"imap", m_imap, true},
	    {"user", m_user, true},
	    {"password", m_password, true},
	    {"address", m_address, true},
	    {"display_name", m_display, false},
	    {"smtp", m_smtp, false},
	    {"smtp_user", m_smtp_user, false},
	    {"smtp_password", m_smtp_password, false},
	    {"tls_ca", m_tls_ca, false},
	    {"acknowledge", m_acknowledge, false},
	    {"last_agent_wait", m_last_agent_wait, false},
	    {"rules", m_rules, false},
	};
	struct config_mailbox *m = item;
	size_t before = cerrors(c);

	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	m->loc = cnode_loc(v);
	m->tenant.index = m->queue.index = SIZE_MAX;
	m->last_agent_wait = EMAIL_LAST_AGENT_DEFAULT;
	cfields_parse(c, v, path, fields, sizeof(fields) / sizeof(*fields), m);
	if (cerrors(c) == before && m->acknowledge && !m->smtp[0])
		cerr(c, v, path, "acknowledge needs an smtp server");
	return true;
}

#define EM(obj) ((struct config_email *)(obj))

static bool e_poll(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	if (!cparse_duration(c, v, path, 3600 * 1000, &EM(obj)->poll))
		return false;
	if (EM(obj)->poll >= 100)
		return true;
	cerr(c, v, path, "poll is at least 100ms");
	EM(obj)->poll = EMAIL_POLL_DEFAULT_MS;
	return false;
}

static bool e_size(struct cctx *c, const struct cnode *v, const char *path,
                   size_t *dst)
{
	long long n;

	if (!cparse_int(c, v, path, 1024, 1LL << 30, &n))
		return false;
	*dst = (size_t)n;
	return true;
}

static bool e_max_message(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	return e_size(c, v, path, &EM(obj)->max_message_bytes);
}

static bool e_max_attachment(struct cctx *c, const struct cnode *v,
                             const char *path, void *obj)
{
	return e_size(c, v, path, &EM(obj)->max_attachment_bytes);
}

static bool e_attachments(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	return text(c, v, path, EM(obj)->attachments, CONFIG_PATH_MAX,
	            "a folder");
}

static bool e_mailboxes(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	return clist_parse(c, v, path, sizeof(*EM(obj)->mailboxes),
	                   (void **)&EM(obj)->mailboxes, &EM(obj)->nmailboxes,
	                   mailbox_parse);
}

bool config_email_section(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	static const struct cfield fields[] = {
	    {"poll", e_poll, false},
	    {"max_message_bytes", e_max_message, false},
	    {"max_attachment_bytes", e_max_attachment, false},
	    {"attachments", e_attachments, false},
	    {"mailboxes", e_mailboxes, true},
	};
	struct config *cfg = obj;
	struct config_email *e;

	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	e = calloc(1, sizeof(*e));
	if (!e) {
		c->nomem = true;
		return false;
	}
	e->poll = EMAIL_POLL_DEFAULT_MS;
	e->max_message_bytes = EMAIL_MESSAGE_DEFAULT;
	e->max_attachment_bytes = EMAIL_ATTACHMENT_DEFAULT;
	config_email_free(cfg->email);
	cfg->email = e;
	cfields_parse(c, v, path, fields, sizeof(fields) / sizeof(*fields), e);
	return true;
}

static void resolve_mailbox(struct cctx *c, struct config *cfg,
                            struct config_mailbox *m, const char *path)
{
	char fpath[128];

	for (size_t t = 0; t < cfg->ntenants; t++)
		if (!strcmp(cfg->tenants[t].name, m->tenant.name))
			m->tenant.index = t;
	if (m->tenant.index == SIZE_MAX) {
		cerr_at(c, m->tenant.loc,
		        cpath_key(fpath, sizeof(fpath), path, "tenant"),
		        "unknown tenant '%s'", m->tenant.name);
		return;
	}
	for (size_t q = 0; q < cfg->nqueues; q++)
		if (cfg->queues[q].tenant.index == m->tenant.index &&
		    !strcmp(cfg->queues[q].name, m->queue.name))
			m->queue.index = q;
	if (m->queue.index == SIZE_MAX)
		cerr_at(c, m->queue.loc,
		        cpath_key(fpath, sizeof(fpath), path, "queue"),
		        "no queue '%s' in tenant '%s'", m->queue.name,
		        m->tenant.name);
	for (size_t r = 0; r < m->nrules; r++)
		for (unsigned k = 0; k < m->rules[r].nskills; k++) {
			const char *name = m->rules[r].skills[k].name;
			bool found = false;

			for (size_t s = 0; s < cfg->nskills && !found; s++)
				found = !strcmp(cfg->skills[s].name, name);
			if (!found)
				cerr_at(c, m->rules[r].loc,
				        cpathf(fpath, sizeof(fpath),
				               "%s.rules[%zu].skills", path, r),
				        "unknown skill '%s'", name);
		}
}

void config_email_resolve(struct cctx *c, struct config *cfg)
{
	char path[64];
	struct config_email *e = cfg->email;

	for (size_t i = 0; e && i < e->nmailboxes; i++) {
		struct config_mailbox *m = &e->mailboxes[i];

		cpath_index(path, sizeof(path), "email.mailboxes", i);
		resolve_mailbox(c, cfg, m, path);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(e->mailboxes[k].name, m->name))
				cerr_at(c, m->name_loc, path,
				        "mailbox '%s' defined twice (line %u)",
				        m->name, e->mailboxes[k].name_loc.line);
	}
}

void config_email_free(struct config_email *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nmailboxes; i++)
		free(e->mailboxes[i].rules);
	free(e->mailboxes);
	free(e);
}
