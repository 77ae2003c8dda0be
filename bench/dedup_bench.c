/*
 * dedup_bench: duplicate detection over synthetic contacts. Generates N
 * contacts (Latin and Cyrillic names from the lists below, e-mails, phones
 * in varied national and international formats, two in five at a company)
 * of which a share (5 %) are planted duplicates of others, made in one of
 * six ways: a typo (one edit) in a name; the name transliterated Cyrillic
 * <-> Latin or spelt in another Latin system (Iurii / Yury); first and last
 * name swapped; the phone written another way ("8 (916) 123-45-67" against
 * "+7 916 1234567") without the e-mail; the e-mail spelt another way (case,
 * Gmail dots, +tag) without the phone; or the same name at the same
 * company with a new e-mail and phone. The first three keep the e-mails
 * or the phones or both, often reformatted. Everything comes from a seeded
 * RNG, so runs repeat. Then it times dedup_cluster_people (default country
 * RU) and scores the pairs inside the clusters against the planted ones:
 *
 *   dedup: 1000000 contacts, 7.7 s, precision 0.996, recall 0.998
 *   BENCH dedup contacts=1000000 duplicates=50000 seconds=7.68 cpu_seconds=7.67 ...
 *
 *   dedup_bench [--contacts N] [--seed S] [--duplicates-percent P]
 *
 * Target: 1 M contacts in <= 30 s on 2 cores, precision >= 0.95, recall
 * >= 0.90; exits 1 when one is missed. The recall of each way of planting
 * goes to stderr.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "domain/dedup.h"
#include "domain/translit.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define BENCH_DEFAULT_CONTACTS 1000000
#define BENCH_MAX_CONTACTS 20000000
#define BENCH_TARGET_SECONDS 30.0
#define BENCH_TARGET_PRECISION 0.95
#define BENCH_TARGET_RECALL 0.90
#define BENCH_COUNTRY "RU"
/* Contacts per company: companies are few enough that colleagues exist. */
#define BENCH_CONTACTS_PER_COMPANY 50
/* Phone and e-mail numbers are drawn from a bijection of [0, 10^9), so none repeats. */
#define BENCH_NUMBER_SPACE 1000000000ULL

/* ---- Name lists ---- */

static const char latin_first_names[] =
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry "
    "Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy "
    "Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse "
    "Jordan Bryan Billy Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy "
    "Vincent Ralph Eugene Russell Bobby Mason Philip Louis Mary Patricia Jennifer Linda "
    "Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley "
    "Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca "
    "Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen "
    "Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth "
    "Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith Megan "
    "Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn "
    "Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly "
    "Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori Hans Klaus "
    "Jürgen Stefan Wolfgang Andreas Pierre François Giovanni Marco Luca Giuseppe Carlos Miguel "
    "Javier Pablo Sören Björn Lars Anders Jan Piotr Krzysztof Tomasz Zoltán Ákos Renée Chloé "
    "Léa Inès Zoë Agnès Hélène Françoise Günter Ingrid Astrid Sigrid Małgorzata Agnieszka";

static const char latin_last_names[] =
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
    "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook "
    "Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward "
    "Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez "
    "Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan "
    "Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan "
    "Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant "
    "Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison "
    "Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker "
    "Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason "
    "Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox "
    "Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan "
    "Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart "
    "Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Ray "
    "Berry Perkins Hoffman Johnston Matthews Peña Richards Willis Carpenter Lawrence Sandoval "
    "Müller Schneider Fischer Weber Becker Schulz Koch Richter Wolf Schröder Neumann Schwarz "
    "Zimmermann Braun Krüger Hofmann Lange Dubois Lefèvre Moreau Laurent Rossi Russo Ferrari "
    "Esposito Bianchi Romano Kowalski Nowak Wiśniewski Dąbrowski Lewandowski Novák Svoboda "
    "Horváth Nagy Kovács Jensen Nielsen Andersson Johansson Karlsson Nilsson O'Brien O'Connor "
    "Nuñez Gauthier Girard Bonnet Fontaine Rousseau Vincent Muller Costa Ricci Marino Greco";

static const char russian_male_names[] =
    "Александр Алексей Анатолий Андрей Антон Аркадий Арсений Артём Богдан Борис Вадим Валентин "
    "Валерий Василий Виктор Виталий Владимир Владислав Всеволод Вячеслав Геннадий Георгий Глеб "
    "Григорий Даниил Денис Дмитрий Евгений Егор Захар Иван Игнат Игорь Илья Кирилл Константин "
    "Лев Леонид Макар Максим Марк Матвей Михаил Никита Николай Олег Павел Пётр Платон Роберт "
    "Роман Руслан Святослав Семён Сергей Станислав Степан Тимофей Тимур Фёдор Филипп Эдуард "
    "Юрий Яков Ярослав Афанасий Ефим Савелий Тихон Эмиль Ростислав Вениамин Данила Лука";

static const char russian_female_names[] =
    "Александра Алина Алиса Алёна Анастасия Ангелина Анна Валентина Валерия Вера Вероника "
    "Виктория Галина Дарья Диана Евгения Екатерина Елена Елизавета Жанна Зинаида Зоя Инна "
    "Ирина Карина Кира Кристина Ксения Лариса Лидия Любовь Людмила Маргарита Марина Мария "
    "Милана Надежда Наталья Нина Оксана Олеся Ольга Полина Раиса Светлана София Софья Таисия "
    "Тамара Татьяна Ульяна Юлия Яна Янина Эльвира Дина Ева Василиса Варвара Майя Регина Снежана "
    "Злата Арина Есения Ярослава Мирослава Владислава Стефания";

static const char russian_last_names[] =
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев "
    "Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин "
    "Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов "
    "Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов "
    "Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин "
    "Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов "
    "Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров "
    "Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров "
    "Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов "
    "Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Ерёмин Тихомиров Галкин "
    "Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов Князев Цветков "
    "Левин Митрофанов Воронцов Капустин Мухин Блинов Шестаков Хабаров Цой Шевченко Бондаренко "
    "Коваленко Ткаченко Кравченко Олейник Шевчук Полищук Лысенко Мельник Щукин Хохлов Хомяков "
    "Ушаков Шубин Шилов Широков Цыганов Чижов Чистяков Юрьев Яшин Жданов Зуев Зыков Зотов Рябов "
    "Рыбаков Савин Сазонов Селезнёв Субботин Суханов Третьяков Уваров Устинов Фадеев Хлебников "
    "Чеботарёв Шарапов Шаров Шмелёв Щеглов Достоевский Чайковский Вишневский Ковальский "
    "Островский Покровский Троицкий Высоцкий Заболоцкий Толстой Донской Луговой Полевой Боровой "
    "Ярцев Южаков Эпштейн Юсупов Гайдамак Ахмедов Алиев Мамедов Кравец Коваль";

static const char company_words[] =
    "Ромашка Вектор Альфа Гранит Мегаполис Стройинвест Техносфера Восток Сибирь Орион Меридиан "
    "Прогресс Сфера Атлант Горизонт Континент Феникс Титан Радуга Звезда Полюс Байкал Урал Волга "
    "Север Юг Энергия Импульс Квант Спектр Acme Globex Initech Umbrella Stark Wayne Hooli "
    "Vandelay Soylent Cyberdyne Tyrell Aperture Massive Dynamic Pied Piper Wonka Oscorp Gekko "
    "Blue Sun Northwind Contoso Fabrikam Litware Proseware Adventure Works Tailspin Wingtip "
    "Alpine Summit Harbor Beacon Crescent Pioneer Vertex Zenith Nimbus Quantum Silver Golden "
    "Iron Cedar Maple Oak Pine River Lake Ocean Prairie Canyon Delta Sigma Omega Nova Apex";

static const char *const legal_forms_ru[] = {"ООО", "АО", "ПАО", "ИП", "ЗАО"};
static const char *const legal_forms_en[] = {"LLC", "Inc.", "Ltd", "GmbH", "Corp.", "S.A.", "PLC"};

struct word_list {
    const char **words;
    size_t n;
};

static struct word_list word_list_split(struct arena *arena, const char *text)
{
    struct word_list list = {NULL, 0};
    size_t max = 1;
    for (const char *p = text; *p != '\0'; p++)
        max += *p == ' ';
    list.words = arena_alloc_array(arena, max, sizeof(*list.words));
    for (const char *p = text; *p != '\0';) {
        size_t len = strcspn(p, " ");
        list.words[list.n++] = arena_strndup(arena, p, len);
        p += len;
        while (*p == ' ')
            p++;
    }
    return list;
}

/* ---- Randomness ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static size_t rng_below(size_t n)
{
    return (size_t)(rng_next() % n);
}

static bool rng_chance(double p)
{
    return (double)(rng_next() >> 11) / 9007199254740992.0 < p;
}

/* A bijection of [0, 10^9): distinct counters give distinct, scattered numbers. */
static uint64_t scatter(uint64_t x)
{
    return (x * 387420489ULL + 123456789ULL) % BENCH_NUMBER_SPACE;
}

/* ---- Synthetic people ---- */

enum plan { PLAN_RU, PLAN_US, PLAN_GB };

struct gen_phone {
    enum plan plan;
    uint64_t nsn; /* 10 digits */
    int style;
};

struct gen_email {
    const char *local; /* lower case, as the person chose it */
    const char *domain;
};

enum script { SCRIPT_CYRILLIC, SCRIPT_ICAO, SCRIPT_POPULAR, SCRIPT_SIMPLE, SCRIPT_COUNT };

struct gen_person {
    bool russian;
    bool female;
    size_t first;
    size_t last;
    enum script script; /* how a Russian name is written */
    bool swapped;
    int company; /* -1: none */
    struct gen_email emails[2];
    size_t n_emails;
    struct gen_phone phones[2];
    size_t n_phones;
};

enum plant {
    PLANT_TYPO,
    PLANT_TRANSLIT,
    PLANT_SWAP,
    PLANT_PHONE_FORMAT,
    PLANT_EMAIL_SPELLING,
    PLANT_SAME_COMPANY,
    PLANT_COUNT
};

static const char *const plant_names[PLANT_COUNT] = {
    "typo", "transliteration", "swapped names", "phone format", "e-mail spelling", "same company",
};

struct bench {
    struct arena *arena;
    struct word_list latin_first, latin_last, ru_male, ru_female, ru_last, company_words;
    size_t n_companies;
    uint64_t next_number; /* the counter behind unique phones and e-mail numbers */
};

/*
 * One Russian letter (lower case) in Latin in one of three systems: ICAO
 * (passports since 2013: й i, ю iu, я ia, ъ ie), popular (й y, ю yu, я ya,
 * ye at the start and after vowels, ё yo, -ий as y) and simple (х h, ц c,
 * щ sch, -в at the end as ff). NULL for what is not a Russian letter.
 */
static const char *bench_translit_letter(uint32_t cp, enum script script, bool word_start,
                                         bool after_vowel, bool word_end_next)
{
    static const char *const icao[32] = {
        "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "i",    "k",  "l", "m", "n", "o",  "p",
        "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "",  "e", "iu", "ia"};
    static const char *const popular[32] = {
        "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "y",    "k", "l", "m", "n", "o",  "p",
        "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "y", "",  "e", "yu", "ya"};
    static const char *const simple[32] = {
        "a", "b", "v", "g", "d", "e", "zh", "z",  "i",  "y",   "k", "l", "m", "n", "o",  "p",
        "r", "s", "t", "u", "f", "h", "c",  "ch", "sh", "sch", "",  "y", "",  "e", "yu", "ya"};
    if (cp == 0x0451) /* ё */
        return script == SCRIPT_POPULAR ? "yo" : "e";
    if (cp < 0x0430 || cp > 0x044F)
        return NULL;
    size_t i = cp - 0x0430;
    if (script == SCRIPT_POPULAR && cp == 0x0435 && (word_start || after_vowel))
        return "ye";
    if (script == SCRIPT_SIMPLE && cp == 0x0432 && word_end_next)
        return "ff"; /* Smirnoff */
    if (script == SCRIPT_ICAO)
        return icao[i];
    return script == SCRIPT_POPULAR ? popular[i] : simple[i];
}

/* A Cyrillic word in Latin letters in one of the systems people use, capitalised. */
static char *bench_translit(struct arena *arena, const char *word, enum script script)
{
    size_t len = strlen(word);
    char *out = arena_alloc(arena, 4 * len + 1);
    size_t n = 0;
    bool start = true, after_vowel = false;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(word + i, len - i, &cp);
        if (cp >= 0x0410 && cp <= 0x042F)
            cp += 0x20;
        else if (cp == 0x0401)
            cp = 0x0451;
        bool end_next = i + k == len;
        /* -ий at the end: Dmitry, Yury in the popular system. */
        if (script == SCRIPT_POPULAR && cp == 0x0438 && i + k + 2 == len &&
            strcmp(word + i + k, "й") == 0) {
            memcpy(out + n, "y", 1);
            n += 1;
            break;
        }
        const char *piece = bench_translit_letter(cp, script, start, after_vowel, end_next);
        if (piece == NULL) {
            memcpy(out + n, word + i, k);
            n += k;
        } else {
            size_t piece_len = strlen(piece);
            memcpy(out + n, piece, piece_len);
            n += piece_len;
        }
        after_vowel = cp == 0x0430 || cp == 0x0435 || cp == 0x0451 || cp == 0x0438 ||
                      cp == 0x043E || cp == 0x0443 || cp == 0x044B || cp == 0x044D ||
                      cp == 0x044E || cp == 0x044F || cp == 0x044C || cp == 0x044A;
        start = false;
        i += k;
    }
    out[n] = '\0';
    if (n > 0 && out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 32);
    return out;
}

/* The feminine form of a Russian surname. */
static char *bench_feminine(struct arena *arena, const char *last)
{
    size_t len = strlen(last);
    static const char *const plus_a[] = {"ов", "ев", "ёв", "ин", "ын"};
    for (size_t i = 0; i < COUNT(plus_a); i++) {
        size_t s = strlen(plus_a[i]);
        if (len > s && strcmp(last + len - s, plus_a[i]) == 0)
            return arena_printf(arena, "%sа", last);
    }
    if (len > 4 && (strcmp(last + len - 4, "ий") == 0 || strcmp(last + len - 4, "ой") == 0))
        return arena_printf(arena, "%.*sая", (int)(len - 4), last);
    return arena_strdup(arena, last);
}

static const char *bench_first_name(struct bench *b, const struct gen_person *p)
{
    if (!p->russian)
        return b->latin_first.words[p->first];
    const char *name = p->female ? b->ru_female.words[p->first] : b->ru_male.words[p->first];
    return p->script == SCRIPT_CYRILLIC ? name : bench_translit(b->arena, name, p->script);
}

static const char *bench_last_name(struct bench *b, const struct gen_person *p)
{
    if (!p->russian)
        return b->latin_last.words[p->last];
    const char *name = b->ru_last.words[p->last];
    if (p->female)
        name = bench_feminine(b->arena, name);
    return p->script == SCRIPT_CYRILLIC ? name : bench_translit(b->arena, name, p->script);
}

static const char *bench_company_name(struct bench *b, int company)
{
    size_t n_words = b->company_words.n;
    size_t w1 = (size_t)company % n_words, w2 = ((size_t)company / n_words) % n_words;
    size_t form = (size_t)company / (n_words * n_words);
    const char *a = b->company_words.words[w1], *c = b->company_words.words[w2];
    if (((unsigned char)a[0]) >= 0x80) /* a Cyrillic word: a Russian company */
        return arena_printf(b->arena, "%s «%s %s»", legal_forms_ru[form % COUNT(legal_forms_ru)], a,
                            c);
    return arena_printf(b->arena, "%s %s %s", a, c, legal_forms_en[form % COUNT(legal_forms_en)]);
}

static const char *bench_company_domain(struct bench *b, int company)
{
    const char *name = bench_company_name(b, company);
    const char *skel = translit_skeleton(b->arena, dedup_company_name(b->arena, name));
    return arena_printf(b->arena, "%s%d.%s", skel, company / 1000,
                        ((unsigned char)name[0]) >= 0x80 ? "ru" : "com");
}

/* An e-mail local part from the person's name in Latin, made unique by a number. */
static const char *bench_email_local(struct bench *b, const struct gen_person *p)
{
    struct gen_person latin = *p;
    latin.script = SCRIPT_POPULAR;
    const char *first = translit_latin(b->arena, bench_first_name(b, &latin));
    const char *last = translit_latin(b->arena, bench_last_name(b, &latin));
    uint64_t number = scatter(b->next_number++) % 100000;
    switch (rng_below(5)) {
    case 0:
        return arena_printf(b->arena, "%s.%s%" PRIu64, first, last, number);
    case 1:
        return arena_printf(b->arena, "%c%s%" PRIu64, first[0], last, number);
    case 2:
        return arena_printf(b->arena, "%s%s%" PRIu64, first, last, number);
    case 3:
        return arena_printf(b->arena, "%s.%s.%" PRIu64, last, first, number);
    default:
        return arena_printf(b->arena, "%s_%" PRIu64 "_%s", first, number, last);
    }
}

static struct gen_email bench_email(struct bench *b, const struct gen_person *p)
{
    static const char *const ru_free[] = {"gmail.com", "gmail.com", "yandex.ru", "mail.ru",
                                          "ya.ru"};
    static const char *const en_free[] = {"gmail.com", "gmail.com",   "outlook.com",
                                          "yahoo.com", "hotmail.com", "icloud.com"};
    struct gen_email e;
    /* The number makes the local part unique; several people share a name. */
    e.local = bench_email_local(b, p);
    if (p->company >= 0 && rng_chance(0.3))
        e.domain = bench_company_domain(b, p->company);
    else if (p->russian)
        e.domain = ru_free[rng_below(COUNT(ru_free))];
    else
        e.domain = en_free[rng_below(COUNT(en_free))];
    return e;
}

static struct gen_phone bench_phone(struct bench *b, bool russian)
{
    struct gen_phone ph;
    uint64_t v = scatter(b->next_number++);
    ph.plan = russian ? PLAN_RU : (rng_chance(0.6) ? PLAN_US : PLAN_GB);
    if (russian && rng_chance(0.1))
        ph.plan = PLAN_GB;
    if (ph.plan == PLAN_RU)
        ph.nsn = 9000000000ULL + v;
    else if (ph.plan == PLAN_US)
        ph.nsn = (200 + v / 10000000ULL) * 10000000ULL + v % 10000000ULL;
    else
        ph.nsn = 7000000000ULL + v;
    ph.style = (int)rng_below(7);
    return ph;
}

/* The phone as someone would write it, in one of several styles. */
static const char *bench_phone_text(struct arena *arena, const struct gen_phone *ph)
{
    char d[11];
    snprintf(d, sizeof(d), "%010" PRIu64, ph->nsn);
    switch (ph->plan) {
    case PLAN_RU:
        switch (ph->style) {
        case 0:
            return arena_printf(arena, "+7 %.3s %.3s-%.2s-%.2s", d, d + 3, d + 6, d + 8);
        case 1:
            return arena_printf(arena, "8 (%.3s) %.3s-%.2s-%.2s", d, d + 3, d + 6, d + 8);
        case 2:
            return arena_printf(arena, "8%s", d);
        case 3:
            return arena_printf(arena, "+7%s", d);
        case 4:
            return arena_printf(arena, "8-%.3s-%.3s-%.2s-%.2s доб. 12", d, d + 3, d + 6, d + 8);
        case 5:
            return arena_printf(arena, "+7 (%.3s) %.3s %.2s %.2s", d, d + 3, d + 6, d + 8);
        default:
            return arena_printf(arena, "7 %.3s %.7s", d, d + 3);
        }
    case PLAN_US:
        switch (ph->style) {
        case 0:
            return arena_printf(arena, "+1 %.3s-%.3s-%.4s", d, d + 3, d + 6);
        case 1:
            return arena_printf(arena, "+1 (%.3s) %.3s-%.4s", d, d + 3, d + 6);
        case 2:
            return arena_printf(arena, "001 %.3s %.3s %.4s", d, d + 3, d + 6);
        case 3:
            return arena_printf(arena, "+1%s", d);
        case 4:
            return arena_printf(arena, "+1.%.3s.%.3s.%.4s ext. 204", d, d + 3, d + 6);
        case 5:
            return arena_printf(arena, "810 1 %.3s %.3s %.4s", d, d + 3, d + 6);
        default:
            return arena_printf(arena, "+1 %.3s %.7s", d, d + 3);
        }
    default:
        switch (ph->style) {
        case 0:
            return arena_printf(arena, "+44 %.4s %.6s", d, d + 4);
        case 1:
            return arena_printf(arena, "+44 (0)%.4s %.6s", d, d + 4);
        case 2:
            return arena_printf(arena, "0044 %.4s %.6s", d, d + 4);
        case 3:
            return arena_printf(arena, "+44%s", d);
        case 4:
            return arena_printf(arena, "+44 %.4s %.3s %.3s", d, d + 4, d + 7);
        case 5:
            return arena_printf(arena, "+44-%.4s-%.6s", d, d + 4);
        default:
            return arena_printf(arena, "00 44 %.4s %.6s", d, d + 4);
        }
    }
}

static const char *bench_email_text(struct arena *arena, const struct gen_email *e, bool capital)
{
    char *text = arena_printf(arena, "%s@%s", e->local, e->domain);
    if (capital && text[0] >= 'a' && text[0] <= 'z')
        text[0] = (char)(text[0] - 32);
    return text;
}

/* The same mailbox spelt another way: case, and what the provider ignores. */
static const char *bench_email_variant(struct arena *arena, const struct gen_email *e)
{
    size_t len = strlen(e->local);
    char *local = arena_alloc(arena, 2 * len + 8);
    size_t n = 0;
    bool gmail = strcmp(e->domain, "gmail.com") == 0;
    bool yandex = strcmp(e->domain, "yandex.ru") == 0 || strcmp(e->domain, "ya.ru") == 0;
    for (size_t i = 0; i < len; i++) {
        char c = e->local[i];
        if (gmail && c == '.')
            continue;
        if (yandex && c == '.')
            c = '-';
        local[n++] = (i == 0 || rng_chance(0.2)) && c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
        if (gmail && i + 1 < len && rng_chance(0.15))
            local[n++] = '.';
    }
    local[n] = '\0';
    const char *domain = e->domain;
    if (gmail && rng_chance(0.3))
        domain = "googlemail.com";
    bool plus = strcmp(domain, "outlook.com") == 0 || strcmp(domain, "hotmail.com") == 0 ||
                strcmp(domain, "icloud.com") == 0 || gmail || yandex;
    char *text = plus && rng_chance(0.5) ? arena_printf(arena, "%s+crm@%s", local, domain)
                                         : arena_printf(arena, "%s@%s", local, domain);
    if (rng_chance(0.3)) { /* the domain in capitals */
        for (char *c = strchr(text, '@'); *c != '\0'; c++)
            *c = *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c;
    }
    return text;
}

/* A name with one edit: a letter changed, dropped, added, or two swapped. */
static const char *bench_typo(struct arena *arena, const char *name)
{
    uint32_t cps[128];
    size_t n = 0, len = strlen(name);
    for (size_t i = 0; i < len && n < COUNT(cps) - 1;) {
        size_t k = utf8_decode(name + i, len - i, &cps[n]);
        if (k == 0)
            break;
        n++;
        i += k;
    }
    if (n < 2)
        return name;
    bool cyrillic = cps[1] >= 0x0400 && cps[1] <= 0x04FF;
    uint32_t letter = cyrillic ? 0x0430 + (uint32_t)rng_below(32) : 'a' + (uint32_t)rng_below(26);
    size_t at = 1 + rng_below(n - 1); /* people rarely miss the first letter */
    switch (rng_below(4)) {
    case 0:
        cps[at] = letter;
        break;
    case 1:
        memmove(cps + at, cps + at + 1, (n - at - 1) * sizeof(*cps));
        n--;
        break;
    case 2:
        memmove(cps + at + 1, cps + at, (n - at) * sizeof(*cps));
        cps[at] = letter;
        n++;
        break;
    default: {
        if (at + 1 >= n)
            at--;
        uint32_t t = cps[at];
        cps[at] = cps[at + 1];
        cps[at + 1] = t;
    }
    }
    char *out = arena_alloc(arena, 4 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += utf8_encode(cps[i], out + o);
    out[o] = '\0';
    return out;
}

static void bench_new_person(struct bench *b, struct gen_person *p)
{
    memset(p, 0, sizeof(*p));
    p->russian = rng_chance(0.5);
    p->female = rng_chance(0.5);
    if (p->russian) {
        p->first = rng_below(p->female ? b->ru_female.n : b->ru_male.n);
        p->last = rng_below(b->ru_last.n);
        p->script = rng_chance(0.8) ? SCRIPT_CYRILLIC : (enum script)(1 + rng_below(3));
    } else {
        p->first = rng_below(b->latin_first.n);
        p->last = rng_below(b->latin_last.n);
    }
    p->company = rng_chance(0.4) ? (int)rng_below(b->n_companies) : -1;
    size_t r = rng_below(100);
    p->n_emails = r < 10 ? 0 : (r < 85 ? 1 : 2);
    r = rng_below(100);
    p->n_phones = r < 10 ? 0 : (r < 80 ? 1 : 2);
    if (p->n_emails == 0 && p->n_phones == 0)
        p->n_emails = 1;
    for (size_t i = 0; i < p->n_emails; i++)
        p->emails[i] = bench_email(b, p);
    for (size_t i = 0; i < p->n_phones; i++)
        p->phones[i] = bench_phone(b, p->russian);
}

/* The record a person's data make; phone styles and e-mail spellings as given. */
static void bench_render(struct bench *b, const struct gen_person *p, const char **emails,
                         const char **phones, struct dedup_person *out)
{
    const char *first = bench_first_name(b, p), *last = bench_last_name(b, p);
    out->first_name = p->swapped ? last : first;
    out->last_name = p->swapped ? first : last;
    out->company = p->company >= 0 ? bench_company_name(b, p->company) : NULL;
    out->emails = emails;
    out->n_emails = p->n_emails;
    out->phones = phones;
    out->n_phones = p->n_phones;
}

static void bench_render_original(struct bench *b, const struct gen_person *p,
                                  struct dedup_person *out)
{
    const char **emails = arena_alloc_array(b->arena, 2, sizeof(*emails));
    const char **phones = arena_alloc_array(b->arena, 2, sizeof(*phones));
    for (size_t i = 0; i < p->n_emails; i++)
        emails[i] = bench_email_text(b->arena, &p->emails[i], rng_chance(0.1));
    for (size_t i = 0; i < p->n_phones; i++)
        phones[i] = bench_phone_text(b->arena, &p->phones[i]);
    bench_render(b, p, emails, phones, out);
}

/* A duplicate of orig made the way `plant` says. */
static void bench_render_duplicate(struct bench *b, const struct gen_person *orig, enum plant plant,
                                   struct dedup_person *out)
{
    struct gen_person p = *orig;
    const char **emails = arena_alloc_array(b->arena, 2, sizeof(*emails));
    const char **phones = arena_alloc_array(b->arena, 2, sizeof(*phones));
    bool reformat = plant == PLANT_PHONE_FORMAT || rng_chance(0.5);

    if (plant == PLANT_TRANSLIT) {
        enum script other = (enum script)rng_below(SCRIPT_COUNT - 1);
        p.script = other >= orig->script ? other + 1 : other;
    } else if (plant == PLANT_SWAP) {
        p.swapped = !p.swapped;
    } else if (plant == PLANT_SAME_COMPANY) {
        p.n_emails = 1;
        p.emails[0].local = bench_email_local(b, &p);
        p.emails[0].domain = bench_company_domain(b, p.company);
        p.n_phones = 1;
        p.phones[0] = bench_phone(b, p.russian);
    }
    /* Typos, transliterations and swaps keep the e-mails, the phones or both. */
    if (plant <= PLANT_SWAP && p.n_emails > 0 && p.n_phones > 0) {
        size_t r = rng_below(10);
        if (r < 3)
            p.n_emails = 0;
        else if (r < 6)
            p.n_phones = 0;
    }
    if (plant == PLANT_PHONE_FORMAT)
        p.n_emails = 0;
    if (plant == PLANT_EMAIL_SPELLING)
        p.n_phones = 0;
    for (size_t i = 0; i < p.n_emails; i++) {
        if (plant == PLANT_EMAIL_SPELLING)
            emails[i] = bench_email_variant(b->arena, &p.emails[i]);
        else
            emails[i] = bench_email_text(b->arena, &p.emails[i], rng_chance(0.1));
    }
    for (size_t i = 0; i < p.n_phones; i++) {
        if (reformat && plant != PLANT_SAME_COMPANY)
            p.phones[i].style = (p.phones[i].style + 1 + (int)rng_below(6)) % 7;
        phones[i] = bench_phone_text(b->arena, &p.phones[i]);
    }
    bench_render(b, &p, emails, phones, out);
    if (plant == PLANT_TYPO) {
        if (rng_chance(0.5))
            out->first_name = bench_typo(b->arena, out->first_name);
        else
            out->last_name = bench_typo(b->arena, out->last_name);
    }
}

/* The way to plant a duplicate of p: one at random among those that fit it. */
static enum plant bench_pick_plant(const struct gen_person *p)
{
    for (;;) {
        enum plant plant = (enum plant)rng_below(PLANT_COUNT);
        if (plant == PLANT_TRANSLIT && !p->russian)
            continue;
        if (plant == PLANT_SAME_COMPANY && p->company < 0)
            continue;
        if (plant == PLANT_PHONE_FORMAT && p->n_phones == 0)
            continue;
        if (plant == PLANT_EMAIL_SPELLING && p->n_emails == 0)
            continue;
        return plant;
    }
}

static double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process so far (user and system, all threads). */
static double bench_cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static long long bench_option(int argc, char **argv, const char *name, long long def)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            char *end;
            long long v = strtoll(argv[i + 1], &end, 10);
            if (end == argv[i + 1] || *end != '\0') {
                fprintf(stderr, "dedup_bench: %s wants a number\n", name);
                exit(2);
            }
            return v;
        }
    }
    return def;
}

int main(int argc, char **argv)
{
    long long contacts = bench_option(argc, argv, "--contacts", BENCH_DEFAULT_CONTACTS);
    long long percent = bench_option(argc, argv, "--duplicates-percent", 5);
    long long seed = bench_option(argc, argv, "--seed", 20240601);
    if (contacts < 10 || contacts > BENCH_MAX_CONTACTS || percent < 0 || percent > 50) {
        fprintf(stderr,
                "usage: dedup_bench [--contacts 10..%d] [--seed S] "
                "[--duplicates-percent 0..50]\n",
                BENCH_MAX_CONTACTS);
        return 2;
    }
    size_t n = (size_t)contacts;
    size_t n_dups = n * (size_t)percent / 100, n_orig = n - n_dups;
    rng_state = (uint64_t)seed;

    struct bench b = {.arena = arena_new()};
    b.latin_first = word_list_split(b.arena, latin_first_names);
    b.latin_last = word_list_split(b.arena, latin_last_names);
    b.ru_male = word_list_split(b.arena, russian_male_names);
    b.ru_female = word_list_split(b.arena, russian_female_names);
    b.ru_last = word_list_split(b.arena, russian_last_names);
    b.company_words = word_list_split(b.arena, company_words);
    b.n_companies = n / BENCH_CONTACTS_PER_COMPANY + 1;

    /* Originals at 0..n_orig, duplicates after them, then all shuffled. */
    double t0 = bench_now_s();
    struct gen_person *gen = calloc(n_orig, sizeof(*gen));
    struct dedup_person *ordered = calloc(n, sizeof(*ordered));
    size_t *partner = malloc(n * sizeof(*partner)); /* by final position; SIZE_MAX: none */
    enum plant *plant_of = calloc(n, sizeof(*plant_of));
    size_t *perm = malloc(n * sizeof(*perm));
    struct dedup_person *people = calloc(n, sizeof(*people));
    size_t *orig_of = malloc((n_dups > 0 ? n_dups : 1) * sizeof(*orig_of));
    if (gen == NULL || ordered == NULL || partner == NULL || plant_of == NULL || perm == NULL ||
        people == NULL || orig_of == NULL) {
        fprintf(stderr, "dedup_bench: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < n_orig; i++) {
        bench_new_person(&b, &gen[i]);
        bench_render_original(&b, &gen[i], &ordered[i]);
    }
    /* Each duplicated original is a different one: a partial shuffle picks them. */
    for (size_t i = 0; i < n_orig; i++)
        perm[i] = i;
    for (size_t d = 0; d < n_dups; d++) {
        size_t j = d + rng_below(n_orig - d);
        size_t t = perm[d];
        perm[d] = perm[j];
        perm[j] = t;
        orig_of[d] = perm[d];
        plant_of[n_orig + d] = bench_pick_plant(&gen[orig_of[d]]);
        bench_render_duplicate(&b, &gen[orig_of[d]], plant_of[n_orig + d], &ordered[n_orig + d]);
    }
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = rng_below(i), t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    /* perm[position] = generated index; where[generated index] = position. */
    size_t *where = malloc(n * sizeof(*where));
    if (where == NULL)
        return 1;
    for (size_t pos = 0; pos < n; pos++) {
        people[pos] = ordered[perm[pos]];
        people[pos].id = (int64_t)pos + 1;
        where[perm[pos]] = pos;
        partner[pos] = SIZE_MAX;
    }
    for (size_t d = 0; d < n_dups; d++) {
        size_t a = where[orig_of[d]], c = where[n_orig + d];
        partner[a] = c;
        partner[c] = a;
    }
    double generate_s = bench_now_s() - t0;

    struct arena *arena = arena_new();
    struct dedup_cluster *clusters;
    size_t n_clusters;
    double t1 = bench_now_s(), cpu1 = bench_cpu_s();
    dedup_cluster_people(arena, people, n, BENCH_COUNTRY, DEDUP_THRESHOLD, &clusters, &n_clusters);
    double seconds = bench_now_s() - t1, cpu_seconds = bench_cpu_s() - cpu1;

    /* Found pairs: every pair inside a cluster. */
    size_t found = 0, true_found = 0, biggest = 0;
    size_t *cluster_of = malloc(n * sizeof(*cluster_of));
    if (cluster_of == NULL)
        return 1;
    for (size_t i = 0; i < n; i++)
        cluster_of[i] = SIZE_MAX;
    for (size_t c = 0; c < n_clusters; c++) {
        size_t k = clusters[c].n_members;
        found += k * (k - 1) / 2;
        biggest = k > biggest ? k : biggest;
        for (size_t i = 0; i < k; i++) {
            cluster_of[clusters[c].members[i]] = c;
            for (size_t j = i + 1; j < k; j++)
                true_found += partner[clusters[c].members[i]] == clusters[c].members[j];
        }
    }
    size_t planted[PLANT_COUNT] = {0}, caught[PLANT_COUNT] = {0};
    for (size_t d = 0; d < n_dups; d++) {
        size_t a = where[orig_of[d]], c = where[n_orig + d];
        enum plant plant = plant_of[n_orig + d];
        planted[plant]++;
        caught[plant] += cluster_of[a] != SIZE_MAX && cluster_of[a] == cluster_of[c];
    }
    for (int t = 0; t < PLANT_COUNT; t++)
        fprintf(stderr, "dedup: %-16s planted %8zu found %8zu recall %.4f\n", plant_names[t],
                planted[t], caught[t],
                planted[t] > 0 ? (double)caught[t] / (double)planted[t] : 1.0);
    /* A few wrong pairs, to see why. */
    size_t shown = 0;
    for (size_t c = 0; c < n_clusters && shown < 5; c++) {
        size_t a = clusters[c].best_a, d = clusters[c].best_b;
        if (partner[a] == d)
            continue;
        fprintf(stderr, "dedup: wrong pair (%.3f, %s): %s %s / %s %s\n", clusters[c].score,
                clusters[c].reason, people[a].first_name, people[a].last_name, people[d].first_name,
                people[d].last_name);
        shown++;
    }

    double precision = found > 0 ? (double)true_found / (double)found : 1.0;
    double recall = n_dups > 0 ? (double)true_found / (double)n_dups : 1.0;
    printf("dedup: %zu contacts, %.1f s, precision %.3f, recall %.3f\n", n, seconds, precision,
           recall);
    printf("BENCH dedup contacts=%zu duplicates=%zu seconds=%.2f cpu_seconds=%.2f "
           "precision=%.4f recall=%.4f clusters=%zu pairs_found=%zu pairs_true=%zu "
           "biggest_cluster=%zu generate_s=%.2f\n",
           n, n_dups, seconds, cpu_seconds, precision, recall, n_clusters, found, true_found,
           biggest, generate_s);

    int rc = seconds <= BENCH_TARGET_SECONDS && precision >= BENCH_TARGET_PRECISION &&
                     recall >= BENCH_TARGET_RECALL
                 ? 0
                 : 1;
    arena_free(arena);
    arena_free(b.arena);
    free(gen);
    free(ordered);
    free(partner);
    free(plant_of);
    free(perm);
    free(people);
    free(orig_of);
    free(where);
    free(cluster_of);
    return rc;
}
