/* log: one line per event, key=value, session id first.
 * Foreground: stderr with a timestamp; otherwise syslog. */
#ifndef ECHOMX_LOG_H
#define ECHOMX_LOG_H
#include <stddef.h>
#include <syslog.h>

struct sbuf;

/* facility is a name ("mail", "daemon", "local0".."local7"); NULL = mail.
 * Returns -1 for an unknown facility name. */
int	 log_init(const char *prog, int foreground, const char *facility);
void	 log_set_level(int prio);	/* LOG_DEBUG .. LOG_ERR */
int	 log_level_from_name(const char *, int *);
/* sid may be NULL ("-"). fmt yields the rest: "event=x key=%s ...". */
void	 log_event(int prio, const char *sid, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Escape a peer-supplied value for a key=value line: printable ASCII
 * without space, quote or backslash passes; otherwise the value is quoted
 * and \" \\ \xHH are used. At most 512 input octets, then "...".
 * Returns one of 8 thread-local rotating buffers: use it within the call. */
const char *log_esc(const char *s, size_t len);
const char *log_escs(const char *s);	/* NUL-terminated; NULL -> "-" */
/* The same escaping appended to a buffer (pure, no truncation). */
int	 log_esc_sbuf(struct sbuf *, const char *s, size_t len);

#endif
