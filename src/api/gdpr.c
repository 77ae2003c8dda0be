/*
 * GDPR: a contact's consent ledger (GET/POST /contacts/{id}/consents,
 * GET /consents/{id}, POST /consents/{id}/withdraw), the export of
 * everything about a person as a ZIP (GET /contacts/{id}/gdpr-export) and
 * the erasure of a person (POST /contacts/{id}/gdpr-erase).
 *
 * Rights: the ledger is as visible as its contact (404 otherwise); giving
 * and withdrawing consent take the update right on it. The export takes
 * the export right on the contact; the records it gathers are those the
 * caller may read, without the fields the caller's role hides (an
 * administrator's export is complete). Erasure is for administrators only,
 * and the body must repeat the contact's id ({"confirm": "42"}).
 *
 * DESIGN: the export is written to a temporary file (mkstemp in $TMPDIR,
 * else /tmp) by formats/zip.h: person.json and every attachment of the
 * contact and of its leads, activities and tasks under attachments/. The
 * file is opened and unlinked before the answer, which streams it from the
 * descriptor (so nothing is left behind, whatever happens to the
 * connection). The zip writer keeps the entries in memory until it writes
 * them, so the attachments of one export are capped
 * (GDPR_EXPORT_MAX_ATTACHMENT_BYTES, 413 beyond). The records are read
 * outside a transaction (SQLite's write lock is not held while the archive
 * is built); the audit entry is written in its own.
 */
#include "api/api.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/utf8.h"
#include "domain/audit.h"
#include "domain/entity.h"
#include "domain/file_name.h"
#include "domain/record.h"
#include "formats/zip.h"
#include "store/attachments.h"
#include "store/consents.h"
#include "store/gdpr.h"
#include "store/timeline.h"

#define CONSENT_PURPOSE_MAX_CHARS 100
#define CONSENT_TEXT_VERSION_MAX_CHARS 50
#define CONSENT_SOURCE_MAX_CHARS 100
/* A consent given up to this long "in the future" is clock skew, not a mistake. */
#define CONSENT_FUTURE_SKEW_MS 60000
#define GDPR_EXPORT_MAX_ATTACHMENT_BYTES ((int64_t)256 << 20)
#define GDPR_EXPORT_PAGE 200
/* Timeline items and audit entries an export lists at most (each). */
#define GDPR_EXPORT_MAX_ITEMS 50000

/* ---- the consent ledger ---- */

/* The contact of the path, which the caller must see (404 otherwise). */
static int path_contact(struct http_request *req, struct store_conn *conn, int64_t *id,
                        json_t **contact)
{
    int rc = api_path_id(req, id);
    return rc < 0 ? rc : api_record_visible(req, conn, &entity_contacts, *id, contact);
}

int gdpr_consents_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *contact = NULL, *list = NULL;
    int64_t id = 0;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = path_contact(req, conn, &id, &contact);
    if (rc == 0)
        rc = store_consents_list(conn, req->arena, id, &list, &req->err);
    if (rc < 0)
        return rc;
    return api_respond_page(req, res, list, 0);
}

/*
 * A text of 1..max_chars characters without control characters under key;
 * NULL (and a field error) otherwise.
 */
static const char *consent_text(struct http_request *req, const json_t *body, const char *key,
                                size_t max_chars)
{
    const json_t *v = json_object_get(body, key);
    const char *text = json_string_value(v);
    if (text == NULL) {
        err_field(&req->err, key, "is required: a text of 1 to %zu characters", max_chars);
        return NULL;
    }
    size_t len = json_string_length(v), blank = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7F) {
            err_field(&req->err, key, "must not hold control characters");
            return NULL;
        }
        blank += c == ' ';
    }
    size_t chars = utf8_count(text, len);
    if (chars == 0 || blank == len || chars > max_chars) {
        err_field(&req->err, key, "must be a text of 1 to %zu characters", max_chars);
        return NULL;
    }
    return text;
}

/* given_at: absent or null is now; otherwise a date-time, not in the future, made canonical. */
static const char *consent_given_at(struct http_request *req, const json_t *body, int64_t now_ms)
{
    const json_t *v = json_object_get(body, "given_at");
    char *out = arena_alloc(req->arena, CLOCK_DATETIME_LEN + 1);
    int64_t ms = now_ms;
    if (v != NULL && !json_is_null(v)) {
        const char *text = json_string_value(v);
        if (text == NULL || clock_parse_datetime(text, strlen(text), &ms) < 0) {
            err_field(&req->err, "given_at", "must be a date-time such as 2026-11-23T10:15:00Z");
            return NULL;
        }
        if (ms > now_ms + CONSENT_FUTURE_SKEW_MS) {
            err_field(&req->err, "given_at", "must not be in the future");
            return NULL;
        }
    }
    clock_format_datetime(ms, out);
    return out;
}

static const char *const consent_keys[] = {"purpose", "text_version", "source", "given_at"};

/* The body's consent, checked; 422 with every field's problem. */
static int consent_body(struct http_request *req, int64_t contact_id, struct consent_new *c)
{
    json_t *body;
    int64_t now_ms = clock_now_ms();
    int rc = http_request_json(req, &body);
    if (rc == 0 && !json_is_object(body))
        rc = err_set(&req->err, ERR_BAD_REQUEST, "the body must be a JSON object");
    if (rc < 0)
        return rc;
    if (!record_keys_check(body, "", consent_keys, sizeof(consent_keys) / sizeof(consent_keys[0]),
                           NULL, 0, &req->err))
        return -req->err.code;
    char *now = arena_alloc(req->arena, CLOCK_DATETIME_LEN + 1);
    clock_format_datetime(now_ms, now);
    *c = (struct consent_new){
        .contact_id = contact_id,
        .purpose = consent_text(req, body, "purpose", CONSENT_PURPOSE_MAX_CHARS),
        .text_version = consent_text(req, body, "text_version", CONSENT_TEXT_VERSION_MAX_CHARS),
        .source = consent_text(req, body, "source", CONSENT_SOURCE_MAX_CHARS),
        .given_at = consent_given_at(req, body, now_ms),
        .created_by = api_actor(req)->user_id,
        .created_at = now,
    };
    if (req->err.n_fields > 0) {
        if (req->err.detail[0] == '\0')
            err_set(&req->err, ERR_VALIDATION, "the consent is not valid");
        return -req->err.code;
    }
    return 0;
}

/* The audit detail of a consent: what was agreed to, never the contact's data. */
static json_t *consent_detail(struct http_request *req, const json_t *consent)
{
    return api_keep(req, json_pack("{s:O,s:O,s:O,s:O,s:O,s:O}", "consent_id",
                                   json_object_get(consent, "id"), "purpose",
                                   json_object_get(consent, "purpose"), "text_version",
                                   json_object_get(consent, "text_version"), "source",
                                   json_object_get(consent, "source"), "given_at",
                                   json_object_get(consent, "given_at"), "withdrawn_at",
                                   json_object_get(consent, "withdrawn_at")));
}

int gdpr_consents_create(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct consent_new c;
    struct access access;
    json_t *contact = NULL, *consent = NULL;
    int64_t contact_id = 0, id = 0;
    int rc = api_path_id(req, &contact_id);
    if (rc == 0)
        rc = consent_body(req, contact_id, &c);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = api_record_visible(req, conn, &entity_contacts, contact_id, &contact);
    if (rc == 0)
        rc = api_record_access(req, conn, &entity_contacts, ACCESS_UPDATE, contact_id, &access);
    if (rc == 0)
        rc = store_consent_insert(conn, req->arena, &c, &id, &req->err);
    if (rc == 0)
        rc = store_consent_get(conn, req->arena, id, &consent, &req->err);
    if (rc == 0)
        rc = api_audit(req, conn, "record", "consent_given", entity_contacts.name, contact_id, NULL,
                       consent_detail(req, api_keep(req, consent)));
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/consents/%lld", (long long)id));
    return http_respond_json(res, 201, consent);
}

/* The path's consent, whose contact the caller must see: 404 alike otherwise. */
static int path_consent(struct http_request *req, struct store_conn *conn, json_t **consent,
                        int64_t *contact_id)
{
    json_t *contact = NULL;
    int64_t id = 0;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = store_consent_get(conn, req->arena, id, consent, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, *consent);
    *contact_id = json_integer_value(json_object_get(*consent, "contact_id"));
    rc = api_record_visible(req, conn, &entity_contacts, *contact_id, &contact);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_set(&req->err, ERR_NOT_FOUND, "no consent with id %lld", (long long)id);
    }
    return rc;
}

int gdpr_consents_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *consent = NULL;
    int64_t contact_id = 0;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = path_consent(req, conn, &consent, &contact_id);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200, consent);
}

int gdpr_consents_withdraw(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct access access;
    json_t *consent = NULL;
    int64_t contact_id = 0;
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    int rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = path_consent(req, conn, &consent, &contact_id);
    int64_t id = json_integer_value(json_object_get(consent, "id"));
    if (rc == 0)
        rc = api_record_access(req, conn, &entity_contacts, ACCESS_UPDATE, contact_id, &access);
    if (rc == 0)
        rc = store_consent_withdraw(conn, req->arena, id, now, &req->err);
    if (rc == 0)
        rc = store_consent_get(conn, req->arena, id, &consent, &req->err);
    if (rc == 0)
        rc = api_audit(req, conn, "record", "consent_withdrawn", entity_contacts.name, contact_id,
                       NULL, consent_detail(req, api_keep(req, consent)));
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200, consent);
}

/* ---- the export ---- */

/*
 * The records of entity among ids that the caller may read (live or in the
 * trash), without the fields the role hides; or, with brief, {id, title}
 * of each.
 */
static int readable_records(struct http_request *req, struct store_conn *conn,
                            const struct entity *entity, const int64_t *ids, size_t n, bool brief,
                            json_t *out)
{
    const struct actor *actor = api_actor(req);
    struct access access = actor_access(actor, entity, ACCESS_READ);
    for (size_t i = 0; i < n; i++) {
        json_t *record = NULL;
        int rc = store_record_get(conn, req->arena, entity, &access, ids[i], RECORD_ANY, &record,
                                  &req->err);
        if (rc == -ERR_NOT_FOUND) {
            err_clear(&req->err);
            continue;
        }
        if (rc < 0)
            return rc;
        actor_hide_fields(actor, entity, record);
        if (brief) {
            json_t *item = json_pack("{s:O,s:O}", "id", json_object_get(record, "id"), "title",
                                     json_object_get(record, "title") != NULL
                                         ? json_object_get(record, "title")
                                         : json_null());
            json_decref(record);
            record = item;
        }
        json_array_append_new(out, record);
    }
    return 0;
}

/* Field rights on a timeline item: hidden fields leave its detail. */
static void hide_item_fields(const struct actor *actor, json_t *item)
{
    const struct entity *source = entity_find(json_string_value(json_object_get(item, "entity")));
    json_t *detail = json_object_get(item, "detail");
    if (source == NULL || !json_is_object(detail) || !actor_hides_any(actor, source))
        return;
    const char *kind = json_string_value(json_object_get(item, "kind"));
    if (kind != NULL && strcmp(kind, "change") == 0)
        audit_hide_fields(actor, source, json_object_get(detail, "changes"));
    else
        actor_hide_fields(actor, source, detail);
}

/* The contact's timeline as the caller may see it, newest first; *truncated past the cap. */
static int export_timeline(struct http_request *req, struct store_conn *conn, int64_t id,
                           json_t *out, bool *truncated)
{
    const struct actor *actor = api_actor(req);
    struct access access = actor_access(actor, &entity_contacts, ACCESS_READ);
    struct timeline_query q = {
        .subject_column = "contact_id", .subject_id = id, .limit = GDPR_EXPORT_PAGE};
    bool more = true;
    *truncated = false;
    while (more) {
        json_t *items = NULL;
        int rc = store_timeline_list(conn, req->arena, &access, &q, &items, &more, &req->err);
        if (rc < 0)
            return rc;
        size_t i;
        json_t *item;
        json_array_foreach(items, i, item)
        {
            hide_item_fields(actor, item);
        }
        json_array_extend(out, items);
        json_t *last = json_array_get(items, json_array_size(items) - 1);
        if (more && last != NULL) {
            q.before_at = arena_strdup(req->arena, json_string_value(json_object_get(last, "at")));
            q.before_id = json_integer_value(json_object_get(last, "id"));
        }
        json_decref(items);
        if (more && json_array_size(out) >= GDPR_EXPORT_MAX_ITEMS) {
            *truncated = true;
            break;
        }
    }
    return 0;
}

/* The contact's audit history, newest first, hidden fields left out; *truncated past the cap. */
static int export_audit(struct http_request *req, struct store_conn *conn, int64_t id, json_t *out,
                        bool *truncated)
{
    const struct actor *actor = api_actor(req);
    struct audit_query q = {
        .entity = entity_contacts.name, .record_id = id, .limit = GDPR_EXPORT_PAGE};
    *truncated = false;
    for (;;) {
        json_t *entries = NULL;
        int64_t next = 0;
        int rc = store_audit_list(conn, req->arena, &q, &entries, &next, &req->err);
        if (rc < 0)
            return rc;
        size_t i;
        json_t *entry;
        json_array_foreach(entries, i, entry)
        {
            audit_hide_fields(actor, &entity_contacts, json_object_get(entry, "changes"));
        }
        json_array_extend(out, entries);
        json_decref(entries);
        if (next == 0)
            return 0;
        if (json_array_size(out) >= GDPR_EXPORT_MAX_ITEMS) {
            *truncated = true;
            return 0;
        }
        q.before_id = next;
    }
}

/* The metadata of the attachments of entity's records in list (objects with an id). */
static int list_attachments(struct http_request *req, struct store_conn *conn, const char *entity,
                            const json_t *records, json_t *out)
{
    size_t i;
    json_t *record;
    json_array_foreach(records, i, record)
    {
        json_t *list = NULL;
        int64_t id = json_integer_value(json_object_get(record, "id"));
        int rc = store_attachments_list(conn, req->arena, entity, id, &list, &req->err);
        if (rc < 0)
            return rc;
        json_array_extend(out, list);
        json_decref(list);
    }
    return 0;
}

/*
 * person.json's document (kept until the request ends): the contact, its
 * companies, consents, leads, activities, tasks, deals (id, title),
 * timeline, audit history and the attachments' metadata (their paths are
 * added as they are written).
 */
static int export_document(struct http_request *req, struct store_conn *conn, int64_t id,
                           json_t *contact, json_t **out)
{
    struct gdpr_person person;
    json_t *consents = NULL, *one = api_keep(req, json_array());
    bool timeline_cut = false, audit_cut = false;
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    json_t *doc = api_keep(req, json_object());
    json_t *leads = json_array(), *activities = json_array(), *tasks = json_array();
    json_t *deals = json_array(), *timeline = json_array(), *audit = json_array();
    json_t *attachments = json_array();
    json_object_set_new(doc, "format", json_string("crm-gdpr-export/1"));
    json_object_set_new(doc, "exported_at", json_string(now));
    json_object_set_new(doc, "exported_by", json_integer(api_actor(req)->user_id));
    json_object_set(doc, "contact", contact);
    json_object_set(doc, "companies", json_object_get(contact, "companies"));
    json_object_set_new(doc, "leads", leads);
    json_object_set_new(doc, "activities", activities);
    json_object_set_new(doc, "tasks", tasks);
    json_object_set_new(doc, "deals", deals);
    json_object_set_new(doc, "timeline", timeline);
    json_object_set_new(doc, "audit", audit);
    json_object_set_new(doc, "attachments", attachments);
    int rc = store_gdpr_person(conn, req->arena, id, &person, &req->err);
    if (rc == 0)
        rc = store_consents_list(conn, req->arena, id, &consents, &req->err);
    if (rc == 0)
        json_object_set_new(doc, "consents", consents);
    if (rc == 0)
        rc = readable_records(req, conn, &entity_leads, person.lead_ids, person.n_leads, false,
                              leads);
    if (rc == 0)
        rc = readable_records(req, conn, &entity_activities, person.activity_ids,
                              person.n_activities, false, activities);
    if (rc == 0)
        rc = readable_records(req, conn, &entity_tasks, person.task_ids, person.n_tasks, false,
                              tasks);
    if (rc == 0)
        rc = readable_records(req, conn, &entity_deals, person.deal_ids, person.n_deals, true,
                              deals);
    if (rc == 0)
        rc = export_timeline(req, conn, id, timeline, &timeline_cut);
    if (rc == 0)
        rc = export_audit(req, conn, id, audit, &audit_cut);
    json_array_append(one, contact);
    if (rc == 0)
        rc = list_attachments(req, conn, entity_contacts.name, one, attachments);
    if (rc == 0)
        rc = list_attachments(req, conn, entity_leads.name, leads, attachments);
    if (rc == 0)
        rc = list_attachments(req, conn, entity_activities.name, activities, attachments);
    if (rc == 0)
        rc = list_attachments(req, conn, entity_tasks.name, tasks, attachments);
    if (timeline_cut || audit_cut)
        json_object_set_new(doc, "truncated",
                            json_pack("{s:b,s:b}", "timeline", timeline_cut, "audit", audit_cut));
    *out = doc;
    return rc;
}

/* A new empty file in $TMPDIR (else /tmp), its path in the arena. */
static int temp_file(struct http_request *req, char **path)
{
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || *dir == '\0')
        dir = "/tmp";
    *path = arena_printf(req->arena, "%s/crm-gdpr-XXXXXX", dir);
    int fd = mkstemp(*path);
    if (fd < 0)
        return err_set(&req->err, ERR_INTERNAL, "cannot make a temporary file for the export");
    close(fd);
    return 0;
}

/* Adds each attachment's bytes under attachments/ and its path to its metadata. */
static int zip_attachments(struct http_request *req, struct store_conn *conn, struct zip_writer *w,
                           json_t *attachments)
{
    size_t i;
    json_t *a;
    json_array_foreach(attachments, i, a)
    {
        const char *data = NULL;
        size_t len = 0;
        struct arena *scratch = arena_new();
        const char *name = json_string_value(json_object_get(a, "file_name"));
        int64_t id = json_integer_value(json_object_get(a, "id"));
        int rc = store_attachment_content(conn, scratch, id, &data, &len, &req->err);
        if (rc == 0)
            rc = zip_writer_add(w, arena_printf(scratch, "attachments/%s", name ? name : "file"),
                                data, len, &req->err);
        if (rc == 0)
            json_object_set_new(a, "path", json_string(zip_writer_last_name(w)));
        arena_free(scratch);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Writes the archive to path: the attachments, then person.json. */
static int export_write(struct http_request *req, struct store_conn *conn, const char *path,
                        json_t *doc)
{
    struct zip_writer *w = zip_writer_open(path, &req->err);
    if (w == NULL)
        return -req->err.code;
    int rc = zip_attachments(req, conn, w, json_object_get(doc, "attachments"));
    if (rc == 0) {
        char *text = json_dumps(doc, JSON_INDENT(2));
        rc = text != NULL ? zip_writer_add(w, "person.json", text, strlen(text), &req->err)
                          : err_set(&req->err, ERR_INTERNAL, "cannot write person.json");
        free(text);
    }
    if (rc < 0) {
        zip_writer_free(w);
        return rc;
    }
    return zip_writer_close(w, &req->err);
}

/* The sum of the attachments' sizes: 413 past the cap. */
static int export_size_check(struct http_request *req, const json_t *attachments)
{
    int64_t total = 0;
    size_t i;
    json_t *a;
    json_array_foreach(attachments, i, a)
    {
        total += json_integer_value(json_object_get(a, "size"));
    }
    if (total > GDPR_EXPORT_MAX_ATTACHMENT_BYTES)
        return err_set(&req->err, ERR_TOO_LARGE,
                       "the person's attachments hold %lld bytes, more than one export may (%lld)",
                       (long long)total, (long long)GDPR_EXPORT_MAX_ATTACHMENT_BYTES);
    return 0;
}

/* A download read from an unlinked temporary file. */
struct gdpr_download {
    int fd;
};

static int gdpr_download_read(void *ctx, uint64_t pos, char *buf, size_t cap, size_t *n_read)
{
    struct gdpr_download *d = ctx;
    ssize_t n;
    do {
        n = pread(d->fd, buf, cap, (off_t)pos);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        log_error("gdpr_export_read_failed", "offset=%llu errno=%d", (unsigned long long)pos,
                  errno);
        return -ERR_INTERNAL;
    }
    *n_read = (size_t)n;
    return 0;
}

static void gdpr_download_release(void *ctx)
{
    struct gdpr_download *d = ctx;
    close(d->fd);
    free(d);
}

/* Opens the finished archive and unlinks it: the descriptor is all that is left. */
static int export_open(struct http_request *req, const char *path, int *fd, int64_t *size)
{
    struct stat st;
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    unlink(path);
    if (*fd < 0 || fstat(*fd, &st) < 0) {
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        return err_set(&req->err, ERR_INTERNAL, "cannot read the export back");
    }
    *size = (int64_t)st.st_size;
    return 0;
}

int gdpr_export(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    struct access access;
    json_t *contact = NULL, *doc = NULL;
    char *path = NULL;
    int64_t id = 0, size = 0;
    int fd = -1;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = path_contact(req, conn, &id, &contact);
    if (rc == 0)
        rc = api_record_access(req, conn, &entity_contacts, ACCESS_EXPORT, id, &access);
    if (rc < 0)
        return rc;
    actor_hide_fields(actor, &entity_contacts, contact);
    rc = export_document(req, conn, id, contact, &doc);
    if (rc == 0)
        rc = export_size_check(req, json_object_get(doc, "attachments"));
    if (rc == 0)
        rc = temp_file(req, &path);
    if (rc < 0)
        return rc;
    rc = export_write(req, conn, path, doc);
    if (rc == 0)
        rc = export_open(req, path, &fd, &size);
    else
        unlink(path);
    if (rc == 0)
        rc = store_begin(conn, &req->err);
    if (rc == 0) {
        json_t *detail = api_keep(
            req, json_pack("{s:I,s:I,s:I}", "contact_id", (json_int_t)id, "attachments",
                           (json_int_t)json_array_size(json_object_get(doc, "attachments")),
                           "bytes", (json_int_t)size));
        rc = api_commit(req, conn,
                        api_audit(req, conn, "security", "gdpr_export", entity_contacts.name, id,
                                  NULL, detail));
    }
    if (rc < 0) {
        if (fd >= 0)
            close(fd);
        return rc;
    }
    struct gdpr_download *d = malloc(sizeof(*d));
    if (d == NULL) {
        close(fd);
        return err_set(&req->err, ERR_INTERNAL, "out of memory");
    }
    d->fd = fd;
    http_response_header(
        res, "Content-Disposition",
        file_name_disposition(req->arena,
                              arena_printf(req->arena, "gdpr-contact-%lld.zip", (long long)id)));
    http_response_header(res, "Cache-Control", "private, no-store");
    http_response_header(res, "Content-Security-Policy", "default-src 'none'; sandbox");
    struct http_stream stream = {
        .read = gdpr_download_read,
        .release = gdpr_download_release,
        .ctx = d,
        .size = size,
    };
    http_respond_stream(res, 200, "application/zip", &stream);
    return 0;
}

/* ---- the erasure ---- */

static const char *const erase_keys[] = {"confirm"};

/* {"confirm": "<id>"}: the contact's id as text; 422 otherwise. */
static int erase_body_check(struct http_request *req, int64_t id)
{
    json_t *body;
    int rc = http_request_json(req, &body);
    if (rc == 0 && !json_is_object(body))
        rc = err_set(&req->err, ERR_BAD_REQUEST, "the body must be a JSON object");
    if (rc < 0)
        return rc;
    if (!record_keys_check(body, "", erase_keys, 1, NULL, 0, &req->err))
        return -req->err.code;
    const char *confirm = json_string_value(json_object_get(body, "confirm"));
    char expected[32];
    snprintf(expected, sizeof(expected), "%lld", (long long)id);
    if (confirm == NULL || strcmp(confirm, expected) != 0) {
        err_set(&req->err, ERR_VALIDATION, "confirm must repeat the contact's id (\"%s\")",
                expected);
        return err_field(&req->err, "confirm", "must be the contact's id as text");
    }
    return 0;
}

int gdpr_erase(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct gdpr_erasure erased;
    json_t *contact = NULL;
    int64_t id = 0;
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_require_admin(req);
    if (rc == 0)
        rc = erase_body_check(req, id);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    /* Administrators see every contact, in the trash too. */
    struct access access = actor_access(api_actor(req), &entity_contacts, ACCESS_READ);
    rc = store_record_get(conn, req->arena, &entity_contacts, &access, id, RECORD_ANY, &contact,
                          &req->err);
    json_decref(contact);
    if (rc == 0)
        rc = store_gdpr_erase(conn, req->arena, id, now, &erased, &req->err);
    json_t *detail = NULL;
    if (rc == 0) {
        detail = api_keep(req, json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "contact_id",
                                         (json_int_t)id, "leads", (json_int_t)erased.leads,
                                         "activities", (json_int_t)erased.activities, "tasks",
                                         (json_int_t)erased.tasks, "attachments",
                                         (json_int_t)erased.attachments, "timeline_items",
                                         (json_int_t)erased.timeline_items, "notifications",
                                         (json_int_t)erased.notifications, "audit_entries",
                                         (json_int_t)erased.audit_entries, "consents_withdrawn",
                                         (json_int_t)erased.consents_withdrawn));
        rc = api_audit(req, conn, "security", "gdpr_erase", entity_contacts.name, id, NULL, detail);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    json_t *answer = api_keep(req, json_pack("{s:I,s:s,s:O}", "contact_id", (json_int_t)id,
                                             "erased_at", now, "erased", detail));
    return http_respond_json(res, 200, answer);
}
