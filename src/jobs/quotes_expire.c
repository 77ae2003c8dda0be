/*
 * Job kind quotes_expire {}: hourly, sent quotes whose valid_until lies
 * before today (UTC) become expired, each with a new version and an audit
 * entry by nobody (user 0, action "expire").
 */
#include "jobs/kinds.h"

#include "base/clock.h"
#include "base/log.h"
#include "store/jobs.h"
#include "store/store.h"

int quotes_expire_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    char today[CLOCK_DATE_LEN + 1], now[CLOCK_DATETIME_LEN + 1];
    int64_t *ids = NULL;
    size_t n = 0;
    (void)payload;
    clock_format_date(clock_day_of_ms(ctx->now_ms), today);
    clock_format_datetime(ctx->now_ms, now);
    int rc = store_quotes_expire(ctx->conn, ctx->arena, today, now, &ids, &n, err);
    json_t *changes = json_pack("{s:[s,s]}", "status", "sent", "expired");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct audit_entry entry = {
            .kind = "record",
            .action = "expire",
            .entity = "quotes",
            .record_id = ids[i],
            .changes = changes,
        };
        rc = store_audit_append(ctx->conn, ctx->arena, &entry, err);
    }
    json_decref(changes);
    if (rc == 0 && n > 0)
        log_info("quotes_expired", "quotes=%zu", n);
    return rc;
}
