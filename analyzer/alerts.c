/* alerts.c - the TLS alert registry.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "alerts.h"

#include "codes.h"

/* Every alert is registered as a problem code; the handshake logic decides
 * which alerts are reported at all (close_notify never is, warnings become notes). */
#define CERTIFICATE_ALERT(number, name, meaning) \
    {number, {name, true, MTLS_SEVERITY_ERROR, MTLS_CATEGORY_SECURITY, meaning, MTLS_EXPLAINS_NO_REFUSAL}}
#define PROTOCOL_ALERT(number, name, meaning) \
    {number, {name, true, MTLS_SEVERITY_ERROR, MTLS_CATEGORY_PROTOCOL, meaning, MTLS_EXPLAINS_NO_REFUSAL}}

static const mtls_alert_info alert_registry[] = {
    PROTOCOL_ALERT(0, "close_notify", "the sender is closing the connection"),
    PROTOCOL_ALERT(10, "unexpected_message", "a message arrived that the sender did not expect at this point"),
    PROTOCOL_ALERT(20, "bad_record_mac", "a record failed its integrity check"),
    PROTOCOL_ALERT(21, "decryption_failed", "a record could not be decrypted"),
    PROTOCOL_ALERT(22, "record_overflow", "a record was longer than allowed"),
    PROTOCOL_ALERT(30, "decompression_failure", "a record could not be decompressed"),
    PROTOCOL_ALERT(40, "handshake_failure",
                   "the sender could not agree on security parameters or refused the handshake"),
    CERTIFICATE_ALERT(41, "no_certificate", "the sender has no certificate to present"),
    CERTIFICATE_ALERT(42, "bad_certificate", "the peer's certificate is corrupt or its signature does not verify"),
    CERTIFICATE_ALERT(43, "unsupported_certificate",
                      "the peer's certificate is of a type or usage the sender does not accept"),
    CERTIFICATE_ALERT(44, "certificate_revoked", "the peer's certificate was revoked by its issuer"),
    CERTIFICATE_ALERT(45, "certificate_expired", "the peer's certificate is expired or not yet valid"),
    CERTIFICATE_ALERT(46, "certificate_unknown", "an unspecified problem with the peer's certificate"),
    PROTOCOL_ALERT(47, "illegal_parameter", "a handshake field was out of range or inconsistent"),
    CERTIFICATE_ALERT(48, "unknown_ca", "the peer's chain does not lead to a CA the sender trusts"),
    CERTIFICATE_ALERT(49, "access_denied", "the peer's identity is valid but not allowed access"),
    PROTOCOL_ALERT(50, "decode_error", "a message could not be decoded"),
    CERTIFICATE_ALERT(51, "decrypt_error", "a signature or key exchange failed to verify"),
    PROTOCOL_ALERT(60, "export_restriction", "an export-restricted parameter was used"),
    PROTOCOL_ALERT(70, "protocol_version", "the sender does not support the protocol version offered"),
    PROTOCOL_ALERT(71, "insufficient_security", "the sender requires stronger ciphers than the peer offered"),
    PROTOCOL_ALERT(80, "internal_error", "the sender failed for a reason of its own"),
    PROTOCOL_ALERT(86, "inappropriate_fallback", "the client retried with a lower version the server rejects"),
    PROTOCOL_ALERT(90, "user_canceled", "the sender's application cancelled the handshake"),
    PROTOCOL_ALERT(100, "no_renegotiation", "the sender refuses renegotiation"),
    PROTOCOL_ALERT(109, "missing_extension", "a required extension was missing"),
    PROTOCOL_ALERT(110, "unsupported_extension", "an extension was sent that the sender did not offer"),
    CERTIFICATE_ALERT(111, "certificate_unobtainable", "a certificate could not be fetched from its URL"),
    PROTOCOL_ALERT(112, "unrecognized_name", "the server has no service for the requested server name (SNI)"),
    CERTIFICATE_ALERT(113, "bad_certificate_status_response", "the OCSP status response was invalid"),
    CERTIFICATE_ALERT(114, "bad_certificate_hash_value", "a certificate hash did not match"),
    PROTOCOL_ALERT(115, "unknown_psk_identity", "the pre-shared key identity is unknown"),
    CERTIFICATE_ALERT(116, "certificate_required", "the server requires a client certificate and none was sent"),
    PROTOCOL_ALERT(120, "no_application_protocol", "no ALPN protocol in common"),
};

#define ALERT_COUNT (sizeof alert_registry / sizeof alert_registry[0])

size_t mtls_alert_count(void)
{
    return ALERT_COUNT;
}

const mtls_alert_info *mtls_alert_at(size_t index)
{
    return index < ALERT_COUNT ? &alert_registry[index] : NULL;
}

const mtls_alert_info *mtls_alert_unassigned(void)
{
    static const mtls_alert_info unassigned = {
        -1, {MTLS_CODE_UNKNOWN_ALERT, true, MTLS_SEVERITY_ERROR, MTLS_CATEGORY_PROTOCOL, MTLS_UNKNOWN_ALERT_TITLE,
             MTLS_EXPLAINS_NO_REFUSAL}};
    return &unassigned;
}

const mtls_alert_info *mtls_alert_lookup(int description)
{
    for (size_t i = 0; i < ALERT_COUNT; i++) {
        if (alert_registry[i].description == description)
            return &alert_registry[i];
    }
    return NULL;
}

const char *mtls_alert_name(int description)
{
    const mtls_alert_info *info = mtls_alert_lookup(description);
    return info ? info->code.code : NULL;
}
