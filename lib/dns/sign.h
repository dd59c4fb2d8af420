/* sign: DNSSEC-sign a zone given as master-file text with the zone's keys
 * from dnssec_key_dir (lib/dns/dnskeys.h), and verify a signed zone. The
 * callers see text only; ldns stays inside lib/dns. */
#ifndef ECHOMX_SIGN_H
#define ECHOMX_SIGN_H
#include <stddef.h>
#include <stdint.h>

struct sbuf;

struct sign_params {
	const char	*zone;		/* origin, no trailing dot */
	const char	*key_dir;	/* dnssec_key_dir */
	uint32_t	 ttl;		/* default TTL of the text */
	uint64_t	 now;		/* signing time (Unix) */
	uint64_t	 validity;	/* RRSIG lifetime, seconds */
	int		 nsec3;		/* NSEC3 (RFC 5155, RFC 9276: SHA-1,
					 * no salt, 0 iterations) else NSEC */
	int		 break_sigs;	/* deliberately corrupt every RRSIG
					 * (the bogus probe zone) */
};

/* Sign text (the unsigned zone, with SOA) and append the signed zone to
 * out. The result is verified before it is returned: every authoritative
 * RRset must carry a signature valid at now (or, with break_sigs, no
 * signature may verify). *expire is the signatures' expiration time.
 * 0, or -1 with the reason in err (out is then unspecified). */
int	sign_zone(const char *text, size_t len, const struct sign_params *,
	    struct sbuf *out, uint64_t *expire, struct sbuf *err);

/* Verify a signed zone's text at time now with its own apex DNSKEYs:
 * every authoritative RRset (not delegation NS, not glue) is checked.
 * *ngood and *nbad count RRsets with and without a valid signature; the
 * first failure is described in why. Returns 0, or -1 when the text does
 * not parse (reason in err). */
int	sign_verify(const char *text, size_t len, const char *zone,
	    uint64_t now, size_t *ngood, size_t *nbad, struct sbuf *why,
	    struct sbuf *err);

#endif
