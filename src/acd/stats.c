/*
 * stats.c - live figures of a queue, and the estimated wait of a contact.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "acd_int.h"

/* Weight of history in the smoothed figures: about the last 500 contacts
 * for abandonment, the last 50 for handle time. */
#define ABANDON_DECAY 0.998
#define AHT_ALPHA     0.02

static void exposure_add(struct queue *q, acd_time_t wait, bool abandoned)
{
	q->exposure = q->exposure * ABANDON_DECAY + (double)wait;
	q->abandons = q->abandons * ABANDON_DECAY + (abandoned ? 1.0 : 0.0);
}

void stats_answered(struct queue *q, acd_time_t wait)
{
	q->st.answered++;
	q->st.wait_answered += wait;
	if (wait <= q->p.sl_threshold)
		q->st.answered_in_sl++;
	exposure_add(q, wait, false);
}

void stats_abandoned(struct queue *q, enum acd_channel ch, acd_time_t wait)
{
	(void)ch;
	exposure_add(q, wait, true);
	if (wait < q->p.short_abandon) {
		q->st.abandoned_short++;
		return;
	}
	q->st.abandoned++;
	if (wait <= q->p.sl_threshold)
		q->st.abandoned_in_sl++;
}

void stats_completed(struct queue *q, enum acd_class cls, acd_time_t handle)
{
	q->st.completed++;
	q->st.handle_time += handle;
	if (q->aht[cls] == 0)
		q->aht[cls] = (double)handle;
	else
		q->aht[cls] += AHT_ALPHA * ((double)handle - q->aht[cls]);
	if (q->aht[cls] < 1)
		q->aht[cls] = 1;
}

int acd_queue_stats(const struct acd *acd, uint32_t queue,
                    struct acd_queue_stats *st)
{
	const struct queue *q = queue_get(acd, queue);
	uint64_t closed;

	if (!q || !st)
		return ENOENT;
	*st = q->st;
	st->waiting = q->in_queue;
	st->oldest_wait = q->first ? acd_now(acd) - q->first->entered : 0;
	memcpy(st->agents, q->agents, sizeof(st->agents));
	closed = st->answered + st->abandoned;
	st->service_level = closed ? (double)st->answered_in_sl / closed : 1.0;
	st->abandon_rate = closed ? (double)st->abandoned / closed : 0.0;
	st->asa_ms =
	    st->answered ? (double)st->wait_answered / st->answered : 0.0;
	st->aht_ms = q->aht[CLASS_VOICE];
	for (int i = 0; i < CLASS_COUNT && st->aht_ms == 0; i++)
		st->aht_ms = q->aht[i];
	return 0;
}

int acd_queue_stats_reset(struct acd *acd, uint32_t queue)
{
	struct queue *q = queue_get(acd, queue);

	if (!q)
		return ENOENT;
	memset(&q->st, 0, sizeof(q->st));
	return 0;
}

static double digamma(double x)
{
	double r = 0, f;

	while (x < 6) {
		r -= 1 / x;
		x += 1;
	}
	f = 1 / (x * x);
	return r + log(x) - 0.5 / x -
	       f * (1.0 / 12 -
	            f * (1.0 / 120 -
	                 f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

/*
 * Time for k contacts ahead and then this one to reach an agent, when the
 * agents finish work at rate mu in all and each contact ahead abandons at
 * rate theta: stage j (j contacts left ahead) lasts 1/(mu + j*theta).
 * This is the queue-length estimator of Whitt ("Predicting queueing
 * delays", 1999) with abandonment; with theta = 0 it is (k+1)/mu.
 */
static double wait_stages(double mu, double theta, size_t k)
{
	double sum = 0;

	if (theta <= 0 || theta * (double)k < 1e-6 * mu)
		return (double)(k + 1) / mu;
	if (k < 64) {
		for (size_t j = 0; j <= k; j++)
			sum += 1 / (mu + (double)j * theta);
		return sum;
	}
	return (digamma(mu / theta + (double)k + 1) - digamma(mu / theta)) /
	       theta;
}

/* Contacts ahead: those before it in every pool its agents serve. */
static size_t contacts_ahead(const struct contact *c)
{
	const struct queue *q = c->queue;
	size_t k = 0;

	for (size_t i = 0; i < q->npools; i++) {
		const struct pool *p = q->pools[i];

		if (p->sig.cls == c->sig.cls)
			k += ost_rank(&p->contacts, c->on.key);
	}
	return k;
}

int acd_contact_ewt(const struct acd *acd, uint64_t contact, acd_time_t *ewtp,
                    unsigned *positionp)
{
	const struct contact *c = contact_get(acd, contact);
	const struct queue *q;
	double aht, mu, theta;
	size_t k;

	if (!c)
		return ENOENT;
	if (c->state != ACD_CONTACT_WAITING)
		return EPROTO;
	q = c->queue;
	k = contacts_ahead(c);
	if (positionp)
		*positionp = (unsigned)k;
	aht = q->aht[c->sig.cls];
	if (aht <= 0 || c->pool->staffed == 0) {
		*ewtp = -1; /* nobody serving, or no history yet */
		return 0;
	}
	mu = c->pool->staffed / aht;
	theta = q->exposure > 0 ? q->abandons / q->exposure : 0;
	if (c->channel == ACD_CH_CALLBACK)
		theta = 0; /* callbacks do not hang up */
	*ewtp = (acd_time_t)llround(wait_stages(mu, theta, k));
	return 0;
}
