/*
 * Fuzz target for the vCard reader and writer (src/formats/vcard.c). The
 * input is read as a .vcf file with small limits (so that fuzzing reaches
 * them): it is refused as a whole, or gives cards in increasing offsets
 * whose strings are UTF-8 and whose photo is within the limit. Reading again
 * from a card's offset gives the same card. Every card without an error is
 * written as vCard 4.0 and must read back as one card without an error,
 * with the same e-mails, phones, addresses and photo bytes. (The read-back
 * limits are looser: the writer adds FN and may escape what 2.1 left bare.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/utf8.h"
#include "formats/vcard.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define FUZZ_MAX_CARDS 64
#define FUZZ_RESUMES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct vcard_limits fuzz_limits = {
    .max_card_bytes = 4096,
    .max_photo_bytes = 1024,
    .max_properties = 64,
};

static void fuzz_check_str(const char *s)
{
    if (s != NULL)
        FUZZ_CHECK(utf8_valid(s, strlen(s)));
}

static void fuzz_check_values(const struct vcard_value *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(v[i].value != NULL && v[i].value[0] != '\0');
        fuzz_check_str(v[i].value);
        fuzz_check_str(v[i].type);
        fuzz_check_str(v[i].group);
    }
}

static void fuzz_check_card(const struct vcard *c)
{
    const char *const texts[] = {
        c->error,        c->version,  c->uid,      c->fn,       c->n.family,    c->n.given,
        c->n.additional, c->n.prefix, c->n.suffix, c->nickname, c->org,         c->org_unit,
        c->title,        c->role,     c->note,     c->bday,     c->anniversary, c->photo_media_type,
        c->photo_uri,    c->gender,   c->lang,     c->tz,       c->geo};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        fuzz_check_str(texts[i]);
    fuzz_check_values(c->emails, c->n_emails);
    fuzz_check_values(c->phones, c->n_phones);
    fuzz_check_values(c->urls, c->n_urls);
    for (size_t i = 0; i < c->n_addresses; i++) {
        const struct vcard_address *a = &c->addresses[i];
        const char *const parts[] = {a->type,   a->po_box,      a->extended, a->street, a->locality,
                                     a->region, a->postal_code, a->country,  a->label,  a->group};
        for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++)
            fuzz_check_str(parts[k]);
    }
    for (size_t i = 0; i < c->n_categories; i++)
        fuzz_check_str(c->categories[i]);
    for (size_t i = 0; i < c->n_extras; i++) {
        FUZZ_CHECK(c->extras[i].name != NULL);
        fuzz_check_str(c->extras[i].group);
        fuzz_check_str(c->extras[i].params);
        fuzz_check_str(c->extras[i].value);
    }
    FUZZ_CHECK(c->photo_len <= fuzz_limits.max_photo_bytes);
    FUZZ_CHECK(c->photo_len == 0 || c->photo_media_type != NULL);
    if (c->bday != NULL)
        FUZZ_CHECK(strlen(c->bday) == 10 || strlen(c->bday) == 7);
    FUZZ_CHECK(c->line >= 1);
    FUZZ_CHECK(c->next_offset > c->offset);
}

static void fuzz_same_values(const struct vcard_value *a, size_t na, const struct vcard_value *b,
                             size_t nb)
{
    FUZZ_CHECK(na == nb);
    for (size_t i = 0; i < na; i++)
        FUZZ_CHECK(strcmp(a[i].value, b[i].value) == 0);
}

/* Writes the card, reads it back and compares what an import keeps. */
static void fuzz_round_trip(struct arena *arena, const struct vcard *c)
{
    struct buf out;
    buf_init(&out, (size_t)1 << 20);
    FUZZ_CHECK(vcard_write(&out, c) == 0);
    struct vcard_limits looser = fuzz_limits;
    looser.max_card_bytes = fuzz_limits.max_card_bytes * 3 + 4096;
    looser.max_properties = fuzz_limits.max_properties + 2;
    struct vcard_reader *r;
    struct vcard again, none;
    struct err err;
    err_clear(&err);
    FUZZ_CHECK(vcard_reader_open(arena, out.data, out.len, &looser, &r) == 0);
    int rc = vcard_reader_next(r, arena, &again, &err);
    if (rc != 1 || again.error != NULL)
        fprintf(stderr, "read back: rc=%d %s %s\n%s\n", rc, err.detail,
                rc == 1 && again.error != NULL ? again.error : "", buf_cstr(&out));
    FUZZ_CHECK(rc == 1 && again.error == NULL);
    FUZZ_CHECK(vcard_reader_next(r, arena, &none, &err) == 0);
    fuzz_same_values(c->emails, c->n_emails, again.emails, again.n_emails);
    fuzz_same_values(c->phones, c->n_phones, again.phones, again.n_phones);
    FUZZ_CHECK(c->n_addresses == again.n_addresses);
    FUZZ_CHECK(c->photo_len == again.photo_len);
    FUZZ_CHECK(c->photo_len == 0 || memcmp(c->photo, again.photo, c->photo_len) == 0);
    FUZZ_CHECK((c->fn == NULL) == (again.fn == NULL));
    FUZZ_CHECK(c->fn == NULL || strcmp(c->fn, again.fn) == 0);
    buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *arena = arena_new();
    struct vcard_reader *r;
    struct vcard card;
    struct err err;
    size_t offsets[FUZZ_RESUMES], next_offsets[FUZZ_RESUMES];
    const char *errors[FUZZ_RESUMES];
    size_t n = 0, last_next = 0;
    int rc;
    err_clear(&err);
    FUZZ_CHECK(vcard_reader_open(arena, (const char *)data, size, &fuzz_limits, &r) == 0);
    while ((rc = vcard_reader_next(r, arena, &card, &err)) == 1) {
        fuzz_check_card(&card);
        FUZZ_CHECK(card.offset >= last_next && card.next_offset <= size);
        last_next = card.next_offset;
        if (n < FUZZ_RESUMES) {
            offsets[n] = card.offset;
            next_offsets[n] = card.next_offset;
            errors[n] = card.error;
        }
        if (card.error == NULL && n < FUZZ_MAX_CARDS) {
            fuzz_round_trip(arena, &card);
        }
        n++;
    }
    FUZZ_CHECK(rc == 0 || rc == -ERR_VALIDATION);
    for (size_t i = 0; i < n && i < FUZZ_RESUMES; i++) {
        struct vcard_reader *again;
        FUZZ_CHECK(vcard_reader_open(arena, (const char *)data, size, &fuzz_limits, &again) == 0);
        FUZZ_CHECK(vcard_reader_seek(again, offsets[i], &err) == 0);
        FUZZ_CHECK(vcard_reader_next(again, arena, &card, &err) == 1);
        FUZZ_CHECK(card.offset == offsets[i] && card.next_offset == next_offsets[i]);
        FUZZ_CHECK((card.error == NULL) == (errors[i] == NULL));
        FUZZ_CHECK(card.error == NULL || strcmp(card.error, errors[i]) == 0);
    }
    arena_free(arena);
    return 0;
}
