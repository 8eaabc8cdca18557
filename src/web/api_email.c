/*
 * api_email.c - POST /api/v1/contacts/{id}/reply: the agent handling an
 * e-mail contact answers it. The answer is committed to the contact's
 * conversation before the 201, then mailed by the e-mail channel
 * (src/email/answer.c) with the thread's headers.
 */
#include <errno.h>
#include <string.h>

#include <centralino/acd.h>

#include "desk/desk.h"
#include "email/email.h"
#include "web/web_int.h"

#define REPLY_BODY_MAX   (64u << 10)
#define REPLY_CLIENT_MAX 129

/* The live e-mail contact the user may see, and the agent it acts as
 * (agent users only; ACD_NONE otherwise). NULL after a 404. */
static const struct desk_contact *reply_target(struct web *w,
                                               const struct web_call *call,
                                               struct web_reply *r,
                                               uint32_t *agentp)
{
	const struct config_user *u = call->user;
	const struct desk_contact *c =
	    w->desk ? desk_find(w->desk, web_key_param(call)) : NULL;

	*agentp = ACD_NONE;
	if (c && c->channel == ACD_CH_EMAIL &&
	    web_user_tenant(w->cfg, u, acd_tenant_name(w->acd, c->tenant))) {
		if (u->role != CONFIG_ROLE_AGENT)
			return c;
		*agentp = acd_agent_find(w->acd, c->tenant,
		                         w->cfg->agents[u->agent.index].name);
		if (*agentp != ACD_NONE && c->agent == *agentp)
			return c;
	}
	web_reply_error(r, 404, "not-found", "no open e-mail %s",
	                call->params[0]);
	return NULL;
}

static void answer_reply(struct web_reply *r, int err,
                         const struct email_answer *a)
{
	switch (err) {
	case 0:
		web_reply_json(r, a->duplicate ? 200 : 201,
		               json_pack("{s:I,s:s,s:b}", "seq",
		                         (json_int_t)a->seq, "message_id",
		                         a->message_id, "duplicate",
		                         a->duplicate));
		return;
	case EPERM:
		web_reply_error(r, 409, "state-refused",
		                "answer an e-mail once connected with it");
		return;
	case ENOENT:
		web_reply_error(r, 409, "state-refused", "the e-mail is over");
		return;
	case ENOTSUP:
		web_reply_error(r, 409, "state-refused",
		                "its mailbox has no smtp server");
		return;
	case EINVAL:
		web_reply_error(r, 400, "bad-request",
		                "the e-mail has no address to answer");
		return;
	default:
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the answer could not be recorded; send it "
		                "again with the same client_id");
		return;
	}
}

void web_api_contact_reply(struct web *w, struct web_call *call,
                           struct web_reply *r)
{
	static const char *const keys[] = {"client_id", "body", NULL};
	struct email_answer a = {0};
	const struct desk_contact *c;
	const char *id, *body;
	uint32_t agent;
	json_t *obj;

	if (!w->email) {
		web_reply_error(r, 409, "state-refused",
		                "the e-mail channel is not configured");
		return;
	}
	if (!(c = reply_target(w, call, r, &agent)))
		return;
	if (agent == ACD_NONE) {
		web_reply_error(
		    r, 403, "forbidden",
		    "only the agent handling the e-mail answers it");
		return;
	}
	obj = web_body_object(call, r, keys);
	if (obj &&
	    web_field_string(r, obj, "client_id", true, REPLY_CLIENT_MAX,
	                     &id) &&
	    web_field_string(r, obj, "body", true, REPLY_BODY_MAX + 1, &body))
		answer_reply(
		    r, email_answer(w->email, c->key, agent, id, body, &a), &a);
	json_decref(obj);
}
