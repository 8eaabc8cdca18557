/*
 * typing.c - what a web chat keeps in memory only: "is typing…" both
 * ways, and how often its transcript was mailed.
 *
 * The visitor's typing reaches the agent's desktop as a "chat-typing"
 * event on its WebSocket, at most one per chat every two seconds however
 * fast the visitor's page asks; the agent's typing is kept for six
 * seconds and told to the visitor in the chat's next read (the widget
 * reads once a second). Nothing is stored: a typing hint is worth
 * nothing a few seconds later.
 */
#include <errno.h>
#include <time.h>

#include "core/log.h"
#include "web/web_int.h"

#define TYPING_AGENT_MS     6000  /* the agent's hint lasts this long */
#define TYPING_VISITOR_MS   2000  /* one visitor event per chat this often */
#define TYPING_SWEEP        256   /* entries before the old ones are swept */
#define TRANSCRIPT_MAX      3     /* transcripts a chat may mail ... */
#define TRANSCRIPT_EVERY_MS 60000 /* ... one a minute */

struct typing {
	struct le le;
	uint64_t key;          /* the chat's contact key */
	uint64_t agent_until;  /* the agent types until then (ms) */
	uint64_t visitor_told; /* the visitor's last event (ms) */
	uint64_t mailed_at;    /* the transcript's last mail (ms) */
	unsigned mailed;       /* transcripts mailed */
};

static struct typing *typing_find(const struct web *w, uint64_t key)
{
	struct le *le = list_head(hash_list(w->typing, (uint32_t)key));

	for (; le; le = le->next) {
		struct typing *t = le->data;
		if (t->key == key)
			return t;
	}
	return NULL;
}

/* Forget the hints that ran out, once the table has grown. */
static void sweep(struct web *w, uint64_t now)
{
	struct le *le, *next;

	if (w->ntyping < TYPING_SWEEP)
		return;
	for (uint32_t b = 0; b < hash_bsize(w->typing); b++) {
		for (le = list_head(hash_list(w->typing, b)); le; le = next) {
			struct typing *t = le->data;
			next = le->next;
			if (t->agent_until >= now ||
			    t->visitor_told + TYPING_VISITOR_MS >= now ||
			    (t->mailed && t->mailed_at + 86400000 >= now))
				/* the count of mails outlives the hints a day */
				continue;
			hash_unlink(le);
			mem_deref(t);
			w->ntyping--;
		}
	}
}

static struct typing *typing_get(struct web *w, uint64_t key, uint64_t now)
{
	struct typing *t = typing_find(w, key);

	if (t)
		return t;
	sweep(w, now);
	t = mem_zalloc(sizeof(*t), NULL);
	if (!t)
		return NULL;
	t->key = key;
	hash_append(w->typing, (uint32_t)key, &t->le, t);
	w->ntyping++;
	return t;
}

int web_typing_init(struct web *w)
{
	return hash_alloc(&w->typing, 256);
}

void web_typing_flush(struct web *w)
{
	hash_flush(w->typing);
	w->typing = mem_deref(w->typing);
	w->ntyping = 0;
}

int web_typing_agent(struct web *w, uint64_t key)
{
	uint64_t now = web_now(w);
	struct typing *t = typing_get(w, key, now);

	if (!t)
		return ENOMEM;
	t->agent_until = now + TYPING_AGENT_MS;
	return 0;
}

bool web_typing_agent_now(const struct web *w, uint64_t key)
{
	const struct typing *t = typing_find(w, key);

	return t && t->agent_until >= web_now(w);
}

bool web_typing_visitor(struct web *w, uint64_t key)
{
	uint64_t now = web_now(w);
	struct typing *t = typing_get(w, key, now);

	if (!t ||
	    (t->visitor_told && t->visitor_told + TYPING_VISITOR_MS > now))
		return false;
	t->visitor_told = now;
	return true;
}

int web_transcript_allowed(struct web *w, uint64_t key)
{
	uint64_t now = web_now(w);
	struct typing *t = typing_get(w, key, now);

	if (!t)
		return ENOMEM;
	if (t->mailed >= TRANSCRIPT_MAX)
		return EDQUOT;
	if (t->mailed && t->mailed_at + TRANSCRIPT_EVERY_MS > now)
		return EAGAIN;
	t->mailed++;
	t->mailed_at = now;
	return 0;
}
