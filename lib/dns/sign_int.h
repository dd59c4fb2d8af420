/* sign_int: the ldns side of sign, for the other lib/dns modules only. */
#ifndef ECHOMX_SIGN_INT_H
#define ECHOMX_SIGN_INT_H
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

struct sbuf;

/* Zone text (presentation format) of zone -> ldns zone, default TTL ttl
 * (0: none). No SOA, a syntax error (with its line) or an empty text is an
 * error: NULL, reason in err. The caller frees with ldns_zone_deep_free. */
ldns_zone	*sign_parse(const char *text, size_t len, const char *zone,
		    uint32_t ttl, struct sbuf *err);

#endif
