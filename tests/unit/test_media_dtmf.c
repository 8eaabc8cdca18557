/*
 * test_media_dtmf.c - in-band DTMF: generated keys detected exactly once
 * each, also through µ-law; speech gives no digit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "media/media.h"

struct keys {
	char got[64];
	size_t n;
};

static void on_digit(char digit, void *arg)
{
	struct keys *k = arg;

	if (k->n + 1 < sizeof(k->got))
		k->got[k->n++] = digit;
}

/* Feed samples frame by frame, optionally through µ-law and back. */
static void feed(struct media_dtmf_rx *rx, const int16_t *x, size_t n,
                 bool ulaw)
{
	int16_t frame[MEDIA_FRAME];
	uint8_t code[MEDIA_FRAME];

	for (size_t i = 0; i + MEDIA_FRAME <= n; i += MEDIA_FRAME) {
		memcpy(frame, x + i, sizeof(frame));
		if (ulaw) {
			media_ulaw_encode(code, frame, MEDIA_FRAME);
			media_ulaw_decode(frame, code, MEDIA_FRAME);
		}
		media_dtmf_rx_feed(rx, frame, MEDIA_FRAME);
	}
}

/* keys pressed on_ms each with off_ms of silence after; what is heard. */
static void press(const char *keys, unsigned on_ms, unsigned off_ms, bool ulaw,
                  struct keys *heard)
{
	size_t on = on_ms * 8, off = off_ms * 8, n = strlen(keys);
	int16_t *x = calloc(n * (on + off), sizeof(*x));
	struct media_dtmf_rx *rx = NULL;

	assert_non_null(x);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(
		    media_dtmf_gen(keys[i], x + i * (on + off), on), 0);
	memset(heard, 0, sizeof(*heard));
	assert_int_equal(media_dtmf_rx_alloc(&rx, on_digit, heard), 0);
	feed(rx, x, n * (on + off), ulaw);
	mem_deref(rx);
	free(x);
}

static void test_keys_detected_once(void **state)
{
	struct keys heard;

	(void)state;
	press("15#", 100, 100, false, &heard);
	assert_string_equal(heard.got, "15#");
	/* A key held for a second is still one press. */
	press("5", 1000, 60, false, &heard);
	assert_string_equal(heard.got, "5");
	/* All sixteen, short and quick, through µ-law as from a phone. */
	press("0123456789*#ABCD", 60, 60, true, &heard);
	assert_string_equal(heard.got, "0123456789*#ABCD");
	/* The same key twice is two presses. */
	press("77", 80, 80, true, &heard);
	assert_string_equal(heard.got, "77");
}

static void test_gen_errors(void **state)
{
	int16_t x[MEDIA_FRAME];

	(void)state;
	assert_int_equal(media_dtmf_gen('x', x, MEDIA_FRAME), EINVAL);
	assert_int_equal(media_dtmf_gen('\0', x, MEDIA_FRAME), EINVAL);
	assert_int_equal(media_dtmf_gen('d', x, MEDIA_FRAME), 0);
}

/* Speech in three languages, and a beep, give no digit. */
static void test_speech_is_not_a_key(void **state)
{
	static const struct {
		const char *lang, *text;
	} speech[] = {
	    {"it", "Benvenuti. Per informazioni premere uno, per la "
	           "salute premere due. Uno, due, tre, quattro, cinque."},
	    {"es", "Bienvenidos. Su llamada es muy importante para "
	           "nosotros. Por favor, espere."},
	    {"en", "Welcome. All our agents are busy. Please hold, and "
	           "you will be answered shortly."},
	};
	struct media_prompts *store = NULL;
	struct media_clip *clip = NULL;
	struct media_dtmf_rx *rx = NULL;
	struct keys heard = {0};

	(void)state;
	assert_int_equal(media_prompts_alloc(&store, NULL), 0);
	assert_int_equal(media_dtmf_rx_alloc(&rx, on_digit, &heard), 0);
	for (size_t i = 0; i < sizeof(speech) / sizeof(speech[0]); i++) {
		assert_int_equal(media_prompts_text(store, &clip,
		                                    speech[i].text,
		                                    speech[i].lang),
		                 0);
		feed(rx, clip->samples, clip->count, true);
		clip = mem_deref(clip);
	}
	assert_int_equal(media_tone_clip(&clip, MEDIA_TONE_RINGBACK), 0);
	feed(rx, clip->samples, clip->count, true);
	clip = mem_deref(clip);
	assert_int_equal(heard.n, 0);
	mem_deref(rx);
	mem_deref(store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keys_detected_once),
	    cmocka_unit_test(test_gen_errors),
	    cmocka_unit_test(test_speech_is_not_a_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
