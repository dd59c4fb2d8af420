/* dns: validating resolver on libunbound (the only module with unbound.h
 * besides the rotator's), plus pure rdata parsers. Touches: libunbound,
 * pthreads, the network through libunbound. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unbound.h>

#include "dns/dns.h"
#include "util/mem.h"
#include "util/str.h"

struct dns {
	struct ub_ctx	*ctx;
	pthread_t	 thr;
	int		 stop;
	unsigned	 timeout_ms;
	FILE		*devnull;
};

/* One outstanding query; shared by the asking thread and the callback. */
struct dns_q {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 done;
	int		 abandoned;
	int		 err;
	struct ub_result *res;
};

static double
dns_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void *
dns_loop(void *arg)
{
	struct dns *d = arg;
	struct pollfd p;

	p.fd = ub_fd(d->ctx);
	p.events = POLLIN;
	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		p.revents = 0;
		if (poll(&p, 1, 50) > 0)
			ub_process(d->ctx);
	}
	return NULL;
}

static int
dns_opt(struct dns *d, const char *opt, const char *val, struct sbuf *err)
{
	int rc = ub_ctx_set_option(d->ctx, opt, val);

	if (rc != 0) {
		sbuf_addf(err, "resolver option %s %s: %s", opt, val,
		    ub_strerror(rc));
		return -1;
	}
	return 0;
}

struct dns *
dns_new(const struct dns_opts *o, struct sbuf *err)
{
	struct dns *d = xcalloc(1, sizeof(*d));
	int rc;

	d->timeout_ms = o->timeout_ms ? o->timeout_ms : 10000;
	d->ctx = ub_ctx_create();
	if (d->ctx == NULL) {
		sbuf_adds(err, "cannot create the resolver context");
		free(d);
		return NULL;
	}
	d->devnull = fopen("/dev/null", "w");
	if (d->devnull)
		ub_ctx_debugout(d->ctx, d->devnull);
	ub_ctx_debuglevel(d->ctx, 0);
	/* RFC 6761 names (test., invalid.) and private reverse zones are
	 * answered locally by default; a checker must ask the real DNS. */
	if (dns_opt(d, "local-zone:", "test. transparent", err) ||
	    dns_opt(d, "local-zone:", "invalid. transparent", err) ||
	    dns_opt(d, "local-zone:", "2.0.192.in-addr.arpa. transparent",
	    err) ||
	    dns_opt(d, "local-zone:", "100.51.198.in-addr.arpa. transparent",
	    err) ||
	    dns_opt(d, "local-zone:", "113.0.203.in-addr.arpa. transparent",
	    err) ||
	    dns_opt(d, "local-zone:", "8.b.d.0.1.0.0.2.ip6.arpa. transparent",
	    err) ||
	    dns_opt(d, "unblock-lan-zones:", "yes", err) ||
	    dns_opt(d, "val-log-level:", "2", err) ||
	    dns_opt(d, "do-ip6:", "yes", err))
		goto fail;
	if (o->trust_anchor && *o->trust_anchor) {
		/* libunbound reads the file only at the first lookup */
		FILE *ta = fopen(o->trust_anchor, "r");

		if (ta == NULL) {
			sbuf_addf(err, "trust anchor %s: %s", o->trust_anchor,
			    strerror(errno));
			goto fail;
		}
		fclose(ta);
		rc = ub_ctx_add_ta_file(d->ctx, o->trust_anchor);
		if (rc != 0) {
			sbuf_addf(err, "trust anchor %s: %s", o->trust_anchor,
			    rc == UB_READFILE ? "cannot read the file" :
			    ub_strerror(rc));
			goto fail;
		}
	}
	if (o->resolver && *o->resolver) {
		rc = ub_ctx_set_fwd(d->ctx, o->resolver);
		if (rc != 0) {
			sbuf_addf(err, "resolver %s: %s", o->resolver,
			    ub_strerror(rc));
			goto fail;
		}
	}
	rc = ub_ctx_async(d->ctx, 1);
	if (rc != 0) {
		sbuf_addf(err, "resolver threads: %s", ub_strerror(rc));
		goto fail;
	}
	if (pthread_create(&d->thr, NULL, dns_loop, d) != 0) {
		sbuf_adds(err, "cannot start the resolver thread");
		goto fail;
	}
	return d;
fail:
	ub_ctx_delete(d->ctx);
	if (d->devnull)
		fclose(d->devnull);
	free(d);
	return NULL;
}

void
dns_free(struct dns *d)
{
	if (d == NULL)
		return;
	__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
	pthread_join(d->thr, NULL);
	ub_ctx_delete(d->ctx);
	if (d->devnull)
		fclose(d->devnull);
	free(d);
}

static void
dns_cb(void *arg, int err, struct ub_result *res)
{
	struct dns_q *q = arg;

	pthread_mutex_lock(&q->mu);
	if (q->abandoned) {
		pthread_mutex_unlock(&q->mu);
		if (res)
			ub_resolve_free(res);
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		free(q);
		return;
	}
	q->err = err;
	q->res = res;
	q->done = 1;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

const char *
dns_status_name(enum dns_status s)
{
	switch (s) {
	case DNS_OK: return "ok";
	case DNS_NXDOMAIN: return "nxdomain";
	case DNS_NODATA: return "nodata";
	case DNS_TEMPFAIL: return "tempfail";
	case DNS_FAILURE: return "failure";
	case DNS_MALFORMED: return "malformed";
	}
	return "?";
}

const char *
dns_sec_name(enum dns_sec s)
{
	switch (s) {
	case DNS_SEC_INDETERMINATE: return "indeterminate";
	case DNS_SEC_SECURE: return "secure";
	case DNS_SEC_INSECURE: return "insecure";
	case DNS_SEC_BOGUS: return "bogus";
	}
	return "?";
}

const char *
dns_type_name(uint16_t t)
{
	switch (t) {
	case DNS_T_A: return "A";
	case DNS_T_CNAME: return "CNAME";
	case DNS_T_PTR: return "PTR";
	case DNS_T_MX: return "MX";
	case DNS_T_TXT: return "TXT";
	case DNS_T_AAAA: return "AAAA";
	case DNS_T_TLSA: return "TLSA";
	}
	return "TYPE?";
}

int
dns_name_from_wire(const unsigned char *b, size_t len, char *out,
    size_t outsz)
{
	size_t i = 0, o = 0, lab, k;
	unsigned char c;

	if (outsz < 2)
		return -1;
	for (;;) {
		if (i >= len)
			return -1;
		lab = b[i++];
		if (lab == 0)
			break;
		if (lab > 63 || i + lab > len)
			return -1;	/* compression is not allowed here */
		for (k = 0; k < lab; k++) {
			c = b[i + k];
			if (c == '.' || c == '\\' || c <= ' ' || c >= 0x7f) {
				/* RFC 4343 escapes: \. \\ \DDD */
				if (o + 5 >= outsz)
					return -1;
				if (c == '.' || c == '\\') {
					out[o++] = '\\';
					out[o++] = (char)c;
				} else {
					out[o++] = '\\';
					out[o++] = (char)('0' + c / 100);
					out[o++] = (char)('0' + c / 10 % 10);
					out[o++] = (char)('0' + c % 10);
				}
			} else {
				if (o + 2 >= outsz)
					return -1;
				out[o++] = (char)c;
			}
		}
		i += lab;
		if (o + 2 >= outsz)
			return -1;
		out[o++] = '.';
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return (int)i;
}

void
dns_rr_clear(struct dns_rr *rr)
{
	free(rr->rdata);
	free(rr->txt);
	memset(rr, 0, sizeof(*rr));
}

int
dns_rr_parse(struct dns_rr *rr, uint16_t type, const unsigned char *b,
    size_t len, const char **why)
{
	struct sbuf t;
	size_t i;
	int n;

	memset(rr, 0, sizeof(*rr));
	rr->type = type;
	rr->rdata = xmalloc(len ? len : 1);
	if (len)
		memcpy(rr->rdata, b, len);
	rr->rdlen = len;
	b = rr->rdata;
	*why = NULL;
	switch (type) {
	case DNS_T_A:
		if (len != 4) {
			*why = "A record is not 4 octets";
			return -1;
		}
		inet_ntop(AF_INET, b, rr->addr, sizeof(rr->addr));
		return 0;
	case DNS_T_AAAA:
		if (len != 16) {
			*why = "AAAA record is not 16 octets";
			return -1;
		}
		inet_ntop(AF_INET6, b, rr->addr, sizeof(rr->addr));
		return 0;
	case DNS_T_MX:
		if (len < 3) {
			*why = "MX record too short";
			return -1;
		}
		rr->pref = (uint16_t)(b[0] << 8 | b[1]);
		n = dns_name_from_wire(b + 2, len - 2, rr->name,
		    sizeof(rr->name));
		if (n < 0 || (size_t)n != len - 2) {
			*why = "MX exchange is not a valid name";
			return -1;
		}
		return 0;
	case DNS_T_CNAME:
	case DNS_T_PTR:
		n = dns_name_from_wire(b, len, rr->name, sizeof(rr->name));
		if (n < 0 || (size_t)n != len) {
			*why = "target is not a valid name";
			return -1;
		}
		return 0;
	case DNS_T_TXT:
		/* RFC 7208 3.3: the strings are concatenated without
		 * spaces. */
		sbuf_init(&t, 65536);
		for (i = 0; i < len;) {
			size_t l = b[i++];

			if (i + l > len) {
				sbuf_free(&t);
				*why = "TXT string runs past the record";
				return -1;
			}
			sbuf_add(&t, b + i, l);
			i += l;
		}
		if (len == 0) {
			sbuf_free(&t);
			*why = "empty TXT record";
			return -1;
		}
		sbuf_add(&t, "", 0);
		rr->txt_len = t.len;
		rr->txt = t.data ? sbuf_take(&t) : xstrdup("");
		return 0;
	case DNS_T_TLSA:
		if (len < 3) {
			*why = "TLSA record too short";
			return -1;
		}
		rr->usage = b[0];
		rr->selector = b[1];
		rr->mtype = b[2];
		rr->assoc = rr->rdata + 3;
		rr->assoc_len = len - 3;
		return 0;
	default:
		return 0;
	}
}

int
dns_ptr_name(const char *addr, char *out, size_t outsz)
{
	unsigned char b[16];
	struct sbuf s;
	int i;

	sbuf_init(&s, outsz ? outsz - 1 : 0);
	if (inet_pton(AF_INET, addr, b) == 1) {
		sbuf_addf(&s, "%u.%u.%u.%u.in-addr.arpa.", b[3], b[2], b[1],
		    b[0]);
	} else if (inet_pton(AF_INET6, addr, b) == 1) {
		for (i = 15; i >= 0; i--)
			sbuf_addf(&s, "%x.%x.", b[i] & 0xf, b[i] >> 4);
		sbuf_adds(&s, "ip6.arpa.");
	} else {
		sbuf_free(&s);
		return -1;
	}
	if (s.over || s.data == NULL) {
		sbuf_free(&s);
		return -1;
	}
	str_copy(out, s.data, outsz);
	sbuf_free(&s);
	return 0;
}

static void
dns_fill(struct dns_answer *a, struct ub_result *r)
{
	const char *why;
	int i, n;

	a->rcode = r->rcode;
	if (r->bogus)
		a->sec = DNS_SEC_BOGUS;
	else if (r->secure)
		a->sec = DNS_SEC_SECURE;
	else if (r->rcode == 0 || r->rcode == 3)
		a->sec = DNS_SEC_INSECURE;
	else
		a->sec = DNS_SEC_INDETERMINATE;
	if (r->why_bogus)
		a->why = xstrdup(r->why_bogus);
	if (r->canonname && strcasecmp(r->canonname, r->qname) != 0)
		str_copy(a->canon, r->canonname, sizeof(a->canon));
	switch (r->rcode) {
	case 0:
		a->status = r->havedata ? DNS_OK : DNS_NODATA;
		break;
	case 3:
		a->status = DNS_NXDOMAIN;
		break;
	case 2:
		a->status = DNS_TEMPFAIL;
		if (a->why == NULL)
			a->why = xstrdup("SERVFAIL");
		return;
	default:
		a->status = DNS_FAILURE;
		if (a->why == NULL) {
			struct sbuf s;

			sbuf_init(&s, 64);
			sbuf_addf(&s, "rcode %d", r->rcode);
			a->why = sbuf_take(&s);
		}
		return;
	}
	if (a->status != DNS_OK)
		return;
	for (n = 0; r->data[n]; n++)
		;
	a->rr = xcalloc((size_t)n + 1, sizeof(*a->rr));
	for (i = 0; i < n; i++) {
		if (dns_rr_parse(&a->rr[a->nrr], a->qtype,
		    (unsigned char *)r->data[i], (size_t)r->len[i], &why)) {
			dns_rr_clear(&a->rr[a->nrr]);
			a->status = DNS_MALFORMED;
			free(a->why);
			a->why = xstrdup(why);
			continue;
		}
		a->rr[a->nrr++].ttl = (uint32_t)r->ttl;
	}
}

struct dns_answer *
dns_query(struct dns *d, const char *name, uint16_t type)
{
	struct dns_answer *a = xcalloc(1, sizeof(*a));
	struct dns_q *q = xcalloc(1, sizeof(*q));
	struct timespec dl;
	double t0 = dns_now_ms();
	int id, rc, timed_out = 0;

	str_copy(a->qname, name, sizeof(a->qname));
	a->qtype = type;
	a->sec = DNS_SEC_INDETERMINATE;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	rc = ub_resolve_async(d->ctx, name, type, 1, q, dns_cb, &id);
	if (rc != 0) {
		a->status = DNS_FAILURE;
		a->why = xstrdup(ub_strerror(rc));
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		free(q);
		return a;
	}
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += d->timeout_ms / 1000;
	dl.tv_nsec += (long)(d->timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->mu);
	while (!q->done) {
		if (pthread_cond_timedwait(&q->cv, &q->mu, &dl) == ETIMEDOUT &&
		    !q->done) {
			timed_out = 1;
			break;
		}
	}
	if (timed_out) {
		/* The callback frees q when it still comes; if the cancel
		 * wins it never comes and q is left (a few bytes). */
		q->abandoned = 1;
		pthread_mutex_unlock(&q->mu);
		ub_cancel(d->ctx, id);
		a->status = DNS_TEMPFAIL;
		a->why = xstrdup("timeout");
		a->ms = dns_now_ms() - t0;
		return a;
	}
	pthread_mutex_unlock(&q->mu);
	if (q->err != 0) {
		a->status = DNS_TEMPFAIL;
		a->why = xstrdup(ub_strerror(q->err));
	} else if (q->res == NULL) {
		a->status = DNS_TEMPFAIL;
		a->why = xstrdup("no answer");
	} else {
		dns_fill(a, q->res);
	}
	if (q->res)
		ub_resolve_free(q->res);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
	a->ms = dns_now_ms() - t0;
	return a;
}

void
dns_answer_free(struct dns_answer *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nrr; i++)
		dns_rr_clear(&a->rr[i]);
	free(a->rr);
	free(a->why);
	free(a);
}
