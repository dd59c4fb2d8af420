/* spf: SPF record syntax (RFC 7208 §4.5, §4.6, §5, §6, §12) into
 * mechanisms and modifiers, and macro expansion (§7). Pure functions. */
#ifndef ECHOMX_SPF_H
#define ECHOMX_SPF_H
#include <stddef.h>

struct sbuf;

#define SPF_MAX_LEN	4096	/* longest record accepted (octets) */
#define SPF_MAX_TERMS	128	/* most terms in one record */
#define SPF_MAX_DOMAIN	253	/* expanded domain-spec, §7.3 */

enum spf_kind {
	SPF_ALL = 1,
	SPF_INCLUDE,
	SPF_A,
	SPF_MX,
	SPF_PTR,
	SPF_IP4,
	SPF_IP6,
	SPF_EXISTS,
	SPF_REDIRECT,		/* modifiers from here on */
	SPF_EXP,
	SPF_UNKNOWN_MOD
};

struct spf_term {
	enum spf_kind	 kind;
	char		 qualifier;	/* '+', '-', '~', '?' (mechanisms) */
	char		*domain;	/* domain-spec (macros unexpanded), or
					   unknown modifier value; NULL if
					   absent */
	int		 cidr4;		/* -1 when absent */
	int		 cidr6;		/* -1 when absent */
	unsigned char	 ip[16];	/* ip4: 4 octets, ip6: 16 */
	char		*name;		/* unknown modifier name */
	char		*text;		/* the term as written */
};

struct spf_record {
	size_t		 n;
	int		 redirect;	/* index of redirect=, or -1 */
	int		 exp;		/* index of exp=, or -1 */
	struct spf_term	 terms[SPF_MAX_TERMS];
};

/* 1 when the TXT string is an SPF record: "v=spf1" (any case) then a space
 * or the end (§4.5). */
int	 spf_is_record(const char *buf, size_t len);

/* Parse a whole record. Returns a record (free with spf_record_free) or
 * NULL with a message in err ("term 3 'ip4:1.2.3': bad address"). */
struct spf_record *spf_parse(const char *buf, size_t len, char *err,
	    size_t errsz);
void	 spf_record_free(struct spf_record *);

/* "all", "include", ... "redirect", "exp" or the unknown modifier kind. */
const char *spf_kind_name(enum spf_kind);
/* 1 if the kind queries DNS and counts toward the limit of 10 (§4.6.4). */
int	 spf_kind_counts(enum spf_kind);

/* Macro-string syntax (§7.1). explain: the c, r, t letters are allowed
 * (explanation text only). domain: the string must also satisfy
 * domain-end (a macro at the end, or "." toplabel ["."]). 0 ok, -1 bad. */
int	 spf_macro_check(const char *s, size_t len, int explain, int domain);
/* 1 if the macro-string uses letter c (lower case) anywhere. */
int	 spf_macro_uses(const char *s, char c);

/* Macro variables; NULL values expand to "". p is only read if used. */
struct spf_macro_vars {
	const char	*s, *l, *o, *d, *i, *p, *v, *h, *c, *r, *t;
};

/* Expand a macro-string into out (which is reset first). domain: the
 * result is a domain name, shortened from the left to 253 octets (§7.3).
 * 0 ok, -1 syntax error. */
int	 spf_macro_expand(const char *s, size_t len,
	    const struct spf_macro_vars *, int explain, int domain,
	    struct sbuf *out);

#endif
