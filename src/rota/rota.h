/*
 * rota.h - who is on call: a rota's duty on a day, in the rota's time
 * zone, from (first found) a run-time override in the store, a dated
 * override of the file, or the weekly pattern; then the escalation chain.
 */
#ifndef CENTRALINO_ROTA_H
#define CENTRALINO_ROTA_H

#include <stdbool.h>
#include <time.h>

#include "core/config.h"

struct store;

/** Where a day's duty comes from. */
enum rota_source { ROTA_WEEK = 0, ROTA_FILE, ROTA_OVERRIDE };

struct rota_day {
	char date[11]; /* "YYYY-MM-DD", local to the rota */
	int wday;      /* 0 = Sunday */
	struct config_duty duty;
	/* the people called, in order: the duty, then the escalation chain
	 * without anybody twice */
	uint8_t chain[2 * CONFIG_ROTA_CHAIN];
	unsigned nchain;
	enum rota_source source;
	char changed_by[64]; /* ROTA_OVERRIDE: the user who made it */
};

/**
 * The day offset days after the one containing now (0: today), in r's
 * time zone; s (may be NULL) holds run-time overrides. Returns 0 or the
 * store's errno (d is then filled from the file alone).
 */
int rota_day(const struct config_rota *r, struct store *s, time_t now,
             int offset, struct rota_day *d);

/** The day date ("YYYY-MM-DD") of rota r. 0, EINVAL (a bad date), or
 * the store's errno. */
int rota_date(const struct config_rota *r, struct store *s, const char *date,
              struct rota_day *d);

/** "anna,marco" into d against r's people; false when a name is not
 * one of them, when there are none or too many. */
bool rota_duty_parse(const struct config_rota *r, const char *names,
                     struct config_duty *d);

/** "YYYY-MM-DD", a real day; false otherwise. */
bool rota_date_ok(const char *date);

const char *rota_source_name(enum rota_source s);

#endif
