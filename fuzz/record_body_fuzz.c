/*
 * Fuzz target for JSON request bodies as the record endpoints see them: the
 * body is parsed like http_request_json does (depth limit, strict UTF-8,
 * duplicate keys refused), then validated as a company and as a contact
 * (create and update, with custom fields of every type) and as a custom
 * field definition. Nothing may crash or leak, and an accepted body must
 * yield changes that validate again unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/record.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct custom_fields *fuzz_custom_fields(void)
{
    static struct custom_field items[13];
    static struct custom_fields fields = {items, 0};
    static json_t *options;
    if (fields.n > 0)
        return &fields;
    options = json_pack("[sss]", "North", "South", "Восток");
    for (size_t i = 0; i < custom_type_count() && i < 13; i++) {
        const struct custom_type *type = custom_type_at(i);
        items[i] = (struct custom_field){(int64_t)i + 1, "companies", type->name, type->name, type,
                                         options, i % 5 == 0};
    }
    fields.n = custom_type_count() < 13 ? custom_type_count() : 13;
    return &fields;
}

static void validate_as(struct arena *arena, const struct entity *entity, const json_t *body,
                        const json_t *existing)
{
    struct err err;
    json_t *changes = NULL;
    err_clear(&err);
    if (record_validate(arena, entity, fuzz_custom_fields(), body, existing, &changes, &err) < 0)
        return;
    /*
     * Normalised column values are valid as they stand. The custom object
     * (merged) and links (turned into {"id","role"} objects) are internal forms.
     */
    json_t *again = NULL;
    json_t *without_custom = json_deep_copy(changes);
    json_object_del(without_custom, "custom");
    json_object_del(without_custom, "company_ids");
    json_object_del(without_custom, "companies");
    err_clear(&err);
    if (record_validate(arena, entity, fuzz_custom_fields(), without_custom, existing ? existing : body,
                        &again, &err) < 0)
        abort();
    json_decref(again);
    json_decref(without_custom);
    json_decref(changes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *arena = arena_new();
    struct http_request req = {0};
    req.arena = arena;
    char *body_text = arena_alloc(arena, size + 1); /* zeroed: NUL-terminated */
    memcpy(body_text, data, size);
    req.body = body_text;
    req.body_len = size;
    req.max_json_depth = 32;
    err_clear(&req.err);
    json_t *body = NULL;
    if (http_request_parse_json(&req, "application/json", &body) == 0) {
        json_t *existing = json_pack("{s:s,s:s,s:{}}", "name", "Acme", "first_name", "Anna",
                                     "custom");
        validate_as(arena, &entity_companies, body, NULL);
        validate_as(arena, &entity_companies, body, existing);
        validate_as(arena, &entity_contacts, body, NULL);
        validate_as(arena, &entity_contacts, body, existing);
        struct err err;
        json_t *clean = NULL;
        err_clear(&err);
        if (custom_field_validate_definition(body, NULL, &clean, &err) == 0)
            json_decref(clean);
        json_decref(existing);
    }
    arena_free(arena);
    return 0;
}
