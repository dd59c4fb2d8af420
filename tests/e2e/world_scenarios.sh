#!/bin/bash
# Every scenario's faults are real, checked with other tools than echomx
# (dig, openssl s_client, curl), straight from tests/world/scenarios/*.conf:
# addresses in DNS, banner (220 / 421 / slow), STARTTLS offered or not,
# certificate verdict (ok / self-signed / expired / wrong name), TLS
# versions accepted, TLSA matching the served key or not, the zone's DNSSEC
# state, the MTA-STS policy fetch (200 text/plain, 301, text/html), and
# for revocation= the OCSP responder's and the CRL's verdict.
. "$(dirname "$0")/../lib.sh"
need dig
need openssl
need curl
W=${ECHOMX_WORLD:-/run/echomx-world}
[ -f "$W/up.ok" ] || fail "the world is not up (tests/world/up)"
/usr/bin/python3 -B - "$TOP" "$W" <<'PY'
import os, re, subprocess, sys, hashlib, concurrent.futures
top, W = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(top, "tests", "world"))
import world  # the same parser the world is built with

def x(*args, input=None, timeout=20):
    r = subprocess.run([os.path.join(top, "tests/world/exec"), "client"] +
                       list(args), input=input, capture_output=True,
                       text=True, timeout=timeout)
    return r.returncode, r.stdout + r.stderr

def dig(name, t, *opt):
    rc, out = x("dig", "+dnssec", "+time=3", "+tries=2", *opt, name, t)
    st = re.search(r"status: (\w+)", out)
    fl = re.search(r";; flags: ([a-z ]*);", out)
    ans = [l.split(None, 4)[4] for l in out.splitlines()
           if not l.startswith(";") and len(l.split(None, 4)) == 5
           and l.split()[3] == t]
    return (st.group(1) if st else "?"), (fl.group(1).split() if fl else []), ans

def s_client(addr, *opt):
    host = "[%s]" % addr if ":" in addr else addr
    return x("openssl", "s_client", "-starttls", "smtp", "-connect",
             "%s:25" % host, *opt, input="QUIT\n")

def hs_ok(out):
    """s_client completed a handshake (it prints the attempted protocol
    also when the handshake failed)."""
    return bool(re.search(r"Cipher is (?!\(NONE\))", out))

def check_revocation(fq, a, pem, want):
    """The world's OCSP responder and CRL say what revocation= asks, by
    openssl ocsp and openssl crl from the client host."""
    import tempfile
    errs = []
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as f:
        f.write(pem + "\n")
        f.flush()
        rc, out = x("openssl", "ocsp", "-issuer", W + "/ca/ca.crt", "-cert",
                    f.name, "-url", world.OCSP_URL, "-CAfile",
                    W + "/ca/ca.crt", "-timeout", "5")
        if want == "unreachable":
            r = subprocess.run(["openssl", "x509", "-in", f.name, "-noout",
                                "-ocsp_uri"], capture_output=True, text=True)
            rc, out = x("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "--max-time", "5", r.stdout.strip())
            if out.strip() != "000":
                errs.append("%s %s: the dead OCSP URL %s answers %s" %
                            (fq, a, r.stdout.strip(), out.strip()))
            rc, out = x("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "--max-time", "5", world.DEAD_CRL_URL)
            if out.strip() != "404":
                errs.append("%s %s: the dead CRL URL answers %s" %
                            (fq, a, out.strip()))
            return errs
        st = re.search(r": (good|revoked|unknown)\b", out)
        if not st or st.group(1) != ("good" if want == "good" else "revoked"):
            errs.append("%s %s: OCSP says %r, revocation=%s" %
                        (fq, a, out.strip()[-200:], want))
        r = subprocess.run(["openssl", "x509", "-in", f.name, "-noout",
                            "-serial"], capture_output=True, text=True)
        serial = r.stdout.strip().split("=")[-1].upper()
    rc, out = x("bash", "-c", "curl -sf --max-time 5 %s | openssl crl "
                "-inform DER -noout -text -CAfile %s/ca/ca.crt" %
                (world.CRL_URL, W))
    listed = ("Serial Number: %s" % serial) in out.upper().replace(
        "SERIAL NUMBER: ", "Serial Number: ")
    if "verify OK" not in out or listed != (want == "revoked"):
        errs.append("%s %s: CRL lists serial %s: %s (verify %s), "
                    "revocation=%s" % (fq, a, serial, listed,
                                       "verify OK" in out, want))
    return errs

def check_mx(sc, mx):
    errs = []
    bad = errs.append
    fq, zone = mx["fqdn"], sc["zone"]
    opt = ("+cd",) if zone == "bogus" else ()
    for fam, t in (("v4", "A"), ("v6", "AAAA")):
        st, fl, ans = dig(fq, t, *opt)
        want = [mx[fam]] if fam in mx else []
        if ans != want:
            bad("%s %s: %s, expected %s" % (fq, t, ans, want))
    addrs = [mx[f] for f in ("v4", "v6") if f in mx]
    for a in addrs:
        host = "[%s]" % a if ":" in a else a
        slow = mx["banner"].startswith("slow:")
        rc, out = x("bash", "-c", "exec 3<>/dev/tcp/%s/25 && timeout %d head -n 1 <&3"
                    % (a, 3 if slow else 10))
        first = out.strip().split("\n")[0] if out.strip() else ""
        if mx["banner"] == "busy-421":
            if not first.startswith("421"):
                bad("%s %s: banner %r, expected 421" % (fq, a, first))
            continue
        if slow:
            if first:
                bad("%s %s: banner within 3 s (%r), expected slow" % (fq, a, first))
            continue
        if not first.startswith("220"):
            bad("%s %s: banner %r" % (fq, a, first))
            continue
        rc, out = s_client(a, "-verify_hostname", fq, "-CAfile",
                           W + "/ca/ca.crt")
        if mx["starttls"] == "no":
            if hs_ok(out):
                bad("%s %s: TLS works but starttls=no" % (fq, a))
            continue
        if not hs_ok(out) and ("1.2" in mx["tls"] or "1.3" in mx["tls"]):
            bad("%s %s: no TLS handshake" % (fq, a))
            continue
        m = re.search(r"Verify return code: (\d+)", out)
        code = int(m.group(1)) if m else None
        tlsv = mx["tls"].split(",")
        if "1.2" not in tlsv and "1.3" not in tlsv:
            if hs_ok(out):
                bad("%s %s: TLS 1.2+ handshake works, tls=%s" % (fq, a, mx["tls"]))
            rc, out = s_client(a, "-tls1", "-cipher", "DEFAULT@SECLEVEL=0",
                               "-verify_hostname", fq, "-CAfile", W + "/ca/ca.crt")
            if not hs_ok(out) or "Protocol  : TLSv1\n" not in out:
                bad("%s %s: no TLS 1.0 handshake" % (fq, a))
            m = re.search(r"Verify return code: (\d+)", out)
            code = int(m.group(1)) if m else None
        else:
            rc2, out2 = s_client(a, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
            if hs_ok(out2):
                bad("%s %s: TLS 1.1 accepted, tls=%s" % (fq, a, mx["tls"]))
        want = {"ca": 0, "selfsigned": 18, "expired": 10, "wrongname": 62}[mx["cert"]]
        if code != want:
            bad("%s %s: verify code %s, expected %d for cert=%s" %
                (fq, a, code, want, mx["cert"]))
        pem = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----",
                        out, re.S)
        if pem and mx.get("revocation", "none") != "none":
            errs += check_revocation(fq, a, pem.group(0), mx["revocation"])
        if pem and mx["tlsa"] != "none":
            r = subprocess.run(["openssl", "x509", "-pubkey", "-noout"],
                               input=pem.group(0), capture_output=True, text=True)
            der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"],
                                 input=r.stdout.encode(), capture_output=True).stdout
            served = hashlib.sha256(der).hexdigest()
            st, fl, ans = dig("_25._tcp." + fq, "TLSA", *opt)
            got = [a.replace(" ", "").lower()[3:] for a in ans]
            if (served in got) != (mx["tlsa"] == "right"):
                bad("%s: TLSA %s, served key %s, tlsa=%s" %
                    (fq, got, served[:16], mx["tlsa"]))
    return errs

def check_scen(sc):
    errs = []
    st, fl, ans = dig(sc["domain"], "SOA")
    want = {"signed": ("NOERROR", True), "insecure": ("NOERROR", False),
            "bogus": ("SERVFAIL", False)}[sc["zone"]]
    if (st, "ad" in fl) != want:
        errs.append("%s SOA: %s %s, zone=%s" % (sc["domain"], st, fl, sc["zone"]))
    if "sts" in sc:
        rc, out = x("curl", "-sS", "-o", "/dev/null", "-w",
                    "%{http_code} %{content_type}",
                    "https://mta-sts.%s/.well-known/mta-sts.txt" % sc["domain"])
        serve = sc.get("sts_serve", "ok")
        code, ctype = (out.split() + ["", ""])[:2]
        exp = {"ok": ("200", "text/plain"), "redirect": ("301", ""),
               "wrong-type": ("200", "text/html")}[serve]
        if code != exp[0] or (exp[1] and not ctype.startswith(exp[1])):
            errs.append("mta-sts.%s: %s %s, expected %s" % (sc["domain"], code, ctype, exp))
    return errs

hosts, scen = world.plan()
jobs = []
with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
    for sc in scen:
        jobs.append((sc["name"], ex.submit(check_scen, sc)))
        for mx in sc["mx"]:
            jobs.append((mx["fqdn"], ex.submit(check_mx, sc, mx)))
    bad = 0
    for name, f in jobs:
        errs = f.result()
        for e in errs:
            print("WRONG:", e)
        bad += len(errs)
        if not errs:
            print("ok:", name)
print("%d scenarios, %d checks, %d wrong" % (len(scen), len(jobs), bad))
sys.exit(1 if bad else 0)
PY
