/*
 * sales_data: a database with one sales pipeline and N deals for the sales
 * benchmarks (bench/sales.sh). The pipeline, the won/lost reasons and the
 * USD and GBP rates (base EUR) go through their validators and store calls;
 * each deal through record_validate and store_record_insert with the
 * server-kept fields a create sets (api/deals.c), plus its stage history.
 *
 *   sales_data --db PATH --deals N [--seed S] [--batch ROWS]
 *              [--info FILE] [--move-ids FILE] [--move-count N]
 *
 * --info gets key=value lines (pipeline_id, stage_ids, move_from, move_to);
 * --move-ids gets the ids of up to --move-count deals in move_from, one a line.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/access.h"
#include "domain/currency.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/pipeline.h"
#include "domain/record.h"
#include "store/store.h"

#define SALES_DEFAULT_DEALS 100000LL
#define SALES_DEFAULT_BATCH 10000LL
#define SALES_DEFAULT_MOVE_IDS 5000LL
#define SALES_MAX_ROWS 100000000LL
#define SALES_STAGES 6
#define MS_PER_DAY INT64_C(86400000)

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the configuration ---- */

/* clang-format off */
/* Stages in board order, with the share of deals (percent) each one holds. */
static const struct sales_stage_spec {
    const char *name;
    const char *kind;
    int probability;
    int rot_days; /* 0: null */
    unsigned share;
} stage_specs[SALES_STAGES] = {
    {"Qualified", "open", 10, 30, 34},
    {"Contact made", "open", 25, 0, 24},
    {"Proposal", "open", 50, 21, 16},
    {"Negotiation", "open", 80, 14, 11},
    {"Won", "won", 100, 0, 8},
    {"Lost", "lost", 0, 0, 7},
};

/* 1 unit = rate EUR; a small drift is added month by month. */
static const struct sales_currency {
    const char *code;
    double eur_rate;
    unsigned share;
} currencies[] = {
    {"EUR", 1.0, 60},
    {"USD", 0.92, 30},
    {"GBP", 1.17, 10},
};

static const char *const title_companies[] = {
    "Atlas Logistics", "Nordwind Foods", "Blue Harbor Systems", "Green Valley Solar",
    "Silver Oak Consulting", "Apex Media", "Vertex Dental", "Orion Realty", "Helios Textiles",
    "Granite Engineering", "Summit Software", "Pioneer Motors", "Horizon Pharma",
    "Müller & Söhne", "Lumière Travel", "Kestrel Robotics", "ООО «ТехноСфера»",
    "АО «ПромРесурс»", "ООО «АгроСнаб»", "Łódź Freight",
};
static const char *const title_products[] = {
    "licences", "support renewal", "pilot project", "hardware refresh", "consulting days",
    "annual subscription", "training", "integration", "внедрение", "upgrade",
};
static const char *const sources[] = {
    "website", "referral", "trade-show", "cold-call", "partner", "webinar",
};
static const char *const tags[] = {
    "enterprise", "smb", "renewal", "upsell", "new-business", "strategic", "q-end",
};
/* clang-format on */

/* ---- random choices (splitmix64, as gen_data) ---- */

struct sales_random {
    uint64_t state;
};

static uint64_t sales_random_next(struct sales_random *r)
{
    uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static unsigned sales_random_below(struct sales_random *r, unsigned n)
{
    return (unsigned)(sales_random_next(r) % n);
}

static double sales_random_unit(struct sales_random *r)
{
    return (double)(sales_random_next(r) >> 11) / 9007199254740992.0;
}

/* An index into a table of shares (percent, summing to 100). */
static size_t sales_random_share(struct sales_random *r, const unsigned *shares, size_t n)
{
    unsigned pick = sales_random_below(r, 100), sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += shares[i];
        if (pick < sum)
            return i;
    }
    return n - 1;
}

#define PICK(r, list) ((list)[sales_random_below((r), COUNT(list))])

/* ---- the generator ---- */

struct sales {
    struct store *store;
    struct store_conn *conn;
    struct sales_random random;
    int64_t pipeline_id;
    int64_t stage_ids[SALES_STAGES];
    int64_t won_reason_id;
    int64_t lost_reason_id;
    int64_t now_ms;
    size_t batch_rows;
    size_t rows_in_batch;
    FILE *move_ids; /* NULL: not asked for */
    size_t move_ids_left;
    struct err err;
};

/* The pipeline through pipeline_validate and store_pipeline_insert; fills the stage ids. */
static int sales_pipeline(struct sales *s, struct arena *arena)
{
    json_t *stages = json_array(), *clean = NULL, *pipeline = NULL;
    for (size_t i = 0; i < SALES_STAGES; i++) {
        const struct sales_stage_spec *spec = &stage_specs[i];
        json_t *stage = json_pack("{s:s,s:s,s:i}", "name", spec->name, "kind", spec->kind,
                                  "probability", spec->probability);
        if (spec->rot_days > 0)
            json_object_set_new(stage, "rot_days", json_integer(spec->rot_days));
        json_array_append_new(stages, stage);
    }
    json_t *body = json_pack("{s:s,s:o}", "name", "Bench sales", "stages", stages);
    int rc = pipeline_validate(body, NULL, &clean, &s->err);
    if (rc == 0)
        rc = store_pipeline_insert(s->conn, arena, clean, &s->pipeline_id, &s->err);
    if (rc == 0)
        rc = store_pipeline_get(s->conn, arena, s->pipeline_id, &pipeline, &s->err);
    if (rc < 0)
        goto out;
    const json_t *stored = json_object_get(pipeline, "stages");
    if (json_array_size(stored) != SALES_STAGES) {
        rc = err_set(&s->err, ERR_INTERNAL, "the pipeline came back with %zu stages",
                     json_array_size(stored));
        goto out;
    }
    for (size_t i = 0; i < SALES_STAGES; i++)
        s->stage_ids[i] = json_integer_value(json_object_get(json_array_get(stored, i), "id"));
out:
    json_decref(pipeline);
    json_decref(clean);
    json_decref(body);
    return rc;
}

static int sales_reason(struct sales *s, struct arena *arena, const char *kind, const char *name,
                        int64_t *id)
{
    json_t *clean = NULL;
    json_t *body = json_pack("{s:s,s:s}", "kind", kind, "name", name);
    int rc = deal_reason_validate(body, NULL, &clean, &s->err);
    if (rc == 0)
        rc = store_deal_reason_insert(s->conn, arena, clean, id, &s->err);
    json_decref(clean);
    json_decref(body);
    return rc;
}

/* Monthly USD and GBP rates from 2024-01 to the current month, as an import writes them. */
static int sales_rates(struct sales *s, struct arena *arena)
{
    int year;
    unsigned month, day;
    clock_civil_from_days(s->now_ms / MS_PER_DAY, &year, &month, &day);
    size_t n_months = (size_t)((year - 2024) * 12 + (int)month);
    size_t n = n_months * (COUNT(currencies) - 1), k = 0;
    struct exchange_rate *rates = arena_alloc_array(arena, n ? n : 1, sizeof(*rates));
    for (size_t c = 1; c < COUNT(currencies); c++) {
        for (size_t m = 0; m < n_months; m++) {
            double rate = currencies[c].eur_rate * (1.0 + 0.03 * sin((double)m * 0.7 + (double)c));
            char text[CURRENCY_RATE_TEXT_MAX], *date = arena_alloc(arena, CLOCK_DATE_LEN + 1);
            snprintf(text, sizeof(text), "%.4f", rate);
            int64_t scaled = 0;
            int rc = currency_rate_parse(str_from_cstr(text), &scaled, "rate", &s->err);
            if (rc < 0)
                return rc;
            char *canonical = arena_alloc(arena, CURRENCY_RATE_TEXT_MAX);
            currency_rate_format(scaled, canonical);
            clock_format_date(
                clock_days_from_civil(2024 + (int)(m / 12), (unsigned)(m % 12) + 1, 1), date);
            rates[k++] = (struct exchange_rate){
                .currency = currencies[c].code,
                .date = date,
                .rate = canonical,
                .rate_scaled = scaled,
            };
        }
    }
    size_t replaced = 0;
    return store_exchange_rates_import(s->conn, arena, rates, k, &replaced, &s->err);
}

static json_t *sales_tags(struct sales_random *r)
{
    json_t *list = json_array();
    unsigned first = sales_random_below(r, (unsigned)COUNT(tags));
    for (unsigned n = sales_random_below(r, 3), i = 0; i < n; i++)
        json_array_append_new(list, json_string(tags[(first + i) % COUNT(tags)]));
    return list;
}

/* Commits every batch_rows deals; the caller commits the last batch. */
static int sales_batch_step(struct sales *s)
{
    if (++s->rows_in_batch < s->batch_rows)
        return 0;
    s->rows_in_batch = 0;
    int rc = store_commit(s->conn, &s->err);
    if (rc == 0)
        rc = store_begin(s->conn, &s->err);
    return rc;
}

/*
 * One deal. An open one was created in its stage; a won or lost one was
 * created in the first stage and moved to its closing stage later (two
 * history rows, as a create and a move write them).
 */
static int sales_deal(struct sales *s, size_t index)
{
    static const struct custom_fields no_custom = {NULL, 0};
    struct arena *arena = arena_new();
    struct sales_random *r = &s->random;
    unsigned stage_shares[SALES_STAGES], currency_shares[COUNT(currencies)];
    for (size_t i = 0; i < SALES_STAGES; i++)
        stage_shares[i] = stage_specs[i].share;
    for (size_t i = 0; i < COUNT(currencies); i++)
        currency_shares[i] = currencies[i].share;
    size_t stage = sales_random_share(r, stage_shares, SALES_STAGES);
    const struct sales_stage_spec *spec = &stage_specs[stage];
    bool closed = strcmp(spec->kind, "open") != 0;

    json_t *body = json_object();
    json_object_set_new(
        body, "title",
        json_string(arena_printf(arena, "%s: %u %s", PICK(r, title_companies),
                                 1 + sales_random_below(r, 200), PICK(r, title_products))));
    json_object_set_new(body, "pipeline_id", json_integer(s->pipeline_id));
    json_object_set_new(body, "stage_id", json_integer(s->stage_ids[closed ? 0 : stage]));
    if (sales_random_below(r, 100) >= 5) {
        /* 100.00 to 200 000.00, log-uniform. */
        int64_t minor = (int64_t)(10000.0 * pow(2000.0, sales_random_unit(r)));
        const char *code =
            currencies[sales_random_share(r, currency_shares, COUNT(currencies))].code;
        json_object_set_new(
            body, "amount",
            json_pack("{s:s,s:s}", "amount",
                      arena_printf(arena, "%" PRId64 ".%02" PRId64, minor / 100, minor % 100),
                      "currency", code));
    }
    int64_t today = s->now_ms / MS_PER_DAY;
    if (sales_random_below(r, 100) >= 10) {
        char date[CLOCK_DATE_LEN + 1];
        clock_format_date(today - 60 + (int64_t)sales_random_below(r, 420), date);
        json_object_set_new(body, "expected_close", json_string(date));
    }
    json_object_set_new(body, "source", json_string(PICK(r, sources)));
    json_object_set_new(body, "tags", sales_tags(r));

    /* Entered its stage 0-120 days ago; a closed deal spent 1-60 days in the first stage. */
    int64_t entered_ms = s->now_ms - (int64_t)sales_random_below(r, 120 * 86400) * 1000;
    int64_t created_ms =
        closed ? entered_ms - (1 + (int64_t)sales_random_below(r, 60)) * MS_PER_DAY : entered_ms;
    char entered[CLOCK_DATETIME_LEN + 1], created[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(entered_ms, entered);
    clock_format_datetime(created_ms, created);

    json_t *changes = NULL;
    int64_t id = 0;
    int rc = record_validate(arena, &entity_deals, &no_custom, body, NULL, &changes, &s->err);
    if (rc < 0)
        goto out;
    /* The server-kept fields, as api/deals.c sets them on create and move. */
    json_object_set_new(changes, "pipeline_id", json_integer(s->pipeline_id));
    json_object_set_new(changes, "stage_id", json_integer(s->stage_ids[stage]));
    json_object_set_new(changes, "probability", json_integer(spec->probability));
    json_object_set_new(changes, "stage_entered_at", json_string(entered));
    json_object_set_new(changes, "closed_at", closed ? json_string(entered) : json_null());
    json_object_set_new(changes, "reason_id",
                        !closed ? json_null()
                                : json_integer(strcmp(spec->kind, "won") == 0 ? s->won_reason_id
                                                                              : s->lost_reason_id));
    json_object_set_new(changes, "competitor_id", json_null());
    rc = store_record_insert(s->conn, arena, &entity_deals, &access_system, changes, changes, &id,
                             &s->err);
    if (rc < 0)
        goto out;
    struct deal_stage_change change = {
        .deal_id = id,
        .to_pipeline_id = s->pipeline_id,
        .to_stage_id = s->stage_ids[closed ? 0 : stage],
        .at = created,
    };
    rc = store_deal_history_add(s->conn, arena, &change, &s->err);
    if (rc == 0 && closed) {
        change.from_pipeline_id = s->pipeline_id;
        change.from_stage_id = s->stage_ids[0];
        change.to_stage_id = s->stage_ids[stage];
        change.at = entered;
        change.seconds_in_from = (entered_ms - created_ms) / 1000;
        rc = store_deal_history_add(s->conn, arena, &change, &s->err);
    }
    if (rc == 0 && stage == 0 && s->move_ids != NULL && s->move_ids_left > 0) {
        fprintf(s->move_ids, "%" PRId64 "\n", id);
        s->move_ids_left--;
    }
out:
    if (rc < 0)
        fprintf(stderr, "sales_data: deal %zu failed\n", index);
    json_decref(changes);
    json_decref(body);
    arena_free(arena);
    return rc;
}

static double sales_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The pipeline, reasons and rates in one transaction, then the deals in batches. */
static int sales_generate(struct sales *s, size_t n_deals)
{
    struct arena *arena = arena_new();
    double started = sales_now_s();
    size_t report_every = n_deals / 10 > 1000 ? n_deals / 10 : 1000;
    int rc = store_begin(s->conn, &s->err);
    if (rc == 0)
        rc = sales_pipeline(s, arena);
    if (rc == 0)
        rc = sales_reason(s, arena, "won", "Best value", &s->won_reason_id);
    if (rc == 0)
        rc = sales_reason(s, arena, "lost", "Too expensive", &s->lost_reason_id);
    if (rc == 0)
        rc = sales_rates(s, arena);
    if (rc == 0)
        rc = store_commit(s->conn, &s->err);
    if (rc == 0)
        rc = store_begin(s->conn, &s->err);
    s->rows_in_batch = 0;
    for (size_t i = 0; i < n_deals && rc == 0; i++) {
        rc = sales_deal(s, i);
        if (rc == 0)
            rc = sales_batch_step(s);
        if (rc == 0 && ((i + 1) % report_every == 0 || i + 1 == n_deals)) {
            double elapsed = sales_now_s() - started;
            fprintf(stderr, "deals %zu/%zu  %.1f s  %.0f rows/s\n", i + 1, n_deals, elapsed,
                    elapsed > 0 ? (double)(i + 1) / elapsed : 0.0);
        }
    }
    if (rc == 0)
        rc = store_commit(s->conn, &s->err);
    if (rc < 0)
        store_rollback(s->conn);
    arena_free(arena);
    return rc;
}

static int sales_write_info(const struct sales *s, const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    fprintf(f, "pipeline_id=%" PRId64 "\nstage_ids=", s->pipeline_id);
    for (size_t i = 0; i < SALES_STAGES; i++)
        fprintf(f, "%s%" PRId64, i ? "," : "", s->stage_ids[i]);
    fprintf(f, "\nmove_from=%" PRId64 "\nmove_to=%" PRId64 "\n", s->stage_ids[0], s->stage_ids[1]);
    return fclose(f) == 0 ? 0 : -1;
}

static int sales_usage(void)
{
    fprintf(stderr, "usage: sales_data --db PATH [--deals N] [--seed S] [--batch ROWS] "
                    "[--info FILE] [--move-ids FILE] [--move-count N]\n");
    return 2;
}

static bool sales_parse_count(const char *text, long long max, long long *out)
{
    char *end = NULL;
    long long n = text ? strtoll(text, &end, 10) : -1;
    if (text == NULL || end == text || *end != '\0' || n < 0 || n > max)
        return false;
    *out = n;
    return true;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *info = NULL, *move_ids = NULL;
    long long deals = SALES_DEFAULT_DEALS, seed = 1, batch = SALES_DEFAULT_BATCH;
    long long move_count = SALES_DEFAULT_MOVE_IDS;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (strcmp(arg, "--db") == 0)
            ok = (db = value) != NULL;
        else if (strcmp(arg, "--deals") == 0)
            ok = sales_parse_count(value, SALES_MAX_ROWS, &deals);
        else if (strcmp(arg, "--seed") == 0)
            ok = sales_parse_count(value, INT64_MAX, &seed);
        else if (strcmp(arg, "--batch") == 0)
            ok = sales_parse_count(value, SALES_MAX_ROWS, &batch) && batch > 0;
        else if (strcmp(arg, "--info") == 0)
            ok = (info = value) != NULL;
        else if (strcmp(arg, "--move-ids") == 0)
            ok = (move_ids = value) != NULL;
        else if (strcmp(arg, "--move-count") == 0)
            ok = sales_parse_count(value, SALES_MAX_ROWS, &move_count);
        else
            ok = false;
        if (!ok)
            return sales_usage();
        i++;
    }
    if (db == NULL)
        return sales_usage();

    struct sales s = {0};
    int rc = 0;
    err_clear(&s.err);
    s.random.state = (uint64_t)seed;
    s.batch_rows = (size_t)batch;
    s.now_ms = clock_now_ms();
    s.move_ids_left = (size_t)move_count;
    struct store_options options = {db, 1};
    double started = sales_now_s();
    if (move_ids != NULL) {
        s.move_ids = fopen(move_ids, "w");
        if (s.move_ids == NULL) {
            perror(move_ids);
            return 1;
        }
    }
    s.store = store_open(&options, &s.err);
    if (s.store == NULL) {
        rc = -1;
        goto out;
    }
    rc = store_migrate(s.store, NULL, &s.err);
    if (rc < 0)
        goto out;
    s.conn = store_acquire(s.store, &s.err);
    if (s.conn == NULL) {
        rc = -1;
        goto out;
    }
    rc = sales_generate(&s, (size_t)deals);
    store_release(s.conn);
    if (rc == 0 && info != NULL && sales_write_info(&s, info) < 0)
        rc = err_set(&s.err, ERR_INTERNAL, "could not write %s", info);
    if (rc == 0)
        fprintf(stderr, "done: %lld deals in pipeline %" PRId64 " in %.1f s\n", deals,
                s.pipeline_id, sales_now_s() - started);
out:
    if (rc < 0) {
        fprintf(stderr, "sales_data: %s\n", s.err.detail[0] ? s.err.detail : err_title(s.err.code));
        for (size_t i = 0; i < s.err.n_fields; i++)
            fprintf(stderr, "  %s: %s\n", s.err.fields[i].field, s.err.fields[i].message);
    }
    if (s.move_ids != NULL && fclose(s.move_ids) != 0 && rc == 0)
        rc = -1;
    store_close(s.store);
    return rc < 0 ? 1 : 0;
}
