/*
 * The client timeline: one row per thing that happened about a client —
 * an activity, a task, a deal's stage move, a quote's step, a change of a
 * record's fields — with the contact, company, deal and lead it concerns.
 * A card's timeline is one indexed range read of these rows, newest first.
 */
#ifndef CRM_STORE_TIMELINE_H
#define CRM_STORE_TIMELINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct access;
struct entity;
struct arena;
struct store_conn;

/* Who a timeline item concerns: any of them may be 0 (none). */
struct timeline_subjects {
    int64_t contact_id;
    int64_t company_id;
    int64_t deal_id;
    int64_t lead_id;
};

struct timeline_item {
    const char *at;     /* ISO 8601 UTC: when it happened (or is due) */
    const char *kind;   /* call, meeting, ..., task, stage, quote, change, created */
    const char *entity; /* the record it comes from: "activities", "deals"... */
    int64_t record_id;
    const char *summary;  /* one line */
    const json_t *detail; /* a small object, or NULL */
    struct timeline_subjects subjects;
    int64_t owner_id; /* the source record's owner: who may see the item */
    int64_t user_id;  /* who did it; 0: the system */
};

/* Whether records of the entity (collection name) show on timelines. */
bool store_timeline_shows(const char *entity);
/* Appends an event (a stage move, a quote's step, a change). */
int store_timeline_append(struct store_conn *conn, struct arena *arena,
                          const struct timeline_item *item, struct err *err);
/* Replaces the item that mirrors a record (an activity, a task) by this one. */
int store_timeline_put(struct store_conn *conn, struct arena *arena,
                       const struct timeline_item *item, struct err *err);
/*
 * Writes the item that mirrors an activity or a task (its record as the API
 * shows it; user_id: who wrote it, 0: the server): kind, time, summary, the
 * detail the timeline shows (an activity's body as its first 300
 * characters) and the records it names.
 */
int store_timeline_mirror(struct store_conn *conn, struct arena *arena,
                          const struct entity *entity, const json_t *record, int64_t user_id,
                          struct err *err);
/* A new object of record's keys that have a value (new reference). */
json_t *store_timeline_pick(const json_t *record, const char *const *keys, size_t n);
/* Removes every item of the record (one in the trash). */
int store_timeline_remove(struct store_conn *conn, struct arena *arena, const char *entity,
                          int64_t record_id, struct err *err);
/* Gives the record's items a new owner, so that they are seen as the record is. */
int store_timeline_reown(struct store_conn *conn, struct arena *arena, const char *entity,
                         int64_t record_id, int64_t owner_id, struct err *err);

struct timeline_query {
    const char *subject_column; /* "contact_id", "company_id", "deal_id" or "lead_id" */
    int64_t subject_id;
    const char *const *kinds; /* NULL: every kind */
    size_t n_kinds;
    /* Also the items about these companies themselves (naming no contact): a contact's companies. */
    const int64_t *company_ids;
    size_t n_company_ids;
    const char *before_at; /* cursor: items before (before_at, before_id); NULL: the newest */
    int64_t before_id;
    size_t limit;
};

/*
 * Items newest first as API JSON {id, kind, at, entity, record_id, summary,
 * detail, user_id}, only those from records the caller in access may read.
 * *more says whether items follow the last one.
 */
int store_timeline_list(struct store_conn *conn, struct arena *arena, const struct access *access,
                        const struct timeline_query *q, json_t **out, bool *more,
                        struct err *err);

#endif
