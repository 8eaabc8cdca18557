/*
 * figures.c - the figures derived from a report row (docs/reports.md).
 */
#include <math.h>

#include "report/report_int.h"

static double ratio(double num, double den)
{
	return den > 0 ? num / den : NAN;
}

double report_service_level(const struct report_queue_row *q)
{
	return ratio((double)q->answered_in_sl,
	             (double)q->offered - (double)q->abandoned_short);
}

double report_asa(const struct report_queue_row *q)
{
	return ratio((double)q->wait_answered_ms / 1000, (double)q->answered);
}

double report_aht(const struct report_queue_row *q)
{
	return ratio((double)(q->talk_ms + q->hold_ms + q->wrapup_ms) / 1000,
	             (double)q->handled);
}

double report_abandon_rate(const struct report_queue_row *q)
{
	return ratio((double)q->abandoned - (double)q->abandoned_short,
	             (double)q->offered - (double)q->abandoned_short);
}

int64_t report_logged_in(const struct report_agent_row *a)
{
	int64_t ms = 0;

	for (int i = 0; i < ACD_AGENT_STATE_COUNT; i++)
		ms += i == ACD_AGENT_OFFLINE ? 0 : a->state_ms[i];
	return ms;
}

double report_occupancy(const struct report_agent_row *a)
{
	const int64_t *t = a->state_ms;
	double occupied = (double)(t[ACD_AGENT_RESERVED] + t[ACD_AGENT_BUSY] +
	                           t[ACD_AGENT_WRAPUP]);

	return ratio(occupied, occupied + (double)t[ACD_AGENT_READY]);
}
