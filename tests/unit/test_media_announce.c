/*
 * test_media_announce.c - position and wait sentences in it, es, en:
 * plurals, rounding, position 0, no wait, errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include "media/media.h"

struct vector {
	const char *lang;
	unsigned position;
	long ewt;
	const char *text;
};

static const struct vector vectors[] = {
    {"it", 2, 240,
     "Lei è il numero 3 in coda. Il tempo di attesa stimato "
     "è di circa 4 minuti."},
    {"it", 0, -1, "La sua chiamata sarà la prossima a ricevere risposta."},
    {"it", 1, 20,
     "Lei è il numero 2 in coda. Il tempo di attesa stimato "
     "è inferiore a un minuto."},
    {"it", 4, 80,
     "Lei è il numero 5 in coda. Il tempo di attesa stimato "
     "è di circa un minuto."},
    {"it", 9, 150,
     "Lei è il numero 10 in coda. Il tempo di attesa "
     "stimato è di circa 3 minuti."},
    {"it", 30, 13 * 60,
     "Lei è il numero 31 in coda. Il tempo di attesa "
     "stimato è di circa 15 minuti."},
    {"it", 50, 3600,
     "Lei è il numero 51 in coda. Il tempo di attesa "
     "stimato è di circa un'ora."},
    {"it", 50, 90 * 60,
     "Lei è il numero 51 in coda. Il tempo di attesa "
     "stimato è di circa un'ora e mezza."},
    {"IT-it", 0, 3 * 3600,
     "La sua chiamata sarà la prossima a ricevere "
     "risposta. Il tempo di attesa stimato è di "
     "circa 3 ore."},
    {"es", 2, 240,
     "Su llamada está en la posición 3 de la cola. El "
     "tiempo de espera estimado es de aproximadamente 4 "
     "minutos."},
    {"es", 0, 30,
     "Su llamada será la próxima en ser atendida. El tiempo "
     "de espera estimado es de menos de un minuto."},
    {"es", 1, 60,
     "Su llamada está en la posición 2 de la cola. El "
     "tiempo de espera estimado es de aproximadamente un "
     "minuto."},
    {"es_ES", 7, 55 * 60,
     "Su llamada está en la posición 8 de la cola. "
     "El tiempo de espera estimado es de "
     "aproximadamente una hora."},
    {"es", 3, -5, "Su llamada está en la posición 4 de la cola."},
    {"en", 2, 240,
     "You are number 3 in the queue. The estimated waiting "
     "time is about 4 minutes."},
    {"en", 0, -1, "Your call will be answered next."},
    {"en", 0, 59,
     "Your call will be answered next. The estimated waiting "
     "time is less than a minute."},
    {"en", 1, 89,
     "You are number 2 in the queue. The estimated waiting "
     "time is about one minute."},
    {"en", 1, 91,
     "You are number 2 in the queue. The estimated waiting "
     "time is about 2 minutes."},
    {"en-GB", 5, 27 * 60,
     "You are number 6 in the queue. The estimated "
     "waiting time is about 25 minutes."},
    {"en", 5, 2 * 3600 + 600,
     "You are number 6 in the queue. The "
     "estimated waiting time is about 2 hours."},
};

static void test_sentences(void **state)
{
	char buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];

		assert_int_equal(media_announce_text(buf, sizeof(buf), v->lang,
		                                     v->position, v->ewt),
		                 0);
		assert_string_equal(buf, v->text);
	}
}

static void test_errors(void **state)
{
	char buf[256], small[16];

	(void)state;
	assert_int_equal(media_announce_text(buf, sizeof(buf), "de", 1, 60),
	                 EINVAL);
	assert_int_equal(media_announce_text(buf, sizeof(buf), "i", 1, 60),
	                 EINVAL);
	assert_int_equal(
	    media_announce_text(buf, sizeof(buf), "italian", 1, 60), EINVAL);
	assert_int_equal(media_announce_text(buf, sizeof(buf), NULL, 1, 60),
	                 EINVAL);
	assert_int_equal(media_announce_text(small, sizeof(small), "en", 1, 60),
	                 ERANGE);
	assert_string_equal(small, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sentences),
	    cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
