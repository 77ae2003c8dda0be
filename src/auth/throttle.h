/*
 * The sign-in throttling policy as a pure function: given the recent failure
 * counts of an e-mail address and of a client address, how long the next
 * attempt must wait. No clock and no I/O; the caller supplies both.
 */
#ifndef CRM_AUTH_THROTTLE_H
#define CRM_AUTH_THROTTLE_H

#include <stdint.h>

#define SIGN_IN_WINDOW_MS (15 * 60 * 1000)
#define SIGN_IN_HOUR_MS (60 * 60 * 1000)
#define SIGN_IN_MAX_WAIT_MS SIGN_IN_WINDOW_MS
#define SIGN_IN_ACCOUNT_FREE 5
#define SIGN_IN_ACCOUNT_HOURLY_MAX 100
#define SIGN_IN_CLIENT_FREE 20

struct sign_in_counts {
    int64_t account;         /* failures for the e-mail in the last SIGN_IN_WINDOW_MS */
    int64_t account_last_ms; /* time of the latest of them (unix ms) */
    int64_t account_hour;    /* failures for the e-mail in the last SIGN_IN_HOUR_MS */
    int64_t client;          /* failures from the client address in the last SIGN_IN_WINDOW_MS */
    int64_t client_last_ms;  /* time of the latest of them (unix ms) */
};

/*
 * Milliseconds the attempt must still wait; 0: evaluate it. Per e-mail the
 * first 5 failures in the window are free, then each attempt waits
 * 1 s << (n - 5) after the latest failure, at most 15 minutes; 100 failures in
 * the hour also mean 15 minutes. Per client address 20 are free, then the
 * same doubling. The larger remaining wait wins; never negative.
 */
int64_t sign_in_wait_ms(const struct sign_in_counts *c, int64_t now_ms);

#endif
