/*
 * The import job kinds: "import" writes the next batch of an import's rows
 * and "import_undo" reverts the next batch of its changes
 * (api/import_run.h), each in the job's transaction.
 */
#include "jobs/kinds.h"

#include "api/import_run.h"

static int import_id_of(const json_t *payload, int64_t *id, struct err *err)
{
    const json_t *v = json_object_get(payload, "import_id");
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return err_set(err, ERR_INTERNAL, "the job has no import_id");
    *id = json_integer_value(v);
    return 0;
}

int import_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    int64_t id;
    int rc = import_id_of(payload, &id, err);
    return rc == 0 ? api_import_batch(ctx, id, err) : rc;
}

int import_undo_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    int64_t id;
    int rc = import_id_of(payload, &id, err);
    return rc == 0 ? api_import_undo_batch(ctx, id, err) : rc;
}
