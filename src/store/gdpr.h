/*
 * What the GDPR actions need from the store: the records that hold one
 * person's data (their contact, the leads converted into it, the
 * activities and tasks of either, the deals naming the contact), and the
 * erasure of that data, table by table, in the caller's transaction.
 *
 * DESIGN: erasure keeps every row, so that ids, links, deal history and
 * counts stay consistent, and overwrites what is personal or free text:
 * the contact's personal fields, its leads' names, e-mails, phones and
 * notes, the texts of its activities and tasks (and their search text, so
 * that search no longer finds them), attachment bytes, timeline texts,
 * notification texts, time entry notes, the values kept by the audit log,
 * by import undo data and by merge snapshots, and its duplicate keys. The
 * consent ledger keeps each row's purpose, version and times (the proof of
 * what was agreed to): active consents are withdrawn, free-text sources
 * overwritten.
 */
#ifndef CRM_STORE_GDPR_H
#define CRM_STORE_GDPR_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct store_conn;

/* The text that replaces erased free text. */
#define GDPR_ERASED_TEXT "[erased]"

/* The ids of a person's records (arrays in the arena), trash included, by id. */
struct gdpr_person {
    int64_t *lead_ids; /* leads converted into the contact */
    size_t n_leads;
    int64_t *activity_ids; /* linked to the contact or to one of those leads */
    size_t n_activities;
    int64_t *task_ids; /* likewise */
    size_t n_tasks;
    int64_t *deal_ids; /* deals naming the contact among their contacts */
    size_t n_deals;
};

int store_gdpr_person(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                      struct gdpr_person *out, struct err *err);

/* What an erasure changed, for its audit entry. */
struct gdpr_erasure {
    size_t leads;
    size_t activities;
    size_t tasks;
    size_t attachments;
    size_t timeline_items;
    size_t notifications;
    size_t audit_entries;
    size_t consents_withdrawn;
};

/*
 * Erases the person of contact_id (live or in the trash) as DESIGN above
 * says, at `at` (canonical date-time text): the contact becomes first_name
 * "Erased", last_name "#<id>" with every other personal field empty.
 * ERR_NOT_FOUND when there is no such contact. Run it inside a transaction.
 */
int store_gdpr_erase(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                     const char *at, struct gdpr_erasure *out, struct err *err);

#endif
