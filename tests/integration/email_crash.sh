#!/bin/sh
# email_crash: SIGKILL between a mail's commit and its mark in the mailbox
# loses nothing and doubles nothing (tests/integration/email/crash.py).
# Usage (from the repository root): sh tests/integration/email_crash.sh BIN
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
# short: Dovecot's socket paths are limited to 108 bytes
T=$(mktemp -d /tmp/em.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT INT TERM
if ! /usr/bin/python3 tests/integration/email/crash.py "$BIN" "$T"; then
	rm -rf /tmp/email_crash.failed
	cp -r "$T" /tmp/email_crash.failed 2>/dev/null || true
	echo "files kept in /tmp/email_crash.failed" >&2
	exit 1
fi
