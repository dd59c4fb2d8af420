/* conf: parse, expand and check the configuration file and -o overrides.
 * The parser (conf_parse, conf_override) is pure; only conf_load_file,
 * conf_finalize (key-file modes) and conf_setup touch the file system.
 * Touches: libc. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/conf.h"
#include "util/mem.h"
#include "util/str.h"

#define CONF_LINE_MAX	4096
#define CONF_FILE_MAX	(1024 * 1024)
#define CONF_VS_MAX	64
#define CONF_DEPTH_MAX	8

struct conf_vals {
	char	**raw;		/* as written, or NULL when unset */
	char	**src;		/* "file:line" or "-o" */
	char	**val;		/* expanded, after finalize */
};

struct conf_vs {
	char		*name;
	char		*src;
	struct conf_vals v;
};

struct conf {
	char		*path;
	struct conf_vals v;
	struct conf_vs	*vs;
	size_t		 nvs;
	int		 final;
};

static void
conf_vals_init(struct conf_vals *v)
{
	v->raw = xcalloc(conf_nkeys, sizeof(char *));
	v->src = xcalloc(conf_nkeys, sizeof(char *));
	v->val = xcalloc(conf_nkeys, sizeof(char *));
}

static void
conf_vals_free(struct conf_vals *v)
{
	size_t i;

	if (v->raw == NULL)
		return;
	for (i = 0; i < conf_nkeys; i++) {
		free(v->raw[i]);
		free(v->src[i]);
		free(v->val[i]);
	}
	free(v->raw);
	free(v->src);
	free(v->val);
}

struct conf *
conf_new(void)
{
	struct conf *c = xcalloc(1, sizeof(*c));

	conf_vals_init(&c->v);
	return c;
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nvs; i++) {
		free(c->vs[i].name);
		free(c->vs[i].src);
		conf_vals_free(&c->vs[i].v);
	}
	free(c->vs);
	conf_vals_free(&c->v);
	free(c->path);
	free(c);
}

const char *
conf_path(const struct conf *c)
{
	return c->path ? c->path : "-";
}

static long
conf_key_index(const char *name, size_t nlen, int scope)
{
	size_t i;

	for (i = 0; i < conf_nkeys; i++)
		if ((conf_keys[i].scope & scope) &&
		    strlen(conf_keys[i].name) == nlen &&
		    strncmp(conf_keys[i].name, name, nlen) == 0)
			return (long)i;
	return -1;
}

static int
conf_valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 63)
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '_' ||
		    s[i] == '-'))
			return 0;
	return 1;
}

static struct conf_vs *
conf_vs_get(struct conf *c, const char *name, size_t n, const char *src,
    int create)
{
	size_t i;

	for (i = 0; i < c->nvs; i++)
		if (strlen(c->vs[i].name) == n &&
		    strncmp(c->vs[i].name, name, n) == 0)
			return &c->vs[i];
	if (!create || c->nvs >= CONF_VS_MAX)
		return NULL;
	c->vs = xrealloc(c->vs, (c->nvs + 1) * sizeof(*c->vs));
	memset(&c->vs[c->nvs], 0, sizeof(*c->vs));
	c->vs[c->nvs].name = xstrndup(name, n);
	c->vs[c->nvs].src = xstrdup(src);
	conf_vals_init(&c->vs[c->nvs].v);
	return &c->vs[c->nvs++];
}

/* Set one key; dup_is_error for the file, not for -o overrides. */
static int
conf_set(struct conf_vals *v, int scope, const char *key, size_t klen,
    const char *val, const char *src, int dup_is_error, struct sbuf *err)
{
	long k = conf_key_index(key, klen, scope);

	if (k < 0) {
		sbuf_addf(err, "%s: unknown %skey '%.*s'", src,
		    scope == CONF_SCOPE_VS ? "virtual server " : "",
		    (int)klen, key);
		return -1;
	}
	if (v->raw[k] && dup_is_error) {
		sbuf_addf(err, "%s: duplicate key '%s' (first set at %s)",
		    src, conf_keys[k].name, v->src[k]);
		return -1;
	}
	free(v->raw[k]);
	free(v->src[k]);
	v->raw[k] = xstrdup(val);
	v->src[k] = xstrdup(src);
	return 0;
}

/* One logical line: "key = value", "[vs NAME]", comment or blank. */
static int
conf_line(struct conf *c, struct conf_vs **cur, char *line, const char *src,
    struct sbuf *err)
{
	char *p = str_trim(line), *eq, *key, *val;

	if (*p == '\0' || *p == '#')
		return 0;
	if (*p == '[') {
		char *end = strchr(p, ']'), *name;

		if (end == NULL || end[1] != '\0' ||
		    strncmp(p, "[vs", 3) != 0 ||
		    !isspace((unsigned char)p[3])) {
			sbuf_addf(err, "%s: bad section header '%s' (expected "
			    "'[vs NAME]')", src, p);
			return -1;
		}
		*end = '\0';
		name = str_trim(p + 3);
		if (!conf_valid_name(name, strlen(name))) {
			sbuf_addf(err, "%s: bad virtual server name '%s' "
			    "(a-z, 0-9, '-', '_')", src, name);
			return -1;
		}
		if (conf_vs_get(c, name, strlen(name), src, 0)) {
			sbuf_addf(err, "%s: virtual server '%s' defined twice",
			    src, name);
			return -1;
		}
		if ((*cur = conf_vs_get(c, name, strlen(name), src, 1)) ==
		    NULL) {
			sbuf_addf(err, "%s: more than %d virtual servers", src,
			    CONF_VS_MAX);
			return -1;
		}
		return 0;
	}
	if ((eq = strchr(p, '=')) == NULL) {
		sbuf_addf(err, "%s: expected 'key = value', got '%s'", src, p);
		return -1;
	}
	*eq = '\0';
	key = str_trim(p);
	val = str_trim(eq + 1);
	if (!conf_valid_name(key, strlen(key))) {
		sbuf_addf(err, "%s: bad key name '%s'", src, key);
		return -1;
	}
	if (*cur)
		return conf_set(&(*cur)->v, CONF_SCOPE_VS, key, strlen(key),
		    val, src, 1, err);
	return conf_set(&c->v, CONF_SCOPE_GLOBAL, key, strlen(key), val, src,
	    1, err);
}

int
conf_parse(struct conf *c, const char *buf, size_t len, const char *fname,
    struct sbuf *err)
{
	struct conf_vs *cur = NULL;
	struct sbuf logical;
	char src[512];
	size_t i = 0, lineno = 0, start_line = 0;
	int r = 0;

	sbuf_init(&logical, CONF_LINE_MAX);
	while (i < len && r == 0) {
		size_t e = i;

		while (e < len && buf[e] != '\n')
			e++;
		lineno++;
		if (memchr(buf + i, '\0', e - i)) {
			sbuf_addf(err, "%s:%zu: NUL byte in line", fname,
			    lineno);
			r = -1;
			break;
		}
		/* Postfix style: a line starting with white space continues
		 * the previous one, unless it is blank or a comment. */
		if (e > i && isspace((unsigned char)buf[i]) && logical.len) {
			size_t j = i;

			while (j < e && isspace((unsigned char)buf[j]))
				j++;
			if (j < e && buf[j] != '#') {
				if (sbuf_add(&logical, " ", 1) ||
				    sbuf_add(&logical, buf + j, e - j)) {
					sbuf_addf(err, "%s:%zu: line longer "
					    "than %d octets", fname, lineno,
					    CONF_LINE_MAX);
					r = -1;
				}
			}
			i = e + 1;
			continue;
		}
		if (logical.len) {
			snprintf(src, sizeof(src), "%s:%zu", fname,
			    start_line);
			r = conf_line(c, &cur, logical.data, src, err);
			sbuf_reset(&logical);
		}
		if (r == 0 && e > i) {
			if (sbuf_add(&logical, buf + i, e - i)) {
				sbuf_addf(err, "%s:%zu: line longer than %d "
				    "octets", fname, lineno, CONF_LINE_MAX);
				r = -1;
			}
			start_line = lineno;
		}
		i = e + 1;
	}
	if (r == 0 && logical.len) {
		snprintf(src, sizeof(src), "%s:%zu", fname, start_line);
		r = conf_line(c, &cur, logical.data, src, err);
	}
	sbuf_free(&logical);
	return r;
}

int
conf_load_file(struct conf *c, const char *path, struct sbuf *err)
{
	FILE *fp;
	char *buf;
	size_t n;
	int r;

	if ((fp = fopen(path, "r")) == NULL) {
		sbuf_addf(err, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	buf = xmalloc(CONF_FILE_MAX + 1);
	n = fread(buf, 1, CONF_FILE_MAX + 1, fp);
	if (ferror(fp) || n > CONF_FILE_MAX) {
		sbuf_addf(err, "%s: %s", path, ferror(fp) ?
		    "read error" : "larger than 1 MiB");
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	free(c->path);
	c->path = xstrdup(path);
	r = conf_parse(c, buf, n, path, err);
	free(buf);
	return r;
}

int
conf_override(struct conf *c, const char *kv, struct sbuf *err)
{
	const char *eq = strchr(kv, '='), *key = kv, *dot;
	char src[600];
	struct conf_vs *vs;
	char *val;
	int r;

	snprintf(src, sizeof(src), "-o %.500s", kv);
	if (eq == NULL) {
		sbuf_addf(err, "%s: expected key=value", src);
		return -1;
	}
	val = str_trim(xstrdup(eq + 1));
	if (strncmp(kv, "vs.", 3) == 0) {
		key = kv + 3;
		dot = memchr(key, '.', (size_t)(eq - key));
		if (dot == NULL || !conf_valid_name(key, (size_t)(dot - key))) {
			sbuf_addf(err, "%s: expected vs.NAME.key=value", src);
			free(val);
			return -1;
		}
		if ((vs = conf_vs_get(c, key, (size_t)(dot - key), src, 1)) ==
		    NULL) {
			sbuf_addf(err, "%s: too many virtual servers", src);
			free(val);
			return -1;
		}
		r = conf_set(&vs->v, CONF_SCOPE_VS, dot + 1,
		    (size_t)(eq - dot - 1), val, src, 0, err);
	} else
		r = conf_set(&c->v, CONF_SCOPE_GLOBAL, key, (size_t)(eq - key),
		    val, src, 0, err);
	free(val);
	return r;
}

static const char *conf_raw_or_default(const struct conf_vals *, long);

/* Expand $key / ${key} / $$ in s. vs may be NULL. */
static int
conf_expand(const struct conf *c, const struct conf_vs *vs, const char *s,
    struct sbuf *out, int depth, const char *src, struct sbuf *err)
{
	while (*s) {
		const char *name;
		size_t n;
		long k;

		if (*s != '$') {
			if (sbuf_add(out, s++, 1))
				goto toolong;
			continue;
		}
		s++;
		if (*s == '$') {
			if (sbuf_add(out, s++, 1))
				goto toolong;
			continue;
		}
		if (*s == '{') {
			const char *e = strchr(s, '}');

			if (e == NULL) {
				sbuf_addf(err, "%s: unterminated ${", src);
				return -1;
			}
			name = s + 1;
			n = (size_t)(e - name);
			s = e + 1;
		} else {
			name = s;
			while (islower((unsigned char)*s) ||
			    isdigit((unsigned char)*s) || *s == '_')
				s++;
			n = (size_t)(s - name);
		}
		if (depth >= CONF_DEPTH_MAX) {
			sbuf_addf(err, "%s: $%.*s: expansion nested too deep "
			    "(a loop?)", src, (int)n, name);
			return -1;
		}
		if (vs && n == 2 && strncmp(name, "vs", 2) == 0) {
			if (sbuf_adds(out, vs->name))
				goto toolong;
			continue;
		}
		if (vs && (k = conf_key_index(name, n, CONF_SCOPE_VS)) >= 0 &&
		    !(conf_keys[k].scope & CONF_SCOPE_GLOBAL)) {
			if (conf_expand(c, vs, conf_raw_or_default(&vs->v, k),
			    out, depth + 1, src, err))
				return -1;
			continue;
		}
		if ((k = conf_key_index(name, n, CONF_SCOPE_GLOBAL)) < 0) {
			sbuf_addf(err, "%s: unknown key '$%.*s' in value", src,
			    (int)n, name);
			return -1;
		}
		if (conf_expand(c, NULL, conf_raw_or_default(&c->v, k), out,
		    depth + 1, src, err))
			return -1;
	}
	return 0;
toolong:
	sbuf_addf(err, "%s: value longer than %d octets after expansion", src,
	    CONF_LINE_MAX);
	return -1;
}

static const char *
conf_raw_or_default(const struct conf_vals *v, long k)
{
	if (v->raw[k])
		return v->raw[k];
	return conf_keys[k].def ? conf_keys[k].def : "";
}

static int
conf_in_choices(const char *choices, const char *w)
{
	size_t n = strlen(w);
	const char *p = choices;

	while (p && *p) {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && strncmp(p, w, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static int
conf_addr_ok(const char *w)
{
	const char *colon;
	long port;

	if (*w == '[') {
		const char *e = strchr(w, ']');
		if (e == NULL || e[1] != ':')
			return 0;
		colon = e + 1;
	} else if ((colon = strrchr(w, ':')) == NULL || colon == w)
		return 0;
	return str_to_int(colon + 1, 1, 65535, &port) == 0;
}

static int
conf_check_value(long k, const char *val, const char *src, struct sbuf *err)
{
	const struct conf_keydef *d = &conf_keys[k];
	uint64_t u;
	long l;
	int b;
	char **w;
	size_t i, n;
	int r = 0;

	switch (d->type) {
	case CONF_T_INT:
		if (str_to_int(val, d->min, d->max, &l)) {
			sbuf_addf(err, "%s: %s: '%s' is not a whole number "
			    "from %ld to %ld", src, d->name, val, d->min,
			    d->max);
			return -1;
		}
		break;
	case CONF_T_BOOL:
		if (str_to_bool(val, &b)) {
			sbuf_addf(err, "%s: %s: '%s' is not yes or no", src,
			    d->name, val);
			return -1;
		}
		break;
	case CONF_T_DURATION:
		if (str_to_duration(val, &u)) {
			sbuf_addf(err, "%s: %s: '%s' is not a duration "
			    "(like 180s, 3m, 2h, 14d)", src, d->name, val);
			return -1;
		}
		break;
	case CONF_T_SIZE:
		if (str_to_size(val, &u)) {
			sbuf_addf(err, "%s: %s: '%s' is not a size (like "
			    "10485760, 64k, 10M)", src, d->name, val);
			return -1;
		}
		break;
	case CONF_T_ENUM:
		if (!conf_in_choices(d->choices, val)) {
			sbuf_addf(err, "%s: %s: '%s' is not one of %s", src,
			    d->name, val, d->choices);
			return -1;
		}
		break;
	case CONF_T_ENUMLIST:
	case CONF_T_ADDRLIST:
		w = conf_split(val, &n);
		for (i = 0; i < n && r == 0; i++) {
			if (d->type == CONF_T_ENUMLIST &&
			    !conf_in_choices(d->choices, w[i])) {
				sbuf_addf(err, "%s: %s: '%s' is not one of %s",
				    src, d->name, w[i], d->choices);
				r = -1;
			} else if (d->type == CONF_T_ADDRLIST &&
			    !conf_addr_ok(w[i])) {
				sbuf_addf(err, "%s: %s: '%s' is not an "
				    "address:port (IPv6 as [addr]:port)", src,
				    d->name, w[i]);
				r = -1;
			}
		}
		conf_list_free(w);
		return r;
	case CONF_T_KEYFILE: {
		struct stat st;

		if (*val && stat(val, &st) == 0 && (st.st_mode & 077)) {
			sbuf_addf(err, "%s: %s: key file '%s' is accessible "
			    "by group or others (mode %04o); chmod 600 it",
			    src, d->name, val, (unsigned)(st.st_mode & 07777));
			return -1;
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

static int
conf_finalize_vals(struct conf *c, struct conf_vs *vs, struct conf_vals *v,
    int scope, struct sbuf *err)
{
	struct sbuf out;
	size_t k;
	int r = 0;

	sbuf_init(&out, CONF_LINE_MAX);
	for (k = 0; k < conf_nkeys && r == 0; k++) {
		char dsrc[600];
		const char *src;

		if (!(conf_keys[k].scope & scope))
			continue;
		/* a key valid in both scopes is inherited by the vs */
		if (scope == CONF_SCOPE_VS && v->raw[k] == NULL &&
		    (conf_keys[k].scope & CONF_SCOPE_GLOBAL)) {
			free(v->val[k]);
			v->val[k] = xstrdup(c->v.val[k]);
			continue;
		}
		if (v->src[k])
			src = v->src[k];
		else {
			snprintf(dsrc, sizeof(dsrc), "%s: default of %s%s",
			    conf_path(c), vs ? "virtual server " : "",
			    vs ? vs->name : "");
			src = dsrc;
		}
		sbuf_reset(&out);
		if (conf_expand(c, vs, conf_raw_or_default(v, (long)k), &out,
		    0, src, err) == -1) {
			r = -1;
			break;
		}
		free(v->val[k]);
		v->val[k] = xstrdup(out.data ? out.data : "");
		r = conf_check_value((long)k, v->val[k], src, err);
	}
	sbuf_free(&out);
	return r;
}

int
conf_finalize(struct conf *c, struct sbuf *err)
{
	size_t i;

	if (conf_finalize_vals(c, NULL, &c->v, CONF_SCOPE_GLOBAL, err))
		return -1;
	for (i = 0; i < c->nvs; i++)
		if (conf_finalize_vals(c, &c->vs[i], &c->vs[i].v,
		    CONF_SCOPE_VS, err))
			return -1;
	c->final = 1;
	return 0;
}

static long
conf_must_key(const char *key, int scope)
{
	long k = conf_key_index(key, strlen(key), scope);

	if (k < 0)
		fatal("conf: key '%s' is not declared in conf_keys.c", key);
	return k;
}

static const char *
conf_get(const struct conf_vals *v, const char *key, int scope)
{
	long k = conf_must_key(key, scope);

	if (v->val[k] == NULL)
		fatal("conf: '%s' read before conf_finalize", key);
	return v->val[k];
}

const char *
conf_str(const struct conf *c, const char *key)
{
	return conf_get(&c->v, key, CONF_SCOPE_GLOBAL);
}

long
conf_int(const struct conf *c, const char *key)
{
	long l = 0;

	if (str_to_int(conf_str(c, key), LONG_MIN, LONG_MAX, &l))
		fatal("conf: '%s' is not an integer", key);
	return l;
}

int
conf_bool(const struct conf *c, const char *key)
{
	int b = 0;

	if (str_to_bool(conf_str(c, key), &b))
		fatal("conf: '%s' is not a boolean", key);
	return b;
}

uint64_t
conf_duration(const struct conf *c, const char *key)
{
	uint64_t u = 0;

	if (str_to_duration(conf_str(c, key), &u))
		fatal("conf: '%s' is not a duration", key);
	return u;
}

uint64_t
conf_size(const struct conf *c, const char *key)
{
	uint64_t u = 0;

	if (str_to_size(conf_str(c, key), &u))
		fatal("conf: '%s' is not a size", key);
	return u;
}

size_t
conf_nvs(const struct conf *c)
{
	return c->nvs;
}

const struct conf_vs *
conf_vs_at(const struct conf *c, size_t i)
{
	return i < c->nvs ? &c->vs[i] : NULL;
}

const struct conf_vs *
conf_vs_find(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nvs; i++)
		if (strcmp(c->vs[i].name, name) == 0)
			return &c->vs[i];
	return NULL;
}

const char *
conf_vs_name(const struct conf_vs *vs)
{
	return vs->name;
}

const char *
conf_vs_str(const struct conf_vs *vs, const char *key)
{
	return conf_get(&vs->v, key, CONF_SCOPE_VS);
}

int
conf_vs_bool(const struct conf_vs *vs, const char *key)
{
	int b = 0;

	if (str_to_bool(conf_vs_str(vs, key), &b))
		fatal("conf: vs key '%s' is not a boolean", key);
	return b;
}

long
conf_vs_int(const struct conf_vs *vs, const char *key)
{
	long l = 0;

	if (str_to_int(conf_vs_str(vs, key), LONG_MIN, LONG_MAX, &l))
		fatal("conf: vs key '%s' is not an integer", key);
	return l;
}

char **
conf_split(const char *value, size_t *np)
{
	char **w = xcalloc(1, sizeof(char *));
	size_t n = 0;
	const char *p = value;

	while (*p) {
		const char *s;

		while (*p && (isspace((unsigned char)*p) || *p == ','))
			p++;
		if (*p == '\0')
			break;
		s = p;
		while (*p && !isspace((unsigned char)*p) && *p != ',')
			p++;
		w = xrealloc(w, (n + 2) * sizeof(char *));
		w[n++] = xstrndup(s, (size_t)(p - s));
		w[n] = NULL;
	}
	if (np)
		*np = n;
	return w;
}

void
conf_list_free(char **w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; w[i]; i++)
		free(w[i]);
	free(w);
}

void
conf_print(const struct conf *c, FILE *fp)
{
	size_t i, k;

	fprintf(fp, "# effective configuration of %s\n", conf_path(c));
	for (k = 0; k < conf_nkeys; k++)
		if (conf_keys[k].scope & CONF_SCOPE_GLOBAL)
			fprintf(fp, "%s = %s\n", conf_keys[k].name,
			    c->v.val[k] ? c->v.val[k] : "");
	for (i = 0; i < c->nvs; i++) {
		fprintf(fp, "\n[vs %s]\n", c->vs[i].name);
		for (k = 0; k < conf_nkeys; k++)
			if (conf_keys[k].scope & CONF_SCOPE_VS)
				fprintf(fp, "%s = %s\n", conf_keys[k].name,
				    c->vs[i].v.val[k] ? c->vs[i].v.val[k] :
				    "");
	}
}

const char *
conf_default_path(void)
{
#ifndef ECHOMX_SYSCONFDIR
#define ECHOMX_SYSCONFDIR "/etc"
#endif
	return ECHOMX_SYSCONFDIR "/echomx/echomx.conf";
}

struct conf *
conf_setup(const char *path, char *const *overrides, size_t noverrides,
    int check_only)
{
	return conf_setup_flags(path, overrides, noverrides,
	    check_only ? CONF_SETUP_CHECK_ONLY : 0);
}

struct conf *
conf_setup_flags(const char *path, char *const *overrides,
    size_t noverrides, int flags)
{
	struct conf *c = conf_new();
	struct sbuf err;
	size_t i;
	int check_only = flags & CONF_SETUP_CHECK_ONLY, r;

	sbuf_init(&err, 4096);
	if (path == NULL && (flags & CONF_SETUP_FILE_OPTIONAL) &&
	    access(conf_default_path(), F_OK) != 0) {
		c->path = xstrdup("(built-in defaults)");
		r = conf_parse(c, "", 0, c->path, &err);
	} else
		r = conf_load_file(c, path ? path : conf_default_path(), &err);
	if (r == 0) {
		for (i = 0; i < noverrides; i++)
			if (conf_override(c, overrides[i], &err))
				break;
		if (i == noverrides && conf_finalize(c, &err) == 0) {
			sbuf_free(&err);
			if (check_only) {
				conf_print(c, stdout);
				conf_free(c);
				exit(0);
			}
			return c;
		}
	}
	fprintf(stderr, "%s\n", err.data ? err.data : "configuration error");
	sbuf_free(&err);
	conf_free(c);
	exit(2);
}
