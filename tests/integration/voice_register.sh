#!/bin/sh
# voice_register: agents' phones register with digest authentication.
# The right password gets 200 and sip.registered (UDP and TCP); a wrong password and an
# unknown user get the same 403 (no user enumeration); after auth_failures
# (3) failures the address is blocked, 403 even with the right password,
# until the block (3 s) ends.
# Usage (from the repository root): sh tests/integration/voice_register.sh BIN
name=voice_register
. tests/integration/voice/lib.sh

vt_config AUTH_MAX=3 AUTH_BLOCK=3s
vt_start

# register ID USER PASSWORD SCENARIO: one REGISTER exchange, must pass.
register() {
	vt_credentials "$T/$1.csv" "$2" "$3"
	vt_sipp "$1" 127.0.0.1 -sf "tests/integration/voice/$4" \
		-inf "$T/$1.csv" -m 1 -d 1
	vt_sipp_wait "$sipp_pid" "$1" 15 "$5"
}

# status ID: the status line of the last response sipp received.
status() {
	grep -a '^SIP/2.0 ' "$T/$1.msg" | tail -n 1 | tr -d '\r'
}

# 1. The right password: 200 with the binding, and the daemon logs it.
register ok1 agent1 demo register.xml "agent1/demo was not registered"
wait_for_log "event=sip.registered user=agent1 contact=sip:agent1@127.0.0.1:" 5 ||
	fail "no event=sip.registered user=agent1 in the log"
[ "$(status ok1)" = "SIP/2.0 200 OK" ] || fail "agent1/demo got '$(status ok1)'"
ok "agent1 with the right password: 200, sip.registered"

# ... and over TCP
vt_credentials "$T/tcp.csv" agent3 demo
vt_sipp tcp 127.0.0.1 -t t1 -sf "tests/integration/voice/register.xml" \
	-inf "$T/tcp.csv" -m 1 -d 1
vt_sipp_wait "$sipp_pid" tcp 15 "agent3/demo was not registered over TCP"
wait_for_log "event=sip.registered user=agent3 contact=sip:agent3@127.0.0.1:[0-9]+;transport=TCP" 5 ||
	fail "no event=sip.registered user=agent3 over TCP"
ok "agent3 over TCP: $(status tcp)"

# 2. A wrong password: 403 after the challenge (failure 1 of 3).
register badpw agent1 wrong register_refused.xml \
	"agent1 with a wrong password was not refused with 403"
grep -q -a '^SIP/2.0 401' "$T/badpw.msg" ||
	fail "no 401 challenge before the wrong password was refused"
ok "wrong password: $(status badpw)"

# 3. An unknown user: the very same 403 (failure 2 of 3).
register nouser nobody demo register_refused.xml \
	"an unknown user was not refused with 403"
grep -q -a '^SIP/2.0 401' "$T/nouser.msg" ||
	fail "an unknown user was not challenged like a known one"
[ "$(status nouser)" = "$(status badpw)" ] ||
	fail "unknown user got '$(status nouser)', wrong password '$(status badpw)': enumeration"
ok "unknown user: $(status nouser), the same as a wrong password"

# 4. Failure 3 blocks the address: the right password is refused too.
register badpw2 agent2 wrong register_refused.xml \
	"the third failure was not refused with 403"
wait_for_log "event=sip.auth-blocked src=127.0.0.1" 5 ||
	fail "no sip.auth-blocked after 3 failures"
register blocked agent2 demo register_refused.xml \
	"a blocked address registered agent2 with the right password"
[ "$(count_log 'event=sip.registered user=agent2 ')" -eq 0 ] ||
	fail "agent2 registered from a blocked address"
ok "blocked after 3 failures: right password gets $(status blocked)"

# 5. After the block (3 s; nothing to wait for but the clock) the right
# password works again.
sleep 3.5
register ok2 agent2 demo register.xml \
	"agent2 could not register after the block ended"
wait_for_log "event=sip.registered user=agent2 " 5 ||
	fail "no sip.registered for agent2 after the block ended"
ok "block lifted after 3 s: agent2 registered"

vt_alive || fail "the daemon died"
echo "$name: ok"
