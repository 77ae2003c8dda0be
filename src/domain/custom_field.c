/*
 * Custom field definitions and value checks. The 13 types map onto the
 * filter language's field types, so a custom field filters and sorts like a
 * declared one.
 */
#include "domain/custom_field.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "domain/currency.h"
#include "domain/record.h"

static const struct custom_type custom_types[] = {
    {"text", FIELD_TEXT, 255},     {"textarea", FIELD_TEXT, 10000}, {"number", FIELD_NUMBER, 0},
    {"integer", FIELD_INTEGER, 0}, {"money", FIELD_MONEY, 0},       {"date", FIELD_DATE, 0},
    {"datetime", FIELD_DATETIME, 0}, {"bool", FIELD_BOOL, 0},       {"enum", FIELD_ENUM, 100},
    {"multi_enum", FIELD_MULTI_ENUM, 100}, {"email", FIELD_EMAIL, 254}, {"phone", FIELD_PHONE, 40},
    {"url", FIELD_URL, 1000},
};

#define N_TYPES (sizeof(custom_types) / sizeof(custom_types[0]))

const struct custom_type *custom_type_find(const char *name)
{
    for (size_t i = 0; i < N_TYPES; i++) {
        if (strcmp(custom_types[i].name, name) == 0)
            return &custom_types[i];
    }
    return NULL;
}

size_t custom_type_count(void)
{
    return N_TYPES;
}

const struct custom_type *custom_type_at(size_t index)
{
    return index < N_TYPES ? &custom_types[index] : NULL;
}

const struct custom_field *custom_fields_find(const struct custom_fields *fields, const char *name)
{
    for (size_t i = 0; fields != NULL && i < fields->n; i++) {
        if (strcmp(fields->items[i].name, name) == 0)
            return &fields->items[i];
    }
    return NULL;
}

static bool name_valid(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > CUSTOM_FIELD_NAME_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    }
    return true;
}

static bool is_enum(const struct custom_type *type)
{
    return type->type == FIELD_ENUM || type->type == FIELD_MULTI_ENUM;
}

static json_t *check_options(const json_t *options, struct err *err)
{
    if (!json_is_array(options) || json_array_size(options) == 0 ||
        json_array_size(options) > CUSTOM_FIELD_OPTIONS_MAX) {
        err_field(err, "options", "must be a list of 1 to %d strings", CUSTOM_FIELD_OPTIONS_MAX);
        return NULL;
    }
    json_t *clean = json_array();
    size_t i, j;
    const json_t *item, *seen;
    json_array_foreach(options, i, item)
    {
        char path[32];
        snprintf(path, sizeof(path), "options[%zu]", i);
        const char *s = json_string_value(item);
        if (s == NULL || *s == '\0' || utf8_count(s, strlen(s)) > 100) {
            err_field(err, path, "must be a non-empty string of at most 100 characters");
            continue;
        }
        json_array_foreach(clean, j, seen)
        {
            if (strcmp(json_string_value(seen), s) == 0)
                err_field(err, path, "is listed twice");
        }
        json_array_append_new(clean, json_string(s));
    }
    return clean;
}

int custom_field_validate_definition(const json_t *body, const struct custom_type *existing_type,
                                     json_t **clean_out, struct err *err)
{
    bool create = existing_type == NULL;
    *clean_out = NULL;
    if (!json_is_object(body))
        return err_set(err, ERR_BAD_REQUEST, "the body must be a JSON object");
    json_t *clean = json_object();
    const struct custom_type *type = existing_type;
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)body, key, value)
    {
        bool create_only = strcmp(key, "entity") == 0 || strcmp(key, "name") == 0 ||
                           strcmp(key, "type") == 0;
        bool writable = strcmp(key, "label") == 0 || strcmp(key, "options") == 0 ||
                        strcmp(key, "required") == 0 || strcmp(key, "position") == 0;
        if (!writable && !create_only) {
            bool read_only = strcmp(key, "id") == 0 || strcmp(key, "version") == 0 ||
                             strcmp(key, "created_at") == 0 || strcmp(key, "updated_at") == 0;
            err_field(err, key, read_only ? "is read-only" : "unknown field");
            continue;
        }
        if (create_only && !create) {
            err_field(err, key, "cannot be changed after the field is created");
            continue;
        }
        if (strcmp(key, "type") == 0) {
            type = json_is_string(value) ? custom_type_find(json_string_value(value)) : NULL;
            if (type == NULL)
                err_field(err, "type", "must be one of text, textarea, number, integer, money, "
                                       "date, datetime, bool, enum, multi_enum, email, phone, url");
            else
                json_object_set_new(clean, "type", json_string(type->name));
        } else if (strcmp(key, "required") == 0) {
            if (!json_is_boolean(value))
                err_field(err, key, "must be true or false");
            else
                json_object_set(clean, key, (json_t *)value);
        } else if (strcmp(key, "position") == 0) {
            if (!json_is_integer(value) || json_integer_value(value) < 0 ||
                json_integer_value(value) > 10000)
                err_field(err, key, "must be an integer from 0 to 10000");
            else
                json_object_set(clean, key, (json_t *)value);
        } else if (strcmp(key, "options") != 0) {
            const char *s = json_string_value(value);
            if (strcmp(key, "name") == 0 && (s == NULL || !name_valid(s)))
                err_field(err, key, "must start with a-z and hold only a-z, 0-9 and _ "
                                    "(at most %d characters)",
                          CUSTOM_FIELD_NAME_MAX);
            else if (strcmp(key, "entity") == 0 && (s == NULL || (strcmp(s, "companies") != 0 &&
                                                                  strcmp(s, "contacts") != 0)))
                err_field(err, key, "must be companies or contacts");
            else if (strcmp(key, "label") == 0 &&
                     (s == NULL || *s == '\0' || utf8_count(s, strlen(s)) > 100))
                err_field(err, key, "must be a non-empty string of at most 100 characters");
            else
                json_object_set_new(clean, key, json_string(s));
        }
    }
    if (create) {
        static const char *const required[] = {"entity", "name", "type"};
        for (size_t i = 0; i < 3; i++) {
            if (json_object_get(body, required[i]) == NULL)
                err_field(err, required[i], "is required");
        }
        if (json_object_get(body, "label") == NULL && json_is_string(json_object_get(body, "name")))
            json_object_set(clean, "label", json_object_get(body, "name"));
    }
    const json_t *options = json_object_get(body, "options");
    if (type != NULL && is_enum(type)) {
        if (options != NULL) {
            json_t *clean_options = check_options(options, err);
            if (clean_options)
                json_object_set_new(clean, "options", clean_options);
        } else if (create) {
            err_field(err, "options", "is required for enum fields");
        }
    } else if (options != NULL && !(json_is_array(options) && json_array_size(options) == 0)) {
        err_field(err, "options", "only enum and multi_enum fields have options");
    }
    if (err->code != ERR_OK) {
        json_decref(clean);
        return -err->code;
    }
    *clean_out = clean;
    return 0;
}

static bool option_listed(const json_t *options, const char *value)
{
    size_t i;
    const json_t *item;
    json_array_foreach(options, i, item)
    {
        if (strcmp(json_string_value(item), value) == 0)
            return true;
    }
    return false;
}

static int check_string(const struct custom_field *field, const json_t *value, const char *path,
                        struct err *err, const char **out)
{
    const char *s = json_string_value(value);
    if (s == NULL)
        return err_field(err, path, "must be a string");
    if (field->type->max_chars && utf8_count(s, strlen(s)) > field->type->max_chars)
        return err_field(err, path, "must be at most %zu characters", field->type->max_chars);
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 && !(field->type->max_chars > 1000 && (*p == '\n' || *p == '\t' || *p == '\r')))
            return err_field(err, path, "must not contain control characters");
    }
    *out = s;
    return 0;
}

int custom_value_validate(const struct custom_field *field, const json_t *value, const char *path,
                          json_t **clean, struct err *err)
{
    *clean = NULL;
    const char *s = NULL;
    if (json_is_null(value)) {
        *clean = json_null();
        return 0;
    }
    switch (field->type->type) {
    case FIELD_NUMBER:
        if (!json_is_number(value) || !isfinite(json_number_value(value)))
            return err_field(err, path, "must be a number");
        *clean = json_deep_copy(value);
        return 0;
    case FIELD_INTEGER:
        if (!json_is_integer(value))
            return err_field(err, path, "must be an integer");
        *clean = json_deep_copy(value);
        return 0;
    case FIELD_BOOL:
        if (!json_is_boolean(value))
            return err_field(err, path, "must be true or false");
        *clean = json_deep_copy(value);
        return 0;
    case FIELD_MONEY: {
        int64_t minor;
        return currency_money_validate(value, path, true, clean, &minor, err);
    }
    case FIELD_MULTI_ENUM: {
        if (!json_is_array(value))
            return err_field(err, path, "must be a list of allowed values");
        json_t *out = json_array();
        size_t i;
        const json_t *item;
        json_array_foreach(value, i, item)
        {
            if (!json_is_string(item) || !option_listed(field->options, json_string_value(item))) {
                json_decref(out);
                return err_field(err, path, "must hold only allowed values");
            }
            if (!option_listed(out, json_string_value(item)))
                json_array_append(out, (json_t *)item);
        }
        *clean = out;
        return 0;
    }
    default:
        break;
    }
    if (check_string(field, value, path, err, &s) < 0)
        return -err->code;
    switch (field->type->type) {
    case FIELD_ENUM:
        if (!option_listed(field->options, s))
            return err_field(err, path, "must be one of the allowed values");
        break;
    case FIELD_EMAIL:
        if (!record_email_valid(s))
            return err_field(err, path, "is not a valid e-mail address");
        break;
    case FIELD_PHONE:
        if (!record_phone_valid(s))
            return err_field(err, path, "is not a valid phone number");
        break;
    case FIELD_URL:
        if (!record_url_valid(s))
            return err_field(err, path, "is not a valid http(s) URL");
        break;
    case FIELD_DATE: {
        int64_t days;
        if (clock_parse_date(s, strlen(s), &days) < 0)
            return err_field(err, path, "must be a date like 2026-11-23");
        break;
    }
    case FIELD_DATETIME: {
        char text[CLOCK_DATETIME_LEN + 1];
        if (record_datetime_normalise(s, text) < 0)
            return err_field(err, path, "must be a date-time like 2026-11-23T10:00:00Z");
        *clean = json_string(text);
        return 0;
    }
    default:
        break;
    }
    *clean = json_string(s);
    return 0;
}
