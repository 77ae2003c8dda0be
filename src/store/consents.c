/*
 * The consent ledger in the database (store/consents.h): the consents
 * table, written by insert and by a withdrawal that only ever fills
 * withdrawn_at once.
 */
#include "store/consents.h"

#include "base/arena.h"
#include "store/store.h"

#define CONSENT_COLUMNS                                                                            \
    "\"id\", \"contact_id\", \"purpose\", \"text_version\", \"source\", \"given_at\", "            \
    "\"withdrawn_at\", \"created_by\", \"created_at\""

static json_t *text_or_null(const struct store_value *v)
{
    return v->type == STORE_NULL ? json_null() : json_stringn(v->text, v->len);
}

/* Row r of a SELECT of CONSENT_COLUMNS as API JSON (new reference). */
static json_t *consent_json(const struct store_rows *rows, size_t r)
{
    const struct store_value *withdrawn = store_rows_at(rows, r, 6);
    json_t *c = json_object();
    json_object_set_new(c, "id", store_value_int_json(store_rows_at(rows, r, 0)));
    json_object_set_new(c, "contact_id", store_value_int_json(store_rows_at(rows, r, 1)));
    json_object_set_new(c, "purpose", text_or_null(store_rows_at(rows, r, 2)));
    json_object_set_new(c, "text_version", text_or_null(store_rows_at(rows, r, 3)));
    json_object_set_new(c, "source", text_or_null(store_rows_at(rows, r, 4)));
    json_object_set_new(c, "given_at", text_or_null(store_rows_at(rows, r, 5)));
    json_object_set_new(c, "withdrawn_at", text_or_null(withdrawn));
    json_object_set_new(c, "active", json_boolean(withdrawn->type == STORE_NULL));
    json_object_set_new(c, "created_by", store_value_int_json(store_rows_at(rows, r, 7)));
    json_object_set_new(c, "created_at", text_or_null(store_rows_at(rows, r, 8)));
    return c;
}

int store_consent_insert(struct store_conn *conn, struct arena *arena, const struct consent_new *c,
                         int64_t *id_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"consents\" (\"contact_id\", \"purpose\", \"text_version\", "
                  "\"source\", \"given_at\", \"created_by\", \"created_at\") VALUES (");
    sql_param_int(&sql, c->contact_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, c->purpose);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, c->text_version);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, c->source);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, c->given_at);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, c->created_by);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, c->created_at);
    sql_add(&sql, ") RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows != 1)
        return err_set(err, ERR_INTERNAL, "the consent was not written");
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_consent_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                      struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " CONSENT_COLUMNS " FROM \"consents\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no consent with id %lld", (long long)id);
    *out = consent_json(&rows, 0);
    return 0;
}

int store_consents_list(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                        json_t **out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " CONSENT_COLUMNS " FROM \"consents\" WHERE \"contact_id\" = ");
    sql_param_int(&sql, contact_id);
    sql_add(&sql, " ORDER BY \"given_at\" DESC, \"id\" DESC");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t r = 0; r < rows.n_rows; r++)
        json_array_append_new(list, consent_json(&rows, r));
    *out = list;
    return 0;
}

int store_consent_withdraw(struct store_conn *conn, struct arena *arena, int64_t id, const char *at,
                           struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"consents\" SET \"withdrawn_at\" = ");
    sql_param_cstr(&sql, at);
    sql_add(&sql, " WHERE \"withdrawn_at\" IS NULL AND \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0 || rows.n_rows > 0)
        return rc;
    json_t *existing = NULL;
    rc = store_consent_get(conn, arena, id, &existing, err);
    json_decref(existing);
    if (rc < 0)
        return rc;
    return err_set(err, ERR_CONFLICT, "the consent was already withdrawn");
}

int store_consent_active(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                         const char *purpose, bool *active, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    *active = false;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"withdrawn_at\" FROM \"consents\" WHERE \"contact_id\" = ");
    sql_param_int(&sql, contact_id);
    sql_add(&sql, " AND \"purpose\" = ");
    sql_param_cstr(&sql, purpose);
    sql_add(&sql, " ORDER BY \"given_at\" DESC, \"id\" DESC LIMIT 1");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *active = rows.n_rows == 1 && store_rows_at(&rows, 0, 0)->type == STORE_NULL;
    return 0;
}
