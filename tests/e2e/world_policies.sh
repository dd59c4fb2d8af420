#!/bin/bash
# Each Postfix outbound policy against the scenario receivers delivers or
# defers as Postfix documents (TLS_README, postconf(5)
# smtp_tls_security_level): none and may deliver in plaintext to a server
# without STARTTLS, encrypt defers there, verify defers on a self-signed
# certificate, dane defers on a wrong TLSA record, dane-only defers without
# TLSA, mta-sts (postfix-mta-sts-resolver) defers on an MX the policy does
# not list; every validating sender defers on a bogus zone; Exim with DANE
# verifies good.test by DANE and defers on the wrong TLSA record. And the other
# side of each: the same sender delivers where its policy is satisfied.
. "$(dirname "$0")/../lib.sh"
W=${ECHOMX_WORLD:-/run/echomx-world}
[ -f "$W/up.ok" ] || fail "the world is not up (tests/world/up)"
tag=p$$x$RANDOM
[ ! -f "$W/hosts/sender-exim-dane/EXIM-MISSING" ] ||
	fail "sender-exim-dane has no Exim: $(cat "$W/hosts/sender-exim-dane/EXIM-MISSING")"

# policy domain expected(sent|deferred) transport(plain|tls|-)
cases="
none plain.test sent plain
none selfsigned.test sent plain
none bogus-dnssec.test deferred -
may plain.test sent plain
may selfsigned.test sent tls
encrypt plain.test deferred -
encrypt selfsigned.test sent tls
verify selfsigned.test deferred -
verify wrongname.test deferred -
verify good.test sent tls
secure wrongname.test deferred -
secure good.test sent tls
dane tlsa-wrong.test deferred -
dane plain.test sent plain
dane good.test sent tls
dane tlsa-unsigned-zone.test sent tls
dane-only plain.test deferred -
dane-only tlsa-unsigned-zone.test deferred -
dane-only good.test sent tls
mta-sts sts-mx-mismatch.test deferred -
mta-sts good.test sent tls
mta-sts plain.test sent plain
exim-dane good.test sent tls
exim-dane tlsa-wrong.test deferred -
exim-dane plain.test sent plain
exim-dane bogus-dnssec.test deferred -
"
rcpt() { echo "$tag-$1@$2"; }

echo "$cases" | while read -r pol dom want how; do
	[ -n "$pol" ] || continue
	"$TOP/tests/world/send" "$pol" "$(rcpt "$pol" "$dom")" --subject "$tag $pol $dom" >/dev/null ||
		fail "send $pol -> $dom failed"
done

# status POLICY RCPT: the first final status Postfix logged for RCPT
status_of() {
	if [ "$1" = exim-dane ]; then
		# Exim's mainlog: "=>" delivered, "==" deferred, "**" bounced
		sed -n "s/.* \(=>\|==\|\*\*\) $2 .*/\1/p" "$W/hosts/sender-$1/log/mainlog" |
			head -n 1 | sed 's/=>/sent/; s/==/deferred/; s/\*\*/bounced/'
		return
	fi
	sed -n "s/.* to=<$2>,.* status=\([a-z]*\).*/\1/p" "$W/hosts/sender-$1/maillog" | head -n 1
}
end=$(( $(date +%s) + 60 ))
failed=0
while read -r pol dom want how; do
	[ -n "$pol" ] || continue
	r=$(rcpt "$pol" "$dom")
	got=
	while [ -z "$got" ] && [ "$(date +%s)" -lt "$end" ]; do
		got=$(status_of "$pol" "$r")
		[ -n "$got" ] || sleep 0.5
	done
	if [ "$pol" = exim-dane ]; then
		why=$(grep -h " $r " "$W/hosts/sender-$pol/log/mainlog" | grep -o 'CV=[a-z]*\|defer .*' | head -n 1)
	else
		why=$(sed -n "s/.* to=<$r>,.* status=[a-z]* //p" "$W/hosts/sender-$pol/maillog" | head -n 1)
	fi
	if [ "$got" != "$want" ]; then
		echo "WRONG: $pol -> $dom: ${got:-no status in 60 s} (expected $want) $why"
		failed=$((failed + 1))
		continue
	fi
	if [ "$want" = sent ]; then
		# the receiver's mailbox has it, and says how it came
		f=$(grep -l "^Delivered-To: $r" "$W"/hosts/"${dom%.test}"-mx*/Maildir/new/* 2>/dev/null | head -n 1)
		if [ -z "$f" ]; then
			echo "WRONG: $pol -> $dom: logged sent but not in the receiver's mailbox"
			failed=$((failed + 1))
			continue
		fi
		if grep -q "with ESMTPS id" "$f"; then seen=tls; else seen=plain; fi
		if [ "$seen" != "$how" ]; then
			echo "WRONG: $pol -> $dom: delivered over $seen (expected $how)"
			failed=$((failed + 1))
			continue
		fi
		grep -q "^DKIM-Signature: .*d=$pol.senders.test" "$f" ||
			grep -A1 '^DKIM-Signature:' "$f" | grep -q "d=$pol.senders.test" || {
			echo "WRONG: $pol -> $dom: not DKIM-signed by $pol.senders.test"
			failed=$((failed + 1))
			continue
		}
	fi
	if [ "$pol $dom" = "exim-dane good.test" ] && [ "$why" != CV=dane ]; then
		echo "WRONG: exim-dane -> good.test delivered without DANE verification ($why)"
		failed=$((failed + 1))
		continue
	fi
	echo "ok: $pol -> $dom: $got ${how/-/} $why"
done <<<"$cases"
[ "$failed" -eq 0 ] || fail "$failed policy cases wrong"

# Each sender's own domain receives: a reply to it lands in its mailbox.
for pol in none dane-only mta-sts exim-dane; do
	"$TOP/tests/world/send" dane "$tag-reply@$pol.senders.test" >/dev/null ||
		fail "send dane -> $pol.senders.test failed"
done
for pol in none dane-only mta-sts exim-dane; do
	n=0
	until grep -Eqs "^(Delivered-To|Envelope-to): $tag-reply@$pol.senders.test" "$W/hosts/sender-$pol/Maildir/new/"*; do
		n=$((n + 1))
		[ $n -lt 60 ] || fail "a mail to $pol.senders.test did not reach sender-$pol's mailbox"
		sleep 0.5
	done
	echo "ok: mail to $pol.senders.test arrives in $W/hosts/sender-$pol/Maildir/new"
done
