/*
 * Fuzz target for the filter language. Each input is parsed against a fixed
 * contacts schema; what parses is compiled for both dialects and evaluated on
 * fixed records. Beyond "no crash, no leak" it checks two properties: the
 * placeholders in the SQL match the parameters, and the SQLite SQL run on an
 * in-memory copy of the records selects exactly the records filter_eval()
 * accepts (a differential test of the compiler against the evaluator).
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "query/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct schema_field company_fields[] = {
    {"id", "id", FIELD_INTEGER, FIELD_IN_COLUMN, true},
    {"name", "name", FIELD_TEXT, FIELD_IN_COLUMN, true},
    {"industry", "industry", FIELD_ENUM, FIELD_IN_COLUMN, true},
    {"custom.tier", "tier", FIELD_TEXT, FIELD_IN_CUSTOM, false},
};

static const struct schema companies = {
    .table = "companies",
    .custom_column = "custom",
    .fields = company_fields,
    .n_fields = sizeof(company_fields) / sizeof(company_fields[0]),
};

/* The column fields are also the INSERT's column order. */
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
     .target = &companies},
    {.name = "companies",
     .kind = RELATION_LINK_TABLE,
     .link_table = "contact_companies",
     .link_this_column = "contact_id",
     .link_target_column = "company_id",
     .target = &companies},
};

static const struct schema contacts = {
    .table = "contacts",
    .custom_column = "custom",
    .fields = contact_fields,
    .n_fields = sizeof(contact_fields) / sizeof(contact_fields[0]),
    .relations = contact_relations,
    .n_relations = sizeof(contact_relations) / sizeof(contact_relations[0]),
};

#define ACME "{\"id\":1,\"name\":\"Acme\",\"industry\":\"retail\",\"custom\":{\"tier\":\"gold\"}}"
#define ROGA "{\"id\":2,\"name\":\"Рога и копыта\",\"industry\":\"опт\",\"custom\":{}}"
#define GONE                                                                                       \
    "{\"id\":3,\"name\":\"Gone\",\"industry\":\"retail\",\"custom\":null,"                         \
    "\"deleted_at\":\"2026-01-01T00:00:00.000Z\"}"

static const char companies_json[] = "[" ACME "," ROGA "," GONE "]";

static const char records_json[] =
    "[{\"id\":1,\"name\":\"Anna Smith\",\"email\":\"anna@example.com\",\"stage\":\"proposal\","
    "\"amount\":{\"amount\":\"1500.00\",\"currency\":\"EUR\"},\"score\":4.5,\"owner_id\":7,"
    "\"company_id\":1,\"active\":true,\"birthday\":\"1990-03-18\","
    "\"created_at\":\"2026-03-18T09:00:00.000Z\",\"tags\":[\"vip\",\"b2b\"],"
    "\"custom\":{\"region\":\"north\",\"rating\":8.5,\"vip\":true,\"hobbies\":[\"chess\"],"
    "\"since\":\"2020-01-01\"},\"company\":" ACME ",\"companies\":[" ACME "," ROGA "]},"
    "{\"id\":2,\"name\":\"Борис Петров\",\"email\":null,\"stage\":\"negotiation\","
    "\"amount\":{\"amount\":\"800.50\",\"currency\":\"RUB\"},\"score\":3,\"owner_id\":8,"
    "\"company_id\":2,\"active\":false,\"birthday\":\"1985-12-01\","
    "\"created_at\":\"2026-03-10T10:00:00.000Z\",\"tags\":[],"
    "\"custom\":{\"region\":\"юг\",\"rating\":3,\"vip\":false},"
    "\"company\":" ROGA ",\"companies\":[" ROGA "]},"
    "{\"id\":3,\"name\":\"carl o'neil\",\"email\":\"c@x.org\",\"stage\":\"won\",\"amount\":null,"
    "\"score\":null,\"owner_id\":null,\"company_id\":3,\"active\":null,\"birthday\":null,"
    "\"created_at\":\"2025-12-31T23:59:59.999Z\",\"tags\":null,\"custom\":null,"
    "\"company\":" GONE ",\"companies\":[" GONE "]},"
    "{\"id\":4,\"name\":\"\",\"email\":\"DANA@EXAMPLE.COM\",\"stage\":\"\","
    "\"amount\":{\"amount\":\"0.00\",\"currency\":\"EUR\"},\"score\":-2.25,\"owner_id\":0,"
    "\"company_id\":null,\"active\":true,\"birthday\":\"2000-02-29\","
    "\"created_at\":\"2026-03-16T00:00:00.000Z\",\"tags\":[\"b2b\",\"VIP\"],"
    "\"custom\":{\"region\":\"North\",\"hobbies\":[\"golf\",\"chess\"],\"rating\":-1},"
    "\"company\":null,\"companies\":[]}]";

static json_t *records;
static sqlite3 *db;

static void fuzz_die(const char *what, const char *detail)
{
    fprintf(stderr, "filter_fuzz: %s: %s\n", what, detail);
    abort();
}

static void fuzz_bind_json(sqlite3_stmt *stmt, int index, const json_t *v, enum field_type type)
{
    if (v == NULL || json_is_null(v)) {
        sqlite3_bind_null(stmt, index);
    } else if (json_is_boolean(v)) {
        sqlite3_bind_int(stmt, index, json_is_true(v));
    } else if (json_is_integer(v)) {
        sqlite3_bind_int64(stmt, index, json_integer_value(v));
    } else if (json_is_real(v)) {
        sqlite3_bind_double(stmt, index, json_real_value(v));
    } else if (json_is_string(v)) {
        sqlite3_bind_text(stmt, index, json_string_value(v), -1, SQLITE_TRANSIENT);
    } else if (type == FIELD_MONEY) {
        fuzz_bind_json(stmt, index, json_object_get(v, "amount"), FIELD_NUMBER);
    } else {
        char *text = json_dumps(v, JSON_COMPACT);
        sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
        free(text);
    }
}

static void fuzz_exec(const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        fuzz_die(sql, sqlite3_errmsg(db));
}

static void fuzz_insert(const char *sql, const json_t *row, const char *const *keys, size_t n_keys,
                        const struct schema_field *fields)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        fuzz_die(sql, sqlite3_errmsg(db));
    for (size_t k = 0; k < n_keys; k++)
        fuzz_bind_json(stmt, (int)k + 1, json_object_get(row, keys[k]),
                       fields != NULL ? fields[k].type : FIELD_TEXT);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        fuzz_die(sql, sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
}

/* Builds the records and their SQLite copy once; both live for the whole run. */
static void fuzz_setup(void)
{
    static const char *const company_keys[] = {"id", "name", "industry", "custom", "deleted_at"};
    const char *contact_keys[16];
    json_t *company_rows = json_loads(companies_json, 0, NULL);

    records = json_loads(records_json, 0, NULL);
    if (records == NULL || company_rows == NULL || sqlite3_open(":memory:", &db) != SQLITE_OK)
        fuzz_die("setup", "cannot load the records");
    fuzz_exec("CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT, industry TEXT,"
              " custom TEXT, deleted_at TEXT);"
              "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, email TEXT, stage TEXT,"
              " amount NUMERIC, score REAL, owner_id INTEGER, company_id INTEGER,"
              " active INTEGER, birthday TEXT, created_at TEXT, tags TEXT, custom TEXT);"
              "CREATE TABLE contact_companies (contact_id INTEGER, company_id INTEGER);");
    for (size_t i = 0; i < json_array_size(company_rows); i++)
        fuzz_insert("INSERT INTO companies VALUES (?, ?, ?, ?, ?)", json_array_get(company_rows, i),
                    company_keys, 5, NULL);
    json_decref(company_rows);

    for (size_t f = 0; f < 12; f++)
        contact_keys[f] = contact_fields[f].name;
    contact_keys[12] = "custom";
    for (size_t i = 0; i < json_array_size(records); i++) {
        const json_t *row = json_array_get(records, i);
        fuzz_insert("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row,
                    contact_keys, 13, contact_fields);
        const json_t *links = json_object_get(row, "companies");
        for (size_t k = 0; k < json_array_size(links); k++) {
            char sql[128];
            snprintf(
                sql, sizeof(sql), "INSERT INTO contact_companies VALUES (%lld, %lld)",
                (long long)json_integer_value(json_object_get(row, "id")),
                (long long)json_integer_value(json_object_get(json_array_get(links, k), "id")));
            fuzz_exec(sql);
        }
    }
}

/* SQLite placeholders are "?" and appear nowhere else in the generated SQL. */
static void fuzz_check_placeholders(const struct sql_builder *sql)
{
    const char *text = sql_text(sql);
    size_t marks = 0, highest = 0;
    for (const char *p = text; *p != '\0'; p++) {
        if (sql->dialect == SQL_SQLITE && *p == '?')
            marks++;
        if (sql->dialect == SQL_POSTGRES && *p == '$') {
            size_t n = strtoul(p + 1, NULL, 10);
            highest = n > highest ? n : highest;
            marks++;
        }
    }
    if (marks != sql->n_params || (sql->dialect == SQL_POSTGRES && highest != sql->n_params))
        fuzz_die("placeholders do not match parameters", text);
}

/* The ids the SQLite SQL selects must be the ids filter_eval() accepts. */
static void fuzz_differential(struct arena *arena, const struct filter_node *node,
                              const struct filter_context *ctx)
{
    struct sql_builder sql;
    struct err err;
    sqlite3_stmt *stmt = NULL;
    bool selected[8] = {false};

    sql_init(&sql, arena, SQL_SQLITE);
    sql_add(&sql, "SELECT t.id FROM contacts t WHERE ");
    if (filter_to_sql(node, &contacts, "t", ctx, &sql, &err) < 0 || sql_finish(&sql) < 0)
        fuzz_die("filter_to_sql(sqlite)", err.detail);
    fuzz_check_placeholders(&sql);
    if (sqlite3_prepare_v2(db, sql_text(&sql), -1, &stmt, NULL) != SQLITE_OK)
        fuzz_die(sqlite3_errmsg(db), sql_text(&sql));
    for (size_t i = 0; i < sql.n_params; i++) {
        const struct sql_param *p = &sql.params[i];
        int index = (int)i + 1;
        if (p->type == SQL_PARAM_INT)
            sqlite3_bind_int64(stmt, index, p->i);
        else if (p->type == SQL_PARAM_REAL)
            sqlite3_bind_double(stmt, index, p->r);
        else if (p->type == SQL_PARAM_TEXT)
            sqlite3_bind_text(stmt, index, p->text, (int)p->len, SQLITE_STATIC);
        else
            sqlite3_bind_null(stmt, index);
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(stmt, 0);
        if (id >= 0 && id < 8)
            selected[id] = true;
    }
    if (rc != SQLITE_DONE)
        fuzz_die(sqlite3_errmsg(db), sql_text(&sql));
    sqlite3_finalize(stmt);

    for (size_t i = 0; i < json_array_size(records); i++) {
        const json_t *record = json_array_get(records, i);
        json_int_t id = json_integer_value(json_object_get(record, "id"));
        bool result = false;
        if (filter_eval(node, &contacts, record, ctx, &result, &err) < 0)
            fuzz_die("filter_eval", err.detail);
        if (result != selected[id]) {
            fprintf(stderr, "filter_fuzz: record %lld: eval %d, sql %d (user %lld)\n",
                    (long long)id, result, selected[id], (long long)ctx->user_id);
            fuzz_die("SQL and eval disagree", sql_text(&sql));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err err;

    if (records == NULL)
        fuzz_setup();
    struct arena *arena = arena_new();
    err_clear(&err);
    struct filter_node *node = filter_parse(arena, &contacts, (const char *)data, size, &err);
    if (node == NULL) {
        if (err.code != ERR_BAD_FILTER || strncmp(err.detail, "at ", 3) != 0)
            fuzz_die("bad error", err.detail);
        arena_free(arena);
        return 0;
    }

    /* Wednesday 2026-03-18T12:00:00Z, signed in as user 7 and as nobody. */
    struct filter_context ctx = {.user_id = 7, .now_ms = INT64_C(1773835200000)};
    for (int pass = 0; pass < 2; pass++) {
        struct sql_builder pg;
        sql_init(&pg, arena, SQL_POSTGRES);
        if (filter_to_sql(node, &contacts, "t", &ctx, &pg, &err) < 0 || sql_finish(&pg) < 0)
            fuzz_die("filter_to_sql(postgres)", err.detail);
        fuzz_check_placeholders(&pg);
        fuzz_differential(arena, node, &ctx);
        ctx.user_id = 0;
    }
    arena_free(arena);
    return 0;
}
