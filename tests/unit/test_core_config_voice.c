/*
 * test_core_config_voice.c - the voice channel's sections: the demo's
 * values, defaults, one broken input per check (line, column, field),
 * the dialing allow-list, opening hours across DST, and the lookups the
 * SIP side makes.
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

#include "config_fixture.h"
#include "core/config.h"

/* Parse yaml that must be valid; fails the test with its errors. */
static struct config *parse_ok(const char *yaml)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	if (parse(yaml, &cfg, &errs)) {
		config_errors_print(&errs, stderr);
		fail_msg("valid configuration refused");
	}
	config_errors_free(&errs);
	return cfg;
}

static void test_demo_voice(void **state)
{
	struct config *cfg = load_demo();

	(void)state;
	assert_int_equal(cfg->sip.nlisten, 2);
	assert_int_equal(cfg->sip.listen[0].transport, CONFIG_UDP);
	assert_int_equal(cfg->sip.listen[1].transport, CONFIG_TCP);
	assert_string_equal(cfg->sip.listen[1].address.host, "127.0.0.1");
	assert_int_equal(cfg->sip.listen[1].address.port, 5060);
	assert_int_equal(cfg->http_listen.port, 8080);
	assert_string_equal(cfg->http_pages, "web");
	assert_string_equal(cfg->store_path, "var/centralino.db");

	const struct config_number *n800 = config_number_find(cfg, "800");
	assert_non_null(n800);
	const struct config_flow *hotline = &cfg->flows[n800->flow.index];
	assert_string_equal(hotline->name, "hotline");
	assert_int_equal(hotline->language, CONFIG_LANG_IT);
	const struct config_node *welcome =
	    &hotline->nodes[hotline->start.index];
	assert_string_equal(welcome->name, "welcome");
	const struct config_action *menu = &welcome->actions[2];
	assert_int_equal(menu->type, CONFIG_ACT_MENU);
	assert_int_equal(menu->noptions, 2);
	assert_int_equal(menu->options[0].key, '1');
	assert_string_equal(hotline->nodes[menu->options[0].node.index].name,
	                    "info");
	assert_string_equal(hotline->nodes[menu->options[1].node.index].name,
	                    "health");
	const struct config_number *n900 = config_number_find(cfg, "900");
	assert_non_null(n900);
	assert_string_equal(n900->rota, "oncall");
	assert_int_equal(n900->flow.index, SIZE_MAX);

	const struct config_trunk *t = config_trunk_match(cfg, "127.0.0.1");
	assert_non_null(t);
	assert_true(t->outbound);
	assert_string_equal(t->uri, "sip:127.0.0.1:5080");
	assert_null(config_trunk_match(cfg, "127.0.0.2"));
	assert_string_equal(cfg->calendars[0].timezone, "Europe/Rome");
	for (int i = 0; i < 10; i++)
		assert_int_equal(cfg->agents[i].static_member, i < 5);
	assert_true(config_dial_allowed(cfg, "3331234567"));
	assert_true(config_dial_allowed(cfg, "+393331234567"));
	assert_true(config_dial_allowed(cfg, "061234567"));
	assert_false(config_dial_allowed(cfg, "00441234567890"));
	assert_false(config_dial_allowed(cfg, "899123456"));
	config_free(cfg);
}

/* A rota r for the numbers that name one. */
#define RTAIL                                                        \
	"dialing: {allow: [\"123\"]}\nrotas: [{name: r, tenant: t, " \
	"people: [{name: a, number: \"123\"}], duty: {mon: [a]}}]\n"

#define VHEAD                                            \
	"tenants: [{name: t}, {name: u}]\nskills: [s]\n" \
	"queues: [{name: q, tenant: t}]\n"

static void test_defaults(void **state)
{
	(void)state;
	struct config *cfg = parse_ok(
	    VHEAD
	    "prompts: {music: {default: m.wav, jazz: j.wav}}\n"
	    "http: {listen: \"[::1]:8080\"}\n"
	    "flows:\n"
	    "  - {name: f, tenant: t, nodes: {\n"
	    "      a: [{menu: {prompt: {file: p.wav}, options: {'#': a}}},\n"
	    "          {queue: q}, {voicemail: q}],\n"
	    "      b: [{queue: {name: q, music: jazz, announce: 0,\n"
	    "                   callback_key: '9'}}]}}\n");
	assert_int_equal(cfg->sip.nlisten, 0);
	assert_string_equal(cfg->sip.realm, "centralino");
	assert_int_equal(cfg->sip.max_calls, 2000);
	assert_int_equal(cfg->sip.retry_after, 30000);
	assert_int_equal(cfg->sip.rtp_min, 10000);
	assert_int_equal(cfg->sip.rtp_max, 20000);
	assert_int_equal(cfg->sip.reg_default, 600000);
	assert_int_equal(cfg->sip.auth_max, 5);
	assert_int_equal(cfg->sip.auth_block, 300000);
	assert_int_equal(cfg->sip.nat_keepalive, 25000);
	assert_int_equal(cfg->http_listen.port, 8080);
	assert_string_equal(cfg->http_listen.host, "::1");
	assert_string_equal(cfg->http_pages, "web");
	assert_string_equal(cfg->store_path, "var/centralino.db");
	assert_string_equal(cfg->prompts_cache, "var/prompts");
	assert_string_equal(cfg->features.ready, "*71");
	assert_string_equal(cfg->features.logout, "*73");
	assert_string_equal(cfg->features.blind_transfer, "#1");
	assert_string_equal(cfg->features.attended_transfer, "*2");
	assert_string_equal(cfg->features.transfer_cancel, "*1");
	assert_int_equal(cfg->ndial_allow, 0);
	assert_false(config_dial_allowed(cfg, "112"));

	const struct config_flow *f = &cfg->flows[0];
	assert_int_equal(f->language, CONFIG_LANG_EN);
	assert_int_equal(f->start.index, 0);
	const struct config_action *a = f->nodes[0].actions;
	assert_int_equal(a[0].timeout, 5000);
	assert_int_equal(a[0].retries, 2);
	assert_true(a[0].prompt.is_file);
	assert_int_equal(a[0].options[0].key, '#');
	assert_int_equal(a[0].node.index, SIZE_MAX); /* no default: hang up */
	assert_int_equal(a[1].announce, 45000);
	assert_string_equal(a[1].music.name, "default");
	assert_int_equal(a[1].music.index, 0);
	assert_int_equal(a[2].max, 120000);
	assert_int_equal(a[2].queue.index, 0);
	const struct config_action *b = f->nodes[1].actions;
	assert_int_equal(b[0].announce, 0);
	assert_int_equal(b[0].music.index, 1);
	assert_int_equal(b[0].callback_key, '9');
	assert_int_equal(a[1].callback_key, 0);
	config_free(cfg);
}

/* A goto that reaches a node which waits is not a loop; a menu that
 * comes back to its own node waits for the caller each time. */
static void test_loops_that_wait(void **state)
{
	(void)state;
	struct config *cfg = parse_ok(
	    VHEAD
	    "calendars: [{name: c, tenant: t}]\n"
	    "flows:\n"
	    "  - {name: f, tenant: t, nodes: {\n"
	    "      a: [{set: {priority: 1}}, {goto: b}],\n"
	    "      b: [{play: {text: hi}}, {goto: a}],\n"
	    "      m: [{hours: {calendar: c, closed: a}},\n"
	    "          {menu: {prompt: {text: x}, options: {'1': m}}}]}}\n");
	assert_int_equal(cfg->flows[0].nnodes, 3);
	assert_int_equal(config_node_find(&cfg->flows[0], "m"), 2);
	assert_int_equal(config_node_find(&cfg->flows[0], "z"), SIZE_MAX);
	config_free(cfg);
}

/* record: true, or with an announcement as text or a prompt. */
static void test_queue_record(void **state)
{
	(void)state;
	struct config *cfg = parse_ok(
	    "tenants: [{name: t}]\n"
	    "queues:\n"
	    "  - {name: a, tenant: t, record: true}\n"
	    "  - {name: b, tenant: t, record: {announce: \"Registriamo.\"}}\n"
	    "  - {name: c, tenant: t, record: {announce: {file: x.wav}}}\n"
	    "  - {name: d, tenant: t, record: false}\n"
	    "  - {name: e, tenant: t}\n");
	assert_true(cfg->queues[0].record);
	assert_false(cfg->queues[0].record_announce.given);
	assert_true(cfg->queues[1].record);
	assert_string_equal(cfg->queues[1].record_announce.text,
	                    "Registriamo.");
	assert_false(cfg->queues[1].record_announce.is_file);
	assert_true(cfg->queues[2].record_announce.is_file);
	assert_string_equal(cfg->queues[2].record_announce.text, "x.wav");
	assert_false(cfg->queues[3].record);
	assert_false(cfg->queues[4].record);
	config_free(cfg);
}

static const struct vector vectors[] = {
    {"queue record not a bool",
     "tenants: [{name: t}]\nqueues: [{name: q, tenant: t, record: maybe}]\n", 2,
     39, "queues[0].record", "expected true or false", 1},
    {"queue record unknown key",
     "tenants: [{name: t}]\nqueues: [{name: q, tenant: t, record: {x: 1}}]\n",
     2, 40, "queues[0].record.x", "unknown field 'x'", 1},
    {"queue record announce empty",
     "tenants: [{name: t}]\nqueues: [{name: q, tenant: t, record: "
     "{announce: \"\"}}]\n",
     2, 50, "queues[0].record.announce", "a text of 1", 1},
    {"queue record announce both",
     "tenants: [{name: t}]\nqueues: [{name: q, tenant: t, record: "
     "{announce: {text: a, file: b}}}]\n",
     2, 50, "queues[0].record.announce", "exactly one", 1},
    {"callback key of two",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{queue: {name: q, "
           "callback_key: '12'}}]}}]\n",
     4, 74, "flows[0].nodes.a[0].queue.callback_key",
     "must be one key: 0-9, * or #", 1},
    {"sip listen empty", VHEAD "sip: {listen: []}\n", 4, 15, "sip.listen",
     "at least one listener is needed", 1},
    {"sip listen missing", VHEAD "sip: {realm: x}\n", 4, 6, "sip.listen",
     "required field 'listen' is missing", 1},
    {"sip transport",
     VHEAD "sip: {listen: [{transport: sctp, address: 127.0.0.1:5060}]}\n", 4,
     28, "sip.listen[0].transport", "unknown transport 'sctp'", 1},
    {"sip tls certificate",
     VHEAD "sip: {listen: [{transport: tls, address: 127.0.0.1:5061}]}\n", 4,
     16, "sip.listen[0].certificate", "tls needs a certificate (a PEM file)",
     1},
    {"sip certificate not tls",
     VHEAD "sip: {listen: [{address: 127.0.0.1:5061, certificate: c.pem}]}\n",
     4, 16, "sip.listen[0].certificate", "a certificate is only used with tls",
     1},
    {"sip address no port", VHEAD "sip: {listen: [{address: 127.0.0.1}]}\n", 4,
     26, "sip.listen[0].address", "bad address '127.0.0.1'", 1},
    {"sip port 0", VHEAD "sip: {listen: [{address: 127.0.0.1:0}]}\n", 4, 26,
     "sip.listen[0].address", "bad port in '127.0.0.1:0'", 1},
    {"sip port 65536", VHEAD "sip: {listen: [{address: 127.0.0.1:65536}]}\n", 4,
     26, "sip.listen[0].address", "bad port in '127.0.0.1:65536'", 1},
    {"sip ipv6 unbracketed", VHEAD "sip: {listen: [{address: \"::1:5060\"}]}\n",
     4, 26, "sip.listen[0].address", "bad address '::1:5060'", 1},
    {"sip hostname", VHEAD "sip: {listen: [{address: localhost:5060}]}\n", 4,
     26, "sip.listen[0].address",
     "'localhost:5060' is not an IPv4 or [IPv6] literal", 1},
    {"sip bad ipv4", VHEAD "sip: {listen: [{address: 127.0.0.256:5060}]}\n", 4,
     26, "sip.listen[0].address",
     "'127.0.0.256:5060' is not an IPv4 or [IPv6] literal", 1},
    {"sip listener twice",
     VHEAD "sip: {listen: [{address: 127.0.0.1:5060}, {transport: udp, "
           "address: 127.0.0.1:5060}]}\n",
     4, 69, "sip.listen[1].address",
     "listener '127.0.0.1:5060' given twice (first at line 4)", 1},
    {"sip rtp odd",
     VHEAD
     "sip: {listen: [{address: 127.0.0.1:5060}], rtp_ports: 10001-20000}\n",
     4, 55, "sip.rtp_ports", "bad port range '10001-20000'", 1},
    {"sip rtp reversed",
     VHEAD
     "sip: {listen: [{address: 127.0.0.1:5060}], rtp_ports: 20000-10000}\n",
     4, 55, "sip.rtp_ports", "bad port range '20000-10000'", 1},
    {"sip rtp syntax",
     VHEAD "sip: {listen: [{address: 127.0.0.1:5060}], rtp_ports: 10000}\n", 4,
     55, "sip.rtp_ports", "bad port range '10000'", 1},
    {"sip media address",
     VHEAD "sip: {listen: [{address: 127.0.0.1:5060}], media_address: 1.2.3}\n",
     4, 59, "sip.media_address", "'1.2.3' is not an IPv4 or IPv6 literal", 1},
    {"sip expiry order",
     VHEAD "sip: {listen: [{address: 127.0.0.1:5060}], register_expiry: {min: "
           "600s, default: 60s}}\n",
     4, 61, "sip.register_expiry", "expected min <= default <= max", 1},
    {"sip auth max 0",
     VHEAD
     "sip: {listen: [{address: 127.0.0.1:5060}], auth_failures: {max: 0}}\n",
     4, 65, "sip.auth_failures.max", "0 is out of range 1..1000", 1},
    {"sip retry_after 0",
     VHEAD "sip: {listen: [{address: 127.0.0.1:5060}], retry_after: 0s}\n", 4,
     57, "sip.retry_after", "must be longer than 0", 1},
    {"sip max_calls",
     VHEAD "sip: {listen: [{address: 127.0.0.1:5060}], max_calls: 0}\n", 4, 55,
     "sip.max_calls", "0 is out of range 1..1000000", 1},
    {"http listen port only", VHEAD "http: {listen: 8080}\n", 4, 16,
     "http.listen", "bad address '8080'", 1},
    {"http ipv6", VHEAD "http: {listen: \"[::1]:99999\"}\n", 4, 16,
     "http.listen", "bad port in '[::1]:99999'", 1},
    {"http pages empty", VHEAD "http: {listen: 127.0.0.1:80, pages: \"\"}\n", 4,
     37, "http.pages", "must not be empty", 1},
    {"store empty path", VHEAD "store: {path: \"\"}\n", 4, 15, "store.path",
     "must not be empty", 1},
    {"music bad", VHEAD "prompts: {music: {default: [a]}}\n", 4, 28,
     "prompts.music.default", "expected a value, found a list", 1},
    {"dial bad class letter", VHEAD "dialing: {allow: [_3Y.]}\n", 4, 19,
     "dialing.allow[0]", "bad pattern '_3Y.': unexpected character", 1},
    {"dial literal letters", VHEAD "dialing: {allow: [abc]}\n", 4, 19,
     "dialing.allow[0]",
     "bad pattern 'abc': a literal number holds digits, +, * and #", 1},
    {"dial underscore alone", VHEAD "dialing: {allow: [_]}\n", 4, 19,
     "dialing.allow[0]", "bad pattern '_': '_' alone matches nothing", 1},
    {"dial reversed range", VHEAD "dialing: {allow: [\"_[5-1]X\"]}\n", 4, 19,
     "dialing.allow[0]", "bad pattern '_[5-1]X': bad class", 1},
    {"dial unclosed class", VHEAD "dialing: {allow: [\"_[12\"]}\n", 4, 19,
     "dialing.allow[0]", "bad pattern '_[12': bad class", 1},
    {"dial too long",
     VHEAD
     "dialing: {allow: "
     "[_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX]}"
     "\n",
     4, 19, "dialing.allow[0]",
     "bad pattern '_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX...", 1},
    {"trunk unknown tenant",
     VHEAD "trunks: [{name: p, tenant: x, outbound: {uri: \"sip:h\"}}]\n", 4,
     28, "trunks[0].tenant", "unknown tenant 'x'", 1},
    {"trunk inbound empty",
     VHEAD "trunks: [{name: p, tenant: t, inbound: {password: s}}]\n", 4, 40,
     "trunks[0].inbound", "inbound needs from (addresses) or username (digest)",
     2},
    {"trunk bad cidr prefix",
     VHEAD "trunks: [{name: p, tenant: t, inbound: {from: [10.0.0.0/33]}}]\n",
     4, 48, "trunks[0].inbound.from[0]", "bad prefix length in '10.0.0.0/33'",
     1},
    {"trunk bad cidr",
     VHEAD "trunks: [{name: p, tenant: t, inbound: {from: [10.0.0/8]}}]\n", 4,
     48, "trunks[0].inbound.from[0]", "bad address '10.0.0/8'", 1},
    {"trunk outbound no uri",
     VHEAD "trunks: [{name: p, tenant: t, outbound: {transport: tcp}}]\n", 4,
     41, "trunks[0].outbound.uri", "required field 'uri' is missing", 1},
    {"trunk bad uri",
     VHEAD "trunks: [{name: p, tenant: t, outbound: {uri: \"http://h\"}}]\n", 4,
     47, "trunks[0].outbound.uri", "bad URI 'http://h'", 1},
    {"trunk user no password",
     VHEAD "trunks: [{name: p, tenant: t, outbound: {uri: \"sip:h\", username: "
           "u}}]\n",
     4, 41, "trunks[0].outbound.password", "username needs a password", 1},
    {"trunk neither", VHEAD "trunks: [{name: p, tenant: t}]\n", 4, 10,
     "trunks[0]", "a trunk needs inbound, outbound or both", 1},
    {"trunk duplicate",
     VHEAD "trunks: [{name: p, tenant: t, outbound: {uri: \"sip:h\"}}, {name: "
           "p, tenant: t, outbound: {uri: \"sip:h\"}}]\n",
     4, 65, "trunks[1].name",
     "duplicate trunk 'p' in this tenant (first at line 4)", 1},
    {"trunk max_calls",
     VHEAD "trunks: [{name: p, tenant: t, outbound: {uri: \"sip:h\"}, "
           "max_calls: -1}]\n",
     4, 68, "trunks[0].max_calls", "-1 is out of range 1..1000000", 1},
    {"number duplicate",
     VHEAD "numbers: [{number: \"800\", tenant: t, rota: r}, {number: \"800\", "
           "tenant: t, rota: r}]\n" RTAIL,
     4, 57, "numbers[1].number", "duplicate number '800' (first at line 4)", 1},
    {"number flow and rota",
     VHEAD "numbers: [{number: \"800\", tenant: t, rota: r, flow: f}]\n" RTAIL,
     4, 11, "numbers[0]", "give exactly one of flow and rota", 1},
    {"number unknown rota",
     VHEAD "numbers: [{number: \"800\", tenant: t, rota: zz}]\n", 4, 11,
     "numbers[0]", "number 800: no rota 'zz' in tenant 't'", 1},
    {"number neither", VHEAD "numbers: [{number: \"800\", tenant: t}]\n", 4, 11,
     "numbers[0]", "give exactly one of flow and rota", 1},
    {"number unknown flow",
     VHEAD "numbers: [{number: \"800\", tenant: t, flow: f}]\n", 4, 44,
     "numbers[0].flow", "unknown flow 'f' in tenant 't'", 1},
    {"number letters",
     VHEAD "numbers: [{number: \"80a\", tenant: t, rota: r}]\n" RTAIL, 4, 20,
     "numbers[0].number", "bad number '80a'", 1},
    {"calendar end before start",
     VHEAD "calendars: [{name: c, tenant: t, hours: {mon: \"20:00-08:00\"}}]\n",
     4, 47, "calendars[0].hours.mon",
     "hours '20:00-08:00' end before they start", 1},
    {"calendar hour 25",
     VHEAD "calendars: [{name: c, tenant: t, hours: {mon: \"08:00-25:00\"}}]\n",
     4, 47, "calendars[0].hours.mon", "bad hours '08:00-25:00'", 1},
    {"calendar minute 60",
     VHEAD "calendars: [{name: c, tenant: t, hours: {mon: [\"08:00-09:00\", "
           "\"10:60-11:00\"]}}]\n",
     4, 63, "calendars[0].hours.mon[1]", "bad hours '10:60-11:00'", 1},
    {"calendar 24:30",
     VHEAD "calendars: [{name: c, tenant: t, hours: {mon: \"08:00-24:30\"}}]\n",
     4, 47, "calendars[0].hours.mon", "bad hours '08:00-24:30'", 1},
    {"calendar bad day",
     VHEAD
     "calendars: [{name: c, tenant: t, hours: {mon-xyz: \"08:00-09:00\"}}]\n",
     4, 42, "calendars[0].hours.mon-xyz", "bad days 'mon-xyz'", 1},
    {"calendar backwards days",
     VHEAD
     "calendars: [{name: c, tenant: t, hours: {fri-mon: \"08:00-09:00\"}}]\n",
     4, 42, "calendars[0].hours.fri-mon", "bad days 'fri-mon'", 1},
    {"calendar day twice",
     VHEAD "calendars: [{name: c, tenant: t, hours: {mon-fri: \"08:00-09:00\", "
           "wed: \"10:00-11:00\"}}]\n",
     4, 66, "calendars[0].hours.wed", "wed already has hours (line 4)", 1},
    {"calendar feb 30",
     VHEAD "calendars: [{name: c, tenant: t, holidays: [\"2026-02-30\"]}]\n", 4,
     45, "calendars[0].holidays[0]", "bad date '2026-02-30'", 1},
    {"calendar feb 29 not leap",
     VHEAD "calendars: [{name: c, tenant: t, holidays: [\"2027-02-29\"]}]\n", 4,
     45, "calendars[0].holidays[0]", "bad date '2027-02-29'", 1},
    {"calendar bad timezone",
     VHEAD "calendars: [{name: c, tenant: t, timezone: Mars/Olympus}]\n", 4, 44,
     "calendars[0].timezone", "unknown time zone 'Mars/Olympus'", 1},
    {"calendar traversal timezone",
     VHEAD "calendars: [{name: c, tenant: t, timezone: ../etc/passwd}]\n", 4,
     44, "calendars[0].timezone", "unknown time zone '../etc/passwd'", 1},
    {"calendar duplicate",
     VHEAD "calendars: [{name: c, tenant: t}, {name: c, tenant: t}]\n", 4, 42,
     "calendars[1].name",
     "duplicate calendar 'c' in this tenant (first at line 4)", 1},
    {"features bad code", VHEAD "features: {ready: \"7a\"}\n", 4, 19,
     "features.ready", "bad feature code '7a'", 1},
    {"features same codes", VHEAD "features: {ready: \"*72\"}\n", 4, 11,
     "features", "ready, not_ready and logout need different codes", 1},
    {"flow unknown tenant",
     VHEAD "flows: [{name: f, tenant: x, nodes: {a: [hangup]}}]\n", 4, 27,
     "flows[0].tenant", "unknown tenant 'x'", 1},
    {"flow unknown option node",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{menu: {prompt: {text: "
           "hi}, options: {\"1\": b}}}]}}]\n",
     4, 85, "flows[0].nodes.a[0].menu.options.1",
     "unknown node 'b' in this flow", 1},
    {"flow bad menu key",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{menu: {prompt: {text: "
           "hi}, options: {\"10\": a}}}]}}]\n",
     4, 80, "flows[0].nodes.a[0].menu.options.10", "bad menu key '10'", 1},
    {"flow menu no options",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{menu: {prompt: {text: "
           "hi}}}]}}]\n",
     4, 49, "flows[0].nodes.a[0].menu.options",
     "required field 'options' is missing", 1},
    {"flow queue other tenant",
     VHEAD "flows: [{name: f, tenant: u, nodes: {a: [{queue: q}]}}]\n", 4, 50,
     "flows[0].nodes.a[0].queue", "unknown queue 'q' in this tenant", 1},
    {"flow unknown skill",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{set: {skills: {z: 1}}}, "
           "{queue: q}]}}]\n",
     4, 58, "flows[0].nodes.a[0].set.skills.z", "unknown skill 'z'", 1},
    {"flow unknown music",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{queue: {name: q, music: "
           "jazz}}]}}]\n",
     4, 67, "flows[0].nodes.a[0].queue.music",
     "unknown music 'jazz' (see prompts.music)", 1},
    {"flow unknown calendar",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{hours: {calendar: c, "
           "closed: b}}, hangup], b: [hangup]}}]\n",
     4, 61, "flows[0].nodes.a[0].hours.calendar",
     "unknown calendar 'c' in this tenant", 1},
    {"flow voicemail queue",
     VHEAD
     "flows: [{name: f, tenant: t, nodes: {a: [{voicemail: {queue: z}}]}}]\n",
     4, 62, "flows[0].nodes.a[0].voicemail", "unknown queue 'z' in this tenant",
     1},
    {"flow forward refused",
     VHEAD
     "flows: [{name: f, tenant: t, nodes: {a: [{forward: \"0044123\"}]}}]\n",
     4, 52, "flows[0].nodes.a[0].forward",
     "'0044123' is not allowed by dialing.allow", 1},
    {"flow goto self",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{goto: a}]}}]\n", 4, 49,
     "flows[0].nodes.a[0].goto", "node 'a' loops to itself without waiting", 1},
    {"flow goto cycle",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{set: {priority: 1}}, "
           "{goto: b}], b: [{goto: a}]}}]\n",
     4, 87, "flows[0].nodes.b[0].goto",
     "node 'a' loops to itself without waiting", 1},
    {"flow unsupported language",
     VHEAD
     "flows: [{name: f, tenant: t, language: fr, nodes: {a: [hangup]}}]\n",
     4, 40, "flows[0].language", "unsupported language 'fr'", 1},
    {"flow unknown action",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{dance: x}]}}]\n", 4, 43,
     "flows[0].nodes.a[0]", "unknown action 'dance'", 1},
    {"flow two keys",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{play: {text: x}, hangup: "
           "~}]}}]\n",
     4, 42, "flows[0].nodes.a[0]", "an action is one key, e.g. - play: {...}",
     1},
    {"flow hangup value",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{hangup: now}]}}]\n", 4,
     51, "flows[0].nodes.a[0].hangup", "hangup takes no value", 1},
    {"flow play bare",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [play]}}]\n", 4, 42,
     "flows[0].nodes.a[0]", "play needs a value, e.g. play: ...", 1},
    {"flow start unknown",
     VHEAD "flows: [{name: f, tenant: t, start: z, nodes: {a: [hangup]}}]\n", 4,
     37, "flows[0].start", "unknown node 'z' in this flow", 1},
    {"flow empty node", VHEAD "flows: [{name: f, tenant: t, nodes: {a: []}}]\n",
     4, 41, "flows[0].nodes.a", "a node needs at least one action", 1},
    {"flow set empty",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{set: {}}]}}]\n", 4, 48,
     "flows[0].nodes.a[0].set", "set needs skills, priority or language", 1},
    {"flow text and file",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{play: {text: x, file: "
           "y.wav}}]}}]\n",
     4, 49, "flows[0].nodes.a[0].play", "give exactly one of text and file", 1},
    {"flow duplicate",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [hangup]}}, {name: f, "
           "tenant: t, nodes: {a: [hangup]}}]\n",
     4, 60, "flows[1].name",
     "duplicate flow 'f' in this tenant (first at line 4)", 1},
    {"flow emergency queue",
     VHEAD "flows: [{name: f, tenant: t, emergency: {message: {text: x}, "
           "queue: z}, nodes: {a: [hangup]}}]\n",
     4, 69, "flows[0].emergency.queue", "unknown queue 'z' in this tenant", 1},
    {"flow menu timeout 0",
     VHEAD "flows: [{name: f, tenant: t, nodes: {a: [{menu: {prompt: {text: "
           "x}, timeout: 0, options: {\"1\": a}}}]}}]\n",
     4, 78, "flows[0].nodes.a[0].menu.timeout", "must be longer than 0", 1},
    {"agent outside refused",
     VHEAD "agents: [{name: a, tenant: t, outside: \"0044123\"}]\n", 4, 40,
     "agents[0].outside", "'0044123' is not allowed by dialing.allow", 1},
    {"agent outside no trunk",
     VHEAD "dialing: {allow: [_3X.]}\nagents: [{name: a, tenant: t, outside: "
           "\"3331234567\"}]\n",
     5, 40, "agents[0].outside",
     "no trunk of tenant 't' has outbound to dial it", 1},
    {"agent static not bool",
     VHEAD "agents: [{name: a, tenant: t, static: maybe}]\n", 4, 39,
     "agents[0].static", "expected true or false, found 'maybe'", 1},
    {"agent security srtp value",
     VHEAD "agents: [{name: a, tenant: t, security: {srtp: yes}}]\n", 4, 48,
     "agents[0].security.srtp",
     "unknown value 'yes'; expected required or optional or off", 1},
    {"agent security tls off",
     VHEAD "agents: [{name: a, tenant: t, security: {tls: off}}]\n", 4, 47,
     "agents[0].security.tls",
     "unknown value 'off'; expected required or optional", 1},
    {"agent security unknown field",
     VHEAD "agents: [{name: a, tenant: t, security: {pin: 1}}]\n", 4, 42,
     "agents[0].security.pin", "unknown field 'pin'; expected one of tls, srtp",
     1},
    {"features transfer codes end one another",
     VHEAD "features: {transfer_cancel: \"1\"}\n", 4, 11, "features",
     "blind_transfer, attended_transfer and transfer_cancel need different "
     "codes, none ending another ('1' and '#1')",
     1},
    {"agent extension not digits",
     VHEAD "agents: [{name: a, tenant: t, extension: 12a}]\n", 4, 42,
     "agents[0].extension", "bad extension '12a'; 1 to 15 digits", 1},
    {"agent extension twice",
     VHEAD "agents: [{name: a, tenant: t, extension: \"10\"}, {name: b, "
           "tenant: t, extension: \"10\"}]\n",
     4, 81, "agents[1].extension",
     "extension 10 of agent 'b' is already agent 'a''s (line 4)", 1},
    {"sip nat_keepalive too short",
     VHEAD "sip: {listen: [{address: 127.0.0.1:5060}], nat_keepalive: 500ms}\n",
     4, 59, "sip.nat_keepalive", "expected 0 (off) or at least 1s", 1},
};

static void test_voice_broken_inputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		check_vector(&vectors[i]);
}

/* Passwords of trunks are kept and never appear in a message. */
static void test_trunk_secrets(void **state)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	(void)state;
	cfg = parse_ok(VHEAD
	               "trunks: [{name: p, tenant: t,\n"
	               "  inbound: {username: in, password: s3cret},\n"
	               "  outbound: {uri: sips:h, username: o,\n"
	               "             password: hunter2, transport: tls}}]\n");
	assert_string_equal(cfg->trunks[0].in_password, "s3cret");
	assert_string_equal(cfg->trunks[0].out_password, "hunter2");
	assert_int_equal(cfg->trunks[0].transport, CONFIG_TLS);
	assert_int_equal(cfg->trunks[0].nfrom, 0);
	config_free(cfg);
	assert_int_equal(parse(VHEAD "trunks: [{name: p, tenant: t, inbound: "
	                             "{password: hunter2}}]\n",
	                       &cfg, &errs),
	                 EINVAL);
	for (size_t i = 0; i < errs.n; i++)
		assert_null(strstr(errs.v[i].message, "hunter2"));
	config_errors_free(&errs);
}

/* The pages' folder: "web" unless the file names another. */
static void test_http_pages(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = parse_ok(VHEAD "http: {listen: 127.0.0.1:80, pages: /srv/web}\n");
	assert_string_equal(cfg->http_pages, "/srv/web");
	config_free(cfg);
}

struct dial_case {
	const char *number;
	bool allowed;
};

static void test_dial_allowed(void **state)
{
	static const struct dial_case cases[] = {
	    {"39", false}, /* _39X. needs two more */
	    {"393", false},
	    {"3933", true},
	    {"3331234567", true},
	    {"333123456", false},
	    {"33312345678", false},   /* no partial match of _3XXXXXXXXX */
	    {"+393331234567", false}, /* '+' is not stripped */
	    {"+441", true},
	    {"+440", false},
	    {"+4412345", true},
	    {"44123", false},
	    {"100", true},
	    {"1000", false},
	    {"10", false},
	    {"112", true},
	    {"1121", false},
	    {"0*", true},
	    {"03", true},
	    {"06", false},
	    {"2#", true},
	    {"1#", false},
	    {"9", true},
	    {"9123", true},
	    {"1XX", false},
	    {"", false},
	    {"39a12", false},
	    {"39 12", false},
	    {"3933\n", false},
	    {"-3933", false},
	    {"39111111111111111111111111111111", true}, /* 32 characters */
	    {"391111111111111111111111111111111", false},
	    {"3911111111111111111111111111111111111111111111111111111111111111"
	     "1",
	     false},
	};
	(void)state;
	struct config *cfg = parse_ok(
	    VHEAD "dialing: {allow: [_39X., _3XXXXXXXXX, _1XX, \"112\",\n"
	          "  \"_+44Z!\", \"_0[1-5*]\", \"_N#\", _9!]}\n");
	assert_false(config_dial_allowed(cfg, NULL));
	assert_false(config_dial_allowed(NULL, "112"));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (config_dial_allowed(cfg, cases[i].number) !=
		    cases[i].allowed)
			fail_msg("'%s': expected %s", cases[i].number,
			         cases[i].allowed ? "allowed" : "refused");
	}
	config_free(cfg);

	/* Many wildcards: the automaton stays linear, no blow-up. */
	cfg = parse_ok(VHEAD "dialing: {allow: [_.!.!.!.!.!.!.!.!.!.!.!.!.!.!"
	                     ".!.!.!.!.!.!.!.!.!.!.!.!.!.!.!4]}\n");
	assert_false(
	    config_dial_allowed(cfg, "1111111111111111111111111111113"));
	assert_true(
	    config_dial_allowed(cfg, "1111111111111111111111111111114"));
	config_free(cfg);
}

/* Seconds since the epoch of a UTC date and time (days from civil). */
static time_t utc(int y, int m, int d, int hh, int mm)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long days = era * 146097 + doe - 719468;
	return (time_t)(days * 86400 + hh * 3600 + mm * 60);
}

struct hours_case {
	int y, m, d, hh, mm; /* UTC */
	bool open;
	const char *why;
};

static void test_calendar_open(void **state)
{
	static const struct hours_case cases[] = {
	    {2026, 3, 27, 6, 59, false, "Fri 07:59 CET"},
	    {2026, 3, 27, 7, 0, true, "Fri 08:00 CET"},
	    {2026, 3, 28, 8, 0, true, "Sat 09:00 CET"},
	    {2026, 3, 28, 12, 0, false, "Sat 13:00 CET, the end excluded"},
	    {2026, 3, 29, 10, 0, false, "Sun, the DST day: closed"},
	    {2026, 3, 30, 5, 59, false, "Mon 07:59 CEST"},
	    {2026, 3, 30, 6, 0, true, "Mon 08:00 CEST (07:00 CET)"},
	    {2026, 3, 30, 17, 59, true, "Mon 19:59 CEST"},
	    {2026, 3, 30, 18, 0, false, "Mon 20:00 CEST"},
	    {2026, 10, 23, 6, 0, true, "Fri 08:00 CEST"},
	    {2026, 10, 26, 6, 30, false, "Mon 07:30 CET, after DST"},
	    {2026, 10, 26, 7, 0, true, "Mon 08:00 CET"},
	    {2026, 12, 24, 9, 0, true, "Thu 10:00 CET"},
	    {2026, 12, 25, 9, 0, false, "Fri 10:00 CET, a holiday"},
	    {2026, 12, 25, 23, 30, false, "Sat 00:30 CET: not open at night"},
	};
	(void)state;
	setenv("TZ", "America/New_York", 1);
	struct config *cfg = parse_ok(
	    "tenants: [{name: t, timezone: Europe/Rome}, {name: u}]\n"
	    "calendars:\n"
	    "  - name: office\n    tenant: t\n"
	    "    hours: {mon-fri: \"08:00-20:00\", sat: [\"09:00-13:00\"]}\n"
	    "    holidays: [\"2026-12-25\", \"2028-02-29\"]\n"
	    "  - {name: always, tenant: u, hours: {mon-sun: "
	    "\"00:00-24:00\"}}\n");
	const struct config_calendar *office = &cfg->calendars[0];
	assert_string_equal(office->timezone, "Europe/Rome");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hours_case *h = &cases[i];
		time_t t = utc(h->y, h->m, h->d, h->hh, h->mm);
		if (config_calendar_open(office, t) != h->open)
			fail_msg("%s: expected %s", h->why,
			         h->open ? "open" : "closed");
	}
	const struct config_calendar *always = &cfg->calendars[1];
	assert_string_equal(always->timezone, "UTC");
	assert_true(config_calendar_open(always, utc(2026, 3, 29, 23, 59)));
	assert_true(config_calendar_open(always, utc(2026, 3, 30, 0, 0)));
	assert_string_equal(getenv("TZ"), "America/New_York"); /* restored */
	unsetenv("TZ");
	config_free(cfg);
}

static void test_lookups(void **state)
{
	(void)state;
	struct config *cfg = parse_ok(
	    VHEAD
	    "trunks:\n"
	    "  - {name: a, tenant: t, inbound: {from: [10.0.0.0/8, "
	    "\"2001:db8::/32\"]}}\n"
	    "  - {name: b, tenant: u, inbound: {from: 10.1.2.3}}\n"
	    "  - {name: c, tenant: u, inbound: {from: [192.168.1.128/25]}}\n"
	    "flows:\n"
	    "  - {name: f, tenant: t, nodes: {a: [hangup]}}\n"
	    "  - {name: f, tenant: u, nodes: {a: [hangup]}}\n"
	    "numbers: [{number: \"+39800\", tenant: u, flow: f}]\n");
	assert_string_equal(config_trunk_match(cfg, "10.1.2.3")->name, "a");
	assert_string_equal(config_trunk_match(cfg, "::ffff:10.9.9.9")->name,
	                    "a");
	assert_string_equal(config_trunk_match(cfg, "2001:db8:1::5")->name,
	                    "a");
	assert_null(config_trunk_match(cfg, "2001:db9::1"));
	assert_string_equal(config_trunk_match(cfg, "192.168.1.200")->name,
	                    "c");
	assert_null(config_trunk_match(cfg, "192.168.1.127"));
	assert_null(config_trunk_match(cfg, "11.0.0.1"));
	assert_null(config_trunk_match(cfg, "example.org"));
	assert_null(config_trunk_match(cfg, NULL));

	const struct config_number *n = config_number_find(cfg, "+39800");
	assert_non_null(n);
	assert_int_equal(n->flow.index, 1); /* tenant u's flow f */
	assert_null(config_number_find(cfg, "39800"));
	assert_ptr_equal(config_flow_find(cfg, 0, "f"), &cfg->flows[0]);
	assert_ptr_equal(config_flow_find(cfg, 1, "f"), &cfg->flows[1]);
	assert_null(config_flow_find(cfg, 2, "f"));
	assert_null(config_flow_find(cfg, 0, "g"));
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_voice),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_loops_that_wait),
	    cmocka_unit_test(test_queue_record),
	    cmocka_unit_test(test_voice_broken_inputs),
	    cmocka_unit_test(test_trunk_secrets),
	    cmocka_unit_test(test_http_pages),
	    cmocka_unit_test(test_dial_allowed),
	    cmocka_unit_test(test_calendar_open),
	    cmocka_unit_test(test_lookups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
