/* probe_reply: the SMTP client's reply parser (RFC 5321 §4.2). A pure
 * function over bytes received so far: no I/O, no OpenSSL. Bounded: a
 * reply line is at most PROBE_REPLY_LINE_MAX octets including CRLF, a
 * reply at most PROBE_REPLY_LINES_MAX lines; the text is kept raw (the
 * caller escapes it before logging or rendering). */
#ifndef ECHOMX_PROBE_REPLY_H
#define ECHOMX_PROBE_REPLY_H
#include <stddef.h>
#include <stdint.h>

#define PROBE_REPLY_LINE_MAX	512	/* RFC 5321 §4.5.3.1.5, with CRLF */
#define PROBE_REPLY_LINES_MAX	64
#define PROBE_REPLY_TEXT_MAX	2048	/* raw text kept; longer: truncated */

/* EHLO keywords (RFC 5321 §4.1.1.1 and the extensions' RFCs) */
#define PROBE_EHLO_STARTTLS	0x0001u	/* RFC 3207 */
#define PROBE_EHLO_REQUIRETLS	0x0002u	/* RFC 8689 */
#define PROBE_EHLO_SIZE		0x0004u	/* RFC 1870 */
#define PROBE_EHLO_PIPELINING	0x0008u	/* RFC 2920 */
#define PROBE_EHLO_8BITMIME	0x0010u	/* RFC 6152 */
#define PROBE_EHLO_SMTPUTF8	0x0020u	/* RFC 6531 */
#define PROBE_EHLO_CHUNKING	0x0040u	/* RFC 3030 */
#define PROBE_EHLO_DSN		0x0080u	/* RFC 3461 */
#define PROBE_EHLO_ENHANCEDSTATUSCODES 0x0100u /* RFC 2034 */

struct probe_reply {
	int	 code;		/* 200..599 */
	size_t	 nlines;
	int	 truncated;	/* text was cut at PROBE_REPLY_TEXT_MAX */
	/* Raw lines, "250-a\n250 b" (CRLF removed, lines joined by \n),
	 * including the codes; NUL-terminated; may contain any octet but NUL
	 * (a NUL from the server is kept as-is in the count but the parser
	 * rejects replies containing NUL). */
	char	 text[PROBE_REPLY_TEXT_MAX];
	size_t	 textlen;
};

/* Parse one reply from the start of buf[0..len).
 * Returns the number of octets the reply took (> 0) when complete, 0 when
 * more input is needed (no complete final line yet), -1 when the input is
 * not a valid reply; then *err (if not NULL) says why (static string).
 * A bare LF ends a line too (lenient, as real servers send it). */
long	 probe_reply_parse(const char *buf, size_t len, struct probe_reply *,
	    const char **err);

/* EHLO keywords of a 250 EHLO reply: PROBE_EHLO_* bits; *size gets the
 * SIZE value (0 when absent or without a number). size may be NULL. */
unsigned probe_reply_ehlo(const struct probe_reply *, uint64_t *size);
/* "STARTTLS,SIZE,..." for evidence, written into buf (truncated). */
void	 probe_reply_ehlo_names(unsigned bits, char *buf, size_t bufsz);

#endif
