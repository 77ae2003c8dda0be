/*
 * Duplicate keys in the dup_keys table (store/duplicates.h).
 */
#include "store/duplicates.h"

#include <ctype.h>
#include <string.h>

#include "base/arena.h"
#include "domain/duplicates.h"
#include "domain/entity.h"
#include "store/store.h"

int store_default_country(struct store_conn *conn, struct arena *arena, char out[3],
                          struct err *err)
{
    struct setting_row row;
    int rc = store_setting_get(conn, arena, SETTING_DEFAULT_COUNTRY, &row, err);
    if (rc < 0)
        return rc;
    const char *value = row.value;
    bool valid = value != NULL && strlen(value) == 2 && isalpha((unsigned char)value[0]) &&
                 isalpha((unsigned char)value[1]);
    memcpy(out, valid ? value : DUPLICATES_DEFAULT_COUNTRY, 2);
    out[2] = '\0';
    return 0;
}

int store_dup_keys_write(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                         int64_t record_id, const json_t *merged, struct err *err)
{
    if (!duplicates_entity(entity))
        return 0;
    char country[3];
    int rc = store_default_country(conn, arena, country, err);
    if (rc < 0)
        return rc;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"dup_keys\" WHERE \"entity\" = ");
    sql_param_cstr(&sql, entity->name);
    sql_add(&sql, " AND \"record_id\" = ");
    sql_param_int(&sql, record_id);
    rc = store_query(conn, arena, &sql, NULL, err);
    const char **keys;
    size_t n = rc == 0 ? duplicates_keys(arena, entity, merged, country, &keys) : 0;
    if (n == 0)
        return rc;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"dup_keys\" (\"entity\", \"key\", \"record_id\") VALUES ");
    for (size_t i = 0; i < n; i++) {
        sql_add(&sql, i > 0 ? ", (" : "(");
        sql_param_cstr(&sql, entity->name);
        sql_add(&sql, ", ");
        sql_param_cstr(&sql, keys[i]);
        sql_add(&sql, ", ");
        sql_param_int(&sql, record_id);
        sql_add(&sql, ")");
    }
    return store_query(conn, arena, &sql, NULL, err);
}

int store_dup_keys_find(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        const char *const *keys, size_t n_keys, size_t limit, int64_t **ids,
                        size_t *n_ids, struct err *err)
{
    *ids = NULL;
    *n_ids = 0;
    if (n_keys == 0)
        return 0;
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql,
             "SELECT DISTINCT k.\"record_id\" FROM \"dup_keys\" k JOIN \"%s\" r ON r.\"id\" "
             "= k.\"record_id\" AND r.\"deleted_at\" IS NULL WHERE k.\"entity\" = ",
             entity_table(entity));
    sql_param_cstr(&sql, entity->name);
    sql_add(&sql, " AND k.\"key\" IN (");
    for (size_t i = 0; i < n_keys; i++) {
        if (i > 0)
            sql_add(&sql, ", ");
        sql_param_cstr(&sql, keys[i]);
    }
    sql_addf(&sql, ") ORDER BY k.\"record_id\" LIMIT %zu", limit);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *ids = arena_alloc_array(arena, rows.n_rows + 1, sizeof(int64_t));
    for (size_t r = 0; r < rows.n_rows; r++)
        (*ids)[r] = store_value_int(store_rows_at(&rows, r, 0));
    *n_ids = rows.n_rows;
    return 0;
}
