#!/bin/sh
# store_crash: SIGKILL the daemon under a load of chats, app requests and
# callbacks, four times; nothing acknowledged is lost or duplicated, the
# open contacts come back in order, the journal agrees (store/crash.py).
# Usage (from the repository root): sh tests/integration/store_crash.sh BIN
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

# a free loopback port for the API
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HASH=$(python3 - <<'PY'
import ctypes
s = ctypes.CDLL("libsodium.so.23"); s.sodium_init()
out = ctypes.create_string_buffer(128)
for pw in (b"admin-pw", b"maria-pw"):
    assert s.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                               ctypes.c_ulonglong(1), ctypes.c_size_t(8192)) == 0
    print(out.value.decode(), end=" ")
PY
)
set -- $HASH
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}]
queues:
  - {name: chat, tenant: demo}
  - {name: apps, tenant: demo}
  - {name: callbacks, tenant: demo}
agents:
  - {name: agent1, tenant: demo, queues: [chat]}
store: {path: "$T/c.db"}
http:
  listen: "127.0.0.1:$PORT"
users:
  - {name: admin, password_hash: "$1", role: administrator, tenants: [demo]}
  - {name: maria, password_hash: "$2", role: agent, tenants: [demo],
     agent: agent1}
EOF2
"$BIN" check-config "$T/c.yaml" >/dev/null
if ! python3 tests/integration/store/crash.py "$BIN" "$T" "$PORT"; then
	cp -r "$T" /tmp/store_crash.failed 2>/dev/null || true
	echo "files kept in /tmp/store_crash.failed" >&2
	exit 1
fi
