/* echomx-rotator: builds, DNSSEC-signs and publishes the zones of the
 * outbound test; wakes at every MX rotation boundary and whenever a
 * certificate file changes. Touches: zone_dir, sts_policy_dir,
 * dnssec_key_dir, $state_dir/rotator, the DKIM key; runs reload_command. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dns-rotator/build.h"
#include "dns-rotator/publish.h"
#include "dns-rotator/rotate.h"
#include "dns/dnskeys.h"
#include "dns/zone.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

#define ROTATOR_MAX_OVERRIDES	256

static volatile sig_atomic_t rotator_stop, rotator_hup;

static void
rotator_signal(int sig)
{
	if (sig == SIGHUP)
		rotator_hup = 1;
	else
		rotator_stop = 1;
}

static void
rotator_usage(FILE *fp)
{
	fprintf(fp, "usage: echomx-rotator [-c FILE] [-o key=value]... [-n] "
	    "[-f] [--once] [--now TIME] [--print-ds]\n"
	    "  -f          log to stderr (implied by --once and --print-ds);\n"
	    "              otherwise to syslog\n"
	    "  --once      build, sign and publish once, then exit\n"
	    "  --now TIME  act as if it were TIME (Unix time or ISO 8601)\n"
	    "  --print-ds  print the DS records for the parent zone, exit\n");
}

/* DS of every zone whose parent is not one of ours. */
static int
rotator_print_ds(const struct conf *c)
{
	char **z;
	size_t n, i, j;
	int r = 0;

	z = dnskeys_zones(c, &n);
	for (i = 0; i < n; i++) {
		struct sbuf out, err;
		int top = 1;

		for (j = 0; j < n; j++)
			if (j != i && zone_in(z[i], z[j]))
				top = 0;
		if (!top)
			continue;
		sbuf_init(&out, 65536);
		sbuf_init(&err, 4096);
		if (dnskeys_ds_text(conf_str(c, "dnssec_key_dir"), z[i],
		    (uint32_t)conf_duration(c, "zone_ttl"), &out, &err) < 0) {
			fprintf(stderr, "echomx-rotator: %s\n", err.data);
			r = 1;
		} else
			fputs(out.data ? out.data : "", stdout);
		sbuf_free(&out);
		sbuf_free(&err);
	}
	conf_list_free(z);
	return r;
}

/* One pass: policies first (a sender that sees the new id must find the
 * new policy), then the zones, children before parents. 0 or 1. */
static int
rotator_run(const struct conf *c, uint64_t now, struct build **bp)
{
	struct build *b = build_new(c, now);
	struct sbuf changed, err;
	size_t i, k;
	int rc = 0, ch;

	sbuf_init(&changed, 65536);
	sbuf_init(&err, 8192);
	for (i = 0; i < b->npol; i++) {
		sbuf_reset(&err);
		if (publish_policy(c, &b->pol[i], &ch, &err) < 0) {
			log_event(LOG_ERR, NULL, "event=sts_policy_failed "
			    "domain=%s error=%s", b->pol[i].domain,
			    log_escs(err.data));
			rc = 1;
		}
	}
	/* Longest names first: a child is longer than its parent. */
	for (k = 256; k > 0; k--) {
		for (i = 0; i < b->nzones; i++) {
			struct build_zone *z = &b->zones[i];

			if (strlen(z->name) != k - 1)
				continue;
			sbuf_reset(&err);
			if (publish_zone(c, z, now, &ch, &err) < 0) {
				log_event(LOG_ERR, NULL, "event=zone_failed "
				    "zone=%s error=%s reason=\"the published "
				    "zone stays as it was\"", z->name,
				    log_escs(err.data));
				rc = 1;
				continue;
			}
			if (ch)
				sbuf_addf(&changed, "%s%s",
				    changed.len ? " " : "", z->name);
		}
	}
	if (changed.len > 0) {
		sbuf_reset(&err);
		if (publish_reload(c, changed.data, &err) < 0) {
			log_event(LOG_ERR, NULL, "event=reload_failed "
			    "zones=%s error=%s", log_escs(changed.data),
			    log_escs(err.data));
			rc = 1;
		} else if (*conf_str(c, "reload_command") != '\0')
			log_event(LOG_INFO, NULL, "event=reloaded zones=%s",
			    log_escs(changed.data));
	}
	log_event(LOG_INFO, NULL, "event=run now=%llu changed=%s status=%s",
	    (unsigned long long)now, changed.len ? log_escs(changed.data) :
	    "-", rc ? "error" : "ok");
	sbuf_free(&changed);
	sbuf_free(&err);
	*bp = b;
	return rc;
}

/* A cheap fingerprint of the watched files (stat polling: works on every
 * file system, and certificate renewals are rare). */
static unsigned long long
rotator_fingerprint(const struct build *b)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < b->nwatch; i++) {
		struct stat st;
		unsigned long long v[4] = { 0, 0, 0, 0 };
		size_t j;

		if (stat(b->watch[i], &st) == 0) {
			v[0] = (unsigned long long)st.st_ino;
			v[1] = (unsigned long long)st.st_size;
			v[2] = (unsigned long long)st.st_mtim.tv_sec;
			v[3] = (unsigned long long)st.st_mtim.tv_nsec;
		}
		for (j = 0; j < 4; j++)
			h = (h ^ v[j]) * 1099511628211ULL;
	}
	return h;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'O' },
		{ "now", required_argument, NULL, 'N' },
		{ "print-ds", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *ov[ROTATOR_MAX_OVERRIDES];
	size_t nov = 0;
	const char *path = NULL;
	int ch, check = 0, once = 0, print_ds = 0, have_now = 0, rc, lvl;
	int fg = 0;
	uint64_t now_arg = 0;
	long long offset = 0;
	struct conf *c;
	struct sbuf err;
	struct sigaction sa;

	while ((ch = getopt_long(argc, argv, "c:o:nfh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'o':
			if (nov == ROTATOR_MAX_OVERRIDES) {
				fprintf(stderr,
				    "echomx-rotator: too many -o\n");
				return 2;
			}
			ov[nov++] = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'f':
			fg = 1;
			break;
		case 'O':
			once = 1;
			break;
		case 'N':
			if (rotate_parse_time(optarg, &now_arg) < 0) {
				fprintf(stderr, "echomx-rotator: --now: not a "
				    "time: %s\n", optarg);
				return 2;
			}
			have_now = 1;
			break;
		case 'D':
			print_ds = 1;
			break;
		case 'h':
			rotator_usage(stdout);
			return 0;
		default:
			rotator_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		rotator_usage(stderr);
		return 2;
	}
	c = conf_setup(path, ov, nov, check);
	if (log_init("echomx-rotator", fg || once || print_ds,
	    conf_str(c, "syslog_facility")) < 0)
		fatal("unknown syslog_facility");
	if (log_level_from_name(conf_str(c, "log_level"), &lvl) == 0)
		log_set_level(lvl);
	sbuf_init(&err, 8192);
	if (dnskeys_ensure(c, &err) < 0) {
		log_event(LOG_ERR, NULL, "event=dnssec_keys_failed error=%s",
		    log_escs(err.data));
		sbuf_free(&err);
		conf_free(c);
		return 1;
	}
	sbuf_free(&err);
	if (have_now)
		offset = (long long)now_arg - (long long)time(NULL);
	if (print_ds) {
		rc = rotator_print_ds(c);
		conf_free(c);
		return rc;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rotator_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		/* --now is exact for the first run (key generation takes
		 * time); later runs keep the same offset to the clock. */
		uint64_t now = have_now ? now_arg :
		    (uint64_t)((long long)time(NULL) + offset);
		uint64_t next;
		unsigned long long fp;
		struct build *b;

		rc = rotator_run(c, now, &b);
		if (once || rotator_stop) {
			build_free(b);
			break;
		}
		next = rotate_next(now, conf_duration(c, "mx_rotation"));
		fp = rotator_fingerprint(b);
		log_event(LOG_DEBUG, NULL, "event=sleep until=%llu watched=%zu",
		    (unsigned long long)next, b->nwatch);
		while (!rotator_stop && !rotator_hup) {
			struct timespec ts = { 1, 0 };

			if ((uint64_t)((long long)time(NULL) + offset) >= next)
				break;
			if (rotator_fingerprint(b) != fp) {
				log_event(LOG_INFO, NULL,
				    "event=certificate_changed");
				break;
			}
			nanosleep(&ts, NULL);
		}
		build_free(b);
		if (rotator_stop)
			break;
		rotator_hup = 0;
		have_now = 0;
	}
	conf_free(c);
	return rc;
}
