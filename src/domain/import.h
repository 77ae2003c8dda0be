/*
 * Imports, the rules without the store: an import's settings (mapping of
 * columns to fields, mode, key, what to do with suspected duplicates) and
 * their checks, the fields a column may map to, the mapping suggested for
 * a file's header row (presets for Google Contacts, Outlook and the Maven
 * dataset, then the headers' own names), and a row of cells made into the
 * JSON body of a record write, with per-column errors.
 */
#ifndef CRM_DOMAIN_IMPORT_H
#define CRM_DOMAIN_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/str.h"
#include "formats/csv.h"

struct arena;
struct custom_fields;
struct entity;
struct vcard;

enum import_format { IMPORT_CSV, IMPORT_XLSX, IMPORT_VCF };
enum import_mode { IMPORT_CREATE, IMPORT_UPDATE, IMPORT_UPSERT };
enum import_duplicates { IMPORT_DUPLICATES_SKIP, IMPORT_DUPLICATES_MERGE, IMPORT_DUPLICATES_FLAG };
enum import_date_format { IMPORT_DATES_AUTO, IMPORT_DATES_DMY, IMPORT_DATES_MDY };

/* The key an existing record is found by. */
enum import_key {
    IMPORT_KEY_NONE,
    IMPORT_KEY_EMAIL,
    IMPORT_KEY_PHONE,
    IMPORT_KEY_EXTERNAL_ID,
    IMPORT_KEY_NAME_COMPANY, /* contacts: the same name at a company of the same name */
    IMPORT_KEY_FIELD,        /* a unique field (products.sku) */
};

/* Most columns a file may have for an import, and cells shown in a preview. */
#define IMPORT_MAX_COLUMNS 1024
#define IMPORT_PREVIEW_ROWS 10

struct import_settings {
    json_t *mapping; /* {"column": "field" | ["field", ...] | null}; owned */
    enum import_mode mode;
    enum import_key key;
    const char *key_field; /* IMPORT_KEY_FIELD: the field; else the key's name or NULL */
    enum import_duplicates duplicates;
    enum csv_encoding encoding;
    char separator; /* 0: detected */
    char default_country[3];
    enum import_date_format date_format;
};

const char *import_format_name(enum import_format format);
/* The format of a file by its name and first bytes; -1 when it is none of them. */
int import_format_detect(const char *file_name, const char *data, size_t len);

/* The entities imports write into. */
bool import_entity_allowed(const struct entity *entity);

/*
 * Checks settings (NULL: all defaults) for entity and a file's columns:
 * every mapped column exists, every target is a field a column may map to
 * (import_targets), no target is mapped twice unless it is a list, a key
 * fits the entity and is mapped (unless mode is create). Field errors are
 * named "settings.<name>" and "settings.mapping.<column>". out->mapping
 * is a new reference: release it with import_settings_release().
 */
int import_settings_parse(const struct entity *entity, const struct custom_fields *custom,
                          const json_t *settings, const char *const *columns, size_t n_columns,
                          struct import_settings *out, struct err *err);
void import_settings_release(struct import_settings *settings);
/* The settings as JSON, as import_settings_parse() reads them (new reference). */
json_t *import_settings_json(const struct import_settings *settings);

/*
 * The targets a column of entity's import may map to, as
 * [{"name", "type", "required", "list"}] (new reference): the fields a
 * client writes, "custom.<name>" for custom fields, "address.<part>" for a
 * contact's first address, and for a field holding another record's id
 * that record by name ("company" for company_id, "stage", "pipeline";
 * contacts: "company", a company linked, made when there is none).
 */
json_t *import_targets(const struct entity *entity, const struct custom_fields *custom);

/*
 * The mapping suggested for columns: a preset whose headers the file has,
 * else each column whose header names a target (case, spaces and
 * underscores aside, English or Russian common names). *source gets
 * "preset:google", "preset:outlook", "preset:maven" or "headers". New
 * reference.
 */
json_t *import_mapping_suggest(const struct entity *entity, const struct custom_fields *custom,
                               const char *const *columns, size_t n_columns, const char **source);

/* A short, stable text naming a header row, under which a mapping is remembered. */
const char *import_source_key(struct arena *arena, const char *const *columns, size_t n_columns);

/*
 * The cells of one row as the body of a record write, following settings'
 * mapping: text trimmed, empty cells left out, lists split on ';', ',' or
 * ":::" (and gathered from every column mapped to them), dates in the
 * settings' order, booleans (yes/no, да/нет, 1/0), money as "1 234,50 RUB"
 * or a number in default_currency, enumerations matched without case.
 * Targets naming a record by its name ("company", "stage", ...) are not
 * in the body but in *lookups: {"company_id": "Acme"} (contacts:
 * {"company_ids": "Acme"}), for the caller to find. Errors go to err as
 * field errors named by the column; the body is still given. New
 * references.
 */
int import_row_body(struct arena *arena, const struct entity *entity,
                    const struct custom_fields *custom, const struct import_settings *settings,
                    const char *const *columns, const struct str *cells, size_t n_cells,
                    const char *default_currency, json_t **body, json_t **lookups, struct err *err);

/* The entity a lookup target's records are in ("company_id" -> companies); NULL: none. */
const char *import_lookup_entity(const struct entity *entity, const char *field);

/*
 * The contact a vCard holds, as the body of a record write (new
 * reference). E-mails and phones that are not valid ones are left out and
 * appended to dropped as {"field", "value"}.
 */
json_t *import_vcard_body(const struct vcard *card, json_t *dropped);
/* The columns a vCard import shows in its preview, and one card's cells for them. */
extern const char *const import_vcard_columns[];
extern const size_t import_vcard_n_columns;
void import_vcard_cells(struct arena *arena, const struct vcard *card, const char **cells);

#endif
