/*
 * The one storage interface. A struct store is a small pool of connections
 * to SQLite (a file path) or PostgreSQL (a postgresql:// URL); each request
 * or job borrows one connection, runs its statements in at most one
 * transaction and gives it back. The SQL text is built once, with the
 * dialect's placeholders, by query/sql.h; each backend only prepares, binds,
 * steps and translates its own error codes into base/err.h codes.
 *
 * Entity-level operations (records.c, fields.c) sit on top of the backend
 * primitives and are shared by both backends.
 */
#ifndef CRM_STORE_STORE_H
#define CRM_STORE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/err.h"
#include "domain/access.h"
#include "query/sql.h"

struct arena;
struct store;
struct store_conn;

enum store_value_type { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT };

struct store_value {
    enum store_value_type type;
    int64_t i;
    double r;
    const char *text; /* NUL-terminated, in the arena; a BLOB or BYTEA is its bytes */
    size_t len;
};

/* A materialised result: n_rows x n_cols values, in the caller's arena. */
struct store_rows {
    size_t n_rows;
    size_t n_cols;
    const char **names;
    struct store_value *values; /* row-major */
};

static inline const struct store_value *store_rows_at(const struct store_rows *rows, size_t row,
                                                      size_t col)
{
    return &rows->values[row * rows->n_cols + col];
}

/* An integer column, whichever way the backend typed it (0 for NULL). */
static inline int64_t store_value_int(const struct store_value *v)
{
    if (v->type == STORE_INT)
        return v->i;
    return v->type == STORE_TEXT ? strtoll(v->text, NULL, 10) : 0;
}

/* An integer column as JSON: null for NULL (new reference). */
static inline json_t *store_value_int_json(const struct store_value *v)
{
    return v->type == STORE_NULL ? json_null() : json_integer((json_int_t)store_value_int(v));
}

/* What a backend provides; see store_sqlite.c and store_pg.c. */
struct store_backend {
    const char *name;
    enum sql_dialect dialect;
    int (*connect)(const char *location, void **conn_out, struct err *err);
    void (*disconnect)(void *conn);
    /* Runs one statement; rows_out may be NULL when no rows are wanted. */
    int (*query)(void *conn, struct arena *arena, const char *sql, const struct sql_param *params,
                 size_t n_params, struct store_rows *rows_out, struct err *err);
    /*
     * As query, but stops once the statement has used about max_cpu_us of
     * the thread's CPU time and then sets *completed to false (no rows, no
     * error). NULL when the backend cannot (store_query_bounded then runs
     * the statement to its end).
     */
    int (*query_bounded)(void *conn, struct arena *arena, const char *sql,
                         const struct sql_param *params, size_t n_params, int64_t max_cpu_us,
                         struct store_rows *rows_out, bool *completed, struct err *err);
    /* Runs a script of several statements without parameters (migrations). */
    int (*exec_script)(void *conn, const char *sql, struct err *err);
};

extern const struct store_backend store_sqlite_backend;
extern const struct store_backend store_pg_backend;

struct store_options {
    const char *location; /* file path or postgresql:// URL */
    unsigned pool_size;   /* connections; 0: number of cores + 2 */
};

/*
 * Opens the pool and checks the database answers. Does not migrate: call
 * store_migrate() (serve and migrate subcommands do).
 */
struct store *store_open(const struct store_options *options, struct err *err);
void store_close(struct store *store);
enum sql_dialect store_dialect(const struct store *store);
const char *store_backend_name(const struct store *store);

/* Borrows a connection (waits while all are in use); give it back with store_release(). */
struct store_conn *store_acquire(struct store *store, struct err *err);
void store_release(struct store_conn *conn);
enum sql_dialect store_conn_dialect(const struct store_conn *conn);

int store_begin(struct store_conn *conn, struct err *err);
int store_commit(struct store_conn *conn, struct err *err);
/* Safe to call when no transaction is open. */
void store_rollback(struct store_conn *conn);

/* Runs a built statement; rows_out may be NULL. */
int store_query(struct store_conn *conn, struct arena *arena, const struct sql_builder *sql,
                struct store_rows *rows_out, struct err *err);
/*
 * Runs a built statement within a budget, for trying a plan that may be
 * slow: *completed is false, with no rows and no error, when the statement
 * gave up after using about max_cpu_us of CPU time (SQLite, checked every
 * thousand virtual machine instructions). PostgreSQL always completes.
 */
int store_query_bounded(struct store_conn *conn, struct arena *arena,
                        const struct sql_builder *sql, int64_t max_cpu_us,
                        struct store_rows *rows_out, bool *completed, struct err *err);
/* A JSON scalar as a parameter: integer, real, boolean (as 0 or 1), string; NULL otherwise. */
void store_param_json(struct sql_builder *sql, const json_t *value);
/*
 * Appends `"key" = <value>, ` to an UPDATE's SET list for each of keys
 * that values holds (null included); each key is its column's name and
 * comes from the caller's code, never from input.
 */
void store_set_present(struct sql_builder *sql, const json_t *values, const char *const *keys,
                       size_t n);
/* value as compact JSON text in the arena, for a TEXT column; fallback when value is NULL. */
const char *store_json_text(struct arena *arena, const json_t *value, const char *fallback);
/* Runs a fixed statement with no parameters. */
int store_exec(struct store_conn *conn, struct arena *arena, const char *sql, struct err *err);

/*
 * Applies pending migrations, each in its own transaction, recording them
 * in schema_migrations. Refuses (ERR_CONFLICT) a database whose recorded
 * version is newer than this binary knows. *applied_out counts new ones.
 */
int store_migrate(struct store *store, int *applied_out, struct err *err);
/* Highest migration version this binary carries. */
int store_schema_version_known(void);

/* ---- Records of an entity (records.c) ---- */

struct access;
struct entity;
struct custom_fields;
struct filter_node;
struct filter_context;
struct schema;
struct sort_key;

enum record_state { RECORD_LIVE, RECORD_TRASHED, RECORD_ANY };

struct list_query {
    const struct schema *schema;
    const struct filter_node *filter; /* NULL: no filter */
    const struct filter_context *ctx;
    const char *search;               /* q; NULL or empty: none */
    const struct sort_key *keys;      /* ends with id */
    size_t n_keys;
    const json_t *after;              /* cursor values, one per key; NULL: first page */
    size_t limit;
    bool trash;                       /* list the trash instead of live records */
    bool count;                       /* also count all matches */
};

struct list_page {
    json_t *data;      /* array of records (new reference) */
    json_t *last_keys; /* sort values of the last row when more follow, else NULL */
    int64_t total;     /* -1 unless counted */
};

/*
 * Every record operation takes the caller's access (domain/access.h): the
 * store adds its visibility predicate to each statement, so a record out of
 * scope is absent (ERR_NOT_FOUND) to lists, counts, search, reads and writes
 * alike; links and references to records outside access->read_scope are
 * left out of answers, kept on writes and refused as new references.
 * &access_system reaches everything.
 */
int store_record_list(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                      const struct access *access, const struct list_query *query,
                      struct list_page *page, struct err *err);

/*
 * Test hook: how lists on SQLite read a page (records.c, list_read()). AUTO
 * chooses between the planner's plan and a walk in sort order; PLANNED and
 * WALK force one, so that tests can show both give the same pages. Call it
 * before any list runs; PostgreSQL always has the planner's plan.
 */
enum store_list_read { STORE_LIST_READ_AUTO, STORE_LIST_READ_PLANNED, STORE_LIST_READ_WALK };
void store_list_read_force(enum store_list_read how);

/*
 * Appends " AND <predicate>" limiting rows to scope for the caller in
 * access, owner being the SQL of the owner column ("t.\"owner_id\""): own
 * records, the team's (owners in the caller's team) or all.
 */
void store_owner_predicate(struct sql_builder *sql, enum access_scope scope,
                           const struct access *access, const char *owner);

/* One group of store_record_totals(): records with group_column = group in one currency. */
struct record_total {
    int64_t group;
    const char *currency;   /* NULL: the records without an amount */
    int64_t count;          /* records */
    int64_t sum_minor;      /* their amounts, in currency */
    int64_t sum_base_minor; /* their amounts converted to the base currency... */
    int64_t n_converted;    /* ...of this many of them (the others have no rate) */
};

/*
 * Counts and sums money_field of the records matching q (its filter,
 * search and trash flag; not its sort, cursor or limit) within access,
 * grouped by the integer group_column (NULL: one group, 0) and the
 * currency, in no set order.
 */
int store_record_totals(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        const struct access *access, const struct list_query *q,
                        const char *group_column, const char *money_field,
                        struct record_total **out, size_t *n_out, struct err *err);
/*
 * Runs a totals query whose rows are (group, currency, count, sum, sum in
 * the base currency, converted count); a NULL or '' currency is none.
 */
int store_record_totals_read(struct store_conn *conn, struct arena *arena,
                             const struct sql_builder *sql, struct record_total **out,
                             size_t *n_out, struct err *err);

/* One record as the API shows it; ERR_NOT_FOUND when absent, out of scope or not in `state`. */
int store_record_get(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                     const struct access *access, int64_t id, enum record_state state,
                     json_t **out, struct err *err);

/* Whether the record (live or trashed) exists within access. */
int store_record_in_scope(struct store_conn *conn, struct arena *arena,
                          const struct entity *entity, const struct access *access, int64_t id,
                          bool *in_scope, struct err *err);

/*
 * Writes validated changes (record_validate's output, plus owner_id and
 * created_by set by the server); merged is the whole record after the
 * change (for the search text). Checks references (ids that must exist
 * within access and, for trees, must not make a cycle) and writes links.
 * Runs inside the caller's transaction.
 */
int store_record_insert(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        const struct access *access, const json_t *changes, const json_t *merged,
                        int64_t *id_out, struct err *err);
int store_record_update(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        const struct access *access, int64_t id, const json_t *changes,
                        const json_t *merged, struct err *err);
/*
 * Moves to or from the trash: ERR_NOT_FOUND when there is no such record to
 * move, ERR_CONFLICT when restoring a record that is not in the trash.
 */
int store_record_set_trashed(struct store_conn *conn, struct arena *arena,
                             const struct entity *entity, const struct access *access, int64_t id,
                             bool trashed, struct err *err);

/*
 * Text as the store indexes it for search: Cyrillic ё/Ё folded to е/Е,
 * which neither full-text engine folds (a copy in arena).
 */
const char *store_search_fold(struct arena *arena, const char *text);
/*
 * The SQL value of entity's copy of its links (entity_links.cache_column)
 * for the row aliased "t": [[id, name, role], ...] of its live linked records.
 */
void store_links_value(struct sql_builder *sql, const struct entity *entity);
/*
 * After a change to record id of `changed`, rewrites the copies of links of
 * the records linking to it.
 */
int store_links_refresh_linking(struct store_conn *conn, struct arena *arena,
                                const struct entity *changed, int64_t id, struct err *err);

/* ---- Custom field definitions (fields.c) ---- */

/* Definitions of one entity (NULL: all), ordered by position then id. */
int store_fields_load(struct store_conn *conn, struct arena *arena, const char *entity,
                      struct custom_fields *out, struct err *err);
/* Definitions as API JSON objects. */
int store_fields_list(struct store_conn *conn, struct arena *arena, const char *entity,
                      json_t **out, struct err *err);
int store_field_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                    struct err *err);
int store_field_insert(struct store_conn *conn, struct arena *arena, const json_t *clean,
                       int64_t *id_out, struct err *err);
int store_field_update(struct store_conn *conn, struct arena *arena, int64_t id,
                       const json_t *clean, struct err *err);
int store_field_delete(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err);

/* ---- Identity (identity.c): users, teams, roles, sessions, API tokens ---- */

/* A user as authentication and permission checks need it. Strings in the arena. */
struct auth_user {
    int64_t id;
    const char *email;
    const char *name;
    const char *password_hash; /* PHC string; NULL: no password set */
    int64_t role_id;
    int64_t team_id; /* 0: none */
    bool disabled;
    bool password_must_change;
    bool totp_enabled;
    const char *totp_secret; /* base32; NULL: none */
    int64_t totp_last_step;
    const char *role_name;
    bool role_is_admin;
    const char *role_permissions; /* JSON text, parsed by role_cache_get() */
    const char *role_fields;
    int64_t role_version;
};

/* ERR_NOT_FOUND when there is no such user. email is matched case-insensitively. */
int store_user_find_by_email(struct store_conn *conn, struct arena *arena, const char *email,
                             struct auth_user *out, struct err *err);
int store_user_find_by_id(struct store_conn *conn, struct arena *arena, int64_t id,
                          struct auth_user *out, struct err *err);
int store_user_count(struct store_conn *conn, struct arena *arena, int64_t *n_out,
                     struct err *err);
/* The user's time zone (IANA name; "UTC" for no such user). */
int store_user_time_zone(struct store_conn *conn, struct arena *arena, int64_t user_id,
                         const char **zone_out, struct err *err);
/* Users as API JSON (no secrets), by id, after after_id; q matches name or e-mail. */
int store_users_list(struct store_conn *conn, struct arena *arena, const char *q,
                     int64_t after_id, size_t limit, json_t **out, struct err *err);
int store_user_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                   struct err *err);
/*
 * fields: email (stored lower-cased), name, role_id, team_id (null: none),
 * password_hash, password_must_change. ERR_CONFLICT when the e-mail is taken.
 */
int store_user_insert(struct store_conn *conn, struct arena *arena, const json_t *fields,
                      int64_t *id_out, struct err *err);
/*
 * Sets the given fields: email, name, role_id, team_id, disabled (bool),
 * password_hash, password_must_change, totp_secret, totp_enabled,
 * totp_last_step, last_sign_in_at, time_zone; bumps version and updated_at
 * unless only what signing in keeps (last_sign_in_at, totp_last_step) changes.
 */
int store_user_update(struct store_conn *conn, struct arena *arena, int64_t id,
                      const json_t *fields, struct err *err);

int store_teams_list(struct store_conn *conn, struct arena *arena, json_t **out,
                     struct err *err);
int store_team_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                   struct err *err);
/* ERR_CONFLICT when the name is taken. */
int store_team_insert(struct store_conn *conn, struct arena *arena, const char *name,
                      int64_t *id_out, struct err *err);
int store_team_update(struct store_conn *conn, struct arena *arena, int64_t id, const char *name,
                      struct err *err);
/* ERR_CONFLICT while the team has members. */
int store_team_delete(struct store_conn *conn, struct arena *arena, int64_t id,
                      struct err *err);

/* Roles as API JSON: permissions and fields parsed from their stored text. */
int store_roles_list(struct store_conn *conn, struct arena *arena, json_t **out,
                     struct err *err);
int store_role_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                   struct err *err);
int store_role_find_by_name(struct store_conn *conn, struct arena *arena, const char *name,
                            json_t **out, struct err *err);
/* role: name, label, builtin, is_admin, permissions, fields. ERR_CONFLICT when the name is taken. */
int store_role_insert(struct store_conn *conn, struct arena *arena, const json_t *role,
                      int64_t *id_out, struct err *err);
/* Sets label, permissions and fields when present. */
int store_role_update(struct store_conn *conn, struct arena *arena, int64_t id,
                      const json_t *role, struct err *err);
/* ERR_CONFLICT while users have the role. */
int store_role_delete(struct store_conn *conn, struct arena *arena, int64_t id,
                      struct err *err);

struct session_row {
    int64_t id;
    const char *token_hash; /* hex of the hashed cookie value */
    int64_t user_id;
    bool pending_totp; /* password checked, second factor awaited */
    int64_t created_at_ms;
    int64_t last_seen_at_ms;
    int64_t expires_at_ms;
    const char *client;     /* client address */
    const char *user_agent; /* at most 200 bytes kept */
};

int store_session_insert(struct store_conn *conn, struct arena *arena,
                         const struct session_row *session, int64_t *id_out, struct err *err);
/* The session with that hash and its user, in one read. ERR_NOT_FOUND when there is none. */
int store_session_find_with_user(struct store_conn *conn, struct arena *arena,
                                 const char *token_hash, struct session_row *out,
                                 struct auth_user *user_out, struct err *err);
int store_session_touch(struct store_conn *conn, struct arena *arena, int64_t id, int64_t now_ms,
                        struct err *err);
int store_session_delete(struct store_conn *conn, struct arena *arena, int64_t id,
                         struct err *err);
/* Deletes every session of the user but except_id (0: all). */
int store_sessions_delete_for_user(struct store_conn *conn, struct arena *arena, int64_t user_id,
                                   int64_t except_id, struct err *err);

struct token_row {
    int64_t id;
    int64_t user_id;
    const char *name;
    const char *token_hash;
    const char *prefix;       /* the first characters, shown in lists */
    unsigned scopes;          /* enum token_scope bits */
    const char *expires_at;   /* ISO 8601 UTC; NULL: never */
    const char *last_used_at; /* NULL: never */
    const char *revoked_at;   /* NULL: in force */
    const char *created_at;
};

int store_token_insert(struct store_conn *conn, struct arena *arena,
                       const struct token_row *token, int64_t *id_out, struct err *err);
/*
 * The token with that hash and its user, in one read. ERR_NOT_FOUND when
 * there is none (revoked and expired ones are found).
 */
int store_token_find_with_user(struct store_conn *conn, struct arena *arena,
                               const char *token_hash, struct token_row *out,
                               struct auth_user *user_out, struct err *err);
int store_token_touch(struct store_conn *conn, struct arena *arena, int64_t id, const char *now,
                      struct err *err);
/* Tokens as API JSON (never the hash), newest first; user_id 0: everyone's. */
int store_tokens_list(struct store_conn *conn, struct arena *arena, int64_t user_id,
                      json_t **out, struct err *err);
int store_token_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                    struct err *err);
/* ERR_NOT_FOUND when absent or already revoked. */
int store_token_revoke(struct store_conn *conn, struct arena *arena, int64_t id,
                       struct err *err);
int store_tokens_revoke_for_user(struct store_conn *conn, struct arena *arena, int64_t user_id,
                                 struct err *err);

/* Replaces the user's recovery codes by these hashes. */
int store_recovery_codes_replace(struct store_conn *conn, struct arena *arena, int64_t user_id,
                                 const char *const *hashes, size_t n, struct err *err);
/* Marks the unused code with this hash used; *used says whether there was one. */
int store_recovery_code_use(struct store_conn *conn, struct arena *arena, int64_t user_id,
                            const char *hash, bool *used, struct err *err);

struct sign_in_failures {
    int64_t account;         /* failures for the account since since_ms */
    int64_t account_last_ms; /* the latest of them; 0: none */
    int64_t account_hour;    /* failures for the account in the hour before now_ms */
    int64_t client;          /* failures from the client address since since_ms */
    int64_t client_last_ms;
};

/* Records a failure; also forgets failures older than a day. */
int store_sign_in_failure_add(struct store_conn *conn, struct arena *arena, const char *account,
                              const char *client, int64_t at_ms, struct err *err);
int store_sign_in_failures_count(struct store_conn *conn, struct arena *arena,
                                 const char *account, const char *client, int64_t since_ms,
                                 int64_t now_ms, struct sign_in_failures *out, struct err *err);
/* Forgets the account's failures (after a successful sign-in). */
int store_sign_in_failures_clear(struct store_conn *conn, struct arena *arena,
                                 const char *account, struct err *err);

/* ---- The audit log (audit.c): appended in the transaction of each change ---- */

struct audit_entry {
    const char *kind;   /* "record" or "security" */
    const char *action; /* "update", "sign_in", ... */
    int64_t user_id;    /* 0: nobody signed in */
    int64_t token_id;   /* 0: not through an API token */
    const char *entity; /* NULL for events not about a record */
    int64_t record_id;
    const json_t *changes; /* {"field":[old,new]} or NULL */
    const json_t *detail;  /* or NULL; scrubbed of secrets before it is written */
    const char *client;
    const char *request_id;
};

int store_audit_append(struct store_conn *conn, struct arena *arena,
                       const struct audit_entry *entry, struct err *err);

struct audit_query {
    const char *kind;   /* NULL: any */
    const char *entity; /* with record_id: one record's history */
    int64_t record_id;
    const char *action; /* NULL: any */
    int64_t user_id;    /* 0: anyone */
    int64_t before_id;  /* 0: from the newest */
    size_t limit;
};

/*
 * Entries newest first as API JSON (with user_name); *next_before_id is the
 * id to continue before when more follow, else 0.
 */
int store_audit_list(struct store_conn *conn, struct arena *arena, const struct audit_query *q,
                     json_t **out, int64_t *next_before_id, struct err *err);

/* ---- Settings and exchange rates (currencies.c) ---- */

/* A setting as stored. A key without a row holds its default, at version 1. */
struct setting_row {
    const char *value;      /* NULL: no row (the default applies) */
    const char *updated_at; /* NULL: no row */
    int64_t version;
};

int store_setting_get(struct store_conn *conn, struct arena *arena, const char *key,
                      struct setting_row *out, struct err *err);
/*
 * Writes the setting if it is still at version (as store_setting_get gave
 * it), ERR_STALE_VERSION otherwise; the version goes up by one (the first
 * write makes 2).
 */
int store_setting_set(struct store_conn *conn, struct arena *arena, const char *key,
                      const char *value, int64_t version, struct err *err);

/* Writes the setting's row with value unless the key has one (version 1, as a default). */
int store_setting_ensure(struct store_conn *conn, struct arena *arena, const char *key,
                         const char *value, struct err *err);

#define SETTING_BASE_CURRENCY "base_currency"
/* Days before a contact's birthday its owner is told (0: on the day). */
#define SETTING_BIRTHDAY_REMINDER_DAYS "birthday_reminder_days"
#define BIRTHDAY_DAYS_DEFAULT 3
#define BIRTHDAY_DAYS_MAX 365

/* The base currency: the setting, else CURRENCY_DEFAULT_BASE. */
int store_base_currency(struct store_conn *conn, struct arena *arena,
                        char out[4] /* CURRENCY_CODE_LEN + 1 */,
                        struct err *err);

/*
 * minor units of currency in minor units of the base currency, at the rate
 * of date (the latest on or before it). *known is false when there is no
 * such rate, or the result would not fit: such an amount is not converted.
 */
int store_money_to_base(struct store_conn *conn, struct arena *arena, const char *base,
                        int64_t minor, const char *currency, const char *date,
                        int64_t *base_minor, bool *known, struct err *err);

/*
 * Converts anew the money of every record (in the trash too) held in
 * currency, or of all records when currency is NULL: after a change of
 * the rates of currency, or of the base currency.
 */
int store_records_rebase_money(struct store_conn *conn, struct arena *arena,
                               const char *currency, struct err *err);

/* An exchange rate: 1 unit of currency = rate units of the base currency on date. */
struct exchange_rate {
    int64_t id;
    const char *currency; /* "USD" */
    const char *date;     /* "2026-03-01" */
    const char *rate;     /* canonical decimal text, "92.5" (domain/currency.h) */
    int64_t rate_scaled;  /* the rate times 10^8 */
    int64_t created_by;   /* written on insert; 0: nobody */
};

struct exchange_rate_query {
    const char *currency;       /* NULL: every currency */
    const char *from;           /* first date, inclusive; NULL: open */
    const char *to;             /* last date, inclusive; NULL: open */
    const char *after_currency; /* with after_date: rows strictly after this key; NULL: first page */
    const char *after_date;
    size_t limit;
};

/*
 * Rates as API JSON ({id, currency, date, rate, created_at, created_by,
 * updated_at, version}) ordered by currency then date; *more says whether
 * rows follow the last one given.
 */
int store_exchange_rates_list(struct store_conn *conn, struct arena *arena,
                              const struct exchange_rate_query *q, json_t **out, bool *more,
                              struct err *err);
int store_exchange_rates_count(struct store_conn *conn, struct arena *arena, int64_t *n_out,
                               struct err *err);
/* The rate of currency on exactly date, as API JSON; ERR_NOT_FOUND when there is none. */
int store_exchange_rate_get(struct store_conn *conn, struct arena *arena, const char *currency,
                            const char *date, json_t **out, struct err *err);
/* ERR_CONFLICT (field "date") when the currency already has a rate on that date. */
int store_exchange_rate_insert(struct store_conn *conn, struct arena *arena,
                               const struct exchange_rate *rate, int64_t *id_out, struct err *err);
/* Sets rate and rate_scaled of the rate keyed by currency and date; ERR_NOT_FOUND when absent. */
int store_exchange_rate_update(struct store_conn *conn, struct arena *arena,
                               const struct exchange_rate *rate, struct err *err);
int store_exchange_rate_delete(struct store_conn *conn, struct arena *arena, const char *currency,
                               const char *date, struct err *err);
/*
 * Writes n rates, each replacing the rate of the same currency and date if
 * there is one (*replaced_out counts those). Run it inside a transaction:
 * the caller commits all or nothing.
 */
int store_exchange_rates_import(struct store_conn *conn, struct arena *arena,
                                const struct exchange_rate *rates, size_t n, size_t *replaced_out,
                                struct err *err);
/*
 * The latest rate of currency on or before date (id, currency, date, rate
 * and rate_scaled filled, in the arena); ERR_NOT_FOUND when there is none.
 */
int store_exchange_rate_on(struct store_conn *conn, struct arena *arena, const char *currency,
                           const char *date, struct exchange_rate *out, struct err *err);

/* ---- Sales pipelines and deal reasons (pipelines.c) ---- */

/*
 * Pipelines as the API shows them: {id, name, position, stages: [{id, name,
 * probability, kind, position, rot_days}], created_at, updated_at, version},
 * stages in order. Deleted pipelines are absent (ERR_NOT_FOUND). Writes take
 * bodies checked by pipeline_validate (domain/pipeline.h).
 */
int store_pipelines_list(struct store_conn *conn, struct arena *arena, json_t **out,
                         struct err *err);
int store_pipeline_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                       struct err *err);
/* clean: name, stages, position (absent: after the last). ERR_CONFLICT when the name is taken. */
int store_pipeline_insert(struct store_conn *conn, struct arena *arena, const json_t *clean,
                          int64_t *id_out, struct err *err);
/*
 * Applies clean (any of name, position, stages) to the pipeline at
 * `version` and bumps it. stages is the whole ordered list: stages with an
 * id are kept, those without are added, those left out are deleted.
 * ERR_STALE_VERSION when the pipeline is no longer at version, ERR_CONFLICT
 * when the name is taken or a stage to delete is in use.
 */
int store_pipeline_update(struct store_conn *conn, struct arena *arena, int64_t id,
                          int64_t version, const json_t *clean, struct err *err);
/* Marks the pipeline deleted (its name is free again); ERR_CONFLICT while it is in use. */
int store_pipeline_delete(struct store_conn *conn, struct arena *arena, int64_t id,
                          struct err *err);
/*
 * Whether deals refer to the pipeline (live deals), the stage or the
 * reason (deals in the trash too), so that it cannot be deleted.
 */
int store_pipeline_in_use(struct store_conn *conn, struct arena *arena, int64_t id, bool *in_use,
                          struct err *err);
int store_pipeline_stage_in_use(struct store_conn *conn, struct arena *arena, int64_t stage_id,
                                bool *in_use, struct err *err);
int store_deal_reason_in_use(struct store_conn *conn, struct arena *arena, int64_t id,
                             bool *in_use, struct err *err);

/* ---- Deals' stages and stage history (deals.c) ---- */

struct pipeline_stage {
    int64_t id;
    int64_t pipeline_id;
    const char *name;
    const char *kind; /* "open", "won" or "lost" */
    int64_t probability;
    int64_t rot_days; /* 0: deals never rot in it */
};

/* The stage of a live pipeline; ERR_NOT_FOUND otherwise. */
int store_pipeline_stage_get(struct store_conn *conn, struct arena *arena, int64_t stage_id,
                             struct pipeline_stage *out, struct err *err);
/* The first open stage of a live pipeline; ERR_NOT_FOUND when there is none. */
int store_pipeline_first_open_stage(struct store_conn *conn, struct arena *arena,
                                    int64_t pipeline_id, struct pipeline_stage *out,
                                    struct err *err);

/* A deal entering a stage; from_* 0 when the deal was just created. */
struct deal_stage_change {
    int64_t deal_id;
    int64_t from_pipeline_id;
    int64_t from_stage_id;
    int64_t to_pipeline_id;
    int64_t to_stage_id;
    const char *at;          /* when: canonical date-time text */
    int64_t user_id;         /* who; 0: nobody (an import) */
    int64_t seconds_in_from; /* time spent in the stage left */
};

/*
 * The counts and sums of the live deals of a pipeline within access, by
 * stage and currency (as store_record_totals() with no filter), from the
 * totals the database keeps up to date (deal_stage_totals).
 */
int store_deal_board_totals(struct store_conn *conn, struct arena *arena,
                            const struct access *access, int64_t pipeline_id,
                            struct record_total **out, size_t *n_out, struct err *err);

int store_deal_history_add(struct store_conn *conn, struct arena *arena,
                           const struct deal_stage_change *change, struct err *err);
/*
 * The deal's stage changes oldest first: {id, from_pipeline_id,
 * from_stage_id, to_pipeline_id, to_stage_id, at, user_id, user_name,
 * seconds_in_from}.
 */
int store_deal_history_list(struct store_conn *conn, struct arena *arena, int64_t deal_id,
                            json_t **out, struct err *err);

/* ---- Leads: their rules, forms and the records a conversion may reuse (leads.c) ---- */

/* The live leads not yet converted, by id, with their scores (n of each). */
int store_leads_scored(struct store_conn *conn, struct arena *arena, int64_t **ids,
                       int64_t **scores, size_t *n, struct err *err);
/* Writes a lead's score: derived from the rules, it changes neither version nor updated_at. */
int store_lead_set_score(struct store_conn *conn, struct arena *arena, int64_t id, int64_t score,
                         struct err *err);
/* The active scoring rules, [{id, filter, points}]. */
int store_lead_scoring_rules(struct store_conn *conn, struct arena *arena, json_t **out,
                             struct err *err);
/* The active assignment rules in order, [{id, filter, user_id, team_id, last_user_id}]. */
int store_lead_assignment_rules(struct store_conn *conn, struct arena *arena, json_t **out,
                                struct err *err);
/* The enabled member of team_id after after_user_id by id, around; 0 when there is none. */
int store_team_next_member(struct store_conn *conn, struct arena *arena, int64_t team_id,
                           int64_t after_user_id, int64_t *user_id, struct err *err);
/* Remembers whose turn a round-robin rule gave last. */
int store_lead_assignment_rule_turn(struct store_conn *conn, struct arena *arena, int64_t rule_id,
                                    int64_t user_id, struct err *err);
/* The live, active form with this public key; ERR_NOT_FOUND otherwise. */
int store_form_by_key(struct store_conn *conn, struct arena *arena, const char *key,
                      int64_t *form_id, struct err *err);
/*
 * Counts one more submission of form_id from address ("*": from anyone) in
 * hour ("2026-11-23T10"); *n_out is the count with this one.
 */
int store_form_submission_count(struct store_conn *conn, struct arena *arena, int64_t form_id,
                                const char *address, const char *hour, int64_t *n_out,
                                struct err *err);
/* A live contact within access with this e-mail address (lower case); *id 0 when none. */
int store_contact_by_email(struct store_conn *conn, struct arena *arena,
                           const struct access *access, const char *email, int64_t *id,
                           struct err *err);
/*
 * A live company within access whose website is on domain (NULL: any) or
 * whose name is name in any case (NULL: any); *id 0 when none.
 */
int store_company_by_domain_or_name(struct store_conn *conn, struct arena *arena,
                                    const struct access *access, const char *domain,
                                    const char *name, int64_t *id, struct err *err);

/* ---- Sent versions of quotes (quotes.c) ---- */

/* Keeps quote (its answer as sent) as version number of quote_id. */
int store_quote_version_add(struct store_conn *conn, struct arena *arena, int64_t quote_id,
                            int64_t number, const json_t *quote, const char *at, int64_t user_id,
                            struct err *err);
/* The sent versions, newest first: {number, sent_at, sent_by, quote}. */
int store_quote_versions_list(struct store_conn *conn, struct arena *arena, int64_t quote_id,
                              json_t **out, struct err *err);

/*
 * Deal reasons {id, kind: won|lost, name, position, active, created_at,
 * updated_at, version}: won before lost, then by position and id; kind
 * NULL lists both.
 */
int store_deal_reasons_list(struct store_conn *conn, struct arena *arena, const char *kind,
                            json_t **out, struct err *err);
int store_deal_reason_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                          struct err *err);
/*
 * clean: kind, name, position (absent: after the last of its kind), active
 * (absent: true). ERR_CONFLICT when the kind has a reason of that name.
 */
int store_deal_reason_insert(struct store_conn *conn, struct arena *arena, const json_t *clean,
                             int64_t *id_out, struct err *err);
/* Sets name, position, active when present; as store_pipeline_update for version. */
int store_deal_reason_update(struct store_conn *conn, struct arena *arena, int64_t id,
                             int64_t version, const json_t *clean, struct err *err);
/* ERR_CONFLICT while in use (make it inactive instead). */
int store_deal_reason_delete(struct store_conn *conn, struct arena *arena, int64_t id,
                             struct err *err);

/* ---- Commission rules and the won volumes they apply to (commissions.c) ---- */

/*
 * Commission rules {id, name, pipeline_id|null, series|null, tiers: [{from,
 * percent}], position, active, created_at, updated_at, version}, listed by
 * position then id. Writes take bodies checked by commission_rule_validate
 * (domain/commission.h); ERR_CONFLICT (field name) when the name is taken.
 */
int store_commission_rules_list(struct store_conn *conn, struct arena *arena, json_t **out,
                                struct err *err);
int store_commission_rule_get(struct store_conn *conn, struct arena *arena, int64_t id,
                              json_t **out, struct err *err);
/* clean: name, tiers, pipeline_id, series, position (absent: after the last), active (true). */
int store_commission_rule_insert(struct store_conn *conn, struct arena *arena, const json_t *clean,
                                 int64_t *id_out, struct err *err);
/* Sets the keys clean has; as store_pipeline_update for version. */
int store_commission_rule_update(struct store_conn *conn, struct arena *arena, int64_t id,
                                 int64_t version, const json_t *clean, struct err *err);
int store_commission_rule_delete(struct store_conn *conn, struct arena *arena, int64_t id,
                                 struct err *err);

/* The live won deals of one owner in one pipeline with one product series. */
struct commission_volume {
    int64_t user_id;
    const char *user_name;
    int64_t team_id; /* 0: none */
    int64_t pipeline_id;
    const char *series;        /* NULL: no product, or one without a series */
    int64_t won_count;         /* deals */
    int64_t volume_minor;      /* the sum of their amounts in the base currency */
    int64_t unconverted_count; /* deals with an amount but no rate: not in volume_minor */
};

/*
 * Sums the live deals in a won stage with closed_at on first_day or later
 * and before next_day ("YYYY-MM-DD"), whose owner is a user within access
 * (its scope over deals) and, when user_id > 0, is that user; grouped by
 * owner, pipeline and product series, ordered by owner.
 */
int store_commission_volumes(struct store_conn *conn, struct arena *arena,
                             const struct access *access, const char *first_day,
                             const char *next_day, int64_t user_id, struct commission_volume **out,
                             size_t *n_out, struct err *err);

#endif
