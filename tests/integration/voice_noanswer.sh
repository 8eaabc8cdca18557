#!/bin/sh
# voice_noanswer: ring-no-answer moves to the next agent. agent1's phone
# rings and is never answered; after the queue's offer_timeout (4 s) the
# daemon cancels it (CANCEL, 487) and rings agent2, who answers: the
# caller is bridged to agent2.
# Usage (from the repository root): sh tests/integration/voice_noanswer.sh BIN
name=voice_noanswer
. tests/integration/voice/lib.sh

vt_config OFFER_TIMEOUT=4s
vt_start
vt_phone phone1 agent1 noanswer.xml
vt_phone phone2 agent2 answer.xml

vt_caller caller caller.xml 800
wait_for_log "event=contact-offered .*queue=health .*agent=agent1" 12 ||
	fail "the health contact was not offered to agent1 first (linear)"
wait_for_log "event=call.ringing .*agent=agent1 phones=1" 2 ||
	fail "agent1's phone was not rung"
wait_for_log "event=offer-timeout .*agent=agent1" 8 ||
	fail "no offer-timeout for agent1 after offer_timeout 4s"
wait_for_log "event=contact-offered .*queue=health .*agent=agent2" 5 ||
	fail "after agent1's timeout the contact was not offered to agent2"
wait_for_log "event=call.bridged .*agent=agent2" 8 ||
	fail "the caller was not bridged to agent2"
vt_sipp_wait "$caller_pid" caller 20 \
	"the caller did not end cleanly (BYE from the daemon after agent2 hung up)"
wait_for_log "event=call.ended .*reason=agent-hangup" 5 ||
	fail "no call.ended after agent2 hung up"

# agent1's phone saw the CANCEL, answered 200 and 487, got the ACK
grep -q -a '^CANCEL sip:' "$T/phone1.msg" ||
	fail "agent1's phone never got a CANCEL when its offer timed out"
grep -q -a '^SIP/2.0 487' "$T/phone1.msg" || fail "agent1's phone sent no 487"
[ "$(count_log 'event=call.bridged .*agent=agent1')" -eq 0 ] ||
	fail "agent1 was bridged although the phone never answered"
# timing: the offer to agent2 came no sooner than offer_timeout
t1=$(grep -m1 'event=contact-offered .*agent=agent1' "$T/daemon.log" | sed 's/^ts=[^T]*T\([^Z]*\)Z.*/\1/')
t2=$(grep -m1 'event=contact-offered .*agent=agent2' "$T/daemon.log" | sed 's/^ts=[^T]*T\([^Z]*\)Z.*/\1/')
python3 -c "
import sys
def s(x):
    h, m, sec = x.split(':'); return int(h) * 3600 + int(m) * 60 + float(sec)
d = (s('$t2') - s('$t1')) % 86400
sys.exit(0 if 3.8 <= d <= 6 else 1)" ||
	fail "agent2 was offered $t1 -> $t2, expected about 4 s after agent1"
ok "agent1 rang from $t1, agent2 offered at $t2 and bridged"
vt_alive || fail "the daemon died"
echo "$name: ok"
