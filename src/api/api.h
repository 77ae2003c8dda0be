/*
 * The REST API: the route table and what handlers share. Handlers are thin:
 * they read the request, call domain rules and the store, and shape the
 * answer; they never hold SQL.
 */
#ifndef CRM_API_API_H
#define CRM_API_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/access.h"
#include "http/http.h"
#include "domain/record.h"
#include "query/filter.h"
#include "store/store.h"

struct store;
struct store_conn;
struct role_cache;
struct entity;

/* What every handler reaches through req->app. */
struct app {
    struct store *store;
    int64_t session_idle_ms;     /* a session unused this long ends */
    int64_t session_max_ms;      /* a session ends this long after sign-in */
    const char *trusted_proxies; /* comma-separated addresses; "" or NULL: none */
    struct role_cache *roles;    /* parsed roles; NULL: parsed for every request */
    const char *base_currency;   /* of a new database (--base-currency); NULL: "EUR" */
};

const struct route *api_routes(size_t *n_routes);

/*
 * The request's state on the API side (req->context): the connection it
 * borrowed and who is calling. Made on first use; handlers reach it
 * through the functions below.
 */
struct api_context {
    struct store_conn *conn; /* NULL until borrowed */
    bool signed_in;          /* actor below is filled */
    struct actor actor;
    const char *session_token; /* the cookie's value when signed in with one */
    const char *client;        /* the client's address */
};

struct api_context *api_context(struct http_request *req);

/*
 * Runs before every route: signs the caller in from the session cookie or
 * an API token, checks the CSRF token of cookie requests that change
 * something, and answers 401 (not signed in) or 403 (wrong origin, missing
 * CSRF token, a token without the scope, a password to change first).
 * Public routes pass without a caller.
 */
int api_guard(struct http_request *req, struct http_response *res);

/*
 * Makes user the request's actor (their role, team, and the credential's
 * scopes); the guard calls it at sign-in, jobs through api_job_request().
 */
int api_act_as(struct http_request *req, const struct auth_user *user, unsigned scopes);
/*
 * A request made outside the server for a job that carries on user_id's
 * work (an import, an export): its arena, the job's connection with its
 * open transaction, and the user as actor with read and write scopes. 403
 * when the user has been disabled since.
 */
int api_job_request(struct http_request *req, struct arena *arena, struct store_conn *conn,
                    int64_t user_id, const char *request_id);

/* The signed-in caller; NULL on a public route when nobody is signed in. */
const struct actor *api_actor(struct http_request *req);
/* 403 unless the caller is an administrator using a credential with the admin scope. */
int api_require_admin(struct http_request *req);
/* The client's address: X-Forwarded-For's last untrusted hop behind a trusted proxy. */
const char *api_client(struct http_request *req);
/* Whether the request reached the server over TLS (a trusted proxy's X-Forwarded-Proto). */
bool api_request_is_tls(struct http_request *req);

/*
 * Appends to the audit log inside conn's open transaction, with the
 * caller, client address and request id. kind: "record" or "security".
 */
int api_audit(struct http_request *req, struct store_conn *conn, const char *kind,
              const char *action, const char *entity, int64_t record_id, const json_t *changes,
              const json_t *detail);
/*
 * A security event inside conn's open transaction, about user_id (0: the
 * caller, if any).
 */
int api_audit_security(struct http_request *req, struct store_conn *conn, const char *action,
                       int64_t user_id, const json_t *detail);
/*
 * A security event written on its own (a failed sign-in, a refused
 * credential): its own transaction, failures only logged. user_id 0: the
 * caller's, if any.
 */
void api_security_event(struct http_request *req, const char *action, int64_t user_id,
                        const json_t *detail);
/*
 * The detail of a security event about a refused request body:
 * {"problem": slug, "errors": [{"field","message"}]} from err. Never the
 * error's text nor a value the body held (a JSON parse error quotes the
 * input). Kept until the request ends.
 */
json_t *api_refusal_detail(struct http_request *req, const struct err *err);

/* Borrows a database connection for the rest of the request (the same one on each call). */
int api_conn(struct http_request *req, struct store_conn **conn);
/* Borrows a connection and opens the request's one transaction. */
int api_begin(struct http_request *req, struct store_conn **conn);
/* Commits when rc is 0, rolls back otherwise; returns the outcome. */
int api_commit(struct http_request *req, struct store_conn *conn, int rc);
/* The If-Match version ("3", "\"3\"", W/"3"); -1 when absent or "*". */
int api_if_match(struct http_request *req, int64_t *version);
/* 412 when expected (> 0) is not the version of current. */
int api_check_version(struct http_request *req, const json_t *current, int64_t expected);
/* The {id} path parameter as a positive integer; 404 otherwise. */
int api_path_id(struct http_request *req, int64_t *id);
/* The entity named by the path's collection segment ("/api/v1/contacts/..."). */
const struct entity *api_path_entity(const struct http_request *req);
/*
 * 415 unless the body's Content-Type is one of types (NULL-terminated, any
 * case) with no charset or a UTF-8 one; hint is the refusal's detail.
 */
int api_text_body_type(struct http_request *req, const char *const *types, const char *hint);
/* Releases the JSON value when the request's arena is freed. */
json_t *api_keep(struct http_request *req, json_t *value);
/* Answers a record with its ETag. */
int api_respond_record(struct http_request *req, struct http_response *res, int status,
                       const json_t *record);
/* The limit query parameter: 1..max, default def; 400 otherwise. */
int api_parse_limit(struct http_request *req, size_t def, size_t max, size_t *limit);
/* Answers {"data": list, "next_cursor": "<after id>"|null} for id-ordered lists. */
int api_respond_page(struct http_request *req, struct http_response *res, json_t *list,
                     int64_t next_after_id);
/* A positive integer query parameter (0 when absent); 400 when malformed. */
int api_query_id(struct http_request *req, const char *name, int64_t *id);

/* Handlers, one group per resource file. */
http_handler health_get;
http_handler openapi_get;
/* ---- Record helpers shared with entity-specific handlers (records.c) ---- */

/* A list request's query with what it points to; prepared in place, never copied. */
struct list_request {
    struct list_query query;
    struct sort_key keys[RECORD_SORT_MAX_KEYS + 1];
    struct filter_context ctx;
    struct access access; /* the caller's read access */
    const char *sort;     /* as given, or the entity's default */
};

/*
 * Prepares a list of entity for the caller: read access (403 without any),
 * the filter schema with custom fields and the caller's field rights,
 * filter (400 with the position of an error), sort and search (400 when
 * the role hides searched fields). Limit, cursor, trash and count are the
 * caller's to set.
 */
int api_list_prepare(struct http_request *req, struct store_conn *conn,
                     const struct entity *entity, const char *filter, const char *sort,
                     const char *search, struct list_request *lr);
/*
 * The totals of one group of store_record_totals() as the API shows them:
 * {"count", "sums": [money per currency, never added across currencies],
 * "total_base": money in the base currency (null past 64 bits),
 * "unconverted": records with an amount but no rate for their date}.
 */
json_t *api_totals_json(int64_t group, const struct record_total *totals, size_t n,
                        const char *base);
/* Sets the prepared list's filter to text (NULL or "": none); 400 with the position on error. */
int api_list_filter(struct http_request *req, struct list_request *lr, const char *filter);
/* The next_cursor of a page (JSON string or null); takes page->last_keys. */
json_t *api_list_next_cursor(struct http_request *req, const char *sort, struct list_page *page);

/* Reads a live record the caller may see, kept until the request ends; 404 otherwise. */
int api_record_visible(struct http_request *req, struct store_conn *conn,
                       const struct entity *entity, int64_t id, json_t **record);
/* 403 unless the record is within the caller's scope for action (access filled). */
int api_record_access(struct http_request *req, struct store_conn *conn,
                      const struct entity *entity, enum access_action action, int64_t id,
                      struct access *access);
/*
 * Reads back a record just written, whatever the caller's scope over it
 * now (the new owner may be someone else), with its links limited to the
 * records the caller may read.
 */
int api_record_written(struct http_request *req, struct store_conn *conn,
                       const struct entity *entity, int64_t id, enum record_state state,
                       json_t **record);
/*
 * Creates a record from body (a request body the call may change) as
 * records_create does once the caller's rights are known: validation,
 * the entity's hooks, the insert within access, the audit entry; owner
 * becomes its owner (0: none), kept (NULL: none) gives server-kept fields
 * to write with it. *record is the record as written. Runs in the caller's
 * transaction.
 */
int api_record_create(struct http_request *req, struct store_conn *conn,
                      const struct entity *entity, const struct access *access, json_t *body,
                      int64_t owner, const json_t *kept, json_t **record);
/*
 * Moves a record to the trash (trashed) or back, as DELETE and restore do,
 * in the caller's transaction: visibility (404), the delete right, the
 * audit entry and the timeline. *record is the record afterwards.
 */
int api_record_set_trashed(struct http_request *req, struct store_conn *conn,
                           const struct entity *entity, int64_t id, bool trashed,
                           json_t **record);
/*
 * Updates a record from body as records_update does, in the caller's
 * transaction: visibility (404), the update right, expected (> 0: the
 * If-Match version, 412 when stale), a new owner within the reassign
 * scope, validation, the entity's hooks, the audit entry. *record is the
 * record as written.
 */
int api_record_update(struct http_request *req, struct store_conn *conn,
                      const struct entity *entity, int64_t id, json_t *body, int64_t expected,
                      json_t **record);
/* Sets a server-kept field in both a write's changes and its merged record (takes value). */
void api_record_set_kept(json_t *changes, json_t *merged, const char *key, json_t *value);
/* Appends the change from before to after (NULL before: a create) to the audit log. */
int api_record_audit(struct http_request *req, struct store_conn *conn,
                     const struct entity *entity, const char *action, const json_t *before,
                     const json_t *after);
/* Answers a record as the caller may see it (hidden fields left out). */
int api_record_respond(struct http_request *req, struct http_response *res, int status,
                       const struct entity *entity, json_t *record);

/*
 * What an entity adds to the generic create and update, inside their
 * transaction: before_write (current NULL on create) may refuse, and may
 * complete changes and merged (server-kept fields, canonical values);
 * after_create, when set, sees the record as written (and may complete it:
 * fields it sets on the database row); after_update sees it before and
 * after an update; after_change, when
 * set, runs after every change of one of the entity's records (create,
 * update, trash, restore).
 */
struct record_hooks {
    const struct entity *entity;
    int (*before_write)(struct http_request *req, struct store_conn *conn, const json_t *current,
                        json_t *changes, json_t *merged);
    int (*after_create)(struct http_request *req, struct store_conn *conn, json_t *record);
    int (*after_update)(struct http_request *req, struct store_conn *conn, const json_t *before,
                        json_t *record);
    int (*after_change)(struct http_request *req, struct store_conn *conn);
};

/* ---- Deals: create hooks, moves, stage history, the board (deals.c) ---- */

extern const struct record_hooks deal_hooks;

/* ---- Quotes: lines priced from products, totals, versions and decisions (quotes.c) ---- */

extern const struct record_hooks quote_hooks;
extern const struct record_hooks price_list_hooks;

/* ---- Leads: scoring, assignment, conversion, public forms (leads.c) ---- */

extern const struct record_hooks lead_hooks;
extern const struct record_hooks form_hooks;
extern const struct record_hooks lead_scoring_rule_hooks;
http_handler leads_assign;
http_handler leads_convert;
http_handler forms_submit;
http_handler quotes_send;
http_handler quotes_revise;
http_handler quotes_accept;
http_handler quotes_decline;
http_handler quotes_versions;
http_handler deals_move;
http_handler deals_history;
http_handler pipelines_board;

http_handler records_list;
http_handler records_create;
http_handler records_get;
http_handler records_update;
http_handler records_delete;
http_handler records_restore;
http_handler fields_list;
http_handler fields_create;
http_handler fields_get;
http_handler fields_update;
http_handler fields_delete;
http_handler auth_login;
http_handler auth_totp;
http_handler auth_logout;
http_handler auth_me;
http_handler auth_password;
http_handler auth_totp_setup;
http_handler auth_totp_enable;
http_handler auth_totp_disable;
/*
 * Told of a request the HTTP server refused before routing it (a body too
 * large): on the sign-in routes it counts and logs like any sign-in body
 * refused before its credentials are checked (sign_in_rejected).
 */
void auth_refused(struct http_request *req);
http_handler users_list;
http_handler users_create;
http_handler users_get;
http_handler users_update;
http_handler users_reset_password;
http_handler users_update_own;
http_handler teams_list;
http_handler teams_create;
http_handler teams_get;
http_handler teams_update;
http_handler teams_delete;
http_handler roles_list;
http_handler roles_create;
http_handler roles_get;
http_handler roles_update;
http_handler roles_delete;
http_handler tokens_list;
http_handler tokens_create;
http_handler tokens_delete;
http_handler audit_list;
http_handler audit_security_list;
http_handler settings_get;
http_handler settings_update;
http_handler currencies_list;
http_handler exchange_rates_list;
http_handler exchange_rates_create;
http_handler exchange_rates_get;
http_handler exchange_rates_update;
http_handler exchange_rates_delete;
http_handler exchange_rates_import;
http_handler exchange_rates_convert;
/* ---- Configuration kept by administrators (admin_resource.c) ---- */

/*
 * What differs between such resources (pipelines, deal reasons, commission
 * rules): where they live, what the audit compares and names, and their
 * store functions. check turns a body (current NULL: a new row) into the
 * clean changes to write, with field errors on req->err.
 */
struct admin_resource {
    const char *path;  /* collection path, for Location: "/api/v1/pipelines" */
    const char *table; /* the audit entry's entity: "pipelines" */
    const char *name;  /* security actions <name>_created/_updated/_deleted: "pipeline" */
    const char *const *keys; /* what an update's audit entry compares */
    size_t n_keys;
    const char *const *deleted_keys; /* what a deletion's audit entry names */
    size_t n_deleted_keys;
    int (*check)(struct http_request *req, struct store_conn *conn, const json_t *body,
                 const json_t *current, json_t **clean);
    int (*get)(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
               struct err *err);
    int (*insert)(struct store_conn *conn, struct arena *arena, const json_t *clean,
                  int64_t *id_out, struct err *err);
    int (*update)(struct store_conn *conn, struct arena *arena, int64_t id, int64_t version,
                  const json_t *clean, struct err *err);
    int (*remove)(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err);
};

/* Anyone signed in: one row (404 when absent). */
int admin_resource_get(struct http_request *req, struct http_response *res,
                       const struct admin_resource *r);
/* Administrators: 201 with Location; 422 from check. */
int admin_resource_create(struct http_request *req, struct http_response *res,
                          const struct admin_resource *r);
/* Administrators: If-Match (412 when stale); writes and audits only a real change. */
int admin_resource_update(struct http_request *req, struct http_response *res,
                          const struct admin_resource *r);
/* Administrators: If-Match; 409 from the store while in use; 204. */
int admin_resource_delete(struct http_request *req, struct http_response *res,
                          const struct admin_resource *r);

http_handler pipelines_list;
http_handler pipelines_create;
http_handler pipelines_get;
http_handler pipelines_update;
http_handler pipelines_delete;
http_handler deal_reasons_list;
http_handler deal_reasons_create;
http_handler deal_reasons_get;
http_handler deal_reasons_update;
http_handler deal_reasons_delete;

/* ---- Operators' commands and first start (operators.c) ---- */

/*
 * Adds the built-in roles that are missing, records base_currency as the
 * base currency when none is set yet (a new database), and, when there is no user at
 * all, an administrator with a random one-time password, written to
 * password_out (*created says whether one was made).
 */
int operators_setup(struct store *store, const char *admin_email, const char *base_currency,
                    char *password_out, size_t password_size, bool *created, struct err *err);
/* crm user add: a user with the given role name and password. */
int operators_user_add(struct store *store, const char *email, const char *name,
                       const char *role, const char *password, struct err *err);
/*
 * crm user reset-password: password NULL or "" makes a one-time password,
 * written to generated_out; sessions and tokens of the user end.
 */
int operators_user_reset_password(struct store *store, const char *email, const char *password,
                                  char *generated_out, size_t generated_size, struct err *err);
/* crm user disable: sessions end, tokens stop working. */
int operators_user_disable(struct store *store, const char *email, struct err *err);

/* ---- Commissions: rules and the quarterly report (commission_rules.c, commissions.c) ---- */

http_handler commission_rules_list;
http_handler commission_rules_create;
http_handler commission_rules_get;
http_handler commission_rules_update;
http_handler commission_rules_delete;
http_handler commissions_report;

/* ---- Working day: timeline and notifications (timeline.c, notifications.c) ---- */

/*
 * What a record's create or update (action, the record after it, the audit's
 * changes) adds to the timeline: activities and tasks are mirrored by one
 * item each; contacts, companies, deals and leads get an item when made and
 * for each change (a deal's stage move as such); quotes when made and at
 * each change of status. Runs in the write's transaction.
 */
int timeline_record_audited(struct http_request *req, struct store_conn *conn,
                            const struct entity *entity, const char *action, const json_t *after,
                            const json_t *changes);
/* An activity or task to the trash leaves the timeline; restored, it comes back. */
int timeline_record_trashed(struct http_request *req, struct store_conn *conn,
                            const struct entity *entity, const json_t *record, bool trashed);
http_handler timeline_list;
http_handler notifications_list;
http_handler notifications_read;
http_handler notifications_read_all;
/* Activities and tasks: links completed from each other, series, reminders (activities.c). */
extern const struct record_hooks activity_hooks;
extern const struct record_hooks task_hooks;

/* ---- Working day: calendar and iCalendar (calendar.c) ---- */

http_handler calendar_get;
http_handler calendar_activity_ics;
http_handler calendar_task_ics;
http_handler calendar_import;
http_handler calendar_feed_create;
http_handler calendar_feed_get;
http_handler calendar_feed_delete;
http_handler calendar_feed_ical;

/* ---- Working day: attachments (attachments.c) ---- */

http_handler attachments_create;
http_handler attachments_list;
http_handler attachments_get;
http_handler attachments_content;
http_handler attachments_delete;

/* ---- Working day: day plan, time entries, reports (day.c) ---- */

http_handler day_get;
http_handler timer_start;
http_handler timer_stop;
http_handler timer_get;
http_handler time_entries_list;
http_handler time_entries_create;
http_handler time_entries_delete;
http_handler reports_effectiveness;
http_handler reports_tasks;

/* imports (begin) */
/* Imports (imports.c): upload, settings, run, cancel, undo, errors. */
http_handler imports_create;
http_handler imports_list;
http_handler imports_fields;
http_handler imports_get;
http_handler imports_update;
http_handler imports_run;
http_handler imports_cancel;
http_handler imports_undo;
http_handler imports_errors;
/* imports (end) */
/* exports (begin) */
/* ---- Exports: requests, state and files (exports.c; the job is jobs/export.c) ---- */

http_handler exports_create;
http_handler exports_list;
http_handler exports_get;
http_handler exports_file;

/* A column of a CSV or XLSX export: its header and where a record holds its value. */
struct export_column {
    const char *name;     /* the header: "emails", "companies", "custom.region" */
    const char *key;      /* the record's key; for a custom field its key under "custom" */
    bool custom;          /* the value is record.custom[key] */
    enum field_type type; /* the field's type (FIELD_TEXT for the expanded links) */
};

/*
 * An export's list request prepared for the caller exactly as GET /{entity}
 * prepares it (api_list_prepare), in place and never copied (lr points into
 * itself), with the columns to write.
 */
struct export_plan {
    const struct entity *entity;
    const char *format;     /* "csv", "xlsx", "vcf" (contacts), "ics" (activities, tasks) */
    bool raw;               /* cells are written as they are, never neutralised */
    struct list_request lr; /* read scope narrowed to the caller's export scope */
    struct export_column *columns; /* csv and xlsx only; NULL otherwise */
    size_t n_columns;
};

/*
 * Prepares the export of the collection entity_name in format for req's
 * actor from request {filter, q, sort, fields, raw} (types already
 * checked): 422 on "entity" or "format" for an unknown collection or a
 * format it has no use for, on "fields[i]" for a field unknown, hidden
 * from the caller or named twice; 403 without the export right, or for raw
 * unless an administrator asks (in_job: an administrator's role is enough,
 * since a job acts without the admin scope); 400 for a filter, sort or q
 * the list would refuse. ics exports only meetings (activities) and tasks
 * with a due time; without fields every field the caller may read is a
 * column.
 */
int api_export_prepare(struct http_request *req, struct store_conn *conn, const char *entity_name,
                       const char *format, const json_t *request, bool in_job,
                       struct export_plan *plan);
/* exports (end) */

/* gdpr (begin) */
/* ---- GDPR: consent ledger, export and erasure of a person (gdpr.c) ---- */

http_handler gdpr_consents_list;
http_handler gdpr_consents_create;
http_handler gdpr_consents_get;
http_handler gdpr_consents_withdraw;
http_handler gdpr_export;
http_handler gdpr_erase;
/* gdpr (end) */

/* duplicates (begin) */
/* ---- Duplicates: the check, clusters, merges and their undo (duplicates.c) ---- */

http_handler duplicates_check;
/* A likely duplicate found for a candidate record. */
struct duplicate_hit {
    const json_t *record; /* as the caller may read it */
    double score;
    const char *reason;
};
/*
 * The likely duplicates of candidate (a record's fields, as in a request
 * body) among the records of entity the caller may read, found through the
 * duplicate keys and scored without the fields hidden from the caller: those
 * scoring at least DEDUP_THRESHOLD, best first, exclude_id (0: none) left
 * out. Kept until the request ends.
 */
int api_duplicates_find(struct http_request *req, struct store_conn *conn,
                        const struct entity *entity, const json_t *candidate, const char *country,
                        int64_t exclude_id, struct duplicate_hit **hits, size_t *n_hits);
http_handler duplicates_list;
http_handler duplicates_merge;
http_handler merges_list;
http_handler merges_get;
http_handler merges_undo;
/* duplicates (end) */

#endif
