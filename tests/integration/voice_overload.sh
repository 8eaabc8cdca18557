#!/bin/sh
# voice_overload: beyond sip.max_calls (2) a new call gets 503 with a
# Retry-After header (retry_after: 7s), the calls up keep going and end
# normally, and once they are gone a new call is accepted again.
# Usage (from the repository root): sh tests/integration/voice_overload.sh BIN
name=voice_overload
. tests/integration/voice/lib.sh

vt_config MAX_CALLS=2
vt_start

# two callers sit in the menu (they press nothing) for 8 s, then hang up
vt_caller c1 caller_hangup.xml 800 -d 8000
c1=$caller_pid
vt_caller c2 caller_hangup.xml 800 -d 8000
c2=$caller_pid
wait_for_count "event=call.incoming .*number=800" 2 10 ||
	fail "two calls (within max_calls 2) were not both accepted"

# the third: 503 and Retry-After (invite_503.xml checks the header)
vt_caller c3 invite_503.xml 800
vt_sipp_wait "$caller_pid" c3 10 "a call beyond max_calls did not get 503 with Retry-After"
grep -q '503 retry-after *7' "$T/c3.log" ||
	fail "Retry-After is not the configured 7: $(cat "$T/c3.log")"
[ "$(count_log 'event=call.incoming .*number=800')" -eq 2 ] ||
	fail "a third call was let in beyond max_calls 2"
ok "third call: 503, Retry-After: 7"

# the two calls up were not disturbed: each hangs up itself with 200
vt_sipp_wait "$c1" c1 15 "caller 1 did not end normally after the 503 to another"
vt_sipp_wait "$c2" c2 15 "caller 2 did not end normally after the 503 to another"
wait_for_count "event=call.ended .*number=800 reason=caller-hangup" 2 5 ||
	fail "calls 1 and 2 did not both end with call.ended reason=caller-hangup"
ok "calls 1 and 2 completed"

# capacity is back: a new call is accepted
vt_caller c4 caller_hangup.xml 800 -d 1000
vt_sipp_wait "$caller_pid" c4 10 "a call after the others ended was refused"
ok "a new call is accepted once the calls ended"
vt_alive || fail "the daemon died"
echo "$name: ok"
