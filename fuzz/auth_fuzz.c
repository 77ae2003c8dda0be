/*
 * Fuzz target for the auth parsers of outside input (src/auth). The first
 * byte picks the parser (modulo 6, so '0'..'5' in the seed files) and the
 * rest is its input: 0 Origin, Sec-Fetch-Site and Host (split on '\n'; a
 * missing line is an absent header), 1 base32, 2 a recovery code, 3 an API
 * token's shape, 4 a TOTP code against a fixed secret and time, 5 a new
 * password. Each answer is checked against what the header promises.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/csrf.h"
#include "auth/password.h"
#include "auth/token.h"
#include "auth/totp.h"
#include "base/err.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* RFC 4226's "12345678901234567890"; at 59 s the window is steps 0..2 (755224, 287082, 359152). */
#define FUZZ_TOTP_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define FUZZ_TOTP_NOW_S 59
#define FUZZ_BASE32_MAX_BYTES 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the bytes (cut at an embedded NUL when read as a string). */
static char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* An ASCII upper-case copy. */
static char *fuzz_upper(const char *s)
{
    char *u = fuzz_cstr((const uint8_t *)s, strlen(s));
    for (char *p = u; *p != '\0'; p++) {
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    }
    return u;
}

/* The next line of *rest, NUL-terminated in place; NULL once the lines have run out. */
static char *fuzz_line(char **rest)
{
    char *line = *rest;
    if (line == NULL)
        return NULL;
    char *nl = strchr(line, '\n');
    if (nl != NULL)
        *nl++ = '\0';
    *rest = nl;
    return line;
}

static void fuzz_csrf(char *input)
{
    char *rest = input;
    const char *origin = fuzz_line(&rest);
    const char *site = fuzz_line(&rest);
    const char *host = fuzz_line(&rest);
    bool allowed = csrf_origin_allowed(origin, site, host);
    if (site != NULL && strcmp(site, "cross-site") == 0) {
        FUZZ_CHECK(!allowed);
        return;
    }
    if (site != NULL && (strcmp(site, "same-origin") == 0 || strcmp(site, "same-site") == 0 ||
                         strcmp(site, "none") == 0)) {
        FUZZ_CHECK(allowed);
        return;
    }
    /* An absent or unknown Sec-Fetch-Site: Origin against Host decides. */
    FUZZ_CHECK(allowed == csrf_origin_allowed(origin, NULL, host));
    if (origin == NULL || origin[0] == '\0') {
        FUZZ_CHECK(allowed);
        return;
    }
    if (host != NULL) {
        /* Scheme, host name and Host compare case-insensitively. */
        char *origin_upper = fuzz_upper(origin), *host_upper = fuzz_upper(host);
        FUZZ_CHECK(allowed == csrf_origin_allowed(origin_upper, NULL, host_upper));
        free(host_upper);
        free(origin_upper);
    }
    if (allowed) {
        FUZZ_CHECK(host != NULL && host[0] != '\0');
        FUZZ_CHECK(strncasecmp(origin, "http://", 7) == 0 ||
                   strncasecmp(origin, "https://", 8) == 0);
    }
}

static void fuzz_base32(const char *input)
{
    unsigned char raw[FUZZ_BASE32_MAX_BYTES], again[FUZZ_BASE32_MAX_BYTES];
    char text[FUZZ_BASE32_MAX_BYTES * 8 / 5 + 2];
    size_t len = 0, len2 = 0;
    if (base32_decode(input, raw, sizeof(raw), &len) != 0)
        return;
    FUZZ_CHECK(len <= sizeof(raw));
    int n = base32_encode(raw, len, text, sizeof(text));
    FUZZ_CHECK(n >= 0 && (size_t)n == strlen(text) && (size_t)n == (len * 8 + 4) / 5);
    FUZZ_CHECK(base32_decode(text, again, sizeof(again), &len2) == 0);
    FUZZ_CHECK(len2 == len && memcmp(raw, again, len) == 0);
    if (len > 0)
        FUZZ_CHECK(base32_decode(input, again, len - 1, &len2) != 0);
}

static void fuzz_recovery_code(const char *input)
{
    char out[RECOVERY_CODE_BYTES], again[RECOVERY_CODE_BYTES];
    if (recovery_code_normalise(input, out) != 0)
        return;
    FUZZ_CHECK(strlen(out) == RECOVERY_CODE_BYTES - 1 && out[4] == '-');
    for (size_t i = 0; i < RECOVERY_CODE_BYTES - 1; i++) {
        if (i != 4)
            FUZZ_CHECK(strchr("23456789abcdefghjkmnpqrstuvwxyz", out[i]) != NULL);
    }
    FUZZ_CHECK(recovery_code_normalise(out, again) == 0 && strcmp(out, again) == 0);
}

static bool fuzz_b64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static void fuzz_token(const char *input)
{
    size_t len = strlen(input);
    bool chars_ok = true;
    for (size_t i = 0; i < len; i++)
        chars_ok = chars_ok && fuzz_b64url(input[i]);
    /* "crm_" is base64url itself, so the prefix changes nothing about the characters. */
    bool expected = chars_ok && len >= 20 && len <= TOKEN_TEXT_MAX;
    FUZZ_CHECK(token_well_formed(input, TOKEN_TEXT_MAX) == expected);
    FUZZ_CHECK(token_well_formed(input, SIZE_MAX) == (chars_ok && len >= 20));
    if (len > 0)
        FUZZ_CHECK(!token_well_formed(input, len - 1));
}

static void fuzz_totp(const char *input)
{
    char codes[3][TOTP_DIGITS + 1], given[TOTP_DIGITS + 1];
    int64_t step = FUZZ_TOTP_NOW_S / TOTP_STEP_S, found = -100;
    for (int i = 0; i < 3; i++)
        FUZZ_CHECK(totp_code(FUZZ_TOTP_SECRET, step - 1 + i, codes[i]) == 0);
    /* The code as the header describes it: exactly 6 digits once spaces are dropped. */
    size_t n = 0;
    bool shaped = true;
    for (const char *p = input; *p != '\0' && shaped; p++) {
        if (*p == ' ')
            continue;
        if (*p < '0' || *p > '9' || n == TOTP_DIGITS)
            shaped = false;
        else
            given[n++] = *p;
    }
    given[n] = '\0';
    shaped = shaped && n == TOTP_DIGITS;
    int64_t expected = -100;
    for (int i = 0; i < 3 && shaped; i++) {
        if (strcmp(given, codes[i]) == 0) {
            expected = step - 1 + i;
            break;
        }
    }
    bool ok = totp_verify(FUZZ_TOTP_SECRET, input, FUZZ_TOTP_NOW_S, -1, &found);
    FUZZ_CHECK(ok == (expected >= 0));
    if (ok) {
        FUZZ_CHECK(found == expected);
        /* The step just used is a replay now; later steps of the window still count. */
        bool later = false;
        for (int64_t s = found + 1; s <= step + 1; s++)
            later = later || strcmp(given, codes[s - step + 1]) == 0;
        FUZZ_CHECK(totp_verify(FUZZ_TOTP_SECRET, input, FUZZ_TOTP_NOW_S, found, NULL) == later);
    }
}

static void fuzz_password(const uint8_t *data, size_t size)
{
    struct err err;
    err_clear(&err);
    int rc = password_check_new((const char *)data, size, "password", &err);
    if (rc == 0) {
        FUZZ_CHECK(size >= PASSWORD_MIN_BYTES && size <= PASSWORD_MAX_BYTES);
        FUZZ_CHECK(memchr(data, '\0', size) == NULL);
        FUZZ_CHECK(err.code == ERR_OK);
    } else {
        FUZZ_CHECK(rc == -ERR_VALIDATION && err.code == ERR_VALIDATION);
        FUZZ_CHECK(err.n_fields == 1 && strcmp(err.fields[0].field, "password") == 0);
        if (size >= PASSWORD_MIN_BYTES && size <= PASSWORD_MAX_BYTES &&
            memchr(data, '\0', size) == NULL) {
            /* Only the UTF-8 check is left: some byte must be outside ASCII. */
            bool high = false;
            for (size_t i = 0; i < size; i++)
                high = high || data[i] >= 0x80;
            FUZZ_CHECK(high);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned which = data[0] % 6;
    data++;
    size--;
    if (which == 5) {
        fuzz_password(data, size);
        return 0;
    }
    char *input = fuzz_cstr(data, size);
    switch (which) {
    case 0:
        fuzz_csrf(input);
        break;
    case 1:
        fuzz_base32(input);
        break;
    case 2:
        fuzz_recovery_code(input);
        break;
    case 3:
        fuzz_token(input);
        break;
    default:
        fuzz_totp(input);
        break;
    }
    free(input);
    return 0;
}
