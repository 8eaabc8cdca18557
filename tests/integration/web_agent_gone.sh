#!/bin/sh
# web_agent_gone: an agent's desktop (events WebSocket) that closes and
# comes back within http.agent_grace keeps its chats; one that does not
# come back gives them back to the queue at their place, and the agent
# is set not ready (tests/integration/web/agent_gone.mjs, Node's own
# WebSocket client).
# Usage (from the repository root): sh tests/integration/web_agent_gone.sh BIN
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d)
daemon_pid=""
cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() {
	echo "FAIL web_agent_gone: $*" >&2
	tail -n 20 "$T/daemon.log" >&2 2>/dev/null
	exit 1
}
node --experimental-websocket -e 'new WebSocket("ws://127.0.0.1:9")' 2>/dev/null ||
	fail "node with a WebSocket client is missing (scripts/install-deps)"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
set -- $(python3 - <<'PY'
import ctypes
s = ctypes.CDLL("libsodium.so.23"); s.sodium_init()
out = ctypes.create_string_buffer(128)
for pw in (b"maria-pw", b"sup-pw"):
    assert s.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                               ctypes.c_ulonglong(1), ctypes.c_size_t(8192)) == 0
    print(out.value.decode(), end=" ")
PY
)
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}]
queues: [{name: info, tenant: demo, web_chat: true}]
agents: [{name: agent1, tenant: demo, queues: [info]}]
store: {path: "$T/c.db"}
http:
  listen: "127.0.0.1:$PORT"
  agent_grace: 1s
users:
  - {name: maria, password_hash: "$1", role: agent, tenants: [demo], agent: agent1}
  - {name: sup, password_hash: "$2", role: supervisor, tenants: [demo]}
EOF2
"$BIN" run --config "$T/c.yaml" >"$T/daemon.log" 2>&1 &
daemon_pid=$!
i=0
until grep -q "event=http.listening" "$T/daemon.log"; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "the daemon did not listen within 10 s"
	kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
	sleep 0.1
done
timeout 60 node --experimental-websocket --no-warnings \
	tests/integration/web/agent_gone.mjs "http://127.0.0.1:$PORT" "$T/daemon.log" ||
	fail "see above"
echo "web_agent_gone: ok"
