/*
 * Tests for src/auth/throttle.c: free failures, doubling waits, the caps per
 * window and per hour, client addresses, and a simulated attacker that must
 * get at most 100 evaluated failures an hour yet is never locked out.
 */
#include "auth/throttle.h"

#include "../test.h"

#define NOW 1700000000000LL

static int64_t wait_for_account(int64_t failures, int64_t last_ms)
{
    struct sign_in_counts c = {
        .account = failures, .account_last_ms = last_ms, .account_hour = failures};
    return sign_in_wait_ms(&c, NOW);
}

TEST(sign_in_lets_the_first_five_failures_through)
{
    for (int64_t n = 0; n < 5; n++)
        EXPECT_INT_EQ(wait_for_account(n, NOW), 0);
}

TEST(sign_in_waits_double_after_the_fifth_failure)
{
    EXPECT_INT_EQ(wait_for_account(5, NOW), 1000);
    EXPECT_INT_EQ(wait_for_account(6, NOW), 2000);
    EXPECT_INT_EQ(wait_for_account(7, NOW), 4000);
    EXPECT_INT_EQ(wait_for_account(14, NOW), 512000);
}

TEST(sign_in_counts_the_wait_from_the_latest_failure)
{
    EXPECT_INT_EQ(wait_for_account(6, NOW - 500), 1500);
    EXPECT_INT_EQ(wait_for_account(6, NOW - 2000), 0);
    EXPECT_INT_EQ(wait_for_account(6, NOW - 60000), 0);
}

TEST(sign_in_wait_is_capped_at_fifteen_minutes)
{
    EXPECT_INT_EQ(wait_for_account(15, NOW), SIGN_IN_WINDOW_MS);
    EXPECT_INT_EQ(wait_for_account(40, NOW), SIGN_IN_WINDOW_MS);
    EXPECT_INT_EQ(wait_for_account(INT64_MAX, NOW), SIGN_IN_WINDOW_MS);
    EXPECT_INT_EQ(wait_for_account(99, NOW - SIGN_IN_WINDOW_MS), 0);
}

TEST(sign_in_waits_fifteen_minutes_at_one_hundred_failures_in_the_hour)
{
    struct sign_in_counts c = {.account = 0, .account_last_ms = NOW - 60000, .account_hour = 100};
    EXPECT_INT_EQ(sign_in_wait_ms(&c, NOW), SIGN_IN_WINDOW_MS - 60000);
    c.account_hour = 99;
    EXPECT_INT_EQ(sign_in_wait_ms(&c, NOW), 0);
}

TEST(sign_in_throttles_a_client_address_after_twenty_failures)
{
    struct sign_in_counts c = {.client = 19, .client_last_ms = NOW};
    EXPECT_INT_EQ(sign_in_wait_ms(&c, NOW), 0);
    c.client = 20;
    EXPECT_INT_EQ(sign_in_wait_ms(&c, NOW), 1000);
    c.client = 22;
    EXPECT_INT_EQ(sign_in_wait_ms(&c, NOW), 4000);
    c.client = 500;
    EXPECT_INT_EQ(sign_in_wait_ms(&c, NOW), SIGN_IN_WINDOW_MS);
}

TEST(sign_in_answers_the_larger_remaining_wait)
{
    struct sign_in_counts c = {.account = 7,
                               .account_last_ms = NOW - 1000,
                               .account_hour = 7,
                               .client = 21,
                               .client_last_ms = NOW};
    EXPECT_INT_EQ(sign_in_wait_ms(&c, NOW), 3000);
    c.client = 23;
    EXPECT_INT_EQ(sign_in_wait_ms(&c, NOW), 8000);
}

TEST(sign_in_wait_is_never_negative_nor_longer_than_the_wait)
{
    EXPECT_INT_EQ(wait_for_account(8, 0), 0);
    /* A latest failure stamped in the future (clock step) waits the full wait, no more. */
    EXPECT_INT_EQ(wait_for_account(8, NOW + 3600000), 8000);
    struct sign_in_counts c = {.account = -3, .client = -1};
    EXPECT_INT_EQ(sign_in_wait_ms(&c, NOW), 0);
}

/* Failures of one account in (now - span, now]. */
static int64_t count_since(const int64_t *times, size_t n, int64_t now, int64_t span)
{
    int64_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (times[i] > now - span && times[i] <= now)
            count++;
    }
    return count;
}

TEST(sign_in_evaluates_at_most_100_failures_per_account_per_hour_and_never_locks_out)
{
    /* An attacker guesses one account from ever new addresses, as soon as allowed, for 6 hours. */
    static int64_t failures[4096];
    size_t n = 0;
    int64_t now = NOW, end = NOW + 6 * (int64_t)SIGN_IN_HOUR_MS;

    while (now < end && n < sizeof(failures) / sizeof(failures[0])) {
        struct sign_in_counts c = {
            .account = count_since(failures, n, now, SIGN_IN_WINDOW_MS),
            .account_last_ms = n > 0 ? failures[n - 1] : 0,
            .account_hour = count_since(failures, n, now, SIGN_IN_HOUR_MS),
        };
        int64_t wait = sign_in_wait_ms(&c, now);
        EXPECT(wait >= 0 && wait <= SIGN_IN_WINDOW_MS);
        if (wait > 0) {
            now += wait;
            continue;
        }
        failures[n++] = now;
        now += 100; /* the attacker's round trip */
    }
    for (size_t i = 0; i < n; i++)
        EXPECT(count_since(failures, n, failures[i], SIGN_IN_HOUR_MS) <= 100);
    /* Still evaluated in the last hour: slowed down, not locked out. */
    EXPECT(count_since(failures, n, end, SIGN_IN_HOUR_MS) >= 5);
}

TEST(sign_in_allows_one_attempt_per_fifteen_minutes_past_100_failures_in_the_hour)
{
    /* With the 15-minute window ignored, the hourly rule alone still spaces attempts out. */
    static int64_t failures[512];
    size_t n = 0;
    int64_t now = NOW, end = NOW + 3 * (int64_t)SIGN_IN_HOUR_MS;

    while (now < end && n < sizeof(failures) / sizeof(failures[0])) {
        struct sign_in_counts c = {
            .account = 0,
            .account_last_ms = n > 0 ? failures[n - 1] : 0,
            .account_hour = count_since(failures, n, now, SIGN_IN_HOUR_MS),
        };
        int64_t wait = sign_in_wait_ms(&c, now);
        if (wait > 0) {
            now += wait;
            continue;
        }
        failures[n++] = now;
        now += 1000;
    }
    EXPECT(n > 100);
    for (size_t i = 1; i < n; i++) {
        if (count_since(failures, i, failures[i - 1], SIGN_IN_HOUR_MS) >= 100)
            EXPECT(failures[i] - failures[i - 1] >= SIGN_IN_WINDOW_MS);
    }
    EXPECT(count_since(failures, n, end, SIGN_IN_HOUR_MS) > 0);
}
