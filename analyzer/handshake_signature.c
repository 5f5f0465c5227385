/* handshake_signature.c - the client's CertificateVerify in one handshake:
 * the transcript it signs, and the policy of when the signature is worth a
 * public-key operation (at a refusal that can be about it, or always with
 * mtls.verify_every_certificate_verify). The check itself is
 * certificate_verify.c's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "codes.h"
#include "findings.h"
#include "handshake_state.h"
#include "tls_algorithms.h"

#define TLS_HANDSHAKE_HELLO_REQUEST 0

/* Keeps the messages the client's CertificateVerify signs: every handshake
 * message from the ClientHello up to it (HelloRequest is not one of them). */
void mtls_handshake_follow_transcript(mtls_handshake *handshake, const mtls_event *event)
{
    mtls_transcript *transcript = &handshake->transcript;
    if (transcript->messages == NULL || transcript->closed)
        return;
    const mtls_blob *message = &event->message;
    if (message->length > 0 && message->data[0] == TLS_HANDSHAKE_HELLO_REQUEST)
        return;
    if (event->kind == MTLS_EVENT_CLIENT_HELLO && !handshake->hello_retry_pending)
        mtls_transcript_restart(transcript);
    else if (transcript->messages->len == 0)
        transcript->incomplete = true; /* the ClientHello was not captured */
    if (mtls_event_is_hello_retry_request(event))
        mtls_transcript_mark_hello_retry(transcript);
    mtls_transcript_add(transcript, message->data, message->length);
}

/* The client must sign with a scheme the CertificateRequest lists; a key
 * that can make none of them was reported with its Certificate already. */
static void check_certificate_verify_scheme(mtls_handshake *handshake, const mtls_packet *packet, uint16_t scheme)
{
    const mtls_code_points *requested = &handshake->requested_signature_schemes;
    if (scheme == 0 || requested->count == 0)
        return;
    const uint16_t *schemes = requested->values;
    for (size_t i = 0; i < requested->count; i++) {
        if (schemes[i] == scheme)
            return;
    }
    const char *name = mtls_signature_scheme_name(scheme);
    char *listed = mtls_signature_schemes_for_message(schemes, requested->count, MTLS_SCHEMES_SHOWN);
    mtls_findings_add(handshake->findings, MTLS_CODE_SIGNATURE_ALGORITHM_MISMATCH, packet->frame,
                      (mtls_evidence){{handshake->summary.certificate_request_frame}},
                      "The client's CertificateVerify uses an algorithm the server did not list: restrict the "
                      "client, or allow it on the server. The client signed it (frame %u) with %s%s%s0x%04x), which "
                      "the CertificateRequest (frame %u) does not list: %s. The server must refuse it (expect "
                      "illegal_parameter, decrypt_error or handshake_failure).",
                      packet->frame, name ? name : "", name ? " (" : "", name ? "" : "(", scheme,
                      handshake->summary.certificate_request_frame, listed);
    g_free(listed);
}

static const char *scheme_text(uint16_t scheme)
{
    if (scheme == 0)
        return "with the TLS 1.0/1.1 default hash";
    const char *name = mtls_signature_scheme_name(scheme);
    return name ? name : "with an unnamed algorithm";
}

static void set_certificate_verify_status(mtls_handshake *handshake, mtls_certificate_verify_status status,
                                          const char *detail)
{
    handshake->summary.certificate_verify = status;
    g_free(handshake->certificate_verify_detail);
    handshake->certificate_verify_detail = g_strdup(detail);
    handshake->summary.certificate_verify_detail = handshake->certificate_verify_detail;
}

/* The client proves it holds its certificate's key by signing the handshake
 * so far; a signature that does not verify with that key means the client
 * paired its certificate with another key. Reported on `report_frame`: the
 * CertificateVerify's own, or the alert that settled the handshake. */
static void verify_client_certificate_verify(mtls_handshake *handshake, const uint8_t *message, size_t length,
                                             uint32_t report_frame)
{
    mtls_handshake_summary *summary = &handshake->summary;
    /* Kept past the transcript's release for the message below. */
    mtls_certificate *leaf = handshake->transcript.signer ? mtls_certificate_ref(handshake->transcript.signer) : NULL;
    mtls_certificate_verify_result result =
        mtls_capture_check_certificate_verify(handshake->capture, &handshake->transcript, message, length,
                                              summary->negotiated_version, handshake->cipher_suite, leaf);
    mtls_transcript_release(&handshake->transcript);
    switch (result.result) {
    case MTLS_SIGNATURE_VALID:
        set_certificate_verify_status(handshake, MTLS_CERTIFICATE_VERIFY_VALID, NULL);
        break;
    case MTLS_SIGNATURE_UNCHECKED:
        set_certificate_verify_status(handshake, MTLS_CERTIFICATE_VERIFY_UNCHECKED, result.detail);
        break;
    case MTLS_SIGNATURE_INVALID: {
        set_certificate_verify_status(handshake, MTLS_CERTIFICATE_VERIFY_INVALID, NULL);
        mtls_findings_add(handshake->findings, MTLS_CODE_CERTIFICATE_VERIFY_FAILED, report_frame,
                          (mtls_evidence){{summary->certificate_verify_frame, summary->client_certificate_frame}},
                          "The client's private key does not belong to its certificate '%s': import the "
                          "certificate with its own key. Its CertificateVerify (frame %u, signed %s) does "
                          "not verify with the public key of the certificate it sent (%s, SHA-256 %s, frame %u)%s%s, "
                          "and the server refuses it (usually with decrypt_error). The client pairs the certificate "
                          "with another key: a renewed certificate installed next to the old key, or the wrong entry "
                          "of a keystore holding several. Compare 'openssl x509 -noout -pubkey -in client.pem | "
                          "openssl sha256' with 'openssl pkey -pubout -in client.key | openssl sha256'; a PKCS#12/PFX "
                          "holds both (SAP: the client PSE in STRUST).",
                          leaf->subject, summary->certificate_verify_frame, scheme_text(result.scheme),
                          leaf->key_description, leaf->sha256, summary->client_certificate_frame,
                          result.detail ? ": " : "", result.detail ? result.detail : "");
        break;
    }
    }
    g_free(result.detail);
    mtls_certificate_unref(leaf);
}

void mtls_handshake_on_client_certificate_verify(mtls_handshake *handshake, const mtls_packet *packet,
                                                 const mtls_event *event)
{
    mtls_handshake_summary *summary = &handshake->summary;
    if (summary->certificate_verify != MTLS_CERTIFICATE_VERIFY_NOT_SEEN)
        return;
    summary->certificate_verify_frame = packet->frame;
    mtls_transcript_close(&handshake->transcript);
    check_certificate_verify_scheme(handshake, packet,
                                    mtls_certificate_verify_scheme(event->message.data, event->message.length,
                                                                   summary->negotiated_version));
    if (summary->post_handshake) {
        set_certificate_verify_status(handshake, MTLS_CERTIFICATE_VERIFY_UNCHECKED,
                                      "post-handshake authentication also signs the earlier handshake, which this "
                                      "check does not cover");
        mtls_transcript_release(&handshake->transcript);
        return;
    }
    if (handshake->capture->config->verify_every_certificate_verify || mtls_handshake_decided(handshake)) {
        verify_client_certificate_verify(handshake, event->message.data, event->message.length, packet->frame);
        return;
    }
    /* A server that completes the handshake has verified the signature
     * itself: the public-key operation is spent only when it does not. */
    handshake->pending_certificate_verify = g_bytes_new(event->message.data, event->message.length);
    set_certificate_verify_status(handshake, MTLS_CERTIFICATE_VERIFY_UNCHECKED,
                                  "awaiting the server's answer: verified unless the server accepts the handshake");
}

/* Why a refusal's alert rules the client's signature out as its cause, or
 * NULL when the signature may be the cause and is worth a public-key
 * operation. Servers answer a CertificateVerify that does not verify with
 * decrypt_error (OpenSSL, GnuTLS, NSS, Go, BoringSSL), some with
 * handshake_failure or bad_certificate (Java, older stacks); an alert that
 * names the certificate chain (unknown_ca, certificate_expired, ...) was
 * decided on the chain. A refusal without an alert tells nothing, so it is
 * checked. */
static const char *refusal_rules_out_the_signature(const mtls_handshake *handshake)
{
    if (handshake->fatal_alert == NULL)
        return NULL;
    switch (handshake->fatal_alert_description) {
    case MTLS_ALERT_DECRYPT_ERROR:
        return NULL;
    case MTLS_ALERT_HANDSHAKE_FAILURE:
    case MTLS_ALERT_BAD_CERTIFICATE:
    case MTLS_ALERT_ILLEGAL_PARAMETER:
    case MTLS_ALERT_DECODE_ERROR:
    case MTLS_ALERT_INTERNAL_ERROR:
        /* Only a finding about the client's chain explains the server's
         * refusal; one about the server's own chain does not. */
        if (!mtls_client_chain_has_findings(handshake))
            return NULL;
        return "a problem of the client chain already found explains the server's alert (the preference "
               "mtls.verify_every_certificate_verify checks every signature)";
    default:
        return "the server's alert is about the certificate chain, not the signature (the "
               "preference mtls.verify_every_certificate_verify checks every signature)";
    }
}

void mtls_handshake_settle_certificate_verify(mtls_handshake *handshake, const mtls_packet *packet)
{
    if (handshake->pending_certificate_verify == NULL)
        return;
    const char *not_checked = NULL;
    if (handshake->accepted_frame != 0) {
        set_certificate_verify_status(handshake, MTLS_CERTIFICATE_VERIFY_ACCEPTED, NULL);
        mtls_transcript_release(&handshake->transcript);
    } else if ((not_checked = refusal_rules_out_the_signature(handshake)) != NULL) {
        set_certificate_verify_status(handshake, MTLS_CERTIFICATE_VERIFY_UNCHECKED, not_checked);
        mtls_transcript_release(&handshake->transcript);
    } else {
        size_t length;
        const uint8_t *message = g_bytes_get_data(handshake->pending_certificate_verify, &length);
        verify_client_certificate_verify(handshake, message, length, packet->frame);
    }
    g_clear_pointer(&handshake->pending_certificate_verify, g_bytes_unref);
}

void mtls_handshake_superseded(mtls_handshake *handshake)
{
    if (handshake->pending_certificate_verify != NULL) {
        set_certificate_verify_status(handshake, MTLS_CERTIFICATE_VERIFY_UNCHECKED,
                                      "the handshake never ended: another began on the connection");
        g_clear_pointer(&handshake->pending_certificate_verify, g_bytes_unref);
    }
    mtls_transcript_release(&handshake->transcript);
}

