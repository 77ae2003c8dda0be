/*
 * Records of any entity, driven by the entity's field table: reading rows
 * into API JSON (links come from the row's copy of them, kept current on
 * every write that changes them), keyset-paged lists with filter, search
 * and sort, inserts and updates with reference checks, and the trash. One
 * SQL text per operation serves both backends; the few dialect differences
 * are the named helpers at the top.
 *
 * Sorting treats NULL as the smallest value in both databases (ASC NULLS
 * FIRST, DESC NULLS LAST), and the keyset predicate follows the same rule,
 * so a page boundary never skips or repeats a row. On SQLite a filtered
 * list may walk its sort order's index instead of sorting every match
 * (list_read()), as a search for a common term does (search_walks()).
 */
#include "store/store.h"
#include "store/duplicates.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/money.h"
#include "base/str.h"
#include "domain/access.h"
#include "domain/currency.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/record.h"
#include "query/filter.h"

#define SEARCH_MAX_TOKENS 8
#define SEARCH_MAX_TOKEN_BYTES 64
/* A term matching at least this many rows is "common": see search_walks(). */
#define SEARCH_COMMON_MATCHES 20000
/*
 * CPU time budgets of list_read()'s attempts. What the planner's plan does
 * well (a selective filter read through its index) takes a few
 * milliseconds; when walking the sort order works at all it usually takes
 * under ten.
 */
#define LIST_SORT_BUDGET_US 5000
#define LIST_WALK_BUDGET_US 10000

/* ---- dialect helpers ---- */

/*
 * Folds what neither full-text engine folds by itself: Cyrillic ё/Ё to е/Е
 * (written either way in Russian names). Applied to the indexed text and to
 * queries alike; both letters take two bytes in UTF-8, so it works in place.
 */
const char *store_search_fold(struct arena *arena, const char *text)
{
    char *out = arena_strdup(arena, text);
    for (char *p = out; p[0] != '\0' && p[1] != '\0'; p++) {
        unsigned char a = (unsigned char)p[0], b = (unsigned char)p[1];
        if (a == 0xD1 && b == 0x91) { /* ё -> е */
            p[0] = (char)0xD0;
            p[1] = (char)0xB5;
            p++;
        } else if (a == 0xD0 && b == 0x81) { /* Ё -> Е */
            p[1] = (char)0x95;
            p++;
        }
    }
    return out;
}

/*
 * A query that looks like a phone number ("+7 (916) 425", "916-425-1") is
 * also searched by its digits run together, as a prefix of the digits-only
 * form the index keeps of every phone; NULL when q is not one.
 */
static const char *phone_query(struct arena *arena, enum sql_dialect dialect, const char *q)
{
    char digits[SEARCH_MAX_TOKEN_BYTES + 1];
    size_t n = 0;
    for (const char *p = q; *p != '\0'; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n == SEARCH_MAX_TOKEN_BYTES)
                return NULL;
            digits[n++] = *p;
        } else if (strchr(" +-().", *p) == NULL) {
            return NULL;
        }
    }
    if (n < 4)
        return NULL;
    digits[n] = '\0';
    return dialect == SQL_SQLITE ? arena_printf(arena, "\"%s\"*", digits)
                                 : arena_printf(arena, "%s:*", digits);
}

/* Turns q into a full-text query: each word a prefix (see below), all words required. */
static const char *search_words(struct arena *arena, enum sql_dialect dialect, const char *q,
                                bool whole_short_words)
{
    q = store_search_fold(arena, q);
    char *out = arena_alloc(arena, strlen(q) * 3 + 16 * SEARCH_MAX_TOKENS + 1);
    size_t len = 0, n_tokens = 0;
    const char *p = q;
    while (*p != '\0' && n_tokens < SEARCH_MAX_TOKENS) {
        while (*p != '\0' && !(isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80))
            p++;
        const char *start = p;
        while (*p != '\0' && (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80))
            p++;
        size_t token_len = (size_t)(p - start);
        if (token_len == 0)
            break;
        if (token_len > SEARCH_MAX_TOKEN_BYTES)
            token_len = SEARCH_MAX_TOKEN_BYTES;
        if (n_tokens > 0) {
            const char *sep = dialect == SQL_SQLITE ? " " : " & ";
            memcpy(out + len, sep, strlen(sep));
            len += strlen(sep);
        }
        if (dialect == SQL_SQLITE)
            out[len++] = '"';
        memcpy(out + len, start, token_len);
        len += token_len;
        /*
         * In a phone number a one-character group ("+7 916") is matched whole:
         * as a prefix it would match most of the index, which keeps no
         * one-character prefixes.
         */
        bool prefix = token_len > 1 || !whole_short_words;
        if (dialect == SQL_SQLITE) {
            memcpy(out + len, prefix ? "\"*" : "\"", prefix ? 2 : 1);
            len += prefix ? 2 : 1;
        } else if (prefix) {
            memcpy(out + len, ":*", 2);
            len += 2;
        }
        n_tokens++;
    }
    out[len] = '\0';
    return n_tokens > 0 ? out : NULL;
}

/* The full-text query for q: its words, or for a phone number its digits too. */
static const char *search_query(struct arena *arena, enum sql_dialect dialect, const char *q)
{
    const char *phone = phone_query(arena, dialect, q);
    const char *words = search_words(arena, dialect, q, phone != NULL);
    if (phone == NULL || words == NULL)
        return words;
    return arena_printf(arena, dialect == SQL_SQLITE ? "%s OR (%s)" : "%s | (%s)", phone, words);
}

/*
 * walk: SQLite writes "+t.id IN (...)"; the unary plus keeps the id from being
 * looked up match by match, so the rows are read in sort order and each is
 * tested against the matches (see search_walks()).
 */
static void search_predicate(struct sql_builder *sql, const struct entity *entity,
                             const char *fts_query, bool walk)
{
    if (sql->dialect == SQL_SQLITE) {
        sql_addf(sql, "%st.\"id\" IN (SELECT rowid FROM \"%s_fts\" WHERE \"%s_fts\" MATCH ",
                 walk ? "+" : "", entity_table(entity), entity_table(entity));
        sql_param_cstr(sql, fts_query);
        sql_add(sql, ")");
    } else {
        sql_add(sql, "t.\"search_vector\" @@ to_tsquery('simple', crm_fold(");
        sql_param_cstr(sql, fts_query);
        sql_add(sql, "))");
    }
}

/* ---- visibility ---- */

/*
 * Appends " AND <predicate>" limiting alias's rows to scope for the caller
 * in access: own records, the team's (owners in the caller's team) or all.
 */
static void access_predicate_of(struct sql_builder *sql, enum access_scope scope,
                                const struct access *access, const char *alias, bool unindexed)
{
    /* unindexed: +alias."owner_id", as filter_context.unindexed writes columns. */
    const char *plus = unindexed && sql->dialect == SQL_SQLITE ? "+" : "";
    store_owner_predicate(sql, scope, access,
                          arena_printf(sql->arena, "%s%s.\"owner_id\"", plus, alias));
}

void store_owner_predicate(struct sql_builder *sql, enum access_scope scope,
                           const struct access *access, const char *owner)
{
    switch (scope) {
    case SCOPE_ALL:
        return;
    case SCOPE_NONE:
        sql_add(sql, " AND 1 = 0");
        return;
    case SCOPE_OWN:
        sql_addf(sql, " AND %s = ", owner);
        sql_param_int(sql, access->user_id);
        return;
    case SCOPE_TEAM:
        sql_addf(sql, " AND (%s = ", owner);
        sql_param_int(sql, access->user_id);
        if (access->team_id > 0) {
            sql_addf(sql, " OR %s IN (SELECT \"id\" FROM \"users\" WHERE \"team_id\" = ", owner);
            sql_param_int(sql, access->team_id);
            sql_add(sql, ")");
        }
        sql_add(sql, ")");
        return;
    }
}

static void access_predicate(struct sql_builder *sql, enum access_scope scope,
                             const struct access *access, const char *alias)
{
    access_predicate_of(sql, scope, access, alias, false);
}

/* The caller's read scope over the entity named (ALL for tables that are not entities). */
static enum access_scope read_scope_of(const struct access *access, const char *entity_name)
{
    const struct entity *e = entity_find(entity_name);
    return e ? access->read_scope[entity_index(e)] : SCOPE_ALL;
}

/*
 * filter_context.relation_visible for lists: rows of a relation's target
 * table (alias) count only when the caller in arg (a struct access) may
 * read them, so a filter such as company.name = "..." tells nothing of
 * records out of the caller's read scope.
 */
static void relation_visible(struct sql_builder *sql, const char *table, const char *alias,
                             const void *arg)
{
    const struct access *access = arg;
    access_predicate(sql, read_scope_of(access, table), access, alias);
}

/* ---- reading rows ---- */

static bool is_read_column(const struct entity_field *f)
{
    return f->kind == FIELD_KIND_COLUMN || f->kind == FIELD_KIND_SYSTEM;
}

static bool is_money_column(const struct entity_field *f)
{
    return (f->kind == FIELD_KIND_COLUMN || f->kind == FIELD_KIND_SYSTEM) && f->type == FIELD_MONEY;
}

/* The columns of a field in the select list: a money field's three (see entity.h), else one. */
static size_t field_columns(const struct entity_field *f)
{
    return is_money_column(f) ? 3 : 1;
}

static void select_list(struct sql_builder *sql, const struct entity *entity)
{
    bool first = true;
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (!is_read_column(f))
            continue;
        sql_add(sql, first ? "t." : ", t.");
        first = false;
        if (is_money_column(f)) {
            sql_addf(sql, "\"%s_minor\", t.\"%s_currency\", t.\"%s_base_minor\"", f->name, f->name,
                     f->name);
            continue;
        }
        sql_ident(sql, f->name);
    }
    sql_add(sql, ", t.\"custom\"");
    if (entity->links != NULL)
        sql_addf(sql, ", t.\"%s\"", entity->links->cache_column);
}

static json_t *json_of_text(const struct store_value *v, const char *fallback)
{
    json_error_t jerr;
    json_t *parsed = v->type == STORE_TEXT ? json_loadb(v->text, v->len, 0, &jerr) : NULL;
    return parsed ? parsed : json_loads(fallback, 0, &jerr);
}

/* A number column's value as its canonical decimal string (see record_number_text()). */
static json_t *number_json(const struct store_value *v)
{
    char text[MONEY_TEXT_MAX];
    int64_t scaled;
    if (v->type == STORE_INT)
        snprintf(text, sizeof(text), "%lld", (long long)v->i);
    else if (v->type == STORE_REAL)
        snprintf(text, sizeof(text), "%.*f", RECORD_NUMBER_SCALE, v->r);
    else
        snprintf(text, sizeof(text), "%.*s", (int)v->len, v->text);
    if (decimal_parse(str_from_cstr(text), RECORD_NUMBER_SCALE, &scaled) < 0)
        return json_string(text);
    return json_string(record_number_text(scaled, text, sizeof(text)));
}

static json_t *value_json(const struct entity_field *f, const struct store_value *v)
{
    if (f->type == FIELD_TEXT_LIST)
        return json_of_text(v, "[]");
    if (f->object_of_strings)
        return json_of_text(v, "{}");
    if (v->type == STORE_NULL)
        return json_null();
    if (f->flags & FIELD_JSON)
        return json_of_text(v, "null");
    if (f->type == FIELD_NUMBER)
        return number_json(v);
    if (f->type == FIELD_BOOL)
        return json_boolean(v->type == STORE_TEXT ? (v->text[0] == 't' || v->text[0] == '1')
                                                  : store_value_int(v) != 0);
    switch (v->type) {
    case STORE_NULL:
        return json_null();
    case STORE_INT:
        return json_integer(v->i);
    case STORE_REAL:
        return json_real(v->r);
    case STORE_TEXT:
        if (f->type == FIELD_INTEGER)
            return json_integer(strtoll(v->text, NULL, 10));
        return json_stringn(v->text, v->len);
    }
    return json_null();
}

/* {"amount": "10.50", "currency": "EUR"} from the minor units and the code; null when unset. */
static json_t *money_json(const struct store_value *minor, const struct store_value *currency)
{
    if (minor->type == STORE_NULL || currency->type != STORE_TEXT)
        return json_null();
    return currency_money_json(store_value_int(minor), currency->text);
}

static json_t *row_json(const struct entity *entity, const struct store_rows *rows, size_t r)
{
    json_t *record = json_object();
    size_t c = 0;
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (!is_read_column(f))
            continue;
        if (is_money_column(f))
            json_object_set_new(
                record, f->name,
                money_json(store_rows_at(rows, r, c), store_rows_at(rows, r, c + 1)));
        else
            json_object_set_new(record, f->name, value_json(f, store_rows_at(rows, r, c)));
        c += field_columns(f);
    }
    json_object_set_new(record, "custom", json_of_text(store_rows_at(rows, r, c), "{}"));
    if (entity->owner_alias != NULL)
        json_object_set(record, entity->owner_alias, json_object_get(record, "owner_id"));
    if (entity->links != NULL) {
        json_object_set_new(record, entity->links->field, json_array());
        json_object_set_new(record, entity->links->expanded, json_array());
    }
    return record;
}

/*
 * The links of the row t as JSON text, [[id, name, role], ...]: what the
 * cache column (entity_links.cache_column) holds, so that reading a record
 * or a page needs no second query. PostgreSQL orders them in the aggregate;
 * SQLite 3.40 cannot, so links_from_json() sorts them as ORDER BY name, id
 * does there (bytewise). Linked records in the trash are left out.
 */
void store_links_value(struct sql_builder *sql, const struct entity *entity)
{
    const struct entity_links *links = entity->links;
    const char *other_table = entity_field_find(entity, links->field)->references;
    if (sql->dialect == SQL_POSTGRES)
        sql_addf(sql,
                 "(SELECT json_agg(json_build_array(o.\"id\", o.\"name\", l.\"%s\") "
                 "ORDER BY o.\"name\", o.\"id\")::text",
                 links->role_column);
    else
        sql_addf(sql, "(SELECT json_group_array(json_array(o.\"id\", o.\"name\", l.\"%s\"))",
                 links->role_column);
    sql_addf(sql, " FROM \"%s\" l JOIN \"%s\" o ON o.\"id\" = l.\"%s\"", links->table, other_table,
             links->other_column);
    sql_addf(sql, " WHERE l.\"%s\" = t.\"id\" AND o.\"deleted_at\" IS NULL)", links->this_column);
}

/*
 * Rewrites the links cache of entity's rows: of one record (id > 0), or of
 * every record linked to record `other_id` of the linked entity.
 */
static int refresh_links_cache(struct store_conn *conn, struct arena *arena,
                               const struct entity *entity, int64_t id, int64_t other_id,
                               struct err *err)
{
    const struct entity_links *links = entity->links;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "UPDATE \"%s\" AS t SET \"%s\" = ", entity_table(entity), links->cache_column);
    store_links_value(&sql, entity);
    if (id > 0) {
        sql_add(&sql, " WHERE t.\"id\" = ");
        sql_param_int(&sql, id);
    } else {
        sql_addf(&sql, " WHERE t.\"id\" IN (SELECT \"%s\" FROM \"%s\" WHERE \"%s\" = ",
                 links->this_column, links->table, links->other_column);
        sql_param_int(&sql, other_id);
        sql_add(&sql, ")");
    }
    return store_query(conn, arena, &sql, NULL, err);
}

int store_links_refresh_linking(struct store_conn *conn, struct arena *arena,
                                  const struct entity *changed, int64_t id, struct err *err)
{
    for (size_t i = 0; i < entity_count(); i++) {
        const struct entity *e = entity_at(i);
        if (e->links == NULL ||
            strcmp(entity_field_find(e, e->links->field)->references, changed->name) != 0)
            continue;
        int rc = refresh_links_cache(conn, arena, e, 0, id, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* qsort order of [id, name, role] items: by name bytewise, then id. */
static int link_order(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a;
    const json_t *y = *(const json_t *const *)b;
    const char *x_name = json_string_value(json_array_get(x, 1));
    const char *y_name = json_string_value(json_array_get(y, 1));
    int c = strcmp(x_name ? x_name : "", y_name ? y_name : "");
    if (c != 0)
        return c;
    json_int_t x_id = json_integer_value(json_array_get(x, 0));
    json_int_t y_id = json_integer_value(json_array_get(y, 0));
    return (x_id > y_id) - (x_id < y_id);
}

/* Fills the record's links from the cache column's text (NULL when there are none). */
static void links_from_json(struct arena *arena, const struct entity *entity, json_t *record,
                            const struct store_value *v)
{
    const struct entity_links *links = entity->links;
    json_t *list = v->type == STORE_TEXT ? json_loadb(v->text, v->len, 0, NULL) : NULL;
    size_t n = json_array_size(list);
    const json_t **items = arena_alloc_array(arena, n ? n : 1, sizeof(*items));
    for (size_t i = 0; i < n; i++)
        items[i] = json_array_get(list, i);
    qsort(items, n, sizeof(*items), link_order);
    for (size_t i = 0; i < n; i++) {
        json_t *other = json_array_get(items[i], 0);
        json_array_append(json_object_get(record, links->field), other);
        json_array_append_new(json_object_get(record, links->expanded),
                              json_pack("{s:O,s:O,s:O}", "id", other, "name",
                                        json_array_get(items[i], 1), "role",
                                        json_array_get(items[i], 2)));
    }
    json_decref(list);
}

static bool rows_hold_id(const struct store_rows *rows, int64_t id)
{
    for (size_t r = 0; r < rows->n_rows; r++) {
        if (store_value_int(store_rows_at(rows, r, 0)) == id)
            return true;
    }
    return false;
}

/* Keeps in a record's links (both forms) only the ids found in visible. */
static void keep_visible_links(const struct entity_links *links, json_t *record,
                               const struct store_rows *visible)
{
    json_t *ids = json_object_get(record, links->field);
    json_t *expanded = json_object_get(record, links->expanded);
    for (size_t i = json_array_size(ids); i-- > 0;) {
        if (!rows_hold_id(visible, json_integer_value(json_array_get(ids, i)))) {
            json_array_remove(ids, i);
            json_array_remove(expanded, i);
        }
    }
}

/*
 * Leaves out of records (an array) the links to records the caller may not
 * see, with one query for the ids of the whole page.
 */
static int hide_unseen_links(struct store_conn *conn, struct arena *arena,
                             const struct entity *entity, const struct access *access,
                             json_t *records, struct err *err)
{
    const struct entity_links *links = entity->links;
    if (links == NULL)
        return 0;
    const char *other_table = entity_field_find(entity, links->field)->references;
    enum access_scope scope = read_scope_of(access, other_table);
    if (scope == SCOPE_ALL)
        return 0;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "SELECT t.\"id\" FROM \"%s\" t WHERE t.\"id\" IN (", other_table);
    size_t n_ids = 0, i, j;
    json_t *record, *id;
    json_array_foreach(records, i, record)
    {
        json_array_foreach(json_object_get(record, links->field), j, id)
        {
            sql_add(&sql, n_ids++ > 0 ? ", " : "");
            sql_param_int(&sql, json_integer_value(id));
        }
    }
    if (n_ids == 0)
        return 0;
    sql_add(&sql, ")");
    access_predicate(&sql, scope, access, "t");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    json_array_foreach(records, i, record) keep_visible_links(links, record, &rows);
    return 0;
}

int store_record_get(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                     const struct access *access, int64_t id, enum record_state state, json_t **out,
                     struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT ");
    select_list(&sql, entity);
    sql_addf(&sql, " FROM \"%s\" t WHERE t.\"id\" = ", entity_table(entity));
    sql_param_int(&sql, id);
    if (state == RECORD_LIVE)
        sql_add(&sql, " AND t.\"deleted_at\" IS NULL");
    else if (state == RECORD_TRASHED)
        sql_add(&sql, " AND t.\"deleted_at\" IS NOT NULL");
    access_predicate(&sql, access->scope, access, "t");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no %s with id %lld", entity->singular, (long long)id);
    json_t *record = row_json(entity, &rows, 0);
    if (entity->links != NULL)
        links_from_json(arena, entity, record, store_rows_at(&rows, 0, rows.n_cols - 1));
    json_t *one = json_pack("[o]", record);
    rc = hide_unseen_links(conn, arena, entity, access, one, err);
    if (rc == 0)
        *out = json_incref(record);
    json_decref(one);
    return rc;
}

int store_record_in_scope(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                          const struct access *access, int64_t id, bool *in_scope, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "SELECT 1 FROM \"%s\" t WHERE t.\"id\" = ", entity_table(entity));
    sql_param_int(&sql, id);
    access_predicate(&sql, access->scope, access, "t");
    int rc = store_query(conn, arena, &sql, &rows, err);
    *in_scope = rc == 0 && rows.n_rows > 0;
    return rc;
}

/* ---- lists ---- */

void store_param_json(struct sql_builder *sql, const json_t *v)
{
    if (json_is_integer(v))
        sql_param_int(sql, json_integer_value(v));
    else if (json_is_real(v))
        sql_param_real(sql, json_real_value(v));
    else if (json_is_boolean(v))
        sql_param_int(sql, json_is_true(v) ? 1 : 0);
    else if (json_is_string(v))
        sql_param_text(sql, json_string_value(v), json_string_length(v));
    else
        sql_param_null(sql);
}

/*
 * A sort key inside the keyset predicate. SQLite gets "+t.col": the unary
 * plus (a no-op on any value) keeps its planner from answering the OR of the
 * predicate with one index search per branch (MULTI-INDEX OR), which then
 * sorts every row after the cursor, seconds on a large table; the index
 * serves keyset_seek() and the ORDER BY instead.
 */
static void key_expr(struct sql_builder *sql, const struct schema *schema,
                     const struct sort_key *key)
{
    if (sql->dialect == SQL_SQLITE)
        sql_add(sql, "+");
    filter_sql_field_value(sql, schema, key->field, "t");
}

/* key "equals" the cursor value (NULL equals NULL). */
static void key_equal(struct sql_builder *sql, const struct schema *schema,
                      const struct sort_key *key, const json_t *v)
{
    key_expr(sql, schema, key);
    if (json_is_null(v)) {
        sql_add(sql, " IS NULL");
        return;
    }
    sql_add(sql, " = ");
    store_param_json(sql, v);
}

/* key comes strictly after the cursor value, NULL being the smallest value. */
static void key_after(struct sql_builder *sql, const struct schema *schema,
                      const struct sort_key *key, const json_t *v)
{
    if (json_is_null(v)) {
        if (key->descending) {
            sql_add(sql, "1 = 0");
        } else {
            key_expr(sql, schema, key);
            sql_add(sql, " IS NOT NULL");
        }
        return;
    }
    sql_add(sql, "(");
    key_expr(sql, schema, key);
    sql_add(sql, key->descending ? " < " : " > ");
    store_param_json(sql, v);
    if (key->descending) {
        sql_add(sql, " OR ");
        key_expr(sql, schema, key);
        sql_add(sql, " IS NULL");
    }
    sql_add(sql, ")");
}

/* The system columns every entity table declares NOT NULL. */
static bool key_never_null(const struct sort_key *key)
{
    const struct schema_field *f = key->field;
    return f->storage == FIELD_IN_COLUMN &&
           (strcmp(f->column, "id") == 0 || strcmp(f->column, "created_at") == 0 ||
            strcmp(f->column, "updated_at") == 0);
}

/*
 * The bound on the first key that the keyset predicate implies, written so
 * that an index can seek to the cursor instead of reading every row before
 * it: key >= v ascending (NULLs, the smallest values, all come before a
 * non-null v), key <= v descending when the key is never NULL (NULLs would
 * come after v). Nothing when no such bound holds.
 */
static void keyset_seek(struct sql_builder *sql, const struct list_query *q)
{
    const struct sort_key *key = &q->keys[0];
    const json_t *v = json_array_get(q->after, 0);
    if (v == NULL || json_is_null(v) || (key->descending && !key_never_null(key)))
        return;
    filter_sql_field_value(sql, q->schema, key->field, "t");
    sql_add(sql, key->descending ? " <= " : " >= ");
    store_param_json(sql, v);
    sql_add(sql, " AND ");
}

static void keyset_predicate(struct sql_builder *sql, const struct list_query *q)
{
    sql_add(sql, "(");
    for (size_t i = 0; i < q->n_keys; i++) {
        if (i > 0)
            sql_add(sql, " OR ");
        sql_add(sql, "(");
        for (size_t j = 0; j < i; j++) {
            key_equal(sql, q->schema, &q->keys[j], json_array_get(q->after, j));
            sql_add(sql, " AND ");
        }
        key_after(sql, q->schema, &q->keys[i], json_array_get(q->after, i));
        sql_add(sql, ")");
    }
    sql_add(sql, ")");
}

/*
 * SQLite: whether a search should walk the rows in sort order, testing each
 * against the full-text matches, instead of reading every match and sorting
 * them. For a rare term reading the matches is best. A very common one
 * ("Anna", "gmail", a two-letter prefix typed in a search box) matches tens
 * of thousands of rows and reading them all takes hundreds of milliseconds,
 * while the walk usually stops after a few thousand index entries; it reads
 * at most the whole sort index (~0.2 s for a million rows) when the matches
 * all sort last. SQLite's planner cannot choose (the full-text index does not
 * say how many rows match), so the matches are counted up to
 * SEARCH_COMMON_MATCHES, and the walk is taken only when an index leads with
 * the first sort key; without one it would read and sort the whole table.
 * PostgreSQL estimates the matches from its statistics and chooses itself.
 */
static int search_walks(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        const struct list_query *q, const char *fts, bool *walk, struct err *err)
{
    *walk = false;
    const struct schema_field *first = q->keys[0].field;
    if (store_conn_dialect(conn) != SQL_SQLITE || first->storage != FIELD_IN_COLUMN)
        return 0;
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, SQL_SQLITE);
    sql_add(&sql, "SELECT 1 FROM pragma_index_list(");
    sql_param_cstr(&sql, entity_table(entity));
    sql_add(&sql, ") l JOIN pragma_index_info(l.name) i WHERE i.seqno = 0 AND i.name = ");
    sql_param_cstr(&sql, first->column);
    sql_add(&sql, q->trash ? " AND l.partial = 0 LIMIT 1" : " LIMIT 1");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0 || rows.n_rows == 0)
        return rc;
    sql_init(&sql, arena, SQL_SQLITE);
    sql_addf(&sql, "SELECT count(*) FROM (SELECT 1 FROM \"%s_fts\" WHERE \"%s_fts\" MATCH ",
             entity_table(entity), entity_table(entity));
    sql_param_cstr(&sql, fts);
    sql_add(&sql, " LIMIT ");
    sql_param_int(&sql, SEARCH_COMMON_MATCHES);
    sql_add(&sql, ")");
    rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0)
        *walk = store_rows_at(&rows, 0, 0)->i >= SEARCH_COMMON_MATCHES;
    return rc;
}

/*
 * How a page is read. search_walk: see search_walks(). sort_walk: SQLite
 * writes the filter's and the access predicate's columns with a unary plus,
 * so that none of their indexes can drive the plan and the planner walks the
 * index of the first sort key (see list_read()). The count of all matches
 * does neither.
 */
struct list_plan {
    bool search_walk;
    bool sort_walk;
};

static int where_clause(struct sql_builder *sql, const struct entity *entity,
                        const struct access *access, const struct list_query *q, const char *fts,
                        struct list_plan plan, struct err *err)
{
    sql_add(sql,
            q->trash ? " WHERE t.\"deleted_at\" IS NOT NULL" : " WHERE t.\"deleted_at\" IS NULL");
    access_predicate_of(sql, access->scope, access, "t", plan.sort_walk);
    if (fts != NULL) {
        sql_add(sql, " AND ");
        search_predicate(sql, entity, fts, plan.search_walk);
    }
    if (q->filter != NULL) {
        struct filter_context ctx = q->ctx != NULL ? *q->ctx : (struct filter_context){0};
        ctx.relation_visible = relation_visible;
        ctx.relation_visible_arg = access;
        if (plan.sort_walk) {
            const struct schema_field *first = q->keys[0].field;
            ctx.unindexed = true;
            ctx.keep_column = first->storage == FIELD_IN_COLUMN ? first->column : NULL;
        }
        sql_add(sql, " AND (");
        int rc = filter_to_sql(q->filter, q->schema, "t", &ctx, sql, err);
        if (rc < 0)
            return rc;
        sql_add(sql, ")");
    }
    return 0;
}

/* The SELECT of one page (explain: its EXPLAIN QUERY PLAN, SQLite only). */
static int list_select(struct sql_builder *sql, const struct entity *entity,
                       const struct access *access, const struct list_query *q, const char *fts,
                       struct list_plan plan, bool explain, struct err *err)
{
    sql_add(sql, explain ? "EXPLAIN QUERY PLAN SELECT " : "SELECT ");
    select_list(sql, entity);
    sql_addf(sql, " FROM \"%s\" t", entity_table(entity));
    int rc = where_clause(sql, entity, access, q, fts, plan, err);
    if (rc < 0)
        return rc;
    if (q->after != NULL) {
        sql_add(sql, " AND ");
        keyset_seek(sql, q);
        keyset_predicate(sql, q);
    }
    sql_add(sql, " ORDER BY ");
    for (size_t i = 0; i < q->n_keys; i++) {
        if (i > 0)
            sql_add(sql, ", ");
        filter_sql_field_value(sql, q->schema, q->keys[i].field, "t");
        sql_add(sql, q->keys[i].descending ? " DESC NULLS LAST" : " ASC NULLS FIRST");
    }
    sql_add(sql, " LIMIT ");
    sql_param_int(sql, (int64_t)q->limit + 1);
    return 0;
}

/*
 * SQLite: whether the plan of a page gathers every matching row and sorts
 * them (a temporary B-tree for the whole ORDER BY at the top level) rather
 * than reading rows in sort order and stopping after a page. The wording is
 * SQLite's EXPLAIN QUERY PLAN text; should it ever change, nothing looks
 * sorted and lists keep the planner's plan.
 */
static int plan_sorts(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                      const struct access *access, const struct list_query *q,
                      struct list_plan plan, bool *sorts, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    *sorts = false;
    sql_init(&sql, arena, SQL_SQLITE);
    int rc = list_select(&sql, entity, access, q, NULL, plan, true, err);
    if (rc == 0)
        rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0 || rows.n_cols < 4)
        return rc;
    for (size_t r = 0; r < rows.n_rows; r++) {
        const struct store_value *detail = store_rows_at(&rows, r, 3);
        if (store_value_int(store_rows_at(&rows, r, 1)) == 0 && detail->type == STORE_TEXT &&
            strcmp(detail->text, "USE TEMP B-TREE FOR ORDER BY") == 0)
            *sorts = true;
    }
    return 0;
}

static enum store_list_read list_read_forced = STORE_LIST_READ_AUTO;

void store_list_read_force(enum store_list_read how)
{
    list_read_forced = how;
}

/*
 * Reads one page's rows (SQLite: see below; PostgreSQL: the planner's plan,
 * which rests on real statistics of the values).
 *
 * SQLite's planner picks an index from sqlite_stat1, one average number of
 * rows per value. On skewed data it reads a common value ("Anna": 40 000 of
 * a million contacts, where the average says 400) through its index and
 * sorts every match, hundreds of milliseconds for a page of 50, while a walk
 * down the index of the sort order, testing each row against the filter,
 * finds 50 matches among the first few thousand rows. Nothing cheap tells
 * the two cases apart in advance (a capped count of the matches costs about
 * what reading them does), so a list whose filter or access predicate could
 * drive the plan tries both, each within a budget of CPU time:
 *
 *  1. when the plan reads in sort order already, or when the walk's plan
 *     would sort too (no index leads with the first sort key), the
 *     planner's plan runs, with no budget;
 *  2. otherwise the planner's plan runs for at most LIST_SORT_BUDGET_US:
 *     a selective filter finishes within it, at the cost of two EXPLAINs;
 *  3. past it, the walk (list_plan.sort_walk) runs for at most
 *     LIST_WALK_BUDGET_US: a filter matching many rows finds its page early
 *     in the sort order;
 *  4. past that too (the matches are sparse in the sort order, or crowd at
 *     its end), the planner's plan runs to its end: what it cost before,
 *     plus the two budgets.
 *
 * Both plans return the same rows in the same order, so a cursor from one
 * pages on with the other. Full-text search keeps its own choice
 * (search_walks()); counting all matches is not affected.
 */
static int list_read(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                     const struct access *access, const struct list_query *q, const char *fts,
                     bool search_walk, struct store_rows *rows, struct err *err)
{
    struct list_plan planned = {.search_walk = search_walk, .sort_walk = false};
    struct list_plan walk = {.search_walk = false, .sort_walk = true};
    struct sql_builder sql, walk_sql;
    bool planned_sorts = false, walk_sorts = true, completed = false;
    enum sql_dialect dialect = store_conn_dialect(conn);
    sql_init(&sql, arena, dialect);
    int rc = list_select(&sql, entity, access, q, fts, planned, false, err);
    if (rc < 0)
        return rc;
    bool driven = q->filter != NULL || access->scope == SCOPE_OWN || access->scope == SCOPE_TEAM;
    if (dialect != SQL_SQLITE || fts != NULL || !driven ||
        list_read_forced == STORE_LIST_READ_PLANNED)
        return store_query(conn, arena, &sql, rows, err);
    if (list_read_forced == STORE_LIST_READ_AUTO) {
        rc = plan_sorts(conn, arena, entity, access, q, planned, &planned_sorts, err);
        if (rc == 0 && planned_sorts)
            rc = plan_sorts(conn, arena, entity, access, q, walk, &walk_sorts, err);
        if (rc < 0)
            return rc;
        if (!planned_sorts || walk_sorts)
            return store_query(conn, arena, &sql, rows, err);
    }
    sql_init(&walk_sql, arena, dialect);
    rc = list_select(&walk_sql, entity, access, q, NULL, walk, false, err);
    if (rc < 0)
        return rc;
    if (list_read_forced == STORE_LIST_READ_WALK)
        return store_query(conn, arena, &walk_sql, rows, err);
    rc = store_query_bounded(conn, arena, &sql, LIST_SORT_BUDGET_US, rows, &completed, err);
    if (rc < 0 || completed)
        return rc;
    rc = store_query_bounded(conn, arena, &walk_sql, LIST_WALK_BUDGET_US, rows, &completed, err);
    if (rc < 0 || completed)
        return rc;
    return store_query(conn, arena, &sql, rows, err);
}

/* The position in select_list() of the base amount of the money field stored in column. */
static size_t base_amount_position(const struct entity *entity, const char *column)
{
    size_t c = 0;
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (!is_read_column(f))
            continue;
        if (is_money_column(f) && strncmp(column, f->name, strlen(f->name)) == 0 &&
            strcmp(column + strlen(f->name), "_base_minor") == 0)
            return c + 2;
        c += field_columns(f);
    }
    return c;
}

/*
 * The value of a sort key in row r (its record as the API shows it): a
 * money column sorts by its base amount, which only the row holds.
 */
static json_t *key_value(const struct entity *entity, const struct sort_key *key,
                         const json_t *record, const struct store_rows *rows, size_t r)
{
    if (key->field->type == FIELD_MONEY && key->field->storage == FIELD_IN_COLUMN) {
        const struct store_value *v =
            store_rows_at(rows, r, base_amount_position(entity, key->field->column));
        return v->type == STORE_NULL ? json_null() : json_integer(store_value_int(v));
    }
    const json_t *v = key->field->storage == FIELD_IN_CUSTOM
                          ? json_object_get(json_object_get(record, "custom"), key->field->column)
                          : json_object_get(record, key->field->name);
    /* Money sorts by its amount, as filter_sql_field_value extracts it. */
    if (key->field->type == FIELD_MONEY && json_is_object(v)) {
        const char *amount = json_string_value(json_object_get(v, "amount"));
        return amount ? json_real(strtod(amount, NULL)) : json_null();
    }
    return v ? json_deep_copy(v) : json_null();
}

int store_record_list(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                      const struct access *access, const struct list_query *q,
                      struct list_page *page, struct err *err)
{
    page->data = NULL;
    page->last_keys = NULL;
    page->total = -1;
    const char *fts = q->search ? search_query(arena, store_conn_dialect(conn), q->search) : NULL;
    bool search_walk = false;
    int rc = fts ? search_walks(conn, arena, entity, q, fts, &search_walk, err) : 0;
    if (rc < 0)
        return rc;
    struct store_rows rows;
    rc = list_read(conn, arena, entity, access, q, fts, search_walk, &rows, err);
    if (rc < 0)
        return rc;
    json_t *data = json_array();
    size_t n = rows.n_rows > q->limit ? q->limit : rows.n_rows;
    for (size_t r = 0; r < n; r++) {
        json_t *record = row_json(entity, &rows, r);
        if (entity->links != NULL)
            links_from_json(arena, entity, record, store_rows_at(&rows, r, rows.n_cols - 1));
        json_array_append_new(data, record);
    }
    rc = hide_unseen_links(conn, arena, entity, access, data, err);
    if (rc < 0) {
        json_decref(data);
        return rc;
    }
    if (rows.n_rows > q->limit && n > 0) {
        json_t *last = json_array_get(data, n - 1);
        page->last_keys = json_array();
        for (size_t i = 0; i < q->n_keys; i++)
            json_array_append_new(page->last_keys,
                                  key_value(entity, &q->keys[i], last, &rows, n - 1));
    }
    page->data = data;
    if (q->count) {
        struct sql_builder count;
        sql_init(&count, arena, store_conn_dialect(conn));
        sql_addf(&count, "SELECT count(*) FROM \"%s\" t", entity_table(entity));
        rc = where_clause(&count, entity, access, q, fts, (struct list_plan){false, false}, err);
        if (rc == 0)
            rc = store_query(conn, arena, &count, &rows, err);
        if (rc < 0) {
            json_decref(page->data);
            json_decref(page->last_keys);
            page->data = page->last_keys = NULL;
            return rc;
        }
        page->total = store_value_int(store_rows_at(&rows, 0, 0));
    }
    return 0;
}

/* ---- writes ---- */

static void bind_column_value(struct sql_builder *sql, const struct entity_field *f,
                              const json_t *v)
{
    if (v == NULL || json_is_null(v)) {
        sql_param_null(sql);
    } else if (json_is_array(v) || json_is_object(v)) {
        char *text = json_dumps(v, JSON_COMPACT);
        sql_param_cstr(sql, arena_strdup(sql->arena, text ? text : "null"));
        free(text);
    } else {
        store_param_json(sql, v);
    }
    (void)f;
}

/* Whether the live record of target exists and the caller may see it. */
static int reference_exists(struct store_conn *conn, struct arena *arena,
                            const struct access *access, const struct entity *target, int64_t id,
                            bool *exists, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "SELECT 1 FROM \"%s\" t WHERE t.\"id\" = ", entity_table(target));
    sql_param_int(&sql, id);
    sql_add(&sql, " AND t.\"deleted_at\" IS NULL");
    access_predicate(&sql, access->read_scope[entity_index(target)], access, "t");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    *exists = rc == 0 && rows.n_rows > 0;
    return rc;
}

/* True when making `parent` the parent of `id` would close a loop. */
static int makes_cycle(struct store_conn *conn, struct arena *arena, const char *table,
                       const char *column, int64_t id, int64_t parent, bool *cycle, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql,
             "WITH RECURSIVE up(id, parent) AS (SELECT \"id\", \"%s\" FROM \"%s\" WHERE \"id\" = ",
             column, table);
    sql_param_int(&sql, parent);
    sql_addf(&sql,
             " UNION ALL SELECT c.\"id\", c.\"%s\" FROM \"%s\" c JOIN up ON c.\"id\" = up.parent) "
             "SELECT 1 FROM up WHERE id = ",
             column, table);
    sql_param_int(&sql, id);
    sql_add(&sql, " LIMIT 1");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    *cycle = rc == 0 && rows.n_rows > 0;
    return rc;
}

/* The links in changes, under the key the client used (company_ids or companies). */
static const json_t *changed_links(const struct entity *entity, const json_t *changes,
                                   const char **key)
{
    const struct entity_links *links = entity->links;
    if (links == NULL)
        return NULL;
    *key = links->field;
    const json_t *list = json_object_get(changes, links->field);
    if (list == NULL) {
        *key = links->expanded;
        list = json_object_get(changes, links->expanded);
    }
    return list;
}

static int check_references(struct store_conn *conn, struct arena *arena,
                            const struct entity *entity, const struct access *access, int64_t id,
                            const json_t *changes, struct err *err)
{
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        const char *key = f->name;
        const json_t *v = f->kind == FIELD_KIND_LINKS ? changed_links(entity, changes, &key)
                                                      : json_object_get(changes, f->name);
        if (f->references == NULL || v == NULL || entity_find(f->references) == NULL)
            continue;
        size_t n = f->kind == FIELD_KIND_LINKS ? json_array_size(v) : 1;
        for (size_t j = 0; j < n; j++) {
            const json_t *ref =
                f->kind == FIELD_KIND_LINKS ? json_object_get(json_array_get(v, j), "id") : v;
            if (!json_is_integer(ref))
                continue;
            int64_t ref_id = json_integer_value(ref);
            char path[96];
            if (f->kind == FIELD_KIND_LINKS)
                snprintf(path, sizeof(path), "%s[%zu]", key, j);
            else
                snprintf(path, sizeof(path), "%s", key);
            bool exists = false, cycle = false;
            int rc = reference_exists(conn, arena, access, entity_find(f->references), ref_id,
                                      &exists, err);
            if (rc < 0)
                return rc;
            if (!exists) {
                err_field(err, path, "no %s with id %lld", entity_find(f->references)->singular,
                          (long long)ref_id);
                continue;
            }
            if (strcmp(f->references, entity->name) == 0 && f->kind == FIELD_KIND_COLUMN) {
                if (ref_id == id) {
                    err_field(err, path, "cannot point to the record itself");
                    continue;
                }
                if (id > 0) {
                    rc = makes_cycle(conn, arena, entity_table(entity), f->name, id, ref_id, &cycle,
                                     err);
                    if (rc < 0)
                        return rc;
                    if (cycle)
                        err_field(err, path, "would make a cycle");
                }
            }
        }
    }
    return err->code == ERR_OK ? 0 : -err->code;
}

/* A unique violation as a conflict naming the unique field written (FIELD_UNIQUE). */
static int unique_conflict(int rc, const struct entity *entity, const json_t *changes,
                           struct err *err)
{
    if (rc != -ERR_CONFLICT)
        return rc;
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if ((f->flags & FIELD_UNIQUE) && json_object_get(changes, f->name) != NULL) {
            err_clear(err);
            err_set(err, ERR_CONFLICT, "another %s has this %s", entity->singular, f->name);
            return err_field(err, f->name, "is already used by another %s", entity->singular);
        }
    }
    return rc;
}

static int write_links(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                       const struct access *access, int64_t id, const json_t *changes,
                       struct err *err)
{
    const struct entity_links *links = entity->links;
    const char *key;
    const json_t *list = changed_links(entity, changes, &key);
    if (list == NULL)
        return 0;
    /*
     * Links not listed go, unless they lead to records the caller cannot see
     * (and so could not list); listed ones stay or come. Ids alone keep a
     * link's role.
     */
    const char *other_table = entity_field_find(entity, links->field)->references;
    enum access_scope other_scope = read_scope_of(access, other_table);
    bool with_roles = strcmp(key, links->expanded) == 0;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "DELETE FROM \"%s\" WHERE \"%s\" = ", links->table, links->this_column);
    sql_param_int(&sql, id);
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        sql_addf(&sql, " AND \"%s\" <> ", links->other_column);
        sql_param_int(&sql, json_integer_value(json_object_get(item, "id")));
    }
    if (other_scope != SCOPE_ALL) {
        sql_addf(&sql, " AND \"%s\" IN (SELECT t.\"id\" FROM \"%s\" t WHERE 1 = 1",
                 links->other_column, other_table);
        access_predicate(&sql, other_scope, access, "t");
        sql_add(&sql, ")");
    }
    int rc = store_query(conn, arena, &sql, NULL, err);
    json_array_foreach(list, i, item)
    {
        if (rc < 0)
            break;
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_addf(&sql, "INSERT INTO \"%s\" (\"%s\", \"%s\", \"%s\") VALUES (", links->table,
                 links->this_column, links->other_column, links->role_column);
        sql_param_int(&sql, id);
        sql_add(&sql, ", ");
        sql_param_int(&sql, json_integer_value(json_object_get(item, "id")));
        sql_add(&sql, ", ");
        store_param_json(&sql, json_object_get(item, "role"));
        sql_addf(&sql, ") ON CONFLICT (\"%s\", \"%s\") DO ", links->this_column,
                 links->other_column);
        if (with_roles)
            sql_addf(&sql, "UPDATE SET \"%s\" = excluded.\"%s\"", links->role_column,
                     links->role_column);
        else
            sql_add(&sql, "NOTHING");
        rc = store_query(conn, arena, &sql, NULL, err);
    }
    if (rc == 0)
        rc = refresh_links_cache(conn, arena, entity, id, 0, err);
    return rc;
}

/*
 * Columns the request writes, and the system columns the server sets on its
 * behalf (owner_id, created_by: record_validate never lets a client name
 * a system field, so one in changes was put there by the server).
 */
static bool is_written_column(const struct entity_field *f, const json_t *changes)
{
    static const char *const store_kept[] = {"id", "version", "created_at", "updated_at",
                                             "deleted_at"};
    if (json_object_get(changes, f->name) == NULL)
        return false;
    if (f->kind == FIELD_KIND_COLUMN)
        return true;
    if (f->kind != FIELD_KIND_SYSTEM)
        return false;
    for (size_t i = 0; i < sizeof(store_kept) / sizeof(store_kept[0]); i++) {
        if (strcmp(f->name, store_kept[i]) == 0)
            return false;
    }
    return true;
}

/*
 * The changes to write, with every money field of merged in them: its base
 * amount depends on the record's money date too, so it is computed anew on
 * each write.
 */
static void json_release(void *value)
{
    json_decref(value);
}

static const json_t *changes_with_money(struct arena *arena, const struct entity *entity,
                                        const json_t *changes, const json_t *merged)
{
    if (!entity_has_money(entity))
        return changes;
    json_t *all = json_deep_copy(changes);
    arena_defer(arena, json_release, all);
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        const json_t *v = json_object_get(merged, f->name);
        if (is_money_column(f) && v != NULL)
            json_object_set(all, f->name, (json_t *)v);
    }
    return all;
}

/* Binds a money value's three columns, "minor, currency, base" (base from the record's date). */
static int bind_money(struct store_conn *conn, struct sql_builder *sql, const struct entity *entity,
                      const json_t *v, const json_t *merged, const char *base, bool assign,
                      const char *name, struct err *err)
{
    const char *amount = json_string_value(json_object_get(v, "amount"));
    const char *currency = json_string_value(json_object_get(v, "currency"));
    int64_t minor = 0, base_minor = 0;
    bool known = false;
    if (amount != NULL && currency != NULL) {
        if (money_parse(str_from_cstr(amount), str_from_cstr(currency), &minor) < 0)
            return err_set(err, ERR_INTERNAL, "a money value escaped validation");
        char date[CLOCK_DATE_LEN + 1];
        entity_money_date(entity, merged, date);
        int rc = store_money_to_base(conn, sql->arena, base, minor, currency, date, &base_minor,
                                     &known, err);
        if (rc < 0)
            return rc;
    }
    if (assign)
        sql_addf(sql, "\"%s_minor\" = ", name);
    if (currency != NULL)
        sql_param_int(sql, minor);
    else
        sql_param_null(sql);
    sql_add(sql, assign ? ", " : ", ");
    if (assign)
        sql_addf(sql, "\"%s_currency\" = ", name);
    if (currency != NULL)
        sql_param_cstr(sql, currency);
    else
        sql_param_null(sql);
    sql_add(sql, ", ");
    if (assign)
        sql_addf(sql, "\"%s_base_minor\" = ", name);
    if (known)
        sql_param_int(sql, base_minor);
    else
        sql_param_null(sql);
    return 0;
}

int store_record_insert(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        const struct access *access, const json_t *changes, const json_t *merged,
                        int64_t *id_out, struct err *err)
{
    changes = changes_with_money(arena, entity, changes, merged);
    int rc = check_references(conn, arena, entity, access, 0, changes, err);
    if (rc < 0)
        return rc;
    char now[CLOCK_DATETIME_LEN + 1], base[CURRENCY_CODE_LEN + 1] = "";
    clock_format_datetime(clock_now_ms(), now);
    if (entity_has_money(entity)) {
        rc = store_base_currency(conn, arena, base, err);
        if (rc < 0)
            return rc;
    }
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "INSERT INTO \"%s\" (", entity_table(entity));
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (is_money_column(f) && is_written_column(f, changes))
            sql_addf(&sql, "\"%s_minor\", \"%s_currency\", \"%s_base_minor\", ", f->name, f->name,
                     f->name);
        else if (is_written_column(f, changes))
            sql_addf(&sql, "\"%s\", ", f->name);
    }
    if (entity->derived_name != NULL)
        sql_add(&sql, "\"name\", ");
    sql_add(&sql,
            "\"custom\", \"search_text\", \"created_at\", \"updated_at\", \"version\") VALUES (");
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (!is_written_column(f, changes))
            continue;
        if (is_money_column(f)) {
            rc = bind_money(conn, &sql, entity, json_object_get(changes, f->name), merged, base,
                            false, f->name, err);
            if (rc < 0)
                return rc;
        } else {
            bind_column_value(&sql, f, json_object_get(changes, f->name));
        }
        sql_add(&sql, ", ");
    }
    if (entity->derived_name != NULL) {
        sql_param_cstr(&sql, entity->derived_name(arena, merged));
        sql_add(&sql, ", ");
    }
    const json_t *custom = json_object_get(changes, "custom");
    json_t *empty = json_object();
    bind_column_value(&sql, NULL, custom ? custom : empty);
    json_decref(empty);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, store_search_fold(arena, entity->search_text(arena, merged)));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", 1) RETURNING \"id\"");
    struct store_rows rows;
    rc = unique_conflict(store_query(conn, arena, &sql, &rows, err), entity, changes, err);
    if (rc < 0)
        return rc;
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    rc = write_links(conn, arena, entity, access, *id_out, changes, err);
    return rc == 0 ? store_dup_keys_write(conn, arena, entity, *id_out, merged, err) : rc;
}

int store_record_update(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        const struct access *access, int64_t id, const json_t *changes,
                        const json_t *merged, struct err *err)
{
    changes = changes_with_money(arena, entity, changes, merged);
    int rc = check_references(conn, arena, entity, access, id, changes, err);
    if (rc < 0)
        return rc;
    char now[CLOCK_DATETIME_LEN + 1], base[CURRENCY_CODE_LEN + 1] = "";
    clock_format_datetime(clock_now_ms(), now);
    if (entity_has_money(entity)) {
        rc = store_base_currency(conn, arena, base, err);
        if (rc < 0)
            return rc;
    }
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "UPDATE \"%s\" AS t SET ", entity_table(entity));
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (!is_written_column(f, changes))
            continue;
        if (is_money_column(f)) {
            rc = bind_money(conn, &sql, entity, json_object_get(changes, f->name), merged, base,
                            true, f->name, err);
            if (rc < 0)
                return rc;
        } else {
            sql_ident(&sql, f->name);
            sql_add(&sql, " = ");
            bind_column_value(&sql, f, json_object_get(changes, f->name));
        }
        sql_add(&sql, ", ");
    }
    const json_t *custom = json_object_get(changes, "custom");
    if (custom != NULL) {
        sql_add(&sql, "\"custom\" = ");
        bind_column_value(&sql, NULL, custom);
        sql_add(&sql, ", ");
    }
    if (entity->derived_name != NULL) {
        sql_add(&sql, "\"name\" = ");
        sql_param_cstr(&sql, entity->derived_name(arena, merged));
        sql_add(&sql, ", ");
    }
    sql_add(&sql, "\"search_text\" = ");
    sql_param_cstr(&sql, store_search_fold(arena, entity->search_text(arena, merged)));
    sql_add(&sql, ", \"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " AND \"deleted_at\" IS NULL");
    access_predicate(&sql, access->scope, access, "t");
    sql_add(&sql, " RETURNING \"id\"");
    struct store_rows rows;
    rc = unique_conflict(store_query(conn, arena, &sql, &rows, err), entity, changes, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no %s with id %lld", entity->singular, (long long)id);
    rc = write_links(conn, arena, entity, access, id, changes, err);
    /* The copies of links show a linked record's id and name; only a new name changes them. */
    if (rc == 0 && json_object_get(changes, "name") != NULL)
        rc = store_links_refresh_linking(conn, arena, entity, id, err);
    return rc == 0 ? store_dup_keys_write(conn, arena, entity, id, merged, err) : rc;
}

int store_record_set_trashed(struct store_conn *conn, struct arena *arena,
                             const struct entity *entity, const struct access *access, int64_t id,
                             bool trashed, struct err *err)
{
    json_t *live = NULL;
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "UPDATE \"%s\" AS t SET \"deleted_at\" = ", entity_table(entity));
    if (trashed)
        sql_param_cstr(&sql, now);
    else
        sql_param_null(&sql);
    sql_add(&sql, ", \"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, trashed ? " AND \"deleted_at\" IS NULL" : " AND \"deleted_at\" IS NOT NULL");
    access_predicate(&sql, access->scope, access, "t");
    sql_add(&sql, " RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0 && !trashed &&
        store_record_get(conn, arena, entity, access, id, RECORD_LIVE, &live, err) == 0) {
        json_decref(live);
        err_clear(err);
        return err_set(err, ERR_CONFLICT, "the %s is not in the trash", entity->singular);
    }
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no %s with id %lld", entity->singular, (long long)id);
    /* Records linking to this one show it only while it is out of the trash. */
    return store_links_refresh_linking(conn, arena, entity, id, err);
}

/* ---- money in the base currency ---- */

/* Converts anew the money of entity's records in currency (NULL: all of them). */
static int rebase_entity(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                         const char *base, const char *currency, struct err *err)
{
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (!is_money_column(f))
            continue;
        struct sql_builder sql;
        struct store_rows rows;
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_addf(&sql, "SELECT t.\"id\", t.\"%s_minor\", t.\"%s_currency\", t.\"created_at\"",
                 f->name, f->name);
        for (const char *const *d = entity->money_date_fields; d != NULL && *d != NULL; d++)
            sql_addf(&sql, ", t.\"%s\"", *d);
        sql_addf(&sql, " FROM \"%s\" t WHERE t.\"%s_minor\" IS NOT NULL", entity_table(entity),
                 f->name);
        if (currency != NULL) {
            sql_addf(&sql, " AND t.\"%s_currency\" = ", f->name);
            sql_param_cstr(&sql, currency);
        }
        int rc = store_query(conn, arena, &sql, &rows, err);
        for (size_t r = 0; rc == 0 && r < rows.n_rows; r++) {
            /* The row's dates as a record, for entity_money_date(). */
            json_t *dates = json_object();
            json_object_set_new(dates, "created_at", json_string(store_rows_at(&rows, r, 3)->text));
            size_t c = 4;
            for (const char *const *d = entity->money_date_fields; d != NULL && *d != NULL;
                 d++, c++) {
                const struct store_value *v = store_rows_at(&rows, r, c);
                if (v->type == STORE_TEXT)
                    json_object_set_new(dates, *d, json_string(v->text));
            }
            char date[CLOCK_DATE_LEN + 1];
            entity_money_date(entity, dates, date);
            json_decref(dates);
            int64_t base_minor = 0;
            bool known = false;
            rc = store_money_to_base(conn, arena, base, store_value_int(store_rows_at(&rows, r, 1)),
                                     store_rows_at(&rows, r, 2)->text, date, &base_minor, &known,
                                     err);
            if (rc < 0)
                break;
            sql_init(&sql, arena, store_conn_dialect(conn));
            sql_addf(&sql, "UPDATE \"%s\" SET \"%s_base_minor\" = ", entity_table(entity), f->name);
            if (known)
                sql_param_int(&sql, base_minor);
            else
                sql_param_null(&sql);
            sql_add(&sql, " WHERE \"id\" = ");
            sql_param_int(&sql, store_value_int(store_rows_at(&rows, r, 0)));
            rc = store_query(conn, arena, &sql, NULL, err);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

int store_records_rebase_money(struct store_conn *conn, struct arena *arena, const char *currency,
                               struct err *err)
{
    char base[CURRENCY_CODE_LEN + 1];
    int rc = store_base_currency(conn, arena, base, err);
    for (size_t i = 0; rc == 0 && i < entity_count(); i++) {
        if (entity_has_money(entity_at(i)))
            rc = rebase_entity(conn, arena, entity_at(i), base, currency, err);
    }
    return rc;
}

/* ---- totals ---- */

int store_record_totals(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        const struct access *access, const struct list_query *q,
                        const char *group_column, const char *money_field,
                        struct record_total **out, size_t *n_out, struct err *err)
{
    const char *fts = q->search ? search_query(arena, store_conn_dialect(conn), q->search) : NULL;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    /* No group column: one group, 0. */
    const char *group = group_column != NULL ? arena_printf(arena, "t.\"%s\"", group_column) : "0";
    sql_addf(&sql,
             "SELECT %s, t.\"%s_currency\", count(*), CAST(sum(t.\"%s_minor\") AS BIGINT), "
             "CAST(sum(t.\"%s_base_minor\") AS BIGINT), count(t.\"%s_base_minor\") FROM \"%s\" t",
             group, money_field, money_field, money_field, money_field, entity_table(entity));
    int rc = where_clause(&sql, entity, access, q, fts, (struct list_plan){false, false}, err);
    if (rc < 0)
        return rc;
    if (group_column != NULL)
        sql_addf(&sql, " GROUP BY t.\"%s\", t.\"%s_currency\"", group_column, money_field);
    else
        sql_addf(&sql, " GROUP BY t.\"%s_currency\"", money_field);
    return store_record_totals_read(conn, arena, &sql, out, n_out, err);
}

int store_record_totals_read(struct store_conn *conn, struct arena *arena,
                             const struct sql_builder *sql, struct record_total **out,
                             size_t *n_out, struct err *err)
{
    struct store_rows rows;
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc < 0)
        return rc;
    struct record_total *totals =
        arena_alloc_array(arena, rows.n_rows ? rows.n_rows : 1, sizeof(*totals));
    for (size_t r = 0; r < rows.n_rows; r++) {
        const struct store_value *currency = store_rows_at(&rows, r, 1);
        totals[r] = (struct record_total){
            .group = store_value_int(store_rows_at(&rows, r, 0)),
            .currency = currency->type == STORE_TEXT && currency->len > 0 ? currency->text : NULL,
            .count = store_value_int(store_rows_at(&rows, r, 2)),
            .sum_minor = store_value_int(store_rows_at(&rows, r, 3)),
            .sum_base_minor = store_value_int(store_rows_at(&rows, r, 4)),
            .n_converted = store_value_int(store_rows_at(&rows, r, 5)),
        };
    }
    *out = totals;
    *n_out = rows.n_rows;
    return 0;
}

void store_set_present(struct sql_builder *sql, const json_t *values, const char *const *keys,
                       size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const json_t *value = json_object_get(values, keys[i]);
        if (value == NULL)
            continue;
        sql_ident(sql, keys[i]);
        sql_add(sql, " = ");
        store_param_json(sql, value);
        sql_add(sql, ", ");
    }
}
