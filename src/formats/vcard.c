/*
 * vCard 2.1 / 3.0 / 4.0 reader and vCard 4.0 writer.
 *
 * DESIGN: the reader walks the physical lines of the buffer and assembles
 * one logical line (a property) at a time in a capped scratch buffer,
 * joining folded lines, quoted-printable soft line breaks and the unindented
 * base64 lines some 2.1 writers emit. Copying stops as soon as a property
 * passes its cap (what is left of the card budget, or the photo budget for
 * the first PHOTO), so a 50 MB photo costs one scan of its lines, not 50 MB.
 * The logical line is split into group, name, params and value, decoded
 * (quoted-printable, charset, base64, data: URIs, backslash escapes) into
 * the caller's arena and stored in its field of struct vcard, or kept as an
 * extra. The first problem of a card becomes card->error and reading goes on
 * to END:VCARD, or up to the next BEGIN:VCARD when the END is missing.
 */
#include "formats/vcard.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "base/utf8.h"

#define MIB ((size_t)1024 * 1024)
#define PHOTO_SLACK_BYTES 65536 /* "data:image/jpeg;base64," and folding whitespace */
#define FOLD_OCTETS 75
#define HEADER_MAX_BYTES 8192 /* name and params folded over several lines */

struct vcard_reader {
    const char *data;
    size_t len;
    size_t pos;  /* start of the next physical line */
    size_t line; /* number of the physical line at pos, from 1 */
    bool cards_seen;
    struct vcard_limits limits;
    struct buf scratch; /* the logical line being assembled */
};

enum prop_encoding { ENC_NONE, ENC_QP, ENC_BASE64 };

/* One logical line split in place: slices point into the scratch buffer. */
struct prop {
    size_t line;
    struct str group;
    struct str name;
    struct str params; /* between the name and the ':', without the first ';' */
    struct str value;
    enum prop_encoding encoding;
    struct str charset;
    struct str value_type; /* VALUE=uri, VALUE=date, ... */
};

struct param {
    struct str name;
    struct str value;
    bool has_value;
};

/* A 2.1 / 3.0 LABEL waiting to be matched with its ADR when the card ends. */
struct pending_label {
    const char *text;
    const char *type;
    struct vcard_extra extra;
};

struct card_state {
    struct arena *arena;
    struct vcard *card;
    const struct vcard_limits *limits;
    size_t card_bytes_left;
    size_t n_props;
    bool have_n;
    bool have_org;
    bool photo_taken;
    size_t cap_emails, cap_phones, cap_urls, cap_addresses, cap_categories, cap_extras;
    struct pending_label *labels;
    size_t n_labels, cap_labels;
};

/* ---- Bytes and text --------------------------------------------------------------------- */

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool starts_nocase(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++) {
        if (ascii_lower(s[i]) != ascii_lower(lit[i]))
            return false;
    }
    return true;
}

/* The line is exactly `lit` (any case), maybe followed by blanks. */
static bool line_is(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (!starts_nocase(s, n, lit))
        return false;
    for (size_t i = k; i < n; i++) {
        if (!is_blank(s[i]))
            return false;
    }
    return true;
}

static bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static bool is_name(struct str s)
{
    if (s.len == 0)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        if (!is_name_char(s.ptr[i]))
            return false;
    }
    return true;
}

static int base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static bool is_space_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A line of base64 text only (what a 2.1 writer puts after a photo line without indenting). */
static bool is_base64_line(const char *s, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (is_blank(s[i]))
            continue;
        if (base64_value((unsigned char)s[i]) < 0 && s[i] != '=')
            return false;
        any = true;
    }
    return any;
}

static const char *size_text(struct arena *arena, size_t bytes)
{
    if (bytes % MIB == 0)
        return arena_printf(arena, "%zu MiB", bytes / MIB);
    if (bytes % 1024 == 0)
        return arena_printf(arena, "%zu KiB", bytes / 1024);
    return arena_printf(arena, "%zu bytes", bytes);
}

/* Trims blanks and line breaks in place; NULL when nothing is left. */
static const char *text_clean(char *s)
{
    if (s == NULL)
        return NULL;
    while (is_space_byte(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space_byte(s[n - 1]))
        n--;
    s[n] = '\0';
    return n == 0 ? NULL : s;
}

/* ---- Charsets ------------------------------------------------------------------------------ */

enum charset { CS_UTF8, CS_LATIN1, CS_CP1251, CS_CP1252, CS_KOI8R };

/* windows-1251 0x80..0xBF; 0xC0..0xFF are U+0410..U+044F in order. */
static const uint16_t cp1251_high[64] = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409,
    0x2039, 0x040A, 0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0,
    0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB,
    0x00AC, 0x00AD, 0x00AE, 0x0407, 0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6,
    0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
};

/* windows-1252 0x80..0x9F; the rest is ISO-8859-1. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/* KOI8-R 0x80..0xFF. */
static const uint16_t koi8r_high[128] = {
    0x2500, 0x2502, 0x250C, 0x2510, 0x2514, 0x2518, 0x251C, 0x2524, 0x252C, 0x2534, 0x253C, 0x2580,
    0x2584, 0x2588, 0x258C, 0x2590, 0x2591, 0x2592, 0x2593, 0x2320, 0x25A0, 0x2219, 0x221A, 0x2248,
    0x2264, 0x2265, 0x00A0, 0x2321, 0x00B0, 0x00B2, 0x00B7, 0x00F7, 0x2550, 0x2551, 0x2552, 0x0451,
    0x2553, 0x2554, 0x2555, 0x2556, 0x2557, 0x2558, 0x2559, 0x255A, 0x255B, 0x255C, 0x255D, 0x255E,
    0x255F, 0x2560, 0x2561, 0x0401, 0x2562, 0x2563, 0x2564, 0x2565, 0x2566, 0x2567, 0x2568, 0x2569,
    0x256A, 0x256B, 0x256C, 0x00A9, 0x044E, 0x0430, 0x0431, 0x0446, 0x0434, 0x0435, 0x0444, 0x0433,
    0x0445, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F, 0x044F, 0x0440, 0x0441,
    0x0442, 0x0443, 0x0436, 0x0432, 0x044C, 0x044B, 0x0437, 0x0448, 0x044D, 0x0449, 0x0447, 0x044A,
    0x042E, 0x0410, 0x0411, 0x0426, 0x0414, 0x0415, 0x0424, 0x0413, 0x0425, 0x0418, 0x0419, 0x041A,
    0x041B, 0x041C, 0x041D, 0x041E, 0x041F, 0x042F, 0x0420, 0x0421, 0x0422, 0x0423, 0x0416, 0x0412,
    0x042C, 0x042B, 0x0417, 0x0428, 0x042D, 0x0429, 0x0427, 0x042A,
};

static const struct charset_name {
    const char *name;
    enum charset charset;
} charset_names[] = {
    {"utf-8", CS_UTF8},    {"utf8", CS_UTF8},         {"us-ascii", CS_UTF8},
    {"ascii", CS_UTF8},    {"iso-8859-1", CS_LATIN1}, {"iso8859-1", CS_LATIN1},
    {"latin1", CS_LATIN1}, {"latin-1", CS_LATIN1},    {"windows-1251", CS_CP1251},
    {"cp1251", CS_CP1251}, {"win-1251", CS_CP1251},   {"windows-1252", CS_CP1252},
    {"cp1252", CS_CP1252}, {"koi8-r", CS_KOI8R},      {"koi8r", CS_KOI8R},
};

/* Unknown charsets are read as UTF-8 (bytes that are not UTF-8 are then replaced). */
static enum charset charset_from_name(struct str name)
{
    name = str_trim(name);
    if (name.len >= 2 && name.ptr[0] == '"' && name.ptr[name.len - 1] == '"') {
        name.ptr++;
        name.len -= 2;
    }
    for (size_t i = 0; i < sizeof(charset_names) / sizeof(charset_names[0]); i++) {
        if (str_eq_nocase(name, charset_names[i].name))
            return charset_names[i].charset;
    }
    return CS_UTF8;
}

static uint32_t charset_code_point(enum charset cs, unsigned char b)
{
    if (b < 0x80)
        return b;
    switch (cs) {
    case CS_CP1251:
        return b >= 0xC0 ? 0x0410u + (b - 0xC0u) : cp1251_high[b - 0x80];
    case CS_CP1252:
        return b < 0xA0 ? cp1252_high[b - 0x80] : b;
    case CS_KOI8R:
        return koi8r_high[b - 0x80];
    case CS_LATIN1:
    case CS_UTF8:
        break;
    }
    return b;
}

/*
 * The bytes as UTF-8 text in the arena: converted from the charset, bytes
 * that do not decode and NULs replaced by U+FFFD, CR LF and lone CR made LF.
 */
static char *text_to_utf8(struct arena *arena, const char *s, size_t n, enum charset cs,
                          size_t *len_out)
{
    char *out = arena_alloc(arena, n * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        uint32_t cp;
        size_t used = 1;
        if (b == '\r') {
            cp = '\n';
            if (i + 1 < n && s[i + 1] == '\n')
                used = 2;
        } else if (b == 0) {
            cp = 0xFFFD;
        } else if (b < 0x80) {
            cp = b;
        } else if (cs == CS_UTF8) {
            used = utf8_decode(s + i, n - i, &cp);
            if (used == 0) {
                cp = 0xFFFD;
                used = 1;
            }
        } else {
            cp = charset_code_point(cs, b);
        }
        o += utf8_encode(cp, out + o);
        i += used;
    }
    out[o] = '\0';
    if (len_out != NULL)
        *len_out = o;
    return out;
}

/* ---- Decoders ------------------------------------------------------------------------------ */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Quoted-printable: =XX becomes the byte; a lone '=' stays unless it ends the text. */
static size_t qp_decode(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '=') {
            out[o++] = s[i];
            continue;
        }
        if (i + 2 < n && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out[o++] = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else if (i + 1 < n) {
            out[o++] = '=';
        }
    }
    return o;
}

enum { B64_OK = 0, B64_INVALID = -1, B64_TOO_LARGE = -2 };

/*
 * Base64 with whitespace anywhere and padding optional (a stray extra '='
 * at the end is tolerated); nothing but padding after the first '='. The
 * size is checked before anything is decoded.
 */
static int base64_decode(struct arena *arena, const char *s, size_t n, size_t max_bytes,
                         uint8_t **out, size_t *len_out)
{
    size_t chars = 0;
    bool padding = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (is_space_byte(c))
            continue;
        if (c == '=') {
            padding = true;
        } else if (padding || base64_value((unsigned char)c) < 0) {
            return B64_INVALID;
        } else {
            chars++;
        }
    }
    if (chars % 4 == 1)
        return B64_INVALID;
    size_t bytes = chars / 4 * 3 + (chars % 4 == 0 ? 0 : chars % 4 - 1);
    if (bytes > max_bytes)
        return B64_TOO_LARGE;
    uint8_t *p = arena_alloc(arena, bytes + 1);
    uint32_t acc = 0;
    size_t got = 0, o = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        int v = base64_value((unsigned char)s[i]);
        if (v < 0)
            continue;
        acc = acc << 6 | (uint32_t)v;
        if (++got == 4) {
            p[o++] = (uint8_t)(acc >> 16);
            p[o++] = (uint8_t)(acc >> 8);
            p[o++] = (uint8_t)acc;
            acc = 0;
            got = 0;
        }
    }
    if (got == 2) {
        p[o++] = (uint8_t)(acc >> 4);
    } else if (got == 3) {
        p[o++] = (uint8_t)(acc >> 10);
        p[o++] = (uint8_t)(acc >> 2);
    }
    *out = p;
    *len_out = o;
    return B64_OK;
}

/* Percent-decoding of a data: URI that is not base64. */
static size_t percent_decode(const char *s, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out[o++] = (uint8_t)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out[o++] = (uint8_t)s[i];
        }
    }
    return o;
}

/* What a backslash escape stands for in a text value, or 0 when the pair stays as it is. */
static char unescape_char(char c)
{
    switch (c) {
    case 'n':
    case 'N':
        return '\n';
    case ',':
    case ';':
    case ':':
    case '"': /* not in the RFCs, but Google and Apple write \" */
    case '\\':
        return c;
    default:
        return 0;
    }
}

/* Unescapes s[0, n) into out (room for n + 1). */
static size_t text_unescape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char u = s[i] == '\\' && i + 1 < n ? unescape_char(s[i + 1]) : 0;
        if (u != 0) {
            out[o++] = u;
            i++;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return o;
}

/*
 * Splits text at the separators that are not escaped and unescapes each
 * part; with max_parts, the last part takes the rest, separators included.
 * Returns the number of parts (at least 1).
 */
static size_t text_split(struct arena *arena, const char *s, char sep, size_t max_parts,
                         char ***parts_out)
{
    size_t n = strlen(s), count = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == sep)
            count++;
    }
    if (max_parts != 0 && count > max_parts)
        count = max_parts;
    char **parts = arena_alloc_array(arena, count, sizeof(*parts));
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] == '\\') {
            i++;
            continue;
        }
        if (i == n || (s[i] == sep && k + 1 < count)) {
            parts[k] = arena_alloc(arena, i - start + 1);
            text_unescape(s + start, i - start, parts[k]);
            k++;
            start = i + 1;
        }
    }
    *parts_out = parts;
    return count;
}

/* ---- Params -------------------------------------------------------------------------------- */

/* Takes the next ';'-separated param from *rest (quoted values may hold ';'). */
static bool param_next(struct str *rest, struct param *p)
{
    while (rest->len > 0) {
        size_t i = 0;
        bool quoted = false;
        while (i < rest->len && (quoted || rest->ptr[i] != ';')) {
            if (rest->ptr[i] == '"')
                quoted = !quoted;
            i++;
        }
        struct str token = str_trim((struct str){rest->ptr, i});
        rest->ptr += i < rest->len ? i + 1 : i;
        rest->len -= i < rest->len ? i + 1 : i;
        if (token.len == 0)
            continue;
        const char *eq = memchr(token.ptr, '=', token.len);
        if (eq == NULL) {
            *p = (struct param){token, {token.ptr + token.len, 0}, false};
        } else {
            size_t k = (size_t)(eq - token.ptr);
            p->name = str_trim((struct str){token.ptr, k});
            p->value = str_trim((struct str){eq + 1, token.len - k - 1});
            p->has_value = true;
        }
        return true;
    }
    return false;
}

/* A param value without its quotes and with RFC 6868 ^n ^^ ^' decoded, into out (n + 1). */
static size_t param_decode(struct str v, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < v.len; i++) {
        char c = v.ptr[i];
        if (c == '"')
            continue;
        if (c == '^' && i + 1 < v.len) {
            char d = v.ptr[i + 1];
            if (d == 'n' || d == 'N' || d == '^' || d == '\'') {
                out[o++] = d == '^' ? '^' : d == '\'' ? '"' : '\n';
                i++;
                continue;
            }
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return o;
}

/* A param value as UTF-8 text (params are not charset-converted). */
static char *param_string(struct arena *arena, struct str v)
{
    char *out = arena_alloc(arena, v.len + 1);
    size_t n = param_decode(v, out);
    return text_to_utf8(arena, out, n, CS_UTF8, NULL);
}

static bool is_encoding_token(struct str t)
{
    return str_eq_nocase(t, "QUOTED-PRINTABLE") || str_eq_nocase(t, "BASE64") ||
           str_eq_nocase(t, "8BIT") || str_eq_nocase(t, "7BIT");
}

/* Adds one type to the ','-joined list unless it is empty or already there. */
static void type_list_add(char *list, size_t *len, const char *t, size_t n)
{
    while (n > 0 && is_space_byte(*t)) {
        t++;
        n--;
    }
    while (n > 0 && is_space_byte(t[n - 1]))
        n--;
    if (n == 0)
        return;
    for (size_t i = 0; i < *len;) {
        size_t e = i;
        while (e < *len && list[e] != ',')
            e++;
        if (e - i == n) {
            size_t k = 0;
            while (k < n && list[i + k] == ascii_lower(t[k]))
                k++;
            if (k == n)
                return;
        }
        i = e + 1;
    }
    if (*len > 0)
        list[(*len)++] = ',';
    for (size_t k = 0; k < n; k++)
        list[(*len)++] = ascii_lower(t[k]);
    list[*len] = '\0';
}

/* Adds each ','-separated value of v; "pref" sets *pref instead. */
static void type_list_add_values(char *list, size_t *len, const char *v, bool *pref)
{
    while (*v != '\0') {
        const char *comma = strchr(v, ',');
        size_t n = comma != NULL ? (size_t)(comma - v) : strlen(v);
        struct str t = str_trim((struct str){v, n});
        if (str_eq_nocase(t, "pref"))
            *pref = true;
        else
            type_list_add(list, len, t.ptr, t.len);
        v += comma != NULL ? n + 1 : n;
    }
}

/* TYPE=a,b, repeated TYPE, 2.1 bare params and PREF of a property. */
static void prop_types(struct arena *arena, const struct prop *p, const char **type_out,
                       bool *pref_out)
{
    char *list = arena_alloc(arena, p->params.len + 2);
    char *tmp = arena_alloc(arena, p->params.len + 1);
    size_t len = 0;
    bool pref = false;
    struct str rest = p->params;
    struct param prm;
    while (param_next(&rest, &prm)) {
        if (!prm.has_value) {
            if (!is_encoding_token(prm.name)) {
                param_decode(prm.name, tmp);
                type_list_add_values(list, &len, tmp, &pref);
            }
        } else if (str_eq_nocase(prm.name, "TYPE")) {
            param_decode(prm.value, tmp);
            type_list_add_values(list, &len, tmp, &pref);
        } else if (str_eq_nocase(prm.name, "PREF")) {
            param_decode(prm.value, tmp);
            struct str v = str_trim(str_from_cstr(tmp));
            if (str_eq_cstr(v, "1"))
                pref = true;
        }
    }
    *type_out = len > 0 ? text_to_utf8(arena, list, len, CS_UTF8, NULL) : NULL;
    *pref_out = pref;
}

/* type/subtype in token characters (RFC 6838), at most 127 bytes. */
static bool media_type_ok(const char *s, size_t n)
{
    static const char extra[] = "!#$&^_.+-";
    size_t slashes = 0;
    if (n == 0 || n > 127 || s[0] == '/' || s[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  (c != '\0' && strchr(extra, c) != NULL);
        if (c == '/')
            slashes++;
        else if (!ok)
            return false;
    }
    return slashes == 1;
}

/* A media type made lowercase, or NULL when it is not one. */
static const char *media_type_clean(struct arena *arena, const char *s, size_t n)
{
    if (!media_type_ok(s, n))
        return NULL;
    char *out = arena_strndup(arena, s, n);
    for (size_t i = 0; i < n; i++)
        out[i] = ascii_lower(out[i]);
    return out;
}

static const struct image_type {
    const char *token;
    const char *media_type;
} image_types[] = {
    {"JPEG", "image/jpeg"}, {"JPG", "image/jpeg"},  {"PJPEG", "image/jpeg"},
    {"PNG", "image/png"},   {"GIF", "image/gif"},   {"BMP", "image/bmp"},
    {"TIFF", "image/tiff"}, {"WEBP", "image/webp"}, {"HEIC", "image/heic"},
};

static const char *media_type_from_token(struct arena *arena, const char *t)
{
    struct str s = str_trim(str_from_cstr(t));
    if (memchr(s.ptr, '/', s.len) != NULL)
        return media_type_clean(arena, s.ptr, s.len);
    for (size_t i = 0; i < sizeof(image_types) / sizeof(image_types[0]); i++) {
        if (str_eq_nocase(s, image_types[i].token))
            return image_types[i].media_type;
    }
    return NULL;
}

/* The photo's declared type: MEDIATYPE (4.0), TYPE=JPEG (3.0) or a bare JPEG (2.1). */
static const char *prop_media_type(struct arena *arena, const struct prop *p)
{
    struct str rest = p->params;
    struct param prm;
    char *tmp = arena_alloc(arena, p->params.len + 1);
    while (param_next(&rest, &prm)) {
        const char *found = NULL;
        if (!prm.has_value) {
            param_decode(prm.name, tmp);
            found = media_type_from_token(arena, tmp);
        } else if (str_eq_nocase(prm.name, "MEDIATYPE") || str_eq_nocase(prm.name, "TYPE") ||
                   str_eq_nocase(prm.name, "FMTTYPE")) {
            param_decode(prm.value, tmp);
            found = media_type_from_token(arena, tmp);
        }
        if (found != NULL)
            return found;
    }
    return NULL;
}

static const char *media_type_sniff(const uint8_t *p, size_t n)
{
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (n >= 4 && memcmp(p, "GIF8", 4) == 0)
        return "image/gif";
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return "image/webp";
    if (n >= 4 && (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0))
        return "image/tiff";
    if (n >= 2 && p[0] == 'B' && p[1] == 'M')
        return "image/bmp";
    return "application/octet-stream";
}

/* ---- Dates --------------------------------------------------------------------------------- */

static bool take_digits(const char **s, int count, int *out)
{
    int v = 0;
    for (int i = 0; i < count; i++) {
        char c = (*s)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *s += count;
    *out = v;
    return true;
}

static bool date_valid(int year, int month, int day)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > days[month - 1])
        return false;
    if (year >= 0 && month == 2 && day == 29)
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return true;
}

/*
 * "1996-04-15" from 19960415, 1996-04-15, 1996-04-15T00:00:00Z, or
 * "--04-15" from --0415 and --04-15; a year equal to omit_year (Apple's
 * X-APPLE-OMIT-YEAR) is dropped. NULL for anything else (kept as an extra).
 */
static const char *date_normalize(struct arena *arena, const char *s, int omit_year)
{
    int year = -1, month, day;
    if (s == NULL)
        return NULL;
    if (s[0] == '-' && s[1] == '-') {
        s += 2;
    } else {
        if (!take_digits(&s, 4, &year))
            return NULL;
        if (*s == '-')
            s++;
    }
    if (!take_digits(&s, 2, &month))
        return NULL;
    if (*s == '-')
        s++;
    if (!take_digits(&s, 2, &day))
        return NULL;
    if (*s != '\0' && *s != 'T' && *s != 't')
        return NULL;
    if (year == omit_year)
        year = -1;
    if (!date_valid(year, month, day))
        return NULL;
    if (year < 0)
        return arena_printf(arena, "--%02d-%02d", month, day);
    return arena_printf(arena, "%04d-%02d-%02d", year, month, day);
}

/* ---- Physical and logical lines ------------------------------------------------------------ */

/* The physical line at pos is [pos, *end); the next one starts at *next (CR LF, LF, CR CR LF, CR).
 */
static void line_at(const struct vcard_reader *r, size_t pos, size_t *end, size_t *next)
{
    size_t i = pos;
    while (i < r->len && r->data[i] != '\n' && r->data[i] != '\r')
        i++;
    *end = i;
    while (i < r->len && r->data[i] == '\r')
        i++;
    if (i < r->len && r->data[i] == '\n')
        i++;
    *next = i;
}

static void reader_advance(struct vcard_reader *r)
{
    size_t end, next;
    line_at(r, r->pos, &end, &next);
    r->pos = next;
    r->line++;
}

static bool line_is_begin(const struct vcard_reader *r, size_t pos)
{
    size_t end, next;
    line_at(r, pos, &end, &next);
    return line_is(r->data + pos, end - pos, "BEGIN:VCARD");
}

/* Offset of the ':' after name and params (quotes inside params respected), or n. */
static size_t header_end(const char *s, size_t n)
{
    bool quoted = false, in_params = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"' && in_params)
            quoted = !quoted;
        else if (!quoted && c == ';')
            in_params = true;
        else if (!quoted && c == ':')
            return i;
    }
    return n;
}

/* Splits "group.name;params:value"; false when there is no ':'. */
static bool prop_split(const char *s, size_t n, struct prop *p)
{
    size_t colon = header_end(s, n);
    if (colon == n)
        return false;
    size_t i = 0;
    while (i < colon && s[i] != ';')
        i++;
    struct str head = {s, i};
    p->params = i < colon ? (struct str){s + i + 1, colon - i - 1} : (struct str){s + colon, 0};
    p->value = (struct str){s + colon + 1, n - colon - 1};
    const char *dot = memchr(head.ptr, '.', head.len);
    if (dot != NULL) {
        p->group = (struct str){head.ptr, (size_t)(dot - head.ptr)};
        p->name = (struct str){dot + 1, head.len - p->group.len - 1};
    } else {
        p->group = (struct str){head.ptr, 0};
        p->name = head;
    }
    p->encoding = ENC_NONE;
    p->charset = (struct str){s, 0};
    p->value_type = (struct str){s, 0};
    struct str rest = p->params;
    struct param prm;
    while (param_next(&rest, &prm)) {
        struct str v = prm.value;
        if (v.len >= 2 && v.ptr[0] == '"' && v.ptr[v.len - 1] == '"')
            v = (struct str){v.ptr + 1, v.len - 2};
        if (!prm.has_value) {
            if (str_eq_nocase(prm.name, "QUOTED-PRINTABLE"))
                p->encoding = ENC_QP;
            else if (str_eq_nocase(prm.name, "BASE64"))
                p->encoding = ENC_BASE64;
        } else if (str_eq_nocase(prm.name, "ENCODING")) {
            if (str_eq_nocase(v, "QUOTED-PRINTABLE"))
                p->encoding = ENC_QP;
            else if (str_eq_nocase(v, "B") || str_eq_nocase(v, "BASE64"))
                p->encoding = ENC_BASE64;
        } else if (str_eq_nocase(prm.name, "CHARSET")) {
            p->charset = v;
        } else if (str_eq_nocase(prm.name, "VALUE")) {
            p->value_type = v;
        }
    }
    return true;
}

/* How one logical line was assembled. */
struct assembly {
    size_t line;
    size_t cap;
    bool overflow;
    bool header_known;
    bool main_photo;
    enum prop_encoding encoding;
};

static void assembly_append(struct vcard_reader *r, struct assembly *as, const char *s, size_t n)
{
    if (as->overflow)
        return;
    if (n > as->cap - r->scratch.len || buf_append(&r->scratch, s, n) < 0)
        as->overflow = true;
}

/* Looks for the header in text; once found, the encoding and the cap are known. */
static void assembly_header(struct assembly *as, const char *s, size_t n, bool photo_taken,
                            size_t photo_cap)
{
    struct prop p;
    if (as->header_known || !prop_split(s, n, &p))
        return;
    as->header_known = true;
    as->encoding = p.encoding;
    as->main_photo = str_eq_nocase(p.name, "PHOTO") && !photo_taken;
    if (as->main_photo)
        as->cap = photo_cap;
}

/*
 * Assembles the property that starts at the reader's position into the
 * scratch buffer and moves past it: folded lines (CRLF + blank), QP soft
 * line breaks ("=" at the end) and bare base64 lines after an encoded value.
 */
static void reader_assemble(struct vcard_reader *r, struct card_state *st, struct assembly *as)
{
    size_t photo_cap =
        r->limits.max_photo_bytes / 3 * 4 + r->limits.max_photo_bytes / 16 + PHOTO_SLACK_BYTES;
    size_t end, next;
    *as = (struct assembly){.line = r->line, .cap = st->card_bytes_left, .encoding = ENC_NONE};
    buf_reset(&r->scratch);
    line_at(r, r->pos, &end, &next);
    const char *s = r->data + r->pos;
    size_t n = end - r->pos;
    assembly_header(as, s, n, st->photo_taken, photo_cap);
    assembly_append(r, as, s, n);
    bool soft_break = n > 0 && s[n - 1] == '=';
    r->pos = next;
    r->line++;
    while (r->pos < r->len) {
        line_at(r, r->pos, &end, &next);
        s = r->data + r->pos;
        n = end - r->pos;
        if (as->encoding == ENC_QP && soft_break && !line_is(s, n, "END:VCARD") &&
            !line_is(s, n, "BEGIN:VCARD")) {
            if (!as->overflow && r->scratch.len > 0)
                r->scratch.data[--r->scratch.len] = '\0';
            assembly_append(r, as, s, n);
        } else if (n > 0 && is_blank(s[0])) {
            assembly_append(r, as, s + 1, n - 1);
        } else if (as->encoding == ENC_BASE64 && is_base64_line(s, n)) {
            assembly_append(r, as, s, n);
        } else {
            break;
        }
        soft_break = n > 0 && s[n - 1] == '=';
        r->pos = next;
        r->line++;
        /* A header folded over lines is looked for in the first bytes only (no rescans). */
        if (!as->header_known && !as->overflow && r->scratch.len <= HEADER_MAX_BYTES &&
            memchr(s, ':', n) != NULL)
            assembly_header(as, r->scratch.data, r->scratch.len, st->photo_taken, photo_cap);
    }
}

/* ---- Building the card --------------------------------------------------------------------- */

static void card_fail(struct card_state *st, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void card_fail(struct card_state *st, size_t line, const char *fmt, ...)
{
    if (st->card->error != NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(st->arena, fmt, ap);
    va_end(ap);
    st->card->error = arena_printf(st->arena, "line %zu: %s", line, msg);
}

/* Room for one more item in an arena array. */
static void *array_grow(struct arena *arena, void *items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return items;
    size_t new_cap = *cap == 0 ? 4 : *cap * 2;
    items = arena_grow(arena, items, *cap * size, new_cap * size);
    *cap = new_cap;
    return items;
}

/* The value as UTF-8 text, quoted-printable and charset decoded, escapes still in. */
static char *prop_text(struct card_state *st, const struct prop *p, size_t *len_out)
{
    const char *s = p->value.ptr;
    size_t n = p->value.len;
    if (p->encoding == ENC_QP) {
        char *raw = arena_alloc(st->arena, n + 1);
        n = qp_decode(s, n, raw);
        s = raw;
    }
    return text_to_utf8(st->arena, s, n, charset_from_name(p->charset), len_out);
}

/* The value as plain text: decoded and unescaped. */
static char *prop_plain(struct card_state *st, const struct prop *p)
{
    size_t n;
    char *text = prop_text(st, p, &n);
    text_unescape(text, n, text);
    return text;
}

/* Params without the ENCODING=QUOTED-PRINTABLE and CHARSET that decoding applied. */
static const char *prop_params_after_decoding(struct card_state *st, const struct prop *p)
{
    char *out = arena_alloc(st->arena, p->params.len + 1);
    size_t o = 0;
    struct str rest = p->params;
    struct param prm;
    while (param_next(&rest, &prm)) {
        bool applied =
            str_eq_nocase(prm.name, "CHARSET") ||
            (!prm.has_value && str_eq_nocase(prm.name, "QUOTED-PRINTABLE")) ||
            (prm.has_value && str_eq_nocase(prm.name, "ENCODING") && p->encoding == ENC_QP);
        if (applied)
            continue;
        size_t from = (size_t)(prm.name.ptr - p->params.ptr);
        size_t to = prm.has_value ? (size_t)(prm.value.ptr + prm.value.len - p->params.ptr)
                                  : from + prm.name.len;
        if (o > 0)
            out[o++] = ';';
        memcpy(out + o, p->params.ptr + from, to - from);
        o += to - from;
    }
    out[o] = '\0';
    return text_to_utf8(st->arena, out, o, CS_UTF8, NULL);
}

static struct vcard_extra prop_extra(struct card_state *st, const struct prop *p)
{
    struct vcard_extra x = {0};
    if (p->group.len > 0)
        x.group = arena_strndup(st->arena, p->group.ptr, p->group.len);
    x.name = arena_strndup(st->arena, p->name.ptr, p->name.len);
    if (p->encoding == ENC_BASE64) {
        char *v = arena_alloc(st->arena, p->value.len + 1);
        size_t o = 0;
        for (size_t i = 0; i < p->value.len; i++) {
            if (!is_space_byte(p->value.ptr[i]))
                v[o++] = p->value.ptr[i];
        }
        x.value = text_to_utf8(st->arena, v, o, CS_UTF8, NULL);
    } else {
        size_t n;
        char *text = prop_text(st, p, &n);
        size_t lines = 0;
        for (size_t i = 0; i < n; i++)
            lines += text[i] == '\n';
        char *v = arena_alloc(st->arena, n + lines + 1);
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            if (text[i] == '\n') {
                v[o++] = '\\';
                v[o++] = 'n';
            } else {
                v[o++] = text[i];
            }
        }
        v[o] = '\0';
        x.value = v;
    }
    bool decoded = p->encoding == ENC_QP || p->charset.len > 0;
    if (decoded)
        x.params = prop_params_after_decoding(st, p);
    else if (p->params.len > 0)
        x.params = text_to_utf8(st->arena, p->params.ptr, p->params.len, CS_UTF8, NULL);
    if (x.params != NULL && x.params[0] == '\0')
        x.params = NULL;
    return x;
}

static void card_push_extra(struct card_state *st, struct vcard_extra x)
{
    struct vcard *c = st->card;
    c->extras = array_grow(st->arena, c->extras, c->n_extras, &st->cap_extras, sizeof(x));
    c->extras[c->n_extras++] = x;
}

static void card_add_extra(struct card_state *st, const struct prop *p)
{
    card_push_extra(st, prop_extra(st, p));
}

static const char *group_string(struct card_state *st, const struct prop *p)
{
    return p->group.len > 0 ? arena_strndup(st->arena, p->group.ptr, p->group.len) : NULL;
}

static void card_add_value(struct card_state *st, const struct prop *p, struct vcard_value **items,
                           size_t *n, size_t *cap)
{
    const char *v = text_clean(prop_plain(st, p));
    if (v == NULL)
        return;
    *items = array_grow(st->arena, *items, *n, cap, sizeof(**items));
    struct vcard_value *item = &(*items)[(*n)++];
    item->group = group_string(st, p);
    item->value = v;
    prop_types(st->arena, p, &item->type, &item->pref);
}

static void card_add_address(struct card_state *st, const struct prop *p)
{
    char **parts;
    size_t n = text_split(st->arena, prop_text(st, p, NULL), ';', 7, &parts);
    const char *f[7] = {NULL};
    for (size_t i = 0; i < n; i++)
        f[i] = text_clean(parts[i]);
    struct vcard_address a = {
        .po_box = f[0],
        .extended = f[1],
        .street = f[2],
        .locality = f[3],
        .region = f[4],
        .postal_code = f[5],
        .country = f[6],
    };
    struct str rest = p->params;
    struct param prm;
    while (param_next(&rest, &prm)) {
        if (prm.has_value && str_eq_nocase(prm.name, "LABEL")) {
            char *label = param_string(st->arena, prm.value);
            text_unescape(label, strlen(label), label);
            a.label = text_clean(label);
        }
    }
    bool any = a.label != NULL;
    for (size_t i = 0; i < 7; i++)
        any = any || f[i] != NULL;
    if (!any)
        return;
    a.group = group_string(st, p);
    prop_types(st->arena, p, &a.type, &a.pref);
    struct vcard *c = st->card;
    c->addresses =
        array_grow(st->arena, c->addresses, c->n_addresses, &st->cap_addresses, sizeof(a));
    c->addresses[c->n_addresses++] = a;
}

static void card_set_name(struct card_state *st, const struct prop *p)
{
    char **parts;
    size_t n = text_split(st->arena, prop_text(st, p, NULL), ';', 5, &parts);
    const char *f[5] = {NULL};
    for (size_t i = 0; i < n; i++)
        f[i] = text_clean(parts[i]);
    st->card->n = (struct vcard_name){f[0], f[1], f[2], f[3], f[4]};
    st->have_n = true;
}

static void card_set_org(struct card_state *st, const struct prop *p)
{
    char **parts;
    size_t n = text_split(st->arena, prop_text(st, p, NULL), ';', 2, &parts);
    st->card->org = text_clean(parts[0]);
    st->card->org_unit = n > 1 ? text_clean(parts[1]) : NULL;
    st->have_org = true;
}

static void card_add_categories(struct card_state *st, const struct prop *p)
{
    char **parts;
    size_t n = text_split(st->arena, prop_text(st, p, NULL), ',', 0, &parts);
    struct vcard *c = st->card;
    for (size_t i = 0; i < n; i++) {
        const char *v = text_clean(parts[i]);
        if (v == NULL)
            continue;
        c->categories = array_grow(st->arena, c->categories, c->n_categories, &st->cap_categories,
                                   sizeof(*c->categories));
        c->categories[c->n_categories++] = v;
    }
}

static int prop_omit_year(struct card_state *st, const struct prop *p)
{
    struct str rest = p->params;
    struct param prm;
    while (param_next(&rest, &prm)) {
        if (prm.has_value && str_eq_nocase(prm.name, "X-APPLE-OMIT-YEAR")) {
            int64_t y;
            if (str_to_int64(str_trim(str_from_cstr(param_string(st->arena, prm.value))), &y) ==
                    0 &&
                y >= 0 && y <= 9999)
                return (int)y;
        }
    }
    return -2;
}

static void card_set_date(struct card_state *st, const struct prop *p, const char **field)
{
    const char *date = NULL;
    if (*field == NULL)
        date = date_normalize(st->arena, text_clean(prop_plain(st, p)), prop_omit_year(st, p));
    if (date != NULL)
        *field = date;
    else
        card_add_extra(st, p);
}

static void card_set_photo_bytes(struct card_state *st, const struct prop *p, const char *s,
                                 size_t n, bool base64, const char *media_type)
{
    struct vcard *c = st->card;
    size_t max = st->limits->max_photo_bytes;
    uint8_t *bytes = NULL;
    size_t len = 0;
    /* The first photo that gives bytes or a problem is the card's; an empty one is not. */
    st->photo_taken = true;
    if (base64) {
        int rc = base64_decode(st->arena, s, n, max, &bytes, &len);
        if (rc == B64_TOO_LARGE) {
            card_fail(st, p->line, "the photo is larger than %s", size_text(st->arena, max));
            return;
        }
        if (rc != B64_OK) {
            card_fail(st, p->line, "the photo is not valid base64");
            return;
        }
    } else {
        bytes = arena_alloc(st->arena, n + 1);
        len = percent_decode(s, n, bytes);
        if (len > max) {
            card_fail(st, p->line, "the photo is larger than %s", size_text(st->arena, max));
            return;
        }
    }
    if (len == 0) {
        st->photo_taken = false;
        return;
    }
    c->photo = bytes;
    c->photo_len = len;
    c->photo_media_type = media_type != NULL ? media_type : media_type_sniff(bytes, len);
}

/* data:[<media type>][;base64],<data> */
static void card_set_photo_data_uri(struct card_state *st, const struct prop *p, const char *s,
                                    size_t n)
{
    const char *comma = memchr(s, ',', n);
    if (comma == NULL) {
        st->photo_taken = true;
        card_fail(st, p->line, "the photo is a data: URI without ','");
        return;
    }
    struct str head = {s + 5, (size_t)(comma - s) - 5};
    const char *media_type = NULL;
    bool base64 = false;
    struct str part, rest = head;
    bool more = true;
    while (more) {
        more = str_split(rest, ';', &part, &rest);
        part = str_trim(part);
        if (str_eq_nocase(part, "base64"))
            base64 = true;
        else if (media_type == NULL && memchr(part.ptr, '/', part.len) != NULL)
            media_type = media_type_clean(st->arena, part.ptr, part.len);
    }
    const char *data = comma + 1;
    card_set_photo_bytes(st, p, data, n - (size_t)(data - s), base64, media_type);
}

static bool looks_like_uri(const char *s)
{
    const char *colon = strchr(s, ':');
    if (colon == NULL || colon == s)
        return false;
    for (const char *q = s; q < colon; q++) {
        if (!is_name_char(*q) && *q != '+' && *q != '.')
            return false;
    }
    return true;
}

static void card_set_photo(struct card_state *st, const struct prop *p)
{
    struct vcard *c = st->card;
    if (st->photo_taken) {
        card_add_extra(st, p);
        return;
    }
    const char *media_type = prop_media_type(st->arena, p);
    if (p->encoding == ENC_BASE64) {
        card_set_photo_bytes(st, p, p->value.ptr, p->value.len, true, media_type);
        return;
    }
    struct str raw = str_trim(p->value);
    if (raw.len == 0)
        return;
    if (p->encoding == ENC_NONE && starts_nocase(raw.ptr, raw.len, "data:")) {
        /* Decoded from the line itself: a photo is too big for another copy as text. */
        card_set_photo_data_uri(st, p, raw.ptr, raw.len);
        return;
    }
    char *v = (char *)text_clean(prop_text(st, p, NULL));
    if (v == NULL)
        return;
    bool uri = str_eq_nocase(p->value_type, "uri") || str_eq_nocase(p->value_type, "url") ||
               looks_like_uri(v);
    if (uri) {
        text_unescape(v, strlen(v), v);
        c->photo_uri = text_clean(v);
        c->photo_media_type = c->photo_uri != NULL ? media_type : NULL;
        st->photo_taken = c->photo_uri != NULL;
    } else if (is_base64_line(v, strlen(v))) {
        card_set_photo_bytes(st, p, v, strlen(v), true, media_type);
    } else {
        card_add_extra(st, p);
    }
}

/* GEO: 4.0 "geo:lat,lon" as it is; 3.0 "lat;lon" becomes "geo:lat,lon". */
static const char *geo_value(struct card_state *st, const struct prop *p)
{
    char *v = (char *)text_clean(prop_text(st, p, NULL));
    if (v == NULL || starts_nocase(v, strlen(v), "geo:"))
        return v;
    char *semi = strchr(v, ';');
    if (semi == NULL)
        return v;
    *semi = '\0';
    const char *lat = text_clean(v), *lon = text_clean(semi + 1);
    if (lat == NULL || lon == NULL)
        return NULL;
    return arena_printf(st->arena, "geo:%s,%s", lat, lon);
}

/* The single-valued text properties: the first one fills the field, repeats are extras. */
static const struct text_field {
    const char *name;
    size_t offset;
    bool keep_spaces;
} text_fields[] = {
    {"FN", offsetof(struct vcard, fn), false},
    {"UID", offsetof(struct vcard, uid), false},
    {"NICKNAME", offsetof(struct vcard, nickname), false},
    {"TITLE", offsetof(struct vcard, title), false},
    {"ROLE", offsetof(struct vcard, role), false},
    {"NOTE", offsetof(struct vcard, note), true},
    {"TZ", offsetof(struct vcard, tz), false},
    {"LANG", offsetof(struct vcard, lang), false},
};

static bool card_set_text(struct card_state *st, const struct prop *p)
{
    for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++) {
        const struct text_field *f = &text_fields[i];
        if (!str_eq_nocase(p->name, f->name))
            continue;
        const char **field = (const char **)(void *)((char *)st->card + f->offset);
        if (*field != NULL) {
            card_add_extra(st, p);
            return true;
        }
        char *v = prop_plain(st, p);
        *field = f->keep_spaces ? (v[0] != '\0' ? v : NULL) : text_clean(v);
        return true;
    }
    return false;
}

static void card_add_label(struct card_state *st, const struct prop *p)
{
    const char *text = text_clean(prop_plain(st, p));
    if (text == NULL)
        return;
    struct pending_label l = {.text = text, .extra = prop_extra(st, p)};
    bool pref;
    prop_types(st->arena, p, &l.type, &pref);
    st->labels = array_grow(st->arena, st->labels, st->n_labels, &st->cap_labels, sizeof(l));
    st->labels[st->n_labels++] = l;
}

/* Stores one property in its field or among the extras. */
static void card_take(struct card_state *st, const struct prop *p)
{
    struct vcard *c = st->card;
    struct str name = p->name;
    if (card_set_text(st, p))
        return;
    if (str_eq_nocase(name, "VERSION")) {
        if (c->version == NULL)
            c->version = text_clean(prop_plain(st, p));
    } else if (str_eq_nocase(name, "PRODID")) {
        /* The writer is the producer of what it writes. */
    } else if (str_eq_nocase(name, "N")) {
        if (st->have_n)
            card_add_extra(st, p);
        else
            card_set_name(st, p);
    } else if (str_eq_nocase(name, "ORG")) {
        if (st->have_org)
            card_add_extra(st, p);
        else
            card_set_org(st, p);
    } else if (str_eq_nocase(name, "EMAIL")) {
        card_add_value(st, p, &c->emails, &c->n_emails, &st->cap_emails);
    } else if (str_eq_nocase(name, "TEL")) {
        card_add_value(st, p, &c->phones, &c->n_phones, &st->cap_phones);
    } else if (str_eq_nocase(name, "URL")) {
        card_add_value(st, p, &c->urls, &c->n_urls, &st->cap_urls);
    } else if (str_eq_nocase(name, "ADR")) {
        card_add_address(st, p);
    } else if (str_eq_nocase(name, "LABEL")) {
        card_add_label(st, p);
    } else if (str_eq_nocase(name, "BDAY")) {
        card_set_date(st, p, &c->bday);
    } else if (str_eq_nocase(name, "ANNIVERSARY")) {
        card_set_date(st, p, &c->anniversary);
    } else if (str_eq_nocase(name, "CATEGORIES")) {
        card_add_categories(st, p);
    } else if (str_eq_nocase(name, "PHOTO")) {
        card_set_photo(st, p);
    } else if (str_eq_nocase(name, "GENDER") && c->gender == NULL) {
        c->gender = text_clean(prop_text(st, p, NULL));
    } else if (str_eq_nocase(name, "GEO") && c->geo == NULL) {
        c->geo = geo_value(st, p);
    } else if ((str_eq_nocase(name, "BEGIN") || str_eq_nocase(name, "END")) &&
               str_eq_nocase(str_trim(p->value), "VCARD")) {
        /* A BEGIN:VCARD hidden by folding or params: not a property. */
    } else {
        card_add_extra(st, p);
    }
}

/* "home" or "work", the part of a type that pairs a 2.1 / 3.0 LABEL with its ADR. */
static const char *label_kind(const char *type)
{
    if (type == NULL)
        return "";
    struct str rest = str_from_cstr(type), t;
    bool more = true;
    while (more) {
        more = str_split(rest, ',', &t, &rest);
        if (str_eq_cstr(t, "home"))
            return "home";
        if (str_eq_cstr(t, "work"))
            return "work";
    }
    return "";
}

static void card_finish(struct card_state *st)
{
    struct vcard *c = st->card;
    for (size_t i = 0; i < st->n_labels; i++) {
        const struct pending_label *l = &st->labels[i];
        struct vcard_address *match = NULL;
        for (size_t k = 0; k < c->n_addresses && match == NULL; k++) {
            struct vcard_address *a = &c->addresses[k];
            if (a->label == NULL && strcmp(label_kind(a->type), label_kind(l->type)) == 0)
                match = a;
        }
        if (match != NULL)
            match->label = l->text;
        else
            card_push_extra(st, l->extra);
    }
}

/* ---- Reader -------------------------------------------------------------------------------- */

int vcard_reader_open(struct arena *arena, const char *data, size_t len,
                      const struct vcard_limits *limits, struct vcard_reader **out)
{
    struct vcard_reader *r = arena_alloc(arena, sizeof(*r));
    r->data = data;
    r->len = data != NULL ? len : 0;
    if (limits != NULL)
        r->limits = *limits;
    if (r->limits.max_card_bytes == 0)
        r->limits.max_card_bytes = VCARD_MAX_CARD_BYTES;
    if (r->limits.max_photo_bytes == 0)
        r->limits.max_photo_bytes = VCARD_MAX_PHOTO_BYTES;
    if (r->limits.max_properties == 0)
        r->limits.max_properties = VCARD_MAX_PROPERTIES;
    size_t photo_cap =
        r->limits.max_photo_bytes / 3 * 4 + r->limits.max_photo_bytes / 16 + PHOTO_SLACK_BYTES;
    buf_init(&r->scratch,
             photo_cap > r->limits.max_card_bytes ? photo_cap : r->limits.max_card_bytes);
    arena_defer(arena, buf_release_cb, &r->scratch);
    r->line = 1;
    if (r->len >= 3 && memcmp(r->data, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
    *out = r;
    return 0;
}

int vcard_reader_seek(struct vcard_reader *r, size_t offset, struct err *err)
{
    if (offset > r->len)
        return err_set(err, ERR_BAD_REQUEST, "offset %zu is past the end (%zu bytes)", offset,
                       r->len);
    r->pos = r->len >= 3 && memcmp(r->data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    r->line = 1;
    /* Text before the offset was read before: trailing junk is then not a refusal. */
    r->cards_seen = offset > r->pos;
    if (offset < r->pos)
        offset = r->pos;
    while (r->pos < offset)
        reader_advance(r);
    r->pos = offset;
    return 0;
}

/* Reads the properties of the card whose BEGIN:VCARD is at the reader's position. */
static void reader_card(struct vcard_reader *r, struct card_state *st)
{
    struct vcard *c = st->card;
    size_t end, next;
    reader_advance(r);
    for (;;) {
        if (r->pos >= r->len) {
            card_fail(st, c->line, "the card has no END:VCARD");
            break;
        }
        line_at(r, r->pos, &end, &next);
        const char *s = r->data + r->pos;
        if (end == r->pos) {
            reader_advance(r);
            continue;
        }
        if (line_is(s, end - r->pos, "BEGIN:VCARD")) {
            card_fail(st, c->line, "the card has no END:VCARD");
            break;
        }
        if (line_is(s, end - r->pos, "END:VCARD")) {
            reader_advance(r);
            break;
        }
        struct assembly as;
        reader_assemble(r, st, &as);
        if (!as.main_photo)
            st->card_bytes_left -= as.overflow ? st->card_bytes_left : r->scratch.len;
        if (as.overflow) {
            if (as.main_photo) {
                st->photo_taken = true;
                card_fail(st, as.line, "the photo is larger than %s",
                          size_text(st->arena, st->limits->max_photo_bytes));
            } else {
                card_fail(st, as.line, "the card is larger than %s",
                          size_text(st->arena, st->limits->max_card_bytes));
            }
            continue;
        }
        struct prop p;
        if (!prop_split(r->scratch.data, r->scratch.len, &p)) {
            card_fail(st, as.line, "the line has no ':'");
            continue;
        }
        p.line = as.line;
        if (p.group.len == 0 && str_eq_nocase(p.name, "END") &&
            str_eq_nocase(str_trim(p.value), "VCARD"))
            break;
        if (!is_name(p.name) || (p.group.len > 0 && !is_name(p.group))) {
            card_fail(st, as.line, "the property name is not valid");
            continue;
        }
        if (++st->n_props > st->limits->max_properties) {
            if (st->n_props == st->limits->max_properties + 1)
                card_fail(st, as.line, "the card has more than %zu properties",
                          st->limits->max_properties);
            continue;
        }
        card_take(st, &p);
    }
}

int vcard_reader_next(struct vcard_reader *r, struct arena *arena, struct vcard *card,
                      struct err *err)
{
    size_t end, next;
    memset(card, 0, sizeof(*card));
    for (;;) {
        if (r->pos >= r->len)
            return 0;
        line_at(r, r->pos, &end, &next);
        if (line_is(r->data + r->pos, end - r->pos, ""))
            reader_advance(r);
        else
            break;
    }
    card->line = r->line;
    card->offset = r->pos;
    if (!line_is_begin(r, r->pos)) {
        while (r->pos < r->len && !line_is_begin(r, r->pos))
            reader_advance(r);
        card->next_offset = r->pos;
        if (r->pos >= r->len && !r->cards_seen)
            return err_set(err, ERR_VALIDATION, "line %zu: not a vCard (BEGIN:VCARD expected)",
                           card->line);
        card->error = arena_printf(arena, "line %zu: text outside a vCard", card->line);
        return 1;
    }
    r->cards_seen = true;
    struct card_state st = {
        .arena = arena,
        .card = card,
        .limits = &r->limits,
        .card_bytes_left = r->limits.max_card_bytes,
    };
    reader_card(r, &st);
    card_finish(&st);
    card->next_offset = r->pos;
    return 1;
}

/* ---- Writer -------------------------------------------------------------------------------- */

/* One logical line on its way out: folded at 75 octets, never inside a UTF-8 character. */
struct line_out {
    struct buf *out;
    size_t col;
    int rc;
};

static void out_bytes(struct line_out *o, const char *s, size_t n)
{
    while (n > 0 && o->rc == 0) {
        size_t room = FOLD_OCTETS - o->col;
        size_t k = n < room ? n : room;
        if (k < n) {
            while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
                k--;
        }
        if (k == 0) {
            o->rc = buf_append(o->out, "\r\n ", 3);
            o->col = 1;
            continue;
        }
        o->rc = buf_append(o->out, s, k);
        o->col += k;
        s += k;
        n -= k;
    }
}

static void out_str(struct line_out *o, const char *s)
{
    out_bytes(o, s, strlen(s));
}

static void out_end(struct line_out *o)
{
    if (o->rc == 0)
        o->rc = buf_append(o->out, "\r\n", 2);
    o->col = 0;
}

/* Text with \\ \n \, \; escaped (CR dropped). */
static void out_text_n(struct line_out *o, const char *s, size_t n)
{
    size_t start = 0, i = 0;
    for (; i < n; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case ',':
            esc = "\\,";
            break;
        case ';':
            esc = "\\;";
            break;
        case '\r':
            esc = "";
            break;
        default:
            continue;
        }
        out_bytes(o, s + start, i - start);
        out_str(o, esc);
        start = i + 1;
    }
    out_bytes(o, s + start, i - start);
}

static void out_text(struct line_out *o, const char *s)
{
    if (s != NULL)
        out_text_n(o, s, strlen(s));
}

/* A value written as it is, except that line breaks become \n. */
static void out_raw(struct line_out *o, const char *s)
{
    size_t start = 0, i = 0;
    for (; s[i] != '\0'; i++) {
        if (s[i] != '\n' && s[i] != '\r')
            continue;
        out_bytes(o, s + start, i - start);
        if (s[i] == '\n' || s[i + 1] != '\n')
            out_str(o, "\\n");
        start = i + 1;
    }
    out_bytes(o, s + start, i - start);
}

enum param_quoting {
    PARAM_LIST,   /* ',' separates values: quoted when it holds ':' or ';' */
    PARAM_SINGLE, /* quoted when it holds ':' ';' or ',' */
    PARAM_QUOTED, /* always quoted */
};

/* A param value with RFC 6868 ^^ ^' ^n, quoted when it must be. */
static void out_param_value(struct line_out *o, const char *v, enum param_quoting q)
{
    bool quote = q == PARAM_QUOTED || strpbrk(v, q == PARAM_LIST ? ":;" : ":;,") != NULL;
    if (quote)
        out_str(o, "\"");
    size_t start = 0, i = 0;
    for (; v[i] != '\0'; i++) {
        const char *esc = v[i] == '^' ? "^^" : v[i] == '"' ? "^'" : v[i] == '\n' ? "^n" : NULL;
        if (v[i] == '\r')
            esc = "";
        if (esc == NULL)
            continue;
        out_bytes(o, v + start, i - start);
        out_str(o, esc);
        start = i + 1;
    }
    out_bytes(o, v + start, i - start);
    if (quote)
        out_str(o, "\"");
}

static void out_name(struct line_out *o, const char *group, const char *name)
{
    if (group != NULL && is_name(str_from_cstr(group))) {
        out_str(o, group);
        out_str(o, ".");
    }
    out_str(o, name);
}

static void out_type_pref(struct line_out *o, const char *type, bool pref)
{
    if (type != NULL && type[0] != '\0') {
        out_str(o, ";TYPE=");
        out_param_value(o, type, PARAM_LIST);
    }
    if (pref)
        out_str(o, ";PREF=1");
}

static void write_text_prop(struct line_out *o, const char *name, const char *value)
{
    if (value == NULL)
        return;
    out_str(o, name);
    out_str(o, ":");
    out_text(o, value);
    out_end(o);
}

static void write_values(struct line_out *o, const char *name, const struct vcard_value *v,
                         size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        if (v[i].value == NULL)
            continue;
        out_name(o, v[i].group, name);
        out_type_pref(o, v[i].type, v[i].pref);
        out_str(o, ":");
        out_text(o, v[i].value);
        out_end(o);
    }
}

static void write_address(struct line_out *o, const struct vcard_address *a)
{
    const char *parts[7] = {a->po_box, a->extended,    a->street, a->locality,
                            a->region, a->postal_code, a->country};
    out_name(o, a->group, "ADR");
    out_type_pref(o, a->type, a->pref);
    if (a->label != NULL) {
        out_str(o, ";LABEL=");
        out_param_value(o, a->label, PARAM_QUOTED);
    }
    out_str(o, ":");
    for (size_t i = 0; i < 7; i++) {
        if (i > 0)
            out_str(o, ";");
        out_text(o, parts[i]);
    }
    out_end(o);
}

static void write_date(struct line_out *o, const char *name, const char *date)
{
    if (date == NULL)
        return;
    char basic[16];
    size_t n = strlen(date);
    bool full = n == 10 && date[4] == '-' && date[7] == '-';
    bool no_year = n == 7 && date[0] == '-' && date[1] == '-' && date[4] == '-';
    out_str(o, name);
    if (full) {
        snprintf(basic, sizeof(basic), "%.4s%.2s%.2s", date, date + 5, date + 8);
    } else if (no_year) {
        snprintf(basic, sizeof(basic), "--%.2s%.2s", date + 2, date + 5);
    } else {
        out_str(o, ";VALUE=text:");
        out_text(o, date);
        out_end(o);
        return;
    }
    out_str(o, ":");
    out_str(o, basic);
    out_end(o);
}

static void write_org(struct line_out *o, const struct vcard *c)
{
    if (c->org == NULL && c->org_unit == NULL)
        return;
    out_str(o, "ORG:");
    out_text(o, c->org);
    /* The units were joined by ';': each goes back as a component of its own. */
    const char *unit = c->org_unit;
    while (unit != NULL) {
        const char *semi = strchr(unit, ';');
        out_str(o, ";");
        out_text_n(o, unit, semi != NULL ? (size_t)(semi - unit) : strlen(unit));
        unit = semi != NULL ? semi + 1 : NULL;
    }
    out_end(o);
}

static void write_photo(struct line_out *o, const struct vcard *c)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (c->photo != NULL && c->photo_len > 0) {
        const char *media = c->photo_media_type;
        if (media == NULL || !media_type_ok(media, strlen(media)))
            media = media_type_sniff(c->photo, c->photo_len);
        out_str(o, "PHOTO:data:");
        out_str(o, media);
        out_str(o, ";base64,");
        char chunk[1024];
        size_t k = 0;
        for (size_t i = 0; i < c->photo_len; i += 3) {
            uint32_t v = (uint32_t)c->photo[i] << 16;
            size_t left = c->photo_len - i;
            if (left > 1)
                v |= (uint32_t)c->photo[i + 1] << 8;
            if (left > 2)
                v |= c->photo[i + 2];
            chunk[k++] = alphabet[v >> 18 & 63];
            chunk[k++] = alphabet[v >> 12 & 63];
            chunk[k++] = left > 1 ? alphabet[v >> 6 & 63] : '=';
            chunk[k++] = left > 2 ? alphabet[v & 63] : '=';
            if (k + 4 > sizeof(chunk)) {
                out_bytes(o, chunk, k);
                k = 0;
            }
        }
        out_bytes(o, chunk, k);
        out_end(o);
    } else if (c->photo_uri != NULL) {
        out_str(o, "PHOTO");
        if (c->photo_media_type != NULL) {
            out_str(o, ";MEDIATYPE=");
            out_param_value(o, c->photo_media_type, PARAM_SINGLE);
        }
        out_str(o, ";VALUE=uri:");
        out_raw(o, c->photo_uri);
        out_end(o);
    }
}

static void write_extra(struct line_out *o, const struct vcard_extra *x)
{
    if (x->name == NULL || !is_name(str_from_cstr(x->name)))
        return;
    out_name(o, x->group, x->name);
    if (x->params != NULL && x->params[0] != '\0') {
        out_str(o, ";");
        out_raw(o, x->params);
    }
    out_str(o, ":");
    if (x->value != NULL)
        out_raw(o, x->value);
    out_end(o);
}

int vcard_write(struct buf *out, const struct vcard *c)
{
    struct line_out o = {out, 0, 0};
    out_str(&o, "BEGIN:VCARD");
    out_end(&o);
    out_str(&o, "VERSION:4.0");
    out_end(&o);
    write_text_prop(&o, "UID", c->uid);
    out_str(&o, "FN:");
    out_text(&o, c->fn);
    out_end(&o);
    const struct vcard_name *n = &c->n;
    if (n->family || n->given || n->additional || n->prefix || n->suffix) {
        const char *parts[5] = {n->family, n->given, n->additional, n->prefix, n->suffix};
        out_str(&o, "N:");
        for (size_t i = 0; i < 5; i++) {
            if (i > 0)
                out_str(&o, ";");
            out_text(&o, parts[i]);
        }
        out_end(&o);
    }
    write_text_prop(&o, "NICKNAME", c->nickname);
    write_values(&o, "EMAIL", c->emails, c->n_emails);
    write_values(&o, "TEL", c->phones, c->n_phones);
    for (size_t i = 0; c->addresses != NULL && i < c->n_addresses; i++)
        write_address(&o, &c->addresses[i]);
    write_org(&o, c);
    write_text_prop(&o, "TITLE", c->title);
    write_text_prop(&o, "ROLE", c->role);
    write_values(&o, "URL", c->urls, c->n_urls);
    write_date(&o, "BDAY", c->bday);
    write_date(&o, "ANNIVERSARY", c->anniversary);
    if (c->gender != NULL) {
        out_str(&o, "GENDER:");
        out_raw(&o, c->gender);
        out_end(&o);
    }
    write_text_prop(&o, "LANG", c->lang);
    write_text_prop(&o, "TZ", c->tz);
    if (c->geo != NULL) {
        out_str(&o, "GEO:");
        out_raw(&o, c->geo);
        out_end(&o);
    }
    if (c->categories != NULL && c->n_categories > 0) {
        out_str(&o, "CATEGORIES:");
        for (size_t i = 0; i < c->n_categories; i++) {
            if (i > 0)
                out_str(&o, ",");
            out_text(&o, c->categories[i]);
        }
        out_end(&o);
    }
    write_text_prop(&o, "NOTE", c->note);
    write_photo(&o, c);
    for (size_t i = 0; c->extras != NULL && i < c->n_extras; i++)
        write_extra(&o, &c->extras[i]);
    out_str(&o, "END:VCARD");
    out_end(&o);
    return o.rc;
}
