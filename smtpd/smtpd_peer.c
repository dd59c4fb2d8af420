/* smtpd_peer: per peer address: connection count (max_sessions_per_peer)
 * and the downgrade window of the test session it belongs to.
 * Touches: memory, the store (one lookup per peer). */
#include <stdlib.h>
#include <string.h>

#include "db/db_conn.h"
#include "smtpd/smtpd.h"
#include "util/mem.h"

#define PEER_BUCKETS	4096

static struct smtpd_peer *peer_tab[PEER_BUCKETS];

static unsigned
peer_hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % PEER_BUCKETS;
}

struct smtpd_peer *
smtpd_peer_get(const char *addr)
{
	unsigned h = peer_hash(addr);
	struct smtpd_peer *p;

	for (p = peer_tab[h]; p; p = p->next)
		if (strcmp(p->addr, addr) == 0)
			return p;
	p = xcalloc(1, sizeof(*p));
	str_copy(p->addr, addr, sizeof(p->addr));
	p->next = peer_tab[h];
	peer_tab[h] = p;
	return p;
}

void
smtpd_peer_expire(double now, double keep)
{
	size_t i;

	for (i = 0; i < PEER_BUCKETS; i++) {
		struct smtpd_peer **pp = &peer_tab[i];

		while (*pp) {
			struct smtpd_peer *p = *pp;

			if (p->nconns == 0 && p->last_seen < now - keep) {
				*pp = p->next;
				free(p->sender);
				free(p);
			} else
				pp = &p->next;
		}
	}
}

double
smtpd_peer_window_end(struct smtpd_peer *p, double now)
{
	if (!p->looked_up && smtpd.db != NULL) {
		int64_t id;
		double we;

		p->looked_up = 1;
		/* A restart must not open a new window for a known peer. */
		if (db_session_by_peer(smtpd.db, p->addr, now,
		    smtpd.session_limit, &id, &we) == 1) {
			p->session_id = id;
			p->window_end = we;
		}
	}
	if (p->window_end > 0)
		return p->window_end;
	if (p->first_seen == 0)
		p->first_seen = now;
	return p->first_seen + smtpd.window;
}
