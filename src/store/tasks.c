/*
 * The successor of a recurring task (see tasks.h). The series' rule is
 * expanded from its first due time in its owner's time zone, so a task due
 * at 09:00 stays at 09:00 local time across daylight-saving changes. Whoever
 * asks first (the scheduler when the task falls due, the request that closes
 * it) marks the task next_created under its row lock and makes the
 * successor in the same transaction; the others find it marked. The unique
 * index on (series_id, due_at) backs that up.
 */
#include "store/tasks.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/access.h"
#include "domain/entity.h"
#include "domain/recurrence.h"
#include "store/store.h"
#include "store/timeline.h"

enum {
    COL_TITLE,
    COL_DESCRIPTION,
    COL_PRIORITY,
    COL_CONTACT,
    COL_COMPANY,
    COL_DEAL,
    COL_LEAD,
    COL_CHECKLIST,
    COL_ESTIMATE,
    COL_RRULE,
    COL_SERIES,
    COL_START,
    COL_OWNER,
    COL_DUE,
    COL_REMIND,
    COL_NEXT_CREATED,
    COL_TAGS,
    COL_CUSTOM,
    COL_SEARCH,
    COL_ZONE,
};

/* The checklist with every item not done yet, as JSON text. */
static const char *checklist_reset(struct arena *arena, const char *text)
{
    json_t *list = json_loads(text != NULL ? text : "[]", 0, NULL);
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (json_is_object(item))
            json_object_set_new(item, "done", json_false());
    }
    const char *copy = store_json_text(arena, list, "[]");
    json_decref(list);
    return copy;
}

/*
 * Marks the task's successor as made, unless someone did already (*claimed
 * false): the row's write lock makes a concurrent caller wait here and then
 * find it marked, so only one of them goes on to make the successor.
 */
static int claim_next(struct store_conn *conn, struct arena *arena, int64_t id, bool *claimed,
                      struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"tasks\" SET \"next_created\" = 1 WHERE \"next_created\" = 0 AND "
                  "\"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0)
        *claimed = rows.n_rows > 0;
    return rc;
}

static void param_value(struct sql_builder *sql, const struct store_value *v)
{
    if (v->type == STORE_NULL)
        sql_param_null(sql);
    else if (v->type == STORE_INT)
        sql_param_int(sql, v->i);
    else
        sql_param_text(sql, v->text, v->len);
}

/* Inserts the successor due at next_due (remind_at keeping its offset); *id_out 0 if it exists. */
static int insert_successor(struct store_conn *conn, struct arena *arena,
                            const struct store_rows *rows, int64_t id, int64_t due_ms,
                            int64_t next_ms, int64_t *id_out, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1], due[CLOCK_DATETIME_LEN + 1], remind[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    clock_format_datetime(next_ms, due);
    const struct store_value *remind_at = store_rows_at(rows, 0, COL_REMIND);
    int64_t remind_ms = 0;
    bool reminds = remind_at->type == STORE_TEXT &&
                   clock_parse_datetime(remind_at->text, remind_at->len, &remind_ms) == 0;
    if (reminds)
        clock_format_datetime(next_ms - (due_ms - remind_ms), remind);
    const struct store_value *series = store_rows_at(rows, 0, COL_SERIES);
    const struct store_value *start = store_rows_at(rows, 0, COL_START);

    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"tasks\" (\"title\", \"description\", \"priority\", "
                  "\"contact_id\", \"company_id\", \"deal_id\", \"lead_id\", \"checklist\", "
                  "\"estimate_s\", \"rrule\", \"owner_id\", \"tags\", \"custom\", "
                  "\"search_text\", \"series_id\", \"recurrence_start\", \"due_at\", "
                  "\"remind_at\", \"status\", \"created_at\", \"updated_at\") VALUES (");
    static const int copied[] = {COL_TITLE, COL_DESCRIPTION, COL_PRIORITY, COL_CONTACT,
                                 COL_COMPANY, COL_DEAL,      COL_LEAD};
    for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
        param_value(&sql, store_rows_at(rows, 0, (size_t)copied[i]));
        sql_add(&sql, ", ");
    }
    sql_param_cstr(&sql, checklist_reset(arena, store_rows_at(rows, 0, COL_CHECKLIST)->text));
    static const int copied_after[] = {COL_ESTIMATE, COL_RRULE, COL_OWNER,
                                       COL_TAGS,     COL_CUSTOM, COL_SEARCH};
    for (size_t i = 0; i < sizeof(copied_after) / sizeof(copied_after[0]); i++) {
        sql_add(&sql, ", ");
        param_value(&sql, store_rows_at(rows, 0, (size_t)copied_after[i]));
    }
    sql_add(&sql, ", ");
    sql_param_int(&sql, series->type == STORE_NULL ? id : store_value_int(series));
    sql_add(&sql, ", ");
    if (start->type == STORE_NULL)
        param_value(&sql, store_rows_at(rows, 0, COL_DUE));
    else
        param_value(&sql, start);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, due);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, reminds ? remind : NULL);
    sql_add(&sql, ", 'open', ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") ON CONFLICT (\"series_id\", \"due_at\") WHERE \"series_id\" IS NOT NULL "
                  "DO NOTHING RETURNING \"id\"");
    struct store_rows made;
    int rc = store_query(conn, arena, &sql, &made, err);
    if (rc < 0)
        return rc;
    *id_out = made.n_rows > 0 ? store_value_int(store_rows_at(&made, 0, 0)) : 0;
    if (*id_out == 0)
        return 0;
    json_t *task = NULL;
    rc = store_record_get(conn, arena, &entity_tasks, &access_system, *id_out, RECORD_LIVE, &task,
                          err);
    if (rc == 0)
        rc = store_timeline_mirror(conn, arena, &entity_tasks, task, 0, err);
    json_decref(task);
    return rc;
}

int store_task_make_next(struct store_conn *conn, struct arena *arena, int64_t id,
                         int64_t *made_id, struct err *err)
{
    *made_id = 0;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT t.\"title\", t.\"description\", t.\"priority\", t.\"contact_id\", "
                  "t.\"company_id\", t.\"deal_id\", t.\"lead_id\", t.\"checklist\", "
                  "t.\"estimate_s\", t.\"rrule\", t.\"series_id\", t.\"recurrence_start\", "
                  "t.\"owner_id\", t.\"due_at\", t.\"remind_at\", t.\"next_created\", t.\"tags\", "
                  "t.\"custom\", t.\"search_text\", u.\"time_zone\" FROM \"tasks\" t "
                  "LEFT JOIN \"users\" u ON u.\"id\" = t.\"owner_id\" WHERE t.\"deleted_at\" IS "
                  "NULL AND t.\"id\" = ");
    sql_param_int(&sql, id);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0 || rows.n_rows == 0)
        return rc;
    const struct store_value *rrule = store_rows_at(&rows, 0, COL_RRULE);
    const struct store_value *due = store_rows_at(&rows, 0, COL_DUE);
    if (rrule->type != STORE_TEXT || due->type != STORE_TEXT ||
        store_value_int(store_rows_at(&rows, 0, COL_NEXT_CREATED)) != 0)
        return 0;
    const struct store_value *start = store_rows_at(&rows, 0, COL_START);
    const struct store_value *zone = store_rows_at(&rows, 0, COL_ZONE);
    int64_t due_ms, start_ms, next_ms = 0;
    bool found = false, claimed = false;
    if (clock_parse_datetime(due->text, due->len, &due_ms) < 0)
        return err_set(err, ERR_INTERNAL, "task %lld has a malformed due time", (long long)id);
    start_ms = due_ms;
    if (start->type == STORE_TEXT && clock_parse_datetime(start->text, start->len, &start_ms) < 0)
        start_ms = due_ms;
    rc = claim_next(conn, arena, id, &claimed, err);
    if (rc < 0 || !claimed)
        return rc;
    /*
     * The next occurrence after this one's due time, or after now when that
     * is later: occurrences missed while nobody ran the scheduler are
     * skipped, so a series has at most one overdue instance.
     */
    int64_t now_ms = clock_now_ms();
    rc = recurrence_next(rrule->text, start_ms, zone->type == STORE_TEXT ? zone->text : "UTC",
                         due_ms > now_ms ? due_ms : now_ms, &next_ms, &found, err);
    if (rc == 0 && found)
        rc = insert_successor(conn, arena, &rows, id, due_ms, next_ms, made_id, err);
    return rc;
}

int store_task_series_start(struct store_conn *conn, struct arena *arena, int64_t id,
                            struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"tasks\" SET \"series_id\" = \"id\", \"recurrence_start\" = "
                  "COALESCE(\"recurrence_start\", \"due_at\") WHERE \"series_id\" IS NULL AND "
                  "\"id\" = ");
    sql_param_int(&sql, id);
    return store_query(conn, arena, &sql, NULL, err);
}
