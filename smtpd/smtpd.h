/* smtpd: the test listener's shared state. main.c sets up (config,
 * sockets, certificates, privileges) and runs the loop; smtpd_conn.c is
 * the SMTP session state machine; smtpd_spool.c the durable maildir
 * spool; smtpd_peer.c the per-peer table (limits, downgrade window). */
#ifndef ECHOMX_SMTPD_H
#define ECHOMX_SMTPD_H
#include <stdint.h>
#include <sys/socket.h>

#include "policy/accept.h"
#include "util/addr.h"
#include "util/str.h"

struct conf;
struct db;
struct ev;
struct tls_server;
struct tls_conn;

struct smtpd_vs {
	char		*name;
	char		*hostname;
	int		 starttls;	/* configured to announce */
	int		 has_tls;	/* certificate loaded */
};

struct smtpd_listener {
	int		 fd;
	int		 vs;		/* -1: shared address (SNI selects) */
	char		 addr[ADDR_STRLEN + 8];
};

/* Furthest state of a connection (DESIGN.md), in order. */
enum smtpd_state { SMTPD_S_NONE, SMTPD_S_SNI_SEEN, SMTPD_S_TLS_STARTED,
	SMTPD_S_MAIL, SMTPD_S_ACKED };

enum smtpd_phase {
	SMTPD_P_CMD,		/* reading command lines */
	SMTPD_P_DATA,		/* reading DATA text up to "." */
	SMTPD_P_BDAT,		/* reading a BDAT chunk's octets */
	SMTPD_P_TLS_START,	/* 220 sent; handshake when flushed */
	SMTPD_P_TLS,		/* handshake in progress */
	SMTPD_P_SPOOL_WAIT,	/* a worker writes the message to disk */
	SMTPD_P_ACK_WAIT,	/* message spooled; 250 after group commit */
	SMTPD_P_CLOSING		/* flush, then close */
};

struct smtpd_peer;
struct smtpd_job;

struct smtpd_conn {
	struct smtpd_conn *prev, *next;		/* all connections */
	struct smtpd_conn *ack_next;		/* pending group commit */
	int		 fd;
	int64_t		 id;
	char		 sid[24];
	char		 peer[ADDR_STRLEN];
	int		 peer_port;
	char		 local[ADDR_STRLEN];
	int		 local_port;
	struct smtpd_peer *p;
	int		 vs;		/* index into smtpd.vs, -1 none */
	int		 shared;	/* accepted on a shared address */
	double		 started, last_active;
	enum smtpd_phase phase;
	enum smtpd_state state;
	struct tls_conn	*tls;
	int		 tls_active;
	int		 helo;		/* 0 none, 1 HELO, 2 EHLO */
	int		 starttls_offered;
	int		 errors;
	int		 skipping;	/* discarding an over-long line */
	struct sbuf	 in, out;
	/* transaction */
	int		 in_tx;
	int		 nrcpt;
	int		 requiretls;
	int		 bdat_seen, data_seen;
	int		 tx_failed;	/* BDAT: reply code already given */
	char		*mail_from;
	struct sbuf	 rcpts;
	char		*params;
	/* message being received */
	int		 spooling;	/* a message is being collected */
	struct smtpd_job *job;		/* handed to a spool worker */
	int		 spool_fd;
	char		*spool_name;
	struct sbuf	 wbuf;
	uint64_t	 msg_size;
	int		 data_err;	/* 0, 552 size, 500 line length */
	int		 mid_line;	/* DATA: not at the start of a line */
	size_t		 line_len;	/* DATA: current text line so far */
	uint64_t	 bdat_left;
	int		 bdat_last;
	/* record */
	int64_t		 session_id;
	double		 window_end;
	char		*ehlo;
	struct sbuf	 cmds;
	const char	*end_reason;
	char		*reply_last;
	int64_t		 message_size;
	int		 dirty;		/* row differs from the store */
};

struct smtpd {
	const struct conf *conf;
	struct ev	*ev;
	struct db	*db;
	int		 db_in_tx;
	struct tls_server *tls;
	struct smtpd_vs	*vs;
	size_t		 nvs;
	int		 default_vs;
	struct smtpd_listener *ls;
	size_t		 nls;
	char		*hostname;
	char		*enforced_domain, *unenforced_domain;
	enum accept_rule accept_rule;
	double		 window;
	double		 session_limit;
	double		 command_timeout, time_limit;
	size_t		 line_limit, text_limit;
	uint64_t	 size_limit;
	long		 rcpt_limit, max_sessions, max_per_peer, max_errors;
	char		*spool_dir;
	int		 spool_newfd;	/* spool_dir/new, for fsync */
	uint64_t	 spool_seq;
	long		 nconns;
	struct smtpd_conn *conns;
	struct smtpd_conn *acks;	/* waiting for the group commit */
	int		 stopping;
};

extern struct smtpd smtpd;

/* smtpd_conn.c */
void	 smtpd_conn_accept(int lfd, int ready, void *arg);
void	 smtpd_conn_tick(void *);
void	 smtpd_conn_batch(void *);
void	 smtpd_conn_close_all(const char *why);
/* Begin the batch transaction if not yet (writes are grouped). */
void	 smtpd_db_tx(void);
void	 smtpd_db_commit(void);

/* Called when the spool worker finished this connection's message. */
void	 smtpd_conn_spooled(struct smtpd_conn *, int ok);

/* smtpd_spool.c: 0 or -1 (errno logged) */
int	 smtpd_spool_init(const char *dir);
int	 smtpd_spool_start(void);	/* workers; after ev_new */
void	 smtpd_spool_stop(void);
int	 smtpd_spool_open(struct smtpd_conn *);
int	 smtpd_spool_write(struct smtpd_conn *, const char *, size_t);
/* Hand the complete message to a worker (tmp/, fsync, new/, fsync of
 * new/); smtpd_conn_spooled() follows. */
int	 smtpd_spool_submit(struct smtpd_conn *);
/* Drop the message being collected; forget a submitted one. */
void	 smtpd_spool_abort(struct smtpd_conn *);

/* smtpd_peer.c */
struct smtpd_peer {
	struct smtpd_peer *next;
	char		 addr[ADDR_STRLEN];
	long		 nconns;
	double		 first_seen, last_seen;
	int64_t		 session_id;
	char		*sender;	/* of that session */
	double		 window_end;	/* 0: not from a session */
	int		 looked_up;
};
struct smtpd_peer *smtpd_peer_get(const char *addr);
void	 smtpd_peer_expire(double now, double keep);
/* Window end for connections from this peer (its session's, or from
 * its first connection seen). */
double	 smtpd_peer_window_end(struct smtpd_peer *, double now);

#endif
