/* test_score: scoring rules, the three scores and the colour on canned
 * findings; the built-in table agrees with conf/scoring.conf. */
#include <stdlib.h>

#include "report/score.h"
#include "util/str.h"
#include "t.h"

static struct score_table tab;

static void
load_tab(void)
{
	struct sbuf err;

	sbuf_init(&err, 1024);
	T_EQ_INT(score_parse(score_builtin_text, strlen(score_builtin_text),
	    "built-in", &tab, &err), 0);
	sbuf_free(&err);
}

static void
test_builtin_matches_file(void)
{
	struct score_table f;
	struct sbuf err;
	size_t i;

	sbuf_init(&err, 1024);
	T_EQ_INT(score_load("conf/scoring.conf", &f, &err), 0);
	T_EQ_INT(f.builtin, 0);
	load_tab();
	T_EQ_INT(f.n, tab.n);
	for (i = 0; i < f.n && i < tab.n; i++) {
		T_EQ_STR(f.rule[i].id, tab.rule[i].id);
		T_EQ_INT(f.rule[i].points, tab.rule[i].points);
		T_EQ_INT(f.rule[i].status, tab.rule[i].status);
		T_EQ_INT(f.rule[i].cat, tab.rule[i].cat);
	}
	/* a missing file falls back to the built-in table */
	T_EQ_INT(score_load("/nonexistent/scoring.conf", &f, &err), 0);
	T_EQ_INT(f.builtin, 1);
	T_EQ_INT(f.n, tab.n);
	sbuf_free(&err);
}

static void
test_parse_errors(void)
{
	static const struct {
		const char *text;
		int rc;
		const char *msg;
	} rows[] = {
		{ "# nothing\n\n", 0, NULL },
		{ "phishing spf.all pass 15\n", 0, NULL },
		{ "phishing spf.all pass\n", -1, "x:1: expected" },
		{ "privacy spf.all pass 1\n", -1, "unknown category" },
		{ "phishing spf.all great 1\n", -1, "unknown status" },
		{ "phishing spf.all pass 1x\n", -1, "points" },
		{ "phishing spf.all pass 500\n", -1, "points" },
		{ "phishing spf.all pass 1 extra\n", -1, "expected" },
		{ "phishing a pass 1\nphishing a pass 2\n", -1, "x:2: dup" },
	};
	struct score_table t;
	struct sbuf err;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sbuf_init(&err, 1024);
		T_EQ_INT(score_parse(rows[i].text, strlen(rows[i].text), "x",
		    &t, &err), rows[i].rc);
		if (rows[i].msg)
			T_CONTAINS(err.data, rows[i].msg);
		sbuf_free(&err);
	}
}

/* A good setup: DNSSEC, DANE on both MX, MTA-STS enforce, SPF -all,
 * DMARC reject, no DKIM selector given. */
static struct check_result *
good(void)
{
	struct check_result *r = check_result_new("good.test");
	const char *subj[] = { "mx1.good.test 203.0.113.10",
	    "mx2.good.test 203.0.113.11" };
	size_t i;

	check_add(r, "dns.mx", "good.test", CHECK_PASS, "x");
	check_add(r, "dnssec.mx", "good.test", CHECK_PASS, "x");
	for (i = 0; i < 2; i++) {
		check_add(r, "dnssec.addr", subj[i], CHECK_PASS, "x");
		check_add(r, "dane.tlsa", subj[i], CHECK_PASS, "x");
		check_add(r, "smtp.connect", subj[i], CHECK_PASS, "x");
		check_add(r, "smtp.starttls", subj[i], CHECK_PASS, "x");
		check_add(r, "tls.versions", subj[i], CHECK_PASS, "x");
		check_add(r, "tls.ciphers", subj[i], CHECK_PASS, "x");
		check_add(r, "tls.cert.trust", subj[i], CHECK_PASS, "x");
		check_add(r, "tls.cert.name", subj[i], CHECK_PASS, "x");
		check_add(r, "tls.cert.expiry", subj[i], CHECK_PASS, "x");
		check_add(r, "tls.cert.key", subj[i], CHECK_PASS, "x");
		check_add(r, "tls.cert.revocation", subj[i], CHECK_CNT, "x");
		check_add(r, "dane.match", subj[i], CHECK_PASS, "x");
	}
	check_add(r, "mtasts.record", "good.test", CHECK_PASS, "x");
	check_add(r, "mtasts.policy", "good.test", CHECK_PASS, "x");
	check_add(r, "mtasts.mode", "good.test", CHECK_PASS, "x");
	check_add(r, "mtasts.mx", "good.test", CHECK_PASS, "x");
	check_add(r, "tlsrpt.record", "good.test", CHECK_PASS, "x");
	check_add(r, "spf.record", "good.test", CHECK_PASS, "x");
	check_add(r, "spf.lookups", "good.test", CHECK_PASS, "x");
	check_add(r, "spf.all", "good.test", CHECK_PASS, "x");
	check_add(r, "dmarc.record", "good.test", CHECK_PASS, "x");
	check_add(r, "dmarc.policy", "good.test", CHECK_PASS, "x");
	check_add(r, "dkim.key", "good.test", CHECK_CNT, "no selector");
	return r;
}

static void
set(struct check_result *r, const char *id, const char *subj,
    enum check_status st)
{
	size_t i;

	for (i = 0; i < r->nfind; i++)
		if (strcmp(r->find[i].id, id) == 0 && (subj == NULL ||
		    strcmp(r->find[i].subject, subj) == 0))
			r->find[i].status = st;
}

static void
test_good_scores_high(void)
{
	struct check_result *r = good();
	struct score_result s;

	load_tab();
	score_compute(&tab, r, &s);
	T_EQ_INT(s.cat[SCORE_CONF].score, 100);
	T_EQ_INT(s.cat[SCORE_CONF].tested, 1);
	/* DKIM could not be tested: it neither helps nor hurts */
	T_EQ_INT(s.cat[SCORE_PHISH].score, 100);
	T_EQ_INT(s.cat[SCORE_PHISH].untested_max, 15);
	T_EQ_INT(s.cat[SCORE_INTEG].score, 100);
	T_EQ_STR(s.colour, "green");
	check_result_free(r);
}

static void
test_common_good_without_dane(void)
{
	struct check_result *r = good();
	struct score_result s;

	/* no DNSSEC, no DANE, no MTA-STS: still high on what matters */
	set(r, "dnssec.mx", NULL, CHECK_WARN);
	set(r, "dnssec.addr", NULL, CHECK_WARN);
	set(r, "dane.tlsa", NULL, CHECK_INFO);
	set(r, "dane.match", NULL, CHECK_CNT);
	set(r, "mtasts.record", NULL, CHECK_INFO);
	set(r, "mtasts.policy", NULL, CHECK_CNT);
	set(r, "mtasts.mode", NULL, CHECK_CNT);
	set(r, "mtasts.mx", NULL, CHECK_CNT);
	load_tab();
	score_compute(&tab, r, &s);
	T_CHECK(s.cat[SCORE_CONF].score >= 80);
	T_EQ_INT(s.cat[SCORE_PHISH].score, 100);
	T_CHECK(s.cat[SCORE_INTEG].score >= 40);
	T_EQ_STR(s.colour, "white");
	check_result_free(r);
}

static void
test_worst_subject_counts(void)
{
	struct check_result *r = good();
	struct score_result s, s0;

	load_tab();
	score_compute(&tab, r, &s0);
	set(r, "tls.versions", "mx2.good.test 203.0.113.11", CHECK_WARN);
	score_compute(&tab, r, &s);
	T_EQ_INT(s.cat[SCORE_CONF].sum, s0.cat[SCORE_CONF].sum - 5);
	set(r, "spf.all", NULL, CHECK_FAIL);
	set(r, "dmarc.policy", NULL, CHECK_WARN);
	score_compute(&tab, r, &s);
	/* 20 + 5 - 10 + 20 + 5 = 40; rounded 40 * 100 / 85 */
	T_EQ_INT(s.cat[SCORE_PHISH].score, 47);
	check_result_free(r);
}

static void
test_colours(void)
{
	struct check_result *r;
	struct score_result s;
	char why[256];

	load_tab();
	/* red: one MX without STARTTLS, even when the other is perfect */
	r = good();
	set(r, "smtp.starttls", "mx2.good.test 203.0.113.11", CHECK_FAIL);
	T_EQ_STR(score_colour(r, why, sizeof(why)), "red");
	T_CONTAINS(why, "mx2.good.test");
	check_result_free(r);
	/* DANE-EE matches: an untrusted certificate does not matter */
	r = good();
	set(r, "tls.cert.trust", NULL, CHECK_FAIL);
	T_EQ_STR(score_colour(r, why, sizeof(why)), "green");
	/* ... unless the MX RRset is insecure: it can be swapped, so DANE
	 * alone is not green (white: the connection is still DANE-valid) */
	set(r, "dnssec.mx", NULL, CHECK_WARN);
	T_EQ_STR(score_colour(r, why, sizeof(why)), "white");
	set(r, "dnssec.mx", NULL, CHECK_PASS);
	/* ... but without DANE it is yellow */
	set(r, "dane.match", "mx1.good.test 203.0.113.10", CHECK_FAIL);
	T_EQ_STR(score_colour(r, why, sizeof(why)), "yellow");
	check_result_free(r);
	/* expired and wrong name are yellow too */
	r = good();
	set(r, "dane.match", NULL, CHECK_CNT);
	set(r, "mtasts.mode", NULL, CHECK_WARN);
	T_EQ_STR(score_colour(r, why, sizeof(why)), "white");
	set(r, "tls.cert.expiry", "mx1.good.test 203.0.113.10", CHECK_FAIL);
	T_EQ_STR(score_colour(r, why, sizeof(why)), "yellow");
	set(r, "tls.cert.expiry", NULL, CHECK_PASS);
	set(r, "tls.cert.name", NULL, CHECK_FAIL);
	T_EQ_STR(score_colour(r, why, sizeof(why)), "yellow");
	check_result_free(r);
	/* MTA-STS enforce + valid certificates + DNSSEC: green */
	r = good();
	set(r, "dane.match", NULL, CHECK_CNT);
	T_EQ_STR(score_colour(r, why, sizeof(why)), "green");
	set(r, "dnssec.mx", NULL, CHECK_WARN);
	T_EQ_STR(score_colour(r, why, sizeof(why)), "white");
	check_result_free(r);
	/* null MX: says so */
	r = check_result_new("x.test");
	check_add(r, "dns.mx", "x.test", CHECK_INFO, "null MX (RFC 7505)");
	T_EQ_STR(score_colour(r, why, sizeof(why)), "grey");
	T_CONTAINS(why, "null MX");
	check_result_free(r);
	/* nothing tested over TLS: not judged, no colour claims TLS */
	r = check_result_new("x.test");
	check_add(r, "smtp.starttls", "mx 1.2.3.4", CHECK_CNT, "421");
	check_add(r, "tlsrpt.record", "x.test", CHECK_INFO, "none");
	score_compute(&tab, r, &s);
	T_EQ_STR(s.colour, "grey");
	T_CONTAINS(s.colour_why, "not judged");
	T_CONTAINS(s.colour_why, "no MX address could be tested");
	check_add(r, "dnssec.mx", "x.test", CHECK_FAIL, "bogus");
	T_EQ_STR(score_colour(r, why, sizeof(why)), "grey");
	T_CONTAINS(why, "DNSSEC-bogus");
	/* a TLS-RPT record alone does not make a confidentiality score */
	T_EQ_INT(s.cat[SCORE_CONF].tested, 0);
	T_EQ_INT(s.cat[SCORE_PHISH].tested, 0);
	check_result_free(r);
}

T_MAIN(T_CASE(test_builtin_matches_file), T_CASE(test_parse_errors),
    T_CASE(test_good_scores_high), T_CASE(test_common_good_without_dane),
    T_CASE(test_worst_subject_counts), T_CASE(test_colours))
