/*
 * config_hold.c - a configuration shared by whoever still runs on it.
 *
 * On a reload the daemon takes a new configuration while calls that
 * started under the old one keep their flows to the end: each holds the
 * configuration it started with, and the last to let go frees it.
 */
#include <stdlib.h>

#include "core/config.h"

struct config_hold {
	struct config *cfg;
	unsigned refs;
};

struct config_hold *config_hold_new(struct config *cfg)
{
	struct config_hold *h = malloc(sizeof(*h));

	if (!h) {
		config_free(cfg);
		return NULL;
	}
	h->cfg = cfg;
	h->refs = 1;
	return h;
}

struct config_hold *config_hold_ref(struct config_hold *h)
{
	if (h)
		h->refs++;
	return h;
}

void config_hold_unref(struct config_hold *h)
{
	if (!h || --h->refs)
		return;
	config_free(h->cfg);
	free(h);
}

const struct config *config_hold_cfg(const struct config_hold *h)
{
	return h ? h->cfg : NULL;
}
