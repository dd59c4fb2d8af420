/* test_report: JSON and text escaping of hostile strings, and the JSON
 * document's shape on canned findings. */
#include <stdlib.h>

#include "report/render.h"
#include "util/str.h"
#include "t.h"

static void
test_json_escape(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} rows[] = {
		{ "plain", 5, "\"plain\"" },
		{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
		{ "l1\r\nl2\t", 7, "\"l1\\r\\nl2\\t\"" },
		{ "\033[31mred", 8, "\"\\u001b[31mred\"" },
		{ "nul\0x", 5, "\"nul\\u0000x\"" },
		{ "del\x7f", 4, "\"del\\u007f\"" },
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },	/* UTF-8 */
		{ "bad\xff", 4, "\"bad\\u00ff\"" },		/* invalid */
		{ "\xc3", 1, "\"\\u00c3\"" },			/* truncated */
		{ "\xc0\xaf", 2, "\"\\u00c0\\u00af\"" },	/* overlong */
		{ "\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"" }, /* surr. */
		{ "\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"" },
	};
	struct sbuf b;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sbuf_init(&b, 1024);
		render_json_str(&b, rows[i].in, rows[i].len);
		T_EQ_STR(b.data, rows[i].out);
		sbuf_free(&b);
	}
}

static void
test_text_escape(void)
{
	struct sbuf b;

	sbuf_init(&b, 1024);
	render_text_esc(&b, "220 ok\033]0;pwn\007\\", 0);
	T_EQ_STR(b.data, "220 ok\\x1b]0;pwn\\x07\\\\");
	sbuf_reset(&b);
	render_text_esc(&b, "250-a\n250 b\xff", 1);
	T_EQ_STR(b.data, "250-a\n        250 b\\xff");
	sbuf_free(&b);
}

static void
test_json_document(void)
{
	struct check_result *r = check_result_new("x.test");
	struct score_table t;
	struct score_result s;
	struct sbuf b, err;

	sbuf_init(&err, 256);
	T_EQ_INT(score_parse(score_builtin_text, strlen(score_builtin_text),
	    "b", &t, &err), 0);
	check_add(r, "smtp.connect", "mx.x.test 192.0.2.1", CHECK_CNT,
	    "421 \"busy\"\r\n\033x");
	check_add(r, "smtp.starttls", "mx.x.test 192.0.2.1", CHECK_FAIL,
	    "not offered");
	score_compute(&t, r, &s);
	sbuf_init(&b, 65536);
	render_json(&b, r, &s, &t);
	T_CONTAINS(b.data, "\"schema\": \"echomx-check/1\"");
	T_CONTAINS(b.data, "\"domain\": \"x.test\"");
	T_CONTAINS(b.data, "\"colour\": \"red\"");
	T_CONTAINS(b.data, "\"confidentiality\": {\"score\": 0");
	T_CONTAINS(b.data, "\"status\": \"could-not-test\"");
	T_CONTAINS(b.data, "421 \\\"busy\\\"\\r\\n\\u001bx");
	T_CHECK(strchr(b.data, '\033') == NULL);
	/* a fix is given for a failure, none for could-not-test */
	T_CONTAINS(b.data, "\"fix\": \"Enable STARTTLS");
	T_CONTAINS(b.data, "\"fix\": \"\", \"rfc\": \"RFC 5321");
	sbuf_reset(&b);
	render_text(&b, r, &s, 0);
	T_CONTAINS(b.data, "Verdict: red");
	T_CHECK(strchr(b.data, '\033') == NULL);
	sbuf_free(&b);
	sbuf_free(&err);
	check_result_free(r);
}

T_MAIN(T_CASE(test_json_escape), T_CASE(test_text_escape),
    T_CASE(test_json_document))
