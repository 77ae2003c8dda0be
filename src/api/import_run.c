/*
 * The rows of an import (api/import_run.h). A batch acts as the import's
 * creator (api_job_request), so every row meets that user's rights and the
 * same validation, hooks, audit and timeline as a request of theirs. Each
 * row is written under a savepoint: a row that fails is rolled back alone
 * and reported with its row number, line and column. A dry run does the
 * same writes and rolls the whole batch back, keeping only the counts and
 * the errors.
 *
 * A row finds its record by the settings' key: an e-mail or a phone
 * through the duplicate keys, an external id or another unique field by
 * value, a contact by name at a company. Without a match, the duplicate
 * keys name the likely duplicates: the settings skip the row, merge it
 * into the best one, or create it and flag it.
 */
#include "api/import_run.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/arena.h"
#include "base/clock.h"
#include "domain/custom_field.h"
#include "domain/duplicates.h"
#include "domain/entity.h"
#include "domain/import.h"
#include "formats/csv.h"
#include "formats/vcard.h"
#include "jobs/queue.h"
#include "store/attachments.h"
#include "store/duplicates.h"
#include "store/files.h"
#include "store/imports.h"

#define IMPORT_MAX_VCF_BYTES ((size_t)512 << 20)
#define IMPORT_CANDIDATES 20
#define UNDO_BATCH 200

/* One batch's state. */
struct batch {
    struct http_request req; /* acting as the import's creator */
    struct store_conn *conn;
    const struct entity *entity;
    struct custom_fields custom;
    struct import_settings settings;
    const char **columns;
    size_t n_columns;
    int64_t import_id;
    bool dry_run;
    char country[3];
    const char *currency;
    json_t *counts; /* borrowed from the import row */
    json_t *errors; /* [{row, line, column, message}] written after the batch */
    int64_t row_no; /* of the row in hand */
    int64_t line;
};

static void count(struct batch *b, const char *name)
{
    json_t *n = json_object_get(b->counts, name);
    json_object_set_new(b->counts, name, json_integer(json_integer_value(n) + 1));
}

static void report(struct batch *b, const char *column, const char *message)
{
    json_array_append_new(b->errors,
                          json_pack("{s:I,s:I,s:s?,s:s}", "row", (json_int_t)b->row_no, "line",
                                    (json_int_t)b->line, "column", column, "message", message));
}

/* The column a field was read from (the first one mapped to it), or the field's own name. */
static const char *column_of(const struct batch *b, const char *field)
{
    const char *column;
    const json_t *target;
    json_object_foreach(b->settings.mapping, column, target)
    {
        size_t i;
        const json_t *one;
        if (json_is_string(target) && strcmp(json_string_value(target), field) == 0)
            return column;
        json_array_foreach(target, i, one)
        {
            if (strcmp(json_string_value(one), field) == 0)
                return column;
        }
    }
    return field;
}

/* Reports err: one error per field error (named by its column), else its detail. */
static void report_err(struct batch *b, const struct err *err)
{
    for (size_t i = 0; i < err->n_fields; i++) {
        char field[64];
        snprintf(field, sizeof(field), "%s", err->fields[i].field);
        char *cut = strpbrk(field, ".[");
        if (cut != NULL)
            *cut = '\0';
        report(b, column_of(b, field), err->fields[i].message);
    }
    if (err->n_fields == 0)
        report(b, NULL, err->detail[0] != '\0' ? err->detail : err_title(err->code));
}

/* ---- finding records ---- */

/*
 * The id of the live record of entity whose column equals text (any case),
 * among those the caller may read; 0: none.
 */
static int find_by_text(struct batch *b, const struct entity *entity, const char *column,
                        const char *text, int64_t *id)
{
    struct access read = actor_access(api_actor(&b->req), entity, ACCESS_READ);
    return store_import_find_by_text(b->conn, b->req.arena, entity, &read, column, text, id,
                                     &b->req.err);
}

/* The column a record of entity is named by in a lookup. */
static const char *name_column(const struct entity *entity)
{
    if (entity == &entity_deals || entity == &entity_leads)
        return "title";
    return entity_field_find(entity, "name") != NULL ? "name" : "id";
}

/*
 * Replaces the row's lookups ({"company_id": "Acme"}) by ids in body. A
 * contact's company that does not exist is made (when the role may).
 */
static int resolve_lookups(struct batch *b, json_t *body, const json_t *lookups)
{
    struct http_request *req = &b->req;
    const char *field;
    const json_t *text;
    json_object_foreach((json_t *)lookups, field, text)
    {
        bool links = strcmp(field, "company_ids") == 0;
        const char *target_name = links ? "companies" : import_lookup_entity(b->entity, field);
        const struct entity *target = target_name != NULL ? entity_find(target_name) : NULL;
        int64_t id = 0;
        int rc = 0;
        if (target == NULL) { /* pipelines and stages are not records: by name in their tables */
            rc = store_import_find_stage(b->conn, req->arena, strcmp(field, "stage_id") == 0,
                                         json_integer_value(json_object_get(body, "pipeline_id")),
                                         json_string_value(text), &id, &req->err);
        } else {
            rc = find_by_text(b, target, name_column(target), json_string_value(text), &id);
        }
        if (rc < 0)
            return rc;
        if (id == 0 && links) {
            struct access create = actor_access(api_actor(req), target, ACCESS_CREATE);
            json_t *company = NULL;
            json_t *made = api_keep(req, json_pack("{s:O}", "name", text));
            if (create.scope == SCOPE_NONE)
                return err_field(&req->err, field,
                                 "no company named %s, and your role may "
                                 "not make one",
                                 json_string_value(text));
            rc = api_record_create(req, b->conn, target, &create, made, api_actor(req)->user_id,
                                   NULL, &company);
            if (rc < 0)
                return rc;
            id = json_integer_value(json_object_get(company, "id"));
        }
        if (id == 0)
            return err_field(&req->err, field, "no %s named %s",
                             target != NULL ? target->singular : "stage or pipeline",
                             json_string_value(text));
        json_object_set_new(body, field,
                            links ? json_pack("[I]", (json_int_t)id) : json_integer(id));
        /* A stage names its pipeline. */
        if (strcmp(field, "stage_id") == 0 && json_object_get(body, "pipeline_id") == NULL) {
            struct pipeline_stage stage;
            rc = store_pipeline_stage_get(b->conn, req->arena, id, &stage, &req->err);
            if (rc < 0)
                return rc;
            json_object_set_new(body, "pipeline_id", json_integer(stage.pipeline_id));
        }
    }
    return 0;
}

/* The first value of a list field or the single one. */
static const char *first_value(const json_t *body, const char *list, const char *single)
{
    const json_t *l = json_object_get(body, list);
    const char *s = json_string_value(json_array_get(l, 0));
    return s != NULL ? s : json_string_value(json_object_get(body, single));
}

/* The record the settings' key finds for body (0: none); only records the caller sees. */
static int find_by_key(struct batch *b, const json_t *body, int64_t *id)
{
    struct http_request *req = &b->req;
    const struct import_settings *s = &b->settings;
    const char *key = NULL;
    *id = 0;
    switch (s->key) {
    case IMPORT_KEY_EMAIL:
        key = duplicates_email_key(req->arena, first_value(body, "emails", "email"));
        break;
    case IMPORT_KEY_PHONE:
        key = duplicates_phone_key(req->arena, first_value(body, "phones", "phone"), b->country);
        break;
    case IMPORT_KEY_EXTERNAL_ID:
    case IMPORT_KEY_FIELD: {
        const json_t *v = json_object_get(body, s->key_field);
        if (!json_is_string(v))
            return 0;
        return find_by_text(b, b->entity, s->key_field, json_string_value(v), id);
    }
    case IMPORT_KEY_NAME_COMPANY: {
        const json_t *companies = json_object_get(body, "company_ids");
        const char *first = json_string_value(json_object_get(body, "first_name"));
        const char *last = json_string_value(json_object_get(body, "last_name"));
        if (json_array_size(companies) == 0)
            return 0;
        struct access read = actor_access(api_actor(req), b->entity, ACCESS_READ);
        return store_import_find_contact_at(b->conn, req->arena, &read,
                                            json_integer_value(json_array_get(companies, 0)), first,
                                            last, id, &req->err);
    }
    case IMPORT_KEY_NONE:
        return 0;
    }
    if (key == NULL)
        return 0;
    int64_t *ids;
    size_t n;
    int rc = store_dup_keys_find(b->conn, req->arena, b->entity, &key, 1, IMPORT_CANDIDATES, &ids,
                                 &n, &req->err);
    for (size_t i = 0; rc == 0 && i < n && *id == 0; i++) {
        bool visible = false;
        struct access read = actor_access(api_actor(req), b->entity, ACCESS_READ);
        rc = store_record_in_scope(b->conn, req->arena, b->entity, &read, ids[i], &visible,
                                   &req->err);
        if (rc == 0 && visible)
            *id = ids[i];
    }
    return rc;
}

/* The likely duplicates of body visible to the caller: the best one's id and why. */
static int best_duplicate(struct batch *b, const json_t *body, int64_t *id, const char **reason)
{
    struct duplicate_hit *hits;
    size_t n_hits = 0;
    *id = 0;
    if (!duplicates_entity(b->entity))
        return 0;
    int rc = api_duplicates_find(&b->req, b->conn, b->entity, body, b->country, 0, &hits, &n_hits);
    if (rc == 0 && n_hits > 0) {
        *id = json_integer_value(json_object_get(hits[0].record, "id"));
        *reason = hits[0].reason;
    }
    return rc;
}

/* ---- writing one row ---- */

/* An update keeps a list field's old items and adds the new ones. */
static void merge_lists(const struct entity *entity, const json_t *current, json_t *body)
{
    const char *key;
    json_t *value;
    json_object_foreach(body, key, value)
    {
        const struct entity_field *f = entity_field_find(entity, key);
        const json_t *old = json_object_get(current, key);
        if (f == NULL || f->type != FIELD_TEXT_LIST || !json_is_array(old))
            continue;
        json_t *all = json_deep_copy(old);
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item)
        {
            bool have = false;
            size_t j;
            json_t *o;
            json_array_foreach(all, j, o) have = have || json_equal(o, item);
            if (!have)
                json_array_append(all, item);
        }
        json_object_set_new(body, key, all);
    }
}

/* Updates record id from body; before gets the values it replaced. */
static int row_update(struct batch *b, int64_t id, json_t *body, json_t **record, json_t **before)
{
    struct http_request *req = &b->req;
    json_t *current = NULL;
    int rc = api_record_visible(req, b->conn, b->entity, id, &current);
    if (rc < 0)
        return rc;
    merge_lists(b->entity, current, body);
    *before = api_keep(req, json_object());
    const char *key;
    json_t *value;
    json_object_foreach(body, key, value)
    {
        json_t *old = json_object_get(current, key);
        json_object_set(*before, key, old != NULL ? old : json_null());
    }
    return api_record_update(req, b->conn, b->entity, id, body, 0, record);
}

/* A vCard's inline photo as the contact's attachment and photo. */
static int row_photo(struct batch *b, const struct vcard *card, json_t **record)
{
    struct http_request *req = &b->req;
    if (card == NULL || card->photo_len == 0)
        return 0;
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(hash, card->photo, card->photo_len);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    const char *type = card->photo_media_type != NULL ? card->photo_media_type : "image/jpeg";
    const char *slash = strchr(type, '/');
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    int64_t record_id = json_integer_value(json_object_get(*record, "id")), photo_id;
    struct attachment_new a = {
        .entity = "contacts",
        .record_id = record_id,
        .file_name = arena_printf(req->arena, "photo.%s", slash != NULL ? slash + 1 : "jpg"),
        .content_type = type,
        .data = card->photo,
        .size = card->photo_len,
        .sha256 = hex,
        .created_by = api_actor(req)->user_id,
        .created_at = now,
    };
    int rc = store_attachment_insert(b->conn, req->arena, &a, &photo_id, &req->err);
    if (rc < 0)
        return rc;
    json_t *changes = api_keep(req, json_pack("{s:I}", "photo_id", (json_int_t)photo_id));
    json_t *merged = api_keep(req, json_deep_copy(*record));
    json_object_set(merged, "photo_id", json_object_get(changes, "photo_id"));
    struct access all = actor_access(api_actor(req), b->entity, ACCESS_READ);
    all.scope = SCOPE_ALL;
    rc = store_record_update(b->conn, req->arena, b->entity, &all, record_id, changes, merged,
                             &req->err);
    if (rc == 0)
        rc = api_record_written(req, b->conn, b->entity, record_id, RECORD_LIVE, record);
    return rc;
}

/* Writes one row's body as the settings say; the change is kept for an undo. */
static int row_write(struct batch *b, json_t *body, const json_t *lookups, const struct vcard *card)
{
    struct http_request *req = &b->req;
    const struct import_settings *s = &b->settings;
    int64_t id = 0, duplicate = 0;
    const char *reason = NULL, *action = NULL;
    json_t *record = NULL, *before = NULL, *flagged = NULL;
    int rc = resolve_lookups(b, body, lookups);
    if (rc == 0)
        rc = find_by_key(b, body, &id);
    if (rc == 0 && id == 0 && s->mode != IMPORT_UPDATE)
        rc = best_duplicate(b, body, &duplicate, &reason);
    if (rc < 0)
        return rc;
    if ((id != 0 && s->mode == IMPORT_CREATE) || (id == 0 && s->mode == IMPORT_UPDATE)) {
        count(b, "skipped");
        return 0;
    }
    if (id == 0 && duplicate != 0 && s->duplicates == IMPORT_DUPLICATES_SKIP) {
        count(b, "duplicates");
        count(b, "skipped");
        return 0;
    }
    if (id == 0 && duplicate != 0 && s->duplicates == IMPORT_DUPLICATES_MERGE) {
        id = duplicate;
        count(b, "merged");
    }
    if (id != 0) {
        rc = row_update(b, id, body, &record, &before);
        action = "updated";
    } else {
        struct access create = actor_access(api_actor(req), b->entity, ACCESS_CREATE);
        if (create.scope == SCOPE_NONE)
            return err_set(&req->err, ERR_FORBIDDEN, "your role may not create %s",
                           b->entity->name);
        rc = api_record_create(req, b->conn, b->entity, &create, body, api_actor(req)->user_id,
                               NULL, &record);
        action = "created";
        if (duplicate != 0) {
            flagged = api_keep(req, json_pack("{s:[I],s:s}", "ids", (json_int_t)duplicate, "reason",
                                              reason != NULL ? reason : "similar"));
            count(b, "duplicates");
        }
    }
    if (rc == 0)
        rc = row_photo(b, card, &record);
    if (rc < 0)
        return rc;
    count(b, action);
    if (b->dry_run)
        return 0;
    struct import_change change = {
        .row = b->row_no,
        .entity = b->entity->name,
        .record_id = json_integer_value(json_object_get(record, "id")),
        .action = action,
        .before = before,
        .version = json_integer_value(json_object_get(record, "version")),
        .flagged_ids = flagged,
    };
    return store_import_change_add(b->conn, req->arena, b->import_id, &change, &req->err);
}

/* One row under a savepoint: a failure rolls back that row alone and is reported. */
static int row_run(struct batch *b, json_t *body, const json_t *lookups, const struct vcard *card)
{
    struct http_request *req = &b->req;
    int rc = store_exec(b->conn, req->arena, "SAVEPOINT import_row", &req->err);
    if (rc < 0)
        return rc;
    rc = row_write(b, body, lookups, card);
    if (rc == 0)
        return store_exec(b->conn, req->arena, "RELEASE SAVEPOINT import_row", &req->err);
    if (rc == -ERR_INTERNAL || rc == -ERR_UNAVAILABLE || rc == -ERR_TIMEOUT)
        return rc; /* the database failed: the whole batch is tried again */
    struct err row_err = req->err;
    err_clear(&req->err);
    rc = store_exec(b->conn, req->arena, "ROLLBACK TO SAVEPOINT import_row", &req->err);
    if (rc == 0)
        rc = store_exec(b->conn, req->arena, "RELEASE SAVEPOINT import_row", &req->err);
    report_err(b, &row_err);
    count(b, "errors");
    return rc;
}

/* ---- the batch ---- */

/* Ends the import as failed with a message; the job itself is done. */
static int import_fail(struct job_context *ctx, int64_t id, const char *message, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(ctx->now_ms, now);
    json_t *values = json_pack("{s:s,s:s,s:s,s:s}", "status", "failed", "error", message,
                               "finished_at", now, "updated_at", now);
    int rc = store_import_update(ctx->conn, ctx->arena, id, values, err);
    json_decref(values);
    return rc;
}

static int batch_open(struct job_context *ctx, struct batch *b, const json_t *row, struct err *err)
{
    int64_t creator = json_integer_value(json_object_get(row, "created_by"));
    int rc = api_job_request(&b->req, ctx->arena, ctx->conn, creator,
                             arena_printf(ctx->arena, "import-%lld", (long long)b->import_id));
    b->entity = entity_find(json_string_value(json_object_get(row, "entity")));
    const json_t *columns = json_object_get(row, "columns");
    b->n_columns = json_array_size(columns);
    b->columns = arena_alloc_array(ctx->arena, b->n_columns + 1, sizeof(char *));
    for (size_t i = 0; i < b->n_columns; i++)
        b->columns[i] = json_string_value(json_array_get(columns, i));
    if (rc == 0)
        rc = store_fields_load(ctx->conn, ctx->arena, b->entity->name, &b->custom, &b->req.err);
    if (rc == 0)
        rc = import_settings_parse(b->entity, &b->custom, json_object_get(row, "settings"),
                                   b->columns, b->n_columns, &b->settings, &b->req.err);
    char base[8] = "EUR";
    if (rc == 0)
        rc = store_base_currency(ctx->conn, ctx->arena, base, &b->req.err);
    b->currency = arena_strdup(ctx->arena, base);
    if (rc == 0)
        rc = store_default_country(ctx->conn, ctx->arena, b->country, &b->req.err);
    if (rc < 0)
        *err = b->req.err;
    return rc;
}

/* Rows of a CSV file from the import's position; *end when the file is done. */
static int batch_csv(struct batch *b, const json_t *row, int64_t *offset, int64_t *line,
                     int64_t *done, bool *end, int64_t deadline_ms)
{
    struct http_request *req = &b->req;
    struct file_reader source;
    file_reader_init(&source, b->conn, json_integer_value(json_object_get(row, "file_id")),
                     (uint64_t)*offset);
    struct csv_options options = {.separator = b->settings.separator,
                                  .encoding = b->settings.encoding,
                                  .start_offset = (size_t)*offset,
                                  .start_line = (size_t)*line};
    struct csv_reader *reader =
        csv_reader_new(req->arena, (struct csv_source){file_reader_read, &source}, &options);
    struct csv_row r;
    int rc = 0;
    int n = 0;
    *end = false;
    while (n < IMPORT_BATCH_ROWS && clock_now_ms() < deadline_ms) {
        rc = csv_reader_next(reader, &r, &req->err);
        if (rc <= 0) {
            *end = rc == 0;
            break;
        }
        n++;
        b->row_no = *done + 1;
        b->line = (int64_t)r.line;
        if (r.error != NULL) {
            report(b, NULL, r.error);
            count(b, "errors");
        } else {
            json_t *body, *lookups;
            struct err cells_err;
            err_clear(&cells_err);
            import_row_body(req->arena, b->entity, &b->custom, &b->settings, b->columns, r.fields,
                            r.n_fields < b->n_columns ? r.n_fields : b->n_columns, b->currency,
                            &body, &lookups, &cells_err);
            api_keep(req, body);
            api_keep(req, lookups);
            if (cells_err.n_fields > 0) {
                for (size_t i = 0; i < cells_err.n_fields; i++)
                    report(b, cells_err.fields[i].field, cells_err.fields[i].message);
                count(b, "errors");
            } else {
                rc = row_run(b, body, lookups, NULL);
            }
        }
        if (rc < 0)
            break;
        rc = 0;
        *done += 1;
        *offset = (int64_t)r.next_offset;
        *line = (int64_t)r.next_line;
    }
    file_reader_release(&source);
    return rc;
}

/* Cards of a vCard file from the import's position. */
static int batch_vcf(struct batch *b, const json_t *row, int64_t *offset, int64_t *done, bool *end,
                     int64_t deadline_ms)
{
    struct http_request *req = &b->req;
    const char *data;
    size_t len;
    struct vcard_reader *reader;
    struct vcard card;
    int rc = store_file_read_all(b->conn, req->arena,
                                 json_integer_value(json_object_get(row, "file_id")),
                                 IMPORT_MAX_VCF_BYTES, &data, &len, &req->err);
    if (rc == 0)
        rc = vcard_reader_open(req->arena, data, len, NULL, &reader);
    if (rc == 0 && *offset > 0)
        rc = vcard_reader_seek(reader, (size_t)*offset, &req->err);
    int n = 0;
    *end = false;
    while (rc == 0 && n < IMPORT_BATCH_ROWS && clock_now_ms() < deadline_ms) {
        rc = vcard_reader_next(reader, req->arena, &card, &req->err);
        if (rc <= 0) {
            *end = rc == 0;
            break;
        }
        rc = 0;
        n++;
        b->row_no = *done + 1;
        b->line = (int64_t)card.line;
        /* A broken part of a card (a photo that is not base64) is reported; the rest imports. */
        if (card.error != NULL)
            report(b, NULL, arena_printf(req->arena, "%s: imported without it", card.error));
        {
            json_t *dropped = api_keep(req, json_array());
            json_t *body = api_keep(req, import_vcard_body(&card, dropped));
            json_t *lookups = api_keep(req, json_object());
            size_t i;
            json_t *d;
            json_array_foreach(dropped, i, d)
            {
                report(b, json_string_value(json_object_get(d, "field")),
                       arena_printf(req->arena, "%s is not valid: left out",
                                    json_string_value(json_object_get(d, "value"))));
            }
            if (card.org != NULL && card.org[0] != '\0')
                json_object_set_new(lookups, "company_ids", json_string(card.org));
            rc = row_run(b, body, lookups, &card);
        }
        *done += 1;
        *offset = (int64_t)card.next_offset;
    }
    return rc;
}

static void json_release(void *value)
{
    json_decref(value);
}

/*
 * The import's row, locked until the job's transaction ends and released
 * with its arena: 1, or 0 when the import is gone (a job of a deleted one).
 */
static int import_row_locked(struct job_context *ctx, int64_t import_id, json_t **row,
                             struct err *err)
{
    int rc = store_import_get(ctx->conn, ctx->arena, import_id, true, row, err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(err);
        return 0;
    }
    if (rc < 0)
        return rc;
    arena_defer(ctx->arena, json_release, *row);
    return 1;
}

int api_import_batch(struct job_context *ctx, int64_t import_id, struct err *err)
{
    json_t *row;
    int rc = import_row_locked(ctx, import_id, &row, err);
    if (rc <= 0)
        return rc;
    const char *status = json_string_value(json_object_get(row, "status"));
    bool dry_run = json_is_true(json_object_get(row, "dry_run"));
    if (strcmp(status, "queued") != 0 && strcmp(status, "running") != 0 &&
        strcmp(status, "checking") != 0)
        return 0; /* cancelled, or a job of an earlier run */
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(ctx->now_ms, now);
    if (json_is_true(json_object_get(row, "cancel_requested"))) {
        json_t *values = json_pack("{s:s,s:s}", "status", "cancelling", "updated_at", now);
        rc = store_import_update(ctx->conn, ctx->arena, import_id, values, err);
        json_decref(values);
        return rc == 0
                   ? api_import_enqueue(ctx->conn, ctx->arena, "import_undo", import_id,
                                        json_integer_value(json_object_get(row, "version")), err)
                   : rc;
    }
    struct batch b = {.conn = ctx->conn, .import_id = import_id, .dry_run = dry_run};
    b.counts = json_object_get(row, "counts");
    if (!json_is_object(b.counts)) {
        b.counts = json_object();
        json_object_set_new(row, "counts", b.counts);
    }
    b.errors = json_array();
    arena_defer(ctx->arena, json_release, b.errors);
    rc = batch_open(ctx, &b, row, err);
    if (rc < 0 && rc != -ERR_INTERNAL && rc != -ERR_UNAVAILABLE)
        return import_fail(ctx, import_id, err->detail, err);
    if (rc < 0)
        return rc;
    int64_t started = clock_now_ms();
    int64_t offset = json_integer_value(json_object_get(row, "next_offset"));
    int64_t line = json_integer_value(json_object_get(row, "next_line"));
    int64_t done = json_integer_value(json_object_get(row, "rows_done"));
    bool end = false;
    if (dry_run)
        rc = store_exec(ctx->conn, ctx->arena, "SAVEPOINT import_dry_run", err);
    if (rc == 0) {
        bool vcf = strcmp(json_string_value(json_object_get(row, "format")), "vcf") == 0;
        rc = vcf ? batch_vcf(&b, row, &offset, &done, &end, started + IMPORT_BATCH_MS)
                 : batch_csv(&b, row, &offset, &line, &done, &end, started + IMPORT_BATCH_MS);
        if (rc < 0)
            *err = b.req.err;
    }
    import_settings_release(&b.settings);
    if (rc == 0 && dry_run) {
        rc = store_exec(ctx->conn, ctx->arena, "ROLLBACK TO SAVEPOINT import_dry_run", err);
        if (rc == 0)
            rc = store_exec(ctx->conn, ctx->arena, "RELEASE SAVEPOINT import_dry_run", err);
    }
    if (rc < 0) {
        /* A file that stops being readable mid-way fails the import; what it wrote can be undone.
         */
        if (rc == -ERR_BAD_REQUEST || rc == -ERR_TOO_LARGE || rc == -ERR_VALIDATION)
            return import_fail(ctx, import_id, err->detail, err);
        return rc;
    }
    size_t i;
    json_t *e;
    json_array_foreach(b.errors, i, e)
    {
        struct import_error ie = {
            .row = json_integer_value(json_object_get(e, "row")),
            .line = json_integer_value(json_object_get(e, "line")),
            .column = json_string_value(json_object_get(e, "column")),
            .message = json_string_value(json_object_get(e, "message")),
        };
        rc = store_import_error_add(ctx->conn, ctx->arena, import_id, dry_run, &ie, err);
        if (rc < 0)
            return rc;
    }
    int64_t run_ms = json_integer_value(json_object_get(row, "run_ms")) + clock_now_ms() - started;
    const char *next = end ? (dry_run ? "checked" : "done") : (dry_run ? "checking" : "running");
    json_t *values = json_pack(
        "{s:s,s:I,s:s,s:I,s:I,s:I,s:s}", "status", next, "rows_done", (json_int_t)done, "counts",
        store_json_text(ctx->arena, b.counts, "{}"), "next_offset", (json_int_t)offset, "next_line",
        (json_int_t)line, "run_ms", (json_int_t)run_ms, "updated_at", now);
    if (end)
        json_object_set_new(values, "finished_at", json_string(now));
    rc = store_import_update(ctx->conn, ctx->arena, import_id, values, err);
    json_decref(values);
    if (rc == 0 && !end)
        rc = api_import_enqueue(ctx->conn, ctx->arena, "import", import_id, done, err);
    if (rc == 0 && end && !dry_run) {
        json_t *detail = api_keep(
            &b.req, json_pack("{s:I,s:O}", "import_id", (json_int_t)import_id, "counts", b.counts));
        rc = api_audit(&b.req, ctx->conn, "security", "import_finished", b.entity->name, 0, NULL,
                       detail);
        if (rc < 0)
            *err = b.req.err;
    }
    return rc;
}

/* ---- undo ---- */

/* Reverts one change unless the record was changed since; *kept when it was. */
static int undo_change(struct http_request *req, struct store_conn *conn, const json_t *change,
                       bool *kept)
{
    const struct entity *entity = entity_find(json_string_value(json_object_get(change, "entity")));
    int64_t id = json_integer_value(json_object_get(change, "record_id"));
    int64_t version = json_integer_value(json_object_get(change, "version"));
    json_t *current = NULL;
    struct access read = actor_access(api_actor(req), entity, ACCESS_READ);
    read.scope = SCOPE_ALL;
    int rc =
        store_record_get(conn, req->arena, entity, &read, id, RECORD_LIVE, &current, &req->err);
    *kept = false;
    if (rc == -ERR_NOT_FOUND) { /* deleted since: nothing to revert */
        err_clear(&req->err);
        *kept = true;
        return 0;
    }
    if (rc < 0)
        return rc;
    api_keep(req, current);
    if (json_integer_value(json_object_get(current, "version")) != version) {
        *kept = true;
        return 0;
    }
    json_t *record = NULL;
    if (strcmp(json_string_value(json_object_get(change, "action")), "created") == 0)
        return api_record_set_trashed(req, conn, entity, id, true, &record);
    json_t *before = api_keep(req, json_deep_copy(json_object_get(change, "before")));
    return api_record_update(req, conn, entity, id, before, version, &record);
}

int api_import_undo_batch(struct job_context *ctx, int64_t import_id, struct err *err)
{
    json_t *row, *changes;
    struct http_request req;
    int rc = import_row_locked(ctx, import_id, &row, err);
    if (rc <= 0)
        return rc;
    const char *status = json_string_value(json_object_get(row, "status"));
    bool cancelling = strcmp(status, "cancelling") == 0;
    if (!cancelling && strcmp(status, "undoing") != 0)
        return 0;
    int64_t creator = json_integer_value(json_object_get(row, "created_by"));
    rc = api_job_request(&req, ctx->arena, ctx->conn, creator,
                         arena_printf(ctx->arena, "import-undo-%lld", (long long)import_id));
    if (rc == 0)
        rc = store_import_changes_pending(ctx->conn, ctx->arena, import_id, UNDO_BATCH, &changes,
                                          &req.err);
    if (rc < 0) {
        *err = req.err;
        return rc;
    }
    api_keep(&req, changes);
    json_t *counts = json_object_get(row, "counts");
    int64_t undone = json_integer_value(json_object_get(counts, "undone"));
    int64_t kept_n = json_integer_value(json_object_get(counts, "kept"));
    size_t i;
    json_t *change;
    json_array_foreach(changes, i, change)
    {
        bool kept = false;
        rc = store_exec(ctx->conn, ctx->arena, "SAVEPOINT import_undo", &req.err);
        if (rc == 0)
            rc = undo_change(&req, ctx->conn, change, &kept);
        if (rc < 0 && rc != -ERR_INTERNAL && rc != -ERR_UNAVAILABLE) {
            /* The record cannot go back (rights changed, a rule refuses): it stays as it is. */
            err_clear(&req.err);
            rc = store_exec(ctx->conn, ctx->arena, "ROLLBACK TO SAVEPOINT import_undo", &req.err);
            kept = true;
        }
        if (rc == 0)
            rc = store_exec(ctx->conn, ctx->arena, "RELEASE SAVEPOINT import_undo", &req.err);
        if (rc == 0)
            rc = store_import_change_undone(
                ctx->conn, ctx->arena, json_integer_value(json_object_get(change, "id")), &req.err);
        if (rc < 0) {
            *err = req.err;
            return rc;
        }
        if (kept)
            kept_n++;
        else
            undone++;
    }
    json_object_set_new(counts, "undone", json_integer(undone));
    json_object_set_new(counts, "kept", json_integer(kept_n));
    bool end = json_array_size(changes) < UNDO_BATCH;
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(ctx->now_ms, now);
    json_t *values = json_pack("{s:s,s:s}", "counts", store_json_text(ctx->arena, counts, "{}"),
                               "updated_at", now);
    if (end) {
        json_object_set_new(values, "status", json_string(cancelling ? "cancelled" : "undone"));
        json_object_set_new(values, "finished_at", json_string(now));
    }
    rc = store_import_update(ctx->conn, ctx->arena, import_id, values, err);
    json_decref(values);
    if (rc == 0 && !end)
        rc = api_import_enqueue(ctx->conn, ctx->arena, "import_undo", import_id,
                                json_integer_value(json_object_get(row, "version")) + 1, err);
    return rc;
}
