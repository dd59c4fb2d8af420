/* fuzz_mtasts: MTA-STS TXT and policy parsers, MX matching. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mail/mtasts.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mtasts_txt t;
	struct mtasts_policy p;
	char err[256], host[300];
	size_t n = size < sizeof(host) - 1 ? size : sizeof(host) - 1;

	(void)mtasts_txt_parse((const char *)data, size, &t, err,
	    sizeof(err));
	if (mtasts_policy_parse((const char *)data, size, &p, err,
	    sizeof(err)) == 0)
		(void)mtasts_policy_match(&p, "mx1.example.com");
	memcpy(host, data, n);
	host[n] = '\0';
	(void)mtasts_mx_match("*.example.com", host);
	(void)mtasts_mx_match(host, "mx1.example.com");
	return 0;
}
