/* tlsrpt: SMTP TLS Reporting record at "_smtp._tls" (RFC 8460 §3). Pure. */
#ifndef ECHOMX_TLSRPT_H
#define ECHOMX_TLSRPT_H
#include <stddef.h>

#define TLSRPT_MAX_LEN	2048
#define TLSRPT_MAX_URIS	8

struct tlsrpt_uri {
	char	uri[256];
	int	https;		/* 1: https:, 0: mailto: */
	char	domain[256];	/* mailto: address domain / https: host */
};

struct tlsrpt_record {
	size_t		 nrua;
	struct tlsrpt_uri rua[TLSRPT_MAX_URIS];
};

/* 1 if the TXT string starts with "v=TLSRPTv1" (then ';', space, end). */
int	 tlsrpt_is_record(const char *buf, size_t len);
/* "v=TLSRPTv1; rua=mailto:a@b.example,https://r.example/x". rua is
 * required; only mailto: and https: URIs (§3). 0 ok, -1 with err. */
int	 tlsrpt_parse(const char *buf, size_t len, struct tlsrpt_record *,
	    char *err, size_t errsz);

#endif
