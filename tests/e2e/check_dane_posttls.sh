#!/bin/bash
# check_dane_posttls: cross-check echomx's DANE verdicts with Postfix's
# posttls-finger (-l dane) on the world's scenarios that publish TLSA
# records: where posttls-finger says "Matched DANE" for MX[IP], echomx
# must say dane.match pass for "MX IP"; where it says "no matching DANE
# TLSA records", dane.match fail; where DANE does not apply (TLSA in an
# unsigned zone), echomx must not pass DANE for that host.
. "$(dirname "$0")/../lib.sh"
need python3
need posttls-finger
"$TOP/tests/world/status" >/dev/null 2>&1 ||
    fail "the test world is not up (tests/world/up)"
cd "$TOP"
mkdir -p "$T/pf"
: >"$T/pf/main.cf"	# posttls-finger wants a main.cf; defaults are fine
bad=0
n=0
for conf in tests/world/scenarios/*.conf; do
	grep -Eq '^mx *=.*tlsa=(right|wrong)' "$conf" || continue
	name=$(basename "$conf" .conf)
	n=$((n + 1))
	tests/world/exec client "$BIN/echomx" check "$name.test" --json \
	    >"$T/$name.json" 2>/dev/null || true
	timeout 60 ip netns exec client env MAIL_CONFIG="$T/pf" \
	    posttls-finger -c -l dane -t 10 -T 10 "$name.test" \
	    >"$T/$name.ptf" 2>&1 || true
	if ! python3 - "$T/$name.json" "$T/$name.ptf" "$name" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
ptf = open(sys.argv[2]).read()
name = sys.argv[3]
dm = {f["subject"]: f["status"] for f in doc["findings"] if f["id"] == "dane.match"}
bad = 0
seen = 0
events = []
for m in re.finditer(r"(\S+)\[([0-9a-f:.]+)\]:25: Matched DANE", ptf):
    events.append((m.group(1), m.group(2), "pass"))
for m in re.finditer(r"verification failed for (\S+)\[([0-9a-f:.]+)\]:25: "
                     r"[^\n]*no matching DANE", ptf):
    events.append((m.group(1), m.group(2), "fail"))
for host, ip, want in events:
    subj = "%s %s" % (host, ip)
    seen += 1
    have = dm.get(subj)
    print("%s: posttls-finger %s, echomx dane.match %s" % (subj, want, have))
    if have != want:
        bad += 1
if seen == 0:
    # DANE did not apply for posttls-finger: echomx must not pass it
    for s, st in dm.items():
        if st == "pass":
            print("%s: posttls-finger used no DANE, echomx passed it" % s)
            bad += 1
    print("%s: DANE not applied by posttls-finger; echomx dane.match %s" % (name, dm or "absent"))
sys.exit(1 if bad else 0)
PY
	then
		bad=$((bad + 1))
		echo "MISMATCH $name"
		sed 's/^/    ptf: /' "$T/$name.ptf" | head -n 6
	fi
done
[ "$n" -gt 0 ] || fail "no scenario with TLSA records"
echo "$n scenarios cross-checked, $bad disagree"
[ "$bad" -eq 0 ] || fail "echomx and posttls-finger disagree on DANE"
