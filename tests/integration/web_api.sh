#!/bin/sh
# web_api: the REST API of `centralino run` driven with curl on loopback.
# Sign-in (good, wrong, throttled), tokens, roles, tenant isolation,
# agent state, errors (400, 401, 403, 404, 405, 413), reload, /metrics.
# Usage (from the repository root): sh tests/integration/web_api.sh BIN
set -u
BIN=${1:?usage: web_api.sh /path/to/centralino}
T=$(mktemp -d)
PORT=$((18000 + $$ % 2000))
BASE="http://127.0.0.1:$PORT"
daemon_pid=""

cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL web_api: $*" >&2
	[ -f "$T/daemon.log" ] && tail -n 20 "$T/daemon.log" >&2
	exit 1
}
ok() { echo "ok   web_api: $*"; }

command -v curl >/dev/null || fail "curl is not installed (scripts/install-deps)"

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
store: {path: "$T/c.db"}
http:
  listen: "127.0.0.1:$PORT"
users:
  - {name: admin, password_hash: "$(hash admin-pw)", role: administrator,
     tenants: [demo, other]}
  - {name: sup, password_hash: "$(hash sup-pw)", role: supervisor,
     tenants: [demo]}
  - {name: maria, password_hash: "$(hash maria-pw)", role: agent,
     tenants: [demo], agent: agent1}
EOF2

"$BIN" check-config "$T/c.yaml" >"$T/check.log" 2>&1 ||
	fail "the test configuration is refused: $(cat "$T/check.log")"
"$BIN" run --config "$T/c.yaml" >"$T/daemon.log" 2>&1 &
daemon_pid=$!

i=0
until grep -q "event=centralino.started" "$T/daemon.log"; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "the daemon did not log started within 10 s"
	kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
	sleep 0.1
done
i=0
until curl -s -o /dev/null "$BASE/metrics"; do
	i=$((i + 1))
	[ $i -gt 20 ] && fail "centralino run logged started but nothing listens on $BASE: web is not wired into 'run' yet (web_alloc with cfg->http_listen.text)"
	sleep 0.1
done

# req METHOD PATH [TOKEN] [BODY]: prints the status, body in $T/body
req() {
	set -- "$1" "$2" "${3:-}" "${4:-}"
	if [ -n "$4" ]; then
		curl -s -o "$T/body" -w '%{http_code}' -X "$1" \
			${3:+-H "Authorization: Bearer $3"} \
			-H 'Content-Type: application/json' --data-binary "$4" "$BASE$2"
	else
		curl -s -o "$T/body" -w '%{http_code}' -X "$1" \
			${3:+-H "Authorization: Bearer $3"} "$BASE$2"
	fi
}
expect() { # STATUS GOT WHAT
	[ "$2" = "$1" ] || fail "$3: expected $1, got $2: $(cat "$T/body")"
}
token_of() { # USER PASSWORD
	s=$(req POST /api/v1/login "" "{\"user\":\"$1\",\"password\":\"$2\"}")
	expect 200 "$s" "login of $1"
	sed -n 's/.*"token":"\([0-9a-f]\{64\}\)".*/\1/p' "$T/body"
}

ADMIN=$(token_of admin admin-pw)
SUP=$(token_of sup sup-pw)
MARIA=$(token_of maria maria-pw)
[ -n "$ADMIN" ] && [ -n "$SUP" ] && [ -n "$MARIA" ] || fail "no token in a login reply"
ok "three users signed in"

expect 401 "$(req GET /api/v1/queues)" "no token"
expect 401 "$(req GET /api/v1/queues "$(printf '%064d' 0)")" "unknown token"
expect 200 "$(req GET /api/v1/queues "$SUP")" "queues of sup"
grep -q '"name":"info"' "$T/body" || fail "sup does not see queue info"
grep -q '"sales"' "$T/body" && fail "sup sees tenant other's queue"
expect 404 "$(req GET /api/v1/queues/other/sales "$SUP")" "other tenant's queue"
expect 200 "$(req GET /api/v1/queues/other/sales "$ADMIN")" "admin, both tenants"
ok "tokens and tenant isolation"

expect 200 "$(req PUT /api/v1/agents/demo/agent1/state "$MARIA" '{"state":"ready"}')" "maria ready"
grep -q '"state":"ready"' "$T/body" || fail "agent1 is not ready: $(cat "$T/body")"
expect 403 "$(req PUT /api/v1/agents/demo/agent2/state "$MARIA" '{"state":"ready"}')" "maria changes agent2"
expect 404 "$(req PUT /api/v1/agents/other/agent9/state "$SUP" '{"state":"ready"}')" "sup changes other's agent"
expect 200 "$(req PUT /api/v1/agents/demo/agent2/state "$SUP" '{"state":"not-ready","reason":"lunch"}')" "sup sets agent2"
expect 400 "$(req PUT /api/v1/agents/demo/agent2/state "$SUP" '{"state":"asleep"}')" "bad state"
grep -q "'state'" "$T/body" || fail "the 400 does not name the field"
expect 400 "$(req PUT /api/v1/agents/demo/agent2/state "$SUP" '{"state":')" "bad JSON"
expect 200 "$(req GET /api/v1/agents "$SUP")" "agents"
grep -q '"name":"agent2","state":"not-ready"' "$T/body" || fail "agent2 not shown not-ready: $(cat "$T/body")"
ok "agent state by role"

expect 403 "$(req POST /api/v1/flows/demo/hotline/emergency "$MARIA" '{"on":true}')" "agent throws the switch"
expect 404 "$(req POST /api/v1/flows/demo/nothing/emergency "$SUP" '{"on":true}')" "unknown flow"
expect 403 "$(req POST /api/v1/reload "$SUP")" "supervisor reloads"
expect 200 "$(req POST /api/v1/reload "$ADMIN")" "admin reloads"
expect 405 "$(req DELETE /api/v1/queues "$SUP")" "DELETE queues"
expect 404 "$(req GET /api/v1/nothing "$SUP")" "unknown path"
head -c 70000 /dev/zero | tr '\0' ' ' >"$T/big"
s=$(curl -s -o "$T/body" -w '%{http_code}' -X PUT -H "Authorization: Bearer $SUP" \
	--data-binary @"$T/big" "$BASE/api/v1/agents/demo/agent2/state")
expect 413 "$s" "a 70,000-byte body"
ok "roles, reload and errors"

s=$(curl -s -o "$T/body" -w '%{http_code}' "$BASE/metrics")
expect 200 "$s" "metrics from loopback"
grep -q '^centralino_queue_waiting{tenant="demo",queue="info"} 0$' "$T/body" ||
	fail "metrics lack the queue gauge"
grep -q '^centralino_agents{tenant="demo",state="ready"} 1$' "$T/body" ||
	fail "metrics lack agent1 ready"
ok "metrics"

for n in 1 2 3 4 5; do
	expect 401 "$(req POST /api/v1/login "" '{"user":"sup","password":"no"}')" "wrong password $n"
done
expect 429 "$(req POST /api/v1/login "" '{"user":"sup","password":"sup-pw"}')" "throttled login"
ok "login throttled after five failures"
kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon died"
exit 0
