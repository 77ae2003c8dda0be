/*
 * Commissions in the store: the rules administrators keep
 * (commission_rules, bodies checked by domain/commission.h, tiers kept as
 * JSON text) and the won deals of a period summed per owner, pipeline and
 * product series in one statement, which the API assigns to rules.
 */
#include "store/store.h"

#include <stdlib.h>

#include "base/arena.h"
#include "base/clock.h"

#define RULE_NAME_TAKEN "a commission rule with this name already exists"

#define RULE_COLUMNS                                                                               \
    "\"id\", \"name\", \"pipeline_id\", \"series\", \"tiers\", \"position\", \"active\", "         \
    "\"created_at\", \"updated_at\", \"version\" FROM \"commission_rules\""

static json_t *value_int_or_null_json(const struct store_value *v)
{
    return v->type == STORE_NULL ? json_null() : json_integer((json_int_t)store_value_int(v));
}

static json_t *value_text_or_null_json(const struct store_value *v)
{
    return v->type == STORE_NULL ? json_null() : json_stringn(v->text, v->len);
}

/* The tiers' JSON text as stored; an empty list should it not parse (it always does). */
static json_t *tiers_json(const struct store_value *v)
{
    json_t *tiers = v->type == STORE_TEXT ? json_loadb(v->text, v->len, 0, NULL) : NULL;
    if (!json_is_array(tiers)) {
        json_decref(tiers);
        return json_array();
    }
    return tiers;
}

static json_t *rule_json(const struct store_rows *rows, size_t r)
{
    return json_pack("{s:I,s:s,s:o,s:o,s:o,s:I,s:b,s:s,s:s,s:I}", "id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "name",
                     store_rows_at(rows, r, 1)->text, "pipeline_id",
                     value_int_or_null_json(store_rows_at(rows, r, 2)), "series",
                     value_text_or_null_json(store_rows_at(rows, r, 3)), "tiers",
                     tiers_json(store_rows_at(rows, r, 4)), "position",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 5)), "active",
                     store_value_int(store_rows_at(rows, r, 6)) != 0, "created_at",
                     store_rows_at(rows, r, 7)->text, "updated_at", store_rows_at(rows, r, 8)->text,
                     "version", (json_int_t)store_value_int(store_rows_at(rows, r, 9)));
}

/* Turns the backend's unique violation into a conflict on name. */
static int name_conflict(int rc, struct err *err)
{
    if (rc != -ERR_CONFLICT)
        return rc;
    err_clear(err);
    err_set(err, ERR_CONFLICT, RULE_NAME_TAKEN);
    return err_field(err, "name", RULE_NAME_TAKEN);
}

/* The tiers of clean as the JSON text kept in the table (in the arena). */
static const char *tiers_text(struct arena *arena, const json_t *tiers)
{
    return store_json_text(arena, tiers, "[]");
}

int store_commission_rules_list(struct store_conn *conn, struct arena *arena, json_t **out,
                                struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " RULE_COLUMNS " ORDER BY \"position\", \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t r = 0; r < rows.n_rows; r++)
        json_array_append_new(list, rule_json(&rows, r));
    *out = list;
    return 0;
}

int store_commission_rule_get(struct store_conn *conn, struct arena *arena, int64_t id,
                              json_t **out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " RULE_COLUMNS " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no commission rule with id %lld", (long long)id);
    *out = rule_json(&rows, 0);
    return 0;
}

int store_commission_rule_insert(struct store_conn *conn, struct arena *arena, const json_t *clean,
                                 int64_t *id_out, struct err *err)
{
    const char *name = json_string_value(json_object_get(clean, "name"));
    const json_t *tiers = json_object_get(clean, "tiers");
    if (name == NULL || !json_is_array(tiers))
        return err_set(err, ERR_INTERNAL, "a commission rule needs a name and tiers");
    const json_t *active = json_object_get(clean, "active");
    const json_t *position = json_object_get(clean, "position");
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"commission_rules\" (\"name\", \"pipeline_id\", \"series\", "
                  "\"tiers\", \"position\", \"active\", \"created_at\", \"updated_at\") VALUES (");
    sql_param_cstr(&sql, name);
    sql_add(&sql, ", ");
    store_param_json(&sql, json_object_get(clean, "pipeline_id"));
    sql_add(&sql, ", ");
    store_param_json(&sql, json_object_get(clean, "series"));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, tiers_text(arena, tiers));
    sql_add(&sql, ", ");
    if (json_is_integer(position))
        sql_param_int(&sql, json_integer_value(position));
    else
        sql_add(&sql, "(SELECT COALESCE(MAX(\"position\"), -1) + 1 FROM \"commission_rules\")");
    sql_add(&sql, ", ");
    sql_param_int(&sql, active == NULL || json_is_true(active) ? 1 : 0);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return name_conflict(rc, err);
    if (rows.n_rows != 1)
        return err_set(err, ERR_INTERNAL, "the new commission rule has no id");
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_commission_rule_update(struct store_conn *conn, struct arena *arena, int64_t id,
                                 int64_t version, const json_t *clean, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"commission_rules\" SET ");
    static const char *const columns[] = {"name", "pipeline_id", "series", "position", "active"};
    store_set_present(&sql, clean, columns, sizeof(columns) / sizeof(columns[0]));
    const json_t *tiers = json_object_get(clean, "tiers");
    if (json_is_array(tiers)) {
        sql_add(&sql, "\"tiers\" = ");
        sql_param_cstr(&sql, tiers_text(arena, tiers));
        sql_add(&sql, ", ");
    }
    sql_add(&sql, "\"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " AND \"version\" = ");
    sql_param_int(&sql, version);
    sql_add(&sql, " RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return name_conflict(rc, err);
    if (rows.n_rows > 0)
        return 0;
    json_t *current = NULL;
    rc = store_commission_rule_get(conn, arena, id, &current, err);
    if (rc < 0)
        return rc;
    int64_t now_version = json_integer_value(json_object_get(current, "version"));
    json_decref(current);
    return err_set(err, ERR_STALE_VERSION,
                   "the rule is at version %lld, not %lld; reload it and try again",
                   (long long)now_version, (long long)version);
}

int store_commission_rule_delete(struct store_conn *conn, struct arena *arena, int64_t id,
                                 struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"commission_rules\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0 && rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no commission rule with id %lld", (long long)id);
    return rc;
}

int store_commission_volumes(struct store_conn *conn, struct arena *arena,
                             const struct access *access, const char *first_day,
                             const char *next_day, int64_t user_id, struct commission_volume **out,
                             size_t *n_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT d.\"owner_id\", u.\"name\", u.\"team_id\", d.\"pipeline_id\", "
                  "p.\"series\", COUNT(*), COALESCE(SUM(d.\"amount_base_minor\"), 0), "
                  "SUM(CASE WHEN d.\"amount_minor\" IS NOT NULL AND d.\"amount_base_minor\" IS "
                  "NULL THEN 1 ELSE 0 END) "
                  "FROM \"deals\" d "
                  "JOIN \"pipeline_stages\" s ON s.\"id\" = d.\"stage_id\" "
                  "JOIN \"users\" u ON u.\"id\" = d.\"owner_id\" "
                  "LEFT JOIN \"products\" p ON p.\"id\" = d.\"product_id\" "
                  "WHERE d.\"deleted_at\" IS NULL AND s.\"kind\" = 'won' AND d.\"closed_at\" >= ");
    sql_param_cstr(&sql, first_day);
    sql_add(&sql, " AND d.\"closed_at\" < ");
    sql_param_cstr(&sql, next_day);
    if (user_id > 0) {
        sql_add(&sql, " AND d.\"owner_id\" = ");
        sql_param_int(&sql, user_id);
    }
    store_owner_predicate(&sql, access->scope, access, "d.\"owner_id\"");
    sql_add(&sql, " GROUP BY d.\"owner_id\", u.\"name\", u.\"team_id\", d.\"pipeline_id\", "
                  "p.\"series\" ORDER BY d.\"owner_id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    struct commission_volume *volumes = arena_alloc_array(arena, rows.n_rows + 1, sizeof(*volumes));
    for (size_t r = 0; r < rows.n_rows; r++) {
        const struct store_value *series = store_rows_at(&rows, r, 4);
        volumes[r] = (struct commission_volume){
            .user_id = store_value_int(store_rows_at(&rows, r, 0)),
            .user_name = store_rows_at(&rows, r, 1)->text,
            .team_id = store_value_int(store_rows_at(&rows, r, 2)),
            .pipeline_id = store_value_int(store_rows_at(&rows, r, 3)),
            .series = series->type == STORE_NULL ? NULL : series->text,
            .won_count = store_value_int(store_rows_at(&rows, r, 5)),
            .volume_minor = store_value_int(store_rows_at(&rows, r, 6)),
            .unconverted_count = store_value_int(store_rows_at(&rows, r, 7)),
        };
    }
    *out = volumes;
    *n_out = rows.n_rows;
    return 0;
}
