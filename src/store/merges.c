/*
 * Merges and the duplicate reads behind them (store/merges.h).
 *
 * DESIGN. What refers to a contact, a company or a lead is listed once, in
 * two tables: columns holding a record's id (merge_columns) and link tables
 * (merge_links). A merge moves each with one statement per merged record
 * and keeps the ids of the rows it moved; an undo looks the names it was
 * given up in the same tables, so no name read back from the database
 * ever becomes SQL text. Link tables have a primary key over both ends, so
 * a link the survivor already has cannot be moved: the merged record's
 * links are taken out and given to the survivor where it lacks them, and
 * the snapshot keeps both the links taken and those added.
 */
#include "store/merges.h"

#include <string.h>

#include "base/arena.h"
#include "domain/entity.h"
#include "store/store.h"

/* Ids per IN list. */
#define MERGE_CHUNK 500
/* Parents followed up from a survivor company at most. */
#define MERGE_MAX_DEPTH 64

/* A column holding the id of a record of entity. */
struct merge_column {
    const char *entity;
    const char *table;
    const char *column;
    bool by_entity; /* the row names the entity in its "entity" column */
};

static const struct merge_column merge_columns[] = {
    {"contacts", "activities", "contact_id", false},
    {"contacts", "tasks", "contact_id", false},
    {"contacts", "leads", "converted_contact_id", false},
    {"contacts", "consents", "contact_id", false},
    {"contacts", "timeline_items", "contact_id", false},
    {"contacts", "attachments", "record_id", true},
    {"contacts", "notifications", "record_id", true},
    {"companies", "activities", "company_id", false},
    {"companies", "tasks", "company_id", false},
    {"companies", "deals", "company_id", false},
    {"companies", "leads", "converted_company_id", false},
    {"companies", "companies", "parent_id", false},
    {"companies", "timeline_items", "company_id", false},
    {"companies", "attachments", "record_id", true},
    {"companies", "notifications", "record_id", true},
    {"leads", "activities", "lead_id", false},
    {"leads", "tasks", "lead_id", false},
    {"leads", "timeline_items", "lead_id", false},
    {"leads", "attachments", "record_id", true},
    {"leads", "notifications", "record_id", true},
};

/* A link table one of whose ends (column) is a record of entity. */
struct merge_link {
    const char *entity;
    const char *table;
    const char *column;
    const char *other;
};

static const struct merge_link merge_links[] = {
    {"contacts", "contact_companies", "contact_id", "company_id"},
    {"contacts", "deal_contacts", "contact_id", "deal_id"},
    {"companies", "contact_companies", "company_id", "contact_id"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static json_t *text_or_null(const struct store_value *v)
{
    return v->type == STORE_NULL ? json_null() : json_stringn(v->text, v->len);
}

/* A JSON text column parsed; fallback (new) when it is not of the type wanted. */
static json_t *json_column(const struct store_value *v, bool array)
{
    json_t *parsed = v->type == STORE_TEXT ? json_loadb(v->text, v->len, 0, NULL) : NULL;
    if (parsed != NULL && (array ? json_is_array(parsed) : json_is_object(parsed)))
        return parsed;
    json_decref(parsed);
    return array ? json_array() : json_object();
}

static void add_id_list(struct sql_builder *sql, const int64_t *ids, size_t n)
{
    sql_add(sql, "(");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            sql_add(sql, ", ");
        sql_param_int(sql, ids[i]);
    }
    sql_add(sql, ")");
}

/* ---- finding duplicates ---- */

/* Appends " AND key >[=] from" and " AND key <[=] to" for the bounds given. */
static void add_bounds(struct sql_builder *sql, struct dup_bound from, struct dup_bound to)
{
    if (from.key != NULL) {
        sql_add(sql, from.inclusive ? " AND \"key\" >= " : " AND \"key\" > ");
        sql_param_cstr(sql, from.key);
    }
    if (to.key != NULL) {
        sql_add(sql, to.inclusive ? " AND \"key\" <= " : " AND \"key\" < ");
        sql_param_cstr(sql, to.key);
    }
}

/* The keys at rows offset and offset + 1 from `from` (NULL when there is none). */
static int dup_keys_at(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                       struct dup_bound from, size_t offset, const char **first,
                       const char **second, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"key\" FROM \"dup_keys\" WHERE \"entity\" = ");
    sql_param_cstr(&sql, entity->name);
    add_bounds(&sql, from, (struct dup_bound){0});
    sql_addf(&sql, " ORDER BY \"key\" LIMIT 2 OFFSET %zu", offset);
    int rc = store_query(conn, arena, &sql, &rows, err);
    *first = rc == 0 && rows.n_rows > 0 ? store_rows_at(&rows, 0, 0)->text : NULL;
    *second = rc == 0 && rows.n_rows > 1 ? store_rows_at(&rows, 1, 0)->text : NULL;
    return rc;
}

int store_dup_window_end(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                         struct dup_bound from, size_t rows, struct dup_bound *end, struct err *err)
{
    const char *last, *next, *first, *unused;
    *end = (struct dup_bound){0};
    int rc = dup_keys_at(conn, arena, entity, from, rows > 0 ? rows - 1 : 0, &last, &next, err);
    if (rc < 0 || last == NULL || next == NULL)
        return rc; /* the rest is shorter than the window */
    if (strcmp(last, next) != 0) {
        *end = (struct dup_bound){last, true};
        return 0;
    }
    /* The window ends inside a key: before it, unless it is the window's first key. */
    rc = dup_keys_at(conn, arena, entity, from, 0, &first, &unused, err);
    if (rc == 0)
        *end = (struct dup_bound){last, first != NULL && strcmp(first, last) == 0};
    return rc;
}

int store_dup_blocks(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                     struct dup_bound from, struct dup_bound to, size_t limit,
                     struct dup_block **out, size_t *n_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"key\", COUNT(*) FROM \"dup_keys\" WHERE \"entity\" = ");
    sql_param_cstr(&sql, entity->name);
    add_bounds(&sql, from, to);
    sql_addf(&sql, " GROUP BY \"key\" HAVING COUNT(*) > 1 ORDER BY \"key\" LIMIT %zu", limit);
    int rc = store_query(conn, arena, &sql, &rows, err);
    *n_out = 0;
    *out = NULL;
    if (rc < 0)
        return rc;
    *out = arena_alloc_array(arena, rows.n_rows + 1, sizeof(**out));
    for (size_t r = 0; r < rows.n_rows; r++) {
        (*out)[r].key = store_rows_at(&rows, r, 0)->text;
        (*out)[r].n_records = store_value_int(store_rows_at(&rows, r, 1));
    }
    *n_out = rows.n_rows;
    return 0;
}

int store_dup_members(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                      const struct access *access, const char *const *keys, size_t n_keys,
                      size_t limit, struct dup_member **out, size_t *n_out, struct err *err)
{
    *out = NULL;
    *n_out = 0;
    if (n_keys == 0)
        return 0;
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql,
             "SELECT k.\"key\", k.\"record_id\" FROM \"dup_keys\" k JOIN \"%s\" t ON t.\"id\" = "
             "k.\"record_id\" AND t.\"deleted_at\" IS NULL WHERE k.\"entity\" = ",
             entity_table(entity));
    sql_param_cstr(&sql, entity->name);
    sql_add(&sql, " AND k.\"key\" IN (");
    for (size_t i = 0; i < n_keys; i++) {
        if (i > 0)
            sql_add(&sql, ", ");
        sql_param_cstr(&sql, keys[i]);
    }
    sql_add(&sql, ")");
    store_owner_predicate(&sql, access->scope, access, "t.\"owner_id\"");
    sql_add(&sql, " ORDER BY k.\"key\", k.\"record_id\"");
    if (limit > 0)
        sql_addf(&sql, " LIMIT %zu", limit);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *out = arena_alloc_array(arena, rows.n_rows + 1, sizeof(**out));
    for (size_t r = 0; r < rows.n_rows; r++) {
        (*out)[r].key = store_rows_at(&rows, r, 0)->text;
        (*out)[r].record_id = store_value_int(store_rows_at(&rows, r, 1));
    }
    *n_out = rows.n_rows;
    return 0;
}

/* [[id, name, role], ...] of a links copy as [{id, name}, ...] (new). */
static json_t *companies_of_links(const struct store_value *v)
{
    json_t *links = json_column(v, true), *out = json_array();
    size_t i;
    json_t *link;
    json_array_foreach(links, i, link)
    {
        json_array_append_new(out, json_pack("{s:O,s:O}", "id", json_array_get(link, 0), "name",
                                             json_array_get(link, 1)));
    }
    json_decref(links);
    return out;
}

/* Row r of a store_dup_records() SELECT as the matcher's object (new). */
static json_t *dup_record_json(const struct entity *entity, const struct store_rows *rows, size_t r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", store_value_int_json(store_rows_at(rows, r, 0)));
    json_object_set_new(o, "name", text_or_null(store_rows_at(rows, r, 1)));
    if (entity == &entity_contacts) {
        json_object_set_new(o, "first_name", text_or_null(store_rows_at(rows, r, 2)));
        json_object_set_new(o, "last_name", text_or_null(store_rows_at(rows, r, 3)));
        json_object_set_new(o, "emails", json_column(store_rows_at(rows, r, 4), true));
        json_object_set_new(o, "phones", json_column(store_rows_at(rows, r, 5), true));
        json_object_set_new(o, "companies", companies_of_links(store_rows_at(rows, r, 6)));
    } else if (entity == &entity_companies) {
        json_object_set_new(o, "website", text_or_null(store_rows_at(rows, r, 2)));
        json_object_set_new(o, "emails", json_column(store_rows_at(rows, r, 3), true));
        json_object_set_new(o, "phones", json_column(store_rows_at(rows, r, 4), true));
    } else {
        json_object_set_new(o, "email", text_or_null(store_rows_at(rows, r, 2)));
        json_object_set_new(o, "phone", text_or_null(store_rows_at(rows, r, 3)));
        json_object_set_new(o, "company_name", text_or_null(store_rows_at(rows, r, 4)));
        json_object_set_new(o, "title", text_or_null(store_rows_at(rows, r, 5)));
    }
    return o;
}

int store_dup_records(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                      const struct access *access, const int64_t *ids, size_t n, json_t **out,
                      struct err *err)
{
    const char *columns =
        entity == &entity_contacts
            ? "t.\"id\", t.\"name\", t.\"first_name\", t.\"last_name\", t.\"emails\", "
              "t.\"phones\", t.\"company_links\""
        : entity == &entity_companies
            ? "t.\"id\", t.\"name\", t.\"website\", t.\"emails\", t.\"phones\""
            : "t.\"id\", t.\"name\", t.\"email\", t.\"phone\", t.\"company_name\", t.\"title\"";
    *out = json_array();
    for (size_t start = 0; start < n; start += MERGE_CHUNK) {
        size_t count = n - start < MERGE_CHUNK ? n - start : MERGE_CHUNK;
        struct sql_builder sql;
        struct store_rows rows;
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_addf(&sql, "SELECT %s FROM \"%s\" t WHERE t.\"deleted_at\" IS NULL AND t.\"id\" IN ",
                 columns, entity_table(entity));
        add_id_list(&sql, ids + start, count);
        store_owner_predicate(&sql, access->scope, access, "t.\"owner_id\"");
        int rc = store_query(conn, arena, &sql, &rows, err);
        if (rc < 0) {
            json_decref(*out);
            *out = NULL;
            return rc;
        }
        for (size_t r = 0; r < rows.n_rows; r++)
            json_array_append_new(*out, dup_record_json(entity, &rows, r));
    }
    return 0;
}

/* ---- moving relations ---- */

/* The entity whose copy of links (entity_links.cache_column) lives on link table `table`. */
static const struct entity *entity_of_link_table(const char *table)
{
    for (size_t i = 0; i < entity_count(); i++) {
        const struct entity *e = entity_at(i);
        if (e->links != NULL && strcmp(e->links->table, table) == 0)
            return e;
    }
    return NULL;
}

/* Rewrites the copy of links of entity's rows ids[0..n) as the store writes it (records.c). */
static int links_cache_refresh(struct store_conn *conn, struct arena *arena,
                               const struct entity *entity, const int64_t *ids, size_t n,
                               struct err *err)
{
    for (size_t start = 0; start < n; start += MERGE_CHUNK) {
        size_t count = n - start < MERGE_CHUNK ? n - start : MERGE_CHUNK;
        struct sql_builder sql;
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_addf(&sql, "UPDATE \"%s\" AS t SET \"%s\" = ", entity_table(entity),
                 entity->links->cache_column);
        store_links_value(&sql, entity);
        sql_add(&sql, " WHERE t.\"id\" IN ");
        add_id_list(&sql, ids + start, count);
        int rc = store_query(conn, arena, &sql, NULL, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/*
 * After links of `link` changed between survivor and merged: the copies of
 * the records whose links changed (the two records themselves, or the
 * records at the other end, others[0..n)).
 */
static int link_caches_refresh(struct store_conn *conn, struct arena *arena,
                               const struct merge_link *link, int64_t survivor_id,
                               int64_t merged_id, const int64_t *others, size_t n, struct err *err)
{
    const struct entity *cached = entity_of_link_table(link->table);
    if (cached == NULL)
        return 0;
    if (strcmp(cached->links->this_column, link->column) == 0) {
        int64_t both[2] = {survivor_id, merged_id};
        return links_cache_refresh(conn, arena, cached, both, 2, err);
    }
    return links_cache_refresh(conn, arena, cached, others, n, err);
}

/* The ancestors of a company (parent, grandparent, ...), at most MERGE_MAX_DEPTH. */
static int company_ancestors(struct store_conn *conn, struct arena *arena, int64_t id, int64_t *out,
                             size_t *n, struct err *err)
{
    *n = 0;
    while (*n < MERGE_MAX_DEPTH) {
        struct sql_builder sql;
        struct store_rows rows;
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_add(&sql, "SELECT \"parent_id\" FROM \"companies\" WHERE \"id\" = ");
        sql_param_int(&sql, id);
        int rc = store_query(conn, arena, &sql, &rows, err);
        if (rc < 0)
            return rc;
        id = rows.n_rows > 0 ? store_value_int(store_rows_at(&rows, 0, 0)) : 0;
        if (id <= 0)
            return 0;
        for (size_t i = 0; i < *n; i++) {
            if (out[i] == id)
                return 0; /* a cycle the data already had */
        }
        out[(*n)++] = id;
    }
    return 0;
}

static int column_move(struct store_conn *conn, struct arena *arena, const struct merge_column *c,
                       int64_t survivor_id, int64_t merged_id, json_t *moves, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "UPDATE \"%s\" SET \"%s\" = ", c->table, c->column);
    sql_param_int(&sql, survivor_id);
    sql_addf(&sql, " WHERE \"%s\" = ", c->column);
    sql_param_int(&sql, merged_id);
    if (c->by_entity) {
        sql_add(&sql, " AND \"entity\" = ");
        sql_param_cstr(&sql, c->entity);
    }
    if (strcmp(c->table, "companies") == 0) {
        /* A child company that is the survivor or one of its ancestors would make a cycle. */
        int64_t ancestors[MERGE_MAX_DEPTH + 1];
        size_t n = 0;
        int rc = company_ancestors(conn, arena, survivor_id, ancestors, &n, err);
        if (rc < 0)
            return rc;
        ancestors[n++] = survivor_id;
        sql_add(&sql, " AND \"id\" NOT IN ");
        add_id_list(&sql, ancestors, n);
    }
    sql_add(&sql, " RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0 || rows.n_rows == 0)
        return rc;
    json_t *ids = json_array();
    for (size_t r = 0; r < rows.n_rows; r++)
        json_array_append_new(ids, json_integer(store_value_int(store_rows_at(&rows, r, 0))));
    json_array_append_new(moves, json_pack("{s:I,s:s,s:s,s:o}", "merged_id", (json_int_t)merged_id,
                                           "table", c->table, "column", c->column, "ids", ids));
    return 0;
}

static int link_move(struct store_conn *conn, struct arena *arena, const struct merge_link *link,
                     int64_t survivor_id, int64_t merged_id, json_t *moves, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "SELECT \"%s\", \"role\" FROM \"%s\" WHERE \"%s\" = ", link->other, link->table,
             link->column);
    sql_param_int(&sql, merged_id);
    sql_addf(&sql, " ORDER BY \"%s\"", link->other);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0 || rows.n_rows == 0)
        return rc;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "DELETE FROM \"%s\" WHERE \"%s\" = ", link->table, link->column);
    sql_param_int(&sql, merged_id);
    rc = store_query(conn, arena, &sql, NULL, err);
    json_t *taken = json_array(), *added = json_array();
    int64_t *others = arena_alloc_array(arena, rows.n_rows, sizeof(int64_t));
    for (size_t r = 0; rc == 0 && r < rows.n_rows; r++) {
        int64_t other = store_value_int(store_rows_at(&rows, r, 0));
        const struct store_value *role = store_rows_at(&rows, r, 1);
        others[r] = other;
        json_array_append_new(taken, json_pack("[I,o]", (json_int_t)other, text_or_null(role)));
        struct sql_builder ins;
        struct store_rows done;
        sql_init(&ins, arena, store_conn_dialect(conn));
        sql_addf(&ins, "INSERT INTO \"%s\" (\"%s\", \"%s\", \"role\") VALUES (", link->table,
                 link->column, link->other);
        sql_param_int(&ins, survivor_id);
        sql_add(&ins, ", ");
        sql_param_int(&ins, other);
        sql_add(&ins, ", ");
        if (role->type == STORE_NULL)
            sql_param_null(&ins);
        else
            sql_param_text(&ins, role->text, role->len);
        sql_addf(&ins, ") ON CONFLICT (\"%s\", \"%s\") DO NOTHING RETURNING \"%s\"", link->column,
                 link->other, link->other);
        rc = store_query(conn, arena, &ins, &done, err);
        if (rc == 0 && done.n_rows > 0)
            json_array_append_new(added, json_integer(other));
    }
    if (rc == 0)
        rc = link_caches_refresh(conn, arena, link, survivor_id, merged_id, others, rows.n_rows,
                                 err);
    json_array_append_new(moves,
                          json_pack("{s:I,s:s,s:s,s:s,s:o,s:o}", "merged_id", (json_int_t)merged_id,
                                    "link", link->table, "column", link->column, "other",
                                    link->other, "rows", taken, "added", added));
    return rc;
}

int store_merge_move(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                     int64_t survivor_id, int64_t merged_id, json_t *moves, struct err *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < COUNT(merge_columns); i++) {
        if (strcmp(merge_columns[i].entity, entity->name) == 0)
            rc = column_move(conn, arena, &merge_columns[i], survivor_id, merged_id, moves, err);
    }
    for (size_t i = 0; rc == 0 && i < COUNT(merge_links); i++) {
        if (strcmp(merge_links[i].entity, entity->name) == 0)
            rc = link_move(conn, arena, &merge_links[i], survivor_id, merged_id, moves, err);
    }
    return rc;
}

static const struct merge_column *column_find(const char *entity, const char *table,
                                              const char *column)
{
    for (size_t i = 0; table != NULL && column != NULL && i < COUNT(merge_columns); i++) {
        const struct merge_column *c = &merge_columns[i];
        if (strcmp(c->entity, entity) == 0 && strcmp(c->table, table) == 0 &&
            strcmp(c->column, column) == 0)
            return c;
    }
    return NULL;
}

static const struct merge_link *link_find(const char *entity, const char *table, const char *column)
{
    for (size_t i = 0; table != NULL && column != NULL && i < COUNT(merge_links); i++) {
        const struct merge_link *l = &merge_links[i];
        if (strcmp(l->entity, entity) == 0 && strcmp(l->table, table) == 0 &&
            strcmp(l->column, column) == 0)
            return l;
    }
    return NULL;
}

/* The integers of a JSON array, in the arena; *n how many. */
static int64_t *ids_of(struct arena *arena, const json_t *array, size_t *n)
{
    size_t count = json_array_size(array);
    int64_t *ids = arena_alloc_array(arena, count + 1, sizeof(int64_t));
    *n = 0;
    for (size_t i = 0; i < count; i++) {
        const json_t *v = json_array_get(array, i);
        if (json_is_integer(v))
            ids[(*n)++] = json_integer_value(v);
    }
    return ids;
}

static int column_move_back(struct store_conn *conn, struct arena *arena,
                            const struct merge_column *c, int64_t survivor_id, int64_t merged_id,
                            const json_t *row_ids, struct err *err)
{
    size_t n;
    int64_t *ids = ids_of(arena, row_ids, &n);
    for (size_t start = 0; start < n; start += MERGE_CHUNK) {
        size_t count = n - start < MERGE_CHUNK ? n - start : MERGE_CHUNK;
        struct sql_builder sql;
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_addf(&sql, "UPDATE \"%s\" SET \"%s\" = ", c->table, c->column);
        sql_param_int(&sql, merged_id);
        sql_addf(&sql, " WHERE \"%s\" = ", c->column);
        sql_param_int(&sql, survivor_id);
        sql_add(&sql, " AND \"id\" IN ");
        add_id_list(&sql, ids + start, count);
        int rc = store_query(conn, arena, &sql, NULL, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int link_move_back(struct store_conn *conn, struct arena *arena,
                          const struct merge_link *link, int64_t survivor_id, int64_t merged_id,
                          const json_t *move, struct err *err)
{
    size_t n_added;
    int64_t *added = ids_of(arena, json_object_get(move, "added"), &n_added);
    int rc = 0;
    for (size_t start = 0; rc == 0 && start < n_added; start += MERGE_CHUNK) {
        size_t count = n_added - start < MERGE_CHUNK ? n_added - start : MERGE_CHUNK;
        struct sql_builder sql;
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_addf(&sql, "DELETE FROM \"%s\" WHERE \"%s\" = ", link->table, link->column);
        sql_param_int(&sql, survivor_id);
        sql_addf(&sql, " AND \"%s\" IN ", link->other);
        add_id_list(&sql, added + start, count);
        rc = store_query(conn, arena, &sql, NULL, err);
    }
    const json_t *rows = json_object_get(move, "rows");
    size_t n_rows = json_array_size(rows), n_others = 0;
    int64_t *others = arena_alloc_array(arena, n_rows + 1, sizeof(int64_t));
    for (size_t i = 0; rc == 0 && i < n_rows; i++) {
        const json_t *row = json_array_get(rows, i);
        const json_t *other = json_array_get(row, 0);
        const char *role = json_string_value(json_array_get(row, 1));
        if (!json_is_integer(other))
            continue;
        others[n_others++] = json_integer_value(other);
        struct sql_builder sql;
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_addf(&sql, "INSERT INTO \"%s\" (\"%s\", \"%s\", \"role\") VALUES (", link->table,
                 link->column, link->other);
        sql_param_int(&sql, merged_id);
        sql_add(&sql, ", ");
        sql_param_int(&sql, json_integer_value(other));
        sql_add(&sql, ", ");
        sql_param_text_or_null(&sql, role);
        sql_addf(&sql, ") ON CONFLICT (\"%s\", \"%s\") DO NOTHING", link->column, link->other);
        rc = store_query(conn, arena, &sql, NULL, err);
    }
    if (rc == 0)
        rc = link_caches_refresh(conn, arena, link, survivor_id, merged_id, others, n_others, err);
    return rc;
}

int store_merge_move_back(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                          int64_t survivor_id, const json_t *moves, struct err *err)
{
    int rc = 0;
    for (size_t i = json_array_size(moves); rc == 0 && i-- > 0;) {
        const json_t *move = json_array_get(moves, i);
        int64_t merged_id = json_integer_value(json_object_get(move, "merged_id"));
        const char *column = json_string_value(json_object_get(move, "column"));
        const char *link_table = json_string_value(json_object_get(move, "link"));
        if (merged_id <= 0)
            return err_set(err, ERR_INTERNAL, "the merge's snapshot names no merged record");
        if (link_table != NULL) {
            const struct merge_link *link = link_find(entity->name, link_table, column);
            if (link == NULL)
                return err_set(err, ERR_INTERNAL, "the merge's snapshot names an unknown link");
            rc = link_move_back(conn, arena, link, survivor_id, merged_id, move, err);
            continue;
        }
        const struct merge_column *c =
            column_find(entity->name, json_string_value(json_object_get(move, "table")), column);
        if (c == NULL)
            return err_set(err, ERR_INTERNAL, "the merge's snapshot names an unknown column");
        rc = column_move_back(conn, arena, c, survivor_id, merged_id, json_object_get(move, "ids"),
                              err);
    }
    return rc;
}

/* ---- the merges table ---- */

#define MERGE_COLUMNS                                                                              \
    "\"id\", \"entity\", \"survivor_id\", \"merged_ids\", \"snapshot\", \"created_by\", "          \
    "\"created_at\", \"undone_by\", \"undone_at\""

static json_t *merge_json(const struct store_rows *rows, size_t r)
{
    json_t *m = json_object();
    json_object_set_new(m, "id", store_value_int_json(store_rows_at(rows, r, 0)));
    json_object_set_new(m, "entity", text_or_null(store_rows_at(rows, r, 1)));
    json_object_set_new(m, "survivor_id", store_value_int_json(store_rows_at(rows, r, 2)));
    json_object_set_new(m, "merged_ids", json_column(store_rows_at(rows, r, 3), true));
    json_object_set_new(m, "snapshot", json_column(store_rows_at(rows, r, 4), false));
    json_object_set_new(m, "created_by", store_value_int_json(store_rows_at(rows, r, 5)));
    json_object_set_new(m, "created_at", text_or_null(store_rows_at(rows, r, 6)));
    json_object_set_new(m, "undone_by", store_value_int_json(store_rows_at(rows, r, 7)));
    json_object_set_new(m, "undone_at", text_or_null(store_rows_at(rows, r, 8)));
    return m;
}

int store_merge_insert(struct store_conn *conn, struct arena *arena, const struct merge_new *m,
                       int64_t *id_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"merges\" (\"entity\", \"survivor_id\", \"merged_ids\", "
                  "\"snapshot\", \"created_by\", \"created_at\") VALUES (");
    sql_param_cstr(&sql, m->entity);
    sql_add(&sql, ", ");
    sql_param_int(&sql, m->survivor_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, store_json_text(arena, m->merged_ids, "[]"));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, store_json_text(arena, m->snapshot, "{}"));
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, m->created_by);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, m->created_at);
    sql_add(&sql, ") RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows != 1)
        return err_set(err, ERR_INTERNAL, "the merge was not written");
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_merge_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                    struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " MERGE_COLUMNS " FROM \"merges\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no merge with id %lld", (long long)id);
    *out = merge_json(&rows, 0);
    return 0;
}

int store_merges_list(struct store_conn *conn, struct arena *arena, const struct merge_query *q,
                      json_t **out, bool *more, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " MERGE_COLUMNS " FROM \"merges\" WHERE 1 = 1");
    if (q->entity != NULL) {
        sql_add(&sql, " AND \"entity\" = ");
        sql_param_cstr(&sql, q->entity);
    }
    if (q->survivor_id > 0) {
        sql_add(&sql, " AND \"survivor_id\" = ");
        sql_param_int(&sql, q->survivor_id);
    }
    if (q->created_by > 0) {
        sql_add(&sql, " AND \"created_by\" = ");
        sql_param_int(&sql, q->created_by);
    }
    if (q->before_id > 0) {
        sql_add(&sql, " AND \"id\" < ");
        sql_param_int(&sql, q->before_id);
    }
    sql_addf(&sql, " ORDER BY \"id\" DESC LIMIT %zu", q->limit + 1);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *more = rows.n_rows > q->limit;
    *out = json_array();
    for (size_t r = 0; r < rows.n_rows && r < q->limit; r++)
        json_array_append_new(*out, merge_json(&rows, r));
    return 0;
}

int store_merge_mark_undone(struct store_conn *conn, struct arena *arena, int64_t id,
                            int64_t user_id, const char *at, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"merges\" SET \"undone_by\" = ");
    sql_param_id_or_null(&sql, user_id);
    sql_add(&sql, ", \"undone_at\" = ");
    sql_param_cstr(&sql, at);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " AND \"undone_at\" IS NULL RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0 && rows.n_rows == 0)
        rc = err_set(err, ERR_CONFLICT, "the merge has already been undone");
    return rc;
}
