/* codes.c - the catalogue of finding codes: every code the analyzer can
 * report, with its severity and group. The plugin registers one expert-info
 * entry and filter per code from this table. A new code also needs a
 * detector that reports it, its README row (test_codes checks), a unit test,
 * and a capture with its expectation line (README, "Adding a finding code").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "alerts.h"
#include "codes.h"

#define ENTRY(code, is_problem, severity, category, title, explains) \
    {code, is_problem, MTLS_SEVERITY_##severity, MTLS_CATEGORY_##category, title, MTLS_EXPLAINS_##explains}
#define PROBLEM(code, severity, category, title) ENTRY(code, true, severity, category, title, NO_REFUSAL)
#define NOTE(code, severity, category, title) ENTRY(code, false, severity, category, title, NO_REFUSAL)
/* A problem a peer verifying the chain also finds: it explains that peer's refusal. */
#define CLIENT_CHAIN_PROBLEM(code, severity, category, title) \
    ENTRY(code, true, severity, category, title, CLIENT_CHAIN_REFUSAL)
#define SERVER_CHAIN_PROBLEM(code, severity, category, title) \
    ENTRY(code, true, severity, category, title, SERVER_CHAIN_REFUSAL)

/* Every problem is an Error: a cause has at least the severity of the alert
 * it explains, and Wireshark's Expert Information lists it there, before
 * the alert (a frame's cause is added before its symptom). */
static const mtls_code_info finding_codes[] = {
    PROBLEM(MTLS_CODE_EMPTY_CERTIFICATE, ERROR, SECURITY,
            "the server asked for a client certificate and the client sent none"),
    PROBLEM(MTLS_CODE_LEGACY_VERSION, ERROR, PROTOCOL, "a legacy TLS/SSL version was offered or negotiated"),

    CLIENT_CHAIN_PROBLEM(MTLS_CODE_MISSING_INTERMEDIATE, ERROR, SECURITY,
                         "the client chain stops before a CA the server accepts"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_UNTRUSTED_ROOT, ERROR, SECURITY,
                         "the client chain ends at a root the server does not trust"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_SELF_SIGNED, ERROR, SECURITY, "the client certificate is self-signed"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_ISSUER_NOT_ACCEPTED, ERROR, SECURITY,
                         "no certificate of the client chain is issued by a CA the server listed"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_EXPIRED, ERROR, SECURITY,
                         "a client chain certificate had expired at capture time"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_NOT_YET_VALID, ERROR, SECURITY,
                         "a client chain certificate was not yet valid at capture time"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_CLIENT_AUTH_EKU_MISSING, ERROR, SECURITY,
                         "the client certificate's Extended Key Usage lacks clientAuth"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_CHAIN_ORDER, ERROR, SECURITY, "the client chain is not in leaf-to-root order"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_BAD_SIGNATURE, ERROR, SECURITY,
                         "a client chain signature does not verify with its issuer's key"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_NOT_A_CA, ERROR, SECURITY,
                         "a certificate that issued another in the client chain is not a CA"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_PATH_LENGTH_EXCEEDED, ERROR, SECURITY,
                         "the client chain is deeper than a CA's path length constraint allows"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_KEY_USAGE, ERROR, SECURITY,
                         "a client chain certificate's Key Usage forbids its role"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_WEAK_KEY, ERROR, SECURITY,
                         "a client chain certificate has a key too short for current peers"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_WEAK_SIGNATURE, ERROR, SECURITY,
                         "a client chain certificate is signed with MD5 or SHA-1"),
    PROBLEM(MTLS_CODE_SIGNATURE_ALGORITHM_MISMATCH, ERROR, SECURITY,
            "the client certificate's key cannot sign with any algorithm the server accepts"),
    CLIENT_CHAIN_PROBLEM(MTLS_CODE_CERTIFICATE_VERIFY_FAILED, ERROR, SECURITY,
                         "the client's CertificateVerify was not signed with the key of its certificate"),
    PROBLEM(MTLS_CODE_CLOSED_WITHOUT_ALERT, ERROR, SECURITY,
            "the server closed the connection without an alert where it refused the client"),
    PROBLEM(MTLS_CODE_APPLICATION_REJECTED, ERROR, SECURITY,
            "the handshake completed and the application's answer refused the client"),
    PROBLEM(MTLS_CODE_UNEXPECTED_CLIENT_CERTIFICATE, ERROR, SECURITY,
            "the client certificate is not the one registered on the server side"),
    NOTE(MTLS_CODE_EXPIRES_SOON, NOTE, SECURITY, "a client chain certificate expires soon after the capture"),
    NOTE(MTLS_CODE_DUPLICATE_CERTIFICATE, WARNING, PROTOCOL, "the client sent the same certificate more than once"),

    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_MISSING_INTERMEDIATE, ERROR, SECURITY,
                         "the server chain stops before a trusted CA"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_UNTRUSTED_ROOT, ERROR, SECURITY,
                         "the server chain ends at a root not in the trust store"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_SELF_SIGNED, ERROR, SECURITY, "the server certificate is self-signed"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_EXPIRED, ERROR, SECURITY,
                         "a server chain certificate had expired at capture time"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_NOT_YET_VALID, ERROR, SECURITY,
                         "a server chain certificate was not yet valid at capture time"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_AUTH_EKU_MISSING, ERROR, SECURITY,
                         "the server certificate's Extended Key Usage lacks serverAuth"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_CHAIN_ORDER, ERROR, SECURITY,
                         "the server chain is not in leaf-to-root order"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_BAD_SIGNATURE, ERROR, SECURITY,
                         "a server chain signature does not verify with its issuer's key"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_NOT_A_CA, ERROR, SECURITY,
                         "a certificate that issued another in the server chain is not a CA"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_PATH_LENGTH_EXCEEDED, ERROR, SECURITY,
                         "the server chain is deeper than a CA's path length constraint allows"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_KEY_USAGE, ERROR, SECURITY,
                         "a server chain certificate's Key Usage forbids its role"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_WEAK_KEY, ERROR, SECURITY,
                         "a server chain certificate has a key too short for current peers"),
    SERVER_CHAIN_PROBLEM(MTLS_CODE_SERVER_WEAK_SIGNATURE, ERROR, SECURITY,
                         "a server chain certificate is signed with MD5 or SHA-1"),
    NOTE(MTLS_CODE_SERVER_EXPIRES_SOON, NOTE, SECURITY, "a server chain certificate expires soon after the capture"),
    NOTE(MTLS_CODE_SERVER_DUPLICATE_CERTIFICATE, WARNING, PROTOCOL,
         "the server sent the same certificate more than once"),

    PROBLEM(MTLS_CODE_SERVER_NAME_MISMATCH, ERROR, SECURITY,
            "the server certificate does not cover the server name the client asked for"),
    NOTE(MTLS_CODE_NO_SNI, NOTE, PROTOCOL,
         "the client sent no server name to a server whose certificate covers several"),

    PROBLEM(MTLS_CODE_UNKNOWN_ALERT, ERROR, PROTOCOL, MTLS_UNKNOWN_ALERT_TITLE),

    NOTE(MTLS_CODE_NOT_REQUESTED, CHAT, SEQUENCE, "the server did not request a client certificate"),
    NOTE(MTLS_CODE_HANDSHAKE_COMPLETED, CHAT, SEQUENCE,
         "the handshake completed after the client sent its certificate"),
    NOTE(MTLS_CODE_RESUMED, CHAT, SEQUENCE, "abbreviated (resumed) handshake: no certificates are exchanged"),
    NOTE(MTLS_CODE_POST_HANDSHAKE_AUTH, NOTE, SEQUENCE,
         "the server asked for a client certificate after the handshake (TLS 1.3)"),
    NOTE(MTLS_CODE_RENEGOTIATION_ENCRYPTED, NOTE, DECRYPTION,
         "a renegotiation followed the handshake; without keys it cannot be read"),
    NOTE(MTLS_CODE_INTERMEDIATE_NOT_SENT, NOTE, SECURITY,
         "the client sent no intermediate and the server completed the handshake"),
    NOTE(MTLS_CODE_CA_NAMES_EMPTY, NOTE, SECURITY, "the CertificateRequest lists no CA names"),
    NOTE(MTLS_CODE_COMPLETED_WITHOUT_CERTIFICATE, NOTE, SECURITY,
         "the server completed the handshake without a client certificate"),
    NOTE(MTLS_CODE_TLS13_ENCRYPTED, NOTE, DECRYPTION,
         "TLS 1.3 handshake is encrypted: client authentication is not visible without keys"),
    NOTE(MTLS_CODE_ENCRYPTED_ALERT, NOTE, DECRYPTION,
         "an alert was sent encrypted; its reason is not visible without keys"),
    NOTE(MTLS_CODE_WARNING_ALERT, NOTE, PROTOCOL, "a warning-level alert was sent"),
    NOTE(MTLS_CODE_MALFORMED_CERTIFICATE, WARNING, MALFORMED, "a certificate in the capture could not be parsed"),
    NOTE(MTLS_CODE_CHAIN_PARTLY_JUDGED, WARNING, PROTOCOL,
         "a chain longer than any verifier follows: only its start was judged"),
    NOTE(MTLS_CODE_HANDSHAKE_START_MISSING, NOTE, SEQUENCE, "the start of this handshake was not captured"),
};

#define FINDING_CODE_COUNT (sizeof finding_codes / sizeof finding_codes[0])

size_t mtls_code_count(void)
{
    return FINDING_CODE_COUNT + mtls_alert_count();
}

const mtls_code_info *mtls_code_at(size_t index)
{
    if (index < FINDING_CODE_COUNT)
        return &finding_codes[index];
    const mtls_alert_info *alert = mtls_alert_at(index - FINDING_CODE_COUNT);
    return alert ? &alert->code : NULL;
}

/* Every finding looks its code up: the first letter rules out most entries
 * without a call. */
static bool is_code(const mtls_code_info *info, const char *code)
{
    return info->code[0] == code[0] && strcmp(info->code, code) == 0;
}

const mtls_code_info *mtls_code_lookup(const char *code)
{
    for (size_t i = 0; i < FINDING_CODE_COUNT; i++) {
        if (is_code(&finding_codes[i], code))
            return &finding_codes[i];
    }
    const size_t alerts = mtls_alert_count();
    for (size_t i = 0; i < alerts; i++) {
        const mtls_code_info *info = &mtls_alert_at(i)->code;
        if (is_code(info, code))
            return info;
    }
    return NULL;
}
