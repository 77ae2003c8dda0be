/*
 * Validation of record bodies against an entity's field table and its
 * custom fields, plus the filter schema, sort keys and projections that the
 * list endpoints derive from the same tables. Every problem in a body is
 * reported at once, each naming its field ("emails[1]", "custom.region").
 */
#include "domain/record.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/money.h"
#include "base/str.h"
#include "base/utf8.h"
#include "domain/currency.h"

static bool is_blank(const char *s)
{
    for (; *s; s++) {
        if (!isspace((unsigned char)*s))
            return false;
    }
    return true;
}

/* Returns a trimmed copy in the arena. */
static const char *trimmed(struct arena *arena, const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    return arena_strndup(arena, s, len);
}

static bool has_control_chars(const char *s, bool allow_newlines)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')))
            return true;
        if (c == 0x7f)
            return true;
    }
    return false;
}

bool record_email_valid(const char *s)
{
    const char *at = strrchr(s, '@');
    if (at == NULL || at == s || at - s > 64 || strlen(s) > 254)
        return false;
    for (const char *p = s; p < at; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c == '@' || c == '(' || c == ')' || c == ',' || c == ';' || c == ':' ||
            c == '<' || c == '>' || c == '[' || c == ']' || c == '"' || c == '\\')
            return false;
    }
    const char *domain = at + 1;
    size_t label_len = 0;
    bool has_dot = false;
    for (const char *p = domain; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '.') {
            if (label_len == 0)
                return false;
            has_dot = true;
            label_len = 0;
            continue;
        }
        if (!(isalnum(c) || c == '-' || c >= 0x80))
            return false;
        label_len++;
    }
    return has_dot && label_len > 0;
}

bool record_phone_valid(const char *s)
{
    size_t digits = 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (isdigit(c))
            digits++;
        else if (!(c == '+' || c == ' ' || c == '(' || c == ')' || c == '-' || c == '.' ||
                   c == 'x' || c == '#' || c == '*' || c == '/'))
            return false;
    }
    return digits >= 3 && digits <= 20;
}

int record_datetime_normalise(const char *s, char *out)
{
    int64_t ms;
    if (strchr(s, 'T') == NULL || clock_parse_datetime(s, strlen(s), &ms) < 0)
        return -ERR_VALIDATION;
    clock_format_datetime(ms, out);
    return 0;
}

bool record_url_valid(const char *s)
{
    const char *rest = NULL;
    if (strncmp(s, "https://", 8) == 0)
        rest = s + 8;
    else if (strncmp(s, "http://", 7) == 0)
        rest = s + 7;
    if (rest == NULL || *rest == '\0' || *rest == '/')
        return false;
    for (const char *p = rest; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\')
            return false;
    }
    return true;
}

/* Adds https:// to a bare host name ("acme.com/about"). */
static const char *normalised_url(struct arena *arena, const char *s)
{
    if (strstr(s, "://") == NULL && strchr(s, '.') != NULL && strchr(s, ' ') == NULL)
        return arena_printf(arena, "https://%s", s);
    return s;
}

struct checker {
    struct arena *arena;
    struct err *err;
};

/*
 * Checks one text value: a string, trimmed when asked, no control characters,
 * at most max_chars code points. NULL result: error recorded, or the empty
 * string (then *empty is set).
 */
static const char *check_text(struct checker *c, const json_t *value, const char *path,
                              size_t max_chars, bool trim, bool allow_newlines, bool *empty)
{
    *empty = false;
    if (!json_is_string(value)) {
        err_field(c->err, path, "must be a string");
        return NULL;
    }
    const char *s = json_string_value(value);
    if (trim)
        s = trimmed(c->arena, s);
    if (*s == '\0') {
        *empty = true;
        return NULL;
    }
    if (has_control_chars(s, allow_newlines)) {
        err_field(c->err, path, "must not contain control characters");
        return NULL;
    }
    size_t max = max_chars ? max_chars : ENTITY_TEXT_MAX_CHARS;
    if (utf8_count(s, strlen(s)) > max) {
        err_field(c->err, path, "must be at most %zu characters", max);
        return NULL;
    }
    return s;
}

/* Validates a formatted string (email, phone, url, date) after the text checks. */
static json_t *check_formatted(struct checker *c, enum field_type type, const char *s,
                               const char *path)
{
    switch (type) {
    case FIELD_EMAIL:
        if (!record_email_valid(s)) {
            err_field(c->err, path, "is not a valid e-mail address");
            return NULL;
        }
        break;
    case FIELD_PHONE:
        if (!record_phone_valid(s)) {
            err_field(c->err, path, "is not a valid phone number");
            return NULL;
        }
        break;
    case FIELD_URL:
        s = normalised_url(c->arena, s);
        if (!record_url_valid(s)) {
            err_field(c->err, path, "is not a valid http(s) URL");
            return NULL;
        }
        break;
    case FIELD_DATE: {
        int64_t days;
        if (clock_parse_date(s, strlen(s), &days) < 0) {
            err_field(c->err, path, "must be a date like 2026-11-23");
            return NULL;
        }
        break;
    }
    case FIELD_DATETIME: {
        char out[CLOCK_DATETIME_LEN + 1];
        if (record_datetime_normalise(s, out) < 0) {
            err_field(c->err, path, "must be a date-time like 2026-11-23T10:00:00Z");
            return NULL;
        }
        return json_string(out);
    }
    default:
        break;
    }
    return json_string(s);
}

static bool option_allowed(const char *const *options, const char *value)
{
    for (; options != NULL && *options != NULL; options++) {
        if (strcmp(*options, value) == 0)
            return true;
    }
    return false;
}

static json_t *check_list(struct checker *c, const struct entity_field *f, const json_t *value)
{
    if (json_is_null(value))
        return json_array();
    if (!json_is_array(value)) {
        err_field(c->err, f->name, "must be a list of strings");
        return NULL;
    }
    if (json_array_size(value) > ENTITY_LIST_MAX_ITEMS) {
        err_field(c->err, f->name, "must have at most %d items", ENTITY_LIST_MAX_ITEMS);
        return NULL;
    }
    json_t *clean = json_array();
    size_t i;
    const json_t *item;
    json_array_foreach(value, i, item)
    {
        char path[96];
        snprintf(path, sizeof(path), "%s[%zu]", f->name, i);
        bool empty;
        const char *s = check_text(c, item, path, f->max_chars, true, false, &empty);
        if (empty) {
            err_field(c->err, path, "must not be empty");
            continue;
        }
        if (s == NULL)
            continue;
        json_t *v = check_formatted(c, f->item_type, s, path);
        if (v == NULL)
            continue;
        bool duplicate = false;
        size_t j;
        const json_t *seen;
        json_array_foreach(clean, j, seen)
        {
            if (strcasecmp(json_string_value(seen), json_string_value(v)) == 0)
                duplicate = true;
        }
        if (duplicate)
            json_decref(v);
        else
            json_array_append_new(clean, v);
    }
    return clean;
}

static json_t *check_string_object(struct checker *c, const struct entity_field *f,
                                   const json_t *value)
{
    if (json_is_null(value))
        return json_object();
    if (!json_is_object(value)) {
        err_field(c->err, f->name, "must be an object of strings");
        return NULL;
    }
    if (json_object_size(value) > 20) {
        err_field(c->err, f->name, "must have at most 20 entries");
        return NULL;
    }
    json_t *clean = json_object();
    const char *key;
    const json_t *item;
    json_object_foreach((json_t *)value, key, item)
    {
        char path[160];
        snprintf(path, sizeof(path), "%s.%.64s", f->name, key);
        if (strlen(key) == 0 || strlen(key) > 50 || has_control_chars(key, false)) {
            err_field(c->err, path, "keys must be 1 to 50 characters");
            continue;
        }
        bool empty;
        const char *s = check_text(c, item, path, f->max_chars, true, false, &empty);
        if (s != NULL)
            json_object_set_new(clean, key, json_string(s));
    }
    return clean;
}

/* Checks one column value; returns a new reference or NULL (error recorded or null value). */
static json_t *check_column(struct checker *c, const struct entity_field *f, const json_t *value)
{
    if (f->type == FIELD_TEXT_LIST)
        return check_list(c, f, value);
    if (f->object_of_strings)
        return check_string_object(c, f, value);
    if (json_is_null(value))
        return json_null();
    if (f->flags & FIELD_JSON) {
        if (!json_is_array(value) && !json_is_object(value)) {
            err_field(c->err, f->name, "must be a list");
            return NULL;
        }
        return json_deep_copy(value);
    }
    switch (f->type) {
    case FIELD_INTEGER:
        if (!json_is_integer(value) || json_integer_value(value) <= 0) {
            err_field(c->err, f->name, "must be a positive integer id");
            return NULL;
        }
        return json_integer(json_integer_value(value));
    case FIELD_NUMBER: {
        /* A decimal string ("20", "7.5"), as quantities and rates are written. */
        int64_t scaled;
        char text[MONEY_TEXT_MAX];
        if (json_is_integer(value))
            snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        else if (json_is_string(value))
            snprintf(text, sizeof(text), "%s", json_string_value(value));
        else
            text[0] = '\0';
        if (text[0] == '\0' || decimal_parse(str_from_cstr(text), RECORD_NUMBER_SCALE, &scaled) < 0) {
            err_field(c->err, f->name, "must be a decimal number like 7.5 (at most %d decimals)",
                      RECORD_NUMBER_SCALE);
            return NULL;
        }
        return json_string(record_number_text(scaled, text, sizeof(text)));
    }
    case FIELD_BOOL:
        if (!json_is_boolean(value)) {
            err_field(c->err, f->name, "must be true or false");
            return NULL;
        }
        return json_boolean(json_is_true(value));
    case FIELD_MONEY: {
        json_t *clean = NULL;
        int64_t minor;
        currency_money_validate(value, f->name, false, &clean, &minor, c->err);
        return clean;
    }
    case FIELD_ENUM:
        if (!json_is_string(value) || !option_allowed(f->options, json_string_value(value))) {
            err_field(c->err, f->name, "must be one of the allowed values");
            return NULL;
        }
        return json_string(json_string_value(value));
    default: {
        bool empty;
        const char *s = check_text(c, value, f->name, f->max_chars, (f->flags & FIELD_TRIMMED) != 0,
                                   (f->flags & FIELD_MULTILINE) != 0, &empty);
        if (empty)
            return json_null();
        if (s == NULL)
            return NULL;
        return check_formatted(c, f->type, s, f->name);
    }
    }
}

/* company_ids: [1,2] or companies: [{"id":1,"role":"Buyer"}] -> [{"id","role"}]. */
static json_t *check_links(struct checker *c, const char *key, const json_t *value, bool expanded)
{
    if (json_is_null(value))
        return json_array();
    if (!json_is_array(value) || json_array_size(value) > ENTITY_LIST_MAX_ITEMS) {
        err_field(c->err, key, "must be a list of at most %d items", ENTITY_LIST_MAX_ITEMS);
        return NULL;
    }
    json_t *clean = json_array();
    size_t i;
    const json_t *item;
    json_array_foreach(value, i, item)
    {
        char path[96];
        snprintf(path, sizeof(path), "%s[%zu]", key, i);
        const json_t *id = expanded ? json_object_get(item, "id") : item;
        const json_t *role = expanded ? json_object_get(item, "role") : NULL;
        if (expanded && !json_is_object(item)) {
            err_field(c->err, path, "must be an object with id and role");
            continue;
        }
        if (expanded) {
            const char *k;
            const json_t *v;
            json_object_foreach((json_t *)item, k, v)
            {
                if (strcmp(k, "id") != 0 && strcmp(k, "role") != 0 && strcmp(k, "name") != 0)
                    err_field(c->err, path, "unknown key '%.40s'", k);
            }
        }
        if (!json_is_integer(id) || json_integer_value(id) <= 0) {
            err_field(c->err, path, "must be a positive integer id");
            continue;
        }
        json_t *clean_role = json_null();
        if (role != NULL && !json_is_null(role)) {
            bool empty;
            const char *s = check_text(c, role, path, 100, true, false, &empty);
            if (s != NULL)
                clean_role = json_string(s);
        }
        bool duplicate = false;
        size_t j;
        const json_t *seen;
        json_array_foreach(clean, j, seen)
        {
            if (json_integer_value(json_object_get(seen, "id")) == json_integer_value(id))
                duplicate = true;
        }
        if (duplicate) {
            json_decref(clean_role);
            continue;
        }
        json_array_append_new(clean, json_pack("{s:I,s:o}", "id", (json_int_t)json_integer_value(id),
                                               "role", clean_role));
    }
    return clean;
}

static bool value_missing(const json_t *v)
{
    return v == NULL || json_is_null(v) || (json_is_string(v) && is_blank(json_string_value(v))) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

static void check_custom(struct checker *c, const struct custom_fields *custom,
                         const json_t *value, const json_t *existing_custom, json_t *changes)
{
    if (!json_is_object(value)) {
        err_field(c->err, "custom", "must be an object");
        return;
    }
    json_t *merged = existing_custom ? json_deep_copy(existing_custom) : json_object();
    const char *key;
    const json_t *item;
    json_object_foreach((json_t *)value, key, item)
    {
        char path[96];
        snprintf(path, sizeof(path), "custom.%.64s", key);
        const struct custom_field *def = custom_fields_find(custom, key);
        if (def == NULL) {
            err_field(c->err, path, "unknown field");
            continue;
        }
        json_t *clean = NULL;
        if (custom_value_validate(def, item, path, &clean, c->err) < 0)
            continue;
        if (def->required && value_missing(clean))
            err_field(c->err, path, "is required");
        if (json_is_null(clean)) {
            json_object_del(merged, key);
            json_decref(clean);
        } else {
            json_object_set_new(merged, key, clean);
        }
    }
    json_object_set_new(changes, "custom", merged);
}

const char *record_number_text(int64_t scaled, char *out, size_t out_size)
{
    int len = decimal_format(scaled, RECORD_NUMBER_SCALE, out, out_size);
    if (len <= 0) {
        snprintf(out, out_size, "0");
        return out;
    }
    while (len > 0 && out[len - 1] == '0')
        len--;
    if (len > 0 && out[len - 1] == '.')
        len--;
    out[len] = '\0';
    return out;
}

int record_validate(struct arena *arena, const struct entity *entity,
                    const struct custom_fields *custom, const json_t *body,
                    const json_t *existing, json_t **changes_out, struct err *err)
{
    struct checker c = {arena, err};
    *changes_out = NULL;
    if (!json_is_object(body))
        return err_set(err, ERR_BAD_REQUEST, "the body must be a JSON object");
    json_t *changes = json_object();
    const struct entity_links *links = entity->links;
    bool saw_links = false;
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)body, key, value)
    {
        if (strcmp(key, "custom") == 0) {
            check_custom(&c, custom, value, existing ? json_object_get(existing, "custom") : NULL,
                         changes);
            continue;
        }
        bool expanded = links != NULL && strcmp(key, links->expanded) == 0;
        const struct entity_field *f = expanded ? entity_field_find(entity, links->field)
                                                : entity_field_find(entity, key);
        if (f == NULL) {
            err_field(err, key, "unknown field");
            continue;
        }
        if (f->kind == FIELD_KIND_SYSTEM) {
            err_field(err, key, "is read-only");
            continue;
        }
        if (f->kind == FIELD_KIND_LINKS) {
            if (saw_links) {
                err_field(err, key, "send either %s or %s, not both", links->field,
                          links->expanded);
                continue;
            }
            saw_links = true;
            /* Kept under the key the client used, so later errors name it. */
            json_t *clean = check_links(&c, key, value, expanded);
            if (clean != NULL)
                json_object_set_new(changes, key, clean);
            continue;
        }
        json_t *clean = check_column(&c, f, value);
        if (clean == NULL)
            continue;
        if ((f->flags & FIELD_REQUIRED) && value_missing(clean))
            err_field(err, f->name, "is required");
        if ((f->flags & FIELD_CREATE_ONLY) && existing != NULL &&
            !json_equal(clean, json_object_get(existing, f->name)))
            err_field(err, f->name, "is set when the %s is created and cannot be changed here",
                      entity->singular);
        json_object_set_new(changes, f->name, clean);
    }
    if (existing == NULL) {
        for (size_t i = 0; i < entity->n_fields; i++) {
            const struct entity_field *f = &entity->fields[i];
            if ((f->flags & FIELD_REQUIRED) && json_object_get(body, f->name) == NULL)
                err_field(err, f->name, "is required");
        }
        const json_t *given = json_object_get(changes, "custom");
        for (size_t i = 0; custom != NULL && i < custom->n; i++) {
            const struct custom_field *def = &custom->items[i];
            if (def->required && value_missing(given ? json_object_get(given, def->name) : NULL) &&
                json_object_get(json_object_get(body, "custom"), def->name) == NULL) {
                char path[96];
                snprintf(path, sizeof(path), "custom.%s", def->name);
                err_field(err, path, "is required");
            }
        }
    }
    if (err->code == ERR_OK && entity->validate_record != NULL) {
        json_t *merged = existing ? json_deep_copy(existing) : json_object();
        json_object_update(merged, changes);
        entity->validate_record(arena, merged, err);
        /* The canonical forms validate_record wrote, of the fields being written. */
        const char *k;
        json_t *v;
        json_object_foreach(changes, k, v)
            json_object_set(changes, k, json_object_get(merged, k));
        json_decref(merged);
    }
    if (err->code != ERR_OK) {
        json_decref(changes);
        return -err->code;
    }
    *changes_out = changes;
    return 0;
}

const struct schema *record_filter_schema(struct arena *arena, const struct entity *entity,
                                          const struct custom_fields *custom)
{
    size_t n_custom = custom ? custom->n : 0;
    struct schema_field *fields =
        arena_alloc_array(arena, entity->n_fields + n_custom + 1, sizeof(*fields));
    size_t n = 0;
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (f->kind != FIELD_KIND_COLUMN && f->kind != FIELD_KIND_SYSTEM)
            continue;
        if (f->object_of_strings || (f->flags & FIELD_JSON))
            continue;
        /* Money filters and sorts by its amount in the base currency. */
        const char *column =
            f->type == FIELD_MONEY ? arena_printf(arena, "%s_base_minor", f->name) : f->name;
        fields[n++] = (struct schema_field){f->name, column, f->type, FIELD_IN_COLUMN,
                                            (f->flags & FIELD_SORTABLE) != 0};
    }
    if (entity->owner_alias != NULL)
        fields[n++] = (struct schema_field){entity->owner_alias, "owner_id", FIELD_INTEGER,
                                            FIELD_IN_COLUMN, true};
    for (size_t i = 0; i < n_custom; i++) {
        const struct custom_field *def = &custom->items[i];
        fields[n++] = (struct schema_field){arena_printf(arena, "custom.%s", def->name),
                                            def->name, def->type->type, FIELD_IN_CUSTOM,
                                            def->type->type != FIELD_MULTI_ENUM &&
                                                def->type->type != FIELD_BOOL};
    }
    struct schema *schema = arena_alloc(arena, sizeof(*schema));
    *schema = (struct schema){entity_table(entity), "custom", fields, n, entity->relations,
                              entity->n_relations};
    return schema;
}

int record_parse_sort(struct arena *arena, const struct schema *schema, const char *text,
                      struct sort_key *keys, size_t *n_keys, struct err *err)
{
    size_t n = 0;
    bool has_id = false;
    const char *p = text;
    while (p != NULL && *p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        bool descending = false;
        if (len > 0 && *p == '-') {
            descending = true;
            p++;
            len--;
        }
        if (len == 0)
            return err_set(err, ERR_BAD_REQUEST, "sort: empty key");
        const struct schema_field *f = schema_find_field(schema, p, len);
        if (f == NULL || !f->sortable)
            return err_set(err, ERR_BAD_REQUEST, "sort: '%.*s' is not a sortable field",
                           (int)(len > 64 ? 64 : len), p);
        if (n == RECORD_SORT_MAX_KEYS)
            return err_set(err, ERR_BAD_REQUEST, "sort: at most %d keys", RECORD_SORT_MAX_KEYS);
        for (size_t i = 0; i < n; i++) {
            if (keys[i].field == f)
                return err_set(err, ERR_BAD_REQUEST, "sort: '%s' given twice", f->name);
        }
        keys[n++] = (struct sort_key){f, descending};
        if (strcmp(f->name, "id") == 0)
            has_id = true;
        if (comma != NULL && comma[1] == '\0')
            return err_set(err, ERR_BAD_REQUEST, "sort: empty key");
        p = comma ? comma + 1 : NULL;
    }
    if (!has_id) {
        const struct schema_field *id = schema_find_field(schema, "id", 2);
        bool descending = n > 0 ? keys[n - 1].descending : true;
        keys[n++] = (struct sort_key){id, descending};
    }
    *n_keys = n;
    (void)arena;
    return 0;
}

int record_parse_projection(struct arena *arena, const struct entity *entity, const char *text,
                            const char ***names, size_t *n_names, struct err *err)
{
    *names = NULL;
    *n_names = 0;
    if (text == NULL)
        return 0;
    size_t cap = entity->n_fields + 4;
    const char **out = arena_alloc_array(arena, cap, sizeof(*out));
    size_t n = 0;
    const char *p = text;
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char *name = arena_strndup(arena, p, len);
        bool known = strcmp(name, "custom") == 0 ||
                     (entity->links && strcmp(name, entity->links->expanded) == 0) ||
                     entity_field_find(entity, name) != NULL;
        if (!known)
            return err_set(err, ERR_BAD_REQUEST, "fields: unknown field '%.64s'", name);
        if (n == cap)
            return err_set(err, ERR_BAD_REQUEST, "fields: too many fields");
        out[n++] = name;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    *names = out;
    *n_names = n;
    return 0;
}

static bool listed(const char *key, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], key) == 0)
            return true;
    }
    return false;
}

bool record_keys_check(const json_t *object, const char *prefix, const char *const *allowed,
                       size_t n_allowed, const char *const *read_only_list, size_t n_read_only,
                       struct err *err)
{
    bool ok = true;
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)object, key, value)
    {
        if (listed(key, allowed, n_allowed))
            continue;
        bool read_only = listed(key, read_only_list, n_read_only);
        char path[64];
        snprintf(path, sizeof(path), "%s%s", prefix, key);
        err_field(err, path, "%s", read_only ? "is read-only" : "unknown field");
        ok = false;
    }
    return ok;
}
