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

#include "answer_reader.h"
#include "tls_fields.h"

#include <epan/proto.h>
#include <epan/tvbuff.h>
#include <string.h>

#include "ws_compat.h"

#define TLS_CONTENT_CHANGE_CIPHER_SPEC 20
#define TLS_CONTENT_ALERT 21
#define TLS_CONTENT_HANDSHAKE 22
#define TLS_CONTENT_APPLICATION_DATA 23

#define TLS_HANDSHAKE_CLIENT_HELLO 1
#define TLS_HANDSHAKE_SERVER_HELLO 2
#define TLS_HANDSHAKE_NEW_SESSION_TICKET 4
#define TLS_HANDSHAKE_CERTIFICATE 11
#define TLS_HANDSHAKE_CERTIFICATE_REQUEST 13
#define TLS_HANDSHAKE_SERVER_HELLO_DONE 14
#define TLS_HANDSHAKE_CERTIFICATE_VERIFY 15
#define TLS_HANDSHAKE_FINISHED 20
#define TLS_HANDSHAKE_COMPRESSED_CERTIFICATE 25

#define TLS_RANDOM_LENGTH 32
#define DNAME_LENGTH_FIELD_SIZE 2
#define TLS_HANDSHAKE_HEADER_LENGTH 4
#define TLS_EXTENSION_POST_HANDSHAKE_AUTH 49

/* What has been read of the record and the handshake message being parsed. */
/* An event held back, with copies of the arrays it points to (the bytes
 * they point to are the frame's, valid until the frame is done). */
typedef struct {
    mtls_event event;
    void *arrays[4];
} held_event;

/* What the reader collects while it walks a frame (the entries of a
 * message, the events it holds back), in the order the tree lists them. */
typedef struct {
    void *entries;
    size_t length;
    size_t capacity;
} entry_list;

typedef struct {
    tls_field_kinds kinds;
    frame_event_sink sink;
    void *user_data;
    answer_gathering answers;
    /* The application's answers come last in the tree, though they rode in
     * the frame's first application data record: what follows that record
     * is held back until they are passed on, so events go in frame order. */
    bool data_passed;
    entry_list held;               /* held_event */

    bool opaque_record_pending;  /* a TLS 1.3 record whose content we cannot read */
    tvbuff_t *opaque_record_tvb; /* where that record's type byte is */
    int opaque_record_offset;
    bool handshake_record_unread; /* a handshake record in which no message was read yet */
    bool alert_pending;
    int alert_level;
    int alert_description;

    uint16_t record_version;     /* of the record being read */
    int message_type;            /* -1: no handshake message open */
    tvbuff_t *message_tvb;       /* where the open message's type byte is */
    int message_offset;
    mtls_blob message;           /* the whole message, once its length is read */
    uint16_t legacy_version;
    bool legacy_version_seen;
    entry_list supported_versions; /* uint16_t */
    const char *server_name;
    entry_list cipher_suites;      /* uint16_t */
    entry_list signature_algorithms; /* uint16_t: signature_algorithms and signature_algorithms_cert, one field */
    entry_list alpn;               /* const char*, the ClientHello's ALPN protocols */
    const uint8_t *random;
    bool psk_selected;
    bool post_handshake_auth;    /* the ClientHello offers post_handshake_auth */
    entry_list certificates;       /* mtls_blob */
    unsigned certificate_entries;   /* entries announced by their length fields */
    entry_list ca_names;           /* mtls_blob */
    uint16_t compression_algorithm;
    uint32_t uncompressed_length;
    mtls_blob compressed_certificate;
} reader_state;

/* The lists are made on their first entry: most frames carry none (a
 * Finished, a record of application data), and a frame costs no allocation
 * for them. A list never made reads as empty. An entry is appended without
 * a call: a ClientHello lists dozens of cipher suites. */
static inline void append_to(entry_list *list, size_t element_size, const void *element)
{
    if (list->length == list->capacity) {
        list->capacity = list->capacity ? 2 * list->capacity : 16;
        list->entries = g_realloc(list->entries, list->capacity * element_size);
    }
    memcpy((char *)list->entries + list->length * element_size, element, element_size);
    list->length++;
}

static size_t length_of(const entry_list *list)
{
    return list->length;
}

static const void *entries_of(const entry_list *list)
{
    return list->entries;
}

static void empty(entry_list *list)
{
    list->length = 0;
}

static void release(entry_list *list)
{
    if (list->entries != NULL) /* most lists of most frames were never made */
        g_free(list->entries);
}

static void *copy_array(void **slot, const void *data, size_t bytes)
{
    *slot = bytes ? g_memdup2(data, bytes) : NULL;
    return *slot;
}

static void hold(reader_state *state, const mtls_event *event)
{
    held_event held = {.event = *event};
    mtls_event *copy = &held.event;
    switch (event->kind) {
    case MTLS_EVENT_CLIENT_HELLO: {
        const size_t versions = copy->u.client_hello.supported_version_count;
        const size_t suites = copy->u.client_hello.cipher_suite_count;
        const size_t schemes = copy->u.client_hello.signature_algorithm_count;
        copy->u.client_hello.supported_versions =
            copy_array(&held.arrays[0], event->u.client_hello.supported_versions, versions * sizeof(uint16_t));
        copy->u.client_hello.cipher_suites =
            copy_array(&held.arrays[1], event->u.client_hello.cipher_suites, suites * sizeof(uint16_t));
        copy->u.client_hello.signature_algorithms =
            copy_array(&held.arrays[2], event->u.client_hello.signature_algorithms, schemes * sizeof(uint16_t));
        copy->u.client_hello.alpn = copy_array(&held.arrays[3], event->u.client_hello.alpn,
                                               copy->u.client_hello.alpn_count * sizeof(const char *));
        break;
    }
    case MTLS_EVENT_CERTIFICATE:
        copy->u.certificate.certificates = copy_array(&held.arrays[0], event->u.certificate.certificates,
                                                      event->u.certificate.certificate_count * sizeof(mtls_blob));
        break;
    case MTLS_EVENT_CERTIFICATE_REQUEST:
        copy->u.certificate_request.ca_names = copy_array(
            &held.arrays[0], event->u.certificate_request.ca_names,
            event->u.certificate_request.ca_name_count * sizeof(mtls_blob));
        copy->u.certificate_request.signature_algorithms = copy_array(
            &held.arrays[1], event->u.certificate_request.signature_algorithms,
            event->u.certificate_request.signature_algorithm_count * sizeof(uint16_t));
        break;
    default:
        break;
    }
    append_to(&state->held, sizeof held, &held);
}

static void emit(reader_state *state, mtls_event *event)
{
    if (state->data_passed) {
        hold(state, event);
        return;
    }
    state->sink(event, state->user_data);
    if (event->kind == MTLS_EVENT_APPLICATION_DATA)
        state->data_passed = true;
}

/* After the answers: what the frame held back, in its order. */
static void pass_held_events(reader_state *state)
{
    for (unsigned i = 0; i < length_of(&state->held); i++) {
        held_event *held = &((held_event *)state->held.entries)[i];
        state->sink(&held->event, state->user_data);
        for (size_t a = 0; a < G_N_ELEMENTS(held->arrays); a++)
            g_free(held->arrays[a]);
    }
    empty(&state->held);
}

static void emit_simple(reader_state *state, mtls_event_kind kind)
{
    mtls_event event = {.kind = kind};
    emit(state, &event);
}

static void fill_client_hello(const reader_state *state, mtls_event *event)
{
    event->kind = MTLS_EVENT_CLIENT_HELLO;
    event->u.client_hello.legacy_version = state->legacy_version;
    event->u.client_hello.supported_versions = entries_of(&state->supported_versions);
    event->u.client_hello.supported_version_count = length_of(&state->supported_versions);
    event->u.client_hello.server_name = state->server_name;
    event->u.client_hello.record_version = state->record_version;
    event->u.client_hello.cipher_suites = entries_of(&state->cipher_suites);
    event->u.client_hello.cipher_suite_count = length_of(&state->cipher_suites);
    event->u.client_hello.signature_algorithms = entries_of(&state->signature_algorithms);
    event->u.client_hello.signature_algorithm_count = length_of(&state->signature_algorithms);
    event->u.client_hello.offers_post_handshake_auth = state->post_handshake_auth;
    event->u.client_hello.alpn = entries_of(&state->alpn);
    event->u.client_hello.alpn_count = length_of(&state->alpn);
}

static void fill_server_hello(const reader_state *state, mtls_event *event)
{
    event->kind = MTLS_EVENT_SERVER_HELLO;
    event->u.server_hello.legacy_version = state->legacy_version;
    event->u.server_hello.selected_version =
        length_of(&state->supported_versions) ? ((const uint16_t *)state->supported_versions.entries)[0] : 0;
    event->u.server_hello.random = state->random;
    event->u.server_hello.psk_accepted = state->psk_selected;
    event->u.server_hello.cipher_suite =
        length_of(&state->cipher_suites) ? ((const uint16_t *)state->cipher_suites.entries)[0] : 0;
}

static void fill_certificate(const reader_state *state, mtls_event *event)
{
    event->kind = MTLS_EVENT_CERTIFICATE;
    event->u.certificate.certificates = entries_of(&state->certificates);
    event->u.certificate.certificate_count = length_of(&state->certificates);
    /* An entry whose bytes the capture cut off has its length field only. */
    event->u.certificate.truncated = state->certificate_entries > length_of(&state->certificates);
}

/* Builds of Wireshark with the decompressor dissect the Certificate inside;
 * the others show only the compressed bytes, which the analyzer inflates. */
static void fill_compressed_certificate(const reader_state *state, mtls_event *event)
{
    if (length_of(&state->certificates) > 0) {
        fill_certificate(state, event);
        return;
    }
    event->kind = MTLS_EVENT_COMPRESSED_CERTIFICATE;
    event->u.compressed_certificate.algorithm = state->compression_algorithm;
    event->u.compressed_certificate.uncompressed_length = state->uncompressed_length;
    event->u.compressed_certificate.data = state->compressed_certificate;
}

static void fill_certificate_request(const reader_state *state, mtls_event *event)
{
    event->kind = MTLS_EVENT_CERTIFICATE_REQUEST;
    event->u.certificate_request.ca_names = entries_of(&state->ca_names);
    event->u.certificate_request.ca_name_count = length_of(&state->ca_names);
    event->u.certificate_request.signature_algorithms = entries_of(&state->signature_algorithms);
    event->u.certificate_request.signature_algorithm_count = length_of(&state->signature_algorithms);
}

/* The kind of a message the analyzer needs only to know was sent. */
static mtls_event_kind plain_message_kind(int message_type)
{
    switch (message_type) {
    case TLS_HANDSHAKE_NEW_SESSION_TICKET: return MTLS_EVENT_NEW_SESSION_TICKET;
    case TLS_HANDSHAKE_SERVER_HELLO_DONE: return MTLS_EVENT_SERVER_HELLO_DONE;
    case TLS_HANDSHAKE_CERTIFICATE_VERIFY: return MTLS_EVENT_CERTIFICATE_VERIFY;
    case TLS_HANDSHAKE_FINISHED: return MTLS_EVENT_FINISHED;
    default: return MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE;
    }
}

/* Forgets the message just passed on, ready for the next. */
static void reset_message(reader_state *state)
{
    state->message_type = -1;
    state->message_tvb = NULL;
    state->message = (mtls_blob){NULL, 0};
    state->legacy_version = 0;
    state->legacy_version_seen = false;
    state->server_name = NULL;
    state->random = NULL;
    state->psk_selected = false;
    state->post_handshake_auth = false;
    state->certificate_entries = 0;
    state->compression_algorithm = 0;
    state->uncompressed_length = 0;
    state->compressed_certificate = (mtls_blob){NULL, 0};
    empty(&state->supported_versions);
    empty(&state->certificates);
    empty(&state->ca_names);
    empty(&state->cipher_suites);
    empty(&state->signature_algorithms);
    empty(&state->alpn);
}

/* Passes the open handshake message on as an event. */
static void flush_message(reader_state *state)
{
    if (state->message_type >= 0) {
        mtls_event event = {.message = state->message};
        switch (state->message_type) {
        case TLS_HANDSHAKE_CLIENT_HELLO: fill_client_hello(state, &event); break;
        case TLS_HANDSHAKE_SERVER_HELLO: fill_server_hello(state, &event); break;
        case TLS_HANDSHAKE_CERTIFICATE: fill_certificate(state, &event); break;
        case TLS_HANDSHAKE_COMPRESSED_CERTIFICATE: fill_compressed_certificate(state, &event); break;
        case TLS_HANDSHAKE_CERTIFICATE_REQUEST: fill_certificate_request(state, &event); break;
        default: event.kind = plain_message_kind(state->message_type); break;
        }
        emit(state, &event);
    }
    reset_message(state);
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
    if (state->handshake_record_unread) {
        emit_simple(state, MTLS_EVENT_ENCRYPTED_HANDSHAKE);
        state->handshake_record_unread = false;
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
    case TLS_CONTENT_HANDSHAKE:
        state->handshake_record_unread = true;
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

static void read_record_field(reader_state *state, field_kind kind, field_info *fi)
{
    if (kind == FIELD_OPAQUE_TYPE) {
        flush_record(state);
        state->opaque_record_pending = true;
        state->opaque_record_tvb = fi->ds_tvb;
        state->opaque_record_offset = fi->start;
        return;
    }
    /* The decrypted inner type of a TLS 1.3 record is shown at the offset of
     * the record's opaque type; any other content type opens a new record. */
    bool inner_type = state->opaque_record_pending && fi->ds_tvb == state->opaque_record_tvb &&
                      fi->start == state->opaque_record_offset;
    if (inner_type) {
        flush_message(state);
        state->opaque_record_pending = false;
    } else {
        flush_record(state);
    }
    start_record_content(state, fvalue_get_uinteger(MTLS_FI_VALUE(fi)));
}

static void read_alert_field(reader_state *state, field_kind kind, field_info *fi)
{
    if (!state->alert_pending)
        return;
    int value = (int)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
    if (kind == FIELD_ALERT_LEVEL)
        state->alert_level = value;
    else
        state->alert_description = value;
}

static void read_message_field(reader_state *state, field_kind kind, field_info *fi)
{
    mtls_blob blob;
    switch (kind) {
    case FIELD_HANDSHAKE_VERSION:
        if (!state->legacy_version_seen) {
            state->legacy_version = (uint16_t)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
            state->legacy_version_seen = true;
        }
        break;
    case FIELD_SUPPORTED_VERSION: {
        uint16_t version = (uint16_t)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        append_to(&state->supported_versions, sizeof version, &version);
        break;
    }
    case FIELD_SERVER_NAME:
        if (state->server_name == NULL)
            state->server_name = fvalue_get_string(MTLS_FI_VALUE(fi));
        break;
    case FIELD_CIPHER_SUITE:
    case FIELD_SIGNATURE_ALGORITHM: {
        uint16_t value = (uint16_t)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        append_to(kind == FIELD_CIPHER_SUITE ? &state->cipher_suites : &state->signature_algorithms, sizeof value,
                  &value);
        break;
    }
    case FIELD_PSK_SELECTED:
        state->psk_selected = true;
        break;
    case FIELD_ALPN: {
        const char *protocol = fvalue_get_string(MTLS_FI_VALUE(fi));
        append_to(&state->alpn, sizeof protocol, &protocol);
        break;
    }
    case FIELD_EXTENSION_TYPE:
        if (fvalue_get_uinteger(MTLS_FI_VALUE(fi)) == TLS_EXTENSION_POST_HANDSHAKE_AUTH)
            state->post_handshake_auth = true;
        break;
    case FIELD_HANDSHAKE_LENGTH: {
        /* The length directly follows the type byte; the message is those
         * four bytes and the body, when the capture holds all of it. */
        int length = (int)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        if (state->message.data == NULL && fi->ds_tvb == state->message_tvb &&
            fi->start == state->message_offset + 1)
            field_bytes(fi, state->message_offset, length + TLS_HANDSHAKE_HEADER_LENGTH, &state->message);
        break;
    }
    case FIELD_RANDOM:
        if (fi->length == TLS_RANDOM_LENGTH && field_bytes(fi, fi->start, fi->length, &blob))
            state->random = blob.data;
        break;
    case FIELD_CERTIFICATE:
        if (field_bytes(fi, fi->start, fi->length, &blob))
            append_to(&state->certificates, sizeof blob, &blob);
        break;
    case FIELD_CERTIFICATE_LENGTH:
        state->certificate_entries++;
        break;
    case FIELD_COMPRESSION_ALGORITHM:
        state->compression_algorithm = (uint16_t)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        break;
    case FIELD_UNCOMPRESSED_LENGTH:
        state->uncompressed_length = fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        break;
    case FIELD_COMPRESSED_CERTIFICATE:
        if (field_bytes(fi, fi->start, fi->length, &blob))
            state->compressed_certificate = blob;
        break;
    case FIELD_DNAME_LENGTH: {
        /* The DER Name follows its two-byte length; the dname item itself
         * covers only the RDN contents, without the SEQUENCE header. */
        int name_length = (int)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        if (field_bytes(fi, fi->start + DNAME_LENGTH_FIELD_SIZE, name_length, &blob))
            append_to(&state->ca_names, sizeof blob, &blob);
        break;
    }
    default:
        break;
    }
}

static void read_field(reader_state *state, field_kind kind, field_info *fi)
{
    switch (kind) {
    case FIELD_CONTENT_TYPE:
    case FIELD_OPAQUE_TYPE:
        read_record_field(state, kind, fi);
        break;
    case FIELD_RECORD_VERSION:
        /* Follows the content type, which flushed the previous record's message. */
        state->record_version = (uint16_t)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        break;
    case FIELD_HANDSHAKE_TYPE:
        flush_message(state);
        state->handshake_record_unread = false;
        state->message_type = (int)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        state->message_tvb = fi->ds_tvb;
        state->message_offset = fi->start;
        break;
    case FIELD_ALERT_LEVEL:
    case FIELD_ALERT_DESCRIPTION:
        read_alert_field(state, kind, fi);
        break;
    default:
        if (state->message_type >= 0)
            read_message_field(state, kind, fi);
        break;
    }
}

/* Pre-order, by the nodes' own links: most nodes are leaves, and a call
 * per node through proto_tree_children_foreach cost more than reading it. */
static void visit_children(proto_node *parent, reader_state *state)
{
    for (proto_node *node = parent->first_child; node != NULL; node = node->next) {
        field_info *fi = PNODE_FINFO(node);
        if (fi != NULL && fi->hfinfo != NULL) {
            field_kind kind = tls_field_kind(state->kinds, fi->hfinfo->id);
            /* TLS adds its records beside the lower layers, never under them. */
            if (kind == FIELD_LOWER_LAYER || kind == FIELD_UNREAD_SUBTREE)
                continue;
            if (kind == FIELD_ANSWER)
                answer_reader_take_field(&state->answers, fi);
            else if (kind != FIELD_OTHER)
                read_field(state, kind, fi);
            /* A field read is a leaf or holds nothing read (a certificate's
             * X.509 dissection, a signature scheme's two halves); what
             * Wireshark versions add under a compressed certificate is read
             * as it always was. */
            if (kind < FIELD_KIND_COUNT && kind != FIELD_COMPRESSED_CERTIFICATE)
                continue;
        }
        if (node->first_child != NULL)
            visit_children(node, state);
    }
}

void tls_reader_read_frame(proto_tree *tree, frame_event_sink sink, void *user_data)
{
    reader_state state = {
        .kinds = tls_fields_kinds(),
        .sink = sink,
        .user_data = user_data,
        .message_type = -1,
    };
    answer_reader_start(&state.answers, sink, user_data);
    visit_children(tree, &state);
    flush_record(&state);
    answer_reader_finish(&state.answers);
    pass_held_events(&state);
    release(&state.held);
    release(&state.alpn);
    release(&state.supported_versions);
    release(&state.certificates);
    release(&state.ca_names);
    release(&state.cipher_suites);
    release(&state.signature_algorithms);
}
