/*
 * PostgreSQL backend over libpq: one connection per pool slot, opened with a
 * connect timeout, UTF-8, UTC and a statement timeout. Each connection keeps
 * a small cache of server-side prepared statements keyed by their SQL text;
 * parameters travel in text format, except bytes (SQL_PARAM_BLOB), which go
 * in binary format; a BYTEA result (hex text) is decoded into its bytes.
 * SQLSTATE codes become base/err.h codes here and nowhere else. The URL
 * (which may hold a password) never appears in a message or a log line:
 * only host:port does.
 *
 * DESIGN: a lost connection (SQLSTATE class 08 or CONNECTION_BAD) fails the
 * statement with ERR_UNAVAILABLE and marks the connection; the next
 * statement first tries PQreset() once, which also forgets the prepared
 * statements (they lived in the old session). Callers roll back on any
 * error, so a transaction aborted by a failed statement never lingers.
 */
#include "store/store.h"

#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "store/stmt_cache.h"

#define STMT_NAME_BYTES 24
#define CONNECT_TIMEOUT_SECONDS "5"
#define STATEMENT_TIMEOUT "30s"
#define NUMBER_TEXT_BYTES 32

/* Type OIDs from the pg_type catalogue (stable since PostgreSQL 7). */
enum pg_type_oid {
    PG_OID_BOOL = 16,
    PG_OID_BYTEA = 17,
    PG_OID_INT8 = 20,
    PG_OID_INT2 = 21,
    PG_OID_INT4 = 23,
    PG_OID_OID = 26,
    PG_OID_FLOAT4 = 700,
    PG_OID_FLOAT8 = 701,
};

struct pg_conn {
    PGconn *pg;
    bool needs_reset;
    char where[160]; /* "host:port", for messages */
    struct stmt_cache cache; /* handles are statement names (heap strings) */
    uint64_t next_stmt_id;
};

/* Server notices (e.g. "relation already exists, skipping") go to the debug log. */
static void pg_notice(void *arg, const char *message)
{
    char quoted[512];
    size_t len = strlen(message);
    char text[480];
    (void)arg;
    while (len > 0 && message[len - 1] == '\n')
        len--;
    if (len >= sizeof(text))
        len = sizeof(text) - 1;
    memcpy(text, message, len);
    text[len] = '\0';
    log_debug("pg_notice", "message=%s", log_quote(quoted, sizeof(quoted), text));
}

/* Copies libpq's message without the trailing newline, lines joined by "; ". */
static void pg_message(PGconn *pg, char *out, size_t out_size)
{
    const char *msg = pg != NULL ? PQerrorMessage(pg) : "out of memory";
    size_t len = 0;
    for (const char *p = msg; *p != '\0' && len + 3 < out_size; p++) {
        if (*p == '\n') {
            while (p[1] == ' ' || p[1] == '\t' || p[1] == '\n')
                p++;
            if (p[1] == '\0')
                break;
            out[len++] = ';';
            out[len++] = ' ';
        } else {
            out[len++] = *p == '\t' ? ' ' : *p;
        }
    }
    out[len] = '\0';
}

static void pg_remember_where(struct pg_conn *conn)
{
    const char *host = conn->pg ? PQhost(conn->pg) : NULL;
    const char *port = conn->pg ? PQport(conn->pg) : NULL;
    snprintf(conn->where, sizeof(conn->where), "%s:%s", host && *host ? host : "localhost",
             port && *port ? port : "5432");
}

static void free_statement_name(void *name, void *ctx)
{
    (void)ctx;
    free(name);
}

/* Forgets every cached statement (after a reconnect the server has none). */
static void pg_cache_forget(struct pg_conn *conn)
{
    stmt_cache_clear(&conn->cache, free_statement_name, NULL);
}

static int pg_connect(const char *location, void **conn_out, struct err *err)
{
    struct pg_conn *conn = calloc(1, sizeof(*conn));
    if (conn == NULL)
        return err_set(err, ERR_INTERNAL, "out of memory");
    /*
     * Our defaults come before dbname, which holds the URL: keywords are
     * applied in order, so anything the URL sets itself wins.
     */
    const char *const keys[] = {"connect_timeout",  "client_encoding", "options",
                                "application_name", "dbname",          NULL};
    const char *const values[] = {
        CONNECT_TIMEOUT_SECONDS,
        "UTF8",
        "-c TimeZone=UTC -c bytea_output=hex -c statement_timeout=" STATEMENT_TIMEOUT,
        "crm",
        location,
        NULL};
    conn->pg = PQconnectdbParams(keys, values, 1);
    pg_remember_where(conn);
    if (conn->pg == NULL || PQstatus(conn->pg) != CONNECTION_OK) {
        char msg[256];
        pg_message(conn->pg, msg, sizeof(msg));
        err_set(err, ERR_UNAVAILABLE, "cannot connect to PostgreSQL at %s: %s", conn->where, msg);
        PQfinish(conn->pg);
        free(conn);
        return -ERR_UNAVAILABLE;
    }
    PQsetNoticeProcessor(conn->pg, pg_notice, NULL);
    *conn_out = conn;
    return 0;
}

static void pg_disconnect(void *opaque)
{
    struct pg_conn *conn = opaque;
    if (conn == NULL)
        return;
    pg_cache_forget(conn);
    PQfinish(conn->pg);
    free(conn);
}

/* Tries once to reconnect a connection that was lost. */
static int pg_ensure_connected(struct pg_conn *conn, struct err *err)
{
    if (!conn->needs_reset && PQstatus(conn->pg) == CONNECTION_OK)
        return 0;
    pg_cache_forget(conn);
    PQreset(conn->pg);
    if (PQstatus(conn->pg) != CONNECTION_OK) {
        char msg[256];
        pg_message(conn->pg, msg, sizeof(msg));
        conn->needs_reset = true;
        log_warn("pg_reconnect_failed", "at=%s", conn->where);
        return err_set(err, ERR_UNAVAILABLE, "cannot connect to PostgreSQL at %s: %s", conn->where,
                       msg);
    }
    conn->needs_reset = false;
    log_info("pg_reconnected", "at=%s", conn->where);
    return 0;
}

static bool sqlstate_is(const char *state, const char *code)
{
    return strcmp(state, code) == 0;
}

static bool sqlstate_class_is(const char *state, const char *cls)
{
    return strncmp(state, cls, 2) == 0;
}

/* Translates a failed result (res may be NULL) into an error code. */
static int pg_error(struct pg_conn *conn, const PGresult *res, struct err *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char detail[256];
    pg_message(conn->pg, detail, sizeof(detail));
    if (PQstatus(conn->pg) == CONNECTION_BAD || (state != NULL && sqlstate_class_is(state, "08"))) {
        conn->needs_reset = true;
        log_warn("pg_connection_lost", "at=%s sqlstate=%s", conn->where, state ? state : "none");
        return err_set(err, ERR_UNAVAILABLE, "lost the connection to PostgreSQL at %s: %s",
                       conn->where, detail);
    }
    if (state == NULL) {
        /* Raised by libpq itself (out of memory, a protocol problem). */
        char quoted[320];
        log_error("pg_error", "sqlstate=none message=%s",
                  log_quote(quoted, sizeof(quoted), detail));
        return err_set(err, ERR_INTERNAL, "database error: %s", detail);
    }
    if (msg == NULL)
        msg = "unknown error";
    if (sqlstate_is(state, "23505"))
        return err_set(err, ERR_CONFLICT, "a record with the same unique value exists");
    if (sqlstate_is(state, "23503"))
        return err_set(err, ERR_VALIDATION, "a referenced record does not exist");
    if (sqlstate_is(state, "23502") || sqlstate_is(state, "23514"))
        return err_set(err, ERR_VALIDATION, "constraint failed: %s", msg);
    if (sqlstate_class_is(state, "22"))
        return err_set(err, ERR_VALIDATION, "invalid value: %s", msg);
    if (sqlstate_is(state, "40001") || sqlstate_is(state, "40P01") || sqlstate_is(state, "55P03"))
        return err_set(err, ERR_UNAVAILABLE, "the database is busy");
    if (sqlstate_is(state, "57014"))
        return err_set(err, ERR_TIMEOUT, "the query was cancelled after too long");
    char quoted[320];
    log_error("pg_error", "sqlstate=%s message=%s", state, log_quote(quoted, sizeof(quoted), msg));
    return err_set(err, ERR_INTERNAL, "database error: %s", msg);
}

/* Drops a statement from the server; harmless if it fails (the name is never reused). */
static void pg_deallocate(struct pg_conn *conn, const char *name)
{
    if (PQtransactionStatus(conn->pg) == PQTRANS_INERROR)
        return;
    char sql[STMT_NAME_BYTES + 32];
    snprintf(sql, sizeof(sql), "DEALLOCATE \"%s\"", name);
    PQclear(PQexec(conn->pg, sql));
}

/* Finds or prepares the statement for sql; *name_out points into the cache. */
static int statement_for(struct pg_conn *conn, const char *sql, const char **name_out,
                         struct err *err)
{
    const char *cached = stmt_cache_get(&conn->cache, sql);
    if (cached != NULL) {
        *name_out = cached;
        return 0;
    }
    char *name = malloc(STMT_NAME_BYTES);
    if (name == NULL)
        return err_set(err, ERR_INTERNAL, "out of memory");
    snprintf(name, STMT_NAME_BYTES, "crm_%llu", (unsigned long long)++conn->next_stmt_id);
    PGresult *res = PQprepare(conn->pg, name, sql, 0, NULL);
    if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
        int rc = pg_error(conn, res, err);
        PQclear(res);
        free(name);
        return rc;
    }
    PQclear(res);
    void *evicted = NULL;
    if (stmt_cache_put(&conn->cache, sql, name, &evicted) < 0) {
        pg_deallocate(conn, name);
        free(name);
        return err_set(err, ERR_INTERNAL, "out of memory");
    }
    if (evicted != NULL) {
        pg_deallocate(conn, evicted);
        free(evicted);
    }
    *name_out = name;
    return 0;
}

/* The values, lengths and formats PQexecPrepared takes, in one heap block. */
struct pg_params {
    const char **values; /* text, or bytes for a binary one; NULL for SQL NULL */
    int *lengths;        /* of binary values */
    int *formats;        /* 0: text, 1: binary */
    char *block;         /* the caller frees it */
};

/*
 * Writes every parameter as text into one heap block, except bytes, which
 * are passed as they are in binary format (they stay in the caller's memory).
 */
static int format_params(const struct sql_param *params, size_t n_params, struct pg_params *out,
                         struct err *err)
{
    size_t bytes = n_params * (sizeof(char *) + 2 * sizeof(int));
    for (size_t i = 0; i < n_params; i++) {
        if (params[i].type == SQL_PARAM_TEXT)
            bytes += params[i].len + 1;
        else if (params[i].type != SQL_PARAM_BLOB)
            bytes += NUMBER_TEXT_BYTES;
        else if (params[i].len > INT_MAX)
            return err_set(err, ERR_TOO_LARGE, "a value is too large for the database");
    }
    out->block = malloc(bytes ? bytes : 1);
    if (out->block == NULL)
        return err_set(err, ERR_INTERNAL, "out of memory");
    const char **ptrs = (const char **)(void *)out->block;
    int *lengths = (int *)(void *)(out->block + n_params * sizeof(char *));
    int *formats = lengths + n_params;
    char *text = (char *)(formats + n_params);
    for (size_t i = 0; i < n_params; i++) {
        const struct sql_param *p = &params[i];
        ptrs[i] = text;
        lengths[i] = 0;
        formats[i] = 0;
        switch (p->type) {
        case SQL_PARAM_NULL:
            ptrs[i] = NULL;
            text += NUMBER_TEXT_BYTES;
            break;
        case SQL_PARAM_INT:
            snprintf(text, NUMBER_TEXT_BYTES, "%lld", (long long)p->i);
            text += NUMBER_TEXT_BYTES;
            break;
        case SQL_PARAM_REAL:
            snprintf(text, NUMBER_TEXT_BYTES, "%.17g", p->r);
            text += NUMBER_TEXT_BYTES;
            break;
        case SQL_PARAM_TEXT:
            if (p->len > 0)
                memcpy(text, p->text, p->len);
            text[p->len] = '\0';
            text += p->len + 1;
            break;
        case SQL_PARAM_BLOB:
            ptrs[i] = p->len > 0 ? p->text : "";
            lengths[i] = (int)p->len;
            formats[i] = 1;
            break;
        }
    }
    out->values = ptrs;
    out->lengths = lengths;
    out->formats = formats;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A BYTEA in hex output ("\x4142") as its bytes, NUL-terminated in the arena. */
static void read_bytea(struct arena *arena, const char *text, size_t len, struct store_value *v)
{
    if (len >= 2 && text[0] == '\\' && text[1] == 'x') {
        text += 2;
        len -= 2;
    }
    char *bytes = arena_alloc(arena, len / 2 + 1);
    size_t n = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        int hi = hex_digit(text[i]);
        int lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0)
            break; /* bytea_output=hex is set on connect: cannot happen */
        bytes[n++] = (char)(hi << 4 | lo);
    }
    bytes[n] = '\0';
    v->type = STORE_TEXT;
    v->text = bytes;
    v->len = n;
}

static void read_value(struct arena *arena, const PGresult *res, int row, int col, Oid type,
                       struct store_value *v)
{
    if (PQgetisnull(res, row, col)) {
        v->type = STORE_NULL;
        return;
    }
    const char *text = PQgetvalue(res, row, col);
    switch (type) {
    case PG_OID_INT2:
    case PG_OID_INT4:
    case PG_OID_INT8:
    case PG_OID_OID:
        v->type = STORE_INT;
        v->i = strtoll(text, NULL, 10);
        break;
    case PG_OID_FLOAT4:
    case PG_OID_FLOAT8:
        v->type = STORE_REAL;
        v->r = strtod(text, NULL);
        break;
    case PG_OID_BOOL:
        v->type = STORE_INT;
        v->i = text[0] == 't' ? 1 : 0;
        break;
    case PG_OID_BYTEA:
        read_bytea(arena, text, (size_t)PQgetlength(res, row, col), v);
        break;
    default:
        v->type = STORE_TEXT;
        v->len = (size_t)PQgetlength(res, row, col);
        v->text = arena_strndup(arena, text, v->len);
        break;
    }
}

/* Copies a result into the arena. */
static void read_rows(struct arena *arena, const PGresult *res, struct store_rows *rows)
{
    size_t n_cols = (size_t)PQnfields(res);
    size_t n_rows = (size_t)PQntuples(res);
    memset(rows, 0, sizeof(*rows));
    rows->n_cols = n_cols;
    rows->n_rows = n_rows;
    rows->names = arena_alloc_array(arena, n_cols ? n_cols : 1, sizeof(char *));
    size_t n_values = n_rows * n_cols;
    rows->values =
        arena_alloc_array(arena, n_values > 0 ? n_values : 1, sizeof(struct store_value));
    for (size_t c = 0; c < n_cols; c++)
        rows->names[c] = arena_strdup(arena, PQfname(res, (int)c));
    for (size_t r = 0; r < n_rows; r++) {
        for (size_t c = 0; c < n_cols; c++)
            read_value(arena, res, (int)r, (int)c, PQftype(res, (int)c),
                       &rows->values[r * n_cols + c]);
    }
}

static int pg_query(void *opaque, struct arena *arena, const char *sql,
                    const struct sql_param *params, size_t n_params, struct store_rows *rows_out,
                    struct err *err)
{
    struct pg_conn *conn = opaque;
    const char *name = NULL;
    struct pg_params values = {0};
    PGresult *res = NULL;
    ExecStatusType status;
    int rc = pg_ensure_connected(conn, err);
    if (rc < 0)
        return rc;
    rc = statement_for(conn, sql, &name, err);
    if (rc < 0)
        return rc;
    rc = format_params(params, n_params, &values, err);
    if (rc < 0)
        goto out;
    res = PQexecPrepared(conn->pg, name, (int)n_params, values.values, values.lengths,
                         values.formats, 0);
    status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        rc = pg_error(conn, res, err);
        goto out;
    }
    if (rows_out != NULL)
        read_rows(arena, res, rows_out);
out:
    PQclear(res);
    free(values.block);
    return rc;
}

/* Runs one fixed statement; 0 or an error. */
static int pg_exec_plain(struct pg_conn *conn, const char *sql, struct err *err)
{
    PGresult *res = PQexec(conn->pg, sql);
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = 0;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        rc = pg_error(conn, res, err);
    PQclear(res);
    return rc;
}

/*
 * Runs a multi-statement script. Migrations may rewrite large tables, so
 * the statement timeout is lifted for the script: SET LOCAL inside a
 * transaction (it ends with it), otherwise set and restored around it.
 */
static int pg_exec_script(void *opaque, const char *sql, struct err *err)
{
    struct pg_conn *conn = opaque;
    int rc = pg_ensure_connected(conn, err);
    if (rc < 0)
        return rc;
    bool in_transaction = PQtransactionStatus(conn->pg) == PQTRANS_INTRANS;
    rc = pg_exec_plain(
        conn, in_transaction ? "SET LOCAL statement_timeout = 0" : "SET statement_timeout = 0",
        err);
    if (rc < 0)
        return rc;
    rc = pg_exec_plain(conn, sql, err);
    if (!in_transaction) {
        struct err ignored;
        err_clear(&ignored);
        (void)pg_exec_plain(conn, "SET statement_timeout = '" STATEMENT_TIMEOUT "'", &ignored);
    }
    return rc;
}

const struct store_backend store_pg_backend = {
    .name = "postgresql",
    .dialect = SQL_POSTGRES,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .query = pg_query,
    .exec_script = pg_exec_script,
};
