/* http: one bounded HTTPS GET (libcurl), for the MTA-STS policy fetch
 * (RFC 8461 3.3): WebPKI validation against a CA file, redirects are not
 * followed (a 3xx is reported, the caller fails it), a maximum body size
 * and a timeout. The caller may pin the addresses to connect to (resolved
 * by our validating resolver) so that curl does no DNS of its own. */
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

/* Fills *out; free with http_resp_clear. Thread-safe after http_init. */
void	 http_get(const struct http_req *, struct http_resp *out);
void	 http_resp_clear(struct http_resp *);
/* Once per process before threads start (curl_global_init). */
void	 http_init(void);

#endif
