/* check_policy: the domain's policy records: MTA-STS (RFC 8461), TLS-RPT
 * (RFC 8460), DMARC (RFC 7489) with the organisational-domain fallback,
 * and DKIM keys (RFC 6376). Gathering (DNS, HTTPS) and judging (pure, on
 * lib/mail's parsers). Touches: lib/dns, lib/http (gather only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/dkimkey.h"
#include "mail/dmarc.h"
#include "mail/mtasts.h"
#include "mail/psl.h"
#include "mail/tlsrpt.h"
#include "responder/check.h"
#include "util/mem.h"
#include "util/str.h"

void	 check_gather_dmarc(struct dns *, const struct check_opts *,
	    struct check_data *);
void	 check_gather_sts(struct dns *, const struct check_opts *,
	    struct check_data *);
void	 check_judge_policy(const struct check_data *,
	    const struct check_opts *, struct check_result *);

static int
sts_count(const struct dns_answer *a, size_t *idx)
{
	size_t i, n = 0;

	if (a == NULL || a->status != DNS_OK)
		return 0;
	for (i = 0; i < a->nrr; i++)
		if (mtasts_txt_is_record(a->rr[i].txt, a->rr[i].txt_len))
			if (n++ == 0)
				*idx = i;
	return (int)n;
}

static int
sts_has_record(const struct dns_answer *a)
{
	size_t idx;

	return sts_count(a, &idx) > 0;
}

static struct dns_answer *
q_fmt(struct dns *dns, uint16_t type, const char *fmt, const char *a,
    const char *b)
{
	char name[DNS_NAME_MAX * 2];
	struct sbuf s;

	sbuf_init(&s, sizeof(name) - 1);
	sbuf_addf(&s, fmt, a, b ? b : "");
	str_copy(name, s.data ? s.data : "", sizeof(name));
	sbuf_free(&s);
	return dns_query(dns, name, type);
}

void
check_gather_sts(struct dns *dns, const struct check_opts *o,
    struct check_data *d)
{
	const char *addrs[2 * CHECK_MAX_ADDR];
	struct http_req rq;
	char host[DNS_NAME_MAX + 16], url[DNS_NAME_MAX + 64];
	size_t n = 0, i;
	struct sbuf s;

	d->sts_txt = q_fmt(dns, DNS_T_TXT, "_mta-sts.%s%s", d->domain, NULL);
	if (!sts_has_record(d->sts_txt))
		return;
	/* RFC 8461 3.3: the policy host; resolved by our validating
	 * resolver and pinned, so curl does no DNS of its own */
	sbuf_init(&s, sizeof(url) - 1);
	sbuf_addf(&s, "mta-sts.%s", d->domain);
	str_copy(host, s.data ? s.data : "", sizeof(host));
	sbuf_reset(&s);
	sbuf_addf(&s, "https://%s/.well-known/mta-sts.txt", host);
	str_copy(url, s.data ? s.data : "", sizeof(url));
	sbuf_free(&s);
	d->sts_a = dns_query(dns, host, DNS_T_A);
	if (o->ipv6)
		d->sts_aaaa = dns_query(dns, host, DNS_T_AAAA);
	if (d->sts_a->status == DNS_OK && d->sts_a->sec != DNS_SEC_BOGUS)
		for (i = 0; i < d->sts_a->nrr && n < CHECK_MAX_ADDR; i++)
			addrs[n++] = d->sts_a->rr[i].addr;
	if (d->sts_aaaa && d->sts_aaaa->status == DNS_OK &&
	    d->sts_aaaa->sec != DNS_SEC_BOGUS)
		for (i = 0; i < d->sts_aaaa->nrr && n < 2 * CHECK_MAX_ADDR;
		    i++)
			addrs[n++] = d->sts_aaaa->rr[i].addr;
	if (n == 0)
		return;		/* judged from sts_a / sts_aaaa */
	memset(&rq, 0, sizeof(rq));
	rq.url = url;
	rq.host = host;
	rq.addrs = addrs;
	rq.naddrs = n;
	rq.ca_file = o->ca_file;
	rq.timeout_ms = o->timeout_ms;
	rq.max_body = 64 * 1024;	/* RFC 8461 3.3: 64 KiB */
	http_get(&rq, &d->sts_http);
	d->sts_fetched = 1;
}

/* The organisational domain (RFC 7489 3.2) of name into out. */
static void
org_domain(const struct check_opts *o, const char *name, char *out,
    size_t outsz)
{
	/* without a list (or for a public suffix itself): the name */
	if (o->psl == NULL || psl_org_domain(o->psl, name, out, outsz) != 0)
		str_copy(out, name, outsz);
}

static int
same_org(const struct check_opts *o, const char *a, const char *b)
{
	char oa[DNS_NAME_MAX], ob[DNS_NAME_MAX];

	org_domain(o, a, oa, sizeof(oa));
	org_domain(o, b, ob, sizeof(ob));
	return strcasecmp(oa, ob) == 0;
}

/* The one DMARC record of an answer: 1 found (index in *idx), 0 none,
 * 2 several. */
static int
dmarc_pick(const struct dns_answer *a, size_t *idx)
{
	size_t i, n = 0;

	if (a == NULL || a->status != DNS_OK)
		return 0;
	for (i = 0; i < a->nrr; i++)
		if (dmarc_is_record(a->rr[i].txt, a->rr[i].txt_len)) {
			if (n++ == 0)
				*idx = i;
		}
	return n > 1 ? 2 : (int)n;
}

void
check_gather_dmarc(struct dns *dns, const struct check_opts *o,
    struct check_data *d)
{
	const struct dns_answer *use;
	const char *policy_domain = d->domain;
	struct dmarc_record rec;
	char err[256];
	size_t idx = 0, i;

	d->dmarc = q_fmt(dns, DNS_T_TXT, "_dmarc.%s%s", d->domain, NULL);
	use = d->dmarc;
	org_domain(o, d->domain, d->org_domain, sizeof(d->org_domain));
	if (dmarc_pick(d->dmarc, &idx) == 0 &&
	    (d->dmarc->status == DNS_OK || d->dmarc->status == DNS_NODATA ||
	    d->dmarc->status == DNS_NXDOMAIN) &&
	    strcasecmp(d->org_domain, d->domain) != 0) {
		/* RFC 7489 6.6.3: fall back to the organisational domain */
		d->dmarc_org = q_fmt(dns, DNS_T_TXT, "_dmarc.%s%s",
		    d->org_domain, NULL);
		use = d->dmarc_org;
		policy_domain = d->org_domain;
	}
	if (dmarc_pick(use, &idx) != 1)
		return;
	if (dmarc_parse(use->rr[idx].txt, use->rr[idx].txt_len, &rec, err,
	    sizeof(err)) != 0)
		return;
	for (i = 0; i < rec.nrua + rec.nruf && d->nauth < 8; i++) {
		const struct dmarc_uri *u = i < rec.nrua ? &rec.rua[i] :
		    &rec.ruf[i - rec.nrua];
		char name[DNS_NAME_MAX * 2];
		size_t k;

		if (strcmp(u->scheme, "mailto") != 0 || u->domain[0] == '\0' ||
		    same_org(o, u->domain, policy_domain))
			continue;
		for (k = 0; k < d->nauth; k++)
			if (strcasecmp(d->auth_dest[k], u->domain) == 0)
				break;
		if (k < d->nauth)
			continue;
		if (dmarc_report_auth_name(policy_domain, u->domain, name,
		    sizeof(name)) != 0)
			continue;
		str_copy(d->auth_dest[d->nauth], u->domain,
		    sizeof(d->auth_dest[0]));
		d->auth[d->nauth++] = dns_query(dns, name, DNS_T_TXT);
	}
}

static void
judge_dmarc(const struct check_data *d, const struct check_opts *o,
    struct check_result *r)
{
	const struct dns_answer *use = d->dmarc_org ? d->dmarc_org : d->dmarc;
	const char *where = d->dmarc_org ? d->org_domain : d->domain;
	struct dmarc_record rec;
	enum dmarc_policy pol;
	char err[256];
	size_t idx = 0, i, k, ext = 0;
	int n;

	if (use == NULL)
		return;
	if (use->sec == DNS_SEC_BOGUS || use->status == DNS_TEMPFAIL ||
	    use->status == DNS_FAILURE || use->status == DNS_MALFORMED) {
		check_add(r, "dmarc.record", d->domain, CHECK_CNT, "the lookup "
		    "of _dmarc.%s failed: %s, DNSSEC %s%s%s", where,
		    dns_status_name(use->status), dns_sec_name(use->sec),
		    use->why ? ": " : "", use->why ? use->why : "");
		return;
	}
	n = dmarc_pick(use, &idx);
	if (n == 0) {
		check_add(r, "dmarc.record", d->domain, CHECK_FAIL, "no "
		    "v=DMARC1 record at _dmarc.%s%s%s (%s)%s%s", d->domain,
		    d->dmarc_org ? " nor at the organisational domain's "
		    "_dmarc." : "", d->dmarc_org ? d->org_domain : "",
		    dns_status_name(use->status), o->psl ? "" :
		    "; no organisational-domain fallback: ",
		    o->psl ? "" : (o->psl_error ? o->psl_error :
		    "no public suffix list"));
		return;
	}
	if (n == 2) {
		check_add(r, "dmarc.record", d->domain, CHECK_FAIL, "several "
		    "v=DMARC1 records at _dmarc.%s: receivers apply none "
		    "(RFC 7489 6.6.3)", where);
		return;
	}
	if (dmarc_parse(use->rr[idx].txt, use->rr[idx].txt_len, &rec, err,
	    sizeof(err)) != 0) {
		check_add(r, "dmarc.record", d->domain, CHECK_FAIL, "syntax "
		    "error: %s; record at _dmarc.%s: \"%s\"", err, where,
		    use->rr[idx].txt);
		return;
	}
	check_add(r, "dmarc.record", d->domain, CHECK_PASS, "\"%s\" at "
	    "_dmarc.%s%s (DNSSEC %s)", use->rr[idx].txt, where,
	    d->dmarc_org ? " (organisational domain)" : "",
	    dns_sec_name(use->sec));
	/* RFC 7489 6.3: a subdomain found through the organisational
	 * domain gets sp= when given */
	pol = d->dmarc_org && rec.sp != DMARC_P_UNSET ? rec.sp : rec.p;
	if (pol == DMARC_P_NONE)
		check_add(r, "dmarc.policy", d->domain, CHECK_WARN, "p=none: "
		    "monitoring only, forged mail is delivered");
	else if (rec.pct < 100)
		check_add(r, "dmarc.policy", d->domain, CHECK_WARN, "%s=%s "
		    "but pct=%d: only part of the failing mail is affected",
		    pol == rec.sp && d->dmarc_org ? "sp" : "p",
		    dmarc_policy_name(pol), rec.pct);
	else
		check_add(r, "dmarc.policy", d->domain, CHECK_PASS, "%s=%s%s",
		    pol == rec.sp && d->dmarc_org ? "sp" : "p",
		    dmarc_policy_name(pol), rec.sp != DMARC_P_UNSET &&
		    !d->dmarc_org ? "" : "");
	for (k = 0; k < d->nauth; k++) {
		const struct dns_answer *a = d->auth[k];

		ext++;
		if (a && (a->status == DNS_TEMPFAIL || a->status ==
		    DNS_FAILURE || a->sec == DNS_SEC_BOGUS))
			check_add(r, "dmarc.rua", d->domain, CHECK_CNT, "could "
			    "not look up the authorisation of %s: %s",
			    d->auth_dest[k], dns_status_name(a->status));
		else if (a && dmarc_pick(a, &i) >= 1)
			check_add(r, "dmarc.rua", d->domain, CHECK_INFO,
			    "external destination %s authorised (%s)",
			    d->auth_dest[k], a->qname);
		else
			check_add(r, "dmarc.rua", d->domain, CHECK_WARN,
			    "external report destination %s is not "
			    "authorised: no v=DMARC1 at %s", d->auth_dest[k],
			    a ? a->qname : "?");
	}
	if (ext == 0)
		check_add(r, "dmarc.rua", d->domain, CHECK_INFO, "%s",
		    rec.nrua ? "aggregate reports go to the domain's own "
		    "organisation" : "no rua=: no aggregate reports are "
		    "requested");
}

static int
dns_broken(const struct dns_answer *a)
{
	return a == NULL || a->sec == DNS_SEC_BOGUS ||
	    a->status == DNS_TEMPFAIL || a->status == DNS_FAILURE ||
	    a->status == DNS_MALFORMED;
}

static void
judge_sts(const struct check_data *d, struct check_result *r)
{
	const struct dns_answer *t = d->sts_txt;
	const struct http_resp *h = &d->sts_http;
	struct mtasts_policy pol;
	struct mtasts_txt txt;
	char err[256];
	struct sbuf s;
	size_t idx = 0, i, bad = 0;
	int n;

	if (t == NULL)
		return;
	if (dns_broken(t)) {
		check_add(r, "mtasts.record", d->domain, CHECK_CNT, "the "
		    "lookup of _mta-sts.%s failed: %s, DNSSEC %s%s%s",
		    d->domain, dns_status_name(t->status),
		    dns_sec_name(t->sec), t->why ? ": " : "",
		    t->why ? t->why : "");
		return;
	}
	n = sts_count(t, &idx);
	if (n == 0) {
		check_add(r, "mtasts.record", d->domain, CHECK_INFO, "no "
		    "MTA-STS: no v=STSv1 TXT at _mta-sts.%s (%s)", d->domain,
		    dns_status_name(t->status));
		return;
	}
	if (n > 1) {
		check_add(r, "mtasts.record", d->domain, CHECK_FAIL, "%d "
		    "v=STSv1 records at _mta-sts.%s: senders treat this as "
		    "no policy (RFC 8461 3.1)", n, d->domain);
		return;
	}
	if (mtasts_txt_parse(t->rr[idx].txt, t->rr[idx].txt_len, &txt, err,
	    sizeof(err)) != 0) {
		check_add(r, "mtasts.record", d->domain, CHECK_FAIL, "syntax "
		    "error: %s; record: \"%s\"", err, t->rr[idx].txt);
		return;
	}
	check_add(r, "mtasts.record", d->domain, CHECK_PASS, "\"%s\" "
	    "(id %s, DNSSEC %s)", t->rr[idx].txt, txt.id,
	    dns_sec_name(t->sec));
	/* the policy */
	if (!d->sts_fetched) {
		const struct dns_answer *a = d->sts_a;

		if (dns_broken(a))
			check_add(r, "mtasts.policy", d->domain, CHECK_CNT,
			    "the address of mta-sts.%s could not be looked "
			    "up: %s", d->domain, a ? dns_status_name(a->status)
			    : "not looked up");
		else
			check_add(r, "mtasts.policy", d->domain, CHECK_FAIL,
			    "mta-sts.%s has no address (%s): the policy "
			    "cannot be fetched", d->domain,
			    dns_status_name(a->status));
		return;
	}
	sbuf_init(&s, 1024);
	sbuf_addf(&s, "GET https://mta-sts.%s/.well-known/mta-sts.txt: ",
	    d->domain);
	if (!h->ok && h->status == 0 && strstr(h->error, "timed out")) {
		check_add(r, "mtasts.policy", d->domain, CHECK_CNT, "%s%s",
		    s.data, h->error);
		goto out;
	}
	if (!h->ok && !h->too_big && h->status == 0) {
		check_add(r, "mtasts.policy", d->domain, CHECK_FAIL, "%sfetch "
		    "failed: %s", s.data, h->error);
		goto out;
	}
	if (h->status >= 300 && h->status < 400) {
		check_add(r, "mtasts.policy", d->domain, CHECK_FAIL, "%s"
		    "HTTP %ld redirect to %s: redirects must not be followed "
		    "(RFC 8461 3.3)", s.data, h->status,
		    h->location[0] ? h->location : "(no Location)");
		goto out;
	}
	if (h->status != 200) {
		check_add(r, "mtasts.policy", d->domain, CHECK_FAIL, "%sHTTP "
		    "%ld, not 200", s.data, h->status);
		goto out;
	}
	if (h->too_big) {
		check_add(r, "mtasts.policy", d->domain, CHECK_FAIL, "%sthe "
		    "policy is larger than 64 KiB", s.data);
		goto out;
	}
	if (!str_has_prefix_ci(h->content_type, "text/plain") ||
	    (h->content_type[10] != '\0' && h->content_type[10] != ';' &&
	    h->content_type[10] != ' ')) {
		check_add(r, "mtasts.policy", d->domain, CHECK_FAIL, "%s"
		    "Content-Type \"%s\", not text/plain (RFC 8461 3.2)",
		    s.data, h->content_type);
		goto out;
	}
	if (mtasts_policy_parse(h->body, h->body_len, &pol, err,
	    sizeof(err)) != 0) {
		check_add(r, "mtasts.policy", d->domain, CHECK_FAIL, "%s"
		    "syntax error: %s; policy: \"%.300s\"", s.data, err,
		    h->body);
		goto out;
	}
	sbuf_reset(&s);
	for (i = 0; i < pol.nmx; i++)
		sbuf_addf(&s, "%s%s", i ? ", " : "", pol.mx[i]);
	check_add(r, "mtasts.policy", d->domain, CHECK_PASS, "HTTP 200 "
	    "text/plain, %zu octets in %.0f ms; mode %s, max_age %u%s, "
	    "mx: %s", h->body_len, h->ms, mtasts_mode_name(pol.mode),
	    pol.max_age, pol.max_age < 86400 ? " (less than a day: RFC "
	    "8461 3.2 suggests weeks)" : "", s.data ? s.data : "");
	switch (pol.mode) {
	case MTASTS_MODE_ENFORCE:
		check_add(r, "mtasts.mode", d->domain, CHECK_PASS, "mode: "
		    "enforce");
		break;
	case MTASTS_MODE_TESTING:
		check_add(r, "mtasts.mode", d->domain, CHECK_WARN, "mode: "
		    "testing (failures are only reported)");
		break;
	default:
		check_add(r, "mtasts.mode", d->domain, CHECK_INFO, "mode: "
		    "none (the policy is withdrawn)");
		goto out;
	}
	if (d->nmx == 0)
		goto out;
	sbuf_reset(&s);
	for (i = 0; i < d->nmx; i++)
		if (mtasts_policy_match(&pol, d->mxs[i].name) < 0) {
			sbuf_addf(&s, "%s%s", bad++ ? ", " : "",
			    d->mxs[i].name);
		}
	if (bad) {
		char *names = sbuf_take(&s);
		struct sbuf m;

		sbuf_init(&m, 4096);
		for (i = 0; i < pol.nmx; i++)
			sbuf_addf(&m, "%s%s", i ? ", " : "", pol.mx[i]);
		check_add(r, "mtasts.mx", d->domain, CHECK_FAIL, "MX %s not "
		    "matched by any policy mx pattern (%s): enforcing "
		    "senders will not deliver there", names,
		    m.data ? m.data : "none");
		sbuf_free(&m);
		free(names);
	} else {
		check_add(r, "mtasts.mx", d->domain, CHECK_PASS, "all %zu MX "
		    "hosts matched by the policy", d->nmx);
	}
out:
	sbuf_free(&s);
}

static void
judge_dkim(const struct check_data *d, struct check_result *r);
static void
judge_tlsrpt(const struct check_data *d, struct check_result *r);

/* The DNSSEC state of every policy RRset looked up, in one finding. */
static void
judge_records_sec(const struct check_data *d, struct check_result *r)
{
	const struct dns_answer *a[6 + CHECK_MAX_SEL];
	size_t n = 0, i, bogus = 0, secure = 0, other = 0;
	struct sbuf s;

	a[n++] = d->spf_txt;
	a[n++] = d->dmarc_org ? d->dmarc_org : d->dmarc;
	a[n++] = d->sts_txt;
	a[n++] = d->tlsrpt;
	for (i = 0; i < d->nsel; i++)
		a[n++] = d->dkim[i];
	sbuf_init(&s, 8192);
	for (i = 0; i < n; i++) {
		if (a[i] == NULL)
			continue;
		sbuf_addf(&s, "%s%s %s: %s, %s", s.len ? "; " : "",
		    dns_type_name(a[i]->qtype), a[i]->qname,
		    dns_status_name(a[i]->status), dns_sec_name(a[i]->sec));
		if (a[i]->sec == DNS_SEC_BOGUS) {
			bogus++;
			sbuf_addf(&s, " (%s)", a[i]->why ? a[i]->why : "?");
		} else if (a[i]->sec == DNS_SEC_SECURE) {
			secure++;
		} else {
			other++;
		}
	}
	if (s.len == 0) {
		sbuf_free(&s);
		return;
	}
	check_add(r, "dnssec.records", d->domain, bogus ? CHECK_FAIL :
	    other == 0 ? CHECK_PASS : secure == 0 ? CHECK_WARN : CHECK_INFO,
	    "%s", s.data);
	sbuf_free(&s);
}

void
check_judge_policy(const struct check_data *d, const struct check_opts *o,
    struct check_result *r)
{
	judge_records_sec(d, r);
	judge_sts(d, r);
	judge_tlsrpt(d, r);
	judge_dmarc(d, o, r);
	judge_dkim(d, r);
}

static void
judge_tlsrpt(const struct check_data *d, struct check_result *r)
{
	const struct dns_answer *t = d->tlsrpt;
	struct tlsrpt_record rec;
	char err[256];
	size_t i, idx = 0, n = 0;

	if (t == NULL)
		return;
	if (dns_broken(t)) {
		check_add(r, "tlsrpt.record", d->domain, CHECK_CNT, "the "
		    "lookup of _smtp._tls.%s failed: %s, DNSSEC %s%s%s",
		    d->domain, dns_status_name(t->status),
		    dns_sec_name(t->sec), t->why ? ": " : "",
		    t->why ? t->why : "");
		return;
	}
	for (i = 0; t->status == DNS_OK && i < t->nrr; i++)
		if (tlsrpt_is_record(t->rr[i].txt, t->rr[i].txt_len))
			if (n++ == 0)
				idx = i;
	if (n == 0) {
		check_add(r, "tlsrpt.record", d->domain, CHECK_INFO, "no "
		    "v=TLSRPTv1 TXT at _smtp._tls.%s (%s)", d->domain,
		    dns_status_name(t->status));
		return;
	}
	if (n > 1) {
		check_add(r, "tlsrpt.record", d->domain, CHECK_FAIL, "%zu "
		    "v=TLSRPTv1 records at _smtp._tls.%s: senders use none "
		    "(RFC 8460 3)", n, d->domain);
		return;
	}
	if (tlsrpt_parse(t->rr[idx].txt, t->rr[idx].txt_len, &rec, err,
	    sizeof(err)) != 0) {
		check_add(r, "tlsrpt.record", d->domain, CHECK_FAIL, "syntax "
		    "error: %s; record: \"%s\"", err, t->rr[idx].txt);
		return;
	}
	check_add(r, "tlsrpt.record", d->domain, CHECK_PASS, "\"%s\" "
	    "(%zu report destination(s), DNSSEC %s)", t->rr[idx].txt,
	    rec.nrua, dns_sec_name(t->sec));
}

static void
judge_dkim(const struct check_data *d, struct check_result *r)
{
	size_t i;

	if (d->nsel == 0) {
		check_add(r, "dkim.key", d->domain, CHECK_CNT, "no DKIM "
		    "selector given (--dkim-selector): selectors are not "
		    "guessed");
		return;
	}
	for (i = 0; i < d->nsel; i++) {
		const struct dns_answer *a = d->dkim[i];
		char subj[DNS_NAME_MAX + 80], err[256], firsterr[256];
		struct dkimkey k;
		enum check_status st;
		size_t j, ok = (size_t)-1;

		snprintf(subj, sizeof(subj), "%s selector %s", d->domain,
		    d->sel[i]);
		if (dns_broken(a)) {
			check_add(r, "dkim.key", subj, CHECK_CNT, "the lookup "
			    "of %s failed: %s, DNSSEC %s%s%s", a ? a->qname :
			    "?", a ? dns_status_name(a->status) : "-",
			    a ? dns_sec_name(a->sec) : "-",
			    a && a->why ? ": " : "", a && a->why ? a->why : "");
			continue;
		}
		if (a->status != DNS_OK || a->nrr == 0) {
			check_add(r, "dkim.key", subj, CHECK_FAIL, "no key "
			    "record at %s (%s)", a->qname,
			    dns_status_name(a->status));
			continue;
		}
		firsterr[0] = '\0';
		for (j = 0; j < a->nrr; j++) {
			if (dkimkey_parse(a->rr[j].txt, a->rr[j].txt_len, &k,
			    err, sizeof(err)) == 0) {
				ok = j;
				break;
			}
			if (firsterr[0] == '\0')
				str_copy(firsterr, err, sizeof(firsterr));
		}
		if (ok == (size_t)-1) {
			check_add(r, "dkim.key", subj, CHECK_FAIL, "syntax "
			    "error: %s; record at %s: \"%.200s\"", firsterr,
			    a->qname, a->rr[0].txt);
			continue;
		}
		if (k.revoked) {
			check_add(r, "dkim.key", subj, CHECK_FAIL, "the key "
			    "is revoked (empty p=) at %s", a->qname);
			continue;
		}
		if (k.type == DKIMKEY_ED25519)
			st = CHECK_PASS;
		else if (k.bits < 1024)
			st = CHECK_FAIL;
		else if (k.bits < 2048)
			st = CHECK_WARN;
		else
			st = CHECK_PASS;
		if (k.testing && st == CHECK_PASS)
			st = CHECK_WARN;
		check_add(r, "dkim.key", subj, st, "%s %u bits at %s%s%s "
		    "(DNSSEC %s)", k.type == DKIMKEY_ED25519 ? "Ed25519" :
		    "RSA", k.type == DKIMKEY_ED25519 ? 256 : k.bits,
		    a->qname, k.testing ? ", t=y (testing: receivers treat "
		    "failures as unsigned)" : "", k.bits && k.bits < 1024 &&
		    k.type == DKIMKEY_RSA ? ", below the 1024-bit minimum "
		    "of RFC 8301" : "", dns_sec_name(a->sec));
	}
}
