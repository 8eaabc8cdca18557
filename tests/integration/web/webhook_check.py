#!/usr/bin/python3
"""webhook_check.py - webhooks deliver a tenant's events, signed, in
order, retried after failures, and nothing of another tenant.

A receiver (http.server, on loopback) answers 500 to its first two POSTs
and 200 afterwards, and keeps every request. The daemon (already started
by web_webhook.sh on a configuration with the webhooks 'crm', to this
receiver, and 'dead', to a closed port with 2 attempts) is driven through
the API: contacts in tenant demo and in tenant other, an agent going
ready. Then: every event the receiver acknowledged is of tenant demo and
of a type the webhook asks for, carries a valid signature, the
acknowledged ones are in strictly increasing seq order with no gap
relative to what was sent, failed attempts were retried with the same
delivery id, and the dead webhook's deliveries were dropped after 2
attempts (the daemon's log).

Usage: webhook_check.py BASE_URL RECEIVER_PORT LOG SECRET
"""
import hashlib
import hmac
import http.server
import json
import sys
import threading
import time
import urllib.error
import urllib.request

BASE, PORT, LOG, SECRET = sys.argv[1], int(sys.argv[2]), sys.argv[3], \
    sys.argv[4].encode()
got = []        # (status answered, headers, body) in arrival order
lock = threading.Lock()
arrived = threading.Condition(lock)


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with lock:
            status = 500 if len(got) < 2 else 200
            got.append((status, dict(self.headers), body))
            arrived.notify_all()
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def fail(msg):
    print("FAIL web_webhook: " + msg, file=sys.stderr)
    sys.exit(1)


def call(method, path, token=None, body=None):
    req = urllib.request.Request(
        BASE + path, method=method,
        data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def acknowledged():
    return [(h, b) for s, h, b in got if s == 200]


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Receiver)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    s, b = call("POST", "/api/v1/login",
                body={"user": "admin", "password": "admin-pw"})
    token = b["token"]
    for i in range(3):
        s, _ = call("POST", "/api/v1/contacts", token,
                    {"tenant": "demo", "queue": "chat", "channel": "app"})
        if s != 201:
            fail("a contact in demo was refused: %d" % s)
        s, _ = call("POST", "/api/v1/contacts", token,
                    {"tenant": "other", "queue": "sales",
                     "channel": "app"})
        if s != 201:
            fail("a contact in other was refused: %d" % s)
    s, _ = call("PUT", "/api/v1/agents/demo/agent1/state", token,
                {"state": "ready"})
    # 3 contact-queued + agent-state ready + the offer's reservation: wait
    # for at least 4 acknowledged deliveries
    deadline = time.time() + 15
    with arrived:
        while len(acknowledged()) < 4 and time.time() < deadline:
            arrived.wait(deadline - time.time())
    acks = acknowledged()
    if len(acks) < 4:
        fail("only %d deliveries acknowledged: %r" % (len(acks), got))
    seqs = []
    for h, b in acks:
        ev = json.loads(b)
        sig = h.get("X-Centralino-Signature", "")
        t, v1 = sig.split(",")[0][2:], sig.split("v1=")[-1]
        want = hmac.new(SECRET, t.encode() + b"." + b,
                        hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, v1):
            fail("bad signature on %s" % b[:80])
        if abs(int(t) - time.time()) > 300:
            fail("signature time %s is not now" % t)
        if ev.get("tenant") != "demo":
            fail("an event of tenant %s reached demo's webhook" %
                 ev.get("tenant"))
        if ev["type"] not in ("contact-queued", "agent-state"):
            fail("an event of type %s was not asked for" % ev["type"])
        if h.get("X-Centralino-Event") != ev["type"]:
            fail("X-Centralino-Event %s for a %s" %
                 (h.get("X-Centralino-Event"), ev["type"]))
        seqs.append(ev["seq"])
    if seqs != sorted(seqs) or len(set(seqs)) != len(seqs):
        fail("deliveries out of order or doubled: %s" % seqs)
    # the two failures were retries of the first delivery: same id
    ids = [h.get("X-Centralino-Delivery") for s, h, b in got]
    if ids[0] != ids[1] or ids[1] != ids[2]:
        fail("the failed delivery was not retried as itself: %s" % ids[:3])
    first = json.loads(got[0][2])
    if first["type"] != "contact-queued":
        fail("the first delivery is a %s" % first["type"])
    # the dead webhook gave up after its 2 attempts
    deadline = time.time() + 10
    while time.time() < deadline:
        if "event=webhook.dropped webhook=dead" in open(LOG).read():
            break
        time.sleep(0.05)  # the log is a file: polled
    else:
        fail("the dead webhook's delivery was never dropped")
    # the daemon counts a delivery once it has read the 200, a moment
    # after the receiver sent it: the counter is awaited, not raced
    deadline = time.time() + 10
    while True:
        with urllib.request.urlopen(BASE + "/metrics", timeout=5) as r:
            metrics = r.read().decode()
        line = [l for l in metrics.splitlines() if l.startswith(
            'centralino_webhook_delivered_total{webhook="crm"}')]
        if line and int(line[0].split()[-1]) >= len(acks):
            break
        if time.time() > deadline:
            fail("/metrics does not count the deliveries: %s" % line)
        time.sleep(0.05)  # polling a counter: no event to wait on
    print("ok   web_webhook: %d deliveries acknowledged in order, %d "
          "attempts in all, signatures valid, nothing of tenant other, "
          "the dead webhook dropped after 2 attempts" %
          (len(acks), len(got)))
    srv.shutdown()


main()
