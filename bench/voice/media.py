#!/usr/bin/env python3
"""media.py - the bench's RTP endpoints (standard library only).

  media.py DIR NCALLERS NAGENTS MODE [ADDR]

Binds NCALLERS + NAGENTS UDP sockets on ADDR (default 127.0.0.1; the
peers' end of the veth pair in the netns rig), ephemeral ports, and
writes their ports to DIR/callers.ports and DIR/agents.ports, then
DIR/media.ready. MODE:
  sink    never read: packets pile up in a tiny receive buffer and are
          dropped there (no ICMP); the capture on lo sees them.
  talk    each socket, at its first packet from the daemon, learns the
          daemon's port and from then on sends one PCMA packet every
          20 ms to it (own SSRC, seq, ts; the first 4 payload bytes are a
          packet counter, so that the receiver of the relayed stream can
          count losses). All streams share one drift-free 20 ms schedule.
Runs until SIGTERM; then writes DIR/media.json (sender lateness, counts).
"""
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

d, ncallers, nagents, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
addr = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
socks = []
for _ in range(ncallers + nagents):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind((addr, 0))
    s.setblocking(False)
    socks.append(s)
ports = [s.getsockname()[1] for s in socks]
with open(os.path.join(d, "callers.ports"), "w") as f:
    f.write("".join("%d\n" % p for p in ports[:ncallers]))
with open(os.path.join(d, "agents.ports"), "w") as f:
    f.write("".join("%d\n" % p for p in ports[ncallers:]))
open(os.path.join(d, "media.ready"), "w").close()

stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)

late = []  # ms each tick started after its due time
sent = 0
if mode == "talk":
    ep = select.epoll()
    byfd = {}
    for s in socks:
        ep.register(s.fileno(), select.EPOLLIN)
        byfd[s.fileno()] = s
    active = []  # [sock, dest, ssrc, seq, ts, counter]
    fill = b"\xd5" * 156  # A-law silence after the counter
    nxt = time.monotonic() + 0.02
    while not stop:
        now = time.monotonic()
        wait = nxt - now
        if wait > 0:
            try:
                evs = ep.poll(wait)
            except InterruptedError:
                continue
            for fd, _ in evs:
                s = byfd.pop(fd)
                ep.unregister(fd)
                try:
                    _, src = s.recvfrom(2048)
                except OSError:
                    continue
                active.append([s, src, random.getrandbits(32),
                               random.getrandbits(16), random.getrandbits(32), 0])
            continue
        late.append((now - nxt) * 1000.0)
        for a in active:
            pkt = struct.pack("!BBHII", 0x80, 8, a[3], a[4], a[2]) + \
                struct.pack("!I", a[5]) + fill
            try:
                a[0].sendto(pkt, a[1])
                sent += 1
            except OSError:
                pass
            a[3] = (a[3] + 1) & 0xFFFF
            a[4] = (a[4] + 160) & 0xFFFFFFFF
            a[5] += 1
        nxt += 0.02
        if nxt < time.monotonic() - 0.1:  # far behind: resynchronise
            nxt = time.monotonic() + 0.02
else:
    while not stop:
        time.sleep(0.2)

late.sort()
res = {"streams_sending": len(active) if mode == "talk" else 0,
       "packets_sent": sent,
       "tick_late_p99_ms": round(late[int(len(late) * 0.99)], 2) if late else None,
       "tick_late_max_ms": round(late[-1], 2) if late else None}
with open(os.path.join(d, "media.json"), "w") as f:
    json.dump(res, f)
