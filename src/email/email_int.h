/*
 * email_int.h - the e-mail channel's internals, shared by src/email/ only:
 * a mail as parsed (plain C, no GMime type escapes mime.c), the header
 * rules, and the worker that talks IMAP and SMTP off the event loop.
 */
#ifndef CENTRALINO_EMAIL_INT_H
#define CENTRALINO_EMAIL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <centralino/acd.h>

#include "core/config_email.h"
#include "email/email.h"

#define EMAIL_REFS_MAX     20           /* References kept, the last ones */
#define EMAIL_TEXT_MAX     (256u << 10) /* a text or HTML part, kept */
#define EMAIL_ATTACH_MAX_N 32           /* attachments kept per mail */

/** An attachment: decoded, kept in memory until saved. */
struct email_attachment {
	char *name;          /* the file name given, or "part-N" */
	char *type;          /* "application/pdf" */
	unsigned char *data; /* NULL when over the size limit */
	size_t size;         /* decoded size (of what was there) */
	char *path;          /* where it was saved, or NULL */
	bool refused;        /* over max_attachment_bytes: not kept */
};

/** One mail, as the channel needs it. Every string is owned, UTF-8. */
struct email_mail {
	char *message_id; /* "<id@host>"; made up from the content if none */
	char *in_reply_to;
	char *references[EMAIL_REFS_MAX];
	size_t nreferences;
	char *from;      /* the sender's address */
	char *from_name; /* display name, or NULL */
	char *reply_to;  /* address to answer, or NULL (from) */
	char *to;        /* the To header as given, decoded */
	char *subject;
	char *date; /* the Date header, as given */
	char *content_language;
	char *text; /* the text/plain part, or NULL */
	char *html; /* the text/html part, unsafe, or NULL */
	bool text_cut, html_cut;
	struct email_attachment att[EMAIL_ATTACH_MAX_N];
	size_t natt;
	size_t att_dropped; /* beyond EMAIL_ATTACH_MAX_N */
	/* what the header rules look at */
	char *auto_submitted, *precedence, *list_id, *return_path;
	char *x_autoreply, *x_loop, *content_type;
	bool truncated; /* the raw mail was over max_message_bytes */
	size_t raw_size;
};

/* ---- mime.c: GMime ---- */

/** Once per process, before any other GMime use (thread-safe). */
void email_mime_init(void);

/**
 * Parse raw (len bytes, an RFC 5322 message) into a new *mp: headers
 * decoded to UTF-8, the first text/plain and text/html parts decoded
 * (charset, quoted-printable, base64), other leaves as attachments, each
 * at most max_attachment bytes (beyond: refused, size kept). Never fails
 * on odd input: what cannot be read is left out. Returns 0, or ENOMEM.
 */
int email_mime_parse(const char *raw, size_t len, size_t max_attachment,
                     struct email_mail **mp);
void email_mail_free(struct email_mail *m);

/**
 * An answer as RFC 5322 text, UTF-8 quoted-printable, into a new
 * NUL-terminated *outp (*lenp bytes). auto_reply adds Auto-Submitted:
 * auto-replied. Returns 0, EINVAL or ENOMEM.
 */
struct email_out {
	const char *from, *display; /* the tenant's address and name */
	const char *to;
	const char *subject;
	const char *body;
	const char *message_id, *in_reply_to;
	const char *references; /* ids separated by spaces, or NULL */
	bool auto_reply;
};
int email_mime_build(const struct email_out *o, char **outp, size_t *lenp);

/* ---- rules.c: the header rules, pure ---- */

/**
 * Why m must get no automatic answer: "auto-submitted", "precedence",
 * "mailing-list", "bounce", "auto-reply"; NULL when it is a person's.
 */
const char *email_automatic(const struct email_mail *m);

/** Is m one of ours coming back (our address, or our loop header)? */
bool email_is_loop(const struct email_mail *m, const char *own_address);

/** The contact key in a subject's "[#123]", or 0. */
uint64_t email_subject_ref(const char *subject);

/**
 * The language of a mail: its Content-Language's primary tag, or a guess
 * from the most frequent common words of text ("it", "es", "en", "fr",
 * "de"), or NULL.
 */
const char *email_language(const char *content_language, const char *text);

/** Does rule r hold for m (language as email_language() found it)? */
bool email_rule_match(const struct config_email_rule *r,
                      const struct email_mail *m, const char *language);

/** "Re: " + subject unless it starts with one, + " [#key]" unless in it. */
int email_reply_subject(const char *subject, uint64_t key, char *buf,
                        size_t size);

/* ---- thread.c: which conversation a mail continues ---- */

struct store;

/**
 * The contact whose conversation m continues in tenant: one whose
 * Message-ID on record (taken or sent) is m's In-Reply-To, or one of its
 * References, latest first; else the e-mail contact of the tenant named
 * by "[#KEY]" in its subject, only when it came from the same sender (a
 * reference alone is easy to make up). 0: none, or the store failed.
 */
uint64_t email_thread_find(struct store *s, const char *tenant,
                           const struct email_mail *m);

/* ---- imap_line.c: the server lines IDLE needs ---- */

enum email_imap_kind {
	EMAIL_IMAP_OTHER = 0,  /* nothing IDLE needs: ignored */
	EMAIL_IMAP_CONTINUE,   /* "+ idling" */
	EMAIL_IMAP_EXISTS,     /* "* N EXISTS": the mailbox grew */
	EMAIL_IMAP_CAPABILITY, /* "* CAPABILITY ..." */
	EMAIL_IMAP_BYE,        /* "* BYE ...": the server leaves */
	EMAIL_IMAP_TAGGED,     /* "TAG OK|NO|BAD ...", TAG being ours */
};

struct email_imap_line {
	enum email_imap_kind kind;
	uint32_t number; /* EXISTS: N */
	bool idle;       /* CAPABILITY: lists IDLE */
	bool ok;         /* TAGGED: OK (else NO or BAD) */
	size_t literal;  /* the line ends with "{N}": N bytes follow it */
};

/**
 * Read one server line p[0..len) (without its CRLF) into *out; tag is
 * the tag of our command in progress. Never reads beyond len; what it
 * does not know is EMAIL_IMAP_OTHER. Returns 0, or EINVAL (NULL input).
 */
int email_imap_line(const char *p, size_t len, const char *tag,
                    struct email_imap_line *out);

/* ---- idle.c: one mailbox's IDLE connection, on the worker ---- */

struct email_idle;

/**
 * The IDLE connection of mailbox mb (borrowed for its life), not opened
 * yet: email_idle_run() logs in when it is due. Returns 0 or ENOMEM.
 */
int email_idle_alloc(struct email_idle **ip, const struct config_mailbox *mb);
void email_idle_free(struct email_idle *i);
/** The socket to wait on for input, or -1 (none now). */
int email_idle_fd(const struct email_idle *i);
/** When email_idle_run() is due without input (ms, CLOCK_MONOTONIC). */
int64_t email_idle_deadline(const struct email_idle *i);
/**
 * Do what is due at now: log in and start IDLE, read what the server
 * sent, answer a new mail with DONE and IDLE again, re-issue IDLE every
 * 25 minutes, close a broken connection and retry it later (1 s, 2 s, ...
 * 5 min). Never blocks for long but the login. Returns true when the
 * mailbox has new mail: poll it now.
 */
bool email_idle_run(struct email_idle *i, int64_t now);

/* ---- worker.c: IMAP and SMTP on a thread of their own ---- */

/**
 * The options every libcurl handle of mailbox mb shares: url, the login
 * (user and password; none when user is NULL), STARTTLS when offered
 * (mb->tls_ca trusted when set), 10 s to connect, timeout_ms in all,
 * no signals. h is a CURL *.
 */
void email_curl_setup(void *h, const struct config_mailbox *mb, const char *url,
                      const char *user, const char *password, long timeout_ms);

struct email_worker;

/** A mail fetched from mailbox (its index), handed to the loop. */
typedef void(email_fetched_h)(size_t mailbox, uint32_t uid,
                              struct email_mail *m, void *arg);
/** What became of one SMTP attempt. */
struct email_sent {
	uint64_t key;    /* the contact */
	uint64_t outbox; /* the answer's row in the outbox; 0: not kept */
	const char *message_id;
	int err;           /* 0: sent; else EIO */
	const char *error; /* the SMTP or network error, "" when sent */
	unsigned attempts; /* tries so far, this one included */
	bool final;        /* sent, or given up: no more tries */
};
/** An attempt's outcome: every one of an outbox answer's (its attempts
 * are recorded), the last one of other mails. */
typedef void(email_sent_h)(const struct email_sent *s, void *arg);

struct email_worker_params {
	const struct config_email *cfg; /* borrowed for the worker's life */
	char attachments[CONFIG_PATH_MAX];
	email_fetched_h *fetchedh;
	email_sent_h *senth;
	void *arg;
};

int email_worker_start(struct email_worker **wp,
                       const struct email_worker_params *p);
void email_worker_stop(struct email_worker *w);
/** The mail is on record: mark it taken in its mailbox. */
void email_worker_taken(struct email_worker *w, size_t mailbox, uint32_t uid);
/** The mail could not be taken now: fetch it again at a later poll. */
void email_worker_release(struct email_worker *w, size_t mailbox, uint32_t uid);
/**
 * Send text (RFC 5322, taken over) through mailbox's SMTP server to rcpt.
 * outbox: the answer's row in the outbox (0: a mail not kept, tried 5
 * times), attempts: the tries it had before (in an earlier run). A kept
 * answer is tried with growing waits (2 s, 4 s, ... up to 5 min) until
 * sent or EMAIL_OUTBOX_ATTEMPTS tries. Returns 0 or ENOMEM.
 */
int email_worker_send(struct email_worker *w, size_t mailbox, uint64_t key,
                      uint64_t outbox, unsigned attempts,
                      const char *message_id, const char *rcpt, char *text,
                      size_t len);
/** Tries of an outbox answer before it is given up: about 4 hours. */
#define EMAIL_OUTBOX_ATTEMPTS 60

/* ---- email.c, answer.c: the channel on the loop ---- */

struct acd;
struct desk;
struct store;
struct config_hold;

struct email {
	struct acd *acd;
	struct desk *desk;
	struct store *store;
	struct config_hold *hold;
	const struct config_email *cfg;
	struct email_worker *worker;
	struct email_stats st;
};

/** A new Message-ID on address's domain; seed (may be NULL: random)
 * makes it the same for the same seed. */
void email_new_id(const char *address, const char *seed, char *buf,
                  size_t size);
/** Build o and queue it for mailbox mb's SMTP server; 0 or an errno.
 * outbox, attempts: as email_worker_send(). */
int email_send(struct email *e, size_t mb, uint64_t key, uint64_t outbox,
               unsigned attempts, const struct email_out *o);

/* answer.c: the outbox */
/** Send again every answer still queued in the store (at start);
 * returns how many were handed to the worker. */
size_t email_outbox_resume(struct email *e);
/** Record an outbox answer's attempt in the store, and log the end. */
void email_outbox_sent(struct email *e, const struct email_sent *s);

#endif
