/* zone: pure helpers to build master-file text (RFC 1035 5.1) for the
 * dns-rotator: names, TXT quoting, template expansion. No I/O. */
#ifndef ECHOMX_ZONE_H
#define ECHOMX_ZONE_H
#include <stddef.h>
#include <stdint.h>

struct sbuf;

/* Lower case, without trailing dots, as a new string. */
char	*zone_norm(const char *name);

/* 1 when name (normalized) equals zone or lies below it. */
int	 zone_in(const char *name, const char *zone);

/* Append "owner. ttl IN TXT "..." "..."" with the text split into
 * character-strings of at most 255 octets, '"' and '\' escaped and
 * non-printable octets as \DDD. 0 or -1 (sbuf full). */
int	 zone_txt(struct sbuf *out, const char *owner, uint32_t ttl,
	    const char *text);

/* Replace every {{name}} in tmpl by its value from vars, a NULL-ended
 * array of name, value pairs. An unknown or unterminated {{ is an error
 * ("line N: ..." in err, -1). */
int	 zone_expand(const char *tmpl, size_t len, const char *const *vars,
	    struct sbuf *out, struct sbuf *err);

/* Split "addr:port", "[v6]:port", "addr" or "v6" into the address part;
 * family 4 or 6 when it is an IP literal (0 otherwise, e.g. a name).
 * Unspecified addresses (0.0.0.0, ::) give family 0 too. */
int	 zone_addr(const char *s, char *ip, size_t ipsz);

#endif
