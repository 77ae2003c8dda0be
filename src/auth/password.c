/*
 * Password hashing with libsodium's argon2id (opslimit 2, memlimit 19 MiB).
 * DESIGN: each hash or verification takes a slot of a counting semaphore (a
 * mutex and a condition variable) before it allocates its 19 MiB, so memory
 * use is bounded by the slot count whatever the number of sign-in requests.
 * The dummy hash used for unknown accounts is made lazily, once.
 */
#include "auth/password.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/err.h"
#include "base/utf8.h"

#define PASSWORD_OPSLIMIT 2ULL
#define PASSWORD_MEMLIMIT ((size_t)19 * 1024 * 1024)
#define PASSWORD_DEFAULT_CONCURRENT 2U

_Static_assert(PASSWORD_HASH_BYTES >= crypto_pwhash_STRBYTES, "PHC string buffer too small");

/* Neither 0/O/o nor 1/l/I. */
static const char password_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";

static pthread_mutex_t password_slot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t password_slot_free = PTHREAD_COND_INITIALIZER;
static unsigned password_slot_limit = PASSWORD_DEFAULT_CONCURRENT;
static unsigned password_slot_active;
static unsigned password_slot_peak;

static pthread_mutex_t password_dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static bool password_dummy_ready;
static char password_dummy[PASSWORD_HASH_BYTES];

static void password_sodium_ready(void)
{
    /* sodium_init() is idempotent and thread-safe; it fails only without a
     * source of randomness, where no secret can be made safely. */
    if (sodium_init() < 0)
        abort();
}

void password_hashing_init(unsigned max_concurrent)
{
    password_sodium_ready();
    pthread_mutex_lock(&password_slot_lock);
    password_slot_limit = max_concurrent != 0 ? max_concurrent : PASSWORD_DEFAULT_CONCURRENT;
    pthread_cond_broadcast(&password_slot_free);
    pthread_mutex_unlock(&password_slot_lock);
}

unsigned password_hashing_peak(void)
{
    pthread_mutex_lock(&password_slot_lock);
    unsigned peak = password_slot_peak;
    pthread_mutex_unlock(&password_slot_lock);
    return peak;
}

static void password_slot_acquire(void)
{
    pthread_mutex_lock(&password_slot_lock);
    while (password_slot_active >= password_slot_limit)
        pthread_cond_wait(&password_slot_free, &password_slot_lock);
    password_slot_active++;
    if (password_slot_active > password_slot_peak)
        password_slot_peak = password_slot_active;
    pthread_mutex_unlock(&password_slot_lock);
}

static void password_slot_release(void)
{
    pthread_mutex_lock(&password_slot_lock);
    assert(password_slot_active > 0);
    password_slot_active--;
    pthread_cond_signal(&password_slot_free);
    pthread_mutex_unlock(&password_slot_lock);
}

/* Runs one argon2id hash inside a slot; 0 or -1 as libsodium answers. */
static int password_hash_slotted(const char *password, size_t len, char out[PASSWORD_HASH_BYTES])
{
    password_sodium_ready();
    password_slot_acquire();
    int rc = crypto_pwhash_str_alg(out, password, len, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT,
                                   crypto_pwhash_ALG_ARGON2ID13);
    password_slot_release();
    return rc;
}

int password_hash(const char *password, size_t len, char out[PASSWORD_HASH_BYTES], struct err *err)
{
    if (len > PASSWORD_MAX_BYTES)
        return err_field(err, "password", "must be at most %d bytes", PASSWORD_MAX_BYTES);
    if (password_hash_slotted(len > 0 ? password : "", len, out) != 0) {
        out[0] = '\0';
        return err_set(err, ERR_INTERNAL, "password hashing failed");
    }
    return 0;
}

/*
 * The dummy hash of a random password. Made under a lock rather than with
 * pthread_once so that a failure (out of memory) is retried on the next call.
 */
static const char *password_dummy_hash(void)
{
    const char *hash = NULL;
    pthread_mutex_lock(&password_dummy_lock);
    if (!password_dummy_ready) {
        char secret[PASSWORD_GENERATED_CHARS + 1];
        password_generate(secret, sizeof(secret));
        if (password_hash_slotted(secret, strlen(secret), password_dummy) == 0)
            password_dummy_ready = true;
        sodium_memzero(secret, sizeof(secret));
    }
    if (password_dummy_ready)
        hash = password_dummy;
    pthread_mutex_unlock(&password_dummy_lock);
    return hash;
}

/* A PHC string libsodium can parse, of bounded length. */
static bool password_hash_well_formed(const char *hash)
{
    if (hash == NULL || memchr(hash, '\0', PASSWORD_HASH_BYTES) == NULL)
        return false;
    return crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) >= 0;
}

bool password_verify(const char *hash, const char *password, size_t len)
{
    bool usable = password_hash_well_formed(hash) && len <= PASSWORD_MAX_BYTES;
    const char *against = usable ? hash : password_dummy_hash();
    if (against == NULL)
        return false;
    if (password == NULL || !usable) {
        password = "";
        len = 0;
    }

    password_sodium_ready();
    password_slot_acquire();
    int rc = crypto_pwhash_str_verify(against, password, len);
    password_slot_release();
    return usable && rc == 0;
}

bool password_needs_rehash(const char *hash)
{
    if (hash == NULL || memchr(hash, '\0', PASSWORD_HASH_BYTES) == NULL)
        return true;
    if (strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
                sizeof(crypto_pwhash_argon2id_STRPREFIX) - 1) != 0)
        return true;
    return crypto_pwhash_argon2id_str_needs_rehash(hash, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0;
}

int password_check_new(const char *password, size_t len, const char *field, struct err *err)
{
    if (len < PASSWORD_MIN_BYTES)
        return err_field(err, field, "must be at least %d bytes", PASSWORD_MIN_BYTES);
    if (len > PASSWORD_MAX_BYTES)
        return err_field(err, field, "must be at most %d bytes", PASSWORD_MAX_BYTES);
    if (memchr(password, '\0', len) != NULL)
        return err_field(err, field, "must not contain a NUL byte");
    if (!utf8_valid(password, len))
        return err_field(err, field, "must be valid UTF-8");
    return 0;
}

void password_generate(char *out, size_t size)
{
    assert(size > PASSWORD_GENERATED_CHARS);
    password_sodium_ready();
    for (size_t i = 0; i < PASSWORD_GENERATED_CHARS; i++)
        out[i] = password_alphabet[randombytes_uniform(sizeof(password_alphabet) - 1)];
    out[PASSWORD_GENERATED_CHARS] = '\0';
}
