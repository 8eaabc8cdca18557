/*
 * config_email.h - the email section: mailboxes read over IMAP into
 * queues, answers sent over SMTP, routing rules (docs/email.md).
 */
#ifndef CENTRALINO_CONFIG_EMAIL_H
#define CENTRALINO_CONFIG_EMAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"

#define CONFIG_EMAIL_RULE_SKILLS 4
#define CONFIG_EMAIL_TEXT_MAX    128

/** A skill and level a rule asks for. */
struct config_email_skill {
	char name[CONFIG_NAME_MAX];
	unsigned level; /* 1..5 */
};

/**
 * A routing rule: every condition given must hold (case-insensitive
 * substrings of the sender's address and of the subject; the language
 * detected, "it", "es", "en"...). The first rule that holds applies.
 */
struct config_email_rule {
	char from[CONFIG_EMAIL_TEXT_MAX];
	char subject[CONFIG_EMAIL_TEXT_MAX];
	char language[8];
	int priority; /* added to the queue's */
	struct config_email_skill skills[CONFIG_EMAIL_RULE_SKILLS];
	unsigned nskills;
	struct config_loc loc;
};

/** One mailbox: where mail comes from, which queue it goes to. */
struct config_mailbox {
	char name[CONFIG_NAME_MAX];
	struct config_ref tenant, queue;
	char imap[CONFIG_URL_MAX]; /* imaps://host[:port]/MAILBOX, imap:// */
	char user[CONFIG_NAME_MAX * 2];
	char password[CONFIG_SECRET_MAX];
	char smtp[CONFIG_URL_MAX]; /* smtps://, smtp://; "": no answers */
	char smtp_user[CONFIG_NAME_MAX * 2];
	char smtp_password[CONFIG_SECRET_MAX];
	/* a PEM file of the certificate authorities to trust for this
	 * mailbox's IMAP and SMTP (a private CA); "": the system's */
	char tls_ca[CONFIG_PATH_MAX];
	char address[CONFIG_EMAIL_TEXT_MAX]; /* the tenant's From address */
	char display[CONFIG_EMAIL_TEXT_MAX]; /* its display name, or "" */
	bool acknowledge;                    /* the automatic answer */
	/* a follow-up waits this long for the agent who last answered the
	 * thread (last-agent routing); 0: straight to the queue */
	acd_time_t last_agent_wait;
	struct config_email_rule *rules;
	size_t nrules;
	struct config_loc loc, name_loc;
};

struct config_email {
	acd_time_t poll;             /* between two looks at a mailbox, ms */
	size_t max_message_bytes;    /* larger mails are cut (kept, flagged) */
	size_t max_attachment_bytes; /* larger attachments are not kept */
	char attachments[CONFIG_PATH_MAX]; /* "": next to the store */
	struct config_mailbox *mailboxes;
	size_t nmailboxes;
};

struct cctx;
struct cnode;
/** The email section (config.c's table). */
bool config_email_section(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj);
/** Tenants, queues and skills named by the section. */
void config_email_resolve(struct cctx *c, struct config *cfg);
/** Free cfg's email section; NULL is accepted. */
void config_email_free(struct config_email *e);

#endif
