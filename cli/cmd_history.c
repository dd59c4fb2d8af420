/* cmd_history: the listener's connection history, one line per
 * connection in the style of the Lindenberg test's result mail
 * ("time – time (virtual server, encrypted/plain text, state): From: …
 * To: …"), or --json: the same connections as a JSON array.
 * Touches: the store (read only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "db/db.h"
#include "db/db_conn.h"
#include "util/conf.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/str.h"

struct hist {
	struct db	*db;
	int		 json;
	long		 n;
};

static const char *
hist_state(const char *s)
{
	static const struct { const char *db, *shown; } t[] = {
		{ "none", "None" }, { "sni_seen", "SniSeen" },
		{ "tls_started", "TlsStarted" }, { "mail", "Mail" },
		{ "acked", "Acked" },
	};
	size_t i;

	for (i = 0; s && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].db) == 0)
			return t[i].shown;
	return s ? s : "None";
}

static void
hist_time(double t, const char *fmt, char *buf, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, sz, fmt, &tm);
}

/* Peer-supplied text on a terminal: control octets become '?'. */
static void
hist_put(const char *s)
{
	for (; s && *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static void
hist_addrs(const char *label, const char *list)
{
	char *copy, *p, *tok;

	printf(" %s", label);
	if (list == NULL || *list == '\0') {
		printf(" <>");
		return;
	}
	copy = xstrdup(list);
	for (p = copy; p; p = tok) {
		tok = strchr(p, ',');
		if (tok)
			*tok++ = '\0';
		printf(" <");
		hist_put(p);
		printf(">");
	}
	free(copy);
}

/* JSON string; peer text that is not UTF-8 becomes U+FFFD. */
static void
json_str(const char *s)
{
	struct sbuf b;

	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	sbuf_init(&b, 8 * strlen(s) + 16);
	json_add_str(&b, s, strlen(s), JSON_BAD_REPLACE);
	fputs(b.data, stdout);
	sbuf_free(&b);
}

static int
hist_event_json(double at, const char *state, const char *detail,
    void *arg)
{
	int *first = arg;

	printf("%s{\"at\": %.3f, \"state\": ", *first ? "" : ", ", at);
	json_str(state);
	printf(", \"detail\": ");
	json_str(detail);
	putchar('}');
	*first = 0;
	return 0;
}

static void
json_kv(const char *k, const char *v)
{
	printf(",\n    \"%s\": ", k);
	json_str(v);
}

static int
hist_row(const struct db_conn_row *r, void *arg)
{
	struct hist *h = arg;
	char t1[64], t2[64];
	int first = 1;

	if (h->json) {
		printf("%s  {\"id\": %lld", h->n++ ? ",\n" : "",
		    (long long)r->id);
		if (r->session_id > 0)
			printf(",\n    \"session\": %lld",
			    (long long)r->session_id);
		else
			printf(",\n    \"session\": null");
		json_kv("sender", r->session_sender);
		json_kv("peer_addr", r->peer_addr);
		printf(",\n    \"peer_port\": %d", r->peer_port);
		json_kv("local_addr", r->local_addr);
		printf(",\n    \"local_port\": %d", r->local_port);
		json_kv("vs", r->vs);
		json_kv("sni", r->sni);
		json_kv("ehlo", r->ehlo);
		printf(",\n    \"started\": %.3f", r->started);
		if (r->ended > 0)
			printf(",\n    \"ended\": %.3f", r->ended);
		else
			printf(",\n    \"ended\": null");
		json_kv("state", r->state);
		json_kv("end_reason", r->end_reason);
		if (r->tls_alert >= 0)
			printf(",\n    \"tls_alert\": %d", r->tls_alert);
		else
			printf(",\n    \"tls_alert\": null");
		json_kv("commands", r->commands);
		printf(",\n    \"starttls_offered\": %s",
		    r->starttls_offered ? "true" : "false");
		json_kv("tls_version", r->tls_version);
		json_kv("tls_cipher", r->tls_cipher);
		json_kv("client_versions", r->client_versions);
		json_kv("client_ciphers", r->client_ciphers);
		json_kv("client_groups", r->client_groups);
		json_kv("client_sigalgs", r->client_sigalgs);
		json_kv("mail_from", r->mail_from);
		json_kv("rcpt_to", r->rcpt_to);
		printf(",\n    \"requiretls\": %s",
		    r->requiretls ? "true" : "false");
		json_kv("smtp_params", r->smtp_params);
		if (r->message_size >= 0)
			printf(",\n    \"message_size\": %lld",
			    (long long)r->message_size);
		else
			printf(",\n    \"message_size\": null");
		json_kv("reply", r->reply);
		printf(",\n    \"events\": [");
		db_conn_events(h->db, r->id, hist_event_json, &first);
		printf("]}");
		return 0;
	}
	h->n++;
	hist_time(r->started, "%Y-%m-%d %H:%M:%S", t1, sizeof(t1));
	if (r->ended > 0)
		hist_time(r->ended, "%H:%M:%S", t2, sizeof(t2));
	else
		str_copy(t2, "(open)", sizeof(t2));
	printf("%s \u2013 %s (%s, %s, %s):", t1, t2, r->vs ? r->vs : "-",
	    r->tls_version ? "encrypted" : "plain text", hist_state(r->state));
	if (r->mail_from != NULL) {
		hist_addrs("From:", r->mail_from);
		hist_addrs("To:", r->rcpt_to);
	}
	printf("\n    session %lld, peer %s:%d, local %s:%d, ehlo ",
	    (long long)r->session_id, r->peer_addr, r->peer_port,
	    r->local_addr, r->local_port);
	hist_put(r->ehlo ? r->ehlo : "-");
	printf(", sni ");
	hist_put(r->sni ? r->sni : "-");
	if (r->tls_version)
		printf(", %s %s", r->tls_version,
		    r->tls_cipher ? r->tls_cipher : "");
	printf(", STARTTLS %s", r->starttls_offered ? "offered" :
	    "withheld");
	if (r->requiretls)
		printf(", REQUIRETLS");
	if (r->message_size >= 0)
		printf(", %lld octets", (long long)r->message_size);
	printf("\n    commands %s; end %s", r->commands && *r->commands ?
	    r->commands : "-", r->end_reason ? r->end_reason : "-");
	if (r->tls_alert >= 0)
		printf(" (alert %d)", r->tls_alert);
	if (r->reply) {
		printf("; last refusal ");
		hist_put(r->reply);
	}
	putchar('\n');
	return 0;
}

/* TIME: seconds since the epoch, a duration back from now (90m, 2h,
 * 1d), or UTC "YYYY-MM-DD[ HH:MM[:SS]]". */
static int
hist_since(const char *s, double *out)
{
	static const char *const fmts[] = { "%Y-%m-%d %H:%M:%S",
	    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d" };
	uint64_t u;
	size_t i;

	if (str_to_u64(s, &u) == 0 && u > 100000000) {
		*out = (double)u;
		return 0;
	}
	if (str_to_duration(s, &u) == 0) {
		*out = (double)time(NULL) - (double)u;
		return 0;
	}
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct tm tm;
		const char *end;

		memset(&tm, 0, sizeof(tm));
		end = strptime(s, fmts[i], &tm);
		if (end != NULL && *end == '\0') {
			*out = (double)timegm(&tm);
			return 0;
		}
	}
	return -1;
}

int
cmd_history(int argc, char **argv)
{
	char **ovr = xcalloc((size_t)argc + 1, sizeof(char *));
	const char *path = NULL;
	size_t novr = 0;
	int i, check = 0;
	int64_t session = 0;
	double since = 0;
	const struct conf *cf;
	struct sbuf err;
	struct hist h;
	long n;

	memset(&h, 0, sizeof(h));
	for (i = 1; i < argc; i++) {
		uint64_t u;

		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			ovr[novr++] = argv[++i];
		else if (strcmp(argv[i], "-n") == 0)
			check = 1;
		else if (strcmp(argv[i], "--json") == 0)
			h.json = 1;
		else if (strcmp(argv[i], "--session") == 0 && i + 1 < argc &&
		    str_to_u64(argv[i + 1], &u) == 0 && u > 0 &&
		    u < INT64_MAX) {
			session = (int64_t)u;
			i++;
		} else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc &&
		    hist_since(argv[i + 1], &since) == 0)
			i++;
		else {
			fprintf(stderr, "usage: echomx history [-c FILE] "
			    "[-o key=value]... [--json] [--session ID] "
			    "[--since TIME]\n  TIME: epoch seconds, a "
			    "duration back (2h, 1d) or \"YYYY-MM-DD "
			    "HH:MM:SS\" (UTC)\n");
			free(ovr);
			return 2;
		}
	}
	cf = conf_setup(path, ovr, novr, check);
	free(ovr);
	sbuf_init(&err, 4096);
	h.db = db_open(conf_str(cf, "db_path"), &err);
	if (h.db == NULL) {
		fprintf(stderr, "echomx history: store: %s\n", err.data);
		sbuf_free(&err);
		return 1;
	}
	sbuf_free(&err);
	if (h.json)
		printf("[\n");
	else
		printf("Connection History (times UTC):\n");
	n = db_conn_each(h.db, session, since, hist_row, &h);
	if (h.json)
		printf("%s]\n", h.n ? "\n" : "");
	else if (n == 0)
		printf("(no connections)\n");
	if (n < 0)
		fprintf(stderr, "echomx history: store: %s\n",
		    db_errmsg(h.db));
	db_conn_release(h.db);
	db_close(h.db);
	conf_free((struct conf *)cf);
	return n < 0 ? 1 : 0;
}
