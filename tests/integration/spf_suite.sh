#!/bin/bash
# spf_suite: convert the RFC 7208 test suite as installed by Debian's
# python3-spf (not the committed copy) with tests/spf/yaml2cases.py, check
# the committed tests/spf/rfc7208-cases.txt is what the converter makes,
# and run every case through our evaluator (build/tests/test_spf_suite;
# the ASan build's copy in the asan phase). Prints the pass count.
. "$(dirname "$0")/../lib.sh"
need python3
suite=/usr/share/doc/python3-spf/rfc7208-tests.yml.gz
[ -f "$suite" ] || fail "$suite missing (package python3-spf)"
python3 -c 'import yaml' || fail "python3-yaml missing"
runner=$TOP/build/tests/test_spf_suite
case "$BIN" in */asan/bin) runner=$TOP/build/asan/tests/test_spf_suite ;; esac
[ -x "$runner" ] || fail "$runner not built (make $runner)"

python3 "$TOP/tests/spf/yaml2cases.py" "$suite" >"$T/cases.txt" 2>"$T/conv.err" ||
	fail "yaml2cases failed: $(cat "$T/conv.err")"
cat "$T/conv.err"
grep -q '203 cases' "$T/conv.err" || note "suite size changed: $(cat "$T/conv.err")"
cmp -s "$T/cases.txt" "$TOP/tests/spf/rfc7208-cases.txt" ||
	fail "tests/spf/rfc7208-cases.txt differs from the converted suite; regenerate it"

"$runner" "$T/cases.txt" >"$T/out.txt" 2>&1 || { cat "$T/out.txt"; fail "SPF suite"; }
grep -E '^(EXCEPT|FAIL|STALE)' "$T/out.txt" || true
summary=$(tail -n 1 "$T/out.txt")
echo "$summary"
# the count must be real: at least 200 cases, none failed
set -- $summary
[ "$1" -ge 200 ] || fail "only $1 cases ran"
[ "$5" = 0 ] || fail "$summary"
