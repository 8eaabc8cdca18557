/*
 * test_store_journal.c - the journal and contacts: round trip, group
 * commit, failures that lose nothing, the bounded buffer, throughput.
 */
#include <time.h>

#include "store_fixture.h"

#define MAXROWS 64

struct rows {
	struct store_journal_entry e[MAXROWS];
	char text[MAXROWS][8][64]; /* copies of the strings we check */
	size_t n;
};

static const char *keep(struct rows *r, int i, const char *s)
{
	if (!s)
		return NULL;
	snprintf(r->text[r->n][i], sizeof(r->text[0][0]), "%s", s);
	return r->text[r->n][i];
}

static int collect(const struct store_journal_entry *e, void *arg)
{
	struct rows *r = arg;
	struct store_journal_entry *c;

	assert_true(r->n < MAXROWS);
	c = &r->e[r->n];
	*c = *e;
	c->type = keep(r, 0, e->type);
	c->tenant = keep(r, 1, e->tenant);
	c->queue = keep(r, 2, e->queue);
	c->agent = keep(r, 3, e->agent);
	c->channel = keep(r, 4, e->channel);
	c->reason = keep(r, 5, e->reason);
	c->strategy = keep(r, 6, e->strategy);
	c->fallback_target = keep(r, 7, e->fallback_target);
	c->agent_state = c->agent_prev = NULL; /* checked in the walk */
	c->fallback_cause = c->fallback_action = NULL;
	r->n++;
	return 0;
}

static void test_store_journal_round_trip(void **state)
{
	struct sfx *f = *state;
	struct acd_fallback fb = {.action = ACD_ACTION_FORWARD,
	                          .target = "+390612345"};
	struct acd_event q = sfx_event(ACD_EV_CONTACT_QUEUED, 7, 1000);
	struct acd_event o = sfx_event(ACD_EV_CONTACT_OFFERED, 7, 1500);
	struct acd_event fl = sfx_event(ACD_EV_CONTACT_FALLBACK, 7, 2000);
	struct acd_event other = sfx_event(ACD_EV_CONTACT_QUEUED, 8, 1200);
	struct rows r = {0};

	o.agent = 3;
	o.reason = "longest-idle";
	o.decision = (struct acd_decision){.strategy = ACD_STRAT_ROUND_ROBIN,
	                                   .step = 2,
	                                   .candidates = 5,
	                                   .waiting = 4,
	                                   .metric = -42,
	                                   .agent_first = true};
	fl.cause = ACD_FALLBACK_MAX_WAIT;
	fl.fallback = &fb;
	sfx_open(f, NULL);
	assert_int_equal(
	    store_journal_append(f->store, &q, "asl", "covid", NULL), 0);
	assert_int_equal(
	    store_journal_append(f->store, &other, "asl", "x", NULL), 0);
	assert_int_equal(
	    store_journal_append(f->store, &o, "asl", "covid", "maria"), 0);
	assert_int_equal(
	    store_journal_append(f->store, &fl, "asl", "covid", NULL), 0);
	/* not committed yet: nothing to read */
	assert_int_equal(store_journal_read(f->store, 0, 7, collect, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(store_flush(f->store), 0);
	assert_int_equal(store_journal_read(f->store, 0, 7, collect, &r), 0);

	assert_int_equal(r.n, 3);
	assert_true(r.e[0].seq < r.e[1].seq && r.e[1].seq < r.e[2].seq);
	assert_string_equal(r.e[0].type, "contact-queued");
	assert_int_equal(r.e[0].run, 1);
	assert_int_equal(r.e[0].time, 1000);
	assert_int_equal(r.e[0].contact, 7);
	assert_string_equal(r.e[0].tenant, "asl");
	assert_string_equal(r.e[0].queue, "covid");
	assert_null(r.e[0].agent);
	assert_string_equal(r.e[0].channel, "chat");
	assert_string_equal(r.e[0].reason, "arrival");
	assert_int_equal(r.e[0].wait, 500);
	assert_false(r.e[0].has_decision);
	assert_null(r.e[0].strategy);
	assert_true(r.e[0].wall_ms > 1600000000000LL);

	assert_string_equal(r.e[1].type, "contact-offered");
	assert_string_equal(r.e[1].agent, "maria");
	assert_string_equal(r.e[1].reason, "longest-idle");
	assert_true(r.e[1].has_decision);
	assert_string_equal(r.e[1].strategy, "round-robin");
	assert_int_equal(r.e[1].step, 2);
	assert_int_equal(r.e[1].candidates, 5);
	assert_int_equal(r.e[1].waiting, 4);
	assert_int_equal(r.e[1].metric, -42);
	assert_true(r.e[1].agent_first);
	assert_null(r.e[1].fallback_target);

	assert_string_equal(r.e[2].type, "contact-fallback");
	assert_false(r.e[2].has_decision);
	assert_string_equal(r.e[2].fallback_target, "+390612345");
}

static int check_fallback(const struct store_journal_entry *e, void *arg)
{
	(void)arg;
	if (strcmp(e->type, "contact-fallback"))
		return 0;
	assert_string_equal(e->fallback_cause, "max-wait");
	assert_string_equal(e->fallback_action, "forward");
	return 1; /* stops the walk, returned */
}

static void test_store_journal_agent_state(void **state)
{
	struct sfx *f = *state;
	struct acd_fallback fb = {.action = ACD_ACTION_FORWARD};
	struct acd_event a = sfx_event(ACD_EV_AGENT_STATE, 0, 10);
	struct acd_event fl = sfx_event(ACD_EV_CONTACT_FALLBACK, 9, 20);
	sqlite3 *db;

	a.agent_state = ACD_AGENT_NOT_READY;
	a.agent_prev = ACD_AGENT_READY;
	a.reason = "lunch";
	fl.cause = ACD_FALLBACK_MAX_WAIT;
	fl.fallback = &fb;
	sfx_open(f, NULL);
	assert_int_equal(
	    store_journal_append(f->store, &a, "asl", NULL, "luca"), 0);
	assert_int_equal(store_journal_append(f->store, &fl, NULL, NULL, NULL),
	                 0);
	assert_int_equal(store_flush(f->store), 0);
	assert_int_equal(
	    store_journal_read(f->store, 0, 9, check_fallback, NULL), 1);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM journal WHERE "
	                             "agent_state = 'not-ready' AND "
	                             "agent_prev = 'ready' AND agent = 'luca' "
	                             "AND contact IS NULL AND channel IS NULL "
	                             "AND reason = 'lunch'"),
	                 1);
	/* an empty target is no target */
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM journal WHERE "
	                             "fallback_target IS NULL"),
	                 2);
	sqlite3_close(db);
}

static void test_store_group_commit(void **state)
{
	struct sfx *f = *state;
	struct store_stats st;
	struct acd_event ev;
	sqlite3 *db;
	uint64_t before;

	sfx_open(f, NULL);
	store_stats(f->store, &st);
	before = st.commits;
	for (int i = 0; i < 500; i++) {
		ev = sfx_event(ACD_EV_CONTACT_QUEUED, 1 + (uint64_t)i, i);
		assert_int_equal(
		    store_journal_append(f->store, &ev, "t", "q", NULL), 0);
		if (i % 2 == 0)
			assert_int_equal(
			    store_contact_save(
			        f->store,
			        &(struct store_contact){.id = 1 + (uint64_t)i}),
			    0);
	}
	assert_int_equal(store_pending(f->store), 750);
	store_stats(f->store, &st);
	assert_int_equal(st.commits, before); /* nothing written yet */
	assert_int_equal(store_flush(f->store), 0);
	store_stats(f->store, &st);
	assert_int_equal(st.commits, before + 1);
	assert_int_equal(st.written, 750);
	assert_int_equal(st.pending, 0);
	/* an empty flush commits nothing */
	assert_int_equal(store_flush(f->store), 0);
	store_stats(f->store, &st);
	assert_int_equal(st.commits, before + 1);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM journal"), 500);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts"), 250);
	sqlite3_close(db);
}

/* Append n events for contacts 1..3, times from t0. */
static void append_n(struct store *s, int n, acd_time_t t0)
{
	for (int i = 0; i < n; i++) {
		struct acd_event ev = sfx_event(ACD_EV_CONTACT_QUEUED,
		                                1 + (uint64_t)i % 3, t0 + i);
		assert_int_equal(store_journal_append(s, &ev, "t", "q", NULL),
		                 0);
	}
}

static void test_store_flush_locked_loses_nothing(void **state)
{
	struct sfx *f = *state;
	sqlite3 *db;

	sfx_open(f, &(struct store_params){.busy_ms = -1});
	append_n(f->store, 10, 0);
	assert_int_equal(store_flush(f->store), 0);
	append_n(f->store, 20, 100);
	db = sfx_raw(f->path);
	sfx_exec(db, "BEGIN EXCLUSIVE");
	assert_int_equal(store_flush(f->store), EBUSY);
	assert_non_null(strstr(store_errmsg(f->store), f->path));
	assert_non_null(strstr(store_errmsg(f->store), "locked"));
	assert_int_equal(store_pending(f->store), 20);
	append_n(f->store, 5, 200); /* still accepted meanwhile */
	assert_int_equal(store_flush(f->store), EBUSY);
	sfx_exec(db, "COMMIT");

	assert_int_equal(store_flush(f->store), 0);
	assert_int_equal(store_pending(f->store), 0);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM journal"), 35);
	assert_int_equal(
	    sfx_int(db, "SELECT count(DISTINCT time_ms) FROM journal"), 35);
	/* in order: seq grows with the time appended */
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM journal a JOIN "
	                             "journal b ON a.seq < b.seq AND "
	                             "a.time_ms > b.time_ms"),
	                 0);
	sqlite3_close(db);
}

/* A failure midway through the transaction (a row refused by a trigger,
 * as a full disk would refuse it) rolls back everything written before. */
static void test_store_flush_fails_midway(void **state)
{
	struct sfx *f = *state;
	struct store_stats st;
	sqlite3 *db;

	sfx_open(f, NULL);
	db = sfx_raw(f->path);
	sfx_exec(db, "CREATE TRIGGER refuse BEFORE INSERT ON journal WHEN "
	             "NEW.time_ms = 50 BEGIN SELECT RAISE(ABORT, 'disk says "
	             "no'); END");
	append_n(f->store, 40, 20); /* times 20..59: 30 rows go before 50 */
	assert_int_not_equal(store_flush(f->store), 0);
	assert_non_null(strstr(store_errmsg(f->store), "disk says no"));
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM journal"), 0);
	assert_int_equal(store_pending(f->store), 40);
	sfx_exec(db, "DROP TRIGGER refuse");

	assert_int_equal(store_flush(f->store), 0);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM journal"), 40);
	assert_int_equal(
	    sfx_int(db, "SELECT count(DISTINCT time_ms) FROM journal"), 40);
	store_stats(f->store, &st);
	assert_int_equal(st.flush_failures, 1);
	sqlite3_close(db);
}

static void test_store_buffer_bounded(void **state)
{
	struct sfx *f = *state;
	struct acd_event ev = sfx_event(ACD_EV_CONTACT_QUEUED, 1, 0);
	sqlite3 *db;

	sfx_open(f, &(struct store_params){.max_buffered = 8, .busy_ms = -1});
	append_n(f->store, 6, 0);
	assert_int_equal(
	    store_contact_save(f->store, &(struct store_contact){.id = 1}), 0);
	assert_int_equal(store_contact_end(f->store, 1, "completed", 0), 0);
	assert_int_equal(store_journal_append(f->store, &ev, "t", "q", NULL),
	                 ENOSPC);
	assert_int_equal(
	    store_contact_save(f->store, &(struct store_contact){.id = 2}),
	    ENOSPC);
	assert_int_equal(store_pending(f->store), 8);
	/* a flush that fails keeps the buffer full */
	db = sfx_raw(f->path);
	sfx_exec(db, "BEGIN EXCLUSIVE");
	assert_int_equal(store_flush(f->store), EBUSY);
	assert_int_equal(store_journal_append(f->store, &ev, "t", "q", NULL),
	                 ENOSPC);
	sfx_exec(db, "COMMIT");
	/* one that succeeds makes room */
	assert_int_equal(store_flush(f->store), 0);
	assert_int_equal(store_journal_append(f->store, &ev, "t", "q", NULL),
	                 0);
	assert_int_equal(store_flush(f->store), 0);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM journal"), 7);
	sqlite3_close(db);
}

struct seen {
	uint64_t key[8], id[8], run[8];
	char queue[8][16];
	int64_t vstart_ms[8], not_before_ms[8];
	char skills[8][16], payload[8][32], outcome[8][16];
	size_t n;
};

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int collect_contact(const struct store_contact *c, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 8);
	s->key[s->n] = c->key;
	s->id[s->n] = c->id;
	s->run[s->n] = c->run;
	s->vstart_ms[s->n] = c->virtual_start_ms;
	s->not_before_ms[s->n] = c->not_before_ms;
	copy(s->queue[s->n], sizeof(s->queue[0]), c->queue);
	copy(s->skills[s->n], sizeof(s->skills[0]), c->skills);
	copy(s->payload[s->n], sizeof(s->payload[0]), c->payload);
	copy(s->outcome[s->n], sizeof(s->outcome[0]), c->outcome);
	s->n++;
	return 0;
}

static struct store_contact chat_contact(void)
{
	return (struct store_contact){.tenant = "asl",
	                              .queue = "chat",
	                              .channel = ACD_CH_CHAT,
	                              .priority = 3,
	                              .virtual_start = 12345,
	                              .virtual_start_ms = 1700000000000,
	                              .skills = "italian:2",
	                              .attributes = "lang=it;topic=vaccine",
	                              .payload = "{\"name\":\"Ada\"}",
	                              .state = ACD_CONTACT_WAITING};
}

static void test_store_contacts_open_in_order(void **state)
{
	struct sfx *f = *state;
	struct store_contact c = chat_contact();
	struct seen seen = {0};
	sqlite3 *db;

	sfx_open(f, NULL);
	for (uint64_t id = 5; id >= 1; id--) {
		c.key = 0;
		c.id = id;
		assert_int_equal(store_contact_save(f->store, &c), 0);
		assert_int_equal(c.key, 6 - id); /* keys in creation order */
	}
	assert_int_equal(store_contact_end(f->store, 2, "completed", 0), 0);
	c.key = 1; /* saved again: moves queue, keeps its place */
	c.id = 5;
	c.queue = "covid";
	c.state = ACD_CONTACT_OFFERED;
	assert_int_equal(store_contact_save(f->store, &c), 0);
	assert_int_equal(c.key, 1);
	c.key = 99; /* never given */
	assert_int_equal(store_contact_save(f->store, &c), EINVAL);
	assert_int_equal(store_flush(f->store), 0);
	store_close(f->store);
	f->store = NULL;

	/* the next run sees the previous run's open contacts */
	sfx_open(f, NULL);
	assert_int_equal(store_contacts_open(f->store, collect_contact, &seen),
	                 0);
	assert_int_equal(seen.n, 4);
	assert_int_equal(seen.key[0], 1);
	assert_int_equal(seen.id[0], 5);
	assert_string_equal(seen.queue[0], "covid");
	assert_int_equal(seen.key[1], 3);
	assert_int_equal(seen.key[2], 4);
	assert_int_equal(seen.key[3], 5);
	assert_int_equal(seen.id[3], 1);
	assert_int_equal(seen.run[3], 1);
	assert_int_equal(seen.vstart_ms[3], 1700000000000);
	assert_int_equal(seen.not_before_ms[3], 0);
	assert_string_equal(seen.skills[3], "italian:2");
	assert_string_equal(seen.payload[3], "{\"name\":\"Ada\"}");
	assert_string_equal(seen.outcome[3], "");
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "id = 5 AND state = 'offered' AND "
	                             "priority = 3 AND virtual_start = 12345 "
	                             "AND channel = 'chat' AND attributes = "
	                             "'lang=it;topic=vaccine'"),
	                 1);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "key = 2 AND id = 4 AND outcome = "
	                             "'completed' AND state = 'ended'"),
	                 1);
	sqlite3_close(db);
}

static int count_row(const struct store_journal_entry *e, void *arg)
{
	(void)e;
	++*(size_t *)arg;
	return 0;
}

/* A contact recovered in a later run keeps its key and place; its story is
 * the journal of both incarnations; a new contact takes the next key. */
static void test_store_contact_incarnations(void **state)
{
	struct sfx *f = *state;
	struct store_contact c = chat_contact();
	struct acd_event ev;
	struct seen got = {0};
	size_t n = 0;
	sqlite3 *db;

	sfx_open(f, NULL);
	c.id = 7;
	assert_int_equal(store_contact_save(f->store, &c), 0); /* key 1 */
	ev = sfx_event(ACD_EV_CONTACT_QUEUED, 7, 10);
	assert_int_equal(
	    store_journal_append(f->store, &ev, "asl", "chat", NULL), 0);
	c.key = 0;
	c.id = 8;
	c.channel = ACD_CH_VOICE;
	assert_int_equal(store_contact_save(f->store, &c), 0); /* key 2 */
	ev = sfx_event(ACD_EV_CONTACT_QUEUED, 8, 20);
	assert_int_equal(
	    store_journal_append(f->store, &ev, "asl", "chat", NULL), 0);
	assert_int_equal(store_flush(f->store), 0);
	store_close(f->store);

	/* run 2: the chat comes back as engine contact 1, the call ends as
	 * interrupted when it was last heard of */
	f->store = NULL;
	sfx_open(f, NULL);
	c = chat_contact();
	c.key = 1;
	c.id = 1;
	assert_int_equal(store_contact_save(f->store, &c), 0);
	ev = sfx_event(ACD_EV_CONTACT_OFFERED, 1, 30);
	assert_int_equal(
	    store_journal_append(f->store, &ev, "asl", "chat", "a1"), 0);
	assert_int_equal(
	    store_contact_end(f->store, 2, "interrupted", STORE_END_LAST_SEEN),
	    0);
	c.key = 0;
	c.id = 2;
	assert_int_equal(store_contact_save(f->store, &c), 0);
	assert_int_equal(c.key, 3);
	assert_int_equal(store_flush(f->store), 0);

	assert_int_equal(store_contact_journal(f->store, 1, count_row, &n), 0);
	assert_int_equal(n, 2); /* queued in run 1, offered in run 2 */
	assert_int_equal(store_contact_get(f->store, 2, collect_contact, &got),
	                 0);
	assert_string_equal(got.outcome[0], "interrupted");
	assert_int_equal(store_contact_get(f->store, 1, collect_contact, &got),
	                 0);
	assert_int_equal(got.run[1], 2);
	assert_int_equal(got.id[1], 1);
	assert_int_equal(store_contact_get(f->store, 42, collect_contact, &got),
	                 ENOENT);
	db = sfx_raw(f->path);
	/* ended when its event was appended, not at the restart */
	assert_int_equal(sfx_int(db, "SELECT c.ended_ms = j.wall_ms FROM "
	                             "contacts c, journal j WHERE c.key = 2 "
	                             "AND j.run = 1 AND j.contact = 8"),
	                 1);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contact_runs"), 4);
	sqlite3_close(db);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Not an assertion of speed: the figure docs/store.md quotes. */
/* A call detail record is written with the journal, every field kept. */
static void test_store_cdr(void **state)
{
	struct sfx *f = *state;
	struct store_cdr c = {.contact = 7,
	                      .tenant = "demo",
	                      .caller = "0612345678",
	                      .number = "800",
	                      .agent = "agent1",
	                      .reason = "agent-hangup",
	                      .seconds = 42,
	                      .caller_rtp_rx = 1,
	                      .caller_rtp_tx = 2,
	                      .agent_rtp_rx = 3,
	                      .agent_rtp_tx = 4};
	sqlite3 *db;

	sfx_open(f, NULL);
	assert_int_equal(store_cdr(f->store, &c), 0);
	c.contact = 0; /* a call that never reached a queue */
	c.agent = NULL;
	assert_int_equal(store_cdr(f->store, &c), 0);
	assert_int_equal(store_cdr(f->store, NULL), EINVAL);
	assert_int_equal(store_flush(f->store), 0);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM calls"), 2);
	assert_int_equal(sfx_int(db, "SELECT seconds + caller_rtp_rx * 1000 + "
	                             "caller_rtp_tx * 10000 + agent_rtp_rx * "
	                             "100000 + agent_rtp_tx * 1000000 FROM "
	                             "calls WHERE contact = 7 AND tenant = "
	                             "'demo' AND caller = '0612345678' AND "
	                             "number = '800' AND agent = 'agent1' AND "
	                             "reason = 'agent-hangup'"),
	                 4321042);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM calls WHERE "
	                             "contact IS NULL AND agent IS NULL"),
	                 1);
	sqlite3_close(db);
}

static void test_store_throughput(void **state)
{
	struct sfx *f = *state;
	enum store_durability d[] = {STORE_DURABILITY_NORMAL,
	                             STORE_DURABILITY_FULL};
	const int flushes = 50, batch = 1000;

	for (int k = 0; k < 2; k++) {
		double t0;

		sfx_open(f, &(struct store_params){.durability = d[k]});
		t0 = seconds();
		for (int i = 0; i < flushes; i++) {
			append_n(f->store, batch, (acd_time_t)i * batch);
			assert_int_equal(store_flush(f->store), 0);
		}
		fprintf(stderr,
		        "store: durability=%s batch=%d events=%d "
		        "events_per_s=%.0f\n",
		        k ? "full" : "normal", batch, flushes * batch,
		        flushes * batch / (seconds() - t0));
		store_close(f->store);
		f->store = NULL;
	}
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, sfx_setup, sfx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_store_journal_round_trip),
	    T(test_store_journal_agent_state),
	    T(test_store_group_commit),
	    T(test_store_flush_locked_loses_nothing),
	    T(test_store_flush_fails_midway),
	    T(test_store_buffer_bounded),
	    T(test_store_contacts_open_in_order),
	    T(test_store_contact_incarnations),
	    T(test_store_cdr),
	    T(test_store_throughput),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
