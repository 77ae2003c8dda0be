/*
 * Commission rules and their arithmetic (see commission.h): rule bodies are
 * checked key by key into a clean object with field errors naming their
 * place ("tiers[1].percent"); tiers become integers for the computation,
 * which assigns a person's won deals to rules and applies the tier reached
 * to each rule's whole quarterly volume.
 */
#include "domain/commission.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/money.h"
#include "base/str.h"
#include "base/utf8.h"
#include "domain/currency.h"
#include "domain/record.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PERCENT_TEXT_MAX 32

static const char *const rule_keys[] = {"name",  "pipeline_id", "series",
                                        "tiers", "position",    "active"};
static const char *const read_only_keys[] = {"id", "version", "created_at", "updated_at"};
static const char *const tier_keys[] = {"from", "percent"};

/*
 * Text trimmed of surrounding white space, without control characters, at
 * most max_chars characters: a new JSON string, or NULL with a field error
 * on path. An empty result is an error when required, else JSON null.
 */
static json_t *text_check(const json_t *value, const char *path, size_t max_chars, bool required,
                          struct err *err)
{
    if (!json_is_string(value)) {
        err_field(err, path, "must be a string");
        return NULL;
    }
    const char *s = json_string_value(value);
    size_t len = json_string_length(value);
    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0) {
        if (required)
            err_field(err, path, "must not be empty");
        return required ? NULL : json_null();
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            err_field(err, path, "must not contain control characters");
            return NULL;
        }
    }
    if (utf8_count(s, len) > max_chars) {
        err_field(err, path, "must be at most %zu characters", max_chars);
        return NULL;
    }
    return json_stringn(s, len);
}

/* The text of a decimal given as a string or a JSON integer; false when it is neither. */
static bool decimal_text(const json_t *value, char *out, size_t out_size)
{
    if (json_is_integer(value)) {
        snprintf(out, out_size, "%lld", (long long)json_integer_value(value));
        return true;
    }
    if (!json_is_string(value) || json_string_length(value) >= out_size)
        return false;
    memcpy(out, json_string_value(value), json_string_length(value) + 1);
    return true;
}

/* A percent's canonical text: at most 4 decimals, no trailing zeros ("2.5", "3"). */
static void percent_format(int64_t percent, char out[PERCENT_TEXT_MAX])
{
    int len = decimal_format(percent, COMMISSION_PERCENT_SCALE, out, PERCENT_TEXT_MAX);
    if (len <= 0) {
        out[0] = '\0';
        return;
    }
    while (len > 0 && out[len - 1] == '0')
        out[--len] = '\0';
    if (len > 0 && out[len - 1] == '.')
        out[--len] = '\0';
}

/* A percent from 0 to 100 with at most 4 decimals (x 10^4); false with a field error on path. */
static bool percent_check(const json_t *value, const char *path, int64_t *percent, struct err *err)
{
    char text[PERCENT_TEXT_MAX];
    if (!decimal_text(value, text, sizeof(text))) {
        err_field(err, path, "must be a decimal string like \"2.5\"");
        return false;
    }
    struct str trimmed = str_trim(str_from_cstr(text));
    if (decimal_parse(trimmed, COMMISSION_PERCENT_SCALE, percent) < 0 || *percent < 0 ||
        *percent > COMMISSION_PERCENT_HUNDRED) {
        err_field(err, path, "must be a number from 0 to 100 with at most %d decimal places",
                  COMMISSION_PERCENT_SCALE);
        return false;
    }
    return true;
}

/* A tier's from: money in currency, not negative; false with a field error on path. */
static bool from_check(const json_t *value, const char *path, const char *currency,
                       int64_t *from_minor, struct err *err)
{
    char text[MONEY_TEXT_MAX];
    if (!decimal_text(value, text, sizeof(text))) {
        err_field(err, path, "must be a decimal string like \"10000.00\"");
        return false;
    }
    if (currency_amount_parse(str_from_cstr(text), str_from_cstr(currency), from_minor, path, err) <
        0)
        return false;
    if (*from_minor < 0) {
        err_field(err, path, "must not be negative");
        return false;
    }
    return true;
}

/*
 * Checks one tier, i-th of the list; *prev is the from of the tier before
 * (-1 for the first). A canonical tier, or NULL with field errors.
 */
static json_t *tier_check(const json_t *item, size_t i, const char *currency, int64_t *prev,
                          struct err *err)
{
    char prefix[32], from_path[48], percent_path[48];
    snprintf(prefix, sizeof(prefix), "tiers[%zu]", i);
    snprintf(from_path, sizeof(from_path), "%s.from", prefix);
    snprintf(percent_path, sizeof(percent_path), "%s.percent", prefix);
    if (!json_is_object(item)) {
        err_field(err, prefix, "must be {\"from\": \"0\", \"percent\": \"3\"}");
        return NULL;
    }
    char dotted[40];
    snprintf(dotted, sizeof(dotted), "%s.", prefix);
    bool ok = record_keys_check(item, dotted, tier_keys, COUNT(tier_keys), NULL, 0, err);
    int64_t from = 0, percent = 0;
    const json_t *value = json_object_get(item, "from");
    if (value == NULL) {
        ok = false;
        err_field(err, from_path, "is required");
    } else if (!from_check(value, from_path, currency, &from, err)) {
        ok = false;
    } else if (*prev < 0 && from != 0) {
        ok = false;
        err_field(err, from_path, "must be 0: the first tier starts at no volume");
    } else if (*prev >= 0 && from <= *prev) {
        ok = false;
        err_field(err, from_path, "must be greater than the from of the tier before");
    }
    value = json_object_get(item, "percent");
    if (value == NULL) {
        ok = false;
        err_field(err, percent_path, "is required");
    } else if (!percent_check(value, percent_path, &percent, err)) {
        ok = false;
    }
    *prev = *prev < 0 || from > *prev ? from : *prev;
    if (!ok)
        return NULL;
    char from_text[MONEY_TEXT_MAX], percent_text[PERCENT_TEXT_MAX];
    if (money_format(from, str_from_cstr(currency), from_text, sizeof(from_text)) < 0) {
        err_field(err, from_path, "is too large");
        return NULL;
    }
    percent_format(percent, percent_text);
    return json_pack("{s:s,s:s}", "from", from_text, "percent", percent_text);
}

/* The tiers: 1..COMMISSION_TIERS_MAX of them; a canonical list, or NULL with field errors. */
static json_t *tiers_check(const json_t *value, const char *currency, struct err *err)
{
    if (!json_is_array(value) || json_array_size(value) == 0 ||
        json_array_size(value) > COMMISSION_TIERS_MAX) {
        err_field(err, "tiers", "must be a list of 1 to %d tiers", COMMISSION_TIERS_MAX);
        return NULL;
    }
    json_t *list = json_array();
    bool ok = true;
    int64_t prev = -1;
    size_t i;
    const json_t *item;
    json_array_foreach(value, i, item)
    {
        json_t *tier = tier_check(item, i, currency, &prev, err);
        if (tier == NULL)
            ok = false;
        else
            json_array_append_new(list, tier);
    }
    if (!ok) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* Drops the keys of clean whose value equals current's. */
static void keep_changes(json_t *clean, const json_t *current)
{
    const char *key;
    json_t *value;
    void *tmp;
    json_object_foreach_safe(clean, tmp, key, value)
    {
        json_t *was = json_object_get(current, key);
        if (json_equal(value, was) || (json_is_null(value) && was == NULL))
            json_object_del(clean, key);
    }
}

int commission_rule_validate(const json_t *body, const json_t *current, const char *base_currency,
                             json_t **clean_out, struct err *err)
{
    *clean_out = NULL;
    if (!json_is_object(body))
        return err_set(err, ERR_BAD_REQUEST, "the body must be a JSON object");
    if (currency_exponent(str_from_cstr(base_currency)) < 0)
        return err_set(err, ERR_INTERNAL, "unknown base currency %s", base_currency);
    record_keys_check(body, "", rule_keys, COUNT(rule_keys), read_only_keys, COUNT(read_only_keys),
                      err);
    json_t *clean = json_object();
    const json_t *value = json_object_get(body, "name");
    if (value != NULL) {
        json_t *name = text_check(value, "name", COMMISSION_RULE_NAME_MAX_CHARS, true, err);
        if (name != NULL)
            json_object_set_new(clean, "name", name);
    } else if (current == NULL) {
        err_field(err, "name", "is required");
    }
    value = json_object_get(body, "pipeline_id");
    if (json_is_null(value) || (json_is_integer(value) && json_integer_value(value) > 0))
        json_object_set(clean, "pipeline_id", (json_t *)value);
    else if (value != NULL)
        err_field(err, "pipeline_id", "must be a pipeline id, or null for any pipeline");
    value = json_object_get(body, "series");
    if (json_is_null(value)) {
        json_object_set_new(clean, "series", json_null());
    } else if (value != NULL) {
        json_t *series = text_check(value, "series", COMMISSION_SERIES_MAX_CHARS, false, err);
        if (series != NULL)
            json_object_set_new(clean, "series", series);
    }
    value = json_object_get(body, "tiers");
    if (value != NULL) {
        json_t *tiers = tiers_check(value, base_currency, err);
        if (tiers != NULL)
            json_object_set_new(clean, "tiers", tiers);
    } else if (current == NULL) {
        err_field(err, "tiers", "is required");
    }
    value = json_object_get(body, "position");
    if (json_is_integer(value) && json_integer_value(value) >= 0 &&
        json_integer_value(value) <= COMMISSION_POSITION_MAX)
        json_object_set(clean, "position", (json_t *)value);
    else if (value != NULL)
        err_field(err, "position", "must be an integer from 0 to %d", COMMISSION_POSITION_MAX);
    value = json_object_get(body, "active");
    if (json_is_boolean(value))
        json_object_set(clean, "active", (json_t *)value);
    else if (value != NULL)
        err_field(err, "active", "must be true or false");
    if (err->code != ERR_OK) {
        json_decref(clean);
        return -(int)err->code;
    }
    if (current != NULL)
        keep_changes(clean, current);
    *clean_out = clean;
    return 0;
}

int commission_tiers_read(const json_t *tiers, const char *currency, struct commission_tier *out,
                          size_t *n_out)
{
    int exponent = currency_exponent(str_from_cstr(currency));
    *n_out = 0;
    if (exponent < 0 || !json_is_array(tiers) || json_array_size(tiers) == 0 ||
        json_array_size(tiers) > COMMISSION_TIERS_MAX)
        return -ERR_VALIDATION;
    size_t i;
    const json_t *tier;
    json_array_foreach(tiers, i, tier)
    {
        const char *from = json_string_value(json_object_get(tier, "from"));
        const char *percent = json_string_value(json_object_get(tier, "percent"));
        int64_t scaled;
        /* Up to 4 decimals, then to the currency's: a base currency may have changed since. */
        if (from == NULL || percent == NULL ||
            decimal_parse(str_from_cstr(from), COMMISSION_PERCENT_SCALE, &scaled) < 0 ||
            decimal_rescale(scaled, COMMISSION_PERCENT_SCALE, exponent, ROUND_HALF_UP,
                            &out[i].from_minor) < 0 ||
            decimal_parse(str_from_cstr(percent), COMMISSION_PERCENT_SCALE, &out[i].percent) < 0)
            return -ERR_VALIDATION;
    }
    *n_out = json_array_size(tiers);
    return 0;
}

size_t commission_tier_reached(const struct commission_tier *tiers, size_t n, int64_t volume_minor)
{
    size_t reached = 0;
    for (size_t i = 0; i < n; i++) {
        if (tiers[i].from_minor <= volume_minor)
            reached = i;
    }
    return reached;
}

int commission_compute(const struct commission_tier *tiers, size_t n, int64_t volume_minor,
                       size_t *tier_out, int64_t *commission_minor)
{
    if (n == 0)
        return -ERR_VALIDATION;
    size_t tier = commission_tier_reached(tiers, n, volume_minor);
    *tier_out = tier;
    return money_mul_ratio(volume_minor, tiers[tier].percent, COMMISSION_PERCENT_HUNDRED,
                           ROUND_HALF_UP, commission_minor);
}

/* Series compare as given, Latin letters ignoring case ("gtx" is "GTX"). */
static bool series_equal(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    }
    return *a == *b;
}

bool commission_rule_matches(const struct commission_rule *rule, int64_t pipeline_id,
                             const char *series)
{
    if (rule->pipeline_id > 0 && rule->pipeline_id != pipeline_id)
        return false;
    if (rule->series == NULL)
        return true;
    return series != NULL && series_equal(rule->series, series);
}

int commission_rule_pick(const struct commission_rule *rules, size_t n, int64_t pipeline_id,
                         const char *series)
{
    for (size_t i = 0; i < n; i++) {
        if (rules[i].active && commission_rule_matches(&rules[i], pipeline_id, series))
            return (int)i;
    }
    return -1;
}

/* *sum += a, false on overflow. */
static bool add(int64_t *sum, int64_t a)
{
    return money_add(*sum, a, sum) == 0;
}

int commission_person_compute(struct arena *arena, const struct commission_rule *rules,
                              size_t n_rules, const struct commission_group *groups,
                              size_t n_groups, struct commission_person *out, struct err *err)
{
    *out = (struct commission_person){.user_id = n_groups > 0 ? groups[0].user_id : 0};
    /* One line per rule, kept only when the rule got deals. */
    struct commission_line *lines = arena_alloc_array(arena, n_rules + 1, sizeof(*lines));
    bool *used = arena_alloc_array(arena, n_rules + 1, sizeof(*used));
    for (size_t r = 0; r < n_rules; r++) {
        lines[r] = (struct commission_line){.rule = r};
        used[r] = false;
    }
    bool ok = true;
    for (size_t g = 0; g < n_groups; g++) {
        const struct commission_group *group = &groups[g];
        ok = ok && add(&out->won_count, group->won_count) &&
             add(&out->volume_minor, group->volume_minor) &&
             add(&out->unconverted_count, group->unconverted_count);
        int r = commission_rule_pick(rules, n_rules, group->pipeline_id, group->series);
        if (r < 0) {
            ok = ok && add(&out->uncovered_count, group->won_count) &&
                 add(&out->uncovered_volume_minor, group->volume_minor);
            continue;
        }
        used[r] = true;
        ok = ok && add(&lines[r].won_count, group->won_count) &&
             add(&lines[r].volume_minor, group->volume_minor) &&
             add(&lines[r].unconverted_count, group->unconverted_count);
    }
    if (!ok)
        return err_set(err, ERR_VALIDATION, "the volumes are too large to add up");
    out->lines = lines;
    for (size_t r = 0; r < n_rules; r++) {
        if (!used[r])
            continue;
        struct commission_line line = lines[r];
        if (commission_compute(rules[r].tiers, rules[r].n_tiers, line.volume_minor, &line.tier,
                               &line.commission_minor) < 0 ||
            !add(&out->commission_minor, line.commission_minor))
            return err_set(err, ERR_VALIDATION, "the commission of rule %lld is too large",
                           (long long)rules[r].id);
        lines[out->n_lines++] = line;
    }
    return 0;
}

/* Fills the dates of a quarter from its year and number. */
static void quarter_fill(int year, int quarter, struct commission_quarter *out)
{
    out->year = year;
    out->quarter = quarter;
    snprintf(out->label, sizeof(out->label), "%04d-Q%d", year % 10000, quarter);
    unsigned month = (unsigned)(quarter - 1) * 3 + 1;
    int64_t first = clock_days_from_civil(year, month, 1);
    int64_t next = quarter == 4 ? clock_days_from_civil(year + 1, 1, 1)
                                : clock_days_from_civil(year, month + 3, 1);
    clock_format_date(first, out->first);
    clock_format_date(next - 1, out->last);
    clock_format_date(next, out->next);
}

int commission_quarter_parse(const char *text, struct commission_quarter *out)
{
    /* Exactly "YYYY-QN". */
    if (text == NULL || strlen(text) != 7 || text[4] != '-' || text[5] != 'Q' || text[6] < '1' ||
        text[6] > '4')
        return -ERR_BAD_REQUEST;
    int year = 0;
    for (int i = 0; i < 4; i++) {
        if (!isdigit((unsigned char)text[i]))
            return -ERR_BAD_REQUEST;
        year = year * 10 + (text[i] - '0');
    }
    if (year < 1000)
        return -ERR_BAD_REQUEST;
    quarter_fill(year, text[6] - '0', out);
    return 0;
}

void commission_quarter_of_day(int64_t days, struct commission_quarter *out)
{
    int year;
    unsigned month, day;
    clock_civil_from_days(days, &year, &month, &day);
    quarter_fill(year, (int)(month - 1) / 3 + 1, out);
}
