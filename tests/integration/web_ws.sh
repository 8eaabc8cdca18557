#!/bin/sh
# web_ws: the real-time side of `centralino run` on loopback. A real
# WebSocket client (Node's, tests/integration/web/ws_client.mjs) gets an
# agent's change pushed, disconnects, misses changes, resumes and gets
# exactly those in order; another tenant sees none of them; a token of
# another epoch gets a reset; a cookie WebSocket needs our Origin; logout
# closes the socket. Then the browser session with curl: cookie, CSRF,
# logout.
# Usage (from the repository root): sh tests/integration/web_ws.sh BIN
set -u
BIN=${1:?usage: web_ws.sh /path/to/centralino}
T=$(mktemp -d)
daemon_pid=""

cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL web_ws: $*" >&2
	[ -f "$T/daemon.log" ] && tail -n 20 "$T/daemon.log" >&2
	exit 1
}
ok() { echo "ok   web_ws: $*"; }

command -v curl >/dev/null || fail "curl is not installed (scripts/install-deps)"
command -v node >/dev/null || fail "node is not installed (scripts/install-deps)"
node --experimental-websocket -e 'new WebSocket("ws://127.0.0.1:9")' 2>/dev/null ||
	fail "this node has no WebSocket client (Node 20 or later is needed)"

# A free loopback port: the kernel picks it.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
	fail "no free port"
BASE="http://127.0.0.1:$PORT"

# An argon2id hash through libsodium itself (cheap parameters: a test).
hash() {
	python3 - "$1" <<'PY' || fail "cannot hash a password with libsodium"
import ctypes, sys
s = ctypes.CDLL("libsodium.so.23")
s.sodium_init()
out = ctypes.create_string_buffer(128)
pw = sys.argv[1].encode()
if s.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                       ctypes.c_ulonglong(1), ctypes.c_size_t(8192)) != 0:
    sys.exit(1)
print(out.value.decode())
PY
}

cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}, {name: other}]
queues:
  - {name: info, tenant: demo}
  - {name: sales, tenant: other}
agents:
  - {name: agent1, tenant: demo, queues: [info]}
  - {name: agent2, tenant: demo, queues: [info]}
  - {name: agent9, tenant: other, queues: [sales]}
http:
  listen: "127.0.0.1:$PORT"
users:
  - {name: admin, password_hash: "$(hash admin-pw)", role: administrator,
     tenants: [demo, other]}
  - {name: sup, password_hash: "$(hash sup-pw)", role: supervisor,
     tenants: [demo]}
  - {name: olga, password_hash: "$(hash olga-pw)", role: supervisor,
     tenants: [other]}
  - {name: maria, password_hash: "$(hash maria-pw)", role: agent,
     tenants: [demo], agent: agent1}
EOF2

"$BIN" check-config "$T/c.yaml" >"$T/check.log" 2>&1 ||
	fail "the test configuration is refused: $(cat "$T/check.log")"
"$BIN" run --config "$T/c.yaml" >"$T/daemon.log" 2>&1 &
daemon_pid=$!

i=0
until grep -q "event=http.listening" "$T/daemon.log"; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "the daemon did not listen within 10 s"
	kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
	sleep 0.1
done

timeout 90 node --experimental-websocket tests/integration/web/ws_client.mjs "$BASE" ||
	fail "the WebSocket client failed"

# The browser session with curl: a cookie jar, the CSRF token.
J="$T/jar"
s=$(curl -s -c "$J" -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary '{"user":"sup","password":"sup-pw","session":"cookie"}' "$BASE/api/v1/login")
[ "$s" = 200 ] || fail "cookie login: $s $(cat "$T/body")"
grep -q '"token"' "$T/body" && fail "a cookie login shows the token to the page: $(cat "$T/body")"
CSRF=$(sed -n 's/.*"csrf_token":"\([0-9a-f]\{64\}\)".*/\1/p' "$T/body")
[ -n "$CSRF" ] || fail "no csrf_token in $(cat "$T/body")"
grep -q '#HttpOnly_127.0.0.1.*centralino_session' "$J" || fail "the cookie is not HttpOnly: $(cat "$J")"
s=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$BASE/api/v1/agents")
[ "$s" = 200 ] || fail "GET with the cookie: $s"
s=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' -X PUT --data-binary '{"state":"ready"}' \
	"$BASE/api/v1/agents/demo/agent2/state")
[ "$s" = 403 ] && grep -q '"csrf"' "$T/body" || fail "PUT without X-CSRF-Token: $s $(cat "$T/body")"
s=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' -X PUT -H "X-CSRF-Token: $CSRF" \
	--data-binary '{"state":"ready"}' "$BASE/api/v1/agents/demo/agent2/state")
[ "$s" = 200 ] || fail "PUT with X-CSRF-Token: $s $(cat "$T/body")"
s=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$BASE/api/v1/session")
grep -q "\"csrf_token\":\"$CSRF\"" "$T/body" || fail "GET /session: $s $(cat "$T/body")"
ok "cookie session: GET with the cookie, PUT only with X-CSRF-Token"
s=$(curl -s -b "$J" -c "$J" -D "$T/headers" -o "$T/body" -w '%{http_code}' -X POST \
	-H "X-CSRF-Token: $CSRF" "$BASE/api/v1/logout")
[ "$s" = 200 ] || fail "logout: $s $(cat "$T/body")"
grep -qi '^Set-Cookie: centralino_session=;.*Max-Age=0' "$T/headers" ||
	fail "logout does not clear the cookie: $(cat "$T/headers")"
s=$(curl -s -b "$J" -o "$T/body" -w '%{http_code}' "$BASE/api/v1/agents")
[ "$s" = 401 ] || fail "the cookie still works after logout: $s"
ok "logout clears the cookie and ends the session"
kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon died"

# The daemon stops with a WebSocket open: the client is told (1001), and
# a sanitizer build finds nothing left behind.
ADMIN=$(curl -s -H 'Content-Type: application/json' \
	--data-binary '{"user":"admin","password":"admin-pw"}' "$BASE/api/v1/login" |
	sed -n 's/.*"token":"\([0-9a-f]\{64\}\)".*/\1/p')
[ -n "$ADMIN" ] || fail "no admin token"
timeout 30 node --experimental-websocket -e '
const ws = new WebSocket(process.argv[1], {headers: {authorization: "Bearer " + process.argv[2]}});
ws.onmessage = (e) => { if (JSON.parse(e.data).type === "hello") console.log("open"); };
ws.onclose = (e) => { console.log("closed " + e.code); process.exit(0); };
' "ws://127.0.0.1:$PORT/api/v1/events" "$ADMIN" >"$T/last.out" 2>&1 &
client_pid=$!
i=0
until grep -q open "$T/last.out"; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "the last WebSocket did not open: $(cat "$T/last.out")"
	sleep 0.1
done
kill "$daemon_pid"
wait "$daemon_pid"
status=$?
daemon_pid=""
wait "$client_pid"
grep -q "closed 1001" "$T/last.out" || fail "the client was not told: $(cat "$T/last.out")"
if grep -q "Sanitizer" "$T/daemon.log"; then
	grep -A 20 "Sanitizer" "$T/daemon.log" | head -n 60 >&2
	fail "the daemon reported a memory error"
fi
[ "$status" = 0 ] || fail "the daemon exited with $status"
ok "the daemon stops with a WebSocket open: 1001 to the client, nothing leaked"
exit 0
