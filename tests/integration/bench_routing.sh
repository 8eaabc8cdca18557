#!/bin/sh
# bench_routing.sh - smoke run of `centralino bench routing` (no timing).
# usage: sh tests/integration/bench_routing.sh /path/to/centralino  (from the repo root)
cmd=bench
. tests/integration/cli/lib.sh

# check_json SKILLS POOLS: the keys, decisions made, the engine's counts.
check_json() {
	"$py" - "$tmp/out" "$1" "$2" <<'PYEOF' || fail "JSON of --skills $1"
import json, sys
d = json.load(open(sys.argv[1]))
skills, pools = int(sys.argv[2]), int(sys.argv[3])
for k in ("agents", "contacts", "skills", "decisions", "ns_per_decision",
          "peak_rss_mib", "setup_seconds", "pools"):
    assert k in d, ("missing", k, d)
assert d["agents"] == 50 and d["contacts"] == 550, d
assert d["skills"] == skills and d["pools"] == pools, d
# Every iteration frees an agent who takes a waiting contact.
assert d["decisions"] >= 2000, d
assert d["ns_per_decision"] > 0 and d["peak_rss_mib"] > 0, d
assert d["setup_seconds"] >= 0 and d["waiting"] == 500, d
PYEOF
}

# No skills: one pool. Twenty skills: one pool per skill. --check makes
# the engine verify its invariants after the loop.
run 0 routing --agents 50 --contacts 550 --decisions 2000 --check --json
check_json 0 1
run 0 routing --agents 50 --contacts 550 --skills 20 --decisions 2000 \
	--check --json
check_json 20 20

# Text output, and no waiting contacts at all (each new contact is routed
# as it arrives).
run 0 routing --agents 20 --contacts 20 --decisions 500 --check
grep -q 'ns/decision' "$tmp/out" || fail "text output: no ns/decision"

# Help exits 0; bad flags exit 2 and name the flag.
run 0 --help
grep -q routing "$tmp/out" || fail "bench --help does not list routing"
run 0 routing --help
grep -q -- '--agents' "$tmp/out" || fail "routing --help lacks --agents"
run 2
run 2 nosuch
run 2 routing --agents 10 --contacts 5
grep -q -- '--contacts' "$tmp/err" || fail "contacts < agents: flag not named"
run 2 routing --agents x --contacts 5
grep -q -- '--agents' "$tmp/err" || fail "bad --agents: flag not named"
run 2 routing --agents 10 --contacts 20 --bogus
grep -q -- '--bogus' "$tmp/err" || fail "unknown flag not named"
run 2 routing --agents 10
grep -q -- '--contacts' "$tmp/err" || fail "missing --contacts not named"

if [ "$failures" -ne 0 ]; then
	echo "bench_routing: $failures failure(s)" >&2
	exit 1
fi
echo "bench_routing: ok"
