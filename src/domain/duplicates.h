/*
 * Duplicates of records: the matcher of domain/dedup.h applied to the
 * records of the API (contacts and leads as people, companies as
 * companies): their blocking keys, kept in the store beside each record,
 * and the score of two records with its reason.
 */
#ifndef CRM_DOMAIN_DUPLICATES_H
#define CRM_DOMAIN_DUPLICATES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct arena;
struct entity;

/* The country national phone numbers are read in when none is set. */
#define DUPLICATES_DEFAULT_COUNTRY "RU"

/* Whether entity's records are matched for duplicates (contacts, companies, leads). */
bool duplicates_entity(const struct entity *entity);

/* The blocking keys of record (its API JSON), distinct, in arena; returns how many. */
size_t duplicates_keys(struct arena *arena, const struct entity *entity, const json_t *record,
                       const char *country, const char ***keys);

/* How alike a and b are, 0..1, and why ("same e-mail"); *reason NULL when nothing matched. */
double duplicates_score(struct arena *arena, const struct entity *entity, const json_t *a,
                        const json_t *b, const char *country, const char **reason);

/* The key an e-mail or a phone is found by ("e:...", "p:+7..."); NULL when it is not one. */
const char *duplicates_email_key(struct arena *arena, const char *email);
const char *duplicates_phone_key(struct arena *arena, const char *phone, const char *country);

#endif
