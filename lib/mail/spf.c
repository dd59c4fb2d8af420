/* spf: SPF record parser and macro expander (RFC 7208 §4.5-§7, §12 ABNF).
 * Touches: libc only (inet_pton for address syntax); no I/O. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/spf.h"
#include "util/mem.h"
#include "util/str.h"

static const struct {
	const char	*name;
	enum spf_kind	 kind;
} spf_mechs[] = {
	{ "all", SPF_ALL }, { "include", SPF_INCLUDE }, { "a", SPF_A },
	{ "mx", SPF_MX }, { "ptr", SPF_PTR }, { "ip4", SPF_IP4 },
	{ "ip6", SPF_IP6 }, { "exists", SPF_EXISTS },
};

int
spf_is_record(const char *buf, size_t len)
{
	if (len < 6 || strncasecmp(buf, "v=spf1", 6) != 0)
		return 0;
	return len == 6 || buf[6] == ' ';
}

const char *
spf_kind_name(enum spf_kind k)
{
	size_t i;

	for (i = 0; i < sizeof(spf_mechs) / sizeof(spf_mechs[0]); i++)
		if (spf_mechs[i].kind == k)
			return spf_mechs[i].name;
	if (k == SPF_REDIRECT)
		return "redirect";
	if (k == SPF_EXP)
		return "exp";
	return "modifier";
}

int
spf_kind_counts(enum spf_kind k)
{
	return k == SPF_INCLUDE || k == SPF_A || k == SPF_MX ||
	    k == SPF_PTR || k == SPF_EXISTS || k == SPF_REDIRECT;
}

static int
is_delim(int c)
{
	return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' ||
	    c == '_' || c == '=';
}

/* Parse one "%{...}" starting at s[i] == '%' and s[i+1] == '{'. Fills the
 * letter, digits (0 = all), reverse, delimiters; returns the index after
 * '}' or 0 on error. */
static size_t
macro_expand_parse(const char *s, size_t len, size_t i, int explain,
    char *letter, unsigned *digits, int *rev, char *delims, size_t dsz)
{
	size_t nd = 0;
	int c, any = 0;

	i += 2;
	if (i >= len)
		return 0;
	c = tolower((unsigned char)s[i]);
	if (c == '\0' || (strchr("slodiphv", c) == NULL &&
	    !(explain && strchr("crt", c) != NULL)))
		return 0;
	*letter = s[i++];
	*digits = 0;
	while (i < len && isdigit((unsigned char)s[i])) {
		if (*digits < 100000)
			*digits = *digits * 10 + (unsigned)(s[i] - '0');
		any = 1;
		i++;
	}
	if (any && *digits == 0)
		return 0;	/* §7.3: the DIGIT value MUST be nonzero */
	*rev = 0;
	if (i < len && (s[i] == 'r' || s[i] == 'R')) {
		*rev = 1;
		i++;
	}
	while (i < len && is_delim((unsigned char)s[i])) {
		if (nd + 1 < dsz)
			delims[nd++] = s[i];
		i++;
	}
	delims[nd] = '\0';
	if (i >= len || s[i] != '}')
		return 0;
	return i + 1;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static int
is_toplabel(const char *s, size_t len)
{
	size_t i;
	int alpha = 0;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (s[i] == '-') {
			if (i == 0 || i == len - 1)
				return 0;
			alpha = 1;	/* the second form */
		} else if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	return alpha;
}

int
spf_macro_check(const char *s, size_t len, int explain, int domain)
{
	size_t i = 0, last_macro_end = (size_t)-1;
	char letter, delims[16];
	unsigned digits;
	int rev;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			if (i + 1 >= len)
				return -1;
			if (s[i + 1] == '%' || s[i + 1] == '_' ||
			    s[i + 1] == '-') {
				i += 2;
			} else if (s[i + 1] == '{') {
				i = macro_expand_parse(s, len, i, explain,
				    &letter, &digits, &rev, delims,
				    sizeof(delims));
				if (i == 0)
					return -1;
			} else
				return -1;
			last_macro_end = i;
			continue;
		}
		/* macro-literal = %x21-24 / %x26-7E; explanation text may
		 * also hold spaces (§6.2: explain-string) */
		if (!(c >= 0x21 && c <= 0x7e) && !(explain && c == ' '))
			return -1;
		i++;
	}
	if (!domain)
		return 0;
	if (len == 0)
		return -1;
	if (last_macro_end == len)
		return 0;
	/* domain-end = "." toplabel [ "." ] after the last macro */
	{
		size_t end = len, start;

		if (s[end - 1] == '.')
			end--;
		start = end;
		while (start > 0 && s[start - 1] != '.')
			start--;
		if (start == 0 || (last_macro_end != (size_t)-1 &&
		    start - 1 < last_macro_end))
			return -1;
		if (!is_toplabel(s + start, end - start))
			return -1;
	}
	return 0;
}

int
spf_macro_uses(const char *s, char c)
{
	size_t i, len = strlen(s);

	for (i = 0; i + 2 < len; i++)
		if (s[i] == '%' && s[i + 1] == '%')
			i++;
		else if (s[i] == '%' && s[i + 1] == '{' &&
		    tolower((unsigned char)s[i + 2]) == c)
			return 1;
	return 0;
}

static void
url_escape(struct sbuf *out, const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~')
			sbuf_add(out, &v[i], 1);
		else
			sbuf_addf(out, "%%%02X", c);
	}
}

/* One macro: split the value on delims, maybe reverse, keep the rightmost
 * 'digits' parts, join with '.'. */
static void
expand_one(struct sbuf *out, const char *val, char letter, unsigned digits,
    int rev, const char *delims)
{
	const char *parts[256];
	size_t plen[256], np = 0, i, first;
	const char *p = val, *q;
	struct sbuf tmp;

	if (*delims == '\0')
		delims = ".";
	for (;;) {
		q = p;
		while (*q && strchr(delims, *q) == NULL)
			q++;
		if (np < 256) {
			parts[np] = p;
			plen[np] = (size_t)(q - p);
			np++;
		}
		if (*q == '\0')
			break;
		p = q + 1;
	}
	if (rev)
		for (i = 0; i < np / 2; i++) {
			const char *tp = parts[i];
			size_t tl = plen[i];

			parts[i] = parts[np - 1 - i];
			plen[i] = plen[np - 1 - i];
			parts[np - 1 - i] = tp;
			plen[np - 1 - i] = tl;
		}
	first = (digits > 0 && digits < np) ? np - digits : 0;
	sbuf_init(&tmp, 65536);
	for (i = first; i < np; i++) {
		if (i > first)
			sbuf_add(&tmp, ".", 1);
		sbuf_add(&tmp, parts[i], plen[i]);
	}
	if (isupper((unsigned char)letter))
		url_escape(out, tmp.data ? tmp.data : "", tmp.len);
	else if (tmp.len)
		sbuf_add(out, tmp.data, tmp.len);
	sbuf_free(&tmp);
}

static const char *
macro_var(const struct spf_macro_vars *v, char c)
{
	const char *r = NULL;

	switch (tolower((unsigned char)c)) {
	case 's': r = v->s; break;
	case 'l': r = v->l; break;
	case 'o': r = v->o; break;
	case 'd': r = v->d; break;
	case 'i': r = v->i; break;
	case 'p': r = v->p; break;
	case 'v': r = v->v; break;
	case 'h': r = v->h; break;
	case 'c': r = v->c; break;
	case 'r': r = v->r; break;
	case 't': r = v->t; break;
	}
	return r ? r : "";
}

int
spf_macro_expand(const char *s, size_t len, const struct spf_macro_vars *v,
    int explain, int domain, struct sbuf *out)
{
	size_t i = 0;
	char letter, delims[16];
	unsigned digits;
	int rev;

	sbuf_reset(out);
	if (spf_macro_check(s, len, explain, 0) != 0)
		return -1;
	while (i < len) {
		if (s[i] != '%') {
			sbuf_add(out, &s[i], 1);
			i++;
			continue;
		}
		switch (s[i + 1]) {
		case '%': sbuf_add(out, "%", 1); i += 2; continue;
		case '_': sbuf_add(out, " ", 1); i += 2; continue;
		case '-': sbuf_add(out, "%20", 3); i += 2; continue;
		}
		i = macro_expand_parse(s, len, i, explain, &letter, &digits,
		    &rev, delims, sizeof(delims));
		if (i == 0)
			return -1;
		expand_one(out, macro_var(v, letter), letter, digits, rev,
		    delims);
	}
	if (out->over)
		return -1;
	if (domain) {
		/* §7.3: drop labels from the left until it fits */
		char *d = out->data ? out->data : "";
		size_t l = out->len, cut = 0;

		if (l > 0 && d[l - 1] == '.')
			l--;
		while (l - cut > SPF_MAX_DOMAIN) {
			char *dot = memchr(d + cut, '.', l - cut);

			if (dot == NULL)
				break;
			cut = (size_t)(dot - d) + 1;
		}
		if (cut > 0) {
			memmove(d, d + cut, out->len - cut + 1);
			out->len -= cut;
		}
		if (out->len > 0 && out->data[out->len - 1] == '.')
			out->data[--out->len] = '\0';
	}
	return 0;
}

/* ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT), range 0-32 (and
 * 0*2DIGIT, 0-128 for ip6). Returns the value or -1. */
static int
parse_cidr(const char *s, size_t len, int max)
{
	int v = 0;
	size_t i;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* Strip a dual-cidr-length from the end of [s, s+*len). */
static int
strip_dual_cidr(const char *s, size_t *len, int *c4, int *c6, int allow4,
    int allow6)
{
	size_t l = *len, j;

	*c4 = *c6 = -1;
	/* "//" ip6 */
	for (j = l; j > 0 && isdigit((unsigned char)s[j - 1]); j--)
		;
	if (allow6 && j >= 2 && j < l && s[j - 1] == '/' && s[j - 2] == '/') {
		if ((*c6 = parse_cidr(s + j, l - j, 128)) < 0)
			return -1;
		l = j - 2;
		for (j = l; j > 0 && isdigit((unsigned char)s[j - 1]); j--)
			;
	}
	if (allow4 && j >= 1 && j < l && s[j - 1] == '/') {
		if ((*c4 = parse_cidr(s + j, l - j, allow6 ? 32 : 128)) < 0)
			return -1;
		l = j - 1;
	}
	if (l > 0 && s[l - 1] == '/')
		return -1;
	*len = l;
	return 0;
}

static int
parse_term(struct spf_term *t, const char *s, size_t len, char *err,
    size_t errsz)
{
	size_t i = 0, nl;
	const char *arg = NULL;
	size_t arglen = 0;
	int has_arg = 0, k;

	t->cidr4 = t->cidr6 = -1;
	t->text = xstrndup(s, len);
	/* modifier: name "=" ... */
	if (isalpha((unsigned char)s[0])) {
		for (i = 1; i < len && (isalnum((unsigned char)s[i]) ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.'); i++)
			;
		if (i < len && s[i] == '=') {
			const char *v = s + i + 1;
			size_t vl = len - i - 1;

			if (i == 8 && strncasecmp(s, "redirect", 8) == 0)
				t->kind = SPF_REDIRECT;
			else if (i == 3 && strncasecmp(s, "exp", 3) == 0)
				t->kind = SPF_EXP;
			else
				t->kind = SPF_UNKNOWN_MOD;
			if (spf_macro_check(v, vl, 0,
			    t->kind != SPF_UNKNOWN_MOD) != 0) {
				snprintf(err, errsz, "bad %s value",
				    t->kind == SPF_UNKNOWN_MOD ? "modifier" :
				    spf_kind_name(t->kind));
				return -1;
			}
			t->name = xstrndup(s, i);
			t->domain = xstrndup(v, vl);
			return 0;
		}
	}
	i = 0;
	t->qualifier = '+';
	if (strchr("+-~?", s[0]) != NULL) {
		t->qualifier = s[0];
		i = 1;
	}
	for (nl = i; nl < len && s[nl] != ':' && s[nl] != '/'; nl++)
		;
	t->kind = 0;
	for (k = 0; k < (int)(sizeof(spf_mechs) / sizeof(spf_mechs[0]));
	    k++)
		if (strlen(spf_mechs[k].name) == nl - i &&
		    strncasecmp(s + i, spf_mechs[k].name, nl - i) == 0)
			t->kind = spf_mechs[k].kind;
	if (t->kind == 0) {
		snprintf(err, errsz, "unknown mechanism");
		return -1;
	}
	if (nl < len && s[nl] == ':') {
		has_arg = 1;
		arg = s + nl + 1;
		arglen = len - nl - 1;
	} else if (nl < len) {
		arg = s + nl;	/* starts with '/' */
		arglen = len - nl;
	}
	switch (t->kind) {
	case SPF_ALL:
		if (nl != len)
			goto bad_arg;
		return 0;
	case SPF_INCLUDE:
	case SPF_EXISTS:
		if (!has_arg || spf_macro_check(arg, arglen, 0, 1) != 0)
			goto bad_arg;
		t->domain = xstrndup(arg, arglen);
		return 0;
	case SPF_PTR:
		if (arg != NULL && (!has_arg ||
		    spf_macro_check(arg, arglen, 0, 1) != 0))
			goto bad_arg;
		if (has_arg)
			t->domain = xstrndup(arg, arglen);
		return 0;
	case SPF_A:
	case SPF_MX:
		if (arg == NULL)
			return 0;
		if (strip_dual_cidr(arg, &arglen, &t->cidr4, &t->cidr6, 1,
		    1) != 0)
			goto bad_cidr;
		if (has_arg) {
			if (spf_macro_check(arg, arglen, 0, 1) != 0)
				goto bad_arg;
			t->domain = xstrndup(arg, arglen);
		} else if (arglen != 0)
			goto bad_arg;
		return 0;
	case SPF_IP4:
	case SPF_IP6: {
		char ab[64];
		int c6;

		if (!has_arg)
			goto bad_arg;
		if (strip_dual_cidr(arg, &arglen, &t->cidr4, &c6, 1, 0) != 0)
			goto bad_cidr;
		if (t->kind == SPF_IP4 && t->cidr4 > 32)
			goto bad_cidr;
		if (t->kind == SPF_IP6) {
			t->cidr6 = t->cidr4;
			t->cidr4 = -1;
		}
		if (arglen == 0 || arglen >= sizeof(ab))
			goto bad_arg;
		memcpy(ab, arg, arglen);
		ab[arglen] = '\0';
		if (inet_pton(t->kind == SPF_IP4 ? AF_INET : AF_INET6, ab,
		    t->ip) != 1) {
			snprintf(err, errsz, "bad address");
			return -1;
		}
		return 0;
	}
	default:
		break;
	}
bad_arg:
	snprintf(err, errsz, "bad %s argument", spf_kind_name(t->kind));
	return -1;
bad_cidr:
	snprintf(err, errsz, "bad CIDR length");
	return -1;
}

struct spf_record *
spf_parse(const char *buf, size_t len, char *err, size_t errsz)
{
	struct spf_record *r;
	size_t i, start;
	char why[128];

	if (errsz > 0)
		err[0] = '\0';
	if (len > SPF_MAX_LEN) {
		snprintf(err, errsz, "record longer than %d octets",
		    SPF_MAX_LEN);
		return NULL;
	}
	if (!spf_is_record(buf, len)) {
		snprintf(err, errsz, "not an SPF record (no \"v=spf1\")");
		return NULL;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 ||
		    (unsigned char)buf[i] > 0x7e) {
			snprintf(err, errsz, "character 0x%02x at offset %zu "
			    "(only printable ASCII and spaces)",
			    (unsigned char)buf[i], i);
			return NULL;
		}
	r = xcalloc(1, sizeof(*r));
	r->redirect = r->exp = -1;
	i = 6;
	for (;;) {
		while (i < len && buf[i] == ' ')
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && buf[i] != ' ')
			i++;
		if (r->n >= SPF_MAX_TERMS) {
			snprintf(err, errsz, "more than %d terms",
			    SPF_MAX_TERMS);
			goto fail;
		}
		if (parse_term(&r->terms[r->n], buf + start, i - start, why,
		    sizeof(why)) != 0) {
			snprintf(err, errsz, "term %zu '%.*s': %s", r->n + 1,
			    (int)(i - start > 64 ? 64 : i - start),
			    buf + start, why);
			r->n++;
			goto fail;
		}
		if (r->terms[r->n].kind == SPF_REDIRECT ||
		    r->terms[r->n].kind == SPF_EXP) {
			int *slot = r->terms[r->n].kind == SPF_REDIRECT ?
			    &r->redirect : &r->exp;

			if (*slot >= 0) {
				snprintf(err, errsz, "term %zu: %s= given "
				    "twice (§6)", r->n + 1,
				    spf_kind_name(r->terms[r->n].kind));
				r->n++;
				goto fail;
			}
			*slot = (int)r->n;
		}
		r->n++;
	}
	return r;
fail:
	spf_record_free(r);
	return NULL;
}

void
spf_record_free(struct spf_record *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->terms[i].domain);
		free(r->terms[i].name);
		free(r->terms[i].text);
	}
	free(r);
}
