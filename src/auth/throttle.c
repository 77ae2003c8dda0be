/*
 * Sign-in throttling: exponential back-off per e-mail address and per client
 * address, capped at 15 minutes so that an attacker can slow an account down
 * but never lock its owner out for good.
 */
#include "auth/throttle.h"

/* Doubling waits past the free failures: 1 s, 2 s, 4 s ... capped. */
static int64_t sign_in_backoff_ms(int64_t failures, int64_t free_failures)
{
    if (failures < free_failures)
        return 0;
    int64_t doublings = failures - free_failures;
    if (doublings >= 20)
        return SIGN_IN_MAX_WAIT_MS;
    int64_t wait = (int64_t)1000 << doublings;
    return wait < SIGN_IN_MAX_WAIT_MS ? wait : SIGN_IN_MAX_WAIT_MS;
}

/* What is left of a wait that started at last_ms; a latest failure in the future counts as now. */
static int64_t sign_in_remaining_ms(int64_t wait_ms, int64_t last_ms, int64_t now_ms)
{
    if (wait_ms <= 0)
        return 0;
    int64_t elapsed = now_ms > last_ms ? now_ms - last_ms : 0;
    return elapsed < wait_ms ? wait_ms - elapsed : 0;
}

int64_t sign_in_wait_ms(const struct sign_in_counts *c, int64_t now_ms)
{
    int64_t account_wait = sign_in_backoff_ms(c->account, SIGN_IN_ACCOUNT_FREE);
    if (c->account_hour >= SIGN_IN_ACCOUNT_HOURLY_MAX)
        account_wait = SIGN_IN_MAX_WAIT_MS;
    int64_t client_wait = sign_in_backoff_ms(c->client, SIGN_IN_CLIENT_FREE);

    int64_t a = sign_in_remaining_ms(account_wait, c->account_last_ms, now_ms);
    int64_t b = sign_in_remaining_ms(client_wait, c->client_last_ms, now_ms);
    return a > b ? a : b;
}
