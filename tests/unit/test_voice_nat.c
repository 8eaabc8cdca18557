/*
 * test_voice_nat.c - symmetric RTP and its rule against hijacking: a
 * leg latches on the first packet after an offer/answer, only from the
 * phone's signalling host or the address its SDP named, and hears
 * nobody else until the next offer/answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "voice/leg.h"
#include "voice/nat.h"

static struct sa addr(const char *text)
{
	struct sa sa;

	assert_int_equal(sa_decode(&sa, text, strlen(text)), 0);
	return sa;
}

/* A phone behind a router: its signalling came from 203.0.113.7. */
static void test_phone_latches_from_its_host(void **state)
{
	struct leg leg;
	struct sa stranger = addr("198.51.100.9:4000");
	struct sa phone = addr("203.0.113.7:40002");
	struct sa phone_other_port = addr("203.0.113.7:40004");

	(void)state;
	memset(&leg, 0, sizeof(leg));
	leg.sec.sig = addr("203.0.113.7:5060");
	leg.raddr = addr("192.168.1.20:4000"); /* the SDP's private address */

	/* a stranger who guesses the port first is not heard */
	assert_false(nat_rtp_accept(&leg, &stranger));
	assert_false(leg.latched);
	assert_int_equal(leg.rtp_foreign, 1);
	/* the phone's first packet, through its router, is */
	assert_true(nat_rtp_accept(&leg, &phone));
	assert_true(leg.latched);
	assert_true(sa_cmp(&leg.raddr, &phone, SA_ALL));
	/* once latched, only that source: not even another port */
	assert_false(nat_rtp_accept(&leg, &phone_other_port));
	assert_false(nat_rtp_accept(&leg, &stranger));
	assert_int_equal(leg.rtp_foreign, 3);
	assert_true(nat_rtp_accept(&leg, &phone));
	assert_true(sa_cmp(&leg.raddr, &phone, SA_ALL));
}

/* A trunk's leg: its media may come from another host than its
 * signalling, so the first packet wins, and then only that source. */
static void test_trunk_latches_on_first_packet(void **state)
{
	struct leg leg;
	struct sa media = addr("192.0.2.50:30000");
	struct sa other = addr("192.0.2.51:30000");

	(void)state;
	memset(&leg, 0, sizeof(leg));
	assert_true(nat_rtp_accept(&leg, &media));
	assert_true(sa_cmp(&leg.raddr, &media, SA_ALL));
	assert_false(nat_rtp_accept(&leg, &other));
	assert_int_equal(leg.rtp_foreign, 1);
	/* a new offer/answer (leg.c) unlatches: the next first packet wins */
	leg.latched = false;
	assert_true(nat_rtp_accept(&leg, &other));
	assert_true(sa_cmp(&leg.raddr, &other, SA_ALL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_phone_latches_from_its_host),
	    cmocka_unit_test(test_trunk_latches_on_first_packet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
