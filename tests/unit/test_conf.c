/* test_conf: the configuration parser, expansion, type checks, and that
 * conf/echomx.conf documents every declared key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "util/conf.h"
#include "util/str.h"

/* Parse text, apply overrides, finalize; return the error or "" */
static char *
try_conf(const char *text, const char *o1, struct conf **out)
{
	struct conf *c = conf_new();
	struct sbuf err;
	char *r;

	sbuf_init(&err, 4096);
	if (conf_parse(c, text, strlen(text), "f.conf", &err) == 0 &&
	    (o1 == NULL || conf_override(c, o1, &err) == 0))
		conf_finalize(c, &err);
	r = sbuf_take(&err);
	if (out && *r == '\0')
		*out = c;
	else
		conf_free(c);
	return r;
}

static void
t_errors(void)
{
	static const struct { const char *text, *o, *err; } rows[] = {
		{ "state_dir = /x\n", NULL, "" },
		{ "nosuchkey = 1\n", NULL, "f.conf:1: unknown key 'nosuchkey'" },
		{ "\n\nmax_errors = ten\n", NULL,
		  "f.conf:3: max_errors: 'ten' is not a whole number" },
		{ "max_errors = 0\n", NULL, "from 1 to 1000" },
		{ "downgrade_window = 3x\n", NULL, "is not a duration" },
		{ "message_size_limit = lots\n", NULL, "is not a size" },
		{ "accept_rule = maybe\n", NULL,
		  "'maybe' is not one of tls-after-window|all|never" },
		{ "listen = 127.0.0.1\n", NULL,
		  "'127.0.0.1' is not an address:port" },
		{ "listen = [::1]:25 127.0.0.1:2525\n", NULL, "" },
		{ "state_dir = /a\nstate_dir = /b\n", NULL,
		  "f.conf:2: duplicate key 'state_dir' (first set at f.conf:1)" },
		{ "just words\n", NULL, "f.conf:1: expected 'key = value'" },
		{ "[vs mx01]\nstarttls = maybe\n", NULL,
		  "f.conf:2: starttls: 'maybe' is not yes or no" },
		{ "[vs mx01]\nlisten = 1.2.3.4:25\n", NULL,
		  "unknown virtual server key 'listen'" },
		{ "[vs MX]\n", NULL, "bad virtual server name" },
		{ "[vs a]\n[vs a]\n", NULL, "defined twice" },
		{ "[server a]\n", NULL, "bad section header" },
		{ "user = $nosuch\n", NULL, "unknown key '$nosuch'" },
		{ "", "max_errors=x", "-o max_errors=x: max_errors:" },
		{ "", "bogus=1", "-o bogus=1: unknown key 'bogus'" },
		{ "", "vs.mx01.tlsa=sideways", "is not one of none|matching" },
		{ "", "noequals", "expected key=value" },
		{ "[vs a]\ntls_versions = 1.2 1.4\n", NULL,
		  "'1.4' is not one of 1.0|1.1|1.2|1.3" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *e = try_conf(rows[i].text, rows[i].o, NULL);

		if (*rows[i].err == '\0')
			T_EQ_STR(e, "");
		else
			T_CONTAINS(e, rows[i].err);
		free(e);
	}
}

static void
t_expand(void)
{
	struct conf *c = NULL;
	char *e = try_conf("base_domain = ex.org\nstate_dir = /s\n"
	    "user = a$$b\n"
	    "smtpd_hostname = mail.${base_domain}\n"
	    "[vs mx02]\ncert_kind = selfsigned\n"
	    "  # comment inside\n"
	    "tls_versions = 1.2,\n  1.3\n", "vs.mx02.starttls=no", &c);

	T_EQ_STR(e, "");
	free(e);
	if (c == NULL)
		return;
	T_EQ_STR(conf_str(c, "enforced_domain"), "et.ex.org");
	T_EQ_STR(conf_str(c, "db_path"), "/s/echomx.db");
	T_EQ_STR(conf_str(c, "user"), "a$b");
	T_EQ_STR(conf_str(c, "smtpd_hostname"), "mail.ex.org");
	T_EQ_INT(conf_duration(c, "downgrade_window"), 180);
	T_EQ_INT(conf_size(c, "message_size_limit"), 10 * 1048576);
	T_EQ_INT(conf_nvs(c), 1);
	T_EQ_STR(conf_vs_str(conf_vs_at(c, 0), "hostname"), "mx02.et.ex.org");
	T_EQ_STR(conf_vs_str(conf_vs_at(c, 0), "cert_file"),
	    "/s/certs/mx02.crt");
	T_EQ_STR(conf_vs_str(conf_vs_at(c, 0), "tls_versions"), "1.2, 1.3");
	T_EQ_INT(conf_vs_bool(conf_vs_at(c, 0), "starttls"), 0);
	T_CHECK(conf_vs_find(c, "mx02") != NULL);
	T_CHECK(conf_vs_find(c, "mx03") == NULL);
	conf_free(c);
}

static void
t_keyfile_mode(void)
{
	char dir[] = "/tmp/test_conf.XXXXXX", key[64], text[256], *e;
	FILE *fp;

	if (mkdtemp(dir) == NULL) {
		T_CHECK(0);
		return;
	}
	snprintf(key, sizeof(key), "%s/ca.key", dir);
	fp = fopen(key, "w");
	fputs("x", fp);
	fclose(fp);
	chmod(key, 0644);
	snprintf(text, sizeof(text), "ca_key = %s\n", key);
	e = try_conf(text, NULL, NULL);
	T_CONTAINS(e, "f.conf:1: ca_key: key file");
	T_CONTAINS(e, "mode 0644");
	free(e);
	chmod(key, 0600);
	e = try_conf(text, NULL, NULL);
	T_EQ_STR(e, "");
	free(e);
	unlink(key);
	rmdir(dir);
}

/* The example configuration is the reference: every key appears in it
 * (set or as "#key ="), and it parses and finalizes. */
static void
t_example_documents_every_key(void)
{
	FILE *fp = fopen("conf/echomx.conf", "r");
	char *buf;
	size_t n, k;
	struct conf *c;
	struct sbuf err;

	if (fp == NULL)
		fp = fopen("../../conf/echomx.conf", "r");
	T_CHECK(fp != NULL);
	if (fp == NULL)
		return;
	buf = calloc(1, 1 << 20);
	n = fread(buf, 1, (1 << 20) - 1, fp);
	fclose(fp);
	for (k = 0; k < conf_nkeys; k++) {
		char pat[128];
		int found;

		if (conf_keys[k].scope & CONF_SCOPE_GLOBAL) {
			snprintf(pat, sizeof(pat), "\n#%s =",
			    conf_keys[k].name);
			found = strstr(buf, pat) != NULL;
			snprintf(pat, sizeof(pat), "\n%s =",
			    conf_keys[k].name);
			found |= strstr(buf, pat) != NULL;
		} else {
			snprintf(pat, sizeof(pat), "#   %s ",
			    conf_keys[k].name);
			found = strstr(buf, pat) != NULL;
		}
		if (!found)
			fprintf(stderr, "conf/echomx.conf does not document "
			    "'%s'\n", conf_keys[k].name);
		T_CHECK(found);
	}
	c = conf_new();
	sbuf_init(&err, 4096);
	T_EQ_INT(conf_parse(c, buf, n, "conf/echomx.conf", &err), 0);
	T_EQ_INT(conf_finalize(c, &err), 0);
	if (err.len)
		fprintf(stderr, "%s\n", err.data);
	T_EQ_INT(conf_nvs(c), 9);
	sbuf_free(&err);
	conf_free(c);
	free(buf);
}

static void
t_str_parsers(void)
{
	uint64_t u = 0;
	int b = 0;

	T_EQ_INT(str_to_duration("3m", &u), 0);
	T_EQ_INT(u, 180);
	T_EQ_INT(str_to_duration("2d", &u), 0);
	T_EQ_INT(u, 172800);
	T_EQ_INT(str_to_duration("", &u), -1);
	T_EQ_INT(str_to_duration("-1", &u), -1);
	T_EQ_INT(str_to_duration("99999999999999999999", &u), -1);
	T_EQ_INT(str_to_size("64k", &u), 0);
	T_EQ_INT(u, 65536);
	T_EQ_INT(str_to_size("1 M", &u), -1);
	T_EQ_INT(str_to_bool("On", &b), 0);
	T_EQ_INT(b, 1);
	T_EQ_INT(str_to_bool("nah", &b), -1);
}

static void
t_sbuf_bound(void)
{
	struct sbuf b;

	sbuf_init(&b, 8);
	T_EQ_INT(sbuf_adds(&b, "12345678"), 0);
	T_EQ_INT(sbuf_adds(&b, "9"), -1);
	T_EQ_INT(b.over, 1);
	T_EQ_STR(b.data, "12345678");
	sbuf_free(&b);
}

T_MAIN(T_CASE(t_errors), T_CASE(t_expand), T_CASE(t_keyfile_mode),
    T_CASE(t_example_documents_every_key), T_CASE(t_str_parsers),
    T_CASE(t_sbuf_bound))
