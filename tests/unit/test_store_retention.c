/*
 * test_store_retention.c - personal data anonymised after the period:
 * which rows, which fields, the recordings deleted, bounded batches in
 * age order, and the rows left alone; the configuration's section.
 */
#include <sys/stat.h>

#include "config_fixture.h"
#include "store_fixture.h"

#define DAY (86400000LL)
#define T0  (1767225600000LL) /* 2026-01-01T00:00:00Z */

static int64_t now_ms = T0;

static int64_t scripted(void *arg)
{
	(void)arg;
	return now_ms;
}

static struct store *open_scripted(struct sfx *f)
{
	const struct store_params p = {.wall_ms = scripted};

	now_ms = T0;
	return sfx_open(f, &p);
}

/* A contact of channel ch saved now with personal fields, ended at
 * ended_ms (0: left open). Returns its key. */
static uint64_t contact(struct store *s, enum acd_channel ch,
                        const char *attributes, int64_t ended_ms)
{
	static uint64_t id;
	struct store_contact c = {
	    .id = ++id,
	    .tenant = "asl",
	    .queue = "health",
	    .channel = ch,
	    .virtual_start_ms = now_ms,
	    .skills = "language-it:2",
	    .attributes = attributes,
	    .payload = "{\"name\":\"Ada\",\"topic\":\"vaccino\"}",
	    .state = ACD_CONTACT_WAITING,
	};

	assert_int_equal(store_contact_save(s, &c), 0);
	if (ended_ms)
		assert_int_equal(
		    store_contact_end(s, c.key, "completed", ended_ms), 0);
	return c.key;
}

/* A call record written at the store's clock's now. */
static void call_record(struct store *s, const char *caller)
{
	struct store_cdr c = {.contact = 1,
	                      .tenant = "asl",
	                      .caller = caller,
	                      .number = "800",
	                      .agent = "maria",
	                      .reason = "caller-hangup",
	                      .seconds = 42};

	assert_int_equal(store_cdr(s, &c), 0);
}

static int64_t col(sqlite3 *db, const char *fmt, uint64_t key)
{
	char sql[256];

	snprintf(sql, sizeof(sql), fmt, (unsigned long long)key);
	return sfx_int(db, sql);
}

static void touch(const char *path)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs("RIFF", fp);
	fclose(fp);
}

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/* Only what ended before the period: fields cleared, the rest kept. */
static void test_store_retention_fields(void **state)
{
	struct sfx *f = *state;
	struct store *s = open_scripted(f);
	struct store_retention r;
	uint64_t old, recent, open;
	sqlite3 *db;

	old = contact(s, ACD_CH_VOICE, "lang=it;from=+390612345678", T0);
	recent = contact(s, ACD_CH_CHAT, "from=ada", T0 + 50 * DAY);
	open = contact(s, ACD_CH_CHAT, "from=bruno", 0);
	call_record(s, "+390612345678"); /* at T0 */
	now_ms = T0 + 50 * DAY;
	call_record(s, "+390698765432");
	assert_int_equal(store_flush(s), 0);
	db = sfx_raw(f->path);
	/* what was written in the old one's chat and in the recent one's */
	sfx_exec(db, "INSERT INTO messages (contact, seq, wall_ms, sender, "
	             "client_id, body) VALUES (1, 1, 0, 'visitor', 'a', "
	             "'my results'), (1, 2, 0, 'agent', 'b', 'negative'), "
	             "(2, 1, 0, 'visitor', 'c', 'hello')");
	sfx_exec(db, "UPDATE contacts SET secret = 'hash'");

	now_ms = T0 + 95 * DAY;
	assert_int_equal(store_retention_step(s, 90 * DAY, 0, &r), 0);
	assert_int_equal(r.contacts, 1);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.files, 0);
	assert_false(r.more);

	/* the old contact: personal fields gone, the rest for reports */
	assert_int_equal(
	    col(db,
	        "SELECT payload IS NULL AND attributes IS NULL "
	        "AND secret IS NULL FROM contacts WHERE key = %llu",
	        old),
	    1);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM messages WHERE "
	                             "contact = 1 AND body IS NULL AND "
	                             "anonymised_ms IS NOT NULL"),
	                 2);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM messages WHERE "
	                             "contact = 2 AND body = 'hello'"),
	                 1);
	assert_int_equal(
	    col(db, "SELECT anonymised_ms FROM contacts WHERE key = %llu", old),
	    T0 + 95 * DAY);
	assert_int_equal(col(db,
	                     "SELECT queue = 'health' AND outcome = "
	                     "'completed' AND ended_ms = %llu FROM contacts "
	                     "WHERE key = 1",
	                     (uint64_t)T0),
	                 1);
	/* the recent and the open one: untouched */
	assert_int_equal(col(db,
	                     "SELECT count(*) FROM contacts WHERE key = %llu "
	                     "AND payload LIKE '%%Ada%%' AND attributes = "
	                     "'from=ada' AND anonymised_ms IS NULL",
	                     recent),
	                 1);
	assert_int_equal(col(db,
	                     "SELECT count(*) FROM contacts WHERE key = %llu "
	                     "AND attributes = 'from=bruno' AND "
	                     "anonymised_ms IS NULL",
	                     open),
	                 1);
	/* calls: the caller of the old one only; number, agent, times kept */
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM calls WHERE caller "
	                             "IS NULL AND number = '800' AND agent = "
	                             "'maria' AND seconds = 42 AND "
	                             "anonymised_ms IS NOT NULL"),
	                 1);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM calls WHERE caller "
	                             "= '+390698765432' AND anonymised_ms IS "
	                             "NULL"),
	                 1);

	/* once done, never again; the recent one's turn comes later */
	assert_int_equal(store_retention_step(s, 90 * DAY, 0, &r), 0);
	assert_int_equal(r.contacts + r.calls, 0);
	now_ms = T0 + 141 * DAY;
	assert_int_equal(store_retention_step(s, 90 * DAY, 0, &r), 0);
	assert_int_equal(r.contacts, 1);
	assert_int_equal(r.calls, 1);
	assert_int_equal(
	    sfx_int(db, "SELECT count(*) FROM contacts WHERE payload IS NULL"),
	    2);
	sqlite3_close(db);
}

/* A voicemail's recording is deleted; other channels' "file=" never. */
static void test_store_retention_recordings(void **state)
{
	struct sfx *f = *state;
	struct store *s = open_scripted(f);
	struct store_retention r;
	char dir[256], vm[300], gone[300], chat[300], attrs[400];
	uint64_t k_vm, k_gone, k_chat;
	sqlite3 *db;

	snprintf(dir, sizeof(dir), "%s/var/voicemail", f->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(vm, sizeof(vm), "%s/+3906123-1.wav", dir);
	snprintf(gone, sizeof(gone), "%s/+3906123-2.wav", dir);
	snprintf(chat, sizeof(chat), "%s/not-a-recording.wav", dir);
	touch(vm);
	touch(chat);
	snprintf(attrs, sizeof(attrs), "file=%s;from=+3906123;seconds=7", vm);
	k_vm = contact(s, ACD_CH_VOICEMAIL, attrs, T0);
	snprintf(attrs, sizeof(attrs), "from=+3906123;file=%s", gone);
	k_gone = contact(s, ACD_CH_VOICEMAIL, attrs, T0);
	snprintf(attrs, sizeof(attrs), "file=%s", chat);
	k_chat = contact(s, ACD_CH_CHAT, attrs, T0);
	assert_int_equal(store_flush(s), 0);

	now_ms = T0 + 31 * DAY;
	assert_int_equal(store_retention_step(s, 30 * DAY, 0, &r), 0);
	assert_int_equal(r.files, 1);
	assert_int_equal(r.files_failed, 0);
	assert_int_equal(r.contacts, 3); /* the one already gone too */
	assert_false(exists(vm));
	assert_true(exists(chat)); /* a chat's attributes delete nothing */
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "attributes IS NULL AND payload IS NULL"),
	                 3);
	(void)k_vm;
	(void)k_gone;
	(void)k_chat;
	sqlite3_close(db);
}

static int count_recording(const struct store_recording *g, void *arg)
{
	int *n = arg;

	*n += g->path ? 10 : 1; /* on disk: 10, deleted: 1 */
	assert_true(g->duration_ms == -1 || g->duration_ms == 42000 ||
	            g->duration_ms == 1000);
	assert_string_equal(g->queue, "health");
	return 0;
}

/* A call recording's WAV is deleted with the period and its row keeps
 * no path; a recent one stays; both are listed by their contact's key.
 * One that never ended (the daemon stopped mid-call) is deleted too, a
 * day later than an ended one would be. */
static void test_store_retention_call_recordings(void **state)
{
	struct sfx *f = *state;
	struct store *s = open_scripted(f);
	struct store_retention r;
	char dir[256], old[300], recent[300], cut[300];
	struct store_contact c = {.id = 900,
	                          .tenant = "asl",
	                          .queue = "health",
	                          .channel = ACD_CH_VOICE,
	                          .virtual_start_ms = T0,
	                          .state = ACD_CONTACT_CONNECTED};
	struct store_recording g = {.contact = 900,
	                            .tenant = "asl",
	                            .queue = "health",
	                            .agent = "maria",
	                            .started_ms = T0,
	                            .duration_ms = 42000};
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/var/recordings", f->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(old, sizeof(old), "%s/call-900-old.wav", dir);
	snprintf(recent, sizeof(recent), "%s/call-900-recent.wav", dir);
	snprintf(cut, sizeof(cut), "%s/call-900-cut.wav", dir);
	touch(old);
	touch(recent);
	touch(cut);
	assert_int_equal(store_contact_save(s, &c), 0);
	g.duration_ms = -1; /* started */
	g.path = old;
	assert_int_equal(store_recording(s, &g), 0);
	assert_int_equal(store_recording_end(s, 900, old, 42000), 0);
	g.path = cut; /* never ended */
	assert_int_equal(store_recording(s, &g), 0);
	assert_int_equal(store_flush(s), 0);
	now_ms = T0 + 20 * DAY;
	g.path = recent;
	assert_int_equal(store_recording(s, &g), 0);
	assert_int_equal(store_recording_end(s, 900, recent, 1000), 0);
	assert_int_equal(store_flush(s), 0);
	assert_int_equal(
	    store_contact_recordings(s, c.key, count_recording, &n), 0);
	assert_int_equal(n, 30);

	now_ms = T0 + 31 * DAY;
	assert_int_equal(store_retention_step(s, 30 * DAY, 0, &r), 0);
	assert_int_equal(r.files, 1);
	assert_int_equal(r.files_failed, 0);
	assert_false(exists(old));
	assert_true(exists(recent));
	assert_true(exists(cut)); /* maybe still going on: a day more */
	n = 0;
	assert_int_equal(
	    store_contact_recordings(s, c.key, count_recording, &n), 0);
	assert_int_equal(n, 21); /* the old row stays, without its file */
	now_ms = T0 + 32 * DAY;
	assert_int_equal(store_retention_step(s, 30 * DAY, 0, &r), 0);
	assert_int_equal(r.files, 1);
	assert_false(exists(cut));
	assert_true(exists(recent));
}

/* A recording that cannot be deleted keeps its row, reference and all,
 * for a later pass; the others go on. Paths with ".." are not deleted. */
static void test_store_retention_undeletable(void **state)
{
	struct sfx *f = *state;
	struct store *s = open_scripted(f);
	struct store_retention r;
	char busy[300], inner[340], attrs[400], dotdot[400];
	uint64_t k_busy, k_dots;
	sqlite3 *db;

	/* a directory: unlink() fails (EISDIR) even for root */
	snprintf(busy, sizeof(busy), "%s/var/voicemail-dir.wav", f->dir);
	assert_int_equal(mkdir(busy, 0755), 0);
	snprintf(inner, sizeof(inner), "%s/x", busy);
	touch(inner);
	snprintf(attrs, sizeof(attrs), "file=%s;from=+3906", busy);
	k_busy = contact(s, ACD_CH_VOICEMAIL, attrs, T0);
	/* escapes through "..": anonymised, the file left alone */
	snprintf(dotdot, sizeof(dotdot), "file=%s/var/../keep.wav", f->dir);
	snprintf(inner, sizeof(inner), "%s/keep.wav", f->dir);
	touch(inner);
	k_dots = contact(s, ACD_CH_VOICEMAIL, dotdot, T0 + 1);
	contact(s, ACD_CH_CHAT, "from=ada", T0 + 2);
	assert_int_equal(store_flush(s), 0);

	now_ms = T0 + 2 * DAY;
	assert_int_equal(store_retention_step(s, DAY, 0, &r), 0);
	assert_int_equal(r.files_failed, 1);
	assert_non_null(strstr(r.file_error, "voicemail-dir.wav"));
	assert_int_equal(r.contacts, 2);
	assert_int_equal(r.examined, 3);
	assert_true(exists(inner));
	db = sfx_raw(f->path);
	assert_int_equal(col(db,
	                     "SELECT anonymised_ms IS NULL AND attributes "
	                     "LIKE 'file=%%' FROM contacts WHERE key = %llu",
	                     k_busy),
	                 1);
	assert_int_equal(col(db,
	                     "SELECT anonymised_ms IS NOT NULL FROM contacts "
	                     "WHERE key = %llu",
	                     k_dots),
	                 1);
	/* once it can be deleted (a file again), the next pass takes it */
	snprintf(inner, sizeof(inner), "%s/x", busy);
	assert_int_equal(unlink(inner), 0);
	assert_int_equal(rmdir(busy), 0);
	touch(busy);
	assert_int_equal(store_retention_step(s, DAY, 0, &r), 0);
	assert_int_equal(r.files, 1);
	assert_int_equal(r.contacts, 1);
	assert_false(exists(busy));
	sqlite3_close(db);
}

/* Bounded batches, oldest first, contacts then calls; more until done. */
static void test_store_retention_batches(void **state)
{
	struct sfx *f = *state;
	struct store *s = open_scripted(f);
	struct store_retention r;
	size_t contacts = 0, calls = 0, steps = 0;
	sqlite3 *db;

	for (int i = 0; i < 1200; i++) /* ended in reverse key order */
		contact(s, ACD_CH_APP, "from=x", T0 + (1200 - i) * 1000);
	for (int i = 0; i < 300; i++)
		call_record(s, "+3906");
	assert_int_equal(store_flush(s), 0);
	now_ms = T0 + 10 * DAY;
	db = sfx_raw(f->path);

	assert_int_equal(store_retention_step(s, DAY, 500, &r), 0);
	assert_int_equal(r.contacts, 500);
	assert_int_equal(r.calls, 0);
	assert_true(r.more);
	/* the 500 that ended first: every one done ended before any other */
	assert_int_equal(
	    sfx_int(db, "SELECT max(ended_ms) < (SELECT min(ended_ms) FROM "
	                "contacts WHERE anonymised_ms IS NULL) FROM contacts "
	                "WHERE anonymised_ms IS NOT NULL"),
	    1);
	contacts = r.contacts;
	do {
		assert_int_equal(store_retention_step(s, DAY, 500, &r), 0);
		assert_true(r.contacts + r.calls <= 500);
		contacts += r.contacts;
		calls += r.calls;
		steps++;
	} while (r.more && steps < 10);
	assert_int_equal(contacts, 1200);
	assert_int_equal(calls, 300);
	assert_int_equal(steps, 3); /* 500, 200 + 300, then nothing left */
	assert_int_equal(
	    sfx_int(db, "SELECT count(*) FROM contacts WHERE anonymised_ms "
	                "IS NULL OR attributes IS NOT NULL"),
	    0);
	assert_int_equal(
	    sfx_int(db, "SELECT count(*) FROM calls WHERE caller IS NOT NULL"),
	    0);
	sqlite3_close(db);
}

/* Refusals: no period, a read-only store. */
static void test_store_retention_refused(void **state)
{
	struct sfx *f = *state;
	const struct store_params ro = {.read_only = true};
	struct store_retention r;
	struct store *w = open_scripted(f);

	assert_int_equal(store_retention_step(w, 0, 0, &r), EINVAL);
	assert_int_equal(store_retention_step(NULL, DAY, 0, &r), EINVAL);
	f->store = NULL;
	sfx_open(f, &ro);
	assert_int_equal(store_retention_step(f->store, DAY, 0, &r), EACCES);
	store_close(w);
}

#define CFG "tenants: [{name: t}]\nskills: [s]\n"

/* retention: {personal_data: D}: days parse, no section keeps for ever. */
static void test_store_retention_config(void **state)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;

	(void)state;
	assert_int_equal(
	    parse(CFG "retention: {personal_data: 90d}\n", &cfg, &errs), 0);
	assert_int_equal(cfg->retention_personal_ms, 90 * DAY);
	config_free(cfg);
	cfg = NULL;
	assert_int_equal(
	    parse(CFG "retention:\n  personal_data: 36h\n", &cfg, &errs), 0);
	assert_int_equal(cfg->retention_personal_ms, 36 * 3600000LL);
	config_free(cfg);
	cfg = NULL;
	assert_int_equal(parse(CFG, &cfg, &errs), 0);
	assert_int_equal(cfg->retention_personal_ms, 0);
	config_free(cfg);
}

static const struct vector retention_vectors[] = {
    {"too short", CFG "retention: {personal_data: 10m}\n", 3, 28,
     "retention.personal_data", "'10m' is shorter than 1h", 1},
    {"bad unit", CFG "retention: {personal_data: 90x}\n", 3, 28,
     "retention.personal_data", "bad duration '90x'; expected e.g.", 1},
    {"too long", CFG "retention: {personal_data: 4000d}\n", 3, 28,
     "retention.personal_data", "duration '4000d' is longer than", 1},
    {"missing period", CFG "retention: {}\n", 3, 12, "retention.personal_data",
     "required field 'personal_data' is missing", 1},
    {"unknown field", CFG "retention: {personal_data: 90d, calls: 1d}\n", 3, 33,
     "retention.calls", "unknown field", 1},
    {"not a mapping", CFG "retention: 90d\n", 3, 12, "retention",
     "expected a mapping", 1},
};

static void test_store_retention_config_errors(void **state)
{
	(void)state;
	for (size_t i = 0;
	     i < sizeof(retention_vectors) / sizeof(retention_vectors[0]); i++)
		check_vector(&retention_vectors[i]);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, sfx_setup, sfx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_store_retention_fields),
	    T(test_store_retention_recordings),
	    T(test_store_retention_call_recordings),
	    T(test_store_retention_undeletable),
	    T(test_store_retention_batches),
	    T(test_store_retention_refused),
	    cmocka_unit_test(test_store_retention_config),
	    cmocka_unit_test(test_store_retention_config_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
