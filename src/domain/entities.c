/*
 * The entity tables for companies and contacts: every field the API knows,
 * its type and rules, the relations the filter language follows, and the
 * text that feeds the full-text index.
 */
#include "domain/entity.h"

#include <assert.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"

#define SYSTEM_FIELDS                                                                              \
    {"id", FIELD_INTEGER, FIELD_KIND_SYSTEM, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT, false},   \
        {"owner_id", FIELD_INTEGER, FIELD_KIND_SYSTEM, FIELD_SORTABLE, 0, NULL, "users",          \
         FIELD_TEXT, false},                                                                       \
        {"created_by", FIELD_INTEGER, FIELD_KIND_SYSTEM, 0, 0, NULL, "users", FIELD_TEXT, false}, \
        {"created_at", FIELD_DATETIME, FIELD_KIND_SYSTEM, FIELD_SORTABLE, 0, NULL, NULL,          \
         FIELD_TEXT, false},                                                                       \
        {"updated_at", FIELD_DATETIME, FIELD_KIND_SYSTEM, FIELD_SORTABLE, 0, NULL, NULL,          \
         FIELD_TEXT, false},                                                                       \
        {"version", FIELD_INTEGER, FIELD_KIND_SYSTEM, 0, 0, NULL, NULL, FIELD_TEXT, false},       \
        {"deleted_at", FIELD_DATETIME, FIELD_KIND_SYSTEM, FIELD_SORTABLE, 0, NULL, NULL,          \
         FIELD_TEXT, false}

static const char *const company_sizes[] = {"1-10",     "11-50",     "51-200", "201-500",
                                            "501-1000", "1001-5000", "5000+",  NULL};

#define TEXT_FIELD(name, flags, max)                                                               \
    {name, FIELD_TEXT, FIELD_KIND_COLUMN, (flags) | FIELD_TRIMMED, max, NULL, NULL, FIELD_TEXT, false}
#define LIST_FIELD(name, item, flags)                                                              \
    {name, FIELD_TEXT_LIST, FIELD_KIND_COLUMN, flags, 200, NULL, NULL, item, false}

static const struct entity_field company_fields[] = {
    SYSTEM_FIELDS,
    TEXT_FIELD("name", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED, 200),
    TEXT_FIELD("industry", FIELD_SORTABLE | FIELD_SEARCHED, 100),
    {"size", FIELD_ENUM, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, company_sizes, NULL, FIELD_TEXT,
     false},
    {"website", FIELD_URL, FIELD_KIND_COLUMN, FIELD_SEARCHED | FIELD_TRIMMED, 500, NULL, NULL,
     FIELD_TEXT, false},
    LIST_FIELD("phones", FIELD_PHONE, FIELD_SEARCHED),
    LIST_FIELD("emails", FIELD_EMAIL, FIELD_SEARCHED),
    TEXT_FIELD("address", FIELD_SEARCHED | FIELD_MULTILINE, 500),
    {"parent_id", FIELD_INTEGER, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, "companies",
     FIELD_TEXT, false},
    LIST_FIELD("tags", FIELD_TEXT, FIELD_SEARCHED),
};

static const struct entity_field contact_fields[] = {
    SYSTEM_FIELDS,
    {"name", FIELD_TEXT, FIELD_KIND_SYSTEM, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT, false},
    TEXT_FIELD("first_name", FIELD_SORTABLE | FIELD_SEARCHED, 100),
    TEXT_FIELD("last_name", FIELD_SORTABLE | FIELD_SEARCHED, 100),
    LIST_FIELD("emails", FIELD_EMAIL, FIELD_SEARCHED),
    LIST_FIELD("phones", FIELD_PHONE, FIELD_SEARCHED),
    {"birthday", FIELD_DATE, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT, false},
    TEXT_FIELD("position", FIELD_SORTABLE | FIELD_SEARCHED, 200),
    {"company_ids", FIELD_INTEGER, FIELD_KIND_LINKS, 0, 0, NULL, "companies", FIELD_TEXT, false},
    LIST_FIELD("interests", FIELD_TEXT, 0),
    LIST_FIELD("skills", FIELD_TEXT, 0),
    {"social", FIELD_TEXT, FIELD_KIND_COLUMN, 0, 500, NULL, NULL, FIELD_TEXT, true},
    {"photo_url", FIELD_URL, FIELD_KIND_COLUMN, FIELD_TRIMMED, 1000, NULL, NULL, FIELD_TEXT,
     false},
    TEXT_FIELD("source", FIELD_SORTABLE, 100),
    LIST_FIELD("tags", FIELD_TEXT, FIELD_SEARCHED),
};

static const struct entity_field competitor_fields[] = {
    SYSTEM_FIELDS,
    TEXT_FIELD("name", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED, 200),
    {"website", FIELD_URL, FIELD_KIND_COLUMN, FIELD_SEARCHED | FIELD_TRIMMED, 500, NULL, NULL,
     FIELD_TEXT, false},
    TEXT_FIELD("notes", FIELD_SEARCHED | FIELD_MULTILINE, 5000),
    LIST_FIELD("tags", FIELD_TEXT, FIELD_SEARCHED),
};

#define ID_FIELD(name, flags, references)                                                          \
    {name, FIELD_INTEGER, FIELD_KIND_COLUMN, flags, 0, NULL, references, FIELD_TEXT, false}
#define SERVER_FIELD(name, type, references)                                                       \
    {name, type, FIELD_KIND_SYSTEM, FIELD_SORTABLE, 0, NULL, references, FIELD_TEXT, false}

/*
 * A deal's stage changes only by a move (api/deals.c), which also sets the
 * server-kept fields: probability (the stage's), stage_entered_at,
 * closed_at, reason_id and competitor_id.
 */
static const struct entity_field deal_fields[] = {
    SYSTEM_FIELDS,
    TEXT_FIELD("title", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED, 200),
    ID_FIELD("pipeline_id", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_CREATE_ONLY, "pipelines"),
    ID_FIELD("stage_id", FIELD_SORTABLE | FIELD_CREATE_ONLY, "pipeline_stages"),
    {"amount", FIELD_MONEY, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT, false},
    {"expected_close", FIELD_DATE, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT,
     false},
    ID_FIELD("company_id", FIELD_SORTABLE, "companies"),
    {"contact_ids", FIELD_INTEGER, FIELD_KIND_LINKS, 0, 0, NULL, "contacts", FIELD_TEXT, false},
    TEXT_FIELD("source", FIELD_SORTABLE, 100),
    LIST_FIELD("tags", FIELD_TEXT, FIELD_SEARCHED),
    SERVER_FIELD("probability", FIELD_INTEGER, NULL),
    SERVER_FIELD("stage_entered_at", FIELD_DATETIME, NULL),
    SERVER_FIELD("closed_at", FIELD_DATETIME, NULL),
    SERVER_FIELD("reason_id", FIELD_INTEGER, "deal_reasons"),
    SERVER_FIELD("competitor_id", FIELD_INTEGER, "competitors"),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Filter schemas for the relation targets: the declared column fields. */
static struct schema_field company_schema_fields[COUNT(company_fields)];
static struct schema company_target_schema = {"companies", "custom", company_schema_fields, 0,
                                              NULL, 0};

static const struct schema_relation company_relations[] = {
    {"parent", RELATION_FOREIGN_KEY, "parent_id", NULL, NULL, NULL, &company_target_schema},
};

static const struct schema_relation contact_relations[] = {
    {"company", RELATION_LINK_TABLE, NULL, "contact_companies", "contact_id", "company_id",
     &company_target_schema},
};

static struct schema_field contact_schema_fields[COUNT(contact_fields)];
static struct schema contact_target_schema = {"contacts", "custom", contact_schema_fields, 0,
                                              NULL, 0};

static const struct schema_relation deal_relations[] = {
    {"company", RELATION_FOREIGN_KEY, "company_id", NULL, NULL, NULL, &company_target_schema},
    {"contact", RELATION_LINK_TABLE, NULL, "deal_contacts", "deal_id", "contact_id",
     &contact_target_schema},
};

static const struct entity_links deal_links = {
    "contact_ids", "deal_contacts", "deal_id", "contact_id", "role", "contacts", "contact_links",
};

static const struct entity_links contact_links = {
    "company_ids", "contact_companies", "contact_id", "company_id", "role", "companies",
    "company_links",
};

/*
 * Appends a searched value. Values with separators ("ivan@mail.ru",
 * "acme.com") are also appended split into words, and phone numbers also
 * as bare digits, so each piece is found by prefix in either database.
 */
static int append_search_value(struct buf *text, const json_t *value, bool phone)
{
    if (json_is_array(value)) {
        size_t i;
        const json_t *item;
        json_array_foreach(value, i, item)
        {
            if (append_search_value(text, item, phone) < 0)
                return -1;
        }
        return 0;
    }
    if (!json_is_string(value))
        return 0;
    const char *s = json_string_value(value);
    if (buf_append_str(text, s) < 0 || buf_putc(text, ' ') < 0)
        return -1;
    if (strpbrk(s, "@._-/:+") != NULL) {
        for (const char *p = s; *p; p++) {
            if (buf_putc(text, strchr("@._-/:+", *p) ? ' ' : *p) < 0)
                return -1;
        }
        if (buf_putc(text, ' ') < 0)
            return -1;
    }
    if (phone) {
        for (; *s; s++) {
            if (*s >= '0' && *s <= '9' && buf_putc(text, *s) < 0)
                return -1;
        }
        if (buf_putc(text, ' ') < 0)
            return -1;
    }
    return 0;
}

static const char *search_text_of(struct arena *arena, const struct entity *entity,
                                  const json_t *record)
{
    struct buf text;
    buf_init(&text, 64 * 1024);
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (f->flags & FIELD_SEARCHED)
            if (append_search_value(&text, json_object_get(record, f->name),
                                    f->item_type == FIELD_PHONE) < 0)
                break; /* the index keeps the first 64 KiB */
    }
    char *result = arena_strndup(arena, buf_cstr(&text), text.len);
    buf_release(&text);
    return result;
}

static const char *company_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_companies, record);
}

static const char *contact_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_contacts, record);
}

static const char *deal_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_deals, record);
}

static const char *competitor_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_competitors, record);
}

static bool has_text(const json_t *value)
{
    return json_is_string(value) && json_string_length(value) > 0;
}

static const char *contact_derived_name(struct arena *arena, const json_t *record)
{
    const char *first = json_string_value(json_object_get(record, "first_name"));
    const char *last = json_string_value(json_object_get(record, "last_name"));
    return arena_printf(arena, "%s%s%s", first ? first : "", first && last ? " " : "",
                        last ? last : "");
}

static void contact_validate_record(const json_t *merged, struct err *err)
{
    if (!has_text(json_object_get(merged, "first_name")) &&
        !has_text(json_object_get(merged, "last_name")))
        err_field(err, "last_name", "a first or last name is required");
}

const struct entity entity_companies = {
    .name = "companies",
    .singular = "company",
    .fields = company_fields,
    .n_fields = COUNT(company_fields),
    .relations = company_relations,
    .n_relations = COUNT(company_relations),
    .links = NULL,
    .default_sort = "-id",
    .validate_record = NULL,
    .search_text = company_search_text,
    .derived_name = NULL,
};

const struct entity entity_contacts = {
    .name = "contacts",
    .singular = "contact",
    .fields = contact_fields,
    .n_fields = COUNT(contact_fields),
    .relations = contact_relations,
    .n_relations = COUNT(contact_relations),
    .links = &contact_links,
    .default_sort = "-id",
    .validate_record = contact_validate_record,
    .search_text = contact_search_text,
    .derived_name = contact_derived_name,
};

/* A won or lost deal's money is dated by its closing, an open one's by its expected close. */
static const char *const deal_money_dates[] = {"closed_at", "expected_close", NULL};

const struct entity entity_deals = {
    .name = "deals",
    .singular = "deal",
    .fields = deal_fields,
    .n_fields = COUNT(deal_fields),
    .relations = deal_relations,
    .n_relations = COUNT(deal_relations),
    .links = &deal_links,
    .default_sort = "-id",
    .validate_record = NULL,
    .search_text = deal_search_text,
    .derived_name = NULL,
    .money_date_fields = deal_money_dates,
};

const struct entity entity_competitors = {
    .name = "competitors",
    .singular = "competitor",
    .fields = competitor_fields,
    .n_fields = COUNT(competitor_fields),
    .relations = NULL,
    .n_relations = 0,
    .links = NULL,
    .default_sort = "name",
    .validate_record = NULL,
    .search_text = competitor_search_text,
    .derived_name = NULL,
};

static const struct entity *const all_entities[] = {&entity_companies, &entity_contacts,
                                                    &entity_deals, &entity_competitors};

/* The declared column fields of an entity as a relation target's filter fields. */
static size_t target_schema_fields(const struct entity_field *fields, size_t n_fields,
                                   struct schema_field *out)
{
    size_t n = 0;
    for (size_t i = 0; i < n_fields; i++) {
        const struct entity_field *f = &fields[i];
        if ((f->kind != FIELD_KIND_COLUMN && f->kind != FIELD_KIND_SYSTEM) ||
            f->object_of_strings || f->type == FIELD_MONEY)
            continue;
        out[n++] = (struct schema_field){f->name, f->name, f->type, FIELD_IN_COLUMN,
                                         (f->flags & FIELD_SORTABLE) != 0};
    }
    return n;
}

/* Fills the relation-target schemas once; the tables above are constant after that. */
__attribute__((constructor)) static void entity_schemas_init(void)
{
    company_target_schema.n_fields =
        target_schema_fields(company_fields, COUNT(company_fields), company_schema_fields);
    contact_target_schema.n_fields =
        target_schema_fields(contact_fields, COUNT(contact_fields), contact_schema_fields);
}

const struct entity *entity_find(const char *name)
{
    for (size_t i = 0; i < COUNT(all_entities); i++) {
        if (strcmp(all_entities[i]->name, name) == 0)
            return all_entities[i];
    }
    return NULL;
}

const struct entity_field *entity_field_find(const struct entity *entity, const char *name)
{
    for (size_t i = 0; i < entity->n_fields; i++) {
        if (strcmp(entity->fields[i].name, name) == 0)
            return &entity->fields[i];
    }
    return NULL;
}

size_t entity_count(void)
{
    return COUNT(all_entities);
}

const struct entity *entity_at(size_t index)
{
    return index < COUNT(all_entities) ? all_entities[index] : NULL;
}

bool entity_has_money(const struct entity *entity)
{
    for (size_t i = 0; i < entity->n_fields; i++) {
        if (entity->fields[i].type == FIELD_MONEY && entity->fields[i].kind == FIELD_KIND_COLUMN)
            return true;
    }
    return false;
}

void entity_money_date(const struct entity *entity, const json_t *record,
                       char out[CLOCK_DATE_LEN + 1])
{
    const char *date = NULL;
    for (const char *const *f = entity->money_date_fields; f != NULL && *f != NULL; f++) {
        date = json_string_value(json_object_get(record, *f));
        if (date != NULL && strlen(date) >= CLOCK_DATE_LEN)
            break;
        date = NULL;
    }
    if (date == NULL)
        date = json_string_value(json_object_get(record, "created_at"));
    if (date != NULL && strlen(date) >= CLOCK_DATE_LEN) {
        memcpy(out, date, CLOCK_DATE_LEN);
        out[CLOCK_DATE_LEN] = '\0';
        return;
    }
    clock_format_date(clock_now_ms() / 86400000, out);
}

size_t entity_index(const struct entity *entity)
{
    for (size_t i = 0; i < COUNT(all_entities); i++) {
        if (all_entities[i] == entity)
            return i;
    }
    assert(!"not an entity of the table");
    return 0;
}
