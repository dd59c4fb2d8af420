/* tls_tlsa: TLSA association data from a certificate file (RFC 6698
 * 2.1.2-2.1.3), SHA-256, and the DKIM key of the report domain.
 * Touches: the named files only (read; the DKIM key is created 0600). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tls/tls_tlsa.h"
#include "util/mem.h"
#include "util/str.h"

void
tls_tlsa_sha256(const void *buf, size_t len, unsigned char *out)
{
	unsigned int n = 0;

	if (EVP_Digest(buf, len, out, &n, EVP_sha256(), NULL) != 1 ||
	    n != TLS_TLSA_SHA256_LEN)
		fatal("tls_tlsa: SHA-256 failed");
}

int
tls_tlsa_hex(struct sbuf *sb, const unsigned char *p, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;
	char b[2];

	for (i = 0; i < len; i++) {
		b[0] = hx[p[i] >> 4];
		b[1] = hx[p[i] & 15];
		if (sbuf_add(sb, b, 2) < 0)
			return -1;
	}
	return 0;
}

int
tls_tlsa_from_file(const char *path, int selector, int mtype,
    unsigned char **out, size_t *outlen, struct sbuf *err)
{
	FILE *fp;
	X509 *x;
	unsigned char *der = NULL, *p;
	int len;
	const EVP_MD *md = NULL;
	unsigned int n = 0;

	*out = NULL;
	*outlen = 0;
	if (selector != 0 && selector != 1) {
		sbuf_addf(err, "TLSA selector %d unsupported", selector);
		return -1;
	}
	if (mtype == 1)
		md = EVP_sha256();
	else if (mtype == 2)
		md = EVP_sha512();
	else if (mtype != 0) {
		sbuf_addf(err, "TLSA matching type %d unsupported", mtype);
		return -1;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		sbuf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	if (x == NULL) {
		sbuf_addf(err, "%s: no PEM certificate", path);
		return -1;
	}
	if (selector == 1)
		len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), NULL);
	else
		len = i2d_X509(x, NULL);
	if (len <= 0) {
		X509_free(x);
		sbuf_addf(err, "%s: cannot encode the certificate", path);
		return -1;
	}
	der = p = xmalloc((size_t)len);
	if (selector == 1)
		i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &p);
	else
		i2d_X509(x, &p);
	X509_free(x);
	if (md == NULL) {
		*out = der;
		*outlen = (size_t)len;
		return 0;
	}
	*out = xmalloc(EVP_MAX_MD_SIZE);
	if (EVP_Digest(der, (size_t)len, *out, &n, md, NULL) != 1)
		fatal("tls_tlsa: digest failed");
	free(der);
	*outlen = n;
	return 0;
}

static int
tlsa_dkim_create(const char *path, struct sbuf *err)
{
	EVP_PKEY *k;
	FILE *fp;
	int fd, ok;

	k = EVP_RSA_gen(2048);
	if (k == NULL) {
		sbuf_adds(err, "RSA key generation failed");
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		EVP_PKEY_free(k);
		sbuf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		EVP_PKEY_free(k);
		sbuf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	ok = PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL) == 1;
	EVP_PKEY_free(k);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		ok = 0;
	if (fclose(fp) != 0)
		ok = 0;
	if (!ok) {
		unlink(path);
		sbuf_addf(err, "%s: cannot write the key", path);
		return -1;
	}
	return 0;
}

int
tls_tlsa_dkim_key(const char *path, struct sbuf *pub_b64, struct sbuf *err)
{
	FILE *fp;
	EVP_PKEY *k;
	unsigned char *der = NULL, *b64;
	int len, blen;

	if (access(path, F_OK) != 0 && tlsa_dkim_create(path, err) < 0)
		return -1;
	if ((fp = fopen(path, "r")) == NULL) {
		sbuf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (k == NULL) {
		sbuf_addf(err, "%s: no PEM private key", path);
		return -1;
	}
	len = i2d_PUBKEY(k, &der);
	EVP_PKEY_free(k);
	if (len <= 0) {
		sbuf_addf(err, "%s: cannot encode the public key", path);
		return -1;
	}
	b64 = xmalloc(4 * ((size_t)len / 3 + 1) + 1);
	blen = EVP_EncodeBlock(b64, der, len);
	OPENSSL_free(der);
	if (sbuf_add(pub_b64, b64, (size_t)blen) < 0) {
		free(b64);
		sbuf_adds(err, "public key too long");
		return -1;
	}
	free(b64);
	return 0;
}
