/* test_smtp_parse: the SMTP command and parameter parsers (tables), the
 * acceptance rule, and address parsing. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "t.h"
#include "mail/smtp_parse.h"
#include "policy/accept.h"
#include "util/addr.h"

static void
t_cmd(void)
{
	static const struct {
		const char *in;
		enum smtp_verb verb;
		const char *arg;	/* NULL: error expected */
		const char *err;
	} rows[] = {
		{ "EHLO mx.example", SMTP_V_EHLO, "mx.example", NULL },
		{ "ehlo   mx.example  ", SMTP_V_EHLO, "mx.example", NULL },
		{ "HELO x", SMTP_V_HELO, "x", NULL },
		{ "MAIL FROM:<a@b>", SMTP_V_MAIL, "FROM:<a@b>", NULL },
		{ "rcpt to:<a@b>", SMTP_V_RCPT, "to:<a@b>", NULL },
		{ "DATA", SMTP_V_DATA, "", NULL },
		{ "BDAT 10 LAST", SMTP_V_BDAT, "10 LAST", NULL },
		{ "StartTLS", SMTP_V_STARTTLS, "", NULL },
		{ "QUIT", SMTP_V_QUIT, "", NULL },
		{ "VRFY root", SMTP_V_VRFY, "root", NULL },
		{ "NOOP", SMTP_V_NOOP, "", NULL },
		{ "RSET", SMTP_V_RSET, "", NULL },
		{ "", SMTP_V_UNKNOWN, NULL, "Empty command" },
		{ " EHLO x", SMTP_V_UNKNOWN, NULL, "Empty command" },
		{ "EHLOX x", SMTP_V_UNKNOWN, NULL, "unrecognized" },
		{ "MAILFROM:<a@b>", SMTP_V_UNKNOWN, NULL, "unrecognized" },
		{ "GET / HTTP/1.0", SMTP_V_UNKNOWN, NULL, "unrecognized" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct smtp_cmd c;
		const char *err = NULL;
		int r = smtp_parse_cmd(rows[i].in, strlen(rows[i].in), &c,
		    &err);

		if (rows[i].arg == NULL) {
			T_EQ_INT(r, -1);
			T_CONTAINS(err, rows[i].err);
			continue;
		}
		T_EQ_INT(r, 0);
		T_EQ_INT(c.verb, rows[i].verb);
		T_EQ_INT(c.arglen, strlen(rows[i].arg));
		T_CHECK(strncmp(c.arg, rows[i].arg, c.arglen) == 0);
	}
	{	/* a NUL inside is refused */
		struct smtp_cmd c;
		const char *err;

		T_EQ_INT(smtp_parse_cmd("NOOP\0x", 6, &c, &err), -1);
		T_CONTAINS(err, "NUL");
	}
}

static void
t_mail(void)
{
	static const struct {
		const char *in;
		int code;		/* 0: ok */
		const char *path;
		int has_size;
		unsigned long long size;
		int body, utf8, reqtls;
	} rows[] = {
		{ "FROM:<a@b.example>", 0, "a@b.example", 0, 0, 0, 0, 0 },
		{ "from:<>", 0, "", 0, 0, 0, 0, 0 },
		{ "FROM: <a@b.example>", 0, "a@b.example", 0, 0, 0, 0, 0 },
		{ "FROM:<a@b.example> SIZE=1000", 0, "a@b.example", 1, 1000,
		  0, 0, 0 },
		{ "FROM:<a@b> BODY=8BITMIME SMTPUTF8 REQUIRETLS", 0, "a@b", 0,
		  0, SMTP_BODY_8BITMIME, 1, 1 },
		{ "FROM:<a@b> body=7bit", 0, "a@b", 0, 0, SMTP_BODY_7BIT, 0,
		  0 },
		{ "FROM:<@r1,@r2:a@b>", 0, "a@b", 0, 0, 0, 0, 0 },
		{ "FROM:<\"a b\"@c.example>", 0, "\"a b\"@c.example", 0, 0,
		  0, 0, 0 },
		{ "FROM:<a@[192.0.2.1]>", 0, "a@[192.0.2.1]", 0, 0, 0, 0, 0 },
		{ "FROM:<j\xc3\xb6rg@b.example> SMTPUTF8", 0,
		  "j\xc3\xb6rg@b.example", 0, 0, 0, 1, 0 },
		{ "FROM:<j\xc3\xb6rg@b.example>", 553, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<a@b> SIZE=20000000", 552, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<a@b> SIZE=x", 501, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<a@b> SIZE=", 501, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<a@b> BODY=BINARYMIME", 555, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<a@b> AUTH=<>", 555, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:a@b", 501, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<a@b", 501, NULL, 0, 0, 0, 0, 0 },
		{ "TO:<a@b>", 501, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<a@b>x", 501, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<a b@c>", 501, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<a@b..c>", 501, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<@b>", 501, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<a@>", 501, NULL, 0, 0, 0, 0, 0 },
		{ "FROM:<\"unterminated@b>", 501, NULL, 0, 0, 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct smtp_mail m;
		const char *err = NULL;
		int code = -7;
		int r = smtp_parse_mail(rows[i].in, strlen(rows[i].in),
		    10000000, &m, &code, &err);

		if (rows[i].code) {
			if (r != -1 || code != rows[i].code)
				fprintf(stderr, "row %zu: %s\n", i,
				    rows[i].in);
			T_EQ_INT(r, -1);
			T_EQ_INT(code, rows[i].code);
			T_CHECK(err != NULL);
			continue;
		}
		if (r != 0)
			fprintf(stderr, "row %zu: %s: %s\n", i, rows[i].in,
			    err);
		T_EQ_INT(r, 0);
		T_EQ_STR(m.path, rows[i].path);
		T_EQ_INT(m.has_size, rows[i].has_size);
		T_EQ_INT(m.size, rows[i].size);
		T_EQ_INT(m.body, rows[i].body);
		T_EQ_INT(m.smtputf8, rows[i].utf8);
		T_EQ_INT(m.requiretls, rows[i].reqtls);
	}
	{	/* a path over 256 octets */
		char big[400];
		struct smtp_mail m;
		const char *err;
		int code;

		memset(big, 'a', sizeof(big));
		memcpy(big, "FROM:<", 6);
		memcpy(big + 300, "@b>", 4);
		T_EQ_INT(smtp_parse_mail(big, strlen(big), 0, &m, &code,
		    &err), -1);
		T_CONTAINS(err, "too long");
	}
}

static void
t_rcpt(void)
{
	static const struct {
		const char *in;
		int code;
		const char *path, *domain;
		int postmaster;
	} rows[] = {
		{ "TO:<u@et.echomx.test>", 0, "u@et.echomx.test",
		  "et.echomx.test", 0 },
		{ "to: <U@UT.echomx.test>", 0, "U@UT.echomx.test",
		  "UT.echomx.test", 0 },
		{ "TO:<Postmaster>", 0, "Postmaster", "", 1 },
		{ "TO:<>", 501, NULL, NULL, 0 },
		{ "TO:<user>", 501, NULL, NULL, 0 },
		{ "TO:<u@b> NOTIFY=NEVER", 555, NULL, NULL, 0 },
		{ "FROM:<u@b>", 501, NULL, NULL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct smtp_rcpt r;
		const char *err = NULL;
		int code = -7;
		int rc = smtp_parse_rcpt(rows[i].in, strlen(rows[i].in), &r,
		    &code, &err);

		if (rows[i].code) {
			T_EQ_INT(rc, -1);
			T_EQ_INT(code, rows[i].code);
			continue;
		}
		T_EQ_INT(rc, 0);
		T_EQ_STR(r.path, rows[i].path);
		T_EQ_STR(smtp_path_domain(r.path), rows[i].domain);
		T_EQ_INT(r.postmaster, rows[i].postmaster);
	}
}

static void
t_bdat(void)
{
	static const struct {
		const char *in;
		int ok;
		unsigned long long size;
		int last;
	} rows[] = {
		{ "100", 1, 100, 0 },
		{ "0 LAST", 1, 0, 1 },
		{ "65536 last", 1, 65536, 1 },
		{ "", 0, 0, 0 },
		{ "LAST", 0, 0, 0 },
		{ "10 FIRST", 0, 0, 0 },
		{ "10LAST", 0, 0, 0 },
		{ "-1", 0, 0, 0 },
		{ "99999999999999999999999", 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t size;
		int last;
		const char *err;
		int r = smtp_parse_bdat(rows[i].in, strlen(rows[i].in), &size,
		    &last, &err);

		T_EQ_INT(r, rows[i].ok ? 0 : -1);
		if (rows[i].ok) {
			T_EQ_INT(size, rows[i].size);
			T_EQ_INT(last, rows[i].last);
		}
	}
}

static void
t_helo(void)
{
	char out[16];
	const char *err;

	T_EQ_INT(smtp_parse_helo("mx.example", 10, out, sizeof(out), &err), 0);
	T_EQ_STR(out, "mx.example");
	T_EQ_INT(smtp_parse_helo("", 0, out, sizeof(out), &err), -1);
	T_EQ_INT(smtp_parse_helo("a\x01z", 3, out, sizeof(out), &err), -1);
	T_EQ_INT(smtp_parse_helo("averyveryverylongname.example", 29, out,
	    sizeof(out), &err), 0);
	T_EQ_INT(strlen(out), 15);
}

static void
t_accept(void)
{
	static const struct {
		enum accept_rule rule;
		int tls;
		double now, window_end;
		enum accept_verdict v;
		const char *why;
	} rows[] = {
		{ ACCEPT_RULE_ALL, 0, 10, 100, ACCEPT_YES, "accept-all" },
		{ ACCEPT_RULE_NEVER, 1, 200, 100, ACCEPT_NO, "4.7.0" },
		{ ACCEPT_RULE_TLS_AFTER_WINDOW, 1, 10, 100, ACCEPT_NO,
		  "downgrade window" },
		{ ACCEPT_RULE_TLS_AFTER_WINDOW, 0, 200, 100, ACCEPT_NO,
		  "STARTTLS" },
		{ ACCEPT_RULE_TLS_AFTER_WINDOW, 1, 200, 100, ACCEPT_YES,
		  "tls-after-window" },
	};
	size_t i;
	enum accept_rule r;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct accept_input in;
		const char *why = NULL;

		memset(&in, 0, sizeof(in));
		in.rule = rows[i].rule;
		in.tls = rows[i].tls;
		in.now = rows[i].now;
		in.window_end = rows[i].window_end;
		T_EQ_INT(accept_decide(&in, &why), rows[i].v);
		T_CONTAINS(why, rows[i].why);
	}
	T_EQ_INT(accept_rule_parse("all", &r), 0);
	T_EQ_INT(r, ACCEPT_RULE_ALL);
	T_EQ_INT(accept_rule_parse("sometimes", &r), -1);
}

static void
t_addr(void)
{
	static const struct { const char *in; int ok; const char *host;
	    int port; } rows[] = {
		{ "127.0.0.1:25", 1, "127.0.0.1", 25 },
		{ "[::1]:2525", 1, "::1", 2525 },
		{ "0.0.0.0:0", 1, "0.0.0.0", 0 },
		{ "127.0.0.1", 0, NULL, 0 },
		{ "::1:25", 0, NULL, 0 },
		{ "[::1]25", 0, NULL, 0 },
		{ "host.example:25", 0, NULL, 0 },
		{ "127.0.0.1:65536", 0, NULL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sockaddr_storage ss;
		socklen_t sl;
		char host[ADDR_STRLEN];
		int port;

		T_EQ_INT(addr_parse(rows[i].in, &ss, &sl), rows[i].ok ? 0 : -1);
		if (!rows[i].ok)
			continue;
		addr_format((struct sockaddr *)&ss, host, sizeof(host), &port);
		T_EQ_STR(host, rows[i].host);
		T_EQ_INT(port, rows[i].port);
	}
}

T_MAIN(T_CASE(t_cmd), T_CASE(t_mail), T_CASE(t_rcpt), T_CASE(t_bdat),
    T_CASE(t_helo), T_CASE(t_accept), T_CASE(t_addr))
