/* dnskeys: the DNSSEC signing keys (KSK and ZSK per zone) that the
 * dns-rotator signs with. Owned by the dns-rotator work. */
#ifndef ECHOMX_DNSKEYS_H
#define ECHOMX_DNSKEYS_H

struct conf;
struct sbuf;

/* Create, in dnssec_key_dir, the KSK and ZSK of every zone the rotator
 * signs, where missing (mode 0600). Existing keys are left alone.
 * Returns 0, or -1 with the reason in err. Called by "echomx init". */
int	dnskeys_ensure(const struct conf *, struct sbuf *err);

#endif
