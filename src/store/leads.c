/*
 * What leads need besides the generic record layer: the active scoring
 * and assignment rules in their order, the members a team's leads go to in
 * turn, the rule's turn moved on, the form behind a public key, the count
 * of a form's submissions per address and hour, and the records a lead's
 * conversion may find instead of making duplicates.
 */
#include "store/store.h"

#include "base/arena.h"

static json_t *value_or_null(const struct store_value *v)
{
    if (v->type == STORE_NULL)
        return json_null();
    if (v->type == STORE_TEXT)
        return json_stringn(v->text, v->len);
    return json_integer(store_value_int(v));
}

/* The rows of sql as an array of objects with the given keys (one per column). */
static int rows_json(struct store_conn *conn, struct arena *arena, struct sql_builder *sql,
                     const char *const *keys, size_t n_keys, json_t **out, struct err *err)
{
    struct store_rows rows;
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t r = 0; r < rows.n_rows; r++) {
        json_t *row = json_object();
        for (size_t c = 0; c < n_keys && c < rows.n_cols; c++)
            json_object_set_new(row, keys[c], value_or_null(store_rows_at(&rows, r, c)));
        json_array_append_new(list, row);
    }
    *out = list;
    return 0;
}

/* " AND active" for the dialect (an integer in SQLite, a boolean in PostgreSQL). */
static void active_only(struct sql_builder *sql)
{
    sql_add(sql, sql->dialect == SQL_SQLITE ? " AND r.\"active\" = 1" : " AND r.\"active\"");
}

int store_lead_scoring_rules(struct store_conn *conn, struct arena *arena, json_t **out,
                             struct err *err)
{
    static const char *const keys[] = {"id", "filter", "points"};
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT r.\"id\", r.\"filter\", r.\"points\" FROM \"lead_scoring_rules\" r "
                  "WHERE r.\"deleted_at\" IS NULL");
    active_only(&sql);
    sql_add(&sql, " ORDER BY r.\"id\"");
    return rows_json(conn, arena, &sql, keys, 3, out, err);
}

int store_lead_assignment_rules(struct store_conn *conn, struct arena *arena, json_t **out,
                                struct err *err)
{
    static const char *const keys[] = {"id", "filter", "user_id", "team_id", "last_user_id"};
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT r.\"id\", r.\"filter\", r.\"user_id\", r.\"team_id\", r.\"last_user_id\" "
                  "FROM \"lead_assignment_rules\" r WHERE r.\"deleted_at\" IS NULL");
    active_only(&sql);
    sql_add(&sql, " ORDER BY r.\"position\", r.\"id\"");
    return rows_json(conn, arena, &sql, keys, 5, out, err);
}

int store_team_next_member(struct store_conn *conn, struct arena *arena, int64_t team_id,
                           int64_t after_user_id, int64_t *user_id, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    *user_id = 0;
    sql_init(&sql, arena, store_conn_dialect(conn));
    /* The next enabled member by id after the last one, else the first. */
    sql_add(&sql, "SELECT u.\"id\" FROM \"users\" u WHERE u.\"team_id\" = ");
    sql_param_int(&sql, team_id);
    sql_add(&sql, " AND u.\"disabled_at\" IS NULL");
    sql_add(&sql, " ORDER BY (u.\"id\" <= ");
    sql_param_int(&sql, after_user_id);
    sql_add(&sql, "), u.\"id\" LIMIT 1");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0 && rows.n_rows > 0)
        *user_id = store_value_int(store_rows_at(&rows, 0, 0));
    return rc;
}

int store_lead_assignment_rule_turn(struct store_conn *conn, struct arena *arena, int64_t rule_id,
                                    int64_t user_id, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"lead_assignment_rules\" SET \"last_user_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, rule_id);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_form_by_key(struct store_conn *conn, struct arena *arena, const char *key,
                      int64_t *form_id, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    *form_id = 0;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT r.\"id\" FROM \"forms\" r WHERE r.\"key\" = ");
    sql_param_cstr(&sql, key);
    sql_add(&sql, " AND r.\"deleted_at\" IS NULL");
    active_only(&sql);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no such form");
    *form_id = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_form_submission_count(struct store_conn *conn, struct arena *arena, int64_t form_id,
                                const char *address, const char *hour, int64_t *n_out,
                                struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"form_submissions\" (\"form_id\", \"address\", \"hour\", \"n\") "
                  "VALUES (");
    sql_param_int(&sql, form_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, address);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, hour);
    sql_add(&sql, ", 1) ON CONFLICT (\"form_id\", \"address\", \"hour\") DO UPDATE SET "
                  "\"n\" = \"form_submissions\".\"n\" + 1 RETURNING \"n\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0)
        *n_out = rows.n_rows > 0 ? store_value_int(store_rows_at(&rows, 0, 0)) : 0;
    /* Hours gone by are of no more use. */
    if (rc == 0) {
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_add(&sql, "DELETE FROM \"form_submissions\" WHERE \"form_id\" = ");
        sql_param_int(&sql, form_id);
        sql_add(&sql, " AND \"hour\" < ");
        sql_param_cstr(&sql, hour);
        rc = store_query(conn, arena, &sql, NULL, err);
    }
    return rc;
}

int store_contact_by_email(struct store_conn *conn, struct arena *arena,
                           const struct access *access, const char *email, int64_t *id,
                           struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    *id = 0;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT t.\"id\" FROM \"contacts\" t WHERE t.\"deleted_at\" IS NULL AND ");
    if (sql.dialect == SQL_SQLITE)
        sql_add(&sql, "EXISTS (SELECT 1 FROM json_each(t.\"emails\") e WHERE lower(e.value) = ");
    else
        sql_add(&sql, "EXISTS (SELECT 1 FROM jsonb_array_elements_text(t.\"emails\"::jsonb) e "
                      "WHERE lower(e) = ");
    sql_param_cstr(&sql, email);
    sql_add(&sql, ")");
    store_owner_predicate(&sql, access->scope, access, "t.\"owner_id\"");
    sql_add(&sql, " ORDER BY t.\"id\" LIMIT 1");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0 && rows.n_rows > 0)
        *id = store_value_int(store_rows_at(&rows, 0, 0));
    return rc;
}

int store_company_by_domain_or_name(struct store_conn *conn, struct arena *arena,
                                    const struct access *access, const char *domain,
                                    const char *name, int64_t *id, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    *id = 0;
    if (domain == NULL && name == NULL)
        return 0;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT t.\"id\" FROM \"companies\" t WHERE t.\"deleted_at\" IS NULL AND (1 = 0");
    if (domain != NULL) {
        /* The website's host is the domain or ends in ".domain". */
        sql_add(&sql, " OR lower(t.\"website\") IN (");
        const char *forms[] = {"http://", "https://", "http://www.", "https://www."};
        for (size_t i = 0; i < 4; i++) {
            sql_add(&sql, i > 0 ? ", " : "");
            sql_param_cstr(&sql, arena_printf(arena, "%s%s", forms[i], domain));
            sql_add(&sql, ", ");
            sql_param_cstr(&sql, arena_printf(arena, "%s%s/", forms[i], domain));
        }
        sql_add(&sql, ")");
    }
    if (name != NULL) {
        sql_add(&sql, " OR lower(t.\"name\") = lower(");
        sql_param_cstr(&sql, name);
        sql_add(&sql, ")");
    }
    sql_add(&sql, ")");
    store_owner_predicate(&sql, access->scope, access, "t.\"owner_id\"");
    sql_add(&sql, " ORDER BY t.\"id\" LIMIT 1");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0 && rows.n_rows > 0)
        *id = store_value_int(store_rows_at(&rows, 0, 0));
    return rc;
}

int store_leads_scored(struct store_conn *conn, struct arena *arena, int64_t **ids,
                       int64_t **scores, size_t *n, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT t.\"id\", t.\"score\" FROM \"leads\" t WHERE t.\"deleted_at\" IS NULL "
                  "AND t.\"status\" <> 'converted' ORDER BY t.\"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *ids = arena_alloc_array(arena, rows.n_rows ? rows.n_rows : 1, sizeof(**ids));
    *scores = arena_alloc_array(arena, rows.n_rows ? rows.n_rows : 1, sizeof(**scores));
    for (size_t r = 0; r < rows.n_rows; r++) {
        (*ids)[r] = store_value_int(store_rows_at(&rows, r, 0));
        (*scores)[r] = store_value_int(store_rows_at(&rows, r, 1));
    }
    *n = rows.n_rows;
    return 0;
}

int store_lead_set_score(struct store_conn *conn, struct arena *arena, int64_t id, int64_t score,
                         struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"leads\" SET \"score\" = ");
    sql_param_int(&sql, score);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    return store_query(conn, arena, &sql, NULL, err);
}
