/* cmd_check: "echomx check DOMAIN": the inbound checks of one domain, as
 * text for people or JSON (docs/check-json.md). Thin: options and
 * configuration here, the engine in responder/check*, scores and
 * rendering in report/. Exit 0 ran, 1 could not test at all, 2 usage. */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dns/dns.h"
#include "http/http.h"
#include "mail/psl.h"
#include "mail/psl_load.h"
#include "report/render.h"
#include "report/score.h"
#include "responder/check.h"
#include "tls/probe.h"
#include "util/conf.h"
#include "util/mem.h"
#include "util/str.h"

static void
check_usage(FILE *fp)
{
	fprintf(fp, "usage: echomx check DOMAIN [--json | --text] "
	    "[--dkim-selector S]... [--resolver ADDR[@PORT]]\n"
	    "           [--trust-anchor FILE] [--ca FILE] [--no-ipv6] "
	    "[--timeout SECONDS]\n"
	    "           [-c FILE] [-o key=value]... [-n]\n");
}

static unsigned check_total_ms;

static void *
check_watchdog(void *arg)
{
	struct timespec ts;

	(void)arg;
	ts.tv_sec = check_total_ms / 1000;
	ts.tv_nsec = (long)(check_total_ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	fprintf(stderr, "echomx check: could not test: the whole check took "
	    "longer than check_total_timeout (%u s)\n",
	    check_total_ms / 1000);
	_exit(1);
}

int
cmd_check(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "text", no_argument, NULL, 'T' },
		{ "dkim-selector", required_argument, NULL, 'S' },
		{ "resolver", required_argument, NULL, 'R' },
		{ "trust-anchor", required_argument, NULL, 'A' },
		{ "ca", required_argument, NULL, 'C' },
		{ "no-ipv6", no_argument, NULL, '6' },
		{ "timeout", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sel[CHECK_MAX_SEL], *cpath = NULL, *resolver = NULL;
	const char *ta = NULL, *ca = NULL, *why;
	char **ov = NULL, domain[DNS_NAME_MAX];
	size_t nov = 0, nsel = 0;
	int json = 0, noipv6 = 0, check_only = 0, ch, rc;
	long timeout = -1, port = 0;
	struct check_opts o;
	struct check_data *d;
	struct check_result *r;
	struct score_table *st;
	struct score_result sc;
	struct dns_opts dopt;
	struct sbuf err, out;
	struct conf *c;
	struct dns *dns;
	pthread_t wd;
	struct psl *psl;
	char pslerr[256];

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:o:nh", lopts, NULL)) != -1) {
		switch (ch) {
		case 'J': json = 1; break;
		case 'T': json = 0; break;
		case 'S':
			if (nsel >= CHECK_MAX_SEL) {
				fprintf(stderr, "echomx check: at most %d "
				    "--dkim-selector\n", CHECK_MAX_SEL);
				return 2;
			}
			if (strlen(optarg) == 0 || strlen(optarg) > 63 ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
			    strlen(optarg)) {
				fprintf(stderr, "echomx check: bad selector "
				    "'%s'\n", optarg);
				return 2;
			}
			sel[nsel++] = optarg;
			break;
		case 'R': resolver = optarg; break;
		case 'A': ta = optarg; break;
		case 'C': ca = optarg; break;
		case '6': noipv6 = 1; break;
		case 't':
			if (str_to_int(optarg, 1, 3600, &timeout) != 0) {
				fprintf(stderr, "echomx check: --timeout wants "
				    "seconds (1-3600)\n");
				return 2;
			}
			break;
		case 'P':
			if (str_to_int(optarg, 1, 65535, &port) != 0) {
				fprintf(stderr, "echomx check: bad --port\n");
				return 2;
			}
			break;
		case 'c': cpath = optarg; break;
		case 'o':
			ov = xrealloc(ov, (nov + 1) * sizeof(*ov));
			ov[nov++] = optarg;
			break;
		case 'n': check_only = 1; break;
		case 'h':
			check_usage(stdout);
			return 0;
		default:
			check_usage(stderr);
			free(ov);
			return 2;
		}
	}
	if (!check_only && optind != argc - 1) {
		check_usage(stderr);
		free(ov);
		return 2;
	}
	/* The configuration is optional for check: -c FILE, else the
	 * default file when it exists, else the built-in defaults. */
	c = conf_setup_flags(cpath, ov, nov, CONF_SETUP_FILE_OPTIONAL |
	    (check_only ? CONF_SETUP_CHECK_ONLY : 0));
	free(ov);
	if (check_domain_norm(argv[optind], domain, sizeof(domain), &why)) {
		fprintf(stderr, "echomx check: %s\n", why);
		conf_free(c);
		return 2;
	}
	memset(&dopt, 0, sizeof(dopt));
	dopt.trust_anchor = ta ? ta : conf_str(c, "trust_anchor");
	dopt.resolver = resolver ? resolver : conf_str(c, "resolver");
	dopt.timeout_ms = (unsigned)(timeout > 0 ? timeout * 1000 :
	    (long)conf_duration(c, "check_timeout") * 1000);
	memset(&o, 0, sizeof(o));
	o.domain = domain;
	o.selectors = sel;
	o.nsel = nsel;
	o.ca_file = ca ? ca : conf_str(c, "ca_file");
	o.timeout_ms = dopt.timeout_ms;
	o.total_ms = (unsigned)conf_duration(c, "check_total_timeout") * 1000;
	o.ipv6 = noipv6 ? 0 : conf_bool(c, "check_ipv6");
	o.enumerate = PROBE_ENUM_ALL;
	o.psl_file = conf_str(c, "public_suffix_list");
	o.port = (int)port;
	o.per_ip = (int)conf_int(c, "check_connections_per_ip");
	st = xcalloc(1, sizeof(*st));
	sbuf_init(&err, 4096);
	if (score_load(conf_str(c, "scoring_file"), st, &err) != 0) {
		fprintf(stderr, "echomx check: %s\n", err.data);
		sbuf_free(&err);
		free(st);
		conf_free(c);
		return 2;
	}
	if (access(o.ca_file, R_OK) != 0) {
		fprintf(stderr, "echomx check: could not test: CA file %s is "
		    "not readable\n", o.ca_file);
		free(st);
		conf_free(c);
		return 1;
	}
	dns = dns_new(&dopt, &err);
	if (dns == NULL) {
		fprintf(stderr, "echomx check: could not test: %s\n",
		    err.data ? err.data : "resolver setup failed");
		sbuf_free(&err);
		free(st);
		conf_free(c);
		return 1;
	}
	sbuf_free(&err);
	http_init();
	check_total_ms = o.total_ms ? o.total_ms : 120000;
	if (pthread_create(&wd, NULL, check_watchdog, NULL) == 0)
		pthread_detach(wd);
	psl = psl_load_file(o.psl_file, pslerr, sizeof(pslerr));
	o.psl = psl;
	if (psl == NULL)
		o.psl_error = pslerr;
	d = xcalloc(1, sizeof(*d));
	check_gather(dns, &o, d);
	r = check_judge(d, &o);
	score_compute(st, r, &sc);
	sbuf_init(&out, 8 << 20);
	if (json)
		render_json(&out, r, &sc, st);
	else
		render_text(&out, r, &sc, isatty(STDOUT_FILENO));
	if (!json && st->builtin)
		sbuf_addf(&out, "\n(scoring: built-in table; %s not found)\n",
		    conf_str(c, "scoring_file"));
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	fflush(stdout);
	rc = r->tested ? 0 : 1;
	if (!r->tested)
		fprintf(stderr, "echomx check: could not test %s: %s\n",
		    domain, r->not_tested);
	sbuf_free(&out);
	check_result_free(r);
	check_data_clear(d);
	free(d);
	free(st);
	dns_free(dns);
	psl_free(psl);
	conf_free(c);
	return rc;
}
