#!/bin/sh
# web.sh - the REST API and the WebSocket under load (bench/web/load.mjs):
# AGENTS agent users (default 1000) signed in, each with its events
# WebSocket open; WORKERS concurrent clients (default 16) read the queues,
# read their own agent, and change their state (each change awaited on
# the agent's own WebSocket), SECONDS (default 10) per phase. Prints JSON:
# requests/s and p50/p99 latency per kind, event delivery time, and the
# event loop's lag per phase (the delay added to every call's audio).
# usage: bench/web.sh /path/to/centralino
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
AGENTS=${AGENTS:-1000}
WORKERS=${WORKERS:-16}
SECONDS_PER_PHASE=${SECONDS:-10}
T=$(mktemp -d)
daemon_pid=""
cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
ulimit -n 65536 2>/dev/null || true
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$T/c.yaml" "$PORT" "$AGENTS" "$T/c.db" <<'PY'
import ctypes, sys
path, port, n, db = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = ctypes.CDLL("libsodium.so.23"); s.sodium_init()
out = ctypes.create_string_buffer(128)
assert s.crypto_pwhash_str(out, b"pw", ctypes.c_ulonglong(2),
                           ctypes.c_ulonglong(1), ctypes.c_size_t(8192)) == 0
h = out.value.decode()
with open(path, "w") as f:
    f.write("tenants: [{name: bench}]\nqueues: [{name: q, tenant: bench}]\n")
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
"$bin" run --config "$T/c.yaml" >"$T/daemon.log" 2>&1 &
daemon_pid=$!
i=0
until grep -q "event=http.listening" "$T/daemon.log"; do
	i=$((i + 1))
	[ $i -le 200 ] || { tail "$T/daemon.log" >&2; exit 1; }
	sleep 0.1
done
# u1 is the supervisor: it reads the queues and watches a1's events
node --experimental-websocket --no-warnings "$(dirname "$0")/web/load.mjs" \
	"http://127.0.0.1:$PORT" "$AGENTS" "$WORKERS" "$SECONDS_PER_PHASE"
