/*
 * txq.h - the RTP packets of a media tick, sent with one system call.
 *
 * The tick sends one packet on each of thousands of sockets (one per call
 * leg, each with its own port, which the peer expects as the source:
 * symmetric RTP). sendmmsg(2) batches only on one socket, so it does not
 * apply; io_uring does: one IORING_OP_SENDMSG per packet, all submitted
 * by one io_uring_enter(2) that also waits for their completions. With
 * MSG_DONTWAIT each send completes inside that call (sent, or failed as
 * a sendto(2) would fail: the packet is lost), so nothing is in flight
 * once txq_flush() returns and the slots are reused at once.
 *
 * Without io_uring (a kernel before 5.1, a seccomp policy that refuses
 * it, as container runtimes' defaults do) every packet goes out at once
 * with sendto(2): the same packets, one system call each.
 *
 * Ownership: a queued packet holds a reference to its rtp_sock until the
 * flush, so a call that ends within the tick cannot close the socket
 * (and let its descriptor be reused) under a queued packet. One thread
 * owns a txq.
 */
#ifndef VOICE_TXQ_H
#define VOICE_TXQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <re.h>

struct txq;

/** How the packets leave. */
enum txq_mode {
	TXQ_URING,  /* one io_uring_enter per batch */
	TXQ_SENDTO, /* one sendto per packet */
};

struct txq_stats {
	uint64_t packets; /* queued */
	uint64_t errors;  /* sends the kernel refused (lost packets) */
	uint64_t batches; /* io_uring_enter calls that submitted packets */
};

/**
 * Allocate a queue of up to cap packets per batch (a fuller queue
 * flushes itself). force_sendto skips io_uring. Returns 0 or ENOMEM; a
 * missing io_uring is not an error (txq_mode() tells).
 */
int txq_alloc(struct txq **qp, unsigned cap, bool force_sendto);

/**
 * Queue one RTP packet on rs to dst: the header from libre (rtp_encode:
 * the socket's SSRC and next sequence number) with marker, pt and ts,
 * then payload (at most 160 bytes, 20 ms of G.711). Sent at the next
 * txq_flush(), or at once in TXQ_SENDTO mode. Returns 0, EINVAL (no
 * socket for dst's family, payload too long), or the send's errno in
 * TXQ_SENDTO mode.
 */
int txq_rtp(struct txq *q, struct rtp_sock *rs, const struct sa *dst,
            bool marker, uint8_t pt, uint32_t ts, const uint8_t *payload,
            size_t len);

/** Send every queued packet and release their sockets. */
void txq_flush(struct txq *q);

enum txq_mode txq_mode(const struct txq *q);
struct txq_stats txq_stats(const struct txq *q);

#endif
