/*
 * Entities as tables of fields. Each CRM entity (company, contact, ...) is a
 * struct entity: its fields with their type, rules and flags, and the
 * relations the filter language may follow. Validation, the filter schema,
 * the store's SQL and the OpenAPI document are all derived from these
 * tables, so adding a field is adding a row.
 */
#ifndef CRM_DOMAIN_ENTITY_H
#define CRM_DOMAIN_ENTITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/clock.h"
#include "base/err.h"
#include "query/filter.h"

struct arena;

enum entity_field_kind {
    FIELD_KIND_COLUMN,   /* written by clients, stored in its own column */
    FIELD_KIND_SYSTEM,   /* read-only column kept by the server: id, version, created_at... */
    FIELD_KIND_LINKS,    /* many-to-many through a link table (contact.company_ids) */
};

enum entity_field_flags {
    FIELD_REQUIRED = 1 << 0,
    FIELD_SORTABLE = 1 << 1,
    FIELD_SEARCHED = 1 << 2, /* its text goes into the full-text index */
    FIELD_TRIMMED = 1 << 3,  /* surrounding white space removed on write */
    FIELD_MULTILINE = 1 << 4, /* may hold line breaks (addresses) */
    FIELD_CREATE_ONLY = 1 << 5, /* written on create; an update may only repeat the value */
    FIELD_UNIQUE = 1 << 6,      /* no two live records share a value (409 naming the field) */
    FIELD_JSON = 1 << 7,        /* a JSON array or object whose shape validate_record checks */
};

/*
 * A FIELD_MONEY column "amount" (written or server-kept) is the API value {"amount": "10.50",
 * "currency": "EUR"} kept in three columns: amount_minor (minor units),
 * amount_currency and amount_base_minor (the amount in minor units of the
 * base currency at the rate of the record's money date, NULL when no rate is
 * known). Filters and sorting use the base amount.
 */
struct entity_field {
    const char *name; /* API name; also the column for FIELD_KIND_COLUMN / SYSTEM */
    enum field_type type;
    enum entity_field_kind kind;
    unsigned flags;
    size_t max_chars;              /* for text; 0: the default limit */
    const char *const *options;    /* enum values, NULL-terminated */
    const char *references;        /* entity name an id must point to ("companies") */
    enum field_type item_type;     /* for FIELD_TEXT_LIST: FIELD_TEXT, FIELD_EMAIL or FIELD_PHONE */
    bool object_of_strings;        /* a JSON object of short strings (contact.social) */
};

struct entity_links {
    const char *field;        /* "company_ids" */
    const char *table;        /* "contact_companies" */
    const char *this_column;  /* "contact_id" */
    const char *other_column; /* "company_id" */
    const char *role_column;  /* "role" or NULL */
    const char *expanded;     /* key of the expanded form in responses: "companies" */
    const char *cache_column; /* this table's copy of the links as JSON: "company_links" */
};

struct entity {
    const char *name;     /* collection (and table, unless table says otherwise): "companies" */
    const char *table;    /* the table when the collection's name is not one: NULL */
    const char *singular; /* "company" */
    const struct entity_field *fields;
    size_t n_fields;
    const struct schema_relation *relations;
    size_t n_relations;
    const struct entity_links *links; /* NULL when none */
    const char *default_sort;         /* "name" */
    /*
     * Rules across fields, after each field was checked; may add field
     * errors, and may replace values of merged with their canonical form
     * (kept only when no error was found).
     */
    void (*validate_record)(struct arena *arena, json_t *merged, struct err *err);
    /* Text for the full-text index, from the merged record. */
    const char *(*search_text)(struct arena *arena, const json_t *record);
    /* When set, the system column "name" is derived from the merged record (contact names). */
    const char *(*derived_name)(struct arena *arena, const json_t *record);
    /*
     * The fields, in order, whose first value (its date part) dates the
     * conversion of money fields into the base currency; created_at when
     * none has one. NULL-terminated; NULL for entities without money.
     */
    const char *const *money_date_fields;
    /*
     * Another name of owner_id in the API (tasks: "assignee_id"): accepted on
     * writes, shown in answers and usable in filters and sorts. NULL: none.
     */
    const char *owner_alias;
};

extern const struct entity entity_companies;
extern const struct entity entity_contacts;
extern const struct entity entity_deals;
extern const struct entity entity_competitors;
extern const struct entity entity_products;
extern const struct entity entity_quotes;
extern const struct entity entity_leads;
extern const struct entity entity_lead_scoring_rules;
extern const struct entity entity_lead_assignment_rules;
extern const struct entity entity_forms;
extern const struct entity entity_price_lists;
extern const struct entity entity_activities;
extern const struct entity entity_tasks;

/* The entity's table. */
const char *entity_table(const struct entity *entity);
/* Looks an entity up by its collection name; NULL when unknown. */
const struct entity *entity_find(const char *name);
const struct entity_field *entity_field_find(const struct entity *entity, const char *name);
size_t entity_count(void);
const struct entity *entity_at(size_t index);
/* The position of entity in the table (entity_at(entity_index(e)) == e). */
size_t entity_index(const struct entity *entity);
/* Whether the entity has a FIELD_MONEY field of its own columns (written or server-kept). */
bool entity_has_money(const struct entity *entity);
/*
 * The date (YYYY-MM-DD, in out) that dates the record's money: the first
 * of entity->money_date_fields with a value, else its created_at, else
 * today's.
 */
void entity_money_date(const struct entity *entity, const json_t *record,
                       char out[CLOCK_DATE_LEN + 1]);

#define ENTITY_TEXT_MAX_CHARS 1000
#define ENTITY_LIST_MAX_ITEMS 50

#endif
