/* test_probe_reply: the probe's SMTP reply parser and EHLO keywords. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "tls/probe_reply.h"

static void
t_parse(void)
{
	static const struct {
		const char	*in;
		long		 ret;	/* -1 error, 0 need more, >0 used */
		int		 code;
		size_t		 nlines;
		const char	*text;
		const char	*err;
	} rows[] = {
		{ "220 mx.example ESMTP\r\n", 22, 220, 1,
		  "220 mx.example ESMTP", NULL },
		{ "220 ok\n", 7, 220, 1, "220 ok", NULL },
		{ "250\r\n", 5, 250, 1, "250", NULL },
		{ "250-a\r\n250-b\r\n250 c\r\nQUIT", 21, 250, 3,
		  "250-a\n250-b\n250 c", NULL },
		{ "421 4.3.2 busy\r\n", 16, 421, 1, "421 4.3.2 busy", NULL },
		{ "250-a\r\n", 0, 0, 0, NULL, NULL },
		{ "250 partial", 0, 0, 0, NULL, NULL },
		{ "", 0, 0, 0, NULL, NULL },
		{ "250-a\r\n251 b\r\n", -1, 0, 0, NULL,
		  "reply lines with different codes" },
		{ "25 x\r\n", -1, 0, 0, NULL,
		  "reply line does not start with a 3-digit code" },
		{ "abc\r\n", -1, 0, 0, NULL,
		  "reply line does not start with a 3-digit code" },
		{ "250x\r\n", -1, 0, 0, NULL,
		  "reply code not followed by space or hyphen" },
		{ "650 x\r\n", -1, 0, 0, NULL, "reply code out of range" },
		{ "160 x\r\n", -1, 0, 0, NULL, "reply code out of range" },
		{ "\r\n", -1, 0, 0, NULL,
		  "reply line does not start with a 3-digit code" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct probe_reply r;
		const char *err = NULL;
		long n = probe_reply_parse(rows[i].in, strlen(rows[i].in),
		    &r, &err);

		T_EQ_INT(n, rows[i].ret);
		if (n > 0) {
			T_EQ_INT(r.code, rows[i].code);
			T_EQ_INT(r.nlines, rows[i].nlines);
			T_EQ_STR(r.text, rows[i].text);
		}
		if (rows[i].err)
			T_EQ_STR(err, rows[i].err);
		else
			T_CHECK(err == NULL);
	}
}

static void
t_bounds(void)
{
	char buf[PROBE_REPLY_LINE_MAX * 2 + 64];
	struct probe_reply r;
	const char *err;
	size_t i, off;
	long n;

	/* a line of exactly 512 octets with CRLF is fine */
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "250 ", 4);
	memcpy(buf + PROBE_REPLY_LINE_MAX - 2, "\r\n", 2);
	n = probe_reply_parse(buf, PROBE_REPLY_LINE_MAX, &r, &err);
	T_EQ_INT(n, PROBE_REPLY_LINE_MAX);
	/* 513 without a line end: too long, even before more arrives */
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "250 ", 4);
	n = probe_reply_parse(buf, PROBE_REPLY_LINE_MAX, &r, &err);
	T_EQ_INT(n, -1);
	T_EQ_STR(err, "reply line too long");
	n = probe_reply_parse(buf, PROBE_REPLY_LINE_MAX - 1, &r, &err);
	T_EQ_INT(n, 0);
	/* too many lines */
	off = 0;
	for (i = 0; i < PROBE_REPLY_LINES_MAX + 1; i++) {
		memcpy(buf + off, "250-x\r\n", 7);
		off += 7;
		if (off + 8 > sizeof(buf))
			break;
	}
	memcpy(buf + off, "250 y\r\n", 7);
	off += 7;
	n = probe_reply_parse(buf, off, &r, &err);
	T_EQ_INT(n, -1);
	/* NUL */
	n = probe_reply_parse("250 a\0b\r\n", 9, &r, &err);
	T_EQ_INT(n, -1);
	T_EQ_STR(err, "NUL in reply");
}

static void
t_truncated_text(void)
{
	static char buf[PROBE_REPLY_LINES_MAX * 500];
	struct probe_reply r;
	size_t off = 0, i;
	long n;

	for (i = 0; i < 20; i++) {
		memcpy(buf + off, "250-", 4);
		memset(buf + off + 4, 'a', 400);
		memcpy(buf + off + 404, "\r\n", 2);
		off += 406;
	}
	memcpy(buf + off, "250 end\r\n", 9);
	off += 9;
	n = probe_reply_parse(buf, off, &r, NULL);
	T_EQ_INT(n, (long)off);
	T_EQ_INT(r.truncated, 1);
	T_EQ_INT(r.textlen, PROBE_REPLY_TEXT_MAX - 1);
	T_EQ_INT(strlen(r.text), PROBE_REPLY_TEXT_MAX - 1);
}

static void
t_ehlo(void)
{
	static const struct {
		const char	*in;
		unsigned	 bits;
		uint64_t	 size;
		const char	*names;
	} rows[] = {
		{ "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
		  "250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n"
		  "250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n",
		  PROBE_EHLO_PIPELINING | PROBE_EHLO_SIZE |
		  PROBE_EHLO_STARTTLS | PROBE_EHLO_ENHANCEDSTATUSCODES |
		  PROBE_EHLO_8BITMIME | PROBE_EHLO_DSN | PROBE_EHLO_SMTPUTF8 |
		  PROBE_EHLO_CHUNKING, 10240000,
		  "STARTTLS,SIZE,PIPELINING,8BITMIME,SMTPUTF8,CHUNKING,DSN,"
		  "ENHANCEDSTATUSCODES" },
		/* greeting line is not a keyword */
		{ "250 STARTTLS\r\n", 0, 0, "" },
		{ "250-x\r\n250 starttls\r\n", PROBE_EHLO_STARTTLS, 0,
		  "STARTTLS" },
		{ "250-x\r\n250-REQUIRETLS\r\n250 SIZE\r\n",
		  PROBE_EHLO_REQUIRETLS | PROBE_EHLO_SIZE, 0,
		  "REQUIRETLS,SIZE" },
		{ "250-x\r\n250 SIZE 12x\r\n", PROBE_EHLO_SIZE, 0, "SIZE" },
		{ "250-x\r\n250 STARTTLSX\r\n", 0, 0, "" },
		{ "250-x\r\n250 XSTARTTLS\r\n", 0, 0, "" },
		{ "502-x\r\n502 STARTTLS\r\n", 0, 0, "" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct probe_reply r;
		uint64_t size = 99;
		char names[256];
		long n;

		n = probe_reply_parse(rows[i].in, strlen(rows[i].in), &r,
		    NULL);
		T_CHECK(n > 0);
		T_EQ_INT(probe_reply_ehlo(&r, &size), rows[i].bits);
		T_EQ_INT(size, rows[i].size);
		probe_reply_ehlo_names(rows[i].bits, names, sizeof(names));
		T_EQ_STR(names, rows[i].names);
	}
}

T_MAIN(T_CASE(t_parse), T_CASE(t_bounds), T_CASE(t_truncated_text),
    T_CASE(t_ehlo))
