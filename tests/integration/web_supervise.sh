#!/bin/sh
# web_supervise: supervising a live call from the wallboard in a real
# browser. The daemon serves the pages and takes calls; agent1's phone
# and agent4's (the supervisor's phone) are sipp UASes; sup has the
# wallboard open in Debian's Chromium (tests/browser/supervise.mjs,
# playwright-core). A sipp caller dials 813 and reaches agent1; on the
# wallboard sup clicks Listen (refused until a phone is given), Whisper
# from the keyboard, reads the row in Italian and stops. Then the shell
# checks what the peers got: agent4's phone rung and hung up, the log's
# modes, the audit.
# Screenshots go to BUILD/test-output/web_supervise/.
# Usage (from the repository root): sh tests/integration/web_supervise.sh BIN
name=web_supervise
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh

calls_browser_out

CALLS_PAGES=$(pwd)/web calls_config
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
calls_phone phone1 agent1
calls_phone phone4 agent4 # the supervisor's phone
sup=$(login sup sup-pw)

calls_browser supervise.mjs
vt_caller caller caller.xml 813 -timeout 90s
calls_browser_done

key=$(grep -m1 -o 'event=call.supervision-ringing contact=[0-9]*' "$T/daemon.log" | sed 's/.*=//')
[ -n "$key" ] || fail "the supervisor's phone was never rung"
wait_for_log "event=call.supervision-started contact=$key user=sup phone=agent4 mode=listen" 1 ||
	fail "no supervision-started in listen with agent4"
wait_for_log "event=call.supervision-mode contact=$key user=sup mode=whisper" 1 || fail "no switch to whisper"
wait_for_log "event=call.supervision-ended contact=$key user=sup reason=stopped" 5 || fail "no supervision-ended"
wait_for_log "BYE received from the daemon" 5 "$T/phone4.log" || fail "agent4's phone got no BYE at the stop"
want 200 "$sup" GET /api/v1/audit
[ "$(field "sorted(set(a['action'] for a in j['audit'] if a['action'].startswith('call-supervise')))")" = "['call-supervise', 'call-supervise-mode', 'call-supervise-stop']" ] ||
	fail "the wallboard's acts are not audited: $(cat "$T/resp")"
want 200 "$sup" POST "/api/v1/contacts/$key/hangup"
vt_sipp_wait "$caller_pid" caller 10 "the caller did not get a BYE"
cp "$T/daemon.log" "$OUT/daemon.log"
ok "Listen, Whisper, Stop from the wallboard: agent4's phone rung and hung up, audited; screenshots in $OUT"
vt_alive || fail "the daemon died"
echo "$name: ok"
