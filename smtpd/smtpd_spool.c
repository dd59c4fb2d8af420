/* smtpd_spool: received messages, maildir-style: written to tmp/,
 * fsynced, renamed into new/; new/ is fsynced once per group commit
 * before any 250 goes out. Touches: the spool directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "smtpd/smtpd.h"
#include "util/log.h"
#include "util/mem.h"

#define SPOOL_WBUF	65536

static int
spool_mkdir(const char *d)
{
	if (mkdir(d, 0750) == -1 && errno != EEXIST) {
		log_event(LOG_ERR, NULL, "event=error what=mkdir dir=%s "
		    "error=%s", log_escs(d), log_escs(strerror(errno)));
		return -1;
	}
	return 0;
}

int
smtpd_spool_init(const char *dir)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	char path[4096];
	size_t i;

	if (spool_mkdir(dir) == -1)
		return -1;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
		if (spool_mkdir(path) == -1)
			return -1;
	}
	snprintf(path, sizeof(path), "%s/new", dir);
	smtpd.spool_newfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (smtpd.spool_newfd == -1) {
		log_event(LOG_ERR, NULL, "event=error what=open dir=%s "
		    "error=%s", log_escs(path), log_escs(strerror(errno)));
		return -1;
	}
	return 0;
}

int
smtpd_spool_open(struct smtpd_conn *c)
{
	char name[128], path[4096];
	double now = c->last_active;

	/* Unique: time, pid, sequence, connection (maildir style). */
	snprintf(name, sizeof(name), "%lld.P%ldQ%lluC%lld.echomx",
	    (long long)now, (long)getpid(),
	    (unsigned long long)++smtpd.spool_seq, (long long)c->id);
	snprintf(path, sizeof(path), "%s/tmp/%s", smtpd.spool_dir, name);
	c->spool_fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0640);
	if (c->spool_fd == -1) {
		log_event(LOG_ERR, c->sid, "event=error what=spool-open "
		    "file=%s error=%s", log_escs(path),
		    log_escs(strerror(errno)));
		return -1;
	}
	free(c->spool_name);
	c->spool_name = xstrdup(name);
	sbuf_init(&c->wbuf, SPOOL_WBUF);
	return 0;
}

static int
spool_flush(struct smtpd_conn *c)
{
	size_t off = 0;

	while (off < c->wbuf.len) {
		ssize_t n = write(c->spool_fd, c->wbuf.data + off,
		    c->wbuf.len - off);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_event(LOG_ERR, c->sid, "event=error "
			    "what=spool-write error=%s",
			    log_escs(strerror(errno)));
			return -1;
		}
		off += (size_t)n;
	}
	sbuf_reset(&c->wbuf);
	return 0;
}

int
smtpd_spool_write(struct smtpd_conn *c, const char *p, size_t n)
{
	if (c->spool_fd < 0)
		return -1;
	if (c->wbuf.len + n > SPOOL_WBUF && spool_flush(c) == -1)
		return -1;
	if (n > SPOOL_WBUF) {
		sbuf_add(&c->wbuf, p, 0);
		while (n > 0) {
			ssize_t w = write(c->spool_fd, p, n);

			if (w == -1) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			p += w;
			n -= (size_t)w;
		}
		return 0;
	}
	return sbuf_add(&c->wbuf, p, n);
}

int
smtpd_spool_finish(struct smtpd_conn *c)
{
	char from[4096], to[4096];
	int r = 0;

	if (c->spool_fd < 0)
		return -1;
	if (spool_flush(c) == -1 || fsync(c->spool_fd) == -1)
		r = -1;
	if (close(c->spool_fd) == -1)
		r = -1;
	c->spool_fd = -1;
	sbuf_free(&c->wbuf);
	snprintf(from, sizeof(from), "%s/tmp/%s", smtpd.spool_dir,
	    c->spool_name);
	snprintf(to, sizeof(to), "%s/new/%s", smtpd.spool_dir, c->spool_name);
	if (r == 0 && rename(from, to) == -1) {
		log_event(LOG_ERR, c->sid, "event=error what=spool-rename "
		    "error=%s", log_escs(strerror(errno)));
		r = -1;
	}
	if (r == -1)
		unlink(from);
	return r;
}

void
smtpd_spool_abort(struct smtpd_conn *c)
{
	char from[4096];

	if (c->spool_fd < 0)
		return;
	close(c->spool_fd);
	c->spool_fd = -1;
	sbuf_free(&c->wbuf);
	snprintf(from, sizeof(from), "%s/tmp/%s", smtpd.spool_dir,
	    c->spool_name);
	unlink(from);
}

int
smtpd_spool_sync_dir(void)
{
	if (fsync(smtpd.spool_newfd) == -1) {
		log_event(LOG_ERR, NULL, "event=error what=spool-fsync "
		    "error=%s", log_escs(strerror(errno)));
		return -1;
	}
	return 0;
}
