#!/bin/sh
# web_login: a sign-in's argon2id check runs off the event loop. The
# admin's hash is made expensive on purpose (about a second); while one
# sign-in is being checked, other requests (/metrics) are answered at
# once, and the sign-in itself still succeeds; a wrong password is still
# refused. With the check on the loop, /metrics would wait the second.
# Usage (from the repository root): sh tests/integration/web_login.sh BIN
name=web_login
. tests/integration/web/lib.sh

PORT=$(web_port)
# opslimit 8, 128 MiB: a deliberately slow check
HASH=$($PY - <<'PY'
import ctypes
s = ctypes.CDLL("libsodium.so.23"); s.sodium_init()
out = ctypes.create_string_buffer(128)
pw = b"admin-pw"
assert s.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                           ctypes.c_ulonglong(8),
                           ctypes.c_size_t(128 << 20)) == 0
print(out.value.decode())
PY
)
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}]
queues: [{name: q, tenant: demo}]
http:
  listen: "127.0.0.1:$PORT"
store: {path: "$T/c.db"}
users:
  - {name: admin, password_hash: "$HASH", role: administrator, tenants: [demo]}
EOF2
web_start "$T/c.yaml"
$PY - "http://127.0.0.1:$PORT" <<'PY' || fail "see above"
import json, sys, threading, time, urllib.request, urllib.error
base = sys.argv[1]

def login(pw, out):
    t0 = time.monotonic()
    req = urllib.request.Request(base + "/api/v1/login", method="POST",
        data=json.dumps({"user": "admin", "password": pw}).encode())
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            out["status"] = r.status
    except urllib.error.HTTPError as e:
        out["status"] = e.code
    out["s"] = time.monotonic() - t0

def metrics():
    t0 = time.monotonic()
    with urllib.request.urlopen(base + "/metrics", timeout=30) as r:
        r.read()
    return time.monotonic() - t0

metrics()  # warm
res = {}
th = threading.Thread(target=login, args=("admin-pw", res))
th.start()
quick = []
while th.is_alive():  # requests all along the sign-in's check
    quick.append(metrics())
th.join()
if len(quick) < 3:
    sys.exit("FAIL web_login: only %d requests answered during a %.3f s "
             "sign-in: the check holds the loop" % (len(quick), res["s"]))
if res.get("status") != 200:
    sys.exit("FAIL web_login: the slow sign-in got %s" % res)
if res["s"] < 0.2:
    sys.exit("FAIL web_login: the check took %.3f s: the hash is not "
             "slow enough to prove anything" % res["s"])
if max(quick) > res["s"] / 2:
    sys.exit("FAIL web_login: /metrics waited %.3f s while a sign-in "
             "was checked (%.3f s): the check holds the loop" %
             (max(quick), res["s"]))
bad = {}
login("wrong", bad)
if bad.get("status") != 401:
    sys.exit("FAIL web_login: a wrong password got %s" % bad)
with urllib.request.urlopen(base + "/metrics", timeout=5) as r:
    text = r.read().decode()
count = [l for l in text.splitlines()
         if l.startswith("centralino_loop_lag_seconds_count ")]
if not count or int(count[0].split()[1]) < 1 or \
        'centralino_loop_lag_seconds_bucket{le="0.020"}' not in text:
    sys.exit("FAIL web_login: /metrics has no loop lag histogram")
print("ok   web_login: sign-in checked in %.2f s off the loop; %d /metrics "
      "meanwhile, the slowest in %.0f ms; a wrong password 401" %
      (res["s"], len(quick), max(quick) * 1000))
PY
