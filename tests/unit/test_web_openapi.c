/*
 * test_web_openapi.c - docs/openapi.yaml and the router agree: every
 * documented route exists with its method, and no route answers that the
 * document does not describe. (The shapes of the answers are held to the
 * document by tests/integration/web_openapi.sh.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yaml.h>

#include "web/web_int.h"

#define MAX_ROUTES 128

struct routes {
	char r[MAX_ROUTES][160]; /* "GET /api/v1/contacts/{}" */
	size_t n;
};

static void add(struct routes *rs, const char *method, const char *path)
{
	char norm[128];
	size_t n = 0;

	/* "{id}" and "{tenant}" become "{}": names are the document's */
	for (const char *p = path; *p && n + 3 < sizeof(norm); p++) {
		if (*p == '{') {
			norm[n++] = '{';
			norm[n++] = '}';
			p = strchr(p, '}');
			if (!p)
				break;
		} else {
			norm[n++] = *p;
		}
	}
	norm[n] = '\0';
	assert_true(rs->n < MAX_ROUTES);
	snprintf(rs->r[rs->n], sizeof(rs->r[0]), "%s %s", method, norm);
	for (char *c = rs->r[rs->n]; *c != ' '; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	rs->n++;
}

static bool is_method(const char *s)
{
	static const char *const m[] = {"get",    "put",   "post",
	                                "delete", "patch", "head"};
	for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
		if (!strcmp(s, m[i]))
			return true;
	return false;
}

/* The (method, path) pairs under "paths:" of the OpenAPI document. */
static void documented(struct routes *rs)
{
	char file[512], path[128] = "";
	yaml_parser_t p;
	yaml_event_t ev;
	FILE *f;
	int depth = 0; /* mappings open */
	bool in_paths = false, key = true, done = false;

	snprintf(file, sizeof(file), "%s/docs/openapi.yaml",
	         CENTRALINO_SOURCE_DIR);
	f = fopen(file, "rb");
	assert_non_null(f);
	assert_true(yaml_parser_initialize(&p));
	yaml_parser_set_input_file(&p, f);
	/* keys alternate with values in a mapping; only scalars at depth 1
	 * ("paths"), 2 (a path) and 3 (its methods) matter */
	bool keys[16] = {false};
	while (!done) {
		assert_true(yaml_parser_parse(&p, &ev));
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (depth > 0)
				keys[depth] = !keys[depth];
			depth++;
			keys[depth] = false;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			if (depth == 1)
				in_paths = false;
			break;
		case YAML_SCALAR_EVENT: {
			const char *v = (const char *)ev.data.scalar.value;
			key = !keys[depth];
			keys[depth] = !keys[depth];
			if (key && depth == 1)
				in_paths = !strcmp(v, "paths");
			else if (key && depth == 2 && in_paths)
				snprintf(path, sizeof(path), "%s", v);
			else if (key && depth == 3 && in_paths && is_method(v))
				add(rs, v, path);
			break;
		}
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	fclose(f);
}

static bool has(const struct routes *rs, const char *r)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->r[i], r))
			return true;
	return false;
}

static void test_openapi_matches_router(void **state)
{
	struct routes *doc = calloc(1, sizeof(*doc)),
	              *code = calloc(1, sizeof(*code));
	char path[128];
	int missing = 0;

	(void)state;
	documented(doc);
	for (size_t i = 0; i < web_route_count(); i++) {
		const char *m = web_route_at(i, path, sizeof(path));
		add(code, m, path);
	}
	assert_true(doc->n >= 10); /* the document was read */
	for (size_t i = 0; i < code->n; i++)
		if (!has(doc, code->r[i])) {
			fprintf(stderr, "undocumented route: %s\n", code->r[i]);
			missing++;
		}
	for (size_t i = 0; i < doc->n; i++)
		if (!has(code, doc->r[i])) {
			fprintf(stderr, "documented but absent: %s\n",
			        doc->r[i]);
			missing++;
		}
	fprintf(stderr, "openapi: %zu documented, %zu served\n", doc->n,
	        code->n);
	assert_int_equal(missing, 0);
	free(doc);
	free(code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_openapi_matches_router),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
