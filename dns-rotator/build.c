/* build: what the rotator's zones contain (DESIGN.md, "The outbound
 * test"): rotating MX, A/AAAA of the listener, TLSA from the certificate
 * files, MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) records, SPF, DMARC and
 * DKIM of the report domain, delegations with DS to the child zones.
 * Touches: reads certificates; creates the DKIM key when missing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dns-rotator/build.h"
#include "dns-rotator/rotate.h"
#include "dns/dnskeys.h"
#include "dns/zone.h"
#include "tls/tls_tlsa.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

#define BUILD_ZONE_MAX		(4 * 1024 * 1024)
#define BUILD_ERR_MAX		2048

static struct build_zone *
build_find(struct build *b, const char *owner, const char *except)
{
	struct build_zone *best = NULL;
	size_t i;

	for (i = 0; i < b->nzones; i++) {
		struct build_zone *z = &b->zones[i];

		if (except != NULL && strcmp(z->name, except) == 0)
			continue;
		if (!zone_in(owner, z->name))
			continue;
		if (best == NULL || strlen(z->name) > strlen(best->name))
			best = z;
	}
	return best;
}

static void
build_skip(struct build *b, const char *owner, const char *what)
{
	b->nwarn++;
	log_event(LOG_WARNING, NULL, "event=record_skipped owner=%s type=%s "
	    "reason=\"not inside any zone the rotator serves\"",
	    log_escs(owner), what);
}

/* Append one record line ("owner. ttl IN TYPE rdata") to the zone that
 * holds owner. */
static struct build_zone *
build_rr(struct build *b, const char *owner, uint32_t ttl, const char *type,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct build_zone *
build_rr(struct build *b, const char *owner, uint32_t ttl, const char *type,
    const char *fmt, ...)
{
	struct build_zone *z = build_find(b, owner, NULL);
	va_list ap;

	if (z == NULL) {
		build_skip(b, owner, type);
		return NULL;
	}
	sbuf_addf(&z->body, "%s. %lu IN %s ", owner, (unsigned long)ttl,
	    type);
	va_start(ap, fmt);
	sbuf_vaddf(&z->body, fmt, ap);
	va_end(ap);
	sbuf_adds(&z->body, "\n");
	return z;
}

static void
build_txt(struct build *b, const char *owner, uint32_t ttl, const char *txt)
{
	struct build_zone *z = build_find(b, owner, NULL);

	if (z == NULL) {
		build_skip(b, owner, "TXT");
		return;
	}
	zone_txt(&z->body, owner, ttl, txt);
}

static void
build_addr_rr(struct build *b, const char *owner, uint32_t ttl,
    const char *addr)
{
	char ip[64];
	int fam = zone_addr(addr, ip, sizeof(ip));

	if (fam == 0) {
		log_event(LOG_WARNING, NULL, "event=address_skipped owner=%s "
		    "address=%s reason=\"not a usable IP address\"",
		    log_escs(owner), log_escs(addr));
		return;
	}
	build_rr(b, owner, ttl, fam == 4 ? "A" : "AAAA", "%s", ip);
}

static void
build_watch(struct build *b, const char *path)
{
	size_t i;

	for (i = 0; i < b->nwatch; i++)
		if (strcmp(b->watch[i], path) == 0)
			return;
	b->watch = xrealloc(b->watch, (b->nwatch + 1) * sizeof(char *));
	b->watch[b->nwatch++] = xstrdup(path);
}

/* TLSA _25._tcp.host (RFC 7672 3.1): usage 3 from the server's own
 * certificate, usage 2 from the private CA; "wrong" publishes the digest
 * of the right digest: well-formed, never matching. */
static void
build_tlsa(struct build *b, const struct conf *c, const struct conf_vs *vs,
    const char *host, uint32_t ttl)
{
	int usage = strcmp(conf_vs_str(vs, "tlsa_usage"), "2") == 0 ? 2 : 3;
	const char *file = usage == 2 ? conf_str(c, "ca_cert") :
	    conf_vs_str(vs, "cert_file");
	int wrong = strcmp(conf_vs_str(vs, "tlsa"), "wrong") == 0;
	struct build_zone *z;
	unsigned char *d = NULL, w[TLS_TLSA_SHA256_LEN];
	size_t dlen = 0;
	struct sbuf owner, err, hex;

	sbuf_init(&owner, 1024);
	sbuf_init(&err, BUILD_ERR_MAX);
	sbuf_init(&hex, 1024);
	sbuf_addf(&owner, "_25._tcp.%s", host);
	z = build_find(b, owner.data, NULL);
	build_watch(b, file);
	if (z == NULL)
		build_skip(b, owner.data, "TLSA");
	else if (tls_tlsa_from_file(file, 1, 1, &d, &dlen, &err) < 0) {
		if (z->err.len == 0)
			sbuf_addf(&z->err, "TLSA of %s: %s", host, err.data);
	} else {
		if (wrong) {
			tls_tlsa_sha256(d, dlen, w);
			tls_tlsa_hex(&hex, w, sizeof(w));
		} else
			tls_tlsa_hex(&hex, d, dlen);
		build_rr(b, owner.data, ttl, "TLSA", "%d 1 1 %s", usage,
		    hex.data);
	}
	free(d);
	sbuf_free(&owner);
	sbuf_free(&err);
	sbuf_free(&hex);
}

/* MTA-STS: the policy text (RFC 8461 3.2) and the TXT record whose id
 * changes with it (3.1). */
static void
build_sts(struct build *b, const struct conf *c, const char *domain,
    int enforced, uint32_t ttl)
{
	struct build_policy *p = &b->pol[b->npol];
	unsigned char h[TLS_TLSA_SHA256_LEN];
	struct sbuf s;
	size_t i, nmx = 0;
	const char *mode = enforced ? conf_str(c, "sts_mode") : "testing";

	sbuf_init(&p->text, 65536);
	sbuf_addf(&p->text, "version: STSv1\nmode: %s\n", mode);
	for (i = 0; i < conf_nvs(c); i++) {
		const struct conf_vs *vs = conf_vs_at(c, i);
		char *host;

		if (strcmp(conf_vs_str(vs, "test_domain"), enforced ?
		    "enforced" : "unenforced") != 0 ||
		    !conf_vs_bool(vs, "in_sts_policy"))
			continue;
		host = zone_norm(conf_vs_str(vs, "hostname"));
		sbuf_addf(&p->text, "mx: %s\n", host);
		free(host);
		nmx++;
	}
	sbuf_addf(&p->text, "max_age: %llu\n",
	    (unsigned long long)conf_duration(c, "sts_max_age"));
	if (nmx == 0 && strcmp(mode, "none") != 0) {
		sbuf_free(&p->text);
		return;
	}
	p->domain = xstrdup(domain);
	tls_tlsa_sha256(p->text.data, p->text.len, h);
	sbuf_init(&s, 256);
	tls_tlsa_hex(&s, h, 10);
	p->id = sbuf_take(&s);
	b->npol++;
	sbuf_init(&s, 1024);
	sbuf_addf(&s, "_mta-sts.%s", domain);
	{
		struct sbuf t;

		sbuf_init(&t, 256);
		sbuf_addf(&t, "v=STSv1; id=%s;", p->id);
		build_txt(b, s.data, ttl, t.data);
		sbuf_free(&t);
	}
	sbuf_free(&s);
}

static void
build_domain(struct build *b, const struct conf *c, const char *domain,
    int enforced, uint64_t now, uint32_t ttl)
{
	size_t i, n = 0, k = 0;
	uint64_t period = conf_duration(c, "mx_rotation");
	const char *want = enforced ? "enforced" : "unenforced";
	struct sbuf s;
	char **w;
	size_t nw;

	for (i = 0; i < conf_nvs(c); i++)
		if (strcmp(conf_vs_str(conf_vs_at(c, i), "test_domain"),
		    want) == 0)
			n++;
	for (i = 0; i < conf_nvs(c); i++) {
		const struct conf_vs *vs = conf_vs_at(c, i);
		char *host;

		if (strcmp(conf_vs_str(vs, "test_domain"), want) != 0)
			continue;
		host = zone_norm(conf_vs_str(vs, "hostname"));
		build_rr(b, domain, ttl, "MX", "%u %s.",
		    rotate_pref(k++, n, now, period), host);
		free(host);
	}
	build_sts(b, c, domain, enforced, ttl);
	sbuf_init(&s, 1024);
	sbuf_addf(&s, "_smtp._tls.%s", domain);
	{
		struct sbuf t;

		sbuf_init(&t, 1024);
		sbuf_addf(&t, "v=TLSRPTv1; rua=mailto:%s",
		    conf_str(c, "tlsrpt_address"));
		build_txt(b, s.data, ttl, t.data);
		sbuf_free(&t);
	}
	sbuf_reset(&s);
	sbuf_addf(&s, "mta-sts.%s", domain);
	w = conf_split(conf_str(c, "sts_host_addresses"), &nw);
	for (i = 0; i < nw; i++)
		build_addr_rr(b, s.data, ttl, w[i]);
	conf_list_free(w);
	sbuf_free(&s);
}

static void
build_vs(struct build *b, const struct conf *c, const struct conf_vs *vs,
    uint32_t ttl)
{
	char *host = zone_norm(conf_vs_str(vs, "hostname"));
	const char *addrs = conf_vs_str(vs, "addresses");
	char **w;
	size_t nw, i;

	if (*addrs == '\0')
		addrs = conf_str(c, "listen");
	w = conf_split(addrs, &nw);
	for (i = 0; i < nw; i++)
		build_addr_rr(b, host, ttl, w[i]);
	conf_list_free(w);
	if (strcmp(conf_vs_str(vs, "tlsa"), "none") != 0)
		build_tlsa(b, c, vs, host, ttl);
	free(host);
}

static void
build_report(struct build *b, const struct conf *c, uint32_t ttl)
{
	char *rd = zone_norm(conf_str(c, "report_domain"));
	const char *keyfile = conf_str(c, "dkim_key_file");
	struct sbuf s, pub, err, t;
	struct build_zone *z;
	char *dir, *slash;

	sbuf_init(&s, 1024);
	sbuf_init(&t, 8192);
	sbuf_init(&pub, 8192);
	sbuf_init(&err, BUILD_ERR_MAX);
	/* RFC 7208 and RFC 7489 records, as configured; empty: none. */
	if (*conf_str(c, "report_spf") != '\0')
		build_txt(b, rd, ttl, conf_str(c, "report_spf"));
	sbuf_addf(&s, "_dmarc.%s", rd);
	if (*conf_str(c, "report_dmarc") != '\0')
		build_txt(b, s.data, ttl, conf_str(c, "report_dmarc"));
	sbuf_reset(&s);
	sbuf_addf(&s, "%s._domainkey.%s", conf_str(c, "dkim_selector"), rd);
	z = build_find(b, s.data, NULL);
	dir = xstrdup(keyfile);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			log_event(LOG_WARNING, NULL, "event=mkdir_failed "
			    "path=%s error=%s", log_escs(dir),
			    log_escs(strerror(errno)));
	}
	free(dir);
	if (z == NULL)
		build_skip(b, s.data, "TXT");
	else if (tls_tlsa_dkim_key(keyfile, &pub, &err) < 0) {
		log_event(LOG_ERR, NULL, "event=dkim_key_failed error=%s",
		    log_escs(err.data));
		if (z->err.len == 0)
			sbuf_addf(&z->err, "DKIM key: %s", err.data);
	} else {
		/* RFC 6376 3.6.1 */
		sbuf_addf(&t, "v=DKIM1; k=rsa; p=%s", pub.data);
		build_txt(b, s.data, ttl, t.data);
	}
	free(rd);
	sbuf_free(&s);
	sbuf_free(&t);
	sbuf_free(&pub);
	sbuf_free(&err);
}

/* NS at every apex; in the parent NS, DS (RFC 4035 2.4) and glue. */
static void
build_ns(struct build *b, const struct conf *c, uint32_t ttl)
{
	char **ns, **ad;
	size_t nns, nad, i, j, k;
	const char *keydir = conf_str(c, "dnssec_key_dir");

	ns = conf_split(conf_str(c, "zone_nameservers"), &nns);
	ad = conf_split(conf_str(c, "zone_ns_addresses"), &nad);
	for (i = 0; i < nns; i++) {
		char *n = zone_norm(ns[i]);

		free(ns[i]);
		ns[i] = n;
		for (j = 0; j < nad; j++)
			build_addr_rr(b, n, ttl, ad[j]);
	}
	for (i = 0; i < b->nzones; i++) {
		struct build_zone *z = &b->zones[i], *p;
		struct sbuf ds, err;

		for (j = 0; j < nns; j++)
			sbuf_addf(&z->body, "%s. %lu IN NS %s.\n", z->name,
			    (unsigned long)ttl, ns[j]);
		p = build_find(b, z->name, z->name);
		if (p == NULL) {
			z->top = 1;
			continue;
		}
		for (j = 0; j < nns; j++) {
			sbuf_addf(&p->body, "%s. %lu IN NS %s.\n", z->name,
			    (unsigned long)ttl, ns[j]);
			if (!zone_in(ns[j], z->name))
				continue;
			for (k = 0; k < nad; k++) {
				char ip[64];
				int fam = zone_addr(ad[k], ip, sizeof(ip));

				if (fam != 0)
					sbuf_addf(&p->body, "%s. %lu IN %s "
					    "%s\n", ns[j], (unsigned long)ttl,
					    fam == 4 ? "A" : "AAAA", ip);
			}
		}
		sbuf_init(&ds, 65536);
		sbuf_init(&err, BUILD_ERR_MAX);
		if (dnskeys_ds_text(keydir, z->name, ttl, &ds, &err) < 0) {
			if (p->err.len == 0)
				sbuf_addf(&p->err, "DS of %s: %s", z->name,
				    err.data);
		} else
			sbuf_add(&p->body, ds.data, ds.len);
		sbuf_free(&ds);
		sbuf_free(&err);
	}
	conf_list_free(ns);
	conf_list_free(ad);
}

struct build *
build_new(const struct conf *c, uint64_t now)
{
	struct build *b = xcalloc(1, sizeof(*b));
	uint32_t ttl = (uint32_t)conf_duration(c, "zone_ttl");
	char **names, *base, *et, *ut;
	size_t n, i;

	names = dnskeys_zones(c, &n);
	base = zone_norm(conf_str(c, "base_domain"));
	et = zone_norm(conf_str(c, "enforced_domain"));
	ut = zone_norm(conf_str(c, "unenforced_domain"));
	b->zones = xcalloc(n ? n : 1, sizeof(struct build_zone));
	b->nzones = n;
	for (i = 0; i < n; i++) {
		struct build_zone *z = &b->zones[i];

		z->name = xstrdup(names[i]);
		sbuf_init(&z->body, BUILD_ZONE_MAX);
		sbuf_init(&z->err, BUILD_ERR_MAX);
		if (strcmp(z->name, base) == 0)
			z->tmpl = "base.zone";
		else if (strcmp(z->name, et) == 0)
			z->tmpl = "enforced.zone";
		else if (strcmp(z->name, ut) == 0)
			z->tmpl = "unenforced.zone";
		else {
			z->tmpl = "bogus.zone";
			z->bogus = 1;
		}
	}
	conf_list_free(names);
	build_ns(b, c, ttl);
	build_domain(b, c, et, 1, now, ttl);
	build_domain(b, c, ut, 0, now, ttl);
	for (i = 0; i < conf_nvs(c); i++)
		build_vs(b, c, conf_vs_at(c, i), ttl);
	build_report(b, c, ttl);
	for (i = 0; i < n; i++)
		if (b->zones[i].body.over && b->zones[i].err.len == 0)
			sbuf_adds(&b->zones[i].err, "zone too large");
	free(base);
	free(et);
	free(ut);
	return b;
}

void
build_free(struct build *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nzones; i++) {
		free(b->zones[i].name);
		sbuf_free(&b->zones[i].body);
		sbuf_free(&b->zones[i].err);
	}
	for (i = 0; i < b->npol; i++) {
		free(b->pol[i].domain);
		free(b->pol[i].id);
		sbuf_free(&b->pol[i].text);
	}
	for (i = 0; i < b->nwatch; i++)
		free(b->watch[i]);
	free(b->watch);
	free(b->zones);
	free(b);
}
