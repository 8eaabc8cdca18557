#!/bin/sh
# voice_xferkeys: transfers by the keys of the agent's phone (SIP INFO
# keys, as a desk phone sends them). A sipp caller dials 814 and reaches
# agent3, whose sipp phone presses:
# - #1 0044123456 # (a blind transfer to a number outside dialing.allow):
#   refused and logged (dial.refused via=transfer), nothing dialled, the
#   caller held while keying and then back with agent3;
# - *2 104 # (attended, to agent4's extension 104): the caller held,
#   agent4's phone rung and answered, agent3 still in the call;
# - *2 again: the transfer completes, agent3's phone gets a BYE and goes
#   to wrap-up, the caller is with agent4 (call.transferred attended=yes).
# At the same time a caller dials 813 and reaches agent1, whose phone
# presses *2 102 # (agent2's extension), then hangs up once agent2 has
# answered: hanging up completes the transfer, the caller is with agent2.
# The phones cannot see the daemon, so they pause 8 s before the last *2
# or the hang-up; the test checks in the log that the target had
# answered by then.
# Usage (from the repository root): sh tests/integration/voice_xferkeys.sh BIN
name=voice_xferkeys
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh

calls_config
sed -i -e 's/{name: agent4, tenant: demo,/{name: agent4, tenant: demo, extension: "104",/' \
	-e 's/{name: agent2, tenant: demo,/{name: agent2, tenant: demo, extension: "102",/' "$T/c.yaml"
grep -q 'extension: "104"' "$T/c.yaml" && grep -q 'extension: "102"' "$T/c.yaml" ||
	fail "harness: the agents' extensions"
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
$VT_TOOL pcapxor /usr/share/sip-tester/g711a.pcap "$T/agent.pcap"
python3 "$VT/keys.py" "$T/agent.pcap" pause:1500 'keys:#10044123456#:refused' \
	pause:2000 'keys:*2104#:attended' pause:8000 'keys:*2:complete' >"$T/keys.xml" ||
	fail "harness: the keys scenario"
python3 "$VT/keys.py" "$T/agent.pcap" pause:1500 'keys:*2102#:attended' \
	pause:8000 bye >"$T/keys1.xml" || fail "harness: the hang-up scenario"
calls_phone phone4 agent4
calls_phone phone3 agent3 "$T/keys.xml"
calls_phone phone2 agent2
calls_phone phone1 agent1 "$T/keys1.xml"
sup=$(login sup sup-pw)

vt_caller caller caller.xml 814 -timeout 90s
vt_caller caller1 caller.xml 813 -timeout 90s
wait_for_log "event=call.bridged .*agent=agent3" 10 || fail "the call to 814 was not bridged to agent3"
key=$(call_key "$sup" agent3)

# 1. blind, to a number the configuration does not allow
wait_for_log "event=call.transfer-keys contact=[0-9]+ target=0044123456 kind=number attended=no error=1" 15 ||
	fail "the keyed transfer to 0044123456 was not refused"
wait_for_log "event=dial.refused number=0044123456 .*via=transfer" 2 ||
	fail "the refused number was not logged"
[ "$(count_log 'event=dial.outside')" -eq 0 ] || fail "a number was dialled"
grep -q "BYE received" "$T/phone3.log" 2>/dev/null && fail "agent3 lost the call at a refused transfer"
ok "#1 0044123456 #: refused and logged, nothing dialled, agent3 keeps the call"

# 2. attended, to agent4's extension, completed by *2
wait_for_log "event=call.consult contact=[0-9]+ agent=agent3 target=agent4" 15 ||
	fail "*2 104 # did not start a consultation with agent4"
wait_for_log "event=call.consult-answered" 10 || fail "agent4 did not answer the consultation"
grep -q "BYE received" "$T/phone3.log" 2>/dev/null && fail "agent3 was released before completing"
wait_for_log "event=call.transfer-keys contact=[0-9]+ result=complete error=0" 20 ||
	fail "*2 while consulting did not complete the transfer"
answered=$(grep -n "event=call.consult-answered" "$T/daemon.log" | head -1 | cut -d: -f1)
completed=$(grep -n "result=complete error=0" "$T/daemon.log" | head -1 | cut -d: -f1)
[ "$answered" -lt "$completed" ] || fail "completed before agent4 answered"
wait_for_log "event=call.transferred contact=$key agent=agent3 to=agent4 attended=yes" 5 ||
	fail "the call was not transferred to agent4"
wait_for_log "BYE received from the daemon" 5 "$T/phone3.log" ||
	fail "agent3's phone did not get a BYE at the completion"
grep -q "BYE received" "$T/phone4.log" 2>/dev/null && fail "agent4 was hung up"
[ "$(agent_state "$sup" agent3)" = wrap-up ] || fail "agent3 is not in wrap-up after the transfer"
want 200 "$sup" GET "/api/v1/contacts/$key/journal"
types=$(field "' '.join(e['type'] for e in j['events'] if e['type'] != 'agent-state')")
echo "$types" | grep -q "contact-connected contact-held contact-resumed contact-held" ||
	fail "the journal of contact $key: $types"
ok "*2 104 #: the caller held, agent4 consulted; *2: agent3 BYE and wrap-up, the caller with agent4"

# 3. attended to agent2's extension, completed by hanging up
wait_for_log "event=call.transfer-keys contact=[0-9]+ result=complete-by-hangup" 20 ||
	fail "agent1's hang-up while consulting did not complete the transfer"
wait_for_log "event=call.transferred contact=[0-9]+ agent=agent1 to=agent2 attended=yes" 5 ||
	fail "the call to 813 was not transferred to agent2"
wait_for_log "hung up" 5 "$T/phone1.log" || fail "agent1's phone did not hang up"
grep -q "BYE received" "$T/phone2.log" 2>/dev/null && fail "agent2 was hung up"
[ "$(count_log 'event=call.ended .*reason=agent-hangup')" -eq 0 ] ||
	fail "agent1's hang-up ended the call"
[ "$(agent_state "$sup" agent1)" = wrap-up ] || fail "agent1 is not in wrap-up after the transfer"
ok "*2 102 #, then agent1 hangs up: the transfer completes, the caller with agent2"
vt_alive || fail "the daemon died"
echo "$name: ok"
