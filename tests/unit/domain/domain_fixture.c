/*
 * The domain tests' helpers (see domain_fixture.h).
 */
#include "domain_fixture.h"

#include <string.h>

#include "../test.h"

static long live_allocations;

static void *counting_malloc(size_t size)
{
    void *p = malloc(size);
    if (p != NULL)
        live_allocations++;
    return p;
}

static void counting_free(void *p)
{
    if (p != NULL)
        live_allocations--;
    free(p);
}

void fixture_count_json_allocations(void)
{
    live_allocations = 0;
    json_set_alloc_funcs(counting_malloc, counting_free);
}

long fixture_live_json_allocations(void)
{
    return live_allocations;
}

json_t *fixture_json(const char *text)
{
    char copy[8192];
    size_t len = strlen(text);
    if (len >= sizeof(copy))
        test_fail(__FILE__, __LINE__, "fixture JSON too long");
    for (size_t i = 0; i <= len; i++)
        copy[i] = text[i] == '\'' ? '"' : text[i];
    json_error_t jerr;
    json_t *value = json_loads(copy, JSON_DECODE_ANY, &jerr);
    if (value == NULL)
        test_fail(__FILE__, __LINE__, "bad fixture JSON: %s in %s", jerr.text, copy);
    return value;
}

const char *fixture_field_message(const struct err *err, const char *field)
{
    for (size_t i = 0; i < err->n_fields && i < ERR_MAX_FIELDS; i++) {
        if (strcmp(err->fields[i].field, field) == 0)
            return err->fields[i].message;
    }
    return NULL;
}

bool fixture_json_equal(const json_t *a, const char *b_text)
{
    json_t *b = fixture_json(b_text);
    bool equal = a != NULL && json_equal(a, b);
    json_decref(b);
    return equal;
}
