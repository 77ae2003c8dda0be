/*
 * Tests for src/domain/dedup_cluster.c: clusters of people and companies
 * on small sets (members, order, best pair and reason, transitivity), what
 * must not cluster, oversized blocks, and a list large enough to be shared
 * among threads.
 */
#include "domain/dedup.h"

#include <stdio.h>

#include "base/arena.h"
#include "../test.h"

static struct dedup_person person(int64_t id, const char *first, const char *last,
                                  const char *const *emails, const char *const *phones,
                                  const char *company)
{
    struct dedup_person p = {.id = id,
                             .first_name = first,
                             .last_name = last,
                             .emails = emails,
                             .phones = phones,
                             .company = company};
    for (; emails != NULL && emails[p.n_emails] != NULL; p.n_emails++)
        ;
    for (; phones != NULL && phones[p.n_phones] != NULL; p.n_phones++)
        ;
    return p;
}

TEST(dedup_clusters_people_of_a_small_set)
{
    struct arena *arena = arena_new();
    static const char *const e_ivan[] = {"Ivan.Petrov@gmail.com", NULL};
    static const char *const e_ivan2[] = {"ivanpetrov@gmail.com", NULL};
    static const char *const p_maria[] = {"8 (916) 123-45-67", NULL};
    static const char *const p_maria2[] = {"+7 916 1234567", NULL};
    static const char *const e_other[] = {"someone@example.com", NULL};
    struct dedup_person people[] = {
        person(1, "Иван", "Петров", e_ivan, NULL, NULL),
        person(2, "Мария", "Сидорова", NULL, p_maria, NULL),
        person(3, "John", "Smith", e_other, NULL, NULL),
        person(4, "Maria", "Sidorova", NULL, p_maria2, NULL),
        person(5, "Ivan", "Petrov", e_ivan2, NULL, NULL),
        person(6, "Anna", "Kuznetsova", NULL, NULL, NULL),
    };
    struct dedup_cluster *clusters;
    size_t n;
    dedup_cluster_people(arena, people, 6, "RU", DEDUP_THRESHOLD, &clusters, &n);
    EXPECT_INT_EQ(n, 2);
    EXPECT_INT_EQ(clusters[0].n_members, 2);
    EXPECT_INT_EQ(clusters[0].members[0], 0);
    EXPECT_INT_EQ(clusters[0].members[1], 4);
    EXPECT_INT_EQ(clusters[0].best_a, 0);
    EXPECT_INT_EQ(clusters[0].best_b, 4);
    EXPECT_STR_EQ(clusters[0].reason, "same name and same e-mail");
    EXPECT(clusters[0].score >= 0.9);
    EXPECT_INT_EQ(clusters[1].members[0], 1);
    EXPECT_INT_EQ(clusters[1].members[1], 3);
    EXPECT_STR_EQ(clusters[1].reason, "same name and same phone");
    arena_free(arena);
}

TEST(dedup_clusters_join_pairs_transitively_and_name_the_best_pair)
{
    struct arena *arena = arena_new();
    static const char *const e[] = {"anna@example.com", NULL};
    static const char *const p[] = {"+44 20 7946 0958", NULL};
    static const char *const p_national[] = {"020 7946 0958", NULL};
    static const char *const both[] = {"ANNA@example.com", NULL};
    struct dedup_person people[] = {
        person(10, "Anna", "Smith", e, NULL, NULL),
        person(11, "Ann", "Smith", NULL, p, NULL),
        person(12, "Anna", "Smith", both, p_national, NULL),
    };
    struct dedup_cluster *clusters;
    size_t n;
    /* National numbers read as Russian: "020..." is not a phone there, so give GB. */
    dedup_cluster_people(arena, people, 3, "GB", DEDUP_THRESHOLD, &clusters, &n);
    EXPECT_INT_EQ(n, 1);
    EXPECT_INT_EQ(clusters[0].n_members, 3);
    EXPECT_INT_EQ(clusters[0].members[2], 2);
    EXPECT_INT_EQ(clusters[0].best_a, 0);
    EXPECT_INT_EQ(clusters[0].best_b, 2);
    EXPECT_STR_EQ(clusters[0].reason, "same name and same e-mail");
    arena_free(arena);
}

TEST(dedup_clusters_nothing_among_different_people)
{
    struct arena *arena = arena_new();
    static const char *const p[] = {"+7 495 000-00-00", NULL};
    struct dedup_person people[] = {
        person(1, "Ivan", "Petrov", NULL, p, NULL),
        person(2, "Maria", "Sidorova", NULL, p, NULL), /* a switchboard */
        person(3, "Ivan", "Petrov", NULL, NULL, NULL), /* a namesake */
    };
    struct dedup_cluster *clusters;
    size_t n = 99;
    dedup_cluster_people(arena, people, 3, "RU", DEDUP_THRESHOLD, &clusters, &n);
    EXPECT_INT_EQ(n, 0);
    dedup_cluster_people(arena, people, 0, "RU", DEDUP_THRESHOLD, &clusters, &n);
    EXPECT_INT_EQ(n, 0);
    arena_free(arena);
}

TEST(dedup_clusters_names_alone_only_below_the_default_threshold)
{
    struct arena *arena = arena_new();
    struct dedup_person people[] = {
        person(1, "Ivan", "Petrov", NULL, NULL, NULL),
        person(2, "Sergey", "Ivanov", NULL, NULL, NULL),
        person(3, "Petrov", "Ivan", NULL, NULL, NULL),
    };
    struct dedup_cluster *clusters;
    size_t n;
    dedup_cluster_people(arena, people, 3, "RU", DEDUP_THRESHOLD, &clusters, &n);
    EXPECT_INT_EQ(n, 0);
    dedup_cluster_people(arena, people, 3, "RU", 0.75, &clusters, &n);
    EXPECT_INT_EQ(n, 1);
    EXPECT_INT_EQ(clusters[0].members[0], 0);
    EXPECT_INT_EQ(clusters[0].members[1], 2);
    EXPECT_STR_EQ(clusters[0].reason, "same name");
    arena_free(arena);
}

TEST(dedup_clusters_companies_by_name_and_domain)
{
    struct arena *arena = arena_new();
    static const char *const e[] = {"info@romashka.ru", NULL};
    static const char *const free_mail[] = {"romashka@gmail.com", NULL};
    static const char *const free_mail2[] = {"vector@gmail.com", NULL};
    struct dedup_company companies[] = {
        {.id = 1, .name = "ООО «Ромашка»", .website = "https://romashka.ru"},
        {.id = 2, .name = "Вектор", .emails = free_mail2, .n_emails = 1},
        {.id = 3, .name = "Romashka LLC", .emails = e, .n_emails = 1},
        {.id = 4, .name = "Romashka Trading", .emails = free_mail, .n_emails = 1},
        {.id = 5, .name = "Acme, Inc."},
        {.id = 6, .name = "ACME Corporation"},
    };
    struct dedup_cluster *clusters;
    size_t n;
    dedup_cluster_companies(arena, companies, 6, "RU", DEDUP_THRESHOLD, &clusters, &n);
    EXPECT_INT_EQ(n, 2);
    EXPECT_INT_EQ(clusters[0].n_members, 2);
    EXPECT_INT_EQ(clusters[0].members[0], 0);
    EXPECT_INT_EQ(clusters[0].members[1], 2);
    EXPECT_STR_EQ(clusters[0].reason, "same name and same domain");
    EXPECT_INT_EQ(clusters[1].members[0], 4);
    EXPECT_INT_EQ(clusters[1].members[1], 5);
    EXPECT_STR_EQ(clusters[1].reason, "same name");
    arena_free(arena);
}

TEST(dedup_clusters_find_a_pair_inside_an_oversized_block)
{
    struct arena *arena = arena_new();
    enum { N = 600 };
    static const char *const switchboard[] = {"+7 495 000-00-00", NULL};
    static const char *const own[] = {"+7 916 555-44-33", NULL};
    struct dedup_person *people = arena_alloc_array(arena, N, sizeof(*people));
    /* 600 people behind one switchboard number and called Petrov: two blocks far over the cap. */
    uint64_t seed = 12345;
    for (int i = 0; i < N; i++) {
        char *first = arena_alloc(arena, 8);
        for (int k = 0; k < 7; k++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            first[k] = (char)((k == 0 ? 'A' : 'a') + seed % 26);
        }
        people[i] = person(i, first, "Petrov", NULL, switchboard, NULL);
    }
    people[100] = person(100, "Zinaida", "Petrova", NULL, own, NULL);
    people[500] = person(500, "Зинаида", "Петрова", NULL, own, NULL);
    struct dedup_cluster *clusters;
    size_t n;
    dedup_cluster_people(arena, people, N, "RU", DEDUP_THRESHOLD, &clusters, &n);
    /* Random names are now and then alike enough to pair up behind one number; Zinaida is found. */
    EXPECT(n >= 1 && n < 5);
    size_t found = 0;
    for (size_t c = 0; c < n; c++) {
        if (clusters[c].members[0] == 100) {
            EXPECT_INT_EQ(clusters[c].n_members, 2);
            EXPECT_INT_EQ(clusters[c].members[1], 500);
            found++;
        }
    }
    EXPECT_INT_EQ(found, 1);
    arena_free(arena);
}

TEST(dedup_clusters_a_list_large_enough_for_threads)
{
    struct arena *arena = arena_new();
    enum { N = 30000, PAIRS = 250 };
    struct dedup_person *people = arena_alloc_array(arena, N, sizeof(*people));
    for (int i = 0; i < N; i++) {
        const char **emails = arena_alloc_array(arena, 2, sizeof(*emails));
        const char **phones = arena_alloc_array(arena, 2, sizeof(*phones));
        int person_no = i < N - PAIRS ? i : (i - (N - PAIRS)) * 97;
        emails[0] = arena_printf(arena, "user%d@example.com", person_no);
        phones[0] = i < N - PAIRS ? arena_printf(arena, "+7 916 %07d", person_no)
                                  : arena_printf(arena, "8 (916) %07d", person_no);
        people[i] = person(i, arena_printf(arena, "First%d", person_no % 500),
                           arena_printf(arena, "Last%d", person_no / 500), emails, phones, NULL);
    }
    struct dedup_cluster *clusters;
    size_t n;
    dedup_cluster_people(arena, people, N, "RU", DEDUP_THRESHOLD, &clusters, &n);
    EXPECT_INT_EQ(n, PAIRS);
    for (size_t c = 0; c < n; c++) {
        EXPECT_INT_EQ(clusters[c].n_members, 2);
        EXPECT_INT_EQ(clusters[c].members[0], (int)c * 97);
        EXPECT_INT_EQ(clusters[c].members[1], N - PAIRS + (int)c);
        EXPECT_STR_EQ(clusters[c].reason, "same name, same e-mail and same phone");
    }
    arena_free(arena);
}
