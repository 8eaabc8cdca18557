/*
 * media.c - the bench's RTP endpoints, in C (run.py builds and runs it;
 * media.py is the same program in Python, slower, kept as the reference).
 *
 *   media DIR NCALLERS NAGENTS MODE [ADDR]
 *
 * Binds NCALLERS + NAGENTS UDP sockets on ADDR (default 127.0.0.1),
 * ephemeral ports, writes their ports to DIR/callers.ports and
 * DIR/agents.ports, then DIR/media.ready. MODE:
 *   sink  never read: packets are dropped in a tiny receive buffer.
 *   talk  each socket, at its first packet from the daemon, learns the
 *         daemon's address and from then on sends one PCMA packet every
 *         20 ms to it (own SSRC, seq, ts; the first 4 payload bytes are a
 *         packet counter, so the receiver of the relayed stream counts
 *         losses). All streams share one drift-free 20 ms schedule.
 * Runs until SIGTERM; then writes DIR/media.json: streams sending,
 * packets sent, how late the sending ticks started (p99, max).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_NS 20000000LL
#define PAYLOAD  160

struct stream {
	int fd;
	struct sockaddr_in dest;
	uint32_t ssrc, ts, counter;
	uint16_t seq;
	int active;
};

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void write_ports(const char *dir, const char *name,
                        const struct stream *s, int n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		struct sockaddr_in a;
		socklen_t len = sizeof(a);

		getsockname(s[i].fd, (struct sockaddr *)&a, &len);
		fprintf(f, "%u\n", ntohs(a.sin_port));
	}
	fclose(f);
}

static void bind_all(struct stream *s, int n, const char *addr)
{
	int small = 4096;

	for (int i = 0; i < n; i++) {
		struct sockaddr_in a = {.sin_family = AF_INET};

		s[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (s[i].fd < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
			perror("socket");
			exit(1);
		}
		setsockopt(s[i].fd, SOL_SOCKET, SO_RCVBUF, &small,
		           sizeof(small));
		if (bind(s[i].fd, (struct sockaddr *)&a, sizeof(a))) {
			perror("bind");
			exit(1);
		}
		s[i].ssrc = (uint32_t)random();
		s[i].seq = (uint16_t)random();
		s[i].ts = (uint32_t)random();
	}
}

/* A stream's first packet from the daemon names where to send. */
static int learn(struct stream *s)
{
	unsigned char buf[2048];
	socklen_t len = sizeof(s->dest);

	if (recvfrom(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&s->dest,
	             &len) < 0)
		return 0;
	s->active = 1;
	return 1;
}

static long send_frame(struct stream *s)
{
	unsigned char pkt[12 + PAYLOAD];
	uint16_t seq = htons(s->seq);
	uint32_t ts = htonl(s->ts), ssrc = htonl(s->ssrc);
	uint32_t cnt = htonl(s->counter);
	long ok;

	pkt[0] = 0x80;
	pkt[1] = 8; /* PCMA */
	memcpy(pkt + 2, &seq, 2);
	memcpy(pkt + 4, &ts, 4);
	memcpy(pkt + 8, &ssrc, 4);
	memcpy(pkt + 12, &cnt, 4);
	memset(pkt + 16, 0xd5, PAYLOAD - 4); /* A-law silence */
	ok = sendto(s->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&s->dest,
	            sizeof(s->dest)) == (ssize_t)sizeof(pkt);
	s->seq++;
	s->ts += PAYLOAD;
	s->counter++;
	return ok;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void write_result(const char *dir, int sending, long sent, double *late,
                         size_t nlate)
{
	char path[4096];
	FILE *f;

	if (nlate)
		qsort(late, nlate, sizeof(*late), cmp_double);
	snprintf(path, sizeof(path), "%s/media.json", dir);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "{\"streams_sending\": %d, \"packets_sent\": %ld", sending,
	        sent);
	if (nlate)
		fprintf(f,
		        ", \"tick_late_p99_ms\": %.2f, \"tick_late_max_ms\": "
		        "%.2f}\n",
		        late[(size_t)(nlate * 0.99)], late[nlate - 1]);
	else
		fprintf(f, ", \"tick_late_p99_ms\": null, "
		           "\"tick_late_max_ms\": null}\n");
	fclose(f);
}

static void talk(const char *dir, struct stream *s, int n)
{
	int ep = epoll_create1(0), sending = 0;
	size_t nlate = 0, cap = 1 << 16;
	double *late = malloc(cap * sizeof(*late));
	int64_t next = now_ns() + FRAME_NS;
	long sent = 0;

	for (int i = 0; i < n; i++) {
		struct epoll_event ev = {.events = EPOLLIN,
		                         .data.u32 = (uint32_t)i};

		epoll_ctl(ep, EPOLL_CTL_ADD, s[i].fd, &ev);
	}
	while (!stopping) {
		int64_t now = now_ns();

		if (now < next) {
			struct epoll_event evs[256];
			int ms = (int)((next - now + 999999) / 1000000);
			int k = epoll_wait(ep, evs, 256, ms);

			for (int j = 0; j < k; j++) {
				struct stream *st = &s[evs[j].data.u32];

				if (learn(st)) {
					epoll_ctl(ep, EPOLL_CTL_DEL, st->fd,
					          NULL);
					sending++;
				}
			}
			if (now_ns() < next)
				continue;
			now = now_ns();
		}
		if (nlate == cap)
			late = realloc(late, (cap *= 2) * sizeof(*late));
		late[nlate++] = (double)(now - next) / 1e6;
		for (int i = 0; i < n; i++)
			if (s[i].active)
				sent += send_frame(&s[i]);
		next += FRAME_NS;
		if (next <
		    now_ns() - 5 * FRAME_NS) /* far behind: start again */
			next = now_ns() + FRAME_NS;
	}
	write_result(dir, sending, sent, late, nlate);
	free(late);
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_term};
	const char *dir, *mode, *addr;
	int ncallers, nagents, n;
	struct stream *s;
	char path[4096];
	FILE *f;

	if (argc < 5) {
		fprintf(stderr,
		        "usage: media DIR NCALLERS NAGENTS sink|talk [ADDR]\n");
		return 2;
	}
	dir = argv[1];
	ncallers = atoi(argv[2]);
	nagents = atoi(argv[3]);
	mode = argv[4];
	addr = argc > 5 ? argv[5] : "127.0.0.1";
	n = ncallers + nagents;
	s = calloc((size_t)n + 1, sizeof(*s));
	srandom((unsigned)getpid() ^ (unsigned)now_ns());
	bind_all(s, n, addr);
	write_ports(dir, "callers.ports", s, ncallers);
	write_ports(dir, "agents.ports", s + ncallers, nagents);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	snprintf(path, sizeof(path), "%s/media.ready", dir);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	if (!strcmp(mode, "talk"))
		talk(dir, s, n);
	else
		while (!stopping)
			pause();
	if (strcmp(mode, "talk"))
		write_result(dir, 0, 0, NULL, 0);
	return 0;
}
