#!/bin/sh
# voice_refer: an agent's softphone transfers the call itself with a SIP
# REFER (blind transfer, RFC 3515) to an extension that names a queue.
# A sipp caller dials 814 and reaches agent3, whose sipp phone first
# REFERs to 0044123456 (outside dialing.allow: 403, nothing dialled, the
# call stays), then to "health": 202, a NOTIFY whose sipfrag says 200,
# a BYE to agent3's phone, agent3 in wrap-up, agent2's phone rung and
# bridged to the caller, the same contact in the journal.
# Usage (from the repository root): sh tests/integration/voice_refer.sh BIN
name=voice_refer
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh

calls_config
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
$VT_TOOL pcapxor /usr/share/sip-tester/g711a.pcap "$T/agent.pcap"
sed -e "s|@REFUSED@|0044123456|g" -e "s|@TARGET@|health|g" "$VT/refer.xml" >"$T/refer.xml"
calls_phone phone2 agent2
calls_phone phone3 agent3 "$T/refer.xml"
sup=$(login sup sup-pw)

vt_caller caller caller.xml 814 -timeout 90s
wait_for_log "event=call.bridged .*agent=agent3" 10 || fail "the call to 814 was not bridged to agent3"
key=$(call_key "$sup" agent3)
wait_for_log "REFER to 0044123456 refused with 403" 10 "$T/phone3.log" ||
	fail "the REFER to a number outside dialing.allow was not refused with 403"
wait_for_log "event=dial.refused number=0044123456 .*via=transfer" 2 ||
	fail "the refused REFER was not logged"
wait_for_log "REFER to health accepted with 202" 10 "$T/phone3.log" ||
	fail "the REFER to health was not accepted with 202"
wait_for_log "NOTIFY with sipfrag SIP/2.0 200" 5 "$T/phone3.log" ||
	fail "no NOTIFY with the sipfrag 200 to agent3's phone"
wait_for_log "BYE received from the daemon" 5 "$T/phone3.log" ||
	fail "agent3's phone did not get a BYE after its REFER"
wait_for_log "event=call.bridged contact=[0-9]+ agent=agent2" 15 ||
	fail "agent2 was not bridged to the caller transferred by REFER"
[ "$(count_log 'event=dial.outside')" -eq 0 ] || fail "a number was dialled"
[ "$(agent_state "$sup" agent3)" = wrap-up ] || fail "agent3 is not in wrap-up after its REFER"
want 200 "$sup" GET "/api/v1/contacts/$key/journal"
types=$(field "' '.join(e['type'] + ('/' + e['agent'] if e.get('agent') else '') for e in j['events'] if e['type'] != 'agent-state')")
echo "$types" | grep -q "contact-transferred/agent3 contact-queued contact-offered/agent2 offer-accepted/agent2 contact-connected/agent2" ||
	fail "the journal of contact $key: $types"
want 200 "$sup" POST "/api/v1/contacts/$key/hangup"
vt_sipp_wait "$caller_pid" caller 10 "the caller did not get a BYE at the end"
ok "REFER outside dialing.allow 403 (call kept), REFER to health 202 + NOTIFY 200 + BYE, agent2 bridged, same contact $key"
vt_alive || fail "the daemon died"
echo "$name: ok"
