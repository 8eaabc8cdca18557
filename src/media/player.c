/*
 * player.c - prompts in order, then music on hold (see media.h).
 *
 * The queue is a fixed ring of references, so a frame costs a memcpy or
 * two and never allocates: the daemon runs thousands of players in one
 * 20 ms tick. A linked list with an element per prompt was rejected for
 * that allocation in media_player_play() and the pointer chasing.
 */
#include <errno.h>
#include <string.h>

#include <re.h>

#include "media/media.h"

struct media_player {
	struct media_clip *queue[MEDIA_PLAYER_QUEUE];
	unsigned head, count; /* ring of waiting prompts */
	size_t pos;           /* in queue[head] */
	struct media_clip *music;
	size_t music_pos;
};

static void drop_head(struct media_player *p)
{
	p->queue[p->head] = mem_deref(p->queue[p->head]);
	p->head = (p->head + 1) % MEDIA_PLAYER_QUEUE;
	p->count--;
	p->pos = 0;
}

static void player_destructor(void *arg)
{
	struct media_player *p = arg;

	media_player_interrupt(p);
	mem_deref(p->music);
}

int media_player_alloc(struct media_player **playerp)
{
	struct media_player *p;

	if (!playerp)
		return EINVAL;
	p = mem_zalloc(sizeof(*p), player_destructor);
	if (!p)
		return ENOMEM;
	*playerp = p;
	return 0;
}

int media_player_play(struct media_player *p, struct media_clip *clip)
{
	if (!p || !clip)
		return EINVAL;
	if (p->count == MEDIA_PLAYER_QUEUE)
		return EOVERFLOW;
	p->queue[(p->head + p->count) % MEDIA_PLAYER_QUEUE] = mem_ref(clip);
	p->count++;
	return 0;
}

void media_player_music(struct media_player *p, struct media_clip *clip)
{
	if (!p || clip == p->music)
		return;
	mem_deref(p->music);
	p->music = clip ? mem_ref(clip) : NULL;
	p->music_pos = 0;
}

void media_player_interrupt(struct media_player *p)
{
	if (!p)
		return;
	while (p->count)
		drop_head(p);
	p->head = 0;
}

bool media_player_busy(const struct media_player *p)
{
	return p && p->count > 0;
}

/* Copy up to n samples of the prompts into out; returns how many. */
static size_t fill_prompts(struct media_player *p, int16_t *out, size_t n)
{
	size_t done = 0;

	while (done < n && p->count) {
		const struct media_clip *c = p->queue[p->head];
		size_t k = c->count - p->pos;

		if (k > n - done)
			k = n - done;
		memcpy(out + done, c->samples + p->pos, k * sizeof(*out));
		done += k;
		p->pos += k;
		if (p->pos >= c->count)
			drop_head(p);
	}
	return done;
}

/* Loop the music into out[0..n); returns how many samples came from it. */
static size_t fill_music(struct media_player *p, int16_t *out, size_t n)
{
	const struct media_clip *m = p->music;
	size_t done = 0;

	if (!m || !m->count)
		return 0;
	while (done < n) {
		size_t k = m->count - p->music_pos;

		if (k > n - done)
			k = n - done;
		memcpy(out + done, m->samples + p->music_pos, k * sizeof(*out));
		done += k;
		p->music_pos = (p->music_pos + k) % m->count;
	}
	return done;
}

bool media_player_frame(struct media_player *p, int16_t out[MEDIA_FRAME])
{
	size_t done = 0;

	if (p) {
		done = fill_prompts(p, out, MEDIA_FRAME);
		done += fill_music(p, out + done, MEDIA_FRAME - done);
	}
	if (done < MEDIA_FRAME)
		memset(out + done, 0, (MEDIA_FRAME - done) * sizeof(*out));
	return done > 0;
}
