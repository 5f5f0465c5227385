/* test_text_lines.c - where long explanations are broken into lines.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "mtls_analyzer.h"

static void short_text_is_one_line(void **state)
{
    (void)state;
    const char *text = "The client sent no certificate.";
    assert_int_equal(mtls_text_line_end(text, strlen(text)), strlen(text));
}

/* A sentence end in the line's last two thirds wins over a later space. */
static void line_ends_at_a_sentence_then_a_word(void **state)
{
    (void)state;
    GString *text = g_string_new("First sentence of the explanation, long enough to pass a third. ");
    size_t sentence_end = text->len - 1;
    while (text->len < 200)
        g_string_append(text, "word ");
    assert_int_equal(mtls_text_line_end(text->str, text->len), sentence_end);
    g_string_assign(text, "");
    while (text->len < 200)
        g_string_append(text, "word ");
    size_t end = mtls_text_line_end(text->str, text->len);
    assert_true(end <= MTLS_TEXT_LINE_LENGTH && text->str[end] == ' ');
    g_string_free(text, TRUE);
}

/* A subject with no space, in a script of three-byte characters: the cut at
 * 120 bytes would fall inside one; the line stays valid UTF-8. */
static void line_without_space_is_cut_between_characters(void **state)
{
    (void)state;
    GString *text = g_string_new("a");
    for (int i = 0; i < 60; i++)
        g_string_append(text, "\xe2\x82\xac"); /* the euro sign, three bytes */
    size_t end = mtls_text_line_end(text->str, text->len);
    assert_true(end > 0 && end <= MTLS_TEXT_LINE_LENGTH);
    assert_true(g_utf8_validate(text->str, (gssize)end, NULL));
    assert_true(g_utf8_validate(text->str + end, (gssize)(text->len - end), NULL));
    g_string_free(text, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_text_is_one_line),
        cmocka_unit_test(line_ends_at_a_sentence_then_a_word),
        cmocka_unit_test(line_without_space_is_cut_between_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
