/* fuzz_dmarc: the DMARC record parser. */
#include <stddef.h>
#include <stdint.h>

#include "mail/dmarc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_record r;
	char err[256];

	(void)dmarc_is_record((const char *)data, size);
	(void)dmarc_parse((const char *)data, size, &r, err, sizeof(err));
	return 0;
}
