#!/bin/bash
# probe_postfix: the TLS probe against a private Postfix instance on
# loopback (its own master, config and queue under $T, stopped by PID),
# one smtpd service per case: CA-signed good, self-signed, expired, wrong
# name, TLS 1.2 only, TLS 1.0 only, no STARTTLS, and a 421 (connection
# rate limit). Certificates are made here with the openssl CLI. The probe
# runs through build/tests/test_probe_live in driver mode.
. "$(dirname "$0")/../lib.sh"
need openssl
need postconf
need python3
MASTER=$(postconf -dh daemon_directory)/master
[ -x "$MASTER" ] || fail "Postfix master not found at $MASTER"
[ "$(id -u)" = 0 ] || fail "a private Postfix master needs root"

. "$(dirname "$0")/probe_common"

chmod 755 "$T"
C=$T/certs
mkdir -p "$C/newcerts"
: >"$C/index.txt"
echo 1000 >"$C/serial"
cat >"$C/ca.cnf" <<EOF
[ ca ]
default_ca = d
[ d ]
database = $C/index.txt
new_certs_dir = $C/newcerts
serial = $C/serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
[ p ]
commonName = supplied
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
EOF
q() { "$@" >/dev/null 2>&1 || fail "command failed: $*"; }
q openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/ca.key" \
    -out "$C/ca.pem" -days 30 -subj "/CN=echomx probe test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
# leaf NAME CN SAN [startdate enddate]
leaf() {
	q openssl req -new -newkey rsa:2048 -nodes -keyout "$C/$1.key" \
	    -out "$C/$1.csr" -subj "/CN=$2"
	if [ $# -ge 5 ]; then
		SAN=$3 q openssl ca -batch -notext -config "$C/ca.cnf" \
		    -cert "$C/ca.pem" -keyfile "$C/ca.key" -extensions leaf \
		    -in "$C/$1.csr" -out "$C/$1.pem" -startdate "$4" \
		    -enddate "$5"
	else
		SAN=$3 q openssl ca -batch -notext -config "$C/ca.cnf" \
		    -cert "$C/ca.pem" -keyfile "$C/ca.key" -extensions leaf \
		    -in "$C/$1.csr" -out "$C/$1.pem" -days 20
	fi
	# the server presents leaf + CA (DANE-TA needs the TA in the chain)
	cat "$C/$1.pem" "$C/ca.pem" >"$C/$1.chain"
}
leaf good mx.probe.test DNS:mx.probe.test
leaf wrong other.example DNS:other.example
leaf expired mx.probe.test DNS:mx.probe.test 20200101000000Z 20200201000000Z
q openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/self.key" \
    -out "$C/self.pem" -days 20 -subj "/CN=mx.probe.test" \
    -addext "subjectAltName=DNS:mx.probe.test"
cp "$C/self.pem" "$C/self.chain"
chmod 644 "$C"/*

# --- the private Postfix ---
PF=$T/pf
Q=$PF/q
mkdir -p "$PF" "$Q/pid" "$Q/private" "$Q/public" "$PF/data"
chown postfix "$Q/private" "$Q/public" "$PF/data"
chgrp postdrop "$Q/public"
chmod 700 "$Q/private"
chmod 710 "$Q/public"
P_GOOD=$(free_port); P_SELF=$(free_port); P_EXP=$(free_port)
P_WRONG=$(free_port); P_12=$(free_port); P_10=$(free_port)
P_PLAIN=$(free_port); P_421=$(free_port); P_V6=$(free_port)
cat >"$PF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $Q
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.probe.test
mydomain = probe.test
mynetworks = 127.0.0.0/8
inet_interfaces = 127.0.0.1
inet_protocols = all
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
alias_maps =
alias_database =
local_recipient_maps =
smtpd_peername_lookup = no
smtpd_tls_security_level = may
smtpd_tls_cert_file = $C/good.chain
smtpd_tls_key_file = $C/good.key
smtpd_tls_loglevel = 1
smtpd_tls_protocols = >=TLSv1.2
smtpd_client_event_limit_exceptions =
EOF
svc() { # port name options...
	local port=$1
	shift
	echo "127.0.0.1:$port inet n - n - - smtpd $*"
}
{
	svc "$P_GOOD"
	svc "$P_SELF" -o smtpd_tls_cert_file="$C/self.chain" \
	    -o smtpd_tls_key_file="$C/self.key"
	svc "$P_EXP" -o smtpd_tls_cert_file="$C/expired.chain" \
	    -o smtpd_tls_key_file="$C/expired.key"
	svc "$P_WRONG" -o smtpd_tls_cert_file="$C/wrong.chain" \
	    -o smtpd_tls_key_file="$C/wrong.key"
	svc "$P_12" -o "smtpd_tls_protocols=>=TLSv1.2,<=TLSv1.2"
	svc "$P_10" -o "smtpd_tls_protocols=>=TLSv1,<=TLSv1" \
	    -o "tls_medium_cipherlist=DEFAULT:@SECLEVEL=0"
	svc "$P_PLAIN" -o smtpd_tls_security_level=none
	svc "$P_421" -o smtpd_client_connection_rate_limit=1
	echo "[::1]:$P_V6 inet n - n - - smtpd"
	echo "anvil unix - - n - 1 anvil"
	echo "tlsmgr unix - - n 1000? 1 tlsmgr"
	echo "postlog unix-dgram n - n - 1 postlogd"
} >"$PF/master.cf"
postconf -c "$PF" >/dev/null 2>"$T/postconf.err" || {
	cat "$T/postconf.err"; fail "postconf rejects the test config"; }

"$MASTER" -c "$PF" -d >"$T/master.out" 2>&1 &
MPID=$!
stop_master() { stop_pid "$MPID"; }
on_exit stop_master
for p in $P_GOOD $P_SELF $P_EXP $P_WRONG $P_12 $P_10 $P_PLAIN $P_421; do
	wait_port 127.0.0.1 "$p" 10
done
wait_port ::1 "$P_V6" 10

# probe PORT [VAR=value...]: the driver's output in $OUT
probe() {
	local port=$1
	shift
	OUT=$(env PROBE_IP=127.0.0.1 PROBE_PORT="$port" PROBE_MX=mx.probe.test \
	    PROBE_CA="$C/ca.pem" PROBE_ENUM=1 "$@" "$DRV") ||
		fail "driver failed (exit $?) on port $port: $OUT"
}
has() { # key=value expected in $OUT
	printf '%s\n' "$OUT" | grep -qxF -- "$1" || {
		printf '%s\n' "$OUT" | sed 's/^/    /' >&2
		fail "$CASE: expected '$1'"
	}
}
val() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p" | head -n 1; }

# SPKI SHA-256 of a PEM certificate, hex: for TLSA 3 1 1 / 2 0 1
spki256() { openssl x509 -in "$1" -noout -pubkey |
	openssl pkey -pubin -outform DER | openssl dgst -sha256 -r |
	cut -d' ' -f1; }
cert256() { openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -r |
	cut -d' ' -f1; }
GOOD_SPKI=$(spki256 "$C/good.pem")
SELF_SPKI=$(spki256 "$C/self.pem")
CA_CERT=$(cert256 "$C/ca.pem")

CASE=good
start=$(date +%s%N)
probe "$P_GOOD" PROBE_TLSA="3 1 1 $GOOD_SPKI;3 1 1 $SELF_SPKI;2 0 1 $CA_CERT;1 1 1 $GOOD_SPKI"
end=$(date +%s%N)
note "good: full probe $(( (end - start) / 1000000 )) ms wall," \
    "$(val connections) connections, $(val total_ms) ms in the probe"
has stage=done
has handshake=ok
has starttls_offered=1
has trust=ok
has name=ok
has leaf_expired=0
has nchain=2
has v.TLSv1.3=accepted
has v.TLSv1.2=accepted
has v.TLSv1.1=refused
has v.TLSv1.0=refused
has ciphers_done=1
has dane=match
has dane.0=match
has dane.1=no-match
has dane.2=match
has dane.3=unusable
has ocsp=none
[ "$(val nciphers)" -ge 4 ] || fail "good: too few suites: $(val nciphers)"
printf '%s\n' "$OUT" | grep -q '^c=TLSv1.3 TLS_AES_256_GCM_SHA384 fs=1 anon=0$' ||
	fail "good: TLS 1.3 suite missing"
[ "$(val ngroups)" -ge 2 ] || fail "good: too few groups"
# every suite reported once
[ "$(printf '%s\n' "$OUT" | grep '^c=' | sort | uniq -d | wc -l)" = 0 ] ||
	fail "good: a suite reported twice"
note "good: $(val nciphers) suites, groups: $(val text.groups)"
note "good: versions: $(val text.versions)"
[ -n "${PROBE_SHOW:-}" ] && printf '%s\n' "$OUT"
# cross-check suites with openssl s_client: a sample of those the probe
# lists must be accepted alone, a sample of the others refused
sclient() { # port version cipher-or-suite -> 0 when the handshake works
	local opt=-cipher
	[ "$2" = -tls1_3 ] && opt=-ciphersuites
	echo QUIT | timeout 10 openssl s_client -connect "127.0.0.1:$1" \
	    -starttls smtp "$2" $opt "$3:@SECLEVEL=0" 2>/dev/null |
	    grep -q '^ *Cipher *: [A-Z]'
}
GOODCIPH=$(printf '%s\n' "$OUT" | sed -n 's/^c=TLSv1.2 \([^ ]*\) .*/\1/p')
# Postfix offers anonymous suites to opportunistic clients; RSA key
# exchange (no forward secrecy) is in its "medium" list too
printf '%s\n' "$OUT" | grep -q '^c=TLSv1.2 ADH-AES256-GCM-SHA384 fs=1 anon=1$' ||
	fail "good: anonymous suite not reported as such"
printf '%s\n' "$OUT" | grep -q '^c=TLSv1.2 AES256-GCM-SHA384 fs=0 anon=0$' ||
	fail "good: non-forward-secret suite not reported as such"
for c in $(printf '%s\n' "$GOODCIPH" | sed -n '1p;5p;20p;40p;$p'); do
	sclient "$P_GOOD" -tls1_2 "$c" || fail "probe lists $c, s_client refused"
done
n=0
for c in $(openssl ciphers 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' | tr ':' '\n' |
    grep -v '^TLS_'); do
	printf '%s\n' "$GOODCIPH" | grep -qxF "$c" && continue
	sclient "$P_GOOD" -tls1_2 "$c" 2>/dev/null &&
		fail "probe omits $c, s_client got it accepted"
	n=$((n + 1))
	[ $n -ge 5 ] && break
done
[ $n -ge 1 ] || fail "no suite outside the probe's list to cross-check"
sclient "$P_GOOD" -tls1_3 TLS_AES_128_CCM_8_SHA256 &&
	! printf '%s\n' "$OUT" | grep -q 'TLS_AES_128_CCM_8_SHA256' &&
	fail "probe omits TLS_AES_128_CCM_8_SHA256"

CASE=bounded
probe "$P_GOOD" PROBE_MAX_CONN=10
has connections=10
has ciphers_done=0
val text.ciphers | grep -q 'enumeration incomplete' ||
	fail "bounded: $(val text.ciphers)"

CASE=selfsigned
probe "$P_SELF" PROBE_TLSA="3 1 1 $SELF_SPKI;3 1 1 $GOOD_SPKI;2 0 1 $CA_CERT"
has handshake=ok
has trust=fail
has verify_code=18
has name=ok
has dane=match
has dane.0=match
has dane.1=no-match
has dane.2=no-match

CASE=expired
probe "$P_EXP"
has handshake=ok
has leaf_expired=1
has trust=ok
has name=ok
val text.expiry | grep -q 'expired' || fail "expired: text says $(val text.expiry)"

CASE=wrongname
probe "$P_WRONG" PROBE_TLSA="2 0 1 $CA_CERT"
has handshake=ok
has trust=ok
has name=fail
# DANE-TA needs the name to match too (RFC 7672 3.1.2)
has dane.0=no-match
val text.name | grep -q 'other.example' || fail "wrongname: $(val text.name)"

CASE=tls12only
probe "$P_12"
has handshake=ok
has version=TLSv1.2
has v.TLSv1.3=refused
has v.TLSv1.2=accepted
has v.TLSv1.1=refused
has v.TLSv1.0=refused
printf '%s\n' "$OUT" | grep -q '^c=TLSv1.3' && fail "tls12only: 1.3 suites"

CASE=tls10only
probe "$P_10"
has handshake=ok
has version=TLSv1
has v.TLSv1.0=accepted
has v.TLSv1.1=refused
has v.TLSv1.2=refused
has v.TLSv1.3=refused
[ "$(val nciphers)" -ge 1 ] || fail "tls10only: no suites"
[ "$(val ngroups)" -ge 1 ] || fail "tls10only: no groups"
printf '%s\n' "$OUT" | grep -q '^c=TLSv1.0 ' || fail "tls10only: suites not at 1.0"
# the same judgement from openssl s_client
sclient "$P_10" -tls1 'ALL' || fail "tls10only: s_client -tls1 refused"
sclient "$P_10" -tls1_2 'ALL' && fail "tls10only: s_client -tls1_2 accepted"

CASE=plain
probe "$P_PLAIN"
has stage=starttls
has starttls_offered=0
has handshake=could-not-test
has not_tested=
has connections=1
has dane=could-not-test

CASE=421
# use up the one connection per minute the rate limit allows
python3 -c "import socket; s=socket.create_connection(('127.0.0.1', $P_421)); s.recv(512); s.close()"
probe "$P_421"
has stage=banner
has banner_code=421
val not_tested | grep -q 421 || fail "421: not_tested says '$(val not_tested)'"
has handshake=could-not-test

# --- cross-check with Postfix's own client, posttls-finger ---
# (verify level with our CA: same trust and name verdicts; its SPKI
# fingerprint is the data of the TLSA 3 1 1 record that matched above.
# posttls-finger's DANE mode needs DNSSEC-validated TLSA from DNS, which
# this loopback test has not: DANE itself is cross-checked in the world.)
need posttls-finger
finger() { MAIL_CONFIG=$PF posttls-finger -c -l verify -F "$C/ca.pem" \
	"[127.0.0.1]:$1" mx.probe.test 2>&1; }
hexof() { tr -d ':' | tr 'A-F' 'a-f'; }
CASE=finger-good
F=$(finger "$P_GOOD")
printf '%s\n' "$F" | grep -q 'Verified TLS connection' ||
	fail "posttls-finger does not verify good: $F"
pk=$(printf '%s\n' "$F" | sed -n 's/.*pkey_fingerprint=\([0-9A-F:]*\).*/\1/p' |
    head -n 1 | hexof)
[ "$pk" = "$GOOD_SPKI" ] || fail "SPKI digest: posttls-finger $pk, ours $GOOD_SPKI"
fp=$(printf '%s\n' "$F" | sed -n 's/.* fingerprint=\([0-9A-F:]*\),.*/\1/p' |
    head -n 1 | hexof)
[ ${#fp} = 64 ] || fail "no certificate fingerprint from posttls-finger"
probe "$P_GOOD"
val text.chain | grep -q "sha256=$fp" || fail "cert digest $fp not ours"
CASE=finger-self
finger "$P_SELF" | grep -q 'Untrusted TLS connection' ||
	fail "posttls-finger trusts the self-signed server"
CASE=finger-wrong
finger "$P_WRONG" | grep -q 'hostname mismatch' ||
	fail "posttls-finger: no name mismatch"
CASE=finger-expired
finger "$P_EXP" | grep -q 'certificate has expired' ||
	fail "posttls-finger: not expired"

CASE=ipv6
probe "$P_V6" PROBE_IP=::1 PROBE_ENUM=0
has handshake=ok
has trust=ok
has name=ok
has connections=1

CASE=refused
probe "$(free_port)"
has conn=refused
has stage=connect

note "all probe cases passed"
