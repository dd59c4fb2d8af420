/* fuzz_smtp_tls_hello: the ClientHello extension parsers of the
 * listener on arbitrary octets. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tls/tls_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char out[256];

	(void)tls_hello_sni(data, len, out, sizeof(out));
	free(tls_hello_list(data, len, 1, 'v'));
	free(tls_hello_list(data, len, 2, 'g'));
	free(tls_hello_list(data, len, 2, 's'));
	return 0;
}
