/*
 * What quotes add to the record collection. Before every write of a draft
 * the lines are priced from their products (the quote's price list's price,
 * else the product's in the quote's currency, plus the deltas of the chosen
 * options; the product's tax rate and name; unless the line gives its own
 * and the caller may set prices),
 * then domain/quote.c computes each line and the totals, which are written
 * with the quote. A sent quote is frozen: its actions move it on (accept,
 * decline) or back to a new draft version (revise), and each sent version
 * is kept as it was sent.
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "api/body.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/money.h"
#include "base/str.h"
#include "base/utf8.h"
#include "domain/currency.h"
#include "domain/entity.h"
#include "domain/product.h"
#include "domain/quote.h"

static const char *status_of(const json_t *quote)
{
    const char *status = json_string_value(json_object_get(quote, "status"));
    return status ? status : "";
}

/*
 * The quote's currency: as written, else its price list's, else the deal's
 * amount's, else the base currency.
 */
static int quote_currency(struct http_request *req, struct store_conn *conn, const json_t *merged,
                          const json_t *deal, const json_t *list, char code[CURRENCY_CODE_LEN + 1])
{
    const char *given = json_string_value(json_object_get(merged, "currency"));
    const char *deal_currency =
        json_string_value(json_object_get(json_object_get(deal, "amount"), "currency"));
    if (given == NULL)
        given = json_string_value(json_object_get(list, "currency"));
    if (given != NULL)
        return currency_code_parse(str_from_cstr(given), code, "currency", &req->err);
    if (deal_currency != NULL) {
        snprintf(code, CURRENCY_CODE_LEN + 1, "%s", deal_currency);
        return 0;
    }
    return store_base_currency(conn, req->arena, code, &req->err);
}

/*
 * A product's price in currency (minor units) with the chosen options: the
 * price list's price for it when the quote has a list (list_items) naming
 * it, else price when it is in that currency, else its entry in prices.
 * Options are priced in price's currency, so a configuration with options
 * that change the price needs a base price in that currency. Field errors
 * name the line.
 */
static int product_price(struct arena *arena, const json_t *product, const json_t *list_items,
                         const json_t *chosen, const char *currency, size_t line, int64_t *minor,
                         struct err *err)
{
    char path[64];
    const json_t *price = json_object_get(product, "price");
    const char *price_currency = json_string_value(json_object_get(price, "currency"));
    const char *amount = NULL;
    bool in_price_currency = price_currency && strcmp(price_currency, currency) == 0;
    size_t i;
    const json_t *other;
    json_array_foreach(list_items, i, other)
    {
        if (amount == NULL && json_integer_value(json_object_get(other, "product_id")) ==
                                  json_integer_value(json_object_get(product, "id")))
            amount = json_string_value(json_object_get(other, "price"));
    }
    if (amount == NULL && in_price_currency)
        amount = json_string_value(json_object_get(price, "amount"));
    json_array_foreach(json_object_get(product, "prices"), i, other)
    {
        const char *c = json_string_value(json_object_get(other, "currency"));
        if (amount == NULL && c != NULL && strcmp(c, currency) == 0)
            amount = json_string_value(json_object_get(other, "amount"));
    }
    snprintf(path, sizeof(path), "lines[%zu].price", line);
    if (amount == NULL)
        return err_field(err, path, "the product has no price in %s; enter one", currency);
    if (money_parse(str_from_cstr(amount), str_from_cstr(currency), minor) < 0)
        return err_set(err, ERR_INTERNAL, "a stored price does not read back");
    const json_t *options = json_object_get(product, "options");
    if (json_array_size(options) == 0)
        return 0;
    struct product_options parsed;
    int rc = product_options_parse(arena, options, price_currency, &parsed, err);
    if (rc < 0)
        return rc;
    snprintf(path, sizeof(path), "lines[%zu].options", line);
    if (in_price_currency)
        return product_configure(&parsed, chosen, *minor, minor, err, path);
    /* In another currency: choices that change the price cannot be priced. */
    const int64_t probe = INT64_C(1000000000000);
    int64_t configured;
    rc = product_configure(&parsed, chosen, probe, &configured, err, path);
    if (rc == 0 && configured != probe)
        return err_field(err, path, "are priced in %s; make the quote in %s or enter the price",
                         price_currency, price_currency);
    return rc;
}

/* The keys a line may hold: what the client writes, and what the server computed (sent back). */
static const char *const line_keys[] = {
    "product_id",      "name",     "options",       "quantity",       "price", "discount_percent",
    "discount_amount", "tax_rate", "delivery_date", "delivery_terms", "gross", "discount",
    "quote_discount",  "net",      "tax",           "total",
};

/*
 * What quote_input_parse() does not look at: unknown keys, the name, the
 * delivery date and terms. Field errors on the line; -ERR_VALIDATION when
 * there were any.
 */
static int line_check(struct http_request *req, const json_t *line, size_t i)
{
    char path[96];
    size_t before = req->err.n_fields;
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)line, key, value)
    {
        bool known = false;
        for (size_t k = 0; k < sizeof(line_keys) / sizeof(line_keys[0]) && !known; k++)
            known = strcmp(line_keys[k], key) == 0;
        snprintf(path, sizeof(path), "lines[%zu].%.40s", i, key);
        if (!known)
            err_field(&req->err, path, "unknown field");
    }
    static const struct {
        const char *key;
        size_t max_chars;
    } texts[] = {{"name", 200}, {"delivery_terms", 500}};
    for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        value = json_object_get(line, texts[t].key);
        snprintf(path, sizeof(path), "lines[%zu].%s", i, texts[t].key);
        if (value != NULL && !json_is_null(value) &&
            (!json_is_string(value) ||
             !utf8_valid(json_string_value(value), json_string_length(value)) ||
             utf8_count(json_string_value(value), json_string_length(value)) > texts[t].max_chars))
            err_field(&req->err, path, "must be text of at most %zu characters",
                      texts[t].max_chars);
    }
    value = json_object_get(line, "delivery_date");
    int64_t days;
    snprintf(path, sizeof(path), "lines[%zu].delivery_date", i);
    if (value != NULL && !json_is_null(value) &&
        (!json_is_string(value) ||
         clock_parse_date(json_string_value(value), json_string_length(value), &days) < 0))
        err_field(&req->err, path, "must be a date like 2026-12-01");
    return req->err.n_fields > before ? -ERR_VALIDATION : 0;
}

/*
 * A line with what its product gives it: name, tax rate and price (a price
 * other than the product's takes the right to update products). NULL with
 * field errors on the line when its product is missing or inactive.
 */
static json_t *line_priced(struct http_request *req, struct store_conn *conn, const json_t *line,
                           size_t i, const char *currency, const json_t *list_items)
{
    char path[64];
    snprintf(path, sizeof(path), "lines[%zu]", i);
    if (!json_is_object(line)) {
        err_field(&req->err, path, "must be an object");
        return NULL;
    }
    if (line_check(req, line, i) < 0)
        return NULL;
    json_t *out = api_keep(req, json_deep_copy(line));
    const json_t *id = json_object_get(line, "product_id");
    if (id == NULL || json_is_null(id)) {
        snprintf(path, sizeof(path), "lines[%zu].name", i);
        if (!json_is_string(json_object_get(line, "name")))
            err_field(&req->err, path, "is required for a line without a product");
        return out;
    }
    snprintf(path, sizeof(path), "lines[%zu].product_id", i);
    json_t *product = NULL;
    struct access read = actor_access(api_actor(req), &entity_products, ACCESS_READ);
    struct err lookup;
    err_clear(&lookup);
    int rc = json_is_integer(id)
                 ? store_record_get(conn, req->arena, &entity_products, &read,
                                    json_integer_value(id), RECORD_LIVE, &product, &lookup)
                 : -ERR_NOT_FOUND;
    if (rc == -ERR_NOT_FOUND) {
        err_field(&req->err, path, "no such product");
        return NULL;
    }
    if (rc < 0) {
        req->err = lookup;
        return NULL;
    }
    api_keep(req, product);
    if (!json_is_true(json_object_get(product, "active"))) {
        err_field(&req->err, path, "the product is inactive");
        return NULL;
    }
    if (!json_is_string(json_object_get(line, "name")))
        json_object_set(out, "name", json_object_get(product, "name"));
    const json_t *tax = json_object_get(line, "tax_rate");
    if (tax == NULL || json_is_null(tax)) {
        const json_t *rate = json_object_get(product, "tax_rate");
        json_object_set_new(out, "tax_rate",
                            json_is_string(rate) ? json_copy((json_t *)rate) : json_string("0"));
    }
    int64_t minor = 0;
    const json_t *given = json_object_get(line, "price");
    struct err pricing;
    err_clear(&pricing);
    bool priced = product_price(req->arena, product, list_items, json_object_get(line, "options"),
                                currency, i, &minor, &pricing) == 0;
    if (given == NULL || json_is_null(given)) {
        char text[MONEY_TEXT_MAX];
        if (!priced) {
            /* The problems of pricing it, as field errors of this request. */
            for (size_t f = 0; f < pricing.n_fields; f++)
                err_field(&req->err, pricing.fields[f].field, "%s", pricing.fields[f].message);
            if (pricing.n_fields == 0)
                req->err = pricing;
            return NULL;
        }
        money_format(minor, str_from_cstr(currency), text, sizeof(text));
        json_object_set_new(out, "price", json_string(text));
        return out;
    }
    /* A price of its own: the same as the product's, or the right to set prices. */
    int64_t own;
    bool same =
        priced && json_is_string(given) &&
        money_parse(str_from_cstr(json_string_value(given)), str_from_cstr(currency), &own) == 0 &&
        own == minor;
    if (!same) {
        snprintf(path, sizeof(path), "lines[%zu].price", i);
        if (actor_scope(api_actor(req), &entity_products, ACCESS_UPDATE) == SCOPE_NONE)
            err_field(&req->err, path, "your role may not change a product's price");
    }
    return out;
}

static void set_money(json_t *changes, json_t *merged, const char *key, const json_t *result)
{
    api_record_set_kept(changes, merged, key, json_deep_copy(json_object_get(result, key)));
}

/* The quote's price list (NULL: none): live, visible and active; 422 on price_list_id otherwise. */
static int quote_price_list(struct http_request *req, struct store_conn *conn, const json_t *merged,
                            json_t **list)
{
    const json_t *id = json_object_get(merged, "price_list_id");
    *list = NULL;
    if (!json_is_integer(id))
        return 0;
    int rc = api_record_visible(req, conn, &entity_price_lists, json_integer_value(id), list);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_field(&req->err, "price_list_id", "no price list with id %lld",
                         (long long)json_integer_value(id));
    }
    if (rc == 0 && !json_is_true(json_object_get(*list, "active")))
        return err_field(&req->err, "price_list_id", "the price list is not in use");
    return rc;
}

/* Prices the lines, computes the quote and writes the results into changes and merged. */
static int quote_before_write(struct http_request *req, struct store_conn *conn,
                              const json_t *current, json_t *changes, json_t *merged)
{
    if (current != NULL && strcmp(status_of(current), "draft") != 0) {
        err_set(&req->err, ERR_CONFLICT,
                "a %s quote cannot change; revise it (POST /api/v1/quotes/%lld/revise) to make a "
                "new version",
                status_of(current), (long long)json_integer_value(json_object_get(current, "id")));
        return -ERR_CONFLICT;
    }
    json_t *deal = NULL;
    int64_t deal_id = json_integer_value(json_object_get(merged, "deal_id"));
    int rc = api_record_visible(req, conn, &entity_deals, deal_id, &deal);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_field(&req->err, "deal_id", "no deal with id %lld", (long long)deal_id);
    }
    json_t *list = NULL;
    if (rc == 0)
        rc = quote_price_list(req, conn, merged, &list);
    char currency[CURRENCY_CODE_LEN + 1];
    if (rc == 0)
        rc = quote_currency(req, conn, merged, deal, list, currency);
    if (rc < 0)
        return rc;
    const char *list_currency = json_string_value(json_object_get(list, "currency"));
    if (list_currency != NULL && strcmp(list_currency, currency) != 0)
        return err_field(&req->err, "price_list_id", "is in %s; the quote is in %s", list_currency,
                         currency);
    const json_t *list_items = json_object_get(list, "items");
    json_t *lines = api_keep(req, json_array());
    const json_t *given = json_object_get(merged, "lines");
    if (given != NULL && !json_is_null(given) && !json_is_array(given))
        return err_field(&req->err, "lines", "must be a list");
    size_t i;
    const json_t *line;
    json_array_foreach(given, i, line)
    {
        if (i >= QUOTE_MAX_LINES)
            break;
        json_t *priced = line_priced(req, conn, line, i, currency, list_items);
        json_array_append(lines, priced ? priced : json_null());
    }
    if (req->err.code != ERR_OK)
        return -req->err.code;
    json_t *body = api_keep(req, json_deep_copy(merged));
    json_object_set_new(body, "currency", json_string(currency));
    json_object_set(body, "lines", lines);
    struct quote_settings settings;
    struct quote_line_input *inputs;
    struct quote_line_result *results;
    struct quote_totals totals;
    size_t n;
    rc = quote_input_parse(req->arena, body, currency, &settings, &inputs, &n, &req->err);
    if (rc < 0)
        return rc;
    results = arena_alloc_array(req->arena, n ? n : 1, sizeof(*results));
    rc = quote_compute(&settings, inputs, n, results, &totals, &req->err);
    if (rc < 0)
        return rc;
    json_t *computed = api_keep(req, quote_result_json(&settings, results, n, &totals));
    json_t *line_results = json_object_get(computed, "lines");
    json_t *priced;
    json_array_foreach(lines, i, priced)
        json_object_update(priced, json_array_get(line_results, i));
    api_record_set_kept(changes, merged, "lines", json_incref(lines));
    api_record_set_kept(changes, merged, "currency", json_string(currency));
    static const char *const sums[] = {"subtotal", "quote_discount", "discount_total", "tax_total",
                                       "total"};
    for (size_t k = 0; k < sizeof(sums) / sizeof(sums[0]); k++)
        set_money(changes, merged, sums[k], computed);
    if (current == NULL) {
        api_record_set_kept(changes, merged, "status", json_string("draft"));
        api_record_set_kept(changes, merged, "number", json_integer(1));
    }
    return 0;
}

/* A price list's items must name live products. */
static int price_list_before_write(struct http_request *req, struct store_conn *conn,
                                   const json_t *current, json_t *changes, json_t *merged)
{
    const json_t *items = json_object_get(changes, "items");
    struct access all = actor_access(api_actor(req), &entity_products, ACCESS_READ);
    all.scope = SCOPE_ALL;
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item)
    {
        json_t *product = NULL;
        struct err lookup;
        err_clear(&lookup);
        int rc = store_record_get(conn, req->arena, &entity_products, &all,
                                  json_integer_value(json_object_get(item, "product_id")),
                                  RECORD_LIVE, &product, &lookup);
        json_decref(product);
        char path[48];
        snprintf(path, sizeof(path), "items[%zu].product_id", i);
        if (rc == -ERR_NOT_FOUND)
            err_field(&req->err, path, "no such product");
        else if (rc < 0)
            return err_set(&req->err, lookup.code, "%s", lookup.detail);
    }
    return req->err.code != ERR_OK ? -req->err.code : 0;
}

const struct record_hooks price_list_hooks = {
    .entity = &entity_price_lists,
    .before_write = price_list_before_write,
};

const struct record_hooks quote_hooks = {
    .entity = &entity_quotes,
    .before_write = quote_before_write,
    .after_create = NULL,
};

/* ---- actions ---- */

enum quote_action { QUOTE_SEND, QUOTE_REVISE, QUOTE_ACCEPT, QUOTE_DECLINE };

static const struct {
    const char *name;    /* as in messages */
    const char *from[3]; /* the statuses it applies to */
    const char *to;
} quote_actions[] = {
    [QUOTE_SEND] = {"sent", {"draft"}, "sent"},
    [QUOTE_REVISE] = {"revised", {"sent", "declined", "expired"}, "draft"},
    [QUOTE_ACCEPT] = {"accepted", {"sent"}, "accepted"},
    [QUOTE_DECLINE] = {"declined", {"sent"}, "declined"},
};

static bool action_applies(enum quote_action action, const char *status)
{
    for (size_t i = 0; i < 3 && quote_actions[action].from[i] != NULL; i++) {
        if (strcmp(quote_actions[action].from[i], status) == 0)
            return true;
    }
    return false;
}

/* Whether the quote's valid_until lies before today. */
static bool quote_expired(const json_t *quote, int64_t now_ms)
{
    const char *until = json_string_value(json_object_get(quote, "valid_until"));
    char today[CLOCK_DATE_LEN + 1];
    clock_format_date(now_ms / 86400000, today);
    return until != NULL && strcmp(until, today) < 0;
}

/* Accepting with update_deal_amount (default true) makes the quote's total the deal's amount. */
static int update_deal_amount(struct http_request *req, struct store_conn *conn,
                              const json_t *quote)
{
    int64_t deal_id = json_integer_value(json_object_get(quote, "deal_id"));
    json_t *deal = NULL, *record = NULL;
    struct access access;
    int rc = api_record_visible(req, conn, &entity_deals, deal_id, &deal);
    if (rc == 0)
        rc = api_record_access(req, conn, &entity_deals, ACCESS_UPDATE, deal_id, &access);
    if (rc < 0)
        return rc;
    json_t *changes = api_keep(req, json_pack("{s:O}", "amount", json_object_get(quote, "total")));
    json_t *merged = api_keep(req, json_deep_copy(deal));
    json_object_update(merged, changes);
    rc = store_record_update(conn, req->arena, &entity_deals, &access, deal_id, changes, merged,
                             &req->err);
    if (rc == 0)
        rc = api_record_written(req, conn, &entity_deals, deal_id, RECORD_LIVE, &record);
    if (rc == 0)
        rc = api_record_audit(req, conn, &entity_deals, "update", deal, record);
    return rc;
}

static const char *const accept_keys[] = {"update_deal_amount"};

/* Reads the optional body of an action; accept may say update_deal_amount. */
static int action_body(struct http_request *req, enum quote_action action, bool *update_amount)
{
    *update_amount = true;
    if (req->body_len == 0)
        return 0;
    json_t *body;
    int rc = http_request_json(req, &body);
    if (rc < 0)
        return rc;
    rc = body_check_keys(req, body, accept_keys, action == QUOTE_ACCEPT ? 1 : 0);
    if (rc < 0)
        return rc;
    const json_t *update = json_object_get(body, "update_deal_amount");
    if (update != NULL && !json_is_boolean(update))
        err_field(&req->err, "update_deal_amount", "must be true or false");
    if (json_is_false(update))
        *update_amount = false;
    return body_failed(req) ? -req->err.code : 0;
}

static int quote_act(struct http_request *req, struct http_response *res, enum quote_action action)
{
    struct store_conn *conn;
    struct access access;
    json_t *current = NULL, *record = NULL;
    int64_t id, expected;
    bool update_amount = true;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = action_body(req, action, &update_amount);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = api_record_visible(req, conn, &entity_quotes, id, &current);
    if (rc == 0)
        rc = api_record_access(req, conn, &entity_quotes, ACCESS_UPDATE, id, &access);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0 && !action_applies(action, status_of(current)))
        rc = err_set(&req->err, ERR_CONFLICT, "a %s quote cannot be %s", status_of(current),
                     quote_actions[action].name);
    int64_t now_ms = clock_now_ms();
    if (rc == 0 && action == QUOTE_SEND && quote_expired(current, now_ms))
        rc = err_field(&req->err, "valid_until", "lies in the past; change it before sending");
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(now_ms, now);
    const char *to = quote_actions[action].to;
    bool expired = rc == 0 && action == QUOTE_ACCEPT && quote_expired(current, now_ms);
    if (expired)
        to = "expired";
    json_t *changes = api_keep(req, json_pack("{s:s}", "status", to));
    if (action == QUOTE_SEND)
        json_object_set_new(changes, "sent_at", json_string(now));
    if (action == QUOTE_ACCEPT || action == QUOTE_DECLINE)
        json_object_set_new(changes, "decided_at", expired ? json_null() : json_string(now));
    if (action == QUOTE_REVISE)
        json_object_set_new(
            changes, "number",
            json_integer(json_integer_value(json_object_get(current, "number")) + 1));
    json_t *merged = api_keep(req, json_deep_copy(current));
    json_object_update(merged, changes);
    if (rc == 0)
        rc = store_record_update(conn, req->arena, &entity_quotes, &access, id, changes, merged,
                                 &req->err);
    if (rc == 0)
        rc = api_record_written(req, conn, &entity_quotes, id, RECORD_LIVE, &record);
    if (rc == 0 && action == QUOTE_SEND)
        rc = store_quote_version_add(conn, req->arena, id,
                                     json_integer_value(json_object_get(record, "number")), record,
                                     now, api_actor(req)->user_id, &req->err);
    if (rc == 0 && action == QUOTE_ACCEPT && !expired && update_amount)
        rc = update_deal_amount(req, conn, record);
    if (rc == 0)
        rc = api_record_audit(req, conn, &entity_quotes, "update", current, record);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    if (expired)
        return err_set(&req->err, ERR_CONFLICT,
                       "the quote expired on %s; revise it to send a new version",
                       json_string_value(json_object_get(current, "valid_until")));
    return api_record_respond(req, res, 200, &entity_quotes, record);
}

int quotes_send(struct http_request *req, struct http_response *res)
{
    return quote_act(req, res, QUOTE_SEND);
}

int quotes_revise(struct http_request *req, struct http_response *res)
{
    return quote_act(req, res, QUOTE_REVISE);
}

int quotes_accept(struct http_request *req, struct http_response *res)
{
    return quote_act(req, res, QUOTE_ACCEPT);
}

int quotes_decline(struct http_request *req, struct http_response *res)
{
    return quote_act(req, res, QUOTE_DECLINE);
}

int quotes_versions(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *quote = NULL, *list = NULL;
    int64_t id;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = api_record_visible(req, conn, &entity_quotes, id, &quote);
    if (rc == 0)
        rc = store_quote_versions_list(conn, req->arena, id, &list, &req->err);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200, api_keep(req, json_pack("{s:o}", "data", list)));
}
