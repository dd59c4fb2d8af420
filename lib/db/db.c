/* db: open, configure (WAL, busy timeout, foreign keys) and migrate the
 * SQLite store. Migrations are appended, never edited: the schema version
 * is the number of migrations applied. Touches: SQLite. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/mem.h"
#include "util/str.h"

struct db {
	sqlite3	*h;
};

/* Append new migrations at the end; never change an applied one. */
static const char *const db_migrations[] = {
	/* 1: the listener's test sessions, connections and messages */
	"CREATE TABLE test_session ("
	"  id INTEGER PRIMARY KEY,"
	"  sender TEXT NOT NULL,"		/* envelope sender, key */
	"  first_peer TEXT NOT NULL,"
	"  started REAL NOT NULL,"		/* unix time, first connection */
	"  window_end REAL NOT NULL,"		/* downgrade window end */
	"  finished REAL,"
	"  state TEXT NOT NULL DEFAULT 'open'"
	");"
	"CREATE INDEX test_session_sender ON test_session(sender, started);"
	"CREATE TABLE connection ("
	"  id INTEGER PRIMARY KEY,"
	"  session_id INTEGER REFERENCES test_session(id),"
	"  peer_addr TEXT NOT NULL, peer_port INTEGER NOT NULL,"
	"  local_addr TEXT NOT NULL, local_port INTEGER NOT NULL,"
	"  vs TEXT, sni TEXT, ehlo TEXT,"
	"  started REAL NOT NULL, ended REAL,"
	"  state TEXT NOT NULL DEFAULT 'none',"	/* furthest reached */
	"  end_reason TEXT,"		/* quit drop timeout tls-alert 4xx .. */
	"  tls_alert INTEGER,"
	"  commands TEXT NOT NULL DEFAULT '',"	/* EHLO,STARTTLS,... */
	"  starttls_offered INTEGER NOT NULL DEFAULT 0,"
	"  tls_version TEXT, tls_cipher TEXT,"
	"  client_versions TEXT, client_ciphers TEXT,"
	"  client_groups TEXT, client_sigalgs TEXT,"
	"  mail_from TEXT, rcpt_to TEXT, requiretls INTEGER NOT NULL DEFAULT 0,"
	"  smtp_params TEXT,"
	"  message_size INTEGER, reply TEXT"
	");"
	"CREATE INDEX connection_session ON connection(session_id);"
	"CREATE INDEX connection_peer ON connection(peer_addr, started);"
	"CREATE TABLE state_event ("
	"  id INTEGER PRIMARY KEY,"
	"  connection_id INTEGER NOT NULL REFERENCES connection(id),"
	"  at REAL NOT NULL, state TEXT NOT NULL, detail TEXT"
	");"
	"CREATE INDEX state_event_conn ON state_event(connection_id);"
	"CREATE TABLE message ("
	"  id INTEGER PRIMARY KEY,"
	"  session_id INTEGER REFERENCES test_session(id),"
	"  connection_id INTEGER REFERENCES connection(id),"
	"  spool_file TEXT NOT NULL UNIQUE,"
	"  mail_from TEXT NOT NULL, rcpt_to TEXT NOT NULL,"
	"  size INTEGER NOT NULL, received REAL NOT NULL"
	");",
};

#define DB_NMIGRATIONS (sizeof(db_migrations) / sizeof(db_migrations[0]))

static int
db_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(db->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 :
	    -1;
}

int
db_schema_version(struct db *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL)
	    != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
db_migrate(struct db *db, struct sbuf *err)
{
	int v;
	size_t i;
	char pragma[64];

	/* BEGIN IMMEDIATE: two processes starting at once migrate once. */
	if (db_exec(db, "BEGIN IMMEDIATE") == -1) {
		sbuf_addf(err, "cannot lock the store: %s",
		    sqlite3_errmsg(db->h));
		return -1;
	}
	v = db_schema_version(db);
	if (v < 0 || (size_t)v > DB_NMIGRATIONS) {
		sbuf_addf(err, "schema version %d is newer than this program "
		    "(%zu)", v, DB_NMIGRATIONS);
		db_exec(db, "ROLLBACK");
		return -1;
	}
	for (i = (size_t)v; i < DB_NMIGRATIONS; i++) {
		if (db_exec(db, db_migrations[i]) == -1) {
			sbuf_addf(err, "migration %zu failed: %s", i + 1,
			    sqlite3_errmsg(db->h));
			db_exec(db, "ROLLBACK");
			return -1;
		}
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %zu",
	    DB_NMIGRATIONS);
	if (db_exec(db, pragma) == -1 || db_exec(db, "COMMIT") == -1) {
		sbuf_addf(err, "cannot record the schema version: %s",
		    sqlite3_errmsg(db->h));
		db_exec(db, "ROLLBACK");
		return -1;
	}
	return 0;
}

struct db *
db_open(const char *path, struct sbuf *err)
{
	struct db *db = xcalloc(1, sizeof(*db));

	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		sbuf_addf(err, "%s: %s", path, db->h ? sqlite3_errmsg(db->h) :
		    "cannot open");
		db_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->h, 5000);
	if (db_exec(db, "PRAGMA journal_mode = WAL") == -1 ||
	    db_exec(db, "PRAGMA synchronous = NORMAL") == -1 ||
	    db_exec(db, "PRAGMA foreign_keys = ON") == -1) {
		sbuf_addf(err, "%s: %s", path, sqlite3_errmsg(db->h));
		db_close(db);
		return NULL;
	}
	if (db_migrate(db, err) == -1) {
		db_close(db);
		return NULL;
	}
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->h);
	free(db);
}

int
db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

int
db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

int
db_rollback(struct db *db)
{
	return db_exec(db, "ROLLBACK");
}

const char *
db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

void *
db_handle(struct db *db)
{
	return db->h;
}
