#!/bin/bash
# smtpd_postfix_sender: a real Postfix (private instance on loopback) sends
# to echomx-smtpd's virtual servers with per-destination TLS policies, and
# the listener records what a receiver can see: "may" delivers over TLS
# (250, acked), "verify" refuses the self-signed mx02 (EHLO, STARTTLS,
# handshake, TLS alert, no MAIL), "encrypt" gives up on mx01 without
# STARTTLS (EHLO, QUIT). Needs root (the Postfix instance); no DNS.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/smtpd_common"
need postfix
need smtp-source
[ "$(id -u)" = 0 ] || fail "needs root (private Postfix instance)"

chmod 755 "$T"
smtpd_start -o downgrade_window=0 -o user=root

PF=$T/pf
PS=$(free_port)
mkdir -p "$PF/conf" "$PF/q" "$PF/data"
chown postfix "$PF/data"
cat >"$PF/conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PF/q
data_directory = $PF/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = sender.example
mydomain = sender.example
myorigin = sender.example
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
smtp_host_lookup = native
disable_dns_lookups = yes
transport_maps = texthash:$PF/conf/transport
smtp_tls_policy_maps = texthash:$PF/conf/tls_policy
smtp_tls_CAfile = $ST/ca/ca.crt
smtp_tls_loglevel = 1
smtp_tls_session_cache_database =
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
syslog_name = echomx-test-sender
CF
cat >"$PF/conf/master.cf" <<CF
127.0.0.1:$PS inet n - n - - smtpd
cleanup unix n - n - 0 cleanup
rewrite unix - - n - - trivial-rewrite
qmgr unix n - n 300 1 qmgr
smtp unix - - n - - smtp
anvil unix - - n - 1 anvil
tlsmgr unix - - n 1000? 1 tlsmgr
proxymap unix - - n - - proxymap
defer unix - - n - 0 bounce
bounce unix - - n - 0 bounce
trace unix - - n - 0 bounce
error unix - - n - - error
retry unix - - n - - error
postlog unix-dgram n - n - 1 postlogd
CF
# one next hop per policy: the destinations differ by address
cat >"$PF/conf/transport" <<CF
may@et.echomx.test smtp:[127.0.1.6]:$PORT2
verify@et.echomx.test smtp:[127.0.1.2]:$PORT2
encrypt@et.echomx.test smtp:[127.0.1.1]:$PORT2
CF
cat >"$PF/conf/tls_policy" <<CF
[127.0.1.6]:$PORT2 may
[127.0.1.2]:$PORT2 verify match=mx02.et.echomx.test
[127.0.1.1]:$PORT2 encrypt
CF
pf_stop() { postfix -c "$PF/conf" stop >/dev/null 2>&1 || true; }
on_exit pf_stop
postfix -c "$PF/conf" start >"$T/pf.out" 2>&1 || { cat "$T/pf.out"; fail "postfix start"; }
wait_port 127.0.0.1 "$PS" 10

for who in may verify encrypt; do
	smtp-source -m 1 -f "sender@sender.example" -t "$who@et.echomx.test" \
	    "127.0.0.1:$PS" || fail "inject $who"
done
# wait (bounded) for the three deliveries to be attempted
for _ in $(seq 100); do
	n=$(sql "select count(*) from connection where local_addr in ('127.0.1.1','127.0.1.2','127.0.1.6') and ended is not null")
	[ "$n" -ge 3 ] && break
	sleep 0.2
done
sleep 0.5
sql "select vs, state, commands, end_reason, tls_alert from connection where local_addr != '127.0.0.1' and commands != ''" >"$T/rows"
cat "$T/rows"
grep -q '^mx06|acked|EHLO,STARTTLS,HANDSHAKE,TLS,EHLO,MAIL,RCPT,DATA' "$T/rows" ||
    { tail -20 "$PF/maillog"; fail "may: not delivered over TLS"; }
grep -q '^mx02|tls_started|EHLO,STARTTLS,HANDSHAKE,TLS-ALERT|tls-alert|' "$T/rows" ||
    grep -q '^mx02|tls_started|EHLO,STARTTLS,HANDSHAKE,TLS,QUIT' "$T/rows" ||
    grep -q '^mx02|none|EHLO,STARTTLS,HANDSHAKE,TLS-ALERT|tls-alert|' "$T/rows" ||
    { tail -20 "$PF/maillog"; fail "verify: no refused handshake for mx02"; }
grep -q '^mx02|.*MAIL' "$T/rows" && fail "verify: MAIL sent to the self-signed mx02"
grep -q '^mx01|none|EHLO,QUIT|quit' "$T/rows" ||
    { tail -20 "$PF/maillog"; fail "encrypt: not EHLO, QUIT on mx01"; }
[ "$(spool_count)" = 1 ] || fail "spool has $(spool_count)"
smtpd_finish
echo ok
