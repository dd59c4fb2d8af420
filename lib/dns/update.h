/* update: publish a signed zone to a primary server with RFC 2136 dynamic
 * updates signed with TSIG (RFC 8945), instead of zone files. The primary's
 * copy is read with AXFR (same key), the difference to the new signed zone
 * is sent as one UPDATE with the primary's SOA as prerequisite, and the
 * result is checked with a SOA query. Callers see text only; ldns stays
 * inside lib/dns. */
#ifndef ECHOMX_UPDATE_H
#define ECHOMX_UPDATE_H
#include <stddef.h>
#include <stdint.h>

struct sbuf;

#define UPDATE_NAME_MAX		256
#define UPDATE_ALG_MAX		32
#define UPDATE_SECRET_MAX	512

/* A TSIG key: name (no trailing dot), algorithm (lower case, e.g.
 * "hmac-sha256", no trailing dot) and the base64 secret. */
struct update_key {
	char	name[UPDATE_NAME_MAX];
	char	alg[UPDATE_ALG_MAX];
	char	secret[UPDATE_SECRET_MAX];
};

/* Parse a TSIG key file (pure). Accepted forms, '#' and '//' comments:
 *   key "NAME" { algorithm hmac-sha256; secret "BASE64"; };   (BIND)
 *   key:\n  - id: NAME\n    algorithm: hmac-sha256\n    secret: BASE64
 *                                                           (Knot)
 *   NAME hmac-sha256 BASE64                                  (one line)
 * Exactly one key. Algorithms: hmac-sha1, hmac-sha224, hmac-sha256,
 * hmac-sha384, hmac-sha512. 0, or -1 with the reason in err. */
int	update_key_parse(const char *buf, size_t len, struct update_key *,
	    struct sbuf *err);

/* Parse "ADDR", "ADDR@PORT", "[V6]@PORT" or "[V6]:PORT" (IP literals only,
 * port 53 by default) into a numeric address and port (pure). 0 or -1. */
int	update_server_parse(const char *s, char *ip, size_t ipsz,
	    uint16_t *port);

struct update_target {
	const char	*zone;		/* origin, no trailing dot */
	const char	*server;	/* update_server */
	const char	*key_file;	/* update_tsig_key_file */
	uint64_t	 timeout;	/* seconds, for each exchange */
};

/* AXFR of the zone from the primary, TSIG-signed, every reply message's
 * TSIG verified. The zone as master-file text (one RR per line, without
 * the closing SOA) in text, its SOA serial in *serial. 0, or -1 with the
 * reason in err. */
int	update_fetch(const struct update_target *, struct sbuf *text,
	    uint32_t *serial, struct sbuf *err);

/* Send the difference between old (what the primary has, from
 * update_fetch) and new (the signed zone) as one UPDATE: prerequisite
 * "the SOA is exactly old's SOA", additions (the new SOA among them)
 * before deletions. The reply must be NOERROR with a valid TSIG, and a
 * SOA query afterwards must show new's serial. *nadd and *ndel count
 * the records sent. 0, or -1 with the reason in err. */
int	update_send(const struct update_target *, const char *old,
	    size_t olen, const char *new, size_t nlen, size_t *nadd,
	    size_t *ndel, struct sbuf *err);

#endif
