#!/bin/sh
# voice_supervise: a supervisor on a live call, with real peers, each
# with a voice of its own: the caller (sipp) plays 440 Hz, agent1's phone
# 1000 Hz, the supervisor's phone (registered as agent4) 2000 Hz. The
# supervisor asks through the API; the daemon rings agent4's phone:
# - whisper: the agent hears the caller and the supervisor, the caller
#   only the agent; the supervisor hears both;
# - listen: the supervisor hears both, nobody hears the supervisor;
# - barge: the caller hears the agent and the supervisor, the agent the
#   caller and the supervisor;
# - stop: the supervisor's phone gets a BYE, caller and agent as before;
#   agent4 was not ready while supervising and is ready again;
# - a second session, in barge, on the supervisor's mobile (an allowed
#   number, through the outbound trunk to sipp), which hangs up after
#   4 s: caller and agent hear each other alone again;
# - a third session ends with the call (BYE to the supervisor's phone);
# - an agent gets 403, another tenant 404, a number outside
#   dialing.allow 403 (nothing dialled), a second session 409; the acts
#   are audited and journaled.
# Usage (from the repository root): sh tests/integration/voice_supervise.sh BIN
name=voice_supervise
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh
TONES="python3 $VT/tones.py"

calls_config
$TONES pcap 440 30 "$T/caller.pcap"
$TONES pcap 1000 30 "$T/agent.pcap"
$TONES pcap 2000 30 "$T/sup.pcap"
sed -e '/dtmf_2833_2.pcap/d' -e "s|/usr/share/sip-tester/g711a.pcap|$T/caller.pcap|" \
	-e 's|<pause milliseconds="1500"/>||' -e 's|<recv request="BYE" timeout="25000"/>|<recv request="BYE" timeout="60000"/>|' \
	"$VT/caller.xml" >"$T/caller.xml"
grep -q 'timeout="60000"' "$T/caller.xml" || fail "harness: the caller's scenario"
sed "s|@AGENT_PCAP@|$T/sup.pcap|g" "$VT/answer_bye.xml" >"$T/sup-answer.xml"
sed "s|@AGENT_PCAP@|$T/sup.pcap|g" "$VT/answer.xml" >"$T/mobile.xml" # hangs up after 4 s

vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
# the supervisor's mobile: sipp at the outbound trunk, answers and talks
vt_sipp provider 127.0.0.1 -sf "$T/mobile.xml" -m 1 -timeout 90s
provider_pid=$sipp_pid
[ "$sipp_port" -eq "$PROVIDER_PORT" ] || fail "harness: provider port"
calls_phone phone1 agent1
agent_media=$phone_media
calls_phone phone4 agent4 "$T/sup-answer.xml"
sup_media=$phone_media
sup=$(login sup sup-pw)
maria=$(login maria maria-pw)
olga=$(login olga olga-pw)

vt_block
vt_blocks="$vt_base $vt_blocks"
caller_media=$((vt_base + 4))
vt_capture udp port "$caller_media" or udp port "$agent_media" or udp port "$sup_media"
vt_sipp caller 127.0.0.1 -sf "$T/caller.xml" -s 813 -m 1 -timeout 90s
caller_pid=$sipp_pid
[ "$caller_media" -eq "$sipp_media" ] || fail "harness: media port mismatch"
wait_for_log "event=call.bridged .*agent=agent1" 10 || fail "the call to 813 was not bridged to agent1"
key=$(call_key "$sup" agent1)

# who may: not an agent, not another tenant; a number must be allowed
want 403 "$maria" POST "/api/v1/contacts/$key/supervise" '{"mode": "listen", "agent": "agent4"}'
want 404 "$olga" POST "/api/v1/contacts/$key/supervise" '{"mode": "listen", "agent": "agent4"}'
want 400 "$sup" POST "/api/v1/contacts/$key/supervise" '{"mode": "shout", "agent": "agent4"}'
want 400 "$sup" POST "/api/v1/contacts/$key/supervise" '{"mode": "listen", "agent": "agent1"}' # in the call
want 403 "$sup" POST "/api/v1/contacts/$key/supervise" '{"mode": "listen", "number": "0039123456"}'
[ "$(field "j['error']['code']")" = number-not-allowed ] || fail "a refused number: $(cat "$T/resp")"
want 409 "$sup" POST "/api/v1/contacts/$key/supervise/mode" '{"mode": "barge"}'
want 409 "$sup" POST "/api/v1/contacts/$key/supervise/stop"
ok "agent 403, other tenant 404, a bad mode 400, a number outside dialing.allow 403, no session 409"

# whisper, then listen, then barge, then stop (each phase's length is
# how long it lasts, not a wait for something to happen)
want 200 "$sup" POST "/api/v1/contacts/$key/supervise" '{"mode": "whisper", "agent": "agent4"}'
[ "$(field "j['call']['supervision']['mode']")" = whisper ] || fail "the call does not say supervised: $(cat "$T/resp")"
want 409 "$sup" POST "/api/v1/contacts/$key/supervise" '{"mode": "listen", "agent": "agent4"}'
wait_for_log "event=call.supervision-started contact=$key user=sup phone=agent4 mode=whisper" 10 ||
	fail "the supervisor's phone did not answer"
[ "$(agent_state "$sup" agent4)" = not-ready ] || fail "agent4 may be offered calls while supervising"
sleep 3
want 200 "$sup" POST "/api/v1/contacts/$key/supervise/mode" '{"mode": "listen"}'
want 409 "$sup" POST "/api/v1/contacts/$key/supervise/mode" '{"mode": "listen"}'
sleep 3
want 200 "$sup" POST "/api/v1/contacts/$key/supervise/mode" '{"mode": "barge"}'
sleep 3
want 200 "$sup" POST "/api/v1/contacts/$key/supervise/stop"
wait_for_log "BYE received from the daemon" 5 "$T/phone4.log" || fail "the supervisor's phone got no BYE at the stop"
wait_for_log "event=call.supervision-ended contact=$key user=sup reason=stopped" 5 || fail "no supervision-ended"
[ "$(agent_state "$sup" agent4)" = ready ] || fail "agent4 is not ready again after supervising"
sleep 2
ok "whisper, listen, barge, stop"

# a second session, barging in from the supervisor's mobile, which
# hangs up by itself after 4 s
want 200 "$sup" POST "/api/v1/contacts/$key/supervise" '{"mode": "barge", "number": "0611223344"}'
wait_for_log "event=call.supervision-started contact=$key user=sup phone=0611223344 mode=barge" 10 ||
	fail "the second session did not start"
grep -q "INVITE sip:0611223344@127.0.0.1:$PROVIDER_PORT" "$T/provider.msg" ||
	fail "the provider was not asked for 0611223344"
wait_for_log "event=call.supervision-ended contact=$key user=sup reason=supervisor-hangup" 10 ||
	fail "the supervisor's hang-up did not end the session"
vt_sipp_wait "$provider_pid" provider 10 "the supervisor's mobile's call failed"
sleep 2
ok "a session on an allowed number, ended by the supervisor hanging up"

# a third session ends with the call
want 200 "$sup" POST "/api/v1/contacts/$key/supervise" '{"mode": "listen", "agent": "agent4"}'
wait_for_count "event=call.supervision-started contact=$key" 3 10 || fail "the third session did not start"
want 200 "$sup" POST "/api/v1/contacts/$key/hangup"
vt_sipp_wait "$caller_pid" caller 10 "the caller did not get the daemon's BYE"
wait_for_log "event=call.supervision-ended contact=$key user=sup reason=call-ended" 5 ||
	fail "the supervision did not end with the call"
i=0
while [ "$(grep -c 'BYE received from the daemon' "$T/phone4.log")" -lt 2 ]; do
	[ $i -lt 50 ] || fail "the supervisor's phone got no BYE when the call ended"
	sleep 0.1
	i=$((i + 1))
done
vt_capture_stop
ok "a session ends with the call"

# the audio, phase by phase (a margin after each switch)
ts() { vt_iso "$(grep -E -- "$1" "$T/daemon.log" | sed -n "${2:-1}p" | sed -n 's/^ts=\([^ ]*\) .*/\1/p')"; }
w0=$(ts "event=call.supervision-started contact=$key")
l0=$(ts "event=call.supervision-mode .*mode=listen")
b0=$(ts "event=call.supervision-mode .*mode=barge")
s0=$(ts "event=call.supervision-ended contact=$key .*reason=stopped")
r0=$(ts "event=call.supervision-started contact=$key" 2)
h0=$(ts "event=call.supervision-ended contact=$key .*reason=supervisor-hangup")
t0=$(ts "event=call.supervision-started contact=$key" 3)
for phase in "whisper $w0 $l0" "listen $l0 $b0" "barge $b0 $s0" "after $s0 $r0" \
	"mobile $r0 $h0" "hungup $h0 $t0"; do
	set -- $phase
	a=$(python3 -c "print($2 + 0.4)")
	for who in caller:$caller_media agent:$agent_media sup:$sup_media; do
		$TONES rx "$T/cap.pcap" "${who#*:}" "$a" "$3" 440 1000 2000 >"$T/$1-${who%%:*}.json"
	done
done
python3 - "$T" <<'PY' || fail "the audio"
import json, sys
T = sys.argv[1]
def r(phase, who):
    return json.load(open("%s/%s-%s.json" % (T, phase, who)))
# (phase, who hears, tones that must be there, tones that must not)
rules = [
    ("whisper", "agent", [440, 2000], []),
    ("whisper", "caller", [1000], [2000, 440]),
    ("whisper", "sup", [440, 1000], [2000]),
    ("listen", "agent", [440], [2000]),
    ("listen", "caller", [1000], [2000]),
    ("listen", "sup", [440, 1000], []),
    ("barge", "caller", [1000, 2000], [440]),
    ("barge", "agent", [440, 2000], [1000]),
    ("barge", "sup", [440, 1000], [2000]),
    ("after", "caller", [1000], [2000]),
    ("after", "agent", [440], [2000]),
    ("mobile", "caller", [1000, 2000], [440]),
    ("mobile", "agent", [440, 2000], [1000]),
    ("hungup", "caller", [1000], [2000]),
    ("hungup", "agent", [440], [2000]),
]
err = []
for phase, who, yes, no in rules:
    x = r(phase, who)
    n = x["blocks"]
    for f in yes:
        if n < 10 or x[str(f)] < 0.6 * n:
            err.append("%s: the %s heard %d Hz in %d of %d blocks" % (phase, who, f, x[str(f)], n))
    for f in no:
        if x[str(f)] > 1:
            err.append("%s: the %s heard %d Hz in %d of %d blocks" % (phase, who, f, x[str(f)], n))
    print(phase, who, x)
if err:
    sys.exit("; ".join(err))
PY
ok "whisper: only the agent hears the supervisor; listen: nobody does; barge: both do; the supervisor hears both throughout"

want 200 "$sup" GET "/api/v1/contacts/$key/journal"
types=$(field "' '.join(e['type'] for e in j['events'] if e['type'] != 'agent-state')")
echo "$types" | grep -q "supervision-started supervision-mode supervision-mode supervision-ended supervision-started supervision-ended supervision-started supervision-ended" ||
	fail "the journal of contact $key: $types"
want 200 "$sup" GET /api/v1/audit
[ "$(field "sorted(set(a['action'] for a in j['audit'] if a['action'].startswith('call-supervise')))")" = "['call-supervise', 'call-supervise-mode', 'call-supervise-stop']" ] ||
	fail "the supervision is not audited: $(cat "$T/resp")"
ok "journal and audit"
vt_alive || fail "the daemon died"
echo "$name: ok"
