/* echomx-smtpd: the test listener. Reads the configuration, binds every
 * listen address and each virtual server's own addresses, loads the
 * certificates, drops privileges when started as root, opens the store
 * and runs one epoll loop. Touches: sockets, certificates, store, spool. */
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "db/db.h"
#include "db/db_conn.h"
#include "smtpd/smtpd.h"
#include "tls/tls_server.h"
#include "util/conf.h"
#include "util/ev.h"
#include "util/log.h"
#include "util/mem.h"

struct smtpd smtpd;

static void
usage(void)
{
	fprintf(stderr, "usage: echomx-smtpd [-c FILE] [-o key=value]... "
	    "[-n] [-f | -d]\n");
	exit(2);
}

static void
add_listener(const char *a, int vs)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	if (addr_parse(a, &ss, &sl) == -1)
		fatal("%s: not an address:port", a);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		if (ss.ss_family == AF_INET6 && errno == EAFNOSUPPORT) {
			log_event(LOG_WARNING, NULL, "event=listen addr=%s "
			    "error=%s", a, log_escs(strerror(errno)));
			return;
		}
		fatal("socket for %s: %s", a, strerror(errno));
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
		if (ss.ss_family == AF_INET6 && errno == EADDRNOTAVAIL) {
			log_event(LOG_WARNING, NULL, "event=listen addr=%s "
			    "error=%s", a, log_escs(strerror(errno)));
			close(fd);
			return;
		}
		fatal("bind %s: %s", a, strerror(errno));
	}
	if (listen(fd, 4096) == -1)
		fatal("listen %s: %s", a, strerror(errno));
	smtpd.ls = xrealloc(smtpd.ls, (smtpd.nls + 1) * sizeof(*smtpd.ls));
	smtpd.ls[smtpd.nls].fd = fd;
	smtpd.ls[smtpd.nls].vs = vs;
	str_copy(smtpd.ls[smtpd.nls].addr, a, sizeof(smtpd.ls[0].addr));
	smtpd.nls++;
	log_event(LOG_INFO, NULL, "event=listen addr=%s vs=%s", a,
	    vs >= 0 ? smtpd.vs[vs].name : "(shared)");
}

static void
setup_vs(const struct conf *cf)
{
	size_t i;
	struct sbuf err;

	smtpd.nvs = conf_nvs(cf);
	smtpd.vs = xcalloc(smtpd.nvs ? smtpd.nvs : 1, sizeof(*smtpd.vs));
	smtpd.default_vs = -1;
	smtpd.tls = tls_server_new();
	sbuf_init(&err, 4096);
	for (i = 0; i < smtpd.nvs; i++) {
		const struct conf_vs *v = conf_vs_at(cf, i);
		struct smtpd_vs *s = &smtpd.vs[i];
		unsigned versions;

		s->name = xstrdup(conf_vs_name(v));
		s->hostname = xstrdup(conf_vs_str(v, "hostname"));
		s->starttls = conf_vs_bool(v, "starttls");
		if (conf_vs_bool(v, "default") && smtpd.default_vs < 0)
			smtpd.default_vs = (int)i;
		if (strcmp(conf_vs_str(v, "cert_kind"), "none") == 0 ||
		    !s->starttls)
			continue;
		if (tls_server_versions(conf_vs_str(v, "tls_versions"),
		    &versions) == -1)
			fatal("vs %s: bad tls_versions", s->name);
		sbuf_reset(&err);
		if (tls_server_add(smtpd.tls, (int)i, s->hostname,
		    conf_vs_str(v, "cert_file"), conf_vs_str(v, "key_file"),
		    versions, &err) == -1)
			fatal("vs %s: %s (run \"echomx init\"?)", s->name,
			    err.data);
		s->has_tls = 1;
	}
	sbuf_free(&err);
	if (smtpd.default_vs < 0)
		for (i = 0; i < smtpd.nvs; i++)
			if (smtpd.vs[i].has_tls) {
				smtpd.default_vs = (int)i;
				break;
			}
	if (smtpd.default_vs < 0 && smtpd.nvs > 0)
		smtpd.default_vs = 0;
}

static void
setup_listeners(const struct conf *cf)
{
	char **w;
	size_t n, i, j;

	w = conf_split(conf_str(cf, "listen"), &n);
	for (i = 0; i < n; i++)
		add_listener(w[i], -1);
	conf_list_free(w);
	for (j = 0; j < smtpd.nvs; j++) {
		w = conf_split(conf_vs_str(conf_vs_at(cf, j), "addresses"), &n);
		for (i = 0; i < n; i++)
			add_listener(w[i], (int)j);
		conf_list_free(w);
	}
	if (smtpd.nls == 0)
		fatal("no address to listen on");
}

static void
chown_path(const char *path, uid_t uid, gid_t gid)
{
	if (chown(path, uid, gid) == -1 && errno != ENOENT)
		fatal("chown %s: %s", path, strerror(errno));
}

/* Started as root: the store and spool become the user's, then switch. */
static void
drop_privileges(const struct conf *cf)
{
	const char *user = conf_str(cf, "user");
	struct passwd *pw;
	char path[4096], *dir, *slash;
	static const char *const sub[] = { "", "/tmp", "/new", "/cur" };
	static const char *const dbx[] = { "", "-wal", "-shm" };
	size_t i;

	if (getuid() != 0)
		return;
	if (strcmp(user, "root") == 0) {
		log_event(LOG_WARNING, NULL, "event=privileges user=root "
		    "note=\"running as root as configured\"");
		return;
	}
	pw = getpwnam(user);
	if (pw == NULL) {
		log_event(LOG_WARNING, NULL, "event=privileges user=%s "
		    "note=\"no such user, using nobody\"", log_escs(user));
		pw = getpwnam("nobody");
		if (pw == NULL)
			fatal("user '%s' and 'nobody' do not exist", user);
	}
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s%s", smtpd.spool_dir, sub[i]);
		chown_path(path, pw->pw_uid, pw->pw_gid);
	}
	dir = xstrdup(conf_str(cf, "db_path"));
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", dir, dbx[i]);
		chown_path(path, pw->pw_uid, pw->pw_gid);
	}
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		chown_path(dir, pw->pw_uid, pw->pw_gid);
	}
	free(dir);
	if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1)
		fatal("cannot switch to user %s: %s", pw->pw_name,
		    strerror(errno));
	if (setuid(0) == 0)
		fatal("privileges were not dropped");
	log_event(LOG_INFO, NULL, "event=privileges user=%s uid=%ld",
	    log_escs(pw->pw_name), (long)pw->pw_uid);
}

static void
on_signal(int fd, int ready, void *arg)
{
	struct signalfd_siginfo si;

	(void)ready;
	(void)arg;
	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		log_event(LOG_INFO, NULL, "event=stop signal=%u",
		    si.ssi_signo);
		ev_stop(smtpd.ev);
	}
}

static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char **argv)
{
	char **ovr = NULL;
	size_t novr = 0, i;
	const char *path = NULL;
	int check = 0, fg = 0, ch, prio, sfd;
	const struct conf *cf;
	struct sbuf err;
	sigset_t mask;

	while ((ch = getopt(argc, argv, "c:o:nfdh")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'o':
			ovr = xrealloc(ovr, (novr + 1) * sizeof(*ovr));
			ovr[novr++] = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'f':
		case 'd':
			fg = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	cf = conf_setup(path, ovr, novr, check);
	free(ovr);
	smtpd.conf = cf;
	if (log_init("echomx-smtpd", fg, conf_str(cf, "syslog_facility"))
	    == -1)
		fatal("bad syslog_facility");
	if (log_level_from_name(conf_str(cf, "log_level"), &prio) == 0)
		log_set_level(prio);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();

	smtpd.hostname = xstrdup(conf_str(cf, "smtpd_hostname"));
	smtpd.enforced_domain = xstrdup(conf_str(cf, "enforced_domain"));
	smtpd.unenforced_domain = xstrdup(conf_str(cf, "unenforced_domain"));
	if (accept_rule_parse(conf_str(cf, "accept_rule"),
	    &smtpd.accept_rule) == -1)
		fatal("bad accept_rule");
	smtpd.window = (double)conf_duration(cf, "downgrade_window");
	smtpd.session_limit = (double)conf_duration(cf, "test_session_limit");
	smtpd.command_timeout = (double)conf_duration(cf, "command_timeout");
	smtpd.time_limit = (double)conf_duration(cf, "connection_time_limit");
	smtpd.line_limit = (size_t)conf_int(cf, "line_length_limit");
	smtpd.text_limit = (size_t)conf_int(cf, "text_line_limit");
	smtpd.size_limit = conf_size(cf, "message_size_limit");
	smtpd.rcpt_limit = conf_int(cf, "recipient_limit");
	smtpd.max_sessions = conf_int(cf, "max_sessions");
	smtpd.max_per_peer = conf_int(cf, "max_sessions_per_peer");
	smtpd.max_errors = conf_int(cf, "max_errors");
	smtpd.spool_dir = xstrdup(conf_str(cf, "spool_dir"));

	/* As root: bind, load keys, prepare the spool; then drop. */
	setup_vs(cf);
	setup_listeners(cf);
	if (smtpd_spool_init(smtpd.spool_dir) == -1)
		fatal("cannot prepare the spool %s", smtpd.spool_dir);
	drop_privileges(cf);

	sbuf_init(&err, 4096);
	smtpd.db = db_open(conf_str(cf, "db_path"), &err);
	if (smtpd.db == NULL)
		fatal("store: %s", err.data);
	sbuf_free(&err);

	smtpd.ev = ev_new();
	for (i = 0; i < smtpd.nls; i++)
		if (ev_add(smtpd.ev, smtpd.ls[i].fd, EV_READ,
		    smtpd_conn_accept, &smtpd.ls[i]) == -1)
			fatal("epoll: %s", strerror(errno));
	if (smtpd_spool_start() == -1)
		fatal("cannot start the spool workers: %s", strerror(errno));
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd == -1 || ev_add(smtpd.ev, sfd, EV_READ, on_signal, NULL) == -1)
		fatal("signalfd: %s", strerror(errno));
	ev_set_tick(smtpd.ev, smtpd_conn_tick, smtpd_conn_batch, NULL);
	log_event(LOG_INFO, NULL, "event=start listeners=%zu vs=%zu "
	    "accept_rule=%s window=%.0f", smtpd.nls, smtpd.nvs,
	    conf_str(cf, "accept_rule"), smtpd.window);
	if (ev_run(smtpd.ev) == -1)
		log_event(LOG_ERR, NULL, "event=error what=epoll error=%s",
		    log_escs(strerror(errno)));
	smtpd_spool_stop();
	smtpd_conn_batch(NULL);
	smtpd_conn_close_all("421-shutdown");
	for (i = 0; i < smtpd.nls; i++)
		close(smtpd.ls[i].fd);
	db_conn_release(smtpd.db);
	db_close(smtpd.db);
	tls_server_free(smtpd.tls);
	for (i = 0; i < smtpd.nvs; i++) {
		free(smtpd.vs[i].name);
		free(smtpd.vs[i].hostname);
	}
	free(smtpd.vs);
	free(smtpd.ls);
	free(smtpd.hostname);
	free(smtpd.enforced_domain);
	free(smtpd.unenforced_domain);
	free(smtpd.spool_dir);
	ev_free(smtpd.ev);
	close(smtpd.spool_newfd);
	close(sfd);
	conf_free((struct conf *)cf);
	log_event(LOG_INFO, NULL, "event=stopped");
	return 0;
}
