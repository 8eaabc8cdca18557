/*
 * test_store_open.c - opening: WAL, migrations once, newer schemas and
 * broken files refused with clear errors; online backup.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "store_fixture.h"

static void test_store_migrates_once(void **state)
{
	struct sfx *f = *state;
	sqlite3 *db;
	int64_t applied;

	sfx_open(f, NULL);
	assert_int_equal(store_run(f->store), 1);
	store_close(f->store);
	f->store = NULL;

	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM schema_version"),
	                 STORE_SCHEMA_VERSION);
	applied = sfx_int(db, "SELECT max(applied_ms) FROM schema_version");
	sfx_exec(db, "PRAGMA journal_mode"); /* reads, does not change */
	sqlite3_close(db);

	/* re-open: nothing applied again, a new run */
	sfx_open(f, NULL);
	assert_int_equal(store_run(f->store), 2);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM schema_version"),
	                 STORE_SCHEMA_VERSION);
	assert_int_equal(
	    sfx_int(db, "SELECT max(applied_ms) FROM schema_version"), applied);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM runs"), 2);
	/* WAL is a property of the file: a new connection sees it */
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM "
	                             "pragma_journal_mode WHERE "
	                             "journal_mode = 'wal'"),
	                 1);
	sqlite3_close(db);
}

static void test_store_refuses_newer_schema(void **state)
{
	struct sfx *f = *state;
	char err[512] = "";
	sqlite3 *db;

	sfx_open(f, NULL);
	store_close(f->store);
	f->store = NULL;
	db = sfx_raw(f->path);
	sfx_exec(db, "INSERT INTO schema_version VALUES (99, 0)");
	sqlite3_close(db);

	assert_int_equal(store_open(&f->store, f->path, NULL, err, sizeof(err)),
	                 EPROTO);
	assert_null(f->store);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "99 is newer"));
	/* and it was not touched: no run started */
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM runs"), 1);
	sqlite3_close(db);
}

static void test_store_refuses_garbage(void **state)
{
	struct sfx *f = *state;
	char err[512] = "";
	FILE *fp;

	sfx_open(f, NULL); /* creates var/ */
	store_close(f->store);
	f->store = NULL;
	unlink(f->path);
	assert_non_null(fp = fopen(f->path, "w"));
	for (int i = 0; i < 512; i++)
		fputs("this is not a database ", fp);
	fclose(fp);

	assert_int_equal(store_open(&f->store, f->path, NULL, err, sizeof(err)),
	                 EBADMSG);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "not a database"));
}

static void test_store_unwritable_dir(void **state)
{
	struct sfx *f = *state;
	char err[512] = "", path[160];
	FILE *fp;

	/* the parent "directory" is a regular file: cannot be created */
	snprintf(path, sizeof(path), "%s/blocker", f->dir);
	assert_non_null(fp = fopen(path, "w"));
	fclose(fp);
	snprintf(path, sizeof(path), "%s/blocker/var/x.db", f->dir);
	assert_int_equal(store_open(&f->store, path, NULL, err, sizeof(err)),
	                 ENOTDIR);
	assert_non_null(strstr(err, "blocker"));
}

static int count_event(const struct store_journal_entry *e, void *arg)
{
	(void)e;
	++*(int *)arg;
	return 0;
}

static void test_store_backup_copies(void **state)
{
	struct sfx *f = *state;
	char dest[160];
	struct acd_event ev;
	sqlite3 *db;
	int n = 0;

	sfx_open(f, NULL);
	for (int i = 0; i < 300; i++) {
		ev = sfx_event(ACD_EV_CONTACT_QUEUED, 1 + (uint64_t)i % 3, i);
		assert_int_equal(
		    store_journal_append(f->store, &ev, "t", "q", NULL), 0);
	}
	assert_int_equal(store_flush(f->store), 0);
	/* buffered, not committed: not in the copy */
	ev = sfx_event(ACD_EV_CONTACT_QUEUED, 1, 1000);
	assert_int_equal(store_journal_append(f->store, &ev, "t", "q", NULL),
	                 0);

	/* another writer mid-transaction: the copy goes on, without it */
	db = sfx_raw(f->path);
	sfx_exec(db, "BEGIN EXCLUSIVE");
	sfx_exec(db, "DELETE FROM journal WHERE contact = 1");
	snprintf(dest, sizeof(dest), "%s/backup.db", f->dir);
	assert_int_equal(store_backup(f->store, dest), 0);
	sfx_exec(db, "ROLLBACK");
	sqlite3_close(db);
	db = sfx_raw(dest);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM journal"), 300);
	assert_int_equal(
	    sfx_int(db, "SELECT count(*) FROM journal WHERE contact = 2"), 100);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM schema_version"),
	                 STORE_SCHEMA_VERSION);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM "
	                             "pragma_integrity_check WHERE "
	                             "integrity_check = 'ok'"),
	                 1);
	sqlite3_close(db);
	snprintf(dest, sizeof(dest), "%s/backup.db.tmp", f->dir);
	assert_int_not_equal(access(dest, F_OK), 0);

	/* the copy is a store: a read-only open reads the journal */
	store_close(f->store);
	f->store = NULL;
	snprintf(f->path, sizeof(f->path), "%s/backup.db", f->dir);
	sfx_open(f, &(struct store_params){.read_only = true});
	assert_int_equal(store_journal_read(f->store, 1, 3, count_event, &n),
	                 0);
	assert_int_equal(n, 100);
	assert_int_equal(store_journal_append(f->store, &ev, NULL, NULL, NULL),
	                 EACCES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_store_migrates_once, sfx_setup,
	                                    sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_store_refuses_newer_schema,
	                                    sfx_setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_store_refuses_garbage,
	                                    sfx_setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_store_unwritable_dir,
	                                    sfx_setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_store_backup_copies, sfx_setup,
	                                    sfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
