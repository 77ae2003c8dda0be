/*
 * Tests for src/formats/vcard.c: every real vCard of the shared dataset
 * read with what it holds and written back to the same fields, then each
 * feature (folding, quoted-printable and charsets, base64 and data: photos,
 * params, groups, escapes, dates) and each kind of broken input, and the
 * vCard 4.0 writer's folding, escaping and params.
 */
#include "formats/vcard.h"

#include <stdlib.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "../test.h"

#define MAX_CARDS 16
#define S(x) ((x) != NULL ? (x) : "")

/* ---- Helpers ------------------------------------------------------------------------------- */

/* Reads every card of text into cards; the count, or the reader's negative code. */
static int read_cards(struct arena *arena, const char *text, size_t len,
                      const struct vcard_limits *limits, struct vcard *cards, struct err *err)
{
    struct vcard_reader *r;
    err_clear(err);
    EXPECT_INT_EQ(vcard_reader_open(arena, text, len, limits, &r), 0);
    int n = 0, rc;
    while ((rc = vcard_reader_next(r, arena, &cards[n < MAX_CARDS ? n : MAX_CARDS - 1], err)) == 1)
        n++;
    return rc < 0 ? rc : n;
}

/* The one card of text, read without error. */
static struct vcard one_card(struct arena *arena, const char *text)
{
    struct vcard cards[MAX_CARDS];
    struct err err;
    int n = read_cards(arena, text, strlen(text), NULL, cards, &err);
    EXPECT_INT_EQ(n, 1);
    if (cards[0].error != NULL)
        test_fail(__FILE__, __LINE__, "unexpected card error: %s", cards[0].error);
    return cards[0];
}

static const char *datasets_dir(void)
{
    const char *dir = getenv("CRM_DATASETS_DIR");
    return dir != NULL && dir[0] != '\0' ? dir : "../shared/datasets";
}

/* A file of the vCard samples, read whole into the arena. */
static const char *sample(struct arena *arena, const char *name, size_t *len)
{
    char *path = arena_printf(arena, "%s/contact-calendar-samples/vcard/%s", datasets_dir(), name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        test_fail(__FILE__, __LINE__,
                  "cannot open %s: set CRM_DATASETS_DIR to the shared datasets directory", path);
    struct buf b;
    buf_init(&b, 64 * 1024 * 1024);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        EXPECT_INT_EQ(buf_append(&b, chunk, n), 0);
    fclose(f);
    char *data = arena_memdup(arena, b.data != NULL ? b.data : "", b.len + 1);
    *len = b.len;
    buf_release(&b);
    return data;
}

static int read_sample(struct arena *arena, const char *name, struct vcard *cards)
{
    size_t len;
    const char *data = sample(arena, name, &len);
    struct err err;
    int n = read_cards(arena, data, len, NULL, cards, &err);
    if (n < 0)
        test_fail(__FILE__, __LINE__, "%s: %s", name, err.detail);
    return n;
}

static void expect_value(const struct vcard_value *v, const char *value, const char *type,
                         bool pref)
{
    EXPECT_STR_EQ(S(v->value), value);
    EXPECT_STR_EQ(S(v->type), type);
    EXPECT_INT_EQ(v->pref, pref);
}

static void expect_name(const struct vcard *c, const char *family, const char *given,
                        const char *additional, const char *prefix, const char *suffix)
{
    EXPECT_STR_EQ(S(c->n.family), family);
    EXPECT_STR_EQ(S(c->n.given), given);
    EXPECT_STR_EQ(S(c->n.additional), additional);
    EXPECT_STR_EQ(S(c->n.prefix), prefix);
    EXPECT_STR_EQ(S(c->n.suffix), suffix);
}

/* Street, locality, region, postal code and country, with the type. */
static void expect_address(const struct vcard_address *a, const char *type, const char *street,
                           const char *locality, const char *region, const char *postal_code,
                           const char *country)
{
    EXPECT_STR_EQ(S(a->type), type);
    EXPECT_STR_EQ(S(a->street), street);
    EXPECT_STR_EQ(S(a->locality), locality);
    EXPECT_STR_EQ(S(a->region), region);
    EXPECT_STR_EQ(S(a->postal_code), postal_code);
    EXPECT_STR_EQ(S(a->country), country);
}

static void expect_jpeg(const struct vcard *c, size_t len)
{
    EXPECT_INT_EQ(c->photo_len, len);
    EXPECT(c->photo != NULL && c->photo[0] == 0xFF && c->photo[1] == 0xD8);
    EXPECT_STR_EQ(S(c->photo_media_type), "image/jpeg");
}

static const struct vcard_extra *find_extra(const struct vcard *c, const char *group,
                                            const char *name)
{
    for (size_t i = 0; i < c->n_extras; i++) {
        const struct vcard_extra *x = &c->extras[i];
        if (strcmp(x->name, name) == 0 && strcmp(S(x->group), S(group)) == 0)
            return x;
    }
    return NULL;
}

static void expect_same_values(const struct vcard_value *a, size_t na, const struct vcard_value *b,
                               size_t nb)
{
    EXPECT_INT_EQ(nb, na);
    for (size_t i = 0; i < na && i < nb; i++) {
        EXPECT_STR_EQ(S(b[i].value), S(a[i].value));
        EXPECT_STR_EQ(S(b[i].type), S(a[i].type));
        EXPECT_STR_EQ(S(b[i].group), S(a[i].group));
        EXPECT_INT_EQ(b[i].pref, a[i].pref);
    }
}

/* The fields an import keeps are the same in a and b. */
static void expect_same_card(const struct vcard *a, const struct vcard *b)
{
    EXPECT_STR_EQ(S(b->fn), S(a->fn));
    expect_name(b, S(a->n.family), S(a->n.given), S(a->n.additional), S(a->n.prefix),
                S(a->n.suffix));
    EXPECT_STR_EQ(S(b->nickname), S(a->nickname));
    EXPECT_STR_EQ(S(b->org), S(a->org));
    EXPECT_STR_EQ(S(b->org_unit), S(a->org_unit));
    EXPECT_STR_EQ(S(b->title), S(a->title));
    EXPECT_STR_EQ(S(b->note), S(a->note));
    EXPECT_STR_EQ(S(b->bday), S(a->bday));
    EXPECT_STR_EQ(S(b->anniversary), S(a->anniversary));
    expect_same_values(a->emails, a->n_emails, b->emails, b->n_emails);
    expect_same_values(a->phones, a->n_phones, b->phones, b->n_phones);
    expect_same_values(a->urls, a->n_urls, b->urls, b->n_urls);
    EXPECT_INT_EQ(b->n_addresses, a->n_addresses);
    for (size_t i = 0; i < a->n_addresses && i < b->n_addresses; i++) {
        const struct vcard_address *x = &a->addresses[i], *y = &b->addresses[i];
        expect_address(y, S(x->type), S(x->street), S(x->locality), S(x->region), S(x->postal_code),
                       S(x->country));
        EXPECT_STR_EQ(S(y->po_box), S(x->po_box));
        EXPECT_STR_EQ(S(y->extended), S(x->extended));
        EXPECT_STR_EQ(S(y->label), S(x->label));
        EXPECT_INT_EQ(y->pref, x->pref);
    }
    EXPECT_INT_EQ(b->n_categories, a->n_categories);
    EXPECT_INT_EQ(b->photo_len, a->photo_len);
    EXPECT(a->photo_len == 0 || memcmp(b->photo, a->photo, a->photo_len) == 0);
    EXPECT_STR_EQ(S(b->photo_media_type), S(a->photo_media_type));
    EXPECT_STR_EQ(S(b->photo_uri), S(a->photo_uri));
    EXPECT_INT_EQ(b->n_extras, a->n_extras);
    for (size_t i = 0; i < a->n_extras && i < b->n_extras; i++) {
        EXPECT_STR_EQ(b->extras[i].name, a->extras[i].name);
        EXPECT_STR_EQ(S(b->extras[i].value), S(a->extras[i].value));
    }
}

/* Every card of the sample written as vCard 4.0 and read again holds the same. */
static void expect_round_trip(const char *name)
{
    struct arena *arena = arena_new();
    struct vcard cards[MAX_CARDS], again[MAX_CARDS];
    int n = read_sample(arena, name, cards);
    EXPECT(n > 0);
    struct buf out;
    buf_init(&out, 64 * 1024 * 1024);
    for (int i = 0; i < n; i++)
        EXPECT_INT_EQ(vcard_write(&out, &cards[i]), 0);
    struct err err;
    int m = read_cards(arena, out.data, out.len, NULL, again, &err);
    EXPECT_INT_EQ(m, n);
    for (int i = 0; i < n; i++) {
        if (again[i].error != NULL)
            test_fail(__FILE__, __LINE__, "%s card %d: %s", name, i, again[i].error);
        EXPECT_STR_EQ(S(again[i].version), "4.0");
        expect_same_card(&cards[i], &again[i]);
    }
    buf_release(&out);
    arena_free(arena);
}

/* ---- The real files ------------------------------------------------------------------------ */

TEST(vcard_reads_the_android_export_with_its_qp_names_and_reports_its_broken_photo)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "John_Doe_ANDROID.vcf", c), 6);
    EXPECT_STR_EQ(S(c[0].version), "2.1");
    EXPECT_INT_EQ(c[0].n_emails, 1);
    expect_value(&c[0].emails[0], "john.doe@company.com", "", true);
    EXPECT_INT_EQ(c[0].n_categories, 1);
    EXPECT_STR_EQ(c[0].categories[0], "My Contacts");
    expect_value(&c[1].emails[0], "jane.doe@company.com", "", true);
    EXPECT_INT_EQ(c[1].offset, 94);
    EXPECT_INT_EQ(c[1].line, 6);
    EXPECT_STR_EQ(S(c[2].fn), "Ñ Ñ Ñ Ñ Ñ");
    expect_name(&c[2], "Ñ Ñ Ñ Ñ", "", "", "", "");
    expect_value(&c[2].phones[0], "123456789", "cell", true);
    /* The name is folded with a quoted-printable soft line break. */
    EXPECT_STR_EQ(S(c[3].fn), "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ");
    EXPECT_INT_EQ(c[3].n_phones, 4);
    expect_value(&c[3].phones[1], "234567", "home", false);
    expect_value(&c[3].phones[3], "45678901", "home", false);
    /* Its photo is cut short in the file (1169 base64 characters). */
    EXPECT_STR_EQ(S(c[4].error), "line 52: the photo is not valid base64");
    EXPECT_INT_EQ(c[4].photo_len, 0);
    expect_name(&c[4], "Ñ Ñ", "Ñ Ñ Ñ", "", "", "");
    EXPECT_INT_EQ(c[4].n_emails, 2);
    expect_value(&c[4].emails[0], "bob@company.com", "work", true);
    expect_value(&c[4].emails[1], "ÑÑÑÑÑÑÑÑÑÑÑÑÑÑ", "", true);
    EXPECT_INT_EQ(c[4].n_phones, 3);
    expect_value(&c[4].phones[2], "123456", "work,fax", false);
    EXPECT_STR_EQ(S(c[4].org), "ÑÑÑÑÑÑÑÑÑÑÑÑ");
    EXPECT_STR_EQ(S(c[5].fn), "ÑÑÑÑ");
    expect_value(&c[5].emails[0], "henry@company.com", "", true);
    /* "=80" alone is not UTF-8: replaced, in the repeated ORG kept as an extra. */
    EXPECT_CONTAINS(S(c[5].extras[0].value), "Ñ\xEF\xBF\xBD");
    arena_free(arena);
}

TEST(vcard_reads_the_blackberry_export_with_its_one_line_photo)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "John_Doe_BLACK_BERRY.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "John Doe");
    expect_name(&c[0], "Doe", "john", "", "", "");
    EXPECT_STR_EQ(S(c[0].org), "Acme Solutions");
    EXPECT_INT_EQ(c[0].n_phones, 1);
    expect_value(&c[0].phones[0], "+96123456789", "cell", false);
    EXPECT_INT_EQ(c[0].n_emails, 0);
    EXPECT_INT_EQ(c[0].n_addresses, 0);
    EXPECT(c[0].bday == NULL);
    EXPECT(c[0].note == NULL);
    expect_jpeg(&c[0], 1674);
    arena_free(arena);
}

TEST(vcard_reads_the_evolution_export)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "John_Doe_EVOLUTION.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].uid), "477343c8e6bf375a9bac1f96a5000837");
    EXPECT_STR_EQ(S(c[0].fn), "Mr. John Richter, James Doe Sr.");
    expect_name(&c[0], "Doe", "John", "Richter, James", "Mr.", "Sr.");
    EXPECT_STR_EQ(S(c[0].nickname), "Johny");
    EXPECT_INT_EQ(c[0].n_emails, 1);
    expect_value(&c[0].emails[0], "john.doe@ibm.com", "work", false);
    EXPECT_INT_EQ(c[0].n_phones, 2);
    expect_value(&c[0].phones[0], "905-666-1234", "cell", false);
    expect_value(&c[0].phones[1], "905-555-1234", "work,voice", false);
    EXPECT_INT_EQ(c[0].n_addresses, 1);
    expect_address(&c[0].addresses[0], "home", "15 Crescent moon drive", "Albaney", "New York",
                   "12345", "United States of America");
    EXPECT_STR_EQ(S(c[0].addresses[0].po_box), "ASB-123");
    EXPECT_STR_EQ(S(c[0].org), "IBM");
    EXPECT_STR_EQ(S(c[0].org_unit), "Accounting;Dungeon");
    EXPECT_STR_EQ(S(c[0].bday), "1980-03-22");
    EXPECT_STR_EQ(S(c[0].urls[0].value), "http://www.ibm.com");
    EXPECT_CONTAINS(S(c[0].note), "\"AS IS\" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING");
    const struct vcard_extra *aim = find_extra(&c[0], NULL, "X-AIM");
    EXPECT(aim != NULL);
    EXPECT_STR_EQ(aim->value, "johnny5@aol.com");
    EXPECT_STR_EQ(S(aim->params),
                  "TYPE=HOME;X-COUCHDB-UUID=\"cb9e11fc-bb97-4222-9cd8-99820c1de454\"");
    EXPECT_INT_EQ(c[0].photo_len, 0);
    arena_free(arena);
}

TEST(vcard_reads_the_gmail_export)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "John_Doe_GMAIL.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "Mr. John Richter, James Doe Sr.");
    expect_name(&c[0], "Doe", "John", "Richter, James", "Mr.", "Sr.");
    EXPECT_INT_EQ(c[0].n_emails, 1);
    expect_value(&c[0].emails[0], "john.doe@ibm.com", "internet,home", false);
    EXPECT_INT_EQ(c[0].n_phones, 2);
    expect_value(&c[0].phones[0], "905-555-1234", "cell", false);
    expect_value(&c[0].phones[1], "905-666-1234", "home", false);
    /* Gmail puts the whole address in the extended part. */
    EXPECT_INT_EQ(c[0].n_addresses, 1);
    EXPECT_STR_EQ(S(c[0].addresses[0].extended),
                  "Crescent moon drive\n555-asd\nNice Area, Albaney, New York 12345\n"
                  "United States of America");
    EXPECT_STR_EQ(S(c[0].addresses[0].type), "home");
    EXPECT_STR_EQ(S(c[0].bday), "1980-03-22");
    EXPECT_STR_EQ(S(c[0].urls[0].value), "http://www.ibm.com");
    EXPECT_CONTAINS(S(c[0].note), "CONTRIBUTORS \"AS IS\" AND");
    EXPECT_CONTAINS(S(c[0].note), "DAMAGE.\nFavotire Color: Blue");
    const struct vcard_extra *label = find_extra(&c[0], "item2", "X-ABLabel");
    EXPECT(label != NULL);
    EXPECT_STR_EQ(label->value, "_$!<Spouse>!$_");
    EXPECT_INT_EQ(c[0].photo_len, 0);
    arena_free(arena);
}

TEST(vcard_reads_the_iphone_export_with_cr_cr_lf_lines)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "John_Doe_IPHONE.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "Mr. John Richter James Doe Sr.");
    expect_name(&c[0], "Doe", "John", "Richter,James", "Mr.", "Sr.");
    EXPECT_INT_EQ(c[0].n_emails, 1);
    expect_value(&c[0].emails[0], "john.doe@ibm.com", "internet", true);
    EXPECT_STR_EQ(S(c[0].emails[0].group), "item1");
    EXPECT_INT_EQ(c[0].n_phones, 7);
    expect_value(&c[0].phones[0], "905-555-1234", "cell,voice", true);
    expect_value(&c[0].phones[3], "905-888-1234", "home,fax", false);
    expect_value(&c[0].phones[5], "905-111-1234", "pager", false);
    expect_value(&c[0].phones[6], "905-222-1234", "", false);
    EXPECT_INT_EQ(c[0].n_addresses, 2);
    expect_address(&c[0].addresses[0], "home", "Silicon Alley 5,", "New York", "New York", "12345",
                   "United States of America");
    EXPECT(c[0].addresses[0].pref);
    expect_address(&c[0].addresses[1], "work", "Street4\nBuilding 6\nFloor 8", "New York", "",
                   "12345", "USA");
    EXPECT_STR_EQ(S(c[0].org), "IBM");
    EXPECT_STR_EQ(S(c[0].bday), "2012-06-06");
    expect_jpeg(&c[0], 32531);
    arena_free(arena);
}

TEST(vcard_reads_the_lotus_notes_export_and_pairs_its_label_with_the_address)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "John_Doe_LOTUS_NOTES.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "Mr. Doe John I Johny");
    expect_name(&c[0], "Doe", "John", "Johny", "Mr.", "I");
    EXPECT_STR_EQ(S(c[0].nickname), "Johny,JayJay");
    EXPECT_INT_EQ(c[0].n_emails, 2);
    expect_value(&c[0].emails[0], "john.doe@ibm.com", "internet,work", true);
    expect_value(&c[0].emails[1], "billy_bob@gmail.com", "internet,work", false);
    EXPECT_INT_EQ(c[0].n_phones, 2);
    expect_value(&c[0].phones[0], "+1 (212) 204-34456", "cell,voice", true);
    expect_value(&c[0].phones[1], "00-1-212-555-7777", "work,fax", false);
    EXPECT_INT_EQ(c[0].n_addresses, 1);
    expect_address(&c[0].addresses[0], "home", "25334\nSouth cresent drive, Building 5, 3rd floo r",
                   "New York", "New York", "NYC887", "U.S.A.");
    EXPECT_STR_EQ(S(c[0].addresses[0].label), "John Doe\nNew York, NewYork,\nSouth Crecent Dr "
                                              "ive,\nBuilding 5, floor 3,\nUSA");
    EXPECT_STR_EQ(S(c[0].bday), "1980-05-21");
    EXPECT_STR_EQ(S(c[0].uid), "0e7602cc-443e-4b82-b4b1-90f62f99a199");
    EXPECT_STR_EQ(S(c[0].geo), "geo:-2.600000,3.400000");
    EXPECT_STR_EQ(S(c[0].role), "Counting Money");
    expect_jpeg(&c[0], 7957);
    arena_free(arena);
}

TEST(vcard_reads_the_mac_address_book_export_with_its_lf_photo_lines)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "John_Doe_MAC_ADDRESS_BOOK.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "Mr. John Richter,James Doe Sr.");
    expect_name(&c[0], "Doe", "John", "Richter,James", "Mr.", "Sr.");
    EXPECT_INT_EQ(c[0].n_emails, 1);
    expect_value(&c[0].emails[0], "john.doe@ibm.com", "internet,work", true);
    EXPECT_INT_EQ(c[0].n_phones, 7);
    expect_value(&c[0].phones[0], "905-777-1234", "work", true);
    expect_value(&c[0].phones[2], "905-555-1234", "cell", false);
    EXPECT_STR_EQ(S(c[0].phones[6].group), "item1");
    EXPECT_INT_EQ(c[0].n_addresses, 2);
    expect_address(&c[0].addresses[0], "home", "Silicon Alley 5,", "New York", "New York", "12345",
                   "United States of America");
    expect_address(&c[0].addresses[1], "work", "Street4\nBuilding 6\nFloor 8", "New York", "",
                   "12345", "USA");
    EXPECT_STR_EQ(S(c[0].bday), "2012-06-06");
    expect_jpeg(&c[0], 18242);
    const struct vcard_extra *uid = find_extra(&c[0], NULL, "X-ABUID");
    EXPECT(uid != NULL);
    EXPECT_STR_EQ(uid->value, "6B29A774-D124-4822-B8D0-2780EC117F60\\:ABPerson");
    arena_free(arena);
}

TEST(vcard_reads_the_outlook_export_with_qp_labels)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "John_Doe_MS_OUTLOOK.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "Mr. John Richter James Doe Sr.");
    expect_name(&c[0], "Doe", "John", "Richter,James", "Mr.", "Sr.");
    EXPECT_INT_EQ(c[0].n_emails, 1);
    expect_value(&c[0].emails[0], "john.doe@ibm.cm", "internet", true);
    EXPECT_INT_EQ(c[0].n_phones, 2);
    expect_value(&c[0].phones[0], "(905) 555-1234", "work,voice", false);
    expect_value(&c[0].phones[1], "(905) 666-1234", "home,voice", false);
    EXPECT_INT_EQ(c[0].n_addresses, 2);
    expect_address(&c[0].addresses[0], "work", "Cresent moon drive", "Albaney", "New York", "12345",
                   "United States of America");
    EXPECT(c[0].addresses[0].pref);
    EXPECT_STR_EQ(S(c[0].addresses[0].label), "Cresent moon drive\nAlbaney, New York  12345");
    expect_address(&c[0].addresses[1], "home", "Silicon Alley 5,", "New York", "New York", "12345",
                   "United States of America");
    EXPECT_STR_EQ(S(c[0].addresses[1].label), "Silicon Alley 5,\nNew York, New York  12345");
    EXPECT_STR_EQ(S(c[0].bday), "1980-03-22");
    EXPECT_STR_EQ(S(c[0].role), "Counting Money");
    expect_jpeg(&c[0], 860);
    arena_free(arena);
}

TEST(vcard_reads_the_fullcontact_4_0_export)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "fullcontact.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].version), "4.0");
    EXPECT_STR_EQ(S(c[0].fn), "Prefix FirstName MiddleName LastName Suffix");
    expect_name(&c[0], "LastName", "FirstName", "MiddleName", "Prefix", "Suffix");
    EXPECT_INT_EQ(c[0].n_emails, 5);
    expect_value(&c[0].emails[0], "home@example.com", "home", false);
    expect_value(&c[0].emails[4], "custom@example.com", "customtype", false);
    EXPECT_INT_EQ(c[0].n_phones, 9);
    expect_value(&c[0].phones[0], "555-555-1111", "home,voice", false);
    expect_value(&c[0].phones[6], "555-555-1117", "work,fax", false);
    EXPECT_INT_EQ(c[0].n_addresses, 4);
    expect_address(&c[0].addresses[0], "home", "HomeStreet", "HomeCity", "HomeState", "HomePostal",
                   "HomeCountry");
    EXPECT_STR_EQ(S(c[0].addresses[0].extended), "HomeExtended");
    expect_address(&c[0].addresses[2], "other", "OtherStreet", "OtherCity", "OtherState",
                   "OtherPostal", "OtherCountry");
    EXPECT_STR_EQ(S(c[0].bday), "2016-08-01");
    EXPECT_STR_EQ(S(c[0].gender), "M");
    EXPECT_STR_EQ(S(c[0].org), "Organization1");
    EXPECT_STR_EQ(S(c[0].photo_uri), "https://d3m0kzytmr41b1.cloudfront.net/"
                                     "c335e945d1b60edd9d75eb4837c432f637e95c8a");
    EXPECT_INT_EQ(c[0].photo_len, 0);
    /* Repeats of single properties are kept, not dropped. */
    EXPECT(find_extra(&c[0], NULL, "TITLE") != NULL);
    EXPECT_STR_EQ(find_extra(&c[0], NULL, "BDAY")->params, "ALTID=1;VALUE=text");
    EXPECT_STR_EQ(find_extra(&c[0], NULL, "IMPP")->value, "xmpp:gtalk");
    arena_free(arena);
}

TEST(vcard_reads_the_gmail_list_of_three_cards)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "gmail-list.vcf", c), 3);
    EXPECT_STR_EQ(S(c[0].fn), "Arnold Smith");
    expect_name(&c[0], "Smith", "Arnold", "", "", "");
    expect_value(&c[0].emails[0], "asmithk@gmail.com", "internet", false);
    EXPECT_STR_EQ(S(c[1].fn), "Chris Beatle");
    expect_value(&c[1].emails[0], "chrisy55d@yahoo.com", "internet", false);
    /* The last card ends without a line break. */
    EXPECT(c[2].error == NULL);
    EXPECT_STR_EQ(S(c[2].fn), "Doug White");
    expect_name(&c[2], "White", "Doug", "", "", "");
    expect_value(&c[2].emails[0], "dwhite@gmail.com", "internet", false);
    EXPECT_INT_EQ(c[1].offset, c[0].next_offset);
    EXPECT_INT_EQ(c[2].next_offset, 331);
    arena_free(arena);
}

TEST(vcard_reads_the_gmail_single_card)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "gmail-single.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "Greg Dartmouth");
    expect_name(&c[0], "Dartmouth", "Greg", "", "", "");
    EXPECT_INT_EQ(c[0].n_emails, 1);
    expect_value(&c[0].emails[0], "gdartmouth@hotmail.com", "internet", false);
    EXPECT_INT_EQ(c[0].n_phones, 2);
    expect_value(&c[0].phones[0], "555 555 1111", "cell", false);
    expect_value(&c[0].phones[1], "555 555 2222", "", false);
    EXPECT_INT_EQ(c[0].n_addresses, 2);
    expect_address(&c[0].addresses[0], "home", "123 Home St\nHome City, HM 12345", "", "", "", "");
    expect_address(&c[0].addresses[1], "", "321 Custom St", "Custom City", "TX", "98765", "USA");
    EXPECT_STR_EQ(S(c[0].addresses[1].group), "item2");
    EXPECT_STR_EQ(S(c[0].bday), "1960-09-10");
    EXPECT_STR_EQ(S(c[0].note), "This is GMail's note field.\nIt should be added as a NOTE type."
                                "\nACustomField: CustomField");
    arena_free(arena);
}

TEST(vcard_reads_the_second_gmail_single_card)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "gmail-single2.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "VCard Test");
    expect_name(&c[0], "Test", "VCard", "", "", "");
    EXPECT_INT_EQ(c[0].n_emails, 5);
    expect_value(&c[0].emails[1], "homeemail@example.com", "internet,home", false);
    expect_value(&c[0].emails[4], "customcategory@example.com", "internet", false);
    EXPECT_INT_EQ(c[0].n_phones, 11);
    expect_value(&c[0].phones[0], "5555551111", "", false);
    expect_value(&c[0].phones[5], "5555551116", "main", false);
    expect_value(&c[0].phones[7], "5555551118", "work,fax", false);
    expect_value(&c[0].phones[10], "5555551121", "", false);
    EXPECT_INT_EQ(c[0].n_addresses, 5);
    expect_address(&c[0].addresses[0], "", "111 Main St", "NY", "New York", "10011", "");
    expect_address(&c[0].addresses[2], "work", "113 Main St", "NY", "New York", "10011", "");
    expect_address(&c[0].addresses[4], "", "115 Main St", "NY", "New York", "10011", "");
    EXPECT_STR_EQ(S(c[0].bday), "1912-06-23");
    EXPECT_INT_EQ(c[0].n_urls, 6);
    EXPECT_STR_EQ(S(c[0].urls[4].value), "http://www.example5.com");
    arena_free(arena);
}

TEST(vcard_reads_the_outlook_2003_card_with_its_qp_note)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "outlook-2003.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "John Doe III");
    expect_name(&c[0], "Doe", "John", "", "Mr.", "III");
    EXPECT_STR_EQ(S(c[0].org), "Company, The");
    EXPECT_STR_EQ(S(c[0].org_unit), "TheDepartment");
    EXPECT_STR_EQ(S(c[0].note), "This is the note field!!\nSecond line\n\nThird line is empty\n");
    EXPECT_INT_EQ(c[0].n_emails, 1);
    expect_value(&c[0].emails[0], "jdoe@hotmail.com", "internet", true);
    EXPECT_INT_EQ(c[0].n_phones, 4);
    expect_value(&c[0].phones[0], "BusinessPhone", "work,voice", false);
    expect_value(&c[0].phones[3], "BusinessFaxPhone", "work,fax", false);
    EXPECT_INT_EQ(c[0].n_addresses, 1);
    expect_address(&c[0].addresses[0], "work", "123 Main St", "Austin", "TX", "12345",
                   "United States of America");
    EXPECT_STR_EQ(S(c[0].addresses[0].extended), "TheOffice");
    EXPECT_STR_EQ(S(c[0].addresses[0].label),
                  "TheOffice\n123 Main St\nAustin, TX 12345\nUnited States of America");
    EXPECT_STR_EQ(S(c[0].bday), "1980-03-21");
    /* The certificate's base64 lines are indented by four spaces. */
    const struct vcard_extra *key = find_extra(&c[0], NULL, "KEY");
    EXPECT(key != NULL);
    EXPECT_STR_EQ(S(key->params), "X509;ENCODING=BASE64");
    EXPECT(strncmp(key->value, "MIIDITCCAoqgAwIBAgIQT52W2WawmStUwpV8tBV9", 40) == 0);
    EXPECT(strstr(key->value, " ") == NULL);
    EXPECT_INT_EQ(c[0].photo_len, 0);
    arena_free(arena);
}

TEST(vcard_reads_the_outlook_2007_card)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "outlook-2007.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "Mr. Michael Angstadt Jr.");
    expect_name(&c[0], "Angstadt", "Michael", "", "Mr.", "Jr.");
    EXPECT_INT_EQ(c[0].n_emails, 1);
    expect_value(&c[0].emails[0], "mike.angstadt@gmail.com", "internet", true);
    EXPECT_INT_EQ(c[0].n_phones, 4);
    expect_value(&c[0].phones[2], "(111) 555-4444", "cell,voice", false);
    EXPECT_INT_EQ(c[0].n_addresses, 1);
    expect_address(&c[0].addresses[0], "work", "222 Broadway", "New York", "NY", "99999", "USA");
    EXPECT_STR_EQ(S(c[0].addresses[0].label), "222 Broadway\nNew York, NY 99999\nUSA");
    EXPECT_STR_EQ(S(c[0].bday), "1922-03-10");
    EXPECT_CONTAINS(S(c[0].note), "This is the NOTE field\t\nI assume it encodes");
    expect_jpeg(&c[0], 2324);
    arena_free(arena);
}

TEST(vcard_reads_the_rfc_2426_example_with_lf_lines_and_folded_addresses)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "rfc2426-example.vcf", c), 2);
    EXPECT_STR_EQ(S(c[0].fn), "Frank Dawson");
    EXPECT_STR_EQ(S(c[0].org), "Lotus Development Corporation");
    expect_address(&c[0].addresses[0], "work,postal,parcel", "6544 Battleford Drive", "Raleigh",
                   "NC", "27613-3502", "U.S.A.");
    EXPECT_INT_EQ(c[0].n_phones, 2);
    expect_value(&c[0].phones[0], "+1-919-676-9515", "voice,msg,work", false);
    EXPECT_INT_EQ(c[0].n_emails, 2);
    expect_value(&c[0].emails[0], "Frank_Dawson@Lotus.com", "internet", true);
    expect_value(&c[0].emails[1], "fdawson@earthlink.net", "internet", false);
    EXPECT_STR_EQ(S(c[1].fn), "Tim Howes");
    expect_address(&c[1].addresses[0], "work", "501 E. Middlefield Rd.", "Mountain View", "CA",
                   "94043", "U.S.A.");
    expect_value(&c[1].emails[0], "howes@netscape.com", "internet", false);
    EXPECT_INT_EQ(c[1].line, 13);
    arena_free(arena);
}

TEST(vcard_reads_the_rfc_6350_example)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "rfc6350-example.vcf", c), 1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "Simon Perreault");
    expect_name(&c[0], "Perreault", "Simon", "", "", "ing. jr,M.Sc.");
    EXPECT_STR_EQ(S(c[0].bday), "--02-03");
    EXPECT_STR_EQ(S(c[0].anniversary), "2009-08-08");
    EXPECT_STR_EQ(S(c[0].gender), "M");
    EXPECT_STR_EQ(S(c[0].lang), "fr");
    EXPECT_STR_EQ(S(c[0].org), "Viagenie");
    expect_address(&c[0].addresses[0], "work", "2875 Laurier", "Quebec", "QC", "G1V 2M2", "Canada");
    EXPECT_STR_EQ(S(c[0].addresses[0].extended), "Suite D2-630");
    EXPECT_INT_EQ(c[0].n_phones, 2);
    expect_value(&c[0].phones[0], "tel:+1-418-656-9254;ext=102", "work,voice", true);
    expect_value(&c[0].phones[1], "tel:+1-418-262-6501", "work,cell,voice,video,text", false);
    expect_value(&c[0].emails[0], "simon.perreault@viagenie.ca", "work", false);
    EXPECT_STR_EQ(S(c[0].geo), "geo:46.772673,-71.282945");
    EXPECT_STR_EQ(S(c[0].tz), "-0500");
    EXPECT_STR_EQ(find_extra(&c[0], NULL, "KEY")->value,
                  "http://www.viagenie.ca/simon.perreault/simon.asc");
    arena_free(arena);
}

TEST(vcard_reads_the_thunderbird_export)
{
    struct arena *arena = arena_new();
    struct vcard c[MAX_CARDS];
    EXPECT_INT_EQ(read_sample(arena, "thunderbird-MoreFunctionsForAddressBook-extension.vcf", c),
                  1);
    EXPECT(c[0].error == NULL);
    EXPECT_STR_EQ(S(c[0].fn), "John Doe");
    expect_name(&c[0], "Doe", "John", "", "", "");
    EXPECT_INT_EQ(c[0].n_emails, 5);
    expect_value(&c[0].emails[0], "doe.john@hotmail.com", "internet", true);
    expect_value(&c[0].emails[4], "additional-email3@company.com", "internet", false);
    EXPECT_INT_EQ(c[0].n_phones, 5);
    expect_value(&c[0].phones[2], "555-555-5555", "cell,voice", false);
    expect_value(&c[0].phones[4], "555-555-4444", "pager", false);
    EXPECT_INT_EQ(c[0].n_addresses, 2);
    expect_address(&c[0].addresses[0], "work,postal", "Suite 100", "New York", "NY", "98765",
                   "USA");
    EXPECT_STR_EQ(S(c[0].addresses[0].extended), "222 Broadway");
    expect_address(&c[0].addresses[1], "home,postal", "Apt 10", "Austin", "TX", "12345", "USA");
    EXPECT_STR_EQ(S(c[0].bday), "1970-09-21");
    EXPECT_INT_EQ(c[0].n_categories, 1);
    EXPECT_STR_EQ(c[0].categories[0], "category1, category2, category3");
    EXPECT_STR_EQ(S(c[0].note), "This is the notes field.\nSecond Line\n\nFourth Line\nYou can "
                                "put anything in the \"note\" field; even curse words.");
    expect_jpeg(&c[0], 8940);
    arena_free(arena);
}

TEST(vcard_round_trips_every_sample_file)
{
    static const char *const files[] = {
        "John_Doe_ANDROID.vcf",
        "John_Doe_BLACK_BERRY.vcf",
        "John_Doe_EVOLUTION.vcf",
        "John_Doe_GMAIL.vcf",
        "John_Doe_IPHONE.vcf",
        "John_Doe_LOTUS_NOTES.vcf",
        "John_Doe_MAC_ADDRESS_BOOK.vcf",
        "John_Doe_MS_OUTLOOK.vcf",
        "fullcontact.vcf",
        "gmail-list.vcf",
        "gmail-single.vcf",
        "gmail-single2.vcf",
        "outlook-2003.vcf",
        "outlook-2007.vcf",
        "rfc2426-example.vcf",
        "rfc6350-example.vcf",
        "thunderbird-MoreFunctionsForAddressBook-extension.vcf",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        expect_round_trip(files[i]);
}

/* ---- Features ------------------------------------------------------------------------------ */

TEST(vcard_unfolds_continuation_lines_after_crlf_or_lf_and_a_space_or_tab)
{
    struct arena *arena = arena_new();
    struct vcard c = one_card(arena, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna\r\n  Maria\r\n"
                                     "NOTE:one\n\ttwo\r\n three\r\nEND:VCARD\r\n");
    EXPECT_STR_EQ(S(c.fn), "Anna Maria");
    EXPECT_STR_EQ(S(c.note), "onetwothree");
    arena_free(arena);
}

TEST(vcard_takes_unindented_base64_lines_of_a_2_1_photo)
{
    struct arena *arena = arena_new();
    /* FF D8 FF E0 00 10 4A 46 49 46 00 01 in three lines, the last two not indented. */
    struct vcard c = one_card(arena, "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jo\r\n"
                                     "PHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n/9j/\r\n4AAQ\r\n"
                                     "SkZJ RgAB\r\n\r\nTEL;HOME:123\r\nEND:VCARD\r\n");
    EXPECT_INT_EQ(c.photo_len, 12);
    EXPECT(memcmp(c.photo, "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01", 12) == 0);
    EXPECT_STR_EQ(S(c.photo_media_type), "image/jpeg");
    EXPECT_INT_EQ(c.n_phones, 1);
    expect_value(&c.phones[0], "123", "home", false);
    arena_free(arena);
}

TEST(vcard_joins_quoted_printable_soft_line_breaks)
{
    struct arena *arena = arena_new();
    struct vcard c = one_card(arena, "BEGIN:VCARD\r\nVERSION:2.1\r\n"
                                     "NOTE;ENCODING=QUOTED-PRINTABLE:first=0D=0Asec=\r\nond=3D=\r\n"
                                     "\r\nFN;QUOTED-PRINTABLE:Ann=\r\nEND:VCARD\r\n");
    EXPECT_STR_EQ(S(c.note), "first\nsecond=");
    /* A soft break never swallows the END:VCARD line. */
    EXPECT_STR_EQ(S(c.fn), "Ann");
    arena_free(arena);
}

TEST(vcard_converts_quoted_printable_windows_1251_to_utf8)
{
    struct arena *arena = arena_new();
    struct vcard c = one_card(arena, "BEGIN:VCARD\r\nVERSION:2.1\r\n"
                                     "N;CHARSET=windows-1251;ENCODING=QUOTED-PRINTABLE:"
                                     "=C8=E2=E0=ED=EE=E2;=C8=E2=E0=ED\r\n"
                                     "FN;CHARSET=CP1251;QUOTED-PRINTABLE:=C8=E2=E0=ED =C8=E2=E0="
                                     "\r\n=ED=EE=E2 =B8=A8=B9\r\n"
                                     "END:VCARD\r\n");
    expect_name(&c, "Иванов", "Иван", "", "", "");
    EXPECT_STR_EQ(S(c.fn), "Иван Иванов ёЁ№");
    arena_free(arena);
}

TEST(vcard_converts_latin1_koi8_r_and_raw_8bit_charsets)
{
    struct arena *arena = arena_new();
    struct vcard c =
        one_card(arena, "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                        "FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Jos=E9 M=FCller\r\n"
                        "NOTE;CHARSET=KOI8-R;ENCODING=QUOTED-PRINTABLE:=E9=D7=C1=CE\r\n"
                        "TITLE;CHARSET=windows-1251:\xC4\xE8\xF0\xE5\xEA\xF2\xEE\xF0\r\n"
                        "END:VCARD\r\n");
    EXPECT_STR_EQ(S(c.fn), "José Müller");
    EXPECT_STR_EQ(S(c.note), "Иван");
    EXPECT_STR_EQ(S(c.title), "Директор");
    arena_free(arena);
}

TEST(vcard_replaces_invalid_utf8_and_nul_bytes)
{
    struct arena *arena = arena_new();
    static const char text[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad\xC3(\xFF name\r\n"
                               "NOTE;ENCODING=QUOTED-PRINTABLE:a=00b\r\nEND:VCARD\r\n";
    struct vcard c = one_card(arena, text);
    EXPECT_STR_EQ(S(c.fn), "Bad\xEF\xBF\xBD(\xEF\xBF\xBD name");
    EXPECT_STR_EQ(S(c.note), "a\xEF\xBF\xBD"
                             "b");
    arena_free(arena);
}

TEST(vcard_decodes_photos_given_as_base64_b_and_data_uris)
{
    struct arena *arena = arena_new();
    struct vcard c21 = one_card(arena, "BEGIN:VCARD\r\nVERSION:2.1\r\nPHOTO;GIF;BASE64:\r\n"
                                       " R0lGODlh\r\n\r\nEND:VCARD\r\n");
    EXPECT_INT_EQ(c21.photo_len, 6);
    EXPECT(memcmp(c21.photo, "GIF89a", 6) == 0);
    EXPECT_STR_EQ(S(c21.photo_media_type), "image/gif");
    struct vcard c30 = one_card(arena, "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                                       "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\r\nEND:VCARD\r\n");
    EXPECT_INT_EQ(c30.photo_len, 8);
    EXPECT_STR_EQ(S(c30.photo_media_type), "image/png");
    struct vcard c40 = one_card(arena, "BEGIN:VCARD\r\nVERSION:4.0\r\n"
                                       "PHOTO:data:image/jpeg;base64,/9j/4AAQ\r\n SkZJRgAB\r\n"
                                       "END:VCARD\r\n");
    EXPECT_INT_EQ(c40.photo_len, 12);
    EXPECT_STR_EQ(S(c40.photo_media_type), "image/jpeg");
    EXPECT(c40.photo_uri == NULL);
    /* Without a declared type the bytes tell. */
    struct vcard sniffed = one_card(arena, "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                                           "PHOTO;ENCODING=b:/9j/4AAQ\r\nEND:VCARD\r\n");
    EXPECT_STR_EQ(S(sniffed.photo_media_type), "image/jpeg");
    struct vcard url =
        one_card(arena, "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                        "PHOTO;VALUE=uri:http\\://example.com/a.jpg\r\nEND:VCARD\r\n");
    EXPECT_STR_EQ(S(url.photo_uri), "http://example.com/a.jpg");
    EXPECT_INT_EQ(url.photo_len, 0);
    arena_free(arena);
}

TEST(vcard_reads_2_1_bare_params_as_types)
{
    struct arena *arena = arena_new();
    struct vcard c = one_card(arena, "BEGIN:VCARD\r\nVERSION:2.1\r\nTEL;WORK;VOICE:1\r\n"
                                     "TEL;HOME;FAX;PREF:2\r\nEMAIL;INTERNET;PREF:a@b.c\r\n"
                                     "END:VCARD\r\n");
    expect_value(&c.phones[0], "1", "work,voice", false);
    expect_value(&c.phones[1], "2", "home,fax", true);
    expect_value(&c.emails[0], "a@b.c", "internet", true);
    arena_free(arena);
}

TEST(vcard_reads_type_lists_repeated_types_quoted_values_and_pref)
{
    struct arena *arena = arena_new();
    struct vcard c = one_card(arena, "BEGIN:VCARD\r\nVERSION:4.0\r\n"
                                     "TEL;TYPE=WORK,Voice:1\r\n"
                                     "TEL;type=HOME;type=fax;type=pref:2\r\n"
                                     "TEL;TYPE=\"cell,text\";PREF=1:3\r\n"
                                     "TEL;TYPE=\"a;b:c\";PREF=2;TYPE=work;TYPE=WORK:4\r\n"
                                     "END:VCARD\r\n");
    expect_value(&c.phones[0], "1", "work,voice", false);
    expect_value(&c.phones[1], "2", "home,fax", true);
    expect_value(&c.phones[2], "3", "cell,text", true);
    expect_value(&c.phones[3], "4", "a;b:c,work", false);
    arena_free(arena);
}

TEST(vcard_keeps_property_groups)
{
    struct arena *arena = arena_new();
    struct vcard c = one_card(arena, "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                                     "item1.EMAIL;type=INTERNET:x@y.z\r\n"
                                     "item1.X-ABLabel:_$!<Other>!$_\r\nEND:VCARD\r\n");
    EXPECT_STR_EQ(S(c.emails[0].group), "item1");
    EXPECT_INT_EQ(c.n_extras, 1);
    EXPECT_STR_EQ(S(c.extras[0].group), "item1");
    EXPECT_STR_EQ(c.extras[0].name, "X-ABLabel");
    EXPECT_STR_EQ(c.extras[0].value, "_$!<Other>!$_");
    arena_free(arena);
}

TEST(vcard_unescapes_text_and_splits_structured_values_at_unescaped_semicolons)
{
    struct arena *arena = arena_new();
    struct vcard c = one_card(arena, "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                                     "NOTE:a\\nb\\Nc\\,d\\;e\\\\f\\x\r\n"
                                     "N:O\\;Brien;Pat\\, Jr;;;\r\n"
                                     "ADR:PO 1;Apt\\;2;1 Main St\\nBack;Town;Reg;123;Land\r\n"
                                     "CATEGORIES:one,two\\,three, four\r\n"
                                     "END:VCARD\r\n");
    EXPECT_STR_EQ(S(c.note), "a\nb\nc,d;e\\f\\x");
    expect_name(&c, "O;Brien", "Pat, Jr", "", "", "");
    EXPECT_STR_EQ(S(c.addresses[0].po_box), "PO 1");
    EXPECT_STR_EQ(S(c.addresses[0].extended), "Apt;2");
    expect_address(&c.addresses[0], "", "1 Main St\nBack", "Town", "Reg", "123", "Land");
    EXPECT_INT_EQ(c.n_categories, 3);
    EXPECT_STR_EQ(c.categories[1], "two,three");
    EXPECT_STR_EQ(c.categories[2], "four");
    arena_free(arena);
}

TEST(vcard_reads_names_and_params_in_any_case)
{
    struct arena *arena = arena_new();
    struct vcard c = one_card(arena, "begin:vcard\r\nversion:3.0\r\nfn:Lower\r\n"
                                     "Email;Type=Work:w@x.y\r\nbDaY:2001-02-03\r\nend:vcard\r\n");
    EXPECT_STR_EQ(S(c.fn), "Lower");
    expect_value(&c.emails[0], "w@x.y", "work", false);
    EXPECT_STR_EQ(S(c.bday), "2001-02-03");
    arena_free(arena);
}

TEST(vcard_keeps_x_properties_and_unknown_ones_as_extras)
{
    struct arena *arena = arena_new();
    struct vcard c =
        one_card(arena, "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                        "X-SKYPE;TYPE=work:live\\:abc\r\nIMPP:xmpp:a@b\r\n"
                        "X-QP;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8;X-A=1:a=0D=0Ab\r\n"
                        "END:VCARD\r\n");
    EXPECT_INT_EQ(c.n_extras, 3);
    EXPECT_STR_EQ(c.extras[0].name, "X-SKYPE");
    EXPECT_STR_EQ(S(c.extras[0].params), "TYPE=work");
    EXPECT_STR_EQ(c.extras[0].value, "live\\:abc");
    EXPECT_STR_EQ(c.extras[1].value, "xmpp:a@b");
    /* Decoded, with the params that decoding used up dropped. */
    EXPECT_STR_EQ(S(c.extras[2].params), "X-A=1");
    EXPECT_STR_EQ(c.extras[2].value, "a\\nb");
    arena_free(arena);
}

TEST(vcard_normalises_birthdays_to_iso_dates)
{
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        {"19960415", "1996-04-15"},
        {"1996-04-15", "1996-04-15"},
        {"--0415", "--04-15"},
        {"--04-15", "--04-15"},
        {"1996-04-15T00:00:00Z", "1996-04-15"},
        {"19960415T102200", "1996-04-15"},
        {"2000-02-29", "2000-02-29"},
        {"--0229", "--02-29"},
    };
    struct arena *arena = arena_new();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = arena_printf(arena, "BEGIN:VCARD\r\nVERSION:3.0\r\nBDAY:%s\r\nEND:VCARD\r\n",
                                  cases[i].in);
        struct vcard c = one_card(arena, text);
        EXPECT_STR_EQ(S(c.bday), cases[i].want);
    }
    /* Not a full date: kept as an extra, not guessed. */
    static const char *const kept[] = {"1900-02-29", "1996-13-01", "circa 1800", "1996-04"};
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        char *text =
            arena_printf(arena, "BEGIN:VCARD\r\nVERSION:4.0\r\nBDAY:%s\r\nEND:VCARD\r\n", kept[i]);
        struct vcard c = one_card(arena, text);
        EXPECT(c.bday == NULL);
        EXPECT_STR_EQ(S(find_extra(&c, NULL, "BDAY")->value), kept[i]);
    }
    struct vcard apple = one_card(arena, "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                                         "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-22\r\nEND:VCARD\r\n");
    EXPECT_STR_EQ(S(apple.bday), "--03-22");
    arena_free(arena);
}

/* ---- Broken input -------------------------------------------------------------------------- */

TEST(vcard_reports_a_card_without_end_and_reads_the_good_card_after_it)
{
    struct arena *arena = arena_new();
    static const char text[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lost\r\n"
                               "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Found\r\nEND:VCARD\r\n";
    struct vcard cards[MAX_CARDS];
    struct err err;
    EXPECT_INT_EQ(read_cards(arena, text, strlen(text), NULL, cards, &err), 2);
    EXPECT_STR_EQ(S(cards[0].error), "line 1: the card has no END:VCARD");
    EXPECT_STR_EQ(S(cards[0].fn), "Lost");
    size_t found = (size_t)(strstr(text, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Found") - text);
    EXPECT_INT_EQ(cards[0].next_offset, found);
    EXPECT(cards[1].error == NULL);
    EXPECT_STR_EQ(S(cards[1].fn), "Found");
    EXPECT_INT_EQ(cards[1].line, 4);
    EXPECT_INT_EQ(cards[1].offset, found);
    /* The same at the end of the text. */
    EXPECT_INT_EQ(read_cards(arena, text, found, NULL, cards, &err), 1);
    EXPECT_STR_EQ(S(cards[0].error), "line 1: the card has no END:VCARD");
    arena_free(arena);
}

TEST(vcard_reports_a_line_without_colon_and_goes_on)
{
    struct arena *arena = arena_new();
    static const char text[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:One\r\nthis is not a property\r\n"
                               "bad name:x\r\nEND:VCARD\r\n"
                               "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Two\r\nEND:VCARD\r\n";
    struct vcard cards[MAX_CARDS];
    struct err err;
    EXPECT_INT_EQ(read_cards(arena, text, strlen(text), NULL, cards, &err), 2);
    EXPECT_STR_EQ(S(cards[0].error), "line 4: the line has no ':'");
    EXPECT_STR_EQ(S(cards[0].fn), "One");
    EXPECT(cards[1].error == NULL);
    EXPECT_STR_EQ(S(cards[1].fn), "Two");
    arena_free(arena);
}

TEST(vcard_reports_a_bad_property_name)
{
    struct arena *arena = arena_new();
    static const char text[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nbad name:x\r\nEND:VCARD\r\n";
    struct vcard cards[MAX_CARDS];
    struct err err;
    EXPECT_INT_EQ(read_cards(arena, text, strlen(text), NULL, cards, &err), 1);
    EXPECT_STR_EQ(S(cards[0].error), "line 3: the property name is not valid");
    arena_free(arena);
}

/* A card with a photo of photo_chars base64 characters in lines of 74, then a good card. */
static char *card_with_big_photo(size_t photo_chars, bool folded, size_t *len)
{
    static const char head[] =
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nPHOTO;ENCODING=b;TYPE=JPEG:";
    static const char tail[] =
        "\r\nTEL:1\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Small\r\n"
        "END:VCARD\r\n";
    size_t cap = sizeof(head) + photo_chars + photo_chars / 74 * 3 + sizeof(tail) + 16;
    char *text = malloc(cap);
    EXPECT(text != NULL);
    size_t o = 0;
    memcpy(text, head, sizeof(head) - 1);
    o += sizeof(head) - 1;
    for (size_t i = 0; i < photo_chars; i++) {
        if (folded && i > 0 && i % 74 == 0) {
            memcpy(text + o, "\r\n ", 3);
            o += 3;
        }
        text[o++] = 'A';
    }
    memcpy(text + o, tail, sizeof(tail) - 1);
    o += sizeof(tail) - 1;
    *len = o;
    return text;
}

TEST(vcard_fails_a_50_mb_photo_fast_without_decoding_it)
{
    struct arena *arena = arena_new();
    size_t len;
    char *text = card_with_big_photo((size_t)50 * 1024 * 1024, true, &len);
    struct vcard cards[MAX_CARDS];
    struct err err;
    EXPECT_INT_EQ(read_cards(arena, text, len, NULL, cards, &err), 2);
    EXPECT_STR_EQ(S(cards[0].error), "line 4: the photo is larger than 5 MiB");
    EXPECT_STR_EQ(S(cards[0].fn), "Big");
    EXPECT_INT_EQ(cards[0].n_phones, 1);
    EXPECT_INT_EQ(cards[0].photo_len, 0);
    EXPECT(cards[1].error == NULL);
    EXPECT_STR_EQ(S(cards[1].fn), "Small");
    /* Nothing of the photo reached the arena. */
    EXPECT(arena_used_bytes(arena) < 256 * 1024);
    free(text);
    arena_free(arena);
}

TEST(vcard_fails_a_photo_over_the_limit_on_one_line_or_after_decoding)
{
    struct arena *arena = arena_new();
    size_t len;
    char *text = card_with_big_photo((size_t)8 * 1024 * 1024, false, &len);
    struct vcard cards[MAX_CARDS];
    struct err err;
    EXPECT_INT_EQ(read_cards(arena, text, len, NULL, cards, &err), 2);
    EXPECT_STR_EQ(S(cards[0].error), "line 4: the photo is larger than 5 MiB");
    EXPECT_STR_EQ(S(cards[1].fn), "Small");
    free(text);
    /* Within the copying slack, caught by the size check before decoding. */
    struct vcard_limits limits = {.max_photo_bytes = 1000};
    text = card_with_big_photo(1400, true, &len);
    EXPECT_INT_EQ(read_cards(arena, text, len, &limits, cards, &err), 2);
    EXPECT_STR_EQ(S(cards[0].error), "line 4: the photo is larger than 1000 bytes");
    free(text);
    arena_free(arena);
}

TEST(vcard_reports_bad_base64_in_a_photo)
{
    struct arena *arena = arena_new();
    static const char text[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\n"
                               "PHOTO;ENCODING=b:/9j/4A*Q\r\nEND:VCARD\r\n"
                               "BEGIN:VCARD\r\nVERSION:4.0\r\nPHOTO:data:image/png;base64,AB=C\r\n"
                               "END:VCARD\r\n";
    struct vcard cards[MAX_CARDS];
    struct err err;
    EXPECT_INT_EQ(read_cards(arena, text, strlen(text), NULL, cards, &err), 2);
    EXPECT_STR_EQ(S(cards[0].error), "line 4: the photo is not valid base64");
    EXPECT_STR_EQ(S(cards[1].error), "line 8: the photo is not valid base64");
    arena_free(arena);
}

TEST(vcard_reports_too_many_properties_and_too_large_cards)
{
    struct arena *arena = arena_new();
    static const char text[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nNOTE:1\r\nX-A:2\r\n"
                               "X-B:3\r\nEND:VCARD\r\n";
    struct vcard cards[MAX_CARDS];
    struct err err;
    struct vcard_limits few = {.max_properties = 3};
    EXPECT_INT_EQ(read_cards(arena, text, strlen(text), &few, cards, &err), 1);
    EXPECT_STR_EQ(S(cards[0].error), "line 5: the card has more than 3 properties");
    /* VERSION:3.0, FN:A and NOTE:1 make 21 bytes. */
    struct vcard_limits small = {.max_card_bytes = 21};
    EXPECT_INT_EQ(read_cards(arena, text, strlen(text), &small, cards, &err), 1);
    EXPECT_STR_EQ(S(cards[0].error), "line 5: the card is larger than 21 bytes");
    EXPECT_INT_EQ(cards[0].next_offset, strlen(text));
    arena_free(arena);
}

TEST(vcard_refuses_text_that_is_not_a_vcard)
{
    struct arena *arena = arena_new();
    static const char text[] = "\x89PNG\r\n\x1a\nsome binary\r\nFN:not in a card\r\n";
    struct vcard cards[MAX_CARDS];
    struct err err;
    EXPECT_INT_EQ(read_cards(arena, text, sizeof(text) - 1, NULL, cards, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(err.detail, "line 1: not a vCard (BEGIN:VCARD expected)");
    EXPECT_INT_EQ(read_cards(arena, "", 0, NULL, cards, &err), 0);
    EXPECT_INT_EQ(read_cards(arena, "\xEF\xBB\xBF\r\n\r\n", 7, NULL, cards, &err), 0);
    arena_free(arena);
}

TEST(vcard_reports_text_between_cards_and_goes_on)
{
    struct arena *arena = arena_new();
    static const char text[] = "BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\ngarbage\r\nmore\r\n"
                               "BEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\ntrailing\r\n";
    struct vcard cards[MAX_CARDS];
    struct err err;
    EXPECT_INT_EQ(read_cards(arena, text, strlen(text), NULL, cards, &err), 4);
    EXPECT_STR_EQ(S(cards[0].fn), "A");
    EXPECT_STR_EQ(S(cards[1].error), "line 4: text outside a vCard");
    EXPECT_INT_EQ(cards[1].next_offset, cards[2].offset);
    EXPECT_STR_EQ(S(cards[2].fn), "B");
    EXPECT_STR_EQ(S(cards[3].error), "line 9: text outside a vCard");
    arena_free(arena);
}

TEST(vcard_reader_resumes_at_a_cards_next_offset)
{
    struct arena *arena = arena_new();
    static const char text[] = "\xEF\xBB\xBF"
                               "BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n\r\n"
                               "BEGIN:VCARD\nFN:B\nEND:VCARD\n"
                               "BEGIN:VCARD\r\nFN:C\r\nEND:VCARD\r\n";
    struct vcard_reader *r;
    struct vcard c;
    struct err err;
    EXPECT_INT_EQ(vcard_reader_open(arena, text, strlen(text), NULL, &r), 0);
    EXPECT_INT_EQ(vcard_reader_next(r, arena, &c, &err), 1);
    EXPECT_INT_EQ(c.offset, 3);
    size_t after_a = c.next_offset;
    EXPECT_INT_EQ(vcard_reader_next(r, arena, &c, &err), 1);
    size_t b_offset = c.offset, after_b = c.next_offset;
    EXPECT_INT_EQ(c.line, 5);

    struct vcard_reader *again;
    EXPECT_INT_EQ(vcard_reader_open(arena, text, strlen(text), NULL, &again), 0);
    EXPECT_INT_EQ(vcard_reader_seek(again, after_b, &err), 0);
    EXPECT_INT_EQ(vcard_reader_next(again, arena, &c, &err), 1);
    EXPECT_STR_EQ(S(c.fn), "C");
    EXPECT_INT_EQ(c.line, 8);
    EXPECT_INT_EQ(vcard_reader_next(again, arena, &c, &err), 0);
    EXPECT_INT_EQ(vcard_reader_seek(again, after_a, &err), 0);
    EXPECT_INT_EQ(vcard_reader_next(again, arena, &c, &err), 1);
    EXPECT_STR_EQ(S(c.fn), "B");
    EXPECT_INT_EQ(c.offset, b_offset);
    EXPECT_INT_EQ(vcard_reader_seek(again, strlen(text) + 1, &err), -ERR_BAD_REQUEST);
    arena_free(arena);
}

/* ---- Writer -------------------------------------------------------------------------------- */

/* The card written as vCard 4.0 into a heap buffer that the arena releases. */
static const char *written(struct arena *arena, const struct vcard *c)
{
    struct buf *out = arena_alloc(arena, sizeof(*out));
    buf_init(out, 16 * 1024 * 1024);
    arena_defer(arena, buf_release_cb, out);
    EXPECT_INT_EQ(vcard_write(out, c), 0);
    return buf_cstr(out);
}

/* The text with its folds (CRLF and a space) taken out. */
static const char *unfolded(struct arena *arena, const char *text)
{
    size_t n = strlen(text), o = 0;
    char *out = arena_alloc(arena, n + 1);
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\r' && text[i + 1] == '\n' && text[i + 2] == ' ')
            i += 2;
        else
            out[o++] = text[i];
    }
    return out;
}

TEST(vcard_write_folds_at_75_octets_between_utf8_characters_with_crlf)
{
    struct arena *arena = arena_new();
    struct vcard c = {0};
    c.fn = "Жанна-Мария Александровна Константинопольская-Преображенская "
           "Длинноимённая 😀 и ещё немного текста";
    c.note = "x";
    const char *out = written(arena, &c);
    size_t line_start = 0, n = strlen(out);
    for (size_t i = 0; i < n; i++) {
        if (out[i] == '\n') {
            EXPECT(i > 0 && out[i - 1] == '\r');
            EXPECT(i - 1 - line_start <= 75);
            line_start = i + 1;
            /* A continuation line never starts inside a UTF-8 character. */
            EXPECT(i + 2 >= n || ((unsigned char)out[i + 2] & 0xC0) != 0x80);
        }
    }
    EXPECT(strstr(out, "\r\n ") != NULL);
    struct vcard back = one_card(arena, out);
    EXPECT_STR_EQ(S(back.fn), c.fn);
    arena_free(arena);
}

TEST(vcard_write_escapes_text_and_writes_types_pref_and_groups)
{
    struct arena *arena = arena_new();
    struct vcard_value emails[] = {{.value = "a@b.c", .type = "work", .pref = true},
                                   {.group = "item1", .value = "x@y.z"}};
    struct vcard_value phones[] = {{.value = "+1 555", .type = "work,voice"},
                                   {.value = "2", .type = "odd:type"}};
    struct vcard c = {.fn = "Doe, John; Jr.",
                      .note = "line1\nline2\\end",
                      .emails = emails,
                      .n_emails = 2,
                      .phones = phones,
                      .n_phones = 2};
    c.n = (struct vcard_name){.family = "Doe", .given = "John", .suffix = "Jr."};
    const char *out = written(arena, &c);
    const char *flat = unfolded(arena, out);
    EXPECT_CONTAINS(flat, "BEGIN:VCARD\r\nVERSION:4.0\r\n");
    EXPECT_CONTAINS(flat, "\r\nFN:Doe\\, John\\; Jr.\r\n");
    EXPECT_CONTAINS(flat, "\r\nN:Doe;John;;;Jr.\r\n");
    EXPECT_CONTAINS(flat, "\r\nNOTE:line1\\nline2\\\\end\r\n");
    EXPECT_CONTAINS(flat, "\r\nEMAIL;TYPE=work;PREF=1:a@b.c\r\n");
    EXPECT_CONTAINS(flat, "\r\nitem1.EMAIL:x@y.z\r\n");
    EXPECT_CONTAINS(flat, "\r\nTEL;TYPE=work,voice:+1 555\r\n");
    EXPECT_CONTAINS(flat, "\r\nTEL;TYPE=\"odd:type\":2\r\n");
    EXPECT(strstr(out, "END:VCARD\r\n") == out + strlen(out) - 11);
    struct vcard back = one_card(arena, out);
    EXPECT_STR_EQ(S(back.fn), c.fn);
    EXPECT_STR_EQ(S(back.note), c.note);
    expect_value(&back.phones[1], "2", "odd:type", false);
    arena_free(arena);
}

TEST(vcard_write_puts_the_photo_in_a_data_uri_and_dates_in_basic_form)
{
    struct arena *arena = arena_new();
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0};
    struct vcard c = {.fn = "P",
                      .photo = png,
                      .photo_len = sizeof(png),
                      .photo_media_type = "image/png",
                      .bday = "1996-04-15",
                      .anniversary = "--04-15"};
    const char *out = written(arena, &c);
    const char *flat = unfolded(arena, out);
    EXPECT_CONTAINS(flat, "\r\nPHOTO:data:image/png;base64,iVBORw0KGgoAAA==\r\n");
    EXPECT_CONTAINS(flat, "\r\nBDAY:19960415\r\n");
    EXPECT_CONTAINS(flat, "\r\nANNIVERSARY:--0415\r\n");
    struct vcard back = one_card(arena, out);
    EXPECT_INT_EQ(back.photo_len, sizeof(png));
    EXPECT(memcmp(back.photo, png, sizeof(png)) == 0);
    EXPECT_STR_EQ(S(back.bday), "1996-04-15");
    EXPECT_STR_EQ(S(back.anniversary), "--04-15");
    arena_free(arena);
}

TEST(vcard_write_gives_adr_its_seven_parts_and_label)
{
    struct arena *arena = arena_new();
    struct vcard_address adr = {.type = "home",
                                .pref = true,
                                .street = "1 Main St\nFlat 2",
                                .locality = "Town",
                                .postal_code = "123",
                                .country = "Land",
                                .label = "1 Main St\nTown \"Centre\""};
    struct vcard c = {.fn = "A", .addresses = &adr, .n_addresses = 1};
    const char *out = written(arena, &c);
    const char *flat = unfolded(arena, out);
    EXPECT_CONTAINS(flat, "ADR;TYPE=home;PREF=1;LABEL=\"1 Main St^nTown ^'Centre^'\":;;1 Main St"
                          "\\nFlat 2;Town;;123;Land\r\n");
    struct vcard back = one_card(arena, out);
    EXPECT_INT_EQ(back.n_addresses, 1);
    expect_address(&back.addresses[0], "home", "1 Main St\nFlat 2", "Town", "", "123", "Land");
    EXPECT_STR_EQ(S(back.addresses[0].label), adr.label);
    arena_free(arena);
}

TEST(vcard_write_gives_the_extras_back)
{
    struct arena *arena = arena_new();
    struct vcard_extra extras[] = {{.group = "item1", .name = "X-ABLabel", .value = "Home"},
                                   {.name = "X-SKYPE", .params = "TYPE=work", .value = "live\\:a"},
                                   {.name = "bad name", .value = "dropped"}};
    struct vcard c = {.fn = "E", .extras = extras, .n_extras = 3, .categories = NULL};
    const char *out = written(arena, &c);
    const char *flat = unfolded(arena, out);
    EXPECT_CONTAINS(flat, "\r\nitem1.X-ABLabel:Home\r\n");
    EXPECT_CONTAINS(flat, "\r\nX-SKYPE;TYPE=work:live\\:a\r\n");
    EXPECT(strstr(out, "dropped") == NULL);
    arena_free(arena);
}

TEST(vcard_write_fails_cleanly_when_the_buffer_is_full)
{
    struct arena *arena = arena_new();
    struct vcard c = {.fn = "A rather long name that does not fit"};
    struct buf out;
    buf_init(&out, 40);
    EXPECT_INT_EQ(vcard_write(&out, &c), -ERR_TOO_LARGE);
    buf_release(&out);
    arena_free(arena);
}
