/* tls_fields.c - the dissectors' fields the plugin reads: their names and
 * registration ids, the kind of each, which of them Wireshark is asked to
 * prime, and the facts of a frame looked up by id.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>

#include "tls_fields.h"

#include <epan/proto.h>

#include "answer_reader.h"
#include "ws_compat.h"

static const char *const lower_layer_protocols[] = {"frame", "eth", "sll", "ip", "ipv6", "tcp", "udp"};
static const char *const unread_subtrees[] = {"tls.handshake.dname", "dtls.handshake.dname"};

/* Each kind by its TLS name and, where DTLS has the same field, its DTLS
 * name: DTLS handshakes are read the same way. */
static const char *const field_names[FIELD_KIND_COUNT][2] = {
    [FIELD_STREAM] = {"tcp.stream", "udp.stream"},
    [FIELD_CONTENT_TYPE] = {"tls.record.content_type", "dtls.record.content_type"},
    [FIELD_RECORD_VERSION] = {"tls.record.version", "dtls.record.version"},
    [FIELD_OPAQUE_TYPE] = {"tls.record.opaque_type", NULL},
    [FIELD_HANDSHAKE_TYPE] = {"tls.handshake.type", "dtls.handshake.type"},
    /* DTLS transcripts carry fragment headers of their own: not read. */
    [FIELD_HANDSHAKE_LENGTH] = {"tls.handshake.length", NULL},
    [FIELD_HANDSHAKE_VERSION] = {"tls.handshake.version", "dtls.handshake.version"},
    [FIELD_RANDOM] = {"tls.handshake.random", "dtls.handshake.random"},
    [FIELD_SUPPORTED_VERSION] = {"tls.handshake.extensions.supported_version",
                                 "dtls.handshake.extensions.supported_version"},
    [FIELD_SERVER_NAME] = {"tls.handshake.extensions_server_name", "dtls.handshake.extensions_server_name"},
    [FIELD_CIPHER_SUITE] = {"tls.handshake.ciphersuite", "dtls.handshake.ciphersuite"},
    [FIELD_SIGNATURE_ALGORITHM] = {"tls.handshake.sig_hash_alg", "dtls.handshake.sig_hash_alg"},
    [FIELD_CERTIFICATE] = {"tls.handshake.certificate", "dtls.handshake.certificate"},
    [FIELD_CERTIFICATE_LENGTH] = {"tls.handshake.certificate_length", "dtls.handshake.certificate_length"},
    [FIELD_DNAME_LENGTH] = {"tls.handshake.dname_len", "dtls.handshake.dname_len"},
    [FIELD_ALERT_LEVEL] = {"tls.alert_message.level", "dtls.alert_message.level"},
    [FIELD_ALERT_DESCRIPTION] = {"tls.alert_message.desc", "dtls.alert_message.desc"},
    [FIELD_PSK_SELECTED] = {"tls.handshake.extensions.psk.identity.selected", NULL},
    [FIELD_EXTENSION_TYPE] = {"tls.handshake.extension.type", "dtls.handshake.extension.type"},
    [FIELD_COMPRESSION_ALGORITHM] = {"tls.compress_certificate.algorithm", "dtls.compress_certificate.algorithm"},
    [FIELD_UNCOMPRESSED_LENGTH] = {"tls.compress_certificate.uncompressed_length",
                                   "dtls.compress_certificate.uncompressed_length"},
    [FIELD_COMPRESSED_CERTIFICATE] = {"tls.compress_certificate.compressed_certificate_message",
                                      "dtls.compress_certificate.compressed_certificate_message"},
    /* Either direction: a segment before this one, or one the peer acknowledged, is not in the capture. */
    [FIELD_LOST_SEGMENT] = {"tcp.analysis.lost_segment", "tcp.analysis.ack_lost_segment"},
    /* A dissector gave up on the frame: what it did not show may be a handshake message. */
    [FIELD_MALFORMED] = {"_ws.malformed", NULL},
    [FIELD_ALPN] = {"tls.handshake.extensions_alpn_str", "dtls.handshake.extensions_alpn_str"},
    [FIELD_TCP_FLAGS] = {"tcp.flags", NULL},
    [FIELD_TCP_PAYLOAD] = {"tcp.len", NULL},
};

/* Registration ids, resolved once at handoff. One name can have several
 * registrations (tls.handshake.version has two), and each kind has up to two
 * names; all of them count. */
#define MAX_REGISTRATIONS_PER_KIND 8
static int field_ids[FIELD_KIND_COUNT][MAX_REGISTRATIONS_PER_KIND];

/* The kind of each registration id up to the highest one above: the tree
 * walk asks for every node of every TLS frame, so the answer is one load. */
static uint8_t *kind_by_id;
static int kind_by_id_size;

/* The ids to prime, in two sets: the fields always looked up by id
 * (proto_get_finfo_ptr_array finds only primed fields, visible tree or not),
 * and those a visible tree holds unprimed where they are looked for: the
 * fields the reader's walk finds, and the transport's stream, flags and length. */
static GArray *looked_up_ids;
static GArray *walked_ids;
static int tcp_protocol = -1;
static int udp_protocol = -1; /* whose stream numbers are apart from TCP's */

/* The kinds looked up by id in every tree, shown or not: those primed always. */
static bool is_looked_up(field_kind kind)
{
    switch (kind) {
    case FIELD_CONTENT_TYPE:
    case FIELD_OPAQUE_TYPE:
    case FIELD_LOST_SEGMENT:
    case FIELD_MALFORMED:
        return true;
    default:
        return false;
    }
}

static int highest_id(const GArray *ids)
{
    int highest = -1;
    for (unsigned i = 0; i < ids->len; i++)
        highest = MAX(highest, g_array_index(ids, int, i));
    return highest;
}

static void index_kinds(const GArray *answer_ids)
{
    int lower_layers[G_N_ELEMENTS(lower_layer_protocols)];
    GArray *unread_ids = g_array_new(FALSE, FALSE, sizeof(int));
    for (size_t i = 0; i < G_N_ELEMENTS(unread_subtrees); i++) {
        for (int id = proto_registrar_get_id_byname(unread_subtrees[i]); id > 0;
             id = proto_registrar_get_nth(id)->same_name_prev_id)
            g_array_append_val(unread_ids, id);
    }
    g_free(kind_by_id);
    kind_by_id_size = MAX(MAX(highest_id(looked_up_ids), highest_id(walked_ids)), highest_id(unread_ids)) + 1;
    for (size_t i = 0; i < G_N_ELEMENTS(lower_layer_protocols); i++) {
        lower_layers[i] = proto_get_id_by_filter_name(lower_layer_protocols[i]);
        kind_by_id_size = MAX(kind_by_id_size, lower_layers[i] + 1);
    }
    kind_by_id = g_malloc(kind_by_id_size);
    memset(kind_by_id, FIELD_OTHER, kind_by_id_size);
    for (size_t i = 0; i < G_N_ELEMENTS(lower_layers); i++) {
        if (lower_layers[i] >= 0)
            kind_by_id[lower_layers[i]] = FIELD_LOWER_LAYER;
    }
    for (int kind = 0; kind < FIELD_KIND_COUNT; kind++) {
        for (int n = 0; n < MAX_REGISTRATIONS_PER_KIND && field_ids[kind][n] != 0; n++)
            kind_by_id[field_ids[kind][n]] = (uint8_t)kind;
    }
    for (unsigned i = 0; i < answer_ids->len; i++)
        kind_by_id[g_array_index(answer_ids, int, i)] = FIELD_ANSWER;
    for (unsigned i = 0; i < unread_ids->len; i++)
        kind_by_id[g_array_index(unread_ids, int, i)] = FIELD_UNREAD_SUBTREE;
    g_array_free(unread_ids, TRUE);
}

void tls_fields_init(void)
{
    g_clear_pointer(&looked_up_ids, g_array_unref);
    g_clear_pointer(&walked_ids, g_array_unref);
    looked_up_ids = g_array_new(FALSE, FALSE, sizeof(int));
    walked_ids = g_array_new(FALSE, FALSE, sizeof(int));
    tcp_protocol = proto_get_id_by_filter_name("tcp");
    udp_protocol = proto_get_id_by_filter_name("udp");
    for (int kind = 0; kind < FIELD_KIND_COUNT; kind++) {
        int n = 0;
        for (int name = 0; name < 2 && field_names[kind][name] != NULL; name++) {
            int id = proto_registrar_get_id_byname(field_names[kind][name]);
            if (id <= 0)
                ws_warning("mtls: field %s is not registered; the analysis will miss it", field_names[kind][name]);
            for (; id > 0 && n < MAX_REGISTRATIONS_PER_KIND; n++) {
                field_ids[kind][n] = id;
                g_array_append_val(is_looked_up(kind) ? looked_up_ids : walked_ids, id);
                id = proto_registrar_get_nth(id)->same_name_prev_id;
            }
        }
    }
    GArray *answer_ids = g_array_new(FALSE, FALSE, sizeof(int));
    answer_reader_init(answer_ids);
    g_array_append_vals(walked_ids, answer_ids->data, answer_ids->len);
    index_kinds(answer_ids);
    g_array_free(answer_ids, TRUE);
}

GArray *tls_fields_wanted(bool walked_too)
{
    GArray *wanted = g_array_sized_new(FALSE, FALSE, sizeof(int), looked_up_ids->len + walked_ids->len);
    g_array_append_vals(wanted, looked_up_ids->data, looked_up_ids->len);
    if (walked_too)
        g_array_append_vals(wanted, walked_ids->data, walked_ids->len);
    return wanted;
}

tls_field_kinds tls_fields_kinds(void)
{
    return (tls_field_kinds){kind_by_id, kind_by_id_size};
}

/* The innermost top-level layer of `protocol`: the one whose addresses and
 * ports the frame's conversation has, where a tunnel carries the connection. */
static proto_node *innermost_layer(proto_tree *tree, int protocol)
{
    proto_node *innermost = NULL;
    for (proto_node *layer = tree->first_child; layer != NULL; layer = layer->next) {
        const field_info *layer_fi = PNODE_FINFO(layer);
        if (layer_fi != NULL && layer_fi->hfinfo->id == protocol)
            innermost = layer;
    }
    return innermost;
}

/* The transport's stream, flags and length in a tree Wireshark shows, which
 * holds them unprimed: among the children of the innermost TCP layer (else
 * UDP's, for the stream). Priming them on every frame (each kept in an index
 * as it is added) cost more than this search. */
static field_info *transport_field(proto_tree *tree, field_kind kind)
{
    proto_node *layer = innermost_layer(tree, tcp_protocol);
    if (layer == NULL && kind == FIELD_STREAM)
        layer = innermost_layer(tree, udp_protocol);
    for (proto_node *node = layer ? layer->first_child : NULL; node != NULL; node = node->next) {
        field_info *fi = PNODE_FINFO(node);
        if (fi != NULL && tls_field_kind(tls_fields_kinds(), fi->hfinfo->id) == kind)
            return fi;
    }
    return NULL;
}

/* The last of the kind's fields, of its first name present: the innermost
 * layer's, where a tunnel carries the connection (TCP's stream before UDP's). */
static field_info *innermost_field(proto_tree *tree, field_kind kind)
{
    if ((kind == FIELD_STREAM || kind == FIELD_TCP_FLAGS || kind == FIELD_TCP_PAYLOAD) && PTREE_DATA(tree)->visible)
        return transport_field(tree, kind);
    for (int n = 0; n < MAX_REGISTRATIONS_PER_KIND && field_ids[kind][n] != 0; n++) {
        GPtrArray *found = proto_get_finfo_ptr_array(tree, field_ids[kind][n]);
        if (found && found->len)
            return g_ptr_array_index(found, found->len - 1);
    }
    return NULL;
}

bool tls_fields_frame_has_tls(proto_tree *tree)
{
    return tree != NULL &&
           (innermost_field(tree, FIELD_CONTENT_TYPE) != NULL || innermost_field(tree, FIELD_OPAQUE_TYPE) != NULL);
}

bool tls_fields_frame_shows_a_gap(proto_tree *tree)
{
    return tree != NULL &&
           (innermost_field(tree, FIELD_LOST_SEGMENT) != NULL || innermost_field(tree, FIELD_MALFORMED) != NULL);
}

#define TCP_FLAG_FIN 0x001
#define TCP_FLAG_RST 0x004

bool tls_fields_connection_end(proto_tree *tree, bool *reset)
{
    field_info *fi = tree ? innermost_field(tree, FIELD_TCP_FLAGS) : NULL;
    if (fi == NULL)
        return false;
    uint32_t flags = fvalue_get_uinteger(MTLS_FI_VALUE(fi));
    *reset = (flags & TCP_FLAG_RST) != 0;
    return (flags & (TCP_FLAG_FIN | TCP_FLAG_RST)) != 0;
}

bool tls_fields_frame_has_payload(proto_tree *tree)
{
    field_info *fi = tree ? innermost_field(tree, FIELD_TCP_PAYLOAD) : NULL;
    return fi != NULL && fvalue_get_uinteger(MTLS_FI_VALUE(fi)) > 0;
}

bool tls_fields_stream_number(proto_tree *tree, uint32_t *stream_number, bool *datagram)
{
    field_info *fi = innermost_field(tree, FIELD_STREAM);
    if (fi == NULL)
        return false;
    *stream_number = fvalue_get_uinteger(MTLS_FI_VALUE(fi));
    *datagram = fi->hfinfo->parent == udp_protocol;
    return true;
}
