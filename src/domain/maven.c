/*
 * Reading the Maven sales dataset: each file's header is mapped to the
 * columns expected (formats/csv.h reads the rows), each row's values checked,
 * names resolved through small tables of exact and folded names, repairs
 * and oddities counted as notes, problems collected as field errors.
 * Files are read in dependency order: products, sales teams, accounts
 * (parents resolved once all are known), then the opportunities.
 */
#include "domain/maven.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "formats/csv.h"

#define EMAIL_DOMAIN "maven.example"
#define SHOWN_MAX_BYTES 40
#define MESSAGE_MAX 160

static const char *const stage_names[MAVEN_N_STAGES] = {"Prospecting", "Engaging", "Won", "Lost"};

const char *maven_stage_name(enum maven_stage stage)
{
    return (unsigned)stage < MAVEN_N_STAGES ? stage_names[stage] : "?";
}

/* Misspellings the dataset is known to hold, corrected on read (each correction is a note). */
struct maven_spelling {
    const char *column;
    const char *wrong;
    const char *right;
};

static const struct maven_spelling spellings[] = {
    {"sector", "technolgy", "technology"},
    {"office_location", "Philipines", "Philippines"},
};

/* The companies' size bands (domain/entities.c) by the most employees each holds. */
struct maven_size_band {
    int64_t max_employees;
    const char *band;
};

static const struct maven_size_band size_bands[] = {
    {10, "1-10"},       {50, "11-50"},       {200, "51-200"},      {500, "201-500"},
    {1000, "501-1000"}, {5000, "1001-5000"}, {INT64_MAX, "5000+"},
};

/* ---- the columns of each file ---- */

enum { PRODUCT_NAME, PRODUCT_SERIES, PRODUCT_PRICE, PRODUCT_N };
static const char *const product_columns[PRODUCT_N] = {"product", "series", "sales_price"};

enum { TEAM_AGENT, TEAM_MANAGER, TEAM_OFFICE, TEAM_N };
static const char *const team_columns[TEAM_N] = {"sales_agent", "manager", "regional_office"};

enum {
    ACCOUNT_NAME,
    ACCOUNT_SECTOR,
    ACCOUNT_YEAR,
    ACCOUNT_REVENUE,
    ACCOUNT_EMPLOYEES,
    ACCOUNT_OFFICE,
    ACCOUNT_PARENT,
    ACCOUNT_N
};
static const char *const account_columns[ACCOUNT_N] = {
    "account",   "sector",          "year_established", "revenue",
    "employees", "office_location", "subsidiary_of"};

enum {
    DEAL_ID,
    DEAL_AGENT,
    DEAL_PRODUCT,
    DEAL_ACCOUNT,
    DEAL_STAGE,
    DEAL_ENGAGE,
    DEAL_CLOSE,
    DEAL_VALUE,
    DEAL_N
};
static const char *const deal_columns[DEAL_N] = {"opportunity_id", "sales_agent", "product",
                                                 "account",        "deal_stage",  "engage_date",
                                                 "close_date",     "close_value"};

#define FILE_PRODUCTS "products.csv"
#define FILE_TEAMS "sales_teams.csv"
#define FILE_ACCOUNTS "accounts.csv"
#define FILE_PIPELINE "sales_pipeline.csv"

/* Names and their folded forms, parallel to one of the data arrays. */
struct name_table {
    const char **names;
    const char **keys;
    size_t *lines;
    size_t n;
    size_t cap;
};

/* What reading carries from file to file. */
struct maven_reader {
    struct arena *arena;
    struct maven_data *data;
    struct err *err;
    size_t n_problems;
    struct name_table products, teams, agents, accounts;
    const char **parent_names;   /* subsidiary_of of each account; NULL: none */
    size_t *agent_account_deals; /* n_accounts x n_agents */
};

struct maven_file {
    const char *name;
    const char *const *columns;
    size_t n_columns;
    struct csv_reader *reader;
    size_t field_of[MAVEN_MAX_COLUMNS]; /* the field of the header holding column c */
    size_t n_header;
};

/* ---- small helpers ---- */

static void maven_problem(struct maven_reader *r, const char *file, size_t line, const char *fmt,
                          ...) __attribute__((format(printf, 4, 5)));

/* Records a problem of file at line (0: the file as a whole). */
static void maven_problem(struct maven_reader *r, const char *file, size_t line, const char *fmt,
                          ...)
{
    char message[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    r->n_problems++;
    if (line > 0)
        err_field(r->err, file, "line %zu: %s", line, message);
    else
        err_field(r->err, file, "%s", message);
}

/* A value as a message shows it: at most SHOWN_MAX_BYTES bytes, cut between characters. */
static const char *shown(struct arena *arena, struct str value)
{
    if (value.len <= SHOWN_MAX_BYTES)
        return str_to_cstr(arena, value);
    size_t len = SHOWN_MAX_BYTES;
    while (len > 0 && ((unsigned char)value.ptr[len] & 0xC0) == 0x80)
        len--;
    return arena_printf(arena, "%.*s...", (int)len, value.ptr);
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char ascii_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool ascii_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The form names are compared in when they do not match exactly: ASCII case folded, no spaces. */
static const char *maven_fold(struct arena *arena, const char *name)
{
    size_t len = strlen(name), n = 0;
    char *key = arena_alloc(arena, len + 1);
    for (size_t i = 0; i < len; i++) {
        if (name[i] != ' ' && name[i] != '\t')
            key[n++] = ascii_lower(name[i]);
    }
    key[n] = '\0';
    return key;
}

/* Room for one more item in an arena array of *cap items holding n. */
static void *maven_grow(struct arena *arena, void *items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return items;
    size_t grown = *cap != 0 ? *cap * 2 : 16;
    items = arena_grow(arena, items, *cap * size, grown * size);
    *cap = grown;
    return items;
}

/* ---- notes ---- */

bool maven_note_add(struct arena *arena, struct maven_data *data, const char *what, size_t rows,
                    const char *example)
{
    for (size_t i = 0; i < data->n_notes; i++) {
        if (strcmp(data->notes[i].what, what) == 0) {
            data->notes[i].rows += rows;
            return true;
        }
    }
    if (data->n_notes == MAVEN_MAX_NOTES)
        return false;
    data->notes[data->n_notes++] = (struct maven_note){
        .what = arena_strdup(arena, what),
        .rows = rows,
        .example = arena_strdup(arena, example != NULL ? example : ""),
    };
    return true;
}

/* A note counted while reading, added once its count is known. */
struct maven_tally {
    size_t rows;
    char example[MESSAGE_MAX];
};

static void tally_count(struct maven_tally *t, size_t line, const char *what)
{
    if (t->rows++ == 0)
        snprintf(t->example, sizeof(t->example), "line %zu (%s)", line, what);
}

static void tally_note(struct maven_reader *r, const struct maven_tally *t, const char *what)
{
    if (t->rows > 0)
        maven_note_add(r->arena, r->data, what, t->rows, t->example);
}

/* ---- names ---- */

/* Where name is: exactly, else by its folded key (*folded set); MAVEN_NONE when absent. */
static size_t name_table_find(const struct name_table *t, const char *name, const char *key,
                              bool *folded)
{
    *folded = false;
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->names[i], name) == 0)
            return i;
    }
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->keys[i], key) == 0) {
            *folded = true;
            return i;
        }
    }
    return MAVEN_NONE;
}

/*
 * Adds a name defined at line of file; a name already there (exactly or
 * folded) is a problem. Answers its index either way, so that the table
 * stays parallel to its data array.
 */
static size_t name_table_add(struct maven_reader *r, struct name_table *t, const char *file,
                             const char *what, const char *name, size_t line)
{
    const char *key = maven_fold(r->arena, name);
    bool folded;
    size_t i = name_table_find(t, name, key, &folded);
    if (i != MAVEN_NONE && !folded)
        maven_problem(r, file, line, "%s \"%s\" repeats line %zu", what,
                      shown(r->arena, str_from_cstr(name)), t->lines[i]);
    else if (i != MAVEN_NONE)
        maven_problem(r, file, line,
                      "%s \"%s\" differs from \"%s\" of line %zu only in case or spaces", what,
                      shown(r->arena, str_from_cstr(name)),
                      shown(r->arena, str_from_cstr(t->names[i])), t->lines[i]);
    if (t->n == t->cap) {
        size_t grown = t->cap != 0 ? t->cap * 2 : 16;
        t->names =
            arena_grow(r->arena, t->names, t->cap * sizeof(*t->names), grown * sizeof(*t->names));
        t->keys =
            arena_grow(r->arena, t->keys, t->cap * sizeof(*t->keys), grown * sizeof(*t->keys));
        t->lines =
            arena_grow(r->arena, t->lines, t->cap * sizeof(*t->lines), grown * sizeof(*t->lines));
        t->cap = grown;
    }
    t->names[t->n] = name;
    t->keys[t->n] = key;
    t->lines[t->n] = line;
    return t->n++;
}

/*
 * The index of the name a row of file refers to in target (a table read
 * from target_file): exact, else folded (counted as a note); MAVEN_NONE, a
 * problem, when it is not there. example names the row in notes.
 */
static size_t maven_resolve(struct maven_reader *r, const struct name_table *target,
                            const char *target_file, const char *file, size_t line,
                            const char *column, const char *name, const char *example)
{
    bool folded;
    size_t i = name_table_find(target, name, maven_fold(r->arena, name), &folded);
    if (i == MAVEN_NONE) {
        maven_problem(r, file, line, "%s \"%s\" is not in %s", column,
                      shown(r->arena, str_from_cstr(name)), target_file);
        return MAVEN_NONE;
    }
    if (folded) {
        const char *what = arena_printf(r->arena, "%s: %s \"%s\" read as \"%s\" (%s)", file, column,
                                        name, target->names[i], target_file);
        maven_note_add(r->arena, r->data, what, 1,
                       arena_printf(r->arena, "line %zu (%s)", line, example));
    }
    return i;
}

/* A required name: not empty, at most MAVEN_NAME_MAX_BYTES; NULL (a problem) otherwise. */
static const char *maven_name(struct maven_reader *r, const char *file, size_t line,
                              const char *column, struct str value)
{
    if (value.len == 0) {
        maven_problem(r, file, line, "%s is empty", column);
        return NULL;
    }
    if (value.len > MAVEN_NAME_MAX_BYTES) {
        maven_problem(r, file, line, "%s \"%s\" is longer than %d bytes", column,
                      shown(r->arena, value), MAVEN_NAME_MAX_BYTES);
        return NULL;
    }
    return str_to_cstr(r->arena, value);
}

/* An optional text value: NULL when empty. */
static const char *maven_text(struct maven_reader *r, struct str value)
{
    return value.len > 0 ? str_to_cstr(r->arena, value) : NULL;
}

/* The value with a known misspelling of column corrected (a note), else as given. */
static const char *maven_spelling_fix(struct maven_reader *r, const char *file, size_t line,
                                      const char *column, const char *value, const char *example)
{
    if (value == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
        const struct maven_spelling *s = &spellings[i];
        if (strcmp(s->column, column) != 0 || strcmp(s->wrong, value) != 0)
            continue;
        maven_note_add(r->arena, r->data,
                       arena_printf(r->arena, "%s: %s \"%s\" read as \"%s\"", file, column,
                                    s->wrong, s->right),
                       1, arena_printf(r->arena, "line %zu (%s)", line, example));
        return s->right;
    }
    return value;
}

/* A whole, non-negative number of dollars; false (a problem) otherwise. */
static bool maven_usd(struct maven_reader *r, const char *file, size_t line, const char *column,
                      struct str value, int64_t *out)
{
    if (str_to_int64(value, out) < 0 || *out < 0) {
        maven_problem(r, file, line, "%s \"%s\" is not a whole number of dollars", column,
                      shown(r->arena, value));
        return false;
    }
    return true;
}

/* An optional date into out ("" when empty); false (a problem) when it is not YYYY-MM-DD. */
static bool maven_date(struct maven_reader *r, size_t line, const char *column, struct str value,
                       char out[CLOCK_DATE_LEN + 1])
{
    int64_t days;
    out[0] = '\0';
    if (value.len == 0)
        return true;
    if (value.len != CLOCK_DATE_LEN || clock_parse_date(value.ptr, value.len, &days) < 0) {
        maven_problem(r, FILE_PIPELINE, line, "%s \"%s\" is not a date (YYYY-MM-DD)", column,
                      shown(r->arena, value));
        return false;
    }
    memcpy(out, value.ptr, CLOCK_DATE_LEN);
    out[CLOCK_DATE_LEN] = '\0';
    return true;
}

/* The SKU made from a product name: ASCII letters and digits upper-cased, runs of others "-". */
static const char *maven_sku(struct arena *arena, const char *name)
{
    size_t len = strlen(name), n = 0;
    char *sku = arena_alloc(arena, len + 1);
    for (size_t i = 0; i < len; i++) {
        if (ascii_alnum(name[i]))
            sku[n++] = ascii_upper(name[i]);
        else if (n > 0 && sku[n - 1] != '-')
            sku[n++] = '-';
    }
    while (n > 0 && sku[n - 1] == '-')
        n--;
    sku[n] = '\0';
    return sku;
}

/*
 * "firstname.lastname@maven.example": each word of the name lower-cased,
 * keeping ASCII letters, digits and hyphens; NULL when nothing is left.
 */
static const char *maven_email(struct arena *arena, const char *name)
{
    size_t len = strlen(name), n = 0;
    char *local = arena_alloc(arena, len + 1);
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c == ' ' || c == '\t') {
            if (n > 0 && local[n - 1] != '.')
                local[n++] = '.';
        } else if (ascii_alnum(c) || c == '-') {
            local[n++] = ascii_lower(c);
        }
    }
    while (n > 0 && (local[n - 1] == '.' || local[n - 1] == '-'))
        n--;
    local[n] = '\0';
    size_t start = 0;
    while (local[start] == '-')
        start++;
    if (local[start] == '\0')
        return NULL;
    return arena_printf(arena, "%s@" EMAIL_DOMAIN, local + start);
}

static const char *maven_size_band(int64_t employees)
{
    if (employees <= 0)
        return NULL;
    size_t i = 0;
    while (employees > size_bands[i].max_employees)
        i++;
    return size_bands[i].band;
}

/* ---- files ---- */

/* Reads and maps the header of file; false (problems recorded) when it cannot be used. */
static bool maven_file_open(struct maven_reader *r, struct maven_file *f, struct str text)
{
    struct csv_row row;
    struct err csv_err;
    if (!utf8_valid(text.ptr, text.len)) {
        maven_problem(r, f->name, 0, "is not UTF-8 text");
        return false;
    }
    struct csv_options options = {.separator = ',',
                                  .encoding = CSV_ENCODING_UTF8,
                                  .max_field_bytes = MAVEN_MAX_FIELD_BYTES,
                                  .max_columns = MAVEN_MAX_COLUMNS};
    f->reader = csv_reader_open_buffer(r->arena, text.ptr, text.len, &options);
    err_clear(&csv_err);
    int rc = csv_reader_next(f->reader, &row, &csv_err);
    if (rc < 0) {
        maven_problem(r, f->name, 0, "%s", csv_err.detail);
        return false;
    }
    if (rc == 1 && row.error != NULL) {
        maven_problem(r, f->name, 0, "%s", row.error);
        return false;
    }
    if (rc == 0) {
        maven_problem(r, f->name, 0, "is empty; its first line must name the columns");
        return false;
    }
    size_t problems = r->n_problems;
    for (size_t c = 0; c < f->n_columns; c++)
        f->field_of[c] = SIZE_MAX;
    f->n_header = row.n_fields;
    for (size_t i = 0; i < row.n_fields; i++) {
        struct str name = str_trim(row.fields[i]);
        size_t c = 0;
        while (c < f->n_columns && !str_eq_nocase(name, f->columns[c]))
            c++;
        if (c == f->n_columns)
            maven_problem(r, f->name, row.line, "unknown column \"%s\"", shown(r->arena, name));
        else if (f->field_of[c] != SIZE_MAX)
            maven_problem(r, f->name, row.line, "the column %s appears twice", f->columns[c]);
        else
            f->field_of[c] = i;
    }
    for (size_t c = 0; c < f->n_columns; c++) {
        if (f->field_of[c] == SIZE_MAX)
            maven_problem(r, f->name, row.line, "has no column %s", f->columns[c]);
    }
    return r->n_problems == problems;
}

/*
 * The next data row's values, trimmed, by column; blank rows are skipped,
 * bad rows and rows of another width reported and skipped. 1: a row; 0:
 * the end (an error that stops the reader, recorded, ends the file too).
 */
static int maven_file_next(struct maven_reader *r, struct maven_file *f, struct str *values,
                           size_t *line)
{
    struct csv_row row;
    struct err csv_err;
    for (;;) {
        err_clear(&csv_err);
        int rc = csv_reader_next(f->reader, &row, &csv_err);
        if (rc < 0)
            maven_problem(r, f->name, 0, "%s", csv_err.detail);
        if (rc <= 0)
            return 0;
        if (row.error != NULL) {
            maven_problem(r, f->name, 0, "%s", row.error);
            continue;
        }
        bool blank = true;
        for (size_t i = 0; i < row.n_fields && blank; i++)
            blank = str_trim(row.fields[i]).len == 0;
        if (blank)
            continue;
        if (row.n_fields != f->n_header) {
            maven_problem(r, f->name, row.line, "has %zu fields; the header has %zu", row.n_fields,
                          f->n_header);
            continue;
        }
        for (size_t c = 0; c < f->n_columns; c++)
            values[c] = str_trim(row.fields[f->field_of[c]]);
        *line = row.line;
        return 1;
    }
}

/* ---- products.csv ---- */

static void maven_read_products(struct maven_reader *r, struct str text)
{
    struct maven_data *d = r->data;
    struct maven_file f = {
        .name = FILE_PRODUCTS, .columns = product_columns, .n_columns = PRODUCT_N};
    struct str v[PRODUCT_N];
    size_t line, cap = 0;
    size_t problems = r->n_problems;
    if (!maven_file_open(r, &f, text))
        return;
    while (maven_file_next(r, &f, v, &line) == 1) {
        const char *name = maven_name(r, f.name, line, "product", v[PRODUCT_NAME]);
        int64_t price = 0;
        bool ok = maven_usd(r, f.name, line, "sales_price", v[PRODUCT_PRICE], &price);
        if (name == NULL || !ok)
            continue;
        const char *sku = maven_sku(r->arena, name);
        if (*sku == '\0') {
            maven_problem(r, f.name, line, "product \"%s\" gives no SKU (no letter or digit)",
                          shown(r->arena, v[PRODUCT_NAME]));
            continue;
        }
        for (size_t i = 0; i < d->n_products; i++) {
            if (strcmp(d->products[i].sku, sku) == 0)
                maven_problem(r, f.name, line, "product \"%s\" gives the SKU %s of line %zu",
                              shown(r->arena, v[PRODUCT_NAME]), sku, d->products[i].line);
        }
        name_table_add(r, &r->products, f.name, "product", name, line);
        d->products = maven_grow(r->arena, d->products, d->n_products, &cap, sizeof(*d->products));
        d->products[d->n_products++] = (struct maven_product){
            .name = name,
            .sku = sku,
            .series = maven_text(r, v[PRODUCT_SERIES]),
            .price_usd = price,
            .line = line,
        };
    }
    if (d->n_products == 0 && r->n_problems == problems)
        maven_problem(r, f.name, 0, "has no products");
}

/* ---- sales_teams.csv ---- */

/* The team of the manager named at line, added when new. MAVEN_NONE on a problem. */
static size_t maven_team_of(struct maven_reader *r, const char *manager, const char *office,
                            size_t line, size_t *cap)
{
    struct maven_data *d = r->data;
    bool folded;
    size_t t = name_table_find(&r->teams, manager, maven_fold(r->arena, manager), &folded);
    if (t == MAVEN_NONE) {
        name_table_add(r, &r->teams, FILE_TEAMS, "manager", manager, line);
        d->teams = maven_grow(r->arena, d->teams, d->n_teams, cap, sizeof(*d->teams));
        d->teams[d->n_teams] = (struct maven_team){
            .name = arena_printf(r->arena, "%s (%s)", office, manager),
            .manager = manager,
            .office = office,
            .line = line,
        };
        return d->n_teams++;
    }
    if (folded)
        maven_note_add(r->arena, d,
                       arena_printf(r->arena, "%s: manager \"%s\" read as \"%s\"", FILE_TEAMS,
                                    manager, d->teams[t].manager),
                       1, arena_printf(r->arena, "line %zu", line));
    if (strcmp(d->teams[t].office, office) != 0) {
        maven_problem(r, FILE_TEAMS, line,
                      "manager \"%s\" is in the %s office at line %zu, here in %s",
                      d->teams[t].manager, d->teams[t].office, d->teams[t].line, office);
        return MAVEN_NONE;
    }
    return t;
}

/* Every user's e-mail, made from the name and unique among them. */
static void maven_emails(struct maven_reader *r)
{
    struct maven_data *d = r->data;
    size_t n = d->n_teams + d->n_agents;
    const char **emails = arena_alloc_array(r->arena, n, sizeof(*emails));
    const char **names = arena_alloc_array(r->arena, n, sizeof(*names));
    size_t *lines = arena_alloc_array(r->arena, n, sizeof(*lines));
    for (size_t i = 0; i < n; i++) {
        bool manager = i < d->n_teams;
        names[i] = manager ? d->teams[i].manager : d->agents[i - d->n_teams].name;
        lines[i] = manager ? d->teams[i].line : d->agents[i - d->n_teams].line;
        emails[i] = maven_email(r->arena, names[i]);
        if (manager)
            d->teams[i].email = emails[i];
        else
            d->agents[i - d->n_teams].email = emails[i];
        if (emails[i] == NULL) {
            maven_problem(r, FILE_TEAMS, lines[i],
                          "\"%s\" gives no e-mail address (no letter or digit)",
                          shown(r->arena, str_from_cstr(names[i])));
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (emails[j] != NULL && strcmp(emails[i], emails[j]) == 0)
                maven_problem(r, FILE_TEAMS, lines[i],
                              "\"%s\" would have the e-mail %s of \"%s\" (line %zu)",
                              shown(r->arena, str_from_cstr(names[i])), emails[i],
                              shown(r->arena, str_from_cstr(names[j])), lines[j]);
        }
    }
}

static void maven_read_teams(struct maven_reader *r, struct str text)
{
    struct maven_data *d = r->data;
    struct maven_file f = {.name = FILE_TEAMS, .columns = team_columns, .n_columns = TEAM_N};
    struct str v[TEAM_N];
    size_t line, agents_cap = 0, teams_cap = 0;
    size_t problems = r->n_problems;
    if (!maven_file_open(r, &f, text))
        return;
    while (maven_file_next(r, &f, v, &line) == 1) {
        const char *agent = maven_name(r, f.name, line, "sales_agent", v[TEAM_AGENT]);
        const char *manager = maven_name(r, f.name, line, "manager", v[TEAM_MANAGER]);
        const char *office = maven_name(r, f.name, line, "regional_office", v[TEAM_OFFICE]);
        if (agent == NULL || manager == NULL || office == NULL)
            continue;
        size_t team = maven_team_of(r, manager, office, line, &teams_cap);
        if (team == MAVEN_NONE)
            continue;
        name_table_add(r, &r->agents, f.name, "sales_agent", agent, line);
        d->agents = maven_grow(r->arena, d->agents, d->n_agents, &agents_cap, sizeof(*d->agents));
        d->agents[d->n_agents++] = (struct maven_agent){.name = agent, .team = team, .line = line};
    }
    if (d->n_agents == 0 && r->n_problems == problems)
        maven_problem(r, f.name, 0, "has no sales agents");
    maven_emails(r);
}

/* ---- accounts.csv ---- */

struct account_depth {
    size_t depth;
    size_t index;
};

static int account_depth_compare(const void *a, const void *b)
{
    const struct account_depth *x = a, *y = b;
    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Resolves subsidiary_of, refuses cycles and orders the accounts parents first. */
static void maven_account_parents(struct maven_reader *r)
{
    struct maven_data *d = r->data;
    struct maven_tally parents = {0};
    for (size_t i = 0; i < d->n_accounts; i++) {
        struct maven_account *a = &d->accounts[i];
        a->parent = MAVEN_NONE;
        if (r->parent_names[i] == NULL)
            continue;
        a->parent = maven_resolve(r, &r->accounts, FILE_ACCOUNTS, FILE_ACCOUNTS, a->line,
                                  "subsidiary_of", r->parent_names[i], a->name);
        if (a->parent == i) {
            maven_problem(r, FILE_ACCOUNTS, a->line, "\"%s\" is a subsidiary of itself",
                          shown(r->arena, str_from_cstr(a->name)));
            a->parent = MAVEN_NONE;
        }
        if (a->parent != MAVEN_NONE)
            tally_count(&parents, a->line,
                        arena_printf(r->arena, "%s -> %s", a->name, d->accounts[a->parent].name));
    }
    struct account_depth *order = arena_alloc_array(r->arena, d->n_accounts + 1, sizeof(*order));
    for (size_t i = 0; i < d->n_accounts; i++) {
        size_t depth = 0, at = d->accounts[i].parent;
        while (at != MAVEN_NONE && at != i && depth <= d->n_accounts) {
            at = d->accounts[at].parent;
            depth++;
        }
        if (at == i)
            maven_problem(r, FILE_ACCOUNTS, d->accounts[i].line,
                          "subsidiary_of makes \"%s\" a subsidiary of itself (a cycle)",
                          shown(r->arena, str_from_cstr(d->accounts[i].name)));
        order[i] = (struct account_depth){depth, i};
    }
    qsort(order, d->n_accounts, sizeof(*order), account_depth_compare);
    d->account_order = arena_alloc_array(r->arena, d->n_accounts + 1, sizeof(size_t));
    for (size_t i = 0; i < d->n_accounts; i++)
        d->account_order[i] = order[i].index;
    tally_note(r, &parents, FILE_ACCOUNTS ": subsidiary_of kept as the parent company");
}

static void maven_read_accounts(struct maven_reader *r, struct str text)
{
    struct maven_data *d = r->data;
    struct maven_file f = {
        .name = FILE_ACCOUNTS, .columns = account_columns, .n_columns = ACCOUNT_N};
    struct str v[ACCOUNT_N];
    struct maven_tally dropped = {0}, sizes = {0};
    size_t line, cap = 0, parents_cap = 0;
    if (!maven_file_open(r, &f, text))
        return;
    while (maven_file_next(r, &f, v, &line) == 1) {
        const char *name = maven_name(r, f.name, line, "account", v[ACCOUNT_NAME]);
        int64_t employees = 0;
        if (v[ACCOUNT_EMPLOYEES].len > 0 &&
            (str_to_int64(v[ACCOUNT_EMPLOYEES], &employees) < 0 || employees < 0)) {
            maven_problem(r, f.name, line, "employees \"%s\" is not a whole number",
                          shown(r->arena, v[ACCOUNT_EMPLOYEES]));
            employees = 0;
        }
        if (name == NULL)
            continue;
        struct maven_account a = {
            .name = name,
            .sector = maven_spelling_fix(r, f.name, line, "sector",
                                         maven_text(r, v[ACCOUNT_SECTOR]), name),
            .office_location = maven_spelling_fix(r, f.name, line, "office_location",
                                                  maven_text(r, v[ACCOUNT_OFFICE]), name),
            .size = maven_size_band(employees),
            .owner = MAVEN_NONE,
            .line = line,
        };
        if (a.size != NULL)
            tally_count(
                &sizes, line,
                arena_printf(r->arena, "%s: %lld -> %s", name, (long long)employees, a.size));
        if (v[ACCOUNT_YEAR].len > 0 || v[ACCOUNT_REVENUE].len > 0)
            tally_count(&dropped, line,
                        arena_printf(r->arena, "%s: %s, %s", name, shown(r->arena, v[ACCOUNT_YEAR]),
                                     shown(r->arena, v[ACCOUNT_REVENUE])));
        name_table_add(r, &r->accounts, f.name, "account", name, line);
        r->parent_names = maven_grow(r->arena, r->parent_names, d->n_accounts, &parents_cap,
                                     sizeof(*r->parent_names));
        r->parent_names[d->n_accounts] = maven_text(r, v[ACCOUNT_PARENT]);
        d->accounts = maven_grow(r->arena, d->accounts, d->n_accounts, &cap, sizeof(*d->accounts));
        d->accounts[d->n_accounts++] = a;
    }
    maven_account_parents(r);
    tally_note(r, &sizes, FILE_ACCOUNTS ": employees kept as the company size band");
    tally_note(r, &dropped,
               FILE_ACCOUNTS ": year_established and revenue (USD millions) not imported: "
                             "companies have no such fields");
}

/* ---- sales_pipeline.csv ---- */

struct deal_key {
    const char *id;
    size_t line;
};

static int deal_key_compare(const void *a, const void *b)
{
    const struct deal_key *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c == 0)
        c = x->line < y->line ? -1 : x->line > y->line;
    return c;
}

/* Refuses an opportunity_id given twice, naming the later line. */
static void maven_deal_ids_unique(struct maven_reader *r)
{
    struct maven_data *d = r->data;
    struct deal_key *keys = arena_alloc_array(r->arena, d->n_deals + 1, sizeof(*keys));
    for (size_t i = 0; i < d->n_deals; i++)
        keys[i] = (struct deal_key){d->deals[i].opportunity_id, d->deals[i].line};
    qsort(keys, d->n_deals, sizeof(*keys), deal_key_compare);
    for (size_t i = 1; i < d->n_deals; i++) {
        if (strcmp(keys[i].id, keys[i - 1].id) == 0)
            maven_problem(r, FILE_PIPELINE, keys[i].line, "opportunity_id %s repeats line %zu",
                          shown(r->arena, str_from_cstr(keys[i].id)), keys[i - 1].line);
    }
}

static bool maven_stage_parse(struct str text, enum maven_stage *out)
{
    for (size_t s = 0; s < MAVEN_N_STAGES; s++) {
        if (str_eq_nocase(text, stage_names[s])) {
            *out = (enum maven_stage)s;
            return true;
        }
    }
    return false;
}

/* What each stage needs: the dates and value a closed opportunity must have. */
static bool maven_deal_complete(struct maven_reader *r, const struct maven_deal *deal)
{
    const char *stage = stage_names[deal->stage];
    bool closed = deal->stage == MAVEN_WON || deal->stage == MAVEN_LOST;
    bool ok = true;
    if (deal->engage_date[0] == '\0' && deal->stage != MAVEN_PROSPECTING) {
        maven_problem(r, FILE_PIPELINE, deal->line, "%s needs an engage_date", stage);
        ok = false;
    }
    if (closed && deal->close_date[0] == '\0') {
        maven_problem(r, FILE_PIPELINE, deal->line, "%s needs a close_date", stage);
        ok = false;
    }
    if (closed && deal->close_value_usd < 0) {
        maven_problem(r, FILE_PIPELINE, deal->line, "%s needs a close_value", stage);
        ok = false;
    }
    if (deal->engage_date[0] != '\0' && deal->close_date[0] != '\0' &&
        strcmp(deal->close_date, deal->engage_date) < 0) {
        maven_problem(r, FILE_PIPELINE, deal->line, "close_date %s is before engage_date %s",
                      deal->close_date, deal->engage_date);
        ok = false;
    }
    return ok;
}

/* Reads one row into *deal; false when it has a problem (recorded). */
static bool maven_deal_read(struct maven_reader *r, const struct str *v, size_t line,
                            struct maven_deal *deal)
{
    *deal = (struct maven_deal){.account = MAVEN_NONE, .close_value_usd = -1, .line = line};
    size_t problems = r->n_problems;
    deal->opportunity_id = maven_name(r, FILE_PIPELINE, line, "opportunity_id", v[DEAL_ID]);
    const char *example = deal->opportunity_id != NULL ? deal->opportunity_id : "?";
    const char *agent = maven_name(r, FILE_PIPELINE, line, "sales_agent", v[DEAL_AGENT]);
    const char *product = maven_name(r, FILE_PIPELINE, line, "product", v[DEAL_PRODUCT]);
    if (agent != NULL)
        deal->agent = maven_resolve(r, &r->agents, FILE_TEAMS, FILE_PIPELINE, line, "sales_agent",
                                    agent, example);
    if (product != NULL)
        deal->product = maven_resolve(r, &r->products, FILE_PRODUCTS, FILE_PIPELINE, line,
                                      "product", product, example);
    if (v[DEAL_ACCOUNT].len > 0) {
        const char *account = maven_name(r, FILE_PIPELINE, line, "account", v[DEAL_ACCOUNT]);
        if (account != NULL)
            deal->account = maven_resolve(r, &r->accounts, FILE_ACCOUNTS, FILE_PIPELINE, line,
                                          "account", account, example);
    }
    if (!maven_stage_parse(v[DEAL_STAGE], &deal->stage))
        maven_problem(r, FILE_PIPELINE, line,
                      "deal_stage \"%s\" is none of Prospecting, Engaging, Won and Lost",
                      shown(r->arena, v[DEAL_STAGE]));
    maven_date(r, line, "engage_date", v[DEAL_ENGAGE], deal->engage_date);
    maven_date(r, line, "close_date", v[DEAL_CLOSE], deal->close_date);
    if (v[DEAL_VALUE].len > 0)
        maven_usd(r, FILE_PIPELINE, line, "close_value", v[DEAL_VALUE], &deal->close_value_usd);
    return r->n_problems == problems && maven_deal_complete(r, deal);
}

/* The tallies of the pipeline's oddities, kept until the counts are known. */
struct deal_tallies {
    struct maven_tally no_account, prospecting_undated, open_no_close, lost_zero;
};

static void deal_tallies_count(struct deal_tallies *t, const struct maven_deal *deal)
{
    bool open = deal->stage == MAVEN_PROSPECTING || deal->stage == MAVEN_ENGAGING;
    if (deal->account == MAVEN_NONE)
        tally_count(&t->no_account, deal->line, deal->opportunity_id);
    if (deal->stage == MAVEN_PROSPECTING && deal->engage_date[0] == '\0')
        tally_count(&t->prospecting_undated, deal->line, deal->opportunity_id);
    if (open && deal->close_date[0] == '\0')
        tally_count(&t->open_no_close, deal->line, deal->opportunity_id);
    if (deal->stage == MAVEN_LOST && deal->close_value_usd == 0)
        tally_count(&t->lost_zero, deal->line, deal->opportunity_id);
}

static void deal_tallies_note(struct maven_reader *r, const struct deal_tallies *t)
{
    tally_note(r, &t->no_account,
               FILE_PIPELINE ": no account: imported as a deal without a company");
    tally_note(r, &t->prospecting_undated,
               FILE_PIPELINE ": Prospecting without engage_date: enters the stage at the time of "
                             "the import");
    tally_note(r, &t->open_no_close,
               FILE_PIPELINE
               ": open (Prospecting, Engaging) without close_date: no expected close");
    tally_note(r, &t->lost_zero, FILE_PIPELINE ": Lost with close_value 0: amount 0 USD kept");
}

/* Each account's owner: the agent with the most opportunities at it (the first on a tie). */
static void maven_account_owners(struct maven_reader *r)
{
    struct maven_data *d = r->data;
    struct maven_tally unowned = {0};
    for (size_t a = 0; a < d->n_accounts; a++) {
        const size_t *counts = &r->agent_account_deals[a * d->n_agents];
        size_t best = MAVEN_NONE;
        for (size_t g = 0; g < d->n_agents; g++) {
            if (counts[g] > 0 && (best == MAVEN_NONE || counts[g] > counts[best]))
                best = g;
        }
        d->accounts[a].owner = best;
        if (best == MAVEN_NONE)
            tally_count(&unowned, d->accounts[a].line, d->accounts[a].name);
    }
    tally_note(r, &unowned,
               FILE_ACCOUNTS ": account without opportunities: a company without owner");
}

static void maven_read_pipeline(struct maven_reader *r, struct str text)
{
    struct maven_data *d = r->data;
    struct maven_file f = {.name = FILE_PIPELINE, .columns = deal_columns, .n_columns = DEAL_N};
    struct str v[DEAL_N];
    struct deal_tallies tallies = {0};
    size_t line, cap = 0;
    r->agent_account_deals =
        arena_alloc_array(r->arena, d->n_accounts * d->n_agents + 1, sizeof(size_t));
    size_t problems = r->n_problems;
    if (!maven_file_open(r, &f, text))
        return;
    while (maven_file_next(r, &f, v, &line) == 1) {
        struct maven_deal deal;
        if (!maven_deal_read(r, v, line, &deal))
            continue;
        d->deals = maven_grow(r->arena, d->deals, d->n_deals, &cap, sizeof(*d->deals));
        d->deals[d->n_deals++] = deal;
        d->n_stage[deal.stage]++;
        d->agents[deal.agent].n_deals++;
        d->products[deal.product].n_deals++;
        if (deal.account != MAVEN_NONE) {
            d->accounts[deal.account].n_deals++;
            r->agent_account_deals[deal.account * d->n_agents + deal.agent]++;
        }
        deal_tallies_count(&tallies, &deal);
    }
    if (d->n_deals == 0 && r->n_problems == problems)
        maven_problem(r, f.name, 0, "has no opportunities");
    maven_deal_ids_unique(r);
    maven_account_owners(r);
    deal_tallies_note(r, &tallies);
    struct maven_tally idle = {0};
    for (size_t g = 0; g < d->n_agents; g++) {
        if (d->agents[g].n_deals == 0)
            tally_count(&idle, d->agents[g].line, d->agents[g].name);
    }
    tally_note(r, &idle, FILE_TEAMS ": agent with no opportunity: imported as a user all the same");
}

int maven_read(struct arena *arena, const struct maven_files *files, struct maven_data *out,
               struct err *err)
{
    *out = (struct maven_data){0};
    struct maven_reader r = {.arena = arena, .data = out, .err = err};
    maven_read_products(&r, files->products);
    maven_read_teams(&r, files->sales_teams);
    maven_read_accounts(&r, files->accounts);
    /* Opportunities refer to all three: read them only when those are whole. */
    if (r.n_problems == 0)
        maven_read_pipeline(&r, files->sales_pipeline);
    if (r.n_problems == 0)
        return 0;
    err->code = ERR_VALIDATION;
    snprintf(
        err->detail, sizeof(err->detail), "the dataset has %zu problem%s%s; nothing was imported",
        r.n_problems, r.n_problems == 1 ? "" : "s",
        r.n_problems > err->n_fields ? arena_printf(arena, " (the first %zu listed)", err->n_fields)
                                     : "");
    return -ERR_VALIDATION;
}
