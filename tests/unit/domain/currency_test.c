/*
 * Tests for src/domain/currency.c: codes, rate dates, rates (the bad input
 * an import meets: decimal commas, too many decimals, signs, zero) and
 * conversion between currencies with 0, 2 and 3 decimal places.
 */
#include "domain/currency.h"

#include "base/err.h"
#include "../test.h"

/* The message of the field error parsing a rate gives, or "" when it parses. */
static const char *rate_problem(const char *text, int64_t *scaled)
{
    static struct err err;
    err_clear(&err);
    int64_t v = -777;
    int rc = currency_rate_parse(str_from_cstr(text), &v, "rate", &err);
    if (scaled != NULL)
        *scaled = v;
    if (rc == 0)
        return "";
    EXPECT_INT_EQ(rc, -ERR_VALIDATION);
    EXPECT_INT_EQ(err.n_fields, 1);
    EXPECT_STR_EQ(err.fields[0].field, "rate");
    EXPECT_INT_EQ(v, -777);
    return err.fields[0].message;
}

static int64_t rate_of(const char *text)
{
    int64_t v = 0;
    EXPECT_STR_EQ(rate_problem(text, &v), "");
    return v;
}

static const char *rate_text(int64_t scaled)
{
    static char out[CURRENCY_RATE_TEXT_MAX];
    currency_rate_format(scaled, out);
    return out;
}

static const char *code_problem(const char *text, char out[CURRENCY_CODE_LEN + 1])
{
    static struct err err;
    err_clear(&err);
    if (currency_code_parse(str_from_cstr(text), out, "currency", &err) == 0)
        return "";
    EXPECT_STR_EQ(err.fields[0].field, "currency");
    return err.fields[0].message;
}

static const char *date_problem(const char *text, char out[CLOCK_DATE_LEN + 1])
{
    static struct err err;
    err_clear(&err);
    if (currency_date_parse(str_from_cstr(text), out, "date", &err) == 0)
        return "";
    EXPECT_STR_EQ(err.fields[0].field, "date");
    return err.fields[0].message;
}

/* minor units of from, converted at rate (text) into to. */
static int64_t convert(int64_t minor, const char *from, const char *to, const char *rate)
{
    struct err err;
    err_clear(&err);
    int64_t out = -777;
    EXPECT_INT_EQ(
        currency_convert(minor, str_from_cstr(from), str_from_cstr(to), rate_of(rate), &out, &err),
        0);
    return out;
}

TEST(currency_codes_are_known_iso_codes_in_any_case)
{
    char code[CURRENCY_CODE_LEN + 1];
    EXPECT_STR_EQ(code_problem("usd", code), "");
    EXPECT_STR_EQ(code, "USD");
    EXPECT_STR_EQ(code_problem(" KWD ", code), "");
    EXPECT_STR_EQ(code, "KWD");
    EXPECT_STR_EQ(code_problem("XYZ", code), "is not a currency this server knows (XYZ)");
    EXPECT_STR_EQ(code_problem("US", code), "must be a three-letter ISO 4217 code like EUR");
    EXPECT_STR_EQ(code_problem("U$D", code), "must be a three-letter ISO 4217 code like EUR");
    EXPECT_STR_EQ(code_problem("EURO", code), "must be a three-letter ISO 4217 code like EUR");
    EXPECT_STR_EQ(code_problem("  ", code), "is required");
}

TEST(currency_rates_parse_as_positive_decimals_with_up_to_eight_places)
{
    EXPECT_INT_EQ(rate_of("92.5"), INT64_C(9250000000));
    EXPECT_INT_EQ(rate_of(" 92.5 "), INT64_C(9250000000));
    EXPECT_INT_EQ(rate_of("0.00000001"), 1);
    EXPECT_INT_EQ(rate_of("92.50000000"), INT64_C(9250000000));
    EXPECT_INT_EQ(rate_of("0092"), INT64_C(9200000000));
    EXPECT_INT_EQ(rate_of("92233720368.54775807"), INT64_MAX);
}

TEST(currency_rates_refuse_a_decimal_comma_with_a_hint)
{
    EXPECT_CONTAINS(rate_problem("12,5", NULL), "must be a decimal number like 92.5");
    EXPECT_CONTAINS(rate_problem("12,5", NULL), "a point, not a comma");
    EXPECT_CONTAINS(rate_problem("1,234.5", NULL), "no thousands separators");
}

TEST(currency_rates_refuse_what_is_not_a_plain_decimal)
{
    static const char *const bad[] = {"abc",  "1e3",    "+5",  ".5", "5.",  "9 2",  "1 234.5",
                                      "0x10", "92.5.1", "--1", "-",  "NaN", "1_000"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        EXPECT_STR_EQ(rate_problem(bad[i], NULL), "must be a decimal number like 92.5");
    EXPECT_STR_EQ(rate_problem("", NULL), "is required");
}

TEST(currency_rates_refuse_too_many_decimals_zero_negative_and_huge_values)
{
    EXPECT_STR_EQ(rate_problem("92.500000001", NULL), "must have at most 8 decimal places");
    EXPECT_STR_EQ(rate_problem("0", NULL), "must be greater than zero");
    EXPECT_STR_EQ(rate_problem("0.00000000", NULL), "must be greater than zero");
    EXPECT_STR_EQ(rate_problem("-5", NULL), "must be greater than zero");
    EXPECT_STR_EQ(rate_problem("-0.5", NULL), "must be greater than zero");
    EXPECT_STR_EQ(rate_problem("92233720368.54775808", NULL), "is too large");
    EXPECT_STR_EQ(rate_problem("99999999999999999999", NULL), "is too large");
}

TEST(currency_rates_format_without_trailing_zeros)
{
    EXPECT_STR_EQ(rate_text(INT64_C(9250000000)), "92.5");
    EXPECT_STR_EQ(rate_text(CURRENCY_RATE_ONE), "1");
    EXPECT_STR_EQ(rate_text(1250000), "0.0125");
    EXPECT_STR_EQ(rate_text(1), "0.00000001");
    EXPECT_STR_EQ(rate_text(INT64_C(1000000000000)), "10000");
    EXPECT_STR_EQ(rate_text(INT64_MAX), "92233720368.54775807");
}

TEST(currency_dates_are_real_calendar_days_written_the_iso_way)
{
    char date[CLOCK_DATE_LEN + 1];
    EXPECT_STR_EQ(date_problem("2024-02-29", date), "");
    EXPECT_STR_EQ(date, "2024-02-29");
    EXPECT_STR_EQ(date_problem(" 2026-03-01 ", date), "");
    EXPECT_STR_EQ(date, "2026-03-01");
    EXPECT_STR_EQ(date_problem("2026-02-29", date), "must be a date like 2026-03-01");
    EXPECT_STR_EQ(date_problem("01.03.2026", date), "must be a date like 2026-03-01");
    EXPECT_STR_EQ(date_problem("2026-3-1", date), "must be a date like 2026-03-01");
    EXPECT_STR_EQ(date_problem("2026-03-01T10:00:00Z", date), "must be a date like 2026-03-01");
    EXPECT_STR_EQ(date_problem("", date), "is required");
}

TEST(currency_converts_between_two_decimal_currencies)
{
    /* 10.50 USD at 92.5 = 971.25 RUB. */
    EXPECT_INT_EQ(convert(1050, "USD", "RUB", "92.5"), 97125);
    EXPECT_INT_EQ(convert(-1050, "USD", "RUB", "92.5"), -97125);
    /* 0.01 USD at 0.925 = 0.00925 -> 0.01; at 0.5 = 0.005 -> 0.00 (half to even). */
    EXPECT_INT_EQ(convert(1, "USD", "EUR", "0.925"), 1);
    EXPECT_INT_EQ(convert(1, "USD", "EUR", "0.5"), 0);
    EXPECT_INT_EQ(convert(3, "USD", "EUR", "0.5"), 2);
}

TEST(currency_converts_to_and_from_zero_decimal_yen)
{
    /* 1000 JPY at 0.0061 = 6.10 EUR. */
    EXPECT_INT_EQ(convert(1000, "JPY", "EUR", "0.0061"), 610);
    /* 10.00 EUR at 161.235 = 1612.35 JPY -> 1612. */
    EXPECT_INT_EQ(convert(1000, "EUR", "JPY", "161.235"), 1612);
    /* Halves go to the even yen: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2. */
    EXPECT_INT_EQ(convert(10, "EUR", "JPY", "5"), 0);
    EXPECT_INT_EQ(convert(30, "EUR", "JPY", "5"), 2);
    EXPECT_INT_EQ(convert(50, "EUR", "JPY", "5"), 2);
}

TEST(currency_converts_to_and_from_three_decimal_dinars)
{
    /* 1.001 KWD at 3.25 = 3.25325 USD -> 3.25. */
    EXPECT_INT_EQ(convert(1001, "KWD", "USD", "3.25"), 325);
    /* 0.002 KWD at 2.5 = 0.005 USD -> 0.00; 0.006 KWD = 0.015 USD -> 0.02. */
    EXPECT_INT_EQ(convert(2, "KWD", "USD", "2.5"), 0);
    EXPECT_INT_EQ(convert(6, "KWD", "USD", "2.5"), 2);
    /* 100.00 USD at 0.376 = 37.600 BHD. */
    EXPECT_INT_EQ(convert(10000, "USD", "BHD", "0.376"), 37600);
    /* 0.01 USD at 0.37654321 = 0.0037654321 BHD -> 0.004. */
    EXPECT_INT_EQ(convert(1, "USD", "BHD", "0.37654321"), 4);
}

TEST(currency_conversion_rounds_once_not_at_each_exponent)
{
    /* 0.001 KWD at 500.5 = 0.5005 JPY: 1 yen. Rounding to 3 places first would give 0.500 -> 0. */
    EXPECT_INT_EQ(convert(1, "KWD", "JPY", "500.5"), 1);
}

TEST(currency_converts_the_base_to_itself_at_one)
{
    EXPECT_INT_EQ(convert(12345, "EUR", "EUR", "1"), 12345);
    EXPECT_INT_EQ(convert(12345, "JPY", "JPY", "1"), 12345);
    EXPECT_INT_EQ(convert(-12345, "KWD", "KWD", "1"), -12345);
    EXPECT_INT_EQ(convert(INT64_MAX, "USD", "USD", "1"), INT64_MAX);
}

TEST(currency_conversion_reports_overflow_and_unknown_codes)
{
    struct err err;
    int64_t out = -777;
    err_clear(&err);
    EXPECT_INT_EQ(
        currency_convert(INT64_MAX, STR_LIT("USD"), STR_LIT("RUB"), rate_of("92.5"), &out, &err),
        -ERR_VALIDATION);
    EXPECT_CONTAINS(err.detail, "too large");
    EXPECT_INT_EQ(out, -777);
    err_clear(&err);
    EXPECT_INT_EQ(currency_convert(100, STR_LIT("XYZ"), STR_LIT("RUB"), rate_of("1"), &out, &err),
                  -ERR_VALIDATION);
    EXPECT_CONTAINS(err.detail, "XYZ");
    err_clear(&err);
    EXPECT_INT_EQ(currency_convert(100, STR_LIT("USD"), STR_LIT("RUB"), 0, &out, &err),
                  -ERR_VALIDATION);
}

/* The field error parsing amount in currency gives, or "" with *minor set. */
static const char *amount_problem(const char *text, const char *currency, int64_t *minor)
{
    static struct err err;
    err_clear(&err);
    if (currency_amount_parse(str_from_cstr(text), str_from_cstr(currency), minor, "amount",
                              &err) == 0)
        return "";
    EXPECT_STR_EQ(err.fields[0].field, "amount");
    return err.fields[0].message;
}

TEST(currency_amounts_parse_into_minor_units_of_their_currency)
{
    int64_t minor = 0;
    EXPECT_STR_EQ(amount_problem("10.50", "USD", &minor), "");
    EXPECT_INT_EQ(minor, 1050);
    EXPECT_STR_EQ(amount_problem(" 10.5 ", "USD", &minor), "");
    EXPECT_INT_EQ(minor, 1050);
    EXPECT_STR_EQ(amount_problem("-3", "USD", &minor), "");
    EXPECT_INT_EQ(minor, -300);
    EXPECT_STR_EQ(amount_problem("1050", "JPY", &minor), "");
    EXPECT_INT_EQ(minor, 1050);
    EXPECT_STR_EQ(amount_problem("1.234", "KWD", &minor), "");
    EXPECT_INT_EQ(minor, 1234);
}

TEST(currency_amounts_refuse_more_decimals_than_the_currency_has)
{
    int64_t minor = 0;
    EXPECT_STR_EQ(amount_problem("10.505", "USD", &minor),
                  "must have at most 2 decimal places for USD");
    EXPECT_STR_EQ(amount_problem("1.2345", "BHD", &minor),
                  "must have at most 3 decimal places for BHD");
    EXPECT_STR_EQ(amount_problem("10.5", "JPY", &minor),
                  "must be a whole number: JPY has no minor unit");
}

TEST(currency_amounts_refuse_a_decimal_comma_and_other_shapes)
{
    int64_t minor = 0;
    EXPECT_CONTAINS(amount_problem("12,5", "EUR", &minor), "must be a decimal number like 10.50");
    EXPECT_CONTAINS(amount_problem("12,5", "EUR", &minor), "not a comma");
    EXPECT_STR_EQ(amount_problem("1e3", "JPY", &minor), "must be a decimal number like 1050");
    EXPECT_STR_EQ(amount_problem("", "EUR", &minor), "is required");
    EXPECT_STR_EQ(amount_problem("92233720368547758.08", "EUR", &minor), "is too large");
}
