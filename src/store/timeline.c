/*
 * The client timeline's rows (see timeline.h). Items that mirror a record
 * are replaced when it changes; events are appended. Reading checks each
 * item against the caller's read scope over the entity it comes from.
 */
#include "store/timeline.h"

#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "domain/access.h"
#include "domain/entity.h"
#include "store/store.h"

#define TIMELINE_BODY_EXCERPT_CHARS 300

/* The entities whose records show on timelines. */
static const char *const timeline_entities[] = {"activities", "tasks", "contacts", "companies",
                                                "deals",      "leads", "quotes"};

bool store_timeline_shows(const char *entity)
{
    for (size_t i = 0; i < sizeof(timeline_entities) / sizeof(timeline_entities[0]); i++) {
        if (strcmp(timeline_entities[i], entity) == 0)
            return true;
    }
    return false;
}

int store_timeline_append(struct store_conn *conn, struct arena *arena,
                          const struct timeline_item *item, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"timeline_items\" (\"at\", \"kind\", \"entity\", \"record_id\", "
                  "\"summary\", \"detail\", \"contact_id\", \"company_id\", \"deal_id\", "
                  "\"lead_id\", \"owner_id\", \"user_id\") VALUES (");
    sql_param_cstr(&sql, item->at);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, item->kind);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, item->entity);
    sql_add(&sql, ", ");
    sql_param_int(&sql, item->record_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, item->summary);
    sql_add(&sql, ", ");
    const char *detail =
        json_is_null(item->detail) ? NULL : store_json_text(arena, item->detail, NULL);
    sql_param_text_or_null(&sql, detail);
    const int64_t ids[] = {item->subjects.contact_id, item->subjects.company_id,
                           item->subjects.deal_id,    item->subjects.lead_id,
                           item->owner_id,            item->user_id};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        sql_add(&sql, ", ");
        sql_param_id_or_null(&sql, ids[i]);
    }
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

static const char *text_of(const json_t *record, const char *key)
{
    const char *text = json_string_value(json_object_get(record, key));
    return text != NULL ? text : "";
}

static int64_t id_of(const json_t *record, const char *key)
{
    return json_integer_value(json_object_get(record, key));
}

json_t *store_timeline_pick(const json_t *record, const char *const *keys, size_t n)
{
    json_t *out = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(record, keys[i]);
        if (v != NULL && !json_is_null(v))
            json_object_set(out, keys[i], v);
    }
    return out;
}

int store_timeline_mirror(struct store_conn *conn, struct arena *arena,
                          const struct entity *entity, const json_t *record, int64_t user_id,
                          struct err *err)
{
    json_t *detail;
    struct timeline_item item = {
        .entity = entity->name,
        .record_id = id_of(record, "id"),
        .owner_id = id_of(record, "owner_id"),
        .user_id = user_id,
        .subjects = {id_of(record, "contact_id"), id_of(record, "company_id"),
                     id_of(record, "deal_id"), id_of(record, "lead_id")},
    };
    if (strcmp(entity->name, "activities") == 0) {
        static const char *const keys[] = {"type",    "subject", "direction", "duration_s",
                                           "outcome", "status",  "at",        "end_at",
                                           "place",   "amount"};
        detail = store_timeline_pick(record, keys, sizeof(keys) / sizeof(keys[0]));
        const char *body = json_string_value(json_object_get(record, "body"));
        if (body != NULL && *body != '\0') {
            size_t cut = utf8_prefix_bytes(body, TIMELINE_BODY_EXCERPT_CHARS);
            json_object_set_new(detail, "body", json_stringn(body, cut));
        }
        item.kind = text_of(record, "type");
        item.at = text_of(record, "at");
        const char *subject = text_of(record, "subject");
        item.summary = *subject != '\0' ? subject : item.kind;
    } else {
        static const char *const keys[] = {"title", "status", "due_at", "priority", "done_at"};
        detail = store_timeline_pick(record, keys, sizeof(keys) / sizeof(keys[0]));
        item.kind = "task";
        const char *at = text_of(record, "done_at");
        if (*at == '\0')
            at = text_of(record, "due_at");
        if (*at == '\0')
            at = text_of(record, "created_at");
        item.at = at;
        item.summary = text_of(record, "title");
    }
    item.detail = detail;
    int rc = store_timeline_put(conn, arena, &item, err);
    json_decref(detail);
    return rc;
}

int store_timeline_remove(struct store_conn *conn, struct arena *arena, const char *entity,
                          int64_t record_id, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"timeline_items\" WHERE \"entity\" = ");
    sql_param_cstr(&sql, entity);
    sql_add(&sql, " AND \"record_id\" = ");
    sql_param_int(&sql, record_id);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_timeline_put(struct store_conn *conn, struct arena *arena,
                       const struct timeline_item *item, struct err *err)
{
    int rc = store_timeline_remove(conn, arena, item->entity, item->record_id, err);
    return rc < 0 ? rc : store_timeline_append(conn, arena, item, err);
}

int store_timeline_reown(struct store_conn *conn, struct arena *arena, const char *entity,
                         int64_t record_id, int64_t owner_id, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"timeline_items\" SET \"owner_id\" = ");
    sql_param_id_or_null(&sql, owner_id);
    sql_add(&sql, " WHERE \"entity\" = ");
    sql_param_cstr(&sql, entity);
    sql_add(&sql, " AND \"record_id\" = ");
    sql_param_int(&sql, record_id);
    return store_query(conn, arena, &sql, NULL, err);
}

/* " AND (...)": items only from records the caller may read. */
static void visible_items(struct sql_builder *sql, const struct access *access)
{
    sql_add(sql, " AND (");
    for (size_t i = 0; i < sizeof(timeline_entities) / sizeof(timeline_entities[0]); i++) {
        const struct entity *e = entity_find(timeline_entities[i]);
        sql_addf(sql, "%s(t.\"entity\" = '%s'", i > 0 ? " OR " : "", timeline_entities[i]);
        store_owner_predicate(sql, access->read_scope[entity_index(e)], access,
                              "t.\"owner_id\"");
        sql_add(sql, ")");
    }
    sql_add(sql, ")");
}

static json_t *item_json(const struct store_rows *rows, size_t r)
{
    const struct store_value *detail = store_rows_at(rows, r, 6);
    json_t *parsed = detail->type == STORE_TEXT ? json_loads(detail->text, 0, NULL) : NULL;
    return json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:o,s:o}", "id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "kind",
                     store_rows_at(rows, r, 1)->text, "at", store_rows_at(rows, r, 2)->text,
                     "entity", store_rows_at(rows, r, 3)->text, "record_id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 4)), "summary",
                     store_rows_at(rows, r, 5)->text, "detail",
                     parsed != NULL ? parsed : json_null(), "user_id",
                     store_value_int_json(store_rows_at(rows, r, 7)));
}

/*
 * One branch of the list: the first limit + 1 items matching the subject
 * predicate (already in sql), the kinds, the cursor and the caller's
 * visibility, newest first.
 */
static void items_branch_rest(struct sql_builder *sql, const struct access *access,
                              const struct timeline_query *q)
{
    if (q->n_kinds > 0) {
        sql_add(sql, " AND t.\"kind\" IN (");
        for (size_t i = 0; i < q->n_kinds; i++) {
            if (i > 0)
                sql_add(sql, ", ");
            sql_param_cstr(sql, q->kinds[i]);
        }
        sql_add(sql, ")");
    }
    if (q->before_at != NULL) {
        sql_add(sql, " AND (t.\"at\" < ");
        sql_param_cstr(sql, q->before_at);
        sql_add(sql, " OR (t.\"at\" = ");
        sql_param_cstr(sql, q->before_at);
        sql_add(sql, " AND t.\"id\" < ");
        sql_param_int(sql, q->before_id);
        sql_add(sql, "))");
    }
    visible_items(sql, access);
    sql_add(sql, " ORDER BY t.\"at\" DESC, t.\"id\" DESC LIMIT ");
    sql_param_int(sql, (int64_t)q->limit + 1);
}

#define ITEM_COLUMNS                                                                               \
    "SELECT t.\"id\", t.\"kind\", t.\"at\", t.\"entity\", t.\"record_id\", t.\"summary\", "          \
    "t.\"detail\", t.\"user_id\" FROM \"timeline_items\" t WHERE "

int store_timeline_list(struct store_conn *conn, struct arena *arena, const struct access *access,
                        const struct timeline_query *q, json_t **out, bool *more,
                        struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    bool companies = q->n_company_ids > 0;
    /*
     * With companies, two index range reads (the subject's items, the
     * companies' own ones) each limited, merged and limited again.
     */
    if (companies)
        sql_add(&sql, "SELECT * FROM (");
    /* subject_column is one of four names chosen by the caller's code, never by input. */
    sql_add(&sql, ITEM_COLUMNS "t.");
    sql_ident(&sql, q->subject_column);
    sql_add(&sql, " = ");
    sql_param_int(&sql, q->subject_id);
    items_branch_rest(&sql, access, q);
    if (companies) {
        sql_add(&sql, ") a UNION ALL SELECT * FROM (" ITEM_COLUMNS "t.\"contact_id\" IS NULL AND "
                      "t.\"company_id\" IN (");
        for (size_t i = 0; i < q->n_company_ids; i++) {
            if (i > 0)
                sql_add(&sql, ", ");
            sql_param_int(&sql, q->company_ids[i]);
        }
        sql_add(&sql, ")");
        items_branch_rest(&sql, access, q);
        sql_add(&sql, ") b ORDER BY 3 DESC, 1 DESC LIMIT ");
        sql_param_int(&sql, (int64_t)q->limit + 1);
    }
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *more = rows.n_rows > q->limit;
    *out = json_array();
    for (size_t r = 0; r < rows.n_rows && r < q->limit; r++)
        json_array_append_new(*out, item_json(&rows, r));
    return 0;
}
