/*
 * Tests for filter_to_sql(): the SQL text and parameters for both dialects,
 * and, what proves the SQL right, every fixture case executed against a real
 * in-memory SQLite database holding the fixture records.
 */
#include "query/filter.h"

#include <sqlite3.h>
#include <string.h>

#include "../test.h"
#include "base/arena.h"
#include "base/buf.h"
#include "filter_fixture.h"

static void db_exec(sqlite3 *db, const char *sql)
{
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK)
        test_fail(__FILE__, __LINE__, "%s: %s", sql, message);
}

static void db_bind_json(sqlite3_stmt *stmt, int index, const json_t *v, enum field_type type)
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
        sqlite3_bind_text(stmt, index, json_string_value(v), (int)json_string_length(v),
                          SQLITE_TRANSIENT);
    } else if (type == FIELD_MONEY) {
        db_bind_json(stmt, index, json_object_get(v, "amount"), FIELD_NUMBER);
    } else {
        char *text = json_dumps(v, JSON_COMPACT);
        sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
        free(text);
    }
}

/* The fixture records in tables shaped as the store would keep them. */
static sqlite3 *db_open(void)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    json_error_t jerr;

    EXPECT_INT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
    db_exec(db, "CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT, industry TEXT,"
                " employees INTEGER, custom TEXT, deleted_at TEXT);"
                "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, email TEXT, stage TEXT,"
                " amount NUMERIC, score REAL, owner_id INTEGER, company_id INTEGER,"
                " active INTEGER, birthday TEXT, created_at TEXT, tags TEXT, custom TEXT,"
                " deleted_at TEXT);"
                "CREATE TABLE contact_companies (contact_id INTEGER, company_id INTEGER);");

    json_t *companies = json_loads(fixture_companies_json, 0, &jerr);
    if (companies == NULL)
        test_fail(__FILE__, __LINE__, "companies JSON: %s", jerr.text);
    EXPECT_INT_EQ(
        sqlite3_prepare_v2(db, "INSERT INTO companies VALUES (?, ?, ?, ?, ?, ?)", -1, &stmt, NULL),
        SQLITE_OK);
    static const char *const company_keys[] = {"id",        "name",   "industry",
                                               "employees", "custom", "deleted_at"};
    for (size_t i = 0; i < json_array_size(companies); i++) {
        const json_t *c = json_array_get(companies, i);
        for (int k = 0; k < 6; k++)
            db_bind_json(stmt, k + 1, json_object_get(c, company_keys[k]), FIELD_TEXT);
        EXPECT_INT_EQ(sqlite3_step(stmt), SQLITE_DONE);
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    json_decref(companies);

    json_t *contacts = json_loads(fixture_contacts_json, 0, &jerr);
    if (contacts == NULL)
        test_fail(__FILE__, __LINE__, "contacts JSON: %s", jerr.text);
    EXPECT_INT_EQ(sqlite3_prepare_v2(db,
                                     "INSERT INTO contacts (id, name, email, stage, amount, score,"
                                     " owner_id, company_id, active, birthday, created_at, tags,"
                                     " custom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                     -1, &stmt, NULL),
                  SQLITE_OK);
    for (size_t i = 0; i < json_array_size(contacts); i++) {
        const json_t *c = json_array_get(contacts, i);
        int index = 1;
        for (size_t f = 0; f < fixture_contacts.n_fields; f++) {
            const struct schema_field *field = &fixture_contacts.fields[f];
            if (field->storage == FIELD_IN_COLUMN)
                db_bind_json(stmt, index++, json_object_get(c, field->name), field->type);
        }
        db_bind_json(stmt, index, json_object_get(c, "custom"), FIELD_TEXT);
        EXPECT_INT_EQ(sqlite3_step(stmt), SQLITE_DONE);
        sqlite3_reset(stmt);

        const json_t *links = json_object_get(c, "companies");
        for (size_t k = 0; k < json_array_size(links); k++) {
            char insert[128];
            snprintf(
                insert, sizeof(insert), "INSERT INTO contact_companies VALUES (%lld, %lld)",
                (long long)json_integer_value(json_object_get(c, "id")),
                (long long)json_integer_value(json_object_get(json_array_get(links, k), "id")));
            db_exec(db, insert);
        }
    }
    sqlite3_finalize(stmt);
    json_decref(contacts);
    return db;
}

/* Runs the compiled predicate and lists the matching contact ids: "1,4". */
static const char *db_select_ids(sqlite3 *db, struct arena *arena, const char *filter,
                                 const struct filter_context *ctx)
{
    struct err err;
    struct sql_builder sql;
    sqlite3_stmt *stmt = NULL;
    struct buf ids;

    struct filter_node *node = fixture_parse(arena, filter);
    sql_init(&sql, arena, SQL_SQLITE);
    sql_add(&sql, "SELECT t.id FROM contacts t WHERE t.deleted_at IS NULL AND ");
    if (filter_to_sql(node, &fixture_contacts, "t", ctx, &sql, &err) < 0)
        test_fail(__FILE__, __LINE__, "%s: %s", filter, err.detail);
    sql_add(&sql, " ORDER BY t.id");
    EXPECT_INT_EQ(sql_finish(&sql), 0);
    if (sqlite3_prepare_v2(db, sql_text(&sql), -1, &stmt, NULL) != SQLITE_OK)
        test_fail(__FILE__, __LINE__, "%s\n    sql: %s\n    error: %s", filter, sql_text(&sql),
                  sqlite3_errmsg(db));
    EXPECT_INT_EQ(sqlite3_bind_parameter_count(stmt), sql.n_params);
    for (size_t i = 0; i < sql.n_params; i++) {
        const struct sql_param *p = &sql.params[i];
        int index = (int)i + 1;
        switch (p->type) {
        case SQL_PARAM_NULL:
            sqlite3_bind_null(stmt, index);
            break;
        case SQL_PARAM_INT:
            sqlite3_bind_int64(stmt, index, p->i);
            break;
        case SQL_PARAM_REAL:
            sqlite3_bind_double(stmt, index, p->r);
            break;
        case SQL_PARAM_TEXT:
            sqlite3_bind_text(stmt, index, p->text, (int)p->len, SQLITE_STATIC);
            break;
        case SQL_PARAM_BLOB:
            sqlite3_bind_blob(stmt, index, p->text, (int)p->len, SQLITE_STATIC);
            break;
        }
    }
    buf_init(&ids, 4096);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (ids.len > 0)
            EXPECT_INT_EQ(buf_putc(&ids, ','), 0);
        EXPECT_INT_EQ(buf_printf(&ids, "%lld", (long long)sqlite3_column_int64(stmt, 0)), 0);
    }
    if (rc != SQLITE_DONE)
        test_fail(__FILE__, __LINE__, "%s\n    sql: %s\n    error: %s", filter, sql_text(&sql),
                  sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    const char *out = arena_strdup(arena, buf_cstr(&ids));
    buf_release(&ids);
    return out;
}

TEST(filter_sql_selects_the_expected_rows_in_sqlite)
{
    struct arena *arena = arena_new();
    sqlite3 *db = db_open();
    struct filter_context ctx = fixture_context();
    int failures = 0;

    for (size_t i = 0; i < fixture_n_cases; i++) {
        const char *got = db_select_ids(db, arena, fixture_cases[i].filter, &ctx);
        if (strcmp(got, fixture_cases[i].ids) != 0) {
            fprintf(stderr, "  %s\n    got:  \"%s\"\n    want: \"%s\"\n", fixture_cases[i].filter,
                    got, fixture_cases[i].ids);
            failures++;
        }
    }
    EXPECT_INT_EQ(failures, 0);
    sqlite3_close(db);
    arena_free(arena);
}

/* filter compiled with ctx, for one dialect. */
static const char *unindexed_sql(struct arena *arena, const char *filter, enum sql_dialect dialect,
                                 const struct filter_context *ctx)
{
    struct err err;
    struct sql_builder sql;
    sql_init(&sql, arena, dialect);
    if (filter_to_sql(fixture_parse(arena, filter), &fixture_contacts, "t", ctx, &sql, &err) < 0)
        test_fail(__FILE__, __LINE__, "%s: %s", filter, err.detail);
    EXPECT_INT_EQ(sql_finish(&sql), 0);
    return sql_text(&sql);
}

/* SQLite's plan for the contacts a filter selects, its lines joined by "; ". */
static const char *db_plan(sqlite3 *db, struct arena *arena, const char *filter,
                           const struct filter_context *ctx)
{
    sqlite3_stmt *stmt = NULL;
    const char *where = unindexed_sql(arena, filter, SQL_SQLITE, ctx);
    const char *sql =
        arena_printf(arena, "EXPLAIN QUERY PLAN SELECT t.id FROM contacts t WHERE %s", where);
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        test_fail(__FILE__, __LINE__, "%s: %s", sql, sqlite3_errmsg(db));
    const char *plan = "";
    while (sqlite3_step(stmt) == SQLITE_ROW)
        plan = arena_printf(arena, "%s%s%s", plan, *plan ? "; " : "",
                            (const char *)sqlite3_column_text(stmt, 3));
    sqlite3_finalize(stmt);
    return plan;
}

TEST(filter_sql_unindexed_writes_root_columns_with_a_plus_on_sqlite_and_selects_the_same_rows)
{
    struct arena *arena = arena_new();
    sqlite3 *db = db_open();
    struct filter_context ctx = fixture_context();
    ctx.unindexed = true;
    int failures = 0;

    for (size_t i = 0; i < fixture_n_cases; i++) {
        const char *got = db_select_ids(db, arena, fixture_cases[i].filter, &ctx);
        if (strcmp(got, fixture_cases[i].ids) != 0) {
            fprintf(stderr, "  %s\n    got:  \"%s\"\n    want: \"%s\"\n", fixture_cases[i].filter,
                    got, fixture_cases[i].ids);
            failures++;
        }
    }
    EXPECT_INT_EQ(failures, 0);

    ctx.keep_column = "stage";
    EXPECT_STR_EQ(unindexed_sql(arena, "name = 'a' and stage = 'won'", SQL_SQLITE, &ctx),
                  "(+t.\"name\" = ? AND t.\"stage\" = ?)");
    EXPECT_CONTAINS(unindexed_sql(arena, "company.name = 'Acme'", SQL_SQLITE, &ctx),
                    "r1.\"id\" = +t.\"company_id\"");
    EXPECT_CONTAINS(unindexed_sql(arena, "tags contains 'vip'", SQL_SQLITE, &ctx),
                    "json_each(+t.\"tags\")");
    /* PostgreSQL has no unary plus on text, nor the need. */
    EXPECT_STR_EQ(unindexed_sql(arena, "name = 'a' and stage = 'won'", SQL_POSTGRES, &ctx),
                  "(t.\"name\" = $1 AND t.\"stage\" = $2)");

    /* What the plus is for: no index on the column drives the plan. */
    db_exec(db, "CREATE INDEX contacts_name ON contacts (name)");
    struct filter_context plain = fixture_context();
    EXPECT_CONTAINS(db_plan(db, arena, "name = 'a'", &plain), "INDEX contacts_name (name=?)");
    EXPECT(strstr(db_plan(db, arena, "name = 'a'", &ctx), "(name=?)") == NULL);
    sqlite3_close(db);
    arena_free(arena);
}

TEST(filter_sql_treats_me_as_nobody_when_no_one_is_signed_in)
{
    struct arena *arena = arena_new();
    sqlite3 *db = db_open();
    struct filter_context ctx = {.user_id = 0, .now_ms = FIXTURE_NOW_MS};

    EXPECT_STR_EQ(db_select_ids(db, arena, "owner_id = me()", &ctx), "");
    EXPECT_STR_EQ(db_select_ids(db, arena, "owner_id != me()", &ctx), "1,2,3,4,5");
    EXPECT_STR_EQ(db_select_ids(db, arena, "not owner_id = me()", &ctx), "1,2,3,4,5");
    EXPECT_STR_EQ(db_select_ids(db, arena, "owner_id in (me(), 8)", &ctx), "2");
    EXPECT_STR_EQ(db_select_ids(db, arena, "owner_id not in (me(), 8)", &ctx), "1,3,4,5");
    EXPECT_STR_EQ(db_select_ids(db, arena, "not owner_id in (me(), 8)", &ctx), "1,3,4,5");
    EXPECT_STR_EQ(db_select_ids(db, arena, "company.id = me()", &ctx), "");

    /* Another user, another answer. */
    ctx.user_id = 9;
    EXPECT_STR_EQ(db_select_ids(db, arena, "owner_id = me()", &ctx), "5");
    sqlite3_close(db);
    arena_free(arena);
}

TEST(filter_sql_computes_periods_from_the_context_clock)
{
    struct arena *arena = arena_new();
    sqlite3 *db = db_open();
    /* A week later: 2026-03-25T12:00Z. */
    struct filter_context ctx = {.user_id = 7, .now_ms = FIXTURE_NOW_MS + 7 * INT64_C(86400000)};

    EXPECT_STR_EQ(db_select_ids(db, arena, "created_at = last week", &ctx), "1,4,5");
    EXPECT_STR_EQ(db_select_ids(db, arena, "created_at within last 7 days", &ctx), "5");
    sqlite3_close(db);
    arena_free(arena);
}

TEST(filter_sql_writes_plain_comparisons_for_both_dialects)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;

    EXPECT_STR_EQ(fixture_sql(arena, "stage = 'won'", SQL_SQLITE, &sql), "t.\"stage\" = ?");
    EXPECT_INT_EQ(sql.n_params, 1);
    EXPECT_INT_EQ(sql.params[0].type, SQL_PARAM_TEXT);
    EXPECT_STR_EQ(sql.params[0].text, "won");
    EXPECT_STR_EQ(fixture_sql(arena, "stage = 'won'", SQL_POSTGRES, &sql), "t.\"stage\" = $1");

    EXPECT_STR_EQ(fixture_sql(arena, "name != 'x'", SQL_SQLITE, &sql),
                  "(t.\"name\" IS NULL OR t.\"name\" <> ?)");
    EXPECT_STR_EQ(fixture_sql(arena, "score >= 1 and score < 2.5 or id <= -3", SQL_POSTGRES, &sql),
                  "((t.\"score\" >= $1 AND t.\"score\" < $2::numeric) OR t.\"id\" <= $3)");
    EXPECT_INT_EQ(sql.params[0].type, SQL_PARAM_INT);
    EXPECT_INT_EQ(sql.params[1].type, SQL_PARAM_REAL);
    EXPECT(sql.params[1].r == 2.5);
    EXPECT_INT_EQ(sql.params[2].i, -3);

    EXPECT_STR_EQ(fixture_sql(arena, "stage in ('a', 'b')", SQL_POSTGRES, &sql),
                  "t.\"stage\" IN ($1, $2)");
    EXPECT_STR_EQ(fixture_sql(arena, "stage not in ('a', 'b')", SQL_SQLITE, &sql),
                  "(t.\"stage\" IS NULL OR t.\"stage\" NOT IN (?, ?))");
    EXPECT_STR_EQ(fixture_sql(arena, "name is null or name is not null", SQL_SQLITE, &sql),
                  "(t.\"name\" IS NULL OR t.\"name\" IS NOT NULL)");
    EXPECT_STR_EQ(fixture_sql(arena, "active = true", SQL_SQLITE, &sql), "t.\"active\" = 1");
    EXPECT_STR_EQ(fixture_sql(arena, "active != false", SQL_POSTGRES, &sql),
                  "(t.\"active\" IS NULL OR t.\"active\" <> FALSE)");
    EXPECT_INT_EQ(sql.n_params, 0);
    EXPECT_STR_EQ(fixture_sql(arena, "owner_id = me()", SQL_POSTGRES, &sql), "t.\"owner_id\" = $1");
    EXPECT_INT_EQ(sql.params[0].i, FIXTURE_USER_ID);
    arena_free(arena);
}

TEST(filter_sql_writes_text_matching_for_both_dialects)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;

    EXPECT_STR_EQ(fixture_sql(arena, "name contains 'ab'", SQL_SQLITE, &sql),
                  "instr(lower(t.\"name\"), lower(?)) > 0");
    EXPECT_STR_EQ(fixture_sql(arena, "name contains 'ab'", SQL_POSTGRES, &sql),
                  "strpos(lower(t.\"name\"), lower($1::text)) > 0");
    EXPECT_STR_EQ(fixture_sql(arena, "name starts with 'ab'", SQL_SQLITE, &sql),
                  "lower(substr(t.\"name\", 1, length(?))) = lower(?)");
    EXPECT_INT_EQ(sql.n_params, 2);
    EXPECT_STR_EQ(sql.params[1].text, "ab");
    EXPECT_STR_EQ(fixture_sql(arena, "name starts with 'ab'", SQL_POSTGRES, &sql),
                  "lower(left(t.\"name\", length($1::text))) = lower($2::text)");
    arena_free(arena);
}

TEST(filter_sql_guards_conditions_under_not_against_nulls)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;

    EXPECT_STR_EQ(fixture_sql(arena, "not stage = 'won'", SQL_SQLITE, &sql),
                  "NOT ((t.\"stage\" IS NOT NULL AND t.\"stage\" = ?))");
    EXPECT_STR_EQ(fixture_sql(arena, "not (score > 1 or name contains 'x')", SQL_POSTGRES, &sql),
                  "NOT (((t.\"score\" IS NOT NULL AND t.\"score\" > $1) OR (t.\"name\" IS NOT NULL "
                  "AND strpos(lower(t.\"name\"), lower($2::text)) > 0)))");
    /* "!=" never needs it. */
    EXPECT_STR_EQ(fixture_sql(arena, "not stage != 'won'", SQL_SQLITE, &sql),
                  "NOT ((t.\"stage\" IS NULL OR t.\"stage\" <> ?))");
    arena_free(arena);
}

TEST(filter_sql_reads_custom_fields_from_the_json_column)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;

    EXPECT_STR_EQ(fixture_sql(arena, "custom.region = 'north'", SQL_SQLITE, &sql),
                  "json_extract(t.\"custom\", ?) = ?");
    EXPECT_STR_EQ(sql.params[0].text, "$.\"region\"");
    EXPECT_STR_EQ(sql.params[1].text, "north");
    EXPECT_STR_EQ(fixture_sql(arena, "custom.region = 'north'", SQL_POSTGRES, &sql),
                  "(t.\"custom\"::jsonb ->> $1::text) = $2");
    EXPECT_STR_EQ(sql.params[0].text, "region");

    EXPECT_STR_EQ(fixture_sql(arena, "custom.rating > 2", SQL_SQLITE, &sql),
                  "CAST(json_extract(t.\"custom\", ?) AS REAL) > ?");
    EXPECT_STR_EQ(fixture_sql(arena, "custom.rating > 2", SQL_POSTGRES, &sql),
                  "((t.\"custom\"::jsonb ->> $1::text)::numeric) > $2");
    EXPECT_STR_EQ(fixture_sql(arena, "custom.vip = true", SQL_SQLITE, &sql),
                  "json_extract(t.\"custom\", ?) = 1");
    EXPECT_STR_EQ(fixture_sql(arena, "custom.vip = true", SQL_POSTGRES, &sql),
                  "(t.\"custom\"::jsonb ->> $1::text) = 'true'");
    arena_free(arena);
}

TEST(filter_sql_matches_list_elements)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;

    EXPECT_STR_EQ(fixture_sql(arena, "tags contains 'vip'", SQL_SQLITE, &sql),
                  "EXISTS (SELECT 1 FROM json_each(t.\"tags\") WHERE value = ?)");
    EXPECT_STR_EQ(fixture_sql(arena, "tags = 'vip'", SQL_POSTGRES, &sql),
                  "(COALESCE(t.\"tags\"::jsonb, '[]'::jsonb) ? $1::text)");
    EXPECT_STR_EQ(fixture_sql(arena, "tags != 'vip'", SQL_SQLITE, &sql),
                  "NOT EXISTS (SELECT 1 FROM json_each(t.\"tags\") WHERE value = ?)");
    EXPECT_STR_EQ(fixture_sql(arena, "tags in ('a', 'b')", SQL_SQLITE, &sql),
                  "EXISTS (SELECT 1 FROM json_each(t.\"tags\") WHERE value IN (?, ?))");
    EXPECT_STR_EQ(fixture_sql(arena, "tags not in ('a', 'b')", SQL_POSTGRES, &sql),
                  "(NOT (COALESCE(t.\"tags\"::jsonb, '[]'::jsonb) ?| ARRAY[$1, $2]::text[]))");
    EXPECT_STR_EQ(fixture_sql(arena, "tags is null", SQL_SQLITE, &sql),
                  "NOT EXISTS (SELECT 1 FROM json_each(t.\"tags\") WHERE value IS NOT NULL)");
    EXPECT_STR_EQ(fixture_sql(arena, "tags is not null", SQL_POSTGRES, &sql),
                  "(NOT (COALESCE(t.\"tags\"::jsonb, '[]'::jsonb) IN ('[]'::jsonb, "
                  "'null'::jsonb)))");
    EXPECT_STR_EQ(fixture_sql(arena, "custom.hobbies contains 'go'", SQL_SQLITE, &sql),
                  "EXISTS (SELECT 1 FROM json_each(t.\"custom\", ?) WHERE value = ?)");
    EXPECT_STR_EQ(fixture_sql(arena, "custom.hobbies contains 'go'", SQL_POSTGRES, &sql),
                  "(COALESCE((t.\"custom\"::jsonb -> $1::text), '[]'::jsonb) ? $2::text)");
    arena_free(arena);
}

TEST(filter_sql_turns_periods_into_ranges)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;

    EXPECT_STR_EQ(fixture_sql(arena, "birthday = this month", SQL_SQLITE, &sql),
                  "(t.\"birthday\" >= ? AND t.\"birthday\" < ?)");
    EXPECT_STR_EQ(sql.params[0].text, "2026-03-01");
    EXPECT_STR_EQ(sql.params[1].text, "2026-04-01");
    EXPECT_STR_EQ(fixture_sql(arena, "created_at within last 30 days", SQL_POSTGRES, &sql),
                  "(t.\"created_at\" >= $1 AND t.\"created_at\" < $2)");
    EXPECT_STR_EQ(sql.params[0].text, "2026-02-16T12:00:00.000Z");
    EXPECT_STR_EQ(sql.params[1].text, "2026-03-18T12:00:00.001Z");
    EXPECT_STR_EQ(fixture_sql(arena, "birthday != today", SQL_SQLITE, &sql),
                  "(t.\"birthday\" IS NULL OR t.\"birthday\" < ? OR t.\"birthday\" >= ?)");
    EXPECT_STR_EQ(fixture_sql(arena, "birthday < this year", SQL_SQLITE, &sql),
                  "t.\"birthday\" < ?");
    EXPECT_STR_EQ(sql.params[0].text, "2026-01-01");
    EXPECT_STR_EQ(fixture_sql(arena, "birthday <= this year", SQL_SQLITE, &sql),
                  "t.\"birthday\" < ?");
    EXPECT_STR_EQ(sql.params[0].text, "2027-01-01");
    EXPECT_STR_EQ(fixture_sql(arena, "birthday > this year", SQL_SQLITE, &sql),
                  "t.\"birthday\" >= ?");
    EXPECT_STR_EQ(sql.params[0].text, "2027-01-01");
    EXPECT_STR_EQ(fixture_sql(arena, "birthday >= this year", SQL_SQLITE, &sql),
                  "t.\"birthday\" >= ?");
    EXPECT_STR_EQ(sql.params[0].text, "2026-01-01");
    EXPECT_STR_EQ(fixture_sql(arena, "created_at = '2026-01-31'", SQL_SQLITE, &sql),
                  "(t.\"created_at\" >= ? AND t.\"created_at\" < ?)");
    EXPECT_STR_EQ(sql.params[0].text, "2026-01-31T00:00:00.000Z");
    EXPECT_STR_EQ(sql.params[1].text, "2026-02-01T00:00:00.000Z");
    arena_free(arena);
}

TEST(filter_sql_writes_relations_as_exists_over_live_records)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;

    EXPECT_STR_EQ(fixture_sql(arena, "company.industry = 'retail'", SQL_SQLITE, &sql),
                  "EXISTS (SELECT 1 FROM \"companies\" r1 WHERE r1.\"id\" = t.\"company_id\" "
                  "AND r1.\"deleted_at\" IS NULL AND r1.\"industry\" = ?)");
    EXPECT_STR_EQ(
        fixture_sql(arena, "companies.custom.tier = 'gold' or company.name = 'x'", SQL_POSTGRES,
                    &sql),
        "(EXISTS (SELECT 1 FROM \"contact_companies\" l1 JOIN \"companies\" r1 ON r1.\"id\" = "
        "l1.\"company_id\" WHERE l1.\"contact_id\" = t.\"id\" AND r1.\"deleted_at\" IS NULL AND "
        "(r1.\"custom\"::jsonb ->> $1::text) = $2) OR EXISTS (SELECT 1 FROM \"companies\" r2 "
        "WHERE r2.\"id\" = t.\"company_id\" AND r2.\"deleted_at\" IS NULL AND r2.\"name\" = $3))");
    /* No guard inside EXISTS even under NOT: the sub-select is never NULL. */
    EXPECT_STR_EQ(fixture_sql(arena, "not company.employees > 5", SQL_SQLITE, &sql),
                  "NOT (EXISTS (SELECT 1 FROM \"companies\" r1 WHERE r1.\"id\" = t.\"company_id\" "
                  "AND r1.\"deleted_at\" IS NULL AND r1.\"employees\" > ?))");
    arena_free(arena);
}

/* A relation_visible hook that hides company 1 (Acme) and notes the table it was asked about. */
static void hide_acme(struct sql_builder *sql, const char *table, const char *alias,
                      const void *arg)
{
    *(const char **)arg = table;
    sql_addf(sql, " AND %s.\"id\" <> ", alias);
    sql_param_int(sql, 1);
}

TEST(filter_sql_puts_the_relation_visible_predicate_inside_the_exists)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    struct filter_context ctx = fixture_context();
    const char *asked = NULL;
    struct err err;

    ctx.relation_visible = hide_acme;
    ctx.relation_visible_arg = &asked;
    struct filter_node *node = fixture_parse(arena, "name = 'x' and companies.name = 'Acme'");
    sql_init(&sql, arena, SQL_POSTGRES);
    EXPECT_INT_EQ(filter_to_sql(node, &fixture_contacts, "t", &ctx, &sql, &err), 0);
    EXPECT_STR_EQ(sql_text(&sql),
                  "(t.\"name\" = $1 AND EXISTS (SELECT 1 FROM \"contact_companies\" l1 JOIN "
                  "\"companies\" r1 ON r1.\"id\" = l1.\"company_id\" WHERE l1.\"contact_id\" = "
                  "t.\"id\" AND r1.\"deleted_at\" IS NULL AND r1.\"id\" <> $2 AND r1.\"name\" = $3))");
    EXPECT_STR_EQ(asked, "companies");
    EXPECT_INT_EQ(sql.n_params, 3);
    EXPECT_INT_EQ(sql.params[1].i, 1);
    EXPECT_STR_EQ(sql.params[2].text, "Acme");

    /* Run for real: Acme's contacts (1 and 5) no longer match through either relation. */
    sqlite3 *db = db_open();
    struct filter_context plain = fixture_context();
    EXPECT_STR_EQ(db_select_ids(db, arena, "company.industry = 'retail'", &plain), "1,5");
    EXPECT_STR_EQ(db_select_ids(db, arena, "company.industry = 'retail'", &ctx), "");
    EXPECT_STR_EQ(db_select_ids(db, arena, "companies.name = 'Globex'", &ctx), "1,2");
    EXPECT_STR_EQ(db_select_ids(db, arena, "companies.name = 'Acme'", &ctx), "");
    EXPECT_STR_EQ(db_select_ids(db, arena, "not company.industry = 'retail'", &ctx),
                  "1,2,3,4,5");
    /* Conditions on the root record are untouched. */
    EXPECT_STR_EQ(db_select_ids(db, arena, "company_id = 1", &ctx),
                  db_select_ids(db, arena, "company_id = 1", &plain));
    sqlite3_close(db);
    arena_free(arena);
}

TEST(filter_sql_writes_me_for_nobody_as_constants)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    struct filter_context ctx = {.user_id = 0, .now_ms = FIXTURE_NOW_MS};
    struct err err;

    struct filter_node *node = fixture_parse(arena, "owner_id = me() or owner_id != me()");
    sql_init(&sql, arena, SQL_POSTGRES);
    EXPECT_INT_EQ(filter_to_sql(node, &fixture_contacts, "t", &ctx, &sql, &err), 0);
    EXPECT_STR_EQ(sql_text(&sql), "(1 = 0 OR 1 = 1)");
    EXPECT_INT_EQ(sql.n_params, 0);
    arena_free(arena);
}

TEST(filter_sql_refuses_bad_aliases_and_bad_schemas)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    struct filter_context ctx = fixture_context();
    struct err err;

    struct filter_node *node = fixture_parse(arena, "name = 'x'");
    sql_init(&sql, arena, SQL_SQLITE);
    EXPECT_INT_EQ(filter_to_sql(node, &fixture_contacts, "t; DROP", &ctx, &sql, &err),
                  -ERR_INTERNAL);

    static const struct schema_field bad_fields[] = {
        {"custom.x", "x\"y", FIELD_TEXT, FIELD_IN_CUSTOM, false},
        {"odd", "Odd Column", FIELD_TEXT, FIELD_IN_COLUMN, false},
    };
    static const struct schema bad = {
        .table = "things", .custom_column = "custom", .fields = bad_fields, .n_fields = 2};
    node = filter_parse(arena, &bad, "custom.x = 'a'", 14, &err);
    EXPECT(node != NULL);
    EXPECT_INT_EQ(filter_to_sql(node, &bad, "t", &ctx, &sql, &err), -ERR_INTERNAL);
    node = filter_parse(arena, &bad, "odd = 'a'", 9, &err);
    EXPECT(node != NULL);
    EXPECT_INT_EQ(filter_to_sql(node, &bad, "t", &ctx, &sql, &err), -ERR_INTERNAL);
    arena_free(arena);
}

TEST(filter_sql_reports_text_over_the_cap)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    struct filter_context ctx = fixture_context();
    struct err err;
    static char chunk[1024 * 1024 - 8];

    memset(chunk, ' ', sizeof(chunk) - 1);
    struct filter_node *node = fixture_parse(arena, "company.name = 'x'");
    sql_init(&sql, arena, SQL_SQLITE);
    sql_add(&sql, chunk);
    EXPECT_INT_EQ(filter_to_sql(node, &fixture_contacts, "t", &ctx, &sql, &err), -ERR_TOO_LARGE);
    EXPECT_INT_EQ(err.code, ERR_TOO_LARGE);
    arena_free(arena);
}

/* SQL for text against a schema of one money column, as the store keeps deals' amounts. */
static const char *money_sql(struct arena *arena, const char *text, int money_scale,
                             struct sql_builder *sql)
{
    static const struct schema_field fields[] = {
        {"amount", "amount_base_minor", FIELD_MONEY, FIELD_IN_COLUMN, true},
    };
    static const struct schema schema = {"deals", "custom", fields, 1, NULL, 0};
    struct filter_context ctx = {.user_id = 1, .money_scale = money_scale};
    struct err err;
    err_clear(&err);
    const struct filter_node *node = filter_parse(arena, &schema, text, strlen(text), &err);
    EXPECT(node != NULL);
    sql_init(sql, arena, SQL_SQLITE);
    EXPECT_INT_EQ(filter_to_sql(node, &schema, "t", &ctx, sql, &err), 0);
    return sql_text(sql);
}

TEST(filter_sql_scales_numbers_compared_with_a_money_column_to_base_minor_units)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    EXPECT_STR_EQ(money_sql(arena, "amount >= 1000", 2, &sql), "t.\"amount_base_minor\" >= ?");
    EXPECT_INT_EQ(sql.params[0].type, SQL_PARAM_INT);
    EXPECT_INT_EQ(sql.params[0].i, 100000);
    money_sql(arena, "amount < 10.5", 2, &sql);
    EXPECT_INT_EQ(sql.params[0].type, SQL_PARAM_REAL);
    EXPECT(sql.params[0].r == 1050.0);
    money_sql(arena, "amount = 1000", 0, &sql); /* a base currency without minor units */
    EXPECT_INT_EQ(sql.params[0].i, 1000);
    money_sql(arena, "amount > -7", 3, &sql);
    EXPECT_INT_EQ(sql.params[0].i, -7000);
    /* Past what 64 bits hold in minor units: compared as a real number, never wrapped. */
    money_sql(arena, "amount > 9000000000000000000", 2, &sql);
    EXPECT_INT_EQ(sql.params[0].type, SQL_PARAM_REAL);
    EXPECT(sql.params[0].r > 8.9e20);
    arena_free(arena);
}
