/* tlsa: TLSA record parsing and usability for SMTP (RFC 6698, 7671,
 * 7672, acronyms RFC 7218). Touches: libc only; pure. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "mail/tlsa.h"

static int
check_len(const struct tlsa_rr *rr, char *err, size_t errsz)
{
	if (rr->len == 0) {
		snprintf(err, errsz, "empty certificate association data");
		return -1;
	}
	if (rr->mtype == TLSA_MT_SHA256 && rr->len != 32) {
		snprintf(err, errsz, "SHA-256 data is %zu octets, not 32",
		    rr->len);
		return -1;
	}
	if (rr->mtype == TLSA_MT_SHA512 && rr->len != 64) {
		snprintf(err, errsz, "SHA-512 data is %zu octets, not 64",
		    rr->len);
		return -1;
	}
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
tlsa_parse_text(const char *buf, size_t len, struct tlsa_rr *rr,
    char *err, size_t errsz)
{
	static const char *names[] = { "usage", "selector", "matching type" };
	unsigned v[3];
	size_t i = 0;
	int f, hi = -1;

	memset(rr, 0, sizeof(*rr));
	if (errsz)
		err[0] = '\0';
	for (f = 0; f < 3; f++) {
		size_t s;

		while (i < len && isspace((unsigned char)buf[i]))
			i++;
		s = i;
		v[f] = 0;
		while (i < len && isdigit((unsigned char)buf[i]) &&
		    i - s < 4) {
			v[f] = v[f] * 10 + (unsigned)(buf[i] - '0');
			i++;
		}
		if (i == s || v[f] > 255 || (i < len &&
		    !isspace((unsigned char)buf[i]))) {
			snprintf(err, errsz, "bad %s field (0-255)",
			    names[f]);
			return -1;
		}
	}
	rr->usage = (uint8_t)v[0];
	rr->selector = (uint8_t)v[1];
	rr->mtype = (uint8_t)v[2];
	for (; i < len; i++) {
		int h;

		/* zone-file grouping: "3 1 1 ( 0123... \n 4567... )" */
		if (isspace((unsigned char)buf[i]) || buf[i] == '(' ||
		    buf[i] == ')')
			continue;
		if ((h = hexval((unsigned char)buf[i])) < 0) {
			snprintf(err, errsz, "bad hex digit in data");
			return -1;
		}
		if (hi < 0) {
			hi = h;
			continue;
		}
		if (rr->len >= TLSA_MAX_DATA) {
			snprintf(err, errsz, "data longer than %d octets",
			    TLSA_MAX_DATA);
			return -1;
		}
		rr->data[rr->len++] = (unsigned char)(hi << 4 | h);
		hi = -1;
	}
	if (hi >= 0) {
		snprintf(err, errsz, "odd number of hex digits");
		return -1;
	}
	return check_len(rr, err, errsz);
}

int
tlsa_parse_rdata(const unsigned char *buf, size_t len, struct tlsa_rr *rr,
    char *err, size_t errsz)
{
	memset(rr, 0, sizeof(*rr));
	if (errsz)
		err[0] = '\0';
	if (len < 3) {
		snprintf(err, errsz, "rdata shorter than 3 octets");
		return -1;
	}
	if (len - 3 > TLSA_MAX_DATA) {
		snprintf(err, errsz, "data longer than %d octets",
		    TLSA_MAX_DATA);
		return -1;
	}
	rr->usage = buf[0];
	rr->selector = buf[1];
	rr->mtype = buf[2];
	rr->len = len - 3;
	memcpy(rr->data, buf + 3, rr->len);
	return check_len(rr, err, errsz);
}

const char *
tlsa_unusable(const struct tlsa_rr *rr)
{
	if (rr->usage == TLSA_PKIX_TA || rr->usage == TLSA_PKIX_EE)
		return "usages PKIX-TA(0) and PKIX-EE(1) are not used for "
		    "SMTP (RFC 7672 §3.1.3)";
	if (rr->usage != TLSA_DANE_TA && rr->usage != TLSA_DANE_EE)
		return "unknown certificate usage";
	if (rr->selector > TLSA_SEL_SPKI)
		return "unknown selector";
	if (rr->mtype > TLSA_MT_SHA512)
		return "unknown matching type";
	return NULL;
}

const char *
tlsa_usage_name(unsigned u)
{
	static const char *n[] = { "PKIX-TA", "PKIX-EE", "DANE-TA",
	    "DANE-EE" };

	if (u == 255)
		return "PrivCert";
	return u < 4 ? n[u] : "unknown";
}

const char *
tlsa_selector_name(unsigned s)
{
	if (s == 255)
		return "PrivSel";
	return s == 0 ? "Cert" : s == 1 ? "SPKI" : "unknown";
}

const char *
tlsa_mtype_name(unsigned m)
{
	static const char *n[] = { "Full", "SHA2-256", "SHA2-512" };

	if (m == 255)
		return "PrivMatch";
	return m < 3 ? n[m] : "unknown";
}
