/*
 * xferkeys.h - transfers by the keys of the agent's phone.
 *
 * During a call the agent presses a feature code (features:
 * blind_transfer "#1", attended_transfer "*2", as in Asterisk), the
 * caller goes on hold, and the agent keys the target ended by # (or a
 * pause): an agent's extension, a queue's or an agent's name in digits,
 * else an outside number (dialing.allow). While consulting, the
 * attended code again completes the transfer and transfer_cancel ("*1")
 * goes back to the caller; hanging up with the target answered
 * completes it too.
 */
#ifndef VOICE_XFERKEYS_H
#define VOICE_XFERKEYS_H

#include <stdbool.h>
#include <stdint.h>

#include "voice/vtimer.h"

struct config_features;
struct agent_leg;
struct call;

#define XFERKEYS_DIGITS 32

/** What a key asks for. */
enum xferkeys_action {
	XK_NONE,     /* nothing yet */
	XK_START,    /* a transfer code: hold the caller, collect digits */
	XK_DIGIT,    /* one more digit of the target */
	XK_DIAL,     /* the target is complete (#) */
	XK_ABORT,    /* # with no digits: back to the caller */
	XK_COMPLETE, /* consulting: the attended code again */
	XK_CANCEL,   /* consulting: transfer_cancel */
};

/** One call's keys; all zero is idle. */
struct xferkeys {
	char recent[XFERKEYS_DIGITS]; /* the last keys, for the codes */
	unsigned nrecent;
	uint64_t last_ms; /* when the last key came */
	char digits[XFERKEYS_DIGITS];
	unsigned ndigits;
	bool collecting; /* after a transfer code, until # or a pause */
	bool attended;   /* which code started it */
	bool held;       /* we put the caller on hold (resume on abort) */
	struct vtimer tmr;
};

/**
 * Feed one key pressed at now_ms; consulting says an attended transfer
 * is ringing or talking. Pure: the caller acts on the answer.
 */
enum xferkeys_action xferkeys_feed(struct xferkeys *xk,
                                   const struct config_features *f,
                                   bool consulting, char key, uint64_t now_ms);

/** A key from the agent's phone in a call (RFC 4733, INFO or in-band). */
void xferkeys_key(struct agent_leg *al, char key);
/** The agent's phone hung up: true when that completed an answered
 * consultation (the call goes on with the target). */
bool xferkeys_hangup(struct agent_leg *al);
/** The call ends: stop its timer. */
void xferkeys_stop(struct call *call);

#endif
