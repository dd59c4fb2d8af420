/* test_rotate: MX rotation as a pure function of the time, --now parsing,
 * zone text helpers, and TLSA digests checked against the openssl CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns-rotator/rotate.h"
#include "dns/zone.h"
#include "tls/tls_tlsa.h"
#include "t.h"
#include "util/str.h"

static void
t_rotate_table(void)
{
	static const struct {
		uint64_t now, period;
		size_t n;
		unsigned want[4];
	} rows[] = {
		{ 0, 300, 3, { 10, 20, 30 } },
		{ 299, 300, 3, { 10, 20, 30 } },
		{ 300, 300, 3, { 30, 10, 20 } },
		{ 600, 300, 3, { 20, 30, 10 } },
		{ 900, 300, 3, { 10, 20, 30 } },
		{ 1795399087, 300, 4, { 20, 30, 40, 10 } },
		{ 12345, 0, 3, { 10, 20, 30 } },
		{ 12345, 60, 1, { 10 } },
	};
	size_t r, i;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		for (i = 0; i < rows[r].n; i++)
			T_EQ_INT(rotate_pref(i, rows[r].n, rows[r].now,
			    rows[r].period), rows[r].want[i]);
	T_EQ_INT(rotate_pref(3, 3, 0, 300), 0);
	T_EQ_INT(rotate_pref(0, 0, 0, 300), 0);
}

/* Every MX is first exactly once in n consecutive periods, and the
 * preferences of one moment are a permutation of 10..10n. */
static void
t_rotate_fair(void)
{
	size_t n, s, i;

	for (n = 1; n <= 9; n++) {
		int first[9] = { 0 };

		for (s = 0; s < n; s++) {
			uint64_t now = 1700000000 + s * 300;
			int seen[10] = { 0 };

			for (i = 0; i < n; i++) {
				unsigned p = rotate_pref(i, n, now, 300);

				T_CHECK(p >= 10 && p <= 10 * n && p % 10 == 0);
				if (p >= 10 && p <= 90)
					seen[p / 10]++;
				if (p == 10)
					first[i]++;
			}
			for (i = 1; i <= n; i++)
				T_EQ_INT(seen[i], 1);
			T_EQ_INT(rotate_first(n, now, 300) < n, 1);
		}
		for (i = 0; i < n; i++)
			T_EQ_INT(first[i], 1);
	}
	/* A pure function: same time, same answer; a period later a
	 * different first MX (n > 1). */
	T_EQ_INT(rotate_first(8, 1795399087, 300),
	    rotate_first(8, 1795399087, 300));
	T_CHECK(rotate_first(8, 1795399087, 300) !=
	    rotate_first(8, 1795399087 + 300, 300));
}

static void
t_rotate_next(void)
{
	T_EQ_INT(rotate_next(0, 300), 300);
	T_EQ_INT(rotate_next(299, 300), 300);
	T_EQ_INT(rotate_next(300, 300), 600);
	T_EQ_INT(rotate_next(1000, 0), 1000 + 86400);
}

static void
t_rotate_time(void)
{
	static const struct {
		const char *in;
		int ok;
		uint64_t want;
	} rows[] = {
		{ "0", 1, 0 },
		{ "1767225600", 1, 1767225600 },
		{ "2026-01-01T00:00:00Z", 1, 1767225600 },
		{ "2026-01-01T00:00:00", 1, 1767225600 },
		{ "2026-01-01 00:00:00", 1, 1767225600 },
		{ "2026-01-01", 1, 1767225600 },
		{ "2026-01-01T02:00:00+02:00", 1, 1767225600 },
		{ "2025-12-31T22:30:00-01:30", 1, 1767225600 },
		{ "2026-01-01T00:05:00Z", 1, 1767225900 },
		{ "", 0, 0 },
		{ "now", 0, 0 },
		{ "2026-13-01", 0, 0 },
		{ "2026-01-01T25:00:00Z", 0, 0 },
		{ "2026-01-01T00:00:00Zx", 0, 0 },
		{ "2026-01-01T00:00", 0, 0 },
		{ "-5", 0, 0 },
		{ "1969-12-31", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v = 99;
		int r = rotate_parse_time(rows[i].in, &v);

		T_EQ_INT(r == 0, rows[i].ok);
		if (rows[i].ok && r == 0)
			T_EQ_INT(v, rows[i].want);
	}
}

static void
t_zone_helpers(void)
{
	struct sbuf s, e;
	char ip[64], big[301];
	static const char *const vars[] = { "zone", "et.example", "serial",
	    "7", NULL };
	static const char tmpl[] = "@ SOA ns. h. {{serial}} 1 2 3 4\n"
	    "x.{{zone}}. A 192.0.2.1\n";

	T_EQ_INT(zone_in("a.Example.COM.", "example.com"), 1);
	T_EQ_INT(zone_in("example.com", "example.com."), 1);
	T_EQ_INT(zone_in("badexample.com", "example.com"), 0);
	T_EQ_INT(zone_in("example.com", "a.example.com"), 0);
	T_EQ_INT(zone_addr("127.0.1.1:2525", ip, sizeof(ip)), 4);
	T_EQ_STR(ip, "127.0.1.1");
	T_EQ_INT(zone_addr("[2001:db8::1]:25", ip, sizeof(ip)), 6);
	T_EQ_STR(ip, "2001:db8::1");
	T_EQ_INT(zone_addr("2001:db8::2", ip, sizeof(ip)), 6);
	T_EQ_INT(zone_addr("192.0.2.9", ip, sizeof(ip)), 4);
	T_EQ_INT(zone_addr("0.0.0.0:25", ip, sizeof(ip)), 0);
	T_EQ_INT(zone_addr("[::]:25", ip, sizeof(ip)), 0);
	T_EQ_INT(zone_addr("mx.example:25", ip, sizeof(ip)), 0);

	sbuf_init(&s, 4096);
	sbuf_init(&e, 1024);
	memset(big, 'a', 300);
	big[300] = '\0';
	T_EQ_INT(zone_txt(&s, "x.example", 60, big), 0);
	T_CONTAINS(s.data, "\" \"");
	T_CHECK(strstr(s.data, "x.example. 60 IN TXT \"") == s.data);
	sbuf_reset(&s);
	zone_txt(&s, "x", 1, "a\"b\\c\n");
	T_EQ_STR(s.data, "x. 1 IN TXT \"a\\\"b\\\\c\\010\"\n");
	sbuf_reset(&s);
	T_EQ_INT(zone_expand(tmpl, strlen(tmpl), vars, &s, &e), 0);
	T_EQ_STR(s.data, "@ SOA ns. h. 7 1 2 3 4\nx.et.example. A "
	    "192.0.2.1\n");
	sbuf_reset(&s);
	T_EQ_INT(zone_expand("{{nope}}", 8, vars, &s, &e), -1);
	T_CONTAINS(e.data, "unknown variable {{nope}}");
	sbuf_reset(&e);
	T_EQ_INT(zone_expand("a\n{{zone", 8, vars, &s, &e), -1);
	T_CONTAINS(e.data, "line 2: unterminated");
	sbuf_free(&s);
	sbuf_free(&e);
}

/* The first line of a shell pipeline's output (no shell metacharacters
 * come from outside: the paths are ours). */
static int
t_sh(const char *cmd, char *out, size_t outsz)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	if (p == NULL)
		return -1;
	if (fgets(out, (int)outsz, p) == NULL)
		out[0] = '\0';
	pclose(p);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return n > 0 ? 0 : -1;
}

static void
t_tlsa_one(const char *dir, const char *name, const char *newkey)
{
	char cmd[2048], want[256], *p;
	struct sbuf hex, err;
	unsigned char *d = NULL;
	size_t dlen = 0;

	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey %s -nodes "
	    "-keyout %s/%s.key -out %s/%s.crt -days 2 -subj /CN=%s "
	    ">/dev/null 2>&1 && echo ok", newkey, dir, name, dir, name,
	    name);
	T_EQ_INT(t_sh(cmd, want, sizeof(want)), 0);
	/* RFC 6698 selector 1, matching type 1: SHA-256 of the DER
	 * SubjectPublicKeyInfo. */
	snprintf(cmd, sizeof(cmd), "openssl x509 -in %s/%s.crt -pubkey "
	    "-noout | openssl pkey -pubin -outform DER | openssl dgst "
	    "-sha256 -r", dir, name);
	T_EQ_INT(t_sh(cmd, want, sizeof(want)), 0);
	if ((p = strchr(want, ' ')) != NULL)
		*p = '\0';
	T_EQ_INT(strlen(want), 64);
	sbuf_init(&hex, 1024);
	sbuf_init(&err, 1024);
	snprintf(cmd, sizeof(cmd), "%s/%s.crt", dir, name);
	T_EQ_INT(tls_tlsa_from_file(cmd, 1, 1, &d, &dlen, &err), 0);
	T_EQ_INT(dlen, 32);
	tls_tlsa_hex(&hex, d, dlen);
	T_EQ_STR(hex.data, want);
	free(d);
	/* Selector 0: the whole certificate. */
	snprintf(cmd, sizeof(cmd), "openssl x509 -in %s/%s.crt -outform DER "
	    "| openssl dgst -sha256 -r", dir, name);
	T_EQ_INT(t_sh(cmd, want, sizeof(want)), 0);
	if ((p = strchr(want, ' ')) != NULL)
		*p = '\0';
	sbuf_reset(&hex);
	snprintf(cmd, sizeof(cmd), "%s/%s.crt", dir, name);
	T_EQ_INT(tls_tlsa_from_file(cmd, 0, 1, &d, &dlen, &err), 0);
	tls_tlsa_hex(&hex, d, dlen);
	T_EQ_STR(hex.data, want);
	free(d);
	/* SHA-512 has 64 octets. */
	T_EQ_INT(tls_tlsa_from_file(cmd, 1, 2, &d, &dlen, &err), 0);
	T_EQ_INT(dlen, 64);
	free(d);
	sbuf_free(&hex);
	sbuf_free(&err);
}

static void
t_tlsa(void)
{
	char dir[] = "/tmp/echomx-test-tlsa.XXXXXX", path[256], out[64];
	struct sbuf err, hex;
	unsigned char *d = NULL, h[TLS_TLSA_SHA256_LEN];
	size_t dlen = 0;
	FILE *fp;

	T_CHECK(mkdtemp(dir) != NULL);
	t_tlsa_one(dir, "ec", "ec -pkeyopt ec_paramgen_curve:P-256");
	t_tlsa_one(dir, "rsa", "rsa:2048");
	sbuf_init(&err, 1024);
	snprintf(path, sizeof(path), "%s/missing.crt", dir);
	T_EQ_INT(tls_tlsa_from_file(path, 1, 1, &d, &dlen, &err), -1);
	T_CONTAINS(err.data, "missing.crt");
	sbuf_reset(&err);
	snprintf(path, sizeof(path), "%s/junk.crt", dir);
	if ((fp = fopen(path, "w")) != NULL) {
		fputs("not a certificate\n", fp);
		fclose(fp);
	}
	T_EQ_INT(tls_tlsa_from_file(path, 1, 1, &d, &dlen, &err), -1);
	T_CONTAINS(err.data, "no PEM certificate");
	sbuf_reset(&err);
	snprintf(path, sizeof(path), "%s/ec.crt", dir);
	T_EQ_INT(tls_tlsa_from_file(path, 2, 1, &d, &dlen, &err), -1);
	/* SHA-256 of "abc" (FIPS 180-2 B.1). */
	sbuf_init(&hex, 256);
	tls_tlsa_sha256("abc", 3, h);
	tls_tlsa_hex(&hex, h, sizeof(h));
	T_EQ_STR(hex.data, "ba7816bf8f01cfea414140de5dae2223b00361a396177a"
	    "9cb410ff61f20015ad");
	sbuf_free(&hex);
	sbuf_free(&err);
	snprintf(path, sizeof(path), "rm -rf %s && echo ok", dir);
	t_sh(path, out, sizeof(out));
}

T_MAIN(T_CASE(t_rotate_table), T_CASE(t_rotate_fair), T_CASE(t_rotate_next),
    T_CASE(t_rotate_time), T_CASE(t_zone_helpers), T_CASE(t_tlsa))
