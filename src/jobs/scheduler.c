/*
 * The scheduler's steps. Exactly-once comes from doing the marking and the
 * enqueueing in one transaction (a reminder's job and its task's
 * reminded_at), from the rows' locks on PostgreSQL (another process skips
 * the tasks this one holds) and, under everything, from the jobs'
 * idempotency keys: a second process that enqueues the same job makes
 * nothing.
 */
#include "jobs/scheduler.h"

#include <jansson.h>
#include <stdbool.h>

#include "base/arena.h"
#include "base/clock.h"
#include "jobs/queue.h"
#include "store/jobs.h"
#include "store/store.h"

#define MS_PER_HOUR INT64_C(3600000)

void scheduler_init(struct scheduler *scheduler)
{
    scheduler->day_enqueued = -1;
    scheduler->hour_enqueued = -1;
}

/* Queues one job to run now; the payload reference is taken. */
static int enqueue_now(struct store_conn *conn, struct arena *arena, const char *kind,
                       json_t *payload, const char *key, int64_t now_ms, size_t *n_enqueued,
                       struct err *err)
{
    bool created = false;
    int rc = jobs_enqueue(conn, arena, kind, payload, now_ms, key, &created, err);
    json_decref(payload);
    if (rc == 0 && created)
        (*n_enqueued)++;
    return rc;
}

/* Queues n jobs of kind to run now, in one go; the payload references are taken. */
static int enqueue_many_now(struct store_conn *conn, struct arena *arena, const char *kind,
                            json_t **payloads, const char **keys, size_t n, int64_t now_ms,
                            size_t *n_enqueued, struct err *err)
{
    size_t n_created = 0;
    int rc = jobs_enqueue_many(conn, arena, kind, payloads, keys, n, now_ms, &n_created, err);
    for (size_t i = 0; i < n; i++)
        json_decref(payloads[i]);
    *n_enqueued += n_created;
    return rc;
}

int scheduler_remind(struct store_conn *conn, struct arena *arena, int64_t now_ms, size_t max,
                     size_t *n_enqueued, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    struct due_reminder *due = NULL;
    size_t n = 0;
    clock_format_datetime(now_ms, now);
    int rc = store_tasks_due_reminders(conn, arena, now, max, false, &due, &n, err);
    if (rc < 0 || n == 0)
        return rc;
    rc = store_begin(conn, err);
    if (rc < 0)
        return rc;
    /* Again under the lock: another process may have taken some meanwhile. */
    rc = store_tasks_due_reminders(conn, arena, now, max, true, &due, &n, err);
    if (rc == 0 && n > 0) {
        int64_t *ids = arena_alloc_array(arena, n, sizeof(*ids));
        json_t **payloads = arena_alloc_array(arena, n, sizeof(*payloads));
        const char **keys = arena_alloc_array(arena, n, sizeof(*keys));
        for (size_t i = 0; i < n; i++) {
            ids[i] = due[i].task_id;
            payloads[i] = json_pack("{s:I,s:s}", "task_id", (json_int_t)due[i].task_id, "remind_at",
                                    due[i].remind_at);
            keys[i] = arena_printf(arena, "task_reminder:%lld:%s", (long long)due[i].task_id,
                                   due[i].remind_at);
        }
        rc = enqueue_many_now(conn, arena, "task_reminder", payloads, keys, n, now_ms, n_enqueued,
                              err);
        if (rc == 0)
            rc = store_tasks_set_reminded(conn, arena, ids, n, now, err);
    }
    if (rc == 0)
        rc = store_commit(conn, err);
    else
        store_rollback(conn);
    return rc;
}

int scheduler_recur(struct store_conn *conn, struct arena *arena, int64_t now_ms, size_t max,
                    size_t *n_enqueued, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    int64_t *ids = NULL;
    size_t n = 0;
    clock_format_datetime(now_ms, now);
    int rc = store_tasks_due_recurrences(conn, arena, now, max, false, &ids, &n, err);
    if (rc < 0 || n == 0)
        return rc;
    rc = store_begin(conn, err);
    if (rc < 0)
        return rc;
    rc = store_tasks_due_recurrences(conn, arena, now, max, true, &ids, &n, err);
    if (rc == 0 && n > 0) {
        json_t **payloads = arena_alloc_array(arena, n, sizeof(*payloads));
        const char **keys = arena_alloc_array(arena, n, sizeof(*keys));
        for (size_t i = 0; i < n; i++) {
            payloads[i] = json_pack("{s:I}", "task_id", (json_int_t)ids[i]);
            keys[i] = arena_printf(arena, "task_recurrence:%lld", (long long)ids[i]);
        }
        rc = enqueue_many_now(conn, arena, "task_recurrence", payloads, keys, n, now_ms, n_enqueued,
                              err);
    }
    if (rc == 0)
        rc = store_commit(conn, err);
    else
        store_rollback(conn);
    return rc;
}

int scheduler_periodic(struct scheduler *scheduler, struct store_conn *conn, struct arena *arena,
                       int64_t now_ms, size_t *n_enqueued, struct err *err)
{
    int64_t day = clock_day_of_ms(now_ms);
    int64_t hour = now_ms / MS_PER_HOUR;
    bool daily = day != scheduler->day_enqueued;
    bool hourly = hour != scheduler->hour_enqueued;
    if (!daily && !hourly)
        return 0;
    char date[CLOCK_DATE_LEN + 1], stamp[CLOCK_DATETIME_LEN + 1];
    clock_format_date(day, date);
    clock_format_datetime(hour * MS_PER_HOUR, stamp);
    stamp[13] = '\0'; /* YYYY-MM-DDTHH */
    int rc = store_begin(conn, err);
    if (rc < 0)
        return rc;
    if (daily)
        rc = enqueue_now(conn, arena, "birthdays", json_pack("{s:s}", "date", date),
                         arena_printf(arena, "birthdays:%s", date), now_ms, n_enqueued, err);
    if (rc == 0 && hourly)
        rc = enqueue_now(conn, arena, "sessions_sweep", json_object(),
                         arena_printf(arena, "sessions_sweep:%s", stamp), now_ms, n_enqueued, err);
    if (rc == 0 && hourly)
        rc = enqueue_now(conn, arena, "quotes_expire", json_object(),
                         arena_printf(arena, "quotes_expire:%s", stamp), now_ms, n_enqueued, err);
    if (rc == 0)
        rc = store_commit(conn, err);
    else
        store_rollback(conn);
    if (rc == 0) {
        scheduler->day_enqueued = day;
        scheduler->hour_enqueued = hour;
    }
    return rc;
}

int scheduler_tick(struct scheduler *scheduler, struct store *store, int64_t now_ms,
                   size_t *n_enqueued, struct err *err)
{
    struct arena *arena = arena_new();
    *n_enqueued = 0;
    struct store_conn *conn = store_acquire(store, err);
    int rc = conn != NULL ? 0 : -err->code;
    if (rc == 0)
        rc = scheduler_remind(conn, arena, now_ms, SCHEDULER_BATCH, n_enqueued, err);
    if (rc == 0)
        rc = scheduler_recur(conn, arena, now_ms, SCHEDULER_BATCH, n_enqueued, err);
    if (rc == 0)
        rc = scheduler_periodic(scheduler, conn, arena, now_ms, n_enqueued, err);
    store_release(conn);
    arena_free(arena);
    return rc;
}
