/* test_tlsrpt: TLS-RPT record table (RFC 8460 §3). */
#include <string.h>

#include "t.h"
#include "mail/tlsrpt.h"

static void
t_table(void)
{
	static const struct { const char *in, *err; int n; } rows[] = {
		{ "v=TLSRPTv1; rua=mailto:tlsrpt@example.com", "", 1 },
		{ "v=TLSRPTv1;rua=https://r.example.com/v1/report;", "", 1 },
		{ "v=TLSRPTv1; rua=mailto:a@b.example, https://r.example/x",
		  "", 2 },
		{ "v=TLSRPTv1 ; rua=mailto:a@b.example ; ext=1", "", 1 },
		{ "v=TLSRPTv1", "no rua", 0 },
		{ "v=TLSRPTv1; rua=", "bad rua URI", 0 },
		{ "v=TLSRPTv1; rua=mailto:", "bad rua URI", 0 },
		{ "v=TLSRPTv1; rua=mailto:nobody", "bad rua URI", 0 },
		{ "v=TLSRPTv1; rua=http://r.example/x", "neither mailto",
		  0 },
		{ "v=TLSRPTv1; rua=https://", "bad rua URI", 0 },
		{ "v=TLSRPTv1; rua=mailto:a@b.example,", "bad rua URI", 0 },
		{ "v=TLSRPTv1; rua=mailto:a@b.example; rua=mailto:c@d.example",
		  "twice", 0 },
		{ "v=TLSRPTv2; rua=mailto:a@b.example", "must start", 0 },
		{ "rua=mailto:a@b.example; v=TLSRPTv1", "must start", 0 },
		{ "v=TLSRPTv1;; rua=mailto:a@b.example", "empty field", 0 },
		{ "v=TLSRPTv1; rua", "not name=value", 0 },
		{ "", "must start", 0 },
	};
	struct tlsrpt_record r;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = tlsrpt_parse(rows[i].in, strlen(rows[i].in), &r, err,
		    sizeof(err));

		if (rows[i].err[0]) {
			T_EQ_INT(rc, -1);
			T_CONTAINS(err, rows[i].err);
		} else {
			if (rc)
				fprintf(stderr, "row %zu: %s\n", i, err);
			T_EQ_INT(rc, 0);
			T_EQ_INT(r.nrua, rows[i].n);
		}
	}
}

static void
t_fields(void)
{
	struct tlsrpt_record r;
	char err[256];
	const char *in = "v=TLSRPTv1; rua=mailto:TLS@Example.COM,"
	    "https://Rep.example.net:8443/tlsrpt";

	T_EQ_INT(tlsrpt_parse(in, strlen(in), &r, err, sizeof(err)), 0);
	T_EQ_INT(r.rua[0].https, 0);
	T_EQ_STR(r.rua[0].domain, "example.com");
	T_EQ_INT(r.rua[1].https, 1);
	T_EQ_STR(r.rua[1].domain, "rep.example.net");
	T_EQ_STR(r.rua[1].uri, "https://Rep.example.net:8443/tlsrpt");
	T_EQ_INT(tlsrpt_is_record("v=TLSRPTv1;", 11), 1);
	T_EQ_INT(tlsrpt_is_record("v=TLSRPTv10", 11), 0);
}

T_MAIN(T_CASE(t_table), T_CASE(t_fields))
