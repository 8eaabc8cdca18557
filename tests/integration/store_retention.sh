#!/bin/sh
# store_retention: the daemon's pass at start anonymises what ended more
# than retention.personal_data ago (a voicemail with its recording, a
# chat, a call record), leaves what is recent or open, and says so in
# one log line.
# Usage (from the repository root): sh tests/integration/store_retention.sh BIN
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d)
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() {
	echo "FAIL store_retention: $*" >&2
	tail -5 "$T/daemon.log" >&2 2>/dev/null || true
	exit 1
}

cat >"$T/c.yaml" <<EOF
tenants: [{name: asl}]
queues: [{name: health, tenant: asl}]
store: {path: "$T/var/c.db"}
retention: {personal_data: 2h}
EOF
"$BIN" check-config "$T/c.yaml" >/dev/null

# wait_log PATTERN: until the daemon logs it (or exits, or 10 s pass)
wait_log() {
	i=0
	while ! grep -q "$1" "$T/daemon.log" 2>/dev/null; do
		kill -0 "$PID" 2>/dev/null || fail "the daemon exited"
		i=$((i + 1))
		[ $i -lt 200 ] || fail "no '$1' in the log within 10 s"
		sleep 0.05
	done
}

start() {
	"$BIN" run --config "$T/c.yaml" >/dev/null 2>"$T/daemon.log" &
	PID=$!
}
stop() {
	kill "$PID"
	wait "$PID" || fail "the daemon stopped with status $?"
	PID=
}

# a first run makes the store (schema and all); nothing to anonymise yet
start
wait_log "event=store.retention anonymised=0 files=0"
stop

# what the daemon would have written days ago, and just now
mkdir -p "$T/var/voicemail"
echo RIFF >"$T/var/voicemail/+3906123-1.wav"
echo RIFF >"$T/var/voicemail/+3906123-2.wav"
python3 - "$T" <<'PY'
import sqlite3, sys, time
t = sys.argv[1]
db = sqlite3.connect(t + "/var/c.db")
now = int(time.time() * 1000)
old, recent = now - 3 * 3600 * 1000, now - 600 * 1000
ins = ("INSERT INTO contacts (key, run, id, tenant, queue, channel, priority,"
       " virtual_start, attributes, state, outcome, created_ms, updated_ms,"
       " ended_ms, payload) VALUES (?, 1, ?, 'asl', 'health', ?, 0, 0, ?,"
       " 'ended', 'completed', ?, ?, ?, ?)")
db.execute(ins, (101, 101, "voicemail",
                 "file=%s/var/voicemail/+3906123-1.wav;from=+3906123" % t,
                 old, old, old, '{"from":"+3906123"}'))
db.execute(ins, (102, 102, "chat", "from=ada", old, old, old,
                 '{"name":"Ada","topic":"esami"}'))
db.execute(ins, (103, 103, "voicemail",
                 "file=%s/var/voicemail/+3906123-2.wav;from=+3906123" % t,
                 recent, recent, recent, '{"from":"+3906123"}'))
db.execute("INSERT INTO calls (run, wall_ms, tenant, caller, number, agent,"
           " reason, seconds) VALUES (1, ?, 'asl', '+3906123', '800',"
           " 'maria', 'caller-hangup', 30)", (old,))
db.commit()
PY

start
wait_log "event=store.retention"
grep -q "event=store.retention anonymised=3 files=1 files_failed=0" \
	"$T/daemon.log" || fail "$(grep store.retention "$T/daemon.log")"
stop
[ ! -e "$T/var/voicemail/+3906123-1.wav" ] || fail "old recording kept"
[ -e "$T/var/voicemail/+3906123-2.wav" ] || fail "recent recording deleted"
python3 - "$T" <<'PY' || fail "the store does not show it"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1] + "/var/c.db")
rows = dict((k, (a, p, m)) for k, a, p, m in db.execute(
    "SELECT key, attributes, payload, anonymised_ms FROM contacts"))
assert rows[101][:2] == (None, None) and rows[101][2], rows[101]
assert rows[102][:2] == (None, None) and rows[102][2], rows[102]
assert rows[103][0].startswith("file=") and rows[103][2] is None, rows[103]
assert db.execute("SELECT caller, number FROM calls").fetchall() == \
    [(None, "800")]
PY
echo "ok   store_retention: old voicemail, chat and call anonymised at start, recording deleted; recent one kept"
