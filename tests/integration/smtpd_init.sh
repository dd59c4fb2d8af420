#!/bin/bash
# smtpd_init: "echomx init" makes the state directory, store, spool, a
# private CA and each virtual server's certificate of its kind (self-signed,
# CA-signed, expired, wrong name), keys mode 0600; a second run keeps them.
. "$(dirname "$0")/../lib.sh"
need openssl
need sqlite3
CONF=$TOP/conf/echomx.conf
ST=$T/st
"$BIN/echomx" init -c "$CONF" -o "state_dir=$ST" -o vs.mx08.cert_kind=expired \
    -o vs.mx04.key_type=rsa2048 >"$T/i1" 2>&1 || { cat "$T/i1"; fail "init failed"; }
for d in spool/tmp spool/new spool/cur certs ca; do
	[ -d "$ST/$d" ] || fail "$d missing"
done
[ "$(sqlite3 "$ST/echomx.db" 'pragma user_version')" -ge 1 ] || fail "store not migrated"
[ "$(stat -c %a "$ST/ca/ca.key")" = 600 ] || fail "CA key mode"
for vs in mx02 mx03 mx04 mx05 mx06 mx07 mx08 ut; do
	[ "$(stat -c %a "$ST/certs/$vs.key")" = 600 ] || fail "$vs key mode"
	openssl x509 -in "$ST/certs/$vs.crt" -noout >/dev/null || fail "$vs cert"
done
[ ! -e "$ST/certs/mx01.crt" ] || fail "mx01 (cert_kind none) has a certificate"
ca=(-CAfile "$ST/ca/ca.crt")
openssl verify "${ca[@]}" -verify_hostname mx06.et.echomx.test "$ST/certs/mx06.crt" >/dev/null ||
    fail "mx06 not CA-signed for its name"
openssl verify "${ca[@]}" -verify_hostname mx.ut.echomx.test "$ST/certs/ut.crt" >/dev/null ||
    fail "ut not CA-signed for its name"
openssl verify "${ca[@]}" "$ST/certs/mx02.crt" >/dev/null 2>&1 && fail "mx02 should be self-signed"
openssl x509 -in "$ST/certs/mx02.crt" -noout -ext subjectAltName | grep -q 'DNS:mx02.et.echomx.test' ||
    fail "mx02 name"
openssl verify "${ca[@]}" "$ST/certs/mx08.crt" 2>&1 | grep -q 'expired' || fail "mx08 not expired"
openssl verify "${ca[@]}" "$ST/certs/mx07.crt" >/dev/null || fail "mx07 not CA-signed"
openssl verify "${ca[@]}" -verify_hostname mx07.et.echomx.test "$ST/certs/mx07.crt" >/dev/null 2>&1 &&
    fail "mx07 matches its name"
openssl x509 -in "$ST/certs/mx04.crt" -noout -text | grep -q 'Public-Key: (2048 bit)' || fail "mx04 RSA"
sum1=$(cat "$ST"/certs/* "$ST"/ca/* | md5sum)
"$BIN/echomx" init -c "$CONF" -o "state_dir=$ST" >"$T/i2" 2>&1 || fail "second init failed"
grep -q 'mx06: ca certificate .* kept' "$T/i2" || fail "second init did not keep"
[ "$(cat "$ST"/certs/* "$ST"/ca/* | md5sum)" = "$sum1" ] || fail "second init changed files"
# the listener accepts the configuration with these keys (-n)
"$BIN/echomx-smtpd" -c "$CONF" -o "state_dir=$ST" -n >/dev/null || fail "-n after init"
echo ok
