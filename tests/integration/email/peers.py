"""peers.py - Dovecot (IMAP) and an SMTP sink on loopback, from a temp
dir, for the e-mail tests; and the daemon. Everything started here is
stopped by pid in stop_all()."""
import imaplib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PROCS = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def call(port, method, path, token=None, body=None):
    """One REST request to the daemon on PORT: (status, the JSON answer)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path),
                                 data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def fail(msg, log=None):
    print("FAIL " + msg, file=sys.stderr)
    if log and os.path.exists(log):
        with open(log) as f:
            print("".join(f.readlines()[-30:]), file=sys.stderr)
    stop_all()
    sys.exit(1)


def wait_for(what, cond, timeout=20, log=None):
    """Poll cond() (an event: a log line, a file, an answer) until true."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    fail("timed out waiting for " + what, log)


def tls_cert(T):
    """A self-signed certificate for 127.0.0.1 (its own authority):
    (cert, key) in T."""
    cert, key = T + "/cert.pem", T + "/key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return cert, key


def dovecot(T, users, extra="", imaps_port=0):
    """Start Dovecot on a free port for users {name: password}; extra:
    more lines for its configuration; imaps_port: also IMAP over TLS
    there, with tls_cert(T)'s certificate."""
    port = free_port()
    ssl = "ssl = no"
    if imaps_port:
        cert, key = tls_cert(T)
        ssl = "ssl = yes\nssl_cert = <%s\nssl_key = <%s" % (cert, key)
    os.makedirs(T + "/mail", exist_ok=True)
    with open(T + "/passwd", "w") as f:
        for u, pw in users.items():
            f.write("%s:{PLAIN}%s:8:8::%s/mail/%s::\n" % (u, pw, T, u))
    conf = T + "/dovecot.conf"
    with open(conf, "w") as f:
        f.write("""protocols = imap
listen = 127.0.0.1
base_dir = {T}/run
state_dir = {T}/state
log_path = {T}/dovecot.log
info_log_path = {T}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{T}/mail/%u
mail_uid = 8
mail_gid = 8
default_internal_user = mail
default_internal_group = mail
default_login_user = mail
passdb {{
  driver = passwd-file
  args = {T}/passwd
}}
userdb {{
  driver = passwd-file
  args = {T}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol lda {{
  postmaster_address = postmaster@example.org
}}
{extra}
""".format(T=T, port=port, extra=extra, ssl=ssl, imaps=imaps_port))
    for d in ("mail", "run", "state"):
        os.makedirs(T + "/" + d, exist_ok=True)
    subprocess.run(["chown", "-R", "8:8", T + "/mail"], check=True)
    p = subprocess.Popen(["dovecot", "-F", "-c", conf],
                         stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    PROCS.append(p)

    def ready():
        try:
            m = imaplib.IMAP4("127.0.0.1", port)
            u, pw = next(iter(users.items()))
            m.login(u, pw)
            m.logout()
            return True
        except (OSError, imaplib.IMAP4.error):
            return False
    wait_for("dovecot", ready, log=T + "/dovecot.log")
    return port, conf


SINKS = {}


def smtp_sink(T, conf, port=None, delay=0):
    """Start the SMTP sink on port (None: a free one), answering 250
    delay seconds after it has kept a mail; (port, folder)."""
    port = port or free_port()
    sink = T + "/sink"
    os.makedirs(sink, exist_ok=True)
    env = dict(os.environ, EMAIL_SINK=sink, EMAIL_DOVECOT_CONF=conf,
               EMAIL_SINK_DELAY=str(delay), PYTHONPATH=HERE)
    p = subprocess.Popen(["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                          "127.0.0.1:%d" % port, "-c", "sink.Sink"],
                         env=env, stdout=open(T + "/smtp.log", "a"),
                         stderr=subprocess.STDOUT)
    PROCS.append(p)
    SINKS[port] = p

    def ready():
        if p.poll() is not None:
            fail("the SMTP sink exited at start (port %d)" % port,
                 T + "/smtp.log")
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return True
        except OSError:
            return False
    wait_for("smtp sink", ready)
    return port, sink


def smtp_sink_stop(port):
    """Stop the sink of port: the SMTP server is down until started
    again with smtp_sink(T, conf, port)."""
    p = SINKS.pop(port)
    kill(p)

    def down():
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return False
        except OSError:
            return True
    wait_for("the smtp sink down", down)


def daemon(binary, conf, log, http_port):
    p = subprocess.Popen([binary, "run", "--config", conf],
                         stdout=open(log, "a"), stderr=subprocess.STDOUT)
    PROCS.append(p)

    def ready():
        if p.poll() is not None:
            fail("the daemon exited at start (%s)" % p.returncode, log)
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/metrics" % http_port,
                                   timeout=1).read()
            return True
        except (urllib.error.URLError, OSError):
            return False
    wait_for("the daemon", ready, log=log)
    return p


def kill(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in PROCS:
        PROCS.remove(p)


def stop_all():
    for p in list(reversed(PROCS)):
        kill(p)


def imap(port, user, pw):
    m = imaplib.IMAP4("127.0.0.1", port)
    m.login(user, pw)
    m.select("INBOX")
    return m


def append(port, user, pw, raw):
    m = imaplib.IMAP4("127.0.0.1", port)
    m.login(user, pw)
    typ, _ = m.append("INBOX", None, None, raw)
    m.logout()
    if typ != "OK":
        fail("IMAP APPEND refused")


def untaken(port, user, pw):
    """UIDs of the mails not marked as taken by the daemon."""
    m = imap(port, user, pw)
    typ, data = m.uid("SEARCH", None, "UNKEYWORD", "$CentralinoTaken")
    m.logout()
    return data[0].split() if data and data[0] else []


def log_count(log, needle):
    try:
        with open(log) as f:
            return sum(1 for line in f if needle in line)
    except OSError:
        return 0
