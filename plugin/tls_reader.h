/* tls_reader.h - reads the TLS and DTLS dissectors' fields out of a frame's
 * tree and turns them into analyzer events, in the order the dissector added them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_TLS_READER_H
#define MTLS_TLS_READER_H

#include <epan/packet.h>

#include "answer_reader.h"
#include "mtls_analyzer.h"

/* Emits one event per TLS message, alert, cipher change and data record,
 * then one per application answer, in the order the dissectors added them. */
void tls_reader_read_frame(proto_tree *tree, frame_event_sink sink, void *user_data);

#endif
