#!/bin/sh
# voice_transfer: blind transfers of a live call through the REST API,
# with real peers (sipp caller from the trunk, sipp agents' phones
# registered with digest, sipp provider at the outbound trunk):
# - a call to 814 reaches agent3; a transfer to a number outside
#   dialing.allow is refused (403), logged, nothing reaches the provider
#   and the call stays with agent3;
# - to queue health: agent3's phone gets a BYE and agent3 goes to
#   wrap-up, agent2's phone rings and is bridged to the caller, and the
#   journal of the same contact goes on (transferred, offered to agent2,
#   connected);
# - to an allowed number: agent2's phone gets a BYE, the provider gets
#   the INVITE for that number and is bridged to the caller;
# - a second call (813, agent1) to agent4: agent4's phone rings directly,
#   agent4 is not ready ("transfer") while it talks, ready again after.
# Usage (from the repository root): sh tests/integration/voice_transfer.sh BIN
name=voice_transfer
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh

calls_config
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
# the provider: answers one call, talks 4 s and hangs up
sed "s|@AGENT_PCAP@|$T/agent.pcap|g" "$VT/answer.xml" >"$T/provider.xml"
$VT_TOOL pcapxor /usr/share/sip-tester/g711a.pcap "$T/agent.pcap"
vt_sipp provider 127.0.0.1 -sf "$T/provider.xml" -m 1 -timeout 90s
provider_pid=$sipp_pid
[ "$sipp_port" -eq "$PROVIDER_PORT" ] || fail "harness: provider port"
calls_phone phone1 agent1
calls_phone phone2 agent2
calls_phone phone3 agent3
calls_phone phone4 agent4 "$VT/answer.xml"

sup=$(login sup sup-pw)
olga=$(login olga olga-pw)

vt_caller caller caller.xml 814 -timeout 90s
wait_for_log "event=call.bridged .*agent=agent3" 10 ||
	fail "the call to 814 was not bridged to agent3"
key=$(call_key "$sup" agent3)

# refused: a number outside dialing.allow, a queue of another tenant,
# two targets at once, and another tenant's user
want 403 "$sup" POST "/api/v1/contacts/$key/transfer" '{"number": "0044123456"}'
[ "$(field "j['error']['code']")" = number-not-allowed ] || fail "403 code: $(cat "$T/resp")"
wait_for_log "event=dial.refused number=0044123456 reason=not-in-allow-list .*via=transfer" 5 ||
	fail "the refused number was not logged"
want 404 "$sup" POST "/api/v1/contacts/$key/transfer" '{"queue": "elsewhere"}'
want 400 "$sup" POST "/api/v1/contacts/$key/transfer" '{"queue": "health", "number": "0611223344"}'
want 404 "$olga" POST "/api/v1/contacts/$key/transfer" '{"queue": "health"}'
[ "$(count_log 'event=dial.outside')" -eq 0 ] || fail "a refused number was dialled"
grep -q "INVITE" "$T/provider.msg" 2>/dev/null && fail "the provider got an INVITE for a refused number"
api "$sup" GET "/api/v1/contacts/$key" >/dev/null
[ "$(field "j['state'] + ' ' + j['agent']")" = "connected agent3" ] ||
	fail "after a refused transfer the call is not with agent3: $(cat "$T/resp")"
ok "outside dialing.allow: 403, logged, nothing dialled, the call unchanged; other tenant 404"

# to a queue: same contact, agent2 rings and takes it, agent3 wraps up
want 200 "$sup" POST "/api/v1/contacts/$key/transfer" '{"queue": "health"}'
wait_for_log "BYE received from the daemon" 5 "$T/phone3.log" ||
	fail "agent3's phone did not get a BYE at the transfer"
wait_for_log "event=call.bridged contact=[0-9]+ agent=agent2" 15 ||
	fail "agent2 was not bridged to the transferred caller"
[ "$(agent_state "$sup" agent3)" = wrap-up ] || fail "agent3 is not in wrap-up after the transfer"
api "$sup" GET "/api/v1/contacts/$key" >/dev/null
[ "$(field "j['state'] + ' ' + j['agent'] + ' ' + j['queue']")" = "connected agent2 health" ] ||
	fail "contact $key after the transfer: $(cat "$T/resp")"
want 200 "$sup" GET "/api/v1/contacts/$key/journal"
types=$(field "' '.join(e['type'] + ('/' + e['agent'] if e.get('agent') and e['type'] != 'agent-state' else '') for e in j['events'] if e['type'] != 'agent-state')")
echo "$types" | grep -q "contact-connected/agent3 contact-transferred/agent3 contact-queued contact-offered/agent2 offer-accepted/agent2 contact-connected/agent2" ||
	fail "the journal of contact $key: $types"
ok "to queue health: agent3 BYE and wrap-up, agent2 bridged, same contact $key in the journal"

# to an allowed number: the provider gets the INVITE and the caller
want 200 "$sup" POST "/api/v1/contacts/$key/transfer" '{"number": "0611223344"}'
wait_for_log "BYE received from the daemon" 5 "$T/phone2.log" ||
	fail "agent2's phone did not get a BYE at the transfer"
wait_for_log "event=dial.outside number=0611223344 trunk=provider" 5 ||
	fail "the allowed number was not dialled"
wait_for_log "event=call.forwarded" 10 || fail "the provider was not bridged to the caller"
grep -q "INVITE sip:0611223344@127.0.0.1:$PROVIDER_PORT" "$T/provider.msg" ||
	fail "the provider was not asked for 0611223344"
[ "$(agent_state "$sup" agent2)" = wrap-up ] || fail "agent2 is not in wrap-up after the transfer"
want 409 "$sup" POST "/api/v1/contacts/$key/hold" # no longer the engine's
vt_sipp_wait "$provider_pid" provider 20 "the provider's call failed"
vt_sipp_wait "$caller_pid" caller 20 "the caller did not get a BYE when the provider hung up"
ok "to an allowed number: agent2 BYE and wrap-up, the provider got the INVITE and the caller"

# to an agent: agent4's phone rings directly; not ready while it talks
vt_caller caller2 caller.xml 813 -timeout 90s
wait_for_log "event=call.bridged .*agent=agent1" 10 || fail "the call to 813 was not bridged to agent1"
key2=$(call_key "$sup" agent1)
want 409 "$sup" POST "/api/v1/contacts/$key2/transfer" '{"agent": "agent3"}' # in wrap-up
[ "$(field "j['error']['code']")" = agent-busy ] || fail "transfer to a busy agent: $(cat "$T/resp")"
want 200 "$sup" POST "/api/v1/contacts/$key2/transfer" '{"agent": "agent4"}'
wait_for_log "BYE received from the daemon" 5 "$T/phone1.log" ||
	fail "agent1's phone did not get a BYE at the transfer"
wait_for_log "event=call.bridged .*agent=agent4 transfer=direct" 10 ||
	fail "agent4 was not bridged to the caller"
[ "$(agent_state "$sup" agent4)" = not-ready ] || fail "agent4 is offered other calls while talking"
[ "$(agent_state "$sup" agent1)" = wrap-up ] || fail "agent1 is not in wrap-up after the transfer"
vt_sipp_wait "$caller_pid" caller2 20 "the caller did not get a BYE when agent4 hung up"
wait_for_log "event=call.ended .*agent=agent4" 5 || fail "the call's record does not name agent4"
_i=0
until [ "$(agent_state "$sup" agent4)" = ready ]; do
	_i=$((_i + 1))
	[ $_i -lt 50 ] || fail "agent4 is not ready again after the transferred call"
	sleep 0.1
done
ok "to agent4: rung directly, not ready while talking, ready again, agent1 in wrap-up"
vt_alive || fail "the daemon died"
echo "$name: ok"
