/* smtpd_tlsclient: a small load client for bench/smtpd: THREADS parallel
 * sessions, each EHLO, STARTTLS, handshake, EHLO, MAIL, RCPT, DATA, QUIT,
 * until COUNT messages were sent. Prints "sessions ok failed seconds".
 * Loopback only; bounded by COUNT and a 120 s deadline. Built by
 * bench/smtpd with: cc -O2 -o X smtpd_tlsclient.c -lssl -lcrypto -lpthread
 * Usage: smtpd_tlsclient HOST PORT THREADS COUNT RCPT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *host, *rcpt;
static int port;
static atomic_int left, ok, failed;
static SSL_CTX *ctx;
static double deadline;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read one reply (multi-line aware); returns its code or -1. */
static int
reply(int fd, SSL *ssl)
{
	char buf[4096];
	size_t len = 0;

	for (;;) {
		int n;
		char *line = buf, *nl;

		n = ssl ? SSL_read(ssl, buf + len,
		    (int)(sizeof(buf) - len - 1)) :
		    (int)read(fd, buf + len, sizeof(buf) - len - 1);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		/* find the last complete line */
		while ((nl = strstr(line, "\r\n")) != NULL) {
			if (nl - line >= 4 && line[3] == ' ')
				return (int)strtol(line, NULL, 10);
			line = nl + 2;
		}
		if (len >= sizeof(buf) - 1)
			return -1;
	}
}

static int
say(int fd, SSL *ssl, const char *s)
{
	size_t n = strlen(s);

	return ssl ? SSL_write(ssl, s, (int)n) == (int)n :
	    write(fd, s, n) == (ssize_t)n;
}

static int
session(void)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0), r = 0;
	SSL *ssl = NULL;
	char buf[512];

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, host, &sin.sin_addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto out;
	if (reply(fd, NULL) != 220 || !say(fd, NULL, "EHLO bench.example\r\n")
	    || reply(fd, NULL) != 250 || !say(fd, NULL, "STARTTLS\r\n") ||
	    reply(fd, NULL) != 220)
		goto out;
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	SSL_set_tlsext_host_name(ssl, "mx06.et.echomx.test");
	if (SSL_connect(ssl) != 1)
		goto out;
	snprintf(buf, sizeof(buf), "RCPT TO:<%s>\r\n", rcpt);
	if (!say(fd, ssl, "EHLO bench.example\r\n") || reply(fd, ssl) != 250 ||
	    !say(fd, ssl, "MAIL FROM:<bench@sender.example>\r\n") ||
	    reply(fd, ssl) != 250 || !say(fd, ssl, buf) ||
	    reply(fd, ssl) != 250 || !say(fd, ssl, "DATA\r\n") ||
	    reply(fd, ssl) != 354 ||
	    !say(fd, ssl, "Subject: bench\r\n\r\nA benchmark message.\r\n.\r\n")
	    || reply(fd, ssl) != 250)
		goto out;
	say(fd, ssl, "QUIT\r\n");
	reply(fd, ssl);
	r = 1;
out:
	if (ssl) {
		SSL_free(ssl);
	}
	close(fd);
	return r;
}

static void *
worker(void *arg)
{
	(void)arg;
	while (atomic_fetch_sub(&left, 1) > 0 && now() < deadline) {
		if (session())
			atomic_fetch_add(&ok, 1);
		else
			atomic_fetch_add(&failed, 1);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t th[256];
	int n, i;
	double t0;

	if (argc != 6)
		return 2;
	host = argv[1];
	port = (int)strtol(argv[2], NULL, 10);
	n = (int)strtol(argv[3], NULL, 10);
	left = (int)strtol(argv[4], NULL, 10);
	rcpt = argv[5];
	if (n < 1 || n > 256)
		return 2;
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	t0 = now();
	deadline = t0 + 120;
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("%d %d %d %.3f\n", ok + failed, ok, failed, now() - t0);
	return failed ? 1 : 0;
}
