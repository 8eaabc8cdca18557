/*
 * test_email_mime.c - the walk over GMime: which part is the text, which
 * the HTML, what is attached and within which limit; headers decoded to
 * UTF-8; an answer built and read back with its threading headers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "email/email_int.h"

static struct email_mail *parse(const char *raw, size_t max)
{
	struct email_mail *m = NULL;

	assert_int_equal(email_mime_parse(raw, strlen(raw), max, &m), 0);
	return m;
}

static void test_email_mime_latin1_qp(void **state)
{
	struct email_mail *m =
	    parse("From: =?ISO-8859-1?Q?Perr=F2?= <a@example.org>\r\n"
	          "Subject: =?iso-8859-1?q?perch=E9?=\r\n"
	          "Message-ID: <x1@example.org>\r\n"
	          "Content-Type: text/plain; charset=ISO-8859-1\r\n"
	          "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	          "citt=E0 di Forl=EC, caff=E8 =\r\nlungo\r\n\r\n\r\n",
	          1024);

	(void)state;
	assert_string_equal(m->from_name, "Perrò");
	assert_string_equal(m->subject, "perché");
	assert_string_equal(m->message_id, "<x1@example.org>");
	assert_string_equal(m->text, "città di Forlì, caffè lungo");
	assert_null(m->html);
	assert_int_equal(m->natt, 0);
	email_mail_free(m);
}

static void test_email_mime_structure(void **state)
{
	/* mixed(alternative(plain, html), pdf, message/rfc822, a second
	 * text/plain attached) */
	struct email_mail *m = parse(
	    "From: b@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=m\r\n\r\n"
	    "--m\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n"
	    "--a\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: "
	    "base64\r\n\r\nSG9sYSwgwr9xdcOpIHRhbD8=\r\n"
	    "--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
	    "<p>Hola</p>\r\n--a--\r\n"
	    "--m\r\nContent-Type: application/pdf\r\n"
	    "Content-Disposition: attachment; filename=\"a.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n"
	    "--m\r\nContent-Type: message/rfc822\r\n\r\n"
	    "From: c@example.org\r\nSubject: inner\r\n\r\ninner body\r\n"
	    "--m\r\nContent-Type: text/plain\r\n"
	    "Content-Disposition: attachment; filename=notes.txt\r\n\r\n"
	    "notes\r\n--m--\r\n",
	    1024);

	(void)state;
	assert_string_equal(m->text, "Hola, ¿qué tal?");
	assert_string_equal(m->html, "<p>Hola</p>");
	assert_int_equal(m->natt, 3);
	assert_string_equal(m->att[0].name, "a.pdf");
	assert_string_equal(m->att[0].type, "application/pdf");
	assert_int_equal(m->att[0].size, 8);
	assert_memory_equal(m->att[0].data, "%PDF-1.4", 8);
	assert_string_equal(m->att[1].name, "message.eml");
	assert_string_equal(m->att[1].type, "message/rfc822");
	assert_string_equal(m->att[2].name, "notes.txt");
	/* a content id, the same for the same bytes */
	assert_non_null(strstr(m->message_id, "@content.centralino.invalid>"));
	email_mail_free(m);
}

static void test_email_mime_limits(void **state)
{
	char raw[8192];
	struct email_mail *m;

	(void)state;
	snprintf(raw, sizeof(raw),
	         "From: b@example.org\r\nMIME-Version: 1.0\r\n"
	         "Content-Type: multipart/mixed; boundary=m\r\n\r\n"
	         "--m\r\nContent-Type: text/plain\r\n\r\nsee\r\n"
	         "--m\r\nContent-Type: image/png\r\n"
	         "Content-Disposition: attachment; filename=big.png\r\n\r\n"
	         "%0200d\r\n--m--\r\n",
	         0);
	m = parse(raw, 100);
	assert_int_equal(m->natt, 1);
	assert_true(m->att[0].refused);
	assert_null(m->att[0].data);
	assert_true(m->att[0].size >= 200);
	email_mail_free(m);
	/* not a mail at all: no crash, an id of its content */
	m = parse("\x01\x02 garbage", 100);
	assert_non_null(m->message_id);
	assert_null(m->from);
	email_mail_free(m);
}

static void test_email_mime_threading_headers(void **state)
{
	struct email_mail *m = parse(
	    "From: b@example.org\r\nIn-Reply-To: <p@x> (comment)\r\n"
	    "References: <r1@x>\r\n <r2@x>   <p@x>\r\nSubject: s\r\n\r\nb\r\n",
	    10);

	(void)state;
	assert_string_equal(m->in_reply_to, "<p@x>");
	assert_int_equal(m->nreferences, 3);
	assert_string_equal(m->references[0], "<r1@x>");
	assert_string_equal(m->references[2], "<p@x>");
	email_mail_free(m);
}

static void test_email_mime_build_round_trip(void **state)
{
	struct email_out o = {
	    .from = "help@centralino.test",
	    .display = "Centralino Aiuto",
	    .to = "ada@example.org",
	    .subject = "Re: perché [#4]",
	    .body = "Sì, è così: città.\n",
	    .message_id = "<r1.centralino@centralino.test>",
	    .in_reply_to = "<a2@x>",
	    .references = "<a1@x> <a2@x>",
	    .auto_reply = true,
	};
	struct email_mail *m;
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(email_mime_build(&o, &text, &len), 0);
	assert_non_null(strstr(text, "\r\n\r\n")); /* CRLF for SMTP */
	assert_int_equal(email_mime_parse(text, len, 10, &m), 0);
	assert_string_equal(m->from, "help@centralino.test");
	assert_string_equal(m->from_name, "Centralino Aiuto");
	assert_string_equal(m->subject, "Re: perché [#4]");
	assert_string_equal(m->text, "Sì, è così: città.");
	assert_string_equal(m->message_id, "<r1.centralino@centralino.test>");
	assert_string_equal(m->in_reply_to, "<a2@x>");
	assert_int_equal(m->nreferences, 2);
	assert_string_equal(email_automatic(m), "auto-submitted");
	assert_true(email_is_loop(m, "nobody@example.org")); /* our header */
	email_mail_free(m);
	free(text);
	o.from = NULL;
	assert_int_equal(email_mime_build(&o, &text, &len), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_email_mime_latin1_qp),
	    cmocka_unit_test(test_email_mime_structure),
	    cmocka_unit_test(test_email_mime_limits),
	    cmocka_unit_test(test_email_mime_threading_headers),
	    cmocka_unit_test(test_email_mime_build_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
