/* test_smtp_tls_hello: the listener's ClientHello extension parsers
 * (server_name, supported_versions, supported_groups,
 * signature_algorithms) and the tls_versions setting. */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "tls/tls_server.h"

static void
t_sni(void)
{
	static const struct {
		const unsigned char *ext;
		size_t len;
		const char *want;	/* NULL: error */
	} rows[] = {
		{ (const unsigned char *)"\x00\x0c\x00\x00\x09mx.a.test", 14,
		  "mx.a.test" },
		/* list length disagrees */
		{ (const unsigned char *)"\x00\x0d\x00\x00\x09mx.a.test", 14,
		  NULL },
		/* name longer than the extension */
		{ (const unsigned char *)"\x00\x0c\x00\x00\x0amx.a.test", 14,
		  NULL },
		/* not host_name */
		{ (const unsigned char *)"\x00\x0c\x01\x00\x09mx.a.test", 14,
		  NULL },
		/* empty name */
		{ (const unsigned char *)"\x00\x03\x00\x00\x00", 5, NULL },
		/* NUL inside */
		{ (const unsigned char *)"\x00\x06\x00\x00\x03" "a\0b", 8, NULL },
		{ (const unsigned char *)"\x00", 1, NULL },
		{ (const unsigned char *)"", 0, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char out[256];
		int r = tls_hello_sni(rows[i].ext, rows[i].len, out,
		    sizeof(out));

		if (rows[i].want == NULL) {
			T_EQ_INT(r, -1);
			continue;
		}
		T_EQ_INT(r, 0);
		T_EQ_STR(out, rows[i].want);
	}
}

static void
t_lists(void)
{
	static const struct {
		const unsigned char *ext;
		size_t len;
		int lenbytes, kind;
		const char *want;	/* NULL: malformed */
	} rows[] = {
		/* supported_versions with a GREASE value first */
		{ (const unsigned char *)"\x06\x7a\x7a\x03\x04\x03\x03", 7, 1,
		  'v', "1.3,1.2" },
		{ (const unsigned char *)"\x02\x03\x01", 3, 1, 'v', "1.0" },
		{ (const unsigned char *)"\x03\x03\x04\x03", 4, 1, 'v', NULL },
		{ (const unsigned char *)"\x04\x03\x04", 3, 1, 'v', NULL },
		/* supported_groups: x25519, secp256r1, unknown */
		{ (const unsigned char *)"\x00\x06\x00\x1d\x00\x17\x12\x34", 8,
		  2, 'g', "x25519,secp256r1,0x1234" },
		/* signature_algorithms */
		{ (const unsigned char *)"\x00\x04\x04\x03\x08\x04", 6, 2, 's',
		  "ecdsa_secp256r1_sha256,rsa_pss_rsae_sha256" },
		{ (const unsigned char *)"\x00\x00", 2, 2, 's', "" },
		{ (const unsigned char *)"\x00", 1, 2, 's', NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *r = tls_hello_list(rows[i].ext, rows[i].len,
		    rows[i].lenbytes, rows[i].kind);

		if (rows[i].want == NULL)
			T_CHECK(r == NULL);
		else
			T_EQ_STR(r, rows[i].want);
		free(r);
	}
}

static void
t_versions(void)
{
	unsigned b;

	T_EQ_INT(tls_server_versions("1.2 1.3", &b), 0);
	T_EQ_INT(b, TLS_SERVER_V12 | TLS_SERVER_V13);
	T_EQ_INT(tls_server_versions("1.0,1.3", &b), 0);
	T_EQ_INT(b, TLS_SERVER_V10 | TLS_SERVER_V13);
	T_EQ_INT(tls_server_versions("", &b), -1);
	T_EQ_INT(tls_server_versions("1.2 1.4", &b), -1);
}

T_MAIN(T_CASE(t_sni), T_CASE(t_lists), T_CASE(t_versions))
