/*
 * Sales configuration in the store: pipelines with their ordered stages
 * (pipelines, pipeline_stages) and the reasons a deal is won or lost
 * (deal_reasons). Bodies arrive checked by domain/pipeline.h. A pipeline is
 * deleted by marking it (deleted_at), which frees its name; a stage left
 * out of a new stage list is deleted outright. Whether a pipeline, stage or
 * reason may go is asked of the *_in_use functions, the one place that
 * learns about each table that comes to refer to them.
 */
#include "store/store.h"

#include <string.h>

#include "base/arena.h"
#include "base/clock.h"

#define PIPELINE_NAME_TAKEN "a pipeline with this name already exists"
#define REASON_NAME_TAKEN "a reason of this kind with this name already exists"

/* ---- helpers ---- */

static void now_text(char out[CLOCK_DATETIME_LEN + 1])
{
    clock_format_datetime(clock_now_ms(), out);
}

static json_t *value_int_json(const struct store_value *v)
{
    return json_integer((json_int_t)store_value_int(v));
}

static json_t *value_int_or_null_json(const struct store_value *v)
{
    return v->type == STORE_NULL ? json_null() : value_int_json(v);
}

/* An integer member of a clean body, or NULL in SQL when it is absent or null. */
static void param_int_or_null(struct sql_builder *sql, const json_t *value)
{
    if (json_is_integer(value))
        sql_param_int(sql, json_integer_value(value));
    else
        sql_param_null(sql);
}

/* Turns the backend's unique violation into a conflict naming the field. */
static int unique_conflict(int rc, struct err *err, const char *field, const char *message)
{
    if (rc != -ERR_CONFLICT)
        return rc;
    err_clear(err);
    err_set(err, ERR_CONFLICT, "%s", message);
    return err_field(err, field, "%s", message);
}

/* Runs sql; the first column of its first row as an integer (*found false when no row came). */
static int query_int(struct store_conn *conn, struct arena *arena, const struct sql_builder *sql,
                     int64_t *value, bool *found, struct err *err)
{
    struct store_rows rows;
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc < 0)
        return rc;
    *found = rows.n_rows > 0;
    *value = *found ? store_value_int(store_rows_at(&rows, 0, 0)) : 0;
    return 0;
}

/* ---- what refers to the configuration ---- */

/* Whether a deal (live, or in the trash when trashed_too) has column = id. */
static int deals_refer(struct store_conn *conn, struct arena *arena, const char *column,
                       int64_t id, bool trashed_too, bool *in_use, struct err *err)
{
    struct sql_builder sql;
    int64_t one = 0;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "SELECT 1 FROM \"deals\" WHERE \"%s\" = ", column);
    sql_param_int(&sql, id);
    if (!trashed_too)
        sql_add(&sql, " AND \"deleted_at\" IS NULL");
    sql_add(&sql, " LIMIT 1");
    return query_int(conn, arena, &sql, &one, in_use, err);
}

/*
 * A deleted pipeline keeps its row, so deals in the trash may still name it;
 * a commission rule of the pipeline would silently match nothing.
 */
int store_pipeline_in_use(struct store_conn *conn, struct arena *arena, int64_t id, bool *in_use,
                          struct err *err)
{
    int rc = deals_refer(conn, arena, "pipeline_id", id, false, in_use, err);
    if (rc < 0 || *in_use)
        return rc;
    struct sql_builder sql;
    int64_t one = 0;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT 1 FROM \"commission_rules\" WHERE \"pipeline_id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " LIMIT 1");
    return query_int(conn, arena, &sql, &one, in_use, err);
}

/* A deleted stage is gone: deals in the trash count too. */
int store_pipeline_stage_in_use(struct store_conn *conn, struct arena *arena, int64_t stage_id,
                                bool *in_use, struct err *err)
{
    return deals_refer(conn, arena, "stage_id", stage_id, true, in_use, err);
}

int store_deal_reason_in_use(struct store_conn *conn, struct arena *arena, int64_t id, bool *in_use,
                             struct err *err)
{
    return deals_refer(conn, arena, "reason_id", id, true, in_use, err);
}

/* ---- pipelines ---- */

#define PIPELINE_COLUMNS                                                                           \
    "p.\"id\", p.\"name\", p.\"position\", p.\"created_at\", p.\"updated_at\", p.\"version\" "     \
    "FROM \"pipelines\" p WHERE p.\"deleted_at\" IS NULL"

#define STAGE_COLUMNS                                                                              \
    "s.\"id\", s.\"pipeline_id\", s.\"name\", s.\"probability\", s.\"kind\", s.\"position\", "     \
    "s.\"rot_days\" FROM \"pipeline_stages\" s JOIN \"pipelines\" p ON p.\"id\" = "                \
    "s.\"pipeline_id\" WHERE p.\"deleted_at\" IS NULL"

static json_t *pipeline_json(const struct store_rows *rows, size_t r)
{
    return json_pack(
        "{s:o,s:s,s:o,s:[],s:s,s:s,s:o}", "id", value_int_json(store_rows_at(rows, r, 0)), "name",
        store_rows_at(rows, r, 1)->text, "position", value_int_json(store_rows_at(rows, r, 2)),
        "stages", "created_at", store_rows_at(rows, r, 3)->text, "updated_at",
        store_rows_at(rows, r, 4)->text, "version", value_int_json(store_rows_at(rows, r, 5)));
}

static json_t *stage_json(const struct store_rows *rows, size_t r)
{
    return json_pack("{s:o,s:s,s:o,s:s,s:o,s:o}", "id", value_int_json(store_rows_at(rows, r, 0)),
                     "name", store_rows_at(rows, r, 2)->text, "probability",
                     value_int_json(store_rows_at(rows, r, 3)), "kind",
                     store_rows_at(rows, r, 4)->text, "position",
                     value_int_json(store_rows_at(rows, r, 5)), "rot_days",
                     value_int_or_null_json(store_rows_at(rows, r, 6)));
}

/*
 * Reads live pipelines (id 0: all, by position then id) with their stages
 * in order: one statement for the pipelines, one for the stages.
 */
static int pipelines_read(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                          struct err *err)
{
    struct sql_builder sql;
    struct store_rows pipelines, stages;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " PIPELINE_COLUMNS);
    if (id > 0) {
        sql_add(&sql, " AND p.\"id\" = ");
        sql_param_int(&sql, id);
    }
    sql_add(&sql, " ORDER BY p.\"position\", p.\"id\"");
    int rc = store_query(conn, arena, &sql, &pipelines, err);
    if (rc < 0)
        return rc;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " STAGE_COLUMNS);
    if (id > 0) {
        sql_add(&sql, " AND s.\"pipeline_id\" = ");
        sql_param_int(&sql, id);
    }
    sql_add(&sql, " ORDER BY s.\"pipeline_id\", s.\"position\", s.\"id\"");
    rc = store_query(conn, arena, &sql, &stages, err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t r = 0; r < pipelines.n_rows; r++)
        json_array_append_new(list, pipeline_json(&pipelines, r));
    /* Stages come grouped by pipeline: find each group's pipeline once. */
    json_t *owner = NULL;
    int64_t owner_id = 0;
    for (size_t r = 0; r < stages.n_rows; r++) {
        int64_t pipeline_id = store_value_int(store_rows_at(&stages, r, 1));
        if (owner == NULL || owner_id != pipeline_id) {
            owner = NULL;
            owner_id = pipeline_id;
            for (size_t p = 0; p < json_array_size(list) && owner == NULL; p++) {
                json_t *pipeline = json_array_get(list, p);
                if (json_integer_value(json_object_get(pipeline, "id")) == pipeline_id)
                    owner = pipeline;
            }
        }
        if (owner != NULL)
            json_array_append_new(json_object_get(owner, "stages"), stage_json(&stages, r));
    }
    *out = list;
    return 0;
}

int store_pipelines_list(struct store_conn *conn, struct arena *arena, json_t **out,
                         struct err *err)
{
    return pipelines_read(conn, arena, 0, out, err);
}

int store_pipeline_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                       struct err *err)
{
    json_t *list = NULL;
    int rc = pipelines_read(conn, arena, id, &list, err);
    if (rc < 0)
        return rc;
    if (json_array_size(list) == 0) {
        json_decref(list);
        return err_set(err, ERR_NOT_FOUND, "no pipeline with id %lld", (long long)id);
    }
    *out = json_incref(json_array_get(list, 0));
    json_decref(list);
    return 0;
}

/* Inserts one stage of a clean list (pipeline_validate's form). */
static int stage_insert(struct store_conn *conn, struct arena *arena, int64_t pipeline_id,
                        const json_t *stage, const char *now, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"pipeline_stages\" (\"pipeline_id\", \"name\", \"probability\", "
                  "\"kind\", \"position\", \"rot_days\", \"created_at\", \"updated_at\") VALUES (");
    sql_param_int(&sql, pipeline_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, json_string_value(json_object_get(stage, "name")));
    sql_add(&sql, ", ");
    sql_param_int(&sql, json_integer_value(json_object_get(stage, "probability")));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, json_string_value(json_object_get(stage, "kind")));
    sql_add(&sql, ", ");
    sql_param_int(&sql, json_integer_value(json_object_get(stage, "position")));
    sql_add(&sql, ", ");
    param_int_or_null(&sql, json_object_get(stage, "rot_days"));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

static int stage_update(struct store_conn *conn, struct arena *arena, int64_t pipeline_id,
                        const json_t *stage, const char *now, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"pipeline_stages\" SET \"name\" = ");
    sql_param_cstr(&sql, json_string_value(json_object_get(stage, "name")));
    sql_add(&sql, ", \"probability\" = ");
    sql_param_int(&sql, json_integer_value(json_object_get(stage, "probability")));
    sql_add(&sql, ", \"kind\" = ");
    sql_param_cstr(&sql, json_string_value(json_object_get(stage, "kind")));
    sql_add(&sql, ", \"position\" = ");
    sql_param_int(&sql, json_integer_value(json_object_get(stage, "position")));
    sql_add(&sql, ", \"rot_days\" = ");
    param_int_or_null(&sql, json_object_get(stage, "rot_days"));
    sql_add(&sql, ", \"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, json_integer_value(json_object_get(stage, "id")));
    sql_add(&sql, " AND \"pipeline_id\" = ");
    sql_param_int(&sql, pipeline_id);
    return store_query(conn, arena, &sql, NULL, err);
}

/* Whether the clean list keeps the stage with this id. */
static bool stages_keep(const json_t *stages, int64_t id)
{
    size_t i;
    const json_t *stage;
    json_array_foreach(stages, i, stage)
    {
        if (json_integer_value(json_object_get(stage, "id")) == id)
            return true;
    }
    return false;
}

/*
 * Makes the pipeline's stages the clean list: deletes the stages it leaves
 * out (ERR_CONFLICT for one in use), then updates the kept ones that differ
 * and inserts the new ones.
 */
static int stages_replace(struct store_conn *conn, struct arena *arena, int64_t pipeline_id,
                          const json_t *stages, const char *now, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT s.\"id\", s.\"pipeline_id\", s.\"name\", s.\"probability\", s.\"kind\", "
                  "s.\"position\", s.\"rot_days\" FROM \"pipeline_stages\" s "
                  "WHERE s.\"pipeline_id\" = ");
    sql_param_int(&sql, pipeline_id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    for (size_t r = 0; r < rows.n_rows && rc == 0; r++) {
        int64_t stage_id = store_value_int(store_rows_at(&rows, r, 0));
        if (stages_keep(stages, stage_id))
            continue;
        bool in_use = false;
        rc = store_pipeline_stage_in_use(conn, arena, stage_id, &in_use, err);
        if (rc == 0 && in_use) {
            err_set(err, ERR_CONFLICT, "the stage %s still holds deals; move them first",
                    store_rows_at(&rows, r, 2)->text);
            rc = err_field(err, "stages", "stage %s still holds deals",
                           store_rows_at(&rows, r, 2)->text);
            break;
        }
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_add(&sql, "DELETE FROM \"pipeline_stages\" WHERE \"id\" = ");
        sql_param_int(&sql, stage_id);
        if (rc == 0)
            rc = store_query(conn, arena, &sql, NULL, err);
    }
    size_t i;
    const json_t *stage;
    json_array_foreach(stages, i, stage)
    {
        if (rc < 0)
            break;
        const json_t *id = json_object_get(stage, "id");
        if (id == NULL) {
            rc = stage_insert(conn, arena, pipeline_id, stage, now, err);
            continue;
        }
        bool same = false;
        for (size_t r = 0; r < rows.n_rows && !same; r++) {
            if (store_value_int(store_rows_at(&rows, r, 0)) != json_integer_value(id))
                continue;
            json_t *before = stage_json(&rows, r);
            same = json_equal(before, stage);
            json_decref(before);
        }
        if (!same)
            rc = stage_update(conn, arena, pipeline_id, stage, now, err);
    }
    return rc;
}

int store_pipeline_insert(struct store_conn *conn, struct arena *arena, const json_t *clean,
                          int64_t *id_out, struct err *err)
{
    const char *name = json_string_value(json_object_get(clean, "name"));
    const json_t *stages = json_object_get(clean, "stages");
    if (name == NULL || !json_is_array(stages))
        return err_set(err, ERR_INTERNAL, "a pipeline needs a name and stages");
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"pipelines\" (\"name\", \"position\", \"created_at\", "
                  "\"updated_at\") VALUES (");
    sql_param_cstr(&sql, name);
    sql_add(&sql, ", ");
    const json_t *position = json_object_get(clean, "position");
    if (json_is_integer(position))
        sql_param_int(&sql, json_integer_value(position));
    else
        sql_add(&sql, "(SELECT COALESCE(MAX(\"position\"), -1) + 1 FROM \"pipelines\" "
                      "WHERE \"deleted_at\" IS NULL)");
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") RETURNING \"id\"");
    bool found;
    int64_t id = 0;
    int rc = query_int(conn, arena, &sql, &id, &found, err);
    if (rc < 0)
        return unique_conflict(rc, err, "name", PIPELINE_NAME_TAKEN);
    size_t i;
    const json_t *stage;
    json_array_foreach(stages, i, stage)
    {
        rc = stage_insert(conn, arena, id, stage, now, err);
        if (rc < 0)
            return rc;
    }
    *id_out = id;
    return 0;
}

/* ERR_NOT_FOUND when the pipeline is absent or deleted, else ERR_STALE_VERSION. */
static int pipeline_missed(struct store_conn *conn, struct arena *arena, int64_t id,
                           int64_t version, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"version\" FROM \"pipelines\" WHERE \"deleted_at\" IS NULL AND "
                  "\"id\" = ");
    sql_param_int(&sql, id);
    bool found;
    int64_t now_version = 0;
    int rc = query_int(conn, arena, &sql, &now_version, &found, err);
    if (rc < 0)
        return rc;
    if (!found)
        return err_set(err, ERR_NOT_FOUND, "no pipeline with id %lld", (long long)id);
    return err_set(err, ERR_STALE_VERSION,
                   "the pipeline is at version %lld, not %lld; reload it and try again",
                   (long long)now_version, (long long)version);
}

int store_pipeline_update(struct store_conn *conn, struct arena *arena, int64_t id, int64_t version,
                          const json_t *clean, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"pipelines\" SET ");
    static const char *const columns[] = {"name", "position"};
    store_set_present(&sql, clean, columns, sizeof(columns) / sizeof(columns[0]));
    sql_add(&sql, "\"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"deleted_at\" IS NULL AND \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " AND \"version\" = ");
    sql_param_int(&sql, version);
    sql_add(&sql, " RETURNING \"id\"");
    bool found;
    int64_t ignored;
    int rc = query_int(conn, arena, &sql, &ignored, &found, err);
    if (rc < 0)
        return unique_conflict(rc, err, "name", PIPELINE_NAME_TAKEN);
    if (!found)
        return pipeline_missed(conn, arena, id, version, err);
    const json_t *stages = json_object_get(clean, "stages");
    if (json_is_array(stages))
        rc = stages_replace(conn, arena, id, stages, now, err);
    return rc;
}

int store_pipeline_delete(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err)
{
    bool in_use = false;
    int rc = store_pipeline_in_use(conn, arena, id, &in_use, err);
    if (rc < 0)
        return rc;
    if (in_use)
        return err_set(err, ERR_CONFLICT,
                       "the pipeline still holds deals or a commission rule names it; move the "
                       "deals and change the rules first");
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"pipelines\" SET \"deleted_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"deleted_at\" IS NULL AND \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    bool found;
    int64_t ignored;
    rc = query_int(conn, arena, &sql, &ignored, &found, err);
    if (rc == 0 && !found)
        return err_set(err, ERR_NOT_FOUND, "no pipeline with id %lld", (long long)id);
    return rc;
}

/* ---- deal reasons ---- */

#define REASON_COLUMNS                                                                             \
    "\"id\", \"kind\", \"name\", \"position\", \"active\", \"created_at\", \"updated_at\", "       \
    "\"version\" FROM \"deal_reasons\""

static json_t *reason_json(const struct store_rows *rows, size_t r)
{
    return json_pack("{s:o,s:s,s:s,s:o,s:b,s:s,s:s,s:o}", "id",
                     value_int_json(store_rows_at(rows, r, 0)), "kind",
                     store_rows_at(rows, r, 1)->text, "name", store_rows_at(rows, r, 2)->text,
                     "position", value_int_json(store_rows_at(rows, r, 3)), "active",
                     store_value_int(store_rows_at(rows, r, 4)) != 0, "created_at",
                     store_rows_at(rows, r, 5)->text, "updated_at", store_rows_at(rows, r, 6)->text,
                     "version", value_int_json(store_rows_at(rows, r, 7)));
}

int store_deal_reasons_list(struct store_conn *conn, struct arena *arena, const char *kind,
                            json_t **out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " REASON_COLUMNS);
    if (kind != NULL) {
        sql_add(&sql, " WHERE \"kind\" = ");
        sql_param_cstr(&sql, kind);
    }
    /* Won before lost, then the administrator's order. */
    sql_add(&sql, " ORDER BY \"kind\" DESC, \"position\", \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t r = 0; r < rows.n_rows; r++)
        json_array_append_new(list, reason_json(&rows, r));
    *out = list;
    return 0;
}

int store_deal_reason_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                          struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " REASON_COLUMNS " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no deal reason with id %lld", (long long)id);
    *out = reason_json(&rows, 0);
    return 0;
}

int store_deal_reason_insert(struct store_conn *conn, struct arena *arena, const json_t *clean,
                             int64_t *id_out, struct err *err)
{
    const char *kind = json_string_value(json_object_get(clean, "kind"));
    const char *name = json_string_value(json_object_get(clean, "name"));
    if (kind == NULL || name == NULL)
        return err_set(err, ERR_INTERNAL, "a deal reason needs a kind and a name");
    const json_t *active = json_object_get(clean, "active");
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"deal_reasons\" (\"kind\", \"name\", \"position\", \"active\", "
                  "\"created_at\", \"updated_at\") VALUES (");
    sql_param_cstr(&sql, kind);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, name);
    sql_add(&sql, ", ");
    const json_t *position = json_object_get(clean, "position");
    if (json_is_integer(position)) {
        sql_param_int(&sql, json_integer_value(position));
    } else {
        sql_add(&sql, "(SELECT COALESCE(MAX(\"position\"), -1) + 1 FROM \"deal_reasons\" "
                      "WHERE \"kind\" = ");
        sql_param_cstr(&sql, kind);
        sql_add(&sql, ")");
    }
    sql_add(&sql, ", ");
    sql_param_int(&sql, active == NULL || json_is_true(active) ? 1 : 0);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") RETURNING \"id\"");
    bool found;
    int rc = query_int(conn, arena, &sql, id_out, &found, err);
    return unique_conflict(rc, err, "name", REASON_NAME_TAKEN);
}

int store_deal_reason_update(struct store_conn *conn, struct arena *arena, int64_t id,
                             int64_t version, const json_t *clean, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"deal_reasons\" SET ");
    static const char *const columns[] = {"name", "position", "active"};
    store_set_present(&sql, clean, columns, sizeof(columns) / sizeof(columns[0]));
    sql_add(&sql, "\"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " AND \"version\" = ");
    sql_param_int(&sql, version);
    sql_add(&sql, " RETURNING \"id\"");
    bool found;
    int64_t ignored;
    int rc = query_int(conn, arena, &sql, &ignored, &found, err);
    if (rc < 0)
        return unique_conflict(rc, err, "name", REASON_NAME_TAKEN);
    if (found)
        return 0;
    json_t *current = NULL;
    rc = store_deal_reason_get(conn, arena, id, &current, err);
    if (rc < 0)
        return rc;
    int64_t now_version = json_integer_value(json_object_get(current, "version"));
    json_decref(current);
    return err_set(err, ERR_STALE_VERSION,
                   "the reason is at version %lld, not %lld; reload it and try again",
                   (long long)now_version, (long long)version);
}

int store_deal_reason_delete(struct store_conn *conn, struct arena *arena, int64_t id,
                             struct err *err)
{
    bool in_use = false;
    int rc = store_deal_reason_in_use(conn, arena, id, &in_use, err);
    if (rc < 0)
        return rc;
    if (in_use)
        return err_set(err, ERR_CONFLICT, "deals name this reason; make it inactive instead");
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"deal_reasons\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    bool found;
    int64_t ignored;
    rc = query_int(conn, arena, &sql, &ignored, &found, err);
    if (rc == 0 && !found)
        return err_set(err, ERR_NOT_FOUND, "no deal reason with id %lld", (long long)id);
    return rc;
}
