/* test_dmarc: DMARC record parser table (RFC 7489 §6.3, §6.4). */
#include <string.h>

#include "t.h"
#include "mail/dmarc.h"

static void
t_table(void)
{
	/* input, error substring ("" = ok), p, sp, pct, nrua */
	static const struct {
		const char *in, *err;
		int p, sp, pct, nrua;
	} rows[] = {
		{ "v=DMARC1; p=reject", "", DMARC_P_REJECT, 0, 100, 0 },
		{ "v=DMARC1;p=none;", "", DMARC_P_NONE, 0, 100, 0 },
		{ " v = DMARC1 ; p = Quarantine ; sp=none; pct=20", "",
		  DMARC_P_QUARANTINE, DMARC_P_NONE, 20, 0 },
		{ "v=DMARC1; p=reject; rua=mailto:d@example.com,"
		  "mailto:x@rep.example.net!10m", "", DMARC_P_REJECT, 0, 100,
		  2 },
		{ "v=DMARC1; p=reject; rua=https://r.example/dmarc", "",
		  DMARC_P_REJECT, 0, 100, 1 },
		{ "v=DMARC1; p=none; adkim=s; aspf=r; fo=0:1:d:s; rf=afrf; "
		  "ri=3600; future=ok", "", DMARC_P_NONE, 0, 100, 0 },
		{ "v=DMARC1", "no p= tag", 0, 0, 0, 0 },
		{ "v=DMARC1; rua=mailto:a@b.example", "no p= tag", 0, 0, 0,
		  0 },
		{ "v=DMARC1; p=block", "invalid p value", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; sp=maybe", "invalid sp", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; pct=101", "invalid pct", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; pct=", "invalid pct", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; pct=-1", "invalid pct", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; adkim=x", "invalid adkim", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; fo=2", "invalid fo", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; rf=iodef", "invalid rf", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; ri=soon", "invalid ri", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; rua=d@example.com", "bad report URI", 0,
		  0, 0, 0 },
		{ "v=DMARC1; p=none; rua=mailto:example.com", "bad report URI",
		  0, 0, 0, 0 },
		{ "v=DMARC1; p=none; rua=mailto:a@b.example!x",
		  "bad report URI", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; rua=mailto:a@b.example,",
		  "empty URI", 0, 0, 0, 0 },
		{ "v=DMARC1; p=none; p=reject", "given twice", 0, 0, 0, 0 },
		{ "p=none; v=DMARC1", "must start with v=DMARC1", 0, 0, 0, 0 },
		{ "v=dmarc1; p=none", "must start with v=DMARC1", 0, 0, 0, 0 },
		{ "v=DMARC1; p", "is not tag=value", 0, 0, 0, 0 },
		{ "", "must start", 0, 0, 0, 0 },
	};
	struct dmarc_record r;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = dmarc_parse(rows[i].in, strlen(rows[i].in), &r, err,
		    sizeof(err));

		if (rows[i].err[0]) {
			T_EQ_INT(rc, -1);
			T_CONTAINS(err, rows[i].err);
			continue;
		}
		if (rc != 0)
			fprintf(stderr, "row %zu: %s\n", i, err);
		T_EQ_INT(rc, 0);
		T_EQ_INT(r.p, rows[i].p);
		T_EQ_INT(r.sp, rows[i].sp);
		T_EQ_INT(r.pct, rows[i].pct);
		T_EQ_INT(r.nrua, rows[i].nrua);
	}
}

static void
t_fields(void)
{
	struct dmarc_record r;
	char err[256], name[300];
	const char *in = "v=DMARC1; p=reject; adkim=s; fo=1:d; ri=3600; "
	    "rua=mailto:Agg@Example.COM, mailto:x@rep.example.net!10m; "
	    "ruf=https://F.example.org:8443/r";

	T_EQ_INT(dmarc_parse(in, strlen(in), &r, err, sizeof(err)), 0);
	T_EQ_INT(r.adkim, 's');
	T_EQ_INT(r.aspf, 'r');
	T_EQ_INT(r.fo, DMARC_FO_1 | DMARC_FO_D);
	T_EQ_INT(r.ri, 3600);
	T_EQ_STR(r.rua[0].scheme, "mailto");
	T_EQ_STR(r.rua[0].domain, "example.com");
	T_EQ_STR(r.rua[1].uri, "mailto:x@rep.example.net");
	T_EQ_INT(r.rua[1].max_size, 10 * 1024 * 1024);
	T_EQ_STR(r.ruf[0].domain, "f.example.org");
	T_EQ_STR(dmarc_policy_name(r.p), "reject");
	T_EQ_INT(dmarc_is_record("v=DMARC1; p=none", 16), 1);
	T_EQ_INT(dmarc_is_record("v=DMARC10", 9), 0);
	T_EQ_INT(dmarc_is_record("v=spf1", 6), 0);
	T_EQ_INT(dmarc_report_auth_name("example.com", "rep.example.net",
	    name, sizeof(name)), 0);
	T_EQ_STR(name, "example.com._report._dmarc.rep.example.net");
}

T_MAIN(T_CASE(t_table), T_CASE(t_fields))
