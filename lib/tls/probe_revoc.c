/* probe_revoc: OCSP request making and response / CRL judging for a
 * probed leaf (RFC 6960, RFC 5280). Pure over DER inputs, except that
 * probe_revoc_prepare reads the CA file to find a missing issuer.
 * Touches: OpenSSL, the CA file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls/probe.h"
#include "tls/probe_int.h"
#include "tls/probe_revoc.h"
#include "util/mem.h"
#include "util/str.h"

#define REVOC_SKEW	300	/* seconds of clock skew allowed */

static unsigned char *
dup_der(const unsigned char *p, size_t n)
{
	unsigned char *d = xmalloc(n ? n : 1);

	memcpy(d, p, n);
	return d;
}

static X509 *
der_x509(const unsigned char *p, size_t n)
{
	const unsigned char *q = p;

	if (p == NULL || n == 0 || n > 1024 * 1024)
		return NULL;
	return d2i_X509(NULL, &q, (long)n);
}

static int64_t
asn1_unix(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

static void
fmt_time(int64_t t, char *out, size_t sz)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
		str_copy(out, "-", sz);
		return;
	}
	strftime(out, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
http_url(const char *u)
{
	return strncasecmp(u, "http://", 7) == 0;
}

static void
list_urls(X509 *leaf, struct probe_revoc_in *in, int *other)
{
	STACK_OF(OPENSSL_STRING) *urls;
	STACK_OF(DIST_POINT) *dps;
	int i, j;

	urls = X509_get1_ocsp(leaf);
	for (i = 0; urls != NULL && i < sk_OPENSSL_STRING_num(urls); i++) {
		const char *u = sk_OPENSSL_STRING_value(urls, i);

		if (!http_url(u) || strlen(u) >= PROBE_REVOC_URL_MAX) {
			(*other)++;
			continue;
		}
		if (in->nocsp < PROBE_REVOC_URLS)
			str_copy(in->ocsp_url[in->nocsp++], u,
			    PROBE_REVOC_URL_MAX);
	}
	X509_email_free(urls);
	dps = X509_get_ext_d2i(leaf, NID_crl_distribution_points, NULL, NULL);
	for (i = 0; dps != NULL && i < sk_DIST_POINT_num(dps); i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		GENERAL_NAMES *gns;

		/* only full names; a CRL for a reason subset or from
		 * another issuer (cRLIssuer) is not the whole answer */
		if (dp->distpoint == NULL || dp->distpoint->type != 0 ||
		    dp->reasons != NULL || dp->CRLissuer != NULL)
			continue;
		gns = dp->distpoint->name.fullname;
		for (j = 0; j < sk_GENERAL_NAME_num(gns); j++) {
			GENERAL_NAME *gn = sk_GENERAL_NAME_value(gns, j);
			const unsigned char *d;
			int l;

			if (gn->type != GEN_URI)
				continue;
			d = ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier);
			l = ASN1_STRING_length(gn->d.uniformResourceIdentifier);
			if (l <= 0 || l >= PROBE_REVOC_URL_MAX ||
			    memchr(d, '\0', (size_t)l) != NULL) {
				(*other)++;
				continue;
			}
			{
				char u[PROBE_REVOC_URL_MAX];

				memcpy(u, d, (size_t)l);
				u[l] = '\0';
				if (!http_url(u)) {
					(*other)++;
					continue;
				}
				if (in->ncrl < PROBE_REVOC_URLS)
					str_copy(in->crl_url[in->ncrl++], u,
					    PROBE_REVOC_URL_MAX);
			}
		}
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
}

int
probe_revoc_prepare_der(const unsigned char *leafd, size_t leaf_len,
    const unsigned char *issd, size_t iss_len, struct probe_revoc_in *in)
{
	X509 *leaf, *iss = NULL;
	OCSP_REQUEST *rq = NULL;
	OCSP_CERTID *id = NULL;
	unsigned char *p = NULL;
	int other = 0, n, rc = -1;

	memset(in, 0, sizeof(*in));
	if ((leaf = der_x509(leafd, leaf_len)) == NULL) {
		str_copy(in->why, "leaf certificate unparsable",
		    sizeof(in->why));
		goto out;
	}
	in->leaf = dup_der(leafd, leaf_len);
	in->leaf_len = leaf_len;
	list_urls(leaf, in, &other);
	if (issd == NULL || (iss = der_x509(issd, iss_len)) == NULL) {
		str_copy(in->why, "the issuer certificate is neither "
		    "presented nor in the CA bundle", sizeof(in->why));
		goto out;
	}
	if (X509_check_issued(iss, leaf) != X509_V_OK) {
		str_copy(in->why, "the given issuer did not issue the leaf",
		    sizeof(in->why));
		goto out;
	}
	in->issuer = dup_der(issd, iss_len);
	in->issuer_len = iss_len;
	if ((rq = OCSP_REQUEST_new()) == NULL ||
	    (id = OCSP_cert_to_id(EVP_sha1(), leaf, iss)) == NULL ||
	    OCSP_request_add0_id(rq, id) == NULL) {
		OCSP_CERTID_free(id);
		str_copy(in->why, "cannot make an OCSP request",
		    sizeof(in->why));
		goto out;
	}
	if (OCSP_request_add1_nonce(rq, NULL, 16) != 1 ||
	    (n = i2d_OCSP_REQUEST(rq, &p)) <= 0) {
		str_copy(in->why, "cannot encode the OCSP request",
		    sizeof(in->why));
		goto out;
	}
	in->ocsp_req = dup_der(p, (size_t)n);
	in->ocsp_req_len = (size_t)n;
	OPENSSL_free(p);
	rc = 0;
	if (in->nocsp == 0 && in->ncrl == 0)
		probe_say(in->why, sizeof(in->why), "the certificate names "
		    "no http OCSP responder (AIA) and no http CRL "
		    "distribution point%s", other ? " (other URLs ignored)" :
		    "");
out:
	OCSP_REQUEST_free(rq);
	X509_free(iss);
	X509_free(leaf);
	ERR_clear_error();
	return rc;
}

/* A certificate of ca_file that issued leaf, as DER (owned), or NULL. */
static unsigned char *
issuer_in_bundle(X509 *leaf, const char *ca_file, size_t *len)
{
	unsigned char *out = NULL, *p = NULL;
	X509 *c;
	BIO *b;
	int n;

	if (ca_file == NULL)
		ca_file = X509_get_default_cert_file();
	if ((b = BIO_new_file(ca_file, "r")) == NULL)
		return NULL;
	while (out == NULL &&
	    (c = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		if (X509_check_issued(c, leaf) == X509_V_OK &&
		    (n = i2d_X509(c, &p)) > 0) {
			out = dup_der(p, (size_t)n);
			*len = (size_t)n;
			OPENSSL_free(p);
			p = NULL;
		}
		X509_free(c);
	}
	BIO_free(b);
	ERR_clear_error();
	return out;
}

int
probe_revoc_prepare(const struct probe_result *res, const char *ca_file,
    struct probe_revoc_in *in)
{
	const unsigned char *issd = NULL;
	unsigned char *found = NULL;
	const char *from = "presented chain";
	size_t iss_len = 0;
	X509 *leaf, *c1;
	int rc;

	if (res->nchain == 0 || res->chain[0].der == NULL) {
		memset(in, 0, sizeof(*in));
		str_copy(in->why, "no certificate was presented",
		    sizeof(in->why));
		return -1;
	}
	leaf = der_x509(res->chain[0].der, res->chain[0].der_len);
	if (leaf != NULL && res->nchain > 1) {
		c1 = der_x509(res->chain[1].der, res->chain[1].der_len);
		if (c1 != NULL && X509_check_issued(c1, leaf) == X509_V_OK) {
			issd = res->chain[1].der;
			iss_len = res->chain[1].der_len;
		}
		X509_free(c1);
	}
	if (leaf != NULL && issd == NULL) {
		found = issuer_in_bundle(leaf, ca_file, &iss_len);
		issd = found;
		from = "CA bundle";
	}
	X509_free(leaf);
	ERR_clear_error();
	rc = probe_revoc_prepare_der(res->chain[0].der, res->chain[0].der_len,
	    issd, iss_len, in);
	in->issuer_from = issd ? from : NULL;
	free(found);
	return rc;
}

void
probe_revoc_in_free(struct probe_revoc_in *in)
{
	free(in->leaf);
	free(in->issuer);
	free(in->ocsp_req);
	memset(in, 0, sizeof(*in));
}

/* thisUpdate / nextUpdate against now; 0 ok, -1 with out->text set. */
static int
fresh(struct probe_revoc_out *out, const char *what, time_t now)
{
	char a[32], b[32];

	fmt_time(out->this_update, a, sizeof(a));
	fmt_time(out->next_update, b, sizeof(b));
	if (out->this_update == 0) {
		probe_say(out->text, sizeof(out->text), "%s without a "
		    "valid thisUpdate", what);
		return -1;
	}
	if (out->this_update > (int64_t)now + REVOC_SKEW) {
		probe_say(out->text, sizeof(out->text), "%s not yet valid: "
		    "thisUpdate %s", what, a);
		return -1;
	}
	if (out->next_update != 0 &&
	    out->next_update < (int64_t)now - REVOC_SKEW) {
		probe_say(out->text, sizeof(out->text), "%s out of date: "
		    "nextUpdate %s", what, b);
		return -1;
	}
	return 0;
}

static void
say_status(struct probe_revoc_out *out, const char *prefix)
{
	char a[32], b[32], r[32];

	fmt_time(out->this_update, a, sizeof(a));
	fmt_time(out->next_update, b, sizeof(b));
	fmt_time(out->revoked_at, r, sizeof(r));
	if (out->status == PROBE_REVOC_REVOKED)
		probe_say(out->text, sizeof(out->text), "%srevoked at %s, "
		    "reason %s (thisUpdate %s, nextUpdate %s)", prefix, r,
		    probe_revoc_reason_name(out->reason), a, b);
	else
		probe_say(out->text, sizeof(out->text), "%s%s (thisUpdate "
		    "%s, nextUpdate %s)", prefix,
		    probe_revoc_status_name(out->status), a, b);
}

static void
out_init(struct probe_revoc_out *out)
{
	memset(out, 0, sizeof(*out));
	out->reason = -1;
}

void
probe_revoc_ocsp(const struct probe_revoc_in *in, const unsigned char *der,
    size_t len, time_t now, struct probe_revoc_out *out)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *rsp = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_REQUEST *rq = NULL;
	OCSP_CERTID *id;
	STACK_OF(X509) *certs = NULL;
	X509_STORE *store = NULL;
	X509 *iss = NULL;
	ASN1_GENERALIZEDTIME *rev = NULL, *thisu = NULL, *nextu = NULL;
	int st, status, reason = -1;

	out_init(out);
	if (now == 0)
		now = time(NULL);
	if (in->ocsp_req == NULL || in->issuer == NULL) {
		str_copy(out->text, in->why[0] ? in->why : "no OCSP request",
		    sizeof(out->text));
		return;
	}
	if (der == NULL || len == 0 || len > 1024 * 1024 ||
	    (rsp = d2i_OCSP_RESPONSE(NULL, &p, (long)len)) == NULL) {
		str_copy(out->text, "OCSP response unparsable",
		    sizeof(out->text));
		goto out;
	}
	st = OCSP_response_status(rsp);
	if (st != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		probe_say(out->text, sizeof(out->text), "OCSP response "
		    "status %s", OCSP_response_status_str(st));
		goto out;
	}
	if ((bs = OCSP_response_get1_basic(rsp)) == NULL) {
		str_copy(out->text, "OCSP response is not a basic response",
		    sizeof(out->text));
		goto out;
	}
	p = in->ocsp_req;
	rq = d2i_OCSP_REQUEST(NULL, &p, (long)in->ocsp_req_len);
	iss = der_x509(in->issuer, in->issuer_len);
	if (rq == NULL || iss == NULL || OCSP_request_onereq_count(rq) < 1) {
		str_copy(out->text, "OCSP request unusable",
		    sizeof(out->text));
		goto out;
	}
	if (OCSP_check_nonce(rq, bs) == 0) {
		str_copy(out->text, "OCSP response nonce differs from ours",
		    sizeof(out->text));
		goto out;
	}
	/* the issuer signs itself (trusted as given), or a delegated
	 * responder whose certificate the issuer signed, carrying
	 * id-kp-OCSPSigning: OCSP_basic_verify checks both, the chain
	 * anchored at the issuer alone (partial chain) */
	store = X509_STORE_new();
	certs = sk_X509_new_null();
	if (store == NULL || certs == NULL ||
	    X509_STORE_add_cert(store, iss) != 1 ||
	    sk_X509_push(certs, iss) <= 0) {
		str_copy(out->text, "out of memory", sizeof(out->text));
		goto out;
	}
	X509_up_ref(iss);
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), now);
	if (OCSP_basic_verify(bs, certs, store, OCSP_TRUSTOTHER) <= 0) {
		unsigned long e = ERR_peek_last_error();

		probe_say(out->text, sizeof(out->text), "OCSP response "
		    "signature does not verify (neither the issuer nor a "
		    "responder it delegated to)%s%s", e ? ": " : "",
		    e ? ERR_reason_error_string(e) : "");
		goto out;
	}
	id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(rq, 0));
	if (OCSP_resp_find_status(bs, id, &status, &reason, &rev, &thisu,
	    &nextu) != 1) {
		str_copy(out->text, "OCSP response is not about this "
		    "certificate", sizeof(out->text));
		goto out;
	}
	out->this_update = asn1_unix(thisu);
	out->next_update = nextu ? asn1_unix(nextu) : 0;
	if (fresh(out, "OCSP response", now) != 0)
		goto out;
	if (status == V_OCSP_CERTSTATUS_GOOD)
		out->status = PROBE_REVOC_GOOD;
	else if (status == V_OCSP_CERTSTATUS_REVOKED) {
		out->status = PROBE_REVOC_REVOKED;
		out->reason = reason;
		out->revoked_at = asn1_unix(rev);
	} else
		out->status = PROBE_REVOC_UNKNOWN;
	say_status(out, "");
out:
	sk_X509_pop_free(certs, X509_free);
	X509_STORE_free(store);
	X509_free(iss);
	OCSP_REQUEST_free(rq);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(rsp);
	ERR_clear_error();
}

void
probe_revoc_crl(const struct probe_revoc_in *in, const unsigned char *der,
    size_t len, time_t now, struct probe_revoc_out *out)
{
	const unsigned char *p = der;
	X509_CRL *crl = NULL;
	X509_REVOKED *r = NULL;
	X509 *iss = NULL, *leaf = NULL;
	EVP_PKEY *k;

	out_init(out);
	if (now == 0)
		now = time(NULL);
	if (in->issuer == NULL || in->leaf == NULL) {
		str_copy(out->text, in->why[0] ? in->why : "no issuer",
		    sizeof(out->text));
		return;
	}
	if (der == NULL || len == 0 || len > 64 * 1024 * 1024) {
		str_copy(out->text, "CRL empty", sizeof(out->text));
		return;
	}
	if (len > 10 && memcmp(der, "-----BEGIN", 10) == 0) {
		BIO *b = BIO_new_mem_buf(der, (int)len);

		if (b != NULL)
			crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
		BIO_free(b);
	} else
		crl = d2i_X509_CRL(NULL, &p, (long)len);
	if (crl == NULL) {
		str_copy(out->text, "CRL unparsable", sizeof(out->text));
		goto out;
	}
	iss = der_x509(in->issuer, in->issuer_len);
	leaf = der_x509(in->leaf, in->leaf_len);
	if (iss == NULL || leaf == NULL) {
		str_copy(out->text, "certificates unparsable",
		    sizeof(out->text));
		goto out;
	}
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(iss)) != 0) {
		str_copy(out->text, "CRL issued by another CA than the "
		    "certificate", sizeof(out->text));
		goto out;
	}
	k = X509_get0_pubkey(iss);
	if (k == NULL || X509_CRL_verify(crl, k) != 1) {
		str_copy(out->text, "CRL signature does not verify with the "
		    "issuer's key", sizeof(out->text));
		goto out;
	}
	out->this_update = asn1_unix(X509_CRL_get0_lastUpdate(crl));
	out->next_update = asn1_unix(X509_CRL_get0_nextUpdate(crl));
	if (out->next_update == 0) {
		str_copy(out->text, "CRL without nextUpdate: cannot tell "
		    "whether it is current", sizeof(out->text));
		goto out;
	}
	if (fresh(out, "CRL", now) != 0)
		goto out;
	if (X509_CRL_get0_by_serial(crl, &r,
	    X509_get0_serialNumber(leaf)) == 1 && r != NULL) {
		ASN1_ENUMERATED *e;

		out->status = PROBE_REVOC_REVOKED;
		out->revoked_at = asn1_unix(
		    X509_REVOKED_get0_revocationDate(r));
		e = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, NULL, NULL);
		out->reason = e ? (int)ASN1_ENUMERATED_get(e) : 0;
		ASN1_ENUMERATED_free(e);
		say_status(out, "");
	} else {
		out->status = PROBE_REVOC_GOOD;
		say_status(out, "not listed: ");
		/* say_status wrote "not listed: good (...)" */
	}
out:
	X509_free(leaf);
	X509_free(iss);
	X509_CRL_free(crl);
	ERR_clear_error();
}

const char *
probe_revoc_status_name(enum probe_revoc_status s)
{
	switch (s) {
	case PROBE_REVOC_GOOD:
		return "good";
	case PROBE_REVOC_REVOKED:
		return "revoked";
	case PROBE_REVOC_UNKNOWN:
		return "unknown";
	default:
		return "could-not-test";
	}
}

const char *
probe_revoc_reason_name(int reason)
{
	static const char *const names[] = {
		"unspecified", "keyCompromise", "cACompromise",
		"affiliationChanged", "superseded", "cessationOfOperation",
		"certificateHold", "unused", "removeFromCRL",
		"privilegeWithdrawn", "aACompromise"
	};

	if (reason < 0 || reason >= (int)(sizeof(names) / sizeof(names[0])))
		return "unspecified";
	return names[reason];
}
