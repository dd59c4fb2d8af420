#!/bin/bash
# rotator_update: echomx-rotator publishing through RFC 2136 dynamic
# updates with TSIG to a Knot primary (dnssec-signing: off) on loopback:
# the zones reach Knot signed and a validating unbound sees AD answers
# through it; one rotation later an UPDATE changes the first MX; a wrong
# TSIG secret, and a key that may transfer but not update, are refused,
# logged, and change nothing; nothing is sent when nothing changed; a zone
# whose AXFR takes many messages is read (every message's TSIG verified)
# and an UPDATE too large for one message fails cleanly.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rotator_common"
need knotd
need unbound
need dig
need openssl
need ldns-verify-zone

R=$BIN/echomx-rotator
[ -x "$R" ] || fail "$R not built"
[ -x "$BIN/echomx" ] || fail "$BIN/echomx not built"
S=$T/state
K=$T/knot
mkdir -p "$K/zones" "$K/db" "$K/run"
"$BIN/echomx" init -c "$TOP/conf/echomx.conf" -o "state_dir=$S" \
	>"$T/init.log" 2>&1 || { cat "$T/init.log"; fail "echomx init failed"; }

ZONES="echomx.test et.echomx.test ut.echomx.test mx08.et.echomx.test"
KP=$(free_port)
UP=$(free_port)
while [ "$UP" = "$KP" ]; do UP=$(free_port); done
SECRET=$(openssl rand -base64 32)
ROSECRET=$(openssl rand -base64 32)
BADSECRET=$(openssl rand -base64 32)

# --- the TSIG key files: BIND syntax, the one-line form, Knot syntax ----
printf 'key "upd.echomx.test" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' \
	"$SECRET" >"$T/upd.key"
printf 'upd.echomx.test hmac-sha256 %s\n' "$BADSECRET" >"$T/bad.key"
printf 'key:\n  - id: ro.echomx.test\n    algorithm: hmac-sha256\n    secret: %s\n' \
	"$ROSECRET" >"$T/ro.key"
chmod 600 "$T/upd.key" "$T/bad.key" "$T/ro.key"

# --- Knot: the primary; it stores what it is sent and never signs -------
knot_conf() { # dir port zone...
	local d=$1 p=$2 z
	shift 2
	echo "server:"
	echo "    rundir: \"$d/run\""
	echo "    pidfile: \"$d/knot.pid\""
	echo "    listen: 127.0.0.1@$p"
	echo "database:"
	echo "    storage: \"$d/db\""
	echo "key:"
	echo "  - id: upd.echomx.test"
	echo "    algorithm: hmac-sha256"
	echo "    secret: $SECRET"
	echo "  - id: ro.echomx.test"
	echo "    algorithm: hmac-sha256"
	echo "    secret: $ROSECRET"
	echo "acl:"
	echo "  - id: rotator"
	echo "    key: upd.echomx.test"
	echo "    action: [update, transfer]"
	echo "  - id: readonly"
	echo "    key: ro.echomx.test"
	echo "    action: transfer"
	echo "template:"
	echo "  - id: default"
	echo "    storage: \"$d/zones\""
	echo "    file: \"%s.zone\""
	echo "    dnssec-signing: off"
	echo "    zonefile-sync: -1"
	echo "    journal-content: changes"
	echo "    acl: [rotator, readonly]"
	echo "zone:"
	for z in "$@"; do echo "  - domain: $z"; done
	echo "log:"
	echo "  - target: stderr"
	echo "    any: info"
	echo "control:"
	echo "    listen: \"$d/knot.sock\""
}
# shellcheck disable=SC2086
knot_conf "$K" "$KP" $ZONES >"$K/knot.conf"
# The zones exist on the primary before the first update (serial 1).
for z in $ZONES; do
	{
		echo "\$ORIGIN $z."
		echo "@ 60 IN SOA ns1.echomx.test. hostmaster.$z. 1 3600 600 86400 60"
		echo "@ 60 IN NS ns1.echomx.test."
		[ "$z" = echomx.test ] && echo "ns1 60 IN A 127.0.0.1"
	} >"$K/zones/$z.zone"
done
knotd -c "$K/knot.conf" >"$T/knot.log" 2>&1 &
KNOT_PID=$!
stop_knot() { stop_pid "$KNOT_PID"; }
on_exit stop_knot
wait_port 127.0.0.1 "$KP" 10
kq() { dig +time=5 +tries=1 +norec -p "$KP" @127.0.0.1 "$@"; }
serial() { kq +short SOA "$1" | cut -d' ' -f3; }
n=0
until [ "$(serial et.echomx.test)" = 1 ]; do
	n=$((n + 1)); [ $n -lt 50 ] || { cat "$T/knot.log"; fail "Knot does not serve et"; }
	sleep 0.1
done
ddns() { grep -c 'DDNS, finished' "$T/knot.log" || true; }

T0=$(( $(date +%s) / 300 * 300 + 7 ))
OPTS=(-c "$TOP/conf/echomx.conf" -o "state_dir=$S"
	-o "zone_template_dir=$TOP/zones" -o "zone_ns_addresses=127.0.0.1"
	-o "update_server=127.0.0.1@$KP" -o "update_timeout=5s")
"$R" "${OPTS[@]}" -o "update_tsig_key_file=$T/upd.key" -n >/dev/null ||
	fail "config check failed"
# A key file readable by others is a configuration error.
chmod 644 "$T/upd.key"
if "$R" "${OPTS[@]}" -o "update_tsig_key_file=$T/upd.key" -n \
    >/dev/null 2>"$T/mode.log"; then
	fail "a key file of mode 0644 was accepted"
fi
grep -q 'chmod 600' "$T/mode.log" || { cat "$T/mode.log"; fail "no mode error"; }
chmod 600 "$T/upd.key"

# --- first run: every zone goes to Knot in one UPDATE each -------------
"$R" "${OPTS[@]}" -o "update_tsig_key_file=$T/upd.key" --once --now "$T0" \
	2>"$T/run1.log" || { cat "$T/run1.log"; fail "first run failed"; }
for z in $ZONES; do
	grep -q "event=zone_updated zone=$z server=127.0.0.1@$KP .*previous=1 " \
		"$T/run1.log" || { cat "$T/run1.log"; fail "zone $z not updated"; }
	want=$(grep -P '\tSOA\t' "$S/zones/$z.zone" | awk '{print $7}')
	[ -n "$want" ] && [ "$(serial "$z")" = "$want" ] ||
		fail "Knot serves serial $(serial "$z") for $z, not $want"
	# What Knot serves is exactly what was signed, and it verifies.
	kq -y "hmac-sha256:upd.echomx.test:$SECRET" AXFR "$z" |
		grep -v '^;' | grep -v 'TSIG' | sed '/^$/d' | sed '$d' \
		>"$T/axfr-$z.zone"
	[ "$z" = mx08.et.echomx.test ] ||
		ldns-verify-zone -t "$(date -u -d @"$T0" +%Y%m%d%H%M%S)" \
		    "$T/axfr-$z.zone" >"$T/verify.log" 2>&1 ||
			{ cat "$T/verify.log"; fail "Knot's copy of $z does not verify"; }
	a=$(grep -vc '^;' "$T/axfr-$z.zone")
	b=$(grep -v '^;' "$S/zones/$z.zone" | grep -c .)
	[ "$a" = "$b" ] || fail "$z: Knot has $a records, the rotator signed $b"
done
grep -q 'RRSIG' "$T/axfr-et.echomx.test.zone" || fail "no RRSIG at Knot"
grep -q 'DNSKEY' "$T/axfr-et.echomx.test.zone" || fail "no DNSKEY at Knot"

# --- validating unbound, every zone stubbed to Knot --------------------
"$R" "${OPTS[@]}" --print-ds >"$T/ta.ds" || fail "--print-ds failed"
start_unbound "$KP" $ZONES
secure_mx() {
	local out
	out=$(q +dnssec MX et.echomx.test) || fail "dig MX failed"
	echo "$out" | grep -q 'status: NOERROR' ||
		{ echo "$out"; tail -20 "$T/unbound.log"; fail "MX et: not NOERROR"; }
	echo "$out" | grep -q 'flags:.* ad' ||
		{ echo "$out"; tail -20 "$T/unbound.log"; fail "MX et: no AD flag"; }
	[ "$(echo "$out" | grep -c 'IN[[:space:]]MX[[:space:]]')" = 8 ] ||
		fail "expected 8 MX records in et"
	echo "$out" | awk '$4 == "MX" { print $5, $6 }' | sort -n | head -1 |
		cut -d' ' -f2
}
v1=$(secure_mx)
q +dnssec TLSA _25._tcp.mx04.et.echomx.test | grep -q 'flags:.* ad' ||
	fail "TLSA mx04: no AD flag"
q +dnssec MX ut.echomx.test | grep -q 'flags:.* ad' || fail "MX ut: no AD"
q A mx08.et.echomx.test | grep -q 'status: SERVFAIL' ||
	fail "bogus probe name did not SERVFAIL"
expect_cd_answer mx08.et.echomx.test 127.0.1.8

first() { kq +short MX et.echomx.test | sort -n | head -1 | cut -d' ' -f2; }
f1=$(first)
[ "$f1" = "$v1" ] || fail "unbound's first MX $v1 is not Knot's $f1"
s1=$(serial et.echomx.test)
su=$(serial ut.echomx.test)

# --- nothing changed: nothing is sent ----------------------------------
d0=$(ddns)
x0=$(grep -c 'AXFR, outgoing' "$T/knot.log" || true)
"$R" "${OPTS[@]}" -o "update_tsig_key_file=$T/upd.key" --once \
	--now "$((T0 + 10))" 2>"$T/run2.log" || { cat "$T/run2.log"; fail "second run failed"; }
grep -q 'event=run .*changed=- status=ok' "$T/run2.log" ||
	{ cat "$T/run2.log"; fail "unchanged input was sent"; }
grep -q 'zone_updated' "$T/run2.log" && fail "an UPDATE without a change"
[ "$(ddns)" = "$d0" ] || fail "Knot processed an update without a change"
[ "$(grep -c 'AXFR, outgoing' "$T/knot.log" || true)" = "$x0" ] ||
	fail "AXFR without a change"

# --- a wrong TSIG secret: refused, logged, nothing changes -------------
if "$R" "${OPTS[@]}" -o "update_tsig_key_file=$T/bad.key" --once \
    --now "$((T0 + 300))" 2>"$T/run3.log"; then
	fail "a run with a wrong TSIG secret exited 0"
fi
grep -q 'event=zone_failed zone=et.echomx.test .*BADSIG' "$T/run3.log" ||
	{ cat "$T/run3.log"; fail "wrong secret: no BADSIG failure logged"; }
grep -q 'zone_updated' "$T/run3.log" && fail "updated with a wrong secret"
[ "$(ddns)" = "$d0" ] || fail "Knot accepted an update with a wrong secret"
[ "$(serial et.echomx.test)" = "$s1" ] || fail "serial changed (wrong secret)"
[ "$(first)" = "$f1" ] || fail "first MX changed (wrong secret)"

# --- a key that may transfer but not update: the UPDATE is refused ------
if "$R" "${OPTS[@]}" -o "update_tsig_key_file=$T/ro.key" --once \
    --now "$((T0 + 300))" 2>"$T/run4.log"; then
	fail "a run with a transfer-only key exited 0"
fi
grep -q 'event=zone_failed zone=et.echomx.test error="UPDATE et.echomx.test at 127.0.0.1@'"$KP"': server answered \(NOTAUTH\|REFUSED\)' \
	"$T/run4.log" || { cat "$T/run4.log"; fail "refused UPDATE not logged"; }
[ "$(ddns)" = "$d0" ] || fail "Knot applied an update of a transfer-only key"
[ "$(serial et.echomx.test)" = "$s1" ] || fail "serial changed (refused)"

# --- one rotation later: an UPDATE changes the first MX ----------------
"$R" "${OPTS[@]}" -o "update_tsig_key_file=$T/upd.key" --once \
	--now "$((T0 + 300))" 2>"$T/run5.log" || { cat "$T/run5.log"; fail "rotation run failed"; }
grep -q "event=zone_updated zone=et.echomx.test .*previous=$s1 " "$T/run5.log" ||
	{ cat "$T/run5.log"; fail "et not updated one rotation later"; }
grep -q 'zone_updated zone=ut.echomx.test' "$T/run5.log" &&
	fail "ut updated without a change"
[ "$(serial ut.echomx.test)" = "$su" ] || fail "ut serial changed"
s2=$(serial et.echomx.test)
[ "$s2" -gt "$s1" ] || fail "serial did not grow ($s1 -> $s2)"
f2=$(first)
[ -n "$f2" ] && [ "$f2" != "$f1" ] ||
	fail "first MX did not change one rotation later ($f1 -> $f2)"
# The retried update went through in one UPDATE; a fresh validating
# resolver sees the new order, secure.
[ "$(ddns)" = "$((d0 + 1))" ] || fail "expected exactly one more UPDATE"
stop_pid "$UNB_PID"
start_unbound "$KP" $ZONES
v2=$(secure_mx)
[ "$v2" = "$f2" ] || fail "unbound's first MX $v2 is not Knot's $f2"
kq -y "hmac-sha256:upd.echomx.test:$SECRET" AXFR et.echomx.test |
	grep -v '^;' | grep -v 'TSIG' | sed '/^$/d' | sed '$d' >"$T/axfr2.zone"
ldns-verify-zone -t "$(date -u -d @"$((T0 + 300))" +%Y%m%d%H%M%S)" \
	"$T/axfr2.zone" >"$T/verify.log" 2>&1 ||
	{ cat "$T/verify.log"; fail "Knot's et does not verify after the update"; }

# --- a zone larger than one message: AXFR in many TSIG-verified messages,
# and an UPDATE that cannot fit is refused cleanly (no abort) ------------
K2=$T/knot2
KP2=$(free_port)
mkdir -p "$K2/zones" "$K2/db" "$K2/run" "$T/big"
cp "$TOP"/zones/*.zone "$T/big/"
for i in $(seq 1 1500); do
	echo "big$i 60 IN TXT \"padding-padding-padding-padding-padding-$i\""
done >>"$T/big/enforced.zone"
cp -a "$S" "$T/bigstate"
"$R" "${OPTS[@]}" -o "state_dir=$T/bigstate" -o "zone_template_dir=$T/big" \
	-o update_server= --once --now "$T0" 2>"$T/big1.log" ||
	{ cat "$T/big1.log"; fail "big zone (files) failed"; }
cp "$T/bigstate/zones/et.echomx.test.zone" "$K2/zones/"
knot_conf "$K2" "$KP2" et.echomx.test >"$K2/knot.conf"
knotd -c "$K2/knot.conf" >"$T/knot2.log" 2>&1 &
KNOT2_PID=$!
stop_knot2() { stop_pid "$KNOT2_PID"; }
on_exit stop_knot2
wait_port 127.0.0.1 "$KP2" 10
big_serial() { dig +short +norec -p "$KP2" @127.0.0.1 SOA et.echomx.test | cut -d' ' -f3; }
n=0
until [ -n "$(big_serial)" ]; do
	n=$((n + 1)); [ $n -lt 100 ] || { cat "$T/knot2.log"; fail "Knot 2 does not serve et"; }
	sleep 0.1
done
bs=$(big_serial)
if "$R" "${OPTS[@]}" -o "state_dir=$T/bigstate" -o "zone_template_dir=$T/big" \
    -o "update_server=127.0.0.1@$KP2" -o "update_tsig_key_file=$T/upd.key" \
    --once --now "$((T0 + 300))" 2>"$T/big2.log"; then
	fail "an UPDATE larger than a DNS message did not fail"
fi
grep -q 'event=zone_failed zone=et.echomx.test error="UPDATE .*the message would be [0-9]* bytes' \
	"$T/big2.log" || { cat "$T/big2.log"; fail "oversized UPDATE: no clear error"; }
msgs=$(sed -n 's/.*AXFR, outgoing.*finished.* \([0-9]*\) messages.*/\1/p' \
	"$T/knot2.log" | tail -1)
[ -n "$msgs" ] && [ "$msgs" -gt 1 ] ||
	fail "the big AXFR was not split into several messages ($msgs)"
grep -q 'DDNS' "$T/knot2.log" && fail "Knot 2 received an update"
[ "$(big_serial)" = "$bs" ] || fail "Knot 2's serial changed"
stop_knot2

# --- the update path never leaves a sanitizer report --------------------
if grep -E 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error' \
    "$T"/run*.log >/dev/null 2>&1; then
	cat "$T"/run*.log >&2
	fail "sanitizer report from echomx-rotator"
fi
echo "ok rotator_update"
