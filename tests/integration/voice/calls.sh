# calls.sh - what voice_calls.sh and voice_transfer.sh share, sourced
# after lib.sh: a configuration with the REST API (supervisor sup, agent
# users maria = agent1 and bob = agent2, olga of another tenant), a
# music-on-hold file whose bytes are known, an outbound trunk to a
# provider port, and curl helpers. Agents: agent1 in information (813),
# agent2 in health, agent3 in sales (814), agent4 in backoffice (nobody
# calls it: a transfer's target); wrap-up 30 s. Also the helpers of the
# browser tests that take calls (web_calls, web_callback, web_supervise).

command -v curl >/dev/null || fail "curl is not installed (scripts/install-deps)"

# calls_hash PASSWORD...: argon2id hashes by libsodium (cheap: a test).
calls_hash() {
	python3 - "$@" <<'PY'
import ctypes, sys
s = ctypes.CDLL("libsodium.so.23"); s.sodium_init()
out = ctypes.create_string_buffer(128)
for pw in sys.argv[1:]:
    pw = pw.encode()
    if s.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                           ctypes.c_ulonglong(1), ctypes.c_size_t(8192)):
        sys.exit(1)
    print(out.value.decode(), end=" ")
PY
}

# calls_config: $T/c.yaml; sets HTTP_PORT, PROVIDER_PORT (a sipp block).
# With CALLS_PAGES (a folder) the daemon serves the pages from it.
calls_config() {
	vt_block
	HTTP_PORT=$vt_base
	vt_block
	PROVIDER_PORT=$vt_base
	vt_blocks="$vt_base $vt_blocks" # the provider's sipp takes it back
	# music: 3 s of tones changing every 50 ms, so that any 16 bytes of
	# it are its own (the checker encodes it to A-law as the daemon does)
	python3 - "$T/music.wav" <<'PY'
import math, random, struct, sys, wave
rng = random.Random(7)
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
out = bytearray()
for seg in range(60):
    f1, f2 = rng.uniform(300, 1800), rng.uniform(300, 1800)
    for i in range(400):
        t = (seg * 400 + i) / 8000.0
        v = 6000 * math.sin(2 * math.pi * f1 * t) + 5000 * math.sin(2 * math.pi * f2 * t)
        out += struct.pack("<h", int(v))
w.writeframes(bytes(out)); w.close()
PY
	hashes=$(calls_hash sup-pw maria-pw bob-pw olga-pw) ||
		fail "cannot hash passwords with libsodium"
	set -- $hashes
	pages_line=""
	[ -z "${CALLS_PAGES:-}" ] || pages_line="  pages: \"$CALLS_PAGES\""
	cat >"$T/c.yaml" <<EOF
tenants: [{name: demo}, {name: other}]
queues:
  - {name: information, tenant: demo, offer_timeout: 8s, wrapup: 30s}
  - {name: health, tenant: demo, offer_timeout: 8s, wrapup: 30s}
  - {name: sales, tenant: demo, offer_timeout: 8s, wrapup: 30s}
  - {name: backoffice, tenant: demo, offer_timeout: 8s, wrapup: 30s}
  - {name: elsewhere, tenant: other}
agents:
  - {name: agent1, tenant: demo, password: demo, static: true, queues: [information]}
  - {name: agent2, tenant: demo, password: demo, static: true, queues: [health]}
  - {name: agent3, tenant: demo, password: demo, static: true, queues: [sales]}
  - {name: agent4, tenant: demo, password: demo, static: true, queues: [backoffice]}
sip:
  listen:
    - {transport: udp, address: "127.0.0.1:$SIP_PORT"}
    - {transport: tcp, address: "127.0.0.1:$SIP_PORT"}
  realm: centralino
  rtp_ports: $RTP_MIN-$RTP_MAX
  register_expiry: {min: 10s, max: 600s, default: 120s}
store: {path: $T/db}
prompts:
  cache: $T/prompts
  music: {default: $T/music.wav}
trunks:
  - name: provider
    tenant: demo
    inbound: {from: [127.0.0.1]}
    outbound: {uri: "sip:127.0.0.1:$PROVIDER_PORT"}
dialing: {allow: [_06XXXXXXXX]}
numbers:
  - {number: "813", tenant: demo, flow: information}
  - {number: "814", tenant: demo, flow: sales}
flows:
  - name: information
    tenant: demo
    language: en
    start: wait
    nodes: {wait: [{queue: information}]}
  - name: sales
    tenant: demo
    language: en
    start: wait
    nodes: {wait: [{queue: sales}]}
http:
  listen: "127.0.0.1:$HTTP_PORT"
$pages_line
users:
  - {name: sup, password_hash: "$1", role: supervisor, tenants: [demo]}
  - {name: maria, password_hash: "$2", role: agent, tenants: [demo], agent: agent1}
  - {name: bob, password_hash: "$3", role: agent, tenants: [demo], agent: agent2}
  - {name: olga, password_hash: "$4", role: administrator, tenants: [other]}
EOF
	mkdir -p "$T/prompts"
	"$bin" check-config "$T/c.yaml" >/dev/null 2>"$T/check.err" ||
		fail "harness: the test configuration is refused: $(cat "$T/check.err")"
}

# calls_phone ID USER [SCENARIO]: an agent's phone answering with
# SCENARIO, by default answer_bye.xml (it talks until the daemon sends
# BYE, and logs that BYE in $T/ID.log).
calls_phone() {
	vt_credentials "$T/$1.csv" "$2" demo
	[ -f "$T/agent.pcap" ] ||
		$VT_TOOL pcapxor /usr/share/sip-tester/g711a.pcap "$T/agent.pcap"
	sed "s|@AGENT_PCAP@|$T/agent.pcap|g" "${3:-$VT/answer_bye.xml}" >"$T/$1-answer.xml"
	vt_sipp "$1" 127.0.0.1 -sf "$VT/register.xml" -oocsf "$T/$1-answer.xml" \
		-aa -inf "$T/$1.csv" -m 1 -d 90000 -timeout 90s
	phone_pid=$sipp_pid
	phone_media=$sipp_media
	wait_for_log "event=sip.registered user=$2 " 20 ||
		fail "$2 did not register (sip.registered missing)"
}

# login USER PASSWORD: prints a bearer token.
login() {
	curl -s -X POST -H 'Content-Type: application/json' \
		-d "{\"user\": \"$1\", \"password\": \"$2\"}" \
		"http://127.0.0.1:$HTTP_PORT/api/v1/login" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])' ||
		fail "cannot sign in as $1"
}

# api TOKEN METHOD PATH [BODY]: prints the status; the body in $T/resp.
api() {
	curl -s -o "$T/resp" -w '%{http_code}' -X "$2" \
		-H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
		${4:+-d "$4"} "http://127.0.0.1:$HTTP_PORT$3"
}

# want STATUS TOKEN METHOD PATH [BODY]: the call answers STATUS.
want() {
	_w=$1
	shift
	_s=$(api "$@")
	[ "$_s" = "$_w" ] || fail "$2 $3 ${4:-}: $_s, expected $_w: $(cat "$T/resp")"
}

# field EXPR: a Python expression on the last answer's JSON (j).
field() {
	python3 -c "import json, sys; j = json.load(open(sys.argv[1])); print($1)" "$T/resp"
}

# call_key TOKEN AGENT: the key of the live call connected to AGENT,
# once there is one (10 s).
call_key() {
	_i=0
	while [ $_i -lt 100 ]; do
		api "$1" GET /api/v1/contacts >/dev/null
		_k=$(field "next((c['id'] for c in j['contacts'] if c['channel'] == 'voice' and c['state'] == 'connected' and c.get('agent') == '$2'), '')")
		[ -n "$_k" ] && { echo "$_k"; return 0; }
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "no call connected to $2 in GET /api/v1/contacts"
}

# consult_is TOKEN KEY STATE: contact KEY, once its call's consult is
# STATE (10 s); else fails.
consult_is() {
	_i=0
	while [ $_i -lt 100 ]; do
		api "$1" GET "/api/v1/contacts/$2" >/dev/null
		[ "$(field "j.get('call', {}).get('consult')")" = "$3" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "contact $2: the consultation is not $3: $(cat "$T/resp")"
}

# agent_state TOKEN AGENT: the agent's state now.
agent_state() {
	api "$1" GET /api/v1/agents >/dev/null
	field "next(a['state'] for a in j['agents'] if a['name'] == '$2')"
}

# log_ts PATTERN: the ts= of the first daemon log line matching.
log_ts() {
	grep -m1 -E -- "$1" "$T/daemon.log" | sed -n 's/^ts=\([^ ]*\) .*/\1/p'
}

# vt_iso TS: a log line's ts= as Unix seconds.
vt_iso() {
	python3 -c "import sys; sys.path.insert(0, '$VT'); import voicetool; print(voicetool.iso_to_epoch(sys.argv[1]))" "$1"
}

# calls_browser_out: the browser tests' tools are there; $OUT, emptied,
# takes the screenshots (BUILD/test-output/$name).
calls_browser_out() {
	command -v node >/dev/null || fail "node is not installed (scripts/install-deps)"
	[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is not installed (scripts/install-deps)"
	[ -f node_modules/playwright-core/package.json ] ||
		fail "node_modules/playwright-core is missing: run scripts/install-deps (npm ci)"
	OUT=$(dirname "$bin")/test-output/$name
	rm -rf "$OUT"
	mkdir -p "$OUT" || fail "cannot make $OUT"
}

# calls_browser SCRIPT: tests/browser/SCRIPT in the background, its
# output in $T/browser.out, its pid in $browser_pid; returns once it has
# signed in (30 s).
calls_browser() {
	timeout 120 node "tests/browser/$1" "http://127.0.0.1:$HTTP_PORT" "$OUT" \
		"$T/browser.ready" >"$T/browser.out" 2>&1 &
	browser_pid=$!
	vt_pids="$vt_pids $browser_pid"
	wait_for_file "$T/browser.ready" 30 ||
		{ cat "$T/browser.out" >&2; fail "the browser did not sign in"; }
}

# calls_browser_done: waits for the browser (100 s), shows its output;
# fails if it failed.
calls_browser_done() {
	wait_pid "$browser_pid" 100
	cat "$T/browser.out"
	[ "$vt_status" -eq 0 ] || fail "the browser test failed (screenshots in $OUT)"
}
