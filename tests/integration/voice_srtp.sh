#!/bin/sh
# voice_srtp: a home worker's softphone on SIP over TLS with SRTP. agent1
# must use both (security: {tls: required, srtp: required}); baresip
# registers as agent1 over TLS (the test's self-signed certificate as its
# CA) with mediaenc=srtp-mand and answers by itself. A REGISTER of agent1
# over UDP is refused (403, sip.register-refused). A caller from the trunk
# (sipp) reaches the queue and baresip: on the capture, the agent's leg
# carries none of either side's known audio in the clear, yet the caller
# receives the agent's audio (decrypted by the daemon) and baresip records
# the caller's (encrypted by the daemon). baresip then dials *72 over TLS
# offering SRTP: answered with SRTP (call.media-secured), agent1 not ready. agent2's policy requires SRTP
# too: its phone calling (*71) with plain RTP gets 488, logged, and its
# state stays as it was. agent3 (srtp: required) on a phone over TLS
# (voicetool's tlsphone) that answers our SRTP offer with plain RTP gets
# ACK and BYE, never a bridge. A reload that makes TLS required for
# agent3 drops its registration over UDP at once.
# Usage (from the repository root): sh tests/integration/voice_srtp.sh BIN
name=voice_srtp
. tests/integration/voice/lib.sh
. tests/integration/voice/baresip.sh

command -v baresip >/dev/null || fail "baresip is not installed"
command -v openssl >/dev/null || fail "openssl is not installed"
vt_config OFFER_TIMEOUT=8s
vt_block
tls_port=$vt_base
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext "subjectAltName=IP:127.0.0.1" \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null ||
	fail "harness: cannot make a certificate"
cat "$T/cert.pem" "$T/key.pem" >"$T/sip.pem"
python3 - "$T/c.yaml" "$tls_port" "$T/sip.pem" <<'PY'
import sys
path, port, pem = sys.argv[1:4]
s = open(path).read()
s = s.replace("""  listen:
""", """  listen:
    - {transport: tls, address: "127.0.0.1:%s", certificate: "%s"}
""" % (port, pem), 1)
s = s.replace("""  - {name: agent1, tenant: demo, password: demo, static: true,
""", """  - {name: agent1, tenant: demo, password: demo, static: true,
     security: {tls: required, srtp: required},
""", 1)
s = s.replace("""  - {name: agent2, tenant: demo, password: demo, static: true,
""", """  - {name: agent2, tenant: demo, password: demo, static: true,
     security: {srtp: required},
""", 1)
s = s.replace("""  - {name: agent3, tenant: demo, password: demo, static: true,
""", """  - {name: agent3, tenant: demo, password: demo, static: true,
     security: {srtp: required},
""", 1)
# the provider calls from 127.0.0.3: agents' phones on 127.0.0.1 are not
# taken for the trunk when they call in
s = s.replace("      from: [127.0.0.1]\n", "      from: [127.0.0.3]\n", 1)
open(path, "w").write(s)
PY
vt_start
wait_for_log "event=sip.listening transport=tls address=127.0.0.1:$tls_port" 5 ||
	fail "the daemon does not listen on TLS"

# ---- the policy refuses agent1 over UDP ------------------------------------
vt_credentials "$T/udp1.csv" agent1 demo
vt_sipp udp1 127.0.0.1 -sf "$VT/register_refused.xml" -inf "$T/udp1.csv" -m 1
vt_sipp_wait "$sipp_pid" udp1 15 "agent1's REGISTER over UDP was not refused"
wait_for_log "event=sip.register-refused user=agent1 reason=tls-required transport=UDP" 5 ||
	fail "no sip.register-refused for agent1 over UDP"
[ "$(count_log 'event=sip.registered user=agent1 ')" -eq 0 ] ||
	fail "agent1 registered over UDP despite tls: required"
ok "agent1 over UDP: 403, sip.register-refused reason=tls-required"

# ---- baresip: agent1 over TLS with SRTP ------------------------------------
$VT_TOOL pcapxor /usr/share/sip-tester/g711a.pcap "$T/agent.pcap"
$VT_TOOL alawwav "$T/agent.pcap" "$T/agent.wav"
vt_block
bs_sip=$vt_base
bs_rtp=$((vt_base + 4))
bs_config "$T/bs" 127.0.0.1 "$bs_sip" "$bs_rtp" $((bs_rtp + 3)) \
	"$T/agent.wav" "$T/cert.pem"
bs_account "$T/bs" "<sip:agent1@127.0.0.1:$tls_port;transport=tls>;auth_pass=demo;answermode=auto;mediaenc=srtp-mand;audio_codecs=PCMA;regint=600"
bs_start bs "$T/bs"
wait_for_log "event=sip.registered user=agent1 .*transport=TLS" 15 ||
	fail "baresip did not register agent1 over TLS (see $T/bs.bs)"
ok "baresip registered agent1 over TLS"

vt_block
vt_blocks="$vt_base $vt_blocks"
caller_media=$((vt_base + 4))
vt_capture udp portrange "$RTP_MIN-$RTP_MAX" or udp port "$caller_media" \
	or udp portrange "$bs_rtp-$((bs_rtp + 3))"
vt_sipp caller 127.0.0.3 -sf "$VT/caller_talk.xml" -s 813 -m 1 -d 6000
caller_pid=$sipp_pid
[ "$caller_media" -eq "$sipp_media" ] || fail "harness: media port mismatch"
wait_for_log "event=call.media-secured .*agent=agent1 srtp=AES_CM_128_HMAC_SHA1_80" 10 ||
	fail "agent1's leg did not agree on SRTP"
wait_for_log "event=call.bridged .*agent=agent1" 10 ||
	fail "baresip answered but the call was not bridged"
vt_sipp_wait "$caller_pid" caller 30 "the caller's call did not end normally"
wait_for_log "event=call.ended .*number=813 reason=caller-hangup" 5 ||
	fail "no call.ended reason=caller-hangup"
vt_capture_stop
# the agent's leg: RTP port of baresip, the one in its SDP answer
agent_port=$(grep -m1 -o 'm=audio [0-9]*' "$T/bs.bs" | sed -n '$s/m=audio //p')
for p in $(grep -o 'm=audio [0-9]*' "$T/bs.bs" | sed 's/m=audio //' | sort -u); do
	[ "$p" -ge "$bs_rtp" ] && [ "$p" -le $((bs_rtp + 3)) ] && agent_port=$p
done
$VT_TOOL srtpcheck "$T/cap.pcap" "$caller_media" "$agent_port" \
	/usr/share/sip-tester/g711a.pcap "$T/agent.pcap" >"$T/srtpcheck.out" 2>&1 ||
	fail "SRTP: $(cat "$T/srtpcheck.out")"
ok "SRTP: $(head -n 1 "$T/srtpcheck.out")"
grep -q "inline:" "$T/daemon.log" && fail "a key (inline:) is in the daemon's log"

# baresip calls in over TLS with SRTP (a feature code): the daemon
# answers its SRTP offer, and the prompt it plays reaches baresip
bs_command 127.0.0.1 "$bs_sip" dial "sip:*72@127.0.0.1:$tls_port;transport=tls"
wait_for_log "event=call.media-secured from=agent1 number=\*72 srtp=AES_CM_128_HMAC_SHA1_80" 10 ||
	fail "the daemon did not answer baresip's SRTP offer with SRTP"
wait_for_log "event=agent-state tenant=demo agent=agent1 state=not-ready" 10 ||
	fail "agent1's *72 over TLS with SRTP did not make it not ready"
wait_for_count "event=call.ended .*number=\*72" 1 10 ||
	fail "the feature code's call did not end"
ok "baresip's SRTP offer (*72) answered with SRTP"

# baresip heard the caller: the daemon encrypted what it relayed
kill -TERM "$bs_pid" 2>/dev/null
wait_pid "$bs_pid" 5
heard=$(ls "$T"/bs/snd/*dec*.wav 2>/dev/null | sort | head -n 1)
[ -n "$heard" ] || fail "baresip kept no WAV of what it heard"
$VT_TOOL wavcheck "$heard" /usr/share/sip-tester/g711a.pcap \
	>"$T/wavcheck.out" 2>&1 ||
	fail "baresip did not hear the caller: $(cat "$T/wavcheck.out")"
ok "baresip heard the caller: $(cat "$T/wavcheck.out")"
prompt=$(ls "$T"/bs/snd/*dec*.wav | sort | sed -n 2p)
[ -n "$prompt" ] || fail "baresip kept no WAV of the *72 call"
$VT_TOOL wavloud "$prompt" >"$T/wavloud.out" 2>&1 ||
	fail "baresip heard no prompt on *72: $(cat "$T/wavloud.out")"
ok "baresip heard the *72 prompt, decrypted: $(cat "$T/wavloud.out")"

# ---- plain RTP from a phone that must use SRTP: 488 ------------------------
printf 'SEQUENTIAL\n[authentication username=agent2 password=demo];agent2\n' \
	>"$T/agent2.csv"
vt_sipp plain2 127.0.0.2 -sf "$VT/phone_plain_488.xml" -s '*71' \
	-inf "$T/agent2.csv" -m 1
vt_sipp_wait "$sipp_pid" plain2 15 "agent2's plain INVITE did not get 488"
wait_for_log "event=call.media-refused user=agent2 reason=srtp-required offer=plain status=488" 5 ||
	fail "no call.media-refused for agent2's plain offer"
# refused before anything was done: *71 did not make agent2 ready
[ "$(count_log 'event=agent-state tenant=demo agent=agent2 ')" -eq 0 ] ||
	fail "the refused call still changed agent2's state"
ok "agent2's plain RTP offer: 488, call.media-refused, no state change"

# ---- a phone over TLS that answers plain RTP to our SRTP offer ----------
# agent1 and agent2 are offline now: the queue's call goes to agent3
$VT_TOOL tlsphone "$tls_port" agent3 demo "$T/cert.pem" 20 \
	>"$T/tlsphone.out" 2>"$T/tlsphone.err" &
tlsphone_pid=$!
vt_pids="$vt_pids $tlsphone_pid"
wait_for_log "event=sip.registered user=agent3 .*transport=TLS" 10 ||
	fail "the TLS phone did not register agent3: $(cat "$T/tlsphone.err")"
vt_sipp caller3 127.0.0.3 -sf "$VT/caller_hangup.xml" -s 813 -m 1 -d 4000
caller_pid=$sipp_pid
wait_for_log "event=call.media-refused .*agent=agent3 reason=srtp-required answer=plain" 10 ||
	fail "agent3's plain answer was not refused"
wait_pid "$tlsphone_pid" 10
grep -q "invite savp=1 crypto=1" "$T/tlsphone.out" ||
	fail "agent3's phone was not offered SRTP: $(cat "$T/tlsphone.out")"
grep -q "^ack" "$T/tlsphone.out" && grep -q "^bye" "$T/tlsphone.out" ||
	fail "the plain answer was not ended with ACK then BYE: $(cat "$T/tlsphone.out")"
[ "$(count_log 'event=call.bridged .*agent=agent3')" -eq 0 ] ||
	fail "agent3's plain answer was bridged"
vt_sipp_wait "$caller_pid" caller3 15 "the third caller did not end normally"
ok "agent3's plain answer to an SRTP offer: ACK, BYE, call.media-refused, never bridged"

# ---- a reload that makes TLS required drops a UDP registration ----------
vt_phone phone3 agent3 answer.xml
wait_for_log "event=sip.registered user=agent3 .*transport=UDP" 10 ||
	fail "agent3 did not register over UDP"
sed -i 's/     security: {srtp: required},$/     security: {tls: required, srtp: required},/' \
	"$T/c.yaml"
kill -HUP "$daemon_pid"
wait_for_log "event=sip.registration-dropped user=agent3 .*reason=tls-required" 10 ||
	fail "agent3's UDP registration outlived a reload requiring TLS"
ok "reload to tls: required dropped agent3's UDP registration"

vt_alive || fail "the daemon died"
echo "$name: ok"
