/*
 * Exports in the database (store/exports.h): the exports table, read with
 * its job (LEFT JOIN on the job's idempotency key) so that a running or
 * given-up job shows in the export's status.
 */
#include "store/exports.h"

#include <string.h>

#include "base/arena.h"
#include "store/store.h"

#define EXPORT_SELECT                                                                              \
    "SELECT e.\"id\", e.\"entity\", e.\"format\", e.\"request\", e.\"status\", e.\"rows_done\", "  \
    "e.\"file_id\", e.\"error\", e.\"created_by\", e.\"created_at\", e.\"finished_at\", "          \
    "j.\"state\", j.\"last_error\" FROM \"exports\" e LEFT JOIN \"jobs\" j ON "                    \
    "j.\"idempotency_key\" = '" EXPORT_JOB_KEY_PREFIX "' || CAST(e.\"id\" AS TEXT)"

static json_t *text_or_null(const struct store_value *v)
{
    return v->type == STORE_NULL ? json_null() : json_string(v->text);
}

/*
 * Row r of EXPORT_SELECT as JSON. A queued export whose job is running is
 * "running"; one whose job failed for the last time is "failed" with the
 * job's error.
 */
static json_t *export_json(const struct store_rows *rows, size_t r)
{
    json_error_t jerr;
    json_t *request = json_loads(store_rows_at(rows, r, 3)->text, 0, &jerr);
    const char *status = store_rows_at(rows, r, 4)->text;
    const struct store_value *job_state = store_rows_at(rows, r, 11);
    json_t *error = text_or_null(store_rows_at(rows, r, 7));
    if (strcmp(status, "queued") == 0 && job_state->type != STORE_NULL) {
        if (strcmp(job_state->text, "running") == 0) {
            status = "running";
        } else if (strcmp(job_state->text, "failed") == 0) {
            status = "failed";
            json_decref(error);
            error = text_or_null(store_rows_at(rows, r, 12));
        }
    }
    json_t *e = json_object();
    json_object_set_new(e, "id", store_value_int_json(store_rows_at(rows, r, 0)));
    json_object_set_new(e, "entity", json_string(store_rows_at(rows, r, 1)->text));
    json_object_set_new(e, "format", json_string(store_rows_at(rows, r, 2)->text));
    json_object_set_new(e, "request", request != NULL ? request : json_object());
    json_object_set_new(e, "status", json_string(status));
    json_object_set_new(e, "rows", store_value_int_json(store_rows_at(rows, r, 5)));
    json_object_set_new(e, "file_id", store_value_int_json(store_rows_at(rows, r, 6)));
    json_object_set_new(e, "error", error);
    json_object_set_new(e, "created_by", store_value_int_json(store_rows_at(rows, r, 8)));
    json_object_set_new(e, "created_at", json_string(store_rows_at(rows, r, 9)->text));
    json_object_set_new(e, "finished_at", text_or_null(store_rows_at(rows, r, 10)));
    return e;
}

int store_export_insert(struct store_conn *conn, struct arena *arena, const struct export_new *e,
                        int64_t *id_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"exports\" (\"entity\", \"format\", \"request\", \"status\", "
                  "\"created_by\", \"created_at\") VALUES (");
    sql_param_cstr(&sql, e->entity);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, e->format);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, e->request);
    sql_add(&sql, ", 'queued', ");
    sql_param_int(&sql, e->created_by);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, e->created_at);
    sql_add(&sql, ") RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows != 1)
        return err_set(err, ERR_INTERNAL, "the export was not written");
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_export_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                     struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, EXPORT_SELECT " WHERE e.\"id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no export with id %lld", (long long)id);
    *out = export_json(&rows, 0);
    return 0;
}

int store_exports_list(struct store_conn *conn, struct arena *arena, int64_t created_by,
                       int64_t before_id, size_t limit, json_t **out, int64_t *next_before_id,
                       struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, EXPORT_SELECT " WHERE 1 = 1");
    if (created_by > 0) {
        sql_add(&sql, " AND e.\"created_by\" = ");
        sql_param_int(&sql, created_by);
    }
    if (before_id > 0) {
        sql_add(&sql, " AND e.\"id\" < ");
        sql_param_int(&sql, before_id);
    }
    sql_add(&sql, " ORDER BY e.\"id\" DESC LIMIT ");
    sql_param_int(&sql, (int64_t)limit + 1);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    size_t n = rows.n_rows > limit ? limit : rows.n_rows;
    *out = json_array();
    for (size_t r = 0; r < n; r++)
        json_array_append_new(*out, export_json(&rows, r));
    *next_before_id = rows.n_rows > limit ? store_value_int(store_rows_at(&rows, n - 1, 0)) : 0;
    return 0;
}

int store_export_finish(struct store_conn *conn, struct arena *arena, int64_t id,
                        const char *status, int64_t rows_done, int64_t file_id, const char *error,
                        const char *finished_at, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"exports\" SET \"status\" = ");
    sql_param_cstr(&sql, status);
    sql_add(&sql, ", \"rows_done\" = ");
    sql_param_int(&sql, rows_done);
    sql_add(&sql, ", \"file_id\" = ");
    sql_param_id_or_null(&sql, file_id);
    sql_add(&sql, ", \"error\" = ");
    sql_param_text_or_null(&sql, error);
    sql_add(&sql, ", \"finished_at\" = ");
    sql_param_cstr(&sql, finished_at);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_export_job_hold(struct store_conn *conn, struct arena *arena, int64_t job_id,
                          struct err *err)
{
    if (store_conn_dialect(conn) != SQL_POSTGRES)
        return 0;
    struct sql_builder sql;
    sql_init(&sql, arena, SQL_POSTGRES);
    sql_add(&sql, "SELECT \"id\" FROM \"jobs\" WHERE \"id\" = ");
    sql_param_int(&sql, job_id);
    sql_add(&sql, " FOR UPDATE");
    return store_query(conn, arena, &sql, NULL, err);
}
