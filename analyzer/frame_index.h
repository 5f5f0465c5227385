/* frame_index.h - which handshakes each frame of a capture touched, by frame
 * number: what the passes after the first need, since Wireshark dissects a
 * frame again whenever it is shown, filtered or tapped. Owned by the
 * capture (capture.c); the handshakes are borrowed from their streams.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_FRAME_INDEX_H
#define MTLS_FRAME_INDEX_H

#include <glib.h>
#include <stdint.h>

#include "mtls_analyzer.h"

typedef struct mtls_frame_index mtls_frame_index;

mtls_frame_index *mtls_frame_index_new(void);
void mtls_frame_index_free(mtls_frame_index *index);

/* Frame `frame` touched `handshakes`, in that order; it replaces what was
 * noted of the frame before. */
void mtls_frame_index_note(mtls_frame_index *index, uint32_t frame, mtls_handshake *const *handshakes, size_t count);

/* How many handshakes `frame` touched, with *handshakes pointing at them
 * (valid until the next note); 0 when none or never noted. */
size_t mtls_frame_index_find(const mtls_frame_index *index, uint32_t frame, mtls_handshake *const **handshakes);

#endif
