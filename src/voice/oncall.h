/*
 * oncall.h - a rota's number: the people on call today are dialled
 * through the tenant's outbound trunk, screened ("press 1 to accept"),
 * and the first who accepts is bridged to the caller (docs/rotas.md).
 */
#ifndef VOICE_ONCALL_H
#define VOICE_ONCALL_H

#include <re.h>

struct agent_leg;
struct call;
struct config_rota;
struct sip_msg;

/** Make call a call to rota r (which the call's configuration holds).
 * Returns 0 or ENOMEM. */
int oncall_alloc(struct call *call, const struct config_rota *r);
/** The caller is answered: find today's people and call the first. */
void oncall_start(struct call *call);
/** A person's phone answered: screen them. */
void oncall_answered(struct agent_leg *al);
/** A person's phone refused, failed or hung up before accepting; al is
 * freed here. msg: the final response, or NULL. */
void oncall_leg_closed(struct agent_leg *al, const struct sip_msg *msg);
/** 20 ms of the screening prompt to every person being screened. */
void oncall_media(struct call *call);

#endif
