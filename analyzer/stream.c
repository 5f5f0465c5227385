/* stream.c - one transport connection: decides which handshake each event
 * belongs to. A ClientHello after a ServerHello starts a new handshake
 * (renegotiation, a reused connection), except the one that answers a
 * HelloRetryRequest; so does a CertificateRequest after a completed TLS 1.3
 * handshake (post-handshake authentication). A message of no other interest
 * than the transcript, or a gap in the capture, joins the current handshake
 * and never starts one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "handshake_state.h"

struct mtls_stream {
    mtls_capture *capture;
    uint32_t stream_number;
    GPtrArray *handshakes;      /* mtls_handshake*, in order */
};

mtls_stream *mtls_stream_new(mtls_capture *capture, uint32_t stream_number)
{
    mtls_stream *stream = g_new0(mtls_stream, 1);
    stream->capture = mtls_capture_ref(capture);
    stream->stream_number = stream_number;
    stream->handshakes = g_ptr_array_new_with_free_func((GDestroyNotify)mtls_handshake_free);
    return stream;
}

void mtls_stream_free(mtls_stream *stream)
{
    if (stream == NULL)
        return;
    g_ptr_array_unref(stream->handshakes);
    mtls_capture_unref(stream->capture);
    g_free(stream);
}

static mtls_handshake *current_handshake(const mtls_stream *stream)
{
    return stream->handshakes->len ? g_ptr_array_index(stream->handshakes, stream->handshakes->len - 1) : NULL;
}

static mtls_handshake *start_handshake(mtls_stream *stream)
{
    if (stream->handshakes->len > 0)
        mtls_handshake_superseded(current_handshake(stream));
    mtls_handshake *handshake = mtls_handshake_new(stream->capture, stream->stream_number, stream->handshakes->len + 1);
    g_ptr_array_add(stream->handshakes, handshake);
    return handshake;
}

static bool opens_new_handshake(const mtls_handshake *current, const mtls_event *event)
{
    if (current == NULL)
        return true;
    if (event->kind == MTLS_EVENT_CERTIFICATE_REQUEST)
        return mtls_handshake_allows_post_handshake_auth(current);
    /* A ClientHello repeated before any answer is a retry or a duplicate of
     * the same attempt, not a handshake of its own. */
    if (event->kind == MTLS_EVENT_CLIENT_HELLO)
        return current->summary.client_hello_frame != 0 && !current->hello_retry_pending &&
               (current->server_hello_frame != 0 || mtls_handshake_is_settled(current));
    /* A second ServerHello without a ClientHello between them: the capture
     * missed the ClientHello of a new handshake. */
    if (event->kind == MTLS_EVENT_SERVER_HELLO)
        return current->server_hello_frame != 0 && !current->hello_retry_pending;
    return false;
}

mtls_handshake *mtls_stream_feed(mtls_stream *stream, const mtls_packet *packet, const mtls_event *event)
{
    if (packet == NULL || event == NULL)
        return NULL;
    mtls_handshake *handshake = current_handshake(stream);
    if (event->kind == MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE || event->kind == MTLS_EVENT_CAPTURE_GAP) {
        if (handshake != NULL)
            mtls_handshake_apply(handshake, packet, event);
        return NULL;
    }
    bool handshake_message = mtls_event_is_handshake_message(event->kind);
    if (opens_new_handshake(handshake, event)) {
        /* Data, alerts and cipher changes of a connection whose handshake was
         * not captured belong to no handshake we can judge. */
        if (handshake == NULL && !handshake_message)
            return NULL;
        if (handshake != NULL && event->kind == MTLS_EVENT_CERTIFICATE_REQUEST) {
            mtls_handshake_superseded(handshake);
            handshake = mtls_handshake_new_post_handshake(handshake, stream->handshakes->len + 1);
            g_ptr_array_add(stream->handshakes, handshake);
        } else {
            handshake = start_handshake(stream);
        }
    }
    /* Once the outcome is known, the connection's data belongs to the
     * application: such frames are not part of the handshake unless they
     * still tell something (an alert, say). */
    bool settled = mtls_handshake_is_settled(handshake);
    size_t findings_before = handshake->findings->len;
    mtls_handshake_apply(handshake, packet, event);
    /* Between two events nothing borrowed from the caches is in use. */
    mtls_capture_trim(stream->capture);
    /* The frame that brought the application's answer or the connection's
     * end shows the handshake too: in a single pass it is where "ok" or the
     * refusal first shows. */
    const mtls_handshake_summary *summary = &handshake->summary;
    bool concludes = summary->answer_frame == packet->frame || (!settled && mtls_handshake_is_settled(handshake));
    if (settled && !handshake_message && handshake->findings->len == findings_before && !concludes)
        return NULL;
    handshake->summary.last_frame = packet->frame;
    return handshake;
}
