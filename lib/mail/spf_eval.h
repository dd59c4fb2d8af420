/* spf_eval: the SPF check_host() function (RFC 7208 §4-§7) and a static
 * analysis for the checker, both on top of a synchronous DNS callback
 * interface so that this module does no I/O itself (the caller, e.g.
 * lib/dns, implements the lookups; the RFC 7208 test suite implements them
 * from its zone data).
 *
 * Usage (checker):
 *	struct spf_dns_ops ops = { my_lookup };
 *	struct spf_eval_request rq = { 0 };
 *	struct spf_eval_result res;
 *	rq.family = AF_INET; memcpy(rq.ip, &in4, 4);
 *	rq.domain = "example.com"; rq.sender = "user@example.com";
 *	rq.helo = "mx.example.net";
 *	spf_eval_check_host(&ops, my_ctx, &rq, &res);
 *	... res.result, res.explanation, res.why, res.chain ...
 *	spf_eval_result_clear(&res);
 *
 * The lookup callback fills an answer with the spf_eval_answer_add_*()
 * helpers (they copy; the evaluator frees the answer), sets status, and
 * returns 0 (any other return value is treated as SPF_DNS_ERROR). */
#ifndef ECHOMX_SPF_EVAL_H
#define ECHOMX_SPF_EVAL_H
#include <stddef.h>
#include <stdint.h>

/* RR types the evaluator asks for (standard numbers). The evaluator never
 * asks for type SPF (99): RFC 7208 §3.1 removed it. */
#define SPF_DNS_T_A	1
#define SPF_DNS_T_PTR	12
#define SPF_DNS_T_MX	15
#define SPF_DNS_T_TXT	16
#define SPF_DNS_T_AAAA	28

/* Most records kept from one answer; more are dropped ('truncated'). */
#define SPF_DNS_MAX_RR	64

enum spf_dns_status {
	SPF_DNS_OK = 0,		/* NOERROR with at least one record of rrtype */
	SPF_DNS_NXDOMAIN,	/* name does not exist */
	SPF_DNS_NODATA,		/* name exists, no record of rrtype */
	SPF_DNS_TEMPFAIL,	/* timeout, SERVFAIL, DNSSEC bogus: try later */
	SPF_DNS_ERROR		/* other failure (REFUSED, malformed answer) */
};

/* One record of an answer. Which fields are set depends on rrtype. */
struct spf_dns_rr {
	char		*txt;		/* TXT: all character-strings of the
					   record joined without separator
					   (RFC 7208 §3.3), NUL-terminated */
	size_t		 txtlen;	/* TXT: length (txt may contain NULs) */
	char		*name;		/* MX exchange / PTR target, no
					   trailing dot */
	uint16_t	 pref;		/* MX preference */
	int		 family;	/* A: AF_INET, AAAA: AF_INET6 */
	unsigned char	 addr[16];	/* A: 4 octets; AAAA: 16 */
};

struct spf_dns_answer {
	enum spf_dns_status status;
	char		 why[128];	/* optional: why TEMPFAIL/ERROR */
	size_t		 n;		/* records in rr */
	int		 truncated;	/* more than SPF_DNS_MAX_RR offered */
	struct spf_dns_rr rr[SPF_DNS_MAX_RR];
};

/* The DNS interface. lookup() answers one question synchronously: name is
 * an absolute domain name without trailing dot, rrtype one of SPF_DNS_T_*.
 * CNAMEs are followed by the callback (the answer holds the final
 * records). 'out' arrives zeroed (status SPF_DNS_OK, n 0). */
struct spf_dns_ops {
	int	(*lookup)(void *ctx, const char *name, int rrtype,
		    struct spf_dns_answer *out);
};

/* Helpers for lookup() implementations: append one record (copied). They
 * return 0, or -1 when the answer is full (truncated is then set). */
int	 spf_eval_answer_add_txt(struct spf_dns_answer *, const char *,
	    size_t);
int	 spf_eval_answer_add_name(struct spf_dns_answer *, const char *,
	    uint16_t pref);	/* MX (with pref) or PTR (pref 0) */
int	 spf_eval_answer_add_addr(struct spf_dns_answer *, int family,
	    const void *addr);
void	 spf_eval_answer_clear(struct spf_dns_answer *);

enum spf_result {
	SPF_RESULT_NONE = 0,
	SPF_RESULT_NEUTRAL,
	SPF_RESULT_PASS,
	SPF_RESULT_FAIL,
	SPF_RESULT_SOFTFAIL,
	SPF_RESULT_TEMPERROR,
	SPF_RESULT_PERMERROR
};

/* "none", "neutral", "pass", "fail", "softfail", "temperror",
 * "permerror" (RFC 7208 §2.6 spelling). */
const char *spf_eval_result_name(enum spf_result);

/* RFC 7208 §4.6.4 limits. */
#define SPF_EVAL_MAX_LOOKUPS	10	/* DNS-querying terms */
#define SPF_EVAL_MAX_VOID	2	/* lookups giving NXDOMAIN/NODATA */
#define SPF_EVAL_MAX_MXPTR	10	/* names per mx / ptr lookup */

enum spf_eval_limit {
	SPF_LIMIT_NONE = 0,
	SPF_LIMIT_LOOKUPS,	/* more than 10 DNS-querying terms */
	SPF_LIMIT_VOID,		/* more than 2 void lookups */
	SPF_LIMIT_MX,		/* an mx mechanism found more than 10 MX */
	SPF_LIMIT_DEPTH		/* include/redirect nesting or a loop */
};

struct spf_eval_request {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 ip[16];	/* client address (4 or 16 octets) */
	const char	*domain;	/* <domain>: MAIL FROM domain or HELO */
	const char	*sender;	/* MAIL FROM (or postmaster@helo);
					   a local-part-less value is ok */
	const char	*helo;		/* HELO/EHLO name, for %{h} */
	const char	*receiver;	/* for %{r}; NULL = "unknown" */
	int64_t		 now;		/* for %{t}; 0 = time(NULL) */
	const char	*default_exp;	/* macro-string used as explanation
					   when there is no usable exp=;
					   NULL = a built-in text */
};

struct spf_eval_result {
	enum spf_result	 result;
	/* fail: the explanation (exp= expanded per §6.2) or the default
	 * "DEFAULT"-style text; otherwise empty. */
	char		 explanation[512];
	/* Human-readable reason: which mechanism matched in which record,
	 * or what error happened ("too many DNS lookups"). */
	char		 why[512];
	char		 mechanism[256];	/* the matching term, or "" */
	char		 domain[256];		/* record that decided */
	unsigned	 lookups;		/* DNS-querying terms counted */
	unsigned	 void_lookups;
	enum spf_eval_limit limit;	/* which limit was broken, if any */
	/* When a limit was broken: the include/redirect path from the
	 * top domain to the term that broke it, e.g.
	 * "example.com include:a.example.net include:b.example.org a:x.y" */
	char		 chain[1024];
};

/* check_host() of RFC 7208 §4. Always fills *out (result and why);
 * returns the result. Nothing to free in *out. */
enum spf_result spf_eval_check_host(const struct spf_dns_ops *, void *ctx,
	    const struct spf_eval_request *, struct spf_eval_result *out);

/* Static analysis for the checker: fetch the domain's SPF record, walk
 * every include and redirect (and count a/mx/ptr/exists) without an IP,
 * as if no mechanism matched, i.e. the worst case an evaluation can reach.
 * Terms whose domain-spec contains macros are counted but not followed
 * (macros_unexpanded is incremented). */
enum spf_record_state {
	SPF_REC_NONE = 0,	/* no v=spf1 TXT record (or NXDOMAIN) */
	SPF_REC_ONE,		/* exactly one, parsed fine */
	SPF_REC_SEVERAL,	/* several v=spf1 records: permerror §4.5 */
	SPF_REC_SYNTAX,		/* one record, syntax error: permerror */
	SPF_REC_TEMPFAIL,	/* could not fetch: could-not-test */
	SPF_REC_ERROR		/* other DNS failure: could-not-test */
};

struct spf_eval_analysis {
	enum spf_record_state state;
	char		 record[1024];	/* the top record (truncated) */
	char		 error[512];	/* syntax error / DNS reason */
	char		 all_qualifier;	/* '+', '-', '~', '?' of the top
					   level's "all" (following redirect=
					   when there is no all), 0: none */
	int		 has_redirect;	/* top record has redirect= */
	int		 uses_ptr;	/* some record in the tree uses ptr
					   (or %{p}): RFC 7208 §5.5 says
					   SHOULD NOT */
	unsigned	 lookups;	/* DNS-querying terms in the tree */
	unsigned	 void_lookups;	/* includes/redirects/a/mx... that
					   found nothing */
	unsigned	 macros_unexpanded;
	enum spf_eval_limit limit;	/* first limit broken, or NONE */
	char		 chain[1024];	/* path to the term that broke it:
					   "example.com include:a include:b" */
	char		 includes_error[512];	/* an include target with no
					   record / syntax error / tempfail,
					   "" if none */
};

/* Returns out->state. */
enum spf_record_state spf_eval_analyze(const struct spf_dns_ops *,
	    void *ctx, const char *domain, struct spf_eval_analysis *out);

#endif
