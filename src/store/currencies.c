/*
 * Settings and exchange rates in the store. Settings are key/value rows
 * with a version; a key without a row holds its default at version 1.
 * Exchange rates are addressed by (currency, date), which is unique: lists
 * are keyset-paged on it, "the rate on a date" is the latest row on or
 * before that date, and an import replaces the row of the same key with an
 * upsert whose answer (the row's new version) tells an insert (1) from a
 * replacement. Every function runs in the caller's transaction, if any.
 */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/currency.h"

#define RATE_JSON_COLUMNS                                                                          \
    "\"id\", \"currency\", \"rate_date\", \"rate\", \"rate_scaled\", \"created_at\", "             \
    "\"created_by\", \"updated_at\", \"version\" FROM \"exchange_rates\""

#define RATE_TAKEN "this currency already has a rate on this date"

static void now_text(char out[CLOCK_DATETIME_LEN + 1])
{
    clock_format_datetime(clock_now_ms(), out);
}

/* ---- settings ---- */

int store_setting_get(struct store_conn *conn, struct arena *arena, const char *key,
                      struct setting_row *out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql,
            "SELECT \"value\", \"updated_at\", \"version\" FROM \"settings\" WHERE \"key\" = ");
    sql_param_cstr(&sql, key);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *out = (struct setting_row){.version = 1};
    if (rows.n_rows > 0) {
        out->value = store_rows_at(&rows, 0, 0)->text;
        out->updated_at = store_rows_at(&rows, 0, 1)->text;
        out->version = store_value_int(store_rows_at(&rows, 0, 2));
    }
    return 0;
}

static int setting_write(struct store_conn *conn, struct arena *arena, const char *key,
                         const char *value, int64_t version, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"settings\" SET \"value\" = ");
    sql_param_cstr(&sql, value);
    sql_add(&sql, ", \"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"key\" = ");
    sql_param_cstr(&sql, key);
    sql_add(&sql, " AND \"version\" = ");
    sql_param_int(&sql, version);
    sql_add(&sql, " RETURNING \"version\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0 || rows.n_rows > 0)
        return rc;
    /* No row at that version: the first write (rows start at 2), or a stale version. */
    if (version != 1)
        return err_set(err, ERR_STALE_VERSION, "the setting %s was changed meanwhile", key);
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"settings\" (\"key\", \"value\", \"updated_at\", \"version\") "
                  "VALUES (");
    sql_param_cstr(&sql, key);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, value);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", 2)");
    rc = store_query(conn, arena, &sql, NULL, err);
    if (rc == -ERR_CONFLICT) {
        /* The row exists after all, at a later version: 1 was stale. */
        err_clear(err);
        return err_set(err, ERR_STALE_VERSION, "the setting %s was changed meanwhile", key);
    }
    return rc;
}

int store_setting_set(struct store_conn *conn, struct arena *arena, const char *key,
                      const char *value, int64_t version, struct err *err)
{
    int rc = setting_write(conn, arena, key, value, version, err);
    /* A new base currency converts every amount anew. */
    if (rc == 0 && strcmp(key, SETTING_BASE_CURRENCY) == 0)
        rc = store_records_rebase_money(conn, arena, NULL, err);
    return rc;
}

int store_setting_ensure(struct store_conn *conn, struct arena *arena, const char *key,
                         const char *value, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"settings\" (\"key\", \"value\", \"updated_at\", \"version\") "
                  "VALUES (");
    sql_param_cstr(&sql, key);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, value);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", 1) ON CONFLICT (\"key\") DO NOTHING");
    return store_query(conn, arena, &sql, NULL, err);
}

int store_base_currency(struct store_conn *conn, struct arena *arena,
                        char out[CURRENCY_CODE_LEN + 1], struct err *err)
{
    struct setting_row row;
    int rc = store_setting_get(conn, arena, SETTING_BASE_CURRENCY, &row, err);
    if (rc < 0)
        return rc;
    snprintf(out, CURRENCY_CODE_LEN + 1, "%s", row.value ? row.value : CURRENCY_DEFAULT_BASE);
    return 0;
}

int store_money_to_base(struct store_conn *conn, struct arena *arena, const char *base,
                        int64_t minor, const char *currency, const char *date,
                        int64_t *base_minor, bool *known, struct err *err)
{
    *known = false;
    if (strcmp(currency, base) == 0) {
        *base_minor = minor;
        *known = true;
        return 0;
    }
    struct exchange_rate rate;
    int rc = store_exchange_rate_on(conn, arena, currency, date, &rate, err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(err);
        return 0;
    }
    if (rc < 0)
        return rc;
    struct err convert_err;
    err_clear(&convert_err);
    /* An amount too large to convert is left unconverted, as one without a rate. */
    if (currency_convert(minor, str_from_cstr(currency), str_from_cstr(base), rate.rate_scaled,
                         base_minor, &convert_err) == 0)
        *known = true;
    return 0;
}

/* ---- exchange rates ---- */

static json_t *rate_json(const struct store_rows *rows, size_t r)
{
    int64_t created_by = store_value_int(store_rows_at(rows, r, 6));
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:s,s:I}", "id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "currency",
                     store_rows_at(rows, r, 1)->text, "date", store_rows_at(rows, r, 2)->text,
                     "rate", store_rows_at(rows, r, 3)->text, "created_at",
                     store_rows_at(rows, r, 5)->text, "created_by",
                     created_by != 0 ? json_integer((json_int_t)created_by) : json_null(),
                     "updated_at", store_rows_at(rows, r, 7)->text, "version",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 8)));
}

/* Appends "currency = ? AND rate_date = ?". */
static void rate_key_where(struct sql_builder *sql, const char *currency, const char *date)
{
    sql_add(sql, "\"currency\" = ");
    sql_param_cstr(sql, currency);
    sql_add(sql, " AND \"rate_date\" = ");
    sql_param_cstr(sql, date);
}

int store_exchange_rates_list(struct store_conn *conn, struct arena *arena,
                              const struct exchange_rate_query *q, json_t **out, bool *more,
                              struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " RATE_JSON_COLUMNS " WHERE 1 = 1");
    if (q->currency != NULL) {
        sql_add(&sql, " AND \"currency\" = ");
        sql_param_cstr(&sql, q->currency);
    }
    if (q->from != NULL) {
        sql_add(&sql, " AND \"rate_date\" >= ");
        sql_param_cstr(&sql, q->from);
    }
    if (q->to != NULL) {
        sql_add(&sql, " AND \"rate_date\" <= ");
        sql_param_cstr(&sql, q->to);
    }
    if (q->after_currency != NULL && q->after_date != NULL) {
        sql_add(&sql, " AND (\"currency\", \"rate_date\") > (");
        sql_param_cstr(&sql, q->after_currency);
        sql_add(&sql, ", ");
        sql_param_cstr(&sql, q->after_date);
        sql_add(&sql, ")");
    }
    sql_add(&sql, " ORDER BY \"currency\", \"rate_date\" LIMIT ");
    sql_param_int(&sql, (int64_t)q->limit + 1);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *more = rows.n_rows > q->limit;
    json_t *list = json_array();
    for (size_t r = 0; r < rows.n_rows && r < q->limit; r++)
        json_array_append_new(list, rate_json(&rows, r));
    *out = list;
    return 0;
}

int store_exchange_rates_count(struct store_conn *conn, struct arena *arena, int64_t *n_out,
                               struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT count(*) FROM \"exchange_rates\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *n_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_exchange_rate_get(struct store_conn *conn, struct arena *arena, const char *currency,
                            const char *date, json_t **out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " RATE_JSON_COLUMNS " WHERE ");
    rate_key_where(&sql, currency, date);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no %s rate on %s", currency, date);
    *out = rate_json(&rows, 0);
    return 0;
}

/* The INSERT of one rate, with "ON CONFLICT ... DO UPDATE" when replace is set. */
static void rate_insert_sql(struct sql_builder *sql, const struct exchange_rate *rate,
                            const char *now, bool replace)
{
    sql_add(sql, "INSERT INTO \"exchange_rates\" (\"currency\", \"rate_date\", \"rate\", "
                 "\"rate_scaled\", \"created_at\", \"created_by\", \"updated_at\") VALUES (");
    sql_param_cstr(sql, rate->currency);
    sql_add(sql, ", ");
    sql_param_cstr(sql, rate->date);
    sql_add(sql, ", ");
    sql_param_cstr(sql, rate->rate);
    sql_add(sql, ", ");
    sql_param_int(sql, rate->rate_scaled);
    sql_add(sql, ", ");
    sql_param_cstr(sql, now);
    sql_add(sql, ", ");
    sql_param_id_or_null(sql, rate->created_by);
    sql_add(sql, ", ");
    sql_param_cstr(sql, now);
    sql_add(sql, ")");
    if (replace)
        sql_add(sql, " ON CONFLICT (\"currency\", \"rate_date\") DO UPDATE SET "
                     "\"rate\" = excluded.\"rate\", \"rate_scaled\" = excluded.\"rate_scaled\", "
                     "\"updated_at\" = excluded.\"updated_at\", "
                     "\"version\" = \"exchange_rates\".\"version\" + 1");
    sql_add(sql, " RETURNING \"id\", \"version\"");
}

int store_exchange_rate_insert(struct store_conn *conn, struct arena *arena,
                               const struct exchange_rate *rate, int64_t *id_out, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    rate_insert_sql(&sql, rate, now, false);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == -ERR_CONFLICT) {
        err_clear(err);
        err_set(err, ERR_CONFLICT, "%s already has a rate on %s; change that one instead",
                rate->currency, rate->date);
        return err_field(err, "date", RATE_TAKEN);
    }
    if (rc < 0)
        return rc;
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return store_records_rebase_money(conn, arena, rate->currency, err);
}

int store_exchange_rate_update(struct store_conn *conn, struct arena *arena,
                               const struct exchange_rate *rate, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"exchange_rates\" SET \"rate\" = ");
    sql_param_cstr(&sql, rate->rate);
    sql_add(&sql, ", \"rate_scaled\" = ");
    sql_param_int(&sql, rate->rate_scaled);
    sql_add(&sql, ", \"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE ");
    rate_key_where(&sql, rate->currency, rate->date);
    sql_add(&sql, " RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no %s rate on %s", rate->currency, rate->date);
    return store_records_rebase_money(conn, arena, rate->currency, err);
}

int store_exchange_rate_delete(struct store_conn *conn, struct arena *arena, const char *currency,
                               const char *date, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"exchange_rates\" WHERE ");
    rate_key_where(&sql, currency, date);
    sql_add(&sql, " RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no %s rate on %s", currency, date);
    return store_records_rebase_money(conn, arena, currency, err);
}

int store_exchange_rates_import(struct store_conn *conn, struct arena *arena,
                                const struct exchange_rate *rates, size_t n, size_t *replaced_out,
                                struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    size_t replaced = 0;
    for (size_t i = 0; i < n; i++) {
        struct sql_builder sql;
        struct store_rows rows;
        sql_init(&sql, arena, store_conn_dialect(conn));
        rate_insert_sql(&sql, &rates[i], now, true);
        int rc = store_query(conn, arena, &sql, &rows, err);
        if (rc < 0)
            return rc;
        if (rows.n_rows > 0 && store_value_int(store_rows_at(&rows, 0, 1)) > 1)
            replaced++;
    }
    *replaced_out = replaced;
    /* Each currency of the import once. */
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(rates[j].currency, rates[i].currency) == 0;
        int rc = seen ? 0 : store_records_rebase_money(conn, arena, rates[i].currency, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int store_exchange_rate_on(struct store_conn *conn, struct arena *arena, const char *currency,
                           const char *date, struct exchange_rate *out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"id\", \"currency\", \"rate_date\", \"rate\", \"rate_scaled\" "
                  "FROM \"exchange_rates\" WHERE \"currency\" = ");
    sql_param_cstr(&sql, currency);
    sql_add(&sql, " AND \"rate_date\" <= ");
    sql_param_cstr(&sql, date);
    sql_add(&sql, " ORDER BY \"rate_date\" DESC LIMIT 1");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no %s rate on or before %s", currency, date);
    *out = (struct exchange_rate){
        .id = store_value_int(store_rows_at(&rows, 0, 0)),
        .currency = store_rows_at(&rows, 0, 1)->text,
        .date = store_rows_at(&rows, 0, 2)->text,
        .rate = store_rows_at(&rows, 0, 3)->text,
        .rate_scaled = store_value_int(store_rows_at(&rows, 0, 4)),
    };
    return 0;
}
