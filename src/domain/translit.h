/*
 * Name text for duplicate matching, in three steps that each build on the
 * last: folding (lower case, diacritics removed, Cyrillic kept), Latin
 * (folding, then Cyrillic transliterated so Иванов meets Ivanov), and the
 * skeleton (Latin with spelling variants merged so Yuriy, Yury and Iurii
 * meet), which blocking keys and name comparison use.
 */
#ifndef CRM_DOMAIN_TRANSLIT_H
#define CRM_DOMAIN_TRANSLIT_H

#include <stdbool.h>
#include <stdint.h>

struct arena;

/*
 * The folded form of the UTF-8 text s (NUL-terminated), in the arena:
 *   - lower case: ASCII, Latin-1, Latin Extended-A, Cyrillic (Russian,
 *     Ukrainian, Belarusian, Serbian, Kazakh letters) and basic Greek;
 *   - diacritics removed: é -> e, ł -> l, ș -> s, and combining marks
 *     (U+0300-U+036F) dropped, except that и or е with a combining breve or
 *     diaeresis becomes й or е as their precomposed forms would;
 *   - letters expanded: ß -> ss, æ -> ae, œ -> oe, þ -> th, ĳ -> ij;
 *   - ё -> е (Russian writes either);
 *   - white space (ASCII, no-break and the Unicode spaces) runs become one
 *     space, none at either end.
 * Other characters are kept; bytes that are not UTF-8 are dropped.
 */
char *translit_fold(struct arena *arena, const char *s);

/*
 * The Latin form of s: folded, then Cyrillic transliterated with one
 * practical table (а a, й y, х kh, ц ts, ч ch, ш sh, щ shch, ы y, ю yu,
 * я ya, ъ and ь dropped; і i, ї yi, є ye, ґ g, ў u; Kazakh ә a, ғ g, қ k,
 * ң n, ө o, ү u, ұ u, һ h). Apostrophes are dropped (O'Brien -> obrien,
 * Ol'ga -> olga); other ASCII punctuation separates words, so the result
 * is words of letters and digits separated by single spaces. Letters of
 * other scripts are kept as they are.
 */
char *translit_latin(struct arena *arena, const char *s);

/*
 * The skeleton of s: its Latin form with the variants of Latin spelling
 * merged, and no spaces ("Ivan-Petrov" -> "ivanpetrov"). Rules, applied
 * left to right within each word:
 *   shch -> sch       Shchukin = Schukin
 *   tch -> ch         Tchaikovsky = Chaikovsky
 *   kh -> h           Khabarov = Habarov
 *   cks, ks -> x      Ksenia = Xenia, Dickson = Dixon
 *   ts, tz -> c       Tsoy = Tsoi (both "coi")
 *   ph -> f, ck -> k  Philipp = Filipp
 *   ye -> e           Yevgeny = Evgeny, Andreyev = Andreev
 *   yo, jo -> e       after a consonant (Russian ё): Fyodor = Fedor
 *   ff -> v           at the end of a word: Smirnoff = Smirnov
 *   w -> v            Iwanow = Ivanov
 *   y, j -> i         Yuriy = Iurii = Jurij, Sergey = Sergei
 * and then doubled letters collapse (Iurii -> iuri, Anna -> ana), so
 * Yuriy, Yury, Iurii and Jurij all give "iuri". The skeleton is for
 * finding candidates and comparing names, never for display.
 */
char *translit_skeleton(struct arena *arena, const char *s);

/*
 * Whether the code point cp belongs to a word: ASCII letters and digits,
 * and whatever lies above U+007F but spaces, apostrophes and the
 * punctuation and symbols of Latin-1, General Punctuation and CJK.
 */
bool translit_is_word_char(uint32_t cp);

/* The skeleton of text that is already in Latin form (the result of translit_latin). */
char *translit_skeleton_of_latin(struct arena *arena, const char *latin);

#endif
