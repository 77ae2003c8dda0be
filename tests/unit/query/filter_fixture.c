/*
 * The filter tests' shared schema, records and helpers (see
 * filter_fixture.h). The records cover nulls, Cyrillic and mixed-case text,
 * money given as decimal strings, lists, custom values and a deleted company.
 */
#include "filter_fixture.h"

#include <string.h>

#include "base/arena.h"
#include "../test.h"

static const struct schema_field company_fields[] = {
    {"id", "id", FIELD_INTEGER, FIELD_IN_COLUMN, true},
    {"name", "name", FIELD_TEXT, FIELD_IN_COLUMN, true},
    {"industry", "industry", FIELD_ENUM, FIELD_IN_COLUMN, true},
    {"employees", "employees", FIELD_INTEGER, FIELD_IN_COLUMN, true},
    {"custom.tier", "tier", FIELD_TEXT, FIELD_IN_CUSTOM, false},
};

const struct schema fixture_companies = {
    .table = "companies",
    .custom_column = "custom",
    .fields = company_fields,
    .n_fields = sizeof(company_fields) / sizeof(company_fields[0]),
};

static const struct schema_field contact_fields[] = {
    {"id", "id", FIELD_INTEGER, FIELD_IN_COLUMN, true},
    {"name", "name", FIELD_TEXT, FIELD_IN_COLUMN, true},
    {"email", "email", FIELD_EMAIL, FIELD_IN_COLUMN, true},
    {"stage", "stage", FIELD_ENUM, FIELD_IN_COLUMN, true},
    {"amount", "amount", FIELD_MONEY, FIELD_IN_COLUMN, true},
    {"score", "score", FIELD_NUMBER, FIELD_IN_COLUMN, true},
    {"owner_id", "owner_id", FIELD_INTEGER, FIELD_IN_COLUMN, true},
    {"company_id", "company_id", FIELD_INTEGER, FIELD_IN_COLUMN, true},
    {"active", "active", FIELD_BOOL, FIELD_IN_COLUMN, false},
    {"birthday", "birthday", FIELD_DATE, FIELD_IN_COLUMN, true},
    {"created_at", "created_at", FIELD_DATETIME, FIELD_IN_COLUMN, true},
    {"tags", "tags", FIELD_TEXT_LIST, FIELD_IN_COLUMN, false},
    {"custom.region", "region", FIELD_TEXT, FIELD_IN_CUSTOM, false},
    {"custom.rating", "rating", FIELD_NUMBER, FIELD_IN_CUSTOM, false},
    {"custom.vip", "vip", FIELD_BOOL, FIELD_IN_CUSTOM, false},
    {"custom.hobbies", "hobbies", FIELD_MULTI_ENUM, FIELD_IN_CUSTOM, false},
    {"custom.since", "since", FIELD_DATE, FIELD_IN_CUSTOM, false},
};

static const struct schema_relation contact_relations[] = {
    {.name = "company",
     .kind = RELATION_FOREIGN_KEY,
     .local_column = "company_id",
     .target = &fixture_companies},
    {.name = "companies",
     .kind = RELATION_LINK_TABLE,
     .link_table = "contact_companies",
     .link_this_column = "contact_id",
     .link_target_column = "company_id",
     .target = &fixture_companies},
};

const struct schema fixture_contacts = {
    .table = "contacts",
    .custom_column = "custom",
    .fields = contact_fields,
    .n_fields = sizeof(contact_fields) / sizeof(contact_fields[0]),
    .relations = contact_relations,
    .n_relations = sizeof(contact_relations) / sizeof(contact_relations[0]),
};

const char fixture_companies_json[] =
    "["
    "{\"id\": 1, \"name\": \"Acme\", \"industry\": \"retail\", \"employees\": 50,"
    " \"custom\": {\"tier\": \"gold\"}, \"deleted_at\": null},"
    "{\"id\": 2, \"name\": \"Globex\", \"industry\": \"manufacturing\", \"employees\": 500,"
    " \"custom\": {}, \"deleted_at\": null},"
    "{\"id\": 3, \"name\": \"Initech\", \"industry\": \"retail\", \"employees\": 5,"
    " \"custom\": null, \"deleted_at\": \"2026-01-02T00:00:00.000Z\"}"
    "]";

#define ACME                                                                                       \
    "{\"id\": 1, \"name\": \"Acme\", \"industry\": \"retail\", \"employees\": 50,"                 \
    " \"custom\": {\"tier\": \"gold\"}, \"deleted_at\": null}"
#define GLOBEX                                                                                     \
    "{\"id\": 2, \"name\": \"Globex\", \"industry\": \"manufacturing\", \"employees\": 500,"       \
    " \"custom\": {}, \"deleted_at\": null}"
#define INITECH                                                                                    \
    "{\"id\": 3, \"name\": \"Initech\", \"industry\": \"retail\", \"employees\": 5,"               \
    " \"custom\": null, \"deleted_at\": \"2026-01-02T00:00:00.000Z\"}"

const char fixture_contacts_json[] =
    "["
    "{\"id\": 1, \"name\": \"Anna Smith\", \"email\": \"anna@example.com\","
    " \"stage\": \"proposal\", \"amount\": {\"amount\": \"1500.00\", \"currency\": \"EUR\"},"
    " \"score\": 4.5, \"owner_id\": 7, \"company_id\": 1, \"active\": true,"
    " \"birthday\": \"1990-03-18\", \"created_at\": \"2026-03-18T09:00:00.000Z\","
    " \"tags\": [\"vip\", \"b2b\"],"
    " \"custom\": {\"region\": \"north\", \"rating\": \"8.5\", \"vip\": true,"
    " \"hobbies\": [\"chess\"], \"since\": \"2020-01-01\"},"
    " \"company\": " ACME ", \"companies\": [" ACME ", " GLOBEX "]},"

    "{\"id\": 2, \"name\": \"Борис Петров\", \"email\": null, \"stage\": \"negotiation\","
    " \"amount\": {\"amount\": \"800.00\", \"currency\": \"EUR\"}, \"score\": 3,"
    " \"owner_id\": 8, \"company_id\": 2, \"active\": false, \"birthday\": \"1985-12-01\","
    " \"created_at\": \"2026-03-10T10:00:00.000Z\", \"tags\": [],"
    " \"custom\": {\"region\": \"south\", \"rating\": 3, \"vip\": false},"
    " \"company\": " GLOBEX ", \"companies\": [" GLOBEX "]},"

    "{\"id\": 3, \"name\": \"carl o'neil\", \"email\": \"carl@example.org\", \"stage\": \"won\","
    " \"amount\": null, \"score\": null, \"owner_id\": null, \"company_id\": 3,"
    " \"active\": null, \"birthday\": null, \"created_at\": \"2025-12-31T23:59:59.999Z\","
    " \"tags\": null, \"custom\": null,"
    " \"company\": " INITECH ", \"companies\": [" INITECH "]},"

    "{\"id\": 4, \"name\": \"Dana \\\"D\\\" Lee\", \"email\": \"DANA@EXAMPLE.COM\","
    " \"stage\": \"proposal\", \"amount\": {\"amount\": \"1000.00\", \"currency\": \"EUR\"},"
    " \"score\": -2.25, \"owner_id\": 7, \"company_id\": null, \"active\": true,"
    " \"birthday\": \"2000-02-29\", \"created_at\": \"2026-03-16T00:00:00.000Z\","
    " \"tags\": [\"b2b\"],"
    " \"custom\": {\"region\": \"North\", \"hobbies\": [\"golf\", \"chess\"]},"
    " \"company\": null, \"companies\": []},"

    "{\"id\": 5, \"name\": null, \"email\": \"eve@example.com\", \"stage\": null,"
    " \"amount\": {\"amount\": \"2500.50\", \"currency\": \"EUR\"}, \"score\": 10,"
    " \"owner_id\": 9, \"company_id\": 1, \"active\": false, \"birthday\": \"2026-03-17\","
    " \"created_at\": \"2026-03-19T08:00:00.000Z\", \"tags\": [\"VIP\"],"
    " \"custom\": {\"region\": null, \"rating\": 10},"
    " \"company\": " ACME ", \"companies\": [" ACME "]}"
    "]";

const struct fixture_case fixture_cases[] = {
    /* Text and choice fields; "!=" and "not in" include records without a value. */
    {"name = \"Anna Smith\"", "1"},
    {"name != \"Anna Smith\"", "2,3,4,5"},
    {"name = 'anna smith'", ""},
    {"stage = \"proposal\"", "1,4"},
    {"stage != \"proposal\"", "2,3,5"},
    {"stage in (\"proposal\", \"won\")", "1,3,4"},
    {"stage not in (\"proposal\", \"won\")", "2,5"},
    {"name > \"carl\"", "2,3"},
    {"name < \"B\"", "1"},
    {"email contains \"EXAMPLE.com\"", "1,4,5"},
    {"email contains \"example.org\"", "3"},
    {"name contains \"smith\"", "1"},
    {"name contains \"'\"", "3"},
    {"name contains '\"'", "4"},
    {"name contains \"Борис\"", "2"},
    {"name contains \"\"", "1,2,3,4"},
    {"name starts with \"CARL\"", "3"},
    {"name starts with \"Бор\"", "2"},
    {"name starts with \"бор\"", ""},
    {"name starts with \"Борис\"", "2"},
    {"email starts with \"@\"", ""},
    {"name starts with \"Anna Smith and more\"", ""},
    {"email starts with \"dana@\"", "4"},
    {"name is null", "5"},
    {"name is not null", "1,2,3,4"},
    {"email is null", "2"},
    /* Numbers and money (decimal strings in the API). */
    {"amount >= 1000", "1,4,5"},
    {"amount > 1000", "1,5"},
    {"amount < 1000", "2"},
    {"amount <= 1000", "2,4"},
    {"amount = 2500.5", "5"},
    {"amount >= 10.50", "1,2,4,5"},
    {"amount is null", "3"},
    {"score < 0", "4"},
    {"score = -2.25", "4"},
    {"score in (3, 10)", "2,5"},
    {"score not in (3, 10)", "1,3,4"},
    {"score in (4.5, -2.25)", "1,4"},
    {"id in (1, 2) or id = 5", "1,2,5"},
    /* me() */
    {"owner_id = me()", "1,4"},
    {"owner_id != me()", "2,3,5"},
    {"owner_id in (me(), 9)", "1,4,5"},
    {"owner_id not in (me(), 9)", "2,3"},
    /* Booleans. */
    {"active = true", "1,4"},
    {"active = false", "2,5"},
    {"active != true", "2,3,5"},
    {"active is null", "3"},
    /* Lists: elements match exactly. */
    {"tags contains \"vip\"", "1"},
    {"tags = \"b2b\"", "1,4"},
    {"tags != \"b2b\"", "2,3,5"},
    {"tags in (\"vip\", \"VIP\")", "1,5"},
    {"tags not in (\"vip\", \"b2b\")", "2,3,5"},
    {"tags is null", "2,3"},
    {"tags is not null", "1,4,5"},
    /* Custom fields. */
    {"custom.region = \"north\"", "1"},
    {"custom.region contains \"north\"", "1,4"},
    {"custom.region != \"north\"", "2,3,4,5"},
    {"custom.region is null", "3,5"},
    {"custom.region in ('south', 'North')", "2,4"},
    {"custom.region starts with 'NO'", "1,4"},
    {"custom.rating > 5", "1,5"},
    {"custom.rating <= 3", "2"},
    {"custom.rating = 8.5", "1"},
    {"custom.rating in (3, 10)", "2,5"},
    {"custom.vip = true", "1"},
    {"custom.vip = false", "2"},
    {"custom.vip != true", "2,3,4,5"},
    {"custom.hobbies contains \"chess\"", "1,4"},
    {"custom.hobbies in (\"golf\", \"tennis\")", "4"},
    {"custom.hobbies != \"chess\"", "2,3,5"},
    {"custom.hobbies is null", "2,3,5"},
    {"custom.since < \"2021-01-01\"", "1"},
    /* Dates ("YYYY-MM-DD") and date-times (now: Wednesday 2026-03-18T12:00Z). */
    {"birthday = \"2000-02-29\"", "4"},
    {"birthday < \"1990-01-01\"", "2"},
    {"birthday >= \"1990-03-18\"", "1,4,5"},
    {"birthday = yesterday", "5"},
    {"birthday != yesterday", "1,2,3,4"},
    {"birthday within last 30 days", "5"},
    {"birthday within next 30 days", ""},
    {"birthday < this year", "1,2,4"},
    {"birthday >= this month", "5"},
    {"birthday > last month", "5"},
    {"birthday <= last year", "1,2,4"},
    {"created_at = today", "1"},
    {"created_at within this week", "1,4,5"},
    {"created_at = last week", "2"},
    {"created_at = next week", ""},
    {"created_at within last 7 days", "1,4"},
    {"created_at within last 12 hours", "1"},
    {"created_at within next 1 day", "5"},
    {"created_at = tomorrow", "5"},
    {"created_at < this year", "3"},
    {"created_at >= this year", "1,2,4,5"},
    {"created_at = last year", "3"},
    {"created_at = this quarter", "1,2,4,5"},
    {"created_at = last quarter", "3"},
    {"created_at != this month", "3"},
    {"created_at within last 2 months", "1,2,4"},
    {"created_at = \"2025-12-31\"", "3"},
    {"created_at > \"2025-12-31\"", "1,2,4,5"},
    {"created_at <= \"2026-03-16\"", "2,3,4"},
    {"created_at in (\"2026-03-16\", \"2026-03-10\")", "2,4"},
    {"created_at not in (\"2026-03-16\", \"2026-03-10\")", "1,3,5"},
    {"created_at = \"2026-03-16T00:00:00Z\"", "4"},
    {"created_at >= \"2026-03-18T12:00:00+03:00\"", "1,5"},
    {"created_at in (\"2026-03-16T00:00Z\", \"2026-03-19T08:00:00.000Z\")", "4,5"},
    /* Relations: any live related record; deleted ones do not count. */
    {"company.industry = \"retail\"", "1,5"},
    {"company.industry != \"retail\"", "2"},
    {"company.name starts with \"glo\"", "2"},
    {"company.employees >= 100", "2"},
    {"company.custom.tier = \"gold\"", "1,5"},
    {"company.custom.tier is null", "2"},
    {"company.id = 3", ""},
    {"companies.industry = \"manufacturing\"", "1,2"},
    {"companies.name = \"Initech\"", ""},
    {"companies.name in (\"Acme\", \"Globex\")", "1,2,5"},
    {"not companies.name = \"Acme\"", "2,3,4"},
    {"not company.industry = \"retail\"", "2,3,4"},
    /* Precedence and NOT, which must flip missing values too. */
    {"stage = \"proposal\" or stage = \"won\" and amount > 1000", "1,4"},
    {"(stage = \"proposal\" or stage = \"won\") and amount >= 1000", "1,4"},
    {"not stage = \"proposal\" and not stage = \"won\"", "2,5"},
    {"not (stage = \"proposal\")", "2,3,5"},
    {"not stage in (\"proposal\")", "2,3,5"},
    {"not stage not in (\"proposal\")", "1,4"},
    {"not amount > 1000", "2,3,4"},
    {"not name contains \"a\"", "2,5"},
    {"not name starts with \"c\"", "1,2,4,5"},
    {"not custom.rating > 5", "2,3,4"},
    {"not custom.region = 'north'", "2,3,4,5"},
    {"not birthday = yesterday", "1,2,3,4"},
    {"not birthday < yesterday", "3,5"},
    {"not created_at = \"2026-03-16\"", "1,2,3,5"},
    {"not created_at in (\"2026-03-16\")", "1,2,3,5"},
    {"not tags contains \"vip\"", "2,3,4,5"},
    {"not tags is null", "1,4,5"},
    {"not not stage = \"won\"", "3"},
    {"not (name != \"Anna Smith\")", "1"},
    {"not owner_id != me()", "1,4"},
    {"not owner_id in (me(), 8)", "3,5"},
    {"not custom.vip = true", "2,3,4,5"},
    {"not created_at < this year", "1,2,4,5"},
    {"not (stage = 'won' or name is null)", "1,2,4"},
    {"id in (1, 2) or id = 5 and not active = true", "1,2,5"},
    {"stage in (\"proposal\", \"negotiation\") and amount >= 1000 and owner_id = me()\n"
     "and created_at within last 30 days and company.industry = \"retail\"",
     "1"},
};

const size_t fixture_n_cases = sizeof(fixture_cases) / sizeof(fixture_cases[0]);

struct filter_context fixture_context(void)
{
    return (struct filter_context){.user_id = FIXTURE_USER_ID, .now_ms = FIXTURE_NOW_MS};
}

struct filter_node *fixture_parse(struct arena *arena, const char *text)
{
    struct err err;
    err_clear(&err);
    struct filter_node *node = filter_parse(arena, &fixture_contacts, text, strlen(text), &err);
    if (node == NULL)
        test_fail(__FILE__, __LINE__, "filter_parse(%s) failed: %s", text, err.detail);
    return node;
}

const char *fixture_parse_error(struct arena *arena, const char *text)
{
    struct err err;
    err_clear(&err);
    struct filter_node *node = filter_parse(arena, &fixture_contacts, text, strlen(text), &err);
    if (node != NULL)
        test_fail(__FILE__, __LINE__, "filter_parse(%s) should have failed", text);
    if (err.code != ERR_BAD_FILTER)
        test_fail(__FILE__, __LINE__, "filter_parse(%s): code %d, want ERR_BAD_FILTER", text,
                  (int)err.code);
    return arena_strdup(arena, err.detail);
}

const char *fixture_sql(struct arena *arena, const char *text, enum sql_dialect dialect,
                        struct sql_builder *sql)
{
    struct filter_context ctx = fixture_context();
    struct err err;
    err_clear(&err);
    struct filter_node *node = fixture_parse(arena, text);
    sql_init(sql, arena, dialect);
    if (filter_to_sql(node, &fixture_contacts, "t", &ctx, sql, &err) < 0)
        test_fail(__FILE__, __LINE__, "filter_to_sql(%s) failed: %s", text, err.detail);
    if (sql_finish(sql) < 0)
        test_fail(__FILE__, __LINE__, "sql_finish(%s) failed", text);
    return sql_text(sql);
}
