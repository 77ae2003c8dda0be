/*
 * Product options (see product.h): definitions read key by key into arena
 * structs with every problem named by its place
 * ("options[1].choices[0].price_delta"), and a configuration checked
 * against them and priced with overflow-checked sums.
 */
#include "domain/product.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/money.h"
#include "base/str.h"
#include "base/utf8.h"
#include "domain/currency.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* Sizes that let the compiler prove each step of a path fits (err keeps 63 bytes of it). */
#define PRODUCT_GROUP_PREFIX_MAX 32  /* options[N] */
#define PRODUCT_CHOICE_PREFIX_MAX 64 /* options[N].choices[N] */
#define PRODUCT_PATH_MAX 96
/* A configuration cannot name more choices than a product may have without repeating one. */
#define PRODUCT_CHOSEN_MAX (PRODUCT_OPTION_GROUPS_MAX * PRODUCT_OPTION_CHOICES_MAX)

static const json_t *product_given(const json_t *object, const char *key)
{
    const json_t *value = json_object_get(object, key);
    return json_is_null(value) ? NULL : value;
}

/* A field error on "<prefix>.<key>" for every key of object not in allowed; false if any. */
static bool product_keys_check(const json_t *object, const char *prefix, const char *const *allowed,
                               size_t n_allowed, struct err *err)
{
    bool ok = true;
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)object, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < n_allowed && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (!known) {
            char path[PRODUCT_PATH_MAX];
            snprintf(path, sizeof(path), "%s.%s", prefix, key);
            err_field(err, path, "unknown field");
            ok = false;
        }
    }
    return ok;
}

/* A code: [a-z0-9_-]{1,40}, copied into the arena; NULL after a field error on path. */
static const char *product_code_read(struct arena *arena, const json_t *value, const char *path,
                                     struct err *err)
{
    if (value == NULL) {
        err_field(err, path, "is required");
        return NULL;
    }
    const char *s = json_string_value(value);
    size_t len = json_string_length(value);
    bool ok = json_is_string(value) && len >= 1 && len <= PRODUCT_OPTION_CODE_MAX;
    for (size_t i = 0; ok && i < len; i++) {
        char c = s[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
    if (!ok) {
        err_field(err, path, "must be 1 to %d characters of a-z, 0-9, _ and -",
                  PRODUCT_OPTION_CODE_MAX);
        return NULL;
    }
    return arena_strndup(arena, s, len);
}

/*
 * A name: trimmed, 1..200 characters, no control characters; copied into the
 * arena. NULL after a field error on path.
 */
static const char *product_name_read(struct arena *arena, const json_t *value, const char *path,
                                     struct err *err)
{
    if (value == NULL) {
        err_field(err, path, "is required");
        return NULL;
    }
    if (!json_is_string(value)) {
        err_field(err, path, "must be a string");
        return NULL;
    }
    struct str name = str_trim((struct str){json_string_value(value), json_string_length(value)});
    if (name.len == 0) {
        err_field(err, path, "must not be empty");
        return NULL;
    }
    for (size_t i = 0; i < name.len; i++) {
        if ((unsigned char)name.ptr[i] < 0x20 || name.ptr[i] == 0x7f) {
            err_field(err, path, "must not contain control characters");
            return NULL;
        }
    }
    if (utf8_count(name.ptr, name.len) > PRODUCT_OPTION_NAME_MAX_CHARS) {
        err_field(err, path, "must be at most %d characters", PRODUCT_OPTION_NAME_MAX_CHARS);
        return NULL;
    }
    return arena_strndup(arena, name.ptr, name.len);
}

/* A flag that defaults to false. */
static bool product_flag_read(const json_t *object, const char *prefix, const char *key, bool *out,
                              struct err *err)
{
    const json_t *value = product_given(object, key);
    *out = false;
    if (value == NULL)
        return true;
    if (json_is_boolean(value)) {
        *out = json_is_true(value);
        return true;
    }
    char path[PRODUCT_PATH_MAX];
    snprintf(path, sizeof(path), "%s.%s", prefix, key);
    err_field(err, path, "must be true or false");
    return false;
}

/* One choice, options[g].choices[c]; earlier holds the choices before it (codes NULL if bad). */
static bool product_choice_read(struct arena *arena, const json_t *item, const char *prefix,
                                const char *currency, const struct product_choice *earlier,
                                size_t n_earlier, struct product_choice *out, struct err *err)
{
    static const char *const allowed[] = {"code", "name", "price_delta"};
    char path[PRODUCT_PATH_MAX];
    if (!json_is_object(item)) {
        err_field(err, prefix, "must be an object");
        return false;
    }
    bool ok = product_keys_check(item, prefix, allowed, COUNT(allowed), err);

    snprintf(path, sizeof(path), "%s.code", prefix);
    out->code = product_code_read(arena, product_given(item, "code"), path, err);
    ok = out->code != NULL && ok;
    for (size_t i = 0; out->code != NULL && i < n_earlier; i++) {
        if (earlier[i].code != NULL && strcmp(earlier[i].code, out->code) == 0) {
            err_field(err, path, "is already the code of choice %zu of this option", i);
            ok = false;
            break;
        }
    }

    snprintf(path, sizeof(path), "%s.name", prefix);
    out->name = product_name_read(arena, product_given(item, "name"), path, err);
    ok = out->name != NULL && ok;

    snprintf(path, sizeof(path), "%s.price_delta", prefix);
    const json_t *delta = product_given(item, "price_delta");
    out->price_delta_minor = 0;
    if (delta != NULL && !json_is_string(delta)) {
        err_field(err, path, "must be a decimal string like \"%s\"",
                  currency_exponent(str_from_cstr(currency)) == 0 ? "-1050" : "-10.50");
        ok = false;
    } else if (delta != NULL) {
        struct str text = {json_string_value(delta), json_string_length(delta)};
        ok = currency_amount_parse(text, str_from_cstr(currency), &out->price_delta_minor, path,
                                   err) == 0 &&
             ok;
    }
    return ok;
}

/* One group, options[index]; earlier holds the groups before it (codes NULL if bad). */
static bool product_group_read(struct arena *arena, const json_t *item, size_t index,
                               const char *currency, const struct product_option_group *earlier,
                               struct product_option_group *out, struct err *err)
{
    static const char *const allowed[] = {"code", "name", "required", "exclusive", "choices"};
    char prefix[PRODUCT_GROUP_PREFIX_MAX], path[PRODUCT_PATH_MAX];
    snprintf(prefix, sizeof(prefix), "options[%zu]", index);
    if (!json_is_object(item)) {
        err_field(err, prefix, "must be an object");
        return false;
    }
    bool ok = product_keys_check(item, prefix, allowed, COUNT(allowed), err);

    snprintf(path, sizeof(path), "%s.code", prefix);
    out->code = product_code_read(arena, product_given(item, "code"), path, err);
    ok = out->code != NULL && ok;
    for (size_t i = 0; out->code != NULL && i < index; i++) {
        if (earlier[i].code != NULL && strcmp(earlier[i].code, out->code) == 0) {
            err_field(err, path, "is already the code of options[%zu]", i);
            ok = false;
            break;
        }
    }

    snprintf(path, sizeof(path), "%s.name", prefix);
    out->name = product_name_read(arena, product_given(item, "name"), path, err);
    ok = out->name != NULL && ok;
    ok = product_flag_read(item, prefix, "required", &out->required, err) && ok;
    ok = product_flag_read(item, prefix, "exclusive", &out->exclusive, err) && ok;

    snprintf(path, sizeof(path), "%s.choices", prefix);
    const json_t *choices = product_given(item, "choices");
    if (choices == NULL) {
        err_field(err, path, "is required");
        return false;
    }
    if (!json_is_array(choices)) {
        err_field(err, path, "must be an array");
        return false;
    }
    out->n_choices = json_array_size(choices);
    if (out->n_choices == 0 || out->n_choices > PRODUCT_OPTION_CHOICES_MAX) {
        err_field(err, path, "must have 1 to %d choices", PRODUCT_OPTION_CHOICES_MAX);
        return false;
    }
    out->choices = arena_alloc_array(arena, out->n_choices, sizeof(out->choices[0]));
    for (size_t i = 0; i < out->n_choices; i++) {
        char choice_prefix[PRODUCT_CHOICE_PREFIX_MAX];
        snprintf(choice_prefix, sizeof(choice_prefix), "%s.choices[%zu]", prefix, i);
        ok = product_choice_read(arena, json_array_get(choices, i), choice_prefix, currency,
                                 out->choices, i, &out->choices[i], err) &&
             ok;
    }
    return ok;
}

int product_options_parse(struct arena *arena, const json_t *options, const char *currency,
                          struct product_options *out, struct err *err)
{
    memset(out, 0, sizeof(*out));
    if (currency == NULL || strlen(currency) != 3 || currency_exponent(str_from_cstr(currency)) < 0)
        return err_field(err, "currency", "is not a currency this server knows (%s)",
                         currency == NULL ? "none" : currency);
    memcpy(out->currency, currency, 4);
    if (options == NULL || json_is_null(options))
        return 0;
    if (!json_is_array(options))
        return err_field(err, "options", "must be an array");
    size_t n = json_array_size(options);
    if (n > PRODUCT_OPTION_GROUPS_MAX)
        return err_field(err, "options", "must have at most %d option groups",
                         PRODUCT_OPTION_GROUPS_MAX);
    struct product_option_group *groups = arena_alloc_array(arena, n, sizeof(groups[0]));
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        ok = product_group_read(arena, json_array_get(options, i), i, currency, groups, &groups[i],
                                err) &&
             ok;
    if (!ok)
        return -ERR_VALIDATION;
    out->groups = groups;
    out->n_groups = n;
    return 0;
}

/* The index of the group or choice with this code, or -1. */
static int product_group_find(const struct product_options *options, const char *code)
{
    for (size_t i = 0; i < options->n_groups; i++) {
        if (strcmp(options->groups[i].code, code) == 0)
            return (int)i;
    }
    return -1;
}

static int product_choice_find(const struct product_option_group *group, const char *code)
{
    for (size_t i = 0; i < group->n_choices; i++) {
        if (strcmp(group->choices[i].code, code) == 0)
            return (int)i;
    }
    return -1;
}

int product_configure(const struct product_options *options, const json_t *chosen,
                      int64_t base_price_minor, int64_t *price_minor_out, struct err *err,
                      const char *path)
{
    static const char *const allowed[] = {"option", "choice"};
    size_t counts[PRODUCT_OPTION_GROUPS_MAX] = {0};
    bool seen[PRODUCT_OPTION_GROUPS_MAX][PRODUCT_OPTION_CHOICES_MAX] = {{false}};
    /* At most PRODUCT_CHOSEN_MAX deltas below 2^63 each: the sum cannot overflow 128 bits. */
    __extension__ __int128 price = base_price_minor;
    bool ok = true;

    if (chosen != NULL && !json_is_null(chosen) && !json_is_array(chosen))
        return err_field(err, path, "must be an array");
    size_t n = json_is_array(chosen) ? json_array_size(chosen) : 0;
    if (n > PRODUCT_CHOSEN_MAX)
        return err_field(err, path, "must have at most %d items", PRODUCT_CHOSEN_MAX);
    for (size_t k = 0; k < n; k++) {
        const json_t *item = json_array_get(chosen, k);
        char item_path[PRODUCT_PATH_MAX];
        snprintf(item_path, sizeof(item_path), "%s[%zu]", path, k);
        const char *option = json_string_value(json_object_get(item, "option"));
        const char *choice = json_string_value(json_object_get(item, "choice"));
        if (!json_is_object(item) || option == NULL || choice == NULL) {
            err_field(err, item_path,
                      "must be an object like {\"option\":\"size\",\"choice\":\"xl\"}");
            ok = false;
            continue;
        }
        if (!product_keys_check(item, item_path, allowed, COUNT(allowed), err)) {
            ok = false;
            continue;
        }
        int g = product_group_find(options, option);
        if (g < 0) {
            err_field(err, item_path, "names an unknown option \"%.64s\"", option);
            ok = false;
            continue;
        }
        const struct product_option_group *group = &options->groups[g];
        int c = product_choice_find(group, choice);
        if (c < 0) {
            err_field(err, item_path, "names an unknown choice \"%.64s\" of option %s", choice,
                      group->code);
            ok = false;
            continue;
        }
        if (seen[g][c]) {
            err_field(err, item_path, "repeats the choice %s of option %s", choice, group->code);
            ok = false;
            continue;
        }
        seen[g][c] = true;
        if (group->exclusive && counts[g] > 0) {
            err_field(err, item_path, "is a second choice of option %s, which allows only one",
                      group->code);
            ok = false;
            continue;
        }
        counts[g]++;
        price += group->choices[c].price_delta_minor;
    }
    for (size_t g = 0; g < options->n_groups; g++) {
        if (options->groups[g].required && counts[g] == 0) {
            err_field(err, path, "must include a choice of option %s", options->groups[g].code);
            ok = false;
        }
    }
    if (!ok)
        return -ERR_VALIDATION;
    if (price > INT64_MAX)
        return err_field(err, path, "would make the price too large");
    if (price < 0) {
        char text[MONEY_TEXT_MAX];
        if (price < INT64_MIN ||
            money_format((int64_t)price, str_from_cstr(options->currency), text, sizeof(text)) < 0)
            text[0] = '\0';
        return err_field(err, path, "must not bring the price below zero (%s)", text);
    }
    *price_minor_out = (int64_t)price;
    return 0;
}
