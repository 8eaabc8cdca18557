#!/bin/sh
# voice_voicemail: a caller to 812 hears the intro and the beep, speaks
# for a few seconds and hangs up. The message is a WAV file next to the
# store and a voicemail contact, committed to the store with its caller
# and file, waiting in its queue; after a restart of the daemon it is
# back in the queue (desk recovery), not lost and not doubled.
# Usage (from the repository root): sh tests/integration/voice_voicemail.sh BIN
name=voice_voicemail
. tests/integration/voice/lib.sh

vt_config
vt_start
vt_caller caller caller_message.xml 812
wait_for_log "event=call.incoming .*number=812" 10 || fail "the call to 812 was not accepted"
vt_sipp_wait "$caller_pid" caller 30 "the caller could not leave a message"
wait_for_log "event=flow.voicemail " 10 || fail "no flow.voicemail line"
line=$(grep -m1 "event=flow.voicemail " "$T/daemon.log")
secs=$(echo "$line" | sed 's/.* seconds=\([0-9]*\).*/\1/')
[ "$secs" -ge 2 ] || fail "the message lasts $secs s, expected the caller's 4 s of speech: $line"
echo "$line" | grep -q "contact=[1-9]" || fail "the message is no contact: $line"
ok "message of $secs s recorded"

# on record: the contact, committed with its caller and file
check_store() { # EXPECTED_RUNS
	python3 - "$T/db" "$1" <<'PY'
import json, os, sqlite3, sys, wave
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT key, queue, payload, outcome FROM contacts "
                  "WHERE channel = 'voicemail'").fetchall()
assert len(rows) == 1, "voicemail contacts: %r" % rows
key, queue, payload, outcome = rows[0]
assert queue == "information" and outcome is None, rows[0]
data = json.loads(payload)
assert data["from"] == "0612345678", data
with wave.open(data["file"]) as w:
    secs = w.getnframes() / w.getframerate()
assert secs >= 2, "the WAV holds %.1f s" % secs
runs = db.execute("SELECT count(*) FROM contact_runs WHERE key = ?",
                  (key,)).fetchone()[0]
assert runs == int(sys.argv[2]), "incarnations: %d" % runs
print("%.1f" % secs)
PY
}
wav=$(check_store 1) || fail "the voicemail is not on record as expected"
ok "voicemail contact stored with its caller and a WAV of $wav s"

# a restart: the message comes back to its queue
kill -TERM "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
mv "$T/daemon.log" "$T/daemon.1.log"
vt_start
wait_for_log "event=desk.recovered recovered=1 " 5 ||
	fail "the voicemail was not recovered at restart: $(grep desk.recovered "$T/daemon.log")"
wait_for_log "event=contact-queued .*channel=voicemail" 5 ||
	fail "the recovered voicemail did not re-enter its queue"
check_store 2 >/dev/null || fail "the recovered voicemail is not one contact with two runs"
ok "after a restart the voicemail waits again, once"
vt_alive || fail "the daemon died"
echo "$name: ok"
