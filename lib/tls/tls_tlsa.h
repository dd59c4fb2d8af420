/* tls_tlsa: the DANE TLSA association data (RFC 6698 section 2.1) of a
 * certificate file, and the SHA-256 helpers the dns-rotator needs.
 * Only lib/tls may use OpenSSL; callers get plain bytes. */
#ifndef ECHOMX_TLS_TLSA_H
#define ECHOMX_TLS_TLSA_H
#include <stddef.h>

struct sbuf;

#define TLS_TLSA_SHA256_LEN	32

/* The association data of the first certificate in a PEM file for
 * selector (0 full certificate, 1 SubjectPublicKeyInfo) and matching type
 * (0 full, 1 SHA-256, 2 SHA-512). On success *out is malloc'ed (the
 * caller frees it) with *outlen bytes; -1 with the reason in err. */
int	tls_tlsa_from_file(const char *path, int selector, int mtype,
	    unsigned char **out, size_t *outlen, struct sbuf *err);

/* SHA-256 of buf (pure). out holds TLS_TLSA_SHA256_LEN bytes. */
void	tls_tlsa_sha256(const void *buf, size_t len, unsigned char *out);

/* Lower-case hex of len bytes appended to sb; 0 or -1 (sbuf full). */
int	tls_tlsa_hex(struct sbuf *sb, const unsigned char *p, size_t len);

/* Create an RSA-2048 private key (PEM, mode 0600) at path when no file
 * is there (for the DKIM records of the report domain); then append the
 * base64 DER SubjectPublicKeyInfo of the key in path to pub_b64.
 * 0, or -1 with the reason in err. */
int	tls_tlsa_dkim_key(const char *path, struct sbuf *pub_b64,
	    struct sbuf *err);

#endif
