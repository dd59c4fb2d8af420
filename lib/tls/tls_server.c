/* tls_server: server-side TLS for STARTTLS with SNI selection in the
 * ClientHello callback (SSL_get_servername() is not set yet there, so the
 * server_name extension is parsed from the raw hello, RFC 6066 3).
 * Touches: OpenSSL only. */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls_server.h"
#include "util/mem.h"
#include "util/str.h"

#define TLS_SERVER_MAXVS	64

struct tls_server_vs {
	SSL_CTX		*ctx;
	char		*hostname;
	unsigned	 versions;
};

struct tls_server {
	struct tls_server_vs	 vs[TLS_SERVER_MAXVS];
};

struct tls_conn {
	struct tls_server	*srv;
	SSL			*ssl;
	int			 idx;
	int			 sni_selects;
	int			 hello;
	int			 alert;
	char			*sni;
	char			*versions, *ciphers, *groups, *sigalgs;
	char			 err[160];
};

static int tls_conn_exdata = -1;

static unsigned
tls_vbit(int v)
{
	switch (v) {
	case TLS1_VERSION: return TLS_SERVER_V10;
	case TLS1_1_VERSION: return TLS_SERVER_V11;
	case TLS1_2_VERSION: return TLS_SERVER_V12;
	case TLS1_3_VERSION: return TLS_SERVER_V13;
	}
	return 0;
}

int
tls_server_versions(const char *list, unsigned *bits)
{
	static const struct { const char *n; unsigned b; } t[] = {
		{ "1.0", TLS_SERVER_V10 }, { "1.1", TLS_SERVER_V11 },
		{ "1.2", TLS_SERVER_V12 }, { "1.3", TLS_SERVER_V13 },
	};
	const char *p = list;

	*bits = 0;
	while (*p) {
		size_t n, i;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, " ,\t");
		for (i = 0; i < 4; i++)
			if (strlen(t[i].n) == n && strncmp(p, t[i].n, n) == 0)
				break;
		if (i == 4)
			return -1;
		*bits |= t[i].b;
		p += n;
	}
	return *bits ? 0 : -1;
}

/* Apply a version set to an SSL or SSL_CTX (gaps via SSL_OP_NO_*). */
static void
tls_versions_opts(unsigned bits, int *minv, int *maxv, uint64_t *no)
{
	static const int vs[] = { TLS1_VERSION, TLS1_1_VERSION,
	    TLS1_2_VERSION, TLS1_3_VERSION };
	static const uint64_t ops[] = { SSL_OP_NO_TLSv1, SSL_OP_NO_TLSv1_1,
	    SSL_OP_NO_TLSv1_2, SSL_OP_NO_TLSv1_3 };
	int i;

	*minv = 0;
	*maxv = 0;
	*no = 0;
	for (i = 0; i < 4; i++) {
		if (bits & tls_vbit(vs[i])) {
			if (*minv == 0)
				*minv = vs[i];
			*maxv = vs[i];
		}
	}
	for (i = 0; i < 4; i++)
		if (vs[i] > *minv && vs[i] < *maxv && !(bits & tls_vbit(vs[i])))
			*no |= ops[i];
}

static void
tls_apply_ssl(SSL *ssl, unsigned bits)
{
	int minv, maxv;
	uint64_t no;

	tls_versions_opts(bits, &minv, &maxv, &no);
	SSL_set_min_proto_version(ssl, minv);
	SSL_set_max_proto_version(ssl, maxv);
	SSL_clear_options(ssl, SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 |
	    SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3);
	SSL_set_options(ssl, no);
	if (bits & (TLS_SERVER_V10 | TLS_SERVER_V11)) {
		SSL_set_security_level(ssl, 0);
		SSL_set_cipher_list(ssl, "DEFAULT:@SECLEVEL=0");
	}
}

static const char *
tls_group_name(unsigned id)
{
	switch (id) {
	case 23: return "secp256r1";
	case 24: return "secp384r1";
	case 25: return "secp521r1";
	case 29: return "x25519";
	case 30: return "x448";
	case 256: return "ffdhe2048";
	case 257: return "ffdhe3072";
	case 258: return "ffdhe4096";
	case 259: return "ffdhe6144";
	case 260: return "ffdhe8192";
	case 0x6399: return "X25519Kyber768Draft00";
	case 0x11ec: return "X25519MLKEM768";
	}
	return NULL;
}

static const char *
tls_sigalg_name(unsigned id)
{
	switch (id) {
	case 0x0401: return "rsa_pkcs1_sha256";
	case 0x0501: return "rsa_pkcs1_sha384";
	case 0x0601: return "rsa_pkcs1_sha512";
	case 0x0403: return "ecdsa_secp256r1_sha256";
	case 0x0503: return "ecdsa_secp384r1_sha384";
	case 0x0603: return "ecdsa_secp521r1_sha512";
	case 0x0804: return "rsa_pss_rsae_sha256";
	case 0x0805: return "rsa_pss_rsae_sha384";
	case 0x0806: return "rsa_pss_rsae_sha512";
	case 0x0807: return "ed25519";
	case 0x0808: return "ed448";
	case 0x0809: return "rsa_pss_pss_sha256";
	case 0x080a: return "rsa_pss_pss_sha384";
	case 0x080b: return "rsa_pss_pss_sha512";
	case 0x0201: return "rsa_pkcs1_sha1";
	case 0x0203: return "ecdsa_sha1";
	case 0x0301: return "rsa_sha224";
	case 0x0303: return "ecdsa_sha224";
	}
	return NULL;
}

static const char *
tls_version_name(unsigned v)
{
	switch (v) {
	case 0x0300: return "ssl3";
	case 0x0301: return "1.0";
	case 0x0302: return "1.1";
	case 0x0303: return "1.2";
	case 0x0304: return "1.3";
	}
	return NULL;
}

static int
tls_grease(unsigned v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* A list of 16-bit values named by fn (hex when unknown). */
static char *
tls_list16(const unsigned char *p, size_t n, const char *(*fn)(unsigned))
{
	struct sbuf b;
	size_t i;

	sbuf_init(&b, 16384);
	sbuf_adds(&b, "");
	for (i = 0; i + 1 < n; i += 2) {
		unsigned v = (unsigned)p[i] << 8 | p[i + 1];
		const char *name;

		if (tls_grease(v))
			continue;
		name = fn ? fn(v) : NULL;
		if (b.len)
			sbuf_adds(&b, ",");
		if (name)
			sbuf_adds(&b, name);
		else
			sbuf_addf(&b, "0x%04x", v);
	}
	return sbuf_take(&b);
}

int
tls_hello_sni(const unsigned char *p, size_t n, char *out, size_t outsz)
{
	size_t list, l;

	/* ServerNameList: length(2), then name_type(1) 0 = host_name,
	 * length(2), name. Only the first entry counts (RFC 6066 3). */
	if (n < 5 || outsz < 2)
		return -1;
	list = (size_t)p[0] << 8 | p[1];
	if (list != n - 2 || p[2] != 0)
		return -1;
	l = (size_t)p[3] << 8 | p[4];
	if (l == 0 || l > n - 5 || l > 255 || l >= outsz)
		return -1;
	if (memchr(p + 5, '\0', l) != NULL)
		return -1;
	memcpy(out, p + 5, l);
	out[l] = '\0';
	return 0;
}

char *
tls_hello_list(const unsigned char *p, size_t n, int lenbytes, int kind)
{
	size_t l;
	const char *(*fn)(unsigned);

	if (lenbytes == 1) {
		if (n < 1)
			return NULL;
		l = p[0];
	} else {
		if (n < 2)
			return NULL;
		l = (size_t)p[0] << 8 | p[1];
	}
	if (l + (size_t)lenbytes > n || l % 2 != 0)
		return NULL;
	fn = kind == 'v' ? tls_version_name : kind == 'g' ? tls_group_name :
	    tls_sigalg_name;
	return tls_list16(p + lenbytes, l, fn);
}

static int
tls_hello_cb(SSL *ssl, int *al, void *arg)
{
	struct tls_conn *c = SSL_get_ex_data(ssl, tls_conn_exdata);
	const unsigned char *p;
	size_t n, i;
	struct sbuf b;
	char name[256];

	(void)al;
	(void)arg;
	if (c == NULL || c->hello)
		return SSL_CLIENT_HELLO_SUCCESS;
	c->hello = 1;
	if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &p, &n)) {
		if (tls_hello_sni(p, n, name, sizeof(name)) == 0)
			c->sni = xstrdup(name);
		else
			c->sni = xstrdup("(malformed)");
	}
	if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_supported_versions,
	    &p, &n))
		c->versions = tls_hello_list(p, n, 1, 'v');
	if (c->versions == NULL) {
		unsigned char lv[2];
		unsigned v = SSL_client_hello_get0_legacy_version(ssl);

		lv[0] = (unsigned char)(v >> 8);
		lv[1] = (unsigned char)v;
		c->versions = tls_list16(lv, 2, tls_version_name);
	}
	if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_supported_groups, &p,
	    &n))
		c->groups = tls_hello_list(p, n, 2, 'g');
	if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_signature_algorithms,
	    &p, &n))
		c->sigalgs = tls_hello_list(p, n, 2, 's');
	n = SSL_client_hello_get0_ciphers(ssl, &p);
	sbuf_init(&b, 16384);
	sbuf_adds(&b, "");
	for (i = 0; i + 1 < n; i += 2) {
		unsigned v = (unsigned)p[i] << 8 | p[i + 1];
		const SSL_CIPHER *ci;

		if (tls_grease(v))
			continue;
		if (b.len)
			sbuf_adds(&b, ",");
		ci = SSL_CIPHER_find(ssl, p + i);
		if (ci != NULL)
			sbuf_adds(&b, SSL_CIPHER_get_name(ci));
		else if (v == 0x00ff)
			sbuf_adds(&b, "EMPTY_RENEGOTIATION_INFO_SCSV");
		else
			sbuf_addf(&b, "0x%04x", v);
	}
	c->ciphers = sbuf_take(&b);
	/* On a shared address the SNI picks the virtual server. */
	if (c->sni_selects && c->sni != NULL) {
		for (i = 0; i < TLS_SERVER_MAXVS; i++) {
			struct tls_server_vs *v = &c->srv->vs[i];

			if (v->ctx != NULL && v->hostname != NULL &&
			    strcasecmp(v->hostname, c->sni) == 0)
				break;
		}
		if (i < TLS_SERVER_MAXVS && (int)i != c->idx) {
			SSL_set_SSL_CTX(ssl, c->srv->vs[i].ctx);
			tls_apply_ssl(ssl, c->srv->vs[i].versions);
			c->idx = (int)i;
		}
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

static void
tls_info_cb(const SSL *ssl, int where, int ret)
{
	struct tls_conn *c = SSL_get_ex_data(ssl, tls_conn_exdata);

	if (c != NULL && (where & SSL_CB_ALERT) && (where & SSL_CB_READ) &&
	    c->alert < 0 && (ret & 0xff) != 0)	/* 0: close_notify */
		c->alert = ret & 0xff;
}

struct tls_server *
tls_server_new(void)
{
	if (tls_conn_exdata < 0)
		tls_conn_exdata = SSL_get_ex_new_index(0, NULL, NULL, NULL,
		    NULL);
	return xcalloc(1, sizeof(struct tls_server));
}

void
tls_server_free(struct tls_server *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < TLS_SERVER_MAXVS; i++) {
		SSL_CTX_free(s->vs[i].ctx);
		free(s->vs[i].hostname);
	}
	free(s);
}

static void
tls_err_sbuf(struct sbuf *err)
{
	unsigned long e = ERR_get_error();
	char buf[160];

	if (e == 0)
		return;
	ERR_error_string_n(e, buf, sizeof(buf));
	sbuf_addf(err, ": %s", buf);
	ERR_clear_error();
}

int
tls_server_add(struct tls_server *s, int idx, const char *hostname,
    const char *cert_file, const char *key_file, unsigned versions,
    struct sbuf *err)
{
	SSL_CTX *ctx;
	int minv, maxv;
	uint64_t no;

	if (idx < 0 || idx >= TLS_SERVER_MAXVS) {
		sbuf_addf(err, "too many virtual servers (at most %d)",
		    TLS_SERVER_MAXVS);
		return -1;
	}
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		sbuf_adds(err, "SSL_CTX_new failed");
		tls_err_sbuf(err);
		return -1;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
		sbuf_addf(err, "%s: cannot load the certificate chain",
		    cert_file);
		tls_err_sbuf(err);
		SSL_CTX_free(ctx);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1
	    || SSL_CTX_check_private_key(ctx) != 1) {
		sbuf_addf(err, "%s: cannot load the key (or it does not "
		    "match %s)", key_file, cert_file);
		tls_err_sbuf(err);
		SSL_CTX_free(ctx);
		return -1;
	}
	tls_versions_opts(versions, &minv, &maxv, &no);
	SSL_CTX_set_min_proto_version(ctx, minv);
	SSL_CTX_set_max_proto_version(ctx, maxv);
	SSL_CTX_set_options(ctx, no | SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (versions & (TLS_SERVER_V10 | TLS_SERVER_V11)) {
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
	}
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
	    SSL_MODE_ENABLE_PARTIAL_WRITE);
	/* No server-side session cache; one stateless TLS 1.3 ticket, as
	 * senders expect (it also carries the ACK of the client's Finished,
	 * which a Nagle-delayed first command waits for). */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 1);
	SSL_CTX_set_client_hello_cb(ctx, tls_hello_cb, s);
	SSL_CTX_set_info_callback(ctx, tls_info_cb);
	SSL_CTX_free(s->vs[idx].ctx);
	free(s->vs[idx].hostname);
	s->vs[idx].ctx = ctx;
	s->vs[idx].hostname = xstrdup(hostname);
	s->vs[idx].versions = versions;
	return 0;
}

int
tls_server_has(const struct tls_server *s, int idx)
{
	return idx >= 0 && idx < TLS_SERVER_MAXVS && s->vs[idx].ctx != NULL;
}

struct tls_conn *
tls_conn_new(struct tls_server *s, int fd, int idx, int sni_selects)
{
	struct tls_conn *c;

	if (!tls_server_has(s, idx))
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->srv = s;
	c->idx = idx;
	c->sni_selects = sni_selects;
	c->alert = -1;
	c->ssl = SSL_new(s->vs[idx].ctx);
	if (c->ssl == NULL) {
		free(c);
		return NULL;
	}
	SSL_set_ex_data(c->ssl, tls_conn_exdata, c);
	SSL_set_fd(c->ssl, fd);
	SSL_set_accept_state(c->ssl);
	return c;
}

void
tls_conn_free(struct tls_conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	free(c->sni);
	free(c->versions);
	free(c->ciphers);
	free(c->groups);
	free(c->sigalgs);
	free(c);
}

void
tls_conn_shutdown(struct tls_conn *c)
{
	if (c != NULL && SSL_is_init_finished(c->ssl)) {
		ERR_clear_error();
		SSL_shutdown(c->ssl);
		ERR_clear_error();
	}
}

static int
tls_result(struct tls_conn *c, int r)
{
	int e = SSL_get_error(c->ssl, r);
	unsigned long code;

	switch (e) {
	case SSL_ERROR_WANT_READ:
		return TLS_SERVER_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_SERVER_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_SERVER_EOF;
	case SSL_ERROR_SYSCALL:
		code = ERR_peek_error();
		if (code == 0) {
			str_copy(c->err, "connection closed", sizeof(c->err));
			return TLS_SERVER_EOF;
		}
		/* FALLTHROUGH */
	default:
		code = ERR_get_error();
		if (code)
			ERR_error_string_n(code, c->err, sizeof(c->err));
		else
			str_copy(c->err, "TLS error", sizeof(c->err));
		ERR_clear_error();
		return TLS_SERVER_ERROR;
	}
}

int
tls_conn_handshake(struct tls_conn *c)
{
	int r;

	ERR_clear_error();
	r = SSL_do_handshake(c->ssl);
	if (r == 1)
		return TLS_SERVER_OK;
	r = tls_result(c, r);
	return r == TLS_SERVER_EOF ? TLS_SERVER_ERROR : r;
}

ssize_t
tls_conn_read(struct tls_conn *c, void *buf, size_t n)
{
	int r;

	ERR_clear_error();
	r = SSL_read(c->ssl, buf, n > 1 << 30 ? 1 << 30 : (int)n);
	if (r > 0)
		return r;
	return tls_result(c, r);
}

ssize_t
tls_conn_write(struct tls_conn *c, const void *buf, size_t n)
{
	int r;

	ERR_clear_error();
	r = SSL_write(c->ssl, buf, n > 1 << 30 ? 1 << 30 : (int)n);
	if (r > 0)
		return r;
	return tls_result(c, r);
}

int
tls_conn_pending(const struct tls_conn *c)
{
	return SSL_pending(c->ssl) > 0;
}

int
tls_conn_vs(const struct tls_conn *c)
{
	return c->idx;
}

const char *
tls_conn_sni(const struct tls_conn *c)
{
	return c->sni;
}

int
tls_conn_hello_seen(const struct tls_conn *c)
{
	return c->hello;
}

const char *
tls_conn_version(const struct tls_conn *c)
{
	return SSL_get_version(c->ssl);
}

const char *
tls_conn_cipher(const struct tls_conn *c)
{
	return SSL_get_cipher_name(c->ssl);
}

const char *
tls_conn_offer_versions(const struct tls_conn *c)
{
	return c->versions ? c->versions : "";
}

const char *
tls_conn_offer_ciphers(const struct tls_conn *c)
{
	return c->ciphers ? c->ciphers : "";
}

const char *
tls_conn_offer_groups(const struct tls_conn *c)
{
	return c->groups ? c->groups : "";
}

const char *
tls_conn_offer_sigalgs(const struct tls_conn *c)
{
	return c->sigalgs ? c->sigalgs : "";
}

int
tls_conn_alert(const struct tls_conn *c)
{
	return c->alert;
}

const char *
tls_conn_alert_name(const struct tls_conn *c)
{
	return c->alert < 0 ? "" :
	    SSL_alert_desc_string_long(c->alert | (2 << 8));
}

const char *
tls_conn_error(const struct tls_conn *c)
{
	return c->err;
}
