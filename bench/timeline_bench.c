/*
 * timeline_bench: the first page of a company's timeline, server side. Makes
 * a fresh SQLite database with one company, its contacts and their
 * activities (written as the API writes them: the activity row and its
 * timeline item), then reads the company's first page (50 items, newest
 * first) many times through store_timeline_list and the JSON the answer is
 * made of, for an administrator and for a sales rep (whose read scope adds
 * the owner predicate), and prints p50/p95/max per caller.
 *
 *   timeline_bench --db PATH [--contacts 200] [--activities 10000] [--runs 500]
 *
 * Target (issue "working day"): 10 k activities across 200 contacts, first
 * page <= 20 ms server time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/access.h"
#include "domain/entity.h"
#include "store/store.h"
#include "store/timeline.h"

#define PAGE 50
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int64_t option(int argc, char **argv, const char *name, int64_t def)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0)
            return strtoll(argv[i + 1], NULL, 10);
    }
    return def;
}

static const char *text_option(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    }
    return NULL;
}

static int run_sql(struct store_conn *conn, struct arena *arena, struct sql_builder *sql,
                   int64_t *id, struct err *err)
{
    struct store_rows rows;
    sql_add(sql, " RETURNING \"id\"");
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc == 0 && id != NULL)
        *id = store_value_int(store_rows_at(&rows, 0, 0));
    return rc;
}

/* One company, contacts linked to it, activities spread over them and a year of days. */
static int fill(struct store_conn *conn, int64_t contacts, int64_t activities, struct err *err)
{
    static const char *const types[] = {"call", "meeting", "email", "note", "sms"};
    struct arena *arena = arena_new();
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    int64_t company = 0;
    int64_t *contact_ids = calloc((size_t)contacts, sizeof(*contact_ids));
    struct sql_builder sql;
    int rc = store_begin(conn, err);
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"companies\" (\"name\", \"owner_id\", \"created_at\", "
                  "\"updated_at\") VALUES ('Bench Timeline Ltd', 1, ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ")");
    if (rc == 0)
        rc = run_sql(conn, arena, &sql, &company, err);
    for (int64_t c = 0; rc == 0 && c < contacts; c++) {
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_add(&sql, "INSERT INTO \"contacts\" (\"first_name\", \"last_name\", \"name\", "
                      "\"owner_id\", \"created_at\", \"updated_at\") VALUES ('Bench', ");
        const char *last = arena_printf(arena, "Contact %" PRId64, c);
        sql_param_cstr(&sql, last);
        sql_add(&sql, ", ");
        sql_param_cstr(&sql, arena_printf(arena, "Bench %s", last));
        sql_addf(&sql, ", %d, ", c % 4 == 0 ? 2 : 1);
        sql_param_cstr(&sql, now);
        sql_add(&sql, ", ");
        sql_param_cstr(&sql, now);
        sql_add(&sql, ")");
        rc = run_sql(conn, arena, &sql, &contact_ids[c], err);
        if (rc == 0) {
            sql_init(&sql, arena, store_conn_dialect(conn));
            sql_add(&sql, "INSERT INTO \"contact_companies\" (\"contact_id\", \"company_id\") "
                          "VALUES (");
            sql_param_int(&sql, contact_ids[c]);
            sql_add(&sql, ", ");
            sql_param_int(&sql, company);
            sql_add(&sql, ")");
            rc = store_query(conn, arena, &sql, NULL, err);
        }
    }
    int64_t start_ms = clock_now_ms() - INT64_C(365) * 86400000;
    for (int64_t a = 0; rc == 0 && a < activities; a++) {
        char at[CLOCK_DATETIME_LEN + 1];
        clock_format_datetime(start_ms + a * (INT64_C(365) * 86400000 / activities), at);
        int64_t contact = contact_ids[a % contacts];
        int64_t owner = a % 4 == 0 ? 2 : 1; /* a quarter belong to the rep */
        const char *type = types[a % COUNT(types)];
        const char *subject = arena_printf(arena, "Bench %s %" PRId64, type, a);
        int64_t id = 0;
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_add(&sql, "INSERT INTO \"activities\" (\"type\", \"subject\", \"at\", \"contact_id\", "
                      "\"company_id\", \"owner_id\", \"created_at\", \"updated_at\") VALUES (");
        sql_param_cstr(&sql, type);
        sql_add(&sql, ", ");
        sql_param_cstr(&sql, subject);
        sql_add(&sql, ", ");
        sql_param_cstr(&sql, at);
        sql_add(&sql, ", ");
        sql_param_int(&sql, contact);
        sql_add(&sql, ", ");
        sql_param_int(&sql, company);
        sql_add(&sql, ", ");
        sql_param_int(&sql, owner);
        sql_add(&sql, ", ");
        sql_param_cstr(&sql, now);
        sql_add(&sql, ", ");
        sql_param_cstr(&sql, now);
        sql_add(&sql, ")");
        rc = run_sql(conn, arena, &sql, &id, err);
        json_t *detail = json_pack("{s:s,s:s,s:s}", "type", type, "subject", subject, "at", at);
        struct timeline_item item = {.at = at, .kind = type, .entity = "activities",
                                     .record_id = id, .summary = subject, .detail = detail,
                                     .subjects = {contact, company, 0, 0}, .owner_id = owner,
                                     .user_id = owner};
        if (rc == 0)
            rc = store_timeline_append(conn, arena, &item, err);
        json_decref(detail);
        if (a % 1000 == 999) {
            arena_free(arena);
            arena = arena_new();
        }
    }
    if (rc == 0)
        rc = store_commit(conn, err);
    else
        store_rollback(conn);
    free(contact_ids);
    arena_free(arena);
    return rc;
}

static int compare_ms(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reads the first page runs times as access; prints the figures. */
static int measure(struct store_conn *conn, const char *who, const struct access *access,
                   int64_t runs, struct err *err)
{
    double *ms = calloc((size_t)runs, sizeof(*ms));
    size_t items = 0;
    int rc = 0;
    for (int64_t r = 0; rc == 0 && r < runs; r++) {
        struct arena *arena = arena_new();
        struct timeline_query q = {.subject_column = "company_id", .subject_id = 1,
                                   .limit = PAGE};
        json_t *out = NULL;
        bool more = false;
        double started = now_ms();
        rc = store_timeline_list(conn, arena, access, &q, &out, &more, err);
        char *text = rc == 0 ? json_dumps(out, JSON_COMPACT) : NULL;
        ms[r] = now_ms() - started;
        items = json_array_size(out);
        free(text);
        json_decref(out);
        arena_free(arena);
    }
    if (rc == 0) {
        qsort(ms, (size_t)runs, sizeof(*ms), compare_ms);
        printf("BENCH timeline caller=%s items=%zu runs=%" PRId64
               " p50_ms=%.2f p95_ms=%.2f max_ms=%.2f\n",
               who, items, runs, ms[runs / 2], ms[runs * 95 / 100], ms[runs - 1]);
    }
    free(ms);
    return rc;
}

int main(int argc, char **argv)
{
    const char *db = text_option(argc, argv, "--db");
    int64_t contacts = option(argc, argv, "--contacts", 200);
    int64_t activities = option(argc, argv, "--activities", 10000);
    int64_t runs = option(argc, argv, "--runs", 500);
    if (db == NULL || contacts < 1 || activities < 1 || runs < 1) {
        fprintf(stderr, "usage: timeline_bench --db PATH [--contacts N] [--activities N] "
                        "[--runs N]\n");
        return 2;
    }
    struct err err;
    err_clear(&err);
    struct store_options options = {.location = db, .pool_size = 1};
    struct store *store = store_open(&options, &err);
    if (store == NULL || store_migrate(store, NULL, &err) < 0) {
        fprintf(stderr, "timeline_bench: %s\n", err.detail);
        return 1;
    }
    struct store_conn *conn = store_acquire(store, &err);
    int64_t started = clock_monotonic_ms();
    int rc = conn != NULL ? fill(conn, contacts, activities, &err) : -1;
    if (rc == 0)
        printf("timeline_bench: %" PRId64 " activities across %" PRId64
               " contacts written in %" PRId64 " ms\n",
               activities, contacts, clock_monotonic_ms() - started);
    if (rc == 0)
        rc = measure(conn, "admin", &access_system, runs, &err);
    /* A sales rep: own activities only (user 2), like the built-in role's default. */
    struct access rep = {.user_id = 2, .team_id = 0};
    for (size_t e = 0; e < entity_count(); e++)
        rep.read_scope[e] = SCOPE_OWN;
    if (rc == 0)
        rc = measure(conn, "sales_rep", &rep, runs, &err);
    if (rc < 0)
        fprintf(stderr, "timeline_bench: %s\n", err.detail);
    if (conn != NULL)
        store_release(conn);
    store_close(store);
    return rc < 0 ? 1 : 0;
}
