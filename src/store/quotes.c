/*
 * The versions of quotes as they were sent: each send keeps the quote's
 * whole answer under its version number, so a revised quote still shows
 * what the customer received before.
 */
#include "store/store.h"

#include <stdlib.h>

#include "base/arena.h"

int store_quote_version_add(struct store_conn *conn, struct arena *arena, int64_t quote_id,
                            int64_t number, const json_t *quote, const char *at, int64_t user_id,
                            struct err *err)
{
    char *text = json_dumps(quote, JSON_COMPACT);
    if (text == NULL)
        return err_set(err, ERR_INTERNAL, "cannot write the quote");
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"quote_versions\" (\"quote_id\", \"number\", \"quote\", "
                  "\"sent_at\", \"sent_by\") VALUES (");
    sql_param_int(&sql, quote_id);
    sql_add(&sql, ", ");
    sql_param_int(&sql, number);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, arena_strdup(arena, text));
    free(text);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, at);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, user_id);
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

int store_quote_versions_list(struct store_conn *conn, struct arena *arena, int64_t quote_id,
                              json_t **out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT v.\"number\", v.\"sent_at\", v.\"sent_by\", v.\"quote\" "
                  "FROM \"quote_versions\" v WHERE v.\"quote_id\" = ");
    sql_param_int(&sql, quote_id);
    sql_add(&sql, " ORDER BY v.\"number\" DESC");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t r = 0; r < rows.n_rows; r++) {
        const struct store_value *by = store_rows_at(&rows, r, 2);
        const struct store_value *quote = store_rows_at(&rows, r, 3);
        json_t *snapshot = json_loadb(quote->text, quote->len, 0, NULL);
        json_array_append_new(
            list, json_pack("{s:I,s:s,s:o,s:o}", "number",
                            (json_int_t)store_value_int(store_rows_at(&rows, r, 0)), "sent_at",
                            store_rows_at(&rows, r, 1)->text, "sent_by",
                            by->type == STORE_NULL ? json_null() : json_integer(store_value_int(by)),
                            "quote", snapshot ? snapshot : json_null()));
    }
    *out = list;
    return 0;
}
