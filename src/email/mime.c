/*
 * mime.c - mails to and from GMime: a parsed mail into plain C strings
 * (UTF-8, decoded), and an answer into RFC 5322 text. GMime does the
 * decoding (charsets, quoted-printable, base64, RFC 2047 words); ours is
 * the walk: which part is the text, which the HTML, what is attached,
 * within which limits. No GMime type leaves this file.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <sodium.h>

#include "email/email_int.h"

#define WALK_DEPTH_MAX 16

static void init_once(void)
{
	g_mime_init();
}

void email_mime_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, init_once);
}

/* A malloc'd valid UTF-8 copy of s (at most max bytes, *cutp set when
 * cut), or NULL for NULL. */
static char *utf8_dup(const char *s, size_t max, bool *cutp)
{
	gchar *valid;
	char *out;
	size_t n;

	if (!s)
		return NULL;
	valid = g_utf8_make_valid(s, -1);
	n = strlen(valid);
	if (n > max) {
		const gchar *end = valid + max;

		/* back to a character boundary */
		while (end > valid && ((unsigned char)*end & 0xc0) == 0x80)
			end--;
		n = (size_t)(end - valid);
		if (cutp)
			*cutp = true;
	}
	out = malloc(n + 1);
	if (out) {
		memcpy(out, valid, n);
		out[n] = '\0';
	}
	g_free(valid);
	return out;
}

/* A text part as the desktop shows it: LF line ends, no trailing blank
 * lines or spaces. In place; returns t. */
static char *tidy(char *t)
{
	size_t r = 0, w = 0;

	if (!t)
		return NULL;
	for (; t[r]; r++)
		if (!(t[r] == '\r' && t[r + 1] == '\n'))
			t[w++] = t[r];
	while (w && (t[w - 1] == '\n' || t[w - 1] == ' ' || t[w - 1] == '\t' ||
	             t[w - 1] == '\r'))
		w--;
	t[w] = '\0';
	return t;
}

static char *header(GMimeObject *o, const char *name)
{
	return utf8_dup(g_mime_object_get_header(o, name), 4096, NULL);
}

/* "<id>" from an id GMime gives without brackets. */
static char *bracketed(const char *id)
{
	size_t n;
	char *out;

	if (!id || !*id)
		return NULL;
	n = strlen(id);
	if (n > 995)
		return NULL;
	out = malloc(n + 3);
	if (out) {
		out[0] = '<';
		memcpy(out + 1, id, n);
		out[n + 1] = '>';
		out[n + 2] = '\0';
	}
	return out;
}

/* A Message-ID made of the mail's content: the same mail, the same id. */
static char *content_id(const char *raw, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof(h) + 1], id[96];

	crypto_hash_sha256(h, (const unsigned char *)raw, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(id, sizeof(id), "<%.40s@content.centralino.invalid>", hex);
	return strdup(id);
}

/* The first mailbox of list: its address and name. */
static void first_mailbox(InternetAddressList *list, char **addrp, char **namep)
{
	int n = list ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *ia =
		    internet_address_list_get_address(list, i);

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		*addrp = utf8_dup(internet_address_mailbox_get_addr(
		                      INTERNET_ADDRESS_MAILBOX(ia)),
		                  320, NULL);
		if (namep && internet_address_get_name(ia))
			*namep =
			    utf8_dup(internet_address_get_name(ia), 320, NULL);
		return;
	}
}

/* In-Reply-To's first id; References' last EMAIL_REFS_MAX. */
static void threading(GMimeObject *o, struct email_mail *m)
{
	const char *v = g_mime_object_get_header(o, "In-Reply-To");
	GMimeReferences *refs;
	int n, first;

	if (v && (refs = g_mime_references_parse(NULL, v))) {
		if (g_mime_references_length(refs) > 0)
			m->in_reply_to = bracketed(
			    g_mime_references_get_message_id(refs, 0));
		g_mime_references_free(refs);
	}
	v = g_mime_object_get_header(o, "References");
	if (!v || !(refs = g_mime_references_parse(NULL, v)))
		return;
	n = g_mime_references_length(refs);
	first = n > EMAIL_REFS_MAX ? n - EMAIL_REFS_MAX : 0;
	for (int i = first; i < n; i++) {
		char *id = bracketed(g_mime_references_get_message_id(refs, i));

		if (id)
			m->references[m->nreferences++] = id;
	}
	g_mime_references_free(refs);
}

static void headers(GMimeMessage *msg, struct email_mail *m)
{
	GMimeObject *o = GMIME_OBJECT(msg);
	GMimeObject *body = g_mime_message_get_mime_part(msg);

	m->message_id = bracketed(g_mime_message_get_message_id(msg));
	first_mailbox(g_mime_message_get_from(msg), &m->from, &m->from_name);
	first_mailbox(g_mime_message_get_reply_to(msg), &m->reply_to, NULL);
	if (g_mime_message_get_to(msg)) {
		char *to = internet_address_list_to_string(
		    g_mime_message_get_to(msg), NULL, FALSE);

		m->to = utf8_dup(to, 1024, NULL);
		g_free(to);
	}
	m->subject = utf8_dup(g_mime_message_get_subject(msg), 998, NULL);
	m->date = header(o, "Date");
	m->content_language = header(o, "Content-Language");
	m->auto_submitted = header(o, "Auto-Submitted");
	m->precedence = header(o, "Precedence");
	m->list_id = header(o, "List-Id");
	if (!m->list_id)
		m->list_id = header(o, "List-Unsubscribe");
	m->return_path = header(o, "Return-Path");
	m->x_autoreply = header(o, "X-Autoreply");
	if (!m->x_autoreply)
		m->x_autoreply = header(o, "X-Autorespond");
	m->x_loop = header(o, "X-Centralino-Loop");
	if (body) {
		char *t = g_mime_content_type_get_mime_type(
		    g_mime_object_get_content_type(body));

		m->content_type = utf8_dup(t, 200, NULL);
		g_free(t);
	}
	threading(o, m);
}

/* A leaf's decoded bytes into a new attachment. */
static void attach(struct email_mail *m, GMimeObject *o, const char *name,
                   size_t max)
{
	struct email_attachment *a;
	GMimeStream *mem;
	GByteArray *ba;
	char *type, fallback[32];

	if (m->natt == EMAIL_ATTACH_MAX_N) {
		m->att_dropped++;
		return;
	}
	a = &m->att[m->natt++];
	snprintf(fallback, sizeof(fallback), "part-%zu", m->natt);
	a->name = utf8_dup(name && *name ? name : fallback, 255, NULL);
	type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(o));
	a->type = utf8_dup(type, 200, NULL);
	g_free(type);
	mem = g_mime_stream_mem_new();
	if (GMIME_IS_PART(o) && g_mime_part_get_content(GMIME_PART(o)))
		g_mime_data_wrapper_write_to_stream(
		    g_mime_part_get_content(GMIME_PART(o)), mem);
	else if (GMIME_IS_MESSAGE_PART(o) &&
	         g_mime_message_part_get_message(GMIME_MESSAGE_PART(o)))
		g_mime_object_write_to_stream(
		    GMIME_OBJECT(
		        g_mime_message_part_get_message(GMIME_MESSAGE_PART(o))),
		    NULL, mem);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	a->size = ba ? ba->len : 0;
	if (a->size > max)
		a->refused = true;
	else if (a->size && (a->data = malloc(a->size)))
		memcpy(a->data, ba->data, a->size);
	g_object_unref(mem);
}

/* The first text/plain and text/html that are not attachments are the
 * mail's text; every other leaf is an attachment. */
static void leaf(struct email_mail *m, GMimeObject *o, size_t max)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	GMimePart *part = GMIME_PART(o);
	bool att = g_mime_part_is_attachment(part);

	if (GMIME_IS_TEXT_PART(o) && !att &&
	    g_mime_content_type_is_type(ct, "text", "plain") && !m->text) {
		char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(o));

		m->text =
		    tidy(utf8_dup(t ? t : "", EMAIL_TEXT_MAX, &m->text_cut));
		g_free(t);
		return;
	}
	if (GMIME_IS_TEXT_PART(o) && !att &&
	    g_mime_content_type_is_type(ct, "text", "html") && !m->html) {
		char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(o));

		m->html =
		    tidy(utf8_dup(t ? t : "", EMAIL_TEXT_MAX, &m->html_cut));
		g_free(t);
		return;
	}
	attach(m, o, g_mime_part_get_filename(part), max);
}

static void walk(struct email_mail *m, GMimeObject *o, size_t max, int depth)
{
	if (!o || depth > WALK_DEPTH_MAX)
		return;
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n; i++)
			walk(m, g_mime_multipart_get_part(mp, i), max,
			     depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		attach(m, o, "message.eml", max);
	} else if (GMIME_IS_PART(o)) {
		leaf(m, o, max);
	}
}

int email_mime_parse(const char *raw, size_t len, size_t max_attachment,
                     struct email_mail **mp)
{
	struct email_mail *m = calloc(1, sizeof(*m));
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	if (!m)
		return ENOMEM;
	email_mime_init();
	m->raw_size = len;
	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	if (msg) {
		headers(msg, m);
		walk(m, g_mime_message_get_mime_part(msg), max_attachment, 0);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_object_unref(stream);
	if (!m->message_id)
		m->message_id = content_id(raw, len);
	if (!m->message_id) {
		email_mail_free(m);
		return ENOMEM;
	}
	*mp = m;
	return 0;
}

void email_mail_free(struct email_mail *m)
{
	if (!m)
		return;
	free(m->message_id);
	free(m->in_reply_to);
	for (size_t i = 0; i < m->nreferences; i++)
		free(m->references[i]);
	free(m->from);
	free(m->from_name);
	free(m->reply_to);
	free(m->to);
	free(m->subject);
	free(m->date);
	free(m->content_language);
	free(m->text);
	free(m->html);
	for (size_t i = 0; i < m->natt; i++) {
		free(m->att[i].name);
		free(m->att[i].type);
		free(m->att[i].data);
		free(m->att[i].path);
	}
	free(m->auto_submitted);
	free(m->precedence);
	free(m->list_id);
	free(m->return_path);
	free(m->x_autoreply);
	free(m->x_loop);
	free(m->content_type);
	free(m);
}

/* An id without its angle brackets, into buf. */
static const char *bare(const char *id, char *buf, size_t size)
{
	size_t n = strlen(id);

	if (n >= 2 && id[0] == '<' && id[n - 1] == '>') {
		snprintf(buf, size, "%.*s", (int)(n - 2), id + 1);
		return buf;
	}
	return id;
}

int email_mime_build(const struct email_out *o, char **outp, size_t *lenp)
{
	GMimeMessage *msg;
	GMimeTextPart *tp;
	GMimeFormatOptions *fo;
	GDateTime *now;
	char idbuf[1024], *text;
	size_t n;

	if (!o->from || !o->to || !o->body || !o->message_id)
		return EINVAL;
	email_mime_init();
	msg = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM,
	                           o->display ? o->display : "", o->from);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, "", o->to);
	g_mime_message_set_subject(msg, o->subject ? o->subject : "", "utf-8");
	g_mime_message_set_message_id(
	    msg, bare(o->message_id, idbuf, sizeof(idbuf)));
	now = g_date_time_new_now_local();
	g_mime_message_set_date(msg, now);
	g_date_time_unref(now);
	if (o->in_reply_to)
		g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To",
		                         o->in_reply_to, NULL);
	if (o->references && *o->references)
		g_mime_object_set_header(GMIME_OBJECT(msg), "References",
		                         o->references, NULL);
	if (o->auto_reply)
		g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted",
		                         "auto-replied", NULL);
	/* ours: a mail carrying it is our own coming back (a loop) */
	g_mime_object_set_header(GMIME_OBJECT(msg), "X-Centralino-Loop",
	                         o->from, NULL);
	tp = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(tp, o->body);
	g_mime_part_set_content_encoding(
	    GMIME_PART(tp), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(tp));
	g_object_unref(tp);
	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	text = g_mime_object_to_string(GMIME_OBJECT(msg), fo);
	g_mime_format_options_free(fo);
	g_object_unref(msg);
	if (!text)
		return ENOMEM;
	n = strlen(text);
	*outp = malloc(n + 1);
	if (*outp) {
		memcpy(*outp, text, n + 1);
		*lenp = n;
	}
	g_free(text);
	return *outp ? 0 : ENOMEM;
}
