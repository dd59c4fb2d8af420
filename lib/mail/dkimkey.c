/* dkimkey: DKIM key record (RFC 6376 §3.6.1) and a minimal DER reader
 * for the RSA key size. Touches: libc only; pure. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/dkimkey.h"
#include "mail/taglist.h"

#define DKIMKEY_MAX_TAGS	32

static int
is_fws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
dkimkey_base64(const char *s, size_t len, unsigned char *out, size_t outsz,
    size_t *outlen)
{
	uint32_t acc = 0;
	size_t i, n = 0, pad = 0;
	int bits = 0;

	*outlen = 0;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i], v;

		if (is_fws(c))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -1;	/* data after padding */
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= outsz)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	/* leftover bits: 0 (no pad), 2 (2 pads), 4 (1 pad) */
	if (pad > 2 || (bits == 6) || (pad && (bits / 2) != (int)pad))
		return -1;
	*outlen = n;
	return 0;
}

/* One DER TLV at *pos: definite lengths only. */
static int
der_tlv(const unsigned char *b, size_t len, size_t *pos, unsigned *tag,
    const unsigned char **val, size_t *vlen)
{
	size_t p = *pos, l;

	if (p + 2 > len)
		return -1;
	*tag = b[p++];
	if ((*tag & 0x1f) == 0x1f)
		return -1;	/* high tag numbers: not in these keys */
	l = b[p++];
	if (l & 0x80) {
		size_t k = l & 0x7f;

		if (k == 0 || k > 4 || p + k > len)
			return -1;
		l = 0;
		while (k--)
			l = (l << 8) | b[p++];
	}
	if (l > len - p)
		return -1;
	*val = b + p;
	*vlen = l;
	*pos = p + l;
	return 0;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
static int
rsa_pub(const unsigned char *b, size_t len, unsigned *bits)
{
	const unsigned char *seq, *m, *e;
	size_t pos = 0, sl, ml, el, sp = 0;
	unsigned tag;

	if (der_tlv(b, len, &pos, &tag, &seq, &sl) != 0 || tag != 0x30 ||
	    pos != len)
		return -1;
	if (der_tlv(seq, sl, &sp, &tag, &m, &ml) != 0 || tag != 0x02 ||
	    ml == 0 || (m[0] & 0x80))
		return -1;
	if (der_tlv(seq, sl, &sp, &tag, &e, &el) != 0 || tag != 0x02 ||
	    el == 0 || sp != sl)
		return -1;
	while (ml > 0 && m[0] == 0) {
		m++;
		ml--;
	}
	if (ml == 0)
		return -1;
	*bits = (unsigned)(ml * 8);
	for (unsigned char top = m[0]; !(top & 0x80); top <<= 1)
		(*bits)--;
	return 0;
}

int
dkimkey_rsa_bits(const unsigned char *der, size_t len, unsigned *bits,
    int *spki, char *err, size_t errsz)
{
	static const unsigned char rsa_oid[] = { 0x2a, 0x86, 0x48, 0x86,
	    0xf7, 0x0d, 0x01, 0x01, 0x01 };
	const unsigned char *seq, *alg, *oid, *bs;
	size_t pos = 0, sl, al, ol, bl, sp = 0, ap = 0;
	unsigned tag;

	*bits = 0;
	*spki = 0;
	if (rsa_pub(der, len, bits) == 0)
		return 0;	/* a bare PKCS#1 key */
	if (der_tlv(der, len, &pos, &tag, &seq, &sl) != 0 || tag != 0x30 ||
	    pos != len)
		goto bad;
	if (der_tlv(seq, sl, &sp, &tag, &alg, &al) != 0 || tag != 0x30)
		goto bad;
	if (der_tlv(alg, al, &ap, &tag, &oid, &ol) != 0 || tag != 0x06)
		goto bad;
	if (ol != sizeof(rsa_oid) || memcmp(oid, rsa_oid, ol) != 0) {
		snprintf(err, errsz, "p= is not an RSA key (algorithm OID)");
		return -1;
	}
	if (der_tlv(seq, sl, &sp, &tag, &bs, &bl) != 0 || tag != 0x03 ||
	    bl < 2 || bs[0] != 0 || sp != sl)
		goto bad;
	if (rsa_pub(bs + 1, bl - 1, bits) != 0)
		goto bad;
	*spki = 1;
	return 0;
bad:
	snprintf(err, errsz, "p= is not a DER RSA public key");
	return -1;
}

static int
tag_is(const struct taglist_field *t, const char *n)
{
	return t->nlen == strlen(n) && strncmp(t->name, n, t->nlen) == 0;
}

/* Colon-separated list: does it contain word (case-insensitive)? */
static int
list_has(const struct taglist_field *t, const char *word)
{
	struct taglist_items it;
	const char *w;
	size_t n;

	taglist_items_init(&it, t->val, t->vlen, ':', TAGLIST_FWS);
	while (taglist_items_next(&it, &w, &n))
		if (n == strlen(word) && strncasecmp(w, word, n) == 0)
			return 1;
	return 0;
}

int
dkimkey_parse(const char *buf, size_t len, struct dkimkey *out, char *err,
    size_t errsz)
{
	struct taglist_iter it;
	struct taglist_field f, t[DKIMKEY_MAX_TAGS];
	const struct taglist_field *p = NULL;
	unsigned char key[DKIMKEY_MAX_KEY];
	size_t n = 0, i, j, klen;
	int r;

	memset(out, 0, sizeof(*out));
	out->type = DKIMKEY_RSA;
	out->sha1 = out->sha256 = 1;
	out->email = 1;
	if (errsz)
		err[0] = '\0';
	if (len > DKIMKEY_MAX_LEN) {
		snprintf(err, errsz, "record longer than %d octets",
		    DKIMKEY_MAX_LEN);
		return -1;
	}
	/* tag-list = tag-spec *( ";" tag-spec ) [ ";" ] (§3.2) */
	taglist_init(&it, buf, len, TAGLIST_TAGS, TAGLIST_FWS);
	while ((r = taglist_next(&it, &f, err, errsz)) == 1) {
		if (n >= DKIMKEY_MAX_TAGS) {
			snprintf(err, errsz, "more than %d tags",
			    DKIMKEY_MAX_TAGS);
			return -1;
		}
		if (f.nlen == 0 || !isalpha((unsigned char)f.name[0])) {
			snprintf(err, errsz, "bad tag name");
			return -1;
		}
		for (j = 0; j < n; j++)
			if (t[j].nlen == f.nlen &&
			    memcmp(t[j].name, f.name, f.nlen) == 0) {
				snprintf(err, errsz, "tag %.*s given twice "
				    "(RFC 6376 §3.2)", (int)f.nlen, f.name);
				return -1;
			}
		t[n++] = f;
	}
	if (r != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (tag_is(&t[i], "v")) {
			if (i != 0 || t[i].vlen != 5 ||
			    strncmp(t[i].val, "DKIM1", 5) != 0) {
				snprintf(err, errsz, "v= must be DKIM1 and the "
				    "first tag (RFC 6376 §3.6.1)");
				return -1;
			}
		} else if (tag_is(&t[i], "k")) {
			if (t[i].vlen == 3 && strncasecmp(t[i].val, "rsa",
			    3) == 0)
				out->type = DKIMKEY_RSA;
			else if (t[i].vlen == 7 && strncasecmp(t[i].val,
			    "ed25519", 7) == 0)
				out->type = DKIMKEY_ED25519;
			else {
				snprintf(err, errsz, "unknown key type k=%.*s",
				    (int)(t[i].vlen > 20 ? 20 : t[i].vlen),
				    t[i].val);
				return -1;
			}
		} else if (tag_is(&t[i], "h")) {
			out->sha1 = list_has(&t[i], "sha1");
			out->sha256 = list_has(&t[i], "sha256");
			if (!out->sha1 && !out->sha256) {
				snprintf(err, errsz, "h= lists no known hash "
				    "algorithm");
				return -1;
			}
		} else if (tag_is(&t[i], "s")) {
			out->email = list_has(&t[i], "*") ||
			    list_has(&t[i], "email");
		} else if (tag_is(&t[i], "t")) {
			out->testing = list_has(&t[i], "y");
			out->strict = list_has(&t[i], "s");
		} else if (tag_is(&t[i], "p"))
			p = &t[i];
	}
	if (p == NULL) {
		snprintf(err, errsz, "no p= tag (RFC 6376 §3.6.1: required)");
		return -1;
	}
	if (dkimkey_base64(p->val, p->vlen, key, sizeof(key), &klen) != 0) {
		snprintf(err, errsz, "p= is not valid base64 (or longer than "
		    "%d octets)", DKIMKEY_MAX_KEY);
		return -1;
	}
	if (klen == 0) {
		out->revoked = 1;
		return 0;
	}
	if (out->type == DKIMKEY_ED25519) {
		/* RFC 8463 §4: the raw 32-octet public key */
		if (klen != 32) {
			snprintf(err, errsz, "Ed25519 key is %zu octets, not "
			    "32 (RFC 8463)", klen);
			return -1;
		}
		out->bits = 256;
		return 0;
	}
	return dkimkey_rsa_bits(key, klen, &out->bits, &out->spki, err,
	    errsz);
}
