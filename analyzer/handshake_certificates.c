/* handshake_certificates.c - the certificates of one handshake: parses each
 * Certificate (or compressed Certificate) message, keeps what the summary
 * shows of the client's chain, and has the chain judged (chain.c), holding
 * back what only the outcome can decide.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "codes.h"
#include "findings.h"
#include "handshake_state.h"
#include "compressed_certificate.h"
#include "expected_certificate.h"
#include "server_name.h"
#include "tls_algorithms.h"

/* Parses a Certificate message's chain, up to MTLS_CHAIN_CERTIFICATES_JUDGED
 * certificates; a chain with an unparsable member is left unjudged rather
 * than judged wrongly. */
static bool parse_chain(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event,
                        mtls_side side, GPtrArray *chain, GArray *entries)
{
    const size_t sent = event->u.certificate.certificate_count;
    const size_t judged = MIN(sent, (size_t)MTLS_CHAIN_CERTIFICATES_JUDGED);
    for (size_t i = 0; i < judged; i++) {
        const mtls_blob *der = &event->u.certificate.certificates[i];
        const char *error = NULL;
        const mtls_certificate_summary *entry = NULL;
        const mtls_certificate *certificate =
            mtls_capture_certificate(handshake->capture, der->data, der->length, &error, &entry);
        if (certificate == NULL) {
            mtls_findings_add(handshake->findings, MTLS_CODE_MALFORMED_CERTIFICATE, packet->frame,
                              (mtls_evidence){{0}},
                              "Certificate %zu of the %s's chain in frame %u cannot be parsed: if the capture was "
                              "truncated, recapture full packets. The parser says: %s. The chain is not judged; a "
                              "capture truncated by its snaplen needs recapturing with full packets.",
                              i + 1, mtls_side_name(side), packet->frame, error);
            g_ptr_array_set_size(chain, 0);
            return false;
        }
        g_ptr_array_add(chain, mtls_certificate_ref(certificate));
        g_array_append_val(entries, *entry);
    }
    if (judged < sent)
        mtls_findings_add(handshake->findings, MTLS_CODE_CHAIN_PARTLY_JUDGED, packet->frame, (mtls_evidence){{0}},
                          "The %s sent a chain of %zu certificates, too long to judge whole: send only the leaf and "
                          "its intermediates. Of its Certificate in frame %u, only the first %zu (the leaf and the "
                          "%zu after it) were judged, each on its own: whether the chain is complete, in order and "
                          "trusted was not checked. Real chains have two to five certificates, and verifiers stop "
                          "at a depth limit (GnuTLS 16, Java 10 by default), so a server may refuse this chain for "
                          "its length alone.",
                          mtls_side_name(side), sent, packet->frame, judged, judged - 1);
    return true;
}

static void on_empty_client_certificate(mtls_handshake *handshake, const mtls_packet *packet)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    char *ca_list = mtls_ca_names_for_message(handshake->ca_names);
    GString *request = g_string_new(NULL);
    if (summary->certificate_requested)
        g_string_printf(request, "The server requested a client certificate (CertificateRequest in frame %u%s%s)",
                        summary->certificate_request_frame, summary->ca_name_count ? ", accepting " : "",
                        summary->ca_name_count ? ca_list : "");
    else
        g_string_printf(request, "The server requested a client certificate (the request itself was not captured)");
    /* Clients also leave out a certificate whose key cannot sign with any
     * algorithm the request lists. */
    GString *algorithms = g_string_new(NULL);
    const mtls_code_points *requested = &handshake->requested_signature_schemes;
    const uint16_t *schemes = requested->values;
    const char *left_out = mtls_key_family_left_out(schemes, requested->count, handshake->tls13);
    if (left_out) {
        char *listed = mtls_signature_schemes_for_message(schemes, requested->count, MTLS_SCHEMES_SHOWN);
        g_string_printf(algorithms, " The request accepts only the signature algorithms %s: a client whose "
                                    "certificate has an %s key has no certificate it may use, and sends none; "
                                    "allow %s algorithms on the server or give the client a certificate with "
                                    "another key type.",
                        listed, left_out, left_out);
        g_free(listed);
    }
    mtls_findings_add(handshake->findings, MTLS_CODE_EMPTY_CERTIFICATE, packet->frame,
                      (mtls_evidence){{summary->certificate_request_frame}},
                      "The client sent an empty Certificate (frame %u): configure it with a certificate from a CA "
                      "the server accepts. %s; the client has no client certificate configured, or none issued by "
                      "a CA the server accepts. Configure a client certificate with its private key%s%s (SAP ICM "
                      "trace: 'Have no certificate fitting to CA "
                      "names received from server'; Java: keystore; .NET: ClientCertificates). Java, SAP, Go's "
                      "crypto/tls and GnuTLS clients (OpenLDAP's ldapwhoami, for one) choose the certificate by "
                      "these CA names: an entry whose chain does not reach a listed CA is never sent, and that "
                      "includes a leaf stored without its intermediate when only the root is listed: import the "
                      "full chain into the keystore entry.%s",
                      packet->frame, request->str, summary->ca_name_count ? " issued by one of " : "",
                      summary->ca_name_count ? ca_list : "", algorithms->str);
    g_string_free(algorithms, TRUE);
    g_string_free(request, TRUE);
    g_free(ca_list);
}

/* The client signs CertificateVerify with its certificate's key, using one
 * of the schemes the CertificateRequest lists; a key that can produce none
 * of them cannot complete client authentication. */
static void check_signature_algorithms(mtls_handshake *handshake, const mtls_certificate *leaf,
                                       const mtls_packet *packet)
{
    const mtls_code_points *requested = &handshake->requested_signature_schemes;
    if (requested->count == 0)
        return;
    const uint16_t *schemes = requested->values;
    if (mtls_key_fits_schemes(leaf, schemes, requested->count, handshake->tls13) != MTLS_KEY_DOES_NOT_FIT)
        return;
    char *listed = mtls_signature_schemes_for_message(schemes, requested->count, MTLS_SCHEMES_SHOWN);
    mtls_findings_add(handshake->findings, MTLS_CODE_SIGNATURE_ALGORITHM_MISMATCH, packet->frame,
                      (mtls_evidence){{handshake->summary.certificate_request_frame}},
                      "The server accepts no signature from the %s key of client certificate '%s': allow one, or "
                      "change the key type. The certificate (frame %u) cannot produce any signature algorithm the "
                      "server accepts in %s for CertificateVerify (CertificateRequest in frame %u: %s). The client "
                      "cannot prove it holds the key in a way the server accepts: expect "
                      "handshake_failure, decrypt_error or illegal_parameter. Issue the client certificate with a "
                      "key type the server accepts, or allow this key type's algorithms on the server.",
                      leaf->key_description, leaf->subject, packet->frame,
                      handshake->tls13 ? "TLS 1.3" : "TLS 1.2", handshake->summary.certificate_request_frame,
                      listed);
    g_free(listed);
}

/* Where `sender`'s chain waits, its link signatures unverified. */
static GPtrArray **unverified_chain_of(mtls_handshake *handshake, mtls_side sender)
{
    return sender == MTLS_SIDE_CLIENT ? &handshake->unverified_client_chain : &handshake->unverified_server_chain;
}

static GPtrArray *held_chain_findings_of(mtls_handshake *handshake)
{
    if (handshake->held_chain_findings == NULL)
        handshake->held_chain_findings = mtls_findings_new();
    return handshake->held_chain_findings;
}

/* The chain as the summary shows it: the few strings it shows, stored once
 * for the file, so that no handshake keeps a parsed certificate alive past
 * the cache; the entries too are stored once, for a server sends the same
 * chain every time. */
static const mtls_certificate_summary *store_chain_summary(mtls_handshake *handshake, GArray *parsed)
{
    /* Its entries have no padding: equal summaries are equal bytes. */
    G_STATIC_ASSERT(sizeof(mtls_certificate_summary) == 6 * sizeof(const char *) + 2 * sizeof(int64_t));
    return mtls_capture_store(handshake->capture, parsed->data, parsed->len * sizeof(mtls_certificate_summary));
}

/* The chain's own checks: its order, dates, roles and trust. */
static void check_chain(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event,
                        mtls_side side, GPtrArray *chain)
{
    mtls_handshake_summary *summary = &handshake->summary;
    mtls_chain_input input = {
        .side = side,
        .certificates = chain,
        .ca_names = handshake->ca_names,
        .capture = handshake->capture,
        .capture_time = packet->time_seconds,
        .certificate_frame = packet->frame,
        .certificate_request_frame = side == MTLS_SIDE_CLIENT ? summary->certificate_request_frame : 0,
        .known_certificates = side == MTLS_SIDE_CLIENT ? handshake->server_chain : NULL,
        .known_certificates_frame = handshake->server_certificate_frame,
        .cut_short = chain->len < event->u.certificate.certificate_count,
        .self_signed_by_design = (handshake->summary.negotiated_version & 0xff00) == 0xfe00,
        .verify_signatures = handshake->capture->config->verify_every_chain_signature,
    };
    /* An unsent intermediate matters only if the server lacks it, which
     * its answer tells: that finding waits for the outcome. */
    GPtrArray *found = side == MTLS_SIDE_CLIENT ? g_ptr_array_new() : handshake->findings;
    const mtls_ca_name *listed_ca = mtls_check_chain(&input, found);
    if (side == MTLS_SIDE_CLIENT) {
        for (unsigned i = 0; i < found->len; i++) {
            mtls_finding *finding = g_ptr_array_index(found, i);
            if (strcmp(finding->info->code, MTLS_CODE_MISSING_INTERMEDIATE) == 0)
                mtls_findings_take(held_chain_findings_of(handshake), finding);
            else
                mtls_findings_take(handshake->findings, finding);
        }
        g_ptr_array_unref(found);
    }
    if (side == MTLS_SIDE_CLIENT && listed_ca != NULL)
        summary->client_listed_ca = listed_ca->text;
    GPtrArray **unverified = unverified_chain_of(handshake, side);
    if (!input.verify_signatures && chain->len > 1 && *unverified == NULL)
        *unverified = g_ptr_array_ref(chain);
}

/* Parses and judges a chain. A second Certificate from the same side (a
 * renegotiation) replaces the first in the summary. */
static void judge_chain(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event, mtls_side side)
{
    mtls_handshake_summary *summary = &handshake->summary;
    GPtrArray *chain = g_ptr_array_new_with_free_func((GDestroyNotify)mtls_certificate_unref);
    GArray *parsed = g_array_new(FALSE, FALSE, sizeof(mtls_certificate_summary));
    if (!parse_chain(handshake, packet, event, side, chain, parsed) || chain->len == 0) {
        g_ptr_array_unref(chain);
        g_array_free(parsed, TRUE);
        return;
    }
    const mtls_certificate *leaf = g_ptr_array_index(chain, 0);
    const mtls_certificate_summary *entries = store_chain_summary(handshake, parsed);
    g_array_free(parsed, TRUE);
    if (side == MTLS_SIDE_SERVER) {
        summary->server_subject = entries[0].subject;
        summary->server_chain = entries;
        summary->server_chain_parsed = chain->len;
        mtls_capture_check_server_name(handshake->capture,
                                       &(mtls_server_name_input){.server_leaf = leaf,
                                                                 .server_name = summary->server_name,
                                                                 .client_hello_frame = summary->client_hello_frame,
                                                                 .certificate_frame = packet->frame},
                                       handshake->findings);
    } else {
        summary->client_chain = entries;
        summary->client_chain_parsed = chain->len;
        summary->client_subject = entries[0].subject;
        summary->client_issuer = entries[0].issuer;
        /* Its key checks the CertificateVerify, for as long as the transcript is kept. */
        mtls_transcript_set_signer(&handshake->transcript, leaf);
        mtls_check_expected_client_certificate(handshake->capture->config->expected_client_certificates, leaf,
                                               packet->frame, handshake->findings);
        check_signature_algorithms(handshake, leaf, packet);
    }
    if (side == MTLS_SIDE_CLIENT || handshake->capture->config->check_server_chain)
        check_chain(handshake, packet, event, side, chain);
    /* The server's chain is evidence about the client's, judged later. */
    if (side == MTLS_SIDE_SERVER && handshake->server_chain == NULL) {
        handshake->server_chain = chain;
        return;
    }
    g_ptr_array_unref(chain);
    g_clear_pointer(&handshake->server_chain, g_ptr_array_unref);
}

/* A Certificate that was sent but cannot be read: noted, not judged, and
 * never taken for an empty one. */
static void on_unreadable_certificate(mtls_handshake *handshake, const mtls_packet *packet, mtls_side side,
                                      const char *what)
{
    mtls_findings_add(handshake->findings, MTLS_CODE_MALFORMED_CERTIFICATE, packet->frame, (mtls_evidence){{0}},
                      "The %s's Certificate in frame %u cannot be read, so its chain is not judged: if the capture "
                      "was truncated, recapture it. It %s. A capture truncated by its snaplen needs recapturing with "
                      "full packets.",
                      mtls_side_name(side), packet->frame, what);
    mtls_handshake_summary *summary = &handshake->summary;
    if (side == MTLS_SIDE_CLIENT && !summary->client_certificate_sent) {
        summary->client_certificate_sent = true;
        summary->client_certificate_frame = packet->frame;
        /* Unknown, but not empty. */
        summary->client_chain_length = 1;
    } else if (side == MTLS_SIDE_SERVER && handshake->server_certificate_frame == 0) {
        handshake->server_certificate_frame = packet->frame;
    }
}

void mtls_handshake_on_certificate(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event,
                                   mtls_side side)
{
    mtls_handshake_summary *summary = &handshake->summary;
    if (event->u.certificate.truncated) {
        const size_t readable = event->u.certificate.certificate_count;
        char *what = g_strdup_printf("was cut short in the capture (%zu certificate%s readable)", readable,
                                     readable == 1 ? "" : "s");
        on_unreadable_certificate(handshake, packet, side, what);
        g_free(what);
        return;
    }
    if (side == MTLS_SIDE_SERVER && handshake->server_certificate_frame == 0) {
        handshake->server_certificate_frame = packet->frame;
        judge_chain(handshake, packet, event, side);
    } else if (side == MTLS_SIDE_CLIENT && !summary->client_certificate_sent) {
        summary->client_certificate_sent = true;
        summary->client_certificate_frame = packet->frame;
        summary->client_chain_length = event->u.certificate.certificate_count;
        if (event->u.certificate.certificate_count == 0) {
            on_empty_client_certificate(handshake, packet);
            mtls_transcript_release(&handshake->transcript); /* no CertificateVerify follows */
        } else {
            judge_chain(handshake, packet, event, side);
        }
    }
}

/* A compressed Certificate is judged as the Certificate inside. One that
 * cannot be read still shows that a certificate was sent. */
void mtls_handshake_on_compressed_certificate(mtls_handshake *handshake, const mtls_packet *packet,
                                              const mtls_event *event, mtls_side side)
{
    char *error = NULL;
    GBytes *body = mtls_decompress_certificate(event->u.compressed_certificate.algorithm,
                                               event->u.compressed_certificate.data.data,
                                               event->u.compressed_certificate.data.length,
                                               event->u.compressed_certificate.uncompressed_length, &error);
    GArray *certificates = g_array_new(FALSE, FALSE, sizeof(mtls_blob));
    if (body != NULL) {
        size_t length;
        const uint8_t *data = g_bytes_get_data(body, &length);
        if (mtls_split_tls13_certificate_message(data, length, certificates, &error)) {
            mtls_event inner = {.kind = MTLS_EVENT_CERTIFICATE};
            inner.u.certificate.certificates = (const mtls_blob *)(void *)certificates->data;
            inner.u.certificate.certificate_count = certificates->len;
            mtls_handshake_on_certificate(handshake, packet, &inner, side);
        }
    }
    if (error != NULL) {
        char *what = g_strdup_printf("was sent compressed (RFC 8879), but %s", error);
        on_unreadable_certificate(handshake, packet, side, what);
        g_free(what);
        g_free(error);
    }
    g_array_free(certificates, TRUE);
    if (body != NULL)
        g_bytes_unref(body);
}

/* Whether a refusal can be about a signature in the chain `receiver` was
 * sent: OpenSSL answers one that does not verify with decrypt_error; GnuTLS,
 * NSS, Go and Java with bad_certificate or certificate_unknown; older stacks
 * with handshake_failure; a refusal without an alert tells nothing. Other
 * alerts, or an alert of the chain's sender, name another cause (unknown_ca:
 * no issuer found at all). */
static bool refusal_may_be_about_chain_signatures(const mtls_handshake *handshake, mtls_side receiver)
{
    if (handshake->fatal_alert == NULL)
        return true;
    if (handshake->fatal_alert_sender != receiver)
        return false;
    switch (handshake->fatal_alert_description) {
    case MTLS_ALERT_DECRYPT_ERROR:
    case MTLS_ALERT_BAD_CERTIFICATE:
    case MTLS_ALERT_CERTIFICATE_UNKNOWN:
    case MTLS_ALERT_HANDSHAKE_FAILURE:
    case MTLS_ALERT_UNSUPPORTED_CERTIFICATE:
    case MTLS_ALERT_INTERNAL_ERROR:
        return true;
    default:
        return false;
    }
}

static void settle_chain_signatures_of(mtls_handshake *handshake, const mtls_packet *packet, mtls_side sender,
                                       bool refused)
{
    GPtrArray **unverified = unverified_chain_of(handshake, sender);
    GPtrArray *chain = *unverified;
    if (chain == NULL)
        return;
    *unverified = NULL;
    const mtls_side receiver = sender == MTLS_SIDE_CLIENT ? MTLS_SIDE_SERVER : MTLS_SIDE_CLIENT;
    if (refused && refusal_may_be_about_chain_signatures(handshake, receiver)) {
        const mtls_handshake_summary *summary = &handshake->summary;
        const mtls_chain_input input = {
            .side = sender,
            .certificates = chain,
            .ca_names = handshake->ca_names,
            .capture = handshake->capture,
            .certificate_frame =
                sender == MTLS_SIDE_CLIENT ? summary->client_certificate_frame : handshake->server_certificate_frame,
            .certificate_request_frame = sender == MTLS_SIDE_CLIENT ? summary->certificate_request_frame : 0,
        };
        mtls_check_chain_signatures(&input, packet->frame, handshake->findings);
    }
    g_ptr_array_unref(chain);
}

/* A peer that went on with the handshake verified the other's signatures
 * itself (or verifies none): a public-key operation per new certificate is
 * spent only on a refusal that can be about them. A client judges the
 * server's chain before it sends its own Certificate (TLS 1.2 and 1.3 alike),
 * so that message, a completed handshake or the server's own alert show it
 * went on. */
void mtls_handshake_settle_chain_signatures(mtls_handshake *handshake, const mtls_packet *packet, bool accepted)
{
    settle_chain_signatures_of(handshake, packet, MTLS_SIDE_CLIENT, !accepted);
    const bool client_went_on = mtls_handshake_completed(handshake) || handshake->summary.client_certificate_sent ||
                                (handshake->fatal_alert != NULL && handshake->fatal_alert_sender == MTLS_SIDE_SERVER);
    settle_chain_signatures_of(handshake, packet, MTLS_SIDE_SERVER, !client_went_on);
}

/* The outcome decides what the client's unsent intermediate was. */
void mtls_handshake_settle_held_chain_findings(mtls_handshake *handshake, const mtls_packet *packet, bool accepted)
{
    mtls_handshake_settle_chain_signatures(handshake, packet, accepted);
    GPtrArray *held = handshake->held_chain_findings;
    if (held == NULL || held->len == 0)
        return;
    const mtls_handshake_summary *summary = &handshake->summary;
    size_t count = 0;
    mtls_finding **findings = (mtls_finding **)g_ptr_array_steal(held, &count);
    for (size_t i = 0; i < count; i++) {
        mtls_finding *finding = findings[i];
        if (accepted) {
            const bool answered = summary->answer_frame != 0;
            const bool http = handshake->offers_http || handshake->answer_application == MTLS_APPLICATION_HTTP1 ||
                              handshake->answer_application == MTLS_APPLICATION_HTTP2;
            /* With the keys loaded, an answer the capture does not show was never sent in it. */
            const char *unseen = summary->keys_loaded ? "; the capture holds no answer"
                                                      : "; load the key log to see it";
            mtls_findings_add(handshake->findings, MTLS_CODE_INTERMEDIATE_NOT_SENT, packet->frame,
                              (mtls_evidence){{summary->client_certificate_frame, handshake->accepted_frame}},
                              "The client left out its intermediate '%s', yet the handshake completed: send the "
                              "full chain for other servers. The client sent '%s' without that issuer (frame "
                              "%u), and the server completed the handshake in frame %u%s%s. This chain works only "
                              "with servers that hold the intermediate.",
                              summary->client_issuer ? summary->client_issuer : "(unparsable)",
                              summary->client_subject ? summary->client_subject : "(unparsable)",
                              summary->client_certificate_frame, handshake->accepted_frame,
                              answered ? " and its application answered without refusing: the server holds that "
                                         "intermediate itself or does not verify client certificates"
                              : http ? ". Either the server holds that intermediate itself (nginx "
                                       "ssl_trusted_certificate, HAProxy ca-verify-file) and accepted the chain, "
                                       "or it refuses in its HTTP answer, which the capture does not show (nginx "
                                       "answers 400 'The SSL certificate error')"
                                     : ". Either the server holds that intermediate itself and accepted the chain, "
                                       "or its application refuses the client in an answer the capture does not "
                                       "show",
                              answered ? "" : unseen);
            mtls_finding_free(finding);
            continue;
        }
        if (finding->frame != packet->frame && finding->evidence_count < MTLS_MAX_EVIDENCE_FRAMES) {
            memmove(finding->evidence + 1, finding->evidence, finding->evidence_count * sizeof finding->evidence[0]);
            finding->evidence[0] = finding->frame;
            finding->evidence_count++;
        }
        finding->frame = packet->frame;
        mtls_findings_take(handshake->findings, finding);
    }
    g_free(findings);
}
