/*
 * The consent ledger: what a contact agreed to (a purpose such as
 * "newsletter"), under which version of the wording, through which source
 * and when, and when it was withdrawn. Append-only: a row is never deleted,
 * and its only change is its withdrawal, made once. Mailings ask
 * store_consent_active() before they write to anyone.
 */
#ifndef CRM_STORE_CONSENTS_H
#define CRM_STORE_CONSENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct store_conn;

/* What a new consent holds; strings borrowed for the call. */
struct consent_new {
    int64_t contact_id;
    const char *purpose;      /* "newsletter" */
    const char *text_version; /* the version of the wording agreed to */
    const char *source;       /* "form", "import", "phone", "email", "in_person", "api" or free */
    const char *given_at;     /* canonical date-time text */
    int64_t created_by;       /* 0: nobody */
    const char *created_at;
};

int store_consent_insert(struct store_conn *conn, struct arena *arena, const struct consent_new *c,
                         int64_t *id_out, struct err *err);

/*
 * One consent as the API shows it (new reference): {id, contact_id, purpose,
 * text_version, source, given_at, withdrawn_at, active, created_by,
 * created_at}; active is withdrawn_at == null. ERR_NOT_FOUND when absent.
 */
int store_consent_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                      struct err *err);

/* The contact's ledger, newest given first (withdrawn ones too), each as store_consent_get. */
int store_consents_list(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                        json_t **out, struct err *err);

/* Sets withdrawn_at = at; ERR_NOT_FOUND when absent, ERR_CONFLICT when already withdrawn. */
int store_consent_withdraw(struct store_conn *conn, struct arena *arena, int64_t id, const char *at,
                           struct err *err);

/*
 * Whether the contact consents to purpose now: the latest consent given
 * for it (by given_at, then id) exists and is not withdrawn.
 */
int store_consent_active(struct store_conn *conn, struct arena *arena, int64_t contact_id,
                         const char *purpose, bool *active, struct err *err);

#endif
