#!/bin/sh
# voice_hours: 801 runs a flow whose calendar is closed every day: the
# caller is answered, hears the closed message (RTP), and the daemon hangs
# up (BYE) within a few seconds; no contact reaches a queue although an
# agent is registered and ready.
# Usage (from the repository root): sh tests/integration/voice_hours.sh BIN
name=voice_hours
. tests/integration/voice/lib.sh

vt_config
vt_start
vt_phone phone1 agent1 answer.xml

vt_block
vt_blocks="$vt_base $vt_blocks"
caller_media=$((vt_base + 4))
vt_capture udp port "$caller_media"
vt_caller caller caller_closed.xml 801
wait_for_log "event=call.incoming .*number=801" 10 || fail "the call to 801 was not accepted"
vt_sipp_wait "$caller_pid" caller 15 \
	"the daemon did not hang up the caller of a closed line (BYE within 10 s)"
wait_for_log "event=call.ended .*number=801 reason=flow-ended" 5 ||
	fail "no call.ended reason=flow-ended for 801"
vt_capture_stop
secs=$(grep -m1 'event=call.ended .*number=801' "$T/daemon.log" | sed 's/.*seconds=\([0-9]*\).*/\1/')
[ "$secs" -le 8 ] || fail "the closed line took $secs s to hang up"
# the closed message was played: the caller received audio
n=$(python3 - "$T/cap.pcap" "$caller_media" <<'PY'
import sys
sys.path.insert(0, "tests/integration/voice")
import voicetool as v
port = int(sys.argv[2])
print(sum(1 for p in v.pcap_read(sys.argv[1]) if p[4] == port and v.rtp_split(p[5])))
PY
)
[ "$n" -ge 25 ] || fail "the caller received $n RTP packets, expected the closed message (>= 25)"
[ "$(count_log 'event=contact-queued')" -eq 0 ] || fail "a contact was queued while closed"
[ "$(count_log 'event=contact-offered')" -eq 0 ] || fail "an agent was offered a call while closed"
ok "closed line: message ($n RTP packets), BYE after $secs s, nothing queued"
vt_alive || fail "the daemon died"
echo "$name: ok"
