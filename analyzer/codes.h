/* codes.h - names of the finding codes that are not TLS alerts (alerts are
 * reported under their RFC names, see alerts.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_CODES_H
#define MTLS_CODES_H

#include "mtls_analyzer.h"

#define MTLS_CODE_EMPTY_CERTIFICATE "empty_certificate"
#define MTLS_CODE_LEGACY_VERSION "legacy_version"
#define MTLS_CODE_MISSING_INTERMEDIATE "missing_intermediate"
#define MTLS_CODE_UNTRUSTED_ROOT "untrusted_root"
#define MTLS_CODE_SELF_SIGNED "self_signed"
#define MTLS_CODE_ISSUER_NOT_ACCEPTED "issuer_not_accepted"
#define MTLS_CODE_EXPIRED "expired"
#define MTLS_CODE_NOT_YET_VALID "not_yet_valid"
#define MTLS_CODE_CLIENT_AUTH_EKU_MISSING "client_auth_eku_missing"
#define MTLS_CODE_CHAIN_ORDER "chain_order"
#define MTLS_CODE_BAD_SIGNATURE "bad_signature"
#define MTLS_CODE_NOT_A_CA "not_a_ca"
#define MTLS_CODE_PATH_LENGTH_EXCEEDED "path_length_exceeded"
#define MTLS_CODE_KEY_USAGE "key_usage"
#define MTLS_CODE_WEAK_KEY "weak_key"
#define MTLS_CODE_WEAK_SIGNATURE "weak_signature"
#define MTLS_CODE_DUPLICATE_CERTIFICATE "duplicate_certificate"
#define MTLS_CODE_SERVER_NOT_A_CA "server_not_a_ca"
#define MTLS_CODE_SERVER_PATH_LENGTH_EXCEEDED "server_path_length_exceeded"
#define MTLS_CODE_SERVER_KEY_USAGE "server_key_usage"
#define MTLS_CODE_SERVER_WEAK_KEY "server_weak_key"
#define MTLS_CODE_SERVER_WEAK_SIGNATURE "server_weak_signature"
#define MTLS_CODE_SERVER_DUPLICATE_CERTIFICATE "server_duplicate_certificate"
#define MTLS_CODE_SERVER_MISSING_INTERMEDIATE "server_missing_intermediate"
#define MTLS_CODE_SERVER_UNTRUSTED_ROOT "server_untrusted_root"
#define MTLS_CODE_SERVER_SELF_SIGNED "server_self_signed"
#define MTLS_CODE_SERVER_EXPIRED "server_expired"
#define MTLS_CODE_SERVER_NOT_YET_VALID "server_not_yet_valid"
#define MTLS_CODE_SERVER_AUTH_EKU_MISSING "server_auth_eku_missing"
#define MTLS_CODE_SERVER_CHAIN_ORDER "server_chain_order"
#define MTLS_CODE_SERVER_BAD_SIGNATURE "server_bad_signature"
#define MTLS_CODE_NOT_REQUESTED "not_requested"
#define MTLS_CODE_HANDSHAKE_COMPLETED "handshake_completed"
#define MTLS_CODE_RESUMED "resumed"
#define MTLS_CODE_CA_NAMES_EMPTY "ca_names_empty"
#define MTLS_CODE_COMPLETED_WITHOUT_CERTIFICATE "completed_without_certificate"
#define MTLS_CODE_TLS13_ENCRYPTED "tls13_encrypted"
#define MTLS_CODE_ENCRYPTED_ALERT "encrypted_alert"
#define MTLS_CODE_WARNING_ALERT "warning_alert"
#define MTLS_CODE_MALFORMED_CERTIFICATE "malformed_certificate"
#define MTLS_CODE_HANDSHAKE_START_MISSING "handshake_start_missing"
#define MTLS_CODE_UNKNOWN_ALERT "unknown_alert"
#define MTLS_CODE_POST_HANDSHAKE_AUTH "post_handshake_auth"
#define MTLS_CODE_RENEGOTIATION_ENCRYPTED "renegotiation_encrypted"
#define MTLS_CODE_EXPIRES_SOON "expires_soon"
#define MTLS_CODE_SERVER_EXPIRES_SOON "server_expires_soon"
#define MTLS_CODE_NO_SNI "no_sni"
#define MTLS_CODE_SIGNATURE_ALGORITHM_MISMATCH "signature_algorithm_mismatch"
#define MTLS_CODE_CERTIFICATE_VERIFY_FAILED "certificate_verify_failed"
#define MTLS_CODE_UNEXPECTED_CLIENT_CERTIFICATE "unexpected_client_certificate"
#define MTLS_CODE_APPLICATION_REJECTED "application_rejected"
#define MTLS_CODE_INTERMEDIATE_NOT_SENT "intermediate_not_sent"
#define MTLS_CODE_SERVER_NAME_MISMATCH "server_name_mismatch"
#define MTLS_CODE_CHAIN_PARTLY_JUDGED "chain_partly_judged"

/* The title of unknown_alert, which is also what an unassigned alert says. */
#define MTLS_UNKNOWN_ALERT_TITLE "an alert description not in the TLS registry"

#endif
