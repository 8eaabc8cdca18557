/*
 * dtmf.c - in-band DTMF: detection by spandsp, generation as two sines.
 *
 * spandsp's receiver already debounces: a key is reported once, when it
 * has been present long enough, however many frames it lasts.
 */
#include <errno.h>
#include <math.h>

#include <re.h>
#include <spandsp.h>

#include "media/media.h"

struct media_dtmf_rx {
	dtmf_rx_state_t *state;
	media_dtmf_h *dtmfh;
	void *arg;
};

static void rx_destructor(void *arg)
{
	struct media_dtmf_rx *rx = arg;

	if (rx->state)
		dtmf_rx_free(rx->state);
}

static void on_digits(void *arg, const char *digits, int len)
{
	struct media_dtmf_rx *rx = arg;

	for (int i = 0; i < len; i++) {
		if (rx->dtmfh)
			rx->dtmfh(digits[i], rx->arg);
	}
}

int media_dtmf_rx_alloc(struct media_dtmf_rx **rxp, media_dtmf_h *dtmfh,
                        void *arg)
{
	struct media_dtmf_rx *rx;

	if (!rxp)
		return EINVAL;
	rx = mem_zalloc(sizeof(*rx), rx_destructor);
	if (!rx)
		return ENOMEM;
	rx->dtmfh = dtmfh;
	rx->arg = arg;
	rx->state = dtmf_rx_init(NULL, on_digits, rx);
	if (!rx->state) {
		mem_deref(rx);
		return ENOMEM;
	}
	*rxp = rx;
	return 0;
}

void media_dtmf_rx_feed(struct media_dtmf_rx *rx, const int16_t *samples,
                        size_t n)
{
	enum { STEP = 4096 }; /* dtmf_rx() takes an int count */

	if (!rx || !samples)
		return;
	for (size_t done = 0; done < n; done += STEP) {
		size_t k = n - done < STEP ? n - done : STEP;

		dtmf_rx(rx->state, samples + done, (int)k);
	}
}

/* Row and column frequencies of a key; false if it is not one. */
static bool key_freqs(char digit, double *low, double *high)
{
	static const char keys[] = "123A456B789C*0#D";
	static const double rows[] = {697, 770, 852, 941};
	static const double cols[] = {1209, 1336, 1477, 1633};

	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	for (int i = 0; i < 16; i++) {
		if (digit && keys[i] == digit) {
			*low = rows[i / 4];
			*high = cols[i % 4];
			return true;
		}
	}
	return false;
}

int media_dtmf_gen(char digit, int16_t *out, size_t n)
{
	static const double two_pi = 6.28318530717958647692;
	/* -10 dBm0 per tone: 0 dBm0 is a sine of peak 22,706 in linear. */
	const double amp = 22706.0 * 0.316227766;
	double low, high;

	if (!key_freqs(digit, &low, &high) || (!out && n))
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		double t = (double)i / MEDIA_SRATE;

		out[i] = (int16_t)lrint(
		    amp * (sin(two_pi * low * t) + sin(two_pi * high * t)));
	}
	return 0;
}
