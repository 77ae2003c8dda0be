/*
 * Imports in the store (store/imports.h). Column names come from the table
 * below, never from input; values are parameters.
 */
#include "store/imports.h"

#include <string.h>

#include "base/arena.h"
#include "domain/entity.h"
#include "store/store.h"

const char *const store_import_columns[] = {
    "id",          "entity",     "format",           "file_id",    "file_name",
    "status",      "dry_run",    "settings",         "columns",    "preview",
    "source_key",  "total_rows", "rows_done",        "counts",     "next_offset",
    "next_line",   "run_ms",     "cancel_requested", "error",      "started_at",
    "finished_at", "created_by", "created_at",       "updated_at", "version",
};
const size_t store_import_n_columns =
    sizeof(store_import_columns) / sizeof(store_import_columns[0]);

static bool json_column(const char *name)
{
    return strcmp(name, "settings") == 0 || strcmp(name, "columns") == 0 ||
           strcmp(name, "preview") == 0 || strcmp(name, "counts") == 0;
}

static bool int_column(const char *name)
{
    static const char *const ints[] = {
        "id",        "file_id", "dry_run",          "total_rows", "rows_done", "next_offset",
        "next_line", "run_ms",  "cancel_requested", "created_by", "version"};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        if (strcmp(ints[i], name) == 0)
            return true;
    }
    return false;
}

static void select_columns(struct sql_builder *sql)
{
    sql_add(sql, "SELECT ");
    for (size_t i = 0; i < store_import_n_columns; i++) {
        if (i > 0)
            sql_add(sql, ", ");
        sql_ident(sql, store_import_columns[i]);
    }
    sql_add(sql, " FROM \"imports\"");
}

static json_t *import_json(const struct store_rows *rows, size_t r)
{
    json_t *o = json_object();
    for (size_t c = 0; c < store_import_n_columns; c++) {
        const char *name = store_import_columns[c];
        const struct store_value *v = store_rows_at(rows, r, c);
        json_t *value;
        if (v->type == STORE_NULL)
            value = json_null();
        else if (json_column(name))
            value = json_loads(v->text, 0, NULL);
        else if (int_column(name))
            value = json_integer(store_value_int(v));
        else
            value = json_string(v->text);
        json_object_set_new(o, name, value != NULL ? value : json_null());
    }
    json_object_set_new(o, "dry_run",
                        json_boolean(json_integer_value(json_object_get(o, "dry_run"))));
    json_object_set_new(o, "cancel_requested",
                        json_boolean(json_integer_value(json_object_get(o, "cancel_requested"))));
    return o;
}

int store_import_insert(struct store_conn *conn, struct arena *arena, const json_t *values,
                        int64_t *id_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"imports\" (");
    size_t n = 0;
    for (size_t i = 1; i < store_import_n_columns; i++) {
        if (json_object_get(values, store_import_columns[i]) == NULL)
            continue;
        if (n++ > 0)
            sql_add(&sql, ", ");
        sql_ident(&sql, store_import_columns[i]);
    }
    sql_add(&sql, ") VALUES (");
    n = 0;
    for (size_t i = 1; i < store_import_n_columns; i++) {
        const json_t *v = json_object_get(values, store_import_columns[i]);
        if (v == NULL)
            continue;
        if (n++ > 0)
            sql_add(&sql, ", ");
        store_param_json(&sql, v);
    }
    sql_add(&sql, ") RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_import_get(struct store_conn *conn, struct arena *arena, int64_t id, bool for_update,
                     json_t **out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    select_columns(&sql);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    if (for_update && store_conn_dialect(conn) == SQL_POSTGRES)
        sql_add(&sql, " FOR UPDATE");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no import with id %lld", (long long)id);
    *out = import_json(&rows, 0);
    return 0;
}

int store_import_update(struct store_conn *conn, struct arena *arena, int64_t id,
                        const json_t *values, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"imports\" SET ");
    /* id, created_by and created_at are never set; version is bumped below. */
    static const char *const settable[] = {
        "status",           "dry_run",   "settings",   "columns",     "preview",    "source_key",
        "total_rows",       "rows_done", "counts",     "next_offset", "next_line",  "run_ms",
        "cancel_requested", "error",     "started_at", "finished_at", "updated_at", "file_id",
    };
    store_set_present(&sql, values, settable, sizeof(settable) / sizeof(settable[0]));
    sql_add(&sql, "\"version\" = \"version\" + 1 WHERE \"id\" = ");
    sql_param_int(&sql, id);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_imports_list(struct store_conn *conn, struct arena *arena, int64_t created_by,
                       int64_t before_id, size_t limit, json_t **out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    select_columns(&sql);
    sql_add(&sql, " WHERE 1 = 1");
    if (created_by > 0) {
        sql_add(&sql, " AND \"created_by\" = ");
        sql_param_int(&sql, created_by);
    }
    if (before_id > 0) {
        sql_add(&sql, " AND \"id\" < ");
        sql_param_int(&sql, before_id);
    }
    sql_addf(&sql, " ORDER BY \"id\" DESC LIMIT %zu", limit);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *out = json_array();
    for (size_t r = 0; r < rows.n_rows; r++)
        json_array_append_new(*out, import_json(&rows, r));
    return 0;
}

int store_import_error_add(struct store_conn *conn, struct arena *arena, int64_t import_id,
                           bool dry_run, const struct import_error *e, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"import_errors\" (\"import_id\", \"dry_run\", \"row_no\", "
                  "\"line\", \"column_name\", \"message\") VALUES (");
    sql_param_int(&sql, import_id);
    sql_add(&sql, ", ");
    sql_param_int(&sql, dry_run ? 1 : 0);
    sql_add(&sql, ", ");
    sql_param_int(&sql, e->row);
    sql_add(&sql, ", ");
    sql_param_int(&sql, e->line);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, e->column);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, e->message);
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

int store_import_errors_clear(struct store_conn *conn, struct arena *arena, int64_t import_id,
                              bool dry_run, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"import_errors\" WHERE \"import_id\" = ");
    sql_param_int(&sql, import_id);
    sql_add(&sql, " AND \"dry_run\" = ");
    sql_param_int(&sql, dry_run ? 1 : 0);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_import_errors_list(struct store_conn *conn, struct arena *arena, int64_t import_id,
                             bool dry_run, int64_t after_id, size_t limit, json_t **out,
                             struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"id\", \"row_no\", \"line\", \"column_name\", \"message\" "
                  "FROM \"import_errors\" WHERE \"import_id\" = ");
    sql_param_int(&sql, import_id);
    sql_add(&sql, " AND \"dry_run\" = ");
    sql_param_int(&sql, dry_run ? 1 : 0);
    sql_add(&sql, " AND \"id\" > ");
    sql_param_int(&sql, after_id);
    sql_addf(&sql, " ORDER BY \"id\" LIMIT %zu", limit);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *out = json_array();
    for (size_t r = 0; r < rows.n_rows; r++) {
        const struct store_value *column = store_rows_at(&rows, r, 3);
        json_array_append_new(*out,
                              json_pack("{s:o,s:o,s:o,s:s?,s:s}", "id",
                                        store_value_int_json(store_rows_at(&rows, r, 0)), "row",
                                        store_value_int_json(store_rows_at(&rows, r, 1)), "line",
                                        store_value_int_json(store_rows_at(&rows, r, 2)), "column",
                                        column->type == STORE_NULL ? NULL : column->text, "message",
                                        store_rows_at(&rows, r, 4)->text));
    }
    return 0;
}

int store_import_change_add(struct store_conn *conn, struct arena *arena, int64_t import_id,
                            const struct import_change *c, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"import_changes\" (\"import_id\", \"row_no\", \"entity\", "
                  "\"record_id\", \"action\", \"before\", \"version\", \"flagged_ids\") VALUES (");
    sql_param_int(&sql, import_id);
    sql_add(&sql, ", ");
    sql_param_int(&sql, c->row);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, c->entity);
    sql_add(&sql, ", ");
    sql_param_int(&sql, c->record_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, c->action);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql,
                           c->before != NULL ? store_json_text(arena, c->before, NULL) : NULL);
    sql_add(&sql, ", ");
    sql_param_int(&sql, c->version);
    sql_add(&sql, ", ");
    sql_param_text_or_null(
        &sql, c->flagged_ids != NULL ? store_json_text(arena, c->flagged_ids, NULL) : NULL);
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

int store_import_changes_pending(struct store_conn *conn, struct arena *arena, int64_t import_id,
                                 size_t limit, json_t **out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"id\", \"row_no\", \"entity\", \"record_id\", \"action\", \"before\", "
                  "\"version\" FROM \"import_changes\" WHERE \"undone\" = 0 AND \"import_id\" = ");
    sql_param_int(&sql, import_id);
    sql_addf(&sql, " ORDER BY \"id\" DESC LIMIT %zu", limit);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *out = json_array();
    for (size_t r = 0; r < rows.n_rows; r++) {
        const struct store_value *before = store_rows_at(&rows, r, 5);
        json_t *b = before->type == STORE_NULL ? json_null() : json_loads(before->text, 0, NULL);
        json_array_append_new(
            *out, json_pack("{s:o,s:o,s:s,s:o,s:s,s:o,s:o}", "id",
                            store_value_int_json(store_rows_at(&rows, r, 0)), "row",
                            store_value_int_json(store_rows_at(&rows, r, 1)), "entity",
                            store_rows_at(&rows, r, 2)->text, "record_id",
                            store_value_int_json(store_rows_at(&rows, r, 3)), "action",
                            store_rows_at(&rows, r, 4)->text, "before", b != NULL ? b : json_null(),
                            "version", store_value_int_json(store_rows_at(&rows, r, 6))));
    }
    return 0;
}

int store_import_change_undone(struct store_conn *conn, struct arena *arena, int64_t change_id,
                               struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"import_changes\" SET \"undone\" = 1 WHERE \"id\" = ");
    sql_param_int(&sql, change_id);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_import_mapping_get(struct store_conn *conn, struct arena *arena, const char *entity,
                             const char *source_key, json_t **mapping, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"mapping\" FROM \"import_mappings\" WHERE \"entity\" = ");
    sql_param_cstr(&sql, entity);
    sql_add(&sql, " AND \"source_key\" = ");
    sql_param_cstr(&sql, source_key);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *mapping = rows.n_rows > 0 ? json_loads(store_rows_at(&rows, 0, 0)->text, 0, NULL) : NULL;
    return 0;
}

int store_import_mapping_put(struct store_conn *conn, struct arena *arena, const char *entity,
                             const char *source_key, const json_t *mapping, int64_t user_id,
                             const char *now, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"import_mappings\" (\"entity\", \"source_key\", \"mapping\", "
                  "\"updated_by\", \"updated_at\") VALUES (");
    sql_param_cstr(&sql, entity);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, source_key);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, store_json_text(arena, mapping, "{}"));
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, user_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") ON CONFLICT (\"entity\", \"source_key\") DO UPDATE SET \"mapping\" = "
                  "excluded.\"mapping\", \"updated_by\" = excluded.\"updated_by\", "
                  "\"updated_at\" = excluded.\"updated_at\"");
    return store_query(conn, arena, &sql, NULL, err);
}

/* The id in the first row of a one-column SELECT, or 0. */
static int first_id(struct store_conn *conn, struct arena *arena, struct sql_builder *sql,
                    int64_t *id, struct err *err)
{
    struct store_rows rows;
    int rc = store_query(conn, arena, sql, &rows, err);
    *id = rc == 0 && rows.n_rows > 0 ? store_value_int(store_rows_at(&rows, 0, 0)) : 0;
    return rc;
}

int store_import_find_by_text(struct store_conn *conn, struct arena *arena,
                              const struct entity *entity, const struct access *access,
                              const char *column, const char *text, int64_t *id, struct err *err)
{
    *id = 0;
    if (access->scope == SCOPE_NONE)
        return 0;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "SELECT t.\"id\" FROM \"%s\" t WHERE t.\"deleted_at\" IS NULL AND lower(t.",
             entity_table(entity));
    sql_ident(&sql, column);
    sql_add(&sql, ") = lower(");
    sql_param_cstr(&sql, text);
    sql_add(&sql, ")");
    store_owner_predicate(&sql, access->scope, access, "t");
    sql_add(&sql, " ORDER BY t.\"id\" LIMIT 1");
    return first_id(conn, arena, &sql, id, err);
}

int store_import_find_stage(struct store_conn *conn, struct arena *arena, bool stage,
                            int64_t pipeline_id, const char *name, int64_t *id, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "SELECT \"id\" FROM \"%s\" WHERE lower(\"name\") = lower(",
             stage ? "pipeline_stages" : "pipelines");
    sql_param_cstr(&sql, name);
    sql_add(&sql, ")");
    if (stage && pipeline_id > 0) {
        sql_add(&sql, " AND \"pipeline_id\" = ");
        sql_param_int(&sql, pipeline_id);
    }
    sql_add(&sql, " ORDER BY \"id\" LIMIT 1");
    return first_id(conn, arena, &sql, id, err);
}

int store_import_find_contact_at(struct store_conn *conn, struct arena *arena,
                                 const struct access *access, int64_t company_id,
                                 const char *first_name, const char *last_name, int64_t *id,
                                 struct err *err)
{
    *id = 0;
    if (access->scope == SCOPE_NONE)
        return 0;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT t.\"id\" FROM \"contacts\" t JOIN \"contact_companies\" l ON "
                  "l.\"contact_id\" = t.\"id\" WHERE t.\"deleted_at\" IS NULL AND "
                  "l.\"company_id\" = ");
    sql_param_int(&sql, company_id);
    sql_add(&sql, " AND lower(coalesce(t.\"first_name\", '')) = lower(");
    sql_param_cstr(&sql, first_name != NULL ? first_name : "");
    sql_add(&sql, ") AND lower(coalesce(t.\"last_name\", '')) = lower(");
    sql_param_cstr(&sql, last_name != NULL ? last_name : "");
    sql_add(&sql, ")");
    store_owner_predicate(&sql, access->scope, access, "t");
    sql_add(&sql, " ORDER BY t.\"id\" LIMIT 1");
    return first_id(conn, arena, &sql, id, err);
}
