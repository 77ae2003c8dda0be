/*
 * The job queue's SQL, and that of the scheduler and of the job kinds.
 *
 * DESIGN: claiming is one UPDATE of the row a sub-select picks, oldest
 * first. On PostgreSQL the sub-select takes the row with FOR UPDATE SKIP
 * LOCKED, so concurrent workers (threads or processes) each get another
 * job and never wait on each other; on SQLite the caller's BEGIN IMMEDIATE
 * (store_begin) makes the claiming transaction the only writer. A claim is
 * identified by (id, locked_by, attempts): finishing writes only when the
 * job still carries the same claim, so a worker whose lease ran out and was
 * taken over cannot mark done what another worker now runs.
 */
#include "store/jobs.h"

#include <string.h>

#include "base/arena.h"
#include "store/store.h"

/* The longest last_error kept. */
#define JOB_ERROR_MAX_BYTES 500
/*
 * Rows per INSERT of store_jobs_insert(): powers of two up to this, so that
 * few distinct statements reach the connections' statement caches.
 */
#define JOBS_INSERT_CHUNK 64

static const char *text_or_null(const struct store_value *v)
{
    return v->type == STORE_NULL ? NULL : v->text;
}

/* FOR UPDATE SKIP LOCKED on PostgreSQL inside a transaction; nothing on SQLite. */
static void add_skip_locked(struct sql_builder *sql, bool lock)
{
    if (lock && sql->dialect == SQL_POSTGRES)
        sql_add(sql, " FOR UPDATE SKIP LOCKED");
}

/* ---- the queue ---- */

/* "INSERT INTO jobs ... VALUES" with the n rows of jobs. */
static void add_job_insert(struct sql_builder *sql, const struct job_new *jobs, size_t n)
{
    sql_add(sql, "INSERT INTO \"jobs\" (\"kind\", \"payload\", \"state\", \"run_at_ms\", "
                 "\"max_attempts\", \"idempotency_key\", \"created_at_ms\") VALUES ");
    for (size_t i = 0; i < n; i++) {
        sql_add(sql, i > 0 ? ", (" : "(");
        sql_param_cstr(sql, jobs[i].kind);
        sql_add(sql, ", ");
        sql_param_cstr(sql, jobs[i].payload);
        sql_add(sql, ", 'queued', ");
        sql_param_int(sql, jobs[i].run_at_ms);
        sql_add(sql, ", ");
        sql_param_int(sql, jobs[i].max_attempts);
        sql_add(sql, ", ");
        sql_param_text_or_null(sql, jobs[i].idempotency_key);
        sql_add(sql, ", ");
        sql_param_int(sql, jobs[i].now_ms);
        sql_add(sql, ")");
    }
    sql_add(sql, " ON CONFLICT (\"idempotency_key\") DO NOTHING RETURNING \"id\"");
}

int store_job_insert(struct store_conn *conn, struct arena *arena, const struct job_new *job,
                     int64_t *id_out, bool *created, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    add_job_insert(&sql, job, 1);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *created = rows.n_rows == 1;
    if (id_out != NULL)
        *id_out = *created ? store_value_int(store_rows_at(&rows, 0, 0)) : 0;
    return 0;
}

int store_jobs_insert(struct store_conn *conn, struct arena *arena, const struct job_new *jobs,
                      size_t n, size_t *n_created, struct err *err)
{
    size_t chunk = JOBS_INSERT_CHUNK;
    int rc = 0;
    *n_created = 0;
    for (size_t at = 0; rc == 0 && at < n; at += chunk) {
        while (chunk > n - at)
            chunk /= 2;
        struct sql_builder sql;
        struct store_rows rows;
        sql_init(&sql, arena, store_conn_dialect(conn));
        add_job_insert(&sql, jobs + at, chunk);
        rc = store_query(conn, arena, &sql, &rows, err);
        if (rc == 0)
            *n_created += rows.n_rows;
    }
    return rc;
}

int store_job_any_due(struct store_conn *conn, struct arena *arena, int64_t now_ms, bool *any,
                      struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT 1 WHERE EXISTS (SELECT 1 FROM \"jobs\" WHERE \"state\" = 'queued' "
                  "AND \"run_at_ms\" <= ");
    sql_param_int(&sql, now_ms);
    sql_add(&sql, ") OR EXISTS (SELECT 1 FROM \"jobs\" WHERE \"state\" = 'running' "
                  "AND \"locked_until_ms\" < ");
    sql_param_int(&sql, now_ms);
    sql_add(&sql, ")");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *any = rows.n_rows > 0;
    return 0;
}

int store_job_fail_spent(struct store_conn *conn, struct arena *arena, int64_t now_ms,
                         int64_t *n_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"jobs\" SET \"state\" = 'failed', \"finished_at_ms\" = ");
    sql_param_int(&sql, now_ms);
    sql_add(&sql, ", \"locked_until_ms\" = NULL, \"last_error\" = "
                  "'the worker stopped during the last attempt (its lease ran out)' "
                  "WHERE \"state\" = 'running' AND \"locked_until_ms\" < ");
    sql_param_int(&sql, now_ms);
    sql_add(&sql, " AND \"attempts\" >= \"max_attempts\" RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *n_out = (int64_t)rows.n_rows;
    return 0;
}

/* Claims the first job of one candidate set: leases that ran out (expired) or queued ones. */
static int job_claim_from(struct store_conn *conn, struct arena *arena, bool expired,
                          int64_t now_ms, int64_t lease_until_ms, const char *worker,
                          struct job_row *out, bool *found, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"jobs\" SET \"state\" = 'running', \"locked_by\" = ");
    sql_param_cstr(&sql, worker);
    sql_add(&sql, ", \"locked_until_ms\" = ");
    sql_param_int(&sql, lease_until_ms);
    sql_add(&sql, ", \"attempts\" = \"attempts\" + 1 WHERE \"id\" = (SELECT \"id\" FROM \"jobs\" ");
    if (expired) {
        sql_add(&sql, "WHERE \"state\" = 'running' AND \"locked_until_ms\" < ");
        sql_param_int(&sql, now_ms);
        sql_add(&sql, " ORDER BY \"locked_until_ms\", \"id\" LIMIT 1");
    } else {
        sql_add(&sql, "WHERE \"state\" = 'queued' AND \"run_at_ms\" <= ");
        sql_param_int(&sql, now_ms);
        sql_add(&sql, " ORDER BY \"run_at_ms\", \"id\" LIMIT 1");
    }
    add_skip_locked(&sql, true);
    sql_add(&sql, ") RETURNING \"id\", \"kind\", \"payload\", \"attempts\", \"max_attempts\", "
                  "\"run_at_ms\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *found = rows.n_rows == 1;
    if (!*found)
        return 0;
    *out = (struct job_row){
        .id = store_value_int(store_rows_at(&rows, 0, 0)),
        .kind = store_rows_at(&rows, 0, 1)->text,
        .payload = store_rows_at(&rows, 0, 2)->text,
        .attempts = store_value_int(store_rows_at(&rows, 0, 3)),
        .max_attempts = store_value_int(store_rows_at(&rows, 0, 4)),
        .run_at_ms = store_value_int(store_rows_at(&rows, 0, 5)),
        .locked_by = arena_strdup(arena, worker),
    };
    return 0;
}

int store_job_claim(struct store_conn *conn, struct arena *arena, int64_t now_ms,
                    int64_t lease_until_ms, const char *worker, struct job_row *out, bool *found,
                    struct err *err)
{
    int rc = job_claim_from(conn, arena, true, now_ms, lease_until_ms, worker, out, found, err);
    if (rc == 0 && !*found)
        rc = job_claim_from(conn, arena, false, now_ms, lease_until_ms, worker, out, found, err);
    return rc;
}

/* " WHERE <the job still carries this claim>" */
static void add_claim_match(struct sql_builder *sql, const struct job_row *job)
{
    sql_add(sql, " WHERE \"id\" = ");
    sql_param_int(sql, job->id);
    sql_add(sql, " AND \"state\" = 'running' AND \"locked_by\" = ");
    sql_param_cstr(sql, job->locked_by);
    sql_add(sql, " AND \"attempts\" = ");
    sql_param_int(sql, job->attempts);
}

int store_job_done(struct store_conn *conn, struct arena *arena, const struct job_row *job,
                   int64_t now_ms, bool *owned, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"jobs\" SET \"state\" = 'done', \"locked_until_ms\" = NULL, "
                  "\"finished_at_ms\" = ");
    sql_param_int(&sql, now_ms);
    add_claim_match(&sql, job);
    sql_add(&sql, " RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *owned = rows.n_rows == 1;
    return 0;
}

int store_job_retry_or_fail(struct store_conn *conn, struct arena *arena, const struct job_row *job,
                            int64_t retry_at_ms, int64_t now_ms, const char *last_error,
                            struct err *err)
{
    size_t len = strlen(last_error);
    if (len > JOB_ERROR_MAX_BYTES)
        len = JOB_ERROR_MAX_BYTES;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    if (retry_at_ms > 0) {
        sql_add(&sql, "UPDATE \"jobs\" SET \"state\" = 'queued', \"run_at_ms\" = ");
        sql_param_int(&sql, retry_at_ms);
    } else {
        sql_add(&sql, "UPDATE \"jobs\" SET \"state\" = 'failed', \"finished_at_ms\" = ");
        sql_param_int(&sql, now_ms);
    }
    sql_add(&sql, ", \"locked_until_ms\" = NULL, \"last_error\" = ");
    sql_param_text(&sql, last_error, len);
    add_claim_match(&sql, job);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_jobs_delete_done(struct store_conn *conn, struct arena *arena, int64_t before_ms,
                           int64_t *n_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    /* The IN term repeats the partial index's condition (jobs_finished) so SQLite uses it. */
    sql_add(&sql, "DELETE FROM \"jobs\" WHERE \"state\" IN ('done', 'failed') "
                  "AND \"state\" = 'done' AND \"finished_at_ms\" < ");
    sql_param_int(&sql, before_ms);
    sql_add(&sql, " RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *n_out = (int64_t)rows.n_rows;
    return 0;
}

/* ---- the scheduler ---- */

int store_tasks_due_reminders(struct store_conn *conn, struct arena *arena, const char *now,
                              size_t max, bool lock, struct due_reminder **out, size_t *n_out,
                              struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    /* The terms of the partial index tasks_reminders, word for word, then the range. */
    sql_add(&sql, "SELECT \"id\", \"remind_at\" FROM \"tasks\" WHERE \"reminded_at\" IS NULL "
                  "AND \"remind_at\" IS NOT NULL AND \"status\" = 'open' "
                  "AND \"deleted_at\" IS NULL AND \"remind_at\" <= ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, " ORDER BY \"remind_at\", \"id\" LIMIT ");
    sql_param_int(&sql, (int64_t)max);
    add_skip_locked(&sql, lock);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    struct due_reminder *due = arena_alloc_array(arena, rows.n_rows + 1, sizeof(*due));
    for (size_t r = 0; r < rows.n_rows; r++) {
        due[r].task_id = store_value_int(store_rows_at(&rows, r, 0));
        due[r].remind_at = store_rows_at(&rows, r, 1)->text;
    }
    *out = due;
    *n_out = rows.n_rows;
    return 0;
}

int store_tasks_set_reminded(struct store_conn *conn, struct arena *arena, const int64_t *ids,
                             size_t n, const char *now, struct err *err)
{
    if (n == 0)
        return 0;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"tasks\" SET \"reminded_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, " WHERE \"id\" IN (");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            sql_add(&sql, ", ");
        sql_param_int(&sql, ids[i]);
    }
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

int store_tasks_due_recurrences(struct store_conn *conn, struct arena *arena, const char *now,
                                size_t max, bool lock, int64_t **ids_out, size_t *n_out,
                                struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    /* The terms of the partial index tasks_recurrence, then the range. */
    sql_add(&sql, "SELECT t.\"id\" FROM \"tasks\" t WHERE t.\"rrule\" IS NOT NULL "
                  "AND t.\"next_created\" = 0 AND t.\"deleted_at\" IS NULL AND t.\"due_at\" <= ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, " AND NOT EXISTS (SELECT 1 FROM \"jobs\" j "
                  "WHERE j.\"idempotency_key\" = 'task_recurrence:' || t.\"id\") "
                  "ORDER BY t.\"due_at\", t.\"id\" LIMIT ");
    sql_param_int(&sql, (int64_t)max);
    add_skip_locked(&sql, lock);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    int64_t *ids = arena_alloc_array(arena, rows.n_rows + 1, sizeof(*ids));
    for (size_t r = 0; r < rows.n_rows; r++)
        ids[r] = store_value_int(store_rows_at(&rows, r, 0));
    *ids_out = ids;
    *n_out = rows.n_rows;
    return 0;
}

/* ---- the job kinds ---- */

int store_reminder_task_get(struct store_conn *conn, struct arena *arena, int64_t id,
                            struct reminder_task *out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    /* The owner through users: a notification must go to a user who exists. */
    sql_add(&sql, "SELECT t.\"id\", t.\"title\", t.\"status\", t.\"remind_at\", t.\"due_at\", "
                  "u.\"id\", t.\"deleted_at\" FROM \"tasks\" t "
                  "LEFT JOIN \"users\" u ON u.\"id\" = t.\"owner_id\" WHERE t.\"id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "task %lld not found", (long long)id);
    *out = (struct reminder_task){
        .id = store_value_int(store_rows_at(&rows, 0, 0)),
        .title = store_rows_at(&rows, 0, 1)->text,
        .status = store_rows_at(&rows, 0, 2)->text,
        .remind_at = text_or_null(store_rows_at(&rows, 0, 3)),
        .due_at = text_or_null(store_rows_at(&rows, 0, 4)),
        .owner_id = store_value_int(store_rows_at(&rows, 0, 5)),
        .trashed = store_rows_at(&rows, 0, 6)->type != STORE_NULL,
    };
    return 0;
}

int store_contacts_with_birthday(struct store_conn *conn, struct arena *arena,
                                 const char *month_day, bool also_feb_29,
                                 struct birthday_contact **out, size_t *n_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT c.\"id\", c.\"name\", c.\"owner_id\" FROM \"contacts\" c "
                  "JOIN \"users\" u ON u.\"id\" = c.\"owner_id\" "
                  "WHERE c.\"deleted_at\" IS NULL AND c.\"birthday\" IS NOT NULL "
                  "AND substr(c.\"birthday\", 6, 5) IN (");
    sql_param_cstr(&sql, month_day);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, also_feb_29 ? "02-29" : month_day);
    sql_add(&sql, ") ORDER BY c.\"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    struct birthday_contact *contacts =
        arena_alloc_array(arena, rows.n_rows + 1, sizeof(*contacts));
    for (size_t r = 0; r < rows.n_rows; r++) {
        contacts[r].id = store_value_int(store_rows_at(&rows, r, 0));
        contacts[r].name = store_rows_at(&rows, r, 1)->text;
        contacts[r].owner_id = store_value_int(store_rows_at(&rows, r, 2));
    }
    *out = contacts;
    *n_out = rows.n_rows;
    return 0;
}

int store_sessions_delete_ended(struct store_conn *conn, struct arena *arena, int64_t now_ms,
                                int64_t idle_ms, int64_t *n_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"sessions\" WHERE \"expires_at_ms\" < ");
    sql_param_int(&sql, now_ms);
    sql_add(&sql, " OR \"last_seen_at_ms\" < ");
    sql_param_int(&sql, now_ms - idle_ms);
    sql_add(&sql, " RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *n_out = (int64_t)rows.n_rows;
    return 0;
}

int store_quotes_expire(struct store_conn *conn, struct arena *arena, const char *today,
                        const char *now, int64_t **ids_out, size_t *n_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"quotes\" SET \"status\" = 'expired', \"version\" = \"version\" + 1, "
                  "\"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, " WHERE \"status\" = 'sent' AND \"deleted_at\" IS NULL "
                  "AND \"valid_until\" IS NOT NULL AND \"valid_until\" < ");
    sql_param_cstr(&sql, today);
    sql_add(&sql, " RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    int64_t *ids = arena_alloc_array(arena, rows.n_rows + 1, sizeof(*ids));
    for (size_t r = 0; r < rows.n_rows; r++)
        ids[r] = store_value_int(store_rows_at(&rows, r, 0));
    *ids_out = ids;
    *n_out = rows.n_rows;
    return 0;
}
