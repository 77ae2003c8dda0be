/*
 * Secrets for sessions and API tokens: generation, the hash that is stored in
 * place of the secret, the CSRF token derived from a session, constant-time
 * comparison and a shape check run before any lookup.
 */
#ifndef CRM_AUTH_TOKEN_H
#define CRM_AUTH_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_TEXT_MAX 64
#define TOKEN_HASH_HEX_BYTES 65
/* Characters of the random part (base64url of 32 bytes, no padding). */
#define TOKEN_RANDOM_CHARS 43

/*
 * Writes prefix (may be "") followed by base64url without padding of 32
 * random bytes, NUL-terminated; size must be >= strlen(prefix) + 44.
 */
void token_generate(const char *prefix, char *out, size_t size);

/* Lower-case hex of the 32-byte BLAKE2b hash of the token. */
void token_hash(const char *token, size_t len, char out[TOKEN_HASH_HEX_BYTES]);

/*
 * The CSRF token of a session: base64url of BLAKE2b over "csrf" keyed with a
 * hash of the session token. Deterministic per session, useless without it.
 */
void token_csrf(const char *session_token, char out[TOKEN_TEXT_MAX]);

/* Constant-time equality; NULL or different lengths are unequal. */
bool token_equal(const char *a, const char *b);

/*
 * True when the token is an optional "crm_" prefix followed by base64url
 * characters only ('A'-'Z', 'a'-'z', '0'-'9', '-', '_'), and is 20..max_len
 * characters long in total.
 */
bool token_well_formed(const char *token, size_t max_len);

#endif
