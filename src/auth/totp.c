/*
 * TOTP (RFC 6238 over RFC 4226 HOTP) with HMAC-SHA1 from OpenSSL, base32
 * (RFC 4648) for secrets, the otpauth:// key URI, and recovery codes. This is
 * the only file that includes OpenSSL headers; randomness comes from libsodium.
 */
#include "auth/totp.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "base/arena.h"

#define TOTP_SECRET_BYTES 20
#define TOTP_SECRET_MIN_BYTES 16
#define TOTP_SECRET_MAX_BYTES 64
#define TOTP_MODULUS 1000000U
#define RECOVERY_CODE_CHARS 8

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/* Neither 0/o nor 1/l/i. */
static const char recovery_alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";

static void totp_sodium_ready(void)
{
    if (sodium_init() < 0)
        abort();
}

int base32_encode(const unsigned char *in, size_t len, char *out, size_t out_size)
{
    size_t n_chars = (len * 8 + 4) / 5;
    if (out_size < n_chars + 1 || n_chars > INT32_MAX)
        return -1;

    size_t o = 0;
    unsigned buffer = 0, bits = 0;
    for (size_t i = 0; i < len; i++) {
        buffer = (buffer << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = base32_alphabet[(buffer >> (bits - 5)) & 0x1F];
            bits -= 5;
        }
        buffer &= (1U << bits) - 1;
    }
    if (bits > 0)
        out[o++] = base32_alphabet[(buffer << (5 - bits)) & 0x1F];
    out[o] = '\0';
    assert(o == n_chars);
    return (int)o;
}

static int base32_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

int base32_decode(const char *in, unsigned char *out, size_t out_size, size_t *len_out)
{
    size_t o = 0, n_chars = 0;
    unsigned buffer = 0, bits = 0;

    for (const char *p = in; *p != '\0'; p++) {
        if (*p == ' ' || *p == '=')
            continue;
        int v = base32_value(*p);
        if (v < 0)
            return -1;
        n_chars++;
        buffer = (buffer << 5) | (unsigned)v;
        bits += 5;
        if (bits >= 8) {
            if (o == out_size)
                return -1;
            out[o++] = (unsigned char)(buffer >> (bits - 8));
            bits -= 8;
            buffer &= (1U << bits) - 1;
        }
    }
    /* 1, 3 or 6 characters past a multiple of 8 cannot come from any byte count. */
    size_t rest = n_chars % 8;
    if (rest == 1 || rest == 3 || rest == 6)
        return -1;
    *len_out = o;
    return 0;
}

void totp_secret_generate(char out[TOTP_SECRET_BASE32_BYTES])
{
    unsigned char raw[TOTP_SECRET_BYTES];
    totp_sodium_ready();
    randombytes_buf(raw, sizeof(raw));
    int n = base32_encode(raw, sizeof(raw), out, TOTP_SECRET_BASE32_BYTES);
    assert(n == TOTP_SECRET_BASE32_BYTES - 1);
    (void)n;
    sodium_memzero(raw, sizeof(raw));
}

int totp_code(const char *secret_base32, int64_t step, char out[TOTP_DIGITS + 1])
{
    unsigned char key[TOTP_SECRET_MAX_BYTES];
    unsigned char counter[8];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    size_t key_len = 0;
    int rc = -1;

    if (secret_base32 == NULL || step < 0)
        return -1;
    if (base32_decode(secret_base32, key, sizeof(key), &key_len) != 0 ||
        key_len < TOTP_SECRET_MIN_BYTES)
        goto out;

    uint64_t c = (uint64_t)step;
    for (int i = 7; i >= 0; i--) {
        counter[i] = (unsigned char)(c & 0xFF);
        c >>= 8;
    }
    if (HMAC(EVP_sha1(), key, (int)key_len, counter, sizeof(counter), mac, &mac_len) == NULL ||
        mac_len < 20)
        goto out;

    /* RFC 4226 dynamic truncation. */
    unsigned offset = mac[mac_len - 1] & 0x0F;
    uint32_t bin = ((uint32_t)(mac[offset] & 0x7F) << 24) | ((uint32_t)mac[offset + 1] << 16) |
                   ((uint32_t)mac[offset + 2] << 8) | (uint32_t)mac[offset + 3];
    snprintf(out, TOTP_DIGITS + 1, "%06u", (unsigned)(bin % TOTP_MODULUS));
    rc = 0;
out:
    sodium_memzero(key, sizeof(key));
    sodium_memzero(mac, sizeof(mac));
    return rc;
}

/* Copies the digits of code into out, dropping spaces; false unless exactly 6 digits. */
static bool totp_code_normalise(const char *code, char out[TOTP_DIGITS + 1])
{
    size_t n = 0;
    for (const char *p = code; *p != '\0'; p++) {
        if (*p == ' ')
            continue;
        if (*p < '0' || *p > '9' || n == TOTP_DIGITS)
            return false;
        out[n++] = *p;
    }
    out[n] = '\0';
    return n == TOTP_DIGITS;
}

bool totp_verify(const char *secret_base32, const char *code, int64_t now_s, int64_t last_step,
                 int64_t *step_out)
{
    char given[TOTP_DIGITS + 1];
    char expected[TOTP_DIGITS + 1];
    bool found = false;
    int64_t found_step = 0;

    if (code == NULL || now_s < 0 || !totp_code_normalise(code, given))
        return false;
    int64_t step = now_s / TOTP_STEP_S;
    /* Every candidate is computed and compared, so the time taken does not say which matched. */
    for (int64_t s = step - 1; s <= step + 1; s++) {
        if (totp_code(secret_base32, s, expected) != 0)
            continue;
        bool match = sodium_memcmp(given, expected, TOTP_DIGITS) == 0;
        if (match && s > last_step && !found) {
            found = true;
            found_step = s;
        }
    }
    if (found && step_out != NULL)
        *step_out = found_step;
    return found;
}

static bool totp_url_keeps(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '@';
}

static char *totp_percent_encode(struct arena *arena, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(s);
    char *out = arena_alloc(arena, len * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (totp_url_keeps(c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 0x0F];
        }
    }
    out[o] = '\0';
    return out;
}

char *totp_otpauth_url(struct arena *arena, const char *issuer, const char *account,
                       const char *secret_base32)
{
    const char *i = totp_percent_encode(arena, issuer);
    const char *a = totp_percent_encode(arena, account);
    const char *s = totp_percent_encode(arena, secret_base32);
    return arena_printf(arena,
                        "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d"
                        "&period=%d",
                        i, a, s, i, TOTP_DIGITS, TOTP_STEP_S);
}

void recovery_code_generate(char out[RECOVERY_CODE_BYTES])
{
    totp_sodium_ready();
    size_t o = 0;
    for (int i = 0; i < RECOVERY_CODE_CHARS; i++) {
        if (i == RECOVERY_CODE_CHARS / 2)
            out[o++] = '-';
        out[o++] = recovery_alphabet[randombytes_uniform(sizeof(recovery_alphabet) - 1)];
    }
    out[o] = '\0';
}

int recovery_code_normalise(const char *in, char out[RECOVERY_CODE_BYTES])
{
    char chars[RECOVERY_CODE_CHARS];
    size_t n = 0;
    bool dash = false;

    if (in == NULL)
        return -1;
    const char *p = in, *end = in + strlen(in);
    while (p < end && *p == ' ')
        p++;
    while (end > p && end[-1] == ' ')
        end--;
    for (const char *q = p; q < end; q++) {
        char c = *q;
        if (c == '-' && n == RECOVERY_CODE_CHARS / 2 && !dash) {
            dash = true;
            continue;
        }
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (n == RECOVERY_CODE_CHARS || strchr(recovery_alphabet, c) == NULL)
            return -1;
        chars[n++] = c;
    }
    if (n != RECOVERY_CODE_CHARS)
        return -1;
    memcpy(out, chars, RECOVERY_CODE_CHARS / 2);
    out[RECOVERY_CODE_CHARS / 2] = '-';
    memcpy(out + RECOVERY_CODE_CHARS / 2 + 1, chars + RECOVERY_CODE_CHARS / 2,
           RECOVERY_CODE_CHARS / 2);
    out[RECOVERY_CODE_BYTES - 1] = '\0';
    return 0;
}
