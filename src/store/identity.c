/*
 * Identity in the store: users, teams, roles, browser sessions, API tokens,
 * TOTP recovery codes and the sign-in failure counts that throttling reads.
 * Secrets arrive already hashed; nothing here ever returns a hash in API
 * JSON. E-mail addresses (and the accounts of sign-in failures) are kept in
 * ASCII lower case, so an exact comparison finds them in any case. One SQL
 * text per operation serves both backends.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/utf8.h"
#include "domain/access.h"

#define USER_AGENT_MAX_BYTES 200
#define DAY_MS (24 * 60 * 60 * 1000LL)
#define HOUR_MS (60 * 60 * 1000LL)

/* ---- helpers ---- */

static const char *lower_ascii(struct arena *arena, const char *text)
{
    char *out = arena_strdup(arena, text);
    for (char *p = out; *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    return out;
}

/* A LIKE pattern matching text anywhere, with \ escaping the wildcards. */
static const char *like_contains(struct arena *arena, const char *text)
{
    size_t len = strlen(text);
    char *out = arena_alloc(arena, len * 2 + 3);
    size_t n = 0;
    out[n++] = '%';
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '%' || c == '_' || c == '\\')
            out[n++] = '\\';
        out[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[n++] = '%';
    out[n] = '\0';
    return out;
}

static const char *value_text(const struct store_value *v)
{
    return v->type == STORE_NULL ? NULL : v->text;
}

static bool value_bool(const struct store_value *v)
{
    return store_value_int(v) != 0;
}

/* A nullable id column as JSON (null for NULL or 0). */
static json_t *value_id_json(const struct store_value *v)
{
    int64_t id = store_value_int(v);
    return id != 0 ? json_integer((json_int_t)id) : json_null();
}

/* A stored JSON text parsed; an empty object when it is missing or unreadable. */
static json_t *value_json_object(const struct store_value *v)
{
    json_error_t jerr;
    json_t *parsed = v->type == STORE_TEXT ? json_loadb(v->text, v->len, 0, &jerr) : NULL;
    return parsed != NULL ? parsed : json_object();
}

/* Compact JSON text in the arena. */
static const char *json_text(struct arena *arena, const json_t *value)
{
    return store_json_text(arena, value, "{}");
}

static void now_text(char out[CLOCK_DATETIME_LEN + 1])
{
    clock_format_datetime(clock_now_ms(), out);
}

/* Runs sql expecting "RETURNING id"; ERR_NOT_FOUND (naming what) when no row came back. */
static int query_expect_row(struct store_conn *conn, struct arena *arena,
                            const struct sql_builder *sql, const char *what, int64_t id,
                            struct err *err)
{
    struct store_rows rows;
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no %s with id %lld", what, (long long)id);
    return 0;
}

/* Builds one API JSON object from row r of a result. */
typedef json_t *row_json_fn(const struct store_rows *rows, size_t r);

/* Runs sql and returns every row as a JSON array of row_json objects. */
static int rows_to_json_list(struct store_conn *conn, struct arena *arena,
                             const struct sql_builder *sql, row_json_fn *row_json, json_t **out,
                             struct err *err)
{
    struct store_rows rows;
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t r = 0; r < rows.n_rows; r++)
        json_array_append_new(list, row_json(&rows, r));
    *out = list;
    return 0;
}

/* Runs sql and returns its first row as row_json; ERR_NOT_FOUND (naming what) when none. */
static int row_to_json_one(struct store_conn *conn, struct arena *arena,
                           const struct sql_builder *sql, row_json_fn *row_json, const char *what,
                           int64_t id, json_t **out, struct err *err)
{
    struct store_rows rows;
    int rc = store_query(conn, arena, sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no %s with id %lld", what, (long long)id);
    *out = row_json(&rows, 0);
    return 0;
}

/* Turns the backend's unique violation into a conflict naming the field. */
static int unique_conflict(int rc, struct err *err, const char *field, const char *message)
{
    if (rc != -ERR_CONFLICT)
        return rc;
    err_clear(err);
    err_set(err, ERR_CONFLICT, "%s", message);
    return err_field(err, field, "%s", message);
}

/* ---- users ---- */

/* The columns auth_user_read() reads, of users u joined with their roles r. */
#define AUTH_USER_COLUMNS                                                                          \
    "u.\"id\", u.\"email\", u.\"name\", u.\"password_hash\", u.\"role_id\", u.\"team_id\", "       \
    "u.\"disabled_at\", u.\"password_must_change\", u.\"totp_enabled\", u.\"totp_secret\", "       \
    "u.\"totp_last_step\", r.\"name\", r.\"is_admin\", r.\"permissions\", r.\"fields\", "          \
    "r.\"version\""
#define AUTH_USER_JOIN "JOIN \"roles\" r ON r.\"id\" = u.\"role_id\""

#define USER_JSON_COLUMNS                                                                          \
    "u.\"id\", u.\"email\", u.\"name\", r.\"name\", u.\"role_id\", u.\"team_id\", "                \
    "u.\"disabled_at\", u.\"totp_enabled\", u.\"password_must_change\", u.\"last_sign_in_at\", "   \
    "u.\"created_at\", u.\"updated_at\", u.\"version\", u.\"time_zone\" "                        \
    "FROM \"users\" u JOIN \"roles\" r ON r.\"id\" = u.\"role_id\""

/* Reads the AUTH_USER_COLUMNS of row 0 starting at column first. */
static void auth_user_read(const struct store_rows *rows, size_t first, struct auth_user *out)
{
    const struct store_value *v = store_rows_at(rows, 0, first);
    *out = (struct auth_user){
        .id = store_value_int(&v[0]),
        .email = v[1].text,
        .name = v[2].text,
        .password_hash = value_text(&v[3]),
        .role_id = store_value_int(&v[4]),
        .team_id = store_value_int(&v[5]),
        .disabled = v[6].type != STORE_NULL,
        .password_must_change = value_bool(&v[7]),
        .totp_enabled = value_bool(&v[8]),
        .totp_secret = value_text(&v[9]),
        .totp_last_step = store_value_int(&v[10]),
        .role_name = v[11].text,
        .role_is_admin = value_bool(&v[12]),
        .role_permissions = value_text(&v[13]),
        .role_fields = value_text(&v[14]),
        .role_version = store_value_int(&v[15]),
    };
}

static int user_find(struct store_conn *conn, struct arena *arena, const char *column,
                     const char *email, int64_t id, struct auth_user *out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "SELECT " AUTH_USER_COLUMNS " FROM \"users\" u " AUTH_USER_JOIN " WHERE u.\"%s\" = ",
             column);
    if (email != NULL)
        sql_param_cstr(&sql, lower_ascii(arena, email));
    else
        sql_param_int(&sql, id);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no such user");
    auth_user_read(&rows, 0, out);
    return 0;
}

int store_user_find_by_email(struct store_conn *conn, struct arena *arena, const char *email,
                             struct auth_user *out, struct err *err)
{
    return user_find(conn, arena, "email", email, 0, out, err);
}

int store_user_find_by_id(struct store_conn *conn, struct arena *arena, int64_t id,
                          struct auth_user *out, struct err *err)
{
    return user_find(conn, arena, "id", NULL, id, out, err);
}

int store_user_count(struct store_conn *conn, struct arena *arena, int64_t *n_out, struct err *err)
{
    struct store_rows rows;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT count(*) FROM \"users\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *n_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

static json_t *user_json(const struct store_rows *rows, size_t r)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:I,s:o,s:b,s:b,s:b,s:s?,s:s,s:s,s:I,s:s}", "id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "email",
                     store_rows_at(rows, r, 1)->text, "name", store_rows_at(rows, r, 2)->text,
                     "role", store_rows_at(rows, r, 3)->text, "role_id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 4)), "team_id",
                     value_id_json(store_rows_at(rows, r, 5)), "disabled",
                     store_rows_at(rows, r, 6)->type != STORE_NULL, "totp_enabled",
                     value_bool(store_rows_at(rows, r, 7)), "password_must_change",
                     value_bool(store_rows_at(rows, r, 8)), "last_sign_in_at",
                     value_text(store_rows_at(rows, r, 9)), "created_at",
                     store_rows_at(rows, r, 10)->text, "updated_at",
                     store_rows_at(rows, r, 11)->text, "version",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 12)), "time_zone",
                     store_rows_at(rows, r, 13)->text);
}

int store_user_time_zone(struct store_conn *conn, struct arena *arena, int64_t user_id,
                         const char **zone_out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"time_zone\" FROM \"users\" WHERE \"id\" = ");
    sql_param_int(&sql, user_id);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc == 0)
        *zone_out = rows.n_rows > 0 ? store_rows_at(&rows, 0, 0)->text : "UTC";
    return rc;
}

int store_users_list(struct store_conn *conn, struct arena *arena, const char *q, int64_t after_id,
                     size_t limit, json_t **out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " USER_JSON_COLUMNS " WHERE u.\"id\" > ");
    sql_param_int(&sql, after_id);
    if (q != NULL && *q != '\0') {
        const char *pattern = like_contains(arena, q);
        sql_add(&sql, " AND (lower(u.\"name\") LIKE ");
        sql_param_cstr(&sql, pattern);
        sql_add(&sql, " ESCAPE '\\' OR u.\"email\" LIKE ");
        sql_param_cstr(&sql, pattern);
        sql_add(&sql, " ESCAPE '\\')");
    }
    sql_add(&sql, " ORDER BY u.\"id\"");
    if (limit > 0) {
        sql_add(&sql, " LIMIT ");
        sql_param_int(&sql, (int64_t)limit);
    }
    return rows_to_json_list(conn, arena, &sql, user_json, out, err);
}

int store_user_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                   struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " USER_JSON_COLUMNS " WHERE u.\"id\" = ");
    sql_param_int(&sql, id);
    return row_to_json_one(conn, arena, &sql, user_json, "user", id, out, err);
}

enum user_value {
    USER_EMAIL,        /* string, stored lower-cased */
    USER_TEXT,         /* string */
    USER_TEXT_OR_NULL, /* string or null */
    USER_ID,           /* integer */
    USER_ID_OR_NULL,   /* integer (0: none) or null */
    USER_INT,          /* integer */
    USER_BOOL,         /* true or false, stored 0/1 */
    USER_DISABLED,     /* true or false, stored as disabled_at */
};

struct user_column {
    const char *key;
    const char *column;
    enum user_value kind;
    bool on_insert;
    bool bookkeeping; /* kept by signing in: no new version (an edit in progress stays valid) */
};

/* What store_user_insert and store_user_update accept, and where it goes. */
static const struct user_column user_columns[] = {
    {"email", "email", USER_EMAIL, true, false},
    {"name", "name", USER_TEXT, true, false},
    {"role_id", "role_id", USER_ID, true, false},
    {"team_id", "team_id", USER_ID_OR_NULL, true, false},
    {"password_hash", "password_hash", USER_TEXT_OR_NULL, true, false},
    {"password_must_change", "password_must_change", USER_BOOL, true, false},
    {"disabled", "disabled_at", USER_DISABLED, false, false},
    {"totp_secret", "totp_secret", USER_TEXT_OR_NULL, false, false},
    {"totp_enabled", "totp_enabled", USER_BOOL, false, false},
    {"totp_last_step", "totp_last_step", USER_INT, false, true},
    {"last_sign_in_at", "last_sign_in_at", USER_TEXT_OR_NULL, false, true},
    {"time_zone", "time_zone", USER_TEXT, false, false},
};

#define N_USER_COLUMNS (sizeof(user_columns) / sizeof(user_columns[0]))

/* Refuses keys the table does not name (a caller's mistake, never the user's). */
static int user_fields_check(const json_t *fields, bool insert, struct err *err)
{
    const char *key;
    const json_t *value;
    if (!json_is_object(fields))
        return err_set(err, ERR_INTERNAL, "user fields must be an object");
    json_object_foreach((json_t *)fields, key, value)
    {
        const struct user_column *col = NULL;
        for (size_t i = 0; i < N_USER_COLUMNS && col == NULL; i++) {
            if (strcmp(user_columns[i].key, key) == 0)
                col = &user_columns[i];
        }
        if (col == NULL || (insert && !col->on_insert))
            return err_set(err, ERR_INTERNAL, "the store cannot set user field %s", key);
        bool ok = false;
        switch (col->kind) {
        case USER_EMAIL:
        case USER_TEXT:
            ok = json_is_string(value);
            break;
        case USER_TEXT_OR_NULL:
            ok = json_is_string(value) || json_is_null(value);
            break;
        case USER_ID:
        case USER_INT:
            ok = json_is_integer(value);
            break;
        case USER_ID_OR_NULL:
            ok = json_is_integer(value) || json_is_null(value);
            break;
        case USER_BOOL:
        case USER_DISABLED:
            ok = json_is_boolean(value);
            break;
        }
        if (!ok)
            return err_set(err, ERR_INTERNAL, "user field %s has the wrong type", key);
    }
    return 0;
}

/* Appends the value of a checked field as a parameter (or an expression with one). */
static void user_value_add(struct sql_builder *sql, struct arena *arena,
                           const struct user_column *col, const json_t *value, const char *now)
{
    switch (col->kind) {
    case USER_EMAIL:
        sql_param_cstr(sql, lower_ascii(arena, json_string_value(value)));
        break;
    case USER_TEXT:
    case USER_TEXT_OR_NULL:
        sql_param_text_or_null(sql, json_string_value(value));
        break;
    case USER_ID:
    case USER_INT:
        sql_param_int(sql, json_integer_value(value));
        break;
    case USER_ID_OR_NULL:
        sql_param_id_or_null(sql, json_integer_value(value));
        break;
    case USER_BOOL:
        sql_param_int(sql, json_is_true(value) ? 1 : 0);
        break;
    case USER_DISABLED:
        /* Disabling again keeps the first time. */
        if (json_is_true(value)) {
            sql_add(sql, "COALESCE(\"disabled_at\", ");
            sql_param_cstr(sql, now);
            sql_add(sql, ")");
        } else {
            sql_param_null(sql);
        }
        break;
    }
}

#define EMAIL_TAKEN "a user with this e-mail address already exists"

int store_user_insert(struct store_conn *conn, struct arena *arena, const json_t *fields,
                      int64_t *id_out, struct err *err)
{
    int rc = user_fields_check(fields, true, err);
    if (rc < 0)
        return rc;
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"users\" (");
    for (size_t i = 0; i < N_USER_COLUMNS; i++) {
        if (json_object_get(fields, user_columns[i].key) != NULL)
            sql_addf(&sql, "\"%s\", ", user_columns[i].column);
    }
    sql_add(&sql, "\"created_at\", \"updated_at\") VALUES (");
    for (size_t i = 0; i < N_USER_COLUMNS; i++) {
        const json_t *value = json_object_get(fields, user_columns[i].key);
        if (value == NULL)
            continue;
        user_value_add(&sql, arena, &user_columns[i], value, now);
        sql_add(&sql, ", ");
    }
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") RETURNING \"id\"");
    struct store_rows rows;
    rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return unique_conflict(rc, err, "email", EMAIL_TAKEN);
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_user_update(struct store_conn *conn, struct arena *arena, int64_t id,
                      const json_t *fields, struct err *err)
{
    int rc = user_fields_check(fields, false, err);
    if (rc < 0)
        return rc;
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"users\" SET \"id\" = \"id\"");
    bool edit = false;
    for (size_t i = 0; i < N_USER_COLUMNS; i++) {
        const json_t *value = json_object_get(fields, user_columns[i].key);
        if (value == NULL)
            continue;
        sql_addf(&sql, ", \"%s\" = ", user_columns[i].column);
        user_value_add(&sql, arena, &user_columns[i], value, now);
        edit |= !user_columns[i].bookkeeping;
    }
    if (edit) {
        sql_add(&sql, ", \"updated_at\" = ");
        sql_param_cstr(&sql, now);
        sql_add(&sql, ", \"version\" = \"version\" + 1");
    }
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    rc = query_expect_row(conn, arena, &sql, "user", id, err);
    return unique_conflict(rc, err, "email", EMAIL_TAKEN);
}

/* ---- teams ---- */

#define TEAM_JSON_COLUMNS                                                                          \
    "t.\"id\", t.\"name\", t.\"created_at\", t.\"updated_at\", t.\"version\", "                    \
    "(SELECT count(*) FROM \"users\" m WHERE m.\"team_id\" = t.\"id\") FROM \"teams\" t"

#define TEAM_NAME_TAKEN "a team with this name already exists"

static json_t *team_json(const struct store_rows *rows, size_t r)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:I,s:I}", "id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "name",
                     store_rows_at(rows, r, 1)->text, "created_at", store_rows_at(rows, r, 2)->text,
                     "updated_at", store_rows_at(rows, r, 3)->text, "version",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 4)), "members",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 5)));
}

int store_teams_list(struct store_conn *conn, struct arena *arena, json_t **out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " TEAM_JSON_COLUMNS " ORDER BY t.\"name\", t.\"id\"");
    return rows_to_json_list(conn, arena, &sql, team_json, out, err);
}

int store_team_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                   struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " TEAM_JSON_COLUMNS " WHERE t.\"id\" = ");
    sql_param_int(&sql, id);
    return row_to_json_one(conn, arena, &sql, team_json, "team", id, out, err);
}

int store_team_insert(struct store_conn *conn, struct arena *arena, const char *name,
                      int64_t *id_out, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"teams\" (\"name\", \"created_at\", \"updated_at\") VALUES (");
    sql_param_cstr(&sql, name);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return unique_conflict(rc, err, "name", TEAM_NAME_TAKEN);
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_team_update(struct store_conn *conn, struct arena *arena, int64_t id, const char *name,
                      struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"teams\" SET ");
    if (name != NULL) {
        sql_add(&sql, "\"name\" = ");
        sql_param_cstr(&sql, name);
        sql_add(&sql, ", ");
    }
    sql_add(&sql, "\"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    int rc = query_expect_row(conn, arena, &sql, "team", id, err);
    return unique_conflict(rc, err, "name", TEAM_NAME_TAKEN);
}

/* How many users have column (team_id, role_id) = id. */
static int users_with(struct store_conn *conn, struct arena *arena, const char *column, int64_t id,
                      int64_t *n_out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_addf(&sql, "SELECT count(*) FROM \"users\" WHERE \"%s\" = ", column);
    sql_param_int(&sql, id);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *n_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_team_delete(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err)
{
    int64_t members = 0;
    int rc = users_with(conn, arena, "team_id", id, &members, err);
    if (rc < 0)
        return rc;
    if (members > 0)
        return err_set(err, ERR_CONFLICT, "the team still has %lld member%s; move them first",
                       (long long)members, members == 1 ? "" : "s");
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"teams\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    return query_expect_row(conn, arena, &sql, "team", id, err);
}

/* ---- roles ---- */

#define ROLE_JSON_COLUMNS                                                                          \
    "\"id\", \"name\", \"label\", \"builtin\", \"is_admin\", \"permissions\", \"fields\", "        \
    "\"created_at\", \"updated_at\", \"version\" FROM \"roles\""

#define ROLE_NAME_TAKEN "a role with this name already exists"

static json_t *role_json(const struct store_rows *rows, size_t r)
{
    return json_pack("{s:I,s:s,s:s,s:b,s:b,s:o,s:o,s:s,s:s,s:I}", "id",
                     (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "name",
                     store_rows_at(rows, r, 1)->text, "label", store_rows_at(rows, r, 2)->text,
                     "builtin", value_bool(store_rows_at(rows, r, 3)), "is_admin",
                     value_bool(store_rows_at(rows, r, 4)), "permissions",
                     value_json_object(store_rows_at(rows, r, 5)), "fields",
                     value_json_object(store_rows_at(rows, r, 6)), "created_at",
                     store_rows_at(rows, r, 7)->text, "updated_at", store_rows_at(rows, r, 8)->text,
                     "version", (json_int_t)store_value_int(store_rows_at(rows, r, 9)));
}

int store_roles_list(struct store_conn *conn, struct arena *arena, json_t **out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " ROLE_JSON_COLUMNS " ORDER BY \"id\"");
    return rows_to_json_list(conn, arena, &sql, role_json, out, err);
}

static int role_find(struct store_conn *conn, struct arena *arena, const char *name, int64_t id,
                     json_t **out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    if (name != NULL) {
        sql_add(&sql, "SELECT " ROLE_JSON_COLUMNS " WHERE \"name\" = ");
        sql_param_cstr(&sql, name);
    } else {
        sql_add(&sql, "SELECT " ROLE_JSON_COLUMNS " WHERE \"id\" = ");
        sql_param_int(&sql, id);
    }
    int rc = row_to_json_one(conn, arena, &sql, role_json, "role", id, out, err);
    /* Only the missing row gives ERR_NOT_FOUND here; a lookup by name says so. */
    if (rc == -ERR_NOT_FOUND && name != NULL)
        return err_set(err, ERR_NOT_FOUND, "no role named %s", name);
    return rc;
}

int store_role_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                   struct err *err)
{
    return role_find(conn, arena, NULL, id, out, err);
}

int store_role_find_by_name(struct store_conn *conn, struct arena *arena, const char *name,
                            json_t **out, struct err *err)
{
    return role_find(conn, arena, name, 0, out, err);
}

/* The stored text of a role's permissions or fields: an empty object when absent. */
static const char *role_part_text(struct arena *arena, const json_t *role, const char *key)
{
    const json_t *part = json_object_get(role, key);
    return json_is_object(part) ? json_text(arena, part) : "{}";
}

int store_role_insert(struct store_conn *conn, struct arena *arena, const json_t *role,
                      int64_t *id_out, struct err *err)
{
    const char *name = json_string_value(json_object_get(role, "name"));
    const char *label = json_string_value(json_object_get(role, "label"));
    if (name == NULL)
        return err_set(err, ERR_INTERNAL, "a role needs a name");
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"roles\" (\"name\", \"label\", \"builtin\", \"is_admin\", "
                  "\"permissions\", \"fields\", \"created_at\", \"updated_at\") VALUES (");
    sql_param_cstr(&sql, name);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, label != NULL ? label : name);
    sql_add(&sql, ", ");
    sql_param_int(&sql, json_is_true(json_object_get(role, "builtin")) ? 1 : 0);
    sql_add(&sql, ", ");
    sql_param_int(&sql, json_is_true(json_object_get(role, "is_admin")) ? 1 : 0);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, role_part_text(arena, role, "permissions"));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, role_part_text(arena, role, "fields"));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ") RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return unique_conflict(rc, err, "name", ROLE_NAME_TAKEN);
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_role_update(struct store_conn *conn, struct arena *arena, int64_t id, const json_t *role,
                      struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"roles\" SET ");
    const char *label = json_string_value(json_object_get(role, "label"));
    if (label != NULL) {
        sql_add(&sql, "\"label\" = ");
        sql_param_cstr(&sql, label);
        sql_add(&sql, ", ");
    }
    if (json_is_object(json_object_get(role, "permissions"))) {
        sql_add(&sql, "\"permissions\" = ");
        sql_param_cstr(&sql, role_part_text(arena, role, "permissions"));
        sql_add(&sql, ", ");
    }
    if (json_is_object(json_object_get(role, "fields"))) {
        sql_add(&sql, "\"fields\" = ");
        sql_param_cstr(&sql, role_part_text(arena, role, "fields"));
        sql_add(&sql, ", ");
    }
    sql_add(&sql, "\"updated_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, ", \"version\" = \"version\" + 1 WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " RETURNING \"id\"");
    return query_expect_row(conn, arena, &sql, "role", id, err);
}

int store_role_delete(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err)
{
    int64_t users = 0;
    int rc = users_with(conn, arena, "role_id", id, &users, err);
    if (rc < 0)
        return rc;
    if (users > 0)
        return err_set(err, ERR_CONFLICT, "%lld user%s still %s the role", (long long)users,
                       users == 1 ? "" : "s", users == 1 ? "has" : "have");
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"roles\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " AND \"builtin\" = 0 RETURNING \"id\"");
    struct store_rows rows;
    rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0) {
        json_t *existing = NULL;
        rc = store_role_get(conn, arena, id, &existing, err);
        if (rc < 0)
            return rc;
        json_decref(existing);
        return err_set(err, ERR_CONFLICT, "a built-in role cannot be deleted");
    }
    return 0;
}

/* ---- sessions ---- */

/*
 * The user agent as kept: at most USER_AGENT_MAX_BYTES, cut on a character
 * boundary, with any byte of an invalid UTF-8 sequence replaced by '?'.
 */
static const char *user_agent_kept(struct arena *arena, const char *agent)
{
    if (agent == NULL)
        return NULL;
    size_t len = strlen(agent);
    if (len > USER_AGENT_MAX_BYTES) {
        len = USER_AGENT_MAX_BYTES;
        while (len > 0 && ((unsigned char)agent[len] & 0xC0) == 0x80)
            len--;
    }
    char *out = arena_strndup(arena, agent, len);
    if (!utf8_valid(out, len)) {
        for (size_t i = 0; i < len; i++) {
            if ((unsigned char)out[i] >= 0x80)
                out[i] = '?';
        }
    }
    return out;
}

int store_session_insert(struct store_conn *conn, struct arena *arena,
                         const struct session_row *session, int64_t *id_out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"sessions\" (\"token_hash\", \"user_id\", \"pending_totp\", "
                  "\"created_at_ms\", \"last_seen_at_ms\", \"expires_at_ms\", \"client\", "
                  "\"user_agent\") VALUES (");
    sql_param_cstr(&sql, session->token_hash);
    sql_add(&sql, ", ");
    sql_param_int(&sql, session->user_id);
    sql_add(&sql, ", ");
    sql_param_int(&sql, session->pending_totp ? 1 : 0);
    sql_add(&sql, ", ");
    sql_param_int(&sql, session->created_at_ms);
    sql_add(&sql, ", ");
    sql_param_int(&sql, session->last_seen_at_ms);
    sql_add(&sql, ", ");
    sql_param_int(&sql, session->expires_at_ms);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, session->client);
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, user_agent_kept(arena, session->user_agent));
    sql_add(&sql, ") RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_session_find_with_user(struct store_conn *conn, struct arena *arena,
                                 const char *token_hash, struct session_row *out,
                                 struct auth_user *user_out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT s.\"id\", s.\"token_hash\", s.\"user_id\", s.\"pending_totp\", "
                  "s.\"created_at_ms\", s.\"last_seen_at_ms\", s.\"expires_at_ms\", s.\"client\", "
                  "s.\"user_agent\", " AUTH_USER_COLUMNS " FROM \"sessions\" s "
                  "JOIN \"users\" u ON u.\"id\" = s.\"user_id\" " AUTH_USER_JOIN
                  " WHERE s.\"token_hash\" = ");
    sql_param_cstr(&sql, token_hash);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no such session");
    *out = (struct session_row){
        .id = store_value_int(store_rows_at(&rows, 0, 0)),
        .token_hash = store_rows_at(&rows, 0, 1)->text,
        .user_id = store_value_int(store_rows_at(&rows, 0, 2)),
        .pending_totp = value_bool(store_rows_at(&rows, 0, 3)),
        .created_at_ms = store_value_int(store_rows_at(&rows, 0, 4)),
        .last_seen_at_ms = store_value_int(store_rows_at(&rows, 0, 5)),
        .expires_at_ms = store_value_int(store_rows_at(&rows, 0, 6)),
        .client = value_text(store_rows_at(&rows, 0, 7)),
        .user_agent = value_text(store_rows_at(&rows, 0, 8)),
    };
    auth_user_read(&rows, 9, user_out);
    return 0;
}

/* Succeeds whether or not the session still exists (it may have just been signed out). */
int store_session_touch(struct store_conn *conn, struct arena *arena, int64_t id, int64_t now_ms,
                        struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"sessions\" SET \"last_seen_at_ms\" = ");
    sql_param_int(&sql, now_ms);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    return store_query(conn, arena, &sql, NULL, err);
}

/* Succeeds whether or not the session still exists. */
int store_session_delete(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"sessions\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_sessions_delete_for_user(struct store_conn *conn, struct arena *arena, int64_t user_id,
                                   int64_t except_id, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"sessions\" WHERE \"user_id\" = ");
    sql_param_int(&sql, user_id);
    if (except_id != 0) {
        sql_add(&sql, " AND \"id\" <> ");
        sql_param_int(&sql, except_id);
    }
    return store_query(conn, arena, &sql, NULL, err);
}

/* ---- API tokens ---- */

#define TOKEN_COLUMNS                                                                              \
    "\"id\", \"user_id\", \"name\", \"token_hash\", \"prefix\", \"scopes\", \"expires_at\", "      \
    "\"last_used_at\", \"revoked_at\", \"created_at\" FROM \"api_tokens\""

static const struct {
    unsigned bit;
    const char *name;
} token_scope_names[] = {
    {TOKEN_SCOPE_READ, "read"},
    {TOKEN_SCOPE_WRITE, "write"},
    {TOKEN_SCOPE_ADMIN, "admin"},
};

static json_t *token_scopes_json(unsigned scopes)
{
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof(token_scope_names) / sizeof(token_scope_names[0]); i++) {
        if (scopes & token_scope_names[i].bit)
            json_array_append_new(list, json_string(token_scope_names[i].name));
    }
    return list;
}

static json_t *token_json(const struct store_rows *rows, size_t r)
{
    return json_pack(
        "{s:I,s:s,s:o,s:s,s:s?,s:s?,s:s,s:s?,s:I}", "id",
        (json_int_t)store_value_int(store_rows_at(rows, r, 0)), "name",
        store_rows_at(rows, r, 2)->text, "scopes",
        token_scopes_json((unsigned)store_value_int(store_rows_at(rows, r, 5))), "prefix",
        store_rows_at(rows, r, 4)->text, "expires_at", value_text(store_rows_at(rows, r, 6)),
        "last_used_at", value_text(store_rows_at(rows, r, 7)), "created_at",
        store_rows_at(rows, r, 9)->text, "revoked_at", value_text(store_rows_at(rows, r, 8)),
        "user_id", (json_int_t)store_value_int(store_rows_at(rows, r, 1)));
}

int store_token_insert(struct store_conn *conn, struct arena *arena, const struct token_row *token,
                       int64_t *id_out, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"api_tokens\" (\"user_id\", \"name\", \"token_hash\", \"prefix\", "
                  "\"scopes\", \"expires_at\", \"created_at\") VALUES (");
    sql_param_int(&sql, token->user_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, token->name);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, token->token_hash);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, token->prefix);
    sql_add(&sql, ", ");
    sql_param_int(&sql, (int64_t)(token->scopes & TOKEN_SCOPE_ALL));
    sql_add(&sql, ", ");
    sql_param_text_or_null(&sql, token->expires_at);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, token->created_at != NULL ? token->created_at : now);
    sql_add(&sql, ") RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_token_find_with_user(struct store_conn *conn, struct arena *arena,
                               const char *token_hash, struct token_row *out,
                               struct auth_user *user_out, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT k.\"id\", k.\"user_id\", k.\"name\", k.\"token_hash\", k.\"prefix\", "
                  "k.\"scopes\", k.\"expires_at\", k.\"last_used_at\", k.\"revoked_at\", "
                  "k.\"created_at\", " AUTH_USER_COLUMNS " FROM \"api_tokens\" k "
                  "JOIN \"users\" u ON u.\"id\" = k.\"user_id\" " AUTH_USER_JOIN
                  " WHERE k.\"token_hash\" = ");
    sql_param_cstr(&sql, token_hash);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no such token");
    *out = (struct token_row){
        .id = store_value_int(store_rows_at(&rows, 0, 0)),
        .user_id = store_value_int(store_rows_at(&rows, 0, 1)),
        .name = store_rows_at(&rows, 0, 2)->text,
        .token_hash = store_rows_at(&rows, 0, 3)->text,
        .prefix = store_rows_at(&rows, 0, 4)->text,
        .scopes = (unsigned)store_value_int(store_rows_at(&rows, 0, 5)),
        .expires_at = value_text(store_rows_at(&rows, 0, 6)),
        .last_used_at = value_text(store_rows_at(&rows, 0, 7)),
        .revoked_at = value_text(store_rows_at(&rows, 0, 8)),
        .created_at = store_rows_at(&rows, 0, 9)->text,
    };
    auth_user_read(&rows, 10, user_out);
    return 0;
}

int store_token_touch(struct store_conn *conn, struct arena *arena, int64_t id, const char *now,
                      struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"api_tokens\" SET \"last_used_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    return store_query(conn, arena, &sql, NULL, err);
}

int store_tokens_list(struct store_conn *conn, struct arena *arena, int64_t user_id, json_t **out,
                      struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " TOKEN_COLUMNS);
    if (user_id != 0) {
        sql_add(&sql, " WHERE \"user_id\" = ");
        sql_param_int(&sql, user_id);
    }
    sql_add(&sql, " ORDER BY \"id\" DESC");
    return rows_to_json_list(conn, arena, &sql, token_json, out, err);
}

int store_token_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                    struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT " TOKEN_COLUMNS " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    return row_to_json_one(conn, arena, &sql, token_json, "token", id, out, err);
}

int store_token_revoke(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"api_tokens\" SET \"revoked_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " AND \"revoked_at\" IS NULL RETURNING \"id\"");
    return query_expect_row(conn, arena, &sql, "token in force", id, err);
}

int store_tokens_revoke_for_user(struct store_conn *conn, struct arena *arena, int64_t user_id,
                                 struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"api_tokens\" SET \"revoked_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql, " WHERE \"user_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " AND \"revoked_at\" IS NULL");
    return store_query(conn, arena, &sql, NULL, err);
}

/* ---- recovery codes ---- */

int store_recovery_codes_replace(struct store_conn *conn, struct arena *arena, int64_t user_id,
                                 const char *const *hashes, size_t n, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"recovery_codes\" WHERE \"user_id\" = ");
    sql_param_int(&sql, user_id);
    int rc = store_query(conn, arena, &sql, NULL, err);
    for (size_t i = 0; i < n && rc == 0; i++) {
        sql_init(&sql, arena, store_conn_dialect(conn));
        sql_add(&sql, "INSERT INTO \"recovery_codes\" (\"user_id\", \"code_hash\") VALUES (");
        sql_param_int(&sql, user_id);
        sql_add(&sql, ", ");
        sql_param_cstr(&sql, hashes[i]);
        sql_add(&sql, ")");
        rc = store_query(conn, arena, &sql, NULL, err);
    }
    return rc;
}

int store_recovery_code_use(struct store_conn *conn, struct arena *arena, int64_t user_id,
                            const char *hash, bool *used, struct err *err)
{
    char now[CLOCK_DATETIME_LEN + 1];
    now_text(now);
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "UPDATE \"recovery_codes\" SET \"used_at\" = ");
    sql_param_cstr(&sql, now);
    sql_add(&sql,
            " WHERE \"id\" = (SELECT min(\"id\") FROM \"recovery_codes\" WHERE \"user_id\" = ");
    sql_param_int(&sql, user_id);
    sql_add(&sql, " AND \"code_hash\" = ");
    sql_param_cstr(&sql, hash);
    sql_add(&sql, " AND \"used_at\" IS NULL) RETURNING \"id\"");
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *used = rows.n_rows > 0;
    return 0;
}

/* ---- sign-in failures ---- */

int store_sign_in_failure_add(struct store_conn *conn, struct arena *arena, const char *account,
                              const char *client, int64_t at_ms, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"sign_in_failures\" WHERE \"at_ms\" < ");
    sql_param_int(&sql, at_ms - DAY_MS);
    int rc = store_query(conn, arena, &sql, NULL, err);
    if (rc < 0)
        return rc;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"sign_in_failures\" (\"account\", \"client\", \"at_ms\") VALUES (");
    sql_param_cstr(&sql, lower_ascii(arena, account != NULL ? account : ""));
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, client != NULL ? client : "");
    sql_add(&sql, ", ");
    sql_param_int(&sql, at_ms);
    sql_add(&sql, ")");
    return store_query(conn, arena, &sql, NULL, err);
}

/* Appends "(SELECT <what> FROM sign_in_failures WHERE <column> = value AND at_ms > after)". */
static void failures_subquery(struct sql_builder *sql, const char *what, const char *column,
                              const char *value, int64_t after_ms)
{
    sql_addf(sql, "(SELECT %s FROM \"sign_in_failures\" WHERE \"%s\" = ", what, column);
    sql_param_text_or_null(sql, value);
    sql_add(sql, " AND \"at_ms\" > ");
    sql_param_int(sql, after_ms);
    sql_add(sql, ")");
}

int store_sign_in_failures_count(struct store_conn *conn, struct arena *arena, const char *account,
                                 const char *client, int64_t since_ms, int64_t now_ms,
                                 struct sign_in_failures *out, struct err *err)
{
    const char *kept_account = account != NULL ? lower_ascii(arena, account) : NULL;
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    /* since_ms is inclusive: "> since_ms - 1". */
    sql_add(&sql, "SELECT ");
    failures_subquery(&sql, "count(*)", "account", kept_account, since_ms - 1);
    sql_add(&sql, ", ");
    failures_subquery(&sql, "COALESCE(max(\"at_ms\"), 0)", "account", kept_account, since_ms - 1);
    sql_add(&sql, ", ");
    failures_subquery(&sql, "count(*)", "account", kept_account, now_ms - HOUR_MS);
    sql_add(&sql, ", ");
    failures_subquery(&sql, "count(*)", "client", client, since_ms - 1);
    sql_add(&sql, ", ");
    failures_subquery(&sql, "COALESCE(max(\"at_ms\"), 0)", "client", client, since_ms - 1);
    struct store_rows rows;
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *out = (struct sign_in_failures){
        .account = store_value_int(store_rows_at(&rows, 0, 0)),
        .account_last_ms = store_value_int(store_rows_at(&rows, 0, 1)),
        .account_hour = store_value_int(store_rows_at(&rows, 0, 2)),
        .client = store_value_int(store_rows_at(&rows, 0, 3)),
        .client_last_ms = store_value_int(store_rows_at(&rows, 0, 4)),
    };
    return 0;
}

int store_sign_in_failures_clear(struct store_conn *conn, struct arena *arena, const char *account,
                                 struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"sign_in_failures\" WHERE \"account\" = ");
    sql_param_cstr(&sql, lower_ascii(arena, account));
    return store_query(conn, arena, &sql, NULL, err);
}
