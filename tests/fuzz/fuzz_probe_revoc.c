/* fuzz_probe_revoc: OCSP response and CRL judging (lib/tls/probe_revoc)
 * on arbitrary octets, against the canned leaf and issuer of the unit
 * test (tests/unit/probe_revoc_fix.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/probe_revoc.h"
#include "tests/unit/probe_revoc_fix.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static unsigned char *
unhex(const char *h, size_t *len)
{
	size_t n = strlen(h) / 2, i;
	unsigned char *p = malloc(n + 1);

	for (i = 0; p != NULL && i < n; i++) {
		unsigned v = 0;
		int k;

		for (k = 0; k < 2; k++) {
			char c = h[2 * i + k];

			v = v * 16 + (unsigned)(c <= '9' ? c - '0' :
			    (c | 0x20) - 'a' + 10);
		}
		p[i] = (unsigned char)v;
	}
	*len = n;
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe_revoc_in in;
	static int ready;
	struct probe_revoc_out out;

	if (!ready) {
		size_t ll, il;
		unsigned char *l = unhex(fix_bad, &ll);
		unsigned char *i = unhex(fix_ca, &il);

		(void)probe_revoc_prepare_der(l, ll, i, il, &in);
		free(l);
		free(i);
		ready = 1;
	}
	probe_revoc_ocsp(&in, data, size, (time_t)(FIX_NOW + 3600), &out);
	probe_revoc_crl(&in, data, size, (time_t)(FIX_NOW + 3600), &out);
	return 0;
}
