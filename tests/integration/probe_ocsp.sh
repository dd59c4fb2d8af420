#!/bin/bash
# probe_ocsp: stapled OCSP (RFC 6066 status_request, RFC 6960) as the probe
# sees it. Postfix does not staple, so the TLS side is openssl s_server
# with -status_file, behind a tiny SMTP front (python, loopback) that
# answers banner / EHLO / STARTTLS and then relays the bytes. The OCSP
# responses are made here with `openssl ocsp` from the CA's index: good,
# revoked, for another certificate, and none.
. "$(dirname "$0")/../lib.sh"
need openssl
need python3

. "$(dirname "$0")/probe_common"

C=$T/certs
mkdir -p "$C/newcerts"
: >"$C/index.txt"
echo 2000 >"$C/serial"
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
[ p ]
commonName = supplied
[ leaf ]
basicConstraints = critical,CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:mx.ocsp.test
authorityInfoAccess = OCSP;URI:http://127.0.0.1:9/ocsp
EOF
q() { "$@" >/dev/null 2>&1 || fail "command failed: $*"; }
q openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/ca.key" \
    -out "$C/ca.pem" -days 30 -subj "/CN=echomx OCSP test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
for n in a b; do
	q openssl req -new -newkey rsa:2048 -nodes -keyout "$C/$n.key" \
	    -out "$C/$n.csr" -subj "/CN=mx.ocsp.test"
	q openssl ca -batch -notext -config "$C/ca.cnf" -cert "$C/ca.pem" \
	    -keyfile "$C/ca.key" -extensions leaf -in "$C/$n.csr" \
	    -out "$C/$n.pem" -days 20
done
# resp CERT OUT: an OCSP response for CERT, signed by the CA itself
resp() {
	q openssl ocsp -issuer "$C/ca.pem" -cert "$1" -reqout "$T/req.der" \
	    -no_nonce
	q openssl ocsp -index "$C/index.txt" -rsigner "$C/ca.pem" \
	    -rkey "$C/ca.key" -CA "$C/ca.pem" -reqin "$T/req.der" \
	    -respout "$2" -ndays 1
}
resp "$C/a.pem" "$T/good.der"
resp "$C/b.pem" "$T/other.der"
q openssl ca -config "$C/ca.cnf" -cert "$C/ca.pem" -keyfile "$C/ca.key" \
    -revoke "$C/a.pem" -crl_reason keyCompromise
resp "$C/a.pem" "$T/revoked.der"

cat >"$T/front.py" <<'EOF'
# SMTP front: banner, EHLO with STARTTLS, 220 to STARTTLS, then relay.
import socket, sys, threading
lport, tport = int(sys.argv[1]), int(sys.argv[2])
srv = socket.create_server(("127.0.0.1", lport))
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
def handle(c):
    c.settimeout(10)
    buf = b""
    c.sendall(b"220 mx.ocsp.test ESMTP front\r\n")
    while True:
        while b"\n" not in buf:
            d = c.recv(1024)
            if not d or len(buf) > 4096:
                c.close()
                return
            buf += d
        line, buf = buf.split(b"\n", 1)
        cmd = line.strip().upper()
        if cmd.startswith(b"EHLO"):
            c.sendall(b"250-mx.ocsp.test\r\n250 STARTTLS\r\n")
        elif cmd == b"STARTTLS":
            c.sendall(b"220 2.0.0 go ahead\r\n")
            break
        elif cmd == b"QUIT":
            c.sendall(b"221 bye\r\n")
            c.close()
            return
        else:
            c.sendall(b"502 5.5.2 no\r\n")
    c.settimeout(None)
    t = socket.create_connection(("127.0.0.1", tport))
    threading.Thread(target=pipe, args=(c, t), daemon=True).start()
    pipe(t, c)
while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
EOF

PIDS=""
stop_all() { for p in $PIDS; do stop_pid "$p"; done; }
on_exit stop_all
# server NAME [s_server options]: front on $PORT_NAME
server() {
	local name=$1 fport tport
	shift
	fport=$(free_port)
	tport=$(free_port)
	openssl s_server -quiet -accept "127.0.0.1:$tport" -cert "$C/a.pem" \
	    -key "$C/a.key" -cert_chain "$C/ca.pem" "$@" \
	    </dev/null >"$T/$name.log" 2>&1 &
	PIDS="$PIDS $!"
	python3 "$T/front.py" "$fport" "$tport" >"$T/$name.front.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_port 127.0.0.1 "$tport" 10
	wait_port 127.0.0.1 "$fport" 10
	eval "PORT_$name=$fport"
}
server good -status_file "$T/good.der"
server revoked -status_file "$T/revoked.der"
server other -status_file "$T/other.der"
server none
# a server that demands a client certificate: the handshake fails with
# the server's alert, which the probe reports
server clientcert -no_tls1_3 -Verify 1 -CAfile "$C/ca.pem"
# SNI: this server sends a fatal alert unless the client names
# mx.ocsp.test (the probe sends the MX name, without a trailing dot)
server sni -servername mx.ocsp.test -servername_fatal -cert2 "$C/b.pem" \
    -key2 "$C/b.key"
# TLS 1.2 with finite-field DHE only: the group shows as the DH size
server dhe -no_tls1_3 -cipher DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0

probe() {
	OUT=$(env PROBE_IP=127.0.0.1 PROBE_PORT="$1" PROBE_MX=mx.ocsp.test \
	    PROBE_CA="$C/ca.pem" PROBE_ENUM=0 "$DRV") ||
		fail "driver failed (exit $?) on port $1: $OUT"
}
has() {
	printf '%s\n' "$OUT" | grep -qxF -- "$1" || {
		printf '%s\n' "$OUT" | sed 's/^/    /' >&2
		fail "$CASE: expected '$1'"
	}
}
val() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p" | head -n 1; }

CASE=good
probe "$PORT_good"
has handshake=ok
has trust=ok
has ocsp=good
val text.ocsp | grep -q 'http://127.0.0.1:9/ocsp' ||
	fail "good: AIA responder URL missing: $(val text.ocsp)"
CASE=revoked
probe "$PORT_revoked"
has ocsp=revoked
val text.ocsp | grep -qi 'keyCompromise\|key compromise' ||
	fail "revoked: no reason: $(val text.ocsp)"
CASE=other
probe "$PORT_other"
has ocsp=invalid
val text.ocsp | grep -q 'not about this certificate' ||
	fail "other: $(val text.ocsp)"
CASE=none
probe "$PORT_none"
has handshake=ok
has ocsp=none
CASE=dhe
probe "$PORT_dhe"
has handshake=ok
has version=TLSv1.2
has cipher=DHE-RSA-AES128-GCM-SHA256
val group | grep -Eq '^DH[0-9]{4}$' || fail "dhe: group '$(val group)'"
CASE=alert
OUT=$(env PROBE_IP=127.0.0.1 PROBE_PORT="$PORT_clientcert" PROBE_MX=mx.ocsp.test \
    PROBE_CA="$C/ca.pem" PROBE_ENUM=1 "$DRV") || fail "driver failed"
has stage=handshake
has handshake=fail
has v.TLSv1.2=refused
has nchain=0
val text.handshake | grep -q 'alert: handshake failure' ||
	fail "alert: $(val text.handshake)"
CASE=sni
OUT=$(env PROBE_IP=127.0.0.1 PROBE_PORT="$PORT_sni" PROBE_MX=mx.ocsp.test. \
    PROBE_CA="$C/ca.pem" "$DRV") || fail "driver failed"
has handshake=ok
has name=ok
OUT=$(env PROBE_IP=127.0.0.1 PROBE_PORT="$PORT_sni" PROBE_MX=other.ocsp.test \
    PROBE_CA="$C/ca.pem" "$DRV") || fail "driver failed"
has handshake=fail
val text.handshake | grep -q 'unrecognized name' ||
	fail "sni: $(val text.handshake)"
note "stapled OCSP: good, revoked, wrong certificate and none told apart"
