/*
 * Parsed roles shared by the requests of one process. Every request needs
 * its caller's role; parsing the role's JSON each time would cost more than
 * the record read it guards. A role is parsed once per (id, version): editing
 * a role bumps its version, so the next request parses the new text, and a
 * request still holding the old one keeps it until its arena is freed.
 */
#ifndef CRM_API_ROLE_CACHE_H
#define CRM_API_ROLE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/access.h"

struct arena;
struct role_cache;

/* A role as the database holds it. */
struct role_text {
    int64_t id;
    int64_t version;
    const char *name;
    bool is_admin;
    const char *permissions; /* JSON object text */
    const char *fields;      /* JSON object text */
};

struct role_cache *role_cache_new(void);
/* Entries still held by requests must have been released (their arenas freed). */
void role_cache_free(struct role_cache *cache);

/*
 * The parsed role for text, valid until arena is freed. ERR_INTERNAL when
 * the stored text does not parse (roles are checked when written, so that
 * is a damaged database). A NULL cache parses into arena every time.
 */
int role_cache_get(struct role_cache *cache, struct arena *arena, const struct role_text *text,
                   const struct role **out, struct err *err);

#endif
