/*
 * log.c - key=value lines on stderr (see log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

static enum log_level threshold = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
	threshold = level;
}

int log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++) {
		if (s && !strcmp(s, level_names[i]))
			return i;
	}
	return -1;
}

void log_event(enum log_level level, const char *event, const char *fmt, ...)
{
	char line[1024], ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;
	int n;

	if (level < threshold)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "ts=%s.%03ldZ level=%s event=%s", ts,
	             now.tv_nsec / 1000000, level_names[level], event);
	if (fmt && *fmt && n > 0 && (size_t)n < sizeof(line) - 1) {
		line[n++] = ' ';
		va_start(ap, fmt);
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	/* one write per line, so that lines of two threads never mix */
	fprintf(stderr, "%s\n", line);
}

const char *log_quote(const char *s, char *buf, size_t size)
{
	size_t j = 0;

	if (!s)
		s = "";
	if (size < 3)
		return "";
	if (*s && !strpbrk(s, " \"=\t\n\\"))
		return s;
	buf[j++] = '"';
	for (; *s && j + 3 < size; s++) {
		if (*s == '"' || *s == '\\')
			buf[j++] = '\\';
		buf[j++] = (*s == '\n' || *s == '\t') ? ' ' : *s;
	}
	buf[j++] = '"';
	buf[j] = '\0';
	return buf;
}
