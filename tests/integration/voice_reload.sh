#!/bin/sh
# voice_reload: SIGHUP reloads the configuration without dropping a call.
# A caller waits in the health queue; a broken file is refused with its
# located error while the daemon and the call go on; a good file adds the
# number 802 and is applied; the waiting caller is then answered by an
# agent who registers after the reload, and a call to 802 is accepted.
# Usage (from the repository root): sh tests/integration/voice_reload.sh BIN
name=voice_reload
. tests/integration/voice/lib.sh

vt_config OFFER_TIMEOUT=8s
vt_start

vt_caller caller caller.xml 800
caller1=$caller_pid
wait_for_log "event=contact-queued .*queue=health" 15 ||
	fail "the caller did not reach the health queue"

# a broken file: refused, located, the call goes on
cp "$T/c.yaml" "$T/good.yaml"
printf 'queues: [\n' >>"$T/c.yaml"
kill -HUP "$daemon_pid"
wait_for_log "event=config.reload-refused" 5 ||
	fail "a broken file was not refused on SIGHUP"
grep -q "c.yaml:[0-9]*:[0-9]*:" "$T/daemon.log" ||
	fail "the refusal does not name file, line and column"
vt_alive || fail "the daemon died on a broken file"

# a good file with a new number: applied in place
sed 's|  - {number: "801", tenant: demo, flow: afterhours}|&\n  - {number: "802", tenant: demo, flow: hotline}|' \
	"$T/good.yaml" >"$T/c.yaml"
grep -q '"802"' "$T/c.yaml" || fail "harness: 802 not added"
kill -HUP "$daemon_pid"
wait_for_log "event=config.reloaded" 5 || fail "the good file was not reloaded"
[ "$(count_log 'event=call.ended')" -eq 0 ] ||
	fail "a call ended across the reloads"

# the waiting caller is answered by an agent who registers now
vt_phone phone1 agent1 answer.xml
wait_for_log "event=call.bridged .*agent=agent1" 15 ||
	fail "the caller waiting across the reload was not answered"
vt_sipp_wait "$caller1" caller 30 "the caller's call did not complete"

# the new number takes calls
vt_caller caller2 caller_hangup.xml 802 -d 1000
wait_for_log "event=call.incoming .*number=802" 10 ||
	fail "the number added by the reload does not take calls"
vt_sipp_wait "$caller_pid" caller2 20 "the call to 802 failed"
ok "broken file refused, good file applied, no call dropped, 802 answers"
vt_alive || fail "the daemon died"
