/*
 * Telephone numbers as written by people ("8 (916) 123-45-67 доб. 12",
 * "+44 (0)20 7946 0958", "(212) 555-1234") to E.164 ("+79161234567"), with
 * a default country for national numbers. One table gives, per country,
 * its calling code, trunk prefix, international call prefix and the length
 * of its national significant numbers.
 */
#ifndef CRM_DOMAIN_PHONE_H
#define CRM_DOMAIN_PHONE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* "+" and at most 15 digits (ITU-T E.164), and the NUL. */
#define PHONE_E164_MAX_DIGITS 15
#define PHONE_E164_SIZE (PHONE_E164_MAX_DIGITS + 2)

struct phone_country {
    const char *iso;          /* ISO 3166-1 alpha-2, upper case: "RU" */
    const char *calling_code; /* "7" */
    /* Trunk prefixes dialled before a national number, comma-separated ("8"; "" for none). */
    const char *trunk;
    /* International call prefix besides "00", which is accepted everywhere ("810"; NULL). */
    const char *intl_prefix;
    unsigned char nsn_min; /* digits of a national significant number (no trunk prefix) */
    unsigned char nsn_max;
};

/* The row of the country with this ISO code (any case), or NULL. */
const struct phone_country *phone_country_find(const char *iso);

/*
 * Writes the E.164 form of the number in text to out and returns true;
 * returns false for what cannot be a phone number.
 *   - "tel:" at the start is skipped; spaces (also no-break ones), ( ) - . /
 *     and dashes are formatting; an extension ("ext. 12", "x12", "доб. 12",
 *     "#12", anything after the number that starts with a letter, ',' or
 *     ';') is dropped;
 *   - "+", "00" or the default country's own international prefix ("810"
 *     in Russia, "011" in NANP) starts an international number; "(0)"
 *     after the country code (British style) is dropped;
 *   - otherwise the number is national in default_country (NULL or unknown:
 *     not a phone): a trunk prefix is dropped ("8 916..." in Russia,
 *     "0 30..." in Germany, "1 212..." in NANP, none in Italy, where the 0
 *     belongs to the number), and a number that starts with the country's
 *     own calling code and is too long to be national is read as
 *     international ("7 916 123 45 67" in Russia);
 *   - the result must have a national significant number of the country's
 *     length (any of 4 to 14 digits when the calling code is not in the
 *     table) and at most 15 digits in all.
 * Anything else before the number (letters, '*') and text that is not
 * UTF-8 make it not a phone.
 */
bool phone_to_e164_buf(const char *text, const char *default_country, char out[PHONE_E164_SIZE]);

/* The same in the arena, or NULL when text is not a phone number. */
const char *phone_to_e164(struct arena *arena, const char *text, const char *default_country);

#endif
