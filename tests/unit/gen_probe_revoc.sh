#!/bin/bash
# gen_probe_revoc.sh: make the canned certificates, OCSP responses and CRLs
# of tests/unit/test_probe_revoc.c with the openssl CLI (independently of
# the code under test) and print them as C (tests/unit/probe_revoc_fix.h).
#   bash tests/unit/gen_probe_revoc.sh > tests/unit/probe_revoc_fix.h
set -euo pipefail
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
cd "$d"
ca() { # NAME: an EC CA "Canned Revoc CA" (same name, own key) in dir NAME
	mkdir -p "$1/new"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1/ca.key" 2>/dev/null
	openssl req -x509 -new -key "$1/ca.key" -out "$1/ca.crt" -days 36500 \
	    -subj "/CN=Canned Revoc CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
	: > "$1/index.txt"
	echo 2000 > "$1/serial"
	cat > "$1/ca.cnf" <<EOF
[ca]
default_ca = d
[d]
database = $d/$1/index.txt
new_certs_dir = $d/$1/new
serial = $d/$1/serial
default_md = sha256
policy = p
unique_subject = no
default_crl_days = 7
[p]
commonName = supplied
EOF
}
issue() { # CA NAME EXTRA-EXT: NAME.key, NAME.crt issued by CA
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$2.key" 2>/dev/null
	openssl req -new -key "$2.key" -out "$2.csr" -subj "/CN=$2.test" \
	    2>/dev/null
	printf '%b' "$3" > "$2.ext"
	openssl ca -batch -config "$1/ca.cnf" -cert "$1/ca.crt" \
	    -keyfile "$1/ca.key" -in "$2.csr" -out "$2.crt" -notext \
	    -startdate 20200101000000Z -enddate 21000101000000Z \
	    -extfile "$2.ext" 2>/dev/null
}
ca main
ca twin		# same name as main, another key
urls='authorityInfoAccess=OCSP;URI:http://ocsp.canned.test:8080/,OCSP;URI:ldap://x.canned.test/\ncrlDistributionPoints=URI:http://crl.canned.test/ca.crl,URI:ldap://x.canned.test/crl\n'
issue main good "${urls}extendedKeyUsage=serverAuth\n"
issue main bad "${urls}extendedKeyUsage=serverAuth\n"
issue main plain "extendedKeyUsage=serverAuth\n"
issue main resp "extendedKeyUsage=OCSPSigning\n"
issue main rogue "extendedKeyUsage=serverAuth\n"
issue twin twinresp "extendedKeyUsage=OCSPSigning\n"
openssl ca -config main/ca.cnf -cert main/ca.crt -keyfile main/ca.key \
    -revoke bad.crt -crl_reason keyCompromise 2>/dev/null
now=$(date +%s)
openssl ca -gencrl -config main/ca.cnf -cert main/ca.crt \
    -keyfile main/ca.key -out crl.pem 2>/dev/null
openssl crl -in crl.pem -outform DER -out crl.der
openssl ca -gencrl -config twin/ca.cnf -cert twin/ca.crt \
    -keyfile twin/ca.key -out twincrl.pem 2>/dev/null
openssl crl -in twincrl.pem -outform DER -out twincrl.der
resp() { # OUT CERT SIGNER KEY [CA-DIR]
	openssl ocsp -issuer main/ca.crt -cert "$2" -no_nonce \
	    -reqout "$1.req" 2>/dev/null
	openssl ocsp -index "${5:-main}/index.txt" -CA main/ca.crt \
	    -rsigner "$3" -rkey "$4" -reqin "$1.req" -respout "$1.der" \
	    -ndays 1 2>/dev/null
}
resp good_deleg good.crt resp.crt resp.key
resp bad_deleg bad.crt resp.crt resp.key
resp good_direct good.crt main/ca.crt main/ca.key
resp good_rogue good.crt rogue.crt rogue.key
resp good_twin good.crt twinresp.crt twinresp.key
resp plain_deleg plain.crt resp.crt resp.key	# another certificate
hex() { echo "static const char $1[] ="; xxd -p "$2" | sed 's/.*/\t"&"/'
	echo ";"; }
echo "/* made by tests/unit/gen_probe_revoc.sh; do not edit */"
echo "#define FIX_NOW ${now}"
for c in good bad plain; do
	openssl x509 -in $c.crt -outform DER -out $c.der
	hex "fix_$c" $c.der
done
openssl x509 -in main/ca.crt -outform DER -out ca.der
hex fix_ca ca.der
openssl x509 -in twin/ca.crt -outform DER -out twin.der
hex fix_twin twin.der
for r in good_deleg bad_deleg good_direct good_rogue good_twin plain_deleg
do
	hex "fix_ocsp_$r" $r.der
done
hex fix_crl crl.der
hex fix_crl_pem crl.pem
hex fix_twincrl twincrl.der
