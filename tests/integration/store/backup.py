#!/usr/bin/env python3
"""backup.py - `centralino backup` while the daemon takes contacts.

Starts `centralino run`, creates chats through the API from two clients
at once, and meanwhile runs `centralino backup` several times. Each copy
must open with SQLite, pass `PRAGMA integrity_check`, and hold every
contact whose creation was acknowledged (201) before that backup
started, with its data. The refusals are checked too: an existing FILE
without --force, no such store, a destination that cannot be written.
Then one copy is restored as docs/store.md says (stop the daemon, move
the store and its -wal/-shm aside, copy the backup in, start): the
daemon comes back with exactly the copy's contacts open.

Usage: backup.py BIN WORKDIR PORT
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BIN, WORK, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
BASE = "http://127.0.0.1:%d" % PORT
CONF = os.path.join(WORK, "c.yaml")
DB = os.path.join(WORK, "c.db")
LOG = os.path.join(WORK, "daemon.log")
BACKUPS = 5
CLIENTS = 2
MAX_CONTACTS = 800  # GET /api/v1/contacts lists at most 1,000

lock = threading.Lock()
acked = {}  # key -> token


def fail(msg):
    print("FAIL store_backup: " + msg, file=sys.stderr)
    try:
        with open(LOG) as f:
            print("".join(f.readlines()[-15:]), file=sys.stderr)
    except OSError:
        pass
    sys.stderr.flush()
    os._exit(1)  # from any thread: the whole test fails


def call(method, path, token=None, body=None, timeout=5):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def start():
    log = open(LOG, "a")
    p = subprocess.Popen([BIN, "run", "--config", CONF],
                         stdout=log, stderr=log)
    deadline = time.time() + 15
    while time.time() < deadline:
        if p.poll() is not None:
            fail("the daemon exited at start (status %s)" % p.returncode)
        try:
            urllib.request.urlopen(BASE + "/metrics", timeout=1).read()
            return p
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.05)  # polling a port that is not open yet
    fail("the daemon did not answer within 15 s")


def stop(p):
    p.send_signal(signal.SIGTERM)
    if p.wait(timeout=15) != 0:
        fail("the daemon stopped with status %d" % p.returncode)


def login():
    s, b = call("POST", "/api/v1/login",
                body={"user": "admin", "password": "admin-pw"})
    if s != 200:
        fail("login: %s %s" % (s, b))
    return b["token"]


def creator(token, idx, stop_ev):
    n = 0
    while not stop_ev.is_set():
        with lock:
            if len(acked) >= MAX_CONTACTS:
                return
        n += 1
        tok = "c%d-%d" % (idx, n)
        s, b = call("POST", "/api/v1/contacts", token,
                    {"tenant": "demo", "queue": "chat", "channel": "chat",
                     "data": {"token": tok, "name": "Ada"}})
        if s != 201:
            fail("creation refused: %s %s" % (s, b))
        with lock:
            acked[b["id"]] = tok


def backup(dest, *extra):
    return subprocess.run([BIN, "backup", dest, "--config", CONF] +
                          list(extra), capture_output=True, text=True,
                          timeout=60)


def check_copy(path, before):
    """The copy is a sound database holding everything in before."""
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    ok = db.execute("PRAGMA integrity_check").fetchall()
    if ok != [("ok",)]:
        fail("%s: integrity_check says %s" % (path, ok[:3]))
    rows = dict(db.execute("SELECT key, payload FROM contacts"))
    for k, tok in before.items():
        if k not in rows:
            fail("%s lacks contact %d, acknowledged before it started"
                 % (path, k))
        if json.loads(rows[k] or "{}").get("token") != tok:
            fail("%s: contact %d does not carry %s" % (path, k, tok))
    db.close()
    return rows


def refusals():
    first = os.path.join(WORK, "b0.db")
    r = backup(first)
    if r.returncode != 1 or "exists; --force replaces it" not in r.stderr:
        fail("an existing FILE was not refused: %d %s"
             % (r.returncode, r.stderr))
    r = subprocess.run([BIN, "backup", os.path.join(WORK, "x.db"),
                        "--store", os.path.join(WORK, "nope.db")],
                       capture_output=True, text=True)
    if r.returncode != 1 or "no such store" not in r.stderr:
        fail("no such store: %d %s" % (r.returncode, r.stderr))
    r = backup(os.path.join(WORK, "no", "such", "dir", "x.db"))
    if r.returncode != 1 or "cannot write in" not in r.stderr:
        fail("unwritable destination: %d %s" % (r.returncode, r.stderr))
    if os.path.exists(os.path.join(WORK, "x.db")):
        fail("a refused backup left a file")
    # a -wal with frames beside FILE would be replayed over the copy
    busy = os.path.join(WORK, "busy.db")
    for path, text in ((busy, "old"), (busy + "-wal", "frames")):
        with open(path, "w") as f:
            f.write(text)
    r = backup(busy, "--force")
    if r.returncode != 1 or "holds changes not yet in" not in r.stderr:
        fail("a FILE-wal with frames: %d %s" % (r.returncode, r.stderr))


def backups_under_load():
    """Copies taken while contacts are created; the last copy's rows."""
    token = login()
    stop_ev = threading.Event()
    threads = [threading.Thread(target=creator, args=(token, i, stop_ev))
               for i in range(CLIENTS)]
    for t in threads:
        t.start()
    during = 0
    rows = None
    for i in range(BACKUPS):
        while True:  # some load between two copies
            with lock:
                if len(acked) >= (i + 1) * MAX_CONTACTS // (BACKUPS + 2):
                    break
            time.sleep(0.01)
        with lock:
            before = dict(acked)
        dest = os.path.join(WORK, "b%d.db" % i)
        r = backup(dest)
        with lock:
            during += len(acked) - len(before)
        if r.returncode != 0 or "copied to" not in r.stdout:
            fail("backup %d: status %d: %s" % (i, r.returncode, r.stderr))
        rows = check_copy(dest, before)
    refusals()
    # b0.db was opened by check_copy (an empty -wal is left): replaced
    with lock:
        before = dict(acked)
    r = backup(os.path.join(WORK, "b0.db"), "--force")
    if r.returncode != 0:
        fail("--force: %d %s" % (r.returncode, r.stderr))
    check_copy(os.path.join(WORK, "b0.db"), before)
    stop_ev.set()
    for t in threads:
        t.join()
    if during == 0:
        fail("no contact was created while a backup ran: proves too "
             "little")
    return rows, during


def restore(copy):
    """As docs/store.md says: stop, move aside, copy in, start."""
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(DB + ext):
            os.rename(DB + ext, os.path.join(WORK, "old.db" + ext))
    shutil.copyfile(copy, DB)


def main():
    p = start()
    rows, during = backups_under_load()
    stop(p)
    with lock:
        total = len(acked)
    last = os.path.join(WORK, "b%d.db" % (BACKUPS - 1))
    restore(last)
    p = start()
    try:
        s, b = call("GET", "/api/v1/contacts", login())
        if s != 200:
            fail("GET /api/v1/contacts: %s %s" % (s, b))
        live = {c["id"] for c in b["contacts"]}
    finally:
        stop(p)
    if live != set(rows):
        fail("after the restore the daemon has %d contacts open, the "
             "copy %d (missing %s, extra %s)"
             % (len(live), len(rows), sorted(set(rows) - live)[:5],
                sorted(live - set(rows))[:5]))
    if len(rows) >= total:
        fail("the last copy holds every contact: the restore proves "
             "nothing")
    print("ok   store_backup: %d copies under load (%d contacts created "
          "while they ran), each sound and complete; refusals; restored "
          "%d of %d contacts from the last copy" %
          (BACKUPS, during, len(rows), total))


main()
