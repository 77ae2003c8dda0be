/*
 * The store contract for the durable job queue and the scheduler, against
 * SQLite and, when CRM_TEST_PG_URL is set, PostgreSQL (store_fixture.h):
 * enqueueing with idempotency keys, claiming under a lease, done, retries
 * with backoff, failure after the last attempt, a lease that runs out, two
 * workers sharing 200 jobs, and the scheduler's steps with the job kinds
 * they feed (reminders, birthdays, the hourly sweeps).
 */
#include "store/jobs.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "jobs/queue.h"
#include "jobs/scheduler.h"
#include "store/store.h"

#include "store_fixture.h"

#define LEASE_MS 60000
#define T0 INT64_C(1800000000000) /* a fixed "now" for the queue's own tests */

/* ---- helpers ---- */

/* EXPECT_OK for helpers that get the fixture as a pointer, fx. */
#define EXPECT_OK_AT(call)                                                                         \
    do {                                                                                           \
        err_clear(&fx->err);                                                                       \
        int rc_ = (call);                                                                          \
        if (rc_ != 0)                                                                              \
            test_fail(__FILE__, __LINE__, "%s\n    rc: %d  detail: %s", #call, rc_,                \
                      fx->err.detail);                                                             \
    } while (0)

static void sql_exec(struct fixture *fx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sql_exec(struct fixture *fx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *text = arena_vprintf(fx->arena, fmt, ap);
    va_end(ap);
    err_clear(&fx->err);
    if (store_exec(fx->conn, fx->arena, text, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "%s: %s", text, fx->err.detail);
}

/* The first column of the first row of a query, as an integer (text as a number). */
static int64_t sql_int(struct fixture *fx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int64_t sql_int(struct fixture *fx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *text = arena_vprintf(fx->arena, fmt, ap);
    va_end(ap);
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, fx->arena, store_conn_dialect(fx->conn));
    sql_add(&sql, text);
    err_clear(&fx->err);
    if (store_query(fx->conn, fx->arena, &sql, &rows, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "%s: %s", text, fx->err.detail);
    if (rows.n_rows == 0)
        return -1;
    return store_value_int(store_rows_at(&rows, 0, 0));
}

/* The first column of the first row as text ("(null)" for NULL, "(none)" without rows). */
static const char *sql_text_of(struct fixture *fx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *sql_text_of(struct fixture *fx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *text = arena_vprintf(fx->arena, fmt, ap);
    va_end(ap);
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, fx->arena, store_conn_dialect(fx->conn));
    sql_add(&sql, text);
    err_clear(&fx->err);
    if (store_query(fx->conn, fx->arena, &sql, &rows, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "%s: %s", text, fx->err.detail);
    if (rows.n_rows == 0)
        return "(none)";
    const struct store_value *v = store_rows_at(&rows, 0, 0);
    if (v->type == STORE_NULL)
        return "(null)";
    if (v->type == STORE_INT)
        return arena_printf(fx->arena, "%lld", (long long)v->i);
    return v->text;
}

static int64_t job_insert(struct fixture *fx, const char *kind, int64_t run_at_ms,
                          int64_t max_attempts)
{
    struct job_new job = {
        .kind = kind,
        .payload = "{}",
        .run_at_ms = run_at_ms,
        .max_attempts = max_attempts,
        .now_ms = run_at_ms,
    };
    int64_t id = 0;
    bool created = false;
    EXPECT_OK_AT(store_job_insert(fx->conn, fx->arena, &job, &id, &created, &fx->err));
    EXPECT(created);
    return id;
}

/* Claims one job in a transaction of its own, as worker. */
static bool job_claim(struct fixture *fx, int64_t now_ms, const char *worker, struct job_row *job)
{
    bool found = false;
    EXPECT_OK_AT(store_begin(fx->conn, &fx->err));
    EXPECT_OK_AT(store_job_claim(fx->conn, fx->arena, now_ms, now_ms + LEASE_MS, worker, job,
                                 &found, &fx->err));
    EXPECT_OK_AT(store_commit(fx->conn, &fx->err));
    return found;
}

static const char *job_state(struct fixture *fx, int64_t id)
{
    return sql_text_of(fx, "SELECT state FROM jobs WHERE id = %lld", (long long)id);
}

/* The test kinds: "record" notes each run in job_runs; "fail" notes it and fails. */
static int record_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    (void)payload;
    const char *sql =
        arena_printf(ctx->arena, "INSERT INTO job_runs (job_id, worker) VALUES (%lld, '%s')",
                     (long long)ctx->job->id, ctx->job->locked_by);
    return store_exec(ctx->conn, ctx->arena, sql, err);
}

static int fail_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    int rc = record_run(ctx, payload, err);
    return rc < 0 ? rc : err_set(err, ERR_UNAVAILABLE, "the mail server said no");
}

/* As record, a little slower, so that two workers overlap. */
static int slow_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    struct timespec pause = {0, 300000};
    nanosleep(&pause, NULL);
    return record_run(ctx, payload, err);
}

static const struct job_kind test_kinds[] = {
    {"record", record_run, 5, 0},
    {"fail", fail_run, 3, 0},
    {"slow", slow_run, 5, 0},
};

static const struct job_settings test_settings = {.session_idle_ms = 3600000};

static struct job_queue test_queue(const char *worker)
{
    return (struct job_queue){
        .kinds = test_kinds,
        .n_kinds = sizeof(test_kinds) / sizeof(test_kinds[0]),
        .worker = worker,
        .lease_ms = LEASE_MS,
        .settings = &test_settings,
    };
}

static struct job_queue builtin_queue(void)
{
    struct job_queue queue = test_queue("builtin:1:0");
    queue.kinds = job_kinds(&queue.n_kinds);
    return queue;
}

static enum job_outcome run_one(struct fixture *fx, const struct job_queue *queue, int64_t now_ms)
{
    enum job_outcome outcome = JOB_NONE;
    EXPECT_OK_AT(job_queue_run_one(queue, fx->store, now_ms, &outcome, NULL, &fx->err));
    return outcome;
}

/* A fixture with the job_runs table of the test kinds. */
static void open_queue_fixture(struct fixture *fx)
{
    fixture_open(fx, true);
    sql_exec(fx, "CREATE TABLE job_runs (job_id BIGINT NOT NULL, worker TEXT NOT NULL)");
}

/* A role and a user (id 901) to own things and receive notifications. */
static void add_user(struct fixture *fx)
{
    sql_exec(fx, "INSERT INTO roles (id, name, label, created_at, updated_at) "
                 "VALUES (901, 'jobs_test', 'Jobs test', 'x', 'x')");
    sql_exec(fx, "INSERT INTO users (id, email, name, role_id, created_at, updated_at) "
                 "VALUES (901, 'owner@example.com', 'Owner', 901, 'x', 'x')");
}

static void add_task(struct fixture *fx, int64_t id, const char *title, const char *remind_at,
                     const char *due_at, const char *status)
{
    sql_exec(fx,
             "INSERT INTO tasks (id, title, remind_at, due_at, status, owner_id, created_at, "
             "updated_at) VALUES (%lld, '%s', %s%s%s, %s%s%s, '%s', 901, 'x', 'x')",
             (long long)id, title, remind_at ? "'" : "", remind_at ? remind_at : "NULL",
             remind_at ? "'" : "", due_at ? "'" : "", due_at ? due_at : "NULL", due_at ? "'" : "",
             status);
}

static const char *datetime_at(struct fixture *fx, int64_t ms)
{
    char *text = arena_alloc(fx->arena, CLOCK_DATETIME_LEN + 1);
    clock_format_datetime(ms, text);
    return text;
}

/* ---- enqueueing ---- */

TEST(jobs_enqueue_queues_a_job_once_per_idempotency_key)
{
    struct fixture fx;
    fixture_open(&fx, true);
    json_t *payload = keep(&fx, json_pack("{s:i,s:s}", "task_id", 7, "remind_at", "x"));
    bool created = false;
    EXPECT_OK(jobs_enqueue(fx.conn, fx.arena, "task_reminder", payload, T0, "task_reminder:7:x",
                           &created, &fx.err));
    EXPECT(created);
    EXPECT_OK(jobs_enqueue(fx.conn, fx.arena, "task_reminder", payload, T0 + 5, "task_reminder:7:x",
                           &created, &fx.err));
    EXPECT(!created);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs"), 1);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT state FROM jobs"), "queued");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT payload FROM jobs"),
                  "{\"remind_at\":\"x\",\"task_id\":7}");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT run_at_ms FROM jobs"), T0);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT max_attempts FROM jobs"), 5);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT attempts FROM jobs"), 0);
    /* Without a key, every call makes a job. */
    EXPECT_OK(jobs_enqueue(fx.conn, fx.arena, "sessions_sweep", keep(&fx, json_object()), T0, NULL,
                           &created, &fx.err));
    EXPECT_OK(jobs_enqueue(fx.conn, fx.arena, "sessions_sweep", keep(&fx, json_object()), T0, NULL,
                           &created, &fx.err));
    EXPECT(created);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs WHERE kind = 'sessions_sweep'"), 2);
    fixture_close(&fx);
}

TEST(store_jobs_insert_inserts_many_in_chunks_and_skips_the_keys_it_has)
{
    struct fixture fx;
    fixture_open(&fx, true);
    struct job_new jobs[100];
    for (int i = 0; i < 100; i++)
        jobs[i] = (struct job_new){
            .kind = "record",
            .payload = arena_printf(fx.arena, "{\"n\":%d}", i),
            .run_at_ms = T0 + i,
            .max_attempts = 2,
            .idempotency_key = arena_printf(fx.arena, "record:%d", i),
            .now_ms = T0,
        };
    size_t n_created = 0;
    EXPECT_OK(store_jobs_insert(fx.conn, fx.arena, jobs + 10, 10, &n_created, &fx.err));
    EXPECT_INT_EQ(n_created, 10);
    EXPECT_OK(store_jobs_insert(fx.conn, fx.arena, jobs, 100, &n_created, &fx.err));
    EXPECT_INT_EQ(n_created, 90);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs"), 100);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(DISTINCT payload) FROM jobs"), 100);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT payload FROM jobs WHERE idempotency_key = 'record:99'"),
                  "{\"n\":99}");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT run_at_ms FROM jobs WHERE idempotency_key = 'record:99'"),
                  T0 + 99);
    fixture_close(&fx);
}

TEST(jobs_enqueue_refuses_a_kind_it_does_not_know)
{
    struct fixture fx;
    fixture_open(&fx, true);
    bool created = false;
    err_clear(&fx.err);
    EXPECT_INT_EQ(jobs_enqueue(fx.conn, fx.arena, "no_such_kind", keep(&fx, json_object()), T0,
                               NULL, &created, &fx.err),
                  -ERR_INTERNAL);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs"), 0);
    fixture_close(&fx);
}

/* ---- claiming ---- */

TEST(job_claim_takes_the_oldest_due_job_under_a_lease)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t later = job_insert(&fx, "record", T0 - 100, 5);
    int64_t first = job_insert(&fx, "record", T0 - 500, 5);
    int64_t future = job_insert(&fx, "record", T0 + 1000, 5);
    struct job_row job;
    EXPECT(job_claim(&fx, T0, "w:1:0", &job));
    EXPECT_INT_EQ(job.id, first);
    EXPECT_STR_EQ(job.kind, "record");
    EXPECT_STR_EQ(job.payload, "{}");
    EXPECT_INT_EQ(job.attempts, 1);
    EXPECT_INT_EQ(job.max_attempts, 5);
    EXPECT_STR_EQ(job_state(&fx, first), "running");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT locked_by FROM jobs WHERE id = %lld", (long long)first),
                  "w:1:0");
    EXPECT_INT_EQ(
        sql_int(&fx, "SELECT locked_until_ms FROM jobs WHERE id = %lld", (long long)first),
        T0 + LEASE_MS);
    EXPECT(job_claim(&fx, T0, "w:1:0", &job));
    EXPECT_INT_EQ(job.id, later);
    /* The third is not due yet, the first two are leased. */
    EXPECT(!job_claim(&fx, T0, "w:1:0", &job));
    EXPECT_STR_EQ(job_state(&fx, future), "queued");
    EXPECT(job_claim(&fx, T0 + 1000, "w:1:0", &job));
    EXPECT_INT_EQ(job.id, future);
    fixture_close(&fx);
}

TEST(job_done_writes_only_while_the_claim_is_the_jobs)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = job_insert(&fx, "record", T0, 5);
    struct job_row first, second;
    bool owned = false;
    EXPECT(job_claim(&fx, T0, "a:1:0", &first));
    /* a's lease runs out; b takes the job over. */
    EXPECT(job_claim(&fx, T0 + LEASE_MS + 1, "b:2:0", &second));
    EXPECT_INT_EQ(second.id, id);
    EXPECT_INT_EQ(second.attempts, 2);
    EXPECT_OK(store_job_done(fx.conn, fx.arena, &first, T0 + LEASE_MS + 2, &owned, &fx.err));
    EXPECT(!owned);
    EXPECT_STR_EQ(job_state(&fx, id), "running");
    EXPECT_OK(store_job_done(fx.conn, fx.arena, &second, T0 + LEASE_MS + 3, &owned, &fx.err));
    EXPECT(owned);
    EXPECT_STR_EQ(job_state(&fx, id), "done");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT finished_at_ms FROM jobs WHERE id = %lld", (long long)id),
                  T0 + LEASE_MS + 3);
    EXPECT_STR_EQ(
        sql_text_of(&fx, "SELECT locked_until_ms FROM jobs WHERE id = %lld", (long long)id),
        "(null)");
    fixture_close(&fx);
}

/* ---- running ---- */

TEST(job_queue_run_one_runs_the_handler_and_marks_the_job_done)
{
    struct fixture fx;
    open_queue_fixture(&fx);
    struct job_queue queue = test_queue("w:1:0");
    int64_t id = job_insert(&fx, "record", T0, 5);
    EXPECT_INT_EQ(run_one(&fx, &queue, T0 - 1), JOB_NONE);
    EXPECT_INT_EQ(run_one(&fx, &queue, T0), JOB_DONE);
    EXPECT_STR_EQ(job_state(&fx, id), "done");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM job_runs WHERE job_id = %lld", (long long)id),
                  1);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT attempts FROM jobs WHERE id = %lld", (long long)id), 1);
    EXPECT_INT_EQ(run_one(&fx, &queue, T0 + 10 * LEASE_MS), JOB_NONE);
    fixture_close(&fx);
}

TEST(job_queue_run_one_rolls_a_failure_back_and_retries_with_backoff_until_it_fails)
{
    struct fixture fx;
    open_queue_fixture(&fx);
    struct job_queue queue = test_queue("w:1:0");
    int64_t id = job_insert(&fx, "fail", T0, 3);
    EXPECT_INT_EQ(run_one(&fx, &queue, T0), JOB_RETRY);
    /* The handler's insert was rolled back with its failure. */
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM job_runs"), 0);
    EXPECT_STR_EQ(job_state(&fx, id), "queued");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT attempts FROM jobs WHERE id = %lld", (long long)id), 1);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT run_at_ms FROM jobs WHERE id = %lld", (long long)id),
                  T0 + 2000);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT last_error FROM jobs WHERE id = %lld", (long long)id),
                  "the mail server said no");
    EXPECT_STR_EQ(
        sql_text_of(&fx, "SELECT locked_until_ms FROM jobs WHERE id = %lld", (long long)id),
        "(null)");
    /* Not before its backoff. */
    EXPECT_INT_EQ(run_one(&fx, &queue, T0 + 1999), JOB_NONE);
    EXPECT_INT_EQ(run_one(&fx, &queue, T0 + 2000), JOB_RETRY);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT run_at_ms FROM jobs WHERE id = %lld", (long long)id),
                  T0 + 2000 + 4000);
    EXPECT_INT_EQ(run_one(&fx, &queue, T0 + 6000), JOB_FAILED);
    EXPECT_STR_EQ(job_state(&fx, id), "failed");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT attempts FROM jobs WHERE id = %lld", (long long)id), 3);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT finished_at_ms FROM jobs WHERE id = %lld", (long long)id),
                  T0 + 6000);
    EXPECT_INT_EQ(run_one(&fx, &queue, T0 + 100 * LEASE_MS), JOB_NONE);
    fixture_close(&fx);
}

TEST(job_backoff_doubles_from_two_seconds_up_to_an_hour)
{
    EXPECT_INT_EQ(job_backoff_ms(1), 2000);
    EXPECT_INT_EQ(job_backoff_ms(2), 4000);
    EXPECT_INT_EQ(job_backoff_ms(5), 32000);
    EXPECT_INT_EQ(job_backoff_ms(11), 2048000);
    EXPECT_INT_EQ(job_backoff_ms(12), 3600000);
    EXPECT_INT_EQ(job_backoff_ms(1000), 3600000);
}

TEST(job_queue_run_one_fails_an_unknown_kind_or_a_bad_payload_at_once)
{
    struct fixture fx;
    open_queue_fixture(&fx);
    struct job_queue queue = test_queue("w:1:0");
    int64_t unknown = job_insert(&fx, "no_such_kind", T0, 5);
    EXPECT_INT_EQ(run_one(&fx, &queue, T0), JOB_FAILED);
    EXPECT_STR_EQ(job_state(&fx, unknown), "failed");
    int64_t bad = job_insert(&fx, "record", T0, 5);
    sql_exec(&fx, "UPDATE jobs SET payload = '{nope' WHERE id = %lld", (long long)bad);
    EXPECT_INT_EQ(run_one(&fx, &queue, T0), JOB_FAILED);
    EXPECT_STR_EQ(job_state(&fx, bad), "failed");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM job_runs"), 0);
    fixture_close(&fx);
}

TEST(a_job_whose_worker_died_runs_again_once_its_lease_runs_out)
{
    struct fixture fx;
    open_queue_fixture(&fx);
    struct job_queue queue = test_queue("b:2:0");
    int64_t id = job_insert(&fx, "record", T0, 5);
    struct job_row job;
    /* Worker a claims it and dies before its handler commits. */
    EXPECT(job_claim(&fx, T0, "a:1:0", &job));
    EXPECT_INT_EQ(run_one(&fx, &queue, T0 + LEASE_MS), JOB_NONE);
    EXPECT_INT_EQ(run_one(&fx, &queue, T0 + LEASE_MS + 1), JOB_DONE);
    EXPECT_STR_EQ(job_state(&fx, id), "done");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT attempts FROM jobs WHERE id = %lld", (long long)id), 2);
    EXPECT_STR_EQ(
        sql_text_of(&fx, "SELECT worker FROM job_runs WHERE job_id = %lld", (long long)id),
        "b:2:0");
    fixture_close(&fx);
}

TEST(a_job_whose_worker_died_on_its_last_attempt_fails)
{
    struct fixture fx;
    open_queue_fixture(&fx);
    struct job_queue queue = test_queue("b:2:0");
    int64_t id = job_insert(&fx, "record", T0, 1);
    struct job_row job;
    EXPECT(job_claim(&fx, T0, "a:1:0", &job));
    EXPECT_INT_EQ(run_one(&fx, &queue, T0 + LEASE_MS + 1), JOB_NONE);
    EXPECT_STR_EQ(job_state(&fx, id), "failed");
    EXPECT_CONTAINS(sql_text_of(&fx, "SELECT last_error FROM jobs WHERE id = %lld", (long long)id),
                    "lease ran out");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM job_runs"), 0);
    fixture_close(&fx);
}

/* ---- two workers ---- */

#define SHARED_JOBS 200

struct worker_arg {
    struct store *store;
    char name[32];
    int runs;
    int errors;
};

static void *worker_main(void *opaque)
{
    struct worker_arg *arg = opaque;
    struct job_queue queue = test_queue(arg->name);
    for (;;) {
        struct err err;
        enum job_outcome outcome = JOB_NONE;
        err_clear(&err);
        if (job_queue_run_one(&queue, arg->store, clock_now_ms(), &outcome, NULL, &err) < 0) {
            arg->errors++;
            continue;
        }
        if (outcome == JOB_NONE)
            break;
        arg->runs += outcome == JOB_DONE;
    }
    return NULL;
}

TEST(two_workers_sharing_200_jobs_never_run_one_twice)
{
    struct fixture fx;
    open_queue_fixture(&fx);
    int64_t now = clock_now_ms();
    for (int i = 0; i < SHARED_JOBS; i++)
        job_insert(&fx, "slow", now - 1000, 5);
    struct store_options options = {.location = fx.location, .pool_size = 4};
    err_clear(&fx.err);
    struct store *store = store_open(&options, &fx.err);
    EXPECT(store != NULL);
    struct worker_arg args[2] = {{.store = store, .name = "w:1:0"},
                                 {.store = store, .name = "w:1:1"}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        EXPECT_INT_EQ(pthread_create(&threads[i], NULL, worker_main, &args[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    store_close(store);
    EXPECT_INT_EQ(args[0].errors + args[1].errors, 0);
    EXPECT_INT_EQ(args[0].runs + args[1].runs, SHARED_JOBS);
    /*
     * On PostgreSQL both work at once (SKIP LOCKED); on SQLite the writer
     * lock takes turns, and SQLite's busy wait may leave one worker idle.
     */
    if (fx.pg)
        EXPECT(args[0].runs > 0 && args[1].runs > 0);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM job_runs"), SHARED_JOBS);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(DISTINCT job_id) FROM job_runs"), SHARED_JOBS);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs WHERE state = 'done' AND attempts = 1"),
                  SHARED_JOBS);
    /* Each run was by the worker that holds the job's claim. */
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM job_runs r JOIN jobs j ON j.id = r.job_id "
                               "WHERE j.locked_by = r.worker"),
                  SHARED_JOBS);
    fixture_close(&fx);
}

/* ---- the scheduler and the job kinds ---- */

TEST(scheduler_remind_queues_one_job_per_due_reminder_and_marks_the_task)
{
    struct fixture fx;
    fixture_open(&fx, true);
    add_user(&fx);
    int64_t now = clock_now_ms();
    const char *past = datetime_at(&fx, now - 60000);
    const char *future = datetime_at(&fx, now + 3600000);
    add_task(&fx, 1, "Call Bob", past, "2030-01-02T10:00:00.000Z", "open");
    add_task(&fx, 2, "Later", future, NULL, "open");
    add_task(&fx, 3, "Done already", past, NULL, "done");
    add_task(&fx, 4, "No reminder", NULL, NULL, "open");
    add_task(&fx, 5, "Trashed", past, NULL, "open");
    sql_exec(&fx, "UPDATE tasks SET deleted_at = 'x' WHERE id = 5");
    add_task(&fx, 6, "Write to Ann", past, NULL, "open");
    size_t n = 0;
    EXPECT_OK(scheduler_remind(fx.conn, fx.arena, now, SCHEDULER_BATCH, &n, &fx.err));
    EXPECT_INT_EQ(n, 2);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs WHERE kind = 'task_reminder'"), 2);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT idempotency_key FROM jobs ORDER BY id LIMIT 1"),
                  arena_printf(fx.arena, "task_reminder:1:%s", past));
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT reminded_at FROM tasks WHERE id = 1"),
                  datetime_at(&fx, now));
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT reminded_at FROM tasks WHERE id = 2"), "(null)");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT reminded_at FROM tasks WHERE id = 3"), "(null)");
    /* A second tick finds nothing more. */
    n = 0;
    EXPECT_OK(scheduler_remind(fx.conn, fx.arena, now + 1000, SCHEDULER_BATCH, &n, &fx.err));
    EXPECT_INT_EQ(n, 0);

    struct job_queue queue = builtin_queue();
    EXPECT_INT_EQ(run_one(&fx, &queue, now + 1000), JOB_DONE);
    EXPECT_INT_EQ(run_one(&fx, &queue, now + 1000), JOB_DONE);
    EXPECT_INT_EQ(run_one(&fx, &queue, now + 1000), JOB_NONE);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM notifications"), 2);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT summary FROM notifications WHERE record_id = 1"),
                  "Reminder: Call Bob (due 2030-01-02T10:00:00.000Z)");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT summary FROM notifications WHERE record_id = 6"),
                  "Reminder: Write to Ann");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT kind FROM notifications WHERE record_id = 1"),
                  "task_reminder");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT entity FROM notifications WHERE record_id = 1"),
                  "tasks");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT user_id FROM notifications WHERE record_id = 1"), 901);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT source_key FROM notifications WHERE record_id = 1"),
                  arena_printf(fx.arena, "task_reminder:1:%s", past));
    fixture_close(&fx);
}

TEST(scheduler_remind_takes_at_most_a_batch_per_call)
{
    struct fixture fx;
    fixture_open(&fx, true);
    add_user(&fx);
    int64_t now = clock_now_ms();
    for (int i = 1; i <= 7; i++)
        add_task(&fx, i, "Task", datetime_at(&fx, now - 1000 * i), NULL, "open");
    size_t n = 0;
    EXPECT_OK(scheduler_remind(fx.conn, fx.arena, now, 5, &n, &fx.err));
    EXPECT_INT_EQ(n, 5);
    /* The oldest first. */
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT reminded_at FROM tasks WHERE id = 7"),
                  datetime_at(&fx, now));
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT reminded_at FROM tasks WHERE id = 1"), "(null)");
    n = 0;
    EXPECT_OK(scheduler_remind(fx.conn, fx.arena, now, 5, &n, &fx.err));
    EXPECT_INT_EQ(n, 2);
    fixture_close(&fx);
}

TEST(a_reminder_job_for_a_task_changed_since_makes_no_notification)
{
    struct fixture fx;
    fixture_open(&fx, true);
    add_user(&fx);
    int64_t now = clock_now_ms();
    const char *past = datetime_at(&fx, now - 60000);
    add_task(&fx, 1, "Moved", past, NULL, "open");
    add_task(&fx, 2, "Finished", past, NULL, "open");
    size_t n = 0;
    EXPECT_OK(scheduler_remind(fx.conn, fx.arena, now, SCHEDULER_BATCH, &n, &fx.err));
    EXPECT_INT_EQ(n, 2);
    sql_exec(&fx, "UPDATE tasks SET remind_at = '2031-01-01T00:00:00.000Z' WHERE id = 1");
    sql_exec(&fx, "UPDATE tasks SET status = 'done' WHERE id = 2");
    struct job_queue queue = builtin_queue();
    EXPECT_INT_EQ(run_one(&fx, &queue, now), JOB_DONE);
    EXPECT_INT_EQ(run_one(&fx, &queue, now), JOB_DONE);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM notifications"), 0);
    fixture_close(&fx);
}

TEST(scheduler_periodic_queues_the_daily_and_hourly_jobs_once_across_processes)
{
    struct fixture fx;
    fixture_open(&fx, true);
    struct scheduler one, two;
    scheduler_init(&one);
    scheduler_init(&two);
    int64_t now = INT64_C(1795000000000); /* 2026-11-18T11:06:40Z */
    size_t n = 0;
    EXPECT_OK(scheduler_periodic(&one, fx.conn, fx.arena, now, &n, &fx.err));
    EXPECT_INT_EQ(n, 3);
    n = 0;
    EXPECT_OK(scheduler_periodic(&two, fx.conn, fx.arena, now + 5000, &n, &fx.err));
    EXPECT_INT_EQ(n, 0);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs WHERE idempotency_key = "
                               "'birthdays:2026-11-18'"),
                  1);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT payload FROM jobs WHERE kind = 'birthdays'"),
                  "{\"date\":\"2026-11-18\"}");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs WHERE idempotency_key = "
                               "'sessions_sweep:2026-11-18T11'"),
                  1);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs WHERE idempotency_key = "
                               "'quotes_expire:2026-11-18T11'"),
                  1);
    /* The next hour brings the hourly ones again, the next day the daily one. */
    n = 0;
    EXPECT_OK(scheduler_periodic(&one, fx.conn, fx.arena, now + 3600000, &n, &fx.err));
    EXPECT_INT_EQ(n, 2);
    n = 0;
    EXPECT_OK(scheduler_periodic(&one, fx.conn, fx.arena, now + 24 * 3600000, &n, &fx.err));
    EXPECT_INT_EQ(n, 3);
    fixture_close(&fx);
}

static void add_contact(struct fixture *fx, int64_t id, const char *name, const char *birthday,
                        const char *owner)
{
    sql_exec(fx,
             "INSERT INTO contacts (id, name, birthday, owner_id, created_at, updated_at) "
             "VALUES (%lld, '%s', '%s', %s, 'x', 'x')",
             (long long)id, name, birthday, owner);
}

/* Runs a birthdays job for date. */
static void run_birthdays(struct fixture *fx, const char *date)
{
    bool created = false;
    EXPECT_OK_AT(jobs_enqueue(fx->conn, fx->arena, "birthdays",
                              keep(fx, json_pack("{s:s}", "date", date)), clock_now_ms(),
                              arena_printf(fx->arena, "birthdays:%s", date), &created, &fx->err));
    struct job_queue queue = builtin_queue();
    EXPECT_INT_EQ(run_one(fx, &queue, clock_now_ms()), JOB_DONE);
}

TEST(birthdays_notifies_the_owner_three_days_ahead_once)
{
    struct fixture fx;
    fixture_open(&fx, true);
    add_user(&fx);
    add_contact(&fx, 1, "Ann Lee", "1990-03-14", "901");
    add_contact(&fx, 2, "Bob Day", "1985-03-13", "901");
    add_contact(&fx, 3, "No Owner", "1990-03-14", "NULL");
    add_contact(&fx, 4, "Trashed", "1990-03-14", "901");
    sql_exec(&fx, "UPDATE contacts SET deleted_at = 'x' WHERE id = 4");
    run_birthdays(&fx, "2027-03-11");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM notifications"), 1);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT summary FROM notifications"),
                  "Ann Lee's birthday on 03-14");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT source_key FROM notifications"), "birthday:1:2027");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT kind FROM notifications"), "birthday");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT entity FROM notifications"), "contacts");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT user_id FROM notifications"), 901);
    /* The same day again (another process): nothing new. */
    sql_exec(&fx, "DELETE FROM jobs");
    run_birthdays(&fx, "2027-03-11");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM notifications"), 1);
    fixture_close(&fx);
}

TEST(birthdays_counts_feb_29_as_feb_28_in_other_years_and_follows_the_setting)
{
    struct fixture fx;
    fixture_open(&fx, true);
    add_user(&fx);
    add_contact(&fx, 1, "Leap Day", "2000-02-29", "901");
    run_birthdays(&fx, "2027-02-25");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT source_key FROM notifications"), "birthday:1:2027");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT summary FROM notifications"),
                  "Leap Day's birthday on 02-28");
    /* In a leap year it is Feb 29 itself; with the setting at 0, on the day. */
    sql_exec(&fx, "INSERT INTO settings (key, value, updated_at) "
                  "VALUES ('birthday_reminder_days', '0', 'x')");
    run_birthdays(&fx, "2028-02-28");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM notifications"), 1);
    run_birthdays(&fx, "2028-02-29");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM notifications"), 2);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT summary FROM notifications ORDER BY id DESC LIMIT 1"),
                  "Leap Day's birthday on 02-29");
    fixture_close(&fx);
}

TEST(sessions_sweep_deletes_ended_sessions_and_old_done_jobs)
{
    struct fixture fx;
    fixture_open(&fx, true);
    add_user(&fx);
    int64_t now = clock_now_ms();
    int64_t idle = test_settings.session_idle_ms;
    /* Live; expired; idle too long. */
    sql_exec(&fx,
             "INSERT INTO sessions (token_hash, user_id, created_at_ms, last_seen_at_ms, "
             "expires_at_ms) VALUES ('a', 901, %lld, %lld, %lld), ('b', 901, %lld, %lld, %lld), "
             "('c', 901, %lld, %lld, %lld)",
             (long long)now, (long long)now, (long long)(now + 1000), (long long)now,
             (long long)now, (long long)(now - 1), (long long)now, (long long)(now - idle - 1),
             (long long)(now + 1000));
    int64_t old_done = job_insert(&fx, "record", now, 5);
    int64_t recent_done = job_insert(&fx, "record", now, 5);
    int64_t old_failed = job_insert(&fx, "record", now, 5);
    int64_t week = INT64_C(7) * 24 * 3600 * 1000;
    sql_exec(&fx, "UPDATE jobs SET state = 'done', finished_at_ms = %lld WHERE id = %lld",
             (long long)(now - week - 1), (long long)old_done);
    sql_exec(&fx, "UPDATE jobs SET state = 'done', finished_at_ms = %lld WHERE id = %lld",
             (long long)(now - week + 60000), (long long)recent_done);
    sql_exec(&fx, "UPDATE jobs SET state = 'failed', finished_at_ms = %lld WHERE id = %lld",
             (long long)(now - week - 1), (long long)old_failed);
    bool created = false;
    EXPECT_OK(jobs_enqueue(fx.conn, fx.arena, "sessions_sweep", keep(&fx, json_object()), now, NULL,
                           &created, &fx.err));
    struct job_queue queue = builtin_queue();
    EXPECT_INT_EQ(run_one(&fx, &queue, now), JOB_DONE);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT token_hash FROM sessions"), "a");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM sessions"), 1);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs WHERE id = %lld", (long long)old_done),
                  0);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM jobs WHERE id IN (%lld, %lld)",
                          (long long)recent_done, (long long)old_failed),
                  2);
    fixture_close(&fx);
}

TEST(quotes_expire_expires_sent_quotes_past_valid_until_with_an_audit_entry)
{
    struct fixture fx;
    fixture_open(&fx, true);
    sql_exec(&fx, "INSERT INTO pipelines (id, name, created_at, updated_at) "
                  "VALUES (901, 'P', 'x', 'x')");
    sql_exec(&fx, "INSERT INTO pipeline_stages (id, pipeline_id, name, position, probability, "
                  "kind, created_at, updated_at) VALUES (901, 901, 'S', 0, 10, 'open', 'x', 'x')");
    sql_exec(&fx, "INSERT INTO deals (id, title, pipeline_id, stage_id, stage_entered_at, "
                  "created_at, updated_at) VALUES (901, 'D', 901, 901, 'x', 'x', 'x')");
    const char *rows[][3] = {
        {"1", "sent", "2020-01-01"},  /* expires */
        {"2", "sent", "2999-01-01"},  /* still valid */
        {"3", "draft", "2020-01-01"}, /* not sent */
        {"4", "accepted", "2020-01-01"},
    };
    for (size_t i = 0; i < 4; i++)
        sql_exec(&fx,
                 "INSERT INTO quotes (id, deal_id, currency, status, valid_until, created_at, "
                 "updated_at) VALUES (%s, 901, 'EUR', '%s', '%s', 'x', 'x')",
                 rows[i][0], rows[i][1], rows[i][2]);
    sql_exec(&fx, "INSERT INTO quotes (id, deal_id, currency, status, created_at, updated_at) "
                  "VALUES (5, 901, 'EUR', 'sent', 'x', 'x')");
    int64_t now = clock_now_ms();
    bool created = false;
    EXPECT_OK(jobs_enqueue(fx.conn, fx.arena, "quotes_expire", keep(&fx, json_object()), now, NULL,
                           &created, &fx.err));
    struct job_queue queue = builtin_queue();
    EXPECT_INT_EQ(run_one(&fx, &queue, now), JOB_DONE);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT status FROM quotes WHERE id = 1"), "expired");
    EXPECT_INT_EQ(sql_int(&fx, "SELECT version FROM quotes WHERE id = 1"), 2);
    EXPECT(strcmp(sql_text_of(&fx, "SELECT updated_at FROM quotes WHERE id = 1"), "x") != 0);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM quotes WHERE status = 'expired'"), 1);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT version FROM quotes WHERE id = 2"), 1);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT COUNT(*) FROM audit_log WHERE action = 'expire'"), 1);
    EXPECT_INT_EQ(sql_int(&fx, "SELECT record_id FROM audit_log WHERE action = 'expire'"), 1);
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT entity FROM audit_log WHERE action = 'expire'"),
                  "quotes");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT user_id FROM audit_log WHERE action = 'expire'"),
                  "(null)");
    EXPECT_STR_EQ(sql_text_of(&fx, "SELECT changes FROM audit_log WHERE action = 'expire'"),
                  "{\"status\":[\"sent\",\"expired\"]}");
    fixture_close(&fx);
}
