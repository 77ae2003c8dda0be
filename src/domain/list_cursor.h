/*
 * Keyset cursors for list pages: the sort keys of the last row served,
 * with the sort they belong to, as base64url JSON. Decoding is strict (it
 * parses outside input): a cursor that is malformed, too long, or made for
 * another sort is ERR_BAD_CURSOR.
 */
#ifndef CRM_DOMAIN_LIST_CURSOR_H
#define CRM_DOMAIN_LIST_CURSOR_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

struct arena;

#define LIST_CURSOR_MAX_CHARS 2048

/* values: one JSON scalar (string, integer, real or null) per sort key. */
char *list_cursor_encode(struct arena *arena, const char *sort, const json_t *values);

/*
 * Decodes text made for `sort` with n_keys keys; *values is a new reference
 * to an array of n_keys scalars.
 */
int list_cursor_decode(const char *text, size_t len, const char *sort, size_t n_keys,
                       json_t **values, struct err *err);

#endif
