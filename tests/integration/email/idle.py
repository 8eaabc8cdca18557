#!/usr/bin/env python3
"""idle.py - IMAP IDLE against Dovecot on loopback:

- with a poll of 60 s, mails appended to the mailbox become contacts
  within a couple of seconds: IDLE woke the worker (the log says
  email.idle-new), the poll could not have;
- Dovecot kicks the daemon's sessions: the broken IDLE connection is
  logged, opened again, and the next mail is as quick;
- a Dovecot whose capabilities lack IDLE: the daemon says it polls only,
  and the poll still takes the mail;
- over TLS (imaps://, the server's certificate trusted through the
  mailbox's tls_ca): IDLE as quick, and Dovecot says the logins were
  TLS.

Usage: idle.py BIN WORKDIR
"""
import json
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mails  # noqa: E402
import peers  # noqa: E402
from peers import fail, wait_for  # noqa: E402

BIN, T = sys.argv[1], sys.argv[2]
POLL_S = 60
QUICK_S = 3.0  # a mail through IDLE, at most (the poll is 60 s)


def contact_of(db, mid):
    if not os.path.exists(db):
        return None
    c = sqlite3.connect(db)
    try:
        rows = c.execute("SELECT key, payload FROM contacts WHERE "
                         "channel = 'email'").fetchall()
    except sqlite3.OperationalError:
        rows = []
    c.close()
    for k, p in rows:
        if json.loads(p)["message_id"] == mid:
            return k
    return None


def start(d, poll, capability="", tls=False):
    os.makedirs(d)
    os.chmod(d, 0o755)
    imaps = peers.free_port() if tls else 0
    port, conf = peers.dovecot(d, {"help": "help-pw"}, capability, imaps)
    http = peers.free_port()
    url = "imaps://127.0.0.1:%d/INBOX" % imaps if tls else \
        "imap://127.0.0.1:%d/INBOX" % port
    ca = "tls_ca: \"%s/cert.pem\", " % d if tls else ""
    with open(d + "/c.yaml", "w") as f:
        f.write("""tenants: [{{name: demo}}]
queues: [{{name: mail, tenant: demo}}]
agents: [{{name: agent1, tenant: demo, queues: [mail]}}]
store: {{path: "{d}/c.db"}}
http: {{listen: "127.0.0.1:{http}"}}
email:
  poll: {poll}
  mailboxes:
    - {{name: help, tenant: demo, queue: mail, user: help,
       password: help-pw, imap: "{url}", {ca}
       address: help@centralino.test}}
""".format(d=d, http=http, url=url, ca=ca, poll=poll))
    log = d + "/daemon.log"
    p = peers.daemon(BIN, d + "/c.yaml", log, http)
    return port, conf, log, p


def timed_mail(port, log, db, mid):
    """Append a mail; seconds until it is a contact."""
    t0 = time.time()
    peers.append(port, "help", "help-pw", mails.plain(
        mid, "ada@example.org", "Domanda", "Buongiorno, una domanda."))
    wait_for("mail %s as a contact" % mid, lambda: contact_of(db, mid),
             timeout=POLL_S / 2, log=log)
    return time.time() - t0


# ---- IDLE: a mail is a contact at once, not at the next poll --------------
A = T + "/a"
port, conf, log, d = start(A, "%ds" % POLL_S)
wait_for("IDLE ready", lambda: peers.log_count(
    log, "event=email.idle-ready mailbox=help"), log=log)
times = []
for n in range(3):
    times.append(timed_mail(port, log, A + "/c.db",
                            "<idle-%d@example.org>" % n))
if max(times) > QUICK_S:
    fail("a mail took %.2f s with IDLE (poll %d s)" % (max(times), POLL_S),
         log)
if peers.log_count(log, "event=email.idle-new mailbox=help") < 3:
    fail("the log does not say IDLE brought the mails", log)
print("ok   email_idle: 3 mails became contacts in %s s (poll %d s), "
      "woken by IDLE" % (", ".join("%.2f" % t for t in times), POLL_S))

# ---- a broken IDLE connection: logged, opened again ------------------------
subprocess.run(["doveadm", "-c", conf, "kick", "help"], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
wait_for("IDLE failure logged", lambda: peers.log_count(
    log, "event=email.idle-failed mailbox=help"), log=log)
wait_for("IDLE ready again", lambda: peers.log_count(
    log, "event=email.idle-ready mailbox=help") >= 2, log=log)
t = timed_mail(port, log, A + "/c.db", "<idle-after-kick@example.org>")
if t > QUICK_S:
    fail("after the kick a mail took %.2f s" % t, log)
print("ok   email_idle: kicked by the server, IDLE came back; the next "
      "mail in %.2f s" % t)
peers.kill(d)
peers.stop_all()

# ---- a server without IDLE: polled only ------------------------------------
B = T + "/b"
port, conf, log, d = start(B, "500ms", "imap_capability = IMAP4rev1 "
                           "SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+")
wait_for("poll only", lambda: peers.log_count(
    log, "event=email.idle-unsupported mailbox=help"), log=log)
t = timed_mail(port, log, B + "/c.db", "<poll-1@example.org>")
if peers.log_count(log, "event=email.idle-ready") or \
        peers.log_count(log, "event=email.idle-new"):
    fail("IDLE used on a server without it", log)
print("ok   email_idle: a server without IDLE is polled; the mail in "
      "%.2f s (poll 0.5 s)" % t)
peers.kill(d)
peers.stop_all()

# ---- over TLS: imaps://, the certificate trusted by the mailbox's tls_ca --
C = T + "/c"
port, conf, log, d = start(C, "%ds" % POLL_S, tls=True)
wait_for("IDLE ready over TLS", lambda: peers.log_count(
    log, "event=email.idle-ready mailbox=help"), log=log)
t = timed_mail(port, log, C + "/c.db", "<tls-1@example.org>")
if t > QUICK_S:
    fail("over TLS a mail took %.2f s (poll %d s)" % (t, POLL_S), log)
logins = [line for line in open(C + "/dovecot.log")
          if "Login: user=<help>" in line]
if len(logins) < 3 or sum(1 for line in logins if ", TLS" in line) < 2:
    fail("the daemon's logins were not over TLS: %r" % logins, log)
print("ok   email_idle: over imaps:// with tls_ca, the mail in %.2f s "
      "(poll %d s); Dovecot logged TLS logins" % (t, POLL_S))
peers.kill(d)
peers.stop_all()
print("email_idle: all passed")
