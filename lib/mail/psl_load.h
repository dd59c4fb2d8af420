/* psl_load: read the Public Suffix List file and parse it with psl_parse.
 * The only file reading in lib/mail; kept apart so psl stays pure. */
#ifndef ECHOMX_PSL_LOAD_H
#define ECHOMX_PSL_LOAD_H
#include <stddef.h>

struct psl;

/* Debian's publicsuffix package */
#define PSL_LOAD_DEFAULT "/usr/share/publicsuffix/public_suffix_list.dat"

/* path NULL = PSL_LOAD_DEFAULT. NULL with a message in err on failure. */
struct psl *psl_load_file(const char *path, char *err, size_t errsz);

#endif
