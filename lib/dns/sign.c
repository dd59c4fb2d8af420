/* sign: zone signing (RFC 4035 2) with ldns and an independent check of
 * the result with ldns_verify_time. Touches: key files (read) and memory;
 * the caller publishes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/dnskeys_int.h"
#include "dns/sign.h"
#include "dns/sign_int.h"
#include "util/mem.h"
#include "util/str.h"

/* Allow for clocks a little behind ours (RFC 6781 4.4.2.2). */
#define SIGN_INCEPTION_SKEW	3600

ldns_zone *
sign_parse(const char *text, size_t len, const char *zone, uint32_t ttl,
    struct sbuf *err)
{
	ldns_zone *z = NULL;
	ldns_rdf *origin;
	ldns_status st;
	FILE *fp;
	int line = 0;

	if (len == 0) {
		sbuf_addf(err, "%s: empty zone", zone);
		return NULL;
	}
	if ((fp = fmemopen((void *)text, len, "r")) == NULL) {
		sbuf_addf(err, "%s: fmemopen failed", zone);
		return NULL;
	}
	origin = ldns_dname_new_frm_str(zone);
	if (origin == NULL) {
		fclose(fp);
		sbuf_addf(err, "%s: not a domain name", zone);
		return NULL;
	}
	st = ldns_zone_new_frm_fp_l(&z, fp, origin, ttl, LDNS_RR_CLASS_IN,
	    &line);
	fclose(fp);
	ldns_rdf_deep_free(origin);
	if (st != LDNS_STATUS_OK) {
		sbuf_addf(err, "%s: line %d: %s", zone, line,
		    ldns_get_errorstr_by_id(st));
		return NULL;
	}
	if (ldns_zone_soa(z) == NULL) {
		ldns_zone_deep_free(z);
		sbuf_addf(err, "%s: no SOA record", zone);
		return NULL;
	}
	return z;
}

static int
sign_same_name(const ldns_rr *a, const ldns_rr *b)
{
	return ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(b)) == 0;
}

int
sign_verify(const char *text, size_t len, const char *zone, uint64_t now,
    size_t *ngood, size_t *nbad, struct sbuf *why, struct sbuf *err)
{
	ldns_zone *z;
	ldns_rr_list *all, *keys, *cuts;
	ldns_rdf *apex;
	size_t i, j, n;

	*ngood = *nbad = 0;
	if ((z = sign_parse(text, len, zone, 0, err)) == NULL)
		return -1;
	apex = ldns_rr_owner(ldns_zone_soa(z));
	all = ldns_rr_list_new();
	keys = ldns_rr_list_new();
	cuts = ldns_rr_list_new();
	ldns_rr_list_push_rr(all, ldns_zone_soa(z));
	for (i = 0; i < ldns_rr_list_rr_count(ldns_zone_rrs(z)); i++)
		ldns_rr_list_push_rr(all,
		    ldns_rr_list_rr(ldns_zone_rrs(z), i));
	ldns_rr_list_sort(all);
	n = ldns_rr_list_rr_count(all);
	for (i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(all, i);
		int apexname = ldns_dname_compare(ldns_rr_owner(rr), apex) == 0;

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY && apexname)
			ldns_rr_list_push_rr(keys, rr);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS && !apexname)
			ldns_rr_list_push_rr(cuts, rr);
	}
	for (i = 0; i < n; ) {
		ldns_rr *first = ldns_rr_list_rr(all, i);
		ldns_rr_type t = ldns_rr_get_type(first);
		ldns_rr_list *set = ldns_rr_list_new(), *sigs;
		int skip = 0, atcut = 0;
		ldns_status st;

		for (j = i; j < n; j++) {
			ldns_rr *rr = ldns_rr_list_rr(all, j);

			if (!sign_same_name(rr, first) ||
			    ldns_rr_get_type(rr) != t)
				break;
			ldns_rr_list_push_rr(set, rr);
		}
		i = j;
		for (j = 0; j < ldns_rr_list_rr_count(cuts); j++) {
			ldns_rdf *cut = ldns_rr_owner(ldns_rr_list_rr(cuts, j));

			if (ldns_dname_is_subdomain(ldns_rr_owner(first), cut))
				skip = 1;
			if (ldns_dname_compare(ldns_rr_owner(first), cut) == 0)
				atcut = 1;
		}
		/* At a cut only DS and NSEC/NSEC3 are authoritative (RFC
		 * 4035 2.2); below it everything is glue. */
		if (atcut && t != LDNS_RR_TYPE_DS && t != LDNS_RR_TYPE_NSEC &&
		    t != LDNS_RR_TYPE_NSEC3)
			skip = 1;
		if (t == LDNS_RR_TYPE_RRSIG)
			skip = 1;
		if (skip) {
			ldns_rr_list_free(set);
			continue;
		}
		sigs = ldns_rr_list_new();
		for (j = 0; j < n; j++) {
			ldns_rr *rr = ldns_rr_list_rr(all, j);

			ldns_rdf *cov;

			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
			    !sign_same_name(rr, first))
				continue;
			cov = ldns_rr_rrsig_typecovered(rr);
			if (cov != NULL && ldns_rdf2rr_type(cov) == t)
				ldns_rr_list_push_rr(sigs, rr);
		}
		if (ldns_rr_list_rr_count(sigs) == 0)
			st = LDNS_STATUS_CRYPTO_NO_RRSIG;
		else
			st = ldns_verify_time(set, sigs, keys, (time_t)now,
			    NULL);
		if (st == LDNS_STATUS_OK)
			(*ngood)++;
		else {
			if (*nbad == 0 && why != NULL) {
				char *o = ldns_rdf2str(ldns_rr_owner(first));
				char *ty = ldns_rr_type2str(t);

				sbuf_addf(why, "%s %s: %s", o ? o : "?",
				    ty ? ty : "?", ldns_get_errorstr_by_id(st));
				free(o);
				free(ty);
			}
			(*nbad)++;
		}
		ldns_rr_list_free(sigs);
		ldns_rr_list_free(set);
	}
	ldns_rr_list_free(cuts);
	ldns_rr_list_free(keys);
	ldns_rr_list_free(all);
	ldns_zone_deep_free(z);
	return 0;
}

/* Flip one octet in the middle of every signature: the RRSIG stays
 * well-formed, but no validator can verify it. */
static void
sign_break(ldns_rr_list *added)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(added); i++) {
		ldns_rr *rr = ldns_rr_list_rr(added, i);
		ldns_rdf *sig;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
		    (sig = ldns_rr_rrsig_sig(rr)) == NULL ||
		    ldns_rdf_size(sig) == 0)
			continue;
		ldns_rdf_data(sig)[ldns_rdf_size(sig) / 2] ^= 0x5a;
	}
}

int
sign_zone(const char *text, size_t len, const struct sign_params *sp,
    struct sbuf *out, uint64_t *expire, struct sbuf *err)
{
	ldns_zone *orig;
	ldns_dnssec_zone *dz;
	ldns_key_list *kl;
	ldns_rr_list *added;
	ldns_status st;
	uint8_t salt[1] = { 0 };
	size_t i, ngood, nbad;
	uint32_t inc, exp;
	struct sbuf why;
	char *buf = NULL;
	size_t blen = 0;
	FILE *mf;
	int r = -1;

	if ((orig = sign_parse(text, len, sp->zone, sp->ttl, err)) == NULL)
		return -1;
	if ((kl = dnskeys_load(sp->key_dir, sp->zone, err)) == NULL) {
		ldns_zone_deep_free(orig);
		return -1;
	}
	inc = (uint32_t)(sp->now > SIGN_INCEPTION_SKEW ?
	    sp->now - SIGN_INCEPTION_SKEW : 0);
	exp = (uint32_t)(sp->now + sp->validity);
	*expire = sp->now + sp->validity;
	dz = ldns_dnssec_zone_new();
	added = ldns_rr_list_new();
	ldns_dnssec_zone_add_rr(dz, ldns_zone_soa(orig));
	for (i = 0; i < ldns_rr_list_rr_count(ldns_zone_rrs(orig)); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ldns_zone_rrs(orig), i);

		st = ldns_dnssec_zone_add_rr(dz, rr);
		if (st != LDNS_STATUS_OK) {
			char *s = ldns_rr2str(rr);

			sbuf_addf(err, "%s: cannot add %s: %s", sp->zone,
			    s ? s : "?", ldns_get_errorstr_by_id(st));
			free(s);
			goto out;
		}
	}
	for (i = 0; i < ldns_key_list_key_count(kl); i++) {
		ldns_key *k = ldns_key_list_key(kl, i);
		ldns_rr *rr;

		ldns_key_set_inception(k, inc);
		ldns_key_set_expiration(k, exp);
		if ((rr = ldns_key2rr(k)) == NULL) {
			sbuf_addf(err, "%s: unusable key", sp->zone);
			goto out;
		}
		ldns_rr_set_ttl(rr, sp->ttl);
		ldns_rr_list_push_rr(added, rr);
		ldns_dnssec_zone_add_rr(dz, rr);
	}
	if (sp->nsec3)
		st = ldns_dnssec_zone_sign_nsec3(dz, added, kl,
		    ldns_dnssec_default_replace_signatures, NULL, 1, 0, 0, 0,
		    salt);
	else
		st = ldns_dnssec_zone_sign(dz, added, kl,
		    ldns_dnssec_default_replace_signatures, NULL);
	if (st != LDNS_STATUS_OK) {
		sbuf_addf(err, "%s: signing failed: %s", sp->zone,
		    ldns_get_errorstr_by_id(st));
		goto out;
	}
	if (sp->break_sigs)
		sign_break(added);
	if ((mf = open_memstream(&buf, &blen)) == NULL) {
		sbuf_addf(err, "%s: open_memstream failed", sp->zone);
		goto out;
	}
	ldns_dnssec_zone_print(mf, dz);
	if (fclose(mf) != 0 || buf == NULL) {
		sbuf_addf(err, "%s: printing the zone failed", sp->zone);
		goto out;
	}
	sbuf_init(&why, 1024);
	if (sign_verify(buf, blen, sp->zone, sp->now, &ngood, &nbad, &why,
	    err) < 0) {
		sbuf_free(&why);
		goto out;
	}
	if (!sp->break_sigs && (nbad > 0 || ngood == 0)) {
		sbuf_addf(err, "%s: signed zone does not verify (%zu bad, %zu "
		    "good): %s", sp->zone, nbad, ngood, why.data);
		sbuf_free(&why);
		goto out;
	}
	if (sp->break_sigs && ngood > 0) {
		sbuf_addf(err, "%s: %zu RRsets still verify in the bogus zone",
		    sp->zone, ngood);
		sbuf_free(&why);
		goto out;
	}
	sbuf_free(&why);
	if (sbuf_add(out, buf, blen) < 0 || (blen > 0 && buf[blen - 1] !=
	    '\n' && sbuf_adds(out, "\n") < 0)) {
		sbuf_addf(err, "%s: signed zone too large", sp->zone);
		goto out;
	}
	r = 0;
out:
	free(buf);
	/* The RRs are shared by orig and dz: free dz shallow, orig and the
	 * records ldns made while signing deep. */
	ldns_dnssec_zone_free(dz);
	ldns_zone_deep_free(orig);
	ldns_rr_list_deep_free(added);
	ldns_key_list_free(kl);
	return r;
}
