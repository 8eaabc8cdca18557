#!/bin/sh
# web_tls: with http.certificate the daemon serves its API, pages and
# WebSocket over HTTPS only: curl verifying the certificate signs in
# (bearer and cookie; the cookie is then Secure) and reads the queues;
# plain HTTP on the same port gets no HTTP answer; a wrong certificate
# path is refused at start with its name.
# Usage (from the repository root): sh tests/integration/web_tls.sh BIN
name=web_tls
. tests/integration/web/lib.sh

command -v openssl >/dev/null || fail "openssl is not installed"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext "subjectAltName=IP:127.0.0.1" \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null ||
	fail "harness: cannot make a certificate"
cat "$T/cert.pem" "$T/key.pem" >"$T/web.pem"
PORT=$(web_port)
HASH=$(web_hash admin-pw)
HASH=${HASH% }
config() { # CERTIFICATE
	cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}]
queues: [{name: q, tenant: demo}]
store: {path: "$T/c.db"}
http:
  listen: "127.0.0.1:$PORT"
  certificate: "$1"
users:
  - {name: admin, password_hash: "$HASH", role: administrator, tenants: [demo]}
EOF2
}

# a certificate that is not there: refused at start, named
config "$T/nothing.pem"
if "$BIN" run --config "$T/c.yaml" >"$T/bad.log" 2>&1; then
	fail "the daemon started without its certificate"
fi
grep -q "event=centralino.channels-failed" "$T/bad.log" ||
	fail "no clear refusal for a missing certificate: $(tail -n 3 "$T/bad.log")"
ok "a missing certificate stops the start"

config "$T/web.pem"
"$BIN" run --config "$T/c.yaml" >"$T/daemon.log" 2>&1 &
daemon_pid=$!
i=0
until grep -q "event=http.listening .*tls=yes" "$T/daemon.log"; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "the daemon did not listen with TLS within 10 s"
	kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
	sleep 0.1
done
B="https://127.0.0.1:$PORT"
s=$(curl -s --cacert "$T/cert.pem" -o "$T/login" -w '%{http_code}' \
	-d '{"user":"admin","password":"admin-pw"}' "$B/api/v1/login")
[ "$s" = 200 ] || fail "sign-in over HTTPS: $s $(cat "$T/login")"
TOKEN=$(sed -n 's/.*"token":"\([0-9a-f]\{64\}\)".*/\1/p' "$T/login")
s=$(curl -s --cacert "$T/cert.pem" -o "$T/queues" -w '%{http_code}' \
	-H "Authorization: Bearer $TOKEN" "$B/api/v1/queues")
[ "$s" = 200 ] && grep -q '"name":"q"' "$T/queues" || fail "queues over HTTPS: $s"
ok "sign-in and queues over HTTPS, the certificate verified"
curl -s --cacert "$T/cert.pem" -D "$T/headers" -o /dev/null \
	-d '{"user":"admin","password":"admin-pw","session":"cookie"}' "$B/api/v1/login"
grep -i '^set-cookie: centralino_session=.*; Secure' "$T/headers" >/dev/null ||
	fail "the session cookie over HTTPS is not Secure: $(grep -i set-cookie "$T/headers")"
ok "the browser's session cookie is Secure"
# plain HTTP on the TLS port: no HTTP answer
s=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/queues" || true)
[ "$s" = 000 ] || fail "plain HTTP on the TLS port got an answer: $s"
ok "plain HTTP on the TLS port gets no answer"
kill -0 "$daemon_pid" || fail "the daemon died"
echo "web_tls: ok"
