/*
 * Tests for src/base/money.c: currency exponents, decimal parsing and
 * formatting at the int64 limits, both rounding modes on positive and
 * negative halves, overflow checks on every operation.
 */
#include "base/money.h"

#include "base/err.h"
#include "../test.h"

static int64_t parse_ok(const char *text, int scale)
{
    int64_t v = INT64_C(-777);
    EXPECT_INT_EQ(decimal_parse(str_from_cstr(text), scale, &v), 0);
    return v;
}

static int parse_rejected(const char *text, int scale)
{
    int64_t v = INT64_C(-777);
    int rc = decimal_parse(str_from_cstr(text), scale, &v);
    return rc == -ERR_VALIDATION && v == -777;
}

static const char *format(int64_t value, int scale)
{
    static char out[MONEY_TEXT_MAX];
    EXPECT(decimal_format(value, scale, out, sizeof(out)) > 0);
    return out;
}

static int64_t ratio(int64_t value, int64_t num, int64_t den, enum rounding mode)
{
    int64_t v = INT64_C(-777);
    EXPECT_INT_EQ(money_mul_ratio(value, num, den, mode, &v), 0);
    return v;
}

static int64_t rescale(int64_t value, int from, int to, enum rounding mode)
{
    int64_t v = INT64_C(-777);
    EXPECT_INT_EQ(decimal_rescale(value, from, to, mode, &v), 0);
    return v;
}

TEST(currency_exponent_knows_two_zero_and_three_decimal_currencies)
{
    const char *two[] = {"USD", "EUR", "RUB", "GBP", "CHF", "CNY", "INR", "BRL", "KZT", "UAH",
                         "BYN", "PLN", "CZK", "SEK", "NOK", "DKK", "TRY", "AED", "SAR", "CAD",
                         "AUD", "NZD", "HKD", "SGD", "MXN", "ZAR", "ILS", "THB"};
    const char *zero[] = {"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF",
                          "XPF", "PYG", "RWF", "KMF", "GNF", "VUV", "BIF", "DJF"};
    const char *three[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
    for (size_t i = 0; i < sizeof(two) / sizeof(two[0]); i++)
        EXPECT_INT_EQ(currency_exponent(str_from_cstr(two[i])), 2);
    for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
        EXPECT_INT_EQ(currency_exponent(str_from_cstr(zero[i])), 0);
    for (size_t i = 0; i < sizeof(three) / sizeof(three[0]); i++)
        EXPECT_INT_EQ(currency_exponent(str_from_cstr(three[i])), 3);
}

TEST(currency_exponent_rejects_unknown_and_malformed_codes)
{
    EXPECT_INT_EQ(currency_exponent(STR_LIT("XXX")), -ERR_VALIDATION);
    EXPECT_INT_EQ(currency_exponent(STR_LIT("usd")), -ERR_VALIDATION);
    EXPECT_INT_EQ(currency_exponent(STR_LIT("US")), -ERR_VALIDATION);
    EXPECT_INT_EQ(currency_exponent(STR_LIT("USDX")), -ERR_VALIDATION);
    EXPECT_INT_EQ(currency_exponent(STR_LIT("")), -ERR_VALIDATION);
}

TEST(decimal_parse_scales_integers_and_fractions)
{
    EXPECT_INT_EQ(parse_ok("1234.5", 2), 123450);
    EXPECT_INT_EQ(parse_ok("1234.56", 2), 123456);
    EXPECT_INT_EQ(parse_ok("12", 2), 1200);
    EXPECT_INT_EQ(parse_ok("0", 2), 0);
    EXPECT_INT_EQ(parse_ok("-0.07", 2), -7);
    EXPECT_INT_EQ(parse_ok("-0", 2), 0);
    EXPECT_INT_EQ(parse_ok("007.10", 2), 710);
    EXPECT_INT_EQ(parse_ok("42", 0), 42);
    EXPECT_INT_EQ(parse_ok("1.5", 4), 15000);
}

TEST(decimal_parse_rejects_too_many_decimals)
{
    EXPECT(parse_rejected("1.234", 2));
    EXPECT(parse_rejected("1.5", 0));
    EXPECT(parse_rejected("0.0001", 3));
    EXPECT(parse_rejected("1.00", 0));
}

TEST(decimal_parse_rejects_garbage)
{
    const char *bad[] = {"",      "-",     "+1",    " 1",  "1 ",  "12.",  ".5",   "-.5", "1e3",
                         "1,000", "1 000", "1.2.3", "--1", "abc", "0x10", "1.-2", "١٢",  "1\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (!parse_rejected(bad[i], 2))
            test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
    }
    int64_t v;
    EXPECT_INT_EQ(decimal_parse((struct str){"1\0002", 3}, 2, &v), -ERR_VALIDATION);
}

TEST(decimal_parse_accepts_the_int64_limits_and_rejects_one_past)
{
    EXPECT(parse_ok("9223372036854775807", 0) == INT64_MAX);
    EXPECT(parse_ok("-9223372036854775808", 0) == INT64_MIN);
    EXPECT(parse_ok("92233720368547758.07", 2) == INT64_MAX);
    EXPECT(parse_ok("-92233720368547758.08", 2) == INT64_MIN);
    EXPECT(parse_ok("9.223372036854775807", 18) == INT64_MAX);
    EXPECT(parse_rejected("9223372036854775808", 0));
    EXPECT(parse_rejected("-9223372036854775809", 0));
    EXPECT(parse_rejected("92233720368547758.08", 2));
    EXPECT(parse_rejected("-92233720368547758.09", 2));
    EXPECT(parse_rejected("92233720368547759", 2));
    EXPECT(parse_rejected("99999999999999999999999999999999999999999", 0));
    EXPECT(parse_rejected("10", 18));
}

TEST(decimal_parse_and_format_reject_a_scale_out_of_range)
{
    int64_t v;
    char out[MONEY_TEXT_MAX];
    EXPECT_INT_EQ(decimal_parse(STR_LIT("1"), -1, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(decimal_parse(STR_LIT("1"), 19, &v), -ERR_VALIDATION);
    EXPECT(decimal_format(1, 19, out, sizeof(out)) < 0);
    EXPECT(decimal_format(1, -1, out, sizeof(out)) < 0);
}

TEST(decimal_format_writes_exactly_scale_digits)
{
    EXPECT_STR_EQ(format(123450, 2), "1234.50");
    EXPECT_STR_EQ(format(-7, 2), "-0.07");
    EXPECT_STR_EQ(format(0, 2), "0.00");
    EXPECT_STR_EQ(format(5, 3), "0.005");
    EXPECT_STR_EQ(format(-1500, 0), "-1500");
    EXPECT_STR_EQ(format(INT64_MAX, 2), "92233720368547758.07");
    EXPECT_STR_EQ(format(INT64_MIN, 2), "-92233720368547758.08");
    EXPECT_STR_EQ(format(INT64_MIN, 0), "-9223372036854775808");
    EXPECT_STR_EQ(format(INT64_MIN, 18), "-9.223372036854775808");
    EXPECT_INT_EQ(decimal_format(123450, 2, (char[MONEY_TEXT_MAX]){0}, MONEY_TEXT_MAX), 7);
}

TEST(decimal_format_reports_a_buffer_that_is_too_small)
{
    char out[8];
    EXPECT_INT_EQ(decimal_format(123450, 2, out, 8), 7);
    EXPECT_INT_EQ(decimal_format(1234560, 2, out, 8), -ERR_TOO_LARGE);
    EXPECT_INT_EQ(decimal_format(INT64_MIN, 2, out, 8), -ERR_TOO_LARGE);
}

TEST(money_parse_and_format_round_trip)
{
    const int64_t limits[] = {INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1};
    const int64_t samples[] = {0,         1,         -1,        5,          -5,
                               99,        100,       123456789, -123456789, limits[0],
                               limits[1], limits[2], limits[3]};
    const char *currencies[] = {"USD", "JPY", "KWD", "EUR", "CLP", "BHD"};
    for (size_t c = 0; c < sizeof(currencies) / sizeof(currencies[0]); c++) {
        struct str cur = str_from_cstr(currencies[c]);
        for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
            char text[MONEY_TEXT_MAX];
            int64_t back = 0;
            int n = money_format(samples[i], cur, text, sizeof(text));
            EXPECT(n > 0);
            EXPECT_INT_EQ(strlen(text), n);
            EXPECT_INT_EQ(money_parse((struct str){text, (size_t)n}, cur, &back), 0);
            EXPECT(back == samples[i]);
        }
    }
    for (int scale = 0; scale <= 18; scale++) {
        for (int64_t v = -2000; v <= 2000; v += 7) {
            char text[MONEY_TEXT_MAX];
            EXPECT(decimal_format(v, scale, text, sizeof(text)) > 0);
            EXPECT_INT_EQ(parse_ok(text, scale), v);
        }
    }
}

TEST(money_uses_no_decimals_for_jpy)
{
    int64_t v = 0;
    char out[MONEY_TEXT_MAX];
    EXPECT_INT_EQ(money_parse(STR_LIT("1500"), STR_LIT("JPY"), &v), 0);
    EXPECT_INT_EQ(v, 1500);
    EXPECT_INT_EQ(money_parse(STR_LIT("1500.5"), STR_LIT("JPY"), &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_parse(STR_LIT("1500.0"), STR_LIT("JPY"), &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_format(1500, STR_LIT("JPY"), out, sizeof(out)), 4);
    EXPECT_STR_EQ(out, "1500");
}

TEST(money_uses_three_decimals_for_kwd)
{
    int64_t v = 0;
    char out[MONEY_TEXT_MAX];
    EXPECT_INT_EQ(money_parse(STR_LIT("12.345"), STR_LIT("KWD"), &v), 0);
    EXPECT_INT_EQ(v, 12345);
    EXPECT_INT_EQ(money_parse(STR_LIT("12.3"), STR_LIT("KWD"), &v), 0);
    EXPECT_INT_EQ(v, 12300);
    EXPECT_INT_EQ(money_parse(STR_LIT("12.3456"), STR_LIT("KWD"), &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_format(-5, STR_LIT("KWD"), out, sizeof(out)), 6);
    EXPECT_STR_EQ(out, "-0.005");
}

TEST(money_parse_and_format_reject_an_unknown_currency)
{
    int64_t v = 3;
    char out[MONEY_TEXT_MAX];
    EXPECT_INT_EQ(money_parse(STR_LIT("1.00"), STR_LIT("ABC"), &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(v, 3);
    EXPECT_INT_EQ(money_format(100, STR_LIT("ABC"), out, sizeof(out)), -ERR_VALIDATION);
}

TEST(money_add_and_sub_detect_overflow)
{
    int64_t v = 0;
    EXPECT_INT_EQ(money_add(150, -200, &v), 0);
    EXPECT_INT_EQ(v, -50);
    EXPECT_INT_EQ(money_sub(150, 200, &v), 0);
    EXPECT_INT_EQ(v, -50);
    EXPECT_INT_EQ(money_add(INT64_MAX - 1, 1, &v), 0);
    EXPECT(v == INT64_MAX);
    v = 9;
    EXPECT_INT_EQ(money_add(INT64_MAX, 1, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_add(INT64_MIN, -1, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_sub(INT64_MIN, 1, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_sub(0, INT64_MIN, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_sub(INT64_MAX, -1, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(v, 9);
    EXPECT_INT_EQ(money_sub(-1, INT64_MIN, &v), 0);
    EXPECT(v == INT64_MAX);
}

TEST(money_mul_ratio_rounds_half_up_away_from_zero)
{
    /* x / 2 puts every odd x exactly on a half. */
    EXPECT_INT_EQ(ratio(1, 1, 2, ROUND_HALF_UP), 1);   /* 0.5 */
    EXPECT_INT_EQ(ratio(3, 1, 2, ROUND_HALF_UP), 2);   /* 1.5 */
    EXPECT_INT_EQ(ratio(5, 1, 2, ROUND_HALF_UP), 3);   /* 2.5 */
    EXPECT_INT_EQ(ratio(-1, 1, 2, ROUND_HALF_UP), -1); /* -0.5 */
    EXPECT_INT_EQ(ratio(-3, 1, 2, ROUND_HALF_UP), -2); /* -1.5 */
    EXPECT_INT_EQ(ratio(-5, 1, 2, ROUND_HALF_UP), -3); /* -2.5 */
    EXPECT_INT_EQ(ratio(5, -1, 2, ROUND_HALF_UP), -3); /* negative numerator */
}

TEST(money_mul_ratio_rounds_half_even_to_the_even_neighbour)
{
    EXPECT_INT_EQ(ratio(1, 1, 2, ROUND_HALF_EVEN), 0);   /* 0.5 */
    EXPECT_INT_EQ(ratio(3, 1, 2, ROUND_HALF_EVEN), 2);   /* 1.5 */
    EXPECT_INT_EQ(ratio(5, 1, 2, ROUND_HALF_EVEN), 2);   /* 2.5 */
    EXPECT_INT_EQ(ratio(7, 1, 2, ROUND_HALF_EVEN), 4);   /* 3.5 */
    EXPECT_INT_EQ(ratio(-1, 1, 2, ROUND_HALF_EVEN), 0);  /* -0.5 */
    EXPECT_INT_EQ(ratio(-3, 1, 2, ROUND_HALF_EVEN), -2); /* -1.5 */
    EXPECT_INT_EQ(ratio(-5, 1, 2, ROUND_HALF_EVEN), -2); /* -2.5 */
    EXPECT_INT_EQ(ratio(-7, 1, 2, ROUND_HALF_EVEN), -4); /* -3.5 */
}

TEST(money_mul_ratio_rounds_non_halves_to_the_nearest_in_both_modes)
{
    for (int mode = ROUND_HALF_UP; mode <= ROUND_HALF_EVEN; mode++) {
        EXPECT_INT_EQ(ratio(249, 1, 100, (enum rounding)mode), 2);   /* 2.49 */
        EXPECT_INT_EQ(ratio(251, 1, 100, (enum rounding)mode), 3);   /* 2.51 */
        EXPECT_INT_EQ(ratio(-249, 1, 100, (enum rounding)mode), -2); /* -2.49 */
        EXPECT_INT_EQ(ratio(-251, 1, 100, (enum rounding)mode), -3); /* -2.51 */
        EXPECT_INT_EQ(ratio(10, 1, 3, (enum rounding)mode), 3);
        EXPECT_INT_EQ(ratio(20, 1, 3, (enum rounding)mode), 7);
        EXPECT_INT_EQ(ratio(600, 1, 1, (enum rounding)mode), 600);
    }
}

TEST(money_mul_ratio_applies_a_percentage)
{
    /* 19.99 * 18% = 3.5982 -> 3.60; 0.25 * 10% = 0.025 -> 0.03 up, 0.02 even. */
    EXPECT_INT_EQ(ratio(1999, 18, 100, ROUND_HALF_UP), 360);
    EXPECT_INT_EQ(ratio(25, 10, 100, ROUND_HALF_UP), 3);
    EXPECT_INT_EQ(ratio(25, 10, 100, ROUND_HALF_EVEN), 2);
    EXPECT_INT_EQ(ratio(-25, 10, 100, ROUND_HALF_UP), -3);
    EXPECT_INT_EQ(ratio(-25, 10, 100, ROUND_HALF_EVEN), -2);
}

TEST(money_mul_ratio_computes_intermediate_products_in_128_bits)
{
    /* INT64_MAX * 3 overflows 64 bits but the result fits after dividing. */
    EXPECT(ratio(INT64_MAX, 3, 3, ROUND_HALF_UP) == INT64_MAX);
    EXPECT(ratio(INT64_MIN, INT64_MAX, INT64_MAX, ROUND_HALF_EVEN) == INT64_MIN);
    EXPECT(ratio(INT64_MAX, INT64_MAX, INT64_MAX, ROUND_HALF_UP) == INT64_MAX);
    EXPECT_INT_EQ(ratio(INT64_C(4000000000000000000), 2, 4, ROUND_HALF_UP),
                  INT64_C(2000000000000000000));
}

TEST(money_mul_ratio_rejects_overflow_and_a_non_positive_denominator)
{
    int64_t v = 11;
    EXPECT_INT_EQ(money_mul_ratio(INT64_MAX, 2, 1, ROUND_HALF_UP, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_mul_ratio(INT64_MIN, -1, 1, ROUND_HALF_UP, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_mul_ratio(INT64_MIN, 1, 1, ROUND_HALF_UP, &v), 0);
    EXPECT(v == INT64_MIN);
    v = 11;
    EXPECT_INT_EQ(money_mul_ratio(INT64_MAX, INT64_MAX, 2, ROUND_HALF_EVEN, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_mul_ratio(100, 1, 0, ROUND_HALF_UP, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_mul_ratio(100, 1, -2, ROUND_HALF_UP, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(v, 11);
}

TEST(money_mul_ratio_rejects_a_result_that_rounding_pushes_past_the_limit)
{
    /* 6148914691236517205 * 3 = 2^64 - 1, so dividing by 2 gives INT64_MAX + 0.5. */
    const int64_t third = INT64_C(6148914691236517205);
    int64_t v = 11;
    EXPECT_INT_EQ(money_mul_ratio(third, 3, 2, ROUND_HALF_UP, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(money_mul_ratio(third, 3, 2, ROUND_HALF_EVEN, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(v, 11);
    /* Mirrored, -(INT64_MAX + 0.5) rounds to INT64_MIN under half up, which fits. */
    EXPECT(ratio(-third, 3, 2, ROUND_HALF_UP) == INT64_MIN);
    EXPECT(ratio(-third, 3, 2, ROUND_HALF_EVEN) == INT64_MIN);
}

TEST(decimal_rescale_up_multiplies_exactly)
{
    EXPECT_INT_EQ(rescale(1234, 2, 4, ROUND_HALF_UP), 123400);
    EXPECT_INT_EQ(rescale(-7, 0, 3, ROUND_HALF_EVEN), -7000);
    EXPECT_INT_EQ(rescale(42, 2, 2, ROUND_HALF_UP), 42);
    EXPECT(rescale(9, 0, 18, ROUND_HALF_UP) == INT64_C(9000000000000000000));
}

TEST(decimal_rescale_down_rounds_under_the_mode)
{
    /* 4 decimals -> 2: 1.2350 and 1.2450 sit on halves. */
    EXPECT_INT_EQ(rescale(12350, 4, 2, ROUND_HALF_UP), 124);
    EXPECT_INT_EQ(rescale(12350, 4, 2, ROUND_HALF_EVEN), 124);
    EXPECT_INT_EQ(rescale(12450, 4, 2, ROUND_HALF_UP), 125);
    EXPECT_INT_EQ(rescale(12450, 4, 2, ROUND_HALF_EVEN), 124);
    EXPECT_INT_EQ(rescale(-12450, 4, 2, ROUND_HALF_UP), -125);
    EXPECT_INT_EQ(rescale(-12450, 4, 2, ROUND_HALF_EVEN), -124);
    EXPECT_INT_EQ(rescale(12449, 4, 2, ROUND_HALF_UP), 124);
    EXPECT_INT_EQ(rescale(12451, 4, 2, ROUND_HALF_EVEN), 125);
    /* To zero decimals: 0.5 1.5 2.5 -2.5. */
    EXPECT_INT_EQ(rescale(5, 1, 0, ROUND_HALF_UP), 1);
    EXPECT_INT_EQ(rescale(5, 1, 0, ROUND_HALF_EVEN), 0);
    EXPECT_INT_EQ(rescale(15, 1, 0, ROUND_HALF_EVEN), 2);
    EXPECT_INT_EQ(rescale(25, 1, 0, ROUND_HALF_EVEN), 2);
    EXPECT_INT_EQ(rescale(25, 1, 0, ROUND_HALF_UP), 3);
    EXPECT_INT_EQ(rescale(-25, 1, 0, ROUND_HALF_EVEN), -2);
    EXPECT_INT_EQ(rescale(-25, 1, 0, ROUND_HALF_UP), -3);
    EXPECT(rescale(INT64_MIN, 18, 0, ROUND_HALF_UP) == -9);
    EXPECT(rescale(INT64_MAX, 18, 0, ROUND_HALF_EVEN) == 9);
}

TEST(decimal_rescale_rejects_overflow_and_bad_scales)
{
    int64_t v = 5;
    EXPECT_INT_EQ(decimal_rescale(INT64_MAX, 2, 3, ROUND_HALF_UP, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(decimal_rescale(INT64_MIN, 0, 1, ROUND_HALF_UP, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(decimal_rescale(10, 0, 18, ROUND_HALF_UP, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(decimal_rescale(1, 0, 19, ROUND_HALF_UP, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(decimal_rescale(1, -1, 2, ROUND_HALF_UP, &v), -ERR_VALIDATION);
    EXPECT_INT_EQ(v, 5);
}
