/*
 * report.h - contact-center reports computed from the store's journal.
 *
 * Interval reports per (tenant, queue, interval) and per (tenant, agent,
 * interval), and the routing explanation of one contact. Everything is
 * recomputed from the journal rows, in one pass over the rows of the
 * range (store_journal_since()), so a figure can always be checked
 * against the events that made it. docs/reports.md defines every figure.
 *
 * Time: rows are bucketed by their wall_ms (Unix ms, UTC intervals);
 * durations are differences of the engine's clock (time_ms) within one
 * run, never across runs.
 */
#ifndef CENTRALINO_REPORT_H
#define CENTRALINO_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "store/store.h"

/** How far past the range a contact's outcome is looked for, ms. */
#define REPORT_LOOKAHEAD_MS (24 * 3600 * 1000LL)
/** Defaults of the thresholds, ms. */
#define REPORT_SL_THRESHOLD_DEFAULT  20000
#define REPORT_SHORT_ABANDON_DEFAULT 5000

struct report_params {
	int64_t from_ms, to_ms;   /* [from, to), Unix ms; from < to */
	unsigned interval_min;    /* 15, 30 or 60 */
	const char *tenant;       /* NULL: every tenant */
	const char *queue;        /* NULL: every queue (queue rows only) */
	int64_t sl_threshold_ms;  /* answered at or within: in SL */
	int64_t short_abandon_ms; /* abandoned before: a short abandon */
	bool agents;              /* also the agent rows */
	int64_t now_ms; /* 0: the real clock; where the newest run ends */
};

/**
 * One queue in one interval: the contacts that entered the queue in the
 * interval (each queue entry is one contact here; a transfer enters
 * another queue) and what became of them, however late.
 */
struct report_queue_row {
	char *tenant, *queue;
	int64_t start_ms; /* the interval's start */
	uint64_t offered; /* entered the queue */
	uint64_t answered, answered_in_sl;
	uint64_t abandoned, abandoned_short; /* short ones included */
	uint64_t fallback;   /* left by a fallback (voicemail, hang-up...) */
	uint64_t unresolved; /* no outcome in the journal (yet) */
	uint64_t handled;    /* answered, and the conversation ended */
	uint64_t transferred;
	uint64_t offers, offers_missed; /* rings; not answered or refused */
	/* callbacks the daemon dialled: attempts that did not reach the
	 * customer (back in line), and handled ones closed as failed */
	uint64_t callback_retries, callback_failed;
	int64_t wait_answered_ms, wait_abandoned_ms, longest_wait_ms;
	int64_t talk_ms, hold_ms, wrapup_ms; /* of the handled ones */
};

/** A not-ready reason and its time. */
struct report_reason {
	char *reason; /* "none" when the agent gave none */
	int64_t ms;
};

/** One agent in one interval: time in each state, and its contacts. */
struct report_agent_row {
	char *tenant, *agent;
	int64_t start_ms;
	int64_t state_ms[ACD_AGENT_STATE_COUNT]; /* by enum acd_agent_state */
	struct report_reason *reasons;           /* not ready, by reason */
	size_t nreasons;
	uint64_t offers, answered, missed, handled;
};

/** Contacts that ended in an interval with a disposition code. */
struct report_disposition {
	char *tenant, *queue, *code;
	int64_t start_ms; /* the interval they ended in */
	uint64_t contacts;
};

struct report {
	struct report_params p;
	struct report_queue_row *queues; /* by tenant, queue, start */
	size_t nqueues;
	struct report_agent_row *agents; /* by tenant, agent, start */
	size_t nagents;
	uint64_t rows_read; /* journal rows the pass read */
	/* queue reports: the codes agents chose at wrap-up, by the interval
	 * the contact ended in (from the contacts, not the journal) */
	struct report_disposition *dispositions;
	size_t ndispositions;
};

/**
 * Compute the report of p from the store (opened read-only or not).
 * Returns 0 and *rp (freed by report_free()), EINVAL for parameters out
 * of range (with a message in err), ENOMEM, or the store's errno with
 * store_errmsg() copied into err.
 */
int report_compute(struct store *s, const struct report_params *p,
                   struct report **rp, char *err, size_t size);
void report_free(struct report *r);

/* Figures derived from a row; NAN when their denominator is 0. */
/** answered_in_sl / (offered - abandoned_short). */
double report_service_level(const struct report_queue_row *q);
/** wait_answered / answered, seconds. */
double report_asa(const struct report_queue_row *q);
/** (talk + hold + wrap-up) / handled, seconds. */
double report_aht(const struct report_queue_row *q);
/** abandoned - short / (offered - short). */
double report_abandon_rate(const struct report_queue_row *q);
/** Logged in: every state but offline, ms. */
int64_t report_logged_in(const struct report_agent_row *a);
/** (reserved + busy + wrap-up) / (ready + reserved + busy + wrap-up). */
double report_occupancy(const struct report_agent_row *a);

/* Output. Each returns 0, or EIO when the stream fails. */
/** The report as JSON (queue rows, or agent rows with p.agents). */
json_t *report_json(const struct report *r);
/** CSV with a header row, RFC 4180 quoting, CRLF line ends. */
int report_csv(const struct report *r, FILE *f);
/** A table for people. */
int report_table(const struct report *r, FILE *f);

/** Receives one line of an explanation and the row it explains. */
typedef int(report_line_h)(const struct store_journal_entry *e,
                           const char *line, void *arg);

/**
 * The routing explanation of contact (run, id): its journal rows in
 * order, each with a line such as "offered to agent3 by longest-idle
 * among 4 candidates (idle 42.0 s, the longest)". Returns 0, ENOENT when
 * the journal has no row of it, what h returned, or the store's errno.
 */
int report_explain(struct store *s, uint64_t run, uint64_t contact,
                   report_line_h *h, void *arg);

/** The line of one journal row, into buf (size bytes, truncated). */
void report_explain_line(const struct store_journal_entry *e, char *buf,
                         size_t size);

/**
 * Parse a time: Unix ms (digits), or ISO 8601 "YYYY-MM-DD",
 * "YYYY-MM-DDTHH:MM[:SS[.mmm]]" followed by "Z" or "+HH:MM"/"-HH:MM"
 * (a date alone is midnight UTC; a time needs its zone). Returns 0 and
 * *msp, or EINVAL with the reason in err.
 */
int report_time_parse(const char *s, int64_t *msp, char *err, size_t size);

/** Format Unix ms as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into buf. */
void report_time_format(int64_t ms, char *buf, size_t size);

#endif
