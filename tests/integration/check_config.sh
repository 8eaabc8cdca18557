#!/bin/sh
# check-config: the demo and every ```yaml block of docs/configuration.md
# (each a complete file) are valid; a file with three mistakes gets three
# located lines and exit 1; usage errors exit 2.
# Usage (from the repository root): sh tests/integration/check_config.sh BIN
set -eu
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

fail() {
	echo "check_config: $*" >&2
	exit 1
}

# The demo: exit 0 and a summary on stdout.
out=$("$bin" check-config examples/demo.yaml) || fail "demo.yaml rejected"
case $out in
*": ok: 1 tenants, 5 skills, 2 queues, 10 agents") ;;
*) fail "unexpected summary: $out" ;;
esac

# The documentation's examples: each ```yaml block is a whole file.
awk -v dir="$work" '/^```yaml$/ { n++; f = 1; next } /^```$/ { f = 0 }
	f { print > (dir "/doc" n ".yaml") }' docs/configuration.md
set -- "$work"/doc*.yaml
[ -e "$1" ] || fail "no yaml example in docs/configuration.md"
for doc in "$@"; do
	"$bin" check-config "$doc" >/dev/null 2>"$work/err" ||
		fail "docs example $(basename "$doc") rejected: $(cat "$work/err")"
done

# Three mistakes: exit 1, three FILE:LINE:COL: FIELD: lines on stderr.
cat >"$work/broken.yaml" <<'YAML'
tenants:
  - name: demo
skills: [health]
queues:
  - name: health
    tenant: demo
    strategy: fastest
    wrapup: 10x
agents:
  - name: agent1
    tenant: demo
    skills: {health: 9}
YAML
status=0
"$bin" check-config "$work/broken.yaml" >"$work/out" 2>"$work/err" ||
	status=$?
[ "$status" -eq 1 ] || fail "broken.yaml: exit $status, expected 1"
[ ! -s "$work/out" ] || fail "broken.yaml: unexpected stdout"
f="$work/broken.yaml"
grep -qx "$f:7:15: queues\[0\]\.strategy: unknown strategy 'fastest'.*" \
	"$work/err" || fail "strategy error missing: $(cat "$work/err")"
grep -qx "$f:8:13: queues\[0\]\.wrapup: bad duration '10x'.*" \
	"$work/err" || fail "duration error missing: $(cat "$work/err")"
grep -qx "$f:12:22: agents\[0\]\.skills\.health: 9 is out of range 1\.\.5" \
	"$work/err" || fail "proficiency error missing: $(cat "$work/err")"
[ "$(wc -l <"$work/err")" -eq 3 ] || fail "expected 3 lines: $(cat "$work/err")"

# A missing file is an error naming it; usage errors exit 2.
status=0
"$bin" check-config "$work/none.yaml" 2>"$work/err" || status=$?
[ "$status" -eq 1 ] || fail "missing file: exit $status"
grep -q "^$work/none.yaml: cannot open" "$work/err" || fail "missing file msg"
status=0
"$bin" check-config 2>/dev/null || status=$?
[ "$status" -eq 2 ] || fail "no argument: exit $status, expected 2"
"$bin" check-config --help >/dev/null || fail "--help did not exit 0"
echo "check_config: ok"
