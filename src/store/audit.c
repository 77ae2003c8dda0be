/*
 * The audit log: one row per change to a record and per security event,
 * written in the transaction of what it describes, and read back newest
 * first (one record's history, or the security log filtered by action and
 * user). Details are scrubbed of secrets (domain/audit.h) before they are
 * written; changes and details are stored as JSON text.
 */
#include "store/store.h"

#include <stdlib.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/audit.h"

/* Compact JSON text in the arena; NULL for NULL and null. */
static const char *audit_json_text(struct arena *arena, const json_t *value)
{
    return json_is_null(value) ? NULL : store_json_text(arena, value, NULL);
}

int store_audit_append(struct store_conn *conn, struct arena *arena,
                       const struct audit_entry *entry, struct err *err)
{
    const char *detail = NULL;
    if (entry->detail != NULL && !json_is_null(entry->detail)) {
        json_t *scrubbed = json_deep_copy(entry->detail);
        audit_scrub(scrubbed);
        detail = audit_json_text(arena, scrubbed);
        json_decref(scrubbed);
    }
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"audit_log\" (\"at\", \"user_id\", \"token_id\", \"kind\", "
                  "\"action\", \"entity\", \"record_id\", \"changes\", \"detail\", \"client\", "
                  "\"request_id\") VALUES (");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, entry->user_id);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, entry->token_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, entry->kind);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, entry->action);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, entry->entity);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, entry->record_id);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, audit_json_text(arena, entry->changes));
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, detail);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, entry->client);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, entry->request_id);
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

static json_t *value_or_null_text(const struct store_value *v)
{
    return v->type == STORE_NULL ? json_null() : json_stringn(v->text, v->len);
}

static json_t *value_or_null_json(const struct store_value *v)
{
    json_error_t jerr;
    json_t *parsed =
        v->type == STORE_TEXT ? json_loadb(v->text, v->len, JSON_DECODE_ANY, &jerr) : NULL;
    return parsed != NULL ? parsed : json_null();
}

static json_t *audit_entry_json(const struct store_rows *rows, size_t r)
{
    return json_pack(
        "{s:I,s:s,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:o}", "id",
        (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "at",
        store_rows_at(rows, r, 1)->text, "user_id", store_value_int_json(store_rows_at(rows, r, 2)),
        "user_name", value_or_null_text(store_rows_at(rows, r, 3)), "action",
        store_rows_at(rows, r, 4)->text, "entity", value_or_null_text(store_rows_at(rows, r, 5)),
        "record_id", store_value_int_json(store_rows_at(rows, r, 6)), "changes",
        value_or_null_json(store_rows_at(rows, r, 7)), "detail",
        value_or_null_json(store_rows_at(rows, r, 8)), "client",
        value_or_null_text(store_rows_at(rows, r, 9)));
}

int store_audit_list(struct store_conn *conn, struct arena *arena, const struct audit_query *q,
                     json_t **out, int64_t *next_before_id, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT a.\"id\", a.\"at\", a.\"user_id\", u.\"name\", a.\"action\", "
                  "a.\"entity\", a.\"record_id\", a.\"changes\", a.\"detail\", a.\"client\" "
                  "FROM \"audit_log\" a LEFT JOIN \"users\" u ON u.\"id\" = a.\"user_id\" "
                  "WHERE 1 = 1");
    if (q->kind != NULL) {
        sql_add(&sql, " AND a.\"kind\" = ");
        sql_param_cstr(&sql, q->kind);
    }
    if (q->entity != NULL) {
        sql_add(&sql, " AND a.\"entity\" = ");
        sql_param_cstr(&sql, q->entity);
        if (q->record_id != 0) {
            sql_add(&sql, " AND a.\"record_id\" = ");
            sql_param_int(&sql, q->record_id);
        }
    }
    if (q->action != NULL) {
        sql_add(&sql, " AND a.\"action\" = ");
        sql_param_cstr(&sql, q->action);
    }
    if (q->user_id != 0) {
        sql_add(&sql, " AND a.\"user_id\" = ");
        sql_param_int(&sql, q->user_id);
    }
    if (q->before_id != 0) {
        sql_add(&sql, " AND a.\"id\" < ");
        sql_param_int(&sql, q->before_id);
    }
    sql_add(&sql, " ORDER BY a.\"id\" DESC");
    if (q->limit > 0) {
        /* One row more than asked says whether another page follows. */
        sql_add(&sql, " LIMIT ");
        sql_param_int(&sql, (int64_t)q->limit + 1);
    }
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    size_t n = rows.n_rows;
    *next_before_id = 0;
    if (q->limit > 0 && n > q->limit) {
        n = q->limit;
        *next_before_id = store_value_int(store_rows_at(&rows, n - 1, 0));
    }
    json_t *list = json_array();
    for (size_t r = 0; r < n; r++)
        json_array_append_new(list, audit_entry_json(&rows, r));
    *out = list;
    return 0;
}
