#!/bin/bash
# The hooks for the service's own zones: an NSD on the echomx host serving
# a signed echomx.test is insecure while test. has no DS for it, and secure
# (AD) once tests/world/delegate put its DS there; tests/world/web-site serves an MTA-STS
# policy host of that zone over HTTPS with a world-CA certificate.
. "$(dirname "$0")/../lib.sh"
need nsd
need ldns-keygen
need ldns-signzone
need ldns-key2ds
need dig
need curl
W=${ECHOMX_WORLD:-/run/echomx-world}
X=$TOP/tests/world/exec
[ -f "$W/up.ok" ] || fail "the world is not up (tests/world/up)"

z=$T/zone
mkdir -p "$z/keys" "$z/www/mta-sts.echomx.test/.well-known"
cat >"$z/echomx.test.zone.in" <<ZONE
echomx.test. 60 IN SOA ns.echomx.test. hostmaster.echomx.test. 1 60 60 600 5
echomx.test. 60 IN NS ns.echomx.test.
ns.echomx.test. 60 IN A 198.51.100.100
ns.echomx.test. 60 IN AAAA 2001:db8:51::100
echomx.test. 60 IN MX 10 mx.echomx.test.
mx.echomx.test. 60 IN A 198.51.100.100
mta-sts.echomx.test. 60 IN A 198.51.100.4
mta-sts.echomx.test. 60 IN AAAA 2001:db8:51::4
ZONE
ksk=$(cd "$z/keys" && ldns-keygen -a ECDSAP256SHA256 -k echomx.test.)
zsk=$(cd "$z/keys" && ldns-keygen -a ECDSAP256SHA256 echomx.test.)
ldns-signzone -o echomx.test. -f "$z/echomx.test.zone" "$z/echomx.test.zone.in" \
    "$z/keys/$ksk" "$z/keys/$zsk" || fail "signing"
ldns-key2ds -n -2 "$z/keys/$ksk.key" >"$z/ds"
cat >"$z/nsd.conf" <<CONF
server:
  ip-address: 198.51.100.100
  ip-address: 2001:db8:51::100
  port: 53
  username: ""
  chroot: ""
  database: ""
  zonesdir: $z
  pidfile: $z/nsd.pid
  zonelistfile: $z/zone.list
  xfrdfile: $z/xfrd.state
  xfrdir: $z
  logfile: $z/nsd.log
  server-count: 1
remote-control:
  control-enable: no
zone:
  name: "echomx.test."
  zonefile: echomx.test.zone
CONF
stop_nsd() { [ -f "$z/nsd.pid" ] && stop_pid "$(cat "$z/nsd.pid")"; }
on_exit stop_nsd
"$X" echomx nsd -c "$z/nsd.conf" || fail "nsd on the echomx host did not start"
n=0
until [ -s "$z/nsd.pid" ] && "$X" client dig +short +time=1 +tries=1 @198.51.100.100 echomx.test SOA | grep -q ns.echomx.test; do
	n=$((n + 1)); [ $n -lt 50 ] || fail "nsd on the echomx host does not answer"; sleep 0.1
done

flags() { "$X" client dig +dnssec +time=3 +tries=2 "$1" "$2" | sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p'; }
"$TOP/tests/world/delegate" echomx.test /dev/null >/dev/null || fail "delegate (no DS) failed"
f=$(flags mx.echomx.test A)
case " $f " in *" ad "*) fail "mx.echomx.test A secure without a DS: flags '$f'" ;; esac
[ -n "$f" ] || fail "no answer for mx.echomx.test"
"$TOP/tests/world/delegate" echomx.test "$z/ds" || fail "delegate failed"
f=$(flags mx.echomx.test A)
case " $f " in *" ad "*) ;; *) fail "mx.echomx.test A not secure after delegate: flags '$f'" ;; esac
grep -Eq '^echomx\.test\.[[:space:]].*[[:space:]]DS[[:space:]]' "$W/dns/zones/test.zone" || fail "no DS for echomx.test in test."
note "delegate: echomx.test is secure from the world root"

printf 'version: STSv1\r\nmode: testing\r\nmx: mx.echomx.test\r\nmax_age: 600\r\n' \
    >"$z/www/mta-sts.echomx.test/.well-known/mta-sts.txt"
chmod -R a+rX "$T"
"$TOP/tests/world/web-site" mta-sts.echomx.test "$z/www/mta-sts.echomx.test" || fail "web-site failed"
"$X" client curl -sSf -D "$T/h" -o "$T/p" https://mta-sts.echomx.test/.well-known/mta-sts.txt ||
	fail "cannot fetch https://mta-sts.echomx.test/.well-known/mta-sts.txt"
grep -qi '^content-type: text/plain' "$T/h" || fail "wrong content type: $(cat "$T/h")"
grep -q 'mode: testing' "$T/p" || fail "wrong policy: $(cat "$T/p")"
note "web-site: the policy is served with a world-CA certificate"

# back to the insecure delegation for the tests after this one
"$TOP/tests/world/delegate" echomx.test /dev/null >/dev/null || fail "delegate (reset) failed"
