/* fuzz_psl: the public suffix list parser, and lookups in what it made
 * (the input's lines are also tried as domain names). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mail/psl.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], out[256], name[300];
	struct psl *p;
	size_t i = 0, s, n;

	p = psl_parse((const char *)data, size, err, sizeof(err));
	if (p == NULL) {
		static const char dflt[] = "com\n*.ck\n!www.ck\nco.uk\nuk\n";

		p = psl_parse(dflt, sizeof(dflt) - 1, err, sizeof(err));
	}
	while (i < size) {
		s = i;
		while (i < size && data[i] != '\n')
			i++;
		n = i - s < sizeof(name) - 1 ? i - s : sizeof(name) - 1;
		memcpy(name, data + s, n);
		name[n] = '\0';
		(void)psl_org_domain(p, name, out, sizeof(out));
		(void)psl_public_suffix(p, name, out, sizeof(out));
		i++;
	}
	psl_free(p);
	return 0;
}
