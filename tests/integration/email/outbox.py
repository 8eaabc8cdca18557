#!/usr/bin/env python3
"""outbox.py - an agent's answer, once committed, reaches the customer
exactly once, whatever happens to the SMTP server or the daemon, against
Dovecot and an SMTP sink on loopback:

- the SMTP server is down when the agent answers: the answer is
  committed (201) and queued in the store's outbox; the daemon tries,
  fails, records the attempts and the last error, and tries again with
  growing waits; the server comes back: the answer is delivered, once,
  with its threading headers, and the outbox says sent;
- the SMTP server is down again for a second answer, and the daemon is
  killed (SIGKILL) with that answer committed but not sent; the server
  comes back, the daemon starts again: the answer is sent at start,
  once, with its headers; the first answer is not sent again;
- a slow SMTP server has taken a third answer and not yet said 250 when
  the daemon is asked to stop (SIGTERM): the daemon waits for the 250
  and records the answer as sent before it exits, so the next start
  does not send it again.

Usage: outbox.py BIN WORKDIR HASH
"""
import email
import email.policy
import os
import signal
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mails  # noqa: E402
import peers  # noqa: E402
from peers import call, fail, wait_for  # noqa: E402

BIN, T, HASH = sys.argv[1], sys.argv[2], sys.argv[3]
LOG = T + "/daemon.log"
DB = T + "/c.db"


def outbox(mid):
    """The answer's row of the outbox: (state, attempts, last_error)."""
    db = sqlite3.connect(DB)
    try:
        row = db.execute("SELECT state, attempts, last_error FROM "
                         "email_outbox WHERE message_id = ?",
                         (mid,)).fetchone()
    finally:
        db.close()
    return row


def in_sink(mid):
    """The mails with Message-ID mid the SMTP server accepted."""
    out = []
    for n in sorted(os.listdir(sink)):
        if n.endswith(".eml"):
            with open(os.path.join(sink, n), "rb") as f:
                m = email.message_from_bytes(f.read(),
                                             policy=email.policy.default)
            if m["Message-ID"] == mid:
                out.append(m)
    return out


def in_ada(mid):
    m = peers.imap(imap_port, "ada", "ada-pw")
    typ, data = m.search(None, "HEADER", "Message-ID", mid)
    n = len(data[0].split()) if data[0] else 0
    got = None
    if n:
        typ, raw = m.fetch(data[0].split()[0], "(RFC822)")
        got = email.message_from_bytes(raw[0][1],
                                       policy=email.policy.default)
    m.logout()
    return n, got


def check_threading(got, what):
    if got["In-Reply-To"] != FIRST:
        fail("%s: In-Reply-To %r, expected %r" % (what, got["In-Reply-To"],
                                                  FIRST))
    if FIRST not in got["References"].split():
        fail("%s: References %r lack the thread" % (what, got["References"]))
    if "[#%d]" % key not in got["Subject"] or \
            not got["Subject"].startswith("Re: Certificato"):
        fail("%s: subject %r" % (what, got["Subject"]))
    if got["From"].addresses[0].addr_spec != "help@centralino.test":
        fail("%s: From %r" % (what, got["From"]))


imap_port, dconf = peers.dovecot(T, {"help": "help-pw", "ada": "ada-pw"})
smtp_port, sink = peers.smtp_sink(T, dconf)
http = peers.free_port()
with open(T + "/c.yaml", "w") as f:
    f.write("""tenants: [{{name: demo}}]
queues: [{{name: mail, tenant: demo}}]
agents:
  - {{name: agent1, tenant: demo, queues: [mail], capacity: {{email: 1}}}}
store: {{path: "{T}/c.db"}}
http: {{listen: "127.0.0.1:{http}"}}
users:
  - {{name: maria, password_hash: "{h}", role: agent, tenants: [demo],
     agent: agent1}}
email:
  poll: 200ms
  mailboxes:
    - name: help
      tenant: demo
      queue: mail
      imap: "imap://127.0.0.1:{imap}/INBOX"
      user: help
      password: help-pw
      smtp: "smtp://127.0.0.1:{smtp}"
      address: help@centralino.test
""".format(T=T, http=http, h=HASH, imap=imap_port, smtp=smtp_port))
d = peers.daemon(BIN, T + "/c.yaml", LOG, http)

s, b = call(http, "POST", "/api/v1/login", body={"user": "maria",
                                                   "password": "maria-pw"})
tok = b["token"]
call(http, "PUT", "/api/v1/agents/demo/agent1/state", tok, {"state": "ready"})
FIRST = "<ob-1@example.org>"
peers.append(imap_port, "help", "help-pw", mails.plain(
    FIRST, "ada@example.org", "Certificato", "Quando arriva il certificato?"))


def offered():
    s, b = call(http, "GET", "/api/v1/contacts", tok)
    return [x["id"] for x in b.get("contacts", [])
            if x.get("state") == "offered"]


key = wait_for("the mail offered to agent1", offered, log=LOG)[0]
s, b = call(http, "POST", "/api/v1/contacts/%d/accept" % key, tok)
if s != 200:
    fail("accept: %s %s" % (s, b))

# ---- the SMTP server is down when the agent answers ------------------------
peers.smtp_sink_stop(smtp_port)
s, b = call(http, "POST", "/api/v1/contacts/%d/reply" % key, tok,
            {"client_id": "ob-a1", "body": "Gentile Ada, domani."})
if s != 201:
    fail("an answer with the SMTP server down: %s %s" % (s, b), LOG)
a1 = b["message_id"]
wait_for("two failed attempts of the first answer",
         lambda: (outbox(a1) or (None, 0))[1] >= 2, log=LOG)
state, attempts, error = outbox(a1)
if state != "queued" or not error:
    fail("the outbox while the server is down: %r" % (outbox(a1),))
if peers.log_count(LOG, "event=email.smtp-failed") < 2:
    fail("the failed attempts were not logged", LOG)
peers.smtp_sink(T, dconf, smtp_port)
n, got = wait_for("the first answer in ada's mailbox",
                  lambda: in_ada(a1)[0] and in_ada(a1), log=LOG)
check_threading(got, "the first answer")
if got.get_content().strip() != "Gentile Ada, domani.":
    fail("first answer body %r" % got.get_content())
wait_for("the first answer recorded as sent",
         lambda: outbox(a1)[0] == "sent", log=LOG)
state, attempts, error = outbox(a1)
if attempts < 3 or not error:
    fail("the outbox after the delivery: %r (the attempts and the last "
         "error are kept)" % (outbox(a1),))

# ---- down again, and the daemon killed with an answer not sent -------------
peers.smtp_sink_stop(smtp_port)
s, b = call(http, "POST", "/api/v1/contacts/%d/reply" % key, tok,
            {"client_id": "ob-a2", "body": "Aggiungo: è pronto."})
if s != 201:
    fail("the second answer: %s %s" % (s, b), LOG)
a2 = b["message_id"]
wait_for("a failed attempt of the second answer",
         lambda: (outbox(a2) or (None, 0))[1] >= 1, log=LOG)
peers.kill(d, signal.SIGKILL)
if outbox(a2)[0] != "queued" or in_sink(a2):
    fail("before the restart the second answer should be queued and not "
         "sent: %r" % (outbox(a2),))
peers.smtp_sink(T, dconf, smtp_port)
d = peers.daemon(BIN, T + "/c.yaml", LOG, http)
n, got = wait_for("the second answer in ada's mailbox after the restart",
                  lambda: in_ada(a2)[0] and in_ada(a2), log=LOG)
check_threading(got, "the second answer")
if got.get_content().strip() != "Aggiungo: è pronto.":
    fail("second answer body %r" % got.get_content())
wait_for("the second answer recorded as sent",
         lambda: outbox(a2)[0] == "sent", log=LOG)
if peers.log_count(LOG, "event=email.outbox-resumed") != 1:
    fail("the restart did not resume the outbox", LOG)

# ---- a stop while a slow server takes an answer -----------------------------
peers.smtp_sink_stop(smtp_port)
peers.smtp_sink(T, dconf, smtp_port, delay=2)
s, b = call(http, "POST", "/api/v1/login", body={"user": "maria",
                                                   "password": "maria-pw"})
tok = b["token"]
call(http, "PUT", "/api/v1/agents/demo/agent1/state", tok, {"state": "ready"})
if wait_for("the recovered mail offered again", offered, log=LOG)[0] != key:
    fail("after the restart another contact was offered", LOG)
s, b = call(http, "POST", "/api/v1/contacts/%d/accept" % key, tok)
if s != 200:
    fail("accept after the restart: %s %s" % (s, b), LOG)
s, b = call(http, "POST", "/api/v1/contacts/%d/reply" % key, tok,
            {"client_id": "ob-a3", "body": "E un'ultima cosa."})
if s != 201:
    fail("the third answer: %s %s" % (s, b), LOG)
a3 = b["message_id"]
# the server has the mail; its 250 comes 2 s later
wait_for("the slow server holding the third answer", lambda: in_sink(a3),
         log=LOG)
resumed = peers.log_count(LOG, "event=email.outbox-resumed")
peers.kill(d)
if d.returncode != 0:
    fail("the daemon did not stop by itself (%s)" % d.returncode, LOG)
if outbox(a3)[0] != "sent":
    fail("stopped while the server took the third answer, the daemon left "
         "it %r: the next start would send it again" % (outbox(a3),), LOG)
peers.smtp_sink_stop(smtp_port)
peers.smtp_sink(T, dconf, smtp_port)
d = peers.daemon(BIN, T + "/c.yaml", LOG, http)
if peers.log_count(LOG, "event=email.outbox-resumed") != resumed:
    fail("the start after the stop resumed answers already sent", LOG)

# ---- each once -------------------------------------------------------------
peers.kill(d)
for mid, what in ((a1, "first"), (a2, "second"), (a3, "third")):
    if len(in_sink(mid)) != 1 or in_ada(mid)[0] != 1:
        fail("the %s answer was delivered %d times (mailbox %d)"
             % (what, len(in_sink(mid)), in_ada(mid)[0]))
peers.stop_all()
print("email_outbox: ok (an answer queued while SMTP was down delivered "
      "when it came back; one committed before a SIGKILL delivered after "
      "the restart; one taken by a slow server during a stop recorded "
      "sent; each once, threaded)")
