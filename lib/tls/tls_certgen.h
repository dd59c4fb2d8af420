/* tls_certgen: the certificates "echomx init" makes for a local
 * instance: a private test CA, and per virtual server the kind the matrix
 * asks for. Existing files are left alone. */
#ifndef ECHOMX_TLS_CERTGEN_H
#define ECHOMX_TLS_CERTGEN_H

struct sbuf;

/* Make the CA certificate and key when either is missing.
 * Returns 1 made, 0 already there, -1 error (reason in err). */
int	 tls_certgen_ca(const char *cert_file, const char *key_file,
	    const char *cn, struct sbuf *err);
/* kind: selfsigned ca expired wrongname; key_type: rsa2048 rsa4096
 * ec-p256. The certificate file holds the chain (leaf, then the CA for
 * CA-signed kinds); the key is written with mode 0600.
 * Returns 1 made, 0 already there, -1 error. */
int	 tls_certgen_vs(const char *kind, const char *key_type,
	    const char *hostname, const char *cert_file, const char *key_file,
	    const char *ca_cert, const char *ca_key, struct sbuf *err);

#endif
