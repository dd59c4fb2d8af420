/* test_probe_live: the probe against scripted SMTP servers on loopback
 * (threads of this test): refused, 421, tarpit timeout, no STARTTLS,
 * STARTTLS refused, plaintext injected after 220, EHLO refused.
 *
 * Driver mode for tests/integration/probe_*.sh: with PROBE_IP set it
 * probes that address instead and prints the result as key=value lines
 * (PROBE_PORT, PROBE_MX, PROBE_CA, PROBE_ENUM=1, PROBE_TLSA="u s m hex"
 * separated by ';', PROBE_TIMEOUT_MS, PROBE_MAX_CONN). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "t.h"
#include "tls/probe.h"
#include "util/str.h"

/* --- a scripted server: banner, then one reply per command line --- */
struct script {
	int		 lfd;
	int		 port;
	const char	*banner;	/* NULL: say nothing (tarpit) */
	const char	*replies[8];	/* to the 1st, 2nd... line */
	int		 close_after;	/* close after this many replies */
	pthread_t	 th;
};

static void *
script_run(void *arg)
{
	struct script *s = arg;
	char buf[1024];
	size_t len = 0;
	int fd, n = 0;
	ssize_t k;

	fd = accept(s->lfd, NULL, NULL);
	if (fd == -1)
		return NULL;
	if (s->banner != NULL)
		(void)send(fd, s->banner, strlen(s->banner), MSG_NOSIGNAL);
	for (;;) {
		char *nl;

		k = recv(fd, buf + len, sizeof(buf) - len - 1, 0);
		if (k <= 0)
			break;
		len += (size_t)k;
		while ((nl = memchr(buf, '\n', len)) != NULL) {
			size_t ll = (size_t)(nl - buf) + 1;
			const char *r = n < 8 ? s->replies[n] : NULL;

			if (r != NULL)
				(void)send(fd, r, strlen(r), MSG_NOSIGNAL);
			n++;
			memmove(buf, buf + ll, len - ll);
			len -= ll;
			if (s->close_after && n >= s->close_after)
				goto done;
		}
		if (len >= sizeof(buf) - 1)
			break;
	}
done:
	close(fd);
	return NULL;
}

static void
script_start(struct script *s)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->lfd == -1 || bind(s->lfd, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1 || listen(s->lfd, 4) == -1 ||
	    getsockname(s->lfd, (struct sockaddr *)&sin, &sl) == -1) {
		perror("script server");
		exit(1);
	}
	s->port = ntohs(sin.sin_port);
	pthread_create(&s->th, NULL, script_run, s);
}

static void
script_stop(struct script *s)
{
	shutdown(s->lfd, SHUT_RDWR);
	pthread_join(s->th, NULL);
	close(s->lfd);
}

static struct probe_result *
probe_script(struct script *s, int timeout_ms)
{
	struct probe_req req;
	struct probe_result *r;

	script_start(s);
	memset(&req, 0, sizeof(req));
	req.ip = "127.0.0.1";
	req.port = s->port;
	req.mx_name = "mx.example.test";
	req.timeout_ms = timeout_ms;
	req.enumerate = PROBE_ENUM_ALL;
	r = probe_run(&req);
	script_stop(s);
	return r;
}

static void
t_refused(void)
{
	struct probe_req req;
	struct probe_result *r;
	struct script s;

	/* a port that was just free: nobody listens */
	memset(&s, 0, sizeof(s));
	script_start(&s);
	script_stop(&s);
	memset(&req, 0, sizeof(req));
	req.ip = "127.0.0.1";
	req.port = s.port;
	req.enumerate = PROBE_ENUM_ALL;
	r = probe_run(&req);
	T_EQ_INT(r->conn, PROBE_CONN_REFUSED);
	T_EQ_INT(r->stage, PROBE_STAGE_CONNECT);
	T_CONTAINS(r->not_tested, "refused");
	T_EQ_INT(r->connections, 1);
	T_EQ_INT(r->handshake, PROBE_NOT_TESTED);
	probe_result_free(r);

	req.ip = "not-an-address";
	r = probe_run(&req);
	T_EQ_INT(r->conn, PROBE_CONN_ERROR);
	T_CONTAINS(r->conn_error, "bad address");
	probe_result_free(r);
}

static void
t_421(void)
{
	struct script s = { .banner = "421 4.3.2 mx busy, try later\r\n",
	    .close_after = 1, .replies = { "221 bye\r\n" } };
	struct probe_result *r = probe_script(&s, 2000);
	struct sbuf sb;

	T_EQ_INT(r->conn, PROBE_CONN_OK);
	T_EQ_INT(r->stage, PROBE_STAGE_BANNER);
	T_EQ_INT(r->banner.code, 421);
	T_CONTAINS(r->not_tested, "421");
	T_EQ_INT(r->handshake, PROBE_NOT_TESTED);
	T_EQ_INT(r->connections, 1);	/* no enumeration after a 421 */
	sbuf_init(&sb, 4096);
	probe_result_text(r, PROBE_F_BANNER, &sb);
	T_EQ_STR(sb.data, "421 4.3.2 mx busy, try later");
	sbuf_free(&sb);
	probe_result_free(r);
}

static void
t_tarpit(void)
{
	struct script s = { .banner = NULL };
	struct probe_result *r = probe_script(&s, 300);

	T_EQ_INT(r->stage, PROBE_STAGE_BANNER);
	T_CONTAINS(r->not_tested, "timeout");
	T_CHECK(r->total_ms >= 250 && r->total_ms < 2000);
	probe_result_free(r);
}

static void
t_no_starttls(void)
{
	struct script s = { .banner = "220 mx ESMTP\r\n", .replies = {
	    "250-mx\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n",
	    "221 bye\r\n" } };
	struct probe_result *r = probe_script(&s, 2000);
	struct sbuf sb;

	T_EQ_INT(r->stage, PROBE_STAGE_STARTTLS);
	T_EQ_STR(r->not_tested, "");
	T_EQ_STR(r->stop_why, "STARTTLS not offered");
	T_EQ_INT(r->ehlo_keys, PROBE_EHLO_PIPELINING | PROBE_EHLO_SIZE |
	    PROBE_EHLO_8BITMIME);
	T_EQ_INT(r->ehlo_size, 1000);
	T_EQ_INT(r->handshake, PROBE_NOT_TESTED);
	T_EQ_INT(r->connections, 1);
	sbuf_init(&sb, 4096);
	probe_result_text(r, PROBE_F_STARTTLS, &sb);
	T_EQ_STR(sb.data, "STARTTLS not offered");
	sbuf_free(&sb);
	probe_result_free(r);
}

static void
t_starttls_refused(void)
{
	struct script s = { .banner = "220 mx ESMTP\r\n", .replies = {
	    "250-mx\r\n250 STARTTLS\r\n", "454 4.7.0 TLS not available\r\n",
	    "221 bye\r\n" } };
	struct probe_result *r = probe_script(&s, 2000);

	T_EQ_INT(r->stage, PROBE_STAGE_STARTTLS);
	T_EQ_INT(r->starttls.code, 454);
	T_CONTAINS(r->stop_why, "454");
	probe_result_free(r);
}

static void
t_injection(void)
{
	/* the 220 to STARTTLS comes with more plaintext: it is discarded
	 * and the handshake then fails (the server closes) */
	struct script s = { .banner = "220 mx ESMTP\r\n", .replies = {
	    "250-mx\r\n250 STARTTLS\r\n",
	    "220 go ahead\r\n250 injected\r\n" }, .close_after = 2 };
	struct probe_result *r = probe_script(&s, 500);

	T_EQ_INT(r->starttls.code, 220);
	T_EQ_INT(r->plaintext_after_starttls, 14);
	T_EQ_INT(r->handshake, PROBE_FAIL);
	T_EQ_INT(r->stage, PROBE_STAGE_HANDSHAKE);
	T_CHECK(r->tls_error[0] != '\0');
	/* the second connection gets no banner (the script serves one):
	 * the probe gives up instead of trying every version */
	T_EQ_INT(r->connections, 2);
	T_EQ_INT(r->versions[PROBE_TLS13], PROBE_VER_ERROR);
	T_EQ_INT(r->versions[PROBE_TLS10], PROBE_VER_ERROR);
	T_CONTAINS(r->version_error[PROBE_TLS10], "not tried");
	probe_result_free(r);
}

static void
t_ehlo_refused(void)
{
	struct script s = { .banner = "220 mx ESMTP\r\n", .replies = {
	    "502 5.5.1 no EHLO here\r\n", "250 mx\r\n", "221 bye\r\n" } };
	struct probe_result *r = probe_script(&s, 2000);

	T_EQ_INT(r->stage, PROBE_STAGE_EHLO);
	T_EQ_INT(r->used_helo, 1);
	T_CONTAINS(r->stop_why, "502");
	T_EQ_STR(r->not_tested, "");
	probe_result_free(r);
}

static void
t_handshake_stall(void)
{
	/* 220 to STARTTLS, then silence: could-not-test, not a failure */
	struct script s = { .banner = "220 mx ESMTP\r\n", .replies = {
	    "250-mx\r\n250 STARTTLS\r\n", "220 go ahead\r\n" } };
	struct probe_result *r = probe_script(&s, 300);

	T_EQ_INT(r->stage, PROBE_STAGE_HANDSHAKE);
	T_EQ_INT(r->handshake, PROBE_NOT_TESTED);
	T_CONTAINS(r->not_tested, "handshake: timeout");
	probe_result_free(r);
}

static void
t_malformed(void)
{
	struct script s = { .banner = "220-mx\r\n999 what\r\n" };
	struct probe_result *r = probe_script(&s, 2000);

	T_EQ_INT(r->stage, PROBE_STAGE_BANNER);
	T_CONTAINS(r->not_tested, "malformed");
	probe_result_free(r);
}

/* several probes at once from threads (H4 runs addresses in parallel) */
struct par {
	struct script	 s;
	struct probe_result *r;
	pthread_t	 th;
};

static void *
par_run(void *arg)
{
	struct par *p = arg;
	struct probe_req req;

	memset(&req, 0, sizeof(req));
	req.ip = "127.0.0.1";
	req.port = p->s.port;
	req.timeout_ms = 2000;
	req.enumerate = PROBE_ENUM_ALL;
	p->r = probe_run(&req);
	return NULL;
}

static void
t_threads(void)
{
	static const char *const banners[4] = { "220 a\r\n",
	    "421 4.3.2 b\r\n", "220 c\r\n", "554 5.7.1 d\r\n" };
	struct par p[4];
	int i;

	memset(p, 0, sizeof(p));
	for (i = 0; i < 4; i++) {
		p[i].s.banner = banners[i];
		p[i].s.replies[0] = "250-x\r\n250 SIZE 5\r\n";
		p[i].s.replies[1] = "221 bye\r\n";
		script_start(&p[i].s);
	}
	for (i = 0; i < 4; i++)
		pthread_create(&p[i].th, NULL, par_run, &p[i]);
	for (i = 0; i < 4; i++) {
		pthread_join(p[i].th, NULL);
		script_stop(&p[i].s);
	}
	T_EQ_INT(p[0].r->stage, PROBE_STAGE_STARTTLS);
	T_EQ_INT(p[0].r->ehlo_size, 5);
	T_EQ_INT(p[1].r->banner.code, 421);
	T_CONTAINS(p[1].r->not_tested, "421");
	T_EQ_INT(p[2].r->stage, PROBE_STAGE_STARTTLS);
	T_EQ_INT(p[3].r->banner.code, 554);
	T_EQ_STR(p[3].r->banner.text, "554 5.7.1 d");
	for (i = 0; i < 4; i++)
		probe_result_free(p[i].r);
}

/* --- driver mode --- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t
parse_tlsa(char *spec, struct probe_tlsa *t, unsigned char data[][128],
    size_t max)
{
	size_t n = 0;
	char *rec = spec, *semi;

	for (; rec != NULL && n < max; rec = semi ? semi + 1 : NULL) {
		unsigned u, s, m;
		char hex[300];
		size_t i, l;

		if ((semi = strchr(rec, ';')) != NULL)
			*semi = '\0';
		if (sscanf(rec, " %u %u %u %299s", &u, &s, &m, hex) != 4)
			continue;
		l = strlen(hex) / 2;
		if (l > 128)
			l = 128;
		for (i = 0; i < l; i++)
			data[n][i] = (unsigned char)(hexval(hex[2 * i]) * 16 +
			    hexval(hex[2 * i + 1]));
		t[n].usage = (uint8_t)u;
		t[n].selector = (uint8_t)s;
		t[n].mtype = (uint8_t)m;
		t[n].data = data[n];
		t[n].len = l;
		n++;
	}
	return n;
}

static int
driver(void)
{
	static const char *const fields[PROBE_NFIELDS] = { "connect",
	    "banner", "ehlo", "starttls", "handshake", "versions", "ciphers",
	    "groups", "chain", "trust", "expiry", "name", "key", "ocsp",
	    "dane" };
	static unsigned char data[8][128];
	struct probe_tlsa tlsa[8];
	struct probe_req req;
	struct probe_result *r;
	char tspec[2048];
	const char *e;
	size_t i;
	int f, v;

	memset(&req, 0, sizeof(req));
	req.ip = getenv("PROBE_IP");
	req.port = (e = getenv("PROBE_PORT")) ? (int)strtol(e, NULL, 10) : 25;
	req.mx_name = getenv("PROBE_MX");
	req.ca_file = getenv("PROBE_CA");
	req.timeout_ms = (e = getenv("PROBE_TIMEOUT_MS")) ?
	    (int)strtol(e, NULL, 10) : 5000;
	req.enumerate = (e = getenv("PROBE_ENUM")) && *e == '1' ?
	    PROBE_ENUM_ALL : 0;
	if ((e = getenv("PROBE_MAX_CONN")) != NULL)
		req.max_connections = (int)strtol(e, NULL, 10);
	if ((e = getenv("PROBE_TLSA")) != NULL) {
		str_copy(tspec, e, sizeof(tspec));
		req.ntlsa = parse_tlsa(tspec, tlsa, data, 8);
		req.tlsa = tlsa;
	}
	r = probe_run(&req);
	printf("stage=%s\n", probe_stage_name(r->stage));
	printf("conn=%s\n", probe_conn_name(r->conn));
	printf("not_tested=%s\n", r->not_tested);
	printf("stop_why=%s\n", r->stop_why);
	printf("banner_code=%d\n", r->banner.code);
	printf("starttls_offered=%d\n",
	    (r->ehlo_keys & PROBE_EHLO_STARTTLS) != 0);
	printf("handshake=%s\n", probe_state_name(r->handshake));
	printf("version=%s\ncipher=%s\ngroup=%s\n", r->version, r->cipher,
	    r->group);
	for (v = 0; v < PROBE_NVER; v++)
		printf("v.%s=%s\n", probe_ver_name((enum probe_ver)v),
		    probe_ver_state_name(r->versions[v]));
	printf("nciphers=%zu\nciphers_done=%d\n", r->nciphers,
	    r->ciphers_done);
	for (i = 0; i < r->nciphers; i++)
		printf("c=%s %s fs=%d anon=%d\n",
		    probe_ver_name(r->ciphers[i].version),
		    r->ciphers[i].name, r->ciphers[i].fs, r->ciphers[i].anon);
	printf("ngroups=%zu\n", r->ngroups);
	printf("trust=%s\nverify_code=%d\n", probe_state_name(r->trust),
	    r->verify_code);
	printf("leaf_expired=%d\n", r->leaf_expired);
	printf("name=%s\n", probe_state_name(r->name));
	printf("nchain=%zu\n", r->nchain);
	printf("ocsp=%s\n", probe_ocsp_name(r->ocsp));
	printf("dane=%s\n", probe_dane_state_name(r->dane_state));
	for (i = 0; i < r->ntlsa; i++)
		printf("dane.%zu=%s\n", i,
		    probe_dane_state_name(r->dane[i].state));
	printf("connections=%d\ntotal_ms=%d\n", r->connections, r->total_ms);
	for (f = 0; f < PROBE_NFIELDS; f++) {
		struct sbuf sb;

		sbuf_init(&sb, 16384);
		probe_result_text(r, (enum probe_field)f, &sb);
		printf("text.%s=%s\n", fields[f], sb.data ? sb.data : "");
		sbuf_free(&sb);
	}
	probe_result_free(r);
	return 0;
}

int test_main(void);
#define main test_main
T_MAIN(T_CASE(t_refused), T_CASE(t_421), T_CASE(t_tarpit),
    T_CASE(t_no_starttls), T_CASE(t_starttls_refused), T_CASE(t_injection),
    T_CASE(t_ehlo_refused), T_CASE(t_handshake_stall), T_CASE(t_malformed),
    T_CASE(t_threads))
#undef main

int main(void);

int
main(void)
{
	if (getenv("PROBE_IP") != NULL)
		return driver();
	return test_main();
}
