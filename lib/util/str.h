/* str: bounded strings and number parsing without atoi/strcpy. */
#ifndef ECHOMX_STR_H
#define ECHOMX_STR_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* A growable buffer created with its maximum (the curl way): appends past
 * the maximum fail and set 'over', they never grow beyond it. */
struct sbuf {
	char	*data;		/* always NUL-terminated */
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 over;		/* an append was refused */
};

void	 sbuf_init(struct sbuf *, size_t max);
void	 sbuf_free(struct sbuf *);		/* frees data, keeps max */
void	 sbuf_reset(struct sbuf *);
int	 sbuf_add(struct sbuf *, const void *, size_t);	/* 0 or -1 */
int	 sbuf_adds(struct sbuf *, const char *);
int	 sbuf_addf(struct sbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 sbuf_vaddf(struct sbuf *, const char *, va_list);
/* Hand the string over to the caller (who frees it); the sbuf is empty. */
char	*sbuf_take(struct sbuf *);

/* Copy with truncation, always terminated; returns strlen(src). */
size_t	 str_copy(char *dst, const char *src, size_t dstsz);
int	 str_casecmp_n(const char *, const char *, size_t);
int	 str_has_prefix_ci(const char *s, const char *prefix);
/* Trim ASCII white space at both ends, in place; returns s. */
char	*str_trim(char *s);

/* Strict parsers: the whole string must be consumed. 0 ok, -1 error. */
int	 str_to_u64(const char *, uint64_t *);
int	 str_to_int(const char *, long min, long max, long *);
/* "180", "180s", "3m", "2h", "14d" -> seconds */
int	 str_to_duration(const char *, uint64_t *);
/* "10485760", "64k", "10M", "1G" -> bytes */
int	 str_to_size(const char *, uint64_t *);
/* "yes"/"no"/"true"/"false"/"on"/"off"/"1"/"0" */
int	 str_to_bool(const char *, int *);

#endif
