#!/bin/bash
# smtpd_sni: on the shared address the SNI picks the certificate and the
# virtual server (no or unknown SNI: the default, mx06); on a virtual
# server's own address the address decides and the SNI is only recorded.
# A client that refuses the certificate shows as a TLS alert.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtpd_common"
need openssl

smtpd_opts
PORT6=$(free_port)
"$BIN/echomx" init -c "$CONF" -o "state_dir=$ST" >"$T/init.log" 2>&1 ||
    fail "echomx init failed"
# several shared addresses, IPv4 and IPv6
smtpd_start -o downgrade_window=0 -o "listen=127.0.0.1:$PORT [::1]:$PORT6"

cn() { # host port [servername]
	local sn=()
	[ -n "${3:-}" ] && sn=(-servername "$3")
	echo QUIT | timeout 10 openssl s_client -connect "$1:$2" -starttls smtp \
	    "${sn[@]}" 2>/dev/null | sed -n 's/^subject=.*CN *= *\([^,]*\).*/\1/p'
}
[ "$(cn 127.0.0.1 "$PORT" mx02.et.echomx.test)" = mx02.et.echomx.test ] || fail "SNI mx02"
[ "$(cn 127.0.0.1 "$PORT" MX05.et.echomx.test)" = mx05.et.echomx.test ] || fail "SNI mx05 (case)"
[ "$(cn 127.0.0.1 "$PORT" mx.ut.echomx.test)" = mx.ut.echomx.test ] || fail "SNI ut"
[ "$(cn 127.0.0.1 "$PORT")" = mx06.et.echomx.test ] || fail "no SNI: default"
[ "$(cn 127.0.0.1 "$PORT" nosuch.example)" = mx06.et.echomx.test ] || fail "unknown SNI: default"
[ "$(cn 127.0.1.2 "$PORT2" mx05.et.echomx.test)" = mx02.et.echomx.test ] || fail "own address wins over SNI"
[ "$(cn 127.0.1.7 "$PORT2")" = wrong-name.invalid ] || fail "mx07 wrong name"
[ "$(cn '[::1]' "$PORT6" mx02.et.echomx.test)" = mx02.et.echomx.test ] || fail "IPv6 SNI mx02"
# mx01 never offers STARTTLS
echo QUIT | timeout 10 openssl s_client -connect "127.0.1.1:$PORT2" -starttls smtp \
    >"$T/mx01.out" 2>&1 && fail "mx01 did TLS"
# TLS 1.2 only client: recorded version
echo QUIT | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -starttls smtp \
    -tls1_2 -servername mx04.et.echomx.test >/dev/null 2>&1 || fail "TLS 1.2"
# a verifying client refuses the self-signed mx03: alert 48 (unknown_ca)
echo QUIT | timeout 10 openssl s_client -connect "127.0.1.3:$PORT2" -starttls smtp \
    -verify_return_error -servername mx03.et.echomx.test >/dev/null 2>&1 &&
    fail "verification passed"
settle 0.5

q() { sql "select $1 from connection where $2 order by id desc limit 1"; }
[ "$(q "vs||'|'||state" "sni='mx02.et.echomx.test'")" = "mx02|tls_started" ] || fail "row mx02"
[ "$(q vs "sni='nosuch.example'")" = mx06 ] || fail "unknown SNI row"
[ "$(q "vs||'|'||sni" "local_addr='127.0.1.2'")" = "mx02|mx05.et.echomx.test" ] || fail "own address row"
[ "$(q tls_version "sni='mx04.et.echomx.test'")" = TLSv1.2 ] || fail "TLS 1.2 row"
# (s_client sends STARTTLS anyway: 454, then its ClientHello is garbage)
r=$(q "vs||'|'||starttls_offered||'|'||commands" "local_addr='127.0.1.1' and commands!=''")
case $r in "mx01|0|EHLO,STARTTLS"*) ;; *) fail "mx01 row: $r" ;; esac
grep -q "Didn't find STARTTLS" "$T/mx01.out" || fail "mx01: STARTTLS offered"
r=$(q "end_reason||'|'||tls_alert||'|'||state||'|'||commands" "local_addr='127.0.1.3'")
[ "$r" = "tls-alert|48|sni_seen|EHLO,STARTTLS,HANDSHAKE,TLS-ALERT" ] || fail "refused certificate row: $r"
# what the ClientHello offered
r=$(q client_versions "sni='mx02.et.echomx.test'")
case $r in *1.3*1.2*) ;; *) fail "client versions: $r" ;; esac
q client_sigalgs "sni='mx02.et.echomx.test'" | grep -q rsa_pss_rsae_sha256 || fail "sigalgs"
q client_ciphers "sni='mx02.et.echomx.test'" | grep -q TLS_AES_128_GCM_SHA256 || fail "ciphers"
[ "$(sql "select count(*) from connection where peer_addr='::1' and sni='mx02.et.echomx.test'")" = 1 ] ||
    fail "IPv6 connection not recorded"
smtpd_finish
echo ok
