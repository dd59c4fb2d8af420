/* test_psl: public suffix rules (wildcards, exceptions), the DMARC
 * organizational domain (RFC 7489 §3.2), malformed lists, and the
 * installed Debian list. */
#include <string.h>

#include "t.h"
#include "mail/psl.h"
#include "mail/psl_load.h"

/* publicsuffix.org's test rules, in the list format */
static const char list[] =
    "// comment\n"
    "com\n"
    "\n"
    "  uk   \n"
    "co.uk\r\n"
    "*.ck\n"
    "!www.ck\n"
    "jp\n"
    "ac.jp\n"
    "*.kobe.jp\n"
    "!city.kobe.jp\n"
    "*.bd\n"
    "github.io\n"
    "\xe5\x85\xac\xe5\x8f\xb8.cn\n"
    "cn\n";

static void
t_org(void)
{
	/* domain, public suffix, org domain (NULL = is a public suffix) */
	static const struct { const char *d, *ps, *org; } rows[] = {
		{ "example.com", "com", "example.com" },
		{ "a.b.Example.COM.", "com", "example.com" },
		{ "com", "com", NULL },
		{ "mail.example.co.uk", "co.uk", "example.co.uk" },
		{ "co.uk", "co.uk", NULL },
		{ "example.uk", "uk", "example.uk" },
		{ "a.b.c.ck", "c.ck", "b.c.ck" },
		{ "c.ck", "c.ck", NULL },
		{ "ck", "ck", NULL },
		{ "www.ck", "ck", "www.ck" },
		{ "a.www.ck", "ck", "www.ck" },
		{ "x.city.kobe.jp", "kobe.jp", "city.kobe.jp" },
		{ "x.y.kobe.jp", "y.kobe.jp", "x.y.kobe.jp" },
		{ "test.ac.jp", "ac.jp", "test.ac.jp" },
		{ "foo.github.io", "github.io", "foo.github.io" },
		{ "example.unknowntld", "unknowntld", "example.unknowntld" },
		{ "a.example.unknowntld", "unknowntld", "example.unknowntld" },
		{ "x.\xe5\x85\xac\xe5\x8f\xb8.cn",
		  "\xe5\x85\xac\xe5\x8f\xb8.cn",
		  "x.\xe5\x85\xac\xe5\x8f\xb8.cn" },
	};
	char err[256], out[256];
	struct psl *p = psl_parse(list, sizeof(list) - 1, err, sizeof(err));
	size_t i;

	T_CHECK(p != NULL);
	if (p == NULL)
		return;
	T_EQ_INT(psl_count(p), 13);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		T_EQ_INT(psl_public_suffix(p, rows[i].d, out, sizeof(out)), 0);
		T_EQ_STR(out, rows[i].ps);
		if (rows[i].org) {
			T_EQ_INT(psl_org_domain(p, rows[i].d, out,
			    sizeof(out)), 0);
			T_EQ_STR(out, rows[i].org);
		} else
			T_EQ_INT(psl_org_domain(p, rows[i].d, out,
			    sizeof(out)), -1);
	}
	T_EQ_INT(psl_org_domain(p, "a..example.com", out, sizeof(out)), -1);
	T_EQ_INT(psl_org_domain(p, "", out, sizeof(out)), -1);
	T_EQ_INT(psl_org_domain(p, ".", out, sizeof(out)), -1);
	psl_free(p);
}

static void
t_malformed(void)
{
	static const struct { const char *in, *err; } rows[] = {
		{ "com\n*.\n", "line 2: bad rule" },
		{ "com\nfoo..bar\n", "line 2: bad rule" },
		{ ".com\n", "line 1: bad rule" },
		{ "a.*.com\n", "line 1: bad rule" },
		{ "!com\n", "line 1: exception rule of one label" },
		{ "!\n", "line 1: bad rule" },
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct psl *p = psl_parse(rows[i].in, strlen(rows[i].in), err,
		    sizeof(err));

		T_CHECK(p == NULL);
		T_CONTAINS(err, rows[i].err);
		psl_free(p);
	}
	/* an empty list is valid: every TLD is a suffix (rule "*") */
	{
		struct psl *p = psl_parse("", 0, err, sizeof(err));
		char out[64];

		T_CHECK(p != NULL);
		T_EQ_INT(psl_org_domain(p, "a.b.example", out, sizeof(out)),
		    0);
		T_EQ_STR(out, "b.example");
		psl_free(p);
	}
}

static void
t_debian(void)
{
	char err[512], out[256];
	struct psl *p = psl_load_file(NULL, err, sizeof(err));

	if (p == NULL)
		fprintf(stderr, "%s (package publicsuffix)\n", err);
	T_CHECK(p != NULL);
	if (p == NULL)
		return;
	T_CHECK(psl_count(p) > 5000);
	T_EQ_INT(psl_org_domain(p, "mail.example.co.uk", out, sizeof(out)),
	    0);
	T_EQ_STR(out, "example.co.uk");
	T_EQ_INT(psl_org_domain(p, "a.b.example.com", out, sizeof(out)), 0);
	T_EQ_STR(out, "example.com");
	T_EQ_INT(psl_org_domain(p, "www.ck", out, sizeof(out)), 0);
	T_EQ_STR(out, "www.ck");
	T_EQ_INT(psl_org_domain(p, "co.uk", out, sizeof(out)), -1);
	psl_free(p);
	T_CHECK(psl_load_file("/nonexistent/psl.dat", err, sizeof(err)) ==
	    NULL);
	T_CONTAINS(err, "No such file");
}

T_MAIN(T_CASE(t_org), T_CASE(t_malformed), T_CASE(t_debian))
