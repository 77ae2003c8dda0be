/*
 * GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the
 * route table and the entity field tables, so it cannot drift from the
 * code. Built once per request (it is small) from constant tables.
 */
#include "api/api.h"

#include <assert.h>
#include <ctype.h>
#include <string.h>

#include "base/arena.h"
#include "domain/custom_field.h"
#include "domain/entity.h"

static json_t *type_schema(enum field_type type)
{
    switch (type) {
    case FIELD_INTEGER:
        return json_pack("{s:s}", "type", "integer");
    case FIELD_NUMBER:
        return json_pack("{s:s}", "type", "number");
    case FIELD_BOOL:
        return json_pack("{s:s}", "type", "boolean");
    case FIELD_DATE:
        return json_pack("{s:s,s:s}", "type", "string", "format", "date");
    case FIELD_DATETIME:
        return json_pack("{s:s,s:s}", "type", "string", "format", "date-time");
    case FIELD_EMAIL:
        return json_pack("{s:s,s:s}", "type", "string", "format", "email");
    case FIELD_URL:
        return json_pack("{s:s,s:s}", "type", "string", "format", "uri");
    case FIELD_MONEY:
        return json_pack("{s:s,s:{s:{s:s},s:{s:s}}}", "type", "object", "properties", "amount",
                         "type", "string", "currency", "type", "string");
    case FIELD_TEXT_LIST:
    case FIELD_MULTI_ENUM:
        return json_pack("{s:s,s:{s:s}}", "type", "array", "items", "type", "string");
    default:
        return json_pack("{s:s}", "type", "string");
    }
}

static json_t *field_schema(const struct entity_field *f)
{
    json_t *s;
    if (f->kind == FIELD_KIND_LINKS)
        s = json_pack("{s:s,s:{s:s}}", "type", "array", "items", "type", "integer");
    else if (f->object_of_strings)
        s = json_pack("{s:s,s:{s:s}}", "type", "object", "additionalProperties", "type", "string");
    else if (f->flags & FIELD_JSON)
        s = json_pack("{s:s,s:{s:s}}", "type", "array", "items", "type", "object");
    else if (f->type == FIELD_NUMBER && f->kind == FIELD_KIND_COLUMN)
        s = json_pack("{s:s,s:s}", "type", "string", "pattern", "^-?[0-9]+([.][0-9]{1,4})?$");
    else
        s = type_schema(f->type == FIELD_TEXT_LIST ? FIELD_TEXT_LIST : f->type);
    if (f->options != NULL) {
        json_t *values = json_array();
        for (const char *const *o = f->options; *o; o++)
            json_array_append_new(values, json_string(*o));
        json_object_set_new(s, "enum", values);
    }
    if (f->kind == FIELD_KIND_SYSTEM)
        json_object_set_new(s, "readOnly", json_true());
    if (f->type == FIELD_TEXT && f->max_chars > 0 && !f->object_of_strings &&
        !(f->flags & FIELD_JSON))
        json_object_set_new(s, "maxLength", json_integer((json_int_t)f->max_chars));
    return s;
}

static const char *schema_name(struct arena *arena, const struct entity *entity)
{
    char *name = arena_strdup(arena, entity->singular);
    name[0] = (char)toupper((unsigned char)name[0]);
    return name;
}

static json_t *entity_schema(const struct entity *entity)
{
    json_t *props = json_object();
    json_t *required = json_array();
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        json_object_set_new(props, f->name, field_schema(f));
        if (f->flags & FIELD_REQUIRED)
            json_array_append_new(required, json_string(f->name));
    }
    json_object_set_new(props, "custom",
                        json_pack("{s:s,s:s}", "type", "object", "description",
                                  "custom field values, keyed by field name (see /api/v1/fields)"));
    if (entity->links != NULL)
        json_object_set_new(
            props, entity->links->expanded,
            json_pack("{s:s,s:{s:s,s:{s:{s:s},s:{s:s},s:{s:[ss]}}}}", "type", "array", "items",
                      "type", "object", "properties", "id", "type", "integer", "name", "type",
                      "string", "role", "type", "string", "null"));
    return json_pack("{s:s,s:o,s:o,s:b}", "type", "object", "properties", props, "required",
                     required, "additionalProperties", 0);
}

static json_t *field_definition_schema(void)
{
    json_t *types = json_array();
    for (size_t i = 0; i < custom_type_count(); i++)
        json_array_append_new(types, json_string(custom_type_at(i)->name));
    return json_pack(
        "{s:s,s:{s:{s:s,s:b},s:{s:s,s:[ss]},s:{s:s,s:s},s:{s:s},s:{s:s,s:o},s:{s:s,s:{s:s}},"
        "s:{s:s},s:{s:s}},s:[sss]}",
        "type", "object", "properties", "id", "type", "integer", "readOnly", 1, "entity", "type",
        "string", "enum", "companies", "contacts", "name", "type", "string", "pattern",
        "^[a-z][a-z0-9_]{0,39}$", "label", "type", "string", "type", "type", "string", "enum",
        types, "options", "type", "array", "items", "type", "string", "required", "type",
        "boolean", "position", "type", "integer", "required", "entity", "name", "type");
}

/* Schemas of the identity resources and of request bodies that are not records, as JSON text. */
static const struct {
    const char *name;
    const char *json;
} fixed_schemas[] = {
    {"User", "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
             "\"email\":{\"type\":\"string\",\"format\":\"email\"},\"name\":{\"type\":\"string\"},"
             "\"role\":{\"type\":\"string\"},\"team_id\":{\"type\":[\"integer\",\"null\"]},"
             "\"password\":{\"type\":\"string\",\"writeOnly\":true},"
             "\"disabled\":{\"type\":\"boolean\"},\"totp_enabled\":{\"type\":\"boolean\",\"readOnly\":true},"
             "\"password_must_change\":{\"type\":\"boolean\",\"readOnly\":true},"
             "\"last_sign_in_at\":{\"type\":[\"string\",\"null\"],\"readOnly\":true},"
             "\"time_zone\":{\"type\":\"string\",\"description\":\"IANA name, e.g. "
             "Europe/Moscow; days and recurrences are reckoned in it\"},"
             "\"version\":{\"type\":\"integer\",\"readOnly\":true}}}"},
    {"Team", "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
             "\"name\":{\"type\":\"string\"},\"members\":{\"type\":\"integer\",\"readOnly\":true}},"
             "\"required\":[\"name\"]}"},
    {"Role", "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
             "\"name\":{\"type\":\"string\",\"pattern\":\"^[a-z][a-z0-9_]{1,39}$\"},"
             "\"label\":{\"type\":\"string\"},\"builtin\":{\"type\":\"boolean\",\"readOnly\":true},"
             "\"permissions\":{\"type\":\"object\",\"description\":\"per entity, per action (read, "
             "create, update, delete, export, import, merge, reassign): none, own, team or all\"},"
             "\"fields\":{\"type\":\"object\",\"description\":\"per entity, per field: hidden or "
             "read_only\"}}}"},
    {"Token", "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
              "\"name\":{\"type\":\"string\"},\"scopes\":{\"type\":\"array\",\"items\":{\"enum\":"
              "[\"read\",\"write\",\"admin\"]}},\"expires_at\":{\"type\":[\"string\",\"null\"]},"
              "\"token\":{\"type\":\"string\",\"readOnly\":true,\"description\":\"only in the answer "
              "to its creation\"}},\"required\":[\"name\",\"scopes\"]}"},
    {"AuditEntry", "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
                   "\"at\":{\"type\":\"string\"},\"user_id\":{\"type\":[\"integer\",\"null\"]},"
                   "\"action\":{\"type\":\"string\"},\"changes\":{\"type\":[\"object\",\"null\"],"
                   "\"description\":\"field: [old, new]\"}}}"},
    {"SignIn", "{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\"},"
               "\"password\":{\"type\":\"string\"}},\"required\":[\"email\",\"password\"]}"},
    {"SecondFactor", "{\"type\":\"object\",\"properties\":{\"challenge\":{\"type\":\"string\"},"
                     "\"code\":{\"type\":\"string\"}},\"required\":[\"challenge\",\"code\"]}"},
    {"PasswordChange", "{\"type\":\"object\",\"properties\":{\"current_password\":{\"type\":"
                       "\"string\"},\"new_password\":{\"type\":\"string\",\"minLength\":10}},"
                       "\"required\":[\"current_password\",\"new_password\"]}"},
    {"Code", "{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\"}},"
             "\"required\":[\"code\"]}"},
    {"Password", "{\"type\":\"object\",\"properties\":{\"password\":{\"type\":\"string\"}}}"},
    {"Settings", "{\"type\":\"object\",\"properties\":{\"base_currency\":{\"type\":\"string\","
                 "\"pattern\":\"^[A-Z]{3}$\",\"description\":\"ISO 4217 code; exchange rates are "
                 "relative to it, so it cannot change while rates exist\"},"
                 "\"birthday_reminder_days\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":"
                 "365,\"description\":\"days before a contact's birthday its owner is told "
                 "(default 3)\"},\"version\":{\"type\":"
                 "\"integer\",\"readOnly\":true}}}"},
    {"CurrencyList", "{\"type\":\"object\",\"properties\":{\"base\":{\"type\":\"string\"},"
                     "\"data\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":"
                     "{\"code\":{\"type\":\"string\"},\"exponent\":{\"type\":\"integer\","
                     "\"description\":\"decimal places of the minor unit\"}}}}}}"},
    {"ExchangeRate",
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
     "\"currency\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}$\"},\"date\":{\"type\":"
     "\"string\",\"format\":\"date\"},\"rate\":{\"type\":\"string\",\"pattern\":"
     "\"^[0-9]+([.][0-9]{1,8})?$\",\"description\":\"1 unit of the currency is worth this many "
     "units of the base currency; a decimal string with at most 8 places\"},\"created_at\":"
     "{\"type\":\"string\",\"readOnly\":true},\"created_by\":{\"type\":[\"integer\",\"null\"],"
     "\"readOnly\":true},\"updated_at\":{\"type\":\"string\",\"readOnly\":true},\"version\":"
     "{\"type\":\"integer\",\"readOnly\":true}},\"required\":[\"currency\",\"date\",\"rate\"]}"},
    {"RateChange", "{\"type\":\"object\",\"properties\":{\"rate\":{\"type\":\"string\","
                   "\"pattern\":\"^[0-9]+([.][0-9]{1,8})?$\"}},\"required\":[\"rate\"]}"},
    {"Conversion",
     "{\"type\":\"object\",\"properties\":{\"amount\":{\"type\":\"string\"},\"currency\":"
     "{\"type\":\"string\"},\"date\":{\"type\":\"string\",\"format\":\"date\"},\"base\":"
     "{\"type\":\"object\",\"properties\":{\"amount\":{\"type\":\"string\"},\"currency\":"
     "{\"type\":\"string\"}}},\"rate\":{\"type\":\"string\"},\"rate_date\":{\"type\":\"string\","
     "\"format\":\"date\",\"description\":\"the date of the rate used: the latest on or before "
     "date\"}}}"},
    {"RateImportResult",
     "{\"type\":\"object\",\"properties\":{\"imported\":{\"type\":\"integer\",\"description\":"
     "\"rates written, replacements included\"},\"replaced\":{\"type\":\"integer\","
     "\"description\":\"rates that replaced one of the same currency and date\"}}}"},
    {"Pipeline",
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
     "\"name\":{\"type\":\"string\",\"maxLength\":100},\"position\":{\"type\":\"integer\","
     "\"minimum\":0,\"maximum\":10000},\"stages\":{\"type\":\"array\",\"minItems\":1,"
     "\"maxItems\":50,\"items\":{\"$ref\":\"#/components/schemas/PipelineStage\"},"
     "\"description\":\"the whole ordered list: open stages first, then at least one won and "
     "one lost stage; a stage with an id is kept, one without is new, one left out is "
     "deleted\"},\"created_at\":{\"type\":\"string\",\"readOnly\":true},\"updated_at\":"
     "{\"type\":\"string\",\"readOnly\":true},\"version\":{\"type\":\"integer\",\"readOnly\":"
     "true}},\"required\":[\"name\",\"stages\"]}"},
    {"PipelineStage",
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"description\":\"an "
     "existing stage of the pipeline; left out for a new stage\"},\"name\":{\"type\":\"string\","
     "\"maxLength\":100},\"probability\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100,"
     "\"description\":\"100 for won stages, 0 for lost ones\"},\"kind\":{\"enum\":[\"open\","
     "\"won\",\"lost\"]},\"position\":{\"type\":\"integer\",\"readOnly\":true},\"rot_days\":"
     "{\"type\":[\"integer\",\"null\"],\"minimum\":1,\"maximum\":3650,\"description\":\"a deal "
     "in the stage longer than this is rotting; null for won and lost stages\"}},"
     "\"required\":[\"name\",\"kind\"]}"},
    {"DealReason",
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
     "\"kind\":{\"enum\":[\"won\",\"lost\"],\"description\":\"cannot change once made\"},"
     "\"name\":{\"type\":\"string\",\"maxLength\":100},\"position\":{\"type\":\"integer\","
     "\"minimum\":0,\"maximum\":10000},\"active\":{\"type\":\"boolean\"},\"version\":"
     "{\"type\":\"integer\",\"readOnly\":true}},\"required\":[\"kind\",\"name\"]}"},
    {"DealMove",
     "{\"type\":\"object\",\"properties\":{\"stage_id\":{\"type\":\"integer\",\"description\":"
     "\"the stage to move to, of this or another live pipeline\"},\"reason_id\":{\"type\":"
     "[\"integer\",\"null\"],\"description\":\"required for a won or lost stage: an active "
     "deal reason of that kind\"},\"lost_reason\":{\"type\":[\"integer\",\"null\"],"
     "\"description\":\"another name for reason_id\"},\"competitor_id\":{\"type\":"
     "[\"integer\",\"null\"],\"description\":\"a lost stage only: the competitor that won\"}},"
     "\"required\":[\"stage_id\"]}"},
    {"LeadConvert",
     "{\"type\":\"object\",\"properties\":{\"create_deal\":{\"type\":\"boolean\","
     "\"description\":\"default true\"},\"pipeline_id\":{\"type\":\"integer\",\"description\":"
     "\"default: the first pipeline\"},\"stage_id\":{\"type\":\"integer\"},\"title\":{\"type\":"
     "\"string\"},\"amount\":{\"type\":\"object\",\"properties\":{\"amount\":{\"type\":"
     "\"string\"},\"currency\":{\"type\":\"string\"}}}}}"},
    {"LeadConversion",
     "{\"type\":\"object\",\"properties\":{\"contact_id\":{\"type\":[\"integer\",\"null\"]},"
     "\"company_id\":{\"type\":[\"integer\",\"null\"]},\"deal_id\":{\"type\":[\"integer\","
     "\"null\"]},\"lead\":{\"$ref\":\"#/components/schemas/Lead\"}}}"},
    {"FormSubmission",
     "{\"type\":\"object\",\"description\":\"the form's declared lead fields, utm_source, "
     "utm_medium, utm_campaign, utm_term, utm_content, referrer and the honeypot field; JSON or "
     "application/x-www-form-urlencoded\",\"additionalProperties\":{\"type\":\"string\"}}"},
    {"FormReceived",
     "{\"type\":\"object\",\"description\":\"an HTML form with a redirect_url gets 303 to it "
     "instead\",\"properties\":{\"status\":{\"const\":\"received\"}}}"},
    {"QuoteAccept",
     "{\"type\":\"object\",\"properties\":{\"update_deal_amount\":{\"type\":\"boolean\","
     "\"description\":\"make the quote's total the deal's amount (default true)\"}}}"},
    {"QuoteVersions",
     "{\"type\":\"object\",\"properties\":{\"data\":{\"type\":\"array\",\"items\":{\"type\":"
     "\"object\",\"properties\":{\"number\":{\"type\":\"integer\"},\"sent_at\":{\"type\":"
     "\"string\"},\"sent_by\":{\"type\":[\"integer\",\"null\"]},\"quote\":{\"$ref\":"
     "\"#/components/schemas/Quote\"}}}}}}"},
    {"DealHistory",
     "{\"type\":\"object\",\"properties\":{\"data\":{\"type\":\"array\",\"items\":{\"type\":"
     "\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"from_pipeline_id\":{\"type\":"
     "[\"integer\",\"null\"]},\"from_stage_id\":{\"type\":[\"integer\",\"null\"],"
     "\"description\":\"null on the row of the deal's creation\"},\"to_pipeline_id\":{\"type\":"
     "\"integer\"},\"to_stage_id\":{\"type\":\"integer\"},\"at\":{\"type\":\"string\"},"
     "\"user_id\":{\"type\":[\"integer\",\"null\"]},\"user_name\":{\"type\":[\"string\","
     "\"null\"]},\"seconds_in_from\":{\"type\":[\"integer\",\"null\"],\"description\":"
     "\"time spent in the stage left\"}}}}}}"},
    {"Board",
     "{\"type\":\"object\",\"properties\":{\"pipeline\":{\"$ref\":"
     "\"#/components/schemas/Pipeline\"},\"base_currency\":{\"type\":\"string\"},\"stages\":"
     "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"stage\":{\"$ref\":"
     "\"#/components/schemas/PipelineStage\"},\"count\":{\"type\":\"integer\"},\"sums\":"
     "{\"type\":\"array\",\"description\":\"one sum per currency, never added across "
     "currencies\",\"items\":{\"type\":\"object\",\"properties\":{\"amount\":{\"type\":"
     "\"string\"},\"currency\":{\"type\":\"string\"}}}},\"total_base\":{\"type\":[\"object\","
     "\"null\"],\"description\":\"the converted amounts added up, in the base currency\"},"
     "\"unconverted\":{\"type\":\"integer\",\"description\":\"deals with an amount but no "
     "rate for their date, left out of total_base\"},\"deals\":{\"type\":\"array\","
     "\"description\":\"the first cards, newest first, each with rotting (true when it sat in "
     "the stage longer than its rot_days)\",\"items\":{\"$ref\":"
     "\"#/components/schemas/Deal\"}},\"next_cursor\":{\"type\":[\"string\",\"null\"],"
     "\"description\":\"continues with GET /deals?filter=stage_id = N and (filter)&sort=-id\"}}}}}}"},
    {"CommissionRule",
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
     "\"name\":{\"type\":\"string\",\"maxLength\":100},\"pipeline_id\":{\"type\":"
     "[\"integer\",\"null\"],\"description\":\"the pipeline of the deals it covers; null: any\"},"
     "\"series\":{\"type\":[\"string\",\"null\"],\"maxLength\":100,\"description\":\"the "
     "series of the deals' product (Latin letters compared ignoring case); null: any\"},"
     "\"tiers\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":10,\"description\":\"by "
     "quarterly volume: the first from is 0, each next one higher; the percent of the tier "
     "reached applies to the whole volume\",\"items\":{\"type\":\"object\",\"properties\":"
     "{\"from\":{\"type\":\"string\",\"description\":\"volume in the base currency\"},"
     "\"percent\":{\"type\":\"string\",\"pattern\":\"^[0-9]+([.][0-9]{1,4})?$\","
     "\"description\":\"0 to 100\"}},\"required\":[\"from\",\"percent\"]}},\"position\":"
     "{\"type\":\"integer\",\"minimum\":0,\"maximum\":10000,\"description\":\"a deal counts "
     "for the first active rule by position that matches it\"},\"active\":{\"type\":"
     "\"boolean\"},\"created_at\":{\"type\":\"string\",\"readOnly\":true},\"updated_at\":"
     "{\"type\":\"string\",\"readOnly\":true},\"version\":{\"type\":\"integer\","
     "\"readOnly\":true}},\"required\":[\"name\",\"tiers\"]}"},
    {"TimelinePage",
     "{\"type\":\"object\",\"properties\":{\"data\":{\"type\":\"array\",\"items\":"
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"kind\":"
     "{\"type\":\"string\",\"enum\":[\"call\",\"meeting\",\"email\",\"note\",\"claim\","
     "\"order\",\"sms\",\"chat\",\"task\",\"stage\",\"quote\",\"change\",\"created\"]},"
     "\"at\":{\"type\":\"string\",\"format\":\"date-time\"},\"entity\":{\"type\":"
     "\"string\",\"description\":\"the record the item comes from\"},\"record_id\":"
     "{\"type\":\"integer\"},\"summary\":{\"type\":\"string\"},\"detail\":{\"type\":"
     "[\"object\",\"null\"],\"description\":\"activity or task fields (a body as its first "
     "300 characters); {changes:{field:[old,new]}}; {from_stage_id,to_stage_id,from,to}; "
     "{number,status,total}\"},\"user_id\":{\"type\":[\"integer\",\"null\"]}}}},"
     "\"next_cursor\":{\"type\":[\"string\",\"null\"]}}}"},
    {"NotificationPage",
     "{\"type\":\"object\",\"properties\":{\"data\":{\"type\":\"array\",\"items\":"
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"kind\":"
     "{\"type\":\"string\",\"enum\":[\"task_reminder\",\"birthday\",\"task_assigned\"]},"
     "\"at\":{\"type\":\"string\",\"format\":\"date-time\"},\"read\":{\"type\":"
     "\"boolean\"},\"summary\":{\"type\":\"string\"},\"record\":{\"type\":[\"object\","
     "\"null\"],\"properties\":{\"entity\":{\"type\":\"string\"},\"id\":{\"type\":"
     "\"integer\"}}}}}},\"next_cursor\":{\"type\":[\"string\",\"null\"]},\"unread\":"
     "{\"type\":\"integer\"}}}"},
    {"UnreadCount",
     "{\"type\":\"object\",\"properties\":{\"unread\":{\"type\":\"integer\"}}}"},
    {"Attachment",
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"entity\":"
     "{\"type\":\"string\"},\"record_id\":{\"type\":\"integer\"},\"file_name\":"
     "{\"type\":\"string\",\"description\":\"the name given, cleaned of any path and "
     "control characters\"},\"content_type\":{\"type\":\"string\",\"description\":"
     "\"the type it is served as (application/octet-stream unless a known safe type)\"},"
     "\"size\":{\"type\":\"integer\"},\"sha256\":{\"type\":\"string\"},"
     "\"created_at\":{\"type\":\"string\"},\"created_by\":{\"type\":[\"integer\","
     "\"null\"]}}}"},
    {"TimeEntry",
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":"
     "true},\"user_id\":{\"type\":\"integer\",\"readOnly\":true},\"task_id\":{\"type\":"
     "[\"integer\",\"null\"]},\"started_at\":{\"type\":\"string\",\"format\":"
     "\"date-time\"},\"ended_at\":{\"type\":[\"string\",\"null\"],\"readOnly\":true},"
     "\"seconds\":{\"type\":[\"integer\",\"null\"],\"minimum\":1,\"maximum\":86400},"
     "\"note\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"started_at\","
     "\"seconds\"]}"},
    {"DayPlan",
     "{\"type\":\"object\",\"properties\":{\"date\":{\"type\":\"string\",\"format\":"
     "\"date\"},\"time_zone\":{\"type\":\"string\"},\"overdue\":{\"type\":\"array\","
     "\"items\":{\"$ref\":\"#/components/schemas/Task\"}},\"today\":{\"type\":\"array\","
     "\"items\":{\"$ref\":\"#/components/schemas/Task\"}},\"meetings\":{\"type\":"
     "\"array\",\"items\":{\"$ref\":\"#/components/schemas/Activity\"}},\"calls\":"
     "{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Activity\"}},"
     "\"time_logged_s\":{\"type\":\"integer\"},\"running_timer\":{\"oneOf\":[{\"$ref\":"
     "\"#/components/schemas/TimeEntry\"},{\"type\":\"null\"}]}}}"},
    {"EffectivenessReport",
     "{\"type\":\"object\",\"description\":\"per user and local day: planned (tasks due that "
     "day, not cancelled), done (of those, done before the day ended), overdue_carried, "
     "time_planned_s, time_logged_s, effectiveness (done/planned in percent, half up; null "
     "when nothing was planned); weeks sum the days\",\"properties\":{\"data\":{\"type\":"
     "\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"user_id\":{\"type\":"
     "\"integer\"},\"days\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}},"
     "\"weeks\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}"},
    {"TaskReport",
     "{\"type\":\"object\",\"properties\":{\"period\":{\"type\":\"string\",\"enum\":"
     "[\"day\",\"week\",\"month\"]},\"from\":{\"type\":\"string\"},\"to\":{\"type\":"
     "\"string\"},\"user_id\":{\"type\":\"integer\"},\"created\":{\"type\":\"integer\"},"
     "\"done\":{\"type\":\"integer\"},\"done_on_time\":{\"type\":\"integer\"},"
     "\"overdue\":{\"type\":\"integer\"},\"cancelled\":{\"type\":\"integer\"},"
     "\"time_logged_s\":{\"type\":\"integer\"},\"done_tasks\":{\"type\":\"array\","
     "\"items\":{\"type\":\"object\"}}}}"},
    {"CalendarRange",
     "{\"type\":\"object\",\"properties\":{\"data\":{\"type\":\"array\",\"items\":"
     "{\"type\":\"object\",\"properties\":{\"kind\":{\"type\":\"string\",\"enum\":"
     "[\"meeting\",\"call\",\"task\"]},\"entity\":{\"type\":\"string\",\"enum\":"
     "[\"activities\",\"tasks\"]},\"id\":{\"type\":\"integer\"},\"title\":{\"type\":"
     "\"string\"},\"start\":{\"type\":\"string\",\"format\":\"date-time\"},\"end\":"
     "{\"type\":[\"string\",\"null\"]},\"all_day\":{\"type\":\"boolean\"},\"owner_id\":"
     "{\"type\":\"integer\"},\"recurring\":{\"type\":\"boolean\"},\"occurrence\":"
     "{\"type\":[\"string\",\"null\"],\"description\":\"the start of this occurrence of "
     "a recurring one\"}}}},\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"},"
     "\"truncated\":{\"type\":\"boolean\"}}}"},
    {"CalendarImport",
     "{\"type\":\"object\",\"properties\":{\"imported\":{\"type\":\"integer\"},"
     "\"updated\":{\"type\":\"integer\"},\"activity_ids\":{\"type\":\"array\",\"items\":"
     "{\"type\":\"integer\"}},\"warnings\":{\"type\":\"array\",\"items\":{\"type\":"
     "\"object\",\"properties\":{\"line\":{\"type\":[\"integer\",\"null\"]},\"uid\":"
     "{\"type\":[\"string\",\"null\"]},\"message\":{\"type\":\"string\"}}}}}}"},
    {"CalendarFeed",
     "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\",\"description\":"
     "\"shown once, when made\"},\"token\":{\"type\":\"string\",\"description\":\"shown "
     "once, when made\"},\"active\":{\"type\":\"boolean\"},\"created_at\":{\"type\":"
     "[\"string\",\"null\"]}}}"},
    /* exports (begin) */
    {"ExportRequest",
     "{\"type\":\"object\",\"properties\":{\"entity\":{\"type\":\"string\","
     "\"description\":\"the collection, such as contacts\"},\"format\":{\"type\":"
     "\"string\",\"enum\":[\"csv\",\"xlsx\",\"vcf\",\"ics\"],\"description\":\"vcf "
     "for contacts only; ics for activities (meetings) and tasks only\"},\"filter\":"
     "{\"type\":[\"string\",\"null\"],\"description\":\"as the list's filter\"},\"q\":"
     "{\"type\":[\"string\",\"null\"]},\"sort\":{\"type\":[\"string\",\"null\"]},"
     "\"fields\":{\"type\":[\"array\",\"null\"],\"items\":{\"type\":\"string\"},"
     "\"description\":\"csv and xlsx columns (default: every field the caller may read, "
     "custom fields as custom.<name>)\"},\"raw\":{\"type\":\"boolean\",\"description\":"
     "\"administrators only: cells starting with = + - @ TAB CR are not neutralised\"}},"
     "\"required\":[\"entity\",\"format\"]}"},
    {"Export",
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"entity\":"
     "{\"type\":\"string\"},\"format\":{\"type\":\"string\"},\"status\":{\"type\":"
     "\"string\",\"enum\":[\"queued\",\"running\",\"done\",\"failed\"]},\"rows\":"
     "{\"type\":\"integer\"},\"error\":{\"type\":[\"string\",\"null\"]},\"request\":"
     "{\"type\":\"object\"},\"created_by\":{\"type\":\"integer\"},\"created_at\":"
     "{\"type\":\"string\"},\"finished_at\":{\"type\":[\"string\",\"null\"]},\"file\":"
     "{\"type\":[\"object\",\"null\"],\"description\":\"once done\",\"properties\":"
     "{\"name\":{\"type\":\"string\"},\"size\":{\"type\":\"integer\"},"
     "\"content_type\":{\"type\":\"string\"}}}}}"},
    {"ExportPage",
     "{\"type\":\"object\",\"properties\":{\"data\":{\"type\":\"array\",\"items\":"
     "{\"$ref\":\"#/components/schemas/Export\"}},\"next_cursor\":{\"type\":[\"string\","
     "\"null\"]}}}"},
    /* exports (end) */
    /* gdpr (begin) */
    {"Consent",
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":"
     "true},\"contact_id\":{\"type\":\"integer\",\"readOnly\":true},\"purpose\":"
     "{\"type\":\"string\",\"minLength\":1,\"maxLength\":100,\"description\":\"what "
     "was agreed to, e.g. newsletter\"},\"text_version\":{\"type\":\"string\","
     "\"minLength\":1,\"maxLength\":50,\"description\":\"the version of the wording "
     "agreed to\"},\"source\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100,"
     "\"description\":\"form, import, phone, email, in_person, api, or free text\"},"
     "\"given_at\":{\"type\":\"string\",\"format\":\"date-time\",\"description\":"
     "\"default: now; never in the future\"},\"withdrawn_at\":{\"type\":[\"string\","
     "\"null\"],\"readOnly\":true},\"active\":{\"type\":\"boolean\",\"readOnly\":"
     "true},\"created_by\":{\"type\":[\"integer\",\"null\"],\"readOnly\":true},"
     "\"created_at\":{\"type\":\"string\",\"readOnly\":true}},\"required\":"
     "[\"purpose\",\"text_version\",\"source\"]}"},
    {"ConsentPage",
     "{\"type\":\"object\",\"description\":\"the ledger, newest given first\","
     "\"properties\":{\"data\":{\"type\":\"array\",\"items\":{\"$ref\":"
     "\"#/components/schemas/Consent\"}},\"next_cursor\":{\"type\":\"null\"}}}"},
    {"GdprErase",
     "{\"type\":\"object\",\"properties\":{\"confirm\":{\"type\":\"string\","
     "\"description\":\"the contact's id as text, e.g. \\\"42\\\"\"}},\"required\":"
     "[\"confirm\"]}"},
    {"GdprErasure",
     "{\"type\":\"object\",\"properties\":{\"contact_id\":{\"type\":\"integer\"},"
     "\"erased_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"erased\":"
     "{\"type\":\"object\",\"description\":\"what was scrubbed: counts of leads, "
     "activities, tasks, attachments, timeline_items, notifications, audit_entries and "
     "consents_withdrawn\"}}}"},
    /* gdpr (end) */
    /* duplicates (begin) */
    {"DuplicateMatches",
     "{\"type\":\"object\",\"description\":\"records the candidate may duplicate, best fir"
     "st, at most 10; only records the caller may read\",\"properties\":{\"data\":{\"type"
     "\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integ"
     "er\"},\"name\":{\"type\":\"string\"},\"score\":{\"type\":\"number\",\"description\":"
     "\"0..1; 0.85 and above is a duplicate\"},\"reason\":{\"type\":\"string\",\"descripti"
     "on\":\"why, in words: same e-mail, similar name (0.92) and same phone, ...\"}}}}}}"},
    {"DuplicateClusters",
     "{\"type\":\"object\",\"description\":\"the clusters of one page of shared keys, best"
     " first; page on with next_cursor until it is null (a page may hold no cluster)\",\"p"
     "roperties\":{\"data\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"propertie"
     "s\":{\"score\":{\"type\":\"number\",\"description\":\"of the cluster's best pair\"},"
     "\"reason\":{\"type\":\"string\"},\"ids\":{\"type\":\"array\",\"items\":{\"type\":\"i"
     "nteger\"}},\"records\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properti"
     "es\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}}}}}}},\"next_curs"
     "or\":{\"type\":[\"string\",\"null\"]}}}"},
    {"MergeRequest",
     "{\"type\":\"object\",\"properties\":{\"entity\":{\"type\":\"string\",\"enum\":[\"con"
     "tacts\",\"companies\",\"leads\"]},\"survivor_id\":{\"type\":\"integer\",\"descriptio"
     "n\":\"the record that stays\"},\"merged_ids\":{\"type\":\"array\",\"minItems\":1,\"m"
     "axItems\":20,\"items\":{\"type\":\"integer\"},\"description\":\"the records merged i"
     "nto it: their relations move to the survivor and they go to the trash\"},\"fields\":"
     "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"},\"description\""
     ":\"field (or custom.<name>): the id of the record whose value the survivor takes; li"
     "st fields not named get the union of all\"}},\"required\":[\"entity\",\"survivor_id"
     "\",\"merged_ids\"],\"additionalProperties\":false}"},
    {"Merge",
     "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true}"
     ",\"entity\":{\"type\":\"string\"},\"survivor_id\":{\"type\":\"integer\"},\"merged_id"
     "s\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},\"fields\":{\"type\":\"arr"
     "ay\",\"items\":{\"type\":\"string\"},\"description\":\"the survivor's fields the mer"
     "ge wrote\"},\"moved\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"inte"
     "ger\"},\"description\":\"rows moved to the survivor, by table\"},\"created_by\":{\"t"
     "ype\":[\"integer\",\"null\"]},\"created_at\":{\"type\":\"string\"},\"undone\":{\"typ"
     "e\":\"boolean\"},\"undone_by\":{\"type\":[\"integer\",\"null\"]},\"undone_at\":{\"ty"
     "pe\":[\"string\",\"null\"]},\"kept_fields\":{\"type\":\"array\",\"items\":{\"type\":"
     "\"string\"},\"description\":\"only in the answer to an undo: fields changed since th"
     "e merge, which keep their new value\"}}}"},
    /* duplicates (end) */
    {"CommissionReport",
     "{\"type\":\"object\",\"properties\":{\"quarter\":{\"type\":\"string\",\"pattern\":"
     "\"^[0-9]{4}-Q[1-4]$\"},\"from\":{\"type\":\"string\",\"format\":\"date\"},\"to\":"
     "{\"type\":\"string\",\"format\":\"date\"},\"base_currency\":{\"type\":\"string\"},"
     "\"data\":{\"type\":\"array\",\"description\":\"one row per owner of won deals the "
     "caller may read, by name\",\"items\":{\"type\":\"object\",\"properties\":{\"user_id\":"
     "{\"type\":\"integer\"},\"user_name\":{\"type\":\"string\"},\"team_id\":{\"type\":"
     "[\"integer\",\"null\"]},\"won_count\":{\"type\":\"integer\"},\"volume\":{\"type\":"
     "\"object\",\"description\":\"converted won amounts, in the base currency\"},\"rules\":"
     "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"rule_id\":"
     "{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"won_count\":{\"type\":"
     "\"integer\"},\"volume\":{\"type\":\"object\"},\"unconverted_count\":{\"type\":"
     "\"integer\"},\"tier\":{\"type\":\"object\",\"description\":\"the tier reached: "
     "{from, percent}\"},\"commission\":{\"type\":\"object\"}}}},\"commission\":{\"type\":"
     "\"object\"},\"uncovered_count\":{\"type\":\"integer\",\"description\":\"won deals "
     "no active rule matches\"},\"uncovered_volume\":{\"type\":\"object\"},"
     "\"unconverted_count\":{\"type\":\"integer\",\"description\":\"won deals with an "
     "amount but no exchange rate, left out of the volumes\"}}}}}}"},
};

/* The schema of a collection tag that is not an entity ("users" -> "User"); NULL when none. */
static const char *fixed_schema_of_tag(const char *tag)
{
    static const char *const tags[][2] = {{"users", "User"}, {"teams", "Team"}, {"roles", "Role"},
                                          {"tokens", "Token"}, {"audit", "AuditEntry"},
                                          {"settings", "Settings"},
                                          {"currencies", "CurrencyList"},
                                          {"exchange-rates", "ExchangeRate"},
                                          {"pipelines", "Pipeline"},
                                          {"deal-reasons", "DealReason"},
                                          {"commissions", "CommissionRule"},
                                          {"attachments", "Attachment"},
                                          {"time-entries", "TimeEntry"},
                                          {"exports", "Export"},
                                          /* gdpr (begin) */
                                          {"consents", "Consent"},
                                          /* gdpr (end) */
                                          /* duplicates (begin) */
                                          {"merges", "Merge"},
                                          /* duplicates (end) */
                                          };
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        if (strcmp(tags[i][0], tag) == 0)
            return tags[i][1];
    }
    return NULL;
}

/* Request bodies that are not the collection's record. */
static const char *body_schema_of_route(const struct route *route)
{
    static const char *const bodies[][2] = {
        {"/api/v1/auth/login", "SignIn"},          {"/api/v1/auth/totp", "SecondFactor"},
        {"/api/v1/auth/password", "PasswordChange"}, {"/api/v1/auth/totp/enable", "Code"},
        {"/api/v1/auth/totp/disable", "Password"},  {"/api/v1/users/{id}/password", "Password"},
        {"/api/v1/exchange-rates/{currency}/{date}", "RateChange"},
        {"/api/v1/deals/{id}/move", "DealMove"},
        {"/api/v1/quotes/{id}/accept", "QuoteAccept"},
        {"/api/v1/leads/{id}/convert", "LeadConvert"},
        {"/api/v1/forms/{key}/submit", "FormSubmission"},
        {"/api/v1/exports", "ExportRequest"},
        /* gdpr (begin) */
        {"/api/v1/contacts/{id}/consents", "Consent"},
        {"/api/v1/contacts/{id}/gdpr-erase", "GdprErase"},
        /* gdpr (end) */
        /* duplicates (begin) */
        {"/api/v1/duplicates/merge", "MergeRequest"},
        /* duplicates (end) */
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        if (strcmp(bodies[i][0], route->pattern) == 0)
            return bodies[i][1];
    }
    return NULL;
}

/* Actions on a record that take no body. */
static bool takes_no_body(const struct route *route)
{
    static const char *const actions[] = {"/restore", "/send",        "/revise", "/decline",
                                          "/assign",  "/read",        "/read-all",
                                          "/start",   "/stop",
                                          /* gdpr */ "/withdraw",
                                          /* duplicates */ "/undo"};
    size_t len = strlen(route->pattern);
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        size_t n = strlen(actions[i]);
        if (len > n && strcmp(route->pattern + len - n, actions[i]) == 0)
            return true;
    }
    return false;
}

/* Answers that are not the collection's schema: method, pattern, status, schema. */
static const char *const special_answers[][4] = {
    {"GET", "/api/v1/settings", "200", "Settings"},
    {"GET", "/api/v1/currencies", "200", "CurrencyList"},
    {"GET", "/api/v1/exchange-rates/convert", "200", "Conversion"},
    {"POST", "/api/v1/exchange-rates/import", "200", "RateImportResult"},
    {"GET", "/api/v1/exchange-rates/{currency}/{date}", "200", "ExchangeRate"},
    {"PATCH", "/api/v1/exchange-rates/{currency}/{date}", "200", "ExchangeRate"},
    {"GET", "/api/v1/deals/{id}/history", "200", "DealHistory"},
    {"GET", "/api/v1/quotes/{id}/versions", "200", "QuoteVersions"},
    {"POST", "/api/v1/leads/{id}/convert", "200", "LeadConversion"},
    {"POST", "/api/v1/forms/{key}/submit", "201", "FormReceived"},
    {"GET", "/api/v1/pipelines/{id}/board", "200", "Board"},
    {"GET", "/api/v1/commissions", "200", "CommissionReport"},
    {"GET", "/api/v1/me/day", "200", "DayPlan"},
    {"GET", "/api/v1/calendar", "200", "CalendarRange"},
    {"POST", "/api/v1/calendar/import", "200", "CalendarImport"},
    {"POST", "/api/v1/me/calendar-feed", "201", "CalendarFeed"},
    {"GET", "/api/v1/me/calendar-feed", "200", "CalendarFeed"},
    {"GET", "/api/v1/timer", "200", "TimeEntry"},
    {"POST", "/api/v1/tasks/{id}/timer/start", "201", "TimeEntry"},
    {"POST", "/api/v1/timer/stop", "200", "TimeEntry"},
    {"GET", "/api/v1/reports/effectiveness", "200", "EffectivenessReport"},
    {"GET", "/api/v1/reports/tasks", "200", "TaskReport"},
    {"GET", "/api/v1/contacts/{id}/timeline", "200", "TimelinePage"},
    {"GET", "/api/v1/companies/{id}/timeline", "200", "TimelinePage"},
    {"GET", "/api/v1/deals/{id}/timeline", "200", "TimelinePage"},
    {"GET", "/api/v1/leads/{id}/timeline", "200", "TimelinePage"},
    {"GET", "/api/v1/notifications", "200", "NotificationPage"},
    {"POST", "/api/v1/notifications/{id}/read", "200", "UnreadCount"},
    {"POST", "/api/v1/notifications/read-all", "200", "UnreadCount"},
    /* exports (begin) */
    {"POST", "/api/v1/exports", "202", "Export"},
    {"GET", "/api/v1/exports", "200", "ExportPage"},
    {"GET", "/api/v1/exports/{id}", "200", "Export"},
    /* exports (end) */
    /* gdpr (begin) */
    {"GET", "/api/v1/contacts/{id}/consents", "200", "ConsentPage"},
    {"POST", "/api/v1/contacts/{id}/consents", "201", "Consent"},
    {"POST", "/api/v1/consents/{id}/withdraw", "200", "Consent"},
    {"POST", "/api/v1/contacts/{id}/gdpr-erase", "200", "GdprErasure"},
    /* gdpr (end) */
    /* duplicates (begin) */
    {"GET", "/api/v1/duplicates/check", "200", "DuplicateMatches"},
    {"GET", "/api/v1/duplicates", "200", "DuplicateClusters"},
    {"POST", "/api/v1/duplicates/merge", "201", "Merge"},
    /* duplicates (end) */
};

static const char *const *special_answer_of_route(const struct route *route)
{
    for (size_t i = 0; i < sizeof(special_answers) / sizeof(special_answers[0]); i++) {
        if (strcmp(special_answers[i][0], route->method) == 0 &&
            strcmp(special_answers[i][1], route->pattern) == 0)
            return special_answers[i];
    }
    return NULL;
}

/* Request bodies that are files, not JSON: pattern, media type, description. */
static const char *const file_bodies[][3] = {
    {"/api/v1/calendar/import", "text/calendar",
     "an iCalendar file (RFC 5545); its VEVENTs become meetings"},
    {"/api/v1/exchange-rates/import", "text/csv",
     "UTF-8 CSV whose header names the columns date, currency and rate (in any order; "
     "separated by commas, semicolons or tabs)"},
};

/* Query parameters of GET routes that are not entity lists. */
static const struct {
    const char *pattern;
    const char *name;
    const char *description;
    bool required;
} query_parameters[] = {
    {"/api/v1/exchange-rates", "currency", "only the rates of this currency (ISO 4217 code)",
     false},
    {"/api/v1/exchange-rates", "from", "first date, YYYY-MM-DD", false},
    {"/api/v1/exchange-rates", "to", "last date, YYYY-MM-DD", false},
    {"/api/v1/exchange-rates", "limit", "page size, 1 to 500 (default 50)", false},
    {"/api/v1/exchange-rates", "cursor", "next_cursor of the previous page", false},
    {"/api/v1/exchange-rates/convert", "amount",
     "a decimal string with at most the currency's decimal places, e.g. 10.50", true},
    {"/api/v1/exchange-rates/convert", "currency", "the amount's currency (ISO 4217 code)", true},
    {"/api/v1/pipelines/{id}/board", "filter", "filter language over deals (e.g. amount >= 1000)",
     false},
    {"/api/v1/pipelines/{id}/board", "q", "full-text search over deals", false},
    {"/api/v1/pipelines/{id}/board", "limit", "cards per stage, 1 to 100 (default 20)", false},
    {"/api/v1/exchange-rates/convert", "date",
     "convert at the rate of this date or the latest before it, YYYY-MM-DD (default: today)",
     false},
    {"/api/v1/commissions", "quarter", "the quarter, like 2017-Q1 (default: the current one)",
     false},
    {"/api/v1/exports", "limit", "page size, 1 to 100 (default 20)", false},
    {"/api/v1/exports", "cursor", "next_cursor of the previous page", false},
#define TIMELINE_PARAMETERS(pattern)                                                               \
    {pattern, "kind", "only these kinds, comma-separated (call,meeting,note,task,stage,...)",       \
     false},                                                                                       \
        {pattern, "limit", "page size, 1 to 200 (default 50)", false},                             \
        {pattern, "cursor", "next_cursor of the previous page", false}
    TIMELINE_PARAMETERS("/api/v1/contacts/{id}/timeline"),
    TIMELINE_PARAMETERS("/api/v1/companies/{id}/timeline"),
    TIMELINE_PARAMETERS("/api/v1/deals/{id}/timeline"),
    TIMELINE_PARAMETERS("/api/v1/leads/{id}/timeline"),
    {"/api/v1/calendar", "from", "start of the range, a date-time with a zone", true},
    {"/api/v1/calendar", "to", "end of the range (at most 93 days after from)", true},
    {"/api/v1/calendar", "user", "a user id, or team (default: the caller)", false},
    {"/api/v1/users/{id}/ical", "token", "the feed's secret token (404 when wrong or revoked)",
     true},
    {"/api/v1/me/day", "date", "the day, YYYY-MM-DD (default: today in the caller's zone)", false},
    {"/api/v1/time-entries", "user", "whose entries (default: the caller's)", false},
    {"/api/v1/time-entries", "from", "first local date, YYYY-MM-DD", false},
    {"/api/v1/time-entries", "to", "last local date, YYYY-MM-DD", false},
    {"/api/v1/time-entries", "task_id", "only the entries of this task", false},
    {"/api/v1/time-entries", "limit", "page size (default 50)", false},
    {"/api/v1/time-entries", "cursor", "next_cursor of the previous page", false},
    {"/api/v1/reports/effectiveness", "user", "one user (default: the caller)", false},
    {"/api/v1/reports/effectiveness", "team", "every member of a team", false},
    {"/api/v1/reports/effectiveness", "from", "first date, YYYY-MM-DD (at most 93 days)", false},
    {"/api/v1/reports/effectiveness", "to", "last date, YYYY-MM-DD", false},
    {"/api/v1/reports/tasks", "period", "day, week (ISO) or month", true},
    {"/api/v1/reports/tasks", "user", "whose tasks (default: the caller)", false},
    {"/api/v1/reports/tasks", "date", "a date within the period (default: today)", false},
    {"/api/v1/notifications", "unread", "true: only unread ones", false},
    {"/api/v1/notifications", "limit", "page size, 1 to 100 (default 20)", false},
    {"/api/v1/notifications", "cursor", "next_cursor of the previous page", false},
    {"/api/v1/commissions", "user_id",
     "only this salesperson (404 when outside the caller's read scope over deals)", false},
    /* duplicates (begin) */
    {"/api/v1/duplicates/check", "entity", "contacts, companies or leads", true},
    {"/api/v1/duplicates/check", "first_name", "as typed", false},
    {"/api/v1/duplicates/check", "last_name", "as typed", false},
    {"/api/v1/duplicates/check", "name", "a company's or a lead's name", false},
    {"/api/v1/duplicates/check", "emails", "e-mail addresses, comma-separated", false},
    {"/api/v1/duplicates/check", "phones", "phone numbers, comma-separated", false},
    {"/api/v1/duplicates/check", "email", "one e-mail address (leads)", false},
    {"/api/v1/duplicates/check", "phone", "one phone number (leads)", false},
    {"/api/v1/duplicates/check", "website", "a company's website", false},
    {"/api/v1/duplicates/check", "company_name", "the person's company", false},
    {"/api/v1/duplicates/check", "exclude_id", "the record being edited, left out", false},
    {"/api/v1/duplicates", "entity", "contacts, companies or leads", true},
    {"/api/v1/duplicates", "limit", "shared keys read per page, 1 to 1000 (default 200)", false},
    {"/api/v1/duplicates", "cursor", "next_cursor of the previous page", false},
    {"/api/v1/merges", "entity", "contacts, companies or leads (with record_id: required)", false},
    {"/api/v1/merges", "record_id",
     "the merges this record survived (default: one's own merges; administrators: all)", false},
    {"/api/v1/merges", "limit", "page size, 1 to 100 (default 20)", false},
    {"/api/v1/merges", "cursor", "next_cursor of the previous page", false},
    /* duplicates (end) */
};

/* Adds the route's path parameters ({id}: integer, others: string); whether there were any. */
static bool path_parameters(const struct route *route, json_t *params)
{
    bool any = false;
    for (const char *p = strchr(route->pattern, '{'); p != NULL; p = strchr(p + 1, '{')) {
        size_t len = strcspn(p + 1, "}");
        json_t *name = json_stringn(p + 1, len);
        bool is_id = len == 2 && strncmp(p + 1, "id", 2) == 0;
        json_array_append_new(params, json_pack("{s:o,s:s,s:b,s:{s:s}}", "name", name, "in",
                                                "path", "required", 1, "schema", "type",
                                                is_id ? "integer" : "string"));
        any = true;
    }
    return any;
}

/* Adds the query parameters the table gives the route; whether there were any. */
static bool route_query_parameters(const struct route *route, json_t *params)
{
    bool any = false;
    if (strcmp(route->method, "GET") != 0)
        return false;
    for (size_t i = 0; i < sizeof(query_parameters) / sizeof(query_parameters[0]); i++) {
        if (strcmp(query_parameters[i].pattern, route->pattern) != 0)
            continue;
        json_array_append_new(params, json_pack("{s:s,s:s,s:s,s:b,s:{s:s}}", "name",
                                                query_parameters[i].name, "in", "query",
                                                "description", query_parameters[i].description,
                                                "required", query_parameters[i].required,
                                                "schema", "type", "string"));
        any = true;
    }
    return any;
}

/* The request body of a route that takes a file; NULL for the others. */
/* The media type of a route that answers a file rather than JSON; NULL for JSON. */
static const char *file_answer_of_route(const struct route *route)
{
    static const char *const answers[][2] = {{"/content", "application/octet-stream"},
                                             {"/ics", "text/calendar"},
                                             {"/ical", "text/calendar"},
                                             /* gdpr */ {"/gdpr-export", "application/zip"}};
    size_t len = strlen(route->pattern);
    for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
        size_t n = strlen(answers[i][0]);
        if (len > n && strcmp(route->pattern + len - n, answers[i][0]) == 0)
            return answers[i][1];
    }
    return NULL;
}

static json_t *file_body(const struct route *route)
{
    /* An import takes a multipart form: the file, its entity and the settings as JSON text. */
    if ((route->flags & ROUTE_IMPORT) != 0)
        return json_pack(
            "{s:b,s:{s:{s:{s:s,s:[s,s],s:{s:{s:s,s:s},s:{s:s},s:{s:s,s:s}}}}}}", "required", 1,
            "content", "multipart/form-data", "schema", "type", "object", "required", "file",
            "entity", "properties", "file", "type", "string", "format", "binary", "entity", "type",
            "string", "settings", "type", "string", "description",
            "the import's settings as JSON text (ImportSettings)");
    /* Uploads take any file as it is, named by the name query parameter. */
    if ((route->flags & ROUTE_UPLOAD) != 0)
        return json_pack("{s:b,s:{s:{s:{s:s,s:s,s:s}}}}", "required", 1, "content", "*/*",
                         "schema", "type", "string", "format", "binary", "description",
                         "the file's bytes; Content-Type is the file's type");
    for (size_t i = 0; i < sizeof(file_bodies) / sizeof(file_bodies[0]); i++) {
        if (strcmp(file_bodies[i][0], route->pattern) == 0)
            return json_pack("{s:b,s:{s:{s:{s:s,s:s}}}}", "required", 1, "content",
                             file_bodies[i][1], "schema", "type", "string", "description",
                             file_bodies[i][2]);
    }
    return NULL;
}

/* exports (begin) */
/* An export's file: one media type per format. */
static json_t *export_file_content(void)
{
    static const char *const types[] = {
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/vcard; charset=utf-8", "text/calendar; charset=utf-8"};
    json_t *content = json_object();
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        json_object_set_new(content, types[i],
                            json_pack("{s:{s:s,s:s}}", "schema", "type", "string", "format",
                                      "binary"));
    return content;
}
/* exports (end) */

static json_t *problem_response(const char *description)
{
    return json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", description, "content",
                     "application/problem+json", "schema", "$ref",
                     "#/components/schemas/Problem");
}

static json_t *json_body_ref(const char *ref)
{
    return json_pack("{s:{s:{s:{s:s}}}}", "content", "application/json", "schema", "$ref", ref);
}

static json_t *list_parameters(const struct entity *entity)
{
    static const char *const names[][2] = {
        {"q", "full-text search (prefix match, accents and case folded)"},
        {"filter", "the filter language, e.g. industry = \"Retail\" and tags contains \"vip\""},
        {"sort", "comma-separated fields, '-' for descending, e.g. -created_at,name"},
        {"limit", "page size, 1 to 500 (default 50)"},
        {"cursor", "next_cursor of the previous page"},
        {"fields", "comma-separated fields to return"},
        {"count", "true: also return the total number of matches"},
        {"trash", "true: list the records in the trash"},
    };
    json_t *params = json_array();
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        json_array_append_new(params, json_pack("{s:s,s:s,s:s,s:{s:s}}", "name", names[i][0], "in",
                                                "query", "description", names[i][1], "schema",
                                                "type", "string"));
    if (entity_has_money(entity))
        json_array_append_new(
            params, json_pack("{s:s,s:s,s:s,s:{s:s}}", "name", "totals", "in", "query",
                              "description",
                              "true: also add up the amounts of every match (totals: count, "
                              "sums per currency, total_base, unconverted)",
                              "schema", "type", "string"));
    return params;
}

static json_t *operation(struct arena *arena, const struct route *route)
{
    json_t *op = json_pack("{s:s,s:[s]}", "summary", route->summary, "tags", route->tag);
    json_t *responses = json_object();
    json_t *params = json_array();
    const struct entity *entity = entity_find(route->tag);
    const char *ref = NULL;
    if (entity != NULL)
        ref = arena_printf(arena, "#/components/schemas/%s", schema_name(arena, entity));
    else if (strcmp(route->tag, "fields") == 0)
        ref = "#/components/schemas/FieldDefinition";
    else if (fixed_schema_of_tag(route->tag) != NULL)
        ref = arena_printf(arena, "#/components/schemas/%s", fixed_schema_of_tag(route->tag));
    const char *body_ref = ref;
    if (body_schema_of_route(route) != NULL)
        body_ref = arena_printf(arena, "#/components/schemas/%s", body_schema_of_route(route));
    else if (strstr(route->pattern, "/auth/") != NULL || takes_no_body(route))
        body_ref = NULL;
    if ((route->flags & ROUTE_PUBLIC) != 0) {
        json_object_set_new(op, "security", json_array());
    } else {
        json_object_set_new(responses, "401", problem_response("not signed in"));
        json_object_set_new(responses, "403", problem_response("not allowed"));
    }
    bool has_path_params = path_parameters(route, params);
    if (has_path_params)
        json_object_set_new(responses, "404", problem_response("absent or not visible"));
    const char *const *special = special_answer_of_route(route);
    bool is_list = ref != NULL && strcmp(route->method, "GET") == 0 && !has_path_params &&
                   special == NULL;
    if (route_query_parameters(route, params))
        json_object_set_new(responses, is_list ? "400" : "422",
                            problem_response(is_list ? "bad query parameter or cursor"
                                                     : "validation failed"));
    if (is_list && entity != NULL) {
        json_t *list = list_parameters(entity);
        json_array_extend(params, list);
        json_decref(list);
        json_object_set_new(responses, "400", problem_response("bad filter, sort or cursor"));
    }
    if (is_list && strcmp(route->pattern, "/api/v1/deal-reasons") == 0)
        json_array_append_new(params, json_pack("{s:s,s:s,s:s,s:{s:s,s:[ss]}}", "name", "kind",
                                                "in", "query", "description",
                                                "only the reasons of this kind", "schema", "type",
                                                "string", "enum", "won", "lost"));
    if (strcmp(route->method, "PATCH") == 0)
        json_array_append_new(params, json_pack("{s:s,s:s,s:{s:s}}", "name", "If-Match", "in",
                                                "header", "schema", "type", "string"));
    if (json_array_size(params) > 0)
        json_object_set(op, "parameters", params);
    json_decref(params);
    json_t *file = file_body(route);
    if (file != NULL) {
        json_object_set_new(op, "requestBody", file);
        json_object_set_new(responses, "415", problem_response("not a file of that type"));
        json_object_set_new(responses, "422", problem_response("validation failed"));
    } else if (body_ref != NULL &&
               (strcmp(route->method, "POST") == 0 || strcmp(route->method, "PATCH") == 0)) {
        json_t *body = json_body_ref(body_ref);
        json_object_set_new(body, "required", json_true());
        json_object_set_new(op, "requestBody", body);
        json_object_set_new(responses, "422", problem_response("validation failed"));
    }
    if (strcmp(route->method, "PATCH") == 0)
        json_object_set_new(responses, "412", problem_response("stale If-Match version"));
    bool creates = strcmp(route->method, "POST") == 0 && !has_path_params &&
                   strstr(route->pattern, "/auth/") == NULL;
    const char *ok = strcmp(route->method, "DELETE") == 0 ? "204" : creates ? "201" : "200";
    json_t *success = json_pack("{s:s}", "description", "success");
    if (special != NULL) {
        ok = special[2];
        json_object_set_new(success, "content",
                            json_pack("{s:{s:{s:s}}}", "application/json", "schema", "$ref",
                                      arena_printf(arena, "#/components/schemas/%s", special[3])));
    } else if (strcmp(ok, "204") != 0 && ref != NULL &&
               (body_schema_of_route(route) == NULL || (entity != NULL && has_path_params))) {
        json_t *schema = is_list ? json_pack("{s:s,s:{s:{s:s,s:{s:s}},s:{s:[ss]},s:{s:s}}}",
                                             "type", "object", "properties", "data", "type",
                                             "array", "items", "$ref", ref, "next_cursor", "type",
                                             "string", "null", "total", "type", "integer")
                                 : json_pack("{s:s}", "$ref", ref);
        json_object_set_new(success, "content",
                            json_pack("{s:{s:o}}", "application/json", "schema", schema));
    }
    const char *file_type = file_answer_of_route(route);
    if (file_type != NULL)
        json_object_set_new(success, "content",
                            json_pack("{s:{s:{s:s,s:s}}}", file_type, "schema", "type", "string",
                                      "format", "binary"));
    if (strcmp(route->pattern, "/api/v1/exports/{id}/file") == 0) {
        json_object_set_new(success, "content", export_file_content());
        json_object_set_new(responses, "409", problem_response("the export is not done yet"));
    }
    /* gdpr (begin) */
    if (strcmp(route->pattern, "/api/v1/consents/{id}/withdraw") == 0)
        json_object_set_new(responses, "409", problem_response("already withdrawn"));
    if (strcmp(route->pattern, "/api/v1/contacts/{id}/gdpr-export") == 0)
        json_object_set_new(responses, "413",
                            problem_response("the attachments are too large for one export"));
    /* gdpr (end) */
    /* duplicates (begin) */
    if (strcmp(route->pattern, "/api/v1/merges/{id}/undo") == 0)
        json_object_set_new(responses, "409",
                            problem_response("already undone, or the survivor is in the trash"));
    /* duplicates (end) */
    if ((route->flags & ROUTE_UPLOAD) != 0) {
        json_t *list = json_object_get(op, "parameters");
        if (list == NULL) {
            list = json_array();
            json_object_set_new(op, "parameters", list);
        }
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:b,s:{s:s}}", "name", "name", "in",
                                              "query", "description", "the file's name",
                                              "required", 1, "schema", "type", "string"));
        json_object_set_new(responses, "413", problem_response("larger than the upload limit"));
    }
    if ((route->flags & ROUTE_IMPORT) != 0)
        json_object_set_new(responses, "413", problem_response("larger than the import limit"));
    json_object_set_new(responses, ok, success);
    json_object_set_new(op, "responses", responses);
    return op;
}

static json_t *problem_schema(void)
{
    return json_pack("{s:s,s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s,s:{s:s,s:{s:{s:s},s:{s:s}}}}}}",
                     "type", "object", "properties", "type", "type", "string", "title", "type",
                     "string", "status", "type", "integer", "detail", "type", "string", "errors",
                     "type", "array", "items", "type", "object", "properties", "field", "type",
                     "string", "message", "type", "string");
}

int openapi_get(struct http_request *req, struct http_response *res)
{
    size_t n_routes;
    const struct route *routes = api_routes(&n_routes);
    json_t *paths = json_object();
    for (size_t i = 0; i < n_routes; i++) {
        json_t *item = json_object_get(paths, routes[i].pattern);
        if (item == NULL) {
            item = json_object();
            json_object_set_new(paths, routes[i].pattern, item);
        }
        char method[16];
        size_t len = strlen(routes[i].method);
        for (size_t c = 0; c < len && c < sizeof(method) - 1; c++)
            method[c] = (char)tolower((unsigned char)routes[i].method[c]);
        method[len < sizeof(method) ? len : sizeof(method) - 1] = '\0';
        json_object_set_new(item, method, operation(req->arena, &routes[i]));
    }
    json_t *schemas = json_object();
    for (size_t i = 0; i < entity_count(); i++)
        json_object_set_new(schemas, schema_name(req->arena, entity_at(i)),
                            entity_schema(entity_at(i)));
    json_object_set_new(schemas, "FieldDefinition", field_definition_schema());
    json_object_set_new(schemas, "Problem", problem_schema());
    for (size_t i = 0; i < sizeof(fixed_schemas) / sizeof(fixed_schemas[0]); i++) {
        json_error_t error;
        json_t *schema = json_loads(fixed_schemas[i].json, 0, &error);
        assert(schema != NULL);
        json_object_set_new(schemas, fixed_schemas[i].name, schema);
    }
    json_t *schemes = json_pack(
        "{s:{s:s,s:s,s:s},s:{s:s,s:s,s:s,s:s}}", "bearer", "type", "http", "scheme", "bearer",
        "description", "an API token made at POST /api/v1/tokens", "session", "type", "apiKey",
        "in", "cookie", "name", "crm_session", "description",
        "the cookie POST /api/v1/auth/login sets; changes also need the X-CSRF-Token header");
    json_t *doc = api_keep(
        req, json_pack("{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:o,s:{s:o,s:o},s:[{s:[]},{s:[]}]}",
                       "openapi", "3.1.0", "info", "title", "CRM API", "version", "1",
                       "description",
                       "The REST API of the CRM. Errors are application/problem+json (RFC 9457).",
                       "servers", "url", "/", "paths", paths, "components", "schemas", schemas,
                       "securitySchemes", schemes, "security", "bearer", "session"));
    return http_respond_json(res, 200, doc);
}
