/*
 * idle.c - one mailbox's IMAP IDLE connection (RFC 2177), beside the
 * polling one, on the e-mail worker.
 *
 * libcurl has no IDLE, but it does everything up to it: with
 * CURLOPT_CONNECT_ONLY it connects, does TLS (imaps://, or STARTTLS on
 * imap://) and logs in, and then hands the connection over through
 * curl_easy_send() and curl_easy_recv(), which keep the TLS. On it we
 * send four commands of our own, CAPABILITY, EXAMINE, IDLE and DONE, and
 * read the server's lines with email_imap_line() (imap_line.c): a
 * "* N EXISTS" while idling means new mail, so the worker polls that
 * mailbox at once instead of at the next poll. The rejected alternative,
 * a whole IMAP client of our own, would duplicate libcurl's login and
 * TLS for four commands.
 *
 * The poll stays: it is what takes mail (UID SEARCH, fetch, mark), IDLE
 * only wakes it. A server without IDLE in its capabilities is polled
 * only (event=email.idle-unsupported); a broken connection (closed, BYE,
 * a reply that does not come in 30 s) is logged and opened again after
 * 1 s, 2 s, 4 s ... at most 5 minutes, and every fresh IDLE polls once
 * for what came meanwhile. IDLE is re-issued every 25 minutes, before
 * the 30 minutes after which a server may drop an idle client.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "core/log.h"
#include "email/email_int.h"

#define REPLY_MS     30000LL        /* a command's answer, at most */
#define REIDLE_MS    (25 * 60000LL) /* RFC 2177: under 29 minutes */
#define RETRY_MAX_MS 300000LL
#define LINE_MAX_LEN 2048 /* longer lines are skipped (OTHER) */
#define NEVER        INT64_MAX
#define MAILBOX_MAX  256

enum idle_state {
	IDLE_DOWN = 0, /* not connected; deadline: when to try */
	IDLE_CAPA,     /* CAPABILITY sent */
	IDLE_SELECT,   /* EXAMINE sent */
	IDLE_START,    /* IDLE sent, waiting for "+" */
	IDLE_ON,       /* idling; deadline: the re-IDLE */
	IDLE_DONE,     /* DONE sent, waiting for IDLE's end */
	IDLE_OFF,      /* the server has no IDLE: poll only */
};

struct email_idle {
	const struct config_mailbox *mb;
	CURL *h;
	curl_socket_t fd;
	enum idle_state st;
	int64_t deadline;
	unsigned failures;
	unsigned tagn;
	char tag[16];
	bool capa_idle; /* CAPABILITY listed IDLE */
	bool news;      /* new mail seen since the last run */
	bool fresh;     /* logged in, not idling yet */
	char line[LINE_MAX_LEN];
	size_t len;
	bool overlong;
	size_t skip; /* bytes of a literal still to skip */
};

int email_idle_alloc(struct email_idle **ip, const struct config_mailbox *mb)
{
	struct email_idle *i = calloc(1, sizeof(*i));

	if (!i)
		return ENOMEM;
	i->mb = mb;
	i->fd = CURL_SOCKET_BAD;
	*ip = i;
	return 0;
}

static void disconnect(struct email_idle *i)
{
	if (i->h)
		curl_easy_cleanup(i->h);
	i->h = NULL;
	i->fd = CURL_SOCKET_BAD;
	i->len = 0;
	i->skip = 0;
	i->overlong = false;
}

void email_idle_free(struct email_idle *i)
{
	if (!i)
		return;
	disconnect(i);
	free(i);
}

int email_idle_fd(const struct email_idle *i)
{
	return i->h && i->fd != CURL_SOCKET_BAD ? (int)i->fd : -1;
}

int64_t email_idle_deadline(const struct email_idle *i)
{
	return i->st == IDLE_OFF ? NEVER : i->deadline;
}

/* Broken: close, log, and try again later, each time later. */
static void fail(struct email_idle *i, int64_t now, const char *error)
{
	int64_t wait = 1000LL << (i->failures < 9 ? i->failures : 9);

	if (wait > RETRY_MAX_MS)
		wait = RETRY_MAX_MS;
	i->failures++;
	disconnect(i);
	i->st = IDLE_DOWN;
	i->deadline = now + wait;
	log_event(LOG_WARN, "email.idle-failed",
	          "mailbox=%s error=\"%s\" attempt=%u retry_ms=%lld",
	          i->mb->name, error, i->failures, (long long)wait);
}

/* Send all of s, waiting a little for room; 0 or EIO. */
static int send_all(struct email_idle *i, const char *s)
{
	size_t left = strlen(s);

	while (left) {
		size_t sent = 0;
		CURLcode rc = curl_easy_send(i->h, s, left, &sent);

		if (rc == CURLE_AGAIN) {
			struct pollfd p = {.fd = i->fd, .events = POLLOUT};

			if (poll(&p, 1, 5000) <= 0)
				return EIO;
			continue;
		}
		if (rc != CURLE_OK)
			return EIO;
		s += sent;
		left -= sent;
	}
	return 0;
}

/* The mailbox's name in its URL (after the host, before ';' or '?'),
 * percent-decoded, as an IMAP quoted string; false if it cannot be. */
static bool mailbox_quoted(const char *url, char *buf, size_t size)
{
	const char *p = strstr(url, "://");
	size_t n = 0;

	p = p ? strchr(p + 3, '/') : NULL;
	p = p ? p + 1 : "";
	if (!*p || *p == ';' || *p == '?')
		p = "INBOX";
	buf[n++] = '"';
	for (; *p && *p != ';' && *p != '?' && n + 3 < size; p++) {
		char ch = *p;
		unsigned v;

		if (ch == '%' && sscanf(p + 1, "%2x", &v) == 1) {
			ch = (char)v;
			p += 2;
		}
		if (ch == '\r' || ch == '\n' || ch == '\0')
			return false;
		if (ch == '"' || ch == '\\')
			buf[n++] = '\\';
		buf[n++] = ch;
	}
	if (n + 2 > size || (*p && *p != ';' && *p != '?'))
		return false;
	buf[n++] = '"';
	buf[n] = '\0';
	return true;
}

/* Send "TAG what" as a new command and wait for its answer. */
static int command(struct email_idle *i, int64_t now, enum idle_state st,
                   const char *what)
{
	char cmd[MAILBOX_MAX + 64];

	snprintf(i->tag, sizeof(i->tag), "i%u", ++i->tagn);
	snprintf(cmd, sizeof(cmd), "%s %s\r\n", i->tag, what);
	if (send_all(i, cmd))
		return EIO;
	i->st = st;
	i->deadline = now + REPLY_MS;
	return 0;
}

/* Log in (libcurl: TLS, STARTTLS, LOGIN) and ask for the capabilities. */
static void connect_now(struct email_idle *i, int64_t now)
{
	const struct config_mailbox *mb = i->mb;
	curl_socket_t fd = CURL_SOCKET_BAD;
	CURLcode rc;

	i->h = curl_easy_init();
	if (!i->h) {
		fail(i, now, "out of memory");
		return;
	}
	/* 30 s for the login as a whole: a server that accepts and then
	 * says nothing must not hold the worker (send and recv are not
	 * bound by it) */
	email_curl_setup(i->h, mb, mb->imap, mb->user, mb->password, 30000L);
	curl_easy_setopt(i->h, CURLOPT_CONNECT_ONLY, 1L);
	rc = curl_easy_perform(i->h);
	if (rc == CURLE_OK)
		rc = curl_easy_getinfo(i->h, CURLINFO_ACTIVESOCKET, &fd);
	if (rc != CURLE_OK || fd == CURL_SOCKET_BAD) {
		fail(i, now,
		     rc != CURLE_OK ? curl_easy_strerror(rc) : "no socket");
		return;
	}
	i->fd = fd;
	i->capa_idle = false;
	i->fresh = true;
	if (command(i, now, IDLE_CAPA, "CAPABILITY"))
		fail(i, now, "send failed");
}

static void idle_again(struct email_idle *i, int64_t now)
{
	if (command(i, now, IDLE_START, "IDLE"))
		fail(i, now, "send failed");
}

/* Our command in progress has ended (ok or not). */
static void tagged(struct email_idle *i, int64_t now, bool ok)
{
	char what[MAILBOX_MAX + 16], box[MAILBOX_MAX];

	switch (i->st) {
	case IDLE_CAPA:
		if (!ok || !i->capa_idle) {
			log_event(LOG_INFO, "email.idle-unsupported",
			          "mailbox=%s poll_only=true", i->mb->name);
			disconnect(i);
			i->st = IDLE_OFF;
			return;
		}
		if (!mailbox_quoted(i->mb->imap, box, sizeof(box))) {
			log_event(LOG_WARN, "email.idle-unsupported",
			          "mailbox=%s poll_only=true error=\"mailbox "
			          "name\"",
			          i->mb->name);
			disconnect(i);
			i->st = IDLE_OFF;
			return;
		}
		snprintf(what, sizeof(what), "EXAMINE %s", box);
		if (command(i, now, IDLE_SELECT, what))
			fail(i, now, "send failed");
		return;
	case IDLE_SELECT:
		if (ok)
			idle_again(i, now);
		else
			fail(i, now, "EXAMINE refused");
		return;
	case IDLE_DONE:
		if (ok)
			idle_again(i, now);
		else
			fail(i, now, "IDLE ended badly");
		return;
	default: /* IDLE refused, or an answer nobody asked for */
		fail(i, now, ok ? "unexpected answer" : "IDLE refused");
		return;
	}
}

static void done(struct email_idle *i, int64_t now)
{
	if (send_all(i, "DONE\r\n")) {
		fail(i, now, "send failed");
		return;
	}
	i->st = IDLE_DONE;
	i->deadline = now + REPLY_MS;
}

static void on_line(struct email_idle *i, int64_t now)
{
	struct email_imap_line l;

	(void)email_imap_line(i->line, i->len, i->tag, &l);
	i->skip = l.literal;
	switch (l.kind) {
	case EMAIL_IMAP_BYE:
		fail(i, now, "the server said BYE");
		return;
	case EMAIL_IMAP_CAPABILITY:
		i->capa_idle = i->capa_idle || l.idle;
		return;
	case EMAIL_IMAP_CONTINUE:
		if (i->st != IDLE_START)
			return;
		i->st = IDLE_ON;
		i->deadline = now + REIDLE_MS;
		if (i->fresh) {
			/* a fresh IDLE: what came before it is polled once */
			log_event(LOG_INFO, "email.idle-ready", "mailbox=%s",
			          i->mb->name);
			i->news = true;
		}
		i->fresh = false;
		i->failures = 0;
		return;
	case EMAIL_IMAP_EXISTS:
		if (i->st == IDLE_CAPA || i->st == IDLE_SELECT)
			return; /* EXAMINE's own count */
		log_event(LOG_INFO, "email.idle-new", "mailbox=%s exists=%u",
		          i->mb->name, l.number);
		i->news = true;
		if (i->st == IDLE_ON)
			done(i, now);
		return;
	case EMAIL_IMAP_TAGGED:
		tagged(i, now, l.ok);
		return;
	case EMAIL_IMAP_OTHER:
		return;
	}
}

/* Feed received bytes: lines (CRLF), literals skipped. */
static void feed(struct email_idle *i, int64_t now, const char *p, size_t n)
{
	for (size_t k = 0; k < n && i->h; k++) {
		if (i->skip) {
			i->skip--;
			continue;
		}
		if (p[k] == '\n') {
			if (i->len && i->line[i->len - 1] == '\r')
				i->len--;
			if (!i->overlong)
				on_line(i, now);
			i->len = 0;
			i->overlong = false;
			continue;
		}
		if (i->len == sizeof(i->line))
			i->overlong = true;
		else
			i->line[i->len++] = p[k];
	}
}

/* Read what the server sent (all of it: TLS may hold more than the
 * socket shows). */
static void receive(struct email_idle *i, int64_t now)
{
	char buf[4096];

	while (i->h) {
		size_t got = 0;
		CURLcode rc = curl_easy_recv(i->h, buf, sizeof(buf), &got);

		if (rc == CURLE_AGAIN)
			return;
		if (rc != CURLE_OK || !got) {
			fail(i, now,
			     rc != CURLE_OK ? curl_easy_strerror(rc)
			                    : "closed");
			return;
		}
		feed(i, now, buf, got);
	}
}

bool email_idle_run(struct email_idle *i, int64_t now)
{
	bool news;

	if (i->st == IDLE_OFF)
		return false;
	if (i->st == IDLE_DOWN) {
		if (now >= i->deadline)
			connect_now(i, now);
	} else {
		receive(i, now);
		if (i->st == IDLE_ON && now >= i->deadline)
			done(i, now); /* the 25 minutes: IDLE again */
		else if (i->st != IDLE_DOWN && i->st != IDLE_OFF &&
		         i->st != IDLE_ON && now >= i->deadline)
			fail(i, now, "no answer");
	}
	news = i->news;
	i->news = false;
	return news;
}
