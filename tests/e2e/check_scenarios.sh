#!/bin/bash
# check_scenarios: "echomx check NAME.test --json" for every scenario of
# the test world (tests/world/scenarios/NAME.conf), run on the world's
# client host, asserting the scenario's expect_colour / expect /
# expect_evidence lines (/work/notes/findings.md). Prints every mismatch;
# fails if there is any. Needs the world up (tools/check e2e does that).
. "$(dirname "$0")/../lib.sh"
need python3
[ -x "$BIN/echomx" ] || fail "no $BIN/echomx (make)"
"$TOP/tests/world/status" >/dev/null 2>&1 ||
    fail "the test world is not up (tests/world/up)"
cd "$TOP"
n=0
bad=0
for conf in tests/world/scenarios/*.conf; do
	name=$(basename "$conf" .conf)
	sel=$(sed -n 's/^expect_dkim_selector *= *//p' "$conf" | head -n 1)
	args=(check "$name.test" --json)
	[ -n "$sel" ] && args+=(--dkim-selector "$sel")
	out=$T/$name.json
	start=$(date +%s%N)
	rc=0
	tests/world/exec client "$BIN/echomx" "${args[@]}" >"$out" \
	    2>"$T/$name.err" || rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	n=$((n + 1))
	if ! python3 - "$conf" "$out" "$rc" "$name" "$ms" <<'PY'
import json, sys
conf, out, rc, name, ms = sys.argv[1:6]
exp_colour, expects, evid = None, [], []
for line in open(conf):
    line = line.strip()
    if not line or line.startswith('#') or '=' not in line:
        continue
    k, v = (x.strip() for x in line.split('=', 1))
    if k == 'expect_colour':
        exp_colour = v
    elif k == 'expect':
        i, st = v.split(None, 1)
        expects.append((i, st.strip()))
    elif k == 'expect_evidence':
        i, text = v.split(None, 1)
        evid.append((i, text.strip()))
try:
    doc = json.load(open(out))
except Exception as e:
    print("MISMATCH %s: output is not JSON (%s), exit %s" % (name, e, rc))
    sys.exit(1)
bad = 0
def miss(msg):
    global bad
    bad += 1
    print("MISMATCH %s: %s" % (name, msg))
if doc.get('schema') != 'echomx-check/1':
    miss("schema is %r" % doc.get('schema'))
if rc not in ('0', '1'):
    miss("exit status %s" % rc)
for cat in ('confidentiality', 'phishing', 'integrity'):
    s = doc.get('scores', {}).get(cat, {}).get('score')
    if not isinstance(s, int) or not 0 <= s <= 100:
        miss("score %s is %r" % (cat, s))
f = doc.get('findings', [])
if exp_colour and doc.get('colour') != exp_colour:
    miss("colour %s, expected %s (%s)" % (doc.get('colour'), exp_colour,
         doc.get('colour_why')))
for i, st in expects:
    have = [x['status'] for x in f if x['id'] == i]
    if st not in have:
        miss("expect %s %s; have %s" % (i, st, have or 'no such finding'))
for i, text in evid:
    if not any(x['id'] == i and text in x['evidence'] for x in f):
        ev = [x['evidence'] for x in f if x['id'] == i]
        miss("expect_evidence %s %r; evidence %s" % (i, text, ev))
sc = doc.get('scores', {})
def show(k):
    c = sc.get(k, {})
    return "%3s" % c.get('score') if c.get('tested', True) else "n/a"
print("%-22s %-6s conf %s phish %s integ %s  %3d findings  %5s ms  %s" % (
    name, doc.get('colour'), show('confidentiality'), show('phishing'),
    show('integrity'), len(f), ms,
    "ok" if not bad else "%d mismatch(es)" % bad))
sys.exit(1 if bad else 0)
PY
	then
		bad=$((bad + 1))
		sed 's/^/    stderr: /' "$T/$name.err" | head -n 5
	fi
	# results against a world that vanished mean nothing
	"$TOP/tests/world/status" >/dev/null 2>&1 ||
	    fail "the test world went down during the test (after $name)"
done
[ "$n" -gt 0 ] || fail "no scenarios in tests/world/scenarios"
echo "$n scenarios, $bad with mismatches"
[ "$bad" -eq 0 ] || fail "$bad scenario(s) did not meet their expectations"
