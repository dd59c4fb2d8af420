/* test_taglist: the tag=value field splitter (RFC 6376 §3.2, RFC 7489
 * §6.4, RFC 8461 §3.1, RFC 8460 §3), both syntaxes and white-space kinds. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "mail/taglist.h"

/* Every field as "[name](value)", octets outside 0x20-0x7e as \xHH; on an
 * error "ERR " and the message. */
static void
render(const char *in, size_t len, enum taglist_syntax syn,
    enum taglist_ws ws, char *out, size_t outsz)
{
	struct taglist_iter it;
	struct taglist_field f;
	char err[256];
	size_t o = 0, k;
	int r;

	out[0] = '\0';
	taglist_init(&it, in, len, syn, ws);
	while ((r = taglist_next(&it, &f, err, sizeof(err))) == 1) {
		const char *part[2] = { f.name, f.val };
		size_t plen[2] = { f.nlen, f.vlen }, p;

		/* name and value lie inside the field, the field inside in */
		T_CHECK(f.field >= in && f.field + f.flen <= in + len);
		T_CHECK(f.name == f.field);
		T_CHECK(f.val >= f.name + f.nlen &&
		    f.val + f.vlen == f.field + f.flen);
		for (p = 0; p < 2; p++) {
			o += (size_t)snprintf(out + o, outsz - o, "%c",
			    p == 0 ? '[' : '(');
			for (k = 0; k < plen[p] && o < outsz; k++) {
				unsigned char c = (unsigned char)part[p][k];

				o += (size_t)snprintf(out + o, outsz - o,
				    c < 0x20 || c > 0x7e ? "\\x%02x" : "%c",
				    c);
			}
			o += (size_t)snprintf(out + o, outsz - o, "%c",
			    p == 0 ? ']' : ')');
		}
		T_CHECK(o < outsz);
	}
	if (r < 0)
		snprintf(out + o, outsz - o, "ERR %s", err);
	else	/* the end stays the end */
		T_EQ_INT(taglist_next(&it, &f, err, sizeof(err)), 0);
}

#define S	TAGLIST_TAGS
#define F	TAGLIST_FIELDS
#define WSP	TAGLIST_WSP
#define FWS	TAGLIST_FWS

static void
t_table(void)
{
	/* syntax, white space, input, length (-1: strlen), fields */
	static const struct {
		enum taglist_syntax syn;
		enum taglist_ws ws;
		const char *in;
		int len;
		const char *want;
	} rows[] = {
		/* RFC 6376 tag-list (DKIM, DMARC) */
		{ S, FWS, "", -1, "" },
		{ S, FWS, "a=1", -1, "[a](1)" },
		{ S, FWS, "a=1;", -1, "[a](1)" },
		{ S, FWS, "a=1;;; b=2;", -1, "[a](1)[b](2)" },
		{ S, FWS, ";", -1, "" },
		{ S, FWS, " ; \t;\r\n", -1, "" },
		{ S, FWS, " a = 1 ; b =\r\n 2 ", -1, "[a](1)[b](2)" },
		{ S, FWS, "v=DKIM1;\r\n\tk=rsa;\r\n\tp=AB CD", -1,
		  "[v](DKIM1)[k](rsa)[p](AB CD)" },
		{ S, FWS, "a=", -1, "[a]()" },
		{ S, FWS, "a = ;b=1", -1, "[a]()[b](1)" },
		{ S, FWS, "a==b=c", -1, "[a](=b=c)" },
		{ S, FWS, "=1", -1, "[](1)" },
		{ S, FWS, " = ", -1, "[]()" },
		{ S, FWS, "a=1; b", -1, "[a](1)ERR 'b' is not tag=value" },
		{ S, FWS, "a=1; b c ;d=2", -1,
		  "[a](1)ERR 'b c' is not tag=value" },
		{ S, FWS, "a", -1, "ERR 'a' is not tag=value" },
		/* the same with WSP only: CR and LF are ordinary octets */
		{ S, WSP, "a=1;\r\nb=2", -1, "[a](1)[\\x0d\\x0ab](2)" },
		{ S, WSP, "a =\t1 ;\tb= 2", -1, "[a](1)[b](2)" },
		{ S, WSP, "a=1;\r\n", -1, "[a](1)ERR '\r\n' is not tag=value" },
		/* RFC 8461 / RFC 8460 fields (MTA-STS, TLS-RPT) */
		{ F, WSP, "", -1, "" },
		{ F, WSP, "v=STSv1; id=1;", -1, "[v](STSv1)[id](1)" },
		{ F, WSP, "v=STSv1;id=1", -1, "[v](STSv1)[id](1)" },
		{ F, WSP, "v=STSv1 ; id=1 ;\t ", -1, "[v](STSv1)[id](1)" },
		{ F, WSP, " \t", -1, "" },
		{ F, WSP, "v=STSv1;; id=1", -1, "[v](STSv1)ERR empty field" },
		{ F, WSP, "v=STSv1; ;", -1, "[v](STSv1)ERR empty field" },
		{ F, WSP, ";a=1", -1, "ERR empty field" },
		{ F, WSP, "v = 1", -1, "[v ]( 1)" },
		{ F, WSP, "a=", -1, "[a]()" },
		{ F, WSP, "a==", -1, "[a](=)" },
		{ F, WSP, "=1", -1, "ERR '=1' is not name=value" },
		{ F, WSP, "a=1; id", -1, "[a](1)ERR 'id' is not name=value" },
		{ F, WSP, "a=1;\r\n", -1,
		  "[a](1)ERR '\r\n' is not name=value" },
		{ F, FWS, "a=1;\r\n", -1, "[a](1)" },
		{ F, FWS, "a=1;\r\n;", -1, "[a](1)ERR empty field" },
		/* length bounds: nothing past len is read */
		{ S, FWS, "a=1;b=2", 3, "[a](1)" },
		{ S, FWS, "a=1;b=2", 5, "[a](1)ERR 'b' is not tag=value" },
		{ F, WSP, "a=1; ;b=2", 5, "[a](1)" },
		{ F, WSP, "a=1; ;b=2", 6, "[a](1)ERR empty field" },
		{ S, FWS, "a=\0;b=1", 7, "[a](\\x00)[b](1)" },
		{ F, WSP, "\0=\x80", 3, "[\\x00](\\x80)" },
		{ S, FWS, "xxxxxxxxxxyyyyyyyyyyxxxxxxxxxxyyyyyyyyyyzzzz", -1,
		  "ERR 'xxxxxxxxxxyyyyyyyyyyxxxxxxxxxxyyyyyyyyyy' is not "
		  "tag=value" },
		{ F, WSP, "a=1;xxxxxxxxxxyyyyyyyyyyxxxxxxxxxxyyyyyyyyy", -1,
		  "[a](1)ERR 'xxxxxxxxxxyyyyyyyyyyxxxxxxxxxxyyyyyyyyy' is not "
		  "name=value" },
	};
	char got[512];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = rows[i].len < 0 ? strlen(rows[i].in) :
		    (size_t)rows[i].len;

		render(rows[i].in, len, rows[i].syn, rows[i].ws, got,
		    sizeof(got));
		if (strcmp(got, rows[i].want) != 0)
			fprintf(stderr, "row %zu\n", i);
		T_EQ_STR(got, rows[i].want);
	}
}

static void
t_ws(void)
{
	static const struct { int c, wsp, fws; } rows[] = {
		{ ' ', 1, 1 }, { '\t', 1, 1 }, { '\r', 0, 1 }, { '\n', 0, 1 },
		{ '\v', 0, 0 }, { '\f', 0, 0 }, { 0, 0, 0 }, { 'a', 0, 0 },
		{ ';', 0, 0 }, { 0xa0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		T_EQ_INT(taglist_is_ws(TAGLIST_WSP, rows[i].c), rows[i].wsp);
		T_EQ_INT(taglist_is_ws(TAGLIST_FWS, rows[i].c), rows[i].fws);
	}
}

/* A long record: every field found, in order, none outside the buffer. */
static void
t_long(void)
{
	static char buf[8192];
	struct taglist_iter it;
	struct taglist_field f;
	char err[64];
	size_t len = 0, n = 0;
	int r;

	while (len + 16 < sizeof(buf)) {
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "t%zu = v%zu ;", n, n);
		n++;
	}
	T_CHECK(n > 500);
	taglist_init(&it, buf, len, TAGLIST_TAGS, TAGLIST_FWS);
	for (size_t k = 0; (r = taglist_next(&it, &f, err, sizeof(err))) == 1;
	    k++) {
		char want[32];

		snprintf(want, sizeof(want), "t%zu", k);
		T_EQ_INT(f.nlen, strlen(want));
		T_CHECK(strncmp(f.name, want, f.nlen) == 0);
		T_CHECK(f.val + f.vlen <= buf + len);
		n--;
	}
	T_EQ_INT(r, 0);
	T_EQ_INT(n, 0);
}

/* A short or absent error buffer: the message is cut, never overrun. */
static void
t_errbuf(void)
{
	struct taglist_iter it;
	struct taglist_field f;
	char err[8];

	memset(err, 'Q', sizeof(err));
	taglist_init(&it, "abcdefgh", 8, TAGLIST_TAGS, TAGLIST_FWS);
	T_EQ_INT(taglist_next(&it, &f, err, 5), -1);
	T_EQ_STR(err, "'abc");
	T_EQ_INT(err[5], 'Q');
	taglist_init(&it, ";;", 2, TAGLIST_FIELDS, TAGLIST_WSP);
	T_EQ_INT(taglist_next(&it, &f, NULL, 0), -1);
}

/* Items of one value: every separator ends an item, outer white space cut;
 * the rows show the items joined with '|'. */
static void
t_items(void)
{
	static const struct {
		const char *val;
		char sep;
		enum taglist_ws ws;
		const char *items;
	} rows[] = {
		{ "", ':', TAGLIST_FWS, "" },
		{ "rsa", ':', TAGLIST_FWS, "rsa" },
		{ "sha1:sha256", ':', TAGLIST_FWS, "sha1|sha256" },
		{ " sha1 :\r\n sha256 ", ':', TAGLIST_FWS, "sha1|sha256" },
		{ " a :\r\n b ", ':', TAGLIST_WSP, "a|\r\n b" },
		{ "a:", ':', TAGLIST_FWS, "a|" },
		{ ":", ':', TAGLIST_FWS, "|" },
		{ "a,,b", ',', TAGLIST_FWS, "a||b" },
		{ "mailto:a@x, mailto:b@y", ',', TAGLIST_FWS,
		  "mailto:a@x|mailto:b@y" },
		{ "mailto:a@x", ',', TAGLIST_FWS, "mailto:a@x" },
		{ "   ", ',', TAGLIST_FWS, "" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct taglist_items it;
		const char *w;
		size_t n, count = 0;
		char got[256] = "";
		size_t gl = 0;

		taglist_items_init(&it, rows[i].val, strlen(rows[i].val),
		    rows[i].sep, rows[i].ws);
		while (taglist_items_next(&it, &w, &n) && count < 16) {
			if (count++ && gl < sizeof(got) - 1)
				got[gl++] = '|';
			if (gl + n < sizeof(got)) {
				memcpy(got + gl, w, n);
				gl += n;
			}
			got[gl] = '\0';
		}
		T_EQ_STR(got, rows[i].items);
		/* finished iterators stay finished */
		T_EQ_INT(taglist_items_next(&it, &w, &n), 0);
	}
}

T_MAIN(T_CASE(t_items), T_CASE(t_table), T_CASE(t_ws), T_CASE(t_long), T_CASE(t_errbuf))
