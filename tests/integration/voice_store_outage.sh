#!/bin/sh
# voice_store_outage: while the store cannot record (another process
# holds its write lock), the daemon refuses new calls with 503 and
# Retry-After rather than take work it could not account for; what it
# had already taken is kept in memory and written once the store is back,
# and then calls are accepted again.
# Usage (from the repository root): sh tests/integration/voice_store_outage.sh BIN
name=voice_store_outage
. tests/integration/voice/lib.sh

vt_config
vt_start
wait_for_file "$T/db" 5 || fail "the store was not created"

# another process takes the store's write lock and keeps it until told
python3 - "$T/db" "$T/locked" "$T/release" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").write("locked\n")
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)  # a file from the test says when to let go
db.execute("COMMIT")
PY
vt_pids="$vt_pids $!"
wait_for_file "$T/locked" 5 || fail "the store could not be locked"

# a call taken just before the daemon knows: it waits in a queue and
# hangs up; its events cannot be written
vt_caller c1 caller_hangup.xml 813 -d 1500
wait_for_log "event=contact-queued .*queue=information" 10 ||
	fail "the first call did not reach the queue"
wait_for_log "event=store.flush-failed" 5 ||
	fail "the daemon did not notice the store is locked"
vt_sipp_wait "$caller_pid" c1 15 "the first call did not end normally"

# now a new call is refused: 503 with Retry-After
vt_caller c2 invite_503.xml 800
vt_sipp_wait "$caller_pid" c2 10 "a call while the store is down did not get 503"
wait_for_log "event=call.refused reason=store-unavailable" 5 ||
	fail "no call.refused reason=store-unavailable"
ok "store locked: a new call gets 503 with Retry-After"

# the store is back: what was kept is written, calls are accepted
echo release >"$T/release"
wait_for_log "event=store.recovered" 10 || fail "the daemon did not see the store back"
vt_caller c3 caller_hangup.xml 801 -d 500
vt_sipp_wait "$caller_pid" c3 15 "a call after the store came back was refused"
n=$(python3 - "$T/db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT count(*) FROM journal WHERE type IN "
                 "('contact-queued', 'contact-abandoned') AND "
                 "queue = 'information'").fetchone()[0])
PY
)
[ "$n" -eq 2 ] || fail "the first call's queue events are not all in the journal ($n of 2)"
ok "store back: the events kept meanwhile are written, calls accepted again"
vt_alive || fail "the daemon died"
echo "$name: ok"
