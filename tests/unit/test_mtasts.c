/* test_mtasts: MTA-STS TXT record, policy file and MX matching tables
 * (RFC 8461 §3.1, §3.2, §4.1). */
#include <string.h>

#include "t.h"
#include "mail/mtasts.h"

static void
t_txt(void)
{
	static const struct { const char *in, *err, *id; } rows[] = {
		{ "v=STSv1; id=20190429T010101;", "", "20190429T010101" },
		{ "v=STSv1;id=abc", "", "abc" },
		{ "v=STSv1; id=abc; ext=foo", "", "abc" },
		{ "v=STSv1 ; id=12345678901234567890123456789012", "",
		  "12345678901234567890123456789012" },
		{ "v=STSv1; id=123456789012345678901234567890123", "1 to 32",
		  NULL },
		{ "v=STSv1; id=a-b", "1 to 32", NULL },
		{ "v=STSv1; id=", "1 to 32", NULL },
		{ "v=STSv1", "no id", NULL },
		{ "v=STSv1; ;id=a", "empty field", NULL },
		{ "v=stsv1; id=a", "must start with v=STSv1", NULL },
		{ "id=a; v=STSv1", "must start with v=STSv1", NULL },
		{ "v=STSv1; id=a; id=b", "twice", NULL },
		{ "v=STSv1; id", "is not name=value", NULL },
		{ "", "must start", NULL },
	};
	struct mtasts_txt t;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = mtasts_txt_parse(rows[i].in, strlen(rows[i].in), &t,
		    err, sizeof(err));

		if (rows[i].id) {
			T_EQ_INT(rc, 0);
			T_EQ_STR(t.id, rows[i].id);
		} else {
			T_EQ_INT(rc, -1);
			T_CONTAINS(err, rows[i].err);
		}
	}
	T_EQ_INT(mtasts_txt_is_record("v=STSv1; id=1", 13), 1);
	T_EQ_INT(mtasts_txt_is_record("v=STSv10", 8), 0);
}

static void
t_policy(void)
{
	static const struct {
		const char *in, *err;
		int mode, nmx;
		unsigned age;
	} rows[] = {
		{ "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
		  "mx: *.example.net\r\nmax_age: 604800\r\n", "",
		  MTASTS_MODE_ENFORCE, 2, 604800 },
		{ "version: STSv1\nmode: testing\nmx: a.example\n"
		  "max_age: 31557600", "", MTASTS_MODE_TESTING, 1, 31557600 },
		{ "version:STSv1\nmode:none\nmax_age:0\nfuture: x\n", "",
		  MTASTS_MODE_NONE, 0, 0 },
		{ "version: STSv1\nmode: enforce\nmx: a.example\n"
		  "max_age: 31557601\n", "max_age must be", 0, 0, 0 },
		{ "version: STSv1\nmode: enforce\nmx: a.example\n"
		  "max_age: 12345678901\n", "max_age must be", 0, 0, 0 },
		{ "version: STSv1\nmode: enforce\nmx: a.example\n"
		  "max_age: -5\n", "max_age must be", 0, 0, 0 },
		{ "version: STSv1\nmode: enforce\nmx: a.example\n",
		  "no max_age", 0, 0, 0 },
		{ "version: STSv1\nmode: enforce\nmax_age: 5\n", "no mx", 0,
		  0, 0 },
		{ "version: STSv2\nmode: enforce\n", "must be STSv1", 0, 0,
		  0 },
		{ "mode: enforce\nmx: a.example\nmax_age: 5\n", "no version",
		  0, 0, 0 },
		{ "version: STSv1\nmode: strict\n", "mode must be", 0, 0, 0 },
		{ "version: STSv1\nmode: none\nmode: none\n", "twice", 0, 0,
		  0 },
		{ "version: STSv1\nmode: enforce\nmx: a..example\n",
		  "bad mx pattern", 0, 0, 0 },
		{ "version: STSv1\nmode: enforce\nmx: *.*.example\n",
		  "bad mx pattern", 0, 0, 0 },
		{ "version: STSv1\nmode enforce\n", "line 2: expected", 0, 0,
		  0 },
		{ "version: STSv1\nmode: none\n", "no max_age", 0, 0, 0 },
		{ "", "no version", 0, 0, 0 },
	};
	struct mtasts_policy p;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = mtasts_policy_parse(rows[i].in, strlen(rows[i].in),
		    &p, err, sizeof(err));

		if (rows[i].err[0]) {
			T_EQ_INT(rc, -1);
			T_CONTAINS(err, rows[i].err);
			continue;
		}
		if (rc)
			fprintf(stderr, "row %zu: %s\n", i, err);
		T_EQ_INT(rc, 0);
		T_EQ_INT(p.mode, rows[i].mode);
		T_EQ_INT(p.nmx, rows[i].nmx);
		T_EQ_INT(p.max_age, rows[i].age);
	}
}

static void
t_match(void)
{
	static const struct { const char *pat, *host; int m; } rows[] = {
		{ "mail.example.com", "mail.example.com", 1 },
		{ "mail.example.com", "MAIL.Example.COM.", 1 },
		{ "mail.example.com.", "mail.example.com", 1 },
		{ "mail.example.com", "mail2.example.com", 0 },
		{ "*.example.com", "mx1.example.com", 1 },
		{ "*.example.com", "a.b.example.com", 0 },
		{ "*.example.com", "example.com", 0 },
		{ "*.example.com", "mx1.example.net", 0 },
		{ "*.example.com", "mx1.xexample.com", 0 },
		{ "*.example.com", ".example.com", 0 },
		{ "", "a.example", 0 },
	};
	struct mtasts_policy p;
	char err[256];
	const char *pol = "version: STSv1\nmode: enforce\nmx: a.example\n"
	    "mx: *.b.example\nmax_age: 86400\n";
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		T_EQ_INT(mtasts_mx_match(rows[i].pat, rows[i].host),
		    rows[i].m);
	T_EQ_INT(mtasts_policy_parse(pol, strlen(pol), &p, err,
	    sizeof(err)), 0);
	T_EQ_INT(mtasts_policy_match(&p, "a.example"), 0);
	T_EQ_INT(mtasts_policy_match(&p, "mx.b.example"), 1);
	T_EQ_INT(mtasts_policy_match(&p, "mx.c.example"), -1);
	T_EQ_STR(mtasts_mode_name(p.mode), "enforce");
}

T_MAIN(T_CASE(t_txt), T_CASE(t_policy), T_CASE(t_match))
