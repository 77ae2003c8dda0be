/*
 * Money: integer minor units with the ISO 4217 exponent of the currency
 * (JPY 0, EUR 2, KWD 3), decimal strings at the edges, and rounding named
 * explicitly at every step that can lose precision. Products and ratios are
 * computed in 128 bits and checked for overflow; nothing here uses floating
 * point.
 */
#ifndef CRM_BASE_MONEY_H
#define CRM_BASE_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "base/str.h"

enum rounding {
    ROUND_HALF_UP,   /* commercial: half away from zero */
    ROUND_HALF_EVEN, /* banker's */
};

#define MONEY_TEXT_MAX 32

/* Exponent for an ISO 4217 code ("RUB" -> 2); -ERR_VALIDATION when unknown. */
int currency_exponent(struct str code);
/* The codes currency_exponent() knows, for listing: i < currency_count(), in no set order. */
size_t currency_count(void);
const char *currency_code_at(size_t i, int *exponent_out);

/*
 * Parses a decimal string ("1234.5", "-0.07", "12") with at most `scale`
 * fractional digits into an integer scaled by 10^scale. Rejects exponents,
 * spaces, grouping, more digits than scale, and overflow: -ERR_VALIDATION.
 */
int decimal_parse(struct str text, int scale, int64_t *out);
/* Formats with exactly `scale` fractional digits ("1234.50"). Returns length or -ERR_TOO_LARGE. */
int decimal_format(int64_t value, int scale, char *out, size_t out_size);

/* money_parse/format: decimal_parse/format with the currency's exponent. */
int money_parse(struct str text, struct str currency, int64_t *minor_out);
int money_format(int64_t minor, struct str currency, char *out, size_t out_size);

/* a + b and a - b with overflow check: 0 or -ERR_VALIDATION. */
int money_add(int64_t a, int64_t b, int64_t *out);
int money_sub(int64_t a, int64_t b, int64_t *out);
/* round(value * num / den) under `mode`; den > 0; 0 or -ERR_VALIDATION on overflow. */
int money_mul_ratio(int64_t value, int64_t num, int64_t den, enum rounding mode, int64_t *out);
/* Changes the scale of a value (e.g. 4 decimals -> currency's 2) with rounding. */
int decimal_rescale(int64_t value, int from_scale, int to_scale, enum rounding mode,
                    int64_t *out);

#endif
