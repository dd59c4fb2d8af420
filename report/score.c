/* score: scoring.conf parsing, the three category scores and the colour.
 * Pure except score_load (reads one file). Touches: the scoring file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/score.h"
#include "util/mem.h"
#include "util/str.h"

/* Points' worth of tested findings below which a category score means
 * nothing (a TLS-RPT record alone is no transport score). */
#define SCORE_MIN_TESTED	20

const char *
score_cat_name(enum score_cat c)
{
	switch (c) {
	case SCORE_CONF: return "confidentiality";
	case SCORE_PHISH: return "phishing";
	case SCORE_INTEG: return "integrity";
	default: return "?";
	}
}

static int
score_word(const char **p, const char *end, char *out, size_t outsz)
{
	size_t n = 0;

	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	while (*p < end && **p != ' ' && **p != '\t') {
		if (n + 1 >= outsz)
			return -1;
		out[n++] = *(*p)++;
	}
	out[n] = '\0';
	return n ? 0 : -1;
}

int
score_parse(const char *buf, size_t len, const char *name,
    struct score_table *t, struct sbuf *err)
{
	const char *p = buf, *end = buf + len, *eol, *q;
	char w[4][64];
	int line = 0, k;
	long pts;
	size_t i;

	memset(t, 0, sizeof(*t));
	while (p < end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		q = p;
		while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q == eol || *q == '#') {
			p = eol + (eol < end);
			continue;
		}
		for (k = 0; k < 4; k++)
			if (score_word(&q, eol, w[k], sizeof(w[k])) != 0)
				break;
		while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (k < 4 || q != eol) {
			sbuf_addf(err, "%s:%d: expected \"CATEGORY ID STATUS "
			    "POINTS\"", name, line);
			return -1;
		}
		if (t->n >= sizeof(t->rule) / sizeof(t->rule[0])) {
			sbuf_addf(err, "%s:%d: too many rules", name, line);
			return -1;
		}
		struct score_rule *r = &t->rule[t->n];

		for (i = 0; i < SCORE_NCAT; i++)
			if (strcmp(w[0], score_cat_name(i)) == 0)
				break;
		if (i == SCORE_NCAT) {
			sbuf_addf(err, "%s:%d: unknown category \"%s\" "
			    "(confidentiality, phishing, integrity)", name,
			    line, w[0]);
			return -1;
		}
		r->cat = (enum score_cat)i;
		if (strlen(w[1]) >= sizeof(r->id)) {
			sbuf_addf(err, "%s:%d: finding id too long", name,
			    line);
			return -1;
		}
		str_copy(r->id, w[1], sizeof(r->id));
		if (strcmp(w[2], "pass") == 0)
			r->status = CHECK_PASS;
		else if (strcmp(w[2], "info") == 0)
			r->status = CHECK_INFO;
		else if (strcmp(w[2], "warn") == 0)
			r->status = CHECK_WARN;
		else if (strcmp(w[2], "fail") == 0)
			r->status = CHECK_FAIL;
		else {
			sbuf_addf(err, "%s:%d: unknown status \"%s\" (pass, "
			    "info, warn, fail)", name, line, w[2]);
			return -1;
		}
		if (str_to_int(w[3], -100, 100, &pts) != 0) {
			sbuf_addf(err, "%s:%d: points must be an integer in "
			    "-100..100", name, line);
			return -1;
		}
		r->points = (int)pts;
		for (i = 0; i < t->n; i++)
			if (t->rule[i].cat == r->cat &&
			    t->rule[i].status == r->status &&
			    strcmp(t->rule[i].id, r->id) == 0) {
				sbuf_addf(err, "%s:%d: duplicate rule", name,
				    line);
				return -1;
			}
		t->n++;
		p = eol + (eol < end);
	}
	return 0;
}

int
score_load(const char *path, struct score_table *t, struct sbuf *err)
{
	struct sbuf b;
	char chunk[4096];
	size_t n;
	FILE *fp;
	int rc;

	fp = path && *path ? fopen(path, "r") : NULL;
	if (fp == NULL && (path == NULL || *path == '\0' || errno == ENOENT)) {
		rc = score_parse(score_builtin_text,
		    strlen(score_builtin_text), "built-in", t, err);
		t->builtin = 1;
		return rc;
	}
	if (fp == NULL) {
		sbuf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	sbuf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (sbuf_add(&b, chunk, n) != 0)
			break;
	fclose(fp);
	if (b.over) {
		sbuf_addf(err, "%s: file too large", path);
		sbuf_free(&b);
		return -1;
	}
	rc = score_parse(b.data ? b.data : "", b.len, path, t, err);
	sbuf_free(&b);
	return rc;
}

/* fail > warn > info > pass; could-not-test only when nothing else */
static int
score_rank(enum check_status s)
{
	switch (s) {
	case CHECK_FAIL: return 4;
	case CHECK_WARN: return 3;
	case CHECK_INFO: return 2;
	case CHECK_PASS: return 1;
	default: return 0;
	}
}

void
score_compute(const struct score_table *t, const struct check_result *r,
    struct score_result *out)
{
	size_t c, i, j, k;

	memset(out, 0, sizeof(*out));
	for (c = 0; c < SCORE_NCAT; c++) {
		struct score_catres *cr = &out->cat[c];
		int tested_max = 0;
		long denom;

		for (i = 0; i < t->n; i++) {
			const struct score_rule *ru = &t->rule[i];
			struct score_item *it = NULL;
			int seen = 0, rank = -1, max = -1000;
			enum check_status worst = CHECK_CNT;

			if (ru->cat != c)
				continue;
			for (k = 0; k < cr->nitem; k++)
				if (strcmp(cr->item[k].id, ru->id) == 0)
					it = &cr->item[k];
			if (it)
				continue;	/* id already counted */
			for (j = 0; j < r->nfind; j++) {
				const struct check_finding *f = &r->find[j];

				if (strcmp(f->id, ru->id) != 0)
					continue;
				seen = 1;
				if (score_rank(f->status) > rank) {
					rank = score_rank(f->status);
					worst = f->status;
				}
			}
			if (!seen || cr->nitem >= 64)
				continue;
			for (k = 0; k < t->n; k++)
				if (t->rule[k].cat == c &&
				    strcmp(t->rule[k].id, ru->id) == 0 &&
				    t->rule[k].points > max)
					max = t->rule[k].points;
			if (max < 0)
				max = 0;
			it = &cr->item[cr->nitem++];
			str_copy(it->id, ru->id, sizeof(it->id));
			it->status = worst;
			it->max = max;
			it->points = 0;
			if (worst == CHECK_CNT) {
				cr->untested_max += max;
				continue;
			}
			tested_max += max;
			for (k = 0; k < t->n; k++)
				if (t->rule[k].cat == c &&
				    t->rule[k].status == worst &&
				    strcmp(t->rule[k].id, ru->id) == 0)
					it->points = t->rule[k].points;
			cr->sum += it->points;
		}
		/* "tested" when what could be tested outweighs what could
		 * not: a TLS-RPT record alone does not make a transport
		 * score */
		cr->tested = tested_max >= SCORE_MIN_TESTED &&
		    tested_max >= cr->untested_max;
		denom = 100 - cr->untested_max;
		if (denom < 1)
			denom = 1;
		long sc = ((long)cr->sum * 100 + denom / 2) / denom;

		if (cr->sum <= 0)
			sc = 0;
		cr->score = sc > 100 ? 100 : sc < 0 ? 0 : (int)sc;
	}
	out->colour = score_colour(r, out->colour_why,
	    sizeof(out->colour_why));
}

/* Findings of one id for one subject prefix ("mx1.example 192.0.2.1"). */
static const struct check_finding *
score_find(const struct check_result *r, const char *id, const char *subj)
{
	size_t i;

	for (i = 0; i < r->nfind; i++)
		if (strcmp(r->find[i].id, id) == 0 &&
		    strcmp(r->find[i].subject, subj) == 0)
			return &r->find[i];
	return NULL;
}

static int
score_has(const struct check_result *r, const char *id,
    enum check_status st)
{
	size_t i;

	for (i = 0; i < r->nfind; i++)
		if (strcmp(r->find[i].id, id) == 0 && r->find[i].status == st)
			return 1;
	return 0;
}

const char *
score_colour(const struct check_result *r, char *why, size_t whysz)
{
	const struct check_finding *f, *dm;
	size_t i, tls_ok = 0, dane_ok = 0, certs_bad = 0, bad_undane = 0;
	const char *bad_subj = NULL, *plain_subj = NULL;

	for (i = 0; i < r->nfind; i++) {
		f = &r->find[i];
		if (strcmp(f->id, "smtp.starttls") != 0)
			continue;
		if (f->status == CHECK_FAIL) {
			plain_subj = f->subject;
			break;
		}
		if (f->status != CHECK_PASS)
			continue;
		tls_ok++;
		dm = score_find(r, "dane.match", f->subject);
		if (dm && dm->status == CHECK_PASS)
			dane_ok++;
		{
			const struct check_finding *t, *n, *e, *rv;
			int bad;

			t = score_find(r, "tls.cert.trust", f->subject);
			n = score_find(r, "tls.cert.name", f->subject);
			e = score_find(r, "tls.cert.expiry", f->subject);
			rv = score_find(r, "tls.cert.revocation",
			    f->subject);
			bad = (t && t->status == CHECK_FAIL) ||
			    (n && n->status == CHECK_FAIL) ||
			    (e && e->status == CHECK_FAIL) ||
			    (rv && rv->status == CHECK_FAIL);
			if (bad) {
				certs_bad++;
				if (!(dm && dm->status == CHECK_PASS)) {
					bad_undane++;
					bad_subj = f->subject;
				}
			}
		}
	}
	if (plain_subj) {
		snprintf(why, whysz, "%s offers no encryption (no usable "
		    "STARTTLS)", plain_subj);
		return "red";
	}
	if (tls_ok == 0) {
		for (i = 0; i < r->nfind; i++)
			if (strcmp(r->find[i].id, "dns.mx") == 0 &&
			    r->find[i].status == CHECK_INFO &&
			    strncmp(r->find[i].evidence, "null MX", 7) == 0) {
				snprintf(why, whysz, "null MX: the domain "
				    "receives no mail");
				return "grey";
			}
		/* Nothing was judged: no colour may claim encryption. */
		if (score_has(r, "dnssec.mx", CHECK_FAIL)) {
			snprintf(why, whysz, "not judged: the MX RRset is "
			    "DNSSEC-bogus, so validating senders cannot "
			    "deliver at all");
			return "grey";
		}
		snprintf(why, whysz, "not judged: no MX address could be "
		    "tested over TLS");
		return "grey";
	}
	/* DANE protects the connection to each MX, but an insecure MX
	 * RRset can be replaced on the way (RFC 7672 2.2.1): green needs
	 * both. */
	if (dane_ok == tls_ok && score_has(r, "dnssec.mx", CHECK_PASS)) {
		snprintf(why, whysz, "valid DANE on every MX address, "
		    "DNSSEC-signed MX");
		return "green";
	}
	if (certs_bad == 0 && score_has(r, "mtasts.mode", CHECK_PASS) &&
	    score_has(r, "mtasts.policy", CHECK_PASS) &&
	    !score_has(r, "mtasts.mx", CHECK_FAIL) &&
	    score_has(r, "dnssec.mx", CHECK_PASS)) {
		snprintf(why, whysz, "MTA-STS enforce with valid certificates "
		    "on every MX, DNSSEC-signed MX");
		return "green";
	}
	if (bad_undane) {
		snprintf(why, whysz, "%s: the certificate is not trusted, "
		    "expired, revoked or does not match the MX name",
		    bad_subj);
		return "yellow";
	}
	snprintf(why, whysz, "encryption with valid certificates on every "
	    "MX address tested");
	return "white";
}
