/*
 * members.h - agents moved between queues at run time.
 *
 * The configuration file says which queues an agent answers; a
 * supervisor may move an agent for the afternoon (into a queue that is
 * drowning, out of one that is quiet) from the wallboard. Such a move is
 * an override kept in the store: applied to the engine at once, put back
 * on top of the file after every reload and restart, and undone only by
 * clearing it, which brings back what the file says.
 */
#ifndef CENTRALINO_MEMBERS_H
#define CENTRALINO_MEMBERS_H

#include <stdbool.h>
#include <stdint.h>

#include "centralino/acd.h"
#include "core/config.h"

struct store;
struct members;

/** One override, as the API shows it. */
struct member_override {
	char tenant[CONFIG_NAME_MAX], agent[CONFIG_NAME_MAX],
	    queue[CONFIG_NAME_MAX];
	bool member;                /* in the queue (true) or out of it */
	int priority;               /* in the queue, when member */
	char user[CONFIG_NAME_MAX]; /* who made it */
	int64_t wall_ms;            /* when */
};

/**
 * Load the overrides kept in store (NULL: none, and none can be made).
 * Returns 0, ENOMEM or the store's errno.
 */
int members_alloc(struct members **mp, struct acd *acd, struct store *store);
void members_free(struct members *m);

/**
 * Put every override back on the engine, on top of the file's
 * memberships: call it after config_apply() at start and on every reload. An override
 * whose agent or queue is no longer configured is kept (a later reload
 * may bring it back) and logged.
 */
void members_apply(struct members *m);

/**
 * Move agent tenant/agent into queue (member true, at priority) or out
 * of it (false), or clear (clear true) the override so that cfg's
 * membership holds again; written and audited under user before the
 * engine changes. Returns 0, ENOENT (no such agent or queue in the
 * engine), EINVAL (a bad priority), EALREADY (clearing what is not
 * overridden), ENODEV (no store) or the store's errno.
 */
int members_set(struct members *m, const struct config *cfg, const char *tenant,
                const char *agent, const char *queue, bool clear, bool member,
                int priority, const char *user);

/** The override of agent in queue, or NULL. */
const struct member_override *members_find(const struct members *m,
                                           const char *tenant,
                                           const char *agent,
                                           const char *queue);

/** Receives each override of one agent; non-zero stops the walk. */
typedef int(members_h)(const struct member_override *o, void *arg);

/** The overrides of tenant/agent, in no set order. */
int members_of(const struct members *m, const char *tenant, const char *agent,
               members_h *h, void *arg);

/** The file's membership of agent a (may be NULL) in queue: true, with
 * *priority (may be NULL), or false. */
bool members_in_file(const struct config_agent *a, const char *queue,
                     int *priority);

#endif
