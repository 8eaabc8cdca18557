#!/bin/sh
# voice_callback: callbacks that keep the caller's place, dialled back by
# the daemon, the agent first and then the customer.
# - caller A (0698765432) waits in health with nobody logged in and
#   presses 9 (the queue's callback_key, offered by the announcement):
#   told they will be called back, hung up; caller B (0611111111) does the same in information; caller C
#   then calls and waits in information;
# - agent1's phone registers: the callbacks are offered first (their kept
#   places, ahead of C); the phone rings showing "Callback 0698765432",
#   answers, and only then the provider (sipp at the outbound trunk) gets
#   an INVITE for 0698765432, answers, and audio flows both ways; the
#   customer hangs up and the contact completes;
# - B's number is busy (486): the attempt is journaled, the agent is free
#   at once and takes C; B is dialled again after information's
#   retry_after (2 s) and, busy again at its last attempt (attempts: 2),
#   closed as callback-failed, and the report counts both;
# - caller D asks for a callback in a queue whose retry_after is 1 h and
#   ring 2 s, is dialled by agent2 and does not answer (CANCEL after 2 s,
#   487): after a restart (SIGTERM, start) the
#   callback is back at its place, still scheduled an hour on, with its
#   attempt counted;
# - caller E (0044123456, outside dialing.allow) asks for a callback:
#   offered to agent2, refused (dial.refused ... via=callback), closed as
#   dial-refused; neither agent2's phone nor the provider is called.
# Usage (from the repository root): sh tests/integration/voice_callback.sh BIN
name=voice_callback
VT_SIPP_TIMEOUT=120s # the phones live through the whole test (about 60 s)
. tests/integration/voice/lib.sh

vt_config OFFER_TIMEOUT=8s
vt_block
provider_port=$vt_base
python3 - "$T/c.yaml" "$provider_port" <<'PY'
import sys
path, port = sys.argv[1], sys.argv[2]
s = open(path).read()
s = s.replace("""    inbound:
      from: [127.0.0.1]""", """    inbound:
      from: [127.0.0.1]
    outbound:
      uri: sip:127.0.0.1:%s""" % port)
s = s.replace("""  - name: information
    tenant: demo""", """  - name: information
    tenant: demo
    callback: {attempts: 2, retry_after: 2s, ring: 10s}""")
s = s.replace("""      information:
        - queue: information
      health:
        - queue: health""", """      information:
        - queue: information
      health:
        - queue: {name: health, callback_key: "9", announce: 1s}""")
s = s.replace("""      wait:
        - queue: information""", """      wait:
        - queue: {name: information, callback_key: "9"}
  - name: later
    tenant: demo
    language: en
    start: wait
    nodes:
      wait:
        - queue: {name: retry, callback_key: "9"}""")
s = s.replace("""  - {number: "813", tenant: demo, flow: direct}""",
"""  - {number: "813", tenant: demo, flow: direct}
  - {number: "814", tenant: demo, flow: later}""")
s = s.replace("""queues:
""", """queues:
  - name: retry
    tenant: demo
    callback: {attempts: 3, retry_after: 1h, ring: 2s}
""", 1)
s = s.replace("""  - {name: agent2, tenant: demo, password: demo, static: true,
     queues: [information, health]}""", """  - {name: agent2, tenant: demo, password: demo, static: true,
     queues: [retry]}""")
s += """
dialing:
  allow: [_06XXXXXXXX]
"""
open(path, "w").write(s)
PY
"$bin" check-config "$T/c.yaml" >/dev/null 2>"$T/check.err" ||
	{ cat "$T/check.err" >&2; fail "harness: the test configuration is invalid"; }
vt_start

# 1. A and B ask to be called back; C waits
vt_caller callerA caller_callback.xml 800 -key number 0698765432
wait_for_log "event=flow.callback-key contact=[0-9]+ from=0698765432 key=9" 15 ||
	fail "caller A's key 9 did not ask for a callback"
wait_for_log "event=callback-scheduled .*queue=health" 5 ||
	fail "no callback-scheduled for caller A"
vt_sipp_wait "$caller_pid" callerA 20 "caller A was not told and hung up"
# the announcement told the key (spoken once, kept with its text)
grep -lq "To be called back without losing your place, press 9" \
	"$T"/prompts/*.wav 2>/dev/null ||
	fail "the announcement did not offer the callback key"
vt_caller callerB caller_callback.xml 813 -key number 0611111111
wait_for_log "event=flow.callback-key contact=[0-9]+ from=0611111111 key=9" 15 ||
	fail "caller B's key 9 did not ask for a callback"
vt_sipp_wait "$caller_pid" callerB 20 "caller B was not told and hung up"
vt_caller callerC caller_hangup.xml 813 -d 20000
callerC_pid=$caller_pid
wait_for_count "event=contact-queued .*queue=information" 2 10 ||
	fail "caller C is not queued"
cA=$(sed -n 's/.*event=flow.callback-key contact=\([0-9]*\) from=0698765432.*/\1/p' \
	"$T/daemon.log" | head -n 1)
cB=$(sed -n 's/.*event=flow.callback-key contact=\([0-9]*\) from=0611111111.*/\1/p' \
	"$T/daemon.log" | head -n 1)
[ -n "$cA" ] && [ -n "$cB" ] || fail "harness: the callbacks' contact ids"
grep -q "event=contact-offered" "$T/daemon.log" &&
	fail "something was offered while nobody was logged in"

# the provider: 0611111111 is busy, anyone else answers and talks
vt_blocks="$provider_port $vt_blocks"
vt_sipp provider 127.0.0.1 -sf "$VT/provider_callback.xml" -m 3
provider_pid=$sipp_pid
provider_media=$sipp_media
[ "$sipp_port" -eq "$provider_port" ] || fail "harness: provider port"

# 2. agent1's phone: A first, agent first, then the customer. The phone
# never hangs up itself (sipp's out-of-call BYEs would all share one
# branch): the customer, caller C and the daemon do.
vt_block
vt_blocks="$vt_base $vt_blocks"
agent_media=$((vt_base + 4))
vt_capture udp port "$provider_media" or udp port "$agent_media"
vt_phone phone1 agent1 answer_bye.xml
[ "$agent_media" -eq "$phone_media" ] || fail "harness: phone media port"
wait_for_log "event=contact-offered tenant=demo contact=$cA .*agent=agent1" 10 ||
	fail "callback A was not offered to agent1"
first=$(grep -m1 "event=contact-offered" "$T/daemon.log")
case "$first" in
*"contact=$cA "*) ;;
*) fail "the first offer was not callback A: $first" ;;
esac
wait_for_log "event=call.ringing contact=$cA agent=agent1 phones=1" 5 ||
	fail "agent1's phone did not ring for callback A"
wait_for_log "event=callback.dialing contact=$cA agent=agent1 number=0698765432" 10 ||
	fail "the customer was not dialled after agent1 answered"
wait_for_log "event=call.bridged contact=$cA agent=agent1 callback=0698765432" 10 ||
	fail "the customer answered but was not bridged to agent1"
grep -q '^From: "Callback 0698765432" <sip:0698765432@' "$T/phone1.msg" ||
	fail "the agent's phone did not show \"Callback 0698765432\""
# the agent's phone got its INVITE (and answered) before the provider's
phone_answer=$(grep -n "event=callback.dialing contact=$cA" "$T/daemon.log" | cut -d: -f1)
dialled=$(grep -n "event=dial.outside number=0698765432" "$T/daemon.log" | cut -d: -f1)
[ "$phone_answer" -lt "$dialled" ] ||
	fail "the customer was dialled before the agent answered"
grep -q "INVITE sip:0698765432@127.0.0.1:$provider_port" "$T/provider.msg" ||
	fail "the provider was not asked for 0698765432"
wait_for_log "event=contact-completed tenant=demo contact=$cA " 15 ||
	fail "callback A did not complete after the agent hung up"
ok "callback A: offered first, agent rung and answered, then the customer dialled, bridged, completed"

# 3. B busy: attempt journaled, agent free, C served, B retried, failed
wait_for_log "event=callback.attempt contact=$cB number=0611111111 attempt=1 reason=busy next=retry" 15 ||
	fail "B's busy attempt was not counted for a retry"
vt_capture_stop
$VT_TOOL bridgecheck "$T/cap.pcap" "$provider_media" "$agent_media" \
	/usr/share/sip-tester/g711a.pcap "$T/agent.pcap" \
	>"$T/bridgecheck.out" 2>&1 ||
	fail "audio: $(cat "$T/bridgecheck.out")"
ok "audio both ways: $(head -n 1 "$T/bridgecheck.out")"
wait_for_log "event=callback-scheduled tenant=demo contact=$cB .*agent=agent1 .*reason=busy" 5 ||
	fail "no callback-scheduled reason=busy for B"
wait_for_log "event=call.bridged contact=[0-9]+ agent=agent1$" 15 ||
	fail "agent1 did not take caller C after B's busy attempt"
vt_sipp_wait "$callerC_pid" callerC 25 "caller C's call did not end normally"
wait_for_log "event=call.ended contact=[0-9]+ from=0612345678 number=813 reason=caller-hangup" 5 ||
	fail "caller C's call did not end with their hang-up"
wait_for_log "event=callback.attempt contact=$cB number=0611111111 attempt=2 reason=busy next=give-up" 20 ||
	fail "B was not retried, or not given up after its last attempt"
wait_for_log "event=contact-completed tenant=demo contact=$cB .*reason=callback-failed" 5 ||
	fail "B was not closed as callback-failed"
vt_sipp_wait "$provider_pid" provider 20 "the provider did not get three whole calls"
[ "$(grep -c "INVITE sip:0611111111@" "$T/provider.msg")" -ge 2 ] ||
	fail "B's number was not dialled twice"
ok "callback B: busy, retried after 2 s, closed as callback-failed"

# 4. the store: outcomes, and the journal of B's attempts
sleep_flush=0
while [ "$sleep_flush" -lt 30 ]; do
	outB=$(sqlite3 "$T/db" "SELECT outcome FROM contacts WHERE channel='callback' AND attributes LIKE '%from=0611111111%'" 2>/dev/null || true)
	[ -n "$outB" ] && break
	sleep 0.1
	sleep_flush=$((sleep_flush + 1))
done
[ "$outB" = "callback-failed" ] || fail "B's outcome in the store is '$outB'"
outA=$(sqlite3 "$T/db" "SELECT outcome FROM contacts WHERE channel='callback' AND attributes LIKE '%from=0698765432%'")
[ "$outA" = "completed" ] || fail "A's outcome in the store is '$outA'"
retries=$(sqlite3 "$T/db" "SELECT count(*) FROM journal WHERE type='callback-scheduled' AND reason='busy'")
[ "$retries" -eq 1 ] || fail "the journal holds $retries busy retries, expected 1"
ok "store: A completed, B callback-failed, one busy retry in the journal"

# 5. the report beside the daemon: information counts B's vain attempt
# and its failure, health A handled and none failed
"$bin" report --store "$T/db" --queue information --interval 60 \
	--format csv >"$T/report.csv" 2>"$T/report.err" ||
	fail "report: $(cat "$T/report.err")"
python3 - "$T/report.csv" <<'PY' || fail "report: $(cat "$T/report.csv")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
retries = sum(int(r["callback_retries"]) for r in rows)
failed = sum(int(r["callback_failed"]) for r in rows)
sys.exit(0 if (retries, failed) == (1, 1) else 1)
PY
ok "report: information callback_retries=1 callback_failed=1"

# 6. a callback waiting for its next attempt survives a restart
vt_caller callerD caller_callback.xml 814 -key number 0633333333
wait_for_log "event=flow.callback-key contact=[0-9]+ from=0633333333 key=9" 15 ||
	fail "caller D's key 9 did not ask for a callback"
cD=$(sed -n 's/.*event=flow.callback-key contact=\([0-9]*\) from=0633333333.*/\1/p' \
	"$T/daemon.log" | tail -n 1)
vt_sipp_wait "$caller_pid" callerD 20 "caller D was not told and hung up"
vt_blocks="$provider_port $vt_blocks"
vt_sipp provider2 127.0.0.1 -sf "$VT/provider_callback.xml" -m 1
provider2_pid=$sipp_pid
vt_phone phone2 agent2 answer_bye.xml
wait_for_log "event=callback.attempt contact=$cD number=0633333333 attempt=1 reason=no-answer next=retry" 15 ||
	fail "D's unanswered attempt was not counted for a retry"
grep -q "^CANCEL sip:0633333333@" "$T/provider2.msg" ||
	fail "the unanswered customer's INVITE was not cancelled"
vt_sipp_wait "$provider2_pid" provider2 10 "the provider did not get D's call"
kill -TERM "$daemon_pid"
wait_pid "$daemon_pid" 10
mv "$T/daemon.log" "$T/daemon1.log"
vt_start
wait_for_log "event=desk.recovered recovered=1 " 5 ||
	fail "the callback in retry was not recovered: $(grep desk.recovered "$T/daemon.log")"
wait_for_log "event=contact-queued .*queue=retry .*channel=callback" 5 ||
	fail "the recovered callback is not back in its queue"
row=$(sqlite3 "$T/db" "SELECT attributes, not_before_ms - CAST(strftime('%s','now') AS INTEGER) * 1000, outcome IS NULL FROM contacts WHERE queue='retry'")
case "$row" in
attempts=1\;*\|3[0-9][0-9][0-9][0-9][0-9][0-9]\|1) ;; # due in 50..60 min
*) fail "the recovered callback's record: $row" ;;
esac
[ "$(count_log "event=contact-offered")" -eq 0 ] ||
	fail "the callback was offered before its retry was due"
ok "a callback waiting for its retry survives a restart, attempt counted, due an hour on"

# 7. a number outside dialing.allow is never dialled, nor the agent rung
vt_caller callerE caller_callback.xml 814 -key number 0044123456
wait_for_log "event=flow.callback-key contact=[0-9]+ from=0044123456 key=9" 15 ||
	fail "caller E's key 9 did not ask for a callback"
cE=$(sed -n 's/.*event=flow.callback-key contact=\([0-9]*\) from=0044123456.*/\1/p' \
	"$T/daemon.log" | tail -n 1)
vt_sipp_wait "$caller_pid" callerE 20 "caller E was not told and hung up"
vt_phone phone3 agent2 answer_bye.xml
wait_for_log "event=dial.refused number=0044123456 reason=not-in-allow-list contact=$cE via=callback" 10 ||
	fail "the number outside dialing.allow was not refused"
wait_for_log "event=contact-completed tenant=demo contact=$cE .*reason=dial-refused" 5 ||
	fail "the refused callback was not closed as dial-refused"
[ "$(count_log "event=call.ringing contact=$cE ")" -eq 0 ] ||
	fail "agent2's phone rang for a callback that cannot be made"
[ "$(count_log "event=dial.outside number=0044123456")" -eq 0 ] ||
	fail "the refused number was dialled"
outE=""
i=0
while [ -z "$outE" ] && [ $i -lt 30 ]; do
	outE=$(sqlite3 "$T/db" "SELECT outcome FROM contacts WHERE attributes LIKE '%from=0044123456%' AND outcome IS NOT NULL")
	sleep 0.1
	i=$((i + 1))
done
[ "$outE" = "dial-refused" ] || fail "E's outcome in the store is '$outE'"
ok "a number outside dialing.allow: refused, never dialled, closed as dial-refused"
vt_alive || fail "the daemon died"
echo "$name: ok"
