/* psl: Public Suffix List rules in a hash set, and the organizational
 * domain of RFC 7489 §3.2. Touches: libc only; pure. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/psl.h"
#include "util/mem.h"
#include "util/str.h"

#define PSL_NORMAL	1
#define PSL_WILDCARD	2	/* "*.key" */
#define PSL_EXCEPTION	4	/* "!key" */

struct psl_ent {
	char	*key;		/* NULL: empty slot */
	int	 flags;
};

struct psl {
	struct psl_ent	*tab;
	size_t		 cap;	/* power of two */
	size_t		 n;
};

static uint32_t
hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static struct psl_ent *
slot(const struct psl *p, const char *key, size_t len)
{
	size_t i = hash(key, len) & (p->cap - 1);

	while (p->tab[i].key != NULL && (strlen(p->tab[i].key) != len ||
	    memcmp(p->tab[i].key, key, len) != 0))
		i = (i + 1) & (p->cap - 1);
	return &p->tab[i];
}

static int
lookup(const struct psl *p, const char *key, size_t len)
{
	const struct psl_ent *e = slot(p, key, len);

	return e->key ? e->flags : 0;
}

static void
grow(struct psl *p)
{
	struct psl_ent *old = p->tab;
	size_t oldcap = p->cap, i;

	p->cap = oldcap ? oldcap * 2 : 1024;
	p->tab = xcalloc(p->cap, sizeof(*p->tab));
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*slot(p, old[i].key, strlen(old[i].key)) = old[i];
	free(old);
}

static void
add(struct psl *p, const char *key, size_t len, int flag)
{
	struct psl_ent *e;

	if ((p->n + 1) * 2 > p->cap)
		grow(p);
	e = slot(p, key, len);
	if (e->key == NULL) {
		e->key = xstrndup(key, len);
		p->n++;
	}
	e->flags |= flag;
}

struct psl *
psl_parse(const char *buf, size_t len, char *err, size_t errsz)
{
	struct psl *p;
	size_t i = 0, lineno = 0, s, e, k;
	char rule[256];

	if (errsz)
		err[0] = '\0';
	if (len > PSL_MAX_LEN) {
		snprintf(err, errsz, "list longer than %u octets",
		    PSL_MAX_LEN);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	grow(p);
	while (i < len) {
		int flag = PSL_NORMAL;
		size_t rl;

		s = i;
		while (i < len && buf[i] != '\n')
			i++;
		e = i;
		if (i < len)
			i++;
		lineno++;
		while (s < e && (buf[s] == ' ' || buf[s] == '\t' ||
		    buf[s] == '\r'))
			s++;
		if (s == e || (e - s >= 2 && buf[s] == '/' &&
		    buf[s + 1] == '/'))
			continue;
		/* the rule is the first white-space-free run */
		for (k = s; k < e && buf[k] != ' ' && buf[k] != '\t' &&
		    buf[k] != '\r'; k++)
			;
		if (buf[s] == '!') {
			flag = PSL_EXCEPTION;
			s++;
		} else if (k - s >= 2 && buf[s] == '*' && buf[s + 1] == '.') {
			flag = PSL_WILDCARD;
			s += 2;
		}
		rl = k - s;
		if (rl == 0 || rl >= sizeof(rule)) {
			snprintf(err, errsz, "line %zu: bad rule", lineno);
			goto fail;
		}
		for (k = 0; k < rl; k++) {
			unsigned char c = (unsigned char)buf[s + k];

			if (c == '*' || c == '!' || c < 0x21 || (c == '.' &&
			    (k == 0 || k == rl - 1 || buf[s + k - 1] == '.'))) {
				snprintf(err, errsz, "line %zu: bad rule "
				    "'%.*s'", lineno, (int)(rl > 60 ? 60 : rl),
				    buf + s);
				goto fail;
			}
			rule[k] = (char)(c < 0x80 ? tolower(c) : c);
		}
		if (flag == PSL_EXCEPTION && memchr(rule, '.', rl) == NULL) {
			snprintf(err, errsz, "line %zu: exception rule of one "
			    "label", lineno);
			goto fail;
		}
		if (p->n >= PSL_MAX_RULES) {
			snprintf(err, errsz, "more than %d rules",
			    PSL_MAX_RULES);
			goto fail;
		}
		add(p, rule, rl, flag);
	}
	return p;
fail:
	psl_free(p);
	return NULL;
}

void
psl_free(struct psl *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->cap; i++)
		free(p->tab[i].key);
	free(p->tab);
	free(p);
}

size_t
psl_count(const struct psl *p)
{
	return p->n;
}

/* Lower-case copy without the trailing dot; label start offsets. */
static int
split(const char *domain, char *d, size_t dsz, size_t *starts, size_t max,
    size_t *n)
{
	size_t len = strlen(domain), i, lab = 0;

	if (len > 0 && domain[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || len >= dsz)
		return -1;
	*n = 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)domain[i];

		if (c <= 0x20 || c == 0x7f)
			return -1;
		d[i] = (char)(c < 0x80 ? tolower(c) : c);
		if (c == '.') {
			if (lab == 0)
				return -1;
			lab = 0;
			continue;
		}
		if (lab == 0) {
			if (*n >= max)
				return -1;
			starts[(*n)++] = i;
		}
		if (++lab > 63)
			return -1;
	}
	d[len] = '\0';
	return 0;
}

/* Number of labels in the public suffix of the split name. */
static size_t
suffix_labels(const struct psl *p, const char *d, const size_t *starts,
    size_t n)
{
	size_t k, ps = 1, len = strlen(d);

	for (k = 1; k <= n; k++) {
		const char *s = d + starts[n - k];
		int f = lookup(p, s, len - starts[n - k]);

		if (f & PSL_EXCEPTION)
			return k - 1;	/* exceptions win */
		if ((f & PSL_NORMAL) && k > ps)
			ps = k;
		if ((f & PSL_WILDCARD) && k < n && k + 1 > ps)
			ps = k + 1;
	}
	return ps;
}

int
psl_public_suffix(const struct psl *p, const char *domain, char *out,
    size_t outsz)
{
	char d[256];
	size_t starts[128], n, ps;

	if (split(domain, d, sizeof(d), starts, 128, &n) != 0)
		return -1;
	ps = suffix_labels(p, d, starts, n);
	if (ps > n)
		ps = n;
	return str_copy(out, d + starts[n - ps], outsz) < outsz ? 0 : -1;
}

int
psl_org_domain(const struct psl *p, const char *domain, char *out,
    size_t outsz)
{
	char d[256];
	size_t starts[128], n, ps;

	if (split(domain, d, sizeof(d), starts, 128, &n) != 0)
		return -1;
	ps = suffix_labels(p, d, starts, n);
	if (ps >= n)
		return -1;	/* the name is itself a public suffix */
	return str_copy(out, d + starts[n - ps - 1], outsz) < outsz ? 0 : -1;
}
