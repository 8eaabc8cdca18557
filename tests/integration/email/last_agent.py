#!/usr/bin/env python3
"""last_agent.py - a customer's reply to an answered thread goes back to
the agent who answered it (last-agent routing), against Dovecot and an
SMTP sink on loopback:

- agent1 answers ada's first mail and finishes it; agent2 has been ready
  for longer, so the queue's strategy (longest idle) would pick agent2;
- ada replies to the answer: the new contact is offered to agent1, its
  journal says "preferred-agent", and agent2 stays ready;
- agent1 answers that one too and finishes it, then takes bob's mail;
  ada replies again while agent1 is busy: the new contact waits for
  agent1 although agent2 is ready, and is offered to agent1 as soon as
  bob's mail is done;
- agent1 answers that one too, finishes, logs out; ada replies again:
  agent1 is gone, so the new contact goes to agent2 at once, as an
  ordinary contact of the queue.

Usage: last_agent.py BIN WORKDIR HASH
"""
import email
import email.policy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mails  # noqa: E402
import peers  # noqa: E402
from peers import call, fail, wait_for  # noqa: E402

BIN, T, HASH = sys.argv[1], sys.argv[2], sys.argv[3]
LOG = T + "/daemon.log"


imap_port, dconf = peers.dovecot(T, {"help": "help-pw", "ada": "ada-pw"})
smtp_port, sink = peers.smtp_sink(T, dconf)
http = peers.free_port()
with open(T + "/c.yaml", "w") as f:
    f.write("""tenants: [{{name: demo}}]
queues:
  - {{name: mail, tenant: demo, strategy: longest-idle}}
agents:
  - {{name: agent1, tenant: demo, queues: [mail], capacity: {{email: 1}}}}
  - {{name: agent2, tenant: demo, queues: [mail], capacity: {{email: 1}}}}
store: {{path: "{T}/c.db"}}
http: {{listen: "127.0.0.1:{http}"}}
users:
  - {{name: maria, password_hash: "{h}", role: agent, tenants: [demo],
     agent: agent1}}
  - {{name: luca, password_hash: "{h}", role: agent, tenants: [demo],
     agent: agent2}}
  - {{name: sara, password_hash: "{h}", role: supervisor, tenants: [demo]}}
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
      last_agent_wait: 10m
""".format(T=T, http=http, h=HASH, imap=imap_port, smtp=smtp_port))
d = peers.daemon(BIN, T + "/c.yaml", LOG, http)


def login(user):
    s, b = call(http, "POST", "/api/v1/login",
                body={"user": user, "password": "maria-pw"})
    if s != 200:
        fail("login %s: %s %s" % (user, s, b))
    return b["token"]


def state(tok, agent, st):
    s, b = call(http, "PUT", "/api/v1/agents/demo/%s/state" % agent, tok,
                {"state": st})
    if s not in (200, 204):
        fail("%s %s: %s %s" % (agent, st, s, b))


def offered(*toks):
    """The contacts offered now, as (key, agent), as these users see
    them (an agent sees its own)."""
    seen = set()
    for tok in toks:
        s, b = call(http, "GET", "/api/v1/contacts", tok)
        seen |= {(x["id"], x["agent"]) for x in b.get("contacts", [])
                 if x.get("state") == "offered"}
    return sorted(seen)


def offer_journal(tok, key):
    """The contact's last contact-offered event of its journal."""
    s, b = call(http, "GET", "/api/v1/contacts/%d/journal" % key, tok)
    ev = [e for e in b.get("events", []) if e["type"] == "contact-offered"]
    return ev[-1] if ev else None


def in_ada(mid):
    def look():
        m = peers.imap(imap_port, "ada", "ada-pw")
        typ, data = m.search(None, "HEADER", "Message-ID", mid)
        if not data[0]:
            m.logout()
            return None
        typ, raw = m.fetch(data[0].split()[0], "(RFC822)")
        m.logout()
        return email.message_from_bytes(raw[0][1],
                                        policy=email.policy.default)
    return wait_for("the answer %s in ada's mailbox" % mid, look, log=LOG)


def answer_and_finish(tok, key, client_id, body):
    s, b = call(http, "POST", "/api/v1/contacts/%d/accept" % key, tok)
    if s != 200:
        fail("accept %d: %s %s" % (key, s, b))
    s, b = call(http, "POST", "/api/v1/contacts/%d/reply" % key, tok,
                {"client_id": client_id, "body": body})
    if s != 201:
        fail("answer %d: %s %s" % (key, s, b))
    mid = b["message_id"]
    s, b = call(http, "POST", "/api/v1/contacts/%d/finish" % key, tok)
    if s != 200:
        fail("finish %d: %s %s" % (key, s, b))
    return in_ada(mid)


maria, luca, sara = login("maria"), login("luca"), login("sara")

# ---- agent1 answers ada's first mail ---------------------------------------
state(maria, "agent1", "ready")
FIRST = "<la-1@example.org>"
peers.append(imap_port, "help", "help-pw", mails.plain(
    FIRST, "ada@example.org", "Certificato", "Quando arriva?"))
k1, who = wait_for("the first mail offered", lambda: offered(maria),
                   log=LOG)[0]
if who != "agent1":
    fail("the first mail went to %r" % who)
# agent2 is ready from now on: idle longer than agent1 will be
state(luca, "agent2", "ready")
ans1 = answer_and_finish(maria, k1, "la-a1", "Gentile Ada, domani.")

# ---- ada replies: back to agent1, though agent2 has waited longer ----------
REPLY = "<la-2@example.org>"
peers.append(imap_port, "help", "help-pw", mails.plain(
    REPLY, "ada@example.org", "Re: " + ans1["Subject"], "Grazie, e il "
    "numero?", "In-Reply-To: %s\r\nReferences: %s %s\r\n"
    % (ans1["Message-ID"], FIRST, ans1["Message-ID"])))
k2, who = wait_for("the reply offered", lambda: offered(maria, luca),
                   log=LOG)[0]
if k2 == k1 or who != "agent1":
    fail("the reply (contact %d) was offered to %r, not to agent1 who "
         "answered the thread; agent2 was idle longer" % (k2, who), LOG)
ev = offer_journal(maria, k2)
if not ev or ev.get("reason") != "preferred-agent":
    fail("the offer's journal does not say preferred-agent: %r" % ev)
s, b = call(http, "GET", "/api/v1/contacts/%d" % k2, maria)
if b.get("data", {}).get("thread") != k1:
    fail("the reply is not linked to its thread: %r" % b)
if peers.log_count(LOG, "event=email.last-agent") != 1:
    fail("no email.last-agent line for the reply", LOG)
ans2 = answer_and_finish(maria, k2, "la-a2", "Il numero è 42.")

# ---- agent1 busy with bob's mail: ada's next reply waits for agent1 --------
state(luca, "agent2", "not-ready")
BOB = "<la-bob@example.org>"
peers.append(imap_port, "help", "help-pw", mails.plain(
    BOB, "bob@example.org", "Altro", "Una domanda diversa."))
kb, who = wait_for("bob's mail offered", lambda: offered(maria, luca),
                   log=LOG)[0]
if who != "agent1":
    fail("bob's mail went to %r" % who)
s, b = call(http, "POST", "/api/v1/contacts/%d/accept" % kb, maria)
if s != 200:
    fail("accept bob's mail: %s %s" % (s, b))
state(luca, "agent2", "ready")
REPLY2 = "<la-2b@example.org>"
peers.append(imap_port, "help", "help-pw", mails.plain(
    REPLY2, "ada@example.org", "Re: " + ans2["Subject"], "Un'ultima cosa.",
    "In-Reply-To: %s\r\nReferences: %s %s %s\r\n"
    % (ans2["Message-ID"], FIRST, REPLY, ans2["Message-ID"])))


def waiting_reply():
    """The contact of REPLY2 once it exists, as the supervisor sees it."""
    s, b = call(http, "GET", "/api/v1/contacts", sara)
    for x in b.get("contacts", []):
        if x.get("data", {}).get("message_id") == REPLY2:
            return x
    return None


# the engine routes a contact as it enters: agent2 being ready, a
# contact still waiting once it is listed is one reserved for agent1
k2b = wait_for("ada's reply while agent1 is busy", waiting_reply, log=LOG)
if k2b["state"] != "waiting" or k2b["agent"] is not None:
    fail("the reply for busy agent1 went elsewhere: %r" % k2b, LOG)
s, b = call(http, "POST", "/api/v1/contacts/%d/finish" % kb, maria)
if s != 200:
    fail("finish bob's mail: %s %s" % (s, b))
k, who = wait_for("the reply offered once agent1 is free",
                  lambda: offered(maria, luca), log=LOG)[0]
if k != k2b["id"] or who != "agent1":
    fail("agent1 free again: %r offered to %r, expected the reply %d "
         "reserved for agent1" % (k, who, k2b["id"]), LOG)
ev = offer_journal(maria, k)
if not ev or ev.get("reason") != "preferred-agent" or \
        not ev.get("decision", {}).get("agent_first"):
    fail("the offer on agent1's release: %r" % ev)
ans2 = answer_and_finish(maria, k, "la-a2b", "Certo.")

# ---- agent1 logs out; ada replies again: to agent2 at once -----------------
state(maria, "agent1", "offline")
AGAIN = "<la-3@example.org>"
peers.append(imap_port, "help", "help-pw", mails.plain(
    AGAIN, "ada@example.org", "Re: " + ans2["Subject"], "Ancora una cosa.",
    "In-Reply-To: %s\r\nReferences: %s %s %s\r\n"
    % (ans2["Message-ID"], FIRST, REPLY, ans2["Message-ID"])))
k3, who = wait_for("the second reply offered",
                   lambda: offered(maria, luca), log=LOG)[0]
if who != "agent2":
    fail("with agent1 logged out the reply went to %r" % who, LOG)
ev = offer_journal(luca, k3)
if not ev or ev.get("reason") == "preferred-agent":
    fail("the offer to agent2 claims a preference: %r" % ev)
if peers.log_count(LOG, "event=email.last-agent") != 3:
    fail("the last reply was not given its last agent", LOG)

peers.kill(d)
peers.stop_all()
print("email_last_agent: ok (a reply to an answered thread offered to its "
      "agent over one idle longer; kept for it while busy and offered on "
      "its release; with that agent logged out, to the other at once)")
