/*
 * Currencies and exchange rates as rules, without storage: ISO 4217 codes,
 * rate dates, rates as positive decimals of up to 8 places kept as integers
 * scaled by 10^8, and the conversion of an amount in minor units of one
 * currency into minor units of another with one banker's rounding. A rate
 * r of currency X on a date means 1 X = r units of the base currency.
 */
#ifndef CRM_DOMAIN_CURRENCY_H
#define CRM_DOMAIN_CURRENCY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"

#define CURRENCY_CODE_LEN 3
#define CURRENCY_DEFAULT_BASE "EUR" /* of a new database when nothing else is said */
#define CURRENCY_RATE_SCALE 8
#define CURRENCY_RATE_ONE INT64_C(100000000) /* 1 at CURRENCY_RATE_SCALE */
#define CURRENCY_RATE_TEXT_MAX 32

/*
 * A currency code from input: surrounding spaces dropped, three ASCII
 * letters in any case, known to base/money.h; out gets it in upper case.
 * 0, or -ERR_VALIDATION with a field error on field.
 */
int currency_code_parse(struct str text, char out[CURRENCY_CODE_LEN + 1], const char *field,
                        struct err *err);

/*
 * A rate from input: surrounding spaces dropped, digits with an optional
 * '.' and at most 8 decimals, greater than zero. No sign, exponent,
 * grouping or decimal comma ("12,5" is refused with a hint). 0, or
 * -ERR_VALIDATION with a field error on field ("must be a decimal number
 * like 92.5", "must have at most 8 decimal places", "must be greater than
 * zero", "is too large").
 */
int currency_rate_parse(struct str text, int64_t *scaled_out, const char *field, struct err *err);

/*
 * An amount of money in currency from input ("10.50", "-3", "1050" for
 * JPY): surrounding spaces dropped, an optional '-', digits, and at most as
 * many decimals as the currency has. 0 with the amount in minor units, or
 * -ERR_VALIDATION with a field error on field ("must be a decimal number
 * like 10.50", "must have at most 2 decimal places for USD", "is too
 * large").
 */
int currency_amount_parse(struct str text, struct str currency, int64_t *minor_out,
                          const char *field, struct err *err);

/*
 * A money value from input, {"amount": "10.50", "currency": "EUR"} (the
 * amount a decimal string, the currency in any case): 0 with *clean the canonical value ({"amount": "10.50", "currency":
 * "EUR"}, a new reference) and *minor_out its minor units, or
 * -ERR_VALIDATION with a field error on path.
 * A negative amount is refused unless allow_negative.
 */
int currency_money_validate(const json_t *value, const char *path, bool allow_negative,
                            json_t **clean, int64_t *minor_out, struct err *err);

/*
 * A money value as the API writes it, {"amount": "12.50", "currency":
 * "EUR"} (new reference); null when currency is unknown or the amount
 * cannot be written.
 */
json_t *currency_money_json(int64_t minor, const char *currency);

/* The canonical text of a rate, without trailing zeros: "92.5", "1", "0.0125". */
void currency_rate_format(int64_t scaled, char out[CURRENCY_RATE_TEXT_MAX]);

/*
 * A rate's date from input: "YYYY-MM-DD", a real calendar day, surrounding
 * spaces dropped. 0, or -ERR_VALIDATION with a field error on field.
 */
int currency_date_parse(struct str text, char out[CLOCK_DATE_LEN + 1], const char *field,
                        struct err *err);

/*
 * Converts minor units of `from` into minor units of `to`, where 1 from =
 * rate_scaled / 10^8 to: minor * rate_scaled / 10^(8 + e_from - e_to),
 * rounded half to even once (never rounded twice across the exponents).
 * -ERR_VALIDATION with a detail when a code is unknown, the rate is not
 * positive or the result does not fit in 64 bits.
 */
int currency_convert(int64_t minor, struct str from, struct str to, int64_t rate_scaled,
                     int64_t *to_minor, struct err *err);

#endif
