/*
 * /api/v1/settings, /api/v1/currencies and /api/v1/exchange-rates: the base
 * currency (a setting; --base-currency until an administrator sets it),
 * the currencies the server knows, and exchange rates by date, addressed
 * by currency and date: listed, read, added, changed, deleted, imported
 * from CSV, and used to convert an amount into the base currency.
 * Everyone signed in reads; administrators write, each change in one
 * transaction with its security audit entry. An import is all or nothing:
 * domain/rate_import.h checks every row before anything is written.
 */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/body.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/money.h"
#include "domain/currency.h"
#include "domain/list_cursor.h"
#include "domain/rate_import.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define RATES_DEFAULT_LIMIT 50
#define RATES_MAX_LIMIT 500
#define RATES_CURSOR_SORT "currency,date"

static const char *const settings_keys[] = {"base_currency", "birthday_reminder_days"};
static const char *const rate_create_keys[] = {"currency", "date", "rate"};
static const char *const rate_update_keys[] = {"rate"};

/* ---- reading values ---- */

/* A JSON string as a slice; false with a field error when value is absent or not a string. */
static bool json_slice(struct http_request *req, const json_t *value, const char *field,
                       const char *example, struct str *out)
{
    if (value == NULL) {
        err_field(&req->err, field, "is required");
        return false;
    }
    if (!json_is_string(value)) {
        err_field(&req->err, field, "must be a string like \"%s\"", example);
        return false;
    }
    *out = (struct str){json_string_value(value), json_string_length(value)};
    return true;
}

static bool read_code(struct http_request *req, const json_t *value, const char *field,
                      char out[CURRENCY_CODE_LEN + 1])
{
    struct str text;
    return json_slice(req, value, field, "EUR", &text) &&
           currency_code_parse(text, out, field, &req->err) == 0;
}

static bool read_date(struct http_request *req, const json_t *value, const char *field,
                      char out[CLOCK_DATE_LEN + 1])
{
    struct str text;
    return json_slice(req, value, field, "2026-03-01", &text) &&
           currency_date_parse(text, out, field, &req->err) == 0;
}

/* A rate sent as a string; its canonical text goes to text_out. */
static bool read_rate(struct http_request *req, const json_t *value, const char *field,
                      int64_t *scaled, char text_out[CURRENCY_RATE_TEXT_MAX])
{
    struct str text;
    if (json_is_number(value)) {
        err_field(&req->err, field, "must be a decimal number like 92.5, sent as a string");
        return false;
    }
    if (!json_slice(req, value, field, "92.5", &text) ||
        currency_rate_parse(text, scaled, field, &req->err) < 0)
        return false;
    currency_rate_format(*scaled, text_out);
    return true;
}

/* A query parameter's field error becomes a 400 naming it. */
static int query_refused(struct http_request *req)
{
    const struct field_error *fe = &req->err.fields[req->err.n_fields - 1];
    return err_set(&req->err, ERR_BAD_REQUEST, "%s %s", fe->field, fe->message);
}

/* ---- the base currency ---- */

struct base_currency {
    char code[CURRENCY_CODE_LEN + 1];
    int64_t version;
    int64_t birthday_days;    /* SETTING_BIRTHDAY_REMINDER_DAYS */
    int64_t birthday_version; /* its row's version (1: the default) */
};

/* The base currency: the setting, else --base-currency. */
static int base_read(struct http_request *req, struct store_conn *conn, struct base_currency *out)
{
    struct setting_row row;
    int rc = store_setting_get(conn, req->arena, SETTING_BASE_CURRENCY, &row, &req->err);
    if (rc < 0)
        return rc;
    const struct app *app = req->app;
    const char *code = row.value;
    if (code == NULL)
        code =
            app != NULL && app->base_currency != NULL ? app->base_currency : CURRENCY_DEFAULT_BASE;
    snprintf(out->code, sizeof(out->code), "%s", code);
    out->version = row.version;
    rc = store_setting_get(conn, req->arena, SETTING_BIRTHDAY_REMINDER_DAYS, &row, &req->err);
    if (rc < 0)
        return rc;
    out->birthday_days = row.value != NULL ? strtoll(row.value, NULL, 10) : BIRTHDAY_DAYS_DEFAULT;
    out->birthday_version = row.version;
    return 0;
}

/* The settings' version goes up by one with each change of any of them. */
static int64_t settings_version(const struct base_currency *base)
{
    return base->version + base->birthday_version - 1;
}

static json_t *settings_json(struct http_request *req, const struct base_currency *base)
{
    return api_keep(req, json_pack("{s:s,s:I,s:I}", "base_currency", base->code,
                                   "birthday_reminder_days", (json_int_t)base->birthday_days,
                                   "version", (json_int_t)settings_version(base)));
}

/* birthday_reminder_days: a whole number of days, 0 to BIRTHDAY_DAYS_MAX. */
static void read_birthday_days(struct http_request *req, const json_t *value, int64_t *days)
{
    if (!json_is_integer(value) || json_integer_value(value) < 0 ||
        json_integer_value(value) > BIRTHDAY_DAYS_MAX)
        err_field(&req->err, "birthday_reminder_days", "must be a whole number of days, 0 to %d",
                  BIRTHDAY_DAYS_MAX);
    else
        *days = json_integer_value(value);
}

static int birthday_days_change(struct http_request *req, struct store_conn *conn,
                                struct base_currency *base, int64_t days)
{
    int rc = store_setting_set(conn, req->arena, SETTING_BIRTHDAY_REMINDER_DAYS,
                               arena_printf(req->arena, "%lld", (long long)days),
                               base->birthday_version, &req->err);
    if (rc < 0)
        return rc;
    json_t *changes = api_keep(req, json_pack("{s:[II]}", "birthday_reminder_days",
                                              (json_int_t)base->birthday_days, (json_int_t)days));
    base->birthday_days = days;
    base->birthday_version++;
    return api_audit(req, conn, "security", "settings_updated", "settings", 0, changes, NULL);
}

int settings_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct base_currency base;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = base_read(req, conn, &base);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, settings_json(req, &base));
}

/* Changes the base currency of base to code, unless rates (relative to the old one) exist. */
static int base_change(struct http_request *req, struct store_conn *conn,
                       struct base_currency *base, const char *code)
{
    int64_t n_rates = 0;
    int rc = store_exchange_rates_count(conn, req->arena, &n_rates, &req->err);
    if (rc < 0)
        return rc;
    if (n_rates > 0) {
        err_set(&req->err, ERR_CONFLICT,
                "the %lld exchange rate%s %s relative to %s; delete %s before changing the base "
                "currency",
                (long long)n_rates, n_rates == 1 ? "" : "s", n_rates == 1 ? "is" : "are",
                base->code, n_rates == 1 ? "it" : "them");
        return err_field(&req->err, "base_currency", "cannot change while exchange rates exist");
    }
    rc = store_setting_set(conn, req->arena, SETTING_BASE_CURRENCY, code, base->version, &req->err);
    if (rc < 0)
        return rc;
    json_t *changes = api_keep(req, json_pack("{s:[ss]}", "base_currency", base->code, code));
    rc = api_audit(req, conn, "security", "settings_updated", "settings", 0, changes, NULL);
    snprintf(base->code, sizeof(base->code), "%s", code);
    base->version++;
    return rc;
}

int settings_update(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct base_currency base;
    json_t *body = NULL;
    int64_t expected;
    char code[CURRENCY_CODE_LEN + 1] = "";
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, settings_keys, COUNT(settings_keys));
    if (rc < 0)
        return rc;
    const json_t *value = json_object_get(body, "base_currency");
    if (value != NULL)
        read_code(req, value, "base_currency", code);
    const json_t *birthday = json_object_get(body, "birthday_reminder_days");
    int64_t birthday_days = 0;
    if (birthday != NULL)
        read_birthday_days(req, birthday, &birthday_days);
    if (body_failed(req))
        return -req->err.code;
    rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = base_read(req, conn, &base);
    if (rc == 0 && expected > 0 && expected != settings_version(&base))
        rc = err_set(&req->err, ERR_STALE_VERSION,
                     "the settings are at version %lld, not %lld; reload them and try again",
                     (long long)settings_version(&base), (long long)expected);
    if (rc == 0 && value != NULL && strcmp(code, base.code) != 0)
        rc = base_change(req, conn, &base, code);
    if (rc == 0 && birthday != NULL && birthday_days != base.birthday_days)
        rc = birthday_days_change(req, conn, &base, birthday_days);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, settings_json(req, &base));
}

/* ---- the currencies ---- */

static int code_compare(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int currencies_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct base_currency base;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = base_read(req, conn, &base);
    if (rc < 0)
        return rc;
    size_t n = currency_count();
    const char **codes = arena_alloc_array(req->arena, n, sizeof(*codes));
    int exponent;
    for (size_t i = 0; i < n; i++)
        codes[i] = currency_code_at(i, &exponent);
    qsort(codes, n, sizeof(*codes), code_compare);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:s,s:i}", "code", codes[i], "exponent",
                                              currency_exponent(str_from_cstr(codes[i]))));
    json_t *body = api_keep(req, json_pack("{s:s,s:o}", "base", base.code, "data", list));
    return http_respond_json(res, 200, body);
}

/* ---- exchange rates ---- */

/* The {currency}/{date} of the path; 404 when it cannot name a rate. */
static int rate_path(struct http_request *req, char code[CURRENCY_CODE_LEN + 1],
                     char date[CLOCK_DATE_LEN + 1])
{
    const char *code_text = http_path_param(req, "currency");
    const char *date_text = http_path_param(req, "date");
    struct err scratch;
    err_clear(&scratch);
    if (code_text == NULL || date_text == NULL ||
        currency_code_parse(str_from_cstr(code_text), code, "currency", &scratch) < 0 ||
        currency_date_parse(str_from_cstr(date_text), date, "date", &scratch) < 0)
        return err_set(&req->err, ERR_NOT_FOUND,
                       "no exchange rate at this address (it takes "
                       "a currency and a date: /USD/2026-03-01)");
    return 0;
}

/* Reads one rate, kept until the request ends. */
static int rate_get(struct http_request *req, struct store_conn *conn, const char *code,
                    const char *date, json_t **rate)
{
    int rc = store_exchange_rate_get(conn, req->arena, code, date, rate, &req->err);
    if (rc == 0)
        api_keep(req, *rate);
    return rc;
}

static int rate_audit(struct http_request *req, struct store_conn *conn, const char *action,
                      const json_t *before, const json_t *after)
{
    const json_t *rate = after != NULL ? after : before;
    json_t *changes = body_changes(before, after, rate_update_keys, COUNT(rate_update_keys));
    json_t *detail =
        api_keep(req, json_pack("{s:O,s:O}", "currency", json_object_get(rate, "currency"), "date",
                                json_object_get(rate, "date")));
    int rc = api_audit(req, conn, "security", action, "exchange_rates",
                       json_integer_value(json_object_get(rate, "id")), changes, detail);
    json_decref(changes);
    return rc;
}

/* The cursor after the last rate of list. */
static const char *rates_next_cursor(struct http_request *req, const json_t *list)
{
    const json_t *last = json_array_get(list, json_array_size(list) - 1);
    json_t *values = api_keep(
        req, json_pack("[OO]", json_object_get(last, "currency"), json_object_get(last, "date")));
    return list_cursor_encode(req->arena, RATES_CURSOR_SORT, values);
}

int exchange_rates_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct exchange_rate_query q = {0};
    char code[CURRENCY_CODE_LEN + 1], from[CLOCK_DATE_LEN + 1], to[CLOCK_DATE_LEN + 1];
    int rc = api_parse_limit(req, RATES_DEFAULT_LIMIT, RATES_MAX_LIMIT, &q.limit);
    if (rc < 0)
        return rc;
    const char *text = http_query(req, "currency");
    if (text != NULL && *text != '\0') {
        if (currency_code_parse(str_from_cstr(text), code, "currency", &req->err) < 0)
            return query_refused(req);
        q.currency = code;
    }
    text = http_query(req, "from");
    if (text != NULL && *text != '\0') {
        if (currency_date_parse(str_from_cstr(text), from, "from", &req->err) < 0)
            return query_refused(req);
        q.from = from;
    }
    text = http_query(req, "to");
    if (text != NULL && *text != '\0') {
        if (currency_date_parse(str_from_cstr(text), to, "to", &req->err) < 0)
            return query_refused(req);
        q.to = to;
    }
    text = http_query(req, "cursor");
    if (text != NULL && *text != '\0') {
        json_t *after = NULL;
        rc = list_cursor_decode(text, strlen(text), RATES_CURSOR_SORT, 2, &after, &req->err);
        if (rc < 0)
            return rc;
        api_keep(req, after);
        q.after_currency = json_string_value(json_array_get(after, 0));
        q.after_date = json_string_value(json_array_get(after, 1));
        if (q.after_currency == NULL || q.after_date == NULL)
            return err_set(&req->err, ERR_BAD_CURSOR, "the cursor was not made by this list");
    }
    json_t *list = NULL;
    bool more = false;
    rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_exchange_rates_list(conn, req->arena, &q, &list, &more, &req->err);
    if (rc < 0)
        return rc;
    json_t *body = api_keep(req, json_pack("{s:o}", "data", list));
    json_object_set_new(body, "next_cursor",
                        more ? json_string(rates_next_cursor(req, list)) : json_null());
    return http_respond_json(res, 200, body);
}

int exchange_rates_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    char code[CURRENCY_CODE_LEN + 1], date[CLOCK_DATE_LEN + 1];
    json_t *rate = NULL;
    int rc = rate_path(req, code, date);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = rate_get(req, conn, code, date, &rate);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, rate);
}

/* A field error when code is the base currency, whose rate is always 1. */
static int refuse_base(struct http_request *req, const struct base_currency *base, const char *code,
                       const char *field)
{
    if (strcmp(code, base->code) != 0)
        return 0;
    return err_field(&req->err, field, "is the base currency; its rate is always 1");
}

int exchange_rates_create(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct base_currency base;
    json_t *body = NULL, *rate = NULL;
    char code[CURRENCY_CODE_LEN + 1], date[CLOCK_DATE_LEN + 1], text[CURRENCY_RATE_TEXT_MAX];
    int64_t scaled = 0, id = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, rate_create_keys, COUNT(rate_create_keys));
    if (rc < 0)
        return rc;
    read_code(req, json_object_get(body, "currency"), "currency", code);
    read_date(req, json_object_get(body, "date"), "date", date);
    read_rate(req, json_object_get(body, "rate"), "rate", &scaled, text);
    if (body_failed(req))
        return -req->err.code;
    rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = base_read(req, conn, &base);
    if (rc == 0)
        rc = refuse_base(req, &base, code, "currency");
    if (rc == 0) {
        const struct actor *actor = api_actor(req);
        struct exchange_rate row = {
            .currency = code,
            .date = date,
            .rate = text,
            .rate_scaled = scaled,
            .created_by = actor != NULL ? actor->user_id : 0,
        };
        rc = store_exchange_rate_insert(conn, req->arena, &row, &id, &req->err);
    }
    if (rc == 0)
        rc = rate_get(req, conn, code, date, &rate);
    if (rc == 0)
        rc = rate_audit(req, conn, "exchange_rate_created", NULL, rate);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/exchange-rates/%s/%s", code, date));
    return api_respond_record(req, res, 201, rate);
}

int exchange_rates_update(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body = NULL, *current = NULL, *rate = NULL;
    char code[CURRENCY_CODE_LEN + 1], date[CLOCK_DATE_LEN + 1], text[CURRENCY_RATE_TEXT_MAX];
    int64_t scaled = 0, expected;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = rate_path(req, code, date);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, rate_update_keys, COUNT(rate_update_keys));
    if (rc < 0)
        return rc;
    read_rate(req, json_object_get(body, "rate"), "rate", &scaled, text);
    if (body_failed(req))
        return -req->err.code;
    rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = rate_get(req, conn, code, date, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    rate = current;
    if (rc == 0 && strcmp(text, json_string_value(json_object_get(current, "rate"))) != 0) {
        struct exchange_rate row = {
            .currency = code, .date = date, .rate = text, .rate_scaled = scaled};
        rc = store_exchange_rate_update(conn, req->arena, &row, &req->err);
        if (rc == 0)
            rc = rate_get(req, conn, code, date, &rate);
        if (rc == 0)
            rc = rate_audit(req, conn, "exchange_rate_updated", current, rate);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, rate);
}

int exchange_rates_delete(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *current = NULL;
    char code[CURRENCY_CODE_LEN + 1], date[CLOCK_DATE_LEN + 1];
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = rate_path(req, code, date);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = rate_get(req, conn, code, date, &current);
    if (rc == 0)
        rc = store_exchange_rate_delete(conn, req->arena, code, date, &req->err);
    if (rc == 0)
        rc = rate_audit(req, conn, "exchange_rate_deleted", current, NULL);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}

/* ---- conversion ---- */

int exchange_rates_convert(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct base_currency base;
    char code[CURRENCY_CODE_LEN + 1] = "", date[CLOCK_DATE_LEN + 1];
    int64_t minor = 0, base_minor = 0;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = base_read(req, conn, &base);
    if (rc < 0)
        return rc;
    const char *currency_text = http_query(req, "currency");
    const char *amount_text = http_query(req, "amount");
    const char *date_text = http_query(req, "date");
    bool code_ok = currency_code_parse(str_from_cstr(currency_text != NULL ? currency_text : ""),
                                       code, "currency", &req->err) == 0;
    if (code_ok)
        currency_amount_parse(str_from_cstr(amount_text != NULL ? amount_text : ""),
                              str_from_cstr(code), &minor, "amount", &req->err);
    else if (amount_text == NULL || *amount_text == '\0')
        err_field(&req->err, "amount", "is required");
    if (date_text != NULL && *date_text != '\0')
        currency_date_parse(str_from_cstr(date_text), date, "date", &req->err);
    else
        clock_format_date(clock_day_of_ms(clock_now_ms()), date);
    if (body_failed(req))
        return -req->err.code;

    struct exchange_rate rate = {.date = date, .rate = "1", .rate_scaled = CURRENCY_RATE_ONE};
    if (strcmp(code, base.code) != 0) {
        rc = store_exchange_rate_on(conn, req->arena, code, date, &rate, &req->err);
        if (rc == -ERR_NOT_FOUND) {
            err_clear(&req->err);
            err_set(&req->err, ERR_VALIDATION,
                    "there is no %s rate on or before %s, so the amount cannot be converted", code,
                    date);
            return err_field(&req->err, "date", "has no %s rate on or before it", code);
        }
        if (rc < 0)
            return rc;
    }
    if (currency_convert(minor, str_from_cstr(code), str_from_cstr(base.code), rate.rate_scaled,
                         &base_minor, &req->err) < 0)
        return err_field(&req->err, "amount", "is too large to convert");
    char amount[MONEY_TEXT_MAX], base_amount[MONEY_TEXT_MAX];
    if (money_format(minor, str_from_cstr(code), amount, sizeof(amount)) < 0 ||
        money_format(base_minor, str_from_cstr(base.code), base_amount, sizeof(base_amount)) < 0)
        return err_set(&req->err, ERR_INTERNAL, "cannot format the amounts");
    json_t *body =
        api_keep(req, json_pack("{s:s,s:s,s:s,s:{s:s,s:s},s:s,s:s}", "amount", amount, "currency",
                                code, "date", date, "base", "amount", base_amount, "currency",
                                base.code, "rate", rate.rate, "rate_date", rate.date));
    return http_respond_json(res, 200, body);
}

/* ---- import ---- */

/* What the import body may be sent as; its charset, when named, must be UTF-8. */
static int import_check_type(struct http_request *req)
{
    static const char *const types[] = {"text/csv", "application/csv", "text/plain",
                                        "text/tab-separated-values", NULL};
    return api_text_body_type(req, types, "send the file as Content-Type: text/csv");
}

/* The audit entry of an import: how many rates, how many replaced, which currencies. */
static int import_audit(struct http_request *req, struct store_conn *conn,
                        const struct rate_import *import, size_t replaced)
{
    json_t *currencies = json_array();
    for (size_t i = 0; i < import->n_currencies; i++)
        json_array_append_new(currencies, json_string(import->currencies[i]));
    json_t *detail =
        api_keep(req, json_pack("{s:I,s:I,s:o}", "imported", (json_int_t)import->n_rows, "replaced",
                                (json_int_t)replaced, "currencies", currencies));
    return api_audit(req, conn, "security", "exchange_rates_imported", "exchange_rates", 0, NULL,
                     detail);
}

int exchange_rates_import(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct base_currency base;
    struct rate_import import;
    size_t replaced = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = import_check_type(req);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = base_read(req, conn, &base);
    if (rc == 0)
        rc = rate_import_read(req->arena, req->body != NULL ? req->body : "", req->body_len,
                              base.code, &import, &req->err);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    const struct actor *actor = api_actor(req);
    struct exchange_rate *rates = arena_alloc_array(req->arena, import.n_rows, sizeof(*rates));
    for (size_t i = 0; i < import.n_rows; i++) {
        const struct rate_import_row *row = &import.rows[i];
        rates[i] = (struct exchange_rate){
            .currency = row->currency,
            .date = row->date,
            .rate = row->rate,
            .rate_scaled = row->rate_scaled,
            .created_by = actor != NULL ? actor->user_id : 0,
        };
    }
    rc = store_exchange_rates_import(conn, req->arena, rates, import.n_rows, &replaced, &req->err);
    if (rc == 0)
        rc = import_audit(req, conn, &import, replaced);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    json_t *body = api_keep(req, json_pack("{s:I,s:I}", "imported", (json_int_t)import.n_rows,
                                           "replaced", (json_int_t)replaced));
    return http_respond_json(res, 200, body);
}
