#!/bin/sh
# report.sh - drive `centralino report` on stores the unit tests do not
# make: a schema-2 file written by Python (no report index), read while
# another connection holds the write lock with rows not committed, and
# files that are no store at all. The expected figures are computed here
# by Python from the events it wrote, independently of src/report/.
# usage: sh tests/integration/report.sh /path/to/centralino  (from the repo root)
cmd=report
. tests/integration/cli/lib.sh

db=$tmp/old.db
# 09:00 to 11:00 UTC on 2026-11-23: contacts every 1 to 5 minutes, answered
# or abandoned; the expected 15-minute figures go to expected.json.
"$py" - "$db" "$tmp/expected.json" <<'EOF_PY' || { fail "cannot make the store"; exit 1; }
import json, random, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode = WAL")
db.executescript("""
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1, 0), (2, 0);
CREATE TABLE runs (run INTEGER PRIMARY KEY, started_ms INTEGER NOT NULL);
CREATE TABLE journal (seq INTEGER PRIMARY KEY, run INTEGER NOT NULL,
 wall_ms INTEGER NOT NULL, time_ms INTEGER NOT NULL, type TEXT NOT NULL,
 contact INTEGER, tenant TEXT, queue TEXT, agent TEXT, channel TEXT,
 reason TEXT, wait_ms INTEGER, agent_state TEXT, agent_prev TEXT,
 strategy TEXT, step INTEGER, candidates INTEGER, waiting INTEGER,
 metric INTEGER, agent_first INTEGER, fallback_cause TEXT,
 fallback_action TEXT, fallback_target TEXT);
INSERT INTO runs VALUES (1, 1795420800000);
""")
T9 = 1795424400000            # 2026-11-23T09:00:00Z
OFF = -T9 + 3600000           # the engine clock: 1 h at 09:00
rows = []
def ev(wall, typ, c=None, queue=None, agent=None, wait=None, **kw):
    rows.append(dict(run=1, wall_ms=wall, time_ms=wall + OFF, type=typ, contact=c,
                     tenant="asl", queue=queue, agent=agent,
                     channel="voice" if c else None, wait_ms=wait, **kw))
ev(T9 - 600000, "agent-state", agent="sam", agent_state="ready", agent_prev="offline")
ev(T9 + 7200000 + 60000, "agent-state", agent="sam", agent_state="offline", agent_prev="ready")
rnd = random.Random(4)
queues = ["health", 'sales, "north"']
expect = {}
t, c = T9 + 20000, 0
while t < T9 + 7200000:
    c += 1
    q = queues[c % 2]
    k = "%s|%d" % (q, (t - T9) // 900000 * 900000 + T9)
    e = expect.setdefault(k, dict(offered=0, answered=0, answered_in_sl=0,
        abandoned=0, abandoned_short=0, wait=0, handle=0, handled=0))
    e["offered"] += 1
    ev(t, "contact-queued", c, q, wait=0)
    if c > 1 and rnd.random() < 0.3:  # contact 1 is answered: explained below
        w = rnd.randint(1, 30) * 1000
        ev(t + w, "contact-abandoned", c, q, wait=w)
        e["abandoned"] += 1
        e["abandoned_short"] += w < 5000
    else:
        w, talk, wrap = [rnd.randint(0, 45) * 1000, rnd.randint(30, 200) * 1000,
                         rnd.randint(0, 30) * 1000]
        ev(t, "contact-offered", c, q, "sam", 0, strategy="longest-idle",
           step=0, candidates=1, waiting=1, metric=t + OFF - 5000, agent_first=0)
        ev(t + w, "offer-accepted", c, q, "sam", w)
        ev(t + w, "contact-connected", c, q, "sam", w)
        ev(t + w + talk, "contact-wrapup", c, q, "sam", w + talk)
        ev(t + w + talk + wrap, "contact-completed", c, q, "sam", w + talk + wrap)
        e["answered"] += 1
        e["answered_in_sl"] += w <= 20000
        e["wait"] += w
        e["handle"] += talk + wrap
        e["handled"] += 1
    t += rnd.randint(60, 300) * 1000
rows.sort(key=lambda r: r["wall_ms"])
for r in rows:
    db.execute("INSERT INTO journal (%s) VALUES (%s)" % (
        ", ".join(r), ", ".join("?" * len(r))), list(r.values()))
db.commit()
json.dump(expect, open(sys.argv[2], "w"))
EOF_PY

# JSON: every 15-minute row against the figures Python kept.
run 0 --store "$db" --from 2026-11-23T09:00Z --to 2026-11-23T11:00Z \
	--format json
"$py" - "$tmp/out" "$tmp/expected.json" <<'EOF_PY' || fail "JSON figures"
import json, sys
got = json.load(open(sys.argv[1]))
want = json.load(open(sys.argv[2]))
assert got["interval_minutes"] == 15 and got["from"] == "2026-11-23T09:00:00Z", got
rows = {"%s|%d" % (r["queue"], r["start_ms"]): r for r in got["queues"]}
assert sorted(rows) == sorted(want), (sorted(rows), sorted(want))
for k, e in want.items():
    r = rows[k]
    for f in ("offered", "answered", "answered_in_sl", "abandoned", "abandoned_short", "handled"):
        assert r[f] == e[f], (k, f, r[f], e[f])
    den = e["offered"] - e["abandoned_short"]
    sl = e["answered_in_sl"] / den if den else None
    assert (r["service_level"] is None) == (sl is None) and (sl is None or abs(r["service_level"] - sl) < 1e-6), (k, r, e)
    if e["answered"]:
        assert abs(r["asa_s"] - e["wait"] / 1000 / e["answered"]) < 1e-6, (k, r)
        assert abs(r["aht_s"] - e["handle"] / 1000 / e["handled"]) < 1e-6, (k, r)
    else:
        assert r["asa_s"] is None and r["aht_s"] is None, (k, r)
EOF_PY

# CSV: a header, RFC 4180 quoting of 'sales, "north"', the same rows.
run 0 --store "$db" --from 1795424400000 --to 1795431600000 --format csv \
	--queue 'sales, "north"'
"$py" - "$tmp/out" "$tmp/expected.json" <<'EOF_PY' || fail "CSV"
import csv, json, sys
raw = open(sys.argv[1], newline="").read()
assert raw.endswith("\r\n") and '"sales, ""north"""' in raw, raw[:300]
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
want = {k: v for k, v in json.load(open(sys.argv[2])).items() if k.startswith("sales")}
assert len(rows) == len(want) > 0, (len(rows), len(want))
for r in rows:
    assert r["queue"] == 'sales, "north"', r
    assert r["start"].endswith(":00Z"), r
    from datetime import datetime
    ms = int(datetime.fromisoformat(r["start"].replace("Z", "+00:00")).timestamp() * 1000)
    e = want["%s|%d" % (r["queue"], ms)]
    assert int(r["offered"]) == e["offered"] and int(r["abandoned"]) == e["abandoned"], (r, e)
EOF_PY

# Agents, hourly: sam is logged in the whole two hours.
run 0 --store "$db" --from 2026-11-23T10:00+01:00 --to 2026-11-23T11:00Z \
	--interval 60 --agents --format json
"$py" - "$tmp/out" <<'EOF_PY' || fail "agents JSON"
import json, sys
rows = json.load(open(sys.argv[1]))["agents"]
assert [r["agent"] for r in rows] == ["sam", "sam"], rows
for r in rows:
    assert abs(r["logged_in_s"] - 3600) < 1e-9, r
    assert r["handled"] > 0, r
EOF_PY

# A reader beside a writer: rows not committed are not reported, and the
# report does not wait for the lock.
"$py" - "$db" "$tmp/go" "$tmp/done" <<'EOF_PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO journal (run, wall_ms, time_ms, type, contact, tenant, queue) "
           "VALUES (1, 1795424500000, 0, 'contact-queued', 999, 'asl', 'uncommitted')")
open(sys.argv[2], "w").close()
for _ in range(100):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.1)
db.execute("ROLLBACK")
EOF_PY
writer=$!
n=0
while [ ! -e "$tmp/go" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
run 0 --store "$db" --from 2026-11-23T09:00Z --to 2026-11-23T11:00Z --format csv
: >"$tmp/done"
wait $writer
grep -q uncommitted "$tmp/out" && fail "an uncommitted row was reported"
grep -q '^2026-11-23T09:00:00Z,asl,health,' "$tmp/out" || fail "no health row beside the writer"

# The explanation of contact 1.
run 0 --store "$db" --contact 1:1
grep -q 'queued in ' "$tmp/out" || fail "explain: no 'queued in'"
grep -q 'offered to sam by longest-idle among 1 candidate (idle 5.0 s' "$tmp/out" ||
	fail "explain: no decision line"
run 0 --store "$db" --contact 1:1 --format json
"$py" - "$tmp/out" <<'EOF_PY' || fail "explain JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["run"] == 1 and d["contact"] == 1, d
assert d["events"][0]["event"] == "contact-queued", d
assert all(e["text"] for e in d["events"]), d
EOF_PY

# Errors: a precise message and a non-zero status.
run 1 --store "$tmp/none.db"
grep -q "report: $tmp/none.db: No such file or directory" "$tmp/err" || fail "missing file: $(cat "$tmp/err")"
[ -e "$tmp/none.db" ] && fail "a missing store was created"
run 2 --store "$db" --interval 20
grep -q "report: --interval: '20' is not 15, 30 or 60" "$tmp/err" || fail "bad interval: $(cat "$tmp/err")"
run 2 --store "$db" --from 2026-11-23T09:00
grep -q "report: --from: '2026-11-23T09:00' is not a time: a time needs its zone" "$tmp/err" ||
	fail "bad --from: $(cat "$tmp/err")"
run 2 --store "$db" --from 2026-11-23T10:00Z --to 2026-11-23T09:00Z
grep -q "report: --from must be before --to" "$tmp/err" || fail "empty range: $(cat "$tmp/err")"
run 2 --store "$db" --format xml
grep -q "report: --format: 'xml' is not table, json or csv" "$tmp/err" || fail "bad format"
run 2 --store "$db" --contact 1-1
grep -q "report: --contact: '1-1' is not RUN:ID" "$tmp/err" || fail "bad contact"
run 2 --from 2026-11-23
grep -q "report: missing --store FILE" "$tmp/err" || fail "no --store"
run 1 --store "$db" --contact 1:4242
grep -q "no journal row of contact 4242 in run 1" "$tmp/err" || fail "unknown contact"
echo "not a database, only text, long enough to fill a page header......" >"$tmp/text.db"
run 1 --store "$tmp/text.db"
grep -q "file is not a database" "$tmp/err" || fail "not a database: $(cat "$tmp/err")"
"$py" -c "import sqlite3; sqlite3.connect('$tmp/empty.db').execute('CREATE TABLE t (x)')"
run 1 --store "$tmp/empty.db"
grep -q "report: $tmp/empty.db: not a centralino store (no journal)" "$tmp/err" || fail "empty db: $(cat "$tmp/err")"
"$py" -c "import sqlite3; c = sqlite3.connect('$db'); c.execute('INSERT INTO schema_version VALUES (99, 0)'); c.commit()"
run 1 --store "$db"
grep -q "schema version 99 is newer than this binary" "$tmp/err" || fail "newer schema: $(cat "$tmp/err")"

run 0 --help
grep -q -- '--sl-threshold' "$tmp/out" || fail "--help"

[ "$failures" -eq 0 ] || exit 1
echo "report: ok"
