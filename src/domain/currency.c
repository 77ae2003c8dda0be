/*
 * Currency rules: the checks on codes, dates and rates that the API and
 * the CSV import share, and conversion through base/money.h's 128-bit
 * ratio with banker's rounding.
 */
#include "domain/currency.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "base/money.h"

static bool currency_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int currency_code_parse(struct str text, char out[CURRENCY_CODE_LEN + 1], const char *field,
                        struct err *err)
{
    struct str code = str_trim(text);
    if (code.len == 0)
        return err_field(err, field, "is required");
    if (code.len != CURRENCY_CODE_LEN)
        return err_field(err, field, "must be a three-letter ISO 4217 code like EUR");
    for (size_t i = 0; i < CURRENCY_CODE_LEN; i++) {
        char c = code.ptr[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return err_field(err, field, "must be a three-letter ISO 4217 code like EUR");
        out[i] = c;
    }
    out[CURRENCY_CODE_LEN] = '\0';
    if (currency_exponent(str_from_cstr(out)) < 0)
        return err_field(err, field, "is not a currency this server knows (%s)", out);
    return 0;
}

/*
 * Whether text is an optional '-', digits and optionally '.' and digits;
 * counts the decimals. Adds "must be a decimal number like <example>" to
 * err otherwise (with a hint when a comma suggests a decimal comma or
 * grouping).
 */
static bool currency_decimal_shape(struct str text, const char *example, bool *negative,
                                   size_t *frac_digits, const char *field, struct err *err)
{
    size_t i = 0, int_digits = 0;
    bool well_formed;
    *negative = false;
    *frac_digits = 0;
    if (text.len > 0 && text.ptr[0] == '-') {
        *negative = true;
        i++;
    }
    for (; i < text.len && currency_is_digit(text.ptr[i]); i++)
        int_digits++;
    if (i < text.len && text.ptr[i] == '.') {
        for (i++; i < text.len && currency_is_digit(text.ptr[i]); i++)
            (*frac_digits)++;
        well_formed = int_digits > 0 && *frac_digits > 0 && i == text.len;
    } else {
        well_formed = int_digits > 0 && i == text.len;
    }
    if (well_formed)
        return true;
    if (memchr(text.ptr, ',', text.len) != NULL)
        err_field(err, field,
                  "must be a decimal number like %s (a point, not a comma, before the decimals; "
                  "no thousands separators)",
                  example);
    else
        err_field(err, field, "must be a decimal number like %s", example);
    return false;
}

int currency_rate_parse(struct str text, int64_t *scaled_out, const char *field, struct err *err)
{
    struct str rate = str_trim(text);
    bool negative;
    size_t frac_digits;
    if (rate.len == 0)
        return err_field(err, field, "is required");
    if (!currency_decimal_shape(rate, "92.5", &negative, &frac_digits, field, err))
        return -ERR_VALIDATION;
    if (negative)
        return err_field(err, field, "must be greater than zero");
    if (frac_digits > CURRENCY_RATE_SCALE)
        return err_field(err, field, "must have at most %d decimal places", CURRENCY_RATE_SCALE);
    int64_t scaled = 0;
    if (decimal_parse(rate, CURRENCY_RATE_SCALE, &scaled) < 0)
        return err_field(err, field, "is too large");
    if (scaled == 0)
        return err_field(err, field, "must be greater than zero");
    *scaled_out = scaled;
    return 0;
}

int currency_amount_parse(struct str text, struct str currency, int64_t *minor_out,
                          const char *field, struct err *err)
{
    struct str amount = str_trim(text);
    bool negative;
    size_t frac_digits;
    int exponent = currency_exponent(currency);
    if (exponent < 0)
        return err_set(err, ERR_VALIDATION, "unknown currency %.*s", (int)currency.len,
                       currency.ptr);
    if (amount.len == 0)
        return err_field(err, field, "is required");
    if (!currency_decimal_shape(amount, exponent == 0 ? "1050" : "10.50", &negative, &frac_digits,
                                field, err))
        return -ERR_VALIDATION;
    if (frac_digits > (size_t)exponent) {
        if (exponent == 0)
            return err_field(err, field, "must be a whole number: %.*s has no minor unit",
                             (int)currency.len, currency.ptr);
        return err_field(err, field, "must have at most %d decimal places for %.*s", exponent,
                         (int)currency.len, currency.ptr);
    }
    if (decimal_parse(amount, exponent, minor_out) < 0)
        return err_field(err, field, "is too large");
    return 0;
}

int currency_money_validate(const json_t *value, const char *path, bool allow_negative,
                            json_t **clean, int64_t *minor_out, struct err *err)
{
    const json_t *amount = json_object_get(value, "amount");
    const json_t *currency = json_object_get(value, "currency");
    *clean = NULL;
    if (!json_is_object(value) || json_object_size(value) != 2 || amount == NULL ||
        currency == NULL)
        return err_field(err, path, "must be {\"amount\": \"10.50\", \"currency\": \"EUR\"}");
    char code[CURRENCY_CODE_LEN + 1];
    if (!json_is_string(currency))
        return err_field(err, path, "must have a currency code such as EUR");
    int rc = currency_code_parse(str_from_cstr(json_string_value(currency)), code, path, err);
    if (rc < 0)
        return rc;
    if (!json_is_string(amount))
        return err_field(err, path, "must have its amount as a decimal string like \"10.50\"");
    int64_t minor;
    rc = currency_amount_parse(str_from_cstr(json_string_value(amount)), str_from_cstr(code),
                               &minor, path, err);
    if (rc < 0)
        return rc;
    if (minor < 0 && !allow_negative)
        return err_field(err, path, "must not be negative");
    *clean = currency_money_json(minor, code);
    *minor_out = minor;
    return 0;
}

json_t *currency_money_json(int64_t minor, const char *currency)
{
    char text[MONEY_TEXT_MAX];
    if (money_format(minor, str_from_cstr(currency), text, sizeof(text)) < 0)
        return json_null();
    return json_pack("{s:s,s:s}", "amount", text, "currency", currency);
}

void currency_rate_format(int64_t scaled, char out[CURRENCY_RATE_TEXT_MAX])
{
    int len = decimal_format(scaled, CURRENCY_RATE_SCALE, out, CURRENCY_RATE_TEXT_MAX);
    /* 20 digits, a point and a sign always fit in CURRENCY_RATE_TEXT_MAX. */
    if (len <= 0) {
        out[0] = '\0';
        return;
    }
    while (len > 0 && out[len - 1] == '0')
        len--;
    if (len > 0 && out[len - 1] == '.')
        len--;
    out[len] = '\0';
}

int currency_date_parse(struct str text, char out[CLOCK_DATE_LEN + 1], const char *field,
                        struct err *err)
{
    struct str date = str_trim(text);
    int64_t days;
    if (date.len == 0)
        return err_field(err, field, "is required");
    if (date.len != CLOCK_DATE_LEN || clock_parse_date(date.ptr, date.len, &days) < 0)
        return err_field(err, field, "must be a date like 2026-03-01");
    memcpy(out, date.ptr, CLOCK_DATE_LEN);
    out[CLOCK_DATE_LEN] = '\0';
    return 0;
}

int currency_convert(int64_t minor, struct str from, struct str to, int64_t rate_scaled,
                     int64_t *to_minor, struct err *err)
{
    int from_exponent = currency_exponent(from);
    int to_exponent = currency_exponent(to);
    if (from_exponent < 0 || to_exponent < 0)
        return err_set(err, ERR_VALIDATION, "unknown currency %.*s",
                       (int)(from_exponent < 0 ? from.len : to.len),
                       from_exponent < 0 ? from.ptr : to.ptr);
    if (rate_scaled <= 0)
        return err_set(err, ERR_VALIDATION, "a rate must be greater than zero");
    /* Exponents run from 0 to 3, so the shift is 5..11 and 10^shift fits easily. */
    int shift = CURRENCY_RATE_SCALE + from_exponent - to_exponent;
    assert(shift >= 0 && shift <= 18);
    int64_t den = 1;
    for (int i = 0; i < shift; i++)
        den *= 10;
    if (money_mul_ratio(minor, rate_scaled, den, ROUND_HALF_EVEN, to_minor) < 0)
        return err_set(err, ERR_VALIDATION, "the converted amount is too large");
    return 0;
}
