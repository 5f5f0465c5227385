/* packet-mtls.h - registration entry points of the mtls post-dissector and
 * the data it hands to the `mtls` tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_PACKET_MTLS_H
#define MTLS_PACKET_MTLS_H

#include <stdbool.h>
#include <stddef.h>

#include "mtls_analyzer.h"

/* The name listeners attach to (register_tap_listener, -z mtls,...). */
#define MTLS_TAP_NAME "mtls"

/* Queued once per frame that has mTLS content, on every pass. */
typedef struct {
    mtls_handshake *const *handshakes;  /* the handshakes this frame contributed to */
    size_t handshake_count;
    bool capture_complete;              /* every frame has been read: verdicts are final */
} mtls_tap_frame;

void proto_register_mtls(void);
void proto_reg_handoff_mtls(void);

#endif
