/*
 * Job kind task_reminder {task_id, remind_at}: the scheduler queues one when
 * a task's remind_at has come. If the task is still open, live and has that
 * remind_at, its owner gets a task_reminder notification, once (source key
 * task_reminder:<task id>:<remind_at>). E-mail will go here too.
 */
#include "jobs/kinds.h"

#include <string.h>

#include "base/arena.h"
#include "store/jobs.h"
#include "store/notifications.h"

int task_reminder_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    const json_t *task_id = json_object_get(payload, "task_id");
    const char *remind_at = json_string_value(json_object_get(payload, "remind_at"));
    struct reminder_task task;
    if (!json_is_integer(task_id) || remind_at == NULL)
        return err_set(err, ERR_INTERNAL, "the payload wants task_id and remind_at");
    int rc =
        store_reminder_task_get(ctx->conn, ctx->arena, json_integer_value(task_id), &task, err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(err);
        return 0;
    }
    if (rc < 0)
        return rc;
    /* Done, trashed, moved to another time (then a new reminder comes) or nobody's: no reminder. */
    if (strcmp(task.status, "open") != 0 || task.trashed || task.owner_id == 0 ||
        task.remind_at == NULL || strcmp(task.remind_at, remind_at) != 0)
        return 0;
    struct notification n = {
        .user_id = task.owner_id,
        .kind = "task_reminder",
        .summary = task.due_at != NULL
                       ? arena_printf(ctx->arena, "Reminder: %s (due %s)", task.title, task.due_at)
                       : arena_printf(ctx->arena, "Reminder: %s", task.title),
        .entity = "tasks",
        .record_id = task.id,
        .source_key =
            arena_printf(ctx->arena, "task_reminder:%lld:%s", (long long)task.id, remind_at),
    };
    bool created = false;
    return store_notification_add(ctx->conn, ctx->arena, &n, &created, err);
}
