#!/bin/sh
# voice_tls: SIP over TLS. The daemon listens on TLS with a certificate
# from the configuration; a client speaking TLS (openssl s_client) gets
# its OPTIONS answered and its REGISTER challenged over the encrypted
# connection, while plain text on the TLS port gets nothing; keep-alive
# pings (CRLFCRLF) on TLS and TCP get their CRLF.
# Usage (from the repository root): sh tests/integration/voice_tls.sh BIN
name=voice_tls
. tests/integration/voice/lib.sh

command -v openssl >/dev/null || fail "openssl is not installed"
vt_config
vt_block
tls_port=$vt_base
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null ||
	fail "harness: cannot make a certificate"
cat "$T/cert.pem" "$T/key.pem" >"$T/sip.pem"
python3 - "$T/c.yaml" "$tls_port" "$T/sip.pem" <<'PY'
import sys
path, port, pem = sys.argv[1:4]
s = open(path).read()
s = s.replace("""  listen:
""", """  listen:
    - {transport: tls, address: "127.0.0.1:%s", certificate: "%s"}
""" % (port, pem), 1)
open(path, "w").write(s)
PY
vt_start
wait_for_log "event=sip.listening transport=tls address=127.0.0.1:$tls_port" 5 ||
	fail "the daemon does not listen on TLS"

request() { # METHOD: one request over TLS, the answer on stdout
	printf '%s sip:127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK%s\r\nFrom: <sip:agent1@127.0.0.1>;tag=t%s\r\nTo: <sip:agent1@127.0.0.1>\r\nCall-ID: %s@tls.test\r\nCSeq: 1 %s\r\nContact: <sip:agent1@127.0.0.1:5999;transport=tls>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
		"$1" "$tls_port" "$1" "$1" "$1" "$1" |
		timeout 5 openssl s_client -connect "127.0.0.1:$tls_port" \
			-quiet -ign_eof 2>/dev/null | tr -d '\r' | head -n 1
}
[ "$(request OPTIONS)" = "SIP/2.0 200 OK" ] ||
	fail "OPTIONS over TLS was not answered 200"
[ "$(request REGISTER)" = "SIP/2.0 401 Unauthorized" ] ||
	fail "REGISTER over TLS was not challenged"
# plain text on the TLS port is not SIP
got=$(printf 'OPTIONS sip:x SIP/2.0\r\n\r\n' |
	timeout 3 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.stdin.buffer.read()); s.settimeout(2)
try:
    print(s.recv(100).decode("latin-1").split("\r\n")[0])
except Exception:
    print("")' "$tls_port")
case "$got" in SIP/2.0*) fail "plain text was answered on the TLS port" ;; esac
ok "OPTIONS 200 and REGISTER 401 over TLS; plain text refused"

# keep-alive pings (RFC 5626 CRLFCRLF) on TLS and TCP are answered with
# CRLF: what keeps a home router's mapping of a phone's connection open
pong=$(timeout 5 python3 - "$tls_port" "$SIP_PORT" <<'PY'
import socket, ssl, sys
out = []
for port, secure in ((int(sys.argv[1]), True), (int(sys.argv[2]), False)):
    s = socket.create_connection(("127.0.0.1", port))
    if secure:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s)
    s.settimeout(3)
    s.sendall(b"\r\n\r\n")
    try:
        out.append(repr(s.recv(16)))
    except Exception as e:
        out.append(type(e).__name__)
print(" ".join(out))
PY
)
[ "$pong" = "b'\\r\\n' b'\\r\\n'" ] ||
	fail "CRLF keep-alive pings not answered on TLS and TCP: $pong"
ok "CRLF keep-alive pings answered on TLS and TCP"
vt_alive || fail "the daemon died"
