/* probe_cert: the probe's certificate judgements: chain fields, trust
 * against a CA file, expiry, RFC 6125 name match, stapled OCSP, and DANE
 * matching of caller-given TLSA records (RFC 6698, RFC 7671, RFC 7672).
 * Touches: OpenSSL, the CA file/dir named in the request. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls/probe.h"
#include "tls/probe_int.h"
#include "util/mem.h"
#include "util/str.h"

void
probe_hex(const unsigned char *p, size_t n, char *out, size_t outsz)
{
	static const char hx[] = "0123456789abcdef";
	size_t i, o = 0;

	if (outsz == 0)
		return;
	for (i = 0; i < n && o + 2 < outsz; i++) {
		out[o++] = hx[p[i] >> 4];
		out[o++] = hx[p[i] & 15];
	}
	out[o] = '\0';
}

X509_STORE *
probe_store_new(const struct probe_req *req, char *err, size_t errsz)
{
	X509_STORE *st = X509_STORE_new();
	unsigned long e;

	ERR_clear_error();
	if (st == NULL) {
		str_copy(err, "out of memory", errsz);
		return NULL;
	}
	if (req->ca_file == NULL && req->ca_path == NULL) {
		if (X509_STORE_set_default_paths(st) == 1)
			return st;
	} else if ((req->ca_file == NULL ||
	    X509_STORE_load_file(st, req->ca_file) == 1) &&
	    (req->ca_path == NULL ||
	    X509_STORE_load_path(st, req->ca_path) == 1))
		return st;
	e = ERR_peek_last_error();
	probe_say(err, errsz, "cannot load CA %s: %s",
	    req->ca_file ? req->ca_file : req->ca_path ? req->ca_path :
	    "defaults", e ? ERR_reason_error_string(e) : "unknown error");
	ERR_clear_error();
	X509_STORE_free(st);
	return NULL;
}

static void
name_text(const X509_NAME *n, char *out, size_t outsz)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long len;

	out[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) >= 0) {
		len = BIO_get_mem_data(b, &p);
		if (len > 0) {
			size_t l = (size_t)len < outsz - 1 ? (size_t)len :
			    outsz - 1;

			memcpy(out, p, l);
			out[l] = '\0';
		}
	}
	BIO_free(b);
}

static int64_t
asn1_time_unix(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

static void
sha256(const unsigned char *p, size_t n, unsigned char out[32])
{
	unsigned int len = 32;

	if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1)
		memset(out, 0, 32);
}

static void
cert_fill(struct probe_cert *pc, X509 *x)
{
	GENERAL_NAMES *gens;
	EVP_PKEY *pk;
	unsigned char *der = NULL;
	struct sbuf sans;
	int n, i;

	memset(pc, 0, sizeof(*pc));
	name_text(X509_get_subject_name(x), pc->subject, sizeof(pc->subject));
	name_text(X509_get_issuer_name(x), pc->issuer, sizeof(pc->issuer));
	sbuf_init(&sans, sizeof(pc->sans) - 1);
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const unsigned char *s;
		int l;

		if (g->type != GEN_DNS)
			continue;
		s = ASN1_STRING_get0_data(g->d.dNSName);
		l = ASN1_STRING_length(g->d.dNSName);
		if (sans.len > 0)
			sbuf_adds(&sans, ",");
		sbuf_add(&sans, s, (size_t)l);
	}
	GENERAL_NAMES_free(gens);
	if (sans.data != NULL)
		str_copy(pc->sans, sans.data, sizeof(pc->sans));
	sbuf_free(&sans);

	pk = X509_get0_pubkey(x);
	if (pk != NULL) {
		int id = EVP_PKEY_get_base_id(pk);
		const char *t;

		switch (id) {
		case EVP_PKEY_RSA:
		case EVP_PKEY_RSA_PSS:
			t = "RSA";
			break;
		case EVP_PKEY_EC:
			t = "EC";
			break;
		case EVP_PKEY_ED25519:
			t = "Ed25519";
			break;
		case EVP_PKEY_ED448:
			t = "Ed448";
			break;
		case EVP_PKEY_DSA:
			t = "DSA";
			break;
		default:
			t = OBJ_nid2sn(id) ? OBJ_nid2sn(id) : "unknown";
			break;
		}
		str_copy(pc->key_type, t, sizeof(pc->key_type));
		pc->key_bits = EVP_PKEY_get_bits(pk);
		if (id == EVP_PKEY_EC) {
			size_t gl = 0;

			if (EVP_PKEY_get_utf8_string_param(pk,
			    OSSL_PKEY_PARAM_GROUP_NAME, pc->key_curve,
			    sizeof(pc->key_curve), &gl) != 1)
				pc->key_curve[0] = '\0';
		}
	}
	n = X509_get_signature_nid(x);
	str_copy(pc->sig_alg, OBJ_nid2ln(n) ? OBJ_nid2ln(n) : "unknown",
	    sizeof(pc->sig_alg));
	pc->not_before = asn1_time_unix(X509_get0_notBefore(x));
	pc->not_after = asn1_time_unix(X509_get0_notAfter(x));
	pc->is_ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
	pc->self_signed = X509_self_signed(x, 1) == 1;
	ERR_clear_error();

	n = i2d_X509(x, &der);
	if (n > 0) {
		pc->der = xmalloc((size_t)n);
		memcpy(pc->der, der, (size_t)n);
		pc->der_len = (size_t)n;
		sha256(pc->der, pc->der_len, pc->sha256);
		OPENSSL_free(der);
	}
	der = NULL;
	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	if (n > 0) {
		pc->spki = xmalloc((size_t)n);
		memcpy(pc->spki, der, (size_t)n);
		pc->spki_len = (size_t)n;
		sha256(pc->spki, pc->spki_len, pc->spki_sha256);
		OPENSSL_free(der);
	}
}

void
probe_cert_clear(struct probe_cert *pc)
{
	free(pc->der);
	free(pc->spki);
	pc->der = pc->spki = NULL;
	pc->der_len = pc->spki_len = 0;
}

void
probe_chain_fill(struct probe_result *res, STACK_OF(X509) *chain)
{
	int i, n = sk_X509_num(chain);

	for (i = 0; i < n && res->nchain < PROBE_CHAIN_MAX; i++)
		cert_fill(&res->chain[res->nchain++], sk_X509_value(chain, i));
}

void
probe_chain_judge(struct probe_result *res, const struct probe_req *req,
    X509_STORE *store, const char *storeerr, STACK_OF(X509) *chain)
{
	time_t now = req->now ? req->now : time(NULL);
	X509 *leaf = sk_X509_value(chain, 0);
	size_t i;

	/* expiry, from the presented certificates */
	res->leaf_expired = res->chain[0].not_after < (int64_t)now;
	res->leaf_not_yet_valid = res->chain[0].not_before > (int64_t)now;
	res->leaf_seconds_left = res->chain[0].not_after - (int64_t)now;
	for (i = 0; i < res->nchain; i++)
		if (res->chain[i].not_after < (int64_t)now ||
		    res->chain[i].not_before > (int64_t)now)
			res->chain_expired = 1;

	/* trust: the chain to an anchor, dates aside (see probe.h) */
	if (store == NULL) {
		res->trust = PROBE_NOT_TESTED;
		str_copy(res->verify_text, storeerr, sizeof(res->verify_text));
	} else {
		X509_STORE_CTX *ctx = X509_STORE_CTX_new();
		STACK_OF(X509) *untrusted = sk_X509_new_null();
		int n = sk_X509_num(chain), k;

		for (k = 1; untrusted != NULL && k < n; k++)
			sk_X509_push(untrusted, sk_X509_value(chain, k));
		if (ctx != NULL && X509_STORE_CTX_init(ctx, store, leaf,
		    untrusted) == 1) {
			X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);

			X509_VERIFY_PARAM_set_purpose(vp,
			    X509_PURPOSE_SSL_SERVER);
			X509_VERIFY_PARAM_set_flags(vp,
			    X509_V_FLAG_NO_CHECK_TIME);
			if (X509_verify_cert(ctx) == 1) {
				res->trust = PROBE_OK;
				res->verify_code = X509_V_OK;
				str_copy(res->verify_text, "chain verified to "
				    "a trust anchor", sizeof(res->verify_text));
			} else {
				int code = X509_STORE_CTX_get_error(ctx);

				res->trust = PROBE_FAIL;
				res->verify_code = code;
				res->verify_depth =
				    X509_STORE_CTX_get_error_depth(ctx);
				probe_say(res->verify_text,
				    sizeof(res->verify_text),
				    "error %d at depth %d: %s", code,
				    res->verify_depth,
				    X509_verify_cert_error_string(code));
			}
		} else {
			res->trust = PROBE_NOT_TESTED;
			str_copy(res->verify_text, "verification could not "
			    "be set up", sizeof(res->verify_text));
		}
		X509_STORE_CTX_free(ctx);
		sk_X509_free(untrusted);
		ERR_clear_error();
	}

	/* RFC 6125 name check, no partial wildcards (RFC 6125 §6.4.3) */
	if (req->mx_name == NULL || *req->mx_name == '\0') {
		res->name = PROBE_NOT_TESTED;
	} else {
		char name[256], *peer = NULL;
		size_t l = str_copy(name, req->mx_name, sizeof(name));

		if (l > 0 && l < sizeof(name) && name[l - 1] == '.')
			name[l - 1] = '\0';
		if (X509_check_host(leaf, name, 0,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, &peer) == 1) {
			res->name = PROBE_OK;
			str_copy(res->name_matched, peer ? peer : name,
			    sizeof(res->name_matched));
		} else
			res->name = PROBE_FAIL;
		OPENSSL_free(peer);
		ERR_clear_error();
	}
}

void
probe_ocsp_judge(struct probe_result *res, SSL *ssl, X509_STORE *store,
    STACK_OF(X509) *chain, time_t now)
{
	STACK_OF(OPENSSL_STRING) *urls;
	const unsigned char *p = NULL;
	OCSP_RESPONSE *rsp = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_CERTID *id = NULL;
	ASN1_GENERALIZEDTIME *rev, *thisupd, *nextupd;
	X509 *leaf = sk_X509_value(chain, 0), *issuer = NULL;
	long len;
	int status, reason, st;

	(void)now;
	urls = X509_get1_ocsp(leaf);
	if (urls != NULL && sk_OPENSSL_STRING_num(urls) > 0)
		str_copy(res->ocsp_url, sk_OPENSSL_STRING_value(urls, 0),
		    sizeof(res->ocsp_url));
	X509_email_free(urls);

	len = SSL_get_tlsext_status_ocsp_resp(ssl, &p);
	if (len <= 0 || p == NULL) {
		res->ocsp = PROBE_OCSP_NONE;
		probe_say(res->ocsp_text, sizeof(res->ocsp_text),
		    "no OCSP response stapled");
		return;
	}
	res->ocsp = PROBE_OCSP_INVALID;
	rsp = d2i_OCSP_RESPONSE(NULL, &p, len);
	if (rsp == NULL) {
		str_copy(res->ocsp_text, "stapled response unparsable",
		    sizeof(res->ocsp_text));
		goto out;
	}
	st = OCSP_response_status(rsp);
	if (st != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		probe_say(res->ocsp_text, sizeof(res->ocsp_text),
		    "stapled response status %s", OCSP_response_status_str(st));
		goto out;
	}
	if ((bs = OCSP_response_get1_basic(rsp)) == NULL) {
		str_copy(res->ocsp_text, "stapled response not basic",
		    sizeof(res->ocsp_text));
		goto out;
	}
	if (sk_X509_num(chain) > 1)
		issuer = sk_X509_value(chain, 1);
	if (issuer == NULL) {
		str_copy(res->ocsp_text, "stapled response: issuer not "
		    "presented, cannot identify the certificate",
		    sizeof(res->ocsp_text));
		goto out;
	}
	if (store != NULL && OCSP_basic_verify(bs, chain, store, 0) <= 0) {
		str_copy(res->ocsp_text, "stapled response signature does "
		    "not verify", sizeof(res->ocsp_text));
		goto out;
	}
	id = OCSP_cert_to_id(NULL, leaf, issuer);
	if (id == NULL || OCSP_resp_find_status(bs, id, &status, &reason,
	    &rev, &thisupd, &nextupd) != 1) {
		str_copy(res->ocsp_text, "stapled response is not about "
		    "this certificate", sizeof(res->ocsp_text));
		goto out;
	}
	if (OCSP_check_validity(thisupd, nextupd, 300, -1) != 1) {
		str_copy(res->ocsp_text, "stapled response out of date",
		    sizeof(res->ocsp_text));
		goto out;
	}
	res->ocsp = status == V_OCSP_CERTSTATUS_GOOD ? PROBE_OCSP_GOOD :
	    status == V_OCSP_CERTSTATUS_REVOKED ? PROBE_OCSP_REVOKED :
	    PROBE_OCSP_UNKNOWN;
	probe_say(res->ocsp_text, sizeof(res->ocsp_text), "stapled: %s%s%s",
	    OCSP_cert_status_str(status),
	    status == V_OCSP_CERTSTATUS_REVOKED ? ", reason " : "",
	    status == V_OCSP_CERTSTATUS_REVOKED ?
	    OCSP_crl_reason_str(reason) : "");
out:
	OCSP_CERTID_free(id);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(rsp);
	ERR_clear_error();
}

/* --- DANE --- */

/* The data a TLSA record's selector and matching type say to compare
 * (RFC 6698 §2.1.2, §2.1.3); 0 on success, -1 unknown digest. */
static int
tlsa_digest(const struct probe_cert *pc, uint8_t selector, uint8_t mtype,
    unsigned char *out, size_t *outlen, const unsigned char **full)
{
	const unsigned char *p = selector == 0 ? pc->der : pc->spki;
	size_t n = selector == 0 ? pc->der_len : pc->spki_len;
	unsigned int l = 0;
	const EVP_MD *md;

	*full = NULL;
	if (mtype == 0) {
		*full = p;
		*outlen = n;
		return 0;
	}
	md = mtype == 1 ? EVP_sha256() : EVP_sha512();
	if (EVP_Digest(p, n, out, &l, md, NULL) != 1)
		return -1;
	*outlen = l;
	return 0;
}

static int
tlsa_matches(const struct probe_cert *pc, const struct probe_tlsa *t)
{
	unsigned char dg[EVP_MAX_MD_SIZE];
	const unsigned char *full;
	size_t n;

	if (pc->der == NULL || pc->spki == NULL ||
	    tlsa_digest(pc, t->selector, t->mtype, dg, &n, &full) == -1)
		return 0;
	if (full != NULL)
		return n == t->len && memcmp(full, t->data, n) == 0;
	return n == t->len && memcmp(dg, t->data, n) == 0;
}

/* For usage 2: does the leaf chain up to the presented certificate at
 * depth ta (taken as the trust anchor, RFC 7671 §5.2.2)? */
static int
ta_verifies(const struct probe_result *res, size_t ta, time_t now,
    char *why, size_t whysz)
{
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509 *certs[PROBE_CHAIN_MAX];
	size_t i;
	int ok = 0;

	memset(certs, 0, sizeof(certs));
	for (i = 0; i <= ta && i < res->nchain; i++) {
		const unsigned char *p = res->chain[i].der;

		certs[i] = d2i_X509(NULL, &p, (long)res->chain[i].der_len);
		if (certs[i] == NULL)
			goto out;
	}
	if (untrusted == NULL || st == NULL || ctx == NULL)
		goto out;
	for (i = 1; i < ta; i++)
		sk_X509_push(untrusted, certs[i]);
	X509_STORE_add_cert(st, certs[ta]);
	if (X509_STORE_CTX_init(ctx, st, certs[0], untrusted) != 1)
		goto out;
	X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx),
	    X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now);
	if (X509_verify_cert(ctx) == 1)
		ok = 1;
	else
		probe_say(why, whysz, "%s", X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(ctx)));
out:
	for (i = 0; i < PROBE_CHAIN_MAX; i++)
		X509_free(certs[i]);
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	ERR_clear_error();
	return ok;
}

static void
dane_one(struct probe_result *res, const struct probe_tlsa *t,
    struct probe_dane_rec *d, const char *mx_name, time_t now)
{
	size_t want, i;

	d->depth = -1;
	if (t->usage == 0 || t->usage == 1) {
		d->state = PROBE_DANE_UNUSABLE;
		probe_say(d->why, sizeof(d->why), "usage %u (%s) is unusable "
		    "for SMTP (RFC 7672 section 3.1.3)", t->usage,
		    t->usage == 0 ? "PKIX-TA" : "PKIX-EE");
		return;
	}
	if (t->usage > 3 || t->selector > 1 || t->mtype > 2) {
		d->state = PROBE_DANE_UNUSABLE;
		probe_say(d->why, sizeof(d->why), "unknown %s %u",
		    t->usage > 3 ? "usage" : t->selector > 1 ? "selector" :
		    "matching type", t->usage > 3 ? t->usage :
		    t->selector > 1 ? t->selector : t->mtype);
		return;
	}
	want = t->mtype == 1 ? 32 : t->mtype == 2 ? 64 : 0;
	if ((want != 0 && t->len != want) || t->len == 0 || t->data == NULL) {
		d->state = PROBE_DANE_MALFORMED;
		probe_say(d->why, sizeof(d->why), "data is %zu octets, "
		    "matching type %u needs %zu", t->len, t->mtype,
		    want ? want : (size_t)1);
		return;
	}
	if (res->nchain == 0) {
		d->state = PROBE_DANE_NOT_TESTED;
		str_copy(d->why, "no certificate chain to match",
		    sizeof(d->why));
		return;
	}
	if (t->usage == 3) {
		/* DANE-EE: the leaf only; names and dates do not matter
		 * (RFC 7672 section 3.1.1) */
		if (tlsa_matches(&res->chain[0], t)) {
			d->state = PROBE_DANE_MATCH;
			d->depth = 0;
			str_copy(d->why, "matches the server certificate",
			    sizeof(d->why));
		} else {
			d->state = PROBE_DANE_NOMATCH;
			str_copy(d->why, "does not match the server "
			    "certificate", sizeof(d->why));
		}
		return;
	}
	/* DANE-TA: a CA certificate of the presented chain, the leaf
	 * chaining to it, and the name matching (RFC 7672 section 3.1.2) */
	for (i = 1; i < res->nchain; i++) {
		char why[PROBE_TEXT_MAX] = "";

		if (!tlsa_matches(&res->chain[i], t))
			continue;
		d->depth = (int)i;
		if (!ta_verifies(res, i, now, why, sizeof(why))) {
			d->state = PROBE_DANE_NOMATCH;
			probe_say(d->why, sizeof(d->why), "matches the "
			    "certificate at depth %zu, but the chain does not "
			    "verify to it: %s", i, why);
			return;
		}
		if (mx_name == NULL || res->name != PROBE_OK) {
			d->state = PROBE_DANE_NOMATCH;
			probe_say(d->why, sizeof(d->why), "matches the trust "
			    "anchor at depth %zu, but the certificate does not "
			    "match the name %s", i, mx_name ? mx_name :
			    "(none given)");
			return;
		}
		d->state = PROBE_DANE_MATCH;
		probe_say(d->why, sizeof(d->why), "matches the trust anchor "
		    "at depth %zu; chain and name verified", i);
		return;
	}
	d->state = PROBE_DANE_NOMATCH;
	str_copy(d->why, res->nchain == 1 ? "no CA certificate presented "
	    "(usage 2 needs the trust anchor in the chain)" :
	    "matches no CA certificate of the presented chain",
	    sizeof(d->why));
}

void
probe_dane_match(struct probe_result *res, const struct probe_tlsa *t,
    size_t n, const char *mx_name)
{
	time_t now = res->now ? (time_t)res->now : time(NULL);
	size_t i, match = 0, nomatch = 0, untested = 0;

	free(res->dane);
	res->dane = NULL;
	res->ntlsa = n;
	if (n == 0 || t == NULL) {
		res->ntlsa = 0;
		res->dane_state = PROBE_DANE_NOT_TESTED;
		str_copy(res->dane_text, "no TLSA records",
		    sizeof(res->dane_text));
		return;
	}
	res->dane = xcalloc(n, sizeof(*res->dane));
	for (i = 0; i < n; i++) {
		dane_one(res, &t[i], &res->dane[i], mx_name, now);
		if (res->dane[i].state == PROBE_DANE_MATCH)
			match++;
		else if (res->dane[i].state == PROBE_DANE_NOMATCH)
			nomatch++;
		else if (res->dane[i].state == PROBE_DANE_NOT_TESTED)
			untested++;
	}
	if (match > 0) {
		res->dane_state = PROBE_DANE_MATCH;
		probe_say(res->dane_text, sizeof(res->dane_text), "%zu of %zu "
		    "TLSA records match the presented chain", match, n);
	} else if (untested > 0) {
		res->dane_state = PROBE_DANE_NOT_TESTED;
		str_copy(res->dane_text, "no certificate chain to match "
		    "(no TLS)", sizeof(res->dane_text));
	} else if (nomatch > 0) {
		res->dane_state = PROBE_DANE_NOMATCH;
		probe_say(res->dane_text, sizeof(res->dane_text), "none of "
		    "%zu usable TLSA records matches the presented chain",
		    nomatch);
	} else {
		res->dane_state = PROBE_DANE_UNUSABLE;
		probe_say(res->dane_text, sizeof(res->dane_text), "no usable "
		    "TLSA record (usages 0/1 or unknown parameters, or "
		    "malformed)");
	}
}
