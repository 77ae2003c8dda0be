/*
 * Tests for src/domain/dedup.c: e-mail normalisation by provider, company
 * names without legal forms, domains and free-mail services, Jaro-Winkler
 * against published values, blocking keys, and person and company scores
 * with their reasons, with Russian and Latin examples.
 */
#include "domain/dedup.h"

#include "base/arena.h"
#include "../test.h"

static const char *email(struct arena *arena, const char *text)
{
    const char *out = dedup_email_normalize(arena, text);
    return out != NULL ? out : "NULL";
}

TEST(dedup_email_drops_gmail_dots_and_plus_tags)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(email(arena, " Ivan.Petrov+crm@GMail.com "), "ivanpetrov@gmail.com");
    EXPECT_STR_EQ(email(arena, "i.v.a.n.petrov@googlemail.com"), "ivanpetrov@gmail.com");
    EXPECT_STR_EQ(email(arena, "IvanPetrov@gmail.com."), "ivanpetrov@gmail.com");
    /* Nothing left but a tag or dots: kept as written. */
    EXPECT_STR_EQ(email(arena, "+tag@gmail.com"), "+tag@gmail.com");
    arena_free(arena);
}

TEST(dedup_email_drops_plus_tags_where_the_provider_ignores_them)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(email(arena, "John.Smith+news@Outlook.com"), "john.smith@outlook.com");
    EXPECT_STR_EQ(email(arena, "john+x@hotmail.com"), "john@hotmail.com");
    EXPECT_STR_EQ(email(arena, "john+x@live.com"), "john@live.com");
    EXPECT_STR_EQ(email(arena, "john+x@icloud.com"), "john@icloud.com");
    EXPECT_STR_EQ(email(arena, "john+x@me.com"), "john@me.com");
    EXPECT_STR_EQ(email(arena, "john+x@fastmail.com"), "john@fastmail.com");
    EXPECT_STR_EQ(email(arena, "john+x@proton.me"), "john@proton.me");
    EXPECT_STR_EQ(email(arena, "john.smith+x@protonmail.com"), "john.smith@protonmail.com");
    arena_free(arena);
}

TEST(dedup_email_merges_yandex_domains_and_its_dots_and_dashes)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(email(arena, "Ivan.Petrov@yandex.ru"), "ivan-petrov@yandex.ru");
    EXPECT_STR_EQ(email(arena, "ivan-petrov+crm@ya.ru"), "ivan-petrov@yandex.ru");
    EXPECT_STR_EQ(email(arena, "ivan.petrov@yandex.com"), "ivan-petrov@yandex.ru");
    EXPECT_STR_EQ(email(arena, "ivan.petrov@yandex.kz"), "ivan-petrov@yandex.ru");
    arena_free(arena);
}

TEST(dedup_email_only_lowers_the_case_elsewhere)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(email(arena, "Ivan.Petrov+x@Mail.RU"), "ivan.petrov+x@mail.ru");
    EXPECT_STR_EQ(email(arena, "john-shop@yahoo.com"), "john-shop@yahoo.com");
    EXPECT_STR_EQ(email(arena, "j.smith+sales@Example.COM"), "j.smith+sales@example.com");
    EXPECT_STR_EQ(email(arena, "mailto:Info@Ромашка.рф"), "info@Ромашка.рф");
    EXPECT_STR_EQ(email(arena, "<Sales@Example.org>"), "sales@example.org");
    arena_free(arena);
}

TEST(dedup_email_refuses_what_is_not_an_address)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(email(arena, ""), "NULL");
    EXPECT_STR_EQ(email(arena, "ivan"), "NULL");
    EXPECT_STR_EQ(email(arena, "@example.com"), "NULL");
    EXPECT_STR_EQ(email(arena, "ivan@"), "NULL");
    EXPECT_STR_EQ(email(arena, "ivan@localhost"), "NULL");
    EXPECT_STR_EQ(email(arena, "ivan@@example.com"), "NULL");
    EXPECT_STR_EQ(email(arena, "ivan petrov@example.com"), "NULL");
    EXPECT_STR_EQ(email(arena, "ivan@exa..mple.com"), "NULL");
    EXPECT_STR_EQ(email(arena, "a@b.com, c@d.com"), "NULL");
    EXPECT(dedup_email_normalize(arena, NULL) == NULL);
    arena_free(arena);
}

TEST(dedup_company_name_drops_russian_legal_forms_and_quotes)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(dedup_company_name(arena, "ООО «Ромашка»"), "ромашка");
    EXPECT_STR_EQ(dedup_company_name(arena, "«Ромашка», ооо"), "ромашка");
    EXPECT_STR_EQ(dedup_company_name(arena, "ПАО \"Газпром нефть\""), "газпром нефть");
    EXPECT_STR_EQ(dedup_company_name(arena, "Общество с ограниченной ответственностью "
                                            "„Рога и копыта“"),
                  "рога и копыта");
    EXPECT_STR_EQ(dedup_company_name(arena, "ИП Иванов И.И."), "иванов ии");
    EXPECT_STR_EQ(dedup_company_name(arena, "АО Аэрофлот"), "аэрофлот");
    EXPECT_STR_EQ(dedup_company_name(arena, "ТОО «Кайрат»"), "кайрат");
    arena_free(arena);
}

TEST(dedup_company_name_drops_latin_legal_forms_wherever_they_stand)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(dedup_company_name(arena, "Acme, Inc."), "acme");
    EXPECT_STR_EQ(dedup_company_name(arena, "ACME Incorporated"), "acme");
    EXPECT_STR_EQ(dedup_company_name(arena, "Foo L.L.C."), "foo");
    EXPECT_STR_EQ(dedup_company_name(arena, "Foo Limited Liability Company"), "foo");
    EXPECT_STR_EQ(dedup_company_name(arena, "Siemens AG"), "siemens");
    EXPECT_STR_EQ(dedup_company_name(arena, "Müller GmbH & Co. KG"), "muller");
    EXPECT_STR_EQ(dedup_company_name(arena, "Fiat S.p.A."), "fiat");
    EXPECT_STR_EQ(dedup_company_name(arena, "Danone S.A."), "danone");
    EXPECT_STR_EQ(dedup_company_name(arena, "Nokia Oyj"), "nokia");
    EXPECT_STR_EQ(dedup_company_name(arena, "Volvo AB"), "volvo");
    EXPECT_STR_EQ(dedup_company_name(arena, "Maersk ApS"), "maersk");
    EXPECT_STR_EQ(dedup_company_name(arena, "Foo Pty Ltd"), "foo");
    EXPECT_STR_EQ(dedup_company_name(arena, "Baz sp. z o.o."), "baz");
    EXPECT_STR_EQ(dedup_company_name(arena, "Shell plc"), "shell");
    EXPECT_STR_EQ(dedup_company_name(arena, "Philips N.V."), "philips");
    EXPECT_STR_EQ(dedup_company_name(arena, "McDonald's Corp."), "mcdonalds");
    EXPECT_STR_EQ(dedup_company_name(arena, "Amazon.com, Inc."), "amazon com");
    arena_free(arena);
}

TEST(dedup_company_name_keeps_a_name_made_only_of_legal_forms)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(dedup_company_name(arena, "Company LLC"), "company llc");
    EXPECT_STR_EQ(dedup_company_name(arena, ""), "");
    EXPECT_STR_EQ(dedup_company_name(arena, NULL), "");
    EXPECT_STR_EQ(dedup_company_name(arena, " «» "), "");
    arena_free(arena);
}

static const char *domain(struct arena *arena, const char *text)
{
    const char *out = dedup_domain(arena, text);
    return out != NULL ? out : "NULL";
}

TEST(dedup_domain_is_taken_from_websites_and_addresses)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(domain(arena, "https://www.Example.com:8080/a/b?c=d#e"), "example.com");
    EXPECT_STR_EQ(domain(arena, "http://user:pw@Shop.Example.co.uk/"), "shop.example.co.uk");
    EXPECT_STR_EQ(domain(arena, "www.example.com."), "example.com");
    EXPECT_STR_EQ(domain(arena, "example.com/contacts"), "example.com");
    EXPECT_STR_EQ(domain(arena, "Info@Romashka.RU"), "romashka.ru");
    EXPECT_STR_EQ(domain(arena, "mailto:sales@example.org"), "example.org");
    EXPECT_STR_EQ(domain(arena, "https://ромашка.рф"), "ромашка.рф");
    EXPECT_STR_EQ(domain(arena, "localhost"), "NULL");
    EXPECT_STR_EQ(domain(arena, "https://"), "NULL");
    EXPECT_STR_EQ(domain(arena, "not a site"), "NULL");
    EXPECT(dedup_domain(arena, NULL) == NULL);
    arena_free(arena);
}

TEST(dedup_free_mail_domains_never_count_as_a_company_domain)
{
    static const char *const free_mail[] = {
        "gmail.com", "googlemail.com", "yahoo.com",   "hotmail.com", "outlook.com",
        "live.com",  "mail.ru",        "yandex.ru",   "ya.ru",       "icloud.com",
        "bk.ru",     "inbox.ru",       "list.ru",     "rambler.ru",  "gmx.de",
        "web.de",    "proton.me",      "aol.com",     "qq.com",      "126.com",
        "zoho.com",  "ymail.com",      "yahoo.co.uk", "ukr.net",     "yandex.kz",
    };
    for (size_t i = 0; i < sizeof(free_mail) / sizeof(free_mail[0]); i++)
        EXPECT(dedup_domain_is_free_mail(free_mail[i]));
    EXPECT(!dedup_domain_is_free_mail("example.com"));
    EXPECT(!dedup_domain_is_free_mail("mail.example.com"));
    EXPECT(!dedup_domain_is_free_mail(""));
    EXPECT(!dedup_domain_is_free_mail(NULL));
}

/* |a - b| < 0.001 */
static int near(double a, double b)
{
    return a - b < 0.001 && b - a < 0.001;
}

TEST(dedup_jaro_winkler_gives_the_published_values)
{
    EXPECT(near(dedup_jaro_winkler("MARTHA", "MARHTA"), 0.961));
    EXPECT(near(dedup_jaro_winkler("DWAYNE", "DUANE"), 0.840));
    EXPECT(near(dedup_jaro_winkler("DIXON", "DICKSONX"), 0.813));
    EXPECT(near(dedup_jaro_winkler("CRATE", "TRACE"), 0.733));
    EXPECT(near(dedup_jaro_winkler("abc", "abc"), 1.0));
    EXPECT(near(dedup_jaro_winkler("abc", "xyz"), 0.0));
    EXPECT(near(dedup_jaro_winkler("", ""), 1.0));
    EXPECT(near(dedup_jaro_winkler("abc", ""), 0.0));
}

TEST(dedup_jaro_winkler_counts_code_points_not_bytes)
{
    /* МАРТА / МАРАТ: as MARTA / MARAT (Jaro 0.867, prefix 3). */
    EXPECT(near(dedup_jaro_winkler("МАРТА", "МАРАТ"), dedup_jaro_winkler("MARTA", "MARAT")));
    EXPECT(near(dedup_jaro_winkler("Иванов", "Иванов"), 1.0));
    EXPECT(dedup_jaro_winkler("Иванов", "Ivanov") < 0.5);
    EXPECT(near(dedup_jaro_winkler("ab", "ba"), dedup_jaro_winkler("аб", "ба")));
}

static struct dedup_person person(const char *first, const char *last, const char *const *emails,
                                  const char *const *phones, const char *company)
{
    struct dedup_person p = {0};
    p.first_name = first;
    p.last_name = last;
    p.emails = emails;
    for (; emails != NULL && emails[p.n_emails] != NULL; p.n_emails++)
        ;
    p.phones = phones;
    for (; phones != NULL && phones[p.n_phones] != NULL; p.n_phones++)
        ;
    p.company = company;
    return p;
}

static int has_key(const char **keys, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(keys[i], key) == 0)
            return 1;
    }
    return 0;
}

TEST(dedup_person_keys_cover_emails_phones_and_both_name_orders)
{
    struct arena *arena = arena_new();
    static const char *const emails[] = {"Ivan.Petrov@gmail.com", "ivanpetrov@gmail.com",
                                         "not an e-mail", NULL};
    static const char *const phones[] = {"8 (916) 123-45-67", "+7 916 1234567", NULL};
    struct dedup_person p = person("Иван", "Петров", emails, phones, NULL);
    const char **keys;
    size_t n = dedup_person_keys(arena, &p, "RU", &keys);
    EXPECT_INT_EQ(n, 4);
    EXPECT(has_key(keys, n, "e:ivanpetrov@gmail.com"));
    EXPECT(has_key(keys, n, "p:+79161234567"));
    EXPECT(has_key(keys, n, "n:petrov|i"));
    EXPECT(has_key(keys, n, "n:ivan|p"));

    /* "Petrov Ivan" in Latin, swapped: the same name keys. */
    struct dedup_person q = person("Petrov", "Ivan", NULL, NULL, NULL);
    n = dedup_person_keys(arena, &q, "RU", &keys);
    EXPECT_INT_EQ(n, 2);
    EXPECT(has_key(keys, n, "n:petrov|i"));
    EXPECT(has_key(keys, n, "n:ivan|p"));

    struct dedup_person r = person(NULL, "Хабаров", NULL, NULL, NULL);
    n = dedup_person_keys(arena, &r, "RU", &keys);
    EXPECT_INT_EQ(n, 1);
    EXPECT_STR_EQ(keys[0], "n:habarov|");

    struct dedup_person nobody = person(NULL, NULL, NULL, NULL, NULL);
    EXPECT_INT_EQ(dedup_person_keys(arena, &nobody, "RU", &keys), 0);
    arena_free(arena);
}

TEST(dedup_company_keys_cover_name_domains_emails_and_phones)
{
    struct arena *arena = arena_new();
    static const char *const emails[] = {"info@romashka.ru", "romashka.office@gmail.com", NULL};
    static const char *const phones[] = {"+7 495 123-45-67", NULL};
    struct dedup_company c = {.name = "ООО «Ромашка»",
                              .website = "https://www.romashka.ru/about",
                              .emails = emails,
                              .n_emails = 2,
                              .phones = phones,
                              .n_phones = 1};
    const char **keys;
    size_t n = dedup_company_keys(arena, &c, "RU", &keys);
    EXPECT_INT_EQ(n, 5);
    EXPECT(has_key(keys, n, "c:romashka"));
    EXPECT(has_key(keys, n, "d:romashka.ru"));
    EXPECT(has_key(keys, n, "e:info@romashka.ru"));
    EXPECT(has_key(keys, n, "e:romashkaoffice@gmail.com"));
    EXPECT(has_key(keys, n, "p:+74951234567"));
    EXPECT(!has_key(keys, n, "d:gmail.com"));
    arena_free(arena);
}

static double score(struct arena *arena, struct dedup_person a, struct dedup_person b,
                    const char **reason)
{
    return dedup_person_score(arena, &a, &b, "RU", reason);
}

TEST(dedup_person_score_trusts_a_shared_email_across_scripts)
{
    struct arena *arena = arena_new();
    static const char *const e1[] = {"Ivan.Petrov@gmail.com", NULL};
    static const char *const e2[] = {"ivanpetrov+crm@googlemail.com", NULL};
    const char *reason;
    double s = score(arena, person("Иван", "Петров", e1, NULL, NULL),
                     person("Ivan", "Petrov", e2, NULL, NULL), &reason);
    EXPECT(s >= 0.9);
    EXPECT_STR_EQ(reason, "same name and same e-mail");
    /* Without names on one side: the e-mail alone. */
    s = score(arena, person(NULL, NULL, e1, NULL, NULL), person("Ivan", "Petrov", e2, NULL, NULL),
              &reason);
    EXPECT(near(s, 0.90));
    EXPECT_STR_EQ(reason, "same e-mail");
    arena_free(arena);
}

TEST(dedup_person_score_reads_phones_in_any_format)
{
    struct arena *arena = arena_new();
    static const char *const p1[] = {"8 (916) 123-45-67", NULL};
    static const char *const p2[] = {"+7 916 1234567", NULL};
    const char *reason;
    double s = score(arena, person("Юрий", "Хабаров", NULL, p1, NULL),
                     person("Iurii", "Habarov", NULL, p2, NULL), &reason);
    EXPECT(s >= 0.9);
    EXPECT_STR_EQ(reason, "same name and same phone");

    /* One typo: a similar name, still sure with the phone. */
    s = score(arena, person("Ivan", "Petrov", NULL, p1, NULL),
              person("Ivan", "Petrvo", NULL, p2, NULL), &reason);
    EXPECT(s >= 0.9);
    EXPECT_STR_EQ(reason, "similar name (0.97) and same phone");
    arena_free(arena);
}

TEST(dedup_person_score_allows_swapped_names_and_initials)
{
    struct arena *arena = arena_new();
    static const char *const e[] = {"petrov@example.com", NULL};
    const char *reason;
    double s = score(arena, person("Ivan", "Petrov", e, NULL, NULL),
                     person("Петров", "Иван", e, NULL, NULL), &reason);
    EXPECT(s >= 0.9);
    EXPECT_STR_EQ(reason, "same name and same e-mail");
    s = score(arena, person("I.", "Petrov", e, NULL, NULL), person("Ivan", "Petrov", e, NULL, NULL),
              &reason);
    EXPECT(s >= 0.9);
    EXPECT_STR_EQ(reason, "similar name (0.90) and same e-mail");
    /* The whole name in one field. */
    s = score(arena, person(NULL, "Ivan Petrov", e, NULL, NULL),
              person("Ivan", "Petrov", e, NULL, NULL), &reason);
    EXPECT_STR_EQ(reason, "same name and same e-mail");
    arena_free(arena);
}

TEST(dedup_person_score_ranks_more_evidence_higher)
{
    struct arena *arena = arena_new();
    static const char *const e[] = {"ivan@example.com", NULL};
    static const char *const p[] = {"+7 916 123 45 67", NULL};
    const char *reason;
    double both = score(arena, person("Ivan", "Petrov", e, p, NULL),
                        person("Ivan", "Petrov", e, p, NULL), &reason);
    EXPECT_STR_EQ(reason, "same name, same e-mail and same phone");
    double one = score(arena, person("Ivan", "Petrov", e, NULL, NULL),
                       person("Ivan", "Petrov", e, NULL, NULL), &reason);
    double similar = score(arena, person("Ivan", "Petrov", e, NULL, NULL),
                           person("Ivan", "Petrova", e, NULL, NULL), &reason);
    double company = score(arena, person("Ivan", "Petrov", NULL, NULL, "ООО Ромашка"),
                           person("Иван", "Петров", NULL, NULL, "Romashka LLC"), &reason);
    EXPECT_STR_EQ(reason, "same name, same company");
    double alone = score(arena, person("Ivan", "Petrov", NULL, NULL, NULL),
                         person("Иван", "Петров", NULL, NULL, NULL), &reason);
    EXPECT_STR_EQ(reason, "same name");
    EXPECT(both > one);
    EXPECT(one > similar);
    EXPECT(similar >= DEDUP_THRESHOLD);
    EXPECT(company >= DEDUP_THRESHOLD);
    EXPECT(company < one);
    EXPECT(alone < DEDUP_THRESHOLD);
    EXPECT(alone < company);
    arena_free(arena);
}

TEST(dedup_person_score_keeps_a_name_alone_below_the_threshold)
{
    struct arena *arena = arena_new();
    static const char *const e1[] = {"ivan1@example.com", NULL};
    static const char *const e2[] = {"ivan2@example.com", NULL};
    const char *reason;
    double s = score(arena, person("Ivan", "Petrov", NULL, NULL, NULL),
                     person("Ivan", "Petrov", NULL, NULL, NULL), &reason);
    EXPECT(near(s, 0.80));
    /* Different e-mails on both sides speak against. */
    double against = score(arena, person("Ivan", "Petrov", e1, NULL, NULL),
                           person("Ivan", "Petrov", e2, NULL, NULL), &reason);
    EXPECT(against < s);
    EXPECT_STR_EQ(reason, "same name");
    s = score(arena, person("Ivan", "Petrov", NULL, NULL, NULL),
              person("Ivan", "Petrovsky", NULL, NULL, NULL), &reason);
    EXPECT(s < 0.8);
    arena_free(arena);
}

TEST(dedup_person_score_doubts_a_shared_phone_under_another_name)
{
    struct arena *arena = arena_new();
    static const char *const p[] = {"+7 495 123-45-67", NULL};
    const char *reason;
    double s = score(arena, person("Ivan", "Petrov", NULL, p, NULL),
                     person("Мария", "Сидорова", NULL, p, NULL), &reason);
    EXPECT(s < DEDUP_THRESHOLD);
    EXPECT_STR_EQ(reason, "same phone, different name");
    s = score(arena, person("Ivan", "Petrov", NULL, NULL, NULL),
              person("Maria", "Sidorova", NULL, NULL, NULL), &reason);
    EXPECT(s < 0.5);
    EXPECT_STR_EQ(reason, "different name");
    arena_free(arena);
}

static double company_score(struct arena *arena, struct dedup_company a, struct dedup_company b,
                            const char **reason)
{
    return dedup_company_score(arena, &a, &b, "RU", reason);
}

TEST(dedup_company_score_matches_names_without_legal_forms_and_domains)
{
    struct arena *arena = arena_new();
    const char *reason;
    double s = company_score(arena, (struct dedup_company){.name = "ООО «Ромашка»"},
                             (struct dedup_company){.name = "Romashka LLC"}, &reason);
    EXPECT(near(s, 0.90));
    EXPECT_STR_EQ(reason, "same name");

    s = company_score(
        arena, (struct dedup_company){.name = "Acme, Inc.", .website = "https://acme.com"},
        (struct dedup_company){.name = "ACME Corporation", .website = "www.acme.com"}, &reason);
    EXPECT(s >= 0.9);
    EXPECT_STR_EQ(reason, "same name and same domain");

    static const char *const e[] = {"sales@acme.com", NULL};
    s = company_score(arena, (struct dedup_company){.name = "Acme", .website = "acme.com"},
                      (struct dedup_company){.name = "Acme Widgets", .emails = e, .n_emails = 1},
                      &reason);
    EXPECT(s >= 0.9);
    EXPECT_STR_EQ(reason, "similar name (0.88) and same domain");
    arena_free(arena);
}

TEST(dedup_company_score_weighs_against_what_differs)
{
    struct arena *arena = arena_new();
    const char *reason;
    /* Same name, different websites: two companies of one name. */
    double s = company_score(
        arena, (struct dedup_company){.name = "Romashka", .website = "romashka.ru"},
        (struct dedup_company){.name = "Romashka", .website = "romashka.kz"}, &reason);
    EXPECT(s < DEDUP_THRESHOLD);
    /* A shared free-mail domain is no evidence. */
    static const char *const e1[] = {"alpha@gmail.com", NULL};
    static const char *const e2[] = {"beta@gmail.com", NULL};
    s = company_score(arena, (struct dedup_company){.name = "Alpha", .emails = e1, .n_emails = 1},
                      (struct dedup_company){.name = "Beta", .emails = e2, .n_emails = 1}, &reason);
    EXPECT(s < 0.5);
    /* One domain, different names: a group's companies. */
    s = company_score(
        arena, (struct dedup_company){.name = "Siemens Energy", .website = "siemens.com"},
        (struct dedup_company){.name = "Healthineers", .website = "siemens.com"}, &reason);
    EXPECT(s < DEDUP_THRESHOLD);
    EXPECT_STR_EQ(reason, "same domain, different name");
    arena_free(arena);
}
