#!/bin/sh
# simulate.sh - drive `centralino simulate` end to end.
# usage: sh tests/integration/simulate.sh /path/to/centralino  (from the repo root)
cmd=simulate
. tests/integration/cli/lib.sh

# A small case with patience: keys, ranges, every contact accounted for.
run 0 --agents 10 --arrival-rate 0.05 --aht 180 --patience 120 \
	--contacts 20000 --seed 3 --json
"$py" - "$tmp/out" <<'EOF' || fail "simple case: JSON figures"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("offered", "answered", "abandoned", "p_wait", "service_level",
          "asa", "mean_wait_all", "abandon_rate", "occupancy", "ewt_mae",
          "ewt_rmse", "ewt_samples", "ewt_baselines", "agents",
          "arrival_rate", "aht", "patience", "threshold", "seed", "warmup",
          "sim_seconds", "wall_seconds", "contacts_per_second"):
    assert k in d, k
for k in ("asterisk", "queue_length"):
    assert set(d["ewt_baselines"][k]) == {"mae", "rmse"}, d["ewt_baselines"]
assert d["offered"] == 18000 and d["warmup"] == 2000, d
assert d["answered"] + d["abandoned"] == d["offered"], d
assert d["abandoned"] > 0, d
for k in ("p_wait", "service_level", "abandon_rate", "occupancy"):
    assert 0 <= d[k] <= 1, (k, d[k])
assert 0.8 < d["occupancy"] < 0.95, d["occupancy"]  # 9 erlangs, 10 agents
assert d["asa"] >= 0 and d["mean_wait_all"] >= 0, d
assert d["ewt_samples"] > 0 and d["ewt_mae"] > 0, d
EOF

# The same seed gives the same figures; another seed does not.
run 0 --agents 10 --arrival-rate 0.05 --aht 180 --patience 120 \
	--contacts 20000 --seed 3 --json
cp "$tmp/out" "$tmp/again"
run 0 --agents 10 --arrival-rate 0.05 --aht 180 --patience 120 \
	--contacts 20000 --seed 4 --json
"$py" - "$tmp/again" "$tmp/out" <<'EOF' || fail "seeds"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a["answered"] != b["answered"] or a["asa"] != b["asa"], (a, b)
EOF
"$bin" simulate --agents 10 --arrival-rate 0.05 --aht 180 --patience 120 \
	--contacts 20000 --seed 3 --json >"$tmp/third" 2>/dev/null
"$py" - "$tmp/again" "$tmp/third" <<'EOF' || fail "same seed, other figures"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for k in ("wall_seconds", "contacts_per_second"):
    a.pop(k), b.pop(k)
assert a == b, (a, b)
EOF

# Text output without --patience: nobody abandons.
run 0 --agents 5 --arrival-rate 0.02 --aht 180 --contacts 5000
grep -q '^  abandoned  *0 ' "$tmp/out" || fail "text: no 'abandoned 0'"
grep -q 'service level' "$tmp/out" || fail "text: no service level"

# Usage errors name the flag and exit 2.
for bad in "--agents 0 --arrival-rate 1 --aht 10:--agents" \
	"--agents 2 --arrival-rate x --aht 10:--arrival-rate" \
	"--agents 2 --arrival-rate 1 --aht -5:--aht" \
	"--agents 2 --arrival-rate 1 --aht 10 --patience 0:--patience" \
	"--agents 2 --arrival-rate 1 --aht 10 --contacts 10 --warmup 10:--warmup" \
	"--agents 2 --arrival-rate 1 --aht 10 --frobnicate:--frobnicate" \
	"--agents 2 --aht 10:--arrival-rate" \
	"--scenario examples/surge.yaml --agents 3:--scenario"; do
	args=${bad%:*}
	flag=${bad##*:}
	# shellcheck disable=SC2086
	run 2 $args
	grep -q -- "$flag" "$tmp/err" || fail "simulate $args: no '$flag' in: $(cat "$tmp/err")"
done

run 0 --help
grep -q -- '--arrival-rate' "$tmp/out" || fail "--help does not list flags"

# Scenario mode: the surge example, per-queue figures.
run 0 --scenario examples/surge.yaml --json --seed 2
"$py" - "$tmp/out" <<'EOF' || fail "scenario: JSON figures"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["seed"] == 2, d["seed"]
assert set(d["queues"]) == {"sales", "support"}, d["queues"].keys()
total = 0
for name, q in d["queues"].items():
    assert q["offered"] > 100, (name, q)
    assert q["answered"] + q["abandoned"] + q["ended_by_fallback"] == q["offered"], q
    assert 0 <= q["p_wait"] <= 1 and 0 <= q["service_level"] <= 1, q
    total += q["offered"]
assert total == d["offered"], (total, d["offered"])
assert d["abandoned"] > 0 and 0 < d["occupancy"] <= 1, d
EOF
run 0 --scenario examples/surge.yaml
grep -q '^sales$' "$tmp/out" || fail "scenario text: no sales section"

# A broken scenario: every problem located as file:line:column.
cat >"$tmp/bad.yaml" <<EOF
config: $PWD/examples/surge-config.yaml
simulation:
  duration: 1h
  arrivals:
    - queue: nowhere
      rate: 10
      aht: 3x
EOF
run 1 --scenario "$tmp/bad.yaml"
grep -q "bad.yaml:7:12: simulation.arrivals\[0\].aht" "$tmp/err" ||
	fail "bad scenario: aht not located: $(cat "$tmp/err")"
run 1 --scenario "$tmp/missing.yaml"
grep -q "missing.yaml" "$tmp/err" || fail "missing scenario not named"

if [ "$failures" -ne 0 ]; then
	echo "simulate.sh: $failures failure(s)" >&2
	exit 1
fi
echo "simulate.sh: all passed"
