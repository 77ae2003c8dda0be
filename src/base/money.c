/*
 * Money and fixed-point decimals. Amounts are int64 counts of 10^-scale
 * units; scales run from 0 to 18 (10^18 is the largest power of ten in an
 * int64). Products are formed in 128 bits, divided with an explicit rounding
 * mode applied to the magnitude (so negative values round symmetrically), and
 * range-checked on the way back to 64 bits.
 */
#include "base/money.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/err.h"

#define DECIMAL_MAX_SCALE 18

__extension__ typedef __int128 money_i128;
__extension__ typedef unsigned __int128 money_u128;

struct currency_row {
    char code[4];
    unsigned char exponent;
};

/* ISO 4217 minor-unit exponents. Codes not listed are unknown. */
/* clang-format off */
static const struct currency_row currency_table[] = {
    /* Exponent 0. */
    {"BIF", 0}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"ISK", 0}, {"JPY", 0}, {"KMF", 0},
    {"KRW", 0}, {"PYG", 0}, {"RWF", 0}, {"UGX", 0}, {"VND", 0}, {"VUV", 0}, {"XAF", 0},
    {"XOF", 0}, {"XPF", 0},
    /* Exponent 3. */
    {"BHD", 3}, {"IQD", 3}, {"JOD", 3}, {"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"TND", 3},
    /* Exponent 2. */
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2},
    {"AUD", 2}, {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2},
    {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHF", 2}, {"CNY", 2}, {"COP", 2},
    {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2},
    {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2},
    {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2},
    {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IRR", 2},
    {"JMD", 2}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KPW", 2}, {"KYD", 2}, {"KZT", 2},
    {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"MAD", 2}, {"MDL", 2},
    {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2},
    {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2},
    {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2},
    {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2},
    {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2}, {"SHP", 2},
    {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SYP", 2}, {"SZL", 2},
    {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2},
    {"TZS", 2}, {"UAH", 2}, {"USD", 2}, {"UYU", 2}, {"UZS", 2}, {"VES", 2}, {"WST", 2},
    {"XCD", 2}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWL", 2},
};
/* clang-format on */

static const int64_t pow10_table[DECIMAL_MAX_SCALE + 1] = {
    INT64_C(1),
    INT64_C(10),
    INT64_C(100),
    INT64_C(1000),
    INT64_C(10000),
    INT64_C(100000),
    INT64_C(1000000),
    INT64_C(10000000),
    INT64_C(100000000),
    INT64_C(1000000000),
    INT64_C(10000000000),
    INT64_C(100000000000),
    INT64_C(1000000000000),
    INT64_C(10000000000000),
    INT64_C(100000000000000),
    INT64_C(1000000000000000),
    INT64_C(10000000000000000),
    INT64_C(100000000000000000),
    INT64_C(1000000000000000000),
};

static bool decimal_scale_ok(int scale)
{
    return scale >= 0 && scale <= DECIMAL_MAX_SCALE;
}

int currency_exponent(struct str code)
{
    for (size_t i = 0; i < sizeof(currency_table) / sizeof(currency_table[0]); i++) {
        if (str_eq_cstr(code, currency_table[i].code))
            return currency_table[i].exponent;
    }
    return -ERR_VALIDATION;
}

size_t currency_count(void)
{
    return sizeof(currency_table) / sizeof(currency_table[0]);
}

const char *currency_code_at(size_t i, int *exponent_out)
{
    if (i >= currency_count())
        return NULL;
    *exponent_out = currency_table[i].exponent;
    return currency_table[i].code;
}

int decimal_parse(struct str text, int scale, int64_t *out)
{
    /* Magnitude limit: INT64_MAX, or one more for a negative value. */
    money_u128 mag = 0, limit;
    size_t i = 0, int_digits = 0, frac_digits = 0;
    bool negative = false;

    if (!decimal_scale_ok(scale))
        return -ERR_VALIDATION;
    if (text.len > 0 && text.ptr[0] == '-') {
        negative = true;
        i = 1;
    }
    limit = (money_u128)INT64_MAX + (negative ? 1 : 0);
    for (; i < text.len && text.ptr[i] >= '0' && text.ptr[i] <= '9'; i++, int_digits++) {
        mag = mag * 10 + (unsigned)(text.ptr[i] - '0');
        if (mag > limit)
            return -ERR_VALIDATION;
    }
    if (int_digits == 0)
        return -ERR_VALIDATION;
    if (i < text.len && text.ptr[i] == '.') {
        for (i++; i < text.len && text.ptr[i] >= '0' && text.ptr[i] <= '9'; i++, frac_digits++) {
            if ((int)frac_digits == scale)
                return -ERR_VALIDATION;
            mag = mag * 10 + (unsigned)(text.ptr[i] - '0');
        }
        if (frac_digits == 0)
            return -ERR_VALIDATION;
    }
    if (i != text.len)
        return -ERR_VALIDATION;
    /* mag < 2^63 * 10^18 here, and the scaling below multiplies by at most 10^18. */
    mag *= (money_u128)pow10_table[scale - (int)frac_digits];
    if (mag > limit)
        return -ERR_VALIDATION;
    *out = negative ? (int64_t)(-(money_i128)mag) : (int64_t)mag;
    return 0;
}

int decimal_format(int64_t value, int scale, char *out, size_t out_size)
{
    if (!decimal_scale_ok(scale))
        return -ERR_VALIDATION;
    uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    uint64_t unit = (uint64_t)pow10_table[scale];
    const char *sign = value < 0 ? "-" : "";
    int n;
    if (scale == 0)
        n = snprintf(out, out_size, "%s%" PRIu64, sign, mag);
    else
        n = snprintf(out, out_size, "%s%" PRIu64 ".%0*" PRIu64, sign, mag / unit, scale,
                     mag % unit);
    if (n < 0 || (size_t)n >= out_size)
        return -ERR_TOO_LARGE;
    return n;
}

int money_parse(struct str text, struct str currency, int64_t *minor_out)
{
    int exponent = currency_exponent(currency);
    if (exponent < 0)
        return exponent;
    return decimal_parse(text, exponent, minor_out);
}

int money_format(int64_t minor, struct str currency, char *out, size_t out_size)
{
    int exponent = currency_exponent(currency);
    if (exponent < 0)
        return exponent;
    return decimal_format(minor, exponent, out, out_size);
}

int money_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return -ERR_VALIDATION;
    *out = r;
    return 0;
}

int money_sub(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return -ERR_VALIDATION;
    *out = r;
    return 0;
}

/*
 * n / den rounded under mode, den > 0. The remainder is judged on magnitudes
 * so that -2.5 rounds to -3 (half up) or -2 (half even), mirroring 2.5.
 */
static money_i128 decimal_div_round(money_i128 n, money_i128 den, enum rounding mode)
{
    money_i128 q = n / den, r = n % den; /* truncated toward zero */
    money_i128 twice = (r < 0 ? -r : r) * 2;
    bool away;
    if (twice > den)
        away = true;
    else if (twice < den)
        away = false;
    else if (mode == ROUND_HALF_EVEN)
        away = q % 2 != 0;
    else
        away = true;
    if (away)
        q += n < 0 ? -1 : 1;
    return q;
}

static int decimal_narrow(money_i128 v, int64_t *out)
{
    if (v > INT64_MAX || v < INT64_MIN)
        return -ERR_VALIDATION;
    *out = (int64_t)v;
    return 0;
}

int money_mul_ratio(int64_t value, int64_t num, int64_t den, enum rounding mode, int64_t *out)
{
    if (den <= 0)
        return -ERR_VALIDATION;
    money_i128 product = (money_i128)value * num; /* |product| <= 2^126 */
    return decimal_narrow(decimal_div_round(product, den, mode), out);
}

int decimal_rescale(int64_t value, int from_scale, int to_scale, enum rounding mode, int64_t *out)
{
    if (!decimal_scale_ok(from_scale) || !decimal_scale_ok(to_scale))
        return -ERR_VALIDATION;
    if (to_scale >= from_scale)
        return decimal_narrow((money_i128)value * pow10_table[to_scale - from_scale], out);
    return decimal_narrow(decimal_div_round(value, pow10_table[from_scale - to_scale], mode), out);
}
