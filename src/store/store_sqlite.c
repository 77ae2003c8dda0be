/*
 * SQLite backend: one connection per pool slot, opened in WAL mode with
 * synchronous=FULL (an acknowledged write survives power loss), foreign keys
 * on and a busy timeout. Each connection keeps a small cache of prepared
 * statements keyed by their SQL text, so the hot paths never re-parse SQL.
 * SQLite result codes become base/err.h codes here and nowhere else.
 *
 * One progress callback, every PROGRESS_EVERY_OPS virtual machine
 * instructions, interrupts a statement past its deadline or, for
 * query_bounded, past its budget of the thread's CPU time.
 */
#include "store/store.h"

#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "store/stmt_cache.h"

#define BUSY_TIMEOUT_MS 5000
/* As PostgreSQL's statement_timeout: a statement running longer is interrupted. */
#define STATEMENT_TIMEOUT_MS 30000
/* A few tens of microseconds of work: also the granularity of query_bounded's budget. */
#define PROGRESS_EVERY_OPS 1000

struct sqlite_conn {
    sqlite3 *db;
    struct stmt_cache cache;
    int64_t deadline_ms;  /* monotonic; 0: no statement running */
    int64_t cpu_limit_us; /* query_bounded: the thread's CPU time at which to give up; 0: none */
    bool over_budget;     /* the running statement was stopped by its budget */
};

/*
 * CPU time rather than wall time or instructions: a busy server's waits do
 * not count, and a row read from another page costs what it costs.
 */
static int64_t thread_cpu_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* SQLite's progress callback: a non-zero answer interrupts the statement. */
static int statement_past_deadline(void *opaque)
{
    struct sqlite_conn *conn = opaque;
    if (conn->cpu_limit_us != 0 && thread_cpu_us() > conn->cpu_limit_us) {
        conn->over_budget = true;
        return 1;
    }
    return conn->deadline_ms != 0 && clock_monotonic_ms() > conn->deadline_ms;
}

static int sqlite_error(sqlite3 *db, int rc, struct err *err)
{
    int ext = db ? sqlite3_extended_errcode(db) : rc;
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
            return err_set(err, ERR_CONFLICT, "a record with the same unique value exists");
        if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
            return err_set(err, ERR_VALIDATION, "a referenced record does not exist");
        return err_set(err, ERR_VALIDATION, "constraint failed: %s", msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return err_set(err, ERR_UNAVAILABLE, "the database is busy");
    case SQLITE_FULL:
        return err_set(err, ERR_UNAVAILABLE, "the disk is full");
    case SQLITE_INTERRUPT:
        return err_set(err, ERR_TIMEOUT, "the query was interrupted");
    default:
        log_error("sqlite_error", "rc=%d ext=%d", rc, ext);
        return err_set(err, ERR_INTERNAL, "database error: %s", msg);
    }
}

static int sqlite_connect(const char *location, void **conn_out, struct err *err)
{
    struct sqlite_conn *conn = calloc(1, sizeof(*conn));
    if (conn == NULL)
        return err_set(err, ERR_INTERNAL, "out of memory");
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(location, &conn->db, flags, NULL);
    if (rc != SQLITE_OK) {
        const char *slash = strrchr(location, '/');
        struct stat st;
        if (slash != NULL && slash != location) {
            char dir[4096];
            size_t len = (size_t)(slash - location);
            if (len < sizeof(dir)) {
                memcpy(dir, location, len);
                dir[len] = '\0';
                if (stat(dir, &st) != 0) {
                    err_set(err, ERR_UNAVAILABLE,
                            "cannot open database %s: directory %s does not exist", location, dir);
                    goto fail;
                }
            }
        }
        err_set(err, ERR_UNAVAILABLE, "cannot open database %s: %s", location,
                conn->db ? sqlite3_errmsg(conn->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(conn->db, 1);
    sqlite3_busy_timeout(conn->db, BUSY_TIMEOUT_MS);
    sqlite3_progress_handler(conn->db, PROGRESS_EVERY_OPS, statement_past_deadline, conn);
    static const char *const pragmas = "PRAGMA journal_mode=WAL;"
                                       "PRAGMA synchronous=FULL;"
                                       "PRAGMA foreign_keys=ON;"
                                       "PRAGMA temp_store=MEMORY;"
                                       "PRAGMA cache_size=-8000;";
    char *msg = NULL;
    rc = sqlite3_exec(conn->db, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        err_set(err, ERR_UNAVAILABLE, "cannot open database %s: %s", location,
                msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        goto fail;
    }
    *conn_out = conn;
    return 0;
fail:
    sqlite3_close(conn->db);
    free(conn);
    return -err->code;
}

static void finalize_statement(void *stmt, void *ctx)
{
    (void)ctx;
    sqlite3_finalize(stmt);
}

static void sqlite_disconnect(void *opaque)
{
    struct sqlite_conn *conn = opaque;
    if (conn == NULL)
        return;
    stmt_cache_clear(&conn->cache, finalize_statement, NULL);
    /* Refreshes the planner's statistics where they went stale, as SQLite advises at close. */
    (void)sqlite3_exec(conn->db, "PRAGMA analysis_limit=400; PRAGMA optimize;", NULL, NULL, NULL);
    sqlite3_close(conn->db);
    free(conn);
}

/* Finds or prepares the statement for sql; the cache owns it. */
static int statement_for(struct sqlite_conn *conn, const char *sql, sqlite3_stmt **out,
                         struct err *err)
{
    sqlite3_stmt *stmt = stmt_cache_get(&conn->cache, sql);
    if (stmt != NULL) {
        *out = stmt;
        return 0;
    }
    int rc = sqlite3_prepare_v3(conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK) {
        log_error("sqlite_prepare", "rc=%d msg=\"%s\"", rc, sqlite3_errmsg(conn->db));
        return sqlite_error(conn->db, rc, err);
    }
    void *evicted = NULL;
    if (stmt_cache_put(&conn->cache, sql, stmt, &evicted) < 0) {
        sqlite3_finalize(stmt);
        return err_set(err, ERR_INTERNAL, "out of memory");
    }
    sqlite3_finalize(evicted);
    *out = stmt;
    return 0;
}

static int bind_params(sqlite3_stmt *stmt, const struct sql_param *params, size_t n_params)
{
    int rc = SQLITE_OK;
    for (size_t i = 0; i < n_params && rc == SQLITE_OK; i++) {
        const struct sql_param *p = &params[i];
        int at = (int)i + 1;
        switch (p->type) {
        case SQL_PARAM_NULL:
            rc = sqlite3_bind_null(stmt, at);
            break;
        case SQL_PARAM_INT:
            rc = sqlite3_bind_int64(stmt, at, p->i);
            break;
        case SQL_PARAM_REAL:
            rc = sqlite3_bind_double(stmt, at, p->r);
            break;
        case SQL_PARAM_TEXT:
            rc = sqlite3_bind_text64(stmt, at, p->text, p->len, SQLITE_STATIC, SQLITE_UTF8);
            break;
        case SQL_PARAM_BLOB:
            rc = sqlite3_bind_blob64(stmt, at, p->len > 0 ? p->text : "", p->len, SQLITE_STATIC);
            break;
        }
    }
    return rc;
}

static int grow_rows(struct arena *arena, struct store_rows *rows, size_t *cap_rows)
{
    size_t new_cap = *cap_rows ? *cap_rows * 2 : 16;
    size_t row_bytes = rows->n_cols * sizeof(struct store_value);
    rows->values = arena_grow(arena, rows->values, *cap_rows * row_bytes, new_cap * row_bytes);
    *cap_rows = new_cap;
    return 0;
}

/* max_cpu_us 0: no budget; *completed is false when the budget stopped the statement. */
static int sqlite_run(struct sqlite_conn *conn, struct arena *arena, const char *sql,
                      const struct sql_param *params, size_t n_params, int64_t max_cpu_us,
                      struct store_rows *rows_out, bool *completed, struct err *err)
{
    sqlite3_stmt *stmt = NULL;
    *completed = true;
    int rc = statement_for(conn, sql, &stmt, err);
    if (rc < 0)
        return rc;
    int result = 0;
    conn->deadline_ms = clock_monotonic_ms() + STATEMENT_TIMEOUT_MS;
    conn->cpu_limit_us = max_cpu_us > 0 ? thread_cpu_us() + max_cpu_us : 0;
    conn->over_budget = false;
    rc = bind_params(stmt, params, n_params);
    if (rc != SQLITE_OK) {
        result = sqlite_error(conn->db, rc, err);
        goto out;
    }
    size_t n_cols = (size_t)sqlite3_column_count(stmt);
    size_t cap_rows = 0;
    if (rows_out != NULL) {
        memset(rows_out, 0, sizeof(*rows_out));
        rows_out->n_cols = n_cols;
        rows_out->names = arena_alloc_array(arena, n_cols ? n_cols : 1, sizeof(char *));
        for (size_t c = 0; c < n_cols; c++)
            rows_out->names[c] = arena_strdup(arena, sqlite3_column_name(stmt, (int)c));
    }
    for (;;) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE)
            break;
        if (rc == SQLITE_INTERRUPT && conn->over_budget) {
            *completed = false;
            if (rows_out != NULL)
                rows_out->n_rows = 0;
            goto out;
        }
        if (rc != SQLITE_ROW) {
            result = sqlite_error(conn->db, rc, err);
            goto out;
        }
        if (rows_out == NULL)
            continue;
        if (rows_out->n_rows == cap_rows)
            grow_rows(arena, rows_out, &cap_rows);
        struct store_value *row = &rows_out->values[rows_out->n_rows * n_cols];
        for (size_t c = 0; c < n_cols; c++) {
            struct store_value *v = &row[c];
            switch (sqlite3_column_type(stmt, (int)c)) {
            case SQLITE_NULL:
                v->type = STORE_NULL;
                break;
            case SQLITE_INTEGER:
                v->type = STORE_INT;
                v->i = sqlite3_column_int64(stmt, (int)c);
                break;
            case SQLITE_FLOAT:
                v->type = STORE_REAL;
                v->r = sqlite3_column_double(stmt, (int)c);
                break;
            case SQLITE_BLOB: {
                /* Bytes read as text with their length (they may hold NULs). */
                const void *data = sqlite3_column_blob(stmt, (int)c);
                v->type = STORE_TEXT;
                v->len = (size_t)sqlite3_column_bytes(stmt, (int)c);
                v->text = arena_strndup(arena, data ? data : "", v->len);
                break;
            }
            default: {
                const unsigned char *text = sqlite3_column_text(stmt, (int)c);
                v->type = STORE_TEXT;
                v->len = (size_t)sqlite3_column_bytes(stmt, (int)c);
                v->text = arena_strndup(arena, text ? (const char *)text : "", v->len);
                break;
            }
            }
        }
        rows_out->n_rows++;
    }
out:
    conn->deadline_ms = 0;
    conn->cpu_limit_us = 0;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return result;
}

static int sqlite_query(void *opaque, struct arena *arena, const char *sql,
                        const struct sql_param *params, size_t n_params,
                        struct store_rows *rows_out, struct err *err)
{
    bool completed;
    return sqlite_run(opaque, arena, sql, params, n_params, 0, rows_out, &completed, err);
}

static int sqlite_query_bounded(void *opaque, struct arena *arena, const char *sql,
                                const struct sql_param *params, size_t n_params, int64_t max_cpu_us,
                                struct store_rows *rows_out, bool *completed, struct err *err)
{
    if (max_cpu_us < 1)
        max_cpu_us = 1;
    return sqlite_run(opaque, arena, sql, params, n_params, max_cpu_us, rows_out, completed, err);
}

static int sqlite_exec_script(void *opaque, const char *sql, struct err *err)
{
    struct sqlite_conn *conn = opaque;
    char *msg = NULL;
    int rc = sqlite3_exec(conn->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        err_set(err, rc == SQLITE_BUSY ? ERR_UNAVAILABLE : ERR_INTERNAL, "%s",
                msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return -err->code;
    }
    return 0;
}

const struct store_backend store_sqlite_backend = {
    .name = "sqlite",
    .dialect = SQL_SQLITE,
    .connect = sqlite_connect,
    .disconnect = sqlite_disconnect,
    .query = sqlite_query,
    .query_bounded = sqlite_query_bounded,
    .exec_script = sqlite_exec_script,
};
