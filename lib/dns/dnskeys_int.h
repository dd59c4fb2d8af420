/* dnskeys_int: the ldns side of dnskeys, for lib/dns/sign*.c only. */
#ifndef ECHOMX_DNSKEYS_INT_H
#define ECHOMX_DNSKEYS_INT_H
#include <ldns/ldns.h>

struct sbuf;

/* Every key file of zone in dir, flags (257 KSK, 256 ZSK), owner and key
 * tag set. The caller frees the list with ldns_key_list_free(). No key at
 * all, or an unreadable file, is an error (NULL, reason in err). */
ldns_key_list	*dnskeys_load(const char *dir, const char *zone,
		    struct sbuf *err);

#endif
