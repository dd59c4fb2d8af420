/* psl_load: read a Public Suffix List file (bounded) into psl_parse.
 * Touches: the file system (one read-only file). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/psl.h"
#include "mail/psl_load.h"
#include "util/mem.h"

struct psl *
psl_load_file(const char *path, char *err, size_t errsz)
{
	struct psl *p;
	FILE *fp;
	char *buf, perr[256];
	size_t len = 0, n;

	if (path == NULL)
		path = PSL_LOAD_DEFAULT;
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(PSL_MAX_LEN + 1);
	while ((n = fread(buf + len, 1, PSL_MAX_LEN + 1 - len, fp)) > 0)
		len += n;
	if (ferror(fp) || len > PSL_MAX_LEN) {
		snprintf(err, errsz, "%s: %s", path, ferror(fp) ?
		    "read error" : "file too large");
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	p = psl_parse(buf, len, perr, sizeof(perr));
	free(buf);
	if (p == NULL)
		snprintf(err, errsz, "%s: %s", path, perr);
	return p;
}
