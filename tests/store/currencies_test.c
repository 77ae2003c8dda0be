/*
 * The store contract for settings and exchange rates (currencies.c):
 * versioned settings with a default at version 1, rates keyed by currency
 * and date, keyset pages, the rate on a date, and imports that replace,
 * against SQLite and, when CRM_TEST_PG_URL is set, PostgreSQL.
 */
#include "store/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "base/arena.h"

#include "store_fixture.h"

/* A rate with its scaled value given separately (the store does not parse rates). */
static struct exchange_rate rate_of(const char *currency, const char *date, const char *rate,
                                    int64_t scaled)
{
    return (struct exchange_rate){
        .currency = currency, .date = date, .rate = rate, .rate_scaled = scaled};
}

static int64_t rate_ok(struct fixture *fx, const char *currency, const char *date, const char *rate,
                       int64_t scaled)
{
    int64_t id = 0;
    struct exchange_rate r = rate_of(currency, date, rate, scaled);
    err_clear(&fx->err);
    if (store_exchange_rate_insert(fx->conn, fx->arena, &r, &id, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "rate %s %s: %s", currency, date, fx->err.detail);
    return id;
}

/* One page as "CUR date rate,..." plus " +" when more follow. */
static const char *page_of(struct fixture *fx, struct exchange_rate_query q)
{
    json_t *list = NULL;
    bool more = false;
    err_clear(&fx->err);
    if (store_exchange_rates_list(fx->conn, fx->arena, &q, &list, &more, &fx->err) < 0) {
        test_fail(__FILE__, __LINE__, "list: %s", fx->err.detail);
        return "";
    }
    keep(fx, list);
    char *out = arena_strdup(fx->arena, "");
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        out = arena_printf(fx->arena, "%s%s%s %s %s", out, i > 0 ? "," : "",
                           text_at(item, "currency"), text_at(item, "date"), text_at(item, "rate"));
    }
    return more ? arena_printf(fx->arena, "%s +", out) : out;
}

/* The rate on date as "date rate", or "none". */
static const char *rate_on(struct fixture *fx, const char *currency, const char *date)
{
    struct exchange_rate r;
    err_clear(&fx->err);
    int rc = store_exchange_rate_on(fx->conn, fx->arena, currency, date, &r, &fx->err);
    if (rc == -ERR_NOT_FOUND)
        return "none";
    if (rc < 0) {
        test_fail(__FILE__, __LINE__, "rate on: %s", fx->err.detail);
        return "";
    }
    return arena_printf(fx->arena, "%s %s %lld", r.date, r.rate, (long long)r.rate_scaled);
}

TEST(settings_start_at_their_default_and_count_versions_from_it)
{
    struct fixture fx;
    fixture_open(&fx, true);
    struct setting_row s;
    EXPECT_OK(store_setting_get(fx.conn, fx.arena, "base_currency", &s, &fx.err));
    EXPECT(s.value == NULL && s.updated_at == NULL);
    EXPECT_INT_EQ(s.version, 1);

    EXPECT_OK(store_setting_set(fx.conn, fx.arena, "base_currency", "RUB", 1, &fx.err));
    EXPECT_OK(store_setting_get(fx.conn, fx.arena, "base_currency", &s, &fx.err));
    EXPECT_STR_EQ(s.value, "RUB");
    EXPECT(s.updated_at != NULL);
    EXPECT_INT_EQ(s.version, 2);

    err_clear(&fx.err);
    EXPECT_INT_EQ(store_setting_set(fx.conn, fx.arena, "base_currency", "USD", 1, &fx.err),
                  -ERR_STALE_VERSION);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_setting_set(fx.conn, fx.arena, "base_currency", "USD", 3, &fx.err),
                  -ERR_STALE_VERSION);
    EXPECT_OK(store_setting_set(fx.conn, fx.arena, "base_currency", "USD", 2, &fx.err));
    EXPECT_OK(store_setting_get(fx.conn, fx.arena, "base_currency", &s, &fx.err));
    EXPECT_STR_EQ(s.value, "USD");
    EXPECT_INT_EQ(s.version, 3);

    /* Another key is independent. */
    EXPECT_OK(store_setting_get(fx.conn, fx.arena, "other", &s, &fx.err));
    EXPECT(s.value == NULL);
    fixture_close(&fx);
}

TEST(exchange_rates_are_written_read_changed_and_deleted_by_currency_and_date)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = rate_ok(&fx, "USD", "2026-03-01", "92.5", INT64_C(9250000000));
    EXPECT(id > 0);

    json_t *rate = NULL;
    EXPECT_OK(store_exchange_rate_get(fx.conn, fx.arena, "USD", "2026-03-01", &rate, &fx.err));
    keep(&fx, rate);
    EXPECT(text_at(rate, "created_at") != NULL && text_at(rate, "updated_at") != NULL);
    json_t *shape = keep(&fx, json_deep_copy(rate));
    json_object_del(shape, "created_at");
    json_object_del(shape, "updated_at");
    EXPECT_JSON(shape, arena_printf(fx.arena,
                                    "{\"id\":%lld,\"currency\":\"USD\",\"date\":\"2026-03-01\","
                                    "\"rate\":\"92.5\",\"created_by\":null,\"version\":1}",
                                    (long long)id));

    struct exchange_rate same = rate_of("USD", "2026-03-01", "93", INT64_C(9300000000));
    int64_t other = 0;
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_exchange_rate_insert(fx.conn, fx.arena, &same, &other, &fx.err),
                  -ERR_CONFLICT);
    EXPECT_STR_EQ(field_of(&fx), "date");

    EXPECT_OK(store_exchange_rate_update(fx.conn, fx.arena, &same, &fx.err));
    EXPECT_OK(store_exchange_rate_get(fx.conn, fx.arena, "USD", "2026-03-01", &rate, &fx.err));
    keep(&fx, rate);
    EXPECT_STR_EQ(text_at(rate, "rate"), "93");
    EXPECT_INT_EQ(json_integer_value(json_object_get(rate, "version")), 2);
    EXPECT_STR_EQ(rate_on(&fx, "USD", "2026-03-01"), "2026-03-01 93 9300000000");

    struct exchange_rate absent = rate_of("USD", "2026-03-02", "1", INT64_C(100000000));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_exchange_rate_update(fx.conn, fx.arena, &absent, &fx.err), -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_exchange_rate_get(fx.conn, fx.arena, "EUR", "2026-03-01", &rate, &fx.err),
                  -ERR_NOT_FOUND);

    int64_t n = -1;
    EXPECT_OK(store_exchange_rates_count(fx.conn, fx.arena, &n, &fx.err));
    EXPECT_INT_EQ(n, 1);
    EXPECT_OK(store_exchange_rate_delete(fx.conn, fx.arena, "USD", "2026-03-01", &fx.err));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_exchange_rate_delete(fx.conn, fx.arena, "USD", "2026-03-01", &fx.err),
                  -ERR_NOT_FOUND);
    EXPECT_OK(store_exchange_rates_count(fx.conn, fx.arena, &n, &fx.err));
    EXPECT_INT_EQ(n, 0);
    fixture_close(&fx);
}

TEST(exchange_rates_refuse_a_rate_that_is_not_positive)
{
    struct fixture fx;
    fixture_open(&fx, true);
    struct exchange_rate zero = rate_of("USD", "2026-03-01", "0", 0);
    int64_t id = 0;
    err_clear(&fx.err);
    EXPECT(store_exchange_rate_insert(fx.conn, fx.arena, &zero, &id, &fx.err) < 0);
    fixture_close(&fx);
}

TEST(exchange_rate_lists_page_by_currency_then_date_and_filter)
{
    struct fixture fx;
    fixture_open(&fx, true);
    rate_ok(&fx, "USD", "2026-01-03", "3", 3);
    rate_ok(&fx, "CNY", "2026-01-02", "12", 12);
    rate_ok(&fx, "USD", "2026-01-01", "1", 1);
    rate_ok(&fx, "JPY", "2026-01-01", "0.5", 5);
    rate_ok(&fx, "CNY", "2026-01-01", "11", 11);
    rate_ok(&fx, "USD", "2026-01-02", "2", 2);

    struct exchange_rate_query q = {.limit = 2};
    EXPECT_STR_EQ(page_of(&fx, q), "CNY 2026-01-01 11,CNY 2026-01-02 12 +");
    q.after_currency = "CNY";
    q.after_date = "2026-01-02";
    EXPECT_STR_EQ(page_of(&fx, q), "JPY 2026-01-01 0.5,USD 2026-01-01 1 +");
    q.after_currency = "USD";
    q.after_date = "2026-01-01";
    EXPECT_STR_EQ(page_of(&fx, q), "USD 2026-01-02 2,USD 2026-01-03 3");

    struct exchange_rate_query usd = {.currency = "USD", .from = "2026-01-02", .limit = 10};
    EXPECT_STR_EQ(page_of(&fx, usd), "USD 2026-01-02 2,USD 2026-01-03 3");
    struct exchange_rate_query first_two_days = {
        .from = "2026-01-01", .to = "2026-01-02", .limit = 10};
    EXPECT_STR_EQ(page_of(&fx, first_two_days),
                  "CNY 2026-01-01 11,CNY 2026-01-02 12,JPY 2026-01-01 0.5,USD 2026-01-01 1,"
                  "USD 2026-01-02 2");
    struct exchange_rate_query none = {.currency = "EUR", .limit = 10};
    EXPECT_STR_EQ(page_of(&fx, none), "");
    fixture_close(&fx);
}

TEST(the_rate_on_a_date_is_the_latest_on_or_before_it)
{
    struct fixture fx;
    fixture_open(&fx, true);
    rate_ok(&fx, "USD", "2026-02-27", "91", INT64_C(9100000000));
    rate_ok(&fx, "USD", "2026-02-28", "92.5", INT64_C(9250000000));
    rate_ok(&fx, "USD", "2026-03-05", "95", INT64_C(9500000000));
    rate_ok(&fx, "CNY", "2026-03-01", "12.7", INT64_C(1270000000));
    EXPECT_STR_EQ(rate_on(&fx, "USD", "2026-03-01"), "2026-02-28 92.5 9250000000");
    EXPECT_STR_EQ(rate_on(&fx, "USD", "2026-02-28"), "2026-02-28 92.5 9250000000");
    EXPECT_STR_EQ(rate_on(&fx, "USD", "2026-03-05"), "2026-03-05 95 9500000000");
    EXPECT_STR_EQ(rate_on(&fx, "USD", "2027-01-01"), "2026-03-05 95 9500000000");
    EXPECT_STR_EQ(rate_on(&fx, "USD", "2026-02-26"), "none");
    EXPECT_STR_EQ(rate_on(&fx, "CNY", "2026-02-28"), "none");
    EXPECT_STR_EQ(rate_on(&fx, "EUR", "2026-03-01"), "none");
    fixture_close(&fx);
}

TEST(an_import_adds_and_replaces_rates_and_a_rollback_leaves_nothing)
{
    struct fixture fx;
    fixture_open(&fx, true);
    rate_ok(&fx, "USD", "2026-03-01", "92.5", INT64_C(9250000000));
    const struct exchange_rate rates[] = {
        rate_of("USD", "2026-03-01", "93.1", INT64_C(9310000000)),
        rate_of("USD", "2026-03-02", "93.2", INT64_C(9320000000)),
        rate_of("KWD", "2026-03-02", "301.12345678", INT64_C(30112345678)),
    };
    size_t replaced = 99;
    EXPECT_OK(store_begin(fx.conn, &fx.err));
    EXPECT_OK(store_exchange_rates_import(fx.conn, fx.arena, rates, 3, &replaced, &fx.err));
    EXPECT_OK(store_commit(fx.conn, &fx.err));
    EXPECT_INT_EQ(replaced, 1);
    EXPECT_STR_EQ(page_of(&fx, (struct exchange_rate_query){.limit = 10}),
                  "KWD 2026-03-02 301.12345678,USD 2026-03-01 93.1,USD 2026-03-02 93.2");
    json_t *rate = NULL;
    EXPECT_OK(store_exchange_rate_get(fx.conn, fx.arena, "USD", "2026-03-01", &rate, &fx.err));
    keep(&fx, rate);
    EXPECT_INT_EQ(json_integer_value(json_object_get(rate, "version")), 2);

    /* The same import again replaces all three; rolled back, it leaves them as they were. */
    const struct exchange_rate again[] = {
        rate_of("USD", "2026-03-01", "1", INT64_C(100000000)),
        rate_of("USD", "2026-03-02", "1", INT64_C(100000000)),
        rate_of("KWD", "2026-03-02", "1", INT64_C(100000000)),
        rate_of("CNY", "2026-03-02", "1", INT64_C(100000000)),
    };
    EXPECT_OK(store_begin(fx.conn, &fx.err));
    EXPECT_OK(store_exchange_rates_import(fx.conn, fx.arena, again, 4, &replaced, &fx.err));
    EXPECT_INT_EQ(replaced, 3);
    store_rollback(fx.conn);
    EXPECT_STR_EQ(page_of(&fx, (struct exchange_rate_query){.limit = 10}),
                  "KWD 2026-03-02 301.12345678,USD 2026-03-01 93.1,USD 2026-03-02 93.2");
    fixture_close(&fx);
}
