/*
 * Notifications in the store (see notifications.h): added once per source
 * key, read newest first per user, marked read by their user only.
 */
#include "store/notifications.h"

#include "base/arena.h"
#include "base/clock.h"
#include "store/store.h"

int store_notification_add(struct store_conn *conn, struct arena *arena,
                           const struct notification *n, bool *created, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"notifications\" (\"user_id\", \"kind\", \"at\", \"summary\", "
                  "\"entity\", \"record_id\", \"source_key\") VALUES (");
    sql_param_int(&sql, n->user_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, n->kind);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, n->summary);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, n->entity);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, n->record_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, n->source_key);
    sql_add(&sql, ") ON CONFLICT (\"source_key\") DO NOTHING RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0 && created != NULL)
        *created = rows.n_rows > 0;
    return rc;
}

static json_t *notification_json(const struct store_rows *rows, size_t r)
{
    const struct store_value *entity = store_rows_at(rows, r, 5);
    json_t *record = entity->type == STORE_TEXT
                         ? json_pack("{s:s,s:I}", "entity", entity->text, "id",
                                     (json_int_t)store_value_int(store_rows_at(rows, r, 6)))
                         : json_null();
    return json_pack("{s:I,s:s,s:s,s:b,s:s,s:o}", "id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "kind",
                     store_rows_at(rows, r, 1)->text, "at", store_rows_at(rows, r, 2)->text,
                     "read", store_rows_at(rows, r, 3)->type != STORE_NULL, "summary",
                     store_rows_at(rows, r, 4)->text, "record", record);
}

int store_notifications_list(struct store_conn *conn, struct arena *arena, int64_t user_id,
                             bool unread_only, int64_t before_id, size_t limit, json_t **out,
                             bool *more, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"id\", \"kind\", \"at\", \"read_at\", \"summary\", \"entity\", "
                  "\"record_id\" FROM \"notifications\" WHERE \"user_id\" = ");
    sql_param_int(&sql, user_id);
    if (unread_only)
        sql_add(&sql, " AND \"read_at\" IS NULL");
    if (before_id > 0) {
        sql_add(&sql, " AND \"id\" < ");
        sql_param_int(&sql, before_id);
    }
    sql_add(&sql, " ORDER BY \"id\" DESC LIMIT ");
    sql_param_int(&sql, (int64_t)limit + 1);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *more = rows.n_rows > limit;
    *out = json_array();
    for (size_t r = 0; r < rows.n_rows && r < limit; r++)
        json_array_append_new(*out, notification_json(&rows, r));
    return 0;
}

int store_notifications_unread(struct store_conn *conn, struct arena *arena, int64_t user_id,
                               int64_t *n_out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT COUNT(*) FROM \"notifications\" WHERE \"read_at\" IS NULL AND "
                  "\"user_id\" = ");
    sql_param_int(&sql, user_id);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0)
        *n_out = store_value_int(store_rows_at(&rows, 0, 0));
    return rc;
}

/* Marks read the user's unread notifications (one when id > 0); *n_out counts them. */
static int mark_read(struct store_conn *conn, struct arena *arena, int64_t user_id, int64_t id,
                     int64_t *n_out, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"notifications\" SET \"read_at\" = COALESCE(\"read_at\", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") WHERE \"user_id\" = ");
    sql_param_int(&sql, user_id);
    if (id > 0) {
        sql_add(&sql, " AND \"id\" = ");
        sql_param_int(&sql, id);
    } else {
        sql_add(&sql, " AND \"read_at\" IS NULL");
    }
    sql_add(&sql, " RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0)
        *n_out = (int64_t)rows.n_rows;
    return rc;
}

int store_notification_read(struct store_conn *conn, struct arena *arena, int64_t user_id,
                            int64_t id, struct err *err)
{
    int64_t n = 0;
    int rc = mark_read(conn, arena, user_id, id, &n, err);
    if (rc == 0 && n == 0)
        rc = err_set(err, ERR_NOT_FOUND, "no notification with id %lld", (long long)id);
    return rc;
}

int store_notifications_read_all(struct store_conn *conn, struct arena *arena, int64_t user_id,
                                 int64_t *n_out, struct err *err)
{
    return mark_read(conn, arena, user_id, 0, n_out, err);
}
