/* text_lines.c - where a long explanation is broken into lines for display.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdbool.h>

#include "mtls_analyzer.h"

size_t mtls_text_line_end(const char *text, size_t length)
{
    if (length <= MTLS_TEXT_LINE_LENGTH)
        return length;
    /* From the longest line's end back: the last sentence end past a third
     * of the line, else the last space. */
    size_t word = 0;
    for (size_t i = MTLS_TEXT_LINE_LENGTH - 1; i > 0; i--) {
        if (text[i] != ' ')
            continue;
        if (i > MTLS_TEXT_LINE_LENGTH / 3 && (text[i - 1] == '.' || text[i - 1] == ':' || text[i - 1] == ';'))
            return i;
        if (word == 0)
            word = i;
        if (i <= MTLS_TEXT_LINE_LENGTH / 3)
            break;
    }
    if (word > 0)
        return word;
    /* No space at all (a long subject): cut before a UTF-8 character, never
     * inside one, or the line would not be valid UTF-8. */
    size_t cut = MTLS_TEXT_LINE_LENGTH;
    while (cut > 1 && ((unsigned char)text[cut] & 0xc0) == 0x80)
        cut--;
    return cut;
}
