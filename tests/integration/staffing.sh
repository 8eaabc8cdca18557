#!/bin/sh
# staffing.sh - drive `centralino staffing` end to end.
# usage: sh tests/integration/staffing.sh /path/to/centralino  (from the repo root)
cmd=staffing
. tests/integration/cli/lib.sh

# The textbook case: 100 calls in 30 minutes, AHT 180 s, 80 % in 20 s.
run 0 --volume 100 --interval 1800 --aht 180 --target-sl 0.8 \
	--threshold 20 --shrinkage 0.3 --json
grep -q '"agents": 14' "$tmp/out" || fail "textbook: no \"agents\": 14"
"$py" - "$tmp/out" <<'EOF' || fail "textbook: JSON figures"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["agents"] == 14, d
assert d["scheduled"] == 20, d
assert 0.8 <= d["service_level"] < 0.9, d
for k in ("asa", "p_wait", "occupancy"):
    assert 0 < d[k] < 60, (k, d)
assert "abandon_rate" not in d
EOF

# Same load as an arrival rate, in text.
run 0 --arrival-rate 0.0555555556 --aht 180
grep -q '^agents  *14$' "$tmp/out" || fail "text output: no 'agents 14'"

# Erlang A: abandonment reported, fewer agents than Erlang C.
run 0 --volume 100 --aht 180 --patience 120 --json
"$py" - "$tmp/out" <<'EOF' || fail "erlang a: JSON figures"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["model"] == "erlang_a" and d["agents"] < 14, d
assert 0 < d["abandon_rate"] < 0.2, d
EOF

# A forecast day: text table, JSON rows, SVG chart.
run 0 --forecast examples/forecast.csv --shrinkage 0.3
grep -q '^08:00 ' "$tmp/out" || fail "forecast text: no 08:00 row"
run 0 --forecast examples/forecast.csv --shrinkage 0.3 --json --svg "$tmp/day.svg"
"$py" - "$tmp/out" "$tmp/day.svg" <<'EOF' || fail "forecast JSON / SVG"
import json, sys, xml.etree.ElementTree as ET
rows = json.load(open(sys.argv[1]))
assert isinstance(rows, list) and len(rows) == 24, len(rows)
assert all(r["agents"] > 0 and r["service_level"] >= 0.8 for r in rows)
svg = open(sys.argv[2]).read()
assert svg.startswith("<svg"), svg[:40]
root = ET.fromstring(svg)
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg", root.tag
texts = " ".join(t.text or "" for t in root.iter(ns + "text"))
for word in ("agents", "08:00", "volume", "scheduled"):
    assert word in texts, word
assert len(list(root.iter(ns + "polyline"))) == 2
assert len(list(root.iter(ns + "rect"))) >= 24
EOF

# Usage errors: exit 2 with a message naming the flag.
run 2 --volume 100 --aht 180 --bogus
grep -q -- '--bogus' "$tmp/err" || fail "unknown flag not named"
run 2 --volume 100
grep -q -- '--aht' "$tmp/err" || fail "missing --aht not named"
run 2 --volume 100 --aht abc
grep -q -- '--aht' "$tmp/err" || fail "non-number --aht not named"
run 2 --volume -5 --aht 180
grep -q -- '--volume' "$tmp/err" || fail "negative --volume not named"
run 2 --volume 100 --aht 180 --target-sl 1.5
grep -q -- '--target-sl' "$tmp/err" || fail "--target-sl 1.5 not named"
run 2 --volume 100 --aht 180 --target-sl 0
grep -q -- '--target-sl' "$tmp/err" || fail "--target-sl 0 not named"
run 0 --help
grep -q -- '--forecast' "$tmp/out" || fail "--help does not list --forecast"

# Bad files: exit 1 with FILE:LINE.
printf 'start,volume,aht\n08:00,100,180\n08:30,100\n' >"$tmp/bad.csv"
run 1 --forecast "$tmp/bad.csv"
grep -q "bad.csv:3:" "$tmp/err" || fail "malformed CSV: no FILE:LINE"
run 1 --forecast "$tmp/missing.csv"
grep -q "missing.csv" "$tmp/err" || fail "missing file not named"

if [ "$failures" -ne 0 ]; then
	echo "staffing.sh: $failures failure(s)" >&2
	exit 1
fi
echo "staffing.sh: ok"
