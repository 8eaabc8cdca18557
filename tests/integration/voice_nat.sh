#!/bin/sh
# voice_nat: a home worker behind a home router. Three network namespaces'
# worth of rig: the daemon in the test's own (reachable at WAN_IP on a
# veth), a "router" namespace that masquerades its LAN behind its WAN
# address with nftables and forgets idle UDP mappings after 4 s, and a
# "home" namespace where baresip (agent1, UDP, private address) lives.
# baresip registers through the router (sip.registered ... nat=yes); the
# daemon's OPTIONS keep-alives (sip.nat_keepalive: 2s, turned on by a
# reload after the registration) hold the mapping open past the router's
# timeout, so a queue call later still reaches the
# phone through the NAT; baresip answers with an SDP naming its private
# address, and audio flows both ways thanks to symmetric RTP: the caller
# (sipp, loopback) receives baresip's audio and baresip records the
# caller's. The other way, baresip dials *72 through the router: the
# daemon's BYE reaches it at its public address, not its Contact. Then
# agent2, whose policy requires TLS and SRTP, does the same
# over TLS (its one connection through the router carries the INVITE, ACK
# and BYE) with SRTP. Skips (77) only when network namespaces cannot be
# made.
# Usage (from the repository root): sh tests/integration/voice_nat.sh BIN
name=voice_nat
. tests/integration/voice/lib.sh
. tests/integration/voice/baresip.sh

command -v baresip >/dev/null || fail "baresip is not installed"
command -v openssl >/dev/null || fail "openssl is not installed"
command -v nft >/dev/null || fail "nft is not installed (scripts/install-deps)"

# ---- the rig ------------------------------------------------------------
tag=$$
home=cnh$tag
router=cnr$tag
sub=$((tag % 250 + 1))
WAN_IP=10.98.$sub.1  # the daemon's side ("the internet")
PUB_IP=10.98.$sub.2  # the router's public address
LAN_GW=192.168.$sub.1
HOME_IP=192.168.$sub.2
nat_up=""

nat_teardown() {
	set +e
	[ -z "${bs_pid:-}" ] || kill -KILL "$bs_pid" 2>/dev/null
	if [ -n "$nat_up" ]; then
		ip netns del "$home" 2>/dev/null
		ip netns del "$router" 2>/dev/null
		ip link del "vw$tag" 2>/dev/null
	fi
	return 0
}
trap 'st=$?; nat_teardown; (exit $st); vt_cleanup' EXIT

if ! ip netns add "$router" 2>"$T/netns.err"; then
	echo "$name: SKIP: cannot create network namespaces: $(cat "$T/netns.err")"
	exit 77
fi
nat_up=1
ip netns add "$home" || fail "cannot create the home namespace"
rx() { ip netns exec "$router" "$@"; }
hx() { ip netns exec "$home" "$@"; }
# WAN: the test's namespace <-> the router
ip link add "vw$tag" type veth peer name "vr$tag" netns "$router" ||
	fail "harness: veth to the router"
ip addr add "$WAN_IP/30" dev "vw$tag"
ip link set "vw$tag" up
rx ip addr add "$PUB_IP/30" dev "vr$tag"
rx ip link set "vr$tag" up
rx ip link set lo up
# LAN: the router <-> home
rx ip link add "vl$tag" type veth peer name "vh$tag" netns "$home" ||
	fail "harness: veth to home"
rx ip addr add "$LAN_GW/24" dev "vl$tag"
rx ip link set "vl$tag" up
hx ip addr add "$HOME_IP/24" dev "vh$tag"
hx ip link set "vh$tag" up
hx ip link set lo up
hx ip route add default via "$LAN_GW"
rx sysctl -q -w net.ipv4.ip_forward=1
rx nft -f - <<NFT || fail "harness: nftables masquerade"
table ip home_router {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "vr$tag" masquerade
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "vl$tag" oifname "vr$tag" accept
	}
}
NFT
# a forgetful home router: idle UDP mappings go after 4 s
rx sysctl -q -w net.netfilter.nf_conntrack_udp_timeout=4 \
	net.netfilter.nf_conntrack_udp_timeout_stream=4 ||
	fail "harness: conntrack timeouts in the router"

# ---- the daemon --------------------------------------------------------
vt_config OFFER_TIMEOUT=8s
vt_block
tls_port=$vt_base
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$WAN_IP" \
	-addext "subjectAltName=IP:$WAN_IP" \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null ||
	fail "harness: cannot make a certificate"
cat "$T/cert.pem" "$T/key.pem" >"$T/sip.pem"
python3 - "$T/c.yaml" "$WAN_IP" "$SIP_PORT" "$tls_port" "$T/sip.pem" <<'PY'
import sys
path, wan, port, tls_port, pem = sys.argv[1:6]
s = open(path).read()
s = s.replace("""  listen:
""", """  listen:
    - {transport: udp, address: "%s:%s"}
    - {transport: tls, address: "%s:%s", certificate: "%s"}
""" % (wan, port, wan, tls_port, pem), 1)
s = s.replace("""  - {name: agent2, tenant: demo, password: demo, static: true,
""", """  - {name: agent2, tenant: demo, password: demo, static: true,
     security: {tls: required, srtp: required},
""", 1)
s = s.replace("  realm: centralino\n", "  realm: centralino\n"
              "  media_address: %s\n  nat_keepalive: 0s\n" % wan, 1)
open(path, "w").write(s)
PY
vt_start
wait_for_log "event=sip.listening transport=udp address=$WAN_IP:$SIP_PORT" 5 ||
	fail "the daemon does not listen on $WAN_IP"

# ---- baresip at home ---------------------------------------------------
$VT_TOOL pcapxor /usr/share/sip-tester/g711a.pcap "$T/agent.pcap"
$VT_TOOL alawwav "$T/agent.pcap" "$T/agent.wav"
vt_block
bs_sip=$vt_base
bs_config "$T/bs" "$HOME_IP" "$bs_sip" $((bs_sip + 4)) $((bs_sip + 7)) \
	"$T/agent.wav"
bs_account "$T/bs" "<sip:agent1@$WAN_IP:$SIP_PORT>;auth_pass=demo;answermode=auto;audio_codecs=PCMA;regint=600"
bs_start bs "$T/bs" ip netns exec "$home"
wait_for_log "event=sip.registered user=agent1 .*transport=UDP source=$PUB_IP:[0-9]+ nat=yes" 15 ||
	fail "baresip did not register through the router (see $T/bs.bs)"
ok "agent1 registered from behind the router: $(grep -m1 -o 'contact=[^ ]* transport=[^ ]* source=[^ ]* nat=yes' "$T/daemon.log")"

# the router forgets an idle mapping after 4 s: the keep-alives hold it.
# They were off (0s): a reload turns them on for the phone registered.
sed -i 's/  nat_keepalive: 0s/  nat_keepalive: 2s/' "$T/c.yaml"
kill -HUP "$daemon_pid"
wait_for_count "event=sip.keepalive user=agent1 status=200" 4 15 ||
	fail "no answered OPTIONS keep-alives to agent1"
[ "$(count_log 'event=sip.keepalive-failed')" -eq 0 ] ||
	fail "a keep-alive went unanswered"
ok "$(count_log 'event=sip.keepalive user=agent1 status=200') keep-alives answered through the router (mapping timeout 4 s)"

# ---- a queue call reaches the phone through the NAT ----------------------
vt_block
vt_blocks="$vt_base $vt_blocks"
caller_media=$((vt_base + 4))
vt_capture udp port "$caller_media"
vt_caller caller caller_talk.xml 813 -d 6000
[ "$caller_media" -eq "$sipp_media" ] || fail "harness: media port mismatch"
wait_for_log "event=call.bridged .*agent=agent1" 10 ||
	fail "agent1 was not reached through the router"
vt_sipp_wait "$caller_pid" caller 30 "the caller's call did not end normally"
wait_for_log "event=call.ended .*number=813 reason=caller-hangup" 5 ||
	fail "no call.ended reason=caller-hangup"
vt_capture_stop
grep -q "c=IN IP4 $HOME_IP" "$T/bs.bs" ||
	fail "baresip's SDP did not name its private address"
ok "baresip answered with an SDP naming $HOME_IP"
# the dialog's requests followed the REGISTER's path, not the Contact
grep -q "^ACK sip:agent1" "$T/bs.bs" ||
	fail "the daemon's ACK did not reach baresip through the router"
grep -q "^BYE sip:agent1" "$T/bs.bs" ||
	fail "the daemon's BYE did not reach baresip through the router"
ok "ACK and BYE reached baresip through the router"

$VT_TOOL heardcheck "$T/cap.pcap" "$caller_media" "$T/agent.pcap" \
	>"$T/heard.out" 2>&1 ||
	fail "the caller did not hear the agent: $(cat "$T/heard.out")"
ok "caller: $(cat "$T/heard.out")"

# ---- the other way: the phone behind the router calls in (*72) ---------
BS_EXEC="ip netns exec $home" bs_command "$HOME_IP" "$bs_sip" dial \
	"sip:*72@$WAN_IP:$SIP_PORT"
wait_for_log "event=sip.feature-code user=agent1 code=\*72" 10 ||
	fail "agent1's *72 from behind the router did not arrive"
wait_for_count "event=call.ended .*number=\*72" 1 10 ||
	fail "the *72 call did not end"
# the daemon's BYE found the phone through the router, not at its Contact
i=0
while [ "$(grep -c '^BYE sip:agent1' "$T/bs.bs")" -lt 2 ] && [ $i -lt 50 ]; do
	sleep 0.1 # polling baresip's trace, as wait_for_log does
	i=$((i + 1))
done
[ "$(grep -c '^BYE sip:agent1' "$T/bs.bs")" -ge 2 ] ||
	fail "the daemon's BYE of the *72 call did not reach the phone"
ok "agent1 called in from behind the router (*72): answered, told, BYE received"
kill -TERM "$bs_pid" 2>/dev/null
wait_pid "$bs_pid" 5
heard=$(ls "$T"/bs/snd/*dec*.wav 2>/dev/null | sort | head -n 1)
[ -n "$heard" ] || fail "baresip kept no WAV of what it heard"
$VT_TOOL wavcheck "$heard" /usr/share/sip-tester/g711a.pcap \
	>"$T/wavcheck.out" 2>&1 ||
	fail "baresip did not hear the caller: $(cat "$T/wavcheck.out")"
ok "baresip heard the caller: $(cat "$T/wavcheck.out")"
grep -E "event=call.ended .*number=813" "$T/daemon.log" | head -n 1
# baresip said goodbye (unregistered): agent1 is offline
wait_for_log "event=agent-state tenant=demo agent=agent1 state=offline" 10 ||
	fail "agent1 did not go offline when baresip left"

# ---- the same over TLS with SRTP: agent2 on the same connection ---------
vt_block
bs_config "$T/bs2" "$HOME_IP" "$vt_base" $((vt_base + 4)) $((vt_base + 7)) \
	"$T/agent.wav" "$T/cert.pem"
bs_account "$T/bs2" "<sip:agent2@$WAN_IP:$tls_port;transport=tls>;auth_pass=demo;answermode=auto;mediaenc=srtp-mand;audio_codecs=PCMA;regint=600"
bs_start bs2 "$T/bs2" ip netns exec "$home"
wait_for_log "event=sip.registered user=agent2 .*transport=TLS source=$PUB_IP:[0-9]+ nat=yes" 15 ||
	fail "baresip did not register agent2 over TLS through the router (see $T/bs2.bs)"
ok "agent2 registered over TLS from behind the router"
vt_block
vt_blocks="$vt_base $vt_blocks"
caller_media=$((vt_base + 4))
mv "$T/cap.pcap" "$T/cap1.pcap"
vt_capture udp port "$caller_media"
vt_caller caller2 caller_talk.xml 813 -d 6000
wait_for_log "event=call.media-secured .*agent=agent2 srtp=AES_CM_128_HMAC_SHA1_80" 10 ||
	fail "agent2 behind the router was not reached with SRTP over TLS"
wait_for_log "event=call.bridged .*agent=agent2" 10 ||
	fail "agent2 answered but the call was not bridged"
vt_sipp_wait "$caller_pid" caller2 30 "the second call did not end normally"
wait_for_count "event=call.ended .*number=813 reason=caller-hangup" 2 5 ||
	fail "no call.ended for the second call"
vt_capture_stop
grep -q "^ACK sip:agent2" "$T/bs2.bs" && grep -q "^BYE sip:agent2" "$T/bs2.bs" ||
	fail "the daemon's ACK or BYE did not reach agent2 over its TLS connection"
$VT_TOOL heardcheck "$T/cap.pcap" "$caller_media" "$T/agent.pcap" \
	>"$T/heard2.out" 2>&1 ||
	fail "the caller did not hear agent2: $(cat "$T/heard2.out")"
kill -TERM "$bs_pid" 2>/dev/null
wait_pid "$bs_pid" 5
heard=$(ls "$T"/bs2/snd/*dec*.wav 2>/dev/null | head -n 1)
[ -n "$heard" ] || fail "baresip (agent2) kept no WAV of what it heard"
$VT_TOOL wavcheck "$heard" /usr/share/sip-tester/g711a.pcap \
	>"$T/wavcheck2.out" 2>&1 ||
	fail "agent2 did not hear the caller: $(cat "$T/wavcheck2.out")"
ok "TLS + SRTP through the router: caller $(cat "$T/heard2.out"), agent2 $(cat "$T/wavcheck2.out")"

vt_alive || fail "the daemon died"
echo "$name: ok"
