#!/bin/sh
# web_email: an e-mail on the agent desktop in a real browser. Dovecot
# and the SMTP sink on loopback, the daemon, Chromium with
# playwright-core (tests/browser/email.mjs): a mail with a hostile HTML
# part is shown with its text and its HTML sanitised (no script runs,
# nothing is fetched from the remote host), the agent answers from the
# desktop and the answers arrive in the customer's mailbox with their
# threading headers (tests/integration/email/desktop.py).
# Screenshots go to BUILD/test-output/web_email/ (kept; the path is
# printed).
# Usage (from the repository root): sh tests/integration/web_email.sh BIN
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
OUT=$(dirname "$BIN")/test-output/web_email
command -v node >/dev/null || { echo "FAIL web_email: node is not installed (scripts/install-deps)" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "FAIL web_email: /usr/bin/chromium is not installed (scripts/install-deps)" >&2; exit 1; }
[ -f node_modules/playwright-core/package.json ] ||
	{ echo "FAIL web_email: node_modules/playwright-core is missing: run scripts/install-deps (npm ci)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"
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
if ! /usr/bin/python3 tests/integration/email/desktop.py "$BIN" "$T" "$OUT" "$HASH"; then
	echo "web_email: screenshots and logs in $OUT" >&2
	exit 1
fi
echo "web_email: screenshots in $OUT"
