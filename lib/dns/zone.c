/* zone: master-file text helpers for the dns-rotator (pure functions).
 * Touches: nothing but its arguments. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dns/zone.h"
#include "util/mem.h"
#include "util/str.h"

char *
zone_norm(const char *name)
{
	char *z = xstrdup(name), *p;
	size_t n;

	for (p = z; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	n = strlen(z);
	while (n > 0 && z[n - 1] == '.')
		z[--n] = '\0';
	return z;
}

int
zone_in(const char *name, const char *zone)
{
	char *a = zone_norm(name), *b = zone_norm(zone);
	size_t al = strlen(a), bl = strlen(b);
	int r;

	if (bl == 0)
		r = 1;
	else if (al == bl)
		r = strcmp(a, b) == 0;
	else
		r = al > bl && a[al - bl - 1] == '.' &&
		    strcmp(a + al - bl, b) == 0;
	free(a);
	free(b);
	return r;
}

int
zone_txt(struct sbuf *out, const char *owner, uint32_t ttl, const char *text)
{
	size_t i, n = strlen(text), chunk = 0;

	sbuf_addf(out, "%s. %lu IN TXT \"", owner, (unsigned long)ttl);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (chunk == 255) {
			sbuf_adds(out, "\" \"");
			chunk = 0;
		}
		if (c == '"' || c == '\\')
			sbuf_addf(out, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			sbuf_addf(out, "\\%03u", c);
		else
			sbuf_add(out, &text[i], 1);
		chunk++;
	}
	sbuf_adds(out, "\"\n");
	return out->over ? -1 : 0;
}

int
zone_expand(const char *tmpl, size_t len, const char *const *vars,
    struct sbuf *out, struct sbuf *err)
{
	size_t i = 0, line = 1;

	while (i < len) {
		const char *e;
		size_t nl, k;

		if (tmpl[i] == '\n')
			line++;
		if (tmpl[i] != '{' || i + 1 >= len || tmpl[i + 1] != '{') {
			sbuf_add(out, &tmpl[i], 1);
			i++;
			continue;
		}
		e = memmem(tmpl + i + 2, len - i - 2, "}}", 2);
		if (e == NULL || memchr(tmpl + i, '\n', (size_t)(e - tmpl) -
		    i) != NULL) {
			sbuf_addf(err, "line %zu: unterminated {{", line);
			return -1;
		}
		nl = (size_t)(e - (tmpl + i + 2));
		for (k = 0; vars[k] != NULL; k += 2)
			if (strlen(vars[k]) == nl &&
			    memcmp(vars[k], tmpl + i + 2, nl) == 0)
				break;
		if (vars[k] == NULL) {
			sbuf_addf(err, "line %zu: unknown variable {{%.*s}}",
			    line, (int)(nl > 64 ? 64 : nl), tmpl + i + 2);
			return -1;
		}
		sbuf_adds(out, vars[k + 1]);
		i = (size_t)(e - tmpl) + 2;
	}
	if (out->over) {
		sbuf_adds(err, "expanded template too large");
		return -1;
	}
	return 0;
}

int
zone_addr(const char *s, char *ip, size_t ipsz)
{
	unsigned char b[16];
	const char *p, *end;
	size_t n;
	static const unsigned char zero[16];

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return 0;
		p = s + 1;
	} else {
		p = s;
		end = strrchr(s, ':');
		/* Two colons or more: a bare IPv6 address, no port. */
		if (end != NULL && strchr(s, ':') != end)
			end = s + strlen(s);
		if (end == NULL)
			end = s + strlen(s);
	}
	n = (size_t)(end - p);
	if (n == 0 || n >= ipsz)
		return 0;
	memcpy(ip, p, n);
	ip[n] = '\0';
	if (inet_pton(AF_INET, ip, b) == 1)
		return memcmp(b, zero, 4) == 0 ? 0 : 4;
	if (inet_pton(AF_INET6, ip, b) == 1)
		return memcmp(b, zero, 16) == 0 ? 0 : 6;
	return 0;
}
