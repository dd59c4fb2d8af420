/* test_check: the engine's pure helpers: domain normalisation, finding
 * order, static texts for every id of findings.md. */
#include <stdio.h>
#include <stdlib.h>

#include "responder/check.h"
#include "tls/probe.h"
#include "util/mem.h"
#include "util/str.h"
#include "t.h"

/* canned DNS answers for the judge */
static struct dns_answer *
ans(const char *name, uint16_t type, enum dns_status st, enum dns_sec sec)
{
	struct dns_answer *a = xcalloc(1, sizeof(*a));

	str_copy(a->qname, name, sizeof(a->qname));
	a->qtype = type;
	a->status = st;
	a->sec = sec;
	if (sec == DNS_SEC_BOGUS)
		a->why = xstrdup("signature expired");
	return a;
}

static void
add_rr(struct dns_answer *a, const char *name, const char *addr, int pref)
{
	struct dns_rr *r;

	a->rr = xrealloc(a->rr, (a->nrr + 1) * sizeof(*a->rr));
	r = &a->rr[a->nrr++];
	memset(r, 0, sizeof(*r));
	r->type = a->qtype;
	r->pref = (uint16_t)pref;
	if (name)
		str_copy(r->name, name, sizeof(r->name));
	if (addr)
		str_copy(r->addr, addr, sizeof(r->addr));
}

static const char *
status_of(const struct check_result *r, const char *id, const char *subj)
{
	size_t i;

	for (i = 0; i < r->nfind; i++)
		if (strcmp(r->find[i].id, id) == 0 && (subj == NULL ||
		    strcmp(r->find[i].subject, subj) == 0))
			return check_status_name(r->find[i].status);
	return "absent";
}

static void
test_judge_dns(void)
{
	struct check_opts o = { 0 };
	struct check_data *d = xcalloc(1, sizeof(*d));
	struct check_result *r;

	/* bogus MX: could not test the MX, DNSSEC fails with the reason */
	str_copy(d->domain, "b.test", sizeof(d->domain));
	d->mx = ans("b.test", DNS_T_MX, DNS_OK, DNS_SEC_BOGUS);
	add_rr(d->mx, "mx1.b.test.", NULL, 10);
	r = check_judge(d, &o);
	T_EQ_STR(status_of(r, "dns.mx", NULL), "could-not-test");
	T_EQ_STR(status_of(r, "dnssec.mx", NULL), "fail");
	T_EQ_INT(r->tested, 1);
	/* no selector: could-not-test, no guessing */
	T_EQ_STR(status_of(r, "dkim.key", NULL), "could-not-test");
	T_EQ_STR(status_of(r, "spf.record", NULL), "could-not-test");
	check_result_free(r);
	check_data_clear(d);

	/* SERVFAIL: could not test at all */
	str_copy(d->domain, "t.test", sizeof(d->domain));
	d->mx = ans("t.test", DNS_T_MX, DNS_TEMPFAIL,
	    DNS_SEC_INDETERMINATE);
	r = check_judge(d, &o);
	T_EQ_STR(status_of(r, "dns.mx", NULL), "could-not-test");
	T_EQ_INT(r->tested, 0);
	T_CONTAINS(r->not_tested, "tempfail");
	check_result_free(r);
	check_data_clear(d);

	/* NXDOMAIN: fail, and nothing else to test */
	str_copy(d->domain, "n.test", sizeof(d->domain));
	d->mx = ans("n.test", DNS_T_MX, DNS_NXDOMAIN, DNS_SEC_SECURE);
	r = check_judge(d, &o);
	T_EQ_STR(status_of(r, "dns.mx", NULL), "fail");
	T_EQ_INT(r->tested, 0);
	check_result_free(r);
	check_data_clear(d);

	/* null MX */
	str_copy(d->domain, "z.test", sizeof(d->domain));
	d->mx = ans("z.test", DNS_T_MX, DNS_OK, DNS_SEC_SECURE);
	add_rr(d->mx, ".", NULL, 0);
	d->null_mx = 1;
	r = check_judge(d, &o);
	T_EQ_STR(status_of(r, "dns.mx", NULL), "info");
	T_EQ_STR(status_of(r, "dnssec.mx", NULL), "pass");
	check_result_free(r);
	check_data_clear(d);
	free(d);
}

static void
test_judge_transport(void)
{
	struct check_opts o = { 0 };
	struct check_data *d = xcalloc(1, sizeof(*d));
	struct probe_result *p;
	struct check_result *r;
	struct check_mx *m;

	str_copy(d->domain, "x.test", sizeof(d->domain));
	d->mx = ans("x.test", DNS_T_MX, DNS_OK, DNS_SEC_INSECURE);
	add_rr(d->mx, "mx1.x.test.", NULL, 10);
	d->nmx = d->mx_total = 1;
	m = &d->mxs[0];
	str_copy(m->name, "mx1.x.test", sizeof(m->name));
	m->a = ans("mx1.x.test", DNS_T_A, DNS_OK, DNS_SEC_INSECURE);
	add_rr(m->a, NULL, "192.0.2.1", 0);
	m->aaaa = ans("mx1.x.test", DNS_T_AAAA, DNS_NODATA,
	    DNS_SEC_INSECURE);
	/* TLSA in an insecure zone: senders ignore it */
	m->tlsa = ans("_25._tcp.mx1.x.test", DNS_T_TLSA, DNS_OK,
	    DNS_SEC_INSECURE);
	add_rr(m->tlsa, NULL, NULL, 0);
	m->naddr = 2;
	str_copy(m->addr[0].ip, "192.0.2.1", sizeof(m->addr[0].ip));
	/* no STARTTLS on the first address */
	p = m->addr[0].probe = xcalloc(1, sizeof(*p));
	p->conn = PROBE_CONN_OK;
	p->stage = PROBE_STAGE_STARTTLS;
	p->have_banner = 1;
	p->banner.code = 220;
	p->have_ehlo = 1;
	p->ehlo.code = 250;
	p->ehlo_keys = PROBE_EHLO_SIZE;
	/* the second address answered 421 */
	str_copy(m->addr[1].ip, "192.0.2.2", sizeof(m->addr[1].ip));
	p = m->addr[1].probe = xcalloc(1, sizeof(*p));
	p->conn = PROBE_CONN_OK;
	p->stage = PROBE_STAGE_BANNER;
	p->have_banner = 1;
	p->banner.code = 421;
	str_copy(p->not_tested, "421 busy", sizeof(p->not_tested));
	r = check_judge(d, &o);
	T_EQ_STR(status_of(r, "dnssec.mx", NULL), "warn");
	T_EQ_STR(status_of(r, "dane.tlsa", NULL), "fail");
	T_EQ_STR(status_of(r, "dane.match", NULL), "absent");
	T_EQ_STR(status_of(r, "smtp.connect", "mx1.x.test 192.0.2.1"),
	    "pass");
	T_EQ_STR(status_of(r, "smtp.starttls", "mx1.x.test 192.0.2.1"),
	    "fail");
	T_EQ_STR(status_of(r, "smtp.connect", "mx1.x.test 192.0.2.2"),
	    "could-not-test");
	T_EQ_STR(status_of(r, "smtp.starttls", "mx1.x.test 192.0.2.2"),
	    "could-not-test");
	check_result_free(r);
	check_data_clear(d);
	free(d);
}

/* tls.cert.revocation from stapled OCSP, the responder and the CRL */
static const char *
evidence_of(const struct check_result *r, const char *id, const char *subj)
{
	size_t i;

	for (i = 0; i < r->nfind; i++)
		if (strcmp(r->find[i].id, id) == 0 &&
		    strcmp(r->find[i].subject, subj) == 0)
			return r->find[i].evidence;
	return "";
}

static void
test_judge_revocation(void)
{
	static const struct {
		enum probe_ocsp	 staple;
		int		 tried;
		enum probe_revoc_status ocsp;	/* responder */
		enum probe_revoc_status crl;
		const char	*want;
		const char	*ev;
	} rows[] = {
		/* nothing at all: could-not-test, never fail */
		{ PROBE_OCSP_NONE, 1, 0, 0, "could-not-test",
		  "unreachable: refused" },
		{ PROBE_OCSP_GOOD, 0, 0, 0, "pass", "stapled OCSP" },
		{ PROBE_OCSP_REVOKED, 1, PROBE_REVOC_GOOD, PROBE_REVOC_GOOD,
		  "fail", "revoked (stapled OCSP)" },
		{ PROBE_OCSP_NONE, 1, PROBE_REVOC_GOOD, 0, "pass",
		  "not revoked (OCSP responder)" },
		{ PROBE_OCSP_NONE, 1, PROBE_REVOC_REVOKED, PROBE_REVOC_GOOD,
		  "fail", "revoked (OCSP responder): " },
		{ PROBE_OCSP_NONE, 1, 0, PROBE_REVOC_REVOKED, "fail",
		  "revoked (CRL)" },
		{ PROBE_OCSP_NONE, 1, PROBE_REVOC_REVOKED,
		  PROBE_REVOC_REVOKED, "fail",
		  "revoked (OCSP responder, CRL)" },
		{ PROBE_OCSP_NONE, 1, 0, PROBE_REVOC_GOOD, "pass",
		  "not revoked (CRL)" },
		{ PROBE_OCSP_INVALID, 1, PROBE_REVOC_UNKNOWN, 0,
		  "could-not-test", "CRL http://crl.x.test/c.crl" },
		{ PROBE_OCSP_NONE, 0, 0, 0, "could-not-test", "not checked" },
	};
	struct check_opts o = { 0 };
	struct check_data *d = xcalloc(1, sizeof(*d));
	struct check_result *r;
	struct check_mx *m;
	char subj[64];
	size_t i, n = sizeof(rows) / sizeof(rows[0]);

	str_copy(d->domain, "x.test", sizeof(d->domain));
	d->mx = ans("x.test", DNS_T_MX, DNS_OK, DNS_SEC_SECURE);
	add_rr(d->mx, "mx1.x.test.", NULL, 10);
	d->nmx = d->mx_total = 1;
	m = &d->mxs[0];
	str_copy(m->name, "mx1.x.test", sizeof(m->name));
	m->naddr = n;
	for (i = 0; i < n; i++) {
		struct check_addr *ad = &m->addr[i];
		struct probe_result *p = xcalloc(1, sizeof(*p));

		snprintf(ad->ip, sizeof(ad->ip), "192.0.2.%zu", i + 1);
		ad->probe = p;
		p->conn = PROBE_CONN_OK;
		p->stage = PROBE_STAGE_DONE;
		p->have_banner = 1;
		p->banner.code = 220;
		p->have_ehlo = 1;
		p->ehlo.code = 250;
		p->ehlo_keys = PROBE_EHLO_STARTTLS;
		p->handshake = PROBE_OK;
		p->trust = PROBE_OK;
		p->name = PROBE_OK;
		p->nchain = 1;
		str_copy(p->chain[0].key_type, "EC",
		    sizeof(p->chain[0].key_type));
		p->chain[0].key_bits = 256;
		p->leaf_seconds_left = 90 * 86400;
		p->ocsp = rows[i].staple;
		ad->revoc.tried = rows[i].tried;
		ad->revoc.nocsp = ad->revoc.ncrl = 1;
		if (!rows[i].tried)
			continue;
		str_copy(ad->revoc.ocsp_url, "http://ocsp.x.test/",
		    sizeof(ad->revoc.ocsp_url));
		str_copy(ad->revoc.crl_url, "http://crl.x.test/c.crl",
		    sizeof(ad->revoc.crl_url));
		ad->revoc.ocsp.status = rows[i].ocsp;
		ad->revoc.crl.status = rows[i].crl;
		str_copy(ad->revoc.ocsp.text, rows[i].ocsp ?
		    probe_revoc_status_name(rows[i].ocsp) :
		    "unreachable: refused", sizeof(ad->revoc.ocsp.text));
		str_copy(ad->revoc.crl.text, rows[i].crl ?
		    probe_revoc_status_name(rows[i].crl) :
		    "unreachable: refused", sizeof(ad->revoc.crl.text));
	}
	r = check_judge(d, &o);
	for (i = 0; i < n; i++) {
		snprintf(subj, sizeof(subj), "mx1.x.test 192.0.2.%zu", i + 1);
		T_EQ_STR(status_of(r, "tls.cert.revocation", subj),
		    rows[i].want);
		T_CONTAINS(evidence_of(r, "tls.cert.revocation", subj),
		    rows[i].ev);
	}
	check_result_free(r);
	check_data_clear(d);
	free(d);
}

/* A probe result that got as far as a DANE verdict. */
static struct probe_result *
dane_probe(enum probe_dane_state st)
{
	struct probe_result *p = xcalloc(1, sizeof(*p));

	p->conn = PROBE_CONN_OK;
	p->stage = PROBE_STAGE_DONE;
	p->have_banner = 1;
	p->banner.code = 220;
	p->have_ehlo = 1;
	p->ehlo.code = 250;
	p->ehlo_keys = PROBE_EHLO_STARTTLS;
	p->handshake = PROBE_OK;
	p->trust = PROBE_OK;
	p->name = PROBE_OK;
	p->nchain = 1;
	str_copy(p->chain[0].key_type, "EC", sizeof(p->chain[0].key_type));
	p->chain[0].key_bits = 256;
	p->leaf_seconds_left = 90 * 86400;
	p->dane_state = st;
	return p;
}

static struct dns_answer *
tlsa_ans(const char *name, enum dns_status st, enum dns_sec sec, int n)
{
	struct dns_answer *a = ans(name, DNS_T_TLSA, st, sec);
	int i;

	for (i = 0; i < n; i++) {
		add_rr(a, NULL, NULL, 0);
		a->rr[a->nrr - 1].usage = 3;
		a->rr[a->nrr - 1].selector = 1;
		a->rr[a->nrr - 1].mtype = 1;
	}
	return a;
}

/* RFC 7672 2.2.2-2.2.3: which TLSA RRset counts for an MX host, by the
 * DNSSEC state of its address records and its CNAME chain. */
static void
test_judge_dane_base(void)
{
	enum { NONE = -1 };
	static const struct {
		const char	*what;
		enum dns_sec	 addr;		/* A (and AAAA NODATA) */
		int		 alias;		/* mail.x.test -> mx1.x.test */
		int		 cname_sec;	/* NONE: no CNAME lookup */
		/* TLSA at the MX name and at the target: records or
		 * NODATA with this state; NONE: not looked up */
		int		 tlsa_n, tlsa_sec;
		int		 tgt_n, tgt_sec;
		enum dns_status	 tgt_st;
		/* expected */
		const char	*tlsa, *match, *ev;
		enum check_dane_use use;
		const char	*base;
	} rows[] = {
		{ "plain secure host, secure TLSA", DNS_SEC_SECURE, 0, NONE,
		  1, DNS_SEC_SECURE, NONE, NONE, DNS_OK, "pass", "pass",
		  "1 secure TLSA", CHECK_DANE_APPLIES, "mx1.x.test" },
		{ "insecure addresses, no TLSA", DNS_SEC_INSECURE, 0, NONE,
		  0, DNS_SEC_INSECURE, NONE, NONE, DNS_OK, "info", "absent",
		  "DANE does not apply: the address records of mx1.x.test "
		  "are not DNSSEC-secure (RFC 7672 2.2.2)",
		  CHECK_DANE_ADDR_INSECURE, "mx1.x.test" },
		/* the addresses decide, even when the TLSA answer is
		 * secure: no dane.match, published records are a fault */
		{ "insecure addresses, secure TLSA", DNS_SEC_INSECURE, 0,
		  NONE, 1, DNS_SEC_SECURE, NONE, NONE, DNS_OK, "fail",
		  "absent", "senders ignore them", CHECK_DANE_ADDR_INSECURE,
		  "mx1.x.test" },
		{ "bogus addresses", DNS_SEC_BOGUS, 0, NONE, 1,
		  DNS_SEC_SECURE, NONE, NONE, DNS_OK, "could-not-test",
		  "absent", "DNSSEC-bogus", CHECK_DANE_ADDR_BOGUS,
		  "mx1.x.test" },
		/* secure chain: the target's TLSA first */
		{ "alias, TLSA at the target only", DNS_SEC_SECURE, 1, NONE,
		  0, DNS_SEC_SECURE, 1, DNS_SEC_SECURE, DNS_OK, "pass",
		  "pass", "TLSA base domain mx1.x.test: the CNAME target",
		  CHECK_DANE_APPLIES, "mx1.x.test" },
		{ "alias, TLSA at both: the target wins", DNS_SEC_SECURE, 1,
		  NONE, 1, DNS_SEC_SECURE, 2, DNS_SEC_SECURE, DNS_OK, "pass",
		  "pass", "2 secure TLSA", CHECK_DANE_APPLIES, "mx1.x.test" },
		{ "alias, none at the target: the MX name's", DNS_SEC_SECURE,
		  1, NONE, 1, DNS_SEC_SECURE, 0, DNS_SEC_SECURE, DNS_NODATA,
		  "pass", "pass", "TLSA base domain mail.x.test: the MX name "
		  "(no TLSA at its CNAME target)", CHECK_DANE_APPLIES,
		  "mail.x.test" },
		{ "alias, target NXDOMAIN, none at the MX name either",
		  DNS_SEC_SECURE, 1, NONE, 0, DNS_SEC_SECURE, 0,
		  DNS_SEC_SECURE, DNS_NXDOMAIN, "info", "absent", "no TLSA",
		  CHECK_DANE_APPLIES, "mail.x.test" },
		{ "alias, the target's lookup failed", DNS_SEC_SECURE, 1,
		  NONE, 1, DNS_SEC_SECURE, 0, DNS_SEC_INDETERMINATE,
		  DNS_TEMPFAIL, "could-not-test", "absent", "lookup failed",
		  CHECK_DANE_APPLIES, "mx1.x.test" },
		/* chain not secure throughout: the MX name only, and only
		 * when its own CNAME is secure */
		{ "alias, secure CNAME, insecure target", DNS_SEC_INSECURE,
		  1, DNS_SEC_SECURE, 1, DNS_SEC_SECURE, NONE, NONE, DNS_OK,
		  "pass", "pass", "the MX name (its CNAME is secure",
		  CHECK_DANE_APPLIES, "mail.x.test" },
		{ "alias, insecure CNAME", DNS_SEC_INSECURE, 1,
		  DNS_SEC_INSECURE, 0, DNS_SEC_INSECURE, NONE, NONE, DNS_OK,
		  "info", "absent", "DANE does not apply",
		  CHECK_DANE_ADDR_INSECURE, "mail.x.test" },
	};
	struct check_opts o = { 0 };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct check_data *d = xcalloc(1, sizeof(*d));
		const char *name = rows[i].alias ? "mail.x.test" :
		    "mx1.x.test";
		struct check_dane_sel sel;
		struct check_result *r;
		struct check_mx *m;
		char subj[64];
		int failed = t_failed;

		str_copy(d->domain, "x.test", sizeof(d->domain));
		d->mx = ans("x.test", DNS_T_MX, DNS_OK, DNS_SEC_SECURE);
		add_rr(d->mx, name, NULL, 10);
		d->nmx = d->mx_total = 1;
		m = &d->mxs[0];
		str_copy(m->name, name, sizeof(m->name));
		m->a = ans(name, DNS_T_A, DNS_OK, rows[i].addr);
		add_rr(m->a, NULL, "192.0.2.1", 0);
		m->aaaa = ans(name, DNS_T_AAAA, DNS_NODATA, rows[i].addr);
		if (rows[i].alias) {
			str_copy(m->a->canon, "mx1.x.test.",
			    sizeof(m->a->canon));
			if (rows[i].cname_sec != NONE) {
				m->cname = ans(name, DNS_T_CNAME, DNS_OK,
				    (enum dns_sec)rows[i].cname_sec);
				add_rr(m->cname, "mx1.x.test.", NULL, 0);
			}
		}
		m->tlsa = tlsa_ans("_25._tcp.mail.x.test", rows[i].tlsa_n ?
		    DNS_OK : DNS_NODATA, (enum dns_sec)rows[i].tlsa_sec,
		    rows[i].tlsa_n);
		if (!rows[i].alias)
			str_copy(m->tlsa->qname, "_25._tcp.mx1.x.test",
			    sizeof(m->tlsa->qname));
		if (rows[i].tgt_n != NONE)
			m->tlsa_target = tlsa_ans("_25._tcp.mx1.x.test",
			    rows[i].tgt_st, (enum dns_sec)rows[i].tgt_sec,
			    rows[i].tgt_n);
		m->naddr = rows[i].addr == DNS_SEC_BOGUS ? 0 : 1;
		str_copy(m->addr[0].ip, "192.0.2.1", sizeof(m->addr[0].ip));
		if (m->naddr)
			m->addr[0].probe = dane_probe(PROBE_DANE_MATCH);
		check_dane_select(m, &sel);
		T_EQ_INT(sel.use, rows[i].use);
		T_EQ_STR(sel.base, rows[i].base);
		r = check_judge(d, &o);
		snprintf(subj, sizeof(subj), "%s 192.0.2.1", name);
		T_EQ_STR(status_of(r, "dane.tlsa", name), rows[i].tlsa);
		T_CONTAINS(evidence_of(r, "dane.tlsa", name), rows[i].ev);
		T_EQ_STR(status_of(r, "dane.match", subj), rows[i].match);
		if (t_failed != failed)
			fprintf(stderr, "  in row: %s\n", rows[i].what);
		check_result_free(r);
		check_data_clear(d);
		free(d);
	}
}

static void
test_mx_addr_sec(void)
{
	struct check_mx m;

	memset(&m, 0, sizeof(m));
	str_copy(m.name, "mx1.x.test", sizeof(m.name));
	T_EQ_INT(check_mx_addr_sec(&m), DNS_SEC_INDETERMINATE);
	/* the answer with addresses decides, not the secure denial */
	m.a = ans("mx1.x.test", DNS_T_A, DNS_OK, DNS_SEC_INSECURE);
	add_rr(m.a, NULL, "192.0.2.1", 0);
	m.aaaa = ans("mx1.x.test", DNS_T_AAAA, DNS_NODATA, DNS_SEC_SECURE);
	T_EQ_INT(check_mx_addr_sec(&m), DNS_SEC_INSECURE);
	m.a->sec = DNS_SEC_SECURE;
	T_EQ_INT(check_mx_addr_sec(&m), DNS_SEC_SECURE);
	/* a failed AAAA lookup does not make secure addresses insecure */
	m.aaaa->status = DNS_TEMPFAIL;
	m.aaaa->sec = DNS_SEC_INDETERMINATE;
	T_EQ_INT(check_mx_addr_sec(&m), DNS_SEC_SECURE);
	m.aaaa->sec = DNS_SEC_BOGUS;
	T_EQ_INT(check_mx_addr_sec(&m), DNS_SEC_BOGUS);
	dns_answer_free(m.a);
	dns_answer_free(m.aaaa);
}

static void
test_mx_target(void)
{
	struct check_mx m;
	char t[DNS_NAME_MAX];

	memset(&m, 0, sizeof(m));
	str_copy(m.name, "mail.x.test", sizeof(m.name));
	m.a = ans("mail.x.test", DNS_T_A, DNS_OK, DNS_SEC_SECURE);
	T_EQ_INT(check_mx_target(&m, t, sizeof(t)), -1);
	T_EQ_STR(t, "");
	/* the canonical name is the MX name itself: no alias */
	str_copy(m.a->canon, "MAIL.x.test.", sizeof(m.a->canon));
	T_EQ_INT(check_mx_target(&m, t, sizeof(t)), -1);
	/* the canon of the AAAA answer counts too (the A may be NODATA) */
	m.a->canon[0] = '\0';
	m.aaaa = ans("mail.x.test", DNS_T_AAAA, DNS_OK, DNS_SEC_SECURE);
	str_copy(m.aaaa->canon, "mx1.x.test.", sizeof(m.aaaa->canon));
	T_EQ_INT(check_mx_target(&m, t, sizeof(t)), 0);
	T_EQ_STR(t, "mx1.x.test");
	dns_answer_free(m.a);
	dns_answer_free(m.aaaa);
}

static void
test_domain_norm(void)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{ "Good.TEST.", "good.test" },
		{ "a-b.example", "a-b.example" },
		{ "", NULL },
		{ ".", NULL },
		{ "a..b", NULL },
		{ "a b", NULL },
		{ "a/b", NULL },
		{ "ex\xc3\xa4mple.test", NULL },
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxx.test", NULL },	/* 64-octet label */
	};
	char out[256];
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = check_domain_norm(rows[i].in, out, sizeof(out), &why);

		T_EQ_INT(rc, rows[i].out ? 0 : -1);
		if (rows[i].out)
			T_EQ_STR(out, rows[i].out);
	}
}

static void
test_sort_and_texts(void)
{
	static const char *const ids[] = { "dns.mx", "dnssec.mx",
	    "dnssec.addr", "smtp.connect", "smtp.starttls", "smtp.requiretls",
	    "tls.versions", "tls.ciphers", "tls.cert.trust",
	    "tls.cert.expiry", "tls.cert.name", "tls.cert.key",
	    "tls.cert.revocation", "dane.tlsa", "dane.match", "dane.rollover",
	    "dns.ptr",
	    "mtasts.record", "mtasts.policy", "mtasts.mode", "mtasts.mx",
	    "tlsrpt.record", "spf.record", "spf.lookups", "spf.all",
	    "dmarc.record", "dmarc.policy", "dmarc.rua", "dkim.key" };
	struct check_result *r = check_result_new("x.test");
	size_t i;

	check_add(r, "spf.all", "x.test", CHECK_PASS, "%s", "-all");
	check_add(r, "dns.mx", "x.test", CHECK_PASS, "MX %d", 10);
	check_add(r, "smtp.starttls", "a", CHECK_FAIL, "x");
	check_add(r, "dns.ptr", "1.2.3.4", CHECK_WARN, "x");
	check_sort(r);
	T_EQ_STR(r->find[0].id, "dns.mx");
	T_EQ_STR(r->find[1].id, "dns.ptr");
	T_EQ_STR(r->find[2].id, "smtp.starttls");
	T_EQ_STR(r->find[3].id, "spf.all");
	T_EQ_STR(r->find[0].evidence, "MX 10");
	T_EQ_STR(check_status_name(CHECK_CNT), "could-not-test");
	check_result_free(r);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const char *why, *fix, *rfc;

		check_text(ids[i], &why, &fix, &rfc);
		T_CHECK(*why != '\0');
		T_CHECK(*fix != '\0');
		T_CONTAINS(rfc, "RFC");
	}
}

T_MAIN(T_CASE(test_domain_norm), T_CASE(test_sort_and_texts),
    T_CASE(test_judge_dns), T_CASE(test_judge_transport),
    T_CASE(test_judge_revocation), T_CASE(test_judge_dane_base),
    T_CASE(test_mx_addr_sec), T_CASE(test_mx_target))
