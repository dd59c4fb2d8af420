/* dmarc: DMARC record parser (RFC 7489 §6.3 tags, §6.4 ABNF).
 * Touches: libc only; pure. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/dmarc.h"
#include "mail/taglist.h"
#include "util/str.h"

#define DMARC_MAX_TAGS	32

static int
is_wsp(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Split "a=1; b = 2;" into tags (RFC 7489 §6.4: RFC 6376 §3.2 tag-list
 * syntax). -1 on a malformed tag. */
static int
split_tags(const char *buf, size_t len, struct taglist_field *t,
    size_t max, size_t *n, char *err, size_t errsz)
{
	struct taglist_iter it;
	struct taglist_field f;
	int r;

	*n = 0;
	taglist_init(&it, buf, len, TAGLIST_TAGS, TAGLIST_FWS);
	while ((r = taglist_next(&it, &f, err, errsz)) == 1) {
		if (*n >= max) {
			snprintf(err, errsz, "more than %zu tags", max);
			return -1;
		}
		if (f.nlen == 0 || !isalpha((unsigned char)f.name[0])) {
			snprintf(err, errsz, "bad tag name in '%.*s'",
			    (int)(f.flen > 40 ? 40 : f.flen), f.field);
			return -1;
		}
		t[(*n)++] = f;
	}
	return r;
}

static int
tag_is(const struct taglist_field *t, const char *name)
{
	return t->nlen == strlen(name) &&
	    strncasecmp(t->name, name, t->nlen) == 0;
}

static int
val_is(const struct taglist_field *t, const char *v)
{
	return t->vlen == strlen(v) && strncasecmp(t->val, v, t->vlen) == 0;
}

int
dmarc_is_record(const char *buf, size_t len)
{
	size_t i = 0;

	/* "v" *WSP "=" *WSP "DMARC1" */
	if (len < 1 || (buf[0] != 'v' && buf[0] != 'V'))
		return 0;
	for (i = 1; i < len && is_wsp((unsigned char)buf[i]); i++)
		;
	if (i >= len || buf[i] != '=')
		return 0;
	for (i++; i < len && is_wsp((unsigned char)buf[i]); i++)
		;
	if (len - i < 6 || strncmp(buf + i, "DMARC1", 6) != 0)
		return 0;
	i += 6;
	return i == len || buf[i] == ';' || is_wsp((unsigned char)buf[i]);
}

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_P_NONE: return "none";
	case DMARC_P_QUARANTINE: return "quarantine";
	case DMARC_P_REJECT: return "reject";
	default: return "unset";
	}
}

static int
parse_policy(const struct taglist_field *t, enum dmarc_policy *p)
{
	if (val_is(t, "none"))
		*p = DMARC_P_NONE;
	else if (val_is(t, "quarantine"))
		*p = DMARC_P_QUARANTINE;
	else if (val_is(t, "reject"))
		*p = DMARC_P_REJECT;
	else
		return -1;
	return 0;
}

static void
lower_copy(char *dst, size_t dsz, const char *s, size_t len)
{
	size_t i;

	if (dsz == 0)
		return;
	if (len >= dsz)
		len = dsz - 1;
	for (i = 0; i < len; i++)
		dst[i] = (char)tolower((unsigned char)s[i]);
	dst[len] = '\0';
}

/* dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ] */
static int
parse_uri(const char *s, size_t len, struct dmarc_uri *u, char *err,
    size_t errsz)
{
	size_t i, bang = len, colon;
	const char *rest;
	size_t rlen;

	memset(u, 0, sizeof(*u));
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			goto bad;
	for (i = len; i > 0; i--)
		if (s[i - 1] == '!') {
			bang = i - 1;
			break;
		}
	if (bang < len) {
		uint64_t v = 0, mul = 1;
		size_t j = bang + 1, d0 = j;

		while (j < len && isdigit((unsigned char)s[j])) {
			if (v > 1000000000000ULL)
				goto bad;
			v = v * 10 + (uint64_t)(s[j] - '0');
			j++;
		}
		if (j == d0)
			goto bad;
		if (j < len) {
			switch (tolower((unsigned char)s[j])) {
			case 'k': mul = 1024ULL; break;
			case 'm': mul = 1024ULL * 1024; break;
			case 'g': mul = 1024ULL * 1024 * 1024; break;
			case 't': mul = 1024ULL * 1024 * 1024 * 1024; break;
			default: goto bad;
			}
			if (++j != len)
				goto bad;
		}
		u->max_size = v * mul;
		len = bang;
	}
	if (len == 0 || len >= sizeof(u->uri))
		goto bad;
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	if (!isalpha((unsigned char)s[0]))
		goto bad;
	for (colon = 1; colon < len && (isalnum((unsigned char)s[colon]) ||
	    s[colon] == '+' || s[colon] == '-' || s[colon] == '.'); colon++)
		;
	if (colon >= len || s[colon] != ':' || colon >= sizeof(u->scheme))
		goto bad;
	memcpy(u->uri, s, len);
	u->uri[len] = '\0';
	lower_copy(u->scheme, sizeof(u->scheme), s, colon);
	rest = s + colon + 1;
	rlen = len - colon - 1;
	if (rlen == 0)
		goto bad;
	if (strcmp(u->scheme, "mailto") == 0) {
		const char *at, *end = memchr(rest, '?', rlen);
		size_t alen = end ? (size_t)(end - rest) : rlen;

		at = memchr(rest, '@', alen);
		if (at == NULL || at == rest || at + 1 == rest + alen)
			goto bad;
		lower_copy(u->domain, sizeof(u->domain), at + 1,
		    (size_t)(rest + alen - at - 1));
	} else if (rlen > 2 && rest[0] == '/' && rest[1] == '/') {
		size_t h = 2;

		while (h < rlen && rest[h] != '/' && rest[h] != ':' &&
		    rest[h] != '?' && rest[h] != '#')
			h++;
		if (h == 2)
			goto bad;
		lower_copy(u->domain, sizeof(u->domain), rest + 2, h - 2);
	}
	return 0;
bad:
	snprintf(err, errsz, "bad report URI '%.*s'", (int)(len > 60 ? 60 :
	    len), s);
	return -1;
}

static int
parse_uris(const struct taglist_field *t, struct dmarc_uri *u, size_t *n,
    char *err, size_t errsz)
{
	struct taglist_items it;
	const char *w;
	size_t wlen;

	*n = 0;
	taglist_items_init(&it, t->val, t->vlen, ',', TAGLIST_FWS);
	while (taglist_items_next(&it, &w, &wlen)) {
		if (wlen == 0) {
			snprintf(err, errsz, "%.*s: empty URI",
			    (int)t->nlen, t->name);
			return -1;
		}
		if (*n >= DMARC_MAX_URIS) {
			snprintf(err, errsz, "%.*s: more than %d URIs",
			    (int)t->nlen, t->name, DMARC_MAX_URIS);
			return -1;
		}
		if (parse_uri(w, wlen, &u[*n], err, errsz) != 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/* Colon-separated keyword list; each must be in allowed (or fo flags). */
static int
parse_fo(const struct taglist_field *t, unsigned *fo)
{
	struct taglist_items it;
	const char *w;
	size_t n;

	*fo = 0;
	taglist_items_init(&it, t->val, t->vlen, ':', TAGLIST_FWS);
	while (taglist_items_next(&it, &w, &n)) {
		if (n != 1)
			return -1;
		switch (tolower((unsigned char)*w)) {
		case '0': *fo |= DMARC_FO_0; break;
		case '1': *fo |= DMARC_FO_1; break;
		case 'd': *fo |= DMARC_FO_D; break;
		case 's': *fo |= DMARC_FO_S; break;
		default: return -1;
		}
	}
	return 0;
}

int
dmarc_parse(const char *buf, size_t len, struct dmarc_record *out,
    char *err, size_t errsz)
{
	static const char *known[] = { "v", "p", "sp", "pct", "adkim",
	    "aspf", "rua", "ruf", "fo", "rf", "ri" };
	struct taglist_field t[DMARC_MAX_TAGS];
	size_t n, i, k, j;
	char num[16];
	long v;

	memset(out, 0, sizeof(*out));
	out->pct = 100;
	out->adkim = out->aspf = 'r';
	out->ri = 86400;
	if (errsz)
		err[0] = '\0';
	if (len > DMARC_MAX_LEN) {
		snprintf(err, errsz, "record longer than %d octets",
		    DMARC_MAX_LEN);
		return -1;
	}
	if (split_tags(buf, len, t, DMARC_MAX_TAGS, &n, err, errsz) != 0)
		return -1;
	if (n == 0 || !tag_is(&t[0], "v") || t[0].vlen != 6 ||
	    strncmp(t[0].val, "DMARC1", 6) != 0) {
		snprintf(err, errsz, "the record must start with v=DMARC1 "
		    "(RFC 7489 §6.4)");
		return -1;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (tag_is(&t[i], known[k]))
				for (j = i + 1; j < n; j++)
					if (tag_is(&t[j], known[k])) {
						snprintf(err, errsz, "tag %s "
						    "given twice", known[k]);
						return -1;
					}
	for (i = 1; i < n; i++) {
		if (tag_is(&t[i], "p")) {
			if (parse_policy(&t[i], &out->p) != 0)
				goto badval;
		} else if (tag_is(&t[i], "sp")) {
			if (parse_policy(&t[i], &out->sp) != 0)
				goto badval;
		} else if (tag_is(&t[i], "pct")) {
			if (t[i].vlen == 0 || t[i].vlen >= sizeof(num))
				goto badval;
			memcpy(num, t[i].val, t[i].vlen);
			num[t[i].vlen] = '\0';
			if (str_to_int(num, 0, 100, &v) != 0)
				goto badval;
			out->pct = (int)v;
		} else if (tag_is(&t[i], "adkim") || tag_is(&t[i], "aspf")) {
			char *dst = tag_is(&t[i], "adkim") ? &out->adkim :
			    &out->aspf;

			if (val_is(&t[i], "r"))
				*dst = 'r';
			else if (val_is(&t[i], "s"))
				*dst = 's';
			else
				goto badval;
		} else if (tag_is(&t[i], "rua")) {
			if (parse_uris(&t[i], out->rua, &out->nrua, err,
			    errsz) != 0)
				return -1;
		} else if (tag_is(&t[i], "ruf")) {
			if (parse_uris(&t[i], out->ruf, &out->nruf, err,
			    errsz) != 0)
				return -1;
		} else if (tag_is(&t[i], "fo")) {
			if (parse_fo(&t[i], &out->fo) != 0)
				goto badval;
		} else if (tag_is(&t[i], "rf")) {
			/* Kw list; "afrf" is the only registered format */
			if (!val_is(&t[i], "afrf"))
				goto badval;
		} else if (tag_is(&t[i], "ri")) {
			uint64_t u;

			if (t[i].vlen == 0 || t[i].vlen >= sizeof(num))
				goto badval;
			memcpy(num, t[i].val, t[i].vlen);
			num[t[i].vlen] = '\0';
			if (str_to_u64(num, &u) != 0 || u > 0xffffffffULL)
				goto badval;
			out->ri = (uint32_t)u;
		} else if (tag_is(&t[i], "v")) {
			snprintf(err, errsz, "v= must be the first tag only");
			return -1;
		}
		/* other tags: ignored (§6.3) */
	}
	if (out->p == DMARC_P_UNSET) {
		snprintf(err, errsz, "no p= tag (RFC 7489 §6.3: required)");
		return -1;
	}
	return 0;
badval:
	snprintf(err, errsz, "invalid %.*s value '%.*s'", (int)t[i].nlen,
	    t[i].name, (int)(t[i].vlen > 40 ? 40 : t[i].vlen), t[i].val);
	return -1;
}

int
dmarc_report_auth_name(const char *policy_domain, const char *dest_domain,
    char *out, size_t outsz)
{
	int r = snprintf(out, outsz, "%s._report._dmarc.%s", policy_domain,
	    dest_domain);

	return (r < 0 || (size_t)r >= outsz || r > 253) ? -1 : 0;
}
