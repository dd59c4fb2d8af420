/* update: RFC 2136 dynamic updates with TSIG (RFC 8945) over TCP to the
 * primary named by update_server: AXFR of its copy, one UPDATE with the
 * difference, a SOA query to confirm. Touches: the key file (read) and one
 * TCP connection per exchange to the configured address. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "dns/sign_int.h"
#include "dns/update.h"
#include "util/mem.h"
#include "util/str.h"

#define UPDATE_FUDGE		300
#define UPDATE_MAX_MSGS		10000
#define UPDATE_KEYFILE_MAX	65536
/* ldns computes TSIG MACs in a buffer of one DNS message (65535 octets)
 * and aborts when it overflows: keep room for the TSIG record and the
 * MAC input around the message. */
#define UPDATE_WIRE_MAX		(65535 - 1024)

/* --- key file ------------------------------------------------------- */

static int
update_is_sep(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '{' || c == '}' || c == ';' || c == '"' || c == '\'';
}

/* Next token of buf from *pos into tok (NUL-terminated); comments
 * ("#" or "//" to the end of the line) are skipped. 1, 0 at the end, -1
 * when a token is too long. */
static int
update_token(const char *buf, size_t len, size_t *pos, char *tok,
    size_t toksz)
{
	size_t i = *pos, n = 0;

	for (;;) {
		while (i < len && update_is_sep((unsigned char)buf[i]))
			i++;
		if (i < len && (buf[i] == '#' || (buf[i] == '/' &&
		    i + 1 < len && buf[i + 1] == '/'))) {
			while (i < len && buf[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	if (i >= len) {
		*pos = i;
		return 0;
	}
	while (i < len && !update_is_sep((unsigned char)buf[i])) {
		if (n + 1 >= toksz)
			return -1;
		tok[n++] = buf[i++];
	}
	tok[n] = '\0';
	*pos = i;
	return 1;
}

static int
update_b64_ok(const char *s)
{
	size_t n = strlen(s), i, pad = 0;

	if (n == 0 || n % 4 != 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || !(isalnum(c) || c == '+' || c == '/'))
			return 0;
	}
	return pad <= 2;
}

static int
update_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 253 || s[0] == '.' || strstr(s, "..") != NULL)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(isalnum(c) || c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

int
update_key_parse(const char *buf, size_t len, struct update_key *k,
    struct sbuf *err)
{
	static const char *const algs[] = { "hmac-sha1", "hmac-sha224",
	    "hmac-sha256", "hmac-sha384", "hmac-sha512", NULL };
	char tok[UPDATE_SECRET_MAX], *toks[3] = { NULL, NULL, NULL };
	char *want = NULL;
	size_t pos = 0, ntok = 0, nkeys = 0, i;
	int r, kw = 0;

	memset(k, 0, sizeof(*k));
	while ((r = update_token(buf, len, &pos, tok, sizeof(tok))) == 1) {
		size_t tl = strlen(tok);
		int colon = tl > 0 && tok[tl - 1] == ':';

		if (colon)
			tok[--tl] = '\0';
		ntok++;
		if (want != NULL) {
			str_copy(want, tok, want == k->secret ?
			    sizeof(k->secret) : want == k->alg ?
			    sizeof(k->alg) : sizeof(k->name));
			want = NULL;
			continue;
		}
		if (strcmp(tok, "-") == 0)
			continue;
		if (strcasecmp(tok, "key") == 0 && !colon) {
			kw = 1;
			nkeys++;
			want = k->name;
		} else if (strcasecmp(tok, "id") == 0 && colon) {
			kw = 1;
			nkeys++;
			want = k->name;
		} else if (strcasecmp(tok, "algorithm") == 0) {
			kw = 1;
			want = k->alg;
		} else if (strcasecmp(tok, "secret") == 0) {
			kw = 1;
			want = k->secret;
		} else if (strcasecmp(tok, "key") == 0 && colon) {
			kw = 1;		/* Knot's "key:" section */
		} else if (ntok <= 3 && !colon) {
			toks[ntok - 1] = xstrdup(tok);
		} else if (kw) {
			sbuf_addf(err, "unexpected '%.64s'", tok);
			r = -2;
			break;
		}
	}
	if (r == -1)
		sbuf_adds(err, "a token is too long");
	if (r == 0 && want != NULL) {
		sbuf_adds(err, "a value is missing at the end");
		r = -2;
	}
	if (r == 0 && !kw) {
		if (ntok != 3 || toks[0] == NULL || toks[1] == NULL ||
		    toks[2] == NULL) {
			sbuf_adds(err, "expected 'NAME ALGORITHM SECRET' or a "
			    "key { } block");
			r = -2;
		} else {
			str_copy(k->name, toks[0], sizeof(k->name));
			str_copy(k->alg, toks[1], sizeof(k->alg));
			str_copy(k->secret, toks[2], sizeof(k->secret));
		}
	} else if (r == 0 && nkeys != 1) {
		sbuf_addf(err, "%s key", nkeys == 0 ? "no" : "more than one");
		r = -2;
	}
	for (i = 0; i < 3; i++)
		free(toks[i]);
	if (r != 0)
		return -1;
	for (i = 0; k->alg[i] != '\0'; i++)
		k->alg[i] = (char)tolower((unsigned char)k->alg[i]);
	i = strlen(k->alg);
	if (i > 0 && k->alg[i - 1] == '.')
		k->alg[i - 1] = '\0';
	i = strlen(k->name);
	if (i > 1 && k->name[i - 1] == '.')
		k->name[i - 1] = '\0';
	if (!update_name_ok(k->name)) {
		sbuf_addf(err, "key name '%.64s' is not a domain name",
		    k->name);
		return -1;
	}
	for (i = 0; algs[i] != NULL; i++)
		if (strcmp(k->alg, algs[i]) == 0)
			break;
	if (algs[i] == NULL) {
		sbuf_addf(err, "algorithm '%.32s' is not one of hmac-sha1, "
		    "hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512",
		    k->alg);
		return -1;
	}
	if (!update_b64_ok(k->secret)) {
		sbuf_adds(err, "secret is not base64");
		return -1;
	}
	return 0;
}

int
update_server_parse(const char *s, char *ip, size_t ipsz, uint16_t *port)
{
	const char *end, *ps = NULL;
	unsigned char b[16];
	uint64_t v;
	size_t n;

	*port = 53;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return -1;
		if (end[1] == '@' || end[1] == ':')
			ps = end + 2;
		else if (end[1] != '\0')
			return -1;
		s++;
	} else if ((end = strchr(s, '@')) != NULL) {
		ps = end + 1;
	} else
		end = s + strlen(s);
	n = (size_t)(end - s);
	if (n == 0 || n >= ipsz)
		return -1;
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (inet_pton(AF_INET, ip, b) != 1 && inet_pton(AF_INET6, ip, b) != 1)
		return -1;
	if (ps != NULL) {
		if (str_to_u64(ps, &v) < 0 || v == 0 || v > 65535)
			return -1;
		*port = (uint16_t)v;
	}
	return 0;
}

/* --- TCP exchanges ---------------------------------------------------- */

struct update_conn {
	struct update_key	 key;
	char			 keyname[UPDATE_NAME_MAX + 1];
	char			 alg[UPDATE_ALG_MAX + 1];
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 fd;
	uint64_t		 deadline;	/* ms, monotonic */
	uint64_t		 timeout;	/* ms */
};

static uint64_t
update_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
update_wait(struct update_conn *u, short ev, struct sbuf *err)
{
	for (;;) {
		struct pollfd pfd = { u->fd, ev, 0 };
		uint64_t now = update_ms();
		int r;

		if (now >= u->deadline) {
			sbuf_adds(err, "timed out");
			return -1;
		}
		r = poll(&pfd, 1, (int)(u->deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			sbuf_addf(err, "poll: %s", strerror(errno));
			return -1;
		}
		if (r > 0)
			return 0;
	}
}

static int
update_setup(const struct update_target *t, struct update_conn *u,
    struct sbuf *err)
{
	char ip[64];
	uint16_t port;
	FILE *fp;
	char *buf;
	size_t n;
	struct sbuf e;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	u->timeout = (t->timeout ? t->timeout : 10) * 1000;
	if (update_server_parse(t->server, ip, sizeof(ip), &port) < 0) {
		sbuf_addf(err, "update_server '%s' is not ADDR[@PORT] with an "
		    "IP address", t->server);
		return -1;
	}
	if (strchr(ip, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&u->ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, ip, &s6->sin6_addr);
		u->sslen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&u->ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, ip, &s4->sin_addr);
		u->sslen = sizeof(*s4);
	}
	if (t->key_file == NULL || *t->key_file == '\0') {
		sbuf_adds(err, "update_tsig_key_file is not set (updates "
		    "are always signed)");
		return -1;
	}
	if ((fp = fopen(t->key_file, "r")) == NULL) {
		sbuf_addf(err, "%s: %s", t->key_file, strerror(errno));
		return -1;
	}
	buf = xmalloc(UPDATE_KEYFILE_MAX);
	n = fread(buf, 1, UPDATE_KEYFILE_MAX, fp);
	fclose(fp);
	sbuf_init(&e, 1024);
	if (update_key_parse(buf, n, &u->key, &e) < 0) {
		sbuf_addf(err, "%s: %s", t->key_file, e.data);
		sbuf_free(&e);
		free(buf);
		return -1;
	}
	sbuf_free(&e);
	free(buf);
	snprintf(u->keyname, sizeof(u->keyname), "%s.", u->key.name);
	snprintf(u->alg, sizeof(u->alg), "%s.", u->key.alg);
	return 0;
}

static int
update_connect(struct update_conn *u, struct sbuf *err)
{
	int fl, soerr = 0;
	socklen_t sl = sizeof(soerr);

	u->deadline = update_ms() + u->timeout;
	u->fd = socket(u->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (u->fd < 0) {
		sbuf_addf(err, "socket: %s", strerror(errno));
		return -1;
	}
	fl = fcntl(u->fd, F_GETFL);
	fcntl(u->fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(u->fd, (struct sockaddr *)&u->ss, u->sslen) < 0) {
		if (errno != EINPROGRESS) {
			sbuf_addf(err, "connect: %s", strerror(errno));
			return -1;
		}
		if (update_wait(u, POLLOUT, err) < 0)
			return -1;
		if (getsockopt(u->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 ||
		    soerr != 0) {
			sbuf_addf(err, "connect: %s", strerror(soerr ? soerr :
			    errno));
			return -1;
		}
	}
	return 0;
}

static void
update_close(struct update_conn *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}

static int
update_io(struct update_conn *u, void *buf, size_t n, int wr,
    struct sbuf *err)
{
	unsigned char *p = buf;
	size_t off = 0;

	while (off < n) {
		ssize_t r;

		if (update_wait(u, wr ? POLLOUT : POLLIN, err) < 0)
			return -1;
		r = wr ? send(u->fd, p + off, n - off, MSG_NOSIGNAL) :
		    recv(u->fd, p + off, n - off, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			sbuf_addf(err, "%s: %s", wr ? "send" : "recv",
			    strerror(errno));
			return -1;
		}
		if (r == 0) {
			sbuf_adds(err, "connection closed by the server");
			return -1;
		}
		off += (size_t)r;
	}
	return 0;
}

/* Sign q with the key, send it; the request MAC goes to *mac. */
static int
update_query(struct update_conn *u, ldns_pkt *q, ldns_rdf **mac,
    struct sbuf *err)
{
	uint8_t *wire = NULL;
	size_t wl = 0;
	unsigned char hdr[2];
	ldns_status st;
	int r;

	*mac = NULL;
	ldns_pkt_set_random_id(q);
	if ((st = ldns_pkt2wire(&wire, q, &wl)) != LDNS_STATUS_OK) {
		sbuf_addf(err, "encoding: %s", ldns_get_errorstr_by_id(st));
		return -1;
	}
	free(wire);
	wire = NULL;
	if (wl > UPDATE_WIRE_MAX) {
		sbuf_addf(err, "the message would be %zu bytes, more than one "
		    "DNS message holds with its TSIG (%d)", wl,
		    UPDATE_WIRE_MAX);
		return -1;
	}
	st = ldns_pkt_tsig_sign(q, u->keyname, u->key.secret, UPDATE_FUDGE,
	    u->alg, NULL);
	if (st != LDNS_STATUS_OK) {
		sbuf_addf(err, "TSIG signing: %s", ldns_get_errorstr_by_id(st));
		return -1;
	}
	*mac = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(q), 3));
	if ((st = ldns_pkt2wire(&wire, q, &wl)) != LDNS_STATUS_OK) {
		sbuf_addf(err, "encoding: %s", ldns_get_errorstr_by_id(st));
		return -1;
	}
	if (wl > 65535) {
		free(wire);
		sbuf_addf(err, "message of %zu bytes is too large for one "
		    "DNS message", wl);
		return -1;
	}
	if (update_connect(u, err) < 0) {
		free(wire);
		return -1;
	}
	hdr[0] = (unsigned char)(wl >> 8);
	hdr[1] = (unsigned char)wl;
	r = update_io(u, hdr, 2, 1, err) < 0 || update_io(u, wire, wl, 1,
	    err) < 0 ? -1 : 0;
	free(wire);
	return r;
}

/* TSIG error names (RFC 8945 5.3.x). */
static const char *
update_tsig_error(uint16_t e)
{
	switch (e) {
	case 0: return "NOERROR";
	case 16: return "BADSIG";
	case 17: return "BADKEY";
	case 18: return "BADTIME";
	case 22: return "BADTRUNC";
	default: return "unknown";
	}
}

/* Read one reply message, check its id, RCODE and TSIG (first: against
 * the request MAC; later: the previous reply's MAC, RFC 8945 5.3.1).
 * *mac is replaced by this reply's MAC. */
static ldns_pkt *
update_reply(struct update_conn *u, const ldns_pkt *q, ldns_rdf **mac,
    int first, struct sbuf *err)
{
	unsigned char hdr[2];
	uint8_t *buf;
	size_t n;
	ldns_pkt *p = NULL;
	ldns_status st;
	ldns_rr *tsig;
	int ok;

	if (update_io(u, hdr, 2, 0, err) < 0)
		return NULL;
	n = (size_t)hdr[0] << 8 | hdr[1];
	if (n > UPDATE_WIRE_MAX) {
		sbuf_addf(err, "a reply message of %zu bytes is too large to "
		    "verify its TSIG (at most %d)", n, UPDATE_WIRE_MAX);
		return NULL;
	}
	buf = xmalloc(n ? n : 1);
	if (update_io(u, buf, n, 0, err) < 0) {
		free(buf);
		return NULL;
	}
	if ((st = ldns_wire2pkt(&p, buf, n)) != LDNS_STATUS_OK) {
		sbuf_addf(err, "malformed reply: %s",
		    ldns_get_errorstr_by_id(st));
		free(buf);
		return NULL;
	}
	if (ldns_pkt_id(p) != ldns_pkt_id(q) || !ldns_pkt_qr(p)) {
		sbuf_adds(err, "reply does not match the request");
		goto fail;
	}
	tsig = ldns_pkt_tsig(p);
	if (ldns_pkt_get_rcode(p) != LDNS_RCODE_NOERROR) {
		ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes,
		    (int)ldns_pkt_get_rcode(p));

		sbuf_addf(err, "server answered %s", lt ? lt->name :
		    "an unknown RCODE");
		if (tsig != NULL && ldns_rr_rd_count(tsig) > 5 &&
		    ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5)) != 0)
			sbuf_addf(err, " (TSIG error %s)", update_tsig_error(
			    ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5))));
		goto fail;
	}
	if (tsig == NULL) {
		sbuf_adds(err, "reply is not TSIG-signed");
		goto fail;
	}
	ok = first ? ldns_pkt_tsig_verify(p, buf, n, u->keyname,
	    u->key.secret, *mac) : ldns_pkt_tsig_verify_next(p, buf, n,
	    u->keyname, u->key.secret, *mac, 1);
	if (!ok) {
		sbuf_adds(err, "reply TSIG does not verify");
		goto fail;
	}
	ldns_rdf_deep_free(*mac);
	*mac = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(p), 3));
	free(buf);
	return p;
fail:
	free(buf);
	ldns_pkt_free(p);
	return NULL;
}

static ldns_pkt *
update_qpkt(const char *zone, ldns_rr_type type, struct sbuf *err)
{
	ldns_rdf *d = ldns_dname_new_frm_str(zone);
	ldns_pkt *q;

	if (d == NULL) {
		sbuf_addf(err, "%s: not a domain name", zone);
		return NULL;
	}
	q = ldns_pkt_query_new(d, type, LDNS_RR_CLASS_IN, 0);
	return q;
}

int
update_fetch(const struct update_target *t, struct sbuf *text,
    uint32_t *serial, struct sbuf *err)
{
	struct update_conn u;
	ldns_pkt *q = NULL, *p;
	ldns_rdf *mac = NULL;
	size_t nsoa = 0, msgs, i;
	int r = -1;

	*serial = 0;
	if (update_setup(t, &u, err) < 0)
		return -1;
	if ((q = update_qpkt(t->zone, LDNS_RR_TYPE_AXFR, err)) == NULL)
		return -1;
	ldns_pkt_set_rd(q, 0);
	if (update_query(&u, q, &mac, err) < 0)
		goto out;
	for (msgs = 0; nsoa < 2 && msgs < UPDATE_MAX_MSGS; msgs++) {
		ldns_rr_list *an;

		if ((p = update_reply(&u, q, &mac, msgs == 0, err)) == NULL)
			goto out;
		an = ldns_pkt_answer(p);
		for (i = 0; i < ldns_rr_list_rr_count(an) && nsoa < 2; i++) {
			ldns_rr *rr = ldns_rr_list_rr(an, i);
			char *s;

			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
				if (++nsoa == 2)
					break;
				*serial = ldns_rdf2native_int32(
				    ldns_rr_rdf(rr, 2));
			} else if (nsoa == 0) {
				sbuf_adds(err, "AXFR does not start with "
				    "the SOA");
				ldns_pkt_free(p);
				goto out;
			}
			if ((s = ldns_rr2str(rr)) == NULL) {
				sbuf_adds(err, "AXFR: unprintable record");
				ldns_pkt_free(p);
				goto out;
			}
			sbuf_adds(text, s);
			free(s);
		}
		ldns_pkt_free(p);
		if (msgs == 0 && nsoa == 0) {
			sbuf_adds(err, "AXFR: empty answer (zone not loaded "
			    "on the primary?)");
			goto out;
		}
	}
	if (nsoa < 2) {
		sbuf_adds(err, "AXFR did not end");
		goto out;
	}
	if (text->over) {
		sbuf_adds(err, "AXFR: zone too large");
		goto out;
	}
	r = 0;
out:
	if (r < 0 && err->len > 0) {
		struct sbuf e;

		sbuf_init(&e, 4096);
		sbuf_addf(&e, "AXFR %s from %s: %s", t->zone, t->server,
		    err->data);
		sbuf_reset(err);
		sbuf_add(err, e.data, e.len);
		sbuf_free(&e);
	}
	ldns_rdf_deep_free(mac);
	ldns_pkt_free(q);
	update_close(&u);
	return r;
}

/* --- the difference ------------------------------------------------- */


/* The zone's records but the SOA, canonical and sorted. */
static ldns_rr_list *
update_sorted(const ldns_zone *z)
{
	ldns_rr_list *all = ldns_zone_rrs(z), *l = ldns_rr_list_new();
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
		ldns_rr *rr = ldns_rr_clone(ldns_rr_list_rr(all, i));

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
			ldns_rr_free(rr);
			continue;
		}
		ldns_rr2canonical(rr);
		ldns_rr_list_push_rr(l, rr);
	}
	ldns_rr_list_sort(l);
	return l;
}

/* adds gets the records of n not in o, dels those of o not in n (in the
 * RFC 2136 2.5.4 form: class NONE, TTL 0). */
static void
update_diff(const ldns_rr_list *o, const ldns_rr_list *n, ldns_rr_list *adds,
    ldns_rr_list *dels)
{
	size_t i = 0, j = 0, no = ldns_rr_list_rr_count(o),
	    nn = ldns_rr_list_rr_count(n);

	while (i < no || j < nn) {
		int c;

		if (i == no)
			c = 1;
		else if (j == nn)
			c = -1;
		else
			c = ldns_rr_compare(ldns_rr_list_rr(o, i),
			    ldns_rr_list_rr(n, j));
		if (c == 0) {
			/* A new TTL for the same data: delete, then add. */
			if (ldns_rr_ttl(ldns_rr_list_rr(o, i)) !=
			    ldns_rr_ttl(ldns_rr_list_rr(n, j))) {
				ldns_rr *d = ldns_rr_clone(
				    ldns_rr_list_rr(o, i));

				ldns_rr_set_class(d, LDNS_RR_CLASS_NONE);
				ldns_rr_set_ttl(d, 0);
				ldns_rr_list_push_rr(dels, d);
				ldns_rr_list_push_rr(adds, ldns_rr_clone(
				    ldns_rr_list_rr(n, j)));
			}
			i++;
			j++;
		} else if (c < 0) {
			ldns_rr *d = ldns_rr_clone(ldns_rr_list_rr(o, i++));

			ldns_rr_set_class(d, LDNS_RR_CLASS_NONE);
			ldns_rr_set_ttl(d, 0);
			ldns_rr_list_push_rr(dels, d);
		} else
			ldns_rr_list_push_rr(adds, ldns_rr_clone(
			    ldns_rr_list_rr(n, j++)));
	}
}

static int
update_check_serial(struct update_conn *u, const char *zone, uint32_t want,
    struct sbuf *err)
{
	ldns_pkt *q, *p;
	ldns_rdf *mac = NULL;
	ldns_rr_list *an;
	size_t i;
	int r = -1;

	if ((q = update_qpkt(zone, LDNS_RR_TYPE_SOA, err)) == NULL)
		return -1;
	ldns_pkt_set_rd(q, 0);
	if (update_query(u, q, &mac, err) < 0 ||
	    (p = update_reply(u, q, &mac, 1, err)) == NULL)
		goto out;
	an = ldns_pkt_answer(p);
	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		uint32_t s;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA)
			continue;
		s = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
		if (s == want)
			r = 0;
		else
			sbuf_addf(err, "the primary serves serial %lu, not "
			    "%lu", (unsigned long)s, (unsigned long)want);
		break;
	}
	if (r < 0 && i == ldns_rr_list_rr_count(an))
		sbuf_adds(err, "no SOA in the answer");
	ldns_pkt_free(p);
out:
	ldns_rdf_deep_free(mac);
	ldns_pkt_free(q);
	update_close(u);
	return r;
}

int
update_send(const struct update_target *t, const char *old, size_t olen,
    const char *new, size_t nlen, size_t *nadd, size_t *ndel,
    struct sbuf *err)
{
	struct update_conn u;
	ldns_zone *oz = NULL, *nz = NULL;
	ldns_rr_list *ol = NULL, *nl = NULL, *pre = NULL, *up = NULL,
	    *dels = NULL;
	ldns_rdf *zrdf = NULL, *mac = NULL;
	ldns_pkt *q = NULL, *p;
	ldns_rr *soa;
	uint32_t serial;
	size_t i;
	int r = -1;

	*nadd = *ndel = 0;
	if (update_setup(t, &u, err) < 0)
		return -1;
	if ((oz = sign_parse(old, olen, t->zone, 3600, err)) == NULL ||
	    (nz = sign_parse(new, nlen, t->zone, 3600, err)) == NULL)
		goto out;
	ol = update_sorted(oz);
	nl = update_sorted(nz);
	up = ldns_rr_list_new();
	dels = ldns_rr_list_new();
	/* The new SOA first: it replaces the old one (RFC 2136 3.4.2.2). */
	ldns_rr_list_push_rr(up, ldns_rr_clone(ldns_zone_soa(nz)));
	update_diff(ol, nl, up, dels);
	*nadd = ldns_rr_list_rr_count(up);
	*ndel = ldns_rr_list_rr_count(dels);
	for (i = 0; i < ldns_rr_list_rr_count(dels); i++)
		ldns_rr_list_push_rr(up, ldns_rr_list_rr(dels, i));
	ldns_rr_list_free(dels);	/* the records now belong to up */
	dels = NULL;
	/* Prerequisite: the SOA RRset is exactly the one we read (RFC 2136
	 * 2.4.2, value dependent: class IN, TTL 0). */
	pre = ldns_rr_list_new();
	soa = ldns_rr_clone(ldns_zone_soa(oz));
	ldns_rr_set_ttl(soa, 0);
	ldns_rr_list_push_rr(pre, soa);
	if ((zrdf = ldns_dname_new_frm_str(t->zone)) == NULL) {
		sbuf_addf(err, "%s: not a domain name", t->zone);
		goto out;
	}
	q = ldns_update_pkt_new(ldns_rdf_clone(zrdf), LDNS_RR_CLASS_IN, pre,
	    up, NULL);
	if (q == NULL) {
		sbuf_adds(err, "cannot build the UPDATE message");
		goto out;
	}
	ldns_pkt_set_rd(q, 0);		/* Z bits in an UPDATE (2136 2.2) */
	if (update_query(&u, q, &mac, err) < 0 ||
	    (p = update_reply(&u, q, &mac, 1, err)) == NULL) {
		struct sbuf e;

		sbuf_init(&e, 4096);
		sbuf_addf(&e, "UPDATE %s at %s: %s", t->zone, t->server,
		    err->data ? err->data : "");
		sbuf_reset(err);
		sbuf_add(err, e.data, e.len);
		sbuf_free(&e);
		goto out;
	}
	ldns_pkt_free(p);
	update_close(&u);
	serial = ldns_rdf2native_int32(ldns_rr_rdf(ldns_zone_soa(nz), 2));
	if (update_check_serial(&u, t->zone, serial, err) < 0) {
		struct sbuf e;

		sbuf_init(&e, 4096);
		sbuf_addf(&e, "SOA check %s at %s after the UPDATE: %s",
		    t->zone, t->server, err->data ? err->data : "");
		sbuf_reset(err);
		sbuf_add(err, e.data, e.len);
		sbuf_free(&e);
		goto out;
	}
	r = 0;
out:
	update_close(&u);
	ldns_rdf_deep_free(mac);
	ldns_rdf_deep_free(zrdf);
	if (q != NULL)
		ldns_pkt_free(q);	/* holds copies of pre and up */
	if (pre != NULL)
		ldns_rr_list_deep_free(pre);
	if (up != NULL)
		ldns_rr_list_deep_free(up);
	if (dels != NULL)
		ldns_rr_list_deep_free(dels);
	if (ol != NULL)
		ldns_rr_list_deep_free(ol);
	if (nl != NULL)
		ldns_rr_list_deep_free(nl);
	if (oz != NULL)
		ldns_zone_deep_free(oz);
	if (nz != NULL)
		ldns_zone_deep_free(nz);
	return r;
}
