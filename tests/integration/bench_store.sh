#!/bin/sh
# bench_store.sh - smoke run of `centralino bench store` and `bench journal`
# (no timing): the JSON, every event journaled and committed, the scratch
# store removed, usage errors.
# usage: sh tests/integration/bench_store.sh /path/to/centralino  (from the repo root)
set -u
bin=${1:?usage: bench_store.sh /path/to/centralino}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() {
	echo "FAIL bench_store: $*" >&2
	exit 1
}

"$bin" bench journal --events 2500 --batch 100 --dir "$tmp" --json \
	>"$tmp/journal" || fail "bench journal failed"
"$bin" bench store --agents 20 --contacts 220 --decisions 3000 \
	--durability full --dir "$tmp" --json >"$tmp/store" ||
	fail "bench store failed"
python3 - "$tmp/journal" "$tmp/store" <<'PY' || fail "wrong figures"
import json, sys
j = json.load(open(sys.argv[1]))
# 25 flushes of 100 and the open's own transaction
assert j["events"] == 2500 and j["batch"] == 100, j
assert j["commits"] >= 25 and j["events_per_second"] > 0, j
s = json.load(open(sys.argv[2]))
assert s["decisions"] == 3000 and s["durability"] == "full", s
# each decision: an end, a wrap-up, a completion, an arrival, an offer,
# an acceptance and agent states: several events, all journaled
assert s["events_per_decision"] >= 4, s
assert s["events"] == round(s["events_per_decision"] * s["decisions"]), s
assert s["flushes"] >= 1 and s["store_mib"] > 0, s
assert s["decisions_per_second_off"] > 0 and s["decisions_per_second_on"] > 0
PY
[ -z "$(ls "$tmp" | grep centralino-bench)" ] || fail "scratch store left"

"$bin" bench store --durability fast >/dev/null 2>"$tmp/err" &&
	fail "a bad --durability was accepted"
grep -q "bench store: --durability: 'fast' is not normal or full" \
	"$tmp/err" || fail "message: $(cat "$tmp/err")"
"$bin" bench journal --dir "$tmp/none" >/dev/null 2>"$tmp/err" &&
	fail "a missing --dir was accepted"
grep -q "bench journal: --dir $tmp/none" "$tmp/err" ||
	fail "message: $(cat "$tmp/err")"
"$bin" bench --help | grep -q "journal" || fail "bench --help lacks journal"
echo "bench_store: ok"
