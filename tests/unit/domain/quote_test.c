/*
 * Tests for src/domain/quote.c: rounding at exact halves, tax added to and
 * taken out of prices, line and quote discounts (percent and amount, spread
 * over lines with different tax rates), 0- and 3-decimal currencies, "line"
 * against "total" rounding, overflow, every message of the body parser, the
 * result JSON, and the identities of quote.h over many generated quotes.
 */
#include "domain/quote.h"

#include "base/arena.h"
#include "base/err.h"
#include "base/money.h"
#include "../test.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PCT(whole) ((int64_t)(whole)*10000) /* a whole percent at QUOTE_DECIMAL_SCALE */
#define QTY(whole) ((int64_t)(whole)*QUOTE_QUANTITY_ONE)

/* A line without discount: price in minor units, quantity and tax rate x 10^4. */
static struct quote_line_input line_of(int64_t price_minor, int64_t quantity, int64_t tax_rate)
{
    struct quote_line_input line = {0};
    line.price_minor = price_minor;
    line.quantity = quantity;
    line.tax_rate = tax_rate;
    line.discount.kind = QUOTE_DISCOUNT_NONE;
    return line;
}

static struct quote_line_input with_discount(struct quote_line_input line,
                                             enum quote_discount_kind kind, int64_t value)
{
    line.discount.kind = kind;
    line.discount.value = value;
    return line;
}

static struct quote_settings settings_of(const char *currency, bool prices_include_tax,
                                         enum quote_rounding_level level, enum rounding mode)
{
    struct quote_settings settings;
    quote_settings_init(&settings, currency);
    settings.prices_include_tax = prices_include_tax;
    settings.rounding_level = level;
    settings.rounding_mode = mode;
    return settings;
}

static void compute_ok(const struct quote_settings *settings, const struct quote_line_input *lines,
                       size_t n, struct quote_line_result *out, struct quote_totals *totals)
{
    struct err err;
    err_clear(&err);
    int rc = quote_compute(settings, lines, n, out, totals, &err);
    if (rc != 0 && err.n_fields > 0)
        fprintf(stderr, "  %s: %s\n", err.fields[0].field, err.fields[0].message);
    EXPECT_INT_EQ(rc, 0);
}

/* The message of the field error on field, or NULL. */
static const char *field_message(const struct err *err, const char *field)
{
    for (size_t i = 0; i < err->n_fields; i++) {
        if (strcmp(err->fields[i].field, field) == 0)
            return err->fields[i].message;
    }
    return NULL;
}

/* The identities of quote.h that hold in both rounding levels. */
static void expect_total_identities(const struct quote_totals *t)
{
    EXPECT_INT_EQ(t->total_minor, t->subtotal_minor - t->quote_discount_minor + t->tax_total_minor);
    EXPECT_INT_EQ(t->discount_total_minor, t->line_discount_minor + t->quote_discount_minor);
    EXPECT(t->subtotal_minor >= t->quote_discount_minor);
    EXPECT(t->tax_total_minor >= 0 && t->line_discount_minor >= 0);
}

/* Each line adds up, and with per-line rounding the totals are the sums of the lines. */
static void expect_line_identities(const struct quote_settings *s,
                                   const struct quote_line_result *lines, size_t n,
                                   const struct quote_totals *t)
{
    int64_t sum_total = 0, sum_tax = 0, sum_net = 0, sum_share = 0;
    for (size_t i = 0; i < n; i++) {
        const struct quote_line_result *l = &lines[i];
        int64_t left = l->gross_minor - l->discount_minor - l->quote_discount_minor;
        EXPECT(l->gross_minor >= 0 && l->discount_minor >= 0 && l->quote_discount_minor >= 0);
        EXPECT(l->net_minor >= 0 && l->tax_minor >= 0);
        EXPECT_INT_EQ(l->total_minor, l->net_minor + l->tax_minor);
        EXPECT_INT_EQ(s->prices_include_tax ? l->total_minor : l->net_minor, left);
        sum_total += l->total_minor;
        sum_tax += l->tax_minor;
        sum_net += l->net_minor;
        sum_share += l->quote_discount_minor;
    }
    EXPECT_INT_EQ(sum_total, t->total_minor);
    EXPECT_INT_EQ(sum_tax, t->tax_total_minor);
    EXPECT_INT_EQ(sum_net, t->subtotal_minor - t->quote_discount_minor);
    if (!s->prices_include_tax)
        EXPECT_INT_EQ(sum_share, t->quote_discount_minor);
    if (s->discount.kind == QUOTE_DISCOUNT_AMOUNT)
        EXPECT_INT_EQ(sum_share, s->discount.value);
}

TEST(quote_rounding_helpers_round_exact_halves_up_or_to_even_on_both_signs)
{
    int64_t v = 0;
    /* 5 / 2 = 2.5 */
    EXPECT_INT_EQ(money_mul_ratio(5, 1, 2, ROUND_HALF_UP, &v), 0);
    EXPECT_INT_EQ(v, 3);
    EXPECT_INT_EQ(money_mul_ratio(5, 1, 2, ROUND_HALF_EVEN, &v), 0);
    EXPECT_INT_EQ(v, 2);
    /* 7 / 2 = 3.5: both go to 4. */
    EXPECT_INT_EQ(money_mul_ratio(7, 1, 2, ROUND_HALF_EVEN, &v), 0);
    EXPECT_INT_EQ(v, 4);
    EXPECT_INT_EQ(money_mul_ratio(-5, 1, 2, ROUND_HALF_UP, &v), 0);
    EXPECT_INT_EQ(v, -3);
    EXPECT_INT_EQ(money_mul_ratio(-5, 1, 2, ROUND_HALF_EVEN, &v), 0);
    EXPECT_INT_EQ(v, -2);
    /* Not a half: 2.51 and -2.49 go to the nearer neighbour in both modes. */
    EXPECT_INT_EQ(money_mul_ratio(251, 1, 100, ROUND_HALF_EVEN, &v), 0);
    EXPECT_INT_EQ(v, 3);
    EXPECT_INT_EQ(money_mul_ratio(-249, 1, 100, ROUND_HALF_UP, &v), 0);
    EXPECT_INT_EQ(v, -2);
    /* 0.125 and -0.125 to cents. */
    EXPECT_INT_EQ(decimal_rescale(125, 3, 2, ROUND_HALF_UP, &v), 0);
    EXPECT_INT_EQ(v, 13);
    EXPECT_INT_EQ(decimal_rescale(125, 3, 2, ROUND_HALF_EVEN, &v), 0);
    EXPECT_INT_EQ(v, 12);
    EXPECT_INT_EQ(decimal_rescale(-125, 3, 2, ROUND_HALF_UP, &v), 0);
    EXPECT_INT_EQ(v, -13);
    EXPECT_INT_EQ(decimal_rescale(-125, 3, 2, ROUND_HALF_EVEN, &v), 0);
    EXPECT_INT_EQ(v, -12);
    EXPECT_INT_EQ(decimal_rescale(-135, 3, 2, ROUND_HALF_EVEN, &v), 0);
    EXPECT_INT_EQ(v, -14);
}

TEST(quote_rounds_exact_halves_of_a_line_by_the_named_mode)
{
    struct quote_line_result r[2];
    struct quote_totals t;
    /* 0.05 at 10 % is 0.005 of tax; 0.15 at 10 % is 0.015. */
    struct quote_line_input lines[] = {line_of(5, QTY(1), PCT(10)), line_of(15, QTY(1), PCT(10))};
    struct quote_settings up = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    struct quote_settings even = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_EVEN);
    compute_ok(&up, lines, 2, r, &t);
    EXPECT_INT_EQ(r[0].tax_minor, 1);
    EXPECT_INT_EQ(r[1].tax_minor, 2);
    compute_ok(&even, lines, 2, r, &t);
    EXPECT_INT_EQ(r[0].tax_minor, 0);
    EXPECT_INT_EQ(r[1].tax_minor, 2);
    EXPECT_INT_EQ(t.tax_total_minor, 2);

    /* 0.01 x 2.5 = 0.025: gross 0.03 half up, 0.02 half even. */
    lines[0] = line_of(1, 25000, 0);
    compute_ok(&up, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].gross_minor, 3);
    compute_ok(&even, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].gross_minor, 2);

    /* 0.10 less 25 % = 0.025 off: 0.03 half up, 0.02 half even. */
    lines[0] = with_discount(line_of(10, QTY(1), 0), QUOTE_DISCOUNT_PERCENT, PCT(25));
    compute_ok(&up, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].discount_minor, 3);
    compute_ok(&even, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].discount_minor, 2);
}

TEST(quote_adds_tax_to_prices_that_exclude_it)
{
    struct quote_line_result r[1];
    struct quote_totals t;
    struct quote_line_input lines[] = {line_of(1050, QTY(2), PCT(20))};
    struct quote_settings s = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    compute_ok(&s, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].gross_minor, 2100);
    EXPECT_INT_EQ(r[0].discount_minor, 0);
    EXPECT_INT_EQ(r[0].net_minor, 2100);
    EXPECT_INT_EQ(r[0].tax_minor, 420);
    EXPECT_INT_EQ(r[0].total_minor, 2520);
    EXPECT_INT_EQ(t.subtotal_minor, 2100);
    EXPECT_INT_EQ(t.discount_total_minor, 0);
    EXPECT_INT_EQ(t.tax_total_minor, 420);
    EXPECT_INT_EQ(t.total_minor, 2520);
}

TEST(quote_takes_tax_out_of_prices_that_include_it)
{
    struct quote_line_result r[1];
    struct quote_totals t;
    /* 100.00 including 20 %: net 83.33, tax 16.67. */
    struct quote_line_input lines[] = {line_of(10000, QTY(1), PCT(20))};
    struct quote_settings s = settings_of("EUR", true, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    compute_ok(&s, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].gross_minor, 10000);
    EXPECT_INT_EQ(r[0].net_minor, 8333);
    EXPECT_INT_EQ(r[0].tax_minor, 1667);
    EXPECT_INT_EQ(r[0].total_minor, 10000);
    EXPECT_INT_EQ(t.subtotal_minor, 8333);
    EXPECT_INT_EQ(t.tax_total_minor, 1667);
    EXPECT_INT_EQ(t.total_minor, 10000);
    EXPECT_INT_EQ(t.discount_total_minor, 0);
    /* The same in "total" rounding: one line, one rounding. */
    s.rounding_level = QUOTE_ROUND_TOTALS;
    compute_ok(&s, lines, 1, r, &t);
    EXPECT_INT_EQ(t.subtotal_minor, 8333);
    EXPECT_INT_EQ(t.tax_total_minor, 1667);
    EXPECT_INT_EQ(t.total_minor, 10000);
}

TEST(quote_line_discounts_come_as_percent_or_amount)
{
    struct quote_line_result r[2];
    struct quote_totals t;
    struct quote_line_input lines[] = {
        with_discount(line_of(1050, QTY(2), PCT(20)), QUOTE_DISCOUNT_PERCENT, PCT(10)),
        with_discount(line_of(1050, QTY(2), PCT(20)), QUOTE_DISCOUNT_AMOUNT, 100),
    };
    struct quote_settings s = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    compute_ok(&s, lines, 2, r, &t);
    EXPECT_INT_EQ(r[0].gross_minor, 2100);
    EXPECT_INT_EQ(r[0].discount_minor, 210);
    EXPECT_INT_EQ(r[0].net_minor, 1890);
    EXPECT_INT_EQ(r[0].tax_minor, 378);
    EXPECT_INT_EQ(r[0].total_minor, 2268);
    EXPECT_INT_EQ(r[1].discount_minor, 100);
    EXPECT_INT_EQ(r[1].net_minor, 2000);
    EXPECT_INT_EQ(r[1].tax_minor, 400);
    EXPECT_INT_EQ(r[1].total_minor, 2400);
    EXPECT_INT_EQ(t.subtotal_minor, 3890);
    EXPECT_INT_EQ(t.line_discount_minor, 310);
    EXPECT_INT_EQ(t.discount_total_minor, 310);
    EXPECT_INT_EQ(t.total_minor, 4668);
    expect_total_identities(&t);
    expect_line_identities(&s, r, 2, &t);
}

TEST(quote_line_discounts_on_tax_inclusive_prices_count_tax_exclusive_in_the_totals)
{
    struct quote_line_result r[1];
    struct quote_totals t;
    /* 120.00 including 20 %, less 10 %: 108.00 = 90.00 + 18.00; 10.00 of the 12.00 is net. */
    struct quote_line_input lines[] = {
        with_discount(line_of(12000, QTY(1), PCT(20)), QUOTE_DISCOUNT_PERCENT, PCT(10))};
    struct quote_settings s = settings_of("EUR", true, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    compute_ok(&s, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].gross_minor, 12000);
    EXPECT_INT_EQ(r[0].discount_minor, 1200);
    EXPECT_INT_EQ(r[0].total_minor, 10800);
    EXPECT_INT_EQ(r[0].net_minor, 9000);
    EXPECT_INT_EQ(r[0].tax_minor, 1800);
    EXPECT_INT_EQ(t.subtotal_minor, 9000);
    EXPECT_INT_EQ(t.line_discount_minor, 1000);
    EXPECT_INT_EQ(t.discount_total_minor, 1000);
    EXPECT_INT_EQ(t.total_minor, 10800);
}

TEST(quote_percent_discount_is_spread_over_lines_with_different_tax_rates)
{
    struct quote_line_result r[3];
    struct quote_totals t;
    struct quote_line_input lines[] = {line_of(10000, QTY(1), PCT(20)),
                                       line_of(5000, QTY(1), PCT(10)), line_of(2500, QTY(1), 0)};
    struct quote_settings s = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    s.discount = (struct quote_discount){QUOTE_DISCOUNT_PERCENT, PCT(10)};
    compute_ok(&s, lines, 3, r, &t);
    EXPECT_INT_EQ(r[0].quote_discount_minor, 1000);
    EXPECT_INT_EQ(r[1].quote_discount_minor, 500);
    EXPECT_INT_EQ(r[2].quote_discount_minor, 250);
    EXPECT_INT_EQ(r[0].tax_minor, 1800);
    EXPECT_INT_EQ(r[1].tax_minor, 450);
    EXPECT_INT_EQ(r[2].tax_minor, 0);
    EXPECT_INT_EQ(t.subtotal_minor, 17500);
    EXPECT_INT_EQ(t.quote_discount_minor, 1750);
    EXPECT_INT_EQ(t.discount_total_minor, 1750);
    EXPECT_INT_EQ(t.tax_total_minor, 2250);
    EXPECT_INT_EQ(t.total_minor, 18000);
    expect_total_identities(&t);
    expect_line_identities(&s, r, 3, &t);
}

TEST(quote_amount_discount_is_spread_by_largest_remainder_and_adds_up_exactly)
{
    struct quote_line_result r[3];
    struct quote_totals t;
    struct quote_settings s = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    /* 1.00 over three equal lines: 0.34, 0.33, 0.33 (a tie goes to the earlier line). */
    struct quote_line_input equal[] = {line_of(100, QTY(1), 0), line_of(100, QTY(1), 0),
                                       line_of(100, QTY(1), 0)};
    s.discount = (struct quote_discount){QUOTE_DISCOUNT_AMOUNT, 100};
    compute_ok(&s, equal, 3, r, &t);
    EXPECT_INT_EQ(r[0].quote_discount_minor, 34);
    EXPECT_INT_EQ(r[1].quote_discount_minor, 33);
    EXPECT_INT_EQ(r[2].quote_discount_minor, 33);
    EXPECT_INT_EQ(t.quote_discount_minor, 100);
    EXPECT_INT_EQ(t.total_minor, 200);

    /* 0.10 over 1.00 at 20 % and 2.00 at 10 %: 3.33 and 6.67 -> 0.03 and 0.07. */
    struct quote_line_input mixed[] = {line_of(100, QTY(1), PCT(20)),
                                       line_of(200, QTY(1), PCT(10))};
    s.discount = (struct quote_discount){QUOTE_DISCOUNT_AMOUNT, 10};
    compute_ok(&s, mixed, 2, r, &t);
    EXPECT_INT_EQ(r[0].quote_discount_minor, 3);
    EXPECT_INT_EQ(r[1].quote_discount_minor, 7);
    EXPECT_INT_EQ(r[0].net_minor, 97);
    EXPECT_INT_EQ(r[1].net_minor, 193);
    EXPECT_INT_EQ(r[0].tax_minor, 19);
    EXPECT_INT_EQ(r[1].tax_minor, 19);
    EXPECT_INT_EQ(t.subtotal_minor, 300);
    EXPECT_INT_EQ(t.quote_discount_minor, 10);
    EXPECT_INT_EQ(t.tax_total_minor, 38);
    EXPECT_INT_EQ(t.total_minor, 328);
    expect_line_identities(&s, r, 2, &t);

    /* A line worth nothing gets no share. */
    struct quote_line_input with_zero[] = {line_of(0, QTY(1), 0), line_of(100, QTY(1), 0),
                                           line_of(200, QTY(1), 0)};
    s.discount = (struct quote_discount){QUOTE_DISCOUNT_AMOUNT, 1};
    compute_ok(&s, with_zero, 3, r, &t);
    EXPECT_INT_EQ(r[0].quote_discount_minor, 0);
    EXPECT_INT_EQ(r[1].quote_discount_minor, 0);
    EXPECT_INT_EQ(r[2].quote_discount_minor, 1);
}

TEST(quote_amount_discount_on_tax_inclusive_prices_comes_off_the_total)
{
    struct quote_line_result r[2];
    struct quote_totals t;
    /* 230.00 including tax, less 23.00: each line loses 10 %, its tax too. */
    struct quote_line_input lines[] = {line_of(12000, QTY(1), PCT(20)),
                                       line_of(11000, QTY(1), PCT(10))};
    struct quote_settings s = settings_of("EUR", true, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    s.discount = (struct quote_discount){QUOTE_DISCOUNT_AMOUNT, 2300};
    compute_ok(&s, lines, 2, r, &t);
    EXPECT_INT_EQ(r[0].quote_discount_minor, 1200);
    EXPECT_INT_EQ(r[1].quote_discount_minor, 1100);
    EXPECT_INT_EQ(r[0].total_minor, 10800);
    EXPECT_INT_EQ(r[1].total_minor, 9900);
    EXPECT_INT_EQ(r[0].tax_minor, 1800);
    EXPECT_INT_EQ(r[1].tax_minor, 900);
    EXPECT_INT_EQ(t.subtotal_minor, 20000);
    EXPECT_INT_EQ(t.quote_discount_minor, 2000);
    EXPECT_INT_EQ(t.tax_total_minor, 2700);
    EXPECT_INT_EQ(t.total_minor, 20700);
    expect_total_identities(&t);
    expect_line_identities(&s, r, 2, &t);
}

TEST(quote_computes_in_zero_decimal_yen)
{
    struct quote_line_result r[2];
    struct quote_totals t;
    /* 1999 JPY at 10 %: 199.9 -> 200; 1000 JPY including 10 %: 909.09 -> 909 + 91. */
    struct quote_line_input lines[] = {line_of(1999, QTY(1), PCT(10))};
    struct quote_settings s = settings_of("JPY", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    compute_ok(&s, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].tax_minor, 200);
    EXPECT_INT_EQ(t.total_minor, 2199);
    s.prices_include_tax = true;
    lines[0] = line_of(1000, QTY(1), PCT(10));
    compute_ok(&s, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].net_minor, 909);
    EXPECT_INT_EQ(r[0].tax_minor, 91);
    EXPECT_INT_EQ(t.total_minor, 1000);

    json_t *json = quote_result_json(&s, r, 1, &t);
    EXPECT_STR_EQ(json_string_value(json_object_get(json_object_get(json, "total"), "amount")),
                  "1000");
    EXPECT_STR_EQ(json_string_value(json_object_get(json_object_get(json, "total"), "currency")),
                  "JPY");
    json_decref(json);
}

TEST(quote_computes_in_three_decimal_dinars)
{
    struct quote_line_result r[1];
    struct quote_totals t;
    /* 1.234 KWD x 2 at 5 %: 2.468 + 0.1234 -> 0.123 = 2.591. */
    struct quote_line_input lines[] = {line_of(1234, QTY(2), PCT(5))};
    struct quote_settings s = settings_of("KWD", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    compute_ok(&s, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].gross_minor, 2468);
    EXPECT_INT_EQ(r[0].tax_minor, 123);
    EXPECT_INT_EQ(t.total_minor, 2591);
    json_t *json = quote_result_json(&s, r, 1, &t);
    EXPECT_STR_EQ(json_string_value(json_object_get(json_object_get(json, "total"), "amount")),
                  "2.591");
    json_decref(json);

    /* 10.000 BHD including 10 %: 9.0909 -> 9.091 + 0.909. */
    s = settings_of("BHD", true, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    lines[0] = line_of(10000, QTY(1), PCT(10));
    compute_ok(&s, lines, 1, r, &t);
    EXPECT_INT_EQ(r[0].net_minor, 9091);
    EXPECT_INT_EQ(r[0].tax_minor, 909);
}

TEST(quote_line_and_total_rounding_differ_on_a_crafted_quote)
{
    struct quote_line_result r[3];
    struct quote_totals t;
    /* Three lines of 0.01 at 50 %: each line's 0.005 of tax rounds to 0.01 on its own. */
    struct quote_line_input lines[] = {line_of(1, QTY(1), PCT(50)), line_of(1, QTY(1), PCT(50)),
                                       line_of(1, QTY(1), PCT(50))};
    struct quote_settings s = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    compute_ok(&s, lines, 3, r, &t);
    EXPECT_INT_EQ(t.tax_total_minor, 3);
    EXPECT_INT_EQ(t.total_minor, 6);
    expect_line_identities(&s, r, 3, &t);

    /* Rounded once over 0.015: 0.02. The lines still show 0.01 each, which do not add up. */
    s.rounding_level = QUOTE_ROUND_TOTALS;
    compute_ok(&s, lines, 3, r, &t);
    EXPECT_INT_EQ(t.tax_total_minor, 2);
    EXPECT_INT_EQ(t.total_minor, 5);
    EXPECT_INT_EQ(r[0].tax_minor, 1);
    expect_total_identities(&t);

    /* Half even: 0.005 -> 0 per line, but 0.015 -> 0.02 over the quote. */
    s.rounding_mode = ROUND_HALF_EVEN;
    compute_ok(&s, lines, 3, r, &t);
    EXPECT_INT_EQ(t.tax_total_minor, 2);
    s.rounding_level = QUOTE_ROUND_LINES;
    compute_ok(&s, lines, 3, r, &t);
    EXPECT_INT_EQ(t.tax_total_minor, 0);
}

TEST(quote_total_rounding_keeps_fractions_of_quantities_and_percents)
{
    struct quote_line_result r[2];
    struct quote_totals t;
    /* 0.33 x 0.5 twice: 0.165 each. Per line 0.17 + 0.17; over the quote 0.33. */
    struct quote_line_input lines[] = {line_of(33, 5000, 0), line_of(33, 5000, 0)};
    struct quote_line_input thirds[] = {line_of(1, 3333, 0), line_of(1, 3333, 0)};
    struct quote_settings s = settings_of("EUR", false, QUOTE_ROUND_TOTALS, ROUND_HALF_UP);
    compute_ok(&s, lines, 2, r, &t);
    EXPECT_INT_EQ(t.subtotal_minor, 33);
    s.rounding_level = QUOTE_ROUND_LINES;
    compute_ok(&s, lines, 2, r, &t);
    EXPECT_INT_EQ(t.subtotal_minor, 34);
    /* 0.01 x 0.3333 is 0.003333: nothing per line, 0.006666 -> 0.01 over the quote. */
    compute_ok(&s, thirds, 2, r, &t);
    EXPECT_INT_EQ(t.total_minor, 0);
    s.rounding_level = QUOTE_ROUND_TOTALS;
    compute_ok(&s, thirds, 2, r, &t);
    EXPECT_INT_EQ(t.total_minor, 1);
}

TEST(quote_refuses_amounts_that_do_not_fit_instead_of_wrapping)
{
    struct quote_line_result r[2];
    struct quote_totals t;
    struct err err;
    struct quote_settings s = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);

    struct quote_line_input huge[] = {line_of(INT64_MAX / 2, QTY(3), 0)};
    err_clear(&err);
    EXPECT_INT_EQ(quote_compute(&s, huge, 1, r, &t, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&err, "lines[0]"), "price x quantity is too large");

    struct quote_line_input max_quantity[] = {line_of(INT64_MAX, INT64_MAX, 0)};
    err_clear(&err);
    EXPECT_INT_EQ(quote_compute(&s, max_quantity, 1, r, &t, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&err, "lines[0]"), "price x quantity is too large");

    /* The gross fits, the gross with its tax does not. */
    struct quote_line_input taxed[] = {line_of(INT64_C(9000000000000000000), QTY(1), PCT(20))};
    err_clear(&err);
    EXPECT_INT_EQ(quote_compute(&s, taxed, 1, r, &t, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&err, "lines[0]"), "the line's amounts are too large");

    /* Each line fits, their sum does not. */
    struct quote_line_input two[] = {line_of(INT64_C(5000000000000000000), QTY(1), 0),
                                     line_of(INT64_C(5000000000000000000), QTY(1), 0)};
    err_clear(&err);
    EXPECT_INT_EQ(quote_compute(&s, two, 2, r, &t, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&err, "lines"), "the quote's amounts are too large");
    s.rounding_level = QUOTE_ROUND_TOTALS;
    err_clear(&err);
    EXPECT_INT_EQ(quote_compute(&s, two, 2, r, &t, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&err, "lines"), "the quote's amounts are too large");

    /* The largest line that fits, with a quote discount spread over big amounts. */
    struct quote_line_input big[] = {line_of(INT64_MAX, QTY(1), 0)};
    s.discount = (struct quote_discount){QUOTE_DISCOUNT_AMOUNT, INT64_MAX / 3};
    compute_ok(&s, big, 1, r, &t);
    EXPECT_INT_EQ(t.total_minor, INT64_MAX - INT64_MAX / 3);
}

TEST(quote_discount_spreads_exactly_over_amounts_whose_products_pass_128_bits)
{
    struct quote_line_result r[2], lines_r[2];
    struct quote_totals t, lines_t;
    /* In millionths of a minor unit, discount x line is about 10^49: the long multiplication. */
    struct quote_line_input lines[] = {line_of(INT64_C(4000000000000000000), QTY(1), 0),
                                       line_of(INT64_C(2000000000000000000), QTY(1), 0)};
    struct quote_settings s = settings_of("EUR", false, QUOTE_ROUND_TOTALS, ROUND_HALF_UP);
    s.discount = (struct quote_discount){QUOTE_DISCOUNT_AMOUNT, INT64_C(3000000000000000000)};
    compute_ok(&s, lines, 2, r, &t);
    EXPECT_INT_EQ(r[0].quote_discount_minor, INT64_C(2000000000000000000));
    EXPECT_INT_EQ(r[1].quote_discount_minor, INT64_C(1000000000000000000));
    EXPECT_INT_EQ(t.total_minor, INT64_C(3000000000000000000));

    /* Uneven: 10^18 + 7 over 4 * 10^18 + 1 and 2 * 10^18 + 3, against per-line rounding. */
    lines[0].price_minor = INT64_C(4000000000000000001);
    lines[1].price_minor = INT64_C(2000000000000000003);
    s.discount.value = INT64_C(1000000000000000007);
    compute_ok(&s, lines, 2, r, &t);
    s.rounding_level = QUOTE_ROUND_LINES;
    compute_ok(&s, lines, 2, lines_r, &lines_t);
    expect_line_identities(&s, lines_r, 2, &lines_t);
    EXPECT_INT_EQ(t.quote_discount_minor, s.discount.value);
    EXPECT_INT_EQ(lines_r[0].quote_discount_minor, INT64_C(666666666666666671));
    EXPECT_INT_EQ(lines_r[1].quote_discount_minor, INT64_C(333333333333333336));
    for (size_t i = 0; i < 2; i++) {
        int64_t diff = r[i].quote_discount_minor - lines_r[i].quote_discount_minor;
        EXPECT(diff >= -1 && diff <= 1);
    }
}

TEST(quote_compute_checks_ranges_of_inputs_it_did_not_parse)
{
    struct quote_line_result r[2];
    struct quote_totals t;
    struct err err;
    struct quote_settings s = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    struct quote_line_input lines[] = {
        with_discount(line_of(-1, 0, PCT(101)), QUOTE_DISCOUNT_PERCENT, PCT(101)),
        with_discount(line_of(1000, QTY(1), 0), QUOTE_DISCOUNT_AMOUNT, 1001),
    };
    s.discount = (struct quote_discount){QUOTE_DISCOUNT_AMOUNT, -1};
    err_clear(&err);
    EXPECT_INT_EQ(quote_compute(&s, lines, 2, r, &t, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&err, "discount_amount"), "must not be negative");
    EXPECT_STR_EQ(field_message(&err, "lines[0].price"), "must not be negative");
    EXPECT_STR_EQ(field_message(&err, "lines[0].quantity"), "must be greater than zero");
    EXPECT_STR_EQ(field_message(&err, "lines[0].tax_rate"), "must be from 0 to 100");
    EXPECT_STR_EQ(field_message(&err, "lines[0].discount_percent"), "must be from 0 to 100");
    EXPECT_STR_EQ(field_message(&err, "lines[1].discount_amount"),
                  "must not be above the line's gross amount (10.00)");

    s = settings_of("XYZ", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    err_clear(&err);
    EXPECT_INT_EQ(quote_compute(&s, lines, 0, r, &t, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&err, "currency"), "is not a currency this server knows (XYZ)");

    s = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    err_clear(&err);
    EXPECT_INT_EQ(quote_compute(&s, lines, QUOTE_MAX_LINES + 1, r, &t, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&err, "lines"), "must have at most 500 lines");
}

TEST(quote_discount_amount_may_not_exceed_what_the_lines_leave)
{
    struct quote_line_result r[1];
    struct quote_totals t;
    struct err err;
    struct quote_line_input lines[] = {
        with_discount(line_of(1000, QTY(2), 0), QUOTE_DISCOUNT_AMOUNT, 500)};
    struct quote_settings s = settings_of("EUR", false, QUOTE_ROUND_LINES, ROUND_HALF_UP);
    s.discount = (struct quote_discount){QUOTE_DISCOUNT_AMOUNT, 1500};
    compute_ok(&s, lines, 1, r, &t);
    EXPECT_INT_EQ(t.total_minor, 0);
    s.discount.value = 1501;
    err_clear(&err);
    EXPECT_INT_EQ(quote_compute(&s, lines, 1, r, &t, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&err, "discount_amount"),
                  "must not be above the quote's amount after line discounts (15.00)");
    /* An empty quote takes a zero discount, and a percent of nothing. */
    s.discount.value = 0;
    compute_ok(&s, lines, 0, r, &t);
    EXPECT_INT_EQ(t.total_minor, 0);
    s.discount = (struct quote_discount){QUOTE_DISCOUNT_PERCENT, PCT(100)};
    compute_ok(&s, lines, 0, r, &t);
    compute_ok(&s, lines, 1, r, &t);
    EXPECT_INT_EQ(t.total_minor, 0);
    EXPECT_INT_EQ(t.discount_total_minor, 2000);
}

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t rng_state = UINT64_C(0x9E3779B97F4A7C15);

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static int64_t rng_below(int64_t bound)
{
    return (int64_t)(rng_next() % (uint64_t)bound);
}

static void random_quote(struct quote_settings *s, struct quote_line_input *lines, size_t n)
{
    static const int64_t rates[] = {0, PCT(5), 77000, PCT(10), 196000, PCT(20), PCT(25)};
    static const char *const currencies[] = {"EUR", "JPY", "KWD"};
    *s = settings_of(currencies[rng_below(3)], rng_below(2) == 1,
                     rng_below(2) == 0 ? QUOTE_ROUND_LINES : QUOTE_ROUND_TOTALS,
                     rng_below(2) == 0 ? ROUND_HALF_UP : ROUND_HALF_EVEN);
    int64_t base = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t price = rng_below(4) == 0 ? rng_below(100) : rng_below(10000000);
        int64_t quantity = rng_below(2) == 0 ? QTY(1 + rng_below(20)) : 1 + rng_below(200000);
        lines[i] = line_of(price, quantity, rates[rng_below((int64_t)COUNT(rates))]);
        int64_t gross_floor = price * quantity / QUOTE_QUANTITY_ONE; /* < 2^63 here */
        switch (rng_below(3)) {
        case 0:
            lines[i].discount =
                (struct quote_discount){QUOTE_DISCOUNT_PERCENT, rng_below(PCT(100) + 1)};
            break;
        case 1:
            lines[i].discount =
                (struct quote_discount){QUOTE_DISCOUNT_AMOUNT, rng_below(gross_floor + 1)};
            break;
        default:
            break;
        }
        base += gross_floor / 2;
    }
    switch (rng_below(3)) {
    case 0:
        s->discount = (struct quote_discount){QUOTE_DISCOUNT_PERCENT, rng_below(PCT(50))};
        break;
    case 1:
        /* Half the gross is at most what any line discount leaves, give or take rounding. */
        s->discount = (struct quote_discount){QUOTE_DISCOUNT_AMOUNT, rng_below(base / 4 + 1)};
        break;
    default:
        break;
    }
}

TEST(quote_identities_hold_over_many_generated_quotes)
{
    static struct quote_line_input lines[40];
    static struct quote_line_result r[40], other[40];
    struct quote_totals t, t_other;
    size_t computed = 0;
    for (int round = 0; round < 3000; round++) {
        struct quote_settings s;
        size_t n = (size_t)rng_below(40);
        random_quote(&s, lines, n);
        struct err err;
        err_clear(&err);
        if (quote_compute(&s, lines, n, r, &t, &err) != 0) {
            /* Only the generated quote discount amount may be refused. */
            EXPECT(field_message(&err, "discount_amount") != NULL);
            continue;
        }
        computed++;
        expect_total_identities(&t);
        if (s.rounding_level == QUOTE_ROUND_LINES)
            expect_line_identities(&s, r, n, &t);
        /* The two levels agree within the roundings per line: a few minor units each. */
        struct quote_settings flipped = s;
        flipped.rounding_level =
            s.rounding_level == QUOTE_ROUND_LINES ? QUOTE_ROUND_TOTALS : QUOTE_ROUND_LINES;
        compute_ok(&flipped, lines, n, other, &t_other);
        int64_t diff = t.total_minor - t_other.total_minor;
        EXPECT(diff <= 3 * (int64_t)n + 1 && diff >= -3 * (int64_t)n - 1);
        if (s.discount.kind == QUOTE_DISCOUNT_PERCENT && s.discount.value == 0)
            EXPECT_INT_EQ(t.quote_discount_minor, 0);
    }
    EXPECT(computed > 2500);
}

/* ---- the body ---- */

struct parsed {
    struct arena *arena;
    struct err err;
    struct quote_settings settings;
    struct quote_line_input *lines;
    size_t n;
    int rc;
};

static struct parsed parsed;

/* Parses body text (with currency as the fallback); the result stays in `parsed`. */
static int parse(const char *text, const char *currency)
{
    json_error_t jerr;
    json_t *body = json_loads(text, 0, &jerr);
    if (body == NULL)
        test_fail(__FILE__, __LINE__, "bad test JSON: %s", jerr.text);
    arena_free(parsed.arena);
    parsed.arena = arena_new();
    err_clear(&parsed.err);
    parsed.lines = NULL;
    parsed.n = 0;
    parsed.rc = quote_input_parse(parsed.arena, body, currency, &parsed.settings, &parsed.lines,
                                  &parsed.n, &parsed.err);
    json_decref(body);
    return parsed.rc;
}

/* The message on field after parsing body, or "" when there is none. */
static const char *problem(const char *text, const char *field)
{
    parse(text, "EUR");
    const char *message = field_message(&parsed.err, field);
    if (message != NULL)
        EXPECT_INT_EQ(parsed.rc, -ERR_VALIDATION);
    return message != NULL ? message : "";
}

/* A body with one line whose key is set to value (JSON text). */
static const char *line_problem(const char *key, const char *value)
{
    static char text[512];
    snprintf(text, sizeof(text),
             "{\"lines\":[{\"price\":\"10.00\",\"quantity\":\"2\",\"tax_rate\":\"20\",\"%s\":%s}]}",
             key, value);
    static char field[64];
    snprintf(field, sizeof(field), "lines[0].%s", key);
    return problem(text, field);
}

TEST(quote_body_parses_into_settings_and_lines)
{
    EXPECT_INT_EQ(parse("{\"currency\":\"eur\",\"prices_include_tax\":true,\"rounding\":\"total\","
                        "\"rounding_mode\":\"half_even\",\"discount_amount\":\"10.00\","
                        "\"deal_id\":7,\"lines\":["
                        "{\"price\":\"10.50\",\"quantity\":\"1.5\",\"tax_rate\":\"7.7\","
                        "\"discount_percent\":\"12.5\",\"product_id\":3,"
                        "\"options\":[{\"option\":\"size\",\"choice\":\"xl\"}],\"name\":\"Desk\","
                        "\"delivery_date\":\"2026-12-01\",\"delivery_terms\":\"DAP\"},"
                        "{\"price\":\"0\",\"quantity\":2,\"tax_rate\":0,"
                        "\"discount_amount\":\"0.00\",\"discount_percent\":null}]}",
                        NULL),
                  0);
    EXPECT_STR_EQ(parsed.settings.currency, "EUR");
    EXPECT(parsed.settings.prices_include_tax);
    EXPECT_INT_EQ(parsed.settings.rounding_level, QUOTE_ROUND_TOTALS);
    EXPECT_INT_EQ(parsed.settings.rounding_mode, ROUND_HALF_EVEN);
    EXPECT_INT_EQ(parsed.settings.discount.kind, QUOTE_DISCOUNT_AMOUNT);
    EXPECT_INT_EQ(parsed.settings.discount.value, 1000);
    EXPECT_INT_EQ(parsed.n, 2);
    EXPECT_INT_EQ(parsed.lines[0].price_minor, 1050);
    EXPECT_INT_EQ(parsed.lines[0].quantity, 15000);
    EXPECT_INT_EQ(parsed.lines[0].tax_rate, 77000);
    EXPECT_INT_EQ(parsed.lines[0].discount.kind, QUOTE_DISCOUNT_PERCENT);
    EXPECT_INT_EQ(parsed.lines[0].discount.value, 125000);
    EXPECT_INT_EQ(parsed.lines[1].price_minor, 0);
    EXPECT_INT_EQ(parsed.lines[1].quantity, QTY(2));
    EXPECT_INT_EQ(parsed.lines[1].discount.kind, QUOTE_DISCOUNT_AMOUNT);
}

TEST(quote_body_defaults_and_the_fallback_currency)
{
    EXPECT_INT_EQ(parse("{\"lines\":[]}", "JPY"), 0);
    EXPECT_STR_EQ(parsed.settings.currency, "JPY");
    EXPECT(!parsed.settings.prices_include_tax);
    EXPECT_INT_EQ(parsed.settings.rounding_level, QUOTE_ROUND_LINES);
    EXPECT_INT_EQ(parsed.settings.rounding_mode, ROUND_HALF_UP);
    EXPECT_INT_EQ(parsed.settings.discount.kind, QUOTE_DISCOUNT_NONE);
    EXPECT_INT_EQ(parsed.n, 0);
    EXPECT_INT_EQ(parse("{\"currency\":\"KWD\",\"lines\":[{\"price\":\"1.234\",\"quantity\":\"1\","
                        "\"tax_rate\":\"0\"}]}",
                        "JPY"),
                  0);
    EXPECT_STR_EQ(parsed.settings.currency, "KWD");
    EXPECT_INT_EQ(parsed.lines[0].price_minor, 1234);
    EXPECT_INT_EQ(parse("{\"lines\":[]}", NULL), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&parsed.err, "currency"), "is required");
}

TEST(quote_body_refuses_quantities_that_are_not_positive_decimals)
{
    EXPECT_STR_EQ(line_problem("quantity", "\"0\""), "must be greater than zero");
    EXPECT_STR_EQ(line_problem("quantity", "\"-1\""), "must be greater than zero");
    EXPECT_STR_EQ(line_problem("quantity", "0"), "must be greater than zero");
    EXPECT_STR_EQ(line_problem("quantity", "\"0.0000\""), "must be greater than zero");
    EXPECT_STR_EQ(line_problem("quantity", "\"abc\""), "must be a decimal number like 2.5");
    EXPECT_STR_EQ(line_problem("quantity", "\"1e3\""), "must be a decimal number like 2.5");
    EXPECT_STR_EQ(line_problem("quantity", "\".5\""), "must be a decimal number like 2.5");
    EXPECT_STR_EQ(line_problem("quantity", "\"5.\""), "must be a decimal number like 2.5");
    EXPECT_STR_EQ(line_problem("quantity", "true"), "must be a decimal number like 2.5");
    EXPECT_CONTAINS(line_problem("quantity", "\"2,5\""), "must be a decimal number like 2.5");
    EXPECT_CONTAINS(line_problem("quantity", "\"2,5\""), "a point, not a comma");
    EXPECT_CONTAINS(line_problem("quantity", "2.5"), "a JSON number with decimals is not exact");
    EXPECT_STR_EQ(line_problem("quantity", "\"1.23456\""), "must have at most 4 decimal places");
    EXPECT_STR_EQ(line_problem("quantity", "\"99999999999999999\""), "is too large");
    EXPECT_STR_EQ(line_problem("quantity", "\"\""), "is required");
    EXPECT_STR_EQ(line_problem("quantity", "null"), "is required");
    EXPECT_STR_EQ(line_problem("quantity", "\" 2.5 \""), "");
    EXPECT_INT_EQ(parsed.lines[0].quantity, 25000);
}

TEST(quote_body_refuses_prices_with_more_decimals_than_the_currency)
{
    EXPECT_STR_EQ(line_problem("price", "\"10.505\""),
                  "must have at most 2 decimal places for EUR");
    EXPECT_STR_EQ(line_problem("price", "\"-1.00\""), "must not be negative");
    EXPECT_STR_EQ(line_problem("price", "\"92233720368547758.08\""), "is too large");
    EXPECT_STR_EQ(line_problem("price", "\" 10.5 \""), "");
    EXPECT_INT_EQ(parsed.lines[0].price_minor, 1050);
    EXPECT_STR_EQ(line_problem("price", "10.5"), "must be a decimal string like \"10.50\"");
    EXPECT_STR_EQ(line_problem("price", "10"), "must be a decimal string like \"10.50\"");
    EXPECT_CONTAINS(line_problem("price", "\"10,50\""), "not a comma");
    EXPECT_STR_EQ(line_problem("price", "null"), "is required");
    EXPECT_STR_EQ(problem("{\"currency\":\"JPY\",\"lines\":[{\"price\":\"10.5\",\"quantity\":"
                          "\"1\",\"tax_rate\":\"10\"}]}",
                          "lines[0].price"),
                  "must be a whole number: JPY has no minor unit");
    EXPECT_STR_EQ(problem("{\"currency\":\"KWD\",\"lines\":[{\"price\":\"1.2345\",\"quantity\":"
                          "\"1\",\"tax_rate\":\"10\"}]}",
                          "lines[0].price"),
                  "must have at most 3 decimal places for KWD");
}

TEST(quote_body_refuses_percents_outside_zero_to_a_hundred)
{
    EXPECT_STR_EQ(line_problem("discount_percent", "\"100.5\""), "must be from 0 to 100");
    EXPECT_STR_EQ(line_problem("discount_percent", "\"-1\""), "must be from 0 to 100");
    EXPECT_STR_EQ(line_problem("discount_percent", "101"), "must be from 0 to 100");
    EXPECT_STR_EQ(line_problem("discount_percent", "\"100\""), "");
    EXPECT_STR_EQ(line_problem("tax_rate", "\"100.0001\""), "must be from 0 to 100");
    EXPECT_STR_EQ(line_problem("tax_rate", "\"19.6\""), "");
    EXPECT_STR_EQ(line_problem("tax_rate", "null"), "is required");
    EXPECT_STR_EQ(problem("{\"discount_percent\":\"120\",\"lines\":[]}", "discount_percent"),
                  "must be from 0 to 100");
}

TEST(quote_body_refuses_a_discount_given_both_ways)
{
    EXPECT_STR_EQ(problem("{\"lines\":[{\"price\":\"10.00\",\"quantity\":\"2\",\"tax_rate\":"
                          "\"20\",\"discount_percent\":\"5\",\"discount_amount\":\"1.00\"}]}",
                          "lines[0].discount_amount"),
                  "cannot be given together with discount_percent");
    EXPECT_STR_EQ(problem("{\"discount_percent\":\"5\",\"discount_amount\":\"1.00\",\"lines\":[]}",
                          "discount_amount"),
                  "cannot be given together with discount_percent");
}

TEST(quote_body_refuses_a_line_discount_above_the_line_gross)
{
    EXPECT_STR_EQ(line_problem("discount_amount", "\"20.01\""),
                  "must not be above the line's gross amount (20.00)");
    EXPECT_STR_EQ(line_problem("discount_amount", "\"20.00\""), "");
    EXPECT_STR_EQ(line_problem("discount_amount", "\"-0.01\""), "must not be negative");
    EXPECT_STR_EQ(problem("{\"discount_amount\":\"20.01\",\"lines\":[{\"price\":\"10.00\","
                          "\"quantity\":\"2\",\"tax_rate\":\"20\"}]}",
                          "discount_amount"),
                  "must not be above the quote's amount after line discounts (20.00)");
}

TEST(quote_body_refuses_unknown_currencies_and_bad_settings)
{
    EXPECT_STR_EQ(problem("{\"currency\":\"XYZ\",\"lines\":[]}", "currency"),
                  "is not a currency this server knows (XYZ)");
    EXPECT_STR_EQ(problem("{\"currency\":978,\"lines\":[]}", "currency"),
                  "must be a three-letter ISO 4217 code like EUR");
    EXPECT_STR_EQ(problem("{\"rounding\":\"cash\",\"lines\":[]}", "rounding"),
                  "must be line or total");
    EXPECT_STR_EQ(problem("{\"rounding_mode\":\"down\",\"lines\":[]}", "rounding_mode"),
                  "must be half_up or half_even");
    EXPECT_STR_EQ(problem("{\"prices_include_tax\":\"yes\",\"lines\":[]}", "prices_include_tax"),
                  "must be true or false");
    EXPECT_STR_EQ(problem("{}", "lines"), "is required");
    EXPECT_STR_EQ(problem("{\"lines\":{}}", "lines"), "must be an array");
    EXPECT_STR_EQ(problem("{\"lines\":[3]}", "lines[0]"), "must be an object");
    EXPECT_INT_EQ(parse("[]", "EUR"), -ERR_VALIDATION);
    EXPECT_CONTAINS(parsed.err.detail, "must be a JSON object");
}

TEST(quote_body_has_at_most_500_lines)
{
    json_t *body = json_object();
    json_t *lines = json_array();
    for (int i = 0; i < QUOTE_MAX_LINES + 1; i++)
        json_array_append_new(lines, json_pack("{s:s, s:s, s:s}", "price", "1.00", "quantity", "1",
                                               "tax_rate", "20"));
    json_object_set_new(body, "lines", lines);
    struct arena *arena = arena_new();
    struct err err;
    struct quote_settings settings;
    struct quote_line_input *out = NULL;
    size_t n = 0;
    err_clear(&err);
    EXPECT_INT_EQ(quote_input_parse(arena, body, "EUR", &settings, &out, &n, &err),
                  -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message(&err, "lines"), "must have at most 500 lines");
    json_array_remove(lines, 0);
    err_clear(&err);
    EXPECT_INT_EQ(quote_input_parse(arena, body, "EUR", &settings, &out, &n, &err), 0);
    EXPECT_INT_EQ(n, QUOTE_MAX_LINES);
    arena_free(arena);
    json_decref(body);
}

TEST(quote_body_reports_every_problem_at_once)
{
    EXPECT_INT_EQ(parse("{\"rounding\":\"x\",\"lines\":["
                        "{\"price\":\"1.001\",\"quantity\":\"0\",\"tax_rate\":\"20\"},"
                        "{\"price\":\"1.00\",\"quantity\":\"2,5\",\"tax_rate\":\"120\"},"
                        "{\"price\":\"1.00\",\"quantity\":\"1\",\"tax_rate\":\"20\","
                        "\"discount_amount\":\"1.01\"}]}",
                        "EUR"),
                  -ERR_VALIDATION);
    EXPECT_INT_EQ(parsed.err.n_fields, 6);
    EXPECT(field_message(&parsed.err, "rounding") != NULL);
    EXPECT(field_message(&parsed.err, "lines[0].price") != NULL);
    EXPECT(field_message(&parsed.err, "lines[0].quantity") != NULL);
    EXPECT(field_message(&parsed.err, "lines[1].quantity") != NULL);
    EXPECT(field_message(&parsed.err, "lines[1].tax_rate") != NULL);
    EXPECT(field_message(&parsed.err, "lines[2].discount_amount") != NULL);
}

TEST(quote_body_refuses_a_line_too_large_to_compute)
{
    EXPECT_STR_EQ(problem("{\"lines\":[{\"price\":\"92233720368547758.07\",\"quantity\":\"2\","
                          "\"tax_rate\":\"0\"}]}",
                          "lines[0]"),
                  "price x quantity is too large");
    EXPECT_STR_EQ(problem("{\"lines\":[{\"price\":\"92233720368547758.07\",\"quantity\":\"1\","
                          "\"tax_rate\":\"10\"}]}",
                          "lines[0]"),
                  "the line's amounts are too large");
}

TEST(quote_results_become_api_money_strings)
{
    struct quote_line_result r[1];
    struct quote_totals t;
    EXPECT_INT_EQ(parse("{\"discount_percent\":\"10\",\"lines\":[{\"price\":\"10.50\","
                        "\"quantity\":\"2\",\"tax_rate\":\"20\",\"discount_amount\":\"1.00\"}]}",
                        "EUR"),
                  0);
    compute_ok(&parsed.settings, parsed.lines, parsed.n, r, &t);
    json_t *json = quote_result_json(&parsed.settings, r, parsed.n, &t);
    char *text = json_dumps(json, JSON_SORT_KEYS | JSON_COMPACT);
    EXPECT_STR_EQ(text, "{\"discount_total\":{\"amount\":\"3.00\",\"currency\":\"EUR\"},"
                        "\"lines\":[{\"discount\":{\"amount\":\"1.00\",\"currency\":\"EUR\"},"
                        "\"gross\":{\"amount\":\"21.00\",\"currency\":\"EUR\"},"
                        "\"net\":{\"amount\":\"18.00\",\"currency\":\"EUR\"},"
                        "\"quote_discount\":{\"amount\":\"2.00\",\"currency\":\"EUR\"},"
                        "\"tax\":{\"amount\":\"3.60\",\"currency\":\"EUR\"},"
                        "\"total\":{\"amount\":\"21.60\",\"currency\":\"EUR\"}}],"
                        "\"quote_discount\":{\"amount\":\"2.00\",\"currency\":\"EUR\"},"
                        "\"subtotal\":{\"amount\":\"20.00\",\"currency\":\"EUR\"},"
                        "\"tax_total\":{\"amount\":\"3.60\",\"currency\":\"EUR\"},"
                        "\"total\":{\"amount\":\"21.60\",\"currency\":\"EUR\"}}");
    free(text);
    json_decref(json);
    struct quote_settings unknown = parsed.settings;
    memcpy(unknown.currency, "XYZ", 4);
    EXPECT(quote_result_json(&unknown, r, 1, &t) == NULL);
}

TEST(quote_rounding_names_match_the_body)
{
    EXPECT_STR_EQ(quote_rounding_level_name(QUOTE_ROUND_LINES), "line");
    EXPECT_STR_EQ(quote_rounding_level_name(QUOTE_ROUND_TOTALS), "total");
    EXPECT_STR_EQ(quote_rounding_mode_name(ROUND_HALF_UP), "half_up");
    EXPECT_STR_EQ(quote_rounding_mode_name(ROUND_HALF_EVEN), "half_even");
}
