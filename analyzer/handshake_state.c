/* handshake_state.c - where a handshake stands: the questions every module
 * of the handshake asks of its state and of an event, answered from them
 * alone, so that those modules need not call back into the state machine
 * (handshake.c) that calls them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "handshake_state.h"

/* SHA-256 of "HelloRetryRequest" (RFC 8446 section 4.1.3): a ServerHello
 * with this random is a HelloRetryRequest, not the negotiated hello. */
static const uint8_t hello_retry_request_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

bool mtls_handshake_decided(const mtls_handshake *handshake)
{
    return handshake->fatal_alert != NULL || handshake->accepted_frame != 0 || handshake->resumed_frame != 0 ||
           handshake->closed_refusal_frame != 0;
}

bool mtls_event_is_handshake_message(mtls_event_kind kind)
{
    return kind != MTLS_EVENT_ALERT && kind != MTLS_EVENT_APPLICATION_DATA && kind != MTLS_EVENT_CHANGE_CIPHER_SPEC &&
           kind != MTLS_EVENT_ENCRYPTED_HANDSHAKE && kind != MTLS_EVENT_APPLICATION_ANSWER &&
           kind != MTLS_EVENT_CONNECTION_CLOSED && kind != MTLS_EVENT_UNREAD_DATA;
}

bool mtls_handshake_is_settled(const mtls_handshake *handshake)
{
    return mtls_handshake_decided(handshake) || handshake->encrypted_handshake ||
           handshake->encrypted_alert_frame != 0 || handshake->server_closed_frame != 0;
}

bool mtls_event_is_hello_retry_request(const mtls_event *event)
{
    const uint8_t *random = event->u.server_hello.random;
    return event->kind == MTLS_EVENT_SERVER_HELLO && random != NULL &&
           memcmp(random, hello_retry_request_random, sizeof hello_retry_request_random) == 0;
}
