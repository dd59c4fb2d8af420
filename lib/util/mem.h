/* mem: allocation that never returns NULL, and the fatal-error exit. */
#ifndef ECHOMX_MEM_H
#define ECHOMX_MEM_H
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* printf-style message to stderr (and syslog when open), then exit(3). */
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

#endif
