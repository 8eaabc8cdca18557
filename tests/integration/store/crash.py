#!/usr/bin/env python3
"""crash.py - nothing acknowledged is ever lost: the crash test of the store.

Starts `centralino run` on a configuration of chat, app and callback
queues, puts it under a load of contact creations from several clients
at once while an agent accepts and finishes contacts, and kills it with
SIGKILL in the middle, several times. Then it restarts the daemon once
more and checks, against the store and the live API:

- every contact whose creation was acknowledged (201) is in the store,
  exactly once (each carries a unique token in its data), with its data;
- every contact whose finish was acknowledged (200) is ended "completed"
  and was never put back in a queue afterwards;
- every other acknowledged contact is open again, live in the daemon,
  and waits in its queue in the order it was created (positions follow
  keys), a callback still due at the wall time it was given;
- the journal agrees: each contact's incarnations (one per run that held
  it) each start with its contact-queued event, and every completed one
  has exactly one contact-completed event;
- the reports agree with the journal: `centralino report` over the
  test's time counts, per queue, as many entries offered, answered and
  abandoned as the journal has contact-queued, offer-accepted and
  contact-abandoned events, and offered = answered + abandoned +
  fallback + unresolved.

Usage: crash.py BIN WORKDIR PORT
"""
import json
import os
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
DB = os.path.join(WORK, "c.db")
LOG = os.path.join(WORK, "daemon.log")
ROUNDS = 4
CLIENTS = 4

lock = threading.Lock()
acked = {}      # key -> token
finished = set()  # keys whose finish was acknowledged
callbacks = {}  # key -> not_before (the text sent)


def fail(msg):
    print("FAIL store_crash: " + msg, file=sys.stderr)
    try:
        with open(LOG) as f:
            print("".join(f.readlines()[-25:]), file=sys.stderr)
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
    p = subprocess.Popen([BIN, "run", "--config",
                          os.path.join(WORK, "c.yaml")],
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


def login(user, password):
    s, b = call("POST", "/api/v1/login", body={"user": user,
                                               "password": password})
    if s != 200:
        fail("login of %s: %s %s" % (user, s, b))
    return b["token"]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def creator(token, rnd, idx, stop):
    """Create contacts until stop; record each one acknowledged."""
    n = 0
    while not stop.is_set():
        n += 1
        tok = "r%d-c%d-%d" % (rnd, idx, n)
        kind = n % 3
        body = {"tenant": "demo", "data": {"token": tok}}
        if kind == 0:
            body.update(queue="chat", channel="chat")
        elif kind == 1:
            body.update(queue="apps", channel="app")
        else:
            # due in an hour: stays scheduled across the crashes
            nb = iso(time.time() + 3600)
            body.update(queue="callbacks", channel="callback",
                        not_before=nb)
        try:
            s, b = call("POST", "/api/v1/contacts", token, body)
        except (urllib.error.URLError, ConnectionError, OSError):
            return  # the daemon died under us: not acknowledged
        if s != 201:
            fail("creation refused: %s %s" % (s, b))
        with lock:
            if b["id"] in acked:
                fail("key %d acknowledged twice" % b["id"])
            acked[b["id"]] = tok
            if kind == 2:
                callbacks[b["id"]] = body["not_before"]


def agent(token, stop):
    """agent1 takes chats: accept, then finish; records acknowledged ends."""
    s, b = call("PUT", "/api/v1/agents/demo/agent1/state", token,
                {"state": "ready"})
    if s != 200:
        fail("agent1 ready: %s %s" % (s, b))
    while not stop.is_set():
        try:
            s, b = call("GET", "/api/v1/contacts", token)
            mine = [c for c in b.get("contacts", [])
                    if c["agent"] == "agent1"]
            if not mine:
                time.sleep(0.01)  # no offer yet: a short poll
                continue
            key = mine[0]["id"]
            if mine[0]["state"] == "offered":
                call("POST", "/api/v1/contacts/%d/accept" % key, token)
            s, b = call("POST", "/api/v1/contacts/%d/finish" % key, token)
            if s == 200:
                with lock:
                    finished.add(key)
        except (urllib.error.URLError, ConnectionError, OSError, KeyError):
            return


def round_(rnd):
    p = start()
    admin = login("admin", "admin-pw")
    maria = login("maria", "maria-pw")
    stop = threading.Event()
    threads = [threading.Thread(target=creator, args=(admin, rnd, i, stop))
               for i in range(CLIENTS)]
    threads.append(threading.Thread(target=agent, args=(maria, stop)))
    for t in threads:
        t.start()
    target = len(acked) + 150
    deadline = time.time() + 20
    while len(acked) < target and time.time() < deadline:
        time.sleep(0.01)  # the load runs; the kill comes mid-stream
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    stop.set()
    for t in threads:
        t.join()


def check(db):
    # 1. every acknowledged creation, once, with its data
    rows = db.execute("SELECT key, payload, outcome, channel, queue, "
                      "not_before_ms FROM contacts").fetchall()
    by_key = {r[0]: r for r in rows}
    tokens = {}
    for k, payload, *_ in rows:
        t = json.loads(payload or "{}").get("token")
        if t in tokens:
            fail("token %s stored twice (keys %d, %d)" % (t, tokens[t], k))
        tokens[t] = k
    for k, tok in acked.items():
        if k not in by_key:
            fail("acknowledged contact %d (%s) is lost" % (k, tok))
        if tokens.get(tok) != k:
            fail("contact %d does not carry its data %s" % (k, tok))
    # 2. acknowledged finishes stay finished
    for k in finished:
        if by_key[k][2] != "completed":
            fail("contact %d was finished but is %s" % (k, by_key[k][2]))
    return by_key


def check_live(by_key, admin):
    s, b = call("GET", "/api/v1/contacts", admin)
    live = {c["id"]: c for c in b["contacts"]}
    open_keys = [k for k in acked if by_key[k][2] is None]
    for k in open_keys:
        if k not in live:
            fail("open contact %d is not back in its queue" % k)
    # in creation order: positions in each queue follow the keys
    for q in ("chat", "apps"):
        waiting = sorted((c for c in live.values()
                          if c["queue"] == q and c["state"] == "waiting"),
                         key=lambda c: c["id"])
        pos = [c["position"] for c in waiting]
        if pos != sorted(pos) or len(set(pos)) != len(pos):
            fail("queue %s is out of creation order: %s" %
                 (q, [(c["id"], c["position"]) for c in waiting][:20]))
    for k, nb in callbacks.items():
        c = live.get(k)
        if c is None or c["state"] != "scheduled":
            fail("callback %d is not scheduled: %s" % (k, c))
        if not c["not_before"].startswith(nb[:-1]):
            fail("callback %d is due at %s, not %s" %
                 (k, c["not_before"], nb))
    return len(open_keys)


def check_journal(db):
    bad = db.execute(
        "SELECT r.key, r.run, r.id FROM contact_runs r WHERE NOT EXISTS "
        "(SELECT 1 FROM journal j WHERE j.run = r.run AND j.contact = r.id "
        "AND j.type = 'contact-queued')").fetchall()
    if bad:
        fail("incarnations without their contact-queued event: %s" % bad[:5])
    done = db.execute(
        "SELECT c.key, (SELECT count(*) FROM journal j JOIN contact_runs r "
        "ON j.run = r.run AND j.contact = r.id WHERE r.key = c.key AND "
        "j.type = 'contact-completed') FROM contacts c "
        "WHERE c.outcome = 'completed'").fetchall()
    for k, n in done:
        if n != 1:
            fail("completed contact %d has %d completed events" % (k, n))
    return len(done)


def check_reports(db, t0_ms):
    """The queue report, summed over its intervals, against the journal."""
    t1_ms = int(time.time() * 1000) + 3600 * 1000
    out = subprocess.run([BIN, "report", "--store", DB, "--from",
                          str(t0_ms), "--to", str(t1_ms), "--interval", "60",
                          "--format", "json"], capture_output=True,
                         text=True)
    if out.returncode != 0:
        fail("centralino report failed: " + out.stderr)
    sums = {}
    for row in json.loads(out.stdout)["queues"]:
        q = sums.setdefault(row["queue"], dict.fromkeys(
            ("offered", "answered", "abandoned", "fallback",
             "unresolved"), 0))
        for k in q:
            q[k] += row[k]
    if set(sums) != {"chat", "apps", "callbacks"}:
        fail("the report's queues are %s" % sorted(sums))
    for queue, q in sums.items():
        for field, event in (("offered", "contact-queued"),
                             ("answered", "offer-accepted"),
                             ("abandoned", "contact-abandoned")):
            n = db.execute("SELECT count(*) FROM journal WHERE queue = ? "
                           "AND type = ? AND wall_ms >= ? AND wall_ms < ?",
                           (queue, event, t0_ms, t1_ms)).fetchone()[0]
            if q[field] != n:
                fail("report %s %s = %d, the journal has %d %s events" %
                     (queue, field, q[field], n, event))
        if q["offered"] != (q["answered"] + q["abandoned"] + q["fallback"]
                            + q["unresolved"]):
            fail("report %s: offered %d is not the sum of its outcomes %s"
                 % (queue, q["offered"], q))
    return sum(q["offered"] for q in sums.values())


def main():
    t0_ms = int(time.time() * 1000) - 60 * 1000
    for rnd in range(ROUNDS):
        round_(rnd)
    p = start()
    try:
        admin = login("admin", "admin-pw")
        db = sqlite3.connect(DB)
        by_key = check(db)
        n_open = check_live(by_key, admin)
        n_done = check_journal(db)
        n_offered = check_reports(db, t0_ms)
        runs = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        p.terminate()
        p.wait()
    if not finished:
        fail("the agent finished nothing: the test proves too little")
    print("ok   store_crash: %d kills, %d contacts acknowledged, all "
          "present once; %d finished stay completed (%d in all); %d open "
          "back in order; %d runs; the report's %d queue entries agree "
          "with the journal" % (ROUNDS, len(acked), len(finished), n_done,
                                n_open, runs, n_offered))


main()
