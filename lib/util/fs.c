/* fs: mkdir -p and friends. Touches: the file system (no sockets). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fs.h"
#include "util/mem.h"
#include "util/str.h"

static int
fs_mkdir1(const char *path, int mode, struct sbuf *err)
{
	int e;

	if (mkdir(path, (mode_t)mode) == 0 || errno == EEXIST)
		return 0;
	e = errno;
	if (err)
		sbuf_addf(err, "mkdir %s: %s", path, strerror(e));
	errno = e;
	return -1;
}

int
fs_mkdirs(const char *dir, int mode, struct sbuf *err)
{
	char *p = xstrdup(dir), *s;
	int e;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (fs_mkdir1(p, 0755, err) == -1) {
			e = errno;
			free(p);
			errno = e;
			return -1;
		}
		*s = '/';
	}
	free(p);
	return fs_mkdir1(dir, mode, err);
}
