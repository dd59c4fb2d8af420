/* dkimkey: DKIM key record parser (RFC 6376 §3.6.1, Ed25519 RFC 8463),
 * with the key type and size taken from the p= key itself (a small DER
 * reader for RSA SubjectPublicKeyInfo; no crypto library). Pure. */
#ifndef ECHOMX_DKIMKEY_H
#define ECHOMX_DKIMKEY_H
#include <stddef.h>

#define DKIMKEY_MAX_LEN	8192	/* record length accepted */
#define DKIMKEY_MAX_KEY	4096	/* decoded p= octets (RSA 16384+ bits) */

enum dkimkey_type {
	DKIMKEY_RSA = 1,
	DKIMKEY_ED25519
};

struct dkimkey {
	enum dkimkey_type type;		/* from k= (default rsa) */
	int		 revoked;	/* p= is empty (§3.6.1) */
	unsigned	 bits;		/* RSA modulus / 256 for Ed25519;
					   0 when revoked */
	int		 spki;		/* RSA: 1 SubjectPublicKeyInfo,
					   0 bare RSAPublicKey */
	int		 testing;	/* t=y */
	int		 strict;	/* t=s: no subdomains in i= */
	int		 sha1, sha256;	/* h= allows (both without h=) */
	int		 email;		/* s= is * or has email (default) */
};

/* Parse a key record: "v=DKIM1; k=rsa; p=MIIBIjANBg...". 0 ok, -1 with a
 * message in err (v not DKIM1 / not first, unknown k=, no p=, bad
 * base64, a key that is not an RSA key / not 32 octets for Ed25519,
 * a tag given twice). A revoked key (empty p=) is 0 with revoked set. */
int	 dkimkey_parse(const char *buf, size_t len, struct dkimkey *,
	    char *err, size_t errsz);

/* RSA public key size in bits from DER: a SubjectPublicKeyInfo with
 * rsaEncryption, or a bare PKCS#1 RSAPublicKey. 0 with *spki set, -1 with
 * err. */
int	 dkimkey_rsa_bits(const unsigned char *der, size_t len,
	    unsigned *bits, int *spki, char *err, size_t errsz);

/* Base64 (RFC 4648) with white space skipped; -1 on a bad character,
 * bad padding or more than outsz octets. */
int	 dkimkey_base64(const char *s, size_t len, unsigned char *out,
	    size_t outsz, size_t *outlen);

#endif
