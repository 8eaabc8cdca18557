/*
 * config_action.c - the schema of one action of a flow's node: hours,
 * play, menu, set, queue, voicemail, forward, goto, hangup. An action is
 * a mapping of one key (`play: {text: ...}`) or, for hangup, the bare
 * word. Names it refers to are resolved in config_flow_resolve.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/config_int.h"

#define COUNT(a)       (sizeof(a) / sizeof((a)[0]))
#define PRIORITY_LIMIT 1000
#define RETRIES_MAX    10
#define WAIT_MAX       (3600LL * 1000) /* menu timeout, announce, max */

static bool ref(struct cctx *c, const struct cnode *v, const char *path,
                struct config_ref *r)
{
	r->loc = cnode_loc(v);
	r->index = SIZE_MAX;
	return cparse_name(c, v, path, r->name, sizeof(r->name));
}

static bool wait_time(struct cctx *c, const struct cnode *v, const char *path,
                      bool zero_ok, acd_time_t *dst)
{
	if (!cparse_duration(c, v, path, WAIT_MAX, dst))
		return false;
	if (*dst || zero_ok)
		return true;
	cerr(c, v, path, "must be longer than 0");
	return false;
}

/* Text to speak: printable, new lines and tabs allowed. */
static bool p_text(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_prompt *p = obj;
	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	if (cnode_is_null(v) || !v->len || v->len >= sizeof(p->text)) {
		cerr(c, v, path, "a text of 1 to %zu characters",
		     sizeof(p->text) - 1);
		return false;
	}
	for (size_t i = 0; i < v->len; i++) {
		unsigned char ch = (unsigned char)v->str[i];
		if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f) {
			cerr(c, v, path, "contains a control character");
			return false;
		}
	}
	memcpy(p->text, v->str, v->len + 1);
	return true;
}

static bool p_file(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_prompt *p = obj;
	p->is_file = true;
	return cparse_name(c, v, path, p->text, sizeof(p->text));
}

static bool p_language(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return cparse_language(c, v, path,
	                       &((struct config_prompt *)obj)->language);
}

bool cparse_prompt(struct cctx *c, const struct cnode *v, const char *path,
                   struct config_prompt *p)
{
	static const struct cfield fields[] = {
	    {"text", p_text, false},
	    {"file", p_file, false},
	    {"language", p_language, false},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	size_t before = cerrors(c);
	bool text = false, file = false;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct cnode *k = v->kids[i];
		text |= k->type == CNODE_SCALAR && !strcmp(k->str, "text");
		file |= k->type == CNODE_SCALAR && !strcmp(k->str, "file");
	}
	p->loc = cnode_loc(v);
	cfields_parse(c, v, path, fields, COUNT(fields), p);
	if (text == file)
		cerr(c, v, path, "give exactly one of text and file");
	p->given = cerrors(c) == before;
	return p->given;
}

static bool a_hours_calendar(struct cctx *c, const struct cnode *v,
                             const char *path, void *obj)
{
	return ref(c, v, path, &((struct config_action *)obj)->calendar);
}

static bool a_node(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	return ref(c, v, path, &((struct config_action *)obj)->node);
}

static bool act_hours(struct cctx *c, const struct cnode *v, const char *path,
                      struct config_action *a)
{
	static const struct cfield fields[] = {
	    {"calendar", a_hours_calendar, true},
	    {"closed", a_node, true},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields), a);
	return true;
}

static bool act_play(struct cctx *c, const struct cnode *v, const char *path,
                     struct config_action *a)
{
	return cparse_prompt(c, v, path, &a->prompt);
}

static bool m_prompt(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	return cparse_prompt(c, v, path,
	                     &((struct config_action *)obj)->prompt);
}

static bool m_invalid(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	return cparse_prompt(c, v, path,
	                     &((struct config_action *)obj)->invalid);
}

static bool m_timeout(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	return wait_time(c, v, path, false,
	                 &((struct config_action *)obj)->timeout);
}

static bool m_retries(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	long long n;
	if (!cparse_int(c, v, path, 0, RETRIES_MAX, &n))
		return false;
	((struct config_action *)obj)->retries = (unsigned)n;
	return true;
}

/* {"1": node, ...}: a key is one of 0-9, * and #. */
static bool m_options(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	struct config_action *a = obj;
	char kpath[128], show[48];
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	if (!v->n)
		cerr(c, v, path, "a menu needs at least one option");
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct cnode *key = v->kids[i];
		if (!cmap_key(c, v, i, path, kpath, sizeof(kpath)))
			continue;
		if (key->len != 1 || !strchr("0123456789*#", key->str[0]) ||
		    !key->str[0]) {
			cerr(c, key, kpath,
			     "bad menu key '%s'; one of 0-9, * and #",
			     cshow(show, sizeof(show), key->str, key->len));
			continue;
		}
		struct config_menu_option *o = &a->options[a->noptions];
		if (ref(c, v->kids[i + 1], kpath, &o->node)) {
			o->key = key->str[0];
			a->noptions++; /* keys are distinct: at most 12 */
		}
	}
	return true;
}

static bool act_menu(struct cctx *c, const struct cnode *v, const char *path,
                     struct config_action *a)
{
	static const struct cfield fields[] = {
	    {"prompt", m_prompt, true},    {"timeout", m_timeout, false},
	    {"retries", m_retries, false}, {"options", m_options, true},
	    {"invalid", m_invalid, false}, {"default", a_node, false},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	a->timeout = 5000;
	a->retries = 2;
	cfields_parse(c, v, path, fields, COUNT(fields), a);
	return true;
}

static bool s_skills(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_action *a = obj;
	char kpath[128];
	long long prof;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		if (!cmap_key(c, v, i, path, kpath, sizeof(kpath)))
			continue;
		if (a->nskills == ACD_MAX_REQS) {
			cerr(c, v->kids[i], kpath, "more than %d skills",
			     ACD_MAX_REQS);
			break;
		}
		struct config_set_skill *s = &a->skills[a->nskills];
		bool ok = ref(c, v->kids[i], kpath, &s->skill);
		ok &= cparse_int(c, v->kids[i + 1], kpath, 1,
		                 ACD_PROFICIENCY_MAX, &prof);
		if (ok) {
			s->min_proficiency = (unsigned)prof;
			a->nskills++;
		}
	}
	return true;
}

static bool s_priority(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	struct config_action *a = obj;
	long long n;
	if (!cparse_int(c, v, path, -PRIORITY_LIMIT, PRIORITY_LIMIT, &n))
		return false;
	a->priority = (int)n;
	a->has_priority = true;
	return true;
}

static bool s_language(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return cparse_language(c, v, path,
	                       &((struct config_action *)obj)->language);
}

static bool act_set(struct cctx *c, const struct cnode *v, const char *path,
                    struct config_action *a)
{
	static const struct cfield fields[] = {
	    {"skills", s_skills, false},
	    {"priority", s_priority, false},
	    {"language", s_language, false},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	if (!v->n)
		cerr(c, v, path, "set needs skills, priority or language");
	cfields_parse(c, v, path, fields, COUNT(fields), a);
	return true;
}

static bool q_name(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	return ref(c, v, path, &((struct config_action *)obj)->queue);
}

static bool q_music(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	return ref(c, v, path, &((struct config_action *)obj)->music);
}

static bool q_announce(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return wait_time(c, v, path, true,
	                 &((struct config_action *)obj)->announce);
}

/* The key a waiting caller presses to be called back at their place. */
static bool q_callback_key(struct cctx *c, const struct cnode *v,
                           const char *path, void *obj)
{
	struct config_action *a = obj;
	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	if (v->len == 1 && strchr("0123456789*#", v->str[0])) {
		a->callback_key = v->str[0];
		return true;
	}
	cerr(c, v, path, "must be one key: 0-9, * or #");
	return false;
}

/* An action that names a queue, in short (`queue: NAME`) or long form
 * (a mapping of fields, `name`/`queue` among them). */
static bool queue_or_fields(struct cctx *c, const struct cnode *v,
                            const char *path, const struct cfield *fields,
                            size_t n, struct config_action *a)
{
	if (v->type == CNODE_SCALAR)
		return ref(c, v, path, &a->queue);
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, n, a);
	return true;
}

/* `queue: NAME` or `queue: {name: NAME, music: M, announce: 30s}`. */
static bool act_queue(struct cctx *c, const struct cnode *v, const char *path,
                      struct config_action *a)
{
	static const struct cfield fields[] = {
	    {"name", q_name, true},
	    {"music", q_music, false},
	    {"announce", q_announce, false},
	    {"callback_key", q_callback_key, false},
	};
	a->announce = 45000;
	return queue_or_fields(c, v, path, fields, COUNT(fields), a);
}

static bool vm_max(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	return wait_time(c, v, path, false,
	                 &((struct config_action *)obj)->max);
}

static bool act_voicemail(struct cctx *c, const struct cnode *v,
                          const char *path, struct config_action *a)
{
	static const struct cfield fields[] = {
	    {"queue", q_name, true},
	    {"max", vm_max, false},
	};
	a->max = 120000;
	return queue_or_fields(c, v, path, fields, COUNT(fields), a);
}

static bool act_forward(struct cctx *c, const struct cnode *v, const char *path,
                        struct config_action *a)
{
	a->node.loc = cnode_loc(v); /* where the allow-list check reports */
	return cparse_number(c, v, path, a->number, sizeof(a->number));
}

static bool act_goto(struct cctx *c, const struct cnode *v, const char *path,
                     struct config_action *a)
{
	return ref(c, v, path, &a->node);
}

static bool act_hangup(struct cctx *c, const struct cnode *v, const char *path,
                       struct config_action *a)
{
	if (cnode_is_null(v))
		return true;
	cerr(c, v, path, "hangup takes no value; play a message before it");
	return false;
}

typedef bool(action_h)(struct cctx *c, const struct cnode *v, const char *path,
                       struct config_action *a);

static const struct {
	const char *name;
	enum config_action_type type;
	action_h *parse;
} actions[] = {
    {"hours", CONFIG_ACT_HOURS, act_hours},
    {"play", CONFIG_ACT_PLAY, act_play},
    {"menu", CONFIG_ACT_MENU, act_menu},
    {"set", CONFIG_ACT_SET, act_set},
    {"queue", CONFIG_ACT_QUEUE, act_queue},
    {"voicemail", CONFIG_ACT_VOICEMAIL, act_voicemail},
    {"forward", CONFIG_ACT_FORWARD, act_forward},
    {"goto", CONFIG_ACT_GOTO, act_goto},
    {"hangup", CONFIG_ACT_HANGUP, act_hangup},
};

/* The action named by key, or -1 (reported). */
static int action_of(struct cctx *c, const struct cnode *key, const char *path)
{
	char show[48];
	for (size_t i = 0; i < COUNT(actions); i++) {
		if (key->type == CNODE_SCALAR &&
		    strlen(actions[i].name) == key->len &&
		    !strcmp(actions[i].name, key->str))
			return (int)i;
	}
	if (key->type == CNODE_SCALAR)
		cerr(c, key, path,
		     "unknown action '%s'; expected one of hours, play, menu, "
		     "set, queue, voicemail, forward, goto, hangup",
		     cshow(show, sizeof(show), key->str, key->len));
	else if (key->type != CNODE_BAD)
		cerr(c, key, path, "an action is a name, e.g. play: {...}");
	return -1;
}

bool config_action_parse(struct cctx *c, const struct cnode *v,
                         const char *path, void *item)
{
	struct config_action *a = item;
	char apath[128];
	memset(a, 0, sizeof(*a)); /* a refused item's slot is reused */
	a->loc = cnode_loc(v);
	a->node.index = a->calendar.index = SIZE_MAX;
	a->queue.index = a->music.index = SIZE_MAX;
	if (v->type == CNODE_SCALAR && !cnode_is_null(v)) {
		int i = action_of(c, v, path);
		if (i < 0)
			return false;
		if (actions[i].type != CONFIG_ACT_HANGUP) {
			cerr(c, v, path, "%s needs a value, e.g. %s: ...",
			     actions[i].name, actions[i].name);
			return false;
		}
		a->type = CONFIG_ACT_HANGUP;
		return true;
	}
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	if (v->n != 2) {
		cerr(c, v, path, "an action is one key, e.g. - play: {...}");
		return false;
	}
	int i = action_of(c, v->kids[0], path);
	if (i < 0)
		return false;
	a->type = actions[i].type;
	size_t before = cerrors(c);
	cpath_key(apath, sizeof(apath), path, actions[i].name);
	actions[i].parse(c, v->kids[1], apath, a);
	return cerrors(c) == before;
}
