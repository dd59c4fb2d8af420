/* spf_eval: check_host() (RFC 7208 §4-§7) and a static analysis of an SPF
 * record tree, through the caller's synchronous DNS callbacks.
 * Touches: libc and lib/mail/spf only; no sockets, no resolver. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "mail/spf.h"
#include "mail/spf_eval.h"
#include "util/mem.h"
#include "util/str.h"

#define EV_MAX_DEPTH	20	/* include/redirect nesting (loops) */
#define EV_NAME		256

#define EV_DEFAULT_EXP	"%{i} is not one of %{d}'s designated mail servers"

enum match { M_NOMATCH, M_MATCH, M_TEMP, M_PERM };

struct ev {
	const struct spf_dns_ops *ops;
	void		*ctx;
	const struct spf_eval_request *rq;
	struct spf_eval_result *out;		/* check_host */
	struct spf_eval_analysis *an;		/* analyze */
	int		 family;
	unsigned char	 ip[16];
	char		 s[EV_NAME * 2], l[EV_NAME], o[EV_NAME];
	char		 i[80], c[64], t[24];
	char		 p[EV_NAME];
	int		 p_done;
	unsigned	 lookups, voids;
	int		 depth;
	const char	*path[EV_MAX_DEPTH + 1];
	char		 top[EV_NAME];
	int		 error_set;	/* why already holds the error */
	int		 limit;
	char		*chain;
	size_t		 chainsz;
};

int
spf_eval_answer_add_txt(struct spf_dns_answer *a, const char *s, size_t len)
{
	struct spf_dns_rr *rr;

	if (a->n >= SPF_DNS_MAX_RR) {
		a->truncated = 1;
		return -1;
	}
	rr = &a->rr[a->n++];
	memset(rr, 0, sizeof(*rr));
	rr->txt = xmalloc(len + 1);
	memcpy(rr->txt, s, len);
	rr->txt[len] = '\0';
	rr->txtlen = len;
	return 0;
}

int
spf_eval_answer_add_name(struct spf_dns_answer *a, const char *name,
    uint16_t pref)
{
	struct spf_dns_rr *rr;
	size_t l = strlen(name);

	if (a->n >= SPF_DNS_MAX_RR) {
		a->truncated = 1;
		return -1;
	}
	rr = &a->rr[a->n++];
	memset(rr, 0, sizeof(*rr));
	if (l > 1 && name[l - 1] == '.')
		l--;
	rr->name = xstrndup(name, l);
	rr->pref = pref;
	return 0;
}

int
spf_eval_answer_add_addr(struct spf_dns_answer *a, int family,
    const void *addr)
{
	struct spf_dns_rr *rr;

	if (a->n >= SPF_DNS_MAX_RR) {
		a->truncated = 1;
		return -1;
	}
	rr = &a->rr[a->n++];
	memset(rr, 0, sizeof(*rr));
	rr->family = family;
	memcpy(rr->addr, addr, family == AF_INET ? 4 : 16);
	return 0;
}

void
spf_eval_answer_clear(struct spf_dns_answer *a)
{
	size_t i;

	for (i = 0; i < a->n && i < SPF_DNS_MAX_RR; i++) {
		free(a->rr[i].txt);
		free(a->rr[i].name);
	}
	memset(a, 0, sizeof(*a));
}

const char *
spf_eval_result_name(enum spf_result r)
{
	static const char *names[] = { "none", "neutral", "pass", "fail",
	    "softfail", "temperror", "permerror" };

	if ((unsigned)r < sizeof(names) / sizeof(names[0]))
		return names[r];
	return "?";
}

/* One query; the answer is heap-allocated (spf_dns_answer is big) and
 * freed with answer_free. An OK answer without records is NODATA. */
static struct spf_dns_answer *
dns(struct ev *e, const char *name, int type)
{
	struct spf_dns_answer *a = xcalloc(1, sizeof(*a));

	if (e->ops->lookup(e->ctx, name, type, a) != 0)
		a->status = SPF_DNS_ERROR;
	if (a->status == SPF_DNS_OK && a->n == 0)
		a->status = SPF_DNS_NODATA;
	return a;
}

static void
answer_free(struct spf_dns_answer *a)
{
	if (a == NULL)
		return;
	spf_eval_answer_clear(a);
	free(a);
}

/* A syntactically usable domain name: labels of 1-63 octets, at most 253
 * octets, no domain literal. fqdn: at least two labels (§4.3). */
static int
valid_domain(const char *d, int fqdn)
{
	size_t len = strlen(d), lab = 0, i;
	int labels = 1;

	if (len > 0 && d[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || d[0] == '[')
		return 0;
	for (i = 0; i < len; i++) {
		if (d[i] == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
			labels++;
			continue;
		}
		/* DNS labels may hold any octet; macros can make spaces
		 * (%_) and the suite's zone has them */
		if ((unsigned char)d[i] < 0x20)
			return 0;
		if (++lab > 63)
			return 0;
	}
	return !fqdn || labels >= 2;
}

static void
set_why(struct ev *e, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_why(struct ev *e, int error, const char *fmt, ...)
{
	va_list ap;

	if (e->out == NULL || e->error_set)
		return;
	va_start(ap, fmt);
	vsnprintf(e->out->why, sizeof(e->out->why), fmt, ap);
	va_end(ap);
	if (error)
		e->error_set = 1;
}

/* Record the first broken limit and the include path that led there. */
static void
set_limit(struct ev *e, enum spf_eval_limit lim, const char *term)
{
	struct sbuf b;
	int i;

	if (e->limit != SPF_LIMIT_NONE)
		return;
	e->limit = lim;
	sbuf_init(&b, e->chainsz - 1);
	sbuf_adds(&b, e->top);
	for (i = 0; i < e->depth && i < EV_MAX_DEPTH; i++) {
		sbuf_adds(&b, " ");
		sbuf_adds(&b, e->path[i]);
	}
	if (term) {
		sbuf_adds(&b, " ");
		sbuf_adds(&b, term);
	}
	str_copy(e->chain, b.data ? b.data : "", e->chainsz);
	sbuf_free(&b);
}

static int
count_lookup(struct ev *e, const struct spf_term *t)
{
	e->lookups++;
	if (e->lookups > SPF_EVAL_MAX_LOOKUPS) {
		set_limit(e, SPF_LIMIT_LOOKUPS, t->text);
		set_why(e, 1, "more than %d DNS-querying terms (RFC 7208 "
		    "§4.6.4) at %s", SPF_EVAL_MAX_LOOKUPS, t->text);
		return -1;
	}
	return 0;
}

static int
count_void(struct ev *e, const struct spf_term *t)
{
	e->voids++;
	if (e->voids > SPF_EVAL_MAX_VOID) {
		set_limit(e, SPF_LIMIT_VOID, t->text);
		set_why(e, 1, "more than %d void lookups (RFC 7208 §4.6.4) "
		    "at %s", SPF_EVAL_MAX_VOID, t->text);
		return -1;
	}
	return 0;
}

static int
addr_match(const unsigned char *a, const unsigned char *b, int bits)
{
	int full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ b[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static void
reverse_name(struct ev *e, char *dst, size_t dsz)
{
	static const char hex[] = "0123456789abcdef";
	struct sbuf b;
	int k;

	sbuf_init(&b, 128);
	if (e->family == AF_INET)
		sbuf_addf(&b, "%u.%u.%u.%u.in-addr.arpa", e->ip[3], e->ip[2],
		    e->ip[1], e->ip[0]);
	else {
		for (k = 15; k >= 0; k--)
			sbuf_addf(&b, "%c.%c.", hex[e->ip[k] & 15],
			    hex[e->ip[k] >> 4]);
		sbuf_adds(&b, "ip6.arpa");
	}
	str_copy(dst, b.data, dsz);
	sbuf_free(&b);
}

static int
name_in(const char *name, const char *dom)
{
	size_t nl = strlen(name), dl = strlen(dom);

	if (nl > 0 && name[nl - 1] == '.')
		nl--;
	if (dl > 0 && dom[dl - 1] == '.')
		dl--;
	if (nl == dl)
		return strncasecmp(name, dom, nl) == 0;
	return nl > dl && name[nl - dl - 1] == '.' &&
	    strncasecmp(name + nl - dl, dom, dl) == 0;
}

/* The validated PTR names of the client (§5.5): at most 10 PTR names are
 * looked at; a name counts if one of its addresses is the client's.
 * Returns how many were stored in names. */
static int
validated_names(struct ev *e, char names[][EV_NAME], int max)
{
	char rev[128];
	struct spf_dns_answer *a, *b;
	int n = 0;
	size_t k, j;

	reverse_name(e, rev, sizeof(rev));
	a = dns(e, rev, SPF_DNS_T_PTR);
	if (a->status != SPF_DNS_OK) {
		answer_free(a);
		return 0;
	}
	for (k = 0; k < a->n && k < SPF_EVAL_MAX_MXPTR && n < max; k++) {
		if (a->rr[k].name == NULL || !valid_domain(a->rr[k].name, 0))
			continue;
		b = dns(e, a->rr[k].name, e->family == AF_INET ?
		    SPF_DNS_T_A : SPF_DNS_T_AAAA);
		for (j = 0; b->status == SPF_DNS_OK && j < b->n; j++)
			if (b->rr[j].family == e->family &&
			    memcmp(b->rr[j].addr, e->ip, e->family ==
			    AF_INET ? 4 : 16) == 0) {
				str_copy(names[n++], a->rr[k].name, EV_NAME);
				break;
			}
		answer_free(b);
	}
	answer_free(a);
	return n;
}

static const char *
macro_p(struct ev *e, const char *domain)
{
	char names[SPF_EVAL_MAX_MXPTR][EV_NAME];
	int n, k, pick = -1;

	if (e->p_done)
		return e->p;
	e->p_done = 1;
	str_copy(e->p, "unknown", sizeof(e->p));
	n = validated_names(e, names, SPF_EVAL_MAX_MXPTR);
	for (k = 0; k < n && pick < 0; k++)
		if (strcasecmp(names[k], domain) == 0)
			pick = k;
	for (k = 0; k < n && pick < 0; k++)
		if (name_in(names[k], domain))
			pick = k;
	if (pick < 0 && n > 0)
		pick = 0;
	if (pick >= 0)
		str_copy(e->p, names[pick], sizeof(e->p));
	return e->p;
}

/* Expand a macro-string with the current domain. -1: syntax error. */
static int
expand(struct ev *e, const char *spec, const char *domain, int explain,
    int isdomain, struct sbuf *out)
{
	struct spf_macro_vars v;

	memset(&v, 0, sizeof(v));
	v.s = e->s;
	v.l = e->l;
	v.o = e->o;
	v.d = domain;
	v.i = e->i;
	v.v = e->family == AF_INET ? "in-addr" : "ip6";
	v.h = e->rq->helo ? e->rq->helo : "unknown";
	v.c = e->c;
	v.r = e->rq->receiver ? e->rq->receiver : "unknown";
	v.t = e->t;
	if (spf_macro_uses(spec, 'p'))
		v.p = e->family ? macro_p(e, domain) : "unknown";
	return spf_macro_expand(spec, strlen(spec), &v, explain, isdomain,
	    out);
}

/* The target of a term: its domain-spec expanded, or the current domain.
 * -1 on a macro error (permerror). */
static int
target(struct ev *e, const struct spf_term *t, const char *domain,
    char *dst, size_t dsz)
{
	struct sbuf b;
	int r;

	if (t->domain == NULL) {
		str_copy(dst, domain, dsz);
		return 0;
	}
	sbuf_init(&b, 8192);
	r = expand(e, t->domain, domain, 0, 1, &b);
	if (r == 0)
		str_copy(dst, b.data ? b.data : "", dsz);
	sbuf_free(&b);
	return r;
}

/* Fetch and select the domain's SPF record (§4.4, §4.5). Returns -1 with
 * *rec set, or the result to return (none, temperror, permerror). */
static int
get_record(struct ev *e, const char *domain, struct spf_record **rec,
    char *txt, size_t txtsz, char *err, size_t errsz)
{
	struct spf_dns_answer *a;
	size_t k, found = 0, idx = 0;
	char perr[256];

	*rec = NULL;
	err[0] = '\0';
	a = dns(e, domain, SPF_DNS_T_TXT);
	switch (a->status) {
	case SPF_DNS_OK:
		break;
	case SPF_DNS_NXDOMAIN:
	case SPF_DNS_NODATA:
		snprintf(err, errsz, "%s: no SPF record (%s)", domain,
		    a->status == SPF_DNS_NXDOMAIN ? "NXDOMAIN" : "no TXT");
		answer_free(a);
		return SPF_RESULT_NONE;
	default:
		snprintf(err, errsz, "%s: DNS %s for TXT%s%s", domain,
		    a->status == SPF_DNS_TEMPFAIL ? "temporary failure" :
		    "error", a->why[0] ? ": " : "", a->why);
		answer_free(a);
		return SPF_RESULT_TEMPERROR;
	}
	for (k = 0; k < a->n; k++)
		if (a->rr[k].txt && spf_is_record(a->rr[k].txt,
		    a->rr[k].txtlen)) {
			found++;
			idx = k;
		}
	if (found == 0) {
		snprintf(err, errsz, "%s: no SPF record among %zu TXT",
		    domain, a->n);
		answer_free(a);
		return SPF_RESULT_NONE;
	}
	if (found > 1) {
		snprintf(err, errsz, "%s: %zu SPF records (RFC 7208 §4.5: "
		    "exactly one)", domain, found);
		answer_free(a);
		return SPF_RESULT_PERMERROR;
	}
	if (txt)
		str_copy(txt, a->rr[idx].txt, txtsz);
	*rec = spf_parse(a->rr[idx].txt, a->rr[idx].txtlen, perr,
	    sizeof(perr));
	answer_free(a);
	if (*rec == NULL) {
		snprintf(err, errsz, "%s: syntax: %s", domain, perr);
		return SPF_RESULT_PERMERROR;
	}
	return -1;
}

static enum spf_result check_host(struct ev *, const char *, int);

/* Address lookup for a / mx: does any address of name match? */
static enum match
match_addrs(struct ev *e, const struct spf_term *t, const char *name,
    int *isvoid)
{
	struct spf_dns_answer *a;
	enum match m = M_NOMATCH;
	size_t k;
	int bits;

	a = dns(e, name, e->family == AF_INET ? SPF_DNS_T_A :
	    SPF_DNS_T_AAAA);
	*isvoid = 0;
	if (a->status == SPF_DNS_NXDOMAIN || a->status == SPF_DNS_NODATA)
		*isvoid = 1;
	else if (a->status != SPF_DNS_OK) {
		set_why(e, 1, "%s: DNS %s for %s of %s", t->text,
		    a->status == SPF_DNS_TEMPFAIL ? "temporary failure" :
		    "error", e->family == AF_INET ? "A" : "AAAA", name);
		m = M_TEMP;
	}
	if (e->family == AF_INET)
		bits = t->cidr4 >= 0 ? t->cidr4 : 32;
	else
		bits = t->cidr6 >= 0 ? t->cidr6 : 128;
	for (k = 0; a->status == SPF_DNS_OK && k < a->n; k++)
		if (a->rr[k].family == e->family &&
		    addr_match(a->rr[k].addr, e->ip, bits)) {
			m = M_MATCH;
			break;
		}
	answer_free(a);
	return m;
}

static enum match
eval_term(struct ev *e, const struct spf_term *t, const char *domain,
    char *inner, size_t innersz)
{
	char tgt[EV_NAME * 2];
	struct spf_dns_answer *a;
	enum spf_result r;
	enum match m;
	size_t k;
	int isvoid;

	switch (t->kind) {
	case SPF_ALL:
		return M_MATCH;
	case SPF_IP4:
		if (e->family != AF_INET)
			return M_NOMATCH;
		return addr_match(t->ip, e->ip, t->cidr4 >= 0 ? t->cidr4 :
		    32) ? M_MATCH : M_NOMATCH;
	case SPF_IP6:
		if (e->family != AF_INET6)
			return M_NOMATCH;
		return addr_match(t->ip, e->ip, t->cidr6 >= 0 ? t->cidr6 :
		    128) ? M_MATCH : M_NOMATCH;
	default:
		break;
	}
	if (count_lookup(e, t) != 0)
		return M_PERM;
	if (target(e, t, domain, tgt, sizeof(tgt)) != 0) {
		set_why(e, 1, "%s: macro expansion failed", t->text);
		return M_PERM;
	}
	switch (t->kind) {
	case SPF_INCLUDE:
		if (!valid_domain(tgt, 0)) {
			set_why(e, 1, "%s: invalid target '%s'", t->text, tgt);
			return M_PERM;
		}
		if (e->depth >= EV_MAX_DEPTH) {
			set_limit(e, SPF_LIMIT_DEPTH, t->text);
			set_why(e, 1, "%s: includes nested too deep", t->text);
			return M_PERM;
		}
		e->path[e->depth++] = t->text;
		r = check_host(e, tgt, 1);
		e->depth--;
		if (e->out)
			str_copy(inner, e->out->why, innersz);
		switch (r) {
		case SPF_RESULT_PASS:
			return M_MATCH;
		case SPF_RESULT_FAIL:
		case SPF_RESULT_SOFTFAIL:
		case SPF_RESULT_NEUTRAL:
			return M_NOMATCH;
		case SPF_RESULT_TEMPERROR:
			return M_TEMP;
		case SPF_RESULT_NONE:
			set_why(e, 1, "%s: %s has no SPF record (RFC 7208 "
			    "§5.2: permerror)", t->text, tgt);
			return M_PERM;
		default:
			return M_PERM;
		}
	case SPF_A:
		if (!valid_domain(tgt, 0))
			return count_void(e, t) ? M_PERM : M_NOMATCH;
		m = match_addrs(e, t, tgt, &isvoid);
		if (isvoid && count_void(e, t) != 0)
			return M_PERM;
		return m;
	case SPF_MX:
		if (!valid_domain(tgt, 0))
			return count_void(e, t) ? M_PERM : M_NOMATCH;
		a = dns(e, tgt, SPF_DNS_T_MX);
		if (a->status == SPF_DNS_NXDOMAIN ||
		    a->status == SPF_DNS_NODATA) {
			answer_free(a);
			return count_void(e, t) ? M_PERM : M_NOMATCH;
		}
		if (a->status != SPF_DNS_OK) {
			set_why(e, 1, "%s: DNS %s for MX of %s", t->text,
			    a->status == SPF_DNS_TEMPFAIL ?
			    "temporary failure" : "error", tgt);
			answer_free(a);
			return M_TEMP;
		}
		if (a->n > SPF_EVAL_MAX_MXPTR) {
			set_limit(e, SPF_LIMIT_MX, t->text);
			set_why(e, 1, "%s: %zu MX records, more than %d (RFC "
			    "7208 §4.6.4)", t->text, a->n,
			    SPF_EVAL_MAX_MXPTR);
			answer_free(a);
			return M_PERM;
		}
		m = M_NOMATCH;
		for (k = 0; k < a->n && m == M_NOMATCH; k++) {
			if (a->rr[k].name == NULL ||
			    !valid_domain(a->rr[k].name, 0))
				continue;
			m = match_addrs(e, t, a->rr[k].name, &isvoid);
		}
		answer_free(a);
		return m;
	case SPF_PTR: {
		char names[SPF_EVAL_MAX_MXPTR][EV_NAME];
		int n, j;

		n = validated_names(e, names, SPF_EVAL_MAX_MXPTR);
		for (j = 0; j < n; j++)
			if (name_in(names[j], tgt))
				return M_MATCH;
		return M_NOMATCH;
	}
	case SPF_EXISTS:
		if (!valid_domain(tgt, 0))
			return count_void(e, t) ? M_PERM : M_NOMATCH;
		a = dns(e, tgt, SPF_DNS_T_A);
		m = M_NOMATCH;
		if (a->status == SPF_DNS_OK)
			m = M_MATCH;
		else if (a->status == SPF_DNS_NXDOMAIN ||
		    a->status == SPF_DNS_NODATA) {
			if (count_void(e, t) != 0)
				m = M_PERM;
		} else {
			set_why(e, 1, "%s: DNS %s for A of %s", t->text,
			    a->status == SPF_DNS_TEMPFAIL ?
			    "temporary failure" : "error", tgt);
			m = M_TEMP;
		}
		answer_free(a);
		return m;
	default:
		return M_NOMATCH;
	}
}

/* §6.2: the explanation for a fail result. */
static void
explain(struct ev *e, const struct spf_record *rec, const char *domain)
{
	const char *dflt = e->rq->default_exp ? e->rq->default_exp :
	    EV_DEFAULT_EXP;
	struct spf_dns_answer *a = NULL;
	struct sbuf b;
	char tgt[EV_NAME * 2];
	int ok = 0;

	sbuf_init(&b, sizeof(e->out->explanation) - 1);
	if (rec->exp >= 0 && target(e, &rec->terms[rec->exp], domain, tgt,
	    sizeof(tgt)) == 0 && valid_domain(tgt, 0)) {
		a = dns(e, tgt, SPF_DNS_T_TXT);
		if (a->status == SPF_DNS_OK && a->n == 1 &&
		    strlen(a->rr[0].txt) == a->rr[0].txtlen &&
		    expand(e, a->rr[0].txt, domain, 1, 0, &b) == 0)
			ok = 1;
		answer_free(a);
	}
	if (!ok && expand(e, dflt, domain, 1, 0, &b) != 0)
		sbuf_reset(&b);
	str_copy(e->out->explanation, b.data ? b.data : "",
	    sizeof(e->out->explanation));
	sbuf_free(&b);
}

static enum spf_result
qual_result(char q)
{
	switch (q) {
	case '-': return SPF_RESULT_FAIL;
	case '~': return SPF_RESULT_SOFTFAIL;
	case '?': return SPF_RESULT_NEUTRAL;
	default: return SPF_RESULT_PASS;
	}
}

/* check_host() proper. in_include: an exp= below must not be used. */
static enum spf_result
check_host(struct ev *e, const char *domain, int in_include)
{
	struct spf_record *rec;
	char err[512], inner[512];
	enum spf_result res;
	size_t k;
	int r;

	r = get_record(e, domain, &rec, NULL, 0, err, sizeof(err));
	if (r >= 0) {
		set_why(e, r != SPF_RESULT_NONE, "%s", err);
		return (enum spf_result)r;
	}
	for (k = 0; k < rec->n; k++) {
		const struct spf_term *t = &rec->terms[k];
		enum match m;

		if (t->kind >= SPF_REDIRECT)
			continue;
		inner[0] = '\0';
		m = eval_term(e, t, domain, inner, sizeof(inner));
		if (m == M_NOMATCH)
			continue;
		if (m == M_TEMP || m == M_PERM) {
			res = m == M_TEMP ? SPF_RESULT_TEMPERROR :
			    SPF_RESULT_PERMERROR;
			set_why(e, 1, "%s: %s: error", domain, t->text);
			spf_record_free(rec);
			return res;
		}
		res = qual_result(t->qualifier);
		if (e->out) {
			if (inner[0])
				set_why(e, 0, "%s matched in %s (%s)",
				    t->text, domain, inner);
			else
				set_why(e, 0, "%s matched in %s", t->text,
				    domain);
			str_copy(e->out->mechanism, t->text,
			    sizeof(e->out->mechanism));
			str_copy(e->out->domain, domain,
			    sizeof(e->out->domain));
			if (res == SPF_RESULT_FAIL && !in_include)
				explain(e, rec, domain);
		}
		spf_record_free(rec);
		return res;
	}
	if (rec->redirect >= 0) {
		const struct spf_term *t = &rec->terms[rec->redirect];
		char tgt[EV_NAME * 2];

		if (count_lookup(e, t) != 0) {
			spf_record_free(rec);
			return SPF_RESULT_PERMERROR;
		}
		if (target(e, t, domain, tgt, sizeof(tgt)) != 0 ||
		    !valid_domain(tgt, 0)) {
			set_why(e, 1, "%s: bad redirect target", t->text);
			spf_record_free(rec);
			return SPF_RESULT_PERMERROR;
		}
		if (e->depth >= EV_MAX_DEPTH) {
			set_limit(e, SPF_LIMIT_DEPTH, t->text);
			set_why(e, 1, "%s: nested too deep", t->text);
			spf_record_free(rec);
			return SPF_RESULT_PERMERROR;
		}
		e->path[e->depth++] = t->text;
		res = check_host(e, tgt, in_include);
		e->depth--;
		spf_record_free(rec);	/* after: path[] points into it */
		if (res == SPF_RESULT_NONE) {
			set_why(e, 1, "redirect=%s: no SPF record (RFC 7208 "
			    "§6.1: permerror)", tgt);
			return SPF_RESULT_PERMERROR;
		}
		return res;
	}
	set_why(e, 0, "%s: no mechanism matched (neutral)", domain);
	spf_record_free(rec);
	return SPF_RESULT_NEUTRAL;
}

static void
ev_init(struct ev *e, const struct spf_dns_ops *ops, void *ctx,
    const struct spf_eval_request *rq)
{
	memset(e, 0, sizeof(*e));
	e->ops = ops;
	e->ctx = ctx;
	e->rq = rq;
	e->limit = SPF_LIMIT_NONE;
}

enum spf_result
spf_eval_check_host(const struct spf_dns_ops *ops, void *ctx,
    const struct spf_eval_request *rq, struct spf_eval_result *out)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0xff, 0xff };
	struct ev e;
	const char *sender = rq->sender ? rq->sender : "", *at;
	const char *domain = rq->domain ? rq->domain : "";
	enum spf_result res;
	int k;

	memset(out, 0, sizeof(*out));
	ev_init(&e, ops, ctx, rq);
	e.out = out;
	e.chain = out->chain;
	e.chainsz = sizeof(out->chain);
	e.family = rq->family;
	memcpy(e.ip, rq->ip, sizeof(e.ip));
	/* an IPv4-mapped IPv6 client is the IPv4 client */
	if (e.family == AF_INET6 && memcmp(e.ip, mapped, 12) == 0) {
		e.family = AF_INET;
		memmove(e.ip, e.ip + 12, 4);
	}
	if (e.family != AF_INET && e.family != AF_INET6) {
		snprintf(out->why, sizeof(out->why), "no client address");
		return out->result = SPF_RESULT_PERMERROR;
	}
	/* §4.3: no local-part -> "postmaster" */
	at = strrchr(sender, '@');
	if (at == NULL) {
		str_copy(e.l, "postmaster", sizeof(e.l));
		str_copy(e.o, *sender ? sender : domain, sizeof(e.o));
	} else {
		size_t ll = (size_t)(at - sender);

		if (ll == 0)
			str_copy(e.l, "postmaster", sizeof(e.l));
		else {
			if (ll >= sizeof(e.l))
				ll = sizeof(e.l) - 1;
			memcpy(e.l, sender, ll);
			e.l[ll] = '\0';
		}
		str_copy(e.o, at + 1, sizeof(e.o));
	}
	snprintf(e.s, sizeof(e.s), "%s@%s", e.l, e.o);
	if (e.family == AF_INET) {
		snprintf(e.i, sizeof(e.i), "%u.%u.%u.%u", e.ip[0], e.ip[1],
		    e.ip[2], e.ip[3]);
		str_copy(e.c, e.i, sizeof(e.c));
	} else {
		static const char hex[] = "0123456789abcdef";
		size_t o = 0;

		for (k = 0; k < 16; k++) {
			e.i[o++] = hex[e.ip[k] >> 4];
			e.i[o++] = '.';
			e.i[o++] = hex[e.ip[k] & 15];
			e.i[o++] = k == 15 ? '\0' : '.';
		}
		inet_ntop(AF_INET6, e.ip, e.c, sizeof(e.c));
	}
	snprintf(e.t, sizeof(e.t), "%lld", (long long)(rq->now ? rq->now :
	    (int64_t)time(NULL)));
	str_copy(e.top, domain, sizeof(e.top));
	if (!valid_domain(domain, 1)) {
		snprintf(out->why, sizeof(out->why), "'%s' is not a valid "
		    "domain name (RFC 7208 §4.3)", domain);
		return out->result = SPF_RESULT_NONE;
	}
	res = check_host(&e, domain, 0);
	out->result = res;
	out->lookups = e.lookups;
	out->void_lookups = e.voids;
	out->limit = e.limit;
	if (res != SPF_RESULT_FAIL)
		out->explanation[0] = '\0';
	return res;
}

/* ---- static analysis ---- */

static void
an_walk(struct ev *e, const char *domain, int top, int depth);

static void
an_note(struct ev *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
an_note(struct ev *e, const char *fmt, ...)
{
	va_list ap;

	if (e->an->includes_error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(e->an->includes_error, sizeof(e->an->includes_error), fmt,
	    ap);
	va_end(ap);
}

/* Count one DNS-querying term; record the first limit it breaks. */
static void
an_count(struct ev *e, const struct spf_term *t)
{
	e->lookups++;
	if (e->lookups > SPF_EVAL_MAX_LOOKUPS)
		set_limit(e, SPF_LIMIT_LOOKUPS, t->text);
}

static void
an_void(struct ev *e, const struct spf_term *t)
{
	e->voids++;
	if (e->voids > SPF_EVAL_MAX_VOID)
		set_limit(e, SPF_LIMIT_VOID, t->text);
}

static void
an_term(struct ev *e, const struct spf_term *t, const char *domain,
    int depth)
{
	struct spf_dns_answer *a;
	const char *tgt = t->domain ? t->domain : domain;

	if (t->kind == SPF_PTR || (t->domain && strchr(t->domain, '%') &&
	    spf_macro_uses(t->domain, 'p')))
		e->an->uses_ptr = 1;
	if (!spf_kind_counts(t->kind) || t->kind == SPF_EXP)
		return;
	an_count(e, t);
	/* stop walking once far past the limit (loops) */
	if (e->lookups > 4 * SPF_EVAL_MAX_LOOKUPS)
		return;
	if (t->domain && strchr(t->domain, '%')) {
		e->an->macros_unexpanded++;
		return;
	}
	switch (t->kind) {
	case SPF_INCLUDE:
	case SPF_REDIRECT:
		if (depth >= EV_MAX_DEPTH) {
			set_limit(e, SPF_LIMIT_DEPTH, t->text);
			return;
		}
		e->path[e->depth++] = t->text;
		an_walk(e, tgt, 0, depth + 1);
		e->depth--;
		return;
	case SPF_A:
	case SPF_MX:
	case SPF_EXISTS:
		if (!valid_domain(tgt, 0)) {
			an_void(e, t);
			return;
		}
		a = dns(e, tgt, t->kind == SPF_MX ? SPF_DNS_T_MX :
		    SPF_DNS_T_A);
		if (a->status == SPF_DNS_NXDOMAIN ||
		    a->status == SPF_DNS_NODATA) {
			/* a: an IPv6-only name is not void */
			int isvoid = 1;

			if (t->kind == SPF_A) {
				struct spf_dns_answer *b = dns(e, tgt,
				    SPF_DNS_T_AAAA);

				isvoid = b->status != SPF_DNS_OK;
				answer_free(b);
			}
			if (isvoid)
				an_void(e, t);
		} else if (t->kind == SPF_MX && a->status == SPF_DNS_OK &&
		    a->n > SPF_EVAL_MAX_MXPTR)
			set_limit(e, SPF_LIMIT_MX, t->text);
		answer_free(a);
		return;
	default:
		return;
	}
}

static void
an_walk(struct ev *e, const char *domain, int top, int depth)
{
	struct spf_record *rec;
	char err[512];
	char *txt = top ? e->an->record : NULL;
	size_t k, txtsz = top ? sizeof(e->an->record) : 0;
	int r, has_all = 0;

	r = get_record(e, domain, &rec, txt, txtsz, err, sizeof(err));
	if (r >= 0) {
		if (top) {
			str_copy(e->an->error, err, sizeof(e->an->error));
			return;
		}
		/* an include or redirect target without a usable record
		 * makes every evaluation reaching it a permerror */
		an_note(e, "%s: %s", e->depth > 0 ? e->path[e->depth - 1] :
		    domain, err);
		return;
	}
	if (top)
		e->an->state = SPF_REC_ONE;
	for (k = 0; k < rec->n; k++)
		if (rec->terms[k].kind == SPF_ALL) {
			has_all = 1;
			if (top && e->an->all_qualifier == 0)
				e->an->all_qualifier = rec->terms[k].qualifier;
		}
	if (top)
		e->an->has_redirect = rec->redirect >= 0;
	for (k = 0; k < rec->n; k++) {
		const struct spf_term *t = &rec->terms[k];

		/* §6.1: redirect is ignored when the record has "all" */
		if (t->kind == SPF_REDIRECT && has_all)
			continue;
		if (t->kind == SPF_REDIRECT && top && depth == 0 &&
		    t->domain && !strchr(t->domain, '%')) {
			/* the top-level "all" comes from the redirect target */
			struct spf_record *r2;
			char e2[256];

			if (get_record(e, t->domain, &r2, NULL, 0, e2,
			    sizeof(e2)) < 0) {
				size_t j;

				for (j = 0; j < r2->n; j++)
					if (r2->terms[j].kind == SPF_ALL &&
					    e->an->all_qualifier == 0)
						e->an->all_qualifier =
						    r2->terms[j].qualifier;
				spf_record_free(r2);
			}
		}
		an_term(e, t, domain, depth);
	}
	spf_record_free(rec);
}

enum spf_record_state
spf_eval_analyze(const struct spf_dns_ops *ops, void *ctx,
    const char *domain, struct spf_eval_analysis *out)
{
	struct spf_eval_request rq;
	struct spf_dns_answer *a;
	struct ev e;
	size_t k, found = 0;
	char err[512];
	struct spf_record *rec;
	int r;

	memset(out, 0, sizeof(*out));
	memset(&rq, 0, sizeof(rq));
	rq.domain = domain;
	ev_init(&e, ops, ctx, &rq);
	e.an = out;
	e.chain = out->chain;
	e.chainsz = sizeof(out->chain);
	str_copy(e.top, domain, sizeof(e.top));
	/* The record state first (several / syntax / DNS failure). */
	a = dns(&e, domain, SPF_DNS_T_TXT);
	if (a->status == SPF_DNS_TEMPFAIL || a->status == SPF_DNS_ERROR) {
		out->state = a->status == SPF_DNS_TEMPFAIL ?
		    SPF_REC_TEMPFAIL : SPF_REC_ERROR;
		snprintf(out->error, sizeof(out->error), "DNS %s for TXT of "
		    "%s%s%s", a->status == SPF_DNS_TEMPFAIL ?
		    "temporary failure" : "error", domain,
		    a->why[0] ? ": " : "", a->why);
		answer_free(a);
		return out->state;
	}
	for (k = 0; a->status == SPF_DNS_OK && k < a->n; k++)
		if (a->rr[k].txt && spf_is_record(a->rr[k].txt,
		    a->rr[k].txtlen)) {
			if (found == 0)
				str_copy(out->record, a->rr[k].txt,
				    sizeof(out->record));
			found++;
		}
	answer_free(a);
	if (found == 0) {
		out->state = SPF_REC_NONE;
		snprintf(out->error, sizeof(out->error), "no v=spf1 TXT "
		    "record at %s", domain);
		return out->state;
	}
	if (found > 1) {
		out->state = SPF_REC_SEVERAL;
		snprintf(out->error, sizeof(out->error), "%zu v=spf1 records "
		    "at %s (RFC 7208 §4.5: permerror)", found, domain);
		return out->state;
	}
	r = get_record(&e, domain, &rec, NULL, 0, err, sizeof(err));
	if (r >= 0) {
		out->state = r == SPF_RESULT_TEMPERROR ? SPF_REC_TEMPFAIL :
		    SPF_REC_SYNTAX;
		str_copy(out->error, err, sizeof(out->error));
		return out->state;
	}
	spf_record_free(rec);
	an_walk(&e, domain, 1, 0);
	out->lookups = e.lookups;
	out->void_lookups = e.voids;
	out->limit = e.limit;
	return out->state;
}
