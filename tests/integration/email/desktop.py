#!/usr/bin/env python3
"""desktop.py - an e-mail on the agent desktop, end to end: Dovecot and
the SMTP sink on loopback, the daemon, and Chromium driven by
tests/browser/email.mjs. A mail whose HTML part carries a script, an
onerror image, remote images, CSS, a frame and a form arrives; the agent
opens it on the desktop (the browser side checks that the text and the
sanitised HTML show, that nothing ran and nothing was fetched from the
remote host), answers twice (once through a network failure), and here
the answers are read back from the customer's Dovecot mailbox, each
once, with the threading headers.

Usage: desktop.py BIN WORKDIR OUTDIR HASH
"""
import base64
import email
import email.policy
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mails  # noqa: E402
import peers  # noqa: E402
from peers import fail, wait_for  # noqa: E402

BIN, T, OUT, HASH = sys.argv[1:5]
LOG = T + "/daemon.log"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                    ".."))
MID = "<desk-1@example.org>"

HTML = """<html><head><title>x</title>
<style>body { background: url(http://tracker.remote.test/css.png) }</style>
<link rel="stylesheet" href="http://tracker.remote.test/style.css">
<script>window.top.pwned = 1; parent.document.title = 'PWNED';</script>
<meta http-equiv="refresh" content="0; url=http://tracker.remote.test/go">
</head><body>
<p>Buongiorno, <b>vorrei prenotare</b> il vaccino.</p>
<img src="http://tracker.remote.test/pixel.png" alt="logo ASL">
<img src="x" onerror="window.top.pwned = 2; document.title = 'PWNED'">
<p style="background: url(http://tracker.remote.test/bg.png)">Con stile</p>
<a href="https://asl.example/info" onclick="window.top.pwned = 3">informazioni</a>
<a href="javascript:window.top.pwned = 4">trappola</a>
<form action="http://tracker.remote.test/steal"><input name="pw"></form>
<iframe src="http://tracker.remote.test/frame"></iframe>
<svg><script>window.top.pwned = 5</script></svg>
</body></html>"""


def the_mail():
    text = ("Buongiorno, vorrei prenotare il vaccino.\r\n"
            "Grazie, Ada").encode("utf-8")
    b64 = lambda b: base64.encodebytes(b).decode().replace("\n", "\r\n")
    return ("From: =?UTF-8?B?%s?= <ada@example.org>\r\n"
            "To: help@centralino.test\r\n"
            "Subject: Prenotazione vaccino\r\n"
            "Message-ID: %s\r\n"
            "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"mix\"\r\n"
            "\r\n--mix\r\n"
            "Content-Type: multipart/alternative; boundary=\"alt\"\r\n"
            "\r\n--alt\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            "--alt\r\n"
            "Content-Type: text/html; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            "--alt--\r\n"
            "--mix\r\n"
            "Content-Type: application/pdf; name=\"tessera.pdf\"\r\n"
            "Content-Disposition: attachment; filename=\"tessera.pdf\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            "--mix--\r\n"
            % (base64.b64encode("Ada Perrò".encode()).decode(), MID,
               b64(text), b64(HTML.encode()), b64(mails.PDF))
            ).encode("ascii")


imap_port, dconf = peers.dovecot(T, {"help": "help-pw", "ada": "ada-pw"})
smtp_port, sink = peers.smtp_sink(T, dconf)
http = peers.free_port()
with open(T + "/c.yaml", "w") as f:
    f.write("""tenants: [{{name: demo}}]
queues:
  - {{name: mail, tenant: demo, wrapup: 5m, dispositions: [answered, other]}}
agents:
  - {{name: agent1, tenant: demo, queues: [mail], capacity: {{email: 1}}}}
store: {{path: "{T}/c.db"}}
http: {{listen: "127.0.0.1:{http}", pages: "{root}/web"}}
users:
  - {{name: maria, password_hash: "{h}", role: agent, tenants: [demo],
     agent: agent1}}
email:
  poll: 500ms
  mailboxes:
    - name: help
      tenant: demo
      queue: mail
      imap: "imap://127.0.0.1:{imap}/INBOX"
      user: help
      password: help-pw
      smtp: "smtp://127.0.0.1:{smtp}"
      address: help@centralino.test
      display_name: "ASL Aiuto"
""".format(T=T, http=http, h=HASH, imap=imap_port, smtp=smtp_port,
           root=ROOT))
d = peers.daemon(BIN, T + "/c.yaml", LOG, http)
peers.append(imap_port, "help", "help-pw", the_mail())
wait_for("the mail taken", lambda: not peers.untaken(
    imap_port, "help", "help-pw"), log=LOG)

r = subprocess.run(["timeout", "120", "node",
                    os.path.join(ROOT, "tests/browser/email.mjs"),
                    "http://127.0.0.1:%d" % http, OUT], cwd=ROOT)
if r.returncode != 0:
    shutil.copy(LOG, OUT + "/daemon.log")
    fail("the browser test failed", LOG)

ANSWERS = ["Gentile Ada, la aspettiamo martedì alle 9.",
           "Porti con sé la tessera sanitaria."]


def in_ada():
    m = peers.imap(imap_port, "ada", "ada-pw")
    typ, data = m.search(None, "ALL")
    got = []
    for n in (data[0].split() if data and data[0] else []):
        typ, raw = m.fetch(n, "(RFC822)")
        got.append(email.message_from_bytes(raw[0][1],
                                            policy=email.policy.default))
    m.logout()
    return got if len(got) >= 2 else None


got = wait_for("two answers in ada's mailbox", in_ada, log=LOG)
bodies = sorted(g.get_content().strip() for g in got)
if bodies != sorted(ANSWERS):
    fail("ada's mailbox holds %r, expected each answer once" % bodies)
for g in got:
    if g["In-Reply-To"] != MID or MID not in g["References"].split():
        fail("threading headers: In-Reply-To %r References %r"
             % (g["In-Reply-To"], g["References"]))
    if not g["Subject"].startswith("Re: Prenotazione vaccino [#"):
        fail("answer subject %r" % g["Subject"])
    if g["From"].addresses[0].addr_spec != "help@centralino.test":
        fail("answer From %r" % g["From"])
print("ok   web_email: both answers from the desktop in ada's mailbox, once "
      "each, In-Reply-To and References of the thread")
if peers.log_count(LOG, "level=error"):
    fail("the daemon logged an error", LOG)
shutil.copy(LOG, OUT + "/daemon.log")
peers.kill(d)
peers.stop_all()
print("web_email: all passed")
