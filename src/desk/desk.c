/*
 * desk.c - hosting contacts that are not calls, and the ledger of all.
 *
 * Each contact the engine routes has one struct desk_contact, found by
 * the engine's id (events) and by its key (the API); both maps are the
 * engine's open-addressing idmap, so every lookup is O(1). A contact is
 * saved when it enters and when its queue or channel changes, and ended
 * with its outcome; the store commits with the journal (group commit),
 * except a creation that a client waits for, which is committed before
 * the client hears yes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acd/idmap.h"
#include "core/log.h"
#include "desk/desk.h"
#include "store/store.h"

struct desk {
	struct acd *acd;
	struct store *store;
	desk_clock_h *wall;
	void *wall_arg;
	struct idmap by_contact;       /* engine id -> struct desk_contact */
	struct idmap by_key;           /* key -> struct desk_contact */
	struct desk_contact *entering; /* desk_create() in progress ... */
	bool entering_tracked;         /* ... already known by its id */
	bool entering_gone;            /* ... already out of the engine */
	uint64_t next_key;             /* keys without a store */
	struct desk_stats st;
};

static int64_t real_wall(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_now(const struct desk *d)
{
	return d->wall(d->wall_arg);
}

int desk_alloc(struct desk **dp, const struct desk_params *p)
{
	struct desk *d;

	if (!dp || !p || !p->acd)
		return EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->acd = p->acd;
	d->store = p->store;
	d->wall = p->wall ? p->wall : real_wall;
	d->wall_arg = p->wall_arg;
	d->next_key = 1;
	idmap_init(&d->by_contact);
	idmap_init(&d->by_key);
	*dp = d;
	return 0;
}

static void contact_free(struct desk_contact *c)
{
	if (!c)
		return;
	free(c->skills);
	free(c->attributes);
	free(c->payload);
	free(c->secret);
	free(c);
}

void desk_free(struct desk *d)
{
	if (!d)
		return;
	for (size_t i = 0; d->by_key.slots && i <= d->by_key.mask; i++)
		contact_free(d->by_key.slots[i].value);
	idmap_reset(&d->by_contact);
	idmap_reset(&d->by_key);
	free(d);
}

/* strdup that keeps NULL; false when out of memory. */
static bool dup_opt(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return !src || *dst;
}

/* The requirements as "skill:level,..." (names, so they outlive ids). */
static char *skills_text(const struct acd *acd, const struct acd_skill_req *r,
                         unsigned n)
{
	char buf[ACD_MAX_REQS * 72];
	size_t len = 0;

	if (!n)
		return NULL;
	buf[0] = '\0';
	for (unsigned i = 0; i < n && len < sizeof(buf); i++) {
		const char *name = acd_skill_name(acd, r[i].skill);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s:%u",
		                        i ? "," : "", name ? name : "?",
		                        r[i].min_proficiency);
	}
	return strdup(buf);
}

/* Parse "skill:level,..." back into r; false when a skill is unknown. */
static bool skills_parse(const struct acd *acd, const char *text,
                         struct acd_skill_req *r, unsigned *np)
{
	char buf[ACD_MAX_REQS * 72], *save = NULL;

	*np = 0;
	if (!text || !*text)
		return true;
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(t, ':');
		unsigned long level;

		if (!colon || *np >= ACD_MAX_REQS)
			return false;
		*colon = '\0';
		level = strtoul(colon + 1, NULL, 10);
		r[*np].skill = acd_skill_find(acd, t);
		if (r[*np].skill == ACD_NONE || level < 1 ||
		    level > ACD_PROFICIENCY_MAX)
			return false;
		r[*np].min_proficiency = (uint8_t)level;
		(*np)++;
	}
	return true;
}

/* Buffer c's record (creation or change). */
static int save(struct desk *d, struct desk_contact *c,
                enum acd_contact_state state)
{
	struct store_contact sc = {
	    .key = c->key,
	    .id = c->contact,
	    .tenant = acd_tenant_name(d->acd, c->tenant),
	    .queue = acd_queue_name(d->acd, c->queue),
	    .channel = c->channel,
	    .priority = c->priority,
	    .virtual_start_ms = c->virtual_start_ms,
	    .not_before_ms = c->not_before_ms,
	    .skills = c->skills,
	    .attributes = c->attributes,
	    .payload = c->payload,
	    .secret = c->secret,
	    .state = state,
	};
	int err;

	if (!d->store) {
		if (!c->key)
			c->key = d->next_key++;
		return 0;
	}
	err = store_contact_save(d->store, &sc);
	if (!err)
		c->key = sc.key;
	else
		log_event(LOG_ERROR, "desk.save-failed",
		          "contact=%llu key=%llu error=\"%s\"",
		          (unsigned long long)c->contact,
		          (unsigned long long)c->key, strerror(err));
	return err;
}

/* The contact left the engine with outcome: its record ends, it goes. */
static void finish(struct desk *d, struct desk_contact *c, const char *outcome)
{
	if (d->store && c->key &&
	    store_contact_end(d->store, c->key, outcome, 0))
		log_event(LOG_ERROR, "desk.end-failed", "key=%llu outcome=%s",
		          (unsigned long long)c->key, outcome);
	idmap_del(&d->by_contact, c->contact);
	if (c->key)
		idmap_del(&d->by_key, c->key);
	if (c == d->entering)
		d->entering_gone = true;
	contact_free(c);
}

/* Map c under its engine id and key. ENOMEM. */
static int track(struct desk *d, struct desk_contact *c)
{
	int err = idmap_put(&d->by_contact, c->contact, c);

	if (!err && c->key)
		err = idmap_put(&d->by_key, c->key, c);
	if (err)
		idmap_del(&d->by_contact, c->contact);
	return err;
}

/* desk_create()'s contact, now that it has its id: saved and mapped. */
static int track_new(struct desk *d, struct desk_contact *c)
{
	int err = save(d, c, acd_contact_state(d->acd, c->contact));

	if (!err)
		err = track(d, c);
	if (!err)
		d->entering_tracked = true;
	return err;
}

/* A contact someone else created (a call, a voicemail) enters. */
static void adopt(struct desk *d, const struct acd_event *ev)
{
	struct desk_contact *c = calloc(1, sizeof(*c));
	int64_t now = wall_now(d);

	if (!c)
		goto nomem;
	c->contact = ev->contact;
	c->channel = ev->channel;
	c->tenant = ev->tenant;
	c->queue = ev->queue;
	c->agent = c->owner = ACD_NONE;
	c->created_ms = now;
	/* a call's menu choices, language and caller: who the customer is */
	if (!dup_opt(&c->attributes,
	             acd_contact_attributes(d->acd, ev->contact))) {
		contact_free(c);
		goto nomem;
	}
	c->virtual_start_ms = now - ev->wait;
	c->hosted = ev->channel != ACD_CH_VOICE;
	if (save(d, c, ACD_CONTACT_WAITING) || track(d, c))
		goto nomem;
	return;
nomem:
	log_event(LOG_ERROR, "desk.untracked", "contact=%llu",
	          (unsigned long long)ev->contact);
	contact_free(c);
}

/* The engine used c's preference (an offer to that agent refused or
 * missed) or gave it up (wait over, agent away): so does the desk, in
 * memory and on record, so that a restart does not bring it back. */
static void owner_drop(struct desk *d, struct desk_contact *c)
{
	char *a = c->attributes ? strstr(c->attributes, "owner=") : NULL;

	c->owner = ACD_NONE;
	if (a) { /* owner_attributes() put it last */
		if (a > c->attributes && a[-1] == ';')
			a--;
		*a = '\0';
	}
	(void)save(d, c, acd_contact_state(d->acd, c->contact));
}

static bool owner_done(const struct desk_contact *c, const struct acd_event *ev)
{
	if (c->owner == ACD_NONE)
		return false;
	if (ev->type == ACD_EV_CONTACT_ESCALATED)
		return ev->reason && !strncmp(ev->reason, "preferred-", 10);
	return (ev->type == ACD_EV_OFFER_REJECTED ||
	        ev->type == ACD_EV_OFFER_TIMEOUT) &&
	       ev->agent == c->owner;
}

void desk_engine_event(struct desk *d, const struct acd_event *ev)
{
	struct desk_contact *c;

	if (!d || !ev->contact)
		return;
	c = idmap_get(&d->by_contact, ev->contact);
	if (!c && d->entering && ev->user == d->entering) {
		c = d->entering; /* desk_create()'s: events come before it
		                    returns, the first may be its end */
		c->contact = ev->contact;
		if (track_new(d, c))
			return;
	} else if (!c && ev->type == ACD_EV_CONTACT_QUEUED) {
		adopt(d, ev);
		return;
	}
	if (!c)
		return;
	if (owner_done(c, ev))
		owner_drop(d, c);
	switch (ev->type) {
	case ACD_EV_CONTACT_OFFERED:
	case ACD_EV_OFFER_ACCEPTED:
		c->agent = ev->agent;
		break;
	case ACD_EV_OFFER_REJECTED:
	case ACD_EV_OFFER_TIMEOUT:
	case ACD_EV_OFFER_WITHDRAWN:
		if (c->agent == ev->agent)
			c->agent = ACD_NONE;
		break;
	case ACD_EV_CONTACT_TRANSFERRED:
		c->queue = ev->queue;
		c->agent = ACD_NONE;
		(void)save(d, c, ACD_CONTACT_WAITING);
		break;
	case ACD_EV_CONTACT_QUEUED:
		/* after a transfer: the event above names the queue it left,
		 * this one the queue it now waits in */
		if (c->queue != ev->queue) {
			c->queue = ev->queue;
			(void)save(d, c, ACD_CONTACT_WAITING);
		}
		break;
	case ACD_EV_CALLBACK_SCHEDULED:
		c->channel = ACD_CH_CALLBACK;
		c->hosted = true; /* the caller may hang up: the desk has it */
		(void)save(d, c, ACD_CONTACT_SCHEDULED);
		break;
	case ACD_EV_CONTACT_FALLBACK:
		if (ev->fallback->action == ACD_ACTION_CALLBACK) {
			c->channel = ACD_CH_CALLBACK;
			c->hosted = true;
			(void)save(d, c, ACD_CONTACT_WAITING);
		} else {
			finish(d, c, ev->reason ? ev->reason : "fallback");
		}
		break;
	case ACD_EV_CONTACT_COMPLETED:
		/* a channel's own ending: "callback-failed", "dial-refused" */
		finish(d, c, ev->reason ? ev->reason : "completed");
		break;
	case ACD_EV_CONTACT_ABANDONED:
		finish(d, c, "abandoned");
		break;
	default:
		break;
	}
}

/* Engine time of a wall time, by the offset between the two clocks. */
static acd_time_t engine_time(struct desk *d, int64_t wall_ms)
{
	acd_time_t t = acd_now(d->acd) - (wall_now(d) - wall_ms);

	return t > 0 ? t : 1;
}

/* Hand c to the engine with its requirements and its preferred agent
 * for what is left of the preference. */
static int enter(struct desk *d, struct desk_contact *c,
                 const struct acd_skill_req *reqs, unsigned nreqs)
{
	int64_t left = c->owner_until_ms - wall_now(d);
	struct acd_contact_params p = {
	    .channel = c->channel,
	    .queue = c->queue,
	    .priority = c->priority,
	    .nreqs = nreqs,
	    .attributes = c->attributes,
	    .user = c,
	    .preferred_agent = c->owner != ACD_NONE && left > 0 ? c->owner : 0,
	    .preferred_wait = c->owner != ACD_NONE && left > 0 ? left : 0,
	};
	int err;

	memcpy(p.reqs, reqs, nreqs * sizeof(*reqs));
	if (c->virtual_start_ms)
		p.virtual_start = engine_time(d, c->virtual_start_ms);
	if (c->not_before_ms > wall_now(d))
		p.not_before = engine_time(d, c->not_before_ms);
	d->entering = c;
	d->entering_tracked = d->entering_gone = false;
	err = acd_contact_add(d->acd, &p, &c->contact);
	d->entering = NULL;
	return err;
}

/* The attributes kept with c: the request's, then its preferred agent
 * and until when ("owner=agent1;owner_until=1795..."), so that a restart
 * keeps the preference. NULL: no memory (an empty string: none). */
static char *owner_attributes(const struct desk *d,
                              const struct desk_contact *c, const char *attrs)
{
	const char *name;
	size_t size;
	char *s;

	if (c->owner == ACD_NONE)
		return strdup(attrs ? attrs : "");
	name = acd_agent_name(d->acd, c->owner);
	size = (attrs ? strlen(attrs) : 0) + strlen(name) + 48;
	s = malloc(size);
	if (s)
		snprintf(s, size, "%s%sowner=%s;owner_until=%lld",
		         attrs ? attrs : "", attrs && *attrs ? ";" : "", name,
		         (long long)c->owner_until_ms);
	return s;
}

/* A recovered contact's preferred agent, from its attributes; none when
 * the agent is gone or the preference is over. */
static void owner_parse(struct desk *d, struct desk_contact *c)
{
	const char *a = c->attributes, *o, *u;
	char name[64];
	size_t n;

	c->owner = ACD_NONE;
	o = a ? strstr(a, "owner=") : NULL;
	u = a ? strstr(a, ";owner_until=") : NULL;
	if (!o || !u || u < o || (o != a && o[-1] != ';'))
		return;
	o += strlen("owner=");
	n = (size_t)(u - o);
	if (!n || n >= sizeof(name))
		return;
	memcpy(name, o, n);
	name[n] = '\0';
	c->owner_until_ms = strtoll(u + strlen(";owner_until="), NULL, 10);
	if (c->owner_until_ms > wall_now(d))
		c->owner = acd_agent_find(d->acd, c->tenant, name);
}

static bool channel_hosted(enum acd_channel ch)
{
	return ch == ACD_CH_CHAT || ch == ACD_CH_EMAIL ||
	       ch == ACD_CH_CALLBACK || ch == ACD_CH_VOICEMAIL ||
	       ch == ACD_CH_APP;
}

/* The contact's record is committed, or it is withdrawn. */
static int commit(struct desk *d, struct desk_contact *c)
{
	int err;

	if (!d->store)
		return 0;
	err = store_flush(d->store);
	if (!err)
		return 0;
	log_event(LOG_ERROR, "desk.refused", "key=%llu error=\"%s\"",
	          (unsigned long long)c->key, store_errmsg(d->store));
	d->st.refused++;
	if (acd_contact_abandon(d->acd, c->contact))
		(void)acd_contact_end(d->acd, c->contact);
	return err == ENOSPC ? ENOSPC : EIO;
}

/* The engine ended the contact as it entered: its record (ended) is
 * written all the same, for the reports; the client hears no. */
static int commit_refusal(struct desk *d)
{
	if (d->store)
		(void)store_flush(d->store);
	return EBUSY;
}

int desk_create(struct desk *d, const struct desk_request *rq, uint64_t *keyp)
{
	struct desk_contact *c;
	uint32_t tenant;
	uint64_t key;
	int err;

	if (!d || !rq || !keyp || !channel_hosted(rq->channel) ||
	    rq->nreqs > ACD_MAX_REQS)
		return EINVAL;
	tenant = acd_queue_tenant(d->acd, rq->queue);
	if (tenant == ACD_NONE)
		return ENOENT;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ENOMEM;
	c->channel = rq->channel;
	c->tenant = tenant;
	c->queue = rq->queue;
	c->agent = ACD_NONE;
	c->priority = rq->priority;
	c->created_ms = c->virtual_start_ms = wall_now(d);
	c->not_before_ms = rq->not_before_ms;
	c->hosted = true;
	c->skills = skills_text(d->acd, rq->reqs, rq->nreqs);
	c->owner = ACD_NONE;
	if (rq->preferred_wait_ms > 0 &&
	    acd_agent_tenant(d->acd, rq->preferred_agent) == tenant) {
		c->owner = rq->preferred_agent;
		c->owner_until_ms =
		    (c->not_before_ms > c->created_ms ? c->not_before_ms
		                                      : c->created_ms) +
		    rq->preferred_wait_ms;
	}
	if ((rq->nreqs && !c->skills) ||
	    !(c->attributes = owner_attributes(d, c, rq->attributes)) ||
	    !dup_opt(&c->payload, rq->payload) ||
	    !dup_opt(&c->secret, rq->secret)) {
		contact_free(c);
		return ENOMEM;
	}
	err = enter(d, c, rq->reqs, rq->nreqs);
	if (err) {
		contact_free(c);
		return err;
	}
	if (d->entering_gone) /* refused at the door: a full queue */
		return commit_refusal(d);
	/* events wait while an outer engine call delivers: track it now */
	if (!d->entering_tracked && (err = track_new(d, c))) {
		(void)acd_contact_abandon(d->acd, c->contact);
		contact_free(c);
		return err;
	}
	key = c->key;
	err = commit(d, c); /* on failure the abandon event freed c */
	if (err)
		return err;
	d->st.created++;
	*keyp = key;
	return 0;
}

/* ---- recovery ---------------------------------------------------------- */

/* A recovered callback's attempts, from its attributes. */
static unsigned attempts_parse(const char *attributes)
{
	if (!attributes || strncmp(attributes, "attempts=", 9))
		return 0;
	return (unsigned)strtoul(attributes + 9, NULL, 10);
}

struct recovery {
	struct desk *d;
	size_t recovered, orphans;
};

/* A contact of an earlier run, as the store gives it, back in its queue
 * with its key, its place and its data. */
static int recover_one(struct desk *d, const struct store_contact *sc)
{
	struct acd_skill_req reqs[ACD_MAX_REQS];
	struct desk_contact *c;
	unsigned nreqs;
	uint32_t tenant = acd_tenant_find(d->acd, sc->tenant ? sc->tenant : "");
	uint32_t queue = tenant == ACD_NONE
	                     ? ACD_NONE
	                     : acd_queue_find(d->acd, tenant, sc->queue);
	int err;

	if (queue == ACD_NONE ||
	    !skills_parse(d->acd, sc->skills, reqs, &nreqs))
		return ENOENT;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ENOMEM;
	c->key = sc->key;
	c->channel = sc->channel;
	c->tenant = tenant;
	c->queue = queue;
	c->agent = ACD_NONE;
	c->priority = sc->priority;
	c->created_ms = sc->created_ms;
	c->virtual_start_ms = sc->virtual_start_ms;
	c->not_before_ms = sc->not_before_ms;
	c->hosted = c->recovered = true;
	if (!dup_opt(&c->skills, sc->skills) ||
	    !dup_opt(&c->attributes, sc->attributes) ||
	    !dup_opt(&c->payload, sc->payload) ||
	    !dup_opt(&c->secret, sc->secret)) {
		contact_free(c);
		return ENOMEM;
	}
	owner_parse(d, c);
	c->attempts = attempts_parse(c->attributes);
	err = enter(d, c, reqs, nreqs);
	if (err)
		contact_free(c);
	else if (!d->entering_tracked && !d->entering_gone)
		err = track_new(d, c);
	return err;
}

static int recover_h(const struct store_contact *sc, void *arg)
{
	struct recovery *r = arg;
	struct desk *d = r->d;
	int err;

	if (sc->run == store_run(d->store))
		return 0; /* this run's own */
	if (sc->channel == ACD_CH_VOICE || !channel_hosted(sc->channel)) {
		/* the call was cut with the process that carried it */
		d->st.interrupted++;
		return store_contact_end(d->store, sc->key, "interrupted",
		                         STORE_END_LAST_SEEN);
	}
	err = recover_one(d, sc);
	if (err == ENOENT) {
		log_event(
		    LOG_ERROR, "desk.recovery-orphan",
		    "key=%llu tenant=%s queue=%s skills=%s "
		    "hint=\"the queue or a skill is no longer configured; "
		    "the contact stays stored for a later start\"",
		    (unsigned long long)sc->key, sc->tenant ? sc->tenant : "-",
		    sc->queue ? sc->queue : "-", sc->skills ? sc->skills : "-");
		r->orphans++;
		return 0;
	}
	if (!err)
		r->recovered++;
	return err;
}

int desk_recover(struct desk *d, size_t *recoveredp, size_t *orphansp)
{
	struct recovery r = {.d = d};
	int err;

	if (!d)
		return EINVAL;
	if (d->store) {
		err = store_contacts_open(d->store, recover_h, &r);
		if (!err)
			err = store_flush(d->store);
		if (err)
			return err;
	}
	d->st.recovered += r.recovered;
	if (recoveredp)
		*recoveredp = r.recovered;
	if (orphansp)
		*orphansp = r.orphans;
	return 0;
}

/* ---- the agent's actions ------------------------------------------------ */

const struct desk_contact *desk_find(const struct desk *d, uint64_t key)
{
	return d && key ? idmap_get(&d->by_key, key) : NULL;
}

const struct desk_contact *desk_by_contact(const struct desk *d,
                                           uint64_t contact)
{
	return d && contact ? idmap_get(&d->by_contact, contact) : NULL;
}

/* c's attributes with "attempts=N" first (replacing an earlier count):
 * first, because owner_drop() cuts the owner's part at the end. */
static int attempts_set(struct desk_contact *c, unsigned n)
{
	const char *rest = c->attributes ? c->attributes : "";
	size_t size;
	char *s;

	if (!strncmp(rest, "attempts=", 9)) {
		rest = strchr(rest, ';');
		rest = rest ? rest + 1 : "";
	}
	size = strlen(rest) + 32;
	s = malloc(size);
	if (!s)
		return ENOMEM;
	snprintf(s, size, "attempts=%u%s%s", n, *rest ? ";" : "", rest);
	free(c->attributes);
	c->attributes = s;
	c->attempts = n;
	return 0;
}

int desk_callback_retry(struct desk *d, uint64_t contact, int64_t not_before_ms,
                        const char *reason)
{
	struct desk_contact *c =
	    (struct desk_contact *)desk_by_contact(d, contact);
	int err;

	if (!c)
		return ENOENT;
	if (c->channel != ACD_CH_CALLBACK ||
	    acd_contact_state(d->acd, contact) != ACD_CONTACT_CONNECTED)
		return EPROTO;
	err = attempts_set(c, c->attempts + 1);
	if (err)
		return err;
	/* CALLBACK_SCHEDULED saves it, with the new due time */
	c->not_before_ms = not_before_ms;
	return acd_contact_retry(
	    d->acd, contact,
	    not_before_ms > wall_now(d) ? engine_time(d, not_before_ms) : 0,
	    reason);
}

void desk_callback_attempted(struct desk *d, uint64_t contact)
{
	struct desk_contact *c =
	    (struct desk_contact *)desk_by_contact(d, contact);

	if (c && !attempts_set(c, c->attempts + 1))
		(void)save(d, c, acd_contact_state(d->acd, contact));
}

static int by_key(const void *a, const void *b)
{
	const struct desk_contact *x = *(const struct desk_contact *const *)a;
	const struct desk_contact *y = *(const struct desk_contact *const *)b;

	return x->key < y->key ? -1 : x->key > y->key;
}

void desk_each(const struct desk *d, desk_contact_h *h, void *arg)
{
	struct desk_contact **v;
	size_t n = 0;

	if (!d || !d->by_key.n)
		return;
	v = malloc(d->by_key.n * sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i <= d->by_key.mask; i++)
		if (d->by_key.slots[i].value)
			v[n++] = d->by_key.slots[i].value;
	qsort(v, n, sizeof(*v), by_key);
	for (size_t i = 0; i < n; i++)
		h(v[i], arg);
	free(v);
}

/* The hosted live contact key, if agent may act on it (ACD_NONE: anyone). */
static int mine(struct desk *d, uint64_t key, uint32_t agent,
                struct desk_contact **cp)
{
	struct desk_contact *c = (struct desk_contact *)desk_find(d, key);

	if (!c || !c->hosted)
		return ENOENT;
	if (agent != ACD_NONE && c->agent != agent)
		return EPERM;
	*cp = c;
	return 0;
}

int desk_accept(struct desk *d, uint64_t key, uint32_t agent)
{
	struct desk_contact *c;
	int err = mine(d, key, agent, &c);

	if (err)
		return err;
	err = acd_offer_accept(d->acd, c->contact, agent);
	/* a conversation opens as it is accepted */
	if (!err)
		err = acd_contact_connected(d->acd, c->contact);
	return err;
}

int desk_reject(struct desk *d, uint64_t key, uint32_t agent)
{
	struct desk_contact *c;
	int err = mine(d, key, agent, &c);

	return err ? err : acd_offer_reject(d->acd, c->contact, agent);
}

int desk_finish(struct desk *d, uint64_t key, uint32_t agent)
{
	struct desk_contact *c;
	int err = mine(d, key, agent, &c);

	return err ? err : acd_contact_end(d->acd, c->contact);
}

int desk_wrapup_done(struct desk *d, uint64_t key, uint32_t agent)
{
	struct desk_contact *c = (struct desk_contact *)desk_find(d, key);
	int err;

	/* a call's wrap-up too: the agent ends it from the desktop */
	if (c && !c->hosted && c->channel == ACD_CH_VOICE) {
		if (agent != ACD_NONE && c->agent != agent)
			return EPERM;
	} else if ((err = mine(d, key, agent, &c))) {
		return err;
	}
	return acd_contact_wrapup_done(d->acd, c->contact);
}

int desk_record(struct desk *d, uint64_t key, const char *disposition,
                const char *notes)
{
	if (!d || !key)
		return EINVAL;
	if (!d->store || (!disposition && !notes))
		return 0;
	return store_contact_disposition(d->store, key, disposition, notes);
}

size_t desk_agent_gone(struct desk *d, uint32_t agent, const char *reason)
{
	uint64_t ids[256];
	size_t n = 0, back = 0;

	if (!d || agent == ACD_NONE)
		return 0;
	/* not ready first, or the engine would offer it the chats again */
	(void)acd_agent_presence(d->acd, agent, ACD_PRESENCE_NOT_READY, reason);
	for (size_t i = 0; d->by_contact.slots && i <= d->by_contact.mask &&
	                   n < sizeof(ids) / sizeof(*ids);
	     i++) {
		const struct desk_contact *c = d->by_contact.slots[i].value;
		if (c && c->hosted && c->agent == agent &&
		    c->channel == ACD_CH_CHAT &&
		    acd_contact_state(d->acd, c->contact) ==
		        ACD_CONTACT_CONNECTED)
			ids[n++] = c->contact;
	}
	/* requeueing changes the map's entries: collected first */
	for (size_t i = 0; i < n; i++)
		back += acd_contact_requeue(d->acd, ids[i], reason) == 0;
	return back;
}

int desk_withdraw(struct desk *d, uint64_t key)
{
	struct desk_contact *c;
	int err = mine(d, key, ACD_NONE, &c);

	if (err)
		return err;
	err = acd_contact_abandon(d->acd, c->contact);
	/* a conversation already open ends from the customer's side */
	if (err == EPROTO)
		err = acd_contact_end(d->acd, c->contact);
	return err;
}

/* May sender write in c now? */
static int may_write(const struct desk *d, const struct desk_contact *c,
                     const char *sender, uint32_t agent)
{
	enum acd_contact_state st = acd_contact_state(d->acd, c->contact);

	if (!strcmp(sender, "visitor"))
		return st == ACD_CONTACT_WAITING || st == ACD_CONTACT_OFFERED ||
		               st == ACD_CONTACT_CONNECTED
		           ? 0
		           : EPERM;
	if (!strcmp(sender, "agent"))
		return agent != ACD_NONE && c->agent == agent &&
		               st == ACD_CONTACT_CONNECTED
		           ? 0
		           : EPERM;
	return EINVAL;
}

int desk_message(struct desk *d, uint64_t key, const char *sender,
                 uint32_t agent, const char *client_id, const char *body,
                 uint64_t *seqp, bool *dupp)
{
	struct desk_contact *c = (struct desk_contact *)desk_find(d, key);
	struct store_message m = {.contact = key,
	                          .sender = sender,
	                          .client_id = client_id,
	                          .body = body};
	int err;

	/* a chat's messages, or an e-mail's follow-ups and answers */
	if (!c || (c->channel != ACD_CH_CHAT && c->channel != ACD_CH_EMAIL))
		return ENOENT;
	if (!sender || !client_id || !*client_id || !body)
		return EINVAL;
	if ((err = may_write(d, c, sender, agent)))
		return err;
	if (!d->store)
		return ENOSYS;
	*dupp = false;
	/* what is buffered first: a resend is found among the committed */
	if (store_flush(d->store))
		return EIO;
	err = store_message_find(d->store, key, sender, client_id, seqp);
	if (!err) {
		*dupp = true;
		return 0;
	}
	if (err != ENOENT)
		return EIO;
	if (!c->last_seq && store_message_last(d->store, key, &c->last_seq))
		return EIO;
	m.seq = c->last_seq + 1;
	m.agent = agent != ACD_NONE ? acd_agent_name(d->acd, agent) : NULL;
	err = store_message_add(d->store, &m);
	if (err)
		return err == ENOSPC ? ENOSPC : EIO;
	/* buffered: its seq is taken even if this flush fails, so that the
	 * retry that finds it written never meets a second one */
	c->last_seq = m.seq;
	if (store_flush(d->store))
		return EIO;
	*seqp = m.seq;
	return 0;
}

void desk_stats(const struct desk *d, struct desk_stats *st)
{
	*st = d->st;
	st->live = d->by_contact.n;
}
