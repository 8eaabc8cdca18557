/*
 * test_desk.c - contacts that are not calls: created, carried through an
 * agent's actions, kept in the store, and put back at their place after a
 * crash; calls cut by a crash closed as interrupted.
 */
#include "store_fixture.h"

#include "desk/desk.h"

/* One daemon process: an engine with its own clock, a store, a desk. */
struct run {
	struct acd *acd;
	struct desk *desk;
	struct store *store;
	acd_time_t now; /* the engine's clock: starts anywhere */
	int64_t *wall;  /* Unix ms, shared by the runs of a test */
	uint32_t tenant, chat, small, agent;
	uint64_t offered[16]; /* engine ids offered, in order */
	size_t noffered;
};

static acd_time_t run_clock(void *arg)
{
	return ((struct run *)arg)->now;
}

static int64_t run_wall(void *arg)
{
	return *((struct run *)arg)->wall;
}

static void run_event(const struct acd_event *ev, void *arg)
{
	struct run *r = arg;

	if (ev->type == ACD_EV_CONTACT_OFFERED && r->noffered < 16)
		r->offered[r->noffered++] = ev->contact;
	desk_engine_event(r->desk, ev);
}

static void run_start(struct run *r, struct sfx *f, int64_t *wall,
                      acd_time_t clock_base, const char *chat_queue)
{
	struct acd_queue_params q = {.name = chat_queue,
	                             .strategy = ACD_STRAT_LONGEST_IDLE,
	                             .offer_timeout = 30000};
	struct acd_agent_params a = {.name = "maria"};

	memset(r, 0, sizeof(*r));
	r->now = clock_base;
	r->wall = wall;
	assert_int_equal(acd_alloc(&r->acd, run_clock, run_event, r, 7), 0);
	assert_int_equal(acd_tenant_add(r->acd, "asl", &r->tenant), 0);
	q.tenant = a.tenant = r->tenant;
	assert_int_equal(acd_queue_add(r->acd, &q, &r->chat), 0);
	q.name = "small";
	q.max_waiting = 1;
	assert_int_equal(acd_queue_add(r->acd, &q, &r->small), 0);
	assert_int_equal(acd_agent_add(r->acd, &a, &r->agent), 0);
	assert_int_equal(acd_member_add(r->acd, r->agent, r->chat, 0), 0);
	f->store = NULL;
	r->store = sfx_open(f, NULL);
	assert_int_equal(
	    desk_alloc(&r->desk, &(struct desk_params){.acd = r->acd,
	                                               .store = r->store,
	                                               .wall = run_wall,
	                                               .wall_arg = r}),
	    0);
}

/* The process dies: nothing is ended or flushed beyond what was. */
static void run_crash(struct run *r, struct sfx *f)
{
	desk_free(r->desk);
	acd_free(r->acd);
	store_close(r->store); /* buffered writes are flushed at most */
	f->store = NULL;
}

static uint64_t chat(struct run *r, uint32_t queue, const char *payload)
{
	struct desk_request rq = {
	    .channel = ACD_CH_CHAT, .queue = queue, .payload = payload};
	uint64_t key = 0;

	assert_int_equal(desk_create(r->desk, &rq, &key), 0);
	return key;
}

static void ready(struct run *r)
{
	assert_int_equal(
	    acd_agent_presence(r->acd, r->agent, ACD_PRESENCE_READY, NULL), 0);
}

/* The key of the contact last offered. */
static uint64_t offered_key(struct run *r)
{
	assert_true(r->noffered > 0);
	for (uint64_t k = 1; k < 64; k++) {
		const struct desk_contact *c = desk_find(r->desk, k);
		if (c && c->contact == r->offered[r->noffered - 1])
			return k;
	}
	fail_msg("the offered contact is not the desk's");
	return 0;
}

/* A chat goes through offer, accept, finish and wrap-up; its record ends
 * as completed with the payload kept. */
static void test_desk_chat_lifecycle(void **state)
{
	struct sfx *f = *state;
	int64_t wall = 1800000000000;
	struct run r;
	uint64_t key;
	sqlite3 *db;

	run_start(&r, f, &wall, 5000, "chat");
	key = chat(&r, r.chat, "{\"name\":\"Ada\",\"topic\":\"vaccine\"}");
	assert_int_equal(key, 1);
	assert_non_null(desk_find(r.desk, key));
	assert_int_equal(desk_find(r.desk, key)->agent, ACD_NONE);
	ready(&r);
	assert_int_equal(offered_key(&r), key);
	assert_int_equal(desk_find(r.desk, key)->agent, r.agent);
	assert_int_equal(desk_accept(r.desk, key, r.agent + 1), EPERM);
	assert_int_equal(desk_accept(r.desk, key, r.agent), 0);
	assert_int_equal(
	    acd_contact_state(r.acd, desk_find(r.desk, key)->contact),
	    ACD_CONTACT_CONNECTED);
	assert_int_equal(desk_finish(r.desk, key, r.agent), 0);
	/* no wrap-up in this queue: done, gone from the desk */
	assert_null(desk_find(r.desk, key));
	assert_int_equal(desk_finish(r.desk, key, r.agent), ENOENT);
	assert_int_equal(store_flush(r.store), 0);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "key = 1 AND outcome = 'completed' AND "
	                             "channel = 'chat' AND queue = 'chat' AND "
	                             "payload LIKE '%vaccine%'"),
	                 1);
	sqlite3_close(db);
	run_crash(&r, f);
}

/* The heart of it: chats survive a crash, come back in their order and
 * ahead of later ones, keep their keys; a cut call is closed. */
static void test_desk_recovery_keeps_place(void **state)
{
	struct sfx *f = *state;
	int64_t wall = 1800000000000;
	struct acd_contact_params call = {.channel = ACD_CH_VOICE};
	struct desk_stats st;
	struct run r;
	uint64_t k[3], id, later;
	size_t recovered = 0, orphans = 0;
	sqlite3 *db;

	run_start(&r, f, &wall, 5000, "chat");
	for (int i = 0; i < 3; i++) {
		k[i] = chat(&r, r.chat, "{}");
		r.now += 1000;
		wall += 1000;
	}
	call.queue = r.chat;
	assert_int_equal(acd_contact_add(r.acd, &call, &id), 0);
	assert_int_equal(store_flush(r.store), 0); /* the daemon's 5 ms */
	run_crash(&r, f);

	/* an hour later, a new process whose engine clock starts elsewhere */
	wall += 3600 * 1000;
	run_start(&r, f, &wall, 777, "chat");
	later = chat(&r, r.chat, "{\"later\":true}");
	assert_int_equal(later, 5); /* keys 1..3 chats, 4 the call */
	assert_int_equal(desk_recover(r.desk, &recovered, &orphans), 0);
	assert_int_equal(recovered, 3);
	assert_int_equal(orphans, 0);
	desk_stats(r.desk, &st);
	assert_int_equal(st.interrupted, 1);
	assert_int_equal(st.live, 4);
	for (int i = 0; i < 3; i++) {
		assert_non_null(desk_find(r.desk, k[i]));
		assert_true(desk_find(r.desk, k[i])->recovered);
	}
	/* the agent takes them in their original order, the later one last */
	ready(&r);
	for (int i = 0; i < 4; i++) {
		uint64_t want = i < 3 ? k[i] : later;
		assert_int_equal(offered_key(&r), want);
		assert_int_equal(desk_accept(r.desk, want, r.agent), 0);
		assert_int_equal(desk_finish(r.desk, want, r.agent), 0);
	}
	assert_int_equal(store_flush(r.store), 0);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "outcome = 'completed'"),
	                 4);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts"), 5);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "key = 4 AND channel = 'voice' AND "
	                             "outcome = 'interrupted' AND ended_ms < "
	                             "updated_ms"),
	                 1);
	/* each recovered chat's story spans both runs */
	assert_int_equal(sfx_int(db, "SELECT count(DISTINCT run) FROM "
	                             "contact_runs WHERE key = 2"),
	                 2);
	sqlite3_close(db);
	run_crash(&r, f);
}

/* A contact whose queue is gone stays stored, for a start that has it. */
static void test_desk_recovery_orphan(void **state)
{
	struct sfx *f = *state;
	int64_t wall = 1800000000000;
	struct run r;
	size_t recovered = 9, orphans = 0;

	run_start(&r, f, &wall, 5000, "chat");
	(void)chat(&r, r.chat, NULL);
	run_crash(&r, f);
	run_start(&r, f, &wall, 5000, "renamed");
	assert_int_equal(desk_recover(r.desk, &recovered, &orphans), 0);
	assert_int_equal(recovered, 0);
	assert_int_equal(orphans, 1);
	run_crash(&r, f);
	run_start(&r, f, &wall, 5000, "chat");
	assert_int_equal(desk_recover(r.desk, &recovered, &orphans), 0);
	assert_int_equal(recovered, 1);
	assert_int_equal(orphans, 0);
	assert_non_null(desk_find(r.desk, 1));
	run_crash(&r, f);
}

/* A callback due in an hour stays scheduled across a restart, due at the
 * same wall time. */
static void test_desk_callback_window(void **state)
{
	struct sfx *f = *state;
	int64_t wall = 1800000000000;
	struct desk_request rq = {.channel = ACD_CH_CALLBACK};
	struct run r;
	uint64_t key;

	run_start(&r, f, &wall, 5000, "chat");
	rq.queue = r.chat;
	rq.not_before_ms = wall + 3600 * 1000;
	rq.payload = "{\"number\":\"+390612345678\"}";
	assert_int_equal(desk_create(r.desk, &rq, &key), 0);
	ready(&r);
	assert_int_equal(r.noffered, 0);
	run_crash(&r, f);
	wall += 1800 * 1000; /* half an hour later */
	run_start(&r, f, &wall, 100, "chat");
	assert_int_equal(desk_recover(r.desk, NULL, NULL), 0);
	assert_int_equal(desk_find(r.desk, key)->not_before_ms,
	                 rq.not_before_ms);
	ready(&r);
	assert_int_equal(
	    acd_contact_state(r.acd, desk_find(r.desk, key)->contact),
	    ACD_CONTACT_SCHEDULED);
	/* 29 minutes on: still not due; 31: offered */
	r.now += 29 * 60 * 1000;
	acd_timers_run(r.acd);
	assert_int_equal(r.noffered, 0);
	r.now += 2 * 60 * 1000;
	acd_timers_run(r.acd);
	assert_int_equal(r.noffered, 1);
	assert_int_equal(offered_key(&r), key);
	run_crash(&r, f);
}

/* A callback whose customer was busy: scheduled again at its place, and
 * its count of attempts and due time survive a restart; the last attempt
 * closes it as callback-failed. */
static void test_desk_callback_retry(void **state)
{
	struct sfx *f = *state;
	int64_t wall = 1800000000000, due;
	struct desk_request rq = {.channel = ACD_CH_CALLBACK};
	const struct desk_contact *c;
	struct run r;
	uint64_t key, id;
	sqlite3 *db;

	run_start(&r, f, &wall, 5000, "chat");
	rq.queue = r.chat;
	rq.payload = "{\"number\":\"0612345678\"}";
	assert_int_equal(desk_create(r.desk, &rq, &key), 0);
	ready(&r);
	assert_int_equal(offered_key(&r), key);
	id = desk_find(r.desk, key)->contact;
	assert_ptr_equal(desk_by_contact(r.desk, id), desk_find(r.desk, key));
	/* not connected yet: refused */
	assert_int_equal(desk_callback_retry(r.desk, id, wall, "busy"), EPROTO);
	assert_int_equal(acd_offer_accept(r.acd, id, r.agent), 0);
	due = wall + 10 * 60 * 1000;
	assert_int_equal(desk_callback_retry(r.desk, id, due, "busy"), 0);
	c = desk_find(r.desk, key);
	assert_int_equal(c->attempts, 1);
	assert_int_equal(c->not_before_ms, due);
	assert_int_equal(acd_contact_state(r.acd, id), ACD_CONTACT_SCHEDULED);
	assert_int_equal(acd_agent_state(r.acd, r.agent), ACD_AGENT_READY);
	assert_int_equal(store_flush(r.store), 0);
	run_crash(&r, f);

	wall += 5 * 60 * 1000; /* back five minutes later */
	run_start(&r, f, &wall, 100, "chat");
	assert_int_equal(desk_recover(r.desk, NULL, NULL), 0);
	c = desk_find(r.desk, key);
	assert_non_null(c);
	assert_int_equal(c->attempts, 1);
	assert_int_equal(c->not_before_ms, due);
	ready(&r);
	assert_int_equal(r.noffered, 0);
	r.now += 6 * 60 * 1000;
	acd_timers_run(r.acd);
	assert_int_equal(offered_key(&r), key);
	/* the second attempt fails too, and was the last */
	id = desk_find(r.desk, key)->contact;
	assert_int_equal(acd_offer_accept(r.acd, id, r.agent), 0);
	desk_callback_attempted(r.desk, id);
	assert_int_equal(desk_find(r.desk, key)->attempts, 2);
	assert_int_equal(acd_contact_end_reason(r.acd, id, "callback-failed"),
	                 0);
	assert_null(desk_find(r.desk, key));
	assert_int_equal(store_flush(r.store), 0);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "outcome = 'callback-failed' AND "
	                             "attributes LIKE 'attempts=2%'"),
	                 1);
	sqlite3_close(db);
	run_crash(&r, f);
}

/* A store that cannot record: the client hears no and nothing waits. */
static void test_desk_store_refuses(void **state)
{
	struct sfx *f = *state;
	int64_t wall = 1800000000000;
	struct desk_request rq = {.channel = ACD_CH_APP};
	struct desk_stats st;
	struct acd_queue_stats qs;
	struct run r;
	uint64_t key = 0;
	sqlite3 *db;

	run_start(&r, f, &wall, 5000, "chat");
	store_close(r.store);
	f->store = NULL;
	r.store = sfx_open(f, &(struct store_params){.busy_ms = -1});
	desk_free(r.desk);
	assert_int_equal(
	    desk_alloc(&r.desk, &(struct desk_params){.acd = r.acd,
	                                              .store = r.store,
	                                              .wall = run_wall,
	                                              .wall_arg = &r}),
	    0);
	rq.queue = r.chat;
	db = sfx_raw(f->path);
	sfx_exec(db, "BEGIN EXCLUSIVE");
	assert_int_equal(desk_create(r.desk, &rq, &key), EIO);
	assert_int_equal(key, 0);
	desk_stats(r.desk, &st);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.live, 0);
	assert_int_equal(acd_queue_stats(r.acd, r.chat, &qs), 0);
	assert_int_equal(qs.waiting, 0);
	sfx_exec(db, "COMMIT");
	/* back: the refused one is on record as such, a new one goes in */
	assert_int_equal(desk_create(r.desk, &rq, &key), 0);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "key = 1 AND outcome = 'abandoned'"),
	                 1);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "key = 2 AND outcome IS NULL"),
	                 1);
	sqlite3_close(db);
	run_crash(&r, f);
}

/* A full queue refuses at the door; bad requests are refused whole. */
static void test_desk_refusals(void **state)
{
	struct sfx *f = *state;
	int64_t wall = 1800000000000;
	struct desk_request rq = {.channel = ACD_CH_CHAT};
	struct run r;
	uint64_t key;
	sqlite3 *db;

	run_start(&r, f, &wall, 5000, "chat");
	rq.queue = r.small;
	assert_int_equal(desk_create(r.desk, &rq, &key), 0);
	assert_int_equal(desk_create(r.desk, &rq, &key), EBUSY);
	rq.queue = 999;
	assert_int_equal(desk_create(r.desk, &rq, &key), ENOENT);
	rq.queue = r.chat;
	rq.channel = ACD_CH_VOICE;
	assert_int_equal(desk_create(r.desk, &rq, &key), EINVAL);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "key = 2 AND outcome = 'queue-full'"),
	                 1);
	sqlite3_close(db);
	assert_int_equal(desk_withdraw(r.desk, 1), 0);
	assert_null(desk_find(r.desk, 1));
	run_crash(&r, f);
}

/* A request's preferred agent reaches the engine: the e-mail goes to
 * maria, though luca has been ready for longer (longest idle). */
static void test_desk_preferred_agent(void **state)
{
	struct sfx *f = *state;
	int64_t wall = 1800000000000;
	struct acd_agent_params a = {.name = "luca"};
	struct desk_request rq = {.channel = ACD_CH_EMAIL};
	struct run r;
	uint32_t luca;
	uint64_t key;

	run_start(&r, f, &wall, 5000, "mail");
	a.tenant = r.tenant;
	assert_int_equal(acd_agent_add(r.acd, &a, &luca), 0);
	assert_int_equal(acd_member_add(r.acd, luca, r.chat, 0), 0);
	assert_int_equal(
	    acd_agent_presence(r.acd, luca, ACD_PRESENCE_READY, NULL), 0);
	r.now += 1000;
	ready(&r);
	rq.queue = r.chat;
	rq.preferred_agent = r.agent;
	rq.preferred_wait_ms = 60000;
	assert_int_equal(desk_create(r.desk, &rq, &key), 0);
	assert_int_equal(offered_key(&r), key);
	assert_int_equal(desk_find(r.desk, key)->agent, r.agent);
	assert_int_equal(acd_agent_state(r.acd, luca), ACD_AGENT_READY);
	run_crash(&r, f);
}

/* A personal callback: kept for maria from when it is due, across a
 * restart; luca, ready longer, does not get it; once its time for maria
 * is over it is anybody's, at its place. */
static void test_desk_owned_callback(void **state)
{
	struct sfx *f = *state;
	int64_t wall = 1800000000000;
	struct acd_agent_params a = {.name = "luca"};
	struct desk_request rq = {.channel = ACD_CH_CALLBACK};
	const struct desk_contact *c;
	struct run r;
	uint32_t luca;
	uint64_t key;

	run_start(&r, f, &wall, 5000, "chat");
	rq.queue = r.chat;
	rq.not_before_ms = wall + 3600 * 1000; /* in an hour */
	rq.payload = "{\"number\":\"+390612345678\"}";
	rq.attributes = "lang=it";
	rq.preferred_agent = r.agent;
	rq.preferred_wait_ms = 600 * 1000; /* ten minutes once due */
	assert_int_equal(desk_create(r.desk, &rq, &key), 0);
	c = desk_find(r.desk, key);
	assert_int_equal(c->owner, r.agent);
	assert_int_equal(c->owner_until_ms, rq.not_before_ms + 600 * 1000);
	run_crash(&r, f);

	wall += 1800 * 1000; /* restarted half an hour later */
	run_start(&r, f, &wall, 100, "chat");
	a.tenant = r.tenant;
	assert_int_equal(acd_agent_add(r.acd, &a, &luca), 0);
	assert_int_equal(acd_member_add(r.acd, luca, r.chat, 0), 0);
	assert_int_equal(desk_recover(r.desk, NULL, NULL), 0);
	c = desk_find(r.desk, key);
	assert_int_equal(c->owner, r.agent);
	assert_string_equal(c->attributes, "lang=it;owner=maria;owner_until="
	                                   "1800004200000");
	assert_int_equal(
	    acd_agent_presence(r.acd, luca, ACD_PRESENCE_READY, NULL), 0);
	assert_int_equal(
	    acd_agent_presence(r.acd, r.agent, ACD_PRESENCE_NOT_READY, "lunch"),
	    0);
	/* due; maria is logged in but not ready: kept for her */
	r.now += 31 * 60 * 1000;
	wall += 31 * 60 * 1000;
	acd_timers_run(r.acd);
	assert_int_equal(r.noffered, 0);
	/* maria comes back within her ten minutes: hers */
	r.now += 5 * 60 * 1000;
	ready(&r);
	assert_int_equal(r.noffered, 1);
	assert_int_equal(offered_key(&r), key);
	assert_int_equal(desk_find(r.desk, key)->agent, r.agent);
	/* she refuses it: the preference is used, on record too; luca */
	assert_int_equal(acd_offer_reject(r.acd, r.offered[0], r.agent), 0);
	c = desk_find(r.desk, key);
	assert_int_equal(c->owner, ACD_NONE);
	assert_string_equal(c->attributes, "lang=it");
	assert_int_equal(c->agent, luca);
	run_crash(&r, f);

	/* a preference that ran out while the daemon was down: none */
	wall += 3600 * 1000;
	run_start(&r, f, &wall, 100, "chat");
	assert_int_equal(desk_recover(r.desk, NULL, NULL), 0);
	assert_int_equal(desk_find(r.desk, key)->owner, ACD_NONE);
	run_crash(&r, f);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, sfx_setup, sfx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_desk_chat_lifecycle),  T(test_desk_recovery_keeps_place),
	    T(test_desk_recovery_orphan), T(test_desk_callback_window),
	    T(test_desk_store_refuses),   T(test_desk_refusals),
	    T(test_desk_preferred_agent), T(test_desk_owned_callback),
	    T(test_desk_callback_retry),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
