/* db_conn: the listener's rows — test sessions, connections, their state
 * events, and received messages — and the queries "echomx history" uses.
 * Statements are prepared once per store and kept; db_conn_release()
 * finalizes them (call it before db_close). */
#ifndef ECHOMX_DB_CONN_H
#define ECHOMX_DB_CONN_H
#include <stdint.h>

struct db;

/* One connection row. Strings may be NULL (SQL NULL). In callbacks they
 * point into the store's buffers: valid during the call only. */
struct db_conn_row {
	int64_t		 id, session_id;
	const char	*session_sender;	/* read only */
	const char	*peer_addr;
	int		 peer_port;
	const char	*local_addr;
	int		 local_port;
	const char	*vs, *sni, *ehlo;
	double		 started, ended;	/* ended 0: still open */
	const char	*state, *end_reason;
	int		 tls_alert;		/* -1: none */
	const char	*commands;
	int		 starttls_offered;
	const char	*tls_version, *tls_cipher;
	const char	*client_versions, *client_ciphers;
	const char	*client_groups, *client_sigalgs;
	const char	*mail_from, *rcpt_to;
	int		 requiretls;
	const char	*smtp_params;
	int64_t		 message_size;		/* -1: none */
	const char	*reply;
};

void	 db_conn_release(struct db *);

/* A new connection (peer, local, vs, started); returns its id or -1. */
int64_t	 db_conn_insert(struct db *, const struct db_conn_row *);
/* Write every mutable field of row (by row->id). 0 or -1. */
int	 db_conn_update(struct db *, const struct db_conn_row *);
int	 db_conn_event(struct db *, int64_t conn, double at,
	    const char *state, const char *detail);

/* The active test session of sender (a connection seen within limit
 * seconds before now): 1 found (*id, *window_end), 0 none, -1 error. */
int	 db_session_by_sender(struct db *, const char *sender, double now,
	    double limit, int64_t *id, double *window_end);
/* The newest active session that a connection from peer belongs to. */
int	 db_session_by_peer(struct db *, const char *peer, double now,
	    double limit, int64_t *id, double *window_end);
int64_t	 db_session_create(struct db *, const char *sender, const char *peer,
	    double started, double window_end);
int	 db_conn_set_session(struct db *, int64_t conn, int64_t session);
/* Mark sessions without a connection for limit seconds 'finished'.
 * Returns how many, or -1. */
int	 db_session_finish_idle(struct db *, double now, double limit);
/* A spooled message; returns its id or -1. */
int64_t	 db_message_insert(struct db *, int64_t session, int64_t conn,
	    const char *spool_file, const char *mail_from, const char *rcpt_to,
	    int64_t size, double received);
int64_t	 db_message_count(struct db *);

/* Connections ordered by start; session 0 = all; since 0 = all.
 * fn returns nonzero to stop. Returns rows seen or -1. */
long	 db_conn_each(struct db *, int64_t session, double since,
	    int (*fn)(const struct db_conn_row *, void *), void *arg);
/* A connection's state events in order. */
long	 db_conn_events(struct db *, int64_t conn,
	    int (*fn)(double at, const char *state, const char *detail,
	    void *), void *arg);

#endif
