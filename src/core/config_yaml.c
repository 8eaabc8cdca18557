/*
 * config_yaml.c - libyaml's events into a tree of cnodes.
 *
 * The event API is used rather than yaml_parser_load() because the
 * document API expands aliases into shared nodes without a bound (the
 * "billion laughs" input) and gives no hook to limit nesting. Here an alias
 * is an error, nesting stops at CONFIG_DEPTH_MAX, and the tree is freed
 * with a recursion no deeper than that.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/config_int.h"

struct builder {
	struct cctx *c;
	struct cnode *root;
	struct cnode *stack[CONFIG_DEPTH_MAX];
	size_t depth;
	unsigned documents;
};

void cnode_free(struct cnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		cnode_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

static struct cnode *node_new(enum cnode_type type, yaml_mark_t mark)
{
	struct cnode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->type = type;
	n->line = (unsigned)mark.line + 1;
	n->column = (unsigned)mark.column + 1;
	return n;
}

/* Hang n under the open collection, or make it the root. Takes n. */
static int attach(struct builder *b, struct cnode *n)
{
	if (!b->depth) {
		cnode_free(b->root);
		b->root = n;
		return 0;
	}
	struct cnode *parent = b->stack[b->depth - 1];
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		struct cnode **kids =
		    realloc(parent->kids, cap * sizeof(*kids));
		if (!kids) {
			cnode_free(n);
			return ENOMEM;
		}
		parent->kids = kids;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = n;
	return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct cnode *n = node_new(CNODE_SCALAR, ev->start_mark);
	if (!n)
		return ENOMEM;
	n->len = ev->data.scalar.length;
	n->str = malloc(n->len + 1);
	if (!n->str) {
		cnode_free(n);
		return ENOMEM;
	}
	memcpy(n->str, ev->data.scalar.value, n->len);
	n->str[n->len] = '\0';
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return attach(b, n);
}

static int on_open(struct builder *b, const yaml_event_t *ev,
                   enum cnode_type type)
{
	if (b->depth == CONFIG_DEPTH_MAX) {
		cerr_at(
		    b->c,
		    (struct config_loc){(unsigned)ev->start_mark.line + 1,
		                        (unsigned)ev->start_mark.column + 1},
		    "", "nested deeper than %d levels", CONFIG_DEPTH_MAX);
		return EINVAL;
	}
	struct cnode *n = node_new(type, ev->start_mark);
	if (!n)
		return ENOMEM;
	int err = attach(b, n);
	if (err)
		return err;
	b->stack[b->depth++] = n;
	return 0;
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	struct cnode *n = node_new(CNODE_BAD, ev->start_mark);
	if (!n)
		return ENOMEM;
	cerr(b->c, n, "",
	     "aliases (*%s) are not supported; write the value out",
	     (const char *)ev->data.alias.anchor);
	return attach(b, n);
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1) {
			cerr_at(b->c,
			        (struct config_loc){
			            (unsigned)ev->start_mark.line + 1,
			            (unsigned)ev->start_mark.column + 1},
			        "", "only one YAML document is allowed");
			return EINVAL;
		}
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(b, ev, CNODE_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_open(b, ev, CNODE_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth)
			b->depth--;
		return 0;
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	default:
		return 0;
	}
}

static void syntax_error(struct cctx *c, const yaml_parser_t *p)
{
	struct config_loc loc = {(unsigned)p->problem_mark.line + 1,
	                         (unsigned)p->problem_mark.column + 1};
	const char *problem = p->problem ? p->problem : "malformed YAML";
	if (p->context)
		cerr_at(c, loc, "",
		        "YAML syntax error: %s %s (line %u, column %u)",
		        problem, p->context, (unsigned)p->context_mark.line + 1,
		        (unsigned)p->context_mark.column + 1);
	else
		cerr_at(c, loc, "", "YAML syntax error: %s", problem);
}

int cnode_parse(struct cctx *c, const char *buf, size_t len,
                struct cnode **rootp)
{
	struct builder b = {.c = c};
	yaml_parser_t parser;
	bool aliases = false;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (bool done = false; !done && !err;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR)
				err = ENOMEM;
			else {
				syntax_error(c, &parser);
				err = EINVAL;
			}
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		aliases |= ev.type == YAML_ALIAS_EVENT;
		err = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (!err && aliases)
		err = EINVAL;
	if (err) {
		cnode_free(b.root);
		return err;
	}
	*rootp = b.root;
	return 0;
}
