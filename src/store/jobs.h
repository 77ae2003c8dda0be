/*
 * The durable job queue in the store, and the reads and writes of the
 * scheduler and of the job kinds (src/jobs/). Job times are milliseconds
 * since the epoch; a job is queued, running (under a lease held by one
 * worker until locked_until_ms), done or failed. Every function runs its
 * statements in the caller's transaction, or in autocommit when there is
 * none; src/jobs/queue.c decides where transactions begin and end.
 */
#ifndef CRM_STORE_JOBS_H
#define CRM_STORE_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct store_conn;

/* A job as a worker claimed it (strings in the arena). */
struct job_row {
    int64_t id;
    const char *kind;
    const char *payload; /* JSON text */
    int64_t attempts;    /* counting this claim */
    int64_t max_attempts;
    int64_t run_at_ms;
    const char *locked_by; /* the claiming worker */
};

struct job_new {
    const char *kind;
    const char *payload; /* JSON text */
    int64_t run_at_ms;
    int64_t max_attempts;
    const char *idempotency_key; /* NULL: none */
    int64_t now_ms;
};

/* Inserts a queued job; *created is false when a job with the idempotency key exists. */
int store_job_insert(struct store_conn *conn, struct arena *arena, const struct job_new *job,
                     int64_t *id_out, bool *created, struct err *err);

/*
 * Inserts n queued jobs in a few statements, skipping those whose
 * idempotency key exists; *n_created counts the new ones.
 */
int store_jobs_insert(struct store_conn *conn, struct arena *arena, const struct job_new *jobs,
                      size_t n, size_t *n_created, struct err *err);

/* Whether a job could be claimed at now_ms (a read, for idle polls outside a transaction). */
int store_job_any_due(struct store_conn *conn, struct arena *arena, int64_t now_ms, bool *any,
                      struct err *err);
/*
 * Marks failed the running jobs whose lease ran out with no attempts left
 * (their worker died on each of them); *n_out counts them.
 */
int store_job_fail_spent(struct store_conn *conn, struct arena *arena, int64_t now_ms,
                         int64_t *n_out, struct err *err);
/*
 * Claims the oldest claimable job: queued with run_at_ms <= now_ms, else
 * running with a lease that ran out. It becomes running, locked by worker
 * until lease_until_ms, with one more attempt. PostgreSQL skips rows other
 * transactions hold (FOR UPDATE SKIP LOCKED); on SQLite the caller's
 * BEGIN IMMEDIATE makes it the only writer. *found is false when none.
 */
int store_job_claim(struct store_conn *conn, struct arena *arena, int64_t now_ms,
                    int64_t lease_until_ms, const char *worker, struct job_row *out, bool *found,
                    struct err *err);
/*
 * Marks the claimed job done at now_ms. *owned is false, and nothing is
 * written, when the claim is no longer the job's (its lease ran out and
 * another worker took it): the caller must then roll back.
 */
int store_job_done(struct store_conn *conn, struct arena *arena, const struct job_row *job,
                   int64_t now_ms, bool *owned, struct err *err);
/*
 * After a failed attempt: queued again for retry_at_ms, or failed when
 * retry_at_ms is 0; last_error kept either way. Nothing happens when the
 * claim is no longer the job's.
 */
int store_job_retry_or_fail(struct store_conn *conn, struct arena *arena, const struct job_row *job,
                            int64_t retry_at_ms, int64_t now_ms, const char *last_error,
                            struct err *err);
/* Deletes the jobs done before before_ms; *n_out counts them. */
int store_jobs_delete_done(struct store_conn *conn, struct arena *arena, int64_t before_ms,
                           int64_t *n_out, struct err *err);

/* ---- The scheduler's reads and writes ---- */

struct due_reminder {
    int64_t task_id;
    const char *remind_at;
};

/*
 * The first max open, live tasks with remind_at <= now and no reminder yet,
 * oldest first (index tasks_reminders). lock: in a transaction on
 * PostgreSQL, locks them, skipping rows another transaction holds.
 */
int store_tasks_due_reminders(struct store_conn *conn, struct arena *arena, const char *now,
                              size_t max, bool lock, struct due_reminder **out, size_t *n_out,
                              struct err *err);
/* Sets reminded_at of the n tasks (a server-kept field: version and updated_at stay). */
int store_tasks_set_reminded(struct store_conn *conn, struct arena *arena, const int64_t *ids,
                             size_t n, const char *now, struct err *err);
/*
 * The first max live recurring tasks with due_at <= now whose successor is
 * not made and has no task_recurrence job yet (index tasks_recurrence).
 */
int store_tasks_due_recurrences(struct store_conn *conn, struct arena *arena, const char *now,
                                size_t max, bool lock, int64_t **ids_out, size_t *n_out,
                                struct err *err);

/* ---- What the job kinds read and write ---- */

/* A task as a reminder needs it. */
struct reminder_task {
    int64_t id;
    const char *title;
    const char *status;
    const char *remind_at; /* NULL: none */
    const char *due_at;    /* NULL: none */
    int64_t owner_id;      /* 0: none */
    bool trashed;
};

/* ERR_NOT_FOUND when there is no such task (in the trash or not). */
int store_reminder_task_get(struct store_conn *conn, struct arena *arena, int64_t id,
                            struct reminder_task *out, struct err *err);

/* A contact whose birthday comes. */
struct birthday_contact {
    int64_t id;
    const char *name;
    int64_t owner_id;
};

/*
 * The live contacts with an owner whose birthday ("YYYY-MM-DD") falls on
 * month_day ("MM-DD") or, when also_feb_29, on 02-29 (for Feb 28 of a
 * year that has no Feb 29).
 */
int store_contacts_with_birthday(struct store_conn *conn, struct arena *arena,
                                 const char *month_day, bool also_feb_29,
                                 struct birthday_contact **out, size_t *n_out, struct err *err);

/*
 * Deletes the sessions that ended by now_ms: past their expiry, or unused
 * for longer than idle_ms. *n_out counts them.
 */
int store_sessions_delete_ended(struct store_conn *conn, struct arena *arena, int64_t now_ms,
                                int64_t idle_ms, int64_t *n_out, struct err *err);

/*
 * Sets status "expired" (version + 1, updated_at now) on the live sent
 * quotes whose valid_until lies before today ("YYYY-MM-DD"); their ids in
 * *ids_out.
 */
int store_quotes_expire(struct store_conn *conn, struct arena *arena, const char *today,
                        const char *now, int64_t **ids_out, size_t *n_out, struct err *err);

#endif
