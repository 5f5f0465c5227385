/* http_reader.h - reads the HTTP/1.x and HTTP/2 dissectors' response fields
 * out of a frame's tree (decrypted TLS application data) and turns each
 * response into an analyzer event: the application's answer after a
 * handshake. Owns the list of HTTP fields the post-dissector asks Wireshark
 * to prime.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_HTTP_READER_H
#define MTLS_HTTP_READER_H

#include <epan/packet.h>

#include "tls_reader.h"

/* Resolves the HTTP field ids (call from the handoff routine) and appends
 * them to `wanted`, the ids to pass to set_postdissector_wanted_hfids. */
void http_reader_init(GArray *wanted);

/* Emits one MTLS_EVENT_HTTP_RESPONSE for the first HTTP response in the
 * frame, if any (status 0 for an HTTP/2 DATA frame alone: the body of the
 * response before). Call after the frame's TLS events, which it follows. */
void http_reader_read_frame(proto_tree *tree, tls_event_sink sink, void *user_data);

#endif
