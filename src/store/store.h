/*
 * The one storage interface. A struct store is a small pool of connections
 * to SQLite (a file path) or PostgreSQL (a postgresql:// URL); each request
 * or job borrows one connection, runs its statements in at most one
 * transaction and gives it back. The SQL text is built once, with the
 * dialect's placeholders, by query/sql.h; each backend only prepares, binds,
 * steps and translates its own error codes into base/err.h codes.
 *
 * Entity-level operations (records.c, fields.c) sit on top of the backend
 * primitives and are shared by both backends.
 */
#ifndef CRM_STORE_STORE_H
#define CRM_STORE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/err.h"
#include "query/sql.h"

struct arena;
struct store;
struct store_conn;

enum store_value_type { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT };

struct store_value {
    enum store_value_type type;
    int64_t i;
    double r;
    const char *text; /* NUL-terminated, in the arena */
    size_t len;
};

/* A materialised result: n_rows x n_cols values, in the caller's arena. */
struct store_rows {
    size_t n_rows;
    size_t n_cols;
    const char **names;
    struct store_value *values; /* row-major */
};

static inline const struct store_value *store_rows_at(const struct store_rows *rows, size_t row,
                                                      size_t col)
{
    return &rows->values[row * rows->n_cols + col];
}

/* An integer column, whichever way the backend typed it (0 for NULL). */
static inline int64_t store_value_int(const struct store_value *v)
{
    if (v->type == STORE_INT)
        return v->i;
    return v->type == STORE_TEXT ? strtoll(v->text, NULL, 10) : 0;
}

/* What a backend provides; see store_sqlite.c and store_pg.c. */
struct store_backend {
    const char *name;
    enum sql_dialect dialect;
    int (*connect)(const char *location, void **conn_out, struct err *err);
    void (*disconnect)(void *conn);
    /* Runs one statement; rows_out may be NULL when no rows are wanted. */
    int (*query)(void *conn, struct arena *arena, const char *sql, const struct sql_param *params,
                 size_t n_params, struct store_rows *rows_out, struct err *err);
    /* Runs a script of several statements without parameters (migrations). */
    int (*exec_script)(void *conn, const char *sql, struct err *err);
};

extern const struct store_backend store_sqlite_backend;
extern const struct store_backend store_pg_backend;

struct store_options {
    const char *location; /* file path or postgresql:// URL */
    unsigned pool_size;   /* connections; 0: number of cores + 2 */
};

/*
 * Opens the pool and checks the database answers. Does not migrate: call
 * store_migrate() (serve and migrate subcommands do).
 */
struct store *store_open(const struct store_options *options, struct err *err);
void store_close(struct store *store);
enum sql_dialect store_dialect(const struct store *store);
const char *store_backend_name(const struct store *store);

/* Borrows a connection (waits while all are in use); give it back with store_release(). */
struct store_conn *store_acquire(struct store *store, struct err *err);
void store_release(struct store_conn *conn);
enum sql_dialect store_conn_dialect(const struct store_conn *conn);

int store_begin(struct store_conn *conn, struct err *err);
int store_commit(struct store_conn *conn, struct err *err);
/* Safe to call when no transaction is open. */
void store_rollback(struct store_conn *conn);

/* Runs a built statement; rows_out may be NULL. */
int store_query(struct store_conn *conn, struct arena *arena, const struct sql_builder *sql,
                struct store_rows *rows_out, struct err *err);
/* Runs a fixed statement with no parameters. */
int store_exec(struct store_conn *conn, struct arena *arena, const char *sql, struct err *err);

/*
 * Applies pending migrations, each in its own transaction, recording them
 * in schema_migrations. Refuses (ERR_CONFLICT) a database whose recorded
 * version is newer than this binary knows. *applied_out counts new ones.
 */
int store_migrate(struct store *store, int *applied_out, struct err *err);
/* Highest migration version this binary carries. */
int store_schema_version_known(void);

/* ---- Records of an entity (records.c) ---- */

struct entity;
struct custom_fields;
struct filter_node;
struct filter_context;
struct schema;
struct sort_key;

enum record_state { RECORD_LIVE, RECORD_TRASHED, RECORD_ANY };

struct list_query {
    const struct schema *schema;
    const struct filter_node *filter; /* NULL: no filter */
    const struct filter_context *ctx;
    const char *search;               /* q; NULL or empty: none */
    const struct sort_key *keys;      /* ends with id */
    size_t n_keys;
    const json_t *after;              /* cursor values, one per key; NULL: first page */
    size_t limit;
    bool trash;                       /* list the trash instead of live records */
    bool count;                       /* also count all matches */
};

struct list_page {
    json_t *data;      /* array of records (new reference) */
    json_t *last_keys; /* sort values of the last row when more follow, else NULL */
    int64_t total;     /* -1 unless counted */
};

int store_record_list(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                      const struct list_query *query, struct list_page *page, struct err *err);

/* One record as the API shows it; ERR_NOT_FOUND when absent or not in `state`. */
int store_record_get(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                     int64_t id, enum record_state state, json_t **out, struct err *err);

/*
 * Writes validated changes (record_validate's output); merged is the whole
 * record after the change (for the search text). Checks references (ids
 * that must exist and, for trees, must not make a cycle) and writes links.
 * Runs inside the caller's transaction.
 */
int store_record_insert(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        const json_t *changes, const json_t *merged, int64_t *id_out,
                        struct err *err);
int store_record_update(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        int64_t id, const json_t *changes, const json_t *merged, struct err *err);
/*
 * Moves to or from the trash: ERR_NOT_FOUND when there is no such record to
 * move, ERR_CONFLICT when restoring a record that is not in the trash.
 */
int store_record_set_trashed(struct store_conn *conn, struct arena *arena,
                             const struct entity *entity, int64_t id, bool trashed,
                             struct err *err);

/* ---- Custom field definitions (fields.c) ---- */

/* Definitions of one entity (NULL: all), ordered by position then id. */
int store_fields_load(struct store_conn *conn, struct arena *arena, const char *entity,
                      struct custom_fields *out, struct err *err);
/* Definitions as API JSON objects. */
int store_fields_list(struct store_conn *conn, struct arena *arena, const char *entity,
                      json_t **out, struct err *err);
int store_field_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                    struct err *err);
int store_field_insert(struct store_conn *conn, struct arena *arena, const json_t *clean,
                       int64_t *id_out, struct err *err);
int store_field_update(struct store_conn *conn, struct arena *arena, int64_t id,
                       const json_t *clean, struct err *err);
int store_field_delete(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err);

#endif
