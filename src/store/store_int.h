/*
 * store_int.h - the store's internals, shared by the files of src/store/ only.
 */
#ifndef CENTRALINO_STORE_INT_H
#define CENTRALINO_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

#define NOSTR UINT32_MAX /* a NULL string in the arena */

enum op_kind {
	OP_EVENT = 0,
	OP_CONTACT_SAVE,
	OP_CONTACT_END,
	OP_CDR,
	OP_MESSAGE,
	OP_DISPOSITION,
	OP_AUDIT,
	OP_RECORDING,
	OP_RECORDING_END,
	OP_NOTE /* a channel's journal entry: its type in S_SKILLS */
};

/* Strings of one buffered write: offsets into the arena, or NOSTR. */
enum op_str {
	S_TENANT = 0,
	S_QUEUE,
	S_AGENT,
	S_REASON, /* event reason; contact attributes; end outcome */
	S_FB_TARGET,
	S_SKILLS,  /* contact skills */
	S_PAYLOAD, /* contact payload */
	S_SECRET,  /* contact secret */
	S_COUNT
};

/*
 * One buffered write. Fixed-size so the buffer is one array; strings live
 * in the arena so no length is truncated. Fields that do not apply to a
 * kind stay zero.
 */
struct op {
	enum op_kind kind;
	int64_t wall_ms;
	int64_t time; /* event time; contact virtual start */
	uint64_t contact;
	uint64_t key;          /* contact save and end */
	int64_t vstart_ms;     /* contact save; end: its time */
	int64_t not_before_ms; /* contact save */
	int64_t wait;
	int64_t metric;
	int type;    /* acd_event_type; contact state */
	int channel; /* acd_channel */
	int priority;
	int agent_state, agent_prev;
	int strategy;
	unsigned step, candidates, waiting;
	int cause, action;
	bool has_agent_state, has_decision, agent_first, has_fallback;
	uint64_t rtp[4]; /* a call record's packet counts */
	uint32_t str[S_COUNT];
};

struct store {
	sqlite3 *db;
	char path[256];
	uint64_t run;
	uint64_t next_key;             /* of the next new contact */
	int64_t (*wall_ms)(void *arg); /* the clock of rows; never NULL */
	void *wall_arg;
	size_t max_buffered;
	struct op *ops; /* buffered writes, in order */
	size_t nops, cap;
	char *arena; /* their strings, NUL-terminated */
	size_t alen, acap;
	sqlite3_stmt *ins_event, *ins_contact, *ins_run, *end_contact, *ins_cdr,
	    *ins_message, *set_disposition, *ins_audit, *ins_recording,
	    *end_recording;
	uint64_t commits, written, flush_failures;
	char errmsg[512];
};

/* Unix ms on the store's wall clock (store_params.wall_ms). */
int64_t store_now(const struct store *s);
/* The journal's columns in the order store_journal_row() reads them. */
#define STORE_JOURNAL_COLUMNS                                               \
	"seq, run, wall_ms, time_ms, type, contact, tenant, queue, agent, " \
	"channel, reason, wait_ms, agent_state, agent_prev, strategy, "     \
	"step, candidates, waiting, metric, agent_first, fallback_cause, "  \
	"fallback_action, fallback_target"
/* A journal row of st (selected as STORE_JOURNAL_COLUMNS) into *e. */
void store_journal_row(sqlite3_stmt *st, struct store_journal_entry *e);
/* Bind a recording op to s->ins_recording (recording.c). */
sqlite3_stmt *store_bind_recording(struct store *s, const struct op *o);
/* Prepare s->ins_recording; SQLite's code (recording.c). */
int store_prepare_recording(struct store *s);
/* Bind a message op to s->ins_message (message.c). */
sqlite3_stmt *store_bind_message(struct store *s, const struct op *o);
/* A string of the arena, NULL for NOSTR. */
const char *store_arena_get(const struct store *s, uint32_t off);
/* Bind text or NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Reserve a buffered op with its strings copied. */
int store_op_push(struct store *s, const struct op *op,
                  const char *const str[S_COUNT]);
/* Map an SQLite result code to an errno. */
int store_sqlite_errno(int rc);
/* Set s->errmsg to "PATH: WHAT: SQLite's message" and return the errno. */
int store_fail(struct store *s, const char *what, int rc);
/* Prepare the statements the flush uses. */
int store_prepare(struct store *s);
void store_buffer_free(struct store *s);

#endif
