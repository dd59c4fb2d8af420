/* db: the SQLite store (WAL mode, versioned schema, prepared statements
 * only). Only this module includes sqlite3.h; callers see struct db and
 * the functions below (and the per-area db_*.c files beside this one). */
#ifndef ECHOMX_DB_H
#define ECHOMX_DB_H
#include <stdint.h>

struct db;
struct sbuf;

/* Open (creating if needed) and migrate to the current schema. Several
 * processes may hold the store open at once: busy waits up to 5 s.
 * Returns NULL and the reason in err. */
struct db	*db_open(const char *path, struct sbuf *err);
void		 db_close(struct db *);
int		 db_schema_version(struct db *);
int		 db_begin(struct db *);
int		 db_commit(struct db *);
int		 db_rollback(struct db *);
const char	*db_errmsg(struct db *);
/* For the other db_*.c files of this module only. */
void		*db_handle(struct db *);

#endif
