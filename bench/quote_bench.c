/*
 * quote_bench: the server-side totals of a 200-line quote (target: at most
 * 1 ms). Builds the quote the way a request would: product prices with
 * their options applied as price deltas (src/domain/product.c), mixed tax
 * rates, line discounts as percents and amounts, a quote discount. Times
 * quote_compute() in both rounding levels, then the whole request path
 * (body parse + compute + result JSON), and prints one line each:
 *
 *   quote_total_200_lines median_us=4.1 p99_us=6.0
 *
 *   quote_bench [--iterations N]    (default 5000; exits 1 over the target)
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/money.h"
#include "domain/product.h"
#include "domain/quote.h"

#define BENCH_LINES 200
#define BENCH_DEFAULT_ITERATIONS 5000
#define BENCH_MAX_ITERATIONS 1000000
#define BENCH_TARGET_US 1000.0

static const char *const bench_options =
    "[{\"code\":\"size\",\"name\":\"Size\",\"required\":true,\"exclusive\":true,\"choices\":["
    "{\"code\":\"s\",\"name\":\"Small\",\"price_delta\":\"-15.00\"},"
    "{\"code\":\"m\",\"name\":\"Medium\"},"
    "{\"code\":\"l\",\"name\":\"Large\",\"price_delta\":\"12.50\"}]},"
    "{\"code\":\"extras\",\"name\":\"Extras\",\"choices\":["
    "{\"code\":\"warranty-3y\",\"name\":\"3-year warranty\",\"price_delta\":\"49.90\"},"
    "{\"code\":\"install\",\"name\":\"Installation\",\"price_delta\":\"120.00\"}]}]";

static double bench_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int bench_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* Sorts samples and prints "name median_us=.. p99_us=.."; returns the median. */
static double bench_report(const char *name, double *samples, size_t n)
{
    qsort(samples, n, sizeof(samples[0]), bench_compare_double);
    double median = samples[n / 2];
    double p99 = samples[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
    printf("%s median_us=%.1f p99_us=%.1f\n", name, median, p99);
    return median;
}

/*
 * The body of a 200-line quote: line i is product (i mod 7) configured with
 * some of its options, a tax rate out of five, and every third line a
 * percent discount, every fifth an amount.
 */
static json_t *bench_quote_body(const struct product_options *options)
{
    static const char *const tax_rates[] = {"20", "10", "5.5", "0", "7.7"};
    static const char *const sizes[] = {"s", "m", "l"};
    json_t *lines = json_array();
    for (int i = 0; i < BENCH_LINES; i++) {
        json_t *chosen = json_pack("[{s:s, s:s}]", "option", "size", "choice", sizes[i % 3]);
        if (i % 2 == 0)
            json_array_append_new(
                chosen, json_pack("{s:s, s:s}", "option", "extras", "choice", "warranty-3y"));
        if (i % 9 == 0)
            json_array_append_new(chosen,
                                  json_pack("{s:s, s:s}", "option", "extras", "choice", "install"));
        int64_t base_minor = 1999 + (int64_t)(i % 7) * 10050, price_minor = 0;
        struct err err;
        err_clear(&err);
        if (product_configure(options, chosen, base_minor, &price_minor, &err, "options") < 0) {
            fprintf(stderr, "quote_bench: configure: %s\n",
                    err.n_fields > 0 ? err.fields[0].message : err.detail);
            exit(1);
        }
        char price[MONEY_TEXT_MAX], quantity[16];
        money_format(price_minor, STR_LIT("EUR"), price, sizeof(price));
        snprintf(quantity, sizeof(quantity), "%d.%d", 1 + i % 12, i % 4 == 0 ? 5 : 0);
        json_t *line =
            json_pack("{s:i, s:o, s:s, s:s, s:s}", "product_id", i % 7 + 1, "options", chosen,
                      "price", price, "quantity", quantity, "tax_rate", tax_rates[i % 5]);
        if (i % 3 == 0)
            json_object_set_new(line, "discount_percent", json_string("12.5"));
        else if (i % 5 == 0)
            json_object_set_new(line, "discount_amount", json_string("3.33"));
        json_array_append_new(lines, line);
    }
    return json_pack("{s:s, s:b, s:s, s:s, s:o}", "currency", "EUR", "prices_include_tax", 0,
                     "rounding", "line", "discount_percent", "4", "lines", lines);
}

int main(int argc, char **argv)
{
    long iterations = BENCH_DEFAULT_ITERATIONS;
    if (argc == 3 && strcmp(argv[1], "--iterations") == 0) {
        char *end = NULL;
        iterations = strtol(argv[2], &end, 10);
        if (end == argv[2] || *end != '\0' || iterations < 1 || iterations > BENCH_MAX_ITERATIONS) {
            fprintf(stderr, "quote_bench: --iterations takes 1..%d\n", BENCH_MAX_ITERATIONS);
            return 2;
        }
    } else if (argc != 1) {
        fprintf(stderr, "usage: quote_bench [--iterations N]\n");
        return 2;
    }

    struct arena *arena = arena_new();
    struct err err;
    struct product_options options;
    json_t *options_json = json_loads(bench_options, 0, NULL);
    err_clear(&err);
    if (options_json == NULL ||
        product_options_parse(arena, options_json, "EUR", &options, &err) < 0) {
        fprintf(stderr, "quote_bench: the options do not parse\n");
        return 1;
    }
    json_t *body = bench_quote_body(&options);
    struct quote_settings settings;
    struct quote_line_input *lines = NULL;
    size_t n = 0;
    err_clear(&err);
    if (quote_input_parse(arena, body, NULL, &settings, &lines, &n, &err) < 0) {
        fprintf(stderr, "quote_bench: the quote does not parse: %s %s\n",
                err.n_fields > 0 ? err.fields[0].field : "",
                err.n_fields > 0 ? err.fields[0].message : err.detail);
        return 1;
    }

    static struct quote_line_result results[BENCH_LINES];
    struct quote_totals totals;
    double *samples = calloc((size_t)iterations, sizeof(double));
    if (samples == NULL)
        return 1;
    int rc = 0;

    /* Per-line rounding, then totals only. */
    for (int level = 0; level < 2; level++) {
        settings.rounding_level = level == 0 ? QUOTE_ROUND_LINES : QUOTE_ROUND_TOTALS;
        for (long i = 0; i < iterations; i++) {
            double start = bench_now_us();
            if (quote_compute(&settings, lines, n, results, &totals, &err) < 0) {
                fprintf(stderr, "quote_bench: compute failed\n");
                return 1;
            }
            samples[i] = bench_now_us() - start;
        }
        double median = bench_report(level == 0 ? "quote_total_200_lines"
                                                : "quote_total_200_lines_total_rounding",
                                     samples, (size_t)iterations);
        if (median > BENCH_TARGET_US)
            rc = 1;
    }
    char total_text[MONEY_TEXT_MAX];
    money_format(totals.total_minor, STR_LIT("EUR"), total_text, sizeof(total_text));

    /* The request path: parse the body, compute, build the answer. */
    for (long i = 0; i < iterations; i++) {
        double start = bench_now_us();
        struct arena *request = arena_new();
        err_clear(&err);
        if (quote_input_parse(request, body, NULL, &settings, &lines, &n, &err) < 0 ||
            quote_compute(&settings, lines, n, results, &totals, &err) < 0) {
            fprintf(stderr, "quote_bench: request path failed\n");
            return 1;
        }
        json_t *answer = quote_result_json(&settings, results, n, &totals);
        json_decref(answer);
        arena_free(request);
        samples[i] = bench_now_us() - start;
    }
    bench_report("quote_parse_compute_json_200_lines", samples, (size_t)iterations);
    printf("quote_total_200_lines total=%s EUR target_us=%.0f %s\n", total_text, BENCH_TARGET_US,
           rc == 0 ? "ok" : "over");

    free(samples);
    json_decref(body);
    json_decref(options_json);
    arena_free(arena);
    return rc;
}
