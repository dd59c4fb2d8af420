/* tlsa: TLSA record (RFC 6698 §2, RFC 7671, RFC 7672 for SMTP) from its
 * presentation form or from rdata. Pure. */
#ifndef ECHOMX_TLSA_H
#define ECHOMX_TLSA_H
#include <stddef.h>
#include <stdint.h>

#define TLSA_MAX_DATA	4096	/* certificate association data octets */

enum { TLSA_PKIX_TA = 0, TLSA_PKIX_EE = 1, TLSA_DANE_TA = 2,
    TLSA_DANE_EE = 3 };
enum { TLSA_SEL_CERT = 0, TLSA_SEL_SPKI = 1 };
enum { TLSA_MT_FULL = 0, TLSA_MT_SHA256 = 1, TLSA_MT_SHA512 = 2 };

struct tlsa_rr {
	uint8_t		 usage;
	uint8_t		 selector;
	uint8_t		 mtype;
	size_t		 len;
	unsigned char	 data[TLSA_MAX_DATA];
};

/* "3 1 1 0123abcd..." (hex may hold white space). 0 ok, -1 with err:
 * a field out of 0-255, bad hex, SHA-256 data not 32 octets, SHA-512
 * data not 64, empty data. Unknown usage/selector/type values parse;
 * tlsa_unusable() says why they cannot be used. */
int	 tlsa_parse_text(const char *buf, size_t len, struct tlsa_rr *,
	    char *err, size_t errsz);
/* The wire rdata: usage, selector, matching type octets, then data. */
int	 tlsa_parse_rdata(const unsigned char *buf, size_t len,
	    struct tlsa_rr *, char *err, size_t errsz);

/* NULL when the record can be used for SMTP (RFC 7672 §3.1: usages 2 and
 * 3 only; known selector and matching type), else the reason. */
const char *tlsa_unusable(const struct tlsa_rr *);

/* "DANE-EE", "SPKI", "SHA2-256" (RFC 7218 acronyms) or "unknown". */
const char *tlsa_usage_name(unsigned);
const char *tlsa_selector_name(unsigned);
const char *tlsa_mtype_name(unsigned);

#endif
