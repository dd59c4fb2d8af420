/* build: the unsigned content of the rotator's zones and the MTA-STS
 * policies, from the configuration, the certificate files and the time.
 * Template expansion (SOA serial) and signing happen in publish. */
#ifndef ECHOMX_BUILD_H
#define ECHOMX_BUILD_H
#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

struct conf;

struct build_zone {
	char		*name;		/* origin, normalized */
	const char	*tmpl;		/* template file name in
					 * zone_template_dir */
	int		 bogus;		/* signatures deliberately broken */
	int		 top;		/* no parent among our zones */
	struct sbuf	 body;		/* generated records, absolute names */
	struct sbuf	 err;		/* why this zone cannot be published */
};

struct build_policy {
	char		*domain;	/* the test domain */
	char		*id;		/* _mta-sts id: hash of the text */
	struct sbuf	 text;		/* mta-sts.txt (RFC 8461 3.2) */
};

struct build {
	struct build_zone	*zones;
	size_t			 nzones;
	struct build_policy	 pol[2];
	size_t			 npol;
	char			**watch;	/* certificate files used */
	size_t			 nwatch;
	size_t			 nwarn;		/* records left out (logged) */
};

/* Build everything for time now. Never fails as a whole: a zone that
 * cannot be built carries the reason in its err. Free with build_free. */
struct build	*build_new(const struct conf *, uint64_t now);
void		 build_free(struct build *);

#endif
