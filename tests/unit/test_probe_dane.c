/* test_probe_dane: DANE matching (RFC 6698, 7671, 7672) of TLSA records
 * against a canned chain: an EC leaf mx.canned.test issued by "Canned CA",
 * and an unrelated "Other CA". Made once with the openssl CLI; the
 * digests below were computed from the same DER files (sha256sum,
 * sha512sum), independently of the code under test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "tls/probe.h"

static const char leaf_der[] =
	"308201993082013fa0030201020214216272c8c0d4875578c41b93736e1d928e"
	"49a016300a06082a8648ce3d04030230143112301006035504030c0943616e6e"
	"65642043413020170d3236313132333032303335395a180f3231323631303330"
	"3032303335395a30193117301506035504030c0e6d782e63616e6e65642e7465"
	"73743059301306072a8648ce3d020106082a8648ce3d03010703420004a54f00"
	"ba3837353e55411312c136c94207bf53de1ed39de0200fb5e700e624651e7bb2"
	"e7581138ca03f9d2de9af1ce8454bce03d3beaf3c8f7b1b8df6eed06a9a36830"
	"6630190603551d1104123010820e6d782e63616e6e65642e7465737430090603"
	"551d1304023000301d0603551d0e0416041419bae37a7a771d0e579dda903337"
	"dce4a8a98aed301f0603551d23041830168014dc3617205ef53df2f096cc9f41"
	"68756028f851f2300a06082a8648ce3d0403020348003045022100a6e52973e4"
	"b6b94d7700a3cb096c01afe1b534a4dda28f2fefd43790dd95943e022040fc4e"
	"e9a07e094ae84825e6be700c53ea4b49d35b9eace630141a9e26471ae1";
static const char leaf_spki[] =
	"3059301306072a8648ce3d020106082a8648ce3d03010703420004a54f00ba38"
	"37353e55411312c136c94207bf53de1ed39de0200fb5e700e624651e7bb2e758"
	"1138ca03f9d2de9af1ce8454bce03d3beaf3c8f7b1b8df6eed06a9";
static const char ca_der[] =
	"3082018e30820135a00302010202146b94957fc921b024d5e024f63d398f81d8"
	"888cdb300a06082a8648ce3d04030230143112301006035504030c0943616e6e"
	"65642043413020170d3236313132333032303335395a180f3231323631303330"
	"3032303335395a30143112301006035504030c0943616e6e6564204341305930"
	"1306072a8648ce3d020106082a8648ce3d030107034200044cc074bb9f3c69f4"
	"1030e6eaa30a01d50c92bee14e27ae04bbfd3dce9e5304cbeb8f990c7f648495"
	"6402f0b7141fa67c700d1e6ebfdf51e93fcdd4f7fb53043fa3633061301d0603"
	"551d0e04160414dc3617205ef53df2f096cc9f4168756028f851f2301f060355"
	"1d23041830168014dc3617205ef53df2f096cc9f4168756028f851f2300f0603"
	"551d130101ff040530030101ff300e0603551d0f0101ff040403020204300a06"
	"082a8648ce3d0403020347003044022030553f773d96190f48a6fdfaa935e6cc"
	"9221142567602af16dde4fd327ff6ba702206cf2d04583b729d1e55e97084230"
	"753afa1c6827698547b0d9664b70ce41bc1b";
static const char ca_spki[] =
	"3059301306072a8648ce3d020106082a8648ce3d030107034200044cc074bb9f"
	"3c69f41030e6eaa30a01d50c92bee14e27ae04bbfd3dce9e5304cbeb8f990c7f"
	"6484956402f0b7141fa67c700d1e6ebfdf51e93fcdd4f7fb53043f";
static const char ca2_der[] =
	"3082018d30820133a00302010202141b9bfea1fbdf68df21d32385889f0d75b6"
	"6047f9300a06082a8648ce3d04030230133111300f06035504030c084f746865"
	"722043413020170d3236313132333032303335395a180f323132363130333030"
	"32303335395a30133111300f06035504030c084f746865722043413059301306"
	"072a8648ce3d020106082a8648ce3d03010703420004a5a6d1b6dcc229ba0220"
	"f0bdbb82e79155361ef39e1fad58b281a8a6e7298d5ca39be8f88b2cfc23ee5f"
	"34c5173d531b5e665ccd73e34a0361caaac80936a0daa3633061301d0603551d"
	"0e04160414576d9df84a40b6a1220fe17304a55730d0763cf5301f0603551d23"
	"041830168014576d9df84a40b6a1220fe17304a55730d0763cf5300f0603551d"
	"130101ff040530030101ff300e0603551d0f0101ff040403020204300a06082a"
	"8648ce3d040302034800304502206cdd2fbdf583b4e729c0cedd567144c7cb53"
	"be18bdab3d09adb1b26847b35651022100bafea3ed4029c8c0831d2f8e882b32"
	"2db590fcc076538e7ff097865fb574b9db";
static const char ca2_spki[] =
	"3059301306072a8648ce3d020106082a8648ce3d03010703420004a5a6d1b6dc"
	"c229ba0220f0bdbb82e79155361ef39e1fad58b281a8a6e7298d5ca39be8f88b"
	"2cfc23ee5f34c5173d531b5e665ccd73e34a0361caaac80936a0da";
#define LEAF_DER_256 \
	"bd14776a6e0c6343556d1559939d1a98" \
	"ea3d5474c42580e97351f4e1572aeda5"
#define LEAF_SPKI_256 \
	"ef100e4c848cd82ac4acddcd232e8867" \
	"3767784f3db3be15f403494224cb4282"
#define CA_DER_256 \
	"e198fd9960a5d6924f4dbe8f8835048c" \
	"5b044374a09696dd8d7483d31bd8da12"
#define CA_SPKI_256 \
	"d504e4719ddc127562043c8def941c4f" \
	"dc82231d81ffe34d0e21fdc76b14bf01"
#define CA2_DER_256 \
	"832716b8bb9be10c06a87584e46cded3" \
	"fc7e9efa86f3dbc7a0678a605afbbdad"
#define CA2_SPKI_256 \
	"e74cdb1b2c945fbe2923465898dc59a4" \
	"47accba39c1d033ace965c39e663829a"
#define LEAF_SPKI_512 \
	"5725cf2b377792213ce8d59af6fdddf8d0345fe0ccf5e3e20b562f7d6221ae07" \
	"7af02e1355b055fd10c44f3b339e521987457e204b371fc1b79f3d6ba47cd845"

static unsigned char *
unhex(const char *h, size_t *len)
{
	size_t n = strlen(h) / 2, i;
	unsigned char *p = malloc(n ? n : 1);

	for (i = 0; i < n; i++) {
		unsigned hi, lo;
		char c = h[2 * i], d = h[2 * i + 1];

		hi = (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
		lo = (unsigned)(d <= '9' ? d - '0' : d - 'a' + 10);
		p[i] = (unsigned char)(hi * 16 + lo);
	}
	*len = n;
	return p;
}

/* res with chain[0] = leaf and chain[1] = ca (or ca2) */
static struct probe_result *
chain_of(const char *cader, const char *caspki, int name_ok)
{
	struct probe_result *r = calloc(1, sizeof(*r));

	r->nchain = 2;
	r->chain[0].der = unhex(leaf_der, &r->chain[0].der_len);
	r->chain[0].spki = unhex(leaf_spki, &r->chain[0].spki_len);
	r->chain[1].der = unhex(cader, &r->chain[1].der_len);
	r->chain[1].spki = unhex(caspki, &r->chain[1].spki_len);
	r->name = name_ok ? PROBE_OK : PROBE_FAIL;
	r->now = 1900000000;	/* 2030, inside every validity period */
	return r;
}

static void
t_records(void)
{
	static const struct {
		unsigned	 u, s, m;
		const char	*hex;	/* NULL: flip a bit of LEAF_SPKI_256 */
		int		 other_ca;	/* chain[1] = ca2 */
		int		 name_ok;
		enum probe_dane_state want;
		int		 depth;
		const char	*why;
	} rows[] = {
		{ 3, 1, 1, LEAF_SPKI_256, 0, 1, PROBE_DANE_MATCH, 0,
		  "server certificate" },
		{ 3, 0, 1, LEAF_DER_256, 0, 1, PROBE_DANE_MATCH, 0, NULL },
		{ 3, 1, 2, LEAF_SPKI_512, 0, 1, PROBE_DANE_MATCH, 0, NULL },
		/* DANE-EE ignores the name (RFC 7672 section 3.1.1) */
		{ 3, 1, 1, LEAF_SPKI_256, 0, 0, PROBE_DANE_MATCH, 0, NULL },
		{ 3, 1, 1, NULL, 0, 1, PROBE_DANE_NOMATCH, -1, "does not" },
		{ 3, 1, 1, CA_SPKI_256, 0, 1, PROBE_DANE_NOMATCH, -1, NULL },
		{ 3, 0, 1, LEAF_SPKI_256, 0, 1, PROBE_DANE_NOMATCH, -1, NULL },
		{ 2, 0, 1, CA_DER_256, 0, 1, PROBE_DANE_MATCH, 1,
		  "depth 1; chain and name verified" },
		{ 2, 1, 1, CA_SPKI_256, 0, 1, PROBE_DANE_MATCH, 1, NULL },
		{ 2, 0, 1, CA_DER_256, 0, 0, PROBE_DANE_NOMATCH, 1,
		  "does not match the name" },
		{ 2, 0, 1, LEAF_DER_256, 0, 1, PROBE_DANE_NOMATCH, -1,
		  "no CA certificate" },
		/* Other CA is presented but did not issue the leaf */
		{ 2, 0, 1, CA2_DER_256, 1, 1, PROBE_DANE_NOMATCH, 1,
		  "does not verify" },
		{ 0, 0, 1, CA_DER_256, 0, 1, PROBE_DANE_UNUSABLE, -1,
		  "PKIX-TA" },
		{ 1, 1, 1, LEAF_SPKI_256, 0, 1, PROBE_DANE_UNUSABLE, -1,
		  "RFC 7672" },
		{ 4, 1, 1, LEAF_SPKI_256, 0, 1, PROBE_DANE_UNUSABLE, -1,
		  "usage 4" },
		{ 3, 2, 1, LEAF_SPKI_256, 0, 1, PROBE_DANE_UNUSABLE, -1,
		  "selector 2" },
		{ 3, 1, 3, LEAF_SPKI_256, 0, 1, PROBE_DANE_UNUSABLE, -1,
		  "matching type 3" },
		{ 3, 1, 1, "abcd", 0, 1, PROBE_DANE_MALFORMED, -1, "2 octets" },
		{ 3, 1, 2, LEAF_SPKI_256, 0, 1, PROBE_DANE_MALFORMED, -1,
		  "needs 64" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct probe_result *r = chain_of(
		    rows[i].other_ca ? ca2_der : ca_der,
		    rows[i].other_ca ? ca2_spki : ca_spki, rows[i].name_ok);
		struct probe_tlsa t;
		unsigned char *data;
		size_t len;

		data = unhex(rows[i].hex ? rows[i].hex : LEAF_SPKI_256, &len);
		if (rows[i].hex == NULL)
			data[7] ^= 1;
		t.usage = (uint8_t)rows[i].u;
		t.selector = (uint8_t)rows[i].s;
		t.mtype = (uint8_t)rows[i].m;
		t.data = data;
		t.len = len;
		probe_dane_match(r, &t, 1, "mx.canned.test");
		T_EQ_INT(r->ntlsa, 1);
		T_EQ_INT(r->dane[0].state, rows[i].want);
		T_EQ_INT(r->dane[0].depth, rows[i].depth);
		if (rows[i].why)
			T_CONTAINS(r->dane[0].why, rows[i].why);
		if (r->dane[0].state != rows[i].want)
			fprintf(stderr, "row %zu: %s\n", i, r->dane[0].why);
		T_EQ_INT(r->dane_state, rows[i].want == PROBE_DANE_MALFORMED ?
		    PROBE_DANE_UNUSABLE : rows[i].want);
		free(data);
		probe_result_free(r);
	}
}

static void
t_overall(void)
{
	struct probe_result *r = chain_of(ca_der, ca_spki, 1);
	struct probe_tlsa t[3];
	unsigned char *good, *bad;
	size_t len;

	good = unhex(LEAF_SPKI_256, &len);
	bad = unhex(CA_SPKI_256, &len);
	t[0] = (struct probe_tlsa){ 1, 1, 1, good, len };
	t[1] = (struct probe_tlsa){ 3, 1, 1, bad, len };
	t[2] = (struct probe_tlsa){ 3, 1, 1, good, len };
	/* one matching usable record is enough (RFC 7672 section 2.2) */
	probe_dane_match(r, t, 3, "mx.canned.test");
	T_EQ_INT(r->dane_state, PROBE_DANE_MATCH);
	T_CONTAINS(r->dane_text, "1 of 3");
	/* a matching usage-1 record does not count */
	probe_dane_match(r, t, 2, "mx.canned.test");
	T_EQ_INT(r->dane_state, PROBE_DANE_NOMATCH);
	probe_dane_match(r, t, 1, "mx.canned.test");
	T_EQ_INT(r->dane_state, PROBE_DANE_UNUSABLE);
	probe_dane_match(r, NULL, 0, "mx.canned.test");
	T_EQ_INT(r->dane_state, PROBE_DANE_NOT_TESTED);
	T_EQ_INT(r->ntlsa, 0);
	/* no chain (no TLS): could not test, per record too */

	{
		size_t i;

		for (i = 0; i < r->nchain; i++) {
			free(r->chain[i].der);
			free(r->chain[i].spki);
			r->chain[i].der = r->chain[i].spki = NULL;
		}
		r->nchain = 0;
	}
	probe_dane_match(r, t + 1, 2, "mx.canned.test");
	T_EQ_INT(r->dane_state, PROBE_DANE_NOT_TESTED);
	T_EQ_INT(r->dane[0].state, PROBE_DANE_NOT_TESTED);
	free(good);
	free(bad);
	probe_result_free(r);
}

T_MAIN(T_CASE(t_records), T_CASE(t_overall))
