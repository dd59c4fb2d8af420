/* tls_server: the listener's side of STARTTLS. One certificate context
 * per virtual server; on shared addresses the ClientHello's SNI picks the
 * context. Records what the client offered. Only OpenSSL user besides the
 * other lib/tls modules; callers see opaque structs. */
#ifndef ECHOMX_TLS_SERVER_H
#define ECHOMX_TLS_SERVER_H
#include <stddef.h>
#include <sys/types.h>

struct sbuf;
struct tls_server;
struct tls_conn;

/* tls_versions bits */
#define TLS_SERVER_V10	0x1
#define TLS_SERVER_V11	0x2
#define TLS_SERVER_V12	0x4
#define TLS_SERVER_V13	0x8

/* Results of the non-blocking calls */
#define TLS_SERVER_OK		0
#define TLS_SERVER_WANT_READ	(-2)
#define TLS_SERVER_WANT_WRITE	(-3)
#define TLS_SERVER_ERROR	(-4)
#define TLS_SERVER_EOF		(-5)

struct tls_server *tls_server_new(void);
void	 tls_server_free(struct tls_server *);
/* Load one virtual server's chain and key. idx is the caller's index,
 * returned by tls_conn_vs(). versions: TLS_SERVER_V* bits (one at least).
 * 0, or -1 and the reason in err. */
int	 tls_server_add(struct tls_server *, int idx, const char *hostname,
	    const char *cert_file, const char *key_file, unsigned versions,
	    struct sbuf *err);
int	 tls_server_has(const struct tls_server *, int idx);
/* Parse "1.2 1.3" into TLS_SERVER_V* bits; -1 when a word is unknown. */
int	 tls_server_versions(const char *list, unsigned *bits);

/* A connection that will start TLS on fd with virtual server idx; with
 * sni_selects the SNI may switch it to another server's context. */
struct tls_conn *tls_conn_new(struct tls_server *, int fd, int idx,
	    int sni_selects);
void	 tls_conn_free(struct tls_conn *);	/* NULL ok; no shutdown */
/* Best effort close_notify, non-blocking. */
void	 tls_conn_shutdown(struct tls_conn *);
int	 tls_conn_handshake(struct tls_conn *);
/* > 0 octets, or TLS_SERVER_{WANT_READ,WANT_WRITE,ERROR,EOF} */
ssize_t	 tls_conn_read(struct tls_conn *, void *, size_t);
ssize_t	 tls_conn_write(struct tls_conn *, const void *, size_t);
int	 tls_conn_pending(const struct tls_conn *);

int	 tls_conn_vs(const struct tls_conn *);
const char *tls_conn_sni(const struct tls_conn *);	/* NULL: none */
int	 tls_conn_hello_seen(const struct tls_conn *);
const char *tls_conn_version(const struct tls_conn *);	/* "TLSv1.3" */
const char *tls_conn_cipher(const struct tls_conn *);
/* What the ClientHello offered, comma-separated; "" before it came. */
const char *tls_conn_offer_versions(const struct tls_conn *);
const char *tls_conn_offer_ciphers(const struct tls_conn *);
const char *tls_conn_offer_groups(const struct tls_conn *);
const char *tls_conn_offer_sigalgs(const struct tls_conn *);
/* Alert the client sent (-1 none) and its name; last error text. */
int	 tls_conn_alert(const struct tls_conn *);
const char *tls_conn_alert_name(const struct tls_conn *);
const char *tls_conn_error(const struct tls_conn *);

/* Pure parsers of ClientHello extension bodies (no OpenSSL state):
 * server_name (RFC 6066 3): the host_name into out (outsz >= 256);
 * 0 ok, -1 absent or malformed. */
int	 tls_hello_sni(const unsigned char *ext, size_t len, char *out,
	    size_t outsz);
/* A list of 16-bit values after a length prefix of lenbytes (1 or 2)
 * octets, named with kind 'v' versions, 'g' groups, 's' signature
 * algorithms (hex when unknown, GREASE skipped), comma-separated. The
 * caller frees the result; NULL when malformed. */
char	*tls_hello_list(const unsigned char *ext, size_t len, int lenbytes,
	    int kind);

#endif
