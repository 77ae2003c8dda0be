/*
 * Second factor: RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) with
 * RFC 4648 base32 secrets, the otpauth:// URL an authenticator app scans, and
 * single-use recovery codes.
 */
#ifndef CRM_AUTH_TOTP_H
#define CRM_AUTH_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* 32 base32 characters of a 20-byte secret, and the NUL. */
#define TOTP_SECRET_BASE32_BYTES 33
#define TOTP_STEP_S 30
#define TOTP_DIGITS 6

void totp_secret_generate(char out[TOTP_SECRET_BASE32_BYTES]);

/*
 * Writes the 6-digit code of a time step (unix seconds / 30). -1 when the
 * secret is not base32 of 16..64 bytes or the step is negative.
 */
int totp_code(const char *secret_base32, int64_t step, char out[TOTP_DIGITS + 1]);

/*
 * True when code (exactly 6 digits; spaces anywhere are ignored) is the code
 * of the step of now_s or of one step either side, and that step is later
 * than last_step (a step already used is a replay). *step_out (may be NULL)
 * receives the matching step, to be stored as the new last_step.
 */
bool totp_verify(const char *secret_base32, const char *code, int64_t now_s, int64_t last_step,
                 int64_t *step_out);

/*
 * otpauth://totp/ISSUER:ACCOUNT?secret=S&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
 * with issuer and account percent-encoded (all but unreserved characters and
 * '@').
 */
char *totp_otpauth_url(struct arena *arena, const char *issuer, const char *account,
                       const char *secret_base32);

/*
 * RFC 4648 base32, upper case, written without '=' padding and NUL-terminated.
 * Returns the number of characters, or -1 when out_size is too small.
 */
int base32_encode(const unsigned char *in, size_t len, char *out, size_t out_size);
/*
 * Decodes base32, case-insensitive, ignoring spaces and '='. -1 on a character
 * outside the alphabet, an impossible length, or more than out_size bytes.
 */
int base32_decode(const char *in, unsigned char *out, size_t out_size, size_t *len_out);

/* "abcd-efgh" and the NUL. */
#define RECOVERY_CODE_BYTES 10

/* 8 random characters from a lower-case alphabet without 0/o/1/l/i, dash in the middle. */
void recovery_code_generate(char out[RECOVERY_CODE_BYTES]);
/*
 * Normalises what a user typed to "abcd-efgh": case and surrounding spaces
 * ignored, the dash optional. -1 when not 8 characters of the alphabet.
 */
int recovery_code_normalise(const char *in, char out[RECOVERY_CODE_BYTES]);

#endif
