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

typedef struct {
    GArray *steps;      /* mtls_flow_step, their texts in `texts` */
    GStringChunk *texts; /* shared by every flow of the file, not owned: a step's text is stored once */
    bool cut;           /* steps were left out past the cap */
} mtls_flow;

/* `texts` holds the step texts of every flow that shares it (the same few
 * dozen across a file) and must outlive the flow. */
void mtls_flow_init(mtls_flow *flow, GStringChunk *texts);
void mtls_flow_clear(mtls_flow *flow);
/* Records `event`, sent by `side` ('C', 'S' or '?') in `frame`. Repeats of the
 * same step by the same side in a row, and application data after the first
 * of each side, add nothing. */
void mtls_flow_add(mtls_flow *flow, uint32_t frame, char side, const mtls_event *event);
/* "ClientHello", "Certificate", "encrypted handshake message": what the flow
 * and the messages call an event of this kind. */
const char *mtls_event_name(mtls_event_kind kind);

/* "C: ClientHello · S: ServerHello, ...", rendered into `line` (its text
 * replaced); NULL for a flow without steps. */
const char *mtls_flow_line(const mtls_flow *flow, GString *line);

#endif
