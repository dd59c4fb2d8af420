/* tls_certgen: key and certificate generation for a local instance
 * (private CA; self-signed, CA-signed, expired, wrong-name leaves).
 * Files are written to a temporary name, fsynced, then renamed.
 * Touches: OpenSSL, the files it is given. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tls/tls_certgen.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/str.h"

static void
certgen_ossl_err(struct sbuf *err, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[160];

	sbuf_adds(err, what);
	if (e) {
		ERR_error_string_n(e, buf, sizeof(buf));
		sbuf_addf(err, ": %s", buf);
	}
	ERR_clear_error();
}

static EVP_PKEY *
certgen_key(const char *type)
{
	if (strcmp(type, "rsa2048") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (strcmp(type, "rsa4096") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static int
certgen_ext(X509 *subj, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ex;
	int r;

	X509V3_set_ctx(&ctx, issuer, subj, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ex == NULL)
		return -1;
	r = X509_add_ext(subj, ex, -1) == 1 ? 0 : -1;
	X509_EXTENSION_free(ex);
	return r;
}

/* Build and sign a certificate. issuer NULL: self-signed. */
static X509 *
certgen_cert(EVP_PKEY *key, const char *cn, const char *san, int is_ca,
    long not_before_days, long not_after_days, X509 *issuer,
    EVP_PKEY *issuer_key)
{
	X509 *x = X509_new();
	X509_NAME *name;
	unsigned char serial[16];
	BIGNUM *bn;
	char sanv[300];

	if (x == NULL)
		return NULL;
	X509_set_version(x, 2);
	RAND_bytes(serial, sizeof(serial));
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	X509_time_adj_ex(X509_getm_notBefore(x), (int)not_before_days, 0,
	    NULL);
	X509_time_adj_ex(X509_getm_notAfter(x), (int)not_after_days, 0, NULL);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"echomx test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
	    name);
	if (is_ca) {
		if (certgen_ext(x, issuer ? issuer : x,
		    NID_basic_constraints, "critical,CA:TRUE") ||
		    certgen_ext(x, issuer ? issuer : x, NID_key_usage,
		    "critical,keyCertSign,cRLSign"))
			goto fail;
	} else {
		snprintf(sanv, sizeof(sanv), "DNS:%s", san);
		if (certgen_ext(x, issuer ? issuer : x,
		    NID_basic_constraints, "critical,CA:FALSE") ||
		    certgen_ext(x, issuer ? issuer : x, NID_ext_key_usage,
		    "serverAuth") ||
		    certgen_ext(x, issuer ? issuer : x, NID_subject_alt_name,
		    sanv))
			goto fail;
	}
	if (certgen_ext(x, issuer ? issuer : x, NID_subject_key_identifier,
	    "hash"))
		goto fail;
	if (issuer && certgen_ext(x, issuer, NID_authority_key_identifier,
	    "keyid:always"))
		goto fail;
	if (X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) == 0)
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

/* Write via a temporary file: mode, fsync, rename. */
static int
certgen_write(const char *path, int mode, EVP_PKEY *key, X509 *x1,
    X509 *x2, struct sbuf *err)
{
	char tmp[4096];
	FILE *fp;
	int fd, ok = 1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path,
	    (long)getpid()) >= sizeof(tmp)) {
		sbuf_addf(err, "%s: path too long", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1 || fchmod(fd, (mode_t)mode) == -1) {
		sbuf_addf(err, "%s: %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		close(fd);
		sbuf_addf(err, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (key)
		ok = PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
	if (ok && x1)
		ok = PEM_write_X509(fp, x1);
	if (ok && x2)
		ok = PEM_write_X509(fp, x2);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		ok = 0;
	if (fclose(fp) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) == -1) {
		sbuf_addf(err, "%s: cannot write", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
certgen_mkdirs(const char *file, int mode)
{
	char dir[4096];
	char *p;

	str_copy(dir, file, sizeof(dir));
	p = strrchr(dir, '/');
	if (p == NULL || p == dir)
		return 0;
	*p = '\0';
	return fs_mkdirs(dir, mode, NULL);
}

static int
certgen_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int
tls_certgen_ca(const char *cert_file, const char *key_file, const char *cn,
    struct sbuf *err)
{
	EVP_PKEY *key;
	X509 *x;
	int r;

	if (certgen_exists(cert_file) && certgen_exists(key_file))
		return 0;
	if (certgen_mkdirs(key_file, 0700) == -1 ||
	    certgen_mkdirs(cert_file, 0755) == -1) {
		sbuf_addf(err, "%s: cannot create its directory: %s",
		    key_file, strerror(errno));
		return -1;
	}
	key = certgen_key("ec-p256");
	if (key == NULL) {
		certgen_ossl_err(err, "CA key generation failed");
		return -1;
	}
	x = certgen_cert(key, cn, NULL, 1, -1, 3650, NULL, NULL);
	if (x == NULL) {
		certgen_ossl_err(err, "CA certificate generation failed");
		EVP_PKEY_free(key);
		return -1;
	}
	r = certgen_write(key_file, 0600, key, NULL, NULL, err);
	if (r == 0)
		r = certgen_write(cert_file, 0644, NULL, x, NULL, err);
	X509_free(x);
	EVP_PKEY_free(key);
	return r == 0 ? 1 : -1;
}

static EVP_PKEY *
certgen_load_key(const char *path)
{
	FILE *fp = fopen(path, "r");
	EVP_PKEY *k;

	if (fp == NULL)
		return NULL;
	k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	return k;
}

static X509 *
certgen_load_cert(const char *path)
{
	FILE *fp = fopen(path, "r");
	X509 *x;

	if (fp == NULL)
		return NULL;
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	return x;
}

int
tls_certgen_vs(const char *kind, const char *key_type, const char *hostname,
    const char *cert_file, const char *key_file, const char *ca_cert,
    const char *ca_key, struct sbuf *err)
{
	EVP_PKEY *key = NULL, *cakey = NULL;
	X509 *x = NULL, *cax = NULL;
	char wrong[300];
	const char *name = hostname;
	long nb = -1, na = 397;
	int r = -1;

	if (strcmp(kind, "none") == 0)
		return 0;
	if (certgen_exists(cert_file) && certgen_exists(key_file))
		return 0;
	if (certgen_mkdirs(key_file, 0755) == -1 ||
	    certgen_mkdirs(cert_file, 0755) == -1) {
		sbuf_addf(err, "%s: cannot create its directory: %s",
		    cert_file, strerror(errno));
		return -1;
	}
	if (strcmp(kind, "selfsigned") != 0) {
		cakey = certgen_load_key(ca_key);
		cax = certgen_load_cert(ca_cert);
		if (cakey == NULL || cax == NULL) {
			sbuf_addf(err, "cannot load the CA (%s, %s)", ca_cert,
			    ca_key);
			goto out;
		}
	}
	if (strcmp(kind, "expired") == 0) {
		nb = -400;
		na = -30;
	} else if (strcmp(kind, "wrongname") == 0) {
		snprintf(wrong, sizeof(wrong), "wrong-name.invalid");
		name = wrong;
	}
	key = certgen_key(key_type);
	if (key == NULL) {
		certgen_ossl_err(err, "key generation failed");
		goto out;
	}
	x = certgen_cert(key, name, name, 0, nb, na, cax, cakey);
	if (x == NULL) {
		certgen_ossl_err(err, "certificate generation failed");
		goto out;
	}
	if (certgen_write(key_file, 0600, key, NULL, NULL, err) == 0 &&
	    certgen_write(cert_file, 0644, NULL, x, cax, err) == 0)
		r = 1;
out:
	X509_free(x);
	X509_free(cax);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	return r;
}
