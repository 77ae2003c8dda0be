/*
 * Internals of duplicate detection shared by dedup.c (normalising, scoring,
 * keys) and dedup_cluster.c (blocking and clustering): records prepared
 * once for comparison, the match of a pair before it is put in words, and
 * key emission. Not for use outside these two files.
 */
#ifndef CRM_DOMAIN_DEDUP_INT_H
#define CRM_DOMAIN_DEDUP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "domain/dedup.h"

struct arena;

/* A person or company with everything compared already normalised; "" for what is unknown. */
struct dedup_prep {
    const char *first_latin; /* people: translit_latin of the first name */
    const char *first_skel;  /* and its skeleton */
    const char *last_latin;
    const char *last_skel;
    const char *company_skel; /* people: their company's; companies: their own name's */
    const char *name_latin;   /* companies: dedup_company_name in Latin */
    const char **emails;      /* normalised, distinct */
    const char **phones;      /* E.164, distinct */
    const char **domains;     /* companies: website and non-free e-mail domains */
    size_t n_emails;
    size_t n_phones;
    size_t n_domains;
    /* One bit per e-mail, phone, domain and company name (by hash): no bit in common, none shared.
     */
    uint64_t mask;
};

/*
 * The most a pair scores that shares no e-mail, phone, domain or company
 * name: above it, pairs whose masks have no bit in common need no look.
 */
#define DEDUP_PERSON_ALONE_MAX 0.80
#define DEDUP_COMPANY_ALONE_MAX 0.84

/* What a pair shares, in dedup_match.same. */
enum {
    DEDUP_SAME_EMAIL = 1,
    DEDUP_SAME_PHONE = 2,
    DEDUP_SAME_DOMAIN = 4,
    DEDUP_SAME_COMPANY = 8,
};

struct dedup_match {
    double score;
    unsigned same;   /* DEDUP_SAME_* that count towards the score */
    double name_sim; /* -1: a side has no name */
};

/* Receives one key of a record and the order the record takes within the key's block. */
typedef void dedup_key_fn(void *ctx, const char *key, size_t len, uint64_t order);

void dedup_prep_person(struct arena *arena, const struct dedup_person *p, const char *country,
                       struct dedup_prep *out);
void dedup_prep_company(struct arena *arena, const struct dedup_company *c, const char *country,
                        struct dedup_prep *out);
/* Copies the strings of p into arena (from a short-lived arena it was prepared in). */
void dedup_prep_copy(struct arena *arena, struct dedup_prep *p);

/*
 * The scores of dedup_person_score and dedup_company_score. A pair that
 * cannot reach floor from what it shares (names alone) stops early with
 * score 0; floor 0 scores every pair fully.
 */
void dedup_person_match(const struct dedup_prep *a, const struct dedup_prep *b, double floor,
                        struct dedup_match *m);
void dedup_company_match(const struct dedup_prep *a, const struct dedup_prep *b, double floor,
                         struct dedup_match *m);
/* The reason of a match in words, in the arena. */
const char *dedup_reason(struct arena *arena, const struct dedup_match *m);

/* The blocking keys of dedup_person_keys and dedup_company_keys, possibly repeated. */
void dedup_person_emit_keys(const struct dedup_prep *p, dedup_key_fn *emit, void *ctx);
void dedup_company_emit_keys(const struct dedup_prep *p, dedup_key_fn *emit, void *ctx);
/* The most keys p can have. */
size_t dedup_max_keys(const struct dedup_prep *p);

/* A 64-bit hash of s[0..len) (FNV-1a). */
uint64_t dedup_hash(const char *s, size_t len);

#endif
