/*
 * The runner's threads.
 *
 * DESIGN: each thread loops: (thread 0 only) run the scheduler when its
 * tick has come, then claim and run one job; when nothing was due it
 * sleeps on the condition variable until the next tick, a wake-up (the
 * scheduler made jobs) or the stop. The stop flag and a wake-up counter sit
 * under one mutex, so a stop or a wake-up between a thread's last look and
 * its sleep is never missed and stopping takes no longer than the jobs in
 * flight. Each job borrows its own connection from the store's pool
 * (job_queue_run_one), so the HTTP threads and the runner share the pool.
 * A thread's name in locked_by is host:pid:index.
 */
#include "jobs/runner.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "jobs/scheduler.h"

#define WORKER_NAME_BYTES 160

struct runner_thread {
    struct job_runner *runner;
    unsigned index;
    pthread_t thread;
    char worker[WORKER_NAME_BYTES];
};

struct job_runner {
    struct job_runner_options options;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;       /* under lock */
    uint64_t wake_count; /* under lock: goes up on every wake-up */
    struct runner_thread *threads;
    unsigned n_started;
};

static bool runner_stopping(struct job_runner *runner, uint64_t *wake_count)
{
    pthread_mutex_lock(&runner->lock);
    bool stopping = runner->stopping;
    *wake_count = runner->wake_count;
    pthread_mutex_unlock(&runner->lock);
    return stopping;
}

/* Wakes the sleeping threads: jobs were made. */
static void runner_wake(struct job_runner *runner)
{
    pthread_mutex_lock(&runner->lock);
    runner->wake_count++;
    pthread_cond_broadcast(&runner->wake);
    pthread_mutex_unlock(&runner->lock);
}

/* Sleeps up to wait_ms, or until a stop or a wake-up after seen. */
static void runner_sleep(struct job_runner *runner, uint64_t seen, int64_t wait_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)(wait_ms / 1000);
    deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&runner->lock);
    while (!runner->stopping && runner->wake_count == seen) {
        if (pthread_cond_timedwait(&runner->wake, &runner->lock, &deadline) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&runner->lock);
}

static void runner_log_error(const char *event, const struct err *err)
{
    char quoted[400];
    log_warn(
        event, "error=%s",
        log_quote(quoted, sizeof(quoted), err->detail[0] ? err->detail : err_title(err->code)));
}

static void *runner_thread_main(void *arg)
{
    struct runner_thread *self = arg;
    struct job_runner *runner = self->runner;
    const struct job_runner_options *options = &runner->options;
    struct scheduler scheduler;
    struct job_queue queue = {
        .worker = self->worker,
        .lease_ms = options->lease_ms,
        .settings = &options->settings,
    };
    queue.kinds = job_kinds(&queue.n_kinds);
    scheduler_init(&scheduler);
    int64_t next_tick_ms = clock_monotonic_ms();
    uint64_t seen = 0;
    struct err err;
    while (!runner_stopping(runner, &seen)) {
        if (self->index == 0 && clock_monotonic_ms() >= next_tick_ms) {
            size_t n_enqueued = 0;
            next_tick_ms = clock_monotonic_ms() + options->tick_ms;
            err_clear(&err);
            if (scheduler_tick(&scheduler, options->store, clock_now_ms(), &n_enqueued, &err) < 0)
                runner_log_error("scheduler_failed", &err);
            if (n_enqueued > 0) {
                log_debug("jobs_scheduled", "jobs=%zu", n_enqueued);
                runner_wake(runner);
            }
        }
        enum job_outcome outcome = JOB_NONE;
        int pause_ms = 0;
        err_clear(&err);
        int rc = job_queue_run_one(&queue, options->store, clock_now_ms(), &outcome, &pause_ms,
                                   &err);
        if (rc < 0)
            runner_log_error("job_claim_failed", &err);
        if (rc == 0 && outcome != JOB_NONE && pause_ms > 0)
            runner_sleep(runner, seen, pause_ms);
        if (rc == 0 && outcome != JOB_NONE)
            continue;
        int64_t wait_ms = self->index == 0 ? next_tick_ms - clock_monotonic_ms() : options->tick_ms;
        if (wait_ms > 0)
            runner_sleep(runner, seen, wait_ms);
    }
    return NULL;
}

struct job_runner *job_runner_start(const struct job_runner_options *options, struct err *err)
{
    if (options->threads == 0 || options->tick_ms <= 0 || options->lease_ms <= 0) {
        err_set(err, ERR_INTERNAL, "the job runner needs threads, a tick and a lease");
        return NULL;
    }
    struct job_runner *runner = calloc(1, sizeof(*runner));
    struct runner_thread *threads = calloc(options->threads, sizeof(*threads));
    if (runner == NULL || threads == NULL) {
        free(runner);
        free(threads);
        err_set(err, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    runner->options = *options;
    runner->threads = threads;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&runner->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&runner->lock, NULL);
    char host[64];
    if (gethostname(host, sizeof(host)) != 0)
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    for (unsigned i = 0; i < options->threads; i++) {
        struct runner_thread *t = &threads[i];
        t->runner = runner;
        t->index = i;
        snprintf(t->worker, sizeof(t->worker), "%s:%ld:%u", host, (long)getpid(), i);
        if (pthread_create(&t->thread, NULL, runner_thread_main, t) != 0) {
            job_runner_stop(runner);
            err_set(err, ERR_INTERNAL, "cannot start the job runner's threads");
            return NULL;
        }
        runner->n_started++;
    }
    log_info("job_runner_started", "threads=%u tick_ms=%lld lease_ms=%lld", options->threads,
             (long long)options->tick_ms, (long long)options->lease_ms);
    return runner;
}

void job_runner_stop(struct job_runner *runner)
{
    if (runner == NULL)
        return;
    pthread_mutex_lock(&runner->lock);
    runner->stopping = true;
    pthread_cond_broadcast(&runner->wake);
    pthread_mutex_unlock(&runner->lock);
    for (unsigned i = 0; i < runner->n_started; i++)
        pthread_join(runner->threads[i].thread, NULL);
    pthread_cond_destroy(&runner->wake);
    pthread_mutex_destroy(&runner->lock);
    free(runner->threads);
    free(runner);
}
