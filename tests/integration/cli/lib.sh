# Shared by the integration tests of the centralino commands (simulate,
# staffing, bench). Source it after setting cmd (the subcommand); the
# test is run as `sh SCRIPT /path/to/centralino` from the repo root.
# Sets bin, py (a python3), tmp (removed at exit), failures; defines
# fail and run.
set -u

bin=${1:?usage: sh SCRIPT /path/to/centralino}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run EXPECTED_STATUS ARGS...: centralino $cmd ARGS, output in $tmp/out
# and $tmp/err; a different exit status is a failure.
run() {
	want=$1
	shift
	"$bin" "$cmd" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "$cmd $* exited $got, want $want"
		sed 's/^/  stderr: /' "$tmp/err" >&2
	fi
}
