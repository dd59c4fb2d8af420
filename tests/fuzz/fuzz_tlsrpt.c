/* fuzz_tlsrpt: the TLS-RPT record parser. */
#include <stddef.h>
#include <stdint.h>

#include "mail/tlsrpt.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsrpt_record r;
	char err[256];

	(void)tlsrpt_is_record((const char *)data, size);
	(void)tlsrpt_parse((const char *)data, size, &r, err, sizeof(err));
	return 0;
}
