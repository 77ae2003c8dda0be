/*
 * What the audit log records about a change: the field-level difference
 * between two versions of a record, and the scrubbing that keeps secrets
 * (passwords, hashes, tokens, one-time codes) out of every entry.
 */
#ifndef CRM_DOMAIN_AUDIT_H
#define CRM_DOMAIN_AUDIT_H

#include <jansson.h>

struct actor;
struct entity;

/*
 * {"field":[old,new]} for every field whose value differs between before
 * and after (new reference; NULL when nothing differs). before NULL (a
 * create) lists every field that has a value as [null, value]. Custom values
 * appear as "custom.<name>", links by their id list ("company_ids"). The
 * server's bookkeeping (version, updated_at, created_at, deleted_at,
 * created_by and the expanded links) is left out.
 */
json_t *audit_diff(const struct entity *entity, const json_t *before, const json_t *after);

/* Removes from changes (as audit_diff makes them) the fields hidden from actor. */
void audit_hide_fields(const struct actor *actor, const struct entity *entity, json_t *changes);

/*
 * Removes secrets from a JSON object in place, at any depth: keys such as
 * password, password_hash, token, token_hash, secret, totp_secret, code,
 * recovery_codes, csrf_token, challenge.
 */
void audit_scrub(json_t *value);

#endif
