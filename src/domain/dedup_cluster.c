/*
 * Clustering of duplicates; see the DESIGN note in dedup.h. The work runs
 * in two parallel phases on up to DEDUP_MAX_THREADS workers. Prepare: each
 * worker normalises a slice of the records and emits their keys. Compare:
 * each worker takes the keys whose hash falls in its share of the hash
 * space (a block is never split), sorts them and compares records within
 * blocks, keeping the pairs that reach the threshold. The calling thread
 * then joins those pairs by union-find and writes the clusters. The result
 * does not depend on the number of workers: the clusters are the connected
 * components of the pairs found, the best pair the highest-scoring one
 * (the first of equals by index).
 */
#include "domain/dedup.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/arena.h"
#include "domain/dedup_int.h"

/* Fewer records than this are clustered on the calling thread alone. */
#define DEDUP_PARALLEL_MIN 20000
#define DEDUP_MAX_THREADS 4
/* Records prepared in one short-lived arena before their strings are copied out. */
#define DEDUP_PREP_CHUNK 1024
/* Keys are bucketed by 16 bits of their hash, then each bucket is sorted. */
#define DEDUP_BUCKET_BITS 16
#define DEDUP_BUCKETS ((size_t)1 << DEDUP_BUCKET_BITS)
/* Buckets up to this size are sorted by insertion. */
#define DEDUP_INSERTION_MAX 16

/* One blocking key of one record: the key's hash, the record's order in the block and mask. */
struct dedup_entry {
    uint64_t key;
    uint64_t order;
    uint64_t mask; /* dedup_prep.mask, kept here so most pairs need not look further */
    size_t index;
};

/* A pair that scored at least the threshold. */
struct dedup_edge {
    size_t a; /* a < b */
    size_t b;
    struct dedup_match match;
};

struct dedup_job;

struct dedup_worker {
    struct dedup_job *job;
    size_t index;
    struct arena *arena;      /* the prepared records' strings and the pairs found */
    struct arena *key_arena;  /* the keys, freed once every worker has taken its share */
    struct dedup_entry *keys; /* the keys of this worker's records */
    size_t n_keys;
    size_t current; /* the record whose keys are being emitted */
    struct dedup_edge *edges;
    size_t n_edges;
    size_t cap_edges;
};

struct dedup_job {
    const struct dedup_person *people; /* the records: people or companies */
    const struct dedup_company *companies;
    size_t n;
    const char *country;
    double threshold;
    double alone_max; /* DEDUP_PERSON_ALONE_MAX or DEDUP_COMPANY_ALONE_MAX */
    struct dedup_prep *preps;
    struct dedup_worker workers[DEDUP_MAX_THREADS];
    size_t n_workers;
};

static void dedup_worker_add_key(void *ctx, const char *key, size_t len, uint64_t order)
{
    struct dedup_worker *w = ctx;
    w->keys[w->n_keys++] = (struct dedup_entry){dedup_hash(key, len), order,
                                                w->job->preps[w->current].mask, w->current};
}

/* Prepare phase: the worker's slice of the records normalised, and their keys. */
static void *dedup_worker_prepare(void *arg)
{
    struct dedup_worker *w = arg;
    struct dedup_job *job = w->job;
    size_t from = job->n * w->index / job->n_workers;
    size_t to = job->n * (w->index + 1) / job->n_workers;
    size_t max_keys = 0;

    for (size_t chunk = from; chunk < to; chunk += DEDUP_PREP_CHUNK) {
        struct arena *tmp = arena_new();
        size_t end = chunk + DEDUP_PREP_CHUNK < to ? chunk + DEDUP_PREP_CHUNK : to;
        for (size_t i = chunk; i < end; i++) {
            if (job->people != NULL)
                dedup_prep_person(tmp, &job->people[i], job->country, &job->preps[i]);
            else
                dedup_prep_company(tmp, &job->companies[i], job->country, &job->preps[i]);
            dedup_prep_copy(w->arena, &job->preps[i]);
            max_keys += dedup_max_keys(&job->preps[i]);
        }
        arena_free(tmp);
    }
    w->keys = arena_alloc_array(w->key_arena, max_keys > 0 ? max_keys : 1, sizeof(*w->keys));
    for (w->current = from; w->current < to; w->current++) {
        if (job->people != NULL)
            dedup_person_emit_keys(&job->preps[w->current], dedup_worker_add_key, w);
        else
            dedup_company_emit_keys(&job->preps[w->current], dedup_worker_add_key, w);
    }
    return NULL;
}

/* Which worker compares the blocks of this key: an even share of the hash space each. */
static size_t dedup_key_share(uint64_t key, size_t n_workers)
{
    return (size_t)(((key >> 32) * n_workers) >> 32);
}

static int dedup_entry_compare(const void *pa, const void *pb)
{
    const struct dedup_entry *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return a->index < b->index ? -1 : (a->index > b->index ? 1 : 0);
}

static void dedup_worker_pair(struct dedup_worker *w, size_t a, size_t b)
{
    const struct dedup_job *job = w->job;
    struct dedup_match m;
    if (a == b)
        return;
    if (job->people != NULL)
        dedup_person_match(&job->preps[a], &job->preps[b], job->threshold, &m);
    else
        dedup_company_match(&job->preps[a], &job->preps[b], job->threshold, &m);
    if (m.score < job->threshold)
        return;
    if (w->n_edges == w->cap_edges) {
        size_t cap = w->cap_edges > 0 ? 2 * w->cap_edges : 1024;
        w->edges =
            arena_grow(w->arena, w->edges, w->n_edges * sizeof(*w->edges), cap * sizeof(*w->edges));
        w->cap_edges = cap;
    }
    w->edges[w->n_edges++] = (struct dedup_edge){a < b ? a : b, a < b ? b : a, m};
}

/* The bucket of a key: bits other than those dedup_key_share looks at. */
static size_t dedup_key_bucket(uint64_t key)
{
    return (size_t)(key >> 8) & (DEDUP_BUCKETS - 1);
}

static void dedup_entries_sort(struct dedup_entry *entries, size_t n)
{
    if (n > DEDUP_INSERTION_MAX) {
        qsort(entries, n, sizeof(*entries), dedup_entry_compare);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        struct dedup_entry e = entries[i];
        size_t j = i;
        for (; j > 0 && dedup_entry_compare(&entries[j - 1], &e) > 0; j--)
            entries[j] = entries[j - 1];
        entries[j] = e;
    }
}

/*
 * Compare phase: the keys of the worker's share of the hash space gathered
 * into buckets, each bucket sorted so that a block (one key) is a run, and
 * the records compared within each block: every pair of a block of up to
 * DEDUP_BLOCK_MAX, the DEDUP_WINDOW following records in a bigger one.
 */
static void *dedup_worker_compare(void *arg)
{
    struct dedup_worker *w = arg;
    struct dedup_job *job = w->job;
    struct arena *tmp = arena_new();
    size_t *start = arena_alloc_array(tmp, DEDUP_BUCKETS + 1, sizeof(*start));

    for (size_t s = 0; s < job->n_workers; s++) {
        const struct dedup_worker *from = &job->workers[s];
        for (size_t i = 0; i < from->n_keys; i++) {
            if (dedup_key_share(from->keys[i].key, job->n_workers) == w->index)
                start[dedup_key_bucket(from->keys[i].key) + 1]++;
        }
    }
    for (size_t b = 1; b <= DEDUP_BUCKETS; b++)
        start[b] += start[b - 1];
    size_t n = start[DEDUP_BUCKETS];
    size_t *fill = arena_memdup(tmp, start, DEDUP_BUCKETS * sizeof(*fill));
    struct dedup_entry *entries = arena_alloc_array(tmp, n > 0 ? n : 1, sizeof(*entries));
    for (size_t s = 0; s < job->n_workers; s++) {
        const struct dedup_worker *from = &job->workers[s];
        for (size_t i = 0; i < from->n_keys; i++) {
            if (dedup_key_share(from->keys[i].key, job->n_workers) == w->index)
                entries[fill[dedup_key_bucket(from->keys[i].key)]++] = from->keys[i];
        }
    }
    for (size_t b = 0; b < DEDUP_BUCKETS; b++)
        dedup_entries_sort(entries + start[b], start[b + 1] - start[b]);

    bool masks_decide = job->threshold > job->alone_max;
    for (size_t first = 0, end; first < n; first = end) {
        for (end = first + 1; end < n && entries[end].key == entries[first].key; end++)
            ;
        size_t reach = end - first <= DEDUP_BLOCK_MAX ? end - first : DEDUP_WINDOW + 1;
        for (size_t i = first; i < end; i++) {
            size_t last = i + reach < end ? i + reach : end;
            for (size_t j = i + 1; j < last; j++) {
                if (masks_decide && (entries[i].mask & entries[j].mask) == 0)
                    continue; /* nothing shared: a name alone cannot reach the threshold */
                dedup_worker_pair(w, entries[i].index, entries[j].index);
            }
        }
    }
    arena_free(tmp);
    return NULL;
}

/* Runs fn on every worker, on threads when there are several (inline when one cannot start). */
static void dedup_job_phase(struct dedup_job *job, void *(*fn)(void *))
{
    pthread_t threads[DEDUP_MAX_THREADS];
    bool started[DEDUP_MAX_THREADS] = {false};
    for (size_t w = 1; w < job->n_workers; w++)
        started[w] = pthread_create(&threads[w], NULL, fn, &job->workers[w]) == 0;
    fn(&job->workers[0]);
    for (size_t w = 1; w < job->n_workers; w++) {
        if (started[w])
            pthread_join(threads[w], NULL);
        else
            fn(&job->workers[w]);
    }
}

static size_t dedup_find(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

/* Whether edge e is a better best pair than best: a higher score, or equal and smaller indexes. */
static bool dedup_edge_better(const struct dedup_edge *e, const struct dedup_edge *best)
{
    if (best == NULL || e->match.score != best->match.score)
        return best == NULL || e->match.score > best->match.score;
    return e->a != best->a ? e->a < best->a : e->b < best->b;
}

/* The pairs joined into clusters of two or more, in the caller's arena. */
static void dedup_job_clusters(struct dedup_job *job, struct arena *arena,
                               struct dedup_cluster **clusters, size_t *n_clusters)
{
    struct arena *tmp = arena_new();
    size_t n = job->n, n_out = 0;
    size_t *parent = arena_alloc_array(tmp, n > 0 ? n : 1, sizeof(*parent));
    size_t *size = arena_alloc_array(tmp, n > 0 ? n : 1, sizeof(*size));
    size_t *cluster_of = arena_alloc_array(tmp, n > 0 ? n : 1, sizeof(*cluster_of));

    for (size_t i = 0; i < n; i++)
        parent[i] = i;
    for (size_t w = 0; w < job->n_workers; w++) {
        for (size_t e = 0; e < job->workers[w].n_edges; e++) {
            size_t ra = dedup_find(parent, job->workers[w].edges[e].a);
            size_t rb = dedup_find(parent, job->workers[w].edges[e].b);
            /* The smaller root stays: a root is its cluster's smallest index. */
            if (ra < rb)
                parent[rb] = ra;
            else if (rb < ra)
                parent[ra] = rb;
        }
    }
    for (size_t i = 0; i < n; i++)
        size[dedup_find(parent, i)]++;
    for (size_t i = 0; i < n; i++) {
        if (parent[i] == i && size[i] >= 2)
            cluster_of[i] = n_out++;
    }

    struct dedup_cluster *out = arena_alloc_array(arena, n_out > 0 ? n_out : 1, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        size_t r = dedup_find(parent, i);
        if (size[r] < 2)
            continue;
        struct dedup_cluster *c = &out[cluster_of[r]];
        if (c->members == NULL)
            c->members = arena_alloc_array(arena, size[r], sizeof(*c->members));
        c->members[c->n_members++] = i;
    }
    const struct dedup_edge **best = arena_alloc_array(tmp, n_out > 0 ? n_out : 1, sizeof(*best));
    for (size_t w = 0; w < job->n_workers; w++) {
        for (size_t e = 0; e < job->workers[w].n_edges; e++) {
            const struct dedup_edge *edge = &job->workers[w].edges[e];
            size_t c = cluster_of[dedup_find(parent, edge->a)];
            if (dedup_edge_better(edge, best[c]))
                best[c] = edge;
        }
    }
    for (size_t c = 0; c < n_out; c++) {
        out[c].score = best[c]->match.score;
        out[c].best_a = best[c]->a;
        out[c].best_b = best[c]->b;
        out[c].reason = dedup_reason(arena, &best[c]->match);
    }
    arena_free(tmp);
    *clusters = out;
    *n_clusters = n_out;
}

static void dedup_job_run(struct dedup_job *job, struct arena *arena,
                          struct dedup_cluster **clusters, size_t *n_clusters)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    job->n_workers = 1;
    if (job->n >= DEDUP_PARALLEL_MIN && cores > 1)
        job->n_workers = (size_t)cores < DEDUP_MAX_THREADS ? (size_t)cores : DEDUP_MAX_THREADS;
    struct arena *prep_arena = arena_new();
    job->preps = arena_alloc_array(prep_arena, job->n > 0 ? job->n : 1, sizeof(*job->preps));
    for (size_t w = 0; w < job->n_workers; w++) {
        job->workers[w] = (struct dedup_worker){.job = job, .index = w};
        job->workers[w].arena = arena_new();
        job->workers[w].key_arena = arena_new();
    }

    dedup_job_phase(job, dedup_worker_prepare);
    dedup_job_phase(job, dedup_worker_compare);
    for (size_t w = 0; w < job->n_workers; w++) {
        arena_free(job->workers[w].key_arena);
        job->workers[w].key_arena = NULL;
    }
    dedup_job_clusters(job, arena, clusters, n_clusters);

    for (size_t w = 0; w < job->n_workers; w++)
        arena_free(job->workers[w].arena);
    arena_free(prep_arena);
}

void dedup_cluster_people(struct arena *arena, const struct dedup_person *people, size_t n,
                          const char *default_country, double threshold,
                          struct dedup_cluster **clusters, size_t *n_clusters)
{
    struct dedup_job job = {.people = people,
                            .n = n,
                            .country = default_country,
                            .threshold = threshold,
                            .alone_max = DEDUP_PERSON_ALONE_MAX};
    dedup_job_run(&job, arena, clusters, n_clusters);
}

void dedup_cluster_companies(struct arena *arena, const struct dedup_company *companies, size_t n,
                             const char *default_country, double threshold,
                             struct dedup_cluster **clusters, size_t *n_clusters)
{
    struct dedup_job job = {.companies = companies,
                            .n = n,
                            .country = default_country,
                            .threshold = threshold,
                            .alone_max = DEDUP_COMPANY_ALONE_MAX};
    dedup_job_run(&job, arena, clusters, n_clusters);
}
