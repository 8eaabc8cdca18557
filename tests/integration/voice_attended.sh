#!/bin/sh
# voice_attended: attended transfers through the REST API, with real
# peers. The agent consults the target while the caller waits on hold,
# then completes or cancels:
# - a call to 814 reaches agent3; an attended transfer to 0611223344
#   holds the caller and rings the provider (sipp at the outbound
#   trunk); once it answers, the call says the target is talking and
#   agent3 still has the call; complete: agent3's phone gets a BYE and
#   wrap-up starts, the caller is bridged to the provider;
# - a call to 813 reaches agent1; an attended transfer to agent4 rings
#   agent4's phone (agent4 not ready meanwhile); completing before it
#   answers is 409, holding is 409 while consulting; cancel: agent4's
#   phone gets a BYE and agent4 is ready again, agent1 talks to the
#   caller again (resumed), then hangs up.
# Usage (from the repository root): sh tests/integration/voice_attended.sh BIN
name=voice_attended
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh

calls_config
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
$VT_TOOL pcapxor /usr/share/sip-tester/g711a.pcap "$T/agent.pcap"
# the provider: answers after 1 s, talks 8 s (time to consult and
# complete on a busy machine) and hangs up
sed -e "s|@AGENT_PCAP@|$T/agent.pcap|g" -e 's|<pause milliseconds="4000"/>|<pause milliseconds="8000"/>|' \
	"$VT/answer.xml" >"$T/provider.xml"
grep -q 'milliseconds="8000"' "$T/provider.xml" || fail "harness: the provider's talk time"
vt_sipp provider 127.0.0.1 -sf "$T/provider.xml" -m 1 -timeout 90s
provider_pid=$sipp_pid
[ "$sipp_port" -eq "$PROVIDER_PORT" ] || fail "harness: provider port"
calls_phone phone1 agent1
calls_phone phone3 agent3
calls_phone phone4 agent4
sup=$(login sup sup-pw)

# 1. to a number, completed
vt_caller caller caller.xml 814 -timeout 90s
wait_for_log "event=call.bridged .*agent=agent3" 10 || fail "the call to 814 was not bridged to agent3"
key=$(call_key "$sup" agent3)
want 409 "$sup" POST "/api/v1/contacts/$key/transfer" '{"queue": "health", "attended": true}'
[ "$(field "j['error']['code']")" = queue-unstaffed ] || fail "a consultation of a queue nobody is in: $(cat "$T/resp")"
want 200 "$sup" POST "/api/v1/contacts/$key/transfer" '{"number": "0611223344", "attended": true}'
[ "$(field "j['call']['held']")" = True ] || fail "the caller is not held while consulting: $(cat "$T/resp")"
consult_is "$sup" "$key" talking
grep -q "INVITE sip:0611223344@127.0.0.1:$PROVIDER_PORT" "$T/provider.msg" ||
	fail "the provider was not asked for 0611223344"
grep -q "BYE received" "$T/phone3.log" 2>/dev/null && fail "agent3 was released before the transfer was completed"
[ "$(agent_state "$sup" agent3)" = busy ] || fail "agent3 is not busy while consulting"
want 200 "$sup" POST "/api/v1/contacts/$key/transfer/complete"
wait_for_log "BYE received from the daemon" 5 "$T/phone3.log" ||
	fail "agent3's phone did not get a BYE at the completion"
wait_for_log "event=call.transferred contact=$key agent=agent3 to=number attended=yes" 5 ||
	fail "no call.transferred attended=yes"
[ "$(agent_state "$sup" agent3)" = wrap-up ] || fail "agent3 is not in wrap-up after the transfer"
vt_sipp_wait "$provider_pid" provider 20 "the provider's call failed"
vt_sipp_wait "$caller_pid" caller 20 "the caller did not get a BYE when the provider hung up"
wait_for_log "event=call.ended contact=$key .*caller_rtp_rx=[1-9]" 5 || fail "no call.ended for contact $key"
ok "attended to a number: the caller held, the provider consulted, complete: agent3 BYE and wrap-up, the caller with the provider"

# 2. to an agent, cancelled
vt_caller caller2 caller.xml 813 -timeout 90s
wait_for_log "event=call.bridged .*agent=agent1" 10 || fail "the call to 813 was not bridged to agent1"
key2=$(call_key "$sup" agent1)
want 200 "$sup" POST "/api/v1/contacts/$key2/transfer" '{"agent": "agent4", "attended": true}'
[ "$(field "j['call']['consult']")" = ringing ] || fail "the target is not ringing: $(cat "$T/resp")"
want 409 "$sup" POST "/api/v1/contacts/$key2/transfer/complete" # not answered yet
[ "$(field "j['error']['code']")" = no-consultation ] || fail "complete before the answer: $(cat "$T/resp")"
[ "$(agent_state "$sup" agent4)" = not-ready ] || fail "agent4 may be offered calls while consulted"
consult_is "$sup" "$key2" talking
want 409 "$sup" POST "/api/v1/contacts/$key2/resume"
[ "$(field "j['error']['code']")" = consulting ] || fail "resume while consulting: $(cat "$T/resp")"
want 200 "$sup" POST "/api/v1/contacts/$key2/transfer/cancel"
[ "$(field "j['call']['held'] is False and 'consult' not in j['call'] and j['agent'] == 'agent1'")" = True ] ||
	fail "after cancel the caller is not back with agent1: $(cat "$T/resp")"
wait_for_log "BYE received from the daemon" 5 "$T/phone4.log" || fail "agent4's phone did not get a BYE at the cancel"
[ "$(agent_state "$sup" agent4)" = ready ] || fail "agent4 is not ready again after the cancel"
want 200 "$sup" POST "/api/v1/contacts/$key2/hangup"
vt_sipp_wait "$caller_pid" caller2 10 "the caller did not get a BYE at the hang-up"
want 200 "$sup" GET "/api/v1/contacts/$key2/journal"
types=$(field "' '.join(e['type'] for e in j['events'] if e['type'] != 'agent-state')")
echo "$types" | grep -q "contact-connected contact-held contact-resumed contact-wrapup" ||
	fail "the journal of contact $key2: $types"
ok "attended to agent4: rung (not ready meanwhile), complete too early 409, resume 409 while consulting, cancel: agent4 BYE and ready, the caller back with agent1"
vt_alive || fail "the daemon died"
echo "$name: ok"
