/* check_judge: gathered data -> findings, for DNS, DNSSEC, SMTP, TLS,
 * DANE and SPF (policy records are in check_policy.c). Pure: no I/O.
 * Anything that could not run is could-not-test with the reason.
 * Touches: nothing. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/spf_eval.h"
#include "responder/check.h"
#include "tls/probe.h"
#include "tls/probe_revoc.h"
#include "util/mem.h"
#include "util/str.h"

/* check_policy.c */
void	 check_judge_policy(const struct check_data *,
	    const struct check_opts *, struct check_result *);

/* "MX mx1.example.: ok, secure" + records */
static void
ans_text(struct sbuf *s, const struct dns_answer *a)
{
	size_t i;

	if (a == NULL) {
		sbuf_adds(s, "not looked up");
		return;
	}
	sbuf_addf(s, "%s %s: %s, DNSSEC %s", dns_type_name(a->qtype),
	    a->qname, dns_status_name(a->status), dns_sec_name(a->sec));
	if (a->why)
		sbuf_addf(s, " (%s)", a->why);
	if (a->canon[0])
		sbuf_addf(s, ", alias of %s", a->canon);
	for (i = 0; i < a->nrr && i < 16; i++) {
		const struct dns_rr *r = &a->rr[i];

		sbuf_adds(s, i ? "; " : ": ");
		switch (a->qtype) {
		case DNS_T_MX:
			sbuf_addf(s, "%u %s", r->pref, r->name);
			break;
		case DNS_T_A:
		case DNS_T_AAAA:
			sbuf_adds(s, r->addr);
			break;
		case DNS_T_PTR:
		case DNS_T_CNAME:
			sbuf_adds(s, r->name);
			break;
		case DNS_T_TXT:
			sbuf_addf(s, "\"%.*s\"", (int)(r->txt_len > 400 ? 400 :
			    r->txt_len), r->txt);
			break;
		case DNS_T_TLSA: {
			size_t k;

			sbuf_addf(s, "%u %u %u ", r->usage, r->selector,
			    r->mtype);
			for (k = 0; k < r->assoc_len && k < 32; k++)
				sbuf_addf(s, "%02x", r->assoc[k]);
			if (r->assoc_len > 32)
				sbuf_adds(s, "...");
			break;
		}
		}
	}
	if (a->nrr > 16)
		sbuf_addf(s, "; ... (%zu records)", a->nrr);
}

/* Evidence helper: the answer's text as a new string in *out. */
static const char *
ans_str(struct sbuf *s, const struct dns_answer *a)
{
	sbuf_reset(s);
	ans_text(s, a);
	return s->data ? s->data : "";
}

static void
judge_dnssec(struct check_result *r, const char *id, const char *subj,
    const struct dns_answer *a, struct sbuf *s)
{
	if (a == NULL)
		return;
	switch (a->sec) {
	case DNS_SEC_SECURE:
		check_add(r, id, subj, CHECK_PASS, "%s", ans_str(s, a));
		break;
	case DNS_SEC_INSECURE:
		check_add(r, id, subj, CHECK_WARN, "insecure (zone not "
		    "signed or no chain of trust): %s", ans_str(s, a));
		break;
	case DNS_SEC_BOGUS:
		check_add(r, id, subj, CHECK_FAIL, "bogus: %s; %s",
		    a->why ? a->why : "validation failed", ans_str(s, a));
		break;
	case DNS_SEC_INDETERMINATE:
		check_add(r, id, subj, CHECK_CNT, "no answer to validate: %s",
		    ans_str(s, a));
		break;
	}
}

static int
lookup_failed(const struct dns_answer *a)
{
	return a == NULL || a->status == DNS_TEMPFAIL ||
	    a->status == DNS_FAILURE || a->status == DNS_MALFORMED;
}

static void
judge_mx(const struct check_data *d, struct check_result *r,
    struct sbuf *s)
{
	const struct dns_answer *mx = d->mx;

	if (mx == NULL) {
		check_add(r, "dns.mx", d->domain, CHECK_CNT,
		    "the MX lookup did not run");
		r->tested = 0;
		str_copy(r->not_tested, "the MX lookup did not run",
		    sizeof(r->not_tested));
		return;
	}
	if (mx->sec == DNS_SEC_BOGUS) {
		check_add(r, "dns.mx", d->domain, CHECK_CNT, "the MX answer "
		    "is DNSSEC-bogus, so no MX can be trusted: %s",
		    ans_str(s, mx));
		judge_dnssec(r, "dnssec.mx", d->domain, mx, s);
		return;
	}
	judge_dnssec(r, "dnssec.mx", d->domain, mx, s);
	if (d->null_mx) {
		check_add(r, "dns.mx", d->domain, CHECK_INFO, "null MX (RFC "
		    "7505): the domain accepts no mail; %s", ans_str(s, mx));
		return;
	}
	switch (mx->status) {
	case DNS_OK:
		if (d->mx_total > d->nmx)
			check_add(r, "dns.mx", d->domain, CHECK_PASS, "%s "
			    "(only the first %zu of %zu hosts are checked)",
			    ans_str(s, mx), d->nmx, d->mx_total);
		else
			check_add(r, "dns.mx", d->domain, CHECK_PASS, "%s",
			    ans_str(s, mx));
		break;
	case DNS_NODATA:
		if (d->implicit_mx) {
			check_add(r, "dns.mx", d->domain, CHECK_INFO, "no MX "
			    "records: mail goes to the domain's own address "
			    "(implicit MX, RFC 5321 5.1); %s",
			    ans_str(s, d->dom_a));
		} else if (lookup_failed(d->dom_a) &&
		    lookup_failed(d->dom_aaaa)) {
			check_add(r, "dns.mx", d->domain, CHECK_CNT, "no MX "
			    "records, and the implicit-MX address lookup "
			    "failed: %s", ans_str(s, d->dom_a));
		} else {
			check_add(r, "dns.mx", d->domain, CHECK_FAIL, "no MX "
			    "and no A/AAAA records: the domain cannot receive "
			    "mail; %s", ans_str(s, mx));
		}
		break;
	case DNS_NXDOMAIN:
		check_add(r, "dns.mx", d->domain, CHECK_FAIL, "the domain "
		    "does not exist (NXDOMAIN): %s", ans_str(s, mx));
		r->tested = 0;
		str_copy(r->not_tested, "the domain does not exist (NXDOMAIN)",
		    sizeof(r->not_tested));
		break;
	default:
		check_add(r, "dns.mx", d->domain, CHECK_CNT, "the MX lookup "
		    "failed: %s", ans_str(s, mx));
		r->tested = 0;
		sbuf_reset(s);
		sbuf_addf(s, "the MX lookup failed (%s%s%s)",
		    dns_status_name(mx->status), mx->why ? ": " : "",
		    mx->why ? mx->why : "");
		str_copy(r->not_tested, s->data, sizeof(r->not_tested));
		break;
	}
}

static void
judge_host_dns(const struct check_mx *m, struct check_result *r,
    struct sbuf *s)
{
	const struct dns_answer *a = m->a, *aaaa = m->aaaa, *w;
	struct sbuf e;

	sbuf_init(&e, 8192);
	ans_text(&e, a);
	sbuf_adds(&e, " | ");
	ans_text(&e, aaaa);
	/* DNSSEC state of the host's addresses: the worst of A and AAAA */
	if ((a && a->sec == DNS_SEC_BOGUS) || (aaaa && aaaa->sec ==
	    DNS_SEC_BOGUS)) {
		w = (a && a->sec == DNS_SEC_BOGUS) ? a : aaaa;
		check_add(r, "dnssec.addr", m->name, CHECK_FAIL, "bogus: %s; "
		    "%s", w->why ? w->why : "validation failed", e.data);
	} else if (lookup_failed(a) && lookup_failed(aaaa)) {
		check_add(r, "dnssec.addr", m->name, CHECK_CNT, "no answer "
		    "to validate: %s", e.data);
	} else if ((a && a->sec == DNS_SEC_INSECURE) ||
	    (aaaa && aaaa->sec == DNS_SEC_INSECURE)) {
		check_add(r, "dnssec.addr", m->name, CHECK_WARN,
		    "insecure: %s", e.data);
	} else {
		check_add(r, "dnssec.addr", m->name, CHECK_PASS, "secure: %s",
		    e.data);
	}
	if (m->naddr == 0) {
		if ((a && a->sec == DNS_SEC_BOGUS) ||
		    (aaaa && aaaa->sec == DNS_SEC_BOGUS))
			check_add(r, "dns.addr", m->name, CHECK_CNT, "the "
			    "address records are DNSSEC-bogus, so the host "
			    "was not probed: %s", e.data);
		else if (lookup_failed(a) || lookup_failed(aaaa))
			check_add(r, "dns.addr", m->name, CHECK_CNT, "the "
			    "address lookups failed: %s", e.data);
		else
			check_add(r, "dns.addr", m->name, CHECK_FAIL, "the MX "
			    "host has no A or AAAA record: %s", e.data);
	}
	if ((a && a->canon[0]) || (aaaa && aaaa->canon[0]))
		check_add(r, "dns.mx.cname", m->name, CHECK_WARN, "the MX "
		    "target is an alias (CNAME) of %s",
		    a && a->canon[0] ? a->canon : aaaa->canon);
	sbuf_free(&e);
	(void)s;
}

enum dns_sec
check_mx_addr_sec(const struct check_mx *m)
{
	const struct dns_answer *v[2] = { m->a, m->aaaa };
	size_t i, ndata = 0, nden = 0, data_ok = 0, den_ok = 0;

	for (i = 0; i < 2; i++)
		if (v[i] && v[i]->sec == DNS_SEC_BOGUS)
			return DNS_SEC_BOGUS;
	for (i = 0; i < 2; i++) {
		if (lookup_failed(v[i]))
			continue;
		if (v[i]->status == DNS_OK) {
			ndata++;
			data_ok += v[i]->sec == DNS_SEC_SECURE;
		} else {
			nden++;
			den_ok += v[i]->sec == DNS_SEC_SECURE;
		}
	}
	if (ndata)
		return data_ok == ndata ? DNS_SEC_SECURE : DNS_SEC_INSECURE;
	if (nden)
		return den_ok == nden ? DNS_SEC_SECURE : DNS_SEC_INSECURE;
	return DNS_SEC_INDETERMINATE;
}

int
check_mx_target(const struct check_mx *m, char *out, size_t outsz)
{
	const char *c = NULL;
	size_t l;

	if (m->a && m->a->canon[0])
		c = m->a->canon;
	else if (m->aaaa && m->aaaa->canon[0])
		c = m->aaaa->canon;
	out[0] = '\0';
	if (c == NULL)
		return -1;
	l = str_copy(out, c, outsz);
	if (l > 1 && l < outsz && out[l - 1] == '.')
		out[l - 1] = '\0';
	if (strcasecmp(out, m->name) == 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static int
tlsa_found(const struct dns_answer *t)
{
	return t && t->status == DNS_OK && t->sec == DNS_SEC_SECURE &&
	    t->nrr > 0;
}

void
check_dane_select(const struct check_mx *m, struct check_dane_sel *sel)
{
	const struct dns_answer *t = m->tlsa_target;

	memset(sel, 0, sizeof(*sel));
	sel->addr_sec = check_mx_addr_sec(m);
	check_mx_target(m, sel->target, sizeof(sel->target));
	str_copy(sel->base, m->name, sizeof(sel->base));
	sel->tlsa = m->tlsa;
	sel->how = "the MX name";
	switch (sel->addr_sec) {
	case DNS_SEC_BOGUS:
		sel->use = CHECK_DANE_ADDR_BOGUS;
		return;
	case DNS_SEC_INDETERMINATE:
		sel->use = CHECK_DANE_ADDR_FAILED;
		return;
	case DNS_SEC_INSECURE:
		/* A chain that turns insecure after the MX name's own
		 * secure CNAME: the MX name is still the TLSA base domain,
		 * the expanded name is not (RFC 7672 2.2.2). */
		if (sel->target[0] && m->cname && m->cname->status == DNS_OK &&
		    m->cname->sec == DNS_SEC_SECURE) {
			sel->use = CHECK_DANE_APPLIES;
			sel->how = "the MX name (its CNAME is secure, the rest "
			    "of the chain is not, so the target is not used)";
			return;
		}
		sel->use = CHECK_DANE_ADDR_INSECURE;
		return;
	case DNS_SEC_SECURE:
		break;
	}
	sel->use = CHECK_DANE_APPLIES;
	if (sel->target[0] == '\0' || t == NULL)
		return;
	/* RFC 7672 2.2.3: the fully expanded name first; a secure TLSA
	 * RRset there is the one; none (or not secure) there: the MX
	 * name's; a failed or bogus lookup there is what senders meet. */
	if (tlsa_found(t) || t->sec == DNS_SEC_BOGUS || lookup_failed(t)) {
		sel->tlsa = t;
		str_copy(sel->base, sel->target, sizeof(sel->base));
		sel->how = "the CNAME target of the MX name";
		return;
	}
	sel->how = "the MX name (no TLSA at its CNAME target)";
}

static void
judge_tlsa(const struct check_mx *m, struct check_result *r,
    struct sbuf *s)
{
	struct check_dane_sel sel;
	const struct dns_answer *t;
	char base[DNS_NAME_MAX + 200];
	struct sbuf b;

	check_dane_select(m, &sel);
	t = sel.tlsa;
	switch (sel.use) {
	case CHECK_DANE_ADDR_BOGUS:
		check_add(r, "dane.tlsa", m->name, CHECK_CNT, "not evaluated: "
		    "the address records of %s are DNSSEC-bogus, so senders "
		    "cannot use the host at all (RFC 7672 2.1.1)", m->name);
		return;
	case CHECK_DANE_ADDR_FAILED:
		check_add(r, "dane.tlsa", m->name, CHECK_CNT, "not evaluated: "
		    "the address lookups of %s failed", m->name);
		return;
	case CHECK_DANE_ADDR_INSECURE:
		/* Published TLSA records that no sender uses are a fault
		 * (findings.md); none at all is just "no DANE". */
		if (t && t->status == DNS_OK && t->nrr > 0)
			check_add(r, "dane.tlsa", m->name, CHECK_FAIL, "TLSA "
			    "records are published, but DANE does not apply: "
			    "the address records of %s are not DNSSEC-secure "
			    "(RFC 7672 2.2.2), so senders ignore them; %s",
			    m->name, ans_str(s, t));
		else
			check_add(r, "dane.tlsa", m->name, CHECK_INFO, "DANE "
			    "does not apply: the address records of %s are "
			    "not DNSSEC-secure (RFC 7672 2.2.2)", m->name);
		return;
	case CHECK_DANE_APPLIES:
		break;
	}
	if (t == NULL)
		return;
	/* where the records were looked for, when it is not plain */
	sbuf_init(&b, sizeof(base) - 1);
	if (sel.target[0])
		sbuf_addf(&b, "%s is an alias of %s; TLSA base domain %s: "
		    "%s (RFC 7672 2.2.3); ", m->name, sel.target, sel.base,
		    sel.how);
	str_copy(base, b.data ? b.data : "", sizeof(base));
	sbuf_free(&b);
	if (sel.target[0] && m->tlsa_target && t != m->tlsa_target) {
		/* the fallback: say what the target had */
		sbuf_init(&b, sizeof(base) - 1);
		sbuf_addf(&b, "%s%s: %s, DNSSEC %s; ", base,
		    m->tlsa_target->qname, dns_status_name(
		    m->tlsa_target->status), dns_sec_name(
		    m->tlsa_target->sec));
		str_copy(base, b.data ? b.data : base, sizeof(base));
		sbuf_free(&b);
	}
	if (t->sec == DNS_SEC_BOGUS) {
		check_add(r, "dane.tlsa", m->name, CHECK_FAIL, "%sthe TLSA "
		    "answer is bogus: %s; %s", base, t->why ? t->why :
		    "validation failed", ans_str(s, t));
		return;
	}
	switch (t->status) {
	case DNS_OK:
		if (t->sec == DNS_SEC_SECURE) {
			size_t i, ee = 0, ta = 0;

			check_add(r, "dane.tlsa", m->name, CHECK_PASS,
			    "%s%zu secure TLSA record(s); %s", base, t->nrr,
			    ans_str(s, t));
			for (i = 0; i < t->nrr; i++) {
				if (t->rr[i].usage == 3)
					ee++;
				else if (t->rr[i].usage == 2)
					ta++;
			}
			/* RFC 7671 8.1: a standby record before a change */
			check_add(r, "dane.rollover", m->name, CHECK_INFO,
			    "%zu DANE-EE and %zu DANE-TA record(s)%s", ee, ta,
			    ee + ta >= 2 ? ": a second record can cover a "
			    "key or CA change" : ": a single usable record; "
			    "publish the next key's record (TTL ahead) "
			    "before changing the key or certificate");
		}
		else
			check_add(r, "dane.tlsa", m->name, CHECK_FAIL,
			    "%sTLSA records in a zone that is not DNSSEC-"
			    "secure: senders ignore them (RFC 7672 2.2); %s",
			    base, ans_str(s, t));
		break;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		check_add(r, "dane.tlsa", m->name, CHECK_INFO, "%sno TLSA "
		    "records (DNSSEC %s): DANE is not used for this host",
		    base, dns_sec_name(t->sec));
		break;
	default:
		check_add(r, "dane.tlsa", m->name, CHECK_CNT, "%sthe TLSA "
		    "lookup failed: %s", base, ans_str(s, t));
		break;
	}
}

static int
tlsa_usable(const struct dns_answer *t)
{
	return t && t->status == DNS_OK && t->sec == DNS_SEC_SECURE &&
	    t->nrr > 0;
}

static const char *
ptext(struct sbuf *s, const struct probe_result *p, enum probe_field f)
{
	sbuf_reset(s);
	probe_result_text(p, f, s);
	return s->data ? s->data : "";
}

/* tls.cert.revocation from the stapled OCSP response (probe), the AIA
 * OCSP responder and the CRL (gathered): revoked by any source is fail,
 * good by any source (none revoked) is pass, else could-not-test with
 * every source's reason. An unreachable responder is never fail. */
static void
revoc_src(struct sbuf *list, const char *name)
{
	sbuf_addf(list, "%s%s", list->len ? ", " : "", name);
}

static void
judge_revocation(struct check_result *r, const char *subj,
    const struct probe_result *p, const struct check_revoc *rv)
{
	struct sbuf e, good, revoked;

	sbuf_init(&e, 4096);
	sbuf_init(&good, 256);
	sbuf_init(&revoked, 256);
	sbuf_adds(&e, "stapled OCSP: ");
	probe_result_text(p, PROBE_F_OCSP, &e);
	if (p->ocsp == PROBE_OCSP_REVOKED)
		revoc_src(&revoked, "stapled OCSP");
	else if (p->ocsp == PROBE_OCSP_GOOD)
		revoc_src(&good, "stapled OCSP");
	if (!rv->tried) {
		sbuf_adds(&e, "; OCSP responder and CRL: not checked");
	} else {
		if (rv->ocsp_url[0]) {
			sbuf_addf(&e, "; OCSP responder %s: %s", rv->ocsp_url,
			    rv->ocsp.text);
			if (rv->ocsp.status == PROBE_REVOC_REVOKED)
				revoc_src(&revoked, "OCSP responder");
			else if (rv->ocsp.status == PROBE_REVOC_GOOD)
				revoc_src(&good, "OCSP responder");
		} else
			sbuf_adds(&e, rv->nocsp ? "; OCSP responder: not "
			    "asked" : "; OCSP responder: none named (AIA)");
		if (rv->crl_url[0]) {
			sbuf_addf(&e, "; CRL %s: %s", rv->crl_url,
			    rv->crl.text);
			if (rv->crl.status == PROBE_REVOC_REVOKED)
				revoc_src(&revoked, "CRL");
			else if (rv->crl.status == PROBE_REVOC_GOOD)
				revoc_src(&good, "CRL");
		} else
			sbuf_adds(&e, rv->ncrl ? "; CRL: not fetched" :
			    "; CRL: no http distribution point");
		if (rv->why[0])
			sbuf_addf(&e, "; %s", rv->why);
		if (rv->issuer_from)
			sbuf_addf(&e, "; issuer from the %s",
			    rv->issuer_from);
	}
	if (revoked.len)
		check_add(r, "tls.cert.revocation", subj, CHECK_FAIL,
		    "revoked (%s): %s", revoked.data, e.data);
	else if (good.len)
		check_add(r, "tls.cert.revocation", subj, CHECK_PASS,
		    "not revoked (%s): %s", good.data, e.data);
	else
		check_add(r, "tls.cert.revocation", subj, CHECK_CNT,
		    "no source could tell: %s", e.data);
	sbuf_free(&e);
	sbuf_free(&good);
	sbuf_free(&revoked);
}

static void
judge_addr(const struct check_mx *m, const struct check_addr *ad,
    struct check_result *r, struct sbuf *s)
{
	const struct probe_result *p = ad->probe;
	struct check_dane_sel dsel;
	char subj[DNS_NAME_MAX + 64];
	struct sbuf e;
	size_t i;
	int old = 0, modern = 0, nonfs = 0, untested_old = 0;

	str_copy(subj, m->name, sizeof(subj));
	sbuf_init(&e, 16384);
	sbuf_addf(&e, "%s %s", m->name, ad->ip);
	str_copy(subj, e.data, sizeof(subj));
	sbuf_reset(&e);
	/* reverse DNS */
	if (ad->ptr) {
		if (ad->ptr->status == DNS_OK && ad->ptr->nrr > 0) {
			int fcrdns = 0;

			if (ad->ptr_fwd && ad->ptr_fwd->status == DNS_OK)
				for (i = 0; i < ad->ptr_fwd->nrr; i++)
					if (strcmp(ad->ptr_fwd->rr[i].addr,
					    ad->ip) == 0)
						fcrdns = 1;
			check_add(r, "dns.ptr", ad->ip, fcrdns ? CHECK_PASS :
			    CHECK_WARN, "%s%s", ans_str(s, ad->ptr), fcrdns ?
			    " (forward-confirmed)" : " (the name does not "
			    "resolve back to the address)");
		} else if (lookup_failed(ad->ptr)) {
			check_add(r, "dns.ptr", ad->ip, CHECK_CNT, "%s",
			    ans_str(s, ad->ptr));
		} else {
			check_add(r, "dns.ptr", ad->ip, CHECK_WARN,
			    "no reverse name: %s", ans_str(s, ad->ptr));
		}
	}
	if (p == NULL) {
		check_add(r, "smtp.connect", subj, CHECK_CNT, "not probed: %s",
		    ad->not_probed[0] ? ad->not_probed : "no probe ran");
		goto out;
	}
	/* connection and banner */
	if (p->conn != PROBE_CONN_OK) {
		const char *ct = ptext(s, p, PROBE_F_CONNECT);

		if (p->not_tested[0] && strstr(p->not_tested, ct))
			ct = "";	/* the reason already says it */
		check_add(r, "smtp.connect", subj, CHECK_CNT, "%s%s%s", ct,
		    *ct && p->not_tested[0] && !strstr(ct, p->not_tested) ?
		    "; " : "", strstr(ct, p->not_tested) ? "" :
		    p->not_tested);
		check_add(r, "smtp.starttls", subj, CHECK_CNT, "not tested: "
		    "no connection");
		goto out;
	}
	if (!p->have_banner || p->banner.code != 220) {
		check_add(r, "smtp.connect", subj, CHECK_CNT, "connected, but "
		    "no 220 greeting: %s%s%s", ptext(s, p, PROBE_F_BANNER),
		    p->not_tested[0] ? "; " : "", p->not_tested);
		check_add(r, "smtp.starttls", subj, CHECK_CNT, "not tested: "
		    "no SMTP greeting");
		goto out;
	}
	check_add(r, "smtp.connect", subj, CHECK_PASS, "%s; banner: %s",
	    ptext(&e, p, PROBE_F_CONNECT), ptext(s, p, PROBE_F_BANNER));
	sbuf_reset(&e);
	if (p->have_ehlo) {
		char kw[256];

		probe_reply_ehlo_names(p->ehlo_keys, kw, sizeof(kw));
		check_add(r, "smtp.requiretls", subj, CHECK_INFO, "REQUIRETLS "
		    "%s; EHLO keywords: %s%s", (p->ehlo_keys &
		    PROBE_EHLO_REQUIRETLS) ? "offered" : "not offered",
		    kw[0] ? kw : "(none)", p->used_helo ? " (EHLO refused, "
		    "HELO used)" : "");
	}
	/* STARTTLS */
	if (p->stage < PROBE_STAGE_STARTTLS || (p->not_tested[0] &&
	    p->handshake == PROBE_NOT_TESTED &&
	    (p->ehlo_keys & PROBE_EHLO_STARTTLS))) {
		check_add(r, "smtp.starttls", subj, CHECK_CNT, "not tested: "
		    "%s; %s", p->not_tested[0] ? p->not_tested : "the "
		    "session ended before STARTTLS", ptext(s, p,
		    PROBE_F_EHLO));
		goto out;
	}
	if (!(p->ehlo_keys & PROBE_EHLO_STARTTLS)) {
		check_add(r, "smtp.starttls", subj, CHECK_FAIL, "STARTTLS is "
		    "not offered: %s", ptext(s, p, PROBE_F_EHLO));
		goto out;
	}
	if (p->handshake != PROBE_OK) {
		if (p->handshake == PROBE_NOT_TESTED && p->have_starttls &&
		    p->starttls.code >= 400 && p->starttls.code < 500)
			check_add(r, "smtp.starttls", subj, CHECK_CNT,
			    "STARTTLS answered with a temporary error: %s",
			    ptext(s, p, PROBE_F_STARTTLS));
		else
			check_add(r, "smtp.starttls", subj, CHECK_FAIL,
			    "STARTTLS offered but TLS could not be set up: "
			    "%s; %s%s%s", ptext(&e, p, PROBE_F_STARTTLS),
			    p->tls_error, p->tls_alert[0] ? ", alert " : "",
			    p->tls_alert);
		goto out;
	}
	check_add(r, "smtp.starttls", subj, CHECK_PASS, "%s",
	    ptext(s, p, PROBE_F_HANDSHAKE));
	/* versions */
	for (i = 0; i < PROBE_NVER; i++) {
		if (p->versions[i] == PROBE_VER_ACCEPTED) {
			if (i <= PROBE_TLS11)
				old = 1;
			else
				modern = 1;
		} else if (p->versions[i] == PROBE_VER_NOT_TESTED &&
		    i <= PROBE_TLS11) {
			untested_old++;
		}
	}
	if (!modern && strcmp(p->version, "TLSv1.2") >= 0 &&
	    strncmp(p->version, "TLSv1.", 6) == 0)
		modern = 1;	/* the main handshake proves it */
	if (old && !modern)
		check_add(r, "tls.versions", subj, CHECK_FAIL, "only TLS "
		    "1.0/1.1 accepted: %s", ptext(s, p, PROBE_F_VERSIONS));
	else if (old)
		check_add(r, "tls.versions", subj, CHECK_WARN, "deprecated "
		    "versions accepted: %s", ptext(s, p, PROBE_F_VERSIONS));
	else
		check_add(r, "tls.versions", subj, CHECK_PASS, "%s%s",
		    ptext(s, p, PROBE_F_VERSIONS), untested_old ? " (TLS "
		    "1.0/1.1 could not be offered by this build: not "
		    "tested)" : "");
	/* cipher suites */
	for (i = 0; i < p->nciphers; i++)
		if (!p->ciphers[i].fs)
			nonfs++;
	if (p->nciphers == 0)
		check_add(r, "tls.ciphers", subj, CHECK_CNT, "cipher suites "
		    "not enumerated; negotiated: %s",
		    ptext(s, p, PROBE_F_HANDSHAKE));
	else if (nonfs) {
		sbuf_reset(&e);
		for (i = 0; i < p->nciphers; i++)
			if (!p->ciphers[i].fs)
				sbuf_addf(&e, "%s%s", e.len ? " " : "",
				    p->ciphers[i].name);
		sbuf_adds(&e, "; all accepted: ");
		probe_result_text(p, PROBE_F_CIPHERS, &e);
		sbuf_adds(&e, "; groups: ");
		if (p->ngroups)
			probe_result_text(p, PROBE_F_GROUPS, &e);
		else
			sbuf_adds(&e, "not enumerated");
		check_add(r, "tls.ciphers", subj, CHECK_WARN, "%d suite(s) "
		    "without forward secrecy: %s", nonfs, e.data);
		sbuf_reset(&e);
	}
	else
		check_add(r, "tls.ciphers", subj, CHECK_PASS, "all %zu "
		    "accepted suites are forward-secret%s: %s; groups: %s",
		    p->nciphers, p->ciphers_done ? "" : " (enumeration "
		    "incomplete)", ptext(s, p, PROBE_F_CIPHERS),
		    p->ngroups ? ptext(&e, p, PROBE_F_GROUPS) :
		    "not enumerated");
	/* certificate */
	if (p->nchain == 0) {
		check_add(r, "tls.cert.trust", subj, CHECK_CNT, "no "
		    "certificate was presented");
		goto dane;
	}
	check_add(r, "tls.cert.trust", subj, p->trust == PROBE_OK ?
	    CHECK_PASS : p->trust == PROBE_FAIL ? CHECK_FAIL : CHECK_CNT,
	    "%s; chain: %s", ptext(&e, p, PROBE_F_TRUST),
	    ptext(s, p, PROBE_F_CHAIN));
	sbuf_reset(&e);
	if (p->leaf_expired || p->leaf_not_yet_valid)
		check_add(r, "tls.cert.expiry", subj, CHECK_FAIL, "%s%s",
		    p->leaf_expired ? "expired: " : "not yet valid: ",
		    ptext(s, p, PROBE_F_EXPIRY));
	else if (p->leaf_seconds_left < 14 * 86400)
		check_add(r, "tls.cert.expiry", subj, CHECK_WARN, "expires "
		    "in less than 14 days: %s", ptext(s, p, PROBE_F_EXPIRY));
	else
		check_add(r, "tls.cert.expiry", subj, CHECK_PASS, "%s",
		    ptext(s, p, PROBE_F_EXPIRY));
	check_add(r, "tls.cert.name", subj, p->name == PROBE_OK ? CHECK_PASS :
	    p->name == PROBE_FAIL ? CHECK_FAIL : CHECK_CNT, "%s",
	    ptext(s, p, PROBE_F_NAME));
	{
		const struct probe_cert *c = &p->chain[0];
		enum check_status ks = CHECK_PASS;

		if (strcmp(c->key_type, "RSA") == 0 && c->key_bits < 1024)
			ks = CHECK_FAIL;
		else if (strcmp(c->key_type, "RSA") == 0 &&
		    c->key_bits < 2048)
			ks = CHECK_WARN;
		else if (strcmp(c->key_type, "EC") == 0 && c->key_bits < 256)
			ks = CHECK_WARN;
		if (strcasestr(c->sig_alg, "md5") ||
		    strcasestr(c->sig_alg, "md2"))
			ks = CHECK_FAIL;
		else if (strcasestr(c->sig_alg, "sha1") && ks == CHECK_PASS &&
		    !c->self_signed)
			ks = CHECK_WARN;
		check_add(r, "tls.cert.key", subj, ks, "%s",
		    ptext(s, p, PROBE_F_KEY));
	}
	judge_revocation(r, subj, p, &ad->revoc);
dane:
	/* only the RRset a DANE sender would use (RFC 7672 2.2.2-2.2.3):
	 * none when the host's addresses are not secure */
	check_dane_select(m, &dsel);
	if (dsel.use != CHECK_DANE_APPLIES || !tlsa_usable(dsel.tlsa))
		goto out;
	switch (p->dane_state) {
	case PROBE_DANE_MATCH:
		check_add(r, "dane.match", subj, CHECK_PASS, "%s",
		    ptext(s, p, PROBE_F_DANE));
		break;
	case PROBE_DANE_NOMATCH:
		check_add(r, "dane.match", subj, CHECK_FAIL, "no usable TLSA "
		    "record matches the presented chain: %s",
		    ptext(s, p, PROBE_F_DANE));
		break;
	case PROBE_DANE_UNUSABLE:
		check_add(r, "dane.match", subj, CHECK_FAIL, "only unusable "
		    "TLSA records (usages 0/1 are not used for SMTP, RFC 7672 "
		    "3.1.3): %s", ptext(s, p, PROBE_F_DANE));
		break;
	case PROBE_DANE_MALFORMED:
		check_add(r, "dane.match", subj, CHECK_FAIL, "malformed TLSA "
		    "records: %s", ptext(s, p, PROBE_F_DANE));
		break;
	default:
		check_add(r, "dane.match", subj, CHECK_CNT, "not matched: %s",
		    ptext(s, p, PROBE_F_DANE));
		break;
	}
out:
	sbuf_free(&e);
}

static void
judge_spf(const struct check_data *d, struct check_result *r,
    struct sbuf *s)
{
	const struct spf_eval_analysis *a = d->spf;
	const char *sec = d->spf_txt ? dns_sec_name(d->spf_txt->sec) : "?";

	(void)s;
	if (a == NULL) {
		check_add(r, "spf.record", d->domain, CHECK_CNT, "the SPF "
		    "analysis did not run");
		return;
	}
	switch (a->state) {
	case SPF_REC_NONE:
		check_add(r, "spf.record", d->domain, CHECK_FAIL, "no v=spf1 "
		    "TXT record (DNSSEC %s)", sec);
		return;
	case SPF_REC_SEVERAL:
		check_add(r, "spf.record", d->domain, CHECK_FAIL, "several "
		    "v=spf1 records: permerror (RFC 7208 4.5); %s",
		    a->error[0] ? a->error : a->record);
		return;
	case SPF_REC_SYNTAX:
		check_add(r, "spf.record", d->domain, CHECK_FAIL, "syntax "
		    "error (permerror): %s; record: \"%s\"", a->error,
		    a->record);
		break;
	case SPF_REC_TEMPFAIL:
	case SPF_REC_ERROR:
		check_add(r, "spf.record", d->domain, CHECK_CNT, "the SPF "
		    "record could not be fetched: %s", a->error);
		return;
	case SPF_REC_ONE:
		check_add(r, "spf.record", d->domain, CHECK_PASS, "\"%s\" "
		    "(DNSSEC %s)", a->record, sec);
		break;
	}
	if (a->limit != SPF_LIMIT_NONE)
		check_add(r, "spf.lookups", d->domain, CHECK_FAIL, "%s "
		    "(permerror); the whole tree needs %u DNS-querying terms "
		    "(limit 10) and %u void lookups (limit 2); the first term "
		    "over the limit is reached through: %s",
		    a->limit == SPF_LIMIT_LOOKUPS ? "more than 10 DNS lookups" :
		    a->limit == SPF_LIMIT_VOID ? "more than 2 void lookups" :
		    a->limit == SPF_LIMIT_MX ? "an mx term with more than 10 "
		    "MX names" : "include/redirect nesting too deep or a loop",
		    a->lookups, a->void_lookups, a->chain);
	else if (a->includes_error[0])
		check_add(r, "spf.lookups", d->domain, CHECK_WARN, "%u DNS "
		    "lookups, %u void; but: %s", a->lookups, a->void_lookups,
		    a->includes_error);
	else
		check_add(r, "spf.lookups", d->domain, CHECK_PASS, "%u of 10 "
		    "DNS lookups, %u of 2 void lookups%s", a->lookups,
		    a->void_lookups, a->macros_unexpanded ? " (terms with "
		    "macros counted, not followed)" : "");
	if (a->state == SPF_REC_SYNTAX)
		return;
	switch (a->all_qualifier) {
	case '-':
		check_add(r, "spf.all", d->domain, CHECK_PASS, "-all: every "
		    "other sender fails");
		break;
	case '~':
		check_add(r, "spf.all", d->domain, CHECK_WARN, "~all: other "
		    "senders only softfail");
		break;
	case '+':
		check_add(r, "spf.all", d->domain, CHECK_FAIL, "+all: every "
		    "host on the internet is authorised");
		break;
	case '?':
		check_add(r, "spf.all", d->domain, CHECK_FAIL, "?all: other "
		    "senders are neutral, i.e. not rejected");
		break;
	default:
		check_add(r, "spf.all", d->domain, CHECK_FAIL, "no all "
		    "mechanism (and no redirect): other senders get neutral");
		break;
	}
	if (a->uses_ptr)
		check_add(r, "spf.ptr", d->domain, CHECK_WARN, "the ptr "
		    "mechanism (or %%{p} macro) is used");
}

static double
ans_ms(const struct dns_answer *a)
{
	return a ? a->ms : 0;
}

/* The critical path from the measured step times (for bench/check). */
static void
judge_critical(const struct check_data *d, struct check_result *r)
{
	double best = 0, host, addr, t;
	size_t i, j;
	const char *what = "";

	for (i = 0; i < d->nmx; i++) {
		const struct check_mx *m = &d->mxs[i];

		host = ans_ms(m->a);
		if (ans_ms(m->aaaa) > host)
			host = ans_ms(m->aaaa);
		if (ans_ms(m->tlsa) > host)
			host = ans_ms(m->tlsa);
		/* the alias lookups wait for the address answers */
		host += ans_ms(m->tlsa_target) + ans_ms(m->cname);
		addr = 0;
		for (j = 0; j < m->naddr; j++) {
			t = m->addr[j].probe ? m->addr[j].probe->total_ms : 0;
			if (ans_ms(m->addr[j].ptr) + ans_ms(m->addr[j].ptr_fwd)
			    > t)
				t = ans_ms(m->addr[j].ptr) +
				    ans_ms(m->addr[j].ptr_fwd);
			if (t > addr)
				addr = t;
		}
		t = ans_ms(d->mx) + ans_ms(d->dom_a) + host + addr;
		if (t > best) {
			best = t;
			what = "MX -> host lookups -> slowest address probe";
		}
	}
	if (d->ms_spf > best) {
		best = d->ms_spf;
		what = "SPF include tree";
	}
	if (d->ms_dmarc > best) {
		best = d->ms_dmarc;
		what = "DMARC lookups";
	}
	if (d->ms_sts > best) {
		best = d->ms_sts;
		what = "MTA-STS record, address and policy fetch";
	}
	r->ms_critical = best;
	str_copy(r->critical_chain, what, sizeof(r->critical_chain));
}

struct check_result *
check_judge(const struct check_data *d, const struct check_opts *o)
{
	struct check_result *r = check_result_new(d->domain);
	struct sbuf s;
	size_t i, j;

	sbuf_init(&s, 16384);
	judge_mx(d, r, &s);
	for (i = 0; i < d->nmx; i++) {
		judge_host_dns(&d->mxs[i], r, &s);
		judge_tlsa(&d->mxs[i], r, &s);
		for (j = 0; j < d->mxs[i].naddr; j++)
			judge_addr(&d->mxs[i], &d->mxs[i].addr[j], r, &s);
	}
	judge_spf(d, r, &s);
	check_judge_policy(d, o, r);
	sbuf_free(&s);
	r->ms_total = d->ms_total;
	judge_critical(d, r);
	check_sort(r);
	return r;
}
