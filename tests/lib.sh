# tests/lib.sh: shared helpers for integration and end-to-end test scripts.
# Sourced; provides: $TOP, $BIN, $T (a private temporary directory removed
# on exit), fail MSG, free_port, wait_port HOST PORT [SECONDS], need CMD.
set -eu
TOP=${ECHOMX_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ECHOMX_BIN:-$TOP/bin}
case "$BIN" in /*) ;; *) BIN=$TOP/$BIN ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/echomx-test.XXXXXX")
_cleanup_fns=""
on_exit() { _cleanup_fns="$1 $_cleanup_fns"; }
_run_cleanup() {
	rc=$?
	for f in $_cleanup_fns; do "$f" || true; done
	rm -rf "$T"
	exit $rc
}
trap _run_cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }
# A missing tool is a failure, loudly: never a silent skip.
need() { command -v "$1" >/dev/null 2>&1 || fail "required tool '$1' is missing (make deps)"; }

# A TCP port nobody listens on now, from the ephemeral range.
free_port() {
	python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# wait_port HOST PORT [SECONDS]: until something accepts there.
wait_port() {
	_n=$(( ${3:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		if python3 -c "import socket,sys; socket.create_connection(('$1', $2), 0.2).close()" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	fail "nothing listens on $1:$2 after ${3:-10}s"
}

# stop_pid PID: TERM, wait up to 5 s, then KILL.
stop_pid() {
	[ -n "${1:-}" ] || return 0
	kill "$1" 2>/dev/null || return 0
	_n=50
	while kill -0 "$1" 2>/dev/null && [ $_n -gt 0 ]; do sleep 0.1; _n=$((_n-1)); done
	kill -9 "$1" 2>/dev/null || true
}
