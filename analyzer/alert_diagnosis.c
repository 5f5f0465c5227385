/* alert_diagnosis.c - explains a fatal alert in the context of the handshake
 * that preceded it: who rejected what, the most likely cause the capture
 * shows, and what to change. The same alert means different things at
 * different points (handshake_failure after an empty Certificate is "no
 * client certificate"; before the ServerHello it is "nothing in common").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "codes.h"
#include "handshake_state.h"
#include "tls_algorithms.h"

#define OFFERED_SHOWN 8

/* Appends "code (frame N): title; ..." for the chain findings already made,
 * returning whether there were any. */
static bool append_chain_findings(GString *text, const mtls_handshake *handshake, mtls_refusal_explained refusal)
{
    bool any = false;
    for (unsigned i = 0; i < handshake->findings->len; i++) {
        const mtls_finding *finding = g_ptr_array_index(handshake->findings, i);
        if (finding->info->explains != refusal)
            continue;
        /* A finding held for the outcome is reported on the alert; its
         * evidence is the frame that shows it. */
        uint32_t shown = finding->frame == handshake->summary.alert_frame && finding->evidence_count > 0
                             ? finding->evidence[0]
                             : finding->frame;
        g_string_append_printf(text, "%s%s (frame %u): %s", any ? "; " : " The capture shows why: ",
                               finding->info->code, shown, finding->info->title);
        any = true;
    }
    if (any)
        g_string_append(text, ".");
    return any;
}

bool mtls_append_client_chain_findings(GString *text, const mtls_handshake *handshake)
{
    return append_chain_findings(text, handshake, MTLS_EXPLAINS_CLIENT_CHAIN_REFUSAL);
}

bool mtls_client_chain_has_findings(const mtls_handshake *handshake)
{
    for (unsigned i = 0; i < handshake->findings->len; i++) {
        const mtls_finding *finding = g_ptr_array_index(handshake->findings, i);
        if (finding->info->explains == MTLS_EXPLAINS_CLIENT_CHAIN_REFUSAL)
            return true;
    }
    return false;
}

static const char *offered_text(const mtls_handshake *handshake)
{
    const char *name = mtls_version_name(handshake->summary.offered_max_version);
    return name ? name : "an unknown version";
}

/* The first sentence of a server's refusal of the client certificate: what
 * it refused and what to change. */
static void headline_server_rejecting_client_certificate(GString *text, const mtls_handshake *handshake,
                                                         int description, const char *subject, const char *issuer)
{
    const char *alert = handshake->fatal_alert->code.code;
    if (mtls_client_chain_has_findings(handshake) && description != MTLS_ALERT_ACCESS_DENIED) {
        g_string_append_printf(text, "The server refused client certificate '%s' with %s: fix the chain problems "
                                     "the capture shows.", subject, alert);
        return;
    }
    switch (description) {
    case MTLS_ALERT_HANDSHAKE_FAILURE:
        g_string_append_printf(text, "The server refused client certificate '%s' with handshake_failure: check that "
                                     "it trusts the issuer '%s'.", subject, issuer);
        break;
    case MTLS_ALERT_UNKNOWN_CA:
        g_string_append_printf(text, "The server does not trust the client's CA: add '%s' to its client CAs, or send "
                                     "the intermediates.", issuer);
        break;
    case MTLS_ALERT_UNSUPPORTED_CERTIFICATE:
        g_string_append_printf(text, "The server refused client certificate '%s' as unsupported: check its key type "
                                     "and its (Extended) Key Usage.", subject);
        break;
    case MTLS_ALERT_CERTIFICATE_REVOKED:
        g_string_append_printf(text, "The server says client certificate '%s' is revoked: request and install a new "
                                     "one.", subject);
        break;
    case MTLS_ALERT_CERTIFICATE_EXPIRED:
        g_string_append_printf(text, "The server says client certificate '%s' expired, though it is valid at capture "
                                     "time: check the server's clock.", subject);
        break;
    case MTLS_ALERT_ACCESS_DENIED:
        g_string_append_printf(text, "The server denies client certificate '%s' access: map it to a user or allow it "
                                     "on the server.", subject);
        break;
    case MTLS_ALERT_DECRYPT_ERROR:
        if (handshake->summary.certificate_verify == MTLS_CERTIFICATE_VERIFY_VALID)
            g_string_append(text, "The server refused a signature, but not the valid CertificateVerify: compare its "
                                  "issuing CA with the one sent.");
        else
            g_string_append(text, "The server could not verify a signature: check that the client's private key "
                                  "belongs to its certificate.");
        break;
    default:
        g_string_append_printf(text, "The server refused client certificate '%s' with %s without naming a reason: "
                                     "its log names it.", subject, alert);
        break;
    }
}

static void explain_server_rejecting_client_certificate(GString *text, const mtls_handshake *handshake,
                                                        int description, const char *alert_sentence)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    const char *subject = summary->client_subject ? summary->client_subject : "(unparsable)";
    const char *issuer = summary->client_issuer ? summary->client_issuer : "(unparsable)";
    headline_server_rejecting_client_certificate(text, handshake, description, subject, issuer);
    g_string_append_printf(text, " %s The server rejected the client certificate '%s' sent in frame %u.",
                           alert_sentence, subject, summary->client_certificate_frame);
    if (append_chain_findings(text, handshake, MTLS_EXPLAINS_CLIENT_CHAIN_REFUSAL) &&
        description != MTLS_ALERT_ACCESS_DENIED)
        return;
    switch (description) {
    case MTLS_ALERT_HANDSHAKE_FAILURE:
        g_string_append_printf(text, " Many servers send handshake_failure for every client-certificate rejection. "
                                     "Check that the server trusts the issuer '%s' and accepts this certificate "
                                     "for the service (its client-certificate mapping).", issuer);
        break;
    case MTLS_ALERT_UNKNOWN_CA:
        g_string_append_printf(text, " The server cannot build a path from it to a CA it trusts: add '%s' (and its "
                                     "root) to the server's trusted client CAs, or send the intermediate "
                                     "certificates with the client certificate.", issuer);
        break;
    case MTLS_ALERT_BAD_CERTIFICATE:
        g_string_append(text, " The alert names no reason: Go's crypto/tls and wolfSSL send bad_certificate for "
                              "every refusal of a client certificate (unknown CA, expiry, usage), Java for many. "
                              "Where nothing in the chain explains it, the signature or the certificate itself was "
                              "refused: a CertificateVerify made with a key that does not belong to the certificate, "
                              "an unsupported signature algorithm, or a corrupt certificate. The server's log names "
                              "the reason.");
        break;
    case MTLS_ALERT_UNSUPPORTED_CERTIFICATE:
        g_string_append(text, " Check the key type and the Key Usage / Extended Key Usage (clientAuth) the server "
                              "requires.");
        break;
    case MTLS_ALERT_CERTIFICATE_REVOKED:
        g_string_append(text, " Its CA has revoked it.");
        break;
    case MTLS_ALERT_CERTIFICATE_EXPIRED:
        g_string_append(text, " The certificates sent were valid at capture time, so check the server's clock and "
                              "the validity of the CA certificates the server holds.");
        break;
    case MTLS_ALERT_CERTIFICATE_UNKNOWN:
        g_string_append(text, " The alert gives no reason (Java servers send it for most chain errors): the "
                              "server's log names it.");
        break;
    case MTLS_ALERT_ACCESS_DENIED:
        g_string_append_printf(text, " The chain was accepted but the identity is not authorised: map '%s' to a "
                                     "user or allow it on the server.", subject);
        break;
    case MTLS_ALERT_DECRYPT_ERROR:
        if (summary->certificate_verify == MTLS_CERTIFICATE_VERIFY_VALID)
            g_string_append_printf(text, " The client's CertificateVerify (frame %u) was checked and is signed with "
                                         "the key of this certificate, so the key matches. The signature the server "
                                         "refused is another: one in the chain (a CA re-created under the same name "
                                         "signed the certificate; compare the issuing CA the server holds with the "
                                         "one sent) or the client's Finished (a middlebox altered the handshake).",
                                   summary->certificate_verify_frame);
        else
            g_string_append(text, " Most often the client's CertificateVerify signature does not verify: the "
                                  "private key used does not belong to the certificate sent (a keystore with a "
                                  "mismatched key and certificate).");
        break;
    default:
        break;
    }
}

static void explain_no_client_certificate(GString *text, const mtls_handshake *handshake, int description,
                                          const char *alert_sentence)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    char *ca_list = mtls_ca_names_for_message(handshake->ca_names);
    if (description == MTLS_ALERT_CERTIFICATE_REQUIRED)
        g_string_append(text, "The server requires a client certificate and the client sent none: configure the "
                              "client's certificate.");
    else if (summary->client_certificate_sent)
        g_string_append_printf(text, "The client sent an empty Certificate (frame %u) but the server requires one: "
                                     "configure the client's certificate.", summary->client_certificate_frame);
    else
        g_string_append(text, "The client has no certificate to present: configure it with a certificate and its "
                              "private key.");
    g_string_append_printf(text, " %s", alert_sentence);
    if (description == MTLS_ALERT_CERTIFICATE_REQUIRED)
        g_string_append(text, " TLS 1.3 defines this alert for a missing client certificate.");
    g_string_append_printf(text, " Configure the client with a certificate and its private key%s%s.",
                           summary->ca_name_count ? " issued by one of " : "", summary->ca_name_count ? ca_list : "");
    g_free(ca_list);
}

/* A refusal of the ClientHello itself: what the client offered is all there
 * is to compare with the server's configuration. */
static void explain_nothing_in_common(GString *text, const mtls_handshake *handshake, const char *alert_sentence)
{
    const mtls_code_points *suites = &handshake->offered_cipher_suites;
    const mtls_code_points *schemes = &handshake->offered_signature_schemes;
    char *suite_list = mtls_cipher_suites_for_message(suites->values, suites->count, OFFERED_SHOWN);
    char *scheme_list = mtls_signature_schemes_for_message(schemes->values, schemes->count, OFFERED_SHOWN);
    g_string_append_printf(text, "The server found nothing acceptable in the ClientHello (frame %u): enable a "
                                 "version and cipher suite both sides accept. %s No common TLS version, cipher "
                                 "suite, signature algorithm or group. The client offered versions %s; cipher "
                                 "suites %s; signature algorithms %s. Compare them with the server's configuration.",
                           handshake->summary.client_hello_frame, alert_sentence,
                           handshake->summary.offered_versions ? handshake->summary.offered_versions
                                                               : offered_text(handshake),
                           suite_list, schemes->count ? scheme_list : "(no signature_algorithms extension)");
    g_free(suite_list);
    g_free(scheme_list);
}

static void explain_before_server_hello(GString *text, const mtls_handshake *handshake, int description,
                                        const char *alert_sentence)
{
    if (handshake->summary.client_hello_frame == 0)
        return;
    if (description == MTLS_ALERT_PROTOCOL_VERSION)
        g_string_append_printf(text, "The server refuses the client's TLS version: enable TLS 1.2 or 1.3 in the "
                                     "client, or allow that version on the server. %s The client offered at most %s "
                                     "(frame %u).",
                               alert_sentence, offered_text(handshake), handshake->summary.client_hello_frame);
    else if (description == MTLS_ALERT_HANDSHAKE_FAILURE || description == MTLS_ALERT_INSUFFICIENT_SECURITY)
        explain_nothing_in_common(text, handshake, alert_sentence);
}

static void explain_client_rejecting_server(GString *text, const mtls_handshake *handshake, int description,
                                            const char *alert_sentence)
{
    const char *subject = handshake->summary.server_subject;
    GString *findings = g_string_new(NULL);
    bool any = append_chain_findings(findings, handshake, MTLS_EXPLAINS_SERVER_CHAIN_REFUSAL);
    if (any)
        g_string_append_printf(text, "The client refused the server's certificate with %s: fix the server chain "
                                     "problems shown.", handshake->fatal_alert->code.code);
    else if (description == MTLS_ALERT_UNKNOWN_CA || description == MTLS_ALERT_CERTIFICATE_UNKNOWN)
        g_string_append(text, "The client does not trust the server's CA: add its root CA to the client's trust "
                              "store, or make the server send its intermediates.");
    else if (description == MTLS_ALERT_BAD_CERTIFICATE)
        g_string_append(text, "The client refused the server's certificate with bad_certificate: check that the host "
                              "name is in its subjectAltName.");
    else if (description == MTLS_ALERT_CERTIFICATE_EXPIRED)
        g_string_append(text, "The client says the server's certificate expired, though it is valid at capture time: "
                              "check the client's clock.");
    else
        g_string_append_printf(text, "The client refused the server's certificate with %s: the client's log names "
                                     "the reason.", handshake->fatal_alert->code.code);
    g_string_append_printf(text, " %s The client rejected the server's certificate%s%s%s.%s", alert_sentence,
                           subject ? " '" : "", subject ? subject : "", subject ? "'" : "", findings->str);
    g_string_free(findings, TRUE);
    if (any)
        return;
    if (description == MTLS_ALERT_UNKNOWN_CA || description == MTLS_ALERT_CERTIFICATE_UNKNOWN)
        g_string_append(text, " The client does not trust the server's CA: add the server's root CA to the client's "
                              "trust store (Java truststore, SAP STRUST, Windows certificate store), or make the "
                              "server send its intermediate certificates.");
    else if (description == MTLS_ALERT_BAD_CERTIFICATE)
        g_string_append(text, " Often the host name the client connects to is not in the server certificate's "
                              "subjectAltName, or a signature does not verify.");
    else if (description == MTLS_ALERT_CERTIFICATE_EXPIRED)
        g_string_append(text, " The server certificate looks valid at capture time: check the client's clock.");
}

char *mtls_explain_alert(const mtls_handshake *handshake, mtls_side sender, const mtls_alert_info *alert,
                         uint32_t frame)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    const int description = handshake->fatal_alert_description;
    GString *text = g_string_new(NULL);
    GString *alert_text = g_string_new(NULL);
    bool no_client_certificate = description == MTLS_ALERT_CERTIFICATE_REQUIRED ||
                                 description == MTLS_ALERT_NO_CERTIFICATE ||
                                 (summary->client_certificate_sent && summary->client_chain_length == 0);
    /* An alert about a certificate, answering none: a stack's one alert
     * for every refusal, whose title would describe a certificate. */
    const bool generic = no_client_certificate && sender == MTLS_SIDE_SERVER &&
                         (description == MTLS_ALERT_BAD_CERTIFICATE || description == MTLS_ALERT_CERTIFICATE_UNKNOWN ||
                          description == MTLS_ALERT_UNSUPPORTED_CERTIFICATE);
    /* The alert itself; each explanation puts it after its first sentence, the cause and the fix. */
    if (sender == MTLS_SIDE_UNKNOWN)
        g_string_append_printf(alert_text, "A fatal alert %s (%d) was sent in frame %u: %s.", alert->code.code,
                               description, frame, alert->code.title);
    else if (generic)
        g_string_append_printf(alert_text, "The server sent fatal alert %s (%d) in frame %u, although the client sent "
                                           "no certificate: some stacks send one alert for every client-certificate "
                                           "refusal (Go's crypto/tls: bad_certificate; Java: certificate_unknown or "
                                           "bad_certificate), a missing certificate included.",
                               alert->code.code, description, frame);
    else
        g_string_append_printf(alert_text, "The %s sent fatal alert %s (%d) in frame %u: %s.", mtls_side_name(sender),
                               alert->code.code, description, frame, alert->code.title);
    const char *alert_sentence = alert_text->str;
    bool about_certificate = alert->code.category == MTLS_CATEGORY_SECURITY;
    const char *version = mtls_version_name(summary->negotiated_version);

    if (handshake->accepted_frame != 0)
        g_string_append_printf(text, "The %s ended the connection with %s after the handshake: its log names the "
                                     "reason. %s It came after the handshake had completed (frame %u), so it ended "
                                     "the connection, not the authentication.",
                               mtls_side_name(sender), alert->code.code, alert_sentence, handshake->accepted_frame);
    else if (sender == MTLS_SIDE_SERVER && handshake->server_hello_frame == 0)
        explain_before_server_hello(text, handshake, description, alert_sentence);
    else if (sender == MTLS_SIDE_SERVER && no_client_certificate)
        explain_no_client_certificate(text, handshake, description, alert_sentence);
    else if (sender == MTLS_SIDE_SERVER && summary->client_chain_length > 0)
        explain_server_rejecting_client_certificate(text, handshake, description, alert_sentence);
    else if (sender == MTLS_SIDE_CLIENT && description == MTLS_ALERT_NO_CERTIFICATE)
        explain_no_client_certificate(text, handshake, description, alert_sentence);
    else if (sender == MTLS_SIDE_CLIENT && about_certificate && handshake->server_certificate_frame != 0)
        explain_client_rejecting_server(text, handshake, description, alert_sentence);
    else if (sender == MTLS_SIDE_CLIENT && description == MTLS_ALERT_PROTOCOL_VERSION)
        g_string_append_printf(text, "The client refuses the version the server chose (%s): make both sides allow "
                                     "TLS 1.2 or 1.3. %s",
                               version ? version : "unknown", alert_sentence);
    else if (sender == MTLS_SIDE_CLIENT && summary->certificate_requested && !summary->client_certificate_sent)
        g_string_append_printf(text, "The client probably has no certificate fitting the server's CA names: give it "
                                     "one issued by a CA the server lists. %s The server had requested a client "
                                     "certificate (frame %u); a client with no certificate fitting the server's CA "
                                     "names may abort like this instead of sending an empty one.",
                               alert_sentence, summary->certificate_request_frame);
    if (text->len == 0 && sender == MTLS_SIDE_UNKNOWN)
        g_string_append_printf(text, "A fatal alert %s (%d) was sent in frame %u: the sender's log names the reason. "
                                     "The alert means: %s.",
                               alert->code.code, description, frame, alert->code.title);
    else if (text->len == 0)
        g_string_append_printf(text, "The %s sent fatal alert %s (%d) in frame %u: the %s's log names the reason. "
                                     "The alert means: %s.",
                               mtls_side_name(sender), alert->code.code, description, frame, mtls_side_name(sender),
                               alert->code.title);
    g_string_free(alert_text, TRUE);
    return g_string_free(text, FALSE);
}
