# baresip.sh - a baresip softphone for the voice tests, sourced after
# lib.sh. Its own configuration directory (-f), no sound card: it sends
# a WAV (aufile) and keeps what it hears as WAV files (sndfile: DIR/snd/
# dump-*-dec.wav, the decoded audio of each call), answers the
# daemon's INVITEs by itself (answermode=auto), and is stopped by the
# trap like every peer.

# bs_config DIR SIP_IP SIP_PORT RTP_MIN RTP_MAX SEND_WAV [CA]:
# write DIR/config (accounts are added by bs_account).
bs_config() {
	mkdir -p "$1/snd"
	cat >"$1/config" <<CFG
poll_method		epoll
sip_listen		$2:$3
${7:+sip_cafile		$7}
audio_source		aufile,$6
snd_path		$1/snd
audio_srate		8000
audio_channels		1
rtp_ports		$4-$5
jitter_buffer_delay	0-0
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			srtp.so
module			sndfile.so
module_app		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		$2:$(($3 + 2))
CFG
	: >"$1/accounts"
	: >"$1/contacts"
}

# bs_command IP SIP_PORT COMMAND PARAMS: one command through ctrl_tcp
# (a netstring of JSON on SIP_PORT + 2; baresip takes + 1 for TLS), e.g.
# dial sip:*72@host. $BS_EXEC prefixes it (ip netns exec NS).
bs_command() {
	${BS_EXEC:-} python3 - "$1" $(($2 + 2)) "$3" "$4" <<'PY'
import json, socket, sys
ip, port, cmd, params = sys.argv[1:5]
body = json.dumps({"command": cmd, "params": params, "token": "t1"}).encode()
s = socket.create_connection((ip, int(port)), timeout=5)
s.sendall(b"%d:%s," % (len(body), body))
s.recv(4096)
PY
}

# bs_account DIR AOR_AND_PARAMS: one account line.
bs_account() {
	printf '%s\n' "$2" >>"$1/accounts"
}

# bs_start ID DIR [command prefix...]: run baresip (verbose, SIP trace)
# with its log in $T/ID.bs. Sets bs_pid.
bs_start() {
	_id=$1
	_dir=$2
	shift 2
	"$@" baresip -v -s -f "$_dir" </dev/null >"$T/$_id.bs" 2>&1 &
	bs_pid=$!
	vt_pids="$vt_pids $bs_pid"
}
