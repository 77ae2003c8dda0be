/*
 * A small test harness. TEST(name) defines and registers a test; the runner
 * forks each one so a crash fails that test alone, and prints
 * "N passed, N failed" at the end. A failed EXPECT prints both sides.
 *
 *     TEST(money_rounds_half_even_to_the_even_neighbour) {
 *         EXPECT_INT_EQ(round_it(25), 2);
 *     }
 */
#ifndef CRM_TESTS_UNIT_TEST_H
#define CRM_TESTS_UNIT_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void test_fn(void);
void test_register(const char *name, const char *file, test_fn *fn);
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void register_##name(void)                                 \
    {                                                                                              \
        test_register(#name, __FILE__, test_##name);                                               \
    }                                                                                              \
    static void test_##name(void)

#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond))                                                                               \
            test_fail(__FILE__, __LINE__, "expected: %s", #cond);                                  \
    } while (0)

#define EXPECT_INT_EQ(actual, expected)                                                            \
    do {                                                                                           \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                            \
        if (a_ != e_)                                                                              \
            test_fail(__FILE__, __LINE__, "%s == %s\n    actual:   %lld\n    expected: %lld",      \
                      #actual, #expected, a_, e_);                                                 \
    } while (0)

#define EXPECT_STR_EQ(actual, expected)                                                            \
    do {                                                                                           \
        const char *a_ = (actual), *e_ = (expected);                                               \
        if (a_ == NULL || e_ == NULL || strcmp(a_, e_) != 0)                                       \
            test_fail(__FILE__, __LINE__, "%s == %s\n    actual:   \"%s\"\n    expected: \"%s\"",  \
                      #actual, #expected, a_ ? a_ : "(null)", e_ ? e_ : "(null)");                 \
    } while (0)

/* Substring check, for error messages and generated SQL. */
#define EXPECT_CONTAINS(haystack, needle)                                                          \
    do {                                                                                           \
        const char *h_ = (haystack), *n_ = (needle);                                               \
        if (h_ == NULL || strstr(h_, n_) == NULL)                                                  \
            test_fail(__FILE__, __LINE__, "%s contains %s\n    text:   \"%s\"\n    wanted: \"%s\"", \
                      #haystack, #needle, h_ ? h_ : "(null)", n_);                                 \
    } while (0)

#endif
