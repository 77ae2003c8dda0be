/*
 * Merges of duplicate records and the reads that find them: the blocks of
 * dup_keys a page of clusters is made of, the fields the matcher reads of
 * many records in one query, the relations a merge moves from the merged
 * records to the survivor (and back on undo), and the merges table that
 * keeps what an undo needs.
 */
#ifndef CRM_STORE_MERGES_H
#define CRM_STORE_MERGES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct access;
struct arena;
struct entity;
struct store_conn;

/* ---- finding duplicates ---- */

/* A key of dup_keys held by several records, and how many (trashed and hidden ones too). */
struct dup_block {
    const char *key;
    int64_t n_records;
};

/* A bound on keys: from or after key (inclusive), or to or before it; key NULL: none. */
struct dup_bound {
    const char *key;
    bool inclusive;
};

/*
 * Where a window of about `rows` rows of entity's dup_keys from `from` ends,
 * so that every key before the end is whole: end.key NULL when fewer rows
 * are left. A single key of more rows than that ends the window with it.
 */
int store_dup_window_end(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                         struct dup_bound from, size_t rows, struct dup_bound *end,
                         struct err *err);

/*
 * The keys of entity within [from, to] (as their bounds say) that two
 * records or more hold, ascending, at most limit. Walks the (entity, key)
 * index.
 */
int store_dup_blocks(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                     struct dup_bound from, struct dup_bound to, size_t limit,
                     struct dup_block **out, size_t *n_out, struct err *err);

/* One live record within access holding a key. */
struct dup_member {
    const char *key;
    int64_t record_id;
};

/*
 * The live records within access holding any of keys, ordered by key then
 * record id, at most limit rows (0: no limit).
 */
int store_dup_members(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                      const struct access *access, const char *const *keys, size_t n_keys,
                      size_t limit, struct dup_member **out, size_t *n_out, struct err *err);

/*
 * What the matcher reads of the live records ids[0..n) within access, as a
 * new array of objects in no set order: contacts {id, name, first_name,
 * last_name, emails, phones, companies: [{id, name}]}, companies {id, name,
 * website, emails, phones}, leads {id, name, email, phone, company_name}.
 * Records trashed or out of access are absent.
 */
int store_dup_records(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                      const struct access *access, const int64_t *ids, size_t n, json_t **out,
                      struct err *err);

/* ---- moving relations ---- */

/*
 * Moves every row that refers to merged_id of entity over to survivor_id:
 * activities, tasks, deals' company, leads' converted contact or company,
 * consents, child companies (never making a cycle), timeline items,
 * attachments, notifications and the links of contact_companies and
 * deal_contacts (a link the survivor already has is dropped), then
 * rewrites the link copies these change. Appends to moves (an array) what
 * store_merge_move_back needs to put them back:
 *   {"merged_id", "table", "column", "ids": [row ids moved]}
 *   {"merged_id", "link": table, "column", "other", "rows": [[other, role], ...],
 *    "added": [others the survivor did not have]}
 */
int store_merge_move(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                     int64_t survivor_id, int64_t merged_id, json_t *moves, struct err *err);

/*
 * Puts back what store_merge_move moved (moves as it appended them): rows
 * that still refer to the survivor go back to their merged record; links
 * are given back and those the merge added to the survivor removed.
 */
int store_merge_move_back(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                          int64_t survivor_id, const json_t *moves, struct err *err);

/* ---- the merges table ---- */

struct merge_new {
    const char *entity;
    int64_t survivor_id;
    const json_t *merged_ids; /* array of ids */
    const json_t *snapshot;
    int64_t created_by; /* 0: nobody */
    const char *created_at;
};

int store_merge_insert(struct store_conn *conn, struct arena *arena, const struct merge_new *m,
                       int64_t *id_out, struct err *err);

/*
 * A merge as stored (new reference): {id, entity, survivor_id, merged_ids,
 * snapshot, created_by, created_at, undone_by, undone_at}. ERR_NOT_FOUND
 * when absent.
 */
int store_merge_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                    struct err *err);

struct merge_query {
    const char *entity;  /* NULL: any */
    int64_t survivor_id; /* 0: any */
    int64_t created_by;  /* 0: anyone's */
    int64_t before_id;   /* 0: from the newest */
    size_t limit;
};

/* Merges newest first as store_merge_get gives them; *more says whether others follow. */
int store_merges_list(struct store_conn *conn, struct arena *arena, const struct merge_query *q,
                      json_t **out, bool *more, struct err *err);

/* Marks the merge undone by user_id at `at`; ERR_CONFLICT when it already is. */
int store_merge_mark_undone(struct store_conn *conn, struct arena *arena, int64_t id,
                            int64_t user_id, const char *at, struct err *err);

#endif
