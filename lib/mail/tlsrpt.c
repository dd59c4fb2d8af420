/* tlsrpt: TLS-RPT record parser (RFC 8460 §3 ABNF).
 * Touches: libc only; pure. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/taglist.h"
#include "mail/tlsrpt.h"

static int
is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

int
tlsrpt_is_record(const char *buf, size_t len)
{
	if (len < 10 || strncmp(buf, "v=TLSRPTv1", 10) != 0)
		return 0;
	return len == 10 || buf[10] == ';' || is_wsp((unsigned char)buf[10]);
}

static void
lower_copy(char *dst, size_t dsz, const char *s, size_t len)
{
	size_t i;

	if (len >= dsz)
		len = dsz - 1;
	for (i = 0; i < len; i++)
		dst[i] = (char)tolower((unsigned char)s[i]);
	dst[len] = '\0';
}

static int
parse_uri(const char *s, size_t len, struct tlsrpt_uri *u, char *err,
    size_t errsz)
{
	size_t i;

	memset(u, 0, sizeof(*u));
	if (len == 0 || len >= sizeof(u->uri))
		goto bad;
	for (i = 0; i < len; i++)
		/* a URI has no spaces, commas or semicolons unescaped */
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f || s[i] == ',' || s[i] == ';')
			goto bad;
	memcpy(u->uri, s, len);
	if (len >= 7 && strncasecmp(s, "mailto:", 7) == 0) {
		const char *r = s + 7, *at, *q;
		size_t rl = len - 7;

		q = memchr(r, '?', rl);
		if (q)
			rl = (size_t)(q - r);
		at = memchr(r, '@', rl);
		if (at == NULL || at == r || at + 1 == r + rl)
			goto bad;
		lower_copy(u->domain, sizeof(u->domain), at + 1,
		    (size_t)(r + rl - at - 1));
		return 0;
	}
	if (len >= 8 && strncasecmp(s, "https://", 8) == 0) {
		size_t h = 8;

		while (h < len && s[h] != '/' && s[h] != ':' && s[h] != '?' &&
		    s[h] != '#')
			h++;
		if (h == 8)
			goto bad;
		u->https = 1;
		lower_copy(u->domain, sizeof(u->domain), s + 8, h - 8);
		return 0;
	}
	snprintf(err, errsz, "rua URI '%.*s' is neither mailto: nor https: "
	    "(RFC 8460 §3)", (int)(len > 60 ? 60 : len), s);
	return -1;
bad:
	snprintf(err, errsz, "bad rua URI '%.*s'", (int)(len > 60 ? 60 : len),
	    s);
	return -1;
}

int
tlsrpt_parse(const char *buf, size_t len, struct tlsrpt_record *out,
    char *err, size_t errsz)
{
	struct taglist_iter it;
	struct taglist_field f;
	size_t k;
	int r, nfield = 0, have_rua = 0;

	memset(out, 0, sizeof(*out));
	if (errsz)
		err[0] = '\0';
	if (len > TLSRPT_MAX_LEN) {
		snprintf(err, errsz, "record longer than %d octets",
		    TLSRPT_MAX_LEN);
		return -1;
	}
	for (k = 0; k < len; k++)
		if ((unsigned char)buf[k] < 0x20 &&
		    !is_wsp((unsigned char)buf[k])) {
			snprintf(err, errsz, "control character in record");
			return -1;
		}
	taglist_init(&it, buf, len, TAGLIST_FIELDS, TAGLIST_WSP);
	while ((r = taglist_next(&it, &f, err, errsz)) == 1) {
		if (nfield == 0) {
			if (f.flen != 10 || strncmp(f.field, "v=TLSRPTv1",
			    10) != 0) {
				snprintf(err, errsz, "the record must start "
				    "with v=TLSRPTv1 (RFC 8460 §3)");
				return -1;
			}
		} else if (f.nlen == 3 && strncmp(f.name, "rua", 3) == 0) {
			const char *v = f.val;
			size_t p = 0, us, ue, e = f.vlen;

			if (have_rua) {
				snprintf(err, errsz, "rua given twice");
				return -1;
			}
			have_rua = 1;
			while (p <= e) {
				us = p;
				while (p < e && v[p] != ',')
					p++;
				ue = p++;
				while (us < ue &&
				    is_wsp((unsigned char)v[us]))
					us++;
				while (ue > us &&
				    is_wsp((unsigned char)v[ue - 1]))
					ue--;
				if (out->nrua >= TLSRPT_MAX_URIS) {
					snprintf(err, errsz, "more than %d "
					    "rua URIs", TLSRPT_MAX_URIS);
					return -1;
				}
				if (parse_uri(v + us, ue - us,
				    &out->rua[out->nrua], err, errsz) != 0)
					return -1;
				out->nrua++;
			}
		}
		nfield++;
	}
	if (r != 0)
		return -1;
	if (nfield == 0 && len > 0) {
		/* only white space: an empty field, not a missing version */
		snprintf(err, errsz, "empty field");
		return -1;
	}
	if (nfield == 0) {
		snprintf(err, errsz, "the record must start with v=TLSRPTv1 "
		    "(RFC 8460 §3)");
		return -1;
	}
	if (!have_rua) {
		snprintf(err, errsz, "no rua field (RFC 8460 §3: required)");
		return -1;
	}
	return 0;
}
