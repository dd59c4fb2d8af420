/* smtp_parse: pure parsers for SMTP server input (RFC 5321, RFC 3030,
 * RFC 6531, RFC 8689): the command line, MAIL FROM / RCPT TO paths with
 * their parameters, and BDAT arguments. No I/O, no allocation. */
#ifndef ECHOMX_SMTP_PARSE_H
#define ECHOMX_SMTP_PARSE_H
#include <stddef.h>
#include <stdint.h>

/* RFC 5321 4.5.3.1.3: a path is at most 256 octets. */
#define SMTP_PATH_MAX	256
#define SMTP_PARAMS_MAX	512

enum smtp_verb {
	SMTP_V_UNKNOWN = 0,
	SMTP_V_HELO, SMTP_V_EHLO, SMTP_V_MAIL, SMTP_V_RCPT, SMTP_V_DATA,
	SMTP_V_BDAT, SMTP_V_RSET, SMTP_V_NOOP, SMTP_V_QUIT, SMTP_V_VRFY,
	SMTP_V_EXPN, SMTP_V_HELP, SMTP_V_STARTTLS, SMTP_V_AUTH, SMTP_V_ETRN,
	SMTP_V_COUNT
};

struct smtp_cmd {
	enum smtp_verb	 verb;
	const char	*arg;		/* into the input, after the verb */
	size_t		 arglen;	/* trailing white space removed */
};

enum smtp_body { SMTP_BODY_NONE, SMTP_BODY_7BIT, SMTP_BODY_8BITMIME,
	SMTP_BODY_BINARYMIME };

struct smtp_mail {
	/* without <>; "" = the null sender */
	char		 path[SMTP_PATH_MAX + 1];
	int		 has_size;
	uint64_t	 size;
	enum smtp_body	 body;
	int		 smtputf8;
	int		 requiretls;
	int		 utf8_path;	/* path has non-ASCII octets */
	char		 params[SMTP_PARAMS_MAX + 1];	/* as sent */
};

struct smtp_rcpt {
	char		 path[SMTP_PATH_MAX + 1];
	int		 utf8_path;
	int		 postmaster;	/* <postmaster> without a domain */
};

/* One command line without its CRLF. 0, or -1 with *err set to reply
 * text (the caller adds the code). The verb is case-insensitive. */
int	 smtp_parse_cmd(const char *buf, size_t len, struct smtp_cmd *,
	    const char **err);
/* Argument of MAIL: "FROM:<path> [params]". Errors as smtp_parse_cmd;
 * *code gets the SMTP reply code the error calls for (501, 555, 552). */
int	 smtp_parse_mail(const char *arg, size_t len, uint64_t size_limit,
	    struct smtp_mail *, int *code, const char **err);
/* Argument of RCPT: "TO:<path>". No parameters are offered. */
int	 smtp_parse_rcpt(const char *arg, size_t len, struct smtp_rcpt *,
	    int *code, const char **err);
/* Argument of BDAT: "SIZE [LAST]" (RFC 3030 2). */
int	 smtp_parse_bdat(const char *arg, size_t len, uint64_t *size,
	    int *last, const char **err);
/* Argument of HELO/EHLO: a domain or address literal, copied into out
 * (at most outsz-1 octets); empty is an error. */
int	 smtp_parse_helo(const char *arg, size_t len, char *out,
	    size_t outsz, const char **err);
/* The domain part of a path ("" when none), pointer into path. */
const char *smtp_path_domain(const char *path);
const char *smtp_verb_name(enum smtp_verb);

#endif
