/* fuzz_rotator_update: the TSIG key file parser and the update_server
 * address parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/update.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct update_key k;
	struct sbuf err;
	char *s, ip[64];
	uint16_t port;

	sbuf_init(&err, 1024);
	(void)update_key_parse((const char *)data, size, &k, &err);
	sbuf_free(&err);
	s = malloc(size + 1);
	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	(void)update_server_parse(s, ip, sizeof(ip), &port);
	free(s);
	return 0;
}
