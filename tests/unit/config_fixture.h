/*
 * config_fixture.h - what the configuration tests share: the repository's
 * files, parsing from a string, and broken-input vectors checked for
 * their first error's location, field and message.
 */
#ifndef TEST_CONFIG_FIXTURE_H
#define TEST_CONFIG_FIXTURE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"

/** A file of the repository, from this header's own path. */
static inline const char *repo_path(char *buf, size_t size, const char *rel)
{
	const char *self = __FILE__;
	const char *tail = strstr(self, "tests/unit/config_fixture.h");
	int root = tail ? (int)(tail - self) : 0;

	snprintf(buf, size, "%.*s%s", root, self, rel);
	return buf;
}

/** Parse yaml as the file "t.yaml". */
static inline int parse(const char *yaml, struct config **cfgp,
                        struct config_errors *errs)
{
	return config_parse(yaml, strlen(yaml), "t.yaml", cfgp, errs);
}

/** examples/demo.yaml, which must load without an error. */
static inline struct config *load_demo(void)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	char path[512];
	int err = config_load(
	    repo_path(path, sizeof(path), "examples/demo.yaml"), &cfg, &errs);

	if (err)
		config_errors_print(&errs, stderr);
	assert_int_equal(err, 0);
	assert_int_equal(errs.n, 0);
	config_errors_free(&errs);
	return cfg;
}

/** One broken input, the first error expected and how many in all. */
struct vector {
	const char *name;
	const char *yaml;
	unsigned line, column;
	const char *field;   /* exact */
	const char *message; /* a fragment */
	size_t count;
};

/** The input is refused with exactly the errors the vector expects. */
static inline void check_vector(const struct vector *v)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	int err = parse(v->yaml, &cfg, &errs);
	const struct config_error *e;

	if (err != EINVAL || errs.n != v->count) {
		config_errors_print(&errs, stderr);
		fail_msg("%s: err %d, %zu errors, expected %zu", v->name, err,
		         errs.n, v->count);
	}
	assert_null(cfg);
	e = &errs.v[0];
	if (e->line != v->line || e->column != v->column ||
	    strcmp(e->field, v->field) || !strstr(e->message, v->message)) {
		config_errors_print(&errs, stderr);
		fail_msg("%s: got %u:%u '%s' '%s'", v->name, e->line, e->column,
		         e->field, e->message);
	}
	assert_string_equal(e->file, "t.yaml");
	config_errors_free(&errs);
}

#endif
