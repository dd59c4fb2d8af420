#!/bin/bash
# rotator_dns: echomx-rotator's zones served by a private NSD and resolved
# through a validating unbound whose trust anchor is the rotator's DS:
# AD on the enforced domain, TLSA equal to what openssl s_client sees on
# the real listener (echomx-smtpd, STARTTLS) for "matching" servers and
# different for "wrong" ones, SERVFAIL for the
# bogus probe name (an answer with +cd), the first MX changing one
# rotation later, nothing rewritten when nothing changed, reproducible
# output, and a failed signing that leaves the live zone alone.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rotator_common"
need openssl
need nsd
need nsd-control
need unbound
need dig
need sha256sum

R=$BIN/echomx-rotator
[ -x "$R" ] || fail "$R not built"
S=$T/state
mkdir -p "$S/certs" "$S/ca"

# --- certificates: a private CA, self-signed and CA-signed servers ----
ossl() { openssl "$@" >/dev/null 2>&1 || fail "openssl $*"; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$S/ca/ca.key" -out "$S/ca/ca.crt" -days 30 \
	-subj "/CN=echomx test CA"
chmod 600 "$S/ca/ca.key"
selfsigned() { # vs cn
	ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$S/certs/$1.key" -out "$S/certs/$1.crt" -days 30 \
		-subj "/CN=$2"
	chmod 600 "$S/certs/$1.key"
}
casigned() { # vs cn
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$S/certs/$1.key" -out "$T/$1.csr" -subj "/CN=$2"
	ossl x509 -req -in "$T/$1.csr" -CA "$S/ca/ca.crt" \
		-CAkey "$S/ca/ca.key" -CAcreateserial -out "$S/certs/$1.crt" \
		-days 30
	chmod 600 "$S/certs/$1.key"
}
for v in mx02 mx03 mx04; do selfsigned $v $v.et.echomx.test; done
for v in mx05 mx06 mx08; do casigned $v $v.et.echomx.test; done
casigned mx07 wrong.example.net
casigned ut mx.ut.echomx.test

NP=$(free_port)
UP=$(free_port)
while [ "$UP" = "$NP" ]; do UP=$(free_port); done
T0=$(( $(date +%s) / 300 * 300 + 7 ))
OPTS=(-c "$TOP/conf/echomx.conf" -o "state_dir=$S"
	-o "zone_template_dir=$TOP/zones" -o "zone_ns_addresses=127.0.0.1"
	-o "vs.mx06.tlsa_usage=2" -o "nsec_mode=${NSEC_MODE:-nsec}"
	-o "vs.mx07.addresses=127.0.1.7:2525 [2001:db8::7]:25")
RELOAD="reload_command=nsd-control -c $T/nsd.conf reload"

# --- first run: keys are made, zones signed and published ------------
"$R" "${OPTS[@]}" -n >/dev/null || fail "config check failed"
"$R" "${OPTS[@]}" --once --now "$T0" 2>"$T/run1.log" ||
	{ cat "$T/run1.log"; fail "first run failed"; }
for z in echomx.test et.echomx.test ut.echomx.test mx08.et.echomx.test; do
	[ -s "$S/zones/$z.zone" ] || fail "zone $z not published"
done
ls "$S"/dnssec/Ket.echomx.test.ksk.private >/dev/null ||
	fail "no KSK made"
[ "$(stat -c %a "$S/dnssec/Ket.echomx.test.ksk.private")" = 600 ] ||
	fail "key file mode is not 0600"
grep -q '^mx: mx05.et.echomx.test$' \
	"$S/mta-sts/mta-sts.et.echomx.test/.well-known/mta-sts.txt" ||
	fail "MTA-STS policy lacks mx05"
grep -q '^mx: mx04' \
	"$S/mta-sts/mta-sts.et.echomx.test/.well-known/mta-sts.txt" &&
	fail "MTA-STS policy lists mx04 (not in_sts_policy)"
if command -v ldns-verify-zone >/dev/null; then
	for z in echomx.test et.echomx.test ut.echomx.test; do
		ldns-verify-zone -t "$(date -u -d @"$T0" +%Y%m%d%H%M%S)" \
		    "$S/zones/$z.zone" >"$T/verify.log" 2>&1 ||
			{ cat "$T/verify.log"; fail "ldns-verify-zone $z"; }
	done
fi

case ${NSEC_MODE:-nsec} in
nsec3) grep -q 'NSEC3PARAM[[:space:]]1 0 0 -' "$S/zones/et.echomx.test.zone" ||
	fail "no NSEC3PARAM 1 0 0 - in nsec3 mode" ;;
*) grep -q 'NSEC3' "$S/zones/et.echomx.test.zone" && fail "NSEC3 in nsec mode" ;;
esac

# Nothing changed: nothing is rewritten.
ino=$(stat -c %i "$S/zones/et.echomx.test.zone")
"$R" "${OPTS[@]}" --once --now "$((T0 + 10))" 2>"$T/run2.log" ||
	fail "second run failed"
grep -q 'event=run .*changed=- status=ok' "$T/run2.log" ||
	{ cat "$T/run2.log"; fail "unchanged input was republished"; }
[ "$(stat -c %i "$S/zones/et.echomx.test.zone")" = "$ino" ] ||
	fail "et zone rewritten without a change"

# Reproducible: the same state and --now give the same bytes.
mkdir "$T/again"
cp -a "$S/dnssec" "$S/dkim" "$T/again/"
"$R" "${OPTS[@]}" -o "state_dir=$T/again" -o "ca_cert=$S/ca/ca.crt" \
	-o "vs.mx02.cert_file=$S/certs/mx02.crt" \
	-o "vs.mx03.cert_file=$S/certs/mx03.crt" \
	-o "vs.mx04.cert_file=$S/certs/mx04.crt" \
	-o "vs.mx05.cert_file=$S/certs/mx05.crt" \
	-o "vs.mx06.cert_file=$S/certs/mx06.crt" \
	-o "vs.mx08.cert_file=$S/certs/mx08.crt" \
	--once --now "$T0" 2>"$T/again.log" ||
	{ cat "$T/again.log"; fail "reproduction run failed"; }
for z in echomx.test et.echomx.test mx08.et.echomx.test; do
	cmp -s "$S/zones/$z.zone" "$T/again/zones/$z.zone" ||
		{ diff "$S/zones/$z.zone" "$T/again/zones/$z.zone" | head; fail "zone $z differs for the same --now"; }
done

# --- NSD serves zone_dir ------------------------------------------------
{
	echo "server:"
	echo "  ip-address: 127.0.0.1"
	echo "  port: $NP"
	echo "  do-ip6: no"
	echo "  username: \"\""
	echo "  chroot: \"\""
	echo "  zonesdir: \"$S/zones\""
	echo "  pidfile: \"$T/nsd.pid\""
	echo "  database: \"\""
	echo "  zonelistfile: \"$T/zone.list\""
	echo "  xfrdfile: \"$T/xfrd.state\""
	echo "  xfrdir: \"$T\""
	echo "  logfile: \"$T/nsd.log\""
	echo "  verbosity: 2"
	echo "remote-control:"
	echo "  control-enable: yes"
	echo "  control-interface: \"$T/nsd.ctl\""
	for z in echomx.test et.echomx.test ut.echomx.test \
	    mx08.et.echomx.test; do
		echo "zone:"
		echo "  name: $z"
		echo "  zonefile: $z.zone"
	done
} >"$T/nsd.conf"
nsd -d -c "$T/nsd.conf" 2>>"$T/nsd.log" &
NSD_PID=$!
stop_nsd() { stop_pid "$NSD_PID"; }
on_exit stop_nsd
wait_port 127.0.0.1 "$NP" 10
n=0
until dig +short +norec -p "$NP" @127.0.0.1 SOA et.echomx.test | grep -q .
do
	n=$((n + 1)); [ $n -lt 50 ] || { cat "$T/nsd.log"; fail "NSD does not answer"; }
	sleep 0.1
done

# --- validating unbound with the rotator's DS as trust anchor -----------
"$R" "${OPTS[@]}" --print-ds >"$T/ta.ds" || fail "--print-ds failed"
grep -q '^echomx.test\.[[:space:]].*IN[[:space:]]DS[[:space:]]' "$T/ta.ds" ||
	{ cat "$T/ta.ds"; fail "--print-ds printed no DS of the base domain"; }
grep -q 'et.echomx.test' "$T/ta.ds" && fail "--print-ds printed a child DS"
# Every name, the root included, goes to our NSD: nothing leaves loopback.
start_unbound "$NP" echomx.test et.echomx.test ut.echomx.test \
    mx08.et.echomx.test

out=$(q +dnssec MX et.echomx.test) || fail "dig MX failed"
echo "$out" | grep -q 'status: NOERROR' ||
	{ echo "$out"; tail -20 "$T/unbound.log"; fail "MX et: not NOERROR"; }
echo "$out" | grep -q 'flags:.* ad' ||
	{ echo "$out"; tail -20 "$T/unbound.log"; fail "MX et: no AD flag"; }
n=$(echo "$out" | grep -c 'IN[[:space:]]MX[[:space:]]')
[ "$n" = 8 ] || fail "expected 8 MX records in et, got $n"
for name in ut.echomx.test _mta-sts.et.echomx.test; do
	t=MX; [ "$name" = ut.echomx.test ] || t=TXT
	q +dnssec "$t" "$name" | grep -q 'flags:.* ad' ||
		fail "$t $name: no AD flag"
done
q TXT _smtp._tls.et.echomx.test | grep -q 'v=TLSRPTv1; rua=mailto:tlsrpt@echomx.test' ||
	fail "TLS-RPT record missing"
q TXT _dmarc.echomx.test | grep -q 'v=DMARC1' || fail "DMARC record missing"
q TXT echomx._domainkey.echomx.test | grep -q 'v=DKIM1; k=rsa; p=' ||
	fail "DKIM record missing"
id=$(q +short TXT _mta-sts.et.echomx.test | sed -n 's/.*id=\([0-9a-f]*\);.*/\1/p')
[ -n "$id" ] || fail "no MTA-STS id"

# --- TLSA against what openssl s_client sees ----------------------------
spki() { openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER |
	sha256sum | cut -d' ' -f1; }
# The real listener (echomx-smtpd) serves the certificates the rotator
# hashed; "echomx init" adds the store and spool and keeps every file.
need timeout
"$BIN/echomx" init -c "$TOP/conf/echomx.conf" -o "state_dir=$S" \
	>"$T/init.log" 2>&1 || { cat "$T/init.log"; fail "echomx init failed"; }
LP=$(free_port)
LP2=$(free_port)
LOPTS=(-c "$TOP/conf/echomx.conf" -o "state_dir=$S" -o "listen=127.0.0.1:$LP"
	-o "user=$(id -un)" -o downgrade_window=0)
i=1
for v in mx01 mx02 mx03 mx04 mx05 mx06 mx07 mx08 ut; do
	LOPTS+=(-o "vs.$v.addresses=127.0.1.$i:$LP2")
	i=$((i + 1))
done
"$BIN/echomx-smtpd" "${LOPTS[@]}" -f 2>>"$T/smtpd.log" &
SMTPD_PID=$!
stop_smtpd() { stop_pid "$SMTPD_PID"; }
on_exit stop_smtpd
wait_port 127.0.0.1 "$LP" 10
wait_port 127.0.1.4 "$LP2" 10
seen_digest() { # vs -> digest of the certificate the listener presents
	local n=${1#mx0}
	echo QUIT | timeout 10 openssl s_client -starttls smtp \
		-connect "127.0.1.$n:$LP2" -servername "$1.et.echomx.test" \
		2>/dev/null | spki
}
tlsa() { # vs -> "usage sel mtype digest" through the validating resolver
	local o
	o=$(q +dnssec TLSA "_25._tcp.$1.et.echomx.test")
	echo "$o" | grep -q 'flags:.* ad' || { echo "$o" >&2; return 1; }
	q +short TLSA "_25._tcp.$1.et.echomx.test" | tr -d ' ' |
		tr 'A-F' 'a-f'
}
for v in mx04 mx03 mx05; do
	got=$(tlsa $v) || fail "TLSA $v not secure"
	seen=$(seen_digest $v)
	[ ${#seen} = 64 ] || fail "s_client saw no certificate for $v"
	case $v in
	mx04) [ "$got" = "311$seen" ] ||
		fail "TLSA $v '$got' does not match the served certificate $seen" ;;
	*) [ "${got:0:3}" = 311 ] || fail "TLSA $v is not 3 1 1: $got"
	   [ ${#got} = 67 ] || fail "TLSA $v malformed: $got"
	   [ "$got" != "311$seen" ] ||
		fail "TLSA $v is 'wrong' but matches the certificate" ;;
	esac
done
# The same through the shared address, where the SNI picks the server.
seen=$(echo QUIT | timeout 10 openssl s_client -starttls smtp \
	-connect "127.0.0.1:$LP" -servername mx04.et.echomx.test 2>/dev/null |
	spki)
[ "$(tlsa mx04)" = "311$seen" ] ||
	fail "TLSA mx04 does not match the shared address's mx04 certificate"
stop_smtpd
if grep -E 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error' \
    "$T/smtpd.log" >/dev/null 2>&1; then
	cat "$T/smtpd.log" >&2
	fail "sanitizer report from echomx-smtpd"
fi
# mx06: usage 2, the private CA's key; the server's chain verifies to it.
got=$(tlsa mx06) || fail "TLSA mx06 not secure"
ca=$(spki <"$S/ca/ca.crt")
[ "$got" = "211$ca" ] || fail "TLSA mx06 '$got' is not 2 1 1 of the CA"
openssl verify -CAfile "$S/ca/ca.crt" "$S/certs/mx06.crt" >/dev/null ||
	fail "mx06 not signed by the CA"
# mx02 (tlsa none): a validated denial, no TLSA record.
out=$(q +dnssec TLSA _25._tcp.mx02.et.echomx.test)
echo "$out" | grep -q 'status: NXDOMAIN' ||
	{ echo "$out"; fail "mx02 TLSA: not NXDOMAIN"; }
echo "$out" | grep -q 'flags:.* ad' || fail "mx02 TLSA denial not secure"

# --- the bogus probe zone -------------------------------------------------
out=$(q A mx08.et.echomx.test)
echo "$out" | grep -q 'status: SERVFAIL' ||
	{ echo "$out"; fail "bogus name did not SERVFAIL"; }
expect_cd_answer mx08.et.echomx.test 127.0.1.8
q +short A mx07.et.echomx.test | grep -qx '127.0.1.7' ||
	fail "mx07 address missing"
q +dnssec AAAA mx07.et.echomx.test | grep -q 'flags:.* ad' ||
	fail "mx07 AAAA not secure"
q +short AAAA mx07.et.echomx.test | grep -qx '2001:db8::7' ||
	fail "mx07 IPv6 address missing"

# --- one rotation later the first MX differs ------------------------------
first() { dig +short +norec -p "$NP" @127.0.0.1 MX et.echomx.test |
	sort -n | head -1 | cut -d' ' -f2; }
serial() { dig +short +norec -p "$NP" @127.0.0.1 SOA "$1" | cut -d' ' -f3; }
f1=$(first)
s1=$(serial et.echomx.test)
[ -n "$f1" ] || fail "no MX from NSD"
"$R" "${OPTS[@]}" -o "$RELOAD" --once --now "$((T0 + 300))" \
	2>"$T/run3.log" || { cat "$T/run3.log"; fail "rotation run failed"; }
grep -q 'event=reloaded' "$T/run3.log" || fail "reload_command not run"
n=0
while [ "$(serial et.echomx.test)" = "$s1" ]; do
	n=$((n + 1)); [ $n -lt 50 ] || fail "NSD did not load the new zone"
	sleep 0.1
done
f2=$(first)
[ -n "$f2" ] && [ "$f2" != "$f1" ] ||
	fail "first MX did not change one rotation later ($f1 -> $f2)"
s2=$(serial et.echomx.test)
[ "$s2" -gt "$s1" ] || fail "serial did not grow ($s1 -> $s2)"
# ut has one MX: its zone is not republished.
grep -q 'zone_published zone=ut.echomx.test' "$T/run3.log" &&
	fail "ut zone republished without a change"

# --- a failed signing leaves the live zone in place -----------------------
cp "$S/zones/et.echomx.test.zone" "$T/et.before"
cp -p "$S/dnssec/Ket.echomx.test.zsk.private" "$T/zsk.saved"
printf 'Private-key-format: v1.2\nAlgorithm: 8 (RSASHA256)\nModulus: !!!\n' \
	>"$S/dnssec/Ket.echomx.test.zsk.private"
if "$R" "${OPTS[@]}" -o "$RELOAD" --once --now "$((T0 + 600))" \
    2>"$T/run4.log"; then
	fail "run with a broken key file exited 0"
fi
grep -q 'event=zone_failed zone=et.echomx.test' "$T/run4.log" ||
	{ cat "$T/run4.log"; fail "failure not logged"; }
cmp -s "$S/zones/et.echomx.test.zone" "$T/et.before" ||
	fail "live zone changed although signing failed"
[ "$(serial et.echomx.test)" = "$s2" ] || fail "NSD serves another serial"
ls "$S/zones"/*.tmp.* >/dev/null 2>&1 && fail "temporary file left behind"
cp -p "$T/zsk.saved" "$S/dnssec/Ket.echomx.test.zsk.private"
"$R" "${OPTS[@]}" -o "$RELOAD" --once --now "$((T0 + 600))" \
	2>"$T/run5.log" || { cat "$T/run5.log"; fail "recovery run failed"; }
q +dnssec SOA et.echomx.test | grep -q 'flags:.* ad' ||
	fail "et SOA not secure after recovery"

# --- the MTA-STS id follows the policy ----------------------------------
pol="$S/mta-sts/mta-sts.et.echomx.test/.well-known/mta-sts.txt"
"$R" "${OPTS[@]}" -o vs.mx04.in_sts_policy=yes --once --now "$T0" \
	2>/dev/null || fail "policy change run failed"
grep -q '^mx: mx04.et.echomx.test$' "$pol" || fail "policy lacks mx04"
id2=$(grep -o 'v=STSv1; id=[0-9a-f]*;' "$S/zones/et.echomx.test.zone" |
	sed 's/.*id=\([0-9a-f]*\);/\1/')
[ -n "$id2" ] && [ "$id2" != "$id" ] ||
	fail "MTA-STS id did not change with the policy ($id -> $id2)"
"$R" "${OPTS[@]}" --once --now "$T0" 2>/dev/null || fail "policy restore run failed"
grep -q '^mx: mx04' "$pol" && fail "policy still lists mx04"

# --- the serial grows even when the state is lost ------------------------
before=$(grep -P '\tSOA\t' "$S/zones/ut.echomx.test.zone" | awk '{print $7}')
rm -rf "$S/rotator"
"$R" "${OPTS[@]}" --once --now "$T0" 2>/dev/null || fail "run without state failed"
after=$(grep -P '\tSOA\t' "$S/zones/ut.echomx.test.zone" | awk '{print $7}')
[ -n "$before" ] && [ "$after" -gt "$before" ] ||
	fail "serial did not grow after losing the state ($before -> $after)"

# --- signatures near expiry are renewed (resign_before, default 7d) -----
"$R" "${OPTS[@]}" --once --now "$((T0 + 6 * 86400 + 1))" 2>"$T/run6.log" ||
	fail "run at +6d failed"
grep -q 'zone_published zone=ut.echomx.test' "$T/run6.log" &&
	fail "ut re-signed although its signatures are fresh"
"$R" "${OPTS[@]}" --once --now "$((T0 + 7 * 86400 + 700))" 2>"$T/run7.log" ||
	fail "run at +7d failed"
grep -q 'zone_published zone=ut.echomx.test' "$T/run7.log" ||
	fail "ut not re-signed within resign_before of expiry"
"$R" "${OPTS[@]}" --once --now "$T0" 2>/dev/null ||
	fail "run back at T0 failed"

# --- the daemon mode wakes up when a certificate changes -----------------
"$R" "${OPTS[@]}" -f -o "vs.mx04.tlsa=matching" -o mx_rotation=1d \
	2>"$T/daemon.log" &
DPID=$!
stop_daemon() { stop_pid "$DPID"; }
on_exit stop_daemon
n=0
until grep -q 'event=run' "$T/daemon.log"; do
	n=$((n + 1)); [ $n -lt 100 ] || fail "daemon did not run"
	sleep 0.1
done
selfsigned mx04 mx04.et.echomx.test
n=0
until grep -q 'event=certificate_changed' "$T/daemon.log"; do
	n=$((n + 1)); [ $n -lt 100 ] || { cat "$T/daemon.log"; fail "certificate change not noticed"; }
	sleep 0.1
done
n=0
until [ "$(grep -c 'event=run' "$T/daemon.log")" -ge 2 ]; do
	n=$((n + 1)); [ $n -lt 100 ] || fail "no run after the change"
	sleep 0.1
done
want=$(spki <"$S/certs/mx04.crt")
grep -q "3 1 1 $want" "$S/zones/et.echomx.test.zone" ||
	fail "new mx04 certificate not in the TLSA record"
stop_pid "$DPID"
echo "ok rotator_dns"
