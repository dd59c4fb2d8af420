/* fuzz_rotator_zone: the rotator's zone text helpers: template expansion,
 * address splitting, TXT quoting, name containment. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/zone.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const vars[] = { "zone", "et.example", "serial",
	    "4294967295", "ttl", "60", NULL };
	struct sbuf out, err;
	char *s, ip[64], *half;
	size_t h = size / 2;

	sbuf_init(&out, 1 << 20);
	sbuf_init(&err, 1024);
	(void)zone_expand((const char *)data, size, vars, &out, &err);
	s = malloc(size + 1);
	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	(void)zone_addr(s, ip, sizeof(ip));
	sbuf_reset(&out);
	(void)zone_txt(&out, "x.example", 60, s);
	half = strndup(s, h);
	if (half != NULL) {
		(void)zone_in(half, s + h);
		free(zone_norm(half));
		free(half);
	}
	free(s);
	sbuf_free(&out);
	sbuf_free(&err);
	return 0;
}
