#!/bin/sh
# voice_record: a queue that records, with real peers. The caller (sipp)
# plays a 440 Hz tone, agent1's phone (sipp) a 1000 Hz tone, and the
# queue's announcement is a WAV of 3000 Hz:
# - the caller hears the announcement before anything else, and the
#   bridge to agent1 (who answers after 1 s) waits for its end;
# - the call is recorded as a stereo WAV, 8 kHz 16-bit: the left channel
#   holds the caller's tone and not the agent's, the right the agent's
#   and not the caller's; a 2 s hold is silence on both; the duration
#   is that of the bridge (the log's start and end);
# - the recording's row through the API from its start (duration null
#   until it ends), then with tenant, queue, agent, start, duration; its WAV downloaded by the supervisor and identical to the
#   file; an agent gets 403, another tenant's administrator 404;
# - the journal has recording-started and recording-ended;
# - a callback (created through the API) from that queue: the customer
#   (sipp at the outbound trunk) hears the announcement when they answer,
#   then the call is recorded, the customer on the left;
# - a daemon killed (SIGKILL) mid-call leaves a WAV that plays up to its
#   last second, listed after the restart.
# Usage (from the repository root): sh tests/integration/voice_record.sh BIN
name=voice_record
. tests/integration/voice/lib.sh
. tests/integration/voice/calls.sh
TONES="python3 $VT/tones.py"

calls_config
python3 - "$T/announce.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 3000 * i / 8000.0)))
                       for i in range(16000)))
PY
sed -i "s|  - {name: information, tenant: demo, offer_timeout: 8s, wrapup: 30s}|  - {name: information, tenant: demo, offer_timeout: 8s, wrapup: 30s, record: {announce: {file: \"$T/announce.wav\"}}}|" "$T/c.yaml"
grep -q "record: {announce" "$T/c.yaml" || fail "harness: the recording queue"
"$bin" check-config "$T/c.yaml" >/dev/null 2>"$T/check.err" ||
	fail "the configuration with record: is refused: $(cat "$T/check.err")"
$TONES pcap 440 14 "$T/caller.pcap"
$TONES pcap 1000 14 "$T/agent.pcap"
# the caller: no menu key, its tone from the answer on
sed -e '/dtmf_2833_2.pcap/d' -e "s|/usr/share/sip-tester/g711a.pcap|$T/caller.pcap|" \
	-e 's|<pause milliseconds="1500"/>||' "$VT/caller.xml" >"$T/caller.xml"
grep -q "$T/caller.pcap" "$T/caller.xml" || fail "harness: the caller's tone"

vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening"
# the customer of a callback, at the outbound trunk: answers, plays
# 440 Hz and hangs up after 4 s
sed "s|@AGENT_PCAP@|$T/caller.pcap|g" "$VT/answer.xml" >"$T/customer.xml"
vt_sipp customer 127.0.0.1 -sf "$T/customer.xml" -m 1 -timeout 120s
customer_pid=$sipp_pid
customer_media=$sipp_media
[ "$sipp_port" -eq "$PROVIDER_PORT" ] || fail "harness: provider port"
calls_phone phone1 agent1
sup=$(login sup sup-pw)
maria=$(login maria maria-pw)
olga=$(login olga olga-pw)

vt_block
vt_blocks="$vt_base $vt_blocks"
caller_media=$((vt_base + 4))
vt_capture udp port "$caller_media"
start=$(date +%s.%N)
vt_sipp caller 127.0.0.1 -sf "$T/caller.xml" -s 813 -m 1 -timeout 60s
caller_pid=$sipp_pid
[ "$caller_media" -eq "$sipp_media" ] || fail "harness: media port mismatch"
wait_for_log "event=call.bridged .*agent=agent1" 10 || fail "the call to 813 was not bridged to agent1"
wait_for_log "event=call.recording-started .*queue=information agent=agent1" 10 ||
	fail "no call.recording-started"
key=$(call_key "$sup" agent1)
api "$sup" GET "/api/v1/contacts/$key" >/dev/null
[ "$(field "j['call']['recording']")" = True ] || fail "the call does not say it records: $(cat "$T/resp")"
want 200 "$sup" GET "/api/v1/contacts/$key/recordings"
[ "$(field "len(j['recordings']) == 1 and j['recordings'][0]['duration_ms'] is None and j['recordings'][0]['available']")" = True ] ||
	fail "the recording going on is not listed (duration null): $(cat "$T/resp")"
ok "announced, bridged after the announcement, recording"

# the phases: talk, hold, talk (their lengths, not waits for an event)
sleep 3
want 200 "$sup" POST "/api/v1/contacts/$key/hold"
sleep 2
want 200 "$sup" POST "/api/v1/contacts/$key/resume"
sleep 2
want 200 "$sup" POST "/api/v1/contacts/$key/hangup"
vt_sipp_wait "$caller_pid" caller 10 "the caller did not get the daemon's BYE"
wait_for_log "event=call.recording-ended contact=" 5 || fail "no call.recording-ended"
vt_capture_stop

wav=$(sed -n 's/.*event=call.recording-ended .* path=\([^ ]*\) .*/\1/p' "$T/daemon.log" | head -n 1)
[ -s "$wav" ] || fail "the recording $wav is not on disk"
case "$wav" in "$T"/recordings/*) ;; *) fail "the recording is not next to the store: $wav" ;; esac

# the announcement reached the caller first, then the agent's voice
bridged=$(vt_iso "$(log_ts 'event=call.bridged .*agent=agent1')")
recstart=$(vt_iso "$(log_ts 'event=call.recording-started')")
recend=$(vt_iso "$(log_ts 'event=call.recording-ended')")
held=$(vt_iso "$(log_ts 'event=call.held')")
resumed=$(vt_iso "$(log_ts 'event=call.resumed')")
python3 - "$start" "$bridged" "$recstart" <<'PY' || fail "the bridge did not wait for the announcement"
import sys
start, bridged, rec = map(float, sys.argv[1:])
# agent1 answers 1 s after ringing; the announcement lasts 2 s
if rec - bridged < 0.3:
    sys.exit("recording started %.2f s after the bridge" % (rec - bridged))
PY
$TONES rx "$T/cap.pcap" "$caller_media" "$start" "$recstart" 440 1000 3000 >"$T/before.json"
$TONES rx "$T/cap.pcap" "$caller_media" "$recstart" "$held" 440 1000 3000 >"$T/talk.json"
python3 - "$T/before.json" "$T/talk.json" <<'PY' || fail "the caller's audio: $(cat "$T/before.json" "$T/talk.json")"
import json, sys
before, talk = (json.load(open(p)) for p in sys.argv[1:])
err = []
if before["3000"] < 12:
    err.append("the caller heard %d blocks of the announcement" % before["3000"])
if before["1000"] > 1:
    err.append("the caller heard the agent (%d blocks) before the announcement ended" % before["1000"])
if talk["1000"] < 0.7 * talk["blocks"]:
    err.append("after it, the agent in %d of %d blocks" % (talk["1000"], talk["blocks"]))
if err:
    sys.exit("; ".join(err))
PY
ok "the caller heard the announcement ($(cat "$T/before.json")), then the agent"

# the WAV: two channels, each its own voice, silence on hold
$TONES wav "$wav" 440 1000 3000 >"$T/wav.json"
python3 - "$T/wav.json" "$recstart" "$recend" "$held" "$resumed" <<'PY' || fail "the recording: $(cat "$T/wav.json")"
import json, sys
r = json.load(open(sys.argv[1]))
recstart, recend, held, resumed = map(float, sys.argv[2:])
L, R = r["channel0"], r["channel1"]
err = []
if (r["channels"], r["rate"], r["sample_width"]) != (2, 8000, 2):
    err.append("format %s" % r)
if abs(r["seconds"] - (recend - recstart)) > 0.6:
    err.append("%.2f s recorded for %.2f s of call" % (r["seconds"], recend - recstart))
talk_blocks = (recend - recstart - (resumed - held)) * 10
if L["440"] < 0.75 * talk_blocks or R["1000"] < 0.75 * talk_blocks:
    err.append("caller in %d, agent in %d blocks of %d talking" % (L["440"], R["1000"], talk_blocks))
if L["1000"] > 1 or R["440"] > 1:
    err.append("a voice on the wrong channel: agent left %d, caller right %d" % (L["1000"], R["440"]))
if L["3000"] > 1:
    err.append("the announcement is in the recording")
if L["blocks"] - L["440"] < 0.8 * (resumed - held) * 10:
    err.append("the hold (%.1f s) was not silence on the left" % (resumed - held))
if err:
    sys.exit("; ".join(err))
print("%.2f s; left 440 Hz in %d blocks, right 1000 Hz in %d, of %d" % (r["seconds"], L["440"], R["1000"], L["blocks"]))
PY
ok "the WAV: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["seconds"], "s, left", r["channel0"], "right", r["channel1"])' "$T/wav.json")"

# the row, through the API; the download for the supervisor only
want 200 "$sup" GET "/api/v1/contacts/$key/recordings"
[ "$(field "len(j['recordings'])")" = 1 ] || fail "recordings: $(cat "$T/resp")"
[ "$(field "(lambda g: g['tenant'] == 'demo' and g['queue'] == 'information' and g['agent'] == 'agent1' and g['available'] and abs(g['duration_ms'] / 1000.0 - ($recend - $recstart)) < 0.6 and g['started'] is not None)(j['recordings'][0])")" = True ] ||
	fail "the recording's row: $(cat "$T/resp")"
rid=$(field "j['recordings'][0]['id']")
curl -s -o "$T/download.wav" -w '%{http_code} %{content_type}' -H "Authorization: Bearer $sup" \
	"http://127.0.0.1:$HTTP_PORT/api/v1/contacts/$key/recordings/$rid" >"$T/dl.status"
[ "$(cat "$T/dl.status")" = "200 audio/wav" ] || fail "download: $(cat "$T/dl.status")"
cmp -s "$T/download.wav" "$wav" || fail "the download differs from the file"
# a long recording (16 min here) downloads whole too
cp "$wav" "$T/short.wav"
python3 - "$wav" <<'PY'
import sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(2); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(bytes(range(256)) * (8000 * 4 * 960 // 256))
PY
curl -s -o "$T/long.wav" -w '%{http_code}' -m 20 -H "Authorization: Bearer $sup" \
	"http://127.0.0.1:$HTTP_PORT/api/v1/contacts/$key/recordings/$rid" >"$T/dl.status" || true
[ "$(cat "$T/dl.status")" = 200 ] && cmp -s "$T/long.wav" "$wav" ||
	fail "a 30 MB recording did not download whole: $(cat "$T/dl.status"), $(stat -c %s "$T/long.wav" 2>/dev/null) bytes"
cp "$T/short.wav" "$wav"
want 403 "$maria" GET "/api/v1/contacts/$key/recordings/$rid"
want 403 "$maria" GET "/api/v1/contacts/$key/recordings"
want 404 "$olga" GET "/api/v1/contacts/$key/recordings/$rid"
want 404 "$olga" GET "/api/v1/contacts/$key/recordings"
want 404 "$sup" GET "/api/v1/contacts/$key/recordings/999999"
ok "the row (tenant, queue, agent, duration) through the API, the WAV downloaded by the supervisor, agent 403, other tenant 404"

want 200 "$sup" GET "/api/v1/contacts/$key/journal"
types=$(field "' '.join(e['type'] for e in j['events'] if e['type'] != 'agent-state')")
echo "$types" | grep -q "recording-started.*contact-held.*contact-resumed.*recording-ended" ||
	fail "the journal of contact $key: $types"
want 200 "$sup" GET /api/v1/audit
[ "$(field "any(a['action'] == 'recording-download' and a['user'] == 'sup' for a in j['audit'])")" = True ] ||
	fail "the download is not audited"
ok "journal: recording-started, recording-ended; the download audited"

# a callback from the recording queue: the customer hears the
# announcement when they answer, then the call is recorded
want 200 "$maria" POST "/api/v1/contacts/$key/wrapup-done" # agent1 ready again
tcpdump --immediate-mode -s 4096 -B 8192 -i lo -U -w "$T/cb.pcap" udp port "$customer_media" \
	2>"$T/tcpdump-cb.err" &
cbcap_pid=$!
vt_pids="$vt_pids $cbcap_pid"
wait_for_log "listening on lo" 5 "$T/tcpdump-cb.err" || fail "tcpdump did not start"
want 201 "$sup" POST /api/v1/contacts '{"tenant": "demo", "queue": "information", "channel": "callback", "data": {"number": "0611223344"}}'
cbkey=$(field "j['id']")
wait_for_log "event=call.bridged .*callback=0611223344" 20 || fail "the callback was not bridged"
wait_for_count "event=call.recording-started " 2 10 || fail "the callback is not recorded"
vt_sipp_wait "$customer_pid" customer 20 "the customer's call failed"
kill -INT "$cbcap_pid"
wait_pid "$cbcap_pid" 5
wait_for_count "event=call.recording-ended " 2 5 || fail "the callback's recording did not end"
cbbridged=$(vt_iso "$(log_ts 'event=call.bridged .*callback=0611223344')")
cbrec=$(vt_iso "$(grep -E 'event=call.recording-started ' "$T/daemon.log" | sed -n 2p | sed -n 's/^ts=\([^ ]*\) .*/\1/p')")
cbwav=$(sed -n 's/.*event=call.recording-ended .* path=\([^ ]*\) .*/\1/p' "$T/daemon.log" | sed -n 2p)
$TONES rx "$T/cb.pcap" "$customer_media" "$cbbridged" "$cbrec" 440 1000 3000 >"$T/cb-before.json"
$TONES wav "$cbwav" 440 1000 3000 >"$T/cb-wav.json"
python3 - "$T/cb-before.json" "$T/cb-wav.json" "$cbbridged" "$cbrec" <<'PY' || fail "the callback's recording: $(cat "$T/cb-before.json" "$T/cb-wav.json")"
import json, sys
before, w = (json.load(open(p)) for p in sys.argv[1:3])
bridged, rec = map(float, sys.argv[3:])
err = []
if rec - bridged < 1.5:
    err.append("recorded %.2f s after the customer answered (the announcement lasts 2 s)" % (rec - bridged))
if before["3000"] < 12 or before["1000"] > 1:
    err.append("the customer heard %d blocks of the announcement, %d of the agent first" % (before["3000"], before["1000"]))
L, R = w["channel0"], w["channel1"]
if L["440"] < 0.6 * L["blocks"] or R["1000"] < 0.6 * R["blocks"] or L["1000"] > 1 or R["440"] > 1:
    err.append("channels: left %s right %s" % (L, R))
if err:
    sys.exit("; ".join(err))
PY
want 200 "$sup" GET "/api/v1/contacts/$cbkey/recordings"
[ "$(field "len(j['recordings']) == 1 and j['recordings'][0]['duration_ms'] >= 1500")" = True ] ||
	fail "the callback's recording row: $(cat "$T/resp")"
ok "a callback: the customer heard the announcement ($(cat "$T/cb-before.json")), then recorded, customer left, agent right"

# a daemon killed mid-call leaves a WAV that plays, and its row
want 200 "$maria" POST "/api/v1/contacts/$cbkey/wrapup-done" # agent1 ready again
vt_sipp caller2 127.0.0.1 -sf "$T/caller.xml" -s 813 -m 1 -timeout 60s
wait_for_count "event=call.recording-started " 2 10 || fail "the second call is not recorded"
key2=$(call_key "$sup" agent1)
wav2=$(sed -n 's/.*event=call.recording-started .* path=\([^ ]*\).*/\1/p' "$T/daemon.log" | sed -n 2p)
sleep 2.5 # talk: more than two seconds written
kill -KILL "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
mv "$T/daemon.log" "$T/daemon-killed.log"
vt_start
wait_for_log "event=http.listening" 10 || fail "the API is not listening after the restart"
sup=$(login sup sup-pw)
want 200 "$sup" GET "/api/v1/contacts/$key2/recordings"
[ "$(field "len(j['recordings']) == 1 and j['recordings'][0]['duration_ms'] is None and j['recordings'][0]['available']")" = True ] ||
	fail "the recording cut by the kill is not listed: $(cat "$T/resp")"
python3 - "$wav2" <<'PY' || fail "the WAV cut by the kill does not play"
import sys, wave
w = wave.open(sys.argv[1])
s = w.getnframes() / float(w.getframerate())
if w.getnchannels() != 2 or s < 1.5:
    sys.exit("%d channels, %.2f s" % (w.getnchannels(), s))
print("%.2f s" % s)
PY
ok "killed mid-call: the WAV plays up to its last second, its row listed (duration null)"
vt_alive || fail "the daemon died"
echo "$name: ok"
