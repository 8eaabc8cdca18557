/*
 * test_email_imap.c - the server lines IMAP IDLE reads
 * (src/email/imap_line.c), as vectors: what each line is, the number of
 * an EXISTS, IDLE among the capabilities, our tag's end, a literal to
 * skip; and lines that look close but are something else.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "email/email_int.h"

static void test_email_imap_lines(void **state)
{
	static const struct {
		const char *line;
		enum email_imap_kind kind;
		uint32_t number;
		bool idle, ok;
		size_t literal;
	} v[] = {
	    {"+ idling", EMAIL_IMAP_CONTINUE, 0, false, false, 0},
	    {"+", EMAIL_IMAP_CONTINUE, 0, false, false, 0},
	    {"* 12 EXISTS", EMAIL_IMAP_EXISTS, 12, false, false, 0},
	    {"* 0 exists", EMAIL_IMAP_EXISTS, 0, false, false, 0},
	    {"* 4294967295 EXISTS", EMAIL_IMAP_EXISTS, 4294967295u, false,
	     false, 0},
	    {"* 4294967296 EXISTS", EMAIL_IMAP_OTHER, 0, false, false, 0},
	    {"* 3 RECENT", EMAIL_IMAP_OTHER, 0, false, false, 0},
	    {"* 3 EXPUNGE", EMAIL_IMAP_OTHER, 0, false, false, 0},
	    {"* 3 FETCH (FLAGS (\\Seen))", EMAIL_IMAP_OTHER, 0, false, false,
	     0},
	    {"* x EXISTS", EMAIL_IMAP_OTHER, 0, false, false, 0},
	    {"* CAPABILITY IMAP4rev1 SASL-IR IDLE UIDPLUS",
	     EMAIL_IMAP_CAPABILITY, 0, true, false, 0},
	    {"* CAPABILITY IMAP4rev1 IDLEX UIDPLUS", EMAIL_IMAP_CAPABILITY, 0,
	     false, false, 0},
	    {"* capability idle", EMAIL_IMAP_CAPABILITY, 0, true, false, 0},
	    {"* BYE Disconnected for inactivity.", EMAIL_IMAP_BYE, 0, false,
	     false, 0},
	    {"i3 OK Idle completed (0.001 + 2.5 secs).", EMAIL_IMAP_TAGGED, 0,
	     false, true, 0},
	    {"i3 NO not now", EMAIL_IMAP_TAGGED, 0, false, false, 0},
	    {"i3 BAD Unknown command", EMAIL_IMAP_TAGGED, 0, false, false, 0},
	    {"i31 OK", EMAIL_IMAP_OTHER, 0, false, false, 0},
	    {"i OK", EMAIL_IMAP_OTHER, 0, false, false, 0},
	    {"i3", EMAIL_IMAP_TAGGED, 0, false, false, 0},
	    {"* OK [UIDVALIDITY 1] UIDs valid", EMAIL_IMAP_OTHER, 0, false,
	     false, 0},
	    {"* 1 FETCH (BODY[] {42}", EMAIL_IMAP_OTHER, 0, false, false, 42},
	    {"* 1 FETCH (BODY[] {42+}", EMAIL_IMAP_OTHER, 0, false, false, 42},
	    {"* 1 FETCH (BODY[] {x}", EMAIL_IMAP_OTHER, 0, false, false, 0},
	    {"}", EMAIL_IMAP_OTHER, 0, false, false, 0},
	    {"{}", EMAIL_IMAP_OTHER, 0, false, false, 0},
	    {"", EMAIL_IMAP_OTHER, 0, false, false, 0},
	    {"   ", EMAIL_IMAP_OTHER, 0, false, false, 0},
	};
	struct email_imap_line l;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(
		    email_imap_line(v[i].line, strlen(v[i].line), "i3", &l), 0);
		if (l.kind != v[i].kind || l.number != v[i].number ||
		    l.idle != v[i].idle || l.ok != v[i].ok ||
		    l.literal != v[i].literal)
			fail_msg("%s: kind %d number %u idle %d ok %d literal "
			         "%zu",
			         v[i].line, l.kind, l.number, l.idle, l.ok,
			         l.literal);
	}
}

/* The line is a slice: nothing past len is read. */
static void test_email_imap_slice(void **state)
{
	const char *s = "* 7 EXISTSXYZ";
	struct email_imap_line l;

	(void)state;
	assert_int_equal(email_imap_line(s, 10, "i1", &l), 0);
	assert_int_equal(l.kind, EMAIL_IMAP_EXISTS);
	assert_int_equal(l.number, 7);
	assert_int_equal(email_imap_line(s, 9, "i1", &l), 0);
	assert_int_equal(l.kind, EMAIL_IMAP_OTHER);
	assert_int_equal(email_imap_line(NULL, 0, "i1", &l), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_email_imap_lines),
	    cmocka_unit_test(test_email_imap_slice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
