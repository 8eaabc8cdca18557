#!/bin/sh
# voice_consultq: attended transfers to a queue through the REST API. The
# consultation is a contact of its own in the target queue, which the
# engine offers to one of its agents:
# - a call to 814 reaches agent3; an attended transfer to the queue
#   health holds the caller, and the engine offers the consultation to
#   agent2 (health's only agent), whose phone rings; the call says
#   "ringing", then "talking" once agent2 answers, agent3 still has the
#   call; complete: agent3's phone gets a BYE and wrap-up, the caller is
#   bridged to agent2, and the call goes on as the consultation's
#   contact (queued in health, offered to and answered by agent2);
#   hanging it up puts agent2 in wrap-up;
# - a call to 813 reaches agent1; an attended transfer to backoffice
#   rings agent4; cancel once agent4 talks: agent4's phone gets a BYE,
#   agent4 is ready again at once (no wrap-up for a consultation), the
#   consultation's contact completed with reason consult-cancelled, and
#   agent1 has the caller back.
# Usage (from the repository root): sh tests/integration/voice_consultq.sh BIN
name=voice_consultq
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh

calls_config
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
calls_phone phone1 agent1
calls_phone phone2 agent2
calls_phone phone3 agent3
calls_phone phone4 agent4
sup=$(login sup sup-pw)

# 1. to health, completed
vt_caller caller caller.xml 814 -timeout 90s
wait_for_log "event=call.bridged .*agent=agent3" 10 || fail "the call to 814 was not bridged to agent3"
key=$(call_key "$sup" agent3)
want 200 "$sup" POST "/api/v1/contacts/$key/transfer" '{"queue": "health", "attended": true}'
[ "$(field "j['call']['held']")" = True ] || fail "the caller is not held while consulting: $(cat "$T/resp")"
wait_for_log "event=call.consult contact=[0-9]+ agent=agent3 target=queue:health consultation=[0-9]+" 5 ||
	fail "no consultation of health"
wait_for_log "event=call.consult-ringing contact=[0-9]+ consultation=[0-9]+ agent=agent2" 10 ||
	fail "the engine did not offer the consultation to agent2"
consult_is "$sup" "$key" talking
grep -q "BYE received" "$T/phone3.log" 2>/dev/null && fail "agent3 was released before the completion"
[ "$(agent_state "$sup" agent2)" = busy ] || fail "agent2 is not busy while consulted"
want 200 "$sup" POST "/api/v1/contacts/$key/transfer/complete"
wait_for_log "BYE received from the daemon" 5 "$T/phone3.log" ||
	fail "agent3's phone did not get a BYE at the completion"
wait_for_log "event=call.transferred contact=$key agent=agent3 to=agent2 attended=yes" 5 ||
	fail "the call was not transferred to agent2"
[ "$(agent_state "$sup" agent3)" = wrap-up ] || fail "agent3 is not in wrap-up"
key_b=$(call_key "$sup" agent2)
[ "$key_b" != "$key" ] || fail "the call did not take the consultation's contact"
want 200 "$sup" GET "/api/v1/contacts/$key_b"
[ "$(field "j['queue'] == 'health' and j['agent'] == 'agent2' and j['call']['bridged'] is True and j['call']['from'] != ''")" = True ] ||
	fail "the consultation's contact is not the caller's call with agent2: $(cat "$T/resp")"
want 200 "$sup" GET "/api/v1/contacts/$key_b/journal"
types=$(field "' '.join(e['type'] + ('/' + e['agent'] if e.get('agent') else '') for e in j['events'] if e['type'] != 'agent-state')")
echo "$types" | grep -q "contact-queued contact-offered/agent2 offer-accepted/agent2 contact-connected/agent2" ||
	fail "the journal of the consultation $key_b: $types"
want 200 "$sup" POST "/api/v1/contacts/$key_b/hangup"
vt_sipp_wait "$caller_pid" caller 10 "the caller did not get a BYE at the hang-up"
[ "$(agent_state "$sup" agent2)" = wrap-up ] || fail "agent2 is not in wrap-up after the call"
ok "attended to health: agent2 chosen by the engine, rung, talking; complete: agent3 BYE and wrap-up, the caller with agent2 as contact $key_b"

# 2. to backoffice, cancelled
vt_caller caller2 caller.xml 813 -timeout 90s
wait_for_log "event=call.bridged .*agent=agent1" 10 || fail "the call to 813 was not bridged to agent1"
key2=$(call_key "$sup" agent1)
want 200 "$sup" POST "/api/v1/contacts/$key2/transfer" '{"queue": "backoffice", "attended": true}'
consult_is "$sup" "$key2" talking
want 409 "$sup" POST "/api/v1/contacts/$key2/transfer" '{"queue": "health", "attended": true}'
[ "$(field "j['error']['code']")" = consulting ] || fail "a second transfer while consulting: $(cat "$T/resp")"
want 200 "$sup" POST "/api/v1/contacts/$key2/transfer/cancel"
[ "$(field "j['call']['held'] is False and 'consult' not in j['call'] and j['agent'] == 'agent1'")" = True ] ||
	fail "after cancel the caller is not back with agent1: $(cat "$T/resp")"
wait_for_log "BYE received from the daemon" 5 "$T/phone4.log" || fail "agent4's phone did not get a BYE at the cancel"
[ "$(agent_state "$sup" agent4)" = ready ] || fail "agent4 is not ready at once after the cancel"
wait_for_log "event=contact-completed .*queue=backoffice agent=agent4 .*reason=consult-cancelled" 5 ||
	fail "the consultation's contact was not completed as cancelled"
want 200 "$sup" POST "/api/v1/contacts/$key2/hangup"
vt_sipp_wait "$caller_pid" caller2 10 "the caller to 813 did not get a BYE at the hang-up"
ok "attended to backoffice, cancelled: agent4 BYE and ready at once, the consultation completed as consult-cancelled, the caller back with agent1"
vt_alive || fail "the daemon died"
echo "$name: ok"
