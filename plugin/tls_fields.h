/* tls_fields.h - the dissectors' fields the plugin reads (TLS, DTLS, the
 * transport's, and the answer fields of answer_reader.h): their registration
 * ids and the kind of each, the ids to ask Wireshark to prime, and the facts
 * of a frame looked up by id rather than found by walking its tree.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_TLS_FIELDS_H
#define MTLS_TLS_FIELDS_H

#include <epan/packet.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    FIELD_STREAM,
    FIELD_CONTENT_TYPE,
    FIELD_RECORD_VERSION,
    FIELD_OPAQUE_TYPE,
    FIELD_HANDSHAKE_TYPE,
    FIELD_HANDSHAKE_LENGTH,
    FIELD_HANDSHAKE_VERSION,
    FIELD_RANDOM,
    FIELD_SUPPORTED_VERSION,
    FIELD_SERVER_NAME,
    FIELD_CIPHER_SUITE,
    FIELD_SIGNATURE_ALGORITHM,
    FIELD_CERTIFICATE,
    FIELD_CERTIFICATE_LENGTH,
    FIELD_DNAME_LENGTH,
    FIELD_ALERT_LEVEL,
    FIELD_ALERT_DESCRIPTION,
    FIELD_PSK_SELECTED,
    FIELD_EXTENSION_TYPE,
    FIELD_COMPRESSION_ALGORITHM,
    FIELD_UNCOMPRESSED_LENGTH,
    FIELD_COMPRESSED_CERTIFICATE,
    FIELD_LOST_SEGMENT,
    FIELD_MALFORMED,
    FIELD_ALPN,
    FIELD_TCP_FLAGS,
    FIELD_TCP_PAYLOAD,
    FIELD_KIND_COUNT,
    FIELD_OTHER = FIELD_KIND_COUNT,
    /* A protocol below TLS and DTLS: its subtree holds none of their fields. */
    FIELD_LOWER_LAYER,
    /* A CA name's X.509 decoding: the name's DER is read from its length
     * field, and a long CA list makes most of a CertificateRequest's nodes. */
    FIELD_UNREAD_SUBTREE,
    /* A field of an application protocol's answer (answer_reader.c). */
    FIELD_ANSWER
} field_kind;

/* Resolves the ids (and the answer fields', answer_reader.h); call from the
 * handoff routine, when the dissectors have registered them. */
void tls_fields_init(void);

/* The ids to pass to set_postdissector_wanted_hfids (a new array, which
 * Wireshark takes): always those the lookups below find by id; with
 * walked_too, also those found by walking a tree Wireshark shows (what
 * tls_reader_read_frame reads, the transport's stream, flags and length),
 * which it leaves out of a tree it does not show unless primed. */
GArray *tls_fields_wanted(bool walked_too);

/* The kind of each registration id, as a table: the tree walk asks for
 * every node of every TLS frame, so the answer is one load. */
typedef struct {
    const uint8_t *kind_by_id;
    int size;
} tls_field_kinds;

tls_field_kinds tls_fields_kinds(void);

static inline field_kind tls_field_kind(tls_field_kinds kinds, int id)
{
    return id >= 0 && id < kinds.size ? (field_kind)kinds.kind_by_id[id] : FIELD_OTHER;
}

/* True when the frame's tree holds any TLS or DTLS record. */
bool tls_fields_frame_has_tls(proto_tree *tree);

/* True when TCP found that a segment before this frame, or one its peer
 * acknowledged, is not in the capture, or a dissector found the frame malformed. */
bool tls_fields_frame_shows_a_gap(proto_tree *tree);

/* The TCP or UDP stream number (tcp.stream / udp.stream) of the frame's
 * innermost such layer; *datagram tells UDP's, numbered apart from TCP's. */
bool tls_fields_stream_number(proto_tree *tree, uint32_t *stream_number, bool *datagram);

/* Whether the frame carries TCP payload. */
bool tls_fields_frame_has_payload(proto_tree *tree);

/* Whether the frame's TCP header carries FIN or RST (*reset: RST). */
bool tls_fields_connection_end(proto_tree *tree, bool *reset);

#endif
