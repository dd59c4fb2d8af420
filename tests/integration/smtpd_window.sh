#!/bin/bash
# smtpd_window: the downgrade window withholds STARTTLS and answers DATA
# 451; after it STARTTLS is offered, plaintext DATA still gets 451 and
# DATA over TLS gets 250 (accept_rule tls-after-window). States, TLS
# details and the message land in the store and the spool; history shows
# them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtpd_common"
need swaks

smtpd_start -o downgrade_window=4s
"$BIN/echomx-smtpd" "${OPTS[@]}" -n >"$T/n.out" || fail "-n failed"
grep -q '^downgrade_window = 180s' "$T/n.out" ||
    grep -q '^downgrade_window' "$T/n.out" || fail "-n prints no values"

# 1. in the window: no STARTTLS, DATA 451
swaks -s 127.0.0.1 -p "$PORT" -f alice@sender.example -t u@et.echomx.test \
    >"$T/s1.out" 2>&1 && fail "swaks succeeded in the window"
grep -q 'STARTTLS' "$T/s1.out" && fail "STARTTLS offered in the window"
grep -q '<\*\* 451 4.7.0' "$T/s1.out" || { cat "$T/s1.out"; fail "no 451 in the window"; }
# swaks insisting on TLS sees it missing (EHLO, QUIT)
swaks -s 127.0.0.1 -p "$PORT" -f alice@sender.example -t u@et.echomx.test \
    -tls >"$T/s1b.out" 2>&1 && fail "TLS worked in the window"

sleep 4.2
# 2. after the window: plaintext DATA still 451
swaks -s 127.0.0.1 -p "$PORT" -f alice@sender.example -t u@et.echomx.test \
    >"$T/s2.out" 2>&1 && fail "plaintext accepted after the window"
grep -q '250-STARTTLS' "$T/s2.out" || { cat "$T/s2.out"; fail "STARTTLS not offered after the window"; }
grep -q '<\*\* 451' "$T/s2.out" || fail "plaintext DATA not 451"

# 3. over TLS with SNI: 250
swaks -s 127.0.0.1 -p "$PORT" -f alice@sender.example -t u@et.echomx.test \
    -tls --tls-sni mx05.et.echomx.test >"$T/s3.out" 2>&1 ||
    { cat "$T/s3.out"; fail "TLS delivery failed"; }
grep -q '<~  250 2.0.0 Ok: queued as' "$T/s3.out" || fail "no 250 over TLS"
# unknown recipient domain refused
swaks -s 127.0.0.1 -p "$PORT" -f alice@sender.example -t u@elsewhere.example \
    -tls >"$T/s4.out" 2>&1 && fail "relay accepted"
grep -q '550 5.7.1' "$T/s4.out" || fail "no 550 for a foreign domain"
settle

[ "$(spool_count)" = 1 ] || fail "spool has $(spool_count) messages, expected 1"
[ "$(sql 'select count(*) from message')" = 1 ] || fail "message row missing"
[ "$(sql 'select count(distinct session_id) from connection')" = 1 ] ||
    fail "connections not in one test session"
[ "$(sql "select sender from test_session")" = alice@sender.example ] ||
    fail "session not keyed by sender"
row=$(sql "select vs, sni, state, tls_version, end_reason, starttls_offered from connection where state='acked'")
[ "$row" = "mx05|mx05.et.echomx.test|acked|TLSv1.3|quit|1" ] || fail "acked row: $row"
ev=$(sql "select group_concat(state, ',') from (select e.state from state_event e join connection c on c.id=e.connection_id where c.state='acked' order by e.at, e.id)")
[ "$ev" = "none,sni_seen,tls_started,mail,acked" ] || fail "events: $ev"
# the window connection: plain text, reached mail, STARTTLS withheld
row=$(sql "select state, starttls_offered, commands, end_reason from connection where commands != '' order by id limit 1")
[ "$row" = "mail|0|EHLO,MAIL,RCPT,DATA,QUIT|quit" ] || fail "window row: $row"
# the -tls swaks in the window: EHLO then QUIT
row=$(sql "select commands from connection where commands != '' order by id limit 1 offset 1")
[ "$row" = "EHLO,QUIT" ] || fail "missing-STARTTLS row: $row"
[ -n "$(sql "select client_ciphers from connection where state='acked'")" ] ||
    fail "ClientHello ciphers not recorded"
sql "select client_groups from connection where state='acked'" | grep -q x25519 ||
    fail "ClientHello groups not recorded"

"$BIN/echomx" history -c "$CONF" -o "state_dir=$ST" >"$T/h.out"
grep -q '(mx05, encrypted, Acked): From: <alice@sender.example> To: <u@et.echomx.test>' "$T/h.out" ||
    { cat "$T/h.out"; fail "history line"; }
grep -q '(mx06, plain text, Mail)' "$T/h.out" || fail "history plain line"
"$BIN/echomx" history -c "$CONF" -o "state_dir=$ST" --json --session 1 \
    --since 1h >"$T/h.json"
python3 - "$T/h.json" <<'PY' || fail "history --json"
import json, sys
d = json.load(open(sys.argv[1]))
d = [c for c in d if c["commands"]]
assert len(d) == 5, len(d)
acked = [c for c in d if c["state"] == "acked"]
assert len(acked) == 1 and acked[0]["tls_version"] == "TLSv1.3"
assert [e["state"] for e in acked[0]["events"]][-1] == "acked"
PY
echo "ok"
