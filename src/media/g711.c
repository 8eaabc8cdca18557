/*
 * g711.c - G.711 frames (the per-sample code is inline in media.h).
 */
#include "media/media.h"

void media_ulaw_encode(uint8_t *dst, const int16_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = media_linear_to_ulaw(src[i]);
}

void media_ulaw_decode(int16_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = media_ulaw_to_linear(src[i]);
}

void media_alaw_encode(uint8_t *dst, const int16_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = media_linear_to_alaw(src[i]);
}

void media_alaw_decode(int16_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = media_alaw_to_linear(src[i]);
}
