#!/bin/bash
# check_cli: "echomx check" without the test world: usage errors (exit 2),
# -n with and without a configuration file, the built-in scoring fallback,
# could-not-test (exit 1, valid JSON, a reason) when the resolver does not
# answer (a loopback port nobody listens on) or the trust anchor is
# unreadable. Network: loopback only.
. "$(dirname "$0")/../lib.sh"
need python3
E=$BIN/echomx
cd "$T"

expect_rc() { # rc command...
	local want=$1 rc=0
	shift
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = "$want" ] || { cat "$T/err"; fail "exit $rc, wanted $want: $*"; }
}

# usage
expect_rc 2 "$E" check
expect_rc 2 "$E" check a.test b.test
expect_rc 2 "$E" check --bogus-option a.test
expect_rc 2 "$E" check "bad domain" -c /dev/null
grep -q "character outside" "$T/err" || fail "no reason for a bad domain"
expect_rc 2 "$E" check a.test --timeout 0 -c /dev/null
expect_rc 2 "$E" check a.test --dkim-selector 'a;b' -c /dev/null
expect_rc 0 "$E" check --help
# -n prints the effective configuration, with or without a file
expect_rc 0 "$E" check -n -c /dev/null -o check_timeout=3s
grep -q '^check_timeout = 3s' "$T/out" || fail "-n does not show -o values"
cat >"$T/e.conf" <<'CONF'
resolver = 127.0.0.1@1
no_such_key = 1
CONF
expect_rc 2 "$E" check a.test -c "$T/e.conf"
grep -q "e.conf:2" "$T/err" || fail "config error without file:line"

# a resolver that does not answer: could not test, exit 1, valid JSON
port=$(free_port)
cat >"$T/c.conf" <<CONF
resolver = 127.0.0.1@$port
trust_anchor = /usr/share/dns/root.key
scoring_file = $T/missing-scoring.conf
check_total_timeout = 60s
CONF
start=$(date +%s)
expect_rc 1 "$E" check nothing.test --json --timeout 2 -c "$T/c.conf"
took=$(( $(date +%s) - start ))
[ "$took" -le 20 ] || fail "took $took s with a 2 s step timeout"
python3 - "$T/out" <<'PY' || fail "JSON for an untestable domain is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "echomx-check/1", d
assert d["tested"] is False and d["not_tested"], d
assert d["scoring"] == "built-in", d["scoring"]
ids = {f["id"]: f["status"] for f in d["findings"]}
assert ids.get("dns.mx") == "could-not-test", ids
for f in d["findings"]:
    # nothing that could not be looked up is reported as a failure
    assert f["status"] != "fail", f
PY
grep -q "could not test" "$T/err" || fail "no reason on stderr"
# text output says so too, and notes the built-in scoring
expect_rc 1 "$E" check nothing.test --text --timeout 2 -c "$T/c.conf"
grep -q "Could not test" "$T/out" || fail "text output without the reason"
grep -q "scoring: built-in" "$T/out" || fail "built-in scoring not noted"

# the whole check is bounded by check_total_timeout
start=$(date +%s)
expect_rc 1 "$E" check nothing.test --timeout 10 -c "$T/c.conf" \
    -o check_total_timeout=1s
[ $(( $(date +%s) - start )) -le 5 ] || fail "check_total_timeout ignored"
grep -q "check_total_timeout" "$T/err" || fail "no reason for the total timeout"

# an unreadable trust anchor: could not test at all
expect_rc 1 "$E" check nothing.test --trust-anchor "$T/none.key" -c "$T/c.conf"
grep -q "trust anchor" "$T/err" || fail "no reason for a missing trust anchor"
echo "ok"
