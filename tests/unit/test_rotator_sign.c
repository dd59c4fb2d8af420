/* test_rotator_sign: keys, signing (NSEC and NSEC3), verification, the
 * deliberately broken zone, DS text; with keys in a temporary directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/dnskeys.h"
#include "dns/sign.h"
#include "t.h"
#include "util/str.h"

static char t_dir[] = "/tmp/echomx-test-sign.XXXXXX";

static const char t_zone[] =
    "$TTL 60\n"
    "@ IN SOA ns1.example.test. hostmaster.example.test. 5 3600 600 "
    "1209600 60\n"
    "@ IN NS ns1.example.test.\n"
    "ns1 IN A 192.0.2.53\n"
    "@ IN MX 10 mx.example.test.\n"
    "mx IN A 192.0.2.25\n"
    "_25._tcp.mx IN TLSA 3 1 1 "
    "e5552570ecc17e4b78a6d562239b676ff9977d51d0ad456133d2f41ca348ba7b\n"
    "child IN NS ns1.child.example.test.\n"
    "ns1.child IN A 192.0.2.54\n";

static const uint64_t t_now = 1767225600;	/* 2026-01-01 */

static void
t_keys(void)
{
	struct sbuf out, err;
	struct stat st;
	char path[512];

	T_CHECK(mkdtemp(t_dir) != NULL);
	sbuf_init(&out, 65536);
	sbuf_init(&err, 1024);
	T_EQ_INT(dnskeys_ensure_zone(t_dir, "example.test", &err), 0);
	snprintf(path, sizeof(path), "%s/Kexample.test.ksk.private", t_dir);
	T_EQ_INT(stat(path, &st), 0);
	T_EQ_INT(st.st_mode & 077, 0);
	T_EQ_INT(dnskeys_dnskey_text(t_dir, "example.test", 60, &out, &err),
	    0);
	T_CONTAINS(out.data, "DNSKEY\t257 3 8 ");
	T_CONTAINS(out.data, "DNSKEY\t256 3 8 ");
	sbuf_reset(&out);
	T_EQ_INT(dnskeys_ds_text(t_dir, "example.test", 60, &out, &err), 0);
	T_CONTAINS(out.data, "IN\tDS\t");
	T_CONTAINS(out.data, " 8 2 ");
	/* Exactly one DS: only the KSK. */
	T_CHECK(strstr(out.data, "\tDS\t") != NULL &&
	    strstr(strstr(out.data, "\tDS\t") + 1, "\tDS\t") == NULL);
	/* A second ensure leaves the keys alone. */
	sbuf_reset(&out);
	T_EQ_INT(dnskeys_ensure_zone(t_dir, "example.test", &err), 0);
	T_EQ_INT(dnskeys_ensure_zone(t_dir, "../evil", &err), -1);
	sbuf_reset(&err);
	T_EQ_INT(dnskeys_dnskey_text(t_dir, "nokeys.test", 60, &out, &err),
	    -1);
	T_CONTAINS(err.data, "no KSK");
	sbuf_free(&out);
	sbuf_free(&err);
}

static void
t_sign_one(int nsec3)
{
	struct sign_params sp;
	struct sbuf out, err, why;
	uint64_t exp = 0;
	size_t good = 0, bad = 0;
	char *p;

	memset(&sp, 0, sizeof(sp));
	sp.zone = "example.test";
	sp.key_dir = t_dir;
	sp.ttl = 60;
	sp.now = t_now;
	sp.validity = 14 * 86400;
	sp.nsec3 = nsec3;
	sbuf_init(&out, 1 << 20);
	sbuf_init(&err, 4096);
	sbuf_init(&why, 4096);
	T_EQ_INT(sign_zone(t_zone, strlen(t_zone), &sp, &out, &exp, &err),
	    0);
	T_EQ_INT(exp, t_now + 14 * 86400);
	T_CONTAINS(out.data, "RRSIG\tTLSA 8 ");
	T_CONTAINS(out.data, nsec3 ? "NSEC3PARAM" : "\tNSEC\t");
	T_CONTAINS(out.data, "20260115000000 20251231230000");
	/* The delegation is not signed, its glue neither. */
	T_CHECK(strstr(out.data, "RRSIG\tNS 8 2 60") != NULL);
	T_CHECK(strstr(out.data, "RRSIG\tNS 8 3") == NULL);
	T_CHECK(strstr(out.data, "RRSIG\tA 8 4") == NULL);
	T_EQ_INT(sign_verify(out.data, out.len, "example.test", t_now, &good,
	    &bad, &why, &err), 0);
	T_EQ_INT(bad, 0);
	T_CHECK(good >= 6);
	/* Expired at now + validity + 1. */
	T_EQ_INT(sign_verify(out.data, out.len, "example.test",
	    t_now + 15 * 86400, &good, &bad, &why, &err), 0);
	T_EQ_INT(good, 0);
	T_CHECK(bad > 0);
	/* Changing a record breaks its signature, and only that one. */
	p = strstr(out.data, "192.0.2.25");
	T_CHECK(p != NULL);
	if (p != NULL)
		p[9] = '6';
	sbuf_reset(&why);
	T_EQ_INT(sign_verify(out.data, out.len, "example.test", t_now, &good,
	    &bad, &why, &err), 0);
	T_EQ_INT(bad, 1);
	T_CONTAINS(why.data, "mx.example.test. A");
	/* Deterministic: RSASHA256 signatures of the same input. */
	{
		struct sbuf again;

		sbuf_init(&again, 1 << 20);
		if (p != NULL)
			p[9] = '5';
		T_EQ_INT(sign_zone(t_zone, strlen(t_zone), &sp, &again, &exp,
		    &err), 0);
		T_EQ_INT(again.len, out.len);
		T_CHECK(again.len == out.len &&
		    memcmp(again.data, out.data, out.len) == 0);
		sbuf_free(&again);
	}
	sbuf_free(&out);
	sbuf_free(&err);
	sbuf_free(&why);
}

static void
t_sign_nsec(void)
{
	t_sign_one(0);
}

static void
t_sign_nsec3(void)
{
	t_sign_one(1);
}

static void
t_sign_bogus(void)
{
	struct sign_params sp;
	struct sbuf out, err;
	uint64_t exp;
	size_t good = 0, bad = 0;

	memset(&sp, 0, sizeof(sp));
	sp.zone = "example.test";
	sp.key_dir = t_dir;
	sp.ttl = 60;
	sp.now = t_now;
	sp.validity = 86400;
	sp.break_sigs = 1;
	sbuf_init(&out, 1 << 20);
	sbuf_init(&err, 4096);
	T_EQ_INT(sign_zone(t_zone, strlen(t_zone), &sp, &out, &exp, &err),
	    0);
	T_CONTAINS(out.data, "RRSIG\tA 8 ");
	T_EQ_INT(sign_verify(out.data, out.len, "example.test", t_now, &good,
	    &bad, NULL, &err), 0);
	T_EQ_INT(good, 0);
	T_CHECK(bad >= 6);
	sbuf_free(&out);
	sbuf_free(&err);
}

static void
t_sign_errors(void)
{
	struct sign_params sp;
	struct sbuf out, err;
	uint64_t exp;
	char path[512];
	FILE *fp;

	memset(&sp, 0, sizeof(sp));
	sp.zone = "example.test";
	sp.key_dir = t_dir;
	sp.ttl = 60;
	sp.now = t_now;
	sp.validity = 86400;
	sbuf_init(&out, 1 << 20);
	sbuf_init(&err, 4096);
	T_EQ_INT(sign_zone("@ IN A 192.0.2.1\n", 17, &sp, &out, &exp, &err),
	    -1);
	T_CONTAINS(err.data, "no SOA");
	sbuf_reset(&err);
	T_EQ_INT(sign_zone("@ IN SOA x\n", 11, &sp, &out, &exp, &err), -1);
	T_CONTAINS(err.data, "line");
	/* A damaged key file fails the signing, with the file named. */
	snprintf(path, sizeof(path), "%s/Kexample.test.zsk.private", t_dir);
	if ((fp = fopen(path, "w")) != NULL) {
		fputs("Private-key-format: v1.2\nAlgorithm: 8 (RSASHA256)\n"
		    "Modulus: !!\n", fp);
		fclose(fp);
	}
	sbuf_reset(&err);
	T_EQ_INT(sign_zone(t_zone, strlen(t_zone), &sp, &out, &exp, &err),
	    -1);
	T_CONTAINS(err.data, "Kexample.test.zsk.private");
	sbuf_free(&out);
	sbuf_free(&err);
	snprintf(path, sizeof(path), "rm -rf %s", t_dir);
	fp = popen(path, "r");
	if (fp != NULL)
		pclose(fp);
}

T_MAIN(T_CASE(t_keys), T_CASE(t_sign_nsec), T_CASE(t_sign_nsec3),
    T_CASE(t_sign_bogus), T_CASE(t_sign_errors))
