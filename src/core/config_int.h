/*
 * config_int.h - internals shared by the config_*.c files.
 *
 * The YAML text becomes a tree of cnodes (config_yaml.c); the schema walks
 * the tree (config.c with the field helpers of config_fields.c) and names
 * are resolved across sections (config_resolve.c).
 */
#ifndef CENTRALINO_CORE_CONFIG_INT_H
#define CENTRALINO_CORE_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"

#define CONFIG_DEPTH_MAX 64 /* nesting of lists and mappings */

enum cnode_type {
	CNODE_BAD = 0, /* an alias: already reported, skipped silently */
	CNODE_SCALAR,
	CNODE_MAP,
	CNODE_SEQ,
};

/** A YAML node. A mapping's kids alternate key, value. */
struct cnode {
	enum cnode_type type;
	unsigned line, column; /* 1-based */
	bool plain;            /* a plain (unquoted) scalar */
	char *str;             /* scalar text, NUL-terminated */
	size_t len;            /* may hold NULs before str[len] */
	struct cnode **kids;
	size_t n, cap;
};

/** What the schema walk carries: where errors go. */
struct cctx {
	const char *file;
	struct config_errors *errs;
	bool nomem;
};

/**
 * Build the tree of buf. Returns 0 and *rootp (NULL for an empty stream),
 * EINVAL after reporting a syntax error, an alias or too deep a nesting,
 * or ENOMEM.
 */
int cnode_parse(struct cctx *c, const char *buf, size_t len,
                struct cnode **rootp);
void cnode_free(struct cnode *n);

/** Report an error at node n (or 1:1 when n is NULL) for field path. */
void cerr(struct cctx *c, const struct cnode *n, const char *path,
          const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/** Same at an explicit location. */
void cerr_at(struct cctx *c, struct config_loc loc, const char *path,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

struct config_loc cnode_loc(const struct cnode *n);
/** Copy up to size - 1 bytes of s for a message, controls replaced. */
const char *cshow(char *buf, size_t size, const char *s, size_t len);

/* Field handlers: check v, store into dst, report an error otherwise and
 * return false. path names the field. */
typedef bool(cfield_h)(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj);

/** One field of a mapping: its key, its handler, whether required. */
struct cfield {
	const char *key;
	cfield_h *parse;
	bool required;
};

/**
 * Walk mapping map at path (type already checked): duplicate and unknown
 * keys are reported, each known key handed to its field's handler with
 * obj, and required fields that are missing reported at the mapping.
 */
void cfields_parse(struct cctx *c, const struct cnode *map, const char *path,
                   const struct cfield *fields, size_t nfields, void *obj);

bool cnode_is_null(const struct cnode *n);
/** Check n's type; report "expected a WHAT, found ..." otherwise. */
bool cexpect(struct cctx *c, const struct cnode *n, const char *path,
             enum cnode_type type);
/** A name: a non-empty scalar of printable characters, fits dst. */
bool cparse_name(struct cctx *c, const struct cnode *n, const char *path,
                 char *dst, size_t size);
/** A duration: 500ms, 20s, 10m, 1h, 7d or whole seconds, up to max_ms. */
bool cparse_duration(struct cctx *c, const struct cnode *n, const char *path,
                     acd_time_t max_ms, acd_time_t *dst);
/** A decimal integer in min..max. */
bool cparse_int(struct cctx *c, const struct cnode *n, const char *path,
                long long min, long long max, long long *dst);
bool cparse_bool(struct cctx *c, const struct cnode *n, const char *path,
                 bool *dst);
/** "mon" or "mon-fri" into first..last, Monday 0 (config_calendar.c). */
bool cparse_days(struct cctx *c, const struct cnode *key, const char *path,
                 int *first, int *last);
/** "YYYY-MM-DD", a real day, into the struct config_date item. */
bool cparse_date(struct cctx *c, const struct cnode *v, const char *path,
                 void *item);
/** Build "path.key" or "path[i]" into buf. */
const char *cpath_key(char *buf, size_t size, const char *path,
                      const char *key);
const char *cpath_index(char *buf, size_t size, const char *path, size_t i);
/** printf into a path buffer; a path too long is cut. */
const char *cpathf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Key i (even) of map, a name chosen by the operator (a skill, a channel,
 * a queue): non-scalar and duplicate keys are reported (false). fpath gets
 * "path.KEY".
 */
bool cmap_key(struct cctx *c, const struct cnode *map, size_t i,
              const char *path, char *fpath, size_t size);

/** Parse one list item into item (zeroed storage); true to keep it. */
typedef bool(citem_h)(struct cctx *c, const struct cnode *v, const char *path,
                      void *item);
/**
 * Parse list v into a new array of v->n items of size bytes (*arrp, owned
 * by the caller), counting kept items in *np. False when v is not a list
 * or is empty; c->nomem is set when memory ran out.
 */
bool clist_parse(struct cctx *c, const struct cnode *v, const char *path,
                 size_t size, void **arrp, size_t *np, citem_h *item);
/** Errors reported so far, kept or dropped. */
size_t cerrors(const struct cctx *c);

/** Schema of one queue and one agent (config_queue.c, config_agent.c). */
bool config_queue_parse(struct cctx *c, const struct cnode *v, const char *path,
                        void *item);
bool config_agent_parse(struct cctx *c, const struct cnode *v, const char *path,
                        void *item);

/** Resolve names across sections; report unknown and duplicate names. */
int config_resolve(struct cctx *c, struct config *cfg);

/* A hash of (scope, name) -> index: names resolve in linear time. */
struct cindex_slot {
	const char *name; /* NULL: free; borrowed from the config */
	size_t scope;     /* a tenant, a flow: names are unique within it */
	size_t index;
};
struct cindex {
	struct cindex_slot *v;
	size_t mask;
};
/** Room for n names. False when memory ran out. */
bool cindex_init(struct cindex *ix, size_t n);
void cindex_free(struct cindex *ix);
/** Index of name in scope, or SIZE_MAX. */
size_t cindex_get(const struct cindex *ix, size_t scope, const char *name);
/** Add name (must outlive ix); the index already there, or SIZE_MAX. */
size_t cindex_put(struct cindex *ix, size_t scope, const char *name,
                  size_t index);

/** The indexes of the routing sections, for the voice sections. */
struct cnames {
	struct cindex tenants, skills, queues;
};

/* ---- The voice channel's sections (config_voice.c and friends). ---- */

/** Defaults of sip, store, prompts and features; before the walk. */
void config_voice_defaults(struct config *cfg);
/** Top-level section handlers; obj is the struct config. */
cfield_h config_sip_section, config_http_section, config_store_section,
    config_retention_section, config_prompts_section, config_dialing_section,
    config_trunks_section, config_numbers_section, config_calendars_section,
    config_features_section, config_flows_section;
/** Resolve and cross-check the voice sections (after the rest). */
void config_voice_resolve(struct cctx *c, struct config *cfg,
                          const struct cnames *names);
/** Per-flow checks: node references, queues, music, loops. */
void config_flows_resolve(struct cctx *c, struct config *cfg,
                          const struct cnames *names,
                          const struct cindex *calendars,
                          const struct cindex *music);
/** Free what config_free() does not know about: the voice sections. */
void config_voice_free(struct config *cfg);

/* Values of the voice sections (config_net.c). */
/** "host:port" with an IPv4 literal or a bracketed IPv6 literal. */
bool cparse_hostport(struct cctx *c, const struct cnode *n, const char *path,
                     struct config_hostport *dst);
/** An IPv4 or IPv6 literal, no port. */
bool cparse_ip(struct cctx *c, const struct cnode *n, const char *path,
               char *dst, size_t size);
/** An address or a block "10.0.0.0/8", "2001:db8::/32". */
bool cparse_cidr(struct cctx *c, const struct cnode *n, const char *path,
                 struct config_cidr *dst);
/** Does the block hold addr (of family, network order)? */
bool config_cidr_contains(const struct config_cidr *cidr, int family,
                          const unsigned char *addr);
/** A phone number: 1..32 of digits, '+', '*', '#'. */
bool cparse_number(struct cctx *c, const struct cnode *n, const char *path,
                   char *dst, size_t size);
bool cparse_language(struct cctx *c, const struct cnode *n, const char *path,
                     enum config_language *dst);
bool cparse_transport(struct cctx *c, const struct cnode *n, const char *path,
                      enum config_transport *dst);
/** A secret kept as given, never echoed: 0..size-1 bytes, no NUL. */
bool cparse_secret(struct cctx *c, const struct cnode *n, const char *path,
                   char *dst, size_t size);
/** {text: ...} or {file: ...} with an optional language. */
bool cparse_prompt(struct cctx *c, const struct cnode *v, const char *path,
                   struct config_prompt *p);
/** One action of a node (a citem_h over struct config_action). */
bool config_action_parse(struct cctx *c, const struct cnode *v,
                         const char *path, void *item);
/** A time zone name that exists under the zoneinfo directory. */
bool ctimezone_ok(const char *tz);
/** A dialing pattern's syntax; the message on error is reported. */
bool cparse_dial_pattern(struct cctx *c, const struct cnode *n,
                         const char *path, char *dst, size_t size);

/** Schema walk of the document's root into cfg. */
void config_parse_root(struct cctx *c, const struct cnode *root,
                       struct config *cfg);

#endif
