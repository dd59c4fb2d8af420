/* dnskeys: create, load and describe the DNSSEC keys of the rotator's
 * zones (RFC 4034 2, RFC 4034 5 for DS). Touches: dnssec_key_dir only.
 * The key tag is recomputed after the flags are set: ldns computes it
 * when the key is made, with the flags it had then. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "dns/dnskeys.h"
#include "dns/zone.h"
#include "dns/dnskeys_int.h"
#include "util/conf.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/str.h"

#define DNSKEYS_BITS	2048
#define DNSKEYS_MAXKEYS	16

static int
dnskeys_name_ok(const char *zone)
{
	const char *p;

	if (*zone == '\0' || strlen(zone) > 253 || *zone == '.')
		return 0;
	for (p = zone; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' &&
		    *p != '_')
			return 0;
	return 1;
}


char **
dnskeys_zones(const struct conf *c, size_t *np)
{
	char **v = xcalloc(8, sizeof(char *));
	size_t n = 0, cap = 8, i, j;
	const char *names[3];

	names[0] = conf_str(c, "base_domain");
	names[1] = conf_str(c, "enforced_domain");
	names[2] = conf_str(c, "unenforced_domain");
	for (i = 0; i < 3 + conf_nvs(c); i++) {
		const char *s;
		char *z;

		if (i < 3)
			s = names[i];
		else {
			const struct conf_vs *vs = conf_vs_at(c, i - 3);

			if (strcmp(conf_vs_str(vs, "dnssec"), "bogus") != 0)
				continue;
			s = conf_vs_str(vs, "hostname");
		}
		z = zone_norm(s);
		for (j = 0; j < n && strcmp(v[j], z) != 0; j++)
			;
		if (j < n || *z == '\0') {
			free(z);
			continue;
		}
		if (n + 2 > cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(char *));
		}
		v[n++] = z;
		v[n] = NULL;
	}
	*np = n;
	return v;
}


/* Write one new key file with O_EXCL; the public DNSKEY goes beside it
 * as .key for the operator. */
static int
dnskeys_create(const char *dir, const char *zone, int ksk, struct sbuf *err)
{
	struct sbuf path, pub;
	ldns_key *k;
	ldns_rr *rr;
	FILE *fp;
	int fd, r = -1;

	sbuf_init(&path, 4096);
	sbuf_init(&pub, 4096);
	sbuf_addf(&path, "%s/K%s.%s.private", dir, zone, ksk ? "ksk" : "zsk");
	sbuf_addf(&pub, "%s/K%s.%s.key", dir, zone, ksk ? "ksk" : "zsk");
	k = ldns_key_new_frm_algorithm(LDNS_SIGN_RSASHA256, DNSKEYS_BITS);
	if (k == NULL) {
		sbuf_addf(err, "%s: key generation failed", zone);
		goto out;
	}
	fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		sbuf_addf(err, "%s: %s", path.data, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	ldns_key_print(fp, k);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0 || ferror(fp)) {
		fclose(fp);
		unlink(path.data);
		sbuf_addf(err, "%s: write failed", path.data);
		goto out;
	}
	fclose(fp);
	/* The public half, for reading only. */
	ldns_key_set_flags(k, ksk ? 257 : 256);
	ldns_key_set_pubkey_owner(k, ldns_dname_new_frm_str(zone));
	if ((rr = ldns_key2rr(k)) != NULL) {
		if ((fp = fopen(pub.data, "w")) != NULL) {
			ldns_rr_print(fp, rr);
			fclose(fp);
		}
		ldns_rr_free(rr);
	}
	r = 0;
out:
	if (k != NULL)
		ldns_key_deep_free(k);
	sbuf_free(&path);
	sbuf_free(&pub);
	return r;
}

int
dnskeys_ensure_zone(const char *dir, const char *zone, struct sbuf *err)
{
	struct sbuf p;
	int ksk, r = 0;

	if (!dnskeys_name_ok(zone)) {
		sbuf_addf(err, "not a zone name: %s", zone);
		return -1;
	}
	if (fs_mkdirs(dir, 0700, err) < 0)
		return -1;
	sbuf_init(&p, 4096);
	for (ksk = 1; ksk >= 0 && r == 0; ksk--) {
		sbuf_reset(&p);
		sbuf_addf(&p, "%s/K%s.%s.private", dir, zone,
		    ksk ? "ksk" : "zsk");
		if (access(p.data, F_OK) == 0)
			continue;
		r = dnskeys_create(dir, zone, ksk, err);
	}
	sbuf_free(&p);
	return r;
}

int
dnskeys_ensure(const struct conf *c, struct sbuf *err)
{
	char **z;
	size_t n, i;
	int r = 0;

	z = dnskeys_zones(c, &n);
	for (i = 0; i < n && r == 0; i++)
		r = dnskeys_ensure_zone(conf_str(c, "dnssec_key_dir"), z[i],
		    err);
	conf_list_free(z);
	return r;
}

/* Is name a key file of zone? Sets *ksk. "K<zone>.ksk.private" or
 * "K<zone>.ksk-<tag>.private" (likewise zsk). */
static int
dnskeys_match(const char *name, const char *zone, int *ksk)
{
	size_t zl = strlen(zone), nl = strlen(name);
	const char *p, *end;

	if (nl < zl + 13 || name[0] != 'K' ||
	    strncasecmp(name + 1, zone, zl) != 0 || name[zl + 1] != '.')
		return 0;
	p = name + zl + 2;
	if (strncmp(p, "ksk", 3) == 0)
		*ksk = 1;
	else if (strncmp(p, "zsk", 3) == 0)
		*ksk = 0;
	else
		return 0;
	p += 3;
	end = name + nl - 8;
	if (strcmp(end, ".private") != 0)
		return 0;
	if (p == end)
		return 1;
	if (*p != '-' || p + 1 == end)
		return 0;
	for (p++; p < end; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return 0;
	return 1;
}

static int
dnskeys_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

ldns_key_list *
dnskeys_load(const char *dir, const char *zone, struct sbuf *err)
{
	DIR *d;
	struct dirent *e;
	char *names[DNSKEYS_MAXKEYS];
	int isksk[DNSKEYS_MAXKEYS];
	size_t n = 0, i;
	ldns_key_list *kl;
	int nksk = 0, nzsk = 0, bad = 0;

	if ((d = opendir(dir)) == NULL) {
		sbuf_addf(err, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		int k;

		if (!dnskeys_match(e->d_name, zone, &k))
			continue;
		if (n == DNSKEYS_MAXKEYS) {
			sbuf_addf(err, "%s: more than %d keys for %s", dir,
			    DNSKEYS_MAXKEYS, zone);
			bad = 1;
			break;
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), dnskeys_cmp);
	kl = ldns_key_list_new();
	for (i = 0; i < n && !bad; i++) {
		struct sbuf p;
		ldns_key *k = NULL;
		ldns_rr *rr;
		ldns_status st;
		FILE *fp;
		int line = 0;

		dnskeys_match(names[i], zone, &isksk[i]);
		sbuf_init(&p, 4096);
		sbuf_addf(&p, "%s/%s", dir, names[i]);
		if ((fp = fopen(p.data, "r")) == NULL) {
			sbuf_addf(err, "%s: %s", p.data, strerror(errno));
			sbuf_free(&p);
			bad = 1;
			break;
		}
		st = ldns_key_new_frm_fp_l(&k, fp, &line);
		fclose(fp);
		if (st != LDNS_STATUS_OK) {
			sbuf_addf(err, "%s:%d: %s", p.data, line,
			    ldns_get_errorstr_by_id(st));
			sbuf_free(&p);
			bad = 1;
			break;
		}
		sbuf_free(&p);
		ldns_key_set_flags(k, isksk[i] ? 257 : 256);
		ldns_key_set_pubkey_owner(k, ldns_dname_new_frm_str(zone));
		ldns_key_set_use(k, true);
		rr = ldns_key2rr(k);
		if (rr == NULL) {
			ldns_key_deep_free(k);
			sbuf_addf(err, "%s: unusable key", names[i]);
			bad = 1;
			break;
		}
		ldns_key_set_keytag(k, ldns_calc_keytag(rr));
		ldns_rr_free(rr);
		ldns_key_list_push_key(kl, k);
		if (isksk[i])
			nksk++;
		else
			nzsk++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	if (!bad && (nksk == 0 || nzsk == 0)) {
		sbuf_addf(err, "%s: no %s for zone %s (run \"echomx init\")",
		    dir, nksk == 0 ? "KSK" : "ZSK", zone);
		bad = 1;
	}
	if (bad) {
		ldns_key_list_free(kl);
		return NULL;
	}
	return kl;
}

static int
dnskeys_text(const char *dir, const char *zone, uint32_t ttl, int ds,
    struct sbuf *out, struct sbuf *err)
{
	ldns_key_list *kl;
	ldns_rr_list *l;
	size_t i;
	char *s;

	if ((kl = dnskeys_load(dir, zone, err)) == NULL)
		return -1;
	l = ldns_rr_list_new();
	for (i = 0; i < ldns_key_list_key_count(kl); i++) {
		ldns_key *k = ldns_key_list_key(kl, i);
		ldns_rr *rr = ldns_key2rr(k), *d;

		if (rr == NULL)
			continue;
		ldns_rr_set_ttl(rr, ttl);
		if (!ds) {
			ldns_rr_list_push_rr(l, rr);
			continue;
		}
		if (ldns_key_flags(k) & LDNS_KEY_SEP_KEY) {
			d = ldns_key_rr2ds(rr, LDNS_SHA256);
			if (d != NULL) {
				ldns_rr_set_ttl(d, ttl);
				ldns_rr_list_push_rr(l, d);
			}
		}
		ldns_rr_free(rr);
	}
	ldns_rr_list_sort(l);
	s = ldns_rr_list2str(l);
	if (s != NULL)
		sbuf_adds(out, s);
	free(s);
	ldns_rr_list_deep_free(l);
	ldns_key_list_free(kl);
	if (out->over) {
		sbuf_adds(err, "key text too long");
		return -1;
	}
	return 0;
}

int
dnskeys_dnskey_text(const char *dir, const char *zone, uint32_t ttl,
    struct sbuf *out, struct sbuf *err)
{
	return dnskeys_text(dir, zone, ttl, 0, out, err);
}

int
dnskeys_ds_text(const char *dir, const char *zone, uint32_t ttl,
    struct sbuf *out, struct sbuf *err)
{
	return dnskeys_text(dir, zone, ttl, 1, out, err);
}
