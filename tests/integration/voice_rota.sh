#!/bin/sh
# voice_rota: a rota's number calls the people on call through the
# outbound trunk, screens them, and bridges the first who presses 1.
# The provider behind the trunk is one sipp (voice/mobiles.xml) playing
# the mobiles by the number dialled: anna's voicemail answers and
# presses nothing, marco answers and presses 1, the chief is busy.
# - 900 (sequential, duty anna then marco): anna is called first, hung
#   up when her screening times out, then marco, who accepts and is
#   bridged to the caller; the chief is never called;
# - an override made through the API (marco on duty today) makes marco
#   the first one called;
# - 901 (simultaneous, anna and the chief at once): the chief is busy,
#   anna never accepts: exhausted, the caller hears the message and is
#   hung up;
# - 902 (the chief alone, busy, and a voicemail queue): the caller
#   records a message that becomes a voicemail contact of the queue;
# - a caller who hangs up while a person is being screened: that
#   person's mobile is hung up too, nobody else is called.
# Usage (from the repository root): sh tests/integration/voice_rota.sh BIN
name=voice_rota
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

vt_config
vt_block
http_port=$vt_base
vt_block
provider_port=$vt_base
vt_blocks="$vt_base $vt_blocks" # the provider's sipp takes it back
python3 - "$T/c.yaml" "$provider_port" "$http_port" "$(hash sup-pw)" <<'PY'
import sys
path, port, http, sup = sys.argv[1:5]
s = open(path).read()
s = s.replace("""    inbound:
      from: [127.0.0.1]""", """    inbound:
      from: [127.0.0.1]
    outbound:
      uri: sip:127.0.0.1:%s""" % port)
s = s.replace("""  - {number: "801", tenant: demo, flow: afterhours}""",
"""  - {number: "801", tenant: demo, flow: afterhours}
  - {number: "900", tenant: demo, rota: oncall}
  - {number: "901", tenant: demo, rota: night}
  - {number: "902", tenant: demo, rota: office}""")
s += """
dialing:
  allow: [_333XXXXXXX]
rotas:
  - name: oncall
    tenant: demo
    people:
      - {name: anna, number: "3331234501"}
      - {name: marco, number: "3331234502"}
      - {name: chief, number: "3331234509"}
    duty: {mon-sun: [anna, marco]}
    escalation: [chief]
    ring_time: 5s
    screen_time: 3s
  - name: night
    tenant: demo
    language: en
    people:
      - {name: anna, number: "3331234501"}
      - {name: chief, number: "3331234509"}
    duty: {mon-sun: [anna, chief]}
    ring: simultaneous
    ring_time: 5s
    screen_time: 3s
  - name: office
    tenant: demo
    people:
      - {name: chief, number: "3331234509"}
    duty: {mon-sun: [chief]}
    voicemail: {queue: information}
http:
  listen: 127.0.0.1:%s
users:
  - {name: sup, role: supervisor, tenants: [demo], password_hash: "%s"}
""" % (http, sup)
open(path, "w").write(s)
PY
"$bin" check-config "$T/c.yaml" >/dev/null 2>"$T/check.err" ||
	{ cat "$T/check.err" >&2; fail "harness: the test configuration is invalid"; }
vt_start

vt_sipp provider 127.0.0.1 -sf "$VT/mobiles.xml"
[ "$sipp_port" -eq "$provider_port" ] || fail "harness: provider port"

# line PATTERN FROM: the number of the first line of the daemon's log
# after line FROM that matches; 0 when none.
line() {
	awk -v from="$2" -v re="$1" 'NR > from && $0 ~ re { print NR; found = 1; exit }
		END { if (!found) print 0 }' "$T/daemon.log"
}
# in_order FROM PATTERN...: each pattern matches a line after the one
# before it (the first after line FROM).
in_order() {
	_at=$1
	shift
	for _p in "$@"; do
		_n=$(line "$_p" "$_at")
		[ "$_n" -gt 0 ] || fail "not in the log after line $_at: $_p"
		_at=$_n
	done
}
lines() { wc -l <"$T/daemon.log"; }

# 1. sequential: anna's voicemail is hung up, marco accepts
start=$(lines)
vt_caller caller caller_hangup.xml 900 -d 8000
wait_for_log "event=rota.bridged rota=oncall person=marco" 15 ||
	fail "marco was not bridged"
in_order "$start" "event=rota.call rota=oncall tenant=demo .*source=week people=3" \
	"event=rota.calling rota=oncall person=anna number=3331234501" \
	"event=dial.outside number=3331234501 trunk=provider" \
	"event=rota.screening rota=oncall person=anna" \
	"event=rota.screen-timeout rota=oncall person=anna" \
	"event=rota.calling rota=oncall person=marco number=3331234502" \
	"event=rota.screening rota=oncall person=marco" \
	"event=rota.screen-accepted rota=oncall person=marco" \
	"event=rota.bridged rota=oncall person=marco"
vt_sipp_wait "$caller_pid" caller 20 "the caller's call to 900 failed"
wait_for_log "event=call.ended .*number=900 reason=caller-hangup .*agent=marco" 5 ||
	fail "no call record naming marco"
[ "$(count_log 'person=chief')" -eq 0 ] || fail "the chief was called"
# at the provider: anna's mobile, hung up (BYE), and only then marco's
awk '/^INVITE sip:3331234501@/ && !a { a = NR }
	/^BYE / && a && !b { b = NR }
	/^INVITE sip:3331234502@/ && !m { m = NR }
	END { exit !(a && b && m && a < b && b < m) }' "$T/provider.msg" ||
	fail "the provider did not see anna called, hung up, then marco called"
ok "900: anna called first, her voicemail hung up after the screening, marco accepted and bridged"

# 2. an override through the API: marco on duty today, first called
base="http://127.0.0.1:$http_port/api/v1"
tok=$(curl -s -X POST -d '{"user":"sup","password":"sup-pw"}' "$base/login" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') ||
	fail "the supervisor cannot sign in"
today=$(TZ=Europe/Rome date +%F)
st=$(curl -s -o "$T/put.json" -w '%{http_code}' -X PUT \
	-H "Authorization: Bearer $tok" -d '{"duty":["marco"]}' \
	"$base/rotas/demo/oncall/overrides/$today")
[ "$st" = 200 ] || [ "$st" = 201 ] || [ "$st" = 204 ] ||
	fail "the override was refused: $st $(cat "$T/put.json")"
start=$(lines)
vt_caller caller2 caller_hangup.xml 900 -d 3000
wait_for_count "event=rota.bridged rota=oncall person=marco" 2 15 ||
	fail "marco was not bridged the second time"
in_order "$start" "event=rota.call rota=oncall .*source=override people=2" \
	"event=rota.calling rota=oncall person=marco" \
	"event=rota.screen-accepted rota=oncall person=marco"
[ "$(line 'event=rota.calling rota=oncall person=anna' "$start")" -eq 0 ] ||
	fail "anna was called although the override took her off"
vt_sipp_wait "$caller_pid" caller2 20 "the caller's second call to 900 failed"
ok "an override through the API: marco called first"

# 3. simultaneous, nobody accepts: exhausted, a message, hung up
start=$(lines)
vt_caller caller3 caller_closed.xml 901
wait_for_log "event=rota.exhausted rota=night tried=2" 15 ||
	fail "the night rota did not give up"
in_order "$start" "event=rota.calling rota=night person=anna" \
	"event=rota.calling rota=night person=chief" \
	"event=rota.no-answer rota=night person=chief reason=refused status=486" \
	"event=rota.screen-timeout rota=night person=anna" \
	"event=rota.exhausted rota=night tried=2 .*fallback=message"
vt_sipp_wait "$caller_pid" caller3 20 "the caller of 901 was not told and hung up"
wait_for_log "event=call.ended .*number=901 reason=flow-ended" 5 ||
	fail "no call record for 901"
ok "901: anna and the chief at once, busy and unanswered: exhausted, told, hung up"

# 4. nobody, and the rota has a voicemail queue: the caller records
vt_caller caller4 caller_message.xml 902
wait_for_log "event=rota.exhausted rota=office tried=1 .*fallback=voicemail" 10 ||
	fail "the office rota did not fall back to its voicemail"
wait_for_log "event=flow.voicemail from=0612345678 seconds=[1-9][0-9]* contact=[1-9][0-9]* queue=information" 20 ||
	fail "no voicemail contact in the information queue"
vt_sipp_wait "$caller_pid" caller4 20 "the caller leaving a message on 902 failed"
ok "902: nobody reachable, the message recorded as a voicemail of information"

# 5. the caller hangs up during the screening: the mobile is hung up
byes() { grep -c "^BYE " "$T/provider.msg" || true; }
start=$(lines)
byes0=$(byes)
vt_caller caller5 caller_hangup.xml 901 -d 1000
wait_for_log "event=rota.screening rota=night person=anna" 10 ||
	fail "anna was not screened"
vt_sipp_wait "$caller_pid" caller5 20 "the caller of 901 could not hang up"
wait_for_log "event=call.ended .*number=901 reason=caller-hangup" 5 ||
	fail "no call record for the caller who hung up"
i=0
while [ "$(byes)" -le "$byes0" ]; do
	i=$((i + 1))
	[ $i -le 50 ] || fail "anna's mobile was not hung up (no BYE at the provider)"
	sleep 0.1
done
[ "$(line 'event=rota.(exhausted|bridged|screen-timeout)' "$start")" -eq 0 ] ||
	fail "the rota went on after the caller hung up"
ok "a caller who hangs up during the screening ends the call to the mobile"
vt_alive || fail "the daemon died"
