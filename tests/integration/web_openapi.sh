#!/bin/sh
# web_openapi: every route of docs/openapi.yaml answers with a documented
# status and a body of the documented shape (tests/integration/web/
# openapi_check.py, with Debian's python3-jsonschema).
# Usage (from the repository root): sh tests/integration/web_openapi.sh BIN
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PY=/usr/bin/python3 # Debian's, with python3-yaml and python3-jsonschema
T=$(mktemp -d)
daemon_pid=""
cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() {
	echo "FAIL web_openapi: $*" >&2
	tail -n 20 "$T/daemon.log" >&2 2>/dev/null
	exit 1
}
$PY -c 'import jsonschema, yaml' 2>/dev/null ||
	fail "python3-jsonschema and python3-yaml are missing (scripts/install-deps)"
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
set -- $($PY - <<'PY'
import ctypes
s = ctypes.CDLL("libsodium.so.23"); s.sodium_init()
out = ctypes.create_string_buffer(128)
for pw in (b"admin-pw", b"maria-pw"):
    assert s.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                               ctypes.c_ulonglong(1), ctypes.c_size_t(8192)) == 0
    print(out.value.decode(), end=" ")
PY
)
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}]
queues:
  - {name: chat, tenant: demo, web_chat: true}
  - {name: callbacks, tenant: demo}
agents:
  - {name: agent1, tenant: demo, queues: [chat], capacity: {chat: 2}}
dialing: {allow: [_3XXXXXXXXX]}
rotas:
  - name: oncall
    tenant: demo
    people:
      - {name: anna, number: "3331234501"}
      - {name: marco, number: "3331234502"}
    duty: {mon-sun: [anna]}
    escalation: [marco]
email:
  mailboxes:
    # no IMAP server: the reply route's answers, not the mail, are tested
    # here (email_channel.sh has the servers)
    - {name: help, tenant: demo, queue: chat, imap: "imap://127.0.0.1:9/INBOX",
       user: help, password: pw, smtp: "smtp://127.0.0.1:9",
       address: help@example.org}
store: {path: "$T/c.db"}
http:
  listen: "127.0.0.1:$PORT"
users:
  - {name: admin, password_hash: "$1", role: administrator, tenants: [demo]}
  - {name: maria, password_hash: "$2", role: agent, tenants: [demo],
     agent: agent1}
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
$PY tests/integration/web/openapi_check.py "http://127.0.0.1:$PORT" || fail "see above"
