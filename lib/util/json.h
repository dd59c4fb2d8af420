/* json: JSON string literals (RFC 8259 §7) for the renderers. Pure. */
#ifndef ECHOMX_JSON_H
#define ECHOMX_JSON_H
#include <stddef.h>

struct sbuf;

/* What a byte that is not part of valid UTF-8 (RFC 3629) becomes. */
enum json_bad {
	JSON_BAD_LATIN1,	/* \u00XX: its Latin-1 reading (keeps it) */
	JSON_BAD_REPLACE	/* \ufffd: the replacement character */
};

/* Length of the valid UTF-8 sequence at s[0..n), 0 if it is not one
 * (overlong forms, surrogates and code points above U+10FFFF included). */
size_t	json_utf8_len(const unsigned char *s, size_t n);

/* Append s[0..len) as a quoted JSON string: valid UTF-8 passes as it is;
 * '"', '\\' and control characters are escaped; other bytes per bad. */
void	json_add_str(struct sbuf *, const char *s, size_t len,
	    enum json_bad bad);

#endif
