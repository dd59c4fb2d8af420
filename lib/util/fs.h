/* fs: small file-system helpers shared by the programs. */
#ifndef ECHOMX_FS_H
#define ECHOMX_FS_H

struct sbuf;

/* mkdir -p: create dir and its missing parents (parents 0755, dir itself
 * with mode). Existing directories are fine. Returns 0, or -1 with errno
 * set and, when err is not NULL, "mkdir PATH: reason" appended to it. */
int	fs_mkdirs(const char *dir, int mode, struct sbuf *err);

#endif
