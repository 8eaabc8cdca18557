/*
 * fuzz_email.c - libFuzzer target: the mail handling that is ours on top
 * of GMime (src/email/mime.c's walk, src/email/rules.c's header rules).
 *
 * The input is a raw mail. It is parsed with a small attachment limit
 * (so both sides of it are reached), every header rule runs over it and
 * over its own subject and text, and an answer is built from what was
 * parsed and parsed back: the answer must keep the threading headers it
 * was given. Nothing may crash or leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "email/email_int.h"

#define INPUT_MAX (64u * 1024)

static void rules(const struct email_mail *m)
{
	struct config_email_rule r = {0};
	char subject[256];
	const char *lang;

	(void)email_automatic(m);
	(void)email_is_loop(m, "help@centralino.test");
	(void)email_subject_ref(m->subject);
	lang = email_language(m->content_language, m->text);
	snprintf(r.subject, sizeof(r.subject), "%.20s",
	         m->subject ? m->subject : "");
	snprintf(r.from, sizeof(r.from), "%.10s", m->from ? m->from : "");
	if (lang)
		snprintf(r.language, sizeof(r.language), "%s", lang);
	if (!email_rule_match(&r, m, lang))
		abort(); /* its own fields always match */
	(void)email_reply_subject(m->subject, 42, subject, sizeof(subject));
}

/* An answer to m, parsed back: its threading headers survive. */
static void answer(const struct email_mail *m)
{
	struct email_out o = {
	    .from = "help@centralino.test",
	    .to = m->from ? m->from : "x@example.org",
	    .subject = m->subject,
	    .body = m->text ? m->text : "",
	    .message_id = "<fuzz.centralino@centralino.test>",
	    .in_reply_to = m->message_id,
	};
	struct email_mail *back = NULL;
	char *text = NULL;
	size_t len;

	if (email_mime_build(&o, &text, &len))
		return;
	if (email_mime_parse(text, len, 16, &back))
		abort();
	if (!back->message_id ||
	    strcmp(back->message_id, "<fuzz.centralino@centralino.test>"))
		abort();
	email_mail_free(back);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct email_mail *m = NULL;

	if (size > INPUT_MAX)
		return 0;
	if (email_mime_parse((const char *)data, size, 64, &m))
		return 0;
	rules(m);
	answer(m);
	email_mail_free(m);
	return 0;
}
