#!/usr/bin/python3
# tests/world/world.py: build, start, inspect and remove the echomx test
# world (see README.md).  Called by the up / down / status wrappers, which
# hold a lock so that two calls never run at the same time.
#
#   world.py up       build everything and start it (idempotent)
#   world.py down     stop and remove everything that up recorded
#   world.py status   hosts, addresses, daemons
#
# Everything the world makes is recorded under $ECHOMX_WORLD (default
# /run/echomx-world) before it is made, so that down also cleans up after
# a failed up.  Only documentation addresses are used (RFC 5737, RFC 3849).

import base64
import concurrent.futures
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
W = os.environ.get("ECHOMX_WORLD", "/run/echomx-world")
SWITCH = "emxw-switch"
NETNS_ETC = "/etc/netns"
RESOLVER4 = "198.51.100.3"
NS4, NS6 = "198.51.100.2", "2001:db8:51::2"
WEB4, WEB6 = "198.51.100.4", "2001:db8:51::4"
ECHOMX_SHARED = 100
SENDERS = [("none", 11), ("may", 12), ("encrypt", 13), ("verify", 14),
           ("secure", 15), ("dane", 16), ("dane-only", 17),
           ("mta-sts", 18), ("exim-dane", 19)]
VS = [("mx01", "mx01.et.echomx.test"), ("mx02", "mx02.et.echomx.test"),
      ("mx03", "mx03.et.echomx.test"), ("mx04", "mx04.et.echomx.test"),
      ("mx05", "mx05.et.echomx.test"), ("mx06", "mx06.et.echomx.test"),
      ("mx07", "mx07.et.echomx.test"), ("mx08", "mx08.et.echomx.test"),
      ("ut", "mx.ut.echomx.test")]
DNS_TTL = 300
# revocation (mx option revocation=good|revoked): the CA's OCSP responder
# (openssl ocsp, delegated signer) and CRL, both on the web host
OCSP_PORT = 8080
OCSP_URL = "http://web.nic.test:%d/" % OCSP_PORT
CRL_URL = "http://web.nic.test/ca.crl"
# revocation=unreachable: nothing listens there / nginx answers 404
DEAD_OCSP_URL = "http://web.nic.test:%d/" % (OCSP_PORT + 1)
DEAD_CRL_URL = "http://web.nic.test/missing.crl"
CA_LOCK = threading.Lock()   # openssl ca: one index.txt, one serial


class WorldError(Exception):
    pass


def log(msg):
    print("world: " + msg, flush=True)


def run(*args, check=True, input=None, cwd=None, env=None):
    r = subprocess.run(list(args), input=input, cwd=cwd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if check and r.returncode != 0:
        raise WorldError("%s: exit %d: %s" % (" ".join(args), r.returncode,
                                              (r.stderr or r.stdout).strip()))
    return r.stdout


def nsrun(host, *args, **kw):
    return run("ip", "netns", "exec", host, *args, **kw)


def wfile(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def rfile(path):
    with open(path) as f:
        return f.read()


def record(kind, value):
    """Note something before it is made, so that down finds it."""
    os.makedirs(W, exist_ok=True)
    with open(os.path.join(W, "record"), "a") as f:
        f.write("%s %s\n" % (kind, value))
        f.flush()
        os.fsync(f.fileno())


def records():
    try:
        lines = rfile(os.path.join(W, "record")).splitlines()
    except FileNotFoundError:
        return []
    return [tuple(l.split(" ", 1)) for l in lines if " " in l]


# ------------------------------------------------------------ the plan

class Host:
    def __init__(self, name, v4=(), v6=(), role="", names=()):
        self.name = name
        self.v4 = list(v4)
        self.v6 = list(v6)
        self.role = role
        self.names = list(names)  # DNS names (first: the host's own)
        self.postfix = None       # config dir when a Postfix runs here
        self.opts = {}


def parse_opts(words):
    d = {}
    for w in words:
        if "=" not in w:
            raise WorldError("bad option '%s'" % w)
        k, v = w.split("=", 1)
        d[k] = v
    return d


MX_KEYS = {"v4", "v6", "starttls", "cert", "key", "tls", "ciphers", "tlsa",
           "banner", "revocation", "alias", "alias_tlsa"}
SCEN_KEYS = {"zone", "mx", "spf", "dmarc", "tlsrpt", "dkim", "sts",
             "sts_mx", "sts_serve", "rr"}


def parse_scenario(path):
    name = os.path.basename(path)[:-len(".conf")]
    sc = {"name": name, "domain": name + ".test", "zone": "signed",
          "mx": [], "rr": [], "file": path}
    for n, line in enumerate(rfile(path).splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if "=" not in s:
            raise WorldError("%s:%d: expected key = value" % (path, n))
        k, v = [x.strip() for x in s.split("=", 1)]
        if k.startswith("expect"):
            continue
        if k not in SCEN_KEYS:
            raise WorldError("%s:%d: unknown key '%s'" % (path, n, k))
        if k == "mx":
            w = v.split()
            if len(w) < 2:
                raise WorldError("%s:%d: mx = LABEL PREF ..." % (path, n))
            o = parse_opts(w[2:])
            bad = set(o) - MX_KEYS
            if bad:
                raise WorldError("%s:%d: unknown mx option %s" %
                                 (path, n, ",".join(sorted(bad))))
            o.setdefault("starttls", "yes")
            o.setdefault("cert", "ca")
            o.setdefault("key", "rsa2048")
            o.setdefault("tls", "1.2,1.3")
            o.setdefault("ciphers", "default")
            o.setdefault("tlsa", "none")
            o.setdefault("banner", "ok")
            o.setdefault("revocation", "none")
            if o["revocation"] not in ("none", "good", "revoked",
                                       "unreachable"):
                raise WorldError("%s:%d: revocation = none | good | revoked"
                                 " | unreachable" % (path, n))
            # alias=LABEL2: the MX record names LABEL2.NAME.test, a CNAME
            # of the host; alias_tlsa: TLSA 3 1 1 at _25._tcp.LABEL2
            o.setdefault("alias_tlsa", "none")
            if o["alias_tlsa"] not in ("none", "right", "wrong") or (
                    o["alias_tlsa"] != "none" and "alias" not in o):
                raise WorldError("%s:%d: alias_tlsa = none | right | wrong"
                                 " (with alias=)" % (path, n))
            o["label"] = w[0]
            o["pref"] = int(w[1])
            o["fqdn"] = "%s.%s" % (w[0], sc["domain"])
            o["host"] = "%s-%s" % (name, w[0])
            if "v4" not in o and "v6" not in o:
                raise WorldError("%s:%d: mx without address" % (path, n))
            sc["mx"].append(o)
        elif k == "rr":
            sc["rr"].append(v)
        else:
            sc[k] = v
    if sc["zone"] not in ("signed", "insecure", "bogus"):
        raise WorldError("%s: zone must be signed, insecure or bogus" % path)
    return sc


def load_scenarios():
    d = os.path.join(HERE, "scenarios")
    return [parse_scenario(os.path.join(d, f))
            for f in sorted(os.listdir(d)) if f.endswith(".conf")]


def plan():
    hosts = []
    hosts.append(Host("ns", [NS4], [NS6], "nsd", ["ns.nic.test"]))
    hosts.append(Host("resolver", [RESOLVER4], ["2001:db8:51::3"],
                      "unbound", ["resolver.nic.test"]))
    hosts.append(Host("web", [WEB4], [WEB6], "nginx", ["web.nic.test"]))
    hosts.append(Host("client", ["198.51.100.5"], ["2001:db8:51::5"],
                      "client", ["client.nic.test"]))
    for pol, n in SENDERS:
        h = Host("sender-" + pol, ["198.51.100.%d" % n],
                 ["2001:db8:51::%d" % n],
                 "exim" if pol.startswith("exim") else "sender",
                 ["%s.senders.test" % pol])
        h.opts["policy"] = pol
        hosts.append(h)
    e = Host("echomx", ["198.51.100.%d" % ECHOMX_SHARED],
             ["2001:db8:51::%d" % ECHOMX_SHARED], "echomx",
             ["mx.echomx.test"])
    for i, (vs, fq) in enumerate(VS):
        e.v4.append("198.51.100.%d" % (101 + i))
        e.v6.append("2001:db8:51::%d" % (101 + i))
        e.names.append(fq)
    hosts.append(e)
    scen = load_scenarios()
    for sc in scen:
        for mx in sc["mx"]:
            h = Host(mx["host"], [mx["v4"]] if "v4" in mx else [],
                     [mx["v6"]] if "v6" in mx else [], "receiver",
                     [mx["fqdn"]])
            h.opts = mx
            h.opts["scenario"] = sc
            hosts.append(h)
    seen = {}
    for h in hosts:
        if len(h.name) > 60:
            raise WorldError("host name too long: " + h.name)
        for a in h.v4 + h.v6:
            if a in seen:
                raise WorldError("address %s used by %s and %s" %
                                 (a, seen[a], h.name))
            seen[a] = h.name
            if not (a.startswith("198.51.100.") or a.startswith("203.0.113.")
                    or a.startswith("2001:db8:")):
                raise WorldError("%s: %s is not a documentation address" %
                                 (h.name, a))
    return hosts, scen


def inputs_hash():
    h = hashlib.sha256()
    for root, dirs, files in os.walk(HERE):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".md") or f.endswith(".pyc"):
                continue
            p = os.path.join(root, f)
            h.update(p.encode())
            with open(p, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()


# ------------------------------------------------------------ keys, certs

CA = os.path.join(W, "ca")


def genkey(path, kind):
    if kind.startswith("rsa"):
        bits = kind[3:] or "2048"
        args = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + bits]
    elif kind == "ec-p256":
        args = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
    elif kind == "ed25519":
        args = ["-algorithm", "ED25519"]
    else:
        raise WorldError("unknown key type " + kind)
    run("openssl", "genpkey", *args, "-out", path)
    os.chmod(path, 0o600)


def spki_der(pem_path, is_cert=True):
    if is_cert:
        pub = run("openssl", "x509", "-in", pem_path, "-pubkey", "-noout")
    else:
        pub = run("openssl", "pkey", "-in", pem_path, "-pubout")
    r = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"],
                       input=pub.encode(), stdout=subprocess.PIPE,
                       check=True)
    return r.stdout


def make_ca():
    os.makedirs(CA, exist_ok=True)
    genkey(CA + "/ca.key", "ec-p256")
    run("openssl", "req", "-x509", "-new", "-key", CA + "/ca.key",
        "-out", CA + "/ca.crt", "-days", "3650", "-sha256",
        "-subj", "/O=echomx test world/CN=echomx test world CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-addext", "subjectKeyIdentifier=hash")
    os.makedirs(CA + "/new", exist_ok=True)
    wfile(CA + "/index.txt", "")
    wfile(CA + "/serial", "1000\n")
    wfile(CA + "/ca.cnf", """[ca]
default_ca = d
[d]
database = %(ca)s/index.txt
new_certs_dir = %(ca)s/new
serial = %(ca)s/serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
default_crl_days = 7
[p]
commonName = supplied
""" % {"ca": CA})
    # the delegated OCSP signer (RFC 6960 4.2.2.2: id-kp-OCSPSigning)
    genkey(CA + "/ocsp.key", "ec-p256")
    wfile(CA + "/ocsp.ext", "basicConstraints=CA:FALSE\n"
          "keyUsage=critical,digitalSignature\n"
          "extendedKeyUsage=OCSPSigning\n"
          "authorityKeyIdentifier=keyid\n")
    run("openssl", "req", "-new", "-key", CA + "/ocsp.key", "-out",
        CA + "/ocsp.csr", "-subj", "/O=echomx test world/CN=OCSP responder")
    run("openssl", "ca", "-batch", "-config", CA + "/ca.cnf",
        "-cert", CA + "/ca.crt", "-keyfile", CA + "/ca.key",
        "-in", CA + "/ocsp.csr", "-out", CA + "/ocsp.crt", "-notext",
        "-days", "3650", "-extfile", CA + "/ocsp.ext")


def make_crl():
    """The CA's CRL (DER), served by nginx on the web host at CRL_URL."""
    d = os.path.join(W, "hosts", "web", "htdocs")
    os.makedirs(d, exist_ok=True)
    with CA_LOCK:
        run("openssl", "ca", "-gencrl", "-config", CA + "/ca.cnf",
            "-cert", CA + "/ca.crt", "-keyfile", CA + "/ca.key",
            "-out", CA + "/ca.crl.pem")
    run("openssl", "crl", "-in", CA + "/ca.crl.pem", "-outform", "DER",
        "-out", d + "/ca.crl")


def make_cert(base, name, kind="ca", key="rsa2048", revocation="none"):
    """base.key + base.crt (leaf) + base.pem (chain: leaf + CA).
    revocation good / revoked: issued through the CA's index (openssl ca)
    with AIA OCSP and CRL distribution point URLs; revoked: then revoked
    (keyCompromise), so that the OCSP responder and the CRL say so;
    unreachable: URLs where no responder listens and the CRL is 404."""
    os.makedirs(os.path.dirname(base), exist_ok=True)
    genkey(base + ".key", key)
    san = name if kind != "wrongname" else "mail.elsewhere.test"
    ext = base + ".ext"
    wfile(ext, "subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\n"
          "keyUsage=critical,digitalSignature,keyEncipherment\n"
          "extendedKeyUsage=serverAuth,clientAuth\n"
          "authorityKeyIdentifier=keyid\n" % san)
    if revocation != "none":
        if kind not in ("ca", "wrongname"):
            raise WorldError("revocation needs cert=ca or wrongname")
        dead = revocation == "unreachable"
        with open(ext, "a") as fh:
            fh.write("authorityInfoAccess=OCSP;URI:%s\n"
                     "crlDistributionPoints=URI:%s\n" %
                     (DEAD_OCSP_URL if dead else OCSP_URL,
                      DEAD_CRL_URL if dead else CRL_URL))
    if kind == "selfsigned":
        run("openssl", "req", "-x509", "-new", "-key", base + ".key",
            "-out", base + ".crt", "-days", "365", "-sha256",
            "-subj", "/CN=" + san, "-addext", "subjectAltName=DNS:" + san)
        shutil.copy(base + ".crt", base + ".pem")
        return
    run("openssl", "req", "-new", "-key", base + ".key", "-out",
        base + ".csr", "-subj", "/CN=" + san)
    if kind == "expired":
        with CA_LOCK:
            run("openssl", "ca", "-batch", "-config", CA + "/ca.cnf",
                "-cert", CA + "/ca.crt", "-keyfile", CA + "/ca.key",
                "-in", base + ".csr", "-out", base + ".crt", "-notext",
                "-startdate", "20200101000000Z",
                "-enddate", "20210101000000Z", "-extfile", ext)
    elif revocation != "none":
        with CA_LOCK:
            run("openssl", "ca", "-batch", "-config", CA + "/ca.cnf",
                "-cert", CA + "/ca.crt", "-keyfile", CA + "/ca.key",
                "-in", base + ".csr", "-out", base + ".crt", "-notext",
                "-days", "365", "-extfile", ext)
            if revocation == "revoked":
                run("openssl", "ca", "-config", CA + "/ca.cnf",
                    "-cert", CA + "/ca.crt", "-keyfile", CA + "/ca.key",
                    "-revoke", base + ".crt", "-crl_reason", "keyCompromise")
    elif kind in ("ca", "wrongname"):
        run("openssl", "x509", "-req", "-in", base + ".csr",
            "-CA", CA + "/ca.crt", "-CAkey", CA + "/ca.key",
            "-set_serial", str(int.from_bytes(os.urandom(8), "big")),
            "-days", "365", "-sha256", "-extfile", ext,
            "-out", base + ".crt")
    else:
        raise WorldError("unknown cert kind " + kind)
    wfile(base + ".pem", rfile(base + ".crt") + rfile(CA + "/ca.crt"))


def tlsa_311(crt):
    return hashlib.sha256(spki_der(crt)).hexdigest()


def dkim_record(keyfile, kind):
    der = spki_der(keyfile, is_cert=False)
    if kind == "ed25519":
        return "v=DKIM1; k=ed25519; p=" + base64.b64encode(der[-32:]).decode()
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


# ------------------------------------------------------------ DNS

def txt(s):
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    parts = [s[i:i + 255] for i in range(0, len(s), 255)] or [""]
    return " ".join('"%s"' % p for p in parts)


def rev4(a):
    return ".".join(reversed(a.split("."))) + ".in-addr.arpa."


def expand6(a):
    if "::" in a:
        l, r = a.split("::")
        lp = l.split(":") if l else []
        rp = r.split(":") if r else []
        parts = lp + ["0"] * (8 - len(lp) - len(rp)) + rp
    else:
        parts = a.split(":")
    return "".join(p.zfill(4) for p in parts)


def rev6(a):
    return ".".join(reversed(expand6(a))) + ".ip6.arpa."


REV_ZONES = ["100.51.198.in-addr.arpa.", "113.0.203.in-addr.arpa.",
             "8.b.d.0.1.0.0.2.ip6.arpa."]


class Zone:
    def __init__(self, origin, kind="signed"):
        self.origin = origin
        self.kind = kind
        self.rrs = []
        self.ds = ""

    def add(self, name, rtype, data, ttl=DNS_TTL):
        if name == "@":
            name = self.origin
        elif not name.endswith("."):
            name = name + "." + self.origin
        self.rrs.append("%s %d IN %s %s" % (name, ttl, rtype, data))

    def text(self, serial):
        head = ["$ORIGIN " + self.origin,
                "%s %d IN SOA ns.nic.test. hostmaster.nic.test. %d 1800 "
                "900 604800 60" % (self.origin, DNS_TTL, serial)]
        if not any(" IN NS " in r and r.split()[0] == self.origin
                   for r in self.rrs):
            head.append("%s %d IN NS ns.nic.test." % (self.origin, DNS_TTL))
        return "\n".join(head + self.rrs) + "\n"


def keyfile_name(origin):
    return origin.rstrip(".") or "root"


def sign_zone(z, serial):
    kdir = os.path.join(W, "dns", "keys")
    zdir = os.path.join(W, "dns", "zones")
    os.makedirs(kdir, exist_ok=True)
    os.makedirs(zdir, exist_ok=True)
    fname = os.path.join(zdir, keyfile_name(z.origin) + ".zone")
    wfile(fname + ".unsigned", z.text(serial))
    if z.kind == "insecure":
        shutil.copy(fname + ".unsigned", fname)
        return
    ksk = run("ldns-keygen", "-a", "ECDSAP256SHA256", "-k", z.origin,
              cwd=kdir).strip()
    zsk = run("ldns-keygen", "-a", "ECDSAP256SHA256", z.origin,
              cwd=kdir).strip()
    now = time.time()
    inc = time.strftime("%Y%m%d%H%M%S", time.gmtime(now - 3600))
    exp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now + 30 * 86400))
    run("ldns-signzone", "-i", inc, "-e", exp, "-o", z.origin,
        "-f", fname, fname + ".unsigned",
        os.path.join(kdir, ksk), os.path.join(kdir, zsk))
    z.ds = run("ldns-key2ds", "-n", "-2", os.path.join(kdir, ksk + ".key"))
    z.ksk = rfile(os.path.join(kdir, ksk + ".key"))
    if z.kind == "bogus":
        out = []
        for line in rfile(fname).splitlines():
            f = line.split()
            if len(f) > 5 and f[3] == "RRSIG" and f[4] != "DNSKEY":
                sig = bytearray(base64.b64decode(f[-1]))
                sig[len(sig) // 2] ^= 0x55
                f[-1] = base64.b64encode(bytes(sig)).decode()
                line = "\t".join(f)
            out.append(line)
        wfile(fname, "\n".join(out) + "\n")


# ------------------------------------------------------------ builders

def hostdir(h):
    return os.path.join(W, "hosts", h.name)


POSTFIX_MASTER = """# master.cf made by tests/world/world.py
smtp      inet  n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def tls_range(versions):
    order = ["1.0", "1.1", "1.2", "1.3"]
    names = {"1.0": "TLSv1", "1.1": "TLSv1.1", "1.2": "TLSv1.2",
             "1.3": "TLSv1.3"}
    vs = sorted(set(versions.split(",")), key=order.index)
    return ">=%s <=%s" % (names[vs[0]], names[vs[-1]]), vs[0] in ("1.0",
                                                                  "1.1")


def postfix_common(h, domain):
    d = hostdir(h)
    pf = os.path.join(d, "postfix")
    h.postfix = pf
    for sub in ("Maildir/new", "Maildir/cur", "Maildir/tmp"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    for root, dirs, files in os.walk(os.path.join(d, "Maildir")):
        os.chown(root, 65534, 65534)
    os.makedirs(pf + "/spool", exist_ok=True)
    os.makedirs(pf + "/data", exist_ok=True)
    os.chown(pf + "/data", *postfix_ids())
    wfile(pf + "/master.cf", POSTFIX_MASTER)
    return pf, """# main.cf made by tests/world/world.py for world host %(host)s
compatibility_level = 3.6
config_directory = %(pf)s
queue_directory = %(pf)s/spool
data_directory = %(pf)s/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = %(d)s/maillog
maillog_file_prefixes = %(top)s
myhostname = %(name)s
mydomain = %(domain)s
myorigin = $mydomain
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = all
inet_protocols = all
mynetworks = 127.0.0.0/8 [::1]/128
smtpd_banner = $myhostname ESMTP world
biff = no
smtputf8_enable = no
virtual_mailbox_domains = %(domain)s
virtual_mailbox_base = %(d)s
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_tls_loglevel = 1
smtp_tls_loglevel = 1
smtp_tls_CAfile = %(ca)s/ca.crt
smtp_dns_support_level = dnssec
queue_run_delay = 10s
minimal_backoff_time = 10s
maximal_backoff_time = 20s
smtp_connect_timeout = 5s
smtp_helo_timeout = 15s
""" % {"host": h.name, "pf": pf, "d": d, "top": W, "name": h.names[0],
       "domain": domain, "ca": CA}


_pf_ids = None


def postfix_ids():
    global _pf_ids
    if _pf_ids is None:
        import pwd
        p = pwd.getpwnam("postfix")
        _pf_ids = (p.pw_uid, p.pw_gid)
    return _pf_ids


def build_receiver(h):
    o = h.opts
    sc = o["scenario"]
    pf, main = postfix_common(h, sc["domain"])
    if o["starttls"] == "yes":
        base = os.path.join(hostdir(h), "tls", "server")
        make_cert(base, o["fqdn"], o["cert"], o["key"], o["revocation"])
        prot, old = tls_range(o["tls"])
        main += ("smtpd_tls_security_level = may\n"
                 "smtpd_tls_chain_files = %s.key, %s.pem\n"
                 "smtpd_tls_protocols = %s\n"
                 "smtpd_tls_mandatory_protocols = %s\n" %
                 (base, base, prot, prot))
        if old:
            main += ("tls_medium_cipherlist = aNULL:-aNULL:HIGH:MEDIUM:"
                     "+RC4:@STRENGTH:@SECLEVEL=0\n")
        if o["ciphers"] == "fs":
            main += ("smtpd_tls_ciphers = high\n"
                     "smtpd_tls_mandatory_ciphers = high\n"
                     "tls_high_cipherlist = ECDHE+AESGCM:ECDHE+CHACHA20\n")
        o["tlsa_hash"] = tlsa_311(base + ".crt")
    else:
        main += "smtpd_tls_security_level = none\n"
    if o["banner"] == "busy-421":
        main += ("smtpd_delay_reject = no\n"
                 "smtpd_client_restrictions = check_client_access "
                 "static:{421 4.3.2 Service busy, try again later}\n")
    elif o["banner"].startswith("slow:") and o["banner"][5:].isdigit():
        # the greet pause: client restrictions at connect time, a sleep
        main += ("smtpd_delay_reject = no\n"
                 "smtpd_client_restrictions = sleep %s, permit\n" %
                 o["banner"][5:])
    elif o["banner"] != "ok":
        raise WorldError("%s: unknown banner %s" % (h.name, o["banner"]))
    wfile(pf + "/main.cf", main)


def build_sender(h):
    pol = h.opts["policy"]
    dom = h.names[0]
    d = hostdir(h)
    pf, main = postfix_common(h, dom)
    base = os.path.join(d, "tls", "server")
    make_cert(base, dom, "ca", "rsa2048")
    h.opts["tlsa_hash"] = tlsa_311(base + ".crt")
    level = pol if pol != "mta-sts" else "may"
    main += ("smtpd_tls_security_level = may\n"
             "smtpd_tls_chain_files = %s.key, %s.pem\n"
             "smtp_tls_security_level = %s\n"
             "smtpd_milters = inet:127.0.0.1:8891\n"
             "non_smtpd_milters = $smtpd_milters\n"
             "milter_default_action = accept\n" % (base, base, level))
    if pol == "mta-sts":
        main += ("smtp_tls_policy_maps = "
                 "socketmap:inet:127.0.0.1:8461:postfix\n")
        wfile(d + "/mta-sts-daemon.yml", """host: 127.0.0.1
port: 8461
reuse_port: true
shutdown_timeout: 5
cache:
  type: internal
  options:
    cache_size: 1000
default_zone:
  strict_testing: false
  timeout: 4
""")
    wfile(pf + "/main.cf", main)
    build_dkim(h, dom)


def build_dkim(h, dom):
    d = os.path.join(hostdir(h), "dkim")
    os.makedirs(d, exist_ok=True)
    genkey(d + "/mail.private", "rsa2048")
    h.opts["dkim"] = dkim_record(d + "/mail.private", "rsa2048")
    wfile(d + "/opendkim.conf", """# opendkim.conf made by tests/world/world.py
Syslog no
Mode s
Domain %(dom)s
Selector mail
KeyFile %(d)s/mail.private
Socket inet:8891@127.0.0.1
PidFile %(d)s/opendkim.pid
Canonicalization relaxed/simple
InternalHosts 127.0.0.1, ::1, %(addrs)s
Background yes
UMask 022
""" % {"dom": dom, "d": d, "addrs": ", ".join(h.v4 + h.v6)})


def sts_policy(sc):
    mode = sc["sts"]
    mxs = (sc["sts_mx"].split() if "sts_mx" in sc
           else [m["fqdn"] for m in sc["mx"]])
    lines = ["version: STSv1", "mode: " + mode]
    lines += ["mx: " + m for m in mxs]
    lines.append("max_age: 86400")
    return "\r\n".join(lines) + "\r\n"


def build_web(h, scen):
    d = hostdir(h)
    os.makedirs(d + "/tmp", exist_ok=True)
    servers = []
    for sc in scen:
        if "sts" not in sc:
            continue
        name = "mta-sts." + sc["domain"]
        base = os.path.join(d, "tls", name)
        make_cert(base, name, "ca", "ec-p256")
        pol = os.path.join(d, "htdocs", sc["name"], "mta-sts.txt")
        wfile(pol, sts_policy(sc))
        serve = sc.get("sts_serve", "ok")
        if serve == "ok":
            loc = ("location = /.well-known/mta-sts.txt { alias %s; "
                   "default_type text/plain; }" % pol)
        elif serve == "wrong-type":
            loc = ("location = /.well-known/mta-sts.txt { alias %s; "
                   "default_type text/html; }" % pol)
        elif serve == "redirect":
            loc = ("location = /.well-known/mta-sts.txt { return 301 "
                   "https://%s/policy.txt; }\n"
                   "    location = /policy.txt { alias %s; "
                   "default_type text/plain; }" % (name, pol))
        else:
            raise WorldError("%s: unknown sts_serve %s" % (sc["file"], serve))
        servers.append("""  server {
    listen %s:443 ssl;
    listen [%s]:443 ssl;
    server_name %s;
    ssl_certificate %s.pem;
    ssl_certificate_key %s.key;
    %s
    location / { return 404; }
  }""" % (WEB4, WEB6, name, base, base, loc))
    # plain http: the CA's CRL (made by make_crl after every certificate)
    servers.append("""  server {
    listen %s:80;
    listen [%s]:80;
    server_name web.nic.test;
    location = /ca.crl { alias %s/htdocs/ca.crl;
      default_type application/pkix-crl; }
    location / { return 404; }
  }""" % (WEB4, WEB6, d))
    wfile(d + "/nginx.conf", """# nginx.conf made by tests/world/world.py
worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log;
events { worker_connections 256; }
http {
  access_log %(d)s/access.log;
  client_body_temp_path %(d)s/tmp/body;
  proxy_temp_path %(d)s/tmp/proxy;
  fastcgi_temp_path %(d)s/tmp/fastcgi;
  uwsgi_temp_path %(d)s/tmp/uwsgi;
  scgi_temp_path %(d)s/tmp/scgi;
  types { }
  default_type application/octet-stream;
  ssl_protocols TLSv1.2 TLSv1.3;
%(servers)s
}
""" % {"d": d, "servers": "\n".join(servers)})


def build_dns(hosts, scen, senders):
    serial = int(time.time())
    zones = []
    # scenario zones
    for sc in scen:
        z = Zone(sc["domain"] + ".", sc["zone"])
        for mx in sc["mx"]:
            mxname = mx["fqdn"]
            if "alias" in mx:
                mxname = "%s.%s" % (mx["alias"], sc["domain"])
                z.add(mxname + ".", "CNAME", mx["fqdn"] + ".")
                if mx["alias_tlsa"] != "none":
                    hsh = mx.get("tlsa_hash", "")
                    if mx["alias_tlsa"] == "wrong" or not hsh:
                        hsh = hashlib.sha256(b"wrong " +
                                             mxname.encode()).hexdigest()
                    z.add("_25._tcp." + mxname + ".", "TLSA", "3 1 1 " + hsh)
            z.add("@", "MX", "%d %s." % (mx["pref"], mxname))
            if "v4" in mx:
                z.add(mx["fqdn"] + ".", "A", mx["v4"])
            if "v6" in mx:
                z.add(mx["fqdn"] + ".", "AAAA", mx["v6"])
            if mx["tlsa"] != "none":
                hsh = mx.get("tlsa_hash", "")
                if mx["tlsa"] == "wrong" or not hsh:
                    hsh = hashlib.sha256(b"wrong " +
                                         mx["fqdn"].encode()).hexdigest()
                z.add("_25._tcp." + mx["fqdn"] + ".", "TLSA", "3 1 1 " + hsh)
        if "spf" in sc:
            z.add("@", "TXT", txt(sc["spf"]))
        if "dmarc" in sc:
            z.add("_dmarc", "TXT", txt(sc["dmarc"]))
        if "tlsrpt" in sc:
            z.add("_smtp._tls", "TXT", txt(sc["tlsrpt"]))
        if "dkim" in sc:
            z.add(sc["dkim_sel"] + "._domainkey", "TXT", txt(sc["dkim_rec"]))
        if "sts" in sc:
            z.add("_mta-sts", "TXT", txt("v=STSv1; id=%d" % serial))
            z.add("mta-sts", "A", WEB4)
            z.add("mta-sts", "AAAA", WEB6)
        for rr in sc["rr"]:
            f = rr.split(None, 2)
            if len(f) != 3:
                raise WorldError("%s: rr = NAME TYPE DATA" % sc["file"])
            data = txt(f[2]) if f[1].upper() == "TXT" else f[2]
            z.add(f[0], f[1].upper(), data)
        zones.append(z)
    # senders.test
    z = Zone("senders.test.")
    for h in senders:
        dom = h.names[0] + "."
        for a in h.v4:
            z.add(dom, "A", a)
        for a in h.v6:
            z.add(dom, "AAAA", a)
        z.add(dom, "MX", "10 " + dom)
        z.add(dom, "TXT", txt("v=spf1 %s -all" % " ".join(
            ["ip4:" + a for a in h.v4] + ["ip6:" + a for a in h.v6])))
        z.add("_dmarc." + dom, "TXT",
              txt("v=DMARC1; p=reject; rua=mailto:dmarc@" + dom[:-1]))
        if "dkim" in h.opts:
            z.add("mail._domainkey." + dom, "TXT", txt(h.opts["dkim"]))
        if "tlsa_hash" in h.opts:
            z.add("_25._tcp." + dom, "TLSA", "3 1 1 " + h.opts["tlsa_hash"])
    zones.append(z)
    # reverse zones
    revs = {o: Zone(o) for o in REV_ZONES}
    for h in hosts:
        for i, a in enumerate(h.v4):
            name = h.names[i] if i < len(h.names) else h.names[0]
            o = ".".join(rev4(a).split(".")[1:])
            revs[o].add(rev4(a), "PTR", name + ".")
        for i, a in enumerate(h.v6):
            name = h.names[i] if i < len(h.names) else h.names[0]
            revs[REV_ZONES[2]].add(rev6(a), "PTR", name + ".")
    zones += list(revs.values())
    for zz in zones:
        sign_zone(zz, serial)
    # test.
    t = Zone("test.")
    for h in hosts:
        if h.role in ("nsd", "unbound", "nginx", "client"):
            for a in h.v4:
                t.add(h.names[0] + ".", "A", a)
            for a in h.v6:
                t.add(h.names[0] + ".", "AAAA", a)
    for zz in zones:
        if zz.origin.endswith(".test."):
            t.add(zz.origin, "NS", "ns.nic.test.")
            for ds in zz.ds.splitlines():
                t.rrs.append(ds)
    # the service's own domain: served later by echomx itself (the rotator)
    t.add("echomx.test.", "NS", "ns.echomx.test.")
    t.add("ns.echomx.test.", "A", "198.51.100.%d" % ECHOMX_SHARED)
    t.add("ns.echomx.test.", "AAAA", "2001:db8:51::%d" % ECHOMX_SHARED)
    sign_zone(t, serial)
    # the root
    r = Zone(".")
    r.add(".", "NS", "ns.nic.test.")
    for zz in [t] + list(revs.values()):
        r.add(zz.origin, "NS", "ns.nic.test.")
        for ds in zz.ds.splitlines():
            r.rrs.append(ds)
    r.add("ns.nic.test.", "A", NS4)
    r.add("ns.nic.test.", "AAAA", NS6)
    sign_zone(r, serial)
    dns = os.path.join(W, "dns")
    root_key = "\n".join(l.split(";")[0].rstrip()
                         for l in r.ksk.splitlines()
                         if "DNSKEY" in l.split()) + "\n"
    wfile(dns + "/root.key", root_key)
    wfile(dns + "/root.hints", ". 3600000 NS ns.nic.test.\n"
          "ns.nic.test. 3600000 A %s\nns.nic.test. 3600000 AAAA %s\n" %
          (NS4, NS6))
    allz = [r, t] + zones
    nsd = ["# nsd.conf made by tests/world/world.py", "server:",
           "  ip-address: " + NS4, "  ip-address: " + NS6, "  port: 53",
           '  username: ""', '  chroot: ""',
           "  zonesdir: " + dns + "/zones",
           "  pidfile: " + dns + "/nsd.pid",
           '  database: ""',
           "  zonelistfile: " + dns + "/nsd.zonelist",
           "  xfrdfile: " + dns + "/nsd.xfrd",
           "  xfrdir: " + dns + "/nsd.xfr",
           "  logfile: " + dns + "/nsd.log",
           "  server-count: 1", "  verbosity: 1", "  hide-version: yes",
           "remote-control:", "  control-enable: no"]
    for zz in allz:
        nsd += ["zone:", '  name: "%s"' % zz.origin,
                "  zonefile: %s.zone" % keyfile_name(zz.origin)]
    os.makedirs(dns + "/nsd.xfr", exist_ok=True)
    wfile(dns + "/nsd.conf", "\n".join(nsd) + "\n")
    ub = ["# unbound.conf made by tests/world/world.py", "server:",
          "  interface: " + RESOLVER4, "  interface: 2001:db8:51::3",
          "  port: 53", "  do-ip6: yes",
          "  access-control: 0.0.0.0/0 allow",
          "  access-control: ::/0 allow",
          '  username: ""', '  chroot: ""',
          "  directory: " + dns, "  pidfile: " + dns + "/unbound.pid",
          "  logfile: " + dns + "/unbound.log", "  use-syslog: no",
          "  verbosity: 1", "  val-log-level: 2", "  num-threads: 1",
          "  root-hints: " + dns + "/root.hints",
          "  trust-anchor-file: " + dns + "/root.key",
          '  module-config: "validator iterator"',
          "  cache-max-ttl: 60", "  cache-max-negative-ttl: 5",
          "  infra-host-ttl: 30",
          '  local-zone: "test." nodefault']
    for o in REV_ZONES:
        ub.append('  local-zone: "%s" nodefault' % o)
    ub += ["remote-control:", "  control-enable: no"]
    wfile(dns + "/unbound.conf", "\n".join(ub) + "\n")


def build_etc(h):
    """/etc/netns/HOST: resolv.conf, ssl (the world CA), echomx."""
    e = os.path.join(NETNS_ETC, h.name)
    record("etcdir", e)
    if os.path.exists(e):
        shutil.rmtree(e)
    os.makedirs(e + "/ssl/certs")
    os.makedirs(e + "/ssl/private", mode=0o700)
    os.makedirs(e + "/echomx")
    wfile(e + "/resolv.conf", "# test world (tests/world)\nnameserver %s\n"
          "options trust-ad\n" % RESOLVER4)
    wfile(e + "/hosts", "127.0.0.1 localhost\n::1 localhost\n")
    if os.path.exists("/etc/ssl/openssl.cnf"):
        shutil.copy("/etc/ssl/openssl.cnf", e + "/ssl/openssl.cnf")
    shutil.copy(CA + "/ca.crt", e + "/ssl/certs/echomx-world-ca.pem")
    shutil.copy(CA + "/ca.crt", e + "/ssl/certs/ca-certificates.crt")
    run("openssl", "rehash", e + "/ssl/certs", check=False)
    wfile(e + "/echomx/echomx.conf", """# echomx.conf of world host %s (made by tests/world/up): inside the
# world, echomx uses the world's DNSSEC root and CA, like the internet's.
trust_anchor = %s/dns/root.key
ca_file = %s/ca.crt
resolver = %s
""" % (h.name, W, CA, RESOLVER4) + ("""# The service's "ca" certificates are signed by the world CA, so the
# world's senders trust them like WebPKI certificates ("echomx init" keeps
# an existing CA).
ca_cert = %s/ca.crt
ca_key = %s/ca.key
""" % (CA, CA) if h.name == "echomx" else ""))


# ------------------------------------------------------------ network

def make_network(hosts):
    record("netns", SWITCH)
    run("ip", "netns", "add", SWITCH)
    run("ip", "-n", SWITCH, "-batch", "-", input="link set lo up\n"
        "link add br0 type bridge\nlink set br0 up\n")
    nsrun(SWITCH, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1")

    def one(i, h):
        record("netns", h.name)
        run("ip", "netns", "add", h.name)
        port = "p%d" % i
        run("ip", "-n", SWITCH, "link", "add", port, "type", "veth",
            "peer", "name", "eth0", "netns", h.name)
        run("ip", "-n", SWITCH, "link", "set", port, "master", "br0", "up")
        cmds = ["link set lo up", "link set eth0 up"]
        for a in h.v4:
            cmds.append("addr add %s/24 dev eth0" % a)
        for a in h.v6:
            cmds.append("addr add %s/32 dev eth0 nodad" % a)
        if h.v4:
            for net in ("198.51.100.0/24", "203.0.113.0/24"):
                pre = ".".join(net.split(".")[:3]) + "."
                if not any(a.startswith(pre) for a in h.v4):
                    cmds.append("route add %s dev eth0" % net)
        run("ip", "-n", h.name, "-batch", "-", input="\n".join(cmds) + "\n")
    for i, h in enumerate(hosts):
        one(i, h)


# ------------------------------------------------------------ daemons

def pf_start(h):
    nsrun(h.name, "postfix", "-c", h.postfix, "start")


def start_bg(host, argv, pidfile, logfile):
    with open(logfile, "ab") as lf:
        p = subprocess.Popen(["ip", "netns", "exec", host] + argv,
                             stdin=subprocess.DEVNULL, stdout=lf, stderr=lf,
                             start_new_session=True)
    wfile(pidfile, "%d\n" % p.pid)


def wait_for(what, fn, secs=30):
    end = time.time() + secs
    last = None
    while time.time() < end:
        try:
            if fn():
                return
        except Exception as ex:  # noqa: keep trying until the deadline
            last = ex
        time.sleep(0.2)
    raise WorldError("timed out waiting for %s%s" %
                     (what, (": %s" % last) if last else ""))


def dig_flags(host, name, rtype="SOA"):
    out = nsrun(host, "dig", "+dnssec", "+time=2", "+tries=1", name, rtype,
                check=False)
    m = re.search(r"status: (\w+)", out)
    f = re.search(r";; flags: ([a-z ]*);", out)
    return (m.group(1) if m else "none", (f.group(1).split() if f else []))


def unbound_bin():
    """Debian's AppArmor profile for /usr/sbin/unbound allows only its own
    paths; a copy of the same binary in the world directory is not bound
    to it (profiles attach by path), so the world runs that copy."""
    b = os.path.join(W, "bin", "unbound")
    if not os.path.exists(b):
        os.makedirs(os.path.dirname(b), exist_ok=True)
        shutil.copy2(shutil.which("unbound") or "/usr/sbin/unbound", b)
    return b


def resolver_ready():
    st, fl = dig_flags("client", "test.")
    return st == "NOERROR" and "ad" in fl


def pidfiles():
    """Every daemon pid file of a complete world."""
    out = [os.path.join(W, "dns/nsd.pid"), os.path.join(W, "dns/unbound.pid"),
           os.path.join(W, "hosts/web/nginx.pid"),
           os.path.join(W, "hosts/web/ocsp.pid")]
    hosts_dir = os.path.join(W, "hosts")
    for h in sorted(os.listdir(hosts_dir)) if os.path.isdir(hosts_dir) else []:
        d = os.path.join(hosts_dir, h)
        if os.path.isdir(d + "/postfix"):
            out.append(d + "/postfix/spool/pid/master.pid")
        if os.path.exists(d + "/dkim/opendkim.conf"):
            out.append(d + "/dkim/opendkim.pid")
        if os.path.exists(d + "/mta-sts-daemon.yml"):
            out.append(d + "/mta-sts-daemon.pid")
        if os.path.exists(d + "/exim.conf"):
            out.append(d + "/exim.pid")
    return out


def pid_alive(pf):
    try:
        pid = int(rfile(pf).split()[0])
        os.kill(pid, 0)
        return True
    except (OSError, ValueError, IndexError):
        return False


def healthy():
    if not os.path.exists(os.path.join(W, "up.ok")):
        return False
    have = set(run("ip", "netns", "list").split())
    for kind, v in records():
        if kind == "netns" and v not in have:
            return False
    return all(pid_alive(p) for p in pidfiles())


# ------------------------------------------------------------ up / down

def up():
    t0 = time.time()
    want = inputs_hash()
    stamp = os.path.join(W, "up.ok")
    if os.path.exists(stamp) and rfile(stamp).strip() == want and healthy():
        log("already up (%s)" % W)
        return 0
    if os.path.exists(W) or os.path.exists(os.path.join(W, "record")):
        log("tearing down the previous world first")
        down()
    hosts, scen = plan()
    have = set(run("ip", "netns", "list").split())
    clash = [h.name for h in hosts if h.name in have] + \
        ([SWITCH] if SWITCH in have else [])
    if clash:
        raise WorldError("network namespaces already exist, not made by this "
                         "world (no record in %s): %s; if they are a lost "
                         "world's, remove them with 'ip netns del NAME'" %
                         (W, " ".join(clash)))
    os.makedirs(W, exist_ok=True)
    os.chmod(W, 0o755)
    if not os.path.isdir(NETNS_ETC):
        record("mkdir", NETNS_ETC)
        os.makedirs(NETNS_ETC)
    for etc in ("/etc/echomx", "/etc/exim4"):
        # ip netns exec bind-mounts /etc/netns/HOST/X over /etc/X: X must
        # exist on the machine; made here (and removed by down) if missing
        if not os.path.isdir(etc):
            record("mkdir", etc)
            os.makedirs(etc)
    make_network(hosts)
    log("network: %d hosts (%.1fs)" % (len(hosts), time.time() - t0))
    fail_at("network")
    make_ca()
    senders = [h for h in hosts if h.role in ("sender", "exim")]
    work = []
    for h in hosts:
        if h.role == "receiver":
            work.append((build_receiver, h))
        elif h.role == "sender":
            work.append((build_sender, h))
        elif h.role == "exim":
            work.append((build_exim, h))
    for sc in scen:
        if "dkim" in sc:
            sel, kind = (sc["dkim"].split() + ["rsa2048"])[:2]
            sc["dkim_sel"] = sel
            sc["dkim_kind"] = kind
            work.append((build_scen_dkim, sc))
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
        futs = [ex.submit(fn, arg) for fn, arg in work]
        futs.append(ex.submit(build_web, [h for h in hosts
                                          if h.name == "web"][0], scen))
        for f in futs:
            f.result()
    make_crl()
    for h in hosts:
        build_etc(h)
        if h.role == "exim":
            build_exim_etc(h)
    build_dns(hosts, scen, senders)
    log("configuration, keys, certificates, signed zones (%.1fs)" %
        (time.time() - t0))
    fail_at("build")
    dns = os.path.join(W, "dns")
    nsrun("ns", "nsd", "-c", dns + "/nsd.conf")
    nsrun("resolver", unbound_bin(), "-c", dns + "/unbound.conf")
    web = os.path.join(W, "hosts", "web")
    nsrun("web", "nginx", "-c", web + "/nginx.conf", "-p", web,
          "-e", web + "/error.log")
    start_bg("web", ["openssl", "ocsp", "-index", CA + "/index.txt",
                     "-port", str(OCSP_PORT), "-rsigner", CA + "/ocsp.crt",
                     "-rkey", CA + "/ocsp.key", "-CA", CA + "/ca.crt",
                     "-ndays", "1", "-ignore_err"],
             web + "/ocsp.pid", web + "/ocsp.log")
    wait_for("the validating resolver (AD on test. SOA)", resolver_ready)
    for h in senders:
        d = hostdir(h)
        if h.role == "sender":
            nsrun(h.name, "opendkim", "-x", d + "/dkim/opendkim.conf")
        if h.opts["policy"] == "mta-sts":
            start_bg(h.name, ["mta-sts-daemon", "-c", d + "/mta-sts-daemon.yml",
                              "-v", "info"],
                     d + "/mta-sts-daemon.pid", d + "/mta-sts-daemon.log")
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as ex:
        futs = [ex.submit(pf_start, h) for h in hosts if h.postfix]
        futs += [ex.submit(start_exim, h) for h in hosts if h.role == "exim"]
        for f in futs:
            f.result()
    fail_at("daemons")
    wait_for("every daemon's pid file",
             lambda: all(pid_alive(p) for p in pidfiles()), 20)
    wfile(stamp, want + "\n")
    log("up in %.1fs: %d hosts, %d scenarios" % (time.time() - t0,
                                                 len(hosts), len(scen)))
    return 0


def fail_at(stage):
    """ECHOMX_WORLD_FAIL_AT=network|build|daemons: fail there (to test that
    down cleans up after a failed up)."""
    if os.environ.get("ECHOMX_WORLD_FAIL_AT") == stage:
        raise WorldError("failing after stage '%s' as asked "
                         "(ECHOMX_WORLD_FAIL_AT)" % stage)


def build_scen_dkim(sc):
    d = os.path.join(W, "scenarios", sc["name"])
    os.makedirs(d, exist_ok=True)
    key = os.path.join(d, sc["dkim_sel"] + ".private")
    genkey(key, sc["dkim_kind"])
    sc["dkim_rec"] = dkim_record(key, sc["dkim_kind"])


# ------------------------------------------------------------ exim

EXIM_ROOT = os.path.join(W, "exim-root")
DEB_CACHE = os.environ.get("ECHOMX_WORLD_DEBS",
                           os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                        "build", "world-debs"))
EXIM_DEBS = ["exim4-daemon-light", "exim4-base"]
EXIM_USER = "Debian-exim"  # compiled into Debian's exim


def exim_unpack():
    """Debian's exim4 conflicts with postfix: fetch its packages with
    apt-get download (cached in build/world-debs) and unpack them with
    dpkg -x into the world directory."""
    os.makedirs(DEB_CACHE, exist_ok=True)
    have = os.listdir(DEB_CACHE)
    missing = [p for p in EXIM_DEBS
               if not any(f.startswith(p + "_") for f in have)]
    if missing:
        r = subprocess.run(["apt-get", "download"] + missing, cwd=DEB_CACHE,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        if r.returncode != 0:
            raise WorldError("apt-get download %s: %s" %
                             (" ".join(missing), r.stdout.strip()))
    for p in EXIM_DEBS:
        debs = sorted(f for f in os.listdir(DEB_CACHE)
                      if f.startswith(p + "_") and f.endswith(".deb"))
        run("dpkg", "-x", os.path.join(DEB_CACHE, debs[-1]), EXIM_ROOT)
    return os.path.join(EXIM_ROOT, "usr", "sbin", "exim4")


def exim_ids():
    """A uid/gid for Debian-exim that the machine does not use: it exists
    only inside the Exim host (its /etc/passwd is the world's)."""
    used = set()
    for f in ("/etc/passwd", "/etc/group"):
        for line in rfile(f).splitlines():
            parts = line.split(":")
            if len(parts) > 2 and parts[2].isdigit():
                used.add(int(parts[2]))
    n = 64990
    while n in used:
        n -= 1
    return n


def build_exim(h):
    d = hostdir(h)
    dom = h.names[0]
    os.makedirs(d, exist_ok=True)
    base = os.path.join(d, "tls", "server")
    make_cert(base, dom, "ca", "rsa2048")
    h.opts["tlsa_hash"] = tlsa_311(base + ".crt")
    dk = os.path.join(d, "dkim")
    os.makedirs(dk, exist_ok=True)
    genkey(dk + "/mail.private", "rsa2048")
    h.opts["dkim"] = dkim_record(dk + "/mail.private", "rsa2048")
    try:
        exe = exim_unpack()
    except (WorldError, OSError) as ex:
        # the rest of the world is still useful: say so loudly, go on
        wfile(d + "/EXIM-MISSING", "%s\n" % ex)
        log("WARNING: sender-exim-dane has no Exim: %s" % ex)
        return
    uid = exim_ids()
    h.opts["exim_uid"] = uid
    for sub in ("spool", "log", "Maildir/new", "Maildir/cur", "Maildir/tmp"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    for p in ([d + "/spool", d + "/log", dk + "/mail.private",
               base + ".key"] +
              [os.path.join(r, x) for r, ds, fs in os.walk(d + "/Maildir")
               for x in ["."]]):
        os.chown(p, uid, uid)
    for r, ds, fs in os.walk(d + "/Maildir"):
        os.chown(r, uid, uid)
    # "exim" in the host directory and in its bin/ (PATH in exec): the
    # unpacked binary
    os.symlink(exe, d + "/exim")
    os.makedirs(d + "/bin", exist_ok=True)
    for n in ("exim", "exim4", "sendmail", "mailq"):
        os.symlink(exe, os.path.join(d, "bin", n))
    wfile(d + "/exim.conf", """# exim4.conf made by tests/world/world.py for %(host)s: Exim as a sender
# with opportunistic DANE (hosts_try_dane), DKIM signing, DNSSEC lookups.
# Inside the host this file is /etc/exim4/exim4.conf (via /etc/netns).
exim_path = %(exe)s
primary_hostname = %(dom)s
qualify_domain = %(dom)s
domainlist local_domains = %(dom)s
spool_directory = %(d)s/spool
log_file_path = %(d)s/log/%%slog
pid_file_path = %(d)s/exim.pid
exim_user = %(user)s
exim_group = %(user)s
never_users = root
deliver_drop_privilege = true
keep_environment =
daemon_smtp_ports = 25
tls_advertise_hosts = *
tls_certificate = %(base)s.pem
tls_privatekey = %(base)s.key
dns_dnssec_ok = 1
acl_smtp_rcpt = acl_check_rcpt
timeout_frozen_after = 1h
ignore_bounce_errors_after = 10m

begin acl
acl_check_rcpt:
  accept  hosts = :
  accept  domains = +local_domains
  deny    message = relay not permitted

begin routers
dnslookup:
  driver = dnslookup
  domains = ! +local_domains
  transport = remote_smtp
  dnssec_request_domains = *
  no_more
mailbox:
  driver = accept
  domains = +local_domains
  transport = maildir

begin transports
remote_smtp:
  driver = smtp
  hosts_try_dane = *
  hosts_try_chunking = *
  tls_verify_certificates = %(ca)s/ca.crt
  dkim_domain = %(dom)s
  dkim_selector = mail
  dkim_private_key = %(dk)s/mail.private
  dkim_canon = relaxed
maildir:
  driver = appendfile
  directory = %(d)s/Maildir
  maildir_format
  create_directory
  delivery_date_add
  envelope_to_add
  return_path_add
  user = %(user)s

begin retry
*  *  F,1h,15s; F,1d,5m

begin rewrite
""" % {"host": h.name, "exe": exe, "dom": dom, "d": d, "user": EXIM_USER,
       "base": base, "ca": CA, "dk": dk})
    os.chmod(d + "/exim.conf", 0o644)


def build_exim_etc(h):
    """/etc/netns/HOST: passwd and group with Debian-exim, exim4/."""
    e = os.path.join(NETNS_ETC, h.name)
    if "exim_uid" not in h.opts:
        return
    uid = h.opts["exim_uid"]
    wfile(e + "/passwd", rfile("/etc/passwd").rstrip("\n") +
          "\n%s:x:%d:%d:Exim (test world):/nonexistent:/usr/sbin/nologin\n"
          % (EXIM_USER, uid, uid))
    wfile(e + "/group", rfile("/etc/group").rstrip("\n") +
          "\n%s:x:%d:\n" % (EXIM_USER, uid))
    os.makedirs(e + "/exim4", exist_ok=True)
    shutil.copy(os.path.join(hostdir(h), "exim.conf"),
                e + "/exim4/exim4.conf")


def start_exim(h):
    d = hostdir(h)
    if not os.path.exists(d + "/exim.conf"):
        return
    nsrun(h.name, d + "/exim", "-bd", "-q10s")


def kill_netns_procs(names):
    def pids():
        out = []
        for n in names:
            r = subprocess.run(["ip", "netns", "pids", n],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
            out += [int(p) for p in r.stdout.split()]
        return out
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 3)):
        ps = pids()
        if not ps:
            return
        for p in ps:
            try:
                # opendkim takes 4 s over SIGTERM and keeps no state
                if sig == signal.SIGTERM and rfile("/proc/%d/comm" %
                                                   p).strip() == "opendkim":
                    os.kill(p, signal.SIGKILL)
                    continue
            except OSError:
                pass
            try:
                os.kill(p, sig)
            except OSError:
                pass
        end = time.time() + wait
        while time.time() < end and pids():
            time.sleep(0.1)


def down():
    recs = records()
    names = [v for k, v in recs if k == "netns"]
    have = set(run("ip", "netns", "list", check=False).split())
    present = [n for n in names if n in have]
    if present:
        # postfix first, politely, so it closes its queue files
        for h in present:
            pf = os.path.join(W, "hosts", h, "postfix")
            if os.path.exists(pf + "/spool/pid/master.pid"):
                subprocess.run(["ip", "netns", "exec", h, "postfix", "-c", pf,
                                "stop"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        kill_netns_procs(present)
    for n in reversed(present):
        run("ip", "netns", "del", n, check=False)
    for k, v in reversed(recs):
        if k == "etcdir" and v.startswith(NETNS_ETC + "/"):
            shutil.rmtree(v, ignore_errors=True)
    for k, v in reversed(recs):
        if k == "mkdir":
            try:
                os.rmdir(v)
            except OSError:
                pass
    shutil.rmtree(W, ignore_errors=True)
    log("down: %d namespaces removed" % len(present))
    return 0


# ------------------------------------------------------------ additions
# Made on request while the world is up (not by up; a rebuild drops them).

def sign_existing(origin):
    """Sign W/dns/zones/ORIGIN.zone.unsigned again with the zone's keys."""
    kdir = os.path.join(W, "dns", "keys")
    fname = os.path.join(W, "dns", "zones", keyfile_name(origin) + ".zone")
    keys = sorted(f[:-len(".private")] for f in os.listdir(kdir)
                  if f.startswith("K%s+" % origin) and f.endswith(".private"))
    if not keys:
        raise WorldError("no keys for zone " + origin)
    now = time.time()
    inc = time.strftime("%Y%m%d%H%M%S", time.gmtime(now - 3600))
    exp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now + 30 * 86400))
    run("ldns-signzone", "-i", inc, "-e", exp, "-o", origin, "-f", fname,
        fname + ".unsigned", *[os.path.join(kdir, k) for k in keys])


def bump_serial(text):
    lines = text.splitlines()
    for i, l in enumerate(lines):
        f = l.split()
        if len(f) > 6 and f[3] == "SOA":
            f[6] = str(max(int(f[6]) + 1, int(time.time())))
            lines[i] = " ".join(f)
            break
    return "\n".join(lines) + "\n"


def restart_resolver():
    """unbound has no control channel here: restart it (empties the
    cache) and wait until it validates again."""
    dns = os.path.join(W, "dns")
    pf = dns + "/unbound.pid"
    if pid_alive(pf):
        pid = int(rfile(pf).split()[0])
        os.kill(pid, signal.SIGTERM)
        end = time.time() + 5
        while time.time() < end:
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.05)
    nsrun("resolver", unbound_bin(), "-c", dns + "/unbound.conf")
    wait_for("the validating resolver (AD on test. SOA)", resolver_ready)


def delegate(zone, dsfile):
    """Put the DS records in DSFILE (zone-file lines, "-": stdin) for ZONE,
    a child that test. already delegates (echomx.test), into test.: the
    child becomes secure once it serves the matching DNSKEY."""
    if not os.path.exists(os.path.join(W, "up.ok")):
        raise WorldError("the world is not up")
    zone = zone.rstrip(".") + "."
    text = sys.stdin.read() if dsfile == "-" else rfile(dsfile)
    ds = []
    for l in text.splitlines():
        f = l.split(";")[0].split()
        if "DS" not in f:
            continue
        i = f.index("DS")
        if f[0].rstrip(".") + "." != zone or len(f) < i + 5:
            raise WorldError("not a DS record of %s: %s" % (zone, l))
        ds.append("%s %d IN DS %s" % (zone, DNS_TTL, " ".join(f[i + 1:])))
    # no DS record at all: the delegation becomes insecure again
    un = os.path.join(W, "dns", "zones", "test.zone.unsigned")
    lines = rfile(un).splitlines()
    if not any(l.split()[:1] == [zone] and " NS " in l for l in lines):
        raise WorldError("test. does not delegate %s" % zone)
    keep = [l for l in lines
            if not (l.split()[:1] == [zone] and l.split()[3:4] == ["DS"])]
    wfile(un, bump_serial("\n".join(keep + ds)))
    sign_existing("test.")
    os.kill(int(rfile(os.path.join(W, "dns", "nsd.pid")).split()[0]),
            signal.SIGHUP)
    time.sleep(0.5)
    restart_resolver()
    log("test. now holds %d DS record(s) for %s%s" %
        (len(ds), zone, "" if ds else " (insecure delegation)"))
    return 0


def web_site(name, docroot):
    """Serve https://NAME/ from DOCROOT on the web host, with a private-CA
    certificate (for the rotator's mta-sts.* policy hosts). NAME must
    resolve to 198.51.100.4 / 2001:db8:51::4 in someone's zone."""
    if not os.path.exists(os.path.join(W, "up.ok")):
        raise WorldError("the world is not up")
    if not re.match(r"^[a-z0-9.-]+$", name):
        raise WorldError("bad host name " + name)
    docroot = os.path.abspath(docroot)
    d = os.path.join(W, "hosts", "web")
    base = os.path.join(d, "tls", name)
    make_cert(base, name, "ca", "ec-p256")
    site = os.path.join(d, "sites", name + ".conf")
    wfile(site, """  server {
    listen %s:443 ssl;
    listen [%s]:443 ssl;
    server_name %s;
    ssl_certificate %s.pem;
    ssl_certificate_key %s.key;
    root %s;
    location / { default_type text/plain; }
  }
""" % (WEB4, WEB6, name, base, base, docroot))
    conf = rfile(d + "/nginx.conf")
    inc = "  include %s/sites/*.conf;\n" % d
    if inc not in conf:
        i = conf.rstrip().rfind("}")
        wfile(d + "/nginx.conf", conf[:i] + inc + "}\n")
    nsrun("web", "nginx", "-t", "-q", "-c", d + "/nginx.conf", "-p", d,
          "-e", d + "/error.log")
    os.kill(int(rfile(d + "/nginx.pid").split()[0]), signal.SIGHUP)
    time.sleep(0.3)
    log("web serves https://%s/ from %s" % (name, docroot))
    return 0


def status():
    if not os.path.exists(os.path.join(W, "record")):
        print("world: down")
        return 1
    hosts, scen = plan()
    have = set(run("ip", "netns", "list").split())
    ok = os.path.exists(os.path.join(W, "up.ok"))
    print("world: %s (%s)" % ("up" if ok and healthy() else "INCOMPLETE", W))
    for h in hosts:
        print("%-28s %-4s %s" % (h.name, "ok" if h.name in have else "MISSING",
                                 " ".join(h.v4 + h.v6)))
    bad = 0
    for f in sorted(os.listdir(os.path.join(W, "hosts"))):
        m = os.path.join(W, "hosts", f, "EXIM-MISSING")
        if os.path.exists(m):
            print("MISSING exim on %s: %s" % (f, rfile(m).strip()))
    for p in pidfiles():
        alive = pid_alive(p)
        bad += not alive
        print("%-6s %s" % ("alive" if alive else "DEAD", p[len(W) + 1:]))
    return 0 if ok and not bad else 1


def main():
    sys.path.insert(0, HERE)
    if os.geteuid() != 0:
        print("world: must run as root (network namespaces)", file=sys.stderr)
        return 2
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        if cmd == "up":
            return up()
        if cmd == "down":
            return down()
        if cmd == "status":
            return status()
        if cmd == "delegate" and len(sys.argv) == 4:
            return delegate(sys.argv[2], sys.argv[3])
        if cmd == "web-site" and len(sys.argv) == 4:
            return web_site(sys.argv[2], sys.argv[3])
    except WorldError as ex:
        print("world: error: %s" % ex, file=sys.stderr)
        return 1
    print("usage: world.py up|down|status|delegate ZONE DSFILE|"
          "web-site NAME DOCROOT", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
