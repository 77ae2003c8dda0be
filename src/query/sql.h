/*
 * SQL text builder shared by the filter compiler and the store. Text is
 * appended from constants and from names declared in schemas; every value
 * from a caller becomes a parameter, written as "?" for SQLite and "$N" for
 * PostgreSQL. Lives in the caller's arena.
 */
#ifndef CRM_QUERY_SQL_H
#define CRM_QUERY_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct arena;

enum sql_dialect { SQL_SQLITE, SQL_POSTGRES };

/* SQL_PARAM_BLOB: bytes (BLOB on SQLite, BYTEA on PostgreSQL), borrowed, not NUL-terminated. */
enum sql_param_type {
    SQL_PARAM_NULL,
    SQL_PARAM_INT,
    SQL_PARAM_REAL,
    SQL_PARAM_TEXT,
    SQL_PARAM_BLOB
};

struct sql_param {
    enum sql_param_type type;
    int64_t i;
    double r;
    const char *text; /* not necessarily NUL-terminated */
    size_t len;
};

struct sql_builder {
    enum sql_dialect dialect;
    struct arena *arena;
    struct buf text;
    struct sql_param *params;
    size_t n_params;
    size_t cap_params;
    int failed; /* sticky: set when the text outgrew its cap */
};

/* The text buffer is released with the arena. */
void sql_init(struct sql_builder *sql, struct arena *arena, enum sql_dialect dialect);
void sql_add(struct sql_builder *sql, const char *text);
void sql_addf(struct sql_builder *sql, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a double-quoted identifier; name must come from a schema, never from input. */
void sql_ident(struct sql_builder *sql, const char *name);
void sql_param_null(struct sql_builder *sql);
void sql_param_int(struct sql_builder *sql, int64_t value);
void sql_param_real(struct sql_builder *sql, double value);
void sql_param_text(struct sql_builder *sql, const char *text, size_t len);
void sql_param_cstr(struct sql_builder *sql, const char *text);
/*
 * A binary parameter of len bytes. Not copied (it may be large): the bytes
 * must stay until the statement has run.
 */
void sql_param_blob(struct sql_builder *sql, const void *data, size_t len);
/* A text parameter, or NULL when text is NULL. */
void sql_param_text_or_null(struct sql_builder *sql, const char *text);
/* An id parameter, or NULL when id is 0 (none). */
void sql_param_id_or_null(struct sql_builder *sql, int64_t id);
/* 0, or -ERR_TOO_LARGE when the text outgrew its cap. */
int sql_finish(struct sql_builder *sql);
const char *sql_text(const struct sql_builder *sql);

#endif
