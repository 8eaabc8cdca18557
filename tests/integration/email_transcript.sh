#!/bin/sh
# email_transcript: a web chat's transcript mailed to the visitor, through
# a real SMTP server into a Dovecot mailbox
# (tests/integration/email/transcript.py).
# Usage (from the repository root): sh tests/integration/email_transcript.sh BIN
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
/usr/bin/python3 tests/integration/email/transcript.py "$BIN" "$T" "$HASH"
