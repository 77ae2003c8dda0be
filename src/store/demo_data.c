/*
 * Demo data generator. Names, industries and cities come from small lists
 * written here; combinations are chosen by a fixed-seed generator, so every
 * fresh database looks the same.
 */
#include "store/demo_data.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/access.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/pipeline.h"
#include "domain/record.h"
#include "store/store.h"
#include "store/timeline.h"

struct demo_company {
    const char *name;
    const char *industry;
    const char *size;
    const char *domain;
    const char *city;
    int parent; /* index + 1 of the parent company, 0: none */
};

static const struct demo_company companies[] = {
    {"Acme Logistics", "Logistics", "201-500", "acme-logistics.example", "Rotterdam", 0},
    {"Acme Logistics Hamburg", "Logistics", "51-200", "acme-logistics.example", "Hamburg", 1},
    {"Nordwind Maschinenbau GmbH", "Manufacturing", "501-1000", "nordwind.example", "Bremen", 0},
    {"Blue Harbor Foods", "Retail", "1001-5000", "blueharbor.example", "Boston", 0},
    {"Blue Harbor Foods Canada", "Retail", "201-500", "blueharbor.example", "Toronto", 4},
    {"Café Lumière SARL", "Hospitality", "11-50", "cafe-lumiere.example", "Lyon", 0},
    {"ООО «Северный ветер»", "Логистика", "51-200", "severveter.example", "Санкт-Петербург", 0},
    {"АО «Ромашка»", "Розничная торговля", "501-1000", "romashka.example", "Москва", 0},
    {"АО «Ромашка» Казань", "Розничная торговля", "51-200", "romashka.example", "Казань", 8},
    {"ТехноСфера", "Информационные технологии", "201-500", "technosfera.example", "Новосибирск", 0},
    {"Müller & Söhne KG", "Manufacturing", "11-50", "mueller-soehne.example", "Stuttgart", 0},
    {"Sunrise Dental Clinics", "Healthcare", "51-200", "sunrise-dental.example", "Austin", 0},
    {"Greenfield Agro", "Agriculture", "201-500", "greenfield-agro.example", "Kyiv", 0},
    {"Orbital Analytics", "Information technology", "11-50", "orbital.example", "Berlin", 0},
    {"Vela Yachts", "Manufacturing", "51-200", "vela-yachts.example", "Genoa", 0},
    {"Studio Kappa", "Media", "1-10", "studio-kappa.example", "Milan", 0},
    {"ПромСтройМонтаж", "Строительство", "1001-5000", "psm.example", "Екатеринбург", 0},
    {"Медицинский центр «Здоровье»", "Здравоохранение", "51-200", "zdorovie.example", "Самара", 0},
    {"Cedar & Pine Realty", "Real estate", "11-50", "cedarpine.example", "Denver", 0},
    {"Łódź Textile Works", "Manufacturing", "201-500", "lodz-textile.example", "Łódź", 0},
    {"Helios Solar", "Energy", "501-1000", "helios-solar.example", "Seville", 0},
    {"Байкал Тур", "Туризм", "11-50", "baikal-tour.example", "Иркутск", 0},
    {"Brightpath Education", "Education", "51-200", "brightpath.example", "Dublin", 0},
    {"Kestrel Security", "Information technology", "201-500", "kestrel.example", "Tallinn", 0},
    {"Fjord Fisheries AS", "Food production", "51-200", "fjord-fish.example", "Bergen", 0},
    {"Урал-Авто", "Автомобили", "201-500", "ural-auto.example", "Челябинск", 0},
    {"Atlas Freight", "Logistics", "1001-5000", "atlas-freight.example", "Chicago", 0},
    {"Atlas Freight Mexico", "Logistics", "201-500", "atlas-freight.example", "Monterrey", 27},
    {"Quill & Ink Publishing", "Media", "11-50", "quill-ink.example", "London", 0},
    {"Северсталь-Трейд", "Металлургия", "5000+", "severstal-trade.example", "Череповец", 0},
};

struct demo_name {
    const char *first;
    const char *mail; /* the name as written in an e-mail address */
    bool female;
    bool cyrillic;
};

static const struct demo_name first_names[] = {
    {"Anna", "anna", true, false},        {"James", "james", false, false},
    {"María", "maria", true, false},      {"Lukas", "lukas", false, false},
    {"Sofia", "sofia", true, false},      {"Mateo", "mateo", false, false},
    {"Chloé", "chloe", true, false},      {"Jürgen", "juergen", false, false},
    {"Zoë", "zoe", true, false},          {"François", "francois", false, false},
    {"Иван", "ivan", false, true},        {"Мария", "maria", true, true},
    {"Алексей", "alexey", false, true},   {"Ольга", "olga", true, true},
    {"Дмитрий", "dmitry", false, true},   {"Елена", "elena", true, true},
    {"Сергей", "sergey", false, true},    {"Наталья", "natalia", true, true},
};

static const char *const latin_last[] = {"Müller", "Smith",  "García", "Rossi",  "Dubois",
                                         "Novak",  "Larsen", "Kowalski", "O'Brien", "Schmidt"};
/* Male form; the female form adds "а". */
static const char *const cyrillic_last[] = {"Иванов", "Петров", "Смирнов", "Кузнецов",
                                            "Соколов", "Попов", "Лебедев", "Волков"};
static const char *const positions[] = {"CEO", "Purchasing manager", "CFO", "Head of sales",
                                        "Office manager", "Engineer", "Директор",
                                        "Менеджер по закупкам", "Главный бухгалтер"};
static const char *const tags[] = {"vip", "partner", "newsletter", "trade-show", "referral"};

/* A small fixed-seed generator (xorshift), enough to vary demo records. */
static unsigned next_random(unsigned *state)
{
    unsigned x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

#define PICK(list, state) (list)[next_random(state) % (sizeof(list) / sizeof((list)[0]))]

struct demo_user {
    const char *email;
    const char *name;
    const char *role;
    int team; /* index + 1 into demo_teams, 0: none */
};

static const char *const demo_teams[] = {"Moscow office", "Europe"};

/* Without passwords: an administrator sets one to sign in as them. The first three own records. */
static const struct demo_user demo_users[] = {
    {"irina.sokolova@example.com", "Ирина Соколова", "manager", 1},
    {"pavel.orlov@example.com", "Павел Орлов", "sales_rep", 1},
    {"anna.weber@example.com", "Anna Weber", "sales_rep", 2},
    {"board@example.com", "Board (read only)", "read_only", 0},
};

#define DEMO_OWNERS 3

static int insert_users(struct store_conn *conn, struct arena *arena, int64_t *user_ids,
                        struct err *err)
{
    int64_t team_ids[sizeof(demo_teams) / sizeof(demo_teams[0])];
    int rc = 0;
    for (size_t i = 0; i < sizeof(demo_teams) / sizeof(demo_teams[0]) && rc == 0; i++)
        rc = store_team_insert(conn, arena, demo_teams[i], &team_ids[i], err);
    for (size_t i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]) && rc == 0; i++) {
        const struct demo_user *u = &demo_users[i];
        json_t *role = NULL;
        rc = store_role_find_by_name(conn, arena, u->role, &role, err);
        if (rc < 0)
            break;
        json_t *fields = json_pack("{s:s,s:s,s:O}", "email", u->email, "name", u->name, "role_id",
                                   json_object_get(role, "id"));
        json_object_set_new(fields, "team_id",
                            u->team ? json_integer(team_ids[u->team - 1]) : json_null());
        rc = store_user_insert(conn, arena, fields, &user_ids[i], err);
        json_decref(fields);
        json_decref(role);
    }
    return rc;
}

static int insert_record(struct store_conn *conn, struct arena *arena, const struct entity *entity,
                         json_t *body, int64_t owner_id, int64_t *id, struct err *err)
{
    json_t *changes = NULL;
    static const struct custom_fields no_custom = {NULL, 0};
    int rc = record_validate(arena, entity, &no_custom, body, NULL, &changes, err);
    if (rc == 0) {
        json_object_set_new(changes, "owner_id", json_integer(owner_id));
        rc = store_record_insert(conn, arena, entity, &access_system, changes, changes, id, err);
    }
    json_decref(changes);
    json_decref(body);
    return rc;
}

/* ---- the working day: a few activities and tasks per contact ---- */

static const struct demo_activity {
    const char *type;
    const char *subject;
} demo_activities[] = {
    {"call", "Introductory call"},     {"email", "Sent the price list"},
    {"meeting", "Demo at their office"}, {"note", "Prefers calls after 14:00"},
    {"call", "Follow-up on the offer"}, {"email", "Письмо с коммерческим предложением"},
    {"call", "Звонок: уточнить сроки поставки"}, {"claim", "Late delivery complaint"},
};

static const char *const demo_tasks[] = {"Send the offer", "Prepare the contract",
                                         "Call back about the pilot", "Подготовить счёт",
                                         "Schedule a demo"};

/* An activity or task of the demo, with the timeline item the API would write for it. */
static int insert_working_day_record(struct store_conn *conn, struct arena *arena,
                                     const struct entity *entity, json_t *body, int64_t owner,
                                     struct err *err)
{
    int64_t id = 0;
    json_t *record = NULL;
    int rc = insert_record(conn, arena, entity, body, owner, &id, err);
    if (rc == 0)
        rc = store_record_get(conn, arena, entity, &access_system, id, RECORD_LIVE, &record, err);
    if (rc == 0)
        rc = store_timeline_mirror(conn, arena, entity, record, owner, err);
    json_decref(record);
    return rc;
}

/* One to three activities in the last weeks and, for some, an open task around today. */
static int seed_working_day(struct store_conn *conn, struct arena *arena, unsigned *state,
                            int64_t contact, int64_t company, int64_t owner, int *seeded,
                            struct err *err)
{
    int64_t now = clock_now_ms(), day = 86400000;
    int n = 1 + (int)(next_random(state) % 3), rc = 0;
    for (int k = 0; k < n && rc == 0; k++) {
        const struct demo_activity *a = &demo_activities[next_random(state) %
                                                          (sizeof(demo_activities) /
                                                           sizeof(demo_activities[0]))];
        char at[CLOCK_DATETIME_LEN + 1];
        clock_format_datetime(now - (int64_t)(1 + next_random(state) % 40) * day +
                                  (int64_t)(next_random(state) % 8) * 3600000,
                              at);
        json_t *body = json_pack("{s:s,s:s,s:s,s:I,s:I}", "type", a->type, "subject", a->subject,
                                 "at", at, "contact_id", (json_int_t)contact, "company_id",
                                 (json_int_t)company);
        if (strcmp(a->type, "call") == 0)
            json_object_set_new(body, "duration_s", json_integer(60 + next_random(state) % 900));
        if (strcmp(a->type, "claim") == 0)
            json_object_set_new(body, "status", json_string("open"));
        rc = insert_working_day_record(conn, arena, &entity_activities, body, owner, err);
        (*seeded)++;
    }
    if (rc == 0 && next_random(state) % 2 == 0) {
        const char *title = demo_tasks[next_random(state) % (sizeof(demo_tasks) /
                                                              sizeof(demo_tasks[0]))];
        char due[CLOCK_DATETIME_LEN + 1];
        clock_format_datetime((now / day + (int64_t)(next_random(state) % 7) - 2) * day +
                                  (int64_t)(9 + next_random(state) % 8) * 3600000,
                              due);
        json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "title", title, "due_at", due,
                                 "status", "open", "priority",
                                 next_random(state) % 3 == 0 ? "high" : "normal", "contact_id",
                                 (json_int_t)contact, "company_id", (json_int_t)company);
        rc = insert_working_day_record(conn, arena, &entity_tasks, body, owner, err);
        (*seeded)++;
    }
    return rc;
}

struct demo_stage {
    const char *name;
    int probability;
    const char *kind;
    int rot_days; /* 0: never */
};

static const struct demo_stage demo_stages[] = {
    {"Qualification", 10, "open", 14},
    {"Needs analysis", 25, "open", 14},
    {"Proposal", 50, "open", 21},
    {"Negotiation", 75, "open", 30},
    {"Won", 100, "won", 0},
    {"Lost", 0, "lost", 0},
};

static const char *const demo_won_reasons[] = {"Best price", "Product fit", "Relationship",
                                               "Fast delivery"};
static const char *const demo_lost_reasons[] = {"Price too high", "Chose a competitor", "No budget",
                                                "No decision", "Missing feature"};

/* Whether the table has no row at all (deleted pipelines count: the admin removed them). */
static int table_is_empty(struct store_conn *conn, struct arena *arena, const char *table,
                          bool *empty, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT 1 FROM ");
    sql_ident(&sql, table);
    sql_add(&sql, " LIMIT 1");
    int rc = store_query(conn, arena, &sql, &rows, err);
    *empty = rc == 0 && rows.n_rows == 0;
    return rc;
}

static int insert_pipeline(struct store_conn *conn, struct arena *arena, struct err *err)
{
    json_t *stages = json_array();
    for (size_t i = 0; i < sizeof(demo_stages) / sizeof(demo_stages[0]); i++) {
        const struct demo_stage *s = &demo_stages[i];
        json_t *stage = json_pack("{s:s,s:i,s:s}", "name", s->name, "probability", s->probability,
                                  "kind", s->kind);
        if (s->rot_days > 0)
            json_object_set_new(stage, "rot_days", json_integer(s->rot_days));
        json_array_append_new(stages, stage);
    }
    json_t *body = json_pack("{s:s,s:o}", "name", "Sales", "stages", stages);
    json_t *clean = NULL;
    int64_t id;
    int rc = pipeline_validate(body, NULL, &clean, err);
    if (rc == 0)
        rc = store_pipeline_insert(conn, arena, clean, &id, err);
    json_decref(clean);
    json_decref(body);
    return rc;
}

static int insert_reasons(struct store_conn *conn, struct arena *arena, const char *kind,
                          const char *const *names, size_t n, int *seeded, struct err *err)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *body = json_pack("{s:s,s:s}", "kind", kind, "name", names[i]);
        json_t *clean = NULL;
        int64_t id;
        rc = deal_reason_validate(body, NULL, &clean, err);
        if (rc == 0)
            rc = store_deal_reason_insert(conn, arena, clean, &id, err);
        json_decref(clean);
        json_decref(body);
        (*seeded)++;
    }
    return rc;
}

/*
 * The sales configuration: the pipeline "Sales" and the usual won and lost
 * reasons, each only while its table has never had a row.
 */
static int seed_sales(struct store_conn *conn, struct arena *arena, int *seeded, struct err *err)
{
    bool empty = false;
    int rc = table_is_empty(conn, arena, "pipelines", &empty, err);
    if (rc == 0 && empty) {
        rc = insert_pipeline(conn, arena, err);
        (*seeded)++;
    }
    if (rc == 0)
        rc = table_is_empty(conn, arena, "deal_reasons", &empty, err);
    if (rc == 0 && empty)
        rc = insert_reasons(conn, arena, "won", demo_won_reasons,
                            sizeof(demo_won_reasons) / sizeof(demo_won_reasons[0]), seeded, err);
    if (rc == 0 && empty)
        rc = insert_reasons(conn, arena, "lost", demo_lost_reasons,
                            sizeof(demo_lost_reasons) / sizeof(demo_lost_reasons[0]), seeded, err);
    return rc;
}

static bool database_is_empty(struct store_conn *conn, struct arena *arena, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT 1 FROM \"companies\" LIMIT 1");
    return store_query(conn, arena, &sql, &rows, err) == 0 && rows.n_rows == 0;
}

int demo_data_seed(struct store *store, int *seeded_out, struct err *err)
{
    struct arena *arena = arena_new();
    struct store_conn *conn = store_acquire(store, err);
    int64_t company_ids[sizeof(companies) / sizeof(companies[0])];
    int64_t user_ids[sizeof(demo_users) / sizeof(demo_users[0])];
    unsigned state = 20261123;
    int seeded = 0;
    int rc = conn ? store_begin(conn, err) : -(int)err->code;
    if (rc < 0 || !database_is_empty(conn, arena, err))
        goto out;
    rc = insert_users(conn, arena, user_ids, err);
    if (rc == 0)
        rc = seed_sales(conn, arena, &seeded, err);
    for (size_t i = 0; i < sizeof(companies) / sizeof(companies[0]) && rc == 0; i++) {
        const struct demo_company *c = &companies[i];
        json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", c->name, "industry",
                                 c->industry, "size", c->size, "website", c->domain, "address",
                                 c->city);
        json_object_set_new(body, "emails",
                            json_pack("[s]", arena_printf(arena, "info@%s", c->domain)));
        json_object_set_new(body, "phones",
                            json_pack("[s]", arena_printf(arena, "+%u %03u %03u-%02u-%02u",
                                                          1 + next_random(&state) % 49,
                                                          100 + next_random(&state) % 900,
                                                          100 + next_random(&state) % 900,
                                                          next_random(&state) % 100,
                                                          next_random(&state) % 100)));
        if (c->parent > 0)
            json_object_set_new(body, "parent_id", json_integer(company_ids[c->parent - 1]));
        if (next_random(&state) % 3 == 0)
            json_object_set_new(body, "tags", json_pack("[s]", PICK(tags, &state)));
        rc = insert_record(conn, arena, &entity_companies, body, user_ids[i % DEMO_OWNERS],
                           &company_ids[i], err);
        seeded++;
    }
    for (int i = 0; i < 60 && rc == 0; i++) {
        const struct demo_name *n = &first_names[next_random(&state) % (sizeof(first_names) /
                                                                        sizeof(first_names[0]))];
        const char *last;
        if (n->cyrillic) {
            size_t k = next_random(&state) % (sizeof(cyrillic_last) / sizeof(cyrillic_last[0]));
            last = n->female ? arena_printf(arena, "%sа", cyrillic_last[k]) : cyrillic_last[k];
        } else {
            last = PICK(latin_last, &state);
        }
        size_t company = next_random(&state) % (sizeof(companies) / sizeof(companies[0]));
        json_t *body = json_pack(
            "{s:s,s:s,s:s,s:[{s:I,s:s}],s:[s],s:[s]}", "first_name", n->first, "last_name", last,
            "position", PICK(positions, &state), "companies", "id",
            (json_int_t)company_ids[company], "role", "Contact person", "emails",
            arena_printf(arena, "%s.%d@%s", n->mail, i, companies[company].domain), "phones",
            arena_printf(arena, "+%u %03u %03u %04u", 1 + next_random(&state) % 49,
                         100 + next_random(&state) % 900, 100 + next_random(&state) % 900,
                         next_random(&state) % 10000));
        if (i % 4 == 0)
            json_object_set_new(body, "birthday",
                                json_string(arena_printf(arena, "19%02u-%02u-%02u",
                                                         60 + next_random(&state) % 40,
                                                         1 + next_random(&state) % 12,
                                                         1 + next_random(&state) % 28)));
        if (i % 5 == 0)
            json_object_set_new(body, "tags", json_pack("[s]", PICK(tags, &state)));
        json_object_set_new(body, "source", json_string(i % 3 ? "referral" : "website"));
        int64_t id;
        rc = insert_record(conn, arena, &entity_contacts, body, user_ids[company % DEMO_OWNERS],
                           &id, err);
        seeded++;
        if (rc == 0)
            rc = seed_working_day(conn, arena, &state, id, company_ids[company],
                                  user_ids[company % DEMO_OWNERS], &seeded, err);
    }
    if (rc == 0)
        rc = store_commit(conn, err);
out:
    if (conn != NULL) {
        if (rc < 0)
            store_rollback(conn);
        store_release(conn);
    }
    arena_free(arena);
    *seeded_out = rc == 0 ? seeded : 0;
    return rc;
}
