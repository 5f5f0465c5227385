/* flow.h - the handshake at a glance: who sent what, in order, one step per
 * message, alert or record kind ("C: ClientHello · S: ServerHello,
 * Certificate(2) · ..."), each step with the frame it was seen in. What a
 * person reads off the packet list, kept per handshake and bounded.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_FLOW_H
#define MTLS_FLOW_H

#include <glib.h>

#include "mtls_analyzer.h"

#define MTLS_FLOW_CONSTANT_SLOTS 16

/* The step texts of every flow of a file ("ClientHello", "Alert
 * unknown_ca"), each stored once and named by its number: a step keeps
 * eight bytes. */
typedef struct {
    GStringChunk *chunk;    /* not owned */
    GHashTable *numbers;    /* text (in `chunk`) -> its number + 1 */
    GPtrArray *texts;       /* number -> text */
    /* Most steps name a constant text ("ClientHello"): its number by its
     * address, without hashing the text. */
    const char *constant_texts[MTLS_FLOW_CONSTANT_SLOTS];
    uint32_t constant_numbers[MTLS_FLOW_CONSTANT_SLOTS];
} mtls_flow_texts;

void mtls_flow_texts_init(mtls_flow_texts *texts, GStringChunk *chunk);
void mtls_flow_texts_clear(mtls_flow_texts *texts);

struct mtls_packed_step;

/* Every handshake keeps one: its steps in an array of their own, without
 * the header a GArray would add. */
typedef struct {
    struct mtls_packed_step *steps; /* their texts in `texts`; NULL until the first */
    mtls_flow_texts *texts;         /* shared by every flow of the file, not owned; NULL once cleared */
    uint8_t count;
    uint8_t capacity;
    bool cut;                       /* steps were left out past the cap */
} mtls_flow;

/* `texts` holds the step texts of every flow that shares it (the same few
 * dozen across a file) and must outlive the flow. */
void mtls_flow_init(mtls_flow *flow, mtls_flow_texts *texts);
void mtls_flow_clear(mtls_flow *flow);
/* Records `event`, sent by `side` ('C', 'S' or '?') in `frame`. Repeats of the
 * same step by the same side in a row, and application data after the first
 * of each side, add nothing. */
void mtls_flow_add(mtls_flow *flow, uint32_t frame, char side, const mtls_event *event);
/* "ClientHello", "Certificate", "encrypted handshake message": what the flow
 * and the messages call an event of this kind. */
const char *mtls_event_name(mtls_event_kind kind);

size_t mtls_flow_step_count(const mtls_flow *flow);
/* The step at `index`; its text NULL past the last. */
mtls_flow_step mtls_flow_step_at(const mtls_flow *flow, size_t index);

/* "C: ClientHello · S: ServerHello, ...", rendered into `line` (its text
 * replaced); NULL for a flow without steps. */
const char *mtls_flow_line(const mtls_flow *flow, GString *line);

#endif
