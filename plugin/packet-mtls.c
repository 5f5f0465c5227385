/* packet-mtls.c - the `mtls` post-dissector: registration, preferences, and
 * the per-frame glue between the TLS dissector's fields and the analyzer.
 *
 * On the first pass each frame's TLS events are fed to the analyzer stream of
 * its conversation and the handshakes they touched are remembered for the
 * frame. On every pass (tshark's one pass, tshark -2, a click in the GUI) the
 * tree, expert info and filter fields are rebuilt from that memory, because
 * only the first pass gets the TLS fields primed.
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
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <wsutil/report_message.h>

#include "mtls_analyzer.h"
#include "packet-mtls.h"
#include "tls_reader.h"
#include "ws_compat.h"

static int proto_mtls = -1;
static int mtls_tap = -1;
static dissector_handle_t mtls_handle;

static int hf_mtls_stream = -1;
static int hf_mtls_handshake = -1;
static int hf_mtls_verdict = -1;
static int hf_mtls_verdict_reason = -1;
static int hf_mtls_version = -1;
static int hf_mtls_offered_version = -1;
static int hf_mtls_sni = -1;
static int hf_mtls_offered_versions = -1;
static int hf_mtls_client_hello_version = -1;
static int hf_mtls_record_version = -1;
static int hf_mtls_client_endpoint = -1;
static int hf_mtls_server_endpoint = -1;
static int hf_mtls_certificate_requested = -1;
static int hf_mtls_client_subject = -1;
static int hf_mtls_client_issuer = -1;
static int hf_mtls_client_chain_length = -1;
static int hf_mtls_client_listed_ca = -1;
static int hf_mtls_client_certificate_verify = -1;
static int hf_mtls_client_certificate = -1;
static int hf_mtls_server_certificate = -1;
static int hf_mtls_certificate_extended_key_usage = -1;
static int hf_mtls_certificate_subject = -1;
static int hf_mtls_certificate_issuer = -1;
static int hf_mtls_certificate_not_before = -1;
static int hf_mtls_certificate_not_after = -1;
static int hf_mtls_certificate_key = -1;
static int hf_mtls_certificate_signature = -1;
static int hf_mtls_certificate_sha256 = -1;
static int hf_mtls_server_subject = -1;
static int hf_mtls_server_ca_names = -1;
static int hf_mtls_server_ca_name = -1;
static int hf_mtls_frame_client_hello = -1;
static int hf_mtls_frame_certificate_request = -1;
static int hf_mtls_frame_client_certificate = -1;
static int hf_mtls_frame_alert = -1;
static int hf_mtls_frame_answer = -1;
static int hf_mtls_frame_outcome = -1;
static int hf_mtls_frame_last = -1;
static int hf_mtls_answer_status = -1;
static int hf_mtls_answer_title = -1;
static int hf_mtls_problem = -1;
static int hf_mtls_note = -1;
static int hf_mtls_message = -1;
static int hf_mtls_evidence_frame = -1;
static int hf_mtls_text_line = -1;
static int hf_mtls_flow = -1;
static int hf_mtls_flow_step = -1;

static int ett_mtls = -1;
static int ett_mtls_ca_names = -1;
static int ett_mtls_finding = -1;
static int ett_mtls_client_chain = -1;
static int ett_mtls_server_chain = -1;
static int ett_mtls_certificate = -1;
static int ett_mtls_text = -1;
static int ett_mtls_flow = -1;

/* One expert field per finding code, indexed like mtls_code_at(), and the
 * index of each code's catalogue entry (registration data, made once). */
static expert_field *ei_mtls_codes;
static GHashTable *expert_index_by_code; /* const mtls_code_info* -> index + 1 */

static const char *pref_trusted_by_server = "";
static const char *pref_trusted_by_client = "";
/* The same two stores under their first names (trust_store, server_trust_store),
 * which saved profiles and scripts still set; the new names win when both are. */
static const char *pref_trusted_by_server_old_name = "";
static const char *pref_trusted_by_client_old_name = "";
static const char *pref_expected_client_certificates = "";
static mtls_ws_bool pref_check_server_chain = TRUE;
static mtls_ws_bool pref_verify_every_certificate_verify = FALSE;
static mtls_ws_bool pref_public_roots = TRUE;
static mtls_ws_bool pref_show_chat_notes = TRUE;
static unsigned pref_expiry_warning_days = MTLS_DEFAULT_EXPIRY_WARNING_DAYS;
static unsigned pref_cache_limit = MTLS_DEFAULT_CACHE_LIMIT;

/* The analyzer configuration built from the preferences above. */
static mtls_config *applied_config;

/* The handshakes a frame contributed to, in the order first touched. */
typedef struct {
    wmem_array_t *handshakes; /* mtls_handshake* */
} frame_record;

typedef struct {
    mtls_stream *stream;
    mtls_packet packet;
    frame_record *record;
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

typedef struct {
    bool known;
    nstime_t time;
    uint32_t length;
} first_frame_identity;
static first_frame_identity this_file_first_frame;
static first_frame_identity read_through_file_first_frame; /* of the file before a cleanup, if read through */

static void note_first_frame(packet_info *pinfo)
{
    this_file_first_frame = (first_frame_identity){true, pinfo->abs_ts, pinfo->fd->pkt_len};
    const first_frame_identity *before = &read_through_file_first_frame;
    if (before->known && nstime_cmp(&before->time, &pinfo->abs_ts) == 0 && before->length == pinfo->fd->pkt_len)
        file_read_through = true;
}

static void open_file_capture(void)
{
    /* Wireshark runs init routines again without a cleanup between them in some paths. */
    g_clear_pointer(&file_capture, mtls_capture_unref);
    file_capture = mtls_capture_new(applied_config);
    file_read_through = false;
}

static void note_file_read_through(void)
{
    file_read_through = true;
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
             "caches emptied %zu times (mtls.cache_limit)",
             statistics.certificate_lookups, statistics.distinct_certificates, statistics.signature_lookups,
             statistics.signature_checks, statistics.cache_flushes);
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

static mtls_stream *stream_for(packet_info *pinfo, proto_tree *tree)
{
    conversation_t *conversation = find_or_create_conversation(pinfo);
    mtls_stream *stream = conversation_get_proto_data(conversation, proto_mtls);
    if (stream != NULL)
        return stream;
    uint32_t stream_number;
    if (!tls_reader_stream_number(tree, &stream_number))
        stream_number = conversation->conv_index;
    DISSECTOR_ASSERT(file_capture != NULL);
    stream = mtls_stream_new(file_capture, stream_number);
    wmem_register_callback(wmem_file_scope(), free_stream_with_file, stream);
    conversation_add_proto_data(conversation, proto_mtls, stream);
    return stream;
}

static const char *endpoint_name(packet_info *pinfo)
{
    const char *source_address = address_to_str(pinfo->pool, &pinfo->src);
    if (pinfo->src.type == AT_IPv6)
        return wmem_strdup_printf(pinfo->pool, "[%s]:%u", source_address, pinfo->srcport);
    return wmem_strdup_printf(pinfo->pool, "%s:%u", source_address, pinfo->srcport);
}

static void remember_handshake(frame_record *record, mtls_handshake *handshake)
{
    unsigned count = wmem_array_get_count(record->handshakes);
    mtls_handshake **known = wmem_array_get_raw(record->handshakes);
    for (unsigned i = 0; i < count; i++) {
        if (known[i] == handshake)
            return;
    }
    wmem_array_append_one(record->handshakes, handshake);
}

static void feed_event(const mtls_event *event, void *user_data)
{
    frame_feed *feed = user_data;
    mtls_handshake *handshake = mtls_stream_feed(feed->stream, &feed->packet, event);
    if (handshake != NULL)
        remember_handshake(feed->record, handshake);
}

/* The analysis of this frame's connection, if one was seen as TLS. */
static mtls_stream *known_stream(packet_info *pinfo)
{
    conversation_t *conversation = find_conversation_pinfo(pinfo, 0);
    return conversation ? conversation_get_proto_data(conversation, proto_mtls) : NULL;
}

/* A frame cut short by the snap length, or after lost segments, may hide a
 * handshake message entirely: the connection's analysis must not trust its
 * transcript. Only a connection already seen as TLS is told. */
static void report_capture_gap(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    if (tvb_captured_length(tvb) >= tvb_reported_length(tvb) && !tls_reader_frame_shows_a_gap(tree))
        return;
    mtls_stream *stream = known_stream(pinfo);
    if (stream == NULL)
        return;
    const mtls_packet packet = {pinfo->num, (int64_t)pinfo->abs_ts.secs, endpoint_name(pinfo),
                                (uint32_t)pinfo->abs_ts.nsecs};
    const mtls_event gap = {.kind = MTLS_EVENT_CAPTURE_GAP};
    mtls_stream_feed(stream, &packet, &gap);
}

static frame_record *analyse_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    report_capture_gap(tvb, pinfo, tree);
    if (proto_is_frame_protocol(pinfo->layers, "quic"))
        return NULL;
    const bool has_tls = tls_reader_frame_has_tls(tree);
    bool reset = false;
    const bool ends = tls_reader_connection_end(tree, &reset);
    const bool unread_data = !has_tls && tls_reader_frame_has_payload(tree);
    if (!has_tls && !ends && !unread_data)
        return NULL;
    /* A FIN, an RST or bytes without a record matter only on a connection already seen as TLS. */
    mtls_stream *stream = has_tls ? stream_for(pinfo, tree) : known_stream(pinfo);
    if (stream == NULL)
        return NULL;
    /* Gathered in the packet's scope: only a frame that touched a handshake
     * keeps a record for the file, so a long connection's data costs nothing. */
    frame_record gathered = {wmem_array_new(pinfo->pool, sizeof(mtls_handshake *))};
    frame_feed feed = {
        .stream = stream,
        .packet = {pinfo->num, (int64_t)pinfo->abs_ts.secs, endpoint_name(pinfo), (uint32_t)pinfo->abs_ts.nsecs},
        .record = &gathered,
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
    unsigned count = wmem_array_get_count(gathered.handshakes);
    if (count == 0)
        return NULL;
    frame_record *record = wmem_new(wmem_file_scope(), frame_record);
    record->handshakes = wmem_array_sized_new(wmem_file_scope(), sizeof(mtls_handshake *), count);
    wmem_array_append(record->handshakes, wmem_array_get_raw(gathered.handshakes), count);
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
    for (const char *rest = value + first; *rest != '\0';) {
        while (*rest == ' ')
            rest++;
        size_t line = line_end(rest, strlen(rest));
        if (line == 0)
            break;
        char *text = g_strndup(rest, line);
        proto_item_set_generated(proto_tree_add_string_format(lines, hf_mtls_text_line, tvb, 0, 0, text, "%s", text));
        g_free(text);
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
    for (size_t i = 0; i < count; i++) {
        const mtls_certificate_summary *entry = &entries[i];
        proto_item *item = add_generated_string(chain, hf_chain_certificate, tvb, entry->subject);
        proto_item_prepend_text(item, "%zu: ", i + 1);
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
        const mtls_flow_step *step = mtls_handshake_flow_step(handshake, i);
        proto_item_set_generated(proto_tree_add_uint_format(steps, hf_mtls_flow_step, tvb, 0, 0, step->frame,
                                                            "%c: %s (frame %u)", step->side, step->step,
                                                            step->frame));
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

/* The expert field of a finding's code; every code the analyzer reports is
 * in the catalogue the fields were registered from. */
static expert_field *expert_field_of(const mtls_code_info *info)
{
    size_t index_plus_one = GPOINTER_TO_SIZE(g_hash_table_lookup(expert_index_by_code, info));
    DISSECTOR_ASSERT(index_plus_one > 0);
    return &ei_mtls_codes[index_plus_one - 1];
}

static bool finding_shown_here(const mtls_finding *finding, const packet_info *pinfo)
{
    if (finding->frame != pinfo->num)
        return false;
    return finding->info->is_problem || finding->info->severity != MTLS_SEVERITY_CHAT || pref_show_chat_notes;
}

/* The problem codes reported on this frame, for the subtree header and the
 * Info column: what a user scanning the packet list needs first. */
static const char *problems_on_frame(const mtls_handshake *handshake, packet_info *pinfo)
{
    wmem_strbuf_t *codes = wmem_strbuf_new(pinfo->pool, "");
    for (size_t i = 0; i < mtls_handshake_finding_count(handshake); i++) {
        const mtls_finding *finding = mtls_handshake_finding(handshake, i);
        if (finding->info->is_problem && finding_shown_here(finding, pinfo))
            wmem_strbuf_append_printf(codes, "%s%s", wmem_strbuf_get_len(codes) ? ", " : "", finding->info->code);
    }
    return wmem_strbuf_get_len(codes) ? wmem_strbuf_get_str(codes) : NULL;
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
        add_long_string(details, hf_mtls_message, tvb, finding->message);
        for (size_t e = 0; e < finding->evidence_count; e++)
            add_generated_uint(details, hf_mtls_evidence_frame, tvb, finding->evidence[e]);
        /* The registered summary, "code: title": the explanation is in the tree. */
        expert_add_info(pinfo, item, expert_field_of(finding->info));
    }
}

/* Whether this frame shows the handshake's whole summary (the reason, the
 * flow, the versions, CA names and client chain): its outcome frame, or,
 * once the whole capture has been read, the first frame of a handshake that
 * never reached an outcome. Its other frames show what identifies it and
 * the findings made there, with a link to the outcome. Repeating the summary
 * on every frame of a handshake was most of the plugin's cost under tshark
 * -T fields, which builds every item. Decided from the analysis alone, so
 * one pass and -2 put it on the same frame. */
static bool summary_shown_here(const mtls_handshake_summary *summary, uint32_t frame, bool capture_complete)
{
    if (summary->outcome_frame != 0)
        return summary->outcome_frame == frame;
    return capture_complete && summary->first_frame == frame;
}

static void show_record(const frame_record *record, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const bool capture_complete = capture_complete_at(pinfo);
    unsigned count = wmem_array_get_count(record->handshakes);
    mtls_handshake **handshakes = wmem_array_get_raw(record->handshakes);
    for (unsigned i = 0; i < count; i++) {
        mtls_handshake *handshake = handshakes[i];
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
        if (!summary_shown_here(summary, pinfo->num, capture_complete)) {
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
    frame->handshakes = wmem_array_get_raw(record->handshakes);
    frame->handshake_count = wmem_array_get_count(record->handshakes);
    frame->capture_complete = capture_complete_at(pinfo);
    tap_queue_packet(mtls_tap, pinfo, frame);
}

static int dissect_mtls(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    frame_record *record;
    if (!PINFO_FD_VISITED(pinfo)) {
        if (pinfo->num == 1)
            note_first_frame(pinfo);
        record = analyse_frame(tvb, pinfo, tree);
        if (record != NULL)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_mtls, 0, record);
    } else {
        record = p_get_proto_data(wmem_file_scope(), pinfo, proto_mtls, 0);
    }
    if (record == NULL)
        return 0;
    show_record(record, tvb, pinfo, tree);
    queue_tap_frame(record, pinfo);
    return tvb_captured_length(tvb);
}

static void load_trust_store(mtls_config *config, mtls_trust_purpose purpose, const char *path)
{
    if (path == NULL || path[0] == '\0')
        return;
    char *error = NULL;
    if (!mtls_config_load_trust_store(config, purpose, path, &error)) {
        report_failure("mTLS analyzer: %s; the checks that need this trust store are skipped.", error);
        g_free(error);
        return;
    }
    ws_info("%zu CA certificates read from %s", mtls_config_trust_store_size(config, purpose), path);
}

static const char *either_name(const char *current, const char *old_name)
{
    return current != NULL && current[0] != '\0' ? current : old_name;
}

static void apply_preferences(void)
{
    mtls_config *config = mtls_config_new();
    mtls_config_set_check_server_chain(config, pref_check_server_chain);
    mtls_config_set_verify_every_certificate_verify(config, pref_verify_every_certificate_verify);
    mtls_config_set_use_public_roots(config, pref_public_roots);
    mtls_config_set_expiry_warning_days(config, pref_expiry_warning_days);
    mtls_config_set_cache_limit(config, pref_cache_limit);
    load_trust_store(config, MTLS_TRUST_CLIENT_CERTIFICATES,
                     either_name(pref_trusted_by_server, pref_trusted_by_server_old_name));
    load_trust_store(config, MTLS_TRUST_SERVER_CERTIFICATES,
                     either_name(pref_trusted_by_client, pref_trusted_by_client_old_name));
    if (pref_expected_client_certificates != NULL && pref_expected_client_certificates[0] != '\0') {
        char *error = NULL;
        if (!mtls_config_load_expected_client_certificates(config, pref_expected_client_certificates, &error)) {
            report_failure("mTLS analyzer: %s; the client certificate is not compared.", error);
            g_free(error);
        } else {
            ws_info("%zu registered client certificates read from %s",
                    mtls_config_expected_client_certificate_count(config), pref_expected_client_certificates);
        }
    }
    mtls_config_unref(applied_config);
    applied_config = config;
}

static void register_expert_fields(void)
{
    const size_t count = mtls_code_count();
    ei_mtls_codes = g_new(expert_field, count);
    expert_index_by_code = g_hash_table_new(g_direct_hash, g_direct_equal);
    ei_register_info *entries = g_new0(ei_register_info, count);
    for (size_t i = 0; i < count; i++) {
        const mtls_code_info *info = mtls_code_at(i);
        static const int groups[] = {
            [MTLS_CATEGORY_SECURITY] = PI_SECURITY,
            [MTLS_CATEGORY_PROTOCOL] = PI_PROTOCOL,
            [MTLS_CATEGORY_DECRYPTION] = PI_DECRYPTION,
            [MTLS_CATEGORY_MALFORMED] = PI_MALFORMED,
            [MTLS_CATEGORY_SEQUENCE] = PI_SEQUENCE,
        };
        static const int severities[] = {
            [MTLS_SEVERITY_CHAT] = PI_CHAT,
            [MTLS_SEVERITY_NOTE] = PI_NOTE,
            [MTLS_SEVERITY_WARNING] = PI_WARN,
            [MTLS_SEVERITY_ERROR] = PI_ERROR,
        };
        ei_mtls_codes[i] = (expert_field)EI_INIT;
        entries[i] = (ei_register_info){&ei_mtls_codes[i],
                                        {g_strdup_printf("mtls.expert.%s", info->code), groups[info->category],
                                         severities[info->severity],
                                         g_strdup_printf("%s: %s", info->code, info->title), EXPFILL}};
        g_hash_table_insert(expert_index_by_code, (gpointer)info, GSIZE_TO_POINTER(i + 1));
    }
    expert_module_t *module = expert_register_protocol(proto_mtls);
    /* Wireshark keeps pointers into the array for the life of the program. */
    expert_register_field_array(module, entries, (int)count);
}

void proto_register_mtls(void)
{
    static hf_register_info hf[] = {
        {&hf_mtls_stream,
         {"Stream", "mtls.stream", FT_UINT32, BASE_DEC, NULL, 0x0,
          "TCP stream (or conversation) of the handshake", HFILL}},
        {&hf_mtls_handshake,
         {"Handshake", "mtls.handshake", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Position of the handshake within its stream, from 1", HFILL}},
        {&hf_mtls_verdict,
         {"Verdict", "mtls.verdict", FT_STRING, BASE_NONE, NULL, 0x0,
          "Outcome of client authentication in this handshake", HFILL}},
        {&hf_mtls_verdict_reason,
         {"Reason", "mtls.verdict.reason", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_version,
         {"Negotiated version", "mtls.version", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_offered_version,
         {"Highest version offered", "mtls.offered_version", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_offered_versions,
         {"Versions offered", "mtls.offered_versions", FT_STRING, BASE_NONE, NULL, 0x0,
          "Every version the client offered, highest first (supported_versions, or the ClientHello version and "
          "below)", HFILL}},
        {&hf_mtls_client_hello_version,
         {"ClientHello version", "mtls.client_hello_version", FT_STRING, BASE_NONE, NULL, 0x0,
          "The ClientHello's legacy_version field", HFILL}},
        {&hf_mtls_record_version,
         {"ClientHello record version", "mtls.record_version", FT_STRING, BASE_NONE, NULL, 0x0,
          "The record layer version of the record carrying the ClientHello", HFILL}},
        {&hf_mtls_sni,
         {"Server name (SNI)", "mtls.sni", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_client_endpoint,
         {"Client", "mtls.client.endpoint", FT_STRING, BASE_NONE, NULL, 0x0,
          "The side that sent the ClientHello", HFILL}},
        {&hf_mtls_server_endpoint,
         {"Server", "mtls.server.endpoint", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_requested,
         {"Client certificate requested", "mtls.certificate_requested", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_client_subject,
         {"Client certificate subject", "mtls.client.subject", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_client_certificate_verify,
         {"Client CertificateVerify", "mtls.client.certificate_verify", FT_STRING, BASE_NONE, NULL, 0x0,
          "Whether the client's CertificateVerify is signed with the key of the certificate it sent: verified, "
          "failed, accepted by the server (which verified it) or not checked (with the reason)", HFILL}},
        {&hf_mtls_client_issuer,
         {"Client certificate issuer", "mtls.client.issuer", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_client_listed_ca,
         {"Requested CA the client chain is under", "mtls.client.listed_ca", FT_STRING, BASE_NONE, NULL, 0x0,
          "The CertificateRequest CA name that matches the client chain (DER-equal, as client libraries "
          "compare)", HFILL}},
        {&hf_mtls_client_certificate,
         {"Client chain certificate", "mtls.client.certificate", FT_STRING, BASE_NONE, NULL, 0x0,
          "A certificate of the client chain, in the order sent", HFILL}},
        {&hf_mtls_certificate_subject,
         {"Subject", "mtls.certificate.subject", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_issuer,
         {"Issuer", "mtls.certificate.issuer", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_not_before,
         {"Not before", "mtls.certificate.not_before", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_not_after,
         {"Not after", "mtls.certificate.not_after", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_key,
         {"Public key", "mtls.certificate.key", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_signature,
         {"Signature algorithm", "mtls.certificate.signature_algorithm", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_sha256,
         {"SHA-256 fingerprint", "mtls.certificate.sha256", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_extended_key_usage,
         {"Extended Key Usage", "mtls.certificate.extended_key_usage", FT_STRING, BASE_NONE, NULL, 0x0,
          "The purposes the certificate allows, by name (absent without the extension)", HFILL}},
        {&hf_mtls_server_certificate,
         {"Server chain certificate", "mtls.server.certificate", FT_STRING, BASE_NONE, NULL, 0x0,
          "A certificate of the server chain, in the order sent", HFILL}},
        {&hf_mtls_client_chain_length,
         {"Client chain length", "mtls.client.chain_length", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Certificates the client sent (0: empty Certificate)", HFILL}},
        {&hf_mtls_server_subject,
         {"Server certificate subject", "mtls.server.subject", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_server_ca_names,
         {"CA names requested", "mtls.server.ca_names", FT_UINT32, BASE_DEC, NULL, 0x0,
          "CA names listed in the CertificateRequest", HFILL}},
        {&hf_mtls_server_ca_name,
         {"CA name", "mtls.server.ca_name", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_frame_client_hello,
         {"ClientHello in frame", "mtls.frame.client_hello", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_frame_certificate_request,
         {"CertificateRequest in frame", "mtls.frame.certificate_request", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_frame_client_certificate,
         {"Client Certificate in frame", "mtls.frame.client_certificate", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_frame_alert,
         {"Fatal alert in frame", "mtls.frame.alert", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_frame_answer,
         {"Application's answer in frame", "mtls.frame.answer", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "The application's answer after the handshake: HTTP, PostgreSQL, MySQL, MQTT, SMTP or LDAP "
          "(needs the session keys)", HFILL}},
        {&hf_mtls_frame_outcome,
         {"Outcome in frame", "mtls.frame.outcome", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "Where the handshake's outcome became known: that frame carries its whole summary", HFILL}},
        {&hf_mtls_frame_last,
         {"Last frame of the handshake", "mtls.frame.last", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "The last frame that shows this handshake (final with two passes): nothing of it comes later", HFILL}},
        {&hf_mtls_answer_status,
         {"Application's answer (status or error code)", "mtls.answer.status", FT_UINT16, BASE_DEC, NULL, 0x0,
          "HTTP status, MySQL error, MQTT CONNACK code, SMTP reply or LDAP result of the answer; 0 for PostgreSQL, "
          "whose SQLSTATE the message quotes", HFILL}},
        {&hf_mtls_answer_title,
         {"Application's answer (its words)", "mtls.answer.title", FT_STRING, BASE_NONE, NULL, 0x0,
          "The title of the HTTP error page (nginx names its reason there), or the server's error message", HFILL}},
        {&hf_mtls_problem,
         {"Problem", "mtls.problem", FT_STRING, BASE_NONE, NULL, 0x0,
          "Code of a problem found on this frame", HFILL}},
        {&hf_mtls_note,
         {"Note", "mtls.note", FT_STRING, BASE_NONE, NULL, 0x0,
          "Code of an observation that is not a problem", HFILL}},
        {&hf_mtls_message,
         {"Explanation", "mtls.message", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_evidence_frame,
         {"Evidence in frame", "mtls.evidence_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_flow,
         {"Flow", "mtls.flow", FT_STRING, BASE_NONE, NULL, 0x0,
          "Who sent what, in order (C: client, S: server), as far as the capture shows", HFILL}},
        {&hf_mtls_flow_step,
         {"Step in frame", "mtls.flow.frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "A step of the flow and the frame it is in", HFILL}},
        {&hf_mtls_text_line,
         {"Line", "mtls.text_line", FT_STRING, BASE_NONE, NULL, 0x0,
          "A line of a long explanation or reason, shown whole (the field above holds the whole text)", HFILL}},
    };
    static int *ett[] = {&ett_mtls,         &ett_mtls_ca_names, &ett_mtls_finding, &ett_mtls_client_chain,
                          &ett_mtls_server_chain,
                          &ett_mtls_certificate, &ett_mtls_text,     &ett_mtls_flow};

    proto_mtls = proto_register_protocol("mtls-analyzer: mutual TLS client-certificate analysis", "mTLS", "mtls");
    proto_register_field_array(proto_mtls, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    register_expert_fields();
    mtls_tap = register_tap(MTLS_TAP_NAME);
    register_init_routine(open_file_capture);
    register_cleanup_routine(close_file_capture);
    register_postseq_cleanup_routine(note_file_read_through);

    module_t *module = prefs_register_protocol(proto_mtls, apply_preferences);
    prefs_register_filename_preference(module, "trusted_by_server", "Trusted by the server for clients",
                                       "The CA certificates the server trusts for client certificates: a PEM bundle "
                                       "(e.g. the file configured as ssl_client_certificate or SSLCACertificateFile), "
                                       "a DER certificate, a folder of PEM/DER files, or 'system' for the system CA "
                                       "store. With it the analyzer can tell an untrusted root or a missing "
                                       "intermediate even when the server lists no CA names.",
                                       &pref_trusted_by_server, FALSE);
    prefs_register_filename_preference(module, "trusted_by_client", "Trusted by the client for servers",
                                       "The CA certificates the client trusts for server certificates: a PEM bundle "
                                       "(e.g. an export of the Java truststore), a DER certificate, a folder of "
                                       "PEM/DER files, or 'system' for the system CA store (/etc/ssl/certs). With it "
                                       "the analyzer checks that the server's chain leads to a trusted root.",
                                       &pref_trusted_by_client, FALSE);
    prefs_register_filename_preference(module, "trust_store", "Trusted by the server for clients (old name)",
                                       "The first name of trusted_by_server, still read; trusted_by_server wins "
                                       "when both are set.",
                                       &pref_trusted_by_server_old_name, FALSE);
    prefs_register_filename_preference(module, "server_trust_store", "Trusted by the client for servers (old name)",
                                       "The first name of trusted_by_client, still read; trusted_by_client wins "
                                       "when both are set.",
                                       &pref_trusted_by_client_old_name, FALSE);
    prefs_register_filename_preference(module, "expected_client_certificates",
                                       "Client certificates registered on the server",
                                       "The client certificates the server side expects: the PEM uploaded to a "
                                       "service key or a certificate-to-user mapping; a PEM bundle, a DER "
                                       "certificate or a folder of them. A client that sends another certificate "
                                       "gets unexpected_client_certificate.",
                                       &pref_expected_client_certificates, FALSE);
    prefs_register_bool_preference(module, "check_server_chain", "Check the server's chain too",
                                   "Also check the server's certificate chain (expiry, order, EKU, trust store)",
                                   &pref_check_server_chain);
    prefs_register_bool_preference(module, "verify_every_certificate_verify",
                                   "Verify every client CertificateVerify",
                                   "Verify the client's CertificateVerify signature in every handshake. By default "
                                   "it is verified only when the server refuses in a way that can be about the "
                                   "signature (decrypt_error, or a vaguer alert nothing else explains): a server "
                                   "that completes the handshake has verified the signature, one that answers "
                                   "unknown_ca judged the chain, and each check is a public-key operation",
                                   &pref_verify_every_certificate_verify);
    prefs_register_bool_preference(module, "public_roots", "Recognise public CAs from the system CA bundle",
                                   "Read this machine's system CA bundle as a catalogue of public root CAs, to tell "
                                   "a client chain under a public CA the server does not list (issuer_not_accepted) "
                                   "from one missing its intermediate. Results then depend on this machine's "
                                   "bundle; the findings that used it say so",
                                   &pref_public_roots);
    prefs_register_uint_preference(module, "expiry_warning_days", "Warn of expiry within (days)",
                                   "A client or server certificate that expires within this many days of the "
                                   "capture gets an expires_soon note, so renewals are caught before they break "
                                   "(0 turns the note off)",
                                   10, &pref_expiry_warning_days);
    prefs_register_uint_preference(module, "cache_limit", "Cache entries",
                                   "How many entries each per-file cache keeps (certificates parsed, about 21 KB "
                                   "each; CA names decoded; issuer signatures checked; issuers found in a trust "
                                   "store) before it is emptied and refilled, so that a capture of endless distinct "
                                   "certificates cannot grow them without bound",
                                   10, &pref_cache_limit);
    prefs_register_bool_preference(module, "show_chat_notes", "Show informational notes",
                                   "Show chat-level notes (client certificate accepted, not requested, resumed)",
                                   &pref_show_chat_notes);

    mtls_handle = create_dissector_handle(dissect_mtls, proto_mtls);
    register_postdissector(mtls_handle);
    apply_preferences();
}

void proto_reg_handoff_mtls(void)
{
    GArray *wanted = tls_reader_init();
    set_postdissector_wanted_hfids(mtls_handle, wanted);
}
