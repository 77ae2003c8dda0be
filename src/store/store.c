/*
 * The connection pool, transactions and migrations, shared by both backends.
 *
 * DESIGN: the pool is a fixed array of connections opened at start-up and a
 * free list guarded by a mutex and a condition variable; a request borrows
 * one for its whole life, so a connection is only ever used by one thread at
 * a time (SQLite connections are opened NOMUTEX for that reason). Migrations
 * run one per transaction: on PostgreSQL an advisory lock keeps concurrent
 * servers from applying the same one twice, on SQLite BEGIN IMMEDIATE does.
 */
#include "store/store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "store/migrations.h"

struct store_conn {
    struct store *store;
    void *backend_conn;
    bool in_transaction;
    struct store_conn *next_free;
};

struct store {
    const struct store_backend *backend;
    pthread_mutex_t lock;
    pthread_cond_t available;
    struct store_conn *conns;
    size_t n_conns;
    struct store_conn *free_list;
};

static bool is_postgres_url(const char *location)
{
    return strncmp(location, "postgresql://", 13) == 0 || strncmp(location, "postgres://", 11) == 0;
}

struct store *store_open(const struct store_options *options, struct err *err)
{
    struct store *store = calloc(1, sizeof(*store));
    if (store == NULL) {
        err_set(err, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    store->backend = is_postgres_url(options->location) ? &store_pg_backend : &store_sqlite_backend;
    size_t n = options->pool_size;
    if (n == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = (size_t)(cores > 0 ? cores : 2) + 2;
    }
    pthread_mutex_init(&store->lock, NULL);
    pthread_cond_init(&store->available, NULL);
    store->conns = calloc(n, sizeof(*store->conns));
    if (store->conns == NULL) {
        err_set(err, ERR_INTERNAL, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        struct store_conn *conn = &store->conns[i];
        if (store->backend->connect(options->location, &conn->backend_conn, err) < 0)
            goto fail;
        store->n_conns++;
        conn->store = store;
        conn->next_free = store->free_list;
        store->free_list = conn;
    }
    return store;
fail:
    store_close(store);
    return NULL;
}

void store_close(struct store *store)
{
    if (store == NULL)
        return;
    for (size_t i = 0; i < store->n_conns; i++)
        store->backend->disconnect(store->conns[i].backend_conn);
    free(store->conns);
    pthread_mutex_destroy(&store->lock);
    pthread_cond_destroy(&store->available);
    free(store);
}

enum sql_dialect store_dialect(const struct store *store)
{
    return store->backend->dialect;
}

const char *store_backend_name(const struct store *store)
{
    return store->backend->name;
}

struct store_conn *store_acquire(struct store *store, struct err *err)
{
    pthread_mutex_lock(&store->lock);
    while (store->free_list == NULL)
        pthread_cond_wait(&store->available, &store->lock);
    struct store_conn *conn = store->free_list;
    store->free_list = conn->next_free;
    pthread_mutex_unlock(&store->lock);
    (void)err;
    return conn;
}

void store_release(struct store_conn *conn)
{
    if (conn == NULL)
        return;
    if (conn->in_transaction)
        store_rollback(conn);
    struct store *store = conn->store;
    pthread_mutex_lock(&store->lock);
    conn->next_free = store->free_list;
    store->free_list = conn;
    pthread_cond_signal(&store->available);
    pthread_mutex_unlock(&store->lock);
}

enum sql_dialect store_conn_dialect(const struct store_conn *conn)
{
    return conn->store->backend->dialect;
}

static int run_fixed(struct store_conn *conn, const char *sql, struct err *err)
{
    return conn->store->backend->query(conn->backend_conn, NULL, sql, NULL, 0, NULL, err);
}

int store_begin(struct store_conn *conn, struct err *err)
{
    /* IMMEDIATE takes SQLite's write lock up front, so a transaction never fails half-way on BUSY. */
    const char *sql = store_conn_dialect(conn) == SQL_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN";
    int rc = run_fixed(conn, sql, err);
    if (rc == 0)
        conn->in_transaction = true;
    return rc;
}

int store_commit(struct store_conn *conn, struct err *err)
{
    int rc = run_fixed(conn, "COMMIT", err);
    if (rc < 0) {
        store_rollback(conn);
        return rc;
    }
    conn->in_transaction = false;
    return 0;
}

void store_rollback(struct store_conn *conn)
{
    struct err ignored;
    err_clear(&ignored);
    if (conn->in_transaction)
        (void)run_fixed(conn, "ROLLBACK", &ignored);
    conn->in_transaction = false;
}

int store_query(struct store_conn *conn, struct arena *arena, const struct sql_builder *sql,
                struct store_rows *rows_out, struct err *err)
{
    if (sql->failed)
        return err_set(err, ERR_TOO_LARGE, "query too large");
    return conn->store->backend->query(conn->backend_conn, arena, sql_text(sql), sql->params,
                                       sql->n_params, rows_out, err);
}

int store_query_bounded(struct store_conn *conn, struct arena *arena, const struct sql_builder *sql,
                        int64_t max_cpu_us, struct store_rows *rows_out, bool *completed,
                        struct err *err)
{
    const struct store_backend *backend = conn->store->backend;
    *completed = true;
    if (sql->failed)
        return err_set(err, ERR_TOO_LARGE, "query too large");
    if (backend->query_bounded == NULL)
        return backend->query(conn->backend_conn, arena, sql_text(sql), sql->params, sql->n_params,
                              rows_out, err);
    return backend->query_bounded(conn->backend_conn, arena, sql_text(sql), sql->params,
                                  sql->n_params, max_cpu_us, rows_out, completed, err);
}

int store_exec(struct store_conn *conn, struct arena *arena, const char *sql, struct err *err)
{
    return conn->store->backend->query(conn->backend_conn, arena, sql, NULL, 0, NULL, err);
}

int store_schema_version_known(void)
{
    return (int)migrations_count;
}

static int recorded_version(struct store_conn *conn, struct arena *arena, int64_t *version,
                            struct err *err)
{
    struct store_rows rows;
    int rc = store_exec(conn, arena,
                        "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                        err);
    if (rc < 0)
        return rc;
    rc = conn->store->backend->query(conn->backend_conn, arena,
                                     "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                                     NULL, 0, &rows, err);
    if (rc < 0)
        return rc;
    *version = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

static int apply_migration(struct store_conn *conn, struct arena *arena,
                           const struct migration *m, bool *applied, struct err *err)
{
    enum sql_dialect dialect = store_conn_dialect(conn);
    int64_t version = 0;
    int rc = store_begin(conn, err);
    if (rc < 0)
        return rc;
    if (dialect == SQL_POSTGRES) {
        rc = store_exec(conn, arena, "SELECT pg_advisory_xact_lock(7305611)", err);
        if (rc < 0)
            goto out;
    }
    rc = recorded_version(conn, arena, &version, err);
    if (rc < 0)
        goto out;
    if (version >= m->version) {
        *applied = false;
        goto out;
    }
    rc = conn->store->backend->exec_script(conn->backend_conn,
                                           dialect == SQL_SQLITE ? m->sqlite_sql : m->postgres_sql,
                                           err);
    if (rc < 0) {
        err_set(err, err->code, "migration %04d_%s failed: %s", m->version, m->name,
                err->detail);
        goto out;
    }
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    struct sql_builder sql;
    sql_init(&sql, arena, dialect);
    sql_add(&sql, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (");
    sql_param_int(&sql, m->version);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, m->name);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ")");
    rc = store_query(conn, arena, &sql, NULL, err);
    if (rc < 0)
        goto out;
    rc = store_commit(conn, err);
    if (rc == 0)
        *applied = true;
out:
    store_rollback(conn);
    return rc;
}

int store_migrate(struct store *store, int *applied_out, struct err *err)
{
    struct arena *arena = arena_new();
    struct store_conn *conn = store_acquire(store, err);
    int64_t version = 0;
    int applied = 0;
    int rc = recorded_version(conn, arena, &version, err);
    if (rc < 0)
        goto out;
    if (version > (int64_t)migrations_count) {
        rc = err_set(err, ERR_CONFLICT,
                     "the database schema is version %lld but this binary knows only up to %d; "
                     "use a newer crm",
                     (long long)version, (int)migrations_count);
        goto out;
    }
    for (size_t i = 0; i < migrations_count; i++) {
        bool done = false;
        rc = apply_migration(conn, arena, &migrations[i], &done, err);
        if (rc < 0)
            goto out;
        if (done) {
            applied++;
            log_info("migration_applied", "version=%d name=%s", migrations[i].version,
                     migrations[i].name);
        }
    }
out:
    store_release(conn);
    arena_free(arena);
    if (applied_out != NULL)
        *applied_out = applied;
    return rc;
}

const char *store_json_text(struct arena *arena, const json_t *value, const char *fallback)
{
    char *text = value != NULL ? json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    const char *copy = text != NULL ? arena_strdup(arena, text) : fallback;
    free(text);
    return copy;
}
