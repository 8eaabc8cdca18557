# lib.sh - harness of the voice integration tests, sourced by
# tests/integration/voice_*.sh after setting `name`. $1 is the daemon.
#
# Gives each test its own temp dir $T, free ports, a configuration from
# base.yaml, the daemon in the background (log: $T/daemon.log), sipp
# peers, a loopback capture, and a trap that stops all of them.
# Synchronisation is by log lines and files, never by sleeping.

set -eu
VT=tests/integration/voice
VT_TOOL="python3 $VT/voicetool.py"
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d /tmp/vt.XXXXXX)
chmod 755 "$T"
vt_pids=""   # sipp, tcpdump, helpers: stopped by the trap
daemon_pid=""

vt_cleanup() {
	status=$?
	set +e
	for p in $vt_pids; do
		kill -TERM "$p" 2>/dev/null
	done
	if [ -n "$daemon_pid" ]; then
		kill -TERM "$daemon_pid" 2>/dev/null
		i=0
		while kill -0 "$daemon_pid" 2>/dev/null && [ $i -lt 30 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$daemon_pid" 2>/dev/null
		# a sanitizer build reports memory errors and leaks at exit
		if grep -q "Sanitizer" "$T/daemon.log" 2>/dev/null; then
			grep -A 20 "Sanitizer" "$T/daemon.log" | head -n 60 >&2
			echo "$name: FAIL: the daemon reported a memory error" >&2
			status=1
		fi
	fi
	for p in $vt_pids; do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$status" -ne 0 ] || [ -n "${VT_KEEP:-}" ]; then
		echo "$name: files kept in $T" >&2
	else
		rm -rf "$T"
	fi
	exit "$status"
}
trap vt_cleanup EXIT
trap 'exit 1' INT TERM HUP

# Print the evidence of a failure: the daemon's log and sipp's errors.
vt_evidence() {
	echo "---- $T/daemon.log (last 40 lines)" >&2
	tail -n 40 "$T/daemon.log" >&2 2>/dev/null
	for f in "$T"/*.err; do
		[ -s "$f" ] || continue
		echo "---- $f" >&2
		tail -n 30 "$f" >&2
	done
}

fail() {
	echo "$name: FAIL: $*" >&2
	vt_evidence
	exit 1
}

ok() {
	echo "$name: ok: $*"
}

# wait_for_log PATTERN TIMEOUT_S [FILE]: an extended regex appears in FILE
# (the daemon's log by default). Returns 1 on timeout or if the daemon died.
wait_for_log() {
	_f=${3:-$T/daemon.log}
	_n=$(($2 * 10))
	_i=0
	while [ $_i -lt $_n ]; do
		grep -q -E -- "$1" "$_f" 2>/dev/null && return 0
		if [ -n "$daemon_pid" ] && ! kill -0 "$daemon_pid" 2>/dev/null; then
			grep -q -E -- "$1" "$_f" 2>/dev/null && return 0
			echo "$name: the daemon exited" >&2
			return 1
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# wait_for_file FILE TIMEOUT_S: FILE exists and is not empty.
wait_for_file() {
	_n=$(($2 * 10))
	_i=0
	while [ $_i -lt $_n ]; do
		[ -s "$1" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# wait_pid PID TIMEOUT_S: wait for a background job to end; its status in
# $vt_status (124 on timeout, the job is then killed).
wait_pid() {
	_n=$(($2 * 10))
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt $_n ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -TERM "$1" 2>/dev/null
		wait "$1" 2>/dev/null || true
		vt_status=124
		return 0
	fi
	vt_status=0
	wait "$1" || vt_status=$?
}

# wait_for_count PATTERN N TIMEOUT_S: at least N lines of the daemon's
# log match.
wait_for_count() {
	_n=$(($3 * 10))
	_i=0
	while [ "$(count_log "$1")" -lt "$2" ]; do
		[ $_i -lt $_n ] || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

# count_log PATTERN: lines of the daemon's log matching an extended regex.
count_log() {
	grep -c -E -- "$1" "$T/daemon.log" 2>/dev/null || true
}

# ---- ports -------------------------------------------------------------

# Blocks of 8 free ports: SIP of the daemon, then one block per sipp
# (SIP port, control port +1, media ports +4..+7), and 40 RTP ports of the
# daemon's own, distinct for every run.
set -- $($VT_TOOL ports 11 8)
SIP_PORT=$1
shift
vt_blocks="$*"
set -- $($VT_TOOL ports 1 40)
RTP_MIN=$1
RTP_MAX=$(($1 + 39))

# vt_block: take the next free block of 8 ports; sets vt_base.
vt_block() {
	set -- $vt_blocks
	[ $# -gt 0 ] || fail "out of port blocks"
	vt_base=$1
	shift
	vt_blocks="$*"
}

# ---- the daemon --------------------------------------------------------

# vt_config [KEY=VALUE ...]: write $T/c.yaml from base.yaml; keys are the
# placeholders MAX_CALLS, AUTH_MAX, AUTH_BLOCK, OFFER_TIMEOUT.
vt_config() {
	MAX_CALLS=50 AUTH_MAX=3 AUTH_BLOCK=3s OFFER_TIMEOUT=4s
	for kv in "$@"; do
		eval "${kv%%=*}=\${kv#*=}"
	done
	sed -e "s|@T@|$T|g" -e "s|@SIP_PORT@|$SIP_PORT|g" \
		-e "s|@RTP_MIN@|$RTP_MIN|g" -e "s|@RTP_MAX@|$RTP_MAX|g" \
		-e "s|@MAX_CALLS@|$MAX_CALLS|g" -e "s|@AUTH_MAX@|$AUTH_MAX|g" \
		-e "s|@AUTH_BLOCK@|$AUTH_BLOCK|g" \
		-e "s|@OFFER_TIMEOUT@|$OFFER_TIMEOUT|g" \
		"$VT/base.yaml" >"$T/c.yaml"
	mkdir -p "$T/prompts"
}

# vt_start: the daemon on $T/c.yaml, ready when SIP listens (10 s).
vt_start() {
	[ -f "$T/c.yaml" ] || vt_config
	(cd "$T" && exec "$bin" run --config "$T/c.yaml" --log-level debug) \
		2>"$T/daemon.log" >/dev/null &
	daemon_pid=$!
	wait_for_log "event=sip.listening transport=udp address=127.0.0.1:$SIP_PORT" 10 ||
		fail "the daemon is not listening on udp 127.0.0.1:$SIP_PORT within 10 s"
	wait_for_log "event=sip.listening transport=tcp address=127.0.0.1:$SIP_PORT" 5 ||
		fail "the daemon is not listening on tcp 127.0.0.1:$SIP_PORT"
}

# vt_alive: the daemon is still running.
vt_alive() {
	kill -0 "$daemon_pid" 2>/dev/null
}

# ---- sipp --------------------------------------------------------------

# vt_sipp ID IP [sipp options...]: start sipp in the background against
# the daemon with its own block of ports. Files: $T/ID.err (unexpected
# messages), $T/ID.msg (every message), $T/ID.log (<log> actions).
# Sets sipp_pid, sipp_port, sipp_media (its RTP port). Each sipp quits
# after VT_SIPP_TIMEOUT (40s unless the test sets it longer).
vt_sipp() {
	_id=$1
	_ip=$2
	shift 2
	vt_block
	sipp_port=$vt_base
	sipp_media=$((vt_base + 4))
	sipp -ci 127.0.0.1 -i "$_ip" -p "$sipp_port" -cp $((vt_base + 1)) \
		-mp "$sipp_media" -mi "$_ip" -timeout "${VT_SIPP_TIMEOUT:-40s}" -timeout_error \
		-nostdin -trace_err -error_file "$T/$_id.err" \
		-trace_msg -message_file "$T/$_id.msg" \
		-trace_logs -log_file "$T/$_id.log" \
		"$@" "127.0.0.1:$SIP_PORT" >"$T/$_id.out" 2>&1 &
	sipp_pid=$!
	vt_pids="$vt_pids $sipp_pid"
}

# vt_credentials FILE USER PASSWORD: the injection file of a phone. The
# whole authentication keyword is one field: sipp 3.6.1 does not expand
# [field0] inside it.
vt_credentials() {
	printf 'SEQUENTIAL\n%s;[authentication username=%s password=%s]\n' \
		"$2" "$2" "$3" >"$1"
}

# vt_phone ID USER SCENARIO: an agent's phone that registers as USER
# (password demo) and answers INVITEs with SCENARIO (answer.xml or
# noanswer.xml). Waits for the daemon's sip.registered. Sets phone_pid,
# phone_media.
vt_phone() {
	vt_credentials "$T/$1.csv" "$2" demo
	if [ ! -f "$T/agent.pcap" ]; then
		$VT_TOOL pcapxor /usr/share/sip-tester/g711a.pcap "$T/agent.pcap"
	fi
	sed "s|@AGENT_PCAP@|$T/agent.pcap|g" "$VT/$3" >"$T/$1-$3"
	vt_sipp "$1" 127.0.0.1 -sf "$VT/register.xml" -oocsf "$T/$1-$3" -aa \
		-inf "$T/$1.csv" -m 1 -d 45000
	phone_pid=$sipp_pid
	phone_media=$sipp_media
	wait_for_log "event=sip.registered user=$2 " 20 ||
		fail "$2 did not register (sip.registered missing)"
}

# vt_caller ID SCENARIO NUMBER [sipp options...]: one call. Sets
# caller_pid, caller_media.
vt_caller() {
	_cid=$1
	_sc=$2
	_num=$3
	shift 3
	vt_sipp "$_cid" 127.0.0.1 -sf "$VT/$_sc" -s "$_num" -m 1 "$@"
	caller_pid=$sipp_pid
	caller_media=$sipp_media
}

# vt_sipp_wait PID ID TIMEOUT_S WHAT: the sipp run ends with status 0
# (every call successful), or the test fails with its errors.
vt_sipp_wait() {
	wait_pid "$1" "$3"
	if [ "$vt_status" -ne 0 ]; then
		echo "---- $T/$2.out" >&2
		tail -n 5 "$T/$2.out" >&2
		fail "$4 (sipp $2 exit $vt_status)"
	fi
}

# ---- capture -----------------------------------------------------------

# vt_capture FILTER: tcpdump on loopback into $T/cap.pcap, ready when it
# says it is listening.
vt_capture() {
	tcpdump --immediate-mode -s 4096 -B 8192 -i lo -U -w "$T/cap.pcap" \
		"$@" 2>"$T/tcpdump.err" &
	cap_pid=$!
	vt_pids="$vt_pids $cap_pid"
	wait_for_log "listening on lo" 5 "$T/tcpdump.err" ||
		fail "tcpdump did not start: $(cat "$T/tcpdump.err")"
}

# vt_capture_stop: flush and close the capture.
vt_capture_stop() {
	kill -INT "$cap_pid" 2>/dev/null || true
	wait_pid "$cap_pid" 5
}
