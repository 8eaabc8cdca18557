#!/bin/sh
# store_backup: `centralino backup` while the daemon takes contacts; each
# copy is sound and holds every contact acknowledged before it started;
# the refusals; a copy restored as docs/store.md says comes back with its
# contacts (store/backup.py).
# Usage (from the repository root): sh tests/integration/store_backup.sh BIN
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
pw = b"admin-pw"
assert s.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                           ctypes.c_ulonglong(1), ctypes.c_size_t(8192)) == 0
print(out.value.decode())
PY
)
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}]
queues: [{name: chat, tenant: demo}]
agents: [{name: agent1, tenant: demo, queues: [chat]}]
store: {path: "$T/c.db"}
http: {listen: "127.0.0.1:$PORT"}
users:
  - {name: admin, password_hash: "$HASH", role: administrator, tenants: [demo]}
EOF2
"$BIN" check-config "$T/c.yaml" >/dev/null
if ! python3 tests/integration/store/backup.py "$BIN" "$T" "$PORT"; then
	cp -r "$T" /tmp/store_backup.failed 2>/dev/null || true
	echo "files kept in /tmp/store_backup.failed" >&2
	exit 1
fi
