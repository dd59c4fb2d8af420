/* test_tlsa: TLSA presentation and rdata tables (RFC 6698, RFC 7672). */
#include <string.h>

#include "t.h"
#include "mail/tlsa.h"

#define H32 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define H64 H32 H32

static void
t_text(void)
{
	/* input, error ("" = ok), usage, selector, mtype, len, usable */
	static const struct {
		const char *in, *err;
		int u, s, m, len, usable;
	} rows[] = {
		{ "3 1 1 " H32, "", 3, 1, 1, 32, 1 },
		{ "2 0 2 " H64, "", 2, 0, 2, 64, 1 },
		{ " 3  1  1  e3b0c442 98fc1c14 9afbf4c8 996fb924 27ae41e4 "
		  "649b934c a495991b 7852B855 ", "", 3, 1, 1, 32, 1 },
		{ "3 0 0 3082010a", "", 3, 0, 0, 4, 1 },
		{ "3 1 1 ( e3b0c44298fc1c149afbf4c8996fb924\n"
		  "        27ae41e4649b934ca495991b7852b855 )", "", 3, 1, 1, 32,
		  1 },
		{ "1 1 1 " H32, "", 1, 1, 1, 32, 0 },
		{ "0 0 1 " H32, "", 0, 0, 1, 32, 0 },
		{ "4 1 1 " H32, "", 4, 1, 1, 32, 0 },
		{ "3 2 1 " H32, "", 3, 2, 1, 32, 0 },
		{ "3 1 3 00", "", 3, 1, 3, 1, 0 },
		{ "3 1 1 e3b0c442", "not 32", 0, 0, 0, 0, 0 },
		{ "3 1 2 " H32, "not 64", 0, 0, 0, 0, 0 },
		{ "3 1 1 " H32 "00", "not 32", 0, 0, 0, 0, 0 },
		{ "3 1 1", "empty", 0, 0, 0, 0, 0 },
		{ "3 1 1 abc", "odd number", 0, 0, 0, 0, 0 },
		{ "3 1 1 zz", "bad hex", 0, 0, 0, 0, 0 },
		{ "256 1 1 00", "bad usage", 0, 0, 0, 0, 0 },
		{ "3 x 1 00", "bad selector", 0, 0, 0, 0, 0 },
		{ "3 1", "bad matching type", 0, 0, 0, 0, 0 },
		{ "3a 1 1 00", "bad usage", 0, 0, 0, 0, 0 },
		{ "", "bad usage", 0, 0, 0, 0, 0 },
	};
	struct tlsa_rr rr;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = tlsa_parse_text(rows[i].in, strlen(rows[i].in), &rr,
		    err, sizeof(err));

		if (rows[i].err[0]) {
			T_EQ_INT(rc, -1);
			T_CONTAINS(err, rows[i].err);
			continue;
		}
		if (rc)
			fprintf(stderr, "row %zu: %s\n", i, err);
		T_EQ_INT(rc, 0);
		T_EQ_INT(rr.usage, rows[i].u);
		T_EQ_INT(rr.selector, rows[i].s);
		T_EQ_INT(rr.mtype, rows[i].m);
		T_EQ_INT(rr.len, rows[i].len);
		T_EQ_INT(tlsa_unusable(&rr) == NULL, rows[i].usable);
	}
	T_EQ_INT(tlsa_parse_text("3 1 1 " H32, 6 + 64, &rr, err,
	    sizeof(err)), 0);
	T_EQ_INT(rr.data[0], 0xe3);
	T_EQ_INT(rr.data[31], 0x55);
}

static void
t_rdata(void)
{
	unsigned char rd[3 + 64];
	struct tlsa_rr rr;
	char err[256];

	memset(rd, 0xab, sizeof(rd));
	rd[0] = 3;
	rd[1] = 1;
	rd[2] = 1;
	T_EQ_INT(tlsa_parse_rdata(rd, 35, &rr, err, sizeof(err)), 0);
	T_EQ_INT(rr.len, 32);
	T_CHECK(tlsa_unusable(&rr) == NULL);
	T_EQ_INT(tlsa_parse_rdata(rd, 34, &rr, err, sizeof(err)), -1);
	T_CONTAINS(err, "not 32");
	rd[2] = 2;
	T_EQ_INT(tlsa_parse_rdata(rd, 67, &rr, err, sizeof(err)), 0);
	T_EQ_INT(tlsa_parse_rdata(rd, 2, &rr, err, sizeof(err)), -1);
	T_CONTAINS(err, "shorter");
	rd[2] = 0;
	T_EQ_INT(tlsa_parse_rdata(rd, 3, &rr, err, sizeof(err)), -1);
	T_CONTAINS(err, "empty");
	rd[0] = 1;
	T_EQ_INT(tlsa_parse_rdata(rd, 10, &rr, err, sizeof(err)), 0);
	T_CONTAINS(tlsa_unusable(&rr), "RFC 7672");
	T_EQ_STR(tlsa_usage_name(3), "DANE-EE");
	T_EQ_STR(tlsa_selector_name(1), "SPKI");
	T_EQ_STR(tlsa_mtype_name(1), "SHA2-256");
	T_EQ_STR(tlsa_usage_name(7), "unknown");
}

T_MAIN(T_CASE(t_text), T_CASE(t_rdata))
