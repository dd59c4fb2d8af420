/* test_spf: SPF record syntax and macro tables (lib/mail/spf), and the
 * evaluator's limits, include chains and static analysis (spf_eval) on a
 * small in-memory zone. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "t.h"
#include "mail/spf.h"
#include "mail/spf_eval.h"
#include "util/str.h"

static void
t_parse(void)
{
	/* input, expected error substring ("" = ok), terms */
	static const struct { const char *in, *err; int n; } rows[] = {
		{ "v=spf1", "", 0 },
		{ "v=spf1 -all", "", 1 },
		{ "V=SPF1 +ALL", "", 1 },
		{ "v=spf1  a  -all ", "", 2 },
		{ "v=spf1 a mx ptr ip4:192.0.2.0/24 ip6:2001:db8::/32 "
		  "include:_spf.example.net exists:%{i}.bl.example.org "
		  "redirect=example.org exp=exp.%{d}", "", 9 },
		{ "v=spf1 a:example.com/24//64 mx:mx.example.com//48", "", 2 },
		{ "v=spf1 a/24 mx//64", "", 2 },
		{ "v=spf1 foo=bar%{d} -all", "", 2 },
		{ "v=spf10", "not an SPF record", 0 },
		{ "spf1 -all", "not an SPF record", 0 },
		{ "", "not an SPF record", 0 },
		{ "v=spf1 -al", "unknown mechanism", 0 },
		{ "v=spf1 all:x", "bad all argument", 0 },
		{ "v=spf1 include", "bad include argument", 0 },
		{ "v=spf1 include:", "bad include argument", 0 },
		{ "v=spf1 a:1.2.3.4", "bad a argument", 0 },
		{ "v=spf1 a:example", "bad a argument", 0 },
		{ "v=spf1 a:example.com.", "", 1 },
		{ "v=spf1 ip4:1.2.3.4/33", "bad CIDR", 0 },
		{ "v=spf1 ip4:1.2.3.4/032", "bad CIDR", 0 },
		{ "v=spf1 ip4:1.2.3", "bad address", 0 },
		{ "v=spf1 ip4:", "bad ip4 argument", 0 },
		{ "v=spf1 ip6:::1/129", "bad CIDR", 0 },
		{ "v=spf1 ip6:1.2.3.4", "bad address", 0 },
		{ "v=spf1 a//129", "bad CIDR", 0 },
		{ "v=spf1 a/", "bad", 0 },
		{ "v=spf1 redirect=a.example redirect=b.example", "twice", 0 },
		{ "v=spf1 exp=a.example exp=b.example", "twice", 0 },
		{ "v=spf1 redirect=", "bad redirect value", 0 },
		{ "v=spf1 exists:%{x}.example.com", "bad exists", 0 },
		{ "v=spf1 exists:%{i0}.example.com", "bad exists", 0 },
		{ "v=spf1 exists:%{c}.example.com", "bad exists", 0 },
		{ "v=spf1 exists:foo%.example.com", "bad exists", 0 },
		{ "v=spf1 exists:%{ir}.%{l1r+-}.%{d2}", "", 1 },
		{ "v=spf1 a:ex\rample.com", "character 0x0d", 0 },
		{ "v=spf1 \x80" "a", "character 0x80", 0 },
		{ "v=spf1 1x=y", "unknown mechanism", 0 },
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct spf_record *r = spf_parse(rows[i].in,
		    strlen(rows[i].in), err, sizeof(err));

		if (rows[i].err[0] == '\0') {
			if (r == NULL)
				fprintf(stderr, "row %zu: %s\n", i, err);
			T_CHECK(r != NULL);
			if (r)
				T_EQ_INT(r->n, rows[i].n);
		} else {
			T_CHECK(r == NULL);
			T_CONTAINS(err, rows[i].err);
		}
		spf_record_free(r);
	}
}

static void
t_terms(void)
{
	char err[256];
	const char *rec = "v=spf1 ~a:ex.com/24//64 ?ip4:192.0.2.1 "
	    "-ip6:2001:db8::/48 redirect=r.example";
	struct spf_record *r = spf_parse(rec, strlen(rec), err, sizeof(err));

	T_CHECK(r != NULL);
	if (r == NULL)
		return;
	T_EQ_INT(r->n, 4);
	T_EQ_INT(r->terms[0].kind, SPF_A);
	T_EQ_INT(r->terms[0].qualifier, '~');
	T_EQ_STR(r->terms[0].domain, "ex.com");
	T_EQ_INT(r->terms[0].cidr4, 24);
	T_EQ_INT(r->terms[0].cidr6, 64);
	T_EQ_INT(r->terms[1].kind, SPF_IP4);
	T_EQ_INT(r->terms[1].ip[3], 1);
	T_EQ_INT(r->terms[1].cidr4, -1);
	T_EQ_INT(r->terms[2].kind, SPF_IP6);
	T_EQ_INT(r->terms[2].cidr6, 48);
	T_EQ_INT(r->terms[2].ip[0], 0x20);
	T_EQ_INT(r->redirect, 3);
	T_EQ_STR(r->terms[3].domain, "r.example");
	T_EQ_INT(r->exp, -1);
	spf_record_free(r);
}

static void
t_macros(void)
{
	/* RFC 7208 §7.4 examples */
	static const struct { const char *in, *out; int explain; } rows[] = {
		{ "%{s}", "strong-bad@email.example.com", 0 },
		{ "%{o}", "email.example.com", 0 },
		{ "%{d}", "email.example.com", 0 },
		{ "%{d4}", "email.example.com", 0 },
		{ "%{d3}", "email.example.com", 0 },
		{ "%{d2}", "example.com", 0 },
		{ "%{d1}", "com", 0 },
		{ "%{dr}", "com.example.email", 0 },
		{ "%{d2r}", "example.email", 0 },
		{ "%{l}", "strong-bad", 0 },
		{ "%{l-}", "strong.bad", 0 },
		{ "%{lr}", "strong-bad", 0 },
		{ "%{lr-}", "bad.strong", 0 },
		{ "%{l1r-}", "strong", 0 },
		{ "%{ir}.%{v}._spf.%{d2}", "1.2.0.192.in-addr._spf.example.com",
		  0 },
		{ "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com", 0 },
		{ "%{d2}.trusted-domains.example.net",
		  "example.com.trusted-domains.example.net", 0 },
		{ "%%%_%-", "% %20", 0 },
		{ "%{L}", "strong-bad", 0 },
		{ "%{S}", "strong-bad%40email.example.com", 0 },
		{ "%{c} at %{t}", "192.0.2.1 at 1400000000", 1 },
		{ "%{d0}", NULL, 0 },
		{ "%{c}", NULL, 0 },
		{ "%{q}", NULL, 1 },
		{ "%x", NULL, 0 },
		{ "%{d", NULL, 0 },
		{ "%", NULL, 0 },
	};
	struct spf_macro_vars v;
	struct sbuf b;
	size_t i;

	memset(&v, 0, sizeof(v));
	v.s = "strong-bad@email.example.com";
	v.l = "strong-bad";
	v.o = v.d = "email.example.com";
	v.i = v.c = "192.0.2.1";
	v.v = "in-addr";
	v.t = "1400000000";
	sbuf_init(&b, 4096);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int r = spf_macro_expand(rows[i].in, strlen(rows[i].in), &v,
		    rows[i].explain, 0, &b);

		if (rows[i].out == NULL)
			T_EQ_INT(r, -1);
		else {
			T_EQ_INT(r, 0);
			T_EQ_STR(b.data ? b.data : "", rows[i].out);
		}
	}
	/* §7.3: a long expansion loses labels from the left */
	{
		char big[400];

		memset(big, 'a', sizeof(big));
		for (i = 50; i < sizeof(big); i += 50)
			big[i] = '.';
		memcpy(big + sizeof(big) - 12, ".example.com", 12);
		v.d = "x";
		T_EQ_INT(spf_macro_expand(big, sizeof(big), &v, 0, 1, &b), 0);
		T_CHECK(b.len <= 253);
		T_CONTAINS(b.data, ".example.com");
	}
	sbuf_free(&b);
	T_EQ_INT(spf_is_record("v=spf1", 6), 1);
	T_EQ_INT(spf_is_record("v=spf1 a", 8), 1);
	T_EQ_INT(spf_is_record("v=spf1a", 7), 0);
	T_EQ_INT(spf_macro_uses("a%{p}b", 'p'), 1);
	T_EQ_INT(spf_macro_uses("a%%{p}b", 'p'), 0);
}

/* ---- evaluator on a tiny zone: name, type, value ---- */
struct zrr { const char *name; int type; const char *value; };

static const struct zrr zone[] = {
	{ "ok.example", SPF_DNS_T_TXT, "v=spf1 ip4:192.0.2.0/24 -all" },
	{ "deep.example", SPF_DNS_T_TXT, "v=spf1 include:i1.example -all" },
	{ "i1.example", SPF_DNS_T_TXT, "v=spf1 a mx include:i2.example "
	  "~all" },
	{ "i2.example", SPF_DNS_T_TXT, "v=spf1 a:a1.example a:a2.example "
	  "a:a3.example a:a4.example include:i3.example ?all" },
	{ "i3.example", SPF_DNS_T_TXT, "v=spf1 a:a5.example a:a6.example "
	  "a:a7.example a:a8.example -all" },
	{ "void.example", SPF_DNS_T_TXT, "v=spf1 a:n1.example a:n2.example "
	  "a:n3.example -all" },
	{ "two.example", SPF_DNS_T_TXT, "v=spf1 -all" },
	{ "two.example", SPF_DNS_T_TXT, "v=spf1 +all" },
	{ "bad.example", SPF_DNS_T_TXT, "v=spf1 ip4:300.1.1.1 -all" },
	{ "ptr.example", SPF_DNS_T_TXT, "v=spf1 ptr redirect=ok.example" },
	{ "soft.example", SPF_DNS_T_TXT, "v=spf1 include:ok.example ~all" },
	{ "tmp.example", SPF_DNS_T_TXT, "v=spf1 a:tempfail.example -all" },
	{ "explain.example", SPF_DNS_T_TXT, "v=spf1 -all exp=why.example" },
	{ "why.example", SPF_DNS_T_TXT, "%{i} may not send for %{d}" },
	{ "a1.example", SPF_DNS_T_A, "198.51.100.1" },
	{ "a2.example", SPF_DNS_T_A, "198.51.100.1" },
	{ "a3.example", SPF_DNS_T_A, "198.51.100.1" },
	{ "a4.example", SPF_DNS_T_A, "198.51.100.1" },
	{ "a5.example", SPF_DNS_T_A, "198.51.100.1" },
	{ "a6.example", SPF_DNS_T_A, "198.51.100.1" },
	{ "a7.example", SPF_DNS_T_A, "198.51.100.1" },
	{ "a8.example", SPF_DNS_T_A, "198.51.100.1" },
	{ "i1.example", SPF_DNS_T_A, "198.51.100.2" },
	{ "i1.example", SPF_DNS_T_MX, "mx.example" },
	{ "mx.example", SPF_DNS_T_A, "192.0.2.25" },
};

static int
zone_lookup(void *ctx, const char *name, int rrtype,
    struct spf_dns_answer *out)
{
	size_t k;
	int exists = 0;
	unsigned char a[16];

	(void)ctx;
	if (strcmp(name, "tempfail.example") == 0) {
		out->status = SPF_DNS_TEMPFAIL;
		return 0;
	}
	for (k = 0; k < sizeof(zone) / sizeof(zone[0]); k++) {
		if (strcasecmp(zone[k].name, name) != 0)
			continue;
		exists = 1;
		if (zone[k].type != rrtype)
			continue;
		if (rrtype == SPF_DNS_T_TXT)
			spf_eval_answer_add_txt(out, zone[k].value,
			    strlen(zone[k].value));
		else if (rrtype == SPF_DNS_T_MX)
			spf_eval_answer_add_name(out, zone[k].value, 10);
		else if (inet_pton(AF_INET, zone[k].value, a) == 1)
			spf_eval_answer_add_addr(out, AF_INET, a);
	}
	out->status = out->n ? SPF_DNS_OK : exists ? SPF_DNS_NODATA :
	    SPF_DNS_NXDOMAIN;
	return 0;
}

static enum spf_result
check(const char *ip, const char *domain, struct spf_eval_result *res)
{
	const struct spf_dns_ops ops = { zone_lookup };
	struct spf_eval_request rq;
	char sender[300];

	memset(&rq, 0, sizeof(rq));
	rq.family = AF_INET;
	inet_pton(AF_INET, ip, rq.ip);
	snprintf(sender, sizeof(sender), "user@%s", domain);
	rq.sender = sender;
	rq.domain = domain;
	rq.helo = "helo.example";
	return spf_eval_check_host(&ops, NULL, &rq, res);
}

static void
t_eval(void)
{
	struct spf_eval_result r;

	T_EQ_INT(check("192.0.2.7", "ok.example", &r), SPF_RESULT_PASS);
	T_EQ_STR(r.mechanism, "ip4:192.0.2.0/24");
	T_EQ_INT(check("198.51.100.7", "ok.example", &r), SPF_RESULT_FAIL);
	T_CONTAINS(r.explanation, "198.51.100.7");
	T_EQ_INT(check("192.0.2.7", "nosuch.example", &r), SPF_RESULT_NONE);
	T_EQ_INT(check("192.0.2.7", "two.example", &r),
	    SPF_RESULT_PERMERROR);
	T_EQ_INT(check("192.0.2.7", "bad.example", &r),
	    SPF_RESULT_PERMERROR);
	T_CONTAINS(r.why, "bad address");
	T_EQ_INT(check("192.0.2.7", "tmp.example", &r),
	    SPF_RESULT_TEMPERROR);
	T_EQ_INT(check("192.0.2.7", "soft.example", &r), SPF_RESULT_PASS);
	T_EQ_INT(check("203.0.113.1", "soft.example", &r),
	    SPF_RESULT_SOFTFAIL);
	T_EQ_INT(check("203.0.113.1", "explain.example", &r),
	    SPF_RESULT_FAIL);
	T_EQ_STR(r.explanation, "203.0.113.1 may not send for "
	    "explain.example");
	T_EQ_INT(check("192.0.2.25", "deep.example", &r), SPF_RESULT_PASS);
	T_EQ_INT(r.lookups, 3);
	/* 1 include + a + mx + include + 4 a + include + 4 a = 13 > 10:
	 * the 11th is a:a6.example, reached via i1 -> i2 -> i3 */
	T_EQ_INT(check("203.0.113.1", "deep.example", &r),
	    SPF_RESULT_PERMERROR);
	T_EQ_INT(r.limit, SPF_LIMIT_LOOKUPS);
	T_EQ_STR(r.chain, "deep.example include:i1.example "
	    "include:i2.example include:i3.example a:a6.example");
	T_EQ_INT(check("203.0.113.1", "void.example", &r),
	    SPF_RESULT_PERMERROR);
	T_EQ_INT(r.limit, SPF_LIMIT_VOID);
	T_EQ_STR(r.chain, "void.example a:n3.example");
	T_EQ_INT(check("192.0.2.7", "a..example", &r), SPF_RESULT_NONE);
	T_EQ_INT(check("192.0.2.7", "localhost", &r), SPF_RESULT_NONE);
	T_EQ_STR(spf_eval_result_name(SPF_RESULT_SOFTFAIL), "softfail");
}

static void
t_analyze(void)
{
	const struct spf_dns_ops ops = { zone_lookup };
	struct spf_eval_analysis a;

	T_EQ_INT(spf_eval_analyze(&ops, NULL, "ok.example", &a),
	    SPF_REC_ONE);
	T_EQ_INT(a.all_qualifier, '-');
	T_EQ_INT(a.lookups, 0);
	T_EQ_INT(a.limit, SPF_LIMIT_NONE);
	T_EQ_INT(spf_eval_analyze(&ops, NULL, "deep.example", &a),
	    SPF_REC_ONE);
	T_EQ_INT(a.lookups, 13);
	T_EQ_INT(a.limit, SPF_LIMIT_LOOKUPS);
	T_CONTAINS(a.chain, "include:i3.example a:a6.example");
	T_EQ_INT(spf_eval_analyze(&ops, NULL, "ptr.example", &a),
	    SPF_REC_ONE);
	T_EQ_INT(a.uses_ptr, 1);
	T_EQ_INT(a.has_redirect, 1);
	T_EQ_INT(a.all_qualifier, '-');	/* from the redirect target */
	T_EQ_INT(spf_eval_analyze(&ops, NULL, "two.example", &a),
	    SPF_REC_SEVERAL);
	T_EQ_INT(spf_eval_analyze(&ops, NULL, "bad.example", &a),
	    SPF_REC_SYNTAX);
	T_CONTAINS(a.error, "bad address");
	T_EQ_INT(spf_eval_analyze(&ops, NULL, "nosuch.example", &a),
	    SPF_REC_NONE);
	T_EQ_INT(spf_eval_analyze(&ops, NULL, "tempfail.example", &a),
	    SPF_REC_TEMPFAIL);
	T_EQ_INT(spf_eval_analyze(&ops, NULL, "void.example", &a),
	    SPF_REC_ONE);
	T_EQ_INT(a.void_lookups, 3);
	T_EQ_INT(a.limit, SPF_LIMIT_VOID);
	T_EQ_INT(spf_eval_analyze(&ops, NULL, "soft.example", &a),
	    SPF_REC_ONE);
	T_EQ_INT(a.all_qualifier, '~');
}

T_MAIN(T_CASE(t_parse), T_CASE(t_terms), T_CASE(t_macros),
    T_CASE(t_eval), T_CASE(t_analyze))
