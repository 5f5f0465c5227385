/* handshake.c - one TLS handshake as a state machine: applies its events in
 * capture order (hellos, the server's flight, alerts, the outcome), reports
 * findings on the frame where the evidence arrives, and keeps the flow. Its
 * certificates are handshake_certificates.c's, the client's signature
 * handshake_signature.c's and the verdict verdict.c's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "certificate_verify.h"
#include "codes.h"
#include "findings.h"
#include "handshake_state.h"
#include "tls_algorithms.h"
#include "tls_versions.h"

static const char *version_text(uint16_t version)
{
    const char *name = mtls_version_name(version);
    return name ? name : "an unknown version";
}

/* SSL 3.0, TLS 1.0/1.1 and DTLS 1.0 (and OpenSSL's pre-standard DTLS
 * 0x0100) are deprecated by RFC 8996. */
static bool is_legacy(uint16_t version)
{
    return (version != 0 && version <= MTLS_TLS_1_1) || version == MTLS_DTLS_1_0 ||
           version == MTLS_DTLS_OPENSSL_BAD_VERSION;
}

/* Draft TLS 1.3 versions (0x7fxx) and the real one count as TLS 1.3. */
static bool is_tls13(uint16_t version)
{
    return version == MTLS_TLS_1_3 || (version & 0xff00) == 0x7f00;
}

mtls_handshake *mtls_handshake_new(mtls_capture *capture, uint32_t stream_number, uint32_t handshake_number)
{
    mtls_handshake *handshake = g_new0(mtls_handshake, 1);
    handshake->capture = capture;
    handshake->ca_names = g_ptr_array_new_with_free_func(mtls_ca_name_unref);
    handshake->findings = mtls_findings_new();
    mtls_flow_init(&handshake->flow, &capture->flow_texts);
    mtls_transcript_init(&handshake->transcript);
    handshake->summary.stream_number = stream_number;
    handshake->summary.handshake_number = handshake_number;
    return handshake;
}

void mtls_handshake_free(mtls_handshake *handshake)
{
    if (handshake == NULL)
        return;
    g_ptr_array_unref(handshake->ca_names);
    if (handshake->server_chain != NULL)
        g_ptr_array_unref(handshake->server_chain);
    if (handshake->unverified_client_chain != NULL)
        g_ptr_array_unref(handshake->unverified_client_chain);
    if (handshake->unverified_server_chain != NULL)
        g_ptr_array_unref(handshake->unverified_server_chain);
    g_ptr_array_unref(handshake->findings);
    if (handshake->held_chain_findings != NULL)
        g_ptr_array_unref(handshake->held_chain_findings);
    mtls_flow_clear(&handshake->flow);
    g_free(handshake->answer_protocol);
    g_free(handshake->answer_title);
    g_free(handshake->certificate_verify_detail);
    if (handshake->pending_certificate_verify != NULL)
        g_bytes_unref(handshake->pending_certificate_verify);
    mtls_transcript_release(&handshake->transcript);
    g_free(handshake);
}

bool mtls_handshake_allows_post_handshake_auth(const mtls_handshake *handshake)
{
    return handshake->tls13 && handshake->accepted_frame != 0 && handshake->fatal_alert == NULL;
}

mtls_handshake *mtls_handshake_new_post_handshake(const mtls_handshake *parent, uint32_t handshake_number)
{
    mtls_handshake *handshake = mtls_handshake_new(parent->capture, parent->summary.stream_number, handshake_number);
    mtls_handshake_summary *summary = &handshake->summary;
    summary->client_endpoint = parent->summary.client_endpoint;
    summary->server_endpoint = parent->summary.server_endpoint;
    summary->server_name = parent->summary.server_name;
    summary->offered_max_version = parent->summary.offered_max_version;
    summary->negotiated_version = parent->summary.negotiated_version;
    summary->client_hello_frame = parent->summary.client_hello_frame;
    summary->post_handshake = true;
    /* It signs the earlier handshake too, which this one does not hold. */
    mtls_transcript_release(&handshake->transcript);
    handshake->tls13 = true;
    handshake->first_event_seen = true;
    handshake->server_hello_frame = parent->server_hello_frame;
    handshake->server_flight_end_frame = parent->server_flight_end_frame;
    return handshake;
}

static void set_endpoint(mtls_capture *capture, const char **slot, const char *sender)
{
    if (*slot == NULL && sender != NULL)
        *slot = mtls_capture_text(capture, sender);
}

/* Which side sent this packet, learning the endpoints as they appear. A
 * connection has two endpoints: once one side is known, any other sender is
 * the other side. Messages only a server sends name the server. */
static mtls_side side_of(mtls_handshake *handshake, const char *sender, mtls_event_kind kind)
{
    if (sender == NULL)
        return MTLS_SIDE_UNKNOWN;
    mtls_handshake_summary *summary = &handshake->summary;
    if (summary->client_endpoint && strcmp(summary->client_endpoint, sender) == 0)
        return MTLS_SIDE_CLIENT;
    if (summary->server_endpoint && strcmp(summary->server_endpoint, sender) == 0)
        return MTLS_SIDE_SERVER;

    if (kind == MTLS_EVENT_CLIENT_HELLO && summary->client_endpoint == NULL) {
        set_endpoint(handshake->capture, &summary->client_endpoint, sender);
        return MTLS_SIDE_CLIENT;
    }
    bool server_only_message = kind == MTLS_EVENT_SERVER_HELLO || kind == MTLS_EVENT_CERTIFICATE_REQUEST ||
                               kind == MTLS_EVENT_SERVER_HELLO_DONE || kind == MTLS_EVENT_NEW_SESSION_TICKET;
    if (summary->server_endpoint == NULL && (server_only_message || summary->client_endpoint != NULL)) {
        set_endpoint(handshake->capture, &summary->server_endpoint, sender);
        return MTLS_SIDE_SERVER;
    }
    if (summary->client_endpoint == NULL && summary->server_endpoint != NULL) {
        set_endpoint(handshake->capture, &summary->client_endpoint, sender);
        return MTLS_SIDE_CLIENT;
    }
    return MTLS_SIDE_UNKNOWN;
}

static void note_missing_start(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event)
{
    if (handshake->first_event_seen)
        return;
    handshake->first_event_seen = true;
    if (event->kind == MTLS_EVENT_CLIENT_HELLO)
        return;
    mtls_findings_add(handshake->findings, MTLS_CODE_HANDSHAKE_START_MISSING, packet->frame, (mtls_evidence){{0}},
                      "The capture misses this handshake's ClientHello: start the capture before the client connects. "
                      "The handshake starts at frame %u with a %s; what the client offered (versions, server name) is "
                      "unknown and no finding is drawn from it.",
                      packet->frame, mtls_event_name(event->kind));
}

/* Every version the client offered, as listed in supported_versions (RFC
 * 8446: it replaces the legacy field); without it, "up to" the ClientHello's
 * own version. */
static char *describe_offered_versions(const mtls_event *event) /* g_free it */
{
    const uint16_t *supported = event->u.client_hello.supported_versions;
    const size_t supported_count = event->u.client_hello.supported_version_count;
    const uint16_t legacy = event->u.client_hello.legacy_version;
    GString *text = g_string_new(NULL);
    if (supported_count > 0) {
        /* Listed in the client's order of preference, which is highest first. */
        for (size_t i = 0; i < supported_count; i++) {
            const char *name = mtls_version_name(supported[i]);
            if (mtls_is_grease(supported[i]))
                continue;
            if (name)
                g_string_append_printf(text, "%s%s", text->len ? ", " : "", name);
            else
                g_string_append_printf(text, "%s0x%04x", text->len ? ", " : "", supported[i]);
        }
    } else if (mtls_version_name(legacy)) {
        /* The lowest version a client accepts is not on the wire. */
        g_string_printf(text, "up to %s", mtls_version_name(legacy));
    }
    if (text->len == 0) {
        g_string_free(text, TRUE);
        return NULL;
    }
    return g_string_free(text, FALSE);
}

/* Application protocols offered by ALPN (RFC 7301) that are HTTP. */
static bool offers_http(const mtls_event *event)
{
    for (size_t i = 0; i < event->u.client_hello.alpn_count; i++) {
        const char *name = event->u.client_hello.alpn[i];
        if (name != NULL && (strcmp(name, "h2") == 0 || strncmp(name, "http/", 5) == 0))
            return true;
    }
    return false;
}

static void on_client_hello(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event)
{
    if (handshake->hello_retry_pending) {
        handshake->hello_retry_pending = false;
        return;
    }
    mtls_handshake_summary *summary = &handshake->summary;
    summary->client_hello_frame = packet->frame;
    summary->post_handshake_auth_offered = event->u.client_hello.offers_post_handshake_auth;
    handshake->offers_http = offers_http(event);
    uint16_t offered = event->u.client_hello.legacy_version;
    for (size_t i = 0; i < event->u.client_hello.supported_version_count; i++) {
        uint16_t version = event->u.client_hello.supported_versions[i];
        if (!mtls_is_grease(version) && (version > offered || is_tls13(version)))
            offered = is_tls13(version) ? MTLS_TLS_1_3 : version;
    }
    summary->offered_max_version = offered;
    summary->record_version = event->u.client_hello.record_version;
    summary->client_hello_version = event->u.client_hello.legacy_version;
    char *offered_versions = describe_offered_versions(event);
    summary->offered_versions = mtls_capture_text(handshake->capture, offered_versions);
    g_free(offered_versions);
    mtls_capture *capture = handshake->capture;
    handshake->offered_cipher_suites = (mtls_code_points){NULL, 0};
    mtls_code_points_append(capture, &handshake->offered_cipher_suites, event->u.client_hello.cipher_suites,
                            event->u.client_hello.cipher_suite_count);
    handshake->offered_signature_schemes = (mtls_code_points){NULL, 0};
    mtls_code_points_append(capture, &handshake->offered_signature_schemes,
                            event->u.client_hello.signature_algorithms,
                            event->u.client_hello.signature_algorithm_count);
    if (event->u.client_hello.server_name && summary->server_name == NULL)
        summary->server_name = mtls_capture_text(handshake->capture, event->u.client_hello.server_name);
    if (is_legacy(offered))
        mtls_findings_add(handshake->findings, MTLS_CODE_LEGACY_VERSION, packet->frame, (mtls_evidence){{0}},
                          "The client offered at most %s, which current servers refuse: enable TLS 1.2 or 1.3 in the "
                          "client. ClientHello in frame %u: versions offered %s, ClientHello version %s, record "
                          "version %s. SSL 3.0, TLS 1.0, TLS 1.1 and DTLS 1.0 are deprecated (RFC 8996) and refused "
                          "by current servers and load balancers, usually with protocol_version or handshake_failure. "
                          "Where to enable them: Java: jdk.tls.client.protocols; .NET: SslProtocols or the SChannel "
                          "registry settings; SAP: ssl/client_ciphersuites.",
                          version_text(offered), packet->frame,
                          summary->offered_versions ? summary->offered_versions : "unknown",
                          version_text(summary->client_hello_version), version_text(summary->record_version));
}

static void on_server_hello(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event)
{
    handshake->cipher_suite = event->u.server_hello.cipher_suite;
    if (mtls_event_is_hello_retry_request(event)) {
        handshake->hello_retry_pending = true;
        return;
    }
    uint16_t selected = event->u.server_hello.selected_version;
    uint16_t negotiated = selected && !mtls_is_grease(selected) ? selected : event->u.server_hello.legacy_version;
    handshake->server_hello_frame = packet->frame;
    handshake->tls13 = is_tls13(negotiated);
    handshake->summary.negotiated_version = handshake->tls13 ? MTLS_TLS_1_3 : negotiated;
    if (handshake->tls13 && event->u.server_hello.psk_accepted && !mtls_handshake_decided(handshake)) {
        handshake->resumed_frame = packet->frame;
        mtls_findings_add(handshake->findings, MTLS_CODE_RESUMED, packet->frame, (mtls_evidence){{0}},
                          "A TLS 1.3 resumption exchanges no certificates: look at the handshake that issued the "
                          "ticket. The server accepted a pre-shared key in its ServerHello (frame %u); the client was "
                          "authenticated, if at all, in the handshake that issued the ticket.",
                          packet->frame);
    }
    if (is_legacy(negotiated)) {
        uint16_t offered = handshake->summary.offered_max_version;
        mtls_findings_add(handshake->findings, MTLS_CODE_LEGACY_VERSION, packet->frame,
                          (mtls_evidence){{handshake->summary.client_hello_frame}},
                          "The server negotiated deprecated %s: enable TLS 1.2 or 1.3 (DTLS 1.2) on the server. "
                          "ServerHello in frame %u%s%s. SSL 3.0, TLS 1.0, TLS 1.1 and DTLS 1.0 are deprecated (RFC "
                          "8996); make sure no middlebox downgrades the connection.",
                          version_text(negotiated), packet->frame,
                          offered != negotiated && !is_legacy(offered) ? " although the client offered up to " : "",
                          offered != negotiated && !is_legacy(offered) ? version_text(offered) : "");
    }
}

static void on_certificate_request(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event)
{
    mtls_handshake_summary *summary = &handshake->summary;
    if (summary->certificate_requested)
        return;
    summary->certificate_requested = true;
    summary->certificate_request_frame = packet->frame;
    if (summary->post_handshake)
        mtls_findings_add(handshake->findings, MTLS_CODE_POST_HANDSHAKE_AUTH, packet->frame,
                          (mtls_evidence){{handshake->server_hello_frame}},
                          "The server requested a certificate after the TLS 1.3 handshake (frame %u): the client "
                          "must offer post_handshake_auth. This post-handshake authentication typically "
                          "follows the request of a protected path. Only clients that announced post_handshake_auth "
                          "can answer; others (most browsers, many HTTP libraries) cannot, and the server then "
                          "refuses the request.",
                          packet->frame);
    /* The list the summary shows, after any the handshake already had: a
     * server sends the same list every time, stored once for the file. */
    GPtrArray *texts = g_ptr_array_sized_new(summary->ca_name_count + event->u.certificate_request.ca_name_count);
    for (size_t i = 0; i < summary->ca_name_count; i++)
        g_ptr_array_add(texts, (gpointer)summary->ca_names[i]);
    for (size_t i = 0; i < event->u.certificate_request.ca_name_count; i++) {
        const mtls_blob *name = &event->u.certificate_request.ca_names[i];
        const mtls_ca_name *ca_name = mtls_capture_ca_name(handshake->capture, name->data, name->length);
        g_ptr_array_add(handshake->ca_names, mtls_ca_name_ref(ca_name));
        g_ptr_array_add(texts, (gpointer)mtls_capture_text(handshake->capture, ca_name->text));
    }
    mtls_code_points_append(handshake->capture, &handshake->requested_signature_schemes,
                            event->u.certificate_request.signature_algorithms,
                            event->u.certificate_request.signature_algorithm_count);
    summary->ca_name_count = texts->len;
    summary->ca_names = mtls_capture_store(handshake->capture, texts->pdata, texts->len * sizeof(const char *));
    g_ptr_array_free(texts, TRUE);
    if (summary->ca_name_count == 0)
        mtls_findings_add(handshake->findings, MTLS_CODE_CA_NAMES_EMPTY, packet->frame, (mtls_evidence){{0}},
                          "The server's request (frame %u) names no CA: set mtls.trusted_by_server to its CA bundle "
                          "to check the client chain. The CertificateRequest lists no CA names: the server accepts any "
                          "certificate from a CA it trusts, and clients that choose their certificate by CA name (SAP, "
                          "browsers, .NET) may "
                          "offer any or none. Which CAs the server trusts cannot be seen in the capture.",
                          packet->frame);
}

static void report_not_requested(mtls_handshake *handshake, uint32_t frame)
{
    if (handshake->summary.certificate_requested || handshake->resumed_frame != 0)
        return;
    const char *server_name = handshake->summary.server_name;
    mtls_findings_add(handshake->findings, MTLS_CODE_NOT_REQUESTED, frame, (mtls_evidence){{0}},
                      "The server requested no client certificate: if client authentication is expected, enable "
                      "it for this host and port. Its flight ended in frame %u without CertificateRequest%s%s%s. "
                      "Some servers ask only later, by renegotiation (TLS 1.2) or post-handshake authentication "
                      "(TLS 1.3).",
                      frame, server_name ? "; the client asked for server name '" : "", server_name ? server_name : "",
                      server_name ? "': check the virtual host it selects" : "");
}

static void on_server_flight_end(mtls_handshake *handshake, const mtls_packet *packet)
{
    if (handshake->server_flight_end_frame != 0)
        return;
    handshake->server_flight_end_frame = packet->frame;
    report_not_requested(handshake, packet->frame);
}

/* handshake_completed, on every accepted handshake: its text is made when
 * read, from the summary and whether the chain had findings (`detail`). */
static void compose_completed(const mtls_handshake *handshake, const mtls_finding *finding, GString *text)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    const bool chain_is_bad = finding->detail != 0;
    g_string_printf(
        text,
        "The handshake completed in frame %u with client certificate '%s': the server's TLS layer did not refuse "
        "it. The client sent it in frame %u, issued by '%s'%s%s%s. Whether the application accepted it shows in "
        "its first answer (the verdict is 'ok' when an answer that does not refuse the client is in the capture, "
        "'completed (answer unseen)' otherwise).%s",
        finding->frame, summary->client_subject ? summary->client_subject : "(unparsable)",
        summary->client_certificate_frame, summary->client_issuer ? summary->client_issuer : "(unparsable)",
        summary->client_listed_ca ? ", under the requested CA '" : "",
        summary->client_listed_ca ? summary->client_listed_ca : "", summary->client_listed_ca ? "'" : "",
        !chain_is_bad ? ""
        : handshake->offers_http
            ? " The chain findings say the certificate is bad, yet the handshake completed: this server does not "
              "enforce client verification at TLS. Either it does not verify (nginx ssl_verify_client "
              "optional_no_ca) or it refuses in the HTTP answer, as nginx does with 400 'The SSL certificate error'."
            : " The chain findings say the certificate is bad, yet the handshake completed: this server does not "
              "enforce client verification at TLS. Either it does not verify, or its application refuses the client "
              "in its first answer.");
}

static void mark_accepted(mtls_handshake *handshake, const mtls_packet *packet)
{
    if (mtls_handshake_decided(handshake))
        return;
    handshake->accepted_frame = packet->frame;
    mtls_handshake_settle_certificate_verify(handshake, packet);
    const mtls_handshake_summary *summary = &handshake->summary;
    if (!summary->certificate_requested)
        return;
    if (summary->client_chain_length > 0) {
        /* Completing proves only that the TLS layer did not refuse: nginx
         * completes for a certificate it rejects and answers HTTP 400. */
        mtls_findings_add_composed(handshake->findings, MTLS_CODE_HANDSHAKE_COMPLETED, packet->frame,
                                   (mtls_evidence){{summary->client_certificate_frame}}, compose_completed,
                                   mtls_client_chain_has_findings(handshake));
    } else if (summary->client_certificate_sent) {
        mtls_findings_add(handshake->findings, MTLS_CODE_COMPLETED_WITHOUT_CERTIFICATE, packet->frame,
                          (mtls_evidence){{summary->client_certificate_frame}},
                          "The handshake completed without a client certificate (frame %u): if one is required, "
                          "configure the client to send it. Either client authentication is optional on this "
                          "server, or %s",
                          packet->frame,
                          handshake->offers_http
                              ? "it refuses in the HTTP answer: nginx (ssl_verify_client on) answers 400 'No "
                                "required SSL certificate was sent', applications answer 401/403 (SAP: 'An "
                                "Authentication object was not found in the SecurityContext')."
                              : "its application refuses the client in its first answer after the handshake.");
    }
}

static void on_change_cipher_spec(mtls_handshake *handshake, const mtls_packet *packet, mtls_side side)
{
    /* TLS 1.3 peers send a meaningless ChangeCipherSpec for middlebox compatibility. */
    if (handshake->tls13 || handshake->server_hello_frame == 0)
        return;
    if (side == MTLS_SIDE_CLIENT) {
        handshake->client_ccs_frame = packet->frame;
    } else if (side == MTLS_SIDE_SERVER) {
        handshake->server_ccs_frame = packet->frame;
        if (handshake->client_ccs_frame != 0) {
            mark_accepted(handshake, packet);
        } else if (handshake->server_certificate_frame == 0 && !handshake->summary.certificate_requested &&
                   !mtls_handshake_decided(handshake)) {
            /* The server changes ciphers right after its ServerHello only when resuming. */
            handshake->resumed_frame = packet->frame;
            mtls_findings_add(handshake->findings, MTLS_CODE_RESUMED, packet->frame, (mtls_evidence){{0}},
                              "A resumed session exchanges no certificates: look at the handshake that created the "
                              "session. The server resumed an earlier session (abbreviated handshake, frame %u); the "
                              "client was authenticated, if at all, in the handshake that created the session.",
                              packet->frame);
        }
    }
}

static void on_finished(mtls_handshake *handshake, const mtls_packet *packet, mtls_side side)
{
    if (side == MTLS_SIDE_SERVER && !handshake->tls13 && handshake->server_finished_frame == 0)
        handshake->server_finished_frame = packet->frame;
    if (side == MTLS_SIDE_CLIENT) {
        handshake->client_finished_frame = packet->frame;
    } else if (side == MTLS_SIDE_SERVER && handshake->tls13) {
        on_server_flight_end(handshake, packet);
    } else if (side == MTLS_SIDE_SERVER && handshake->client_finished_frame != 0) {
        mark_accepted(handshake, packet);
    }
}

/* In TLS 1.3 the server confirms a client's flight only implicitly: by
 * sending tickets or data after the client's Finished rather than an alert. */
static void on_server_after_client_finished(mtls_handshake *handshake, const mtls_packet *packet)
{
    if (handshake->tls13 && handshake->client_finished_frame != 0)
        mark_accepted(handshake, packet);
}

/* The server's first data after the handshake: it did not hang up at once.
 * Without keys its answer will never be read, so what the client's unsent
 * intermediate was is settled here: the server went on with the chain. */
static void note_server_data(mtls_handshake *handshake, const mtls_packet *packet)
{
    if (handshake->accepted_frame == 0 || handshake->server_data_frame != 0)
        return;
    handshake->server_data_frame = packet->frame;
    if (!handshake->summary.keys_loaded)
        mtls_handshake_settle_held_chain_findings(handshake, packet, true);
}

static void on_application_data(mtls_handshake *handshake, const mtls_packet *packet, mtls_side side)
{
    if (side != MTLS_SIDE_SERVER)
        return;
    bool server_flight_readable = handshake->server_certificate_frame != 0 || handshake->server_flight_end_frame != 0;
    if (handshake->tls13 && !server_flight_readable && !handshake->encrypted_handshake) {
        handshake->encrypted_handshake = true;
        mtls_findings_add(handshake->findings, MTLS_CODE_TLS13_ENCRYPTED, packet->frame,
                          (mtls_evidence){{handshake->server_hello_frame}},
                          "The TLS 1.3 handshake is encrypted: load the session keys (tls.keylog_file) to see the "
                          "client certificate. TLS 1.3 was negotiated (frame %u) and the rest of the handshake is "
                          "encrypted from frame %u: whether a client certificate was requested, sent or rejected is "
                          "not visible. Capture the session keys (SSLKEYLOGFILE, or -Djavax.net.debug / a keylog agent "
                          "for Java) and load them (tls.keylog_file, or editcap --inject-secrets), or test with TLS "
                          "1.2.",
                          handshake->server_hello_frame, packet->frame);
        return;
    }
    on_server_after_client_finished(handshake, packet);
    note_server_data(handshake, packet);
}

/* Without keys, a TLS 1.2 side's first handshake record after its
 * ChangeCipherSpec is its Finished; any later one begins a renegotiation. */
static void on_encrypted_handshake(mtls_handshake *handshake, const mtls_packet *packet, mtls_side side)
{
    if (handshake->tls13)
        return;
    /* Before its ChangeCipherSpec a side's handshake records are cleartext:
     * one Wireshark shows unread is a message it could not dissect. */
    const uint32_t side_ccs = side == MTLS_SIDE_CLIENT ? handshake->client_ccs_frame : handshake->server_ccs_frame;
    if (side != MTLS_SIDE_UNKNOWN && side_ccs == 0 && handshake->server_hello_frame != 0 &&
        !mtls_handshake_decided(handshake)) {
        if (handshake->unreadable_frame == 0)
            handshake->unreadable_frame = packet->frame;
        return;
    }
    if (side == MTLS_SIDE_CLIENT && handshake->client_ccs_frame != 0 && handshake->client_finished_frame == 0) {
        on_finished(handshake, packet, side);
        return;
    }
    if (side == MTLS_SIDE_SERVER && handshake->server_ccs_frame != 0 && handshake->server_finished_frame == 0) {
        on_finished(handshake, packet, side);
        return;
    }
    bool completed = handshake->accepted_frame != 0 || handshake->resumed_frame != 0;
    if (!completed || handshake->renegotiation_frame != 0 || side == MTLS_SIDE_UNKNOWN)
        return;
    handshake->renegotiation_frame = packet->frame;
    mtls_findings_add(handshake->findings, MTLS_CODE_RENEGOTIATION_ENCRYPTED, packet->frame,
                      (mtls_evidence){{handshake->accepted_frame}},
                      "The %s started an encrypted renegotiation in frame %u: load the session keys (tls.keylog_file) "
                      "to analyse it. An injected keylog works too. It follows this handshake's completion. Servers "
                      "such as IIS and Apache ask for the client certificate only there, for protected paths, so "
                      "this handshake's outcome says nothing about client authentication.",
                      mtls_side_name(side), packet->frame);
}

/* A server that sends only its leaf, issued by a CA it does not send, and a
 * client that then refuses the server's chain: whatever the client trusts,
 * the sender must send the chain (RFC 5246 7.4.2, RFC 8446 4.4.2), so no
 * trust store is needed to say so. */
static void report_server_leaf_only(mtls_handshake *handshake, const mtls_packet *packet, int description)
{
    const GPtrArray *chain = handshake->server_chain;
    if (chain == NULL || chain->len != 1 ||
        (description != MTLS_ALERT_UNKNOWN_CA && description != MTLS_ALERT_CERTIFICATE_UNKNOWN &&
         description != MTLS_ALERT_BAD_CERTIFICATE))
        return;
    const mtls_certificate *leaf = g_ptr_array_index(chain, 0);
    if (leaf->self_signed)
        return;
    mtls_findings_add(handshake->findings, MTLS_CODE_SERVER_MISSING_INTERMEDIATE, packet->frame,
                      (mtls_evidence){{handshake->server_certificate_frame}},
                      "The server sent no intermediate CA and the client refused its chain: configure the full "
                      "chain on the server. It sent only its certificate '%s' (frame %u), issued by '%s', which it "
                      "did not send, and the client refused the server's chain with %s in frame %u. TLS requires "
                      "the sender to send its chain up to (not necessarily including) a root (RFC 5246 7.4.2, RFC "
                      "8446 4.4.2): clients that do not already hold '%s' cannot verify the server. Where the full "
                      "chain goes%s.",
                      leaf->subject, handshake->server_certificate_frame, leaf->issuer, mtls_alert_name(description),
                      packet->frame, leaf->issuer,
                      handshake->offers_http ? ": nginx ssl_certificate with leaf and intermediates; Apache "
                                               "SSLCertificateFile holding both; HAProxy the crt file"
                                             : ": the server's certificate file, the leaf followed by the "
                                               "intermediates");
}

static void on_alert(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event, mtls_side side)
{
    const int level = event->u.alert.level;
    const int description = event->u.alert.description;
    const char *sender = mtls_side_name(side);
    /* A close_notify, or any alert once the handshake completed, begins the connection's end:
     * a close that follows it is no silent refusal (s_client -reconnect's close_notify, say). */
    if ((description == MTLS_ALERT_CLOSE_NOTIFY || mtls_handshake_completed(handshake)) &&
        handshake->closing_alert_frame == 0)
        handshake->closing_alert_frame = packet->frame;
    if (description == MTLS_ALERT_ENCRYPTED) {
        if (mtls_handshake_decided(handshake) || handshake->encrypted_alert_frame != 0)
            return;
        handshake->encrypted_alert_frame = packet->frame;
        mtls_findings_add(handshake->findings, MTLS_CODE_ENCRYPTED_ALERT, packet->frame, (mtls_evidence){{0}},
                          "The %s sent an encrypted alert in frame %u: read it with the session keys "
                          "(tls.keylog_file) or in the %s's log. It came before the handshake completed, so its "
                          "reason is not visible in the capture.",
                          sender, packet->frame, sender);
        return;
    }
    const mtls_alert_info *alert = mtls_alert_lookup(description);
    /* After the server has hung up, an alert is the client's reaction to that. */
    if (description == MTLS_ALERT_CLOSE_NOTIFY || handshake->server_closed_frame != 0)
        return;
    /* no_certificate is SSL 3.0's warning-level way of sending no certificate. */
    bool fatal = level == 2 || description == MTLS_ALERT_NO_CERTIFICATE;
    if (!fatal) {
        mtls_findings_add(handshake->findings, MTLS_CODE_WARNING_ALERT, packet->frame, (mtls_evidence){{0}},
                          "The %s sent a warning alert %s (%d) in frame %u, which does not end the handshake by "
                          "itself. Its meaning: %s.",
                          sender, alert ? alert->code.code : "(unassigned)", description, packet->frame,
                          (alert ? alert : mtls_alert_unassigned())->code.title);
        return;
    }
    if (handshake->fatal_alert != NULL)
        return;
    handshake->fatal_alert = alert ? alert : mtls_alert_unassigned();
    handshake->fatal_alert_description = description;
    handshake->fatal_alert_sender = side;
    handshake->summary.alert_frame = packet->frame;
    if (side == MTLS_SIDE_CLIENT)
        report_server_leaf_only(handshake, packet, description);
    mtls_handshake_settle_held_chain_findings(handshake, packet, false);
    mtls_handshake_settle_certificate_verify(handshake, packet);
    char *message = mtls_explain_alert(handshake, side, handshake->fatal_alert, packet->frame);
    /* The proof is the certificate (or its absence) the sender judged. */
    const mtls_handshake_summary *summary = &handshake->summary;
    mtls_evidence evidence = {{summary->client_certificate_frame, summary->certificate_request_frame}};
    if (side == MTLS_SIDE_CLIENT)
        evidence = (mtls_evidence){{handshake->server_certificate_frame, summary->certificate_request_frame}};
    mtls_findings_add(handshake->findings, handshake->fatal_alert->code.code, packet->frame, evidence, "%s", message);
    g_free(message);
}

static void on_application_answer(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event,
                                  mtls_side side)
{
    if (side != MTLS_SIDE_SERVER)
        return;
    note_server_data(handshake, packet);
    if (mtls_handshake_take_answer(handshake, packet, event) && mtls_handshake_answer_settled(handshake)) {
        mtls_handshake_settle_held_chain_findings(handshake, packet, !mtls_handshake_answer_refuses(handshake));
        mtls_handshake_report_answer_refusal(handshake, packet);
    }
}

static char side_letter(mtls_side side)
{
    return side == MTLS_SIDE_CLIENT ? 'C' : side == MTLS_SIDE_SERVER ? 'S' : '?';
}

/* What every message or record tells before its own meaning: the first and
 * latest frame of the handshake, a missing start, the transcript. */
static void note_event(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event, mtls_side side)
{
    if (handshake->summary.first_frame == 0)
        handshake->summary.first_frame = packet->frame;
    bool client_certificate_verify = event->kind == MTLS_EVENT_CERTIFICATE_VERIFY && side == MTLS_SIDE_CLIENT;
    if (mtls_event_is_handshake_message(event->kind) || event->kind == MTLS_EVENT_ENCRYPTED_HANDSHAKE ||
        event->kind == MTLS_EVENT_CHANGE_CIPHER_SPEC)
        handshake->last_message_nanoseconds = mtls_packet_nanoseconds(packet);
    if (mtls_event_is_handshake_message(event->kind)) {
        note_missing_start(handshake, packet, event);
        if (!client_certificate_verify)
            mtls_handshake_follow_transcript(handshake, event);
    }
}

static void dispatch_event(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event,
                           mtls_side side, bool was_settled)
{
    switch (event->kind) {
    case MTLS_EVENT_CLIENT_HELLO:
        on_client_hello(handshake, packet, event);
        break;
    case MTLS_EVENT_SERVER_HELLO:
        on_server_hello(handshake, packet, event);
        break;
    case MTLS_EVENT_CERTIFICATE_REQUEST:
        on_certificate_request(handshake, packet, event);
        break;
    case MTLS_EVENT_CERTIFICATE:
        mtls_handshake_on_certificate(handshake, packet, event, side);
        break;
    case MTLS_EVENT_COMPRESSED_CERTIFICATE:
        mtls_handshake_on_compressed_certificate(handshake, packet, event, side);
        break;
    case MTLS_EVENT_SERVER_HELLO_DONE:
        on_server_flight_end(handshake, packet);
        break;
    case MTLS_EVENT_CERTIFICATE_VERIFY:
        if (side == MTLS_SIDE_CLIENT)
            mtls_handshake_on_client_certificate_verify(handshake, packet, event);
        break;
    case MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE:
    case MTLS_EVENT_CAPTURE_GAP:
        break;
    case MTLS_EVENT_FINISHED:
        /* A Finished read as a message, not an encrypted record: the keys were loaded. */
        handshake->summary.keys_loaded = true;
        on_finished(handshake, packet, side);
        break;
    case MTLS_EVENT_NEW_SESSION_TICKET:
        on_server_after_client_finished(handshake, packet);
        break;
    case MTLS_EVENT_CHANGE_CIPHER_SPEC:
        on_change_cipher_spec(handshake, packet, side);
        break;
    case MTLS_EVENT_ALERT:
        on_alert(handshake, packet, event, side);
        break;
    case MTLS_EVENT_APPLICATION_DATA:
        on_application_data(handshake, packet, side);
        break;
    case MTLS_EVENT_ENCRYPTED_HANDSHAKE:
        on_encrypted_handshake(handshake, packet, side);
        break;
    case MTLS_EVENT_APPLICATION_ANSWER:
        on_application_answer(handshake, packet, event, side);
        break;
    case MTLS_EVENT_CONNECTION_CLOSED:
        mtls_handshake_on_connection_closed(handshake, packet, event, side);
        /* The connection's end is a step of the flow only where it ended the handshake. */
        if (!was_settled || handshake->closed_refusal_frame == packet->frame)
            mtls_flow_add(&handshake->flow, packet->frame, side_letter(side), event);
        break;
    case MTLS_EVENT_UNREAD_DATA:
        if (side == MTLS_SIDE_SERVER)
            note_server_data(handshake, packet);
        break;
    }
}

/* Once the outcome is known: the checks that waited for it, and what only
 * they needed is released. */
static void settle_after_event(mtls_handshake *handshake, const mtls_packet *packet)
{
    if (handshake->summary.outcome_frame == 0 && mtls_handshake_is_settled(handshake))
        handshake->summary.outcome_frame = packet->frame;
    /* Only the client's chain is judged against the server's and the CA
     * names: past the outcome nothing will read them, and keeping them would
     * keep cache entries alive for every handshake. */
    if (handshake->server_chain != NULL && mtls_handshake_is_settled(handshake))
        g_clear_pointer(&handshake->server_chain, g_ptr_array_unref);
    if (handshake->ca_names->len > 0 && mtls_handshake_is_settled(handshake))
        g_ptr_array_set_size(handshake->ca_names, 0);
    if (mtls_handshake_is_settled(handshake)) {
        mtls_handshake_settle_certificate_verify(handshake, packet);
        if (handshake->accepted_frame == 0)
            mtls_handshake_settle_held_chain_findings(handshake, packet, false);
    }
    if (mtls_handshake_is_settled(handshake) ||
        (handshake->server_flight_end_frame != 0 && !handshake->summary.certificate_requested))
        mtls_transcript_release(&handshake->transcript);
}

void mtls_handshake_apply(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event)
{
    mtls_side side = side_of(handshake, packet->sender, event->kind);
    const bool was_settled = mtls_handshake_is_settled(handshake);
    if (event->kind != MTLS_EVENT_CONNECTION_CLOSED)
        mtls_flow_add(&handshake->flow, packet->frame, side_letter(side), event);
    /* Only part of the transcript: it tells nothing about the handshake. */
    if (event->kind == MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE) {
        mtls_handshake_follow_transcript(handshake, event);
        return;
    }
    /* What follows the client's CertificateVerify is not part of what it signed. */
    if (event->kind == MTLS_EVENT_CAPTURE_GAP) {
        if (handshake->summary.certificate_verify == MTLS_CERTIFICATE_VERIFY_NOT_SEEN)
            handshake->transcript.incomplete = true;
        if (handshake->unreadable_frame == 0 && !mtls_handshake_is_settled(handshake))
            handshake->unreadable_frame = packet->frame;
        return;
    }
    note_event(handshake, packet, event, side);
    dispatch_event(handshake, packet, event, side, was_settled);
    settle_after_event(handshake, packet);
}

