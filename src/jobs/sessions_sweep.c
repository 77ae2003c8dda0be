/*
 * Job kind sessions_sweep {}: hourly, deletes the sessions that have ended
 * (past their expiry, or unused longer than --session-idle-minutes) and the
 * jobs done more than a week ago. Failed jobs stay for an operator to see.
 */
#include "jobs/kinds.h"

#include "base/log.h"
#include "store/jobs.h"

#define DONE_JOBS_KEPT_MS (INT64_C(7) * 24 * 3600 * 1000)

int sessions_sweep_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    int64_t n_sessions = 0, n_jobs = 0;
    (void)payload;
    int rc = store_sessions_delete_ended(ctx->conn, ctx->arena, ctx->now_ms,
                                         ctx->settings->session_idle_ms, &n_sessions, err);
    if (rc == 0)
        rc = store_jobs_delete_done(ctx->conn, ctx->arena, ctx->now_ms - DONE_JOBS_KEPT_MS, &n_jobs,
                                    err);
    if (rc == 0 && (n_sessions > 0 || n_jobs > 0))
        log_info("sessions_swept", "sessions=%lld jobs=%lld", (long long)n_sessions,
                 (long long)n_jobs);
    return rc;
}
