/*
 * Record rules shared by every entity: a request body is checked against the
 * entity's field table and its custom fields (unknown and read-only fields,
 * types, lengths, formats, required values) and turned into the normalised
 * changes the store writes; the filter schema and sort keys come from the
 * same tables.
 */
#ifndef CRM_DOMAIN_RECORD_H
#define CRM_DOMAIN_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "query/filter.h"

struct arena;

/*
 * Validates body (a JSON object) for a create (existing == NULL) or an
 * update of existing. On success *changes holds the columns to write,
 * normalised: lists and objects as JSON values, custom as the whole merged
 * object, links as [{"id","role"}] under the key the client used (the
 * links field or its expanded form, "company_ids" or "companies"). Every
 * problem found is reported at once as field errors (ERR_VALIDATION).
 */
int record_validate(struct arena *arena, const struct entity *entity,
                    const struct custom_fields *custom, const json_t *body,
                    const json_t *existing, json_t **changes, struct err *err);

/* The filter schema: declared fields plus custom fields as "custom.<name>". */
const struct schema *record_filter_schema(struct arena *arena, const struct entity *entity,
                                          const struct custom_fields *custom);

#define RECORD_SORT_MAX_KEYS 3

struct sort_key {
    const struct schema_field *field;
    bool descending;
};

/*
 * Parses "-amount,name" against the schema; always ends with id as tie-breaker,
 * so keys must hold RECORD_SORT_MAX_KEYS + 1 entries.
 */
int record_parse_sort(struct arena *arena, const struct schema *schema, const char *text,
                      struct sort_key *keys, size_t *n_keys, struct err *err);

/* Checks a "fields=id,name" list; NULL text means every field. */
int record_parse_projection(struct arena *arena, const struct entity *entity, const char *text,
                            const char ***names, size_t *n_names, struct err *err);

/*
 * A FIELD_NUMBER column holds a decimal with at most RECORD_NUMBER_SCALE
 * places, written as a decimal string in the API ("20", "7.5").
 */
#define RECORD_NUMBER_SCALE 4
/* The canonical text of a number scaled by 10^RECORD_NUMBER_SCALE: "7.5", "20". */
const char *record_number_text(int64_t scaled, char *out, size_t out_size);

/*
 * A field error for each key of object that allowed does not name: "is
 * read-only" for those of read_only (a pipeline stage's position comes from
 * the order of the list), "unknown field" for the rest. prefix goes before
 * each key ("stages[1]."). False when there was any.
 */
bool record_keys_check(const json_t *object, const char *prefix, const char *const *allowed,
                       size_t n_allowed, const char *const *read_only, size_t n_read_only,
                       struct err *err);

/* Common validators, exposed for tests. */
bool record_email_valid(const char *s);
bool record_phone_valid(const char *s);
bool record_url_valid(const char *s);
/* A date-time with its time part ("2026-11-23T10:00:00+03:00") into canonical UTC text. */
int record_datetime_normalise(const char *s, char *out);

#endif
