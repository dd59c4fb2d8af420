/* test_rotator_update: the TSIG key file parser and the update_server
 * address parser of lib/dns/update (the network side is tested by
 * tests/integration/rotator_update.sh against Knot). */
#include <stdint.h>
#include <string.h>

#include "dns/update.h"
#include "t.h"
#include "util/str.h"

#define SECRET "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ="

static void
test_key_parse(void)
{
	static const struct {
		const char	*in;
		const char	*name, *alg;	/* NULL: an error */
		const char	*why;		/* part of the error */
	} tab[] = {
		{ "key \"upd.example\" {\n\talgorithm hmac-sha256;\n\tsecret "
		  "\"" SECRET "\";\n};\n", "upd.example", "hmac-sha256", NULL },
		{ "# comment\nkey upd. { algorithm HMAC-SHA512.; secret \""
		  SECRET "\"; };", "upd", "hmac-sha512", NULL },
		{ "// made by tsig-keygen\nkey \"k\" { algorithm hmac-sha1; "
		  "secret \"" SECRET "\"; };", "k", "hmac-sha1", NULL },
		{ "key:\n  - id: upd.example\n    algorithm: hmac-sha256\n"
		  "    secret: " SECRET "\n", "upd.example", "hmac-sha256",
		  NULL },
		{ "upd.example hmac-sha384 " SECRET "\n", "upd.example",
		  "hmac-sha384", NULL },
		{ "  upd hmac-sha224\t" SECRET, "upd", "hmac-sha224", NULL },
		{ "", NULL, NULL, "expected" },
		{ "upd hmac-sha256", NULL, NULL, "expected" },
		{ "upd hmac-sha256 " SECRET " extra", NULL, NULL, "expected" },
		{ "upd hmac-md5 " SECRET, NULL, NULL, "algorithm" },
		{ "upd hmac-sha256: " SECRET, NULL, NULL, "expected" },
		{ "upd: hmac-sha256 " SECRET, NULL, NULL, "expected" },
		{ "upd hmac-sha256 not*base64", NULL, NULL, "base64" },
		{ "upd hmac-sha256 abc", NULL, NULL, "base64" },
		{ "upd hmac-sha256 ab=c", NULL, NULL, "base64" },
		{ "bad..name hmac-sha256 " SECRET, NULL, NULL, "domain" },
		{ "key a { algorithm hmac-sha256; secret \"" SECRET "\"; };\n"
		  "key b { algorithm hmac-sha256; secret \"" SECRET "\"; };",
		  NULL, NULL, "more than one" },
		{ "key a { algorithm hmac-sha256; secret", NULL, NULL,
		  "missing" },
		{ "key a { algorithm hmac-sha256; bogus x; };", NULL, NULL,
		  "unexpected" },
		{ "algorithm hmac-sha256; secret \"" SECRET "\";", NULL,
		  NULL, "no key" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct update_key k;
		struct sbuf err;
		int r;

		sbuf_init(&err, 1024);
		r = update_key_parse(tab[i].in, strlen(tab[i].in), &k, &err);
		if (tab[i].name != NULL) {
			T_EQ_INT(r, 0);
			if (r != 0)
				fprintf(stderr, "  case %zu: %s\n", i,
				    err.data);
			T_EQ_STR(k.name, tab[i].name);
			T_EQ_STR(k.alg, tab[i].alg);
			T_EQ_STR(k.secret, SECRET);
		} else {
			T_EQ_INT(r, -1);
			T_CONTAINS(err.data, tab[i].why);
		}
		sbuf_free(&err);
	}
}

static void
test_server_parse(void)
{
	static const struct {
		const char	*in;
		int		 r;
		const char	*ip;
		unsigned	 port;
	} tab[] = {
		{ "127.0.0.1", 0, "127.0.0.1", 53 },
		{ "127.0.0.1@5353", 0, "127.0.0.1", 5353 },
		{ "::1", 0, "::1", 53 },
		{ "::1@5300", 0, "::1", 5300 },
		{ "[::1]@5300", 0, "::1", 5300 },
		{ "[2001:db8::1]:53", 0, "2001:db8::1", 53 },
		{ "[::1]", 0, "::1", 53 },
		{ "", -1, NULL, 0 },
		{ "ns1.example", -1, NULL, 0 },
		{ "127.0.0.1@0", -1, NULL, 0 },
		{ "127.0.0.1@65536", -1, NULL, 0 },
		{ "127.0.0.1@", -1, NULL, 0 },
		{ "127.0.0.1:53", -1, NULL, 0 },
		{ "[::1", -1, NULL, 0 },
		{ "[::1]x", -1, NULL, 0 },
		{ "@53", -1, NULL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		char ip[64];
		uint16_t port = 0;
		int r = update_server_parse(tab[i].in, ip, sizeof(ip), &port);

		T_EQ_INT(r, tab[i].r);
		if (r == 0 && tab[i].r == 0) {
			T_EQ_STR(ip, tab[i].ip);
			T_EQ_INT(port, tab[i].port);
		}
	}
}

T_MAIN(T_CASE(test_key_parse), T_CASE(test_server_parse))
