/* ev: epoll event loop. Handlers are kept in an array indexed by file
 * descriptor, so dispatch needs no lookup. Touches: epoll, the clock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "util/ev.h"
#include "util/mem.h"

struct ev_slot {
	ev_fn	 fn;
	void	*arg;
	int	 mask;
};

struct ev {
	int		 epfd;
	int		 stop;
	struct ev_slot	*slots;
	size_t		 nslots;
	ev_tick_fn	 tick, batch;
	void		*tick_arg;
};

double
ev_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct ev *
ev_new(void)
{
	struct ev *ev = xcalloc(1, sizeof(*ev));

	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd == -1)
		fatal("epoll_create1: %s", strerror(errno));
	return ev;
}

void
ev_free(struct ev *ev)
{
	if (ev == NULL)
		return;
	close(ev->epfd);
	free(ev->slots);
	free(ev);
}

static uint32_t
ev_bits(int mask)
{
	return (mask & EV_READ ? EPOLLIN : 0) |
	    (mask & EV_WRITE ? EPOLLOUT : 0);
}

static int
ev_ctl(struct ev *ev, int op, int fd, int mask, ev_fn fn, void *arg)
{
	struct epoll_event e;

	if (fd < 0)
		return -1;
	if ((size_t)fd >= ev->nslots) {
		size_t n = ev->nslots ? ev->nslots : 64;

		while (n <= (size_t)fd)
			n *= 2;
		ev->slots = xrealloc(ev->slots, n * sizeof(*ev->slots));
		memset(ev->slots + ev->nslots, 0,
		    (n - ev->nslots) * sizeof(*ev->slots));
		ev->nslots = n;
	}
	memset(&e, 0, sizeof(e));
	e.events = ev_bits(mask);
	e.data.fd = fd;
	if (epoll_ctl(ev->epfd, op, fd, &e) == -1)
		return -1;
	ev->slots[fd].fn = fn;
	ev->slots[fd].arg = arg;
	ev->slots[fd].mask = mask;
	return 0;
}

int
ev_add(struct ev *ev, int fd, int mask, ev_fn fn, void *arg)
{
	return ev_ctl(ev, EPOLL_CTL_ADD, fd, mask, fn, arg);
}

int
ev_mod(struct ev *ev, int fd, int mask, ev_fn fn, void *arg)
{
	if ((size_t)fd < ev->nslots && ev->slots[fd].mask == mask &&
	    ev->slots[fd].fn == fn && ev->slots[fd].arg == arg)
		return 0;
	return ev_ctl(ev, EPOLL_CTL_MOD, fd, mask, fn, arg);
}

void
ev_del(struct ev *ev, int fd)
{
	if (fd < 0 || (size_t)fd >= ev->nslots)
		return;
	epoll_ctl(ev->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&ev->slots[fd], 0, sizeof(ev->slots[fd]));
}

void
ev_set_tick(struct ev *ev, ev_tick_fn tick, ev_tick_fn batch, void *arg)
{
	ev->tick = tick;
	ev->batch = batch;
	ev->tick_arg = arg;
}

void
ev_stop(struct ev *ev)
{
	ev->stop = 1;
}

int
ev_run(struct ev *ev)
{
	struct epoll_event evs[256];
	double next_tick = ev_now() + 1;

	while (!ev->stop) {
		int n, i, ms;
		double now = ev_now();

		if (now >= next_tick) {
			next_tick = now + 1;
			if (ev->tick)
				ev->tick(ev->tick_arg);
			if (ev->stop)
				break;
		}
		ms = (int)((next_tick - now) * 1000) + 1;
		n = epoll_wait(ev->epfd, evs, 256, ms);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd, ready = 0;
			struct ev_slot *s;

			if ((size_t)fd >= ev->nslots)
				continue;
			s = &ev->slots[fd];
			if (s->fn == NULL)
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				ready |= EV_READ;
			if (evs[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
				ready |= EV_WRITE;
			s->fn(fd, ready & (s->mask | EV_READ), s->arg);
		}
		if (ev->batch)
			ev->batch(ev->tick_arg);
	}
	return 0;
}
