/*
 * config_queue.c - the schema of one queue: routing settings, fallbacks
 * and escalation steps. Names it refers to are resolved later.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/config_int.h"

#define DURATION_MAX   (7LL * 24 * 3600 * 1000) /* a week, in ms */
#define PRIORITY_LIMIT 1000
#define COUNT(a)       (sizeof(a) / sizeof((a)[0]))

static bool ref_parse(struct cctx *c, const struct cnode *v, const char *path,
                      struct config_ref *ref)
{
	ref->loc = cnode_loc(v);
	return cparse_name(c, v, path, ref->name, sizeof(ref->name));
}

static bool duration_field(struct cctx *c, const struct cnode *v,
                           const char *path, acd_time_t *dst)
{
	return cparse_duration(c, v, path, DURATION_MAX, dst);
}

static bool q_name(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_queue *q = obj;
	q->name_loc = cnode_loc(v);
	return cparse_name(c, v, path, q->name, sizeof(q->name));
}

static bool q_tenant(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	return ref_parse(c, v, path, &((struct config_queue *)obj)->tenant);
}

static bool q_strategy(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	struct config_queue *q = obj;
	char show[48], known[200] = "";
	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	int s = acd_strategy_parse(v->str);
	if (s >= 0 && strlen(v->str) == v->len) {
		q->strategy = (enum acd_strategy)s;
		return true;
	}
	size_t used = 0;
	for (int i = 0; i < ACD_STRAT_COUNT; i++)
		used += (size_t)snprintf(
		    known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
		    acd_strategy_name((enum acd_strategy)i));
	cerr(c, v, path, "unknown strategy '%s'; expected one of %s",
	     cshow(show, sizeof(show), v->str, v->len), known);
	return false;
}

static bool q_priority(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	long long x;
	if (!cparse_int(c, v, path, -PRIORITY_LIMIT, PRIORITY_LIMIT, &x))
		return false;
	((struct config_queue *)obj)->priority = (int)x;
	return true;
}

static bool q_offer_timeout(struct cctx *c, const struct cnode *v,
                            const char *path, void *obj)
{
	struct config_queue *q = obj;
	if (!duration_field(c, v, path, &q->offer_timeout))
		return false;
	if (q->offer_timeout > 0)
		return true;
	cerr(c, v, path, "must be longer than 0: an offer needs time to ring");
	return false;
}

static bool q_wrapup(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	return duration_field(c, v, path,
	                      &((struct config_queue *)obj)->wrapup);
}

static bool q_max_wait(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return duration_field(c, v, path,
	                      &((struct config_queue *)obj)->max_wait);
}

static bool q_max_waiting(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	long long x;
	if (!cparse_int(c, v, path, 0, 1000000, &x))
		return false;
	((struct config_queue *)obj)->max_waiting = (unsigned)x;
	return true;
}

static bool q_service_level(struct cctx *c, const struct cnode *v,
                            const char *path, void *obj)
{
	return duration_field(c, v, path,
	                      &((struct config_queue *)obj)->service_level);
}

static bool q_short_abandon(struct cctx *c, const struct cnode *v,
                            const char *path, void *obj)
{
	return duration_field(c, v, path,
	                      &((struct config_queue *)obj)->short_abandon);
}

static bool after_miss(struct cctx *c, const struct cnode *v, const char *path,
                       bool *ready)
{
	char show[48];
	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	if (!strcmp(v->str, "ready") || !strcmp(v->str, "not-ready")) {
		*ready = !strcmp(v->str, "ready");
		return true;
	}
	cerr(c, v, path, "expected not-ready or ready, found '%s'",
	     cshow(show, sizeof(show), v->str, v->len));
	return false;
}

static bool q_after_no_answer(struct cctx *c, const struct cnode *v,
                              const char *path, void *obj)
{
	return after_miss(c, v, path,
	                  &((struct config_queue *)obj)->no_answer_ready);
}

static bool q_after_reject(struct cctx *c, const struct cnode *v,
                           const char *path, void *obj)
{
	return after_miss(c, v, path,
	                  &((struct config_queue *)obj)->reject_ready);
}

static bool q_web_chat(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return cparse_bool(c, v, path, &((struct config_queue *)obj)->web_chat);
}

/* record: true, or {announce: TEXT | {text: ...} | {file: ...}}: the
 * queue's calls are recorded after the caller heard the announcement. */
static bool rec_announce(struct cctx *c, const struct cnode *v,
                         const char *path, void *obj)
{
	struct config_prompt *p =
	    &((struct config_queue *)obj)->record_announce;

	if (v->type != CNODE_SCALAR)
		return cparse_prompt(c, v, path, p);
	if (cnode_is_null(v) || !v->len || v->len >= sizeof(p->text)) {
		cerr(c, v, path, "a text of 1 to %zu characters",
		     sizeof(p->text) - 1);
		return false;
	}
	for (size_t i = 0; i < v->len; i++) {
		unsigned char ch = (unsigned char)v->str[i];

		if ((ch < 0x20 && ch != '\n') || ch == 0x7f) {
			cerr(c, v, path, "contains a control character");
			return false;
		}
	}
	memcpy(p->text, v->str, v->len + 1);
	p->loc = cnode_loc(v);
	p->given = true;
	return true;
}

static bool q_record(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	static const struct cfield fields[] = {
	    {"announce", rec_announce, false},
	};
	struct config_queue *q = obj;

	if (v->type == CNODE_SCALAR)
		return cparse_bool(c, v, path, &q->record);
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	q->record = true;
	cfields_parse(c, v, path, fields, COUNT(fields), q);
	return true;
}

static bool fb_action(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	struct config_fallback *fb = obj;
	char show[48];
	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	int a = acd_fallback_action_parse(v->str);
	if (a > ACD_ACTION_NONE && strlen(v->str) == v->len) {
		fb->action = (enum acd_fallback_action)a;
		return true;
	}
	cerr(c, v, path,
	     "unknown action '%s'; expected one of callback, voicemail, "
	     "message, forward, hangup",
	     cshow(show, sizeof(show), v->str, v->len));
	return false;
}

static bool fb_target(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	struct config_fallback *fb = obj;
	return cparse_name(c, v, path, fb->target, sizeof(fb->target));
}

static bool fallback_parse(struct cctx *c, const struct cnode *v,
                           const char *path, struct config_fallback *fb)
{
	static const struct cfield fields[] = {
	    {"action", fb_action, true},
	    {"target", fb_target, false},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	fb->loc = cnode_loc(v);
	cfields_parse(c, v, path, fields, COUNT(fields), fb);
	if (fb->action == ACD_ACTION_FORWARD && !fb->target[0]) {
		cerr(c, v, path, "forward needs a target (the number to call)");
		return false;
	}
	return true;
}

static bool fb_queue_full(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	struct config_queue *q = obj;
	return fallback_parse(c, v, path,
	                      &q->fallback[ACD_FALLBACK_QUEUE_FULL]);
}

static bool fb_max_wait(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	struct config_queue *q = obj;
	return fallback_parse(c, v, path, &q->fallback[ACD_FALLBACK_MAX_WAIT]);
}

static bool fb_nobody(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	struct config_queue *q = obj;
	return fallback_parse(c, v, path, &q->fallback[ACD_FALLBACK_NOBODY]);
}

static bool q_fallback(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	static const struct cfield fields[] = {
	    {"queue_full", fb_queue_full, false},
	    {"max_wait", fb_max_wait, false},
	    {"nobody_logged_in", fb_nobody, false},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields), obj);
	return true;
}

static bool st_after(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	struct config_step *st = obj;
	st->after_loc = cnode_loc(v);
	return duration_field(c, v, path, &st->after);
}

static bool st_min_proficiency(struct cctx *c, const struct cnode *v,
                               const char *path, void *obj)
{
	long long x;
	if (!cparse_int(c, v, path, 1, ACD_PROFICIENCY_MAX, &x))
		return false;
	((struct config_step *)obj)->min_proficiency = (unsigned)x;
	return true;
}

static bool st_priority(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	long long x;
	if (!cparse_int(c, v, path, -PRIORITY_LIMIT, PRIORITY_LIMIT, &x))
		return false;
	((struct config_step *)obj)->priority_add = (int)x;
	return true;
}

static bool st_overflow(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	return ref_parse(c, v, path, &((struct config_step *)obj)->overflow);
}

static bool rs_from(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	return ref_parse(c, v, path, &((struct config_step *)obj)->skill_from);
}

static bool rs_to(struct cctx *c, const struct cnode *v, const char *path,
                  void *obj)
{
	return ref_parse(c, v, path, &((struct config_step *)obj)->skill_to);
}

static bool st_replace_skill(struct cctx *c, const struct cnode *v,
                             const char *path, void *obj)
{
	static const struct cfield fields[] = {
	    {"from", rs_from, true},
	    {"to", rs_to, false},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields), obj);
	return true;
}

static bool step_parse(struct cctx *c, const struct cnode *v, const char *path,
                       struct config_step *st)
{
	static const struct cfield fields[] = {
	    {"after", st_after, true},
	    {"min_proficiency", st_min_proficiency, false},
	    {"priority", st_priority, false},
	    {"overflow", st_overflow, false},
	    {"replace_skill", st_replace_skill, false},
	};
	size_t before = cerrors(c);
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	st->loc = cnode_loc(v);
	st->skill_from.index = st->skill_to.index = SIZE_MAX;
	st->overflow.index = SIZE_MAX;
	cfields_parse(c, v, path, fields, COUNT(fields), st);
	if (cerrors(c) == before && !st->min_proficiency && !st->priority_add &&
	    !st->skill_from.name[0] && !st->overflow.name[0])
		cerr(c, v, path,
		     "this step changes nothing; set min_proficiency, "
		     "priority, overflow or replace_skill");
	return true;
}

static void not_later(struct cctx *c, const struct config_step *st,
                      const struct config_step *prev, const char *path)
{
	char fpath[128];
	cerr_at(c, st->after_loc,
	        cpath_key(fpath, sizeof(fpath), path, "after"),
	        "%.3gs is not later than the step before (%.3gs); 'after' "
	        "must increase",
	        (double)st->after / 1000, (double)prev->after / 1000);
}

static bool q_escalation(struct cctx *c, const struct cnode *v,
                         const char *path, void *obj)
{
	struct config_queue *q = obj;
	char ipath[128];
	if (!cexpect(c, v, path, CNODE_SEQ))
		return false;
	for (size_t i = 0; i < v->n; i++) {
		cpath_index(ipath, sizeof(ipath), path, i);
		if (q->nsteps == ACD_MAX_STEPS) {
			cerr(c, v->kids[i], ipath,
			     "more than %d escalation steps", ACD_MAX_STEPS);
			break;
		}
		struct config_step *st = &q->steps[q->nsteps];
		memset(st, 0, sizeof(*st));
		if (!step_parse(c, v->kids[i], ipath, st))
			continue;
		if (q->nsteps && st->after_loc.line &&
		    st->after <= q->steps[q->nsteps - 1].after)
			not_later(c, st, &q->steps[q->nsteps - 1], ipath);
		q->nsteps++;
	}
	return true;
}

/* dispositions: [CODE, ...]: the wrap-up codes agents pick from. */
static bool q_dispositions(struct cctx *c, const struct cnode *v,
                           const char *path, void *obj)
{
	struct config_queue *q = obj;
	char ipath[128];

	if (!cexpect(c, v, path, CNODE_SEQ))
		return false;
	for (size_t i = 0; i < v->n; i++) {
		char *code = q->dispositions[q->ndispositions];
		bool dup = false;

		cpath_index(ipath, sizeof(ipath), path, i);
		if (q->ndispositions == CONFIG_DISPOSITIONS_MAX) {
			cerr(c, v->kids[i], ipath, "more than %d dispositions",
			     CONFIG_DISPOSITIONS_MAX);
			break;
		}
		if (!cparse_name(c, v->kids[i], ipath, code, CONFIG_NAME_MAX))
			continue;
		for (unsigned k = 0; k < q->ndispositions; k++)
			dup |= !strcmp(q->dispositions[k], code);
		if (dup)
			cerr(c, v->kids[i], ipath,
			     "disposition '%s' is listed twice", code);
		else
			q->ndispositions++;
	}
	return true;
}

static bool cb_attempts(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	long long x;
	if (!cparse_int(c, v, path, 1, 20, &x))
		return false;
	((struct config_callback *)obj)->attempts = (unsigned)x;
	return true;
}

static bool cb_retry_after(struct cctx *c, const struct cnode *v,
                           const char *path, void *obj)
{
	struct config_callback *cb = obj;
	if (!duration_field(c, v, path, &cb->retry_after))
		return false;
	if (cb->retry_after >= 1000)
		return true;
	cerr(c, v, path, "must be 1s or more");
	return false;
}

static bool cb_ring(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	struct config_callback *cb = obj;
	if (!duration_field(c, v, path, &cb->ring))
		return false;
	if (cb->ring >= 1000 && cb->ring <= 300000)
		return true;
	cerr(c, v, path, "must be from 1s to 5m");
	return false;
}

/* `callback: {attempts: 3, retry_after: 5m, ring: 30s}`: how the daemon
 * dials the customer of a callback (docs/voice.md). */
static bool q_callback(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	static const struct cfield fields[] = {
	    {"attempts", cb_attempts, false},
	    {"retry_after", cb_retry_after, false},
	    {"ring", cb_ring, false},
	};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields),
	              &((struct config_queue *)obj)->callback);
	return true;
}

bool config_queue_parse(struct cctx *c, const struct cnode *v, const char *path,
                        void *item)
{
	static const struct cfield fields[] = {
	    {"name", q_name, true},
	    {"tenant", q_tenant, true},
	    {"strategy", q_strategy, false},
	    {"priority", q_priority, false},
	    {"offer_timeout", q_offer_timeout, false},
	    {"wrapup", q_wrapup, false},
	    {"max_wait", q_max_wait, false},
	    {"max_waiting", q_max_waiting, false},
	    {"service_level", q_service_level, false},
	    {"short_abandon", q_short_abandon, false},
	    {"after_no_answer", q_after_no_answer, false},
	    {"after_reject", q_after_reject, false},
	    {"web_chat", q_web_chat, false},
	    {"record", q_record, false},
	    {"dispositions", q_dispositions, false},
	    {"fallback", q_fallback, false},
	    {"escalation", q_escalation, false},
	    {"callback", q_callback, false},
	};
	struct config_queue *q = item;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	memset(q, 0, sizeof(*q));
	q->loc = cnode_loc(v);
	q->tenant.index = SIZE_MAX;
	q->strategy = ACD_STRAT_LONGEST_IDLE;
	q->offer_timeout = 20000;
	q->service_level = 20000;
	q->callback.attempts = 3;
	q->callback.retry_after = 300000;
	q->callback.ring = 30000;
	cfields_parse(c, v, path, fields, COUNT(fields), q);
	return true;
}
