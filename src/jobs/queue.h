/*
 * The durable job queue: the table of job kinds, enqueueing in the
 * caller's transaction, and running one job (claim, handler, finish). The
 * rows live in the store's jobs table (store/jobs.h); the threads that call
 * job_queue_run_one() are in runner.c.
 */
#ifndef CRM_JOBS_QUEUE_H
#define CRM_JOBS_QUEUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct job_row;
struct store;
struct store_conn;

/* What job kinds need from the configuration. */
struct job_settings {
    int64_t session_idle_ms; /* sessions_sweep: a session unused this long has ended */
};

/* What a handler gets: its own transaction on conn, a fresh arena, the time it runs at. */
struct job_context {
    struct store_conn *conn;
    struct arena *arena;
    int64_t now_ms;
    const struct job_settings *settings;
    const struct job_row *job;
};

/* A job kind: a row of the table in queue.c and one file. */
struct job_kind {
    const char *name;
    /* Does the job's work in ctx->conn's open transaction; 0 or a negated code in err. */
    int (*run)(struct job_context *ctx, const json_t *payload, struct err *err);
    int max_attempts;
    /*
     * How long the runner waits after a job of this kind before it claims
     * the next one: kinds that follow themselves batch after batch leave
     * the database's write lock to requests in between (SQLite has one).
     */
    int pause_ms;
};

/* The built-in kinds. */
const struct job_kind *job_kinds(size_t *n_kinds);

/*
 * Queues a job of a built-in kind to run at run_at_ms, in the caller's
 * transaction. *created is false when a job with idempotency_key (NULL:
 * none) exists already, whatever its state.
 */
int jobs_enqueue(struct store_conn *conn, struct arena *arena, const char *kind,
                 const json_t *payload, int64_t run_at_ms, const char *idempotency_key,
                 bool *created, struct err *err);

/*
 * As jobs_enqueue for n jobs of one kind at once (a few statements): the
 * payloads and keys (keys NULL: none) side by side; *n_created counts the
 * new ones.
 */
int jobs_enqueue_many(struct store_conn *conn, struct arena *arena, const char *kind,
                      json_t *const *payloads, const char *const *keys, size_t n, int64_t run_at_ms,
                      size_t *n_created, struct err *err);

/* How long a job waits before its next attempt after attempts failed ones: 2^attempts s, <= 1 h. */
int64_t job_backoff_ms(int64_t attempts);

/* Who runs the jobs: the kinds it knows, its name in locked_by, its lease. */
struct job_queue {
    const struct job_kind *kinds;
    size_t n_kinds;
    const char *worker;
    int64_t lease_ms;
    const struct job_settings *settings;
};

enum job_outcome {
    JOB_NONE,   /* nothing was due */
    JOB_DONE,   /* ran and is done */
    JOB_RETRY,  /* failed; queued again after its backoff */
    JOB_FAILED, /* failed for the last time (or cannot run at all) */
    JOB_LOST,   /* its lease ran out and another worker took it over: nothing kept */
};

/*
 * Claims the oldest due job at now_ms (one short transaction) and runs its
 * handler in a transaction of its own that also marks the job done, so its
 * effects are kept exactly once. A failed attempt is rolled back and the
 * job queued again, or failed after its kind's max_attempts. Borrows one
 * connection from store for the whole job. Errors are the store's own
 * (the database is unavailable); a handler's failure is an outcome.
 * *pause_ms (when not NULL) gets the pause of the kind that ran, else 0.
 */
int job_queue_run_one(const struct job_queue *queue, struct store *store, int64_t now_ms,
                      enum job_outcome *outcome, int *pause_ms, struct err *err);

#endif
