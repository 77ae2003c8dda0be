/*
 * The store contract: one suite that every backend must pass (the fixture,
 * store_fixture.h, gives each test a fresh SQLite or PostgreSQL database).
 * Records go through the domain functions (record_validate,
 * record_filter_schema, record_parse_sort, filter_parse, list cursors) the
 * way the API handlers use them, with the system's access.
 */
#include "store/store.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/access.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/list_cursor.h"
#include "domain/record.h"
#include "query/filter.h"

#include "store_fixture.h"

/* ---- helpers written like the API handlers ---- */

static struct custom_fields custom_of(struct fixture *fx, const struct entity *entity)
{
    struct custom_fields custom = {0};
    err_clear(&fx->err);
    if (store_fields_load(fx->conn, fx->arena, entity->name, &custom, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "store_fields_load: %s", fx->err.detail);
    return custom;
}

static int define_field(struct fixture *fx, const char *body_text, int64_t *id)
{
    json_t *clean = NULL;
    json_t *body = keep(fx, json_of(body_text));
    err_clear(&fx->err);
    int rc = custom_field_validate_definition(body, NULL, &clean, &fx->err);
    if (rc < 0)
        return rc;
    keep(fx, clean);
    return store_field_insert(fx->conn, fx->arena, clean, id, &fx->err);
}

/* Validates and inserts a record inside the caller's transaction. */
static int insert_record(struct fixture *fx, const struct entity *entity, const char *body_text,
                         int64_t *id)
{
    struct custom_fields custom = custom_of(fx, entity);
    json_t *body = keep(fx, json_of(body_text));
    json_t *changes = NULL;
    int rc = record_validate(fx->arena, entity, &custom, body, NULL, &changes, &fx->err);
    if (rc < 0)
        return rc;
    keep(fx, changes);
    return store_record_insert(fx->conn, fx->arena, entity, &access_system, changes, changes, id,
                               &fx->err);
}

/* Creates a record in its own transaction; 0 or the error (rolled back). */
static int create_record(struct fixture *fx, const struct entity *entity, const char *body_text,
                         int64_t *id)
{
    err_clear(&fx->err);
    int rc = store_begin(fx->conn, &fx->err);
    if (rc == 0)
        rc = insert_record(fx, entity, body_text, id);
    if (rc == 0)
        rc = store_commit(fx->conn, &fx->err);
    if (rc < 0)
        store_rollback(fx->conn);
    return rc;
}

static int64_t create_ok(struct fixture *fx, const struct entity *entity, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int64_t create_ok(struct fixture *fx, const struct entity *entity, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *body_text = arena_vprintf(fx->arena, fmt, ap);
    va_end(ap);
    int64_t id = 0;
    if (create_record(fx, entity, body_text, &id) < 0)
        test_fail(__FILE__, __LINE__, "create %s: %s %s %s", body_text, fx->err.detail,
                  fx->err.n_fields ? fx->err.fields[0].field : "",
                  fx->err.n_fields ? fx->err.fields[0].message : "");
    return id;
}

static int update_record(struct fixture *fx, const struct entity *entity, int64_t id,
                         const char *body_text)
{
    struct custom_fields custom = custom_of(fx, entity);
    json_t *body = keep(fx, json_of(body_text));
    json_t *current = NULL, *changes = NULL;
    err_clear(&fx->err);
    int rc = store_begin(fx->conn, &fx->err);
    if (rc == 0)
        rc = store_record_get(fx->conn, fx->arena, entity, &access_system, id, RECORD_LIVE,
                              &current, &fx->err);
    if (rc == 0) {
        keep(fx, current);
        rc = record_validate(fx->arena, entity, &custom, body, current, &changes, &fx->err);
    }
    if (rc == 0) {
        keep(fx, changes);
        json_t *merged = keep(fx, json_deep_copy(current));
        json_object_update(merged, changes);
        rc = store_record_update(fx->conn, fx->arena, entity, &access_system, id, changes, merged,
                                 &fx->err);
    }
    if (rc == 0)
        rc = store_commit(fx->conn, &fx->err);
    if (rc < 0)
        store_rollback(fx->conn);
    return rc;
}

static json_t *get_record(struct fixture *fx, const struct entity *entity, int64_t id,
                          enum record_state state)
{
    json_t *record = NULL;
    err_clear(&fx->err);
    if (store_record_get(fx->conn, fx->arena, entity, &access_system, id, state, &record,
                         &fx->err) < 0)
        return NULL;
    return keep(fx, record);
}

struct list_request {
    const char *filter;
    const char *q;
    const char *sort; /* NULL: the entity's default */
    const char *cursor;
    size_t limit;
    bool trash;
    bool count;
    const struct access *access; /* NULL: access_system */
};

struct list_result {
    json_t *data;
    const char *next_cursor; /* NULL at the end */
    int64_t total;
};

/* One list page, as GET /api/v1/<entity> computes it. */
static int list_records(struct fixture *fx, const struct entity *entity,
                        const struct list_request *req, struct list_result *out)
{
    struct custom_fields custom = custom_of(fx, entity);
    struct sort_key keys[RECORD_SORT_MAX_KEYS + 1];
    struct filter_context ctx = {.user_id = 0, .now_ms = clock_now_ms()};
    struct list_query query = {0};
    struct list_page page;
    memset(out, 0, sizeof(*out));
    err_clear(&fx->err);
    query.schema = record_filter_schema(fx->arena, entity, &custom);
    query.ctx = &ctx;
    query.limit = req->limit ? req->limit : 50;
    if (req->filter != NULL) {
        query.filter =
            filter_parse(fx->arena, query.schema, req->filter, strlen(req->filter), &fx->err);
        if (query.filter == NULL)
            return -fx->err.code;
    }
    const char *sort = req->sort ? req->sort : entity->default_sort;
    int rc = record_parse_sort(fx->arena, query.schema, sort, keys, &query.n_keys, &fx->err);
    if (rc < 0)
        return rc;
    query.keys = keys;
    if (req->cursor != NULL) {
        json_t *after = NULL;
        rc = list_cursor_decode(req->cursor, strlen(req->cursor), sort, query.n_keys, &after,
                                &fx->err);
        if (rc < 0)
            return rc;
        query.after = keep(fx, after);
    }
    query.search = req->q;
    query.trash = req->trash;
    query.count = req->count;
    rc = store_record_list(fx->conn, fx->arena, entity, req->access ? req->access : &access_system,
                           &query, &page, &fx->err);
    if (rc < 0)
        return rc;
    out->data = keep(fx, page.data);
    if (page.last_keys != NULL) {
        out->next_cursor = list_cursor_encode(fx->arena, sort, page.last_keys);
        json_decref(page.last_keys);
    }
    out->total = page.total;
    return 0;
}

/* The ids of a page, comma-separated in order: "3,1,2". */
static const char *ids_of(struct fixture *fx, const json_t *data)
{
    char *text = arena_strdup(fx->arena, "");
    size_t i;
    const json_t *record;
    json_array_foreach(data, i, record)
    {
        text = arena_printf(fx->arena, "%s%s%lld", text, i ? "," : "",
                            (long long)json_integer_value(json_object_get(record, "id")));
    }
    return text;
}

/* The ids a list returns, as "3,1,2". */
static const char *list_ids(struct fixture *fx, const struct entity *entity,
                            const struct list_request *req)
{
    struct list_result page;
    if (list_records(fx, entity, req, &page) < 0)
        test_fail(__FILE__, __LINE__, "list filter=%s q=%s: %s", req->filter ? req->filter : "",
                  req->q ? req->q : "", fx->err.detail);
    return ids_of(fx, page.data);
}

static const char *search_ids(struct fixture *fx, const struct entity *entity, const char *q)
{
    struct list_request req = {.q = q, .sort = "id"};
    return list_ids(fx, entity, &req);
}

static const char *filter_ids(struct fixture *fx, const struct entity *entity, const char *filter)
{
    struct list_request req = {.filter = filter, .sort = "id"};
    return list_ids(fx, entity, &req);
}

static const char *idf(struct fixture *fx, int64_t a)
{
    return arena_printf(fx->arena, "%lld", (long long)a);
}

static const char *idf2(struct fixture *fx, int64_t a, int64_t b)
{
    return arena_printf(fx->arena, "%lld,%lld", (long long)a, (long long)b);
}

/* ---- migrations ---- */

TEST(migrate_creates_the_schema_and_a_second_run_applies_nothing)
{
    struct fixture fx;
    fixture_open(&fx, false);
    int applied = -1;
    EXPECT_OK(store_migrate(fx.store, &applied, &fx.err));
    EXPECT_INT_EQ(applied, store_schema_version_known());
    EXPECT(applied >= 1);
    struct store_rows rows;
    struct sql_builder sql;
    sql_init(&sql, fx.arena, store_conn_dialect(fx.conn));
    sql_add(&sql, "SELECT max(version), count(*) FROM schema_migrations");
    EXPECT_OK(store_query(fx.conn, fx.arena, &sql, &rows, &fx.err));
    EXPECT_INT_EQ(store_rows_at(&rows, 0, 0)->i, store_schema_version_known());
    EXPECT_INT_EQ(store_rows_at(&rows, 0, 1)->i, store_schema_version_known());
    EXPECT_OK(store_exec(fx.conn, fx.arena,
                         "SELECT count(*) FROM companies, contacts, contact_companies, field_defs",
                         &fx.err));

    EXPECT_OK(store_migrate(fx.store, &applied, &fx.err));
    EXPECT_INT_EQ(applied, 0);
    fixture_close(&fx);
}

TEST(a_database_newer_than_the_binary_is_refused_with_conflict)
{
    struct fixture fx;
    fixture_open(&fx, true);
    EXPECT_OK(store_exec(fx.conn, fx.arena,
                         "INSERT INTO schema_migrations (version, name, applied_at) "
                         "VALUES (999, 'future', '2030-01-01T00:00:00.000Z')",
                         &fx.err));
    err_clear(&fx.err);
    int applied = -1;
    EXPECT_INT_EQ(store_migrate(fx.store, &applied, &fx.err), -ERR_CONFLICT);
    EXPECT_INT_EQ(applied, 0);
    EXPECT_CONTAINS(fx.err.detail, "999");
    fixture_close(&fx);
}

/* ---- records ---- */

TEST(insert_and_get_round_trip_a_company_and_a_contact_with_lists_custom_values_and_links)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t field_id = 0;
    EXPECT_OK(define_field(&fx,
                           "{\"entity\":\"contacts\",\"name\":\"region\",\"label\":\"Region\","
                           "\"type\":\"enum\",\"options\":[\"North\",\"South\"]}",
                           &field_id));
    EXPECT_OK(define_field(&fx,
                           "{\"entity\":\"companies\",\"name\":\"revenue\",\"label\":\"Revenue\","
                           "\"type\":\"number\"}",
                           &field_id));
    int64_t acme = create_ok(&fx, &entity_companies,
                             "{\"name\":\"Acme Ltd\",\"industry\":\"Retail\",\"size\":\"11-50\","
                             "\"website\":\"acme.example.com\",\"tags\":[\"vip\",\"partner\"],"
                             "\"emails\":[\"info@acme.example.com\"],"
                             "\"phones\":[\"+1 555 0100\"],\"address\":\"1 Main St\\nSpringfield\","
                             "\"custom\":{\"revenue\":1250.5}}");
    int64_t beta = create_ok(&fx, &entity_companies, "{\"name\":\"Beta\",\"parent_id\":%lld}",
                             (long long)acme);
    int64_t ivan = create_ok(&fx, &entity_contacts,
                             "{\"first_name\":\"Ivan\",\"last_name\":\"Petrov\","
                             "\"emails\":[\"ivan@acme.example.com\"],\"birthday\":\"1990-02-28\","
                             "\"social\":{\"telegram\":\"@ivan\"},\"interests\":[\"chess\"],"
                             "\"companies\":[{\"id\":%lld,\"role\":\"Buyer\"},{\"id\":%lld}],"
                             "\"custom\":{\"region\":\"North\"}}",
                             (long long)acme, (long long)beta);

    json_t *company = get_record(&fx, &entity_companies, acme, RECORD_LIVE);
    EXPECT(company != NULL);
    EXPECT_INT_EQ(json_integer_value(json_object_get(company, "id")), acme);
    EXPECT_STR_EQ(text_at(company, "name"), "Acme Ltd");
    EXPECT_STR_EQ(text_at(company, "industry"), "Retail");
    EXPECT_STR_EQ(text_at(company, "size"), "11-50");
    EXPECT_STR_EQ(text_at(company, "website"), "https://acme.example.com");
    EXPECT_STR_EQ(text_at(company, "address"), "1 Main St\nSpringfield");
    EXPECT_JSON(json_object_get(company, "tags"), "[\"vip\",\"partner\"]");
    EXPECT_JSON(json_object_get(company, "emails"), "[\"info@acme.example.com\"]");
    EXPECT_JSON(json_object_get(company, "phones"), "[\"+1 555 0100\"]");
    EXPECT_JSON(json_object_get(company, "custom"), "{\"revenue\":1250.5}");
    EXPECT_JSON(json_object_get(company, "parent_id"), "null");
    EXPECT_JSON(json_object_get(company, "owner_id"), "null");
    EXPECT_JSON(json_object_get(company, "deleted_at"), "null");
    EXPECT_JSON(json_object_get(company, "version"), "1");
    EXPECT_INT_EQ(strlen(text_at(company, "created_at")), CLOCK_DATETIME_LEN);
    EXPECT_STR_EQ(text_at(company, "created_at"), text_at(company, "updated_at"));
    EXPECT_JSON(json_object_get(get_record(&fx, &entity_companies, beta, RECORD_LIVE), "parent_id"),
                idf(&fx, acme));

    json_t *contact = get_record(&fx, &entity_contacts, ivan, RECORD_ANY);
    EXPECT(contact != NULL);
    EXPECT_STR_EQ(text_at(contact, "name"), "Ivan Petrov");
    EXPECT_STR_EQ(text_at(contact, "birthday"), "1990-02-28");
    EXPECT_JSON(json_object_get(contact, "emails"), "[\"ivan@acme.example.com\"]");
    EXPECT_JSON(json_object_get(contact, "phones"), "[]");
    EXPECT_JSON(json_object_get(contact, "skills"), "[]");
    EXPECT_JSON(json_object_get(contact, "interests"), "[\"chess\"]");
    EXPECT_JSON(json_object_get(contact, "social"), "{\"telegram\":\"@ivan\"}");
    EXPECT_JSON(json_object_get(contact, "custom"), "{\"region\":\"North\"}");
    EXPECT_JSON(json_object_get(contact, "company_ids"),
                arena_printf(fx.arena, "[%lld,%lld]", (long long)acme, (long long)beta));
    EXPECT_JSON(json_object_get(contact, "companies"),
                arena_printf(fx.arena,
                             "[{\"id\":%lld,\"name\":\"Acme Ltd\",\"role\":\"Buyer\"},"
                             "{\"id\":%lld,\"name\":\"Beta\",\"role\":null}]",
                             (long long)acme, (long long)beta));

    /* A list returns the same record as a get. */
    struct list_request req = {.sort = "id"};
    struct list_result page;
    EXPECT_OK(list_records(&fx, &entity_contacts, &req, &page));
    EXPECT_INT_EQ(json_array_size(page.data), 1);
    EXPECT(json_equal(json_array_get(page.data, 0), contact));
    fixture_close(&fx);
}

TEST(update_bumps_the_version_and_keeps_fields_it_does_not_name)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t acme = create_ok(&fx, &entity_companies, "{\"name\":\"Acme\",\"tags\":[\"vip\"]}");
    int64_t beta = create_ok(&fx, &entity_companies, "{\"name\":\"Beta\"}");
    int64_t anna = create_ok(&fx, &entity_contacts,
                             "{\"first_name\":\"Anna\",\"company_ids\":[%lld]}", (long long)acme);

    EXPECT_OK(update_record(&fx, &entity_companies, acme, "{\"name\":\"Acme Group\"}"));
    json_t *company = get_record(&fx, &entity_companies, acme, RECORD_LIVE);
    EXPECT_STR_EQ(text_at(company, "name"), "Acme Group");
    EXPECT_JSON(json_object_get(company, "tags"), "[\"vip\"]");
    EXPECT_JSON(json_object_get(company, "version"), "2");
    EXPECT(strcmp(text_at(company, "updated_at"), text_at(company, "created_at")) >= 0);

    EXPECT_OK(update_record(&fx, &entity_companies, acme, "{\"tags\":[]}"));
    company = get_record(&fx, &entity_companies, acme, RECORD_LIVE);
    EXPECT_JSON(json_object_get(company, "tags"), "[]");
    EXPECT_JSON(json_object_get(company, "version"), "3");

    /* Links are replaced as a whole; the search text follows the merged record. */
    EXPECT_OK(
        update_record(&fx, &entity_contacts, anna,
                      arena_printf(fx.arena, "{\"last_name\":\"Kowalska\",\"company_ids\":[%lld]}",
                                   (long long)beta)));
    json_t *contact = get_record(&fx, &entity_contacts, anna, RECORD_LIVE);
    EXPECT_STR_EQ(text_at(contact, "name"), "Anna Kowalska");
    EXPECT_JSON(json_object_get(contact, "company_ids"),
                arena_printf(fx.arena, "[%lld]", (long long)beta));
    EXPECT_JSON(json_object_get(contact, "version"), "2");
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "kowal"), idf(&fx, anna));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "anna"), idf(&fx, anna));

    err_clear(&fx.err);
    EXPECT_INT_EQ(update_record(&fx, &entity_companies, 999999, "{\"name\":\"X\"}"),
                  -ERR_NOT_FOUND);
    fixture_close(&fx);
}

TEST(trash_and_restore_answer_not_found_unless_the_record_is_in_the_expected_state)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t acme = create_ok(&fx, &entity_companies, "{\"name\":\"Acme\"}");
    int64_t beta = create_ok(&fx, &entity_companies, "{\"name\":\"Beta\"}");

    /* Restoring a live record is a conflict: it exists but is not in the trash. */
    EXPECT_INT_EQ(store_record_set_trashed(fx.conn, fx.arena, &entity_companies, &access_system,
                                           acme, false, &fx.err),
                  -ERR_CONFLICT);
    err_clear(&fx.err);
    EXPECT_OK(store_record_set_trashed(fx.conn, fx.arena, &entity_companies, &access_system, acme,
                                       true, &fx.err));
    EXPECT(get_record(&fx, &entity_companies, acme, RECORD_LIVE) == NULL);
    EXPECT_INT_EQ(fx.err.code, ERR_NOT_FOUND);
    json_t *trashed = get_record(&fx, &entity_companies, acme, RECORD_TRASHED);
    EXPECT(trashed != NULL);
    EXPECT(json_is_string(json_object_get(trashed, "deleted_at")));
    EXPECT_JSON(json_object_get(trashed, "version"), "2");
    EXPECT(get_record(&fx, &entity_companies, acme, RECORD_ANY) != NULL);
    EXPECT(get_record(&fx, &entity_companies, beta, RECORD_TRASHED) == NULL);

    err_clear(&fx.err);
    EXPECT_INT_EQ(store_record_set_trashed(fx.conn, fx.arena, &entity_companies, &access_system,
                                           acme, true, &fx.err),
                  -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(update_record(&fx, &entity_companies, acme, "{\"name\":\"Acme 2\"}"),
                  -ERR_NOT_FOUND);

    struct list_request live = {.sort = "id"}, trash = {.sort = "id", .trash = true};
    EXPECT_STR_EQ(list_ids(&fx, &entity_companies, &live), idf(&fx, beta));
    EXPECT_STR_EQ(list_ids(&fx, &entity_companies, &trash), idf(&fx, acme));
    /* A trashed record is no longer a valid reference. */
    int64_t id = 0;
    EXPECT_INT_EQ(create_record(&fx, &entity_companies,
                                arena_printf(fx.arena, "{\"name\":\"C\",\"parent_id\":%lld}",
                                             (long long)acme),
                                &id),
                  -ERR_VALIDATION);

    EXPECT_OK(store_record_set_trashed(fx.conn, fx.arena, &entity_companies, &access_system, acme,
                                       false, &fx.err));
    json_t *restored = get_record(&fx, &entity_companies, acme, RECORD_LIVE);
    EXPECT(restored != NULL);
    EXPECT_JSON(json_object_get(restored, "deleted_at"), "null");
    EXPECT_JSON(json_object_get(restored, "version"), "3");
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_record_set_trashed(fx.conn, fx.arena, &entity_companies, &access_system,
                                           acme, false, &fx.err),
                  -ERR_CONFLICT);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_record_set_trashed(fx.conn, fx.arena, &entity_companies, &access_system,
                                           424242, true, &fx.err),
                  -ERR_NOT_FOUND);
    EXPECT_STR_EQ(list_ids(&fx, &entity_companies, &live), idf2(&fx, acme, beta));
    fixture_close(&fx);
}

/* ---- lists ---- */

/* Pages through sort with `limit` rows a page; the ids joined must equal one big page. */
static void expect_pages_cover(struct fixture *fx, const char *sort, size_t limit, size_t n_rows)
{
    const char *sort_name = sort ? sort : "(default)";
    struct list_request all = {.sort = sort, .limit = 500};
    const char *expected = list_ids(fx, &entity_companies, &all);
    char *joined = arena_strdup(fx->arena, "");
    const char *cursor = NULL;
    size_t n_pages = 0, n_seen = 0;
    do {
        struct list_request req = {.sort = sort, .limit = limit, .cursor = cursor};
        struct list_result page;
        if (list_records(fx, &entity_companies, &req, &page) < 0)
            test_fail(__FILE__, __LINE__, "sort %s page %zu: %s", sort_name, n_pages, fx->err.detail);
        if (json_array_size(page.data) > limit)
            test_fail(__FILE__, __LINE__, "sort %s: page over the limit", sort_name);
        if (json_array_size(page.data) > 0)
            joined =
                arena_printf(fx->arena, "%s%s%s", joined, n_seen ? "," : "", ids_of(fx, page.data));
        n_seen += json_array_size(page.data);
        cursor = page.next_cursor;
        if (++n_pages > n_rows + 1)
            test_fail(__FILE__, __LINE__, "sort %s: the pages never end", sort_name);
    } while (cursor != NULL);
    if (strcmp(joined, expected) != 0)
        test_fail(__FILE__, __LINE__,
                  "sort %s: pages differ from one list\n    pages: %s\n    list:  %s", sort_name, joined,
                  expected);
    if (n_seen != n_rows)
        test_fail(__FILE__, __LINE__, "sort %s: %zu rows seen, %zu expected", sort_name, n_seen, n_rows);
    /* No id twice. */
    char *ids = arena_strdup(fx->arena, expected);
    bool seen[512] = {false};
    for (char *p = ids; *p != '\0';) {
        long long id = strtoll(p, &p, 10);
        if (id <= 0 || id >= 512 || seen[id])
            test_fail(__FILE__, __LINE__, "sort %s: id %lld repeated or out of range", sort_name, id);
        seen[id] = true;
        if (*p == ',')
            p++;
    }
}

TEST(keyset_pages_over_120_rows_never_repeat_or_skip_a_row_in_any_sort)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t field_id = 0;
    EXPECT_OK(define_field(&fx,
                           "{\"entity\":\"companies\",\"name\":\"score\",\"label\":\"Score\","
                           "\"type\":\"number\"}",
                           &field_id));
    EXPECT_OK(store_begin(fx.conn, &fx.err));
    for (int i = 0; i < 120; i++) {
        /* Many ties in every sort column, NULLs in industry and score. */
        const char *industry =
            i % 3 == 0 ? "null" : arena_printf(fx.arena, "\"Industry %d\"", i % 7);
        const char *custom =
            i % 4 == 0 ? "{}"
                       : arena_printf(fx.arena, "{\"score\":%d.%d}", (i * 37) % 11, i % 2 * 5);
        const char *body =
            arena_printf(fx.arena, "{\"name\":\"Company %02d\",\"industry\":%s,\"custom\":%s}",
                         i % 50, industry, custom);
        int64_t id = 0;
        EXPECT_OK(insert_record(&fx, &entity_companies, body, &id));
    }
    EXPECT_OK(store_commit(fx.conn, &fx.err));

    static const char *const sorts[] = {
        "name",         "-name",         "industry",       "-industry",
        "custom.score", "-custom.score", "industry,-name", "-custom.score,name",
        "id",           "-id",           "-created_at",    "size,-industry",
    };
    for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
        expect_pages_cover(&fx, sorts[i], 7, 120);
        expect_pages_cover(&fx, sorts[i], 50, 120);
    }
    expect_pages_cover(&fx, NULL, 11, 120);

    /* NULL is the smallest value: first ascending, last descending. */
    struct list_request asc = {.sort = "industry", .limit = 1};
    struct list_request desc = {.sort = "-custom.score", .limit = 500};
    struct list_result page;
    EXPECT_OK(list_records(&fx, &entity_companies, &asc, &page));
    EXPECT_JSON(json_object_get(json_array_get(page.data, 0), "industry"), "null");
    EXPECT_OK(list_records(&fx, &entity_companies, &desc, &page));
    EXPECT_INT_EQ(json_array_size(page.data), 120);
    EXPECT(json_object_get(json_object_get(json_array_get(page.data, 119), "custom"), "score") ==
           NULL);
    EXPECT_JSON(json_object_get(json_object_get(json_array_get(page.data, 0), "custom"), "score"),
                "10.5");
    fixture_close(&fx);
}

TEST(count_true_totals_every_match_not_just_the_page)
{
    struct fixture fx;
    fixture_open(&fx, true);
    EXPECT_OK(store_begin(fx.conn, &fx.err));
    for (int i = 0; i < 15; i++) {
        int64_t id = 0;
        EXPECT_OK(insert_record(&fx, &entity_companies,
                                arena_printf(fx.arena, "{\"name\":\"C%d\",\"industry\":\"%s\"}", i,
                                             i % 3 == 0 ? "Retail" : "Tech"),
                                &id));
    }
    EXPECT_OK(store_commit(fx.conn, &fx.err));
    struct list_request req = {.limit = 5, .count = true};
    struct list_result page;
    EXPECT_OK(list_records(&fx, &entity_companies, &req, &page));
    EXPECT_INT_EQ(json_array_size(page.data), 5);
    EXPECT_INT_EQ(page.total, 15);
    EXPECT(page.next_cursor != NULL);

    req.cursor = page.next_cursor;
    EXPECT_OK(list_records(&fx, &entity_companies, &req, &page));
    EXPECT_INT_EQ(page.total, 15);

    struct list_request retail = {.limit = 5, .count = true, .filter = "industry = \"Retail\""};
    EXPECT_OK(list_records(&fx, &entity_companies, &retail, &page));
    EXPECT_INT_EQ(json_array_size(page.data), 5);
    EXPECT_INT_EQ(page.total, 5);
    EXPECT(page.next_cursor == NULL);

    struct list_request search = {.q = "c1", .count = true};
    EXPECT_OK(list_records(&fx, &entity_companies, &search, &page));
    EXPECT_INT_EQ(page.total, 6); /* C1, C10..C14 */

    struct list_request plain = {.limit = 5};
    EXPECT_OK(list_records(&fx, &entity_companies, &plain, &page));
    EXPECT_INT_EQ(page.total, -1);

    int64_t first = json_integer_value(json_object_get(json_array_get(page.data, 0), "id"));
    EXPECT_OK(store_record_set_trashed(fx.conn, fx.arena, &entity_companies, &access_system, first,
                                       true, &fx.err));
    EXPECT_OK(list_records(&fx, &entity_companies, &req, &page));
    EXPECT_INT_EQ(page.total, 14);
    struct list_request trash = {.trash = true, .count = true};
    EXPECT_OK(list_records(&fx, &entity_companies, &trash, &page));
    EXPECT_INT_EQ(page.total, 1);
    fixture_close(&fx);
}

/*
 * Every page of a list, limit 7, each page read the way modes[page % n_modes]
 * says (store_list_read_force): the ids of all pages, as "3,1,2".
 */
static const char *paged_ids(struct fixture *fx, const struct entity *entity,
                             struct list_request req, const enum store_list_read *modes,
                             size_t n_modes)
{
    const char *text = "";
    req.limit = 7;
    req.cursor = NULL;
    for (size_t k = 0; k < 100; k++) {
        struct list_result page;
        store_list_read_force(modes[k % n_modes]);
        int rc = list_records(fx, entity, &req, &page);
        store_list_read_force(STORE_LIST_READ_AUTO);
        if (rc < 0)
            test_fail(__FILE__, __LINE__, "sort %s filter %s page %zu: %s", req.sort, req.filter,
                      k + 1, fx->err.detail);
        const char *ids = ids_of(fx, page.data);
        text = arena_printf(fx->arena, "%s%s%s", text, *text && *ids ? "," : "", ids);
        if (page.next_cursor == NULL)
            return text;
        req.cursor = page.next_cursor;
    }
    test_fail(__FILE__, __LINE__, "sort %s filter %s: more than 100 pages", req.sort, req.filter);
    return NULL;
}

/* Inserts a contact owned by owner_id (a field the server sets, never the client). */
static void insert_owned_contact(struct fixture *fx, const char *body_text, int64_t owner_id)
{
    struct custom_fields custom = custom_of(fx, &entity_contacts);
    json_t *changes = NULL;
    int64_t id = 0;
    err_clear(&fx->err);
    int rc = record_validate(fx->arena, &entity_contacts, &custom, keep(fx, json_of(body_text)),
                             NULL, &changes, &fx->err);
    if (rc == 0) {
        keep(fx, changes);
        json_object_set_new(changes, "owner_id", json_integer(owner_id));
        rc = store_record_insert(fx->conn, fx->arena, &entity_contacts, &access_system, changes,
                                 changes, &id, &fx->err);
    }
    if (rc < 0)
        test_fail(__FILE__, __LINE__, "insert %s: %s", body_text, fx->err.detail);
}

/*
 * On SQLite a list may read the planner's plan or walk the sort order's
 * index (records.c, list_read()); on a small table the choice rarely falls
 * on the walk, so both are forced here, and mixed page by page, for the
 * shapes that made the choice necessary (a common first name under another
 * sort; a common position with a tag) and a few more. PostgreSQL ignores
 * the forcing: the same pages, trivially.
 */
TEST(list_pages_are_the_same_whether_the_sort_order_is_walked_or_not)
{
    struct fixture fx;
    fixture_open(&fx, true);
    static const char *const first_names[] = {"Anna", "Anna", "Anna", "Boris", "Clara"};
    static const char *const last_names[] = {"Smith", "Иванова", "Иванов", "Brown", "Adams", "Ng"};
    static const char *const positions[] = {"\"Engineer\"", "\"Engineer\"", "\"Manager\"", "null"};
    static const char *const tags[] = {"[\"customer\",\"vip\"]", "[\"customer\"]", "[]"};
    EXPECT_OK(store_begin(fx.conn, &fx.err));
    for (int i = 0; i < 160; i++) {
        /* Many ties in every sort column, NULLs in birthday and position. */
        const char *birthday =
            i % 7 == 0 ? "null"
                       : arena_printf(fx.arena, "\"19%02d-0%d-1%d\"", 60 + i % 9, 1 + i % 8, i % 3);
        insert_owned_contact(
            &fx,
            arena_printf(fx.arena,
                         "{\"first_name\":\"%s\",\"last_name\":\"%s\",\"position\":%s,"
                         "\"tags\":%s,\"birthday\":%s}",
                         first_names[i % 5], last_names[i % 6], positions[i % 4], tags[i % 3],
                         birthday),
            i % 2 ? 7 : 8);
    }
    EXPECT_OK(store_commit(fx.conn, &fx.err));

    struct access own = access_system;
    own.scope = SCOPE_OWN;
    own.user_id = 7;
    struct access team = own;
    team.scope = SCOPE_TEAM;
    team.team_id = 3;
    static const struct {
        const char *sort, *filter;
        size_t n_matches, n_own; /* of all 160; of those owned by user 7 */
    } shapes[] = {
        {"-created_at", "first_name = \"Anna\"", 96, 48},
        {"last_name", "position = \"Engineer\" and tags contains \"customer\"", 54, 27},
        {"-birthday", "first_name = \"Anna\" and birthday is not null", 82, 41},
        {"-id", "first_name in (\"Anna\", \"Clara\")", 128, 64},
        {"birthday,-last_name", "position = \"Engineer\"", 80, 40},
        {"first_name", "not (position = \"Manager\") or last_name starts with \"Ив\"", 134, 80},
        {"last_name,first_name", "last_name starts with \"Ив\" and tags contains \"customer\"", 27,
         27},
        {"-updated_at", NULL, 160, 80},
    };
    static const enum store_list_read planned[] = {STORE_LIST_READ_PLANNED};
    static const enum store_list_read walk[] = {STORE_LIST_READ_WALK};
    static const enum store_list_read chosen[] = {STORE_LIST_READ_AUTO};
    static const enum store_list_read mixed[] = {STORE_LIST_READ_WALK, STORE_LIST_READ_PLANNED,
                                                 STORE_LIST_READ_AUTO};
    const struct access *accesses[] = {NULL, &own, &team};
    for (size_t a = 0; a < 3; a++) {
        for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
            struct list_request req = {
                .sort = shapes[i].sort, .filter = shapes[i].filter, .access = accesses[a]};
            struct list_request all = req;
            struct list_result page;
            all.limit = 500;
            store_list_read_force(STORE_LIST_READ_PLANNED);
            EXPECT_OK(list_records(&fx, &entity_contacts, &all, &page));
            store_list_read_force(STORE_LIST_READ_AUTO);
            const char *expected = ids_of(&fx, page.data);
            size_t n = json_array_size(page.data);
            EXPECT_INT_EQ(n, a == 0 ? shapes[i].n_matches : shapes[i].n_own);
            if (a == 2) /* no user is in team 3: the team is its owner alone */
                EXPECT_STR_EQ(expected,
                              paged_ids(&fx, &entity_contacts,
                                        (struct list_request){
                                            .sort = req.sort, .filter = req.filter, .access = &own},
                                        planned, 1));
            EXPECT_STR_EQ(paged_ids(&fx, &entity_contacts, req, planned, 1), expected);
            EXPECT_STR_EQ(paged_ids(&fx, &entity_contacts, req, walk, 1), expected);
            EXPECT_STR_EQ(paged_ids(&fx, &entity_contacts, req, chosen, 1), expected);
            EXPECT_STR_EQ(paged_ids(&fx, &entity_contacts, req, mixed, 3), expected);
        }
    }
    fixture_close(&fx);
}

TEST(a_bounded_query_gives_up_past_its_budget_and_leaves_the_connection_usable)
{
    struct fixture fx;
    fixture_open(&fx, false);
    struct store_rows rows;
    struct sql_builder cheap, costly;
    bool completed = false;
    sql_init(&cheap, fx.arena, store_conn_dialect(fx.conn));
    sql_add(&cheap, "SELECT 1 + ");
    sql_param_int(&cheap, 1);
    EXPECT_OK(store_query_bounded(fx.conn, fx.arena, &cheap, 10000, &rows, &completed, &fx.err));
    EXPECT(completed);
    EXPECT_INT_EQ(store_value_int(store_rows_at(&rows, 0, 0)), 2);
    if (!fx.pg) {
        /* Seconds of work, stopped after about a millisecond of CPU time. */
        sql_init(&costly, fx.arena, SQL_SQLITE);
        sql_add(&costly, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                         "WHERE x < 100000000) SELECT count(*) FROM c");
        int64_t start_ms = clock_monotonic_ms();
        EXPECT_OK(
            store_query_bounded(fx.conn, fx.arena, &costly, 1000, &rows, &completed, &fx.err));
        EXPECT(!completed);
        EXPECT_INT_EQ(rows.n_rows, 0);
        EXPECT(clock_monotonic_ms() - start_ms < 1000);
    }
    /* The budget ends with its statement. */
    sql_init(&costly, fx.arena, store_conn_dialect(fx.conn));
    sql_add(&costly, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                     "WHERE x < 200000) SELECT count(*) FROM c");
    EXPECT_OK(store_query(fx.conn, fx.arena, &costly, &rows, &fx.err));
    EXPECT_INT_EQ(store_value_int(store_rows_at(&rows, 0, 0)), 200000);
    fixture_close(&fx);
}

TEST(filters_select_by_fields_custom_fields_lists_and_relations)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t field_id = 0;
    EXPECT_OK(define_field(&fx,
                           "{\"entity\":\"contacts\",\"name\":\"region\",\"label\":\"Region\","
                           "\"type\":\"enum\",\"options\":[\"North\",\"South\"]}",
                           &field_id));
    EXPECT_OK(define_field(&fx,
                           "{\"entity\":\"contacts\",\"name\":\"rating\",\"label\":\"Rating\","
                           "\"type\":\"integer\"}",
                           &field_id));
    int64_t acme =
        create_ok(&fx, &entity_companies,
                  "{\"name\":\"Acme\",\"industry\":\"Retail\",\"tags\":[\"vip\",\"eu\"]}");
    int64_t beta = create_ok(&fx, &entity_companies,
                             "{\"name\":\"Beta\",\"industry\":\"Retail\",\"parent_id\":%lld}",
                             (long long)acme);
    int64_t gamma = create_ok(&fx, &entity_companies,
                              "{\"name\":\"Gamma\",\"industry\":\"Tech\",\"tags\":[\"vip\"]}");
    int64_t c1 = create_ok(&fx, &entity_contacts,
                           "{\"last_name\":\"One\",\"company_ids\":[%lld],"
                           "\"custom\":{\"region\":\"North\",\"rating\":5}}",
                           (long long)acme);
    int64_t c2 = create_ok(&fx, &entity_contacts,
                           "{\"last_name\":\"Two\",\"company_ids\":[%lld],"
                           "\"custom\":{\"region\":\"South\",\"rating\":12}}",
                           (long long)gamma);
    int64_t c3 = create_ok(&fx, &entity_contacts, "{\"last_name\":\"Three\"}");

    EXPECT_STR_EQ(
        filter_ids(&fx, &entity_companies, "industry = \"Retail\" and tags contains \"vip\""),
        idf(&fx, acme));
    EXPECT_STR_EQ(filter_ids(&fx, &entity_companies, "tags contains \"vip\""),
                  idf2(&fx, acme, gamma));
    EXPECT_STR_EQ(filter_ids(&fx, &entity_companies, "industry != \"Retail\""), idf(&fx, gamma));
    EXPECT_STR_EQ(filter_ids(&fx, &entity_companies, "parent.name = \"Acme\""), idf(&fx, beta));
    EXPECT_STR_EQ(
        filter_ids(&fx, &entity_companies, "parent_id is null and not tags contains \"eu\""),
        idf(&fx, gamma));
    EXPECT_STR_EQ(filter_ids(&fx, &entity_contacts, "company.industry = \"Retail\""), idf(&fx, c1));
    EXPECT_STR_EQ(filter_ids(&fx, &entity_contacts, "company.tags contains \"vip\""),
                  idf2(&fx, c1, c2));
    EXPECT_STR_EQ(filter_ids(&fx, &entity_contacts, "custom.region = \"South\""), idf(&fx, c2));
    EXPECT_STR_EQ(filter_ids(&fx, &entity_contacts, "custom.rating > 6"), idf(&fx, c2));
    EXPECT_STR_EQ(filter_ids(&fx, &entity_contacts, "custom.region is null"), idf(&fx, c3));
    EXPECT_STR_EQ(
        filter_ids(&fx, &entity_contacts,
                   "last_name in (\"One\", \"Three\") or custom.rating >= 12"),
        arena_printf(fx.arena, "%lld,%lld,%lld", (long long)c1, (long long)c2, (long long)c3));
    /* A trashed company no longer matches through the relation. */
    EXPECT_OK(store_record_set_trashed(fx.conn, fx.arena, &entity_companies, &access_system, acme,
                                       true, &fx.err));
    EXPECT_STR_EQ(filter_ids(&fx, &entity_contacts, "company.industry = \"Retail\""), "");

    struct list_request bad = {.filter = "industri = \"Retail\""};
    struct list_result page;
    EXPECT_INT_EQ(list_records(&fx, &entity_companies, &bad, &page), -ERR_BAD_FILTER);
    EXPECT_CONTAINS(fx.err.detail, "industri");
    fixture_close(&fx);
}

TEST(search_matches_prefixes_case_insensitively_in_cyrillic_without_accents_and_e_mail_pieces)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t ivanov =
        create_ok(&fx, &entity_contacts, "{\"first_name\":\"Пётр\",\"last_name\":\"Иванов\"}");
    int64_t muller =
        create_ok(&fx, &entity_contacts, "{\"first_name\":\"Jürgen\",\"last_name\":\"Müller\"}");
    int64_t anna = create_ok(&fx, &entity_contacts,
                             "{\"first_name\":\"Anna\",\"last_name\":\"Smith\","
                             "\"emails\":[\"anna.smith@example.org\"]}");
    int64_t bob = create_ok(&fx, &entity_contacts,
                            "{\"first_name\":\"Bob\",\"last_name\":\"Stone\","
                            "\"phones\":[\"+7 (912) 345-67-89\"],\"position\":\"Head of Sales\"}");
    int64_t acme = create_ok(&fx, &entity_companies, "{\"name\":\"Ölwerk GmbH\"}");

    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "Иван"), idf(&fx, ivanov));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "иванов"), idf(&fx, ivanov));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "ИВАНОВ"), idf(&fx, ivanov));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "пётр иван"), idf(&fx, ivanov));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "muller"), idf(&fx, muller));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "MÜLL"), idf(&fx, muller));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "jurgen"), idf(&fx, muller));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "smi"), idf(&fx, anna));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "example"), idf(&fx, anna));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "smith@example"), idf(&fx, anna));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "anna.smith@example.org"), idf(&fx, anna));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "79123456789"), idf(&fx, bob));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "sales"), idf(&fx, bob));
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "anna zzz"), "");
    EXPECT_STR_EQ(search_ids(&fx, &entity_contacts, "s"),
                  arena_printf(fx.arena, "%lld,%lld", (long long)anna, (long long)bob));
    EXPECT_STR_EQ(search_ids(&fx, &entity_companies, "olwerk"), idf(&fx, acme));
    /* Punctuation alone is no query: everything is listed. */
    EXPECT_STR_EQ(search_ids(&fx, &entity_companies, "\"*:&!()"), idf(&fx, acme));
    fixture_close(&fx);
}

/* ---- transactions and errors ---- */

TEST(a_rolled_back_transaction_leaves_nothing_behind)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = 0;
    EXPECT_OK(store_begin(fx.conn, &fx.err));
    EXPECT_OK(insert_record(&fx, &entity_companies, "{\"name\":\"Ghost\"}", &id));
    EXPECT(id > 0);
    EXPECT(get_record(&fx, &entity_companies, id, RECORD_LIVE) != NULL);
    store_rollback(fx.conn);
    EXPECT(get_record(&fx, &entity_companies, id, RECORD_ANY) == NULL);
    EXPECT_INT_EQ(fx.err.code, ERR_NOT_FOUND);
    struct list_request req = {.count = true};
    struct list_result page;
    EXPECT_OK(list_records(&fx, &entity_companies, &req, &page));
    EXPECT_INT_EQ(page.total, 0);
    EXPECT_STR_EQ(search_ids(&fx, &entity_companies, "ghost"), "");

    /* A failed statement inside a transaction: the caller rolls back and carries on. */
    EXPECT_OK(store_begin(fx.conn, &fx.err));
    EXPECT_OK(insert_record(&fx, &entity_companies, "{\"name\":\"Ghost 2\"}", &id));
    err_clear(&fx.err);
    EXPECT(store_exec(fx.conn, fx.arena, "INSERT INTO companies (id) VALUES (1)", &fx.err) < 0);
    store_rollback(fx.conn);
    int64_t kept = create_ok(&fx, &entity_companies, "{\"name\":\"Kept\"}");
    EXPECT_STR_EQ(list_ids(&fx, &entity_companies, &req), idf(&fx, kept));
    fixture_close(&fx);
}

TEST(constraint_violations_map_to_conflict_and_validation)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = 0;
    const char *region = "{\"entity\":\"contacts\",\"name\":\"region\",\"label\":\"Region\","
                         "\"type\":\"text\"}";
    EXPECT_OK(define_field(&fx, region, &id));
    /* The same name for another entity is fine. */
    EXPECT_OK(define_field(&fx,
                           "{\"entity\":\"companies\",\"name\":\"region\",\"label\":\"Region\","
                           "\"type\":\"text\"}",
                           &id));
    err_clear(&fx.err);
    EXPECT_INT_EQ(define_field(&fx, region, &id), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_of(&fx), "name");

    static const char *const duplicate =
        "INSERT INTO field_defs (entity, name, label, type, created_at, updated_at) "
        "VALUES ('contacts', 'region', 'R', 'text', 'x', 'x')";
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_exec(fx.conn, fx.arena, duplicate, &fx.err), -ERR_CONFLICT);
    /* The same inside a transaction, which the caller then rolls back. */
    EXPECT_OK(store_begin(fx.conn, &fx.err));
    EXPECT_INT_EQ(store_exec(fx.conn, fx.arena, duplicate, &fx.err), -ERR_CONFLICT);
    store_rollback(fx.conn);

    err_clear(&fx.err);
    EXPECT_INT_EQ(store_exec(fx.conn, fx.arena,
                             "INSERT INTO companies (created_at, updated_at) VALUES ('x', 'x')",
                             &fx.err),
                  -ERR_VALIDATION);
    err_clear(&fx.err);
    EXPECT_INT_EQ(
        store_exec(fx.conn, fx.arena,
                   "INSERT INTO contact_companies (contact_id, company_id) VALUES (77, 88)",
                   &fx.err),
        -ERR_VALIDATION);
    EXPECT_STR_EQ(fx.err.detail, "a referenced record does not exist");
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_exec(fx.conn, fx.arena, "SELECT no_such_column FROM companies", &fx.err),
                  -ERR_INTERNAL);
    /* The connection still works. */
    EXPECT_OK(store_exec(fx.conn, fx.arena, "SELECT 1", &fx.err));
    fixture_close(&fx);
}

TEST(reference_checks_reject_a_missing_parent_a_self_reference_and_a_cycle)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t a = create_ok(&fx, &entity_companies, "{\"name\":\"A\"}");
    int64_t b =
        create_ok(&fx, &entity_companies, "{\"name\":\"B\",\"parent_id\":%lld}", (long long)a);
    int64_t c =
        create_ok(&fx, &entity_companies, "{\"name\":\"C\",\"parent_id\":%lld}", (long long)b);
    int64_t id = 0;

    EXPECT_INT_EQ(
        create_record(&fx, &entity_companies, "{\"name\":\"D\",\"parent_id\":987654}", &id),
        -ERR_VALIDATION);
    EXPECT_STR_EQ(field_of(&fx), "parent_id");
    EXPECT_CONTAINS(fx.err.fields[0].message, "987654");

    EXPECT_INT_EQ(update_record(&fx, &entity_companies, a,
                                arena_printf(fx.arena, "{\"parent_id\":%lld}", (long long)c)),
                  -ERR_VALIDATION);
    EXPECT_STR_EQ(field_of(&fx), "parent_id");
    EXPECT_CONTAINS(fx.err.fields[0].message, "cycle");
    EXPECT_INT_EQ(update_record(&fx, &entity_companies, a,
                                arena_printf(fx.arena, "{\"parent_id\":%lld}", (long long)a)),
                  -ERR_VALIDATION);
    EXPECT_CONTAINS(fx.err.fields[0].message, "itself");
    /* Nothing was written. */
    EXPECT_JSON(json_object_get(get_record(&fx, &entity_companies, a, RECORD_LIVE), "parent_id"),
                "null");
    /* Moving a branch elsewhere in the tree is fine. */
    int64_t e = create_ok(&fx, &entity_companies, "{\"name\":\"E\"}");
    EXPECT_OK(update_record(&fx, &entity_companies, c,
                            arena_printf(fx.arena, "{\"parent_id\":%lld}", (long long)e)));
    EXPECT_OK(update_record(&fx, &entity_companies, a,
                            arena_printf(fx.arena, "{\"parent_id\":%lld}", (long long)c)));

    EXPECT_INT_EQ(
        create_record(&fx, &entity_contacts,
                      arena_printf(fx.arena, "{\"last_name\":\"X\",\"company_ids\":[%lld,987654]}",
                                   (long long)a),
                      &id),
        -ERR_VALIDATION);
    EXPECT_STR_EQ(field_of(&fx), "company_ids[1]");
    struct list_request req = {.count = true};
    struct list_result page;
    EXPECT_OK(list_records(&fx, &entity_contacts, &req, &page));
    EXPECT_INT_EQ(page.total, 0);
    fixture_close(&fx);
}

/* ---- connections ---- */

TEST(a_postgres_url_that_does_not_answer_fails_fast_without_showing_the_password)
{
    struct err err;
    err_clear(&err);
    struct store_options options = {
        .location = "postgresql://crm:s3cret-pw@127.0.0.1:1/crm?sslmode=disable", .pool_size = 1};
    int64_t started = clock_monotonic_ms();
    struct store *store = store_open(&options, &err);
    EXPECT(store == NULL);
    EXPECT_INT_EQ(err.code, ERR_UNAVAILABLE);
    EXPECT_CONTAINS(err.detail, "cannot connect to PostgreSQL at 127.0.0.1:1");
    EXPECT(strstr(err.detail, "s3cret") == NULL);
    EXPECT(clock_monotonic_ms() - started < 6000);
}

TEST(a_sqlite_path_in_a_missing_directory_is_unavailable)
{
    struct err err;
    err_clear(&err);
    struct store_options options = {.location = "/nonexistent-dir-crm/x/crm.db", .pool_size = 1};
    EXPECT(store_open(&options, &err) == NULL);
    EXPECT_INT_EQ(err.code, ERR_UNAVAILABLE);
    EXPECT_CONTAINS(err.detail, "does not exist");
}

/* The one text value of a fixed one-row query. */
static const char *scalar_text(struct fixture *fx, const char *text)
{
    struct store_rows rows;
    struct sql_builder sql;
    sql_init(&sql, fx->arena, store_conn_dialect(fx->conn));
    sql_add(&sql, text);
    err_clear(&fx->err);
    if (store_query(fx->conn, fx->arena, &sql, &rows, &fx->err) < 0 || rows.n_rows != 1)
        test_fail(__FILE__, __LINE__, "%s: %s", text, fx->err.detail);
    return store_rows_at(&rows, 0, 0)->text;
}

TEST(postgres_statement_timeout_maps_to_timeout)
{
    if (pg_admin_url() == NULL)
        return;
    struct fixture fx;
    fixture_open(&fx, false);
    EXPECT_STR_EQ(scalar_text(&fx, "SHOW statement_timeout"), "30s");
    EXPECT_STR_EQ(scalar_text(&fx, "SHOW TimeZone"), "UTC");
    EXPECT_STR_EQ(scalar_text(&fx, "SHOW client_encoding"), "UTF8");
    EXPECT_OK(store_begin(fx.conn, &fx.err));
    EXPECT_OK(store_exec(fx.conn, fx.arena, "SET LOCAL statement_timeout = 50", &fx.err));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_exec(fx.conn, fx.arena, "SELECT pg_sleep(2)", &fx.err), -ERR_TIMEOUT);
    store_rollback(fx.conn);
    EXPECT_OK(store_exec(fx.conn, fx.arena, "SELECT 1", &fx.err));
    fixture_close(&fx);
}

TEST(postgres_connection_lost_is_unavailable_once_then_reconnects)
{
    if (pg_admin_url() == NULL)
        return;
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = create_ok(&fx, &entity_companies, "{\"name\":\"Survivor\"}");
    struct store_rows rows;
    struct sql_builder sql;
    sql_init(&sql, fx.arena, store_conn_dialect(fx.conn));
    sql_add(&sql, "SELECT pg_backend_pid()");
    EXPECT_OK(store_query(fx.conn, fx.arena, &sql, &rows, &fx.err));
    EXPECT_INT_EQ(rows.values[0].type, STORE_INT);

    PGconn *admin = pg_admin_connect();
    char kill[96];
    snprintf(kill, sizeof(kill), "SELECT pg_terminate_backend(%lld)", (long long)rows.values[0].i);
    pg_admin_exec(admin, kill);
    PQfinish(admin);

    err_clear(&fx.err);
    EXPECT_INT_EQ(store_query(fx.conn, fx.arena, &sql, &rows, &fx.err), -ERR_UNAVAILABLE);
    /* The next statement reconnects; prepared statements are made again. */
    EXPECT(get_record(&fx, &entity_companies, id, RECORD_LIVE) != NULL);
    EXPECT_OK(store_query(fx.conn, fx.arena, &sql, &rows, &fx.err));
    /* The session settings came back with the connection. */
    EXPECT_STR_EQ(scalar_text(&fx, "SHOW TimeZone"), "UTC");
    EXPECT_STR_EQ(scalar_text(&fx, "SHOW statement_timeout"), "30s");
    fixture_close(&fx);
}

TEST(values_come_back_typed_text_and_null)
{
    struct fixture fx;
    fixture_open(&fx, false);
    struct store_rows rows;
    struct sql_builder sql;
    sql_init(&sql, fx.arena, store_conn_dialect(fx.conn));
    sql_add(&sql, "SELECT CAST(");
    sql_param_int(&sql, -9007199254740993LL);
    sql_add(&sql, " AS BIGINT) AS i, 1.5 * ");
    sql_param_real(&sql, 2.0);
    sql_add(&sql, " AS r, ");
    sql_param_cstr(&sql, "Grüße, \"мир\"'");
    sql_add(&sql, " AS t, NULL AS n");
    EXPECT_OK(store_query(fx.conn, fx.arena, &sql, &rows, &fx.err));
    EXPECT_INT_EQ(rows.n_rows, 1);
    EXPECT_INT_EQ(rows.n_cols, 4);
    EXPECT_STR_EQ(rows.names[0], "i");
    EXPECT_STR_EQ(rows.names[3], "n");
    EXPECT_INT_EQ(store_rows_at(&rows, 0, 0)->type, STORE_INT);
    EXPECT_INT_EQ(store_rows_at(&rows, 0, 0)->i, -9007199254740993LL);
    /* PostgreSQL says numeric (text) for 1.5 * $2, SQLite real: both read as 3. */
    const struct store_value *r = store_rows_at(&rows, 0, 1);
    EXPECT(r->type == STORE_REAL ? r->r == 3.0 : strtod(r->text, NULL) == 3.0);
    EXPECT_INT_EQ(store_rows_at(&rows, 0, 2)->type, STORE_TEXT);
    EXPECT_STR_EQ(store_rows_at(&rows, 0, 2)->text, "Grüße, \"мир\"'");
    EXPECT_INT_EQ(store_rows_at(&rows, 0, 2)->len, strlen("Grüße, \"мир\"'"));
    EXPECT_INT_EQ(store_rows_at(&rows, 0, 3)->type, STORE_NULL);

    /* The same text again comes from the statement cache. */
    EXPECT_OK(store_query(fx.conn, fx.arena, &sql, &rows, &fx.err));
    EXPECT_INT_EQ(store_rows_at(&rows, 0, 0)->i, -9007199254740993LL);
    /* More distinct statements than the cache holds. */
    for (int i = 0; i < 300; i++) {
        sql_init(&sql, fx.arena, store_conn_dialect(fx.conn));
        sql_addf(&sql, "SELECT %d + ", i);
        sql_param_int(&sql, 1);
        EXPECT_OK(store_query(fx.conn, fx.arena, &sql, &rows, &fx.err));
        EXPECT_INT_EQ(store_rows_at(&rows, 0, 0)->i, i + 1);
    }
    fixture_close(&fx);
}
