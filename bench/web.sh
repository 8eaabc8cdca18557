#!/bin/sh
# web.sh - the REST API and the WebSocket under load (bench/web/load.mjs):
# AGENTS agent users (default 1000) signed in, each with its events
# WebSocket open; WORKERS concurrent clients (default 16) read the queues,
# read their own agent, and change their state (each change awaited on
# the agent's own WebSocket), SECONDS (default 10) per phase. Prints JSON:
# requests/s and p50/p99 latency per kind, event delivery time, and the
# event loop's lag per phase (the delay added to every call's audio).
# With CALLS=N (e.g. 500) the daemon also carries N calls, held in a
# queue nobody serves and hearing ringback (20 ms RTP each) from a sipp
# caller, during every phase: the loop lag is then the audio's.
# usage: bench/web.sh /path/to/centralino
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
AGENTS=${AGENTS:-1000}
CALLS=${CALLS:-0}
WORKERS=${WORKERS:-16}
SECONDS_PER_PHASE=${SECONDS:-10}
T=$(mktemp -d)
daemon_pid=""
sipp_pid=""
cleanup() {
	[ -n "$sipp_pid" ] && kill "$sipp_pid" 2>/dev/null
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
ulimit -n 65536 2>/dev/null || true
free_port() {
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
SIP=$(free_port)
python3 - "$T/c.yaml" "$PORT" "$AGENTS" "$T/c.db" "$CALLS" "$SIP" "$T" <<'PY'
import ctypes, sys
path, port, n, db = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
calls, sip, tdir = int(sys.argv[5]), sys.argv[6], sys.argv[7]
s = ctypes.CDLL("libsodium.so.23"); s.sodium_init()
out = ctypes.create_string_buffer(128)
assert s.crypto_pwhash_str(out, b"pw", ctypes.c_ulonglong(2),
                           ctypes.c_ulonglong(1), ctypes.c_size_t(8192)) == 0
h = out.value.decode()
with open(path, "w") as f:
    f.write("tenants: [{name: bench}]\nqueues: [{name: q, tenant: bench}, "
            "{name: hold, tenant: bench}]\n")
    if calls:
        rtp = (int(sip) + 2) // 2 * 2 + 2
        f.write("sip:\n  listen: [{transport: udp, address: \"127.0.0.1:%s\"}]\n"
                "  max_calls: %d\n  rtp_ports: %d-%d\n" % (sip, calls + 10,
                rtp, rtp + 2 * calls + 100))
        f.write("prompts: {cache: \"%s/prompts\"}\n" % tdir)
        f.write("trunks: [{name: p, tenant: bench, inbound: {from: [127.0.0.1]}}]\n")
        f.write("numbers: [{number: \"801\", tenant: bench, flow: hold}]\n")
        f.write("flows: [{name: hold, tenant: bench, start: w, "
                "nodes: {w: [{queue: hold}]}}]\n")
    f.write("store: {path: \"%s\"}\nhttp: {listen: \"127.0.0.1:%s\"}\n" % (db, port))
    f.write("agents:\n")
    for i in range(1, n + 1):
        f.write("  - {name: a%d, tenant: bench, queues: [q]}\n" % i)
    f.write("users:\n")
    for i in range(1, n + 1):
        f.write("  - {name: u%d, password_hash: \"%s\", role: %s, "
                "tenants: [bench]%s}\n" % (i, h,
                "supervisor" if i == 1 else "agent",
                "" if i == 1 else ", agent: a%d" % i))
PY
(cd "$T" && exec "$bin" run --config "$T/c.yaml") >"$T/daemon.log" 2>&1 &
daemon_pid=$!
i=0
until grep -q "event=http.listening" "$T/daemon.log"; do
	i=$((i + 1))
	[ $i -le 200 ] && kill -0 "$daemon_pid" 2>/dev/null ||
		{ tail "$T/daemon.log" >&2; exit 1; }
	sleep 0.1
done
if [ "$CALLS" -gt 0 ]; then
	# N callers held in a queue nobody serves; their RTP goes to the
	# discard port (nobody needs to hear it: the daemon sends it anyway)
	printf 'SEQUENTIAL\n9;\n' >"$T/media.csv"
	sed "s/@HOLD_MS@/3600000/" "$(dirname "$0")/voice/caller.xml" >"$T/caller.xml"
	sipp -ci 127.0.0.1 -i 127.0.0.1 -p "$(free_port)" -sf "$T/caller.xml" \
		-s 801 -inf "$T/media.csv" -r 200 -m "$CALLS" -l "$((CALLS + 10))" \
		-nostdin -bg 127.0.0.1:"$SIP" >"$T/sipp.out" 2>&1 || true
	sipp_pid=$(sed -n "s/.*PID=\[\([0-9]*\)\].*/\1/p" "$T/sipp.out")
	i=0
	until [ "$(grep -c "event=call.incoming" "$T/daemon.log")" -ge "$CALLS" ]; do
		i=$((i + 1))
		[ $i -le 600 ] || { echo "web.sh: only $(grep -c "event=call.incoming" "$T/daemon.log") of $CALLS calls up" >&2; exit 1; }
		sleep 0.1
	done
	echo "web.sh: $CALLS calls held" >&2
fi
# u1 is the supervisor: it reads the queues and watches a1's events
node --experimental-websocket --no-warnings "$(dirname "$0")/web/load.mjs" \
	"http://127.0.0.1:$PORT" "$AGENTS" "$WORKERS" "$SECONDS_PER_PHASE"
