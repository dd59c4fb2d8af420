#!/bin/bash
# smtpd_privdrop: started as root, echomx-smtpd binds, loads the keys,
# then runs as the configured user (here nobody) and can still spool and
# record; started as another user it just runs.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtpd_common"
need swaks

chmod 755 "$T"	# the unprivileged user must reach the state directory
if [ "$(id -u)" = 0 ]; then
	want=nobody
else
	want=$(id -un)
fi
smtpd_start -o accept_rule=all -o downgrade_window=0 -o "user=$want"
sleep 0.3
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$SMTPD_PID/status")
[ "$uid" = "$(id -u "$want")" ] || fail "runs as uid $uid, expected $want"
swaks -s 127.0.0.1 -p "$PORT" -f p@sender.example -t u@et.echomx.test -tls \
    >"$T/s.out" 2>&1 || { cat "$T/s.out"; fail "delivery as $want failed"; }
settle 0.5
[ "$(spool_count)" = 1 ] || fail "not spooled"
[ "$(sql 'select count(*) from message')" = 1 ] || fail "not recorded"
[ "$(stat -c %U "$ST/spool/new")" = "$want" ] || fail "spool not owned by $want"
if [ "$(id -u)" = 0 ]; then
	grep -q "event=privileges user=nobody" "$T/smtpd.log" || fail "no privileges log line"
fi
smtpd_finish
echo ok
