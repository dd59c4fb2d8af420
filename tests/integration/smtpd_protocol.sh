#!/bin/bash
# smtpd_protocol: RFC 5321 details with a raw client: out-of-order 503s,
# VRFY refused, over-long lines 500, SIZE and data over the limit 552,
# dot-unstuffing, BDAT/CHUNKING, pipelining, plaintext pipelined after
# STARTTLS discarded, max_errors 421, too many sessions 421.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtpd_common"

smtpd_start -o accept_rule=all -o downgrade_window=0 \
    -o message_size_limit=20000 -o max_sessions_per_peer=4 -o max_errors=8

python3 - "$PORT" "$ST/spool/new" <<'PY' || fail "protocol checks"
import os, socket, ssl, sys, time
port, spool = int(sys.argv[1]), sys.argv[2]

class C:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port), 5)
        self.f = self.s.makefile("rb")
        self.greet = self.reply()
    def send(self, b):
        self.s.sendall(b)
    def reply(self):
        lines = []
        while True:
            l = self.f.readline()
            if not l:
                raise EOFError("connection closed")
            lines.append(l.decode().rstrip("\r\n"))
            if l[3:4] != b"-":
                return lines
    def cmd(self, line):
        self.send(line.encode() + b"\r\n")
        r = self.reply()
        return r
    def code(self, line):
        return int(self.cmd(line)[-1][:3])

def check(cond, what):
    if not cond:
        print("FAIL:", what); sys.exit(1)

c = C()
check(c.greet[0].startswith("220 "), "greeting")
check(c.code("MAIL FROM:<a@b.example>") == 503, "MAIL before EHLO")
e = c.cmd("EHLO client.example")
for kw in ("PIPELINING", "SIZE 20000", "8BITMIME", "SMTPUTF8", "CHUNKING", "STARTTLS"):
    check(any(kw in l for l in e), "EHLO lacks " + kw)
check(c.code("RCPT TO:<u@et.echomx.test>") == 503, "RCPT before MAIL")
check(c.code("DATA") == 503, "DATA before MAIL")
check(c.code("VRFY root") in (252, 502), "VRFY")
check(c.code("NOOP") == 250, "NOOP")
check(c.code("MAIL FROM:<a@b.example> SIZE=999999") == 552, "SIZE over limit")
check(c.code("MAIL FROM:<a@b.example> SIZE=100") == 250, "MAIL")
check(c.code("MAIL FROM:<a@b.example>") == 503, "nested MAIL")
check(c.code("DATA") == 503, "DATA before RCPT")
check(c.code("RSET") == 250, "RSET")
check(c.code("RCPT TO:<u@et.echomx.test>") == 503, "RCPT after RSET")
# over-long command line
check(c.code("NOOP " + "x" * 600) == 500, "long line 500")
check(c.code("NOOP") == 250, "after long line")
c.cmd("QUIT")

# dot-unstuffing, and the message in the spool
c = C(); c.cmd("EHLO client.example")
c.cmd("MAIL FROM:<dots@b.example>"); c.cmd("RCPT TO:<u@ut.echomx.test>")
check(c.code("DATA") == 354, "DATA 354")
c.send(b"Subject: dots\r\n\r\n..leading dot\r\n.\r\n")
r = c.reply()
check(r[0].startswith("250 2.0.0 Ok: queued as "), "250 after DATA: %r" % r)
name = r[0].split()[-1]
body = open(os.path.join(spool, name), "rb").read()
check(b"\r\n.leading dot\r\n" in body and b"..leading" not in body, "dot-unstuffing")
check(b"Received: from client.example" in body, "Received header")
# data over the size limit: 552, nothing spooled
c.cmd("MAIL FROM:<big@b.example>"); c.cmd("RCPT TO:<u@ut.echomx.test>")
check(c.code("DATA") == 354, "DATA 354 (big)")
c.send((b"x" * 900 + b"\r\n") * 30 + b".\r\n")
check(c.reply()[0].startswith("552"), "552 for a big message")
# text line over 1000 octets: 500
c.cmd("MAIL FROM:<long@b.example>"); c.cmd("RCPT TO:<u@ut.echomx.test>")
check(c.code("DATA") == 354, "DATA 354 (long)")
c.send(b"y" * 1500 + b"\r\n.\r\n")
check(c.reply()[0].startswith("500"), "500 for a long text line")
# BDAT in chunks, pipelined
c.cmd("MAIL FROM:<bdat@b.example>"); c.cmd("RCPT TO:<u@et.echomx.test>")
c.send(b"BDAT 12\r\nSubject: b\r\n" + b"BDAT 8 LAST\r\n\r\nbody\r\n")
r1 = c.reply(); r2 = c.reply()
check(r1[0].startswith("250 2.0.0 12 octets"), "BDAT chunk: %r" % r1)
check(r2[0].startswith("250 2.0.0 Ok: queued"), "BDAT LAST: %r" % r2)
body = open(os.path.join(spool, r2[0].split()[-1]), "rb").read()
check(body.endswith(b"Subject: b\r\n\r\nbody\r\n"), "BDAT content")
# DATA after BDAT in one transaction, BDAT without transaction
c.send(b"BDAT 3 LAST\r\nabc")
check(c.reply()[0].startswith("503"), "BDAT without a transaction")
check(c.code("NOOP") == 250, "in step after BDAT 503")
# pipelined full transaction
c2 = C(); c2.cmd("EHLO p.example")
c2.send(b"MAIL FROM:<p@b.example>\r\nRCPT TO:<u@et.echomx.test>\r\nRCPT TO:<x@other.example>\r\nDATA\r\n")
codes = [int(c2.reply()[0][:3]) for _ in range(4)]
check(codes == [250, 250, 550, 354], "pipelined replies %r" % codes)
c2.send(b"hi\r\n.\r\nQUIT\r\n")
check(c2.reply()[0].startswith("250"), "pipelined DATA")
check(c2.reply()[0].startswith("221"), "pipelined QUIT")

# STARTTLS with plaintext pipelined behind it: discarded
c3 = C(); c3.cmd("EHLO inj.example")
c3.send(b"STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n")
check(c3.reply()[0].startswith("220"), "220 to STARTTLS")
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(c3.s, server_hostname="mx04.et.echomx.test")
c3.s = t; c3.f = t.makefile("rb")
e = c3.cmd("EHLO inj.example")
check(not any("STARTTLS" in l for l in e), "STARTTLS offered inside TLS")
check(any("REQUIRETLS" in l for l in e), "REQUIRETLS inside TLS")
check(c3.code("RCPT TO:<u@et.echomx.test>") == 503, "injected MAIL was executed")
check(c3.code("MAIL FROM:<real@b.example> REQUIRETLS") == 250, "MAIL over TLS")
c3.cmd("QUIT")

# max_errors: 421 and close
c4 = C()
for i in range(7):
    check(c4.code("BOGUS") == 500, "500 for garbage")
check(c4.code("BOGUS") == 500, "500 for the last garbage")
r = c4.reply()
check(r[-1].startswith("421"), "421 after max_errors: %r" % r)

# too many sessions from one peer: the 5th gets 421
held = [C() for _ in range(4)]
x = C()
check(x.greet[0].startswith("421"), "421 over max_sessions_per_peer: %r" % x.greet)
for h in held + [c, x]: h.f.close(); h.s.close()
time.sleep(0.3)
ok = C(); check(ok.greet[0].startswith("220"), "220 after the others left")
print("python checks ok")
PY
settle 0.5
r=$(sql "select commands from connection where commands like '%PIPELINED-AFTER-STARTTLS%'")
case $r in "EHLO,STARTTLS,PIPELINED-AFTER-STARTTLS,HANDSHAKE,TLS,EHLO,RCPT,MAIL"*) ;; *) fail "injection row: $r" ;; esac
[ "$(sql "select requiretls from connection where mail_from='real@b.example'")" = 1 ] || fail "REQUIRETLS not recorded"
[ "$(sql "select end_reason from connection where commands like 'BOGUS%' or commands like 'UNKNOWN,UNKNOWN%' limit 1")" = 421-errors ] ||
    fail "max_errors end reason"
[ "$(sql 'select count(*) from message')" = "$(spool_count)" ] || fail "spool and store differ"
smtpd_finish
echo ok
