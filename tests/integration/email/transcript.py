#!/usr/bin/env python3
"""transcript.py - a web chat's transcript mailed to the visitor, against
Dovecot and an SMTP sink on loopback:

- Ada gives her address when she opens the chat (in Italian), talks with
  agent1, leaves; her transcript request to another address is refused
  (403), to hers it is queued (202) and arrives in her mailbox: from the
  tenant's mailbox, marked automatic, "Trascrizione della sua chat
  [#KEY]", both sides' messages in order with their times;
- a second request at once is throttled (429); a wrong token is 404; a
  bad address 400;
- Bruno gave no address: his transcript goes where he asks, in English;
- a tenant with no mailbox that sends: 409.

Usage: transcript.py BIN WORKDIR HASH
"""
import email
import email.policy
import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
from peers import fail, wait_for  # noqa: E402

BIN, T, HASH = sys.argv[1], sys.argv[2], sys.argv[3]
LOG = T + "/daemon.log"


def call(method, path, token=None, body=None, chat=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (http, path),
                                 data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if chat:
        req.add_header("X-Chat-Token", chat)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def expect(status, got, what):
    if got[0] != status:
        fail("%s: expected %d, got %d %s" % (what, status, got[0], got[1]),
             LOG)
    return got[1]


def mails_to(user, pw, subject):
    m = peers.imap(imap_port, user, pw)
    typ, data = m.search(None, "SUBJECT", '"%s"' % subject)
    out = []
    for n in (data[0].split() if data[0] else []):
        typ, raw = m.fetch(n, "(RFC822)")
        out.append(email.message_from_bytes(raw[0][1],
                                            policy=email.policy.default))
    m.logout()
    return out


def in_sink(needle):
    for n in sorted(os.listdir(sink)):
        if n.endswith(".eml"):
            with open(os.path.join(sink, n), "rb") as f:
                raw = f.read()
            if needle.encode() in raw:
                return email.message_from_bytes(raw,
                                                policy=email.policy.default)
    return None


imap_port, dconf = peers.dovecot(T, {"help": "help-pw", "ada": "ada-pw"})
smtp_port, sink = peers.smtp_sink(T, dconf)
http = peers.free_port()
with open(T + "/c.yaml", "w") as f:
    f.write("""tenants: [{{name: demo, timezone: Europe/Rome}}, {{name: quiet}}]
queues:
  - {{name: chat, tenant: demo, web_chat: true}}
  - {{name: talk, tenant: quiet, web_chat: true}}
agents:
  - {{name: agent1, tenant: demo, queues: [chat], capacity: {{chat: 2}}}}
store: {{path: "{T}/c.db"}}
http: {{listen: "127.0.0.1:{http}"}}
users:
  - {{name: maria, password_hash: "{h}", role: agent, tenants: [demo],
     agent: agent1}}
email:
  poll: 1s
  mailboxes:
    - name: help
      tenant: demo
      queue: chat
      imap: "imap://127.0.0.1:{imap}/INBOX"
      user: help
      password: help-pw
      smtp: "smtp://127.0.0.1:{smtp}"
      address: help@centralino.test
      display_name: ASL Roma 1
""".format(T=T, http=http, h=HASH, imap=imap_port, smtp=smtp_port))
d = peers.daemon(BIN, T + "/c.yaml", LOG, http)

tok = expect(200, call("POST", "/api/v1/login",
                       body={"user": "maria", "password": "maria-pw"}),
             "login")["token"]
expect(200, call("PUT", "/api/v1/agents/demo/agent1/state", tok,
                 {"state": "ready"}), "ready")

# ---- Ada, with her address, in Italian ----------------------------------
ada = expect(201, call("POST", "/api/v1/chats", body={
    "tenant": "demo", "queue": "chat", "name": "Ada", "language": "it",
    "email": "ada@example.org"}), "Ada's chat")
key, vt = ada["id"], ada["token"]
expect(200, call("POST", "/api/v1/contacts/%d/accept" % key, tok), "accept")
expect(201, call("POST", "/api/v1/chats/%d/messages" % key, chat=vt,
                 body={"client_id": "v1", "body": "Buongiorno, il referto?"}),
       "Ada writes")
expect(201, call("POST", "/api/v1/contacts/%d/messages" % key, tok,
                 body={"client_id": "a1", "body": "È pronto da martedì."}),
       "the agent answers")
expect(200, call("DELETE", "/api/v1/chats/%d" % key, chat=vt), "Ada leaves")

path = "/api/v1/chats/%d/transcript" % key
expect(404, call("POST", path, body={"email": "ada@example.org"},
                 chat="0" * 64), "a wrong token")
expect(400, call("POST", path, chat=vt,
                 body={"email": "ada@example.org\r\nBcc: x@y.org"}),
       "an address with a header in it")
expect(403, call("POST", path, chat=vt, body={"email": "eve@example.org"}),
       "another address than Ada's")
expect(202, call("POST", path, chat=vt, body={"email": "ADA@example.org"}),
       "Ada's transcript")
expect(429, call("POST", path, chat=vt, body={"email": "ada@example.org"}),
       "a second transcript at once")

subject = "Trascrizione della sua chat [#%d]" % key
got = wait_for("Ada's transcript in her mailbox",
               lambda: mails_to("ada", "ada-pw", subject), log=LOG)
if len(got) != 1:
    fail("Ada got %d transcripts" % len(got))
m = got[0]
if m["From"].addresses[0].addr_spec != "help@centralino.test" or \
        m["From"].addresses[0].display_name != "ASL Roma 1":
    fail("From: %r" % m["From"])
if m["Auto-Submitted"] is None or not m["Auto-Submitted"].startswith("auto"):
    fail("the transcript is not marked automatic: %r" % m["Auto-Submitted"])
body = m.get_content()
lines = [x for x in body.splitlines() if x.startswith("[")]
if len(lines) != 2 or not lines[0].endswith("Lei: Buongiorno, il referto?") \
        or not lines[1].endswith("Operatore: È pronto da martedì."):
    fail("the transcript's lines: %r" % body)
if "Europe/Rome" not in body:
    fail("the transcript does not say whose time: %r" % body)
with open(LOG) as f:
    if "ada@example.org" in f.read().lower():
        fail("the visitor's address is in the daemon's log")

# ---- Bruno gave no address: it goes where he asks, in English ---------
bruno = expect(201, call("POST", "/api/v1/chats", body={
    "tenant": "demo", "queue": "chat", "name": "Bruno"}), "Bruno's chat")
expect(201, call("POST", "/api/v1/chats/%d/messages" % bruno["id"],
                 chat=bruno["token"],
                 body={"client_id": "b1", "body": "Hello?"}), "Bruno writes")
expect(202, call("POST", "/api/v1/chats/%d/transcript" % bruno["id"],
                 chat=bruno["token"], body={"email": "bruno@elsewhere.test"}),
       "Bruno's transcript, while his chat is open")
got = wait_for("Bruno's transcript at the SMTP server",
               lambda: in_sink("Transcript of your chat [#%d]" % bruno["id"]),
               log=LOG)
if got["To"].addresses[0].addr_spec != "bruno@elsewhere.test" or \
        "You: Hello?" not in got.get_content():
    fail("Bruno's transcript: To %r, %r" % (got["To"], got.get_content()))

# ---- a tenant with no mailbox that sends ------------------------------------
q = expect(201, call("POST", "/api/v1/chats", body={
    "tenant": "quiet", "queue": "talk", "name": "Carla"}), "Carla's chat")
expect(409, call("POST", "/api/v1/chats/%d/transcript" % q["id"],
                 chat=q["token"], body={"email": "carla@example.org"}),
       "a tenant that sends no mail")
peers.stop_all()
print("ok   email_transcript: Ada's transcript in her mailbox (Italian, "
      "automatic, both sides); refusals 400/403/404/409/429; Bruno's to "
      "the address he asked")
