/* dnskeys: the DNSSEC signing keys (KSK and ZSK per zone) that the
 * dns-rotator signs with. Files in dnssec_key_dir, ldns private-key
 * format, mode 0600:
 *   K<zone>.ksk.private  K<zone>.zsk.private   (the current keys)
 *   K<zone>.ksk-<tag>.private, K<zone>.zsk-<tag>.private  (extra keys
 *   during a rollover: every file of the zone is published and signs)
 * Algorithm RSASHA256 (8), 2048 bits: its signatures are deterministic,
 * so the same input and --now give the same signed zone. */
#ifndef ECHOMX_DNSKEYS_H
#define ECHOMX_DNSKEYS_H
#include <stddef.h>
#include <stdint.h>

struct conf;
struct sbuf;

/* Create, in dnssec_key_dir, the KSK and ZSK of every zone the rotator
 * signs, where missing (mode 0600). Existing keys are left alone.
 * Returns 0, or -1 with the reason in err. Called by "echomx init". */
int	dnskeys_ensure(const struct conf *, struct sbuf *err);

/* The zones the rotator signs: base, enforced and unenforced domains and
 * the hostname of every virtual server with dnssec = bogus; lower case,
 * no trailing dot, without duplicates. NULL-terminated; the caller frees
 * it with conf_list_free(). */
char	**dnskeys_zones(const struct conf *, size_t *n);

/* Create the KSK and ZSK of one zone in dir where missing. */
int	dnskeys_ensure_zone(const char *dir, const char *zone,
	    struct sbuf *err);

/* The DNSKEY records of the zone (presentation format, one per line,
 * sorted), or its DS records (SHA-256, KSKs only). 0 or -1 with err. */
int	dnskeys_dnskey_text(const char *dir, const char *zone, uint32_t ttl,
	    struct sbuf *out, struct sbuf *err);
int	dnskeys_ds_text(const char *dir, const char *zone, uint32_t ttl,
	    struct sbuf *out, struct sbuf *err);

#endif
