/* test_json: JSON string escaping, both policies for bytes that are not
 * UTF-8, and the UTF-8 validator's edge cases. */
#include <string.h>

#include "t.h"
#include "util/json.h"
#include "util/str.h"

static void
t_escape(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *latin1, *replace;
	} rows[] = {
		{ "", 0, "\"\"", "\"\"" },
		{ "plain", 5, "\"plain\"", "\"plain\"" },
		{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"" },
		{ "l1\r\nl2\t", 7, "\"l1\\r\\nl2\\t\"", "\"l1\\r\\nl2\\t\"" },
		{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"",
		  "\"\\u0001\\u001f\\u007f\"" },
		{ "nul\0x", 5, "\"nul\\u0000x\"", "\"nul\\u0000x\"" },
		/* valid UTF-8 passes: U+00A7, U+20AC, U+1F600 */
		{ "\xc2\xa7\xe2\x82\xac\xf0\x9f\x98\x80", 9,
		  "\"\xc2\xa7\xe2\x82\xac\xf0\x9f\x98\x80\"",
		  "\"\xc2\xa7\xe2\x82\xac\xf0\x9f\x98\x80\"" },
		/* a lone Latin-1 byte */
		{ "caf\xe9", 4, "\"caf\\u00e9\"", "\"caf\\ufffd\"" },
		/* overlong '/' */
		{ "\xc0\xaf", 2, "\"\\u00c0\\u00af\"", "\"\\ufffd\\ufffd\"" },
		/* a surrogate, U+D800 */
		{ "\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"",
		  "\"\\ufffd\\ufffd\\ufffd\"" },
		/* above U+10FFFF */
		{ "\xf4\x90\x80\x80", 4,
		  "\"\\u00f4\\u0090\\u0080\\u0080\"",
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		/* truncated at the end of the input */
		{ "\xe2\x82", 2, "\"\\u00e2\\u0082\"", "\"\\ufffd\\ufffd\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sbuf b;

		sbuf_init(&b, 4096);
		json_add_str(&b, rows[i].in, rows[i].len, JSON_BAD_LATIN1);
		T_EQ_STR(b.data, rows[i].latin1);
		sbuf_reset(&b);
		json_add_str(&b, rows[i].in, rows[i].len, JSON_BAD_REPLACE);
		T_EQ_STR(b.data, rows[i].replace);
		sbuf_free(&b);
	}
}

static void
t_utf8_len(void)
{
	T_EQ_INT(json_utf8_len((const unsigned char *)"a", 1), 1);
	T_EQ_INT(json_utf8_len((const unsigned char *)"\xc2\xa7", 2), 2);
	T_EQ_INT(json_utf8_len((const unsigned char *)"\xc2\xa7", 1), 0);
	T_EQ_INT(json_utf8_len((const unsigned char *)"\xe0\x9f\xbf", 3), 0);
	T_EQ_INT(json_utf8_len((const unsigned char *)"\xef\xbf\xbd", 3), 3);
	T_EQ_INT(json_utf8_len((const unsigned char *)"\xf5\x80\x80\x80",
	    4), 0);
	T_EQ_INT(json_utf8_len((const unsigned char *)"", 0), 0);
}

T_MAIN(T_CASE(t_escape), T_CASE(t_utf8_len))
