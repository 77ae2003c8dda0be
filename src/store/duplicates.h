/*
 * The duplicate keys of records (domain/duplicates.h): written with every
 * create and update of a matched entity, read to find the records that may
 * be the same as a candidate without scanning the table.
 */
#ifndef CRM_STORE_DUPLICATES_H
#define CRM_STORE_DUPLICATES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct entity;
struct store_conn;

#define SETTING_DEFAULT_COUNTRY "default_country"

/* The country national phone numbers are read in (setting default_country), into out[3]. */
int store_default_country(struct store_conn *conn, struct arena *arena, char out[3],
                          struct err *err);
/* Replaces the keys of record_id with those of merged (the whole record as written). */
int store_dup_keys_write(struct store_conn *conn, struct arena *arena,
                         const struct entity *entity, int64_t record_id, const json_t *merged,
                         struct err *err);
/* The ids (distinct, ascending, at most limit) of live records having any of keys. */
int store_dup_keys_find(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                        const char *const *keys, size_t n_keys, size_t limit, int64_t **ids,
                        size_t *n_ids, struct err *err);

#endif
