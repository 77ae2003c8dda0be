/*
 * Quote totals: the money arithmetic of a quote's lines (price x quantity,
 * line discount, a quote-level discount spread over the lines, tax added to
 * or contained in the prices) in integer minor units with 128-bit
 * intermediates, rounding named explicitly, and the request body that
 * carries those numbers. Pure functions: no SQL, no HTTP.
 *
 * DESIGN: what every number means. "Price basis" is the kind of amount the
 * prices are written in: tax-exclusive when prices_include_tax is false,
 * tax-inclusive when it is true. Discount amounts (line and quote) are
 * written in the price basis too. For each line, with r = tax_rate / 100:
 *
 *   gross          = price x quantity                          (price basis)
 *   discount       = gross x discount_percent / 100, or discount_amount
 *                                                              (price basis)
 *   quote_discount = the line's share of the quote discount    (price basis)
 *   prices exclude tax:
 *     net   = gross - discount - quote_discount
 *     tax   = net x r
 *     total = net + tax
 *   prices include tax:
 *     total = gross - discount - quote_discount
 *     net   = total / (1 + r)
 *     tax   = total - net
 *
 * The quote discount is taken from the amount left after the line
 * discounts ("base" = the sum of gross - discount) and spread over the
 * lines in proportion to what each contributes to that base, which is the
 * same fraction of every line: so each line's net and tax shrink by that
 * fraction and the tax of every rate stays right. A percent discount is
 * base x percent / 100, rounded once; an amount may not exceed the base.
 *
 * Quote totals, all tax-exclusive except tax_total and total:
 *   subtotal       = sum of the lines' nets after their own discounts and
 *                    before the quote discount
 *   quote_discount = the quote discount, tax-exclusive (the sum of what it
 *                    takes off the lines' nets)
 *   line_discount  = the line discounts, tax-exclusive
 *   discount_total = line_discount + quote_discount
 *   tax_total      = sum of the lines' tax
 *   total          = subtotal - quote_discount + tax_total, what the
 *                    customer pays. This identity holds exactly, always.
 * With prices excluding tax the tax-exclusive and price-basis discounts are
 * the same numbers; with prices including tax, discount_total is smaller
 * than the discounts shown on the lines by the tax they contained.
 *
 * Rounding (mode: enum rounding of base/money.h, half up unless the
 * settings name half even):
 *   QUOTE_ROUND_LINES: every step of every line is rounded to whole minor
 *     units (gross, discount, share, net, tax), and each total is the exact
 *     sum of the rounded lines: total = sum of line totals, tax_total = sum
 *     of line taxes, subtotal - quote_discount = sum of line nets; the quote
 *     discount is spread by largest remainder (ties to the earlier line), so
 *     the shares add up exactly to it.
 *   QUOTE_ROUND_TOTALS: lines are kept in millionths of a minor unit and
 *     only the totals are rounded: tax_total, quote_discount and
 *     line_discount from their exact sums, then subtotal (prices excluding
 *     tax) or total (prices including tax) from its exact sum, and the other
 *     of the two from the identity. The line values returned are each
 *     rounded on their own for display, so they may not add up exactly to
 *     the totals (by a minor unit or so per line).
 */
#ifndef CRM_DOMAIN_QUOTE_H
#define CRM_DOMAIN_QUOTE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/money.h"

struct arena;

#define QUOTE_MAX_LINES 500
/* Quantities, percents and tax rates carry up to 4 decimals: 2.5 is 25000. */
#define QUOTE_DECIMAL_SCALE 4
#define QUOTE_QUANTITY_ONE INT64_C(10000)      /* a quantity of 1 */
#define QUOTE_PERCENT_HUNDRED INT64_C(1000000) /* 100 % */

/* Where rounding to minor units happens (body key "rounding": "line" or "total"). */
enum quote_rounding_level {
    QUOTE_ROUND_LINES,
    QUOTE_ROUND_TOTALS,
};

enum quote_discount_kind {
    QUOTE_DISCOUNT_NONE,
    QUOTE_DISCOUNT_PERCENT,
    QUOTE_DISCOUNT_AMOUNT,
};

/* A discount: either a percent (0..QUOTE_PERCENT_HUNDRED) or an amount in minor units (>= 0). */
struct quote_discount {
    enum quote_discount_kind kind;
    int64_t value; /* percent x 10^4 (12.5 % is 125000), or minor units of the price basis */
};

struct quote_settings {
    char currency[4];        /* ISO 4217 code; minor units follow its exponent */
    bool prices_include_tax; /* prices and discount amounts contain the tax */
    enum quote_rounding_level rounding_level;
    enum rounding rounding_mode;
    struct quote_discount discount; /* on the whole quote, after the line discounts */
};

/* One line as the computation needs it: the caller has resolved price lists and options. */
struct quote_line_input {
    int64_t price_minor; /* unit price in the price basis, >= 0 */
    int64_t quantity;    /* x 10^4, > 0 */
    struct quote_discount discount;
    int64_t tax_rate; /* percent x 10^4, 0..QUOTE_PERCENT_HUNDRED */
};

/* A line's results in minor units; see the top of this file for their meaning. */
struct quote_line_result {
    int64_t gross_minor;
    int64_t discount_minor;
    int64_t quote_discount_minor;
    int64_t net_minor;
    int64_t tax_minor;
    int64_t total_minor;
};

struct quote_totals {
    int64_t subtotal_minor;
    int64_t line_discount_minor;
    int64_t quote_discount_minor;
    int64_t discount_total_minor;
    int64_t tax_total_minor;
    int64_t total_minor;
};

/* Defaults: currency (copied, up to 3 letters), prices exclude tax, rounding per line, half up. */
void quote_settings_init(struct quote_settings *settings, const char *currency);

/*
 * Computes n lines (n <= QUOTE_MAX_LINES) into out_lines[0..n) and totals.
 * 0, or -ERR_VALIDATION with field errors named as in a request body
 * ("lines[2].quantity", "discount_amount"): a value out of range, a line
 * discount amount above its gross, a quote discount amount above the base,
 * or an amount that does not fit in 64 bits ("lines[2]": "price x quantity
 * is too large", "lines": "the quote's amounts are too large"). Outputs are
 * unspecified after an error. Uses about 32 KiB of stack.
 */
int quote_compute(const struct quote_settings *settings, const struct quote_line_input *lines,
                  size_t n, struct quote_line_result *out_lines, struct quote_totals *totals,
                  struct err *err);

/*
 * Reads the numeric part of a quote body:
 *   {"currency":"EUR", "prices_include_tax":false, "rounding":"line"|"total",
 *    "rounding_mode":"half_up"|"half_even",
 *    "discount_percent":"5" | "discount_amount":"10.00",
 *    "lines":[{"price":"10.50", "quantity":"2", "tax_rate":"20",
 *              "discount_percent":"10" | "discount_amount":"1.00"}, ...]}
 * Other keys, of the body and of its lines (deal_id, product_id, options,
 * name, delivery_date, ...), belong to the caller and are ignored here.
 * currency is used when the body names none (NULL: the body must name one).
 * Required: currency, lines (an array, possibly empty, at most
 * QUOTE_MAX_LINES), and per line price, quantity and tax_rate (the caller
 * fills them in from the product before, when the client leaves them out).
 * Optional keys may be absent or null. Amounts are decimal strings with at
 * most the currency's decimals; quantities and percents are decimal strings
 * with at most 4 decimals, or JSON integers. A JSON number with a fraction
 * is refused: binary floating point cannot hold most decimals exactly.
 * On success (0) *settings, *lines (from the arena) and *n are set and
 * quote_compute() on them cannot fail. Otherwise -ERR_VALIDATION with a
 * field error for every problem found.
 */
int quote_input_parse(struct arena *arena, const json_t *body, const char *currency,
                      struct quote_settings *settings, struct quote_line_input **lines, size_t *n,
                      struct err *err);

/*
 * The results as the API shows them, money as {"amount":"12.50","currency":"EUR"}:
 *   {"lines":[{"gross","discount","quote_discount","net","tax","total"}, ...],
 *    "subtotal", "discount_total", "quote_discount", "tax_total", "total"}
 * A new reference; NULL when the settings' currency is unknown.
 */
json_t *quote_result_json(const struct quote_settings *settings,
                          const struct quote_line_result *lines, size_t n,
                          const struct quote_totals *totals);

/* "line"/"total" and "half_up"/"half_even", as the body writes them. */
const char *quote_rounding_level_name(enum quote_rounding_level level);
const char *quote_rounding_mode_name(enum rounding mode);

#endif
