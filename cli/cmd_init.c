/* cmd_init: prepare a fresh instance for local use: the state directory,
 * the store, the spool, a private test CA, each virtual server's
 * certificate of the kind the matrix asks for, and the DNSSEC keys
 * (dnskeys_ensure). Idempotent: what exists is left alone.
 * Touches: state_dir and the paths the configuration names. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "db/db.h"
#include "dns/dnskeys.h"
#include "tls/tls_certgen.h"
#include "util/conf.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/str.h"


static void
init_chown(const char *path, const struct passwd *pw)
{
	if (chown(path, pw->pw_uid, pw->pw_gid) == -1 && errno != ENOENT)
		fprintf(stderr, "echomx init: chown %s: %s\n", path,
		    strerror(errno));
}

int
cmd_init(int argc, char **argv)
{
	char **ovr = xcalloc((size_t)argc + 1, sizeof(char *));
	const char *path = NULL;
	size_t novr = 0, i;
	int check = 0, rc = 0, r;
	const struct conf *cf;
	struct sbuf err;
	struct db *db;
	char buf[4096];
	static const char *const sub[] = { "", "/tmp", "/new", "/cur" };

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < (size_t)argc)
			path = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < (size_t)argc)
			ovr[novr++] = argv[++i];
		else if (strcmp(argv[i], "-n") == 0)
			check = 1;
		else {
			fprintf(stderr, "usage: echomx init [-c FILE] "
			    "[-o key=value]... [-n]\n");
			free(ovr);
			return 2;
		}
	}
	cf = conf_setup(path, ovr, novr, check);
	free(ovr);
	sbuf_init(&err, 4096);

	if (fs_mkdirs(conf_str(cf, "state_dir"), 0755, NULL) == -1) {
		fprintf(stderr, "echomx init: %s: %s\n",
		    conf_str(cf, "state_dir"), strerror(errno));
		return 1;
	}
	for (i = 0; i < 4; i++) {
		snprintf(buf, sizeof(buf), "%s%s", conf_str(cf, "spool_dir"),
		    sub[i]);
		if (fs_mkdirs(buf, 0750, NULL) == -1) {
			fprintf(stderr, "echomx init: %s: %s\n", buf,
			    strerror(errno));
			return 1;
		}
	}
	db = db_open(conf_str(cf, "db_path"), &err);
	if (db == NULL) {
		fprintf(stderr, "echomx init: store: %s\n", err.data);
		return 1;
	}
	printf("store %s (schema %d)\n", conf_str(cf, "db_path"),
	    db_schema_version(db));
	db_close(db);

	snprintf(buf, sizeof(buf), "echomx test CA (%s)",
	    conf_str(cf, "base_domain"));
	r = tls_certgen_ca(conf_str(cf, "ca_cert"), conf_str(cf, "ca_key"),
	    buf, &err);
	if (r == -1) {
		fprintf(stderr, "echomx init: CA: %s\n", err.data);
		return 1;
	}
	printf("ca %s %s\n", conf_str(cf, "ca_cert"), r ? "made" : "kept");
	for (i = 0; i < conf_nvs(cf); i++) {
		const struct conf_vs *v = conf_vs_at(cf, i);
		const char *kind = conf_vs_str(v, "cert_kind");

		if (strcmp(kind, "none") == 0) {
			printf("vs %s: no certificate (cert_kind none)\n",
			    conf_vs_name(v));
			continue;
		}
		sbuf_reset(&err);
		r = tls_certgen_vs(kind, conf_vs_str(v, "key_type"),
		    conf_vs_str(v, "hostname"), conf_vs_str(v, "cert_file"),
		    conf_vs_str(v, "key_file"), conf_str(cf, "ca_cert"),
		    conf_str(cf, "ca_key"), &err);
		if (r == -1) {
			fprintf(stderr, "echomx init: vs %s: %s\n",
			    conf_vs_name(v), err.data);
			rc = 1;
			continue;
		}
		printf("vs %s: %s certificate %s %s\n", conf_vs_name(v), kind,
		    conf_vs_str(v, "cert_file"), r ? "made" : "kept");
	}
	sbuf_reset(&err);
	if (dnskeys_ensure(cf, &err) == -1) {
		fprintf(stderr, "echomx init: DNSSEC keys: %s\n", err.data);
		rc = 1;
	} else
		printf("dnssec keys in %s\n", conf_str(cf, "dnssec_key_dir"));
	/* As root: the listener's user owns the store and the spool. */
	if (getuid() == 0 && strcmp(conf_str(cf, "user"), "root") != 0) {
		struct passwd *pw = getpwnam(conf_str(cf, "user"));

		if (pw != NULL) {
			init_chown(conf_str(cf, "state_dir"), pw);
			for (i = 0; i < 4; i++) {
				snprintf(buf, sizeof(buf), "%s%s",
				    conf_str(cf, "spool_dir"), sub[i]);
				init_chown(buf, pw);
			}
			init_chown(conf_str(cf, "db_path"), pw);
		}
	}
	sbuf_free(&err);
	conf_free((struct conf *)cf);
	return rc;
}
