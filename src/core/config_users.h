/*
 * config_users.h - the users section (web sign-in, roles, tenants):
 * internals shared by config.c and config_users.c.
 */
#ifndef CENTRALINO_CORE_CONFIG_USERS_H
#define CENTRALINO_CORE_CONFIG_USERS_H

#include "core/config_int.h"

/** Top-level handler of users:; obj is the struct config. */
cfield_h config_users_section;
/**
 * Resolve each user's tenants and agent by name, after config_resolve();
 * report unknown names, duplicate users and role rules at their place.
 */
void config_users_resolve(struct cctx *c, struct config *cfg);

/** Top-level handler of webhooks:; obj is the struct config. */
cfield_h config_webhooks_section;
/** Resolve each webhook's tenant; report unknown ones and duplicates. */
void config_webhooks_resolve(struct cctx *c, struct config *cfg);

/** Top-level handler of rotas:; obj is the struct config. */
cfield_h config_rotas_section;
/** Resolve rotas (tenants, zones, numbers allowed) and numbers' rotas. */
void config_rotas_resolve(struct cctx *c, struct config *cfg);

#endif
