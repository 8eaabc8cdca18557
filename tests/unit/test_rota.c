/*
 * test_rota.c - who is on call: the weekly pattern in the rota's time
 * zone, the file's dated overrides, the store's run-time overrides (and
 * their audit), the escalation chain without anybody twice.
 */
#define _DEFAULT_SOURCE /* timegm */
#include "store_fixture.h"

#include "core/config.h"
#include "rota/rota.h"

static const char yaml[] = "tenants: [{name: asl, timezone: Europe/Rome}]\n"
                           "dialing: {allow: [_3XXXXXXXXX]}\n"
                           "rotas:\n"
                           "  - name: cardio\n"
                           "    tenant: asl\n"
                           "    people:\n"
                           "      - {name: anna, number: \"3331234501\"}\n"
                           "      - {name: marco, number: \"3331234502\"}\n"
                           "      - {name: chief, number: \"3331234509\"}\n"
                           "    duty:\n"
                           "      mon-fri: [anna, marco]\n"
                           "      sat-sun: [marco]\n"
                           "    escalation: [chief, marco]\n"
                           "    overrides:\n"
                           "      - {date: \"2026-12-25\", duty: [chief]}\n";

static struct config *load(void)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;

	if (config_parse(yaml, strlen(yaml), "r.yaml", &cfg, &errs)) {
		config_errors_print(&errs, stderr);
		fail_msg("the rota does not parse");
	}
	config_errors_free(&errs);
	return cfg;
}

/* Unix time of a UTC moment. */
static time_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = mo - 1,
	                .tm_mday = d,
	                .tm_hour = h,
	                .tm_min = mi};
	return timegm(&tm);
}

static void names(const struct config_rota *r, const uint8_t *who, unsigned n,
                  char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		                        i ? "," : "", r->people[who[i]].name);
}

static void expect(const struct config_rota *r, const struct rota_day *d,
                   const char *date, const char *chain, enum rota_source src)
{
	char got[256];

	names(r, d->chain, d->nchain, got, sizeof(got));
	assert_string_equal(d->date, date);
	assert_string_equal(got, chain);
	assert_int_equal(d->source, src);
}

/* Weekdays and weekends, in Rome: 23:30 UTC on a Friday is Saturday. */
static void test_rota_week_and_zone(void **state)
{
	struct config *cfg = load();
	const struct config_rota *r = &cfg->rotas[0];
	struct rota_day d;

	(void)state;
	/* Wednesday 2026-12-02, 10:00 UTC */
	assert_int_equal(rota_day(r, NULL, utc(2026, 12, 2, 10, 0), 0, &d), 0);
	expect(r, &d, "2026-12-02", "anna,marco,chief", ROTA_WEEK);
	/* Friday 23:30 UTC is Saturday 00:30 in Rome: the weekend's */
	assert_int_equal(rota_day(r, NULL, utc(2026, 12, 4, 23, 30), 0, &d), 0);
	expect(r, &d, "2026-12-05", "marco,chief", ROTA_WEEK);
	/* tomorrow of a Sunday, across a month's end */
	assert_int_equal(rota_day(r, NULL, utc(2026, 11, 29, 12, 0), 2, &d), 0);
	expect(r, &d, "2026-12-01", "anna,marco,chief", ROTA_WEEK);
	/* the file's Christmas: the chief, and nobody twice */
	assert_int_equal(rota_date(r, NULL, "2026-12-25", &d), 0);
	expect(r, &d, "2026-12-25", "chief,marco", ROTA_FILE);
	assert_int_equal(rota_date(r, NULL, "2026-02-30", &d), EINVAL);
	config_free(cfg);
}

/* A swap made at run time wins over the file and is audited; cleared,
 * the file's duty is back. */
static void test_rota_store_override(void **state)
{
	struct sfx *f = *state;
	struct config *cfg = load();
	const struct config_rota *r = &cfg->rotas[0];
	struct rota_day d;
	sqlite3 *db;

	sfx_open(f, NULL);
	assert_int_equal(store_rota_override(f->store, "asl", "cardio",
	                                     "2026-12-02", "marco",
	                                     "segreteria"),
	                 0);
	assert_int_equal(rota_date(r, f->store, "2026-12-02", &d), 0);
	expect(r, &d, "2026-12-02", "marco,chief", ROTA_OVERRIDE);
	assert_string_equal(d.changed_by, "segreteria");
	/* the next day is untouched; another rota's name is not this one */
	assert_int_equal(rota_date(r, f->store, "2026-12-03", &d), 0);
	expect(r, &d, "2026-12-03", "anna,marco,chief", ROTA_WEEK);
	/* over the file's own override too */
	assert_int_equal(store_rota_override(f->store, "asl", "cardio",
	                                     "2026-12-25", "anna",
	                                     "segreteria"),
	                 0);
	assert_int_equal(rota_date(r, f->store, "2026-12-25", &d), 0);
	expect(r, &d, "2026-12-25", "anna,chief,marco", ROTA_OVERRIDE);
	assert_int_equal(store_rota_override(f->store, "asl", "cardio",
	                                     "2026-12-25", NULL, "capo"),
	                 0);
	assert_int_equal(rota_date(r, f->store, "2026-12-25", &d), 0);
	expect(r, &d, "2026-12-25", "chief,marco", ROTA_FILE);
	/* an override naming somebody the file no longer has is ignored */
	assert_int_equal(store_rota_override(f->store, "asl", "cardio",
	                                     "2026-12-04", "ghost", "x"),
	                 0);
	assert_int_equal(rota_date(r, f->store, "2026-12-04", &d), 0);
	expect(r, &d, "2026-12-04", "anna,marco,chief", ROTA_WEEK);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM audit WHERE "
	                             "action = 'rota-override-set' AND "
	                             "user = 'segreteria' AND object LIKE "
	                             "'rota asl/cardio 2026-12-%'"),
	                 2);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM audit WHERE "
	                             "action = 'rota-override-cleared' AND "
	                             "user = 'capo'"),
	                 1);
	sqlite3_close(db);
	config_free(cfg);
}

static void test_rota_duty_parse(void **state)
{
	struct config *cfg = load();
	const struct config_rota *r = &cfg->rotas[0];
	struct config_duty d;

	(void)state;
	assert_true(rota_duty_parse(r, "marco,anna", &d));
	assert_int_equal(d.n, 2);
	assert_int_equal(d.who[0], 1);
	assert_false(rota_duty_parse(r, "marco,nobody", &d));
	assert_false(rota_duty_parse(r, "", &d));
	assert_false(rota_duty_parse(r, NULL, &d));
	config_free(cfg);
}

/* What a call to the rota's number needs: screening time, language and
 * the voicemail of the last resort, with their defaults; a voicemail
 * queue that the tenant does not have is refused where it is written. */
static void test_rota_call_fields(void **state)
{
	static const char head[] =
	    "tenants: [{name: asl}]\n"
	    "queues: [{name: segreteria, tenant: asl}]\n"
	    "dialing: {allow: [_3XXXXXXXXX]}\n"
	    "rotas:\n"
	    "  - {name: a, tenant: asl, duty: {mon: [p]},\n"
	    "     people: [{name: p, number: \"3331234501\"}]}\n"
	    "  - {name: b, tenant: asl, duty: {mon: [p]},\n"
	    "     people: [{name: p, number: \"3331234501\"}],\n"
	    "     screen_time: 4s, language: it,\n";
	char yaml2[1024];
	struct config_errors errs = {0};
	struct config *cfg = NULL;

	(void)state;
	snprintf(yaml2, sizeof(yaml2), "%s%s", head,
	         "     voicemail: {queue: segreteria}}\n");
	assert_int_equal(
	    config_parse(yaml2, strlen(yaml2), "r.yaml", &cfg, &errs), 0);
	assert_int_equal(cfg->rotas[0].screen_time, 10000);
	assert_int_equal(cfg->rotas[0].language, CONFIG_LANG_NONE);
	assert_true(cfg->rotas[0].voicemail.index == SIZE_MAX);
	assert_int_equal(cfg->rotas[1].screen_time, 4000);
	assert_int_equal(cfg->rotas[1].language, CONFIG_LANG_IT);
	assert_int_equal(cfg->rotas[1].voicemail.index, 0);
	config_free(cfg);
	config_errors_free(&errs);

	cfg = NULL;
	snprintf(yaml2, sizeof(yaml2), "%s%s", head,
	         "     voicemail: {queue: nessuna}}\n");
	assert_int_not_equal(
	    config_parse(yaml2, strlen(yaml2), "r.yaml", &cfg, &errs), 0);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].line, 10);
	assert_string_equal(errs.v[0].field, "rotas[1].voicemail.queue");
	assert_non_null(
	    strstr(errs.v[0].message, "no queue 'nessuna' in tenant 'asl'"));
	config_errors_free(&errs);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rota_week_and_zone),
	    cmocka_unit_test_setup_teardown(test_rota_store_override, sfx_setup,
	                                    sfx_teardown),
	    cmocka_unit_test(test_rota_duty_parse),
	    cmocka_unit_test(test_rota_call_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
