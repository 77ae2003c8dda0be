/*
 * Attachments in the database: one row per file with its bytes as a binary
 * parameter (SQL_PARAM_BLOB), read back as a value with its length. Lists
 * and metadata reads never select the bytes.
 */
#include "store/attachments.h"

#include "base/arena.h"
#include "store/store.h"

#define ATTACHMENT_COLUMNS                                                                         \
    "\"id\", \"entity\", \"record_id\", \"file_name\", \"content_type\", \"size\", \"sha256\", "   \
    "\"created_at\", \"created_by\""

/* Row r of a SELECT of ATTACHMENT_COLUMNS as API JSON (new reference). */
static json_t *attachment_json(const struct store_rows *rows, size_t r)
{
    json_t *a = json_object();
    json_object_set_new(a, "id", store_value_int_json(store_rows_at(rows, r, 0)));
    json_object_set_new(a, "entity", json_string(store_rows_at(rows, r, 1)->text));
    json_object_set_new(a, "record_id", store_value_int_json(store_rows_at(rows, r, 2)));
    json_object_set_new(a, "file_name", json_string(store_rows_at(rows, r, 3)->text));
    json_object_set_new(a, "content_type", json_string(store_rows_at(rows, r, 4)->text));
    json_object_set_new(a, "size", store_value_int_json(store_rows_at(rows, r, 5)));
    json_object_set_new(a, "sha256", json_string(store_rows_at(rows, r, 6)->text));
    json_object_set_new(a, "created_at", json_string(store_rows_at(rows, r, 7)->text));
    json_object_set_new(a, "created_by", store_value_int_json(store_rows_at(rows, r, 8)));
    return a;
}

int store_attachment_insert(struct store_conn *conn, struct arena *arena,
                            const struct attachment_new *a, int64_t *id_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"attachments\" (\"entity\", \"record_id\", \"file_name\", "
                  "\"content_type\", \"size\", \"sha256\", \"data\", \"created_by\", "
                  "\"created_at\") VALUES (");
    sql_param_cstr(&sql, a->entity);
    sql_add(&sql, ", ");
    sql_param_int(&sql, a->record_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, a->file_name);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, a->content_type);
    sql_add(&sql, ", ");
    sql_param_int(&sql, (int64_t)a->size);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, a->sha256);
    sql_add(&sql, ", ");
    sql_param_blob(&sql, a->data, a->size);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, a->created_by);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, a->created_at);
    sql_add(&sql, ") RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows != 1)
        return err_set(err, ERR_INTERNAL, "the attachment was not written");
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_attachment_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                         struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " ATTACHMENT_COLUMNS " FROM \"attachments\" "
                  "WHERE \"deleted_at\" IS NULL AND \"id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no attachment with id %lld", (long long)id);
    *out = attachment_json(&rows, 0);
    return 0;
}

int store_attachments_list(struct store_conn *conn, struct arena *arena, const char *entity,
                           int64_t record_id, json_t **out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " ATTACHMENT_COLUMNS " FROM \"attachments\" "
                  "WHERE \"deleted_at\" IS NULL AND \"entity\" = ");
    sql_param_cstr(&sql, entity);
    sql_add(&sql, " AND \"record_id\" = ");
    sql_param_int(&sql, record_id);
    sql_add(&sql, " ORDER BY \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t r = 0; r < rows.n_rows; r++)
        json_array_append_new(list, attachment_json(&rows, r));
    *out = list;
    return 0;
}

int store_attachment_content(struct store_conn *conn, struct arena *arena, int64_t id,
                             const char **data, size_t *len, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql,
            "SELECT \"data\" FROM \"attachments\" WHERE \"deleted_at\" IS NULL AND \"id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no attachment with id %lld", (long long)id);
    const struct store_value *v = store_rows_at(&rows, 0, 0);
    *data = v->type == STORE_TEXT ? v->text : "";
    *len = v->type == STORE_TEXT ? v->len : 0;
    return 0;
}

int store_attachment_delete(struct store_conn *conn, struct arena *arena, int64_t id,
                            const char *at, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"attachments\" SET \"deleted_at\" = ");
    sql_param_cstr(&sql, at);
    sql_add(&sql, " WHERE \"deleted_at\" IS NULL AND \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no attachment with id %lld", (long long)id);
    return 0;
}
