/*
 * Product options: the groups of choices that configure a product ("size":
 * S, M, XL; "warranty": 1 or 3 years), each choice with a price delta in
 * the product's currency, and the price of one configuration. Pure
 * functions over JSON: no SQL, no HTTP.
 *
 * DESIGN: a group is required (at least one choice) or not, and exclusive
 * (at most one choice) or not; required and exclusive together mean exactly
 * one. A configured price is the base price plus the deltas of the chosen
 * choices; deltas may be negative, the configured price may not.
 */
#ifndef CRM_DOMAIN_PRODUCT_H
#define CRM_DOMAIN_PRODUCT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;

#define PRODUCT_OPTION_CODE_MAX 40 /* [a-z0-9_-]{1,40} */
#define PRODUCT_OPTION_NAME_MAX_CHARS 200
#define PRODUCT_OPTION_GROUPS_MAX 20
#define PRODUCT_OPTION_CHOICES_MAX 50

struct product_choice {
    const char *code;
    const char *name;
    int64_t price_delta_minor;
};

struct product_option_group {
    const char *code;
    const char *name;
    bool required;  /* a configuration must pick at least one choice */
    bool exclusive; /* a configuration may pick at most one choice */
    struct product_choice *choices;
    size_t n_choices;
};

struct product_options {
    char currency[4];
    struct product_option_group *groups;
    size_t n_groups;
};

/*
 * Reads a product's option definitions, a JSON array (NULL or null: none) of
 *   {"code":"size", "name":"Size", "required":true, "exclusive":true,
 *    "choices":[{"code":"xl", "name":"XL", "price_delta":"10.00"}, ...]}
 * required and exclusive default to false, price_delta (a decimal string in
 * currency, may be negative) to 0. Codes are [a-z0-9_-]{1,40} and unique
 * among the groups and among the choices of a group; names are 1..200
 * characters once trimmed, without control characters; at most 20 groups of
 * 1..50 choices; other keys are refused. On success (0) *out points into the
 * arena. Otherwise -ERR_VALIDATION with every problem as a field error named
 * like "options[1].choices[0].price_delta".
 */
int product_options_parse(struct arena *arena, const json_t *options, const char *currency,
                          struct product_options *out, struct err *err);

/*
 * The price of a configuration: chosen is a JSON array (NULL or null: none)
 * of {"option":"size","choice":"xl"}; *price_minor_out = base_price_minor +
 * the deltas of the chosen choices. 0, or -ERR_VALIDATION with field errors
 * on path (e.g. "lines[3].options") and its items ("lines[3].options[1]"):
 * not an array, an item that is not {option, choice}, an unknown option or
 * choice, the same choice twice, two choices of an exclusive group, a
 * required group without a choice, a price below zero or too large.
 */
int product_configure(const struct product_options *options, const json_t *chosen,
                      int64_t base_price_minor, int64_t *price_minor_out, struct err *err,
                      const char *path);

#endif
