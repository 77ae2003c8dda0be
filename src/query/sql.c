/*
 * SQL text builder. The text lives in a struct buf whose bytes come from the
 * caller's arena (grown with arena_grow), capped at SQL_MAX_TEXT_BYTES; going
 * over the cap sets a sticky flag that sql_finish() reports. Keeping the bytes
 * in the arena rather than on the heap means nothing has to be released, so a
 * builder may live in a stack frame shorter than its arena.
 */
#include "query/sql.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"

#define SQL_MAX_TEXT_BYTES (1024 * 1024)
#define SQL_FIRST_TEXT_BYTES 256
#define SQL_FIRST_PARAMS 8

void sql_init(struct sql_builder *sql, struct arena *arena, enum sql_dialect dialect)
{
    memset(sql, 0, sizeof(*sql));
    sql->dialect = dialect;
    sql->arena = arena;
    sql->text.max_bytes = SQL_MAX_TEXT_BYTES;
}

/* Makes room for extra more bytes plus the NUL; false (and failed set) past the cap. */
static bool sql_reserve(struct sql_builder *sql, size_t extra)
{
    struct buf *text = &sql->text;
    if (sql->failed)
        return false;
    if (extra > text->max_bytes - text->len) {
        sql->failed = 1;
        return false;
    }
    size_t need = text->len + extra + 1;
    if (need <= text->cap)
        return true;
    size_t cap = text->cap == 0 ? SQL_FIRST_TEXT_BYTES : text->cap;
    while (cap < need)
        cap *= 2;
    if (cap > text->max_bytes + 1)
        cap = text->max_bytes + 1;
    if (text->data == NULL)
        text->data = arena_alloc(sql->arena, cap);
    else
        text->data = arena_grow(sql->arena, text->data, text->cap, cap);
    text->cap = cap;
    return true;
}

static void sql_append(struct sql_builder *sql, const char *data, size_t len)
{
    if (!sql_reserve(sql, len))
        return;
    memcpy(sql->text.data + sql->text.len, data, len);
    sql->text.len += len;
    sql->text.data[sql->text.len] = '\0';
}

void sql_add(struct sql_builder *sql, const char *text)
{
    sql_append(sql, text, strlen(text));
}

void sql_addf(struct sql_builder *sql, const char *fmt, ...)
{
    va_list ap;
    char probe[1];

    va_start(ap, fmt);
    int n = vsnprintf(probe, sizeof(probe), fmt, ap);
    va_end(ap);
    if (n < 0) {
        sql->failed = 1;
        return;
    }
    if (!sql_reserve(sql, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sql->text.data + sql->text.len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sql->text.len += (size_t)n;
}

void sql_ident(struct sql_builder *sql, const char *name)
{
    assert(name != NULL && name[0] != '\0');
    for (const char *p = name; *p != '\0'; p++)
        assert((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
    sql_append(sql, "\"", 1);
    sql_add(sql, name);
    sql_append(sql, "\"", 1);
}

/* Records a parameter and writes its placeholder. */
static void sql_param_push(struct sql_builder *sql, struct sql_param param)
{
    if (sql->failed)
        return;
    if (sql->dialect == SQL_POSTGRES)
        sql_addf(sql, "$%zu", sql->n_params + 1);
    else
        sql_append(sql, "?", 1);
    if (sql->failed)
        return;
    if (sql->n_params == sql->cap_params) {
        size_t cap = sql->cap_params == 0 ? SQL_FIRST_PARAMS : sql->cap_params * 2;
        size_t size = sizeof(struct sql_param);
        if (sql->params == NULL)
            sql->params = arena_alloc_array(sql->arena, cap, size);
        else
            sql->params = arena_grow(sql->arena, sql->params, sql->cap_params * size, cap * size);
        sql->cap_params = cap;
    }
    sql->params[sql->n_params++] = param;
}

void sql_param_null(struct sql_builder *sql)
{
    sql_param_push(sql, (struct sql_param){.type = SQL_PARAM_NULL});
}

void sql_param_int(struct sql_builder *sql, int64_t value)
{
    sql_param_push(sql, (struct sql_param){.type = SQL_PARAM_INT, .i = value});
}

void sql_param_real(struct sql_builder *sql, double value)
{
    sql_param_push(sql, (struct sql_param){.type = SQL_PARAM_REAL, .r = value});
}

void sql_param_text(struct sql_builder *sql, const char *text, size_t len)
{
    /* A private NUL-terminated copy, so the caller's bytes may go away first. */
    char *copy = arena_alloc(sql->arena, len + 1);
    if (len > 0)
        memcpy(copy, text, len);
    sql_param_push(sql, (struct sql_param){.type = SQL_PARAM_TEXT, .text = copy, .len = len});
}

void sql_param_blob(struct sql_builder *sql, const void *data, size_t len)
{
    sql_param_push(sql, (struct sql_param){.type = SQL_PARAM_BLOB, .text = data, .len = len});
}

void sql_param_cstr(struct sql_builder *sql, const char *text)
{
    sql_param_text(sql, text, strlen(text));
}

void sql_param_text_or_null(struct sql_builder *sql, const char *text)
{
    if (text == NULL)
        sql_param_null(sql);
    else
        sql_param_cstr(sql, text);
}

void sql_param_id_or_null(struct sql_builder *sql, int64_t id)
{
    if (id == 0)
        sql_param_null(sql);
    else
        sql_param_int(sql, id);
}

int sql_finish(struct sql_builder *sql)
{
    return sql->failed ? -ERR_TOO_LARGE : 0;
}

const char *sql_text(const struct sql_builder *sql)
{
    return sql->text.data != NULL ? sql->text.data : "";
}
