#!/bin/sh
# email_outbox: an answer committed while the SMTP server is down, or just
# before a SIGKILL, reaches the customer once after the server or the
# daemon is back (tests/integration/email/outbox.py).
# Usage (from the repository root): sh tests/integration/email_outbox.sh BIN
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
if ! /usr/bin/python3 tests/integration/email/outbox.py "$BIN" "$T" "$HASH"; then
	rm -rf /tmp/email_outbox.failed
	cp -r "$T" /tmp/email_outbox.failed 2>/dev/null || true
	echo "files kept in /tmp/email_outbox.failed" >&2
	exit 1
fi
