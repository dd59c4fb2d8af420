/* publish: turn a built zone into a signed zone file in zone_dir when its
 * content, keys or signature age call for it; write MTA-STS policies; run
 * the reload command. Every file is replaced atomically. */
#ifndef ECHOMX_PUBLISH_H
#define ECHOMX_PUBLISH_H
#include <stddef.h>
#include <stdint.h>

struct conf;
struct sbuf;
struct build_zone;
struct build_policy;

/* Write data to path: temporary file, fsync, rename, fsync of the
 * directory. 0 or -1 with err; on error path is untouched. */
int	publish_file(const char *path, const void *data, size_t len,
	    int mode, struct sbuf *err);

/* Sign and publish one zone if needed. *changed is set when a new file
 * was published. 0, or -1 with err (the live zone stays as it was). */
int	publish_zone(const struct conf *, const struct build_zone *,
	    uint64_t now, int *changed, struct sbuf *err);

/* Write $sts_policy_dir/mta-sts.DOMAIN/.well-known/mta-sts.txt when it
 * differs. */
int	publish_policy(const struct conf *, const struct build_policy *,
	    int *changed, struct sbuf *err);

/* Run reload_command (sh -c) with ECHOMX_ZONES set to the changed zones;
 * 0 when empty or it exited 0. */
int	publish_reload(const struct conf *, const char *zones,
	    struct sbuf *err);

#endif
