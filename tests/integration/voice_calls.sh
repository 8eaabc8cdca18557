#!/bin/sh
# voice_calls: an agent's controls on a live call through the REST API,
# with real peers: a sipp caller from the trunk dials 813 and reaches
# agent1, whose phone (sipp, digest-registered) answers and talks.
# - another tenant's user gets 404, an agent who is not in the call 403;
# - maria (agent1) puts the call on hold: the caller keeps receiving RTP,
#   and it is the music on hold, not the agent's voice; a second hold is
#   409; resume: the agent's voice reaches the caller again;
# - the supervisor hangs up: both legs get a BYE, agent1 is in wrap-up,
#   the journal has held, resumed, wrap-up, and the audit the hang-up.
# The audio is checked on a loopback capture: the agent plays g711a.pcap
# with its sign bit flipped, the music is a known WAV encoded to A-law.
# Usage (from the repository root): sh tests/integration/voice_calls.sh BIN
name=voice_calls
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh

calls_config
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
calls_phone phone1 agent1
agent_media=$phone_media
calls_phone phone2 agent2

sup=$(login sup sup-pw)
maria=$(login maria maria-pw)
bob=$(login bob bob-pw)
olga=$(login olga olga-pw)

vt_block
vt_blocks="$vt_base $vt_blocks"
caller_media=$((vt_base + 4))
vt_capture udp port "$caller_media" or udp port "$agent_media"
vt_caller caller caller.xml 813
[ "$caller_media" -eq "$sipp_media" ] || fail "harness: media port mismatch"
wait_for_log "event=call.bridged .*agent=agent1" 10 ||
	fail "the call to 813 was not bridged to agent1"
key=$(call_key "$sup" agent1)

# who may act: not another tenant, not another agent
want 404 "$olga" POST "/api/v1/contacts/$key/hold"
want 403 "$bob" POST "/api/v1/contacts/$key/hold"
want 409 "$maria" POST "/api/v1/contacts/$key/resume" # not on hold
ok "another tenant 404, another agent 403, resume while talking 409"

# the agent's voice reaches the caller for a while (the audio is the
# evidence; these pauses are how long each phase lasts, not a wait for
# something to happen)
sleep 2.5
want 200 "$maria" POST "/api/v1/contacts/$key/hold"
[ "$(field "j['call']['held']")" = True ] || fail "hold: the answer says not held: $(cat "$T/resp")"
want 409 "$maria" POST "/api/v1/contacts/$key/hold"
sleep 2
api "$maria" GET "/api/v1/contacts/$key" >/dev/null
[ "$(field "j['call']['held_for_ms'] >= 1500")" = True ] ||
	fail "the held time does not count: $(cat "$T/resp")"
want 200 "$maria" POST "/api/v1/contacts/$key/resume"
[ "$(field "j['call']['held'] is False and j['call']['held_total_ms'] >= 1500")" = True ] ||
	fail "resume: $(cat "$T/resp")"
sleep 2
ok "hold, a second hold refused, resume"

# the supervisor hangs up: BYE to both sides, agent1 to wrap-up
want 200 "$sup" POST "/api/v1/contacts/$key/hangup"
[ "$(field "j['state']")" = wrapup ] || fail "hangup: the contact is not in wrap-up: $(cat "$T/resp")"
vt_sipp_wait "$caller_pid" caller 10 "the caller did not get the daemon's BYE"
wait_for_log "BYE received from the daemon" 5 "$T/phone1.log" ||
	fail "agent1's phone did not get a BYE"
wait_for_log "event=call.ended .*reason=api-hangup" 5 || fail "no call.ended reason=api-hangup"
[ "$(agent_state "$sup" agent1)" = wrap-up ] || fail "agent1 is not in wrap-up after the hang-up"
want 409 "$sup" POST "/api/v1/contacts/$key/hold" # no call any more
vt_capture_stop

want 200 "$sup" GET "/api/v1/contacts/$key/journal"
types=$(field "' '.join(e['type'] for e in j['events'])")
echo "$types" | grep -q "offer-accepted contact-connected contact-held contact-resumed contact-wrapup" ||
	fail "the journal of contact $key: $types"
want 200 "$sup" GET /api/v1/audit
[ "$(field "any(a['action'] == 'call-hangup' and a['user'] == 'sup' for a in j['audit'])")" = True ] ||
	fail "the supervisor's hang-up is not audited: $(cat "$T/resp")"
[ "$(field "any(a['action'] == 'call-hold' for a in j['audit'])")" = False ] ||
	fail "the agent's own hold was audited as a supervisor's act"
ok "hang-up: BYE to caller and agent, agent1 in wrap-up, journal and audit"

# the audio: agent's voice, then music (and no agent), then the agent again
python3 -W ignore - "$T/cap.pcap" "$caller_media" "$T/agent.pcap" "$T/music.wav" \
	"$(log_ts 'event=call.bridged .*agent=agent1')" "$(log_ts 'event=call.held')" \
	"$(log_ts 'event=call.resumed')" "$(log_ts 'event=call.hangup-asked')" \
	>"$T/audio.out" 2>&1 <<'PY' || fail "audio: $(cat "$T/audio.out")"
import audioop, sys, wave
sys.path.insert(0, "tests/integration/voice")
import voicetool as vt
cap, cport, apcap, music, *ts = sys.argv[1:]
cport = int(cport)
bridged, held, resumed, hungup = [vt.iso_to_epoch(t) for t in ts]
awin = vt.audio_windows(apcap)
w = wave.open(music)
law = audioop.lin2alaw(w.readframes(w.getnframes()), 2)
law += law  # the stream loops
mwin = {law[i:i + vt.WIN] for i in range(len(law) - vt.WIN + 1)}
phases = {"talk": (bridged + 0.3, held), "hold": (held + 0.1, resumed),
          "resumed": (resumed + 0.3, hungup)}
count = {p: {"rtp": 0, "agent": 0, "music": 0} for p in phases}
for t, _s, _sp, _d, dp, payload, _a, _b in vt.pcap_read(cap):
    r = vt.rtp_split(payload)
    if not r or dp != cport or r[0] >= 96:
        continue
    for p, (a, b) in phases.items():
        if a < t < b:
            count[p]["rtp"] += 1
            count[p]["agent"] += vt.carries(r[1], awin, mwin)
            count[p]["music"] += vt.carries(r[1], mwin, awin)
print(count)
hold_s = resumed - held
errors = []
if count["talk"]["agent"] < 15:
    errors.append("before the hold the caller heard %d packets of the agent" % count["talk"]["agent"])
if count["hold"]["rtp"] < 0.7 * hold_s * 50:
    errors.append("on hold the caller got %d packets in %.1f s (RTP must go on)" % (count["hold"]["rtp"], hold_s))
if count["hold"]["agent"]:
    errors.append("on hold the caller heard %d packets of the agent" % count["hold"]["agent"])
if count["hold"]["music"] < 0.6 * hold_s * 50:
    errors.append("on hold the caller heard %d packets of music in %.1f s" % (count["hold"]["music"], hold_s))
if count["resumed"]["agent"] < 20:
    errors.append("after resume the caller heard %d packets of the agent" % count["resumed"]["agent"])
if errors:
    sys.exit("; ".join(errors))
PY
ok "audio: $(cat "$T/audio.out")"
vt_alive || fail "the daemon died"
echo "$name: ok"
