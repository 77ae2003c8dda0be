/*
 * gen_data: fills a database with N contacts and M companies for the
 * benchmarks. Names come from lists written here (Latin with diacritics,
 * Cyrillic with Russian female surname forms), chosen with skewed weights
 * so that a few first names, surnames and mail domains are very common, as
 * in real address books. Every record goes through record_validate and
 * store_record_insert like an API write, so the search text and the
 * full-text index are the real ones.
 *
 *   gen_data --db PATH|URL --contacts N --companies M [--seed S] [--batch ROWS]
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "domain/access.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/record.h"
#include "store/store.h"

#define GEN_DEFAULT_BATCH 10000
#define GEN_MAX_ROWS 100000000LL

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A name as written and its ASCII form for e-mail addresses. */
struct gen_name {
    const char *text;
    const char *ascii;
};

/* ---- the lists ---- */

/* Names come first in the order of their frequency: picks are skewed towards the start. */
/* clang-format off */
static const struct gen_name latin_female[] = {
    {"Anna", "anna"}, {"Maria", "maria"}, {"Emma", "emma"}, {"Sophie", "sophie"},
    {"Laura", "laura"}, {"Julia", "julia"}, {"María", "maria"}, {"Lucía", "lucia"},
    {"Chloé", "chloe"}, {"Léa", "lea"}, {"Zoë", "zoe"}, {"Inès", "ines"}, {"Hanna", "hanna"},
    {"Katarzyna", "katarzyna"}, {"Małgorzata", "malgorzata"}, {"Zofia", "zofia"},
    {"Tereza", "tereza"}, {"Jana", "jana"}, {"Ágnes", "agnes"}, {"Åsa", "asa"},
    {"Ingrid", "ingrid"}, {"Sinéad", "sinead"}, {"Aoife", "aoife"}, {"Giulia", "giulia"},
    {"Francesca", "francesca"}, {"Beatriz", "beatriz"}, {"João", "joao"}, {"Ayşe", "ayse"},
    {"Elif", "elif"}, {"Noémie", "noemie"}, {"Sarah", "sarah"}, {"Olivia", "olivia"},
    {"Charlotte", "charlotte"}, {"Petra", "petra"}, {"Mónica", "monica"}, {"Björg", "bjorg"},
};
static const struct gen_name latin_male[] = {
    {"James", "james"}, {"John", "john"}, {"Michael", "michael"}, {"David", "david"},
    {"Thomas", "thomas"}, {"Peter", "peter"}, {"Lukas", "lukas"}, {"Jürgen", "juergen"},
    {"Jörg", "joerg"}, {"François", "francois"}, {"José", "jose"}, {"Søren", "soren"},
    {"Björn", "bjorn"}, {"Łukasz", "lukasz"}, {"Paweł", "pawel"}, {"Tomáš", "tomas"},
    {"Jiří", "jiri"}, {"Matteo", "matteo"}, {"Giuseppe", "giuseppe"}, {"Alejandro", "alejandro"},
    {"Joaquín", "joaquin"}, {"Mehmet", "mehmet"}, {"Oğuz", "oguz"}, {"Seán", "sean"},
    {"Liam", "liam"}, {"Noah", "noah"}, {"Pierre", "pierre"}, {"Jean", "jean"}, {"Hans", "hans"},
    {"Erik", "erik"}, {"Mikael", "mikael"}, {"André", "andre"}, {"Ahmed", "ahmed"},
    {"William", "william"}, {"Daniel", "daniel"}, {"Gérard", "gerard"},
};
static const struct gen_name latin_last[] = {
    {"Smith", "smith"}, {"Müller", "mueller"}, {"García", "garcia"}, {"Johnson", "johnson"},
    {"Schmidt", "schmidt"}, {"Martin", "martin"}, {"Rossi", "rossi"}, {"Nowak", "nowak"},
    {"Williams", "williams"}, {"Brown", "brown"}, {"Jones", "jones"}, {"Martínez", "martinez"},
    {"Rodríguez", "rodriguez"}, {"López", "lopez"}, {"González", "gonzalez"},
    {"Schneider", "schneider"}, {"Fischer", "fischer"}, {"Weber", "weber"}, {"Meyer", "meyer"},
    {"Wagner", "wagner"}, {"Schäfer", "schaefer"}, {"Hoffmann", "hoffmann"}, {"Dubois", "dubois"},
    {"Bernard", "bernard"}, {"Lefèvre", "lefevre"}, {"Moreau", "moreau"}, {"Girard", "girard"},
    {"Russo", "russo"}, {"Ferrari", "ferrari"}, {"Esposito", "esposito"}, {"Bianchi", "bianchi"},
    {"Kowalski", "kowalski"}, {"Wiśniewski", "wisniewski"}, {"Wójcik", "wojcik"},
    {"Kamiński", "kaminski"}, {"Novák", "novak"}, {"Svoboda", "svoboda"}, {"Dvořák", "dvorak"},
    {"Černý", "cerny"}, {"Nielsen", "nielsen"}, {"Jensen", "jensen"}, {"Hansen", "hansen"},
    {"Sørensen", "sorensen"}, {"Johansson", "johansson"}, {"Lindqvist", "lindqvist"},
    {"O'Brien", "obrien"}, {"Murphy", "murphy"}, {"Kelly", "kelly"}, {"Yılmaz", "yilmaz"},
    {"Kaya", "kaya"}, {"Şahin", "sahin"}, {"Silva", "silva"}, {"Santos", "santos"},
    {"Oliveira", "oliveira"}, {"Pereira", "pereira"}, {"Nagy", "nagy"}, {"Kovács", "kovacs"},
    {"Szabó", "szabo"}, {"Tóth", "toth"}, {"de Jong", "dejong"}, {"van den Berg", "vandenberg"},
    {"Jansen", "jansen"}, {"Østergaard", "ostergaard"},
};
static const struct gen_name cyrillic_female[] = {
    {"Елена", "elena"}, {"Ольга", "olga"}, {"Наталья", "natalya"}, {"Анна", "anna"},
    {"Мария", "maria"}, {"Татьяна", "tatyana"}, {"Ирина", "irina"}, {"Екатерина", "ekaterina"},
    {"Светлана", "svetlana"}, {"Юлия", "yulia"}, {"Анастасия", "anastasia"}, {"Дарья", "darya"},
    {"Ксения", "ksenia"}, {"Марина", "marina"}, {"Людмила", "lyudmila"}, {"Галина", "galina"},
    {"Полина", "polina"}, {"Алёна", "alena"}, {"Вера", "vera"}, {"Надежда", "nadezhda"},
    {"Софья", "sofya"}, {"Виктория", "viktoria"}, {"Евгения", "evgenia"}, {"Оксана", "oksana"},
};
static const struct gen_name cyrillic_male[] = {
    {"Александр", "alexander"}, {"Сергей", "sergey"}, {"Дмитрий", "dmitry"}, {"Андрей", "andrey"},
    {"Алексей", "alexey"}, {"Максим", "maxim"}, {"Евгений", "evgeny"}, {"Иван", "ivan"},
    {"Михаил", "mikhail"}, {"Николай", "nikolay"}, {"Владимир", "vladimir"}, {"Павел", "pavel"},
    {"Артём", "artem"}, {"Олег", "oleg"}, {"Юрий", "yury"}, {"Игорь", "igor"}, {"Роман", "roman"},
    {"Виктор", "viktor"}, {"Кирилл", "kirill"}, {"Денис", "denis"}, {"Антон", "anton"},
    {"Илья", "ilya"}, {"Фёдор", "fedor"}, {"Григорий", "grigory"},
};
/* Male forms; gen_surname_female() derives the female ones. */
static const struct gen_name cyrillic_last[] = {
    {"Иванов", "ivanov"}, {"Смирнов", "smirnov"}, {"Кузнецов", "kuznetsov"}, {"Попов", "popov"},
    {"Васильев", "vasilyev"}, {"Петров", "petrov"}, {"Соколов", "sokolov"},
    {"Михайлов", "mikhailov"}, {"Новиков", "novikov"}, {"Фёдоров", "fedorov"},
    {"Морозов", "morozov"}, {"Волков", "volkov"}, {"Алексеев", "alekseev"}, {"Лебедев", "lebedev"},
    {"Семёнов", "semenov"}, {"Егоров", "egorov"}, {"Павлов", "pavlov"}, {"Козлов", "kozlov"},
    {"Степанов", "stepanov"}, {"Николаев", "nikolaev"}, {"Орлов", "orlov"}, {"Андреев", "andreev"},
    {"Макаров", "makarov"}, {"Никитин", "nikitin"}, {"Захаров", "zakharov"}, {"Зайцев", "zaitsev"},
    {"Соловьёв", "solovyov"}, {"Борисов", "borisov"}, {"Ильин", "ilyin"}, {"Гусев", "gusev"},
    {"Титов", "titov"}, {"Кудрявцев", "kudryavtsev"}, {"Баранов", "baranov"},
    {"Куликов", "kulikov"}, {"Калинин", "kalinin"}, {"Голубев", "golubev"},
    {"Вишневский", "vishnevskiy"}, {"Островский", "ostrovskiy"}, {"Жуковский", "zhukovskiy"},
    {"Высоцкий", "vysotskiy"}, {"Трубецкой", "trubetskoy"}, {"Толстой", "tolstoy"},
    {"Шевченко", "shevchenko"}, {"Бондаренко", "bondarenko"}, {"Коваленко", "kovalenko"},
    {"Черных", "chernykh"}, {"Седых", "sedykh"}, {"Ковальчук", "kovalchuk"}, {"Мельник", "melnik"},
    {"Ким", "kim"}, {"Цой", "tsoy"}, {"Пушкин", "pushkin"}, {"Голицын", "golitsyn"},
    {"Щукин", "shchukin"},
};
/* Ordered by how often they are drawn (see gen_random_skewed). */
static const char *const free_mail_domains[] = {
    "gmail.com", "yandex.ru", "mail.ru", "outlook.com", "yahoo.com", "hotmail.com", "gmx.de",
    "web.de", "icloud.com", "orange.fr", "libero.it", "wp.pl", "seznam.cz", "proton.me",
    "t-online.de", "bk.ru", "inbox.ru", "free.fr",
};
static const struct gen_name latin_company_first[] = {
    {"Atlas", "atlas"}, {"Nordwind", "nordwind"}, {"Blue Harbor", "blueharbor"},
    {"Green Valley", "greenvalley"}, {"Silver Oak", "silveroak"}, {"Apex", "apex"},
    {"Vertex", "vertex"}, {"Orion", "orion"}, {"Helios", "helios"}, {"Granite", "granite"},
    {"Cedar & Pine", "cedarpine"}, {"Summit", "summit"}, {"Pioneer", "pioneer"},
    {"Horizon", "horizon"}, {"Evergreen", "evergreen"}, {"Crescent", "crescent"},
    {"Falcon", "falcon"}, {"Meridian", "meridian"}, {"Polar", "polar"}, {"Zenith", "zenith"},
    {"Lumière", "lumiere"}, {"Müller & Söhne", "mueller-soehne"}, {"Kestrel", "kestrel"},
    {"Fjord", "fjord"}, {"Łódź", "lodz"}, {"Brightpath", "brightpath"},
    {"Quill & Ink", "quill-ink"}, {"Vela", "vela"}, {"Orbital", "orbital"}, {"Sunrise", "sunrise"},
    {"Nordlicht", "nordlicht"}, {"Bålstad", "balstad"}, {"Česká", "ceska"},
    {"Alpenglück", "alpenglueck"},
};
static const char *const latin_company_second[] = {
    "Logistics", "Foods", "Systems", "Analytics", "Solar", "Consulting", "Partners", "Media",
    "Dental", "Realty", "Textiles", "Engineering", "Software", "Motors", "Pharma", "Robotics",
    "Capital", "Travel", "Fisheries", "Construction", "Freight", "Maschinenbau", "Agro", "Security",
    "Publishing", "Energy", "Clinics", "Yachts",
};
static const char *const latin_company_legal[] = {
    "", "", "GmbH", "Ltd", "Inc.", "SARL", "S.p.A.", "AG", "B.V.", "AS", "sp. z o.o.", "s.r.o.",
    "LLC", "KG",
};
static const struct gen_name cyrillic_company_first[] = {
    {"Техно", "techno"}, {"Пром", "prom"}, {"Агро", "agro"}, {"Строй", "stroy"},
    {"Энерго", "energo"}, {"Гео", "geo"}, {"Нефте", "nefte"}, {"Инвест", "invest"},
    {"Транс", "trans"}, {"Мед", "med"}, {"Био", "bio"}, {"Эко", "eco"}, {"Альфа", "alfa"},
    {"Сиб", "sib"}, {"Урал", "ural"}, {"Волга", "volga"}, {"Север", "sever"}, {"Байкал", "baikal"},
    {"Росс", "ross"}, {"Кама", "kama"},
};
static const struct gen_name cyrillic_company_second[] = {
    {"Сфера", "sfera"}, {"Строй", "stroy"}, {"Инвест", "invest"}, {"Сервис", "service"},
    {"Торг", "torg"}, {"Монтаж", "montazh"}, {"Ресурс", "resurs"}, {"Снаб", "snab"},
    {"Лайн", "line"}, {"Систем", "system"}, {"Групп", "group"}, {"Холдинг", "holding"},
    {"Трейд", "trade"}, {"Логистик", "logistic"}, {"Тех", "tech"}, {"Маркет", "market"},
};
static const char *const cyrillic_company_legal[] = {
    "ООО", "ООО", "ООО", "АО", "ПАО", "ЗАО",
};
static const char *const latin_industries[] = {
    "Logistics", "Manufacturing", "Retail", "Hospitality", "Healthcare", "Agriculture",
    "Information technology", "Media", "Real estate", "Energy", "Education", "Food production",
    "Finance", "Construction", "Automotive", "Telecommunications",
};
static const char *const cyrillic_industries[] = {
    "Логистика", "Розничная торговля", "Информационные технологии", "Строительство",
    "Здравоохранение", "Туризм", "Автомобили", "Металлургия", "Сельское хозяйство", "Производство",
    "Финансы", "Образование",
};
static const char *const latin_cities[] = {
    "Berlin", "Hamburg", "München", "Köln", "Rotterdam", "Amsterdam", "Paris", "Lyon", "Zürich",
    "Genève", "Milan", "Genoa", "Madrid", "Sevilla", "Lisboa", "London", "Dublin", "Boston",
    "Chicago", "Austin", "Toronto", "Kraków", "Łódź", "Praha", "Brno", "Wien", "København", "Malmö",
    "Bergen", "Tallinn", "İstanbul", "Kyiv",
};
static const char *const cyrillic_cities[] = {
    "Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Нижний Новгород",
    "Самара", "Челябинск", "Омск", "Ростов-на-Дону", "Уфа", "Красноярск", "Пермь", "Воронеж",
    "Иркутск", "Череповец", "Тюмень", "Владивосток",
};
static const char *const streets[] = {
    "Hauptstraße", "Rue de la Paix", "Main Street", "Via Roma", "Calle Mayor", "ul. Długa",
    "ул. Ленина", "пр. Мира", "ул. Садовая", "Baker Street", "Kungsgatan", "Náměstí Míru",
};
static const char *const company_sizes[] = {
    "1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+",
};
static const char *const tags[] = {
    "vip", "partner", "newsletter", "trade-show", "referral", "lead", "customer", "supplier",
    "prospect", "webinar", "дилер", "ключевой клиент",
};
static const char *const latin_positions[] = {
    "CEO", "CFO", "CTO", "Head of sales", "Purchasing manager", "Engineer", "Accountant",
    "Office manager", "Marketing manager", "Product owner", "Lawyer", "HR manager",
    "Logistics coordinator", "Sales representative", "Founder",
};
static const char *const cyrillic_positions[] = {
    "Генеральный директор", "Директор", "Главный бухгалтер", "Менеджер по закупкам", "Инженер",
    "Руководитель отдела продаж", "Юрист", "Менеджер по персоналу", "Коммерческий директор",
    "Снабженец",
};
static const char *const roles[] = {
    "Contact person", "Buyer", "Decision maker", "Accounting", "Лицо, принимающее решение",
    "Закупки",
};
static const char *const sources[] = {
    "website", "referral", "trade-show", "cold-call", "import", "webinar", "partner", "выставка",
};
static const char *const interests[] = {
    "golf", "sailing", "wine", "football", "chess", "hiking", "рыбалка", "теннис", "jazz",
    "cycling",
};
static const char *const skills[] = {
    "negotiation", "SAP", "1С", "Excel", "German", "English", "логистика", "procurement",
};
/* clang-format on */

/* ---- random choices ---- */

struct gen_random {
    uint64_t state;
};

/* splitmix64: small, fast and good enough to vary test data. */
static uint64_t gen_random_next(struct gen_random *r)
{
    uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static unsigned gen_random_below(struct gen_random *r, unsigned n)
{
    return (unsigned)(gen_random_next(r) % n);
}

static double gen_random_unit(struct gen_random *r)
{
    return (double)(gen_random_next(r) >> 11) / 9007199254740992.0;
}

static bool gen_random_chance(struct gen_random *r, unsigned percent)
{
    return gen_random_below(r, 100) < percent;
}

/*
 * An index below n where the first entries are the most frequent: with
 * skew 2 the first of 24 names is drawn ~20 % of the time, as the commonest
 * names are in real populations.
 */
static size_t gen_random_skewed(struct gen_random *r, size_t n, double skew)
{
    size_t i = (size_t)(pow(gen_random_unit(r), skew) * (double)n);
    return i < n ? i : n - 1;
}

#define PICK(r, list) ((list)[gen_random_below((r), COUNT(list))])
#define PICK_SKEWED(r, list, skew) (&(list)[gen_random_skewed((r), COUNT(list), (skew))])

/* ---- names ---- */

static bool gen_ends_with(const char *s, const char *suffix)
{
    size_t len = strlen(s), n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/*
 * The female form of a Russian surname: Иванов -> Иванова, Ильин -> Ильина,
 * Вишневский -> Вишневская, Толстой -> Толстая; Шевченко, Черных, Ким stay.
 * The ASCII form follows the same rule.
 */
static struct gen_name gen_surname_female(struct arena *arena, const struct gen_name *male)
{
    const char *t = male->text, *a = male->ascii;
    size_t tl = strlen(t), al = strlen(a);
    /* Short -ой names such as Цой (Korean) stay as they are. */
    if (gen_ends_with(t, "ий") || (gen_ends_with(t, "ой") && tl > 6))
        return (struct gen_name){arena_printf(arena, "%.*sая", (int)(tl - 4), t),
                                 arena_printf(arena, "%.*saya", (int)(al - 2), a)};
    if (gen_ends_with(t, "ов") || gen_ends_with(t, "ев") || gen_ends_with(t, "ёв") ||
        gen_ends_with(t, "ин") || gen_ends_with(t, "ын"))
        return (struct gen_name){arena_printf(arena, "%sа", t), arena_printf(arena, "%sa", a)};
    return *male;
}

/* ---- records ---- */

struct gen_company {
    int64_t id;
    const char *name;
    const char *domain;
    bool cyrillic;
};

struct gen {
    struct store *store;
    struct store_conn *conn;
    struct gen_random random;
    struct gen_company *companies;
    size_t n_companies;
    size_t batch_rows;
    size_t rows_in_batch;
    struct err err;
};

static json_t *gen_string_array(struct gen_random *r, const char *const *list, size_t n_list,
                                unsigned max_items)
{
    json_t *array = json_array();
    unsigned n = gen_random_below(r, max_items + 1);
    for (unsigned i = 0; i < n; i++) {
        json_t *item = json_string(list[gen_random_below(r, (unsigned)n_list)]);
        bool seen = false;
        size_t k;
        json_t *existing;
        json_array_foreach(array, k, existing)
        {
            if (json_equal(existing, item))
                seen = true;
        }
        if (seen)
            json_decref(item);
        else
            json_array_append_new(array, item);
    }
    return array;
}

/* A phone number in one of the ways people write them in the country of the name. */
static const char *gen_phone_number(struct arena *arena, struct gen_random *r, bool russian)
{
    unsigned a = gen_random_below(r, 900) + 100, b = gen_random_below(r, 900) + 100;
    unsigned c = gen_random_below(r, 100), d = gen_random_below(r, 100);
    unsigned e = gen_random_below(r, 10000);
    if (russian) {
        switch (gen_random_below(r, 4)) {
        case 0:
            return arena_printf(arena, "+7 %u %u-%02u-%02u", a, b, c, d);
        case 1:
            return arena_printf(arena, "8 (%u) %u-%02u-%02u", a, b, c, d);
        case 2:
            return arena_printf(arena, "+7%u%u%02u%02u", a, b, c, d);
        default:
            return arena_printf(arena, "8-%u-%u-%02u-%02u", a, b, c, d);
        }
    }
    switch (gen_random_below(r, 7)) {
    case 0:
        return arena_printf(arena, "+1 (%u) 555-%04u", a, e);
    case 1:
        return arena_printf(arena, "+49 %u %u%04u", 30 + c % 60, b, e);
    case 2:
        return arena_printf(arena, "+33 6 %02u %02u %02u %02u", c, d, e % 100, e / 100);
    case 3:
        return arena_printf(arena, "+44 20 %04u %04u", e, (a * 7 + b) % 10000);
    case 4:
        return arena_printf(arena, "0%u %u%u", 150 + c, b, e);
    case 5:
        return arena_printf(arena, "+39 %u %u %04u", 320 + c % 80, b, e);
    default:
        return arena_printf(arena, "+48 %u %u %u", a, b, a % 1000);
    }
}

/* Validates body like an API create and writes it; the body is released. */
static int gen_insert(struct gen *g, struct arena *arena, const struct entity *entity, json_t *body,
                      int64_t *id)
{
    static const struct custom_fields no_custom = {NULL, 0};
    json_t *changes = NULL;
    int rc = record_validate(arena, entity, &no_custom, body, NULL, &changes, &g->err);
    if (rc == 0)
        rc = store_record_insert(g->conn, arena, entity, &access_system, changes, changes, id, &g->err);
    json_decref(changes);
    json_decref(body);
    return rc;
}

/* Commits every batch_rows rows; the caller commits the last batch. */
static int gen_batch_step(struct gen *g)
{
    if (++g->rows_in_batch < g->batch_rows)
        return 0;
    g->rows_in_batch = 0;
    int rc = store_commit(g->conn, &g->err);
    if (rc == 0)
        rc = store_begin(g->conn, &g->err);
    return rc;
}

static int gen_company(struct gen *g, size_t index)
{
    struct arena *arena = arena_new();
    struct gen_random *r = &g->random;
    struct gen_company *company = &g->companies[index];
    company->cyrillic = gen_random_chance(r, 45);
    const char *city, *industry;
    json_t *body = json_object();
    if (company->cyrillic) {
        const struct gen_name *first = PICK_SKEWED(r, cyrillic_company_first, 1.5);
        const struct gen_name *second = PICK_SKEWED(r, cyrillic_company_second, 1.5);
        city = PICK(r, cyrillic_cities);
        industry = PICK(r, cyrillic_industries);
        company->name = arena_printf(arena, "%s «%s%s»", PICK(r, cyrillic_company_legal),
                                     first->text, second->text);
        company->domain = arena_printf(arena, "%s%s-%zu.ru", first->ascii, second->ascii, index);
    } else {
        const struct gen_name *first = PICK_SKEWED(r, latin_company_first, 1.5);
        const char *second = PICK(r, latin_company_second);
        const char *legal = PICK(r, latin_company_legal);
        city = PICK(r, latin_cities);
        industry = PICK(r, latin_industries);
        company->name =
            arena_printf(arena, "%s %s%s%s", first->text, second, *legal ? " " : "", legal);
        char slug[32];
        size_t len = 0;
        for (const char *p = second; *p != '\0' && len + 1 < sizeof(slug); p++)
            slug[len++] = (char)(*p | 0x20);
        slug[len] = '\0';
        company->domain = arena_printf(arena, "%s-%s-%zu.com", first->ascii, slug, index);
    }
    /* A branch of an earlier company now and then: "Atlas Freight Hamburg". */
    if (index > 10 && gen_random_chance(r, 8)) {
        size_t parent = gen_random_below(r, (unsigned)index);
        company->name = arena_printf(arena, "%s %s", g->companies[parent].name, city);
        company->domain = g->companies[parent].domain;
        json_object_set_new(body, "parent_id", json_integer(g->companies[parent].id));
    }
    json_object_set_new(body, "name", json_string(company->name));
    json_object_set_new(body, "industry", json_string(industry));
    json_object_set_new(body, "size", json_string(PICK(r, company_sizes)));
    json_object_set_new(body, "website", json_string(company->domain));
    json_object_set_new(body, "address",
                        json_string(arena_printf(arena, "%s %u, %s", PICK(r, streets),
                                                 1 + gen_random_below(r, 200), city)));
    json_object_set_new(
        body, "emails",
        json_pack("[s]", arena_printf(arena, "%s@%s", company->cyrillic ? "office" : "info",
                                      company->domain)));
    json_t *phones = json_array();
    for (unsigned n = 1 + gen_random_below(r, 2), i = 0; i < n; i++)
        json_array_append_new(phones, json_string(gen_phone_number(arena, r, company->cyrillic)));
    json_object_set_new(body, "phones", phones);
    json_object_set_new(body, "tags", gen_string_array(r, tags, COUNT(tags), 2));
    int rc = gen_insert(g, arena, &entity_companies, body, &company->id);
    /* Keep name and domain past this arena: they are copied once, for links. */
    company->name = strdup(company->name);
    company->domain = strdup(company->domain);
    if (company->name == NULL || company->domain == NULL) {
        fprintf(stderr, "gen_data: out of memory\n");
        abort();
    }
    arena_free(arena);
    return rc;
}

static const char *gen_email_local(struct arena *arena, struct gen_random *r, const char *first,
                                   const char *last)
{
    switch (gen_random_below(r, 6)) {
    case 0:
        return arena_printf(arena, "%s.%s", first, last);
    case 1:
        return arena_printf(arena, "%c.%s", first[0], last);
    case 2:
        return arena_printf(arena, "%s_%s%u", first, last, gen_random_below(r, 100));
    case 3:
        return arena_printf(arena, "%s%s%u", first, last, 1950 + gen_random_below(r, 56));
    case 4:
        return arena_printf(arena, "%s.%s", last, first);
    default:
        return arena_printf(arena, "%s%u", first, gen_random_below(r, 10000));
    }
}

static int gen_contact(struct gen *g)
{
    struct arena *arena = arena_new();
    struct gen_random *r = &g->random;
    bool cyrillic = gen_random_chance(r, 50);
    bool female = gen_random_chance(r, 50);
    struct gen_name first, last;
    if (cyrillic) {
        first =
            female ? *PICK_SKEWED(r, cyrillic_female, 2.0) : *PICK_SKEWED(r, cyrillic_male, 2.0);
        last = *PICK_SKEWED(r, cyrillic_last, 1.5);
        if (female)
            last = gen_surname_female(arena, &last);
    } else {
        first = female ? *PICK_SKEWED(r, latin_female, 2.0) : *PICK_SKEWED(r, latin_male, 2.0);
        last = *PICK_SKEWED(r, latin_last, 1.5);
    }
    json_t *body = json_object();
    if (!gen_random_chance(r, 2))
        json_object_set_new(body, "first_name", json_string(first.text));
    json_object_set_new(body, "last_name", json_string(last.text));

    /* Linked to a company (work e-mail there) for most; a few to two. */
    json_t *links = json_array();
    const struct gen_company *company = NULL;
    if (g->n_companies > 0 && gen_random_chance(r, 70)) {
        unsigned n = gen_random_chance(r, 7) ? 2 : 1;
        for (unsigned i = 0; i < n; i++) {
            const struct gen_company *c =
                &g->companies[gen_random_below(r, (unsigned)g->n_companies)];
            if (company == c)
                continue;
            json_t *link = json_pack("{s:I}", "id", (json_int_t)c->id);
            if (gen_random_chance(r, 40))
                json_object_set_new(link, "role", json_string(PICK(r, roles)));
            json_array_append_new(links, link);
            if (company == NULL)
                company = c;
        }
    }
    if (json_array_size(links) > 0)
        json_object_set_new(body, "companies", links);
    else
        json_decref(links);

    json_t *emails = json_array();
    const char *local = gen_email_local(arena, r, first.ascii, last.ascii);
    if (company != NULL)
        json_array_append_new(emails,
                              json_string(arena_printf(arena, "%s@%s", local, company->domain)));
    if (company == NULL || gen_random_chance(r, 25)) {
        const char *domain = free_mail_domains[gen_random_skewed(r, COUNT(free_mail_domains), 2.0)];
        json_array_append_new(
            emails,
            json_string(arena_printf(arena, "%s@%s",
                                     gen_email_local(arena, r, first.ascii, last.ascii), domain)));
    }
    if (gen_random_chance(r, 95))
        json_object_set_new(body, "emails", emails);
    else
        json_decref(emails);

    json_t *phones = json_array();
    for (unsigned n = gen_random_below(r, 3), i = 0; i < n; i++)
        json_array_append_new(phones, json_string(gen_phone_number(arena, r, cyrillic)));
    json_object_set_new(body, "phones", phones);

    if (gen_random_chance(r, 40))
        json_object_set_new(
            body, "birthday",
            json_string(arena_printf(arena, "%u-%02u-%02u", 1950 + gen_random_below(r, 56),
                                     1 + gen_random_below(r, 12), 1 + gen_random_below(r, 28))));
    if (gen_random_chance(r, 80))
        json_object_set_new(
            body, "position",
            json_string(cyrillic ? PICK(r, cyrillic_positions) : PICK(r, latin_positions)));
    json_object_set_new(body, "source", json_string(PICK(r, sources)));
    json_object_set_new(body, "tags", gen_string_array(r, tags, COUNT(tags), 3));
    if (gen_random_chance(r, 30))
        json_object_set_new(body, "interests", gen_string_array(r, interests, COUNT(interests), 3));
    if (gen_random_chance(r, 20))
        json_object_set_new(body, "skills", gen_string_array(r, skills, COUNT(skills), 3));
    if (gen_random_chance(r, 20)) {
        json_t *social = json_object();
        if (cyrillic)
            json_object_set_new(
                social, "telegram",
                json_string(arena_printf(arena, "@%s_%s", first.ascii, last.ascii)));
        else
            json_object_set_new(
                social, "linkedin",
                json_string(arena_printf(arena, "https://www.linkedin.com/in/%s-%s-%u", first.ascii,
                                         last.ascii, gen_random_below(r, 1000))));
        json_object_set_new(body, "social", social);
    }
    int64_t id = 0;
    int rc = gen_insert(g, arena, &entity_contacts, body, &id);
    arena_free(arena);
    return rc;
}

/* ---- driver ---- */

static double gen_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void gen_progress(const char *what, size_t done, size_t total, double started)
{
    double elapsed = gen_now_s() - started;
    fprintf(stderr, "%s %zu/%zu  %.1f s  %.0f rows/s\n", what, done, total, elapsed,
            elapsed > 0 ? (double)done / elapsed : 0.0);
}

static int gen_rows(struct gen *g, const char *what, size_t total, bool companies)
{
    double started = gen_now_s();
    size_t report_every = total / 20 > 1000 ? total / 20 : 1000;
    int rc = store_begin(g->conn, &g->err);
    g->rows_in_batch = 0;
    for (size_t i = 0; i < total && rc == 0; i++) {
        rc = companies ? gen_company(g, i) : gen_contact(g);
        if (rc == 0)
            rc = gen_batch_step(g);
        if (rc == 0 && ((i + 1) % report_every == 0 || i + 1 == total))
            gen_progress(what, i + 1, total, started);
    }
    if (rc == 0)
        rc = store_commit(g->conn, &g->err);
    if (rc < 0)
        store_rollback(g->conn);
    return rc;
}

static int gen_usage(void)
{
    fprintf(stderr, "usage: gen_data --db PATH|URL --contacts N --companies M [--seed S] "
                    "[--batch ROWS]\n");
    return 2;
}

static bool gen_parse_count(const char *text, long long max, long long *out)
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
    const char *db = NULL;
    long long contacts = -1, companies = -1, seed = 1, batch = GEN_DEFAULT_BATCH;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (strcmp(arg, "--db") == 0)
            ok = (db = value) != NULL;
        else if (strcmp(arg, "--contacts") == 0)
            ok = gen_parse_count(value, GEN_MAX_ROWS, &contacts);
        else if (strcmp(arg, "--companies") == 0)
            ok = gen_parse_count(value, GEN_MAX_ROWS, &companies);
        else if (strcmp(arg, "--seed") == 0)
            ok = gen_parse_count(value, INT64_MAX, &seed);
        else if (strcmp(arg, "--batch") == 0)
            ok = gen_parse_count(value, GEN_MAX_ROWS, &batch) && batch > 0;
        else
            ok = false;
        if (!ok)
            return gen_usage();
        i++;
    }
    if (db == NULL || contacts < 0 || companies < 0)
        return gen_usage();

    struct gen g = {0};
    int rc = 0;
    err_clear(&g.err);
    g.random.state = (uint64_t)seed;
    g.batch_rows = (size_t)batch;
    g.n_companies = (size_t)companies;
    g.companies = calloc(g.n_companies ? g.n_companies : 1, sizeof(*g.companies));
    struct store_options options = {db, 1};
    double started = gen_now_s();
    if (g.companies == NULL) {
        fprintf(stderr, "gen_data: out of memory\n");
        return 1;
    }
    g.store = store_open(&options, &g.err);
    if (g.store == NULL) {
        rc = -1;
        goto out;
    }
    rc = store_migrate(g.store, NULL, &g.err);
    if (rc < 0)
        goto out;
    g.conn = store_acquire(g.store, &g.err);
    rc = gen_rows(&g, "companies", g.n_companies, true);
    if (rc == 0)
        rc = gen_rows(&g, "contacts", (size_t)contacts, false);
    store_release(g.conn);
    if (rc == 0)
        fprintf(stderr, "done: %lld companies, %lld contacts in %.1f s\n", companies, contacts,
                gen_now_s() - started);
out:
    if (rc < 0) {
        fprintf(stderr, "gen_data: %s\n", g.err.detail[0] ? g.err.detail : err_title(g.err.code));
        for (size_t i = 0; i < g.err.n_fields; i++)
            fprintf(stderr, "  %s: %s\n", g.err.fields[i].field, g.err.fields[i].message);
    }
    store_close(g.store);
    for (size_t i = 0; i < g.n_companies; i++) {
        free((char *)g.companies[i].name);
        free((char *)g.companies[i].domain);
    }
    free(g.companies);
    return rc < 0 ? 1 : 0;
}
