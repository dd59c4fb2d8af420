/* dns: the validating resolver (libunbound) behind every inbound check.
 * Answers come as a taxonomy, never a boolean: the lookup status (ok /
 * nxdomain / nodata / tempfail / failure / malformed) and the DNSSEC state
 * (secure / insecure / bogus + why / indeterminate). Lookups are
 * asynchronous inside (ub_resolve_async, one event thread); dns_query() is
 * a blocking call that may be made from many threads at once, so the
 * engine runs its lookups concurrently. */
#ifndef ECHOMX_DNS_H
#define ECHOMX_DNS_H
#include <stddef.h>
#include <stdint.h>

struct sbuf;

enum dns_status {
	DNS_OK,		/* data of the asked type */
	DNS_NXDOMAIN,	/* the name does not exist */
	DNS_NODATA,	/* the name exists, no data of that type */
	DNS_TEMPFAIL,	/* SERVFAIL, timeout, no answer: try later */
	DNS_FAILURE,	/* REFUSED, NOTIMP, resolver error */
	DNS_MALFORMED,	/* an answer that does not parse */
};

enum dns_sec {
	DNS_SEC_INDETERMINATE,	/* no answer, or validation did not run */
	DNS_SEC_SECURE,
	DNS_SEC_INSECURE,
	DNS_SEC_BOGUS,
};

/* Types we ask for. */
#define DNS_T_A		1
#define DNS_T_CNAME	5
#define DNS_T_PTR	12
#define DNS_T_MX	15
#define DNS_T_TXT	16
#define DNS_T_AAAA	28
#define DNS_T_TLSA	52

#define DNS_NAME_MAX	256	/* presentation form, with NUL */

/* One record of the answer, already parsed for the types above. */
struct dns_rr {
	uint16_t	 type;
	uint32_t	 ttl;
	unsigned char	*rdata;		/* raw wire form */
	size_t		 rdlen;
	/* MX: pref + name; CNAME/PTR: name */
	uint16_t	 pref;
	char		 name[DNS_NAME_MAX];
	/* A/AAAA: printable address */
	char		 addr[48];
	/* TXT: the character-strings joined (RFC 7208 3.3), NUL-terminated;
	 * txt_len excludes the NUL (a TXT may hold NUL octets) */
	char		*txt;
	size_t		 txt_len;
	/* TLSA */
	uint8_t		 usage, selector, mtype;
	unsigned char	*assoc;		/* points into rdata */
	size_t		 assoc_len;
};

struct dns_answer {
	char		 qname[DNS_NAME_MAX];
	uint16_t	 qtype;
	enum dns_status	 status;
	enum dns_sec	 sec;
	int		 rcode;
	char		*why;		/* why_bogus, or the failure reason */
	/* The answer came through a CNAME chain: canon is the chain's final
	 * name (libunbound's canonname, with the trailing dot); "" when the
	 * name is no alias. sec covers the whole chain: secure only when
	 * every CNAME and the data (or denial) at the end are. The state of
	 * the first link alone needs a CNAME query of qname. */
	char		 canon[DNS_NAME_MAX];
	size_t		 nrr;
	struct dns_rr	*rr;
	double		 ms;		/* time the lookup took */
};

struct dns_opts {
	const char	*trust_anchor;	/* file of DS/DNSKEY; NULL/"": none */
	const char	*resolver;	/* ADDR[@PORT]; NULL/"": recursive */
	unsigned	 timeout_ms;	/* per lookup */
};

struct dns;

/* Returns NULL with the reason in err. */
struct dns	*dns_new(const struct dns_opts *, struct sbuf *err);
void		 dns_free(struct dns *);

/* Blocking lookup (thread-safe; many may run at once). Always returns an
 * answer the caller frees with dns_answer_free. */
struct dns_answer *dns_query(struct dns *, const char *name, uint16_t type);
void		 dns_answer_free(struct dns_answer *);

/* Pure: parse one rdata of the given type into rr (rdata is copied).
 * Returns 0, or -1 with a static reason in *why. */
int	 dns_rr_parse(struct dns_rr *, uint16_t type, const unsigned char *,
	    size_t, const char **why);
void	 dns_rr_clear(struct dns_rr *);
/* Pure: a wire-format name at buf (no compression) into text with a
 * trailing dot; returns octets used or -1. */
int	 dns_name_from_wire(const unsigned char *, size_t, char *, size_t);
/* The reverse-lookup name of an address ("4.3.2.1.in-addr.arpa."). */
int	 dns_ptr_name(const char *addr, char *out, size_t outsz);

const char *dns_status_name(enum dns_status);
const char *dns_sec_name(enum dns_sec);
const char *dns_type_name(uint16_t);

#endif
