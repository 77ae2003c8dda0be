/*
 * The schema migrations this binary carries, embedded at build time from
 * src/store/migrations/<dialect>/NNNN_name.sql (see scripts/embed_migrations.py).
 */
#ifndef CRM_STORE_MIGRATIONS_H
#define CRM_STORE_MIGRATIONS_H

#include <stddef.h>

struct migration {
    int version;
    const char *name;
    const char *sqlite_sql;
    const char *postgres_sql;
};

extern const struct migration migrations[];
extern const size_t migrations_count;

#endif
