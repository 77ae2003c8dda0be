/*
 * Tests for src/domain/translit.c: folding (case, diacritics, ё, spaces,
 * decomposed letters), Cyrillic -> Latin, and skeletons that make the usual
 * spellings of one name meet while keeping different names apart.
 */
#include "domain/translit.h"

#include "base/arena.h"
#include "../test.h"

TEST(translit_fold_lowers_latin_and_cyrillic_and_drops_diacritics)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(translit_fold(arena, "ÉCOLE Ёлка Straße"), "ecole елка strasse");
    EXPECT_STR_EQ(translit_fold(arena, "ИВАНОВ Иван"), "иванов иван");
    EXPECT_STR_EQ(translit_fold(arena, "Łódź Dvořák Ørsted Œuvre Ĳssel"),
                  "lodz dvorak orsted oeuvre ijssel");
    EXPECT_STR_EQ(translit_fold(arena, "Ștefan Țiriac Ñúñez Þór Æsa"),
                  "stefan tiriac nunez thor aesa");
    EXPECT_STR_EQ(translit_fold(arena, "ΣΩΚΡΑΤΗΣ"), "σωκρατησ");
    arena_free(arena);
}

TEST(translit_fold_collapses_white_space_and_drops_invisible_characters)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(translit_fold(arena, "  Anna \t Maria\xC2\xA0 "), "anna maria");
    EXPECT_STR_EQ(translit_fold(arena, "Jo\xC2\xADhn\xE2\x80\x8B Smith"), "john smith");
    EXPECT_STR_EQ(translit_fold(arena, ""), "");
    EXPECT_STR_EQ(translit_fold(arena, "   "), "");
    arena_free(arena);
}

TEST(translit_fold_handles_decomposed_letters)
{
    struct arena *arena = arena_new();
    /* и + combining breve is й; е + combining diaeresis (ё) is е; e + acute is e. */
    EXPECT_STR_EQ(translit_fold(arena, "Андреи\xCC\x86"), "андрей");
    EXPECT_STR_EQ(translit_fold(arena, "Пе\xCC\x88тр"), "петр");
    EXPECT_STR_EQ(translit_fold(arena, "Rene\xCC\x81"), "rene");
    arena_free(arena);
}

TEST(translit_fold_keeps_other_scripts_and_drops_bytes_that_are_not_utf8)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(translit_fold(arena, "東京 Tokyo\xFF"), "東京 tokyo");
    EXPECT_STR_EQ(translit_fold(arena, "\xC3"), "");
    arena_free(arena);
}

TEST(translit_latin_transliterates_russian_with_the_practical_table)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(translit_latin(arena, "Иванов"), "ivanov");
    EXPECT_STR_EQ(translit_latin(arena, "Щукин"), "shchukin");
    EXPECT_STR_EQ(translit_latin(arena, "Хабаров"), "khabarov");
    EXPECT_STR_EQ(translit_latin(arena, "Цой"), "tsoy");
    EXPECT_STR_EQ(translit_latin(arena, "Жуков"), "zhukov");
    EXPECT_STR_EQ(translit_latin(arena, "Юрий"), "yuriy");
    EXPECT_STR_EQ(translit_latin(arena, "Подъячев"), "podyachev");
    EXPECT_STR_EQ(translit_latin(arena, "Фёдор Чернышёв"), "fedor chernyshev");
    EXPECT_STR_EQ(translit_latin(arena, "Эльвира Ильинична"), "elvira ilinichna");
    arena_free(arena);
}

TEST(translit_latin_covers_ukrainian_belarusian_and_kazakh_letters)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(translit_latin(arena, "Їжак Ґалаґан Євген Іван"), "yizhak galagan yevgen ivan");
    EXPECT_STR_EQ(translit_latin(arena, "Ўладзімір"), "uladzimir");
    EXPECT_STR_EQ(translit_latin(arena, "Әлихан Қасымов Ұлан Өмір"), "alikhan kasymov ulan omir");
    arena_free(arena);
}

TEST(translit_latin_drops_apostrophes_and_separates_words_at_punctuation)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(translit_latin(arena, "O'Brien"), "obrien");
    EXPECT_STR_EQ(translit_latin(arena, "D’Artagnan"), "dartagnan");
    EXPECT_STR_EQ(translit_latin(arena, "Ol'ga"), "olga");
    EXPECT_STR_EQ(translit_latin(arena, "Jean-Pierre «Иванов», Jr."), "jean pierre ivanov jr");
    EXPECT_STR_EQ(translit_latin(arena, "--"), "");
    arena_free(arena);
}

/* Every spelling in the NULL-terminated list has the skeleton of the first. */
static void expect_same_skeleton(const char *const *spellings)
{
    struct arena *arena = arena_new();
    const char *first = translit_skeleton(arena, spellings[0]);
    for (size_t i = 1; spellings[i] != NULL; i++)
        EXPECT_STR_EQ(translit_skeleton(arena, spellings[i]), first);
    arena_free(arena);
}

TEST(translit_skeleton_makes_the_usual_spellings_of_a_name_meet)
{
    static const char *const groups[][7] = {
        {"Юрий", "Yuriy", "Yury", "Iurii", "Jurij", "Yuri", NULL},
        {"Щукин", "Shchukin", "Schukin", NULL},
        {"Хабаров", "Khabarov", "Habarov", NULL},
        {"Цой", "Tsoi", "Tsoy", NULL},
        {"Иванов", "Ivanov", "Ivanoff", "Iwanow", "IVANOV", NULL},
        {"Жуков", "Zhukov", NULL},
        {"Фёдор", "Fyodor", "Fedor", NULL},
        {"Евгений", "Yevgeny", "Evgeniy", "Evgenii", NULL},
        {"Ксения", "Kseniya", "Xenia", "Ksenia", NULL},
        {"Алексей", "Aleksey", "Alexei", "Aleksei", NULL},
        {"Наталья", "Natalya", "Nataliya", "Natalia", NULL},
        {"Дмитрий", "Dmitry", "Dmitriy", "Dmitrii", NULL},
        {"Андреев", "Andreyev", "Andreev", NULL},
        {"Чайковский", "Tchaikovsky", "Chaikovskiy", NULL},
        {"Dickson", "Dixon", NULL},
        {"Philipp", "Filipp", "Филипп", NULL},
    };
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
        expect_same_skeleton(groups[g]);
}

TEST(translit_skeleton_keeps_different_names_apart)
{
    struct arena *arena = arena_new();
    EXPECT(strcmp(translit_skeleton(arena, "Ivanov"), translit_skeleton(arena, "Ivanova")) != 0);
    EXPECT(strcmp(translit_skeleton(arena, "Maria"), translit_skeleton(arena, "Mario")) != 0);
    EXPECT(strcmp(translit_skeleton(arena, "Petrov"), translit_skeleton(arena, "Sidorov")) != 0);
    EXPECT(strcmp(translit_skeleton(arena, "Лев"), translit_skeleton(arena, "Лёва")) != 0);
    arena_free(arena);
}

TEST(translit_skeleton_joins_words_and_collapses_doubled_letters)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(translit_skeleton(arena, "Jean-Pierre"), "ieanpiere");
    EXPECT_STR_EQ(translit_skeleton(arena, "Anna Maria"), "anamaria");
    EXPECT_STR_EQ(translit_skeleton(arena, "Smirnoff"), "smirnov");
    EXPECT_STR_EQ(translit_skeleton(arena, "Mallory 1990"), "malori1990");
    EXPECT_STR_EQ(translit_skeleton(arena, ""), "");
    EXPECT_STR_EQ(translit_skeleton_of_latin(arena, "yuriy khabarov"), "iurihabarov");
    arena_free(arena);
}

TEST(translit_word_characters_are_letters_and_digits_of_any_script)
{
    EXPECT(translit_is_word_char('a'));
    EXPECT(translit_is_word_char('Z'));
    EXPECT(translit_is_word_char('7'));
    EXPECT(translit_is_word_char(0x0436)); /* ж */
    EXPECT(translit_is_word_char(0x6771)); /* 東 */
    EXPECT(!translit_is_word_char(' '));
    EXPECT(!translit_is_word_char('.'));
    EXPECT(!translit_is_word_char(0x00AB)); /* « */
    EXPECT(!translit_is_word_char(0x201C)); /* “ */
    EXPECT(!translit_is_word_char(0x2019)); /* ’ */
    EXPECT(!translit_is_word_char(0x00A0));
}
