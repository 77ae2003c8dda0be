/*
 * Tests for src/domain/phone.c: national and international numbers to
 * E.164 with Russian, British, American and other examples, trunk and
 * international prefixes, extensions, and what is refused.
 */
#include "domain/phone.h"

#include <stddef.h>
#include <string.h>

#include "base/arena.h"
#include "../test.h"

/* The E.164 form of text in country, or "NULL". */
static const char *e164(struct arena *arena, const char *text, const char *country)
{
    const char *out = phone_to_e164(arena, text, country);
    return out != NULL ? out : "NULL";
}

TEST(phone_reads_russian_numbers_in_every_usual_format)
{
    static const char *const written[] = {
        "8 916 123-45-67",
        "+7 (916) 123-45-67",
        "89161234567",
        "+79161234567",
        "7 916 123 45 67",
        "916 123 45 67",
        "8 (916) 123-45-67",
        "+7 916 1234567",
        "8-916-123-45-67",
        "+7.916.123.45.67",
        " tel:+7-916-123-4567",
        "8\xC2\xA0"
        "916\xE2\x80\x91"
        "123 45 67",
    };
    struct arena *arena = arena_new();
    for (size_t i = 0; i < sizeof(written) / sizeof(written[0]); i++)
        EXPECT_STR_EQ(e164(arena, written[i], "RU"), "+79161234567");
    EXPECT_STR_EQ(e164(arena, "8 800 555-35-35", "RU"), "+78005553535");
    EXPECT_STR_EQ(e164(arena, "8 (727) 250-12-34", "KZ"), "+77272501234");
    arena_free(arena);
}

TEST(phone_drops_extensions)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(e164(arena, "8 (916) 123-45-67 доб. 12", "RU"), "+79161234567");
    EXPECT_STR_EQ(e164(arena, "+7 495 123-45-67 вн. 300", "RU"), "+74951234567");
    EXPECT_STR_EQ(e164(arena, "+1 212 555 1234 ext. 5", "US"), "+12125551234");
    EXPECT_STR_EQ(e164(arena, "(212) 555-1234 x12", "US"), "+12125551234");
    EXPECT_STR_EQ(e164(arena, "+44 20 7946 0958 #3", "GB"), "+442079460958");
    EXPECT_STR_EQ(e164(arena, "+49 30 12345678, 9", "DE"), "+493012345678");
    arena_free(arena);
}

TEST(phone_reads_international_prefixes)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(e164(arena, "0049 30 12345678", "RU"), "+493012345678");
    EXPECT_STR_EQ(e164(arena, "8 10 49 30 12345678", "RU"), "+493012345678");
    EXPECT_STR_EQ(e164(arena, "011 44 20 7946 0958", "US"), "+442079460958");
    EXPECT_STR_EQ(e164(arena, "0011 7 916 123 45 67", "AU"), "+79161234567");
    EXPECT_STR_EQ(e164(arena, "010 1 212 555 1234", "JP"), "+12125551234");
    /* International numbers need no country. */
    EXPECT_STR_EQ(e164(arena, "+44 (0)20 7946 0958", NULL), "+442079460958");
    EXPECT_STR_EQ(e164(arena, "0044 (0)20 7946 0958", "FR"), "+442079460958");
    EXPECT_STR_EQ(e164(arena, "+44 020 7946 0958", NULL), "+442079460958");
    EXPECT_STR_EQ(e164(arena, "+375 29 123-45-67", NULL), "+375291234567");
    arena_free(arena);
}

TEST(phone_drops_the_trunk_prefix_of_national_numbers)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(e164(arena, "020 7946 0958", "GB"), "+442079460958");
    EXPECT_STR_EQ(e164(arena, "030 12345678", "DE"), "+493012345678");
    EXPECT_STR_EQ(e164(arena, "01 23 45 67 89", "FR"), "+33123456789");
    EXPECT_STR_EQ(e164(arena, "8 029 123-45-67", "BY"), "+375291234567");
    EXPECT_STR_EQ(e164(arena, "044 123 4567", "UA"), "+380441234567");
    EXPECT_STR_EQ(e164(arena, "06 1 234 5678", "HU"), "+3612345678");
    EXPECT_STR_EQ(e164(arena, "8 612 34567", "LT"), "+37061234567");
    EXPECT_STR_EQ(e164(arena, "0 612 34567", "LT"), "+37061234567");
    EXPECT_STR_EQ(e164(arena, "1-212-555-1234", "US"), "+12125551234");
    EXPECT_STR_EQ(e164(arena, "(212) 555-1234", "us"), "+12125551234");
    EXPECT_STR_EQ(e164(arena, "03-1234-5678", "JP"), "+81312345678");
    arena_free(arena);
}

TEST(phone_keeps_the_leading_zero_where_it_belongs_to_the_number)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(e164(arena, "06 1234 5678", "IT"), "+390612345678");
    EXPECT_STR_EQ(e164(arena, "+39 06 1234 5678", NULL), "+390612345678");
    EXPECT_STR_EQ(e164(arena, "912 345 678", "ES"), "+34912345678");
    arena_free(arena);
}

TEST(phone_reads_the_countrys_own_code_written_without_plus)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(e164(arena, "7 916 123 45 67", "RU"), "+79161234567");
    EXPECT_STR_EQ(e164(arena, "375 29 123 45 67", "BY"), "+375291234567");
    arena_free(arena);
}

TEST(phone_refuses_what_cannot_be_a_phone_number)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(e164(arena, "", "RU"), "NULL");
    EXPECT_STR_EQ(e164(arena, "hello", "RU"), "NULL");
    EXPECT_STR_EQ(e164(arena, "Phone: +7 916 123 45 67", "RU"), "NULL");
    EXPECT_STR_EQ(e164(arena, "+7 916", "RU"), "NULL");
    EXPECT_STR_EQ(e164(arena, "+7 916 123 45 67 89", "RU"), "NULL");
    EXPECT_STR_EQ(e164(arena, "12345", "RU"), "NULL");
    EXPECT_STR_EQ(e164(arena, "916 123 45 67", NULL), "NULL");
    EXPECT_STR_EQ(e164(arena, "916 123 45 67", "ZZ"), "NULL");
    EXPECT_STR_EQ(e164(arena, "+0 123 456 789", NULL), "NULL");
    EXPECT_STR_EQ(e164(arena, "++7 916 123 45 67", NULL), "NULL");
    EXPECT_STR_EQ(e164(arena, "7+916 123 45 67", "RU"), "NULL");
    EXPECT_STR_EQ(e164(arena, "*100#", "RU"), "NULL");
    EXPECT_STR_EQ(e164(arena, "+1234567890123456", NULL), "NULL");
    EXPECT_STR_EQ(e164(arena, "+7 916 123 45 67\xFF", "RU"), "NULL");
    EXPECT(phone_to_e164(arena, NULL, "RU") == NULL);
    arena_free(arena);
}

TEST(phone_accepts_calling_codes_outside_the_table_by_length_alone)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(e164(arena, "+233 24 123 4567", NULL), "+233241234567");
    EXPECT_STR_EQ(e164(arena, "+263 77 123 4567", NULL), "+263771234567");
    EXPECT_STR_EQ(e164(arena, "+263 77", NULL), "NULL");
    arena_free(arena);
}

TEST(phone_buffer_form_matches_the_arena_form)
{
    char out[PHONE_E164_SIZE];
    EXPECT(phone_to_e164_buf("8 (916) 123-45-67", "RU", out));
    EXPECT_STR_EQ(out, "+79161234567");
    EXPECT(!phone_to_e164_buf("abc", "RU", out));
}

TEST(phone_country_table_holds_sixty_common_countries)
{
    static const char *const isos[] = {
        "RU", "KZ", "BY", "UA", "MD", "GE", "AM", "AZ", "UZ", "KG", "GB", "IE", "FR", "DE",
        "AT", "CH", "IT", "ES", "PT", "NL", "BE", "LU", "PL", "CZ", "SK", "HU", "RO", "BG",
        "GR", "TR", "CY", "MT", "SE", "NO", "DK", "FI", "IS", "EE", "LV", "LT", "SI", "HR",
        "RS", "BA", "ME", "MK", "AL", "US", "CA", "MX", "BR", "AR", "CL", "CO", "PE", "VE",
        "CN", "JP", "KR", "TW", "HK", "SG", "MY", "TH", "VN", "ID", "PH", "IN", "PK", "BD",
        "IL", "AE", "SA", "QA", "EG", "ZA", "NG", "KE", "MA", "AU", "NZ",
    };
    for (size_t i = 0; i < sizeof(isos) / sizeof(isos[0]); i++) {
        const struct phone_country *c = phone_country_find(isos[i]);
        EXPECT(c != NULL);
        if (c == NULL)
            continue;
        EXPECT_STR_EQ(c->iso, isos[i]);
        EXPECT(c->nsn_min >= 4 && c->nsn_min <= c->nsn_max);
        EXPECT(strlen(c->calling_code) + c->nsn_max <= PHONE_E164_MAX_DIGITS);
    }
    EXPECT_STR_EQ(phone_country_find("ru")->calling_code, "7");
    EXPECT_STR_EQ(phone_country_find("BY")->trunk, "80");
    EXPECT_STR_EQ(phone_country_find("IT")->trunk, "");
    EXPECT(phone_country_find("XX") == NULL);
    EXPECT(phone_country_find(NULL) == NULL);
}
