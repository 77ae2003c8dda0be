/*
 * vCard 2.1, 3.0 and 4.0 reader and vCard 4.0 writer (RFC 2425, 2426, 6350),
 * pure functions over a buffer. The reader returns one card at a time; a
 * broken card is reported in card->error and reading goes on with the next
 * BEGIN:VCARD, so one bad card never costs the rest of the file. Every
 * string of a card is UTF-8, NUL-terminated, NULL when absent or empty.
 */
#ifndef CRM_FORMATS_VCARD_H
#define CRM_FORMATS_VCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct err;

#define VCARD_MAX_CARD_BYTES (1024 * 1024)      /* one card, its first photo excluded */
#define VCARD_MAX_PHOTO_BYTES (5 * 1024 * 1024) /* the decoded photo */
#define VCARD_MAX_PROPERTIES 1000               /* content lines of one card */

/* A zero field takes the default above. */
struct vcard_limits {
    size_t max_card_bytes;
    size_t max_photo_bytes;
    size_t max_properties;
};

/* An EMAIL, TEL or URL. */
struct vcard_value {
    const char *group; /* "item1" of item1.EMAIL (item1.X-ABLabel, an extra, names it) */
    const char *value;
    const char *type; /* lowercased TYPE values joined by ',' ("work,voice"), "pref" left out */
    bool pref;        /* PREF=1, TYPE=pref or the 2.1 bare PREF */
};

struct vcard_name {
    const char *family;
    const char *given;
    const char *additional;
    const char *prefix;
    const char *suffix;
};

/* The seven parts of an ADR; label is the LABEL param (4.0) or the LABEL property (2.1, 3.0). */
struct vcard_address {
    const char *group;
    const char *type;
    bool pref;
    const char *po_box;
    const char *extended;
    const char *street;
    const char *locality;
    const char *region;
    const char *postal_code;
    const char *country;
    const char *label;
};

/*
 * A property the model has no field for, or a repeat of a single one (a
 * second FN, ORG or PHOTO), kept so that nothing is lost: written back as
 * [group "."] name [";" params] ":" value. The value is as in the file
 * (still escaped), after quoted-printable and charset decoding; params lose
 * the ENCODING=QUOTED-PRINTABLE and CHARSET that were applied. VERSION and
 * PRODID are not extras (the writer writes its own VERSION and no PRODID).
 */
struct vcard_extra {
    const char *group; /* "item1" of item1.X-ABLabel */
    const char *name;
    const char *params; /* "TYPE=HOME;X-FOO=\"a:b\"" */
    const char *value;
};

struct vcard {
    size_t line;        /* line of BEGIN:VCARD, from 1 */
    size_t offset;      /* byte offset of BEGIN:VCARD */
    size_t next_offset; /* where the next card (or text) starts: resume reading there */
    /*
     * "line 40: the photo is larger than 5 MiB" when the card is broken; the
     * other fields then hold what could be read (an importer skips the card
     * or takes it without the broken part).
     */
    const char *error;

    const char *version; /* "2.1", "3.0", "4.0" as the card says */
    const char *uid;
    const char *fn;
    struct vcard_name n;
    const char *nickname; /* several are joined by ',' */
    struct vcard_value *emails;
    size_t n_emails;
    struct vcard_value *phones;
    size_t n_phones;
    struct vcard_value *urls;
    size_t n_urls;
    struct vcard_address *addresses;
    size_t n_addresses;
    const char *org;
    const char *org_unit; /* the units after the name, joined by ';' */
    const char *title;
    const char *role;
    const char *note; /* lines separated by '\n' */
    const char *bday; /* "1996-04-15", or "--04-15" without a year */
    const char *anniversary;
    const char **categories;
    size_t n_categories;
    const uint8_t *photo; /* decoded bytes (inline photo) */
    size_t photo_len;
    const char *photo_media_type; /* "image/jpeg" */
    const char *photo_uri;        /* a photo given by a URL that is not data: */
    const char *gender;           /* as in the file: "M", "F;woman" */
    const char *lang;
    const char *tz;
    const char *geo; /* "geo:46.77,-71.28" (a 3.0 "lat;lon" is converted) */
    struct vcard_extra *extras;
    size_t n_extras;
};

struct vcard_reader;

/*
 * Prepares to read the vCards in data[0, len) (a leading UTF-8 BOM is
 * skipped). The reader and its scratch space come from the arena; data must
 * outlive the reader. limits may be NULL for the defaults.
 */
int vcard_reader_open(struct arena *arena, const char *data, size_t len,
                      const struct vcard_limits *limits, struct vcard_reader **out);

/* Continues at a card's offset or next_offset from an earlier read of the same data. */
int vcard_reader_seek(struct vcard_reader *reader, size_t offset, struct err *err);

/*
 * Reads the next card into *card, its strings and arrays allocated in arena
 * (one arena per batch of cards keeps memory bounded). Returns 1 with a card
 * (check card->error), 0 at the end, or -ERR_VALIDATION when the text from
 * here on holds no BEGIN:VCARD at all. Text between cards that is not a card
 * comes back as a card that only has an error.
 */
int vcard_reader_next(struct vcard_reader *reader, struct arena *arena, struct vcard *card,
                      struct err *err);

/*
 * Appends the card as vCard 4.0: CRLF line ends, lines folded at 75 octets
 * between UTF-8 characters, text escaped, the photo as a data: URI, the
 * extras after the known properties. 0, or -ERR_TOO_LARGE when out is full.
 */
__attribute__((warn_unused_result)) int vcard_write(struct buf *out, const struct vcard *card);

#endif
