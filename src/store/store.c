/*
 * store.c - opening the database: WAL, migrations, runs; backup; errors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/store_int.h"

/*
 * The schema, one migration per version: migrations[i] takes a database
 * from version i to i + 1. Append only; never edit one that has shipped,
 * since files in the field already ran it.
 */
/* The customer of a contact row R (schema 11): the first of its
 * payload's number, email or from, else the "from=" of its attributes;
 * a number without its spaces, dashes, dots and brackets, an address in
 * lower case. */
/* SQL assembled from pieces: kept as written */
/* clang-format off */
#define CUSTOMER_CLEAN(x)                                                \
	"nullif(lower(replace(replace(replace(replace(replace(trim(" x      \
	"), ' ', ''), '-', ''), '.', ''), '(', ''), ')', '')), '')"
#define CUSTOMER_JSON(R, f)                                              \
	"CASE WHEN json_valid(" R ".payload) AND json_type(" R           \
	".payload, '$." f "') = 'text' THEN json_extract(" R ".payload, '$." \
	f "') END"
#define CUSTOMER_ATTR(R)                                                 \
	"CASE WHEN instr(';' || " R ".attributes, ';from=') > 0 THEN "    \
	"substr(" R ".attributes, instr(';' || " R ".attributes, ';from=')" \
	" + 5, instr(substr(" R ".attributes, instr(';' || " R             \
	".attributes, ';from=') + 5) || ';', ';') - 1) END"
#define CUSTOMER_OF(R)                                                   \
	"coalesce(" CUSTOMER_CLEAN(CUSTOMER_JSON(R, "number")) ", "        \
	"lower(trim(" CUSTOMER_JSON(R, "email") ")), "                      \
	"lower(trim(" CUSTOMER_JSON(R, "from") ")), "                       \
	CUSTOMER_CLEAN(CUSTOMER_ATTR(R)) ")"
/* clang-format on */

static const char *const migrations[] = {
    /* 1: runs, the journal, contacts for recovery. */
    "CREATE TABLE runs (run INTEGER PRIMARY KEY,"
    " started_ms INTEGER NOT NULL);"
    "CREATE TABLE journal (seq INTEGER PRIMARY KEY, run INTEGER NOT NULL,"
    " wall_ms INTEGER NOT NULL, time_ms INTEGER NOT NULL,"
    " type TEXT NOT NULL, contact INTEGER, tenant TEXT, queue TEXT,"
    " agent TEXT, channel TEXT, reason TEXT, wait_ms INTEGER,"
    " agent_state TEXT, agent_prev TEXT, strategy TEXT, step INTEGER,"
    " candidates INTEGER, waiting INTEGER, metric INTEGER,"
    " agent_first INTEGER, fallback_cause TEXT, fallback_action TEXT,"
    " fallback_target TEXT);"
    "CREATE INDEX journal_contact ON journal (run, contact)"
    " WHERE contact IS NOT NULL;"
    "CREATE TABLE contacts (key INTEGER PRIMARY KEY, run INTEGER NOT NULL,"
    " id INTEGER NOT NULL, tenant TEXT, queue TEXT, channel TEXT NOT NULL,"
    " priority INTEGER NOT NULL, virtual_start INTEGER NOT NULL,"
    " attributes TEXT, state TEXT NOT NULL, outcome TEXT,"
    " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
    " ended_ms INTEGER, UNIQUE (run, id));"
    "CREATE INDEX contacts_open ON contacts (key) WHERE outcome IS NULL;",
    /* 2: call detail records. */
    "CREATE TABLE calls (key INTEGER PRIMARY KEY, run INTEGER NOT NULL,"
    " wall_ms INTEGER NOT NULL, contact INTEGER, tenant TEXT, caller TEXT,"
    " number TEXT, agent TEXT, reason TEXT, seconds INTEGER NOT NULL,"
    " caller_rtp_rx INTEGER, caller_rtp_tx INTEGER, agent_rtp_rx INTEGER,"
    " agent_rtp_tx INTEGER);",
    /* 3: contacts that live across runs: their key is their number for
     * life, (run, id) the engine's current incarnation, every incarnation
     * kept in contact_runs; what recovery needs to put one back. */
    "ALTER TABLE contacts ADD COLUMN skills TEXT;"
    "ALTER TABLE contacts ADD COLUMN virtual_start_ms INTEGER;"
    "ALTER TABLE contacts ADD COLUMN not_before_ms INTEGER;"
    "ALTER TABLE contacts ADD COLUMN payload TEXT;"
    "CREATE TABLE contact_runs (run INTEGER NOT NULL, id INTEGER NOT NULL,"
    " key INTEGER NOT NULL, PRIMARY KEY (run, id)) WITHOUT ROWID;"
    "CREATE INDEX contact_runs_key ON contact_runs (key);"
    "INSERT INTO contact_runs SELECT run, id, key FROM contacts;",
    /* 4: reports: the first row of a time range found by wall time, and
     * each agent's last state before it without a walk of the run. */
    "CREATE INDEX journal_wall ON journal (wall_ms);"
    "CREATE INDEX journal_agent_state ON journal (run, tenant, agent, seq)"
    " WHERE type = 'agent-state';",
    /* 5: retention: when the personal fields of an ended contact or of
     * a call were anonymised (NULL: not yet), and the rows still to do
     * found oldest first without a walk of the table. */
    "ALTER TABLE contacts ADD COLUMN anonymised_ms INTEGER;"
    "ALTER TABLE calls ADD COLUMN anonymised_ms INTEGER;"
    "CREATE INDEX contacts_retention ON contacts (ended_ms)"
    " WHERE anonymised_ms IS NULL;"
    "CREATE INDEX calls_retention ON calls (wall_ms)"
    " WHERE anonymised_ms IS NULL;",
    /* 6: conversations: the messages of a chat in order, each once per
     * sender's id (a resent message is not doubled); the hash of the
     * secret that lets a visitor back into their chat. */
    "CREATE TABLE messages (key INTEGER PRIMARY KEY,"
    " contact INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " wall_ms INTEGER NOT NULL, sender TEXT NOT NULL, agent TEXT,"
    " client_id TEXT NOT NULL, body TEXT, anonymised_ms INTEGER,"
    " UNIQUE (contact, seq), UNIQUE (contact, sender, client_id));"
    "ALTER TABLE contacts ADD COLUMN secret TEXT;",
    /* 7: what the agent recorded at wrap-up: a disposition code and
     * notes (personal data, anonymised with the rest). */
    "ALTER TABLE contacts ADD COLUMN disposition TEXT;"
    "ALTER TABLE contacts ADD COLUMN notes TEXT;",
    /* 8: rotas' overrides made at run time (a swap, a sick day), and
     * the audit log of administrative changes. */
    "CREATE TABLE rota_overrides (tenant TEXT NOT NULL,"
    " rota TEXT NOT NULL, date TEXT NOT NULL, duty TEXT NOT NULL,"
    " user TEXT, wall_ms INTEGER NOT NULL,"
    " PRIMARY KEY (tenant, rota, date)) WITHOUT ROWID;"
    "CREATE TABLE audit (key INTEGER PRIMARY KEY, wall_ms INTEGER NOT NULL,"
    " user TEXT NOT NULL, tenant TEXT, action TEXT NOT NULL,"
    " object TEXT NOT NULL, detail TEXT);",
    /* 9: e-mail: every Message-ID taken or sent, per tenant, with its
     * contact; filled by triggers in the very transaction that commits
     * the contact (its payload's message_id) or the conversation's
     * message (its client_id), so a mail is never on record without its
     * contact nor the reverse (src/store/email.c, docs/email.md). */
    "CREATE TABLE email_ids (tenant TEXT NOT NULL,"
    " message_id TEXT NOT NULL, contact INTEGER NOT NULL,"
    " wall_ms INTEGER NOT NULL, PRIMARY KEY (tenant, message_id))"
    " WITHOUT ROWID;"
    "CREATE INDEX email_ids_contact ON email_ids (contact);"
    "CREATE TRIGGER email_ids_contact AFTER INSERT ON contacts"
    " WHEN NEW.channel = 'email' AND json_valid(NEW.payload) BEGIN"
    " INSERT OR IGNORE INTO email_ids SELECT NEW.tenant, m, NEW.key,"
    " NEW.created_ms FROM (SELECT json_extract(NEW.payload,"
    " '$.message_id') AS m) WHERE typeof(m) = 'text'; END;"
    "CREATE TRIGGER email_ids_message AFTER INSERT ON messages BEGIN"
    " INSERT OR IGNORE INTO email_ids SELECT c.tenant, NEW.client_id,"
    " NEW.contact, NEW.wall_ms FROM contacts c WHERE c.key = NEW.contact"
    " AND c.channel = 'email' AND c.tenant IS NOT NULL; END;",
    /* 10: agents moved between queues at run time by a supervisor: in
     * (member 1, at priority) or out (member 0) of a queue, whatever the
     * file says, until cleared; reapplied after every reload. */
    "CREATE TABLE member_overrides (tenant TEXT NOT NULL,"
    " agent TEXT NOT NULL, queue TEXT NOT NULL, member INTEGER NOT NULL,"
    " priority INTEGER NOT NULL, user TEXT, wall_ms INTEGER NOT NULL,"
    " PRIMARY KEY (tenant, agent, queue)) WITHOUT ROWID;",
    /* 11: who a contact's customer is, for their earlier contacts
     * (src/store/customer.c): set by a trigger when the contact is first
     * written, from its number, address or caller; earlier contacts
     * filled in the same way; found by tenant and customer. */
    "ALTER TABLE contacts ADD COLUMN customer TEXT;"
    "CREATE INDEX contacts_customer ON contacts (tenant, customer, key)"
    " WHERE customer IS NOT NULL;"
    "CREATE TRIGGER contacts_customer AFTER INSERT ON contacts"
    " WHEN NEW.customer IS NULL BEGIN"
    /* clang-format off */
    " UPDATE contacts SET customer = " CUSTOMER_OF("NEW")
    " WHERE key = NEW.key; END;"
    "UPDATE contacts SET customer = " CUSTOMER_OF("contacts")
    " WHERE anonymised_ms IS NULL;",
    /* clang-format on */
    /* 12: the e-mail outbox: an agent's answer to an e-mail contact is
     * queued by a trigger in the very transaction that commits it to
     * its conversation, and stays queued until an SMTP server took it
     * (sent) or it was given up (failed), with its attempts and last
     * error; the next start sends what is queued (src/store/outbox.c,
     * docs/email.md). */
    "CREATE TABLE email_outbox (message INTEGER PRIMARY KEY,"
    " contact INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " message_id TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued',"
    " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
    " created_ms INTEGER NOT NULL, sent_ms INTEGER);"
    "CREATE INDEX email_outbox_queued ON email_outbox (message)"
    " WHERE state = 'queued';"
    "CREATE TRIGGER email_outbox_answer AFTER INSERT ON messages"
    " WHEN NEW.sender = 'agent' BEGIN"
    " INSERT INTO email_outbox (message, contact, seq, message_id,"
    " created_ms) SELECT NEW.key, NEW.contact, NEW.seq, NEW.client_id,"
    " NEW.wall_ms FROM contacts c WHERE c.key = NEW.contact"
    " AND c.channel = 'email'; END;",
    /* 13: call recordings (src/store/recording.c): one row per WAV file,
     * written when the recording ends, found by its contact's key
     * through contact_runs; retention deletes the file and clears path
     * (anonymised_ms), the row stays for the reports. */
    "CREATE TABLE recordings (key INTEGER PRIMARY KEY,"
    " run INTEGER NOT NULL, contact INTEGER NOT NULL, tenant TEXT,"
    " queue TEXT, agent TEXT, path TEXT, started_ms INTEGER NOT NULL,"
    " duration_ms INTEGER NOT NULL, wall_ms INTEGER NOT NULL,"
    " anonymised_ms INTEGER);"
    "CREATE INDEX recordings_contact ON recordings (run, contact);"
    "CREATE INDEX recordings_retention ON recordings (wall_ms)"
    " WHERE anonymised_ms IS NULL;",
};

#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))
_Static_assert(NMIGRATIONS == STORE_SCHEMA_VERSION,
               "STORE_SCHEMA_VERSION is the number of migrations");

static const char *const state_names[] = {
    "scheduled", "waiting", "offered", "connected", "wrapup", "ended",
};

const char *store_contact_state_name(enum acd_contact_state st)
{
	return (unsigned)st < sizeof(state_names) / sizeof(state_names[0])
	           ? state_names[st]
	           : "?";
}

int store_contact_state_parse(const char *name)
{
	for (size_t i = 0;
	     name && i < sizeof(state_names) / sizeof(*state_names); i++)
		if (!strcmp(name, state_names[i]))
			return (int)i;
	return -1;
}

int store_sqlite_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EBUSY;
	case SQLITE_FULL:
		return ENOSPC;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return EBADMSG;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
	case SQLITE_CANTOPEN:
		return EACCES;
	case SQLITE_NOMEM:
		return ENOMEM;
	default:
		return EIO;
	}
}

static int failf(struct store *s, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int failf(struct store *s, int err, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(s->errmsg, sizeof(s->errmsg), "%s: ", s->path);

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(s->errmsg))
		vsnprintf(s->errmsg + n, sizeof(s->errmsg) - (size_t)n, fmt,
		          ap);
	va_end(ap);
	return err;
}

int store_fail(struct store *s, const char *what, int rc)
{
	const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	if (s->db && sqlite3_errcode(s->db) != rc)
		msg = sqlite3_errstr(rc); /* errmsg belongs to another call */
	return failf(s, store_sqlite_errno(rc), "%s: %s", what, msg);
}

static int64_t real_wall_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t store_now(const struct store *s)
{
	return s->wall_ms(s->wall_arg);
}

/* mkdir -p of the directory part of path. */
static int make_parents(struct store *s)
{
	char dir[sizeof(s->path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", s->path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; p <= slash; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return failf(s, errno, "cannot create directory %s: %s",
			             dir, strerror(errno));
		*p = c;
	}
	return 0;
}

static int exec(struct store *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : store_fail(s, what, rc);
}

/* One integer from a query; *vp = 0 when it gives no row or NULL. */
static int query_int(struct store *s, const char *sql, int64_t *vp)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	*vp = 0;
	if (rc != SQLITE_OK)
		return store_fail(s, sql, rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*vp = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
	                                             : store_fail(s, sql, rc);
}

static int schema_version(struct store *s, int64_t *vp)
{
	int64_t exists;
	int err = query_int(s,
	                    "SELECT count(*) FROM sqlite_master WHERE "
	                    "type = 'table' AND name = 'schema_version'",
	                    &exists);

	if (err || !exists) {
		*vp = 0;
		return err;
	}
	err = query_int(s, "SELECT max(version) FROM schema_version", vp);
	if (!err && *vp > (int64_t)NMIGRATIONS)
		err = failf(s, EPROTO,
		            "schema version %lld is newer than this binary's "
		            "(%d): upgrade centralino",
		            (long long)*vp, STORE_SCHEMA_VERSION);
	return err;
}

/* Apply the migrations the file lacks, each with its version row. */
static int apply_migrations(struct store *s, int64_t from)
{
	char sql[96];
	int err = 0;

	for (int64_t v = from; !err && v < (int64_t)NMIGRATIONS; v++) {
		err = exec(s, migrations[v], "migration");
		snprintf(sql, sizeof(sql),
		         "INSERT INTO schema_version VALUES (%lld, %lld)",
		         (long long)v + 1, (long long)store_now(s));
		if (!err)
			err = exec(s, sql, "migration");
	}
	return err;
}

/*
 * Bring the schema up to date and start a run, in one transaction: two
 * daemons starting together cannot both migrate, and a crash midway
 * leaves the file as it was.
 */
static int migrate(struct store *s)
{
	char sql[96];
	int64_t version, next = 0;
	int err = exec(s, "BEGIN IMMEDIATE", "cannot lock for migration");

	if (err)
		return err;
	err = exec(s,
	           "CREATE TABLE IF NOT EXISTS schema_version (version "
	           "INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)",
	           "migration");
	if (!err)
		err = schema_version(s, &version);
	if (!err)
		err = apply_migrations(s, version);
	snprintf(sql, sizeof(sql), "INSERT INTO runs VALUES (NULL, %lld)",
	         (long long)store_now(s));
	if (!err)
		err = exec(s, sql, "cannot start a run");
	s->run = (uint64_t)sqlite3_last_insert_rowid(s->db);
	if (!err)
		err = query_int(
		    s, "SELECT coalesce(max(key), 0) + 1 FROM contacts", &next);
	s->next_key = (uint64_t)next;
	if (!err)
		err = exec(s, "COMMIT", "cannot commit migration");
	if (err && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

/* Switch to WAL; SQLite answers the mode in force, which may differ. */
static int wal_mode(struct store *s)
{
	sqlite3_stmt *st;
	const char *mode;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
	                            NULL);
	int err = 0;

	if (rc != SQLITE_OK)
		return store_fail(s, "cannot switch to WAL", rc);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = store_fail(s, "cannot switch to WAL", rc);
	} else {
		mode = (const char *)sqlite3_column_text(st, 0);
		if (!mode || strcmp(mode, "wal"))
			err = failf(s, EIO, "cannot switch to WAL: mode is %s",
			            mode ? mode : "unknown");
	}
	sqlite3_finalize(st);
	return err;
}

static int on_commit(void *arg)
{
	struct store *s = arg;

	s->commits++;
	return 0; /* let it commit */
}

/* Settings of the connection: WAL and durability (read-write only). */
static int configure(struct store *s, const struct store_params *p)
{
	int err;

	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, p->busy_ms < 0    ? 0
	                            : p->busy_ms == 0 ? STORE_BUSY_DEFAULT_MS
	                                              : p->busy_ms);
	sqlite3_commit_hook(s->db, on_commit, s);
	if (p->read_only)
		return 0;
	err = wal_mode(s);
	if (err)
		return err;
	return exec(s,
	            p->durability == STORE_DURABILITY_FULL
	                ? "PRAGMA synchronous = FULL"
	                : "PRAGMA synchronous = NORMAL",
	            "cannot set durability");
}

static int open_db(struct store *s, const struct store_params *p)
{
	int flags = p->read_only ? SQLITE_OPEN_READONLY
	                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int64_t version;
	int rc, err;

	if (!p->read_only && (err = make_parents(s)))
		return err;
	rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, "cannot open", rc);
	err = configure(s, p);
	if (!err && p->read_only)
		err = schema_version(s, &version);
	else if (!err)
		err = migrate(s);
	if (!err)
		err = store_prepare(s);
	return err;
}

int store_open(struct store **sp, const char *path,
               const struct store_params *p, char *err, size_t size)
{
	static const struct store_params defaults;
	struct store *s;
	int e;

	if (!sp || !path || !*path || strlen(path) >= sizeof(s->path)) {
		if (err && size)
			snprintf(err, size, "store: invalid path");
		return EINVAL;
	}
	if (!p)
		p = &defaults;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->max_buffered =
	    p->max_buffered ? p->max_buffered : STORE_BUFFER_DEFAULT;
	s->wall_ms = p->wall_ms ? p->wall_ms : real_wall_ms;
	s->wall_arg = p->wall_arg;
	e = open_db(s, p);
	if (e) {
		if (err && size)
			snprintf(err, size, "store: %s", s->errmsg);
		s->max_buffered = 0; /* nothing to flush */
		store_close(s);
		return e;
	}
	*sp = s;
	return 0;
}

int store_close(struct store *s)
{
	int err;

	if (!s)
		return 0;
	err = s->nops ? store_flush(s) : 0;
	sqlite3_finalize(s->ins_event);
	sqlite3_finalize(s->ins_contact);
	sqlite3_finalize(s->end_contact);
	sqlite3_finalize(s->ins_run);
	sqlite3_finalize(s->ins_cdr);
	sqlite3_finalize(s->ins_message);
	sqlite3_finalize(s->set_disposition);
	sqlite3_finalize(s->ins_audit);
	sqlite3_finalize(s->ins_recording);
	sqlite3_finalize(s->end_recording);
	sqlite3_close(s->db); /* statements finalized: cannot be busy */
	store_buffer_free(s);
	free(s);
	return err;
}

const char *store_errmsg(const struct store *s)
{
	return s ? s->errmsg : "";
}

uint64_t store_run(const struct store *s)
{
	return s->run;
}

void store_stats(const struct store *s, struct store_stats *st)
{
	st->commits = s->commits;
	st->written = s->written;
	st->flush_failures = s->flush_failures;
	st->pending = s->nops;
	st->max_buffered = s->max_buffered;
}

/* Copy s->db into the file tmp in one step: one read transaction. */
static int backup_into(struct store *s, const char *tmp)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc = sqlite3_open_v2(
	    tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

	if (rc == SQLITE_OK) {
		b = sqlite3_backup_init(dst, "main", s->db, "main");
		if (!b) {
			rc = sqlite3_errcode(dst);
		} else {
			rc = sqlite3_backup_step(b, -1);
			sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? sqlite3_errcode(dst) : rc;
		}
	}
	if (rc != SQLITE_OK)
		failf(s, store_sqlite_errno(rc), "backup to %s: %s", tmp,
		      dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	if (sqlite3_close(dst) != SQLITE_OK && rc == SQLITE_OK)
		rc = SQLITE_IOERR;
	return rc == SQLITE_OK ? 0 : store_sqlite_errno(rc);
}

int store_backup(struct store *s, const char *dest)
{
	char tmp[512];
	int err;

	if (!dest || !*dest ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", dest) >= sizeof(tmp))
		return failf(s, EINVAL, "backup: invalid destination");
	remove(tmp);
	err = backup_into(s, tmp);
	if (!err && rename(tmp, dest))
		err = failf(s, errno, "backup: cannot rename %s to %s: %s", tmp,
		            dest, strerror(errno));
	if (err)
		remove(tmp);
	return err;
}
