/*
 * Records as the matcher's people and companies (domain/duplicates.h).
 */
#include "domain/duplicates.h"

#include <string.h>

#include "base/arena.h"
#include "domain/dedup.h"
#include "domain/entity.h"
#include "domain/phone.h"

bool duplicates_entity(const struct entity *entity)
{
    return entity == &entity_contacts || entity == &entity_companies || entity == &entity_leads;
}

static const char *text_of(const json_t *record, const char *key)
{
    return json_string_value(json_object_get(record, key));
}

/* A list field's strings, or the one string of a single field, in arena. */
static const char *const *strings_of(struct arena *arena, const json_t *record, const char *list,
                                     const char *single, size_t *n)
{
    const json_t *values = json_object_get(record, list);
    size_t count = json_is_array(values) ? json_array_size(values) : 0;
    const char **out = arena_alloc_array(arena, count + 1, sizeof(char *));
    *n = 0;
    for (size_t i = 0; i < count; i++) {
        const char *s = json_string_value(json_array_get(values, i));
        if (s != NULL)
            out[(*n)++] = s;
    }
    const char *one = single != NULL ? text_of(record, single) : NULL;
    if (one != NULL)
        out[(*n)++] = one;
    return out;
}

/* The first company a contact is linked to, by name (the expanded links). */
static const char *contact_company(const json_t *record)
{
    const json_t *companies = json_object_get(record, "companies");
    const char *name = text_of(json_array_get(companies, 0), "name");
    return name != NULL ? name : text_of(record, "company_name");
}

static void person_of(struct arena *arena, const json_t *record, struct dedup_person *p)
{
    memset(p, 0, sizeof(*p));
    p->id = json_integer_value(json_object_get(record, "id"));
    p->first_name = text_of(record, "first_name");
    p->last_name = text_of(record, "last_name");
    if (p->first_name == NULL && p->last_name == NULL) /* leads: one name field */
        p->last_name = text_of(record, "name");
    p->emails = strings_of(arena, record, "emails", "email", &p->n_emails);
    p->phones = strings_of(arena, record, "phones", "phone", &p->n_phones);
    p->company = contact_company(record);
}

static void company_of(struct arena *arena, const json_t *record, struct dedup_company *c)
{
    memset(c, 0, sizeof(*c));
    c->id = json_integer_value(json_object_get(record, "id"));
    c->name = text_of(record, "name");
    c->website = text_of(record, "website");
    c->emails = strings_of(arena, record, "emails", NULL, &c->n_emails);
    c->phones = strings_of(arena, record, "phones", NULL, &c->n_phones);
}

size_t duplicates_keys(struct arena *arena, const struct entity *entity, const json_t *record,
                       const char *country, const char ***keys)
{
    if (entity == &entity_companies) {
        struct dedup_company c;
        company_of(arena, record, &c);
        return dedup_company_keys(arena, &c, country, keys);
    }
    struct dedup_person p;
    person_of(arena, record, &p);
    return dedup_person_keys(arena, &p, country, keys);
}

double duplicates_score(struct arena *arena, const struct entity *entity, const json_t *a,
                        const json_t *b, const char *country, const char **reason)
{
    *reason = NULL;
    if (entity == &entity_companies) {
        struct dedup_company x, y;
        company_of(arena, a, &x);
        company_of(arena, b, &y);
        return dedup_company_score(arena, &x, &y, country, reason);
    }
    struct dedup_person x, y;
    person_of(arena, a, &x);
    person_of(arena, b, &y);
    return dedup_person_score(arena, &x, &y, country, reason);
}

const char *duplicates_email_key(struct arena *arena, const char *email)
{
    const char *normal = email != NULL ? dedup_email_normalize(arena, email) : NULL;
    return normal != NULL && normal[0] != '\0' ? arena_printf(arena, "e:%s", normal) : NULL;
}

const char *duplicates_phone_key(struct arena *arena, const char *phone, const char *country)
{
    const char *e164 = phone != NULL ? phone_to_e164(arena, phone, country) : NULL;
    return e164 != NULL ? arena_printf(arena, "p:%s", e164) : NULL;
}
