/* test_dns: the pure parts of lib/dns: wire names, rdata, PTR names. */
#include <stdlib.h>

#include "dns/dns.h"
#include "t.h"

static void
test_names(void)
{
	static const struct {
		const char *wire;
		size_t len;
		int used;
		const char *text;
	} rows[] = {
		{ "\3mx1\4good\4test\0", 15, 15, "mx1.good.test." },
		{ "\0", 1, 1, "." },
		{ "\3a.b\0", 5, 5, "a\\.b." },
		{ "\3a\001b\0", 5, 5, "a\\001b." },
		{ "\3ab", 3, -1, NULL },		/* runs past the end */
		{ "\xc0\x0c", 2, -1, NULL },		/* compression */
		{ "", 0, -1, NULL },
	};
	char out[DNS_NAME_MAX];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int n = dns_name_from_wire((const unsigned char *)rows[i].wire,
		    rows[i].len, out, sizeof(out));

		T_EQ_INT(n, rows[i].used);
		if (rows[i].text)
			T_EQ_STR(out, rows[i].text);
	}
	/* too small an output buffer is an error, not an overflow */
	T_EQ_INT(dns_name_from_wire((const unsigned char *)"\3mx1\0", 5, out,
	    4), -1);
}

static void
test_rdata(void)
{
	struct dns_rr rr;
	const char *why;

	T_EQ_INT(dns_rr_parse(&rr, DNS_T_MX, (const unsigned char *)
	    "\0\12\3mx1\4good\4test\0", 17, &why), 0);
	T_EQ_INT(rr.pref, 10);
	T_EQ_STR(rr.name, "mx1.good.test.");
	dns_rr_clear(&rr);
	T_EQ_INT(dns_rr_parse(&rr, DNS_T_MX, (const unsigned char *)"\0\0\0",
	    3, &why), 0);
	T_EQ_STR(rr.name, ".");	/* null MX */
	dns_rr_clear(&rr);
	T_EQ_INT(dns_rr_parse(&rr, DNS_T_MX, (const unsigned char *)"\0",
	    1, &why), -1);
	dns_rr_clear(&rr);
	/* TXT strings are joined without separator (RFC 7208 3.3) */
	T_EQ_INT(dns_rr_parse(&rr, DNS_T_TXT, (const unsigned char *)
	    "\6v=spf1\5 -all", 13, &why), 0);
	T_EQ_STR(rr.txt, "v=spf1 -all");
	T_EQ_INT(rr.txt_len, 11);
	dns_rr_clear(&rr);
	T_EQ_INT(dns_rr_parse(&rr, DNS_T_TXT, (const unsigned char *)
	    "\7v=spf1", 7, &why), -1);
	dns_rr_clear(&rr);
	T_EQ_INT(dns_rr_parse(&rr, DNS_T_A, (const unsigned char *)
	    "\313\0\161\12", 4, &why), 0);
	T_EQ_STR(rr.addr, "203.0.113.10");
	dns_rr_clear(&rr);
	T_EQ_INT(dns_rr_parse(&rr, DNS_T_A, (const unsigned char *)"\1\2",
	    2, &why), -1);
	dns_rr_clear(&rr);
	T_EQ_INT(dns_rr_parse(&rr, DNS_T_AAAA, (const unsigned char *)
	    " \1\15\270\0\0\0\0\0\0\0\0\0\0\0\1", 16, &why), 0);
	T_EQ_STR(rr.addr, "2001:db8::1");
	dns_rr_clear(&rr);
	T_EQ_INT(dns_rr_parse(&rr, DNS_T_TLSA, (const unsigned char *)
	    "\3\1\1\xab\xcd", 5, &why), 0);
	T_EQ_INT(rr.usage, 3);
	T_EQ_INT(rr.selector, 1);
	T_EQ_INT(rr.mtype, 1);
	T_EQ_INT(rr.assoc_len, 2);
	T_EQ_INT(rr.assoc[0], 0xab);
	dns_rr_clear(&rr);
}

static void
test_ptr(void)
{
	char out[DNS_NAME_MAX];

	T_EQ_INT(dns_ptr_name("203.0.113.10", out, sizeof(out)), 0);
	T_EQ_STR(out, "10.113.0.203.in-addr.arpa.");
	T_EQ_INT(dns_ptr_name("2001:db8::1", out, sizeof(out)), 0);
	T_EQ_STR(out, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "8.b.d.0.1.0.0.2.ip6.arpa.");
	T_EQ_INT(dns_ptr_name("nonsense", out, sizeof(out)), -1);
	T_EQ_INT(dns_ptr_name("203.0.113.10", out, 8), -1);
}

static void
test_names_of_enums(void)
{
	T_EQ_STR(dns_status_name(DNS_TEMPFAIL), "tempfail");
	T_EQ_STR(dns_sec_name(DNS_SEC_BOGUS), "bogus");
	T_EQ_STR(dns_type_name(DNS_T_TLSA), "TLSA");
}

T_MAIN(T_CASE(test_names), T_CASE(test_rdata), T_CASE(test_ptr),
    T_CASE(test_names_of_enums))
