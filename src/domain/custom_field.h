/*
 * Custom fields: definitions made by an administrator at /api/v1/fields
 * (entity, name, label, one of 13 types, enum options, required) and the
 * validation of their values, which live under "custom" in each record.
 */
#ifndef CRM_DOMAIN_CUSTOM_FIELD_H
#define CRM_DOMAIN_CUSTOM_FIELD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "query/filter.h"

struct arena;

struct custom_type {
    const char *name; /* "multi_enum" */
    enum field_type type;
    size_t max_chars;
};

struct custom_field {
    int64_t id;
    const char *entity;
    const char *name;
    const char *label;
    const struct custom_type *type;
    json_t *options; /* array of strings; borrowed from the loaded row */
    bool required;
};

struct custom_fields {
    const struct custom_field *items;
    size_t n;
};

#define CUSTOM_FIELD_NAME_MAX 40
#define CUSTOM_FIELD_OPTIONS_MAX 200

const struct custom_type *custom_type_find(const char *name);
size_t custom_type_count(void);
const struct custom_type *custom_type_at(size_t index);

const struct custom_field *custom_fields_find(const struct custom_fields *fields,
                                              const char *name);

/*
 * Checks a definition body. On create every key is allowed except id and
 * the timestamps; on update only label, options and required (and `type`
 * is taken from `existing_type`). Fills *clean with the normalised values.
 */
int custom_field_validate_definition(const json_t *body, const struct custom_type *existing_type,
                                     json_t **clean, struct err *err);

/*
 * Checks one value against its definition; json null is always accepted
 * (clearing the value; `required` is enforced on the whole record). *clean
 * gets the normalised value (a new reference). `path` names the field in
 * errors ("custom.region").
 */
int custom_value_validate(const struct custom_field *field, const json_t *value, const char *path,
                          json_t **clean, struct err *err);

#endif
