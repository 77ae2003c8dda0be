/*
 * Phone numbers to E.164. The text is read once into its digits (formatting
 * skipped, an extension cut off), then the digits are read as international
 * (after "+", "00" or the country's own prefix) or national (after its trunk
 * prefix) and checked against the country table.
 */
#include "domain/phone.h"

#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/utf8.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Digits kept from the text: more cannot be a phone number even with a trunk prefix. */
#define PHONE_MAX_TEXT_DIGITS 20
/* Total digits accepted after "+" when the calling code is not in the table. */
#define PHONE_UNKNOWN_MIN_DIGITS 7

/*
 * Calling codes, trunk and international prefixes, and the lengths of the
 * national significant number (from the ITU-T national numbering plans as
 * far as known, widened where a country has numbers of several lengths).
 * Countries that share a calling code share its lengths; the first row of
 * a code is the one used to check an international number.
 */
static const struct phone_country phone_countries[] = {
    /* CIS: trunk 8, international 8~10. Belarus dials 8 0xx, so its trunk is "80". */
    {"RU", "7", "8", "810", 10, 10},
    {"KZ", "7", "8", "810", 10, 10},
    {"BY", "375", "80", "810", 9, 9},
    {"UZ", "998", "8", "810", 9, 9},
    {"UA", "380", "0", NULL, 9, 9},
    {"MD", "373", "0", NULL, 8, 8},
    {"GE", "995", "0", NULL, 9, 9},
    {"AM", "374", "0", NULL, 8, 8},
    {"AZ", "994", "0", NULL, 9, 9},
    {"KG", "996", "0", NULL, 9, 9},
    /* Europe. Italy, Spain, Portugal, Poland, Czechia, Greece, the Nordics but Finland and
     * Sweden have no trunk prefix; Italy's leading 0 is part of the number. */
    {"GB", "44", "0", NULL, 7, 10},
    {"IE", "353", "0", NULL, 7, 9},
    {"FR", "33", "0", NULL, 9, 9},
    {"DE", "49", "0", NULL, 6, 13},
    {"AT", "43", "0", NULL, 4, 13},
    {"CH", "41", "0", NULL, 9, 9},
    {"IT", "39", "", NULL, 6, 11},
    {"ES", "34", "", NULL, 9, 9},
    {"PT", "351", "", NULL, 9, 9},
    {"NL", "31", "0", NULL, 9, 9},
    {"BE", "32", "0", NULL, 8, 9},
    {"LU", "352", "", NULL, 4, 11},
    {"PL", "48", "", NULL, 9, 9},
    {"CZ", "420", "", NULL, 9, 9},
    {"SK", "421", "0", NULL, 9, 9},
    {"HU", "36", "06", NULL, 8, 9},
    {"RO", "40", "0", NULL, 9, 9},
    {"BG", "359", "0", NULL, 7, 9},
    {"GR", "30", "", NULL, 10, 10},
    {"TR", "90", "0", NULL, 10, 10},
    {"CY", "357", "", NULL, 8, 8},
    {"MT", "356", "", NULL, 8, 8},
    {"SE", "46", "0", NULL, 7, 10},
    {"NO", "47", "", NULL, 8, 8},
    {"DK", "45", "", NULL, 8, 8},
    {"FI", "358", "0", NULL, 5, 12},
    {"IS", "354", "", NULL, 7, 7},
    {"EE", "372", "", NULL, 7, 8},
    {"LV", "371", "", NULL, 8, 8},
    /* Lithuania moved its trunk prefix from 8 to 0 (2025); both are still written. */
    {"LT", "370", "8,0", NULL, 8, 8},
    {"SI", "386", "0", NULL, 8, 8},
    {"HR", "385", "0", NULL, 8, 9},
    {"RS", "381", "0", NULL, 7, 9},
    {"BA", "387", "0", NULL, 8, 8},
    {"ME", "382", "0", NULL, 8, 8},
    {"MK", "389", "0", NULL, 8, 8},
    {"AL", "355", "0", NULL, 8, 9},
    /* North American Numbering Plan: 1 before the area code is optional, 011 international. */
    {"US", "1", "1", "011", 10, 10},
    {"CA", "1", "1", "011", 10, 10},
    {"MX", "52", "", NULL, 10, 10},
    {"BR", "55", "0", NULL, 10, 11},
    {"AR", "54", "0", NULL, 10, 11},
    {"CL", "56", "", NULL, 9, 9},
    {"CO", "57", "", NULL, 10, 10},
    {"PE", "51", "0", NULL, 8, 9},
    {"VE", "58", "0", NULL, 10, 10},
    /* Asia and the Middle East. */
    {"CN", "86", "0", NULL, 8, 11},
    {"JP", "81", "0", "010", 9, 10},
    {"KR", "82", "0", NULL, 8, 10},
    {"TW", "886", "0", NULL, 8, 9},
    {"HK", "852", "", NULL, 8, 8},
    {"SG", "65", "", NULL, 8, 8},
    {"MY", "60", "0", NULL, 8, 10},
    {"TH", "66", "0", NULL, 8, 9},
    {"VN", "84", "0", NULL, 9, 10},
    {"ID", "62", "0", NULL, 8, 12},
    {"PH", "63", "0", NULL, 8, 10},
    {"IN", "91", "0", NULL, 10, 10},
    {"PK", "92", "0", NULL, 9, 10},
    {"BD", "880", "0", NULL, 8, 10},
    {"IL", "972", "0", NULL, 8, 9},
    {"AE", "971", "0", NULL, 8, 9},
    {"SA", "966", "0", NULL, 8, 9},
    {"QA", "974", "", NULL, 8, 8},
    /* Africa and Oceania. */
    {"EG", "20", "0", NULL, 8, 10},
    {"ZA", "27", "0", NULL, 9, 9},
    {"NG", "234", "0", NULL, 8, 10},
    {"KE", "254", "0", NULL, 9, 9},
    {"MA", "212", "0", NULL, 9, 9},
    {"AU", "61", "0", "0011", 9, 9},
    {"NZ", "64", "0", NULL, 8, 10},
};

const struct phone_country *phone_country_find(const char *iso)
{
    if (iso == NULL)
        return NULL;
    for (size_t i = 0; i < COUNT(phone_countries); i++) {
        if (strcasecmp(phone_countries[i].iso, iso) == 0)
            return &phone_countries[i];
    }
    return NULL;
}

static const struct phone_country *phone_country_by_code(const char *digits, size_t len)
{
    for (size_t i = 0; i < COUNT(phone_countries); i++) {
        const char *code = phone_countries[i].calling_code;
        if (strlen(code) == len && memcmp(code, digits, len) == 0)
            return &phone_countries[i];
    }
    return NULL;
}

static bool phone_starts_with(const char *digits, size_t len, const char *prefix)
{
    size_t prefix_len = strlen(prefix);
    return prefix_len <= len && memcmp(digits, prefix, prefix_len) == 0;
}

static bool phone_nsn_fits(const struct phone_country *country, size_t nsn_len)
{
    return nsn_len >= country->nsn_min && nsn_len <= country->nsn_max &&
           strlen(country->calling_code) + nsn_len <= PHONE_E164_MAX_DIGITS;
}

static bool phone_emit(const char *code, size_t code_len, const char *nsn, size_t nsn_len,
                       char out[PHONE_E164_SIZE])
{
    if (code_len + nsn_len > PHONE_E164_MAX_DIGITS)
        return false;
    out[0] = '+';
    memcpy(out + 1, code, code_len);
    memcpy(out + 1 + code_len, nsn, nsn_len);
    out[1 + code_len + nsn_len] = '\0';
    return true;
}

/*
 * The length of the trunk prefix of `country` that digits start with and
 * that leaves a national number of a valid length; 0 when none does.
 */
static size_t phone_trunk_len(const struct phone_country *country, const char *digits, size_t len)
{
    const char *t = country->trunk;
    while (*t != '\0') {
        size_t t_len = strcspn(t, ",");
        if (t_len > 0 && t_len < len && memcmp(digits, t, t_len) == 0 &&
            phone_nsn_fits(country, len - t_len))
            return t_len;
        t += t_len;
        if (*t == ',')
            t++;
    }
    return 0;
}

/* Digits after an international prefix: calling code, then the national number. */
static bool phone_international(const char *digits, size_t len, char out[PHONE_E164_SIZE])
{
    if (len == 0 || digits[0] == '0')
        return false;
    for (size_t code_len = 1; code_len <= 3 && code_len < len; code_len++) {
        const struct phone_country *country = phone_country_by_code(digits, code_len);
        if (country == NULL)
            continue;
        const char *nsn = digits + code_len;
        size_t nsn_len = len - code_len;
        /* "+44 020 7946 0958": a trunk prefix written after the country code. */
        if (!phone_nsn_fits(country, nsn_len)) {
            size_t t_len = phone_trunk_len(country, nsn, nsn_len);
            nsn += t_len;
            nsn_len -= t_len;
        }
        if (!phone_nsn_fits(country, nsn_len))
            return false;
        return phone_emit(digits, code_len, nsn, nsn_len, out);
    }
    if (len < PHONE_UNKNOWN_MIN_DIGITS)
        return false;
    return phone_emit(digits, 0, digits, len, out);
}

/* Formatting between digits: spaces, ( ) - . / and the Unicode dashes and spaces. */
static bool phone_is_formatting(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '(' || cp == ')' || cp == '-' || cp == '.' ||
           cp == '/' || cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F ||
           (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212;
}

bool phone_to_e164_buf(const char *text, const char *default_country, char out[PHONE_E164_SIZE])
{
    char digits[PHONE_MAX_TEXT_DIGITS];
    size_t n = 0, len;
    bool plus = false;
    const char *p = text;

    if (text == NULL)
        return false;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncasecmp(p, "tel:", 4) == 0)
        p += 4;
    len = strlen(p);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(p + i, len - i, &cp);
        if (k == 0)
            return false;
        if (cp >= '0' && cp <= '9') {
            if (n == sizeof(digits))
                return false;
            digits[n++] = (char)cp;
        } else if (cp == '+') {
            if (n > 0 || plus)
                return false;
            plus = true;
        } else if (cp == '(' && n > 0 && (plus || phone_starts_with(digits, n, "00")) &&
                   strncmp(p + i, "(0)", 3) == 0) {
            k = 3; /* "+44 (0)20 ...": the trunk prefix shown for national callers */
        } else if (!phone_is_formatting(cp)) {
            if (n == 0)
                return false; /* a label or letters: not a number */
            break;            /* an extension or a remark after the number */
        }
        i += k;
    }
    if (n == 0)
        return false;

    const struct phone_country *home = phone_country_find(default_country);
    if (plus)
        return phone_international(digits, n, out);
    if (home != NULL && home->intl_prefix != NULL &&
        phone_starts_with(digits, n, home->intl_prefix))
        return phone_international(digits + strlen(home->intl_prefix),
                                   n - strlen(home->intl_prefix), out);
    if (phone_starts_with(digits, n, "00"))
        return phone_international(digits + 2, n - 2, out);
    if (home == NULL)
        return false;

    const char *code = home->calling_code;
    size_t code_len = strlen(code);
    size_t t_len = phone_trunk_len(home, digits, n);
    if (t_len > 0)
        return phone_emit(code, code_len, digits + t_len, n - t_len, out);
    if (phone_nsn_fits(home, n))
        return phone_emit(code, code_len, digits, n, out);
    /* "7 916 123 45 67": the country's own code written without "+". */
    if (phone_starts_with(digits, n, code) && phone_nsn_fits(home, n - code_len))
        return phone_emit(code, code_len, digits + code_len, n - code_len, out);
    return false;
}

const char *phone_to_e164(struct arena *arena, const char *text, const char *default_country)
{
    char out[PHONE_E164_SIZE];
    if (!phone_to_e164_buf(text, default_country, out))
        return NULL;
    return arena_strdup(arena, out);
}
