/* test_probe_revoc: OCSP request making and OCSP response / CRL judging
 * (RFC 6960, RFC 5280) over canned DER made by the openssl CLI
 * (tests/unit/gen_probe_revoc.sh -> probe_revoc_fix.h): a CA "Canned
 * Revoc CA", its twin (same name, other key), leaves good / bad (revoked,
 * keyCompromise) / plain (no URLs), a delegated responder (OCSPSigning),
 * a "rogue" responder without that EKU, one issued by the twin. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "tls/probe.h"
#include "tls/probe_revoc.h"
#include "util/mem.h"

#include "probe_revoc_fix.h"

static unsigned char *
unhex(const char *h, size_t *len)
{
	size_t n = strlen(h) / 2, i;
	unsigned char *p = xmalloc(n + 1);

	for (i = 0; i < n; i++) {
		unsigned v = 0;
		int k;

		for (k = 0; k < 2; k++) {
			char c = h[2 * i + k];

			v = v * 16 + (unsigned)(c <= '9' ? c - '0' :
			    (c | 0x20) - 'a' + 10);
		}
		p[i] = (unsigned char)v;
	}
	*len = n;
	return p;
}

static void
prep(const char *leafh, const char *issh, struct probe_revoc_in *in,
    int want_rc)
{
	size_t ll, il = 0;
	unsigned char *l = unhex(leafh, &ll);
	unsigned char *i = issh ? unhex(issh, &il) : NULL;

	T_EQ_INT(probe_revoc_prepare_der(l, ll, i, il, in), want_rc);
	free(l);
	free(i);
}

static void
test_prepare(void)
{
	struct probe_revoc_in in;

	prep(fix_good, fix_ca, &in, 0);
	T_EQ_INT(in.nocsp, 1);	/* the ldap:// one is not listed */
	T_EQ_STR(in.ocsp_url[0], "http://ocsp.canned.test:8080/");
	T_EQ_INT(in.ncrl, 1);
	T_EQ_STR(in.crl_url[0], "http://crl.canned.test/ca.crl");
	T_CHECK(in.ocsp_req != NULL && in.ocsp_req_len > 20);
	T_EQ_STR(in.why, "");
	probe_revoc_in_free(&in);

	prep(fix_plain, fix_ca, &in, 0);
	T_EQ_INT(in.nocsp, 0);
	T_EQ_INT(in.ncrl, 0);
	T_CONTAINS(in.why, "no http OCSP responder");
	probe_revoc_in_free(&in);

	/* no issuer: URLs listed, no request */
	prep(fix_good, NULL, &in, -1);
	T_EQ_INT(in.nocsp, 1);
	T_CHECK(in.ocsp_req == NULL);
	T_CONTAINS(in.why, "issuer");
	probe_revoc_in_free(&in);

	/* the twin has the issuer's name but did not sign the leaf */
	prep(fix_good, fix_twin, &in, -1);
	T_CONTAINS(in.why, "did not issue");
	probe_revoc_in_free(&in);

	/* garbage leaf */
	prep("3003020101", fix_ca, &in, -1);
	T_CONTAINS(in.why, "unparsable");
	probe_revoc_in_free(&in);
}

struct ocsp_row {
	const char	*leaf;
	const char	*resp;		/* hex; NULL: garbage */
	int64_t		 dt;		/* now = FIX_NOW + dt */
	int		 flip;		/* flip the last octet (signature) */
	enum probe_revoc_status want;
	const char	*text;
};

static void
test_ocsp(void)
{
	static const struct ocsp_row rows[] = {
		{ fix_good, fix_ocsp_good_deleg, 3600, 0, PROBE_REVOC_GOOD,
		  "good (thisUpdate" },
		{ fix_good, fix_ocsp_good_direct, 3600, 0, PROBE_REVOC_GOOD,
		  "good" },
		{ fix_bad, fix_ocsp_bad_deleg, 3600, 0, PROBE_REVOC_REVOKED,
		  "reason keyCompromise" },
		/* responder without id-kp-OCSPSigning */
		{ fix_good, fix_ocsp_good_rogue, 3600, 0,
		  PROBE_REVOC_NOT_TESTED, "does not verify" },
		/* responder certified by another CA of the same name */
		{ fix_good, fix_ocsp_good_twin, 3600, 0,
		  PROBE_REVOC_NOT_TESTED, "does not verify" },
		/* signature damaged */
		{ fix_good, fix_ocsp_good_deleg, 3600, 1,
		  PROBE_REVOC_NOT_TESTED, "" },
		/* a good answer about another certificate */
		{ fix_good, fix_ocsp_plain_deleg, 3600, 0,
		  PROBE_REVOC_NOT_TESTED, "not about this certificate" },
		/* nextUpdate is thisUpdate + 1 day */
		{ fix_good, fix_ocsp_good_deleg, 3 * 86400, 0,
		  PROBE_REVOC_NOT_TESTED, "out of date" },
		/* a day early: the canned CA itself is not yet valid */
		{ fix_good, fix_ocsp_good_deleg, -86400, 0,
		  PROBE_REVOC_NOT_TESTED, "does not verify" },
		{ fix_good, NULL, 3600, 0, PROBE_REVOC_NOT_TESTED,
		  "unparsable" },
		/* a CRL is not an OCSP response */
		{ fix_good, fix_crl, 3600, 0, PROBE_REVOC_NOT_TESTED,
		  "unparsable" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct ocsp_row *w = &rows[i];
		struct probe_revoc_in in;
		struct probe_revoc_out out;
		unsigned char *r;
		size_t rl;

		prep(w->leaf, fix_ca, &in, 0);
		r = unhex(w->resp ? w->resp : "0102030405", &rl);
		if (w->flip)
			r[rl - 1] ^= 0x55;
		probe_revoc_ocsp(&in, r, rl, (time_t)(FIX_NOW + w->dt),
		    &out);
		if (out.status != w->want)
			fprintf(stderr, "ocsp row %zu: %s\n", i, out.text);
		T_EQ_INT(out.status, w->want);
		T_CONTAINS(out.text, w->text);
		if (w->want == PROBE_REVOC_REVOKED) {
			T_EQ_INT(out.reason, 1);
			T_CHECK(out.revoked_at > FIX_NOW - 3600 &&
			    out.revoked_at <= FIX_NOW + 60);
		}
		if (w->want == PROBE_REVOC_GOOD)
			T_EQ_INT(out.next_update - out.this_update, 86400);
		free(r);
		probe_revoc_in_free(&in);
	}
}

struct crl_row {
	const char	*leaf;
	const char	*crl;
	int64_t		 dt;
	enum probe_revoc_status want;
	const char	*text;
};

static void
test_crl(void)
{
	static const struct crl_row rows[] = {
		{ fix_good, fix_crl, 3600, PROBE_REVOC_GOOD, "not listed" },
		{ fix_good, fix_crl_pem, 3600, PROBE_REVOC_GOOD,
		  "not listed" },
		{ fix_bad, fix_crl, 3600, PROBE_REVOC_REVOKED,
		  "keyCompromise" },
		{ fix_bad, fix_crl_pem, 3600, PROBE_REVOC_REVOKED,
		  "revoked at" },
		/* same issuer name, other key */
		{ fix_bad, fix_twincrl, 3600, PROBE_REVOC_NOT_TESTED,
		  "signature does not verify" },
		/* default_crl_days = 7 */
		{ fix_bad, fix_crl, 8 * 86400, PROBE_REVOC_NOT_TESTED,
		  "out of date" },
		{ fix_bad, fix_crl, -86400, PROBE_REVOC_NOT_TESTED,
		  "not yet valid" },
		{ fix_good, fix_ocsp_good_deleg, 3600,
		  PROBE_REVOC_NOT_TESTED, "unparsable" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct crl_row *w = &rows[i];
		struct probe_revoc_in in;
		struct probe_revoc_out out;
		unsigned char *r;
		size_t rl;

		prep(w->leaf, fix_ca, &in, 0);
		r = unhex(w->crl, &rl);
		probe_revoc_crl(&in, r, rl, (time_t)(FIX_NOW + w->dt), &out);
		if (out.status != w->want)
			fprintf(stderr, "crl row %zu: %s\n", i, out.text);
		T_EQ_INT(out.status, w->want);
		T_CONTAINS(out.text, w->text);
		if (w->want == PROBE_REVOC_REVOKED)
			T_EQ_INT(out.reason, 1);
		free(r);
		probe_revoc_in_free(&in);
	}
}

/* prepare from a probe_result: the issuer from the presented chain, or
 * else from a CA file */
static void
test_prepare_result(void)
{
	struct probe_result *res = xcalloc(1, sizeof(*res));
	struct probe_revoc_in in;
	char path[] = "/tmp/test_probe_revoc.XXXXXX";
	size_t n;
	FILE *f;
	int fd;

	res->nchain = 1;
	res->chain[0].der = unhex(fix_good, &n);
	res->chain[0].der_len = n;
	T_EQ_INT(probe_revoc_prepare(res, "/nonexistent", &in), -1);
	probe_revoc_in_free(&in);
	fd = mkstemp(path);
	T_CHECK(fd >= 0);
	f = fdopen(fd, "w");
	/* the twin first: same name, must be skipped */
	fputs("-----BEGIN CERTIFICATE-----\n", f);
	{
		static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
		    "ghijklmnopqrstuvwxyz0123456789+/";
		const char *srcs[2] = { fix_twin, fix_ca };
		int s;

		for (s = 0; s < 2; s++) {
			size_t l, i, col = 0;
			unsigned char *d = unhex(srcs[s], &l);

			if (s)
				fputs("-----BEGIN CERTIFICATE-----\n", f);
			for (i = 0; i < l; i += 3) {
				unsigned v = (unsigned)d[i] << 16;
				size_t k = l - i;

				v |= k > 1 ? (unsigned)d[i + 1] << 8 : 0;
				v |= k > 2 ? d[i + 2] : 0;
				fputc(b64[v >> 18 & 63], f);
				fputc(b64[v >> 12 & 63], f);
				fputc(k > 1 ? b64[v >> 6 & 63] : '=', f);
				fputc(k > 2 ? b64[v & 63] : '=', f);
				if ((col += 4) >= 64) {
					fputc('\n', f);
					col = 0;
				}
			}
			fputs("\n-----END CERTIFICATE-----\n", f);
			free(d);
		}
	}
	fclose(f);
	T_EQ_INT(probe_revoc_prepare(res, path, &in), 0);
	T_EQ_STR(in.issuer_from, "CA bundle");
	probe_revoc_in_free(&in);
	res->nchain = 2;
	res->chain[1].der = unhex(fix_ca, &n);
	res->chain[1].der_len = n;
	T_EQ_INT(probe_revoc_prepare(res, "/nonexistent", &in), 0);
	T_EQ_STR(in.issuer_from, "presented chain");
	probe_revoc_in_free(&in);
	unlink(path);
	free(res->chain[0].der);
	free(res->chain[1].der);
	free(res);
}

static void
test_names(void)
{
	T_EQ_STR(probe_revoc_reason_name(1), "keyCompromise");
	T_EQ_STR(probe_revoc_reason_name(99), "unspecified");
	T_EQ_STR(probe_revoc_status_name(PROBE_REVOC_NOT_TESTED),
	    "could-not-test");
}

T_MAIN(T_CASE(test_prepare), T_CASE(test_ocsp), T_CASE(test_crl),
    T_CASE(test_prepare_result), T_CASE(test_names))
