/*
 * config.h - the YAML configuration: parse, validate, apply to the engine.
 *
 * A configuration is read in two passes: libyaml's events become a small
 * tree (aliases refused, nesting bounded), then the tree is checked against
 * the schema and copied into struct config, plain C data the daemon reads.
 * Every problem found is kept with its file, line, column and field path,
 * so an operator sees all of them at once, not one per run.
 *
 * See docs/configuration.md for the schema.
 */
#ifndef CENTRALINO_CORE_CONFIG_H
#define CENTRALINO_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <centralino/acd.h>

#define CONFIG_NAME_MAX     64  /* names, time zones, targets, with NUL */
#define CONFIG_PASSWORD_MAX 128 /* with NUL */
#define CONFIG_ERRORS_MAX   100 /* kept; the rest are only counted */

/** One problem, located. line and column are 1-based; 0 when unknown. */
struct config_error {
	char file[256];
	unsigned line, column;
	char field[128];   /* e.g. "queues[1].strategy"; "" for the file */
	char message[256]; /* operator's language, never a password */
};

/** A list of errors. Zero-initialise; free with config_errors_free(). */
struct config_errors {
	struct config_error *v;
	size_t n, cap;
	size_t dropped; /* beyond CONFIG_ERRORS_MAX, or not stored (ENOMEM) */
};

/** Where an object or a value starts in the YAML text (1-based). */
struct config_loc {
	unsigned line, column;
};

/** A reference by name; index is resolved into struct config's arrays. */
struct config_ref {
	char name[CONFIG_NAME_MAX]; /* "" when not given */
	size_t index;               /* SIZE_MAX when unresolved or unused */
	struct config_loc loc;
};

struct config_tenant {
	char name[CONFIG_NAME_MAX];
	char timezone[CONFIG_NAME_MAX]; /* default "UTC" */
	struct config_loc loc, name_loc;
};

struct config_skill {
	char name[CONFIG_NAME_MAX];
	struct config_loc loc;
};

struct config_fallback {
	enum acd_fallback_action action; /* ACD_ACTION_NONE: not configured */
	char target[CONFIG_NAME_MAX];
	struct config_loc loc;
};

struct config_step {
	acd_time_t after;             /* ms since entering the queue */
	int priority_add;             /* 0: unchanged */
	unsigned min_proficiency;     /* 0: unchanged */
	struct config_ref skill_from; /* replace_skill.from; "" when unused */
	struct config_ref skill_to;   /* replace_skill.to; "": drop */
	struct config_ref overflow;   /* a queue of the same tenant */
	struct config_loc loc, after_loc;
};

struct config_queue {
	char name[CONFIG_NAME_MAX];
	struct config_ref tenant;
	enum acd_strategy strategy;
	int priority;
	acd_time_t offer_timeout, wrapup, max_wait; /* ms; max_wait 0: none */
	unsigned max_waiting;                       /* 0: no limit */
	acd_time_t service_level, short_abandon;    /* ms */
	bool no_answer_ready, reject_ready;         /* after_no_answer/reject */
	struct config_fallback fallback[ACD_FALLBACK_CAUSE_COUNT];
	struct config_step steps[ACD_MAX_STEPS];
	unsigned nsteps;
	struct config_loc loc, name_loc;
};

struct config_agent_skill {
	struct config_ref skill;
	unsigned proficiency; /* 1..5 */
};

struct config_member {
	struct config_ref queue; /* a queue of the agent's tenant */
	int priority;
};

struct config_agent {
	char name[CONFIG_NAME_MAX];
	struct config_ref tenant;
	char password[CONFIG_PASSWORD_MAX]; /* as given; "" when none */
	struct config_agent_skill *skills;
	size_t nskills;
	unsigned capacity[ACD_CH_COUNT]; /* callback mirrors voice */
	bool call_shares;
	struct config_member *queues;
	size_t nqueues;
	struct config_loc loc, name_loc;
};

/** A validated configuration. Owned by the caller of config_parse(). */
struct config {
	char file[256];
	struct config_tenant *tenants;
	size_t ntenants;
	struct config_skill *skills;
	size_t nskills;
	struct config_queue *queues;
	size_t nqueues;
	struct config_agent *agents;
	size_t nagents;
};

/**
 * Add an error. fmt is printf-like. Beyond CONFIG_ERRORS_MAX, or when
 * memory runs out, the error is only counted in e->dropped.
 */
void config_errors_add(struct config_errors *e, const char *file, unsigned line,
                       unsigned column, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/** Free the errors' storage and empty the list. NULL is accepted. */
void config_errors_free(struct config_errors *e);
/**
 * Print "FILE:LINE:COL: FIELD: MESSAGE", one error a line (parts that are
 * unknown are left out), then "... and N more errors" if some were dropped.
 */
void config_errors_print(const struct config_errors *e, FILE *f);

/**
 * Read and parse the file at path (see config_parse()). Returns ENOENT,
 * EACCES, EIO or EFBIG with an error naming the file when it cannot be
 * read, otherwise what config_parse() returns.
 */
int config_load(const char *path, struct config **cfgp,
                struct config_errors *errs);

/**
 * Parse len bytes of YAML (no NUL needed); name is the file name used in
 * errors. On success returns 0 and *cfgp owns a new configuration. On
 * EINVAL every problem found has been appended to errs and *cfgp is left
 * untouched; ENOMEM when memory ran out.
 */
int config_parse(const char *buf, size_t len, const char *name,
                 struct config **cfgp, struct config_errors *errs);

/** Free a configuration. NULL is accepted. */
void config_free(struct config *cfg);

/**
 * Create cfg's tenants, skills, queues (with escalation steps and
 * fallbacks), agents and memberships in acd, through acd.h only. Every
 * refusal of the engine is appended to errs with the YAML location of the
 * object, and applying goes on with what does not depend on it. Returns 0,
 * or the first errno the engine gave.
 */
int config_apply(const struct config *cfg, struct acd *acd,
                 struct config_errors *errs);

#endif
