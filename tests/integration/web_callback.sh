#!/bin/sh
# web_callback: a callback called back by phone, on the agent desktop in
# a real browser. maria (agent1) has the desktop open in Debian's
# Chromium (tests/browser/callback.mjs, playwright-core); the supervisor
# creates a callback in information through the API; the daemon rings
# agent1's phone (sipp), which answers, then dials the customer's number
# at the provider (sipp at the outbound trunk), who answers. In the
# browser the callback is a call card with the customer's number: maria
# holds, resumes, hangs up (the customer gets the BYE) and ends the
# wrap-up with a disposition; the journal and the outcome agree.
# Screenshots go to BUILD/test-output/web_callback/.
# Usage (from the repository root): sh tests/integration/web_callback.sh BIN
name=web_callback
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh

calls_browser_out

CALLS_PAGES=$(pwd)/web calls_config
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
vt_sipp provider 127.0.0.1 -sf "$VT/provider_callback.xml" -m 1 -timeout 90s
provider_pid=$sipp_pid
[ "$sipp_port" -eq "$PROVIDER_PORT" ] || fail "harness: provider port"
calls_phone phone1 agent1
sup=$(login sup sup-pw)

calls_browser callback.mjs
want 201 "$sup" POST /api/v1/contacts '{"tenant": "demo", "queue": "information", "channel": "callback", "data": {"number": "0644444444", "name": "Carla"}}'
key=$(field "j['id']")
calls_browser_done

vt_sipp_wait "$provider_pid" provider 10 "the customer did not get a BYE when maria hung up"
wait_for_log "BYE received from the daemon" 5 "$T/provider.log" ||
	fail "the customer's leg did not get the daemon's BYE"
wait_for_log "event=callback.dialing contact=[0-9]+ agent=agent1 number=0644444444" 1 ||
	fail "the customer was not dialled after agent1's phone answered"
want 200 "$sup" GET "/api/v1/contacts/$key/journal"
types=$(field "' '.join(e['type'] for e in j['events'] if e['type'] != 'agent-state')")
echo "$types" | grep -q "offer-accepted contact-connected contact-held contact-resumed contact-wrapup contact-completed" ||
	fail "the journal of callback $key: $types"
want 200 "$sup" GET "/api/v1/contacts/$key"
[ "$(field "j['state'] + ' ' + str(j.get('outcome')) + ' ' + str(j.get('disposition'))")" = \
	"ended completed called-back" ] ||
	fail "the callback's outcome and disposition: $(cat "$T/resp")"
cp "$T/daemon.log" "$OUT/daemon.log"
ok "a callback called back by phone is a call on the desktop: hold, resume, hang-up, wrap-up done; screenshots in $OUT"
vt_alive || fail "the daemon died"
echo "$name: ok"
