/* fuzz_smtp_parse: every SMTP input parser on arbitrary octets. */
#include <stddef.h>
#include <stdint.h>

#include "mail/smtp_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct smtp_cmd c;
	struct smtp_mail m;
	struct smtp_rcpt r;
	const char *err;
	const char *s = (const char *)data;
	char helo[256];
	uint64_t size;
	int code, last;

	if (smtp_parse_cmd(s, len, &c, &err) == 0) {
		switch (c.verb) {
		case SMTP_V_MAIL:
			if (smtp_parse_mail(c.arg, c.arglen, 1000, &m, &code,
			    &err) == 0)
				(void)smtp_path_domain(m.path);
			break;
		case SMTP_V_RCPT:
			if (smtp_parse_rcpt(c.arg, c.arglen, &r, &code,
			    &err) == 0)
				(void)smtp_path_domain(r.path);
			break;
		case SMTP_V_BDAT:
			(void)smtp_parse_bdat(c.arg, c.arglen, &size, &last,
			    &err);
			break;
		default:
			(void)smtp_parse_helo(c.arg, c.arglen, helo,
			    sizeof(helo), &err);
			break;
		}
	}
	(void)smtp_parse_mail(s, len, 0, &m, &code, &err);
	(void)smtp_parse_rcpt(s, len, &r, &code, &err);
	(void)smtp_parse_bdat(s, len, &size, &last, &err);
	return 0;
}
