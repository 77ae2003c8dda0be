/*
 * Session and API token secrets with libsodium: 32 random bytes in base64url,
 * stored only as their BLAKE2b hash; the CSRF token is a keyed BLAKE2b of the
 * session token so it needs no storage of its own.
 */
#include "auth/token.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define TOKEN_RANDOM_BYTES 32
#define TOKEN_HASH_BYTES 32
#define TOKEN_MIN_CHARS 20
#define TOKEN_PREFIX "crm_"
#define TOKEN_B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

/* Domain separation: the CSRF key differs from the stored token hash. */
static const unsigned char token_csrf_domain[] = "crm csrf key v1";

_Static_assert(sodium_base64_ENCODED_LEN(TOKEN_RANDOM_BYTES, TOKEN_B64_VARIANT) ==
                   TOKEN_RANDOM_CHARS + 1,
               "base64url length of the random part");
_Static_assert(sizeof(TOKEN_PREFIX) + TOKEN_RANDOM_CHARS <= TOKEN_TEXT_MAX,
               "a prefixed token fits TOKEN_TEXT_MAX");

static void token_sodium_ready(void)
{
    if (sodium_init() < 0)
        abort();
}

void token_generate(const char *prefix, char *out, size_t size)
{
    unsigned char raw[TOKEN_RANDOM_BYTES];
    size_t prefix_len = strlen(prefix);

    assert(size >= prefix_len + TOKEN_RANDOM_CHARS + 1);
    token_sodium_ready();
    randombytes_buf(raw, sizeof(raw));
    memcpy(out, prefix, prefix_len);
    sodium_bin2base64(out + prefix_len, size - prefix_len, raw, sizeof(raw), TOKEN_B64_VARIANT);
    sodium_memzero(raw, sizeof(raw));
}

void token_hash(const char *token, size_t len, char out[TOKEN_HASH_HEX_BYTES])
{
    unsigned char h[TOKEN_HASH_BYTES];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, len, NULL, 0);
    sodium_bin2hex(out, TOKEN_HASH_HEX_BYTES, h, sizeof(h));
}

void token_csrf(const char *session_token, char out[TOKEN_TEXT_MAX])
{
    unsigned char key[crypto_generichash_KEYBYTES];
    unsigned char mac[TOKEN_HASH_BYTES];
    static const unsigned char message[] = "csrf";

    crypto_generichash(key, sizeof(key), (const unsigned char *)session_token,
                       strlen(session_token), token_csrf_domain, sizeof(token_csrf_domain) - 1);
    crypto_generichash(mac, sizeof(mac), message, sizeof(message) - 1, key, sizeof(key));
    sodium_bin2base64(out, TOKEN_TEXT_MAX, mac, sizeof(mac), TOKEN_B64_VARIANT);
    sodium_memzero(key, sizeof(key));
}

bool token_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return false;
    size_t a_len = strlen(a), b_len = strlen(b);
    if (a_len != b_len)
        return false;
    return sodium_memcmp(a, b, a_len) == 0;
}

static bool token_b64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool token_well_formed(const char *token, size_t max_len)
{
    if (token == NULL)
        return false;
    size_t len = max_len < SIZE_MAX ? strnlen(token, max_len + 1) : strlen(token);
    if (len < TOKEN_MIN_CHARS || len > max_len)
        return false;
    size_t i =
        strncmp(token, TOKEN_PREFIX, sizeof(TOKEN_PREFIX) - 1) == 0 ? sizeof(TOKEN_PREFIX) - 1 : 0;
    for (; i < len; i++) {
        if (!token_b64url_char(token[i]))
            return false;
    }
    return true;
}
