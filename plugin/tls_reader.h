/* tls_reader.h - reads the TLS and DTLS dissectors' fields out of a frame's
 * tree and turns them into analyzer events, in the order the dissector added them.
 * Owns the list of TLS fields the post-dissector asks Wireshark to prime.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_TLS_READER_H
#define MTLS_TLS_READER_H

#include <epan/packet.h>

#include "answer_reader.h"
#include "mtls_analyzer.h"

/* Resolves the TLS field ids and the answer fields' (answer_reader.h); call
 * from the handoff routine, when the dissectors have registered them. */
void tls_reader_init(void);

/* The ids to pass to set_postdissector_wanted_hfids (a new array, which
 * Wireshark takes): always those the functions below look up by id; with
 * walked_too, also those tls_reader_read_frame finds by walking the tree,
 * which Wireshark leaves out of a tree it does not show unless primed. */
GArray *tls_reader_wanted_fields(bool walked_too);

/* True when the frame's tree holds any TLS or DTLS record (cheap: no tree walk). */
bool tls_reader_frame_has_tls(proto_tree *tree);

/* True when TCP found that a segment before this frame, or one its peer
 * acknowledged, is not in the capture, or a dissector found the frame malformed. */
bool tls_reader_frame_shows_a_gap(proto_tree *tree);

/* The TCP or UDP stream number (tcp.stream / udp.stream) of the frame. */
bool tls_reader_stream_number(proto_tree *tree, uint32_t *stream_number);

/* Whether the frame carries TCP payload. */
bool tls_reader_frame_has_payload(proto_tree *tree);

/* Whether the frame's TCP header carries FIN or RST (*reset: RST). */
bool tls_reader_connection_end(proto_tree *tree, bool *reset);

/* Emits one event per TLS message, alert, cipher change and data record,
 * then one per application answer, in the order the dissectors added them. */
void tls_reader_read_frame(proto_tree *tree, frame_event_sink sink, void *user_data);

#endif
