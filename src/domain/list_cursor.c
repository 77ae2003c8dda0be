/*
 * Keyset cursor encoding: {"s": sort, "k": [values]} as compact JSON, then
 * base64url without padding (libsodium's codec).
 */
#include "domain/list_cursor.h"

#include <sodium.h>
#include <string.h>

#include "base/arena.h"

char *list_cursor_encode(struct arena *arena, const char *sort, const json_t *values)
{
    json_t *doc = json_pack("{s:s,s:O}", "s", sort, "k", values);
    char *json = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (json == NULL)
        return NULL;
    size_t len = strlen(json);
    size_t out_len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(arena, out_len);
    sodium_bin2base64(out, out_len, (const unsigned char *)json, len,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    free(json);
    return out;
}

int list_cursor_decode(const char *text, size_t len, const char *sort, size_t n_keys,
                       json_t **values, struct err *err)
{
    unsigned char raw[LIST_CURSOR_MAX_CHARS];
    size_t raw_len = 0;
    *values = NULL;
    if (len == 0 || len > LIST_CURSOR_MAX_CHARS)
        return err_set(err, ERR_BAD_CURSOR, "the cursor is empty or too long");
    if (sodium_base642bin(raw, sizeof(raw), text, len, NULL, &raw_len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return err_set(err, ERR_BAD_CURSOR, "the cursor is not valid base64url");
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)raw, raw_len, JSON_REJECT_DUPLICATES, &jerr);
    int rc = 0;
    const json_t *keys = json_object_get(doc, "k");
    const char *doc_sort = json_string_value(json_object_get(doc, "s"));
    if (doc == NULL || !json_is_object(doc) || !json_is_array(keys) || doc_sort == NULL) {
        rc = err_set(err, ERR_BAD_CURSOR, "the cursor is malformed");
        goto out;
    }
    if (strcmp(doc_sort, sort) != 0 || json_array_size(keys) != n_keys) {
        rc = err_set(err, ERR_BAD_CURSOR, "the cursor belongs to another sort order");
        goto out;
    }
    size_t i;
    const json_t *v;
    json_array_foreach(keys, i, v)
    {
        if (!(json_is_string(v) || json_is_integer(v) || json_is_real(v) || json_is_null(v) ||
              json_is_boolean(v))) {
            rc = err_set(err, ERR_BAD_CURSOR, "the cursor is malformed");
            goto out;
        }
    }
    *values = json_incref((json_t *)keys);
out:
    json_decref(doc);
    return rc;
}
