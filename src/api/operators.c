/*
 * What the server does on first start and what operators do from the
 * command line (crm user add | reset-password | disable): the built-in
 * roles, the first administrator with a one-time password, and user
 * accounts managed without the web UI. Each runs in one transaction and
 * leaves its entry in the security log.
 */
#include "api/api.h"

#include <string.h>

#include "auth/password.h"
#include "base/arena.h"
#include "domain/access.h"
#include "domain/record.h"
#include "store/store.h"

/* Runs step inside one transaction on a borrowed connection. */
static int in_transaction(struct store *store, int (*step)(struct store_conn *, struct arena *,
                                                           void *, struct err *),
                          void *data, struct err *err)
{
    struct arena *arena = arena_new();
    struct store_conn *conn = store_acquire(store, err);
    int rc = conn ? 0 : -err->code;
    if (rc == 0)
        rc = store_begin(conn, err);
    if (rc == 0)
        rc = step(conn, arena, data, err);
    if (rc == 0)
        rc = store_commit(conn, err);
    if (conn != NULL) {
        if (rc < 0)
            store_rollback(conn);
        store_release(conn);
    }
    arena_free(arena);
    return rc;
}

static int operator_event(struct store_conn *conn, struct arena *arena, const char *action,
                          int64_t user_id, struct err *err)
{
    json_t *detail = json_pack("{s:s}", "by", "operator");
    struct audit_entry entry = {
        .kind = "security",
        .action = action,
        .entity = "users",
        .record_id = user_id,
        .detail = detail,
    };
    int rc = store_audit_append(conn, arena, &entry, err);
    json_decref(detail);
    return rc;
}

static int seed_roles(struct store_conn *conn, struct arena *arena, struct err *err)
{
    for (size_t i = 0; i < role_builtin_count(); i++) {
        const char *name, *label;
        struct role role;
        json_t *existing = NULL;
        role_builtin(i, &name, &label, &role);
        int rc = store_role_find_by_name(conn, arena, name, &existing, err);
        json_decref(existing);
        if (rc == 0)
            continue;
        if (rc != -ERR_NOT_FOUND)
            return rc;
        err_clear(err);
        json_t *row = json_pack("{s:s,s:s,s:b,s:b,s:o,s:o}", "name", name, "label", label,
                                "builtin", 1, "is_admin", role.is_admin, "permissions",
                                role_permissions_json(&role), "fields", role_fields_json(&role));
        int64_t id;
        rc = store_role_insert(conn, arena, row, &id, err);
        json_decref(row);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The id of the role named; 422 on "role" when there is none. */
static int role_id_of(struct store_conn *conn, struct arena *arena, const char *name,
                      int64_t *id, struct err *err)
{
    json_t *role = NULL;
    int rc = store_role_find_by_name(conn, arena, name, &role, err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(err);
        err_set(err, ERR_VALIDATION, "no role named '%s'", name);
        return err_field(err, "role", "no role named '%s'", name);
    }
    if (rc == 0)
        *id = json_integer_value(json_object_get(role, "id"));
    json_decref(role);
    return rc;
}

/* Inserts a user with a hashed password. */
static int add_user(struct store_conn *conn, struct arena *arena, const char *email,
                    const char *name, const char *role, const char *password, bool must_change,
                    int64_t *id, struct err *err)
{
    char hash[PASSWORD_HASH_BYTES];
    int64_t role_id = 0;
    if (!record_email_valid(email)) {
        err_set(err, ERR_VALIDATION, "'%s' is not an e-mail address", email);
        return err_field(err, "email", "is not an e-mail address");
    }
    int rc = password_check_new(password, strlen(password), "password", err);
    if (rc == 0)
        rc = role_id_of(conn, arena, role, &role_id, err);
    if (rc == 0)
        rc = password_hash(password, strlen(password), hash, err);
    if (rc < 0)
        return rc;
    json_t *fields = json_pack("{s:s,s:s,s:I,s:n,s:s,s:b}", "email", email, "name", name,
                               "role_id", (json_int_t)role_id, "team_id", "password_hash", hash,
                               "password_must_change", must_change);
    rc = store_user_insert(conn, arena, fields, id, err);
    json_decref(fields);
    if (rc == 0)
        rc = operator_event(conn, arena, "user_created", *id, err);
    return rc;
}

struct setup {
    const char *admin_email;
    const char *base_currency;
    char *password;
    size_t password_size;
    bool *created;
};

static int setup_step(struct store_conn *conn, struct arena *arena, void *data, struct err *err)
{
    struct setup *s = data;
    int64_t n_users = 0, id;
    int rc = seed_roles(conn, arena, err);
    if (rc == 0)
        rc = store_setting_ensure(conn, arena, SETTING_BASE_CURRENCY, s->base_currency, err);
    if (rc == 0)
        rc = store_user_count(conn, arena, &n_users, err);
    if (rc < 0 || n_users > 0)
        return rc;
    password_generate(s->password, s->password_size);
    rc = add_user(conn, arena, s->admin_email, "Administrator", "admin", s->password, true, &id,
                  err);
    *s->created = rc == 0;
    return rc;
}

int operators_setup(struct store *store, const char *admin_email, const char *base_currency,
                    char *password_out, size_t password_size, bool *created, struct err *err)
{
    struct setup s = {admin_email, base_currency, password_out, password_size, created};
    *created = false;
    return in_transaction(store, setup_step, &s, err);
}

struct user_command {
    const char *email;
    const char *name;
    const char *role;
    const char *password;
    char *generated;
    size_t generated_size;
};

static int user_add_step(struct store_conn *conn, struct arena *arena, void *data,
                         struct err *err)
{
    struct user_command *c = data;
    int64_t id;
    int rc = seed_roles(conn, arena, err);
    if (rc == 0)
        rc = add_user(conn, arena, c->email, c->name, c->role, c->password, false, &id, err);
    return rc;
}

int operators_user_add(struct store *store, const char *email, const char *name,
                       const char *role, const char *password, struct err *err)
{
    struct user_command c = {email, name, role, password, NULL, 0};
    return in_transaction(store, user_add_step, &c, err);
}

/* Ends every session and API token of the user. */
static int end_access(struct store_conn *conn, struct arena *arena, int64_t user_id,
                      struct err *err)
{
    int rc = store_sessions_delete_for_user(conn, arena, user_id, 0, err);
    if (rc == 0)
        rc = store_tokens_revoke_for_user(conn, arena, user_id, err);
    return rc;
}

static int reset_step(struct store_conn *conn, struct arena *arena, void *data, struct err *err)
{
    struct user_command *c = data;
    struct auth_user user;
    char hash[PASSWORD_HASH_BYTES];
    bool generated = c->password == NULL || c->password[0] == '\0';
    if (generated) {
        password_generate(c->generated, c->generated_size);
        c->password = c->generated;
    }
    int rc = store_user_find_by_email(conn, arena, c->email, &user, err);
    if (rc == 0)
        rc = password_check_new(c->password, strlen(c->password), "password", err);
    if (rc == 0)
        rc = password_hash(c->password, strlen(c->password), hash, err);
    if (rc < 0)
        return rc;
    json_t *fields =
        json_pack("{s:s,s:b}", "password_hash", hash, "password_must_change", generated);
    rc = store_user_update(conn, arena, user.id, fields, err);
    json_decref(fields);
    if (rc == 0)
        rc = end_access(conn, arena, user.id, err);
    if (rc == 0)
        rc = operator_event(conn, arena, "password_reset", user.id, err);
    return rc;
}

int operators_user_reset_password(struct store *store, const char *email, const char *password,
                                  char *generated_out, size_t generated_size, struct err *err)
{
    struct user_command c = {email, NULL, NULL, password, generated_out, generated_size};
    generated_out[0] = '\0';
    return in_transaction(store, reset_step, &c, err);
}

static int disable_step(struct store_conn *conn, struct arena *arena, void *data,
                        struct err *err)
{
    struct user_command *c = data;
    struct auth_user user;
    int rc = store_user_find_by_email(conn, arena, c->email, &user, err);
    json_t *fields = json_pack("{s:b}", "disabled", 1);
    if (rc == 0)
        rc = store_user_update(conn, arena, user.id, fields, err);
    json_decref(fields);
    if (rc == 0)
        rc = end_access(conn, arena, user.id, err);
    if (rc == 0)
        rc = operator_event(conn, arena, "user_disabled", user.id, err);
    return rc;
}

int operators_user_disable(struct store *store, const char *email, struct err *err)
{
    struct user_command c = {email, NULL, NULL, NULL, NULL, 0};
    return in_transaction(store, disable_step, &c, err);
}
