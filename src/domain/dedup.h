/*
 * Duplicate people and companies: normalised e-mails, company names and
 * domains, blocking keys, a 0..1 score with a reason in words, and the
 * clustering of a whole list. Pure functions over what the caller gives;
 * phones go through domain/phone.h, names through domain/translit.h.
 *
 * DESIGN. Comparing every pair of a million contacts is out of reach, so
 * each record gets a few blocking keys (its e-mails, phones, name
 * skeletons; for companies also the name and domains) and only records
 * that share a key are compared. The (key, record) pairs are sorted so a
 * block is a run of equal keys; a block of up to DEDUP_BLOCK_MAX records
 * is compared pair by pair, a bigger one (a switchboard number, a common
 * surname) only within a window of DEDUP_WINDOW neighbours in an order
 * that puts similar names side by side, so the cost stays near-linear.
 * Pairs scoring at least the threshold are joined by union-find. Large
 * lists are prepared and compared on several threads (dedup_cluster.c).
 */
#ifndef CRM_DOMAIN_DEDUP_H
#define CRM_DOMAIN_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* Scores at or above this are duplicates. */
#define DEDUP_THRESHOLD 0.85
/* A block of more records is compared within a window only. */
#define DEDUP_BLOCK_MAX 100
/* How many following records each record of an oversized block is compared with. */
#define DEDUP_WINDOW 20

struct dedup_person {
    int64_t id;
    const char *first_name; /* NULL or "" when unknown; either part may hold the whole name */
    const char *last_name;
    const char *const *emails;
    size_t n_emails;
    const char *const *phones;
    size_t n_phones;
    const char *company; /* the name of the person's company as written, or NULL */
};

struct dedup_company {
    int64_t id;
    const char *name;
    const char *website; /* a URL or a bare domain, or NULL */
    const char *const *emails;
    size_t n_emails;
    const char *const *phones;
    size_t n_phones;
};

/* A group of records found to be one. */
struct dedup_cluster {
    size_t *members; /* indexes into the array that was clustered, ascending */
    size_t n_members;
    double score;  /* of the best pair scored in the cluster */
    size_t best_a; /* that pair, best_a < best_b */
    size_t best_b;
    const char *reason; /* and its reason */
};

/*
 * The normalised e-mail address, or NULL when text is not one (no '@', an
 * empty local part, a domain without a dot, spaces inside). Surrounding
 * space, "mailto:" and angle brackets go; the whole address is lower case
 * (ASCII); then, by domain:
 *
 *   domain                          dots   +tag   other
 *   gmail.com, googlemail.com       drop   drop   googlemail.com -> gmail.com
 *   outlook.com, hotmail.com,       keep   drop
 *     live.com, msn.com
 *   icloud.com, me.com, mac.com     keep   drop
 *   fastmail.com, fastmail.fm       keep   drop
 *   proton.me, protonmail.com,      keep   drop
 *     protonmail.ch, pm.me
 *   yandex.ru, ya.ru, yandex.com,   '.' and '-' the same (written '-'), +tag dropped,
 *     yandex.by, yandex.kz,         every domain -> yandex.ru (one mailbox answers at all)
 *     yandex.ua
 *   yahoo.com, mail.ru and others   keep   keep   (Yahoo's "-keyword" addresses
 *                                                 hang off a separate base name, so
 *                                                 cutting them could name someone else)
 */
const char *dedup_email_normalize(struct arena *arena, const char *text);

/*
 * A company name for comparison: folded (translit_fold), legal forms dropped
 * wherever they stand as whole words (ООО, ОАО, ЗАО, ПАО, АО, ИП, НКО, ТОО,
 * their spelled-out Russian forms, LLC, L.L.C., Ltd, Limited, Inc,
 * Incorporated, Corp, Corporation, Co, Company, GmbH, AG, KG, SA, S.A., SAS,
 * SARL, SRL, BV, NV, PLC, Pty, Oy, Oyj, AB, AS, ApS, S.p.A., SE, LLP, LP,
 * s.r.o., sp. z o.o.), quotes and punctuation gone, words separated by one
 * space: "ООО «Ромашка»" -> "ромашка", "Acme, Inc." -> "acme". Dotted
 * abbreviations are joined ("s.p.a." -> spa) and other dotted words split
 * ("amazon.com" -> "amazon com"). A name that is nothing but legal forms
 * keeps them. "" for NULL.
 */
const char *dedup_company_name(struct arena *arena, const char *name);

/*
 * The domain of a website or e-mail address, lower case, or NULL when
 * there is none: scheme, user, "www.", port, path, query and trailing dot
 * dropped ("https://www.Example.com:8080/a?b" -> "example.com",
 * "Info@Example.COM" -> "example.com"). Internationalised names are kept
 * as written (no punycode).
 */
const char *dedup_domain(struct arena *arena, const char *text);

/* Whether domain (lower case) is a free or consumer mail service, never a company's own. */
bool dedup_domain_is_free_mail(const char *domain);

/*
 * Jaro-Winkler similarity of two UTF-8 texts over their code points (no
 * folding): Jaro with the usual match window max(len)/2 - 1, plus the
 * Winkler bonus of 0.1 per common leading character, up to 4. 1 for two
 * empty texts; texts are compared on their first 256 code points.
 */
double dedup_jaro_winkler(const char *a, const char *b);

/*
 * The blocking keys of a person, distinct, in the arena; returns how many.
 *   "e:<normalised e-mail>"   each e-mail
 *   "p:<E.164>"               each phone (national ones in default_country)
 *   "n:<last>|<f>"            the skeleton of the last name and the first
 *                             character of the first name's skeleton, and
 *   "n:<first>|<l>"           the same swapped, so "Ivan Petrov" meets
 *                             "Petrov Ivan" (only when both parts are known;
 *                             with one, "n:<its skeleton>|")
 */
size_t dedup_person_keys(struct arena *arena, const struct dedup_person *person,
                         const char *default_country, const char ***keys);

/*
 * The blocking keys of a company: "c:<skeleton of dedup_company_name>",
 * "d:<domain>" of its website and of each e-mail not at a free-mail
 * domain, and its "e:" and "p:" keys as for people.
 */
size_t dedup_company_keys(struct arena *arena, const struct dedup_company *company,
                          const char *default_country, const char ***keys);

/*
 * How likely a and b are one person, 0..1, and *reason (when not NULL) in
 * English: "same name and same e-mail", "similar name (0.92) and same
 * phone", "same name, same company", "same phone, different name".
 *
 * The name similarity is that of the closer part (the smaller of the two)
 * in the better of the straight and swapped orders; a part's similarity
 * is 1 when the skeletons are equal, 0.90 for an initial ("I.") against a
 * name it starts, else the larger Jaro-Winkler of skeletons and of Latin
 * forms. With only one part known on a side the whole names are compared.
 *
 *   shared e-mail or phone (one kind 0.90, both 0.95), names
 *     unknown on a side                        no change
 *     equal / similar (>= 0.85)                + up to 0.04
 *     not alike (0.70..0.85)                   - 0.06 (below the threshold
 *                                              with one kind shared)
 *     different (< 0.70)                       0.60 or 0.70 in all
 *     same company                             + 0.01
 *   no shared e-mail or phone, names >= 0.90
 *     same company                             0.86..0.92
 *     otherwise                                0.70..0.80, and 0.10 less
 *                                              for each of e-mails and
 *                                              phones both sides have
 *                                              but do not share
 *   anything else                              0.6 x name similarity
 *
 * So a name alone never reaches DEDUP_THRESHOLD: two Ivan Petrovs are
 * common; it takes the same company, e-mail or phone.
 */
double dedup_person_score(struct arena *arena, const struct dedup_person *a,
                          const struct dedup_person *b, const char *default_country,
                          const char **reason);

/*
 * How likely a and b are one company, with its reason. Names are compared
 * as dedup_company_name gives them (1 when the skeletons are equal, else
 * Jaro-Winkler); domains are the website's and those of e-mails not at a
 * free-mail domain.
 *
 *   shared domain, e-mail or phone (one kind 0.90, more 0.95), names
 *     equal / similar (>= 0.85)                + up to 0.04
 *     not alike (0.70..0.85) or unknown        no change
 *     different (< 0.70)                       0.80 with a shared domain
 *                                              (a group's companies), else 0.60
 *   nothing shared, same name                  0.90, or 0.70 when both
 *                                              have domains and they differ
 *   nothing shared, similar name (>= 0.90)     0.75..0.84
 *   anything else                              0.6 x name similarity
 */
double dedup_company_score(struct arena *arena, const struct dedup_company *a,
                           const struct dedup_company *b, const char *default_country,
                           const char **reason);

/*
 * The clusters of duplicates among people[0..n): records joined by pairs
 * scoring at least threshold (DEDUP_THRESHOLD), transitively. Only
 * clusters of two or more are given, in the order of their first member,
 * with their best pair: the highest-scoring of the pairs compared (the
 * first by index among equals). The results are in the arena; scratch
 * memory is taken and given back inside; from 20,000 records on, the work
 * is shared by up to 4 threads (one per core). The result is the same
 * whatever the number of threads.
 */
void dedup_cluster_people(struct arena *arena, const struct dedup_person *people, size_t n,
                          const char *default_country, double threshold,
                          struct dedup_cluster **clusters, size_t *n_clusters);

void dedup_cluster_companies(struct arena *arena, const struct dedup_company *companies, size_t n,
                             const char *default_country, double threshold,
                             struct dedup_cluster **clusters, size_t *n_clusters);

#endif
