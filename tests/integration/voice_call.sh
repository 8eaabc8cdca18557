#!/bin/sh
# voice_call: a caller from the trunk dials 800, hears the welcome, presses
# 2 (RFC 2833) and waits in the health queue; agent1's phone (registered
# with digest authentication) rings and answers; both sides receive each
# other's audio through the daemon; the agent hangs up and the daemon
# hangs up the caller. Audio is proven on a loopback capture: the agent
# plays g711a.pcap with its sign bit flipped, so each side's bytes are
# recognisable at the other side.
# Usage (from the repository root): sh tests/integration/voice_call.sh BIN
name=voice_call
. tests/integration/voice/lib.sh

vt_config OFFER_TIMEOUT=8s
vt_start
vt_phone phone1 agent1 answer.xml
agent_media=$phone_media

# the caller's ports are known before it starts: capture first
vt_block
vt_blocks="$vt_base $vt_blocks"
caller_media=$((vt_base + 4))
vt_capture udp portrange "$RTP_MIN-$RTP_MAX" or udp port "$caller_media" \
	or udp port "$agent_media"

vt_caller caller caller.xml 800
[ "$caller_media" -eq "$sipp_media" ] || fail "harness: media port mismatch"
wait_for_log "event=call.incoming from=0612345678 number=800" 10 ||
	fail "no call.incoming for the INVITE to 800"
wait_for_log "event=flow.menu-choice flow=hotline .*key=2" 10 ||
	fail "the caller's key 2 (RFC 2833) was not taken by the menu"
wait_for_log "event=contact-offered .*queue=health .*agent=agent1" 10 ||
	fail "no contact-offered to agent1 in queue health"
wait_for_log "event=call.bridged .*agent=agent1" 10 ||
	fail "agent1 answered but the call was not bridged"
vt_sipp_wait "$caller_pid" caller 25 \
	"the caller did not get the daemon's BYE after the agent hung up"
wait_for_log "event=call.ended .*number=800 reason=agent-hangup" 5 ||
	fail "no call.ended reason=agent-hangup"
vt_capture_stop

bridged=$(grep -m1 -E 'event=call.bridged' "$T/daemon.log" |
	sed -n 's/^ts=\([^ ]*\) .*/\1/p')
$VT_TOOL rtpcheck "$T/cap.pcap" "$caller_media" "$agent_media" \
	/usr/share/sip-tester/g711a.pcap "$T/agent.pcap" "$bridged" \
	>"$T/rtpcheck.out" 2>&1 ||
	fail "audio: $(cat "$T/rtpcheck.out")"
ok "audio: $(head -n 1 "$T/rtpcheck.out")"

[ "$(count_log 'event=call.bridged')" -eq 1 ] || fail "bridged more than once"
vt_alive || fail "the daemon died"
echo "$name: ok"
