/*
 * scheduler_bench: what one scheduler tick costs with many tasks (target:
 * finding the due reminders in at most 5 ms with 1 M tasks). --generate
 * fills a new database with N tasks by INSERT ... SELECT: 10 % without
 * a reminder, 60 % reminded long ago, 20 % with a reminder in 2100, 10 %
 * done with an old reminder never sent, and 1 % recurring (their next
 * instances made, or due in 2100). Then, on the same database, it times:
 *
 *   idle_find   store_tasks_due_reminders() with nothing due (most ticks)
 *   idle_tick   scheduler_remind() + scheduler_recur() with nothing due
 *   due_find    the same read with 500 reminders due
 *   due_step    scheduler_remind() with 500 due: read, 500 jobs, mark, commit
 *
 * and prints one line of key=value figures (milliseconds):
 *
 *   BENCH tasks=1000000 idle_find_p50_ms=0.012 idle_find_p95_ms=... due_step_max_ms=...
 *
 *   scheduler_bench --db PATH|URL [--generate N] [--rounds R] [--due-rounds D]
 *
 * The measurement puts back what it changed (the reminders it made due, the
 * jobs it made), so a generated database serves many runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/err.h"
#include "jobs/scheduler.h"
#include "store/jobs.h"
#include "store/store.h"

#define BENCH_DEFAULT_ROUNDS 2000
#define BENCH_DEFAULT_DUE_ROUNDS 20
#define BENCH_MAX_ROUNDS 1000000
#define BENCH_MAX_TASKS 100000000LL
#define BENCH_DUE 500
#define GENERATE_BATCH 50000LL
/* Reminders the due rounds make due are taken from ids [DUE_BASE_ID, ...). */
#define DUE_BASE_ID 1000

struct bench_options {
    const char *db;
    long long generate; /* 0: use the database as it is */
    long rounds;
    long due_rounds;
};

static double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int bench_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* Sorts the samples and prints name_p50_ms, name_p95_ms and name_max_ms. */
static void bench_print(const char *name, double *samples, size_t n)
{
    qsort(samples, n, sizeof(*samples), bench_compare_double);
    printf(" %s_p50_ms=%.3f %s_p95_ms=%.3f %s_max_ms=%.3f", name, samples[n / 2], name,
           samples[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1], name, samples[n - 1]);
}

static int bench_fail(const char *what, const struct err *err)
{
    fprintf(stderr, "scheduler_bench: %s: %s\n", what, err->detail[0] ? err->detail : "failed");
    return 1;
}

static long long bench_number(const char *flag, const char *value, long long max)
{
    char *end = NULL;
    errno = 0;
    long long n = strtoll(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || n < 1 || n > max) {
        fprintf(stderr, "scheduler_bench: %s wants a number from 1 to %lld\n", flag, max);
        exit(2);
    }
    return n;
}

static void bench_parse(int argc, char **argv, struct bench_options *o)
{
    *o = (struct bench_options){NULL, 0, BENCH_DEFAULT_ROUNDS, BENCH_DEFAULT_DUE_ROUNDS};
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (value == NULL) {
            fprintf(stderr, "scheduler_bench: %s needs a value\n", argv[i]);
            exit(2);
        }
        if (strcmp(argv[i], "--db") == 0)
            o->db = value;
        else if (strcmp(argv[i], "--generate") == 0)
            o->generate = bench_number("--generate", value, BENCH_MAX_TASKS);
        else if (strcmp(argv[i], "--rounds") == 0)
            o->rounds = (long)bench_number("--rounds", value, BENCH_MAX_ROUNDS);
        else if (strcmp(argv[i], "--due-rounds") == 0)
            o->due_rounds = (long)bench_number("--due-rounds", value, BENCH_MAX_ROUNDS);
        else {
            fprintf(stderr, "usage: scheduler_bench --db PATH|URL [--generate N] [--rounds R] "
                            "[--due-rounds D]\n");
            exit(2);
        }
        i++;
    }
    if (o->db == NULL) {
        fprintf(stderr, "scheduler_bench: --db is required\n");
        exit(2);
    }
}

/* A user (id 1, role 1) to own the tasks, unless the database has one. */
static int bench_owner(struct store_conn *conn, struct arena *arena, struct err *err)
{
    int rc = store_exec(conn, arena,
                        "INSERT INTO roles (id, name, label, created_at, updated_at) VALUES "
                        "(1, 'bench_owner', 'Bench', '2025-01-01T00:00:00.000Z', "
                        "'2025-01-01T00:00:00.000Z') ON CONFLICT DO NOTHING",
                        err);
    if (rc == 0)
        rc = store_exec(conn, arena,
                        "INSERT INTO users (id, email, name, role_id, created_at, updated_at) "
                        "VALUES (1, 'scheduler-bench@example.com', 'Bench', 1, "
                        "'2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z') "
                        "ON CONFLICT DO NOTHING",
                        err);
    return rc;
}

/*
 * The tasks, by i % 10: 0 no reminder; 1-6 reminded in 2020-2024; 7-8 a
 * reminder in 2100; 9 done, its old reminder never sent. Every hundredth
 * recurs weekly: made already when due in the past, waiting when in 2100.
 */
static int bench_generate(struct store_conn *conn, struct arena *arena, long long n,
                          struct err *err)
{
    bool pg = store_conn_dialect(conn) == SQL_POSTGRES;
    /* A time in seconds since the epoch as the API's text, in each dialect. */
    const char *at_fmt = pg ? "to_char(to_timestamp(%s) AT TIME ZONE 'UTC', "
                              "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
                            : "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', %s, 'unixepoch')";
    /* 2020-01-01 plus up to ~4.7 years, or 2100-01-01 plus up to a year. */
    const char *past_s = "(1577836800 + (i * 7919) % 150000000)";
    const char *future_s = "(4102444800 + (i * 7919) % 31536000)";
    const char *past = arena_printf(arena, at_fmt, past_s);
    const char *future = arena_printf(arena, at_fmt, future_s);
    const char *past_due = arena_printf(arena, at_fmt, arena_printf(arena, "%s + 3600", past_s));
    const char *future_due =
        arena_printf(arena, at_fmt, arena_printf(arena, "%s + 3600", future_s));
    const char *select =
        arena_printf(arena,
                     "SELECT 'Task ' || i, "
                     "CASE WHEN i %% 10 = 0 THEN NULL WHEN i %% 10 IN (7, 8) THEN %s ELSE %s END, "
                     "CASE WHEN i %% 10 BETWEEN 1 AND 6 THEN %s ELSE NULL END, "
                     "CASE WHEN i %% 10 IN (7, 8) THEN %s ELSE %s END, "
                     "CASE WHEN i %% 10 = 9 THEN 'done' ELSE 'open' END, "
                     "CASE WHEN i %% 100 IN (1, 7) THEN 'FREQ=WEEKLY' ELSE NULL END, "
                     "CASE WHEN i %% 100 = 1 THEN 1 ELSE 0 END, "
                     "1, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'",
                     future, past, past, future_due, past_due);
    const char *columns = "INSERT INTO tasks (title, remind_at, reminded_at, due_at, status, "
                          "rrule, next_created, owner_id, created_at, updated_at) ";
    int rc = store_begin(conn, err);
    /* In batches: each statement stays well within the store's statement timeout. */
    for (long long first = 1; rc == 0 && first <= n; first += GENERATE_BATCH) {
        long long last = first + GENERATE_BATCH - 1 < n ? first + GENERATE_BATCH - 1 : n;
        const char *sql =
            pg ? arena_printf(arena,
                              "%s%s FROM generate_series(CAST(%lld AS BIGINT), %lld) AS s (i)",
                              columns, select, first, last)
               : arena_printf(arena,
                              "WITH RECURSIVE n (i) AS (SELECT %lld UNION ALL SELECT i + 1 FROM n "
                              "WHERE i < %lld) %s%s FROM n",
                              first, last, columns, select);
        rc = store_exec(conn, arena, sql, err);
    }
    if (rc == 0)
        rc = store_commit(conn, err);
    else
        store_rollback(conn);
    if (rc == 0 && pg)
        rc = store_exec(conn, arena, "ANALYZE tasks", err);
    if (rc == 0 && !pg)
        rc = store_exec(conn, arena, "ANALYZE", err);
    return rc;
}

/* Puts the data back as generated: no job, every old open reminder sent. */
static int bench_reset(struct store_conn *conn, struct arena *arena, struct err *err)
{
    int rc = store_exec(conn, arena, "DELETE FROM jobs", err);
    if (rc == 0)
        rc = store_exec(conn, arena,
                        "UPDATE tasks SET reminded_at = '2025-01-01T00:00:00.000Z' "
                        "WHERE reminded_at IS NULL AND remind_at IS NOT NULL AND status = 'open' "
                        "AND deleted_at IS NULL AND remind_at < '2030-01-01T00:00:00.000Z'",
                        err);
    return rc;
}

/* Makes BENCH_DUE reminders due again: round r takes the next block of reminded tasks. */
static int bench_make_due(struct store_conn *conn, struct arena *arena, long r, struct err *err)
{
    /* 6 of each 10 ids are reminded: 840 ids hold at least 500 of them. */
    long long from = DUE_BASE_ID + (long long)r * 840;
    const char *sql = arena_printf(arena,
                                   "UPDATE tasks SET reminded_at = NULL WHERE id IN (SELECT id "
                                   "FROM tasks WHERE id >= %lld AND reminded_at IS NOT NULL "
                                   "ORDER BY id LIMIT %d)",
                                   from, BENCH_DUE);
    return store_exec(conn, arena, sql, err);
}

int main(int argc, char **argv)
{
    struct bench_options o;
    bench_parse(argc, argv, &o);
    struct err err;
    err_clear(&err);
    struct store_options store_options = {.location = o.db, .pool_size = 2};
    struct store *store = store_open(&store_options, &err);
    if (store == NULL)
        return bench_fail("open", &err);
    struct arena *arena = arena_new();
    struct store_conn *conn = store_acquire(store, &err);
    size_t n_rounds = (size_t)o.rounds, n_due = (size_t)o.due_rounds;
    double *idle_find = calloc(n_rounds, sizeof(double));
    double *idle_tick = calloc(n_rounds, sizeof(double));
    double *due_find = calloc(n_due, sizeof(double));
    double *due_step = calloc(n_due, sizeof(double));
    char now[CLOCK_DATETIME_LEN + 1];
    struct store_rows rows;
    struct sql_builder count;
    int status = 1;
    if (idle_find == NULL || idle_tick == NULL || due_find == NULL || due_step == NULL) {
        fprintf(stderr, "scheduler_bench: out of memory\n");
        goto out;
    }
    if (store_migrate(store, NULL, &err) < 0 || bench_owner(conn, arena, &err) < 0) {
        bench_fail("prepare", &err);
        goto out;
    }
    if (o.generate > 0) {
        double started = bench_now_ms();
        if (bench_generate(conn, arena, o.generate, &err) < 0) {
            bench_fail("generate", &err);
            goto out;
        }
        fprintf(stderr, "scheduler_bench: generated %lld tasks in %.1f s\n", o.generate,
                (bench_now_ms() - started) / 1000);
    }
    if (bench_reset(conn, arena, &err) < 0) {
        bench_fail("reset", &err);
        goto out;
    }
    sql_init(&count, arena, store_conn_dialect(conn));
    sql_add(&count, "SELECT COUNT(*) FROM tasks");
    if (store_query(conn, arena, &count, &rows, &err) < 0) {
        bench_fail("count", &err);
        goto out;
    }
    long long n_tasks = (long long)store_value_int(store_rows_at(&rows, 0, 0));
    for (size_t r = 0; r < n_rounds; r++) {
        struct arena *round = arena_new();
        struct due_reminder *due = NULL;
        size_t n = 0, made = 0;
        int64_t now_ms = clock_now_ms();
        clock_format_datetime(now_ms, now);
        double t0 = bench_now_ms();
        int rc =
            store_tasks_due_reminders(conn, round, now, SCHEDULER_BATCH, false, &due, &n, &err);
        double t1 = bench_now_ms();
        if (rc == 0)
            rc = scheduler_remind(conn, round, now_ms, SCHEDULER_BATCH, &made, &err);
        if (rc == 0)
            rc = scheduler_recur(conn, round, now_ms, SCHEDULER_BATCH, &made, &err);
        double t2 = bench_now_ms();
        arena_free(round);
        if (rc < 0 || n != 0 || made != 0) {
            if (rc == 0)
                err_set(&err, ERR_INTERNAL, "%zu reminders due, %zu jobs made: not idle", n, made);
            bench_fail("idle tick", &err);
            goto out;
        }
        idle_find[r] = t1 - t0;
        idle_tick[r] = t2 - t1;
    }
    for (size_t r = 0; r < n_due; r++) {
        struct arena *round = arena_new();
        struct due_reminder *due = NULL;
        size_t n = 0, made = 0;
        int rc = bench_make_due(conn, round, (long)r, &err);
        int64_t now_ms = clock_now_ms();
        clock_format_datetime(now_ms, now);
        double t0 = bench_now_ms();
        if (rc == 0)
            rc =
                store_tasks_due_reminders(conn, round, now, SCHEDULER_BATCH, false, &due, &n, &err);
        double t1 = bench_now_ms();
        if (rc == 0)
            rc = scheduler_remind(conn, round, now_ms, SCHEDULER_BATCH, &made, &err);
        double t2 = bench_now_ms();
        arena_free(round);
        if (rc < 0 || n != BENCH_DUE || made != BENCH_DUE) {
            if (rc == 0)
                err_set(&err, ERR_INTERNAL, "%zu due, %zu jobs made, %d wanted", n, made,
                        BENCH_DUE);
            bench_fail("due tick", &err);
            goto out;
        }
        due_find[r] = t1 - t0;
        due_step[r] = t2 - t1;
    }
    if (bench_reset(conn, arena, &err) < 0) {
        bench_fail("reset", &err);
        goto out;
    }
    printf("BENCH db=%s tasks=%lld rounds=%zu due_rounds=%zu due=%d", store_backend_name(store),
           n_tasks, n_rounds, n_due, BENCH_DUE);
    bench_print("idle_find", idle_find, n_rounds);
    bench_print("idle_tick", idle_tick, n_rounds);
    bench_print("due_find", due_find, n_due);
    bench_print("due_step", due_step, n_due);
    printf("\n");
    status = 0;
out:
    free(idle_find);
    free(idle_tick);
    free(due_find);
    free(due_step);
    store_release(conn);
    arena_free(arena);
    store_close(store);
    return status;
}
