/*
 * A person's records and their erasure (store/gdpr.h). Records are
 * scrubbed one row at a time from a table of rules per entity, so that
 * each row's search text is computed anew from what is left of it; the
 * rows that only mention the person (attachments, timeline, audit, ...)
 * are rewritten by one statement each, selecting them by subqueries over
 * the person's records rather than by long lists of ids.
 */
#include "store/gdpr.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "domain/access.h"
#include "domain/entity.h"
#include "store/store.h"

/* The consent sources the API names; any other source is free text, erased. */
#define GDPR_KNOWN_SOURCES "'form', 'import', 'phone', 'email', 'in_person', 'api'"

/* ---- the person's records ---- */

/* "SELECT id FROM leads WHERE converted_contact_id = ?" */
static void leads_of(struct sql_builder *sql, int64_t contact_id)
{
    sql_add(sql, "SELECT \"id\" FROM \"leads\" WHERE \"converted_contact_id\" = ");
    sql_param_int(sql, contact_id);
}

/* The activities or tasks (table) of the contact or of its leads. */
static void work_of(struct sql_builder *sql, const char *table, int64_t contact_id)
{
    sql_addf(sql, "SELECT \"id\" FROM \"%s\" WHERE \"contact_id\" = ", table);
    sql_param_int(sql, contact_id);
    sql_add(sql, " OR \"lead_id\" IN (");
    leads_of(sql, contact_id);
    sql_add(sql, ")");
}

/*
 * "(...)": the rows whose entity and record_id columns name one of the
 * person's records (the contact, its leads, activities or tasks).
 */
static void about_person(struct sql_builder *sql, int64_t contact_id)
{
    sql_add(sql, "((\"entity\" = 'contacts' AND \"record_id\" = ");
    sql_param_int(sql, contact_id);
    sql_add(sql, ") OR (\"entity\" = 'leads' AND \"record_id\" IN (");
    leads_of(sql, contact_id);
    sql_add(sql, ")) OR (\"entity\" = 'activities' AND \"record_id\" IN (");
    work_of(sql, "activities", contact_id);
    sql_add(sql, ")) OR (\"entity\" = 'tasks' AND \"record_id\" IN (");
    work_of(sql, "tasks", contact_id);
    sql_add(sql, ")))");
}

/* The first column of every row as ids in the arena. */
static int query_ids(struct store_conn *conn, struct arena *arena, struct sql_builder *sql,
                     int64_t **ids, size_t *n, struct err *err)
{
    struct store_rows rows;
    sql_add(sql, " ORDER BY 1");
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc < 0)
        return rc;
    *ids = arena_alloc_array(arena, rows.n_rows + 1, sizeof(**ids));
    for (size_t r = 0; r < rows.n_rows; r++)
        (*ids)[r] = store_value_int(store_rows_at(&rows, r, 0));
    *n = rows.n_rows;
    return 0;
}

int store_gdpr_person(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                      struct gdpr_person *out, struct err *err)
{
    struct sql_builder sql;
    *out = (struct gdpr_person){0};
    sql_init(&sql, arena, store_conn_dialect(conn));
    leads_of(&sql, contact_id);
    int rc = query_ids(conn, arena, &sql, &out->lead_ids, &out->n_leads, err);
    if (rc == 0) {
        sql_init(&sql, arena, store_conn_dialect(conn));
        work_of(&sql, "activities", contact_id);
        rc = query_ids(conn, arena, &sql, &out->activity_ids, &out->n_activities, err);
    }
    if (rc == 0) {
        sql_init(&sql, arena, store_conn_dialect(conn));
        work_of(&sql, "tasks", contact_id);
        rc = query_ids(conn, arena, &sql, &out->task_ids, &out->n_tasks, err);
    }
    if (rc == 0) {
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_add(&sql, "SELECT \"deal_id\" FROM \"deal_contacts\" WHERE \"contact_id\" = ");
        sql_param_int(&sql, contact_id);
        rc = query_ids(conn, arena, &sql, &out->deal_ids, &out->n_deals, err);
    }
    return rc;
}

/* ---- scrubbing records ---- */

enum scrub_kind {
    SCRUB_TEXT,         /* set to the rule's text */
    SCRUB_MARK,         /* a value becomes GDPR_ERASED_TEXT; null stays null */
    SCRUB_NULL,         /* null */
    SCRUB_EMPTY_LIST,   /* [] */
    SCRUB_EMPTY_OBJECT, /* {} */
    SCRUB_ERASED_ID     /* "#<id>": the pseudonymous name that stays */
};

struct scrub_rule {
    const char *column; /* also the record's key */
    enum scrub_kind kind;
    const char *text;
};

static const struct scrub_rule contact_rules[] = {
    {"first_name", SCRUB_TEXT, "Erased"},  {"last_name", SCRUB_ERASED_ID, NULL},
    {"emails", SCRUB_EMPTY_LIST, NULL},    {"phones", SCRUB_EMPTY_LIST, NULL},
    {"birthday", SCRUB_NULL, NULL},        {"position", SCRUB_NULL, NULL},
    {"interests", SCRUB_EMPTY_LIST, NULL}, {"skills", SCRUB_EMPTY_LIST, NULL},
    {"social", SCRUB_EMPTY_OBJECT, NULL},  {"photo_url", SCRUB_NULL, NULL},
    {"photo_id", SCRUB_NULL, NULL},        {"addresses", SCRUB_EMPTY_LIST, NULL},
    {"tags", SCRUB_EMPTY_LIST, NULL},      {"custom", SCRUB_EMPTY_OBJECT, NULL},
    {"external_id", SCRUB_NULL, NULL},
};

static const struct scrub_rule lead_rules[] = {
    {"title", SCRUB_MARK, NULL},
    {"name", SCRUB_MARK, NULL},
    {"email", SCRUB_NULL, NULL},
    {"phone", SCRUB_NULL, NULL},
    {"notes", SCRUB_MARK, NULL},
    {"referrer", SCRUB_NULL, NULL},
    {"disqualify_reason", SCRUB_MARK, NULL},
    {"custom", SCRUB_EMPTY_OBJECT, NULL},
    {"external_id", SCRUB_NULL, NULL},
};

static const struct scrub_rule activity_rules[] = {
    {"subject", SCRUB_MARK, NULL},
    {"body", SCRUB_MARK, NULL},
    {"outcome", SCRUB_MARK, NULL},
    {"place", SCRUB_NULL, NULL},
    {"participants", SCRUB_EMPTY_LIST, NULL},
    {"custom", SCRUB_EMPTY_OBJECT, NULL},
    {"external_id", SCRUB_NULL, NULL},
};

static const struct scrub_rule task_rules[] = {
    {"title", SCRUB_TEXT, GDPR_ERASED_TEXT},
    {"description", SCRUB_MARK, NULL},
    {"checklist", SCRUB_EMPTY_LIST, NULL},
    {"custom", SCRUB_EMPTY_OBJECT, NULL},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The rule's new value for a record whose current value is current (new reference). */
static json_t *scrub_value(const struct scrub_rule *rule, const json_t *current, int64_t id)
{
    char number[32];
    switch (rule->kind) {
    case SCRUB_TEXT:
        return json_string(rule->text);
    case SCRUB_MARK:
        return current == NULL || json_is_null(current) ? json_null()
                                                        : json_string(GDPR_ERASED_TEXT);
    case SCRUB_EMPTY_LIST:
        return json_array();
    case SCRUB_EMPTY_OBJECT:
        return json_object();
    case SCRUB_ERASED_ID:
        snprintf(number, sizeof(number), "#%lld", (long long)id);
        return json_string(number);
    case SCRUB_NULL:
    default:
        return json_null();
    }
}

/*
 * Scrubs one record of entity (live or trashed) by rules: its columns, its
 * derived name, its search text, updated_at and version. *found is false
 * when there is no such record.
 */
static int scrub_record(struct store_conn *conn, const struct entity *entity,
                        const struct scrub_rule *rules, size_t n_rules, int64_t id, const char *at,
                        bool *found, struct err *err)
{
    struct arena *scratch = arena_new();
    struct sql_builder sql;
    json_t *record = NULL;
    *found = false;
    int rc = store_record_get(conn, scratch, entity, &access_system, id, RECORD_ANY, &record, err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(err);
        rc = 0;
        goto out;
    }
    if (rc < 0)
        goto out;
    *found = true;
    sql_init(&sql, scratch, store_conn_dialect(conn));
    sql_addf(&sql, "UPDATE \"%s\" SET ", entity_table(entity));
    for (size_t i = 0; i < n_rules; i++) {
        json_t *value = scrub_value(&rules[i], json_object_get(record, rules[i].column), id);
        sql_ident(&sql, rules[i].column);
        sql_add(&sql, " = ");
        if (json_is_array(value) || json_is_object(value))
            sql_param_cstr(&sql, store_json_text(scratch, value, "null"));
        else
            store_param_json(&sql, value);
        sql_add(&sql, ", ");
        json_object_set_new(record, rules[i].column, value);
    }
    if (entity->derived_name != NULL) {
        sql_add(&sql, "\"name\" = ");
        sql_param_cstr(&sql, entity->derived_name(scratch, record));
        sql_add(&sql, ", ");
    }
    sql_add(&sql, "\"search_text\" = ");
    sql_param_cstr(&sql, store_search_fold(scratch, entity->search_text(scratch, record)));
    sql_add(&sql, ", \"updated_at\" = ");
    sql_param_cstr(&sql, at);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"id\" = ");
    sql_param_int(&sql, id);
    rc = store_query(conn, scratch, &sql, NULL, err);
out:
    json_decref(record);
    arena_free(scratch);
    return rc;
}

static int scrub_records(struct store_conn *conn, const struct entity *entity,
                         const struct scrub_rule *rules, size_t n_rules, const int64_t *ids,
                         size_t n, const char *at, size_t *scrubbed, struct err *err)
{
    *scrubbed = 0;
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        int rc = scrub_record(conn, entity, rules, n_rules, ids[i], at, &found, err);
        if (rc < 0)
            return rc;
        *scrubbed += found;
    }
    return 0;
}

/* ---- rows that mention the person ---- */

/* Runs an UPDATE ... RETURNING "id"; *n counts the rows it changed (may be NULL). */
static int run_counted(struct store_conn *conn, struct arena *arena, struct sql_builder *sql,
                       size_t *n, struct err *err)
{
    struct store_rows rows;
    sql_add(sql, " RETURNING 1");
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc == 0 && n != NULL)
        *n = rows.n_rows;
    return rc;
}

/* Attachments of the person's records, deleted ones too: bytes, name and hash gone. */
static int erase_attachments(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                             const char *at, size_t *n, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"attachments\" SET \"data\" = ");
    sql_param_blob(&sql, "", 0);
    sql_add(&sql, ", \"size\" = 0, \"sha256\" = '', \"file_name\" = '" GDPR_ERASED_TEXT "', "
                  "\"deleted_at\" = COALESCE(\"deleted_at\", ");
    sql_param_cstr(&sql, at);
    sql_add(&sql, ") WHERE ");
    about_person(&sql, contact_id);
    return run_counted(conn, arena, &sql, n, err);
}

/*
 * Timeline items from the person's records, and those naming the contact
 * or its leads, except a deal's or a quote's own events (stage moves,
 * quote steps), which tell nothing personal.
 */
static int erase_timeline(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                          size_t *n, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"timeline_items\" SET \"summary\" = '" GDPR_ERASED_TEXT "', "
                  "\"detail\" = NULL WHERE ");
    about_person(&sql, contact_id);
    sql_add(&sql, " OR ((\"contact_id\" = ");
    sql_param_int(&sql, contact_id);
    sql_add(&sql, " OR \"lead_id\" IN (");
    leads_of(&sql, contact_id);
    sql_add(&sql, ")) AND \"entity\" NOT IN ('deals', 'quotes'))");
    return run_counted(conn, arena, &sql, n, err);
}

static int erase_notifications(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                               size_t *n, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"notifications\" SET \"summary\" = '" GDPR_ERASED_TEXT "' WHERE ");
    about_person(&sql, contact_id);
    return run_counted(conn, arena, &sql, n, err);
}

static int erase_time_notes(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                            struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"time_entries\" SET \"note\" = '" GDPR_ERASED_TEXT "' WHERE "
                  "\"note\" IS NOT NULL AND \"task_id\" IN (");
    work_of(&sql, "tasks", contact_id);
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

/*
 * Record entries about the person's records keep who, when, what action and
 * the record's id; their changes and details become {"erased": true}.
 * Security events (gdpr_export, gdpr_erase) hold ids and counts only.
 */
static int erase_audit(struct store_conn *conn, struct arena *arena, int64_t contact_id, size_t *n,
                       struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"audit_log\" SET "
                  "\"changes\" = CASE WHEN \"changes\" IS NULL THEN NULL "
                  "ELSE '{\"erased\":true}' END, "
                  "\"detail\" = CASE WHEN \"detail\" IS NULL THEN NULL "
                  "ELSE '{\"erased\":true}' END WHERE \"kind\" = 'record' AND ");
    about_person(&sql, contact_id);
    return run_counted(conn, arena, &sql, n, err);
}

/*
 * What an import kept to undo its updates of the person's records: gone.
 * The records' versions changed, so an undo leaves them as they are.
 */
static int erase_import_changes(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                                struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"import_changes\" SET \"before\" = NULL WHERE \"before\" IS NOT NULL "
                  "AND ");
    about_person(&sql, contact_id);
    return store_query(conn, arena, &sql, NULL, err);
}

static int erase_dup_keys(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                          struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"dup_keys\" WHERE ");
    about_person(&sql, contact_id);
    return store_query(conn, arena, &sql, NULL, err);
}

/* Snapshots of merges the contact took part in (merged_ids is a JSON list of ids). */
static int erase_merges(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                        struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"merges\" SET \"snapshot\" = '{\"erased\":true}' WHERE "
                  "\"entity\" = 'contacts' AND (\"survivor_id\" = ");
    sql_param_int(&sql, contact_id);
    sql_add(&sql, " OR ',' || replace(replace(replace(\"merged_ids\", ' ', ''), '[', ''), ']', "
                  "'') || ',' LIKE ");
    sql_param_cstr(&sql, arena_printf(arena, "%%,%lld,%%", (long long)contact_id));
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

/* Active consents are withdrawn at `at`; free-text sources are overwritten. */
static int erase_consents(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                          const char *at, size_t *n, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"consents\" SET \"withdrawn_at\" = ");
    sql_param_cstr(&sql, at);
    sql_add(&sql, " WHERE \"withdrawn_at\" IS NULL AND \"contact_id\" = ");
    sql_param_int(&sql, contact_id);
    int rc = run_counted(conn, arena, &sql, n, err);
    if (rc < 0)
        return rc;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"consents\" SET \"source\" = '" GDPR_ERASED_TEXT "' WHERE "
                  "\"source\" NOT IN (" GDPR_KNOWN_SOURCES ") AND \"contact_id\" = ");
    sql_param_int(&sql, contact_id);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_gdpr_erase(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                     const char *at, struct gdpr_erasure *out, struct err *err)
{
    struct gdpr_person person;
    bool found = false;
    *out = (struct gdpr_erasure){0};
    int rc = store_gdpr_person(conn, arena, contact_id, &person, err);
    if (rc == 0)
        rc = scrub_record(conn, &entity_contacts, contact_rules, COUNT(contact_rules), contact_id,
                          at, &found, err);
    if (rc < 0)
        return rc;
    if (!found)
        return err_set(err, ERR_NOT_FOUND, "no contact with id %lld", (long long)contact_id);
    rc = scrub_records(conn, &entity_leads, lead_rules, COUNT(lead_rules), person.lead_ids,
                       person.n_leads, at, &out->leads, err);
    if (rc == 0)
        rc = scrub_records(conn, &entity_activities, activity_rules, COUNT(activity_rules),
                           person.activity_ids, person.n_activities, at, &out->activities, err);
    if (rc == 0)
        rc = scrub_records(conn, &entity_tasks, task_rules, COUNT(task_rules), person.task_ids,
                           person.n_tasks, at, &out->tasks, err);
    if (rc == 0)
        rc = erase_attachments(conn, arena, contact_id, at, &out->attachments, err);
    if (rc == 0)
        rc = erase_timeline(conn, arena, contact_id, &out->timeline_items, err);
    if (rc == 0)
        rc = erase_notifications(conn, arena, contact_id, &out->notifications, err);
    if (rc == 0)
        rc = erase_time_notes(conn, arena, contact_id, err);
    if (rc == 0)
        rc = erase_audit(conn, arena, contact_id, &out->audit_entries, err);
    if (rc == 0)
        rc = erase_import_changes(conn, arena, contact_id, err);
    if (rc == 0)
        rc = erase_dup_keys(conn, arena, contact_id, err);
    if (rc == 0)
        rc = erase_merges(conn, arena, contact_id, err);
    if (rc == 0)
        rc = erase_consents(conn, arena, contact_id, at, &out->consents_withdrawn, err);
    if (rc == 0)
        rc = store_links_refresh_linking(conn, arena, &entity_contacts, contact_id, err);
    return rc;
}
