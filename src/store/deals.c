/*
 * What deals need besides the generic record layer: the stage a deal is in
 * or moves to (with its pipeline, kind, probability and rotting limit), the
 * board's totals the database keeps per stage, and the history of the
 * stages each deal entered.
 */
#include "store/store.h"

#include "base/arena.h"

#define STAGE_COLUMNS                                                                              \
    "s.\"id\", s.\"pipeline_id\", s.\"name\", s.\"kind\", s.\"probability\", s.\"rot_days\" "      \
    "FROM \"pipeline_stages\" s JOIN \"pipelines\" p ON p.\"id\" = s.\"pipeline_id\" "             \
    "WHERE p.\"deleted_at\" IS NULL"

static int stage_read(struct store_conn *conn, struct arena *arena, struct sql_builder *sql,
                      struct pipeline_stage *out, struct err *err)
{
    struct store_rows rows;
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no such stage");
    const struct store_value *rot = store_rows_at(&rows, 0, 5);
    *out = (struct pipeline_stage){
        .id = store_value_int(store_rows_at(&rows, 0, 0)),
        .pipeline_id = store_value_int(store_rows_at(&rows, 0, 1)),
        .name = store_rows_at(&rows, 0, 2)->text,
        .kind = store_rows_at(&rows, 0, 3)->text,
        .probability = store_value_int(store_rows_at(&rows, 0, 4)),
        .rot_days = rot->type == STORE_NULL ? 0 : store_value_int(rot),
    };
    return 0;
}

int store_pipeline_stage_get(struct store_conn *conn, struct arena *arena, int64_t stage_id,
                             struct pipeline_stage *out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " STAGE_COLUMNS " AND s.\"id\" = ");
    sql_param_int(&sql, stage_id);
    return stage_read(conn, arena, &sql, out, err);
}

int store_pipeline_first_open_stage(struct store_conn *conn, struct arena *arena,
                                    int64_t pipeline_id, struct pipeline_stage *out,
                                    struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " STAGE_COLUMNS " AND s.\"kind\" = 'open' AND s.\"pipeline_id\" = ");
    sql_param_int(&sql, pipeline_id);
    sql_add(&sql, " ORDER BY s.\"position\", s.\"id\" LIMIT 1");
    return stage_read(conn, arena, &sql, out, err);
}

int store_deal_board_totals(struct store_conn *conn, struct arena *arena,
                            const struct access *access, int64_t pipeline_id,
                            struct record_total **out, size_t *n_out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"stage_id\", \"currency\", CAST(sum(\"n\") AS BIGINT), "
                  "CAST(sum(\"sum_minor\") AS BIGINT), CAST(sum(\"sum_base_minor\") AS BIGINT), "
                  "CAST(sum(\"n_converted\") AS BIGINT) FROM \"deal_stage_totals\" "
                  "WHERE \"pipeline_id\" = ");
    sql_param_int(&sql, pipeline_id);
    store_owner_predicate(&sql, access->scope, access, "\"owner_key\"");
    sql_add(&sql, " GROUP BY \"stage_id\", \"currency\" HAVING sum(\"n\") > 0");
    return store_record_totals_read(conn, arena, &sql, out, n_out, err);
}

int store_deal_history_add(struct store_conn *conn, struct arena *arena,
                           const struct deal_stage_change *change, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"deal_stage_history\" (\"deal_id\", \"from_pipeline_id\", "
                  "\"from_stage_id\", \"to_pipeline_id\", \"to_stage_id\", \"at\", \"user_id\", "
                  "\"seconds_in_from\") VALUES (");
    sql_param_int(&sql, change->deal_id);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, change->from_pipeline_id);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, change->from_stage_id);
    sql_add(&sql, ", ");
    sql_param_int(&sql, change->to_pipeline_id);
    sql_add(&sql, ", ");
    sql_param_int(&sql, change->to_stage_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, change->at);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, change->user_id);
    sql_add(&sql, ", ");
    if (change->from_stage_id > 0)
        sql_param_int(&sql, change->seconds_in_from);
    else
        sql_param_null(&sql);
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

int store_deal_history_list(struct store_conn *conn, struct arena *arena, int64_t deal_id,
                            json_t **out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT h.\"id\", h.\"from_pipeline_id\", h.\"from_stage_id\", "
                  "h.\"to_pipeline_id\", h.\"to_stage_id\", h.\"at\", h.\"user_id\", u.\"name\", "
                  "h.\"seconds_in_from\" FROM \"deal_stage_history\" h "
                  "LEFT JOIN \"users\" u ON u.\"id\" = h.\"user_id\" WHERE h.\"deal_id\" = ");
    sql_param_int(&sql, deal_id);
    sql_add(&sql, " ORDER BY h.\"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t r = 0; r < rows.n_rows; r++) {
        const struct store_value *name = store_rows_at(&rows, r, 7);
        json_array_append_new(
            list, json_pack("{s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:o}", "id",
                            store_value_int_json(store_rows_at(&rows, r, 0)), "from_pipeline_id",
                            store_value_int_json(store_rows_at(&rows, r, 1)), "from_stage_id",
                            store_value_int_json(store_rows_at(&rows, r, 2)), "to_pipeline_id",
                            store_value_int_json(store_rows_at(&rows, r, 3)), "to_stage_id",
                            store_value_int_json(store_rows_at(&rows, r, 4)), "at",
                            store_rows_at(&rows, r, 5)->text, "user_id",
                            store_value_int_json(store_rows_at(&rows, r, 6)), "user_name",
                            name->type == STORE_TEXT ? json_string(name->text) : json_null(),
                            "seconds_in_from", store_value_int_json(store_rows_at(&rows, r, 8))));
    }
    *out = list;
    return 0;
}
