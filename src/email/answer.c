/*
 * answer.c - an agent's answer to an e-mail contact: committed to its
 * conversation first, and with it queued in the store's outbox (one
 * transaction: a trigger), then mailed with the headers that keep the
 * thread (In-Reply-To: the customer's latest mail before it; References:
 * the thread's). The outbox records every SMTP attempt; what is still
 * queued at start (a crash, a stop, an SMTP server down) is sent then,
 * built again from the store exactly as it would have been.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <centralino/acd.h>

#include "core/log.h"
#include "desk/desk.h"
#include "email/email_int.h"
#include "store/store.h"

#define REFS_TEXT_MAX 4096

/* What an answer needs from the contact and its conversation. */
struct thread {
	json_t *mail;    /* the payload: the first mail */
	uint64_t upto;   /* the answer's seq: only what came before counts */
	char *body;      /* the answer's text, as committed */
	char last[1000]; /* the customer's latest Message-ID */
	char refs[REFS_TEXT_MAX];
};

static void ref_add(struct thread *t, const char *id)
{
	size_t n = strlen(t->refs);

	if (!id || !*id || strstr(t->refs, id) ||
	    n + strlen(id) + 2 >= sizeof(t->refs))
		return;
	snprintf(t->refs + n, sizeof(t->refs) - n, "%s%s", n ? " " : "", id);
}

static int message_h(const struct store_message *m, void *arg)
{
	struct thread *t = arg;

	if (m->seq == t->upto && !strcmp(m->sender, "agent")) {
		free(t->body);
		t->body = m->body ? strdup(m->body) : NULL;
		return 0;
	}
	if (m->seq > t->upto || strcmp(m->sender, "visitor") ||
	    m->client_id[0] != '<')
		return 0;
	snprintf(t->last, sizeof(t->last), "%s", m->client_id);
	ref_add(t, m->client_id);
	return 0;
}

static int payload_h(const struct store_contact *c, void *arg)
{
	struct thread *t = arg;

	t->mail = c->payload ? json_loads(c->payload, 0, NULL) : NULL;
	return 0;
}

/* The thread of contact key up to answer seq, from the store (the
 * contact may have ended, in this run or an earlier one): its first
 * mail, the follow-ups before the answer, and the answer's text. */
static int thread_read(struct email *e, uint64_t key, uint64_t seq,
                       struct thread *t)
{
	json_t *refs, *v;
	size_t i;
	int err;

	t->upto = seq;
	err = store_contact_get(e->store, key, payload_h, t);
	if (err)
		return err;
	if (!json_is_object(t->mail))
		return EINVAL;
	refs = json_object_get(t->mail, "references");
	json_array_foreach(refs, i, v) ref_add(t, json_string_value(v));
	v = json_object_get(t->mail, "message_id");
	ref_add(t, json_string_value(v));
	snprintf(t->last, sizeof(t->last), "%s",
	         json_is_string(v) ? json_string_value(v) : "");
	return store_messages_read(e->store, key, 0, 0, message_h, t) ? EIO : 0;
}

static void thread_free(struct thread *t)
{
	json_decref(t->mail);
	free(t->body);
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

/* ---- the outbox --------------------------------------------------------- */

/* An answer of the outbox, copied out of the store's row. */
struct queued {
	uint64_t message, contact, seq;
	char message_id[160];
	unsigned attempts;
};

/* Hand queued answer q to the worker; why not, in *whyp (given up). */
static int outbox_send(struct email *e, const struct queued *q,
                       const char **whyp)
{
	struct thread t = {0};
	struct email_out o = {0};
	const struct config_mailbox *b;
	char subject[1100];
	size_t mb;
	int err = thread_read(e, q->contact, q->seq, &t);

	*whyp = "the contact or its conversation cannot be read";
	if (err)
		goto out;
	mb = mailbox_of(e, t.mail);
	*whyp = "its mailbox is no longer configured to send";
	if (mb == SIZE_MAX || !e->cfg->mailboxes[mb].smtp[0]) {
		err = ENOTSUP;
		goto out;
	}
	b = &e->cfg->mailboxes[mb];
	o.from = b->address;
	o.display = b->display[0] ? b->display : NULL;
	o.to = str(t.mail, "reply_to") ? str(t.mail, "reply_to")
	                               : str(t.mail, "from");
	o.subject = subject;
	o.body = t.body;
	o.message_id = q->message_id;
	o.in_reply_to = t.last[0] ? t.last : NULL;
	o.references = t.refs;
	*whyp = "no recipient, or its text is gone (anonymised)";
	if (!o.to || !o.body) {
		err = EINVAL;
		goto out;
	}
	email_reply_subject(str(t.mail, "subject"), q->contact, subject,
	                    sizeof(subject));
	err = email_send(e, mb, q->contact, q->message, q->attempts, &o);
	*whyp = "out of memory";
out:
	thread_free(&t);
	return err;
}

struct collect {
	struct queued *v;
	size_t n, cap;
};

static int collect_h(const struct store_outbox *o, void *arg)
{
	struct collect *c = arg;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct queued *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n] = (struct queued){.message = o->message,
	                             .contact = o->contact,
	                             .seq = o->seq,
	                             .attempts = o->attempts};
	snprintf(c->v[c->n++].message_id, sizeof(c->v->message_id), "%s",
	         o->message_id ? o->message_id : "");
	return 0;
}

/* Send the queued answers of the store (contact 0: all, else contact's
 * message_id); collected first, since a failure writes to the table. */
static size_t outbox_flush(struct email *e, uint64_t contact,
                           const char *message_id)
{
	struct collect c = {0};
	size_t sent = 0;
	const char *why;
	int err =
	    store_outbox_queued(e->store, contact, message_id, collect_h, &c);

	if (err)
		log_event(LOG_ERROR, "email.outbox-failed",
		          "error=\"%s\" hint=\"the answers stay queued in the "
		          "store and are sent at the next start\"",
		          store_errmsg(e->store));
	for (size_t i = 0; i < c.n; i++) {
		const struct queued *q = &c.v[i];

		err = outbox_send(e, q, &why);
		if (!err) {
			sent++;
			continue;
		}
		log_event(LOG_ERROR, "email.send-failed",
		          "contact=%llu message_id=%s error=\"%s\"",
		          (unsigned long long)q->contact, q->message_id, why);
		e->st.send_failed++;
		if (err != ENOMEM) /* for good: nothing to send it with */
			(void)store_outbox_attempt(e->store, q->message,
			                           q->attempts, why, true);
	}
	free(c.v);
	return sent;
}

size_t email_outbox_resume(struct email *e)
{
	size_t n = outbox_flush(e, 0, NULL);

	if (n)
		log_event(LOG_INFO, "email.outbox-resumed", "answers=%zu", n);
	return n;
}

void email_outbox_sent(struct email *e, const struct email_sent *s)
{
	int err = store_outbox_attempt(e->store, s->outbox, s->attempts,
	                               s->err ? s->error : NULL, s->final);

	if (err)
		log_event(LOG_ERROR, "email.outbox-failed",
		          "contact=%llu message_id=%s error=\"%s\"",
		          (unsigned long long)s->key, s->message_id,
		          store_errmsg(e->store));
}

/* ---- the agent's answer ------------------------------------------------- */

int email_answer(struct email *e, uint64_t key, uint32_t agent,
                 const char *client_id, const char *body,
                 struct email_answer *a)
{
	const struct desk_contact *c = e ? desk_find(e->desk, key) : NULL;
	json_t *mail;
	char seed[256];
	size_t mb;
	int err;

	if (!c || c->channel != ACD_CH_EMAIL)
		return ENOENT;
	if (!client_id || !*client_id || !body || strlen(client_id) > 128)
		return EINVAL;
	mail = c->payload ? json_loads(c->payload, 0, NULL) : NULL;
	mb = mailbox_of(e, mail);
	json_decref(mail);
	if (mb == SIZE_MAX || !e->cfg->mailboxes[mb].smtp[0])
		return ENOTSUP;
	/* the same answer sent again has the same id: found, not doubled */
	snprintf(seed, sizeof(seed), "%llu/%s", (unsigned long long)key,
	         client_id);
	email_new_id(e->cfg->mailboxes[mb].address, seed, a->message_id,
	             sizeof(a->message_id));
	/* committed with its row in the outbox (a trigger): from here it is
	 * sent, now or after a crash, by the next start */
	err = desk_message(e->desk, key, "agent", agent, a->message_id, body,
	                   &a->seq, &a->duplicate);
	if (err || a->duplicate)
		return err;
	e->st.answered++;
	outbox_flush(e, key, a->message_id);
	return 0;
}
