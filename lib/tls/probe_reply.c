/* probe_reply: pure SMTP reply parser for the probe's client side
 * (RFC 5321 §4.2), and EHLO keyword extraction. Touches: nothing (no I/O,
 * no OpenSSL). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tls/probe_reply.h"
#include "util/str.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void
text_add(struct probe_reply *r, const char *s, size_t n)
{
	size_t room = sizeof(r->text) - 1 - r->textlen;

	if (n > room) {
		n = room;
		r->truncated = 1;
	}
	memcpy(r->text + r->textlen, s, n);
	r->textlen += n;
	r->text[r->textlen] = '\0';
}

long
probe_reply_parse(const char *buf, size_t len, struct probe_reply *r,
    const char **err)
{
	size_t off = 0;
	const char *dummy;

	if (err == NULL)
		err = &dummy;
	*err = NULL;
	memset(r, 0, sizeof(*r));
	for (;;) {
		const char *line = buf + off, *lf;
		size_t avail = len - off, ll, scan;
		int code, last;

		scan = avail < PROBE_REPLY_LINE_MAX ? avail :
		    PROBE_REPLY_LINE_MAX;
		lf = memchr(line, '\n', scan);
		if (memchr(line, '\0', lf ? (size_t)(lf - line) : scan)) {
			*err = "NUL in reply";
			return -1;
		}
		if (lf == NULL) {
			if (avail >= PROBE_REPLY_LINE_MAX) {
				*err = "reply line too long";
				return -1;
			}
			return 0;	/* need more */
		}
		ll = (size_t)(lf - line);	/* without LF */
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll < 3 || !is_digit(line[0]) || !is_digit(line[1]) ||
		    !is_digit(line[2])) {
			*err = "reply line does not start with a 3-digit code";
			return -1;
		}
		if (line[0] < '2' || line[0] > '5' || line[1] > '5') {
			*err = "reply code out of range";
			return -1;
		}
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		if (ll == 3 || line[3] == ' ')
			last = 1;
		else if (line[3] == '-')
			last = 0;
		else {
			*err = "reply code not followed by space or hyphen";
			return -1;
		}
		if (r->nlines == 0)
			r->code = code;
		else if (code != r->code) {
			*err = "reply lines with different codes";
			return -1;
		}
		if (++r->nlines > PROBE_REPLY_LINES_MAX) {
			*err = "too many reply lines";
			return -1;
		}
		if (r->nlines > 1)
			text_add(r, "\n", 1);
		text_add(r, line, ll);
		off += (size_t)(lf - line) + 1;
		if (last)
			return (long)off;
	}
}

static const struct {
	const char	*name;
	unsigned	 bit;
} ehlo_keys[] = {
	{ "STARTTLS", PROBE_EHLO_STARTTLS },
	{ "REQUIRETLS", PROBE_EHLO_REQUIRETLS },
	{ "SIZE", PROBE_EHLO_SIZE },
	{ "PIPELINING", PROBE_EHLO_PIPELINING },
	{ "8BITMIME", PROBE_EHLO_8BITMIME },
	{ "SMTPUTF8", PROBE_EHLO_SMTPUTF8 },
	{ "CHUNKING", PROBE_EHLO_CHUNKING },
	{ "DSN", PROBE_EHLO_DSN },
	{ "ENHANCEDSTATUSCODES", PROBE_EHLO_ENHANCEDSTATUSCODES },
};

unsigned
probe_reply_ehlo(const struct probe_reply *r, uint64_t *size)
{
	const char *p = r->text, *end = r->text + r->textlen;
	unsigned bits = 0;
	size_t lineno = 0, i;

	if (size != NULL)
		*size = 0;
	if (r->code != 250)
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *kw, *ke;

		/* the first line is the greeting, not a keyword
		 * (RFC 5321 §4.1.1.1) */
		if (lineno++ > 0 && le - p > 4) {
			kw = p + 4;
			ke = kw;
			while (ke < le && *ke != ' ')
				ke++;
			for (i = 0; i < sizeof(ehlo_keys) /
			    sizeof(ehlo_keys[0]); i++) {
				size_t kl = strlen(ehlo_keys[i].name);

				if ((size_t)(ke - kw) == kl &&
				    str_casecmp_n(kw, ehlo_keys[i].name,
				    kl) == 0)
					bits |= ehlo_keys[i].bit;
			}
			if (size != NULL && ke - kw == 4 &&
			    str_casecmp_n(kw, "SIZE", 4) == 0) {
				uint64_t v = 0;
				const char *q = ke;
				int digits = 0;

				while (q < le && *q == ' ')
					q++;
				while (q < le && is_digit(*q) &&
				    v < UINT64_MAX / 10 - 10) {
					v = v * 10 + (uint64_t)(*q - '0');
					q++;
					digits++;
				}
				if (digits > 0 && (q == le || *q == ' '))
					*size = v;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return bits;
}

void
probe_reply_ehlo_names(unsigned bits, char *buf, size_t bufsz)
{
	struct sbuf sb;
	size_t i;

	if (bufsz == 0)
		return;
	sbuf_init(&sb, bufsz > 1 ? bufsz - 1 : 1);
	for (i = 0; i < sizeof(ehlo_keys) / sizeof(ehlo_keys[0]); i++)
		if (bits & ehlo_keys[i].bit) {
			if (sb.len > 0)
				sbuf_adds(&sb, ",");
			sbuf_adds(&sb, ehlo_keys[i].name);
		}
	str_copy(buf, sb.data ? sb.data : "", bufsz);
	sbuf_free(&sb);
}
