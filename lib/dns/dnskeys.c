/* dnskeys: placeholder until the dns-rotator work lands; makes no keys. */
#include "dns/dnskeys.h"

int
dnskeys_ensure(const struct conf *c, struct sbuf *err)
{
	(void)c;
	(void)err;
	return 0;
}
