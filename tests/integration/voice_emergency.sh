#!/bin/sh
# voice_emergency: a supervisor switches a flow's emergency mode on and off
# through the REST API; while it is on, a caller of the (closed) line is
# not sent to the closed message but hears the emergency message and
# goes straight to the emergency queue; once it is off again, the
# calendar rules as before. An agent cannot switch it.
# Usage (from the repository root): sh tests/integration/voice_emergency.sh BIN
name=voice_emergency
. tests/integration/voice/lib.sh

command -v curl >/dev/null || fail "curl is not installed (scripts/install-deps)"
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

vt_config OFFER_TIMEOUT=8s
vt_block
http_port=$vt_base
python3 - "$T/c.yaml" "$http_port" "$(hash sup-pw)" "$(hash agent-pw)" <<'PY'
import sys
path, port, sup, agent = sys.argv[1:5]
s = open(path).read()
s = s.replace("""  - name: afterhours
    tenant: demo
    language: en
""", """  - name: afterhours
    tenant: demo
    language: en
    emergency:
      message: {text: "Emergency line."}
      queue: health
""")
s += """
http:
  listen: 127.0.0.1:%s
users:
  - {name: sup, role: supervisor, tenants: [demo], password_hash: "%s"}
  - {name: ag, role: agent, tenants: [demo], agent: agent1,
     password_hash: "%s"}
""" % (port, sup, agent)
open(path, "w").write(s)
PY
vt_start
base="http://127.0.0.1:$http_port/api/v1"
login() {
	curl -s -X POST -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$base/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
switch() { # TOKEN on|off -> HTTP status
	curl -s -o /dev/null -w '%{http_code}' -X POST \
		-H "Authorization: Bearer $1" -d "{\"on\":$2}" \
		"$base/flows/demo/afterhours/emergency"
}
sup=$(login sup sup-pw) || fail "the supervisor cannot sign in"
ag=$(login ag agent-pw) || fail "the agent cannot sign in"
[ "$(switch "$ag" true)" = 403 ] || fail "an agent switched the emergency mode"

[ "$(switch "$sup" true)" = 200 ] || fail "the supervisor cannot switch it on"
wait_for_log "event=flow.emergency-switched tenant=demo flow=afterhours emergency=on" 5 ||
	fail "the switch is not logged"
vt_phone phone1 agent1 answer.xml
vt_caller caller caller_hangup.xml 801 -d 4000
wait_for_log "event=flow.emergency flow=afterhours" 10 ||
	fail "emergency mode did not take the call"
wait_for_log "event=contact-offered .*queue=health agent=agent1" 10 ||
	fail "the emergency call did not go to the emergency queue"
vt_sipp_wait "$caller_pid" caller 20 "the emergency caller's call failed"

[ "$(switch "$sup" false)" = 200 ] || fail "the supervisor cannot switch it off"
vt_caller caller2 caller_closed.xml 801
vt_sipp_wait "$caller_pid" caller2 20 "the closed line did not hang up"
[ "$(count_log 'event=flow.emergency flow=afterhours')" -eq 1 ] ||
	fail "emergency mode still applied after it was switched off"
ok "switched on by a supervisor (not an agent), the call went to health, off again: closed"
vt_alive || fail "the daemon died"
