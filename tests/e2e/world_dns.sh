#!/bin/bash
# The test world's DNS and PKI as the senders see them: AD on signed names,
# no AD on the insecure zone, SERVFAIL on the bogus zone (and the data is
# there with +cd, so it is a validation failure), trust-ad in every host's
# resolv.conf, the world CA trusted inside hosts, echomx's world config,
# and no route out of the world.
. "$(dirname "$0")/../lib.sh"
need dig
need curl
W=${ECHOMX_WORLD:-/run/echomx-world}
X=$TOP/tests/world/exec
[ -f "$W/up.ok" ] || fail "the world is not up (tests/world/up)"

hosts=$(awk '$1 == "netns" && $2 != "emxw-switch" { print $2 }' "$W/record")
senders=$(echo "$hosts" | grep '^sender-')
[ "$(echo "$senders" | wc -l)" -ge 9 ] || fail "fewer than 9 sender hosts: $senders"

# query HOST NAME TYPE [dig options]: prints "STATUS flags..."
query() {
	local out
	out=$("$X" "$1" dig +dnssec +time=3 +tries=2 "${@:4}" "$2" "$3") || true
	echo "$(echo "$out" | sed -n 's/.*status: \([A-Z]*\).*/\1/p') $(echo "$out" | sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p')"
}
has_ad() { case " $1 " in *" ad "*) return 0 ;; esac; return 1; }

for h in $hosts; do
	grep -q '^options.*trust-ad' "/etc/netns/$h/resolv.conf" ||
		fail "$h: resolv.conf lacks 'options trust-ad' (Exim silently stops DANE)"
	"$X" "$h" grep -q trust-ad /etc/resolv.conf ||
		fail "$h: /etc/resolv.conf inside the host is not the world's"
	r=$("$X" "$h" ip route show default)
	[ -z "$r" ] || fail "$h has a default route: $r"
	r=$("$X" "$h" ip -6 route show default)
	[ -z "$r" ] || fail "$h has an IPv6 default route: $r"
	bad=$("$X" "$h" ip -o addr show scope global |
		awk '{ print $4 }' | grep -Ev '^(198\.51\.100\.|203\.0\.113\.|2001:db8:)' || true)
	[ -z "$bad" ] || fail "$h has an address outside the documentation ranges: $bad"
done
note "resolv.conf (trust-ad), routes and addresses: ok on $(echo "$hosts" | wc -w) hosts"

for h in $senders; do
	for n in "good.test MX" "plain.test MX" "_25._tcp.mx1.good.test TLSA" \
	    "none.senders.test MX" "test. SOA" ". SOA"; do
		set -- $n
		r=$(query "$h" "$1" "$2")
		case $r in NOERROR*) ;; *) fail "$h: $1 $2: $r (expected NOERROR)" ;; esac
		has_ad "$r" || fail "$h: $1 $2 is signed but the answer has no AD: $r"
	done
	r=$(query "$h" tlsa-unsigned-zone.test MX)
	case $r in NOERROR*) ;; *) fail "$h: insecure zone: $r" ;; esac
	has_ad "$r" && fail "$h: tlsa-unsigned-zone.test is unsigned but has AD: $r"
	r=$(query "$h" bogus-dnssec.test MX)
	case $r in SERVFAIL*) ;; *) fail "$h: bogus-dnssec.test MX: $r (expected SERVFAIL)" ;; esac
	r=$(query "$h" mx1.bogus-dnssec.test A +cd)
	case $r in NOERROR*) ;; *) fail "$h: bogus zone with +cd: $r (the data should be there)" ;; esac
done
note "AD / insecure / SERVFAIL as expected from $(echo "$senders" | wc -w) senders"

r=$(query client 10.113.0.203.in-addr.arpa PTR)
has_ad "$r" || fail "reverse zone not secure: $r"

# The world CA is the WebPKI inside a host; outside it is not.
"$X" client curl -sSf -o "$T/policy" https://mta-sts.good.test/.well-known/mta-sts.txt ||
	fail "client cannot fetch the good MTA-STS policy with the system CA bundle"
grep -q '^mode: enforce' "$T/policy" || fail "good policy: $(cat "$T/policy")"
"$X" client openssl verify "$W/hosts/good-mx1/tls/server.crt" >/dev/null ||
	fail "a private-CA certificate does not verify against the host's default CA store"
if "$X" client openssl verify "$W/hosts/selfsigned-mx1/tls/server.crt" >/dev/null 2>&1; then
	fail "a self-signed certificate verifies inside the world"
fi

# echomx finds the world's trust anchor and CA by default.
conf=/etc/netns/client/echomx/echomx.conf
"$X" client test -f /etc/echomx/echomx.conf || fail "no /etc/echomx/echomx.conf inside a host"
ta=$(sed -n 's/^trust_anchor *= *//p' "$conf")
ca=$(sed -n 's/^ca_file *= *//p' "$conf")
grep -q 'DNSKEY[[:space:]]*257' "$ta" || fail "trust anchor $ta holds no KSK"
ksk=$(awk '{ for (i = 1; i < NF; i++) if ($i == "DNSKEY" && $(i + 1) == 257) {
	print $(i + 1) $(i + 2) $(i + 3) $(i + 4); exit } }' "$ta")
[ -n "$ksk" ] || fail "no KSK in $ta"
"$X" client dig +short . DNSKEY | tr -d ' ' | grep -qxF "$ksk" ||
	fail "the trust anchor is not the served root KSK"
cmp -s "$ca" "$W/ca/ca.crt" || fail "ca_file is not the world CA"
# and echomx itself reads it there, with no -c
[ -x "$BIN/echomx" ] || fail "no $BIN/echomx (make)"
"$X" echomx "$BIN/echomx" init -n >"$T/effective" 2>&1 || fail "echomx init -n in the world: $(cat "$T/effective")"
grep -qx "trust_anchor = $ta" "$T/effective" || fail "echomx does not use the world trust anchor: $(grep trust_anchor "$T/effective")"
grep -qx "ca_cert = $W/ca/ca.crt" "$T/effective" || fail "echomx on the echomx host does not use the world CA"
note "CA, trust anchor and echomx.conf: ok"
