/*
 * Custom field definitions in the field_defs table: loading them for
 * validation and the filter schema, and their CRUD for /api/v1/fields.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/custom_field.h"
#include "domain/entity.h"

#define FIELD_COLUMNS "\"id\", \"entity\", \"name\", \"label\", \"type\", \"options\", \"required\", " \
                      "\"position\", \"created_at\", \"updated_at\", \"version\""

static json_t *definition_json(const struct store_rows *rows, size_t r)
{
    json_error_t jerr;
    const struct store_value *options = store_rows_at(rows, r, 5);
    json_t *parsed = json_loadb(options->text ? options->text : "[]", options->len, 0, &jerr);
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:b,s:I,s:s,s:s,s:I}", "id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "entity",
                     store_rows_at(rows, r, 1)->text, "name", store_rows_at(rows, r, 2)->text,
                     "label", store_rows_at(rows, r, 3)->text, "type",
                     store_rows_at(rows, r, 4)->text, "options", parsed ? parsed : json_array(),
                     "required", store_value_int(store_rows_at(rows, r, 6)) != 0, "position",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 7)), "created_at",
                     store_rows_at(rows, r, 8)->text, "updated_at",
                     store_rows_at(rows, r, 9)->text, "version",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 10)));
}

static void arena_json_decref(void *value)
{
    json_decref(value);
}

int store_fields_list(struct store_conn *conn, struct arena *arena, const char *entity,
                      json_t **out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " FIELD_COLUMNS " FROM \"field_defs\"");
    if (entity != NULL) {
        sql_add(&sql, " WHERE \"entity\" = ");
        sql_param_cstr(&sql, entity);
    }
    sql_add(&sql, " ORDER BY \"entity\", \"position\", \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t r = 0; r < rows.n_rows; r++)
        json_array_append_new(list, definition_json(&rows, r));
    *out = list;
    return 0;
}

int store_fields_load(struct store_conn *conn, struct arena *arena, const char *entity,
                      struct custom_fields *out, struct err *err)
{
    json_t *list = NULL;
    int rc = store_fields_list(conn, arena, entity, &list, err);
    if (rc < 0)
        return rc;
    arena_defer(arena, arena_json_decref, list);
    size_t n = json_array_size(list);
    struct custom_field *items = arena_alloc_array(arena, n ? n : 1, sizeof(*items));
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *def = json_array_get(list, i);
        const struct custom_type *type =
            custom_type_find(json_string_value(json_object_get(def, "type")));
        if (type == NULL)
            continue;
        items[kept++] = (struct custom_field){
            .id = json_integer_value(json_object_get(def, "id")),
            .entity = json_string_value(json_object_get(def, "entity")),
            .name = json_string_value(json_object_get(def, "name")),
            .label = json_string_value(json_object_get(def, "label")),
            .type = type,
            .options = json_object_get(def, "options"),
            .required = json_is_true(json_object_get(def, "required")),
        };
    }
    out->items = items;
    out->n = kept;
    return 0;
}

int store_field_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                    struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " FIELD_COLUMNS " FROM \"field_defs\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no field with id %lld", (long long)id);
    *out = definition_json(&rows, 0);
    return 0;
}

static const char *options_text(struct arena *arena, const json_t *clean)
{
    return store_json_text(arena, json_object_get(clean, "options"), "[]");
}

int store_field_insert(struct store_conn *conn, struct arena *arena, const json_t *clean,
                       int64_t *id_out, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"field_defs\" (\"entity\", \"name\", \"label\", \"type\", "
                  "\"options\", \"required\", \"position\", \"created_at\", \"updated_at\") VALUES (");
    sql_param_cstr(&sql, json_string_value(json_object_get(clean, "entity")));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, json_string_value(json_object_get(clean, "name")));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, json_string_value(json_object_get(clean, "label")));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, json_string_value(json_object_get(clean, "type")));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, options_text(arena, clean));
    sql_add(&sql, ", ");
    sql_param_int(&sql, json_is_true(json_object_get(clean, "required")) ? 1 : 0);
    sql_add(&sql, ", ");
    sql_param_int(&sql, json_integer_value(json_object_get(clean, "position")));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == -ERR_CONFLICT) {
        err_clear(err);
        return err_field(err, "name", "a field with this name already exists for this entity");
    }
    if (rc < 0)
        return rc;
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_field_update(struct store_conn *conn, struct arena *arena, int64_t id,
                       const json_t *clean, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"field_defs\" SET ");
    const json_t *v;
    if ((v = json_object_get(clean, "label")) != NULL) {
        sql_add(&sql, "\"label\" = ");
        sql_param_cstr(&sql, json_string_value(v));
        sql_add(&sql, ", ");
    }
    if (json_object_get(clean, "options") != NULL) {
        sql_add(&sql, "\"options\" = ");
        sql_param_cstr(&sql, options_text(arena, clean));
        sql_add(&sql, ", ");
    }
    if ((v = json_object_get(clean, "required")) != NULL) {
        sql_add(&sql, "\"required\" = ");
        sql_param_int(&sql, json_is_true(v) ? 1 : 0);
        sql_add(&sql, ", ");
    }
    if ((v = json_object_get(clean, "position")) != NULL) {
        sql_add(&sql, "\"position\" = ");
        sql_param_int(&sql, json_integer_value(v));
        sql_add(&sql, ", ");
    }
    sql_add(&sql, "\"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no field with id %lld", (long long)id);
    return 0;
}

/*
 * Removes a definition and its values from every record of its entity, so
 * that a later field of the same name never inherits values of another type.
 */
int store_field_delete(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"field_defs\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"entity\", \"name\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no field with id %lld", (long long)id);
    const struct entity *entity = entity_find(store_rows_at(&rows, 0, 0)->text);
    const char *name = store_rows_at(&rows, 0, 1)->text;
    if (entity == NULL)
        return 0;
    sql_init(&sql, arena, store_conn_dialect(conn));
    if (sql.dialect == SQL_SQLITE) {
        const char *path = arena_printf(arena, "$.\"%s\"", name);
        sql_addf(&sql, "UPDATE \"%s\" SET \"custom\" = json_remove(\"custom\", ", entity_table(entity));
        sql_param_cstr(&sql, path);
        sql_add(&sql, ") WHERE json_extract(\"custom\", ");
        sql_param_cstr(&sql, path);
        sql_add(&sql, ") IS NOT NULL");
    } else {
        sql_addf(&sql, "UPDATE \"%s\" SET \"custom\" = (\"custom\"::jsonb - ", entity_table(entity));
        sql_param_cstr(&sql, name);
        sql_add(&sql, "::text)::text WHERE \"custom\"::jsonb ? ");
        sql_param_cstr(&sql, name);
        sql_add(&sql, "::text");
    }
    return store_query(conn, arena, &sql, NULL, err);
}
