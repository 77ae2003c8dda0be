/*
 * Duplicate detection, all but the clustering (dedup_cluster.c): the
 * normalisers of e-mails, company names and domains, Jaro-Winkler, records
 * prepared once for comparison (names to Latin and skeletons, e-mails,
 * phones, company names and domains normalised), their blocking keys, and
 * the scores (dedup_person_match, dedup_company_match) with their reasons
 * in words (dedup_reason). See the DESIGN note in dedup.h.
 */
#include "domain/dedup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "domain/dedup_int.h"
#include "domain/phone.h"
#include "domain/translit.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Jaro-Winkler looks at this many code points of each text. */
#define DEDUP_JW_MAX_CHARS 256
/* Longer blocking keys are cut (they only decide which records are compared). */
#define DEDUP_KEY_MAX 256
/* A company name has at most this many words that count. */
#define DEDUP_MAX_TOKENS 64
/* Name similarities from here up make an e-mail or phone match sure ("similar name"). */
#define DEDUP_NAME_SIMILAR 0.85
/* Below this, names contradict a shared e-mail or phone ("different name"). */
#define DEDUP_NAME_DIFFERENT 0.70
/*
 * What names that are not alike (DEDUP_NAME_DIFFERENT..DEDUP_NAME_SIMILAR)
 * take off a shared e-mail or phone: one kind alone then stays below the
 * threshold (a shared mailbox, a switchboard), both kinds do not.
 */
#define DEDUP_NAME_UNALIKE_COST 0.06
/* A name alone (with the same company, or none) needs this much on both parts. */
#define DEDUP_NAME_ALONE 0.90
/* The similarity given to an initial against a name it starts ("I." and "Ivan"). */
#define DEDUP_INITIAL_SIM 0.90

/* ---- E-mail addresses ---- */

enum {
    DEDUP_MAIL_NO_DOTS = 1,     /* dots in the local part are ignored */
    DEDUP_MAIL_NO_PLUS = 2,     /* "+tag" at the end of the local part is ignored */
    DEDUP_MAIL_DASH_IS_DOT = 4, /* '.' and '-' are one letter (written '-') */
};

/* Providers whose addresses have several spellings; see the table in dedup.h. */
static const struct {
    const char *domain;
    const char *canonical; /* NULL: the domain itself */
    unsigned flags;
} dedup_mail_rules[] = {
    {"gmail.com", NULL, DEDUP_MAIL_NO_DOTS | DEDUP_MAIL_NO_PLUS},
    {"googlemail.com", "gmail.com", DEDUP_MAIL_NO_DOTS | DEDUP_MAIL_NO_PLUS},
    {"outlook.com", NULL, DEDUP_MAIL_NO_PLUS},
    {"hotmail.com", NULL, DEDUP_MAIL_NO_PLUS},
    {"live.com", NULL, DEDUP_MAIL_NO_PLUS},
    {"msn.com", NULL, DEDUP_MAIL_NO_PLUS},
    {"icloud.com", NULL, DEDUP_MAIL_NO_PLUS},
    {"me.com", NULL, DEDUP_MAIL_NO_PLUS},
    {"mac.com", NULL, DEDUP_MAIL_NO_PLUS},
    {"fastmail.com", NULL, DEDUP_MAIL_NO_PLUS},
    {"fastmail.fm", NULL, DEDUP_MAIL_NO_PLUS},
    {"proton.me", NULL, DEDUP_MAIL_NO_PLUS},
    {"protonmail.com", NULL, DEDUP_MAIL_NO_PLUS},
    {"protonmail.ch", NULL, DEDUP_MAIL_NO_PLUS},
    {"pm.me", NULL, DEDUP_MAIL_NO_PLUS},
    {"yandex.ru", NULL, DEDUP_MAIL_NO_PLUS | DEDUP_MAIL_DASH_IS_DOT},
    {"ya.ru", "yandex.ru", DEDUP_MAIL_NO_PLUS | DEDUP_MAIL_DASH_IS_DOT},
    {"yandex.com", "yandex.ru", DEDUP_MAIL_NO_PLUS | DEDUP_MAIL_DASH_IS_DOT},
    {"yandex.by", "yandex.ru", DEDUP_MAIL_NO_PLUS | DEDUP_MAIL_DASH_IS_DOT},
    {"yandex.kz", "yandex.ru", DEDUP_MAIL_NO_PLUS | DEDUP_MAIL_DASH_IS_DOT},
    {"yandex.ua", "yandex.ru", DEDUP_MAIL_NO_PLUS | DEDUP_MAIL_DASH_IS_DOT},
};

/* Free and consumer mail services: their domains never name a company. */
static const char *const dedup_free_mail[] = {
    "126.com",        "163.com",        "aol.com",        "bk.ru",         "fastmail.com",
    "fastmail.fm",    "free.fr",        "gmail.com",      "gmx.com",       "gmx.de",
    "gmx.net",        "googlemail.com", "hey.com",        "hotmail.co.uk", "hotmail.com",
    "hotmail.de",     "hotmail.fr",     "hotmail.it",     "i.ua",          "icloud.com",
    "inbox.ru",       "interia.pl",     "internet.ru",    "laposte.net",   "libero.it",
    "list.ru",        "live.com",       "mac.com",        "mail.com",      "mail.ru",
    "me.com",         "msn.com",        "narod.ru",       "naver.com",     "o2.pl",
    "onet.pl",        "orange.fr",      "outlook.com",    "outlook.de",    "pm.me",
    "proton.me",      "protonmail.ch",  "protonmail.com", "qq.com",        "rambler.ru",
    "rediffmail.com", "rocketmail.com", "seznam.cz",      "t-online.de",   "tut.by",
    "tuta.io",        "tutanota.com",   "ukr.net",        "web.de",        "wp.pl",
    "ya.ru",          "yahoo.co.jp",    "yahoo.co.uk",    "yahoo.com",     "yahoo.de",
    "yahoo.fr",       "yandex.by",      "yandex.com",     "yandex.kz",     "yandex.ru",
    "yandex.ua",      "ymail.com",      "zoho.com",
};

static bool dedup_is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* s[0..*len) without the white space around it. */
static const char *dedup_trim(const char *s, size_t *len)
{
    while (*len > 0 && dedup_is_space(s[0])) {
        s++;
        (*len)--;
    }
    while (*len > 0 && dedup_is_space(s[*len - 1]))
        (*len)--;
    return s;
}

static char dedup_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* A domain name that can be real: a dot, no empty label, no space or control character. */
static bool dedup_domain_valid(const char *d, size_t len)
{
    bool dot = false;
    if (len == 0 || d[0] == '.' || d[len - 1] == '.' || d[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)d[i];
        if (c == '.') {
            if (d[i + 1] == '.')
                return false;
            dot = true;
        } else if (c < 0x80 && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' &&
                   c != '_') {
            return false;
        }
    }
    return dot;
}

const char *dedup_email_normalize(struct arena *arena, const char *text)
{
    if (text == NULL)
        return NULL;
    size_t len = strlen(text);
    const char *s = dedup_trim(text, &len);
    if (len >= 7 && strncasecmp(s, "mailto:", 7) == 0) {
        s += 7;
        len -= 7;
    }
    if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
        s++;
        len -= 2;
    }
    s = dedup_trim(s, &len);

    const char *at = NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7F || c == '<' || c == '>' || c == ',' || c == ';')
            return NULL;
        if (c == '@') {
            if (at != NULL)
                return NULL;
            at = s + i;
        }
    }
    if (at == NULL || at == s || at == s + len - 1)
        return NULL;

    size_t local_len = (size_t)(at - s);
    size_t domain_len = len - local_len - 1;
    char *domain = arena_alloc(arena, domain_len + 1);
    for (size_t i = 0; i < domain_len; i++)
        domain[i] = dedup_lower(at[1 + i]);
    while (domain_len > 0 && domain[domain_len - 1] == '.')
        domain[--domain_len] = '\0';
    if (!dedup_domain_valid(domain, domain_len))
        return NULL;

    unsigned flags = 0;
    const char *canonical = domain;
    for (size_t r = 0; r < COUNT(dedup_mail_rules); r++) {
        if (strcmp(domain, dedup_mail_rules[r].domain) == 0) {
            flags = dedup_mail_rules[r].flags;
            if (dedup_mail_rules[r].canonical != NULL)
                canonical = dedup_mail_rules[r].canonical;
            break;
        }
    }

    size_t canonical_len = strlen(canonical);
    char *out = arena_alloc(arena, local_len + canonical_len + 2);
    size_t n = 0;
    for (size_t i = 0; i < local_len; i++) {
        char c = dedup_lower(s[i]);
        if ((flags & DEDUP_MAIL_NO_PLUS) && c == '+' && n > 0)
            break;
        if ((flags & DEDUP_MAIL_NO_DOTS) && c == '.')
            continue;
        if ((flags & DEDUP_MAIL_DASH_IS_DOT) && c == '.')
            c = '-';
        out[n++] = c;
    }
    if (n == 0) { /* nothing but dots or a tag: keep the address as written */
        for (; n < local_len; n++)
            out[n] = dedup_lower(s[n]);
    }
    out[n++] = '@';
    memcpy(out + n, canonical, canonical_len + 1);
    return out;
}

/* ---- Domains ---- */

const char *dedup_domain(struct arena *arena, const char *text)
{
    if (text == NULL)
        return NULL;
    size_t len = strlen(text);
    const char *s = dedup_trim(text, &len);
    if (len >= 7 && strncasecmp(s, "mailto:", 7) == 0) {
        s += 7;
        len -= 7;
    }
    /* A scheme ("https://") ends before the first '/'. */
    for (size_t i = 0; i + 2 < len && s[i] != '/'; i++) {
        if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
            s += i + 3;
            len -= i + 3;
            break;
        }
    }
    size_t host_len = 0;
    while (host_len < len && s[host_len] != '/' && s[host_len] != '?' && s[host_len] != '#')
        host_len++;
    for (size_t i = host_len; i > 0; i--) {
        if (s[i - 1] == '@') {
            s += i;
            host_len -= i;
            break;
        }
    }
    for (size_t i = 0; i < host_len; i++) {
        if (s[i] == ':') {
            host_len = i;
            break;
        }
    }
    char *out = arena_alloc(arena, host_len + 1);
    for (size_t i = 0; i < host_len; i++)
        out[i] = dedup_lower(s[i]);
    while (host_len > 0 && out[host_len - 1] == '.')
        out[--host_len] = '\0';
    if (host_len > 4 && memcmp(out, "www.", 4) == 0) {
        out += 4;
        host_len -= 4;
    }
    if (!dedup_domain_valid(out, host_len))
        return NULL;
    return out;
}

static int dedup_compare_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool dedup_domain_is_free_mail(const char *domain)
{
    if (domain == NULL)
        return false;
    return bsearch(&domain, dedup_free_mail, COUNT(dedup_free_mail), sizeof(dedup_free_mail[0]),
                   dedup_compare_cstr) != NULL;
}

/* ---- Company names ---- */

/* Legal forms as folded words; a longer form comes before a shorter one it starts with. */
/* clang-format off */
static const char *const dedup_legal_forms[] = {
    "общество с ограниченной ответственностью",
    "товарищество с ограниченной ответственностью",
    "публичное акционерное общество",
    "открытое акционерное общество",
    "закрытое акционерное общество",
    "акционерное общество",
    "индивидуальный предприниматель",
    "некоммерческая организация",
    "limited liability company",
    "limited liability partnership",
    "public limited company",
    "sp z oo",
    "ооо", "оао", "зао", "пао", "ао", "ип", "нко", "тоо",
    "llc", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "co", "company",
    "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "bv", "nv", "plc", "pty", "oy", "oyj",
    "ab", "as", "aps", "spa", "se", "llp", "lp", "sro",
};
/* clang-format on */

struct dedup_token {
    const char *ptr;
    size_t len;
};

/* The number of words of the legal form `form` that tokens[0..n) start with, or 0. */
static size_t dedup_legal_form_match(const char *form, const struct dedup_token *tokens, size_t n)
{
    size_t matched = 0;
    while (*form != '\0') {
        size_t word_len = strcspn(form, " ");
        if (matched == n || tokens[matched].len != word_len ||
            memcmp(tokens[matched].ptr, form, word_len) != 0)
            return 0;
        matched++;
        form += word_len;
        if (*form == ' ')
            form++;
    }
    return matched;
}

/*
 * Adds the words of one run of word characters and dots (`raw`, folded) to
 * tokens, written into *work: dotted abbreviations ("l.l.c.", "inc.") are
 * one word without dots, other dotted runs ("amazon.com") one word a piece.
 */
static size_t dedup_add_tokens(const char *raw, size_t raw_len, char **work,
                               struct dedup_token *tokens, size_t n)
{
    size_t pieces = 0, long_pieces = 0;
    for (size_t i = 0; i < raw_len;) {
        size_t piece_len = 0, chars = 0;
        while (i + piece_len < raw_len && raw[i + piece_len] != '.') {
            if (((unsigned char)raw[i + piece_len] & 0xC0) != 0x80)
                chars++;
            piece_len++;
        }
        if (piece_len > 0) {
            pieces++;
            long_pieces += chars > 1;
        }
        i += piece_len + 1;
    }
    bool joined = pieces <= 1 || long_pieces == 0;
    for (size_t i = 0; i < raw_len && n < DEDUP_MAX_TOKENS;) {
        size_t piece_len = strcspn(raw + i, ".");
        if (piece_len > raw_len - i)
            piece_len = raw_len - i;
        if (piece_len > 0) {
            if (joined && tokens[n].ptr != NULL) {
                tokens[n].len += piece_len; /* the word continues in work */
            } else {
                tokens[n].ptr = *work;
                tokens[n].len = piece_len;
            }
            memcpy(*work, raw + i, piece_len);
            *work += piece_len;
            if (!joined)
                n++;
        }
        i += piece_len + 1;
    }
    if (joined && n < DEDUP_MAX_TOKENS && tokens[n].ptr != NULL)
        n++;
    return n;
}

const char *dedup_company_name(struct arena *arena, const char *name)
{
    if (name == NULL)
        return "";
    const char *folded = translit_fold(arena, name);
    size_t len = strlen(folded);
    char *work = arena_alloc(arena, len + 1);
    char *raw = arena_alloc(arena, len + 1);
    char *w = work;
    struct dedup_token tokens[DEDUP_MAX_TOKENS + 1];
    size_t n = 0, raw_len = 0;

    memset(tokens, 0, sizeof(tokens));
    /* Runs of word characters and dots, apostrophes dropped ("McDonald's"), are raw words. */
    for (size_t i = 0; i <= len;) {
        uint32_t cp = 0;
        size_t k = i < len ? utf8_decode(folded + i, len - i, &cp) : 1;
        if (k == 0)
            k = 1;
        if (i < len && (cp == '.' || translit_is_word_char(cp))) {
            memcpy(raw + raw_len, folded + i, k);
            raw_len += k;
        } else if (i < len && (cp == '\'' || cp == 0x2019 || cp == 0x02BC)) {
            /* dropped inside a word */
        } else if (raw_len > 0) {
            n = dedup_add_tokens(raw, raw_len, &w, tokens, n);
            raw_len = 0;
        }
        i += k;
    }

    /* The words that are not legal forms, joined by spaces. */
    char *out = arena_alloc(arena, len + 1);
    size_t out_len = 0;
    for (int pass = 0; pass < 2 && out_len == 0; pass++) {
        for (size_t t = 0; t < n;) {
            size_t skip = 0;
            for (size_t f = 0; pass == 0 && f < COUNT(dedup_legal_forms) && skip == 0; f++)
                skip = dedup_legal_form_match(dedup_legal_forms[f], tokens + t, n - t);
            if (skip > 0) {
                t += skip;
                continue;
            }
            if (out_len > 0)
                out[out_len++] = ' ';
            memcpy(out + out_len, tokens[t].ptr, tokens[t].len);
            out_len += tokens[t].len;
            t++;
        }
    }
    out[out_len] = '\0';
    return out;
}

/* ---- Jaro-Winkler ---- */

static size_t dedup_code_points(const char *s, uint32_t *out)
{
    size_t len = strlen(s), n = 0;
    for (size_t i = 0; i < len && n < DEDUP_JW_MAX_CHARS;) {
        size_t k = utf8_decode(s + i, len - i, &out[n]);
        if (k == 0) {
            out[n] = (unsigned char)s[i]; /* not UTF-8: compare the byte */
            k = 1;
        }
        n++;
        i += k;
    }
    return n;
}

static double dedup_jaro_winkler_cp(const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
    bool a_matched[DEDUP_JW_MAX_CHARS] = {false};
    bool b_matched[DEDUP_JW_MAX_CHARS] = {false};
    size_t window, matches = 0, half_transpositions = 0, prefix = 0;

    if (la == 0 && lb == 0)
        return 1.0;
    if (la == 0 || lb == 0)
        return 0.0;
    window = (la > lb ? la : lb) / 2;
    window = window > 0 ? window - 1 : 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > window ? i - window : 0;
        size_t hi = i + window + 1 < lb ? i + window + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (!b_matched[j] && a[i] == b[j]) {
                a_matched[i] = b_matched[j] = true;
                matches++;
                break;
            }
        }
    }
    if (matches == 0)
        return 0.0;
    for (size_t i = 0, j = 0; i < la; i++) {
        if (!a_matched[i])
            continue;
        while (!b_matched[j])
            j++;
        if (a[i] != b[j])
            half_transpositions++;
        j++;
    }
    double m = (double)matches;
    double jaro =
        (m / (double)la + m / (double)lb + (m - (double)half_transpositions / 2.0) / m) / 3.0;
    while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
        prefix++;
    return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

double dedup_jaro_winkler(const char *a, const char *b)
{
    uint32_t ca[DEDUP_JW_MAX_CHARS], cb[DEDUP_JW_MAX_CHARS];
    size_t la = dedup_code_points(a, ca);
    size_t lb = dedup_code_points(b, cb);
    return dedup_jaro_winkler_cp(ca, la, cb, lb);
}

/* ---- Prepared records ---- */

uint64_t dedup_hash(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static bool dedup_list_has(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], s) == 0)
            return true;
    }
    return false;
}

/* Adds s to list[0..n) unless NULL, empty or already there; returns the new count. */
static size_t dedup_list_add(const char **list, size_t n, const char *s)
{
    if (s == NULL || s[0] == '\0' || dedup_list_has(list, n, s))
        return n;
    list[n] = s;
    return n + 1;
}

static bool dedup_lists_share(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    for (size_t i = 0; i < na; i++) {
        for (size_t j = 0; j < nb; j++) {
            if (strcmp(a[i], b[j]) == 0)
                return true;
        }
    }
    return false;
}

static void dedup_prep_contacts(struct arena *arena, const char *const *emails, size_t n_emails,
                                const char *const *phones, size_t n_phones, const char *country,
                                struct dedup_prep *out)
{
    if (n_emails > 0) {
        out->emails = arena_alloc_array(arena, n_emails, sizeof(*out->emails));
        for (size_t i = 0; i < n_emails; i++)
            out->n_emails =
                dedup_list_add(out->emails, out->n_emails, dedup_email_normalize(arena, emails[i]));
    }
    if (n_phones > 0) {
        out->phones = arena_alloc_array(arena, n_phones, sizeof(*out->phones));
        for (size_t i = 0; i < n_phones; i++) {
            char e164[PHONE_E164_SIZE];
            if (phones[i] != NULL && phone_to_e164_buf(phones[i], country, e164) &&
                !dedup_list_has(out->phones, out->n_phones, e164))
                out->phones[out->n_phones++] = arena_strdup(arena, e164);
        }
    }
}

static uint64_t dedup_mask_bit(const char *s)
{
    return (uint64_t)1 << (dedup_hash(s, strlen(s)) & 63);
}

static void dedup_prep_mask(struct dedup_prep *p)
{
    p->mask = p->company_skel[0] != '\0' ? dedup_mask_bit(p->company_skel) : 0;
    for (size_t i = 0; i < p->n_emails; i++)
        p->mask |= dedup_mask_bit(p->emails[i]);
    for (size_t i = 0; i < p->n_phones; i++)
        p->mask |= dedup_mask_bit(p->phones[i]);
    for (size_t i = 0; i < p->n_domains; i++)
        p->mask |= dedup_mask_bit(p->domains[i]);
}

void dedup_prep_person(struct arena *arena, const struct dedup_person *p, const char *country,
                       struct dedup_prep *out)
{
    memset(out, 0, sizeof(*out));
    out->first_latin = translit_latin(arena, p->first_name != NULL ? p->first_name : "");
    out->first_skel = translit_skeleton_of_latin(arena, out->first_latin);
    out->last_latin = translit_latin(arena, p->last_name != NULL ? p->last_name : "");
    out->last_skel = translit_skeleton_of_latin(arena, out->last_latin);
    out->company_skel = "";
    if (p->company != NULL)
        out->company_skel = translit_skeleton(arena, dedup_company_name(arena, p->company));
    out->name_latin = "";
    dedup_prep_contacts(arena, p->emails, p->n_emails, p->phones, p->n_phones, country, out);
    dedup_prep_mask(out);
}

void dedup_prep_company(struct arena *arena, const struct dedup_company *c, const char *country,
                        struct dedup_prep *out)
{
    memset(out, 0, sizeof(*out));
    out->first_latin = out->first_skel = out->last_latin = out->last_skel = "";
    out->name_latin = translit_latin(arena, dedup_company_name(arena, c->name));
    out->company_skel = translit_skeleton_of_latin(arena, out->name_latin);
    dedup_prep_contacts(arena, c->emails, c->n_emails, c->phones, c->n_phones, country, out);
    out->domains = arena_alloc_array(arena, c->n_emails + 1, sizeof(*out->domains));
    out->n_domains = dedup_list_add(out->domains, 0, dedup_domain(arena, c->website));
    for (size_t i = 0; i < out->n_emails; i++) {
        const char *d = strchr(out->emails[i], '@') + 1;
        if (!dedup_domain_is_free_mail(d))
            out->n_domains = dedup_list_add(out->domains, out->n_domains, d);
    }
    dedup_prep_mask(out);
}

/* Where dedup_prep_copy writes: one block of text, one of pointers. */
struct dedup_copy {
    char *text;
    const char **list;
};

static const char *dedup_copy_string(struct dedup_copy *c, const char *s)
{
    size_t len = strlen(s);
    if (len == 0)
        return "";
    char *copy = c->text;
    memcpy(copy, s, len + 1);
    c->text += len + 1;
    return copy;
}

static const char **dedup_copy_list(struct dedup_copy *c, const char **list, size_t n)
{
    const char **copy = c->list;
    if (n == 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        copy[i] = dedup_copy_string(c, list[i]);
    c->list += n;
    return copy;
}

void dedup_prep_copy(struct arena *arena, struct dedup_prep *p)
{
    const char *const strings[] = {p->first_latin, p->first_skel,   p->last_latin,
                                   p->last_skel,   p->company_skel, p->name_latin};
    size_t text = 0, n_list = p->n_emails + p->n_phones + p->n_domains;
    for (size_t i = 0; i < COUNT(strings); i++)
        text += strlen(strings[i]) + 1;
    for (size_t i = 0; i < p->n_emails; i++)
        text += strlen(p->emails[i]) + 1;
    for (size_t i = 0; i < p->n_phones; i++)
        text += strlen(p->phones[i]) + 1;
    for (size_t i = 0; i < p->n_domains; i++)
        text += strlen(p->domains[i]) + 1;
    struct dedup_copy c = {arena_alloc(arena, text),
                           n_list > 0 ? arena_alloc_array(arena, n_list, sizeof(char *)) : NULL};
    p->first_latin = dedup_copy_string(&c, p->first_latin);
    p->first_skel = dedup_copy_string(&c, p->first_skel);
    p->last_latin = dedup_copy_string(&c, p->last_latin);
    p->last_skel = dedup_copy_string(&c, p->last_skel);
    p->company_skel = dedup_copy_string(&c, p->company_skel);
    p->name_latin = dedup_copy_string(&c, p->name_latin);
    p->emails = dedup_copy_list(&c, p->emails, p->n_emails);
    p->phones = dedup_copy_list(&c, p->phones, p->n_phones);
    p->domains = dedup_copy_list(&c, p->domains, p->n_domains);
}

/* ---- Scores ---- */

/* Whether a is one character that b (longer) starts with: an initial. */
static bool dedup_is_initial(const char *a, const char *b)
{
    size_t a_len = strlen(a);
    uint32_t cp;
    return a_len > 0 && utf8_decode(a, a_len, &cp) == a_len && strlen(b) > a_len &&
           memcmp(a, b, a_len) == 0;
}

/* The similarity of one name part: see dedup_person_score. -1 when either is empty. */
static double dedup_part_sim(const char *skel_a, const char *latin_a, const char *skel_b,
                             const char *latin_b)
{
    if (skel_a[0] == '\0' || skel_b[0] == '\0')
        return -1.0;
    if (strcmp(skel_a, skel_b) == 0)
        return 1.0;
    if (dedup_is_initial(skel_a, skel_b) || dedup_is_initial(skel_b, skel_a))
        return DEDUP_INITIAL_SIM;
    double s = dedup_jaro_winkler(skel_a, skel_b);
    double l = dedup_jaro_winkler(latin_a, latin_b);
    return s > l ? s : l;
}

static double dedup_min(double a, double b)
{
    return a < b ? a : b;
}

static double dedup_max(double a, double b)
{
    return a > b ? a : b;
}

/* "<x><y>" of two skeletons into buf (cut to fit). */
static const char *dedup_join(char *buf, size_t size, const char *x, const char *y)
{
    snprintf(buf, size, "%s%s", x, y);
    return buf;
}

static double dedup_person_name_sim(const struct dedup_prep *a, const struct dedup_prep *b)
{
    bool a_both = a->first_skel[0] != '\0' && a->last_skel[0] != '\0';
    bool b_both = b->first_skel[0] != '\0' && b->last_skel[0] != '\0';
    if (a_both && b_both) {
        double straight =
            dedup_min(dedup_part_sim(a->first_skel, a->first_latin, b->first_skel, b->first_latin),
                      dedup_part_sim(a->last_skel, a->last_latin, b->last_skel, b->last_latin));
        if (straight >= 1.0)
            return straight;
        double swapped =
            dedup_min(dedup_part_sim(a->first_skel, a->first_latin, b->last_skel, b->last_latin),
                      dedup_part_sim(a->last_skel, a->last_latin, b->first_skel, b->first_latin));
        return dedup_max(straight, swapped);
    }
    if ((a->first_skel[0] == '\0' && a->last_skel[0] == '\0') ||
        (b->first_skel[0] == '\0' && b->last_skel[0] == '\0'))
        return -1.0;
    /* A part unknown on a side: the whole names, the other side in both orders. */
    char whole_a[DEDUP_KEY_MAX], whole_b[DEDUP_KEY_MAX], reversed_b[DEDUP_KEY_MAX];
    dedup_join(whole_a, sizeof(whole_a), a->first_skel, a->last_skel);
    dedup_join(whole_b, sizeof(whole_b), b->first_skel, b->last_skel);
    dedup_join(reversed_b, sizeof(reversed_b), b->last_skel, b->first_skel);
    if (strcmp(whole_a, whole_b) == 0 || strcmp(whole_a, reversed_b) == 0)
        return 1.0;
    return dedup_max(dedup_jaro_winkler(whole_a, whole_b), dedup_jaro_winkler(whole_a, reversed_b));
}

/* The score of a shared e-mail, phone or domain given the names' similarity. */
static double dedup_contact_score(unsigned kinds, double name_sim)
{
    double base = kinds >= 2 ? 0.95 : 0.90;
    if (name_sim < 0.0)
        return base;
    if (name_sim >= DEDUP_NAME_SIMILAR)
        return base + 0.04 * (name_sim - DEDUP_NAME_SIMILAR) / (1.0 - DEDUP_NAME_SIMILAR);
    return base;
}

static unsigned dedup_count_bits(unsigned bits)
{
    unsigned n = 0;
    for (; bits != 0; bits &= bits - 1)
        n++;
    return n;
}

/*
 * The person score of dedup_person_score. With floor above what a name
 * alone can reach, pairs sharing no e-mail, phone or company are not
 * compared further (score 0).
 */
void dedup_person_match(const struct dedup_prep *a, const struct dedup_prep *b, double floor,
                        struct dedup_match *m)
{
    m->score = 0.0;
    m->same = 0;
    m->name_sim = -1.0;
    if (dedup_lists_share(a->emails, a->n_emails, b->emails, b->n_emails))
        m->same |= DEDUP_SAME_EMAIL;
    if (dedup_lists_share(a->phones, a->n_phones, b->phones, b->n_phones))
        m->same |= DEDUP_SAME_PHONE;
    bool company = a->company_skel[0] != '\0' && strcmp(a->company_skel, b->company_skel) == 0;
    if (m->same == 0 && !company && floor > DEDUP_PERSON_ALONE_MAX)
        return;

    double sim = dedup_person_name_sim(a, b);
    unsigned kinds = dedup_count_bits(m->same);
    m->name_sim = sim;
    if (kinds > 0) {
        if (sim >= 0.0 && sim < DEDUP_NAME_DIFFERENT) {
            m->score = kinds >= 2 ? 0.70 : 0.60;
            return;
        }
        m->score = dedup_contact_score(kinds, sim);
        if (sim >= 0.0 && sim < DEDUP_NAME_SIMILAR)
            m->score -= DEDUP_NAME_UNALIKE_COST;
        if (company) {
            m->score += 0.01;
            m->same |= DEDUP_SAME_COMPANY;
        }
    } else if (sim >= DEDUP_NAME_ALONE) {
        double closeness = (sim - DEDUP_NAME_ALONE) / (1.0 - DEDUP_NAME_ALONE);
        if (company) {
            m->score = 0.86 + 0.06 * closeness;
            m->same |= DEDUP_SAME_COMPANY;
        } else {
            m->score = 0.70 + (DEDUP_PERSON_ALONE_MAX - 0.70) * closeness;
            if (a->n_emails > 0 && b->n_emails > 0)
                m->score -= 0.10;
            if (a->n_phones > 0 && b->n_phones > 0)
                m->score -= 0.10;
        }
    } else {
        m->score = 0.6 * dedup_max(sim, 0.0);
    }
    m->score = dedup_min(dedup_max(m->score, 0.0), 1.0);
}

static double dedup_company_name_sim(const struct dedup_prep *a, const struct dedup_prep *b)
{
    if (a->company_skel[0] == '\0' || b->company_skel[0] == '\0')
        return -1.0;
    if (strcmp(a->company_skel, b->company_skel) == 0)
        return 1.0;
    return dedup_max(dedup_jaro_winkler(a->company_skel, b->company_skel),
                     dedup_jaro_winkler(a->name_latin, b->name_latin));
}

/* The company score of dedup_company_score; floor as for people. */
void dedup_company_match(const struct dedup_prep *a, const struct dedup_prep *b, double floor,
                         struct dedup_match *m)
{
    m->score = 0.0;
    m->same = 0;
    m->name_sim = -1.0;
    if (dedup_lists_share(a->emails, a->n_emails, b->emails, b->n_emails))
        m->same |= DEDUP_SAME_EMAIL;
    if (dedup_lists_share(a->phones, a->n_phones, b->phones, b->n_phones))
        m->same |= DEDUP_SAME_PHONE;
    if (dedup_lists_share(a->domains, a->n_domains, b->domains, b->n_domains))
        m->same |= DEDUP_SAME_DOMAIN;
    bool same_name = a->company_skel[0] != '\0' && strcmp(a->company_skel, b->company_skel) == 0;
    if (m->same == 0 && !same_name && floor > DEDUP_COMPANY_ALONE_MAX)
        return;

    double sim = dedup_company_name_sim(a, b);
    unsigned kinds = dedup_count_bits(m->same);
    m->name_sim = sim;
    if (kinds > 0) {
        if (sim >= 0.0 && sim < DEDUP_NAME_DIFFERENT)
            m->score = (m->same & DEDUP_SAME_DOMAIN) ? 0.80 : 0.60;
        else
            m->score = dedup_contact_score(kinds, sim);
    } else if (same_name) {
        m->score = a->n_domains > 0 && b->n_domains > 0 ? 0.70 : 0.90;
    } else if (sim >= DEDUP_NAME_ALONE) {
        m->score = 0.75 + (DEDUP_COMPANY_ALONE_MAX - 0.75) * (sim - DEDUP_NAME_ALONE) /
                              (1.0 - DEDUP_NAME_ALONE);
    } else {
        m->score = 0.6 * dedup_max(sim, 0.0);
    }
    m->score = dedup_min(dedup_max(m->score, 0.0), 1.0);
}

/*
 * The reason of a match in words: the name, then what is shared ("same
 * name, same e-mail and same phone"), then ", same company" or ", different
 * name" (which comes after what is shared: "same phone, different name").
 */
const char *dedup_reason(struct arena *arena, const struct dedup_match *m)
{
    const char *items[4];
    size_t n = 0;
    char name[40] = "";
    bool different = m->name_sim >= 0.0 && m->name_sim < DEDUP_NAME_DIFFERENT;

    if (m->name_sim >= 1.0)
        snprintf(name, sizeof(name), "same name");
    else if (m->name_sim >= DEDUP_NAME_SIMILAR)
        snprintf(name, sizeof(name), "similar name (%.2f)", m->name_sim);
    else if (m->name_sim >= DEDUP_NAME_DIFFERENT)
        snprintf(name, sizeof(name), "somewhat similar name (%.2f)", m->name_sim);
    if (name[0] != '\0')
        items[n++] = name;
    if (m->same & DEDUP_SAME_EMAIL)
        items[n++] = "same e-mail";
    if (m->same & DEDUP_SAME_PHONE)
        items[n++] = "same phone";
    if (m->same & DEDUP_SAME_DOMAIN)
        items[n++] = "same domain";

    char text[160] = "";
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : (i + 1 == n ? " and " : ", ");
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", sep, items[i]);
    }
    if (m->same & DEDUP_SAME_COMPANY)
        snprintf(text + len, sizeof(text) - len, "%s", n > 0 ? ", same company" : "same company");
    else if (different)
        snprintf(text + len, sizeof(text) - len, "%s",
                 n > 0 ? ", different name" : "different name");
    else if (n == 0)
        snprintf(text, sizeof(text), "nothing in common");
    return arena_strdup(arena, text);
}

double dedup_person_score(struct arena *arena, const struct dedup_person *a,
                          const struct dedup_person *b, const char *default_country,
                          const char **reason)
{
    struct dedup_prep pa, pb;
    struct dedup_match m;
    dedup_prep_person(arena, a, default_country, &pa);
    dedup_prep_person(arena, b, default_country, &pb);
    dedup_person_match(&pa, &pb, 0.0, &m);
    if (reason != NULL)
        *reason = dedup_reason(arena, &m);
    return m.score;
}

double dedup_company_score(struct arena *arena, const struct dedup_company *a,
                           const struct dedup_company *b, const char *default_country,
                           const char **reason)
{
    struct dedup_prep pa, pb;
    struct dedup_match m;
    dedup_prep_company(arena, a, default_country, &pa);
    dedup_prep_company(arena, b, default_country, &pb);
    dedup_company_match(&pa, &pb, 0.0, &m);
    if (reason != NULL)
        *reason = dedup_reason(arena, &m);
    return m.score;
}

/* ---- Blocking keys ---- */

/* The first 6 bytes of s, big-endian, in the top of a 64-bit order (lexicographic). */
static uint64_t dedup_order_of(const char *s)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < 6 && s[i] != '\0'; i++)
        v = (v << 8) | (unsigned char)s[i];
    for (; i < 6; i++)
        v <<= 8;
    return v << 16;
}

/* Emits the key "<kind><x><y>" ("e:" "ivan@example.com" ""). */
static void dedup_emit(dedup_key_fn *emit, void *ctx, uint64_t order, const char *kind,
                       const char *x, const char *y)
{
    char key[DEDUP_KEY_MAX];
    int len = snprintf(key, sizeof(key), "%s%s%s", kind, x, y);
    if (len < 0)
        return;
    emit(ctx, key, (size_t)len < sizeof(key) ? (size_t)len : sizeof(key) - 1, order);
}

/* The first character of a skeleton ("" for none), into buf. */
static const char *dedup_initial(const char *skel, char buf[5])
{
    size_t len = strlen(skel);
    uint32_t cp;
    size_t k = len > 0 ? utf8_decode(skel, len, &cp) : 0;
    if (k == 0)
        k = len > 0 ? 1 : 0;
    memcpy(buf, skel, k);
    buf[k] = '\0';
    return buf;
}

static void dedup_contact_keys(const struct dedup_prep *p, uint64_t order, dedup_key_fn *emit,
                               void *ctx)
{
    for (size_t i = 0; i < p->n_emails; i++)
        dedup_emit(emit, ctx, order, "e:", p->emails[i], "");
    for (size_t i = 0; i < p->n_phones; i++)
        dedup_emit(emit, ctx, order, "p:", p->phones[i], "");
}

/*
 * A person's keys. Within a name block, records are ordered by the other
 * part of the name, then their company, so that an oversized block's
 * window holds the likeliest pairs.
 */
void dedup_person_emit_keys(const struct dedup_prep *p, dedup_key_fn *emit, void *ctx)
{
    char tail[DEDUP_KEY_MAX], initial[5];
    uint64_t company = dedup_hash(p->company_skel, strlen(p->company_skel)) & 0xFFFF;
    dedup_contact_keys(p, dedup_order_of(p->last_skel), emit, ctx);
    if (p->first_skel[0] != '\0' && p->last_skel[0] != '\0') {
        snprintf(tail, sizeof(tail), "|%s", dedup_initial(p->first_skel, initial));
        dedup_emit(emit, ctx, dedup_order_of(p->first_skel) | company, "n:", p->last_skel, tail);
        snprintf(tail, sizeof(tail), "|%s", dedup_initial(p->last_skel, initial));
        dedup_emit(emit, ctx, dedup_order_of(p->last_skel) | company, "n:", p->first_skel, tail);
    } else if (p->first_skel[0] != '\0' || p->last_skel[0] != '\0') {
        snprintf(tail, sizeof(tail), "%s|", p->last_skel);
        dedup_emit(emit, ctx, company, "n:", p->first_skel, tail);
    }
}

void dedup_company_emit_keys(const struct dedup_prep *p, dedup_key_fn *emit, void *ctx)
{
    uint64_t order = dedup_order_of(p->company_skel);
    dedup_contact_keys(p, order, emit, ctx);
    if (p->company_skel[0] != '\0')
        dedup_emit(emit, ctx, order, "c:", p->company_skel, "");
    for (size_t i = 0; i < p->n_domains; i++)
        dedup_emit(emit, ctx, order, "d:", p->domains[i], "");
}

/* The most keys a prepared record can have. */
size_t dedup_max_keys(const struct dedup_prep *p)
{
    return p->n_emails + p->n_phones + p->n_domains + 2;
}

struct dedup_key_list {
    struct arena *arena;
    const char **keys;
    size_t n;
};

static void dedup_key_list_add(void *ctx, const char *key, size_t len, uint64_t order)
{
    struct dedup_key_list *list = ctx;
    char *copy = arena_strndup(list->arena, key, len);
    list->n = dedup_list_add(list->keys, list->n, copy);
}

size_t dedup_person_keys(struct arena *arena, const struct dedup_person *person,
                         const char *default_country, const char ***keys)
{
    struct dedup_prep p;
    dedup_prep_person(arena, person, default_country, &p);
    struct dedup_key_list list = {arena,
                                  arena_alloc_array(arena, dedup_max_keys(&p), sizeof(char *)), 0};
    dedup_person_emit_keys(&p, dedup_key_list_add, &list);
    *keys = list.keys;
    return list.n;
}

size_t dedup_company_keys(struct arena *arena, const struct dedup_company *company,
                          const char *default_country, const char ***keys)
{
    struct dedup_prep p;
    dedup_prep_company(arena, company, default_country, &p);
    struct dedup_key_list list = {arena,
                                  arena_alloc_array(arena, dedup_max_keys(&p), sizeof(char *)), 0};
    dedup_company_emit_keys(&p, dedup_key_list_add, &list);
    *keys = list.keys;
    return list.n;
}
