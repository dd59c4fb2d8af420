/* check: the inbound check engine behind "echomx check DOMAIN" (and later
 * the responder and "echomx survey"). Two stages:
 *   gather (check_gather.c): every DNS lookup, TLS probe and HTTPS fetch,
 *     run concurrently (one thread per independent chain);
 *   judge (check_judge.c): a pure function from the gathered data to
 *     findings (id, subject, status, evidence, why, fix, RFC).
 * Scoring and colour are in report/score.h, rendering in report/render.h. */
#ifndef ECHOMX_CHECK_H
#define ECHOMX_CHECK_H
#include <stddef.h>

#include "dns/dns.h"
#include "http/http.h"
#include "tls/probe_revoc.h"

struct probe_result;
struct psl;

enum check_status {
	CHECK_PASS,
	CHECK_INFO,
	CHECK_WARN,
	CHECK_FAIL,
	CHECK_CNT,		/* could-not-test */
};

struct check_finding {
	char		*id;		/* "smtp.starttls" (findings.md) */
	char		*subject;	/* domain, MX name, "MX IP", IP */
	enum check_status status;
	char		*evidence;	/* raw: may hold network text */
	const char	*why;		/* static texts from check_text.c */
	const char	*fix;
	const char	*rfc;
};

#define CHECK_MAX_MX		10
#define CHECK_MAX_ADDR		8	/* per MX host and family */
#define CHECK_MAX_SEL		8

/* --- gathered data --- */
/* Revocation of one address's leaf from the AIA OCSP responder and the
 * CRL distribution points (the stapled response is in the probe). */
struct check_revoc {
	int		 tried;		/* 0: not attempted (no chain) */
	char		 why[256];	/* nothing could be asked: why */
	size_t		 nocsp, ncrl;	/* URLs the certificate names */
	struct probe_revoc_out ocsp;	/* from the responder */
	char		 ocsp_url[PROBE_REVOC_URL_MAX];	/* "" not asked */
	struct probe_revoc_out crl;
	char		 crl_url[PROBE_REVOC_URL_MAX];
	const char	*issuer_from;	/* static */
};

struct check_addr {
	char		 ip[48];
	int		 v6;
	struct probe_result *probe;	/* NULL: not probed */
	struct check_revoc revoc;
	char		 not_probed[128];	/* why, when probe is NULL */
	struct dns_answer *ptr;
	struct dns_answer *ptr_fwd;	/* A/AAAA of the PTR name */
};

struct check_mx {
	char		 name[DNS_NAME_MAX];	/* without trailing dot */
	int		 pref;
	struct dns_answer *a, *aaaa, *tlsa;	/* tlsa: _25._tcp.NAME */
	/* When NAME is an alias (the address answers' canon): with a
	 * secure chain, the TLSA RRset of the final target; with a chain
	 * that is not secure, NAME's own CNAME RRset (is its first link
	 * secure?). NULL: not looked up. RFC 7672 2.2.2-2.2.3. */
	struct dns_answer *tlsa_target;		/* _25._tcp.TARGET */
	struct dns_answer *cname;		/* NAME CNAME */
	size_t		 naddr;
	struct check_addr addr[2 * CHECK_MAX_ADDR];
};

struct check_data {
	char		 domain[DNS_NAME_MAX];	/* without trailing dot */
	struct dns_answer *mx;
	int		 implicit_mx;		/* no MX: the domain's A/AAAA */
	int		 null_mx;		/* RFC 7505 */
	struct dns_answer *dom_a, *dom_aaaa;	/* implicit MX lookups */
	size_t		 nmx;
	size_t		 mx_total;		/* before the cut */
	struct check_mx	 mxs[CHECK_MAX_MX];

	/* SPF (lib/mail/spf_eval.h), kept opaque here */
	void		*spf;			/* struct spf_eval_analysis */
	struct dns_answer *spf_txt;		/* for the DNSSEC state */

	struct dns_answer *dmarc;		/* _dmarc.DOMAIN */
	char		 org_domain[DNS_NAME_MAX];
	struct dns_answer *dmarc_org;		/* _dmarc.ORG when used */
	/* authorisation of external report destinations (RFC 7489 7.1):
	 * "dest-domain" -> answer of DOMAIN._report._dmarc.DEST */
	size_t		 nauth;
	char		 auth_dest[8][DNS_NAME_MAX];
	struct dns_answer *auth[8];

	struct dns_answer *sts_txt;		/* _mta-sts.DOMAIN */
	struct dns_answer *sts_a, *sts_aaaa;	/* mta-sts.DOMAIN */
	int		 sts_fetched;
	struct http_resp sts_http;

	struct dns_answer *tlsrpt;		/* _smtp._tls.DOMAIN */

	size_t		 nsel;
	char		 sel[CHECK_MAX_SEL][64];
	struct dns_answer *dkim[CHECK_MAX_SEL];

	double		 ms_total;
	/* durations of the chains that are not single lookups */
	double		 ms_spf, ms_dmarc, ms_sts, ms_mxset;
};

struct check_opts {
	const char	*domain;
	const char	*const *selectors;
	size_t		 nsel;
	const char	*ca_file;
	unsigned	 timeout_ms;	/* per step */
	unsigned	 total_ms;	/* whole check (probes see it as cap) */
	int		 ipv6;
	int		 enumerate;	/* PROBE_ENUM_* bits */
	const char	*psl_file;
	const struct psl *psl;	/* NULL: no org-domain fallback */
	const char	*psl_error;	/* why psl is NULL */
	int		 port;		/* SMTP port, 0 = 25 (tests) */
	int		 per_ip;	/* probes of one address at once */
};

struct check_result {
	char		 domain[DNS_NAME_MAX];
	int		 tested;		/* 0: could not test at all */
	char		 not_tested[256];	/* why, when !tested */
	size_t		 nfind;
	struct check_finding *find;
	double		 ms_total;
	/* the longest chain of dependent steps, from the measured step
	 * times: what a perfectly concurrent check would take */
	double		 ms_critical;
	char		 critical_chain[256];
};

/* Gather (network). data is zeroed by the caller; free with
 * check_data_clear. */
void	 check_gather(struct dns *, const struct check_opts *,
	    struct check_data *);
void	 check_data_clear(struct check_data *);

/* Which TLSA RRset a DANE sender uses for one MX host (RFC 7672
 * 2.2.2-2.2.3): only when the host's address records were obtained
 * securely; for an alias with a secure chain the final target's TLSA
 * first, then the MX name's own. Pure; used by gather (what the probe
 * matches) and judge (dane.tlsa, dane.match). */
enum check_dane_use {
	CHECK_DANE_APPLIES,	/* tlsa and base: the RRset senders use */
	CHECK_DANE_ADDR_INSECURE,	/* DANE does not apply to the host */
	CHECK_DANE_ADDR_BOGUS,	/* the host is unusable */
	CHECK_DANE_ADDR_FAILED,	/* the address lookups failed */
};

struct check_dane_sel {
	enum check_dane_use use;
	enum dns_sec	 addr_sec;	/* A/AAAA, whole CNAME chain */
	const struct dns_answer *tlsa;	/* to judge; NULL: none looked up */
	char		 base[DNS_NAME_MAX];	/* TLSA base domain */
	char		 target[DNS_NAME_MAX];	/* CNAME target, "" none */
	const char	*how;		/* static: how base was chosen */
};

/* The DNSSEC state of a host's address records: bogus if any answer is,
 * else secure only if every answer holding addresses (or, without any,
 * every denial) is; indeterminate when both lookups failed. */
enum dns_sec check_mx_addr_sec(const struct check_mx *);
/* The final CNAME target of the host's address answers into out, without
 * the trailing dot; returns 0, or -1 (out "") when NAME is no alias. */
int	 check_mx_target(const struct check_mx *, char *out, size_t outsz);
void	 check_dane_select(const struct check_mx *, struct check_dane_sel *);

/* Judge (pure over data; reads the PSL file through H3's psl module). */
struct check_result *check_judge(const struct check_data *,
	    const struct check_opts *);

/* Findings list management (also used by tests with canned findings). */
struct check_result *check_result_new(const char *domain);
void	 check_add(struct check_result *, const char *id,
	    const char *subject, enum check_status, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	 check_result_free(struct check_result *);
void	 check_sort(struct check_result *);

const char *check_status_name(enum check_status);
/* Static why / fix / rfc for an id (check_text.c); never NULL. */
void	 check_text(const char *id, const char **why, const char **fix,
	    const char **rfc);

/* Normalise a domain argument: lower case, no trailing dot, LDH labels.
 * Returns 0, or -1 with a static reason. */
int	 check_domain_norm(const char *in, char *out, size_t outsz,
	    const char **why);

#endif
