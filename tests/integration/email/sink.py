"""sink.py - the tests' SMTP server (aiosmtpd): every message it accepts
is written to $EMAIL_SINK/PID-N.eml, and one for a local user (@example.org)
is handed to Dovecot's LDA so that it lands in that user's mailbox (one
it does not know is only kept in the sink).
$EMAIL_SINK_DELAY (seconds) makes it answer 250 that much later.
Run: python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c sink.Sink
"""
import asyncio
import os
import subprocess
import threading

_lock = threading.Lock()
_n = [0]


class Sink:
    async def handle_DATA(self, server, session, envelope):
        d = os.environ["EMAIL_SINK"]
        with _lock:
            _n[0] += 1
            n = _n[0]
        # a sink started again (a test that stops it) does not overwrite
        # what the one before it kept
        name = "%d-%d" % (os.getpid(), n)
        tmp = os.path.join(d, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(envelope.content)
        os.rename(tmp, os.path.join(d, name + ".eml"))
        conf = os.environ.get("EMAIL_DOVECOT_CONF")
        for rcpt in envelope.rcpt_tos:
            user, _, domain = rcpt.partition("@")
            if conf and domain == "example.org":
                subprocess.run(["/usr/lib/dovecot/dovecot-lda", "-c", conf,
                                "-d", user, "-f", envelope.mail_from],
                               input=envelope.content, check=False,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        # a slow server: the mail is kept (its file is there) well before
        # the client hears 250
        await asyncio.sleep(float(os.environ.get("EMAIL_SINK_DELAY", "0")))
        return "250 OK"
