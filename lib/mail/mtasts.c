/* mtasts: MTA-STS TXT record and policy parsers, MX matching (RFC 8461).
 * Touches: libc only; pure. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/mtasts.h"
#include "mail/taglist.h"
#include "util/str.h"

static int
is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

int
mtasts_txt_is_record(const char *buf, size_t len)
{
	if (len < 7 || strncmp(buf, "v=STSv1", 7) != 0)
		return 0;
	return len == 7 || buf[7] == ';' || is_wsp((unsigned char)buf[7]);
}

/* sts-text-record = sts-version 1*(sts-field-delim sts-field)
 *                   [sts-field-delim]
 * sts-field-delim = *WSP ";" *WSP; sts-version = %s"v=STSv1";
 * sts-id = %s"id=" 1*32(ALPHA / DIGIT); extensions: name "=" value. */
int
mtasts_txt_parse(const char *buf, size_t len, struct mtasts_txt *out,
    char *err, size_t errsz)
{
	struct taglist_iter it;
	struct taglist_field f;
	size_t k;
	int r, nfield = 0, have_id = 0;

	memset(out, 0, sizeof(*out));
	if (errsz)
		err[0] = '\0';
	if (len > MTASTS_MAX_TXT) {
		snprintf(err, errsz, "record longer than %d octets",
		    MTASTS_MAX_TXT);
		return -1;
	}
	taglist_init(&it, buf, len, TAGLIST_FIELDS, TAGLIST_WSP);
	while ((r = taglist_next(&it, &f, err, errsz)) == 1) {
		for (k = 0; k < f.flen; k++)
			if ((unsigned char)f.field[k] < 0x20 ||
			    (unsigned char)f.field[k] > 0x7e) {
				snprintf(err, errsz, "control or non-ASCII "
				    "character in record");
				return -1;
			}
		if (nfield == 0) {
			if (f.nlen != 1 || f.name[0] != 'v' || f.vlen != 5 ||
			    strncmp(f.val, "STSv1", 5) != 0) {
				snprintf(err, errsz, "the record must start "
				    "with v=STSv1 (RFC 8461 §3.1)");
				return -1;
			}
		} else if (f.nlen == 2 && strncmp(f.name, "id", 2) == 0) {
			if (have_id) {
				snprintf(err, errsz, "id given twice");
				return -1;
			}
			if (f.vlen < 1 || f.vlen > 32) {
				snprintf(err, errsz, "id must be 1 to 32 "
				    "letters or digits");
				return -1;
			}
			for (k = 0; k < f.vlen; k++)
				if (!isalnum((unsigned char)f.val[k])) {
					snprintf(err, errsz, "id must be 1 to "
					    "32 letters or digits");
					return -1;
				}
			memcpy(out->id, f.val, f.vlen);
			out->id[f.vlen] = '\0';
			have_id = 1;
		}
		nfield++;
	}
	if (r != 0)
		return -1;
	if (nfield == 0) {
		snprintf(err, errsz, "the record must start with v=STSv1 "
		    "(RFC 8461 §3.1)");
		return -1;
	}
	if (!have_id) {
		snprintf(err, errsz, "no id field (RFC 8461 §3.1: required)");
		return -1;
	}
	return 0;
}

const char *
mtasts_mode_name(enum mtasts_mode m)
{
	switch (m) {
	case MTASTS_MODE_ENFORCE: return "enforce";
	case MTASTS_MODE_TESTING: return "testing";
	case MTASTS_MODE_NONE: return "none";
	default: return "unset";
	}
}

/* mx pattern: [ "*." ] Domain (RFC 5321), ASCII letters, digits, hyphens
 * and dots, labels of 1-63 octets. */
static int
valid_mx_pattern(const char *s, size_t len)
{
	size_t i = 0, lab = 0;

	if (len >= 2 && s[0] == '*' && s[1] == '.')
		i = 2;
	if (i >= len || len > 253)
		return 0;
	for (; i < len; i++) {
		if (s[i] == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
		} else if (isalnum((unsigned char)s[i]) || s[i] == '-' ||
		    s[i] == '_') {
			if (++lab > 63)
				return 0;
		} else
			return 0;
	}
	return lab > 0 || (len > 0 && s[len - 1] == '.');
}

int
mtasts_policy_parse(const char *buf, size_t len, struct mtasts_policy *out,
    char *err, size_t errsz)
{
	size_t i = 0, s, e, c, ks, ke, vs, ve, lineno = 0;
	int have_version = 0, have_age = 0;

	memset(out, 0, sizeof(*out));
	if (errsz)
		err[0] = '\0';
	if (len > MTASTS_MAX_POLICY) {
		snprintf(err, errsz, "policy longer than %d octets",
		    MTASTS_MAX_POLICY);
		return -1;
	}
	while (i < len) {
		s = i;
		while (i < len && buf[i] != '\n')
			i++;
		e = i;
		if (i < len)
			i++;
		lineno++;
		if (e > s && buf[e - 1] == '\r')
			e--;
		ks = s;
		while (ks < e && is_wsp((unsigned char)buf[ks]))
			ks++;
		if (ks == e)
			continue;	/* blank line */
		for (c = ks; c < e && buf[c] != ':'; c++)
			if ((unsigned char)buf[c] < 0x20 ||
			    (unsigned char)buf[c] > 0x7e)
				break;
		if (c >= e || buf[c] != ':') {
			snprintf(err, errsz, "line %zu: expected "
			    "'key: value'", lineno);
			return -1;
		}
		ke = c;
		while (ke > ks && is_wsp((unsigned char)buf[ke - 1]))
			ke--;
		vs = c + 1;
		while (vs < e && is_wsp((unsigned char)buf[vs]))
			vs++;
		ve = e;
		while (ve > vs && is_wsp((unsigned char)buf[ve - 1]))
			ve--;
#define KEY(k) (ke - ks == strlen(k) && strncmp(buf + ks, k, ke - ks) == 0)
#define VAL(v) (ve - vs == strlen(v) && strncmp(buf + vs, v, ve - vs) == 0)
		if (KEY("version")) {
			if (have_version) {
				snprintf(err, errsz, "line %zu: version "
				    "given twice", lineno);
				return -1;
			}
			if (!VAL("STSv1")) {
				snprintf(err, errsz, "line %zu: version "
				    "must be STSv1", lineno);
				return -1;
			}
			have_version = 1;
		} else if (KEY("mode")) {
			if (out->mode != MTASTS_MODE_UNSET) {
				snprintf(err, errsz, "line %zu: mode given "
				    "twice", lineno);
				return -1;
			}
			if (VAL("enforce"))
				out->mode = MTASTS_MODE_ENFORCE;
			else if (VAL("testing"))
				out->mode = MTASTS_MODE_TESTING;
			else if (VAL("none"))
				out->mode = MTASTS_MODE_NONE;
			else {
				snprintf(err, errsz, "line %zu: mode must be "
				    "enforce, testing or none", lineno);
				return -1;
			}
		} else if (KEY("max_age")) {
			uint32_t v = 0;
			size_t k;

			if (have_age) {
				snprintf(err, errsz, "line %zu: max_age "
				    "given twice", lineno);
				return -1;
			}
			/* max-age-value = 1*10(DIGIT) */
			if (ve == vs || ve - vs > 10)
				goto bad_age;
			for (k = vs; k < ve; k++) {
				if (!isdigit((unsigned char)buf[k]))
					goto bad_age;
				if (v > MTASTS_MAX_AGE)
					goto bad_age;
				v = v * 10 + (uint32_t)(buf[k] - '0');
			}
			if (v > MTASTS_MAX_AGE)
				goto bad_age;
			out->max_age = v;
			have_age = 1;
		} else if (KEY("mx")) {
			if (!valid_mx_pattern(buf + vs, ve - vs)) {
				snprintf(err, errsz, "line %zu: bad mx "
				    "pattern '%.*s'", lineno,
				    (int)(ve - vs > 60 ? 60 : ve - vs),
				    buf + vs);
				return -1;
			}
			if (out->nmx >= MTASTS_MAX_MX) {
				snprintf(err, errsz, "more than %d mx lines",
				    MTASTS_MAX_MX);
				return -1;
			}
			{
				size_t k, l = ve - vs;

				for (k = 0; k < l; k++)
					out->mx[out->nmx][k] = (char)tolower(
					    (unsigned char)buf[vs + k]);
				out->mx[out->nmx][l] = '\0';
				out->nmx++;
			}
		}
		/* other keys: extensions, ignored (§3.2) */
#undef KEY
#undef VAL
	}
	if (!have_version) {
		snprintf(err, errsz, "no version: STSv1 line");
		return -1;
	}
	if (out->mode == MTASTS_MODE_UNSET) {
		snprintf(err, errsz, "no mode line");
		return -1;
	}
	if (!have_age) {
		snprintf(err, errsz, "no max_age line");
		return -1;
	}
	if (out->nmx == 0 && out->mode != MTASTS_MODE_NONE) {
		snprintf(err, errsz, "no mx line (required with mode %s)",
		    mtasts_mode_name(out->mode));
		return -1;
	}
	return 0;
bad_age:
	snprintf(err, errsz, "line %zu: max_age must be 0 to %d seconds",
	    lineno, MTASTS_MAX_AGE);
	return -1;
}

int
mtasts_mx_match(const char *pattern, const char *host)
{
	size_t pl = strlen(pattern), hl = strlen(host);
	const char *dot;

	if (pl > 0 && pattern[pl - 1] == '.')
		pl--;
	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	if (pl == 0 || hl == 0)
		return 0;
	if (pl >= 2 && pattern[0] == '*' && pattern[1] == '.') {
		/* the wildcard is one whole left-most label */
		dot = memchr(host, '.', hl);
		if (dot == NULL || dot == host)
			return 0;
		return (size_t)(host + hl - dot) == pl - 1 &&
		    strncasecmp(dot, pattern + 1, pl - 1) == 0;
	}
	return pl == hl && strncasecmp(pattern, host, hl) == 0;
}

int
mtasts_policy_match(const struct mtasts_policy *p, const char *host)
{
	size_t i;

	for (i = 0; i < p->nmx; i++)
		if (mtasts_mx_match(p->mx[i], host))
			return (int)i;
	return -1;
}
