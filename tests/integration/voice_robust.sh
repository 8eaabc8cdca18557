#!/bin/sh
# voice_robust: malformed SIP (garbage, truncated headers, huge or negative
# Content-Length, no version, non-UTF-8) over UDP and TCP never takes the
# daemon down: it still answers OPTIONS with 200. An INVITE with an SDP
# that is not SDP gets a 4xx, never 200. An INVITE from an address that is
# not a trunk (127.0.0.2) is challenged with 407, never answered. sipvicious
# (svwar) finds no extension and cannot tell agents from unknown names;
# svmap finds the server.
# Usage (from the repository root): sh tests/integration/voice_robust.sh BIN
name=voice_robust
. tests/integration/voice/lib.sh

vt_config AUTH_MAX=1000
vt_start

# 1. malformed messages, then the daemon still serves
$VT_TOOL junk "$SIP_PORT" >"$T/junk.out" 2>&1 || fail "junk: $(cat "$T/junk.out")"
vt_alive || fail "the daemon died on malformed SIP"
$VT_TOOL options "$SIP_PORT" udp >"$T/opt-udp.out" 2>&1 ||
	fail "after malformed SIP, OPTIONS over UDP got: $(cat "$T/opt-udp.out")"
$VT_TOOL options "$SIP_PORT" tcp >"$T/opt-tcp.out" 2>&1 ||
	fail "after malformed SIP, OPTIONS over TCP got: $(cat "$T/opt-tcp.out")"
ok "malformed SIP over UDP and TCP survived; OPTIONS: $(tail -n 1 "$T/opt-udp.out")"

# 2. an INVITE to 800 from the trunk with a broken SDP: a 4xx refusal
$VT_TOOL badsdp "$SIP_PORT" >"$T/badsdp.out" 2>&1
final=$(grep -v '^SIP/2.0 1' "$T/badsdp.out" | head -n 1)
case $final in
"SIP/2.0 4"*) ;;
*) fail "INVITE with a broken SDP got '${final:-no final response}', expected 4xx (488)" ;;
esac
ok "broken SDP: $final"

# 3. an INVITE from 127.0.0.2 (the trunk is 127.0.0.1 only): 407
vt_sipp untrusted 127.0.0.2 -sf "$VT/invite_untrusted.xml" -s 800 -m 1
vt_sipp_wait "$sipp_pid" untrusted 10 \
	"an INVITE from a non-trunk address was not challenged with 407"
grep -q -a '^SIP/2.0 200' "$T/untrusted.msg" &&
	fail "an INVITE from a non-trunk address was answered 200"
[ "$(count_log 'event=call.incoming')" -eq 0 ] ||
	fail "a call was let in from a non-trunk address"
ok "INVITE from 127.0.0.2: 407 challenge"

# 4. sipvicious: no extension found, agents look like unknown names
vt_block
printf 'agent1\nagent2\nagent3\nadmin\nnobody\n100\n' >"$T/names"
timeout 30 svwar -b 127.0.0.1 -P "$vt_base" -e100-110 -p "$SIP_PORT" \
	127.0.0.1 >"$T/svwar1.out" 2>&1 || fail "svwar failed: $(cat "$T/svwar1.out")"
timeout 30 svwar --force -b 127.0.0.1 -P $((vt_base + 1)) -d "$T/names" \
	-p "$SIP_PORT" 127.0.0.1 >"$T/svwar2.out" 2>&1 ||
	fail "svwar failed: $(cat "$T/svwar2.out")"
timeout 30 svwar --force -b 127.0.0.2 -P $((vt_base + 2)) -m INVITE \
	-d "$T/names" -p "$SIP_PORT" 127.0.0.1 >"$T/svwar3.out" 2>&1 ||
	fail "svwar failed: $(cat "$T/svwar3.out")"
for f in svwar1 svwar2 svwar3; do
	grep -q 'found nothing' "$T/$f.out" ||
		fail "$f found extensions: $(cat "$T/$f.out")"
	grep -q -E '^\| *(agent|[0-9])' "$T/$f.out" &&
		fail "$f lists extensions: $(cat "$T/$f.out")"
done
ok "svwar: 100-110 and agent names (REGISTER, INVITE): found nothing"
timeout 30 svmap -b 127.0.0.1 -P $((vt_base + 3)) -p "$SIP_PORT" 127.0.0.1 \
	>"$T/svmap.out" 2>&1 || true
grep -q "127.0.0.1:$SIP_PORT *| *Centralino/" "$T/svmap.out" ||
	fail "svmap did not find the server: $(cat "$T/svmap.out")"
ok "svmap: $(grep -o 'Centralino/[^ ]*' "$T/svmap.out")"

vt_alive || fail "the daemon died"
$VT_TOOL options "$SIP_PORT" udp >/dev/null 2>&1 || fail "OPTIONS failed at the end"
echo "$name: ok"
