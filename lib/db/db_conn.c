/* db_conn: the listener's queries (sessions, connections, state events,
 * messages). Prepared statements only, cached per store handle.
 * Touches: SQLite through db_handle(). */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/db_conn.h"

enum {
	Q_CONN_INSERT, Q_CONN_UPDATE, Q_EVENT, Q_SESS_SENDER, Q_SESS_PEER,
	Q_SESS_CREATE, Q_CONN_SESS, Q_MSG_INSERT, Q_MSG_COUNT, Q_EACH,
	Q_EVENTS, Q_FINISH, Q_COUNT
};

static const char *const db_conn_sql[Q_COUNT] = {
	[Q_CONN_INSERT] = "INSERT INTO connection (peer_addr, peer_port, "
	    "local_addr, local_port, vs, started) VALUES (?,?,?,?,?,?)",
	[Q_CONN_UPDATE] = "UPDATE connection SET session_id=?, vs=?, sni=?, "
	    "ehlo=?, ended=?, state=?, end_reason=?, tls_alert=?, "
	    "commands=?, starttls_offered=?, tls_version=?, tls_cipher=?, "
	    "client_versions=?, client_ciphers=?, client_groups=?, "
	    "client_sigalgs=?, mail_from=?, rcpt_to=?, requiretls=?, "
	    "smtp_params=?, message_size=?, reply=? WHERE id=?",
	[Q_EVENT] = "INSERT INTO state_event (connection_id, at, state, "
	    "detail) VALUES (?,?,?,?)",
	[Q_SESS_SENDER] = "SELECT s.id, s.window_end FROM test_session s "
	    "WHERE s.sender=? AND s.finished IS NULL AND (s.started>? OR "
	    "EXISTS (SELECT 1 FROM connection c WHERE c.session_id=s.id AND "
	    "c.started>?)) ORDER BY s.started DESC LIMIT 1",
	[Q_SESS_PEER] = "SELECT s.id, s.window_end FROM test_session s "
	    "WHERE s.finished IS NULL AND (s.first_peer=? OR EXISTS (SELECT "
	    "1 FROM connection c WHERE c.session_id=s.id AND c.peer_addr=?)) "
	    "AND (s.started>? OR EXISTS (SELECT 1 FROM connection c WHERE "
	    "c.session_id=s.id AND c.started>?)) ORDER BY s.started DESC "
	    "LIMIT 1",
	[Q_SESS_CREATE] = "INSERT INTO test_session (sender, first_peer, "
	    "started, window_end) VALUES (?,?,?,?)",
	[Q_CONN_SESS] = "UPDATE connection SET session_id=? WHERE id=?",
	[Q_MSG_INSERT] = "INSERT INTO message (session_id, connection_id, "
	    "spool_file, mail_from, rcpt_to, size, received) VALUES "
	    "(?,?,?,?,?,?,?)",
	[Q_MSG_COUNT] = "SELECT count(*) FROM message",
	[Q_EACH] = "SELECT c.id, c.session_id, s.sender, c.peer_addr, "
	    "c.peer_port, c.local_addr, c.local_port, c.vs, c.sni, c.ehlo, "
	    "c.started, c.ended, c.state, c.end_reason, c.tls_alert, "
	    "c.commands, c.starttls_offered, c.tls_version, c.tls_cipher, "
	    "c.client_versions, c.client_ciphers, c.client_groups, "
	    "c.client_sigalgs, c.mail_from, c.rcpt_to, c.requiretls, "
	    "c.smtp_params, c.message_size, c.reply FROM connection c "
	    "LEFT JOIN test_session s ON s.id=c.session_id "
	    "WHERE (?1=0 OR c.session_id=?1) AND c.started>=?2 "
	    "ORDER BY c.started, c.id",
	[Q_EVENTS] = "SELECT at, state, detail FROM state_event WHERE "
	    "connection_id=? ORDER BY at, id",
	[Q_FINISH] = "UPDATE test_session SET finished=?1, state='finished' "
	    "WHERE finished IS NULL AND started<=?2 AND NOT EXISTS (SELECT 1 "
	    "FROM connection c WHERE c.session_id=test_session.id AND "
	    "(c.started>?2 OR c.ended>?2))",
};

static struct {
	sqlite3		*h;
	sqlite3_stmt	*st[Q_COUNT];
} db_conn_cache;

void
db_conn_release(struct db *db)
{
	size_t i;

	if (db == NULL || db_conn_cache.h != db_handle(db))
		return;
	for (i = 0; i < Q_COUNT; i++) {
		sqlite3_finalize(db_conn_cache.st[i]);
		db_conn_cache.st[i] = NULL;
	}
	db_conn_cache.h = NULL;
}

static sqlite3_stmt *
db_conn_stmt(struct db *db, int q)
{
	sqlite3 *h = db_handle(db);
	sqlite3_stmt *st;

	if (db_conn_cache.h != h) {
		size_t i;

		for (i = 0; i < Q_COUNT; i++) {
			sqlite3_finalize(db_conn_cache.st[i]);
			db_conn_cache.st[i] = NULL;
		}
		db_conn_cache.h = h;
	}
	st = db_conn_cache.st[q];
	if (st == NULL) {
		if (sqlite3_prepare_v3(h, db_conn_sql[q], -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
			return NULL;
		db_conn_cache.st[q] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static int
db_conn_done(sqlite3_stmt *st)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : -1;
}

int64_t
db_conn_insert(struct db *db, const struct db_conn_row *r)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_CONN_INSERT);

	if (st == NULL)
		return -1;
	bind_text(st, 1, r->peer_addr);
	sqlite3_bind_int(st, 2, r->peer_port);
	bind_text(st, 3, r->local_addr);
	sqlite3_bind_int(st, 4, r->local_port);
	bind_text(st, 5, r->vs);
	sqlite3_bind_double(st, 6, r->started);
	if (db_conn_done(st) == -1)
		return -1;
	return sqlite3_last_insert_rowid(db_handle(db));
}

int
db_conn_update(struct db *db, const struct db_conn_row *r)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_CONN_UPDATE);

	if (st == NULL)
		return -1;
	if (r->session_id > 0)
		sqlite3_bind_int64(st, 1, r->session_id);
	bind_text(st, 2, r->vs);
	bind_text(st, 3, r->sni);
	bind_text(st, 4, r->ehlo);
	if (r->ended > 0)
		sqlite3_bind_double(st, 5, r->ended);
	bind_text(st, 6, r->state ? r->state : "none");
	bind_text(st, 7, r->end_reason);
	if (r->tls_alert >= 0)
		sqlite3_bind_int(st, 8, r->tls_alert);
	bind_text(st, 9, r->commands ? r->commands : "");
	sqlite3_bind_int(st, 10, r->starttls_offered);
	bind_text(st, 11, r->tls_version);
	bind_text(st, 12, r->tls_cipher);
	bind_text(st, 13, r->client_versions);
	bind_text(st, 14, r->client_ciphers);
	bind_text(st, 15, r->client_groups);
	bind_text(st, 16, r->client_sigalgs);
	bind_text(st, 17, r->mail_from);
	bind_text(st, 18, r->rcpt_to);
	sqlite3_bind_int(st, 19, r->requiretls);
	bind_text(st, 20, r->smtp_params);
	if (r->message_size >= 0)
		sqlite3_bind_int64(st, 21, r->message_size);
	bind_text(st, 22, r->reply);
	sqlite3_bind_int64(st, 23, r->id);
	return db_conn_done(st);
}

int
db_conn_event(struct db *db, int64_t conn, double at, const char *state,
    const char *detail)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_EVENT);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, conn);
	sqlite3_bind_double(st, 2, at);
	bind_text(st, 3, state);
	bind_text(st, 4, detail);
	return db_conn_done(st);
}

static int
db_conn_session_row(sqlite3_stmt *st, int64_t *id, double *window_end)
{
	int r = sqlite3_step(st);

	if (r == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*window_end = sqlite3_column_double(st, 1);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : -1;
}

int
db_session_by_sender(struct db *db, const char *sender, double now,
    double limit, int64_t *id, double *window_end)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_SESS_SENDER);

	if (st == NULL)
		return -1;
	bind_text(st, 1, sender);
	sqlite3_bind_double(st, 2, now - limit);
	sqlite3_bind_double(st, 3, now - limit);
	return db_conn_session_row(st, id, window_end);
}

int
db_session_by_peer(struct db *db, const char *peer, double now,
    double limit, int64_t *id, double *window_end)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_SESS_PEER);

	if (st == NULL)
		return -1;
	bind_text(st, 1, peer);
	bind_text(st, 2, peer);
	sqlite3_bind_double(st, 3, now - limit);
	sqlite3_bind_double(st, 4, now - limit);
	return db_conn_session_row(st, id, window_end);
}

int64_t
db_session_create(struct db *db, const char *sender, const char *peer,
    double started, double window_end)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_SESS_CREATE);

	if (st == NULL)
		return -1;
	bind_text(st, 1, sender);
	bind_text(st, 2, peer);
	sqlite3_bind_double(st, 3, started);
	sqlite3_bind_double(st, 4, window_end);
	if (db_conn_done(st) == -1)
		return -1;
	return sqlite3_last_insert_rowid(db_handle(db));
}

int
db_conn_set_session(struct db *db, int64_t conn, int64_t session)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_CONN_SESS);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, session);
	sqlite3_bind_int64(st, 2, conn);
	return db_conn_done(st);
}

int
db_session_finish_idle(struct db *db, double now, double limit)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_FINISH);

	if (st == NULL)
		return -1;
	sqlite3_bind_double(st, 1, now);
	sqlite3_bind_double(st, 2, now - limit);
	if (db_conn_done(st) == -1)
		return -1;
	return sqlite3_changes(db_handle(db));
}

int64_t
db_message_insert(struct db *db, int64_t session, int64_t conn,
    const char *spool_file, const char *mail_from, const char *rcpt_to,
    int64_t size, double received)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_MSG_INSERT);

	if (st == NULL)
		return -1;
	if (session > 0)
		sqlite3_bind_int64(st, 1, session);
	sqlite3_bind_int64(st, 2, conn);
	bind_text(st, 3, spool_file);
	bind_text(st, 4, mail_from);
	bind_text(st, 5, rcpt_to);
	sqlite3_bind_int64(st, 6, size);
	sqlite3_bind_double(st, 7, received);
	if (db_conn_done(st) == -1)
		return -1;
	return sqlite3_last_insert_rowid(db_handle(db));
}

int64_t
db_message_count(struct db *db)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_MSG_COUNT);
	int64_t n = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

long
db_conn_each(struct db *db, int64_t session, double since,
    int (*fn)(const struct db_conn_row *, void *), void *arg)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_EACH);
	struct db_conn_row r;
	long n = 0;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, session);
	sqlite3_bind_double(st, 2, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		r.session_id = sqlite3_column_int64(st, 1);
		r.session_sender = col_text(st, 2);
		r.peer_addr = col_text(st, 3);
		r.peer_port = sqlite3_column_int(st, 4);
		r.local_addr = col_text(st, 5);
		r.local_port = sqlite3_column_int(st, 6);
		r.vs = col_text(st, 7);
		r.sni = col_text(st, 8);
		r.ehlo = col_text(st, 9);
		r.started = sqlite3_column_double(st, 10);
		r.ended = sqlite3_column_double(st, 11);
		r.state = col_text(st, 12);
		r.end_reason = col_text(st, 13);
		r.tls_alert = sqlite3_column_type(st, 14) == SQLITE_NULL ? -1 :
		    sqlite3_column_int(st, 14);
		r.commands = col_text(st, 15);
		r.starttls_offered = sqlite3_column_int(st, 16);
		r.tls_version = col_text(st, 17);
		r.tls_cipher = col_text(st, 18);
		r.client_versions = col_text(st, 19);
		r.client_ciphers = col_text(st, 20);
		r.client_groups = col_text(st, 21);
		r.client_sigalgs = col_text(st, 22);
		r.mail_from = col_text(st, 23);
		r.rcpt_to = col_text(st, 24);
		r.requiretls = sqlite3_column_int(st, 25);
		r.smtp_params = col_text(st, 26);
		r.message_size = sqlite3_column_type(st, 27) == SQLITE_NULL ?
		    -1 : sqlite3_column_int64(st, 27);
		r.reply = col_text(st, 28);
		n++;
		if (fn(&r, arg))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

long
db_conn_events(struct db *db, int64_t conn,
    int (*fn)(double, const char *, const char *, void *), void *arg)
{
	sqlite3_stmt *st = db_conn_stmt(db, Q_EVENTS);
	long n = 0;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, conn);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (fn(sqlite3_column_double(st, 0), col_text(st, 1),
		    col_text(st, 2), arg))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}
