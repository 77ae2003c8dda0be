/*
 * The store contract suite's fixture: a fresh database per test (a SQLite
 * file in its own temp dir under the CRM_TEST_DB prefix, or, when
 * CRM_TEST_PG_URL is set, a database created on that server and dropped
 * afterwards), one borrowed connection and an arena, plus the JSON helpers
 * the suite's files share.
 */
#ifndef CRM_TESTS_STORE_STORE_FIXTURE_H
#define CRM_TESTS_STORE_STORE_FIXTURE_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "base/err.h"

#include "../unit/test.h"

struct store;
struct store_conn;
struct arena;

struct fixture {
    struct store *store;
    struct store_conn *conn;
    struct arena *arena;
    struct err err;
    bool pg;
    char location[1024];
    char dir[512];    /* SQLite: the temp dir */
    char db_name[64]; /* PostgreSQL: the database */
};

/* A fresh database, migrated when asked, with one borrowed connection. */
void fixture_open(struct fixture *fx, bool migrate);
void fixture_close(struct fixture *fx);

/* CRM_TEST_PG_URL, or NULL when the suite runs on SQLite. */
const char *pg_admin_url(void);
/* A connection to CRM_TEST_PG_URL (the test fails when there is none). */
PGconn *pg_admin_connect(void);
void pg_admin_exec(PGconn *pg, const char *sql);

/* Parses test JSON (any value); the test fails on a typo. New reference. */
json_t *json_of(const char *text);
/* Keeps a JSON value alive until the fixture's arena goes; returns it. */
json_t *keep(struct fixture *fx, json_t *v);
bool json_equals_text(const json_t *value, const char *text);
/* The first failing field of fx->err, or "". */
const char *field_of(const struct fixture *fx);
/* A string member of an object, or NULL. */
const char *text_at(const json_t *object, const char *key);

/* Runs a store call that must succeed (fx is the test's struct fixture). */
#define EXPECT_OK(call)                                                                            \
    do {                                                                                           \
        err_clear(&fx.err);                                                                        \
        int rc_ = (call);                                                                          \
        if (rc_ != 0)                                                                              \
            test_fail(__FILE__, __LINE__, "%s\n    rc: %d  detail: %s  field: %s %s", #call, rc_,  \
                      fx.err.detail, fx.err.n_fields ? fx.err.fields[0].field : "",                \
                      fx.err.n_fields ? fx.err.fields[0].message : "");                            \
    } while (0)

/* Compares a JSON value with JSON text (order of members does not matter). */
#define EXPECT_JSON(value, text)                                                                   \
    do {                                                                                           \
        const json_t *v_ = (value);                                                                \
        if (!json_equals_text(v_, text)) {                                                         \
            char *dump_ = v_ ? json_dumps(v_, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;              \
            test_fail(__FILE__, __LINE__, "%s\n    actual:   %s\n    expected: %s", #value,        \
                      dump_ ? dump_ : "(missing)", text);                                          \
        }                                                                                          \
    } while (0)

#endif
