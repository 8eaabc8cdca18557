/*
 * read.c - reading back: a contact's journal, contacts open or by key.
 */
#include <errno.h>

#include "store/store_int.h"

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int64_t col_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

void store_journal_row(sqlite3_stmt *st, struct store_journal_entry *e)
{
	*e = (struct store_journal_entry){
	    .seq = (uint64_t)col_int(st, 0),
	    .run = (uint64_t)col_int(st, 1),
	    .wall_ms = col_int(st, 2),
	    .time = col_int(st, 3),
	    .type = col_text(st, 4),
	    .contact = (uint64_t)col_int(st, 5),
	    .tenant = col_text(st, 6),
	    .queue = col_text(st, 7),
	    .agent = col_text(st, 8),
	    .channel = col_text(st, 9),
	    .reason = col_text(st, 10),
	    .wait = col_int(st, 11),
	    .agent_state = col_text(st, 12),
	    .agent_prev = col_text(st, 13),
	    .has_decision = sqlite3_column_type(st, 14) != SQLITE_NULL,
	    .strategy = col_text(st, 14),
	    .step = (unsigned)col_int(st, 15),
	    .candidates = (unsigned)col_int(st, 16),
	    .waiting = (unsigned)col_int(st, 17),
	    .metric = col_int(st, 18),
	    .agent_first = col_int(st, 19) != 0,
	    .fallback_cause = col_text(st, 20),
	    .fallback_action = col_text(st, 21),
	    .fallback_target = col_text(st, 22),
	};
}

/*
 * Step st to its end, handing each row to visit; st is finalized.
 * Returns 0, what visit returned, or an errno with the message set.
 */
struct reader {
	store_journal_h *journal_h;
	store_contact_h *contact_h;
	void *arg;
};

static int walk(struct store *s, sqlite3_stmt *st,
                int (*visit)(sqlite3_stmt *st, const struct reader *r),
                const struct reader *r)
{
	int rc, ret = 0;

	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ret = visit(st, r);
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(s, "read", rc);
	sqlite3_finalize(st);
	return ret;
}

static int visit_event(sqlite3_stmt *st, const struct reader *r)
{
	struct store_journal_entry e;

	store_journal_row(st, &e);
	return r->journal_h(&e, r->arg);
}

int store_journal_read(struct store *s, uint64_t run, uint64_t contact,
                       store_journal_h *h, void *arg)
{
	static const char sql[] =
	    "SELECT seq, run, wall_ms, time_ms, type, contact, tenant, "
	    "queue, agent, channel, reason, wait_ms, agent_state, agent_prev, "
	    "strategy, step, candidates, waiting, metric, agent_first, "
	    "fallback_cause, fallback_action, fallback_target FROM journal "
	    "WHERE run = ?1 AND contact = ?2 ORDER BY seq";
	const struct reader r = {.journal_h = h, .arg = arg};
	sqlite3_stmt *st;
	int rc;

	if (!s || !h)
		return EINVAL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, "read journal", rc);
	sqlite3_bind_int64(st, 1, (int64_t)(run ? run : s->run));
	sqlite3_bind_int64(st, 2, (int64_t)contact);
	return walk(s, st, visit_event, &r);
}

#define CONTACT_COLUMNS                                                   \
	"key, run, id, tenant, queue, channel, priority, virtual_start, " \
	"attributes, state, skills, virtual_start_ms, not_before_ms, "    \
	"payload, created_ms, updated_ms, ended_ms, outcome, secret, "    \
	"disposition, notes"

static int visit_contact(sqlite3_stmt *st, const struct reader *r)
{
	struct store_contact c = {
	    .key = (uint64_t)col_int(st, 0),
	    .run = (uint64_t)col_int(st, 1),
	    .id = (uint64_t)col_int(st, 2),
	    .tenant = col_text(st, 3),
	    .queue = col_text(st, 4),
	    .channel = (enum acd_channel)acd_channel_parse(col_text(st, 5)),
	    .priority = (int)col_int(st, 6),
	    .virtual_start = col_int(st, 7),
	    .attributes = col_text(st, 8),
	    .state = (enum acd_contact_state)store_contact_state_parse(
	        col_text(st, 9)),
	    .skills = col_text(st, 10),
	    .virtual_start_ms = col_int(st, 11),
	    .not_before_ms = col_int(st, 12),
	    .payload = col_text(st, 13),
	    .created_ms = col_int(st, 14),
	    .updated_ms = col_int(st, 15),
	    .ended_ms = col_int(st, 16),
	    .outcome = col_text(st, 17),
	    .secret = col_text(st, 18),
	    .disposition = col_text(st, 19),
	    .notes = col_text(st, 20),
	};

	return r->contact_h(&c, r->arg);
}

/* Prepare sql, bind key (when non-zero) and walk it. */
static int read_contacts(struct store *s, const char *sql, uint64_t key,
                         const struct reader *r)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, "read contacts", rc);
	if (key)
		sqlite3_bind_int64(st, 1, (int64_t)key);
	return walk(s, st, r->contact_h ? visit_contact : visit_event, r);
}

int store_contacts_open(struct store *s, store_contact_h *h, void *arg)
{
	static const char sql[] = "SELECT " CONTACT_COLUMNS " FROM contacts "
	                          "WHERE outcome IS NULL ORDER BY key";
	const struct reader r = {.contact_h = h, .arg = arg};

	if (!s || !h)
		return EINVAL;
	return read_contacts(s, sql, 0, &r);
}

struct getter {
	store_contact_h *h;
	void *arg;
	bool seen;
};

static int found(const struct store_contact *c, void *arg)
{
	struct getter *g = arg;

	g->seen = true;
	return g->h(c, g->arg);
}

int store_contact_get(struct store *s, uint64_t key, store_contact_h *h,
                      void *arg)
{
	static const char sql[] = "SELECT " CONTACT_COLUMNS " FROM contacts "
	                          "WHERE key = ?1";
	struct getter g = {.h = h, .arg = arg};
	const struct reader r = {.contact_h = found, .arg = &g};
	int ret;

	if (!s || !h || !key)
		return EINVAL;
	ret = read_contacts(s, sql, key, &r);
	return !ret && !g.seen ? ENOENT : ret;
}

int store_contact_journal(struct store *s, uint64_t key, store_journal_h *h,
                          void *arg)
{
	static const char sql[] =
	    "SELECT seq, j.run, wall_ms, time_ms, type, contact, tenant, "
	    "queue, agent, channel, reason, wait_ms, agent_state, agent_prev, "
	    "strategy, step, candidates, waiting, metric, agent_first, "
	    "fallback_cause, fallback_action, fallback_target FROM journal j "
	    "JOIN contact_runs r ON j.run = r.run AND j.contact = r.id "
	    "WHERE r.key = ?1 ORDER BY seq";
	const struct reader r = {.journal_h = h, .arg = arg};

	if (!s || !h || !key)
		return EINVAL;
	return read_contacts(s, sql, key, &r);
}
