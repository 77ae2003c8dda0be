/*
 * Job kind task_recurrence {task_id}: the scheduler queues one when a
 * recurring task falls due without its successor; the store makes the next
 * instance (store_task_make_next), once however many ask.
 */
#include "jobs/kinds.h"

#include "base/log.h"
#include "store/tasks.h"

int task_recurrence_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    const json_t *task_id = json_object_get(payload, "task_id");
    int64_t made_id = 0;
    if (!json_is_integer(task_id))
        return err_set(err, ERR_INTERNAL, "the payload wants task_id");
    int rc =
        store_task_make_next(ctx->conn, ctx->arena, json_integer_value(task_id), &made_id, err);
    if (rc == 0 && made_id != 0)
        log_debug("task_recurred", "task=%lld next=%lld", (long long)json_integer_value(task_id),
                  (long long)made_id);
    return rc;
}
