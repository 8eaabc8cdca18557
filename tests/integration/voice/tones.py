#!/usr/bin/env python3
"""tones.py - tones to tell the voices of a call apart (standard library).

  pcap FREQ SECONDS OUT       an RTP capture of PCMA (20 ms packets) of a
                              sine at FREQ Hz, for sipp's play_pcap_audio
  wav PATH FREQ...            a WAV's format and, for each channel, the
                              100 ms blocks where each FREQ dominates
  rx CAP PORT T0 T1 FREQ...   the same for the G.711 RTP sent to udp PORT
                              between the Unix times T0 and T1 in a pcap

Each analysis prints one JSON object. A tone "dominates" a 100 ms block
when at least a fifth of the block's energy sits in its Goertzel bin
(800 samples: 10 Hz bins, so 440, 1000 and 2000 Hz fall on a bin each);
two voices mixed each hold about half.
"""
import json
import math
import struct
import sys
import wave

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import voicetool  # noqa: E402  pcap_read, rtp_split

BLOCK = 800
SHARE = 0.2


def alaw_encode(x):
    """One 16-bit sample to A-law (G.711)."""
    sign = 0x80 if x >= 0 else 0
    if x < 0:
        x = -x - 1
    x = min(x, 32767) >> 3
    if x < 32:
        code = x >> 1
    else:
        seg = x.bit_length() - 5
        code = (seg << 4) | ((x >> seg) & 15)
    return (code | sign) ^ 0x55


def alaw_decode(b):
    b ^= 0x55
    seg = (b >> 4) & 7
    mant = b & 15
    v = (mant << 4) + 8 if seg == 0 else ((mant << 4) + 0x108) << (seg - 1)
    return v if b & 0x80 else -v


def ulaw_decode(b):
    b = ~b & 0xFF
    t = ((b & 15) << 3) + 0x84
    t <<= (b & 0x70) >> 4
    return (0x84 - t) if b & 0x80 else (t - 0x84)


def make_pcap(freq, seconds, out):
    """Ethernet/IPv4/UDP frames of RTP PCMA, 127.0.0.1:6000 -> :6002."""
    rec = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    n = int(seconds * 50)
    for k in range(n):
        pcm = [int(8000 * math.sin(2 * math.pi * freq * (k * 160 + i) / 8000.0))
               for i in range(160)]
        rtp = struct.pack(">BBHII", 0x80, 8, k & 0xFFFF, k * 160, 0x1234) + \
            bytes(alaw_encode(s) for s in pcm)
        udp = struct.pack(">HHHH", 6000, 6002, 8 + len(rtp), 0) + rtp
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), k & 0xFFFF, 0,
                         64, 17, 0, bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
        frame = b"\0" * 12 + b"\x08\x00" + ip + udp
        t = k * 0.02
        rec += struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(frame),
                           len(frame))
        rec += frame
    open(out, "wb").write(bytes(rec))


def goertzel_share(block, freq, rate=8000):
    """The share of the block's energy in the bin of freq."""
    k = round(len(block) * freq / rate)
    w = 2 * math.pi * k / len(block)
    c = 2 * math.cos(w)
    s1 = s2 = 0.0
    for x in block:
        s1, s2 = x + c * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - c * s1 * s2
    energy = sum(x * x for x in block)
    if energy < len(block) * 100 ** 2:  # quieter than -50 dB: silence
        return 0.0
    return 2 * power / (len(block) * energy)


def dominance(samples, freqs):
    """For each freq, the 100 ms blocks where it dominates; and blocks."""
    out = {str(f): 0 for f in freqs}
    blocks = 0
    for i in range(0, len(samples) - BLOCK + 1, BLOCK):
        blk = samples[i:i + BLOCK]
        blocks += 1
        for f in freqs:
            if goertzel_share(blk, f) >= SHARE:
                out[str(f)] += 1
    out["blocks"] = blocks
    return out


def wav_report(path, freqs):
    w = wave.open(path)
    ch, width, rate, n = (w.getnchannels(), w.getsampwidth(),
                          w.getframerate(), w.getnframes())
    raw = w.readframes(n)
    samples = struct.unpack("<%dh" % (len(raw) // 2), raw)
    rep = {"channels": ch, "sample_width": width, "rate": rate,
           "seconds": round(n / float(rate), 2)}
    for c in range(ch):
        rep["channel%d" % c] = dominance(samples[c::ch], freqs)
    print(json.dumps(rep))


def rx_report(cap, port, t0, t1, freqs):
    samples = []
    packets = 0
    for t, _s, _sp, _d, dp, payload, _a, _b in voicetool.pcap_read(cap):
        if dp != port or not t0 <= t <= t1:
            continue
        r = voicetool.rtp_split(payload)
        if not r or r[0] not in (0, 8):
            continue
        dec = alaw_decode if r[0] == 8 else ulaw_decode
        samples.extend(dec(b) for b in r[1])
        packets += 1
    rep = dominance(samples, freqs)
    rep["packets"] = packets
    print(json.dumps(rep))


def main():
    a = sys.argv[1:]
    if a[:1] == ["pcap"] and len(a) == 4:
        make_pcap(float(a[1]), float(a[2]), a[3])
    elif a[:1] == ["wav"] and len(a) >= 3:
        wav_report(a[1], [int(f) for f in a[2:]])
    elif a[:1] == ["rx"] and len(a) >= 6:
        rx_report(a[1], int(a[2]), float(a[3]), float(a[4]),
                  [int(f) for f in a[5:]])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
