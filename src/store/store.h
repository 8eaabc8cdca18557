/*
 * store.h - the durable record: journal of engine events and contacts.
 *
 * One SQLite database in WAL mode, its schema brought up to date by
 * versioned migrations when it is opened. Writes are buffered in memory
 * and committed together by store_flush(), one transaction per call
 * (group commit): the daemon flushes once per event-loop turn, never once
 * per event. A flush that fails keeps everything buffered and the next one
 * retries, so nothing accepted is lost while the process lives; beyond a
 * bounded buffer, appends are refused (ENOSPC) so the daemon can refuse
 * new work it could not record.
 *
 * Engine ids (contacts, agents) start again at 1 in every process, so
 * each store_open() starts a new "run" and every row carries it: a
 * contact is known by (run, id). Run numbers only grow.
 *
 * Single-threaded: one struct store belongs to one thread (the event
 * loop). Another process may open the same file (reports, backups).
 */
#ifndef CENTRALINO_STORE_H
#define CENTRALINO_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <centralino/acd.h>

/** Schema version this binary writes; newer files are refused. */
#define STORE_SCHEMA_VERSION 13
/** Default bound of buffered writes (events and contact changes). */
#define STORE_BUFFER_DEFAULT 100000
/** Default wait for another connection's write lock, ms. */
#define STORE_BUSY_DEFAULT_MS 50

enum store_durability {
	/* synchronous=NORMAL: a committed flush survives a crash of the
	 * process; a power cut may lose the last flushes, never corrupts. */
	STORE_DURABILITY_NORMAL = 0,
	/* synchronous=FULL: a committed flush survives a power cut too, at
	 * the price of an fsync of the WAL per flush. */
	STORE_DURABILITY_FULL,
};

/** Options of store_open(); a NULL pointer or all zeros: the defaults. */
struct store_params {
	enum store_durability durability;
	size_t max_buffered; /* 0: STORE_BUFFER_DEFAULT */
	int busy_ms;         /* 0: STORE_BUSY_DEFAULT_MS; < 0: do not wait */
	bool read_only;      /* reports and backups: no migration, no run */
	/* The wall clock stamped on rows (journal wall_ms, runs, contacts),
	 * Unix ms; NULL: the real one. Tests script a day with it. */
	int64_t (*wall_ms)(void *arg);
	void *wall_arg;
};

struct store;

/**
 * Open (creating it and its parent directories) the database at path,
 * switch it to WAL, apply the migrations it lacks and start a new run.
 * Returns 0 and *sp, or an errno with a message naming path and SQLite's
 * reason in err (size bytes, may be NULL): EACCES (unwritable, read-only),
 * EBUSY (locked by another writer), EBADMSG (corrupt or not a database),
 * EPROTO (schema newer than this binary), ENOSPC, EIO, ENOMEM, EINVAL.
 */
int store_open(struct store **sp, const char *path,
               const struct store_params *p, char *err, size_t size);

/**
 * Flush what is buffered, then close. Returns 0, or the flush's errno: the
 * store is closed anyway and what was still buffered is lost, so a caller
 * that cares retries store_flush() before closing. NULL is accepted.
 */
int store_close(struct store *s);

/** The last error's message ("" when none); valid until the next call. */
const char *store_errmsg(const struct store *s);

/** This process's run number (0 for a read-only store). */
uint64_t store_run(const struct store *s);

/**
 * Buffer one engine event with the names of its tenant, queue and agent
 * (each may be NULL). Strings are copied; ev is not kept. Returns 0, or
 * ENOSPC when the buffer is full (nothing is buffered then), ENOMEM.
 */
int store_journal_append(struct store *s, const struct acd_event *ev,
                         const char *tenant, const char *queue,
                         const char *agent);

/**
 * Write everything buffered in one transaction. Returns 0 (also when
 * nothing was buffered), or an errno (EBUSY, ENOSPC, EIO, EACCES, ...)
 * with store_errmsg() set: then nothing was written, everything stays
 * buffered in order and the next flush writes it exactly once.
 */
int store_flush(struct store *s);

/** Writes buffered and not yet committed. */
size_t store_pending(const struct store *s);

struct store_stats {
	uint64_t commits;        /* transactions committed by this store */
	uint64_t written;        /* buffered writes committed */
	uint64_t flush_failures; /* flushes that returned an error */
	size_t pending;          /* buffered now */
	size_t max_buffered;
};
void store_stats(const struct store *s, struct store_stats *st);

/**
 * One journal row as read back. Strings are NULL where the field does
 * not apply and valid during the callback only. Names of enums are the
 * acd_*_name() texts.
 */
struct store_journal_entry {
	uint64_t seq; /* order of the whole journal */
	uint64_t run;
	int64_t wall_ms; /* Unix time at store_journal_append() */
	acd_time_t time; /* the engine's clock */
	const char *type;
	uint64_t contact; /* 0: none */
	const char *tenant, *queue, *agent;
	const char *channel;
	const char *reason;
	acd_time_t wait;
	const char *agent_state, *agent_prev; /* AGENT_STATE */
	bool has_decision;                    /* CONTACT_OFFERED */
	const char *strategy;
	unsigned step, candidates, waiting;
	int64_t metric;
	bool agent_first;
	const char *fallback_cause; /* CONTACT_FALLBACK */
	const char *fallback_action;
	const char *fallback_target;
};

/** Receives rows; a non-zero return stops the walk and is returned. */
typedef int(store_journal_h)(const struct store_journal_entry *e, void *arg);

/**
 * The committed events of contact (run 0: this run) in journal order;
 * call store_flush() first to include what is buffered. Returns 0, what
 * h returned, or an errno with store_errmsg() set.
 */
int store_journal_read(struct store *s, uint64_t run, uint64_t contact,
                       store_journal_h *h, void *arg);

/**
 * The committed journal in journal order from the first row whose wall_ms
 * is at or after from_ms (rows after it stamped earlier, by a clock set
 * back, come too), to the end or until h returns non-zero: one pass for
 * reports. Returns 0, what h returned, or an errno with store_errmsg()
 * set.
 */
int store_journal_since(struct store *s, int64_t from_ms, store_journal_h *h,
                        void *arg);

/**
 * Where the agents stood at from_ms: for the run of the last row before
 * it, the last agent-state row of each (tenant, agent) before it, in
 * (tenant, agent) order; nothing when no row is older. Returns as
 * store_journal_since().
 */
int store_journal_agents_at(struct store *s, int64_t from_ms,
                            store_journal_h *h, void *arg);

/**
 * A contact as saved for recovery. Its key is its number for life: the
 * engine gives it a new id in every run that holds it (an incarnation),
 * the key stays, and the journal of every incarnation is the contact's.
 */
struct store_contact {
	uint64_t key; /* 0 in store_contact_save(): a new contact */
	uint64_t run; /* of the current incarnation; ignored on save */
	uint64_t id;  /* the engine's contact id in that run */
	const char *tenant, *queue;
	enum acd_channel channel;
	int priority;
	acd_time_t virtual_start; /* on the engine's clock of that run */
	int64_t virtual_start_ms; /* Unix ms: its place in line, any run */
	int64_t not_before_ms;    /* Unix ms; 0: due at once */
	const char *skills;       /* "skill:level,...", may be NULL */
	const char *attributes;   /* "key=value;...", may be NULL */
	const char *payload;      /* the channel's data (JSON), may be NULL */
	const char *secret;       /* hash of a visitor's token, may be NULL */
	enum acd_contact_state state;
	/* read back only */
	int64_t created_ms, updated_ms, ended_ms; /* ended_ms 0: open */
	const char *outcome;                      /* NULL while open */
	const char *disposition, *notes;          /* the agent's, or NULL */
};

/**
 * Buffer the creation or a change of contact c in this run. A new contact
 * (key 0) gets the next key in c->key; one saved again (a change, or its
 * recovery in a later run) keeps its key and its place in creation order,
 * and a new (run, id) becomes its current incarnation. Flushed with the
 * journal, in the same transaction and order. Returns 0, ENOSPC, ENOMEM,
 * or EINVAL (no id, a key never given).
 */
int store_contact_save(struct store *s, struct store_contact *c);

/** store_contact_end()'s time: the contact's last journal event. */
#define STORE_END_LAST_SEEN (-1)

/**
 * Buffer the end of contact key with outcome ("completed", "abandoned",
 * "interrupted", ...): it is no longer open. ended_ms is Unix ms, 0 for
 * now, or STORE_END_LAST_SEEN (a call cut by a crash ended when it was
 * last heard of). Returns 0, ENOSPC, ENOMEM or EINVAL.
 */
int store_contact_end(struct store *s, uint64_t key, const char *outcome,
                      int64_t ended_ms);

/**
 * Buffer what the agent recorded for contact key: a disposition code
 * and notes (either may be NULL: left as it was). Returns 0, ENOSPC,
 * ENOMEM or EINVAL.
 */
int store_contact_disposition(struct store *s, uint64_t key,
                              const char *disposition, const char *notes);

/** A call detail record: one per call, written when the call ends. */
struct store_cdr {
	uint64_t contact;   /* the engine's contact, 0 when never queued */
	const char *tenant; /* names; NULL when unknown */
	const char *caller, *number, *agent, *reason;
	int64_t seconds;
	uint64_t caller_rtp_rx, caller_rtp_tx, agent_rtp_rx, agent_rtp_tx;
};

/**
 * Buffer a call detail record; flushed with the journal, in order.
 * Returns 0, ENOSPC, ENOMEM or EINVAL.
 */
int store_cdr(struct store *s, const struct store_cdr *c);

/** A call recording (src/store/recording.c). */
struct store_recording {
	uint64_t key;       /* read back: the row's id; ignored on write */
	uint64_t contact;   /* write: the engine's contact of this run;
	                     * read: the contact's key */
	const char *tenant; /* names; NULL when unknown */
	const char *queue;
	const char *agent;
	const char *path;    /* the WAV; NULL once retention deleted it */
	int64_t started_ms;  /* Unix ms */
	int64_t duration_ms; /* -1 until it ends (or when it never did) */
};

/**
 * Buffer a recording's row when it starts (duration_ms -1), written with
 * the next flush: a daemon that stops before its end leaves a row that
 * points to the file, so retention deletes it like any other. Returns 0,
 * EINVAL, ENOSPC (buffer full) or ENOMEM; the strings are copied.
 */
int store_recording(struct store *s, const struct store_recording *r);
/**
 * Buffer a recording's end: its duration, by the contact of this run and
 * the path store_recording() was given. Returns as store_recording().
 */
int store_recording_end(struct store *s, uint64_t contact, const char *path,
                        int64_t duration_ms);
typedef int(store_recording_h)(const struct store_recording *r, void *arg);
/**
 * The recordings of the contact with key, oldest first (any run).
 * Returns 0, EINVAL, or the errno of a read failure (store_error()).
 */
int store_contact_recordings(struct store *s, uint64_t key,
                             store_recording_h *h, void *arg);
/**
 * Buffer a journal entry of a channel (not of the engine): type is the
 * event's name ("recording-started", "supervision-started"), time the
 * engine's clock, contact the engine's contact of this run. Returns 0,
 * EINVAL, ENOSPC or ENOMEM.
 */
int store_journal_note(struct store *s, const char *type, uint64_t contact,
                       int64_t time, const char *tenant, const char *queue,
                       const char *agent, const char *reason);

/** Receives open contacts; non-zero stops the walk and is returned. */
typedef int(store_contact_h)(const struct store_contact *c, void *arg);

/**
 * Committed contacts not ended, of every run, in order of creation.
 * Returns 0, what h returned, or an errno with store_errmsg() set.
 */
int store_contacts_open(struct store *s, store_contact_h *h, void *arg);

/**
 * The committed contact key, open or ended, to h. Returns 0, ENOENT when
 * there is none, what h returned, or an errno with store_errmsg() set.
 */
int store_contact_get(struct store *s, uint64_t key, store_contact_h *h,
                      void *arg);

/**
 * The committed events of contact key in every incarnation, in journal
 * order: its whole routing story across restarts. Returns as
 * store_journal_read().
 */
int store_contact_journal(struct store *s, uint64_t key, store_journal_h *h,
                          void *arg);

/** One message of a conversation (a chat). */
struct store_message {
	uint64_t contact;      /* the contact's key */
	uint64_t seq;          /* 1, 2, ... in the conversation */
	int64_t wall_ms;       /* read back; ignored by store_message_add() */
	const char *sender;    /* "visitor", "agent", "system" */
	const char *agent;     /* the agent's name, or NULL */
	const char *client_id; /* the sender's own id for it */
	const char *body;      /* NULL once anonymised */
};

/**
 * Buffer a message; flushed with the journal, in order. The store refuses
 * at flush a second (contact, seq) or (contact, sender, client_id): the
 * caller numbers messages and looks for resends with store_message_find().
 * Returns 0, ENOSPC, ENOMEM or EINVAL.
 */
int store_message_add(struct store *s, const struct store_message *m);

/** Receives messages; non-zero stops the walk and is returned. */
typedef int(store_message_h)(const struct store_message *m, void *arg);

/**
 * The committed messages of contact key after seq, in order, at most max
 * (0: all). Returns 0, what h returned, or an errno.
 */
int store_messages_read(struct store *s, uint64_t key, uint64_t after,
                        size_t max, store_message_h *h, void *arg);

/**
 * The seq of the committed message of contact key sent by sender with
 * client_id: 0 and *seqp, or ENOENT, or an errno.
 */
int store_message_find(struct store *s, uint64_t key, const char *sender,
                       const char *client_id, uint64_t *seqp);

/** The last seq of contact key's conversation (0: none yet); 0 or errno. */
int store_message_last(struct store *s, uint64_t key, uint64_t *seqp);

/**
 * Set (duty non-NULL: names separated by commas) or clear (duty NULL) the
 * run-time override of rota tenant/rota on date ("YYYY-MM-DD"), and
 * write the change in the audit log under user, all in one transaction
 * committed before this returns (with what was buffered before it).
 * Returns 0 or an errno with store_errmsg() set.
 */
int store_rota_override(struct store *s, const char *tenant, const char *rota,
                        const char *date, const char *duty, const char *user);

/**
 * Buffer one row of the audit log: who (user) did what (action, e.g.
 * "reload", "emergency-on", "agent-state") to what (object), in which
 * tenant (NULL: the whole daemon), with detail (may be NULL). Flushed
 * with the journal. Returns 0, ENOSPC, ENOMEM or EINVAL.
 */
int store_audit(struct store *s, const char *user, const char *tenant,
                const char *action, const char *object, const char *detail);

/** One audit row as read back (strings valid during the callback). */
struct store_audit_row {
	uint64_t key;
	int64_t wall_ms;
	const char *user, *tenant, *action, *object, *detail;
};
typedef int(store_audit_h)(const struct store_audit_row *a, void *arg);

/** The newest audit rows first, at most max, before key before (0: the
 * newest). Returns 0, what h returned, or an errno. */
int store_audit_read(struct store *s, uint64_t before, size_t max,
                     store_audit_h *h, void *arg);

/** Receives overrides in date order; non-zero stops the walk. */
typedef int(store_override_h)(const char *date, const char *duty,
                              const char *user, int64_t wall_ms, void *arg);

/**
 * The run-time overrides of tenant/rota from date first to date last
 * (inclusive, "YYYY-MM-DD"). Returns 0, what h returned, or an errno.
 */
int store_rota_overrides(struct store *s, const char *tenant, const char *rota,
                         const char *first, const char *last,
                         store_override_h *h, void *arg);

/** An agent moved in or out of a queue at run time. */
struct store_member {
	const char *tenant, *agent, *queue;
	int member;   /* 1: in the queue, 0: out of it, -1: clear (the file) */
	int priority; /* in the queue, when member is 1 */
	const char *user; /* read back: who made it */
	int64_t wall_ms;  /* read back: when */
};

/**
 * Set (m->member 1 or 0) or clear (-1) the run-time membership of agent
 * m->agent in queue m->queue, and audit it under user
 * (member-added, member-removed, member-restored), in one transaction
 * committed before this returns. Returns 0 or an errno.
 */
int store_member_override(struct store *s, const struct store_member *m,
                          const char *user);

/** An agent's answer to an e-mail contact in the outbox (schema 12). */
struct store_outbox {
	uint64_t message;       /* the answer's row in messages: its id here */
	uint64_t contact;       /* the e-mail contact's key */
	uint64_t seq;           /* the answer's seq in the conversation */
	const char *message_id; /* of the mail (the message's client_id) */
	const char *state;      /* "queued", "sent" or "failed" */
	unsigned attempts;      /* SMTP transactions tried so far */
	const char *last_error; /* of the last one that failed, or NULL */
};

/** Receives each answer of the outbox; non-zero stops the walk. */
typedef int(store_outbox_h)(const struct store_outbox *o, void *arg);

/**
 * The committed answers still queued, oldest first: all of them (contact
 * 0), or contact's answer message_id. A trigger queues each agent's
 * message to an e-mail contact in the transaction that commits it.
 * Returns 0, what h returned, or an errno with store_errmsg() set.
 */
int store_outbox_queued(struct store *s, uint64_t contact,
                        const char *message_id, store_outbox_h *h, void *arg);

/**
 * Record SMTP attempt number attempts of answer message: error NULL, it
 * was sent (the last error is kept, for the record); else its text, and
 * the answer stays queued, or is given up (failed) when final. Committed
 * before this returns. Returns 0, ENOENT (no such answer), or an errno
 * with store_errmsg() set.
 */
int store_outbox_attempt(struct store *s, uint64_t message, unsigned attempts,
                         const char *error, bool final);

/** Receives each membership override; non-zero stops the walk. */
typedef int(store_member_h)(const struct store_member *m, void *arg);

/** Every membership override, by tenant, agent, queue. */
int store_member_overrides(struct store *s, store_member_h *h, void *arg);

/** One earlier contact of a customer (strings valid in the callback). */
struct store_history_row {
	uint64_t key;
	const char *channel, *queue;
	int64_t created_ms, ended_ms;            /* ended_ms 0: still open */
	const char *outcome;                     /* NULL while open */
	const char *disposition, *notes, *agent; /* or NULL */
	const char *customer;                    /* who, as recognised */
};
typedef int(store_history_h)(const struct store_history_row *r, void *arg);

/**
 * The contacts of the same customer as contact key (same tenant, made
 * before it), newest first, at most max (0: 10). None when the contact's
 * customer is not known. Returns 0, what h returned, or an errno.
 */
int store_customer_history(struct store *s, uint64_t key, size_t max,
                           store_history_h *h, void *arg);

/** Who the customer of contact key is ("" and ENOENT when unknown). */
int store_customer_of(struct store *s, uint64_t key, char *out, size_t size);

/** Receives one disposition count; non-zero stops the walk. */
typedef int(store_disposition_h)(const char *tenant, const char *queue,
                                 int64_t start_ms, const char *code, uint64_t n,
                                 void *arg);

/**
 * How many contacts ended with each disposition code, per tenant, queue
 * and interval of len_ms from from_ms (by their end), up to to_ms;
 * tenant and queue (may be NULL) narrow it. Returns 0, what h returned,
 * or an errno.
 */
int store_dispositions(struct store *s, int64_t from_ms, int64_t to_ms,
                       int64_t len_ms, const char *tenant, const char *queue,
                       store_disposition_h *h, void *arg);

/**
 * Copy the committed database into the file dest with SQLite's online
 * backup: one read transaction, so the copy is consistent while writers
 * go on (WAL). Written to dest.tmp and renamed, so dest is never half a
 * copy. Returns 0 or an errno with store_errmsg() set.
 */
int store_backup(struct store *s, const char *dest);

/** Rows per transaction of store_retention_step() when batch is 0. */
#define STORE_RETENTION_BATCH 500

/** What one retention step did. */
struct store_retention {
	size_t contacts;      /* ended contacts anonymised */
	size_t calls;         /* call records anonymised */
	size_t files;         /* voicemails and call recordings deleted */
	size_t files_failed;  /* recordings that could not be deleted */
	size_t examined;      /* rows looked at, anonymised or not */
	bool more;            /* a full batch: there may be more to do */
	char file_error[320]; /* the first failure: "PATH: reason" */
};

/**
 * Anonymise, in one transaction of at most batch rows (0:
 * STORE_RETENTION_BATCH), oldest first, the contacts that ended and the
 * calls whose record was written more than period_ms ago on the store's
 * wall clock: a contact's payload and attributes and a call's caller
 * become NULL, and the row gets anonymised_ms. A voicemail's recording
 * (file= in its attributes) is deleted first; one that cannot be deleted
 * (not ENOENT) leaves its row as it was, counted in files_failed, for a
 * later step. Step again while r->more. Returns 0 and *r, EINVAL, EACCES
 * (read-only), ENOMEM, or an errno with store_errmsg() set: then nothing
 * was marked (recordings already deleted stay deleted; their rows are
 * taken again). Buffered writes are not flushed.
 */
int store_retention_step(struct store *s, int64_t period_ms, size_t batch,
                         struct store_retention *r);

/**
 * The contact that Message-ID message_id (taken from a mailbox, or sent)
 * belongs to in tenant: 0 and *keyp, ENOENT, or an errno with
 * store_errmsg() set. Only committed rows count: a mail's row is written
 * by the store itself in the transaction that commits its contact (the
 * payload's "message_id") or its message (the client_id) of an e-mail
 * contact, so it is there exactly when they are.
 */
int store_email_find(struct store *s, const char *tenant,
                     const char *message_id, uint64_t *keyp);

/** "scheduled", "waiting", ... "ended"; "?" when out of range. */
const char *store_contact_state_name(enum acd_contact_state st);
/** Parse a name back; -1 when unknown. */
int store_contact_state_parse(const char *name);

#endif
