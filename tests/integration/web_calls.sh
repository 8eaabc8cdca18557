#!/bin/sh
# web_calls: the call controls of the agent desktop in a real browser.
# The daemon serves the pages and takes calls; agent1's phone is a sipp
# UAS (digest-registered) and maria, agent1's user, has the desktop open
# in Debian's Chromium (tests/browser/calls.mjs, playwright-core). A sipp
# caller dials 813 and reaches agent1; in the browser maria clicks Hold,
# resumes with the keyboard, opens the transfer form (a refused number,
# an attended transfer to agent2 consulted and cancelled), reads it in
# Italian, hangs up and ends the wrap-up with a disposition. Then the
# shell checks what the peers got: both legs a BYE, agent1 ready, the
# journal (held and resumed twice: the hold, then the consultation;
# wrap-up, completed), the disposition.
# Screenshots go to BUILD/test-output/web_calls/.
# Usage (from the repository root): sh tests/integration/web_calls.sh BIN
name=web_calls
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh

calls_browser_out

CALLS_PAGES=$(pwd)/web calls_config
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
calls_phone phone1 agent1
calls_phone phone2 agent2 # consulted in an attended transfer, cancelled
sup=$(login sup sup-pw)

# the browser signs in, then says so; the caller dials once it has
calls_browser calls.mjs
vt_caller caller caller.xml 813 -timeout 90s
calls_browser_done

vt_sipp_wait "$caller_pid" caller 10 "the caller did not get a BYE when maria hung up"
wait_for_log "BYE received from the daemon" 5 "$T/phone1.log" ||
	fail "agent1's phone did not get a BYE when maria hung up"
wait_for_log "event=call.ended .*reason=api-hangup" 5 || fail "no call.ended reason=api-hangup"
[ "$(agent_state "$sup" agent1)" = ready ] || fail "agent1 is not ready after Wrap-up done"
key=$(grep -m1 -o 'event=http.call-control contact=[0-9]*' "$T/daemon.log" | sed 's/.*=//')
want 200 "$sup" GET "/api/v1/contacts/$key/journal"
types=$(field "' '.join(e['type'] for e in j['events'] if e['type'] != 'agent-state')")
echo "$types" | grep -q "contact-connected contact-held contact-resumed contact-held contact-resumed contact-wrapup contact-completed" ||
	fail "the journal of contact $key: $types"
want 200 "$sup" GET "/api/v1/contacts/$key"
[ "$(field "j['state'] + ' ' + j.get('disposition', '') + ' ' + j.get('notes', '')")" = \
	"ended info-given asked about opening hours" ] ||
	fail "the call's disposition and notes were not recorded: $(cat "$T/resp")"
wait_for_log "event=http.transfer-refused contact=$key number=0044123456 user=maria" 1 ||
	fail "the refused transfer from the desktop was not logged"
[ "$(count_log 'event=dial.outside')" -eq 0 ] || fail "a number was dialled"
wait_for_log "BYE received from the daemon" 5 "$T/phone2.log" ||
	fail "agent2's phone did not get a BYE when maria cancelled the transfer"
[ "$(agent_state "$sup" agent2)" = ready ] || fail "agent2 is not ready again after the cancelled transfer"
[ "$(count_log 'event=http.call-control .*user=maria')" -eq 5 ] ||
	fail "maria's hold, resume, consultation, cancel and hang-up are not all in the log"
cp "$T/daemon.log" "$OUT/daemon.log"
ok "hold, resume, hang-up, wrap-up done from the desktop: BYE to both legs, journal, disposition; screenshots in $OUT"
vt_alive || fail "the daemon died"
echo "$name: ok"
