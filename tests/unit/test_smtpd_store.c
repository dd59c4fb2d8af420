/* test_smtpd_store: the listener's store queries (lib/db/db_conn.c):
 * sessions by sender and by peer address within the session limit,
 * connection rows, state events, messages, and the history walk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "db/db.h"
#include "db/db_conn.h"
#include "util/str.h"

static int
count_row(const struct db_conn_row *r, void *arg)
{
	int *n = arg;

	(*n)++;
	if (r->id == 1) {
		T_EQ_STR(r->vs, "mx02");
		T_EQ_STR(r->state, "acked");
		T_EQ_STR(r->session_sender, "a@s.example");
		T_EQ_STR(r->commands, "EHLO,STARTTLS");
		T_EQ_INT(r->tls_alert, -1);
		T_EQ_INT(r->message_size, 42);
		T_CHECK(r->ended > r->started);
	}
	return 0;
}

static int
count_ev(double at, const char *state, const char *detail, void *arg)
{
	int *n = arg;

	(void)at;
	(void)detail;
	if (*n == 0)
		T_EQ_STR(state, "none");
	(*n)++;
	return 0;
}

static void
t_store(void)
{
	char path[] = "/tmp/echomx-test-store-XXXXXX";
	char db_file[64];
	struct sbuf err;
	struct db *db;
	struct db_conn_row r;
	int64_t c1, c2, s1, id;
	double we;
	int n = 0, fd = mkstemp(path);

	T_CHECK(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(db_file, sizeof(db_file), "%s.db", path);
	sbuf_init(&err, 1024);
	db = db_open(db_file, &err);
	T_CHECK(db != NULL);
	if (db == NULL)
		return;
	memset(&r, 0, sizeof(r));
	r.peer_addr = "192.0.2.1";
	r.peer_port = 40000;
	r.local_addr = "127.0.1.2";
	r.local_port = 25;
	r.vs = "mx02";
	r.started = 1000;
	c1 = db_conn_insert(db, &r);
	T_CHECK(c1 > 0);
	/* no session yet */
	T_EQ_INT(db_session_by_sender(db, "a@s.example", 1000, 7200, &id,
	    &we), 0);
	T_EQ_INT(db_session_by_peer(db, "192.0.2.1", 1000, 7200, &id, &we), 0);
	s1 = db_session_create(db, "a@s.example", "192.0.2.1", 1000, 1180);
	T_CHECK(s1 > 0);
	r.id = c1;
	r.session_id = s1;
	r.state = "acked";
	r.commands = "EHLO,STARTTLS";
	r.tls_alert = -1;
	r.message_size = 42;
	r.ended = 1001;
	T_EQ_INT(db_conn_update(db, &r), 0);
	T_EQ_INT(db_conn_event(db, c1, 1000, "none", NULL), 0);
	T_EQ_INT(db_conn_event(db, c1, 1000.5, "mail", "a@s.example"), 0);
	T_CHECK(db_message_insert(db, s1, c1, "f1", "a@s.example",
	    "u@et.example", 42, 1001) > 0);
	T_EQ_INT(db_message_count(db), 1);
	/* by sender, by peer; expired after the limit */
	T_EQ_INT(db_session_by_sender(db, "a@s.example", 1100, 7200, &id,
	    &we), 1);
	T_EQ_INT(id, s1);
	T_CHECK(we == 1180);
	T_EQ_INT(db_session_by_sender(db, "b@s.example", 1100, 7200, &id,
	    &we), 0);
	T_EQ_INT(db_session_by_peer(db, "192.0.2.1", 1100, 7200, &id, &we), 1);
	T_EQ_INT(id, s1);
	T_EQ_INT(db_session_by_peer(db, "192.0.2.9", 1100, 7200, &id, &we), 0);
	T_EQ_INT(db_session_by_sender(db, "a@s.example", 100000, 7200, &id,
	    &we), 0);
	/* a second connection from another address joins by session */
	memset(&r, 0, sizeof(r));
	r.peer_addr = "192.0.2.7";
	r.local_addr = "127.0.1.3";
	r.started = 2000;
	c2 = db_conn_insert(db, &r);
	T_EQ_INT(db_conn_set_session(db, c2, s1), 0);
	T_EQ_INT(db_session_by_peer(db, "192.0.2.7", 2100, 7200, &id, &we), 1);
	/* history walk: all, by session, since */
	T_EQ_INT(db_conn_each(db, 0, 0, count_row, &n), 2);
	T_EQ_INT(n, 2);
	n = 0;
	T_EQ_INT(db_conn_each(db, s1, 1500, count_row, &n), 1);
	n = 0;
	T_EQ_INT(db_conn_events(db, c1, count_ev, &n), 2);
	T_EQ_INT(n, 2);
	/* idle sessions finish after the limit, active ones stay */
	T_EQ_INT(db_session_finish_idle(db, 3000, 7200), 0);
	T_EQ_INT(db_session_finish_idle(db, 20000, 7200), 1);
	T_EQ_INT(db_session_by_sender(db, "a@s.example", 2100, 7200, &id,
	    &we), 0);
	db_conn_release(db);
	db_close(db);
	unlink(db_file);
	{
		char x[80];

		snprintf(x, sizeof(x), "%s-wal", db_file);
		unlink(x);
		snprintf(x, sizeof(x), "%s-shm", db_file);
		unlink(x);
	}
	sbuf_free(&err);
}

T_MAIN(T_CASE(t_store))
