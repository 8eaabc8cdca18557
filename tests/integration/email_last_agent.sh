#!/bin/sh
# email_last_agent: a customer's reply to an answered thread goes back to
# the agent who answered it, or to the queue when that agent is gone,
# against Dovecot and an SMTP sink (tests/integration/email/last_agent.py).
# Usage (from the repository root): sh tests/integration/email_last_agent.sh BIN
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
# short: Dovecot's socket paths are limited to 108 bytes
T=$(mktemp -d /tmp/em.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT INT TERM
HASH=$(python3 - <<'PY'
import ctypes
s = ctypes.CDLL("libsodium.so.23"); s.sodium_init()
out = ctypes.create_string_buffer(128)
pw = b"maria-pw"
assert s.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                           ctypes.c_ulonglong(1), ctypes.c_size_t(8192)) == 0
print(out.value.decode())
PY
)
if ! /usr/bin/python3 tests/integration/email/last_agent.py "$BIN" "$T" "$HASH"; then
	rm -rf /tmp/email_last_agent.failed
	cp -r "$T" /tmp/email_last_agent.failed 2>/dev/null || true
	echo "files kept in /tmp/email_last_agent.failed" >&2
	exit 1
fi
