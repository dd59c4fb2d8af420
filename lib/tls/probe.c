/* probe: SMTP client + STARTTLS + TLS enumeration against one MX address.
 * Touches: the network (one TCP connection at a time, to req->ip only),
 * OpenSSL. Certificates and DANE are judged in probe_cert.c, texts in
 * probe_text.c. Thread-safe: no globals; SIGPIPE is blocked in the
 * calling thread while the probe runs. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls/probe.h"
#include "tls/probe_int.h"
#include "util/mem.h"
#include "util/str.h"

#define PCONN_BUF	(PROBE_REPLY_LINES_MAX * PROBE_REPLY_LINE_MAX)

/* The TLS 1.3 suites (RFC 8446 §B.4), all offered. */
static const char *const tls13_suites[] = {
	"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
	"TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256",
	"TLS_AES_128_CCM_8_SHA256",
};
#define NSUITES13	(sizeof(tls13_suites) / sizeof(tls13_suites[0]))

/* Key-exchange groups we enumerate, in our preference order (the first
 * gets a key share). */
static const struct {
	const char	*name;
	int		 nid;
	int		 ec;	/* usable for TLS 1.2 ECDHE */
} groups[] = {
	{ "X25519", NID_X25519, 1 },
	{ "P-256", NID_X9_62_prime256v1, 1 },
	{ "X448", NID_X448, 1 },
	{ "P-384", NID_secp384r1, 1 },
	{ "P-521", NID_secp521r1, 1 },
	{ "ffdhe2048", NID_ffdhe2048, 0 },
	{ "ffdhe3072", NID_ffdhe3072, 0 },
	{ "ffdhe4096", NID_ffdhe4096, 0 },
	{ "ffdhe6144", NID_ffdhe6144, 0 },
	{ "ffdhe8192", NID_ffdhe8192, 0 },
};
#define NGROUPS		(sizeof(groups) / sizeof(groups[0]))

static const int proto_of[PROBE_NVER] = {
	TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION
};

/* Legacy (<= 1.2) suites offered when enumerating: everything our
 * OpenSSL has, including anonymous and NULL ones (a server accepting
 * them is worth knowing). */
#define ENUM_CIPHERS	"ALL:COMPLEMENTOFALL"
/* The main connection: what a permissive MTA offers. */
#define MAIN_CIPHERS	"ALL:!aNULL:!eNULL"
#define ALL_SUITES13	"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:" \
			"TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:" \
			"TLS_AES_128_CCM_8_SHA256"
#define ALL_GROUPS	"X25519:P-256:X448:P-384:P-521:ffdhe2048:ffdhe3072:" \
			"ffdhe4096:ffdhe6144:ffdhe8192"

struct pconn {
	int		 fd;
	SSL		*ssl;
	int		 tls_up;
	char		*buf;
	size_t		 len;
	int		 timeout_ms;
	char		 alert[PROBE_NAME_MAX];
};

/* One TLS attempt's parameters. */
struct tlsopt {
	int		 min, max;	/* protocol versions */
	const char	*ciphers;	/* <= 1.2 cipher string */
	const char	*suites;	/* 1.3 suites; NULL = all */
	const char	*groups;	/* NULL = all of groups[] */
	int		 status_request;
	int		 hello_only;	/* TLS <= 1.2: the ServerHello says it
				 * all; do not wait for the rest */
};

/* What one attempt found. */
enum att_result {
	ATT_OK,			/* handshake completed */
	ATT_REFUSED,		/* the server refused this offer */
	ATT_LOCAL,		/* our OpenSSL cannot make this offer */
	ATT_SMTP,		/* failed before TLS (connect, SMTP) */
	ATT_BUDGET		/* out of connections or time */
};

struct attempt {
	enum att_result	 result;
	char		 err[PROBE_TEXT_MAX];
	char		 version[16];
	int		 ver;		/* protocol number */
	const SSL_CIPHER *cipher;
	int		 group_nid;
	char		 group[PROBE_NAME_MAX];
};

/* The SMTP part of one connection. */
struct dialog {
	enum probe_stage stage;
	int		 not_tested;
	char		 why[PROBE_TEXT_MAX];
	int		 have_banner, have_ehlo, have_starttls, used_helo;
	struct probe_reply banner, ehlo, starttls;
	unsigned	 keys;
	uint64_t	 size;
	size_t		 leftover;
};

struct probe {
	const struct probe_req *req;
	struct probe_result *res;
	X509_STORE	*store;
	char		 storeerr[PROBE_TEXT_MAX];
	int64_t		 start_ms;
	int		 max_conn;
	int		 budget_ms;
	int		 timeout_ms;
	int		 gave_up;	/* an extra connection failed before
					 * TLS: stop making more */
	char		 gave_up_why[PROBE_TEXT_MAX];
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
errno_text(int e, char *buf, size_t sz)
{
	char tmp[128];
	const char *s = strerror_r(e, tmp, sizeof(tmp));

	str_copy(buf, s, sz);
}

static enum probe_conn
conn_of_errno(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return PROBE_CONN_REFUSED;
	case ETIMEDOUT:
		return PROBE_CONN_TIMEOUT;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
	case EADDRNOTAVAIL:
		return PROBE_CONN_UNREACHABLE;
	default:
		return PROBE_CONN_ERROR;
	}
}

static void
pconn_init(struct pconn *c, int timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->timeout_ms = timeout_ms;
}

static enum probe_conn
pconn_connect(struct pconn *c, const char *ip, int port, char *err,
    size_t errsz)
{
	struct addrinfo hints, *ai = NULL;
	struct pollfd pfd;
	char portstr[16];
	socklen_t sl;
	int rc, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((rc = getaddrinfo(ip, portstr, &hints, &ai)) != 0) {
		probe_say(err, errsz, "bad address '%s': %s", ip,
		    gai_strerror(rc));
		return PROBE_CONN_ERROR;
	}
	c->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (c->fd == -1) {
		e = errno;
		freeaddrinfo(ai);
		errno_text(e, err, errsz);
		return PROBE_CONN_ERROR;
	}
	rc = connect(c->fd, ai->ai_addr, ai->ai_addrlen);
	e = errno;
	freeaddrinfo(ai);
	if (rc == 0)
		return PROBE_CONN_OK;
	if (e != EINPROGRESS) {
		errno_text(e, err, errsz);
		return conn_of_errno(e);
	}
	pfd.fd = c->fd;
	pfd.events = POLLOUT;
	do
		rc = poll(&pfd, 1, c->timeout_ms);
	while (rc == -1 && errno == EINTR);
	if (rc == 0) {
		probe_say(err, errsz, "no answer within %d ms", c->timeout_ms);
		return PROBE_CONN_TIMEOUT;
	}
	sl = sizeof(e);
	if (rc < 0 || getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &sl) == -1)
		e = errno;
	if (e != 0) {
		errno_text(e, err, errsz);
		return conn_of_errno(e);
	}
	return PROBE_CONN_OK;
}

/* Wait for fd readiness until deadline: 1 ready, 0 timeout, -1 error. */
static int
wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd pfd;
	int64_t left;
	int rc;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = ev;
		rc = poll(&pfd, 1, (int)left);
		if (rc == -1 && errno == EINTR)
			continue;
		return rc > 0 ? 1 : rc;
	}
}

static int
pconn_send(struct pconn *c, const char *s)
{
	size_t len = strlen(s), off = 0;
	int64_t deadline = now_ms() + c->timeout_ms;
	ssize_t n;

	while (off < len) {
		n = send(c->fd, s + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_fd(c->fd, POLLOUT, deadline) != 1)
				return -1;
			continue;
		}
		return -1;
	}
	return 0;
}

/* Read one reply: 0 ok, else -1 and err says why (timeout, closed,
 * malformed). */
static int
pconn_reply(struct pconn *c, struct probe_reply *r, char *err,
    size_t errsz)
{
	int64_t deadline = now_ms() + c->timeout_ms;
	const char *perr;
	ssize_t k;
	long n;
	int w;

	for (;;) {
		if (c->len > 0) {
			n = probe_reply_parse(c->buf, c->len, r, &perr);
			if (n > 0) {
				memmove(c->buf, c->buf + n, c->len - (size_t)n);
				c->len -= (size_t)n;
				return 0;
			}
			if (n < 0) {
				probe_say(err, errsz, "malformed reply: %s",
				    perr);
				return -1;
			}
		}
		if (c->len >= PCONN_BUF) {
			probe_say(err, errsz, "malformed reply: too long");
			return -1;
		}
		w = wait_fd(c->fd, POLLIN, deadline);
		if (w == 0) {
			probe_say(err, errsz, "timeout: no complete reply "
			    "within %d ms", c->timeout_ms);
			return -1;
		}
		if (w < 0) {
			errno_text(errno, err, errsz);
			return -1;
		}
		k = recv(c->fd, c->buf + c->len, PCONN_BUF - c->len, 0);
		if (k == 0) {
			probe_say(err, errsz, "connection closed by the "
			    "server");
			return -1;
		}
		if (k < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			errno_text(errno, err, errsz);
			return -1;
		}
		c->len += (size_t)k;
	}
}

static void
pconn_close(struct pconn *c, int quit)
{
	if (c->ssl != NULL) {
		if (quit && c->tls_up) {
			/* polite, not waited for */
			(void)SSL_write(c->ssl, "QUIT\r\n", 6);
			(void)SSL_shutdown(c->ssl);
		}
		SSL_free(c->ssl);
		c->ssl = NULL;
	} else if (quit && c->fd != -1)
		(void)send(c->fd, "QUIT\r\n", 6, MSG_NOSIGNAL);
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
}

/* banner, EHLO (or HELO), STARTTLS. 0 when the server said 220 to
 * STARTTLS; -1 otherwise (d->stage, d->why). */
static int
smtp_dialog(struct pconn *c, const struct probe_req *req, struct dialog *d)
{
	const char *helo = req->helo_name ? req->helo_name : "echomx.invalid";
	char cmd[300], err[PROBE_TEXT_MAX];

	c->buf = xmalloc(PCONN_BUF);
	d->stage = PROBE_STAGE_BANNER;
	if (pconn_reply(c, &d->banner, err, sizeof(err)) == -1) {
		d->not_tested = 1;
		probe_say(d->why, sizeof(d->why), "banner: %s", err);
		return -1;
	}
	d->have_banner = 1;
	if (d->banner.code != 220) {
		/* 421, 554 or a greylisting 4xx: the server's reply is the
		 * evidence; nothing about TLS can be said */
		d->not_tested = 1;
		probe_say(d->why, sizeof(d->why), "banner: server answered "
		    "%d instead of 220", d->banner.code);
		pconn_send(c, "QUIT\r\n");
		return -1;
	}
	d->stage = PROBE_STAGE_EHLO;
	probe_say(cmd, sizeof(cmd), "EHLO %s\r\n", helo);
	if (pconn_send(c, cmd) == -1 ||
	    pconn_reply(c, &d->ehlo, err, sizeof(err)) == -1) {
		d->not_tested = 1;
		probe_say(d->why, sizeof(d->why), "EHLO: %s", err);
		return -1;
	}
	d->have_ehlo = 1;
	if (d->ehlo.code != 250) {
		int code = d->ehlo.code;

		if (code >= 400 && code < 500)
			d->not_tested = 1;
		probe_say(cmd, sizeof(cmd), "HELO %s\r\n", helo);
		if (pconn_send(c, cmd) == 0 &&
		    pconn_reply(c, &d->ehlo, err, sizeof(err)) == 0 &&
		    d->ehlo.code == 250)
			d->used_helo = 1;
		probe_say(d->why, sizeof(d->why), "EHLO answered %d%s; "
		    "STARTTLS needs EHLO", code,
		    d->used_helo ? " (HELO accepted)" : "");
		pconn_send(c, "QUIT\r\n");
		return -1;
	}
	d->keys = probe_reply_ehlo(&d->ehlo, &d->size);
	d->stage = PROBE_STAGE_STARTTLS;
	if (!(d->keys & PROBE_EHLO_STARTTLS)) {
		probe_say(d->why, sizeof(d->why), "STARTTLS not offered");
		pconn_send(c, "QUIT\r\n");
		return -1;
	}
	if (pconn_send(c, "STARTTLS\r\n") == -1 ||
	    pconn_reply(c, &d->starttls, err, sizeof(err)) == -1) {
		probe_say(d->why, sizeof(d->why), "STARTTLS: %s", err);
		return -1;
	}
	d->have_starttls = 1;
	if (d->starttls.code != 220) {
		probe_say(d->why, sizeof(d->why), "STARTTLS answered %d",
		    d->starttls.code);
		pconn_send(c, "QUIT\r\n");
		return -1;
	}
	/* RFC 3207 §4.2: nothing buffered before TLS may be used */
	d->leftover = c->len;
	c->len = 0;
	d->stage = PROBE_STAGE_HANDSHAKE;
	return 0;
}

static void
info_cb(const SSL *ssl, int where, int ret)
{
	struct pconn *c;

	if ((where & SSL_CB_ALERT) && (where & SSL_CB_READ)) {
		c = SSL_get_app_data(ssl);
		if (c != NULL)
			str_copy(c->alert, SSL_alert_desc_string_long(ret),
			    sizeof(c->alert));
	}
}

static int
is_ip_literal(const char *s)
{
	unsigned char b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

static void
ssl_err_text(char *buf, size_t sz, unsigned long *lastp)
{
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last != 0)
		ERR_error_string_n(last, buf, sz);
	*lastp = last;
}

/* The TLS handshake on an SMTP connection after 220 to STARTTLS. */
static enum att_result
tls_handshake(struct pconn *c, const struct probe_req *req,
    const struct tlsopt *o, struct attempt *a)
{
	SSL_CTX *ctx;
	int64_t deadline;
	unsigned long last;
	struct sbuf sec;
	int r, e, w, ok;

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL) {
		ssl_err_text(a->err, sizeof(a->err), &last);
		return ATT_LOCAL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT |
	    SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/* SECLEVEL 0: TLS 1.0/1.1, SHA-1 and small keys must be offered
	 * to learn whether the server accepts them */
	sbuf_init(&sec, 16384);
	ok = sbuf_addf(&sec, "%s:@SECLEVEL=0", o->ciphers) == 0 &&
	    SSL_CTX_set_min_proto_version(ctx, o->min) &&
	    SSL_CTX_set_max_proto_version(ctx, o->max) &&
	    SSL_CTX_set_cipher_list(ctx, sec.data) &&
	    (o->suites == NULL || SSL_CTX_set_ciphersuites(ctx, o->suites)) &&
	    (o->groups == NULL || SSL_CTX_set1_groups_list(ctx, o->groups));
	sbuf_free(&sec);
	if (!ok) {
		ssl_err_text(a->err, sizeof(a->err), &last);
		SSL_CTX_free(ctx);
		return ATT_LOCAL;
	}
	c->ssl = SSL_new(ctx);
	SSL_CTX_free(ctx);
	if (c->ssl == NULL) {
		ssl_err_text(a->err, sizeof(a->err), &last);
		return ATT_LOCAL;
	}
	if (req->mx_name != NULL && *req->mx_name != '\0' &&
	    !is_ip_literal(req->mx_name)) {
		char sni[256];
		size_t l = str_copy(sni, req->mx_name, sizeof(sni));

		/* RFC 6066 §3: no trailing dot in the host name */
		if (l > 0 && l < sizeof(sni) && sni[l - 1] == '.')
			sni[l - 1] = '\0';
		SSL_set_tlsext_host_name(c->ssl, sni);
	}
	if (o->status_request)
		SSL_set_tlsext_status_type(c->ssl, TLSEXT_STATUSTYPE_ocsp);
	SSL_set_app_data(c->ssl, c);
	SSL_set_info_callback(c->ssl, info_cb);
	SSL_set_fd(c->ssl, c->fd);
	deadline = now_ms() + c->timeout_ms;
	for (;;) {
		r = SSL_connect(c->ssl);
		if (r == 1)
			break;
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (o->hello_only &&
			    SSL_get_pending_cipher(c->ssl) != NULL &&
			    SSL_version(c->ssl) <= TLS1_2_VERSION) {
				/* the server has chosen version and suite:
				 * that is all an enumeration step needs
				 * (saves a round trip) */
				a->ver = SSL_version(c->ssl);
				str_copy(a->version, SSL_get_version(c->ssl),
				    sizeof(a->version));
				a->cipher = SSL_get_pending_cipher(c->ssl);
				return ATT_OK;
			}
			w = wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN :
			    POLLOUT, deadline);
			if (w == 1)
				continue;
			probe_say(a->err, sizeof(a->err), "handshake: %s",
			    w == 0 ? "timeout" : "poll failed");
			return ATT_SMTP;
		}
		ssl_err_text(a->err, sizeof(a->err), &last);
		if (last != 0 && ERR_GET_LIB(last) == ERR_LIB_SSL &&
		    (ERR_GET_REASON(last) == SSL_R_NO_PROTOCOLS_AVAILABLE ||
		    ERR_GET_REASON(last) == SSL_R_NO_CIPHERS_AVAILABLE) &&
		    c->alert[0] == '\0')
			return ATT_LOCAL;
		if (last == 0) {
			if (e == SSL_ERROR_SYSCALL && errno != 0)
				errno_text(errno, a->err, sizeof(a->err));
			else
				str_copy(a->err, "connection closed by the "
				    "server during the handshake",
				    sizeof(a->err));
		}
		return ATT_REFUSED;
	}
	c->tls_up = 1;
	a->ver = SSL_version(c->ssl);
	str_copy(a->version, SSL_get_version(c->ssl), sizeof(a->version));
	a->cipher = SSL_get_current_cipher(c->ssl);
	a->group_nid = SSL_get_negotiated_group(c->ssl);
	{
		size_t i;

		for (i = 0; i < NGROUPS; i++)
			if (groups[i].nid == a->group_nid)
				str_copy(a->group, groups[i].name,
				    sizeof(a->group));
		if (a->group[0] == '\0' && a->group_nid > 0 &&
		    OBJ_nid2sn(a->group_nid) != NULL)
			str_copy(a->group, OBJ_nid2sn(a->group_nid),
			    sizeof(a->group));
	}
	if (a->group[0] == '\0') {
		EVP_PKEY *tmp = NULL;

		/* e.g. TLS 1.2 DHE: the server's own parameters */
		if (SSL_get_peer_tmp_key(c->ssl, &tmp) == 1 && tmp != NULL) {
			if (EVP_PKEY_get_base_id(tmp) == EVP_PKEY_DH)
				probe_say(a->group, sizeof(a->group), "DH%d",
				    EVP_PKEY_get_bits(tmp));
			EVP_PKEY_free(tmp);
		}
	}
	return ATT_OK;
}

static int
budget_left(struct probe *p)
{
	if (p->res->connections >= p->max_conn)
		return 0;
	return now_ms() - p->start_ms < p->budget_ms;
}

static void dialog_to_result(struct probe_result *, const struct dialog *);
static void main_tls_done(struct probe *, struct pconn *,
    const struct attempt *);

/* One connection: SMTP, STARTTLS, a handshake with o. main: this is the
 * first connection (its SMTP dialogue goes into the result). */
static void
attempt(struct probe *p, const struct tlsopt *o, int main_conn,
    struct attempt *a)
{
	const struct probe_req *req = p->req;
	struct probe_result *res = p->res;
	struct dialog *d;
	struct pconn c;
	enum probe_conn cs;
	int64_t t0;

	memset(a, 0, sizeof(*a));
	if (!main_conn && p->gave_up) {
		a->result = ATT_BUDGET;
		probe_say(a->err, sizeof(a->err), "not tried: %s",
		    p->gave_up_why);
		return;
	}
	if (!main_conn && !budget_left(p)) {
		a->result = ATT_BUDGET;
		str_copy(a->err, "probe budget spent", sizeof(a->err));
		return;
	}
	d = xcalloc(1, sizeof(*d));
	pconn_init(&c, p->timeout_ms);
	res->connections++;
	t0 = now_ms();
	cs = pconn_connect(&c, req->ip, req->port ? req->port : 25, a->err,
	    sizeof(a->err));
	if (main_conn) {
		res->conn = cs;
		res->connect_ms = (int)(now_ms() - t0);
		if (cs != PROBE_CONN_OK) {
			str_copy(res->conn_error, a->err,
			    sizeof(res->conn_error));
			res->stage = PROBE_STAGE_CONNECT;
			probe_say(res->not_tested, sizeof(res->not_tested),
			    "connect: %s: %s", probe_conn_name(cs), a->err);
			str_copy(res->stop_why, res->not_tested,
			    sizeof(res->stop_why));
		}
	}
	if (cs != PROBE_CONN_OK) {
		a->result = ATT_SMTP;
		goto out;
	}
	if (smtp_dialog(&c, req, d) == -1) {
		if (main_conn)
			dialog_to_result(res, d);
		probe_say(a->err, sizeof(a->err), "%s", d->why);
		a->result = ATT_SMTP;
		goto out;
	}
	if (main_conn)
		dialog_to_result(res, d);
	t0 = now_ms();
	if (res->nchain == 0 && (!o->status_request || o->hello_only)) {
		/* no chain yet (the main handshake failed): this one may
		 * provide it, so complete it and ask for the OCSP staple */
		struct tlsopt o2 = *o;

		o2.status_request = 1;
		o2.hello_only = 0;
		a->result = tls_handshake(&c, req, &o2, a);
	} else
		a->result = tls_handshake(&c, req, o, a);
	if (main_conn) {
		res->handshake_ms = (int)(now_ms() - t0);
		if (a->result == ATT_OK) {
			res->handshake = PROBE_OK;
			res->stage = PROBE_STAGE_DONE;
		} else {
			res->handshake = a->result == ATT_SMTP ||
			    a->result == ATT_LOCAL ? PROBE_NOT_TESTED :
			    PROBE_FAIL;
			str_copy(res->tls_error, a->err,
			    sizeof(res->tls_error));
			str_copy(res->tls_alert, c.alert,
			    sizeof(res->tls_alert));
			probe_say(res->stop_why, sizeof(res->stop_why),
			    "handshake: %s", a->err);
			/* a stalled handshake or our own OpenSSL's limits
			 * say nothing about the server's TLS */
			if (res->handshake == PROBE_NOT_TESTED)
				str_copy(res->not_tested, res->stop_why,
				    sizeof(res->not_tested));
		}
	}
	if (a->result == ATT_OK && res->nchain == 0)
		main_tls_done(p, &c, a);
out:
	if (!main_conn && a->result == ATT_SMTP && !p->gave_up) {
		/* the server stopped cooperating (tarpit, 421, limits):
		 * be polite and stop */
		p->gave_up = 1;
		probe_say(p->gave_up_why, sizeof(p->gave_up_why), "an earlier "
		    "connection failed: %s", a->err);
	}
	pconn_close(&c, 1);
	free(d);
}

static void
dialog_to_result(struct probe_result *res, const struct dialog *d)
{
	res->stage = d->stage;
	res->have_banner = d->have_banner;
	if (d->have_banner)
		res->banner = d->banner;
	res->have_ehlo = d->have_ehlo;
	if (d->have_ehlo)
		res->ehlo = d->ehlo;
	res->used_helo = d->used_helo;
	res->ehlo_keys = d->keys;
	res->ehlo_size = d->size;
	res->have_starttls = d->have_starttls;
	if (d->have_starttls)
		res->starttls = d->starttls;
	res->plaintext_after_starttls = (int)d->leftover;
	if (d->stage != PROBE_STAGE_HANDSHAKE) {
		str_copy(res->stop_why, d->why, sizeof(res->stop_why));
		if (d->not_tested)
			str_copy(res->not_tested, d->why,
			    sizeof(res->not_tested));
	}
}

/* The first established connection: keep its chain and stapled OCSP. */
static void
main_tls_done(struct probe *p, struct pconn *c, const struct attempt *a)
{
	struct probe_result *res = p->res;
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(c->ssl);

	(void)a;
	if (chain == NULL || sk_X509_num(chain) == 0)
		return;
	probe_chain_fill(res, chain);
	probe_chain_judge(res, p->req, p->store, p->storeerr, chain);
	probe_ocsp_judge(res, c->ssl, p->store, chain,
	    p->req->now ? p->req->now : time(NULL));
}

static enum probe_ver
ver_index(int proto)
{
	switch (proto) {
	case TLS1_VERSION:
		return PROBE_TLS10;
	case TLS1_1_VERSION:
		return PROBE_TLS11;
	case TLS1_2_VERSION:
		return PROBE_TLS12;
	default:
		return PROBE_TLS13;
	}
}

static int
have_cipher(const struct probe_result *res, uint16_t id, enum probe_ver v)
{
	size_t i;

	for (i = 0; i < res->nciphers; i++)
		if (res->ciphers[i].id == id && res->ciphers[i].version == v)
			return 1;
	return 0;
}

/* Record the cipher of a successful attempt; 0 if new, -1 if seen or
 * full. */
static int
add_cipher(struct probe_result *res, const SSL_CIPHER *ci, enum probe_ver v)
{
	struct probe_cipher *pc;
	const char *std;
	int kx;

	if (ci == NULL || res->nciphers >= PROBE_CIPHERS_MAX ||
	    have_cipher(res, (uint16_t)(SSL_CIPHER_get_id(ci) & 0xffff), v))
		return -1;
	pc = &res->ciphers[res->nciphers++];
	memset(pc, 0, sizeof(*pc));
	str_copy(pc->name, SSL_CIPHER_get_name(ci), sizeof(pc->name));
	std = SSL_CIPHER_standard_name(ci);
	str_copy(pc->iana, std ? std : "", sizeof(pc->iana));
	pc->id = (uint16_t)(SSL_CIPHER_get_id(ci) & 0xffff);
	pc->version = v;
	kx = SSL_CIPHER_get_kx_nid(ci);
	/* TLS 1.3 key exchange is always (EC)DHE (RFC 8446 §2) */
	pc->fs = kx == NID_kx_ecdhe || kx == NID_kx_dhe || kx == NID_kx_any ||
	    kx == NID_kx_ecdhe_psk || kx == NID_kx_dhe_psk;
	pc->anon = SSL_CIPHER_get_auth_nid(ci) == NID_auth_null;
	pc->bits = SSL_CIPHER_get_bits(ci, NULL);
	return 0;
}

static void
add_group(struct probe_result *res, const char *g)
{
	size_t i;

	if (*g == '\0')
		return;
	for (i = 0; i < res->ngroups; i++)
		if (strcmp(res->groups[i], g) == 0)
			return;
	if (res->ngroups < PROBE_GROUPS_MAX)
		str_copy(res->groups[res->ngroups++], g,
		    sizeof(res->groups[0]));
}

/* TLS <= 1.2 suites at version v: offer all, take away the chosen one,
 * again, until the server refuses (N accepted = N + 1 handshakes). first
 * is a suite already known to be the server's first choice for this
 * exact offer (from the version test), or NULL. */
static int
enum_legacy(struct probe *p, enum probe_ver v, const SSL_CIPHER *first)
{
	struct probe_result *res = p->res;
	struct sbuf excl;
	struct tlsopt o;
	struct attempt a;
	int done = 0;

	sbuf_init(&excl, PROBE_CIPHERS_MAX * (PROBE_NAME_MAX + 2) + 64);
	sbuf_adds(&excl, ENUM_CIPHERS);
	if (first != NULL && add_cipher(res, first, v) == 0)
		sbuf_addf(&excl, ":-%s", SSL_CIPHER_get_name(first));
	memset(&o, 0, sizeof(o));
	o.min = o.max = proto_of[v];
	o.suites = ALL_SUITES13;
	o.groups = ALL_GROUPS;
	o.hello_only = 1;
	for (;;) {
		o.ciphers = excl.data;
		attempt(p, &o, 0, &a);
		if (a.result == ATT_REFUSED || a.result == ATT_LOCAL) {
			/* nothing of what is left is accepted (or we have
			 * nothing left to offer) */
			done = 1;
			break;
		}
		if (a.result != ATT_OK)
			break;
		if (add_cipher(res, a.cipher, v) == -1 ||
		    sbuf_addf(&excl, ":-%s", SSL_CIPHER_get_name(a.cipher)))
			break;
	}
	sbuf_free(&excl);
	return done;
}

static int
enum_tls13(struct probe *p, const SSL_CIPHER *first)
{
	struct probe_result *res = p->res;
	int left[NSUITES13];
	struct tlsopt o;
	struct attempt a;
	size_t i;

	for (i = 0; i < NSUITES13; i++)
		left[i] = 1;
	memset(&o, 0, sizeof(o));
	o.min = o.max = TLS1_3_VERSION;
	o.ciphers = MAIN_CIPHERS;
	o.groups = ALL_GROUPS;
	for (;;) {
		const SSL_CIPHER *got;
		const char *std;
		char list[256];
		size_t n = 0;

		if (first != NULL) {
			got = first;
			first = NULL;
		} else {
			list[0] = '\0';
			for (i = 0; i < NSUITES13; i++)
				if (left[i]) {
					if (n++)
						strncat(list, ":", sizeof(list)
						    - strlen(list) - 1);
					strncat(list, tls13_suites[i],
					    sizeof(list) - strlen(list) - 1);
				}
			if (n == 0)
				return 1;
			o.suites = list;
			attempt(p, &o, 0, &a);
			if (a.result == ATT_REFUSED || a.result == ATT_LOCAL)
				return 1;
			if (a.result != ATT_OK)
				return 0;
			got = a.cipher;
		}
		if (got == NULL || add_cipher(res, got, PROBE_TLS13) == -1)
			return 0;
		std = SSL_CIPHER_standard_name(got);
		for (i = 0; i < NSUITES13; i++)
			if (std != NULL && strcmp(tls13_suites[i], std) == 0)
				left[i] = 0;
	}
}

/* Groups: at TLS 1.3 when accepted (any group), else at the highest
 * accepted of 1.2/1.1/1.0 with ECDHE suites (EC groups only: finite-field
 * DHE groups cannot be negotiated before 1.3 with OpenSSL). first: the
 * group chosen for the full offer. */
static void
enum_groups(struct probe *p, int tls13, enum probe_ver legacy,
    const char *first)
{
	struct probe_result *res = p->res;
	int left[NGROUPS];
	struct tlsopt o;
	struct attempt a;
	size_t i;

	for (i = 0; i < NGROUPS; i++)
		left[i] = tls13 || groups[i].ec;
	memset(&o, 0, sizeof(o));
	o.min = o.max = tls13 ? TLS1_3_VERSION : proto_of[legacy];
	o.ciphers = tls13 ? MAIN_CIPHERS : "ECDHE";
	o.suites = ALL_SUITES13;
	for (;;) {
		struct sbuf list;
		const char *got;
		int found = 0;

		if (first != NULL && *first != '\0') {
			got = first;
			first = NULL;
		} else {
			sbuf_init(&list, 512);
			for (i = 0; i < NGROUPS; i++)
				if (left[i]) {
					if (list.len)
						sbuf_adds(&list, ":");
					sbuf_adds(&list, groups[i].name);
				}
			if (list.len == 0) {
				sbuf_free(&list);
				res->groups_done = 1;
				return;
			}
			o.groups = list.data;
			attempt(p, &o, 0, &a);
			sbuf_free(&list);
			if (a.result == ATT_REFUSED || a.result == ATT_LOCAL) {
				res->groups_done = 1;
				return;
			}
			if (a.result != ATT_OK)
				return;
			got = a.group;
		}
		for (i = 0; i < NGROUPS; i++)
			if (left[i] && strcmp(groups[i].name, got) == 0) {
				left[i] = 0;
				found = 1;
			}
		add_group(res, got);
		if (!found)	/* not one we offered: stop, do not loop */
			return;
	}
}

/* Versions, then suites, then groups, each connection after the other.
 * The main connection and the version tests make exactly the first offer
 * of the suite and group enumerations, so their choice is reused. */
static void
enumerate(struct probe *p, const struct attempt *mainatt)
{
	struct probe_result *res = p->res;
	const struct probe_req *req = p->req;
	const SSL_CIPHER *firstc[PROBE_NVER] = { NULL, NULL, NULL, NULL };
	char first_group13[PROBE_NAME_MAX] = "";
	enum probe_ver mainv = PROBE_NVER, legacy = PROBE_NVER;
	struct attempt a;
	struct tlsopt o;
	int v, done;

	if (mainatt->result == ATT_OK) {
		mainv = ver_index(mainatt->ver);
		res->versions[mainv] = PROBE_VER_ACCEPTED;
		if (mainv == PROBE_TLS13) {
			firstc[PROBE_TLS13] = mainatt->cipher;
			str_copy(first_group13, mainatt->group,
			    sizeof(first_group13));
		}
	}
	if (req->enumerate & PROBE_ENUM_VERSIONS) {
		for (v = PROBE_TLS13; v >= PROBE_TLS10; v--) {
			if (v == (int)mainv)
				continue;
			if (mainv != PROBE_NVER && v > (int)mainv) {
				/* a server picks the highest version both
				 * sides have (RFC 8446 §4.2.1, RFC 5246
				 * §7.4.1.3): above the main one, refused */
				res->versions[v] = PROBE_VER_REFUSED;
				probe_say(res->version_error[v],
				    sizeof(res->version_error[v]),
				    "inferred: server chose %s",
				    probe_ver_name(mainv));
				continue;
			}
			memset(&o, 0, sizeof(o));
			o.min = o.max = proto_of[v];
			o.ciphers = v == PROBE_TLS13 ? MAIN_CIPHERS :
			    ENUM_CIPHERS;
			o.suites = ALL_SUITES13;
			o.groups = ALL_GROUPS;
			o.hello_only = v != PROBE_TLS13;
			attempt(p, &o, 0, &a);
			switch (a.result) {
			case ATT_OK:
				res->versions[v] = PROBE_VER_ACCEPTED;
				firstc[v] = a.cipher;
				if (v == PROBE_TLS13)
					str_copy(first_group13, a.group,
					    sizeof(first_group13));
				break;
			case ATT_REFUSED:
				res->versions[v] = PROBE_VER_REFUSED;
				break;
			case ATT_LOCAL:
				res->versions[v] = PROBE_VER_NOT_TESTED;
				break;
			default:
				res->versions[v] = PROBE_VER_ERROR;
				break;
			}
			if (a.result != ATT_OK)
				str_copy(res->version_error[v], a.err,
				    sizeof(res->version_error[v]));
		}
	}
	if (req->enumerate & PROBE_ENUM_CIPHERS) {
		/* legacy suites at the highest accepted version <= 1.2 */
		for (v = PROBE_TLS12; v >= PROBE_TLS10; v--)
			if (res->versions[v] == PROBE_VER_ACCEPTED) {
				legacy = (enum probe_ver)v;
				break;
			}
		done = 1;
		if (legacy != PROBE_NVER)
			done = enum_legacy(p, legacy, firstc[legacy]);
		if (res->versions[PROBE_TLS13] == PROBE_VER_ACCEPTED)
			done &= enum_tls13(p, firstc[PROBE_TLS13]);
		res->ciphers_done = done;
	}
	if (req->enumerate & PROBE_ENUM_GROUPS) {
		for (v = PROBE_TLS12; v >= PROBE_TLS10; v--)
			if (res->versions[v] == PROBE_VER_ACCEPTED)
				break;
		if (res->versions[PROBE_TLS13] == PROBE_VER_ACCEPTED)
			enum_groups(p, 1, PROBE_TLS13, first_group13);
		else if (v >= PROBE_TLS10)
			enum_groups(p, 0, (enum probe_ver)v, NULL);
	}
}

struct probe_result *
probe_run(const struct probe_req *req)
{
	struct probe_result *res = xcalloc(1, sizeof(*res));
	struct probe p;
	struct tlsopt o;
	struct attempt a;
	sigset_t pipe, old;
	int blocked;

	memset(&p, 0, sizeof(p));
	p.req = req;
	p.res = res;
	p.start_ms = now_ms();
	p.timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : 10000;
	p.max_conn = req->max_connections > 0 ? req->max_connections : 100;
	p.budget_ms = req->budget_ms > 0 ? req->budget_ms : 60000;
	res->stage = PROBE_STAGE_CONNECT;
	res->ocsp = PROBE_OCSP_NOT_TESTED;
	res->verify_depth = -1;
	res->now = req->now ? (int64_t)req->now : (int64_t)time(NULL);

	/* an SSL_write to a peer that went away must not kill the
	 * process: block SIGPIPE in this thread, drop it afterwards */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	blocked = pthread_sigmask(SIG_BLOCK, &pipe, &old) == 0;

	p.store = probe_store_new(req, p.storeerr, sizeof(p.storeerr));

	memset(&o, 0, sizeof(o));
	o.min = TLS1_VERSION;
	o.max = TLS1_3_VERSION;
	o.ciphers = MAIN_CIPHERS;
	o.suites = ALL_SUITES13;
	o.groups = ALL_GROUPS;
	o.status_request = 1;
	attempt(&p, &o, 1, &a);
	if (a.result == ATT_OK) {
		str_copy(res->version, a.version, sizeof(res->version));
		str_copy(res->cipher, SSL_CIPHER_get_name(a.cipher),
		    sizeof(res->cipher));
		str_copy(res->group, a.group, sizeof(res->group));
	}
	/* Enumerate only when the server speaks TLS at all (the main
	 * handshake may have failed on our offer only). */
	if (req->enumerate && res->have_starttls && res->starttls.code == 220)
		enumerate(&p, &a);
	if (res->nchain == 0 && res->handshake == PROBE_OK)
		str_copy(res->verify_text, "no certificate presented",
		    sizeof(res->verify_text));
	probe_dane_match(res, req->tlsa, req->ntlsa, req->mx_name);

	if (p.store != NULL)
		X509_STORE_free(p.store);
	if (blocked) {
		struct timespec zero = { 0, 0 };
		sigset_t pend;

		sigpending(&pend);
		while (sigismember(&pend, SIGPIPE) &&
		    sigtimedwait(&pipe, NULL, &zero) == SIGPIPE)
			sigpending(&pend);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	res->total_ms = (int)(now_ms() - p.start_ms);
	return res;
}

void
probe_result_free(struct probe_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < res->nchain; i++)
		probe_cert_clear(&res->chain[i]);
	free(res->dane);
	free(res);
}
