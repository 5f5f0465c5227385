/* packet-mtls.c - the `mtls` post-dissector: the per-frame glue between the
 * TLS dissector's fields and the analyzer, and the tree it shows (what it
 * registers is in mtls_registration.c).
 *
 * On the first pass each frame's TLS events are fed to the analyzer stream of
 * its connection (found by its TCP or UDP stream number) and the handshakes
 * they touched are remembered for the frame. On every pass (tshark's one
 * pass, tshark -2, a click in the GUI) the tree, expert info and filter
 * fields are rebuilt from that memory, because only the first pass gets the
 * TLS fields primed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#define WS_LOG_DOMAIN "mtls"
#include <wireshark.h>

#include <epan/column-utils.h>
#include <epan/conversation.h>
#include <epan/to_str.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/tap.h>

#include "mtls_analyzer.h"
#include "mtls_registration.h"
#include "packet-mtls.h"
#include "tls_fields.h"
#include "tls_reader.h"
#include "ws_compat.h"

static int proto_mtls = -1;
static int mtls_tap = -1;
/* QUIC carries TLS handshakes without TLS records: not read here. */
static int proto_quic = -1;
static dissector_handle_t mtls_handle;
/* The file's connections seen as TLS, by stream number (stream_place). */
static wmem_map_t *streams_by_number;


/* The handshakes a frame contributed to, in the order first touched. */
typedef struct {
    mtls_handshake *const *handshakes;
    unsigned count;
} frame_record;

typedef struct {
    mtls_stream *stream;
    mtls_packet packet;
    wmem_array_t *handshakes; /* mtls_handshake*, in the packet's scope */
} frame_feed;

/* The analysis of the file being dissected, shared by its streams so that a
 * certificate sent in many handshakes is parsed and verified once. Made when
 * Wireshark starts a file, or starts it again to redissect (after a change of
 * preferences), with the configuration then in force; released when it is
 * done with the file. The streams hold references of their own, released
 * with the file's scope. */
static mtls_capture *file_capture;

/* Whether Wireshark has read the whole file, so that a handshake without an
 * outcome is one the capture cut short. A frame dissected a second time does
 * not tell it: during a live capture the GUI dissects a clicked frame again
 * while more frames arrive. Set when Wireshark ends its sequential read (a
 * file opened, a live capture stopped, tshark -2's first pass), or when a
 * redissection (after a change of preferences) starts over a file that was
 * read through: Wireshark's cleanup and init routines cannot tell that from
 * a new file, but its first frame can. */
static bool file_read_through;

/* Whether Wireshark primes the fields the reader finds by walking the tree
 * (tls_fields_wanted). It builds every item of a tree it shows
 * (tshark -V, -T fields, -T json), so only a first pass without a visible
 * tree needs them; priming them on every frame anyway cost tshark -T fields
 * 2% more instructions on the replay benchmark (each primed item is indexed
 * as it is added). */
static bool walked_fields_primed;

static void prime_walked_fields(bool wanted)
{
    if (walked_fields_primed == wanted)
        return;
    walked_fields_primed = wanted;
    set_postdissector_wanted_hfids(mtls_handle, tls_fields_wanted(wanted));
}

static bool tree_holds_every_field(proto_tree *tree)
{
    return tree != NULL && PTREE_DATA(tree)->visible;
}

typedef struct {
    bool known;
    nstime_t arrival;
    uint32_t length;
} first_frame_identity;
static first_frame_identity this_file_first_frame;
static first_frame_identity read_through_file_first_frame; /* of the file before a cleanup, if read through */

static void note_first_frame(packet_info *pinfo)
{
    this_file_first_frame = (first_frame_identity){true, pinfo->abs_ts, pinfo->fd->pkt_len};
    const first_frame_identity *before = &read_through_file_first_frame;
    if (before->known && nstime_cmp(&before->arrival, &pinfo->abs_ts) == 0 && before->length == pinfo->fd->pkt_len)
        file_read_through = true;
}

static void open_file_capture(void)
{
    /* Wireshark runs init routines again without a cleanup between them in some paths. */
    g_clear_pointer(&file_capture, mtls_capture_unref);
    file_capture = mtls_capture_new(mtls_applied_config());
    file_read_through = false;
    prime_walked_fields(true);
}

/* Frames are read only on the first pass: later passes need no priming. */
static void note_file_read_through(void)
{
    file_read_through = true;
    prime_walked_fields(false);
}

static bool capture_complete_at(packet_info *pinfo)
{
    return PINFO_FD_VISITED(pinfo) && file_read_through;
}

/* What the caches did, for tuning mtls.cache_limit (tshark --log-level debug). */
static void close_file_capture(void)
{
    if (file_capture == NULL)
        return;
    const mtls_capture_statistics statistics = mtls_capture_get_statistics(file_capture);
    ws_debug("%zu certificates received, %zu parsed; %zu issuer signatures asked about, %zu checked; "
             "%zu CertificateVerify signatures asked about, %zu checked; caches emptied %zu times (mtls.cache_limit)",
             statistics.certificate_lookups, statistics.distinct_certificates, statistics.signature_lookups,
             statistics.signature_checks, statistics.certificate_verify_lookups, statistics.certificate_verify_checks,
             statistics.cache_flushes);
    g_clear_pointer(&file_capture, mtls_capture_unref);
    read_through_file_first_frame = file_read_through ? this_file_first_frame : (first_frame_identity){0};
    this_file_first_frame = (first_frame_identity){0};
    file_read_through = false;
}

static mtls_ws_bool free_stream_with_file(wmem_allocator_t *allocator _U_, wmem_cb_event_t event _U_, void *stream)
{
    mtls_stream_free(stream);
    return FALSE;
}

/* Where the frame's connection keeps its analysis: by its TCP or UDP stream
 * number (looking it up cost a tenth of finding the frame's conversation,
 * on every TLS frame), or by the conversation when it has none. */
typedef struct {
    bool numbered;
    uint32_t number;
    void *key;                      /* in streams_by_number */
    conversation_t *conversation;   /* NULL until looked for */
} stream_place;

static stream_place place_of(proto_tree *tree)
{
    stream_place place = {0};
    bool datagram = false;
    place.numbered = tree != NULL && tls_fields_stream_number(tree, &place.number, &datagram);
    place.key = GSIZE_TO_POINTER(((size_t)place.number << 1) | datagram);
    return place;
}

/* The analysis of this frame's connection, if one was seen as TLS. */
static mtls_stream *known_stream(packet_info *pinfo, stream_place *place)
{
    if (place->numbered)
        return wmem_map_lookup(streams_by_number, place->key);
    place->conversation = find_conversation_pinfo(pinfo, 0);
    return place->conversation ? conversation_get_proto_data(place->conversation, proto_mtls) : NULL;
}

static mtls_stream *stream_for(packet_info *pinfo, stream_place *place)
{
    mtls_stream *stream = known_stream(pinfo, place);
    if (stream != NULL)
        return stream;
    /* Also on the conversation, once per connection: a frame whose stream
     * number is missing (fields_complete false) still finds its analysis. */
    if (place->conversation == NULL)
        place->conversation = find_or_create_conversation(pinfo);
    DISSECTOR_ASSERT(file_capture != NULL);
    stream = mtls_stream_new(file_capture, place->numbered ? place->number : place->conversation->conv_index);
    wmem_register_callback(wmem_file_scope(), free_stream_with_file, stream);
    if (place->numbered)
        wmem_map_insert(streams_by_number, place->key, stream);
    conversation_add_proto_data(place->conversation, proto_mtls, stream);
    return stream;
}

/* "192.0.2.1:443" or "[2001:db8::1]:443": the sender, for every TLS frame,
 * so put together without a printf. */
static const char *endpoint_name(packet_info *pinfo)
{
    char address[256]; /* longer addresses are cut, never overrun */
    address_to_str_buf(&pinfo->src, address, sizeof address);
    char port[8];
    size_t digits = 0;
    for (uint32_t rest = pinfo->srcport; digits == 0 || rest > 0; rest /= 10)
        port[digits++] = (char)('0' + rest % 10);
    const bool bracketed = pinfo->src.type == AT_IPv6;
    const size_t address_length = strlen(address);
    char *name = wmem_alloc(pinfo->pool, address_length + digits + 4);
    char *end = name;
    if (bracketed)
        *end++ = '[';
    memcpy(end, address, address_length);
    end += address_length;
    if (bracketed)
        *end++ = ']';
    *end++ = ':';
    while (digits > 0)
        *end++ = port[--digits];
    *end = '\0';
    return name;
}

static void remember_handshake(wmem_array_t *handshakes, mtls_handshake *handshake)
{
    unsigned count = wmem_array_get_count(handshakes);
    mtls_handshake **known = wmem_array_get_raw(handshakes);
    for (unsigned i = 0; i < count; i++) {
        if (known[i] == handshake)
            return;
    }
    wmem_array_append_one(handshakes, handshake);
}

static void feed_event(const mtls_event *event, void *user_data)
{
    frame_feed *feed = user_data;
    mtls_handshake *handshake = mtls_stream_feed(feed->stream, &feed->packet, event);
    if (handshake != NULL)
        remember_handshake(feed->handshakes, handshake);
}

/* A frame cut short by the snap length, or after lost segments, may hide a
 * handshake message entirely: the connection's analysis must not trust its
 * transcript. Only a connection already seen as TLS is told. */
static void report_capture_gap(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, bool fields_complete)
{
    if (fields_complete && tvb_captured_length(tvb) >= tvb_reported_length(tvb) &&
        !tls_fields_frame_shows_a_gap(tree))
        return;
    stream_place place = place_of(tree);
    mtls_stream *stream = known_stream(pinfo, &place);
    if (stream == NULL)
        return;
    const mtls_packet packet = {pinfo->num, (int64_t)pinfo->abs_ts.secs, endpoint_name(pinfo),
                                (uint32_t)pinfo->abs_ts.nsecs};
    const mtls_event gap = {.kind = MTLS_EVENT_CAPTURE_GAP};
    mtls_stream_feed(stream, &packet, &gap);
}

/* proto_is_frame_protocol compares every layer's name; the ids are enough. */
static bool frame_has_protocol(const packet_info *pinfo, int protocol_id)
{
    for (wmem_list_frame_t *layer = wmem_list_head(pinfo->layers); protocol_id > 0 && layer != NULL;
         layer = wmem_list_frame_next(layer)) {
        if (GPOINTER_TO_INT(wmem_list_frame_data(layer)) == protocol_id)
            return true;
    }
    return false;
}

/* The handshakes the frame touched, in the packet's scope; NULL for none.
 * Without fields_complete the frame's TLS messages may be missing from its
 * tree: a first pass that showed its trees and then stopped (a Lua listener
 * that asked for every field, removed during a live capture). */
static wmem_array_t *analyse_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, bool fields_complete)
{
    report_capture_gap(tvb, pinfo, tree, fields_complete);
    if (!fields_complete || frame_has_protocol(pinfo, proto_quic))
        return NULL;
    const bool has_tls = tls_fields_frame_has_tls(tree);
    bool reset = false;
    const bool ends = tls_fields_connection_end(tree, &reset);
    const bool unread_data = !has_tls && tls_fields_frame_has_payload(tree);
    if (!has_tls && !ends && !unread_data)
        return NULL;
    /* A FIN, an RST or bytes without a record matter only on a connection already seen as TLS. */
    stream_place place = place_of(tree);
    mtls_stream *stream = has_tls ? stream_for(pinfo, &place) : known_stream(pinfo, &place);
    if (stream == NULL)
        return NULL;
    frame_feed feed = {
        .stream = stream,
        .packet = {pinfo->num, (int64_t)pinfo->abs_ts.secs, endpoint_name(pinfo), (uint32_t)pinfo->abs_ts.nsecs},
        .handshakes = wmem_array_new(pinfo->pool, sizeof(mtls_handshake *)),
    };
    if (has_tls) {
        tls_reader_read_frame(tree, feed_event, &feed);
    } else if (unread_data) {
        const mtls_event data = {.kind = MTLS_EVENT_UNREAD_DATA};
        feed_event(&data, &feed);
    }
    if (ends) {
        mtls_event closed = {.kind = MTLS_EVENT_CONNECTION_CLOSED};
        closed.u.connection_closed.reset = reset;
        feed_event(&closed, &feed);
    }
    return wmem_array_get_count(feed.handshakes) > 0 ? feed.handshakes : NULL;
}

/* Only a frame that touched a handshake is noted for the passes after the
 * first (in the capture's frame index, not as Wireshark proto data, which
 * costs more than twice as much per frame), so a long connection's data
 * costs nothing. */
static frame_record remember_frame(packet_info *pinfo, wmem_array_t *touched)
{
    if (touched == NULL)
        return (frame_record){NULL, 0};
    const frame_record record = {wmem_array_get_raw(touched), wmem_array_get_count(touched)};
    mtls_capture_note_frame(file_capture, pinfo->num, record.handshakes, record.count);
    return record;
}

static frame_record remembered_frame(packet_info *pinfo)
{
    frame_record record;
    record.count = (unsigned)mtls_capture_frame_handshakes(file_capture, pinfo->num, &record.handshakes);
    return record;
}

static proto_item *add_generated_string(proto_tree *tree, int hf, tvbuff_t *tvb, const char *value)
{
    proto_item *item = proto_tree_add_string(tree, hf, tvb, 0, 0, value);
    proto_item_set_generated(item);
    return item;
}

static void add_generated_uint(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t value)
{
    proto_item_set_generated(proto_tree_add_uint(tree, hf, tvb, 0, 0, value));
}

static void add_frame_link(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t frame)
{
    if (frame != 0)
        add_generated_uint(tree, hf, tvb, frame);
}

static void add_generated_time(proto_tree *tree, int hf, tvbuff_t *tvb, int64_t seconds)
{
    if (seconds < 0)
        return;
    nstime_t moment = {(time_t)seconds, 0};
    proto_item_set_generated(proto_tree_add_time(tree, hf, tvb, 0, 0, &moment));
}

/* Wireshark cuts every item label at ITEM_LABEL_LENGTH characters, which
 * would hide the cause and the fix at the end of an explanation. A long
 * text keeps its whole value in its field (display filters, tshark -T fields,
 * mtls-report) and is shown as lines short enough to read whole: the first in
 * the item's label, the rest under it (mtls_text_line_end). */
static size_t line_end(const char *text, size_t length)
{
    return mtls_text_line_end(text, length);
}

/* Whether items of these fields are worth building: the tree is shown, or a
 * filter names one of them. An invisible tree (the GUI's packet list, tshark
 * with -Y and no -T) throws every other item away, so text meant only for
 * the eye (the flow, the wrapped lines, each certificate's details) is not
 * made there. tshark -T fields and -T json make the tree visible. */
static bool any_field_wanted(proto_tree *tree, const int *fields, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (proto_field_is_referenced(tree, fields[i]))
            return true;
    }
    return false;
}

static proto_item *add_long_string(proto_tree *tree, int hf, tvbuff_t *tvb, const char *value)
{
    proto_item *item = add_generated_string(tree, hf, tvb, value);
    if (!proto_field_is_referenced(tree, hf_mtls_text_line))
        return item;
    const char *name = proto_registrar_get_name(hf);
    size_t length = strlen(value);
    if (strlen(name) + 2 + length < ITEM_LABEL_LENGTH - 20)
        return item;
    size_t first = line_end(value, length);
    proto_item_set_text(item, "%s: %.*s ...", name, (int)first, value);
    proto_tree *lines = proto_item_add_subtree(item, ett_mtls_text);
    const char *end = value + length;
    for (const char *rest = value + first; rest < end;) {
        while (*rest == ' ')
            rest++;
        size_t line = MIN(line_end(rest, (size_t)(end - rest)), MTLS_TEXT_LINE_LENGTH);
        if (line == 0)
            break;
        char text[MTLS_TEXT_LINE_LENGTH + 1];
        memcpy(text, rest, line);
        text[line] = '\0';
        proto_item_set_generated(proto_tree_add_string_format(lines, hf_mtls_text_line, tvb, 0, 0, text, "%s", text));
        rest += line;
    }
    return item;
}

/* A chain as sent: one subtree per certificate, leaf first. */
static void add_chain(proto_tree *tree, proto_item *parent, int ett_chain, int hf_chain_certificate, tvbuff_t *tvb,
                      const mtls_certificate_summary *entries, size_t count)
{
    const int fields[] = {hf_chain_certificate,                 hf_mtls_certificate_subject,
                          hf_mtls_certificate_issuer,           hf_mtls_certificate_not_before,
                          hf_mtls_certificate_not_after,        hf_mtls_certificate_key,
                          hf_mtls_certificate_signature,        hf_mtls_certificate_sha256,
                          hf_mtls_certificate_extended_key_usage};
    if (count == 0 || !any_field_wanted(tree, fields, G_N_ELEMENTS(fields)))
        return;
    proto_tree *chain = proto_item_add_subtree(parent, ett_chain);
    const char *name = proto_registrar_get_name(hf_chain_certificate);
    for (size_t i = 0; i < count; i++) {
        const mtls_certificate_summary *entry = &entries[i];
        /* Labelled as it is made: prepending to a label fills it first. */
        proto_item *item = proto_tree_add_string_format(chain, hf_chain_certificate, tvb, 0, 0, entry->subject,
                                                        "%zu: %s: %s", i + 1, name, entry->subject);
        proto_item_set_generated(item);
        proto_tree *details = proto_item_add_subtree(item, ett_mtls_certificate);
        add_generated_string(details, hf_mtls_certificate_subject, tvb, entry->subject);
        add_generated_string(details, hf_mtls_certificate_issuer, tvb, entry->issuer);
        add_generated_time(details, hf_mtls_certificate_not_before, tvb, entry->not_before);
        add_generated_time(details, hf_mtls_certificate_not_after, tvb, entry->not_after);
        add_generated_string(details, hf_mtls_certificate_key, tvb, entry->key);
        add_generated_string(details, hf_mtls_certificate_signature, tvb, entry->signature_algorithm);
        add_generated_string(details, hf_mtls_certificate_sha256, tvb, entry->sha256);
        if (entry->extended_key_usage != NULL)
            add_generated_string(details, hf_mtls_certificate_extended_key_usage, tvb, entry->extended_key_usage);
    }
}

/* "C: Certificate(2) (frame 7)", put together without a printf: a flow has
 * about nine steps, and the one printf of the label is cheaper with "%s". */
static const char *flow_step_label(const mtls_flow_step *step, char *label, size_t size)
{
    char digits[10];
    size_t count = 0;
    for (uint32_t rest = step->frame; count == 0 || rest > 0; rest /= 10)
        digits[count++] = (char)('0' + rest % 10);
    const size_t text_length = strlen(step->step);
    if (text_length + count + 13 > size) /* "S: ", " (frame ", ')' and the end */
        return step->step;
    char *end = label;
    *end++ = step->side;
    *end++ = ':';
    *end++ = ' ';
    memcpy(end, step->step, text_length);
    end += text_length;
    memcpy(end, " (frame ", 8);
    end += 8;
    while (count > 0)
        *end++ = digits[--count];
    *end++ = ')';
    *end = '\0';
    return label;
}

/* The flow in one line, and under it each step as a link to its frame. */
static void add_flow(proto_tree *tree, tvbuff_t *tvb, mtls_handshake *handshake)
{
    const int fields[] = {hf_mtls_flow, hf_mtls_flow_step};
    if (!any_field_wanted(tree, fields, G_N_ELEMENTS(fields)))
        return;
    const char *line = mtls_handshake_flow(handshake);
    if (line == NULL)
        return;
    proto_item *item = add_long_string(tree, hf_mtls_flow, tvb, line);
    proto_tree *steps = proto_item_add_subtree(item, ett_mtls_flow);
    for (size_t i = 0; i < mtls_handshake_flow_step_count(handshake); i++) {
        const mtls_flow_step step = mtls_handshake_flow_step(handshake, i);
        char label[ITEM_LABEL_LENGTH];
        proto_item_set_generated(proto_tree_add_uint_format(steps, hf_mtls_flow_step, tvb, 0, 0, step.frame, "%s",
                                                            flow_step_label(&step, label, sizeof label)));
    }
}

static void add_frame_links(proto_tree *tree, tvbuff_t *tvb, const mtls_handshake_summary *summary)
{
    add_frame_link(tree, hf_mtls_frame_client_hello, tvb, summary->client_hello_frame);
    add_frame_link(tree, hf_mtls_frame_certificate_request, tvb, summary->certificate_request_frame);
    add_frame_link(tree, hf_mtls_frame_client_certificate, tvb, summary->client_certificate_frame);
    add_frame_link(tree, hf_mtls_frame_alert, tvb, summary->alert_frame);
    add_frame_link(tree, hf_mtls_frame_answer, tvb, summary->answer_frame);
    add_frame_link(tree, hf_mtls_frame_outcome, tvb, summary->outcome_frame);
    add_frame_link(tree, hf_mtls_frame_last, tvb, summary->last_frame);
}

/* What names the handshake and links to its messages: shown on every frame
 * of it, so that a packet-list column or a filter finds each frame. */
static void add_identity(proto_tree *tree, tvbuff_t *tvb, const mtls_handshake_summary *summary)
{
    add_generated_uint(tree, hf_mtls_stream, tvb, summary->stream_number);
    add_generated_uint(tree, hf_mtls_handshake, tvb, summary->handshake_number);
    if (summary->client_subject)
        add_generated_string(tree, hf_mtls_client_subject, tvb, summary->client_subject);
    add_frame_links(tree, tvb, summary);
}

static void add_summary(proto_tree *tree, tvbuff_t *tvb, const mtls_handshake_summary *summary)
{
    add_generated_uint(tree, hf_mtls_stream, tvb, summary->stream_number);
    add_generated_uint(tree, hf_mtls_handshake, tvb, summary->handshake_number);
    if (mtls_version_name(summary->negotiated_version))
        add_generated_string(tree, hf_mtls_version, tvb, mtls_version_name(summary->negotiated_version));
    if (mtls_version_name(summary->offered_max_version))
        add_generated_string(tree, hf_mtls_offered_version, tvb, mtls_version_name(summary->offered_max_version));
    if (summary->offered_versions)
        add_generated_string(tree, hf_mtls_offered_versions, tvb, summary->offered_versions);
    if (mtls_version_name(summary->client_hello_version))
        add_generated_string(tree, hf_mtls_client_hello_version, tvb, mtls_version_name(summary->client_hello_version));
    if (mtls_version_name(summary->record_version))
        add_generated_string(tree, hf_mtls_record_version, tvb, mtls_version_name(summary->record_version));
    if (summary->server_name)
        add_generated_string(tree, hf_mtls_sni, tvb, summary->server_name);
    if (summary->client_endpoint)
        add_generated_string(tree, hf_mtls_client_endpoint, tvb, summary->client_endpoint);
    if (summary->server_endpoint)
        add_generated_string(tree, hf_mtls_server_endpoint, tvb, summary->server_endpoint);
    if (summary->server_subject) {
        proto_item *subject = add_generated_string(tree, hf_mtls_server_subject, tvb, summary->server_subject);
        add_chain(tree, subject, ett_mtls_server_chain, hf_mtls_server_certificate, tvb, summary->server_chain,
                  summary->server_chain_parsed);
    }
    proto_item_set_generated(
        proto_tree_add_boolean(tree, hf_mtls_certificate_requested, tvb, 0, 0, summary->certificate_requested));
    if (summary->certificate_requested) {
        proto_item *count =
            proto_tree_add_uint(tree, hf_mtls_server_ca_names, tvb, 0, 0, (uint32_t)summary->ca_name_count);
        proto_item_set_generated(count);
        proto_tree *names = proto_item_add_subtree(count, ett_mtls_ca_names);
        for (size_t i = 0; i < summary->ca_name_count; i++)
            add_generated_string(names, hf_mtls_server_ca_name, tvb, summary->ca_names[i]);
    }
    if (summary->client_certificate_sent) {
        proto_item *length = proto_tree_add_uint(tree, hf_mtls_client_chain_length, tvb, 0, 0,
                                                 (uint32_t)summary->client_chain_length);
        proto_item_set_generated(length);
        add_chain(tree, length, ett_mtls_client_chain, hf_mtls_client_certificate, tvb, summary->client_chain,
                  summary->client_chain_parsed);
    }
    if (summary->client_listed_ca)
        add_generated_string(tree, hf_mtls_client_listed_ca, tvb, summary->client_listed_ca);
    if (summary->client_subject)
        add_generated_string(tree, hf_mtls_client_subject, tvb, summary->client_subject);
    if (summary->client_issuer)
        add_generated_string(tree, hf_mtls_client_issuer, tvb, summary->client_issuer);
    const char *certificate_verify = mtls_certificate_verify_status_name(summary->certificate_verify);
    if (certificate_verify) {
        proto_item *item = add_generated_string(tree, hf_mtls_client_certificate_verify, tvb, certificate_verify);
        if (summary->certificate_verify_detail)
            proto_item_append_text(item, " (%s)", summary->certificate_verify_detail);
    }
    add_frame_links(tree, tvb, summary);
    if (summary->answer_frame != 0) {
        add_generated_uint(tree, hf_mtls_answer_status, tvb, summary->answer_status);
        if (summary->answer_title)
            add_generated_string(tree, hf_mtls_answer_title, tvb, summary->answer_title);
    }
}

static bool finding_shown_here(const mtls_finding *finding, const packet_info *pinfo)
{
    if (finding->frame != pinfo->num)
        return false;
    return finding->info->is_problem || finding->info->severity != MTLS_SEVERITY_CHAT || mtls_show_chat_notes();
}

/* The problem codes reported on this frame, for the subtree header and the
 * Info column: what a user scanning the packet list needs first. */
static const char *problems_on_frame(const mtls_handshake *handshake, packet_info *pinfo)
{
    wmem_strbuf_t *codes = NULL; /* most frames have none */
    for (size_t i = 0; i < mtls_handshake_finding_count(handshake); i++) {
        const mtls_finding *finding = mtls_handshake_finding(handshake, i);
        if (!finding->info->is_problem || !finding_shown_here(finding, pinfo))
            continue;
        if (codes == NULL)
            codes = wmem_strbuf_new(pinfo->pool, finding->info->code);
        else
            wmem_strbuf_append_printf(codes, ", %s", finding->info->code);
    }
    return codes != NULL ? wmem_strbuf_get_str(codes) : NULL;
}

static void add_findings(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const mtls_handshake *handshake)
{
    for (size_t i = 0; i < mtls_handshake_finding_count(handshake); i++) {
        const mtls_finding *finding = mtls_handshake_finding(handshake, i);
        if (!finding_shown_here(finding, pinfo))
            continue;
        int hf = finding->info->is_problem ? hf_mtls_problem : hf_mtls_note;
        proto_item *item = add_generated_string(tree, hf, tvb, finding->info->code);
        proto_tree *details = proto_item_add_subtree(item, ett_mtls_finding);
        add_long_string(details, hf_mtls_message, tvb, mtls_handshake_finding_message(handshake, finding));
        for (size_t e = 0; e < finding->evidence_count; e++)
            add_generated_uint(details, hf_mtls_evidence_frame, tvb, finding->evidence[e]);
        /* The registered summary, "code: title": the explanation is in the tree. */
        expert_add_info(pinfo, item, mtls_expert_field_of(finding->info));
    }
}

static void show_record(const frame_record *record, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const bool capture_complete = capture_complete_at(pinfo);
    for (unsigned i = 0; i < record->count; i++) {
        mtls_handshake *handshake = record->handshakes[i];
        if (capture_complete)
            mtls_handshake_capture_ended(handshake);
        const char *verdict = mtls_verdict_name(mtls_handshake_verdict(handshake, capture_complete));
        const char *problems = problems_on_frame(handshake, pinfo);
        proto_item *root = proto_tree_add_item(tree, proto_mtls, tvb, 0, 0, ENC_NA);
        proto_item_append_text(root, ": %s", verdict);
        if (problems != NULL) {
            proto_item_append_text(root, " (%s)", problems);
            col_append_fstr(pinfo->cinfo, COL_INFO, " [mTLS: %s]", problems);
        }
        proto_tree *subtree = proto_item_add_subtree(root, ett_mtls);
        add_generated_string(subtree, hf_mtls_verdict, tvb, verdict);
        const mtls_handshake_summary *summary = mtls_handshake_get_summary(handshake);
        /* The summary goes on one frame only: repeating it on every frame of a
         * handshake was most of the plugin's cost under tshark -T fields. */
        if (!mtls_handshake_reported_on(summary, pinfo->num, capture_complete)) {
            add_findings(subtree, tvb, pinfo, handshake);
            add_identity(subtree, tvb, summary);
            continue;
        }
        add_long_string(subtree, hf_mtls_verdict_reason, tvb,
                        mtls_handshake_verdict_reason(handshake, capture_complete));
        add_findings(subtree, tvb, pinfo, handshake);
        add_flow(subtree, tvb, handshake);
        add_summary(subtree, tvb, summary);
    }
}

static void queue_tap_frame(const frame_record *record, packet_info *pinfo)
{
    if (!have_tap_listener(mtls_tap))
        return;
    mtls_tap_frame *frame = wmem_new(pinfo->pool, mtls_tap_frame);
    /* Valid until the next frame is noted, after the taps have read this one. */
    frame->handshakes = record->handshakes;
    frame->handshake_count = record->count;
    frame->capture_complete = capture_complete_at(pinfo);
    tap_queue_packet(mtls_tap, pinfo, frame);
}

static int dissect_mtls(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    frame_record record;
    if (!PINFO_FD_VISITED(pinfo)) {
        if (pinfo->num == 1)
            note_first_frame(pinfo);
        const bool fields_complete = walked_fields_primed || tree_holds_every_field(tree);
        prime_walked_fields(!tree_holds_every_field(tree));
        record = remember_frame(pinfo, analyse_frame(tvb, pinfo, tree, fields_complete));
    } else {
        record = remembered_frame(pinfo);
    }
    if (record.count == 0)
        return 0;
    show_record(&record, tvb, pinfo, tree);
    queue_tap_frame(&record, pinfo);
    return tvb_captured_length(tvb);
}

void proto_register_mtls(void)
{
    proto_mtls = proto_register_protocol("mtls-analyzer: mutual TLS client-certificate analysis", "mTLS", "mtls");
    mtls_register_fields(proto_mtls);
    mtls_register_expert_fields(proto_mtls);
    mtls_register_preferences(proto_mtls);
    mtls_tap = register_tap(MTLS_TAP_NAME);
    register_init_routine(open_file_capture);
    register_cleanup_routine(close_file_capture);
    register_postseq_cleanup_routine(note_file_read_through);

    streams_by_number = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    mtls_handle = create_dissector_handle(dissect_mtls, proto_mtls);
    register_postdissector(mtls_handle);
}

void proto_reg_handoff_mtls(void)
{
    proto_quic = proto_get_id_by_filter_name("quic");
    tls_fields_init();
    prime_walked_fields(true);
}
