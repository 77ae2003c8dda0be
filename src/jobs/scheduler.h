/*
 * The scheduler: on every tick of the runner's first thread it turns what
 * has come due in the data into jobs. Each step is one short transaction
 * and safe with several processes at once (FOR UPDATE SKIP LOCKED on
 * PostgreSQL, one writer on SQLite, idempotency keys on both).
 */
#ifndef CRM_JOBS_SCHEDULER_H
#define CRM_JOBS_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct store;
struct store_conn;

/* Tasks one step turns into jobs at most, per tick. */
#define SCHEDULER_BATCH 500

/* What a process remembers between ticks (the keys make forgetting it harmless). */
struct scheduler {
    int64_t day_enqueued;  /* the UTC day (days since the epoch) of the last daily jobs; -1 */
    int64_t hour_enqueued; /* the UTC hour (hours since the epoch) of the last hourly jobs; -1 */
};

void scheduler_init(struct scheduler *scheduler);

/*
 * One tick at now_ms on a connection borrowed from store: due reminders,
 * due recurring tasks, then the daily and hourly jobs when their day or
 * hour is new. *n_enqueued counts the jobs made.
 */
int scheduler_tick(struct scheduler *scheduler, struct store *store, int64_t now_ms,
                   size_t *n_enqueued, struct err *err);

/*
 * Due reminders: the first max open tasks whose remind_at has come and
 * that have no reminder yet get a task_reminder job (key
 * task_reminder:<id>:<remind_at>) and reminded_at = now. Reads first
 * without a transaction, so an idle tick takes no write lock.
 */
int scheduler_remind(struct store_conn *conn, struct arena *arena, int64_t now_ms, size_t max,
                     size_t *n_enqueued, struct err *err);
/* Due recurring tasks without a successor: a task_recurrence job each, key task_recurrence:<id>. */
int scheduler_recur(struct store_conn *conn, struct arena *arena, int64_t now_ms, size_t max,
                    size_t *n_enqueued, struct err *err);
/*
 * birthdays (key birthdays:<date>) once per UTC day; sessions_sweep and
 * quotes_expire (keys sessions_sweep:<hour>, quotes_expire:<hour>, hour
 * as YYYY-MM-DDTHH) once per UTC hour.
 */
int scheduler_periodic(struct scheduler *scheduler, struct store_conn *conn, struct arena *arena,
                       int64_t now_ms, size_t *n_enqueued, struct err *err);

#endif
