/* smtpd_spool: received messages, maildir-style. A message is kept in
 * memory while it arrives (spilled to tmp/ when large); when complete, a
 * worker thread writes it to tmp/, fsyncs it, renames it into new/ and
 * fsyncs new/, so the event loop never waits for the disk and several
 * messages reach the disk at once. The loop learns of finished jobs
 * through an eventfd and only then records the message and sends 250.
 * Touches: the spool directory, worker threads (no other shared state). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "smtpd/smtpd.h"
#include "util/ev.h"
#include "util/log.h"
#include "util/mem.h"

#define SPOOL_MEM	(256 * 1024)	/* spill to disk beyond this */
#define SPOOL_WORKERS	16

struct smtpd_job {
	struct smtpd_job *next;
	struct smtpd_conn *conn;	/* main thread only; NULL: gone */
	int		 fd;		/* spilled file, or -1 */
	char		*name;
	char		*data;
	size_t		 len;
	int		 err;		/* errno of the failure, 0 ok */
	const char	*what;
};

static struct {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct smtpd_job *todo, **todo_tail;
	struct smtpd_job *done;
	int		 efd;
	int		 stop;
	pthread_t	 th[SPOOL_WORKERS];
	int		 nth;
} spool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL,
	NULL, NULL, -1, 0, { 0 }, 0 };

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

static void
spool_path(char *buf, size_t sz, const char *sub, const char *name)
{
	snprintf(buf, sz, "%s/%s/%s", smtpd.spool_dir, sub, name);
}

static int
spool_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

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

/* Worker: the whole durable write of one message. */
static void
spool_do(struct smtpd_job *j)
{
	char from[4096], to[4096];

	spool_path(from, sizeof(from), "tmp", j->name);
	spool_path(to, sizeof(to), "new", j->name);
	if (j->fd < 0) {
		j->fd = open(from, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0640);
		if (j->fd == -1) {
			j->err = errno;
			j->what = "open";
			return;
		}
	}
	if (spool_write_all(j->fd, j->data, j->len) == -1) {
		j->err = errno;
		j->what = "write";
	} else if (fsync(j->fd) == -1) {
		j->err = errno;
		j->what = "fsync";
	}
	if (close(j->fd) == -1 && j->err == 0) {
		j->err = errno;
		j->what = "close";
	}
	j->fd = -1;
	if (j->err == 0 && rename(from, to) == -1) {
		j->err = errno;
		j->what = "rename";
	}
	if (j->err != 0) {
		unlink(from);
		return;
	}
	/* The directory entry must be on disk before the 250. */
	if (fsync(smtpd.spool_newfd) == -1) {
		j->err = errno;
		j->what = "fsync-dir";
		unlink(to);
	}
}

static void *
spool_worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&spool.mu);
	for (;;) {
		struct smtpd_job *j;
		uint64_t one = 1;

		while (spool.todo == NULL && !spool.stop)
			pthread_cond_wait(&spool.cv, &spool.mu);
		if (spool.todo == NULL)
			break;
		j = spool.todo;
		spool.todo = j->next;
		if (spool.todo == NULL)
			spool.todo_tail = &spool.todo;
		pthread_mutex_unlock(&spool.mu);
		spool_do(j);
		pthread_mutex_lock(&spool.mu);
		j->next = spool.done;
		spool.done = j;
		(void)!write(spool.efd, &one, sizeof(one));
	}
	pthread_mutex_unlock(&spool.mu);
	return NULL;
}

static void
spool_job_free(struct smtpd_job *j)
{
	if (j->fd >= 0)
		close(j->fd);
	free(j->name);
	free(j->data);
	free(j);
}

/* Event loop side: finished jobs. */
static void
spool_done(int fd, int ready, void *arg)
{
	struct smtpd_job *list, *j, *rev = NULL;
	uint64_t n;

	(void)ready;
	(void)arg;
	(void)!read(fd, &n, sizeof(n));
	pthread_mutex_lock(&spool.mu);
	list = spool.done;
	spool.done = NULL;
	pthread_mutex_unlock(&spool.mu);
	while (list) {		/* oldest first */
		j = list;
		list = j->next;
		j->next = rev;
		rev = j;
	}
	while (rev) {
		j = rev;
		rev = j->next;
		if (j->err)
			log_event(LOG_ERR, j->conn ? j->conn->sid : NULL,
			    "event=error what=spool-%s file=%s error=%s",
			    j->what, j->name, log_escs(strerror(j->err)));
		if (j->conn != NULL) {
			j->conn->job = NULL;
			smtpd_conn_spooled(j->conn, j->err == 0);
		} else if (j->err == 0) {
			/* The client left before the 250: not accepted. */
			char to[4096];

			spool_path(to, sizeof(to), "new", j->name);
			unlink(to);
			log_event(LOG_INFO, NULL, "event=spool-discard file=%s "
			    "why=\"client gone before 250\"", j->name);
		}
		spool_job_free(j);
	}
}

int
smtpd_spool_start(void)
{
	int i;

	spool.todo_tail = &spool.todo;
	spool.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (spool.efd == -1 ||
	    ev_add(smtpd.ev, spool.efd, EV_READ, spool_done, NULL) == -1)
		return -1;
	for (i = 0; i < SPOOL_WORKERS; i++) {
		if (pthread_create(&spool.th[i], NULL, spool_worker, NULL)
		    != 0)
			return -1;
		spool.nth++;
	}
	return 0;
}

void
smtpd_spool_stop(void)
{
	int i;

	pthread_mutex_lock(&spool.mu);
	spool.stop = 1;
	pthread_cond_broadcast(&spool.cv);
	pthread_mutex_unlock(&spool.mu);
	for (i = 0; i < spool.nth; i++)
		pthread_join(spool.th[i], NULL);
	spool.nth = 0;
	if (spool.efd >= 0) {
		spool_done(spool.efd, EV_READ, NULL);
		ev_del(smtpd.ev, spool.efd);
		close(spool.efd);
		spool.efd = -1;
	}
}

int
smtpd_spool_open(struct smtpd_conn *c)
{
	char name[128];

	/* Unique: time, pid, sequence, connection (maildir style). */
	snprintf(name, sizeof(name), "%lld.P%ldQ%lluC%lld.echomx",
	    (long long)c->last_active, (long)getpid(),
	    (unsigned long long)++smtpd.spool_seq, (long long)c->id);
	free(c->spool_name);
	c->spool_name = xstrdup(name);
	sbuf_free(&c->wbuf);
	sbuf_init(&c->wbuf, SPOOL_MEM + 65536);
	c->spool_fd = -1;
	c->spooling = 1;
	return 0;
}

int
smtpd_spool_write(struct smtpd_conn *c, const char *p, size_t n)
{
	char path[4096];

	if (!c->spooling)
		return -1;
	if (c->wbuf.len + n <= SPOOL_MEM)
		return sbuf_add(&c->wbuf, p, n);
	/* Large message: spill what we have to tmp/. */
	if (c->spool_fd < 0) {
		spool_path(path, sizeof(path), "tmp", c->spool_name);
		c->spool_fd = open(path, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC, 0640);
		if (c->spool_fd == -1) {
			log_event(LOG_ERR, c->sid, "event=error "
			    "what=spool-open file=%s error=%s",
			    log_escs(path), log_escs(strerror(errno)));
			return -1;
		}
	}
	if (spool_write_all(c->spool_fd, c->wbuf.data, c->wbuf.len) == -1 ||
	    spool_write_all(c->spool_fd, p, n) == -1) {
		log_event(LOG_ERR, c->sid, "event=error what=spool-write "
		    "error=%s", log_escs(strerror(errno)));
		return -1;
	}
	sbuf_reset(&c->wbuf);
	return 0;
}

int
smtpd_spool_submit(struct smtpd_conn *c)
{
	struct smtpd_job *j;

	if (!c->spooling)
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->conn = c;
	j->fd = c->spool_fd;
	j->name = xstrdup(c->spool_name);
	j->len = c->wbuf.len;
	j->data = sbuf_take(&c->wbuf);
	c->spool_fd = -1;
	c->spooling = 0;
	c->job = j;
	pthread_mutex_lock(&spool.mu);
	*spool.todo_tail = j;
	spool.todo_tail = &j->next;
	pthread_cond_signal(&spool.cv);
	pthread_mutex_unlock(&spool.mu);
	return 0;
}

void
smtpd_spool_abort(struct smtpd_conn *c)
{
	char path[4096];

	if (c->job != NULL) {		/* the worker finishes; we forget */
		c->job->conn = NULL;
		c->job = NULL;
	}
	if (!c->spooling)
		return;
	c->spooling = 0;
	sbuf_free(&c->wbuf);
	if (c->spool_fd >= 0) {
		close(c->spool_fd);
		c->spool_fd = -1;
		spool_path(path, sizeof(path), "tmp", c->spool_name);
		unlink(path);
	}
}
