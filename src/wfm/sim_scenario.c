/*
 * sim_scenario.c - a scenario file: which configuration, which arrivals.
 *
 *     config: surge-config.yaml       # relative to this file
 *     simulation:
 *       start: "09:00"                # clock time of t = 0 (default 00:00)
 *       duration: 3h
 *       warmup: 200                   # arrivals left out
 *       threshold: 20s
 *       seed: 7                       # --seed wins
 *       agents_ready: all
 *       arrivals:
 *         - {queue: sales, rate: 120, aht: 240, patience: 180,
 *            skills: {language-it: 2},
 *            schedule: [{at: "10:00", factor: 3}]}
 *
 * libyaml's document API builds the tree; aliases are refused by a first
 * pass over the events, because the document API shares aliased nodes and
 * a walk could repeat them without bound. Every problem is reported with
 * its line and column, all at once, like the configuration's.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/config.h"
#include "sim_int.h"

#define SCENARIO_MAX (1u << 20) /* bytes of a scenario file */

struct sim_scenario_spec {
	char queue[CONFIG_NAME_MAX];
	char tenant[CONFIG_NAME_MAX]; /* "" when not given */
	char skills[ACD_MAX_REQS][CONFIG_NAME_MAX];
	unsigned line, column;
	struct sim_stream s; /* queue and skill ids resolved at setup */
};

struct sparse {
	yaml_document_t *doc;
	const char *file;
	struct config_errors *errs;
	struct sim_scenario *sc;
	char path[128]; /* field path of the node being read */
};

static void problem(struct sparse *ps, const yaml_node_t *n, const char *field,
                    const char *msg)
{
	config_errors_add(
	    ps->errs, ps->file, n ? (unsigned)n->start_mark.line + 1 : 0,
	    n ? (unsigned)n->start_mark.column + 1 : 0, field, "%s", msg);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE
	           ? (const char *)n->data.scalar.value
	           : NULL;
}

/* A number with an optional unit (ms, s, m, h; none: seconds). */
static bool seconds_parse(const char *s, double *x)
{
	static const struct {
		const char *unit;
		double factor;
	} units[] = {{"", 1}, {"ms", 1e-3}, {"s", 1}, {"m", 60}, {"h", 3600}};
	char *end;

	if (!s || !*s)
		return false;
	*x = strtod(s, &end);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			*x *= units[i].factor;
			return isfinite(*x) && *x >= 0;
		}
	}
	return false;
}

/* "HH:MM" or "HH:MM:SS" into seconds of the day. */
static bool clock_parse(const char *s, double *x)
{
	unsigned h, m, sec = 0;
	int used = 0;

	if (!s || (sscanf(s, "%2u:%2u%n", &h, &m, &used) != 2))
		return false;
	if (s[used] == ':' && sscanf(s + used, ":%2u%n", &sec, &used) == 1)
		s += used, used = 0;
	if (s[used] || h > 24 || m > 59 || sec > 59)
		return false;
	*x = h * 3600.0 + m * 60.0 + sec;
	return true;
}

static bool count_parse(const char *s, uint64_t *x)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno)
		return false;
	*x = v;
	return true;
}

/* Keys of a mapping must all be in allowed (NULL-terminated). */
static void keys_check(struct sparse *ps, const yaml_node_t *map,
                       const char *const *allowed, const char *where)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(ps->doc, p->key);
		const char *key = scalar(k);
		bool ok = false;
		char msg[160];

		for (size_t i = 0; key && allowed[i]; i++)
			ok |= !strcmp(key, allowed[i]);
		if (ok)
			continue;
		snprintf(msg, sizeof(msg), "unknown key '%.60s'",
		         key ? key : "?");
		problem(ps, k, where, msg);
	}
}

static yaml_node_t *map_get(const struct sparse *ps, const yaml_node_t *map,
                            const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(ps->doc, p->key));

		if (k && !strcmp(k, key))
			return yaml_document_get_node(ps->doc, p->value);
	}
	return NULL;
}

/* Read an optional duration field; false (after a message) when bad. */
static bool field_seconds(struct sparse *ps, const yaml_node_t *map,
                          const char *key, const char *where, double *x)
{
	const yaml_node_t *n = map_get(ps, map, key);
	char field[160], msg[128];

	if (!n)
		return true;
	if (seconds_parse(scalar(n), x))
		return true;
	snprintf(field, sizeof(field), "%.100s%.40s", where, key);
	snprintf(msg, sizeof(msg),
	         "'%.40s' is not a duration (20, 20s, 500ms, 10m, 1h)",
	         scalar(n) ? scalar(n) : "?");
	problem(ps, n, field, msg);
	return false;
}

static void schedule_parse(struct sparse *ps, const yaml_node_t *seq,
                           struct sim_stream *s, const char *where)
{
	char field[160];

	if (seq->type != YAML_SEQUENCE_NODE) {
		problem(ps, seq, where, "expected a list of {at, factor}");
		return;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		static const char *const keys[] = {"at", "factor", NULL};
		const yaml_node_t *n = yaml_document_get_node(ps->doc, *it);
		unsigned i = (unsigned)(it - seq->data.sequence.items.start);
		const yaml_node_t *at = map_get(ps, n, "at");
		const yaml_node_t *f = map_get(ps, n, "factor");
		struct sim_rate_change ch;
		char *end = NULL;

		snprintf(field, sizeof(field), "%.120s[%u]", where, i);
		if (i >= SIM_MAX_CHANGES || !at || !f) {
			problem(ps, n, field,
			        i >= SIM_MAX_CHANGES
			            ? "too many rate changes (32 at most)"
			            : "needs 'at' and 'factor'");
			continue;
		}
		keys_check(ps, n, keys, field);
		if (clock_parse(scalar(at), &ch.at))
			ch.at -= ps->sc->start;
		else if (!seconds_parse(scalar(at), &ch.at))
			ch.at = -1;
		if (ch.at < 0 ||
		    (s->nchanges && ch.at < s->changes[s->nchanges - 1].at))
			problem(
			    ps, at, field,
			    "'at' must be HH:MM (not before start) or seconds,"
			    " in increasing order");
		ch.factor = scalar(f) ? strtod(scalar(f), &end) : NAN;
		if (!end || *end || !isfinite(ch.factor) || ch.factor < 0)
			problem(ps, f, field, "'factor' must be a number >= 0");
		s->changes[s->nchanges++] = ch;
	}
}

static void skills_parse(struct sparse *ps, const yaml_node_t *map,
                         struct sim_scenario_spec *sp, const char *where)
{
	if (map->type != YAML_MAPPING_NODE) {
		problem(ps, map, where, "expected {skill: min_proficiency}");
		return;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(ps->doc, p->key);
		const yaml_node_t *v =
		    yaml_document_get_node(ps->doc, p->value);
		const char *name = scalar(k), *min = scalar(v);

		if (!name || strlen(name) >= CONFIG_NAME_MAX ||
		    sp->s.nreqs >= ACD_MAX_REQS) {
			problem(ps, k, where, "bad skill name, or more than 8");
			continue;
		}
		if (!min || strlen(min) != 1 || *min < '1' || *min > '5') {
			problem(ps, v, where, "min proficiency must be 1..5");
			continue;
		}
		strcpy(sp->skills[sp->s.nreqs], name);
		sp->s.reqs[sp->s.nreqs++].min_proficiency =
		    (uint8_t)(*min - '0');
	}
}

static bool name_copy(struct sparse *ps, const yaml_node_t *n, char *dst,
                      const char *field)
{
	const char *s = scalar(n);

	if (s && *s && strlen(s) < CONFIG_NAME_MAX) {
		strcpy(dst, s);
		return true;
	}
	problem(ps, n, field, "expected a name");
	return false;
}

/* Rate per hour, handle time, patience, channel, priority. */
static void stream_figures(struct sparse *ps, const yaml_node_t *n,
                           struct sim_scenario_spec *sp, const char *where)
{
	const yaml_node_t *rate = map_get(ps, n, "rate");
	const yaml_node_t *ch = map_get(ps, n, "channel");
	const yaml_node_t *prio = map_get(ps, n, "priority");
	char *end = NULL;
	char field[160];

	snprintf(field, sizeof(field), "%s.rate", where);
	sp->s.rate = scalar(rate) ? strtod(scalar(rate), &end) / 3600 : NAN;
	if (!end || *end || !isfinite(sp->s.rate) || sp->s.rate < 0)
		problem(ps, rate ? rate : n, field,
		        "'rate' (arrivals per hour, >= 0) is required");
	snprintf(field, sizeof(field), "%.120s.", where);
	sp->s.aht = NAN;
	if (field_seconds(ps, n, "aht", field, &sp->s.aht) && !(sp->s.aht > 0))
		problem(ps, n, field, "'aht' (seconds, > 0) is required");
	field_seconds(ps, n, "patience", field, &sp->s.patience);
	if (ch && (!scalar(ch) || acd_channel_parse(scalar(ch)) < 0))
		problem(ps, ch, field, "unknown channel");
	else if (ch)
		sp->s.channel = (enum acd_channel)acd_channel_parse(scalar(ch));
	end = NULL;
	if (prio)
		sp->s.priority =
		    (int)strtol(scalar(prio) ? scalar(prio) : "x", &end, 10);
	if (prio && (!end || *end))
		problem(ps, prio, field, "'priority' must be an integer");
}

static void stream_parse(struct sparse *ps, const yaml_node_t *n,
                         struct sim_scenario_spec *sp, const char *where)
{
	static const char *const keys[] = {
	    "queue",    "tenant", "channel",  "rate",     "aht",
	    "patience", "skills", "priority", "schedule", NULL};
	const yaml_node_t *x;
	char field[160];

	sp->line = (unsigned)n->start_mark.line + 1;
	sp->column = (unsigned)n->start_mark.column + 1;
	if (n->type != YAML_MAPPING_NODE) {
		problem(ps, n, where, "expected a mapping (queue, rate, aht)");
		return;
	}
	keys_check(ps, n, keys, where);
	snprintf(field, sizeof(field), "%s.queue", where);
	name_copy(ps, (x = map_get(ps, n, "queue")) ? x : n, sp->queue, field);
	snprintf(field, sizeof(field), "%s.tenant", where);
	if ((x = map_get(ps, n, "tenant")))
		name_copy(ps, x, sp->tenant, field);
	stream_figures(ps, n, sp, where);
	snprintf(field, sizeof(field), "%s.skills", where);
	if ((x = map_get(ps, n, "skills")))
		skills_parse(ps, x, sp, field);
	snprintf(field, sizeof(field), "%s.schedule", where);
	if ((x = map_get(ps, n, "schedule")))
		schedule_parse(ps, x, &sp->s, field);
}

static void arrivals_parse(struct sparse *ps, const yaml_node_t *seq)
{
	struct sim_scenario *sc = ps->sc;
	size_t n;

	if (!seq || seq->type != YAML_SEQUENCE_NODE ||
	    seq->data.sequence.items.top == seq->data.sequence.items.start) {
		problem(ps, seq, "simulation.arrivals",
		        "a list of arrival streams is required");
		return;
	}
	n = (size_t)(seq->data.sequence.items.top -
	             seq->data.sequence.items.start);
	sc->specs = calloc(n, sizeof(*sc->specs));
	if (!sc->specs) {
		problem(ps, seq, "simulation.arrivals", "out of memory");
		return;
	}
	sc->nspecs = n;
	for (size_t i = 0; i < n; i++) {
		char where[64];

		snprintf(where, sizeof(where), "simulation.arrivals[%zu]", i);
		stream_parse(ps,
		             yaml_document_get_node(
		                 ps->doc, seq->data.sequence.items.start[i]),
		             &sc->specs[i], where);
	}
}

static void simulation_parse(struct sparse *ps, const yaml_node_t *n)
{
	static const char *const keys[] = {
	    "start", "duration", "warmup",       "threshold",
	    "seed",  "arrivals", "agents_ready", NULL};
	struct sim_scenario *sc = ps->sc;
	const yaml_node_t *x;

	if (!n || n->type != YAML_MAPPING_NODE) {
		problem(ps, n, "simulation",
		        "a 'simulation:' mapping is "
		        "required");
		return;
	}
	keys_check(ps, n, keys, "simulation");
	if ((x = map_get(ps, n, "start")) &&
	    !clock_parse(scalar(x), &sc->start))
		problem(ps, x, "simulation.start", "expected HH:MM[:SS]");
	sc->duration = 0;
	if (field_seconds(ps, n, "duration", "simulation.", &sc->duration) &&
	    !(sc->duration > 0))
		problem(ps, n, "simulation.duration",
		        "a duration > 0 is required (e.g. 3h)");
	sc->threshold = 20;
	field_seconds(ps, n, "threshold", "simulation.", &sc->threshold);
	if ((x = map_get(ps, n, "warmup")) &&
	    !count_parse(scalar(x), &sc->warmup))
		problem(ps, x, "simulation.warmup",
		        "expected a number of arrivals");
	if ((x = map_get(ps, n, "seed"))) {
		sc->has_seed = count_parse(scalar(x), &sc->seed);
		if (!sc->has_seed)
			problem(ps, x, "simulation.seed",
			        "expected a whole number");
	}
	x = map_get(ps, n, "agents_ready");
	if (x && (!scalar(x) || strcmp(scalar(x), "all")))
		problem(ps, x, "simulation.agents_ready",
		        "only 'all' is supported");
	arrivals_parse(ps, map_get(ps, n, "arrivals"));
}

/* The configuration's path: relative to the scenario's directory. */
static int config_path(struct sparse *ps, const yaml_node_t *n, char *buf,
                       size_t len)
{
	const char *rel = scalar(n), *slash = strrchr(ps->file, '/');
	int w;

	if (!rel || !*rel) {
		problem(ps, n, "config",
		        "'config:' (path of a configuration file) is "
		        "required");
		return EINVAL;
	}
	if (rel[0] == '/' || !slash)
		w = snprintf(buf, len, "%s", rel);
	else
		w = snprintf(buf, len, "%.*s/%s", (int)(slash - ps->file),
		             ps->file, rel);
	if (w < 0 || (size_t)w >= len) {
		problem(ps, n, "config", "path too long");
		return EINVAL;
	}
	return 0;
}

/* A pass over the events: refuse aliases before building the tree. */
static int aliases_refuse(const unsigned char *buf, size_t len,
                          struct sparse *ps)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return ENOMEM;
	yaml_parser_set_input_string(&parser, buf, len);
	while (!err) {
		if (!yaml_parser_parse(&parser, &ev)) {
			config_errors_add(
			    ps->errs, ps->file,
			    (unsigned)parser.problem_mark.line + 1,
			    (unsigned)parser.problem_mark.column + 1, "", "%s",
			    parser.problem ? parser.problem : "bad YAML");
			err = EINVAL;
			break;
		}
		if (ev.type == YAML_ALIAS_EVENT) {
			config_errors_add(ps->errs, ps->file,
			                  (unsigned)ev.start_mark.line + 1,
			                  (unsigned)ev.start_mark.column + 1,
			                  "", "aliases are not allowed");
			err = EINVAL;
		}
		if (ev.type == YAML_STREAM_END_EVENT)
			err = -1;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return err < 0 ? 0 : err;
}

static int file_read(const char *path, char **bufp, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int err = 0;

	if (!f)
		return errno == ENOENT || errno == EACCES ? errno : EIO;
	do {
		if (len == cap) {
			char *nb;

			if (cap >= SCENARIO_MAX) {
				err = EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				err = ENOMEM;
				break;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (!err && ferror(f))
		err = EIO;
	fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

static size_t errors_count(const struct config_errors *e)
{
	return e->n + e->dropped;
}

/* The scenario's own YAML, then the configuration it names. */
static int scenario_parse(struct sparse *ps, const char *buf, size_t len)
{
	static const char *const keys[] = {"config", "simulation", NULL};
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	char path[512];
	int err;

	if (!yaml_parser_initialize(&parser))
		return ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		config_errors_add(
		    ps->errs, ps->file, (unsigned)parser.problem_mark.line + 1,
		    (unsigned)parser.problem_mark.column + 1, "", "%s",
		    parser.problem ? parser.problem : "bad YAML");
		yaml_parser_delete(&parser);
		return EINVAL;
	}
	ps->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		problem(ps, root, "",
		        "expected a mapping with 'config' and "
		        "'simulation'");
		err = EINVAL;
		goto out;
	}
	keys_check(ps, root, keys, "");
	simulation_parse(ps, map_get(ps, root, "simulation"));
	err = config_path(
	    ps,
	    map_get(ps, root, "config") ? map_get(ps, root, "config") : root,
	    path, sizeof(path));
	if (!err)
		err = config_load(path, &ps->sc->config, ps->errs);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return err;
}

int sim_scenario_load(const char *path, struct sim_scenario **scp,
                      struct config_errors *errs)
{
	struct sim_scenario *sc = calloc(1, sizeof(*sc));
	struct sparse ps = {.errs = errs, .sc = sc};
	size_t before = errors_count(errs), len = 0;
	char *buf = NULL;
	int err;

	if (!sc)
		return ENOMEM;
	snprintf(sc->file, sizeof(sc->file), "%s", path);
	ps.file = sc->file;
	err = file_read(path, &buf, &len);
	if (err) {
		config_errors_add(errs, path, 0, 0, "", "cannot read: %s",
		                  strerror(err));
		goto out;
	}
	err = aliases_refuse((const unsigned char *)buf, len, &ps);
	if (!err)
		err = scenario_parse(&ps, buf, len);
	if (!err && errors_count(errs) != before)
		err = EINVAL;
out:
	free(buf);
	if (err) {
		sim_scenario_free(sc);
		return err;
	}
	*scp = sc;
	return 0;
}

void sim_scenario_free(struct sim_scenario *sc)
{
	if (!sc)
		return;
	config_free(sc->config);
	free(sc->specs);
	free(sc->streams);
	free(sc);
}

/* The queue named by a spec: in its tenant, or the only one so named. */
static uint32_t queue_resolve(const struct sim_scenario *sc, struct acd *acd,
                              const struct sim_scenario_spec *sp,
                              const char **why)
{
	uint32_t found = ACD_NONE;

	*why = "unknown queue";
	for (size_t i = 0; i < sc->config->ntenants; i++) {
		const char *tname = sc->config->tenants[i].name;
		uint32_t t = acd_tenant_find(acd, tname), q;

		if (t == ACD_NONE ||
		    (sp->tenant[0] && strcmp(sp->tenant, tname)))
			continue;
		q = acd_queue_find(acd, t, sp->queue);
		if (q == ACD_NONE)
			continue;
		if (found != ACD_NONE) {
			*why = "queue name in several tenants: give 'tenant'";
			return ACD_NONE;
		}
		found = q;
	}
	return found;
}

static void spec_resolve(const struct sim_scenario *sc, struct acd *acd,
                         size_t i, struct config_errors *errs)
{
	const struct sim_scenario_spec *sp = &sc->specs[i];
	struct sim_stream *s = &sc->streams[i];
	const char *why;
	char field[64];

	*s = sp->s;
	s->queue = queue_resolve(sc, acd, sp, &why);
	snprintf(field, sizeof(field), "simulation.arrivals[%zu]", i);
	if (s->queue == ACD_NONE)
		config_errors_add(errs, sc->file, sp->line, sp->column, field,
		                  "%s '%s'", why, sp->queue);
	for (unsigned k = 0; k < s->nreqs; k++) {
		s->reqs[k].skill = acd_skill_find(acd, sp->skills[k]);
		if (s->reqs[k].skill == ACD_NONE)
			config_errors_add(errs, sc->file, sp->line, sp->column,
			                  field, "unknown skill '%s'",
			                  sp->skills[k]);
	}
}

int sim_scenario_setup(struct sim_scenario *sc, struct sim *sim,
                       struct sim_params *p, struct config_errors *errs)
{
	struct acd *acd = sim_acd(sim);
	size_t before = errors_count(errs);
	struct acd_totals t;

	if (config_apply(sc->config, acd, errs))
		return EINVAL;
	acd_totals(acd, &t);
	for (uint32_t a = 0; a < t.agents; a++)
		acd_agent_presence(acd, a, ACD_PRESENCE_READY, NULL);
	free(sc->streams);
	sc->streams = calloc(sc->nspecs, sizeof(*sc->streams));
	if (!sc->streams)
		return ENOMEM;
	for (size_t i = 0; i < sc->nspecs; i++)
		spec_resolve(sc, acd, i, errs);
	if (errors_count(errs) != before)
		return EINVAL;
	p->streams = sc->streams;
	p->nstreams = sc->nspecs;
	p->duration = sc->duration;
	p->warmup = sc->warmup;
	p->threshold = sc->threshold;
	return 0;
}
