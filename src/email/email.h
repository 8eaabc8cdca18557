/*
 * email.h - the e-mail channel: mailboxes in, answers out, threads kept.
 *
 * Each configured mailbox is read over IMAP (a worker thread, never the
 * event loop); a new mail becomes an e-mail contact in its queue through
 * the desk, committed to the store before the mail is marked as taken in
 * its mailbox, so a crash in between loses nothing and, the mail's
 * Message-ID being on record with its contact, doubles nothing. A reply
 * from the customer joins its conversation (In-Reply-To, References, or
 * "[#KEY]" in the subject); an agent's answer goes out over SMTP with
 * its threading headers. Machines (auto-replies, bounces, lists) get no
 * automatic answer. docs/email.md tells the whole story.
 */
#ifndef CENTRALINO_EMAIL_H
#define CENTRALINO_EMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct acd;
struct desk;
struct store;
struct config_hold;
struct email;

struct email_params {
	struct acd *acd;
	struct desk *desk;       /* required: contacts are the desk's */
	struct store *store;     /* required: nothing is taken unrecorded */
	struct config_hold *cfg; /* referenced for the channel's life */
	const char *store_path;  /* attachments go next to it by default */
};

/**
 * Start the channel on the configuration's email section (none: *ep is
 * NULL and 0 is returned). Returns 0, EINVAL (no store or desk), ENOMEM,
 * or the errno of the attachments' folder or of the worker thread.
 */
int email_alloc(struct email **ep, const struct email_params *p);

/** Stop the worker (what is in flight is taken again at the next
 * start) and free. NULL is accepted. */
void email_free(struct email *e);

/** What an agent's answer became. */
struct email_answer {
	uint64_t seq;         /* in the conversation */
	bool duplicate;       /* client_id seen before: not sent again */
	char message_id[160]; /* of the mail sent */
};

/**
 * Answer e-mail contact key as agent (who must be connected with it):
 * the text is committed to its conversation and, in the same
 * transaction, queued in the store's outbox; then it is sent to the
 * customer over the mailbox's SMTP server with Message-ID, In-Reply-To
 * and References, tried again while the server is down, and by the next
 * start if the daemon stops first. client_id is the agent's own id for
 * it: sent again, the same answer is found and not mailed twice. Returns
 * 0 and *a once committed; ENOENT
 * (no such live e-mail contact), EPERM (not this agent's or not
 * connected), ENOTSUP (its mailbox sends nothing), EINVAL, EIO/ENOSPC
 * (the store could not record it: nothing was sent), ENOMEM.
 */
int email_answer(struct email *e, uint64_t key, uint32_t agent,
                 const char *client_id, const char *body,
                 struct email_answer *a);

/**
 * Mail text (plain, UTF-8) about contact key to to, from a mailbox of
 * tenant that sends (one of queue's first): a chat's transcript. Not kept
 * in the outbox (tried 5 times, as an acknowledgement); marked as
 * automatic. Returns 0 (queued), ENOTSUP (no mailbox of the tenant
 * sends), ENOMEM.
 */
int email_notify(struct email *e, const char *tenant, const char *queue,
                 uint64_t key, const char *to, const char *subject,
                 const char *text);

struct email_stats {
	uint64_t taken;      /* mails that became contacts */
	uint64_t threaded;   /* follow-ups joined to a live conversation */
	uint64_t duplicates; /* fetched again, already on record */
	uint64_t loops;      /* our own mail coming back, dropped */
	uint64_t acknowledged, answered, sent, send_failed;
};
void email_stats(const struct email *e, struct email_stats *st);

#endif
