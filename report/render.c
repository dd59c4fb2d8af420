/* render: JSON and text renderings of a check result. Pure (appends to a
 * buffer). Touches: nothing. */
#include <stdio.h>
#include <string.h>

#include "report/render.h"
#include "util/json.h"
#include "util/str.h"

void
render_json_str(struct sbuf *b, const char *s, size_t len)
{
	json_add_str(b, s, len, JSON_BAD_LATIN1);
}

static void
js(struct sbuf *b, const char *s)
{
	render_json_str(b, s ? s : "", s ? strlen(s) : 0);
}

void
render_text_esc(struct sbuf *b, const char *s, int keep_nl)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		if (*p == '\\')
			sbuf_adds(b, "\\\\");
		else if (*p == '\n' && keep_nl)
			sbuf_adds(b, "\n        ");
		else if (*p < 0x20 || *p >= 0x7f)
			sbuf_addf(b, "\\x%02x", *p);
		else
			sbuf_add(b, p, 1);
	}
}

void
render_json(struct sbuf *b, const struct check_result *r,
    const struct score_result *sc, const struct score_table *t)
{
	size_t c, i;

	sbuf_adds(b, "{\"schema\": ");
	js(b, RENDER_SCHEMA);
	sbuf_adds(b, ", \"domain\": ");
	js(b, r->domain);
	sbuf_adds(b, ", \"tested\": ");
	sbuf_adds(b, r->tested ? "true" : "false");
	if (!r->tested) {
		sbuf_adds(b, ", \"not_tested\": ");
		js(b, r->not_tested);
	}
	sbuf_adds(b, ",\n \"colour\": ");
	js(b, sc->colour);
	sbuf_adds(b, ", \"colour_why\": ");
	js(b, sc->colour_why);
	sbuf_addf(b, ", \"elapsed_ms\": %.0f, \"critical_path_ms\": %.0f, "
	    "\"critical_path\": ", r->ms_total, r->ms_critical);
	js(b, r->critical_chain);
	sbuf_adds(b, ",\n \"scores\": {");
	for (c = 0; c < SCORE_NCAT; c++) {
		const struct score_catres *cr = &sc->cat[c];

		sbuf_addf(b, "%s\n  \"%s\": {\"score\": %d, \"tested\": %s, "
		    "\"sum\": %d, \"untested_max\": %d, \"points\": [",
		    c ? "," : "", score_cat_name(c), cr->score,
		    cr->tested ? "true" : "false", cr->sum, cr->untested_max);
		for (i = 0; i < cr->nitem; i++) {
			sbuf_adds(b, i ? ", " : "");
			sbuf_adds(b, "{\"id\": ");
			js(b, cr->item[i].id);
			sbuf_addf(b, ", \"status\": \"%s\", \"points\": %d, "
			    "\"max\": %d}",
			    check_status_name(cr->item[i].status),
			    cr->item[i].points, cr->item[i].max);
		}
		sbuf_adds(b, "]}");
	}
	sbuf_addf(b, "},\n \"scoring\": \"%s\",\n \"findings\": [",
	    t && t->builtin ? "built-in" : "file");
	for (i = 0; i < r->nfind; i++) {
		const struct check_finding *f = &r->find[i];

		sbuf_adds(b, i ? ",\n  {" : "\n  {");
		sbuf_adds(b, "\"id\": ");
		js(b, f->id);
		sbuf_adds(b, ", \"subject\": ");
		js(b, f->subject);
		sbuf_adds(b, ", \"status\": ");
		js(b, check_status_name(f->status));
		sbuf_adds(b, ",\n   \"evidence\": ");
		js(b, f->evidence);
		sbuf_adds(b, ",\n   \"why\": ");
		js(b, f->why);
		sbuf_adds(b, ", \"fix\": ");
		js(b, f->status == CHECK_PASS || f->status == CHECK_CNT ?
		    "" : f->fix);
		sbuf_adds(b, ", \"rfc\": ");
		js(b, f->rfc);
		sbuf_adds(b, "}");
	}
	sbuf_adds(b, "\n ]}\n");
}

static const char *
colour_sgr(const char *colour)
{
	if (strcmp(colour, "red") == 0)
		return "\033[1;31m";
	if (strcmp(colour, "yellow") == 0)
		return "\033[1;33m";
	if (strcmp(colour, "green") == 0)
		return "\033[1;32m";
	if (strcmp(colour, "grey") == 0)
		return "\033[1;90m";
	return "\033[1;37m";
}

static const char *
status_sgr(enum check_status s)
{
	switch (s) {
	case CHECK_PASS: return "\033[32m";
	case CHECK_WARN: return "\033[33m";
	case CHECK_FAIL: return "\033[31m";
	case CHECK_CNT: return "\033[35m";
	default: return "\033[36m";
	}
}

static const char *const render_groups[][2] = {
	{ "dns.", "DNS" }, { "dnssec.", "DNSSEC" },
	{ "smtp.", "SMTP" }, { "tls.", "TLS and certificates" },
	{ "dane.", "DANE" }, { "mtasts.", "MTA-STS" },
	{ "tlsrpt.", "TLS-RPT" }, { "spf.", "SPF" },
	{ "dmarc.", "DMARC" }, { "dkim.", "DKIM" },
};

void
render_text(struct sbuf *b, const struct check_result *r,
    const struct score_result *sc, int colour)
{
	const char *on, *off = colour ? "\033[0m" : "";
	size_t g, i, n[5] = { 0 };

	for (i = 0; i < r->nfind; i++)
		n[r->find[i].status]++;
	on = colour ? colour_sgr(sc->colour) : "";
	sbuf_adds(b, "echomx check ");
	render_text_esc(b, r->domain, 0);
	sbuf_addf(b, "\n\nVerdict: %s%s%s — ", on, sc->colour, off);
	render_text_esc(b, sc->colour_why, 0);
	if (!r->tested) {
		sbuf_adds(b, "\nCould not test: ");
		render_text_esc(b, r->not_tested, 0);
	}
	sbuf_adds(b, "\nScores (of 100):");
	for (g = 0; g < SCORE_NCAT; g++) {
		if (sc->cat[g].tested)
			sbuf_addf(b, " %s %d%s", score_cat_name(g),
			    sc->cat[g].score, g + 1 < SCORE_NCAT ? "," : "");
		else
			sbuf_addf(b, " %s not tested%s", score_cat_name(g),
			    g + 1 < SCORE_NCAT ? "," : "");
	}
	sbuf_adds(b, "\n");
	sbuf_addf(b, "Findings: %zu fail, %zu warn, %zu could-not-test, "
	    "%zu info, %zu pass (%.1f s)\n", n[CHECK_FAIL], n[CHECK_WARN],
	    n[CHECK_CNT], n[CHECK_INFO], n[CHECK_PASS], r->ms_total / 1000);
	for (g = 0; g < sizeof(render_groups) / sizeof(render_groups[0]);
	    g++) {
		int head = 0;

		for (i = 0; i < r->nfind; i++) {
			const struct check_finding *f = &r->find[i];

			if (strncmp(f->id, render_groups[g][0],
			    strlen(render_groups[g][0])) != 0)
				continue;
			if (!head) {
				sbuf_addf(b, "\n%s\n", render_groups[g][1]);
				head = 1;
			}
			sbuf_addf(b, "  %s%-14s%s %s  ",
			    colour ? status_sgr(f->status) : "",
			    check_status_name(f->status), off, f->id);
			render_text_esc(b, f->subject, 0);
			sbuf_adds(b, "\n        ");
			render_text_esc(b, f->evidence, 1);
			sbuf_adds(b, "\n");
			if (f->status == CHECK_FAIL ||
			    f->status == CHECK_WARN) {
				sbuf_addf(b, "        why: %s\n        fix: %s "
				    "(%s)\n", f->why, f->fix, f->rfc);
			}
		}
	}
}
