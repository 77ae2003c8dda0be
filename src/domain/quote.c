/*
 * Quote totals (see quote.h for what every number means): line amounts in
 * a working unit -- the minor unit when rounding per line, a millionth of it
 * when rounding only the totals -- in 128-bit integers, the quote discount
 * spread by largest remainder, and the request body read field by field.
 *
 * DESIGN: the gross of a line is checked to be at most INT64_MAX minor
 * units, so a line value is below 2^63 * 10^6 working units (about 9.2e24)
 * and a sum of QUOTE_MAX_LINES lines below 5e27. Every product below
 * multiplies such a value by at most 2 * 10^6, which stays far below 2^127,
 * so the only checked steps are the gross and the narrowing of results back
 * to int64. The one product of two amounts, share = discount * after /
 * base, goes through quote_mul_div. All amounts are >= 0 throughout.
 */
#include "domain/quote.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "domain/currency.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Working units per minor unit when only the totals are rounded. */
#define QUOTE_FINE_UNITS INT64_C(1000000)
#define QUOTE_PATH_MAX 64
#define QUOTE_NO_LINE SIZE_MAX /* a key of the quote itself */

__extension__ typedef __int128 quote_wide;
__extension__ typedef unsigned __int128 quote_uwide;

/* A line while it is computed, in working units. */
struct quote_lane {
    quote_wide after; /* gross - discount: what the line gives to the quote discount's base */
    quote_wide share; /* its share of the quote discount */
};

/* A line's place in the largest-remainder queue. */
struct quote_rank {
    quote_uwide remainder;
    size_t index;
};

static const char *const level_names[] = {
    [QUOTE_ROUND_LINES] = "line", [QUOTE_ROUND_TOTALS] = "total"};
static const char *const mode_names[] = {
    [ROUND_HALF_UP] = "half_up", [ROUND_HALF_EVEN] = "half_even"};

const char *quote_rounding_level_name(enum quote_rounding_level level)
{
    return (size_t)level < COUNT(level_names) ? level_names[level] : "line";
}

const char *quote_rounding_mode_name(enum rounding mode)
{
    return (size_t)mode < COUNT(mode_names) ? mode_names[mode] : "half_up";
}

void quote_settings_init(struct quote_settings *settings, const char *currency)
{
    memset(settings, 0, sizeof(*settings));
    size_t len = strlen(currency);
    if (len >= sizeof(settings->currency))
        len = sizeof(settings->currency) - 1;
    memcpy(settings->currency, currency, len);
    settings->prices_include_tax = false;
    settings->rounding_level = QUOTE_ROUND_LINES;
    settings->rounding_mode = ROUND_HALF_UP;
    settings->discount.kind = QUOTE_DISCOUNT_NONE;
}

/* ---- arithmetic ---- */

/* n / den rounded to a whole number under mode; n >= 0, den > 0. */
static quote_wide quote_div_round(quote_wide n, quote_wide den, enum rounding mode)
{
    assert(n >= 0 && den > 0);
    quote_wide q = n / den, twice_r = 2 * (n % den);
    if (twice_r > den || (twice_r == den && (mode == ROUND_HALF_UP || q % 2 != 0)))
        q++;
    return q;
}

/*
 * floor(a * b / c) and its remainder, for a, b <= c < 2^126. Products that
 * fit in 128 bits are divided directly; others are built one bit of a at a
 * time, reduced modulo c at each step (the quotient never exceeds b).
 */
static quote_uwide quote_mul_div(quote_uwide a, quote_uwide b, quote_uwide c,
                                 quote_uwide *remainder)
{
    quote_uwide product;
    if (!__builtin_mul_overflow(a, b, &product)) {
        *remainder = product % c;
        return product / c;
    }
    assert(a <= c && b <= c && (c >> 126) == 0);
    quote_uwide q = 0, r = 0;
    for (int bit = 127; bit >= 0; bit--) {
        /* Invariant: (a >> bit) * b == q * c + r with r < c. */
        q <<= 1;
        r <<= 1;
        if (r >= c) {
            r -= c;
            q++;
        }
        if ((a >> bit) & 1) {
            r += b;
            if (r >= c) {
                r -= c;
                q++;
            }
        }
    }
    *remainder = r;
    return q;
}

/* Working units back to minor units, rounded; false when that does not fit in 64 bits. */
static bool quote_to_minor(quote_wide value, quote_wide unit, enum rounding mode, int64_t *out)
{
    quote_wide minor = quote_div_round(value, unit, mode);
    if (minor > INT64_MAX)
        return false;
    *out = (int64_t)minor;
    return true;
}

/* price x quantity in working units. quote_line_amounts_check() has bounded it. */
static quote_wide quote_line_gross(const struct quote_line_input *line, quote_wide unit,
                                   enum rounding mode)
{
    quote_wide exact = (quote_wide)line->price_minor * line->quantity; /* x 10^4 */
    return quote_div_round(exact * unit, QUOTE_QUANTITY_ONE, mode);
}

/* The line discount in working units, at most gross. */
static quote_wide quote_line_discount(const struct quote_line_input *line, quote_wide gross,
                                      quote_wide unit, enum rounding mode)
{
    switch (line->discount.kind) {
    case QUOTE_DISCOUNT_PERCENT:
        return quote_div_round(gross * line->discount.value, QUOTE_PERCENT_HUNDRED, mode);
    case QUOTE_DISCOUNT_AMOUNT:
        return (quote_wide)line->discount.value * unit;
    case QUOTE_DISCOUNT_NONE:
        break;
    }
    return 0;
}

/* The tax-exclusive part of a tax-inclusive amount: amount / (1 + rate / 100), rounded. */
static quote_wide quote_tax_exclude(quote_wide amount, int64_t tax_rate, enum rounding mode)
{
    return quote_div_round(amount * QUOTE_PERCENT_HUNDRED, QUOTE_PERCENT_HUNDRED + tax_rate, mode);
}

static int quote_rank_compare(const void *a, const void *b)
{
    const struct quote_rank *x = a, *y = b;
    if (x->remainder != y->remainder)
        return x->remainder > y->remainder ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index ? 1 : 0);
}

/*
 * Spreads discount (<= base) over the lanes in proportion to their after:
 * each gets floor(discount * after / base), and the units left over (fewer
 * than n) go one each to the largest remainders, earlier lines first on a
 * tie. The shares add up exactly to discount and none exceeds its after.
 */
static void quote_discount_spread(struct quote_lane *lanes, size_t n, quote_wide base,
                                  quote_wide discount, struct quote_rank *ranks)
{
    quote_wide given = 0;
    for (size_t i = 0; i < n; i++) {
        lanes[i].share = 0;
        ranks[i].remainder = 0;
        ranks[i].index = i;
    }
    if (discount == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        lanes[i].share =
            (quote_wide)quote_mul_div((quote_uwide)discount, (quote_uwide)lanes[i].after,
                                      (quote_uwide)base, &ranks[i].remainder);
        given += lanes[i].share;
    }
    quote_wide left = discount - given;
    assert(left >= 0 && left < (quote_wide)n + 1);
    if (left == 0)
        return;
    qsort(ranks, n, sizeof(ranks[0]), quote_rank_compare);
    for (size_t k = 0; k < (size_t)left; k++)
        lanes[ranks[k].index].share++;
}

/* ---- range checks, shared by the parser and quote_compute ---- */

/*
 * Adds a field error on key of lines[line] ("lines[2].quantity"), on the
 * line itself when key is NULL, or on a key of the quote when line is
 * QUOTE_NO_LINE; the path is written only then. Returns false.
 */
static bool quote_problem(struct err *err, size_t line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool quote_problem(struct err *err, size_t line, const char *key, const char *fmt, ...)
{
    char path[QUOTE_PATH_MAX], message[sizeof(err->fields[0].message)];
    va_list ap;
    if (line == QUOTE_NO_LINE)
        snprintf(path, sizeof(path), "%s", key);
    else if (key == NULL)
        snprintf(path, sizeof(path), "lines[%zu]", line);
    else
        snprintf(path, sizeof(path), "lines[%zu].%s", line, key);
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    err_field(err, path, "%s", message);
    return false;
}

static bool quote_percent_check(int64_t percent, size_t line, const char *key, struct err *err)
{
    if (percent >= 0 && percent <= QUOTE_PERCENT_HUNDRED)
        return true;
    return quote_problem(err, line, key, "must be from 0 to 100");
}

static bool quote_quantity_check(int64_t quantity, size_t line, struct err *err)
{
    if (quantity > 0)
        return true;
    return quote_problem(err, line, "quantity", "must be greater than zero");
}

static bool quote_amount_check(int64_t minor, size_t line, const char *key, struct err *err)
{
    if (minor >= 0)
        return true;
    return quote_problem(err, line, key, "must not be negative");
}

static bool quote_discount_check(const struct quote_discount *discount, size_t line,
                                 struct err *err)
{
    switch (discount->kind) {
    case QUOTE_DISCOUNT_PERCENT:
        return quote_percent_check(discount->value, line, "discount_percent", err);
    case QUOTE_DISCOUNT_AMOUNT:
        return quote_amount_check(discount->value, line, "discount_amount", err);
    case QUOTE_DISCOUNT_NONE:
        return true;
    }
    assert(!"a discount kind");
    return false;
}

/* minor as currency text for a message ("21.00"); "" when it cannot be formatted. */
static void quote_amount_text(int64_t minor, const char *currency, char out[MONEY_TEXT_MAX])
{
    if (money_format(minor, str_from_cstr(currency), out, MONEY_TEXT_MAX) < 0)
        out[0] = '\0';
}

/*
 * The rules between a line's valid fields: price x quantity fits in 64 bits
 * of minor units, and a discount amount is not above it.
 */
static bool quote_line_amounts_check(const struct quote_line_input *line, size_t index,
                                     const char *currency, struct err *err)
{
    quote_wide exact = (quote_wide)line->price_minor * line->quantity; /* < 2^126 */
    if (exact > (quote_wide)INT64_MAX * QUOTE_QUANTITY_ONE)
        return quote_problem(err, index, NULL, "price x quantity is too large");
    if (line->discount.kind == QUOTE_DISCOUNT_AMOUNT &&
        (quote_wide)line->discount.value * QUOTE_QUANTITY_ONE > exact) {
        char text[MONEY_TEXT_MAX];
        quote_amount_text((int64_t)(exact / QUOTE_QUANTITY_ONE), currency, text);
        return quote_problem(err, index, "discount_amount",
                             "must not be above the line's gross amount (%s)", text);
    }
    return true;
}

static bool quote_line_check(const struct quote_line_input *line, size_t index,
                             const char *currency, struct err *err)
{
    bool ok = quote_amount_check(line->price_minor, index, "price", err);
    ok = quote_quantity_check(line->quantity, index, err) && ok;
    ok = quote_percent_check(line->tax_rate, index, "tax_rate", err) && ok;
    ok = quote_discount_check(&line->discount, index, err) && ok;
    return ok && quote_line_amounts_check(line, index, currency, err);
}

/* ---- the computation ---- */

/* Sums over the lines, in working units. */
struct quote_sums {
    quote_wide gross_net;  /* tax-exclusive gross */
    quote_wide before_net; /* tax-exclusive, after line discounts, before the quote discount */
    quote_wide quote_net;  /* tax-exclusive quote discount */
    quote_wide tax;
    quote_wide total;
};

/* One line's results from its lane; adds its tax-exclusive figures to sums. */
static bool quote_line_finish(const struct quote_settings *settings,
                              const struct quote_line_input *line, const struct quote_lane *lane,
                              quote_wide unit, struct quote_sums *sums,
                              struct quote_line_result *out)
{
    enum rounding mode = settings->rounding_mode;
    quote_wide gross = quote_line_gross(line, unit, mode);
    quote_wide left = lane->after - lane->share; /* price basis, after both discounts */
    quote_wide gross_net, before_net, net, tax, total;
    if (settings->prices_include_tax) {
        gross_net = quote_tax_exclude(gross, line->tax_rate, mode);
        before_net = quote_tax_exclude(lane->after, line->tax_rate, mode);
        net = quote_tax_exclude(left, line->tax_rate, mode);
        total = left;
        tax = total - net;
    } else {
        gross_net = gross;
        before_net = lane->after;
        net = left;
        tax = quote_div_round(net * line->tax_rate, QUOTE_PERCENT_HUNDRED, mode);
        total = net + tax;
    }
    sums->gross_net += gross_net;
    sums->before_net += before_net;
    sums->quote_net += before_net - net;
    sums->tax += tax;
    sums->total += total;
    return quote_to_minor(gross, unit, mode, &out->gross_minor) &&
           quote_to_minor(gross - lane->after, unit, mode, &out->discount_minor) &&
           quote_to_minor(lane->share, unit, mode, &out->quote_discount_minor) &&
           quote_to_minor(net, unit, mode, &out->net_minor) &&
           quote_to_minor(tax, unit, mode, &out->tax_minor) &&
           quote_to_minor(total, unit, mode, &out->total_minor);
}

/* The totals from the sums (see "Rounding" in quote.h). */
static bool quote_totals_finish(const struct quote_settings *settings,
                                const struct quote_sums *sums, quote_wide unit,
                                struct quote_totals *totals)
{
    enum rounding mode = settings->rounding_mode;
    quote_wide tax = quote_div_round(sums->tax, unit, mode);
    quote_wide quote_discount = quote_div_round(sums->quote_net, unit, mode);
    quote_wide line_discount = quote_div_round(sums->gross_net - sums->before_net, unit, mode);
    quote_wide subtotal, total;
    if (settings->prices_include_tax) {
        total = quote_div_round(sums->total, unit, mode);
        subtotal = total - tax + quote_discount;
    } else {
        subtotal = quote_div_round(sums->before_net, unit, mode);
        total = subtotal - quote_discount + tax;
    }
    quote_wide discount_total = line_discount + quote_discount;
    const quote_wide values[] = {subtotal,       line_discount, quote_discount,
                                 discount_total, tax,           total};
    int64_t *outs[] = {&totals->subtotal_minor,       &totals->line_discount_minor,
                       &totals->quote_discount_minor, &totals->discount_total_minor,
                       &totals->tax_total_minor,      &totals->total_minor};
    for (size_t i = 0; i < COUNT(values); i++) {
        assert(values[i] >= 0);
        if (values[i] > INT64_MAX)
            return false;
        *outs[i] = (int64_t)values[i];
    }
    return true;
}

int quote_compute(const struct quote_settings *settings, const struct quote_line_input *lines,
                  size_t n, struct quote_line_result *out_lines, struct quote_totals *totals,
                  struct err *err)
{
    struct quote_lane lanes[QUOTE_MAX_LINES];
    struct quote_rank ranks[QUOTE_MAX_LINES];
    struct quote_sums sums = {0};
    enum rounding mode = settings->rounding_mode;
    bool ok = true;

    assert(settings->rounding_level == QUOTE_ROUND_LINES ||
           settings->rounding_level == QUOTE_ROUND_TOTALS);
    assert(mode == ROUND_HALF_UP || mode == ROUND_HALF_EVEN);
    if (currency_exponent(str_from_cstr(settings->currency)) < 0)
        return err_field(err, "currency", "is not a currency this server knows (%s)",
                         settings->currency);
    if (n > QUOTE_MAX_LINES)
        return err_field(err, "lines", "must have at most %d lines", QUOTE_MAX_LINES);
    ok = quote_discount_check(&settings->discount, QUOTE_NO_LINE, err);
    for (size_t i = 0; i < n; i++)
        ok = quote_line_check(&lines[i], i, settings->currency, err) && ok;
    if (!ok)
        return -ERR_VALIDATION;

    quote_wide unit = settings->rounding_level == QUOTE_ROUND_LINES ? 1 : QUOTE_FINE_UNITS;
    quote_wide base = 0;
    for (size_t i = 0; i < n; i++) {
        quote_wide gross = quote_line_gross(&lines[i], unit, mode);
        lanes[i].after = gross - quote_line_discount(&lines[i], gross, unit, mode);
        base += lanes[i].after;
    }

    quote_wide quote_discount = 0;
    if (settings->discount.kind == QUOTE_DISCOUNT_PERCENT) {
        quote_discount =
            quote_div_round(base * settings->discount.value, QUOTE_PERCENT_HUNDRED, mode);
    } else if (settings->discount.kind == QUOTE_DISCOUNT_AMOUNT) {
        quote_discount = (quote_wide)settings->discount.value * unit;
        if (quote_discount > base) {
            char text[MONEY_TEXT_MAX] = "";
            quote_wide floor_minor = base / unit;
            if (floor_minor <= INT64_MAX)
                quote_amount_text((int64_t)floor_minor, settings->currency, text);
            return err_field(err, "discount_amount",
                             "must not be above the quote's amount after line discounts (%s)",
                             text);
        }
    }
    quote_discount_spread(lanes, n, base, quote_discount, ranks);

    for (size_t i = 0; i < n; i++) {
        if (!quote_line_finish(settings, &lines[i], &lanes[i], unit, &sums, &out_lines[i])) {
            quote_problem(err, i, NULL, "the line's amounts are too large");
            return -ERR_VALIDATION;
        }
    }
    if (!quote_totals_finish(settings, &sums, unit, totals))
        return err_field(err, "lines", "the quote's amounts are too large");
    return 0;
}

/* ---- the request body ---- */

/* A JSON value that counts as given: present and not null. */
static const json_t *quote_given(const json_t *object, const char *key)
{
    const json_t *value = json_object_get(object, key);
    return json_is_null(value) ? NULL : value;
}

static bool quote_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * A decimal with up to QUOTE_DECIMAL_SCALE places, scaled by 10^4, from a
 * string ("2.5", surrounding spaces dropped, an optional '-') or a JSON
 * integer, for key of lines[line]. Field errors: "must be a decimal number
 * like <example>" (with a hint for a decimal comma), "must have at most 4
 * decimal places", "is too large".
 */
static bool quote_decimal_read(const json_t *value, const char *example, size_t line,
                               const char *key, int64_t *out, struct err *err)
{
    if (json_is_integer(value)) {
        json_int_t v = json_integer_value(value);
        if (v > INT64_MAX / QUOTE_QUANTITY_ONE || v < INT64_MIN / QUOTE_QUANTITY_ONE)
            return quote_problem(err, line, key, "is too large");
        *out = (int64_t)v * QUOTE_QUANTITY_ONE;
        return true;
    }
    if (json_is_real(value))
        return quote_problem(
            err, line, key,
            "must be a string like \"%s\" (a JSON number with decimals is not exact)", example);
    if (!json_is_string(value))
        return quote_problem(err, line, key, "must be a decimal number like %s", example);
    struct str text = str_trim((struct str){json_string_value(value), json_string_length(value)});
    size_t i = 0, int_digits = 0, frac_digits = 0;
    bool shaped;
    if (text.len > 0 && text.ptr[0] == '-')
        i++;
    for (; i < text.len && quote_is_digit(text.ptr[i]); i++)
        int_digits++;
    if (i < text.len && text.ptr[i] == '.') {
        for (i++; i < text.len && quote_is_digit(text.ptr[i]); i++)
            frac_digits++;
        shaped = frac_digits > 0;
    } else {
        shaped = true;
    }
    if (!shaped || int_digits == 0 || i != text.len) {
        if (text.len == 0)
            return quote_problem(err, line, key, "is required");
        if (memchr(text.ptr, ',', text.len) != NULL)
            return quote_problem(err, line, key,
                                 "must be a decimal number like %s (a point, not a comma, before "
                                 "the decimals; no thousands separators)",
                                 example);
        return quote_problem(err, line, key, "must be a decimal number like %s", example);
    }
    if (frac_digits > QUOTE_DECIMAL_SCALE)
        return quote_problem(err, line, key, "must have at most %d decimal places",
                             QUOTE_DECIMAL_SCALE);
    if (decimal_parse(text, QUOTE_DECIMAL_SCALE, out) < 0)
        return quote_problem(err, line, key, "is too large");
    return true;
}

/*
 * An amount of money for key of lines[line]: a decimal string in currency
 * (exponent its decimals), not negative.
 */
static bool quote_money_read(const json_t *value, const char *currency, int exponent, size_t line,
                             const char *key, int64_t *out, struct err *err)
{
    if (!json_is_string(value))
        return quote_problem(err, line, key, "must be a decimal string like \"%s\"",
                             exponent == 0 ? "1050" : "10.50");
    struct str text = str_trim((struct str){json_string_value(value), json_string_length(value)});
    /* decimal_parse takes what currency_amount_parse takes; the latter explains a refusal. */
    if (decimal_parse(text, exponent, out) < 0) {
        struct err problem;
        err_clear(&problem);
        currency_amount_parse(text, str_from_cstr(currency), out, "", &problem);
        return quote_problem(err, line, key, "%s",
                             problem.n_fields > 0 ? problem.fields[0].message : problem.detail);
    }
    return quote_amount_check(*out, line, key, err);
}

/*
 * A discount from discount_percent or discount_amount of lines[line] (or
 * of the quote), at most one of them. currency NULL (unknown): an amount is
 * not read.
 */
static bool quote_discount_read(const json_t *object, size_t line, const char *currency,
                                int exponent, struct quote_discount *out, struct err *err)
{
    const json_t *percent = quote_given(object, "discount_percent");
    const json_t *amount = quote_given(object, "discount_amount");
    out->kind = QUOTE_DISCOUNT_NONE;
    out->value = 0;
    if (percent != NULL && amount != NULL)
        return quote_problem(err, line, "discount_amount",
                             "cannot be given together with discount_percent");
    if (percent != NULL) {
        out->kind = QUOTE_DISCOUNT_PERCENT;
        return quote_decimal_read(percent, "10", line, "discount_percent", &out->value, err) &&
               quote_percent_check(out->value, line, "discount_percent", err);
    }
    if (amount != NULL) {
        out->kind = QUOTE_DISCOUNT_AMOUNT;
        return currency != NULL && quote_money_read(amount, currency, exponent, line,
                                                    "discount_amount", &out->value, err);
    }
    return true;
}

/* A required decimal (quantity, tax_rate) of lines[line]. */
static bool quote_line_decimal_read(const json_t *item, size_t line, const char *key,
                                    const char *example, int64_t *out, struct err *err)
{
    const json_t *value = quote_given(item, key);
    if (value == NULL)
        return quote_problem(err, line, key, "is required");
    return quote_decimal_read(value, example, line, key, out, err);
}

/* lines[index]; currency NULL when unknown (then the price is not read). */
static bool quote_line_read(const json_t *item, size_t index, const char *currency, int exponent,
                            struct quote_line_input *out, struct err *err)
{
    if (!json_is_object(item))
        return quote_problem(err, index, NULL, "must be an object");

    bool price_ok = false;
    const json_t *price = quote_given(item, "price");
    if (price == NULL)
        quote_problem(err, index, "price", "is required");
    else if (currency != NULL)
        price_ok =
            quote_money_read(price, currency, exponent, index, "price", &out->price_minor, err);

    bool quantity_ok =
        quote_line_decimal_read(item, index, "quantity", "2.5", &out->quantity, err) &&
        quote_quantity_check(out->quantity, index, err);
    bool tax_ok = quote_line_decimal_read(item, index, "tax_rate", "20", &out->tax_rate, err) &&
                  quote_percent_check(out->tax_rate, index, "tax_rate", err);
    bool discount_ok = quote_discount_read(item, index, currency, exponent, &out->discount, err);
    return price_ok && quantity_ok && tax_ok && discount_ok &&
           quote_line_amounts_check(out, index, currency, err);
}

/* The quote's currency into settings->currency; false after a field error. */
static bool quote_currency_read(const json_t *body, const char *fallback,
                                struct quote_settings *settings, struct err *err)
{
    const json_t *value = quote_given(body, "currency");
    struct str text;
    if (value == NULL && fallback == NULL) {
        err_field(err, "currency", "is required");
        return false;
    }
    if (value == NULL) {
        text = str_from_cstr(fallback);
    } else if (json_is_string(value)) {
        text = (struct str){json_string_value(value), json_string_length(value)};
    } else {
        err_field(err, "currency", "must be a three-letter ISO 4217 code like EUR");
        return false;
    }
    return currency_code_parse(text, settings->currency, "currency", err) == 0;
}

/* One of names (the index becomes the enum value) from body[key], or *out left as it is. */
static bool quote_choice_read(const json_t *body, const char *key, const char *const *names,
                              size_t n_names, const char *expected, int *out, struct err *err)
{
    const json_t *value = quote_given(body, key);
    if (value == NULL)
        return true;
    for (size_t i = 0; json_is_string(value) && i < n_names; i++) {
        if (strcmp(json_string_value(value), names[i]) == 0) {
            *out = (int)i;
            return true;
        }
    }
    err_field(err, key, "must be %s", expected);
    return false;
}

int quote_input_parse(struct arena *arena, const json_t *body, const char *currency,
                      struct quote_settings *settings_out, struct quote_line_input **lines_out,
                      size_t *n_out, struct err *err)
{
    struct quote_settings settings;
    quote_settings_init(&settings, "");
    if (!json_is_object(body))
        return err_set(err, ERR_VALIDATION, "a quote must be a JSON object");

    bool currency_ok = quote_currency_read(body, currency, &settings, err);
    const char *code = currency_ok ? settings.currency : NULL;
    int exponent = currency_ok ? currency_exponent(str_from_cstr(code)) : 0;
    bool ok = currency_ok;

    const json_t *value = quote_given(body, "prices_include_tax");
    if (json_is_boolean(value)) {
        settings.prices_include_tax = json_is_true(value);
    } else if (value != NULL) {
        err_field(err, "prices_include_tax", "must be true or false");
        ok = false;
    }
    int level = settings.rounding_level, mode = settings.rounding_mode;
    ok = quote_choice_read(body, "rounding", level_names, COUNT(level_names), "line or total",
                           &level, err) &&
         ok;
    ok = quote_choice_read(body, "rounding_mode", mode_names, COUNT(mode_names),
                           "half_up or half_even", &mode, err) &&
         ok;
    settings.rounding_level = (enum quote_rounding_level)level;
    settings.rounding_mode = (enum rounding)mode;
    ok = quote_discount_read(body, QUOTE_NO_LINE, code, exponent, &settings.discount, err) && ok;

    struct quote_line_input *lines = NULL;
    size_t n = 0;
    value = quote_given(body, "lines");
    if (value == NULL) {
        err_field(err, "lines", "is required");
        ok = false;
    } else if (!json_is_array(value)) {
        err_field(err, "lines", "must be an array");
        ok = false;
    } else if (json_array_size(value) > QUOTE_MAX_LINES) {
        err_field(err, "lines", "must have at most %d lines", QUOTE_MAX_LINES);
        ok = false;
    } else {
        n = json_array_size(value);
        lines = arena_alloc_array(arena, n, sizeof(lines[0]));
        for (size_t i = 0; i < n; i++)
            ok = quote_line_read(json_array_get(value, i), i, code, exponent, &lines[i], err) && ok;
    }
    if (!ok)
        return -ERR_VALIDATION;

    /* What is left to find is whole-quote: the discount amount against the base, overflow. */
    struct quote_line_result *results = arena_alloc_array(arena, n, sizeof(results[0]));
    struct quote_totals totals;
    int rc = quote_compute(&settings, lines, n, results, &totals, err);
    if (rc < 0)
        return rc;
    *settings_out = settings;
    *lines_out = lines;
    *n_out = n;
    return 0;
}

/* ---- the results ---- */

/* {"amount":"12.50","currency":"EUR"}, sharing one currency string among all amounts. */
static json_t *quote_money_json(int64_t minor, int exponent, json_t *currency)
{
    char text[MONEY_TEXT_MAX];
    json_t *money = json_object();
    if (decimal_format(minor, exponent, text, sizeof(text)) < 0)
        text[0] = '\0';
    json_object_set_new(money, "amount", json_string(text));
    json_object_set(money, "currency", currency);
    return money;
}

json_t *quote_result_json(const struct quote_settings *settings,
                          const struct quote_line_result *lines, size_t n,
                          const struct quote_totals *totals)
{
    int exponent = currency_exponent(str_from_cstr(settings->currency));
    if (exponent < 0)
        return NULL;
    json_t *currency = json_string(settings->currency);
    json_t *array = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct quote_line_result *l = &lines[i];
        json_t *line = json_object();
        json_object_set_new(line, "gross", quote_money_json(l->gross_minor, exponent, currency));
        json_object_set_new(line, "discount",
                            quote_money_json(l->discount_minor, exponent, currency));
        json_object_set_new(line, "quote_discount",
                            quote_money_json(l->quote_discount_minor, exponent, currency));
        json_object_set_new(line, "net", quote_money_json(l->net_minor, exponent, currency));
        json_object_set_new(line, "tax", quote_money_json(l->tax_minor, exponent, currency));
        json_object_set_new(line, "total", quote_money_json(l->total_minor, exponent, currency));
        json_array_append_new(array, line);
    }
    json_t *out = json_object();
    json_object_set_new(out, "lines", array);
    json_object_set_new(out, "subtotal",
                        quote_money_json(totals->subtotal_minor, exponent, currency));
    json_object_set_new(out, "discount_total",
                        quote_money_json(totals->discount_total_minor, exponent, currency));
    json_object_set_new(out, "quote_discount",
                        quote_money_json(totals->quote_discount_minor, exponent, currency));
    json_object_set_new(out, "tax_total",
                        quote_money_json(totals->tax_total_minor, exponent, currency));
    json_object_set_new(out, "total", quote_money_json(totals->total_minor, exponent, currency));
    json_decref(currency);
    return out;
}
