/*
 * buffer.c - buffered writes and the group commit that flushes them.
 *
 * Appends go to an array of fixed-size records and an arena of strings;
 * store_flush() writes them all in one transaction and empties both only
 * once it has committed. Rejected alternative: one transaction per event,
 * which costs an fsync (with durability full) or a WAL frame write per
 * event and caps the journal far below what the engine produces.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

void store_buffer_free(struct store *s)
{
	free(s->ops);
	free(s->arena);
	s->ops = NULL;
	s->arena = NULL;
	s->nops = s->cap = s->alen = s->acap = 0;
}

/* Copy str (NULL allowed) into the arena; its offset or NOSTR in *offp. */
static int arena_put(struct store *s, const char *str, uint32_t *offp)
{
	size_t n;

	*offp = NOSTR;
	if (!str)
		return 0;
	n = strlen(str) + 1;
	if (s->alen + n >= NOSTR)
		return ENOSPC;
	if (s->alen + n > s->acap) {
		size_t cap = s->acap ? s->acap : 4096;
		while (cap < s->alen + n)
			cap *= 2;
		char *a = realloc(s->arena, cap);
		if (!a)
			return ENOMEM;
		s->arena = a;
		s->acap = cap;
	}
	memcpy(s->arena + s->alen, str, n);
	*offp = (uint32_t)s->alen;
	s->alen += n;
	return 0;
}

static const char *arena_get(const struct store *s, uint32_t off)
{
	return off == NOSTR ? NULL : s->arena + off;
}

/*
 * Reserve the next record with its strings copied. On failure nothing is
 * kept: the arena is cut back, the record not counted.
 */
static int op_push(struct store *s, const struct op *op,
                   const char *const str[S_COUNT])
{
	size_t alen = s->alen;
	struct op *o;
	int err = 0;

	if (!s->run)
		return EACCES; /* opened read-only */
	if (s->nops >= s->max_buffered)
		return ENOSPC;
	if (s->nops == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		o = realloc(s->ops, cap * sizeof(*o));
		if (!o)
			return ENOMEM;
		s->ops = o;
		s->cap = cap;
	}
	o = &s->ops[s->nops];
	*o = *op;
	o->wall_ms = store_now(s);
	for (int i = 0; !err && i < S_COUNT; i++)
		err = arena_put(s, str[i], &o->str[i]);
	if (err) {
		s->alen = alen;
		return err;
	}
	s->nops++;
	return 0;
}

int store_journal_append(struct store *s, const struct acd_event *ev,
                         const char *tenant, const char *queue,
                         const char *agent)
{
	const char *str[S_COUNT] = {tenant, queue, agent, NULL, NULL};
	struct op op = {.kind = OP_EVENT};

	if (!s || !ev || (unsigned)ev->type >= ACD_EV_COUNT)
		return EINVAL;
	op.type = (int)ev->type;
	op.time = ev->time;
	op.contact = ev->contact;
	op.channel = (int)ev->channel;
	op.wait = ev->wait;
	str[S_REASON] = ev->reason;
	op.has_agent_state = ev->type == ACD_EV_AGENT_STATE;
	op.agent_state = (int)ev->agent_state;
	op.agent_prev = (int)ev->agent_prev;
	op.has_decision = ev->type == ACD_EV_CONTACT_OFFERED;
	op.strategy = (int)ev->decision.strategy;
	op.step = ev->decision.step;
	op.candidates = ev->decision.candidates;
	op.waiting = ev->decision.waiting;
	op.metric = ev->decision.metric;
	op.agent_first = ev->decision.agent_first;
	op.has_fallback = ev->type == ACD_EV_CONTACT_FALLBACK;
	op.cause = (int)ev->cause;
	op.action = ev->fallback ? (int)ev->fallback->action : 0;
	if (ev->fallback && ev->fallback->target[0])
		str[S_FB_TARGET] = ev->fallback->target;
	return op_push(s, &op, str);
}

int store_contact_save(struct store *s, struct store_contact *c)
{
	const char *str[S_COUNT] = {NULL};
	struct op op = {.kind = OP_CONTACT_SAVE};
	int err;

	if (!s || !c || !c->id || (unsigned)c->channel >= ACD_CH_COUNT ||
	    (c->key && c->key >= s->next_key))
		return EINVAL;
	str[S_TENANT] = c->tenant;
	str[S_QUEUE] = c->queue;
	str[S_REASON] = c->attributes;
	str[S_SKILLS] = c->skills;
	str[S_PAYLOAD] = c->payload;
	str[S_SECRET] = c->secret;
	op.key = c->key ? c->key : s->next_key;
	op.contact = c->id;
	op.channel = (int)c->channel;
	op.priority = c->priority;
	op.time = c->virtual_start;
	op.vstart_ms = c->virtual_start_ms;
	op.not_before_ms = c->not_before_ms;
	op.type = (int)c->state;
	err = op_push(s, &op, str);
	if (!err && !c->key)
		c->key = s->next_key++;
	return err;
}

int store_contact_end(struct store *s, uint64_t key, const char *outcome,
                      int64_t ended_ms)
{
	const char *str[S_COUNT] = {NULL, NULL, NULL, outcome, NULL};
	struct op op = {.kind = OP_CONTACT_END, .key = key};

	if (!s || !key || !outcome || !*outcome || ended_ms < -1)
		return EINVAL;
	op.vstart_ms = ended_ms;
	return op_push(s, &op, str);
}

int store_contact_disposition(struct store *s, uint64_t key,
                              const char *disposition, const char *notes)
{
	const char *str[S_COUNT] = {NULL};
	struct op op = {.kind = OP_DISPOSITION, .key = key};

	if (!s || !key || (!disposition && !notes))
		return EINVAL;
	str[S_REASON] = disposition;
	str[S_PAYLOAD] = notes;
	return op_push(s, &op, str);
}

static sqlite3_stmt *bind_disposition(struct store *s, const struct op *o)
{
	sqlite3_stmt *st = s->set_disposition;

	sqlite3_bind_int64(st, 1, (int64_t)o->key);
	store_bind_text(st, 2, arena_get(s, o->str[S_REASON]));
	store_bind_text(st, 3, arena_get(s, o->str[S_PAYLOAD]));
	sqlite3_bind_int64(st, 4, o->wall_ms);
	return st;
}

int store_audit(struct store *s, const char *user, const char *tenant,
                const char *action, const char *object, const char *detail)
{
	const char *str[S_COUNT] = {NULL};
	struct op op = {.kind = OP_AUDIT};

	if (!s || !user || !action || !object)
		return EINVAL;
	str[S_AGENT] = user;
	str[S_TENANT] = tenant;
	str[S_QUEUE] = action;
	str[S_FB_TARGET] = object;
	str[S_REASON] = detail;
	return op_push(s, &op, str);
}

static sqlite3_stmt *bind_audit(struct store *s, const struct op *o)
{
	sqlite3_stmt *st = s->ins_audit;

	sqlite3_bind_int64(st, 1, o->wall_ms);
	store_bind_text(st, 2, arena_get(s, o->str[S_AGENT]));
	store_bind_text(st, 3, arena_get(s, o->str[S_TENANT]));
	store_bind_text(st, 4, arena_get(s, o->str[S_QUEUE]));
	store_bind_text(st, 5, arena_get(s, o->str[S_FB_TARGET]));
	store_bind_text(st, 6, arena_get(s, o->str[S_REASON]));
	return st;
}

int store_cdr(struct store *s, const struct store_cdr *c)
{
	/* tenant, caller (in S_QUEUE), agent, reason, number (S_FB_TARGET) */
	const char *str[S_COUNT] = {c ? c->tenant : NULL, c ? c->caller : NULL,
	                            c ? c->agent : NULL, c ? c->reason : NULL,
	                            c ? c->number : NULL};
	struct op op = {.kind = OP_CDR};

	if (!s || !c || c->seconds < 0)
		return EINVAL;
	op.contact = c->contact;
	op.wait = c->seconds;
	op.rtp[0] = c->caller_rtp_rx;
	op.rtp[1] = c->caller_rtp_tx;
	op.rtp[2] = c->agent_rtp_rx;
	op.rtp[3] = c->agent_rtp_tx;
	return op_push(s, &op, str);
}

size_t store_pending(const struct store *s)
{
	return s->nops;
}

int store_prepare(struct store *s)
{
	static const char ins_event[] =
	    "INSERT INTO journal (run, wall_ms, time_ms, type, contact, "
	    "tenant, queue, agent, channel, reason, wait_ms, agent_state, "
	    "agent_prev, strategy, step, candidates, waiting, metric, "
	    "agent_first, fallback_cause, fallback_action, fallback_target) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";
	static const char ins_contact[] =
	    "INSERT INTO contacts (key, run, id, tenant, queue, channel, "
	    "priority, virtual_start, attributes, state, created_ms, "
	    "updated_ms, skills, virtual_start_ms, not_before_ms, payload, "
	    "secret) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, "
	    "?13, ?14, ?15, ?16) "
	    "ON CONFLICT (key) DO UPDATE SET run = excluded.run, "
	    "id = excluded.id, tenant = excluded.tenant, "
	    "queue = excluded.queue, channel = excluded.channel, "
	    "priority = excluded.priority, "
	    "virtual_start = excluded.virtual_start, "
	    "attributes = excluded.attributes, state = excluded.state, "
	    "updated_ms = excluded.updated_ms, skills = excluded.skills, "
	    "virtual_start_ms = excluded.virtual_start_ms, "
	    "not_before_ms = excluded.not_before_ms, "
	    "payload = excluded.payload, secret = excluded.secret";
	static const char ins_run[] =
	    "INSERT OR IGNORE INTO contact_runs (run, id, key) "
	    "VALUES (?1, ?2, ?3)";
	/* ?3 NULL: when it was last heard of, its last event or save */
	static const char end_contact[] =
	    "UPDATE contacts SET outcome = ?2, state = 'ended', "
	    "ended_ms = coalesce(?3, (SELECT max(j.wall_ms) FROM journal j "
	    "JOIN contact_runs r ON j.run = r.run AND j.contact = r.id "
	    "WHERE r.key = ?1), updated_ms), updated_ms = ?4 WHERE key = ?1";
	static const char ins_cdr[] =
	    "INSERT INTO calls (run, wall_ms, contact, tenant, caller, number, "
	    "agent, reason, seconds, caller_rtp_rx, caller_rtp_tx, "
	    "agent_rtp_rx, agent_rtp_tx) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10, ?11, ?12, ?13)";
	int rc;

	if (!s->run)
		return 0; /* read-only: nothing to write */
	rc = sqlite3_prepare_v3(s->db, ins_event, -1, SQLITE_PREPARE_PERSISTENT,
	                        &s->ins_event, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(s->db, ins_contact, -1,
		                        SQLITE_PREPARE_PERSISTENT,
		                        &s->ins_contact, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(s->db, ins_run, -1,
		                        SQLITE_PREPARE_PERSISTENT, &s->ins_run,
		                        NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(s->db, end_contact, -1,
		                        SQLITE_PREPARE_PERSISTENT,
		                        &s->end_contact, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(
		    s->db,
		    "INSERT INTO messages (contact, seq, wall_ms, sender, "
		    "agent, "
		    "client_id, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		    -1, SQLITE_PREPARE_PERSISTENT, &s->ins_message, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(s->db,
		                        "UPDATE contacts SET disposition = "
		                        "coalesce(?2, disposition), "
		                        "notes = coalesce(?3, notes), "
		                        "updated_ms = ?4 WHERE key = ?1",
		                        -1, SQLITE_PREPARE_PERSISTENT,
		                        &s->set_disposition, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(
		    s->db,
		    "INSERT INTO audit (wall_ms, user, tenant, action, object, "
		    "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		    -1, SQLITE_PREPARE_PERSISTENT, &s->ins_audit, NULL);
	if (rc == SQLITE_OK)
		rc = store_prepare_recording(s);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(s->db, ins_cdr, -1,
		                        SQLITE_PREPARE_PERSISTENT, &s->ins_cdr,
		                        NULL);
	return rc == SQLITE_OK ? 0 : store_fail(s, "prepare", rc);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_int(sqlite3_stmt *st, int i, bool present, int64_t v)
{
	if (present)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Bind an event's decision, agent state and fallback (?12..?22). */
static void bind_event_detail(const struct store *s, sqlite3_stmt *st,
                              const struct op *o)
{
	bind_text(st, 12,
	          o->has_agent_state ? acd_agent_state_name(o->agent_state)
	                             : NULL);
	bind_text(st, 13,
	          o->has_agent_state ? acd_agent_state_name(o->agent_prev)
	                             : NULL);
	bind_text(st, 14,
	          o->has_decision ? acd_strategy_name(o->strategy) : NULL);
	bind_int(st, 15, o->has_decision, o->step);
	bind_int(st, 16, o->has_decision, o->candidates);
	bind_int(st, 17, o->has_decision, o->waiting);
	bind_int(st, 18, o->has_decision, o->metric);
	bind_int(st, 19, o->has_decision, o->agent_first);
	bind_text(st, 20,
	          o->has_fallback ? acd_fallback_cause_name(o->cause) : NULL);
	bind_text(st, 21,
	          o->has_fallback ? acd_fallback_action_name(o->action) : NULL);
	bind_text(st, 22, arena_get(s, o->str[S_FB_TARGET]));
}

static sqlite3_stmt *bind_event(struct store *s, const struct op *o)
{
	sqlite3_stmt *st = s->ins_event;
	bool c = o->contact != 0;

	sqlite3_bind_int64(st, 1, (int64_t)s->run);
	sqlite3_bind_int64(st, 2, o->wall_ms);
	sqlite3_bind_int64(st, 3, o->time);
	bind_text(st, 4,
	          o->kind == OP_NOTE ? arena_get(s, o->str[S_SKILLS])
	                             : acd_event_name(o->type));
	bind_int(st, 5, c, (int64_t)o->contact);
	bind_text(st, 6, arena_get(s, o->str[S_TENANT]));
	bind_text(st, 7, arena_get(s, o->str[S_QUEUE]));
	bind_text(st, 8, arena_get(s, o->str[S_AGENT]));
	bind_text(st, 9, c ? acd_channel_name(o->channel) : NULL);
	bind_text(st, 10, arena_get(s, o->str[S_REASON]));
	bind_int(st, 11, c, o->wait);
	bind_event_detail(s, st, o);
	return st;
}

static sqlite3_stmt *bind_contact(struct store *s, const struct op *o)
{
	sqlite3_stmt *st;

	if (o->kind == OP_CONTACT_END) {
		st = s->end_contact;
		sqlite3_bind_int64(st, 1, (int64_t)o->key);
		bind_text(st, 2, arena_get(s, o->str[S_REASON]));
		bind_int(st, 3, o->vstart_ms != STORE_END_LAST_SEEN,
		         o->vstart_ms ? o->vstart_ms : o->wall_ms);
		sqlite3_bind_int64(st, 4, o->wall_ms);
		return st;
	}
	st = s->ins_contact;
	sqlite3_bind_int64(st, 1, (int64_t)o->key);
	sqlite3_bind_int64(st, 2, (int64_t)s->run);
	sqlite3_bind_int64(st, 3, (int64_t)o->contact);
	bind_text(st, 4, arena_get(s, o->str[S_TENANT]));
	bind_text(st, 5, arena_get(s, o->str[S_QUEUE]));
	bind_text(st, 6, acd_channel_name(o->channel));
	sqlite3_bind_int64(st, 7, o->priority);
	sqlite3_bind_int64(st, 8, o->time);
	bind_text(st, 9, arena_get(s, o->str[S_REASON]));
	bind_text(st, 10, store_contact_state_name(o->type));
	sqlite3_bind_int64(st, 11, o->wall_ms);
	bind_text(st, 12, arena_get(s, o->str[S_SKILLS]));
	sqlite3_bind_int64(st, 13, o->vstart_ms);
	bind_int(st, 14, o->not_before_ms != 0, o->not_before_ms);
	bind_text(st, 15, arena_get(s, o->str[S_PAYLOAD]));
	bind_text(st, 16, arena_get(s, o->str[S_SECRET]));
	return st;
}

/* A saved contact's incarnation (run, id) joins its key. */
static int write_incarnation(struct store *s, const struct op *o)
{
	sqlite3_stmt *st = s->ins_run;
	int rc;

	sqlite3_bind_int64(st, 1, (int64_t)s->run);
	sqlite3_bind_int64(st, 2, (int64_t)o->contact);
	sqlite3_bind_int64(st, 3, (int64_t)o->key);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc;
}

static sqlite3_stmt *bind_cdr(struct store *s, const struct op *o)
{
	sqlite3_stmt *st = s->ins_cdr;

	sqlite3_bind_int64(st, 1, (int64_t)s->run);
	sqlite3_bind_int64(st, 2, o->wall_ms);
	bind_int(st, 3, o->contact != 0, (int64_t)o->contact);
	bind_text(st, 4, arena_get(s, o->str[S_TENANT]));
	bind_text(st, 5, arena_get(s, o->str[S_QUEUE]));
	bind_text(st, 6, arena_get(s, o->str[S_FB_TARGET]));
	bind_text(st, 7, arena_get(s, o->str[S_AGENT]));
	bind_text(st, 8, arena_get(s, o->str[S_REASON]));
	sqlite3_bind_int64(st, 9, o->wait);
	for (int i = 0; i < 4; i++)
		sqlite3_bind_int64(st, 10 + i, (int64_t)o->rtp[i]);
	return st;
}

/* Write every buffered op inside the open transaction; SQLite's code. */
static int write_ops(struct store *s)
{
	for (size_t i = 0; i < s->nops; i++) {
		const struct op *o = &s->ops[i];
		sqlite3_stmt *st =
		    o->kind == OP_EVENT || o->kind == OP_NOTE ? bind_event(s, o)
		    : o->kind == OP_RECORDING || o->kind == OP_RECORDING_END
		        ? store_bind_recording(s, o)
		    : o->kind == OP_CDR         ? bind_cdr(s, o)
		    : o->kind == OP_MESSAGE     ? store_bind_message(s, o)
		    : o->kind == OP_DISPOSITION ? bind_disposition(s, o)
		    : o->kind == OP_AUDIT       ? bind_audit(s, o)
		                                : bind_contact(s, o);
		int rc = sqlite3_step(st);

		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (rc == SQLITE_DONE && o->kind == OP_CONTACT_SAVE)
			rc = write_incarnation(s, o);
		if (rc != SQLITE_DONE)
			return rc;
	}
	return SQLITE_OK;
}

int store_flush(struct store *s)
{
	const char *what = "flush: cannot begin";
	int rc;

	if (!s)
		return EINVAL;
	if (!s->nops)
		return 0;
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		what = "flush: cannot write";
		rc = write_ops(s);
	}
	if (rc == SQLITE_OK) {
		what = "flush: cannot commit";
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		int err = store_fail(s, what, rc);
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->flush_failures++;
		return err;
	}
	s->written += s->nops;
	s->nops = 0;
	s->alen = 0;
	return 0;
}

const char *store_arena_get(const struct store *s, uint32_t off)
{
	return arena_get(s, off);
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	bind_text(st, i, v);
}

int store_op_push(struct store *s, const struct op *op,
                  const char *const str[S_COUNT])
{
	return op_push(s, op, str);
}
