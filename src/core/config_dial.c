/*
 * config_dial.c - the toll-fraud allow-list (dialing.allow) and the
 * feature codes agents dial.
 *
 * A pattern is Asterisk's: with a leading '_', X is 0-9, Z 1-9, N 2-9,
 * [1-5*] a class, '.' one or more of anything and '!' zero or more;
 * every other character is itself. Without '_' the whole number is
 * literal. A pattern is compiled into at most PATTERN_TOKENS character
 * sets and matched by simulating the automaton over the number (states x
 * characters, no recursion, no backtracking), so a pattern of many
 * wildcards cannot blow up: the backtracking matcher was the simpler
 * alternative and is exponential in the number of wildcards.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/config_int.h"

#define COUNT(a)       (sizeof(a) / sizeof((a)[0]))
#define PATTERN_TOKENS (2 * CONFIG_PATTERN_MAX)
#define SYM_ALL        0x1fffu /* 0-9, '*', '#', '+' */

/* One position of a compiled pattern: a set of symbols, maybe repeated. */
struct tok {
	uint16_t set;
	bool repeat; /* zero or more of set */
};

/* The symbol of a dialable character: 0-9, 10 '*', 11 '#', 12 '+'. */
static int sym(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	return ch == '*' ? 10 : ch == '#' ? 11 : ch == '+' ? 12 : -1;
}

/* "[...]" at p: into *set; returns the length, or 0 when malformed. */
static size_t class_parse(const char *p, uint16_t *set)
{
	size_t i = 1;
	*set = 0;
	while (p[i] && p[i] != ']') {
		int a = sym(p[i]);
		if (a < 0)
			return 0;
		if (p[i + 1] == '-' && p[i + 2] != ']' && p[i + 2]) {
			int b = sym(p[i + 2]);
			if (a > 9 || b < a || b > 9)
				return 0;
			for (int s = a; s <= b; s++)
				*set |= (uint16_t)(1u << s);
			i += 3;
			continue;
		}
		*set |= (uint16_t)(1u << a);
		i++;
	}
	return p[i] == ']' && *set ? i + 1 : 0;
}

/* One element of a '_' pattern at p into t (and t[1] for '.'). */
static const char *element(const char *p, struct tok *t, size_t *used,
                           size_t *ntok)
{
	static const struct {
		char ch;
		uint16_t set;
	} classes[] = {{'X', 0x3ff}, {'Z', 0x3fe}, {'N', 0x3fc}};
	char up = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
	*used = 1;
	*ntok = 1;
	t[0] = (struct tok){0, false};
	for (size_t i = 0; i < COUNT(classes); i++) {
		if (up == classes[i].ch) {
			t[0].set = classes[i].set;
			return NULL;
		}
	}
	if (*p == '.') {
		t[0].set = SYM_ALL;
		t[1] = (struct tok){SYM_ALL, true};
		*ntok = 2;
		return NULL;
	}
	if (*p == '!') {
		t[0] = (struct tok){SYM_ALL, true};
		return NULL;
	}
	if (*p == '[') {
		*used = class_parse(p, &t[0].set);
		return *used ? NULL : "bad class; expected e.g. [1-5] or [0*#]";
	}
	int s = sym(*p);
	if (s < 0)
		return "unexpected character; a pattern holds digits, + * #, "
		       "X Z N, [classes], '.' and '!'";
	t[0].set = (uint16_t)(1u << s);
	return NULL;
}

/* Compile pattern into toks; NULL on success, else what is wrong. */
static const char *compile(const char *pattern, struct tok *toks, size_t *ntoks)
{
	size_t len = strlen(pattern), n = 0;
	if (!len)
		return "must not be empty";
	if (len >= CONFIG_PATTERN_MAX)
		return "longer than 64 characters";
	if (pattern[0] != '_') {
		for (const char *p = pattern; *p; p++) {
			if (sym(*p) < 0)
				return "a literal number holds digits, +, * "
				       "and # only; start a pattern with '_'";
			toks[n++] =
			    (struct tok){(uint16_t)(1u << sym(*p)), false};
		}
		*ntoks = n;
		return NULL;
	}
	if (len == 1)
		return "'_' alone matches nothing; add e.g. X.";
	for (const char *p = pattern + 1; *p;) {
		size_t used, k;
		const char *why = element(p, toks + n, &used, &k);
		if (why)
			return why;
		p += used;
		n += k;
	}
	*ntoks = n;
	return NULL;
}

/* Simulate the automaton: state i waits at token i; ntoks accepts. */
static bool match(const struct tok *toks, size_t ntoks, const char *number)
{
	bool cur[PATTERN_TOKENS + 1] = {false}, next[PATTERN_TOKENS + 1];
	cur[0] = true;
	for (const char *p = number;; p++) {
		for (size_t i = 0; i < ntoks; i++) { /* skip zero repeats */
			if (cur[i] && toks[i].repeat)
				cur[i + 1] = true;
		}
		if (!*p)
			return cur[ntoks];
		int s = sym(*p);
		bool any = false;
		memset(next, 0, sizeof(next));
		for (size_t i = 0; i < ntoks; i++) {
			if (!cur[i] || s < 0 || !(toks[i].set & (1u << s)))
				continue;
			next[toks[i].repeat ? i : i + 1] = true;
			any = true;
		}
		if (!any)
			return false;
		memcpy(cur, next, sizeof(cur));
	}
}

bool config_dial_allowed(const struct config *cfg, const char *number)
{
	struct tok toks[PATTERN_TOKENS];
	size_t ntoks;
	if (!cfg || !number)
		return false;
	size_t len = strnlen(number, CONFIG_NUMBER_MAX);
	if (!len || len >= CONFIG_NUMBER_MAX ||
	    strspn(number, "0123456789+*#") != len)
		return false;
	for (size_t i = 0; i < cfg->ndial_allow; i++) {
		if (compile(cfg->dial_allow[i].pattern, toks, &ntoks))
			continue; /* checked at load; fail safe */
		if (match(toks, ntoks, number))
			return true;
	}
	return false;
}

bool cparse_dial_pattern(struct cctx *c, const struct cnode *n,
                         const char *path, char *dst, size_t size)
{
	struct tok toks[PATTERN_TOKENS];
	char show[48];
	size_t ntoks;
	if (!cexpect(c, n, path, CNODE_SCALAR))
		return false;
	cshow(show, sizeof(show), n->str, n->len);
	const char *why = strlen(n->str) != n->len ? "contains a NUL"
	                  : n->len >= size         ? "longer than 64 characters"
	                                   : compile(n->str, toks, &ntoks);
	if (why) {
		cerr(c, n, path, "bad pattern '%s': %s", show, why);
		return false;
	}
	memcpy(dst, n->str, n->len + 1);
	return true;
}

static bool allow_item(struct cctx *c, const struct cnode *v, const char *path,
                       void *item)
{
	struct config_dial_pattern *p = item;
	p->loc = cnode_loc(v);
	return cparse_dial_pattern(c, v, path, p->pattern, sizeof(p->pattern));
}

static bool dialing_allow(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->dial_allow),
	                   (void **)&cfg->dial_allow, &cfg->ndial_allow,
	                   allow_item);
}

bool config_dialing_section(struct cctx *c, const struct cnode *v,
                            const char *path, void *obj)
{
	static const struct cfield fields[] = {{"allow", dialing_allow, true}};
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	cfields_parse(c, v, path, fields, COUNT(fields), obj);
	return true;
}

/* A feature code: 1..15 of digits, '*' and '#'. */
static bool code(struct cctx *c, const struct cnode *v, const char *path,
                 char *dst)
{
	char show[48];
	if (!cexpect(c, v, path, CNODE_SCALAR))
		return false;
	if (!v->len || v->len >= CONFIG_CODE_MAX ||
	    strspn(v->str, "0123456789*#") != v->len) {
		cerr(c, v, path,
		     "bad feature code '%s'; 1 to %d of digits, * and #",
		     cshow(show, sizeof(show), v->str, v->len),
		     CONFIG_CODE_MAX - 1);
		return false;
	}
	memcpy(dst, v->str, v->len + 1);
	return true;
}

static bool f_ready(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	return code(c, v, path, ((struct config_features *)obj)->ready);
}

static bool f_not_ready(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	return code(c, v, path, ((struct config_features *)obj)->not_ready);
}

static bool f_logout(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	return code(c, v, path, ((struct config_features *)obj)->logout);
}

static bool f_blind(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	return code(c, v, path,
	            ((struct config_features *)obj)->blind_transfer);
}

static bool f_attended(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return code(c, v, path,
	            ((struct config_features *)obj)->attended_transfer);
}

static bool f_cancel(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	return code(c, v, path,
	            ((struct config_features *)obj)->transfer_cancel);
}

/* The codes pressed during a call must differ, and none may end another:
 * the phone's keys are matched as they come. */
static bool in_call_codes_ok(struct cctx *c, const struct cnode *v,
                             const char *path, const struct config_features *f)
{
	const char *codes[] = {f->blind_transfer, f->attended_transfer,
	                       f->transfer_cancel};

	for (size_t i = 0; i < COUNT(codes); i++)
		for (size_t j = 0; j < COUNT(codes); j++) {
			size_t li = strlen(codes[i]), lj = strlen(codes[j]);

			if (i != j && li <= lj &&
			    !strcmp(codes[j] + lj - li, codes[i])) {
				cerr(c, v, path,
				     "blind_transfer, attended_transfer and "
				     "transfer_cancel need different codes, "
				     "none ending another ('%s' and '%s')",
				     codes[i], codes[j]);
				return false;
			}
		}
	return true;
}

bool config_features_section(struct cctx *c, const struct cnode *v,
                             const char *path, void *obj)
{
	static const struct cfield fields[] = {
	    {"ready", f_ready, false},
	    {"not_ready", f_not_ready, false},
	    {"logout", f_logout, false},
	    {"blind_transfer", f_blind, false},
	    {"attended_transfer", f_attended, false},
	    {"transfer_cancel", f_cancel, false},
	};
	struct config_features *f = &((struct config *)obj)->features;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	size_t before = cerrors(c);
	cfields_parse(c, v, path, fields, COUNT(fields), f);
	if (cerrors(c) == before &&
	    (!strcmp(f->ready, f->not_ready) || !strcmp(f->ready, f->logout) ||
	     !strcmp(f->not_ready, f->logout))) {
		cerr(c, v, path,
		     "ready, not_ready and logout need different "
		     "codes");
		return false;
	}
	return cerrors(c) != before || in_call_codes_ok(c, v, path, f);
}
