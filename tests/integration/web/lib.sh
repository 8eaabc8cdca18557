# lib.sh - what the web integration tests share, sourced by
# tests/integration/web_*.sh after setting `name`; $1 is the daemon.
#
# Gives a temp dir $T (removed at exit), $BIN, $PY (Debian's python3),
# fail/ok, free loopback ports, argon2id hashes made by libsodium itself
# (cheap parameters: a test), and web_start CONFIG: the daemon on it,
# ready once it logs http.listening, stopped by the trap.

set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PY=/usr/bin/python3 # Debian's: python3-yaml and python3-jsonschema
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
daemon_pid=""

web_cleanup() {
	status=$?
	set +e
	if [ -n "$daemon_pid" ]; then
		kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
		# a sanitizer build reports memory errors and leaks at exit
		if grep -q "Sanitizer" "$T/daemon.log" 2>/dev/null; then
			grep -A 20 "Sanitizer" "$T/daemon.log" | head -n 60 >&2
			echo "$name: FAIL: the daemon reported a memory error" >&2
			status=1
		fi
	fi
	rm -rf "$T"
	exit "$status"
}
trap web_cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL $name: $*" >&2
	tail -n 20 "$T/daemon.log" >&2 2>/dev/null
	exit 1
}
ok() { echo "ok   $name: $*"; }

# A free loopback port (TCP and UDP alike, in practice).
web_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# web_hash PASSWORD...: one argon2id hash per password, space-separated.
web_hash() {
	$PY - "$@" <<'PY' || fail "cannot hash a password with libsodium"
import ctypes, sys
s = ctypes.CDLL("libsodium.so.23"); s.sodium_init()
out = ctypes.create_string_buffer(128)
for pw in sys.argv[1:]:
    pw = pw.encode()
    if s.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                           ctypes.c_ulonglong(1), ctypes.c_size_t(8192)):
        sys.exit(1)
    print(out.value.decode(), end=" ")
PY
}

# web_start CONFIG: the daemon on CONFIG, its log in $T/daemon.log.
web_start() {
	"$BIN" run --config "$1" >"$T/daemon.log" 2>&1 &
	daemon_pid=$!
	_i=0
	until grep -q "event=http.listening" "$T/daemon.log"; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || fail "the daemon did not listen within 10 s"
		kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
		sleep 0.1
	done
}
