/* probe_int: shared between lib/tls/probe*.c only (OpenSSL types). */
#ifndef ECHOMX_PROBE_INT_H
#define ECHOMX_PROBE_INT_H
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls/probe.h"

/* probe_cert.c */
X509_STORE *probe_store_new(const struct probe_req *, char *err,
	    size_t errsz);
/* Fill res->chain from the peer chain (depth 0 = leaf). */
void	 probe_chain_fill(struct probe_result *, STACK_OF(X509) *);
/* Trust, expiry and name of res->chain; store may be NULL (then trust is
 * not tested, storeerr says why). */
void	 probe_chain_judge(struct probe_result *, const struct probe_req *,
	    X509_STORE *, const char *storeerr, STACK_OF(X509) *);
/* Stapled OCSP of the established connection. */
void	 probe_ocsp_judge(struct probe_result *, SSL *, X509_STORE *,
	    STACK_OF(X509) *, time_t now);
void	 probe_cert_clear(struct probe_cert *);
/* snprintf that may truncate on purpose (texts are bounded) */
void	 probe_say(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 probe_hex(const unsigned char *, size_t, char *, size_t);

#endif
