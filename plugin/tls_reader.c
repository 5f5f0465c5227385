/* tls_reader.c - TLS fields to analyzer events.
 *
 * The frame's tree is walked in pre-order, which is the order the TLS
 * dissector added its items, so each field belongs to the last record or
 * handshake message opened before it. This holds for the full tree and for
 * the sparse tree tshark builds from the wanted fields alone, where the
 * fields of suppressed parents hang under the nearest kept ancestor.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>

#include "tls_reader.h"

#include <epan/proto.h>
#include <epan/tvbuff.h>

#include "ws_compat.h"

#define TLS_CONTENT_CHANGE_CIPHER_SPEC 20
#define TLS_CONTENT_ALERT 21
#define TLS_CONTENT_APPLICATION_DATA 23

#define TLS_HANDSHAKE_CLIENT_HELLO 1
#define TLS_HANDSHAKE_SERVER_HELLO 2
#define TLS_HANDSHAKE_NEW_SESSION_TICKET 4
#define TLS_HANDSHAKE_CERTIFICATE 11
#define TLS_HANDSHAKE_CERTIFICATE_REQUEST 13
#define TLS_HANDSHAKE_SERVER_HELLO_DONE 14
#define TLS_HANDSHAKE_CERTIFICATE_VERIFY 15
#define TLS_HANDSHAKE_FINISHED 20

#define TLS_RANDOM_LENGTH 32
#define DNAME_LENGTH_FIELD_SIZE 2

/* Registration ids of the TLS fields we read, resolved once at handoff. */
static int hf_tcp_stream = -1;
static int hf_tls_record_content_type = -1;
static int hf_tls_record_opaque_type = -1;
static int hf_tls_handshake_type = -1;
static int hf_tls_handshake_version = -1;
static int hf_tls_handshake_random = -1;
static int hf_tls_supported_version = -1;
static int hf_tls_server_name = -1;
static int hf_tls_certificate = -1;
static int hf_tls_dname_length = -1;
static int hf_tls_alert_level = -1;
static int hf_tls_alert_description = -1;

typedef struct {
    int *id;
    const char *name;
} field_binding;

static const field_binding wanted_fields[] = {
    {&hf_tcp_stream, "tcp.stream"},
    {&hf_tls_record_content_type, "tls.record.content_type"},
    {&hf_tls_record_opaque_type, "tls.record.opaque_type"},
    {&hf_tls_handshake_type, "tls.handshake.type"},
    {&hf_tls_handshake_version, "tls.handshake.version"},
    {&hf_tls_handshake_random, "tls.handshake.random"},
    {&hf_tls_supported_version, "tls.handshake.extensions.supported_version"},
    {&hf_tls_server_name, "tls.handshake.extensions_server_name"},
    {&hf_tls_certificate, "tls.handshake.certificate"},
    {&hf_tls_dname_length, "tls.handshake.dname_len"},
    {&hf_tls_alert_level, "tls.alert_message.level"},
    {&hf_tls_alert_description, "tls.alert_message.desc"},
};

GArray *tls_reader_init(void)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int));
    for (size_t i = 0; i < G_N_ELEMENTS(wanted_fields); i++) {
        *wanted_fields[i].id = proto_registrar_get_id_byname(wanted_fields[i].name);
        if (*wanted_fields[i].id > 0)
            g_array_append_val(ids, *wanted_fields[i].id);
        else
            ws_warning("mtls: TLS field %s is not registered; the analysis will miss it", wanted_fields[i].name);
    }
    return ids;
}

static field_info *first_field(proto_tree *tree, int hf)
{
    if (hf <= 0)
        return NULL;
    GPtrArray *found = proto_get_finfo_ptr_array(tree, hf);
    return found && found->len ? g_ptr_array_index(found, 0) : NULL;
}

bool tls_reader_frame_has_tls(proto_tree *tree)
{
    return tree != NULL &&
           (first_field(tree, hf_tls_record_content_type) != NULL || first_field(tree, hf_tls_record_opaque_type) != NULL);
}

bool tls_reader_tcp_stream(proto_tree *tree, uint32_t *stream_number)
{
    field_info *fi = first_field(tree, hf_tcp_stream);
    if (fi == NULL)
        return false;
    *stream_number = fvalue_get_uinteger(MTLS_FI_VALUE(fi));
    return true;
}

/* What has been read of the record and the handshake message being parsed. */
typedef struct {
    tls_event_sink sink;
    void *user_data;

    bool opaque_record_pending;  /* a TLS 1.3 record whose content we cannot read */
    tvbuff_t *opaque_record_tvb; /* where that record's type byte is */
    gint opaque_record_offset;
    bool alert_pending;
    int alert_level;
    int alert_description;

    int message_type;            /* -1: no handshake message open */
    uint16_t legacy_version;
    bool legacy_version_seen;
    GArray *supported_versions;  /* uint16_t */
    const char *server_name;
    const uint8_t *random;
    GArray *certificates;        /* mtls_blob */
    GArray *ca_names;            /* mtls_blob */
} reader_state;

static void emit(reader_state *state, mtls_event *event)
{
    state->sink(event, state->user_data);
}

static void emit_simple(reader_state *state, mtls_event_kind kind)
{
    mtls_event event = {.kind = kind};
    emit(state, &event);
}

static void flush_message(reader_state *state)
{
    mtls_event event = {0};
    switch (state->message_type) {
    case TLS_HANDSHAKE_CLIENT_HELLO:
        event.kind = MTLS_EVENT_CLIENT_HELLO;
        event.u.client_hello.legacy_version = state->legacy_version;
        event.u.client_hello.supported_versions = (const uint16_t *)(void *)state->supported_versions->data;
        event.u.client_hello.supported_version_count = state->supported_versions->len;
        event.u.client_hello.server_name = state->server_name;
        emit(state, &event);
        break;
    case TLS_HANDSHAKE_SERVER_HELLO:
        event.kind = MTLS_EVENT_SERVER_HELLO;
        event.u.server_hello.legacy_version = state->legacy_version;
        event.u.server_hello.selected_version =
            state->supported_versions->len ? g_array_index(state->supported_versions, uint16_t, 0) : 0;
        event.u.server_hello.random = state->random;
        emit(state, &event);
        break;
    case TLS_HANDSHAKE_CERTIFICATE:
        event.kind = MTLS_EVENT_CERTIFICATE;
        event.u.certificate.certificates = (const mtls_blob *)(void *)state->certificates->data;
        event.u.certificate.certificate_count = state->certificates->len;
        emit(state, &event);
        break;
    case TLS_HANDSHAKE_CERTIFICATE_REQUEST:
        event.kind = MTLS_EVENT_CERTIFICATE_REQUEST;
        event.u.certificate_request.ca_names = (const mtls_blob *)(void *)state->ca_names->data;
        event.u.certificate_request.ca_name_count = state->ca_names->len;
        emit(state, &event);
        break;
    case TLS_HANDSHAKE_NEW_SESSION_TICKET:
        emit_simple(state, MTLS_EVENT_NEW_SESSION_TICKET);
        break;
    case TLS_HANDSHAKE_SERVER_HELLO_DONE:
        emit_simple(state, MTLS_EVENT_SERVER_HELLO_DONE);
        break;
    case TLS_HANDSHAKE_CERTIFICATE_VERIFY:
        emit_simple(state, MTLS_EVENT_CERTIFICATE_VERIFY);
        break;
    case TLS_HANDSHAKE_FINISHED:
        emit_simple(state, MTLS_EVENT_FINISHED);
        break;
    default:
        break;
    }
    state->message_type = -1;
    state->legacy_version = 0;
    state->legacy_version_seen = false;
    state->server_name = NULL;
    state->random = NULL;
    g_array_set_size(state->supported_versions, 0);
    g_array_set_size(state->certificates, 0);
    g_array_set_size(state->ca_names, 0);
}

static void flush_record(reader_state *state)
{
    flush_message(state);
    if (state->alert_pending) {
        mtls_event event = {.kind = MTLS_EVENT_ALERT};
        event.u.alert.level = state->alert_level;
        event.u.alert.description = state->alert_description;
        emit(state, &event);
        state->alert_pending = false;
    }
    if (state->opaque_record_pending) {
        emit_simple(state, MTLS_EVENT_APPLICATION_DATA);
        state->opaque_record_pending = false;
    }
}

static void start_record_content(reader_state *state, uint32_t content_type)
{
    switch (content_type) {
    case TLS_CONTENT_CHANGE_CIPHER_SPEC:
        emit_simple(state, MTLS_EVENT_CHANGE_CIPHER_SPEC);
        break;
    case TLS_CONTENT_ALERT:
        state->alert_pending = true;
        state->alert_level = MTLS_ALERT_ENCRYPTED;
        state->alert_description = MTLS_ALERT_ENCRYPTED;
        break;
    case TLS_CONTENT_APPLICATION_DATA:
        emit_simple(state, MTLS_EVENT_APPLICATION_DATA);
        break;
    default:
        break;
    }
}

static bool field_bytes(const field_info *fi, int offset, int length, mtls_blob *blob)
{
    if (fi->ds_tvb == NULL || length <= 0 || !tvb_bytes_exist(fi->ds_tvb, offset, length))
        return false;
    blob->data = tvb_get_ptr(fi->ds_tvb, offset, length);
    blob->length = (size_t)length;
    return true;
}

static void read_field(reader_state *state, field_info *fi)
{
    const int hf = fi->hfinfo->id;
    mtls_blob blob;
    if (hf == hf_tls_record_opaque_type) {
        flush_record(state);
        state->opaque_record_pending = true;
        state->opaque_record_tvb = fi->ds_tvb;
        state->opaque_record_offset = fi->start;
    } else if (hf == hf_tls_record_content_type) {
        /* The decrypted inner type of a TLS 1.3 record is shown at the offset
         * of the record's opaque type; anything else opens a new record. */
        bool inner_type = state->opaque_record_pending && fi->ds_tvb == state->opaque_record_tvb &&
                          fi->start == state->opaque_record_offset;
        if (inner_type) {
            flush_message(state);
            state->opaque_record_pending = false;
        } else {
            flush_record(state);
        }
        start_record_content(state, fvalue_get_uinteger(MTLS_FI_VALUE(fi)));
    } else if (hf == hf_tls_handshake_type) {
        flush_message(state);
        state->message_type = (int)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
    } else if (state->message_type < 0) {
        if (hf == hf_tls_alert_level && state->alert_pending)
            state->alert_level = (int)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        else if (hf == hf_tls_alert_description && state->alert_pending)
            state->alert_description = (int)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
    } else if (hf == hf_tls_handshake_version && !state->legacy_version_seen) {
        state->legacy_version = (uint16_t)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        state->legacy_version_seen = true;
    } else if (hf == hf_tls_supported_version) {
        uint16_t version = (uint16_t)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        g_array_append_val(state->supported_versions, version);
    } else if (hf == hf_tls_server_name && state->server_name == NULL) {
        state->server_name = fvalue_get_string(MTLS_FI_VALUE(fi));
    } else if (hf == hf_tls_handshake_random && fi->length == TLS_RANDOM_LENGTH) {
        if (field_bytes(fi, fi->start, fi->length, &blob))
            state->random = blob.data;
    } else if (hf == hf_tls_certificate) {
        if (field_bytes(fi, fi->start, fi->length, &blob))
            g_array_append_val(state->certificates, blob);
    } else if (hf == hf_tls_dname_length) {
        /* The DER Name follows its two-byte length; the dname item itself
         * covers only the RDN contents, without the SEQUENCE header. */
        int name_length = (int)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        if (field_bytes(fi, fi->start + DNAME_LENGTH_FIELD_SIZE, name_length, &blob))
            g_array_append_val(state->ca_names, blob);
    }
}

static void visit_node(proto_node *node, gpointer data)
{
    reader_state *state = data;
    field_info *fi = PNODE_FINFO(node);
    if (fi != NULL && fi->hfinfo != NULL) {
        read_field(state, fi);
        /* Below a certificate is only its X.509 dissection. */
        if (fi->hfinfo->id == hf_tls_certificate)
            return;
    }
    proto_tree_children_foreach(node, visit_node, data);
}

void tls_reader_read_frame(proto_tree *tree, tls_event_sink sink, void *user_data)
{
    reader_state state = {
        .sink = sink,
        .user_data = user_data,
        .message_type = -1,
        .supported_versions = g_array_new(FALSE, FALSE, sizeof(uint16_t)),
        .certificates = g_array_new(FALSE, FALSE, sizeof(mtls_blob)),
        .ca_names = g_array_new(FALSE, FALSE, sizeof(mtls_blob)),
    };
    proto_tree_children_foreach(tree, visit_node, &state);
    flush_record(&state);
    g_array_free(state.supported_versions, TRUE);
    g_array_free(state.certificates, TRUE);
    g_array_free(state.ca_names, TRUE);
}
