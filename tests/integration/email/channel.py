#!/usr/bin/env python3
"""channel.py - the e-mail channel end to end, against Dovecot and an SMTP
sink on loopback:

- mails in ISO-8859-1 quoted-printable, UTF-8 base64 multipart with HTML
  and a PDF, an attachment over the limit, no Message-ID, become e-mail
  contacts with their text decoded, the HTML apart, the attachment saved;
  each is marked taken in the mailbox; the routing rule's priority holds;
- each person's first mail gets one acknowledgement with its reference,
  threaded to it; an auto-reply and a mailing list's mail get none, and
  our own mail coming back is dropped;
- the customer's reply joins the open conversation, without a second
  contact or acknowledgement;
- the agent's answer through the API arrives in the customer's mailbox
  with From, Subject [#key], In-Reply-To and References of the thread.

Usage: channel.py BIN WORKDIR
"""
import email
import email.policy
import hashlib
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mails  # noqa: E402
import peers  # noqa: E402
from peers import call, fail, wait_for  # noqa: E402

BIN, T = sys.argv[1], sys.argv[2]
LOG = T + "/daemon.log"
DB = T + "/c.db"
HASH = sys.argv[3]
MAX_ATT = 64 * 1024


def contacts():
    db = sqlite3.connect(DB)
    rows = db.execute("SELECT key, priority, payload, outcome FROM contacts "
                      "WHERE channel = 'email' ORDER BY key").fetchall()
    db.close()
    return {json.loads(p)["message_id"]: (k, prio, json.loads(p), o)
            for k, prio, p, o in rows}


def sink_mails(sink):
    out = []
    for n in sorted(os.listdir(sink)):
        if n.endswith(".eml"):
            with open(os.path.join(sink, n), "rb") as f:
                out.append(email.message_from_bytes(
                    f.read(), policy=email.policy.default))
    return out


imap_port, dconf = peers.dovecot(T, {"help": "help-pw", "ada": "ada-pw",
                                     "bego": "bego-pw"})
smtp_port, sink = peers.smtp_sink(T, dconf)
http = peers.free_port()
with open(T + "/c.yaml", "w") as f:
    f.write("""tenants: [{{name: demo}}]
skills: [language-es]
queues:
  - {{name: mail, tenant: demo}}
agents:
  - {{name: agent1, tenant: demo, queues: [mail], capacity: {{email: 1}},
     skills: {{language-es: 3}}}}
store: {{path: "{T}/c.db"}}
http: {{listen: "127.0.0.1:{http}"}}
users:
  - {{name: maria, password_hash: "{h}", role: agent, tenants: [demo],
     agent: agent1}}
email:
  poll: 200ms
  max_attachment_bytes: {maxatt}
  mailboxes:
    - name: help
      tenant: demo
      queue: mail
      imap: "imap://127.0.0.1:{imap}/INBOX"
      user: help
      password: help-pw
      smtp: "smtp://127.0.0.1:{smtp}"
      address: help@centralino.test
      display_name: "Centralino Help"
      acknowledge: true
      rules:
        - {{subject: urgente, priority: 50}}
        - {{language: es, priority: 5, skills: {{language-es: 2}}}}
""".format(T=T, http=http, h=HASH, imap=imap_port, smtp=smtp_port,
           maxatt=MAX_ATT))
d = peers.daemon(BIN, T + "/c.yaml", LOG, http)

# ---- mails in --------------------------------------------------------------
IT, ES, BIG = "<it-1@example.org>", "<es-1@example.org>", "<big-1@example.org>"
AUTO, LIST = "<auto-1@example.org>", "<list-1@lists.example.org>"
for raw in (mails.italian_qp(IT), mails.spanish_multipart(ES),
            mails.big_attachment(BIG, MAX_ATT + 1000),
            mails.plain(AUTO, "ada@example.org", "Out of office",
                        "I am away.", "Auto-Submitted: auto-replied\r\n"),
            mails.plain(LIST, "news@lists.example.org", "Weekly news",
                        "News.", "List-Id: <news.lists.example.org>\r\n"
                                 "Precedence: list\r\n"),
            mails.plain(None, "dan@example.org", "no id", "Hello there"),
            mails.plain("<loop-1@centralino.test>", "help@centralino.test",
                        "Re: our own", "Looping.")):
    peers.append(imap_port, "help", "help-pw", raw)

wait_for("7 mails taken",
         lambda: not peers.untaken(imap_port, "help", "help-pw"), log=LOG)
c = wait_for("6 contacts", lambda: len(contacts()) == 6 and contacts(),
             log=LOG)
if peers.log_count(LOG, "event=email.loop-dropped") != 1:
    fail("our own mail was not dropped as a loop", LOG)

k_it, prio_it, p, _ = c[IT]
if p["subject"] != "Richiesta urgente: perché il certificato":
    fail("ISO-8859-1 subject: %r" % p["subject"])
if "perché il mio certificato non è ancora" not in p["text"] or \
        "città di Forlì" not in p["text"]:
    fail("ISO-8859-1 quoted-printable text: %r" % p["text"])
if p["from_name"] != "Ada Lovelace Perrò" or p["from"] != "ada@example.org":
    fail("sender: %r %r" % (p["from_name"], p["from"]))
if p.get("language") != "it" or prio_it != 50:
    fail("Italian urgent mail: language %r priority %r"
         % (p.get("language"), prio_it))

k_es, prio_es, p, _ = c[ES]
if "información sobre mi cita médica" not in p["text"] or \
        "<b>información</b>" not in p["html_unsafe"]:
    fail("UTF-8 base64 multipart: %r / %r" % (p["text"], p["html_unsafe"]))
if p["subject"] != "Cita médica" or p["from_name"] != "Begoña Núñez":
    fail("UTF-8 headers: %r %r" % (p["subject"], p["from_name"]))
if p.get("language") != "es" or prio_es != 5:
    fail("Spanish rule: %r %r" % (p.get("language"), prio_es))
att = p["attachments"]
if len(att) != 1 or att[0]["name"] != "cita.pdf" or att[0]["refused"]:
    fail("PDF attachment: %r" % att)
with open(os.path.join(T, "attachments", att[0]["file"]), "rb") as f:
    if f.read() != mails.PDF:
        fail("the saved PDF differs from the one sent")

p = c[BIG][2]
if len(p["attachments"]) != 1 or not p["attachments"][0]["refused"] or \
        p["attachments"][0].get("file"):
    fail("an attachment over the limit was kept: %r" % p["attachments"])
if "scan attached" not in p["text"]:
    fail("the text of the mail with a big attachment was lost")
if c[AUTO][2]["automatic"] != "auto-submitted" or \
        c[LIST][2]["automatic"] not in ("precedence", "mailing-list"):
    fail("machines not recognised: %r %r" % (c[AUTO][2]["automatic"],
                                             c[LIST][2]["automatic"]))
noid = [m for m in c if m.endswith("@content.centralino.invalid>")]
if len(noid) != 1:
    fail("the mail without a Message-ID: %r" % list(c))

# ---- acknowledgements: one per person's thread, none to machines -----------
wait_for("4 acknowledgements sent",
         lambda: peers.log_count(LOG, "event=email.sent") >= 4, log=LOG)
acks = sink_mails(sink)
if len(acks) != 4:
    fail("%d acknowledgements, expected 4 (not to the auto-reply, the "
         "list or ourselves)" % len(acks))
by_reply = {a["In-Reply-To"]: a for a in acks}
if set(by_reply) != {IT, ES, BIG, noid[0]}:
    fail("acknowledged: %r" % list(by_reply))
a = by_reply[IT]
if "[#%d]" % k_it not in a["Subject"] or a["Auto-Submitted"] != \
        "auto-replied" or "help@centralino.test" not in a["From"] or \
        a["To"] != "ada@example.org":
    fail("acknowledgement headers: %r" % dict(a.items()))
if "abbiamo ricevuto" not in a.get_content():
    fail("the Italian mail got no Italian acknowledgement")
if "hemos recibido" not in by_reply[ES].get_content():
    fail("the Spanish mail got no Spanish acknowledgement")

# ---- the customer answers the acknowledgement: the same conversation -------
FOLLOW = "<it-2@example.org>"
peers.append(imap_port, "help", "help-pw", mails.plain(
    FOLLOW, "ada@example.org", "Re: " + a["Subject"],
    "Aggiungo: il numero di pratica è 42.",
    "In-Reply-To: %s\r\nReferences: %s %s\r\n" % (a["Message-ID"], IT,
                                                   a["Message-ID"])))
wait_for("the follow-up threaded",
         lambda: peers.log_count(LOG, "event=email.threaded") == 1, log=LOG)
if "contact=%d" % k_it not in open(LOG).read().split(
        "event=email.threaded")[1].split("\n")[0]:
    fail("the follow-up joined another conversation", LOG)
if len(contacts()) != 6:
    fail("the follow-up made a new contact")
db = sqlite3.connect(DB)
msgs = db.execute("SELECT sender, client_id, body FROM messages WHERE "
                  "contact = ? ORDER BY seq", (k_it,)).fetchall()
db.close()
if msgs != [("visitor", FOLLOW, "Aggiungo: il numero di pratica è 42.")]:
    fail("conversation after the follow-up: %r" % msgs)

# ---- the agent answers: it arrives in the customer's mailbox ---------------
s, b = call(http, "POST", "/api/v1/login", body={"user": "maria",
                                                   "password": "maria-pw"})
tok = b["token"]
call(http, "PUT", "/api/v1/agents/demo/agent1/state", tok, {"state": "ready"})


def offered():
    s, b = call(http, "GET", "/api/v1/contacts", tok)
    return [x for x in b.get("contacts", []) if x.get("state") == "offered"]


first = wait_for("an offer to agent1", offered, log=LOG)[0]
if first["id"] != k_it:
    fail("the urgent mail (priority 50) was not offered first: %r" % first)
s, b = call(http, "POST", "/api/v1/contacts/%d/reply" % k_it, tok,
            {"client_id": "a1", "body": "Gentile Ada, ecco la risposta."})
if s != 409:
    fail("an answer before accepting: %s %s" % (s, b))
s, b = call(http, "POST", "/api/v1/contacts/%d/accept" % k_it, tok)
if s != 200:
    fail("accept: %s %s" % (s, b))
s, b = call(http, "POST", "/api/v1/contacts/%d/reply" % k_it, tok,
            {"client_id": "a1", "body": "Gentile Ada, ecco la risposta: sì."})
if s != 201 or b["duplicate"]:
    fail("answer: %s %s" % (s, b))
answer_id = b["message_id"]
s, b2 = call(http, "POST", "/api/v1/contacts/%d/reply" % k_it, tok,
             {"client_id": "a1", "body": "Gentile Ada, ecco la risposta: sì."})
if s != 200 or not b2["duplicate"] or b2["message_id"] != answer_id:
    fail("the same answer again: %s %s" % (s, b2))


def in_ada():
    m = peers.imap(imap_port, "ada", "ada-pw")
    typ, data = m.search(None, "HEADER", "Message-ID", answer_id)
    if not data[0]:
        m.logout()
        return None
    typ, raw = m.fetch(data[0].split()[0], "(RFC822)")
    m.logout()
    return email.message_from_bytes(raw[0][1], policy=email.policy.default)


got = wait_for("the answer in ada's mailbox", in_ada, log=LOG)
if got["In-Reply-To"] != FOLLOW:
    fail("In-Reply-To %r, expected the customer's latest %r"
         % (got["In-Reply-To"], FOLLOW))
refs = got["References"].split()
if IT not in refs or FOLLOW not in refs:
    fail("References %r lack the thread" % refs)
if "[#%d]" % k_it not in got["Subject"] or \
        not got["Subject"].startswith("Re: Richiesta urgente"):
    fail("answer subject %r" % got["Subject"])
if got["From"].addresses[0].addr_spec != "help@centralino.test":
    fail("answer From %r" % got["From"])
if got.get_content().strip() != "Gentile Ada, ecco la risposta: sì.":
    fail("answer body %r" % got.get_content())
if got["Auto-Submitted"] is not None:
    fail("an agent's answer marked Auto-Submitted")
if sum(1 for m in sink_mails(sink) if m["Message-ID"] == answer_id) != 1:
    fail("the answer was mailed more than once")

# the agent reads the conversation; writing in it is not answering
s, b = call(http, "GET", "/api/v1/contacts/%d/messages?after=0" % k_it, tok)
if s != 200 or [(m["sender"], m["body"]) for m in b["messages"]] != [
        ("visitor", "Aggiungo: il numero di pratica è 42."),
        ("agent", "Gentile Ada, ecco la risposta: sì.")]:
    fail("the conversation as the agent reads it: %s %s" % (s, b))
s, b = call(http, "POST", "/api/v1/contacts/%d/messages" % k_it, tok,
            {"client_id": "m1", "body": "not mailed"})
if s != 409:
    fail("a chat message in an e-mail: %s %s" % (s, b))

# ---- the conversation ends; the customer writes again: a linked contact ----
s, b = call(http, "POST", "/api/v1/contacts/%d/finish" % k_it, tok)
if s != 200:
    fail("finish: %s %s" % (s, b))
AGAIN = "<it-3@example.org>"
peers.append(imap_port, "help", "help-pw", mails.plain(
    AGAIN, "ada@example.org", "Re: " + got["Subject"], "Grazie, ancora una "
    "domanda.", "In-Reply-To: %s\r\nReferences: %s %s\r\n"
    % (answer_id, IT, answer_id)))
c = wait_for("a new contact for the ended thread",
             lambda: AGAIN in contacts() and contacts(), log=LOG)
if c[AGAIN][2]["thread"] != k_it:
    fail("the new contact is not linked to %d: %r" % (k_it, c[AGAIN][2]))
if len(c) != 7 or peers.log_count(LOG, "event=email.threaded") != 1:
    fail("the mail after the end made %d contacts" % len(c))
# an acknowledgement is queued (and logged) before the contact's line
n_sink = len(sink_mails(sink))
if peers.log_count(LOG, "event=email.acknowledge") != 4 or n_sink != 5:
    fail("%d mails sent; a continued thread got an acknowledgement?"
         % n_sink)

peers.kill(d)
peers.stop_all()
print("email_channel: ok (7 contacts, 4 acknowledgements, a follow-up "
      "threaded, an answer delivered, a linked contact after the end)")
