/*
 * test_voice_txq.c - the media tick's send queue: each packet leaves from
 * its own call's socket with libre's RTP header, in one io_uring batch
 * when the kernel allows io_uring, at once with sendto otherwise.
 */
#define _DEFAULT_SOURCE /* syscall */
#include <errno.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "voice/txq.h"

#define NSOCK 6

struct rig {
	int rx;       /* the peer: every packet comes here */
	struct sa to; /* its address */
	struct rtp_sock *rs[NSOCK];
};

static void rtp_h(const struct sa *src, const struct rtp_header *hdr,
                  struct mbuf *mb, void *arg)
{
	(void)src;
	(void)hdr;
	(void)mb;
	(void)arg;
}

/* Can this process use io_uring at all? Asked apart from txq. */
static bool uring_allowed(void)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int setup(void **state)
{
	static struct rig r;
	struct sockaddr_in in = {.sin_family = AF_INET};
	socklen_t len = sizeof(in);
	struct sa local;
	int big = 1 << 20;

	memset(&r, 0, sizeof(r));
	r.rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(r.rx >= 0);
	setsockopt(r.rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(r.rx, (struct sockaddr *)&in, sizeof(in)), 0);
	assert_int_equal(getsockname(r.rx, (struct sockaddr *)&in, &len), 0);
	sa_set_str(&r.to, "127.0.0.1", ntohs(in.sin_port));
	sa_set_str(&local, "127.0.0.1", 0);
	for (int i = 0; i < NSOCK; i++)
		assert_int_equal(rtp_listen(&r.rs[i], IPPROTO_UDP, &local,
		                            20000, 60000, false, rtp_h, NULL,
		                            NULL),
		                 0);
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	for (int i = 0; i < NSOCK; i++)
		r->rs[i] = mem_deref(r->rs[i]);
	close(r->rx);
	return 0;
}

struct got {
	uint16_t sport, seq;
	uint32_t ts, ssrc;
	uint8_t pt, payload0;
	bool marker;
	size_t len;
};

/* The next packet at the peer; false when none is waiting. */
static bool receive(struct rig *r, struct got *g)
{
	uint8_t buf[256];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(r->rx, buf, sizeof(buf), 0,
	                     (struct sockaddr *)&from, &flen);

	if (n < 0)
		return false;
	assert_true(n >= 12);
	assert_int_equal(buf[0] >> 6, 2); /* RTP version 2 */
	g->marker = buf[1] >> 7;
	g->pt = buf[1] & 0x7f;
	g->seq = (uint16_t)(buf[2] << 8 | buf[3]);
	g->ts = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
	        (uint32_t)buf[6] << 8 | buf[7];
	g->ssrc = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
	          (uint32_t)buf[10] << 8 | buf[11];
	g->sport = ntohs(from.sin_port);
	g->len = (size_t)n - 12;
	g->payload0 = n > 12 ? buf[12] : 0;
	return true;
}

static void queue_one_each(struct txq *q, struct rig *r)
{
	uint8_t payload[160];

	for (int i = 0; i < NSOCK; i++) {
		memset(payload, 0x10 + i, sizeof(payload));
		assert_int_equal(txq_rtp(q, r->rs[i], &r->to, i == 0, 8,
		                         1000u + 160u * (unsigned)i, payload,
		                         sizeof(payload)),
		                 0);
	}
}

/* Each packet from its own socket, with that socket's SSRC, the marker,
 * payload type, timestamp and payload it was given. */
static void check_one_each(struct rig *r)
{
	bool seen[NSOCK] = {false};
	struct got g;

	for (int k = 0; k < NSOCK; k++) {
		int i;

		assert_true(receive(r, &g));
		for (i = 0; i < NSOCK; i++)
			if (g.sport == sa_port(rtp_local(r->rs[i])))
				break;
		assert_true(i < NSOCK);
		assert_false(seen[i]);
		seen[i] = true;
		assert_int_equal(g.ssrc, rtp_sess_ssrc(r->rs[i]));
		assert_int_equal(g.pt, 8);
		assert_int_equal(g.marker, i == 0);
		assert_int_equal(g.ts, 1000u + 160u * (unsigned)i);
		assert_int_equal(g.len, 160);
		assert_int_equal(g.payload0, 0x10 + i);
	}
	assert_false(receive(r, &g));
}

static void test_txq_batches_until_flush(void **state)
{
	struct rig *r = *state;
	struct txq *q;
	struct got g;

	assert_int_equal(txq_alloc(&q, 64, false), 0);
	if (!uring_allowed()) {
		assert_int_equal(txq_mode(q), TXQ_SENDTO);
		mem_deref(q);
		skip();
	}
	assert_int_equal(txq_mode(q), TXQ_URING);
	queue_one_each(q, r);
	usleep(20000);
	assert_false(receive(r, &g)); /* nothing leaves before the flush */
	txq_flush(q);
	check_one_each(r);
	assert_int_equal(txq_stats(q).packets, NSOCK);
	assert_int_equal(txq_stats(q).batches, 1); /* one io_uring_enter */
	assert_int_equal(txq_stats(q).errors, 0);
	mem_deref(q);
}

static void test_txq_sendto_sends_at_once(void **state)
{
	struct rig *r = *state;
	struct txq *q;

	assert_int_equal(txq_alloc(&q, 64, true), 0);
	assert_int_equal(txq_mode(q), TXQ_SENDTO);
	queue_one_each(q, r);
	usleep(20000);
	check_one_each(r); /* before any flush */
	txq_flush(q);
	assert_int_equal(txq_stats(q).batches, 0);
	mem_deref(q);
}

/* One sequence per socket, shared with libre's own rtp_send (relayed
 * audio), across flushes. */
static void test_txq_sequence_shared_with_rtp_send(void **state)
{
	struct rig *r = *state;
	uint8_t payload[160] = {0};
	struct mbuf *mb = mbuf_alloc(RTP_HEADER_SIZE + 160);
	struct txq *q;
	struct got g[3];

	assert_non_null(mb);
	assert_int_equal(txq_alloc(&q, 64, false), 0);
	assert_int_equal(
	    txq_rtp(q, r->rs[0], &r->to, false, 0, 1, payload, sizeof(payload)),
	    0);
	txq_flush(q);
	mb->pos = RTP_HEADER_SIZE;
	mbuf_write_mem(mb, payload, sizeof(payload));
	mb->pos = RTP_HEADER_SIZE;
	assert_int_equal(rtp_send(r->rs[0], &r->to, false, false, 0, 2, mb), 0);
	assert_int_equal(
	    txq_rtp(q, r->rs[0], &r->to, false, 0, 3, payload, sizeof(payload)),
	    0);
	txq_flush(q);
	usleep(20000);
	for (int i = 0; i < 3; i++) {
		assert_true(receive(r, &g[i]));
		assert_int_equal(g[i].ts, (uint32_t)i + 1);
	}
	assert_int_equal((uint16_t)(g[1].seq - g[0].seq), 1);
	assert_int_equal((uint16_t)(g[2].seq - g[1].seq), 1);
	mem_deref(mb);
	mem_deref(q);
}

/* A full queue flushes itself; a socket its owner closes before the
 * flush still sends its queued packet (the queue holds it). */
static void test_txq_full_and_closed_socket(void **state)
{
	struct rig *r = *state;
	uint8_t payload[160] = {0};
	struct rtp_sock *gone;
	struct sa local;
	uint16_t gone_port;
	struct txq *q;
	struct got g;
	unsigned n = 0, from_gone = 0;

	sa_set_str(&local, "127.0.0.1", 0);
	assert_int_equal(rtp_listen(&gone, IPPROTO_UDP, &local, 20000, 60000,
	                            false, rtp_h, NULL, NULL),
	                 0);
	gone_port = sa_port(rtp_local(gone));
	assert_int_equal(txq_alloc(&q, 4, false), 0);
	for (int i = 0; i < 9; i++)
		assert_int_equal(txq_rtp(q, r->rs[i % NSOCK], &r->to, false, 0,
		                         (uint32_t)i, payload, sizeof(payload)),
		                 0);
	assert_int_equal(
	    txq_rtp(q, gone, &r->to, false, 0, 9, payload, sizeof(payload)), 0);
	gone = mem_deref(gone); /* the call ended within the tick */
	txq_flush(q);
	usleep(20000);
	while (receive(r, &g)) {
		n++;
		from_gone += g.sport == gone_port;
	}
	assert_int_equal(n, 10);
	assert_int_equal(from_gone, 1);
	if (txq_mode(q) == TXQ_URING)
		assert_int_equal(txq_stats(q).batches, 3); /* 4 + 4 + 2 */
	assert_int_equal(
	    txq_rtp(q, r->rs[0], &r->to, false, 0, 0, payload, 161), EINVAL);
	mem_deref(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_txq_batches_until_flush, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_txq_sendto_sends_at_once,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_txq_sequence_shared_with_rtp_send, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_txq_full_and_closed_socket,
	                                    setup, teardown),
	};
	int rc;

	if (libre_init())
		return 1;
	fd_setsize(1024);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
