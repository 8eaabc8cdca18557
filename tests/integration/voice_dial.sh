#!/bin/sh
# voice_dial: numbers the daemon dials, and a trunk known by credentials.
# - a flow that forwards to an allowed number: the provider (sipp at the
#   outbound trunk's address) challenges, gets the trunk's digest
#   credentials, and the caller is bridged to that number;
# - a fallback that forwards to a number outside dialing.allow: refused at
#   the moment of dialling (dial.refused), nothing reaches the provider,
#   the caller is told and hung up;
# - check-config refuses a flow that forwards outside the allow-list;
# - a trunk calling from an address that is not its own is challenged and
#   let in with its digest credentials.
# Usage (from the repository root): sh tests/integration/voice_dial.sh BIN
name=voice_dial
. tests/integration/voice/lib.sh

vt_config
vt_block
provider_port=$vt_base
vt_blocks="$vt_base $vt_blocks" # the provider's sipp takes it back
python3 - "$T/c.yaml" "$provider_port" <<'PY'
import sys
path, port = sys.argv[1], sys.argv[2]
s = open(path).read()
s = s.replace("""    inbound:
      from: [127.0.0.1]""", """    inbound:
      from: [127.0.0.1]
      username: prov
      password: secret
    outbound:
      uri: sip:127.0.0.1:%s
      username: us
      password: secret""" % port)
s = s.replace("""  - {number: "801", tenant: demo, flow: afterhours}""",
"""  - {number: "801", tenant: demo, flow: afterhours}
  - {number: "803", tenant: demo, flow: forward}
  - {number: "804", tenant: demo, flow: unstaffed}""")
s = s.replace("""  - name: health
    tenant: demo""", """  - name: unstaffed
    tenant: demo
    fallback:
      nobody_logged_in: {action: forward, target: "0044123456"}
  - name: health
    tenant: demo""")
s += """
dialing:
  allow: [_06XXXXXXXX]
"""
s = s.replace("flows:\n", """flows:
  - name: forward
    tenant: demo
    nodes:
      start:
        - forward: "0611223344"
  - name: unstaffed
    tenant: demo
    nodes:
      start:
        - queue: unstaffed
""", 1)
open(path, "w").write(s)
PY
"$bin" check-config "$T/c.yaml" >/dev/null 2>"$T/check.err" ||
	{ cat "$T/check.err" >&2; fail "harness: the test configuration is invalid"; }
vt_start

# the provider: asks for the trunk's digest credentials, then answers
vt_sipp provider 127.0.0.1 -sf "$VT/provider_auth.xml" -m 1
provider_pid=$sipp_pid
[ "$sipp_port" -eq "$provider_port" ] || fail "harness: provider port"

# 1. forward to an allowed number, through a provider that challenges
vt_caller caller caller_hangup.xml 803 -d 3000
wait_for_log "event=dial.outside number=0611223344 trunk=provider" 10 ||
	fail "the forward to an allowed number was not dialled"
wait_for_log "event=call.forwarded" 10 || fail "the forwarded call was not bridged"
vt_sipp_wait "$caller_pid" caller 20 "the forwarded caller's call failed"
vt_sipp_wait "$provider_pid" provider 20 "the provider did not get a whole call"
grep -q "INVITE sip:0611223344@127.0.0.1:$provider_port" "$T/provider.msg" ||
	fail "the provider was not asked for 0611223344"
grep -q "^Authorization: Digest.*username=\"us\"" "$T/provider.msg" ||
	fail "the trunk did not answer the provider's challenge"

# 2. a number outside the allow-list, at the moment of dialling
vt_caller caller2 caller_closed.xml 804
wait_for_log "event=dial.refused number=0044123456 reason=not-in-allow-list" 10 ||
	fail "a number outside dialing.allow was not refused"
vt_sipp_wait "$caller_pid" caller2 20 "the refused caller was not hung up"
[ "$(count_log 'event=dial.outside number=0044123456')" -eq 0 ] ||
	fail "the refused number was dialled"

# 3. check-config refuses a flow forwarding outside the allow-list
sed 's/- forward: "0611223344"/- forward: "0044123456"/' "$T/c.yaml" >"$T/bad.yaml"
if "$bin" check-config "$T/bad.yaml" 2>"$T/bad.err"; then
	fail "check-config accepted a forward outside dialing.allow"
fi
grep -q "bad.yaml:[0-9]*:[0-9]*: .*forward: '0044123456' is not allowed by dialing.allow" \
	"$T/bad.err" || { cat "$T/bad.err" >&2; fail "the refusal is not located"; }

# 4. a trunk known by its credentials, calling from another address
printf 'SEQUENTIAL\n[authentication username=prov password=secret]\n' >"$T/prov.csv"
vt_sipp trunk2 127.0.0.2 -sf "$VT/caller_auth.xml" -s 800 -m 1 -d 1000 \
	-inf "$T/prov.csv"
wait_for_log "event=call.incoming .*number=800" 10 ||
	fail "the trunk with credentials was not let in"
vt_sipp_wait "$sipp_pid" trunk2 20 "the authenticated trunk's call failed"
ok "forward dialled and bridged, outside number refused and not dialled, check-config refuses, trunk by digest let in"
vt_alive || fail "the daemon died"
