/*
 * Folding, Cyrillic -> Latin transliteration and name skeletons. Each step
 * is one pass over its input into an arena buffer sized for the worst case
 * (folding never grows text; transliteration at most doubles it: 'щ', two
 * bytes, becomes "shch"; the skeleton never grows the Latin form).
 */
#include "domain/translit.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* Texts up to this size are folded on the stack on their way to Latin. */
#define TRANSLIT_STACK_BYTES 256

/* Code points first..last fold to the Latin letters `latin`. */
struct translit_range {
    uint32_t first;
    uint32_t last;
    const char *latin;
};

/* Latin-1, Latin Extended-A and a few Latin Extended-B letters without their diacritics. */
static const struct translit_range translit_latin_ranges[] = {
    {0x00C0, 0x00C5, "a"},  {0x00C6, 0x00C6, "ae"}, {0x00C7, 0x00C7, "c"},  {0x00C8, 0x00CB, "e"},
    {0x00CC, 0x00CF, "i"},  {0x00D0, 0x00D0, "d"},  {0x00D1, 0x00D1, "n"},  {0x00D2, 0x00D6, "o"},
    {0x00D8, 0x00D8, "o"},  {0x00D9, 0x00DC, "u"},  {0x00DD, 0x00DD, "y"},  {0x00DE, 0x00DE, "th"},
    {0x00DF, 0x00DF, "ss"}, {0x00E0, 0x00E5, "a"},  {0x00E6, 0x00E6, "ae"}, {0x00E7, 0x00E7, "c"},
    {0x00E8, 0x00EB, "e"},  {0x00EC, 0x00EF, "i"},  {0x00F0, 0x00F0, "d"},  {0x00F1, 0x00F1, "n"},
    {0x00F2, 0x00F6, "o"},  {0x00F8, 0x00F8, "o"},  {0x00F9, 0x00FC, "u"},  {0x00FD, 0x00FD, "y"},
    {0x00FE, 0x00FE, "th"}, {0x00FF, 0x00FF, "y"},  {0x0100, 0x0105, "a"},  {0x0106, 0x010D, "c"},
    {0x010E, 0x0111, "d"},  {0x0112, 0x011B, "e"},  {0x011C, 0x0123, "g"},  {0x0124, 0x0127, "h"},
    {0x0128, 0x0131, "i"},  {0x0132, 0x0133, "ij"}, {0x0134, 0x0135, "j"},  {0x0136, 0x0138, "k"},
    {0x0139, 0x0142, "l"},  {0x0143, 0x014B, "n"},  {0x014C, 0x0151, "o"},  {0x0152, 0x0153, "oe"},
    {0x0154, 0x0159, "r"},  {0x015A, 0x0161, "s"},  {0x0162, 0x0167, "t"},  {0x0168, 0x0173, "u"},
    {0x0174, 0x0175, "w"},  {0x0176, 0x0178, "y"},  {0x0179, 0x017E, "z"},  {0x017F, 0x017F, "s"},
    {0x0218, 0x0219, "s"},  {0x021A, 0x021B, "t"},  {0x1E9E, 0x1E9E, "ss"},
};

/* Russian а..я (U+0430-U+044F) in Latin. */
static const char *const translit_russian[32] = {
    "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "y",    "k", "l", "m", "n", "o",  "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "y", "",  "e", "yu", "ya",
};

/* The other Cyrillic letters of Ukrainian, Belarusian, Serbian, Macedonian and Kazakh. */
static const struct translit_range translit_cyrillic_extra[] = {
    {0x0452, 0x0452, "dj"}, {0x0453, 0x0453, "g"},  {0x0454, 0x0454, "ye"}, {0x0455, 0x0455, "dz"},
    {0x0456, 0x0456, "i"},  {0x0457, 0x0457, "yi"}, {0x0458, 0x0458, "j"},  {0x0459, 0x0459, "lj"},
    {0x045A, 0x045A, "nj"}, {0x045B, 0x045B, "c"},  {0x045C, 0x045C, "k"},  {0x045E, 0x045E, "u"},
    {0x045F, 0x045F, "dz"}, {0x0491, 0x0491, "g"},  {0x0493, 0x0493, "g"},  {0x049B, 0x049B, "k"},
    {0x04A3, 0x04A3, "n"},  {0x04AF, 0x04AF, "u"},  {0x04B1, 0x04B1, "u"},  {0x04BB, 0x04BB, "h"},
    {0x04D9, 0x04D9, "a"},  {0x04E9, 0x04E9, "o"},
};

static const char *translit_range_find(const struct translit_range *ranges, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < ranges[mid].first)
            hi = mid;
        else if (cp > ranges[mid].last)
            lo = mid + 1;
        else
            return ranges[mid].latin;
    }
    return NULL;
}

static bool translit_is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x00A0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

/* Characters that take no room: soft hyphen, zero-width space and joiners, the BOM. */
static bool translit_is_invisible(uint32_t cp)
{
    return cp == 0x00AD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

static bool translit_is_apostrophe(uint32_t cp)
{
    return cp == '\'' || cp == '`' || cp == 0x00B4 || cp == 0x02BB || cp == 0x02BC ||
           cp == 0x2018 || cp == 0x2019 || cp == 0x2032;
}

/* Punctuation and symbols outside ASCII that separate words: quotes, dashes, bullets. */
static bool translit_is_separator(uint32_t cp)
{
    return (cp >= 0x00A1 && cp <= 0x00BF) || cp == 0x00D7 || cp == 0x00F7 ||
           (cp >= 0x2010 && cp <= 0x205E) || (cp >= 0x2E00 && cp <= 0x2E7F) ||
           (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F);
}

/* Lower case of Cyrillic and basic Greek capitals (ASCII is handled by the caller). */
static uint32_t translit_lower(uint32_t cp)
{
    if (cp >= 0x0410 && cp <= 0x042F)
        return cp + 0x20;
    if (cp >= 0x0400 && cp <= 0x040F)
        return cp + 0x50;
    if (cp >= 0x0391 && cp <= 0x03A9 && cp != 0x03A2)
        return cp + 0x20;
    /* Extended Cyrillic comes in (capital, small) pairs, the capital even... */
    if ((cp >= 0x0460 && cp <= 0x0481) || (cp >= 0x048A && cp <= 0x04BF) ||
        (cp >= 0x04D0 && cp <= 0x052F))
        return cp | 1;
    /* ...except U+04C1-U+04CE, where it is odd, and the palochka. */
    if (cp >= 0x04C1 && cp <= 0x04CE && (cp & 1))
        return cp + 1;
    if (cp == 0x04C0)
        return 0x04CF;
    return cp;
}

/* Writes the folded form of s[0..len) to out (room for len bytes); returns its length. */
static size_t translit_fold_into(const char *s, size_t len, char *out)
{
    size_t i = 0, n = 0;
    size_t last_at = 0;   /* where the last character written starts */
    uint32_t last = 0;    /* and what it is (0 after a space) */
    bool pending = false; /* a space is owed before the next character */

    while (i < len) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (k == 0) {
            i++;
            continue;
        }
        i += k;
        if (translit_is_space(cp)) {
            pending = n > 0;
            last = 0;
            continue;
        }
        if (translit_is_invisible(cp))
            continue;
        if (cp >= 0x0300 && cp <= 0x036F) {
            /* A combining breve makes и a й (same length in UTF-8); other marks go. */
            if (cp == 0x0306 && last == 0x0438) {
                utf8_encode(0x0439, out + last_at);
                last = 0x0439;
            }
            continue;
        }
        if (pending) {
            out[n++] = ' ';
            pending = false;
        }
        last_at = n;
        if (cp < 0x80) {
            out[n++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            last = (uint32_t)(unsigned char)out[n - 1];
            continue;
        }
        const char *base =
            translit_range_find(translit_latin_ranges, COUNT(translit_latin_ranges), cp);
        if (base != NULL) {
            size_t base_len = strlen(base);
            memcpy(out + n, base, base_len);
            n += base_len;
            last = (unsigned char)base[base_len - 1];
            continue;
        }
        cp = translit_lower(cp);
        if (cp == 0x0450 || cp == 0x0451)
            cp = 0x0435; /* ѐ, ё -> е */
        else if (cp == 0x045D)
            cp = 0x0438; /* ѝ -> и */
        n += utf8_encode(cp, out + n);
        last = cp;
    }
    return n;
}

char *translit_fold(struct arena *arena, const char *s)
{
    size_t len = strlen(s);
    char *out = arena_alloc(arena, len + 1);
    out[translit_fold_into(s, len, out)] = '\0';
    return out;
}

/* The Latin of a folded Cyrillic letter ("" for the hard and soft signs), NULL for others. */
static const char *translit_cyrillic(uint32_t cp)
{
    if (cp >= 0x0430 && cp <= 0x044F)
        return translit_russian[cp - 0x0430];
    return translit_range_find(translit_cyrillic_extra, COUNT(translit_cyrillic_extra), cp);
}

static bool translit_ascii_alnum(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
}

bool translit_is_word_char(uint32_t cp)
{
    if (cp < 0x80)
        return translit_ascii_alnum(cp) || (cp >= 'A' && cp <= 'Z');
    return !translit_is_space(cp) && !translit_is_invisible(cp) && !translit_is_apostrophe(cp) &&
           !translit_is_separator(cp);
}

char *translit_latin(struct arena *arena, const char *s)
{
    char small[TRANSLIT_STACK_BYTES];
    size_t len = strlen(s);
    char *folded = len < sizeof(small) ? small : arena_alloc(arena, len + 1);
    size_t folded_len = translit_fold_into(s, len, folded);
    char *out = arena_alloc(arena, 2 * folded_len + 1);
    size_t n = 0;
    bool pending = false;

    for (size_t i = 0; i < folded_len;) {
        uint32_t cp;
        size_t k = utf8_decode(folded + i, folded_len - i, &cp);
        const char *piece;
        if (k == 0) {
            i++;
            continue;
        }
        if (translit_is_apostrophe(cp)) {
            i += k;
            continue;
        }
        if ((cp < 0x80 && !translit_ascii_alnum(cp)) || translit_is_separator(cp)) {
            pending = n > 0;
            i += k;
            continue;
        }
        piece = translit_cyrillic(cp);
        if (piece != NULL && piece[0] == '\0') {
            i += k;
            continue;
        }
        if (pending) {
            out[n++] = ' ';
            pending = false;
        }
        if (piece != NULL) {
            size_t piece_len = strlen(piece);
            memcpy(out + n, piece, piece_len);
            n += piece_len;
        } else {
            memcpy(out + n, folded + i, k);
            n += k;
        }
        i += k;
    }
    out[n] = '\0';
    return out;
}

static bool translit_is_consonant(char c)
{
    return c >= 'a' && c <= 'z' && strchr("aeiouy", c) == NULL;
}

/* The rewrite of the Latin text at s (left bytes, at the start of or inside a word). */
static const char *translit_skeleton_rule(const char *s, size_t left, char prev, size_t *used)
{
    static const struct {
        const char *from;
        size_t from_len;
        const char *to;
    } rules[] = {
        {"shch", 4, "sch"}, {"tch", 3, "ch"}, {"cks", 3, "x"}, {"kh", 2, "h"}, {"ks", 2, "x"},
        {"ts", 2, "c"},     {"tz", 2, "c"},   {"ph", 2, "f"},  {"ck", 2, "k"}, {"ye", 2, "e"},
    };
    *used = 1;
    if (strchr("sckptyjfw", s[0]) == NULL)
        return NULL; /* most letters stay as they are */
    for (size_t r = 0; r < COUNT(rules); r++) {
        if (rules[r].from[0] == s[0] && rules[r].from_len <= left &&
            memcmp(s, rules[r].from, rules[r].from_len) == 0) {
            *used = rules[r].from_len;
            return rules[r].to;
        }
    }
    *used = 2;
    if ((s[0] == 'y' || s[0] == 'j') && left >= 2 && s[1] == 'o' && translit_is_consonant(prev))
        return "e";
    if (s[0] == 'f' && left >= 2 && s[1] == 'f' && (left == 2 || s[2] == ' '))
        return "v";
    *used = 1;
    if (s[0] == 'w')
        return "v";
    if (s[0] == 'y' || s[0] == 'j')
        return "i";
    return NULL;
}

char *translit_skeleton_of_latin(struct arena *arena, const char *latin)
{
    size_t len = strlen(latin);
    /* A rule may write more letters than it reads (x -> ks): room for three per byte. */
    char *out = arena_alloc(arena, 3 * len + 1);
    size_t n = 0, word_at = 0;
    char prev = 0; /* the previous letter of this word, as written */

    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)latin[i];
        if (c == ' ') {
            word_at = n;
            prev = 0;
            i++;
            continue;
        }
        if (c >= 0x80 || !(c >= 'a' && c <= 'z')) {
            /* Digits and letters of other scripts: copied whole, never merged. */
            do {
                out[n++] = latin[i++];
            } while (i < len && ((unsigned char)latin[i] & 0xC0) == 0x80);
            prev = 0;
            continue;
        }
        size_t used = 1;
        char one[2] = {(char)c, '\0'};
        const char *to = translit_skeleton_rule(latin + i, len - i, prev, &used);
        if (to == NULL) {
            to = one;
            used = 1;
        }
        for (; *to != '\0'; to++) {
            if (n > word_at && out[n - 1] == *to)
                continue; /* doubled letters collapse */
            out[n++] = *to;
        }
        prev = latin[i + used - 1];
        i += used;
    }
    out[n] = '\0';
    return out;
}

char *translit_skeleton(struct arena *arena, const char *s)
{
    return translit_skeleton_of_latin(arena, translit_latin(arena, s));
}
