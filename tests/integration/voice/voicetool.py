#!/usr/bin/env python3
"""voicetool.py - helpers of the voice integration tests (standard library only).

  ports N SPAN            N free blocks of SPAN ports on loopback (bases)
  pcapxor IN OUT          copy an RTP pcap with every payload byte XOR 0x80
                          (A-law with the sign flipped: other audio, other bytes)
  rtpcheck CAP ...        prove audio crossed the bridge (see rtp_check)
  alawwav PCAP WAV        the A-law RTP audio of PCAP as a 16-bit 8 kHz WAV
                          (a softphone that sends it encodes the same bytes)
  srtpcheck CAP ...       prove the agent's leg is SRTP (see srtp_check)
  heardcheck CAP PORT PCAP  packets to PORT carry PCAP's audio (>= 20)
  wavloud WAV             a WAV holds sound, not silence (RMS >= 500)
  wavcheck WAV PCAP       a WAV recorded by a phone holds PCAP's A-law audio
  tlsphone PORT USER PASS CA SECONDS
                          a phone over TLS that answers plain RTP: registers,
                          answers an INVITE with RTP/AVP and no a=crypto,
                          prints what it saw (invite, savp, crypto, ack, bye)
  bridgecheck CAP ...     the same for a call the daemon made (bridge_check)
  options PORT [udp|tcp]  send OPTIONS, print the status line, exit 0 on 200
  junk PORT               send malformed SIP over UDP and TCP
  badsdp PORT             INVITE 800 with an unparsable SDP; print the status
"""
import random
import socket
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # audioop
import struct
import sys
import time

# ---- ports -----------------------------------------------------------------


def port_free(port):
    for host in ("127.0.0.1", "127.0.0.2"):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind((host, port))
            except OSError:
                return False
            finally:
                s.close()
    return True


def ephemeral_low():
    """The first port the kernel gives to sockets bound to port 0."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def ports(n, span):
    """n bases b (even) such that b..b+span-1 are free, not overlapping,
    below the ephemeral range: a port found free there can be taken by
    any client socket (curl, a peer's second socket) before sipp binds
    it, which made phones fail with "Address already in use"."""
    rng = random.Random()
    top = max(ephemeral_low(), 16000 + 64 * span) - span
    out = []
    for _ in range(2000):
        if len(out) == n:
            break
        b = rng.randrange(12000, top) & ~7
        if any(abs(b - o) < span + 8 for o in out):
            continue
        if all(port_free(p) for p in range(b, b + span)):
            out.append(b)
    if len(out) < n:
        sys.exit("voicetool: no free ports")
    print(" ".join(map(str, out)))


# ---- pcap ------------------------------------------------------------------


def pcap_read(path):
    """Yield (time, src_ip, sport, dst_ip, dport, udp_payload, frame, off)."""
    data = open(path, "rb").read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise SystemExit("voicetool: %s: not a pcap file" % path)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", data[20:24])[0]
    pos = 24
    while pos + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(e + "IIII", data[pos:pos + 16])
        pos += 16
        frame = data[pos:pos + incl]
        start = pos
        pos += incl
        t = sec + frac / (1e9 if nano else 1e6)
        if linktype == 1:  # Ethernet
            if len(frame) < 14:
                continue
            ethertype = struct.unpack(">H", frame[12:14])[0]
            off = 14
            if ethertype == 0x8100:
                ethertype = struct.unpack(">H", frame[16:18])[0]
                off = 18
            if ethertype != 0x0800:
                continue
        elif linktype == 113:  # Linux cooked
            off = 16
        elif linktype == 276:  # Linux cooked v2
            off = 20
        elif linktype == 0:  # BSD loopback
            off = 4
        elif linktype in (12, 101):  # raw IP
            off = 0
        else:
            continue
        ip = frame[off:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        udp = ip[ihl:]
        if len(udp) < 8:
            continue
        sport, dport, ulen = struct.unpack(">HHH", udp[:6])
        yield (t, socket.inet_ntoa(ip[12:16]), sport, socket.inet_ntoa(ip[16:20]),
               dport, udp[8:ulen], start, off + ihl)


def rtp_split(payload):
    """(payload type, RTP payload) or None when not RTP version 2."""
    if len(payload) < 12 or payload[0] >> 6 != 2:
        return None
    cc = payload[0] & 15
    hdr = 12 + 4 * cc
    if payload[0] & 0x10 and len(payload) >= hdr + 4:
        hdr += 4 + 4 * struct.unpack(">H", payload[hdr + 2:hdr + 4])[0]
    return payload[1] & 0x7F, payload[hdr:]


def pcapxor(src, dst):
    data = bytearray(open(src, "rb").read())
    n = 0
    for _t, _s, _sp, _d, _dp, udp_payload, start, udp_off in list(pcap_read(src)):
        r = rtp_split(udp_payload)
        if not r:
            continue
        body_off = start + udp_off + 8 + (len(udp_payload) - len(r[1]))
        for i in range(body_off, body_off + len(r[1])):
            data[i] ^= 0x80
        # no UDP checksum (valid in IPv4): the payload changed
        data[start + udp_off + 6:start + udp_off + 8] = b"\0\0"
        n += 1
    open(dst, "wb").write(bytes(data))
    if not n:
        sys.exit("voicetool: no RTP in %s" % src)


WIN = 16


def audio_windows(path):
    """Every WIN-byte run of the RTP audio (payload types < 96) in path."""
    stream = b"".join(r[1] for p in pcap_read(path)
                      for r in [rtp_split(p[5])] if r and r[0] < 96)
    return {stream[i:i + WIN] for i in range(len(stream) - WIN + 1)}


def carries(body, windows, other):
    """Does this packet's audio come from windows' source (not other's)?"""
    hits = miss = 0
    for i in range(0, len(body) - WIN + 1, WIN):
        w = body[i:i + WIN]
        if len(set(w)) <= 2:  # silence looks alike everywhere
            continue
        if w in windows and w not in other:
            hits += 1
        else:
            miss += 1
    return hits >= 2 and hits >= miss


def iso_to_epoch(ts):
    # 2026-11-23T21:17:23.850Z, UTC
    import calendar
    date, rest = ts.rstrip("Z").split("T")
    hms, _, ms = rest.partition(".")
    t = calendar.timegm(time.strptime(date + "T" + hms, "%Y-%m-%dT%H:%M:%S"))
    return t + (int(ms) / 1000.0 if ms else 0.0)


def rtp_check(args):
    """rtpcheck CAP CALLER_PORT AGENT_PORT CALLER_PCAP AGENT_PCAP [BRIDGED_TS]

    CALLER_PORT and AGENT_PORT are the two sipp media ports. Checks:
    the caller heard the daemon before pressing a key (welcome prompt) and
    between the key and the bridge (music or ringback); the caller received
    the agent's audio; the agent received the caller's audio."""
    cap, cport, aport, cpcap, apcap = args[:5]
    cport, aport = int(cport), int(aport)
    bridged = iso_to_epoch(args[5]) if len(args) > 5 else None
    cwin, awin = audio_windows(cpcap), audio_windows(apcap)
    to_caller = []  # (t, pt, body)
    to_agent = []
    dtmf = []
    for t, _s, sp, _d, dp, payload, _a, _b in pcap_read(cap):
        r = rtp_split(payload)
        if not r:
            continue
        if dp == cport:
            to_caller.append((t, r[0], r[1]))
        elif dp == aport:
            to_agent.append((t, r[0], r[1]))
        elif sp == cport and r[0] >= 96:
            dtmf.append(t)
    agent_heard = [p for p in to_caller if carries(p[2], awin, cwin)]
    caller_heard = [p for p in to_agent if carries(p[2], cwin, awin)]
    echo = [p for p in to_caller if carries(p[2], cwin, awin)]
    first_key = min(dtmf) if dtmf else None
    last_key = max(dtmf) if dtmf else None
    prompt = [p for p in to_caller if first_key and p[0] < first_key]
    end_wait = bridged or (agent_heard[0][0] if agent_heard else None)
    hold = [p for p in to_caller
            if last_key and end_wait and last_key < p[0] < end_wait]
    report = {
        "rtp_to_caller": len(to_caller), "rtp_to_agent": len(to_agent),
        "dtmf_packets_from_caller": len(dtmf),
        "prompt_before_key": len(prompt), "hold_before_bridge": len(hold),
        "agent_audio_at_caller": len(agent_heard),
        "caller_audio_at_agent": len(caller_heard),
        "caller_audio_echoed_to_caller": len(echo),
    }
    print(" ".join("%s=%s" % kv for kv in report.items()))
    errors = []
    if not dtmf:
        errors.append("no telephone-event packets from the caller captured")
    if len(prompt) < 10:
        errors.append("caller got %d RTP packets before pressing a key "
                      "(welcome prompt), expected >= 10" % len(prompt))
    if len(hold) < 10:
        errors.append("caller got %d RTP packets between the key and the "
                      "bridge (music/ringback), expected >= 10" % len(hold))
    if len(agent_heard) < 20:
        errors.append("caller received %d packets of the agent's audio, "
                      "expected >= 20" % len(agent_heard))
    if len(caller_heard) < 20:
        errors.append("agent received %d packets of the caller's audio, "
                      "expected >= 20" % len(caller_heard))
    for e in errors:
        print("rtpcheck: " + e, file=sys.stderr)
    sys.exit(1 if errors else 0)


def alaw_stream(path):
    return b"".join(r[1] for p in pcap_read(path)
                    for r in [rtp_split(p[5])] if r and r[0] == 8)


def alaw_wav(pcap, wav):
    import audioop
    import wave
    pcm = audioop.alaw2lin(alaw_stream(pcap), 2)
    with wave.open(wav, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(pcm)


def plain_windows(body, windows):
    """How many of body's non-silent WIN-byte runs are in windows."""
    n = 0
    for i in range(0, len(body) - WIN + 1, WIN):
        w = body[i:i + WIN]
        if len(set(w)) > 2 and w in windows:
            n += 1
    return n


def srtp_check(args):
    """srtpcheck CAP CALLER_PORT AGENT_PORT CALLER_PCAP AGENT_PCAP

    AGENT_PORT is the softphone's RTP port, CALLER_PORT sipp's. Checks:
    RTP flowed both ways on the agent's leg, none of it carries either
    side's known A-law audio in the clear (it is SRTP: payload encrypted,
    an authentication tag at the end), and the caller received the
    agent's audio, which the daemon could only have decrypted."""
    cap, cport, aport, cpcap, apcap = args[:5]
    cport, aport = int(cport), int(aport)
    cwin, awin = audio_windows(cpcap), audio_windows(apcap)
    to_agent, from_agent, to_caller = [], [], []
    for _t, _s, sp, _d, dp, payload, _a, _b in pcap_read(cap):
        r = rtp_split(payload)
        if not r:
            continue
        if dp == aport:
            to_agent.append((payload, r[1]))
        elif sp == aport:
            from_agent.append((payload, r[1]))
        elif dp == cport:
            to_caller.append(r[1])
    clear = sum(1 for p in to_agent + from_agent
                if plain_windows(p[1], cwin) + plain_windows(p[1], awin))
    agent_heard = [b for b in to_caller if carries(b, awin, cwin)]
    sizes = sorted({len(p[0]) for p in to_agent + from_agent})
    report = {
        "rtp_to_agent": len(to_agent), "rtp_from_agent": len(from_agent),
        "agent_leg_clear_audio": clear,
        "agent_leg_sizes": ",".join(map(str, sizes[:4])),
        "agent_audio_at_caller": len(agent_heard),
    }
    print(" ".join("%s=%s" % kv for kv in report.items()))
    errors = []
    if len(to_agent) < 50 or len(from_agent) < 50:
        errors.append("too little RTP on the agent's leg")
    if clear:
        errors.append("%d packets of the agent's leg carry known audio "
                      "in the clear" % clear)
    if len(agent_heard) < 20:
        errors.append("caller received %d packets of the agent's audio, "
                      "expected >= 20" % len(agent_heard))
    for e in errors:
        print("srtpcheck: " + e, file=sys.stderr)
    sys.exit(1 if errors else 0)


def heard_check(cap, port, pcap):
    win = audio_windows(pcap)
    n = total = 0
    for _t, _s, _sp, _d, dp, payload, _a, _b in pcap_read(cap):
        r = rtp_split(payload)
        if r and dp == int(port):
            total += 1
            n += carries(r[1], win, set())
    print("rtp=%d carrying_source=%d" % (total, n))
    sys.exit(0 if n >= 20 else 1)


def wav_loud(wav):
    import audioop
    import wave
    with wave.open(wav, "rb") as w:
        pcm = w.readframes(w.getnframes())
        rms = audioop.rms(pcm, w.getsampwidth()) if pcm else 0
    print("samples=%d rms=%d" % (len(pcm) // 2, rms))
    sys.exit(0 if rms >= 500 else 1)


def wav_check(wav, pcap):
    import audioop
    import wave
    with wave.open(wav, "rb") as w:
        pcm = w.readframes(w.getnframes())
        width = w.getsampwidth()
    body = audioop.lin2alaw(pcm, width)
    hits = plain_windows(body, audio_windows(pcap))
    print("wav_windows_of_source=%d" % hits)
    sys.exit(0 if hits >= 50 else 1)


def bridge_check(args):
    """bridgecheck CAP A_PORT B_PORT A_PCAP B_PCAP

    A call the daemon made itself (a callback: no keys, no prompt before
    the bridge): A received at least 20 packets of B's audio and B at
    least 20 of A's."""
    cap, aport, bport, apcap, bpcap = args[:5]
    aport, bport = int(aport), int(bport)
    awin, bwin = audio_windows(apcap), audio_windows(bpcap)
    to_a = [r[1] for _t, _s, _sp, _d, dp, payload, _x, _y in pcap_read(cap)
            for r in [rtp_split(payload)] if r and dp == aport]
    to_b = [r[1] for _t, _s, _sp, _d, dp, payload, _x, _y in pcap_read(cap)
            for r in [rtp_split(payload)] if r and dp == bport]
    b_at_a = sum(1 for body in to_a if carries(body, bwin, awin))
    a_at_b = sum(1 for body in to_b if carries(body, awin, bwin))
    print("rtp_to_a=%d rtp_to_b=%d b_audio_at_a=%d a_audio_at_b=%d"
          % (len(to_a), len(to_b), b_at_a, a_at_b))
    if b_at_a < 20 or a_at_b < 20:
        print("bridgecheck: expected >= 20 packets of each side's audio at "
              "the other", file=sys.stderr)
        sys.exit(1)
    sys.exit(0)


# ---- SIP over sockets ------------------------------------------------------


def request(method, port, transport, extra="", body=b"", uri=None, ruri_user=""):
    branch = "z9hG4bK%08x" % random.getrandbits(32)
    uri = uri or "sip:%s127.0.0.1:%d" % (ruri_user + "@" if ruri_user else "", port)
    head = ("%s %s SIP/2.0\r\n"
            "Via: SIP/2.0/%s 127.0.0.1:%%d;branch=%s;rport\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:probe@127.0.0.1>;tag=%08x\r\n"
            "To: <%s>\r\n"
            "Call-ID: %08x@voicetool\r\n"
            "CSeq: 1 %s\r\n"
            "Contact: <sip:probe@127.0.0.1:%%d>\r\n"
            "%s"
            "Content-Length: %d\r\n\r\n") % (
                method, uri, transport.upper(), branch,
                random.getrandbits(32), uri, random.getrandbits(32), method,
                extra, len(body))
    return head, body


def exchange(port, transport, make, wait=2.0, until_final=True):
    """Send make(local_port) and collect status lines until a final one."""
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    s.settimeout(wait)
    lp = s.getsockname()[1]
    if transport == "tcp":
        s.connect(("127.0.0.1", port))
    msg = make(lp)
    if transport == "udp":
        s.sendto(msg, ("127.0.0.1", port))
    else:
        s.sendall(msg)
    statuses, buf = [], b""
    deadline = time.time() + wait
    try:
        while time.time() < deadline:
            data = s.recv(65535)
            if not data:
                break
            buf += data
            while b"\r\n\r\n" in buf:
                head, _, buf = buf.partition(b"\r\n\r\n")
                first = head.split(b"\r\n", 1)[0].decode("latin-1")
                statuses.append((first, head.decode("latin-1")))
                if until_final and first.startswith("SIP/2.0 ") and \
                        not first.startswith("SIP/2.0 1"):
                    return statuses
    except socket.timeout:
        pass
    finally:
        s.close()
    return statuses


def options(port, transport="udp"):
    port = int(port)
    def make(lp):
        head, body = request("OPTIONS", port, transport)
        return (head % (lp, lp)).encode() + body
    st = exchange(int(port), transport, make)
    for first, _ in st:
        print(first)
    sys.exit(0 if st and st[-1][0].startswith("SIP/2.0 200") else 1)


def junk_messages(port):
    h, _ = request("OPTIONS", port, "udp")
    good = h % (5, 5)
    head_only = good.split("Content-Length")[0]
    return [
        b"",
        b"\r\n\r\n",
        bytes(random.getrandbits(8) for _ in range(400)),
        b"\xff\xfe\xfd garbage \x80\x81\x82\r\n\r\n",
        b"INVITE sip:800@127.0.0.1\r\n\r\n",  # no version
        b"OPTIONS sip:800@127.0.0.1 SIP/2.0\r\n\r\n",  # no headers at all
        good[:len(good) // 2].encode(),  # truncated in the headers
        (head_only + "Content-Length: 4294967295\r\n\r\nshort").encode(),
        (head_only + "Content-Length: 99999999999999999999\r\n\r\nx").encode(),
        (head_only + "Content-Length: -5\r\n\r\n").encode(),
        good.replace("From: <sip:probe@", "From: \"\xff\xfe\xc3\x28\" <sip:\xe9\xff@")
            .encode("latin-1"),
        good.replace("CSeq: 1 OPTIONS", "CSeq: x OPTIONS").encode(),
        good.replace("Via: SIP/2.0/UDP", "Via: SIP/9.9/FOO").encode(),
        ("REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5\r\n"
         "Contact: <<<<>>>>\r\nTo: \r\nFrom: \r\nCall-ID: \r\nCSeq: 1 REGISTER\r\n"
         "Authorization: Digest username=\"" + "A" * 3000 + "\", realm=\r\n"
         "\r\n").encode(),
        b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5;branch=z9hG4bKnone\r\n\r\n",
        b"A" * 60000,
    ]


def junk(port):
    port = int(port)
    msgs = junk_messages(port)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for m in msgs:
        u.sendto(m, ("127.0.0.1", port))
    u.close()
    for m in msgs[1:]:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.settimeout(1.0)
        try:
            t.connect(("127.0.0.1", port))
            t.sendall(m)
        except OSError:
            pass
        finally:
            t.close()
    print("junk: sent %d messages over UDP and TCP" % len(msgs))


def badsdp(port):
    """INVITE 800 from the trunk address with an SDP that is not SDP."""
    port = int(port)
    body = b"v=0\r\nthis is not sdp\r\nm=audio nope RTP/AVP\r\n"

    def make(lp):
        head, b = request("INVITE", port, "udp",
                          "Content-Type: application/sdp\r\n", body,
                          ruri_user="800")
        return (head % (lp, lp)).encode() + b
    st = exchange(port, "udp", make, wait=4.0)
    for first, _ in st:
        print(first)


# ---- a phone over TLS (voice_srtp) -----------------------------------------


def sip_read(f):
    """One SIP message from a buffered stream: (first line, headers, body)."""
    line = f.readline()
    while line in (b"\r\n", b"\n"):  # keep-alive CRLFs
        line = f.readline()
    if not line:
        return None
    hdrs = []
    while True:
        h = f.readline()
        if h in (b"\r\n", b"\n", b""):
            break
        name, _, val = h.decode("latin-1").partition(":")
        hdrs.append((name.strip(), val.strip()))
    clen = int(next((v for n, v in hdrs if n.lower() in
                     ("content-length", "l")), "0"))
    body = f.read(clen) if clen else b""
    return line.decode("latin-1").strip(), hdrs, body


def hdr(hdrs, name):
    return next((v for n, v in hdrs if n.lower() == name.lower()), "")


def digest(user, pw, method, uri, chall):
    import hashlib
    import re
    f = dict(re.findall(r'(\w+)="?([^",]*)"?', chall))
    md5 = lambda x: hashlib.md5(x.encode()).hexdigest()
    ha1 = md5("%s:%s:%s" % (user, f["realm"], pw))
    ha2 = md5("%s:%s" % (method, uri))
    cnonce, nc = "%08x" % random.getrandbits(32), "00000001"
    resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, f["nonce"], nc, cnonce, ha2))
    out = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
           'response="%s", algorithm=MD5, qop=auth, nc=%s, cnonce="%s"'
           % (user, f["realm"], f["nonce"], uri, resp, nc, cnonce))
    if "opaque" in f:
        out += ', opaque="%s"' % f["opaque"]
    return out


def tls_phone(port, user, pw, ca, seconds):
    import ssl
    ctx = ssl.create_default_context(cafile=ca)
    raw = socket.create_connection(("127.0.0.1", int(port)))
    sock = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
    sock.settimeout(float(seconds))
    f = sock.makefile("rb")
    lport = sock.getsockname()[1]
    me = "sip:%s@127.0.0.1:%d;transport=tls" % (user, lport)
    uri = "sip:127.0.0.1:%s;transport=tls" % port
    callid = "%x@tlsphone" % random.getrandbits(48)

    def register(cseq, auth=""):
        sock.sendall((
            "REGISTER %s SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:%d;rport;"
            "branch=z9hG4bK%x\r\nMax-Forwards: 70\r\n"
            "From: <sip:%s@127.0.0.1>;tag=t%d\r\nTo: <sip:%s@127.0.0.1>\r\n"
            "Call-ID: %s\r\nCSeq: %d REGISTER\r\nContact: <%s>\r\n"
            "Expires: 600\r\n%sContent-Length: 0\r\n\r\n"
            % (uri, lport, random.getrandbits(40), user, cseq, user, callid,
               cseq, me, auth)).encode())

    register(1)
    while True:
        first, hdrs, _ = sip_read(f)
        if first.startswith("SIP/2.0 401"):
            register(2, "Authorization: %s\r\n" % digest(
                user, pw, "REGISTER", uri, hdr(hdrs, "WWW-Authenticate")))
        elif first.startswith("SIP/2.0 200"):
            print("registered", flush=True)
            break
        else:
            sys.exit("tlsphone: REGISTER answered %s" % first)
    sdp = ("v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
           "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n"
           "a=rtpmap:8 PCMA/8000\r\n")
    while True:
        msg = sip_read(f)
        if not msg:
            break
        first, hdrs, body = msg
        method = first.split(" ")[0]
        if method == "INVITE":
            print("invite savp=%d crypto=%d" % (b"RTP/SAVP" in body,
                                                b"a=crypto:" in body),
                  flush=True)
        elif method in ("ACK", "BYE"):
            print(method.lower(), flush=True)
        if method in ("INVITE", "BYE", "OPTIONS"):
            extra = ""
            to = hdr(hdrs, "To")
            if method == "INVITE":
                to += ";tag=ph%x" % random.getrandbits(32)
                extra = ("Contact: <%s>\r\nContent-Type: application/sdp\r\n"
                         % me)
            vias = "".join("Via: %s\r\n" % v for n, v in hdrs
                           if n.lower() in ("via", "v"))
            rrs = "".join("Record-Route: %s\r\n" % v for n, v in hdrs
                          if n.lower() == "record-route")
            payload = sdp if method == "INVITE" else ""
            sock.sendall((
                "SIP/2.0 200 OK\r\n%s%sFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\n"
                "CSeq: %s\r\n%sContent-Length: %d\r\n\r\n%s"
                % (vias, rrs, hdr(hdrs, "From"), to, hdr(hdrs, "Call-ID"),
                   hdr(hdrs, "CSeq"), extra, len(payload), payload)).encode())
        if method == "BYE":
            break


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "ports":
        ports(int(args[0]), int(args[1]))
    elif cmd == "pcapxor":
        pcapxor(args[0], args[1])
    elif cmd == "bridgecheck":
        bridge_check(args)
    elif cmd == "rtpcheck":
        rtp_check(args)
    elif cmd == "alawwav":
        alaw_wav(args[0], args[1])
    elif cmd == "srtpcheck":
        srtp_check(args)
    elif cmd == "heardcheck":
        heard_check(args[0], args[1], args[2])
    elif cmd == "wavloud":
        wav_loud(args[0])
    elif cmd == "wavcheck":
        wav_check(args[0], args[1])
    elif cmd == "tlsphone":
        tls_phone(*args[:5])
    elif cmd == "options":
        options(args[0], args[1] if len(args) > 1 else "udp")
    elif cmd == "junk":
        junk(args[0])
    elif cmd == "badsdp":
        badsdp(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
