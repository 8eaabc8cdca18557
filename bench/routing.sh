#!/bin/sh
# routing.sh - the routing engine's cost per decision, 100 to 100,000 agents.
# usage: bench/routing.sh /path/to/centralino   (make bench runs it)
#
# Each case runs REPEAT times (default 3) and keeps the run with the median
# ns_per_decision. Cases: agents 100, 1000, 10000, 100000, each with ten
# waiting contacts per agent (contacts = 11 x agents, so 100000 agents have
# 1,000,000 waiting), each with --skills 0 and --skills 20. Prints a JSON
# array of the kept runs, then a JSON object with the issue's two figures:
#   ratio_100k_vs_100       ns/decision at 100k agents / at 100 (worst of
#                           the skill settings; target <= 4)
#   max_rss_mib_1m_waiting  peak RSS of the 1M-waiting runs (target 1024)
set -u

bin=${1:?usage: routing.sh /path/to/centralino}
repeat=${REPEAT:-3}
decisions=${DECISIONS:-200000}
agents_list=${AGENTS:-"100 1000 10000 100000"}
skills_list=${SKILLS:-"0 20"}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

for skills in $skills_list; do
	for agents in $agents_list; do
		contacts=$((agents * 11))
		i=0
		while [ "$i" -lt "$repeat" ]; do
			echo "bench: agents=$agents contacts=$contacts" \
				"skills=$skills run=$i" >&2
			if ! "$bin" bench routing --agents "$agents" \
				--contacts "$contacts" --skills "$skills" \
				--decisions "$decisions" --seed $((i + 1)) \
				--json >>"$tmp/runs"; then
				echo "bench: run failed" >&2
				exit 1
			fi
			i=$((i + 1))
		done
	done
done

"$py" - "$tmp/runs" <<'PYEOF'
import json, sys

runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
cases = {}
for r in runs:
    cases.setdefault((r["skills"], r["agents"], r["contacts"]), []).append(r)
kept = []
for key in sorted(cases):
    rs = sorted(cases[key], key=lambda r: r["ns_per_decision"])
    kept.append(rs[len(rs) // 2])
print(json.dumps(kept, indent=2))

def ns(skills, agents):
    for r in kept:
        if r["skills"] == skills and r["agents"] == agents:
            return r["ns_per_decision"]
    return None

ratios = {}
for skills in sorted({r["skills"] for r in kept}):
    lo, hi = ns(skills, 100), ns(skills, 100000)
    if lo and hi:
        ratios[str(skills)] = round(hi / lo, 2)
big = [r["peak_rss_mib"] for r in runs if r["contacts"] - r["agents"] >= 1000000]
summary = {
    "ratio_100k_vs_100": max(ratios.values()) if ratios else None,
    "ratio_100k_vs_100_by_skills": ratios,
    "max_rss_mib_1m_waiting": round(max(big), 1) if big else None,
    "targets": {"ratio_100k_vs_100": 4, "max_rss_mib_1m_waiting": 1024},
}
print(json.dumps(summary, indent=2))
PYEOF
