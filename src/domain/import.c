/*
 * Import rules (domain/import.h): settings, targets, suggested mappings and
 * rows made into record bodies. Nothing here touches the store; the API
 * layer finds records by key and by name and writes them.
 */
#include "domain/import.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/record.h"
#include "formats/vcard.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const format_names[] = {"csv", "xlsx", "vcf"};
static const char *const mode_names[] = {"create", "update", "upsert"};
static const char *const duplicates_names[] = {"skip", "merge", "flag"};
static const char *const date_format_names[] = {"auto", "dmy", "mdy"};
static const char *const key_names[] = {"", "email", "phone", "external_id", "name_company"};
static const char *const address_targets[] = {
    "address.type",     "address.po_box", "address.extended",    "address.street",
    "address.locality", "address.region", "address.postal_code", "address.country"};

static const struct entity *const import_entities[] = {
    &entity_companies, &entity_contacts, &entity_leads,
    &entity_deals,     &entity_products, &entity_activities,
};

const char *import_format_name(enum import_format format)
{
    return format_names[format];
}

static bool name_ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n >= k && strcasecmp(name + n - k, suffix) == 0;
}

int import_format_detect(const char *file_name, const char *data, size_t len)
{
    const char *name = file_name != NULL ? file_name : "";
    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
        return IMPORT_XLSX;
    if (name_ends_with(name, ".xlsx"))
        return IMPORT_XLSX;
    size_t i = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    if (name_ends_with(name, ".vcf") || name_ends_with(name, ".vcard") ||
        (len - i >= 11 && strncasecmp(data + i, "BEGIN:VCARD", 11) == 0))
        return IMPORT_VCF;
    if (name_ends_with(name, ".xls"))
        return -1; /* the old binary format */
    return IMPORT_CSV;
}

bool import_entity_allowed(const struct entity *entity)
{
    for (size_t i = 0; i < COUNT(import_entities); i++) {
        if (import_entities[i] == entity)
            return true;
    }
    return false;
}

/* ---- targets ---- */

/* "company_id" -> "company": a field holding another record's id, mapped by that record's name. */
static const char *lookup_target(struct arena *arena, const struct entity_field *f)
{
    size_t n = strlen(f->name);
    if (f->references == NULL || f->type != FIELD_INTEGER || n < 4 ||
        strcmp(f->name + n - 3, "_id") != 0 || strcmp(f->name, "owner_id") == 0 ||
        strcmp(f->name, "parent_id") == 0 || strcmp(f->name, "price_list_id") == 0)
        return NULL;
    return arena != NULL ? arena_strndup(arena, f->name, n - 3) : f->name;
}

const char *import_lookup_entity(const struct entity *entity, const char *field)
{
    const struct entity_field *f = entity_field_find(entity, field);
    return f != NULL ? f->references : NULL;
}

/* Whether a column of entity's import may write field f. */
static bool field_importable(const struct entity_field *f)
{
    if (f->kind != FIELD_KIND_COLUMN || (f->flags & FIELD_JSON) != 0 || f->object_of_strings)
        return false;
    return f->type != FIELD_INTEGER || f->references == NULL;
}

static const char *type_name(enum field_type type)
{
    static const char *const names[] = {"text",     "number", "integer", "money",      "date",
                                        "datetime", "bool",   "enum",    "multi_enum", "email",
                                        "phone",    "url",    "list"};
    return (size_t)type < COUNT(names) ? names[type] : "text";
}

static void target_add(json_t *list, const char *name, const char *type, bool required, bool many)
{
    json_array_append_new(list, json_pack("{s:s,s:s,s:b,s:b}", "name", name, "type", type,
                                          "required", required, "list", many));
}

json_t *import_targets(const struct entity *entity, const struct custom_fields *custom)
{
    json_t *list = json_array();
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        char name[64];
        if (field_importable(f)) {
            target_add(list, f->name, type_name(f->type), (f->flags & FIELD_REQUIRED) != 0,
                       f->type == FIELD_TEXT_LIST || f->type == FIELD_MULTI_ENUM);
            if (f->type == FIELD_MONEY) {
                snprintf(name, sizeof(name), "%s.currency", f->name);
                target_add(list, name, "text", false, false);
            }
        } else if (f->kind == FIELD_KIND_COLUMN && lookup_target(NULL, f) != NULL) {
            snprintf(name, sizeof(name), "%.*s", (int)(strlen(f->name) - 3), f->name);
            target_add(list, name, "lookup", (f->flags & FIELD_REQUIRED) != 0, false);
        }
    }
    if (entity == &entity_contacts) {
        target_add(list, "company", "lookup", false, false);
        for (size_t i = 0; i < COUNT(address_targets); i++)
            target_add(list, address_targets[i], "text", false, false);
    }
    for (size_t i = 0; custom != NULL && i < custom->n; i++) {
        char name[CUSTOM_FIELD_NAME_MAX + 8];
        snprintf(name, sizeof(name), "custom.%s", custom->items[i].name);
        target_add(list, name, custom->items[i].type->name, custom->items[i].required,
                   custom->items[i].type->type == FIELD_MULTI_ENUM);
    }
    return list;
}

/* The target named name, from targets; NULL when there is none. */
static const json_t *target_find(const json_t *targets, const char *name)
{
    size_t i;
    const json_t *t;
    json_array_foreach(targets, i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "name")), name) == 0)
            return t;
    }
    return NULL;
}

/* ---- settings ---- */

static int name_index(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name != NULL && i < n; i++) {
        if (strcmp(names[i], name) == 0)
            return (int)i;
    }
    return -1;
}

/* An enumerated setting: its index, or def when absent; a field error when unknown. */
static int setting_choice(const json_t *settings, const char *key, const char *const *names,
                          size_t n, int def, struct err *err)
{
    const json_t *v = json_object_get(settings, key);
    if (v == NULL || json_is_null(v))
        return def;
    int i = name_index(names, n, json_string_value(v));
    if (i < 0 || (i == 0 && names[0][0] == '\0')) {
        char field[48];
        snprintf(field, sizeof(field), "settings.%s", key);
        err_field(err, field, "is not one of the choices");
        return def;
    }
    return i;
}

static bool column_exists(const char *const *columns, size_t n, const char *name)
{
    return name_index(columns, n, name) >= 0;
}

/* Whether the mapping maps some column to target. */
static bool mapping_targets(const json_t *mapping, const char *target)
{
    const char *column;
    const json_t *value;
    json_object_foreach((json_t *)mapping, column, value)
    {
        size_t i;
        const json_t *one;
        if (json_is_string(value) && strcmp(json_string_value(value), target) == 0)
            return true;
        json_array_foreach(value, i, one)
        {
            if (json_is_string(one) && strcmp(json_string_value(one), target) == 0)
                return true;
        }
    }
    return false;
}

static void mapping_check(const json_t *mapping, const json_t *targets, const char *const *columns,
                          size_t n_columns, struct err *err)
{
    json_t *seen = json_object();
    const char *column;
    const json_t *value;
    json_object_foreach((json_t *)mapping, column, value)
    {
        char field[300];
        snprintf(field, sizeof(field), "settings.mapping.%s", column);
        if (!column_exists(columns, n_columns, column)) {
            err_field(err, field, "the file has no such column");
            continue;
        }
        if (json_is_null(value))
            continue;
        json_t *list =
            json_is_array(value) ? json_incref((json_t *)value) : json_pack("[O]", value);
        size_t i;
        const json_t *one;
        json_array_foreach(list, i, one)
        {
            const char *name = json_string_value(one);
            const json_t *target = name != NULL ? target_find(targets, name) : NULL;
            if (target == NULL) {
                err_field(err, field, "%s is not a field this import can write",
                          name != NULL ? name : "the value");
                continue;
            }
            if (json_object_get(seen, name) != NULL &&
                !json_is_true(json_object_get(target, "list"))) {
                err_field(err, field, "%s is mapped from another column already", name);
                continue;
            }
            json_object_set_new(seen, name, json_true());
        }
        json_decref(list);
    }
    json_decref(seen);
}

/* The key: its kind and field; a field error when it does not fit the entity. */
static void key_parse(const struct entity *entity, const json_t *settings,
                      struct import_settings *out, struct err *err)
{
    const char *key = json_string_value(json_object_get(settings, "key"));
    out->key = IMPORT_KEY_NONE;
    out->key_field = NULL;
    if (key == NULL || key[0] == '\0')
        return;
    int i = name_index(key_names, COUNT(key_names), key);
    bool has_email =
        entity_field_find(entity, "emails") != NULL || entity_field_find(entity, "email") != NULL;
    bool has_phone =
        entity_field_find(entity, "phones") != NULL || entity_field_find(entity, "phone") != NULL;
    if ((i == IMPORT_KEY_EMAIL && has_email) || (i == IMPORT_KEY_PHONE && has_phone) ||
        (i == IMPORT_KEY_EXTERNAL_ID && entity_field_find(entity, "external_id") != NULL) ||
        (i == IMPORT_KEY_NAME_COMPANY && entity == &entity_contacts)) {
        out->key = (enum import_key)i;
        out->key_field = key_names[i];
        return;
    }
    const struct entity_field *f = entity_field_find(entity, key);
    if (i < 0 && f != NULL && (f->flags & FIELD_UNIQUE) != 0) {
        out->key = IMPORT_KEY_FIELD;
        out->key_field = f->name;
        return;
    }
    err_field(err, "settings.key",
              "must be email, phone, external_id, name_company or a "
              "unique field of %s",
              entity->name);
}

/* The target a key needs mapped. */
static const char *key_target(const struct entity *entity, const struct import_settings *s)
{
    switch (s->key) {
    case IMPORT_KEY_EMAIL:
        return entity_field_find(entity, "emails") != NULL ? "emails" : "email";
    case IMPORT_KEY_PHONE:
        return entity_field_find(entity, "phones") != NULL ? "phones" : "phone";
    case IMPORT_KEY_NAME_COMPANY:
        return "company";
    case IMPORT_KEY_NONE:
        return NULL;
    default:
        return s->key_field;
    }
}

int import_settings_parse(const struct entity *entity, const struct custom_fields *custom,
                          const json_t *settings, const char *const *columns, size_t n_columns,
                          struct import_settings *out, struct err *err)
{
    static const char *const allowed[] = {"mapping",         "mode",       "key",
                                          "duplicates",      "encoding",   "separator",
                                          "default_country", "date_format"};
    static const char *const encodings[] = {"auto", "utf-8", "windows-1251"};
    json_t *empty = json_object();
    if (settings == NULL || json_is_null(settings))
        settings = empty;
    memset(out, 0, sizeof(*out));
    memcpy(out->default_country, "RU", 3);
    if (!json_is_object(settings)) {
        json_decref(empty);
        err_set(err, ERR_VALIDATION, "settings must be a JSON object");
        return err_field(err, "settings", "must be a JSON object");
    }
    record_keys_check(settings, "settings.", allowed, COUNT(allowed), NULL, 0, err);
    out->mode = (enum import_mode)setting_choice(settings, "mode", mode_names, COUNT(mode_names),
                                                 IMPORT_CREATE, err);
    out->duplicates = (enum import_duplicates)setting_choice(
        settings, "duplicates", duplicates_names, COUNT(duplicates_names), IMPORT_DUPLICATES_FLAG,
        err);
    out->encoding = (enum csv_encoding)setting_choice(settings, "encoding", encodings,
                                                      COUNT(encodings), CSV_ENCODING_AUTO, err);
    out->date_format =
        (enum import_date_format)setting_choice(settings, "date_format", date_format_names,
                                                COUNT(date_format_names), IMPORT_DATES_AUTO, err);
    const json_t *separator = json_object_get(settings, "separator");
    const char *sep = json_string_value(separator);
    if (separator != NULL && !json_is_null(separator)) {
        if (sep == NULL || strlen(sep) > 1 || (sep[0] != '\0' && strchr(",;\t|", sep[0]) == NULL))
            err_field(err, "settings.separator", "must be one of , ; | or a tab, or empty");
        else
            out->separator = sep[0];
    }
    const json_t *country = json_object_get(settings, "default_country");
    const char *cc = json_string_value(country);
    if (country != NULL && !json_is_null(country)) {
        if (cc == NULL || strlen(cc) != 2 || !isalpha((unsigned char)cc[0]) ||
            !isalpha((unsigned char)cc[1]))
            err_field(err, "settings.default_country", "must be a two-letter country code");
        else
            snprintf(out->default_country, sizeof(out->default_country), "%c%c",
                     toupper((unsigned char)cc[0]), toupper((unsigned char)cc[1]));
    }
    key_parse(entity, settings, out, err);
    const json_t *mapping = json_object_get(settings, "mapping");
    json_t *targets = import_targets(entity, custom);
    if (mapping != NULL && !json_is_null(mapping) && !json_is_object(mapping))
        err_field(err, "settings.mapping", "must be an object of column: field");
    else if (json_is_object(mapping))
        mapping_check(mapping, targets, columns, n_columns, err);
    out->mapping = json_is_object(mapping) ? json_deep_copy(mapping) : json_object();
    json_decref(targets);
    const char *needed = key_target(entity, out);
    if (out->mode != IMPORT_CREATE && out->key == IMPORT_KEY_NONE)
        err_field(err, "settings.key", "updating existing records needs a key to find them by");
    else if (needed != NULL && !mapping_targets(out->mapping, needed) &&
             json_object_size(out->mapping) > 0)
        err_field(err, "settings.key", "no column is mapped to %s", needed);
    if (out->key == IMPORT_KEY_NAME_COMPANY && !mapping_targets(out->mapping, "last_name") &&
        !mapping_targets(out->mapping, "first_name") && json_object_size(out->mapping) > 0)
        err_field(err, "settings.key", "no column is mapped to the contact's name");
    json_decref(empty);
    if (err->n_fields > 0) {
        import_settings_release(out);
        if (err->code == 0)
            err_set(err, ERR_VALIDATION, "the import's settings are not valid");
        return -ERR_VALIDATION;
    }
    return 0;
}

void import_settings_release(struct import_settings *settings)
{
    json_decref(settings->mapping);
    settings->mapping = NULL;
}

json_t *import_settings_json(const struct import_settings *s)
{
    static const char *const encodings[] = {"auto", "utf-8", "windows-1251"};
    char separator[2] = {s->separator, '\0'};
    return json_pack("{s:O,s:s,s:s?,s:s,s:s,s:s,s:s,s:s}", "mapping", s->mapping, "mode",
                     mode_names[s->mode], "key", s->key == IMPORT_KEY_NONE ? NULL : s->key_field,
                     "duplicates", duplicates_names[s->duplicates], "encoding",
                     encodings[s->encoding], "separator", separator, "default_country",
                     s->default_country, "date_format", date_format_names[s->date_format]);
}

/* ---- suggested mappings ---- */

/*
 * A header reduced for comparison: letters and digits only, Latin and
 * Cyrillic in lower case (Ё as Е); other characters beyond ASCII kept.
 */
static void header_fold(const char *header, char *out, size_t size)
{
    size_t n = 0, len = strlen(header);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t used = utf8_decode(header + i, len - i, &cp);
        if (used == 0)
            break;
        i += used;
        if (cp < 0x80 && !isalnum((int)cp))
            continue;
        if (cp < 0x80)
            cp = (uint32_t)tolower((int)cp);
        else if (cp >= 0x410 && cp <= 0x42F)
            cp += 0x20;
        else if (cp == 0x401 || cp == 0x451)
            cp = 0x435;
        char bytes[4];
        size_t k = utf8_encode(cp, bytes);
        if (n + k + 1 > size)
            break;
        memcpy(out + n, bytes, k);
        n += k;
    }
    out[n] = '\0';
}

struct synonym {
    const char *header; /* folded */
    const char *target;
};

/*
 * Header names of common exports and their targets; "*email" means the
 * entity's e-mail field (emails or email), "*phone" likewise, "*name" the
 * company's or product's name.
 */
static const struct synonym synonyms[] = {
    {"firstname", "first_name"},
    {"givenname", "first_name"},
    {"first", "first_name"},
    {"last", "last_name"},
    {"имя", "first_name"},
    {"lastname", "last_name"},
    {"familyname", "last_name"},
    {"surname", "last_name"},
    {"фамилия", "last_name"},
    {"email", "*email"},
    {"emailaddress", "*email"},
    {"email1value", "*email"},
    {"email2value", "*email"},
    {"email3value", "*email"},
    {"email2address", "*email"},
    {"email3address", "*email"},
    {"mail", "*email"},
    {"почта", "*email"},
    {"электроннаяпочта", "*email"},
    {"phone", "*phone"},
    {"telephone", "*phone"},
    {"mobile", "*phone"},
    {"mobilephone", "*phone"},
    {"businessphone", "*phone"},
    {"businessphone2", "*phone"},
    {"homephone", "*phone"},
    {"primaryphone", "*phone"},
    {"phone1value", "*phone"},
    {"phone2value", "*phone"},
    {"phone3value", "*phone"},
    {"телефон", "*phone"},
    {"мобильный", "*phone"},
    {"company", "company"},
    {"organization", "company"},
    {"organization1name", "company"},
    {"organizationname", "company"},
    {"компания", "company"},
    {"организация", "company"},
    {"account", "company"},
    {"jobtitle", "position"},
    {"title", "position"},
    {"organization1title", "position"},
    {"organizationtitle", "position"},
    {"position", "position"},
    {"должность", "position"},
    {"birthday", "birthday"},
    {"деньрождения", "birthday"},
    {"датарождения", "birthday"},
    {"labels", "tags"},
    {"categories", "tags"},
    {"groupmembership", "tags"},
    {"tags", "tags"},
    {"теги", "tags"},
    {"website", "website"},
    {"webpage", "website"},
    {"website1value", "website"},
    {"сайт", "website"},
    {"externalid", "external_id"},
    {"id", "external_id"},
    {"street", "address.street"},
    {"address1street", "address.street"},
    {"businessstreet", "address.street"},
    {"homestreet", "address.street"},
    {"улица", "address.street"},
    {"city", "address.locality"},
    {"address1city", "address.locality"},
    {"businesscity", "address.locality"},
    {"homecity", "address.locality"},
    {"город", "address.locality"},
    {"region", "address.region"},
    {"state", "address.region"},
    {"address1region", "address.region"},
    {"businessstate", "address.region"},
    {"postalcode", "address.postal_code"},
    {"zip", "address.postal_code"},
    {"address1postalcode", "address.postal_code"},
    {"businesspostalcode", "address.postal_code"},
    {"индекс", "address.postal_code"},
    {"country", "address.country"},
    {"address1country", "address.country"},
    {"businesscountryregion", "address.country"},
    {"страна", "address.country"},
    {"industry", "industry"},
    {"sector", "industry"},
    {"отрасль", "industry"},
    {"source", "source"},
    {"источник", "source"},
    {"name", "*name"},
    {"название", "*name"},
    {"sku", "sku"},
    {"артикул", "sku"},
    {"price", "price"},
    {"цена", "price"},
    {"amount", "amount"},
    {"сумма", "amount"},
    {"subject", "subject"},
    {"тема", "subject"},
    {"date", "at"},
    {"дата", "at"},
    {"stage", "stage"},
    {"стадия", "stage"},
    {"pipeline", "pipeline"},
    {"воронка", "pipeline"},
    {"currency", "*currency"},
    {"валюта", "*currency"},
    {"description", "description"},
    {"notes", "body"},
    {"body", "body"},
};

/* Maven dataset files, by entity: column -> target(s). */
struct preset_column {
    const char *column;
    const char *targets[2];
};

static const struct preset_column maven_deals[] = {
    {"opportunity_id", {"external_id", "title"}},
    {"account", {"company", NULL}},
    {"product", {"product", NULL}},
    {"deal_stage", {"stage", NULL}},
    {"close_date", {"expected_close", NULL}},
    {"close_value", {"amount", NULL}},
};
static const struct preset_column maven_companies[] = {
    {"account", {"name", NULL}},
    {"sector", {"industry", NULL}},
};
static const struct preset_column maven_products[] = {
    {"product", {"sku", "name"}},
    {"sales_price", {"price", NULL}},
    {"series", {"series", NULL}},
};
static const struct preset_column maven_activities[] = {
    {"InvoiceNo", {"order_number", NULL}},
    {"InvoiceDate", {"at", NULL}},
    {"Description", {"subject", NULL}},
};

/* The target a synonym names for entity, or NULL when entity has none such. */
static const char *synonym_target(const struct entity *entity, const json_t *targets,
                                  const char *target)
{
    const char *name = target;
    if (strcmp(target, "*email") == 0)
        name = entity_field_find(entity, "emails") != NULL ? "emails" : "email";
    else if (strcmp(target, "*phone") == 0)
        name = entity_field_find(entity, "phones") != NULL ? "phones" : "phone";
    else if (strcmp(target, "*name") == 0)
        name = entity == &entity_deals ? "title" : "name";
    else if (strcmp(target, "*currency") == 0)
        name = entity_field_find(entity, "price") != NULL ? "price.currency" : "amount.currency";
    else if (strcmp(target, "position") == 0 && entity != &entity_contacts)
        name = entity_field_find(entity, "title") != NULL ? "title" : "position";
    else if (strcmp(target, "company") == 0 && entity == &entity_companies)
        name = "name";
    else if (strcmp(target, "at") == 0 && entity == &entity_deals)
        name = "expected_close";
    return target_find(targets, name) != NULL ? name : NULL;
}

static bool columns_have(const char *const *columns, size_t n, const struct preset_column *p,
                         size_t n_p)
{
    for (size_t i = 0; i < n_p; i++) {
        if (!column_exists(columns, n, p[i].column))
            return false;
    }
    return true;
}

json_t *import_mapping_suggest(const struct entity *entity, const struct custom_fields *custom,
                               const char *const *columns, size_t n_columns, const char **source)
{
    json_t *targets = import_targets(entity, custom);
    json_t *mapping = json_object();
    const struct preset_column *preset = NULL;
    size_t n_preset = 0;
    if (entity == &entity_deals)
        preset = maven_deals, n_preset = COUNT(maven_deals);
    else if (entity == &entity_companies)
        preset = maven_companies, n_preset = COUNT(maven_companies);
    else if (entity == &entity_products)
        preset = maven_products, n_preset = COUNT(maven_products);
    else if (entity == &entity_activities)
        preset = maven_activities, n_preset = COUNT(maven_activities);
    *source = "headers";
    if (preset != NULL && columns_have(columns, n_columns, preset, n_preset)) {
        *source = entity == &entity_activities ? "preset:online-retail" : "preset:maven";
        for (size_t i = 0; i < n_preset; i++) {
            json_t *list = json_array();
            for (size_t t = 0; t < 2 && preset[i].targets[t] != NULL; t++) {
                if (target_find(targets, preset[i].targets[t]) != NULL)
                    json_array_append_new(list, json_string(preset[i].targets[t]));
            }
            if (json_array_size(list) == 1)
                json_object_set(mapping, preset[i].column, json_array_get(list, 0));
            else if (json_array_size(list) > 1)
                json_object_set(mapping, preset[i].column, list);
            json_decref(list);
        }
    } else {
        bool google = column_exists(columns, n_columns, "E-mail 1 - Value");
        bool outlook = column_exists(columns, n_columns, "E-mail Address") &&
                       column_exists(columns, n_columns, "Business Phone");
        if (google)
            *source = "preset:google";
        else if (outlook)
            *source = "preset:outlook";
        json_t *seen = json_object();
        for (size_t c = 0; c < n_columns; c++) {
            char folded[128];
            header_fold(columns[c], folded, sizeof(folded));
            const char *target = NULL;
            if (target_find(targets, columns[c]) != NULL)
                target = columns[c];
            for (size_t s = 0; target == NULL && s < COUNT(synonyms); s++) {
                if (strcmp(folded, synonyms[s].header) == 0)
                    target = synonym_target(entity, targets, synonyms[s].target);
            }
            if (target == NULL)
                continue;
            const json_t *t = target_find(targets, target);
            if (json_object_get(seen, target) != NULL && !json_is_true(json_object_get(t, "list")))
                continue;
            json_object_set_new(seen, target, json_true());
            json_object_set_new(mapping, columns[c], json_string(target));
        }
        json_decref(seen);
    }
    json_decref(targets);
    return mapping;
}

const char *import_source_key(struct arena *arena, const char *const *columns, size_t n_columns)
{
    /* FNV-1a over the folded headers in order: the same export program, the same key. */
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t c = 0; c < n_columns; c++) {
        char folded[256];
        header_fold(columns[c], folded, sizeof(folded));
        for (const char *p = folded; *p != '\0'; p++) {
            h ^= (unsigned char)*p;
            h *= UINT64_C(1099511628211);
        }
        h ^= 0x1F;
        h *= UINT64_C(1099511628211);
    }
    return arena_printf(arena, "%zu:%016llx", n_columns, (unsigned long long)h);
}

/* ---- rows into bodies ---- */

/* Cell text trimmed, in arena. */
static const char *cell_text(struct arena *arena, struct str cell)
{
    struct str t = str_trim(cell);
    return str_to_cstr(arena, t);
}

/*
 * "1 234,50", "1,234.50", "1.234,5" or "1234.5" into canonical decimal
 * text; NULL when not a number. With both '.' and ',' the last one is the
 * decimal mark; with one kind only, it is the mark when it appears once,
 * unless it is a ',' followed by exactly three digits ("1,234").
 */
static const char *decimal_text(struct arena *arena, const char *s)
{
    const char *last_dot = strrchr(s, '.'), *last_comma = strrchr(s, ',');
    const char *mark = NULL;
    if (last_dot != NULL && last_comma != NULL)
        mark = last_dot > last_comma ? last_dot : last_comma;
    else if (last_dot != NULL && strchr(s, '.') == last_dot)
        mark = last_dot;
    else if (last_comma != NULL && strchr(s, ',') == last_comma && strlen(last_comma + 1) != 3)
        mark = last_comma;
    char out[64];
    size_t n = 0;
    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (n + 2 >= sizeof(out))
            return NULL;
        if (isdigit(c) || ((c == '-' || c == '+') && n == 0 && p == s))
            out[n++] = (char)c;
        else if (p == mark)
            out[n++] = '.';
        else if (c == 0xC2 && (unsigned char)p[1] == 0xA0)
            p++; /* a no-break space between thousands */
        else if (c != ' ' && c != ',' && c != '.' && c != '\'')
            return NULL;
    }
    out[n] = '\0';
    if (n == 0 || !isdigit((unsigned char)out[n - 1]))
        return NULL;
    return arena_strdup(arena, out[0] == '+' ? out + 1 : out);
}

/* A date cell as "YYYY-MM-DD" (time part kept for datetimes as given); NULL when not a date. */
static const char *date_text(struct arena *arena, const char *s, enum import_date_format order,
                             bool with_time)
{
    int a, b, c, used = 0;
    char sep1, sep2;
    if (sscanf(s, "%4d-%2d-%2d%n", &a, &b, &c, &used) == 3 && used == 10) {
        if (!with_time || s[10] == '\0')
            return with_time ? arena_printf(arena, "%.10sT00:00:00Z", s)
                             : arena_strndup(arena, s, 10);
        return arena_strdup(arena, s);
    }
    if (sscanf(s, "%2d%c%2d%c%4d%n", &a, &sep1, &b, &sep2, &c, &used) != 5 || sep1 != sep2 ||
        strchr("./-", sep1) == NULL)
        return NULL;
    /* auto: "/" is month first (US exports) unless the first part cannot be a month. */
    bool month_first = order == IMPORT_DATES_MDY ||
                       (order == IMPORT_DATES_AUTO && ((sep1 == '/' && a <= 12) || b > 12));
    int day = month_first ? b : a, month = month_first ? a : b;
    if (c < 100)
        c += c < 70 ? 2000 : 1900;
    const char *rest = s + used;
    while (*rest == ' ')
        rest++;
    int hh = 0, mm = 0, ss = 0;
    if (with_time && *rest != '\0' && sscanf(rest, "%2d:%2d:%2d", &hh, &mm, &ss) < 2)
        return NULL;
    if (with_time)
        return arena_printf(arena, "%04d-%02d-%02dT%02d:%02d:%02dZ", c, month, day, hh, mm, ss);
    return arena_printf(arena, "%04d-%02d-%02d", c, month, day);
}

static int bool_value(const char *s)
{
    static const char *const yes[] = {"1", "true", "yes", "y", "да", "x", "on"};
    static const char *const no[] = {"0", "false", "no", "n", "нет", "off"};
    for (size_t i = 0; i < COUNT(yes); i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
    }
    for (size_t i = 0; i < COUNT(no); i++) {
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* Splits a list cell on ";", "," (not for phones) and ":::" into arr. */
static void list_append(json_t *arr, const char *s, bool commas)
{
    const char *p = s;
    while (*p != '\0') {
        size_t n = 0;
        while (p[n] != '\0' && p[n] != ';' && !(commas && p[n] == ',') &&
               strncmp(p + n, ":::", 3) != 0 && p[n] != '\n')
            n++;
        struct str item = str_trim((struct str){p, n});
        if (item.len > 0) {
            json_t *v = json_stringn(item.ptr, item.len);
            bool dup = false;
            size_t i;
            json_t *old;
            json_array_foreach(arr, i, old) dup = dup || json_equal(old, v);
            if (!dup && v != NULL)
                json_array_append(arr, v);
            json_decref(v);
        }
        p += n;
        p += strncmp(p, ":::", 3) == 0 ? 3 : (*p != '\0' ? 1 : 0);
    }
}

/* A money cell: "1 234,50 RUB", "USD 10", "10.5" (currency from the row or the default). */
static json_t *money_value(struct arena *arena, const char *s, const char *currency)
{
    char code[4] = "";
    const char *number = s;
    size_t len = strlen(s);
    if (len > 4 && isalpha((unsigned char)s[len - 1]) && s[len - 4] == ' ') {
        snprintf(code, sizeof(code), "%s", s + len - 3);
        number = arena_strndup(arena, s, len - 4);
    } else if (len > 4 && isalpha((unsigned char)s[0]) && s[3] == ' ') {
        snprintf(code, sizeof(code), "%.3s", s);
        number = s + 4;
    }
    const char *amount = decimal_text(arena, number);
    if (amount == NULL)
        return NULL;
    for (char *p = code; *p != '\0'; p++)
        *p = (char)toupper((unsigned char)*p);
    return json_pack("{s:s,s:s}", "amount", amount, "currency",
                     code[0] != '\0' ? code : (currency != NULL ? currency : "EUR"));
}

/* An enumeration's option matching s without case; NULL: none. */
static const char *enum_option(const char *const *options, const json_t *custom_options,
                               const char *s)
{
    for (size_t i = 0; options != NULL && options[i] != NULL; i++) {
        if (strcasecmp(options[i], s) == 0)
            return options[i];
    }
    size_t i;
    const json_t *o;
    json_array_foreach(custom_options, i, o)
    {
        if (strcasecmp(json_string_value(o), s) == 0)
            return json_string_value(o);
    }
    return NULL;
}

/* The JSON value of one cell for a field of type; NULL with a field error when it is not one. */
static json_t *cell_value(struct arena *arena, enum field_type type, const char *const *options,
                          const json_t *custom_options, const char *text,
                          const struct import_settings *s, const char *currency, const char *column,
                          struct err *err)
{
    const char *v;
    json_t *value;
    int b;
    switch (type) {
    case FIELD_NUMBER:
        if ((v = decimal_text(arena, text)) != NULL)
            return json_string(v);
        break;
    case FIELD_INTEGER:
        if ((v = decimal_text(arena, text)) != NULL && strchr(v, '.') == NULL)
            return json_integer(strtoll(v, NULL, 10));
        break;
    case FIELD_MONEY:
        if ((value = money_value(arena, text, currency)) == NULL)
            err_field(err, column, "is not an amount");
        return value;
    case FIELD_DATE:
    case FIELD_DATETIME:
        if ((v = date_text(arena, text, s->date_format, type == FIELD_DATETIME)) != NULL)
            return json_string(v);
        err_field(err, column, "is not a date");
        return NULL;
    case FIELD_BOOL:
        if ((b = bool_value(text)) >= 0)
            return json_boolean(b);
        err_field(err, column, "is not yes or no");
        return NULL;
    case FIELD_ENUM:
        if ((v = enum_option(options, custom_options, text)) != NULL)
            return json_string(v);
        err_field(err, column, "is not one of the choices");
        return NULL;
    default:
        return json_string(text);
    }
    err_field(err, column, "is not a number");
    return NULL;
}

/* Sets one mapped target from a cell into body, custom, address or lookups. */
static void target_set(struct arena *arena, const struct entity *entity,
                       const struct custom_fields *custom, const struct import_settings *s,
                       const char *target, const char *text, const char *currency,
                       const char *column, json_t *body, json_t *lookups, struct err *err)
{
    if (strncmp(target, "custom.", 7) == 0) {
        const struct custom_field *cf = NULL;
        for (size_t i = 0; custom != NULL && i < custom->n; i++) {
            if (strcmp(custom->items[i].name, target + 7) == 0)
                cf = &custom->items[i];
        }
        if (cf == NULL)
            return;
        json_t *bag = json_object_get(body, "custom");
        if (bag == NULL)
            json_object_set_new(body, "custom", bag = json_object());
        json_t *value = NULL;
        if (cf->type->type == FIELD_MULTI_ENUM || cf->type->type == FIELD_TEXT_LIST) {
            value = json_array();
            list_append(value, text, true);
        } else {
            value = cell_value(arena, cf->type->type, NULL, cf->options, text, s, currency, column,
                               err);
        }
        if (value != NULL)
            json_object_set_new(bag, cf->name, value);
        return;
    }
    if (strncmp(target, "address.", 8) == 0) {
        json_t *list = json_object_get(body, "addresses");
        if (list == NULL) {
            json_object_set_new(body, "addresses", list = json_array());
            json_array_append_new(list, json_object());
        }
        json_object_set_new(json_array_get(list, 0), target + 8, json_string(text));
        return;
    }
    const char *dot = strchr(target, '.');
    if (dot != NULL) /* "amount.currency": read before the amount (row_body's first pass) */
        return;
    const struct entity_field *f = entity_field_find(entity, target);
    if (f == NULL) {
        char field[64];
        snprintf(field, sizeof(field), "%s_id", target);
        if (strcmp(target, "company") == 0 && entity == &entity_contacts)
            snprintf(field, sizeof(field), "company_ids");
        json_object_set_new(lookups, field, json_string(text));
        return;
    }
    if (f->type == FIELD_TEXT_LIST || f->type == FIELD_MULTI_ENUM) {
        json_t *list = json_object_get(body, f->name);
        if (list == NULL)
            json_object_set_new(body, f->name, list = json_array());
        list_append(list, text, f->item_type != FIELD_PHONE);
        return;
    }
    json_t *value = cell_value(arena, f->type, f->options, NULL, text, s, currency, column, err);
    if (value != NULL)
        json_object_set_new(body, f->name, value);
}

/* Calls fn for each target the mapping gives column c. */
static const json_t *column_targets(const struct import_settings *s, const char *column)
{
    return json_object_get(s->mapping, column);
}

int import_row_body(struct arena *arena, const struct entity *entity,
                    const struct custom_fields *custom, const struct import_settings *settings,
                    const char *const *columns, const struct str *cells, size_t n_cells,
                    const char *default_currency, json_t **body, json_t **lookups, struct err *err)
{
    *body = json_object();
    *lookups = json_object();
    const char *currency = default_currency;
    for (size_t c = 0; c < n_cells; c++) { /* a currency column applies to the whole row */
        const json_t *t = column_targets(settings, columns[c]);
        const char *name = json_string_value(t);
        if (name != NULL && strstr(name, ".currency") != NULL) {
            const char *text = cell_text(arena, cells[c]);
            if (text[0] != '\0')
                currency = text;
        }
    }
    for (size_t c = 0; c < n_cells; c++) {
        const json_t *t = column_targets(settings, columns[c]);
        if (t == NULL || json_is_null(t))
            continue;
        const char *text = cell_text(arena, cells[c]);
        if (text[0] == '\0')
            continue;
        if (json_is_string(t)) {
            target_set(arena, entity, custom, settings, json_string_value(t), text, currency,
                       columns[c], *body, *lookups, err);
            continue;
        }
        size_t i;
        const json_t *one;
        json_array_foreach(t, i, one)
        {
            target_set(arena, entity, custom, settings, json_string_value(one), text, currency,
                       columns[c], *body, *lookups, err);
        }
    }
    return err->n_fields > 0 ? -ERR_VALIDATION : 0;
}

/* ---- vCards ---- */

const char *const import_vcard_columns[] = {
    "First name", "Last name", "E-mails", "Phones", "Organization",
    "Title",      "Birthday",  "Address", "Photo",
};
const size_t import_vcard_n_columns = COUNT(import_vcard_columns);

static const char *joined_values(struct arena *arena, const struct vcard_value *values, size_t n)
{
    const char *out = "";
    for (size_t i = 0; i < n; i++)
        out = arena_printf(arena, "%s%s%s", out, i > 0 ? "; " : "", values[i].value);
    return out;
}

void import_vcard_cells(struct arena *arena, const struct vcard *card, const char **cells)
{
    cells[0] = card->n.given != NULL ? card->n.given : "";
    cells[1] = card->n.family != NULL ? card->n.family
                                      : (card->n.given == NULL && card->fn != NULL ? card->fn : "");
    cells[2] = joined_values(arena, card->emails, card->n_emails);
    cells[3] = joined_values(arena, card->phones, card->n_phones);
    cells[4] = card->org != NULL ? card->org : "";
    cells[5] = card->title != NULL ? card->title : "";
    cells[6] = card->bday != NULL ? card->bday : "";
    const struct vcard_address *a = card->n_addresses > 0 ? &card->addresses[0] : NULL;
    cells[7] = a == NULL ? ""
                         : arena_printf(arena, "%s %s %s %s", a->street ? a->street : "",
                                        a->locality ? a->locality : "",
                                        a->postal_code ? a->postal_code : "",
                                        a->country ? a->country : "");
    cells[8] = card->photo_len > 0
                   ? arena_printf(arena, "%s, %zu bytes", card->photo_media_type, card->photo_len)
                   : (card->photo_uri != NULL ? card->photo_uri : "");
}

static void set_text(json_t *obj, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0')
        json_object_set_new(obj, key, json_string(value));
}

/* A vCard 4.0 telephone URI as a phone: "tel:+1-418-656-9254;ext=102" -> "+1-418-656-9254 x102". */
static json_t *phone_text(const char *value)
{
    if (strncasecmp(value, "tel:", 4) != 0)
        return json_string(value);
    value += 4;
    const char *params = strchr(value, ';');
    if (params == NULL)
        return json_string(value);
    const char *ext = strstr(params, ";ext=");
    char text[128];
    snprintf(text, sizeof(text), "%.*s%s%s", (int)(params - value), value, ext ? " x" : "",
             ext ? ext + 5 : "");
    return json_string(text);
}

/*
 * The values that are valid e-mails (or phones); the others go to dropped
 * as {"field", "value"}, so that the row reports what it left out.
 */
static json_t *values_list(const struct vcard_value *values, size_t n, bool phones, json_t *dropped)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        if (values[i].value == NULL || values[i].value[0] == '\0')
            continue;
        json_t *v = phones ? phone_text(values[i].value) : json_string(values[i].value);
        const char *text = json_string_value(v);
        bool valid = text != NULL && (phones ? record_phone_valid(text) : record_email_valid(text));
        if (valid)
            json_array_append(list, v);
        else
            json_array_append_new(dropped,
                                  json_pack("{s:s,s:s}", "field", phones ? "phones" : "emails",
                                            "value", values[i].value));
        json_decref(v);
    }
    return list;
}

static bool has(const char *s)
{
    return s != NULL && s[0] != '\0';
}

json_t *import_vcard_body(const struct vcard *card, json_t *dropped)
{
    json_t *body = json_object();
    json_t *emails = values_list(card->emails, card->n_emails, false, dropped);
    json_t *phones = values_list(card->phones, card->n_phones, true, dropped);
    const char *given = card->n.given, *family = card->n.family;
    /* A card without a name is named by what it has: its FN, company, nickname, e-mail, phone. */
    if (!has(given) && !has(family)) {
        family = has(card->fn) ? card->fn : has(card->org) ? card->org : card->nickname;
        if (!has(family))
            family = json_string_value(json_array_get(emails, 0));
        if (!has(family))
            family = json_string_value(json_array_get(phones, 0));
    }
    set_text(body, "first_name", given);
    set_text(body, "last_name", family);
    json_object_set_new(body, "emails", emails);
    json_object_set_new(body, "phones", phones);
    set_text(body, "position", card->title);
    if (card->bday != NULL && strlen(card->bday) == 10 && card->bday[0] != '-')
        set_text(body, "birthday", card->bday);
    if (card->photo_uri != NULL && strncmp(card->photo_uri, "http", 4) == 0)
        set_text(body, "photo_url", card->photo_uri);
    set_text(body, "external_id", card->uid);
    json_t *addresses = json_array();
    for (size_t i = 0; i < card->n_addresses; i++) {
        const struct vcard_address *a = &card->addresses[i];
        json_t *o = json_object();
        set_text(o, "type", a->type);
        set_text(o, "po_box", a->po_box);
        set_text(o, "extended", a->extended);
        set_text(o, "street", a->street);
        set_text(o, "locality", a->locality);
        set_text(o, "region", a->region);
        set_text(o, "postal_code", a->postal_code);
        set_text(o, "country", a->country);
        json_array_append_new(addresses, o);
    }
    json_object_set_new(body, "addresses", addresses);
    if (card->n_categories > 0) {
        json_t *tags = json_array();
        for (size_t i = 0; i < card->n_categories; i++)
            json_array_append_new(tags, json_string(card->categories[i]));
        json_object_set_new(body, "tags", tags);
    }
    return body;
}
