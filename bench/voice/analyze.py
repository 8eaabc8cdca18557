#!/usr/bin/env python3
"""analyze.py - RTP timing of a loopback capture (standard library only).

  analyze.py CAP T0 T1 [--counter] [--min-packets N]

CAP: a tcpdump of the daemon's outgoing RTP (linktype EN10MB, as lo).
Streams are keyed by (daemon port, destination port); only packets with
T0 <= time < T1 (epoch seconds) count, and streams with fewer than
--min-packets in the window (default: half the expected) are left out
(calls starting or ending in the window).
Per stream: inter-packet gaps; lost packets = holes in the RTP sequence
numbers, or with --counter in the 32-bit counter that media.py puts at
the start of each payload (so losses before the daemon count), plus,
without --counter, the 20 ms frames the daemon never sent (its music
tick skips frames when it falls behind): the stream's span in frames
minus the packets seen. A late packet followed by an early one is
jitter, not loss. Bursts: all the daemon's packets in time order, cut
where more than 1 ms passes without one; a burst's length (first to last
packet) is how long a tick took to send, preemptions included. Prints
one JSON object.
"""
import json
import struct
import sys


def main():
    cap, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    counter = "--counter" in sys.argv
    minp = None
    if "--min-packets" in sys.argv:
        minp = int(sys.argv[sys.argv.index("--min-packets") + 1])
    data = open(cap, "rb").read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        end, nano = "<", False
    elif magic == b"\x4d\x3c\xb2\xa1":
        end, nano = "<", True
    else:
        sys.exit("analyze: not a pcap")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    l2 = 14 if linktype == 1 else 16 if linktype == 113 else 0
    div = 1e9 if nano else 1e6
    rec = struct.Struct(end + "IIII")
    streams = {}
    times = []
    off, n = 24, len(data)
    total = 0
    while off + 16 <= n:
        sec, frac, incl, _ = rec.unpack_from(data, off)
        off += 16
        fr = off
        off += incl
        t = sec + frac / div
        if t < t0 or t >= t1:
            continue
        ip = fr + l2
        if data[ip] >> 4 != 4 or data[ip + 9] != 17:
            continue
        udp = ip + (data[ip] & 15) * 4
        sport, dport = struct.unpack_from("!HH", data, udp)
        rtp = udp + 8
        if rtp + 16 > fr + incl:
            continue
        seq = struct.unpack_from("!H", data, rtp + 2)[0]
        cnt = struct.unpack_from("!I", data, rtp + 12)[0]
        streams.setdefault((sport, dport), []).append((t, seq, cnt))
        times.append(t)
        total += 1
    expected = (t1 - t0) / 0.02
    if minp is None:
        minp = int(expected / 2)
    gaps = []
    lost = 0
    skipped = 0
    counted = 0
    used = 0
    for pk in streams.values():
        if len(pk) < minp:
            continue
        used += 1
        pk.sort()
        counted += len(pk)
        for (ta, sa, ca), (tb, sb, cb) in zip(pk, pk[1:]):
            g = (tb - ta) * 1000.0
            gaps.append(g)
            if counter:
                # a jump of more than 5 s is another source on the same
                # ports (music before the bridge, a port reused): not loss
                if 0 < cb - ca <= 250:
                    lost += cb - ca - 1
            else:
                lost += (sb - sa - 1) & 0xFFFF
        if not counter:
            # frames the daemon never sent (its tick skips when it falls
            # behind): the stream's span in 20 ms frames against the count
            frames = int(round((pk[-1][0] - pk[0][0]) / 0.02)) + 1
            skipped += max(0, frames - len(pk))
    gaps.sort()

    def pct(p):
        return round(gaps[min(len(gaps) - 1, int(len(gaps) * p))], 2) if gaps else None

    times.sort()
    bursts = []
    start = prev = times[0] if times else 0.0
    for t in times[1:]:
        if t - prev > 0.001:
            bursts.append((prev - start) * 1000.0)
            start = t
        prev = t
    bursts.sort()

    def bpct(p):
        return round(bursts[min(len(bursts) - 1, int(len(bursts) * p))], 2) if bursts else None

    missing = lost + skipped
    res = {
        "streams": used,
        "streams_partial": len(streams) - used,
        "packets": counted,
        "gap_p50_ms": pct(0.50),
        "gap_p99_ms": pct(0.99),
        "gap_p999_ms": pct(0.999),
        "gap_max_ms": round(gaps[-1], 2) if gaps else None,
        "gaps_over_40ms": sum(1 for g in gaps if g > 40.0),
        "bursts_per_s": round(len(bursts) / (t1 - t0), 1),
        "burst_p50_ms": bpct(0.50),
        "burst_p99_ms": bpct(0.99),
        "lost": missing,
        "loss": round(missing / (counted + missing), 6) if counted + missing else None,
    }
    print(json.dumps(res))


main()
