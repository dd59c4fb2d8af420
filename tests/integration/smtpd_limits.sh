#!/bin/bash
# smtpd_limits: command_timeout and connection_time_limit (421, end
# reasons), recipient_limit (452), max_sessions (421), and a slow or
# silent client never delays another one.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtpd_common"

smtpd_start -o accept_rule=all -o downgrade_window=0 -o command_timeout=2s \
    -o connection_time_limit=4s -o recipient_limit=3 -o max_sessions=6

python3 - "$PORT" <<'PY' || fail "limit checks"
import socket, sys, time
port = int(sys.argv[1])
def check(cond, what):
    if not cond:
        print("FAIL:", what); sys.exit(1)
class C:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port), 10)
        self.f = self.s.makefile("rb")
        self.greet = self.reply()
    def reply(self):
        while True:
            l = self.f.readline()
            if not l: raise EOFError("closed")
            if l[3:4] != b"-": return l.decode().strip()
    def cmd(self, line):
        self.s.sendall(line.encode() + b"\r\n"); return self.reply()
    def close(self):
        self.f.close(); self.s.close()

# a silent client and a byte-at-a-time client do not delay another one
silent = C()
slow = C()
slow.s.sendall(b"EH")
t0 = time.time()
c = C(); c.cmd("EHLO fast.example"); c.cmd("MAIL FROM:<f@sender.example>")
for i in range(3):
    check(c.cmd("RCPT TO:<u%d@et.echomx.test>" % i).startswith("250"), "RCPT %d" % i)
check(c.cmd("RCPT TO:<u9@et.echomx.test>").startswith("452"), "recipient_limit 452")
check(c.cmd("DATA").startswith("354"), "354")
c.s.sendall(b"x\r\n.\r\n")
check(c.reply().startswith("250"), "250 beside slow clients")
c.cmd("QUIT"); c.close()
check(time.time() - t0 < 1.5, "fast client was delayed %.2fs" % (time.time() - t0))

# max_sessions 6: silent, slow + 4 more; the 7th is refused
more = [C() for _ in range(4)]
x = C()
check(x.greet.startswith("421"), "421 over max_sessions: %r" % x.greet)
x.close()
for m in more: m.close()

# command_timeout 2s: the silent client gets 421 and is closed
silent.s.settimeout(5)
t0 = time.time()
check(silent.reply().startswith("421 4.4.2"), "421 on timeout")
check(time.time() - t0 < 4.5, "timeout too late")
# connection_time_limit 4s: a client that keeps talking is cut off too
busy = C()
t0 = time.time(); got = None
while time.time() - t0 < 8:
    try:
        r = busy.cmd("NOOP")
    except EOFError:
        break
    if r.startswith("421"):
        got = r; break
    time.sleep(0.5)
check(got is not None and "time limit" in got, "connection_time_limit: %r" % got)
print("limit checks ok")
PY
settle 0.5
[ "$(sql "select count(*) from connection where end_reason='timeout'")" -ge 1 ] ||
    fail "no timeout end reason"
[ "$(sql "select count(*) from connection where end_reason='time-limit'")" -ge 1 ] ||
    fail "no time-limit end reason"
[ "$(sql "select count(*) from connection where end_reason='421-max-sessions'")" = 1 ] ||
    fail "refused connection not recorded"
smtpd_finish
echo ok
