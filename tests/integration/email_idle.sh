#!/bin/sh
# email_idle: IMAP IDLE wakes the e-mail worker at once (a 60 s poll is
# not what takes the mail), comes back after the server kicks it, and a
# server without IDLE is still polled; against Dovecot on loopback
# (tests/integration/email/idle.py).
# Usage (from the repository root): sh tests/integration/email_idle.sh BIN
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
# short: Dovecot's socket paths are limited to 108 bytes
T=$(mktemp -d /tmp/em.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT INT TERM
if ! timeout 120 /usr/bin/python3 tests/integration/email/idle.py "$BIN" "$T"; then
	rm -rf /tmp/email_idle.failed
	cp -r "$T" /tmp/email_idle.failed 2>/dev/null || true
	echo "files kept in /tmp/email_idle.failed" >&2
	exit 1
fi
