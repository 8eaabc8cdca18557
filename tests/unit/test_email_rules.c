/*
 * test_email_rules.c - the header rules: who gets no automatic answer,
 * what is a loop, the reference in a subject, the language, routing
 * rules and the subject of an answer. Table-driven over parsed mails.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "email/email_int.h"

static struct email_mail *parse(const char *raw)
{
	struct email_mail *m = NULL;

	assert_int_equal(email_mime_parse(raw, strlen(raw), 1 << 20, &m), 0);
	return m;
}

static void test_email_automatic(void **state)
{
	static const struct {
		const char *headers;
		const char *why; /* NULL: a person's */
	} v[] = {
	    {"", NULL},
	    {"Auto-Submitted: no\r\n", NULL},
	    {"Auto-Submitted: auto-replied\r\n", "auto-submitted"},
	    {"Auto-Submitted: Auto-Generated; x=y\r\n", "auto-submitted"},
	    {"Precedence: bulk\r\n", "precedence"},
	    {"Precedence: LIST\r\n", "precedence"},
	    {"Precedence: junk\r\n", "precedence"},
	    {"Precedence: first-class\r\n", NULL},
	    {"List-Id: <news.example.org>\r\n", "mailing-list"},
	    {"List-Unsubscribe: <mailto:u@example.org>\r\n", "mailing-list"},
	    {"Return-Path: <>\r\n", "bounce"},
	    {"Return-Path: <ada@example.org>\r\n", NULL},
	    {"X-Autoreply: yes\r\n", "auto-reply"},
	    {"X-Autorespond: yes\r\n", "auto-reply"},
	};
	char raw[512];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(raw, sizeof(raw),
		         "From: ada@example.org\r\n%sSubject: x\r\n\r\nhi\r\n",
		         v[i].headers);
		struct email_mail *m = parse(raw);
		const char *why = email_automatic(m);

		if (!v[i].why)
			assert_null(why);
		else
			assert_string_equal(why, v[i].why);
		email_mail_free(m);
	}
}

static void test_email_bounces(void **state)
{
	struct email_mail *m = parse("From: MAILER-DAEMON@mx.example.org\r\n"
	                             "Subject: Undelivered\r\n\r\nx\r\n");

	(void)state;
	assert_string_equal(email_automatic(m), "bounce");
	email_mail_free(m);
	m = parse("From: postmaster@example.org\r\nMIME-Version: 1.0\r\n"
	          "Content-Type: multipart/report; report-type=delivery-status;"
	          " boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
	          "failed\r\n--b--\r\n");
	assert_string_equal(email_automatic(m), "bounce");
	email_mail_free(m);
}

static void test_email_loops(void **state)
{
	struct email_mail *m = parse("From: Help <HELP@centralino.test>\r\n"
	                             "Subject: x\r\n\r\nx\r\n");

	(void)state;
	assert_true(email_is_loop(m, "help@centralino.test"));
	assert_false(email_is_loop(m, "other@centralino.test"));
	email_mail_free(m);
	m = parse("From: ada@example.org\r\nX-Centralino-Loop: a@b.c\r\n"
	          "Subject: x\r\n\r\nx\r\n");
	assert_true(email_is_loop(m, "help@centralino.test"));
	email_mail_free(m);
}

static void test_email_subject_ref(void **state)
{
	static const struct {
		const char *subject;
		uint64_t key;
	} v[] = {
	    {"Re: Richiesta [#123]", 123},
	    {"[#7] first", 7},
	    {"Re: [#] nothing [#abc] [#12", 0},
	    {"[#0]", 0},
	    {"x [#12x] then [#34]", 34},
	    {"[#99999999999999999999]", 0}, /* beyond 19 digits */
	    {"", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(email_subject_ref(v[i].subject), v[i].key);
	assert_int_equal(email_subject_ref(NULL), 0);
}

static void test_email_language(void **state)
{
	(void)state;
	assert_string_equal(email_language("it-IT", "the and is"), "it");
	assert_string_equal(email_language(" ES", NULL), "es");
	assert_string_equal(
	    email_language(NULL, "Buongiorno, vorrei sapere perché il mio "
	                         "certificato non è arrivato. Grazie"),
	    "it");
	assert_string_equal(
	    email_language(NULL, "Hola, quiero información sobre mi cita. "
	                         "Gracias por la ayuda"),
	    "es");
	assert_string_equal(email_language("x-klingon",
	                                   "Hello, I would like to know the "
	                                   "status of my request, thanks"),
	                    "en");
	assert_null(email_language(NULL, "12345 ..."));
	assert_null(email_language(NULL, NULL));
}

static void test_email_rules_match(void **state)
{
	struct config_email_rule r = {0};
	struct email_mail *m = parse("From: Ada <ada@Hospital.example.it>\r\n"
	                             "Subject: URGENTE: referto\r\n\r\nx\r\n");

	(void)state;
	assert_true(email_rule_match(&r, m, NULL)); /* no condition */
	strcpy(r.from, "@hospital.example");
	assert_true(email_rule_match(&r, m, "it"));
	strcpy(r.subject, "urgente");
	assert_true(email_rule_match(&r, m, "it"));
	strcpy(r.language, "it");
	assert_true(email_rule_match(&r, m, "it"));
	assert_false(email_rule_match(&r, m, "es"));
	assert_false(email_rule_match(&r, m, NULL));
	r.language[0] = '\0';
	strcpy(r.subject, "fattura");
	assert_false(email_rule_match(&r, m, "it"));
	email_mail_free(m);
}

static void test_email_reply_subject(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(email_reply_subject("Cita", 12, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Re: Cita [#12]");
	email_reply_subject("RE: Cita [#12]", 12, buf, sizeof(buf));
	assert_string_equal(buf, "RE: Cita [#12]");
	email_reply_subject(NULL, 3, buf, sizeof(buf));
	assert_string_equal(buf, "Re: [#3]");
	assert_int_equal(email_reply_subject("long subject", 1, buf, 8),
	                 ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_email_automatic),
	    cmocka_unit_test(test_email_bounces),
	    cmocka_unit_test(test_email_loops),
	    cmocka_unit_test(test_email_subject_ref),
	    cmocka_unit_test(test_email_language),
	    cmocka_unit_test(test_email_rules_match),
	    cmocka_unit_test(test_email_reply_subject),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
