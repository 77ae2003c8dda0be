/*
 * The job kinds' table, enqueueing, and one job's run from claim to finish.
 *
 * DESIGN: a job moves queued -> running (claimed under a lease) -> done, or
 * back to queued after a failed attempt, or failed. Three transactions
 * per job: the claim (short, so concurrent workers do not wait on each
 * other), the handler with the mark "done" (so its database effects and
 * the job's completion commit together: after a crash either both happened
 * or neither, and the job is claimed again when its lease runs out), and,
 * after a failure only, the retry or failure mark. A handler's effects are
 * kept only while the worker still holds the claim (store_job_done).
 */
#include "jobs/queue.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "jobs/kinds.h"
#include "store/jobs.h"
#include "store/store.h"

#define JOB_BACKOFF_MAX_MS INT64_C(3600000)

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct job_kind kinds[] = {
    {"task_reminder", task_reminder_run, 5, 0},
    {"task_recurrence", task_recurrence_run, 5, 0},
    {"birthdays", birthdays_run, 3, 0},
    {"sessions_sweep", sessions_sweep_run, 3, 0},
    {"quotes_expire", quotes_expire_run, 3, 0},
    {"import", import_run, 5, IMPORT_PAUSE_MS},
    {"import_undo", import_undo_run, 5, IMPORT_PAUSE_MS},
    {"export", export_run, 3, 0},
};

const struct job_kind *job_kinds(size_t *n_kinds)
{
    *n_kinds = COUNT(kinds);
    return kinds;
}

static const struct job_kind *job_kind_find(const struct job_kind *table, size_t n,
                                            const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    }
    return NULL;
}

/* The new row of a job of kind (payload text in the arena); ERR_INTERNAL for an unknown kind. */
static int job_new_of(struct arena *arena, const char *kind, const json_t *payload,
                      int64_t run_at_ms, const char *idempotency_key, int64_t now_ms,
                      struct job_new *out, struct err *err)
{
    const struct job_kind *row = job_kind_find(kinds, COUNT(kinds), kind);
    if (row == NULL)
        return err_set(err, ERR_INTERNAL, "unknown job kind '%s'", kind);
    char *text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    if (text == NULL)
        return err_set(err, ERR_INTERNAL, "cannot write the job's payload");
    *out = (struct job_new){
        .kind = kind,
        .payload = arena_strdup(arena, text),
        .run_at_ms = run_at_ms,
        .max_attempts = row->max_attempts,
        .idempotency_key = idempotency_key,
        .now_ms = now_ms,
    };
    free(text);
    return 0;
}

int jobs_enqueue(struct store_conn *conn, struct arena *arena, const char *kind,
                 const json_t *payload, int64_t run_at_ms, const char *idempotency_key,
                 bool *created, struct err *err)
{
    struct job_new job;
    int rc =
        job_new_of(arena, kind, payload, run_at_ms, idempotency_key, clock_now_ms(), &job, err);
    return rc < 0 ? rc : store_job_insert(conn, arena, &job, NULL, created, err);
}

int jobs_enqueue_many(struct store_conn *conn, struct arena *arena, const char *kind,
                      json_t *const *payloads, const char *const *keys, size_t n, int64_t run_at_ms,
                      size_t *n_created, struct err *err)
{
    struct job_new *jobs = arena_alloc_array(arena, n + 1, sizeof(*jobs));
    int64_t now_ms = clock_now_ms();
    int rc = 0;
    *n_created = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = job_new_of(arena, kind, payloads[i], run_at_ms, keys ? keys[i] : NULL, now_ms,
                        &jobs[i], err);
    return rc < 0 ? rc : store_jobs_insert(conn, arena, jobs, n, n_created, err);
}

int64_t job_backoff_ms(int64_t attempts)
{
    if (attempts < 1)
        attempts = 1;
    if (attempts >= 12) /* 2^12 s is past the cap */
        return JOB_BACKOFF_MAX_MS;
    int64_t ms = (INT64_C(1) << attempts) * 1000;
    return ms < JOB_BACKOFF_MAX_MS ? ms : JOB_BACKOFF_MAX_MS;
}

/* The claim transaction: jobs whose workers died on every attempt fail, then one is claimed. */
static int job_claim(const struct job_queue *queue, struct store_conn *conn, struct arena *arena,
                     int64_t now_ms, struct job_row *job, bool *found, struct err *err)
{
    int64_t n_spent = 0;
    bool any = false;
    *found = false;
    /* An idle poll reads only: no write lock is taken when nothing is due. */
    int rc = store_job_any_due(conn, arena, now_ms, &any, err);
    if (rc < 0 || !any)
        return rc;
    rc = store_begin(conn, err);
    if (rc < 0)
        return rc;
    rc = store_job_fail_spent(conn, arena, now_ms, &n_spent, err);
    if (rc == 0)
        rc = store_job_claim(conn, arena, now_ms, now_ms + queue->lease_ms, queue->worker, job,
                             found, err);
    if (rc == 0)
        rc = store_commit(conn, err);
    else
        store_rollback(conn);
    if (rc == 0 && n_spent > 0)
        log_warn("job_failed", "jobs=%lld error=lease_ran_out_on_last_attempt", (long long)n_spent);
    if (rc < 0)
        *found = false;
    return rc;
}

/*
 * The handler's transaction: its work and the mark "done" commit together,
 * or neither. *permanent says a failure no retry can mend (an unknown kind,
 * a payload that is not JSON).
 */
static int job_execute(const struct job_queue *queue, struct store_conn *conn,
                       const struct job_row *job, int64_t now_ms, bool *owned, bool *permanent,
                       struct err *err)
{
    struct arena *arena = arena_new();
    const struct job_kind *kind = job_kind_find(queue->kinds, queue->n_kinds, job->kind);
    json_error_t jerr;
    json_t *payload = json_loads(job->payload, 0, &jerr);
    *owned = true;
    *permanent = kind == NULL || payload == NULL;
    int rc = 0;
    if (kind == NULL) {
        rc = err_set(err, ERR_INTERNAL, "unknown job kind");
        goto out;
    }
    if (payload == NULL) {
        rc = err_set(err, ERR_INTERNAL, "the payload is not JSON: %s", jerr.text);
        goto out;
    }
    rc = store_begin(conn, err);
    if (rc < 0)
        goto out;
    struct job_context ctx = {
        .conn = conn,
        .arena = arena,
        .now_ms = now_ms,
        .settings = queue->settings,
        .job = job,
    };
    rc = kind->run(&ctx, payload, err);
    if (rc == 0)
        rc = store_job_done(conn, arena, job, now_ms, owned, err);
    if (rc == 0 && *owned)
        rc = store_commit(conn, err);
    else
        store_rollback(conn);
out:
    json_decref(payload);
    arena_free(arena);
    return rc;
}

/* After a failed attempt: queued again after the backoff, or failed (permanent: at once). */
static int job_record_failure(struct store_conn *conn, const struct job_row *job, bool permanent,
                              int64_t now_ms, const struct err *failure, bool *retried,
                              struct err *err)
{
    struct arena *arena = arena_new();
    *retried = !permanent && job->attempts < job->max_attempts;
    int64_t retry_at_ms = *retried ? now_ms + job_backoff_ms(job->attempts) : 0;
    const char *message = failure->detail[0] != '\0' ? failure->detail : err_title(failure->code);
    int rc = store_begin(conn, err);
    if (rc == 0)
        rc = store_job_retry_or_fail(conn, arena, job, retry_at_ms, now_ms, message, err);
    if (rc == 0)
        rc = store_commit(conn, err);
    else
        store_rollback(conn);
    char quoted[600];
    log_warn("job_failed",
             "kind=%s id=%lld attempts=%lld max_attempts=%lld state=%s "
             "retry_in_ms=%lld error=%s",
             job->kind, (long long)job->id, (long long)job->attempts, (long long)job->max_attempts,
             *retried ? "queued" : "failed", (long long)(*retried ? retry_at_ms - now_ms : 0),
             log_quote(quoted, sizeof(quoted), message));
    arena_free(arena);
    return rc;
}

int job_queue_run_one(const struct job_queue *queue, struct store *store, int64_t now_ms,
                      enum job_outcome *outcome, int *pause_ms, struct err *err)
{
    struct arena *arena = arena_new();
    struct job_row job;
    bool found = false, owned = true, permanent = false, retried = false;
    struct err failure;
    err_clear(&failure);
    *outcome = JOB_NONE;
    if (pause_ms != NULL)
        *pause_ms = 0;
    struct store_conn *conn = store_acquire(store, err);
    int rc = conn != NULL ? 0 : -err->code;
    if (rc == 0)
        rc = job_claim(queue, conn, arena, now_ms, &job, &found, err);
    if (rc < 0 || !found)
        goto out;
    int64_t started_ms = clock_monotonic_ms();
    const struct job_kind *kind = job_kind_find(queue->kinds, queue->n_kinds, job.kind);
    if (pause_ms != NULL)
        *pause_ms = kind != NULL ? kind->pause_ms : 0;
    int failed = job_execute(queue, conn, &job, now_ms, &owned, &permanent, &failure);
    if (failed == 0 && !owned) {
        *outcome = JOB_LOST;
        log_warn("job_lost", "kind=%s id=%lld attempts=%lld reason=lease_taken_over", job.kind,
                 (long long)job.id, (long long)job.attempts);
        goto out;
    }
    if (failed == 0) {
        *outcome = JOB_DONE;
        log_debug("job_done", "kind=%s id=%lld attempts=%lld ms=%lld", job.kind, (long long)job.id,
                  (long long)job.attempts, (long long)(clock_monotonic_ms() - started_ms));
        goto out;
    }
    rc = job_record_failure(conn, &job, permanent, now_ms, &failure, &retried, err);
    *outcome = retried ? JOB_RETRY : JOB_FAILED;
out:
    store_release(conn);
    arena_free(arena);
    return rc;
}
