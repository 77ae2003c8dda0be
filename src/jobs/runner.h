/*
 * The job runner: N threads that claim and run due jobs, the first of which
 * also runs the scheduler every tick. Runs inside `crm serve` and alone in
 * `crm worker`; any number of processes may run one on the same database.
 */
#ifndef CRM_JOBS_RUNNER_H
#define CRM_JOBS_RUNNER_H

#include <stdint.h>

#include "base/err.h"
#include "jobs/queue.h"

struct store;

struct job_runner_options {
    struct store *store;
    unsigned threads; /* at least 1 */
    int64_t tick_ms;  /* how often the scheduler runs and idle threads look for jobs */
    int64_t lease_ms; /* how long a claimed job is its worker's before another may take it */
    struct job_settings settings;
};

/* Starts the threads; NULL (err set) when they cannot start. */
struct job_runner *job_runner_start(const struct job_runner_options *options, struct err *err);
/*
 * Asks the threads to stop, waits for the jobs they run to finish (each is
 * one short transaction), and frees the runner. NULL is a no-op.
 */
void job_runner_stop(struct job_runner *runner);

#endif
