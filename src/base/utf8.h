/*
 * UTF-8 helpers: strict validation (no overlongs, no surrogates, nothing past
 * U+10FFFF), code point counting and decoding.
 */
#ifndef CRM_BASE_UTF8_H
#define CRM_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool utf8_valid(const char *s, size_t len);
/* Number of code points; assumes valid input. */
size_t utf8_count(const char *s, size_t len);
/* Decodes one code point at s; returns its byte length, or 0 when invalid. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp_out);
/* Encodes cp into out (4 bytes room); returns the byte length, 0 when invalid. */
size_t utf8_encode(uint32_t cp, char *out);
/* The byte length of the first max_chars code points of the NUL-terminated valid text s. */
size_t utf8_prefix_bytes(const char *s, size_t max_chars);

#endif
