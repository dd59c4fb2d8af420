/* ev: a small epoll event loop (level-triggered) with a once-a-second
 * tick for timeouts. One loop per process. */
#ifndef ECHOMX_EV_H
#define ECHOMX_EV_H
#include <stdint.h>

#define EV_READ		1
#define EV_WRITE	2

struct ev;
/* Called with the ready mask (EV_READ|EV_WRITE; errors show as both). */
typedef void (*ev_fn)(int fd, int ready, void *arg);
typedef void (*ev_tick_fn)(void *arg);

struct ev	*ev_new(void);
void		 ev_free(struct ev *);
int		 ev_add(struct ev *, int fd, int mask, ev_fn, void *arg);
int		 ev_mod(struct ev *, int fd, int mask, ev_fn, void *arg);
void		 ev_del(struct ev *, int fd);
/* tick runs about once a second; after_batch after each epoll batch. */
void		 ev_set_tick(struct ev *, ev_tick_fn tick, ev_tick_fn batch,
		    void *arg);
/* Runs until ev_stop; returns 0, or -1 when epoll fails. */
int		 ev_run(struct ev *);
void		 ev_stop(struct ev *);
/* Seconds since the epoch, with sub-second precision. */
double		 ev_now(void);

#endif
