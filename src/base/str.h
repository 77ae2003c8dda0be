/*
 * String slices: a pointer and a length, not necessarily NUL-terminated.
 * Parsers advance over slices instead of copying.
 */
#ifndef CRM_BASE_STR_H
#define CRM_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

struct str {
    const char *ptr;
    size_t len;
};

#define STR_LIT(lit) ((struct str){(lit), sizeof(lit) - 1})

struct str str_from_cstr(const char *s);
bool str_eq(struct str a, struct str b);
bool str_eq_cstr(struct str a, const char *b);
/* ASCII case-insensitive. */
bool str_eq_nocase(struct str a, const char *b);
bool str_starts_with(struct str s, const char *prefix);
struct str str_trim(struct str s);
/* Splits at the first sep: head is before it, *rest after; false when absent (head = s). */
bool str_split(struct str s, char sep, struct str *head, struct str *rest);
char *str_to_cstr(struct arena *arena, struct str s);
/* Whole slice must be a base-10 integer in range; 0 or -ERR_BAD_REQUEST. */
int str_to_int64(struct str s, int64_t *out);

#endif
