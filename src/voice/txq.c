/*
 * txq.c - the RTP packets of a media tick, sent with one system call
 * (see txq.h). io_uring is driven through its two system calls and the
 * mmapped rings of <linux/io_uring.h>, not liburing: a few dozen lines
 * for one operation, and no new dependency.
 */
#define _DEFAULT_SOURCE /* syscall */
#include <errno.h>
#include <linux/io_uring.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/log.h"
#include "voice/txq.h"

#define PAYLOAD_MAX 160

struct slot {
	struct rtp_sock *rs; /* held until the flush */
	int fd;
	struct sa dst;
	struct msghdr msg;
	struct iovec iov;
	uint8_t pkt[RTP_HEADER_SIZE + PAYLOAD_MAX];
};

struct ring {
	int fd;
	void *sq, *cq; /* the same mapping with IORING_FEAT_SINGLE_MMAP */
	size_t sq_len, cq_len;
	struct io_uring_sqe *sqes;
	size_t sqes_len;
	unsigned *sq_tail, *sq_mask, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
};

struct txq {
	enum txq_mode mode;
	struct ring ring;
	struct slot *slots;
	unsigned n, cap;
	struct txq_stats st;
};

static void ring_close(struct ring *r)
{
	if (r->sqes)
		munmap(r->sqes, r->sqes_len);
	if (r->cq && r->cq != r->sq)
		munmap(r->cq, r->cq_len);
	if (r->sq)
		munmap(r->sq, r->sq_len);
	if (r->fd >= 0)
		close(r->fd);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

static void *ring_map(int fd, size_t len, off_t what)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_POPULATE, fd, what);

	return p == MAP_FAILED ? NULL : p;
}

/* Set up a ring of entries submissions; an errno when the kernel (or a
 * seccomp policy) says no. */
static int ring_open(struct ring *r, unsigned entries)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	r->fd = (int)syscall(__NR_io_uring_setup, entries, &p);
	if (r->fd < 0)
		return errno;
	r->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	r->cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (r->cq_len > r->sq_len)
			r->sq_len = r->cq_len;
		r->cq_len = r->sq_len;
	}
	r->sq = ring_map(r->fd, r->sq_len, IORING_OFF_SQ_RING);
	r->cq = !r->sq || (p.features & IORING_FEAT_SINGLE_MMAP)
	            ? r->sq
	            : ring_map(r->fd, r->cq_len, IORING_OFF_CQ_RING);
	r->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	r->sqes = ring_map(r->fd, r->sqes_len, IORING_OFF_SQES);
	if (!r->sq || !r->cq || !r->sqes) {
		ring_close(r);
		return ENOMEM;
	}
	sq = r->sq;
	cq = r->cq;
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

static void txq_destructor(void *arg)
{
	struct txq *q = arg;

	txq_flush(q);
	ring_close(&q->ring);
	mem_deref(q->slots);
}

int txq_alloc(struct txq **qp, unsigned cap, bool force_sendto)
{
	struct txq *q;
	int err = 0;

	if (!qp || !cap)
		return EINVAL;
	q = mem_zalloc(sizeof(*q), txq_destructor);
	if (!q)
		return ENOMEM;
	q->ring.fd = -1;
	q->cap = cap;
	q->mode = TXQ_SENDTO;
	if (!force_sendto) {
		q->slots = mem_zalloc(cap * sizeof(*q->slots), NULL);
		if (!q->slots) {
			mem_deref(q);
			return ENOMEM;
		}
		err = ring_open(&q->ring, cap);
		if (!err)
			q->mode = TXQ_URING;
	}
	log_event(LOG_INFO, "media.send", "mode=%s%s%s",
	          q->mode == TXQ_URING ? "io_uring" : "sendto",
	          err ? " io_uring=" : "", err ? strerror(err) : "");
	*qp = q;
	return 0;
}

static int send_one(struct txq *q, int fd, const uint8_t *pkt, size_t len,
                    const struct sa *dst)
{
	if (sendto(fd, pkt, len, MSG_DONTWAIT, &dst->u.sa, dst->len) >= 0)
		return 0;
	q->st.errors++;
	return errno;
}

int txq_rtp(struct txq *q, struct rtp_sock *rs, const struct sa *dst,
            bool marker, uint8_t pt, uint32_t ts, const uint8_t *payload,
            size_t len)
{
	uint8_t pkt[RTP_HEADER_SIZE + PAYLOAD_MAX];
	struct mbuf mb = {.buf = pkt, .size = sizeof(pkt)};
	int fd = rs ? udp_sock_fd(rtp_sock(rs), sa_af(dst)) : -1;
	struct slot *s = NULL;
	int err;

	if (fd < 0 || len > PAYLOAD_MAX)
		return EINVAL;
	if (q->mode == TXQ_URING) {
		if (q->n == q->cap)
			txq_flush(q);
		s = &q->slots[q->n];
		mb.buf = s->pkt;
	}
	/* the header from libre: the socket's SSRC and sequence, which
	 * relayed packets (rtp_send) share */
	err = rtp_encode(rs, false, marker, pt, ts, &mb);
	if (err)
		return err;
	memcpy(mb.buf + RTP_HEADER_SIZE, payload, len);
	q->st.packets++;
	if (q->mode == TXQ_SENDTO)
		return send_one(q, fd, pkt, RTP_HEADER_SIZE + len, dst);
	s->rs = mem_ref(rs);
	s->fd = fd;
	s->dst = *dst;
	s->iov.iov_base = s->pkt;
	s->iov.iov_len = RTP_HEADER_SIZE + len;
	memset(&s->msg, 0, sizeof(s->msg));
	s->msg.msg_name = &s->dst.u.sa;
	s->msg.msg_namelen = s->dst.len;
	s->msg.msg_iov = &s->iov;
	s->msg.msg_iovlen = 1;
	q->n++;
	return 0;
}

static void prepare(struct txq *q)
{
	struct ring *r = &q->ring;
	unsigned tail = *r->sq_tail;

	for (unsigned i = 0; i < q->n; i++, tail++) {
		unsigned idx = tail & *r->sq_mask;
		struct io_uring_sqe *sqe = &r->sqes[idx];

		memset(sqe, 0, sizeof(*sqe));
		sqe->opcode = IORING_OP_SENDMSG;
		sqe->fd = q->slots[i].fd;
		sqe->addr = (uint64_t)(uintptr_t)&q->slots[i].msg;
		sqe->len = 1;
		sqe->msg_flags = MSG_DONTWAIT;
		sqe->user_data = i;
		r->sq_array[idx] = idx;
	}
	__atomic_store_n(r->sq_tail, tail, __ATOMIC_RELEASE);
}

static unsigned reap(struct txq *q)
{
	struct ring *r = &q->ring;
	unsigned head = *r->cq_head;
	unsigned tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
	unsigned n = 0;

	for (; head != tail; head++, n++) {
		if (r->cqes[head & *r->cq_mask].res < 0)
			q->st.errors++;
	}
	__atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
	return n;
}

/* The kernel refused the ring itself (not a send): stay with sendto from
 * now on. The packets it did not take are sent with sendto; the ring is
 * closed, so the entries it did not read are never read. */
static void uring_give_up(struct txq *q, unsigned from, int err)
{
	log_event(LOG_WARN, "media.send", "mode=sendto io_uring=%s",
	          strerror(err));
	ring_close(&q->ring);
	q->mode = TXQ_SENDTO;
	for (unsigned i = from; i < q->n; i++)
		send_one(q, q->slots[i].fd, q->slots[i].pkt,
		         q->slots[i].iov.iov_len, &q->slots[i].dst);
}

static void uring_flush(struct txq *q)
{
	unsigned submitted = 0, done = 0;

	prepare(q);
	while (done < q->n) {
		/* submit what is left and wait for every completion: with
		 * MSG_DONTWAIT they come before the call returns */
		int ret = (int)syscall(__NR_io_uring_enter, q->ring.fd,
		                       q->n - submitted, q->n - done,
		                       IORING_ENTER_GETEVENTS, NULL, 0);

		if (ret < 0 && errno != EINTR) {
			int err = errno;

			reap(q);
			uring_give_up(q, submitted, err);
			return;
		}
		if (ret > 0)
			submitted += (unsigned)ret;
		done += reap(q);
	}
	q->st.batches++;
}

void txq_flush(struct txq *q)
{
	if (!q || !q->n)
		return;
	if (q->mode == TXQ_URING)
		uring_flush(q);
	for (unsigned i = 0; i < q->n; i++)
		q->slots[i].rs = mem_deref(q->slots[i].rs);
	q->n = 0;
}

enum txq_mode txq_mode(const struct txq *q)
{
	return q->mode;
}

struct txq_stats txq_stats(const struct txq *q)
{
	return q->st;
}
