/*
 * email.c - the channel on the event loop: a fetched mail becomes a
 * contact (or joins its conversation), is marked taken only after the
 * commit; acknowledgements and agents' answers are built and handed to
 * the worker for SMTP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include <centralino/acd.h>

#include "core/config.h"
#include "core/config_email.h"
#include "core/log.h"
#include "desk/desk.h"
#include "email/email.h"
#include "email/email_int.h"
#include "store/store.h"

/* mkdir -p path; 0 or errno. */
static int mkdirs(const char *path)
{
	char buf[CONFIG_PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST)
				return errno;
			*p = '/';
		}
	return mkdir(buf, 0755) && errno != EEXIST ? errno : 0;
}

/* The attachments' folder: configured, or "attachments" beside the
 * store's file. */
static void attachments_dir(const struct config_email *cfg,
                            const char *store_path, char *buf, size_t size)
{
	const char *slash = store_path ? strrchr(store_path, '/') : NULL;

	if (cfg->attachments[0])
		snprintf(buf, size, "%s", cfg->attachments);
	else if (slash)
		snprintf(buf, size, "%.*s/attachments",
		         (int)(slash - store_path), store_path);
	else
		snprintf(buf, size, "attachments");
}

/* ---- a mail in --------------------------------------------------------- */

static const char *tenant_of(const struct email *e, size_t mb)
{
	return e->cfg->mailboxes[mb].tenant.name;
}

static json_t *attachments_json(const struct email_mail *m)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < m->natt; i++) {
		const struct email_attachment *t = &m->att[i];
		const char *file = t->path ? strrchr(t->path, '/') : NULL;

		json_array_append_new(
		    a, json_pack("{s:s?,s:s?,s:I,s:s?,s:b}", "name", t->name,
		                 "type", t->type, "size", (json_int_t)t->size,
		                 "file", file ? file + 1 : NULL, "refused",
		                 t->refused || (!t->path && t->size)));
	}
	return a;
}

static json_t *references_json(const struct email_mail *m)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < m->nreferences; i++)
		json_array_append_new(a, json_string(m->references[i]));
	return a;
}

/* The contact's data: the mail, its text and HTML apart (the HTML is
 * the sender's, unsafe: pages must sanitise it). */
static char *payload_of(const struct email *e, size_t mb,
                        const struct email_mail *m, const char *language,
                        const char *automatic, uint64_t thread)
{
	json_t *j = json_pack(
	    "{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:b,s:b,"
	    "s:b,s:o,s:o,s:s?,s:I}",
	    "mailbox", e->cfg->mailboxes[mb].name, "message_id", m->message_id,
	    "in_reply_to", m->in_reply_to, "from", m->from, "from_name",
	    m->from_name, "reply_to", m->reply_to, "to", m->to, "subject",
	    m->subject, "date", m->date, "text", m->text, "html_unsafe",
	    m->html, "text_cut", m->text_cut || m->html_cut, "truncated",
	    m->truncated, "attachments_dropped", m->att_dropped > 0,
	    "attachments", attachments_json(m), "references",
	    references_json(m), "automatic", automatic, "thread",
	    (json_int_t)thread);
	char *text;

	if (!j)
		return NULL;
	if (language)
		json_object_set_new(j, "language", json_string(language));
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return text;
}

/* Priority and skills of the mailbox's first rule that holds. */
static void route_of(const struct email *e, size_t mb,
                     const struct email_mail *m, const char *language,
                     struct desk_request *rq)
{
	const struct config_mailbox *b = &e->cfg->mailboxes[mb];

	for (size_t i = 0; i < b->nrules; i++) {
		const struct config_email_rule *r = &b->rules[i];

		if (!email_rule_match(r, m, language))
			continue;
		rq->priority = r->priority;
		for (unsigned k = 0; k < r->nskills && k < ACD_MAX_REQS; k++) {
			uint32_t s = acd_skill_find(e->acd, r->skills[k].name);

			if (s == ACD_NONE)
				continue;
			rq->reqs[rq->nreqs].skill = s;
			rq->reqs[rq->nreqs++].min_proficiency =
			    (uint8_t)r->skills[k].level;
		}
		return;
	}
}

static void acknowledge(struct email *e, size_t mb, uint64_t key,
                        const struct email_mail *m, const char *language);

struct last_agent {
	char name[128];
};

static int last_agent_h(const struct store_message *m, void *arg)
{
	struct last_agent *la = arg;

	if (!strcmp(m->sender, "agent") && m->agent)
		snprintf(la->name, sizeof(la->name), "%s", m->agent);
	return 0;
}

/* A follow-up of thread goes first to the agent who last answered it
 * there, if that agent still exists (last-agent routing). */
static void prefer_last_agent(struct email *e, size_t mb, uint64_t thread,
                              struct desk_request *rq)
{
	const struct config_mailbox *b = &e->cfg->mailboxes[mb];
	struct last_agent la = {""};
	uint32_t agent;

	if (!thread || b->last_agent_wait <= 0 ||
	    store_messages_read(e->store, thread, 0, 0, last_agent_h, &la) ||
	    !la.name[0])
		return;
	agent = acd_agent_find(e->acd, acd_queue_tenant(e->acd, rq->queue),
	                       la.name);
	if (agent == ACD_NONE)
		return;
	rq->preferred_agent = agent;
	rq->preferred_wait_ms = b->last_agent_wait;
	log_event(LOG_INFO, "email.last-agent",
	          "mailbox=%s thread=%llu agent=%s wait_ms=%lld", b->name,
	          (unsigned long long)thread, la.name,
	          (long long)b->last_agent_wait);
}

/* A new contact for m; 0 or desk_create()'s errno. */
static int contact_new(struct email *e, size_t mb, const struct email_mail *m,
                       const char *automatic, uint64_t thread, uint64_t *keyp)
{
	const char *language =
	    email_language(m->content_language, m->text ? m->text : m->html);
	struct desk_request rq = {.channel = ACD_CH_EMAIL};
	const struct config_mailbox *b = &e->cfg->mailboxes[mb];
	char *payload;
	int err;

	rq.queue = acd_queue_find(
	    e->acd, acd_tenant_find(e->acd, b->tenant.name), b->queue.name);
	if (rq.queue == ACD_NONE)
		return ENOENT;
	route_of(e, mb, m, language, &rq);
	prefer_last_agent(e, mb, thread, &rq);
	payload = payload_of(e, mb, m, language, automatic, thread);
	if (!payload)
		return ENOMEM;
	rq.payload = payload;
	err = desk_create(e->desk, &rq, keyp);
	free(payload);
	if (!err && !automatic && !thread && b->acknowledge)
		acknowledge(e, mb, *keyp, m, language);
	return err;
}

/* A follow-up of live contact key: a message of its conversation. */
static int follow_up(struct email *e, uint64_t key, const struct email_mail *m)
{
	uint64_t seq;
	bool dup;
	const char *body = m->text      ? m->text
	                   : m->html    ? m->html
	                   : m->subject ? m->subject
	                                : "";

	return desk_message(e->desk, key, "visitor", ACD_NONE, m->message_id,
	                    body, &seq, &dup);
}

/* The loop's verdict on a fetched mail: taken only once on record. */
static void fetched_h(size_t mb, uint32_t uid, struct email_mail *m, void *arg)
{
	struct email *e = arg;
	const char *tenant = tenant_of(e, mb), *automatic;
	const char *name = e->cfg->mailboxes[mb].name;
	uint64_t key = 0, thread;
	int err;

	err = store_email_find(e->store, tenant, m->message_id, &key);
	if (!err) { /* on record, not marked: a crash came between */
		e->st.duplicates++;
		log_event(LOG_INFO, "email.duplicate",
		          "mailbox=%s uid=%u contact=%llu", name, uid,
		          (unsigned long long)key);
		email_worker_taken(e->worker, mb, uid);
		goto out;
	}
	if (err != ENOENT)
		goto refused;
	if (email_is_loop(m, e->cfg->mailboxes[mb].address)) {
		e->st.loops++;
		log_event(LOG_WARN, "email.loop-dropped", "mailbox=%s uid=%u",
		          name, uid);
		email_worker_taken(e->worker, mb, uid);
		goto out;
	}
	automatic = email_automatic(m);
	thread = email_thread_find(e->store, tenant, m);
	if (thread && desk_find(e->desk, thread)) {
		err = follow_up(e, thread, m);
		if (!err) {
			e->st.threaded++;
			log_event(LOG_INFO, "email.threaded",
			          "mailbox=%s uid=%u contact=%llu", name, uid,
			          (unsigned long long)thread);
			email_worker_taken(e->worker, mb, uid);
			goto out;
		}
		if (err == EIO || err == ENOSPC)
			goto refused;
		/* over (in wrap-up): a new contact linked to it */
	}
	err = contact_new(e, mb, m, automatic, thread, &key);
	if (err)
		goto refused;
	e->st.taken++;
	log_event(LOG_INFO, "email.contact",
	          "mailbox=%s uid=%u contact=%llu thread=%llu automatic=%s",
	          name, uid, (unsigned long long)key,
	          (unsigned long long)thread, automatic ? automatic : "no");
	email_worker_taken(e->worker, mb, uid);
	goto out;
refused:
	/* left unmarked: fetched again at a later poll */
	log_event(LOG_WARN, "email.refused", "mailbox=%s uid=%u error=\"%s\"",
	          name, uid, strerror(err));
	email_worker_release(e->worker, mb, uid);
out:
	email_mail_free(m);
}

/* ---- answers out ------------------------------------------------------- */

void email_new_id(const char *address, const char *seed, char *buf, size_t size)
{
	unsigned char h[16];
	char hex[33];
	const char *at = strchr(address, '@');

	if (seed)
		crypto_generichash(h, sizeof(h), (const unsigned char *)seed,
		                   strlen(seed), NULL, 0);
	else
		randombytes_buf(h, sizeof(h));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(buf, size, "<%s.centralino@%s>", hex, at ? at + 1 : "local");
}

int email_send(struct email *e, size_t mb, uint64_t key, uint64_t outbox,
               unsigned attempts, const struct email_out *o)
{
	char *text;
	size_t len;
	int err = email_mime_build(o, &text, &len);

	if (err)
		return err;
	return email_worker_send(e->worker, mb, key, outbox, attempts,
	                         o->message_id, o->to, text, len);
}

static const char *ack_text(const char *language)
{
	if (language && !strcmp(language, "it"))
		return "Gentile cliente,\n\nabbiamo ricevuto il suo messaggio "
		       "e le risponderemo al più presto. Il riferimento è "
		       "indicato nell'oggetto: lo conservi nelle risposte.\n";
	if (language && !strcmp(language, "es"))
		return "Estimado cliente:\n\nhemos recibido su mensaje y le "
		       "responderemos lo antes posible. La referencia figura "
		       "en el asunto: consérvela en sus respuestas.\n";
	return "Dear customer,\n\nwe have received your message and will "
	       "answer as soon as we can. The reference is in the subject: "
	       "please keep it in your replies.\n";
}

/* References of an answer to m: its own, then m's id. */
static void references_of(const struct email_mail *m, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->nreferences; i++)
		if (n + strlen(m->references[i]) + 2 < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
			                      n ? " " : "", m->references[i]);
	if (n + strlen(m->message_id) + 2 < size)
		snprintf(buf + n, size - n, "%s%s", n ? " " : "",
		         m->message_id);
}

/* The automatic answer with the reference, once per thread: only a mail
 * that starts one (not a follow-up, not a machine's) gets it. */
static void acknowledge(struct email *e, size_t mb, uint64_t key,
                        const struct email_mail *m, const char *language)
{
	const struct config_mailbox *b = &e->cfg->mailboxes[mb];
	char subject[1100], id[160], refs[4096];
	struct email_out o = {
	    .from = b->address,
	    .display = b->display[0] ? b->display : NULL,
	    .to = m->reply_to ? m->reply_to : m->from,
	    .subject = subject,
	    .body = ack_text(language),
	    .message_id = id,
	    .in_reply_to = m->message_id,
	    .references = refs,
	    .auto_reply = true,
	};
	int err;

	if (!o.to || !b->smtp[0])
		return;
	email_reply_subject(m->subject, key, subject, sizeof(subject));
	email_new_id(b->address, NULL, id, sizeof(id));
	references_of(m, refs, sizeof(refs));
	err = email_send(e, mb, key, 0, 0, &o);
	if (!err)
		e->st.acknowledged++;
	log_event(err ? LOG_WARN : LOG_INFO, "email.acknowledge",
	          "contact=%llu queued=%s", (unsigned long long)key,
	          err ? "no" : "yes");
}

/* The mailbox that sends for tenant: one of queue's, else any of the
 * tenant's with an SMTP server; SIZE_MAX when none. */
static size_t sender_of(const struct email *e, const char *tenant,
                        const char *queue)
{
	size_t any = SIZE_MAX;

	for (size_t i = 0; i < e->cfg->nmailboxes; i++) {
		const struct config_mailbox *b = &e->cfg->mailboxes[i];

		if (strcmp(b->tenant.name, tenant) || !b->smtp[0])
			continue;
		if (queue && !strcmp(b->queue.name, queue))
			return i;
		if (any == SIZE_MAX)
			any = i;
	}
	return any;
}

int email_notify(struct email *e, const char *tenant, const char *queue,
                 uint64_t key, const char *to, const char *subject,
                 const char *text)
{
	size_t mb = e && tenant ? sender_of(e, tenant, queue) : SIZE_MAX;
	char id[160];
	struct email_out o = {
	    .to = to,
	    .subject = subject,
	    .body = text,
	    .message_id = id,
	    .auto_reply = true,
	};
	int err;

	if (mb == SIZE_MAX)
		return ENOTSUP;
	o.from = e->cfg->mailboxes[mb].address;
	o.display = e->cfg->mailboxes[mb].display[0]
	                ? e->cfg->mailboxes[mb].display
	                : NULL;
	email_new_id(o.from, NULL, id, sizeof(id));
	err = email_send(e, mb, key, 0, 0, &o);
	log_event(err ? LOG_WARN : LOG_INFO, "email.notify",
	          "contact=%llu mailbox=%s queued=%s", (unsigned long long)key,
	          e->cfg->mailboxes[mb].name, err ? "no" : "yes");
	return err;
}

static void sent_h(const struct email_sent *s, void *arg)
{
	struct email *e = arg;

	if (s->outbox) /* an answer: its attempts are kept */
		email_outbox_sent(e, s);
	if (!s->final)
		return;
	if (s->err)
		e->st.send_failed++;
	else
		e->st.sent++;
	log_event(s->err ? LOG_ERROR : LOG_INFO,
	          s->err ? "email.send-failed" : "email.sent",
	          "contact=%llu message_id=%s attempts=%u%s%s%s",
	          (unsigned long long)s->key,
	          s->message_id ? s->message_id : "-", s->attempts,
	          s->err ? " error=\"" : "", s->err ? s->error : "",
	          s->err ? "\"" : "");
}

/* ---- lifetime ---------------------------------------------------------- */

int email_alloc(struct email **ep, const struct email_params *p)
{
	const struct config *cfg = config_hold_cfg(p->cfg);
	struct email_worker_params wp = {.fetchedh = fetched_h,
	                                 .senth = sent_h};
	struct email *e;
	int err;

	*ep = NULL;
	if (!cfg->email || !cfg->email->nmailboxes)
		return 0;
	if (!p->store || !p->desk)
		return EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->acd = p->acd;
	e->desk = p->desk;
	e->store = p->store;
	e->hold = config_hold_ref(p->cfg);
	e->cfg = cfg->email;
	email_mime_init();
	attachments_dir(e->cfg, p->store_path, wp.attachments,
	                sizeof(wp.attachments));
	err = mkdirs(wp.attachments);
	if (err)
		log_event(LOG_ERROR, "email.attachments-failed",
		          "dir=%s error=\"%s\"", wp.attachments, strerror(err));
	wp.cfg = e->cfg;
	wp.arg = e;
	if (!err)
		err = email_worker_start(&e->worker, &wp);
	if (err) {
		email_free(e);
		return err;
	}
	log_event(LOG_INFO, "email.started", "mailboxes=%zu poll_ms=%lld",
	          e->cfg->nmailboxes, (long long)e->cfg->poll);
	/* answers committed by an earlier run and not sent: now */
	email_outbox_resume(e);
	*ep = e;
	return 0;
}

void email_free(struct email *e)
{
	if (!e)
		return;
	email_worker_stop(e->worker);
	config_hold_unref(e->hold);
	free(e);
}

void email_stats(const struct email *e, struct email_stats *st)
{
	*st = e->st;
}
