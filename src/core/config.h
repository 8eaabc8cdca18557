/*
 * config.h - the YAML configuration: parse, validate, apply to the engine.
 *
 * A configuration is read in two passes: libyaml's events become a small
 * tree (aliases refused, nesting bounded), then the tree is checked against
 * the schema and copied into struct config, plain C data the daemon reads.
 * Every problem found is kept with its file, line, column and field path,
 * so an operator sees all of them at once, not one per run.
 *
 * See docs/configuration.md for the schema.
 */
#ifndef CENTRALINO_CORE_CONFIG_H
#define CENTRALINO_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <centralino/acd.h>

#define CONFIG_NAME_MAX     64  /* names, time zones, targets, with NUL */
#define CONFIG_PASSWORD_MAX 128 /* with NUL */
#define CONFIG_ERRORS_MAX   100 /* kept; the rest are only counted */
#define CONFIG_PATH_MAX     256 /* file and directory paths, with NUL */
#define CONFIG_ADDR_MAX     64  /* "host:port" and address literals */
#define CONFIG_NUMBER_MAX   33  /* a phone number: 32 characters + NUL */
#define CONFIG_PATTERN_MAX  65  /* a dialing pattern, with NUL */
#define CONFIG_URI_MAX      256 /* a SIP URI, with NUL */
#define CONFIG_TEXT_MAX     512 /* a prompt's text, with NUL */
#define CONFIG_CODE_MAX     16  /* a feature code, with NUL */
#define CONFIG_LISTEN_MAX   8   /* sip.listen entries */
#define CONFIG_RANGES_MAX   8   /* opening-hours ranges of one day */
#define CONFIG_MENU_MAX     12  /* menu options: 0-9, * and # */
#define CONFIG_HASH_MAX     256 /* a password hash ($argon2id$...) + NUL */
#define CONFIG_USER_TENANTS 16  /* tenants of one user */

/** One problem, located. line and column are 1-based; 0 when unknown. */
struct config_error {
	char file[256];
	unsigned line, column;
	char field[128];   /* e.g. "queues[1].strategy"; "" for the file */
	char message[256]; /* operator's language, never a password */
};

/** A list of errors. Zero-initialise; free with config_errors_free(). */
struct config_errors {
	struct config_error *v;
	size_t n, cap;
	size_t dropped; /* beyond CONFIG_ERRORS_MAX, or not stored (ENOMEM) */
};

/** Where an object or a value starts in the YAML text (1-based). */
struct config_loc {
	unsigned line, column;
};

/** A reference by name; index is resolved into struct config's arrays. */
struct config_ref {
	char name[CONFIG_NAME_MAX]; /* "" when not given */
	size_t index;               /* SIZE_MAX when unresolved or unused */
	struct config_loc loc;
};

struct config_tenant {
	char name[CONFIG_NAME_MAX];
	char timezone[CONFIG_NAME_MAX]; /* default "UTC" */
	struct config_loc loc, name_loc;
};

struct config_skill {
	char name[CONFIG_NAME_MAX];
	struct config_loc loc;
};

struct config_fallback {
	enum acd_fallback_action action; /* ACD_ACTION_NONE: not configured */
	char target[CONFIG_NAME_MAX];
	struct config_loc loc;
};

struct config_step {
	acd_time_t after;             /* ms since entering the queue */
	int priority_add;             /* 0: unchanged */
	unsigned min_proficiency;     /* 0: unchanged */
	struct config_ref skill_from; /* replace_skill.from; "" when unused */
	struct config_ref skill_to;   /* replace_skill.to; "": drop */
	struct config_ref overflow;   /* a queue of the same tenant */
	struct config_loc loc, after_loc;
};

#define CONFIG_DISPOSITIONS_MAX 32 /* wrap-up codes of one queue */

/** Prompt languages that text-to-speech supports. */
enum config_language {
	CONFIG_LANG_NONE = 0, /* not given: inherit (prompt from its flow) */
	CONFIG_LANG_IT,
	CONFIG_LANG_ES,
	CONFIG_LANG_EN,
};

/** {text: ...} or {file: ...}, with an optional language. */
struct config_prompt {
	bool given;
	bool is_file; /* text holds a path when true */
	char text[CONFIG_TEXT_MAX];
	enum config_language language; /* NONE: the flow's */
	struct config_loc loc;
};

/** How a queue's callbacks are dialled (docs/voice.md). */
struct config_callback {
	unsigned attempts;      /* customer dialled at most; default 3 */
	acd_time_t retry_after; /* ms before the next attempt; default 5 min */
	acd_time_t ring; /* ms the customer's phone rings; default 30 s */
};

struct config_queue {
	char name[CONFIG_NAME_MAX];
	struct config_ref tenant;
	enum acd_strategy strategy;
	int priority;
	acd_time_t offer_timeout, wrapup, max_wait; /* ms; max_wait 0: none */
	unsigned max_waiting;                       /* 0: no limit */
	acd_time_t service_level, short_abandon;    /* ms */
	bool no_answer_ready, reject_ready;         /* after_no_answer/reject */
	bool web_chat; /* open to visitors of the public chat widget */
	bool record;   /* calls recorded (stereo WAV), announced first */
	struct config_prompt record_announce; /* !given: the default words */
	char dispositions[CONFIG_DISPOSITIONS_MAX][CONFIG_NAME_MAX];
	unsigned ndispositions; /* 0: any code (or none) at wrap-up */
	struct config_fallback fallback[ACD_FALLBACK_CAUSE_COUNT];
	struct config_step steps[ACD_MAX_STEPS];
	unsigned nsteps;
	struct config_callback callback;
	struct config_loc loc, name_loc;
};

struct config_agent_skill {
	struct config_ref skill;
	unsigned proficiency; /* 1..5 */
};

struct config_member {
	struct config_ref queue; /* a queue of the agent's tenant */
	int priority;
};

/** A per-agent security policy (agent `security: {tls, srtp}`). */
enum config_need {
	CONFIG_NEED_OPTIONAL = 0, /* used when the phone can */
	CONFIG_NEED_REQUIRED,     /* anything less is refused */
	CONFIG_NEED_OFF,          /* never (srtp only) */
};

struct config_agent {
	char name[CONFIG_NAME_MAX];
	struct config_ref tenant;
	char password[CONFIG_PASSWORD_MAX]; /* as given; "" when none */
	char outside[CONFIG_NUMBER_MAX];    /* mobile via a trunk; "" none */
	char extension[CONFIG_CODE_MAX];    /* digits a transfer dials; "" */
	bool static_member;         /* ready whenever registered and idle */
	enum config_need tls, srtp; /* security: SIP over TLS, SRTP media */
	struct config_loc outside_loc, extension_loc;
	struct config_agent_skill *skills;
	size_t nskills;
	unsigned capacity[ACD_CH_COUNT]; /* callback mirrors voice */
	bool call_shares;
	struct config_member *queues;
	size_t nqueues;
	struct config_loc loc, name_loc;
};

/* ---- The voice channel (issue 3): SIP, trunks, numbers, flows. ---- */

enum config_transport { CONFIG_UDP = 0, CONFIG_TCP, CONFIG_TLS };

/** An address literal with a port, as in "127.0.0.1:5060", "[::1]:80". */
struct config_hostport {
	char text[CONFIG_ADDR_MAX]; /* as written; "" when not configured */
	char host[CONFIG_ADDR_MAX]; /* the literal, without brackets */
	int family;                 /* AF_INET or AF_INET6 */
	uint16_t port;              /* 1..65535 */
	struct config_loc loc;
};

struct config_sip_listen {
	enum config_transport transport;
	struct config_hostport address;
	char certificate[CONFIG_PATH_MAX]; /* tls only: a PEM path */
	struct config_loc loc;
};

/** sip: nlisten == 0 when the section is absent (no SIP at all). */
struct config_sip {
	struct config_sip_listen listen[CONFIG_LISTEN_MAX];
	unsigned nlisten;
	char realm[CONFIG_NAME_MAX];         /* default "centralino" */
	unsigned max_calls;                  /* default 2000; then 503 */
	acd_time_t retry_after;              /* ms, default 30 s */
	uint16_t rtp_min, rtp_max;           /* default 10000-20000; min even */
	char media_address[CONFIG_ADDR_MAX]; /* IP literal; "" not given */
	acd_time_t reg_min, reg_max, reg_default; /* ms: 60s, 3600s, 600s */
	unsigned auth_max;                        /* failures per window; 5 */
	acd_time_t auth_window, auth_block;       /* ms: 60 s, 300 s */
	acd_time_t nat_keepalive; /* ms, default 25 s; 0 no OPTIONS pings */
	struct config_loc loc;
};

/** A named music-on-hold file (prompts.music). */
struct config_music {
	char name[CONFIG_NAME_MAX];
	char path[CONFIG_PATH_MAX];
	struct config_loc loc;
};

/** An IPv4 or IPv6 block: the address and its prefix length. */
struct config_cidr {
	int family;             /* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* network order; 4 bytes used for IPv4 */
	unsigned prefix;        /* 0..32 or 0..128; a bare address: full */
	struct config_loc loc;
};

struct config_trunk {
	char name[CONFIG_NAME_MAX];
	struct config_ref tenant;
	bool inbound;             /* inbound: was given */
	struct config_cidr *from; /* inbound.from; may be empty */
	size_t nfrom;
	char in_username[CONFIG_NAME_MAX]; /* "" when none */
	char in_password[CONFIG_PASSWORD_MAX];
	bool outbound;                   /* outbound: was given */
	char uri[CONFIG_URI_MAX];        /* sip: or sips: */
	enum config_transport transport; /* default udp */
	char out_username[CONFIG_NAME_MAX];
	char out_password[CONFIG_PASSWORD_MAX];
	char out_from[CONFIG_URI_MAX]; /* "" when not given */
	unsigned max_calls;            /* 0: only sip.max_calls applies */
	struct config_loc loc, name_loc;
};

/** A number dialled from a trunk: exactly one of flow and rota is set. */
struct config_number {
	char number[CONFIG_NUMBER_MAX];
	struct config_ref tenant;
	struct config_ref flow;     /* index into cfg->flows; "" when rota */
	char rota[CONFIG_NAME_MAX]; /* "" when flow */
	struct config_loc loc, number_loc;
};

/** Minutes since midnight, local time: [start, end), end up to 1440. */
struct config_time_range {
	uint16_t start, end;
};

struct config_date {
	int year, month, day;
	struct config_loc loc;
};

struct config_calendar {
	char name[CONFIG_NAME_MAX];
	struct config_ref tenant;
	char timezone[CONFIG_NAME_MAX]; /* the tenant's when not given */
	struct {
		struct config_time_range v[CONFIG_RANGES_MAX];
		unsigned n; /* 0: closed all day */
	} days[7];          /* 0 = Sunday, as struct tm's tm_wday */
	struct config_date *holidays;
	size_t nholidays;
	struct config_loc loc, name_loc;
};

/** Codes agents dial from their phones ("*71"); digits, * and #. */
struct config_features {
	char ready[CONFIG_CODE_MAX];
	char not_ready[CONFIG_CODE_MAX];
	char logout[CONFIG_CODE_MAX];
	/* pressed during a call (xferkeys.c) */
	char blind_transfer[CONFIG_CODE_MAX];    /* then the target, # */
	char attended_transfer[CONFIG_CODE_MAX]; /* again: complete */
	char transfer_cancel[CONFIG_CODE_MAX];   /* back to the caller */
};

struct config_dial_pattern {
	char pattern[CONFIG_PATTERN_MAX]; /* "_39X." or a literal number */
	struct config_loc loc;
};

enum config_action_type {
	CONFIG_ACT_HOURS = 0, /* calendar closed now: go to node */
	CONFIG_ACT_PLAY,
	CONFIG_ACT_MENU,
	CONFIG_ACT_SET,
	CONFIG_ACT_QUEUE,
	CONFIG_ACT_VOICEMAIL,
	CONFIG_ACT_FORWARD,
	CONFIG_ACT_GOTO,
	CONFIG_ACT_HANGUP,
	CONFIG_ACT_COUNT
};

struct config_menu_option {
	char key;               /* 0-9, * or # */
	struct config_ref node; /* index into the flow's nodes */
};

struct config_set_skill {
	struct config_ref skill;  /* index into cfg->skills */
	unsigned min_proficiency; /* 1..5 */
};

/**
 * One step of a node. Which fields mean something depends on type:
 * hours: calendar, node (closed); play: prompt; menu: prompt, invalid,
 * timeout, retries, options, node (default, "" hang up); set: skills,
 * has_priority/priority, language; queue: queue, music, announce;
 * voicemail: queue, max; forward: number; goto: node; hangup: nothing.
 */
struct config_action {
	enum config_action_type type;
	struct config_prompt prompt, invalid;
	acd_time_t timeout; /* ms, menu; default 5 s */
	unsigned retries;   /* menu; default 2 */
	struct config_menu_option options[CONFIG_MENU_MAX];
	unsigned noptions;
	struct config_ref node;     /* goto, menu default, hours closed */
	struct config_ref calendar; /* index into cfg->calendars */
	struct config_ref queue;    /* index into cfg->queues, same tenant */
	struct config_ref music;    /* index into cfg->prompts_music */
	acd_time_t announce;        /* ms; 0 never; default 45 s */
	char callback_key;          /* queue: the key asking for a callback */
	acd_time_t max;             /* voicemail length, ms; default 2 min */
	char number[CONFIG_NUMBER_MAX]; /* forward: passed the allow-list */
	struct config_set_skill skills[ACD_MAX_REQS];
	unsigned nskills;
	bool has_priority;
	int priority;
	enum config_language language; /* set: NONE when unchanged */
	struct config_loc loc;
};

struct config_node {
	char name[CONFIG_NAME_MAX];
	struct config_action *actions;
	size_t nactions;
	struct config_loc loc; /* of the name */
};

struct config_flow {
	char name[CONFIG_NAME_MAX];
	struct config_ref tenant;
	enum config_language language; /* default en */
	bool emergency;                /* emergency: was given */
	struct config_prompt emergency_message;
	struct config_ref emergency_queue; /* "" : hang up after */
	struct config_ref start;           /* resolved: index into nodes */
	struct config_node *nodes;
	size_t nnodes;
	struct config_loc loc, name_loc;
};

/* ---- Users of the web side (issue 5): roles and tenants. ---- */

enum config_role {
	CONFIG_ROLE_AGENT = 0,
	CONFIG_ROLE_SUPERVISOR,
	CONFIG_ROLE_ADMINISTRATOR,
};

/** A user who signs in to the REST API. Never holds a clear password. */
struct config_user {
	char name[CONFIG_NAME_MAX];
	char password_hash[CONFIG_HASH_MAX]; /* "$argon2id$..." (libsodium) */
	enum config_role role;
	struct config_ref tenants[CONFIG_USER_TENANTS]; /* into cfg->tenants */
	unsigned ntenants;                              /* at least 1 */
	struct config_ref agent; /* role agent: into cfg->agents; else "" */
	struct config_loc loc, name_loc;
};

#define CONFIG_URL_MAX    512
#define CONFIG_SECRET_MAX 256

#define CONFIG_ROTA_PEOPLE 32 /* people of one rota */
#define CONFIG_ROTA_CHAIN  8  /* on duty at once, or in the escalation */

/** Names of a rota's people, in the order they are called. */
struct config_duty {
	uint8_t who[CONFIG_ROTA_CHAIN]; /* indexes into the rota's people */
	unsigned n;
};

struct config_rota_person {
	char name[CONFIG_NAME_MAX];
	char number[CONFIG_NUMBER_MAX]; /* a mobile; must pass dialing.allow */
	struct config_loc loc;
};

/** A dated exception in the file (a holiday's duty). */
struct config_rota_override {
	struct config_date date;
	struct config_duty duty;
};

/**
 * An on-call rota: who answers a published number, by the day of the
 * week in the rota's time zone, with dated exceptions; those on duty are
 * called first (in order, or all at once), then the escalation chain.
 */
struct config_rota {
	char name[CONFIG_NAME_MAX];
	struct config_ref tenant;
	char timezone[CONFIG_NAME_MAX]; /* the tenant's when not given */
	struct config_rota_person people[CONFIG_ROTA_PEOPLE];
	unsigned npeople;
	struct config_duty week[7]; /* 0 = Sunday, as tm_wday */
	struct config_duty escalation;
	struct config_rota_override *overrides;
	size_t noverrides;
	bool simultaneous;    /* ring those on duty all at once */
	acd_time_t ring_time; /* each call's ringing, ms */
	/* the person answering must press 1 within this, ms (screening) */
	acd_time_t screen_time;
	enum config_language language; /* of the prompts; en when not given */
	struct config_ref voicemail;   /* queue of the last resort, or none */
	struct config_loc loc, name_loc;
};

/** A receiver of a tenant's engine events (POSTs signed with secret). */
struct config_webhook {
	char name[CONFIG_NAME_MAX];
	struct config_ref tenant;
	char url[CONFIG_URL_MAX];          /* http:// or https:// */
	char secret[CONFIG_SECRET_MAX];    /* HMAC-SHA256 key; never printed */
	uint64_t events;                   /* bit 1 << acd_event_type */
	acd_time_t retry_first, retry_max; /* backoff, ms: doubles up to max */
	unsigned attempts;                 /* per delivery, then dropped */
	struct config_loc loc, name_loc;
};

/** A validated configuration. Owned by the caller of config_parse(). */
struct config {
	char file[256];
	struct config_tenant *tenants;
	size_t ntenants;
	struct config_skill *skills;
	size_t nskills;
	struct config_queue *queues;
	size_t nqueues;
	struct config_agent *agents;
	size_t nagents;
	/* The voice channel: absent sections keep their defaults. */
	struct config_sip sip;
	struct config_hostport http_listen; /* text "" when not given */
	char http_pages[CONFIG_PATH_MAX];   /* the pages' folder; default web */
	char http_certificate[CONFIG_PATH_MAX]; /* PEM key + chain: HTTPS */
	acd_time_t http_agent_grace; /* desktop gone: chats back; 0: 30 s */
	char store_path[CONFIG_PATH_MAX]; /* default var/centralino.db */
	bool store_full; /* store.durability: full (fsync per flush) */
	char prompts_cache[CONFIG_PATH_MAX]; /* default var/prompts */
	struct config_music *prompts_music;
	size_t nprompts_music;
	struct config_dial_pattern *dial_allow; /* empty: dial nothing */
	size_t ndial_allow;
	struct config_trunk *trunks;
	size_t ntrunks;
	struct config_number *numbers;
	size_t nnumbers;
	struct config_calendar *calendars;
	size_t ncalendars;
	struct config_features features;
	struct config_flow *flows;
	size_t nflows;
	struct config_user *users; /* empty: nobody can sign in */
	size_t nusers;
	struct config_webhook *webhooks;
	size_t nwebhooks;
	struct config_email *email; /* NULL: no e-mail (config_email.h) */
	struct config_rota *rotas;
	size_t nrotas;
	/* retention: ended contacts' personal data is anonymised after
	 * this long; 0 (no section): kept for ever */
	acd_time_t retention_personal_ms;
};

/**
 * Add an error. fmt is printf-like. Beyond CONFIG_ERRORS_MAX, or when
 * memory runs out, the error is only counted in e->dropped.
 */
void config_errors_add(struct config_errors *e, const char *file, unsigned line,
                       unsigned column, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/** Free the errors' storage and empty the list. NULL is accepted. */
void config_errors_free(struct config_errors *e);
/**
 * Print "FILE:LINE:COL: FIELD: MESSAGE", one error a line (parts that are
 * unknown are left out), then "... and N more errors" if some were dropped.
 */
void config_errors_print(const struct config_errors *e, FILE *f);

/**
 * Read and parse the file at path (see config_parse()). Returns ENOENT,
 * EACCES, EIO or EFBIG with an error naming the file when it cannot be
 * read, otherwise what config_parse() returns.
 */
int config_load(const char *path, struct config **cfgp,
                struct config_errors *errs);

/**
 * Parse len bytes of YAML (no NUL needed); name is the file name used in
 * errors. On success returns 0 and *cfgp owns a new configuration. On
 * EINVAL every problem found has been appended to errs and *cfgp is left
 * untouched; ENOMEM when memory ran out.
 */
int config_parse(const char *buf, size_t len, const char *name,
                 struct config **cfgp, struct config_errors *errs);

/** Free a configuration. NULL is accepted. */
void config_free(struct config *cfg);

/**
 * Create cfg's tenants, skills, queues (with escalation steps and
 * fallbacks), agents and memberships in acd, through acd.h only. Every
 * refusal of the engine is appended to errs with the YAML location of the
 * object, and applying goes on with what does not depend on it. Returns 0,
 * or the first errno the engine gave.
 */
int config_apply(const struct config *cfg, struct acd *acd,
                 struct config_errors *errs);

/*
 * A configuration shared by the calls that started under it: the daemon
 * holds the current one, each call the one it started with, and the
 * last to let go frees it. Single-threaded (the event loop).
 */
struct config_hold;

/** Hold cfg (ownership passes); NULL when out of memory (cfg freed). */
struct config_hold *config_hold_new(struct config *cfg);
/** One more holder; returns h. NULL is accepted. */
struct config_hold *config_hold_ref(struct config_hold *h);
/** Let go; the last one frees the configuration. NULL is accepted. */
void config_hold_unref(struct config_hold *h);
const struct config *config_hold_cfg(const struct config_hold *h);

/** "administrator", "supervisor", "agent". */
const char *config_role_name(enum config_role role);
/** The user called name, or NULL. */
const struct config_user *config_user_find(const struct config *cfg,
                                           const char *name);

/** "it", "es", "en"; "" for CONFIG_LANG_NONE. */
const char *config_language_name(enum config_language lang);

/**
 * May the daemon dial number? True only when the whole number matches one
 * pattern of dialing.allow (anchored: no prefix or partial match). A
 * number is 1..32 characters of digits, '+', '*' and '#'; anything else
 * (NULL, empty, letters, spaces, longer) is refused. '+' is literal.
 */
bool config_dial_allowed(const struct config *cfg, const char *number);

/** The number entry for a dialled number, or NULL. */
const struct config_number *config_number_find(const struct config *cfg,
                                               const char *number);
/**
 * The first trunk whose inbound.from holds source_ip (an IPv4 or IPv6
 * literal), or NULL (also when source_ip is not a literal).
 */
const struct config_trunk *config_trunk_match(const struct config *cfg,
                                              const char *source_ip);
/** The index of tenant name in cfg->tenants, or SIZE_MAX. */
size_t config_tenant_index(const struct config *cfg, const char *name);
/** Flow name of tenant (an index into cfg->tenants), or NULL. */
const struct config_flow *config_flow_find(const struct config *cfg,
                                           size_t tenant, const char *name);
/** Index of node name in flow, or SIZE_MAX. */
size_t config_node_find(const struct config_flow *flow, const char *name);

/**
 * Is the calendar open at now? Local time is taken in the calendar's
 * time zone; a holiday is closed all day. The zone is applied by setting
 * TZ, calling tzset() and localtime_r(), then restoring TZ: this is NOT
 * thread-safe (nothing else may read local time meanwhile); the daemon
 * calls it from its one event-loop thread. An unknown zone reads as UTC.
 */
bool config_calendar_open(const struct config_calendar *cal, time_t now);

/** now in zone tz ("" UTC) into *tm; as above, NOT thread-safe. */
bool config_local_time(const char *tz, time_t now, struct tm *tm);
/** mktime() of *tm read in zone tz ("" UTC), (time_t)-1 when it fails;
 * as above, NOT thread-safe. */
time_t config_local_mktime(const char *tz, struct tm *tm);
/** The rota of tenant (index) called name, or NULL. */
const struct config_rota *config_rota_find(const struct config *cfg,
                                           size_t tenant, const char *name);
/** Index of person name in rota r, or -1. */
int config_rota_person(const struct config_rota *r, const char *name);

#endif
