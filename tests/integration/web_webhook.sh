#!/bin/sh
# web_webhook: a tenant's engine events POSTed to its webhook, signed
# (HMAC-SHA256), in order, retried after failures with the same delivery
# id, nothing of another tenant; a webhook whose receiver is down gives
# up after its attempts (tests/integration/web/webhook_check.py).
# Usage (from the repository root): sh tests/integration/web_webhook.sh BIN
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PY=/usr/bin/python3
T=$(mktemp -d)
daemon_pid=""
cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() {
	echo "FAIL web_webhook: $*" >&2
	tail -n 20 "$T/daemon.log" >&2 2>/dev/null
	exit 1
}
free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
HOOK=$(free_port)
DEAD=$(free_port) # nobody listens there
SECRET="s3cret-for-the-crm-webhook"
HASH=$($PY - <<'PY'
import ctypes
s = ctypes.CDLL("libsodium.so.23"); s.sodium_init()
out = ctypes.create_string_buffer(128)
pw = b"admin-pw"
assert s.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                           ctypes.c_ulonglong(1), ctypes.c_size_t(8192)) == 0
print(out.value.decode())
PY
)
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}, {name: other}]
queues:
  - {name: chat, tenant: demo}
  - {name: sales, tenant: other}
agents:
  - {name: agent1, tenant: demo, queues: [chat]}
store: {path: "$T/c.db"}
http:
  listen: "127.0.0.1:$PORT"
users:
  - {name: admin, password_hash: "$HASH", role: administrator,
     tenants: [demo, other]}
webhooks:
  - name: crm
    tenant: demo
    url: "http://127.0.0.1:$HOOK/hook"
    secret: "$SECRET"
    events: [contact-queued, agent-state]
    retry_first: 100ms
    retry_max: 400ms
  - name: dead
    tenant: other
    url: "http://127.0.0.1:$DEAD/hook"
    secret: "another-long-secret"
    attempts: 2
    retry_first: 100ms
EOF2
"$BIN" check-config "$T/c.yaml" >"$T/check.log" 2>&1 ||
	fail "the configuration is refused: $(cat "$T/check.log")"
"$BIN" run --config "$T/c.yaml" >"$T/daemon.log" 2>&1 &
daemon_pid=$!
i=0
until grep -q "event=http.listening" "$T/daemon.log"; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "the daemon did not listen within 10 s"
	kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
	sleep 0.1
done
$PY tests/integration/web/webhook_check.py "http://127.0.0.1:$PORT" "$HOOK" \
	"$T/daemon.log" "$SECRET" || fail "see above"
grep -q "$SECRET" "$T/daemon.log" && fail "the webhook's secret is in the log"
echo "web_webhook: ok"
