/* dmarc: DMARC policy record parser (RFC 7489 §6.3, §6.4). Pure. */
#ifndef ECHOMX_DMARC_H
#define ECHOMX_DMARC_H
#include <stddef.h>
#include <stdint.h>

#define DMARC_MAX_LEN	2048	/* longest record accepted */
#define DMARC_MAX_URIS	8	/* rua / ruf entries kept */

enum dmarc_policy {
	DMARC_P_UNSET = 0,
	DMARC_P_NONE,
	DMARC_P_QUARANTINE,
	DMARC_P_REJECT
};

/* One report URI: "mailto:a@b.example!10m" (§6.4 dmarc-uri). */
struct dmarc_uri {
	char		 uri[256];	/* without the "!size" suffix */
	char		 scheme[16];	/* lower case: "mailto", "https" */
	char		 domain[256];	/* mailto: the address's domain;
					   otherwise the host, lower case */
	uint64_t	 max_size;	/* octets, 0 = no limit given */
};

/* fo= bits */
#define DMARC_FO_0	0x01
#define DMARC_FO_1	0x02
#define DMARC_FO_D	0x04
#define DMARC_FO_S	0x08

struct dmarc_record {
	enum dmarc_policy p;
	enum dmarc_policy sp;		/* UNSET: same as p */
	int		 pct;		/* 0-100, default 100 */
	char		 adkim;		/* 'r' (default) or 's' */
	char		 aspf;		/* 'r' (default) or 's' */
	struct dmarc_uri rua[DMARC_MAX_URIS];
	size_t		 nrua;
	struct dmarc_uri ruf[DMARC_MAX_URIS];
	size_t		 nruf;
	unsigned	 fo;		/* DMARC_FO_*; default 0 */
	uint32_t	 ri;		/* seconds, default 86400 */
};

/* 1 if the TXT string starts with "v=DMARC1" (then ';', space or end). */
int	 dmarc_is_record(const char *buf, size_t len);

/* Parse into *out. 0 ok; -1 with a message in err: not DMARC1 first,
 * missing or invalid p, bad sp/pct/adkim/aspf/fo/rf/ri, a bad URI, a tag
 * given twice. Unknown tags are ignored (§6.3). */
int	 dmarc_parse(const char *buf, size_t len, struct dmarc_record *out,
	    char *err, size_t errsz);

const char *dmarc_policy_name(enum dmarc_policy);	/* "none", ... */

/* §7.1: the name to query for a TXT "v=DMARC1" authorising a report
 * destination outside the policy domain:
 * "<policy_domain>._report._dmarc.<dest_domain>". -1 if it does not fit. */
int	 dmarc_report_auth_name(const char *policy_domain,
	    const char *dest_domain, char *out, size_t outsz);

#endif
