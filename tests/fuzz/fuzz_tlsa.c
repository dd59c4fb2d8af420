/* fuzz_tlsa: TLSA presentation and rdata parsers. */
#include <stddef.h>
#include <stdint.h>

#include "mail/tlsa.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsa_rr rr;
	char err[256];

	if (tlsa_parse_text((const char *)data, size, &rr, err,
	    sizeof(err)) == 0)
		(void)tlsa_unusable(&rr);
	if (tlsa_parse_rdata(data, size, &rr, err, sizeof(err)) == 0)
		(void)tlsa_unusable(&rr);
	return 0;
}
