/* http: one bounded HTTP(S) request (libcurl): the MTA-STS policy GET
 * (RFC 8461 3.3: WebPKI validation against a CA file), and the plain
 * http:// OCSP POST (RFC 6960 A.1) and CRL GET of the revocation check.
 * Redirects are never followed (a 3xx is reported, the caller fails it);
 * a maximum body size and a timeout. The caller may pin the addresses to
 * connect to (resolved by our validating resolver) so that curl does no
 * DNS of its own; plain http requests must be pinned (curl's own DNS is
 * never used for them) and the URL's host must be a name. */
#ifndef ECHOMX_HTTP_H
#define ECHOMX_HTTP_H
#include <stddef.h>

struct http_req {
	const char	*url;		/* https://host/path */
	const char	*host;		/* for the pinned addresses */
	const char	*const *addrs;	/* numeric addresses; NULL: curl DNS */
	size_t		 naddrs;
	const char	*ca_file;	/* NULL: curl's default bundle */
	unsigned	 timeout_ms;	/* whole transfer */
	size_t		 max_body;	/* more is an error */
	/* plain http:// only (OCSP, CRL) instead of https:// only; then
	 * addrs are required */
	int		 plain_http;
	const void	*post;		/* non-NULL: POST this body */
	size_t		 post_len;
	const char	*post_type;	/* its Content-Type */
};

struct http_resp {
	int		 ok;		/* transfer completed (any status) */
	char		 error[256];	/* curl's reason when !ok */
	long		 status;	/* HTTP status code */
	char		 content_type[128];
	char		 location[256];	/* for a 3xx */
	char		*body;		/* NUL-terminated, body_len octets */
	size_t		 body_len;
	int		 too_big;	/* body exceeded max_body */
	double		 ms;
};

/* Fills *out; free with http_resp_clear. Thread-safe after http_init.
 * A GET, or a POST when req->post is set. */
void	 http_get(const struct http_req *, struct http_resp *out);
/* Split an http:// or https:// URL: host (no brackets) and port (the
 * scheme's default when absent). Returns 0, or -1 (unparsable, another
 * scheme, user:password, or a host that is an address literal: we
 * connect only to addresses our resolver returned). */
int	 http_url_host(const char *url, int plain_http, char *host,
	    size_t hostsz, int *port);
void	 http_resp_clear(struct http_resp *);
/* Once per process before threads start (curl_global_init). */
void	 http_init(void);

#endif
