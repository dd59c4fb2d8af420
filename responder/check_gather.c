/* check_gather: every lookup, probe and fetch of one domain's inbound
 * check, run concurrently: one thread per independent chain (MX -> each
 * host -> its A, AAAA, TLSA -> each address's probe and PTR; SPF; DMARC;
 * MTA-STS; TLS-RPT; DKIM), so the time is the longest chain, not the sum.
 * Connections to one IP address are serialised (polite).
 * Touches: lib/dns, lib/tls/probe, lib/http (network). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>

#include "mail/spf_eval.h"
#include "responder/check.h"
#include "tls/probe.h"
#include "util/mem.h"
#include "util/str.h"

#define REVOC_MAX	(2 * CHECK_MAX_MX * CHECK_MAX_ADDR)
#define OCSP_MAX_BODY	(1024 * 1024)
#define CRL_MAX_BODY	(10 * 1024 * 1024)

struct revoc_entry {
	unsigned char	 sha256[32];
	int		 done;
	struct check_revoc r;
};

struct gctx {
	struct dns		*dns;
	const struct check_opts	*o;
	struct check_data	*d;
	/* one lock per probed address: politeness */
	pthread_mutex_t		 ipmu;
	size_t			 nip;
	char			 ip[4 * CHECK_MAX_MX * CHECK_MAX_ADDR][48];
	int			 ipbusy[4 * CHECK_MAX_MX * CHECK_MAX_ADDR];
	pthread_cond_t		 ipcv;
	/* revocation, once per distinct leaf (by SHA-256) */
	pthread_mutex_t		 rvmu;
	pthread_cond_t		 rvcv;
	size_t			 nrv;
	struct revoc_entry	*rv;	/* REVOC_MAX entries */
};

/* --- a tiny "run these concurrently and wait" helper --- */
typedef void (*par_fn)(void *);
struct par {
	size_t		 n;
	pthread_t	 t[64];
	int		 started[64];
	par_fn		 fn[64];
	void		*arg[64];
};

static void *
par_tramp(void *arg)
{
	void **p = arg;
	par_fn fn = (par_fn)(uintptr_t)p[0];

	fn(p[1]);
	free(p);
	return NULL;
}

static void
par_add(struct par *p, par_fn fn, void *arg)
{
	pthread_attr_t at;
	void **box;

	if (p->n >= 64) {	/* cannot happen with the CHECK_MAX_* caps */
		fn(arg);
		return;
	}
	box = xcalloc(2, sizeof(void *));
	box[0] = (void *)(uintptr_t)fn;
	box[1] = arg;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 1024 * 1024);
	p->fn[p->n] = fn;
	p->arg[p->n] = arg;
	if (pthread_create(&p->t[p->n], &at, par_tramp, box) != 0) {
		free(box);
		fn(arg);	/* no thread: run it here */
		p->started[p->n] = 0;
	} else {
		p->started[p->n] = 1;
	}
	pthread_attr_destroy(&at);
	p->n++;
}

static void
par_wait(struct par *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->started[i])
			pthread_join(p->t[i], NULL);
	p->n = 0;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
strip_dot(char *s)
{
	size_t l = strlen(s);

	if (l > 1 && s[l - 1] == '.')
		s[l - 1] = '\0';
}

/* --- SPF: the evaluator's DNS callback on our resolver --- */
static int
spf_lookup(void *ctx, const char *name, int rrtype,
    struct spf_dns_answer *out)
{
	struct gctx *g = ctx;
	struct dns_answer *a;
	unsigned char bin[16];
	char nm[DNS_NAME_MAX];
	size_t i;

	a = dns_query(g->dns, name, (uint16_t)rrtype);
	if (a->sec == DNS_SEC_BOGUS) {
		out->status = SPF_DNS_TEMPFAIL;
		str_copy(out->why, "DNSSEC bogus", sizeof(out->why));
		dns_answer_free(a);
		return 0;
	}
	switch (a->status) {
	case DNS_OK:
		out->status = SPF_DNS_OK;
		break;
	case DNS_NXDOMAIN:
		out->status = SPF_DNS_NXDOMAIN;
		break;
	case DNS_NODATA:
		out->status = SPF_DNS_NODATA;
		break;
	case DNS_TEMPFAIL:
		out->status = SPF_DNS_TEMPFAIL;
		break;
	default:
		out->status = SPF_DNS_ERROR;
		break;
	}
	if (a->why)
		str_copy(out->why, a->why, sizeof(out->why));
	for (i = 0; i < a->nrr && out->status == SPF_DNS_OK; i++) {
		struct dns_rr *r = &a->rr[i];

		switch (rrtype) {
		case SPF_DNS_T_TXT:
			spf_eval_answer_add_txt(out, r->txt, r->txt_len);
			break;
		case SPF_DNS_T_MX:
		case SPF_DNS_T_PTR:
			str_copy(nm, r->name, sizeof(nm));
			strip_dot(nm);
			spf_eval_answer_add_name(out, nm, r->pref);
			break;
		case SPF_DNS_T_A:
			if (inet_pton(AF_INET, r->addr, bin) == 1)
				spf_eval_answer_add_addr(out, AF_INET, bin);
			break;
		case SPF_DNS_T_AAAA:
			if (inet_pton(AF_INET6, r->addr, bin) == 1)
				spf_eval_answer_add_addr(out, AF_INET6, bin);
			break;
		}
	}
	dns_answer_free(a);
	return 0;
}

static void
task_spf(void *arg)
{
	struct gctx *g = arg;
	struct spf_dns_ops ops = { spf_lookup };
	struct spf_eval_analysis *an = xcalloc(1, sizeof(*an));
	double t0 = now_ms();

	spf_eval_analyze(&ops, g, g->d->domain, an);
	g->d->spf = an;
	g->d->ms_spf = now_ms() - t0;
}

static void
task_spf_txt(void *arg)
{
	struct gctx *g = arg;

	g->d->spf_txt = dns_query(g->dns, g->d->domain, DNS_T_TXT);
}

/* --- per address: probe (serialised per IP) and reverse DNS --- */
struct addr_job {
	struct gctx		*g;
	struct check_mx		*mx;
	struct check_addr	*ad;
};

/* Politeness: at most o->per_ip probes of one address at a time (two MX
 * names may share an address). Returns the slot to release. */
static int
ip_acquire(struct gctx *g, const char *ip)
{
	int max = g->o->per_ip > 0 ? g->o->per_ip : 1;
	size_t i;
	int k = -1;

	pthread_mutex_lock(&g->ipmu);
	for (i = 0; i < g->nip; i++)
		if (strcmp(g->ip[i], ip) == 0)
			k = (int)i;
	if (k < 0 && g->nip < sizeof(g->ip) / sizeof(g->ip[0])) {
		str_copy(g->ip[g->nip], ip, sizeof(g->ip[0]));
		k = (int)g->nip++;
	}
	if (k >= 0) {
		while (g->ipbusy[k] >= max)
			pthread_cond_wait(&g->ipcv, &g->ipmu);
		g->ipbusy[k]++;
	}
	pthread_mutex_unlock(&g->ipmu);
	return k;
}

static void
ip_release(struct gctx *g, int k)
{
	if (k < 0)
		return;
	pthread_mutex_lock(&g->ipmu);
	g->ipbusy[k]--;
	pthread_cond_broadcast(&g->ipcv);
	pthread_mutex_unlock(&g->ipmu);
}

static void	 revoc_for(struct gctx *, struct check_addr *);

static void
task_probe(void *arg)
{
	struct addr_job *j = arg;
	struct probe_tlsa tl[32];
	struct probe_req rq;
	struct check_dane_sel sel;
	const struct dns_answer *t;
	size_t i, n = 0;
	int k;

	memset(&rq, 0, sizeof(rq));
	rq.ip = j->ad->ip;
	rq.port = j->g->o->port;
	rq.mx_name = j->mx->name;
	rq.timeout_ms = (int)j->g->o->timeout_ms;
	rq.ca_file = j->g->o->ca_file;
	rq.enumerate = j->g->o->enumerate;
	/* RFC 7672 2.2.2-2.2.3: only the DNSSEC-secure TLSA RRset of the
	 * TLSA base domain, and only when the host's addresses were
	 * obtained securely. The name checks (DANE-TA, WebPKI) still use
	 * the MX name only: the probe takes one reference identifier. */
	check_dane_select(j->mx, &sel);
	t = sel.use == CHECK_DANE_APPLIES ? sel.tlsa : NULL;
	if (t && t->status == DNS_OK && t->sec == DNS_SEC_SECURE) {
		for (i = 0; i < t->nrr && n < 32; i++, n++) {
			tl[n].usage = t->rr[i].usage;
			tl[n].selector = t->rr[i].selector;
			tl[n].mtype = t->rr[i].mtype;
			tl[n].data = t->rr[i].assoc;
			tl[n].len = t->rr[i].assoc_len;
		}
		rq.tlsa = tl;
		rq.ntlsa = n;
	}
	k = ip_acquire(j->g, j->ad->ip);
	j->ad->probe = probe_run(&rq);
	ip_release(j->g, k);
	revoc_for(j->g, j->ad);
}

/* --- revocation: the AIA OCSP responder and the CRL distribution
 * points of a leaf, over plain http, only to addresses our resolver
 * returned for the URL's host name --- */
static size_t
revoc_resolve(struct gctx *g, const char *host, char addrs[][48],
    const char **addrp, size_t max, char *why, size_t whysz)
{
	struct dns_answer *a;
	uint16_t types[2] = { DNS_T_A, DNS_T_AAAA };
	size_t n = 0, i, t;

	why[0] = '\0';
	for (t = 0; t < 2; t++) {
		if (t == 1 && !g->o->ipv6)
			break;
		a = dns_query(g->dns, host, types[t]);
		if (a->status == DNS_OK && a->sec != DNS_SEC_BOGUS) {
			for (i = 0; i < a->nrr && n < max; i++) {
				str_copy(addrs[n], a->rr[i].addr, 48);
				addrp[n] = addrs[n];
				n++;
			}
		} else if (why[0] == '\0' || a->status == DNS_OK) {
			struct sbuf s;

			sbuf_init(&s, whysz - 1);
			sbuf_addf(&s, "%s %s: %s", host, t ? "AAAA" : "A",
			    a->sec == DNS_SEC_BOGUS ? "DNSSEC bogus" :
			    dns_status_name(a->status));
			str_copy(why, s.data ? s.data : "", whysz);
			sbuf_free(&s);
		}
		dns_answer_free(a);
	}
	return n;
}

/* One fetch within what is left of the step's time (until deadline, a
 * now_ms() value); 0 with resp filled (status 200), -1 with why. */
static int
revoc_fetch(struct gctx *g, const char *url, const unsigned char *post,
    size_t post_len, size_t max_body, double deadline,
    struct http_resp *resp, char *why, size_t whysz)
{
	double left = deadline - now_ms();
	char host[256], addrs[8][48];
	const char *addrp[8];
	struct http_req rq;
	size_t n;
	int port;
	struct sbuf s;

	memset(resp, 0, sizeof(*resp));
	sbuf_init(&s, whysz - 1);
	if (left < 50) {
		sbuf_adds(&s, "timeout: no time left for this URL");
		goto fail;
	}
	if (http_url_host(url, 1, host, sizeof(host), &port) != 0) {
		sbuf_adds(&s, "not an http URL with a host name (address "
		    "literals are not contacted)");
		goto fail;
	}
	n = revoc_resolve(g, host, addrs, addrp, 8, why, whysz);
	if (n == 0) {
		sbuf_addf(&s, "no address for %s (%s)", host, why);
		goto fail;
	}
	memset(&rq, 0, sizeof(rq));
	rq.url = url;
	rq.host = host;
	rq.addrs = addrp;
	rq.naddrs = n;
	left = deadline - now_ms();	/* the DNS took some */
	if (left < 50) {
		sbuf_adds(&s, "timeout: no time left after resolving");
		goto fail;
	}
	rq.timeout_ms = (unsigned)left;
	rq.max_body = max_body;
	rq.plain_http = 1;
	rq.post = post;
	rq.post_len = post_len;
	rq.post_type = post ? "application/ocsp-request" : NULL;
	http_get(&rq, resp);
	if (!resp->ok) {
		sbuf_addf(&s, "unreachable: %s", resp->error);
		goto fail;
	}
	if (resp->status != 200) {
		sbuf_addf(&s, "HTTP status %ld", resp->status);
		goto fail;
	}
	sbuf_free(&s);
	return 0;
fail:
	str_copy(why, s.data ? s.data : "", whysz);
	sbuf_free(&s);
	http_resp_clear(resp);
	return -1;
}

struct revoc_job {
	struct gctx		*g;
	struct probe_revoc_in	*in;
	struct check_revoc	*r;
	double			 deadline;	/* one step's time for each
						 * source, all URLs included */
};

static void
task_ocsp(void *arg)
{
	struct revoc_job *j = arg;
	struct http_resp resp;
	char why[256];
	size_t i;

	for (i = 0; i < j->in->nocsp && i < 2; i++) {
		str_copy(j->r->ocsp_url, j->in->ocsp_url[i],
		    sizeof(j->r->ocsp_url));
		if (revoc_fetch(j->g, j->in->ocsp_url[i], j->in->ocsp_req,
		    j->in->ocsp_req_len, OCSP_MAX_BODY, j->deadline, &resp,
		    why, sizeof(why)) != 0) {
			memset(&j->r->ocsp, 0, sizeof(j->r->ocsp));
			j->r->ocsp.reason = -1;
			str_copy(j->r->ocsp.text, why,
			    sizeof(j->r->ocsp.text));
			continue;
		}
		probe_revoc_ocsp(j->in, (const unsigned char *)resp.body,
		    resp.body_len, 0, &j->r->ocsp);
		http_resp_clear(&resp);
		if (j->r->ocsp.status != PROBE_REVOC_NOT_TESTED)
			break;
	}
}

static void
task_crl(void *arg)
{
	struct revoc_job *j = arg;
	struct http_resp resp;
	char why[256];
	size_t i;

	for (i = 0; i < j->in->ncrl && i < 2; i++) {
		str_copy(j->r->crl_url, j->in->crl_url[i],
		    sizeof(j->r->crl_url));
		if (revoc_fetch(j->g, j->in->crl_url[i], NULL, 0,
		    CRL_MAX_BODY, j->deadline, &resp, why,
		    sizeof(why)) != 0) {
			memset(&j->r->crl, 0, sizeof(j->r->crl));
			j->r->crl.reason = -1;
			str_copy(j->r->crl.text, why, sizeof(j->r->crl.text));
			continue;
		}
		probe_revoc_crl(j->in, (const unsigned char *)resp.body,
		    resp.body_len, 0, &j->r->crl);
		http_resp_clear(&resp);
		if (j->r->crl.status != PROBE_REVOC_NOT_TESTED)
			break;
	}
}

static void
revoc_work(struct gctx *g, const struct probe_result *p,
    struct check_revoc *r)
{
	struct probe_revoc_in in;
	struct revoc_job j = { g, &in, r, 0 };
	struct par par = { 0 };

	memset(r, 0, sizeof(*r));
	r->tried = 1;
	r->ocsp.reason = r->crl.reason = -1;
	if (probe_revoc_prepare(p, g->o->ca_file, &in) != 0 ||
	    (in.nocsp == 0 && in.ncrl == 0)) {
		str_copy(r->why, in.why, sizeof(r->why));
		r->nocsp = in.nocsp;
		r->ncrl = in.ncrl;
		probe_revoc_in_free(&in);
		return;
	}
	r->nocsp = in.nocsp;
	r->ncrl = in.ncrl;
	r->issuer_from = in.issuer_from;
	j.deadline = now_ms() + (g->o->timeout_ms ? g->o->timeout_ms : 10000);
	if (in.nocsp)
		par_add(&par, task_ocsp, &j);
	if (in.ncrl)
		par_add(&par, task_crl, &j);
	par_wait(&par);
	probe_revoc_in_free(&in);
}

/* The revocation of this address's leaf: done once per distinct leaf,
 * other addresses presenting the same certificate wait and copy. */
static void
revoc_for(struct gctx *g, struct check_addr *ad)
{
	const struct probe_result *p = ad->probe;
	struct revoc_entry *e = NULL;
	size_t i;

	if (p == NULL || p->nchain == 0)
		return;
	pthread_mutex_lock(&g->rvmu);
	for (i = 0; i < g->nrv; i++)
		if (memcmp(g->rv[i].sha256, p->chain[0].sha256, 32) == 0)
			e = &g->rv[i];
	if (e != NULL) {
		while (!e->done)
			pthread_cond_wait(&g->rvcv, &g->rvmu);
		ad->revoc = e->r;
		pthread_mutex_unlock(&g->rvmu);
		return;
	}
	if (g->nrv < REVOC_MAX) {
		e = &g->rv[g->nrv++];
		memcpy(e->sha256, p->chain[0].sha256, 32);
	}
	pthread_mutex_unlock(&g->rvmu);
	revoc_work(g, p, &ad->revoc);
	if (e == NULL)
		return;
	pthread_mutex_lock(&g->rvmu);
	e->r = ad->revoc;
	e->done = 1;
	pthread_cond_broadcast(&g->rvcv);
	pthread_mutex_unlock(&g->rvmu);
}

static void
task_ptr(void *arg)
{
	struct addr_job *j = arg;
	char name[DNS_NAME_MAX];
	struct dns_answer *p;

	if (dns_ptr_name(j->ad->ip, name, sizeof(name)) != 0)
		return;
	p = dns_query(j->g->dns, name, DNS_T_PTR);
	j->ad->ptr = p;
	/* forward-confirmed: the PTR name's addresses include the IP */
	if (p->status == DNS_OK && p->nrr > 0)
		j->ad->ptr_fwd = dns_query(j->g->dns, p->rr[0].name,
		    j->ad->v6 ? DNS_T_AAAA : DNS_T_A);
}

/* --- per MX host --- */
struct mx_job {
	struct gctx	*g;
	struct check_mx	*mx;
	uint16_t	 type;
	struct dns_answer **out;
};

static void
task_q(void *arg)
{
	struct mx_job *j = arg;
	char name[DNS_NAME_MAX + 16];
	struct sbuf s;

	if (j->type == DNS_T_TLSA) {
		sbuf_init(&s, sizeof(name) - 1);
		sbuf_addf(&s, "_%d._tcp.%s", j->g->o->port ? j->g->o->port :
		    25, j->mx->name);
		str_copy(name, s.data ? s.data : "", sizeof(name));
		sbuf_free(&s);
	} else {
		str_copy(name, j->mx->name, sizeof(name));
	}
	*j->out = dns_query(j->g->dns, name, j->type);
}

/* The MX name is an alias: with a secure chain, the final target's TLSA
 * RRset (tried before the MX name's, RFC 7672 2.2.3); with a chain that is
 * not secure, the MX name's own CNAME RRset, whose state decides whether
 * the MX name's TLSA still counts (RFC 7672 2.2.2). */
static void
alias_lookups(struct gctx *g, struct check_mx *mx)
{
	char target[DNS_NAME_MAX], name[DNS_NAME_MAX + 16];
	enum dns_sec sec;
	struct sbuf s;

	if (check_mx_target(mx, target, sizeof(target)) != 0)
		return;
	sec = check_mx_addr_sec(mx);
	if (sec == DNS_SEC_SECURE) {
		sbuf_init(&s, sizeof(name) - 1);
		sbuf_addf(&s, "_%d._tcp.%s", g->o->port ? g->o->port : 25,
		    target);
		str_copy(name, s.data ? s.data : "", sizeof(name));
		sbuf_free(&s);
		mx->tlsa_target = dns_query(g->dns, name, DNS_T_TLSA);
	} else if (sec == DNS_SEC_INSECURE) {
		mx->cname = dns_query(g->dns, mx->name, DNS_T_CNAME);
	}
}

static void
add_addrs(struct gctx *g, struct check_mx *mx, struct dns_answer *a, int v6)
{
	size_t i, n = 0;

	if (a == NULL || a->status != DNS_OK || a->sec == DNS_SEC_BOGUS)
		return;
	for (i = 0; i < a->nrr && n < CHECK_MAX_ADDR; i++, n++) {
		struct check_addr *ad = &mx->addr[mx->naddr++];

		str_copy(ad->ip, a->rr[i].addr, sizeof(ad->ip));
		ad->v6 = v6;
		if (v6 && !g->o->ipv6)
			str_copy(ad->not_probed, "IPv6 disabled (--no-ipv6)",
			    sizeof(ad->not_probed));
	}
}

static void
task_mx(void *arg)
{
	struct mx_job *j = arg, q[3];
	struct addr_job aj[2 * CHECK_MAX_ADDR];
	struct check_mx *mx = j->mx;
	struct par p = { 0 };
	size_t i;

	for (i = 0; i < 3; i++) {
		q[i].g = j->g;
		q[i].mx = mx;
	}
	q[0].type = DNS_T_A;
	q[0].out = &mx->a;
	q[1].type = DNS_T_AAAA;
	q[1].out = &mx->aaaa;
	q[2].type = DNS_T_TLSA;
	q[2].out = &mx->tlsa;
	for (i = 0; i < 3; i++)
		par_add(&p, task_q, &q[i]);
	par_wait(&p);
	alias_lookups(j->g, mx);
	add_addrs(j->g, mx, mx->a, 0);
	add_addrs(j->g, mx, mx->aaaa, 1);
	for (i = 0; i < mx->naddr; i++) {
		aj[i].g = j->g;
		aj[i].mx = mx;
		aj[i].ad = &mx->addr[i];
		if (mx->addr[i].not_probed[0] == '\0')
			par_add(&p, task_probe, &aj[i]);
		par_add(&p, task_ptr, &aj[i]);
	}
	par_wait(&p);
}

static int
mx_cmp(const void *a, const void *b)
{
	const struct check_mx *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void
task_mxset(void *arg)
{
	struct gctx *g = arg;
	struct check_data *d = g->d;
	struct mx_job jobs[CHECK_MAX_MX];
	struct par p = { 0 };
	struct dns_answer *mx;
	double t0 = now_ms();
	size_t i, j;

	mx = d->mx = dns_query(g->dns, d->domain, DNS_T_MX);
	if (mx->status == DNS_OK) {
		/* RFC 7505: a single MX with "." is a null MX */
		if (mx->nrr == 1 && strcmp(mx->rr[0].name, ".") == 0) {
			d->null_mx = 1;
			return;
		}
		for (i = 0; i < mx->nrr; i++) {
			char nm[DNS_NAME_MAX];

			if (strcmp(mx->rr[i].name, ".") == 0)
				continue;
			str_copy(nm, mx->rr[i].name, sizeof(nm));
			strip_dot(nm);
			for (j = 0; j < d->nmx; j++)
				if (strcasecmp(d->mxs[j].name, nm) == 0)
					break;
			if (j < d->nmx)
				continue;	/* same host twice */
			d->mx_total++;
			if (d->nmx >= CHECK_MAX_MX)
				continue;
			str_copy(d->mxs[d->nmx].name, nm,
			    sizeof(d->mxs[0].name));
			d->mxs[d->nmx].pref = mx->rr[i].pref;
			d->nmx++;
		}
		qsort(d->mxs, d->nmx, sizeof(d->mxs[0]), mx_cmp);
	} else if (mx->status == DNS_NODATA && mx->sec != DNS_SEC_BOGUS) {
		/* RFC 5321 5.1: no MX, the domain itself is the host */
		d->dom_a = dns_query(g->dns, d->domain, DNS_T_A);
		d->dom_aaaa = dns_query(g->dns, d->domain, DNS_T_AAAA);
		if (d->dom_a->status == DNS_OK ||
		    d->dom_aaaa->status == DNS_OK) {
			d->implicit_mx = 1;
			d->nmx = d->mx_total = 1;
			str_copy(d->mxs[0].name, d->domain,
			    sizeof(d->mxs[0].name));
		}
	}
	for (i = 0; i < d->nmx; i++) {
		jobs[i].g = g;
		jobs[i].mx = &d->mxs[i];
		par_add(&p, task_mx, &jobs[i]);
	}
	par_wait(&p);
	d->ms_mxset = now_ms() - t0;
}

/* --- DMARC, MTA-STS, TLS-RPT, DKIM: plain lookups here; the policy
 * decisions (org domain, external destinations) are in check_policy.c
 * which calls back for the dependent lookups. --- */
struct name_job {
	struct gctx		*g;
	char			 name[DNS_NAME_MAX + 80];
	uint16_t		 type;
	struct dns_answer	**out;
};

static void
task_name(void *arg)
{
	struct name_job *j = arg;

	*j->out = dns_query(j->g->dns, j->name, j->type);
}

/* check_policy.c: DMARC fallback + authorisation lookups, STS fetch */
void	 check_gather_dmarc(struct dns *, const struct check_opts *,
	    struct check_data *);
void	 check_gather_sts(struct dns *, const struct check_opts *,
	    struct check_data *);

static void
task_dmarc(void *arg)
{
	struct gctx *g = arg;
	double t0 = now_ms();

	check_gather_dmarc(g->dns, g->o, g->d);
	g->d->ms_dmarc = now_ms() - t0;
}

static void
task_sts(void *arg)
{
	struct gctx *g = arg;
	double t0 = now_ms();

	check_gather_sts(g->dns, g->o, g->d);
	g->d->ms_sts = now_ms() - t0;
}


void
check_gather(struct dns *dns, const struct check_opts *o,
    struct check_data *d)
{
	struct name_job nj[1 + CHECK_MAX_SEL];
	struct gctx *g = xcalloc(1, sizeof(*g));
	struct par p = { 0 };
	double t0 = now_ms();
	struct sbuf s;
	size_t i, k;

	g->dns = dns;
	g->o = o;
	g->d = d;
	pthread_mutex_init(&g->ipmu, NULL);
	pthread_cond_init(&g->ipcv, NULL);
	pthread_mutex_init(&g->rvmu, NULL);
	pthread_cond_init(&g->rvcv, NULL);
	g->rv = xcalloc(REVOC_MAX, sizeof(*g->rv));
	str_copy(d->domain, o->domain, sizeof(d->domain));
	par_add(&p, task_mxset, g);
	par_add(&p, task_spf, g);
	par_add(&p, task_spf_txt, g);
	par_add(&p, task_dmarc, g);
	par_add(&p, task_sts, g);
	k = 0;
	nj[k].g = g;
	sbuf_init(&s, sizeof(nj[0].name) - 1);
	sbuf_addf(&s, "_smtp._tls.%s", d->domain);
	str_copy(nj[k].name, s.data ? s.data : "", sizeof(nj[k].name));
	nj[k].type = DNS_T_TXT;
	nj[k].out = &d->tlsrpt;
	par_add(&p, task_name, &nj[k++]);
	for (i = 0; i < o->nsel && i < CHECK_MAX_SEL; i++) {
		str_copy(d->sel[i], o->selectors[i], sizeof(d->sel[i]));
		sbuf_reset(&s);
		sbuf_addf(&s, "%s._domainkey.%s", d->sel[i], d->domain);
		nj[k].g = g;
		str_copy(nj[k].name, s.data ? s.data : "",
		    sizeof(nj[k].name));
		nj[k].type = DNS_T_TXT;
		nj[k].out = &d->dkim[i];
		par_add(&p, task_name, &nj[k++]);
	}
	d->nsel = i;
	sbuf_free(&s);
	par_wait(&p);
	pthread_cond_destroy(&g->ipcv);
	pthread_mutex_destroy(&g->ipmu);
	pthread_cond_destroy(&g->rvcv);
	pthread_mutex_destroy(&g->rvmu);
	free(g->rv);
	free(g);
	d->ms_total = now_ms() - t0;
}

void
check_data_clear(struct check_data *d)
{
	size_t i, j;

	dns_answer_free(d->mx);
	dns_answer_free(d->dom_a);
	dns_answer_free(d->dom_aaaa);
	for (i = 0; i < d->nmx; i++) {
		struct check_mx *m = &d->mxs[i];

		dns_answer_free(m->a);
		dns_answer_free(m->aaaa);
		dns_answer_free(m->tlsa);
		dns_answer_free(m->tlsa_target);
		dns_answer_free(m->cname);
		for (j = 0; j < m->naddr; j++) {
			probe_result_free(m->addr[j].probe);
			dns_answer_free(m->addr[j].ptr);
			dns_answer_free(m->addr[j].ptr_fwd);
		}
	}
	free(d->spf);
	dns_answer_free(d->spf_txt);
	dns_answer_free(d->dmarc);
	dns_answer_free(d->dmarc_org);
	for (i = 0; i < d->nauth; i++)
		dns_answer_free(d->auth[i]);
	dns_answer_free(d->sts_txt);
	dns_answer_free(d->sts_a);
	dns_answer_free(d->sts_aaaa);
	http_resp_clear(&d->sts_http);
	dns_answer_free(d->tlsrpt);
	for (i = 0; i < d->nsel; i++)
		dns_answer_free(d->dkim[i]);
	memset(d, 0, sizeof(*d));
}
