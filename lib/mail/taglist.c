/* taglist: splits a "name=value; name=value" TXT record into fields (RFC
 * 6376 §3.2, RFC 7489 §6.4, RFC 8461 §3.1, RFC 8460 §3). Touches: libc
 * only; pure. */
#include <stdio.h>

#include "mail/taglist.h"

#define TAGLIST_QUOTE	40	/* octets of a bad field quoted in err */

int
taglist_is_ws(enum taglist_ws ws, int c)
{
	if (c == ' ' || c == '\t')
		return 1;
	return ws == TAGLIST_FWS && (c == '\r' || c == '\n');
}

void
taglist_init(struct taglist_iter *it, const char *buf, size_t len,
    enum taglist_syntax syntax, enum taglist_ws ws)
{
	it->buf = buf;
	it->len = len;
	it->pos = 0;
	it->syntax = syntax;
	it->ws = ws;
}

int
taglist_next(struct taglist_iter *it, struct taglist_field *out,
    char *err, size_t errsz)
{
	const char *buf = it->buf;
	size_t s, e, eq, n, v;

	while (it->pos < it->len) {
		s = it->pos;
		while (it->pos < it->len && buf[it->pos] != ';')
			it->pos++;
		e = it->pos;
		if (it->pos < it->len)
			it->pos++;	/* the ';' */
		while (s < e && taglist_is_ws(it->ws, (unsigned char)buf[s]))
			s++;
		while (e > s && taglist_is_ws(it->ws,
		    (unsigned char)buf[e - 1]))
			e--;
		if (s == e) {
			if (it->syntax == TAGLIST_TAGS)
				continue;
			/* only white space, and no ';' after it: the
			 * optional final field-delim (RFC 8461 §3.1) */
			if (e == it->len)
				return 0;
			snprintf(err, errsz, "empty field");
			return -1;
		}
		for (eq = s; eq < e && buf[eq] != '='; eq++)
			;
		if (eq == e || (it->syntax == TAGLIST_FIELDS && eq == s)) {
			snprintf(err, errsz, "'%.*s' is not %s=value",
			    (int)(e - s > TAGLIST_QUOTE ? TAGLIST_QUOTE :
			    e - s), buf + s,
			    it->syntax == TAGLIST_TAGS ? "tag" : "name");
			return -1;
		}
		n = eq;
		v = eq + 1;
		if (it->syntax == TAGLIST_TAGS) {
			/* tag-spec = [FWS] tag-name [FWS] "=" [FWS]
			 * tag-value [FWS] (RFC 6376 §3.2) */
			while (n > s && taglist_is_ws(it->ws,
			    (unsigned char)buf[n - 1]))
				n--;
			while (v < e && taglist_is_ws(it->ws,
			    (unsigned char)buf[v]))
				v++;
		}
		out->field = buf + s;
		out->flen = e - s;
		out->name = buf + s;
		out->nlen = n - s;
		out->val = buf + v;
		out->vlen = e - v;
		return 1;
	}
	return 0;
}

void
taglist_items_init(struct taglist_items *it, const char *val, size_t len,
    char sep, enum taglist_ws ws)
{
	it->val = val;
	it->len = len;
	it->pos = 0;
	it->sep = sep;
	it->ws = ws;
	it->done = 0;
}

int
taglist_items_next(struct taglist_items *it, const char **item,
    size_t *ilen)
{
	size_t s, e;

	if (it->done)
		return 0;
	s = it->pos;
	while (it->pos < it->len && it->val[it->pos] != it->sep)
		it->pos++;
	e = it->pos;
	if (it->pos == it->len)
		it->done = 1;
	else
		it->pos++;
	while (s < e && taglist_is_ws(it->ws, (unsigned char)it->val[s]))
		s++;
	while (e > s && taglist_is_ws(it->ws, (unsigned char)it->val[e - 1]))
		e--;
	*item = it->val + s;
	*ilen = e - s;
	return 1;
}
