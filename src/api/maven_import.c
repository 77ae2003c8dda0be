/*
 * The Maven import's writer: the four files read and checked whole
 * (domain/maven.h), then every record written in one transaction through
 * the same validation and store calls as the API, so the records' rules
 * hold and the store converts the USD amounts when it knows a rate.
 *
 * DESIGN: a deal is written straight into its final stage, with the
 * server-kept fields set as api/deals.c would have set them at the time
 * (probability, stage_entered_at, closed_at, reason_id), and its stage
 * history rebuilt from the data's dates: the opportunity entered Engaging
 * on engage_date and was won or lost on close_date; one still in
 * Prospecting has no date and enters it at the time of the import. The
 * dataset has no time of day: dates are taken as midnight UTC. Records are
 * written with a scratch arena freed every few dozen records, so 8,800
 * deals take a few megabytes. Passwords are hashed before the transaction
 * opens, so that it stays short (SQLite's takes the write lock at once).
 */
#include "api/maven_import.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "auth/password.h"
#include "base/arena.h"
#include "base/clock.h"
#include "domain/access.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/pipeline.h"
#include "domain/record.h"
#include "store/store.h"

/* Records written with one scratch arena before it is freed. */
#define SCRATCH_RECORDS 64
#define READ_CHUNK_BYTES ((size_t)64 * 1024)
#define MS_PER_DAY INT64_C(86400000)

#define WON_REASON "Imported (won)"
#define LOST_REASON "Imported (lost)"
#define IMPORT_CURRENCY "USD"

struct maven_stage_def {
    int probability;
    const char *kind;
};

/* The pipeline's stages, by enum maven_stage (named by maven_stage_name()). */
static const struct maven_stage_def stage_defs[MAVEN_N_STAGES] = {
    [MAVEN_PROSPECTING] = {10, "open"},
    [MAVEN_ENGAGING] = {40, "open"},
    [MAVEN_WON] = {100, "won"},
    [MAVEN_LOST] = {0, "lost"},
};

/* ---- reading the files ---- */

/* The whole file dir/name into the arena. */
static int read_file(struct arena *arena, const char *dir, const char *name, struct str *out,
                     struct err *err)
{
    const char *path = arena_printf(arena, "%s/%s", dir, name);
    size_t cap = READ_CHUNK_BYTES, len = 0;
    int rc = 0;
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return err_set(err, ERR_NOT_FOUND, "cannot read %s: %s", path, strerror(errno));
    char *data = arena_alloc(arena, cap);
    for (;;) {
        if (len == cap) {
            if (cap > MAVEN_FILE_MAX_BYTES) {
                rc = err_set(err, ERR_TOO_LARGE, "%s is larger than %zu bytes", path,
                             MAVEN_FILE_MAX_BYTES);
                goto out;
            }
            size_t grown = cap * 2 > MAVEN_FILE_MAX_BYTES ? MAVEN_FILE_MAX_BYTES + 1 : cap * 2;
            data = arena_grow(arena, data, len, grown);
            cap = grown;
        }
        size_t n = fread(data + len, 1, cap - len, file);
        len += n;
        if (n > 0)
            continue;
        if (ferror(file))
            rc = err_set(err, ERR_NOT_FOUND, "cannot read %s: %s", path, strerror(errno));
        break;
    }
    *out = (struct str){data, len};
out:
    fclose(file);
    return rc;
}

int maven_import_read_dir(struct arena *arena, const char *dir, struct maven_files *out,
                          struct err *err)
{
    *out = (struct maven_files){0};
    int rc = read_file(arena, dir, "accounts.csv", &out->accounts, err);
    if (rc == 0)
        rc = read_file(arena, dir, "products.csv", &out->products, err);
    if (rc == 0)
        rc = read_file(arena, dir, "sales_teams.csv", &out->sales_teams, err);
    if (rc == 0)
        rc = read_file(arena, dir, "sales_pipeline.csv", &out->sales_pipeline, err);
    return rc;
}

/* ---- the writer ---- */

struct maven_writer {
    struct store_conn *conn;
    struct arena *arena; /* lives as long as the import */
    struct maven_data *d;
    struct maven_import_result *result;
    struct err *err;
    const char **password_hashes; /* managers (by team), then agents */
    int64_t *team_ids;
    int64_t *agent_ids;
    int64_t *product_ids;
    int64_t *account_ids;
    int64_t stage_ids[MAVEN_N_STAGES];
    int64_t won_reason_id;
    int64_t lost_reason_id;
    char now[CLOCK_DATETIME_LEN + 1];
};

/*
 * Puts where the failing record came from in front of the error's detail
 * ("sales_pipeline.csv line 12 (1C1I7A6R): ..."); the field errors stay.
 */
static int writer_blame(struct maven_writer *w, int rc, const char *file, size_t line,
                        const char *what)
{
    const char *why = w->err->detail[0] != '\0' ? w->err->detail : err_title(w->err->code);
    const char *text = arena_printf(w->arena, "%s line %zu (%s): %s", file, line, what, why);
    snprintf(w->err->detail, sizeof(w->err->detail), "%s", text);
    return rc;
}

/* "2017-03-01" as the date-time text of its midnight UTC, with its milliseconds. */
static const char *date_time(struct arena *arena, const char *date, int64_t *ms_out)
{
    int64_t days = 0;
    char *out = arena_alloc(arena, CLOCK_DATETIME_LEN + 1);
    /* maven_read() checked every date. */
    (void)clock_parse_date(date, strlen(date), &days);
    *ms_out = days * MS_PER_DAY;
    clock_format_datetime(*ms_out, out);
    return out;
}

/* A random password of each user, hashed; nobody ever sees it. */
static int writer_hash_passwords(struct maven_writer *w)
{
    size_t n = w->d->n_teams + w->d->n_agents;
    char password[PASSWORD_GENERATED_CHARS + 1];
    char hash[PASSWORD_HASH_BYTES];
    w->password_hashes = arena_alloc_array(w->arena, n + 1, sizeof(*w->password_hashes));
    for (size_t i = 0; i < n; i++) {
        password_generate(password, sizeof(password));
        int rc = password_hash(password, strlen(password), hash, w->err);
        if (rc < 0)
            return rc;
        w->password_hashes[i] = arena_strdup(w->arena, hash);
    }
    return 0;
}

static int writer_refuse_second_run(struct maven_writer *w)
{
    json_t *pipelines = NULL;
    int rc = store_pipelines_list(w->conn, w->arena, &pipelines, w->err);
    size_t i;
    json_t *pipeline;
    json_array_foreach(pipelines, i, pipeline)
    {
        const char *name = json_string_value(json_object_get(pipeline, "name"));
        if (rc == 0 && name != NULL && strcmp(name, MAVEN_PIPELINE_NAME) == 0)
            rc = err_set(w->err, ERR_CONFLICT,
                         "the pipeline \"%s\" exists: this dataset was imported before; nothing "
                         "was written",
                         MAVEN_PIPELINE_NAME);
    }
    json_decref(pipelines);
    return rc;
}

static int writer_role_id(struct maven_writer *w, const char *name, int64_t *id)
{
    json_t *role = NULL;
    int rc = store_role_find_by_name(w->conn, w->arena, name, &role, w->err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(w->err);
        return err_set(w->err, ERR_CONFLICT,
                       "the database has no role named %s: start the server once to create the "
                       "built-in roles",
                       name);
    }
    if (rc == 0)
        *id = json_integer_value(json_object_get(role, "id"));
    json_decref(role);
    return rc;
}

/* A user with a random password to change at first sign-in, and its security log entry. */
static int writer_user(struct maven_writer *w, const char *name, const char *email, int64_t role_id,
                       int64_t team_id, const char *hash, size_t line, int64_t *id)
{
    if (!record_email_valid(email)) {
        err_set(w->err, ERR_VALIDATION, "sales_teams.csv line %zu: %s is not an e-mail address",
                line, email);
        return err_field(w->err, "email", "is not an e-mail address");
    }
    json_t *fields = json_pack("{s:s,s:s,s:I,s:I,s:s,s:b}", "email", email, "name", name, "role_id",
                               (json_int_t)role_id, "team_id", (json_int_t)team_id, "password_hash",
                               hash, "password_must_change", 1);
    int rc = store_user_insert(w->conn, w->arena, fields, id, w->err);
    json_decref(fields);
    if (rc < 0)
        return writer_blame(w, rc, "sales_teams.csv", line, name);
    json_t *detail = json_pack("{s:s}", "by", "maven import");
    struct audit_entry entry = {
        .kind = "security",
        .action = "user_created",
        .entity = "users",
        .record_id = *id,
        .detail = detail,
    };
    rc = store_audit_append(w->conn, w->arena, &entry, w->err);
    json_decref(detail);
    w->result->n_users++;
    return rc;
}

/* A team per manager, the managers, then the agents in their managers' teams. */
static int writer_people(struct maven_writer *w)
{
    const struct maven_data *d = w->d;
    int64_t manager_role = 0, rep_role = 0;
    int rc = writer_role_id(w, "manager", &manager_role);
    if (rc == 0)
        rc = writer_role_id(w, "sales_rep", &rep_role);
    w->team_ids = arena_alloc_array(w->arena, d->n_teams + 1, sizeof(int64_t));
    w->agent_ids = arena_alloc_array(w->arena, d->n_agents + 1, sizeof(int64_t));
    for (size_t t = 0; t < d->n_teams && rc == 0; t++) {
        const struct maven_team *team = &d->teams[t];
        rc = store_team_insert(w->conn, w->arena, team->name, &w->team_ids[t], w->err);
        if (rc < 0)
            return writer_blame(w, rc, "sales_teams.csv", team->line, team->name);
        w->result->n_teams++;
        int64_t manager_id;
        rc = writer_user(w, team->manager, team->email, manager_role, w->team_ids[t],
                         w->password_hashes[t], team->line, &manager_id);
    }
    for (size_t a = 0; a < d->n_agents && rc == 0; a++) {
        const struct maven_agent *agent = &d->agents[a];
        rc = writer_user(w, agent->name, agent->email, rep_role, w->team_ids[agent->team],
                         w->password_hashes[d->n_teams + a], agent->line, &w->agent_ids[a]);
    }
    return rc;
}

/*
 * One record through record_validate() and store_record_insert(), as the
 * API writes it; kept: server-kept fields to write too (or NULL); owner_id
 * 0: none. Takes body and kept.
 */
static int writer_record(struct maven_writer *w, struct arena *scratch, const struct entity *entity,
                         const struct custom_fields *custom, json_t *body, json_t *kept,
                         int64_t owner_id, int64_t *id)
{
    json_t *changes = NULL;
    int rc = record_validate(scratch, entity, custom, body, NULL, &changes, w->err);
    if (rc == 0) {
        if (owner_id > 0)
            json_object_set_new(changes, "owner_id", json_integer(owner_id));
        if (kept != NULL)
            json_object_update(changes, kept);
        rc = store_record_insert(w->conn, scratch, entity, &access_system, changes, changes, id,
                                 w->err);
    }
    json_decref(changes);
    json_decref(kept);
    json_decref(body);
    return rc;
}

/* {"amount": "4821", "currency": "USD"}. */
static json_t *usd(int64_t dollars)
{
    char text[32];
    snprintf(text, sizeof(text), "%lld", (long long)dollars);
    return json_pack("{s:s,s:s}", "amount", text, "currency", IMPORT_CURRENCY);
}

static int writer_products(struct maven_writer *w)
{
    const struct maven_data *d = w->d;
    struct custom_fields custom;
    int rc = store_fields_load(w->conn, w->arena, entity_products.name, &custom, w->err);
    w->product_ids = arena_alloc_array(w->arena, d->n_products + 1, sizeof(int64_t));
    for (size_t i = 0; i < d->n_products && rc == 0; i++) {
        const struct maven_product *p = &d->products[i];
        json_t *body = json_pack("{s:s,s:s,s:o,s:s,s:b}", "sku", p->sku, "name", p->name, "price",
                                 usd(p->price_usd), "tax_rate", "0", "active", 1);
        if (p->series != NULL)
            json_object_set_new(body, "series", json_string(p->series));
        rc = writer_record(w, w->arena, &entity_products, &custom, body, NULL, 0,
                           &w->product_ids[i]);
        if (rc < 0)
            return writer_blame(w, rc, "products.csv", p->line, p->name);
        w->result->n_products++;
    }
    return rc;
}

/* Companies parents first, each owned by the agent with the most opportunities at it. */
static int writer_companies(struct maven_writer *w)
{
    const struct maven_data *d = w->d;
    struct custom_fields custom;
    int rc = store_fields_load(w->conn, w->arena, entity_companies.name, &custom, w->err);
    w->account_ids = arena_alloc_array(w->arena, d->n_accounts + 1, sizeof(int64_t));
    for (size_t k = 0; k < d->n_accounts && rc == 0; k++) {
        size_t i = d->account_order[k];
        const struct maven_account *a = &d->accounts[i];
        json_t *body = json_pack("{s:s}", "name", a->name);
        if (a->sector != NULL)
            json_object_set_new(body, "industry", json_string(a->sector));
        if (a->size != NULL)
            json_object_set_new(body, "size", json_string(a->size));
        if (a->office_location != NULL)
            json_object_set_new(body, "tags", json_pack("[s]", a->office_location));
        if (a->parent != MAVEN_NONE)
            json_object_set_new(body, "parent_id", json_integer(w->account_ids[a->parent]));
        int64_t owner = a->owner != MAVEN_NONE ? w->agent_ids[a->owner] : 0;
        rc = writer_record(w, w->arena, &entity_companies, &custom, body, NULL, owner,
                           &w->account_ids[i]);
        if (rc < 0)
            return writer_blame(w, rc, "accounts.csv", a->line, a->name);
        w->result->n_companies++;
    }
    return rc;
}

/* The pipeline "Maven sales" and its stage ids. */
static int writer_pipeline(struct maven_writer *w)
{
    json_t *stages = json_array(), *clean = NULL, *pipeline = NULL;
    for (size_t s = 0; s < MAVEN_N_STAGES; s++)
        json_array_append_new(stages,
                              json_pack("{s:s,s:i,s:s}", "name",
                                        maven_stage_name((enum maven_stage)s), "probability",
                                        stage_defs[s].probability, "kind", stage_defs[s].kind));
    json_t *body = json_pack("{s:s,s:o}", "name", MAVEN_PIPELINE_NAME, "stages", stages);
    int rc = pipeline_validate(body, NULL, &clean, w->err);
    if (rc == 0)
        rc = store_pipeline_insert(w->conn, w->arena, clean, &w->result->pipeline_id, w->err);
    if (rc == 0)
        rc = store_pipeline_get(w->conn, w->arena, w->result->pipeline_id, &pipeline, w->err);
    const json_t *ids = json_object_get(pipeline, "stages");
    if (rc == 0 && json_array_size(ids) != MAVEN_N_STAGES)
        rc = err_set(w->err, ERR_INTERNAL, "the pipeline was stored with %zu stages",
                     json_array_size(ids));
    for (size_t s = 0; s < MAVEN_N_STAGES && rc == 0; s++)
        w->stage_ids[s] = json_integer_value(json_object_get(json_array_get(ids, s), "id"));
    json_decref(pipeline);
    json_decref(clean);
    json_decref(body);
    return rc;
}

/* The deal reason of kind named name: the existing one, else a new one. */
static int writer_reason(struct maven_writer *w, const char *kind, const char *name, int64_t *id)
{
    json_t *reasons = NULL, *clean = NULL;
    int rc = store_deal_reasons_list(w->conn, w->arena, kind, &reasons, w->err);
    size_t i;
    json_t *reason;
    *id = 0;
    json_array_foreach(reasons, i, reason)
    {
        const char *reason_name = json_string_value(json_object_get(reason, "name"));
        if (reason_name != NULL && strcmp(reason_name, name) == 0)
            *id = json_integer_value(json_object_get(reason, "id"));
    }
    json_decref(reasons);
    if (rc < 0 || *id != 0)
        return rc;
    json_t *body = json_pack("{s:s,s:s}", "kind", kind, "name", name);
    rc = deal_reason_validate(body, NULL, &clean, w->err);
    if (rc == 0)
        rc = store_deal_reason_insert(w->conn, w->arena, clean, id, w->err);
    json_decref(clean);
    json_decref(body);
    return rc;
}

/*
 * The stage changes a deal went through: into Engaging on engage_date,
 * then won or lost on close_date; an open deal's single row is its entry
 * into its stage at entered.
 */
static int writer_history(struct maven_writer *w, struct arena *scratch, const struct maven_deal *m,
                          int64_t deal_id, const char *entered)
{
    int64_t pipeline_id = w->result->pipeline_id;
    int64_t engaged_ms = 0, closed_ms = 0;
    bool closed = m->stage == MAVEN_WON || m->stage == MAVEN_LOST;
    struct deal_stage_change change = {
        .deal_id = deal_id,
        .to_pipeline_id = pipeline_id,
        .to_stage_id = w->stage_ids[closed ? MAVEN_ENGAGING : m->stage],
        .at = closed ? date_time(scratch, m->engage_date, &engaged_ms) : entered,
    };
    int rc = store_deal_history_add(w->conn, scratch, &change, w->err);
    w->result->n_history++;
    if (rc < 0 || !closed)
        return rc;
    change = (struct deal_stage_change){
        .deal_id = deal_id,
        .from_pipeline_id = pipeline_id,
        .from_stage_id = w->stage_ids[MAVEN_ENGAGING],
        .to_pipeline_id = pipeline_id,
        .to_stage_id = w->stage_ids[m->stage],
        .at = date_time(scratch, m->close_date, &closed_ms),
    };
    change.seconds_in_from = (closed_ms - engaged_ms) / 1000;
    w->result->n_history++;
    return store_deal_history_add(w->conn, scratch, &change, w->err);
}

/* The deal of one opportunity, in its final stage, with its history. */
static int writer_deal(struct maven_writer *w, struct arena *scratch,
                       const struct custom_fields *custom, const struct maven_deal *m)
{
    const struct maven_data *d = w->d;
    bool closed = m->stage == MAVEN_WON || m->stage == MAVEN_LOST;
    int64_t ms = 0, id = 0;
    const char *account = m->account != MAVEN_NONE ? d->accounts[m->account].name : "no account";
    const char *title = arena_printf(scratch, "%s \xE2\x80\x94 %s (%s)",
                                     d->products[m->product].name, account, m->opportunity_id);
    json_t *body = json_pack("{s:s,s:I,s:I,s:I}", "title", title, "pipeline_id",
                             (json_int_t)w->result->pipeline_id, "stage_id",
                             (json_int_t)w->stage_ids[m->stage], "product_id",
                             (json_int_t)w->product_ids[m->product]);
    if (m->close_value_usd >= 0)
        json_object_set_new(body, "amount", usd(m->close_value_usd));
    if (m->close_date[0] != '\0')
        json_object_set_new(body, "expected_close", json_string(m->close_date));
    if (m->account != MAVEN_NONE)
        json_object_set_new(body, "company_id", json_integer(w->account_ids[m->account]));
    const char *entered = closed                      ? date_time(scratch, m->close_date, &ms)
                          : m->engage_date[0] != '\0' ? date_time(scratch, m->engage_date, &ms)
                                                      : w->now;
    int64_t reason = m->stage == MAVEN_WON    ? w->won_reason_id
                     : m->stage == MAVEN_LOST ? w->lost_reason_id
                                              : 0;
    json_t *kept = json_pack("{s:i,s:s,s:o,s:o,s:n}", "probability",
                             stage_defs[m->stage].probability, "stage_entered_at", entered,
                             "closed_at", closed ? json_string(entered) : json_null(), "reason_id",
                             reason != 0 ? json_integer(reason) : json_null(), "competitor_id");
    int rc =
        writer_record(w, scratch, &entity_deals, custom, body, kept, w->agent_ids[m->agent], &id);
    if (rc == 0)
        rc = writer_history(w, scratch, m, id, entered);
    if (rc < 0)
        return writer_blame(w, rc, "sales_pipeline.csv", m->line, m->opportunity_id);
    w->result->n_deals++;
    w->result->n_stage[m->stage]++;
    return 0;
}

static int writer_deals(struct maven_writer *w)
{
    struct custom_fields custom;
    struct arena *scratch = arena_new();
    int rc = store_fields_load(w->conn, w->arena, entity_deals.name, &custom, w->err);
    for (size_t i = 0; i < w->d->n_deals && rc == 0; i++) {
        if (i > 0 && i % SCRATCH_RECORDS == 0) {
            arena_free(scratch);
            scratch = arena_new();
        }
        rc = writer_deal(w, scratch, &custom, &w->d->deals[i]);
    }
    arena_free(scratch);
    return rc;
}

/* How many of the imported deals have an amount the store could not convert. */
static int writer_count_unconverted(struct maven_writer *w)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, w->arena, store_conn_dialect(w->conn));
    sql_add(&sql, "SELECT count(*) FROM \"deals\" WHERE \"pipeline_id\" = ");
    sql_param_int(&sql, w->result->pipeline_id);
    sql_add(&sql, " AND \"amount_minor\" IS NOT NULL AND \"amount_base_minor\" IS NULL");
    int rc = store_query(w->conn, w->arena, &sql, &rows, w->err);
    if (rc == 0 && rows.n_rows == 1)
        w->result->n_unconverted = (size_t)store_value_int(store_rows_at(&rows, 0, 0));
    return rc;
}

/* The note on USD amounts without a rate into the base currency, with the dates needing one. */
static void writer_note_unconverted(struct maven_writer *w)
{
    const struct maven_data *d = w->d;
    const char *first = NULL, *last = NULL;
    if (w->result->n_unconverted == 0)
        return;
    for (size_t i = 0; i < d->n_deals; i++) {
        const char *date = d->deals[i].close_date;
        if (date[0] == '\0' || d->deals[i].close_value_usd < 0)
            continue;
        if (first == NULL || strcmp(date, first) < 0)
            first = date;
        if (last == NULL || strcmp(date, last) > 0)
            last = date;
    }
    const char *what = arena_printf(
        w->arena,
        "amounts are in USD and the base currency is %s; the dataset has no exchange rates: the "
        "amounts count in %s once an administrator enters USD rates",
        w->result->base_currency, w->result->base_currency);
    const char *example =
        first != NULL ? arena_printf(w->arena, "rates for %s to %s", first, last) : "";
    maven_note_add(w->arena, w->d, what, w->result->n_unconverted, example);
}

static int writer_audit(struct maven_writer *w)
{
    const struct maven_import_result *r = w->result;
    json_t *detail =
        json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "pipeline", MAVEN_PIPELINE_NAME, "pipeline_id",
                  (json_int_t)r->pipeline_id, "teams", (json_int_t)r->n_teams, "users",
                  (json_int_t)r->n_users, "companies", (json_int_t)r->n_companies, "products",
                  (json_int_t)r->n_products, "deals", (json_int_t)r->n_deals);
    struct audit_entry entry = {.kind = "security", .action = "maven_imported", .detail = detail};
    int rc = store_audit_append(w->conn, w->arena, &entry, w->err);
    json_decref(detail);
    return rc;
}

/* Everything, in the order the references need. */
static int writer_run(struct maven_writer *w)
{
    clock_format_datetime(clock_now_ms(), w->now);
    int rc = writer_refuse_second_run(w);
    if (rc == 0)
        rc = store_base_currency(w->conn, w->arena, w->result->base_currency, w->err);
    if (rc == 0)
        rc = writer_people(w);
    if (rc == 0)
        rc = writer_products(w);
    if (rc == 0)
        rc = writer_companies(w);
    if (rc == 0)
        rc = writer_pipeline(w);
    if (rc == 0)
        rc = writer_reason(w, "won", WON_REASON, &w->won_reason_id);
    if (rc == 0)
        rc = writer_reason(w, "lost", LOST_REASON, &w->lost_reason_id);
    if (rc == 0)
        rc = writer_deals(w);
    if (rc == 0)
        rc = writer_count_unconverted(w);
    if (rc == 0)
        rc = writer_audit(w);
    return rc;
}

int maven_import(struct store *store, struct arena *arena, const char *dir,
                 struct maven_import_result *out, struct err *err)
{
    struct maven_files files;
    struct maven_data *data = arena_alloc(arena, sizeof(*data));
    *out = (struct maven_import_result){0};
    struct maven_writer w = {.arena = arena, .d = data, .result = out, .err = err};
    int rc = maven_import_read_dir(arena, dir, &files, err);
    if (rc == 0)
        rc = maven_read(arena, &files, data, err);
    if (rc < 0)
        return rc;
    w.conn = store_acquire(store, err);
    if (w.conn == NULL)
        return -(int)err->code;
    /* A second run is told at once, before the passwords are hashed (and again inside). */
    rc = writer_refuse_second_run(&w);
    if (rc == 0)
        rc = writer_hash_passwords(&w);
    if (rc == 0)
        rc = store_begin(w.conn, err);
    if (rc == 0)
        rc = writer_run(&w);
    if (rc == 0)
        rc = store_commit(w.conn, err);
    if (rc < 0)
        store_rollback(w.conn);
    store_release(w.conn);
    if (rc == 0)
        writer_note_unconverted(&w);
    out->notes = data->notes;
    out->n_notes = data->n_notes;
    return rc;
}
