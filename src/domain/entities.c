/*
 * The entity tables for companies and contacts: every field the API knows,
 * its type and rules, the relations the filter language follows, and the
 * text that feeds the full-text index.
 */
#include "domain/entity.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/money.h"
#include "base/str.h"
#include "domain/currency.h"
#include "domain/product.h"
#include "domain/record.h"

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
/* The key of a record in another system, kept by imports (unique among live records). */
#define EXTERNAL_ID_FIELD TEXT_FIELD("external_id", FIELD_SORTABLE | FIELD_UNIQUE, 200)
#define LIST_FIELD(name, item, flags)                                                              \
    {name, FIELD_TEXT_LIST, FIELD_KIND_COLUMN, flags, 200, NULL, NULL, item, false}

static const struct entity_field company_fields[] = {
    SYSTEM_FIELDS,
    EXTERNAL_ID_FIELD,
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
    EXTERNAL_ID_FIELD,
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
    {"addresses", FIELD_TEXT, FIELD_KIND_COLUMN, FIELD_JSON, 0, NULL, NULL, FIELD_TEXT, false},
    /* The attachment holding the contact's photo (a vCard's inline PHOTO); kept by the server. */
    {"photo_id", FIELD_INTEGER, FIELD_KIND_SYSTEM, 0, 0, NULL, NULL, FIELD_TEXT, false},
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
    EXTERNAL_ID_FIELD,
    TEXT_FIELD("title", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED, 200),
    ID_FIELD("pipeline_id", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_CREATE_ONLY, "pipelines"),
    ID_FIELD("stage_id", FIELD_SORTABLE | FIELD_CREATE_ONLY, "pipeline_stages"),
    {"amount", FIELD_MONEY, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT, false},
    {"expected_close", FIELD_DATE, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT,
     false},
    ID_FIELD("company_id", FIELD_SORTABLE, "companies"),
    ID_FIELD("product_id", FIELD_SORTABLE, "products"),
    {"contact_ids", FIELD_INTEGER, FIELD_KIND_LINKS, 0, 0, NULL, "contacts", FIELD_TEXT, false},
    TEXT_FIELD("source", FIELD_SORTABLE, 100),
    LIST_FIELD("tags", FIELD_TEXT, FIELD_SEARCHED),
    SERVER_FIELD("probability", FIELD_INTEGER, NULL),
    SERVER_FIELD("stage_entered_at", FIELD_DATETIME, NULL),
    SERVER_FIELD("closed_at", FIELD_DATETIME, NULL),
    SERVER_FIELD("reason_id", FIELD_INTEGER, "deal_reasons"),
    SERVER_FIELD("competitor_id", FIELD_INTEGER, "competitors"),
};

static const struct entity_field product_fields[] = {
    SYSTEM_FIELDS,
    EXTERNAL_ID_FIELD,
    TEXT_FIELD("sku", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED | FIELD_UNIQUE, 64),
    TEXT_FIELD("name", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED, 200),
    TEXT_FIELD("series", FIELD_SORTABLE | FIELD_SEARCHED, 100),
    TEXT_FIELD("unit", FIELD_SORTABLE, 20),
    TEXT_FIELD("description", FIELD_SEARCHED | FIELD_MULTILINE, 5000),
    {"price", FIELD_MONEY, FIELD_KIND_COLUMN, FIELD_REQUIRED | FIELD_SORTABLE, 0, NULL, NULL,
     FIELD_TEXT, false},
    {"prices", FIELD_TEXT, FIELD_KIND_COLUMN, FIELD_JSON, 0, NULL, NULL, FIELD_TEXT, false},
    {"cost", FIELD_MONEY, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT, false},
    {"tax_rate", FIELD_NUMBER, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT, false},
    {"active", FIELD_BOOL, FIELD_KIND_COLUMN, 0, 0, NULL, NULL, FIELD_TEXT, false},
    {"options", FIELD_TEXT, FIELD_KIND_COLUMN, FIELD_JSON, 0, NULL, NULL, FIELD_TEXT, false},
    LIST_FIELD("tags", FIELD_TEXT, FIELD_SEARCHED),
};

/* A named list of prices in one currency: a price for each product it names. */
static const struct entity_field price_list_fields[] = {
    SYSTEM_FIELDS,
    TEXT_FIELD("name", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED | FIELD_UNIQUE, 100),
    TEXT_FIELD("currency", FIELD_REQUIRED | FIELD_SORTABLE, 3),
    {"active", FIELD_BOOL, FIELD_KIND_COLUMN, 0, 0, NULL, NULL, FIELD_TEXT, false},
    TEXT_FIELD("notes", FIELD_SEARCHED | FIELD_MULTILINE, 2000),
    {"items", FIELD_TEXT, FIELD_KIND_COLUMN, FIELD_JSON, 0, NULL, NULL, FIELD_TEXT, false},
};

static const char *const quote_roundings[] = {"line", "total", NULL};

/*
 * A quote's numbers and lines are checked and its totals computed by the
 * API (api/quotes.c, on domain/quote.h), which needs the deal and the
 * products; status, number and the totals are server-kept.
 */
static const struct entity_field quote_fields[] = {
    SYSTEM_FIELDS,
    ID_FIELD("deal_id", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_CREATE_ONLY, "deals"),
    TEXT_FIELD("title", FIELD_SORTABLE | FIELD_SEARCHED, 200),
    TEXT_FIELD("currency", FIELD_SORTABLE, 3),
    ID_FIELD("price_list_id", FIELD_SORTABLE, "price-lists"),
    {"prices_include_tax", FIELD_BOOL, FIELD_KIND_COLUMN, 0, 0, NULL, NULL, FIELD_TEXT, false},
    {"rounding", FIELD_ENUM, FIELD_KIND_COLUMN, 0, 0, quote_roundings, NULL, FIELD_TEXT, false},
    {"discount_percent", FIELD_NUMBER, FIELD_KIND_COLUMN, 0, 0, NULL, NULL, FIELD_TEXT, false},
    TEXT_FIELD("discount_amount", 0, 32),
    {"lines", FIELD_TEXT, FIELD_KIND_COLUMN, FIELD_JSON, 0, NULL, NULL, FIELD_TEXT, false},
    {"valid_until", FIELD_DATE, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT,
     false},
    TEXT_FIELD("notes", FIELD_SEARCHED | FIELD_MULTILINE, 5000),
    SERVER_FIELD("status", FIELD_TEXT, NULL),
    SERVER_FIELD("number", FIELD_INTEGER, NULL),
    SERVER_FIELD("subtotal", FIELD_MONEY, NULL),
    SERVER_FIELD("quote_discount", FIELD_MONEY, NULL),
    SERVER_FIELD("discount_total", FIELD_MONEY, NULL),
    SERVER_FIELD("tax_total", FIELD_MONEY, NULL),
    SERVER_FIELD("total", FIELD_MONEY, NULL),
    SERVER_FIELD("sent_at", FIELD_DATETIME, NULL),
    SERVER_FIELD("decided_at", FIELD_DATETIME, NULL),
};

#define ACTIVITY_MAX_SECONDS (7 * 86400)
#define ACTIVITY_MAX_EXDATES 500
#define TASK_CHECKLIST_MAX_ITEMS 100
#define CONTACT_MAX_ADDRESSES 20
#define TASK_MAX_ESTIMATE_S (30 * 86400)

static const char *const activity_types[] = {"call",  "meeting", "email", "note", "claim",
                                             "order", "sms",     "chat",  NULL};
static const char *const activity_directions[] = {"in", "out", NULL};
static const char *const activity_statuses[] = {"open",    "in_progress", "resolved",
                                                "new",     "paid",        "shipped",
                                                "delivered", "cancelled", NULL};

/*
 * An interaction with a client: a call, a meeting, a message, a note, an
 * order or a claim, on a contact, company, deal or lead. Meetings may
 * recur (rrule, exdates, in the time_zone they were planned in); ical_uid
 * is the UID of a meeting imported from an iCalendar file.
 */
static const struct entity_field activity_fields[] = {
    SYSTEM_FIELDS,
    EXTERNAL_ID_FIELD,
    {"type", FIELD_ENUM, FIELD_KIND_COLUMN, FIELD_REQUIRED | FIELD_SORTABLE | FIELD_CREATE_ONLY, 0,
     activity_types, NULL, FIELD_TEXT, false},
    TEXT_FIELD("subject", FIELD_SORTABLE | FIELD_SEARCHED, 300),
    TEXT_FIELD("body", FIELD_SEARCHED | FIELD_MULTILINE, 20000),
    {"at", FIELD_DATETIME, FIELD_KIND_COLUMN, FIELD_REQUIRED | FIELD_SORTABLE, 0, NULL, NULL,
     FIELD_TEXT, false},
    {"end_at", FIELD_DATETIME, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT, false},
    {"all_day", FIELD_BOOL, FIELD_KIND_COLUMN, 0, 0, NULL, NULL, FIELD_TEXT, false},
    {"duration_s", FIELD_INTEGER, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT,
     false},
    {"direction", FIELD_ENUM, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, activity_directions, NULL,
     FIELD_TEXT, false},
    TEXT_FIELD("outcome", FIELD_SORTABLE | FIELD_SEARCHED, 200),
    TEXT_FIELD("place", FIELD_SEARCHED, 300),
    LIST_FIELD("participants", FIELD_TEXT, FIELD_SEARCHED),
    TEXT_FIELD("order_number", FIELD_SORTABLE | FIELD_SEARCHED, 64),
    {"amount", FIELD_MONEY, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT, false},
    {"status", FIELD_ENUM, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, activity_statuses, NULL,
     FIELD_TEXT, false},
    TEXT_FIELD("rrule", 0, 500),
    {"exdates", FIELD_TEXT, FIELD_KIND_COLUMN, FIELD_JSON, 0, NULL, NULL, FIELD_TEXT, false},
    TEXT_FIELD("time_zone", 0, 64),
    TEXT_FIELD("ical_uid", 0, 500),
    ID_FIELD("contact_id", FIELD_SORTABLE, "contacts"),
    ID_FIELD("company_id", FIELD_SORTABLE, "companies"),
    ID_FIELD("deal_id", FIELD_SORTABLE, "deals"),
    ID_FIELD("lead_id", FIELD_SORTABLE, "leads"),
    LIST_FIELD("tags", FIELD_TEXT, FIELD_SEARCHED),
};

static const char *const task_statuses[] = {"open", "done", "cancelled", NULL};
static const char *const task_priorities[] = {"low", "normal", "high", NULL};

/*
 * Something to do, by its owner (also called its assignee). A task with an
 * rrule is one instance of a series: its successor is made when it falls
 * due or is closed (store/tasks.c). Reminders fire at remind_at.
 */
static const struct entity_field task_fields[] = {
    SYSTEM_FIELDS,
    TEXT_FIELD("title", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED, 300),
    TEXT_FIELD("description", FIELD_SEARCHED | FIELD_MULTILINE, 20000),
    {"due_at", FIELD_DATETIME, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT, false},
    {"remind_at", FIELD_DATETIME, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT,
     false},
    {"status", FIELD_ENUM, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, task_statuses, NULL, FIELD_TEXT,
     false},
    {"priority", FIELD_ENUM, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, task_priorities, NULL,
     FIELD_TEXT, false},
    TEXT_FIELD("rrule", 0, 500),
    {"checklist", FIELD_TEXT, FIELD_KIND_COLUMN, FIELD_JSON, 0, NULL, NULL, FIELD_TEXT, false},
    {"estimate_s", FIELD_INTEGER, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT,
     false},
    ID_FIELD("contact_id", FIELD_SORTABLE, "contacts"),
    ID_FIELD("company_id", FIELD_SORTABLE, "companies"),
    ID_FIELD("deal_id", FIELD_SORTABLE, "deals"),
    ID_FIELD("lead_id", FIELD_SORTABLE, "leads"),
    LIST_FIELD("tags", FIELD_TEXT, FIELD_SEARCHED),
    SERVER_FIELD("series_id", FIELD_INTEGER, "tasks"),
    SERVER_FIELD("recurrence_start", FIELD_DATETIME, NULL),
    SERVER_FIELD("time_spent_s", FIELD_INTEGER, NULL),
    SERVER_FIELD("done_at", FIELD_DATETIME, NULL),
    SERVER_FIELD("reminded_at", FIELD_DATETIME, NULL),
};

static const char *const lead_statuses[] = {"new",          "working",   "qualified",
                                            "disqualified", "converted", NULL};

/*
 * A lead's score, the records it became and its form are server-kept: the
 * score is the sum of the matching scoring rules' points (api/leads.c),
 * the rest comes with its conversion or its form.
 */
static const struct entity_field lead_fields[] = {
    SYSTEM_FIELDS,
    EXTERNAL_ID_FIELD,
    TEXT_FIELD("title", FIELD_SORTABLE | FIELD_SEARCHED, 200),
    TEXT_FIELD("name", FIELD_SORTABLE | FIELD_SEARCHED, 200),
    {"email", FIELD_EMAIL, FIELD_KIND_COLUMN, FIELD_SORTABLE | FIELD_SEARCHED | FIELD_TRIMMED, 254,
     NULL, NULL, FIELD_TEXT, false},
    {"phone", FIELD_PHONE, FIELD_KIND_COLUMN, FIELD_SEARCHED | FIELD_TRIMMED, 50, NULL, NULL,
     FIELD_TEXT, false},
    TEXT_FIELD("company_name", FIELD_SORTABLE | FIELD_SEARCHED, 200),
    TEXT_FIELD("source", FIELD_SORTABLE, 100),
    TEXT_FIELD("region", FIELD_SORTABLE, 100),
    {"utm", FIELD_TEXT, FIELD_KIND_COLUMN, 0, 200, NULL, NULL, FIELD_TEXT, true},
    TEXT_FIELD("referrer", 0, 2000),
    {"status", FIELD_ENUM, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, lead_statuses, NULL, FIELD_TEXT,
     false},
    TEXT_FIELD("disqualify_reason", 0, 500),
    TEXT_FIELD("notes", FIELD_SEARCHED | FIELD_MULTILINE, 5000),
    LIST_FIELD("tags", FIELD_TEXT, FIELD_SEARCHED),
    SERVER_FIELD("score", FIELD_INTEGER, NULL),
    SERVER_FIELD("form_id", FIELD_INTEGER, "forms"),
    SERVER_FIELD("converted_contact_id", FIELD_INTEGER, "contacts"),
    SERVER_FIELD("converted_company_id", FIELD_INTEGER, "companies"),
    SERVER_FIELD("converted_deal_id", FIELD_INTEGER, "deals"),
    SERVER_FIELD("converted_at", FIELD_DATETIME, NULL),
};

/* Rules over leads: a filter in the language, points to add or whom to assign. */
static const struct entity_field lead_scoring_rule_fields[] = {
    SYSTEM_FIELDS,
    TEXT_FIELD("name", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED, 100),
    TEXT_FIELD("filter", FIELD_REQUIRED, 2000),
    {"points", FIELD_INTEGER, FIELD_KIND_COLUMN, FIELD_REQUIRED | FIELD_SORTABLE, 0, NULL, NULL,
     FIELD_TEXT, false},
    {"active", FIELD_BOOL, FIELD_KIND_COLUMN, 0, 0, NULL, NULL, FIELD_TEXT, false},
};

static const struct entity_field lead_assignment_rule_fields[] = {
    SYSTEM_FIELDS,
    TEXT_FIELD("name", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED, 100),
    TEXT_FIELD("filter", 0, 2000),
    ID_FIELD("user_id", 0, "users"),
    ID_FIELD("team_id", 0, "teams"),
    {"position", FIELD_INTEGER, FIELD_KIND_COLUMN, FIELD_SORTABLE, 0, NULL, NULL, FIELD_TEXT,
     false},
    {"active", FIELD_BOOL, FIELD_KIND_COLUMN, 0, 0, NULL, NULL, FIELD_TEXT, false},
    SERVER_FIELD("last_user_id", FIELD_INTEGER, "users"),
};

/* A lead-capture form: which lead fields the public may send, and its public key. */
static const struct entity_field form_fields[] = {
    SYSTEM_FIELDS,
    TEXT_FIELD("name", FIELD_REQUIRED | FIELD_SORTABLE | FIELD_SEARCHED, 100),
    LIST_FIELD("fields", FIELD_TEXT, 0),
    TEXT_FIELD("honeypot", 0, 50),
    TEXT_FIELD("source", 0, 100),
    {"redirect_url", FIELD_URL, FIELD_KIND_COLUMN, FIELD_TRIMMED, 1000, NULL, NULL, FIELD_TEXT,
     false},
    {"active", FIELD_BOOL, FIELD_KIND_COLUMN, 0, 0, NULL, NULL, FIELD_TEXT, false},
    SERVER_FIELD("key", FIELD_TEXT, NULL),
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

static struct schema_field product_schema_fields[COUNT(product_fields)];
static struct schema product_target_schema = {"products", "custom", product_schema_fields, 0,
                                              NULL, 0};

static const struct schema_relation deal_relations[] = {
    {"company", RELATION_FOREIGN_KEY, "company_id", NULL, NULL, NULL, &company_target_schema},
    {"product", RELATION_FOREIGN_KEY, "product_id", NULL, NULL, NULL, &product_target_schema},
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

#define PRODUCT_PRICES_MAX 20

static const char *product_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_products, record);
}

/*
 * A product's rules across fields: tax_rate within 0..100; prices, the
 * price in other currencies, one per currency other than price's; options
 * (domain/product.h) priced in price's currency.
 */
static void product_validate_record(struct arena *arena, json_t *merged, struct err *err)
{
    const char *rate = json_string_value(json_object_get(merged, "tax_rate"));
    int64_t scaled;
    if (rate != NULL && (decimal_parse(str_from_cstr(rate), RECORD_NUMBER_SCALE, &scaled) < 0 ||
                         scaled < 0 || scaled > 100 * 10000))
        err_field(err, "tax_rate", "must be a percentage from 0 to 100");
    const char *currency = json_string_value(json_object_get(json_object_get(merged, "price"),
                                                             "currency"));
    json_t *prices = json_object_get(merged, "prices");
    if (prices != NULL && !json_is_null(prices)) {
        json_t *clean = json_array();
        size_t i;
        json_t *item;
        if (!json_is_array(prices) || json_array_size(prices) > PRODUCT_PRICES_MAX)
            err_field(err, "prices", "must be a list of at most %d prices", PRODUCT_PRICES_MAX);
        json_array_foreach(prices, i, item)
        {
            char path[32];
            snprintf(path, sizeof(path), "prices[%zu]", i);
            json_t *money = NULL;
            int64_t minor;
            if (currency_money_validate(item, path, false, &money, &minor, err) < 0)
                continue;
            const char *code = json_string_value(json_object_get(money, "currency"));
            bool repeated = currency != NULL && strcmp(code, currency) == 0;
            size_t j;
            json_t *seen;
            json_array_foreach(clean, j, seen)
                repeated |= strcmp(json_string_value(json_object_get(seen, "currency")), code) == 0;
            if (repeated)
                err_field(err, path, "gives a second price in %s", code);
            json_array_append_new(clean, money);
        }
        json_object_set_new(merged, "prices", clean);
    }
    json_t *options = json_object_get(merged, "options");
    struct product_options parsed;
    if (options != NULL && !json_is_null(options) && currency != NULL && arena != NULL)
        product_options_parse(arena, options, currency, &parsed, err);
}

static const char *price_list_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_price_lists, record);
}

#define PRICE_LIST_MAX_ITEMS 2000

/*
 * A price list's currency is a known code (written in upper case) and its
 * items name each product once with a price in that currency. Whether the
 * products exist is the API's to check.
 */
static void price_list_validate_record(struct arena *arena, json_t *merged, struct err *err)
{
    const char *given = json_string_value(json_object_get(merged, "currency"));
    char code[CURRENCY_CODE_LEN + 1];
    if (given == NULL || currency_code_parse(str_from_cstr(given), code, "currency", err) < 0)
        return;
    json_object_set_new(merged, "currency", json_string(code));
    json_t *items = json_object_get(merged, "items");
    if (items == NULL || json_is_null(items))
        return;
    if (!json_is_array(items) || json_array_size(items) > PRICE_LIST_MAX_ITEMS) {
        err_field(err, "items", "must be a list of at most %d prices", PRICE_LIST_MAX_ITEMS);
        return;
    }
    json_t *clean = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        char path[48];
        const json_t *product = json_object_get(item, "product_id");
        const json_t *price = json_object_get(item, "price");
        snprintf(path, sizeof(path), "items[%zu].product_id", i);
        if (!json_is_object(item) || json_object_size(item) != 2 || !json_is_integer(product) ||
            json_integer_value(product) <= 0) {
            err_field(err, path, "each item is {\"product_id\": 12, \"price\": \"10.50\"}");
            continue;
        }
        size_t j;
        json_t *earlier;
        json_array_foreach(items, j, earlier)
        {
            if (j < i && json_equal(json_object_get(earlier, "product_id"), product)) {
                err_field(err, path, "names the product a second time");
                break;
            }
        }
        snprintf(path, sizeof(path), "items[%zu].price", i);
        int64_t minor;
        char text[MONEY_TEXT_MAX];
        if (!json_is_string(price) || currency_amount_parse(str_from_cstr(json_string_value(price)),
                                                            str_from_cstr(code), &minor, path,
                                                            err) < 0) {
            if (!json_is_string(price))
                err_field(err, path, "must be a decimal string like \"10.50\"");
            continue;
        }
        if (minor < 0) {
            err_field(err, path, "must not be negative");
            continue;
        }
        money_format(minor, str_from_cstr(code), text, sizeof(text));
        json_array_append_new(clean, json_pack("{s:O,s:s}", "product_id", product, "price", text));
    }
    json_object_set_new(merged, "items", clean);
}

static const char *quote_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_quotes, record);
}

static const char *lead_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_leads, record);
}

static const char *lead_scoring_rule_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_lead_scoring_rules, record);
}

static const char *lead_assignment_rule_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_lead_assignment_rules, record);
}

static const char *form_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_forms, record);
}

/* A lead names someone: a name, an e-mail address, a phone or a company. */
static void lead_validate_record(struct arena *arena, json_t *merged, struct err *err)
{
    static const char *const identifying[] = {"name", "email", "phone", "company_name"};
    bool any = false;
    for (size_t i = 0; i < COUNT(identifying); i++) {
        const json_t *v = json_object_get(merged, identifying[i]);
        any |= json_is_string(v) && json_string_length(v) > 0;
    }
    if (!any)
        err_field(err, "name", "a lead needs a name, an e-mail address, a phone or a company");
    const char *status = json_string_value(json_object_get(merged, "status"));
    const json_t *reason = json_object_get(merged, "disqualify_reason");
    if (status != NULL && strcmp(status, "disqualified") == 0 &&
        !(json_is_string(reason) && json_string_length(reason) > 0))
        err_field(err, "disqualify_reason", "is required to disqualify a lead");
}

/* The filter of a rule over leads must parse against the leads' declared fields. */
static void lead_rule_validate_record(struct arena *arena, json_t *merged, struct err *err)
{
    const char *filter = json_string_value(json_object_get(merged, "filter"));
    if (filter == NULL || arena == NULL)
        return;
    struct err parse;
    err_clear(&parse);
    const struct schema *schema = record_filter_schema(arena, &entity_leads, NULL);
    if (filter_parse(arena, schema, filter, strlen(filter), &parse) == NULL)
        err_field(err, "filter", "%s", parse.detail);
}

static void lead_assignment_rule_validate_record(struct arena *arena, json_t *merged,
                                                 struct err *err)
{
    lead_rule_validate_record(arena, merged, err);
    bool user = json_is_integer(json_object_get(merged, "user_id"));
    bool team = json_is_integer(json_object_get(merged, "team_id"));
    if (user == team)
        err_field(err, "user_id", "name either a user or a team (round-robin among its members)");
}

/* A form lets the public send lead fields only, never server-kept ones. */
static void form_validate_record(struct arena *arena, json_t *merged, struct err *err)
{
    size_t i;
    const json_t *name;
    json_array_foreach(json_object_get(merged, "fields"), i, name)
    {
        const struct entity_field *f = entity_field_find(&entity_leads, json_string_value(name));
        if (f == NULL || f->kind != FIELD_KIND_COLUMN || strcmp(f->name, "status") == 0 ||
            strcmp(f->name, "utm") == 0 || strcmp(f->name, "referrer") == 0) {
            char path[32];
            snprintf(path, sizeof(path), "fields[%zu]", i);
            err_field(err, path, "is not a lead field a form may ask for");
        }
    }
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

/* The parts of a postal address, as vCard's ADR has them, plus its type ("home", "work"). */
static const char *const address_parts[] = {
    "type", "po_box", "extended", "street", "locality", "region", "postal_code", "country",
};

/*
 * Addresses are [{"type": "work", "street": "...", "locality": "...", ...}]:
 * objects of the parts above, each a string of at most 500 characters;
 * empty parts are dropped, and so are addresses left empty.
 */
static void contact_addresses_validate(json_t *merged, struct err *err)
{
    json_t *list = json_object_get(merged, "addresses");
    if (list == NULL || json_is_null(list)) {
        json_object_set_new(merged, "addresses", json_array());
        return;
    }
    if (!json_is_array(list) || json_array_size(list) > CONTACT_MAX_ADDRESSES) {
        err_field(err, "addresses", "must be a list of at most %d addresses",
                  CONTACT_MAX_ADDRESSES);
        return;
    }
    json_t *clean = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        char path[32], prefix[40];
        snprintf(path, sizeof(path), "addresses[%zu]", i);
        snprintf(prefix, sizeof(prefix), "%s.", path);
        if (!json_is_object(item)) {
            err_field(err, path, "must be an object of address parts");
            continue;
        }
        if (!record_keys_check(item, prefix, address_parts, COUNT(address_parts), NULL, 0, err))
            continue;
        json_t *address = json_object();
        const char *key;
        json_t *value;
        json_object_foreach(item, key, value)
        {
            if (json_is_null(value))
                continue;
            if (!json_is_string(value) || json_string_length(value) > 500) {
                err_field(err, path, "%s must be a text of at most 500 characters", key);
                continue;
            }
            if (json_string_length(value) > 0)
                json_object_set(address, key, value);
        }
        if (json_object_size(address) > 0 &&
            !(json_object_size(address) == 1 && json_object_get(address, "type") != NULL))
            json_array_append(clean, address);
        json_decref(address);
    }
    json_object_set_new(merged, "addresses", clean);
}

static void contact_validate_record(struct arena *arena, json_t *merged, struct err *err)
{
    if (!has_text(json_object_get(merged, "first_name")) &&
        !has_text(json_object_get(merged, "last_name")))
        err_field(err, "last_name", "a first or last name is required");
    contact_addresses_validate(merged, err);
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

const struct entity entity_products = {
    .name = "products",
    .singular = "product",
    .fields = product_fields,
    .n_fields = COUNT(product_fields),
    .relations = NULL,
    .n_relations = 0,
    .links = NULL,
    .default_sort = "name",
    .validate_record = product_validate_record,
    .search_text = product_search_text,
    .derived_name = NULL,
};

/* A quote's money is dated by its decision, else by its sending, else by its creation. */
static const char *const quote_money_dates[] = {"decided_at", "sent_at", NULL};

const struct entity entity_quotes = {
    .name = "quotes",
    .singular = "quote",
    .fields = quote_fields,
    .n_fields = COUNT(quote_fields),
    .relations = NULL,
    .n_relations = 0,
    .links = NULL,
    .default_sort = "-id",
    .validate_record = NULL,
    .search_text = quote_search_text,
    .derived_name = NULL,
    .money_date_fields = quote_money_dates,
};

const struct entity entity_leads = {
    .name = "leads",
    .singular = "lead",
    .fields = lead_fields,
    .n_fields = COUNT(lead_fields),
    .default_sort = "-id",
    .validate_record = lead_validate_record,
    .search_text = lead_search_text,
};

const struct entity entity_lead_scoring_rules = {
    .name = "lead-scoring-rules",
    .table = "lead_scoring_rules",
    .singular = "scoring rule",
    .fields = lead_scoring_rule_fields,
    .n_fields = COUNT(lead_scoring_rule_fields),
    .default_sort = "name",
    .validate_record = lead_rule_validate_record,
    .search_text = lead_scoring_rule_search_text,
};

const struct entity entity_lead_assignment_rules = {
    .name = "lead-assignment-rules",
    .table = "lead_assignment_rules",
    .singular = "assignment rule",
    .fields = lead_assignment_rule_fields,
    .n_fields = COUNT(lead_assignment_rule_fields),
    .default_sort = "position",
    .validate_record = lead_assignment_rule_validate_record,
    .search_text = lead_assignment_rule_search_text,
};

const struct entity entity_forms = {
    .name = "forms",
    .singular = "form",
    .fields = form_fields,
    .n_fields = COUNT(form_fields),
    .default_sort = "name",
    .validate_record = form_validate_record,
    .search_text = form_search_text,
};

const struct entity entity_price_lists = {
    .name = "price-lists",
    .table = "price_lists",
    .singular = "price list",
    .fields = price_list_fields,
    .n_fields = COUNT(price_list_fields),
    .default_sort = "name",
    .validate_record = price_list_validate_record,
    .search_text = price_list_search_text,
};

/* A recurring record needs its first time (at, due_at) to count from. */
static void recurrence_validate(json_t *merged, const char *start_field, struct err *err)
{
    const char *rrule = json_string_value(json_object_get(merged, "rrule"));
    if (rrule == NULL)
        return;
    if (json_string_value(json_object_get(merged, start_field)) == NULL)
        err_field(err, start_field, "a recurring one needs its first time");
}

/* exdates: the occurrences left out of a recurring meeting, as datetimes (canonical form). */
static void activity_recurrence_validate(struct arena *arena, json_t *merged, struct err *err)
{
    (void)arena;
    recurrence_validate(merged, "at", err);
    json_t *list = json_object_get(merged, "exdates");
    if (list == NULL || json_is_null(list)) {
        json_object_set_new(merged, "exdates", json_array());
        return;
    }
    if (!json_is_array(list) || json_array_size(list) > ACTIVITY_MAX_EXDATES) {
        err_field(err, "exdates", "must be a list of at most %d datetimes", ACTIVITY_MAX_EXDATES);
        return;
    }
    json_t *clean = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        char canonical[CLOCK_DATETIME_LEN + 1];
        if (!json_is_string(item) ||
            record_datetime_normalise(json_string_value(item), canonical) < 0) {
            char path[32];
            snprintf(path, sizeof(path), "exdates[%zu]", i);
            err_field(err, path, "must be a datetime with a zone, like 2026-03-01T09:00:00Z");
            continue;
        }
        json_array_append_new(clean, json_string(canonical));
    }
    json_object_set_new(merged, "exdates", clean);
}

static void task_recurrence_validate(struct arena *arena, json_t *merged, struct err *err)
{
    (void)arena;
    recurrence_validate(merged, "due_at", err);
}

/* Activity checks across fields: its span, its kind's fields, a recurrence's pieces. */
static void activity_validate_record(struct arena *arena, json_t *merged, struct err *err)
{
    (void)arena;
    const char *type = json_string_value(json_object_get(merged, "type"));
    const char *at = json_string_value(json_object_get(merged, "at"));
    const char *end = json_string_value(json_object_get(merged, "end_at"));
    if (at != NULL && end != NULL && strcmp(end, at) < 0)
        err_field(err, "end_at", "must not be before at");
    const json_t *duration = json_object_get(merged, "duration_s");
    if (json_is_integer(duration) &&
        (json_integer_value(duration) < 0 || json_integer_value(duration) > ACTIVITY_MAX_SECONDS))
        err_field(err, "duration_s", "must be between 0 and %d seconds", ACTIVITY_MAX_SECONDS);
    const char *status = json_string_value(json_object_get(merged, "status"));
    if (status != NULL && type != NULL) {
        static const char *const claim_statuses[] = {"open", "in_progress", "resolved", NULL};
        static const char *const order_statuses[] = {"new",       "paid",      "shipped",
                                                     "delivered", "cancelled", NULL};
        const char *const *allowed = strcmp(type, "claim") == 0   ? claim_statuses
                                     : strcmp(type, "order") == 0 ? order_statuses
                                                                  : NULL;
        bool found = false;
        for (const char *const *s = allowed; s != NULL && *s != NULL; s++)
            found |= strcmp(*s, status) == 0;
        if (!found)
            err_field(err, "status", allowed == NULL ? "only claims and orders have a status"
                                                     : "is not a status of a %s", type);
    }
    activity_recurrence_validate(arena, merged, err);
}

/* A checklist is [{"text": "...", "done": false}, ...]; missing "done" means not done. */
static void task_checklist_validate(json_t *merged, struct err *err)
{
    json_t *list = json_object_get(merged, "checklist");
    if (list == NULL || json_is_null(list)) {
        json_object_set_new(merged, "checklist", json_array());
        return;
    }
    if (!json_is_array(list) || json_array_size(list) > TASK_CHECKLIST_MAX_ITEMS) {
        err_field(err, "checklist", "must be a list of at most %d items {\"text\", \"done\"}",
                  TASK_CHECKLIST_MAX_ITEMS);
        return;
    }
    json_t *clean = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        char path[32];
        snprintf(path, sizeof(path), "checklist[%zu]", i);
        const json_t *text = json_object_get(item, "text");
        const json_t *done = json_object_get(item, "done");
        size_t keys = json_object_size(item);
        if (!json_is_object(item) || !json_is_string(text) ||
            keys != (done != NULL ? 2u : 1u) || (done != NULL && !json_is_boolean(done))) {
            err_field(err, path, "each item is {\"text\": \"...\", \"done\": false}");
            continue;
        }
        if (json_string_length(text) == 0 || json_string_length(text) > 500) {
            err_field(err, path, "needs a text of 1 to 500 characters");
            continue;
        }
        json_array_append_new(clean, json_pack("{s:O,s:b}", "text", text, "done",
                                               done != NULL && json_is_true(done)));
    }
    json_object_set_new(merged, "checklist", clean);
}

static void task_validate_record(struct arena *arena, json_t *merged, struct err *err)
{
    task_checklist_validate(merged, err);
    const json_t *estimate = json_object_get(merged, "estimate_s");
    if (json_is_integer(estimate) &&
        (json_integer_value(estimate) < 0 || json_integer_value(estimate) > TASK_MAX_ESTIMATE_S))
        err_field(err, "estimate_s", "must be between 0 and %d seconds", TASK_MAX_ESTIMATE_S);
    task_recurrence_validate(arena, merged, err);
}

static const char *activity_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_activities, record);
}

static const char *task_search_text(struct arena *arena, const json_t *record)
{
    return search_text_of(arena, &entity_tasks, record);
}

/* An order's amount is dated by the order's time. */
static const char *const activity_money_dates[] = {"at", NULL};

const struct entity entity_activities = {
    .name = "activities",
    .singular = "activity",
    .fields = activity_fields,
    .n_fields = COUNT(activity_fields),
    .default_sort = "-at",
    .validate_record = activity_validate_record,
    .search_text = activity_search_text,
    .money_date_fields = activity_money_dates,
};

const struct entity entity_tasks = {
    .name = "tasks",
    .singular = "task",
    .fields = task_fields,
    .n_fields = COUNT(task_fields),
    .default_sort = "due_at",
    .validate_record = task_validate_record,
    .search_text = task_search_text,
    .owner_alias = "assignee_id",
};

static const struct entity *const all_entities[] = {
    &entity_companies, &entity_contacts, &entity_deals,
    &entity_competitors, &entity_products, &entity_quotes,
    &entity_leads, &entity_lead_scoring_rules, &entity_lead_assignment_rules,
    &entity_forms, &entity_price_lists, &entity_activities, &entity_tasks};

/* The declared column fields of an entity as a relation target's filter fields. */
static size_t target_schema_fields(const struct entity_field *fields, size_t n_fields,
                                   struct schema_field *out)
{
    size_t n = 0;
    for (size_t i = 0; i < n_fields; i++) {
        const struct entity_field *f = &fields[i];
        if ((f->kind != FIELD_KIND_COLUMN && f->kind != FIELD_KIND_SYSTEM) ||
            f->object_of_strings || (f->flags & FIELD_JSON) || f->type == FIELD_MONEY)
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
    product_target_schema.n_fields =
        target_schema_fields(product_fields, COUNT(product_fields), product_schema_fields);
}

const char *entity_table(const struct entity *entity)
{
    return entity->table != NULL ? entity->table : entity->name;
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
        const struct entity_field *f = &entity->fields[i];
        if (f->type == FIELD_MONEY && (f->kind == FIELD_KIND_COLUMN || f->kind == FIELD_KIND_SYSTEM))
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
