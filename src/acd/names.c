/*
 * names.c - the engine's vocabulary as text, for configuration, logs and
 * events. Names are the ones operators write in YAML.
 */
#include <string.h>

#include <centralino/acd.h>

static const char *const channel_names[ACD_CH_COUNT] = {
    "voice", "chat", "email", "callback", "voicemail", "app",
};

static const char *const strategy_names[ACD_STRAT_COUNT] = {
    "longest-idle", "fewest-contacts", "least-talk-time", "round-robin",
    "linear",       "random",          "best-skill",      "ring-all",
};

static const char *const agent_state_names[ACD_AGENT_STATE_COUNT] = {
    "offline", "ready", "reserved", "busy", "wrap-up", "not-ready",
};

static const char *const event_names[ACD_EV_COUNT] = {
    "contact-queued",      "contact-offered",   "offer-accepted",
    "offer-rejected",      "offer-timeout",     "offer-withdrawn",
    "contact-connected",   "contact-held",      "contact-resumed",
    "contact-transferred", "contact-wrapup",    "contact-completed",
    "contact-abandoned",   "contact-escalated", "contact-fallback",
    "callback-scheduled",  "agent-state",
};

static const char *const action_names[] = {
    "none", "callback", "voicemail", "message", "forward", "hangup",
};

static const char *const cause_names[ACD_FALLBACK_CAUSE_COUNT] = {
    "queue-full",
    "max-wait",
    "nobody-logged-in",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, int v)
{
	return (v >= 0 && (size_t)v < n) ? names[v] : "?";
}

static int parse(const char *const *names, size_t n, const char *s)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], s))
			return (int)i;
	}
	return -1;
}

const char *acd_channel_name(enum acd_channel ch)
{
	return name_of(channel_names, COUNT(channel_names), ch);
}

const char *acd_strategy_name(enum acd_strategy s)
{
	return name_of(strategy_names, COUNT(strategy_names), s);
}

const char *acd_agent_state_name(enum acd_agent_state s)
{
	return name_of(agent_state_names, COUNT(agent_state_names), s);
}

const char *acd_event_name(enum acd_event_type t)
{
	return name_of(event_names, COUNT(event_names), t);
}

const char *acd_fallback_action_name(enum acd_fallback_action a)
{
	return name_of(action_names, COUNT(action_names), a);
}

const char *acd_fallback_cause_name(enum acd_fallback_cause c)
{
	return name_of(cause_names, COUNT(cause_names), c);
}

int acd_channel_parse(const char *s)
{
	return parse(channel_names, COUNT(channel_names), s);
}

int acd_strategy_parse(const char *s)
{
	return parse(strategy_names, COUNT(strategy_names), s);
}

int acd_fallback_action_parse(const char *s)
{
	return parse(action_names, COUNT(action_names), s);
}
