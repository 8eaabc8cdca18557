/*
 * log.h - one line per event on stderr, as key=value fields.
 *
 *   ts=2026-11-23T20:50:01.123Z level=info event=agent.state agent=agent1
 *
 * Callers pass the fields already formatted; values that may hold spaces
 * go through log_quote(). Never pass a password, token or message body.
 */
#ifndef CENTRALINO_CORE_LOG_H
#define CENTRALINO_CORE_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/** Lines below level are dropped. Default LOG_INFO. */
void log_set_level(enum log_level level);
/** Parse "debug", "info", "warn", "error"; -1 when unknown. */
int log_level_parse(const char *s);
/** Write one line: event name, then printf-formatted key=value fields. */
void log_event(enum log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Quote s for a value when it holds spaces, quotes or '='; returns buf. */
const char *log_quote(const char *s, char *buf, size_t size);

#endif
