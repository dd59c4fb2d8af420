/* fuzz_dkimkey: DKIM key record parser, base64 and the DER reader. */
#include <stddef.h>
#include <stdint.h>

#include "mail/dkimkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkimkey k;
	char err[256];
	unsigned bits;
	int spki;

	(void)dkimkey_parse((const char *)data, size, &k, err, sizeof(err));
	(void)dkimkey_rsa_bits(data, size, &bits, &spki, err, sizeof(err));
	return 0;
}
