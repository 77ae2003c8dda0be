/*
 * Commissions: the rules an administrator sets (a percent of the won
 * amount, by pipeline and/or product series, in tiers by quarterly volume)
 * and what they earn a salesperson in a quarter. Pure functions over
 * request bodies and numbers: no SQL, no HTTP.
 *
 * DESIGN: each won deal counts for the first active rule, by position, that
 * matches it (a rule's pipeline and series are "any" when null); deals no
 * rule matches are "uncovered". A rule's volume is the sum of its deals'
 * amounts in the base currency over the quarter; the tier reached is the
 * last whose "from" is at most that volume, and its percent applies to the
 * WHOLE volume (not marginally, band by band): commission = volume x
 * percent / 100, rounded half up to minor units once. Amounts without a
 * rate (not converted) are counted but never added.
 */
#ifndef CRM_DOMAIN_COMMISSION_H
#define CRM_DOMAIN_COMMISSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;

#define COMMISSION_RULE_NAME_MAX_CHARS 100
#define COMMISSION_SERIES_MAX_CHARS 100
#define COMMISSION_POSITION_MAX 10000
#define COMMISSION_TIERS_MAX 10
/* Percents carry up to 4 decimals: 2.5 % is 25000, 100 % is COMMISSION_PERCENT_HUNDRED. */
#define COMMISSION_PERCENT_SCALE 4
#define COMMISSION_PERCENT_HUNDRED INT64_C(1000000)

/* One tier: from this volume on (minor units of the base currency), this percent. */
struct commission_tier {
    int64_t from_minor;
    int64_t percent; /* x 10^4 */
};

/* A rule as the computation needs it. */
struct commission_rule {
    int64_t id;
    const char *name;
    int64_t pipeline_id; /* 0: any pipeline */
    const char *series;  /* NULL: any series (a deal without a product too) */
    bool active;
    struct commission_tier tiers[COMMISSION_TIERS_MAX];
    size_t n_tiers;
};

/*
 * Checks a rule body ({name, pipeline_id, series, tiers, position,
 * active}). current NULL: a new rule (name and tiers required); otherwise
 * the rule as the API shows it. base_currency is the ISO code tier "from"
 * amounts are in. *clean gets the keys that change (none on an update that
 * changes nothing): name trimmed; pipeline_id a positive integer or null;
 * series trimmed, "" stored as null; tiers canonical
 * ([{"from": "0.00", "percent": "2.5"}]); position; active. Problems are
 * field errors named like "tiers[1].from"; *clean is then NULL.
 */
int commission_rule_validate(const json_t *body, const json_t *current, const char *base_currency,
                             json_t **clean, struct err *err);

/*
 * Reads a rule's stored tiers (commission_rule_validate's canonical form)
 * into out (room for COMMISSION_TIERS_MAX), amounts in currency's minor
 * units (rounded half up should the currency have fewer decimals than the
 * text). -ERR_VALIDATION when they are not such a list.
 */
int commission_tiers_read(const json_t *tiers, const char *currency, struct commission_tier *out,
                          size_t *n_out);

/* The index of the tier volume_minor reaches: the last whose from is at most it (0 when none). */
size_t commission_tier_reached(const struct commission_tier *tiers, size_t n, int64_t volume_minor);

/*
 * The commission on volume_minor: the tier reached (*tier_out) and volume x
 * its percent / 100 rounded half up (*commission_minor). -ERR_VALIDATION
 * when there are no tiers or the result does not fit.
 */
int commission_compute(const struct commission_tier *tiers, size_t n, int64_t volume_minor,
                       size_t *tier_out, int64_t *commission_minor);

/* Whether a deal of the pipeline whose product is of series (NULL: none) falls under rule. */
bool commission_rule_matches(const struct commission_rule *rule, int64_t pipeline_id,
                             const char *series);

/* The index of the first active rule that matches, in the order given; -1 when none does. */
int commission_rule_pick(const struct commission_rule *rules, size_t n, int64_t pipeline_id,
                         const char *series);

/* The won deals of one owner in one pipeline with one product series, as the store sums them. */
struct commission_group {
    int64_t user_id;
    int64_t pipeline_id;
    const char *series;        /* NULL: no product, or a product without a series */
    int64_t won_count;         /* deals */
    int64_t volume_minor;      /* their converted amounts, in the base currency */
    int64_t unconverted_count; /* deals with an amount but no rate, left out of the volume */
};

/* What one rule earns one person. */
struct commission_line {
    size_t rule; /* index into the rules */
    int64_t won_count;
    int64_t volume_minor;
    int64_t unconverted_count;
    size_t tier; /* index into the rule's tiers */
    int64_t commission_minor;
};

/* One person's quarter. */
struct commission_person {
    int64_t user_id;
    int64_t won_count;
    int64_t volume_minor; /* all their converted won amounts, covered or not */
    int64_t unconverted_count;
    struct commission_line *lines; /* rules that got deals, in rule order */
    size_t n_lines;
    int64_t commission_minor;
    int64_t uncovered_count;
    int64_t uncovered_volume_minor;
};

/*
 * Assigns groups (all of one person) to rules (in priority order) and
 * computes each rule's tier and commission on its whole volume. lines are
 * allocated in arena. -ERR_VALIDATION (detail set) when a sum overflows.
 */
int commission_person_compute(struct arena *arena, const struct commission_rule *rules,
                              size_t n_rules, const struct commission_group *groups,
                              size_t n_groups, struct commission_person *out, struct err *err);

/* A calendar quarter: "2017-Q1" is 2017-01-01 to 2017-03-31. */
struct commission_quarter {
    int year;
    int quarter;    /* 1..4 */
    char label[24]; /* "2017-Q1" */
    char first[11]; /* "2017-01-01" */
    char last[11];  /* "2017-03-31" */
    char next[11];  /* "2017-04-01": the day after the last */
};

/* "YYYY-QN" (year 1000..9999, N 1..4); 0 or -ERR_BAD_REQUEST. */
int commission_quarter_parse(const char *text, struct commission_quarter *out);
/* The quarter containing days (since 1970-01-01). */
void commission_quarter_of_day(int64_t days, struct commission_quarter *out);

#endif
