/* json: escaping of JSON string literals, with a UTF-8 validator.
 * Touches: nothing; pure (appends to a buffer). */
#include <stddef.h>

#include "util/json.h"
#include "util/str.h"

size_t
json_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c;
	size_t l, i;
	unsigned long cp;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		l = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		l = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		l = 4, cp = c & 0x07;
	else
		return 0;
	if (n < l)
		return 0;
	for (i = 1; i < l; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((l == 3 && cp < 0x800) || (l == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return l;
}

void
json_add_str(struct sbuf *b, const char *s, size_t len, enum json_bad bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	sbuf_add(b, "\"", 1);
	while (i < len) {
		unsigned char c = p[i];

		switch (c) {
		case '"': sbuf_adds(b, "\\\""); i++; continue;
		case '\\': sbuf_adds(b, "\\\\"); i++; continue;
		case '\n': sbuf_adds(b, "\\n"); i++; continue;
		case '\r': sbuf_adds(b, "\\r"); i++; continue;
		case '\t': sbuf_adds(b, "\\t"); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			sbuf_addf(b, "\\u%04x", c);
			i++;
			continue;
		}
		if ((l = json_utf8_len(p + i, len - i)) == 0) {
			if (bad == JSON_BAD_REPLACE)
				sbuf_adds(b, "\\ufffd");
			else
				sbuf_addf(b, "\\u%04x", c);
			i++;
			continue;
		}
		sbuf_add(b, p + i, l);
		i += l;
	}
	sbuf_add(b, "\"", 1);
}
