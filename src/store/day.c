/*
 * The day plan, time tracking and task reports in the store (see day.h).
 * Every statement is shared by both dialects; times are the stored ISO 8601
 * UTC text, so ranges are text comparisons. The timer's writes lock the
 * user's row first on PostgreSQL (SQLite's BEGIN IMMEDIATE already
 * serialises writers), so two starts of one user run one after the other
 * and the second stops the first instead of failing on the index that
 * allows one running entry per user.
 */
#include "store/day.h"

#include <stdbool.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "store/store.h"

#define ENTRY_COLUMNS                                                                              \
    "\"id\", \"user_id\", \"task_id\", \"started_at\", \"ended_at\", \"seconds\", \"note\", "      \
    "\"created_at\""

#define USER_COLUMNS "\"id\", \"name\", \"team_id\", \"time_zone\" FROM \"users\""

static json_t *text_or_null_json(const struct store_value *v)
{
    return v->type == STORE_NULL ? json_null() : json_stringn(v->text, v->len);
}

static json_t *entry_json(const struct store_rows *rows, size_t r)
{
    return json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "user_id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 1)), "task_id",
                     store_value_int_json(store_rows_at(rows, r, 2)), "started_at",
                     text_or_null_json(store_rows_at(rows, r, 3)), "ended_at",
                     text_or_null_json(store_rows_at(rows, r, 4)), "seconds",
                     store_value_int_json(store_rows_at(rows, r, 5)), "note",
                     text_or_null_json(store_rows_at(rows, r, 6)), "created_at",
                     text_or_null_json(store_rows_at(rows, r, 7)));
}

/* Runs sql and answers its first row as an entry; *out NULL when there is none. */
static int entry_query_one(struct store_conn *conn, struct arena *arena,
                           const struct sql_builder *sql, json_t **out, struct err *err)
{
    struct store_rows rows;
    *out = NULL;
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows > 0)
        *out = entry_json(&rows, 0);
    return 0;
}

/* An integer answered by a one-row statement (0 for NULL or no row). */
static int query_int(struct store_conn *conn, struct arena *arena, const struct sql_builder *sql,
                     int64_t *out, struct err *err)
{
    struct store_rows rows;
    *out = 0;
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc == 0 && rows.n_rows > 0)
        *out = store_value_int(store_rows_at(&rows, 0, 0));
    return rc;
}

static void user_read(const struct store_rows *rows, size_t r, struct day_user *out)
{
    const struct store_value *zone = store_rows_at(rows, r, 3);
    *out = (struct day_user){
        .id = store_value_int(store_rows_at(rows, r, 0)),
        .name = store_rows_at(rows, r, 1)->text,
        .team_id = store_value_int(store_rows_at(rows, r, 2)),
        .time_zone = zone->type == STORE_TEXT && zone->len > 0 ? zone->text : "UTC",
    };
}

int store_day_user(struct store_conn *conn, struct arena *arena, int64_t id, struct day_user *out,
                   struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " USER_COLUMNS " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no user with id %lld", (long long)id);
    user_read(&rows, 0, out);
    return 0;
}

int store_day_team_users(struct store_conn *conn, struct arena *arena, int64_t team_id,
                         struct day_user **out, size_t *n_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " USER_COLUMNS " WHERE \"team_id\" = ");
    sql_param_int(&sql, team_id);
    sql_add(&sql, " AND \"disabled_at\" IS NULL ORDER BY \"name\", \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    struct day_user *users = arena_alloc_array(arena, rows.n_rows + 1, sizeof(*users));
    for (size_t r = 0; r < rows.n_rows; r++)
        user_read(&rows, r, &users[r]);
    *out = users;
    *n_out = rows.n_rows;
    return 0;
}

/* ---- time entries ---- */

/* Holds the user's row until the transaction ends (PostgreSQL; SQLite holds the database). */
static int user_lock(struct store_conn *conn, struct arena *arena, int64_t user_id, struct err *err)
{
    if (store_conn_dialect(conn) != SQL_POSTGRES)
        return 0;
    struct sql_builder sql;
    sql_init(&sql, arena, SQL_POSTGRES);
    sql_add(&sql, "SELECT \"id\" FROM \"users\" WHERE \"id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " FOR UPDATE");
    return store_query(conn, arena, &sql, NULL, err);
}

/* Adds seconds (may be negative) to the task's time_spent_s, never below 0; nothing else. */
static int task_time_add(struct store_conn *conn, struct arena *arena, int64_t task_id,
                         int64_t seconds, struct err *err)
{
    if (task_id <= 0 || seconds == 0)
        return 0;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"tasks\" SET \"time_spent_s\" = CASE WHEN \"time_spent_s\" + ");
    sql_param_int(&sql, seconds);
    sql_add(&sql, " > 0 THEN \"time_spent_s\" + ");
    sql_param_int(&sql, seconds);
    sql_add(&sql, " ELSE 0 END WHERE \"id\" = ");
    sql_param_int(&sql, task_id);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_time_entry_running(struct store_conn *conn, struct arena *arena, int64_t user_id,
                             json_t **out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " ENTRY_COLUMNS " FROM \"time_entries\" WHERE \"user_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " AND \"ended_at\" IS NULL");
    return entry_query_one(conn, arena, &sql, out, err);
}

int store_time_entry_stop(struct store_conn *conn, struct arena *arena, int64_t user_id,
                          int64_t now_ms, json_t **out, struct err *err)
{
    json_t *running = NULL;
    int64_t started_ms = 0;
    char ended[CLOCK_DATETIME_LEN + 1];
    *out = NULL;
    int rc = user_lock(conn, arena, user_id, err);
    if (rc == 0)
        rc = store_time_entry_running(conn, arena, user_id, &running, err);
    if (rc < 0 || running == NULL)
        goto out;
    const char *started = json_string_value(json_object_get(running, "started_at"));
    if (started == NULL || clock_parse_datetime(started, strlen(started), &started_ms) < 0) {
        rc = err_set(err, ERR_INTERNAL, "time entry %lld has an unreadable start",
                     (long long)json_integer_value(json_object_get(running, "id")));
        goto out;
    }
    int64_t seconds = now_ms > started_ms ? (now_ms - started_ms) / 1000 : 0;
    clock_format_datetime(now_ms, ended);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"time_entries\" SET \"ended_at\" = ");
    sql_param_cstr(&sql, ended);
    sql_add(&sql, ", \"seconds\" = ");
    sql_param_int(&sql, seconds);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, json_integer_value(json_object_get(running, "id")));
    sql_add(&sql, " AND \"ended_at\" IS NULL RETURNING " ENTRY_COLUMNS);
    rc = entry_query_one(conn, arena, &sql, out, err);
    if (rc == 0 && *out != NULL)
        rc = task_time_add(conn, arena, json_integer_value(json_object_get(*out, "task_id")),
                           seconds, err);
out:
    json_decref(running);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int store_time_entry_start(struct store_conn *conn, struct arena *arena, int64_t user_id,
                           int64_t task_id, int64_t now_ms, json_t **stopped, json_t **out,
                           struct err *err)
{
    json_t *was = NULL;
    char now[CLOCK_DATETIME_LEN + 1];
    *out = NULL;
    int rc = store_time_entry_stop(conn, arena, user_id, now_ms, &was, err);
    if (rc < 0)
        goto out;
    clock_format_datetime(now_ms, now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"time_entries\" (\"user_id\", \"task_id\", \"started_at\", "
                  "\"created_at\") VALUES (");
    sql_param_int(&sql, user_id);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, task_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") RETURNING " ENTRY_COLUMNS);
    rc = entry_query_one(conn, arena, &sql, out, err);
    if (rc == 0 && *out == NULL)
        rc = err_set(err, ERR_INTERNAL, "the new time entry was not returned");
out:
    if (rc == 0 && stopped != NULL) {
        *stopped = was;
        was = NULL;
    }
    json_decref(was);
    return rc;
}

int store_time_entry_insert(struct store_conn *conn, struct arena *arena, int64_t user_id,
                            int64_t task_id, int64_t started_ms, int64_t seconds, const char *note,
                            json_t **out, struct err *err)
{
    char started[CLOCK_DATETIME_LEN + 1], ended[CLOCK_DATETIME_LEN + 1],
        now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(started_ms, started);
    clock_format_datetime(started_ms + seconds * 1000, ended);
    clock_format_datetime(clock_now_ms(), now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"time_entries\" (\"user_id\", \"task_id\", \"started_at\", "
                  "\"ended_at\", \"seconds\", \"note\", \"created_at\") VALUES (");
    sql_param_int(&sql, user_id);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, task_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, started);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, ended);
    sql_add(&sql, ", ");
    sql_param_int(&sql, seconds);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, note);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") RETURNING " ENTRY_COLUMNS);
    int rc = entry_query_one(conn, arena, &sql, out, err);
    if (rc == 0 && *out == NULL)
        rc = err_set(err, ERR_INTERNAL, "the new time entry was not returned");
    if (rc == 0)
        rc = task_time_add(conn, arena, task_id, seconds, err);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int store_time_entry_delete(struct store_conn *conn, struct arena *arena, int64_t user_id,
                            int64_t id, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"time_entries\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " AND \"user_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " RETURNING \"task_id\", \"seconds\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no time entry with id %lld", (long long)id);
    return task_time_add(conn, arena, store_value_int(store_rows_at(&rows, 0, 0)),
                         -store_value_int(store_rows_at(&rows, 0, 1)), err);
}

/* The conditions of a list of entries, without its cursor. */
static void entries_where(struct sql_builder *sql, const struct time_entry_query *q)
{
    sql_add(sql, " FROM \"time_entries\" WHERE \"user_id\" = ");
    sql_param_int(sql, q->user_id);
    if (q->from != NULL) {
        sql_add(sql, " AND \"started_at\" >= ");
        sql_param_cstr(sql, q->from);
    }
    if (q->to != NULL) {
        sql_add(sql, " AND \"started_at\" < ");
        sql_param_cstr(sql, q->to);
    }
    if (q->task_id > 0) {
        sql_add(sql, " AND \"task_id\" = ");
        sql_param_int(sql, q->task_id);
    }
}

int store_time_entries_list(struct store_conn *conn, struct arena *arena,
                            const struct time_entry_query *q, json_t **out, bool *more,
                            int64_t *total_s, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    *out = NULL;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT COALESCE(SUM(\"seconds\"), 0)");
    entries_where(&sql, q);
    int rc = query_int(conn, arena, &sql, total_s, err);
    if (rc < 0)
        return rc;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " ENTRY_COLUMNS);
    entries_where(&sql, q);
    if (q->after_at != NULL) {
        sql_add(&sql, " AND (\"started_at\" > ");
        sql_param_cstr(&sql, q->after_at);
        sql_add(&sql, " OR (\"started_at\" = ");
        sql_param_cstr(&sql, q->after_at);
        sql_add(&sql, " AND \"id\" > ");
        sql_param_int(&sql, q->after_id);
        sql_add(&sql, "))");
    }
    sql_addf(&sql, " ORDER BY \"started_at\", \"id\" LIMIT %zu", q->limit + 1);
    rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *more = rows.n_rows > q->limit;
    *out = json_array();
    for (size_t r = 0; r < rows.n_rows && r < q->limit; r++)
        json_array_append_new(*out, entry_json(&rows, r));
    return 0;
}

int store_time_logged(struct store_conn *conn, struct arena *arena, int64_t user_id,
                      const char *from, const char *to, int64_t *seconds, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT COALESCE(SUM(\"seconds\"), 0) FROM \"time_entries\" WHERE "
                  "\"user_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " AND \"started_at\" >= ");
    sql_param_cstr(&sql, from);
    sql_add(&sql, " AND \"started_at\" < ");
    sql_param_cstr(&sql, to);
    sql_add(&sql, " AND \"seconds\" IS NOT NULL");
    return query_int(conn, arena, &sql, seconds, err);
}

/* ---- reports ---- */

/* A stored time as milliseconds; ERR_INTERNAL when it cannot be read. */
static int stored_ms(const struct store_value *v, int64_t *ms, struct err *err)
{
    if (v->type == STORE_TEXT && clock_parse_datetime(v->text, v->len, ms) == 0)
        return 0;
    return err_set(err, ERR_INTERNAL, "a stored time cannot be read");
}

int store_effectiveness_load(struct store_conn *conn, struct arena *arena, int64_t user_id,
                             int64_t from_ms, int64_t to_ms, struct effectiveness_input *out,
                             struct err *err)
{
    char from[CLOCK_DATETIME_LEN + 1], to[CLOCK_DATETIME_LEN + 1];
    struct sql_builder sql;
    struct store_rows rows;
    clock_format_datetime(from_ms, from);
    clock_format_datetime(to_ms, to);
    *out = (struct effectiveness_input){0};

    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT COUNT(*) FROM \"tasks\" WHERE \"owner_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " AND \"deleted_at\" IS NULL AND \"status\" NOT IN ('done', 'cancelled') "
                  "AND \"due_at\" < ");
    sql_param_cstr(&sql, from);
    int rc = query_int(conn, arena, &sql, &out->carried_before, err);
    if (rc < 0)
        return rc;

    /* Due within the range, or due before it and done within it or later. */
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"due_at\", \"status\", \"done_at\", \"estimate_s\" FROM \"tasks\" "
                  "WHERE \"owner_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " AND \"deleted_at\" IS NULL AND \"status\" <> 'cancelled' AND \"due_at\" < ");
    sql_param_cstr(&sql, to);
    sql_add(&sql, " AND (\"due_at\" >= ");
    sql_param_cstr(&sql, from);
    sql_add(&sql, " OR (\"status\" = 'done' AND \"done_at\" >= ");
    sql_param_cstr(&sql, from);
    sql_add(&sql, "))");
    rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    out->tasks = arena_alloc_array(arena, rows.n_rows + 1, sizeof(*out->tasks));
    for (size_t r = 0; r < rows.n_rows; r++) {
        struct effectiveness_task *t = &out->tasks[r];
        const struct store_value *status = store_rows_at(&rows, r, 1);
        const struct store_value *done_at = store_rows_at(&rows, r, 2);
        rc = stored_ms(store_rows_at(&rows, r, 0), &t->due_ms, err);
        if (rc < 0)
            return rc;
        t->done_ms = EFFECTIVENESS_NOT_DONE;
        if (status->type == STORE_TEXT && strcmp(status->text, "done") == 0) {
            t->done_ms = INT64_MIN;
            rc = done_at->type != STORE_NULL ? stored_ms(done_at, &t->done_ms, err) : 0;
            if (rc < 0)
                return rc;
        }
        t->estimate_s = store_value_int(store_rows_at(&rows, r, 3));
    }
    out->n_tasks = rows.n_rows;

    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"started_at\", \"seconds\" FROM \"time_entries\" WHERE \"user_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " AND \"started_at\" >= ");
    sql_param_cstr(&sql, from);
    sql_add(&sql, " AND \"started_at\" < ");
    sql_param_cstr(&sql, to);
    sql_add(&sql, " AND \"seconds\" IS NOT NULL");
    rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    out->entries = arena_alloc_array(arena, rows.n_rows + 1, sizeof(*out->entries));
    for (size_t r = 0; r < rows.n_rows; r++) {
        rc = stored_ms(store_rows_at(&rows, r, 0), &out->entries[r].started_ms, err);
        if (rc < 0)
            return rc;
        out->entries[r].seconds = store_value_int(store_rows_at(&rows, r, 1));
    }
    out->n_entries = rows.n_rows;
    return 0;
}

/* Appends "<column> >= from AND <column> < to". */
static void within(struct sql_builder *sql, const char *column, const char *from, const char *to)
{
    sql_addf(sql, "%s >= ", column);
    sql_param_cstr(sql, from);
    sql_addf(sql, " AND %s < ", column);
    sql_param_cstr(sql, to);
}

int store_task_report(struct store_conn *conn, struct arena *arena, int64_t user_id,
                      const char *from, const char *to, const char *overdue_at, size_t max_done,
                      struct task_report *out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    *out = (struct task_report){0};
    sql_init(&sql, arena, store_conn_dialect(conn));
    /* created */
    sql_add(&sql, "SELECT COALESCE(SUM(CASE WHEN ");
    within(&sql, "\"created_at\"", from, to);
    /* done */
    sql_add(&sql, " THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN \"status\" = 'done' AND ");
    within(&sql, "\"done_at\"", from, to);
    /* done_on_time */
    sql_add(&sql, " THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN \"status\" = 'done' AND ");
    within(&sql, "\"done_at\"", from, to);
    sql_add(&sql, " AND (\"due_at\" IS NULL OR \"done_at\" <= \"due_at\") THEN 1 ELSE 0 END), 0), "
                  "COALESCE(SUM(CASE WHEN \"status\" <> 'cancelled' AND \"due_at\" < ");
    /* overdue */
    sql_param_cstr(&sql, overdue_at);
    sql_add(&sql, " AND NOT (\"status\" = 'done' AND (\"done_at\" IS NULL OR \"done_at\" < ");
    sql_param_cstr(&sql, overdue_at);
    /* cancelled */
    sql_add(&sql, ")) THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN \"status\" = 'cancelled' "
                  "AND ((");
    within(&sql, "\"due_at\"", from, to);
    sql_add(&sql, ") OR (\"due_at\" IS NULL AND ");
    within(&sql, "\"created_at\"", from, to);
    sql_add(&sql, ")) THEN 1 ELSE 0 END), 0) FROM \"tasks\" WHERE \"owner_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " AND \"deleted_at\" IS NULL");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows > 0) {
        out->created = store_value_int(store_rows_at(&rows, 0, 0));
        out->done = store_value_int(store_rows_at(&rows, 0, 1));
        out->done_on_time = store_value_int(store_rows_at(&rows, 0, 2));
        out->overdue = store_value_int(store_rows_at(&rows, 0, 3));
        out->cancelled = store_value_int(store_rows_at(&rows, 0, 4));
    }
    rc = store_time_logged(conn, arena, user_id, from, to, &out->time_logged_s, err);
    if (rc < 0)
        return rc;

    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"id\", \"title\", \"done_at\", \"time_spent_s\" FROM \"tasks\" "
                  "WHERE \"owner_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " AND \"deleted_at\" IS NULL AND \"status\" = 'done' AND ");
    within(&sql, "\"done_at\"", from, to);
    sql_addf(&sql, " ORDER BY \"done_at\", \"id\" LIMIT %zu", max_done);
    rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    out->done_tasks = json_array();
    for (size_t r = 0; r < rows.n_rows; r++)
        json_array_append_new(out->done_tasks,
                              json_pack("{s:I,s:o,s:o,s:I}", "id",
                                        (json_int_t)store_value_int(store_rows_at(&rows, r, 0)),
                                        "title", text_or_null_json(store_rows_at(&rows, r, 1)),
                                        "done_at", text_or_null_json(store_rows_at(&rows, r, 2)),
                                        "time_spent_s",
                                        (json_int_t)store_value_int(store_rows_at(&rows, r, 3))));
    return 0;
}
