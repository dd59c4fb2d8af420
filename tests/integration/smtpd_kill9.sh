#!/bin/bash
# smtpd_kill9: smtp-source delivers (and a client of ours that notes the
# queue id of every 250) while the listener is killed with -9: every
# message that got 250 is in the spool's new/ and in the store.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtpd_common"
need smtp-source

smtpd_start -o accept_rule=all -o downgrade_window=0 -o log_level=warning
# a clean run first: all 300 accepted
smtp-source -c -s 10 -m 300 -f s@sender.example -t u@et.echomx.test \
    "127.0.0.1:$PORT" >"$T/ss0.out" 2>&1 || fail "smtp-source failed"
settle 0.5
[ "$(spool_count)" = 300 ] || fail "clean run: $(spool_count) in the spool"
[ "$(sql 'select count(*) from message')" = 300 ] || fail "clean run: store"

smtp-source -c -s 10 -m 100000 -f s@sender.example -t u@et.echomx.test \
    "127.0.0.1:$PORT" >"$T/ss.out" 2>&1 &
SS=$!
python3 - "$PORT" "$T/ids" <<'PY' &
import socket, sys, threading, time
port, out = int(sys.argv[1]), sys.argv[2]
ids, lock = [], threading.Lock()
def worker():
    end = time.time() + 20
    while time.time() < end:
        try:
            s = socket.create_connection(("127.0.0.1", port), 2)
            f = s.makefile("rb")
            def rd():
                while True:
                    l = f.readline()
                    if not l: raise EOFError
                    if l[3:4] != b"-": return l.decode()
            rd()
            for cmd in (b"EHLO k.example", b"MAIL FROM:<k@sender.example>",
                        b"RCPT TO:<u@et.echomx.test>", b"DATA"):
                s.sendall(cmd + b"\r\n"); rd()
            s.sendall(b"Subject: k\r\n\r\nkill test\r\n.\r\n")
            r = rd()
            if r.startswith("250"):
                with lock: ids.append(r.split()[-1])
            s.close()
        except Exception:
            with lock: pass
            if time.time() > end - 19 and len(ids) > 0:
                # server gone after we had successes
                try:
                    socket.create_connection(("127.0.0.1", port), 0.5).close()
                except Exception:
                    break
            time.sleep(0.05)
ts = [threading.Thread(target=worker) for _ in range(8)]
for t in ts: t.start()
for t in ts: t.join()
open(out, "w").write("\n".join(ids) + "\n")
PY
PY_PID=$!
sleep 2
kill -9 "$SMTPD_PID"
SMTPD_PID=
wait "$PY_PID" || true
wait "$SS" || true
seen=$(tr '\r' '\n' <"$T/ss.out" | grep -E '^[0-9]+$' | tail -1)
seen=${seen:-0}
ours=$(grep -c . "$T/ids" || true)
spool=$(spool_count)
stored=$(sql 'select count(*) from message')
note "smtp-source saw $seen x 250, our client $ours; spool $spool, store $stored (incl. 300)"
[ "$ours" -gt 0 ] || fail "our client got no 250 before the kill"
[ "$seen" -gt 0 ] || fail "smtp-source got no 250 before the kill"
[ "$stored" -ge $((seen + ours + 300)) ] || fail "store lost messages"
[ "$spool" -ge "$stored" ] || fail "spool lost messages"
# every 250 our client saw: file in new/ and a row
missing=0
while read -r id; do
	[ -n "$id" ] || continue
	[ -f "$ST/spool/new/$id" ] || { echo "no file $id"; missing=$((missing + 1)); }
	[ "$(sql "select count(*) from message where spool_file='$id'")" = 1 ] ||
	    { echo "no row $id"; missing=$((missing + 1)); }
done <"$T/ids"
[ "$missing" = 0 ] || fail "$missing acknowledged messages lost"
# every stored message has its file
for f in $(sql 'select spool_file from message'); do
	[ -f "$ST/spool/new/$f" ] || fail "row without file: $f"
done
smtpd_finish
echo ok
