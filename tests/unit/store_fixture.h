/*
 * store_fixture.h - a fresh directory under /tmp for each store test, a
 * raw SQLite connection to look behind the store's back, and events.
 */
#ifndef TEST_STORE_FIXTURE_H
#define TEST_STORE_FIXTURE_H

#include <errno.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"

struct sfx {
	char dir[64];   /* /tmp/store-XXXXXX */
	char path[128]; /* dir/var/centralino.db: the parent is created */
	struct store *store;
};

static inline int sfx_setup(void **state)
{
	struct sfx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/store-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/var/centralino.db", f->dir);
	*state = f;
	return 0;
}

/* rm -r path: the test directories hold files and directories only. */
static inline void sfx_rm(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char sub[512];

	if (!d) {
		unlink(path);
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path,
		                     de->d_name) < sizeof(sub))
			sfx_rm(sub);
	}
	closedir(d);
	rmdir(path);
}

static inline int sfx_teardown(void **state)
{
	struct sfx *f = *state;

	store_close(f->store);
	sfx_rm(f->dir);
	free(f);
	return 0;
}

/* Open f->path with p (may be NULL); fails the test on error. */
static inline struct store *sfx_open(struct sfx *f,
                                     const struct store_params *p)
{
	char err[512] = "";
	int e = store_open(&f->store, f->path, p, err, sizeof(err));

	if (e)
		fail_msg("store_open: %d %s", e, err);
	return f->store;
}

/* A raw connection to the same file. */
static inline sqlite3 *sfx_raw(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 1000);
	return db;
}

static inline void sfx_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

static inline int64_t sfx_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* An event of type for contact (0: none) at time t. */
static inline struct acd_event sfx_event(enum acd_event_type type,
                                         uint64_t contact, acd_time_t t)
{
	struct acd_event ev = {
	    .type = type,
	    .time = t,
	    .contact = contact,
	    .agent = ACD_NONE,
	    .queue = 0,
	    .tenant = 0,
	    .channel = ACD_CH_CHAT,
	    .reason = "arrival",
	    .wait = t / 2,
	};
	return ev;
}

#endif
