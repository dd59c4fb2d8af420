/* mtasts: MTA-STS (RFC 8461) - the "_mta-sts" TXT record (§3.1), the
 * policy file (§3.2) and MX pattern matching (§4.1). Pure functions. */
#ifndef ECHOMX_MTASTS_H
#define ECHOMX_MTASTS_H
#include <stddef.h>
#include <stdint.h>

#define MTASTS_MAX_TXT		1024
#define MTASTS_MAX_POLICY	65536	/* §3.3: 64 KiB is plenty */
#define MTASTS_MAX_MX		32
#define MTASTS_MAX_AGE		31557600	/* §3.2: about one year */

struct mtasts_txt {
	char	id[33];		/* 1*32 ALPHA / DIGIT */
};

enum mtasts_mode {
	MTASTS_MODE_UNSET = 0,
	MTASTS_MODE_ENFORCE,
	MTASTS_MODE_TESTING,
	MTASTS_MODE_NONE
};

struct mtasts_policy {
	enum mtasts_mode mode;
	uint32_t	 max_age;	/* seconds */
	size_t		 nmx;
	char		 mx[MTASTS_MAX_MX][256];	/* lower case */
};

/* 1 if the TXT string starts with "v=STSv1" (then ';', space, end). */
int	 mtasts_txt_is_record(const char *buf, size_t len);
/* "v=STSv1; id=20190429T010101;" -> id. 0 ok, -1 with err. */
int	 mtasts_txt_parse(const char *buf, size_t len, struct mtasts_txt *,
	    char *err, size_t errsz);

/* The policy body ("version: STSv1\r\nmode: enforce\r\n..."), CRLF or LF
 * line ends. Unknown keys are ignored; version, mode, max_age required;
 * mx required unless mode is none. 0 ok, -1 with err. */
int	 mtasts_policy_parse(const char *buf, size_t len,
	    struct mtasts_policy *, char *err, size_t errsz);

const char *mtasts_mode_name(enum mtasts_mode);	/* "enforce", ... */

/* §4.1: does MX host name match pattern? "mail.example.com" matches
 * exactly; "*.example.com" matches one extra left-most label only.
 * Case-insensitive; a trailing dot on either is ignored. */
int	 mtasts_mx_match(const char *pattern, const char *host);
/* Index of the first policy mx pattern matching host, or -1. */
int	 mtasts_policy_match(const struct mtasts_policy *, const char *host);

#endif
