/* probe_revoc: revocation of a probed leaf certificate, the pure parts.
 * From a probe_result's chain (the issuer taken from the presented chain
 * or found in the CA bundle) it makes the OCSP request (RFC 6960 §4.1)
 * and lists the responder URLs (AIA, RFC 5280 §4.2.2.1) and the http CRL
 * distribution points (RFC 5280 §4.2.1.13); it judges an OCSP response
 * or a CRL against them. No network here: the caller fetches (lib/http)
 * and passes the DER it got. OpenSSL stays in lib/tls. */
#ifndef ECHOMX_PROBE_REVOC_H
#define ECHOMX_PROBE_REVOC_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct probe_result;

#define PROBE_REVOC_URLS	4
#define PROBE_REVOC_URL_MAX	256

struct probe_revoc_in {
	unsigned char	*leaf;		/* owned DER */
	size_t		 leaf_len;
	unsigned char	*issuer;	/* owned DER; NULL: not found */
	size_t		 issuer_len;
	const char	*issuer_from;	/* "presented chain" / "CA bundle" */
	unsigned char	*ocsp_req;	/* owned DER, with a nonce */
	size_t		 ocsp_req_len;
	size_t		 nocsp;		/* AIA OCSP URLs (http only) */
	char		 ocsp_url[PROBE_REVOC_URLS][PROBE_REVOC_URL_MAX];
	size_t		 ncrl;		/* CRL DP URLs (http only) */
	char		 crl_url[PROBE_REVOC_URLS][PROBE_REVOC_URL_MAX];
	char		 why[256];	/* what is missing, "" if nothing */
};

enum probe_revoc_status {
	PROBE_REVOC_NOT_TESTED = 0,	/* could-not-test: text says why */
	PROBE_REVOC_GOOD,		/* OCSP good / not on the CRL */
	PROBE_REVOC_REVOKED,
	PROBE_REVOC_UNKNOWN		/* OCSP "unknown" */
};

struct probe_revoc_out {
	enum probe_revoc_status status;
	int		 reason;	/* CRLReason (RFC 5280 §5.3.1), -1 */
	int64_t		 revoked_at;	/* unix time, when revoked */
	int64_t		 this_update;
	int64_t		 next_update;	/* 0: none given */
	char		 text[256];	/* "good, thisUpdate ..." or why not */
};

/* Fill *in from res->chain (leaf = chain[0]). The issuer: chain[1] when
 * it issued the leaf, else a certificate of ca_file that did (NULL
 * ca_file: OpenSSL's default file). Returns 0 when the leaf and its
 * issuer are known (an OCSP request was made), -1 otherwise (in->why).
 * URLs are listed either way. Free with probe_revoc_in_free. */
int	 probe_revoc_prepare(const struct probe_result *res,
	    const char *ca_file, struct probe_revoc_in *in);
/* The same from DER certificates (tests, and the work behind prepare). */
int	 probe_revoc_prepare_der(const unsigned char *leaf, size_t leaf_len,
	    const unsigned char *issuer, size_t issuer_len,
	    struct probe_revoc_in *in);
void	 probe_revoc_in_free(struct probe_revoc_in *);

/* Judge an OCSP response (DER) to in->ocsp_req: successful, basic,
 * signed by the issuer or by a responder the issuer delegated to
 * (id-kp-OCSPSigning, RFC 6960 §4.2.2.2), about this certificate, nonce
 * equal if echoed, thisUpdate <= now + 5 min, nextUpdate (if any) >=
 * now - 5 min. now 0 = time(NULL). */
void	 probe_revoc_ocsp(const struct probe_revoc_in *,
	    const unsigned char *der, size_t len, time_t now,
	    struct probe_revoc_out *out);
/* Judge a CRL (DER or PEM): signed by the issuer, issuer name equal,
 * thisUpdate <= now + 5 min, nextUpdate >= now - 5 min (absent: not
 * trusted as current), then the leaf's serial looked up. */
void	 probe_revoc_crl(const struct probe_revoc_in *,
	    const unsigned char *der, size_t len, time_t now,
	    struct probe_revoc_out *out);

/* "good" "revoked" "unknown" "could-not-test" */
const char *probe_revoc_status_name(enum probe_revoc_status);
/* RFC 5280 CRLReason name, "unspecified" for unknown codes */
const char *probe_revoc_reason_name(int reason);

#endif
