#!/bin/sh
# web_pages: the pages in a real browser. `centralino run` on loopback
# serves web/ with the API; Debian's Chromium, driven by playwright-core
# (tests/browser/pages.mjs), signs an agent in, goes ready, opens the
# chat widget on its demo page as a visitor, and checks that the agent
# gets the offer at once, accepts, that messages cross both ways, that a
# second chat runs beside the first, that the wallboard shows the chats
# and the agent busy, and that finish and wrap-up done end them with a
# disposition and notes; the supervisor forces the agent's state, moves
# it between queues and switches the emergency mode on the wallboard;
# then changes tomorrow's on-call person on the administration page. First curl checks the file server's headers.
# Screenshots go to BUILD/test-output/web_pages/ (kept; the path is
# printed).
# Usage (from the repository root): sh tests/integration/web_pages.sh BIN
set -u
BIN=${1:?usage: web_pages.sh /path/to/centralino}
ROOT=$(pwd)
T=$(mktemp -d)
OUT=$(cd "$(dirname "$BIN")" && pwd)/test-output/web_pages
daemon_pid=""

smtp_pid=""

cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	[ -n "$smtp_pid" ] && kill "$smtp_pid" 2>/dev/null && wait "$smtp_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL web_pages: $*" >&2
	[ -f "$T/daemon.log" ] && tail -n 30 "$T/daemon.log" >&2
	echo "web_pages: screenshots and logs in $OUT" >&2
	[ -f "$T/daemon.log" ] && cp "$T/daemon.log" "$OUT/daemon.log"
	exit 1
}
ok() { echo "ok   web_pages: $*"; }

command -v curl >/dev/null || fail "curl is not installed (scripts/install-deps)"
command -v node >/dev/null || fail "node is not installed (scripts/install-deps)"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is not installed (scripts/install-deps)"
[ -f node_modules/playwright-core/package.json ] ||
	fail "node_modules/playwright-core is missing: run scripts/install-deps (npm ci)"
rm -rf "$OUT"
mkdir -p "$OUT" || fail "cannot make $OUT"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
	fail "no free port"
BASE="http://127.0.0.1:$PORT"
SMTP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
	fail "no free port"
SIP_PORT=$(python3 -c 'import socket; s = socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
	fail "no free port"

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

# The demo page's widget names tenant demo, queue information.
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}]
queues:
  - {name: information, tenant: demo, web_chat: true, wrapup: 5m,
     offer_timeout: 60s, dispositions: [booked, info-given, no-answer]}
  # where the supervisor moves agent1 on the wallboard
  - {name: vaccines, tenant: demo, web_chat: true}
agents:
  - {name: agent1, tenant: demo, queues: [information], capacity: {chat: 2}}
# The on-call rota of the administration page: Anna every day; the
# supervisor puts Marco on tomorrow.
dialing: {allow: [_3XXXXXXXXX]}
rotas:
  - name: oncall
    tenant: demo
    people:
      - {name: anna, number: "3331234501"}
      - {name: marco, number: "3331234502"}
    duty: {mon-sun: [anna]}
# A phone line whose emergency mode the supervisor switches on and off
# on the wallboard (no call is made here: voice_emergency.sh has them).
sip:
  listen: [{transport: udp, address: "127.0.0.1:$SIP_PORT"}]
  rtp_ports: $((SIP_PORT / 2 * 2 + 2))-$((SIP_PORT / 2 * 2 + 12))
numbers: [{number: "800", tenant: demo, flow: hotline}]
prompts: {cache: "$T/prompts"}
flows:
  - name: hotline
    tenant: demo
    language: en
    start: welcome
    nodes:
      welcome: [{queue: information}]
    emergency:
      message: {text: "Emergency line."}
      queue: information
# The visitor's transcript goes out through the tests' SMTP sink (no
# IMAP server here: the mailbox only sends, its reads fail and say so).
email:
  mailboxes:
    - {name: help, tenant: demo, queue: information,
       imap: "imap://127.0.0.1:9/INBOX", user: help, password: pw,
       smtp: "smtp://127.0.0.1:$SMTP_PORT", address: help@asl.test}
http:
  listen: "127.0.0.1:$PORT"
  pages: "$ROOT/web"
store:
  path: "$T/store.db"
users:
  - {name: maria, password_hash: "$(hash maria-pw)", role: agent,
     tenants: [demo], agent: agent1}
  - {name: sup, password_hash: "$(hash sup-pw)", role: supervisor,
     tenants: [demo]}
EOF2

mkdir -p "$T/sink"
EMAIL_SINK="$T/sink" PYTHONPATH="$ROOT/tests/integration/email" \
	/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c sink.Sink \
	>"$T/smtp.log" 2>&1 &
smtp_pid=$!
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

# ---- the file server, with curl -------------------------------------------
s=$(curl -s -D "$T/h" -o "$T/body" -w '%{http_code}' "$BASE/agent/")
[ "$s" = 200 ] || fail "GET /agent/: $s"
grep -qi "^Content-Type: text/html; charset=utf-8" "$T/h" || fail "/agent/ type: $(cat "$T/h")"
grep -qi "^Content-Security-Policy: default-src 'self'; script-src 'self';" "$T/h" ||
	fail "/agent/ has no strict CSP: $(cat "$T/h")"
grep -qi "^X-Content-Type-Options: nosniff" "$T/h" || fail "/agent/ without nosniff"
grep -qi "^Cache-Control: no-cache" "$T/h" || fail "/agent/ Cache-Control: $(cat "$T/h")"
# the CSP forbids inline scripts, handlers and styles: none in our pages
for f in $(find web -name '*.html'); do
	grep -o '<script[^>]*>' "$f" | grep -qv ' src=' && fail "$f has an inline script"
	grep -Eqi '<[^>]* (on[a-z]+|style)=' "$f" && fail "$f has an inline handler or style"
done
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *\(.*\)\r$/\1/p' "$T/h")
[ -n "$etag" ] || fail "/agent/ has no ETag"
s=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$BASE/agent/")
[ "$s" = 304 ] || fail "GET /agent/ with its ETag: $s, not 304"
s=$(curl -s -D "$T/h" -o /dev/null -w '%{http_code}' "$BASE/")
[ "$s" = 302 ] && grep -qi '^Location: /agent/' "$T/h" || fail "GET /: $s $(cat "$T/h")"
s=$(curl -s -D "$T/h" -o "$T/body" -w '%{http_code}' "$BASE/chat/widget.js")
[ "$s" = 200 ] && grep -qi '^Content-Type: text/javascript' "$T/h" || fail "widget.js: $s"
for p in '/agent/../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/agent%2F..%2F..%2Fetc%2Fpasswd' \
	'/agent/app.js%00.html' '/.git/config' '/agent/nothing.js'; do
	s=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' "$BASE$p")
	[ "$s" = 404 ] || fail "GET $p: $s, not 404"
	grep -q 'root:' "$T/body" && fail "GET $p leaked a file"
done
s=$(curl -s -D "$T/h" -o /dev/null -w '%{http_code}' -X OPTIONS \
	-H 'Origin: https://shop.example' -H 'Access-Control-Request-Method: POST' \
	-H 'Access-Control-Request-Headers: content-type,x-chat-token' "$BASE/api/v1/chats")
[ "$s" = 200 ] && grep -qi '^Access-Control-Allow-Origin: \*' "$T/h" &&
	grep -qi '^Access-Control-Allow-Headers: Content-Type, X-Chat-Token' "$T/h" ||
	fail "the chats' CORS preflight: $s $(cat "$T/h")"
s=$(curl -s -D "$T/h" -o /dev/null -w '%{http_code}' "$BASE/api/v1/agents")
grep -qi '^Access-Control-Allow-Origin' "$T/h" && fail "CORS on a signed route"
ok "files with CSP, nosniff, ETag; / to the desktop; traversal refused; CORS on the chats only"

# ---- the browser ------------------------------------------------------------
timeout 120 node tests/browser/pages.mjs "$BASE" "$OUT" ||
	fail "the browser test failed"
kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon died"
grep "level=error" "$T/daemon.log" | grep -qv "event=email.imap-failed" &&
	fail "the daemon logged an error"
# Ada's transcript, as the SMTP server received it
mail=$(grep -l "^Subject: Transcript of your chat" "$T"/sink/*.eml 2>/dev/null | head -n 1)
[ -n "$mail" ] || fail "no transcript reached the SMTP server"
grep -q "^To: ada@example.org" "$mail" || fail "the transcript is not to Ada: $(head -n 20 "$mail")"
grep -q "You: Hello, I need to book a vaccine." "$mail" &&
	grep -q "Operator: Good morning Ada, which day suits you?" "$mail" ||
	fail "the transcript lacks the conversation: $(cat "$mail")"
ok "Ada's transcript reached the SMTP server with both sides of the chat"
cp "$T/daemon.log" "$OUT/daemon.log"
echo "web_pages: screenshots in $OUT"
echo "web_pages: all passed"
