/* fuzz_dns_rr: lib/dns's rdata parsers and wire-name reader. The first
 * octet picks the type. */
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = { DNS_T_A, DNS_T_AAAA, DNS_T_MX,
	    DNS_T_TXT, DNS_T_TLSA, DNS_T_PTR, DNS_T_CNAME };
	char name[DNS_NAME_MAX];
	struct dns_rr rr;
	const char *why;

	if (size < 1)
		return 0;
	(void)dns_rr_parse(&rr, types[data[0] % 7], data + 1, size - 1,
	    &why);
	dns_rr_clear(&rr);
	(void)dns_name_from_wire(data + 1, size - 1, name, sizeof(name));
	return 0;
}
