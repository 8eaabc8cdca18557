/*
 * announce.c - the sentence that tells a waiting caller their place and
 * the estimated wait, in their language.
 *
 * Whole sentences per language rather than pieces glued together: word
 * order, gender and plural differ, and a native speaker must find them
 * natural. The place is said of the call ("your call is in position 3"
 * in Spanish) where the person's gender would otherwise show.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "media/media.h"

struct phrases {
	const char *lang;
	const char *next;    /* position 0 */
	const char *place;   /* %u: the caller's place, from 2 */
	const char *wait;    /* %s: one of the amounts below */
	const char *under;   /* the whole wait sentence, under a minute */
	const char *minute;  /* about one minute */
	const char *minutes; /* %ld */
	const char *hour;    /* about an hour */
	const char *hour_half;
	const char *hours; /* %ld */
};

static const struct phrases table[] = {
    {"it", "La sua chiamata sarà la prossima a ricevere risposta.",
     "Lei è il numero %u in coda.", "Il tempo di attesa stimato è di %s.",
     "Il tempo di attesa stimato è inferiore a un minuto.", "circa un minuto",
     "circa %ld minuti", "circa un'ora", "circa un'ora e mezza",
     "circa %ld ore"},
    {"es", "Su llamada será la próxima en ser atendida.",
     "Su llamada está en la posición %u de la cola.",
     "El tiempo de espera estimado es de %s.",
     "El tiempo de espera estimado es de menos de un minuto.",
     "aproximadamente un minuto", "aproximadamente %ld minutos",
     "aproximadamente una hora", "aproximadamente una hora y media",
     "aproximadamente %ld horas"},
    {"en", "Your call will be answered next.",
     "You are number %u in the queue.", "The estimated waiting time is %s.",
     "The estimated waiting time is less than a minute.", "about one minute",
     "about %ld minutes", "about an hour", "about an hour and a half",
     "about %ld hours"},
};

/* "it", "IT", "it-IT", "it_CH" all find Italian. */
static const struct phrases *find(const char *lang)
{
	if (!lang || !isalpha((unsigned char)lang[0]) ||
	    !isalpha((unsigned char)lang[1]) ||
	    (lang[2] && lang[2] != '-' && lang[2] != '_'))
		return NULL;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (tolower((unsigned char)lang[0]) == table[i].lang[0] &&
		    tolower((unsigned char)lang[1]) == table[i].lang[1])
			return &table[i];
	}
	return NULL;
}

/* The amount of a wait of at least a minute, rounded for the ear. */
static void amount(char *buf, size_t size, const struct phrases *ph, long s)
{
	long m = (s + 30) / 60;

	if (s < 50 * 60) {
		if (m > 10)
			m = (m + 2) / 5 * 5; /* 12 -> 10, 13 -> 15 */
		if (m <= 1)
			snprintf(buf, size, "%s", ph->minute);
		else
			snprintf(buf, size, ph->minutes, m);
	} else if (s < 75 * 60) {
		snprintf(buf, size, "%s", ph->hour);
	} else if (s < 105 * 60) {
		snprintf(buf, size, "%s", ph->hour_half);
	} else {
		snprintf(buf, size, ph->hours, (s + 1800) / 3600);
	}
}

int media_announce_text(char *buf, size_t size, const char *lang,
                        unsigned position, long ewt_seconds)
{
	const struct phrases *ph = find(lang);
	char place[128], wait[160], how_long[64];
	int n;

	if (!buf || !size || !ph)
		return EINVAL;
	if (position == 0)
		snprintf(place, sizeof(place), "%s", ph->next);
	else
		snprintf(place, sizeof(place), ph->place, position + 1);
	wait[0] = '\0';
	if (ewt_seconds >= 0 && ewt_seconds < 60) {
		snprintf(wait, sizeof(wait), " %s", ph->under);
	} else if (ewt_seconds >= 60) {
		amount(how_long, sizeof(how_long), ph, ewt_seconds);
		snprintf(wait, sizeof(wait), " ");
		snprintf(wait + 1, sizeof(wait) - 1, ph->wait, how_long);
	}
	n = snprintf(buf, size, "%s%s", place, wait);
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return ERANGE;
	}
	return 0;
}
