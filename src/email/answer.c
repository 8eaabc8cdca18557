/*
 * answer.c - an agent's answer to an e-mail contact: committed to its
 * conversation first, then mailed with the headers that keep the thread
 * (In-Reply-To: the customer's latest mail; References: the thread's).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <centralino/acd.h>

#include "desk/desk.h"
#include "email/email_int.h"
#include "store/store.h"

#define REFS_TEXT_MAX 4096

/* What an answer needs from the contact and its conversation. */
struct thread {
	json_t *mail;    /* the payload: the first mail */
	char last[1000]; /* the customer's latest Message-ID */
	char refs[REFS_TEXT_MAX];
	size_t nrefs;
};

static void ref_add(struct thread *t, const char *id)
{
	size_t n = strlen(t->refs);

	if (!id || !*id || strstr(t->refs, id) ||
	    n + strlen(id) + 2 >= sizeof(t->refs))
		return;
	snprintf(t->refs + n, sizeof(t->refs) - n, "%s%s", n ? " " : "", id);
}

static int visitor_h(const struct store_message *m, void *arg)
{
	struct thread *t = arg;

	if (strcmp(m->sender, "visitor") || m->client_id[0] != '<')
		return 0;
	snprintf(t->last, sizeof(t->last), "%s", m->client_id);
	ref_add(t, m->client_id);
	return 0;
}

/* The thread of contact c: its first mail, then its follow-ups. */
static int thread_read(struct email *e, const struct desk_contact *c,
                       struct thread *t)
{
	json_t *refs, *v;
	size_t i;

	t->mail = c->payload ? json_loads(c->payload, 0, NULL) : NULL;
	if (!json_is_object(t->mail))
		return EINVAL;
	refs = json_object_get(t->mail, "references");
	json_array_foreach(refs, i, v) ref_add(t, json_string_value(v));
	v = json_object_get(t->mail, "message_id");
	ref_add(t, json_string_value(v));
	snprintf(t->last, sizeof(t->last), "%s",
	         json_is_string(v) ? json_string_value(v) : "");
	return store_messages_read(e->store, c->key, 0, 0, visitor_h, t) ? EIO
	                                                                 : 0;
}

static size_t mailbox_of(const struct email *e, const json_t *mail)
{
	const char *name = json_string_value(json_object_get(mail, "mailbox"));

	for (size_t i = 0; name && i < e->cfg->nmailboxes; i++)
		if (!strcmp(e->cfg->mailboxes[i].name, name))
			return i;
	return SIZE_MAX;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Mail the committed answer; 0 or an errno (logged: it is on record). */
static int mail_answer(struct email *e, size_t mb, uint64_t key,
                       const struct thread *t, const char *body, const char *id)
{
	const struct config_mailbox *b = &e->cfg->mailboxes[mb];
	char subject[1100];
	struct email_out o = {
	    .from = b->address,
	    .display = b->display[0] ? b->display : NULL,
	    .to = str(t->mail, "reply_to") ? str(t->mail, "reply_to")
	                                   : str(t->mail, "from"),
	    .subject = subject,
	    .body = body,
	    .message_id = id,
	    .in_reply_to = t->last[0] ? t->last : NULL,
	    .references = t->refs,
	};

	if (!o.to)
		return EINVAL;
	email_reply_subject(str(t->mail, "subject"), key, subject,
	                    sizeof(subject));
	return email_send(e, mb, key, &o);
}

int email_answer(struct email *e, uint64_t key, uint32_t agent,
                 const char *client_id, const char *body,
                 struct email_answer *a)
{
	const struct desk_contact *c = e ? desk_find(e->desk, key) : NULL;
	struct thread t = {0};
	char seed[256];
	size_t mb;
	int err;

	if (!c || c->channel != ACD_CH_EMAIL)
		return ENOENT;
	if (!client_id || !*client_id || !body || strlen(client_id) > 128)
		return EINVAL;
	err = thread_read(e, c, &t);
	if (err)
		goto out;
	mb = mailbox_of(e, t.mail);
	if (mb == SIZE_MAX || !e->cfg->mailboxes[mb].smtp[0]) {
		err = ENOTSUP;
		goto out;
	}
	/* the same answer sent again has the same id: found, not doubled */
	snprintf(seed, sizeof(seed), "%llu/%s", (unsigned long long)key,
	         client_id);
	email_new_id(e->cfg->mailboxes[mb].address, seed, a->message_id,
	             sizeof(a->message_id));
	err = desk_message(e->desk, key, "agent", agent, a->message_id, body,
	                   &a->seq, &a->duplicate);
	if (err || a->duplicate)
		goto out;
	e->st.answered++;
	if (mail_answer(e, mb, key, &t, body, a->message_id))
		e->st.send_failed++;
out:
	json_decref(t.mail);
	return err;
}
