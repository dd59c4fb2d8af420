/* addr: socket addresses as configured ("host:port", "[v6]:port") and as
 * logged (numeric host, port). Numeric only: never resolves names. */
#ifndef ECHOMX_ADDR_H
#define ECHOMX_ADDR_H
#include <sys/socket.h>

#define ADDR_STRLEN	64

/* 0, or -1 when s is not a numeric address:port. */
int	 addr_parse(const char *s, struct sockaddr_storage *, socklen_t *);
/* Numeric host into host (ADDR_STRLEN), port into *port. */
void	 addr_format(const struct sockaddr *, char *host, size_t hostsz,
	    int *port);
/* Same address and port. */
int	 addr_equal(const struct sockaddr *, const struct sockaddr *);

#endif
