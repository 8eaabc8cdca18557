/*
 * acd_fixture.h - a test bench for the routing engine: a clock the test
 * moves, every event recorded, and short ways to build queues and agents.
 */
#ifndef TEST_ACD_FIXTURE_H
#define TEST_ACD_FIXTURE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <centralino/acd.h>

#define FX_MAX_EVENTS 65536

struct fx {
	struct acd *acd;
	acd_time_t now;
	struct acd_event *ev;
	size_t nev;
	uint32_t tenant;
	int accept_offers; /* answer every offer at once */
};

static inline acd_time_t fx_clock(void *arg)
{
	return ((struct fx *)arg)->now;
}

static inline void fx_on_event(const struct acd_event *ev, void *arg)
{
	struct fx *f = arg;

	if (f->nev < FX_MAX_EVENTS)
		f->ev[f->nev++] = *ev;
	if (f->accept_offers && ev->type == ACD_EV_CONTACT_OFFERED)
		acd_offer_accept(f->acd, ev->contact, ev->agent);
}

static inline void fx_check(struct fx *f)
{
	char why[256] = "";

	if (acd_check(f->acd, why, sizeof(why)))
		fail_msg("engine invariant broken: %s", why);
}

static inline struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ev = calloc(FX_MAX_EVENTS, sizeof(*f->ev));
	f->now = 1000000;
	assert_int_equal(acd_alloc(&f->acd, fx_clock, fx_on_event, f, 42), 0);
	assert_int_equal(acd_tenant_add(f->acd, "t1", &f->tenant), 0);
	return f;
}

static inline void fx_free(struct fx *f)
{
	fx_check(f);
	acd_free(f->acd);
	free(f->ev);
	free(f);
}

/* Move the clock forward by ms, firing timers in order on the way. */
static inline void fx_advance(struct fx *f, acd_time_t ms)
{
	acd_time_t end = f->now + ms, d;

	while ((d = acd_next_deadline(f->acd)) >= 0 && d <= end) {
		if (d > f->now)
			f->now = d;
		acd_timers_run(f->acd);
		fx_check(f);
	}
	f->now = end;
}

static inline struct acd_queue_params
fx_queue_params(struct fx *f, const char *name, enum acd_strategy s)
{
	struct acd_queue_params p = {
	    .tenant = f->tenant,
	    .name = name,
	    .strategy = s,
	    .offer_timeout = 15000,
	    .sl_threshold = 20000,
	};
	return p;
}

static inline uint32_t fx_queue(struct fx *f, const char *name,
                                enum acd_strategy s)
{
	struct acd_queue_params p = fx_queue_params(f, name, s);
	uint32_t id;

	assert_int_equal(acd_queue_add(f->acd, &p, &id), 0);
	return id;
}

static inline uint32_t fx_skill(struct fx *f, const char *name)
{
	uint32_t id = acd_skill_find(f->acd, name);

	if (id == ACD_NONE)
		assert_int_equal(acd_skill_add(f->acd, name, &id), 0);
	return id;
}

/* An agent, member of queue q (ACD_NONE: none), optionally ready. */
static inline uint32_t fx_agent(struct fx *f, const char *name, uint32_t q,
                                int ready)
{
	struct acd_agent_params p = {.tenant = f->tenant, .name = name};
	uint32_t id;

	assert_int_equal(acd_agent_add(f->acd, &p, &id), 0);
	if (q != ACD_NONE)
		assert_int_equal(acd_member_add(f->acd, id, q, 0), 0);
	if (ready)
		assert_int_equal(
		    acd_agent_presence(f->acd, id, ACD_PRESENCE_READY, NULL),
		    0);
	fx_check(f);
	return id;
}

static inline void fx_ready(struct fx *f, uint32_t agent)
{
	assert_int_equal(
	    acd_agent_presence(f->acd, agent, ACD_PRESENCE_READY, NULL), 0);
	fx_check(f);
}

static inline uint64_t fx_contact_p(struct fx *f, struct acd_contact_params *p)
{
	uint64_t id;

	assert_int_equal(acd_contact_add(f->acd, p, &id), 0);
	fx_check(f);
	return id;
}

static inline uint64_t fx_contact(struct fx *f, uint32_t q, int priority)
{
	struct acd_contact_params p = {
	    .channel = ACD_CH_VOICE, .queue = q, .priority = priority};

	return fx_contact_p(f, &p);
}

/* The agent of the contact's latest offer, still out or accepted;
 * ACD_NONE when it was withdrawn, missed or never made. */
static inline uint32_t fx_offered_to(const struct fx *f, uint64_t contact)
{
	for (size_t i = f->nev; i-- > 0;) {
		const struct acd_event *ev = &f->ev[i];

		if (ev->contact != contact)
			continue;
		if (ev->type == ACD_EV_CONTACT_OFFERED)
			return ev->agent;
		if (ev->type != ACD_EV_OFFER_WITHDRAWN &&
		    ev->type != ACD_EV_OFFER_ACCEPTED)
			return ACD_NONE;
	}
	return ACD_NONE;
}

static inline size_t fx_count(const struct fx *f, enum acd_event_type t,
                              uint64_t contact)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nev; i++)
		n += f->ev[i].type == t &&
		     (!contact || f->ev[i].contact == contact);
	return n;
}

/* The latest event of type T about CONTACT (of any contact when 0). */
static inline const struct acd_event *
fx_last_of(const struct fx *f, enum acd_event_type t, uint64_t contact)
{
	for (size_t i = f->nev; i-- > 0;) {
		if (f->ev[i].type == t &&
		    (!contact || f->ev[i].contact == contact))
			return &f->ev[i];
	}
	return NULL;
}

static inline const struct acd_event *fx_last(const struct fx *f,
                                              enum acd_event_type t)
{
	return fx_last_of(f, t, 0);
}

static inline void fx_accept(struct fx *f, uint64_t c, uint32_t a)
{
	assert_int_equal(acd_offer_accept(f->acd, c, a), 0);
	fx_check(f);
}

static inline void fx_end(struct fx *f, uint64_t c)
{
	assert_int_equal(acd_contact_end(f->acd, c), 0);
	fx_check(f);
}

#endif
