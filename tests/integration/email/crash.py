#!/usr/bin/env python3
"""crash.py - a crash between fetching a mail and marking it taken loses
nothing and doubles nothing.

Mails are put in the mailbox; the daemon is started and killed with
SIGKILL as soon as it has turned the first of them into a contact, while
it is still fetching and marking the others. After each kill the test
counts, from the store and from the mailbox, the mails committed as
contacts but not marked taken: the window a crash must survive (each
round must leave some there, or the test proved nothing). A last start
takes everything. Then every mail is a contact exactly once, with its
text; every one is marked in the mailbox; no mail was acknowledged twice.

Usage: crash.py BIN WORKDIR
"""
import email
import email.policy
import json
import os
import signal
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mails  # noqa: E402
import peers  # noqa: E402
from peers import fail, wait_for  # noqa: E402

BIN, T = sys.argv[1], sys.argv[2]
LOG = T + "/daemon.log"
DB = T + "/c.db"
PER_ROUND = 40
ROUNDS = 3


def committed():
    if not os.path.exists(DB):
        return []
    db = sqlite3.connect(DB)
    try:
        rows = db.execute("SELECT json_extract(payload, '$.message_id'), "
                          "json_extract(payload, '$.text') FROM contacts "
                          "WHERE channel = 'email'").fetchall()
    except sqlite3.OperationalError:
        rows = []
    db.close()
    return rows


def taken_ids(port):
    m = peers.imap(port, "help", "help-pw")
    typ, data = m.uid("SEARCH", None, "KEYWORD", "$CentralinoTaken")
    ids = set()
    for uid in (data[0].split() if data[0] else []):
        typ, h = m.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        msg = email.message_from_bytes(h[0][1])
        ids.add(msg["Message-ID"].strip())
    m.logout()
    return ids


imap_port, dconf = peers.dovecot(T, {"help": "help-pw"})
smtp_port, sink = peers.smtp_sink(T, dconf)
http = peers.free_port()
with open(T + "/c.yaml", "w") as f:
    f.write("""tenants: [{{name: demo}}]
queues: [{{name: mail, tenant: demo}}]
agents: [{{name: agent1, tenant: demo, queues: [mail]}}]
store: {{path: "{T}/c.db"}}
http: {{listen: "127.0.0.1:{http}"}}
email:
  poll: 100ms
  mailboxes:
    - {{name: help, tenant: demo, queue: mail,
       imap: "imap://127.0.0.1:{imap}/INBOX", user: help,
       password: help-pw, smtp: "smtp://127.0.0.1:{smtp}",
       address: help@centralino.test, acknowledge: true}}
""".format(T=T, http=http, imap=imap_port, smtp=smtp_port))

sent = {}
windows = []
for rnd in range(ROUNDS):
    for i in range(PER_ROUND):
        mid = "<r%d-m%d@example.org>" % (rnd, i)
        body = "Messaggio %d del giro %d: perché?" % (i, rnd)
        sent[mid] = body
        peers.append(imap_port, "help", "help-pw", mails.plain(
            mid, "p%d.%d@example.org" % (rnd, i), "Domanda %d" % i, body))
    before = peers.log_count(LOG, "event=email.contact")
    d = peers.daemon(BIN, T + "/c.yaml", LOG, http)
    deadline = time.time() + 20
    while peers.log_count(LOG, "event=email.contact") == before:
        if time.time() > deadline:
            fail("round %d: no mail taken within 20 s" % rnd, LOG)
        time.sleep(0.002)
    peers.kill(d, signal.SIGKILL)
    ids = {m for m, _ in committed()}
    unmarked = ids - taken_ids(imap_port)
    windows.append(len(unmarked))

d = peers.daemon(BIN, T + "/c.yaml", LOG, http)
wait_for("every mail taken",
         lambda: not peers.untaken(imap_port, "help", "help-pw"), timeout=60,
         log=LOG)
wait_for("every mail a contact", lambda: len(committed()) >= len(sent),
         timeout=30, log=LOG)
# what was in flight settles: the acknowledgements of the last ones
wait_for("acknowledgements sent",
         lambda: peers.log_count(LOG, "event=email.sent") >= 1, log=LOG)
peers.kill(d)

rows = committed()
ids = [m for m, _ in rows]
dups = sorted({m for m in ids if ids.count(m) > 1})
if dups:
    fail("mails taken twice: %r" % dups[:5], LOG)
missing = sorted(set(sent) - set(ids))
if missing:
    fail("mails lost: %r" % missing[:5], LOG)
for mid, text in rows:
    if text != sent[mid]:
        fail("%s: text %r, sent %r" % (mid, text, sent[mid]))
if sum(1 for w in windows if w) < 2:
    fail("the crashes did not fall between commit and mark often enough "
         "to prove anything (committed, unmarked: %r)" % windows, LOG)
if peers.log_count(LOG, "event=email.duplicate") < sum(windows):
    fail("fewer mails found on record again (%d) than were left unmarked "
         "(%d)" % (peers.log_count(LOG, "event=email.duplicate"),
                   sum(windows)), LOG)
acks = {}
for n in os.listdir(sink):
    if n.endswith(".eml"):
        with open(os.path.join(sink, n), "rb") as f:
            m = email.message_from_bytes(f.read(),
                                         policy=email.policy.default)
        acks[m["In-Reply-To"]] = acks.get(m["In-Reply-To"], 0) + 1
twice = [k for k, v in acks.items() if v > 1]
if twice:
    fail("acknowledged twice: %r" % twice[:5])
peers.stop_all()
print("email_crash: ok (%d mails, %d kills, committed-but-unmarked at each "
      "kill %r, none lost, none doubled, %d acknowledgements)"
      % (len(sent), ROUNDS, windows, len(acks)))
