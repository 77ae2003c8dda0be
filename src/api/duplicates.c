/*
 * Duplicates and merges of contacts, companies and leads:
 *   GET  /duplicates/check   the records a candidate (the fields a form holds) may duplicate
 *   GET  /duplicates         clusters of duplicates across the whole base, page by page
 *   POST /duplicates/merge   merge records into one; GET /merges, GET /merges/{id}
 *   POST /merges/{id}/undo   undo a merge
 *
 * Rights: every answer holds only records the caller may read; the read
 * right on the entity is needed (403 without). A merge takes the merge
 * right on every record involved (404 for a record the caller cannot see,
 * 403 for one they see but may not merge), and through the record writes
 * it is made of, the update right on the survivor and the delete right on
 * the merged records. A merge is seen (GET, undo) by whoever may read its
 * survivor.
 *
 * DESIGN. The check finds candidates through the dup_keys index (the
 * candidate's blocking keys: e-mails, phones, name skeletons, domains) and
 * scores each with duplicates_score: a few indexed reads, whatever the
 * size of the base. Clusters are built a page at a time, walking dup_keys
 * in key order from the cursor: a page looks at CLUSTERS_WINDOW_ROWS rows at
 * most (a longer key whole) and takes their shared keys while its budgets
 * last (member rows, pairs to score; one key at least). Each key's live
 * records the caller may read are a block whose pairs are scored (a block
 * over DEDUP_BLOCK_MAX only within a window of DEDUP_WINDOW neighbours by
 * name, as domain/dedup.h does); pairs at the threshold are joined by
 * union-find. A group whose pairs share keys on two pages shows as two
 * clusters (one per page). Scoring is the cost: 10-30 us a pair, so a page
 * takes up to ~0.3 s; one pass over a million contacts (5 % duplicates,
 * large name blocks) made ~2,000 pages and ~90 s on SQLite.
 *
 * A merge is one transaction: the relations of each merged record move to
 * the survivor (store_merge_move), the merged records go to the trash, the
 * survivor is updated through the generic record update (validation, hooks,
 * audit, timeline) with the fields named in the request and the union of
 * its list fields, and a merges row keeps the snapshot an undo needs: each
 * field written with its value before and after, and each moved row. An
 * undo moves the rows back, gives back the fields whose value is still the
 * one the merge wrote (a field changed since keeps its new value: the
 * answer's kept_fields names them), restores the merged records from the
 * trash and marks the merge undone (409 the second time).
 */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/dedup.h"
#include "domain/duplicates.h"
#include "domain/entity.h"
#include "store/duplicates.h"
#include "store/merges.h"

/* What a check answers at most, and reads at most through strong keys and name keys. */
#define CHECK_MAX_RESULTS 10
#define CHECK_STRONG_CANDIDATES 50
#define CHECK_NAME_CANDIDATES 100
#define CHECK_LIST_MAX_ITEMS 20
/* Shared keys per page of clusters, the member rows a page reads, and those of one block. */
#define CLUSTERS_DEFAULT_KEYS 200
#define CLUSTERS_MAX_KEYS 1000
#define CLUSTERS_ROW_BUDGET 5000
#define CLUSTERS_BLOCK_READ_MAX 1000
#define CLUSTERS_KEYS_PER_QUERY 200
/* dup_keys rows a page looks at most to find its shared keys (a bigger key is read whole). */
#define CLUSTERS_WINDOW_ROWS 20000
/* Pairs a page scores at most (one block at least): each costs some 10-30 us. */
#define CLUSTERS_PAIR_BUDGET 20000
/* Scores computed in one scratch arena before it is given back. */
#define SCORES_PER_SCRATCH 256
/* Records one merge may join to its survivor. */
#define MERGE_MAX_MERGED 20
#define MERGES_DEFAULT_LIMIT 20
#define MERGES_MAX_LIMIT 100

/* ---- shared ---- */

static const struct entity *matched_entity(const char *name)
{
    const struct entity *entity = name != NULL ? entity_find(name) : NULL;
    return entity != NULL && duplicates_entity(entity) ? entity : NULL;
}

/* ?entity= (400 unless contacts, companies or leads) which the caller must read (403). */
static int query_entity(struct http_request *req, const struct entity **entity)
{
    *entity = matched_entity(http_query(req, "entity"));
    if (*entity == NULL) {
        err_set(&req->err, ERR_BAD_REQUEST, "entity must be contacts, companies or leads");
        return err_field(&req->err, "entity", "must be contacts, companies or leads");
    }
    if (actor_scope(api_actor(req), *entity, ACCESS_READ) == SCOPE_NONE)
        return err_set(&req->err, ERR_FORBIDDEN, "your role may not read %s", (*entity)->name);
    return 0;
}

/* A score as answered: two decimals. */
static json_t *score_json(double score)
{
    return json_real((double)(int64_t)(score * 100.0 + 0.5) / 100.0);
}

/* The name a record is shown by (a lead without a name: its title). */
static const char *record_label(const json_t *record)
{
    const char *name = json_string_value(json_object_get(record, "name"));
    if (name == NULL || *name == '\0')
        name = json_string_value(json_object_get(record, "title"));
    return name != NULL ? name : "";
}

static int id_order(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts ids and drops repeats; returns how many are left. */
static size_t ids_unique(int64_t *ids, size_t n)
{
    if (n == 0)
        return 0;
    qsort(ids, n, sizeof(*ids), id_order);
    size_t out = 1;
    for (size_t i = 1; i < n; i++) {
        if (ids[i] != ids[out - 1])
            ids[out++] = ids[i];
    }
    return out;
}

/* ---- GET /duplicates/check ---- */

/*
 * A comma-separated list as an array of its non-empty items, the first
 * CHECK_LIST_MAX_ITEMS (new); NULL when an item is not UTF-8.
 */
static json_t *query_list(const char *text)
{
    json_t *list = json_array();
    struct str rest = str_from_cstr(text), item;
    while (rest.len > 0 && json_array_size(list) < CHECK_LIST_MAX_ITEMS) {
        str_split(rest, ',', &item, &rest);
        item = str_trim(item);
        if (item.len == 0)
            continue;
        json_t *s = json_stringn(item.ptr, item.len);
        if (s == NULL) {
            json_decref(list);
            return NULL;
        }
        json_array_append_new(list, s);
    }
    return list;
}

/*
 * The candidate the query describes, as a record: first_name, last_name,
 * name, website, email, phone, company_name as they are; emails and phones
 * comma-separated. 400 for text that is not UTF-8.
 */
static int check_candidate(struct http_request *req, json_t **candidate)
{
    static const char *const scalars[] = {"first_name", "last_name", "name",        "website",
                                          "email",      "phone",     "company_name"};
    static const char *const lists[] = {"emails", "phones"};
    json_t *c = api_keep(req, json_object());
    *candidate = c;
    for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]) + 2; i++) {
        bool is_list = i >= sizeof(scalars) / sizeof(scalars[0]);
        const char *name = is_list ? lists[i - sizeof(scalars) / sizeof(scalars[0])] : scalars[i];
        const char *v = http_query(req, name);
        if (v == NULL || *v == '\0')
            continue;
        json_t *value = is_list ? query_list(v) : json_string(v);
        if (value == NULL) {
            err_set(&req->err, ERR_BAD_REQUEST, "%s is not UTF-8 text", name);
            return err_field(&req->err, name, "must be UTF-8 text");
        }
        json_object_set_new(c, name, value);
    }
    return 0;
}

/* Strong keys (an e-mail, a phone, a domain) find few records; name keys may find many. */
static bool key_is_strong(const char *key)
{
    return strncmp(key, "e:", 2) == 0 || strncmp(key, "p:", 2) == 0 || strncmp(key, "d:", 2) == 0;
}

static int duplicate_hit_order(const void *a, const void *b)
{
    const struct duplicate_hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    int64_t xi = json_integer_value(json_object_get(x->record, "id"));
    int64_t yi = json_integer_value(json_object_get(y->record, "id"));
    return (xi > yi) - (xi < yi);
}

/* The ids of live records within access holding any of keys, at most limit, appended. */
static int candidates_add(struct http_request *req, struct store_conn *conn,
                          const struct entity *entity, const struct access *read, const char **keys,
                          size_t n_keys, size_t limit, int64_t *ids, size_t *n_ids)
{
    struct dup_member *members;
    size_t n;
    int rc = store_dup_members(conn, req->arena, entity, read, keys, n_keys, limit, &members, &n,
                               &req->err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        ids[(*n_ids)++] = members[i].record_id;
    return rc;
}

int api_duplicates_find(struct http_request *req, struct store_conn *conn,
                        const struct entity *entity, const json_t *candidate, const char *country,
                        int64_t exclude_id, struct duplicate_hit **hits, size_t *n_hits)
{
    const char **keys;
    json_t *records = NULL;
    size_t n_keys = duplicates_keys(req->arena, entity, candidate, country, &keys), n_strong = 0;
    const char **strong = arena_alloc_array(req->arena, n_keys + 1, sizeof(char *));
    const char **names = arena_alloc_array(req->arena, n_keys + 1, sizeof(char *));
    for (size_t i = 0; i < n_keys; i++) {
        if (key_is_strong(keys[i]))
            strong[n_strong++] = keys[i];
        else
            names[i - n_strong] = keys[i];
    }
    struct access read = actor_access(api_actor(req), entity, ACCESS_READ);
    int64_t *ids = arena_alloc_array(req->arena, CHECK_STRONG_CANDIDATES + CHECK_NAME_CANDIDATES,
                                     sizeof(int64_t));
    size_t n_ids = 0;
    int rc = candidates_add(req, conn, entity, &read, strong, n_strong, CHECK_STRONG_CANDIDATES,
                            ids, &n_ids);
    if (rc == 0)
        rc = candidates_add(req, conn, entity, &read, names, n_keys - n_strong,
                            CHECK_NAME_CANDIDATES, ids, &n_ids);
    n_ids = ids_unique(ids, n_ids);
    size_t n = 0;
    for (size_t i = 0; i < n_ids; i++) {
        if (ids[i] != exclude_id)
            ids[n++] = ids[i];
    }
    if (rc == 0)
        rc = store_dup_records(conn, req->arena, entity, &read, ids, n, &records, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, records);
    actor_hide_fields(api_actor(req), entity, records);
    *hits = arena_alloc_array(req->arena, json_array_size(records) + 1, sizeof(**hits));
    *n_hits = 0;
    size_t i;
    json_t *record;
    json_array_foreach(records, i, record)
    {
        const char *reason;
        double score = duplicates_score(req->arena, entity, candidate, record, country, &reason);
        if (score >= DEDUP_THRESHOLD)
            (*hits)[(*n_hits)++] = (struct duplicate_hit){record, score, reason};
    }
    qsort(*hits, *n_hits, sizeof(**hits), duplicate_hit_order);
    return 0;
}

int duplicates_check(struct http_request *req, struct http_response *res)
{
    const struct entity *entity;
    struct store_conn *conn;
    json_t *candidate = NULL;
    struct duplicate_hit *hits;
    size_t n_hits;
    int64_t exclude = 0;
    char country[3];
    int rc = query_entity(req, &entity);
    if (rc == 0)
        rc = check_candidate(req, &candidate);
    if (rc == 0)
        rc = api_query_id(req, "exclude_id", &exclude);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_default_country(conn, req->arena, country, &req->err);
    if (rc == 0)
        rc = api_duplicates_find(req, conn, entity, candidate, country, exclude, &hits, &n_hits);
    if (rc < 0)
        return rc;
    json_t *data = json_array();
    for (size_t h = 0; h < n_hits && h < CHECK_MAX_RESULTS; h++)
        json_array_append_new(data, json_pack("{s:O,s:s,s:o,s:s}", "id",
                                              json_object_get(hits[h].record, "id"), "name",
                                              record_label(hits[h].record), "score",
                                              score_json(hits[h].score), "reason",
                                              hits[h].reason != NULL ? hits[h].reason : "similar"));
    json_t *body = api_keep(req, json_pack("{s:o}", "data", data));
    return http_respond_json(res, 200, body);
}

/* ---- GET /duplicates: clusters ---- */

/*
 * The cursor of a page of clusters: where the next page starts, in hex: 'x'
 * and the key the next page starts after, or 'i' and the key it starts at.
 */
static const char *cursor_encode(struct arena *arena, struct dup_bound from)
{
    static const char digits[] = "0123456789abcdef";
    size_t len = strlen(from.key);
    char *out = arena_alloc(arena, 2 * len + 3);
    out[0] = digits[(from.inclusive ? 'i' : 'x') >> 4];
    out[1] = digits[(from.inclusive ? 'i' : 'x') & 15];
    for (size_t i = 0; i < len; i++) {
        out[2 * i + 2] = digits[(unsigned char)from.key[i] >> 4];
        out[2 * i + 3] = digits[(unsigned char)from.key[i] & 15];
    }
    out[2 * len + 2] = '\0';
    return out;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int cursor_decode(struct http_request *req, const char *text, struct dup_bound *from)
{
    size_t len = strlen(text);
    char *out = arena_alloc(req->arena, len / 2 + 1);
    bool ok = len > 2 && len % 2 == 0 && len <= 4096;
    for (size_t i = 0; ok && i < len / 2; i++) {
        int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        ok = hi >= 0 && lo >= 0 && (hi | lo) != 0;
        out[i] = (char)(hi * 16 + lo);
    }
    if (!ok || (out[0] != 'x' && out[0] != 'i')) {
        err_set(&req->err, ERR_BAD_CURSOR, "the cursor is not one this list gave");
        return err_field(&req->err, "cursor", "is not a cursor of this list");
    }
    out[len / 2] = '\0';
    *from = (struct dup_bound){out + 1, out[0] == 'i'};
    return 0;
}

/* A page's records: ids ascending, their matcher fields, union-find parents. */
struct cluster_page {
    const struct entity *entity;
    const char *country;
    int64_t *ids;
    json_t **records; /* NULL: gone since its key was read */
    size_t *parent;
    size_t n;
    /* Pairs at the threshold. */
    struct cluster_pair *pairs;
    size_t n_pairs, cap_pairs;
    struct arena *scratch;
    size_t scratch_uses;
};

struct cluster_pair {
    size_t a, b;
    double score;
    const char *reason;
};

static size_t page_index(const struct cluster_page *p, int64_t id)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t uf_find(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void uf_union(size_t *parent, size_t a, size_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a != b)
        parent[a < b ? b : a] = a < b ? a : b;
}

/* Scores records a and b (page indexes); a pair at the threshold is kept and joined. */
static void pair_score(struct http_request *req, struct cluster_page *p, size_t a, size_t b)
{
    if (p->scratch == NULL || p->scratch_uses >= SCORES_PER_SCRATCH) {
        if (p->scratch != NULL)
            arena_free(p->scratch);
        p->scratch = arena_new();
        p->scratch_uses = 0;
    }
    p->scratch_uses++;
    const char *reason;
    double score =
        duplicates_score(p->scratch, p->entity, p->records[a], p->records[b], p->country, &reason);
    if (score < DEDUP_THRESHOLD)
        return;
    if (p->n_pairs == p->cap_pairs) {
        size_t cap = p->cap_pairs ? 2 * p->cap_pairs : 64;
        p->pairs = arena_grow(req->arena, p->pairs, p->cap_pairs * sizeof(*p->pairs),
                              cap * sizeof(*p->pairs));
        p->cap_pairs = cap;
    }
    p->pairs[p->n_pairs++] =
        (struct cluster_pair){a < b ? a : b, a < b ? b : a, score,
                              arena_strdup(req->arena, reason != NULL ? reason : "similar")};
    uf_union(p->parent, a, b);
}

static const struct cluster_page *name_order_page;

/* qsort order of page indexes by the record's name, then id. */
static int name_order(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    const struct cluster_page *p = name_order_page;
    int c = strcmp(record_label(p->records[a]), record_label(p->records[b]));
    return c != 0 ? c : (a > b) - (a < b);
}

/* Compares the records of one block (page indexes): every pair, or a window by name. */
static void block_score(struct http_request *req, struct cluster_page *p, size_t *members, size_t n)
{
    if (n < 2)
        return;
    if (n <= DEDUP_BLOCK_MAX) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = i + 1; j < n; j++)
                pair_score(req, p, members[i], members[j]);
        }
        return;
    }
    name_order_page = p;
    qsort(members, n, sizeof(*members), name_order);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n && j <= i + DEDUP_WINDOW; j++)
            pair_score(req, p, members[i], members[j]);
    }
}

/* Reads the members of blocks[0..n) (live, within read), grouped by key in key order. */
static int page_members(struct http_request *req, struct store_conn *conn,
                        const struct entity *entity, const struct access *read,
                        const struct dup_block *blocks, size_t n, struct dup_member **out,
                        size_t *n_out)
{
    size_t cap = 0;
    for (size_t i = 0; i < n; i++)
        cap += (size_t)(blocks[i].n_records < CLUSTERS_BLOCK_READ_MAX ? blocks[i].n_records
                                                                      : CLUSTERS_BLOCK_READ_MAX);
    *out = arena_alloc_array(req->arena, cap + 1, sizeof(**out));
    *n_out = 0;
    const char **keys = arena_alloc_array(req->arena, CLUSTERS_KEYS_PER_QUERY, sizeof(char *));
    size_t i = 0;
    while (i < n) {
        struct dup_member *got;
        size_t n_got, n_keys = 0;
        size_t limit = 0;
        if (blocks[i].n_records > DEDUP_BLOCK_MAX) {
            keys[n_keys++] = blocks[i++].key;
            limit = CLUSTERS_BLOCK_READ_MAX;
        } else {
            while (i < n && n_keys < CLUSTERS_KEYS_PER_QUERY &&
                   blocks[i].n_records <= DEDUP_BLOCK_MAX)
                keys[n_keys++] = blocks[i++].key;
        }
        int rc = store_dup_members(conn, req->arena, entity, read, keys, n_keys, limit, &got,
                                   &n_got, &req->err);
        if (rc < 0)
            return rc;
        for (size_t g = 0; g < n_got && *n_out < cap; g++)
            (*out)[(*n_out)++] = got[g];
    }
    return 0;
}

struct cluster_out {
    json_t *json;
    double score;
    int64_t first_id;
};

static int cluster_order(const void *a, const void *b)
{
    const struct cluster_out *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->first_id > y->first_id) - (x->first_id < y->first_id);
}

/* The clusters of the page's pairs, best first (new array). */
static json_t *page_clusters(struct http_request *req, struct cluster_page *p)
{
    /* The best pair of each root. */
    size_t *best = arena_alloc_array(req->arena, p->n + 1, sizeof(size_t));
    for (size_t i = 0; i < p->n; i++)
        best[i] = SIZE_MAX;
    for (size_t k = 0; k < p->n_pairs; k++) {
        size_t root = uf_find(p->parent, p->pairs[k].a);
        if (best[root] == SIZE_MAX || p->pairs[k].score > p->pairs[best[root]].score)
            best[root] = k;
    }
    struct cluster_out *out = arena_alloc_array(req->arena, p->n + 1, sizeof(*out));
    size_t n_out = 0;
    json_t **members = arena_alloc_array(req->arena, p->n + 1, sizeof(json_t *));
    for (size_t i = 0; i < p->n; i++)
        members[i] = NULL;
    for (size_t i = 0; i < p->n; i++) {
        size_t root = uf_find(p->parent, i);
        if (best[root] == SIZE_MAX)
            continue;
        if (members[root] == NULL) {
            const struct cluster_pair *pair = &p->pairs[best[root]];
            members[root] = json_pack("{s:o,s:s,s:[],s:[]}", "score", score_json(pair->score),
                                      "reason", pair->reason, "ids", "records");
            out[n_out++] = (struct cluster_out){members[root], pair->score, p->ids[i]};
        }
        json_array_append_new(json_object_get(members[root], "ids"), json_integer(p->ids[i]));
        json_array_append_new(json_object_get(members[root], "records"),
                              json_pack("{s:I,s:s}", "id", (json_int_t)p->ids[i], "name",
                                        record_label(p->records[i])));
    }
    qsort(out, n_out, sizeof(*out), cluster_order);
    json_t *data = json_array();
    for (size_t k = 0; k < n_out; k++)
        json_array_append_new(data, out[k].json);
    return data;
}

/* The page's records from its members: ids, their fields, one set each for union-find. */
static int page_records(struct http_request *req, struct store_conn *conn,
                        const struct access *read, struct cluster_page *p,
                        const struct dup_member *members, size_t n_members)
{
    p->ids = arena_alloc_array(req->arena, n_members + 1, sizeof(int64_t));
    for (size_t i = 0; i < n_members; i++)
        p->ids[i] = members[i].record_id;
    p->n = ids_unique(p->ids, n_members);
    p->records = arena_alloc_array(req->arena, p->n + 1, sizeof(json_t *));
    p->parent = arena_alloc_array(req->arena, p->n + 1, sizeof(size_t));
    for (size_t i = 0; i < p->n; i++) {
        p->records[i] = NULL;
        p->parent[i] = i;
    }
    json_t *records;
    int rc =
        store_dup_records(conn, req->arena, p->entity, read, p->ids, p->n, &records, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, records);
    actor_hide_fields(api_actor(req), p->entity, records);
    size_t i;
    json_t *record;
    json_array_foreach(records, i, record)
    {
        size_t at = page_index(p, json_integer_value(json_object_get(record, "id")));
        if (at < p->n)
            p->records[at] = record;
    }
    return 0;
}

static void scratch_release(void *arg)
{
    struct cluster_page *p = arg;
    if (p->scratch != NULL)
        arena_free(p->scratch);
    p->scratch = NULL;
}

int duplicates_list(struct http_request *req, struct http_response *res)
{
    const struct entity *entity;
    struct store_conn *conn;
    const char *cursor = http_query(req, "cursor");
    struct dup_bound from = {0}, window_end = {0};
    size_t limit = 0;
    char country[3];
    int rc = query_entity(req, &entity);
    if (rc == 0)
        rc = api_parse_limit(req, CLUSTERS_DEFAULT_KEYS, CLUSTERS_MAX_KEYS, &limit);
    if (rc == 0 && cursor != NULL && *cursor != '\0')
        rc = cursor_decode(req, cursor, &from);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_default_country(conn, req->arena, country, &req->err);
    struct dup_block *blocks = NULL;
    size_t n_blocks = 0;
    if (rc == 0)
        rc = store_dup_window_end(conn, req->arena, entity, from, CLUSTERS_WINDOW_ROWS, &window_end,
                                  &req->err);
    if (rc == 0)
        rc = store_dup_blocks(conn, req->arena, entity, from, window_end, limit, &blocks, &n_blocks,
                              &req->err);
    if (rc < 0)
        return rc;
    /* The keys this page takes: all, or as many as the budgets allow (one at least). */
    size_t taken = 0, rows = 0, pairs = 0;
    while (taken < n_blocks) {
        int64_t n = blocks[taken].n_records;
        size_t cost = (size_t)(n < CLUSTERS_BLOCK_READ_MAX ? n : CLUSTERS_BLOCK_READ_MAX);
        size_t cost_pairs = cost <= DEDUP_BLOCK_MAX ? cost * (cost - 1) / 2 : cost * DEDUP_WINDOW;
        if (taken > 0 &&
            (rows + cost > CLUSTERS_ROW_BUDGET || pairs + cost_pairs > CLUSTERS_PAIR_BUDGET))
            break;
        rows += cost;
        pairs += cost_pairs;
        taken++;
    }
    /* Where the next page starts: after the last key taken, or at the end of the window. */
    struct dup_bound next = {0};
    if (taken > 0 && (taken < n_blocks || n_blocks == limit))
        next = (struct dup_bound){blocks[taken - 1].key, false};
    else if (window_end.key != NULL)
        next = (struct dup_bound){window_end.key, !window_end.inclusive};
    struct access read = actor_access(api_actor(req), entity, ACCESS_READ);
    struct dup_member *members;
    size_t n_members;
    rc = page_members(req, conn, entity, &read, blocks, taken, &members, &n_members);
    /* In the arena: the scratch arena is given back with it, whatever happens. */
    struct cluster_page *page = arena_alloc(req->arena, sizeof(*page));
    *page = (struct cluster_page){.entity = entity, .country = country};
    arena_defer(req->arena, scratch_release, page);
    if (rc == 0)
        rc = page_records(req, conn, &read, page, members, n_members);
    if (rc < 0)
        return rc;
    size_t *block = arena_alloc_array(req->arena, n_members + 1, sizeof(size_t));
    for (size_t start = 0; start < n_members;) {
        size_t end = start, n = 0;
        while (end < n_members && strcmp(members[end].key, members[start].key) == 0) {
            size_t at = page_index(page, members[end].record_id);
            if (at < page->n && page->records[at] != NULL)
                block[n++] = at;
            end++;
        }
        block_score(req, page, block, n);
        start = end;
    }
    scratch_release(page);
    json_t *body = api_keep(req, json_object());
    json_object_set_new(body, "data", page_clusters(req, page));
    json_object_set_new(body, "next_cursor",
                        next.key != NULL ? json_string(cursor_encode(req->arena, next))
                                         : json_null());
    return http_respond_json(res, 200, body);
}

/* ---- merges: shared ---- */

/* A field's value in a record ("custom.<name>": under custom); JSON null when absent. */
static json_t *field_value(const json_t *record, const char *name)
{
    const json_t *v = strncmp(name, "custom.", 7) == 0
                          ? json_object_get(json_object_get(record, "custom"), name + 7)
                          : json_object_get(record, name);
    return v != NULL ? (json_t *)v : json_null();
}

/* Sets a field in an update body ("custom.<name>" under custom); takes value. */
static void field_set(json_t *body, const char *name, json_t *value)
{
    if (strncmp(name, "custom.", 7) != 0) {
        json_object_set_new(body, name, value);
        return;
    }
    json_t *custom = json_object_get(body, "custom");
    if (custom == NULL) {
        custom = json_object();
        json_object_set_new(body, "custom", custom);
    }
    json_object_set_new(custom, name + 7, value);
}

/* Whether a merge may take field name from a record: a written field, or a custom one. */
static bool field_mergeable(const struct entity *entity, const char *name)
{
    if (strncmp(name, "custom.", 7) == 0)
        return name[7] != '\0';
    const struct entity_field *f = entity_field_find(entity, name);
    return f != NULL && f->kind == FIELD_KIND_COLUMN;
}

/* The merge as answered: no snapshot, but the fields it wrote and the rows it moved. */
static json_t *merge_answer(const json_t *stored)
{
    const json_t *snapshot = json_object_get(stored, "snapshot");
    json_t *fields = json_array(), *moved = json_object();
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)json_object_get(json_object_get(snapshot, "survivor"), "fields"),
                        name, v)
    {
        json_array_append_new(fields, json_string(name));
    }
    size_t i;
    const json_t *move;
    json_array_foreach(json_object_get(snapshot, "moves"), i, move)
    {
        const char *table = json_string_value(json_object_get(move, "link"));
        const json_t *rows = json_object_get(move, table != NULL ? "rows" : "ids");
        if (table == NULL)
            table = json_string_value(json_object_get(move, "table"));
        if (table == NULL)
            continue;
        json_int_t before = json_integer_value(json_object_get(moved, table));
        json_object_set_new(moved, table, json_integer(before + (json_int_t)json_array_size(rows)));
    }
    const json_t *undone_at = json_object_get(stored, "undone_at");
    return json_pack("{s:O,s:O,s:O,s:O,s:o,s:o,s:O,s:O,s:b,s:O,s:O}", "id",
                     json_object_get(stored, "id"), "entity", json_object_get(stored, "entity"),
                     "survivor_id", json_object_get(stored, "survivor_id"), "merged_ids",
                     json_object_get(stored, "merged_ids"), "fields", fields, "moved", moved,
                     "created_by", json_object_get(stored, "created_by"), "created_at",
                     json_object_get(stored, "created_at"), "undone", !json_is_null(undone_at),
                     "undone_by", json_object_get(stored, "undone_by"), "undone_at", undone_at);
}

/* The merge of the path, whose survivor the caller may read (live or trashed); 404 otherwise. */
static int path_merge(struct http_request *req, struct store_conn *conn, json_t **merge,
                      const struct entity **entity)
{
    int64_t id;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = store_merge_get(conn, req->arena, id, merge, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, *merge);
    *entity = matched_entity(json_string_value(json_object_get(*merge, "entity")));
    bool visible = false;
    struct access read;
    if (*entity != NULL) {
        read = actor_access(api_actor(req), *entity, ACCESS_READ);
        rc = store_record_in_scope(conn, req->arena, *entity, &read,
                                   json_integer_value(json_object_get(*merge, "survivor_id")),
                                   &visible, &req->err);
    }
    if (rc == 0 && !visible)
        rc = err_set(&req->err, ERR_NOT_FOUND, "no merge with id %lld", (long long)id);
    return rc;
}

static int merge_audit(struct http_request *req, struct store_conn *conn,
                       const struct entity *entity, const char *action, int64_t merge_id,
                       int64_t survivor_id, const json_t *merged_ids)
{
    json_t *detail =
        api_keep(req, json_pack("{s:I,s:I,s:O}", "merge_id", (json_int_t)merge_id, "survivor_id",
                                (json_int_t)survivor_id, "merged_ids", merged_ids));
    int rc = api_audit(req, conn, "record", action, entity->name, survivor_id, NULL, detail);
    size_t i;
    const json_t *id;
    json_array_foreach(merged_ids, i, id)
    {
        if (rc == 0)
            rc = api_audit(req, conn, "record", action, entity->name, json_integer_value(id), NULL,
                           detail);
    }
    return rc;
}

/* ---- POST /duplicates/merge ---- */

struct merge_request {
    const struct entity *entity;
    int64_t survivor_id;
    int64_t merged[MERGE_MAX_MERGED];
    size_t n_merged;
    const json_t *fields; /* {field: source id}, checked; NULL: none */
};

static bool merge_involves(const struct merge_request *m, int64_t id)
{
    if (id == m->survivor_id)
        return true;
    for (size_t i = 0; i < m->n_merged; i++) {
        if (m->merged[i] == id)
            return true;
    }
    return false;
}

static void merge_parse_ids(struct http_request *req, const json_t *list, struct merge_request *m)
{
    if (!json_is_array(list) || json_array_size(list) == 0 ||
        json_array_size(list) > MERGE_MAX_MERGED) {
        err_field(&req->err, "merged_ids", "must be a list of 1 to %d record ids",
                  MERGE_MAX_MERGED);
        return;
    }
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
    {
        char path[48];
        snprintf(path, sizeof(path), "merged_ids[%zu]", i);
        int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
        if (id <= 0)
            err_field(&req->err, path, "must be a record id");
        else if (merge_involves(m, id))
            err_field(&req->err, path, "names the survivor or a record named before");
        else
            m->merged[m->n_merged++] = id;
    }
}

static void merge_parse_fields(struct http_request *req, const json_t *fields,
                               struct merge_request *m)
{
    if (fields == NULL || json_is_null(fields))
        return;
    if (!json_is_object(fields)) {
        err_field(&req->err, "fields", "must be an object of field: record id");
        return;
    }
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)fields, name, v)
    {
        char path[96];
        snprintf(path, sizeof(path), "fields.%.80s", name);
        if (m->entity != NULL && !field_mergeable(m->entity, name))
            err_field(&req->err, path, "is not a field of %s a merge can take", m->entity->name);
        else if (!json_is_integer(v) || !merge_involves(m, json_integer_value(v)))
            err_field(&req->err, path, "must be the id of the survivor or of a merged record");
    }
    m->fields = fields;
}

static int merge_parse(struct http_request *req, struct merge_request *m)
{
    static const char *const known[] = {"entity", "survivor_id", "merged_ids", "fields"};
    json_t *body;
    int rc = http_request_json(req, &body);
    if (rc == 0 && !json_is_object(body))
        rc = err_set(&req->err, ERR_BAD_REQUEST, "the body must be a JSON object");
    if (rc < 0)
        return rc;
    *m = (struct merge_request){0};
    const char *key;
    const json_t *v;
    json_object_foreach(body, key, v)
    {
        bool ok = false;
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]) && !ok; i++)
            ok = strcmp(key, known[i]) == 0;
        if (!ok)
            err_field(&req->err, key, "is not a field of a merge");
    }
    m->entity = matched_entity(json_string_value(json_object_get(body, "entity")));
    if (m->entity == NULL)
        err_field(&req->err, "entity", "must be contacts, companies or leads");
    const json_t *survivor = json_object_get(body, "survivor_id");
    m->survivor_id = json_is_integer(survivor) ? json_integer_value(survivor) : 0;
    if (m->survivor_id <= 0)
        err_field(&req->err, "survivor_id", "must be a record id");
    merge_parse_ids(req, json_object_get(body, "merged_ids"), m);
    merge_parse_fields(req, json_object_get(body, "fields"), m);
    if (req->err.n_fields > 0 || req->err.code != ERR_OK)
        return err_set(&req->err, ERR_VALIDATION, "the merge request is not valid");
    return 0;
}

/* The key a list item is compared by: normalised e-mails and phones, other items as they are. */
static const char *list_item_key(struct arena *arena, const struct entity_field *f,
                                 const json_t *item, const char *country)
{
    const char *text = json_string_value(item);
    const char *key = NULL;
    if (text != NULL && f->item_type == FIELD_EMAIL)
        key = duplicates_email_key(arena, text);
    else if (text != NULL && f->item_type == FIELD_PHONE)
        key = duplicates_phone_key(arena, text, country);
    return key != NULL ? key : text;
}

/* The survivor's list with the items of the merged records it lacks (new); NULL when none. */
static json_t *list_union(struct arena *arena, const struct entity_field *f, const json_t *survivor,
                          json_t *const *merged, size_t n_merged, const char *country)
{
    const json_t *own = json_object_get(survivor, f->name);
    json_t *all = json_is_array(own) ? json_deep_copy(own) : json_array();
    size_t n_own = json_array_size(all);
    for (size_t r = 0; r < n_merged; r++) {
        size_t i;
        const json_t *item;
        json_array_foreach(json_object_get(merged[r], f->name), i, item)
        {
            const char *key = list_item_key(arena, f, item, country);
            bool have = false;
            size_t j;
            const json_t *o;
            json_array_foreach(all, j, o)
            {
                const char *other = list_item_key(arena, f, o, country);
                have = have || (key != NULL && other != NULL ? strcmp(key, other) == 0
                                                             : json_equal(o, item));
            }
            if (!have && json_array_size(all) < ENTITY_LIST_MAX_ITEMS)
                json_array_append(all, (json_t *)item);
        }
    }
    if (json_array_size(all) > n_own)
        return all;
    json_decref(all);
    return NULL;
}

/*
 * The update for the survivor (a new object): each named field from its
 * source, and the union of the list fields not named that the caller may
 * write.
 */
static json_t *survivor_body(struct http_request *req, const struct merge_request *m,
                             const json_t *survivor, json_t *const *merged, const char *country)
{
    json_t *body = json_object();
    const char *name;
    const json_t *source;
    if (m->fields != NULL) {
        json_object_foreach((json_t *)m->fields, name, source)
        {
            int64_t from = json_integer_value(source);
            const json_t *record = survivor;
            for (size_t i = 0; i < m->n_merged; i++) {
                if (m->merged[i] == from)
                    record = merged[i];
            }
            json_t *value = field_value(record, name);
            if (!json_equal(value, field_value(survivor, name)))
                field_set(body, name, json_deep_copy(value));
        }
    }
    const struct entity *entity = m->entity;
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        bool is_list = f->type == FIELD_TEXT_LIST || f->type == FIELD_MULTI_ENUM;
        if (!is_list || f->kind != FIELD_KIND_COLUMN ||
            (m->fields != NULL && json_object_get(m->fields, f->name) != NULL) ||
            actor_field_right(api_actor(req), entity, f->name) != FIELD_RIGHT_FULL)
            continue;
        json_t *all = list_union(req->arena, f, survivor, merged, m->n_merged, country);
        if (all != NULL)
            json_object_set_new(body, f->name, all);
    }
    return body;
}

/* {field: [before, after]} of each field of body, from the survivor before and after. */
static json_t *written_fields(const json_t *body, const json_t *before, const json_t *after)
{
    json_t *out = json_object();
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        if (strcmp(key, "custom") != 0) {
            json_object_set_new(
                out, key, json_pack("[O,O]", field_value(before, key), field_value(after, key)));
            continue;
        }
        const char *name;
        const json_t *value;
        json_object_foreach((json_t *)v, name, value)
        {
            char path[96];
            snprintf(path, sizeof(path), "custom.%.80s", name);
            json_object_set_new(
                out, path, json_pack("[O,O]", field_value(before, path), field_value(after, path)));
        }
    }
    return out;
}

/* Every record exists for the caller (404) and may be merged by them (403). */
static int merge_records(struct http_request *req, struct store_conn *conn,
                         const struct merge_request *m, json_t **survivor, json_t **merged)
{
    int rc = api_record_visible(req, conn, m->entity, m->survivor_id, survivor);
    for (size_t i = 0; rc == 0 && i < m->n_merged; i++)
        rc = api_record_visible(req, conn, m->entity, m->merged[i], &merged[i]);
    struct access access;
    if (rc == 0)
        rc = api_record_access(req, conn, m->entity, ACCESS_MERGE, m->survivor_id, &access);
    for (size_t i = 0; rc == 0 && i < m->n_merged; i++)
        rc = api_record_access(req, conn, m->entity, ACCESS_MERGE, m->merged[i], &access);
    return rc;
}

/* The merge itself, in the open transaction: *id is the merges row's. */
static int merge_run(struct http_request *req, struct store_conn *conn,
                     const struct merge_request *m, int64_t *id)
{
    json_t *survivor = NULL, *after = NULL;
    json_t *merged[MERGE_MAX_MERGED] = {0};
    char country[3], now[CLOCK_DATETIME_LEN + 1];
    int rc = merge_records(req, conn, m, &survivor, merged);
    if (rc == 0)
        rc = store_default_country(conn, req->arena, country, &req->err);
    if (rc < 0)
        return rc;
    json_t *body = api_keep(req, survivor_body(req, m, survivor, merged, country));
    json_t *moves = api_keep(req, json_array());
    json_t *merged_ids = api_keep(req, json_array());
    for (size_t i = 0; rc == 0 && i < m->n_merged; i++) {
        json_array_append_new(merged_ids, json_integer(m->merged[i]));
        rc = store_merge_move(conn, req->arena, m->entity, m->survivor_id, m->merged[i], moves,
                              &req->err);
    }
    /* To the trash first: a unique field the survivor takes must be free among live records. */
    for (size_t i = 0; rc == 0 && i < m->n_merged; i++) {
        json_t *trashed;
        rc = api_record_set_trashed(req, conn, m->entity, m->merged[i], true, &trashed);
    }
    after = survivor;
    if (rc == 0 && json_object_size(body) > 0) {
        json_t *update = api_keep(req, json_deep_copy(body));
        rc = api_record_update(req, conn, m->entity, m->survivor_id, update, 0, &after);
    }
    if (rc < 0)
        return rc;
    json_t *snapshot =
        api_keep(req, json_pack("{s:{s:O,s:O,s:o},s:O}", "survivor", "version_before",
                                json_object_get(survivor, "version"), "version_after",
                                json_object_get(after, "version"), "fields",
                                written_fields(body, survivor, after), "moves", moves));
    clock_format_datetime(clock_now_ms(), now);
    const struct actor *actor = api_actor(req);
    struct merge_new row = {
        .entity = m->entity->name,
        .survivor_id = m->survivor_id,
        .merged_ids = merged_ids,
        .snapshot = snapshot,
        .created_by = actor != NULL ? actor->user_id : 0,
        .created_at = now,
    };
    rc = store_merge_insert(conn, req->arena, &row, id, &req->err);
    if (rc == 0)
        rc = merge_audit(req, conn, m->entity, "merge", *id, m->survivor_id, merged_ids);
    return rc;
}

int duplicates_merge(struct http_request *req, struct http_response *res)
{
    struct merge_request m;
    struct store_conn *conn;
    json_t *stored = NULL;
    int64_t id = 0;
    int rc = merge_parse(req, &m);
    if (rc == 0 && actor_scope(api_actor(req), m.entity, ACCESS_READ) == SCOPE_NONE)
        rc = err_set(&req->err, ERR_FORBIDDEN, "your role may not read %s", m.entity->name);
    if (rc == 0 && actor_scope(api_actor(req), m.entity, ACCESS_MERGE) == SCOPE_NONE)
        rc = err_set(&req->err, ERR_FORBIDDEN, "your role may not merge %s", m.entity->name);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = merge_run(req, conn, &m, &id);
    if (rc == 0)
        rc = store_merge_get(conn, req->arena, id, &stored, &req->err);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    api_keep(req, stored);
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/merges/%lld", (long long)id));
    return http_respond_json(res, 201, api_keep(req, merge_answer(stored)));
}

/* ---- merges: list, get, undo ---- */

int merges_list(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    const char *entity_name = http_query(req, "entity");
    const struct entity *entity = NULL;
    struct store_conn *conn;
    struct merge_query q = {0};
    int64_t record_id = 0, before = 0;
    int rc = api_parse_limit(req, MERGES_DEFAULT_LIMIT, MERGES_MAX_LIMIT, &q.limit);
    if (rc == 0)
        rc = api_query_id(req, "record_id", &record_id);
    if (rc == 0) {
        rc = api_query_id(req, "cursor", &before);
        if (rc < 0)
            req->err.code = ERR_BAD_CURSOR;
    }
    if (rc == 0 && ((entity_name != NULL && *entity_name != '\0') || record_id > 0))
        rc = query_entity(req, &entity);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc < 0)
        return rc;
    q.entity = entity != NULL ? entity->name : NULL;
    q.before_id = before;
    if (record_id > 0) {
        /* The card's history: the record must be one the caller may read. */
        struct access read = actor_access(actor, entity, ACCESS_READ);
        bool visible = false;
        rc = store_record_in_scope(conn, req->arena, entity, &read, record_id, &visible, &req->err);
        if (rc == 0 && !visible)
            rc = err_set(&req->err, ERR_NOT_FOUND, "no %s with id %lld", entity->singular,
                         (long long)record_id);
        q.survivor_id = record_id;
    } else if (!actor_is_admin(actor)) {
        q.created_by = actor->user_id;
    }
    json_t *list = NULL;
    bool more = false;
    if (rc == 0)
        rc = store_merges_list(conn, req->arena, &q, &list, &more, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, list);
    json_t *data = json_array();
    size_t i;
    const json_t *stored;
    int64_t last = 0;
    json_array_foreach(list, i, stored)
    {
        json_array_append_new(data, merge_answer(stored));
        last = json_integer_value(json_object_get(stored, "id"));
    }
    return api_respond_page(req, res, data, more ? last : 0);
}

int merges_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *stored = NULL;
    const struct entity *entity;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = path_merge(req, conn, &stored, &entity);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200, api_keep(req, merge_answer(stored)));
}

/*
 * Gives the survivor back the values the merge replaced, for the fields
 * still as the merge left them; *kept lists the others.
 */
static int survivor_restore(struct http_request *req, struct store_conn *conn,
                            const struct entity *entity, int64_t id, const json_t *fields,
                            json_t *kept)
{
    json_t *current = NULL, *written = NULL;
    int rc = api_record_visible(req, conn, entity, id, &current);
    if (rc < 0)
        return rc;
    json_t *body = api_keep(req, json_object());
    const char *name;
    const json_t *pair;
    json_object_foreach((json_t *)fields, name, pair)
    {
        if (json_equal(field_value(current, name), json_array_get(pair, 1)))
            field_set(body, name, json_deep_copy(json_array_get(pair, 0)));
        else
            json_array_append_new(kept, json_string(name));
    }
    if (json_object_size(body) == 0)
        return 0;
    return api_record_update(req, conn, entity, id, body, 0, &written);
}

static int undo_run(struct http_request *req, struct store_conn *conn, const json_t *stored,
                    const struct entity *entity, json_t *kept)
{
    int64_t merge_id = json_integer_value(json_object_get(stored, "id"));
    int64_t survivor_id = json_integer_value(json_object_get(stored, "survivor_id"));
    const json_t *merged_ids = json_object_get(stored, "merged_ids");
    const json_t *snapshot = json_object_get(stored, "snapshot");
    struct access access;
    json_t *record = NULL;
    char now[CLOCK_DATETIME_LEN + 1];
    if (!json_is_null(json_object_get(stored, "undone_at")))
        return err_set(&req->err, ERR_CONFLICT, "the merge has already been undone");
    int rc = api_record_access(req, conn, entity, ACCESS_MERGE, survivor_id, &access);
    size_t i;
    const json_t *id;
    json_array_foreach(merged_ids, i, id)
    {
        if (rc == 0)
            rc =
                api_record_access(req, conn, entity, ACCESS_MERGE, json_integer_value(id), &access);
    }
    if (rc == 0) {
        rc = api_record_visible(req, conn, entity, survivor_id, &record);
        if (rc == -ERR_NOT_FOUND) { /* it is in scope (path_merge): in the trash */
            err_clear(&req->err);
            rc = err_set(&req->err, ERR_CONFLICT,
                         "the survivor is in the trash: restore it before undoing the merge");
        }
    }
    if (rc == 0)
        rc = store_merge_move_back(conn, req->arena, entity, survivor_id,
                                   json_object_get(snapshot, "moves"), &req->err);
    if (rc == 0)
        rc = survivor_restore(req, conn, entity, survivor_id,
                              json_object_get(json_object_get(snapshot, "survivor"), "fields"),
                              kept);
    json_array_foreach(merged_ids, i, id)
    {
        if (rc < 0)
            break;
        rc = api_record_set_trashed(req, conn, entity, json_integer_value(id), false, &record);
        if (rc == -ERR_CONFLICT) { /* restored by hand since */
            err_clear(&req->err);
            rc = 0;
        }
    }
    clock_format_datetime(clock_now_ms(), now);
    const struct actor *actor = api_actor(req);
    if (rc == 0)
        rc = store_merge_mark_undone(conn, req->arena, merge_id, actor != NULL ? actor->user_id : 0,
                                     now, &req->err);
    if (rc == 0)
        rc = merge_audit(req, conn, entity, "merge_undo", merge_id, survivor_id, merged_ids);
    return rc;
}

int merges_undo(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *stored = NULL, *after = NULL;
    const struct entity *entity;
    json_t *kept = api_keep(req, json_array());
    int rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = path_merge(req, conn, &stored, &entity);
    if (rc == 0)
        rc = undo_run(req, conn, stored, entity, kept);
    if (rc == 0)
        rc = store_merge_get(conn, req->arena, json_integer_value(json_object_get(stored, "id")),
                             &after, &req->err);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    api_keep(req, after);
    json_t *answer = api_keep(req, merge_answer(after));
    json_object_set(answer, "kept_fields", kept);
    return http_respond_json(res, 200, answer);
}
