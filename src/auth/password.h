/*
 * Password hashing: argon2id (libsodium) at the OWASP minimum cost, stored as
 * a PHC string. At most a fixed number of hashes run at once so that a burst
 * of sign-ins cannot exhaust memory; an unknown account costs the same time as
 * a known one because verification then runs against a dummy hash.
 */
#ifndef CRM_AUTH_PASSWORD_H
#define CRM_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

struct err;

#define PASSWORD_MIN_BYTES 10
#define PASSWORD_MAX_BYTES 1024
#define PASSWORD_HASH_BYTES 128
#define PASSWORD_GENERATED_CHARS 20

/*
 * Sets how many hashes may run at once (0: the default, 2) and initialises
 * libsodium. Optional: without it the default bound applies.
 */
void password_hashing_init(unsigned max_concurrent);

/*
 * Hashes a password into a NUL-terminated PHC string. -ERR_VALIDATION (field
 * "password") when longer than PASSWORD_MAX_BYTES; -ERR_INTERNAL when
 * libsodium fails (out of memory).
 */
int password_hash(const char *password, size_t len, char out[PASSWORD_HASH_BYTES], struct err *err);

/*
 * True when the password matches the hash. A NULL or malformed hash, or a
 * password over PASSWORD_MAX_BYTES, is checked against a fixed dummy hash
 * (made once) so the answer takes as long, and is false.
 */
bool password_verify(const char *hash, const char *password, size_t len);

/* True when the hash is not argon2id at the current cost (or is malformed). */
bool password_needs_rehash(const char *hash);

/*
 * Checks a new password: PASSWORD_MIN_BYTES..PASSWORD_MAX_BYTES bytes, no
 * NUL byte, valid UTF-8. 0, or -ERR_VALIDATION with an error on `field`.
 */
int password_check_new(const char *password, size_t len, const char *field, struct err *err);

/*
 * Writes a random one-time password of PASSWORD_GENERATED_CHARS characters
 * from an alphabet without 0/O/o/1/l/I, NUL-terminated; size must be >= 21.
 */
void password_generate(char *out, size_t size);

/* Test hook: the largest number of hashes that ran at once in this process. */
unsigned password_hashing_peak(void);

#endif
