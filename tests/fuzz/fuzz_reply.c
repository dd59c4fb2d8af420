/* fuzz_reply: the probe's SMTP reply parser and EHLO keyword extraction
 * on arbitrary bytes; a parsed reply is parsed again from its remainder
 * (as the client does with a pipelined buffer). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tls/probe_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *p = (const char *)data;
	struct probe_reply r;
	char names[128];
	uint64_t size;
	int rounds = 0;
	long n;

	while (len > 0 && rounds++ < 8) {
		n = probe_reply_parse(p, len, &r, NULL);
		if (n <= 0)
			break;
		if ((size_t)n > len || r.textlen >= sizeof(r.text) ||
		    strlen(r.text) != r.textlen)
			__builtin_trap();
		probe_reply_ehlo_names(probe_reply_ehlo(&r, &size), names,
		    sizeof(names));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
