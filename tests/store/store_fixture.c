/*
 * The store suite's fixture: databases made and dropped per test, the store
 * opened on them, and the JSON helpers the suite's files share. Databases are
 * named after the runner's pid so that whatever a failed test leaves behind
 * is removed when the runner exits.
 */
#include "store_fixture.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/arena.h"
#include "store/store.h"

#define PG_DB_PREFIX "crm_t_"

const char *pg_admin_url(void)
{
    const char *url = getenv("CRM_TEST_PG_URL");
    return url != NULL && *url != '\0' ? url : NULL;
}

PGconn *pg_admin_connect(void)
{
    PGconn *pg = PQconnectdb(pg_admin_url());
    if (PQstatus(pg) != CONNECTION_OK)
        test_fail(__FILE__, __LINE__, "cannot connect to CRM_TEST_PG_URL: %s", PQerrorMessage(pg));
    return pg;
}

void pg_admin_exec(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        test_fail(__FILE__, __LINE__, "%s: %s", sql, PQerrorMessage(pg));
    PQclear(res);
}

/* The admin URL with its database replaced by name (query string kept). */
static void pg_url_for(const char *admin, const char *name, char *out, size_t out_size)
{
    const char *scheme = strstr(admin, "://");
    const char *authority = scheme ? scheme + 3 : admin;
    size_t host_len = strcspn(authority, "/?#");
    const char *rest = authority + host_len;
    if (*rest == '/')
        rest += strcspn(rest, "?#");
    snprintf(out, out_size, "%.*s/%s%s", (int)(authority + host_len - admin), admin, name, rest);
}

static const char *sqlite_prefix(void)
{
    const char *prefix = getenv("CRM_TEST_DB");
    return prefix != NULL && *prefix != '\0' ? prefix : "/tmp/crm-store-test-";
}

/* Removes a test's SQLite directory and the files in it (database, -wal, -shm). */
static void sqlite_remove_dir(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *entry;
    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        char file[1024];
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        snprintf(file, sizeof(file), "%s/%s", path, entry->d_name);
        unlink(file);
    }
    if (dir != NULL)
        closedir(dir);
    rmdir(path);
}

static void sqlite_drop_leftovers(void)
{
    char parent[512], start[128];
    const char *prefix = sqlite_prefix();
    const char *slash = strrchr(prefix, '/');
    if (slash == NULL)
        snprintf(parent, sizeof(parent), ".");
    else
        snprintf(parent, sizeof(parent), "%.*s", (int)(slash - prefix), prefix);
    if (parent[0] == '\0')
        snprintf(parent, sizeof(parent), "/");
    snprintf(start, sizeof(start), "%s%ld-", slash ? slash + 1 : prefix, (long)getpid());
    DIR *dir = opendir(parent);
    struct dirent *entry;
    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        if (strncmp(entry->d_name, start, strlen(start)) != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", parent, entry->d_name);
        sqlite_remove_dir(path);
    }
    if (dir != NULL)
        closedir(dir);
}

static void pg_drop_leftovers(void)
{
    PGconn *pg = PQconnectdb(pg_admin_url());
    if (PQstatus(pg) != CONNECTION_OK) {
        PQfinish(pg);
        return;
    }
    char sql[160];
    snprintf(sql, sizeof(sql),
             "SELECT datname FROM pg_database WHERE datname LIKE '" PG_DB_PREFIX "%ld\\_%%'",
             (long)getpid());
    PGresult *res = PQexec(pg, sql);
    for (int i = 0; PQresultStatus(res) == PGRES_TUPLES_OK && i < PQntuples(res); i++) {
        char drop[160];
        snprintf(drop, sizeof(drop), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)",
                 PQgetvalue(res, i, 0));
        PQclear(PQexec(pg, drop));
    }
    PQclear(res);
    PQfinish(pg);
}

/*
 * Databases are named after the runner's pid (the parent of every test):
 * crm_t_<runner pid>_<test pid>_<n>, <prefix><runner pid>-XXXXXX/crm.db. A
 * test that fails exits at once, so the runner removes whatever its tests
 * left behind when it exits.
 */
__attribute__((destructor)) static void fixture_drop_leftovers(void)
{
    if (pg_admin_url() != NULL)
        pg_drop_leftovers();
    else
        sqlite_drop_leftovers();
}

static void fixture_make_database(struct fixture *fx)
{
    static int n_made;
    if (pg_admin_url() != NULL) {
        fx->pg = true;
        snprintf(fx->db_name, sizeof(fx->db_name), PG_DB_PREFIX "%ld_%ld_%d", (long)getppid(),
                 (long)getpid(), n_made++);
        PGconn *pg = pg_admin_connect();
        char sql[128];
        snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\"", fx->db_name);
        pg_admin_exec(pg, sql);
        PQfinish(pg);
        pg_url_for(pg_admin_url(), fx->db_name, fx->location, sizeof(fx->location));
        return;
    }
    snprintf(fx->dir, sizeof(fx->dir), "%s%ld-XXXXXX", sqlite_prefix(), (long)getppid());
    if (mkdtemp(fx->dir) == NULL)
        test_fail(__FILE__, __LINE__, "mkdtemp %s failed", fx->dir);
    snprintf(fx->location, sizeof(fx->location), "%s/crm.db", fx->dir);
}

static void fixture_remove_database(struct fixture *fx)
{
    if (fx->pg) {
        PGconn *pg = pg_admin_connect();
        char sql[128];
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", fx->db_name);
        pg_admin_exec(pg, sql);
        PQfinish(pg);
        return;
    }
    sqlite_remove_dir(fx->dir);
}

static void fixture_open_store(struct fixture *fx)
{
    struct store_options options = {.location = fx->location, .pool_size = 2};
    err_clear(&fx->err);
    fx->store = store_open(&options, &fx->err);
    if (fx->store == NULL)
        test_fail(__FILE__, __LINE__, "store_open: %s", fx->err.detail);
}

/* A fresh database, migrated when asked, with one borrowed connection. */
void fixture_open(struct fixture *fx, bool migrate)
{
    memset(fx, 0, sizeof(*fx));
    fixture_make_database(fx);
    fixture_open_store(fx);
    if (migrate && store_migrate(fx->store, NULL, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "store_migrate: %s", fx->err.detail);
    fx->arena = arena_new();
    fx->conn = store_acquire(fx->store, &fx->err);
}

void fixture_close(struct fixture *fx)
{
    store_release(fx->conn);
    store_close(fx->store);
    arena_free(fx->arena);
    fixture_remove_database(fx);
}

/* ---- JSON helpers ---- */

json_t *json_of(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (v == NULL)
        test_fail(__FILE__, __LINE__, "bad test JSON at %d: %s", jerr.position, jerr.text);
    return v;
}

/* Keeps a JSON value alive until the fixture's arena goes. */
static void json_release(void *v)
{
    json_decref(v);
}

json_t *keep(struct fixture *fx, json_t *v)
{
    arena_defer(fx->arena, json_release, v);
    return v;
}

bool json_equals_text(const json_t *value, const char *text)
{
    json_t *expected = json_of(text);
    bool same = json_equal(value, expected);
    json_decref(expected);
    return same;
}

const char *field_of(const struct fixture *fx)
{
    return fx->err.n_fields > 0 ? fx->err.fields[0].field : "";
}

const char *text_at(const json_t *record, const char *key)
{
    return json_string_value(json_object_get(record, key));
}
