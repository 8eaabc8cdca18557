/*
 * test_web_contacts.c - the contacts routes through the dispatcher, with
 * a real desk and store: creation answered only once stored, every field
 * error, tenant isolation, the agent's actions, the routing story.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "desk/desk.h"
#include "report/report.h"
#include "store_fixture.h"
#include "web_fixture.h"

/* The web fixture's users over queues with a skill and a wrap-up. */
static const char cfx_yaml[] =
    "tenants: [{name: demo}, {name: other}]\n"
    "skills: [italian]\n"
    "queues:\n"
    "  - {name: info, tenant: demo, web_chat: true,\n"
    "     dispositions: [resolved, follow-up]}\n"
    "  - {name: back, tenant: demo}\n"
    "  - {name: sales, tenant: other}\n"
    "agents:\n"
    "  - {name: agent1, tenant: demo, queues: [info],\n"
    "     skills: {italian: 3}}\n"
    "  - {name: agent2, tenant: demo, queues: [info]}\n"
    "  - {name: agent9, tenant: other, queues: [sales]}\n"
    "users:\n"
    "  - {name: admin, password_hash: \"%s\", role: administrator,\n"
    "     tenants: [demo, other]}\n"
    "  - {name: sup, password_hash: \"%s\", role: supervisor,\n"
    "     tenants: [demo]}\n"
    "  - {name: maria, password_hash: \"%s\", role: agent,\n"
    "     tenants: [demo], agent: agent1}\n";

struct cfx {
	struct wfx w; /* first: the web fixture's helpers take it */
	struct sfx s;
	struct desk *desk;
	int64_t wall;
	char admin[WEB_TOKEN_HEX + 1], sup[WEB_TOKEN_HEX + 1],
	    maria[WEB_TOKEN_HEX + 1];
};

static void cfx_event(const struct acd_event *ev, void *arg)
{
	struct cfx *f = arg;
	const struct acd *acd = f->w.acd;

	/* as the daemon does: the journal, then the desk */
	if (f->s.store)
		assert_int_equal(
		    store_journal_append(f->s.store, ev,
		                         acd_tenant_name(acd, ev->tenant),
		                         acd_queue_name(acd, ev->queue),
		                         acd_agent_name(acd, ev->agent)),
		    0);
	if (f->desk)
		desk_engine_event(f->desk, ev);
}

static int64_t cfx_wall(void *arg)
{
	return ((struct cfx *)arg)->wall;
}

static int cfx_setup(void **state)
{
	static char h[3][crypto_pwhash_STRBYTES];
	struct config_errors errs = {0};
	struct cfx *f = calloc(1, sizeof(*f));
	struct web_env env = {0};
	void *sstate = NULL;
	char yaml[4096];

	assert_non_null(f);
	assert_true(sodium_init() >= 0);
	wfx_hash(h[0], "admin-pw");
	wfx_hash(h[1], "sup-pw");
	wfx_hash(h[2], "maria-pw");
	snprintf(yaml, sizeof(yaml), cfx_yaml, h[0], h[1], h[2]);
	assert_int_equal(
	    config_parse(yaml, strlen(yaml), "contacts.yaml", &f->w.cfg, &errs),
	    0);
	f->w.now = 1000000;
	f->wall = 1800000000000; /* 2027-01-15T08:00:00Z */
	assert_int_equal(acd_alloc(&f->w.acd, wfx_clock, cfx_event, f, 1), 0);
	assert_int_equal(config_apply(f->w.cfg, f->w.acd, &errs), 0);
	assert_int_equal(sfx_setup(&sstate), 0);
	f->s = *(struct sfx *)sstate;
	free(sstate);
	sfx_open(&f->s, NULL);
	assert_int_equal(
	    desk_alloc(&f->desk, &(struct desk_params){.acd = f->w.acd,
	                                               .store = f->s.store,
	                                               .wall = cfx_wall,
	                                               .wall_arg = f}),
	    0);
	env.acd = f->w.acd;
	env.cfg = f->w.cfg;
	env.desk = f->desk;
	env.store = f->s.store;
	assert_int_equal(web_alloc(&f->w.web, &env), 0);
	f->w.web->now_ms = 1000;
	assert_int_equal(sa_set_str(&f->w.remote, "192.0.2.7", 40000), 0);
	wfx_login(&f->w, "admin", "admin-pw", f->admin);
	wfx_login(&f->w, "sup", "sup-pw", f->sup);
	wfx_login(&f->w, "maria", "maria-pw", f->maria);
	*state = f;
	return 0;
}

static int cfx_teardown(void **state)
{
	struct cfx *f = *state;
	struct sfx *s = malloc(sizeof(*s));
	void *sstate = s;

	web_free(f->w.web);
	acd_free(f->w.acd);
	desk_free(f->desk);
	config_free(f->w.cfg);
	*s = f->s;
	sfx_teardown(&sstate);
	free(f);
	return 0;
}

/* POST /contacts with body as token; the reply's JSON (the caller's). */
static json_t *create(struct cfx *f, const char *token, const char *body,
                      uint16_t status)
{
	struct web_reply r = {0};
	json_t *j;

	wfx_call(&f->w, "POST", "/api/v1/contacts", token, body, &r);
	if (r.status != status)
		fail_msg("POST /contacts %s: %u %.*s", body, r.status,
		         r.body ? (int)r.body->end : 0,
		         r.body ? (char *)r.body->buf : "");
	j = wfx_json(&r);
	web_reply_reset(&r);
	return j;
}

static json_int_t jint(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static const char *jstr(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s ? s : "";
}

/* GET path as token into a JSON reply with the expected status. */
static json_t *get(struct cfx *f, const char *path, const char *token,
                   uint16_t status)
{
	struct web_reply r = {0};
	json_t *j;

	wfx_call(&f->w, "GET", path, token, NULL, &r);
	assert_int_equal(r.status, status);
	j = wfx_json(&r);
	web_reply_reset(&r);
	return j;
}

static void post(struct cfx *f, const char *path, const char *token,
                 const char *body, uint16_t status, const char *code)
{
	struct web_reply r = {0};

	wfx_call(&f->w, "POST", path, token, body, &r);
	if (code)
		wfx_expect_error(&r, status, code);
	else
		assert_int_equal(r.status, status);
	web_reply_reset(&r);
}

/* A chat created: 201 once committed, with its place in line. */
static void test_contact_create(void **state)
{
	struct cfx *f = *state;
	json_t *j;
	sqlite3 *db;

	j = create(f, f->admin,
	           "{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":"
	           "\"chat\",\"priority\":2,\"skills\":{\"italian\":2},"
	           "\"data\":{\"name\":\"Ada\",\"topic\":\"vaccino\"}}",
	           201);
	assert_int_equal(jint(j, "id"), 1);
	assert_string_equal(jstr(j, "state"), "waiting");
	assert_string_equal(jstr(j, "channel"), "chat");
	assert_string_equal(jstr(j, "created"), "2027-01-15T08:00:00.000Z");
	assert_int_equal(jint(j, "position"), 1);
	assert_string_equal(jstr(json_object_get(j, "data"), "topic"),
	                    "vaccino");
	json_decref(j);
	/* committed before the answer: another connection sees it */
	db = sfx_raw(f->s.path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts WHERE "
	                             "key = 1 AND skills = 'italian:2' AND "
	                             "priority = 2 AND outcome IS NULL"),
	                 1);
	sqlite3_close(db);
	j = create(f, f->sup,
	           "{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":"
	           "\"chat\",\"skills\":{\"italian\":2}}",
	           201);
	assert_int_equal(jint(j, "position"), 2);
	json_decref(j);
	j = create(f, f->sup,
	           "{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":"
	           "\"app\"}",
	           201);
	json_decref(j);
	j = get(f, "/api/v1/contacts/3", f->sup, 200);
	assert_string_equal(jstr(j, "channel"), "app");
	json_decref(j);
}

/* Every field is checked and named; nothing half-made is kept. */
static void test_contact_create_errors(void **state)
{
	struct cfx *f = *state;
	static const struct {
		const char *body;
		uint16_t status;
		const char *code, *names;
	} bad[] = {
	    {"{\"queue\":\"info\",\"channel\":\"chat\"}", 400, "missing-field",
	     "'tenant'"},
	    {"{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":\"fax\"}",
	     400, "bad-field", "'channel'"},
	    {"{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":\"chat\","
	     "\"skills\":{\"klingon\":2}}",
	     400, "bad-field", "klingon"},
	    {"{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":\"chat\","
	     "\"skills\":{\"italian\":9}}",
	     400, "bad-field", "'skills'"},
	    {"{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":\"chat\","
	     "\"not_before\":\"2027-01-15T09:00:00Z\"}",
	     400, "bad-field", "callbacks only"},
	    {"{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":"
	     "\"callback\",\"not_before\":\"tomorrow\"}",
	     400, "bad-field", "'not_before'"},
	    {"{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":"
	     "\"callback\",\"not_before\":\"2027-01-15T09:00:00Z\","
	     "\"not_after\":\"2027-01-15T08:59:00Z\"}",
	     400, "bad-field", "'not_after'"},
	    {"{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":\"chat\","
	     "\"priority\":1000}",
	     400, "bad-field", "'priority'"},
	    {"{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":\"chat\","
	     "\"data\":[1]}",
	     400, "bad-field", "'data'"},
	    {"{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":\"chat\","
	     "\"colour\":\"red\"}",
	     400, "unknown-field", "colour"},
	    {"{\"tenant\":\"demo\",\"queue\":\"nope\",\"channel\":\"chat\"}",
	     404, "not-found", "'nope'"},
	    /* sup is not of tenant other: as if it did not exist */
	    {"{\"tenant\":\"other\",\"queue\":\"sales\",\"channel\":\"chat\"}",
	     404, "not-found", "'sales'"},
	    {"[1, 2]", 400, "bad-json", ""},
	};
	struct web_reply r = {0};
	sqlite3 *db;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wfx_call(&f->w, "POST", "/api/v1/contacts", f->sup, bad[i].body,
		         &r);
		wfx_expect_error(&r, bad[i].status, bad[i].code);
		if (!strstr((char *)r.body->buf, bad[i].names))
			fail_msg("%s: the error does not name %s: %.*s",
			         bad[i].body, bad[i].names, (int)r.body->end,
			         (char *)r.body->buf);
	}
	web_reply_reset(&r);
	db = sfx_raw(f->s.path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts"), 0);
	sqlite3_close(db);
}

/* A user sees only its tenants' contacts; an agent only its own. */
static void test_contact_tenants(void **state)
{
	struct cfx *f = *state;
	json_t *j;

	json_decref(create(f, f->admin,
	                   "{\"tenant\":\"other\",\"queue\":\"sales\","
	                   "\"channel\":\"chat\"}",
	                   201));
	json_decref(create(f, f->admin,
	                   "{\"tenant\":\"demo\",\"queue\":\"info\","
	                   "\"channel\":\"chat\"}",
	                   201));
	json_decref(get(f, "/api/v1/contacts/1", f->sup, 404));
	json_decref(get(f, "/api/v1/contacts/1/journal", f->sup, 404));
	json_decref(get(f, "/api/v1/contacts/1", f->admin, 200));
	json_decref(get(f, "/api/v1/contacts/99", f->admin, 404));
	json_decref(get(f, "/api/v1/contacts/x1", f->admin, 404));
	post(f, "/api/v1/contacts/1/accept", f->maria, NULL, 404, "not-found");
	j = get(f, "/api/v1/contacts", f->sup, 200);
	assert_int_equal(json_array_size(json_object_get(j, "contacts")), 1);
	assert_int_equal(
	    jint(json_array_get(json_object_get(j, "contacts"), 0), "id"), 2);
	json_decref(j);
	j = get(f, "/api/v1/contacts", f->admin, 200);
	assert_int_equal(json_array_size(json_object_get(j, "contacts")), 2);
	json_decref(j);
	/* not offered to maria: not in her list */
	j = get(f, "/api/v1/contacts", f->maria, 200);
	assert_int_equal(json_array_size(json_object_get(j, "contacts")), 0);
	json_decref(j);
}

/* Offer, accept, finish: then the store tells the end, and the journal
 * tells why it went to agent1. */
static void test_contact_agent_flow(void **state)
{
	struct cfx *f = *state;
	struct web_reply r = {0};
	json_t *j, *ev;
	size_t n;
	bool offered = false;

	json_decref(create(f, f->sup,
	                   "{\"tenant\":\"demo\",\"queue\":\"info\","
	                   "\"channel\":\"chat\",\"skills\":{\"italian\":1}}",
	                   201));
	post(f, "/api/v1/contacts/1/accept", f->maria, NULL, 403, "forbidden");
	wfx_call(&f->w, "PUT", "/api/v1/agents/demo/agent1/state", f->maria,
	         "{\"state\":\"ready\"}", &r);
	assert_int_equal(r.status, 200);
	web_reply_reset(&r);
	j = get(f, "/api/v1/contacts", f->maria, 200);
	ev = json_array_get(json_object_get(j, "contacts"), 0);
	assert_string_equal(jstr(ev, "state"), "offered");
	assert_string_equal(jstr(ev, "agent"), "agent1");
	json_decref(j);
	/* a supervisor acts for a named agent, and must name one */
	post(f, "/api/v1/contacts/1/accept", f->sup, NULL, 400,
	     "missing-field");
	post(f, "/api/v1/contacts/1/accept", f->sup, "{\"agent\":\"agent2\"}",
	     403, "forbidden");
	post(f, "/api/v1/contacts/1/accept", f->maria, NULL, 200, NULL);
	j = get(f, "/api/v1/contacts/1", f->sup, 200);
	assert_string_equal(jstr(j, "state"), "connected");
	json_decref(j);
	post(f, "/api/v1/contacts/1/accept", f->maria, NULL, 409, NULL);
	post(f, "/api/v1/contacts/1/accept", f->maria,
	     "{\"disposition\":\"resolved\"}", 400, "bad-field");
	/* a code the queue does not list is refused, and nothing ends */
	post(f, "/api/v1/contacts/1/finish", f->maria,
	     "{\"disposition\":\"sold\"}", 400, "bad-field");
	post(f, "/api/v1/contacts/1/finish", f->maria,
	     "{\"disposition\":\"follow-up\",\"notes\":\"call back Monday\"}",
	     200, NULL);
	j = get(f, "/api/v1/contacts/1", f->sup, 200);
	assert_string_equal(jstr(j, "state"), "ended");
	assert_string_equal(jstr(j, "outcome"), "completed");
	assert_string_equal(jstr(j, "disposition"), "follow-up");
	assert_string_equal(jstr(j, "notes"), "call back Monday");
	json_decref(j);
	/* the queue report counts it among the interval's dispositions */
	{
		/* 2001 to 2096: whatever day the store's clock gives */
		struct report_params p = {.interval_min = 60,
		                          .from_ms = 1000000000000,
		                          .to_ms = 4000000000000};
		struct report *rep = NULL;
		char err[160];

		assert_int_equal(
		    report_compute(f->s.store, &p, &rep, err, sizeof(err)), 0);
		assert_int_equal(rep->ndispositions, 1);
		assert_string_equal(rep->dispositions[0].code, "follow-up");
		assert_string_equal(rep->dispositions[0].queue, "info");
		assert_int_equal(rep->dispositions[0].contacts, 1);
		report_free(rep);
	}
	post(f, "/api/v1/contacts/1/finish", f->maria, NULL, 409,
	     "state-refused");
	j = get(f, "/api/v1/contacts/1/journal", f->sup, 200);
	n = json_array_size(json_object_get(j, "events"));
	assert_true(n >= 4);
	assert_string_equal(
	    jstr(json_array_get(json_object_get(j, "events"), 0), "type"),
	    "contact-queued");
	assert_string_equal(
	    jstr(json_array_get(json_object_get(j, "events"), n - 1), "type"),
	    "contact-completed");
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(json_object_get(j, "events"), i);
		json_t *d = json_object_get(e, "decision");
		if (strcmp(jstr(e, "type"), "contact-offered"))
			continue;
		offered = true;
		assert_string_equal(jstr(e, "agent"), "agent1");
		assert_non_null(d);
		assert_int_equal(jint(d, "candidates"), 1);
	}
	assert_true(offered);
	json_decref(j);
}

/* A callback in a window waits scheduled; a withdrawn one ends. */
static void test_contact_callback_and_withdraw(void **state)
{
	struct cfx *f = *state;
	struct web_reply r = {0};
	json_t *j;

	j = create(f, f->sup,
	           "{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":"
	           "\"callback\",\"not_before\":\"2027-01-15T10:00:00+01:00\","
	           "\"not_after\":\"2027-01-15T12:00:00+01:00\","
	           "\"data\":{\"number\":\"+390612345678\"}}",
	           201);
	assert_string_equal(jstr(j, "state"), "scheduled");
	assert_string_equal(jstr(j, "not_before"), "2027-01-15T09:00:00.000Z");
	assert_string_equal(jstr(json_object_get(j, "data"), "not_after"),
	                    "2027-01-15T11:00:00.000Z");
	json_decref(j);
	wfx_call(&f->w, "DELETE", "/api/v1/contacts/1", f->sup, NULL, &r);
	assert_int_equal(r.status, 200);
	wfx_call(&f->w, "DELETE", "/api/v1/contacts/1", f->sup, NULL, &r);
	wfx_expect_error(&r, 409, "state-refused");
	web_reply_reset(&r);
	j = get(f, "/api/v1/contacts/1", f->sup, 200);
	assert_string_equal(jstr(j, "outcome"), "abandoned");
	json_decref(j);
}

/* An agent keeps a callback for itself (a personal callback): it is in
 * the agent's own list, marked as its; nobody names another agent for an
 * agent user, nor an agent of another tenant. */
static void test_contact_owned_callback(void **state)
{
	struct cfx *f = *state;
	json_t *j, *list;
	const char *cb = "{\"tenant\":\"demo\",\"queue\":\"info\","
	                 "\"channel\":\"callback\",\"not_before\":"
	                 "\"2027-01-15T10:00:00+01:00\",\"data\":{\"number\":"
	                 "\"+390612345678\"},\"agent\":\"%s\"%s}";
	char body[512];

	/* a callback for nobody in particular is not in maria's list */
	j = create(f, f->sup,
	           "{\"tenant\":\"demo\",\"queue\":\"info\",\"channel\":"
	           "\"callback\",\"not_before\":\"2027-01-15T10:00:00Z\"}",
	           201);
	json_decref(j);
	snprintf(body, sizeof(body), cb, "agent1", ",\"agent_wait\":900");
	j = create(f, f->maria, body, 201);
	assert_string_equal(jstr(j, "state"), "scheduled");
	assert_string_equal(jstr(j, "owner"), "agent1");
	/* due at 09:00Z, kept for agent1 fifteen minutes from then */
	assert_string_equal(jstr(j, "owner_until"), "2027-01-15T09:15:00.000Z");
	json_decref(j);
	j = get(f, "/api/v1/contacts", f->maria, 200);
	list = json_object_get(j, "contacts");
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(jstr(json_array_get(list, 0), "owner"), "agent1");
	json_decref(j);
	j = get(f, "/api/v1/contacts", f->sup, 200);
	assert_int_equal(json_array_size(json_object_get(j, "contacts")), 2);
	json_decref(j);

	snprintf(body, sizeof(body), cb, "agent2", "");
	json_decref(create(f, f->maria, body, 403));
	json_decref(create(f, f->sup, body, 201)); /* a supervisor may */
	snprintf(body, sizeof(body), cb, "agent9", "");
	json_decref(create(f, f->sup, body, 400)); /* another tenant's */
	snprintf(body, sizeof(body), cb, "agent1", ",\"agent_wait\":5");
	json_decref(create(f, f->maria, body, 400));
	json_decref(create(f, f->maria,
	                   "{\"tenant\":\"demo\",\"queue\":\"info\","
	                   "\"channel\":\"app\",\"agent_wait\":600}",
	                   400));
}

/* A phone call the desk adopts keeps what the caller did in the menus:
 * the API shows the keys and the language, and the caller's number is
 * who the customer is (their earlier call is in the history). */
static void test_contact_call_ivr(void **state)
{
	struct cfx *f = *state;
	struct acd_contact_params p = {
	    .channel = ACD_CH_VOICE,
	    .queue = acd_queue_find(f->w.acd, acd_tenant_find(f->w.acd, "demo"),
	                            "info"),
	    .attributes = "menu=2;menu=1;lang=it;from=06 1234 5678"};
	uint64_t first, second;
	json_t *j, *list, *call = NULL, *ivr;

	assert_int_equal(acd_contact_add(f->w.acd, &p, &first), 0);
	assert_int_equal(acd_contact_abandon(f->w.acd, first), 0);
	p.attributes = "menu=1;lang=it;from=0612345678";
	assert_int_equal(acd_contact_add(f->w.acd, &p, &second), 0);
	j = get(f, "/api/v1/contacts", f->sup, 200);
	list = json_object_get(j, "contacts");
	for (size_t i = 0; i < json_array_size(list); i++)
		if (!strcmp(jstr(json_array_get(list, i), "channel"), "voice"))
			call = json_array_get(list, i);
	assert_non_null(call);
	ivr = json_object_get(call, "ivr");
	assert_int_equal(json_array_size(json_object_get(ivr, "menu")), 1);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(ivr, "menu"), 0)),
	    "1");
	assert_string_equal(jstr(ivr, "language"), "it");
	{
		char path[64];
		json_t *h;

		snprintf(path, sizeof(path), "/api/v1/contacts/%lld/history",
		         (long long)jint(call, "id"));
		h = get(f, path, f->sup, 200);
		assert_string_equal(jstr(h, "customer"), "0612345678");
		assert_int_equal(
		    json_array_size(json_object_get(h, "contacts")), 1);
		assert_string_equal(
		    jstr(json_array_get(json_object_get(h, "contacts"), 0),
		         "outcome"),
		    "abandoned");
		json_decref(h);
	}
	json_decref(j);
}

/* ---- the web chat ---------------------------------------------------- */

/* A visitor's request with the chat's token. */
static void visit(struct cfx *f, const char *method, const char *path,
                  const char *token, const char *body, struct web_reply *r)
{
	char hdr[128];

	snprintf(hdr, sizeof(hdr), "X-Chat-Token: %s\r\n", token ? token : "");
	wfx_request(&f->w, &f->w.remote, method, path, token ? hdr : NULL, body,
	            r);
}

/* Open a chat as a visitor; its token into token (65 bytes). */
static uint64_t open_chat(struct cfx *f, char *token)
{
	struct web_reply r = {0};
	json_t *j;
	uint64_t id;

	wfx_call(&f->w, "POST", "/api/v1/chats", NULL,
	         "{\"tenant\":\"demo\",\"queue\":\"info\",\"name\":\"Ada\","
	         "\"topic\":\"vaccino\",\"language\":\"it\"}",
	         &r);
	assert_int_equal(r.status, 201);
	j = wfx_json(&r);
	id = (uint64_t)jint(j, "id");
	snprintf(token, 65, "%s", jstr(j, "token"));
	assert_int_equal(strlen(token), 64);
	assert_string_equal(jstr(j, "state"), "waiting");
	assert_true(jint(j, "position") >= 1);
	json_decref(j);
	web_reply_reset(&r);
	return id;
}

/* The seq of a message post with the expected status (201 new, 200
 * resent). */
static json_int_t say(struct cfx *f, const char *path, const char *token,
                      bool visitor, const char *id, const char *body,
                      uint16_t status)
{
	struct web_reply r = {0};
	char text[512];
	json_t *j;
	json_int_t seq;

	snprintf(text, sizeof(text), "{\"client_id\":\"%s\",\"body\":\"%s\"}",
	         id, body);
	if (visitor)
		visit(f, "POST", path, token, text, &r);
	else
		wfx_call(&f->w, "POST", path, token, text, &r);
	if (r.status != status)
		fail_msg("%s %s: %u %.*s", path, text, r.status,
		         r.body ? (int)r.body->end : 0,
		         r.body ? (char *)r.body->buf : "");
	j = wfx_json(&r);
	seq = jint(j, "seq");
	json_decref(j);
	web_reply_reset(&r);
	return seq;
}

/* Visitor and agent talk; a resent message is stored once; reading after
 * a seq gives what follows, in order. */
static void test_chat_conversation(void **state)
{
	struct cfx *f = *state;
	struct web_reply r = {0};
	char token[65], path[64], mpath[64];
	uint64_t id = open_chat(f, token);
	json_t *j, *m;

	snprintf(path, sizeof(path), "/api/v1/chats/%llu/messages",
	         (unsigned long long)id);
	snprintf(mpath, sizeof(mpath), "/api/v1/contacts/%llu/messages",
	         (unsigned long long)id);
	/* the visitor writes while waiting; a blip makes it resend */
	assert_int_equal(say(f, path, token, true, "v1", "Buongiorno", 201), 1);
	assert_int_equal(say(f, path, token, true, "v1", "Buongiorno", 200), 1);
	/* nobody handles it yet: the agent may not write */
	say(f, mpath, f->maria, false, "a1", "Salve", 404);
	wfx_call(&f->w, "PUT", "/api/v1/agents/demo/agent1/state", f->maria,
	         "{\"state\":\"ready\"}", &r);
	assert_int_equal(r.status, 200);
	snprintf(path, sizeof(path), "/api/v1/contacts/%llu/accept",
	         (unsigned long long)id);
	post(f, path, f->maria, NULL, 200, NULL);
	/* a supervisor reads but does not write */
	say(f, mpath, f->sup, false, "s1", "Hi", 403);
	assert_int_equal(say(f, mpath, f->maria, false, "a1", "Salve", 201), 2);
	snprintf(path, sizeof(path), "/api/v1/chats/%llu/messages",
	         (unsigned long long)id);
	assert_int_equal(say(f, path, token, true, "v2", "Grazie", 201), 3);
	/* the visitor reads what follows seq 1 */
	snprintf(path, sizeof(path), "/api/v1/chats/%llu?after=1",
	         (unsigned long long)id);
	visit(f, "GET", path, token, NULL, &r);
	assert_int_equal(r.status, 200);
	j = wfx_json(&r);
	assert_string_equal(jstr(j, "state"), "connected");
	assert_string_equal(jstr(j, "agent"), "agent1");
	m = json_object_get(j, "messages");
	assert_int_equal(json_array_size(m), 2);
	assert_int_equal(jint(json_array_get(m, 0), "seq"), 2);
	assert_string_equal(jstr(json_array_get(m, 0), "sender"), "agent");
	assert_string_equal(jstr(json_array_get(m, 0), "body"), "Salve");
	assert_string_equal(jstr(json_array_get(m, 1), "body"), "Grazie");
	json_decref(j);
	/* the agent reads the whole conversation */
	j = get(f, mpath, f->maria, 200);
	assert_int_equal(json_array_size(json_object_get(j, "messages")), 3);
	json_decref(j);
	/* the visitor leaves: the chat ends, its transcript stays readable */
	snprintf(path, sizeof(path), "/api/v1/chats/%llu",
	         (unsigned long long)id);
	visit(f, "DELETE", path, token, NULL, &r);
	assert_int_equal(r.status, 200);
	visit(f, "GET", path, token, NULL, &r);
	assert_int_equal(r.status, 200);
	j = wfx_json(&r);
	assert_string_equal(jstr(j, "state"), "ended");
	assert_int_equal(json_array_size(json_object_get(j, "messages")), 3);
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/chats/%llu/messages",
	         (unsigned long long)id);
	say(f, path, token, true, "v3", "Ancora?", 409);
	web_reply_reset(&r);
}

/* The newest event of the feed, if it is a "chat-typing" of sender. */
static bool typing_told(struct cfx *f, uint64_t *seen, const char *sender)
{
	uint64_t last = web_feed_last(f->w.web->feed);
	const struct web_feed_entry *e = web_feed_at(f->w.web->feed, last);
	char want[64];
	bool told;

	if (last == *seen || !e)
		return false;
	*seen = last;
	snprintf(want, sizeof(want), "\"sender\":\"%s\"", sender);
	told = strstr(e->full, "\"type\":\"chat-typing\"") &&
	       strstr(e->full, want) && !strstr(e->full, "\"message\"");
	return told;
}

/* Whether the visitor's read says the agent types. */
static bool agent_typing(struct cfx *f, const char *path, const char *token)
{
	struct web_reply r = {0};
	json_t *j;
	bool typing;

	visit(f, "GET", path, token, NULL, &r);
	assert_int_equal(r.status, 200);
	j = wfx_json(&r);
	typing = json_is_true(json_object_get(j, "agent_typing"));
	json_decref(j);
	web_reply_reset(&r);
	return typing;
}

/* "Is typing…" both ways: the visitor's reaches the agent's feed (at
 * most every 2 s), the agent's the visitor's reads (for 6 s). */
static void test_chat_typing(void **state)
{
	struct cfx *f = *state;
	struct web_reply r = {0};
	char token[65], vpath[64], apath[64], cpath[64];
	uint64_t id = open_chat(f, token), seen = 0;

	snprintf(vpath, sizeof(vpath), "/api/v1/chats/%llu/typing",
	         (unsigned long long)id);
	snprintf(apath, sizeof(apath), "/api/v1/contacts/%llu/typing",
	         (unsigned long long)id);
	snprintf(cpath, sizeof(cpath), "/api/v1/chats/%llu",
	         (unsigned long long)id);
	/* nobody handles it yet: nothing to tell; the agent may not type */
	(void)typing_told(f, &seen, "visitor");
	visit(f, "POST", vpath, token, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_false(typing_told(f, &seen, "visitor"));
	post(f, apath, f->maria, NULL, 404, "not-found");
	visit(f, "POST", vpath, "0000", NULL, &r);
	assert_int_equal(r.status, 404);
	wfx_call(&f->w, "PUT", "/api/v1/agents/demo/agent1/state", f->maria,
	         "{\"state\":\"ready\"}", &r);
	assert_int_equal(r.status, 200);
	snprintf(cpath, sizeof(cpath), "/api/v1/contacts/%llu/accept",
	         (unsigned long long)id);
	post(f, cpath, f->maria, NULL, 200, NULL);
	snprintf(cpath, sizeof(cpath), "/api/v1/chats/%llu",
	         (unsigned long long)id);
	(void)typing_told(f, &seen, "visitor");

	/* the visitor types: one event, then none for 2 s */
	visit(f, "POST", vpath, token, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(typing_told(f, &seen, "visitor"));
	f->w.web->now_ms += 1500;
	visit(f, "POST", vpath, token, NULL, &r);
	assert_false(typing_told(f, &seen, "visitor"));
	f->w.web->now_ms += 600;
	visit(f, "POST", vpath, token, NULL, &r);
	assert_true(typing_told(f, &seen, "visitor"));

	/* the agent types: the visitor reads it for 6 s */
	assert_false(agent_typing(f, cpath, token));
	post(f, apath, f->sup, NULL, 403, "forbidden");
	assert_false(agent_typing(f, cpath, token));
	post(f, apath, f->maria, NULL, 200, NULL);
	assert_true(agent_typing(f, cpath, token));
	f->w.web->now_ms += 5000;
	assert_true(agent_typing(f, cpath, token));
	f->w.web->now_ms += 1500;
	assert_false(agent_typing(f, cpath, token));

	/* the visitor left: typing is refused */
	visit(f, "DELETE", cpath, token, NULL, &r);
	assert_int_equal(r.status, 200);
	visit(f, "POST", vpath, token, NULL, &r);
	assert_int_equal(r.status, 409);
	web_reply_reset(&r);
}

/* Only public queues, only with the right token, and not too many. */
static void test_chat_refusals(void **state)
{
	struct cfx *f = *state;
	struct web_reply r = {0};
	char token[65], path[64], bad[65];
	uint64_t id = open_chat(f, token);

	wfx_call(&f->w, "POST", "/api/v1/chats", NULL,
	         "{\"tenant\":\"demo\",\"queue\":\"back\",\"name\":\"Ada\"}",
	         &r);
	wfx_expect_error(&r, 404, "not-found");
	wfx_call(&f->w, "POST", "/api/v1/chats", NULL,
	         "{\"tenant\":\"demo\",\"queue\":\"info\"}", &r);
	wfx_expect_error(&r, 400, "missing-field");
	snprintf(path, sizeof(path), "/api/v1/chats/%llu",
	         (unsigned long long)id);
	visit(f, "GET", path, NULL, NULL, &r);
	wfx_expect_error(&r, 404, "not-found");
	memcpy(bad, token, sizeof(bad));
	bad[0] = bad[0] == 'a' ? 'b' : 'a';
	visit(f, "GET", path, bad, NULL, &r);
	wfx_expect_error(&r, 404, "not-found");
	visit(f, "GET", "/api/v1/chats/999", token, NULL, &r);
	wfx_expect_error(&r, 404, "not-found");
	snprintf(path, sizeof(path), "/api/v1/chats/%llu?after=x",
	         (unsigned long long)id);
	visit(f, "GET", path, token, NULL, &r);
	wfx_expect_error(&r, 400, "bad-field");
	/* ten chats a minute from one address, then 429 */
	for (int i = 1; i < 10; i++)
		(void)open_chat(f, token);
	wfx_call(&f->w, "POST", "/api/v1/chats", NULL,
	         "{\"tenant\":\"demo\",\"queue\":\"info\",\"name\":\"Ada\"}",
	         &r);
	wfx_expect_error(&r, 429, "throttled");
	assert_int_equal(r.retry_after, 60);
	f->w.web->now_ms += 60000;
	wfx_call(&f->w, "POST", "/api/v1/chats", NULL,
	         "{\"tenant\":\"demo\",\"queue\":\"info\",\"name\":\"Ada\"}",
	         &r);
	assert_int_equal(r.status, 201);
	web_reply_reset(&r);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, cfx_setup, cfx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_contact_create),
	    T(test_contact_create_errors),
	    T(test_contact_tenants),
	    T(test_contact_agent_flow),
	    T(test_contact_callback_and_withdraw),
	    T(test_contact_owned_callback),
	    T(test_contact_call_ivr),
	    T(test_chat_conversation),
	    T(test_chat_typing),
	    T(test_chat_refusals),
	};
#undef T
	(void)wfx_setup; /* the plain web fixture's, unused here */
	(void)wfx_teardown;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
