/* psl: the Public Suffix List (publicsuffix.org format, as shipped in
 * Debian's publicsuffix package) and the DMARC organizational domain
 * (RFC 7489 §3.2). psl_parse is pure; psl_load.h reads the file. */
#ifndef ECHOMX_PSL_H
#define ECHOMX_PSL_H
#include <stddef.h>

#define PSL_MAX_LEN	(8u * 1024 * 1024)	/* list size accepted */
#define PSL_MAX_RULES	200000

struct psl;

/* Parse the list text: one rule per line ("com", "*.ck", "!www.ck"),
 * "//" comments, blank lines. Rules are compared in lower case (ASCII;
 * IDN rules stay UTF-8 and only match UTF-8 names). Returns the list
 * (free with psl_free) or NULL with "line N: ..." in err. */
struct psl *psl_parse(const char *buf, size_t len, char *err, size_t errsz);
void	 psl_free(struct psl *);
size_t	 psl_count(const struct psl *);	/* rules loaded */

/* The public suffix of domain (publicsuffix.org algorithm: the longest
 * matching rule, wildcards, exceptions win, default rule "*").
 * 0 ok, -1 for an invalid name. */
int	 psl_public_suffix(const struct psl *, const char *domain, char *out,
	    size_t outsz);
/* RFC 7489 §3.2: the public suffix plus one label, lower case, no
 * trailing dot. -1 if domain is invalid or is itself a public suffix. */
int	 psl_org_domain(const struct psl *, const char *domain, char *out,
	    size_t outsz);

#endif
