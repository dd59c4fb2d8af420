/* test_check: the engine's pure helpers: domain normalisation, finding
 * order, static texts for every id of findings.md. */
#include <stdlib.h>

#include "responder/check.h"
#include "t.h"

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

T_MAIN(T_CASE(test_domain_norm), T_CASE(test_sort_and_texts))
