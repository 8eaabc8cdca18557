/*
 * event_log.h - the routing engine's events as log lines, with the names
 * an operator knows (queue, agent, tenant) and the reason for decisions.
 */
#ifndef CENTRALINO_CORE_EVENT_LOG_H
#define CENTRALINO_CORE_EVENT_LOG_H

#include <centralino/acd.h>

/** Log one engine event at info level (agent states at debug). */
void event_log(const struct acd *acd, const struct acd_event *ev);

#endif
