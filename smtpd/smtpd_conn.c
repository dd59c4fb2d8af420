/* smtpd_conn: one SMTP session as an explicit state machine (RFC 5321,
 * RFC 3207 STARTTLS, RFC 3030 BDAT, RFC 2920 PIPELINING) on non-blocking
 * sockets. Every line is bounded; peer strings are escaped in logs.
 * Touches: sockets, lib/tls, the store (grouped per loop batch), spool. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "db/db_conn.h"
#include "mail/smtp_parse.h"
#include "smtpd/smtpd.h"
#include "tls/tls_server.h"
#include "util/ev.h"
#include "util/log.h"
#include "util/mem.h"

#define CONN_OUT_MAX	(1024 * 1024)	/* hard cap of queued replies */
#define CONN_OUT_PAUSE	(64 * 1024)	/* stop reading input above this */
#define CONN_READ_MAX	(256 * 1024)	/* per readiness, plain text */
#define CONN_CMDS_MAX	2048

static const char *const state_names[] = { "none", "sni_seen",
	"tls_started", "mail", "acked" };

static void conn_io(int fd, int ready, void *arg);
static void conn_process(struct smtpd_conn *);
static void conn_close(struct smtpd_conn *, const char *why);

void
smtpd_db_tx(void)
{
	if (smtpd.db == NULL || smtpd.db_in_tx)
		return;
	if (db_begin(smtpd.db) == 0)
		smtpd.db_in_tx = 1;
	else
		log_event(LOG_ERR, NULL, "event=error what=db-begin "
		    "error=%s", log_escs(db_errmsg(smtpd.db)));
}

void
smtpd_db_commit(void)
{
	if (!smtpd.db_in_tx)
		return;
	smtpd.db_in_tx = 0;
	if (db_commit(smtpd.db) == -1) {
		log_event(LOG_ERR, NULL, "event=error what=db-commit "
		    "error=%s", log_escs(db_errmsg(smtpd.db)));
		db_rollback(smtpd.db);
	}
}

static const char *
conn_vs_name(const struct smtpd_conn *c)
{
	return c->vs >= 0 ? smtpd.vs[c->vs].name : NULL;
}

static void
conn_row(const struct smtpd_conn *c, struct db_conn_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = c->id;
	r->session_id = c->session_id;
	r->peer_addr = c->peer;
	r->peer_port = c->peer_port;
	r->local_addr = c->local;
	r->local_port = c->local_port;
	r->vs = conn_vs_name(c);
	r->ehlo = c->ehlo;
	r->started = c->started;
	r->state = state_names[c->state];
	r->end_reason = c->end_reason;
	r->tls_alert = c->tls ? tls_conn_alert(c->tls) : -1;
	r->commands = c->cmds.data ? c->cmds.data : "";
	r->starttls_offered = c->starttls_offered;
	if (c->tls != NULL) {
		r->sni = tls_conn_sni(c->tls);
		if (tls_conn_hello_seen(c->tls)) {
			r->client_versions = tls_conn_offer_versions(c->tls);
			r->client_ciphers = tls_conn_offer_ciphers(c->tls);
			r->client_groups = tls_conn_offer_groups(c->tls);
			r->client_sigalgs = tls_conn_offer_sigalgs(c->tls);
		}
		if (c->tls_active) {
			r->tls_version = tls_conn_version(c->tls);
			r->tls_cipher = tls_conn_cipher(c->tls);
		}
	}
	r->mail_from = c->mail_from;
	r->rcpt_to = c->rcpts.len ? c->rcpts.data : NULL;
	r->requiretls = c->requiretls;
	r->smtp_params = c->params;
	r->message_size = c->message_size;
	r->reply = c->reply_last;
}

static void
conn_store(struct smtpd_conn *c)
{
	struct db_conn_row r;

	if (smtpd.db == NULL || c->id <= 0)
		return;
	smtpd_db_tx();
	conn_row(c, &r);
	if (db_conn_update(smtpd.db, &r) == -1)
		log_event(LOG_ERR, c->sid, "event=error what=db-update "
		    "error=%s", log_escs(db_errmsg(smtpd.db)));
	c->dirty = 0;
}

/* The one place that changes the furthest state: logs and records. */
static void
conn_state(struct smtpd_conn *c, enum smtpd_state s, const char *detail)
{
	if (s <= c->state)
		return;
	c->state = s;
	log_event(LOG_INFO, c->sid, "event=state state=%s detail=%s",
	    state_names[s], log_escs(detail));
	if (smtpd.db != NULL && c->id > 0) {
		smtpd_db_tx();
		db_conn_event(smtpd.db, c->id, ev_now(), state_names[s],
		    detail);
	}
	/* The row follows at the end; "acked" is written at once. */
	if (s == SMTPD_S_ACKED)
		conn_store(c);
}

static void
conn_cmd(struct smtpd_conn *c, const char *name)
{
	if (c->cmds.over)
		return;
	if (c->cmds.len + strlen(name) + 5 > CONN_CMDS_MAX) {
		sbuf_adds(&c->cmds, ",...");
		c->cmds.over = 1;
		return;
	}
	if (c->cmds.len)
		sbuf_adds(&c->cmds, ",");
	sbuf_adds(&c->cmds, name);
}

static void
conn_reply(struct smtpd_conn *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
conn_reply(struct smtpd_conn *c, int code, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (sbuf_addf(&c->out, "%d %s\r\n", code, text) == -1) {
		c->phase = SMTPD_P_CLOSING;
		c->end_reason = "drop";
	}
	if (code >= 400) {
		free(c->reply_last);
		c->reply_last = xstrdup(text);
		log_event(LOG_INFO, c->sid, "event=reply code=%d text=%s",
		    code, log_escs(text));
	}
	if (code >= 500 && code != 552 && ++c->errors >= smtpd.max_errors &&
	    c->phase != SMTPD_P_CLOSING) {
		sbuf_adds(&c->out, "421 4.7.0 Too many errors, closing\r\n");
		c->end_reason = "421-errors";
		c->phase = SMTPD_P_CLOSING;
	}
}

static void
conn_tx_reset(struct smtpd_conn *c)
{
	smtpd_spool_abort(c);
	c->in_tx = 0;
	c->nrcpt = 0;
	c->bdat_seen = c->data_seen = 0;
	c->tx_failed = 0;
	c->data_err = 0;
	c->msg_size = 0;
}

static void
conn_update_events(struct smtpd_conn *c)
{
	int mask = 0;

	if (c->fd < 0)
		return;
	if (c->out.len > 0)
		mask |= EV_WRITE;
	switch (c->phase) {
	case SMTPD_P_CMD:
	case SMTPD_P_DATA:
	case SMTPD_P_BDAT:
		if (c->out.len < CONN_OUT_PAUSE)
			mask |= EV_READ;
		break;
	case SMTPD_P_TLS:
		mask |= EV_READ;
		break;
	case SMTPD_P_CLOSING:
		mask |= EV_READ;	/* notice a peer that went away */
		break;
	default:
		break;
	}
	ev_mod(smtpd.ev, c->fd, mask, conn_io, c);
}

/* Write what is queued. 0 (all or some written) or -1 (connection
 * lost). */
static int
conn_flush(struct smtpd_conn *c)
{
	size_t off = 0;

	while (off < c->out.len) {
		ssize_t n;

		if (c->tls_active) {
			n = tls_conn_write(c->tls, c->out.data + off,
			    c->out.len - off);
			if (n == TLS_SERVER_WANT_WRITE ||
			    n == TLS_SERVER_WANT_READ)
				break;
			if (n < 0)
				return -1;
		} else {
			n = send(c->fd, c->out.data + off, c->out.len - off,
			    MSG_NOSIGNAL);
			if (n == -1) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				return -1;
			}
		}
		off += (size_t)n;
	}
	if (off > 0) {
		memmove(c->out.data, c->out.data + off, c->out.len - off);
		c->out.len -= off;
		c->out.data[c->out.len] = '\0';
	}
	return 0;
}

static void
conn_free(struct smtpd_conn *c)
{
	tls_conn_free(c->tls);
	sbuf_free(&c->in);
	sbuf_free(&c->out);
	sbuf_free(&c->rcpts);
	sbuf_free(&c->cmds);
	sbuf_free(&c->wbuf);
	free(c->mail_from);
	free(c->params);
	free(c->spool_name);
	free(c->ehlo);
	free(c->reply_last);
	free(c);
}

static void
conn_close(struct smtpd_conn *c, const char *why)
{
	struct smtpd_conn **pp;

	if (c->end_reason == NULL)
		c->end_reason = why;
	smtpd_spool_abort(c);
	if (c->phase != SMTPD_P_TLS && c->tls_active)
		tls_conn_shutdown(c->tls);
	/* Connections that end before MAIL join the peer's session. */
	if (c->session_id == 0 && c->p->session_id > 0)
		c->session_id = c->p->session_id;
	if (smtpd.db != NULL && c->id > 0) {
		struct db_conn_row r;

		smtpd_db_tx();
		conn_row(c, &r);
		r.ended = ev_now();
		if (db_conn_update(smtpd.db, &r) == -1)
			log_event(LOG_ERR, c->sid, "event=error "
			    "what=db-update error=%s",
			    log_escs(db_errmsg(smtpd.db)));
	}
	log_event(LOG_INFO, c->sid, "event=end reason=%s state=%s vs=%s "
	    "commands=%s tls=%s", c->end_reason, state_names[c->state],
	    log_escs(conn_vs_name(c)), log_escs(c->cmds.data),
	    c->tls_active ? tls_conn_version(c->tls) : "no");
	ev_del(smtpd.ev, c->fd);
	close(c->fd);
	c->fd = -1;
	if (c->prev)
		c->prev->next = c->next;
	else
		smtpd.conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	for (pp = &smtpd.acks; *pp; pp = &(*pp)->ack_next)
		if (*pp == c) {
			*pp = c->ack_next;
			break;
		}
	c->p->nconns--;
	c->p->last_seen = ev_now();
	smtpd.nconns--;
	conn_free(c);
}

static int
conn_domain_ok(const char *d)
{
	return strcasecmp(d, smtpd.enforced_domain) == 0 ||
	    strcasecmp(d, smtpd.unenforced_domain) == 0;
}

static void
conn_ehlo(struct smtpd_conn *c, const struct smtp_cmd *cmd)
{
	char name[256];
	const char *err;
	double now = c->last_active;
	int offer;
	const char *host = c->vs >= 0 && !c->shared ?
	    smtpd.vs[c->vs].hostname : smtpd.hostname;

	if (smtp_parse_helo(cmd->arg, cmd->arglen, name, sizeof(name),
	    &err) == -1) {
		conn_reply(c, 501, "%s", err);
		return;
	}
	conn_tx_reset(c);
	free(c->ehlo);
	c->ehlo = xstrdup(name);
	c->helo = cmd->verb == SMTP_V_EHLO ? 2 : 1;
	if (c->helo == 1) {
		conn_reply(c, 250, "%s", host);
		return;
	}
	offer = !c->tls_active && c->vs >= 0 && smtpd.vs[c->vs].starttls &&
	    smtpd.vs[c->vs].has_tls &&
	    now >= smtpd_peer_window_end(c->p, now);
	if (offer && !c->starttls_offered) {
		c->starttls_offered = 1;
		c->dirty = 1;
	}
	log_event(LOG_DEBUG, c->sid, "event=ehlo name=%s starttls=%s",
	    log_escs(name), offer ? "yes" : "no");
	sbuf_addf(&c->out, "250-%s\r\n250-PIPELINING\r\n250-SIZE %llu\r\n"
	    "250-8BITMIME\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n", host,
	    (unsigned long long)smtpd.size_limit);
	if (offer)
		sbuf_adds(&c->out, "250-STARTTLS\r\n");
	if (c->tls_active)
		sbuf_adds(&c->out, "250-REQUIRETLS\r\n");
	conn_reply(c, 250, "ENHANCEDSTATUSCODES");
}

static void
conn_mail(struct smtpd_conn *c, const struct smtp_cmd *cmd)
{
	struct smtp_mail m;
	const char *err;
	int code;
	double now = c->last_active;
	int64_t sid;
	double we;
	int r;

	if (!c->helo) {
		conn_reply(c, 503, "5.5.1 Send EHLO or HELO first");
		return;
	}
	if (c->in_tx) {
		conn_reply(c, 503, "5.5.1 Nested MAIL command");
		return;
	}
	if (smtp_parse_mail(cmd->arg, cmd->arglen, smtpd.size_limit, &m,
	    &code, &err) == -1) {
		conn_reply(c, code, "%s", err);
		return;
	}
	/* RFC 8689 4.1: REQUIRETLS is only valid over TLS; recorded. */
	c->requiretls |= m.requiretls;
	free(c->mail_from);
	c->mail_from = xstrdup(m.path);
	free(c->params);
	c->params = m.params[0] ? xstrdup(m.params) : NULL;
	sbuf_reset(&c->rcpts);
	c->message_size = -1;
	/* The test session is keyed by the envelope sender. */
	if (smtpd.db != NULL && c->p->session_id > 0 && c->p->sender &&
	    strcmp(c->p->sender, m.path) == 0 &&
	    c->p->last_seen > now - smtpd.session_limit) {
		/* the peer's current session is this sender's */
		c->session_id = c->p->session_id;
		c->window_end = c->p->window_end;
	} else if (smtpd.db != NULL) {
		smtpd_db_tx();
		r = db_session_by_sender(smtpd.db, m.path, now,
		    smtpd.session_limit, &sid, &we);
		if (r == 0) {
			double start = c->p->first_seen > 0 &&
			    c->p->first_seen < now ? c->p->first_seen :
			    c->started;

			we = start + smtpd.window;
			sid = db_session_create(smtpd.db, m.path, c->peer,
			    start, we);
			r = sid > 0 ? 1 : -1;
			if (r == 1)
				log_event(LOG_INFO, c->sid, "event=session-new "
				    "session=%lld sender=%s window_end=%.0f",
				    (long long)sid, log_escs(m.path), we);
		}
		if (r == 1) {
			c->session_id = sid;
			c->window_end = we;
			c->p->session_id = sid;
			c->p->window_end = we;
			free(c->p->sender);
			c->p->sender = xstrdup(m.path);
		} else
			log_event(LOG_ERR, c->sid, "event=error "
			    "what=db-session error=%s",
			    log_escs(db_errmsg(smtpd.db)));
	} else
		c->window_end = smtpd_peer_window_end(c->p, now);
	c->in_tx = 1;
	log_event(LOG_INFO, c->sid, "event=mail from=%s params=%s "
	    "session=%lld", log_escs(m.path), log_escs(m.params),
	    (long long)c->session_id);
	conn_state(c, SMTPD_S_MAIL, m.path);
	conn_reply(c, 250, "2.1.0 Ok");
}

static void
conn_rcpt(struct smtpd_conn *c, const struct smtp_cmd *cmd)
{
	struct smtp_rcpt r;
	const char *err;
	int code;

	if (!c->in_tx) {
		conn_reply(c, 503, "5.5.1 Send MAIL first");
		return;
	}
	if (smtp_parse_rcpt(cmd->arg, cmd->arglen, &r, &code, &err) == -1) {
		conn_reply(c, code, "%s", err);
		return;
	}
	if (c->nrcpt >= smtpd.rcpt_limit) {
		conn_reply(c, 452, "4.5.3 Too many recipients");
		return;
	}
	if (!r.postmaster && !conn_domain_ok(smtp_path_domain(r.path))) {
		log_event(LOG_INFO, c->sid, "event=rcpt-refused to=%s",
		    log_escs(r.path));
		conn_reply(c, 550, "5.7.1 Relay access denied: only the test "
		    "domains");
		return;
	}
	if (c->rcpts.len)
		sbuf_adds(&c->rcpts, ",");
	sbuf_adds(&c->rcpts, r.path);
	c->nrcpt++;
	c->dirty = 1;
	log_event(LOG_INFO, c->sid, "event=rcpt to=%s", log_escs(r.path));
	conn_reply(c, 250, "2.1.5 Ok");
}

/* The acceptance decision for this transaction. */
static int
conn_accept(struct smtpd_conn *c, const char **why)
{
	struct accept_input in;

	memset(&in, 0, sizeof(in));
	in.rule = smtpd.accept_rule;
	in.tls = c->tls_active;
	in.now = c->last_active;
	in.window_end = c->window_end;
	in.session_id = c->session_id;
	return accept_decide(&in, why) == ACCEPT_YES;
}

static int
conn_spool_start(struct smtpd_conn *c)
{
	char date[64];
	time_t t = (time_t)c->last_active;
	struct tm tm;

	if (smtpd_spool_open(c) == -1)
		return -1;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	c->msg_size = 0;
	c->data_err = 0;
	sbuf_addf(&c->wbuf, "Return-Path: <%s>\r\nReceived: from %s (%s "
	    "[%s]:%d)\r\n\tby %s (echomx) with %s id C%lld\r\n\t"
	    "for <%s>; %s\r\n", c->mail_from ? c->mail_from : "",
	    c->ehlo ? c->ehlo : "unknown", c->peer, c->peer, c->peer_port,
	    c->vs >= 0 ? smtpd.vs[c->vs].hostname : smtpd.hostname,
	    c->tls_active ? "ESMTPS" : "ESMTP", (long long)c->id,
	    c->rcpts.len ? c->rcpts.data : "", date);
	return 0;
}

static void
conn_data(struct smtpd_conn *c, const struct smtp_cmd *cmd)
{
	const char *why;

	if (!c->in_tx) {
		conn_reply(c, 503, "5.5.1 Send MAIL first");
		return;
	}
	if (c->nrcpt == 0) {
		conn_reply(c, 503, "5.5.1 Send RCPT first");
		return;
	}
	if (c->bdat_seen) {
		conn_reply(c, 503, "5.5.1 DATA after BDAT");
		return;
	}
	if (cmd->arglen) {
		conn_reply(c, 501, "5.5.4 Syntax: DATA");
		return;
	}
	if (!conn_accept(c, &why)) {
		log_event(LOG_INFO, c->sid, "event=data-refused why=%s",
		    log_escs(why));
		conn_reply(c, 451, "%s", why);
		conn_tx_reset(c);
		return;
	}
	if (conn_spool_start(c) == -1) {
		conn_reply(c, 451, "4.3.0 Local error, try again later");
		conn_tx_reset(c);
		return;
	}
	c->data_seen = 1;
	c->mid_line = 0;
	c->line_len = 0;
	c->phase = SMTPD_P_DATA;
	conn_reply(c, 354, "End data with <CR><LF>.<CR><LF>");
}

/* The message is complete: a spool worker makes it durable; then
 * smtpd_conn_spooled() records it and queues the 250 for the group
 * commit. */
static void
conn_message_done(struct smtpd_conn *c)
{
	if (smtpd_spool_submit(c) == -1) {
		conn_reply(c, 451, "4.3.0 Local error, try again later");
		conn_tx_reset(c);
		c->phase = SMTPD_P_CMD;
		return;
	}
	c->message_size = (int64_t)c->msg_size;
	c->phase = SMTPD_P_SPOOL_WAIT;
}

void
smtpd_conn_spooled(struct smtpd_conn *c, int ok)
{
	int64_t mid = 0;

	if (ok && smtpd.db != NULL) {
		smtpd_db_tx();
		mid = db_message_insert(smtpd.db, c->session_id, c->id,
		    c->spool_name, c->mail_from ? c->mail_from : "",
		    c->rcpts.len ? c->rcpts.data : "",
		    (int64_t)c->msg_size, c->last_active);
		if (mid == -1)
			log_event(LOG_ERR, c->sid, "event=error "
			    "what=db-message error=%s",
			    log_escs(db_errmsg(smtpd.db)));
	}
	if (!ok || mid == -1) {
		c->phase = SMTPD_P_CMD;
		conn_reply(c, 451, "4.3.0 Local error, try again later");
		conn_tx_reset(c);
		conn_io(c->fd, EV_READ | EV_WRITE, c);
		return;
	}
	c->phase = SMTPD_P_ACK_WAIT;
	c->ack_next = smtpd.acks;
	smtpd.acks = c;
}

static void
conn_data_end(struct smtpd_conn *c)
{
	c->phase = SMTPD_P_CMD;
	if (c->data_err) {
		int e = c->data_err;

		conn_tx_reset(c);
		if (e == 552)
			conn_reply(c, 552, "5.3.4 Message size exceeds fixed "
			    "limit");
		else
			conn_reply(c, 500, "5.5.6 Text line too long");
		return;
	}
	conn_message_done(c);
}

static void
conn_bdat(struct smtpd_conn *c, const struct smtp_cmd *cmd)
{
	uint64_t size;
	int last;
	const char *err, *why;

	if (smtp_parse_bdat(cmd->arg, cmd->arglen, &size, &last, &err)
	    == -1) {
		conn_reply(c, 501, "%s", err);
		return;
	}
	c->bdat_left = size;
	c->bdat_last = last;
	c->tx_failed = 0;
	if (!c->in_tx || c->nrcpt == 0 || c->data_seen)
		c->tx_failed = 503;
	else if (!c->bdat_seen) {
		if (!conn_accept(c, &why)) {
			log_event(LOG_INFO, c->sid, "event=data-refused "
			    "why=%s", log_escs(why));
			c->tx_failed = 451;
			free(c->reply_last);
			c->reply_last = xstrdup(why);
		} else if (conn_spool_start(c) == -1)
			c->tx_failed = 452;
		c->bdat_seen = 1;
	}
	c->phase = SMTPD_P_BDAT;
}

static void
conn_bdat_done(struct smtpd_conn *c)
{
	c->phase = SMTPD_P_CMD;
	switch (c->tx_failed) {
	case 503:
		conn_reply(c, 503, "5.5.1 No valid transaction for BDAT");
		conn_tx_reset(c);
		return;
	case 451:
		conn_reply(c, 451, "%s", c->reply_last ? c->reply_last :
		    "4.7.0 Try again later");
		conn_tx_reset(c);
		return;
	case 452:
		conn_reply(c, 451, "4.3.0 Local error, try again later");
		conn_tx_reset(c);
		return;
	}
	if (c->data_err) {
		conn_tx_reset(c);
		conn_reply(c, 552, "5.3.4 Message size exceeds fixed limit");
		return;
	}
	if (!c->bdat_last) {
		conn_reply(c, 250, "2.0.0 %llu octets received",
		    (unsigned long long)c->msg_size);
		return;
	}
	conn_message_done(c);
}

static void
conn_starttls(struct smtpd_conn *c, const struct smtp_cmd *cmd)
{
	size_t dropped;

	if (cmd->arglen) {
		conn_reply(c, 501, "5.5.4 Syntax: STARTTLS");
		return;
	}
	if (c->tls_active) {
		conn_reply(c, 503, "5.5.1 TLS already active");
		return;
	}
	if (!c->starttls_offered || c->vs < 0 || !smtpd.vs[c->vs].has_tls) {
		conn_reply(c, 454, "4.7.0 TLS not available");
		return;
	}
	c->tls = tls_conn_new(smtpd.tls, c->fd, c->vs, c->shared);
	if (c->tls == NULL) {
		conn_reply(c, 454, "4.7.0 TLS not available");
		return;
	}
	conn_reply(c, 220, "2.0.0 Ready to start TLS");
	/* RFC 3207 6 / CVE-2011-0411: plaintext pipelined after STARTTLS
	 * is thrown away, and the SMTP state starts over. */
	dropped = c->in.len;
	sbuf_reset(&c->in);
	if (dropped > 0) {
		log_event(LOG_NOTICE, c->sid, "event=starttls-injection "
		    "discarded=%zu", dropped);
		conn_cmd(c, "PIPELINED-AFTER-STARTTLS");
	}
	conn_tx_reset(c);
	c->helo = 0;
	c->phase = SMTPD_P_TLS_START;
}

/* One command line (without line end). */
static void
conn_command(struct smtpd_conn *c, const char *line, size_t len)
{
	struct smtp_cmd cmd;
	const char *err;

	if (smtp_parse_cmd(line, len, &cmd, &err) == -1) {
		conn_cmd(c, "UNKNOWN");
		log_event(LOG_INFO, c->sid, "event=bad-command line=%s",
		    log_esc(line, len > 64 ? 64 : len));
		conn_reply(c, 500, "%s", err);
		return;
	}
	conn_cmd(c, smtp_verb_name(cmd.verb));
	switch (cmd.verb) {
	case SMTP_V_HELO:
	case SMTP_V_EHLO:
		conn_ehlo(c, &cmd);
		break;
	case SMTP_V_MAIL:
		conn_mail(c, &cmd);
		break;
	case SMTP_V_RCPT:
		conn_rcpt(c, &cmd);
		break;
	case SMTP_V_DATA:
		conn_data(c, &cmd);
		break;
	case SMTP_V_BDAT:
		conn_bdat(c, &cmd);
		break;
	case SMTP_V_RSET:
		conn_tx_reset(c);
		conn_reply(c, 250, "2.0.0 Ok");
		break;
	case SMTP_V_NOOP:
		conn_reply(c, 250, "2.0.0 Ok");
		break;
	case SMTP_V_QUIT:
		conn_reply(c, 221, "2.0.0 Bye");
		c->end_reason = "quit";
		c->phase = SMTPD_P_CLOSING;
		break;
	case SMTP_V_VRFY:
		conn_reply(c, 252, "2.5.0 Cannot VRFY user");
		break;
	case SMTP_V_EXPN:
	case SMTP_V_ETRN:
	case SMTP_V_AUTH:
		conn_reply(c, 502, "5.5.1 Command not implemented");
		break;
	case SMTP_V_HELP:
		conn_reply(c, 214, "2.0.0 See RFC 5321");
		break;
	case SMTP_V_STARTTLS:
		conn_starttls(c, &cmd);
		break;
	default:
		conn_reply(c, 500, "5.5.2 Command unrecognized");
		break;
	}
}

static void
conn_consume(struct smtpd_conn *c, size_t n)
{
	if (n >= c->in.len) {
		sbuf_reset(&c->in);
		return;
	}
	memmove(c->in.data, c->in.data + n, c->in.len - n);
	c->in.len -= n;
	c->in.data[c->in.len] = '\0';
}

/* DATA text: lines up to "."; dot-unstuffing (RFC 5321 4.5.2). Returns
 * 1 to go on, 0 when more input is needed. */
static int
conn_data_text(struct smtpd_conn *c)
{
	const char *s = c->in.data, *lf;
	size_t n, len;

	if (c->in.len == 0)
		return 0;
	lf = memchr(s, '\n', c->in.len);
	if (lf == NULL) {
		if (c->in.len + c->line_len > smtpd.text_limit) {
			/* Over-long text line: drop what we have. */
			if (!c->data_err)
				c->data_err = 500;
			c->line_len += c->in.len;
			c->mid_line = 1;
			sbuf_reset(&c->in);
		}
		return 0;
	}
	n = (size_t)(lf - s) + 1;
	len = n - 1;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (!c->mid_line && len == 1 && s[0] == '.') {
		conn_consume(c, n);
		conn_data_end(c);
		return 1;
	}
	if (c->mid_line) {
		c->mid_line = 0;
		c->line_len = 0;
		conn_consume(c, n);
		return 1;
	}
	if (n > smtpd.text_limit && !c->data_err)
		c->data_err = 500;
	if (len > 0 && s[0] == '.') {
		s++;
		len--;
	}
	c->msg_size += len + 2;
	if (smtpd.size_limit > 0 && c->msg_size > smtpd.size_limit &&
	    !c->data_err)
		c->data_err = 552;
	if (!c->data_err && (smtpd_spool_write(c, s, len) == -1 ||
	    smtpd_spool_write(c, "\r\n", 2) == -1))
		c->data_err = 552;
	conn_consume(c, n);
	return 1;
}

static int
conn_bdat_bytes(struct smtpd_conn *c)
{
	size_t n = c->in.len;

	if (c->bdat_left == 0) {
		conn_bdat_done(c);
		return 1;
	}
	if (n == 0)
		return 0;
	if (n > c->bdat_left)
		n = (size_t)c->bdat_left;
	if (!c->tx_failed && !c->data_err) {
		c->msg_size += n;
		if (smtpd.size_limit > 0 && c->msg_size > smtpd.size_limit)
			c->data_err = 552;
		else if (smtpd_spool_write(c, c->in.data, n) == -1)
			c->data_err = 552;
	}
	c->bdat_left -= n;
	conn_consume(c, n);
	if (c->bdat_left == 0)
		conn_bdat_done(c);
	return 1;
}

static int
conn_cmd_line(struct smtpd_conn *c)
{
	const char *lf;
	size_t n, len;

	if (c->in.len == 0)
		return 0;
	lf = memchr(c->in.data, '\n', c->in.len);
	if (lf == NULL) {
		if (c->in.len >= smtpd.line_limit) {
			if (!c->skipping) {
				conn_cmd(c, "LONGLINE");
				conn_reply(c, 500, "5.5.2 Line too long");
			}
			c->skipping = 1;
			sbuf_reset(&c->in);
		}
		return 0;
	}
	n = (size_t)(lf - c->in.data) + 1;
	if (c->skipping) {
		c->skipping = 0;
		conn_consume(c, n);
		return 1;
	}
	if (n > smtpd.line_limit) {
		conn_cmd(c, "LONGLINE");
		conn_reply(c, 500, "5.5.2 Line too long");
		conn_consume(c, n);
		return 1;
	}
	len = n - 1;
	if (len > 0 && c->in.data[len - 1] == '\r')
		len--;
	{
		/* Copy: STARTTLS resets the input buffer under us. */
		char line[65540];

		memcpy(line, c->in.data, len);
		line[len] = '\0';
		conn_consume(c, n);
		conn_command(c, line, len);
	}
	return 1;
}

static void
conn_process(struct smtpd_conn *c)
{
	int go = 1;

	while (go && c->out.len < CONN_OUT_PAUSE) {
		switch (c->phase) {
		case SMTPD_P_CMD:
			go = conn_cmd_line(c);
			break;
		case SMTPD_P_DATA:
			go = conn_data_text(c);
			break;
		case SMTPD_P_BDAT:
			go = conn_bdat_bytes(c);
			break;
		default:
			go = 0;
			break;
		}
	}
}

static void
conn_tls_done(struct smtpd_conn *c)
{
	c->tls_active = 1;
	c->phase = SMTPD_P_CMD;
	c->vs = tls_conn_vs(c->tls);
	conn_cmd(c, "TLS");
	log_event(LOG_INFO, c->sid, "event=tls version=%s cipher=%s sni=%s "
	    "vs=%s", tls_conn_version(c->tls), tls_conn_cipher(c->tls),
	    log_escs(tls_conn_sni(c->tls)), log_escs(conn_vs_name(c)));
	conn_state(c, SMTPD_S_TLS_STARTED, tls_conn_version(c->tls));
}

/* Drive the handshake. Returns -1 when the connection was closed. */
static int
conn_handshake(struct smtpd_conn *c)
{
	int r = tls_conn_handshake(c->tls);

	if (tls_conn_hello_seen(c->tls) && tls_conn_sni(c->tls) != NULL &&
	    c->state < SMTPD_S_SNI_SEEN) {
		c->vs = tls_conn_vs(c->tls);
		conn_state(c, SMTPD_S_SNI_SEEN, tls_conn_sni(c->tls));
	}
	if (r == TLS_SERVER_OK) {
		conn_tls_done(c);
		return 0;
	}
	if (r == TLS_SERVER_WANT_READ || r == TLS_SERVER_WANT_WRITE) {
		ev_mod(smtpd.ev, c->fd, r == TLS_SERVER_WANT_READ ? EV_READ :
		    EV_WRITE, conn_io, c);
		return 1;
	}
	if (tls_conn_alert(c->tls) >= 0) {
		conn_cmd(c, "TLS-ALERT");
		log_event(LOG_INFO, c->sid, "event=tls-failed alert=%d "
		    "name=%s", tls_conn_alert(c->tls),
		    log_escs(tls_conn_alert_name(c->tls)));
		conn_close(c, "tls-alert");
	} else {
		conn_cmd(c, "TLS-FAILED");
		log_event(LOG_INFO, c->sid, "event=tls-failed error=%s",
		    log_escs(tls_conn_error(c->tls)));
		conn_close(c, tls_conn_hello_seen(c->tls) ? "tls-error" :
		    "drop");
	}
	return -1;
}

/* Read what is there. Returns 0, or -1 when the peer is gone. */
static int
conn_read(struct smtpd_conn *c)
{
	char buf[16384];
	size_t total = 0;
	size_t cap = smtpd.line_limit > smtpd.text_limit ?
	    smtpd.line_limit : smtpd.text_limit;

	cap = cap * 2 + sizeof(buf);
	for (;;) {
		ssize_t n;

		if (c->in.len + sizeof(buf) > cap)
			break;	/* process first */
		if (!c->tls_active && total >= CONN_READ_MAX)
			break;
		if (c->tls_active) {
			n = tls_conn_read(c->tls, buf, sizeof(buf));
			if (n == TLS_SERVER_WANT_READ ||
			    n == TLS_SERVER_WANT_WRITE)
				break;
			if (n == TLS_SERVER_EOF)
				return -1;
			if (n < 0) {
				if (tls_conn_alert(c->tls) >= 0)
					c->end_reason = "tls-alert";
				return -1;
			}
		} else {
			n = recv(c->fd, buf, sizeof(buf), 0);
			if (n == -1) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				return -1;
			}
			if (n == 0)
				return -1;
		}
		if (c->phase == SMTPD_P_CLOSING)
			continue;	/* after QUIT: ignore */
		sbuf_add(&c->in, buf, (size_t)n);
		total += (size_t)n;
		/* A short read drained the socket (level-triggered epoll
		 * reports more); saves the EAGAIN round trip. */
		if ((size_t)n < sizeof(buf) && (!c->tls_active ||
		    !tls_conn_pending(c->tls)))
			break;
	}
	return 0;
}

static void
conn_io(int fd, int ready, void *arg)
{
	struct smtpd_conn *c = arg;
	int more;

	(void)fd;
	if (c->phase == SMTPD_P_TLS) {
		if (conn_handshake(c) != 0)
			return;
		c->last_active = ev_now();
		ready |= EV_READ;	/* records may wait in OpenSSL */
	}
	if ((ready & EV_WRITE) && c->out.len > 0 && conn_flush(c) == -1) {
		conn_close(c, "drop");
		return;
	}
	do {
		more = 0;
		if ((ready & EV_READ) && c->phase != SMTPD_P_ACK_WAIT &&
		    c->phase != SMTPD_P_SPOOL_WAIT &&
		    c->phase != SMTPD_P_TLS_START &&
		    c->out.len < CONN_OUT_PAUSE) {
			size_t before = c->in.len;

			if (conn_read(c) == -1) {
				conn_close(c, c->phase == SMTPD_P_CLOSING ?
				    "quit" : "drop");
				return;
			}
			if (c->in.len != before)
				c->last_active = ev_now();
			conn_process(c);
			/* A full buffer was processed: read on. */
			more = c->in.len < before || (c->tls_active &&
			    tls_conn_pending(c->tls));
			if (c->phase == SMTPD_P_CLOSING ||
			    c->phase == SMTPD_P_ACK_WAIT ||
			    c->phase == SMTPD_P_SPOOL_WAIT ||
			    c->phase == SMTPD_P_TLS_START)
				more = 0;
		} else
			conn_process(c);
	} while (more && c->out.len < CONN_OUT_PAUSE);
	if (c->out.len > 0 && conn_flush(c) == -1) {
		conn_close(c, "drop");
		return;
	}
	if (c->out.len > CONN_OUT_MAX) {
		conn_close(c, "drop");
		return;
	}
	if (c->out.len == 0 && c->phase == SMTPD_P_CLOSING) {
		conn_close(c, c->end_reason ? c->end_reason : "quit");
		return;
	}
	if (c->out.len == 0 && c->phase == SMTPD_P_TLS_START) {
		c->phase = SMTPD_P_TLS;
		conn_cmd(c, "HANDSHAKE");
		conn_handshake(c);
		return;
	}
	conn_update_events(c);
}

static void
conn_refuse(int fd, const char *msg)
{
	(void)!send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

void
smtpd_conn_accept(int lfd, int ready, void *arg)
{
	struct smtpd_listener *l = arg;
	int i, one = 1;

	(void)ready;
	for (i = 0; i < 64; i++) {
		struct sockaddr_storage ss, ls;
		socklen_t sl = sizeof(ss), lsl = sizeof(ls);
		struct smtpd_conn *c;
		struct smtpd_peer *p;
		char peer[ADDR_STRLEN], lhost[ADDR_STRLEN];
		int fd, port;
		struct db_conn_row r;

		fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				log_event(LOG_WARNING, NULL, "event=accept "
				    "error=%s", log_escs(strerror(errno)));
				/* pause this listener until the next tick */
				ev_mod(smtpd.ev, lfd, 0, smtpd_conn_accept, l);
			}
			return;
		}
		addr_format((struct sockaddr *)&ss, peer, sizeof(peer), &port);
		p = smtpd_peer_get(peer);
		p->last_seen = ev_now();
		if (smtpd.nconns >= smtpd.max_sessions ||
		    p->nconns >= smtpd.max_per_peer) {
			int total = smtpd.nconns >= smtpd.max_sessions;

			log_event(LOG_NOTICE, NULL, "event=refused peer=%s "
			    "why=%s", peer, total ? "max_sessions" :
			    "max_sessions_per_peer");
			memset(&r, 0, sizeof(r));
			lhost[0] = '\0';
			if (getsockname(fd, (struct sockaddr *)&ls, &lsl) == 0)
				addr_format((struct sockaddr *)&ls, lhost,
				    sizeof(lhost), &r.local_port);
			conn_refuse(fd, "421 4.7.0 Too many connections, try "
			    "again later\r\n");
			if (smtpd.db != NULL) {
				/* recorded too: a refused sender retries */
				r.peer_addr = peer;
				r.peer_port = port;
				r.local_addr = lhost;
				r.started = ev_now();
				smtpd_db_tx();
				r.id = db_conn_insert(smtpd.db, &r);
				r.ended = r.started;
				r.state = "none";
				r.tls_alert = -1;
				r.message_size = -1;
				r.end_reason = total ? "421-max-sessions" :
				    "421-max-sessions-per-peer";
				if (r.id > 0)
					db_conn_update(smtpd.db, &r);
			}
			continue;
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->spool_fd = -1;
		c->p = p;
		c->message_size = -1;
		p->nconns++;
		smtpd.nconns++;
		str_copy(c->peer, peer, sizeof(c->peer));
		c->peer_port = port;
		if (getsockname(fd, (struct sockaddr *)&ls, &lsl) == 0)
			addr_format((struct sockaddr *)&ls, c->local,
			    sizeof(c->local), &c->local_port);
		c->shared = l->vs < 0;
		c->vs = l->vs >= 0 ? l->vs : smtpd.default_vs;
		c->started = c->last_active = ev_now();
		sbuf_init(&c->in, 1 << 20);
		sbuf_init(&c->out, CONN_OUT_MAX + 4096);
		sbuf_init(&c->rcpts, 65536);
		sbuf_init(&c->cmds, CONN_CMDS_MAX + 16);
		sbuf_init(&c->wbuf, 65536);
		c->next = smtpd.conns;
		if (smtpd.conns)
			smtpd.conns->prev = c;
		smtpd.conns = c;
		if (smtpd.db != NULL) {
			memset(&r, 0, sizeof(r));
			r.peer_addr = c->peer;
			r.peer_port = c->peer_port;
			r.local_addr = c->local;
			r.local_port = c->local_port;
			r.vs = conn_vs_name(c);
			r.started = c->started;
			smtpd_db_tx();
			c->id = db_conn_insert(smtpd.db, &r);
			if (c->id > 0)
				db_conn_event(smtpd.db, c->id, c->started,
				    "none", NULL);
		}
		snprintf(c->sid, sizeof(c->sid), "C%lld", (long long)c->id);
		log_event(LOG_INFO, c->sid, "event=connect peer=%s port=%d "
		    "local=%s:%d vs=%s", c->peer, c->peer_port, c->local,
		    c->local_port, log_escs(conn_vs_name(c)));
		if (ev_add(smtpd.ev, fd, EV_READ, conn_io, c) == -1) {
			conn_close(c, "drop");
			continue;
		}
		sbuf_addf(&c->out, "220 %s ESMTP echomx\r\n",
		    c->vs >= 0 && !c->shared ? smtpd.vs[c->vs].hostname :
		    smtpd.hostname);
		conn_io(fd, EV_WRITE, c);
	}
}

void
smtpd_conn_tick(void *arg)
{
	struct smtpd_conn *c, *next;
	double now = ev_now();
	static double last_expire;
	size_t i;

	(void)arg;
	for (c = smtpd.conns; c; c = next) {
		next = c->next;
		if (c->phase == SMTPD_P_ACK_WAIT ||
		    c->phase == SMTPD_P_SPOOL_WAIT)
			continue;
		if (now - c->started > smtpd.time_limit) {
			sbuf_adds(&c->out, "421 4.4.2 Connection time limit "
			    "reached\r\n");
			conn_flush(c);
			conn_close(c, "time-limit");
		} else if (now - c->last_active > smtpd.command_timeout) {
			if (c->phase != SMTPD_P_TLS &&
			    c->phase != SMTPD_P_TLS_START) {
				sbuf_adds(&c->out, "421 4.4.2 Timeout\r\n");
				conn_flush(c);
			}
			conn_close(c, "timeout");
		}
	}
	/* Listeners paused by EMFILE listen again. */
	for (i = 0; i < smtpd.nls; i++)
		ev_mod(smtpd.ev, smtpd.ls[i].fd, EV_READ, smtpd_conn_accept,
		    &smtpd.ls[i]);
	if (now - last_expire > 60) {
		last_expire = now;
		smtpd_peer_expire(now, smtpd.session_limit);
		if (smtpd.db != NULL) {
			int n;

			smtpd_db_tx();
			n = db_session_finish_idle(smtpd.db, now,
			    smtpd.session_limit);
			if (n > 0)
				log_event(LOG_INFO, NULL, "event=sessions-"
				    "finished count=%d", n);
		}
	}
	smtpd_db_commit();
}

/* Group commit: one directory fsync and one store commit for every
 * message completed in this batch, then their 250s. */
void
smtpd_conn_batch(void *arg)
{
	int rounds = 0;

	(void)arg;
	while (smtpd.acks != NULL && rounds++ < 1000) {
		struct smtpd_conn *list = smtpd.acks, *c, *next;
		int ok;

		smtpd.acks = NULL;
		/* The rows of these messages are in the store before 250. */
		ok = !smtpd.db_in_tx || db_commit(smtpd.db) == 0;
		if (smtpd.db_in_tx && !ok) {
			log_event(LOG_ERR, NULL, "event=error what=db-commit "
			    "error=%s", log_escs(db_errmsg(smtpd.db)));
			db_rollback(smtpd.db);
		}
		smtpd.db_in_tx = 0;
		for (c = list; c; c = next) {
			next = c->ack_next;
			c->ack_next = NULL;
			c->phase = SMTPD_P_CMD;
			if (!ok) {
				conn_reply(c, 451, "4.3.0 Local error, try "
				    "again later");
			} else {
				conn_state(c, SMTPD_S_ACKED, c->spool_name);
				log_event(LOG_INFO, c->sid, "event=accepted "
				    "file=%s size=%llu", c->spool_name,
				    (unsigned long long)c->msg_size);
				conn_reply(c, 250, "2.0.0 Ok: queued as %s",
				    c->spool_name);
			}
			conn_tx_reset(c);
			conn_io(c->fd, EV_READ | EV_WRITE, c);
		}
	}
	smtpd_db_commit();
}

void
smtpd_conn_close_all(const char *why)
{
	while (smtpd.conns) {
		struct smtpd_conn *c = smtpd.conns;

		if (c->phase != SMTPD_P_TLS) {
			sbuf_adds(&c->out, "421 4.3.2 Service shutting "
			    "down\r\n");
			conn_flush(c);
		}
		conn_close(c, why);
	}
	smtpd_db_commit();
}
