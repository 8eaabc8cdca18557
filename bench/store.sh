#!/bin/sh
# store.sh - what the store sustains, and what it costs the engine.
# usage: bench/store.sh /path/to/centralino   (make bench-store runs it)
#
# 1. `centralino bench journal`: journal events per second with group
#    commit, one transaction per BATCH events, for batches 1, 10, 100 and
#    1000, durability normal and full (EVENTS events; 3,000 at batch 1).
# 2. `centralino bench store`: the routing workload (AGENTS agents, ten
#    waiting contacts each, DECISIONS decisions) without a store, then
#    with every event journaled and flushed every 5 ms, for both
#    durabilities.
# Prints one JSON object: {"journal": [...], "engine": [...], "summary":
# {...}}. The summary sets the store against a 2,000-call box at peak,
# PEAK events per second (default 5000: a few thousand): flushed every
# 5 ms the daemon commits PEAK/200 = 25 events at a time, so the figure
# that matters is the rate at batch 10 with durability full, the lower
# bound of that.
# The scratch stores go to DIR (default /tmp; same disk as var/ here).
set -u

bin=${1:?usage: store.sh /path/to/centralino}
events=${EVENTS:-200000}
agents=${AGENTS:-1000}
decisions=${DECISIONS:-200000}
peak=${PEAK:-5000}
dir=${DIR:-/tmp}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

for durability in normal full; do
	for batch in 1 10 100 1000; do
		n=$events
		[ "$batch" -eq 1 ] && n=3000 # one commit per event: slow
		echo "bench: journal batch=$batch durability=$durability" >&2
		"$bin" bench journal --batch "$batch" --events "$n" \
			--durability "$durability" --dir "$dir" --json \
			>>"$tmp/journal" || { echo "bench: failed" >&2; exit 1; }
	done
	echo "bench: store agents=$agents durability=$durability" >&2
	"$bin" bench store --agents "$agents" --contacts $((agents * 11)) \
		--decisions "$decisions" --durability "$durability" \
		--dir "$dir" --json >>"$tmp/engine" ||
		{ echo "bench: failed" >&2; exit 1; }
done

"$py" - "$tmp/journal" "$tmp/engine" "$peak" <<'PYEOF'
import json, sys

journal = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
engine = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
peak = int(sys.argv[3])

def rate(batch, durability):
    for r in journal:
        if r["batch"] == batch and r["durability"] == durability:
            return r["events_per_second"]

floor = rate(10, "full")
on = min(r["decisions_per_second_on"] for r in engine)
summary = {
    "events_per_second": {d: {str(b): rate(b, d) for b in (1, 10, 100, 1000)}
                          for d in ("normal", "full")},
    "peak_events_per_second_2000_calls": peak,
    "sustained_at_batch_10_full": floor,
    "headroom": round(floor / peak, 1),
    "engine_decisions_per_second_store_off":
        round(min(r["decisions_per_second_off"] for r in engine)),
    "engine_decisions_per_second_store_on": round(on),
    "events_per_decision": engine[0]["events_per_decision"],
    "store_limits_2000_call_box": floor < peak,
}
print(json.dumps({"journal": journal, "engine": engine,
                  "summary": summary}, indent=2))
PYEOF
