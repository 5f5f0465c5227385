/* answer_reader.h - reads the application protocols' answer fields out of a
 * frame's tree (decrypted TLS application data) into analyzer events: one
 * table row per field, naming its protocol and its role in an answer. Owns
 * the list of those fields the post-dissector asks Wireshark to prime. What
 * an answer means is the analyzer's (answer_classification.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_ANSWER_READER_H
#define MTLS_ANSWER_READER_H

#include <epan/packet.h>

#include "mtls_analyzer.h"

typedef void (*frame_event_sink)(const mtls_event *event, void *user_data);

/* Resolves the answer fields' ids (call from the handoff routine) and
 * appends them to `wanted`. */
void answer_reader_init(GArray *wanted);

/* Whether `id` is one of the answer fields. */
bool answer_reader_wants(int id);

/* The answer being gathered from a frame's fields, in tree order. */
typedef struct {
    frame_event_sink sink;
    void *user_data;
    bool open;
    mtls_event event;
    char message_type[16];
    char code[16];
} answer_gathering;

void answer_reader_start(answer_gathering *gathering, frame_event_sink sink, void *user_data);
/* One answer field: a field that starts an answer passes the one before on. */
void answer_reader_take_field(answer_gathering *gathering, field_info *fi);
/* Passes the last answer of the frame on. */
void answer_reader_finish(answer_gathering *gathering);

#endif
