/* test_frame_index.c - the capture's index of which handshakes each frame
 * touched, read on every pass after the first: frames noted in order and out
 * of it, noted again, never noted, and frames that touched several.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mtls_analyzer.h"

/* The index only borrows the handshakes: distinct addresses stand in for them. */
static mtls_handshake *fake_handshake(uintptr_t n)
{
    return (mtls_handshake *)(n * 16);
}

static mtls_capture *new_capture(void)
{
    mtls_config *config = mtls_config_new();
    mtls_capture *capture = mtls_capture_new(config);
    mtls_config_unref(config);
    return capture;
}

static void assert_frame(const mtls_capture *capture, uint32_t frame, size_t want_count, uintptr_t first)
{
    mtls_handshake *const *found = NULL;
    size_t count = mtls_capture_frame_handshakes(capture, frame, &found);
    if (count != want_count)
        fail_msg("frame %u: %zu handshakes, want %zu", frame, count, want_count);
    if (want_count == 0)
        assert_null(found);
    else
        assert_ptr_equal(found[0], fake_handshake(first));
}

static void frames_noted_in_order_are_found(void **state)
{
    (void)state;
    mtls_capture *capture = new_capture();
    for (uint32_t frame = 2; frame <= 20000; frame += 2) {
        mtls_handshake *one = fake_handshake(frame);
        mtls_capture_note_frame(capture, frame, &one, 1);
    }
    assert_frame(capture, 2, 1, 2);
    assert_frame(capture, 1000, 1, 1000);
    assert_frame(capture, 20000, 1, 20000);
    /* Before the first, between two and after the last noted frame. */
    assert_frame(capture, 1, 0, 0);
    assert_frame(capture, 999, 0, 0);
    assert_frame(capture, 20001, 0, 0);
    mtls_capture_unref(capture);
}

static void a_frame_keeps_several_handshakes_in_order(void **state)
{
    (void)state;
    mtls_capture *capture = new_capture();
    mtls_handshake *several[] = {fake_handshake(7), fake_handshake(3), fake_handshake(9)};
    mtls_capture_note_frame(capture, 5, several, 3);
    several[0] = NULL; /* the index keeps its own copy */
    mtls_handshake *const *found = NULL;
    assert_int_equal(mtls_capture_frame_handshakes(capture, 5, &found), 3);
    assert_ptr_equal(found[0], fake_handshake(7));
    assert_ptr_equal(found[1], fake_handshake(3));
    assert_ptr_equal(found[2], fake_handshake(9));
    mtls_capture_unref(capture);
}

static void frames_noted_out_of_order_or_again(void **state)
{
    (void)state;
    mtls_capture *capture = new_capture();
    mtls_handshake *one = fake_handshake(10);
    mtls_capture_note_frame(capture, 10, &one, 1);
    one = fake_handshake(30);
    mtls_capture_note_frame(capture, 30, &one, 1);
    /* A frame dissected again before the first pass ended. */
    one = fake_handshake(20);
    mtls_capture_note_frame(capture, 20, &one, 1);
    one = fake_handshake(1);
    mtls_capture_note_frame(capture, 1, &one, 1);
    assert_frame(capture, 1, 1, 1);
    assert_frame(capture, 10, 1, 10);
    assert_frame(capture, 20, 1, 20);
    assert_frame(capture, 30, 1, 30);
    /* Noted again: several replace one, and one replaces several. */
    mtls_handshake *two[] = {fake_handshake(21), fake_handshake(22)};
    mtls_capture_note_frame(capture, 20, two, 2);
    assert_frame(capture, 20, 2, 21);
    one = fake_handshake(23);
    mtls_capture_note_frame(capture, 20, &one, 1);
    assert_frame(capture, 20, 1, 23);
    assert_frame(capture, 30, 1, 30);
    mtls_capture_unref(capture);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frames_noted_in_order_are_found),
        cmocka_unit_test(a_frame_keeps_several_handshakes_in_order),
        cmocka_unit_test(frames_noted_out_of_order_or_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
