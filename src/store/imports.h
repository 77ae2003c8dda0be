/*
 * Imports in the store: the import rows (settings, position and counts),
 * their per-row errors, the changes an undo reverts, and the column
 * mappings remembered per source (entity and header row).
 */
#ifndef CRM_STORE_IMPORTS_H
#define CRM_STORE_IMPORTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

struct access;
struct arena;
struct entity;
struct store_conn;

/*
 * The columns of an import row; store_import_update() sets any of them
 * but id, created_by and created_at. JSON columns (settings, columns,
 * preview, counts) are given and read as JSON text.
 */
extern const char *const store_import_columns[];
extern const size_t store_import_n_columns;

/* Inserts values (keys of store_import_columns; version starts at 1). */
int store_import_insert(struct store_conn *conn, struct arena *arena, const json_t *values,
                        int64_t *id_out, struct err *err);
/*
 * The import as an object of its columns (JSON columns parsed), ERR_NOT_FOUND
 * when absent. for_update: locks the row (PostgreSQL) until the transaction ends.
 */
int store_import_get(struct store_conn *conn, struct arena *arena, int64_t id, bool for_update,
                     json_t **out, struct err *err);
/* Sets the columns values holds and bumps version. */
int store_import_update(struct store_conn *conn, struct arena *arena, int64_t id,
                        const json_t *values, struct err *err);
/* The imports of created_by (0: everyone's), newest first, ids below before_id (0: from the top).
 */
int store_imports_list(struct store_conn *conn, struct arena *arena, int64_t created_by,
                       int64_t before_id, size_t limit, json_t **out, struct err *err);

struct import_error {
    int64_t row;
    int64_t line;
    const char *column; /* NULL: the whole row */
    const char *message;
};

int store_import_error_add(struct store_conn *conn, struct arena *arena, int64_t import_id,
                           bool dry_run, const struct import_error *e, struct err *err);
int store_import_errors_clear(struct store_conn *conn, struct arena *arena, int64_t import_id,
                              bool dry_run, struct err *err);
/* [{id, row, line, column, message}] after after_id, at most limit. */
int store_import_errors_list(struct store_conn *conn, struct arena *arena, int64_t import_id,
                             bool dry_run, int64_t after_id, size_t limit, json_t **out,
                             struct err *err);

struct import_change {
    int64_t row;
    const char *entity;
    int64_t record_id;
    const char *action;        /* "created", "updated" */
    const json_t *before;      /* updated: the previous values of the fields written; else NULL */
    int64_t version;           /* the record's version once written */
    const json_t *flagged_ids; /* created despite these likely duplicates; NULL: none */
};

int store_import_change_add(struct store_conn *conn, struct arena *arena, int64_t import_id,
                            const struct import_change *c, struct err *err);
/*
 * The changes not undone yet, newest first (an undo reverts in reverse
 * order), at most limit: [{id, row, entity, record_id, action, before, version}].
 */
int store_import_changes_pending(struct store_conn *conn, struct arena *arena, int64_t import_id,
                                 size_t limit, json_t **out, struct err *err);
int store_import_change_undone(struct store_conn *conn, struct arena *arena, int64_t change_id,
                               struct err *err);

/*
 * Records an import row names or matches, 0 in *id when none (the first by
 * id when several): a live record of entity within access whose column
 * (from the entity's table of fields, never from input) equals text in
 * any case; a pipeline, or a stage (of pipeline_id when > 0), by name; a
 * live contact within access with this first and last name (any case)
 * linked to company_id.
 */
int store_import_find_by_text(struct store_conn *conn, struct arena *arena,
                              const struct entity *entity, const struct access *access,
                              const char *column, const char *text, int64_t *id, struct err *err);
int store_import_find_stage(struct store_conn *conn, struct arena *arena, bool stage,
                            int64_t pipeline_id, const char *name, int64_t *id, struct err *err);
int store_import_find_contact_at(struct store_conn *conn, struct arena *arena,
                                 const struct access *access, int64_t company_id,
                                 const char *first_name, const char *last_name, int64_t *id,
                                 struct err *err);

/* The mapping remembered for entity and source_key; *mapping NULL when none. */
int store_import_mapping_get(struct store_conn *conn, struct arena *arena, const char *entity,
                             const char *source_key, json_t **mapping, struct err *err);
int store_import_mapping_put(struct store_conn *conn, struct arena *arena, const char *entity,
                             const char *source_key, const json_t *mapping, int64_t user_id,
                             const char *now, struct err *err);

#endif
