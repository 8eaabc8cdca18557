#!/bin/sh
# voice_journal: every engine event of a call reaches the store's journal
# (SQLite, group commit), in order, with the call's detail record (who,
# which number, which agent, why it ended, how long, RTP both ways), and
# all of it survives the daemon's stop.
# Usage (from the repository root): sh tests/integration/voice_journal.sh BIN
name=voice_journal
. tests/integration/voice/lib.sh

vt_config OFFER_TIMEOUT=8s
vt_start
wait_for_log "event=store.opened path=$T/db" 5 || fail "the store was not opened"
vt_phone phone1 agent1 answer.xml
vt_caller caller caller.xml 800
wait_for_log "event=call.ended .*reason=agent-hangup" 30 ||
	fail "the call did not complete"
vt_sipp_wait "$caller_pid" caller 20 "the caller's call failed"
kill -TERM "$daemon_pid"
wait_pid "$daemon_pid" 10
daemon_pid=""
python3 - "$T/db" <<'PY' || fail "the journal does not hold the call"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("select type, queue, agent from journal "
                  "where contact = 1 order by seq").fetchall()
types = [r[0] for r in rows]
want = ["contact-queued", "contact-offered", "offer-accepted",
        "contact-connected", "contact-completed"]
if types != want:
    sys.exit("contact 1's journal: %s, expected %s" % (types, want))
if any(r[1] != "health" for r in rows) or rows[1][2] != "agent1":
    sys.exit("wrong queue or agent in %s" % rows)
n = db.execute("select count(*) from journal where type = 'agent-state' "
               "and agent = 'agent1'").fetchone()[0]
if n < 3:
    sys.exit("agent1's state changes missing (%d)" % n)
cdr = db.execute("select contact, tenant, number, agent, reason, seconds, "
                 "caller_rtp_rx, agent_rtp_rx from calls").fetchall()
if len(cdr) != 1:
    sys.exit("call records: %s, expected one" % cdr)
c = cdr[0]
if c[:5] != (1, "demo", "800", "agent1", "agent-hangup") or c[5] < 1 \
        or c[6] < 50 or c[7] < 50:
    sys.exit("call record %s" % (c,))
PY
ok "the call's events and its record are in the store, in order, after the stop"
